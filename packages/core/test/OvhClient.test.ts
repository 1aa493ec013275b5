import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import type * as OvhError from "@effect-ovh/core/OvhError"
import * as RetryPolicy from "@effect-ovh/core/RetryPolicy"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted } from "effect"
import { TestClock } from "effect/testing"
import { inspect } from "node:util"

const SERVER_TIME = 1_700_000_000

/** A client configured with `override(fake credentials)`, over a fresh in-memory fake. */
const layerWith = (override: (fake: FakeOvhApi.FakeOvhApi["Service"]) => OvhConfig.Options = () => ({})) =>
  Layer.unwrap(Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    const options: OvhConfig.Options = {
      endpoint: fake.baseUrl,
      applicationKey: fake.credentials.applicationKey,
      applicationSecret: fake.credentials.applicationSecret,
      consumerKey: fake.credentials.consumerKey,
      ...override(fake)
    }
    return OvhClient.OvhClient.layer.pipe(
      Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(options)]))
    )
  })).pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })))

const TestLayer = layerWith()

const timeCalls = (calls: ReadonlyArray<FakeOvhApi.Call>) => calls.filter((c) => c.path.endsWith("/auth/time")).length

describe("OvhClient", () => {
  it.effect("signs a GET /me the API accepts, learning the server time first", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.seed("/me", { firstname: "Ada", name: "Lovelace", nichandle: "al1-ovh" })
      const me = yield* client.get<{ firstname: string }>("/me")
      assert.strictEqual(me.firstname, "Ada")
      const calls = yield* fake.calls
      assert.strictEqual(calls.length, 2)
      assert.deepStrictEqual(calls.map((c) => [c.method, c.status]), [["GET", 200], ["GET", 200]])
      assert.match(calls[0]!.path, /\/auth\/time$/)
      assert.match(calls[1]!.path, /\/me$/)
      const headers = calls[1]!.headers
      assert.strictEqual(headers["x-ovh-application"], fake.credentials.applicationKey)
      assert.strictEqual(headers["accept"], "application/json")
      assert.match(headers["user-agent"]!, /^effect-ovh\/\d+\.\d+\.\d+/)
      // the clock of this test starts at 0: only the learned delta makes the timestamp acceptable
      assert.strictEqual(headers["x-ovh-timestamp"], String(SERVER_TIME))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("learns the time delta once for 1,000 concurrent calls", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* Effect.all(Array.from({ length: 1000 }, () => client.get("/me")), { concurrency: "unbounded" })
      const calls = yield* fake.calls
      assert.strictEqual(timeCalls(calls), 1)
      assert.strictEqual(calls.length, 1001)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("sends unsigned calls without learning the time", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      const time = yield* client.get<number>("/auth/time", undefined, { needAuth: false })
      assert.strictEqual(time, SERVER_TIME)
      const calls = yield* fake.calls
      assert.strictEqual(calls.length, 1)
      assert.isUndefined(calls[0]!.headers["x-ovh-timestamp"])
      assert.strictEqual(calls[0]!.headers["x-ovh-application"], fake.credentials.applicationKey)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("sends query parameters, JSON bodies with `from`, and extra headers as given", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* client.get("/me/bill", { "date.from": "2024-01-01T00:00:00Z", "date.to": "2024-02-01T00:00:00Z" }, {
        headers: { "X-Ovh-Nic": "ab12345-ovh" }
      })
      yield* fake.seed("/email/domain/example.com", { domain: "example.com" })
      yield* client.post("/email/domain/example.com/redirection", {
        _from: "contact@example.com",
        to: "ada@example.org",
        localCopy: false
      })
      const calls = (yield* fake.calls).filter((c) => !c.path.endsWith("/auth/time"))
      assert.deepStrictEqual(calls[0]!.query, {
        "date.from": "2024-01-01T00:00:00Z",
        "date.to": "2024-02-01T00:00:00Z"
      })
      assert.strictEqual(calls[0]!.headers["x-ovh-nic"], "ab12345-ovh")
      assert.strictEqual(calls[1]!.status, 200)
      assert.deepStrictEqual(calls[1]!.body, { from: "contact@example.com", to: "ada@example.org", localCopy: false })
      assert.strictEqual(calls[1]!.headers["content-type"], "application/json")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("takes path templates: parameters fill the path, the rest goes to the query or the body", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.seed("/me/bill/B 1", { billId: "B 1" })
      yield* fake.seed("/email/domain/example.com", { domain: "example.com" })
      yield* fake.seed("/domain/zone", ["example.com"])
      assert.deepStrictEqual(yield* client.get("/me/bill/{billId}", { billId: "B 1" }), { billId: "B 1" })
      yield* client.get("/domain/zone/{zoneName}/record", { zoneName: "example.com", fieldType: "A" })
      yield* client.post("/email/domain/{domain}/redirection", {
        domain: "example.com",
        _from: "a@example.com",
        to: "b@example.org",
        localCopy: false
      })
      const calls = (yield* fake.calls).filter((c) => !c.path.endsWith("/auth/time"))
      assert.deepStrictEqual(calls.map((c) => c.path), [
        "/me/bill/B 1",
        "/domain/zone/example.com/record",
        "/email/domain/example.com/redirection"
      ])
      assert.deepStrictEqual(calls[1]!.query, { fieldType: "A" })
      assert.deepStrictEqual(calls[2]!.body, { from: "a@example.com", to: "b@example.org", localCopy: false })

      // a placeholder without its parameter fails before anything is sent
      const before = (yield* fake.calls).length
      const error = yield* Effect.flip(client.delete("/me/sshKey/{keyName}", { keyname: "typo" }))
      assert.strictEqual(error._tag, "BadParameters")
      assert.include(error.message, "keyName")
      assert.strictEqual((yield* fake.calls).length, before)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("decodes 204, empty and null bodies as null, and exposes status and headers with send", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.route(
        { method: "DELETE", path: "/domain/zone/{zoneName}/record/{id}" },
        () => Effect.succeed({ status: 204 })
      )
      yield* fake.route(
        { method: "GET", path: "/me/contact/{contactId}" },
        () => Effect.succeed({ status: 200, body: null })
      )
      assert.isNull(yield* client.delete("/domain/zone/example.com/record/1"))
      assert.isNull(yield* client.get("/me/contact/1"))
      const reply = yield* client.send({ method: "GET", path: "/me" })
      assert.strictEqual(reply.status, 200)
      assert.isString(reply.queryId)
      assert.strictEqual(reply.headers["x-ovh-queryid"], reply.queryId)
      const raw = yield* client.raw({ method: "GET", path: "/nope/nothing" })
      assert.strictEqual(raw.status, 404)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fails with InvalidKey before any request when no consumer key is configured", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      const error = yield* Effect.flip(client.get("/me"))
      assert.strictEqual(error._tag, "InvalidKey")
      assert.include(error.message, "consumer key")
      assert.strictEqual((yield* fake.calls).length, 0)
    }).pipe(Effect.provide(layerWith(() => ({ consumerKey: undefined })))))

  describe("maps every failure to its tag", () => {
    const expectTag = (
      tag: OvhError.Tag,
      setup: (fake: FakeOvhApi.FakeOvhApi["Service"]) => Effect.Effect<unknown>,
      call: (client: OvhClient.OvhClient["Service"]) => Effect.Effect<unknown, OvhError.OvhError> = (c) => c.get("/me"),
      method = "GET"
    ) =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const fake = yield* FakeOvhApi.FakeOvhApi
        // learn the time first, so the scripted fault meets the call itself
        yield* (yield* TimeDelta.TimeDelta).sample
        yield* setup(fake)
        const error = yield* Effect.flip(call(client))
        assert.strictEqual(error._tag, tag)
        assert.strictEqual(error.method, method)
        if ("status" in error && error.status > 0 && error._tag !== "InvalidResponse") {
          assert.isString(error.queryId)
        }
        return error
      }).pipe(Effect.provideService(RetryPolicy.RetryPolicy, RetryPolicy.none)) // one attempt: the mapping is under test

    it.effect("ResourceNotFound for an unknown route", () =>
      expectTag("ResourceNotFound", () => Effect.void, (c) => c.get("/no/such/route")).pipe(Effect.provide(TestLayer)))

    it.effect("NotGranted outside the consumer key's rules", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const ck = yield* fake.createConsumerKey({ rules: [{ method: "GET", path: "/me" }] })
        const client = yield* OvhClient.OvhClient.pipe(
          Effect.provide(
            Layer.fresh(OvhClient.OvhClient.layer).pipe(Layer.provide(OvhConfig.OvhConfig.layerSources([
              OvhConfig.fromOptions({
                endpoint: fake.baseUrl,
                applicationKey: fake.credentials.applicationKey,
                applicationSecret: fake.credentials.applicationSecret,
                consumerKey: ck
              })
            ])))
          )
        )
        assert.isObject(yield* client.get("/me"))
        const error = yield* Effect.flip(client.get("/me/bill"))
        assert.strictEqual(error._tag, "NotGranted")
        assert.strictEqual(error._tag === "NotGranted" ? error.errorCode : "", "NOT_GRANTED_CALL")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("InvalidSignature with a wrong application secret", () =>
      expectTag("InvalidSignature", () => Effect.void).pipe(
        Effect.provide(layerWith(() => ({ applicationSecret: "not-the-secret" })))
      ))

    it.effect("InvalidKey with an unknown application key", () =>
      expectTag("InvalidKey", () => Effect.void).pipe(
        Effect.provide(layerWith(() => ({ applicationKey: "unknownAppKey" })))
      ))

    it.effect("InvalidCredential with an expired consumer key", () =>
      expectTag("InvalidCredential", (fake) => fake.expireConsumerKey(fake.credentials.consumerKey)).pipe(
        Effect.provide(TestLayer)
      ))

    // the API refuses a key waiting for its validation as it refuses an invalid one (ovh/php-ovh#56)
    it.effect("InvalidCredential with a consumer key nobody validated yet", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const pending = yield* fake.createConsumerKey({
          rules: [{ method: "GET", path: "/*" }],
          state: "pendingValidation"
        })
        const client = yield* OvhClient.OvhClient.pipe(
          Effect.provide(
            Layer.fresh(OvhClient.OvhClient.layer).pipe(Layer.provide(OvhConfig.OvhConfig.layerSources([
              OvhConfig.fromOptions({
                endpoint: fake.baseUrl,
                applicationKey: fake.credentials.applicationKey,
                applicationSecret: fake.credentials.applicationSecret,
                consumerKey: pending
              })
            ])))
          )
        )
        const error = yield* Effect.flip(client.get("/me"))
        assert.strictEqual(error._tag, "InvalidCredential")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("BadParameters when a required parameter is missing", () =>
      expectTag(
        "BadParameters",
        (fake) => fake.seed("/email/domain/example.com", { domain: "example.com" }),
        (c) => c.post("/email/domain/example.com/redirection", { to: "x@example.org" }),
        "POST"
      ).pipe(Effect.provide(TestLayer)))

    it.effect("TooManyRequests with Retry-After", () =>
      Effect.gen(function*() {
        const error = yield* expectTag("TooManyRequests", (fake) => fake.failNext(FakeOvhApi.Fault.tooManyRequests(7)))
        assert.strictEqual(error._tag === "TooManyRequests" ? error.retryAfter : -1, 7)
      }).pipe(Effect.provide(TestLayer)))

    for (const [status, tag] of [[409, "ResourceConflict"], [460, "ResourceExpired"], [500, "ApiError"]] as const) {
      it.effect(`${tag} on ${status}`, () =>
        Effect.gen(function*() {
          const error = yield* expectTag(tag, (fake) => fake.failNext(FakeOvhApi.Fault.status(status)))
          assert.strictEqual("status" in error ? error.status : 0, status)
        }).pipe(Effect.provide(TestLayer)))
    }

    it.effect("ApiError with a short excerpt for an HTML error page", () =>
      Effect.gen(function*() {
        const error = yield* expectTag(
          "ApiError",
          (fake) => fake.failNext(FakeOvhApi.Fault.status(502, { html: true }))
        )
        assert.notInclude(error.message, "<")
        assert.isAtMost(error.message.length, 201)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("InvalidResponse for a 2xx body that is not JSON", () =>
      expectTag(
        "InvalidResponse",
        (fake) => fake.failNext({ _tag: "Status", status: 200, body: "<html>maintenance</html>" })
      ).pipe(Effect.provide(TestLayer)))

    it.effect("NetworkError when the connection drops", () =>
      Effect.gen(function*() {
        const error = yield* expectTag("NetworkError", (fake) => fake.failNext(FakeOvhApi.Fault.drop))
        assert.strictEqual(error._tag === "NetworkError" ? error.reason : "", "Transport")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("NetworkError (Timeout) when the answer is slower than the call's timeout", () =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* client.get("/me")
        yield* fake.failNext(FakeOvhApi.Fault.delay("10 minutes"))
        const fiber = yield* Effect.forkChild(Effect.flip(client.get("/me", undefined, { timeout: "2 seconds" })))
        yield* TestClock.adjust("3 seconds")
        const error = yield* Fiber.join(fiber)
        assert.strictEqual(error._tag, "NetworkError")
        assert.strictEqual(error._tag === "NetworkError" ? error.reason : "", "Timeout")
        assert.include(error.message, "timed out")
      }).pipe(Effect.provideService(RetryPolicy.RetryPolicy, RetryPolicy.none), Effect.provide(TestLayer)))
  })

  it.effect("never shows a secret in errors, their messages or inspect output", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      const secret = Redacted.value(fake.credentials.applicationSecret)
      const consumerKey = Redacted.value(fake.credentials.consumerKey)
      const errors: Array<unknown> = []
      yield* fake.failNext(FakeOvhApi.Fault.drop)
      errors.push(yield* Effect.flip(client.get("/me")))
      errors.push(yield* Effect.flip(client.get("/no/such/route")))
      yield* fake.failNext(FakeOvhApi.Fault.status(500))
      errors.push(yield* Effect.flip(client.get("/me")))
      for (const error of errors) {
        for (
          const shown of [inspect(error, { depth: 10 }), String(error), JSON.stringify(error), (error as Error).message]
        ) {
          assert.notInclude(shown, secret)
          assert.notInclude(shown, consumerKey)
        }
      }
      const settings = inspect(client.settings, { depth: 10 })
      assert.notInclude(settings, secret)
      assert.notInclude(settings, consumerKey)
      for (const call of yield* fake.calls) {
        assert.notInclude(JSON.stringify(call), secret)
        assert.notInclude(JSON.stringify(call), consumerKey)
      }
    }).pipe(Effect.provideService(RetryPolicy.RetryPolicy, RetryPolicy.none), Effect.provide(TestLayer)))
})
