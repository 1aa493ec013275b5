/**
 * Authentication by application key: `X-Ovh-Application`, `X-Ovh-Consumer`, `X-Ovh-Timestamp` and
 * the `X-Ovh-Signature` of the exact method, URL, body and timestamp. The timestamp is the server
 * time, learned once (`TimeDelta`) before the first signed request.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import type * as OvhConfig from "../OvhConfig.ts"
import * as OvhError from "../OvhError.ts"
import * as Signature from "../Signature.ts"
import * as TimeDelta from "../TimeDelta.ts"
import type * as Authenticator from "./authenticator.ts"
import { bodyText, withHeaders } from "./encode.ts"
import type * as Send from "./send.ts"

/** Why a client that does not sign with an application key cannot take a consumer key. */
export const notApplicationKey = (auth: OvhConfig.OAuth2Auth | OvhConfig.AccessTokenAuth): OvhError.InvalidKey =>
  new OvhError.InvalidKey({
    status: 0,
    method: "",
    path: "",
    message: `a consumer key belongs to an application key, but this client authenticates with ${
      auth._tag === "OAuth2" ? "OAuth2 client credentials" : "an access token"
    }`
  })

/** The application-key stage. */
export const make = (
  auth: OvhConfig.ApplicationKeyAuth,
  timeDelta: TimeDelta.TimeDelta["Service"],
  send: Send.Send
): Authenticator.Authenticator => {
  const application = { "x-ovh-application": auth.applicationKey }
  return {
    prelude: "the server time (GET /auth/time)",
    exchange: (request, target, needAuth, state, read) => {
      if (!needAuth) {
        state.sent = true
        return Effect.flatMap(send(withHeaders(request, application), target), read)
      }
      if (Option.isNone(auth.consumerKey)) {
        return Effect.fail(
          new OvhError.InvalidKey({
            status: 0,
            method: target.method,
            path: target.path,
            message: "no consumer key is configured: set consumer_key (OVH_CONSUMER_KEY) or request one " +
              "with ConsumerKey.request, then validate it"
          })
        )
      }
      const consumerKey = auth.consumerKey.value
      return Effect.flatMap(timeDelta.sample, (sample) =>
        Effect.clockWith((clock) => {
          const timestamp = TimeDelta.timestampAt(sample, clock.currentTimeMillisUnsafe())
          state.generation = sample.generation
          state.sent = true
          const signed = withHeaders(request, {
            ...application,
            "x-ovh-consumer": Redacted.value(consumerKey),
            "x-ovh-timestamp": String(timestamp),
            "x-ovh-signature": Signature.sign({
              applicationSecret: auth.applicationSecret,
              consumerKey,
              method: request.method,
              url: request.url,
              body: bodyText(request),
              timestamp
            })
          })
          return Effect.flatMap(send(signed, target), read)
        }))
    }
  }
}
