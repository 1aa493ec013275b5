import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as OvhConfigFile from "@effect-ovh/node/OvhConfigFile"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Layer, Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { inspect } from "node:util"

const randomSecret = () => randomBytes(24).toString("base64url")

// every string an error shows, searched for any 8-character run of the secret
const assertHidden = (error: object, secret: string) => {
  const shown = [String((error as Error).message), String(error), JSON.stringify(error), inspect(error, { depth: 10 })]
  for (let i = 0; i + 8 <= secret.length; i++) {
    for (const text of shown) assert.notInclude(text, secret.slice(i, i + 8))
  }
}

const dir = mkdtempSync(join(tmpdir(), "ovh-conf-"))
const write = (name: string, text: string) => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}

const settingsOf = (options: NodeOvh.Options) => Effect.flatMap(NodeOvh.configSources(options), OvhConfig.resolve)

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
      const system = write(
        "system.conf",
        "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak-system\napplication_secret=as-system\nconsumer_key=ck-system\n"
      )
      const user = write("user.conf", "[ovh-eu]\napplication_secret=as-user\n")
      const local = write("local.conf", "[ovh-eu]\nconsumer_key=ck-local\n")
      const explicit = write("explicit.conf", "[ovh-eu]\napplication_key=ak-explicit\n")
      const paths = [local, user, system]
      const fromFiles = yield* settingsOf({ configPaths: paths, env: {} })
      const auth = fromFiles.auth as OvhConfig.ApplicationKeyAuth
      assert.strictEqual(auth.applicationKey, "ak-system")
      assert.strictEqual(Redacted.value(auth.applicationSecret), "as-user")
      assert.strictEqual(Redacted.value(Option.getOrThrow(auth.consumerKey)), "ck-local")

      const withExplicit = (yield* settingsOf({ configPaths: paths, configFile: explicit, env: {} }))
        .auth as OvhConfig.ApplicationKeyAuth
      assert.strictEqual(withExplicit.applicationKey, "ak-explicit")

      const withEnv =
        (yield* settingsOf({ configPaths: paths, configFile: explicit, env: { OVH_APPLICATION_KEY: "ak-env" } }))
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

  it.effect("reads as configparser: lower-cased options, verbatim section names, continuation lines, [DEFAULT]", () =>
    Effect.gen(function*() {
      const sections = yield* OvhConfigFile.parse(
        [
          "[DEFAULT]",
          "Application_Secret = as-default",
          "[ ovh-eu ]",
          "APPLICATION_KEY = ak",
          "description = first",
          "   second",
          "",
          "   third",
          "   ; a comment inside is dropped",
          "",
          "consumer_key = ck ; kept",
          "[ovh-ca]x",
          "endpoint=",
          "[DEFAULT]",
          "timeout = 30"
        ].join("\r\n"),
        "f"
      )
      assert.deepStrictEqual(sections, {
        DEFAULT: { application_secret: "as-default", timeout: "30" },
        " ovh-eu ": { application_key: "ak", description: "first\nsecond\n\nthird", consumer_key: "ck ; kept" },
        "ovh-ca": { endpoint: "" }
      })
    }))

  it.effect("refuses what configparser refuses, quoting keys and never values", () =>
    Effect.gen(function*() {
      const secret = randomSecret()
      const cases: Array<[string, number, string]> = [
        [`application_secret=${secret}\n`, 1, `option "application_secret" comes before any [section] header`],
        [`[ovh-eu]\napplication_secret ${secret}\n`, 2, `expected "[section]" or "key = value"`],
        [`[ovh-eu]\n= ${secret}\n`, 2, "the key is empty"],
        [
          `[ovh-eu]\nconsumer_key=a\nCONSUMER_KEY=${secret}\n`,
          3,
          `option "consumer_key" appears twice in section "[ovh-eu]"`
        ],
        [`[ovh-eu]\n[default]\n[ovh-eu]\n`, 3, `section "[ovh-eu]" appears twice`],
        [`${secret}\n[ovh-eu]\n`, 1, "expected a [section] header first"]
      ]
      for (const [text, line, reason] of cases) {
        const error = yield* Effect.flip(OvhConfigFile.parse(text, "/x/ovh.conf"))
        assert.strictEqual(error.line, line, text)
        assert.include(error.reason, reason)
        assertHidden(error, secret)
      }
    }))

  it("merges files as one parser: later files win key by key, an empty value replaces nothing", () => {
    assert.deepStrictEqual(
      OvhConfigFile.merge([
        { DEFAULT: { application_key: "ak-etc" }, "ovh-eu": { consumer_key: "ck-etc", application_secret: "as-etc" } },
        { "ovh-eu": { consumer_key: "", application_secret: "as-home" }, "ovh-ca": {} }
      ]),
      {
        DEFAULT: { application_key: "ak-etc" },
        "ovh-eu": { consumer_key: "ck-etc", application_secret: "as-home" },
        "ovh-ca": {}
      }
    )
  })

  it.effect("skips a default file that cannot be read, as python's configparser does, and says so", () =>
    Effect.gen(function*() {
      const folder = join(dir, "a-directory.conf")
      mkdirSync(folder, { recursive: true })
      const good = write("good.conf", "[default]\nendpoint=ovh-eu\n[ovh-eu]\naccess_token=t\n")
      const [source] = yield* OvhConfigFile.sources({ paths: [folder, good] })
      assert.strictEqual(source!.label, `${folder} (unreadable: EISDIR), ${good}`)
      const settings = yield* settingsOf({ configPaths: [folder, good], env: {} })
      assert.strictEqual(settings.auth._tag, "AccessToken")
      const named = yield* Effect.flip(settingsOf({ configPaths: [], configFile: folder, env: {} }))
      assert.strictEqual(named._tag, "OvhConfigFileError")
    }))

  it.effect("reads OVH_* through the current ConfigProvider when no env record is given", () =>
    Effect.gen(function*() {
      const conf = write("provider.conf", "[default]\nendpoint=ovh-eu\n[ovh-ca]\napplication_secret=as-file\n")
      const provider = ConfigProvider.layer(ConfigProvider.fromUnknown({
        OVH_ENDPOINT: "ovh-ca",
        OVH_APPLICATION_KEY: "ak-provider",
        OVH_CONSUMER_KEY: "ck-provider"
      }))
      const settings = yield* Effect.gen(function*() {
        return yield* OvhConfig.OvhConfig
      }).pipe(
        Effect.provide(
          OvhConfigFile.layerConfig({ configPaths: [conf], consumerKey: "ck-code" }).pipe(Layer.provide(provider))
        )
      )
      assert.strictEqual(settings.endpoint.name, "ovh-ca")
      const auth = settings.auth as OvhConfig.ApplicationKeyAuth
      assert.strictEqual(auth.applicationKey, "ak-provider")
      assert.strictEqual(Redacted.value(auth.applicationSecret), "as-file")
      assert.strictEqual(Redacted.value(Option.getOrThrow(auth.consumerKey)), "ck-code")

      // an env record, when given, replaces the provider
      const error = yield* Effect.flip(
        OvhConfigFile.settings({ configPaths: [], env: {} }).pipe(Effect.provide(provider))
      )
      assert.strictEqual(error._tag, "OvhConfigError")
      assert.include(error.message, "environment variable OVH_ENDPOINT")
    }))

  it.effect("hints at a section written [ ovh-eu ] when no section matches the endpoint", () =>
    Effect.gen(function*() {
      const conf = write(
        "spaced.conf",
        "[default]\nendpoint=ovh-eu\n[ ovh-eu ]\napplication_key=ak\napplication_secret=as\n"
      )
      const error = yield* Effect.flip(settingsOf({ configPaths: [conf], env: {} }))
      assert.strictEqual(error._tag, "OvhConfigError")
      assert.include(error.message, `"[ ovh-eu ]"`)
      assert.include(error.message, `${conf} [ovh-eu] application_key`)
    }))

  it.effect("gives a client its keys from a ConfigProvider: the client signs with them and the fake accepts", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const me = yield* Effect.flatMap(
        OvhClient.OvhClient,
        (client) => client.get<{ readonly nichandle: string }>("/me")
      ).pipe(
        Effect.provide(OvhClient.OvhClient.layer.pipe(
          Layer.provide(OvhConfigFile.layerConfig({ configPaths: [] })),
          Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({
            OVH_ENDPOINT: fake.baseUrl,
            OVH_APPLICATION_KEY: fake.credentials.applicationKey,
            OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret),
            OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
          })))
        ))
      )
      assert.isString(me.nichandle)
      const calls = yield* fake.calls
      assert.isTrue(calls.some((call) => call.path.endsWith("/me") && call.status === 200))
    }).pipe(Effect.provide(FakeOvhApi.FakeOvhApi.layer())))
})
