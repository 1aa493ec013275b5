import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import { TestClock } from "effect/testing"

const SERVER_TIME = 1_700_000_000

/** What the stub saw: requests started and requests interrupted. */
interface Probe {
  started: number
  interrupted: number
}

/** An HTTP client that answers `/auth/time` and never answers anything else, counting interruptions. */
const hangingHttp = (probe: Probe) =>
  HttpClient.make((request, url) =>
    url.pathname.endsWith("/auth/time")
      ? Effect.succeed(HttpServerResponse.toClientResponse(HttpServerResponse.jsonUnsafe(SERVER_TIME), { request }))
      : Effect.suspend(() => {
        probe.started++
        return Effect.never
      }).pipe(Effect.onInterrupt(() => Effect.sync(() => probe.interrupted++)))
  )

const stubLayer = (probe: Probe, options: OvhClient.Options = {}, config: OvhConfig.Options = {}) =>
  OvhClient.OvhClient.layerWith(options).pipe(
    Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions({
      endpoint: "ovh-eu",
      applicationKey: "appKey",
      applicationSecret: "appSecret",
      consumerKey: "consumerKey",
      ...config
    })])),
    Layer.provide(Layer.succeed(HttpClient.HttpClient, hangingHttp(probe)))
  )

const fakeLayer = (options: OvhClient.Options = {}) =>
  Layer.unwrap(Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    return OvhClient.OvhClient.layerWith(options).pipe(
      Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(FakeOvhApi.clientOptions(fake))]))
    )
  })).pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })))

describe("Timeout", () => {
  it.effect("a call's timeout fails it with NetworkError reason Timeout and interrupts the request", () => {
    const probe: Probe = { started: 0, interrupted: 0 }
    return Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fiber = yield* Effect.forkChild(
        Effect.flip(client.post("/me/sshKey", { keyName: "k" }, { timeout: "5 seconds" }))
      )
      yield* TestClock.adjust("4999 millis")
      assert.strictEqual(probe.started, 1)
      assert.strictEqual(probe.interrupted, 0)
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "NetworkError")
      if (error._tag !== "NetworkError") return
      assert.strictEqual(error.reason, "Timeout")
      assert.include(error.message, "timed out")
      assert.include(error.message, "5s")
      assert.strictEqual(probe.interrupted, 1)
    }).pipe(Effect.provide(stubLayer(probe)))
  })

  it.effect("the default is the configured timeout: 180 s", () => {
    const probe: Probe = { started: 0, interrupted: 0 }
    return Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      assert.strictEqual(Duration.toSeconds(client.settings.timeout), 180)
      const fiber = yield* Effect.forkChild(Effect.flip(client.get("/me", undefined, { retry: false })))
      yield* TestClock.adjust("179 seconds")
      assert.strictEqual(probe.interrupted, 0)
      yield* TestClock.adjust("1 second")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag === "NetworkError" ? error.reason : error._tag, "Timeout")
      assert.strictEqual(probe.interrupted, 1)
    }).pipe(Effect.provide(stubLayer(probe)))
  })

  it.effect("the client's layer option replaces the configured timeout, and a call's option replaces both", () => {
    const probe: Probe = { started: 0, interrupted: 0 }
    return Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const byClient = yield* Effect.forkChild(Effect.flip(client.get("/me", undefined, { retry: false })))
      const byCall = yield* Effect.forkChild(
        Effect.flip(client.get("/me", undefined, { retry: false, timeout: "1 second" }))
      )
      yield* TestClock.adjust("1 second")
      assert.strictEqual((yield* Fiber.join(byCall))._tag, "NetworkError")
      assert.strictEqual(probe.interrupted, 1)
      yield* TestClock.adjust("9 seconds")
      assert.strictEqual((yield* Fiber.join(byClient))._tag, "NetworkError")
      assert.strictEqual(probe.interrupted, 2)
    }).pipe(Effect.provide(stubLayer(probe, { timeout: "10 seconds" }, { timeout: "1 hour" })))
  })

  it.effect("the timeout bounds each attempt: a GET that times out once is retried and succeeds", () =>
    Effect.gen(function*() {
      yield* (yield* TimeDelta.TimeDelta).sample
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      yield* fake.failNext(FakeOvhApi.Fault.delay("10 minutes"))
      const fiber = yield* Effect.forkChild(
        client.get<{ firstname: string }>("/me", undefined, { timeout: "2 seconds" })
      )
      yield* TestClock.adjust("3 seconds")
      assert.strictEqual((yield* Fiber.join(fiber)).firstname, "Ada")
      // the abandoned request never got an answer
      assert.deepStrictEqual((yield* fake.calls).map((c) => c.status), [0, 200])
    }).pipe(Effect.provide(fakeLayer())))

  it.effect("a timed-out POST is not sent again", () =>
    Effect.gen(function*() {
      yield* (yield* TimeDelta.TimeDelta).sample
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      yield* fake.failNext(FakeOvhApi.Fault.delay("10 minutes"))
      const fiber = yield* Effect.forkChild(
        Effect.flip(client.post("/me/sshKey", { keyName: "k", key: "ssh-ed25519 A" }))
      )
      yield* TestClock.adjust("1 hour")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag === "NetworkError" ? error.reason : error._tag, "Timeout")
      assert.strictEqual((yield* fake.calls).length, 1)
    }).pipe(Effect.provide(fakeLayer({ timeout: "30 seconds" }))))
})
