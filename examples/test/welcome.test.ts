import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, layer } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { execFile } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"

const example = join(import.meta.dirname, "..", "welcome.ts")

const run = (env: Record<string, string>, cwd = mkdtempSync(join(tmpdir(), "welcome-"))) =>
  Effect.callback<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(
      process.execPath,
      [example],
      { cwd, env: { PATH: process.env.PATH ?? "", HOME: cwd, ...env } },
      (error, stdout, stderr) => {
        resume(Effect.succeed({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }))
      }
    )
  })

layer(FakeOvhServer.layer({ data: { "/me": { firstname: "Grace", name: "Hopper", nichandle: "gh1-ovh" } } }), {
  excludeTestServices: true
})("welcome example", (it) => {
  it.effect("greets the account owner over loopback HTTP, configured by OVH_* variables", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const result = yield* run({
        OVH_ENDPOINT: fake.baseUrl,
        OVH_APPLICATION_KEY: fake.credentials.applicationKey,
        OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret),
        OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
      })
      assert.strictEqual(result.stdout, "Welcome Grace\n")
      assert.strictEqual(result.code, 0)
    }))

  it.effect("reads ./ovh.conf with a section named by the endpoint URL", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const dir = mkdtempSync(join(tmpdir(), "welcome-conf-"))
      writeFileSync(
        join(dir, "ovh.conf"),
        `[default]\nendpoint=${fake.baseUrl}\n\n[${fake.baseUrl}]\napplication_key=${fake.credentials.applicationKey}\n` +
          `application_secret=${Redacted.value(fake.credentials.applicationSecret)}\nconsumer_key=${
            Redacted.value(fake.credentials.consumerKey)
          }\n`
      )
      const result = yield* run({}, dir)
      assert.strictEqual(result.stdout, "Welcome Grace\n")
    }))

  it.effect("prints one line naming the error, no stack and no secret, and exits non-zero", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const secret = "this-is-not-the-secret"
      const result = yield* run({
        OVH_ENDPOINT: fake.baseUrl,
        OVH_APPLICATION_KEY: fake.credentials.applicationKey,
        OVH_APPLICATION_SECRET: secret,
        OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
      })
      assert.strictEqual(result.code, 1)
      assert.strictEqual(result.stdout, "")
      const lines = result.stderr.trim().split("\n")
      assert.strictEqual(lines.length, 1)
      assert.match(lines[0]!, /^InvalidSignature: /)
      assert.notInclude(result.stderr, secret)
      assert.notInclude(result.stderr, Redacted.value(fake.credentials.consumerKey))

      const missing = yield* run({ OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_KEY: "ak" })
      assert.strictEqual(missing.code, 1)
      assert.match(missing.stderr.trim(), /^OvhConfigError: application_key is set but application_secret is missing/)

      const unknown = yield* run({ OVH_ENDPOINT: "ovh-moon" })
      assert.match(unknown.stderr.trim(), /^InvalidEndpoint: .*ovh-eu, ovh-ca, ovh-us/)
    }))
})
