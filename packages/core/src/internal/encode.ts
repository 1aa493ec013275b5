/**
 * The first stage of a call: its description (method, path or path template, parameters, options)
 * becomes the wire request, an `HttpClientRequest` whose URL and body are final, byte for byte what
 * is signed and sent. Every input that cannot be encoded is a `BadParameters`, and nothing is sent.
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Headers from "effect/http/Headers"
import * as HttpBody from "effect/http/HttpBody"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as UrlParams from "effect/http/UrlParams"
import * as Option from "effect/Option"
import * as Redactable from "effect/Redactable"
import * as Endpoint from "../Endpoint.ts"
import * as OvhError from "../OvhError.ts"
import type * as RetryPolicy from "../RetryPolicy.ts"
import { credentialHeaders } from "./scrub.ts"
import { version } from "./version.ts"

/** An HTTP method of the API. */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

/** A query-string value: booleans become `true`/`false`, arrays repeat the key, `undefined` is dropped. */
export type QueryValue =
  | string
  | number
  | boolean
  | null
  | undefined
  | ReadonlyArray<string | number | boolean>

/** Query parameters of a GET or DELETE. */
export type Query = Readonly<Record<string, QueryValue>>

/** Options of one call. */
export interface CallOptions {
  /** `false` sends the call unsigned (e.g. `/auth/time`, `/auth/credential`). Default `true`. */
  readonly needAuth?: boolean | undefined
  /** Extra request headers (e.g. `X-Ovh-Nic`); authentication headers are written over them. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /**
   * This call's timeout, instead of the client's: it bounds each attempt, including the wait for the
   * server time or the OAuth2 token, and interrupts its request.
   */
  readonly timeout?: Duration.Input | undefined
  /**
   * This call's retries, on top of the client's policy: a `Schedule`, changes to the policy
   * (`{ idempotent: true }` lets a POST be sent again), or `false` for a single attempt.
   */
  readonly retry?: RetryPolicy.Retry | undefined
  /** The route's template (`/me/bill/{billId}`), recorded on the call's span. */
  readonly template?: string | undefined
}

/** A full request. */
export interface Request extends CallOptions {
  readonly method: Method
  readonly path: string
  readonly query?: Query | undefined
  /** The JSON body; `undefined` sends no body. */
  readonly body?: unknown
}

/** `User-Agent` of every request. */
export const userAgent = `effect-ovh/${version}`

// Python keywords (python-ovh's rule) and JavaScript reserved words: `_from` is sent as `from`.
const RESERVED = new Set([
  "and",
  "as",
  "assert",
  "async",
  "await",
  "break",
  "case",
  "catch",
  "class",
  "const",
  "continue",
  "debugger",
  "def",
  "default",
  "del",
  "delete",
  "do",
  "elif",
  "else",
  "enum",
  "except",
  "export",
  "extends",
  "false",
  "finally",
  "for",
  "from",
  "function",
  "global",
  "if",
  "import",
  "in",
  "instanceof",
  "is",
  "lambda",
  "let",
  "new",
  "nonlocal",
  "not",
  "null",
  "or",
  "pass",
  "raise",
  "return",
  "super",
  "switch",
  "this",
  "throw",
  "true",
  "try",
  "typeof",
  "var",
  "void",
  "while",
  "with",
  "yield"
])

/** A parameter name as sent: a leading `_` is stripped when the rest is a reserved word (`_from` → `from`). */
export const canonicalName = (name: string): string =>
  name.length > 1 && name.startsWith("_") && RESERVED.has(name.slice(1)) ? name.slice(1) : name

const canonicalize = (params: Readonly<Record<string, unknown>>): Record<string, unknown> => {
  const out: Record<string, unknown> = {}
  for (const key of Object.keys(params)) out[canonicalName(key)] = params[key]
  return out
}

// Only RFC 3986 unreserved characters stay bare, so the WHATWG URL parser never re-encodes what we signed.
// A lone surrogate throws a URIError here, which `toWire` turns into a BadParameters.
const encodeComponent = (value: string): string =>
  encodeURIComponent(value).replace(/[!'()*]/g, (c) => "%" + c.charCodeAt(0).toString(16).toUpperCase())

// Maps (e.g. `iamTags`, `map[string][]iam.resource.TagFilter`) have no declared query-string form: they go as JSON.
const queryValue = (value: string | number | boolean | null | object): string =>
  value === null
    ? "null"
    : typeof value === "boolean"
    ? (value ? "true" : "false")
    : typeof value === "object"
    ? JSON.stringify(value)
    : String(value)

/** The query string of `params` (without `?`), in insertion order. Throws on a value JSON cannot write. */
export const encodeQuery = (params: Query): string => {
  const parts: Array<string> = []
  for (const rawKey of Object.keys(params)) {
    const value = params[rawKey]
    if (value === undefined) continue
    const key = encodeComponent(canonicalName(rawKey))
    if (Array.isArray(value)) {
      for (const item of value as ReadonlyArray<string | number | boolean>) {
        parts.push(key + "=" + encodeComponent(queryValue(item)))
      }
    } else {
      parts.push(key + "=" + encodeComponent(queryValue(value)))
    }
  }
  return parts.join("&")
}

/**
 * Compact JSON with every non-ASCII character escaped as `\uXXXX`, byte for byte what the official
 * wrappers send. Throws on what JSON cannot write (a cycle, a `BigInt`, a throwing `toJSON`).
 */
export const encodeBody = (body: unknown): string => {
  const json = JSON.stringify(body)
  // `undefined`, a function or a symbol at the top gives no JSON at all
  if (json === undefined) throw new TypeError(`${typeof body} is not a JSON value`)
  return json.replace(/[\u0080-\uffff]/g, (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"))
}

/** The absolute URL of a request as it goes on the wire (the string that is signed). */
export const urlOf = (baseUrl: string, path: string, query?: Query): string => {
  const base = Endpoint.target(baseUrl, path)
  const qs = query === undefined ? "" : encodeQuery(query)
  const raw = qs === "" ? base : base + (base.includes("?") ? "&" : "?") + qs
  // Serialize as the HTTP layer will: spaces or non-ASCII in a path get percent-encoded here, before signing.
  return new URL(raw).href
}

const badParameters = (method: string, path: string, message: string) =>
  new OvhError.BadParameters({ status: 0, method, path, message })

// The URL parser resolves `.` and `..` (and `%2E`, `%2e%2E`...) as dot segments before anything is signed, so
// `{ id: ".." }` would move a call to another route; an empty value drops a segment. No OVHcloud identifier is
// one of these, so they are refused rather than encoded.
const routeChanging = (value: string): boolean => value === "" || value === "." || value === ".."

/**
 * The request of `get`, `post`, `put` and `delete`. A path may be a template (\`/me/bill/{billId}\`):
 * each \`{name}\` takes \`params[name]\`, percent-encoded, and the template is recorded on the call's span.
 * For GET and DELETE the other parameters are the query (objects as JSON); for POST and PUT they are
 * the JSON body, except \`$query\` (query parameters of a POST or PUT) and \`$body\` (a body that is not
 * an object: an array, a string). A POST or PUT whose parameters all went into the path sends no body,
 * as python-ovh (no keyword arguments, no body). A placeholder without its parameter, or whose value
 * would change the route (empty, `.`, `..`), is a `BadParameters`, sent nowhere.
 */
export const request = (
  method: Method,
  path: string,
  params?: Readonly<Record<string, unknown>> | undefined,
  options?: CallOptions | undefined
): Request | OvhError.BadParameters => {
  let rest = params
  let target = path
  let template = options?.template
  if (path.includes("{")) {
    const left: Record<string, unknown> = { ...params }
    let refused: string | undefined
    try {
      target = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
        const value = left[name]
        delete left[name]
        if (value === undefined || value === null) {
          refused ??=
            `the path parameter ${name} of ${path} is missing: pass it in the parameters, e.g. { ${name}: ... }`
          return ""
        }
        const text = String(value)
        if (routeChanging(text)) {
          refused ??= `the path parameter ${name} of ${path} is ${JSON.stringify(text)}, which would change the route`
          return ""
        }
        return encodeComponent(text)
      })
    } catch (error) {
      refused ??= `a path parameter of ${path} cannot be encoded: ${(error as Error).message}`
    }
    if (refused !== undefined) return badParameters(method, path, refused)
    template ??= path
    rest = Object.keys(left).length === 0 ? undefined : left
  }
  const base: Request = template === undefined
    ? { ...options, method, path: target }
    : { ...options, method, path: target, template }
  if (method === "GET" || method === "DELETE") return rest === undefined ? base : { ...base, query: rest as Query }
  if (rest === undefined) return base
  if (!("$body" in rest) && !("$query" in rest)) return { ...base, body: canonicalize(rest) }
  const { $body, $query, ...fields } = rest
  return {
    ...base,
    query: $query as Query | undefined,
    body: $body !== undefined ? $body : Object.keys(fields).length > 0 ? canonicalize(fields) : undefined
  }
}

// RFC 9110: a method or header name is a token; a field value has no CR, LF or NUL
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const FIELD_VALUE = /^[^\r\n\0]*$/

/** `input` as a timeout: a duration of zero or more, or `undefined` when it is none (`"abc"`, `-1`, `NaN`). */
export const timeoutOf = (input: Duration.Input): Duration.Duration | undefined => {
  const duration = Duration.fromInput(input)
  if (Option.isNone(duration)) return undefined
  const millis = Duration.toMillis(duration.value)
  return Number.isNaN(millis) || millis < 0 ? undefined : duration.value
}

/** The exact text of a wire request's body, as signed ("" when there is none). */
export const bodyText = (request: HttpClientRequest.HttpClientRequest): string => {
  const body = request.body
  return body._tag === "Uint8Array" ? body.text ?? new TextDecoder().decode(body.body) : ""
}

/**
 * The wire request of `request` against `baseUrl`: final URL, JSON body, `Accept`, `User-Agent` and the
 * caller's headers (lower-cased). Credentials are added by the authentication stage.
 */
export const toWire = (
  baseUrl: string,
  request: Request
): HttpClientRequest.HttpClientRequest | OvhError.BadParameters => {
  const method = request.method.toUpperCase()
  let url: string
  let body: string | undefined
  let what = "query"
  try {
    url = urlOf(baseUrl, request.path, request.query)
    what = "body"
    body = request.body === undefined ? undefined : encodeBody(request.body)
  } catch (error) {
    return badParameters(method, request.path, `the ${what} cannot be encoded: ${(error as Error).message}`)
  }
  if (!TOKEN.test(method)) return badParameters(method, request.path, `${JSON.stringify(method)} is not an HTTP method`)
  if (request.timeout !== undefined && timeoutOf(request.timeout) === undefined) {
    return badParameters(
      method,
      request.path,
      `the timeout ${String(request.timeout)} is not a duration of zero or more`
    )
  }
  const headers: Record<string, string> = {}
  if (request.headers !== undefined) {
    for (const name in request.headers) {
      const value = request.headers[name]!
      // undici would refuse these before sending; refused here, they are the caller's error, never retried
      if (!TOKEN.test(name) || typeof value !== "string" || !FIELD_VALUE.test(value)) {
        return badParameters(method, request.path, `the header ${JSON.stringify(name)} has an invalid name or value`)
      }
      headers[name.toLowerCase()] = value
    }
  }
  headers["accept"] = "application/json"
  headers["user-agent"] = userAgent
  if (body !== undefined) headers["content-type"] = "application/json"
  return HttpClientRequest.makeWith(
    method,
    url,
    UrlParams.empty,
    Option.none(),
    Headers.fromRecordUnsafe(headers),
    body === undefined ? HttpBody.empty : HttpBody.text(body, "application/json")
  )
}

// Headers that print their credentials redacted wherever they are printed, inside a fiber or not (Effect's own
// headers redact only the names of `Headers.CurrentRedactedNames` in the printing fiber, which has neither
// `x-ovh-consumer` nor `x-ovh-signature` by default): a response from `raw()` or an `HttpClientError` holds the
// request, and printing it must not show the credentials it was sent with.
const CredentialHeadersProto: object = Object.create(Object.getPrototypeOf(Headers.empty), {
  [Redactable.symbolRedactable]: {
    value(this: Headers.Headers, context: Context.Context<never>) {
      return Headers.redact(this, [...Context.get(context, Headers.CurrentRedactedNames), ...credentialHeaders])
    }
  }
})

/** `request` with `headers` added (written over its own); its headers print with the credentials redacted. */
export const withHeaders = (
  request: HttpClientRequest.HttpClientRequest,
  headers: Readonly<Record<string, string>>
): HttpClientRequest.HttpClientRequest =>
  HttpClientRequest.makeWith(
    request.method,
    request.url,
    request.urlParams,
    request.hash,
    Object.assign(Object.create(CredentialHeadersProto), request.headers, headers) as Headers.Headers,
    request.body
  )
