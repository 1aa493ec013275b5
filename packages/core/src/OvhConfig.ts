/**
 * Where an OVHcloud client's settings come from, merged key by key by precedence:
 * values in code > environment (`OVH_*`) > an explicitly named config file > `./ovh.conf` >
 * `~/.ovh.conf` > `/etc/ovh.conf`, as python-ovh does. File discovery lives in
 * `@effect-ovh/node`; this module only knows sources as `ConfigProvider`s.
 *
 * @since 0.1.0
 */
import * as Config from "effect/Config"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Endpoint from "./Endpoint.ts"

/** Application key, secret and (optional) consumer key: every request is signed. */
export interface ApplicationKeyAuth {
  readonly _tag: "ApplicationKey"
  readonly applicationKey: string
  readonly applicationSecret: Redacted.Redacted<string>
  readonly consumerKey: Option.Option<Redacted.Redacted<string>>
}

/** OAuth2 client credentials (service account): requests carry a bearer token fetched from `tokenUrl`. */
export interface OAuth2Auth {
  readonly _tag: "OAuth2"
  readonly clientId: string
  readonly clientSecret: Redacted.Redacted<string>
  readonly tokenUrl: string
}

/** A bearer access token obtained elsewhere. */
export interface AccessTokenAuth {
  readonly _tag: "AccessToken"
  readonly accessToken: Redacted.Redacted<string>
}

/** How requests authenticate. */
export type Auth = ApplicationKeyAuth | OAuth2Auth | AccessTokenAuth

/** Resolved settings of a client. */
export interface Settings {
  readonly endpoint: Endpoint.Resolved
  readonly auth: Auth
  /** Per-call timeout (default 180 s, as the official wrappers). */
  readonly timeout: Duration.Duration
}

/** Values given in code; they win over every other source. */
export interface Options {
  readonly endpoint?: string | undefined
  readonly applicationKey?: string | undefined
  readonly applicationSecret?: string | Redacted.Redacted<string> | undefined
  readonly consumerKey?: string | Redacted.Redacted<string> | undefined
  readonly clientId?: string | undefined
  readonly clientSecret?: string | Redacted.Redacted<string> | undefined
  readonly accessToken?: string | Redacted.Redacted<string> | undefined
  /** OAuth2 token URL, for custom endpoints (named ones know theirs). */
  readonly oauth2TokenUrl?: string | undefined
  readonly timeout?: Duration.Input | undefined
}

/** The setting names, as written in `ovh.conf`. */
export const keys = [
  "endpoint",
  "application_key",
  "application_secret",
  "consumer_key",
  "client_id",
  "client_secret",
  "access_token",
  "oauth2_token_url",
  "timeout"
] as const

/** A setting name. */
export type Key = typeof keys[number]

/** The environment variable of a setting: `OVH_` + its name in upper case. */
export const envName = (key: Key): string => "OVH_" + key.toUpperCase()

/**
 * One place settings come from. A `flat` source holds `OVH_*` names (code, environment); an `ini`
 * source holds python-ovh's layout: `[default] endpoint=`, then the keys in a section named after
 * the endpoint.
 */
export interface Source {
  readonly label: string
  readonly kind: "flat" | "ini"
  readonly provider: ConfigProvider.ConfigProvider
}

/** The configuration is missing, half given, contradictory or malformed. */
export class OvhConfigError extends Schema.TaggedError<OvhConfigError>()("OvhConfigError", {
  /** The setting at fault, when one is. */
  key: Schema.optionalKey(Schema.String),
  reason: Schema.String,
  /** Every place that was looked at, highest precedence first. */
  lookedAt: Schema.Array(Schema.String)
}) {
  override get message() {
    const where = this.lookedAt.length > 0 ? ` (looked at: ${this.lookedAt.join("; ")})` : ""
    return `${this.reason}${where}`
  }
}

/** A source holding values given in code. */
export const fromOptions = (options: Options, label = "code"): Source => {
  const record: Record<string, string> = {}
  const put = (key: Key, value: string | Redacted.Redacted<string> | undefined) => {
    if (value !== undefined) record[envName(key)] = Redacted.isRedacted(value) ? Redacted.value(value) : value
  }
  put("endpoint", options.endpoint)
  put("application_key", options.applicationKey)
  put("application_secret", options.applicationSecret)
  put("consumer_key", options.consumerKey)
  put("client_id", options.clientId)
  put("client_secret", options.clientSecret)
  put("access_token", options.accessToken)
  put("oauth2_token_url", options.oauth2TokenUrl)
  if (options.timeout !== undefined) {
    record[envName("timeout")] = `${Duration.toMillis(Duration.fromInputUnsafe(options.timeout))} millis`
  }
  return { label, kind: "flat", provider: ConfigProvider.fromUnknown(record) }
}

/** A source reading `OVH_*` variables from an environment record (tests) or the process (default). */
export const fromEnv = (env?: Record<string, string | undefined>): Source => ({
  label: "environment",
  kind: "flat",
  provider: env === undefined ? ConfigProvider.fromEnv() : ConfigProvider.fromEnvRecord(env)
})

/** A source reading an ini document already parsed into `{ section: { key: value } }`. */
export const fromIni = (label: string, sections: Record<string, Record<string, string>>): Source => ({
  label,
  kind: "ini",
  provider: ConfigProvider.fromUnknown(sections)
})

interface Found {
  readonly value: string
  readonly label: string
}

const describeLookup = (source: Source, key: Key, section: string | undefined): string =>
  source.kind === "flat"
    ? `${source.label} (${envName(key)})`
    : `${source.label} [${key === "endpoint" ? "default" : section ?? "<endpoint>"}] ${key}`

const lookup = (
  sources: ReadonlyArray<Source>,
  key: Key,
  section: string | undefined
): Effect.Effect<{ readonly found: Found | undefined; readonly lookedAt: Array<string> }, OvhConfigError> =>
  Effect.gen(function*() {
    const lookedAt: Array<string> = []
    for (const source of sources) {
      if (source.kind === "ini" && key !== "endpoint" && section === undefined) continue
      lookedAt.push(describeLookup(source, key, section))
      const config = source.kind === "flat"
        ? Config.String(envName(key))
        : Config.String(key).pipe(Config.nested(key === "endpoint" ? "default" : section!))
      const value = yield* Config.option(config).parse(source.provider).pipe(
        Effect.mapError((error) =>
          new OvhConfigError({ key, reason: `cannot read ${key} from ${source.label}: ${error.message}`, lookedAt })
        )
      )
      if (Option.isSome(value) && value.value !== "") {
        return { found: { value: value.value, label: source.label }, lookedAt }
      }
    }
    return { found: undefined, lookedAt }
  })

/**
 * Resolves settings from `sources`, highest precedence first, merged key by key. The keys other
 * than `endpoint` are read from flat sources and from the ini section named after the endpoint.
 */
export const resolve = (sources: ReadonlyArray<Source>): Effect.Effect<Settings, OvhConfigError | Endpoint.InvalidEndpoint> =>
  Effect.gen(function*() {
    const endpointLookup = yield* lookup(sources, "endpoint", undefined)
    if (endpointLookup.found === undefined) {
      return yield* new OvhConfigError({
        key: "endpoint",
        reason: `missing endpoint: set one of ${Endpoint.names.join(", ")} or a base URL`,
        lookedAt: endpointLookup.lookedAt
      })
    }
    const endpoint = yield* Endpoint.resolve(endpointLookup.found.value)
    const section = endpointLookup.found.value
    const found = new Map<Key, string>()
    const places = new Map<Key, Array<string>>()
    for (const key of keys) {
      if (key === "endpoint") continue
      const result = yield* lookup(sources, key, section)
      places.set(key, result.lookedAt)
      if (result.found !== undefined) found.set(key, result.found.value)
    }
    const has = (key: Key) => found.has(key)
    const secret = (key: Key) => Redacted.make(found.get(key)!, { label: key })
    const missing = (given: Key, absent: Key, reason: string) =>
      new OvhConfigError({ key: absent, reason: `${given} is set but ${absent} is missing: ${reason}`, lookedAt: places.get(absent) ?? [] })

    let timeout = Duration.seconds(180)
    if (has("timeout")) {
      const raw = found.get("timeout")!
      const parsed = /^\d+(\.\d+)?$/.test(raw) ? Duration.fromInput(`${Number(raw) * 1000} millis`) : Duration.fromInput(raw as Duration.Input)
      if (Option.isNone(parsed) || Duration.isZero(parsed.value) || !Duration.isFinite(parsed.value)) {
        return yield* new OvhConfigError({ key: "timeout", reason: `invalid timeout "${raw}": use seconds or a duration such as "30 seconds"`, lookedAt: places.get("timeout") ?? [] })
      }
      timeout = parsed.value
    }

    if (has("client_id") !== has("client_secret")) {
      const [given, absent]: [Key, Key] = has("client_id") ? ["client_id", "client_secret"] : ["client_secret", "client_id"]
      return yield* missing(given, absent, "OAuth2 needs both client_id and client_secret")
    }
    if (has("application_key") !== has("application_secret")) {
      const [given, absent]: [Key, Key] = has("application_key")
        ? ["application_key", "application_secret"]
        : ["application_secret", "application_key"]
      return yield* missing(given, absent, "signed requests need both application_key and application_secret")
    }
    const kinds = [
      has("application_key") ? "application_key/application_secret" : undefined,
      has("client_id") ? "client_id/client_secret (OAuth2)" : undefined,
      has("access_token") ? "access_token" : undefined
    ].filter((k): k is string => k !== undefined)
    if (kinds.length > 1) {
      return yield* new OvhConfigError({
        reason: `several authentication methods are configured (${kinds.join(" and ")}); keep exactly one`,
        lookedAt: []
      })
    }
    if (has("consumer_key") && !has("application_key")) {
      return yield* missing("consumer_key", "application_key", "a consumer key belongs to an application key")
    }
    if (has("application_key")) {
      return {
        endpoint,
        timeout,
        auth: {
          _tag: "ApplicationKey",
          applicationKey: found.get("application_key")!,
          applicationSecret: secret("application_secret"),
          consumerKey: has("consumer_key") ? Option.some(secret("consumer_key")) : Option.none()
        }
      } satisfies Settings
    }
    if (has("client_id")) {
      const tokenUrl = found.get("oauth2_token_url") ?? endpoint.oauth2TokenUrl
      if (tokenUrl === undefined) {
        return yield* new OvhConfigError({
          key: "client_id",
          reason: Endpoint.isName(endpoint.name)
            ? `OAuth2 is not available on endpoint ${endpoint.name} (only on ovh-eu, ovh-ca and ovh-us)`
            : `OAuth2 on a custom endpoint needs oauth2_token_url`,
          lookedAt: places.get("oauth2_token_url") ?? []
        })
      }
      return {
        endpoint,
        timeout,
        auth: { _tag: "OAuth2", clientId: found.get("client_id")!, clientSecret: secret("client_secret"), tokenUrl }
      } satisfies Settings
    }
    if (has("access_token")) {
      return { endpoint, timeout, auth: { _tag: "AccessToken", accessToken: secret("access_token") } } satisfies Settings
    }
    return yield* new OvhConfigError({
      key: "application_key",
      reason: "missing authentication: give application_key and application_secret (plus consumer_key), " +
        "or client_id and client_secret, or access_token",
      lookedAt: [...(places.get("application_key") ?? []), ...(places.get("client_id") ?? [])]
    })
  })

/** The resolved settings of the client in scope. */
export class OvhConfig extends Context.Service<OvhConfig, Settings>()("@effect-ovh/core/OvhConfig") {
  /** Settings resolved from the given sources, highest precedence first. */
  static readonly layerSources = (
    sources: ReadonlyArray<Source>
  ): Layer.Layer<OvhConfig, OvhConfigError | Endpoint.InvalidEndpoint> => Layer.effect(OvhConfig, resolve(sources))

  /** Settings from code, then the process environment (no files: see `@effect-ovh/node` for those). */
  static readonly layer = (
    options: Options = {}
  ): Layer.Layer<OvhConfig, OvhConfigError | Endpoint.InvalidEndpoint> =>
    OvhConfig.layerSources([fromOptions(options), fromEnv()])
}
