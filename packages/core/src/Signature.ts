/**
 * The OVHcloud request signature: `"$1$" + sha1_hex(AS+CK+METHOD+URL+BODY+TIMESTAMP)`, joined by `+`.
 *
 * Pure and synchronous: it needs no platform service, so the same function signs requests in
 * Node, browsers and workers, and the fake API uses it to verify them.
 *
 * @since 0.1.0
 */
import * as Redacted from "effect/Redacted"
import { sha1Hex } from "./internal/sha1.ts"

/** What a signature covers. `url` is the absolute URL exactly as sent, `body` the exact bytes sent. */
export interface Input {
  readonly applicationSecret: Redacted.Redacted<string> | string
  readonly consumerKey: Redacted.Redacted<string> | string
  readonly method: string
  readonly url: string
  readonly body: string
  readonly timestamp: number | string
}

const reveal = (value: Redacted.Redacted<string> | string): string =>
  typeof value === "string" ? value : Redacted.value(value)

/** The string that is hashed. It holds secrets: never log it. */
export const payload = (input: Input): string =>
  reveal(input.applicationSecret) + "+" + reveal(input.consumerKey) + "+" + input.method.toUpperCase() + "+" +
  input.url + "+" + input.body + "+" + String(input.timestamp)

/** The `X-Ovh-Signature` header value for a request. */
export const sign = (input: Input): string => "$1$" + sha1Hex(payload(input))

/** Whether `signature` is the one `input` produces, compared in constant time. */
export const verify = (input: Input, signature: string): boolean => {
  const expected = sign(input)
  if (expected.length !== signature.length) return false
  let diff = 0
  for (let i = 0; i < expected.length; i++) diff |= expected.charCodeAt(i) ^ signature.charCodeAt(i)
  return diff === 0
}
