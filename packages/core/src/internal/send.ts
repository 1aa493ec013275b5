/**
 * The stage that puts a wire request on the wire: through the `HttpClient` in context, the only way
 * out. Every failure of the `HttpClient` becomes one of the client's errors here, once: no answer is
 * a `NetworkError` (transient), a request refused before it was sent is a `BadParameters` (not
 * transient, never retried). The request, and so its credentials, stays out of every error.
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as OvhError from "../OvhError.ts"
import * as Scrub from "./scrub.ts"

/** The request headers that carry credentials: redacted wherever an `HttpClient` records headers. */
export const secretHeaders: ReadonlyArray<string> = Scrub.credentialHeaders

/** Where an error names its request: the method and the path as the caller gave them. */
export interface Target {
  readonly method: string
  readonly path: string
}

/** What failed, from an `HttpClientError`, without the request (its headers hold credentials). */
export const detailOf = (error: HttpClientError.HttpClientError): string => {
  const reason = error.reason
  const cause = reason.cause as
    | { message?: string; code?: string; cause?: { code?: string; message?: string } }
    | undefined
  const code = cause?.cause?.code ?? cause?.code
  const text = cause?.cause?.message ?? cause?.message ?? reason.description ?? reason._tag
  return [code, text].filter(Boolean).join(": ") || "transport failure"
}

// undici refuses a malformed header or method before sending, with this code
const refusedBeforeSending = (error: HttpClientError.HttpClientError): boolean => {
  const reason = error.reason
  if (reason._tag === "EncodeError" || reason._tag === "InvalidUrlError") return true
  const cause = reason.cause as { code?: string } | undefined
  return cause?.code === "UND_ERR_INVALID_ARG"
}

/** The client's error for a failure of the `HttpClient`, its detail scrubbed by `scrubber`. */
export const failure = (
  target: Target,
  error: HttpClientError.HttpClientError,
  scrubber: Scrub.Scrubber = Scrub.shapes
): OvhError.NetworkError | OvhError.BadParameters => {
  const detail = scrubber.text(detailOf(error))
  return refusedBeforeSending(error)
    ? new OvhError.BadParameters({
      status: 0,
      method: target.method,
      path: target.path,
      message: `the request was refused before it was sent: ${detail}`
    })
    : new OvhError.NetworkError({ method: target.method, path: target.path, reason: "Transport", detail })
}

/** The failure of a call that got no complete answer within `timeout`. */
export const timedOut = (target: Target, timeout: Duration.Duration, waitingFor?: string): OvhError.NetworkError =>
  new OvhError.NetworkError({
    method: target.method,
    path: target.path,
    reason: "Timeout",
    detail: waitingFor === undefined
      ? `no complete answer within ${Duration.format(timeout)}`
      : `still waiting for ${waitingFor} after ${Duration.format(timeout)}`
  })

/** Options of {@link make}. */
export interface Options {
  /** Whether the trace context (`traceparent`, `b3`) goes out with requests. Default `false`. */
  readonly propagateTrace?: boolean | undefined
  /** The client's scrubber, for what a transport failure quotes (default: the shapes of credentials only). */
  readonly scrubber?: Scrub.Scrubber | undefined
}

/** A sender over `http`. */
export type Send = (
  request: HttpClientRequest.HttpClientRequest,
  target: Target
) => Effect.Effect<HttpClientResponse.HttpClientResponse, OvhError.NetworkError | OvhError.BadParameters>

/**
 * The send stage over `http`. The trace context stays local unless asked for: no official client
 * sends tracing headers to the API, and a user's trace ids are theirs. An `HttpClient` that records
 * request headers on its spans shows the credentials as `<redacted>`.
 */
export const make = (http: HttpClient.HttpClient, options?: Options): Send => {
  let redactedFrom: ReadonlyArray<string | RegExp> | undefined
  let redactedTo: ReadonlyArray<string | RegExp> = secretHeaders
  const propagate = options?.propagateTrace === true
  const scrubber = options?.scrubber ?? Scrub.shapes
  return (request, target) =>
    Effect.withFiber((fiber) => {
      const names = fiber.getRef(Headers.CurrentRedactedNames)
      if (names !== redactedFrom) {
        redactedFrom = names
        redactedTo = [...names, ...secretHeaders]
      }
      const redactedNames = redactedTo
      // one context update for both references
      return Effect.updateContext<
        HttpClientResponse.HttpClientResponse,
        OvhError.NetworkError | OvhError.BadParameters,
        never,
        never
      >(
        Effect.mapError(http.execute(request), (error) => failure(target, error, scrubber)),
        (context: Context.Context<never>): Context.Context<never> => {
          const redacted = Context.add(context, Headers.CurrentRedactedNames, redactedNames)
          return propagate ? redacted : Context.add(redacted, HttpClient.TracerPropagationEnabled, false)
        }
      )
    })
}
