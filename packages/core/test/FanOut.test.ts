import * as FanOut from "@effect-ovh/core/FanOut"
import type * as OvhError from "@effect-ovh/core/OvhError"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Result, Stream } from "effect"
import { TestClock } from "effect/testing"

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
      const untyped = FanOut.getAll as (path: string, options?: object) => Stream.Stream<unknown, OvhError.OvhError>
      const error = yield* Effect.flip(Stream.runCollect(untyped("/email/domain/{domain}/redirection")))
      assert.strictEqual(error._tag, "BadParameters")
      assert.include(error.message, "domain")
      assert.strictEqual((yield* fake.calls).length, 0)
    }).pipe(Effect.provide(TestLayer)))
})
