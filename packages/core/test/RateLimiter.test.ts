import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as RateLimiter from "@effect-ovh/core/RateLimiter"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Clock, Effect, Fiber, Layer } from "effect"
import { TestClock } from "effect/testing"
import { clientLayer } from "./utils/clientLayer.ts"

// the client finds the limiter in the context it is built in
const layerWith = (limits: RateLimiter.Options) =>
  clientLayer().pipe(Layer.provide(RateLimiter.RateLimiter.layer(limits)))

describe("RateLimiter", () => {
  it.effect("queues calls beyond maxInFlight instead of failing them", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const client = yield* OvhClient.OvhClient
      yield* (yield* TimeDelta.TimeDelta).sample
      yield* fake.clearCalls
      yield* fake.setLatency("100 millis")
      const fiber = yield* Effect.forkChild(
        Effect.all(Array.from({ length: 20 }, () => client.get("/me")), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("1 second")
      const results = yield* Fiber.join(fiber)
      assert.strictEqual(results.length, 20)
      assert.strictEqual(yield* fake.maxInFlight, 4)
    }).pipe(Effect.provide(layerWith({ maxInFlight: 4 }))))

  it.effect("paces calls to perSecond after a burst of that many", () =>
    Effect.gen(function*() {
      const limiter = RateLimiter.make({ perSecond: 5 })
      const starts: Array<number> = []
      const fiber = yield* Effect.forkChild(Effect.all(
        Array.from({ length: 12 }, () =>
          limiter.limit(Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => starts.push(t))))),
        { concurrency: "unbounded" }
      ))
      yield* TestClock.adjust("10 seconds")
      yield* Fiber.join(fiber)
      // 5 at once, then one every 200 ms
      assert.deepStrictEqual(
        starts.sort((a, b) =>
          a - b
        ),
        [0, 0, 0, 0, 0, 200, 400, 600, 800, 1000, 1200, 1400]
      )
    }))

  it.effect("a caller that gives up while queued hands its slot back", () =>
    Effect.gen(function*() {
      const limiter = RateLimiter.make({ perSecond: 1 })
      yield* limiter.limit(Effect.void)
      const queued = yield* Effect.forkChild(limiter.limit(Effect.void))
      yield* Effect.yieldNow
      yield* Fiber.interrupt(queued)
      const starts: Array<number> = []
      const next = yield* Effect.forkChild(
        limiter.limit(Effect.flatMap(Clock.currentTimeMillis, (t) => Effect.sync(() => starts.push(t))))
      )
      yield* TestClock.adjust("5 seconds")
      yield* Fiber.join(next)
      assert.deepStrictEqual(starts, [1000])
    }))

  it.effect("retries go through the limiter too", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const client = yield* OvhClient.OvhClient
      yield* (yield* TimeDelta.TimeDelta).sample
      yield* fake.clearCalls
      yield* fake.failNext(503, 3)
      const fiber = yield* Effect.forkChild(
        Effect.all(Array.from({ length: 6 }, () => client.get("/me")), { concurrency: "unbounded" })
      )
      yield* TestClock.adjust("1 minute")
      yield* Fiber.join(fiber)
      const times = (yield* fake.calls).map((c) => c.time)
      assert.strictEqual(times.length, 9)
      // a burst of 2, then one every 500 ms: the 9 requests (retries included) span at least 3.5 s
      assert.isAtLeast(Math.max(...times) - Math.min(...times), 3)
    }).pipe(Effect.provide(layerWith({ perSecond: 2 }))))
})
