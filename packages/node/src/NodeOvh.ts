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
import * as Effect from "effect/Effect"
import type * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as OvhConfigFile from "./OvhConfigFile.ts"
import * as UndiciHttpClient from "./UndiciHttpClient.ts"

/** Options of {@link layer}: settings in code (they win), where to look for files, and the proxy. */
export interface Options extends OvhConfigFile.ConfigOptions {
  /**
   * An explicit proxy URL for every request. Without it, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` apply;
   * `false` ignores them too.
   */
  readonly proxy?: string | false | undefined
  /** The client's retry policy (default `RetryPolicy.defaultPolicy`), as `OvhClient.layerWith`'s. */
  readonly retry?: OvhClient.Options["retry"]
  /** The client-wide retry budget (default `RetryPolicy.defaultBudget`); `false` for none. */
  readonly retryBudget?: OvhClient.Options["retryBudget"]
  /** Whether requests carry the trace context to the API (default `false`), as `OvhClient.layerWith`'s. */
  readonly propagateTrace?: OvhClient.Options["propagateTrace"]
}

/**
 * The config sources of `options`, highest precedence first: code, then `OVH_*` variables (from
 * `options.env` when given, else through the current `ConfigProvider`), then `ovh.conf` files.
 */
export const configSources = (
  options: Options = {}
): Effect.Effect<Array<OvhConfig.Source>, OvhConfigFile.OvhConfigFileError> => OvhConfigFile.configSources(options)

/** `OvhConfig` from code, `OVH_*` through the current `ConfigProvider` (or `options.env`), and files. */
export const layerConfig = (
  options: Options = {}
): Layer.Layer<
  OvhConfig.OvhConfig,
  OvhConfig.OvhConfigError | Endpoint.InvalidEndpoint | OvhConfigFile.OvhConfigFileError
> => OvhConfigFile.layerConfig(options)

/** The undici `HttpClient` (`UndiciHttpClient`), keep-alive, with the explicit proxy or the environment's. */
export const layerHttpClient = (
  options: Pick<Options, "proxy" | "env"> = {}
): Layer.Layer<HttpClient.HttpClient, OvhConfig.OvhConfigError> => UndiciHttpClient.layer(options)

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
  OvhClient.OvhClient.layerWith({
    retry: options.retry,
    retryBudget: options.retryBudget,
    propagateTrace: options.propagateTrace
  }).pipe(
    Layer.provideMerge(layerConfig(options)),
    Layer.provide(layerHttpClient(options))
  )
