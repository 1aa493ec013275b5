import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import { TestClock } from "effect/testing"

const SERVER_TIME = 1_700_000_000

/** A client configured with `override(fake)` (application key by default), over a fresh in-memory fake. */
const layerWith = (
  override: (fake: FakeOvhApi.FakeOvhApi["Service"]) => OvhConfig.Options = FakeOvhApi.clientOptions
) =>
  Layer.unwrap(Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    yield* fake.seed("/me", { firstname: "Ada", name: "Lovelace", nichandle: "al1-ovh" })
    return OvhClient.OvhClient.layer.pipe(
      Layer.provide(
        OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions({ endpoint: fake.baseUrl, ...override(fake) })])
      )
    )
  })).pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })))

const oauth2 = (fake: FakeOvhApi.FakeOvhApi["Service"]): OvhConfig.Options => ({
  clientId: fake.oauth2.clientId,
  clientSecret: fake.oauth2.clientSecret,
  oauth2TokenUrl: fake.tokenUrl
})

/** 500 GETs and 500 POSTs, all started before the prelude they wait for has answered. */
const thousandFirstCalls = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  const calls = Array.from({ length: 1000 }, (_, i) =>
    i % 2 === 0
      ? Effect.as(client.get("/me"), "GET")
      : Effect.as(client.post("/me/sshKey", { keyName: `k${i}`, key: "ssh-ed25519 AAAA" }), "POST"))
  const fiber = yield* Effect.forkChild(Effect.all(calls.map(Effect.result), { concurrency: "unbounded" }))
  // the prelude's own retry waits about 200 ms: move the clock past it
  yield* TestClock.adjust("1 second")
  return yield* Fiber.join(fiber)
})

describe("Prelude", () => {
  it.effect("a transient /auth/time failure under 1,000 waiting calls fails none of them: one retry for all", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.failRoute({ method: "GET", path: "/auth/time" }, 503, 1)
      const results = yield* thousandFirstCalls
      const failures = results.filter((r) => r._tag === "Failure")
      assert.deepStrictEqual(failures, [])
      const calls = yield* fake.calls
      const time = calls.filter((c) => c.path.endsWith("/auth/time"))
      assert.deepStrictEqual(time.map((c) => c.status), [503, 200])
      // every call was sent exactly once: no POST was failed, none sent twice
      assert.strictEqual(calls.filter((c) => c.path === "/me/sshKey" && c.status === 200).length, 500)
      assert.strictEqual(calls.filter((c) => c.path === "/me").length, 500)
    }).pipe(Effect.provide(layerWith())))

  it.effect("a transient OAuth2 token failure under 1,000 waiting calls fails none of them: one retry for all", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.failRoute({ method: "POST", path: "/auth/oauth2/token" }, 503, 1)
      const results = yield* thousandFirstCalls
      assert.deepStrictEqual(results.filter((r) => r._tag === "Failure"), [])
      const calls = yield* fake.calls
      assert.deepStrictEqual(calls.filter((c) => c.path === "/auth/oauth2/token").map((c) => c.status), [503, 200])
      assert.strictEqual(calls.filter((c) => c.path === "/me/sshKey").length, 500)
    }).pipe(Effect.provide(layerWith(oauth2))))

  it.effect("a prelude that keeps failing fails its waiters once, spending no retry budget, sending nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.failRoute({ method: "GET", path: "/auth/time" }, 503)
      const results = yield* Effect.flatMap(OvhClient.OvhClient, (client) =>
        Effect.gen(function*() {
          const fiber = yield* Effect.forkChild(
            Effect.all(Array.from({ length: 100 }, () => Effect.flip(client.get("/me"))), { concurrency: "unbounded" })
          )
          yield* TestClock.adjust("1 minute")
          return yield* Fiber.join(fiber)
        }))
      // the API's own answer, not RetryBudgetExhausted: the calls never retried on their own
      assert.deepStrictEqual([...new Set(results.map((e) => e._tag))], ["ApiError"])
      const calls = yield* fake.calls
      // the default schedule: one request and three retries, for all 100 calls together
      assert.strictEqual(calls.filter((c) => c.path.endsWith("/auth/time")).length, 4)
      assert.strictEqual(calls.filter((c) => c.path === "/me").length, 0)
    }).pipe(Effect.provide(layerWith())))

  it.effect("a call's timeout bounds its wait for a hanging /auth/time: it fails at 2 s, with one request for all", () => {
    let timeRequests = 0
    const hanging = HttpClient.make((request, url) =>
      url.pathname.endsWith("/auth/time")
        ? Effect.andThen(Effect.sync(() => timeRequests++), Effect.never)
        : Effect.succeed(HttpServerResponse.toClientResponse(HttpServerResponse.jsonUnsafe({}), { request }))
    )
    return Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fiber = yield* Effect.forkChild(
        Effect.all(
          Array.from(
            { length: 1000 },
            (_, i) => Effect.flip(client.get("/me", undefined, { timeout: i === 0 ? "2 seconds" : "1 hour" }))
          ),
          { concurrency: "unbounded" }
        )
      )
      const first = yield* Effect.forkChild(Effect.flip(client.get("/me", undefined, { timeout: "2 seconds" })))
      yield* TestClock.adjust("1999 millis")
      assert.isUndefined(first.pollUnsafe())
      yield* TestClock.adjust("1 millis")
      const error = yield* Fiber.join(first)
      assert.strictEqual(error._tag, "NetworkError")
      if (error._tag !== "NetworkError") return
      assert.strictEqual(error.reason, "Timeout")
      assert.include(error.message, "/auth/time")
      assert.include(error.message, "2s")
      // still one /auth/time for the 1,000 others, which keep waiting within their own timeout
      assert.strictEqual(timeRequests, 1)
      yield* Fiber.interrupt(fiber)
    }).pipe(
      Effect.provide(OvhClient.OvhClient.layer.pipe(
        Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions({
          endpoint: "ovh-eu",
          applicationKey: "appKey",
          applicationSecret: "appSecret",
          consumerKey: "consumerKey"
        })])),
        Layer.provide(Layer.succeed(HttpClient.HttpClient, hanging))
      ))
    )
  })
})
