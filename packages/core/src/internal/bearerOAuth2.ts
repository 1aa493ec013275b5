/**
 * Authentication by OAuth2 client credentials: `Authorization: Bearer <token>` with a token from the
 * region's token endpoint, fetched once for every call waiting for one (`OAuth2.makeTokenCache`). No
 * `X-Ovh-*` headers and no server time: the token alone authenticates. A 401 to a bearer request
 * means the token died before its announced expiry (revoked, clocks apart): one new token is fetched
 * and the request sent once more.
 */
import * as Effect from "effect/Effect"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as Redacted from "effect/Redacted"
import type * as OAuth2 from "../OAuth2.ts"
import type * as Authenticator from "./authenticator.ts"
import { withHeaders } from "./encode.ts"
import type * as Send from "./send.ts"

const bearer = (request: HttpClientRequest.HttpClientRequest, token: OAuth2.Token) =>
  withHeaders(request, { authorization: `Bearer ${Redacted.value(token.accessToken)}` })

/** The OAuth2 stage over a token cache. */
export const make = (tokens: OAuth2.TokenCache, send: Send.Send): Authenticator.Authenticator => ({
  prelude: "an OAuth2 token",
  exchange: (request, target, needAuth, state, read) => {
    if (!needAuth) {
      state.sent = true
      return Effect.flatMap(send(request, target), read)
    }
    return Effect.flatMap(tokens.get, (token) => {
      state.sent = true
      return Effect.flatMap(send(bearer(request, token), target), (response) =>
        response.status !== 401
          ? read(response)
          : Effect.andThen(
            Effect.ignore(response.text),
            Effect.flatMap(
              tokens.renew(token.accessToken),
              (renewed) => Effect.flatMap(send(bearer(request, renewed), target), read)
            )
          ))
    })
  }
})
