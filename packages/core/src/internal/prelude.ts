/**
 * A prelude: a value many calls wait for before their request can be authenticated (the server
 * time, an OAuth2 token). It is fetched in a single flight, however many calls wait, with Effect's
 * own cache (`Effect.cachedInvalidateWithTTL`): a caller that gives up leaves the others waiting, and
 * the fetch stops once every caller has left. Transient failures are retried inside the flight, once
 * for everyone, with the default schedule; a failure that remains is settled, so no waiting call
 * retries it again on its own budget.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as OvhError from "../OvhError.ts"
import * as RetryPolicy from "../RetryPolicy.ts"
import { settle } from "./settled.ts"

/** A shared value: `get` waits for it (fetching it if needed), `invalidate` makes the next `get` fetch again. */
export interface Prelude<A, E> {
  readonly get: Effect.Effect<A, E>
  readonly invalidate: Effect.Effect<void>
}

/** Options of {@link make}. */
export interface Options<A> {
  /** How long a value stays good (default: until invalidated). Failures are never kept. */
  readonly timeToLive?: ((value: A) => Duration.Input) | undefined
}

/** A prelude over `fetch`. */
export const make = <A, E extends OvhError.OvhError>(
  fetch: Effect.Effect<A, E>,
  options?: Options<A>
): Prelude<A, E> => {
  const ttl = options?.timeToLive
  const retried = Effect.retry(fetch, {
    schedule: RetryPolicy.defaultSchedule,
    while: (error) => OvhError.isTransient(error)
  })
  const [get, invalidate] = Effect.runSync(Effect.cachedInvalidateWithTTL(
    Effect.mapError(retried, settle),
    (exit: Exit.Exit<A, E>) =>
      Exit.isSuccess(exit) ? (ttl === undefined ? Duration.infinity : ttl(exit.value)) : Duration.zero
  ))
  return { get, invalidate }
}
