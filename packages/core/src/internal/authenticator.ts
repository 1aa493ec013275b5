/**
 * What an authentication stage is: it adds one kind of credentials to a wire request, waiting for
 * the prelude they need (server time, OAuth2 token), sends it with the send stage and hands the
 * answer to `read`. One stage per kind: `signApplicationKey`, `bearerOAuth2`, `bearerToken`.
 */
import type * as Effect from "effect/Effect"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import type * as OvhError from "../OvhError.ts"
import type * as Send from "./send.ts"

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
  readonly exchange: <A, E>(
    request: HttpClientRequest.HttpClientRequest,
    target: Send.Target,
    /** `false` sends the request without credentials (`/auth/time`, `/auth/credential`). */
    needAuth: boolean,
    state: CallState,
    read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | OvhError.OvhError>
}

/** The name of what a call waits for before its request is sent, for timeout messages. */
export type PreludeName = "the server time (GET /auth/time)" | "an OAuth2 token"
