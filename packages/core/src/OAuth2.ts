/**
 * OAuth2 client credentials (service accounts): access tokens from the region's token endpoint,
 * kept until shortly before they expire and renewed in a single flight, however many calls need
 * one at once. `OvhClient` uses this module when the configuration holds `client_id` and
 * `client_secret`; it is exported for programs that want a token for something else.
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import { userAgent } from "./internal/encode.ts"
import * as Prelude from "./internal/prelude.ts"
import * as Scrub from "./internal/scrub.ts"
import * as Send from "./internal/send.ts"
import type * as OvhConfig from "./OvhConfig.ts"
import * as OvhError from "./OvhError.ts"

/** An access token and the time it stops being accepted. */
export interface Token {
  readonly accessToken: Redacted.Redacted<string>
  /** Unix time in milliseconds; `Infinity` when the endpoint gave no lifetime. */
  readonly expiresAt: number
}

/** How long before its expiry a token is replaced: go-ovh and node-ovh use the same 10 s. */
export const refreshMargin: Duration.Duration = Duration.seconds(10)

/** The client-credentials grant, as the official clients send it: every scope of the account. */
export const grant = { grant_type: "client_credentials", scope: "all" } as const

// an endpoint that echoes the request must not leak the secret, or the Basic header that carries it, into an
// error: the text is scrubbed whole (`internal/scrub`), then cut
const excerpt = (text: string, scrubber: Scrub.Scrubber): string => {
  const plain = scrubber.text(text).replace(/\s+/g, " ").trim()
  return plain.length > 200 ? plain.slice(0, 200) + "…" : plain
}

/**
 * Asks `auth.tokenUrl` for a new access token: `POST` form `grant_type=client_credentials&scope=all`,
 * the client id and secret in HTTP Basic authentication. Every failure is an `OAuth2Failure`.
 */
export const fetchToken = Effect.fnUntraced(function*(
  http: HttpClient.HttpClient,
  auth: Pick<OvhConfig.OAuth2Auth, "clientId" | "clientSecret" | "tokenUrl">,
  options?: { readonly timeout?: Duration.Input | undefined }
) {
  const secret = Redacted.value(auth.clientSecret)
  const scrubber = Scrub.make(Scrub.oauth2Secrets(auth.clientId, secret))
  let queryId: string | undefined
  const failure = (status: number, detail: string, errorCode?: string) =>
    new OvhError.OAuth2Failure({
      method: "POST",
      path: auth.tokenUrl,
      status,
      detail: excerpt(detail, scrubber),
      ...(errorCode !== undefined ? { errorCode } : {}),
      ...(queryId !== undefined ? { queryId } : {})
    })
  const request = HttpClientRequest.post(auth.tokenUrl).pipe(
    HttpClientRequest.basicAuth(Scrub.formEncode(auth.clientId), Redacted.make(Scrub.formEncode(secret))),
    HttpClientRequest.acceptJson,
    HttpClientRequest.setHeader("user-agent", userAgent),
    HttpClientRequest.bodyUrlParams(grant)
  )
  const timeout = Duration.fromInputUnsafe(options?.timeout ?? Duration.seconds(180))
  const startedAt = yield* Clock.currentTimeMillis
  const target: Send.Target = { method: "POST", path: auth.tokenUrl }
  const { status, text } = yield* Send.make(http)(request, target).pipe(
    Effect.flatMap((response) => {
      queryId = (response.headers as Readonly<Record<string, string>>)["x-ovh-queryid"]
      return Effect.map(response.text, (text) => ({ status: response.status, text }))
    }),
    // the request's headers hold the secret: keep only what failed, never the request
    Effect.mapError((error) => failure(0, error._tag === "NetworkError" ? error.detail : error.message)),
    Effect.timeoutOrElse({
      duration: timeout,
      orElse: () => Effect.fail(failure(0, `no complete answer within ${Duration.format(timeout)}`))
    })
  )
  let body: Record<string, unknown> | undefined
  try {
    const parsed: unknown = JSON.parse(text)
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
      body = parsed as Record<string, unknown>
    }
  } catch {
    body = undefined
  }
  if (status < 200 || status >= 300) {
    const code = typeof body?.error === "string" ? body.error : undefined
    const description = typeof body?.error_description === "string" ? body.error_description : undefined
    return yield* failure(status, description ?? (text.trim() === "" ? "empty answer" : text), code)
  }
  const accessToken = body?.access_token
  if (typeof accessToken !== "string" || accessToken === "") {
    return yield* failure(status, `no access_token in the answer: ${body === undefined ? text : "a JSON object"}`)
  }
  const tokenType = body?.token_type
  if (typeof tokenType === "string" && tokenType.toLowerCase() !== "bearer") {
    return yield* failure(status, `unsupported token_type ${JSON.stringify(tokenType)}, expected Bearer`)
  }
  const expiresIn = Number(body?.expires_in)
  return {
    accessToken: Redacted.make(accessToken, { label: "access_token" }),
    // counted from the request's start, so a slow answer cannot make a token look younger than it is
    expiresAt: Number.isFinite(expiresIn) && expiresIn > 0 ? startedAt + expiresIn * 1000 : Infinity
  } satisfies Token
})

/** A token kept between calls. */
export interface TokenCache {
  /** A token valid for at least the refresh margin; fetched once for all the callers that need one at once. */
  readonly get: Effect.Effect<Token, OvhError.OAuth2Failure>
  /**
   * A new token after the API refused `used`. Callers holding the same refused token share one fetch;
   * a caller whose token was already replaced gets the replacement.
   */
  readonly renew: (used: Redacted.Redacted<string>) => Effect.Effect<Token, OvhError.OAuth2Failure>
}

/**
 * A cache over `fetch`: one fetch for all the callers that need a token at once, its transient
 * failures retried inside it for all of them; a failure that remains is not kept, so the next caller
 * tries again.
 */
export const makeTokenCache = (
  fetch: Effect.Effect<Token, OvhError.OAuth2Failure>,
  options?: { readonly margin?: Duration.Input | undefined }
): TokenCache => {
  const margin = Duration.toMillis(Duration.fromInputUnsafe(options?.margin ?? refreshMargin))
  // the token and when it is replaced, counted from the fetch's start
  interface Kept {
    readonly token: Token
    readonly ttl: number
  }
  let current: Token | undefined
  const prelude = Prelude.make(
    Effect.flatMap(
      Clock.currentTimeMillis,
      (startedAt) =>
        Effect.flatMap(fetch, (token) =>
          Effect.map(Clock.currentTimeMillis, (now): Kept => {
            current = token
            // a lifetime shorter than twice the margin would make every call fetch: renew at half-life then
            const lifetime = token.expiresAt - startedAt
            const refreshAt = token.expiresAt - Math.min(margin, lifetime / 2)
            return { token, ttl: Math.max(0, refreshAt - now) }
          }))
    ),
    { timeToLive: (kept) => kept.ttl === Infinity ? Duration.infinity : Duration.millis(kept.ttl) }
  )
  const get = Effect.map(prelude.get, (kept) => kept.token)
  const renew = (used: Redacted.Redacted<string>) =>
    Effect.suspend(() => {
      if (current !== undefined && Redacted.value(current.accessToken) === Redacted.value(used)) {
        current = undefined
        return Effect.andThen(prelude.invalidate, get)
      }
      return get
    })
  return { get, renew }
}
