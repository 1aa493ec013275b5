import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { inspect } from "node:util"
import { clientLayer } from "./utils/clientLayer.ts"

const layerWith = (override: (fake: FakeOvhApi.FakeOvhApi["Service"]) => OvhConfig.Options = () => ({})) =>
  clientLayer({ settings: override })

const timeCalls = (calls: ReadonlyArray<FakeOvhApi.Call>) => calls.filter((c) => c.path === "/auth/time").length

describe("ClockSkew", () => {
  for (const skew of [300, -300]) {
    it.effect(`a server clock moved by ${skew} s is re-learned with one /auth/time for 100 concurrent calls`, () =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const fake = yield* FakeOvhApi.FakeOvhApi
        const time = yield* TimeDelta.TimeDelta
        const before = yield* time.sample
        yield* fake.setServerTime((yield* fake.serverTime) + skew)
        yield* fake.clearCalls
        // every answer takes 50 ms, so all 100 calls are signed with the stale offset before the first is refused
        yield* fake.setLatency("50 millis")
        const fiber = yield* Effect.forkChild(Effect.all(
          Array.from({ length: 100 }, () => client.get<{ firstname: string }>("/me")),
          { concurrency: "unbounded" }
        ))
        yield* TestClock.adjust("1 second")
        const results = yield* Fiber.join(fiber)
        assert.isTrue(results.every((me) => me.firstname === "Ada"))
        const calls = yield* fake.calls
        assert.strictEqual(timeCalls(calls), 1)
        const me = calls.filter((c) => c.path === "/me")
        // each call: refused once, then accepted
        const refused = me.filter((c) => c.status === 400).length
        assert.strictEqual(refused, 100)
        assert.strictEqual(me.filter((c) => c.status === 200).length, 100)
        assert.strictEqual(me.length, 100 + refused)
        const after = yield* time.sample
        assert.strictEqual(after.delta - before.delta, skew)
        assert.strictEqual(after.generation, before.generation + 1)
      }).pipe(Effect.provide(layerWith())))
  }

  it.effect("a POST refused for its timestamp is sent once more: the API never acted on the first", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* (yield* TimeDelta.TimeDelta).sample
      yield* fake.setServerTime((yield* fake.serverTime) - 300)
      yield* fake.clearCalls
      yield* client.post("/me/sshKey", { keyName: "laptop", key: "ssh-ed25519 AAAA" })
      const calls = yield* fake.calls
      assert.deepStrictEqual(calls.map((c) => [c.method, c.path, c.status]), [
        ["POST", "/me/sshKey", 400],
        ["GET", "/auth/time", 200],
        ["POST", "/me/sshKey", 200]
      ])
    }).pipe(Effect.provide(layerWith())))

  it.effect("a signature still refused after re-syncing says the clock is ruled out and what remains", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* (yield* TimeDelta.TimeDelta).sample
      yield* fake.clearCalls
      const error = yield* Effect.flip(client.get("/me"))
      assert.strictEqual(error._tag, "InvalidSignature")
      if (error._tag !== "InvalidSignature") return
      assert.isString(error.hint)
      for (const text of [error.hint!, error.message]) {
        assert.include(text, "clock is ruled out")
        assert.include(text, "application secret")
        assert.include(text, "consumer key")
        assert.include(text, "proxy")
      }
      assert.notInclude(inspect(error), "wrong-secret-123")
      assert.notInclude(error.message, Redacted.value(fake.credentials.consumerKey))
      const calls = yield* fake.calls
      assert.deepStrictEqual(calls.map((c) => [c.path, c.status]), [
        ["/me", 400],
        ["/auth/time", 200],
        ["/me", 400]
      ])
    }).pipe(Effect.provide(layerWith(() => ({ applicationSecret: "wrong-secret-123" })))))

  it.effect("re-syncs at most once per call", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* (yield* TimeDelta.TimeDelta).sample
      // the server clock keeps moving away after each answer to /auth/time
      yield* fake.failRoute({ method: "GET", path: "/me" }, FakeOvhApi.Fault.skew(1_000))
      yield* fake.clearCalls
      const error = yield* Effect.flip(client.get("/me"))
      assert.strictEqual(error._tag, "BadParameters")
      assert.strictEqual(error._tag === "BadParameters" ? error.errorCode : "", "QUERY_TIME_OUT")
      assert.deepStrictEqual((yield* fake.calls).map((c) => c.path), ["/me", "/auth/time", "/me"])
    }).pipe(Effect.provide(layerWith())))

  it.effect("unsigned calls never trigger a re-sync", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.failNext(
        FakeOvhApi.Fault.status(400, {
          body: JSON.stringify({ errorCode: "QUERY_TIME_OUT", message: "Query out of time" })
        })
      )
      const error = yield* Effect.flip(client.get("/auth/details", undefined, { needAuth: false }))
      assert.strictEqual(error._tag, "BadParameters")
      assert.strictEqual(timeCalls(yield* fake.calls), 0)
    }).pipe(Effect.provide(layerWith())))
})
