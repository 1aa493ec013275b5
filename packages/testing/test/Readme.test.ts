// The example of packages/testing/README.md, kept runnable: edit both together.
import { OvhClient } from "@effect-ovh/core"
import { FakeOvhApi } from "@effect-ovh/testing"
import { assert, it } from "@effect/vitest"
import { Effect } from "effect"

// the program under test, unchanged: in production it gets `NodeOvh.layer()`
const listBills = Effect.gen(function*() {
  return yield* (yield* OvhClient.OvhClient).get<Array<string>>("/me/bill")
})

it.effect("lists the bills of the account", () =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    yield* fake.seed("/me/bill/B1", {
      billId: "B1",
      priceWithTax: { value: 12.5, currencyCode: "EUR", text: "12.50 €" }
    })
    assert.deepStrictEqual(yield* listBills, ["B1"])
    const calls = (yield* fake.calls).map((c) => `${c.method} ${c.path} ${c.status}`)
    assert.deepStrictEqual(calls, ["GET /auth/time 200", "GET /me/bill 200"])
  }).pipe(Effect.provide(FakeOvhApi.FakeOvhApi.layerClient())))
