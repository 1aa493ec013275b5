import * as FanOut from "@effect-ovh/core/FanOut"
import type * as ListMode from "@effect-ovh/core/ListMode"
import type * as OvhError from "@effect-ovh/core/OvhError"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Result, Stream } from "effect"
import { TestClock } from "effect/testing"
import * as Http from "node:http"

const TestLayer = FakeOvhApi.FakeOvhApi.layerClient({ serverTime: 1_700_000_000 })

const seedBills = (count: number) =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    const ids = Array.from({ length: count }, (_, i) => `FR${String(100_000 + i)}`)
    yield* fake.seed("/me/bill", ids)
    yield* fake.clearCalls
    return ids
  })

/** Runs `effect` with every answer taking 10 ms, so that concurrent requests overlap; `TestClock` drives the time. */
const withLatency = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    yield* fake.setLatency("10 millis")
    const fiber = yield* Effect.forkChild(effect)
    // one latency step at a time: each step answers the requests in flight, and the next ones start
    while (fiber.pollUnsafe() === undefined) yield* TestClock.adjust("10 millis")
    const result = yield* Fiber.join(fiber)
    yield* fake.setLatency(undefined)
    return result
  })

const failing = (ids: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    // 403 is not transient: the outcome does not depend on the client's retry policy
    for (const id of ids) yield* fake.failRoute({ method: "GET", path: `/me/bill/${id}` }, 403)
  })

describe("FanOut", () => {
  it.effect("fetches 500 bills with concurrency 8: never more than 8 requests in flight, every bill in order", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const ids = yield* seedBills(500)
      const bills = yield* withLatency(
        Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "each", concurrency: 8 }))
      )
      assert.deepStrictEqual(bills.map((bill) => bill.billId), ids)
      assert.strictEqual(yield* fake.maxInFlight, 8)
      const calls = yield* fake.calls
      assert.strictEqual(calls.filter((call) => call.template === "/me/bill/{billId}").length, 500)
      assert.strictEqual(calls.filter((call) => call.path === "/me/bill").length, 1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("defaults to 8 at once and honours a smaller bound", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* seedBills(100)
      yield* withLatency(Stream.runDrain(FanOut.getAll("/me/bill", { strategy: "each" })))
      assert.strictEqual(yield* fake.maxInFlight, FanOut.defaultConcurrency)
      yield* fake.clearCalls
      yield* withLatency(Stream.runDrain(FanOut.getAll("/me/bill", { strategy: "each", concurrency: 3 })))
      assert.strictEqual(yield* fake.maxInFlight, 3)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("unordered mode still returns every item", () =>
    Effect.gen(function*() {
      const ids = yield* seedBills(200)
      const bills = yield* withLatency(
        Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "each", ordered: false }))
      )
      assert.deepStrictEqual(bills.map((bill) => bill.billId).sort(), [...ids].sort())
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fail fast: the first failing item fails the stream with its typed error", () =>
    Effect.gen(function*() {
      const ids = yield* seedBills(50)
      yield* failing([ids[17]!])
      const error = yield* Effect.flip(Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "each" })))
      assert.strictEqual(error._tag, "Forbidden")
      if (error._tag === "Forbidden") assert.strictEqual(error.path, `/me/bill/${ids[17]}`)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("skip and report: failing ids are reported and left out, the rest comes through", () =>
    Effect.gen(function*() {
      const ids = yield* seedBills(500)
      const bad = [ids[3]!, ids[250]!, ids[499]!]
      yield* failing(bad)
      const skipped: Array<FanOut.Skipped<string, OvhError.OvhError>> = []
      const bills = yield* Stream.runCollect(
        FanOut.getAll("/me/bill", {
          strategy: "each",
          errors: "skip",
          onSkip: (s) => Effect.sync(() => skipped.push(s))
        })
      )
      assert.deepStrictEqual(skipped.map((s) => s.id), bad)
      assert.deepStrictEqual(skipped.map((s) => s.error._tag), ["Forbidden", "Forbidden", "Forbidden"])
      assert.deepStrictEqual(bills.map((bill) => bill.billId), ids.filter((id) => !bad.includes(id)))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("collect: one Result per id, failures included", () =>
    Effect.gen(function*() {
      const ids = yield* seedBills(20)
      yield* failing([ids[5]!])
      const outcomes = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "each", errors: "collect" }))
      assert.deepStrictEqual(outcomes.map((o) => o.id), ids)
      const failures = outcomes.filter((o) => Result.isFailure(o.result))
      assert.deepStrictEqual(failures.map((o) => o.id), [ids[5]])
      const first = outcomes[0]!.result
      assert.isTrue(Result.isSuccess(first) && first.success.billId === ids[0])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fans out over a paginated v2 list, naming items by their id", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const ids = Array.from({ length: 30 }, (_, i) => `vrs-${i}`)
      yield* fake.seed("/v2/vrackServices/resource", ids.map((id) => ({ id, resourceStatus: "READY" })))
      yield* fake.clearCalls
      const items = yield* Stream.runCollect(
        FanOut.getAll("/v2/vrackServices/resource", { pageSize: 7, concurrency: 4 })
      )
      assert.deepStrictEqual(items.map((item) => item.id), ids)
      const calls = yield* fake.calls
      assert.strictEqual(calls.filter((call) => call.path === "/v2/vrackServices/resource").length, 5)
      assert.strictEqual(
        calls.filter((call) => call.template === "/v2/vrackServices/resource/{vrackServicesId}").length,
        30
      )
    }).pipe(Effect.provide(TestLayer)))

  it.effect("each: fans any id stream out through any effect", () =>
    Effect.gen(function*() {
      let inFlight = 0
      let most = 0
      const fetch = (n: number) =>
        Effect.gen(function*() {
          inFlight++
          most = Math.max(most, inFlight)
          yield* Effect.yieldNow
          yield* Effect.yieldNow
          inFlight--
          if (n % 10 === 0) return yield* Effect.fail(`bad ${n}`)
          return n * 2
        })
      const outcomes = yield* Stream.runCollect(
        Stream.range(1, 100).pipe(FanOut.each(fetch, { concurrency: 5, errors: "collect" }))
      )
      assert.strictEqual(most, 5)
      assert.strictEqual(outcomes.length, 100)
      assert.deepStrictEqual(outcomes.filter((o) => Result.isFailure(o.result)).map((o) => o.id), [
        10,
        20,
        30,
        40,
        50,
        60,
        70,
        80,
        90,
        100
      ])
    }))

  it.effect("a concurrency below 1 is a defect of the stream, not an unbounded run", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(Stream.runDrain(FanOut.getAll("/me/bill", { concurrency: 0 })))
      assert.isTrue(exit._tag === "Failure")
      const calls = yield* (yield* FakeOvhApi.FakeOvhApi).calls
      assert.strictEqual(calls.length, 0)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("fills the list's path template from params, and fetches each item under the filled path", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.seed("/email/domain", ["example.com"])
      yield* fake.seed("/email/domain/example.com/redirection", ["r1", "r 2"])
      yield* fake.clearCalls
      const redirections = yield* Stream.runCollect(
        FanOut.getAll("/email/domain/{domain}/redirection", { params: { domain: "example.com" } })
      )
      assert.deepStrictEqual(redirections.map((r) => r.id), ["r1", "r 2"])
      // the fake records paths decoded
      const paths = (yield* fake.calls).map((call) => call.path).filter((path) => path.startsWith("/email"))
      assert.deepStrictEqual(paths, [
        "/email/domain/example.com/redirection",
        "/email/domain/example.com/redirection/r1",
        "/email/domain/example.com/redirection/r 2"
      ])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a missing path parameter fails with BadParameters, nothing sent", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      // what a caller without the types could write: the compiler refuses it
      const untyped = FanOut.getAll as unknown as (
        path: string,
        options?: object
      ) => Stream.Stream<unknown, OvhError.OvhError>
      const error = yield* Effect.flip(Stream.runCollect(untyped("/email/domain/{domain}/redirection")))
      assert.strictEqual(error._tag, "BadParameters")
      assert.include(error.message, "domain")
      assert.strictEqual((yield* fake.calls).length, 0)
    }).pipe(Effect.provide(TestLayer)))

  describe("strategies", () => {
    /** Bills with their own values, so that filters and sorts have something to tell apart. */
    const seedWhole = (count: number) =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const ids = Array.from({ length: count }, (_, i) => `FR${String(200_000 + i)}`)
        for (const [i, id] of ids.entries()) {
          yield* fake.seed(`/me/bill/${id}`, {
            billId: id,
            date: `2026-${String(1 + ((i * 5) % 12)).padStart(2, "0")}-01T00:00:00+01:00`,
            category: i % 4 === 0 ? "purchase" : "autorenew",
            priceWithTax: { value: [9, 100, 10, 55.5, 12, 9][i % 6], currencyCode: "EUR", text: "" }
          })
        }
        yield* fake.clearCalls
        return ids
      })

    const billIds = (items: ReadonlyArray<{ readonly billId: string }>) => items.map((bill) => bill.billId)
    const listCalls = Effect.map(
      Effect.flatMap(Effect.service(FakeOvhApi.FakeOvhApi), (fake) => fake.calls),
      (calls) => calls.filter((call) => call.path.startsWith("/me/bill"))
    )

    it.effect("auto: one list request in list mode, whole bills page by page, no request per bill", () =>
      Effect.gen(function*() {
        const ids = yield* seedWhole(250)
        const bills = yield* Stream.runCollect(FanOut.getAll("/me/bill", { pageSize: 100 }))
        assert.deepStrictEqual(billIds(bills), ids)
        const calls = yield* listCalls
        assert.deepStrictEqual(calls.map((call) => call.path), ["/me/bill", "/me/bill", "/me/bill"])
        assert.deepStrictEqual(
          calls.map((call) => call.headers["x-pagination-mode"]),
          Array(3).fill("CachedObjectList-Pages")
        )
        assert.deepStrictEqual(calls.map((call) => call.headers["x-pagination-number"]), [undefined, "2", "3"])
        // the same bills as one GET per bill
        const each = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "each" }))
        assert.deepStrictEqual(bills, each)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("auto: the next page is asked for only when the stream pulls past the one before", () =>
      Effect.gen(function*() {
        yield* seedWhole(250)
        const first = yield* Stream.runCollect(FanOut.getAll("/me/bill", { pageSize: 100 }).pipe(Stream.take(100)))
        assert.strictEqual(first.length, 100)
        assert.strictEqual((yield* listCalls).length, 1)
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.clearCalls
        yield* Stream.runCollect(FanOut.getAll("/me/bill", { pageSize: 100 }).pipe(Stream.take(101)))
        assert.strictEqual((yield* listCalls).length, 2)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("auto on a route without list mode: its ids are the list, fetched one by one, no extra request", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/email/domain/example.com/redirection", ["r1", "r2", "r3"])
        yield* fake.clearCalls
        const items = yield* Stream.runCollect(
          FanOut.getAll("/email/domain/{domain}/redirection", { params: { domain: "example.com" } })
        )
        assert.deepStrictEqual(items.map((r) => r.id), ["r1", "r2", "r3"])
        const calls = (yield* fake.calls).filter((call) => call.path.startsWith("/email"))
        assert.strictEqual(calls.length, 4)
        assert.strictEqual(calls[0]!.headers["x-pagination-mode"], "CachedObjectList-Pages")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("filter and sort: the same bills whether the API applies them (list mode) or the client does", () =>
      Effect.gen(function*() {
        const ids = yield* seedWhole(120)
        const filter: ReadonlyArray<ListMode.Filter> = [
          { field: "category", op: "eq", value: "autorenew" },
          { field: "priceWithTax.value", op: "ge", value: 10 }
        ]
        const sort: ListMode.Sort = { field: "priceWithTax.value", order: "DESC" }
        const fake = yield* FakeOvhApi.FakeOvhApi
        const inListMode = yield* Stream.runCollect(FanOut.getAll("/me/bill", { filter, sort, pageSize: 7 }))
        const sent = (yield* listCalls)[0]!
        assert.strictEqual(sent.headers["x-pagination-filter"], "category:eq=autorenew&priceWithTax.value:ge=10")
        assert.strictEqual(sent.headers["x-pagination-sort"], "priceWithTax.value")
        assert.strictEqual(sent.headers["x-pagination-sort-order"], "DESC")
        yield* fake.clearCalls
        const each = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "each", filter, sort }))
        const batch = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "batch", filter, sort }))
        // not a vacuous comparison: some bills are left out, and the order is not the list's
        assert.isAbove(inListMode.length, 10)
        assert.isBelow(inListMode.length, ids.length)
        assert.notDeepEqual(billIds(inListMode), ids.filter((id) => billIds(inListMode).includes(id)))
        assert.deepStrictEqual(each, inListMode)
        assert.deepStrictEqual(batch, inListMode)
        const values = inListMode.map((bill) => bill.priceWithTax.value)
        assert.deepStrictEqual(values, [...values].sort((a, b) => b - a))
      }).pipe(Effect.provide(TestLayer)))

    it.effect("filter and sort on a route without list mode: applied to the items fetched one by one", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/email/domain/example.com/redirection/r1", {
          id: "r1",
          from: "a@example.com",
          to: "z@example.org"
        })
        yield* fake.seed("/email/domain/example.com/redirection/r2", {
          id: "r2",
          from: "b@example.com",
          to: "y@example.net"
        })
        yield* fake.seed("/email/domain/example.com/redirection/r3", {
          id: "r3",
          from: "c@example.com",
          to: "x@example.org"
        })
        const items = yield* Stream.runCollect(FanOut.getAll("/email/domain/{domain}/redirection", {
          params: { domain: "example.com" },
          filter: [{ field: "to", op: "like", value: "%.org" }],
          sort: { field: "to" }
        }))
        assert.deepStrictEqual(items.map((r) => r.id), ["r3", "r1"])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("expand: list mode only; a route answering ids is InvalidResponse after one request", () =>
      Effect.gen(function*() {
        const ids = yield* seedWhole(30)
        const bills = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "expand" }))
        assert.deepStrictEqual(billIds(bills), ids)
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/email/domain/example.com/redirection", ["r1"])
        yield* fake.clearCalls
        const error = yield* Effect.flip(Stream.runCollect(
          FanOut.getAll("/email/domain/{domain}/redirection", { params: { domain: "example.com" }, strategy: "expand" })
        ))
        assert.strictEqual(error._tag, "InvalidResponse")
        assert.include(error.message, "no list mode")
        assert.strictEqual((yield* fake.calls).length, 1)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("batch: the ids, then X-Ovh-Batch GETs of 50 ids (or batchSize), the bills in list order", () =>
      Effect.gen(function*() {
        const ids = yield* seedWhole(120)
        const bills = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "batch" }))
        assert.deepStrictEqual(billIds(bills), ids)
        const calls = yield* listCalls
        assert.strictEqual(calls.length, 4)
        assert.isUndefined(calls[0]!.headers["x-pagination-mode"])
        assert.deepStrictEqual(calls.slice(1).map((call) => call.headers["x-ovh-batch"]), [",", ",", ","])
        assert.strictEqual(calls[1]!.path, `/me/bill/${ids.slice(0, 50).join(",")}`)
        assert.strictEqual(calls[3]!.path, `/me/bill/${ids.slice(100).join(",")}`)
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.clearCalls
        yield* Stream.runDrain(FanOut.getAll("/me/bill", { strategy: "batch", batchSize: 7 }))
        assert.strictEqual((yield* listCalls).length, 1 + Math.ceil(120 / 7))
      }).pipe(Effect.provide(TestLayer)))

    /** The list names a bill that no longer exists (removed between the list and the details). */
    const listWithGone = Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const ids = yield* seedWhole(60)
      yield* fake.route(
        { method: "GET", path: "/me/bill" },
        (request) =>
          Effect.map(
            request.next,
            (reply) => ({
              ...reply,
              body: [
                ...(reply.body as Array<string>).slice(0, 30),
                "FR999999",
                ...(reply.body as Array<string>).slice(30)
              ]
            })
          )
      )
      return ids
    })

    it.effect("batch, fail mode: an element carrying an error fails the stream with a typed error for that id", () =>
      Effect.gen(function*() {
        yield* listWithGone
        const error = yield* Effect.flip(Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "batch" })))
        assert.strictEqual(error._tag, "ApiError")
        if (error._tag === "ApiError") {
          assert.strictEqual(error.path, "/me/bill/FR999999")
          assert.strictEqual(error.message, "The requested object (billId = FR999999) does not exist")
        }
      }).pipe(Effect.provide(TestLayer)))

    it.effect("batch, skip mode: the id is reported and left out, the other bills come through", () =>
      Effect.gen(function*() {
        const ids = yield* listWithGone
        const skipped: Array<FanOut.Skipped<string, OvhError.OvhError>> = []
        const bills = yield* Stream.runCollect(FanOut.getAll("/me/bill", {
          strategy: "batch",
          errors: "skip",
          onSkip: (s) => Effect.sync(() => skipped.push(s))
        }))
        assert.deepStrictEqual(skipped.map((s) => [s.id, s.error._tag]), [["FR999999", "ApiError"]])
        assert.deepStrictEqual(billIds(bills), ids)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("batch, collect mode: one outcome per id, the failure in its place", () =>
      Effect.gen(function*() {
        const ids = yield* listWithGone
        const outcomes = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "batch", errors: "collect" }))
        assert.deepStrictEqual(outcomes.map((o) => o.id), [...ids.slice(0, 30), "FR999999", ...ids.slice(30)])
        assert.deepStrictEqual(outcomes.filter((o) => Result.isFailure(o.result)).map((o) => o.id), ["FR999999"])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("collect mode in list mode: every bill a success named by its billId", () =>
      Effect.gen(function*() {
        const ids = yield* seedWhole(12)
        const outcomes = yield* Stream.runCollect(FanOut.getAll("/me/bill", { errors: "collect" }))
        assert.deepStrictEqual(outcomes.map((o) => o.id), ids)
        assert.isTrue(outcomes.every((o) => Result.isSuccess(o.result)))
      }).pipe(Effect.provide(TestLayer)))

    it.effect("an answer that is neither ids nor objects is InvalidResponse", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* seedWhole(3)
        yield* fake.route({ method: "GET", path: "/me/bill" }, () => Effect.succeed({ body: { bills: [] } }))
        for (const strategy of ["auto", "expand", "batch", "each"] as const) {
          const error = yield* Effect.flip(Stream.runCollect(FanOut.getAll("/me/bill", { strategy })))
          assert.strictEqual(error._tag, "InvalidResponse", strategy)
        }
        yield* fake.route(
          { method: "GET", path: "/me/bill" },
          () => Effect.succeed({ body: ["FR1", { billId: "FR2" }] })
        )
        const mixed = yield* Effect.flip(Stream.runCollect(FanOut.getAll("/me/bill")))
        assert.strictEqual(mixed._tag, "InvalidResponse")
        assert.include(mixed.message, "mix")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("a batch answer that is not one element per id fails each id of the batch with InvalidResponse", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* seedWhole(4)
        yield* fake.route(
          { method: "GET", path: "/me/bill/{billId}" },
          () => Effect.succeed({ body: { not: "a batch" } })
        )
        const outcomes = yield* Stream.runCollect(FanOut.getAll("/me/bill", { strategy: "batch", errors: "collect" }))
        assert.strictEqual(outcomes.length, 4)
        for (const outcome of outcomes) {
          assert.isTrue(Result.isFailure(outcome.result) && outcome.result.failure._tag === "InvalidResponse")
        }
      }).pipe(Effect.provide(TestLayer)))

    it.effect("bad options fail with BadParameters, nothing sent", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.clearCalls
        const untyped = FanOut.getAll as unknown as (
          path: string,
          options?: object
        ) => Stream.Stream<unknown, OvhError.OvhError>
        const messages: Array<string> = []
        for (
          const options of [
            { strategy: "all" },
            { pageSize: 0 },
            { strategy: "batch", batchSize: 1.5 },
            { filter: [{ field: "date", op: "between", value: "2026" }] },
            { sort: { field: "date", order: "down" } }
          ]
        ) {
          const error = yield* Effect.flip(Stream.runCollect(untyped("/me/bill", options)))
          assert.strictEqual(error._tag, "BadParameters")
          messages.push(error.message)
        }
        const v2 = yield* Effect.flip(Stream.runCollect(untyped("/v2/vrackServices/resource", { strategy: "expand" })))
        assert.include(v2.message, "v1")
        assert.deepStrictEqual(
          messages.map((m) => /strategy|pageSize|batchSize|operator|ASC or DESC/.test(m)),
          Array(5).fill(true)
        )
        assert.strictEqual((yield* fake.calls).length, 0)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("with 25 ms per answer, list mode takes one round trip per page where one GET per bill takes one per bill", () =>
      Effect.gen(function*() {
        yield* seedWhole(200)
        const fake = yield* FakeOvhApi.FakeOvhApi
        // the server time is learned before the clock is driven
        yield* Stream.runDrain(FanOut.getAll("/me/bill", { pageSize: 1 }).pipe(Stream.take(1)))
        yield* fake.setLatency("25 millis")
        const timed = <A, E>(stream: Stream.Stream<A, E, never>) =>
          Effect.gen(function*() {
            const fiber = yield* Effect.forkChild(Stream.runCount(stream))
            let steps = 0
            while (fiber.pollUnsafe() === undefined) {
              yield* TestClock.adjust("25 millis")
              steps++
            }
            return [yield* Fiber.join(fiber), steps] as const
          })
        const [listed, listSteps] = yield* timed(
          FanOut.getAll("/me/bill", { pageSize: 100 }).pipe(Stream.provide(TestLayer))
        )
        const [fetched, eachSteps] = yield* timed(
          FanOut.getAll("/me/bill", { strategy: "each", concurrency: 1 }).pipe(Stream.provide(TestLayer))
        )
        assert.strictEqual(listed, 200)
        assert.strictEqual(fetched, 200)
        // each step answers the requests in flight: 2 pages, against the list and 200 bills
        assert.strictEqual(listSteps, 2)
        assert.strictEqual(eachSteps, 201)
      }).pipe(Effect.provide(TestLayer)))
  })

  it.live("a server that answers every page number with the same page ends in InvalidResponse, not a loop", () =>
    Effect.gen(function*() {
      // a raw server in list mode that ignores X-Pagination-Number and sends no X-Pagination-Elements
      const pageNumbers: Array<string | undefined> = []
      const server = Http.createServer((req, res) => {
        if (req.url === "/1.0/auth/time") return res.end("1700000000")
        pageNumbers.push(req.headers["x-pagination-number"] as string | undefined)
        res.setHeader("content-type", "application/json")
        res.end(JSON.stringify([{ billId: "FR1" }, { billId: "FR2" }]))
      })
      yield* Effect.acquireRelease(
        Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))),
        () => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
      )
      const port = (server.address() as { port: number }).port
      const error = yield* Effect.flip(
        Stream.runCollect(FanOut.getAll("/me/bill", { pageSize: 2 })).pipe(
          Effect.provide(NodeOvh.layer({
            endpoint: `http://127.0.0.1:${port}/1.0`,
            applicationKey: "ak",
            applicationSecret: "as",
            consumerKey: "ck",
            configPaths: [],
            env: {}
          }))
        )
      )
      assert.strictEqual(error._tag, "InvalidResponse")
      assert.include(error.message, "repeats the page before it")
      assert.deepStrictEqual(pageNumbers, [undefined, "2"])
    }))
})
