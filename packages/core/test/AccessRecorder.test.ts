import * as AccessRecorder from "@effect-ovh/core/AccessRecorder"
import * as ConsumerKey from "@effect-ovh/core/ConsumerKey"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"

const SERVER_TIME = 1_700_000_000

const FakeLayer = Layer.unwrap(Effect.gen(function*() {
  const fake = yield* FakeOvhApi.FakeOvhApi
  yield* fake.seed("/me", { firstname: "Ada", name: "Lovelace", nichandle: "al1-ovh" })
  yield* fake.seed("/me/bill/FR12345", { billId: "FR12345", date: "2024-01-01T00:00:00+01:00" })
  yield* fake.seed("/me/bill/FR12346", { billId: "FR12346", date: "2024-02-01T00:00:00+01:00" })
  return OvhClient.OvhClient.layer.pipe(
    Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(FakeOvhApi.clientOptions(fake))]))
  )
})).pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })))

/** What the program under measure does. */
const program = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  yield* client.get("/me")
  yield* client.get("/auth/time", undefined, { needAuth: false })
  const ids = yield* client.get<ReadonlyArray<string>>("/me/bill")
  yield* Effect.forEach(ids, (id) => client.get(`/me/bill/${id}`))
  yield* client.get("/me/bill/FR12345")
  yield* client.put("/me", { firstname: "Grace" })
  return ids.length
})

describe("AccessRecorder", () => {
  it("guesses templates: ids become `*`, route words stay", () => {
    assert.strictEqual(AccessRecorder.template("/me/bill/FR12345"), "/me/bill/*")
    assert.strictEqual(AccessRecorder.template("/domain/zone/example.com/record/123"), "/domain/zone/*/record/*")
    assert.strictEqual(AccessRecorder.template("/ip/203.0.113.4%2F32/mitigation"), "/ip/*/mitigation")
    assert.strictEqual(AccessRecorder.template("/me/accessRestriction/u2f"), "/me/accessRestriction/u2f")
    assert.strictEqual(AccessRecorder.template("/me/bill?date.from=2024-01-01"), "/me/bill")
    assert.strictEqual(AccessRecorder.template("/v1/me/"), "/me")
    assert.strictEqual(
      AccessRecorder.template("/email/domain/example.com/account/john"),
      "/email/domain/*/account/john"
    )
  })

  it("prefers known templates, the most literal one first", () => {
    const templates = ["/email/domain/{domain}/account/{accountName}", "/me/bill/{billId}", "/me/bill/export"]
    assert.strictEqual(
      AccessRecorder.template("/email/domain/example.com/account/john", templates),
      "/email/domain/*/account/*"
    )
    assert.strictEqual(AccessRecorder.template("/me/bill/export", templates), "/me/bill/export")
    assert.strictEqual(AccessRecorder.template("/me/bill/B1", templates), "/me/bill/*")
  })

  it("keeps the smallest set of rules: a rule another one covers is dropped", () => {
    const rules = AccessRecorder.minimalRules([
      { method: "GET", template: "/domain/zone/*/record/*" },
      { method: "GET", template: "/domain/zone/*" },
      { method: "GET", template: "/domain/zone" },
      { method: "POST", template: "/domain/zone/*/record" },
      { method: "GET", template: "/domain/zone/*" }
    ])
    assert.deepStrictEqual(rules, [
      { method: "GET", path: "/domain/zone" },
      { method: "GET", path: "/domain/zone/*" },
      { method: "POST", path: "/domain/zone/*/record" }
    ])
  })

  it.effect("records what a program calls; a key with exactly those rules runs it, and nothing more", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const reports: Array<string> = []
      const measured = yield* Effect.gen(function*() {
        assert.strictEqual(yield* program, 2)
        const recorder = yield* AccessRecorder.AccessRecorder
        const entries = yield* recorder.entries
        assert.deepStrictEqual(entries.map((e) => [e.method, e.template, e.count]), [
          ["GET", "/me", 1],
          ["GET", "/me/bill", 1],
          ["GET", "/me/bill/*", 3],
          ["PUT", "/me", 1]
        ])
        return yield* recorder.rules
      }).pipe(
        Effect.provide(
          AccessRecorder.AccessRecorder.layer({ print: (report) => Effect.sync(() => reports.push(report)) })
        )
      )
      assert.deepStrictEqual(measured, [
        { method: "GET", path: "/me" },
        { method: "PUT", path: "/me" },
        { method: "GET", path: "/me/bill" },
        { method: "GET", path: "/me/bill/*" }
      ])
      // printed once, when the layer was released
      assert.strictEqual(reports.length, 1)
      assert.include(reports[0]!, "GET    /me/bill/*")
      assert.include(reports[0]!, `ConsumerKey.addRules(["GET", "PUT"], "/me")`)

      // the measured rules are enough for the program, and deny the rest
      const request = ConsumerKey.make({ accessRules: measured })
      const key = yield* fake.createConsumerKey({ rules: request.accessRules })
      const narrow = ConsumerKey.provide(key)
      assert.strictEqual(yield* narrow(program), 2)
      const outside = yield* narrow(
        Effect.flatMap(OvhClient.OvhClient, (c) => c.get("/me/api/credential")).pipe(Effect.flip)
      )
      assert.strictEqual(outside._tag, "NotGranted")
      const deleting = yield* narrow(
        Effect.flatMap(OvhClient.OvhClient, (c) => c.delete("/me/api/credential/1")).pipe(Effect.flip)
      )
      assert.strictEqual(deleting._tag, "NotGranted")
    }).pipe(Effect.provide(FakeLayer)))

  it.effect("records calls made with another consumer key of the same client, and failed calls too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const recorder = yield* AccessRecorder.AccessRecorder
      const key = yield* fake.createConsumerKey({ rules: [{ method: "GET", path: "/me" }] })
      const other = yield* Effect.flatMap(OvhClient.OvhClient, (c) => c.withConsumerKey(key))
      yield* other.get("/me")
      yield* Effect.flip(other.get("/me/bill/FR12345"))
      yield* other.call({ method: "GET", path: "/auth/currentCredential" })
      assert.deepStrictEqual(yield* recorder.rules, [{ method: "GET", path: "/me" }, {
        method: "GET",
        path: "/me/bill/*"
      }])
      yield* recorder.clear
      assert.strictEqual(yield* recorder.report, "no signed call was recorded: the program needs no access rule")
    }).pipe(Effect.provide(AccessRecorder.AccessRecorder.layer({ print: false })), Effect.provide(FakeLayer)))
})
