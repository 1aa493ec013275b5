/**
 * Sending one prepared request and reading its answer: the code shared by `TimeDelta` and
 * `OvhClient`. It maps every outcome to an `OvhError`, keeps the request (and its credentials) out
 * of every error, and bounds the whole exchange by a timeout that interrupts the request.
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpBody from "effect/http/HttpBody"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as OvhError from "../OvhError.ts"
import type * as OvhTransport from "../OvhTransport.ts"
import { version } from "./version.ts"

/** `User-Agent` of every request. */
export const userAgent = `effect-ovh/${version}`

/** A request ready to go on the wire: `url` is final and is what gets signed. */
export interface Prepared {
  readonly method: string
  /** The path as the caller gave it, for errors and spans. */
  readonly path: string
  readonly url: string
  readonly body: string | undefined
  readonly headers: Record<string, string>
}

/** An answer with its decoded body. */
export interface Reply<A = unknown> {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly queryId: string | undefined
  readonly body: A
}

const detailOf = (error: unknown): string => {
  if (error instanceof Error && !("reason" in error)) {
    // a rejection of an OvhTransport: undici's errors carry a code (ECONNREFUSED, UND_ERR_SOCKET...)
    const cause = error.cause as { code?: string; message?: string } | undefined
    const code = (error as { code?: string }).code ?? cause?.code
    const text = cause?.message ?? error.message
    return [code, text].filter(Boolean).join(": ") || "transport failure"
  }
  if (error && typeof error === "object") {
    const reason = (error as { reason?: { _tag?: string; description?: string; cause?: unknown } }).reason
    const cause = reason?.cause as { message?: string; code?: string; cause?: { code?: string; message?: string } } | undefined
    const code = cause?.cause?.code ?? cause?.code
    const text = cause?.cause?.message ?? cause?.message ?? reason?.description ?? reason?._tag
    return [code, text].filter(Boolean).join(": ") || "transport failure"
  }
  return String(error)
}

/** Builds the effect `HttpClientRequest`; `url` is sent verbatim. */
export const toHttpRequest = (prepared: Prepared): HttpClientRequest.HttpClientRequest => {
  const request = HttpClientRequest.make(prepared.method as "GET")(prepared.url, { headers: prepared.headers })
  return prepared.body === undefined
    ? request
    : HttpClientRequest.setBody(request, HttpBody.text(prepared.body, "application/json"))
}

/** What `read` needs of an answer: an `HttpClientResponse` is one, and so is what an `OvhTransport` gives. */
export interface Answer {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly text: Effect.Effect<string, unknown>
}

const timedOut = (prepared: Prepared, timeout: Duration.Duration) => () =>
  Effect.fail(
    new OvhError.NetworkError({
      method: prepared.method,
      path: prepared.path,
      reason: "Timeout",
      detail: `no complete answer within ${Duration.format(timeout)}`
    })
  )

/** No answer to `prepared`: the request or its body failed on the way (the request itself is left out). */
const transportFailure = (prepared: Prepared, detail: string) =>
  new OvhError.NetworkError({ method: prepared.method, path: prepared.path, reason: "Transport", detail })

// setTimeout's longest delay; a longer timeout (or an infinite one) sets no timer at all
const MAX_TIMER_MS = 2 ** 31 - 1

/**
 * `exchange` through an `OvhTransport`: one promise for the request and its whole body. The timeout
 * is a timer of the runtime next to the socket (a real request runs in real time), with no fiber to
 * race; it and an interruption both abort the request.
 */
export const exchangeDirect = <A, E>(
  transport: OvhTransport.Service,
  prepared: Prepared,
  timeout: Duration.Duration,
  read: (answer: Answer) => Effect.Effect<A, E>
): Effect.Effect<A, E | OvhError.NetworkError> =>
  Effect.flatMap(
    Effect.callback<Answer, OvhError.NetworkError>((resume) => {
      const sending = transport.send(prepared)
      let settled = false
      // the first of answer, failure, timeout and interruption ends the exchange; the others do nothing
      const finish = (): boolean => {
        if (settled) return false
        settled = true
        if (timer !== undefined) clearTimeout(timer)
        return true
      }
      const millis = Duration.toMillis(timeout)
      const timer = millis <= MAX_TIMER_MS
        ? setTimeout(() => {
          if (!finish()) return
          sending.abort()
          resume(timedOut(prepared, timeout)())
        }, millis)
        : undefined
      sending.response.then(
        (response) => {
          if (finish()) {
            resume(Effect.succeed({ status: response.status, headers: response.headers, text: Effect.succeed(response.body) }))
          }
        },
        (error: unknown) => {
          if (finish()) resume(Effect.fail(transportFailure(prepared, detailOf(error))))
        }
      )
      // interrupted: stop the timer and the request
      return Effect.sync(() => {
        if (finish()) sending.abort()
      })
    }),
    read
  )

/**
 * Sends `prepared` and hands the raw response to `read` inside the timeout, so a slow body counts
 * too. Transport failures and the timeout become `NetworkError`.
 */
export const exchange = <A, E>(
  http: HttpClient.HttpClient,
  prepared: Prepared,
  timeout: Duration.Duration,
  read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>
): Effect.Effect<A, E | OvhError.NetworkError> =>
  http.execute(toHttpRequest(prepared)).pipe(
    Effect.mapError((error) => transportFailure(prepared, detailOf(error))),
    Effect.flatMap(read),
    Effect.timeoutOrElse({ duration: timeout, orElse: timedOut(prepared, timeout) })
  )

const parseRetryAfter = (value: string | undefined, nowMillis: number): number | undefined => {
  if (value === undefined) return undefined
  const trimmed = value.trim()
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed)
  const date = Date.parse(trimmed)
  return Number.isNaN(date) ? undefined : Math.max(0, (date - nowMillis) / 1000)
}

/**
 * Reads the body of `response` as JSON and maps a failing status to its `OvhError`. Written without a
 * generator: it runs once per request, so every step it saves counts.
 */
export const readJson = (prepared: Prepared) =>
(
  response: Answer
): Effect.Effect<Reply, OvhError.ApiFailure | OvhError.InvalidResponse | OvhError.NetworkError> =>
  Effect.flatMap(
    Effect.mapError(response.text, (error) => transportFailure(prepared, `body: ${detailOf(error)}`)),
    (text) => interpret(prepared, response.status, response.headers, text)
  )

/** Whether `text` holds only whitespace (a JSON answer starts with a character that is not). */
const isBlank = (text: string): boolean => {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return false
  }
  return true
}

const interpret = (
  prepared: Prepared,
  status: number,
  headers: Readonly<Record<string, string>>,
  text: string
): Effect.Effect<Reply, OvhError.ApiFailure | OvhError.InvalidResponse> => {
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
      ? Effect.succeed({ status, headers, queryId, body })
      : Effect.fail(
        new OvhError.InvalidResponse({
          status,
          method: prepared.method,
          path: prepared.path,
          detail: `body is not JSON: ${text.slice(0, 120)}`,
          ...(queryId !== undefined ? { queryId } : {})
        })
      )
  }
  const answer = (retryAfter: number | undefined) =>
    Effect.fail(OvhError.fromAnswer({ status, method: prepared.method, path: prepared.path, queryId, body, retryAfter }))
  return status === 429
    ? Effect.flatMap(Clock.currentTimeMillis, (now) => answer(parseRetryAfter(headers["retry-after"], now)))
    : answer(undefined)
}
