/**
 * The OVHcloud API endpoints: named regions, custom base URLs, and the `/v1` / `/v2` routing rule.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** One row of the endpoint table. */
export interface Definition {
  readonly url: string
  /** The OAuth2 token URL for service accounts; absent where the brand has no OAuth2. */
  readonly oauth2TokenUrl?: string
}

/**
 * Every named endpoint, as the official wrappers know them. OVHcloud has announced a move to
 * `api.<eu|ca>.ovhcloud.com`; when it lands, only this table changes.
 */
export const endpoints = {
  "ovh-eu": { url: "https://eu.api.ovh.com/1.0", oauth2TokenUrl: "https://www.ovh.com/auth/oauth2/token" },
  "ovh-ca": { url: "https://ca.api.ovh.com/1.0", oauth2TokenUrl: "https://ca.ovh.com/auth/oauth2/token" },
  "ovh-us": { url: "https://api.us.ovhcloud.com/1.0", oauth2TokenUrl: "https://us.ovhcloud.com/auth/oauth2/token" },
  "soyoustart-eu": { url: "https://eu.api.soyoustart.com/1.0" },
  "soyoustart-ca": { url: "https://ca.api.soyoustart.com/1.0" },
  "kimsufi-eu": { url: "https://eu.api.kimsufi.com/1.0" },
  "kimsufi-ca": { url: "https://ca.api.kimsufi.com/1.0" }
} as const satisfies Record<string, Definition>

/** A name of the endpoint table. */
export type Name = keyof typeof endpoints

/** The valid endpoint names, in table order. */
export const names: ReadonlyArray<Name> = Object.keys(endpoints) as Array<Name>

/**
 * The endpoint is neither a known name nor a usable base URL. `endpoint` is the value as
 * {@link shown}: a password, query or fragment of a URL never appears in it.
 */
export class InvalidEndpoint extends Schema.TaggedError<InvalidEndpoint>()("InvalidEndpoint", {
  endpoint: Schema.String,
  reason: Schema.String
}) {
  override get message() {
    return `Invalid endpoint "${this.endpoint}": ${this.reason}`
  }
}

const NAME_LIKE = /^[A-Za-z0-9._-]{1,24}$/

/**
 * An endpoint value as diagnostics may quote it: a URL keeps its scheme, host and path, with any
 * user and password replaced by `***` and any query or fragment cut to `?…`; a value that looks
 * like an endpoint name (short, no spaces) is kept; anything else, such as a secret given there by
 * mistake, is described by its length only.
 */
export const shown = (endpoint: string): string => {
  const length = `<a value of ${endpoint.length} characters>`
  if (!endpoint.includes("://")) return NAME_LIKE.test(endpoint) ? endpoint : length
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    // not a URL: whatever it holds may be a credential, so it is not repeated
    return length
  }
  const userinfo = url.username !== "" || url.password !== "" ? "***@" : ""
  return `${url.protocol}//${userinfo}${url.host}${url.pathname}${url.search !== "" || url.hash !== "" ? "?…" : ""}`
}

const invalid = (endpoint: string, reason: string) =>
  Effect.fail(new InvalidEndpoint({ endpoint: shown(endpoint), reason }))

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i

/** Whether `name` is a key of the endpoint table. */
export const isName = (name: string): name is Name => Object.hasOwn(endpoints, name)

/** A resolved endpoint: its base URL without a trailing slash, and its OAuth2 token URL when it has one. */
export interface Resolved {
  readonly name: string
  readonly url: string
  readonly oauth2TokenUrl: string | undefined
}

/**
 * Resolves an endpoint name or an absolute base URL. URLs must be https, or plain http on a
 * loopback host (for local fakes and tunnels).
 */
export const resolve = (endpoint: string): Effect.Effect<Resolved, InvalidEndpoint> => {
  if (isName(endpoint)) {
    const def: Definition = endpoints[endpoint]
    return Effect.succeed({ name: endpoint, url: def.url, oauth2TokenUrl: def.oauth2TokenUrl })
  }
  if (!endpoint.includes("://")) {
    return invalid(endpoint, `unknown name; valid names are ${names.join(", ")}, or an https URL`)
  }
  let url: URL
  try {
    url = new URL(endpoint)
  } catch {
    return invalid(endpoint, "not a valid URL")
  }
  if (url.protocol !== "https:" && !(url.protocol === "http:" && LOOPBACK.test(url.hostname))) {
    return invalid(endpoint, "only https URLs are allowed (plain http only on a loopback host)")
  }
  if (url.search !== "" || url.hash !== "" || url.username !== "" || url.password !== "") {
    return invalid(endpoint, "a base URL takes no query, fragment or credentials")
  }
  const base = url.href.replace(/\/+$/, "")
  return Effect.succeed({ name: endpoint, url: base, oauth2TokenUrl: undefined })
}

/**
 * The absolute URL of `path` under `baseUrl`. A path starting with `/v1/` or `/v2/` drops a trailing
 * `/1.0` from the base, as every official wrapper does: `/v2/iam/policy` goes to `<host>/v2/iam/policy`.
 */
export const target = (baseUrl: string, path: string): string => {
  const p = path.startsWith("/") ? path : "/" + path
  if (baseUrl.endsWith("/1.0") && /^\/v[12](?:\/|$)/.test(p)) {
    return baseUrl.slice(0, -4) + p
  }
  return baseUrl + p
}
