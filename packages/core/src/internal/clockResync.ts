/**
 * Re-syncing the clock: when the API refuses a signed request's timestamp (`QUERY_TIME_OUT`) or its
 * signature (`INVALID_SIGNATURE`, which a skewed clock also causes), the server time is learned again
 * (one `/auth/time` however many calls fail together) and the request signed and sent once more,
 * even a POST: the API refused it before acting on it. At most once per call.
 */
import * as Effect from "effect/Effect"
import * as OvhError from "../OvhError.ts"
import type * as TimeDelta from "../TimeDelta.ts"
import type * as Authenticator from "./authenticator.ts"
import type * as Send from "./send.ts"

/** What a signature still refused right after re-learning the server time leaves as causes. */
export const signatureHint = "the clock is ruled out: the server time was just learned again and the request " +
  "signed anew. Likely causes: the application secret or the consumer key does not belong to this application " +
  "key, or a proxy rewrites the URL (scheme, host, path or query) before it reaches the API"

const isClockRejection = (error: OvhError.OvhError) =>
  error._tag === "InvalidSignature" || (error._tag === "BadParameters" && error.errorCode === "QUERY_TIME_OUT")

const explainSignature = (error: OvhError.InvalidSignature): OvhError.InvalidSignature =>
  new OvhError.InvalidSignature({
    status: error.status,
    method: error.method,
    path: error.path,
    message: `${error.message}; ${signatureHint}`,
    hint: signatureHint,
    ...(error.errorCode !== undefined ? { errorCode: error.errorCode } : {}),
    ...(error.errorClass !== undefined ? { errorClass: error.errorClass } : {}),
    ...(error.queryId !== undefined ? { queryId: error.queryId } : {}),
    ...(error.details !== undefined ? { details: error.details } : {})
  })

/** The re-sync stage over `timeDelta`: `exchange` again after a clock rejection of a signed request. */
export const make = (timeDelta: TimeDelta.TimeDelta["Service"]) =>
<A>(
  exchange: Effect.Effect<A, OvhError.OvhError>,
  target: Send.Target,
  state: Authenticator.CallState
): Effect.Effect<A, OvhError.OvhError> =>
  state.resynced ? exchange : Effect.catchIf(
    exchange,
    (error) => state.generation !== undefined && isClockRejection(error),
    (error) => {
      state.resynced = true
      return Effect.logDebug(`${target.method} ${target.path}: ${error._tag}, learning the server time again`).pipe(
        Effect.andThen(Effect.annotateCurrentSpan({ "ovh.time_resync": true })),
        Effect.andThen(timeDelta.resync(state.generation!)),
        Effect.andThen(Effect.mapError(
          exchange,
          (again): OvhError.OvhError => again._tag === "InvalidSignature" ? explainSignature(again) : again
        ))
      )
    }
  )
