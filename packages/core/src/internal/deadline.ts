/**
 * The timeout stage: each attempt runs in a child fiber with a deadline, and one sleeper fiber per
 * client, on the effect `Clock` (so `TestClock` drives it), interrupts the attempts whose deadline
 * has passed. This is `Effect.timeoutOrElse` without its per-call cost: `timeoutOrElse` races two
 * fibers and arms a timer for every attempt, while here an attempt costs one fiber and a place in a
 * list, and the sleeper re-arms its timer only when the earliest deadline changes (with the usual
 * equal timeouts, once per deadline that actually comes). Measured in `bench/overhead.ts`.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Fiber from "effect/Fiber"
import type * as Scope from "effect/Scope"

interface Entry {
  readonly at: number
  readonly fiber: Fiber.Fiber<unknown, unknown>
  expired: boolean
}

/** Deadlines of one client. */
export interface Deadlines {
  /**
   * `effect` in a child fiber, interrupted once `duration` has passed, and then failing with
   * `onTimeout()`. An infinite duration runs `effect` as it is.
   */
  readonly bound: <A, E, E2>(
    effect: Effect.Effect<A, E>,
    duration: Duration.Duration,
    onTimeout: () => E2
  ) => Effect.Effect<A, E | E2>
}

/** The deadlines of a client whose sleeper lives in `scope` (the client's layer). */
export const make = (scope: Scope.Scope): Deadlines => {
  // in-flight deadlines, earliest first
  const entries: Array<Entry> = []
  let sleeper: Fiber.Fiber<void> | undefined
  // when the sleeper wakes next
  let wakeAt = Infinity

  const insert = (entry: Entry) => {
    let i = entries.length
    while (i > 0 && entries[i - 1]!.at > entry.at) i--
    entries.splice(i, 0, entry)
  }
  const remove = (entry: Entry) => {
    const i = entries.indexOf(entry)
    if (i >= 0) entries.splice(i, 1)
  }

  const sleep: Effect.Effect<void> = Effect.clockWith((clock) => {
    const now = clock.currentTimeMillisUnsafe()
    while (entries.length > 0 && entries[0]!.at <= now) {
      const entry = entries.shift()!
      entry.expired = true
      entry.fiber.interruptUnsafe()
    }
    if (entries.length === 0) {
      sleeper = undefined
      wakeAt = Infinity
      return Effect.void
    }
    wakeAt = entries[0]!.at
    return Effect.andThen(Effect.sleep(wakeAt - now), sleep)
  })

  // the sleeper, started (or started again, for an earlier deadline) by the attempt that needs it
  const watch = (at: number): Effect.Effect<void> => {
    if (at >= wakeAt) return Effect.void
    const previous = sleeper
    wakeAt = at
    previous?.interruptUnsafe()
    return Effect.map(Effect.forkIn(sleep, scope, { startImmediately: true }), (fiber) => {
      // the new sleeper may already be done (nothing left to wait for)
      if (fiber.pollUnsafe() === undefined) sleeper = fiber
    })
  }

  const bound = <A, E, E2>(
    effect: Effect.Effect<A, E>,
    duration: Duration.Duration,
    onTimeout: () => E2
  ): Effect.Effect<A, E | E2> =>
    !Duration.isFinite(duration) ? effect : Effect.flatMap(
      Clock.currentTimeMillis,
      (now) =>
        Effect.flatMap(Effect.forkChild(effect, { startImmediately: true }), (fiber): Effect.Effect<A, E | E2> => {
          const done = fiber.pollUnsafe()
          if (done !== undefined) return done
          const entry: Entry = { at: now + Duration.toMillis(duration), fiber, expired: false }
          insert(entry)
          return Effect.andThen(
            watch(entry.at),
            Effect.flatMap(
              Effect.onExit(Fiber.await(fiber), () => Effect.sync(() => remove(entry))),
              (exit): Effect.Effect<A, E | E2> =>
                entry.expired && Exit.hasInterrupts(exit) ? Effect.fail(onTimeout()) : exit
            )
          )
        })
    )

  return { bound }
}
