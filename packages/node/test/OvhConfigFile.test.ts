import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as OvhConfigFile from "@effect-ovh/node/OvhConfigFile"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option, Redacted } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const dir = mkdtempSync(join(tmpdir(), "ovh-conf-"))
const write = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const settingsOf = (options: NodeOvh.Options) =>
  Effect.flatMap(NodeOvh.configSources(options), OvhConfig.resolve)

describe("OvhConfigFile", () => {
  it.effect("parses python-ovh's layout, comments and both separators", () =>
    Effect.gen(function*() {
      const sections = yield* OvhConfigFile.parse(
        "# comment\n; other\n[default]\nendpoint=ovh-eu\n\n[ovh-eu]\napplication_key = ak\napplication_secret: as\nconsumer_key=ck=with=equals\n",
        "ovh.conf"
      )
      assert.deepStrictEqual(sections, {
        default: { endpoint: "ovh-eu" },
        "ovh-eu": { application_key: "ak", application_secret: "as", consumer_key: "ck=with=equals" }
      })
    }))

  it.effect("keeps a section named by a URL whole although it contains dots", () =>
    Effect.gen(function*() {
      const sections = yield* OvhConfigFile.parse(
        "[default]\nendpoint=http://127.0.0.1:8080/1.0\n[http://127.0.0.1:8080/1.0]\napplication_key=ak\n[a.b]\nx=1\n",
        "ovh.conf"
      )
      assert.deepStrictEqual(sections["http://127.0.0.1:8080/1.0"], { application_key: "ak" })
      assert.deepStrictEqual(sections["a.b"], { x: "1" })
    }))

  it.effect("fails on a malformed file with its path and line", () =>
    Effect.gen(function*() {
      const noHeader = yield* Effect.flip(OvhConfigFile.parse("endpoint=ovh-eu\n", "/x/ovh.conf"))
      assert.strictEqual(noHeader.path, "/x/ovh.conf")
      assert.strictEqual(noHeader.line, 1)
      const garbage = yield* Effect.flip(OvhConfigFile.parse("[default]\nendpoint=ovh-eu\n{not ini}\n", "/x/ovh.conf"))
      assert.strictEqual(garbage.line, 3)
      assert.include(garbage.message, "/x/ovh.conf:3")
      const empty = yield* Effect.flip(OvhConfigFile.parse("[default]\n[]\n", "f"))
      assert.strictEqual(empty.line, 2)
    }))

  it.effect("discovers files by precedence: code > env > explicit file > ./ > ~/ > /etc", () =>
    Effect.gen(function*() {
      const system = write("system.conf", "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak-system\napplication_secret=as-system\nconsumer_key=ck-system\n")
      const user = write("user.conf", "[ovh-eu]\napplication_secret=as-user\n")
      const local = write("local.conf", "[ovh-eu]\nconsumer_key=ck-local\n")
      const explicit = write("explicit.conf", "[ovh-eu]\napplication_key=ak-explicit\n")
      const paths = [local, user, system]
      const fromFiles = yield* settingsOf({ configPaths: paths, env: {} })
      const auth = fromFiles.auth as OvhConfig.ApplicationKeyAuth
      assert.strictEqual(auth.applicationKey, "ak-system")
      assert.strictEqual(Redacted.value(auth.applicationSecret), "as-user")
      assert.strictEqual(Redacted.value(Option.getOrThrow(auth.consumerKey)), "ck-local")

      const withExplicit = (yield* settingsOf({ configPaths: paths, configFile: explicit, env: {} })).auth as OvhConfig.ApplicationKeyAuth
      assert.strictEqual(withExplicit.applicationKey, "ak-explicit")

      const withEnv = (yield* settingsOf({ configPaths: paths, configFile: explicit, env: { OVH_APPLICATION_KEY: "ak-env" } }))
        .auth as OvhConfig.ApplicationKeyAuth
      assert.strictEqual(withEnv.applicationKey, "ak-env")

      const withCode = (yield* settingsOf({
        configPaths: paths,
        configFile: explicit,
        env: { OVH_APPLICATION_KEY: "ak-env" },
        applicationKey: "ak-code"
      })).auth as OvhConfig.ApplicationKeyAuth
      assert.strictEqual(withCode.applicationKey, "ak-code")
    }))

  it.effect("skips absent default files, fails on an absent explicit one, and lists files looked at", () =>
    Effect.gen(function*() {
      const missing = join(dir, "nope.conf")
      const error = yield* Effect.flip(settingsOf({ configPaths: [missing], env: {} }))
      assert.strictEqual(error._tag, "OvhConfigError")
      assert.include(error.message, `${missing} (absent) [default] endpoint`)
      const explicit = yield* Effect.flip(settingsOf({ configPaths: [], configFile: missing, env: {} }))
      assert.strictEqual(explicit._tag, "OvhConfigFileError")
      assert.include(explicit.message, "file not found")
      const bad = write("bad.conf", "[default]\nendpoint = ovh-eu\noops\n")
      const malformed = yield* Effect.flip(settingsOf({ configPaths: [bad], env: {} }))
      assert.strictEqual(malformed._tag, "OvhConfigFileError")
      assert.include(malformed.message, `${bad}:3`)
    }))
})
