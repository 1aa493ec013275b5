/**
 * The offset between the API's clock and ours, learned from `GET /auth/time` (unsigned) at the
 * first signed call, in a single flight however many calls start at once, and re-learned on demand
 * when the API rejects a timestamp.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Answer from "./internal/answer.ts"
import * as Encode from "./internal/encode.ts"
import * as Prelude from "./internal/prelude.ts"
import * as Send from "./internal/send.ts"
import * as OvhConfig from "./OvhConfig.ts"
import * as OvhError from "./OvhError.ts"

/** A learned offset and the generation that learned it. */
export interface Sample {
  /** Server time minus floor(local time), in whole seconds. */
  readonly delta: number
  /** Increases at each re-learning; pass it to `resync` so concurrent callers re-learn once. */
  readonly generation: number
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
  /**
   * Learns the offset from the configured endpoint's `/auth/time`, each request bounded by the
   * configured timeout, through the same send stage and answer mapper as every call.
   */
  static readonly layer: Layer.Layer<TimeDelta, never, OvhConfig.OvhConfig | HttpClient.HttpClient> = Layer.effect(
    TimeDelta,
    Effect.gen(function*() {
      const settings = yield* OvhConfig.OvhConfig
      const send = Send.make(yield* HttpClient.HttpClient)
      const target: Send.Target = { method: "GET", path: "/auth/time" }
      const request = Encode.toWire(settings.endpoint.url, { method: "GET", path: "/auth/time" })
      if (request instanceof OvhError.BadParameters) return yield* Effect.die(request)
      const fetchServerTime = Effect.flatMap(
        send(request, target).pipe(
          Effect.flatMap((response) => Answer.read(target, response)),
          Effect.timeoutOrElse({
            duration: settings.timeout,
            orElse: () => Effect.fail(Send.timedOut(target, settings.timeout))
          })
        ),
        (reply) =>
          typeof reply.body !== "number" || !Number.isFinite(reply.body)
            ? Effect.fail(
              new OvhError.InvalidResponse({
                status: reply.status,
                method: "GET",
                path: "/auth/time",
                detail: `expected a number of seconds, got ${JSON.stringify(reply.body)?.slice(0, 80)}`
              })
            )
            : Effect.map(Clock.currentTimeMillis, (now) => Math.trunc(reply.body as number) - Math.floor(now / 1000))
      )
      return TimeDelta.makeWith(fetchServerTime)
    })
  )

  /**
   * A `TimeDelta` learning the offset with `fetch` (server − local seconds): one fetch for all the
   * callers that wait at once, its transient failures retried inside it for all of them.
   */
  static readonly makeWith = (fetch: Effect.Effect<number, OvhError.OvhError>): TimeDelta["Service"] => {
    let generation = 0
    // the last sample learned, until a resync of its generation forgets it
    let latest: Sample | undefined
    const prelude = Prelude.make(Effect.map(fetch, (delta): Sample => latest = { delta, generation: ++generation }))
    return {
      sample: prelude.get,
      now: Effect.flatMap(prelude.get, (s) => Effect.map(Clock.currentTimeMillis, (ms) => timestampAt(s, ms))),
      resync: (gen) =>
        Effect.suspend(() => {
          if (latest === undefined || latest.generation !== gen) return Effect.void
          latest = undefined
          return prelude.invalidate
        })
    }
  }
}
