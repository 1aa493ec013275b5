/** Authentication by a static access token: `Authorization: Bearer <token>`, nothing to wait for. */
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import type * as OvhConfig from "../OvhConfig.ts"
import type * as Authenticator from "./authenticator.ts"
import { withHeaders } from "./encode.ts"
import type * as Send from "./send.ts"

/** The static-token stage. */
export const make = (auth: OvhConfig.AccessTokenAuth, send: Send.Send): Authenticator.Authenticator => ({
  prelude: undefined,
  exchange: (request, target, needAuth, state, read) => {
    state.sent = true
    const authenticated = needAuth
      ? withHeaders(request, { authorization: `Bearer ${Redacted.value(auth.accessToken)}` })
      : request
    return Effect.flatMap(send(authenticated, target), read)
  }
})
