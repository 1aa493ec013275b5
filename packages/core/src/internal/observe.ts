/**
 * What a call lets out for observability: one span per call (`OvhClient.get`...) and one per attempt
 * (`OvhClient.attempt`), with the method, path, template, status, query id and outcome; and at Debug
 * level one log line per attempt and per retry. Nothing here holds a credential. Spans are made
 * without a captured call site (a stack trace per call for a line of this file).
 *
 * A span ends with the exit of what it wraps, and a tracer may keep or print that exit. The error
 * that ends an attempt goes through the client's scrubber (`internal/scrub`) before its span ends
 * with it, and the call's span only sees such errors; a success is a {@link Sealed} reply, which prints as its status and query id only: an answer's
 * body may hold a secret (`POST /auth/credential` answers a new consumer key), and scrubbing every
 * successful body would cost every call.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Inspectable from "effect/Inspectable"
import type * as OvhError from "../OvhError.ts"
import type * as RetryPolicy from "../RetryPolicy.ts"
import type * as Answer from "./answer.ts"
import type * as Scrub from "./scrub.ts"
import type * as Send from "./send.ts"

/** A reply as a span's exit holds it: printed as its status and query id, its body and headers out of sight. */
export class Sealed<A extends Answer.Reply> extends Inspectable.Class {
  readonly #reply: A
  constructor(reply: A) {
    super()
    this.#reply = reply
  }
  /** The reply itself. */
  get reply(): A {
    return this.#reply
  }
  toJSON(): unknown {
    return { _id: "OvhClient.Reply", status: this.#reply.status, queryId: this.#reply.queryId }
  }
}

const replyAttributes = (reply: Answer.Reply): Record<string, unknown> =>
  reply.queryId !== undefined
    ? { "http.response.status_code": reply.status, "ovh.query_id": reply.queryId }
    : { "http.response.status_code": reply.status }

const queryIdOf = (error: OvhError.OvhError): string | undefined =>
  error._tag === "RetryBudgetExhausted"
    ? queryIdOf(error.lastFailure)
    : "queryId" in error
    ? error.queryId
    : undefined

const errorAttributes = (error: OvhError.OvhError): Record<string, unknown> => {
  const queryId = queryIdOf(error)
  const status = "status" in error ? error.status : undefined
  return {
    "error.type": error._tag,
    ...(status !== undefined && status > 0 ? { "http.response.status_code": status } : {}),
    ...(queryId !== undefined ? { "ovh.query_id": queryId } : {})
  }
}

const logFields = (target: Send.Target, attempt: number, queryId: string | undefined): Record<string, unknown> => ({
  "ovh.method": target.method,
  "ovh.path": target.path,
  "ovh.attempt": attempt,
  ...(queryId !== undefined ? { "ovh.query_id": queryId } : {})
})

/** One attempt in its span; its outcome on the span and, when `debug`, as a log line. */
export const attempt = <A extends Answer.Reply>(
  effect: Effect.Effect<A, OvhError.OvhError>,
  target: Send.Target,
  n: number,
  debug: boolean,
  scrubber: Scrub.Scrubber
): Effect.Effect<Sealed<A>, OvhError.OvhError> => {
  const record = <B, E>(
    attributes: Record<string, unknown>,
    outcome: string | number,
    queryId: string | undefined,
    next: Effect.Effect<B, E>
  ): Effect.Effect<B, E> =>
    Effect.andThen(
      Effect.annotateCurrentSpan(attributes),
      debug
        ? Effect.andThen(
          Effect.logDebug(`${target.method} ${target.path}: attempt ${n}, ${outcome}`).pipe(
            Effect.annotateLogs(logFields(target, n, queryId))
          ),
          next
        )
        : next
    )
  return Effect.withSpan(
    Effect.matchEffect(effect, {
      onSuccess: (reply) =>
        record(replyAttributes(reply), reply.status, reply.queryId, Effect.succeed(new Sealed(reply))),
      onFailure: (failed) => {
        // errors are born scrubbed where answers and transport failures become errors; this catches the rest
        const error = scrubber.error(failed)
        return record(errorAttributes(error), error._tag, queryIdOf(error), Effect.fail(error))
      }
    }),
    "OvhClient.attempt",
    // data-first: the data-last form of withSpan ignores `captureStackTrace` (effect 4.1)
    { attributes: { "ovh.attempt": n }, captureStackTrace: false }
  )
}

/** The log line before a retry's wait, when `debug`. */
export const retrying = (target: Send.Target, debug: boolean): RetryPolicy.RunOptions<unknown>["onRetry"] =>
  debug
    ? ({ attempt, delay, error }) =>
      Effect.logDebug(
        `${target.method} ${target.path}: ${error._tag} at attempt ${attempt}, retrying in ${
          Math.round(Duration.toMillis(delay))
        }ms`
      ).pipe(Effect.annotateLogs(logFields(target, attempt, queryIdOf(error))))
    : undefined

/**
 * A whole call in its span, its outcome and the number of attempts (read from `attempts`) on it; the
 * reply is unsealed once the span has ended.
 */
export const call = <A extends Answer.Reply>(
  effect: Effect.Effect<Sealed<A>, OvhError.OvhError>,
  target: Send.Target,
  template: string | undefined,
  attempts: () => number
): Effect.Effect<A, OvhError.OvhError> =>
  Effect.map(
    Effect.withSpan(
      Effect.matchEffect(effect, {
        onSuccess: (sealed) =>
          Effect.as(
            Effect.annotateCurrentSpan({ ...replyAttributes(sealed.reply), "ovh.attempts": attempts() }),
            sealed
          ),
        onFailure: (error) =>
          Effect.andThen(
            Effect.annotateCurrentSpan({ ...errorAttributes(error), "ovh.attempts": attempts() }),
            Effect.fail(error)
          )
      }),
      `OvhClient.${target.method.toLowerCase()}`,
      {
        captureStackTrace: false,
        attributes: {
          "http.request.method": target.method,
          "ovh.method": target.method,
          "ovh.path": target.path,
          ...(template !== undefined ? { "url.template": template } : {})
        }
      }
    ),
    (sealed) => sealed.reply
  )
