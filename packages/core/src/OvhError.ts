/**
 * Every failure an OVHcloud call can produce, one tagged class per kind, and the mapping from an
 * HTTP answer to its class: on the API's `errorCode` first, then on the status.
 *
 * @since 0.1.0
 */
import * as Predicate from "effect/Predicate"
import * as Schema from "effect/Schema"

const ApiFields = {
  /** HTTP status of the answer. */
  status: Schema.Int,
  /** The API's `message`, or a short excerpt of a non-JSON error body. */
  message: Schema.String,
  method: Schema.String,
  path: Schema.String,
  /** The API's `errorCode` (`NOT_GRANTED_CALL`, `INVALID_SIGNATURE`...), when it sent one. */
  errorCode: Schema.optionalKey(Schema.String),
  /** The API's error `class` (`Client::Forbidden`...), when it sent one. */
  errorClass: Schema.optionalKey(Schema.String),
  /** `X-Ovh-QueryID` of the answer: quote it to OVHcloud support. */
  queryId: Schema.optionalKey(Schema.String),
  /** The API's `details`, e.g. `unauthorizedActionsByIAM` on IAM denials. */
  details: Schema.optionalKey(Schema.Record(Schema.String, Schema.Unknown))
}

/**
 * 400 `INVALID_SIGNATURE`: the API computed another signature. Usual causes: an application secret
 * or consumer key that does not match the application key, a skewed clock, or a proxy rewriting the URL.
 */
export class InvalidSignature extends Schema.TaggedError<InvalidSignature>()("InvalidSignature", {
  ...ApiFields,
  /** What the client already ruled out and what remains likely, when it could tell. */
  hint: Schema.optionalKey(Schema.String)
}) {}

/** Any other 400: a missing or malformed parameter, or `QUERY_TIME_OUT` (a timestamp out of window). */
export class BadParameters extends Schema.TaggedError<BadParameters>()("BadParameters", ApiFields) {}

/** `INVALID_KEY`: the application key is unknown. Also raised before any request when no consumer key is set. */
export class InvalidKey extends Schema.TaggedError<InvalidKey>()("InvalidKey", ApiFields) {}

/** `INVALID_CREDENTIAL`: the consumer key is pending validation, refused, revoked or expired. */
export class InvalidCredential extends Schema.TaggedError<InvalidCredential>()("InvalidCredential", ApiFields) {}

/** `NOT_CREDENTIAL` or any 401: no consumer key was sent, or the API does not know it. */
export class NotCredential extends Schema.TaggedError<NotCredential>()("NotCredential", ApiFields) {}

/** `NOT_GRANTED_CALL`: the consumer key's access rules do not cover this method and path. */
export class NotGranted extends Schema.TaggedError<NotGranted>()("NotGranted", ApiFields) {}

/** Any other 403, typically an IAM policy denial (see `details.unauthorizedActionsByIAM`). */
export class Forbidden extends Schema.TaggedError<Forbidden>()("Forbidden", ApiFields) {}

/** 404: no such resource or route. */
export class ResourceNotFound extends Schema.TaggedError<ResourceNotFound>()("ResourceNotFound", ApiFields) {}

/** 409: the resource already exists or is in a conflicting state. */
export class ResourceConflict extends Schema.TaggedError<ResourceConflict>()("ResourceConflict", ApiFields) {}

/** 460: the service behind the resource has expired. */
export class ResourceExpired extends Schema.TaggedError<ResourceExpired>()("ResourceExpired", ApiFields) {}

/** 429: the API throttles this client. `retryAfter` is in seconds when the API said. */
export class TooManyRequests extends Schema.TaggedError<TooManyRequests>()("TooManyRequests", {
  ...ApiFields,
  retryAfter: Schema.optionalKey(Schema.Number)
}) {}

/** Any other failing status, including HTML error pages (then `message` is a short excerpt). */
export class ApiError extends Schema.TaggedError<ApiError>()("ApiError", ApiFields) {}

/** No HTTP answer: DNS, TLS, connection refused or reset, or the call's timeout. */
export class NetworkError extends Schema.TaggedError<NetworkError>()("NetworkError", {
  method: Schema.String,
  path: Schema.String,
  reason: Schema.Literals(["Transport", "Timeout"]),
  /** What failed, without the request (its headers hold credentials). */
  detail: Schema.String
}) {
  override get message() {
    return `${this.method} ${this.path}: ${this.reason === "Timeout" ? "timed out" : "no response"} (${this.detail})`
  }
}

/** A 2xx answer whose body is not the JSON the call expects. */
export class InvalidResponse extends Schema.TaggedError<InvalidResponse>()("InvalidResponse", {
  status: Schema.Int,
  method: Schema.String,
  path: Schema.String,
  detail: Schema.String,
  queryId: Schema.optionalKey(Schema.String)
}) {
  override get message() {
    return `${this.method} ${this.path} (${this.status}): invalid response: ${this.detail}`
  }
}

/**
 * The OAuth2 token endpoint gave no access token: the client id or secret is refused
 * (`invalid_client`), the endpoint is unreachable or answered something else. Never holds the secret.
 */
export class OAuth2Failure extends Schema.TaggedError<OAuth2Failure>()("OAuth2Failure", {
  /** Always `POST`: the failing request is the token request, shared by every call waiting for it. */
  method: Schema.String,
  /** The token URL. */
  path: Schema.String,
  /** HTTP status of the token endpoint's answer; 0 when there was none (network, timeout). */
  status: Schema.Int,
  /** The OAuth2 `error` code (`invalid_client`, `invalid_scope`...), when the endpoint sent one. */
  errorCode: Schema.optionalKey(Schema.String),
  /** The OAuth2 `error_description`, or what else went wrong. */
  detail: Schema.String,
  /** `X-Ovh-QueryID` of the token endpoint's answer, when it sent one. */
  queryId: Schema.optionalKey(Schema.String)
}) {
  override get message() {
    const code = this.errorCode === undefined ? "" : ` (${this.errorCode})`
    const status = this.status === 0 ? "no answer" : `HTTP ${this.status}`
    return `OAuth2 token request to ${this.path} failed, ${status}${code}: ${this.detail}`
  }
}

/** The classes of the failures a call can end with before the retry budget steps in. */
const ATTEMPTED = [
  InvalidSignature,
  BadParameters,
  InvalidKey,
  InvalidCredential,
  NotCredential,
  NotGranted,
  Forbidden,
  ResourceNotFound,
  ResourceConflict,
  ResourceExpired,
  TooManyRequests,
  ApiError,
  NetworkError,
  InvalidResponse,
  OAuth2Failure
] as const

const Attempted = Schema.Union(ATTEMPTED)

/**
 * A transient failure that was not retried because the client's retry budget is empty: too many
 * calls are failing at once, so retrying them would only add load. `lastFailure` is what the call met.
 */
export class RetryBudgetExhausted extends Schema.TaggedError<RetryBudgetExhausted>()("RetryBudgetExhausted", {
  method: Schema.String,
  path: Schema.String,
  /** Requests sent for this call. */
  attempts: Schema.Int,
  lastFailure: Attempted
}) {
  override get message() {
    return `${this.method} ${this.path}: not retried, the client's retry budget is empty (too many failing calls) ` +
      `after ${this.attempts} attempt${this.attempts === 1 ? "" : "s"}; last failure: ${this.lastFailure._tag}` +
      `${
        "status" in this.lastFailure && this.lastFailure.status > 0 ? ` (${this.lastFailure.status})` : ""
      }: ${this.lastFailure.message}`
  }
}

/** A failure answered by the API with an HTTP status. */
export type ApiFailure =
  | InvalidSignature
  | BadParameters
  | InvalidKey
  | InvalidCredential
  | NotCredential
  | NotGranted
  | Forbidden
  | ResourceNotFound
  | ResourceConflict
  | ResourceExpired
  | TooManyRequests
  | ApiError

/** Every failure an `OvhClient` call can produce. */
export type OvhError = ApiFailure | NetworkError | InvalidResponse | OAuth2Failure | RetryBudgetExhausted

/** Every error class, each once: the schema and the tag set below come from this list. */
const ALL = [...ATTEMPTED, RetryBudgetExhausted] as const

/** Schema of {@link OvhError}, e.g. to send errors across a worker boundary. */
export const OvhError = Schema.Union(ALL)

/** The tags of {@link OvhError}. */
export type Tag = OvhError["_tag"]

// a TaggedError class's identifier is its tag
const TAGS: ReadonlySet<string> = new Set(ALL.map((error) => error.identifier))

/** Whether `u` is one of the {@link OvhError} classes. */
export const isOvhError = (u: unknown): u is OvhError =>
  Predicate.hasProperty(u, "_tag") && typeof u._tag === "string" && TAGS.has(u._tag)

/** Whether sending the same request again may succeed: no answer, 5xx gateway/server errors, throttling. */
export const isTransient = (error: OvhError): boolean => {
  switch (error._tag) {
    case "NetworkError":
    case "TooManyRequests":
      return true
    case "OAuth2Failure":
      return error.status === 0 || error.status === 429 || error.status >= 500
    case "ApiError":
      return error.status === 500 || error.status === 502 || error.status === 503 || error.status === 504
    default:
      return false
  }
}

/** What an error answer carried, as read by the client. */
export interface Answer {
  readonly status: number
  readonly method: string
  readonly path: string
  readonly queryId: string | undefined
  /** The body: parsed JSON, or the raw text when it is not JSON. */
  readonly body: unknown
  readonly retryAfter?: number | undefined
}

const excerpt = (text: string): string => {
  // markup goes, but not the mark of a part the client's scrubber took out
  const plain = text.replace(/<(?!redacted>)[^>]*>/g, " ").replace(/\s+/g, " ").trim()
  return plain.length > 200 ? plain.slice(0, 200) + "…" : plain
}

/** Maps a failing HTTP answer to its error class: `errorCode` first, then the status. */
export const fromAnswer = (answer: Answer): ApiFailure => {
  const body = answer.body
  const json = Predicate.isObject(body) && !Array.isArray(body) ? body as Record<string, unknown> : undefined
  const errorCode = typeof json?.errorCode === "string" ? json.errorCode : undefined
  const errorClass = typeof json?.class === "string" ? json.class : undefined
  const message = typeof json?.message === "string"
    ? json.message
    : typeof body === "string" && body.length > 0
    ? excerpt(body)
    : `HTTP ${answer.status}`
  const details = Predicate.isObject(json?.details) && !Array.isArray(json.details)
    ? json.details as Record<string, unknown>
    : undefined
  const fields = {
    status: answer.status,
    message,
    method: answer.method,
    path: answer.path,
    ...(errorCode !== undefined ? { errorCode } : {}),
    ...(errorClass !== undefined ? { errorClass } : {}),
    ...(answer.queryId !== undefined ? { queryId: answer.queryId } : {}),
    ...(details !== undefined ? { details } : {})
  }
  switch (errorCode) {
    case "INVALID_SIGNATURE":
      return new InvalidSignature(fields)
    case "INVALID_KEY":
      return new InvalidKey(fields)
    case "INVALID_CREDENTIAL":
      return new InvalidCredential(fields)
    case "NOT_CREDENTIAL":
      return new NotCredential(fields)
    case "NOT_GRANTED_CALL":
      return new NotGranted(fields)
  }
  switch (answer.status) {
    case 400:
      return new BadParameters(fields)
    case 401:
      return new NotCredential(fields)
    case 403:
      return new Forbidden(fields)
    case 404:
      return new ResourceNotFound(fields)
    case 409:
      return new ResourceConflict(fields)
    case 429:
      return new TooManyRequests({
        ...fields,
        ...(answer.retryAfter !== undefined ? { retryAfter: answer.retryAfter } : {})
      })
    case 460:
      return new ResourceExpired(fields)
    default:
      return new ApiError(fields)
  }
}
