/**
 * The layer Node programs provide: an `OvhClient` over undici (keep-alive, proxies), configured
 * from code, `OVH_*` variables and `ovh.conf` files exactly like python-ovh.
 *
 * @since 0.1.0
 */
import * as Endpoint from "@effect-ovh/core/Endpoint"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
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

/** The undici `HttpClient`, keep-alive, with the explicit proxy or the proxy variables of the environment. */
export const layerHttpClient = (options: Pick<Options, "proxy" | "env"> = {}): Layer.Layer<HttpClient.HttpClient> => {
  const env = options.env ?? process.env
  const dispatcher = Layer.effect(
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
  return NodeHttpClient.layerUndiciNoDispatcher.pipe(Layer.provide(dispatcher))
}

/**
 * The whole client for Node: `OvhClient` (and the `OvhConfig` and `TimeDelta` it uses) over undici.
 * Fails at construction with a typed error when the configuration is missing, contradictory or
 * malformed; no request is sent until the first call.
 */
export const layer = (
  options: Options = {}
): Layer.Layer<
  OvhClient.OvhClient | OvhConfig.OvhConfig | TimeDelta.TimeDelta,
  OvhConfig.OvhConfigError | Endpoint.InvalidEndpoint | OvhConfigFile.OvhConfigFileError
> =>
  OvhClient.OvhClient.layer.pipe(
    Layer.provideMerge(layerConfig(options)),
    Layer.provide(layerHttpClient(options))
  )
