/**
 * Where an OVHcloud client's settings come from, merged key by key by precedence: values in code >
 * `OVH_*` variables, read through Effect's `ConfigProvider` > python-ovh's `ovh.conf` files. File
 * discovery lives in `@effect-ovh/node`; this module knows sources as `ConfigProvider`s, the
 * `Config` description of the settings, and the rules every value goes through, whichever source
 * gave it.
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
import * as Result from "effect/Result"
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

/** Values given in code; they win over every other source. An empty string counts as not given. */
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
  /** A `Duration` input: a number is milliseconds, as everywhere in Effect; a string is seconds or `"30 seconds"`. */
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

/** The settings whose values are secrets: read as `Redacted`, never quoted. */
export type SecretKey = "application_secret" | "consumer_key" | "client_secret" | "access_token"

/** The environment variable of a setting: `OVH_` + its name in upper case. */
export const envName = (key: Key): string => "OVH_" + key.toUpperCase()

/** The option of a setting in code: its name in camelCase (`application_key` -> `applicationKey`). */
export const optionName = (key: Key): string => key.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase())

/**
 * One place settings come from. Its provider answers two kinds of path: `[OVH_ENDPOINT]`, and
 * `[section, OVH_<KEY>]` for every other setting, `section` being the endpoint in use. A flat
 * source (code, variables) ignores the section, as python-ovh does for the environment; an ini
 * source reads `[default] endpoint` and then the keys of the section named after the endpoint.
 */
export interface Source {
  /** Where this source is, for diagnostics: `code`, `environment`, a list of files. */
  readonly label: string
  /** How a setting is named in this source, for diagnostics: `code option applicationKey`, `environment variable OVH_APPLICATION_KEY`... */
  readonly describe: (key: Key, section: string | undefined) => string
  readonly provider: ConfigProvider.ConfigProvider
  /** The section names of an ini source, for hints when none matches the endpoint. */
  readonly sections?: ReadonlyArray<string> | undefined
}

/** The configuration is missing, half given, contradictory or malformed. Its text names keys and places, never values. */
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

const flat = (
  label: string,
  describe: (key: Key) => string,
  provider: ConfigProvider.ConfigProvider
): Source => ({
  label,
  describe,
  // the section is for ini sources only: a flat source answers [section, OVH_X] as [OVH_X]
  provider: provider.pipe(ConfigProvider.mapInput((path) => path.slice(-1)))
})

// A timeout in code is a Duration input; it travels as text so that it meets the same rules as
// OVH_TIMEOUT (a value Duration cannot read stays as given, and is refused by `parseTimeout`).
const timeoutText = (input: Duration.Input): string => {
  if (typeof input === "string") return input
  const duration = Duration.fromInput(input)
  return Option.isSome(duration) ? `${Duration.toMillis(duration.value)} millis` : String(input)
}

/** A source holding values given in code; they are checked by the same rules as the other sources. */
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
  if (options.timeout !== undefined) record[envName("timeout")] = timeoutText(options.timeout)
  return flat(label, (key) => `${label} option ${optionName(key)}`, ConfigProvider.fromUnknown(record))
}

/** A source reading `OVH_*` variables from an environment record (tests) or the process (default). */
export const fromEnv = (env?: Record<string, string | undefined>): Source =>
  flat(
    "environment",
    (key) => `environment variable ${envName(key)}`,
    env === undefined ? ConfigProvider.fromEnv() : ConfigProvider.fromEnvRecord(env)
  )

/**
 * A source reading `OVH_*` keys through a `ConfigProvider`: the current one in `layer`, which is
 * the process environment unless the program provides another (`ConfigProvider.layer(...)`).
 */
export const fromProvider = (provider: ConfigProvider.ConfigProvider, label = "ConfigProvider"): Source =>
  flat(label, (key) => `${label} key ${envName(key)}`, provider)

/**
 * An ini document parsed as configparser reads it: `{ section: { key: value } }`, option names
 * in lower case, the `[DEFAULT]` section under `DEFAULT`.
 */
export type Sections = Record<string, Record<string, string>>

/** configparser's name of the section whose values every section inherits. */
export const DEFAULT_SECTION = "DEFAULT"

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value === "" ? undefined : value

/**
 * configparser's `get(section, option)`: the section's own value, else `[DEFAULT]`'s, but only when
 * the section exists (or is `DEFAULT` itself); section names are matched exactly. An empty value
 * counts as absent (see `docs/configuration.md`, "Empty values").
 */
export const iniGet = (sections: Sections, section: string, key: Key): string | undefined => {
  const defaults = sections[DEFAULT_SECTION]
  if (section === DEFAULT_SECTION) return nonEmpty(defaults?.[key])
  if (!Object.hasOwn(sections, section)) return undefined
  return nonEmpty(sections[section]![key]) ?? nonEmpty(defaults?.[key])
}

const isKey = (name: string): name is Key => (keys as ReadonlyArray<string>).includes(name)

/**
 * A source reading python-ovh's layout from an ini document already parsed: `endpoint` from
 * section `default` (as python-ovh's `config.get("default", "endpoint")`), every other key from
 * the section named after the endpoint.
 */
export const fromIni = (label: string, sections: Sections): Source => ({
  label,
  describe: (key, section) => `${label} [${key === "endpoint" ? "default" : section ?? "<endpoint>"}] ${key}`,
  sections: Object.keys(sections),
  provider: ConfigProvider.make((path) => {
    const name = path[path.length - 1]
    const key = typeof name === "string" && name.startsWith("OVH_") ? name.slice(4).toLowerCase() : undefined
    if (key === undefined || !isKey(key)) return Effect.succeed(undefined)
    const section = key === "endpoint" ? "default" : path.length === 2 ? String(path[0]) : undefined
    const value = section === undefined ? undefined : iniGet(sections, section, key)
    return Effect.succeed(value === undefined ? undefined : ConfigProvider.makeValue(value))
  })
})

/**
 * One `ConfigProvider` over `sources`, highest precedence first: a path is answered by the first
 * source that holds a non-empty value for it (a variable that is also the prefix of others, as
 * `OVH_ENDPOINT` beside `OVH_ENDPOINT_X`, is a record with a value, and its value counts).
 */
export const layered = (sources: ReadonlyArray<Source>): ConfigProvider.ConfigProvider =>
  ConfigProvider.make((path) =>
    Effect.gen(function*() {
      for (const source of sources) {
        const value = nonEmpty((yield* source.provider.load(path))?.value)
        if (value !== undefined) return ConfigProvider.makeValue(value)
      }
      return undefined
    })
  )

/** The raw settings, as read from a provider before they are checked: every key optional, secrets `Redacted`. */
export type Values = {
  readonly [K in Key]: Option.Option<
    K extends SecretKey ? Redacted.Redacted<string> : string
  >
}

const setting = (key: Key): Config.Config<Option.Option<string>> =>
  Config.option(Config.String(envName(key))).pipe(Config.map(Option.filter((value) => value !== "")))

const secret = (key: Key): Config.Config<Option.Option<Redacted.Redacted<string>>> =>
  setting(key).pipe(Config.map(Option.map((value) => Redacted.make(value, { label: key }))))

/**
 * The `Config` description of the settings: `OVH_ENDPOINT` first, then every other `OVH_*` key
 * under the endpoint (the section an ini source reads; flat sources ignore it). No check happens
 * here; `resolve` applies the rules.
 */
export const config: Config.Config<Values> = Config.flatMap(setting("endpoint"), (endpoint) => {
  const rest = Config.all({
    application_key: setting("application_key"),
    application_secret: secret("application_secret"),
    consumer_key: secret("consumer_key"),
    client_id: setting("client_id"),
    client_secret: secret("client_secret"),
    access_token: secret("access_token"),
    oauth2_token_url: setting("oauth2_token_url"),
    timeout: setting("timeout")
  })
  return (Option.isSome(endpoint) ? rest.pipe(Config.nested(endpoint.value)) : rest).pipe(
    Config.map((values): Values => ({ endpoint, ...values }))
  )
})

const DEFAULT_TIMEOUT = Duration.seconds(180)

/**
 * The rule for a timeout read as text (`OVH_TIMEOUT`, `ovh.conf`, code): a bare number is seconds
 * (python-ovh's unit), anything else a `Duration` such as `"30 seconds"`; it must be finite and
 * greater than zero. The reason, when refused, never repeats the value.
 */
export const parseTimeout = (text: string): Result.Result<Duration.Duration, string> => {
  const parsed = /^\d+(\.\d+)?$/.test(text)
    ? Duration.fromInput(`${Number(text) * 1000} millis`)
    : Duration.fromInput(text as Duration.Input)
  if (Option.isNone(parsed)) return Result.fail(`is neither a number of seconds nor a duration such as "30 seconds"`)
  if (!Duration.isFinite(parsed.value)) return Result.fail("must be finite")
  if (Duration.toMillis(parsed.value) <= 0) return Result.fail("must be greater than zero")
  return Result.succeed(parsed.value)
}

/**
 * The rule for a proxy URL given in code or in `HTTPS_PROXY`/`HTTP_PROXY`: an absolute `http`,
 * `https`, `socks5` or `socks` URL with a host (undici's `ProxyAgent` takes these four). The error
 * names `place`, never the value, which may hold the proxy's password.
 */
export const checkProxy = (value: string, place: string): Effect.Effect<string, OvhConfigError> => {
  let url: URL | undefined
  try {
    url = new URL(value)
  } catch {
    url = undefined
  }
  if (url === undefined || url.host === "") {
    return Effect.fail(
      new OvhConfigError({
        key: "proxy",
        reason: `proxy is not an absolute URL such as "http://proxy.internal:3128"`,
        lookedAt: [place]
      })
    )
  }
  if (!["http:", "https:", "socks5:", "socks:"].includes(url.protocol)) {
    return Effect.fail(
      new OvhConfigError({
        key: "proxy",
        reason: `proxy URL scheme must be http, https, socks5 or socks`,
        lookedAt: [place]
      })
    )
  }
  return Effect.succeed(value)
}

/**
 * Checks the raw values read from `sources` (which only serve to name the places looked at) and
 * builds the settings. The rules are python-ovh's where it has them (`ovh/client.py`,
 * `Client.__init__`): both halves of a key pair, one authentication method, OAuth2 only where the
 * endpoint has a token URL; a consumer key next to OAuth2 credentials is ignored, as python-ovh
 * ignores it.
 */
export const check = (
  values: Values,
  sources: ReadonlyArray<Source>
): Effect.Effect<Settings, OvhConfigError | Endpoint.InvalidEndpoint> =>
  Effect.gen(function*() {
    const section = Option.getOrUndefined(values.endpoint)
    const places = (key: Key) => sources.map((source) => source.describe(key, section))
    const fail = (
      key: Key | undefined,
      reason: string,
      lookedAt: ReadonlyArray<string> = key === undefined ? [] : places(key)
    ) => new OvhConfigError({ ...(key !== undefined ? { key } : {}), reason, lookedAt })

    const text = (key: Key): string | undefined => {
      const value: string | Redacted.Redacted<string> | undefined = Option.getOrUndefined<
        string | Redacted.Redacted<string>
      >(values[key])
      return Redacted.isRedacted(value) ? Redacted.value(value) : value
    }
    // an indented line in ovh.conf continues the value above it (configparser), so a value can span
    // lines; python-ovh would send it as is and fail on the wire, this refuses it before
    for (const key of keys) {
      if (/[\r\n\0]/.test(text(key) ?? "")) {
        return yield* fail(
          key,
          `${key} holds a line break or a NUL character (in ovh.conf, an indented line continues the value above it)`
        )
      }
    }

    if (section === undefined) {
      return yield* fail("endpoint", `missing endpoint: set one of ${Endpoint.names.join(", ")} or a base URL`)
    }
    const endpoint = yield* Endpoint.resolve(section)
    const has = (key: Key) => text(key) !== undefined
    const missing = (given: Key, absent: Key, reason: string) =>
      fail(absent, `${given} is set but ${absent} is missing: ${reason}`)

    let timeout = DEFAULT_TIMEOUT
    const timeoutText = text("timeout")
    if (timeoutText !== undefined) {
      const parsed = parseTimeout(timeoutText)
      if (Result.isFailure(parsed)) return yield* fail("timeout", `invalid timeout: it ${parsed.failure}`)
      timeout = parsed.success
    }

    if (has("client_id") !== has("client_secret")) {
      const [given, absent]: [Key, Key] = has("client_id")
        ? ["client_id", "client_secret"]
        : ["client_secret", "client_id"]
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
      return yield* fail(
        undefined,
        `several authentication methods are configured (${kinds.join(" and ")}); keep exactly one`
      )
    }
    const secretOf = (key: Key) => Redacted.make(text(key)!, { label: key })
    if (has("application_key")) {
      return {
        endpoint,
        timeout,
        auth: {
          _tag: "ApplicationKey",
          applicationKey: text("application_key")!,
          applicationSecret: secretOf("application_secret"),
          consumerKey: has("consumer_key") ? Option.some(secretOf("consumer_key")) : Option.none()
        }
      } satisfies Settings
    }
    if (has("client_id")) {
      const tokenUrl = text("oauth2_token_url") ?? endpoint.oauth2TokenUrl
      if (tokenUrl === undefined) {
        return yield* fail(
          "client_id",
          Endpoint.isName(endpoint.name)
            ? `OAuth2 is not available on endpoint ${endpoint.name} (only on ovh-eu, ovh-ca and ovh-us)`
            : `OAuth2 on a custom endpoint needs oauth2_token_url`,
          places("oauth2_token_url")
        )
      }
      return {
        endpoint,
        timeout,
        auth: { _tag: "OAuth2", clientId: text("client_id")!, clientSecret: secretOf("client_secret"), tokenUrl }
      } satisfies Settings
    }
    if (has("access_token")) {
      return {
        endpoint,
        timeout,
        auth: { _tag: "AccessToken", accessToken: secretOf("access_token") }
      } satisfies Settings
    }
    if (has("consumer_key")) {
      return yield* missing("consumer_key", "application_key", "a consumer key belongs to an application key")
    }
    // configparser matches section names exactly: `[ ovh-eu ]` or `[OVH-EU]` is another section
    const near = sources.flatMap((source) => source.sections ?? []).filter((name) =>
      name !== section && name.trim().toLowerCase() === section.toLowerCase()
    )
    const hint = near.length > 0
      ? `; a file has the section ${
        near.map((name) => `"[${name}]"`).join(", ")
      }, but section names must match the endpoint exactly`
      : ""
    return yield* fail(
      "application_key",
      "missing authentication: give application_key and application_secret (plus consumer_key), " +
        `or client_id and client_secret, or access_token${hint}`,
      [...places("application_key"), ...places("client_id"), ...places("access_token")]
    )
  })

const unreadable = (error: Config.ConfigError) =>
  new OvhConfigError({
    // a provider's own failure (a secret store that cannot be reached) says why; any other
    // failure is described without the data, which may be a secret
    reason: `the configuration cannot be read${error.cause._tag === "SourceError" ? `: ${error.cause.message}` : ""}`,
    lookedAt: []
  })

/**
 * Resolves settings from `sources`, highest precedence first, merged key by key: `config` read
 * through `layered(sources)`, then `check`.
 */
export const resolve = (
  sources: ReadonlyArray<Source>
): Effect.Effect<Settings, OvhConfigError | Endpoint.InvalidEndpoint> =>
  Effect.flatMap(Effect.mapError(config.parse(layered(sources)), unreadable), (values) => check(values, sources))

/** The resolved settings of the client in scope. */
export class OvhConfig extends Context.Service<OvhConfig, Settings>()("@effect-ovh/core/OvhConfig") {
  /** Settings resolved from the given sources, highest precedence first. */
  static readonly layerSources = (
    sources: ReadonlyArray<Source>
  ): Layer.Layer<OvhConfig, OvhConfigError | Endpoint.InvalidEndpoint> => Layer.effect(OvhConfig, resolve(sources))

  /**
   * Settings from code, then `OVH_*` keys through the current `ConfigProvider` (the process
   * environment unless the program provides another). No files: see `@effect-ovh/node` for those.
   */
  static readonly layer = (
    options: Options = {}
  ): Layer.Layer<OvhConfig, OvhConfigError | Endpoint.InvalidEndpoint> =>
    Layer.effect(
      OvhConfig,
      Effect.gen(function*() {
        const provider = yield* ConfigProvider.ConfigProvider
        return yield* resolve([fromOptions(options), fromProvider(provider)])
      })
    )
}
