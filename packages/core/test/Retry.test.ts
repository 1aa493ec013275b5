import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhError from "@effect-ovh/core/OvhError"
import * as RetryPolicy from "@effect-ovh/core/RetryPolicy"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Duration, Effect, Fiber, Random, Schedule } from "effect"
import { TestClock } from "effect/testing"
import { clientLayer } from "./utils/clientLayer.ts"

/** A client with `options` over a fresh in-memory fake. */
const layerWith = (options: OvhClient.Options = {}) => clientLayer({ client: options })

/** Jitter factor exactly 1: the waits are the policy's nominal ones. */
const middleRandom = Effect.provideService(Random.Random, { nextDoubleUnsafe: () => 0.5, nextIntUnsafe: () => 0 })

/** Learns the server time, so that scripted faults meet the call under test. */
const ready = Effect.gen(function*() {
  yield* (yield* TimeDelta.TimeDelta).sample
  const fake = yield* FakeOvhApi.FakeOvhApi
  yield* fake.clearCalls
  return { fake, client: yield* OvhClient.OvhClient }
})

/** Requests the fake received for `path`, as `[method, status]`. */
const received = (fake: FakeOvhApi.FakeOvhApi["Service"], path: string) =>
  Effect.map(fake.calls, (calls) => calls.filter((c) => c.path === path).map((c) => [c.method, c.status]))

/** Lets forked fibers run until they all wait on the clock. */
const settle = Effect.gen(function*() {
  for (let i = 0; i < 20; i++) yield* Effect.yieldNow
})

describe("RetryPolicy", () => {
  it.effect("the default schedule waits 200 ms, 400 ms, 800 ms (±20 %) and then gives up", () =>
    Effect.gen(function*() {
      const step = yield* Schedule.toStep(RetryPolicy.defaultSchedule)
      const error = new OvhError.ApiError({ status: 503, message: "down", method: "GET", path: "/me" })
      const waits: Array<number> = []
      for (let i = 0; i < 3; i++) {
        const [, delay] = yield* step(0, error)
        waits.push(Duration.toMillis(delay))
      }
      ;[200, 400, 800].forEach((nominal, i) => {
        assert.isAtLeast(waits[i]!, nominal * 0.8)
        assert.isAtMost(waits[i]!, nominal * 1.2)
      })
      const fourth = yield* Effect.exit(step(0, error))
      assert.isTrue(fourth._tag === "Failure", "a fourth retry is refused")
    }))

  it.effect("a 429 backs off longer and never less than Retry-After", () =>
    Effect.gen(function*() {
      const step = yield* Schedule.toStep(RetryPolicy.defaultSchedule)
      const throttled = new OvhError.TooManyRequests({ status: 429, message: "slow down", method: "GET", path: "/me" })
      const [, first] = yield* step(0, throttled)
      assert.strictEqual(Duration.toMillis(first), 1_000)
      const asked = new OvhError.TooManyRequests({
        status: 429,
        message: "slow down",
        method: "GET",
        path: "/me",
        retryAfter: 7
      })
      const [, second] = yield* step(0, asked)
      assert.strictEqual(Duration.toMillis(second), 7_000)
    }).pipe(middleRandom))

  it.effect("stops when the next wait would end after the total time cap", () =>
    Effect.gen(function*() {
      const step = yield* Schedule.toStep(RetryPolicy.makeSchedule({ maxElapsed: "10 seconds" }))
      const asked = new OvhError.TooManyRequests({
        status: 429,
        message: "slow",
        method: "GET",
        path: "/me",
        retryAfter: 60
      })
      const exit = yield* Effect.exit(step(0, asked))
      assert.strictEqual(exit._tag, "Failure")
    }))
})

describe("Retry", () => {
  it.effect("a GET that meets 503, 503, 200 succeeds at the third attempt after waits of 200 ms and 400 ms", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503, 2)
      const fiber = yield* Effect.forkChild(client.get<{ firstname: string }>("/me"))
      yield* settle
      assert.deepStrictEqual(yield* received(fake, "/me"), [["GET", 503]])
      yield* TestClock.adjust("199 millis")
      assert.strictEqual((yield* received(fake, "/me")).length, 1)
      yield* TestClock.adjust("1 millis")
      yield* settle
      assert.deepStrictEqual(yield* received(fake, "/me"), [["GET", 503], ["GET", 503]])
      yield* TestClock.adjust("399 millis")
      assert.strictEqual((yield* received(fake, "/me")).length, 2)
      yield* TestClock.adjust("1 millis")
      const me = yield* Fiber.join(fiber)
      assert.strictEqual(me.firstname, "Ada")
      assert.deepStrictEqual(yield* received(fake, "/me"), [["GET", 503], ["GET", 503], ["GET", 200]])
    }).pipe(middleRandom, Effect.provide(layerWith())))

  it.effect("gives up after 4 attempts with the last failure", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(502, 10)
      const fiber = yield* Effect.forkChild(Effect.flip(client.get("/me")))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "ApiError")
      assert.strictEqual((yield* received(fake, "/me")).length, 4)
    }).pipe(Effect.provide(layerWith())))

  it.effect("a POST that meets 503 fails at once, with one request sent", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503)
      const error = yield* Effect.flip(client.post("/me/sshKey", { keyName: "laptop", key: "ssh-ed25519 AAAA" }))
      assert.strictEqual(error._tag, "ApiError")
      assert.deepStrictEqual(yield* received(fake, "/me/sshKey"), [["POST", 503]])
    }).pipe(Effect.provide(layerWith())))

  it.effect("the same POST with retry opted in for the call succeeds at the second attempt", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503)
      const fiber = yield* Effect.forkChild(
        client.post("/me/sshKey", { keyName: "laptop", key: "ssh-ed25519 AAAA" }, { retry: { idempotent: true } })
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* received(fake, "/me/sshKey"), [["POST", 503], ["POST", 200]])
    }).pipe(Effect.provide(layerWith())))

  it.effect("a client can opt in POST retries for all its calls", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(FakeOvhApi.Fault.drop)
      const fiber = yield* Effect.forkChild(client.post("/me/sshKey", { keyName: "laptop", key: "ssh-ed25519 AAAA" }))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* received(fake, "/me/sshKey"), [["POST", 0], ["POST", 200]])
    }).pipe(Effect.provide(layerWith({ retry: { methods: [...RetryPolicy.idempotentMethods, "POST"] } }))))

  it.effect("a 429 with Retry-After: 7 waits 7 s before the next attempt", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(FakeOvhApi.Fault.tooManyRequests(7))
      const fiber = yield* Effect.forkChild(client.get("/me"))
      yield* settle
      yield* TestClock.adjust("6999 millis")
      assert.deepStrictEqual(yield* received(fake, "/me"), [["GET", 429]])
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* received(fake, "/me"), [["GET", 429], ["GET", 200]])
    }).pipe(Effect.provide(layerWith())))

  it.effect("a Retry-After given as an HTTP date is honoured too", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      const at = new Date((yield* Clock.currentTimeMillis) + 12_000).toUTCString()
      yield* fake.failNext({ _tag: "Status", status: 429, headers: { "retry-after": at } })
      const fiber = yield* Effect.forkChild(client.get("/me"))
      yield* settle
      yield* TestClock.adjust("11 seconds")
      assert.strictEqual((yield* received(fake, "/me")).length, 1)
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* received(fake, "/me"), [["GET", 429], ["GET", 200]])
    }).pipe(Effect.provide(layerWith())))

  it.effect("a custom schedule honours Retry-After too", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(FakeOvhApi.Fault.tooManyRequests(3))
      const fiber = yield* Effect.forkChild(client.get("/me", undefined, { retry: Schedule.recurs(1) }))
      yield* settle
      yield* TestClock.adjust("2999 millis")
      assert.strictEqual((yield* received(fake, "/me")).length, 1)
      yield* TestClock.adjust("1 millis")
      yield* Fiber.join(fiber)
      assert.strictEqual((yield* received(fake, "/me")).length, 2)
    }).pipe(Effect.provide(layerWith())))

  it.effect("errors that are not transient are not retried", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(404)
      const error = yield* Effect.flip(client.get("/me"))
      assert.strictEqual(error._tag, "ResourceNotFound")
      assert.strictEqual((yield* received(fake, "/me")).length, 1)
    }).pipe(Effect.provide(layerWith())))

  it.effect("retry: false on a call sends it once", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503)
      const error = yield* Effect.flip(client.get("/me", undefined, { retry: false }))
      assert.strictEqual(error._tag, "ApiError")
      assert.strictEqual((yield* received(fake, "/me")).length, 1)
    }).pipe(Effect.provide(layerWith())))

  it.effect("a schedule given per call replaces the client's", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503, 5)
      const fiber = yield* Effect.forkChild(
        client.get("/me", undefined, { retry: Schedule.spaced("10 seconds").pipe(Schedule.upTo({ times: 5 })) })
      )
      yield* settle
      yield* TestClock.adjust("9999 millis")
      assert.strictEqual((yield* received(fake, "/me")).length, 1)
      yield* TestClock.adjust("41 seconds")
      yield* Fiber.join(fiber)
      assert.strictEqual((yield* received(fake, "/me")).length, 6)
    }).pipe(Effect.provide(layerWith())))

  it.effect("a policy provided around calls wins over the client's", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503, 2)
      const error = yield* Effect.flip(
        client.get("/me").pipe(Effect.provideService(RetryPolicy.RetryPolicy, RetryPolicy.none))
      )
      assert.strictEqual(error._tag, "ApiError")
      const fiber = yield* Effect.forkChild(
        client.get("/me").pipe(
          Effect.provideService(RetryPolicy.RetryPolicy, { ...RetryPolicy.defaultPolicy, schedule: Schedule.recurs(1) })
        )
      )
      yield* Fiber.join(fiber)
      assert.deepStrictEqual(yield* received(fake, "/me"), [["GET", 503], ["GET", 503], ["GET", 200]])
    }).pipe(Effect.provide(layerWith({ retry: Schedule.spaced("1 hour") }))))

  it.effect("the client's layer option sets its policy", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503)
      const error = yield* Effect.flip(client.get("/me"))
      assert.strictEqual(error._tag, "ApiError")
      assert.strictEqual((yield* received(fake, "/me")).length, 1)
    }).pipe(Effect.provide(layerWith({ retry: false }))))
})

describe("RetryBudget", () => {
  it.effect("an empty budget fails the call at once with RetryBudgetExhausted carrying the last failure", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503, 100)
      // 10 tokens: two retries of 5
      const fiber = yield* Effect.forkChild(Effect.flip(client.get("/me")))
      yield* TestClock.adjust("1 minute")
      const error = yield* Fiber.join(fiber)
      assert.strictEqual(error._tag, "RetryBudgetExhausted")
      if (error._tag !== "RetryBudgetExhausted") return
      assert.strictEqual(error.attempts, 3)
      assert.strictEqual(error.lastFailure._tag, "ApiError")
      assert.include(error.message, "retry budget")
      assert.include(error.message, "503")
      assert.strictEqual((yield* received(fake, "/me")).length, 3)
      // the next failing call is not retried at all, and fails without waiting
      const next = yield* Effect.flip(client.get("/me"))
      assert.strictEqual(next._tag, "RetryBudgetExhausted")
      assert.strictEqual((yield* received(fake, "/me")).length, 4)
    }).pipe(Effect.provide(layerWith({ retryBudget: { capacity: 10 } }))))

  it.effect("successes refill the budget", () =>
    Effect.gen(function*() {
      const budget = RetryPolicy.makeBudget({ capacity: 10, retryCost: 5, successRefund: 1 })
      const error = new OvhError.ApiError({ status: 503, message: "down", method: "GET", path: "/me" })
      assert.strictEqual(yield* budget.take(error), 5)
      assert.strictEqual(yield* budget.take(error), 5)
      assert.isUndefined(yield* budget.take(error))
      yield* budget.succeeded(0)
      yield* budget.succeeded(0)
      assert.strictEqual(yield* budget.available, 2)
      // a call that recovered after retries gives back what they took
      yield* budget.succeeded(5)
      assert.strictEqual(yield* budget.available, 7)
      yield* budget.succeeded(100)
      assert.strictEqual(yield* budget.available, 10)
    }))

  it.effect("a retry after a 429 costs more than after other failures", () =>
    Effect.gen(function*() {
      const budget = RetryPolicy.makeBudget()
      const throttled = new OvhError.TooManyRequests({ status: 429, message: "slow", method: "GET", path: "/me" })
      assert.strictEqual(yield* budget.take(throttled), RetryPolicy.defaultBudget.throttledCost)
      assert.isAbove(RetryPolicy.defaultBudget.throttledCost, RetryPolicy.defaultBudget.retryCost)
    }))

  it.effect("a failing API cannot turn into a retry storm: 200 concurrent failing GETs send at most 300 requests", () =>
    Effect.gen(function*() {
      const { client, fake } = yield* ready
      yield* fake.failNext(503, 100_000)
      const fiber = yield* Effect.forkChild(
        Effect.all(Array.from({ length: 200 }, () => Effect.flip(client.get("/me"))), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("1 minute")
      const errors = yield* Fiber.join(fiber)
      const sent = (yield* received(fake, "/me")).length
      // 500 tokens / 5 per retry: 100 retries in all, where 800 requests would be sent without a budget
      assert.strictEqual(sent, 300)
      assert.isTrue(errors.some((e) => e._tag === "RetryBudgetExhausted"))
    }).pipe(Effect.provide(layerWith())))
})
