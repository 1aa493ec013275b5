/**
 * An optional client-side limiter: at most so many requests in flight and so many started per
 * second. Requests over the limit wait their turn instead of failing. Provide `RateLimiter.layer`
 * to the client's layer and every request it sends (retries included) goes through it.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Semaphore from "effect/Semaphore"

/** Limits; leave one out for no limit of that kind. */
export interface Options {
  /** Most requests in flight at once. */
  readonly maxInFlight?: number | undefined
  /** Most requests started per second: a burst of that many, then one every `1 / perSecond` s. */
  readonly perSecond?: number | undefined
}

/** The limiter in scope. */
export class RateLimiter extends Context.Service<RateLimiter, {
  readonly options: Options
  /** Runs `effect` once the limits allow it; waits (in arrival order) until then. */
  readonly limit: <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.Effect<A, E, R>
}>()("@effect-ovh/core/RateLimiter") {
  /** A limiter with `options`; the client built over it sends every request through it. */
  static readonly layer = (options: Options): Layer.Layer<RateLimiter> => Layer.sync(RateLimiter, () => make(options))
}

/** A new limiter. */
export const make = (options: Options): RateLimiter["Service"] => {
  const semaphore = options.maxInFlight === undefined
    ? undefined
    : Semaphore.makeUnsafe(Math.max(1, options.maxInFlight))
  const rate = options.perSecond === undefined ? undefined : Math.max(Number.MIN_VALUE, options.perSecond)
  // A token bucket that may go negative: each caller reserves a token on arrival and waits until it
  // would have been there, which keeps the queue in arrival order without a separate queue.
  let tokens = rate ?? 0
  let last: number | undefined
  const reserve = (now: number): number => {
    if (rate === undefined) return 0
    if (last !== undefined) tokens = Math.min(rate, tokens + ((now - last) * rate) / 1000)
    last = now
    tokens -= 1
    return tokens >= 0 ? 0 : (-tokens * 1000) / rate
  }
  const paced = <A, E, R>(effect: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
    rate === undefined
      ? effect
      : Effect.flatMap(Clock.currentTimeMillis, (now) => {
        const wait = reserve(now)
        return wait === 0
          ? effect
          : Effect.andThen(
            // a caller that gives up while queued hands its slot back
            Effect.onInterrupt(Effect.sleep(wait), () => Effect.sync(() => tokens += 1)),
            effect
          )
      })
  return {
    options,
    limit: (effect) => paced(semaphore === undefined ? effect : semaphore.withPermit(effect))
  }
}
