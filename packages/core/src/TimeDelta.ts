/**
 * The offset between the API's clock and ours, learned from `GET /auth/time` (unsigned) at the
 * first signed call, in a single flight however many calls start at once, and re-learned on demand
 * when the API rejects a timestamp.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Endpoint from "./Endpoint.ts"
import * as OvhConfig from "./OvhConfig.ts"
import * as OvhError from "./OvhError.ts"
import * as Transport from "./internal/transport.ts"

/** A learned offset and the generation that learned it. */
export interface Sample {
  /** Server time minus floor(local time), in whole seconds. */
  readonly delta: number
  /** Increases at each re-learning; pass it to `resync` so concurrent callers re-learn once. */
  readonly generation: number
}

/** One learning of the offset: its generation, its outcome to come, and its sample once it came. */
interface Learning {
  readonly generation: number
  readonly deferred: Deferred.Deferred<Sample, OvhError.OvhError>
  learned?: Effect.Effect<Sample>
}

/** The timestamp to sign at local time `millis`: floor(local seconds) + the learned offset. */
export const timestampAt = (sample: Sample, millis: number): number => Math.floor(millis / 1000) + sample.delta

/** The server time offset of the client in scope. */
export class TimeDelta extends Context.Service<TimeDelta, {
  /** The current offset, learned on first use. Failures are not cached: the next caller tries again. */
  readonly sample: Effect.Effect<Sample, OvhError.OvhError>
  /** The timestamp to sign now: floor(local seconds) + offset. */
  readonly now: Effect.Effect<number, OvhError.OvhError>
  /**
   * Forgets the offset learned by `generation` so the next `sample` learns it again. Calls made
   * with an older generation do nothing, so many failing calls cause one re-learning.
   */
  readonly resync: (generation: number) => Effect.Effect<void>
}>()("@effect-ovh/core/TimeDelta") {
  /** Learns the offset from the configured endpoint's `/auth/time`. */
  static readonly layer: Layer.Layer<TimeDelta, never, OvhConfig.OvhConfig | HttpClient.HttpClient> = Layer.effect(
    TimeDelta,
    Effect.gen(function*() {
      const settings = yield* OvhConfig.OvhConfig
      const http = yield* HttpClient.HttpClient
      const prepared: Transport.Prepared = {
        method: "GET",
        path: "/auth/time",
        url: Endpoint.target(settings.endpoint.url, "/auth/time"),
        body: undefined,
        headers: { accept: "application/json", "user-agent": Transport.userAgent }
      }
      const fetchServerTime = Effect.gen(function*() {
        const reply = yield* Transport.exchange(http, prepared, settings.timeout, Transport.readJson(prepared))
        if (typeof reply.body !== "number" || !Number.isFinite(reply.body)) {
          return yield* new OvhError.InvalidResponse({
            status: reply.status,
            method: "GET",
            path: "/auth/time",
            detail: `expected a number of seconds, got ${JSON.stringify(reply.body)?.slice(0, 80)}`
          })
        }
        const local = Math.floor((yield* Clock.currentTimeMillis) / 1000)
        return Math.trunc(reply.body) - local
      })
      return TimeDelta.makeWith(fetchServerTime)
    })
  )

  /** A `TimeDelta` learning the offset with `fetch` (server − local seconds). */
  static readonly makeWith = (fetch: Effect.Effect<number, OvhError.OvhError>): TimeDelta["Service"] => {
    let generation = 0
    // the current learning; `learned` is set once it succeeded, so later callers need not wait on the Deferred
    let cell: Learning | undefined
    const sample = Effect.suspend((): Effect.Effect<Sample, OvhError.OvhError> => {
      if (cell !== undefined) return cell.learned ?? Deferred.await(cell.deferred)
      const mine: Learning = { generation: ++generation, deferred: Deferred.makeUnsafe<Sample, OvhError.OvhError>() }
      cell = mine
      const learn = fetch.pipe(
        Effect.map((delta): Sample => ({ delta, generation: mine.generation })),
        Effect.onExit((exit) => {
          // a failure is not cached: the next caller tries again
          if (Exit.isFailure(exit) && cell === mine) cell = undefined
          if (Exit.isSuccess(exit)) mine.learned = Effect.succeed(exit.value)
          return Deferred.done(mine.deferred, exit)
        })
      )
      // the request runs detached, so an interrupted first caller does not strand the others
      return Effect.forkDetach(learn).pipe(Effect.andThen(Deferred.await(mine.deferred)))
    })
    return {
      sample,
      now: Effect.flatMap(sample, (s) => Effect.map(Clock.currentTimeMillis, (ms) => timestampAt(s, ms))),
      resync: (gen) =>
        Effect.sync(() => {
          if (cell !== undefined && cell.generation === gen) cell = undefined
        })
    }
  }
}
