/**
 * The one scrubber of a client: what a server, proxy or WAF echoes of a request must not leave the
 * client through an error, a span or a printed value. It knows the client's secrets (from its
 * settings, and those learned at run time: OAuth2 access tokens, consumer keys given to
 * `withConsumerKey`) and the shapes credentials take on the wire:
 *
 * - an echoed credential header (`X-Ovh-Consumer`, `X-Ovh-Signature`, `Authorization`,
 *   `Proxy-Authorization`) loses its value in text and its key in a JSON object;
 * - an application-key signature (`$1$` and hex digits, whole or cut), a `Bearer` or `Basic`
 *   credential and the password of a URL (`https://user:password@host`) are replaced;
 * - every run of 8 characters of a known secret, in any of the forms it is sent in (as is,
 *   form-encoded, the `Basic` base64 of an OAuth2 client's id and secret), is replaced, so that an
 *   excerpt cut in the middle of a secret does not keep the rest of it.
 *
 * A replaced part reads `<redacted>`. It runs only on failures: where a failing answer, a transport
 * failure or an OAuth2 token failure becomes an error, and on the error that ends an attempt's span.
 * A successful answer's body is never scrubbed: a span's exit holds a sealed reply instead
 * (`internal/observe`), and a signed request's headers print redacted (`internal/encode`).
 */
import * as Predicate from "effect/Predicate"
import * as Redacted from "effect/Redacted"
import type * as OvhConfig from "../OvhConfig.ts"

/** What a scrubbed part reads. */
export const REDACTED = "<redacted>"

/** The request headers that carry credentials (`X-Ovh-Application` names an application and is no secret). */
export const credentialHeaders: ReadonlyArray<string> = [
  "x-ovh-consumer",
  "x-ovh-signature",
  "authorization",
  "proxy-authorization"
]

const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set(credentialHeaders)

/** `value` form-encoded (RFC 6749 §2.3.1, for the id and secret of `Basic` credentials): `%20` as `+`. */
export const formEncode = (value: string): string => encodeURIComponent(value).replace(/%20/g, "+")

/** The base64 of `text`'s UTF-8 bytes. */
export const base64 = (text: string): string => {
  const bytes = new TextEncoder().encode(text)
  let binary = ""
  for (const byte of bytes) binary += String.fromCharCode(byte)
  return btoa(binary)
}

// how deep `value` looks into a JSON value
const MAX_DEPTH = 64

/** The length of the shortest run of a secret that is scrubbed. */
export const RUN = 8

// A shorter secret is replaced only where it appears whole; one of fewer than 4 characters would
// mangle every word and is no secret anyway.
const SHORTEST = 4

// `X-Ovh-Consumer: v`, `"x-ovh-signature": "v"`, `'Authorization': 'Bearer v'`, `authorization=v`: the value
// up to the end of its line, quote, markup or list separator (a value already `<redacted>` is left as it is)
const HEADER_ECHO =
  /(x-ovh-consumer|x-ovh-signature|proxy-authorization|authorization)(["']?\s*[:=]\s*["']?)[^\s"'<&,;}\]][^\r\n"'<&,;}\]]*/gi
// a signature, whole or cut
const SIGNATURE = /\$1\$[0-9a-f]+/gi
// a credential has a digit or a base64 sign, so that "Basic authentication" stays as written
const SCHEME_CREDENTIAL = /\b(Bearer|Basic)(\s+)(?=[A-Za-z0-9._~+/-]*[0-9+/=])[A-Za-z0-9._~+/=-]{8,}/gi
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:"'<>]*):[^\s/?#@"'<>]*@/gi
// what every shape above contains: a text without it is left as it is, for the price of one test
const ANY_SHAPE = /x-ovh-|authorization|\$1\$|bearer|basic|:\/\//i

/** The forms of one secret as it goes on the wire. */
const formsOf = (secret: string): Array<string> => {
  const forms = [secret]
  const encoded = formEncode(secret)
  if (encoded !== secret) forms.push(encoded)
  return forms
}

/** The secrets in `auth`, in every form they are sent in. */
export const secretsOf = (auth: OvhConfig.Auth): Array<string> => {
  switch (auth._tag) {
    case "ApplicationKey":
      return [
        ...formsOf(Redacted.value(auth.applicationSecret)),
        ...(auth.consumerKey._tag === "Some" ? formsOf(Redacted.value(auth.consumerKey.value)) : [])
      ]
    case "OAuth2":
      return oauth2Secrets(auth.clientId, Redacted.value(auth.clientSecret))
    case "AccessToken":
      return formsOf(Redacted.value(auth.accessToken))
  }
}

/**
 * An OAuth2 client's secret as is, form-encoded, and the `Basic` credentials that carry it (RFC 6749
 * §2.3.1: base64 of the form-encoded id, a colon and the form-encoded secret).
 */
export const oauth2Secrets = (clientId: string, secret: string): Array<string> => [
  ...formsOf(secret),
  base64(`${formEncode(clientId)}:${formEncode(secret)}`)
]

/** A scrubber: `text`, `value` and `error` return their input itself when there was nothing to scrub. */
export interface Scrubber {
  /** Adds a secret learned at run time (an OAuth2 access token, a consumer key). */
  readonly learn: (secret: string | Redacted.Redacted<string>) => void
  readonly text: (text: string) => string
  /** A JSON value: strings scrubbed, credential headers' keys dropped from objects, errors rebuilt scrubbed. */
  readonly value: (value: unknown) => unknown
  /** An error with every field, its details and its message scrubbed; the same instance when all were clean. */
  readonly error: <E>(error: E) => E
}

/** A scrubber knowing `secrets` (and any learned later). */
export const make = (secrets: ReadonlyArray<string> = []): Scrubber => {
  const runs = new Set<string>()
  // the first two characters of every run (their low bytes): a position whose two characters are not among
  // them starts no run, and is passed without cutting out its 8 characters
  const starts = new Uint8Array(65536)
  const pairAt = (s: string, i: number) => ((s.charCodeAt(i) & 0xff) << 8) | (s.charCodeAt(i + 1) & 0xff)
  const short: Array<string> = []
  const learnOne = (secret: string) => {
    if (secret.length >= RUN) {
      for (let i = 0; i + RUN <= secret.length; i++) {
        runs.add(secret.slice(i, i + RUN))
        starts[pairAt(secret, i)] = 1
      }
    } else if (secret.length >= SHORTEST && !short.includes(secret)) {
      short.push(secret)
    }
  }
  for (const secret of secrets) learnOne(secret)

  const knownRuns = (s: string): string => {
    if (runs.size === 0 || s.length < RUN) return s
    let out = ""
    let last = 0
    let start = -1
    let end = -1
    for (let i = 0; i + RUN <= s.length; i++) {
      if (starts[pairAt(s, i)] === 0 || !runs.has(s.slice(i, i + RUN))) continue
      if (start < 0 || i > end) {
        if (start >= 0) out += s.slice(last, start) + REDACTED
        last = end < 0 ? 0 : end
        start = i
      }
      end = i + RUN
    }
    if (start < 0) return s
    return out + s.slice(last, start) + REDACTED + s.slice(end)
  }

  const text = (s: string): string => {
    let out = !ANY_SHAPE.test(s) ? s : s.replace(HEADER_ECHO, `$1$2${REDACTED}`)
      .replace(SIGNATURE, REDACTED)
      .replace(SCHEME_CREDENTIAL, `$1$2${REDACTED}`)
      .replace(URL_PASSWORD, `$1:${REDACTED}@`)
    for (const secret of short) if (out.includes(secret)) out = out.split(secret).join(REDACTED)
    out = knownRuns(out)
    return out === s ? s : out
  }

  const value = (u: unknown, depth = 0): unknown => {
    if (typeof u === "string") return text(u)
    if (u === null || typeof u !== "object") return u
    // a hostile answer may nest deeper than a stack goes: what lies that deep is not looked into, but dropped
    if (depth > MAX_DEPTH) return REDACTED
    if (Array.isArray(u)) {
      let changed = false
      const out = u.map((item) => {
        const scrubbed = value(item, depth + 1)
        if (scrubbed !== item) changed = true
        return scrubbed
      })
      return changed ? out : u
    }
    if (u instanceof Error) return error(u)
    if (!Predicate.isObject(u) || Redacted.isRedacted(u)) return u
    const proto = Object.getPrototypeOf(u)
    if (proto !== Object.prototype && proto !== null) return u
    let changed = false
    const out: Record<string, unknown> = {}
    for (const key of Object.keys(u)) {
      if (CREDENTIAL_HEADERS.has(key.toLowerCase())) {
        changed = true
        continue
      }
      const item = (u as Record<string, unknown>)[key]
      const scrubbed = value(item, depth + 1)
      if (scrubbed !== item) changed = true
      out[key] = scrubbed
    }
    return changed ? out : u
  }

  const error = <E>(e: E): E => {
    // the client's errors are tagged classes built from their fields; a foreign error is left as it is
    if (!(e instanceof Error) || !Predicate.hasProperty(e, "_tag")) return e
    const fields: Record<string, unknown> = {}
    let changed = false
    for (const key of Object.keys(e)) {
      if (key === "_tag") continue
      const item = (e as unknown as Record<string, unknown>)[key]
      const scrubbed = value(item)
      if (scrubbed !== item) changed = true
      fields[key] = scrubbed
    }
    // a stored message (the API's text); a computed one comes from the fields above
    if (Object.hasOwn(e, "message")) {
      const scrubbed = text(e.message)
      if (scrubbed !== e.message) changed = true
      fields.message = scrubbed
    }
    return changed ? new (e.constructor as new(fields: Record<string, unknown>) => E)(fields) : e
  }

  return {
    learn: (secret) => learnOne(Redacted.isRedacted(secret) ? Redacted.value(secret) : secret),
    text,
    value,
    error
  }
}

/** The scrubber of a client of `auth`. */
export const forAuth = (auth: OvhConfig.Auth): Scrubber => make(secretsOf(auth))

/**
 * A scrubber knowing no secret and learning none: credential headers, signatures, `Bearer`/`Basic`
 * credentials, URL passwords (for `/auth/time` and the token request, which carry no secret of their own).
 */
export const shapes: Scrubber = { ...make(), learn: () => {} }
