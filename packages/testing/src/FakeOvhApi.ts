/**
 * A stateful fake of the OVHcloud API v1, driven by the official API descriptions and as strict as
 * the real one about authentication: application keys, consumer keys with access rules, request
 * signatures, the ±180 s timestamp window and OAuth2 bearer tokens. `FakeOvhApi.layer` answers
 * in memory as an `HttpClient`; `FakeOvhServer` serves the same behaviour over loopback HTTP(S).
 *
 * @since 0.1.0
 */
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import type * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as Context from "effect/Context"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpServerResponse from "effect/http/HttpServerResponse"
import * as Layer from "effect/Layer"
import type * as Redacted from "effect/Redacted"
import * as Stream from "effect/Stream"
import * as Engine from "./internal/engine.ts"

/** A consumer key's state, as the API reports it. */
export type CredentialState = "pendingValidation" | "validated" | "expired" | "refused"

/** An access rule of a consumer key: `*` in `path` matches the rest of the path (`GET /me/bill/*`). */
export interface AccessRule {
  readonly method: "GET" | "POST" | "PUT" | "DELETE" | "PATCH" | string
  readonly path: string
}

/** One request as the fake received it, secrets removed. */
export interface Call {
  readonly method: string
  /** The API path, without `/1.0` (`/me/bill/B1`); the OAuth2 token endpoint logs `/auth/oauth2/token`. */
  readonly path: string
  /** The matched schema template (`/me/bill/{billId}`), when the path is known. */
  readonly template: string | undefined
  /** Query parameters; a repeated key gives an array. */
  readonly query: Readonly<Record<string, string | ReadonlyArray<string>>>
  /** The body parsed as JSON (the raw text when it is not JSON, `undefined` when empty). */
  readonly body: unknown
  /** Request headers, lower-cased, without `x-ovh-consumer`, `x-ovh-signature` and `authorization`. */
  readonly headers: Readonly<Record<string, string>>
  /** The answer's status; 0 when the connection was dropped or the client gave up first. */
  readonly status: number
  /** The `X-Ovh-QueryID` of the answer. */
  readonly queryId: string
  /** The fake's server time (Unix seconds) when the request arrived. */
  readonly time: number
}

/**
 * A scripted failure. A bare status (`503`) is a JSON error with that status.
 * Build them with {@link Fault}'s constructors: `Fault.drop`, `Fault.status(502, { html: true })`...
 */
export type Fault =
  | number
  | { readonly _tag: "Drop" }
  | {
    readonly _tag: "Status"
    readonly status: number
    readonly html?: boolean | undefined
    readonly body?: string | undefined
    readonly headers?: Readonly<Record<string, string>> | undefined
  }
  | { readonly _tag: "TooManyRequests"; readonly retryAfter: number }
  | { readonly _tag: "Delay"; readonly duration: Duration.Input }
  | { readonly _tag: "Skew"; readonly seconds: number }

/** Constructors of {@link Fault}. */
export const Fault = {
  /** The connection is dropped without an answer (in memory: a transport error; loopback: the socket is destroyed). */
  drop: { _tag: "Drop" } as Fault,
  /** An error status (500, 502, 503, 504...), with an HTML page when `html` is set, else an OVH-style JSON error. */
  status: (status: number, options?: { readonly html?: boolean; readonly body?: string }): Fault => ({
    _tag: "Status",
    status,
    html: options?.html,
    body: options?.body
  }),
  /** 429 with `Retry-After: <seconds>`. */
  tooManyRequests: (retryAfter: number): Fault => ({ _tag: "TooManyRequests", retryAfter }),
  /** The answer comes after `duration` (an `Effect.sleep`: TestClock drives it in memory). */
  delay: (duration: Duration.Input): Fault => ({ _tag: "Delay", duration }),
  /** The server clock is off by `seconds` for the affected calls (signatures then fall out of window). */
  skew: (seconds: number): Fault => ({ _tag: "Skew", seconds })
} as const

/** Which requests a routed fault or handler applies to. */
export interface RouteMatch {
  /** An HTTP method, or `"*"` (the default) for all. */
  readonly method?: string | undefined
  /** A schema template (`/me/bill/{billId}`) or a concrete path where `*` matches anything (`/me/*`). */
  readonly path: string
}

/** What a route handler sees. */
export interface RouteRequest {
  readonly method: string
  readonly path: string
  readonly template: string
  readonly params: Readonly<Record<string, string>>
  readonly query: Readonly<Record<string, string | ReadonlyArray<string>>>
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>
  /** The answer the fake would give without the handler. */
  readonly next: Effect.Effect<RouteReply>
}

/** A route handler's answer: status 200 and a `null` body unless given. */
export interface RouteReply {
  readonly status?: number | undefined
  readonly body?: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
}

/** Options of a fake. */
export interface Options {
  /** Seed of every generated value, key and token: same seed, same data. Default `"effect-ovh"`. */
  readonly seed?: string | number | undefined
  /** The server's Unix time in seconds when the fake starts; it then follows the effect `Clock`. */
  readonly serverTime?: number | undefined
  /** Folder of the API descriptions (holding `v1/_index.json`); default `OVH_API_SCHEMAS`, else the copy it carries (the repository's `ovh-api/`). */
  readonly schemas?: string | undefined
  /** Resources to seed, by API path: `{ "/me": {...}, "/me/bill/B1": {...} }`. */
  readonly data?: Readonly<Record<string, unknown>> | undefined
  /** Fixed credentials instead of ones derived from the seed. */
  readonly applicationKey?: string | undefined
  readonly applicationSecret?: string | undefined
  readonly consumerKey?: string | undefined
  /** Lifetime of OAuth2 access tokens in seconds. Default 3600. */
  readonly tokenLifetime?: number | undefined
  /** Accepted distance between `X-Ovh-Timestamp` and server time, in seconds. Default 180. */
  readonly timeWindow?: number | undefined
  /** Time every answer takes (an `Effect.sleep`, so `TestClock` drives it in memory). Default none. */
  readonly latency?: Duration.Input | undefined
  /**
   * Origin of the in-memory face's `baseUrl`. Default `https://eu.api.ovh.com`. It also sets the accounts'
   * currency, as the API's regions do: `EUR`, `CAD` on `ca.api.ovh.com`, `USD` on `api.us.ovhcloud.com`.
   */
  readonly origin?: string | undefined
}

/** An application registered with the fake. */
export interface Application {
  readonly applicationId: number
  readonly applicationKey: string
  readonly applicationSecret: Redacted.Redacted<string>
}

/** An OAuth2 client registered with the fake. */
export interface OAuth2Client {
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
}

/** The fake in scope: its address, ready-made credentials, state, faults and call log. */
export class FakeOvhApi extends Context.Service<FakeOvhApi, {
  /** In memory `https://eu.api.ovh.com/1.0`; over loopback `http://127.0.0.1:<port>/1.0`. */
  readonly baseUrl: string
  /** The OAuth2 client-credentials token endpoint (`<origin>/auth/oauth2/token`). */
  readonly tokenUrl: string
  /** A registered application with a validated full-access consumer key. */
  readonly credentials: {
    readonly applicationKey: string
    readonly applicationSecret: Redacted.Redacted<string>
    readonly consumerKey: Redacted.Redacted<string>
  }
  /** A registered OAuth2 client. */
  readonly oauth2: OAuth2Client
  /** Every request received, in order. */
  readonly calls: Effect.Effect<ReadonlyArray<Call>>
  /** Forgets the call log and the in-flight maximum. */
  readonly clearCalls: Effect.Effect<void>
  /** Sets the time every answer takes (`undefined`: none). */
  readonly setLatency: (duration: Duration.Input | undefined) => Effect.Effect<void>
  /**
   * The most requests in flight at once since the start (or the last `clearCalls`). In memory an answer is
   * immediate, so requests overlap only while they wait: set a `latency` (or a delay fault) to observe concurrency.
   */
  readonly maxInFlight: Effect.Effect<number>
  /** The server's Unix time in seconds. */
  readonly serverTime: Effect.Effect<number>
  /** Sets the server's time (Unix seconds); it then follows the effect `Clock`. */
  readonly setServerTime: (seconds: number) => Effect.Effect<void>
  /**
   * Stores `value` at `path`; seeding a collection path with an array of ids sets its members. An id exists
   * only if its collection lists it: seeding a path lists its ids in their collections.
   */
  readonly seed: (path: string, value: unknown) => Effect.Effect<void>
  /** The stored value at `path`, `undefined` when nothing is stored there. */
  readonly read: (path: string) => Effect.Effect<unknown>
  /**
   * Fails the next `times` requests (default 1) with `fault`, whatever their route, except `GET /auth/time`
   * and the OAuth2 token endpoint (reach those with `failRoute`), so the fault hits the call under test.
   */
  readonly failNext: (fault: Fault, times?: number) => Effect.Effect<void>
  /** Fails the requests matching `route` with `fault`, `times` times (default: until `clearFaults`). */
  readonly failRoute: (route: RouteMatch, fault: Fault, times?: number) => Effect.Effect<void>
  /** Fails each request with probability `probability` with one of `faults` (seeded, so replayable). */
  readonly randomFaults: (options: {
    readonly probability: number
    readonly seed?: string | number | undefined
    readonly faults?: ReadonlyArray<Fault> | undefined
  }) => Effect.Effect<void>
  /** Removes every scripted and random fault. */
  readonly clearFaults: Effect.Effect<void>
  /** Answers requests matching `route` with `handler` (after authentication and parameter checks). */
  readonly route: (
    route: RouteMatch,
    handler: (request: RouteRequest) => Effect.Effect<RouteReply>
  ) => Effect.Effect<void>
  /** Registers another application. */
  readonly registerApplication: (options?: {
    readonly applicationKey?: string
    readonly applicationSecret?: string
    readonly name?: string
  }) => Effect.Effect<Application>
  /** Creates a consumer key directly (default: the main application, state `validated`). */
  readonly createConsumerKey: (options: {
    readonly rules: ReadonlyArray<AccessRule>
    readonly applicationKey?: string
    readonly state?: CredentialState
    readonly allowedIPs?: ReadonlyArray<string>
  }) => Effect.Effect<Redacted.Redacted<string>>
  /** Validates a pending consumer key, as the user would at its `validationUrl`; `expiresIn` in seconds. */
  readonly validateConsumerKey: (
    consumerKey: string | Redacted.Redacted<string>,
    options?: { readonly expiresIn?: number }
  ) => Effect.Effect<boolean>
  /** Refuses a pending consumer key. */
  readonly refuseConsumerKey: (consumerKey: string | Redacted.Redacted<string>) => Effect.Effect<boolean>
  /** Marks a consumer key expired. */
  readonly expireConsumerKey: (consumerKey: string | Redacted.Redacted<string>) => Effect.Effect<boolean>
  /** A consumer key's state, `undefined` when unknown. */
  readonly consumerKeyState: (
    consumerKey: string | Redacted.Redacted<string>
  ) => Effect.Effect<CredentialState | undefined>
  /** Registers an OAuth2 client (id and secret derived from the seed unless given). */
  readonly registerOAuth2Client: (options?: {
    readonly clientId?: string
    readonly clientSecret?: string
  }) => Effect.Effect<OAuth2Client>
  /** An access token issued directly, as the token endpoint would (for clients given a static bearer token). */
  readonly issueToken: (options?: {
    readonly clientId?: string
    /** Seconds; default `options.tokenLifetime`. */
    readonly lifetime?: number
  }) => Effect.Effect<Redacted.Redacted<string>>
  /** Expires every OAuth2 access token issued so far (or only `token`). */
  readonly expireTokens: (token?: string | Redacted.Redacted<string>) => Effect.Effect<void>
  /** How many schema files have been parsed in this process (they load lazily). */
  readonly schemasLoaded: Effect.Effect<number>
}>()("@effect-ovh/testing/FakeOvhApi") {
  /**
   * An `OvhClient` signed with the fake's full-access credentials, over the in-memory fake: the layer a
   * test swaps in where the program uses `NodeOvh.layer()`. It also provides the fake, to seed and assert.
   */
  static readonly layerClient = (
    options?: Options
  ): Layer.Layer<OvhClient.OvhClient | TimeDelta.TimeDelta | FakeOvhApi | HttpClient.HttpClient> =>
    Layer.unwrap(Effect.map(Effect.service(FakeOvhApi), (fake) =>
      OvhClient.OvhClient.layer.pipe(
        Layer.provide(Layer.orDie(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(clientOptions(fake))])))
      ))).pipe(Layer.provideMerge(FakeOvhApi.layer(options)))

  /** The fake as an in-memory `HttpClient`: no sockets, all inside Effect, so `TestClock` drives delays. */
  static readonly layer = (options?: Options): Layer.Layer<FakeOvhApi | HttpClient.HttpClient> =>
    Layer.effectContext(Effect.gen(function*() {
      const engine = yield* Engine.make(options ?? {})
      const origin = (options?.origin ?? "https://eu.api.ovh.com").replace(/\/+$/, "")
      const fake = FakeOvhApi.of({
        ...engine.service,
        baseUrl: origin + "/1.0",
        tokenUrl: origin + "/auth/oauth2/token"
      })
      const client = HttpClient.make((request, url) =>
        Effect.gen(function*() {
          const body = yield* bodyText(request)
          const headers: Record<string, string> = {}
          for (const [k, v] of Object.entries(request.headers)) headers[k.toLowerCase()] = String(v)
          if (request.body._tag !== "Empty" && headers["content-type"] === undefined) {
            const contentType = request.body.contentType
            if (contentType !== undefined) headers["content-type"] = contentType
          }
          // The exact string the client built (and signed), unless the request carries separate urlParams.
          const received = request.urlParams.params.length === 0 && /^https?:\/\//.test(request.url)
            ? request.url
            : url.href
          const outcome = yield* engine.handle({ method: request.method, url: received, headers, body })
          if (outcome._tag === "Drop") {
            return yield* Effect.fail(
              new HttpClientError.HttpClientError({
                reason: new HttpClientError.TransportError({
                  request,
                  description: "connection dropped by the fake (scripted fault)"
                })
              })
            )
          }
          const { response } = outcome
          return HttpServerResponse.toClientResponse(
            HttpServerResponse.text(response.body, {
              status: response.status,
              headers: response.headers,
              contentType: response.headers["content-type"] ?? "application/json; charset=utf-8"
            }),
            { request }
          )
        })
      )
      return Context.make(FakeOvhApi, fake).pipe(Context.add(HttpClient.HttpClient, client))
    }))
}

/** `OvhConfig` options for a client of `fake` (in memory or loopback) with its full-access credentials. */
export const clientOptions = (fake: FakeOvhApi["Service"]): OvhConfig.Options => ({
  endpoint: fake.baseUrl,
  applicationKey: fake.credentials.applicationKey,
  applicationSecret: fake.credentials.applicationSecret,
  consumerKey: fake.credentials.consumerKey
})

const decoder = new TextDecoder()

const bodyText = (
  request: HttpClientRequest.HttpClientRequest
): Effect.Effect<string, HttpClientError.HttpClientError> => {
  const body = request.body
  switch (body._tag) {
    case "Empty":
      return Effect.succeed("")
    case "Uint8Array":
      return Effect.succeed(decoder.decode(body.body))
    case "Raw":
      return Effect.succeed(
        typeof body.body === "string"
          ? body.body
          : body.body instanceof Uint8Array
          ? decoder.decode(body.body)
          : String(body.body)
      )
    case "FormData": {
      const params = new URLSearchParams()
      body.formData.forEach((value, key) => params.append(key, typeof value === "string" ? value : value.name))
      return Effect.succeed(params.toString())
    }
    case "Stream":
      return body.stream.pipe(
        Stream.decodeText(),
        Stream.mkString,
        Effect.mapError((cause) =>
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, cause, description: "request body stream failed" })
          })
        )
      )
  }
}
