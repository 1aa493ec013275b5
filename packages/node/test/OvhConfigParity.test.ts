import type * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as OvhConfigFile from "@effect-ovh/node/OvhConfigFile"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Effect, Option, Redacted } from "effect"
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { type Outcome, type Scenario, scenarios } from "./configScenarios.ts"

// Each row runs with its files in a fresh working directory, home and "/etc" of its own (the real
// /etc is never read), its OVH_* variables through the current ConfigProvider, and its code
// arguments as options.
const outcomeOf = (row: Scenario) =>
  Effect.gen(function*() {
    const root = mkdtempSync(join(tmpdir(), "ovh-parity-"))
    const [cwd, home, etc] = ["cwd", "home", "etc"].map((name) => {
      const dir = join(root, name)
      mkdirSync(dir)
      return dir
    }) as [string, string, string]
    const etcFile = join(etc, "ovh.conf")
    if (row.files?.cwd !== undefined) writeFileSync(join(cwd, "ovh.conf"), row.files.cwd)
    if (row.files?.home !== undefined) writeFileSync(join(home, ".ovh.conf"), row.files.home)
    if (row.files?.etc !== undefined) writeFileSync(etcFile, row.files.etc)
    const explicit = row.files?.explicit !== undefined ? join(root, "explicit.conf") : undefined
    if (explicit !== undefined && row.files?.explicit !== null) writeFileSync(explicit, row.files!.explicit!)
    const code = row.code ?? {}
    const options: OvhConfigFile.ConfigOptions = {
      ...(code.endpoint !== undefined ? { endpoint: code.endpoint } : {}),
      ...(code.application_key !== undefined ? { applicationKey: code.application_key } : {}),
      ...(code.application_secret !== undefined ? { applicationSecret: code.application_secret } : {}),
      ...(code.consumer_key !== undefined ? { consumerKey: code.consumer_key } : {}),
      ...(code.client_id !== undefined ? { clientId: code.client_id } : {}),
      ...(code.client_secret !== undefined ? { clientSecret: code.client_secret } : {}),
      configPaths: [...OvhConfigFile.defaultPaths({ cwd, home }).slice(0, 2), etcFile],
      ...(explicit !== undefined ? { configFile: explicit } : {})
    }
    // empty strings kept by the provider, so that skipping them is this library's doing
    const provider = ConfigProvider.fromEnv({ env: row.env ?? {}, preserveEmptyStrings: true })
    const exit = yield* Effect.exit(
      OvhConfigFile.settings(options).pipe(Effect.provide(ConfigProvider.layer(provider)))
    )
    if (exit._tag === "Success") return describeSettings(exit.value)
    const error = exit.cause.reasons[0]
    assert.ok(error !== undefined && error._tag === "Fail", `a typed failure, got ${String(exit.cause)}`)
    const failure = error.error
    const kind = failure._tag === "OvhConfigFileError"
      ? "file"
      : failure._tag === "InvalidEndpoint" || failure.key === "endpoint"
      ? "endpoint"
      : "configuration"
    return { error: kind } satisfies Outcome
  })

const describeSettings = (settings: OvhConfig.Settings): Outcome => {
  const auth = settings.auth
  if (auth._tag === "OAuth2") {
    return {
      endpoint: settings.endpoint.name,
      auth: "OAuth2",
      client_id: auth.clientId,
      client_secret: Redacted.value(auth.clientSecret)
    }
  }
  assert.strictEqual(auth._tag, "ApplicationKey")
  if (auth._tag !== "ApplicationKey") throw new Error("unreachable")
  return {
    endpoint: settings.endpoint.name,
    auth: "ApplicationKey",
    application_key: auth.applicationKey,
    application_secret: Redacted.value(auth.applicationSecret),
    ...(Option.isSome(auth.consumerKey) ? { consumer_key: Redacted.value(auth.consumerKey.value) } : {})
  }
}

describe("OvhConfig parity with python-ovh 1.2.0", () => {
  for (const row of scenarios) {
    it.effect(row.ours === undefined ? row.name : `${row.name} (differs on purpose)`, () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(yield* outcomeOf(row), row.ours?.outcome ?? row.python)
      }))
  }

  it("covers the five cases that used to differ, and empty values", () => {
    const names = scenarios.map((row) => row.name)
    for (
      const expected of [
        "upper-case option names are lower-cased",
        "[DEFAULT] gives its keys to the endpoint's section",
        "an indented line continues the value above it",
        "[ ovh-eu ] is not the section ovh-eu",
        "OAuth2 credentials next to a leftover consumer_key: OAuth2 is used",
        "OVH_CONSUMER_KEY= over a consumer key in a file",
        "consumer_key= in ./ovh.conf over one in /etc/ovh.conf"
      ]
    ) assert.include(names, expected)
    // every deliberate difference says why
    for (const row of scenarios) if (row.ours !== undefined) assert.isAbove(row.ours.why.length, 40, row.name)
  })
})
