import * as ListMode from "@effect-ovh/core/ListMode"
import { assert, describe, it } from "@effect/vitest"

const bills = [
  { billId: "FR1", date: "2026-01-10", priceWithTax: { value: 12.5, currencyCode: "EUR" }, category: "autorenew" },
  { billId: "FR2", date: "2026-03-02", priceWithTax: { value: 120, currencyCode: "EUR" }, category: "purchase" },
  { billId: "FR3", date: "2026-02-20", priceWithTax: { value: 9, currencyCode: "EUR" }, category: "autorenew" },
  { billId: "FR4", date: "2026-02-01", priceWithTax: { value: 60, currencyCode: "EUR" } }
]

const ids = (items: ReadonlyArray<unknown>) => items.map((item) => (item as { billId: string }).billId)

describe("ListMode", () => {
  it("writes the request headers of a page as the control panel does", () => {
    assert.deepStrictEqual(ListMode.pageHeaders({ page: 1, pageSize: 500 }), {
      "X-Pagination-Mode": "CachedObjectList-Pages",
      "X-Pagination-Size": "500"
    })
    assert.deepStrictEqual(
      ListMode.pageHeaders({
        page: 3,
        pageSize: 50,
        filter: [
          { field: "priceWithTax.value", op: "ge", value: 10 },
          { field: "category", op: "eq", value: ["autorenew", "a&b,c"] }
        ],
        sort: { field: "date", order: "DESC" }
      }),
      {
        "X-Pagination-Mode": "CachedObjectList-Pages",
        "X-Pagination-Size": "50",
        "X-Pagination-Number": "3",
        "X-Pagination-Filter": "priceWithTax.value:ge=10&category:eq=autorenew,a%26b%2Cc",
        "X-Pagination-Sort": "date",
        "X-Pagination-Sort-Order": "DESC"
      }
    )
  })

  it("reads back the filter it writes, values with separators included", () => {
    const filter: ReadonlyArray<ListMode.Filter> = [
      { field: "category", op: "eq", value: ["autorenew", "a&b,c=d"] },
      { field: "billId", op: "like", value: "FR%" }
    ]
    assert.deepStrictEqual(ListMode.decodeFilter(ListMode.encodeFilter(filter)), filter)
    assert.isUndefined(ListMode.decodeFilter("category=eq"))
    assert.isUndefined(ListMode.decodeFilter("category:between=1"))
  })

  it("filters with any-of values, dotted fields, numeric and text comparisons, and % wildcards", () => {
    const where = (filter: ReadonlyArray<ListMode.Filter>) => ids(bills.filter((b) => ListMode.matches(b, filter)))
    assert.deepStrictEqual(where([{ field: "category", op: "eq", value: "autorenew" }]), ["FR1", "FR3"])
    assert.deepStrictEqual(where([{ field: "category", op: "eq", value: ["autorenew", "purchase"] }]), [
      "FR1",
      "FR2",
      "FR3"
    ])
    // not equal to any of them; an item without the field is not equal either
    assert.deepStrictEqual(where([{ field: "category", op: "nq", value: ["purchase"] }]), ["FR1", "FR3", "FR4"])
    // 120 > 60 as numbers (as text "120" < "60")
    assert.deepStrictEqual(where([{ field: "priceWithTax.value", op: "gt", value: 60 }]), ["FR2"])
    assert.deepStrictEqual(where([{ field: "priceWithTax.value", op: "le", value: "12.5" }]), ["FR1", "FR3"])
    assert.deepStrictEqual(where([{ field: "date", op: "ge", value: "2026-02-01" }]), ["FR2", "FR3", "FR4"])
    assert.deepStrictEqual(where([{ field: "date", op: "like", value: "2026-02-%" }]), ["FR3", "FR4"])
    assert.deepStrictEqual(where([{ field: "billId", op: "like", value: "F%3" }]), ["FR3"])
    // terms all apply
    assert.deepStrictEqual(
      where([{ field: "category", op: "eq", value: "autorenew" }, {
        field: "priceWithTax.value",
        op: "lt",
        value: 10
      }]),
      ["FR3"]
    )
  })

  it("sorts ascending or descending, numbers as numbers, items without the field last", () => {
    assert.deepStrictEqual(ids([...bills].sort(ListMode.comparator({ field: "priceWithTax.value" }))), [
      "FR3",
      "FR1",
      "FR4",
      "FR2"
    ])
    assert.deepStrictEqual(ids([...bills].sort(ListMode.comparator({ field: "date", order: "DESC" }))), [
      "FR2",
      "FR3",
      "FR4",
      "FR1"
    ])
    assert.deepStrictEqual(ids([...bills].sort(ListMode.comparator({ field: "category" }))), [
      "FR1",
      "FR3",
      "FR2",
      "FR4"
    ])
  })

  it("names the first problem of a filter or sort", () => {
    assert.isUndefined(ListMode.check([{ field: "a", op: "eq", value: [1, "b"] }], { field: "a", order: "DESC" }))
    assert.match(ListMode.check([{ field: "a", op: "between" as never, value: 1 }], undefined)!, /operator between/)
    assert.match(ListMode.check([{ field: "a", op: "eq", value: [] }], undefined)!, /no value/)
    assert.match(ListMode.check([{ field: "a", op: "eq", value: Number.NaN }], undefined)!, /finite numbers/)
    assert.match(ListMode.check(undefined, { field: "a", order: "down" as never })!, /ASC or DESC/)
  })

  it("tells ids from objects, and anything else is invalid", () => {
    assert.deepStrictEqual(ListMode.classify(["FR1", "FR2"]), { _tag: "Ids", ids: ["FR1", "FR2"] })
    assert.deepStrictEqual(ListMode.classify([1, 2]), { _tag: "Ids", ids: [1, 2] })
    assert.deepStrictEqual(ListMode.classify([]), { _tag: "Ids", ids: [] })
    assert.strictEqual(ListMode.classify(bills)._tag, "Objects")
    assert.deepStrictEqual(ListMode.classify({ items: [] }), {
      _tag: "Invalid",
      reason: "expected a JSON array, got an object"
    })
    assert.strictEqual(ListMode.classify(["FR1", { billId: "FR2" }])._tag, "Invalid")
    assert.strictEqual(ListMode.classify([null])._tag, "Invalid")
  })

  it("reads a batch answer by key or by position, errors per element", () => {
    assert.deepStrictEqual(
      ListMode.readBatch([{ key: "2", value: { id: 2 } }, { key: "1", value: { id: 1 } }, {
        key: "9",
        error: "not found"
      }], ["1", "2", "9"]),
      [
        { _tag: "Found", key: "2", value: { id: 2 } },
        { _tag: "Found", key: "1", value: { id: 1 } },
        { _tag: "Failed", key: "9", message: "not found" }
      ]
    )
    assert.deepStrictEqual(ListMode.readBatch([{ value: "a" }, { error: { message: "gone" } }], ["x", "y"]), [
      { _tag: "Found", key: "x", value: "a" },
      { _tag: "Failed", key: "y", message: "gone" }
    ])
    assert.match(ListMode.readBatch({}, ["x"]) as string, /expected a JSON array/)
    assert.match(ListMode.readBatch([{ value: 1 }, { value: 2 }], ["x"]) as string, /no key/)
    assert.match(ListMode.readBatch([{ key: "x" }], ["x"]) as string, /neither value nor error/)
  })

  it("reads back the page request it writes, header names in any case, and names a malformed header", () => {
    const request: ListMode.PageRequest = {
      page: 3,
      pageSize: 50,
      filter: [{ field: "priceWithTax.value", op: "ge", value: "10" }, {
        field: "category",
        op: "eq",
        value: ["a&b", "c"]
      }],
      sort: { field: "date", order: "DESC" }
    }
    const lower = Object.fromEntries(
      Object.entries(ListMode.pageHeaders(request)).map(([k, v]) => [k.toLowerCase(), v])
    )
    assert.deepStrictEqual(ListMode.readPageRequest(lower), request)
    assert.deepStrictEqual(ListMode.readPageRequest({ "x-pagination-mode": "CachedObjectList-Pages" }, 7), {
      page: 1,
      pageSize: 7,
      filter: undefined,
      sort: undefined
    })
    assert.isUndefined(ListMode.readPageRequest({ "x-pagination-size": "10" }))
    const mode = { "x-pagination-mode": "CachedObjectList-Pages" }
    assert.match(ListMode.readPageRequest({ ...mode, "x-pagination-number": "0" }) as string, /X-Pagination-Number/)
    assert.match(ListMode.readPageRequest({ ...mode, "x-pagination-filter": "a=b" }) as string, /X-Pagination-Filter/)
    assert.match(
      ListMode.readPageRequest({ ...mode, "x-pagination-sort": "a", "x-pagination-sort-order": "UP" }) as string,
      /ASC or DESC/
    )
  })

  it("selects a page: filtered, sorted (ties in list order), cut, with the filtered total", () => {
    const page = ListMode.select(bills, {
      page: 1,
      pageSize: 2,
      filter: [{ field: "priceWithTax.value", op: "ge", value: 10 }],
      sort: { field: "priceWithTax.value", order: "DESC" }
    })
    assert.deepStrictEqual(ids(page.items), ["FR2", "FR4"])
    assert.strictEqual(page.total, 3)
    assert.deepStrictEqual(ids(ListMode.select(bills, { page: 2, pageSize: 3 }).items), ["FR4"])
    const ties = ListMode.refine(bills, undefined, { field: "category", order: "DESC" })
    assert.deepStrictEqual(ids(ties), ["FR2", "FR1", "FR3", "FR4"])
  })

  it("tells whether a page has a next one, from the total or from a full page", () => {
    const request = { page: 2, pageSize: 10 }
    assert.isTrue(ListMode.hasNextPage(request, 10, 21))
    assert.isFalse(ListMode.hasNextPage(request, 10, 20))
    assert.isTrue(ListMode.hasNextPage(request, 10, undefined))
    assert.isFalse(ListMode.hasNextPage(request, 9, undefined))
    assert.isFalse(ListMode.hasNextPage(request, 0, 100))
    assert.strictEqual(ListMode.totalOf({ "x-pagination-elements": " 42 " }), 42)
    assert.isUndefined(ListMode.totalOf({ "x-pagination-elements": "many" }))
  })
})
