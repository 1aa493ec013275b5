/**
 * The OVHcloud API client: `get`, `post`, `put`, `delete` with python-ovh's semantics, `call` for
 * full control, `send` for the answer's headers too, and `raw` for the HTTP response itself.
 *
 * A call runs through stages, each in its own module: encode (`internal/encode`: path template,
 * query, body → wire request), authenticate (one stage per kind: `signApplicationKey`, `bearerOAuth2`,
 * `bearerToken`, each waiting for its prelude: the server time or a token), send (`internal/send`:
 * through the `HttpClient`, the only way out), read the answer (`internal/answer`: one mapper to a
 * value or a typed error), re-sync the clock (`internal/clockResync`) and retry (`RetryPolicy.run`).
 * This module composes them; `internal/observe` records spans and logs. One scrubber per client
 * (`internal/scrub`) takes the credentials out of every failing answer's body and transport failure
 * where they become errors, and out of every error that ends an attempt's span, so that none reaches
 * an error, a span or a log.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as LogLevel from "effect/LogLevel"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as References from "effect/References"
import * as Scope from "effect/Scope"
import * as Answer from "./internal/answer.ts"
import * as Authenticator from "./internal/authenticator.ts"
import * as ClockResync from "./internal/clockResync.ts"
import * as Deadline from "./internal/deadline.ts"
import * as Encode from "./internal/encode.ts"
import * as Observe from "./internal/observe.ts"
import * as Scrub from "./internal/scrub.ts"
import * as Send from "./internal/send.ts"
import { settle } from "./internal/settled.ts"
import * as SignApplicationKey from "./internal/signApplicationKey.ts"
import * as OvhConfig from "./OvhConfig.ts"
import * as OvhError from "./OvhError.ts"
import * as RateLimiter from "./RateLimiter.ts"
import * as RetryPolicy from "./RetryPolicy.ts"
import * as TimeDelta from "./TimeDelta.ts"

/** Encoding (documented where defined): parameter names, query strings, bodies, templates, signed URLs. */
export { canonicalName, encodeBody, encodeQuery, request, urlOf } from "./internal/encode.ts"
/** What a signature still refused right after re-learning the server time leaves as causes. */
export { signatureHint } from "./internal/clockResync.ts"

/** An HTTP method of the API. */
export type Method = Encode.Method
/** A query-string value: booleans become `true`/`false`, arrays repeat the key, `undefined` is dropped. */
export type QueryValue = Encode.QueryValue
/** Query parameters of a GET or DELETE. */
export type Query = Encode.Query
/** Options of one call. */
export type CallOptions = Encode.CallOptions
/** A full request. */
export type Request = Encode.Request
/** An answer: its status, headers, `X-Ovh-QueryID` and decoded JSON body. */
export type Reply<A = unknown> = Answer.Reply<A>
/** The parameters of a POST or PUT: path parameters, then the JSON body's fields. */
export type Params = Readonly<Record<string, unknown>>

/** What a client does. */
export interface Service {
  readonly settings: OvhConfig.Settings
  /** Sends a request and decodes its JSON answer (204, empty bodies and `null` give `null`). */
  readonly call: <A = unknown>(request: Request) => Effect.Effect<A, OvhError.OvhError>
  /** Like `call`, keeping the status and headers (pagination, query ids). */
  readonly send: <A = unknown>(request: Request) => Effect.Effect<Reply<A>, OvhError.OvhError>
  /** Sends a request and returns the HTTP response as it came, whatever its status. */
  readonly raw: (request: Request) => Effect.Effect<HttpClientResponse.HttpClientResponse, OvhError.OvhError>
  /**
   * `GET path?params`. The path may be a template: `get("/me/bill/{billId}", { billId })` puts `billId`
   * in the path and the other parameters in the query (see {@link request}).
   */
  readonly get: <A = unknown>(
    path: string,
    params?: Query,
    options?: CallOptions
  ) => Effect.Effect<A, OvhError.OvhError>
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
    params?: Params,
    options?: CallOptions
  ) => Effect.Effect<A, OvhError.OvhError>
  /** `PUT path` with `params` as a JSON body (none when `params` is absent), with path templates as `post`. */
  readonly put: <A = unknown>(
    path: string,
    params?: Params,
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
  /**
   * Whether requests carry the trace context (`traceparent`, `b3`) to the API. Default `false`: spans
   * stay local, as no official client sends tracing headers to a third party.
   */
  readonly propagateTrace?: boolean | undefined
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
  ): Layer.Layer<
    OvhClient | TimeDelta.TimeDelta,
    OvhConfig.OvhConfigError,
    OvhConfig.OvhConfig | HttpClient.HttpClient
  > =>
    Layer.effect(
      OvhClient,
      options.timeout === undefined || Encode.timeoutOf(options.timeout) !== undefined
        ? Effect.suspend(() => makeWith(options))
        : Effect.fail(
          new OvhConfig.OvhConfigError({
            key: "timeout",
            reason: `the client's timeout ${String(options.timeout)} is not a duration of zero or more`,
            lookedAt: ["code"]
          })
        )
    ).pipe(Layer.provideMerge(TimeDelta.TimeDelta.layer))

  /** The client, learning the server time itself. Needs an `HttpClient` and `OvhConfig`. */
  static readonly layer: Layer.Layer<
    OvhClient | TimeDelta.TimeDelta,
    never,
    OvhConfig.OvhConfig | HttpClient.HttpClient
  > = OvhClient.layerWithoutTimeDelta.pipe(Layer.provideMerge(TimeDelta.TimeDelta.layer))
}

/** What a client made by `withConsumerKey` shares with its parent. */
interface Shared {
  readonly deadlines: Deadline.Deadlines
  readonly budget: RetryPolicy.Budget
  readonly limiter: Option.Option<RateLimiter.RateLimiter["Service"]>
  readonly send: Send.Send
  readonly scrubber: Scrub.Scrubber
}

const makeWith = (
  options: Options,
  shared?: Shared
): Effect.Effect<
  OvhClient["Service"],
  never,
  OvhConfig.OvhConfig | TimeDelta.TimeDelta | HttpClient.HttpClient | Scope.Scope
> =>
  Effect.gen(function*() {
    const settings = yield* OvhConfig.OvhConfig
    const timeDelta = yield* TimeDelta.TimeDelta
    const http = yield* HttpClient.HttpClient
    const auth = settings.auth
    // shared with the clients of `withConsumerKey`, which learn their keys into it
    const scrubber = shared?.scrubber ?? Scrub.forAuth(auth)
    const send = shared?.send ?? Send.make(http, { propagateTrace: options.propagateTrace, scrubber })
    const scope = yield* Effect.scope
    const deadlines = shared?.deadlines ?? Deadline.make(scope)
    const authenticator = Authenticator.make(settings, timeDelta, http, send, scrubber)
    const resync = ClockResync.make(timeDelta)
    const clientPolicy = RetryPolicy.override(RetryPolicy.defaultPolicy, options.retry)
    const budget = shared?.budget ??
      (options.retryBudget === false ? RetryPolicy.unlimitedBudget : RetryPolicy.makeBudget(options.retryBudget))
    const limiter = shared?.limiter ?? (yield* Effect.serviceOption(RateLimiter.RateLimiter))
    const limit = <A, E>(effect: Effect.Effect<A, E>): Effect.Effect<A, E> =>
      Option.isSome(limiter) ? limiter.value.limit(effect) : effect
    const clientTimeout = options.timeout === undefined ? settings.timeout : Duration.fromInputUnsafe(options.timeout)

    /**
     * One attempt: authenticated (after its prelude), sent, read, re-synced on a clock rejection, all
     * within the timeout. A timeout that strikes while the prelude is still awaited is settled: the call
     * never sent its request, so retrying it would only wait for the same prelude again.
     */
    const attempt = <A>(
      wire: HttpClientRequest.HttpClientRequest,
      target: Send.Target,
      request: Request,
      state: Authenticator.CallState,
      read: (response: HttpClientResponse.HttpClientResponse) => Effect.Effect<A, OvhError.OvhError>
    ): Effect.Effect<A, OvhError.OvhError> => {
      const timeout = request.timeout === undefined ? clientTimeout : Duration.fromInputUnsafe(request.timeout)
      state.sent = false
      return limit(deadlines.bound(
        resync(authenticator.exchange(wire, target, request.needAuth !== false, state, read), target, state),
        timeout,
        () =>
          state.sent || authenticator.prelude === undefined
            ? Send.timedOut(target, timeout)
            : settle(Send.timedOut(target, timeout, authenticator.prelude))
      ))
    }

    const newState = (): Authenticator.CallState => ({ sent: false, generation: undefined, resynced: false })

    const send_ = <A>(request: Request): Effect.Effect<Reply<A>, OvhError.OvhError> => {
      const wire = Encode.toWire(settings.endpoint.url, request)
      if (wire instanceof OvhError.BadParameters) return Effect.fail(wire)
      const target: Send.Target = { method: wire.method, path: request.path }
      const read = (response: HttpClientResponse.HttpClientResponse) => Answer.read<A>(target, response, scrubber)
      return Effect.suspend(() => {
        let attempts = 0
        return Observe.call(
          Effect.withFiber((fiber) => {
            // read once per call, so that a call logging nothing builds no log line
            const debug = !LogLevel.isGreaterThan(fiber.getRef(References.MinimumLogLevel), "Debug")
            const policy = fiber.getRef(RetryPolicy.RetryPolicy)
            const state = newState()
            return RetryPolicy.run({
              method: target.method,
              path: target.path,
              resolved: RetryPolicy.resolveWith(policy, clientPolicy, target.method, request.retry),
              budget,
              attempt: (n) => {
                attempts = n
                return Observe.attempt(attempt(wire, target, request, state, read), target, n, debug, scrubber)
              },
              onRetry: Observe.retrying(target, debug)
            })
          }),
          target,
          request.template,
          () => attempts
        )
      })
    }

    const raw = Effect.fn("OvhClient.raw")(function*(request: Request) {
      const wire = Encode.toWire(settings.endpoint.url, request)
      if (wire instanceof OvhError.BadParameters) return yield* wire
      const target: Send.Target = { method: wire.method, path: request.path }
      return yield* attempt(wire, target, request, newState(), Effect.succeed)
    })

    const shortcut = (method: Method) => <A>(path: string, params?: Params, options?: CallOptions) => {
      const made = Encode.request(method, path, params, options)
      return made instanceof OvhError.BadParameters ? Effect.fail(made) : call<A>(made)
    }

    const call = <A>(request: Request): Effect.Effect<A, OvhError.OvhError> =>
      Effect.map(send_<A>(request), (reply) => reply.body)

    const withConsumerKey = (consumerKey: string | Redacted.Redacted<string>) =>
      auth._tag !== "ApplicationKey"
        ? Effect.fail(SignApplicationKey.notApplicationKey(auth))
        : Effect.suspend(() => {
          scrubber.learn(consumerKey)
          return makeWith(options, { deadlines, budget, limiter, send, scrubber })
        }).pipe(
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
          Effect.provideService(HttpClient.HttpClient, http),
          Effect.provideService(Scope.Scope, scope)
        )

    return OvhClient.of({
      settings,
      call,
      send: send_,
      raw,
      get: shortcut("GET"),
      delete: shortcut("DELETE"),
      post: shortcut("POST"),
      put: shortcut("PUT"),
      withConsumerKey
    })
  })

const make = makeWith({})
