import * as ListMode from "@effect-ovh/core/ListMode"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"

const TestLayer = FakeOvhApi.FakeOvhApi.layerClient({ serverTime: 1_700_000_000 })

interface Bill {
  readonly billId: string
  readonly date: string
  readonly category: string
  readonly priceWithTax: { readonly value: number; readonly currencyCode: string; readonly text: string }
}

const bill = (n: number): Bill => ({
  billId: `FR${1000 + n}`,
  // dates out of list order, prices out of text order (9 < 10 < 100)
  date: `2026-0${1 + ((n * 7) % 9)}-1${n % 10}T00:00:00+01:00`,
  category: n % 3 === 0 ? "purchase" : "autorenew",
  priceWithTax: { value: [9, 100, 10, 55.5, 12][n % 5]!, currencyCode: "EUR", text: "" }
})

const seedBills = (count: number) =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    const bills = Array.from({ length: count }, (_, i) => bill(i))
    for (const b of bills) yield* fake.seed(`/me/bill/${b.billId}`, b)
    yield* fake.clearCalls
    return bills
  })

/** A signed GET with extra headers: status, lower-cased headers and body. */
const get = (path: string, headers: Record<string, string>) =>
  Effect.flatMap(
    Effect.service(OvhClient.OvhClient),
    (client) => client.send<unknown>({ method: "GET", path, headers })
  )

const ids = (items: unknown) => (items as ReadonlyArray<Bill>).map((b) => b.billId)

describe("fake list modes", () => {
  it.effect("answers whole objects a page at a time on a list-mode route, with the total", () =>
    Effect.gen(function*() {
      const bills = yield* seedBills(25)
      const first = yield* get("/me/bill", ListMode.pageHeaders({ page: 1, pageSize: 10 }))
      assert.deepStrictEqual(first.body, bills.slice(0, 10))
      assert.strictEqual(first.headers["x-pagination-elements"], "25")
      const last = yield* get("/me/bill", ListMode.pageHeaders({ page: 3, pageSize: 10 }))
      assert.deepStrictEqual(ids(last.body), ids(bills.slice(20)))
      const past = yield* get("/me/bill", ListMode.pageHeaders({ page: 4, pageSize: 10 }))
      assert.deepStrictEqual(past.body, [])
      // without the mode header, the same route answers its ids
      assert.deepStrictEqual((yield* get("/me/bill", {})).body, ids(bills))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("filters and sorts with ListMode's semantics, the total counting the filtered items", () =>
    Effect.gen(function*() {
      const bills = yield* seedBills(30)
      const filter: ReadonlyArray<ListMode.Filter> = [
        { field: "category", op: "eq", value: "autorenew" },
        { field: "priceWithTax.value", op: "ge", value: 10 }
      ]
      const sort: ListMode.Sort = { field: "priceWithTax.value", order: "DESC" }
      const expected = bills
        .filter((b) => b.category === "autorenew" && b.priceWithTax.value >= 10)
        .sort((a, b) => b.priceWithTax.value - a.priceWithTax.value)
      const page = yield* get("/me/bill", ListMode.pageHeaders({ page: 2, pageSize: 5, filter, sort }))
      assert.deepStrictEqual(ids(page.body), ids(expected.slice(5, 10)))
      assert.strictEqual(page.headers["x-pagination-elements"], String(expected.length))
      // percent-encoded values and like with wildcards
      const like = yield* get(
        "/me/bill",
        ListMode.pageHeaders({
          page: 1,
          pageSize: 100,
          filter: [{ field: "date", op: "like", value: "2026-03-%" }]
        })
      )
      assert.deepStrictEqual(ids(like.body), ids(bills.filter((b) => b.date.startsWith("2026-03-"))))
      assert.isAbove((like.body as Array<unknown>).length, 0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("refuses a malformed pagination header with a 400 in the API's error shape", () =>
    Effect.gen(function*() {
      yield* seedBills(3)
      const error = yield* Effect.flip(get("/me/bill", {
        "X-Pagination-Mode": "CachedObjectList-Pages",
        "X-Pagination-Filter": "category=autorenew"
      }))
      assert.strictEqual(error._tag, "BadParameters")
      assert.include(error.message, "X-Pagination-Filter")
      const size = yield* Effect.flip(
        get("/me/bill", { "X-Pagination-Mode": "CachedObjectList-Pages", "X-Pagination-Size": "0" })
      )
      assert.include(size.message, "X-Pagination-Size")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("answers ids on a route without list mode, whatever the headers", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.seed("/email/domain/example.com/redirection", ["r1", "r2"])
      const reply = yield* get("/email/domain/example.com/redirection", ListMode.pageHeaders({ page: 1, pageSize: 10 }))
      assert.deepStrictEqual(reply.body, ["r1", "r2"])
      assert.isUndefined(reply.headers["x-pagination-elements"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("answers a batch GET element by element, an unknown id with an error", () =>
    Effect.gen(function*() {
      const bills = yield* seedBills(3)
      const reply = yield* get("/me/bill/FR1000,FR9999,FR1002", { "X-Ovh-Batch": "," })
      assert.deepStrictEqual(reply.body, [
        { key: "FR1000", value: bills[0] },
        { key: "FR9999", error: "The requested object (billId = FR9999) does not exist" },
        { key: "FR1002", value: bills[2] }
      ])
      const read = ListMode.readBatch(reply.body, ["FR1000", "FR9999", "FR1002"])
      assert.deepStrictEqual(Array.isArray(read) ? read.map((e) => e._tag) : read, ["Found", "Failed", "Found"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("checks each id of a batch as its own GET: numeric ids of accounts' routes", () =>
    Effect.gen(function*() {
      const ids = yield* Effect.flatMap(Effect.service(OvhClient.OvhClient), (c) =>
        c.get<ReadonlyArray<number>>("/me/api/credential"))
      assert.isAbove(ids.length, 0)
      const reply = yield* get(`/me/api/credential/${ids[0]},abc`, { "X-Ovh-Batch": "," })
      const [found, refused] = reply.body as [
        { key: string; value: { credentialId: number } },
        { key: string; error: string }
      ]
      assert.strictEqual(found.value.credentialId, ids[0])
      assert.strictEqual(refused.key, "abc")
      assert.include(refused.error, "[credentialId]")
    }).pipe(Effect.provide(TestLayer)))
})
