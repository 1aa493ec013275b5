/**
 * What an authentication stage is: it adds one kind of credentials to a wire request, waiting for
 * the prelude they need (server time, OAuth2 token), sends it with the send stage and hands the
 * answer to `read`. One stage per kind: `signApplicationKey`, `bearerOAuth2`, `bearerToken`.
 */
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as OAuth2 from "../OAuth2.ts"
import type * as OvhConfig from "../OvhConfig.ts"
import type * as OvhError from "../OvhError.ts"
import type * as TimeDelta from "../TimeDelta.ts"
import * as BearerOAuth2 from "./bearerOAuth2.ts"
import * as BearerToken from "./bearerToken.ts"
import type * as Scrub from "./scrub.ts"
import type * as Send from "./send.ts"
import * as SignApplicationKey from "./signApplicationKey.ts"

/** What a call's stages record for each other across its attempts. */
export interface CallState {
  /** Whether this attempt's request went to the send stage: before that, it was waiting for a prelude. */
  sent: boolean
  /** The time-delta generation the last request was signed with (application-key signatures only). */
  generation: number | undefined
  /** Whether the server time was learned again for this call (at most once). */
  resynced: boolean
}

/** One authenticated exchange. */
export interface Authenticator {
  /** What a request waits for before it can be sent, if anything, for timeout messages. */
  readonly prelude: string | undefined
  readonly exchange: <A, E>(
    request: HttpClientRequest.HttpClientRequest,
    target: Send.Target,
    /** `false` sends the request without credentials (`/auth/time`, `/auth/credential`). */
    needAuth: boolean,
    state: CallState,
    read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | OvhError.OvhError>
}

/** The stage of `settings`' kind of credentials. */
export const make = (
  settings: OvhConfig.Settings,
  timeDelta: TimeDelta.TimeDelta["Service"],
  http: HttpClient.HttpClient,
  send: Send.Send,
  scrubber: Scrub.Scrubber
): Authenticator => {
  const auth = settings.auth
  switch (auth._tag) {
    case "ApplicationKey":
      return SignApplicationKey.make(auth, timeDelta, send)
    case "AccessToken":
      return BearerToken.make(auth, send)
    case "OAuth2":
      return BearerOAuth2.make(
        OAuth2.makeTokenCache(
          // every token the client is given is a secret its scrubber must know
          Effect.tap(
            OAuth2.fetchToken(http, auth, { timeout: settings.timeout }),
            (token) => Effect.sync(() => scrubber.learn(token.accessToken))
          )
        ),
        send
      )
  }
}
