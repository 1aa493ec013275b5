/**
 * The one mapper from an answer to what a call returns: a 2xx JSON body becomes a `Reply`, anything
 * else the `OvhError` its `errorCode` or status names. Every request of the client, `/auth/time`
 * included, is read here, and the body of every failing answer goes through the client's scrubber
 * (`internal/scrub`) before any error quotes it.
 */
import * as Clock from "effect/Clock"
import * as Effect from "effect/Effect"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as OvhError from "../OvhError.ts"
import * as Scrub from "./scrub.ts"
import type * as Send from "./send.ts"

/** An answer with its decoded body. */
export interface Reply<A = unknown> {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly queryId: string | undefined
  readonly body: A
}

const parseRetryAfter = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMillis) / 1000)
}

/** Whether `text` holds only whitespace (a JSON answer starts with a character that is not). */
const isBlank = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false
  }
  return true
}

/**
 * Reads `response`'s body as JSON and maps a failing status to its `OvhError`. Written without a
 * generator: it runs once per request, so every step it saves counts.
 */
export const read = <A = unknown>(
  target: Send.Target,
  response: HttpClientResponse.HttpClientResponse,
  scrubber: Scrub.Scrubber = Scrub.shapes
): Effect.Effect<Reply<A>, OvhError.ApiFailure | OvhError.InvalidResponse | OvhError.NetworkError> =>
  Effect.flatMap(
    Effect.mapError(response.text, (error) =>
      new OvhError.NetworkError({
        method: target.method,
        path: target.path,
        reason: "Transport",
        detail: `body: ${error.reason.description ?? error.reason._tag}`
      })),
    (text) => interpret<A>(target, response.status, response.headers, text, scrubber)
  )

const interpret = <A>(
  target: Send.Target,
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string,
  scrubber: Scrub.Scrubber
): Effect.Effect<Reply<A>, OvhError.ApiFailure | OvhError.InvalidResponse> => {
  const queryId = headers["x-ovh-queryid"]
  let body: unknown = null
  let json = true
  if (status !== 204 && !isBlank(text)) {
    try {
      body = JSON.parse(text)
    } catch {
      json = false
      body = text
    }
  }
  if (status >= 200 && status < 300) {
    return json
      ? Effect.succeed({ status, headers, queryId, body: body as A })
      : Effect.fail(
        new OvhError.InvalidResponse({
          status,
          method: target.method,
          path: target.path,
          // scrubbed whole before it is cut, so that no part of a secret is left at the cut
          detail: `body is not JSON: ${scrubber.text(text).slice(0, 120)}`,
          ...(queryId !== undefined ? { queryId } : {})
        })
      )
  }
  // an error body may echo the request's credentials (a proxy, a WAF): scrubbed whole, before any excerpt
  const scrubbed = scrubber.value(body)
  const answer = (retryAfter: number | undefined) =>
    Effect.fail(
      OvhError.fromAnswer({ status, method: target.method, path: target.path, queryId, body: scrubbed, retryAfter })
    )
  return status === 429
    ? Effect.flatMap(Clock.currentTimeMillis, (now) => answer(parseRetryAfter(headers["retry-after"], now)))
    : answer(undefined)
}
