import * as ConsumerKey from "@effect-ovh/core/ConsumerKey"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Fiber, Layer, Option, Redacted, Schedule } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { TestClock } from "effect/testing"
import { inspect } from "node:util"
import { clientLayer } from "./utils/clientLayer.ts"

/** A client with the fake's application key and full-access consumer key, unless `override` says otherwise. */
const layerWith = (override: (fake: FakeOvhApi.FakeOvhApi["Service"]) => OvhConfig.Options = () => ({})) =>
  clientLayer({
    settings: override,
    prepare: (fake) => fake.seed("/me", { firstname: "Ada", name: "Lovelace", nichandle: "al1-ovh" })
  })

const TestLayer = layerWith()

/** The application alone: what a program has before it asks for its first consumer key. */
const ApplicationOnly = layerWith(() => ({ consumerKey: undefined }))

const rulesOf = (request: ConsumerKey.ConsumerKeyRequest) => request.accessRules.map((r) => `${r.method} ${r.path}`)

// The server time is learned by a detached fiber that TestClock.adjust does not wait for: learn it first.
const learnTime = Effect.flatMap(TimeDelta.TimeDelta, (time) => time.sample)

const polls = (calls: ReadonlyArray<FakeOvhApi.Call>) => calls.filter((c) => c.path === "/auth/currentCredential")

describe("ConsumerKey", () => {
  it("has python-ovh's method sets", () => {
    assert.deepStrictEqual(ConsumerKey.API_READ_ONLY, ["GET"])
    assert.deepStrictEqual(ConsumerKey.API_READ_WRITE, ["GET", "POST", "PUT", "DELETE"])
    assert.deepStrictEqual(ConsumerKey.API_READ_WRITE_SAFE, ["GET", "POST", "PUT"])
  })

  it("builds rules as python-ovh does: recursive rules trim `*`, `/` and spaces, `/` gives only `/*`", () => {
    const request = ConsumerKey.make().pipe(
      ConsumerKey.addRule("get", "/me"),
      ConsumerKey.addRules(["GET", "PUT"], "/me/contact"),
      ConsumerKey.addRecursiveRules(ConsumerKey.API_READ_ONLY, "/sms/* "),
      ConsumerKey.addRecursiveRules(["DELETE"], "/")
    )
    assert.deepStrictEqual(rulesOf(request), [
      "GET /me",
      "GET /me/contact",
      "PUT /me/contact",
      "GET /sms",
      "GET /sms/*",
      "DELETE /*"
    ])
  })

  it("is immutable, pipeable and data-first too, and keeps each rule once", () => {
    const base = ConsumerKey.make({ accessRules: [{ method: "GET", path: "/me" }] })
    const more = ConsumerKey.addRules(base, ConsumerKey.API_READ_WRITE_SAFE, "/me")
    const limited = more.pipe(
      ConsumerKey.withRedirection("https://example.com/done"),
      ConsumerKey.withAllowedIPs(["203.0.113.0/24"])
    )
    assert.deepStrictEqual(rulesOf(base), ["GET /me"])
    assert.deepStrictEqual(rulesOf(more), ["GET /me", "POST /me", "PUT /me"])
    assert.isTrue(Option.isNone(more.redirection))
    assert.deepStrictEqual(limited.redirection, Option.some("https://example.com/done"))
    assert.deepStrictEqual(limited.allowedIPs, Option.some(["203.0.113.0/24"]))
    assert.isTrue(ConsumerKey.isConsumerKeyRequest(limited))
    assert.include(inspect(limited), "203.0.113.0/24")
  })

  it.effect("requests a key unsigned, with the rules, redirection and allowed IPs; the key is redacted", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const pending = yield* ConsumerKey.make().pipe(
        ConsumerKey.addRecursiveRules(ConsumerKey.API_READ_ONLY, "/me"),
        ConsumerKey.withRedirection("https://example.com/done"),
        ConsumerKey.withAllowedIPs(["203.0.113.0/24"]),
        ConsumerKey.request
      )
      assert.strictEqual(pending.state, "pendingValidation")
      assert.match(pending.validationUrl, /credentialToken=/)
      assert.strictEqual(yield* fake.consumerKeyState(pending.consumerKey), "pendingValidation")
      const secret = Redacted.value(pending.consumerKey)
      assert.notInclude(inspect(pending), secret)
      assert.notInclude(JSON.stringify(pending), secret)
      const [call] = yield* fake.calls
      assert.strictEqual(call!.method, "POST")
      assert.strictEqual(call!.path, "/auth/credential")
      assert.strictEqual(call!.headers["x-ovh-application"], fake.credentials.applicationKey)
      assert.isUndefined(call!.headers["x-ovh-timestamp"])
      assert.deepStrictEqual(call!.body, {
        accessRules: [{ method: "GET", path: "/me" }, { method: "GET", path: "/me/*" }],
        redirection: "https://example.com/done",
        allowedIPs: ["203.0.113.0/24"]
      })
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("full flow: request, validation in the fake, first call with the new key; other calls are NotGranted", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const pending = yield* ConsumerKey.make().pipe(
        ConsumerKey.addRule("GET", "/me"),
        ConsumerKey.addRecursiveRules(ConsumerKey.API_READ_ONLY, "/me/api"),
        ConsumerKey.request
      )
      yield* learnTime
      const waiting = yield* Effect.forkChild(ConsumerKey.awaitValidation(pending))
      yield* TestClock.adjust("5 seconds")
      assert.isUndefined(waiting.pollUnsafe())
      yield* fake.validateConsumerKey(pending.consumerKey)
      yield* TestClock.adjust("2 seconds")
      const credential = yield* Fiber.join(waiting)
      assert.strictEqual(credential.status, "validated")
      assert.deepStrictEqual(credential.rules.map((r) => `${r.method} ${r.path}`), [
        "GET /me",
        "GET /me/api",
        "GET /me/api/*"
      ])
      // pending polls (t = 0, 2, 4 s), then the one that sees the validation
      assert.strictEqual(polls(yield* fake.calls).length, 4)

      const me = yield* Effect.flatMap(OvhClient.OvhClient, (c) => c.get<{ firstname: string }>("/me")).pipe(
        ConsumerKey.provide(pending.consumerKey)
      )
      assert.strictEqual(me.firstname, "Ada")
      const denied = yield* Effect.flatMap(OvhClient.OvhClient, (c) => c.get("/me/bill")).pipe(
        ConsumerKey.provide(pending.consumerKey),
        Effect.flip
      )
      assert.strictEqual(denied._tag, "NotGranted")
      const write = yield* Effect.flatMap(OvhClient.OvhClient, (c) => c.put("/me", { firstname: "Grace" })).pipe(
        ConsumerKey.provide(pending.consumerKey),
        Effect.flip
      )
      assert.strictEqual(write._tag, "NotGranted")
      // one server-time lookup for the whole flow: the new client reuses the learned delta
      assert.strictEqual((yield* fake.calls).filter((c) => c.path === "/auth/time").length, 1)
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("waits through INVALID_CREDENTIAL, what the API answers a pending key, reporting each poll", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const pending = yield* ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me")))
      yield* learnTime
      // the fake answers a pending key as the API does, on /auth/currentCredential too
      const answer = yield* Effect.flip(
        Effect.flatMap(OvhClient.OvhClient, (c) => c.get("/auth/currentCredential")).pipe(
          ConsumerKey.provide(pending.consumerKey)
        )
      )
      assert.strictEqual(answer._tag, "InvalidCredential")
      const progress: Array<ConsumerKey.ValidationProgress> = []
      const waiting = yield* Effect.forkChild(ConsumerKey.awaitValidation(pending, {
        timeout: "1 minute",
        onPending: (p) => Effect.sync(() => progress.push(p))
      }))
      yield* TestClock.adjust("4 seconds")
      assert.isUndefined(waiting.pollUnsafe())
      yield* fake.validateConsumerKey(pending.consumerKey)
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual((yield* Fiber.join(waiting)).status, "validated")
      // polls at 0, 2 and 4 s found it pending, the one at 6 s validated: one report per pending poll, none twice
      assert.deepStrictEqual(progress.map((p) => p.attempt), [1, 2, 3])
      assert.deepStrictEqual(progress.map((p) => Duration.toSeconds(p.remaining)), [60, 58, 56])
      assert.deepStrictEqual(progress.map((p) => Duration.toSeconds(p.elapsed)), [0, 2, 4])
      assert.deepStrictEqual([...new Set(progress.map((p) => p.answer))], [
        "INVALID_CREDENTIAL: This credential is not valid"
      ])
      assert.strictEqual(polls(yield* fake.calls).length, 5) // the check above, then four polls
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("waits through NOT_CREDENTIAL and a credential in pendingValidation too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const pending = yield* ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me")))
      // answers scripted ahead of the fake's own (faults come before authentication)
      const route = { method: "GET", path: "/auth/currentCredential" }
      yield* fake.failRoute(
        route,
        FakeOvhApi.Fault.status(403, {
          body: JSON.stringify({
            errorCode: "NOT_CREDENTIAL",
            httpCode: "403 Forbidden",
            message: "This credential does not exist"
          })
        }),
        1
      )
      yield* fake.failRoute(
        route,
        FakeOvhApi.Fault.status(200, {
          body: JSON.stringify({ credentialId: 1, applicationId: 1, status: "pendingValidation", rules: [] })
        }),
        1
      )
      yield* learnTime
      const seen: Array<string> = []
      const waiting = yield* Effect.forkChild(ConsumerKey.awaitValidation(pending, {
        onPending: (p) => Effect.sync(() => seen.push(p.answer))
      }))
      yield* TestClock.adjust("4 seconds")
      yield* fake.validateConsumerKey(pending.consumerKey)
      yield* TestClock.adjust("2 seconds")
      assert.strictEqual((yield* Fiber.join(waiting)).status, "validated")
      assert.deepStrictEqual(seen, [
        "NOT_CREDENTIAL: This credential does not exist",
        "pendingValidation",
        "INVALID_CREDENTIAL: This credential is not valid"
      ])
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("a refused key looks pending from outside: the wait ends at its deadline, naming the last answer", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const pending = yield* ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me")))
      yield* learnTime
      const waiting = yield* Effect.forkChild(
        Effect.flip(ConsumerKey.awaitValidation(pending, { timeout: "10 seconds" }))
      )
      yield* fake.refuseConsumerKey(pending.consumerKey)
      yield* TestClock.adjust("11 seconds")
      const error = yield* Fiber.join(waiting)
      assert.strictEqual(error._tag, "ValidationTimeout")
      if (error._tag === "ValidationTimeout") {
        assert.strictEqual(error.lastAnswer, "INVALID_CREDENTIAL: This credential is not valid")
        assert.strictEqual(
          error.message,
          "the consumer key was not validated within 10s (last answer: INVALID_CREDENTIAL: This credential is not valid)"
        )
      }
      assert.notInclude(inspect(error), Redacted.value(pending.consumerKey))
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("a credential read back as refused or expired ends the wait at once", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const readBack = (status: string) =>
        fake.failRoute(
          { method: "GET", path: "/auth/currentCredential" },
          FakeOvhApi.Fault.status(200, {
            body: JSON.stringify({ credentialId: 1, applicationId: 1, status, rules: [] })
          }),
          1
        )
      yield* readBack("refused")
      yield* readBack("expired")
      const pending = yield* ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me")))
      const refused = yield* Effect.flip(ConsumerKey.awaitValidation(pending))
      assert.strictEqual(refused._tag, "ConsumerKeyRefused")
      const expired = yield* Effect.flip(ConsumerKey.awaitValidation(pending.consumerKey))
      assert.strictEqual(expired._tag, "ConsumerKeyExpired")
      assert.strictEqual(polls(yield* fake.calls).length, 2)
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("nobody validates before the deadline: ValidationTimeout", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const pending = yield* ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me")))
      yield* learnTime
      const waiting = yield* Effect.forkChild(Effect.flip(ConsumerKey.awaitValidation(pending, {
        schedule: Schedule.spaced("10 seconds"),
        timeout: "1 minute"
      })))
      yield* TestClock.adjust("61 seconds")
      const error = yield* Fiber.join(waiting)
      assert.strictEqual(error._tag, "ValidationTimeout")
      if (error._tag === "ValidationTimeout") assert.strictEqual(error.waited, 60_000)
      assert.strictEqual(polls(yield* fake.calls).length, 6)
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("a polling schedule that ends while the key is pending is a ValidationTimeout too", () =>
    Effect.gen(function*() {
      const pending = yield* ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me")))
      const error = yield* Effect.flip(ConsumerKey.awaitValidation(pending, { schedule: Schedule.recurs(2) }))
      assert.strictEqual(error._tag, "ValidationTimeout")
    }).pipe(Effect.provide(ApplicationOnly)))

  it.effect("lists the applications authorized on the account, with their names, and revokes one", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const other = yield* fake.registerApplication({ name: "backup-bot" })
      const key = yield* fake.createConsumerKey({
        rules: [{ method: "GET", path: "/me" }],
        applicationKey: other.applicationKey
      })
      const all = yield* ConsumerKey.listAuthorizations()
      const names = all.map((a) => Option.match(a.application, { onNone: () => "?", onSome: (app) => app.name }))
      assert.include(names, "backup-bot")
      const mine = all.find((a) => Option.isSome(a.application) && a.application.value.name === "backup-bot")!
      assert.deepStrictEqual(mine.credential.rules, [{ method: "GET", path: "/me" }])
      assert.strictEqual(mine.credential.status, "validated")
      const validated = yield* ConsumerKey.listCredentials({ status: "validated", applicationId: other.applicationId })
      assert.deepStrictEqual(validated, [mine.credential.credentialId])
      assert.deepStrictEqual(yield* ConsumerKey.getCredential(mine.credential.credentialId), mine.credential)

      yield* ConsumerKey.revokeCredential(mine.credential.credentialId)
      assert.isUndefined(yield* fake.consumerKeyState(key))
      const after = yield* ConsumerKey.listCredentials({ applicationId: other.applicationId })
      assert.deepStrictEqual(after, [])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("tells which credential the client signs with", () =>
    Effect.gen(function*() {
      const current = yield* ConsumerKey.currentCredential()
      assert.strictEqual(current.status, "validated")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("an OAuth2 client cannot request a consumer key: InvalidKey before any request", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const error = yield* Effect.flip(ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me"))))
      assert.strictEqual(error._tag, "InvalidKey")
      const other = yield* Effect.flip(ConsumerKey.awaitValidation(Redacted.make("ck")))
      assert.strictEqual(other._tag, "InvalidKey")
      assert.strictEqual((yield* fake.calls).length, 0)
    }).pipe(Effect.provide(layerWith((fake) => ({
      applicationKey: undefined,
      applicationSecret: undefined,
      consumerKey: undefined,
      clientId: fake.oauth2.clientId,
      clientSecret: fake.oauth2.clientSecret,
      oauth2TokenUrl: fake.tokenUrl
    })))))

  it.effect("layerClient gives a client with the new key to a whole program", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const key = yield* fake.createConsumerKey({ rules: [{ method: "GET", path: "/me" }] })
      const program = Effect.flatMap(OvhClient.OvhClient, (c) =>
        Effect.all([c.get<{ firstname: string }>("/me"), Effect.flip(c.get("/me/bill"))]))
      const [me, denied] = yield* program.pipe(Effect.provide(ConsumerKey.layerClient(key)))
      assert.strictEqual(me.firstname, "Ada")
      assert.strictEqual(denied._tag, "NotGranted")
      const client = yield* OvhClient.OvhClient
      const other = yield* client.withConsumerKey(key)
      assert.notInclude(inspect(other.settings), Redacted.value(key))
    }).pipe(Effect.provide(TestLayer)))

  it.live("over loopback HTTP: request, validation, first call with the new key, NotGranted outside its rules", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.seed("/me", { firstname: "Ada", name: "Lovelace", nichandle: "al1-ovh" })
      const client = OvhClient.OvhClient.layer.pipe(
        Layer.provide(OvhConfig.OvhConfig.layerSources([
          OvhConfig.fromOptions({ ...FakeOvhApi.clientOptions(fake), consumerKey: undefined })
        ])),
        Layer.provide(FetchHttpClient.layer)
      )
      yield* Effect.gen(function*() {
        const pending = yield* ConsumerKey.request(ConsumerKey.make().pipe(ConsumerKey.addRule("GET", "/me")))
        const waiting = yield* Effect.forkChild(
          ConsumerKey.awaitValidation(pending, { schedule: Schedule.spaced("20 millis"), timeout: "10 seconds" })
        )
        yield* Effect.sleep("50 millis")
        yield* fake.validateConsumerKey(pending.consumerKey)
        assert.strictEqual((yield* Fiber.join(waiting)).status, "validated")
        const [me, denied] = yield* Effect.flatMap(
          OvhClient.OvhClient,
          (c) => Effect.all([c.get<{ firstname: string }>("/me"), Effect.flip(c.get("/me/bill"))])
        ).pipe(
          ConsumerKey.provide(pending.consumerKey)
        )
        assert.strictEqual(me.firstname, "Ada")
        assert.strictEqual(denied._tag, "NotGranted")
      }).pipe(Effect.provide(client))
    }).pipe(Effect.provide(FakeOvhServer.layer())))
})
