/**
 * The layer Node programs provide: an `OvhClient` over undici (keep-alive, proxies), configured
 * from code, `OVH_*` variables and `ovh.conf` files exactly like python-ovh.
 *
 * @since 0.1.0
 */
import * as Endpoint from "@effect-ovh/core/Endpoint"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as OvhTransport from "@effect-ovh/core/OvhTransport"
import type * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Undici from "@effect/platform-node/Undici"
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as OvhConfigFile from "./OvhConfigFile.ts"

/** Options of {@link layer}: settings in code (they win), where to look for files, and the proxy. */
export interface Options extends OvhConfig.Options {
  /** An `ovh.conf` to read before the default ones (it must exist). */
  readonly configFile?: string | undefined
  /** Replaces the default file list (`./ovh.conf`, `~/.ovh.conf`, `/etc/ovh.conf`), highest precedence first. */
  readonly configPaths?: ReadonlyArray<string> | undefined
  /** The environment to read `OVH_*` from (default `process.env`). */
  readonly env?: Record<string, string | undefined> | undefined
  /**
   * An explicit proxy URL for every request. Without it, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` apply;
   * `false` ignores them too.
   */
  readonly proxy?: string | false | undefined
  /**
   * \`true\` sends the calls through Effect's \`HttpClient\` (its \`http.client\` spans, its middleware)
   * rather than straight to undici. Default \`false\`: the direct way uses 30–60 % less CPU per call
   * (see BENCHMARKS.md); both use the same connection pool and proxy.
   */
  readonly viaHttpClient?: boolean | undefined
  /** The client's retry policy (default `RetryPolicy.defaultPolicy`), as `OvhClient.layerWith`'s. */
  readonly retry?: OvhClient.Options["retry"]
  /** The client-wide retry budget (default `RetryPolicy.defaultBudget`); `false` for none. */
  readonly retryBudget?: OvhClient.Options["retryBudget"]
}

/** The config sources of `options`, highest precedence first: code, environment, files. */
export const configSources = (
  options: Options = {}
): Effect.Effect<Array<OvhConfig.Source>, OvhConfigFile.OvhConfigFileError> =>
  Effect.map(
    OvhConfigFile.sources({ configFile: options.configFile, paths: options.configPaths }),
    (files) => [OvhConfig.fromOptions(options), OvhConfig.fromEnv(options.env ?? process.env), ...files]
  )

/** `OvhConfig` from code, environment and files. */
export const layerConfig = (
  options: Options = {}
): Layer.Layer<OvhConfig.OvhConfig, OvhConfig.OvhConfigError | Endpoint.InvalidEndpoint | OvhConfigFile.OvhConfigFileError> =>
  Layer.effect(OvhConfig.OvhConfig, Effect.flatMap(configSources(options), OvhConfig.resolve))

const pick = (env: Record<string, string | undefined>, name: string): string | undefined => {
  const value = env[name] ?? env[name.toLowerCase()]
  return value === undefined || value === "" ? undefined : value
}

const hasProxyEnv = (env: Record<string, string | undefined>) =>
  pick(env, "HTTPS_PROXY") !== undefined || pick(env, "HTTP_PROXY") !== undefined

// read from the given environment rather than process.env, so tests and embedders control it
const proxyEnv = (env: Record<string, string | undefined>): Undici.EnvHttpProxyAgent.Options => {
  const httpProxy = pick(env, "HTTP_PROXY")
  const httpsProxy = pick(env, "HTTPS_PROXY") ?? httpProxy
  const noProxy = pick(env, "NO_PROXY")
  return {
    ...(httpProxy !== undefined ? { httpProxy } : {}),
    ...(httpsProxy !== undefined ? { httpsProxy } : {}),
    ...(noProxy !== undefined ? { noProxy } : {})
  }
}

/** The undici dispatcher: keep-alive, with the explicit proxy or the proxy variables of the environment. */
const layerDispatcher = (options: Pick<Options, "proxy" | "env">): Layer.Layer<NodeHttpClient.Dispatcher> => {
  const env = options.env ?? process.env
  return Layer.effect(
    NodeHttpClient.Dispatcher,
    Effect.acquireRelease(
      Effect.sync((): Undici.Dispatcher =>
        typeof options.proxy === "string"
          ? new Undici.ProxyAgent(options.proxy)
          : options.proxy !== false && hasProxyEnv(env)
          ? new Undici.EnvHttpProxyAgent(proxyEnv(env))
          : new Undici.Agent({ keepAliveTimeout: 10_000 })
      ),
      (dispatcher) => Effect.promise(() => dispatcher.destroy())
    )
  )
}

/** The undici `HttpClient`, keep-alive, with the explicit proxy or the proxy variables of the environment. */
export const layerHttpClient = (options: Pick<Options, "proxy" | "env"> = {}): Layer.Layer<HttpClient.HttpClient> =>
  NodeHttpClient.layerUndiciNoDispatcher.pipe(Layer.provide(layerDispatcher(options)))

const joinHeaders = (headers: Record<string, string | Array<string> | undefined>): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const name in headers) {
    const value = headers[name]
    if (value !== undefined) out[name] = typeof value === "string" ? value : value.join(", ")
  }
  return out
}

/**
 * An `OvhTransport` over an undici dispatcher: each request is one \`dispatcher.dispatch\` whose answer
 * is gathered as it comes, with none of a general-purpose \`HttpClient\`'s per-request machinery (no
 * stream objects, no abort signal: \`abort\` goes to undici's own controller).
 */
export const makeTransport = (dispatcher: Undici.Dispatcher): OvhTransport.Service => ({
  send: (request) => {
    let controller: Undici.Dispatcher.DispatchController | undefined
    let aborted: Error | undefined
    let ended = false
    const response = new Promise<OvhTransport.Response>((resolve, reject) => {
      const url = new URL(request.url)
      let status = 0
      let headers: Record<string, string> = {}
      const chunks: Array<Buffer> = []
      const fail = (error: Error) => {
        ended = true
        reject(error)
      }
      try {
        dispatcher.dispatch({
          origin: url.origin,
          path: url.pathname + url.search,
          method: request.method as Undici.Dispatcher.HttpMethod,
          headers: request.headers,
          body: request.body ?? null
        }, {
          onRequestStart(c) {
            controller = c
            if (aborted !== undefined) c.abort(aborted)
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
            resolve({ status, headers, body: Buffer.concat(chunks).toString("utf8") })
          },
          onResponseError(_c, error) {
            fail(error)
          }
        })
      } catch (error) {
        fail(error instanceof Error ? error : new Error(String(error)))
      }
    })
    return {
      response,
      abort: () => {
        if (ended || aborted !== undefined) return
        aborted = new Error("the request was stopped")
        controller?.abort(aborted)
      }
    }
  }
})

/**
 * The undici `HttpClient` and, unless \`viaHttpClient\`, over the same connection pool and proxy, the
 * `OvhTransport` that `OvhClient`'s calls take.
 */
export const layerTransports = (
  options: Pick<Options, "proxy" | "env" | "viaHttpClient"> = {}
): Layer.Layer<HttpClient.HttpClient> => {
  const http = NodeHttpClient.layerUndiciNoDispatcher
  const transport = Layer.effect(
    OvhTransport.OvhTransport,
    Effect.map(Effect.service(NodeHttpClient.Dispatcher), makeTransport)
  )
  return (options.viaHttpClient === true ? http : Layer.merge(http, transport)).pipe(
    Layer.provide(layerDispatcher(options))
  )
}

/**
 * The whole client for Node: `OvhClient` (and the `OvhConfig` and `TimeDelta` it uses) over undici,
 * with its retry policy, retry budget and timeout (\`timeout\`, as \`OVH_TIMEOUT\`) when given.
 * Fails at construction with a typed error when the configuration is missing, contradictory or
 * malformed; no request is sent until the first call.
 */
export const layer = (
  options: Options = {}
): Layer.Layer<
  OvhClient.OvhClient | OvhConfig.OvhConfig | TimeDelta.TimeDelta,
  OvhConfig.OvhConfigError | Endpoint.InvalidEndpoint | OvhConfigFile.OvhConfigFileError
> =>
  OvhClient.OvhClient.layerWith({ retry: options.retry, retryBudget: options.retryBudget }).pipe(
    Layer.provideMerge(layerConfig(options)),
    Layer.provide(layerTransports(options))
  )
