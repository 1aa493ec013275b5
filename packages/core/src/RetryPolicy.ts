/**
 * How calls are retried: a `Schedule` stepped with each failure, the methods it may repeat, the
 * failures worth another attempt, and a client-wide budget that keeps a failing API from turning
 * into a retry storm. Every part is a plain value: replace it per client (layer option), per call
 * (`retry` in `CallOptions`) or around a program (`Effect.provideService(RetryPolicy, ...)`).
 *
 * @since 0.1.0
 */
import * as Cause from "effect/Cause"
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Pull from "effect/Pull"
import * as Random from "effect/Random"
import * as Result from "effect/Result"
import * as Schedule from "effect/Schedule"
import { isSettled } from "./internal/settled.ts"
import * as OvhError from "./OvhError.ts"

/** A retry policy. */
export interface Policy {
  /** When to try again and how long to wait first; it is stepped with each failure it retries. */
  readonly schedule: Schedule.Schedule<unknown, OvhError.OvhError>
  /**
   * The HTTP methods retried. POST is left out by default: a POST sent twice may act twice (two
   * orders, two users), so it is repeated only when the caller opts in.
   */
  readonly methods: ReadonlyArray<string>
  /** Which failures are worth another attempt. */
  readonly retryable: (error: OvhError.OvhError) => boolean
}

/** Settings of {@link makeSchedule}. */
export interface ScheduleOptions {
  /** First wait. Default 200 ms. */
  readonly base?: Duration.Input | undefined
  /** Growth of each next wait. Default 2. */
  readonly factor?: number | undefined
  /** Longest wait before jitter. Default 5 s. */
  readonly maxDelay?: Duration.Input | undefined
  /** First wait after a 429, which backs off longer than other failures. Default 1 s. */
  readonly throttledBase?: Duration.Input | undefined
  /** Longest wait after a 429 before jitter (a longer `Retry-After` still wins). Default 20 s. */
  readonly throttledMaxDelay?: Duration.Input | undefined
  /** Each wait is multiplied by a random factor in `[1 - jitter, 1 + jitter]`. Default 0.2. */
  readonly jitter?: number | undefined
  /** Most retries (attempts minus one). Default 3. */
  readonly retries?: number | undefined
  /** No wait may end later than this after the first failure. Default 30 s. */
  readonly maxElapsed?: Duration.Input | undefined
}

const millisOf = (input: Duration.Input | undefined, fallback: number): number =>
  input === undefined ? fallback : Duration.toMillis(Duration.fromInputUnsafe(input))

/** The wait a 429 asked for (`Retry-After`, seconds or an HTTP date, already read as seconds). */
export const retryAfter = (error: OvhError.OvhError): Duration.Duration | undefined =>
  error._tag === "TooManyRequests" && error.retryAfter !== undefined
    ? Duration.millis(Math.max(0, error.retryAfter) * 1000)
    : undefined

/**
 * Exponential backoff with jitter, capped per wait, in retries and in total time; a 429 starts from a
 * longer wait and never waits less than its `Retry-After`. Its output is the wait.
 */
export const makeSchedule = (options?: ScheduleOptions): Schedule.Schedule<Duration.Duration, OvhError.OvhError> => {
  const base = millisOf(options?.base, 200)
  const factor = options?.factor ?? 2
  const maxDelay = millisOf(options?.maxDelay, 5_000)
  const throttledBase = millisOf(options?.throttledBase, 1_000)
  const throttledMaxDelay = millisOf(options?.throttledMaxDelay, 20_000)
  const jitter = options?.jitter ?? 0.2
  const retries = options?.retries ?? 3
  const maxElapsed = millisOf(options?.maxElapsed, 30_000)
  return Schedule.fromStepWithMetadata(Effect.succeed((meta: Schedule.InputMetadata<OvhError.OvhError>) => {
    if (meta.attempt > retries) return Cause.done(Duration.zero)
    const throttled = meta.input._tag === "TooManyRequests"
    const grown = (throttled ? throttledBase : base) * factor ** (meta.attempt - 1)
    const capped = Math.min(grown, throttled ? throttledMaxDelay : maxDelay)
    return Effect.flatMap(Random.next, (random) => {
      const jittered = capped * (1 - jitter + 2 * jitter * random)
      const asked = retryAfter(meta.input)
      const millis = asked === undefined ? jittered : Math.max(jittered, Duration.toMillis(asked))
      if (meta.elapsed + millis > maxElapsed) return Cause.done(Duration.zero)
      const wait = Duration.millis(millis)
      return Effect.succeed([wait, wait] as [Duration.Duration, Duration.Duration])
    })
  }))
}

/**
 * Waits of 200 ms, 400 ms, 800 ms (×2 each, at most 5 s, ±20 % jitter), at most 3 retries, none
 * ending more than 30 s after the first failure; after a 429: 1 s, 2 s, 4 s and at least `Retry-After`.
 */
export const defaultSchedule: Schedule.Schedule<Duration.Duration, OvhError.OvhError> = makeSchedule()

/** The methods retried by default: the idempotent ones. */
export const idempotentMethods: ReadonlyArray<string> = ["GET", "PUT", "DELETE"]

/** The default policy: {@link defaultSchedule}, GET/PUT/DELETE only, transient failures only. */
export const defaultPolicy: Policy = {
  schedule: defaultSchedule,
  methods: idempotentMethods,
  retryable: OvhError.isTransient
}

/** A policy that never retries: one attempt per call. */
export const none: Policy = { ...defaultPolicy, retryable: () => false }

/**
 * The policy of calls made in this context. A client uses its own (its layer option, else the
 * default) unless one is provided around the call: `Effect.provideService(RetryPolicy, policy)`.
 * Providing `defaultPolicy` itself counts as providing none (spread it to force the defaults).
 */
export const RetryPolicy = Context.Reference<Policy>("@effect-ovh/core/RetryPolicy", {
  defaultValue: () => defaultPolicy
})

/** Changes to a policy; `idempotent: true` repeats this call whatever its method (a POST the caller knows is safe). */
export interface Override extends Partial<Policy> {
  readonly idempotent?: boolean | undefined
}

/**
 * How a client or a call retries: a schedule (the rest of the policy kept), changes to the policy,
 * or `false` for a single attempt.
 */
export type Retry = Schedule.Schedule<unknown, OvhError.OvhError> | Override | false

/** A policy ready to run: the methods check already applied for `method`. */
export interface Resolved {
  readonly policy: Policy
  /** Whether this call may be sent more than once. */
  readonly repeatable: boolean
}

/** `base` changed by `retry`. */
export const override = (base: Policy, retry: Retry | undefined): Policy & { readonly idempotent?: boolean } => {
  if (retry === undefined) return base
  if (retry === false) return { ...base, retryable: () => false }
  if (Schedule.isSchedule(retry)) return { ...base, schedule: retry }
  const { idempotent, ...rest } = retry
  const merged: Policy = { ...base, ...definedOnly(rest) }
  return idempotent === undefined ? merged : { ...merged, idempotent }
}

const definedOnly = (changes: Partial<Policy>): Partial<Policy> => {
  const out: { -readonly [K in keyof Policy]?: Policy[K] } = {}
  if (changes.schedule !== undefined) out.schedule = changes.schedule
  if (changes.methods !== undefined) out.methods = changes.methods
  if (changes.retryable !== undefined) out.retryable = changes.retryable
  return out
}

/**
 * The policy of one call: the one provided around it if any, else the client's, then the call's own
 * `retry` on top.
 */
export const resolve = (
  client: Policy & { readonly idempotent?: boolean },
  method: string,
  retry: Retry | undefined
): Effect.Effect<Resolved> =>
  Effect.map(Effect.service(RetryPolicy), (current) => resolveWith(current, client, method, retry))

/** {@link resolve} with the policy in scope given: `current`. */
export const resolveWith = (
  current: Policy,
  client: Policy & { readonly idempotent?: boolean },
  method: string,
  retry: Retry | undefined
): Resolved => {
  const policy = override(current === defaultPolicy ? client : current, retry)
  const repeatable = policy.idempotent ?? policy.methods.includes(method.toUpperCase())
  return { policy, repeatable }
}

/** Settings of a {@link Budget}. */
export interface BudgetOptions {
  /** Tokens when full. Default 500. */
  readonly capacity?: number | undefined
  /** Tokens a retry costs. Default 5. */
  readonly retryCost?: number | undefined
  /** Tokens a retry after a 429 costs. Default 10. */
  readonly throttledCost?: number | undefined
  /** Tokens a call that succeeded at its first attempt gives back. Default 1. */
  readonly successRefund?: number | undefined
}

/**
 * A client-wide token bucket that retries draw from. A call that succeeds gives back what its own
 * retries took (or `successRefund` if it needed none), so only failures that do not recover drain it.
 */
export interface Budget {
  /** Tokens left. */
  readonly available: Effect.Effect<number>
  /** Takes the cost of one retry after `error`: the tokens taken, or `undefined` when too few remain. */
  readonly take: (error: OvhError.OvhError) => Effect.Effect<number | undefined>
  /** Records a call's success; `drawn` is what its retries took. */
  readonly succeeded: (drawn: number) => Effect.Effect<void>
}

/** The default budget size. */
export const defaultBudget: Required<{ [K in keyof BudgetOptions]: number }> = {
  capacity: 500,
  retryCost: 5,
  throttledCost: 10,
  successRefund: 1
}

/** A new, full {@link Budget}. */
export const makeBudget = (options?: BudgetOptions): Budget => {
  const capacity = options?.capacity ?? defaultBudget.capacity
  const retryCost = options?.retryCost ?? defaultBudget.retryCost
  const throttledCost = options?.throttledCost ?? defaultBudget.throttledCost
  const successRefund = options?.successRefund ?? defaultBudget.successRefund
  let tokens = capacity
  return {
    available: Effect.sync(() => tokens),
    take: (error) =>
      Effect.sync(() => {
        const cost = error._tag === "TooManyRequests" ? throttledCost : retryCost
        if (tokens < cost) return undefined
        tokens -= cost
        return cost
      }),
    succeeded: (drawn) =>
      Effect.sync(() => {
        tokens = Math.min(capacity, tokens + (drawn > 0 ? drawn : successRefund))
      })
  }
}

/** A budget that never runs out. */
export const unlimitedBudget: Budget = {
  available: Effect.succeed(Number.POSITIVE_INFINITY),
  take: () => Effect.succeed(0),
  succeeded: () => Effect.void
}

/** What {@link run} reports before each wait. */
export interface RetryEvent {
  /** The attempt that failed (1 for the first request). */
  readonly attempt: number
  readonly error: OvhError.OvhError
  readonly delay: Duration.Duration
}

/** What {@link run} needs. */
export interface RunOptions<A> {
  readonly method: string
  readonly path: string
  readonly resolved: Resolved
  readonly budget: Budget
  readonly attempt: (attempt: number) => Effect.Effect<A, OvhError.OvhError>
  readonly onRetry?: ((event: RetryEvent) => Effect.Effect<void>) | undefined
}

/**
 * Runs `attempt(1)`, then, while the failure is retryable, the call repeatable, the schedule willing
 * and the budget not empty, waits and runs the next attempt. A 429 is never retried sooner than its
 * `Retry-After`, whatever the schedule says. An empty budget fails at once with `RetryBudgetExhausted`.
 * A failure of a shared prelude (server time, OAuth2 token) is never retried here: the prelude already
 * retried it once for all its waiters.
 */
export const run = <A>(options: RunOptions<A>): Effect.Effect<A, OvhError.OvhError> => {
  const { budget, resolved } = options
  // the first attempt runs on its own: a call that succeeds at once builds no schedule
  return Effect.matchEffect(options.attempt(1), {
    onSuccess: (value) => Effect.as(budget.succeeded(0), value),
    onFailure: (error) =>
      resolved.repeatable && !isSettled(error) && resolved.policy.retryable(error)
        ? retrying(options, error)
        : Effect.fail(error)
  })
}

/** The attempts after a first one that failed with `first`, a retryable failure of a repeatable call. */
const retrying = <A>(options: RunOptions<A>, first: OvhError.OvhError): Effect.Effect<A, OvhError.OvhError> =>
  Effect.gen(function*() {
    const { budget, resolved } = options
    const step = yield* Schedule.toStep(resolved.policy.schedule)
    let drawn = 0
    let error = first
    for (let attempt = 1;; attempt++) {
      // `error` is what attempt number `attempt` failed with, and it is retryable
      const now = yield* Clock.currentTimeMillis
      const planned = yield* Pull.matchEffect(step(now, error), {
        onSuccess: ([, delay]) => Effect.succeed<Duration.Duration | undefined>(delay),
        onFailure: Effect.failCause,
        onDone: () => Effect.succeed(undefined)
      })
      if (planned === undefined) return yield* Effect.fail(error)
      const asked = retryAfter(error)
      const delay = asked !== undefined && Duration.isGreaterThan(asked, planned) ? asked : planned
      const cost = yield* budget.take(error)
      if (cost === undefined) {
        return yield* error._tag === "RetryBudgetExhausted" ? Effect.fail(error) : Effect.fail(
          new OvhError.RetryBudgetExhausted({
            method: options.method,
            path: options.path,
            attempts: attempt,
            lastFailure: error
          })
        )
      }
      drawn += cost
      if (options.onRetry !== undefined) yield* options.onRetry({ attempt, error, delay })
      yield* Effect.sleep(delay)
      const result = yield* Effect.result(options.attempt(attempt + 1))
      if (Result.isSuccess(result)) {
        yield* budget.succeeded(drawn)
        return result.success
      }
      error = result.failure
      if (isSettled(error) || !resolved.policy.retryable(error)) return yield* Effect.fail(error)
    }
  })
