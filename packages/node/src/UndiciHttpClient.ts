/**
 * An Effect `HttpClient` over an undici dispatcher, made for request/response APIs: each request is
 * one `dispatcher.dispatch` whose whole answer is gathered in memory before the response is handed
 * over, with none of a general-purpose client's per-request machinery (no stream objects, no abort
 * signal, no URL object, no `http.client` span: callers such as `OvhClient` make their own). An
 * interrupted request is aborted through undici's own controller. Keep-alive pool and proxies are the
 * dispatcher's: `layer` makes one from options or from `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`.
 *
 * @since 0.1.0
 */
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import type * as Undici from "@effect/platform-node/Undici"
import * as Effect from "effect/Effect"
import * as Cookies from "effect/http/Cookies"
import * as Headers from "effect/http/Headers"
import type * as HttpBody from "effect/http/HttpBody"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import type * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as HttpIncomingMessage from "effect/http/HttpIncomingMessage"
import * as UrlParams from "effect/http/UrlParams"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { pipeArguments } from "effect/Pipeable"
import type * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"

/** Options of {@link layer}. */
export interface Options {
  /**
   * An explicit proxy URL for every request. Without it, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` apply;
   * `false` ignores them too.
   */
  readonly proxy?: string | false | undefined
  /** The environment to read the proxy variables from (default `process.env`). */
  readonly env?: Record<string, string | undefined> | undefined
}

const decoder = new TextDecoder()

const decodeError = (
  request: HttpClientRequest.HttpClientRequest,
  response: HttpClientResponse.HttpClientResponse,
  cause: unknown
) => new HttpClientError.HttpClientError({ reason: new HttpClientError.DecodeError({ request, response, cause }) })

/** A response whose body is already in memory. */
class BufferedResponse extends Inspectable.Class implements HttpClientResponse.HttpClientResponse {
  readonly [HttpIncomingMessage.TypeId]: typeof HttpIncomingMessage.TypeId = HttpIncomingMessage.TypeId
  readonly [HttpClientResponse.TypeId]: typeof HttpClientResponse.TypeId = HttpClientResponse.TypeId
  readonly request: HttpClientRequest.HttpClientRequest
  readonly url: string
  readonly status: number
  readonly headers: Headers.Headers
  readonly bytes: Uint8Array
  private textBody: string | undefined

  constructor(
    request: HttpClientRequest.HttpClientRequest,
    url: string,
    status: number,
    headers: Headers.Headers,
    bytes: Uint8Array
  ) {
    super()
    this.request = request
    this.url = url
    this.status = status
    this.headers = headers
    this.bytes = bytes
  }

  get remoteAddress(): Option.Option<string> {
    return Option.none()
  }
  get cookies(): Cookies.Cookies {
    const header = this.headers["set-cookie"]
    return header === undefined ? Cookies.empty : Cookies.fromSetCookie(header)
  }
  get text(): Effect.Effect<string, HttpClientError.HttpClientError> {
    return Effect.sync(() => this.textBody ??= decoder.decode(this.bytes))
  }
  get json(): Effect.Effect<Schema.Json, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => (text === "" ? null : JSON.parse(text)) as Schema.Json,
        catch: (cause) => decodeError(this.request, this, cause)
      }))
  }
  get arrayBuffer(): Effect.Effect<ArrayBuffer, HttpClientError.HttpClientError> {
    return Effect.sync(() => this.bytes.slice().buffer as ArrayBuffer)
  }
  get urlParamsBody(): Effect.Effect<UrlParams.UrlParams, HttpClientError.HttpClientError> {
    return Effect.flatMap(this.text, (text) =>
      Effect.try({
        try: () => UrlParams.fromInput(new URLSearchParams(text)),
        catch: (cause) => decodeError(this.request, this, cause)
      }))
  }
  get formData(): Effect.Effect<FormData, HttpClientError.HttpClientError> {
    return Effect.tryPromise({
      try: () => new Response(this.bytes as Uint8Array<ArrayBuffer>, { headers: this.headers }).formData(),
      catch: (cause) => decodeError(this.request, this, cause)
    })
  }
  get stream(): Stream.Stream<Uint8Array, HttpClientError.HttpClientError> {
    return Stream.succeed(this.bytes)
  }
  get upgrade(): Effect.Effect<never, HttpClientError.HttpClientError> {
    return Effect.fail(
      new HttpClientError.HttpClientError({
        reason: new HttpClientError.StatusCodeError({
          request: this.request,
          response: this,
          description: "this client does not hand over connections"
        })
      })
    )
  }
  toJSON(): unknown {
    return HttpIncomingMessage.inspect(this, {
      _id: "effect/http/HttpClientResponse",
      request: this.request.toJSON(),
      status: this.status
    })
  }
  pipe() {
    return pipeArguments(this, arguments)
  }
}

const joinHeaders = (headers: Record<string, string | Array<string> | undefined>): Headers.Headers => {
  const out: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) out[name] = typeof value === "string" ? value : value.join(", ")
  }
  return Headers.fromRecordUnsafe(out)
}

/** The origin (`https://host:port`) and the rest of an absolute URL, without a URL object. */
const splitUrl = (url: string): [origin: string, path: string] | undefined => {
  const scheme = url.indexOf("://")
  if (scheme <= 0) return undefined
  const slash = url.indexOf("/", scheme + 3)
  const query = url.indexOf("?", scheme + 3)
  const end = slash < 0 ? (query < 0 ? url.length : query) : query < 0 ? slash : Math.min(slash, query)
  const rest = url.slice(end)
  const hash = rest.indexOf("#")
  const path = hash < 0 ? rest : rest.slice(0, hash)
  return [url.slice(0, end), path === "" ? "/" : path.startsWith("?") ? "/" + path : path]
}

type DispatchBody = string | Uint8Array | FormData | null

const bodyOf = (body: HttpBody.HttpBody): DispatchBody | Stream.Stream<Uint8Array, unknown> => {
  switch (body._tag) {
    case "Empty":
      return null
    case "Uint8Array":
      // the text the body was made from, when it was: undici writes it without an encoding step of ours
      return body.text ?? body.body
    case "Raw":
      return typeof body.body === "string" || body.body instanceof Uint8Array ? body.body : String(body.body)
    case "FormData":
      return body.formData
    case "Stream":
      return body.stream
  }
}

const transportError = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description?: string) =>
  new HttpClientError.HttpClientError({
    reason: new HttpClientError.TransportError({
      request,
      cause,
      ...(description !== undefined ? { description } : {})
    })
  })

const encodeError = (request: HttpClientRequest.HttpClientRequest, cause: unknown, description: string) =>
  new HttpClientError.HttpClientError({ reason: new HttpClientError.EncodeError({ request, cause, description }) })

const dispatch = (
  dispatcher: Undici.Dispatcher,
  request: HttpClientRequest.HttpClientRequest,
  url: string,
  origin: string,
  path: string,
  body: DispatchBody
): Effect.Effect<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError> =>
  Effect.callback<HttpClientResponse.HttpClientResponse, HttpClientError.HttpClientError>((resume) => {
    let controller: Undici.Dispatcher.DispatchController | undefined
    let stopped: Error | undefined
    let ended = false
    let status = 0
    let headers: Headers.Headers = Headers.empty
    const chunks: Array<Uint8Array> = []
    // the body's content type, unless the request names one (undici sets FormData's own, with its boundary)
    const contentType = request.body._tag === "Empty" || body instanceof FormData ? undefined : request.body.contentType
    const headersOut: Readonly<Record<string, string>> = contentType === undefined || "content-type" in request.headers
      ? request.headers
      : { ...request.headers, "content-type": contentType }
    try {
      dispatcher.dispatch({
        origin,
        path,
        method: request.method as Undici.Dispatcher.HttpMethod,
        headers: headersOut,
        // Node's global FormData is undici's own, under another type
        body: body as Exclude<Undici.Dispatcher.DispatchOptions["body"], undefined>,
        // timeouts are the caller's (an Effect timeout interrupts the request)
        headersTimeout: 0,
        bodyTimeout: 0
      }, {
        onRequestStart(c) {
          controller = c
          if (stopped !== undefined) c.abort(stopped)
        },
        onResponseStart(_c, statusCode, responseHeaders) {
          if (statusCode < 200) return // informational: the answer is still to come
          status = statusCode
          headers = joinHeaders(responseHeaders)
        },
        onResponseData(_c, chunk) {
          chunks.push(chunk)
        },
        onResponseEnd() {
          ended = true
          const bytes = chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)
          resume(Effect.succeed(new BufferedResponse(request, url, status, headers, bytes)))
        },
        onResponseError(_c, error) {
          ended = true
          resume(Effect.fail(transportError(request, error)))
        }
      })
    } catch (error) {
      // undici validates the method and headers before anything is sent
      ended = true
      return resume(Effect.fail(encodeError(request, error, "the request was refused before it was sent")))
    }
    return Effect.sync(() => {
      if (ended || stopped !== undefined) return
      stopped = new Error("the request was interrupted")
      controller?.abort(stopped)
    })
  })

/** An `HttpClient` sending through `dispatcher`, every answer read whole before it is handed over. */
export const make = (dispatcher: Undici.Dispatcher): HttpClient.HttpClient =>
  HttpClient.makeWith(
    (effect) =>
      Effect.flatMap(effect, (request) => {
        const full = request.urlParams.params.length === 0
          ? request.url
          : request.url + (request.url.includes("?") ? "&" : "?") + UrlParams.toString(request.urlParams)
        const parts = splitUrl(full)
        if (parts === undefined) {
          return Effect.fail(
            new HttpClientError.HttpClientError({
              reason: new HttpClientError.InvalidUrlError({ request, description: "not an absolute URL" })
            })
          )
        }
        const [origin, path] = parts
        const body = bodyOf(request.body)
        if (body === null || typeof body === "string" || body instanceof Uint8Array || body instanceof FormData) {
          return dispatch(dispatcher, request, full, origin, path, body)
        }
        // a streamed body is gathered first: this client buffers both ways
        return Stream.runCollect(body).pipe(
          Effect.mapError((cause) => transportError(request, cause, "request body stream failed")),
          Effect.flatMap((parts) => dispatch(dispatcher, request, full, origin, path, Buffer.concat(parts)))
        )
      }),
    Effect.succeed as HttpClient.HttpClient.Preprocess<never, never>
  )

const pick = (env: Record<string, string | undefined>, name: string): string | undefined => {
  const value = env[name] ?? env[name.toLowerCase()]
  return value === undefined || value === "" ? undefined : value
}

/** The dispatcher of `options`: keep-alive, with the explicit proxy or the environment's proxy variables. */
export const makeDispatcher = (undici: typeof Undici, options: Options = {}): Undici.Dispatcher => {
  const env = options.env ?? process.env
  if (typeof options.proxy === "string") return new undici.ProxyAgent(options.proxy)
  const httpProxy = pick(env, "HTTP_PROXY")
  const httpsProxy = pick(env, "HTTPS_PROXY") ?? httpProxy
  if (options.proxy !== false && httpsProxy !== undefined) {
    // read from the given environment rather than process.env, so tests and embedders control it
    const noProxy = pick(env, "NO_PROXY")
    return new undici.EnvHttpProxyAgent({
      ...(httpProxy !== undefined ? { httpProxy } : {}),
      httpsProxy,
      ...(noProxy !== undefined ? { noProxy } : {})
    })
  }
  return new undici.Agent({ keepAliveTimeout: 10_000 })
}

// A proxy that is not a URL is a setting's mistake, named as such, rather than a defect of undici's constructor.
const checkProxies = (options: Options): Effect.Effect<void, OvhConfig.OvhConfigError> => {
  if (options.proxy === false) return Effect.void
  if (typeof options.proxy === "string") return Effect.asVoid(OvhConfig.checkProxy(options.proxy, "code option proxy"))
  const env = options.env ?? process.env
  return Effect.forEach(["HTTPS_PROXY", "HTTP_PROXY"], (name) => {
    const value = pick(env, name)
    return value === undefined
      ? Effect.void
      : Effect.asVoid(OvhConfig.checkProxy(value, `environment variable ${name}`))
  }, { discard: true })
}

/**
 * The client over a new dispatcher, closed with the layer. undici is loaded when the layer is built,
 * not when this module is imported. A proxy that is not a URL fails with `OvhConfigError`.
 */
export const layer = (options: Options = {}): Layer.Layer<HttpClient.HttpClient, OvhConfig.OvhConfigError> =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.andThen(
      checkProxies(options),
      Effect.map(
        Effect.acquireRelease(
          Effect.map(
            Effect.promise(() => import("@effect/platform-node/Undici")),
            (undici) => makeDispatcher(undici, options)
          ),
          (dispatcher) => Effect.promise(() => dispatcher.destroy())
        ),
        make
      )
    )
  )
