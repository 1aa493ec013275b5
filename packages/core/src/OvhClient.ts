/**
 * The OVHcloud API client: `get`, `post`, `put`, `delete` with python-ovh's semantics, `call` for
 * full control, `send` for the answer's headers too, and `raw` for the HTTP response itself.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Endpoint from "./Endpoint.ts"
import * as OAuth2 from "./OAuth2.ts"
import * as OvhConfig from "./OvhConfig.ts"
import * as OvhError from "./OvhError.ts"
import * as OvhTransport from "./OvhTransport.ts"
import * as RateLimiter from "./RateLimiter.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import * as Signature from "./Signature.ts"
import * as TimeDelta from "./TimeDelta.ts"
import * as Transport from "./internal/transport.ts"

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
  /** This call's timeout, instead of the client's: it bounds each attempt and interrupts its request. */
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

/** An answer: its status, headers, `X-Ovh-QueryID` and decoded JSON body. */
export type Reply<A = unknown> = Transport.Reply<A>

/** What a client does. */
export interface Service {
  readonly settings: OvhConfig.Settings
  /** Sends a request and decodes its JSON answer (204, empty bodies and `null` give `null`). */
  readonly call: <A = unknown>(request: Request) => Effect.Effect<A, OvhError.OvhError>
  /** Like `call`, keeping the status and headers (pagination, query ids). */
  readonly send: <A = unknown>(request: Request) => Effect.Effect<Reply<A>, OvhError.OvhError>
  /** Sends a request and returns the HTTP response as it came, whatever its status. */
  readonly raw: (
    request: Request
  ) => Effect.Effect<HttpClientResponse.HttpClientResponse, OvhError.NetworkError | OvhError.InvalidKey | OvhError.OvhError>
  /**
   * `GET path?params`. The path may be a template: `get("/me/bill/{billId}", { billId })` puts `billId`
   * in the path and the other parameters in the query (see {@link request}).
   */
  readonly get: <A = unknown>(path: string, params?: Query, options?: CallOptions) => Effect.Effect<A, OvhError.OvhError>
  /** `DELETE path?params`, with path templates as `get`. */
  readonly delete: <A = unknown>(
    path: string,
    params?: Query,
    options?: CallOptions
  ) => Effect.Effect<A, OvhError.OvhError>
  /**
   * `POST path` with `params` as a JSON body (none when `params` is absent), with path templates as `get`:
   * `post("/email/domain/{domain}/redirection", { domain, from, to, localCopy })`.
   */
  readonly post: <A = unknown>(
    path: string,
    params?: Readonly<Record<string, unknown>>,
    options?: CallOptions
  ) => Effect.Effect<A, OvhError.OvhError>
  /** `PUT path` with `params` as a JSON body (none when `params` is absent), with path templates as `post`. */
  readonly put: <A = unknown>(
    path: string,
    params?: Readonly<Record<string, unknown>>,
    options?: CallOptions
  ) => Effect.Effect<A, OvhError.OvhError>
  /**
   * The same client (HTTP client, learned time delta) signing with another consumer key of the same
   * application, e.g. one just requested with `ConsumerKey.request`. Fails when the client does not
   * authenticate with an application key.
   */
  readonly withConsumerKey: (
    consumerKey: string | Redacted.Redacted<string>
  ) => Effect.Effect<Service, OvhError.InvalidKey>
}

/** Options of a client's layer: its resilience defaults. */
export interface Options {
  /** The client's retry policy (default `RetryPolicy.defaultPolicy`); `{ idempotent: true }` retries POST too. */
  readonly retry?: RetryPolicy.Retry | undefined
  /** The client-wide retry budget (default `RetryPolicy.defaultBudget`); `false` for none. */
  readonly retryBudget?: RetryPolicy.BudgetOptions | false | undefined
  /** The per-call timeout, instead of the configured one (`OVH_TIMEOUT`, default 180 s). */
  readonly timeout?: Duration.Input | undefined
}

/** The client in scope. */
export class OvhClient extends Context.Service<OvhClient, Service>()("@effect-ovh/core/OvhClient") {
  /** The client over the `HttpClient`, `OvhConfig` and `TimeDelta` in context. */
  static readonly layerWithoutTimeDelta: Layer.Layer<
    OvhClient,
    never,
    OvhConfig.OvhConfig | TimeDelta.TimeDelta | HttpClient.HttpClient
  > = Layer.effect(OvhClient, Effect.suspend(() => make))

  /** Like `layer`, with resilience options (retry policy, retry budget, timeout). */
  static readonly layerWith = (
    options: Options
  ): Layer.Layer<OvhClient | TimeDelta.TimeDelta, never, OvhConfig.OvhConfig | HttpClient.HttpClient> =>
    Layer.effect(OvhClient, Effect.suspend(() => makeWith(options))).pipe(Layer.provideMerge(TimeDelta.TimeDelta.layer))

  /** The client, learning the server time itself. Needs an `HttpClient` and `OvhConfig`. */
  static readonly layer: Layer.Layer<OvhClient | TimeDelta.TimeDelta, never, OvhConfig.OvhConfig | HttpClient.HttpClient> =
    OvhClient.layerWithoutTimeDelta.pipe(Layer.provideMerge(TimeDelta.TimeDelta.layer))
}

// Python keywords (python-ovh's rule) and JavaScript reserved words: `_from` is sent as `from`.
const RESERVED = new Set([
  "and", "as", "assert", "async", "await", "break", "case", "catch", "class", "const", "continue", "debugger", "def",
  "default", "del", "delete", "do", "elif", "else", "enum", "except", "export", "extends", "false", "finally", "for",
  "from", "function", "global", "if", "import", "in", "instanceof", "is", "lambda", "let", "new", "nonlocal", "not",
  "null", "or", "pass", "raise", "return", "super", "switch", "this", "throw", "true", "try", "typeof", "var", "void",
  "while", "with", "yield"
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

/** The query string of `params` (without `?`), in insertion order. */
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

/** Compact JSON with every non-ASCII character escaped as `\uXXXX`, byte for byte what the official wrappers send. */
export const encodeBody = (body: unknown): string =>
  JSON.stringify(body).replace(
    /[\u0080-\uffff]/g,
    (c) => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0")
  )

/** The absolute URL of a request as it goes on the wire (the string that is signed). */
export const urlOf = (baseUrl: string, path: string, query?: Query): string => {
  const base = Endpoint.target(baseUrl, path)
  const qs = query === undefined ? "" : encodeQuery(query)
  const raw = qs === "" ? base : base + (base.includes("?") ? "&" : "?") + qs
  // Serialize as the HTTP layer will: spaces or non-ASCII in a path get percent-encoded here, before signing.
  return new URL(raw).href
}

/**
 * The request of `get`, `post`, `put` and `delete`. A path may be a template (\`/me/bill/{billId}\`):
 * each \`{name}\` takes \`params[name]\`, percent-encoded, and the template is recorded on the call's span.
 * For GET and DELETE the other parameters are the query (objects as JSON); for POST and PUT they are
 * the JSON body, except \`$query\` (query parameters of a POST or PUT) and \`$body\` (a body that is not
 * an object: an array, a string). A placeholder without its parameter is a `BadParameters`, sent nowhere.
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
    let missing: string | undefined
    target = path.replace(/\{([^}]+)\}/g, (_, name: string) => {
      const value = left[name]
      if (value === undefined || value === null) missing ??= name
      delete left[name]
      return encodeURIComponent(String(value))
    })
    if (missing !== undefined) {
      return new OvhError.BadParameters({
        status: 0,
        method,
        path,
        message: `the path parameter ${missing} of ${path} is missing: pass it in the parameters, e.g. { ${missing}: ... }`
      })
    }
    template ??= path
    rest = left
  }
  const base: Request = template === undefined ? { ...options, method, path: target } : { ...options, method, path: target, template }
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

const makeWith = (
  options: Options,
  // what a client made by `withConsumerKey` shares with its parent
  shared?: {
    readonly budget: RetryPolicy.Budget
    readonly limiter: Option.Option<RateLimiter.RateLimiter["Service"]>
    readonly direct: Option.Option<OvhTransport.Service>
  }
): Effect.Effect<
  OvhClient["Service"],
  never,
  OvhConfig.OvhConfig | TimeDelta.TimeDelta | HttpClient.HttpClient
> => Effect.gen(function*() {
  const settings = yield* OvhConfig.OvhConfig
  const timeDelta = yield* TimeDelta.TimeDelta
  const http = yield* HttpClient.HttpClient
  const direct = shared?.direct ?? (yield* Effect.serviceOption(OvhTransport.OvhTransport))
  const auth = settings.auth
  const tokens = auth._tag === "OAuth2"
    ? OAuth2.makeTokenCache(OAuth2.fetchToken(http, auth, { timeout: settings.timeout }))
    : undefined

  const prepare = (request: Request): Transport.Prepared => {
    const method = request.method.toUpperCase()
    const url = urlOf(settings.endpoint.url, request.path, request.query)
    const body = request.body === undefined ? undefined : encodeBody(request.body)
    const headers: Record<string, string> = {}
    if (request.headers) for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = v
    headers["accept"] = "application/json"
    headers["user-agent"] = Transport.userAgent
    if (body !== undefined) headers["content-type"] = "application/json"
    return { method, path: request.path, url, body, headers }
  }

  /** A request signed for one attempt, with the time-delta generation its timestamp came from. */
  interface Signed {
    readonly prepared: Transport.Prepared
    readonly generation: number | undefined
  }

  const unsigned = (prepared: Transport.Prepared): Signed => ({ prepared, generation: undefined })

  const authenticate = (prepared: Transport.Prepared, needAuth: boolean): Effect.Effect<Signed, OvhError.OvhError> => {
    switch (auth._tag) {
      case "ApplicationKey": {
        const headers = { ...prepared.headers, "x-ovh-application": auth.applicationKey }
        if (!needAuth) return Effect.succeed(unsigned({ ...prepared, headers }))
        if (Option.isNone(auth.consumerKey)) {
          return Effect.fail(
            new OvhError.InvalidKey({
              status: 0,
              method: prepared.method,
              path: prepared.path,
              message: "no consumer key is configured: set consumer_key (OVH_CONSUMER_KEY) or request one " +
                "with ConsumerKey.request, then validate it"
            })
          )
        }
        const consumerKey = auth.consumerKey.value
        return Effect.flatMap(timeDelta.sample, (sample) =>
          Effect.clockWith((clock) => {
            const timestamp = TimeDelta.timestampAt(sample, clock.currentTimeMillisUnsafe())
            return Effect.succeed<Signed>({
              generation: sample.generation,
              prepared: {
                ...prepared,
                headers: {
                  ...headers,
                  "x-ovh-consumer": Redacted.value(consumerKey),
                  "x-ovh-timestamp": String(timestamp),
                  "x-ovh-signature": Signature.sign({
                    applicationSecret: auth.applicationSecret,
                    consumerKey,
                    method: prepared.method,
                    url: prepared.url,
                    body: prepared.body ?? "",
                    timestamp
                  })
                }
              }
            })
          }))
      }
      case "AccessToken":
        return Effect.succeed(unsigned(
          needAuth
            ? { ...prepared, headers: { ...prepared.headers, authorization: `Bearer ${Redacted.value(auth.accessToken)}` } }
            : prepared
        ))
      case "OAuth2":
        // no X-Ovh-* headers and no server time: the token alone authenticates
        return needAuth && tokens !== undefined
          ? Effect.map(tokens.get, (token) => unsigned(withBearer(prepared, token.accessToken)))
          : Effect.succeed(unsigned(prepared))
    }
  }

  const withBearer = (prepared: Transport.Prepared, token: Redacted.Redacted<string>): Transport.Prepared => ({
    ...prepared,
    headers: { ...prepared.headers, authorization: `Bearer ${Redacted.value(token)}` }
  })

  /** A way to send a prepared request and read its answer within a timeout. */
  type Wire<R extends Transport.Answer> = <A, E>(
    prepared: Transport.Prepared,
    timeout: Duration.Duration,
    read: (response: R) => Effect.Effect<A, E>
  ) => Effect.Effect<A, E | OvhError.NetworkError>

  const viaHttpClient: Wire<HttpClientResponse.HttpClientResponse> = (prepared, timeout, read) =>
    Transport.exchange(http, prepared, timeout, read)
  // calls go through the OvhTransport when there is one; `raw` needs the HttpClient's response
  const viaTransport: Wire<Transport.Answer> = Option.isSome(direct)
    ? (prepared, timeout, read) => Transport.exchangeDirect(direct.value, prepared, timeout, read)
    : viaHttpClient

  /**
   * Sends through `wire`, plus for OAuth2: a 401 to a bearer request means the token died before its
   * announced expiry (revoked, clocks apart), so one new token is fetched and the request sent once more.
   */
  const exchange = <R extends Transport.Answer, A, E>(
    wire: Wire<R>,
    prepared: Transport.Prepared,
    timeout: Duration.Duration,
    read: (response: R) => Effect.Effect<A, E>
  ): Effect.Effect<A, E | OvhError.NetworkError | OvhError.OAuth2Failure> => {
    const bearer = prepared.headers["authorization"]
    if (tokens === undefined || bearer === undefined) return wire(prepared, timeout, read)
    const unauthorized = Symbol()
    return wire(
      prepared,
      timeout,
      (response: R): Effect.Effect<A | typeof unauthorized, E> =>
        response.status === 401 ? Effect.as(Effect.ignore(response.text), unauthorized) : read(response)
    ).pipe(
      Effect.flatMap((result) =>
        result === unauthorized
          ? tokens.renew(Redacted.make(bearer.slice("Bearer ".length))).pipe(
            Effect.flatMap((token) => wire(withBearer(prepared, token.accessToken), timeout, read))
          )
          : Effect.succeed(result as A)
      )
    )
  }

  const withConsumerKey = (consumerKey: string | Redacted.Redacted<string>) =>
    auth._tag !== "ApplicationKey"
      ? Effect.fail(
        new OvhError.InvalidKey({
          status: 0,
          method: "",
          path: "",
          message: `a consumer key belongs to an application key, but this client authenticates with ${
            auth._tag === "OAuth2" ? "OAuth2 client credentials" : "an access token"
          }`
        })
      )
      : makeWith(options, { budget, limiter, direct }).pipe(
        Effect.provideService(OvhConfig.OvhConfig, {
          ...settings,
          auth: {
            ...auth,
            consumerKey: Option.some(
              Redacted.isRedacted(consumerKey) ? consumerKey : Redacted.make(consumerKey, { label: "consumer_key" })
            )
          }
        }),
        Effect.provideService(TimeDelta.TimeDelta, timeDelta),
        Effect.provideService(HttpClient.HttpClient, http)
      )

  const clientPolicy = RetryPolicy.override(RetryPolicy.defaultPolicy, options.retry)
  const budget = shared?.budget ??
    (options.retryBudget === false ? RetryPolicy.unlimitedBudget : RetryPolicy.makeBudget(options.retryBudget))
  const limiter = shared?.limiter ?? (yield* Effect.serviceOption(RateLimiter.RateLimiter))
  const limit = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
    Option.isSome(limiter) ? limiter.value.limit(effect) : effect
  const clientTimeout = options.timeout === undefined ? settings.timeout : Duration.fromInputUnsafe(options.timeout)

  const timeoutOf = (request: Request) =>
    request.timeout === undefined ? clientTimeout : Duration.fromInputUnsafe(request.timeout)

  const isClockRejection = (error: OvhError.OvhError) =>
    error._tag === "InvalidSignature" || (error._tag === "BadParameters" && error.errorCode === "QUERY_TIME_OUT")

  /** What one call remembers across its attempts. */
  interface CallState {
    /** The time-delta generation the last request was signed with. */
    generation: number | undefined
    /** Whether the server time was learned again for this call (at most once). */
    resynced: boolean
  }

  /** One request on the wire: signed once the limiter lets it go, bounded by the timeout. */
  const sendOnce = (
    prepared: Transport.Prepared,
    request: Request,
    state: CallState
  ): Effect.Effect<Reply, OvhError.OvhError> =>
    limit(Effect.flatMap(authenticate(prepared, request.needAuth !== false), (signed) => {
      state.generation = signed.generation
      return exchange(viaTransport, signed.prepared, timeoutOf(request), Transport.readJson(signed.prepared))
    }))

  /**
   * One attempt. When the API refuses the timestamp or the signature, the server time is learned
   * again (one `/auth/time` however many calls fail together) and the request sent once more, even a
   * POST: the API refused it before acting on it. At most once per call.
   */
  const attemptOnce = (
    prepared: Transport.Prepared,
    request: Request,
    attempt: number,
    state: CallState,
    debug: boolean
  ): Effect.Effect<Reply, OvhError.OvhError> => {
    const once = state.resynced
      ? sendOnce(prepared, request, state)
      : Effect.catchIf(
        sendOnce(prepared, request, state),
        (error) => state.generation !== undefined && isClockRejection(error),
        (error) => {
          const generation = state.generation!
          state.resynced = true
          return Effect.logDebug(`${request.method} ${request.path}: ${error._tag}, learning the server time again`).pipe(
            Effect.andThen(Effect.annotateCurrentSpan({ "ovh.time_resync": true })),
            Effect.andThen(timeDelta.resync(generation)),
            Effect.andThen(Effect.mapError(
              sendOnce(prepared, request, state),
              (again): OvhError.OvhError => again._tag === "InvalidSignature" ? explainSignature(again) : again
            ))
          )
        }
      )
    // the attempt's outcome on its span and, at Debug level, as a log line; then `next`
    const record = <A, E>(
      attributes: Record<string, unknown>,
      outcome: string | number,
      queryId: string | undefined,
      next: Effect.Effect<A, E>
    ): Effect.Effect<A, E> =>
      Effect.andThen(
        Effect.annotateCurrentSpan(attributes),
        debug
          ? Effect.andThen(
            Effect.logDebug(`${request.method} ${request.path}: attempt ${attempt}, ${outcome}`).pipe(
              Effect.annotateLogs(logFields(request, attempt, queryId))
            ),
            next
          )
          : next
      )
    return Effect.withSpan(
      Effect.matchEffect(once, {
        onSuccess: (reply) => record(replyAttributes(reply), reply.status, reply.queryId, Effect.succeed(reply)),
        onFailure: (error) => record(errorAttributes(error), error._tag, queryIdOf(error), Effect.fail(error))
      }),
      "OvhClient.attempt",
      // data-first: the data-last form of withSpan ignores `captureStackTrace` (effect 4.1)
      { attributes: { "ovh.attempt": attempt }, captureStackTrace: false }
    )
  }

  const send = <A>(request: Request): Effect.Effect<Reply<A>, OvhError.OvhError> => {
    const method = request.method.toUpperCase()
    const attempts = Effect.withFiber((fiber) => {
      // read once per call, so that a call logging nothing builds no log line
      const debug = !LogLevel.isGreaterThan(fiber.getRef(References.MinimumLogLevel), "Debug")
      const resolved = RetryPolicy.resolveWith(fiber.getRef(RetryPolicy.RetryPolicy), clientPolicy, method, request.retry)
      const prepared = prepare(request)
      const state: CallState = { generation: undefined, resynced: false }
      let attempts = 0
      return Effect.matchEffect(
        RetryPolicy.run({
          method,
          path: request.path,
          resolved,
          budget,
          attempt: (n) => {
            attempts = n
            return attemptOnce(prepared, request, n, state, debug)
          },
          onRetry: debug
            ? ({ attempt, delay, error }) =>
              Effect.logDebug(
                `${method} ${request.path}: ${error._tag} at attempt ${attempt}, retrying in ${
                  Math.round(Duration.toMillis(delay))
                }ms`
              ).pipe(Effect.annotateLogs(logFields(request, attempt, queryIdOf(error))))
            : undefined
        }),
        {
          onSuccess: (reply) =>
            Effect.as(
              Effect.annotateCurrentSpan({ ...replyAttributes(reply), "ovh.attempts": attempts }),
              reply as Reply<A>
            ),
          onFailure: (error) =>
            Effect.andThen(
              Effect.annotateCurrentSpan({ ...errorAttributes(error), "ovh.attempts": attempts }),
              Effect.fail(error)
            )
        }
      )
    })
    // The HttpClient's own spans record request headers, so their secrets are redacted there; requests
    // through an OvhTransport make no such span. The span's call site would be this line: capturing it
    // costs a stack trace per call for nothing. Data-first, because the data-last form of withSpan
    // ignores `captureStackTrace` (effect 4.1).
    const observed = Option.isSome(direct) ? attempts : redactSecretHeaders(attempts)
    return Effect.withSpan(observed, `OvhClient.${method.toLowerCase()}`, {
      captureStackTrace: false,
      attributes: {
        "http.request.method": method,
        "ovh.method": method,
        "ovh.path": request.path,
        ...(request.template !== undefined ? { "url.template": request.template } : {})
      }
    })
  }

  const call = <A>(request: Request): Effect.Effect<A, OvhError.OvhError> =>
    Effect.map(send<A>(request), (reply) => reply.body)

  const raw = Effect.fn("OvhClient.raw")(function*(request: Request) {
    return yield* limit(Effect.gen(function*() {
      const signed = yield* authenticate(prepare(request), request.needAuth !== false)
      return yield* exchange(viaHttpClient, signed.prepared, timeoutOf(request), Effect.succeed)
    })).pipe(redactSecretHeaders)
  })

  const shortcut = (method: Method) =>
  <A>(path: string, params?: Readonly<Record<string, unknown>>, options?: CallOptions): Effect.Effect<A, OvhError.OvhError> => {
    const made = request(method, path, params, options)
    return made instanceof OvhError.BadParameters ? Effect.fail(made) : call<A>(made)
  }

  return OvhClient.of({
    settings,
    call,
    send,
    raw,
    get: shortcut("GET"),
    delete: shortcut("DELETE"),
    post: shortcut("POST"),
    put: shortcut("PUT"),
    withConsumerKey
  })
})


const make = makeWith({})

// The HTTP client's own span records request headers: the consumer key and the signature must show as `<redacted>`.
const SECRET_HEADERS = ["x-ovh-consumer", "x-ovh-signature", "authorization"]

let redactedFrom: ReadonlyArray<string | RegExp> | undefined
let redactedTo: ReadonlyArray<string | RegExp> = SECRET_HEADERS

const redactSecretHeaders = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
  Effect.withFiber((fiber) => {
    const names = fiber.getRef(Headers.CurrentRedactedNames)
    if (names !== redactedFrom) {
      redactedFrom = names
      redactedTo = [...names, ...SECRET_HEADERS]
    }
    return Effect.provideService(effect, Headers.CurrentRedactedNames, redactedTo)
  })

const replyAttributes = (reply: Reply): Record<string, unknown> =>
  reply.queryId !== undefined
    ? { "http.response.status_code": reply.status, "ovh.query_id": reply.queryId }
    : { "http.response.status_code": reply.status }

const queryIdOf = (error: OvhError.OvhError): string | undefined =>
  error._tag === "RetryBudgetExhausted"
    ? queryIdOf(error.lastFailure)
    : "queryId" in error
    ? error.queryId
    : undefined

const errorAttributes = (error: OvhError.OvhError): Record<string, unknown> => {
  const queryId = queryIdOf(error)
  const status = "status" in error ? error.status : undefined
  return {
    "error.type": error._tag,
    ...(status !== undefined && status > 0 ? { "http.response.status_code": status } : {}),
    ...(queryId !== undefined ? { "ovh.query_id": queryId } : {})
  }
}

const logFields = (request: Request, attempt: number, queryId: string | undefined): Record<string, unknown> => ({
  "ovh.method": request.method,
  "ovh.path": request.path,
  "ovh.attempt": attempt,
  ...(queryId !== undefined ? { "ovh.query_id": queryId } : {})
})

/** What a signature still refused right after re-learning the server time leaves as causes. */
export const signatureHint = "the clock is ruled out: the server time was just learned again and the request " +
  "signed anew. Likely causes: the application secret or the consumer key does not belong to this application " +
  "key, or a proxy rewrites the URL (scheme, host, path or query) before it reaches the API"

const explainSignature = (error: OvhError.InvalidSignature): OvhError.InvalidSignature =>
  new OvhError.InvalidSignature({
    status: error.status,
    method: error.method,
    path: error.path,
    message: `${error.message}; ${signatureHint}`,
    hint: signatureHint,
    ...(error.errorCode !== undefined ? { errorCode: error.errorCode } : {}),
    ...(error.errorClass !== undefined ? { errorClass: error.errorClass } : {}),
    ...(error.queryId !== undefined ? { queryId: error.queryId } : {}),
    ...(error.details !== undefined ? { details: error.details } : {})
  })
