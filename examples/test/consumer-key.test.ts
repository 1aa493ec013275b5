import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { demoLayer, envOf, run } from "./harness.ts"

// only the application is configured: the example is how one gets a consumer key
const appOnly = (fake: FakeOvhApi.FakeOvhApi["Service"]) => {
  const { OVH_CONSUMER_KEY: _, ...env } = envOf(fake)
  return env
}

const keyOf = (stdout: string) => /^your consumer key: (\S+)$/m.exec(stdout)?.[1]

layer(demoLayer({ validateAfter: "1500 millis" }), { excludeTestServices: true })("consumer-key example", (it) => {
  it.effect("requests a key for GET /me, counts down until it is validated, greets with it and prints it once", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const result = yield* run("consumer-key", ["--interval", "1"], appOnly(fake))
      assert.strictEqual(result.code, 0, result.stderr)
      const lines = result.stdout.trim().split("\n")
      assert.strictEqual(lines[0], "access rules: GET /me")
      assert.match(lines[2]!, /^ {2}http:\/\/127\.0\.0\.1:\d+\/auth\/\?credentialToken=\w+$/)
      // one countdown line per pending check, the first one included, never the same count twice
      const counts = [...result.stdout.matchAll(/waiting for validation: (\d+) s left/g)].map((m) => Number(m[1]))
      assert.isAbove(counts.length, 0)
      assert.strictEqual(counts[0], 300)
      assert.isTrue(counts.every((n, i) => i === 0 || n < counts[i - 1]!), counts.join(", "))
      assert.include(lines, "validated")
      assert.include(lines, "Welcome Ada")
      const key = keyOf(result.stdout)
      assert.isDefined(key)
      assert.strictEqual(result.stdout.split(key!).length, 2) // printed once
      assert.strictEqual(yield* fake.consumerKeyState(key!), "validated")

      const calls = yield* fake.calls
      const request = calls.find((c) => c.method === "POST" && c.path === "/auth/credential")
      assert.deepStrictEqual(request?.body, { accessRules: [{ method: "GET", path: "/me" }] })
      assert.isDefined(calls.find((c) => c.method === "GET" && c.path === "/auth/currentCredential"))
    }))

  it.effect("asks for the recursive rules of --path and still succeeds when the key may not read /me", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      const result = yield* run(
        "consumer-key",
        ["--recursive", "--path", "/me/bill/*", "--access", "read-write", "--interval", "1"],
        appOnly(fake)
      )
      assert.strictEqual(result.code, 0, result.stderr)
      const request = (yield* fake.calls).find((c) => c.method === "POST" && c.path === "/auth/credential")
      const rules = (request?.body as { accessRules: Array<{ method: string; path: string }> }).accessRules
      assert.deepStrictEqual(
        rules.map((r) => `${r.method} ${r.path}`),
        ["GET", "POST", "PUT", "DELETE"].map((m) => `${m} /me/bill`).concat(
          ["GET", "POST", "PUT", "DELETE"].map((m) => `${m} /me/bill/*`)
        )
      )
      assert.include(result.stdout, "Welcome! (this key may not read /me)")
    }))

  it.effect("a refused key waits out its --timeout and says what the API last answered; bad arguments send nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      // the user refuses the key: the API keeps answering INVALID_CREDENTIAL, as it does for a pending key
      yield* fake.route(
        { method: "POST", path: "/auth/credential" },
        (request) =>
          Effect.tap(
            request.next,
            (reply) => fake.refuseConsumerKey((reply.body as { consumerKey: string }).consumerKey)
          )
      )
      yield* fake.clearCalls
      const [refused, invalid, help] = yield* Effect.all([
        run("consumer-key", ["--interval", "1", "--timeout", "2"], appOnly(fake)),
        run("consumer-key", ["--interval", "0"], {}),
        run("consumer-key", ["--help"], {})
      ], { concurrency: "unbounded" })
      assert.strictEqual(refused.code, 1)
      assert.match(
        refused.stderr,
        /^run the example again for a new key\nValidationTimeout: the consumer key was not validated within 2s( \d+ms)? \(last answer: INVALID_CREDENTIAL: This credential is not valid\)\n$/
      )
      assert.isUndefined(keyOf(refused.stdout))

      assert.strictEqual(invalid.code, 2)
      assert.include(invalid.stdout + invalid.stderr, "--interval must be at least 1 second, got 0")
      assert.strictEqual(help.code, 0)
      assert.include(help.stdout, "--recursive")
      // only the timed-out run talked to the API
      assert.deepStrictEqual(
        [...new Set((yield* fake.calls).map((c) => `${c.method} ${c.path}`))],
        ["POST /auth/credential", "GET /auth/time", "GET /auth/currentCredential"]
      )
    }))
})
