/**
 * The behaviour shared by both faces of the fake: routing against the schemas, authentication,
 * parameter checks, state, generated data, faults and the call log. A face turns its transport's
 * request into a `RawRequest` and writes back the `Outcome`.
 */
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Redacted from "effect/Redacted"
import * as Signature from "@effect-ovh/core/Signature"
import type * as FakeOvhApi from "../FakeOvhApi.ts"
import * as Schemas from "./schemas.ts"
import * as Types from "./types.ts"
import * as V2 from "./v2.ts"

/** A request as received: `url` is absolute and exactly as the client sent it. */
export interface RawRequest {
  readonly method: string
  readonly url: string
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly remoteAddress?: string | undefined
}

/** An answer to write back. */
export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** What a face must do. */
export type Outcome = { readonly _tag: "Respond"; readonly response: RawResponse } | { readonly _tag: "Drop" }

type Service = Omit<FakeOvhApi.FakeOvhApi["Service"], "baseUrl" | "tokenUrl">

interface Application {
  readonly applicationId: number
  readonly applicationKey: string
  readonly applicationSecret: string
  readonly name: string
  readonly description: string
}

interface Credential {
  readonly credentialId: number
  readonly applicationId: number
  readonly consumerKey: string
  readonly rules: ReadonlyArray<FakeOvhApi.AccessRule>
  status: FakeOvhApi.CredentialState
  readonly creation: number
  expiration: number | undefined
  lastUse: number | undefined
  allowedIPs: ReadonlyArray<string> | null
}

interface ScriptedFault {
  readonly route: FakeOvhApi.RouteMatch | undefined
  readonly fault: FakeOvhApi.Fault
  remaining: number
}

const STATUS_TEXT: Record<number, string> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

const SECRET_HEADERS = new Set(["x-ovh-consumer", "x-ovh-signature", "authorization", "cookie"])

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const reveal = (value: string | Redacted.Redacted<string>): string =>
  typeof value === "string" ? value : Redacted.value(value)

/** A reply before it becomes bytes. */
interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Pre-serialized body (HTML pages). */
  readonly raw?: string | undefined
}

const json = (status: number, body: unknown, headers?: Record<string, string>): Reply => ({ status, body, headers })

const ovhError = (status: number, message: string, errorCode?: string, cls?: string): Reply =>
  json(status, {
    ...(cls !== undefined ? { class: cls } : {}),
    ...(errorCode !== undefined ? { errorCode } : {}),
    httpCode: `${status} ${STATUS_TEXT[status] ?? "Error"}`,
    message
  })

const badParameters = (message: string) => ovhError(400, message, "BAD_PARAMETERS", "Client::BadRequest::BadParameters")
const notFound = (message: string) => ovhError(404, message, undefined, "Client::NotFound")

/** Builds a fake's engine and its control surface. */
export const make = (options: FakeOvhApi.Options) =>
  Effect.gen(function*() {
    const schemas = Schemas.forDirectory(options.schemas)
    const seedText = String(options.seed ?? "effect-ovh")
    const generator = new Types.Generator(schemas, seedText)
    const v2 = V2.make({ v1Directory: schemas.directory, seed: seedText })
    const window = options.timeWindow ?? 180
    let latency: Duration.Input | undefined = options.latency
    const tokenLifetime = options.tokenLifetime ?? 3600

    // Deterministic secrets from the seed: the same `--seed` prints the same keys.
    let secretCounter = 0
    const secret = (length: number, purpose: string): string => {
      const next = Types.random(Types.hash(`${seedText}|${purpose}|${secretCounter++}`))
      let out = ""
      for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)]
      return out
    }

    // ---- clock -------------------------------------------------------------------------------------------------
    let offset = 0
    const clockSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))
    if (options.serverTime !== undefined) offset = options.serverTime - (yield* clockSeconds)
    const serverTime = Effect.map(clockSeconds, (s) => s + offset)

    // ---- accounts --------------------------------------------------------------------------------------------
    const applications = new Map<string, Application>()
    const credentials = new Map<string, Credential>()
    let nextApplicationId = 1000
    let nextCredentialId = 5000
    const addApplication = (key?: string, appSecret?: string, name = "fake-app"): Application => {
      const application: Application = {
        applicationId: nextApplicationId++,
        applicationKey: key ?? secret(16, "ak"),
        applicationSecret: appSecret ?? secret(32, "as"),
        name,
        description: `${name} registered with the fake OVHcloud API`
      }
      applications.set(application.applicationKey, application)
      return application
    }
    const addCredential = (
      application: Application,
      rules: ReadonlyArray<FakeOvhApi.AccessRule>,
      status: FakeOvhApi.CredentialState,
      now: number,
      allowedIPs: ReadonlyArray<string> | null,
      key?: string
    ): Credential => {
      const credential: Credential = {
        credentialId: nextCredentialId++,
        applicationId: application.applicationId,
        consumerKey: key ?? secret(32, "ck"),
        rules: rules.map((r) => ({ method: r.method.toUpperCase(), path: r.path })),
        status,
        creation: now,
        expiration: undefined,
        lastUse: undefined,
        allowedIPs
      }
      credentials.set(credential.consumerKey, credential)
      return credential
    }
    const startTime = yield* serverTime
    const mainApp = addApplication(options.applicationKey, options.applicationSecret, "effect-ovh-tests")
    const fullAccess = ["GET", "POST", "PUT", "DELETE"].map((method) => ({ method, path: "/*" }))
    const mainCredential = addCredential(mainApp, fullAccess, "validated", startTime, null, options.consumerKey)

    const oauthClients = new Map<string, string>()
    const tokens = new Map<string, { clientId: string; expiresAt: number; scope: string }>()
    const addOAuthClient = (id?: string, clientSecret?: string): FakeOvhApi.OAuth2Client => {
      const clientId = id ?? `EU.${secret(16, "client-id").toLowerCase()}`
      const value = clientSecret ?? secret(32, "client-secret")
      oauthClients.set(clientId, value)
      return { clientId, clientSecret: Redacted.make(value) }
    }
    const mainOAuth = addOAuthClient()

    // ---- state ------------------------------------------------------------------------------------------------
    // `store` holds what was seeded or written, `cache` what was generated; a collection is `explicit` once
    // seeded or written, and only then does it decide which members exist.
    const store = new Map<string, unknown>()
    const cache = new Map<string, unknown>()
    const deleted = new Set<string>()
    const collections = new Map<string, Array<string>>()
    const explicit = new Set<string>()
    const hasChildren = (p: string) => {
      const prefix = p + "/"
      for (const key of store.keys()) if (key.startsWith(prefix) && !key.slice(prefix.length).includes("/")) return true
      return false
    }
    const isExplicit = (p: string) => explicit.has(p) || hasChildren(p)

    // State keys are decoded paths, so `seed("/me/bill/B 1")` and a request for `/me/bill/B%201` meet.
    const normalize = (p: string) => {
      let out = p.startsWith("/") ? p : "/" + p
      out = out.split("/").map((segment) => {
        try {
          return decodeURIComponent(segment)
        } catch {
          return segment
        }
      }).join("/")
      if (out.startsWith("/1.0/")) out = out.slice(4)
      else if (out.startsWith("/v1/")) out = out.slice(3)
      else if (out === "/1.0" || out === "/v1") out = "/"
      return out.length > 1 ? out.replace(/\/+$/, "") : out
    }
    const parentOf = (p: string) => p.slice(0, p.lastIndexOf("/")) || "/"
    const lastOf = (p: string) => {
      const raw = p.slice(p.lastIndexOf("/") + 1)
      try {
        return decodeURIComponent(raw)
      } catch {
        return raw
      }
    }

    /** The child template and its GET, when `template` is a collection (`/me/bill` -> `/me/bill/{billId}`). */
    const childCache = new Map<string, { template: string; param: string; type: string } | null>()
    const childOf = (match: Schemas.Match): { template: string; param: string; type: string } | undefined => {
      const template = match.api.path
      let cached = childCache.get(template)
      if (cached === undefined) {
        cached = null
        const list = match.api.operations.find((o) => o.httpMethod === "GET")
        if (list !== undefined && list.responseType.endsWith("[]")) {
          for (const api of match.file.apis) {
            const rest = api.path.slice(template.length)
            if (api.path.startsWith(template + "/{") && rest.indexOf("/", 1) === -1 && rest.endsWith("}")) {
              const param = rest.slice(2, -1)
              const get = api.operations.find((o) => o.httpMethod === "GET")
              const paramType = get?.parameters.find((p) => p.paramType === "path" && p.name === param)?.dataType
              cached = { template: api.path, param, type: paramType ?? "string" }
              break
            }
          }
        }
        childCache.set(template, cached)
      }
      return cached ?? undefined
    }

    const isCollection = (p: string): { match: Schemas.Match; child: NonNullable<ReturnType<typeof childOf>> } | undefined => {
      const match = schemas.match(p)
      if (match === undefined) return undefined
      const child = childOf(match)
      return child === undefined ? undefined : { match, child }
    }

    const ensureCollection = (p: string): Array<string> => {
      let ids = collections.get(p)
      if (ids !== undefined) return ids
      const info = isCollection(p)
      const prefix = p + "/"
      const seeded: Array<string> = []
      for (const key of store.keys()) {
        if (key.startsWith(prefix) && !key.slice(prefix.length).includes("/")) seeded.push(lastOf(key))
      }
      if (seeded.length > 0 || info === undefined) {
        ids = seeded
      } else {
        ids = [0, 1, 2].map((n) => generator.id(info.match.file, info.child.type, p, n))
      }
      collections.set(p, ids)
      return ids
    }

    /** `false` when `p` is a member of a collection that is known and does not hold it. */
    const exists = (p: string): boolean => {
      if (store.has(p)) return true
      if (deleted.has(p)) return false
      const parent = parentOf(p)
      if (parent !== p && isCollection(parent) !== undefined) {
        if (!exists(parent)) return false
        return !isExplicit(parent) || ensureCollection(parent).includes(lastOf(p))
      }
      const match = schemas.match(p)
      if (match === undefined) return false
      return parent === p || parent === "/" || schemas.match(parent) === undefined || exists(parent)
    }

    const withIdentity = (value: unknown, params: Readonly<Record<string, string>>, type: string, file: Schemas.ApiFile) => {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return value
      const parsed = Types.parse(type)
      const model = parsed._tag === "Named" ? schemas.model(parsed.name, file) : undefined
      const out = { ...(value as Record<string, unknown>) }
      for (const [param, raw] of Object.entries(params)) {
        // A path parameter names the model property it identifies: `{billId}` is `billId`; failing that,
        // `{zoneName}` is `zone` and `{serviceName}` is `name` (dedicated servers, VPS...).
        const name = [param, param.replace(/Name$/, ""), param === "serviceName" ? "name" : param]
          .find((candidate) => candidate !== "" && model?.properties?.[candidate] !== undefined)
        const property = name === undefined ? undefined : model?.properties?.[name]
        if (name === undefined || property === undefined) continue
        const t = property.fullType ?? property.type
        out[name] = (t === "long" || t === "int") && /^-?\d+$/.test(raw) ? Number(raw) : raw
      }
      return out
    }

    /** The resource at `p`: stored, else generated from the GET's response model and remembered. */
    const resource = (p: string, match: Schemas.Match): unknown => {
      if (store.has(p)) return store.get(p)
      if (cache.has(p)) return cache.get(p)
      const get = match.api.operations.find((o) => o.httpMethod === "GET")
      if (get === undefined) return null
      let value = generator.value(match.file, get.responseType, p)
      value = withIdentity(value, match.params, get.responseType, match.file)
      if (p === "/me") value = { ...(value as object), ...defaultMe }
      cache.set(p, value)
      return value
    }

    const defaultMe = {
      firstname: "Ada",
      name: "Lovelace",
      nichandle: "la1815-ovh",
      email: "ada.lovelace@example.com",
      country: "FR",
      currency: { code: "EUR", symbol: "EURO" },
      language: "fr_FR",
      legalform: "individual",
      state: "complete",
      ovhSubsidiary: "FR",
      customerCode: "1815-1210-42"
    }

    /** A typo in a seeded path would otherwise go unnoticed: only paths of the API can be seeded. */
    const unknownPath = (path: string) =>
      (V2.owns(normalize(path)) ? !v2.knows(path) : schemas.match(normalize(path)) === undefined)
        ? new Error(`cannot seed ${path}: no path of the OVHcloud API matches it`)
        : undefined

    const seedValue = (path: string, value: unknown) => {
      const p = normalize(path)
      if (V2.owns(p)) return v2.seed(p, value)
      deleted.delete(p)
      const info = isCollection(p)
      if (info !== undefined && Array.isArray(value)) {
        collections.set(p, value.map(String))
        explicit.add(p)
        return
      }
      const parent = parentOf(p)
      if (isCollection(parent) !== undefined) {
        if (!isExplicit(parent)) collections.delete(parent)
        explicit.add(parent)
      }
      store.set(p, value)
      const ids = collections.get(parent)
      if (ids !== undefined && !ids.includes(lastOf(p))) ids.push(lastOf(p))
    }

    /** Makes the collection holding `p` explicit (keeping its current members) before a write. */
    const claim = (p: string) => {
      const parent = parentOf(p)
      if (isCollection(parent) === undefined) return
      const ids = ensureCollection(parent)
      explicit.add(parent)
      if (!ids.includes(lastOf(p))) ids.push(lastOf(p))
    }
    for (const [path, value] of Object.entries(options.data ?? {})) {
      const error = unknownPath(path)
      if (error !== undefined) return yield* Effect.die(error)
      seedValue(path, value)
    }

    const removeTree = (p: string) => {
      store.delete(p)
      cache.delete(p)
      collections.delete(p)
      deleted.add(p)
      const prefix = p + "/"
      for (const key of [...store.keys()]) if (key.startsWith(prefix)) store.delete(key)
      for (const key of [...cache.keys()]) if (key.startsWith(prefix)) cache.delete(key)
      for (const key of [...collections.keys()]) if (key.startsWith(prefix)) collections.delete(key)
      const ids = collections.get(parentOf(p))
      if (ids !== undefined) {
        const i = ids.indexOf(lastOf(p))
        if (i >= 0) ids.splice(i, 1)
      }
    }

    // ---- faults and handlers ------------------------------------------------------------------------------------
    let faults: Array<ScriptedFault> = []
    let randomMode: { probability: number; next: () => number; faults: ReadonlyArray<FakeOvhApi.Fault> } | undefined
    const handlers: Array<{ route: FakeOvhApi.RouteMatch; handler: (r: FakeOvhApi.RouteRequest) => Effect.Effect<FakeOvhApi.RouteReply> }> = []

    const globMatch = (pattern: string, value: string) =>
      new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$").test(value)
    const routeMatches = (route: FakeOvhApi.RouteMatch | undefined, method: string, path: string, template: string | undefined) =>
      route === undefined ||
      ((route.method === undefined || route.method === "*" || route.method.toUpperCase() === method) &&
        (route.path === template || globMatch(route.path, path)))

    // ---- call log ----------------------------------------------------------------------------------------------
    let calls: Array<FakeOvhApi.Call> = []
    let inFlight = 0
    let maxInFlight = 0
    let queryCounter = 0
    const queryPrefix = `EU.ext-${Types.hash(seedText) % 9 + 1}.${Types.hash(seedText + "q").toString(16)}`

    const publicHeaders = (headers: Readonly<Record<string, string>>) => {
      const out: Record<string, string> = {}
      for (const [k, v] of Object.entries(headers)) if (!SECRET_HEADERS.has(k)) out[k] = v
      return out
    }

    // ---- request handling ----------------------------------------------------------------------------------------
    const credentialView = (c: Credential) => ({
      allowedIPs: c.allowedIPs,
      applicationId: c.applicationId,
      creation: iso(c.creation),
      credentialId: c.credentialId,
      expiration: c.expiration === undefined ? null : iso(c.expiration),
      lastUse: c.lastUse === undefined ? null : iso(c.lastUse),
      ovhSupport: false,
      rules: c.rules,
      status: c.status
    })
    const applicationView = (a: Application) => ({
      applicationId: a.applicationId,
      applicationKey: a.applicationKey,
      description: a.description,
      name: a.name,
      status: "active"
    })
    const applicationById = (id: number) => [...applications.values()].find((a) => a.applicationId === id)
    const credentialById = (id: number) => [...credentials.values()].find((c) => c.credentialId === id)

    const ruleAllows = (rules: ReadonlyArray<FakeOvhApi.AccessRule>, method: string, path: string) =>
      rules.some((r) => (r.method === method || r.method === "*") && globMatch(r.path, path))

    interface Context {
      readonly method: string
      readonly path: string
      readonly match: Schemas.Match
      readonly operation: Schemas.Operation
      readonly query: Readonly<Record<string, string | ReadonlyArray<string>>>
      readonly body: unknown
      readonly headers: Readonly<Record<string, string>>
      readonly now: number
      readonly credential: Credential | undefined
      readonly origin: string
    }

    // The page a user opens to validate a consumer key: here opening it validates (or, with `action=refuse`,
    // refuses) the key, then redirects to the `redirection` given with the request, if any.
    const validations = new Map<string, { consumerKey: string; redirection: string | null }>()
    const validationPage = (url: URL, now: number): Reply => {
      const pending = validations.get(url.searchParams.get("credentialToken") ?? "")
      const credential = pending === undefined ? undefined : credentials.get(pending.consumerKey)
      if (pending === undefined || credential === undefined || credential.status !== "pendingValidation") {
        return { status: 404, body: null, raw: "<html><body><h1>Unknown or used credential token</h1></body></html>\n", headers: { "content-type": "text/html" } }
      }
      const refuse = url.searchParams.get("action") === "refuse"
      credential.status = refuse ? "refused" : "validated"
      const validity = Number(url.searchParams.get("duration") ?? "0")
      if (!refuse && validity > 0) credential.expiration = now + validity
      const page = `<html><body><h1>Consumer key ${credential.status}</h1></body></html>\n`
      return pending.redirection === null
        ? { status: 200, body: null, raw: page, headers: { "content-type": "text/html" } }
        : { status: 302, body: null, raw: page, headers: { "content-type": "text/html", location: pending.redirection } }
    }

    const tokenReply = (request: RawRequest, now: number): Reply => {
      if (request.method !== "POST") return ovhError(405, "Method not allowed", undefined, "Client::MethodNotAllowed")
      const form = new URLSearchParams(request.body)
      let clientId = form.get("client_id") ?? undefined
      let clientSecret = form.get("client_secret") ?? undefined
      const authorization = request.headers["authorization"]
      if (authorization !== undefined && /^basic /i.test(authorization)) {
        const decoded = Buffer.from(authorization.slice(6).trim(), "base64").toString("utf8")
        const colon = decoded.indexOf(":")
        clientId = decodeURIComponent(decoded.slice(0, colon))
        clientSecret = decodeURIComponent(decoded.slice(colon + 1))
      }
      if (form.get("grant_type") !== "client_credentials") {
        return json(400, { error: "unsupported_grant_type", error_description: "only client_credentials is supported" })
      }
      if (clientId === undefined || clientSecret === undefined || oauthClients.get(clientId) !== clientSecret) {
        return json(401, { error: "invalid_client", error_description: "ovhcloud oauth2 client does not exists" })
      }
      const token = "eyJ" + secret(40, "token") // opaque, shaped like the real ones
      const scope = form.get("scope") ?? "all"
      tokens.set(token, { clientId, expiresAt: now + tokenLifetime, scope })
      return json(200, { access_token: token, token_type: "Bearer", expires_in: tokenLifetime, scope }, {
        "cache-control": "no-store"
      })
    }

    const checkParameters = (ctx: Context): Reply | undefined => {
      for (const p of ctx.operation.parameters) {
        const type = Types.parse(p.fullType ?? p.dataType)
        if (p.paramType === "path") {
          const value = ctx.match.params[p.name ?? ""]
          const why = value === undefined ? "is missing" : Types.check(schemas, ctx.match.file, type, value, "text")
          if (why !== undefined) return badParameters(`[${p.name}] Given data (${value}) ${why}`)
        } else if (p.paramType === "query") {
          const value = ctx.query[p.name ?? ""]
          if (value === undefined) {
            if (p.required) return badParameters(`[${p.name}] Missing parameter: ${p.name} is mandatory`)
            continue
          }
          const why = Types.check(schemas, ctx.match.file, type, value, "text")
          if (why !== undefined) return badParameters(`[${p.name}] Given data (${String(value)}) ${why}`)
        } else if (p.paramType === "body") {
          if (p.name === undefined || p.name === "") {
            if (ctx.body === undefined) {
              if (p.required) return badParameters(`[body] Missing parameter: a ${p.dataType} body is mandatory`)
              continue
            }
            const why = Types.check(schemas, ctx.match.file, type, ctx.body, "json")
            if (why !== undefined) return badParameters(`${why.startsWith("[") ? "" : "[body] "}${why}`)
            if (ctx.method === "POST" && type._tag === "Named") {
              const model = schemas.model(type.name, ctx.match.file)
              for (const [name, property] of Object.entries(model?.properties ?? {})) {
                if (property.required && !property.readOnly && (ctx.body as Record<string, unknown>)[name] === undefined) {
                  return badParameters(`[${name}] Property is mandatory`)
                }
              }
            }
          } else {
            const body = ctx.body as Record<string, unknown> | undefined
            const value = body !== undefined && body !== null && typeof body === "object" ? body[p.name] : undefined
            if (value === undefined) {
              if (p.required) return badParameters(`[${p.name}] Property is mandatory`)
              continue
            }
            const why = Types.check(schemas, ctx.match.file, type, value, "json")
            if (why !== undefined) return badParameters(`[${p.name}] Given data (${JSON.stringify(value)}) ${why}`)
          }
        }
      }
      if (ctx.body !== undefined && (ctx.body === null || typeof ctx.body !== "object") &&
        ctx.operation.parameters.some((p) => p.paramType === "body")) {
        return badParameters("[body] The request body must be a JSON object")
      }
      return undefined
    }

    /** Built-in handlers for the routes whose state is the fake's own accounts. */
    const builtin = (ctx: Context): Reply | undefined => {
      const { method, match } = ctx
      const template = match.api.path
      switch (`${method} ${template}`) {
        case "GET /auth/time":
          return json(200, ctx.now)
        case "POST /auth/credential": {
          const application = applications.get(ctx.headers["x-ovh-application"] ?? "")!
          const body = (ctx.body ?? {}) as { accessRules?: Array<FakeOvhApi.AccessRule>; redirection?: string; allowedIPs?: Array<string> }
          const credential = addCredential(application, body.accessRules ?? [], "pendingValidation", ctx.now, body.allowedIPs ?? null)
          const token = secret(32, "validation")
          validations.set(token, { consumerKey: credential.consumerKey, redirection: body.redirection ?? null })
          return json(200, {
            validationUrl: `${ctx.origin}/auth/?credentialToken=${token}`,
            consumerKey: credential.consumerKey,
            state: "pendingValidation"
          })
        }
        case "GET /auth/currentCredential":
          return ctx.credential === undefined ? undefined : json(200, credentialView(ctx.credential))
        case "GET /auth/details":
          return json(200, {
            account: "la1815-ovh",
            allowedRoutes: ctx.credential?.rules ?? fullAccess,
            description: "",
            identities: [],
            method: ctx.credential === undefined ? "oauth2" : "account",
            roles: ["ADMIN"],
            user: ""
          })
        case "POST /auth/logout":
          if (ctx.credential !== undefined) ctx.credential.status = "expired"
          return json(200, null)
        case "GET /me/api/credential": {
          const appId = ctx.query["applicationId"]
          const status = ctx.query["status"]
          return json(
            200,
            [...credentials.values()]
              .filter((c) => appId === undefined || String(c.applicationId) === appId)
              .filter((c) => status === undefined || c.status === status)
              .map((c) => c.credentialId)
          )
        }
        case "GET /me/api/credential/{credentialId}":
        case "PUT /me/api/credential/{credentialId}":
        case "DELETE /me/api/credential/{credentialId}":
        case "GET /me/api/credential/{credentialId}/application": {
          const credential = credentialById(Number(match.params["credentialId"]))
          if (credential === undefined) {
            return notFound(`The requested object (credentialId = ${match.params["credentialId"]}) does not exist`)
          }
          if (template.endsWith("/application")) {
            const application = applicationById(credential.applicationId)
            return application === undefined ? notFound("Application not found") : json(200, applicationView(application))
          }
          if (method === "GET") return json(200, credentialView(credential))
          if (method === "DELETE") {
            credentials.delete(credential.consumerKey)
            return json(200, null)
          }
          const body = ctx.body as { allowedIPs?: Array<string> | null }
          if (body.allowedIPs !== undefined) credential.allowedIPs = body.allowedIPs
          return json(200, null)
        }
        case "GET /me/api/application":
          return json(200, [...applications.values()].map((a) => a.applicationId))
        case "GET /me/api/application/{applicationId}":
        case "DELETE /me/api/application/{applicationId}": {
          const application = applicationById(Number(match.params["applicationId"]))
          if (application === undefined) {
            return notFound(`The requested object (applicationId = ${match.params["applicationId"]}) does not exist`)
          }
          if (method === "GET") return json(200, applicationView(application))
          applications.delete(application.applicationKey)
          for (const c of [...credentials.values()]) {
            if (c.applicationId === application.applicationId) credentials.delete(c.consumerKey)
          }
          return json(200, null)
        }
      }
      return undefined
    }

    const respondWith = (ctx: Context, type: string, value?: unknown): Reply => {
      if (type === "void") return json(200, null)
      if (value !== undefined) return json(200, value)
      return json(200, generator.value(ctx.match.file, type, `${ctx.path}|${ctx.method}|${queryCounter}`))
    }

    /** The stateful default: reads, creations, updates and deletions against the store. */
    const stateful = (ctx: Context): Reply => {
      const { method, path, match, operation } = ctx
      const type = operation.responseType
      const missing = () => notFound(`The requested object (${describe(match.params)}) does not exist`)
      switch (method) {
        case "GET": {
          if (!exists(path)) return missing()
          if (isCollection(path) !== undefined) return json(200, filterList(ctx, ensureCollection(path)))
          return json(200, resource(path, match))
        }
        case "POST": {
          const info = isCollection(path)
          if (info === undefined) return respondWith(ctx, type)
          if (!exists(path)) return missing()
          const ids = ensureCollection(path)
          explicit.add(path)
          const body = (ctx.body ?? {}) as Record<string, unknown>
          const childGet = schemas.operation(info.child.template, "GET")
          const childType = childGet?.operation.responseType ?? "void"
          const idProperty = [info.child.param, "id", "name"].find((k) => body[k] !== undefined && typeof body[k] !== "object")
          let id: string
          if (idProperty !== undefined && info.child.type !== "long") id = String(body[idProperty])
          else if (info.child.type === "long") {
            const numbers = ids.map(Number).filter((n) => Number.isFinite(n))
            id = String(numbers.length === 0 ? 1 : Math.max(...numbers) + 1)
          } else id = generator.id(match.file, info.child.type, path, ids.length + 100 + queryCounter)
          if (ids.includes(id)) {
            return ovhError(409, `The requested object (${info.child.param} = ${id}) already exists`, undefined, "Client::Conflict::AlreadyExists")
          }
          const childPath = `${path}/${id}`
          const generated = generator.value(childGet?.file ?? match.file, childType, childPath)
          const base = generated !== null && typeof generated === "object" && !Array.isArray(generated) ? generated as Record<string, unknown> : {}
          const parsed = Types.parse(childType)
          const model = parsed._tag === "Named" ? schemas.model(parsed.name, childGet?.file ?? match.file) : undefined
          const fields: Record<string, unknown> = {}
          for (const [k, v] of Object.entries(body)) if (model?.properties?.[k] !== undefined) fields[k] = v
          const item = withIdentity({ ...base, ...fields }, { ...match.params, [info.child.param]: id, ...(model?.properties?.["id"] && info.child.param !== "id" ? {} : { id }) }, childType, childGet?.file ?? match.file)
          store.set(childPath, item)
          deleted.delete(childPath)
          ids.push(id)
          if (type === childType) return json(200, item)
          return respondWith(ctx, type)
        }
        case "PUT": {
          if (!exists(path)) return missing()
          const current = resource(path, match)
          const body = ctx.body
          const next = current !== null && typeof current === "object" && !Array.isArray(current) && body !== null &&
              typeof body === "object" && !Array.isArray(body)
            ? { ...current, ...body }
            : body
          claim(path)
          store.set(path, next)
          return respondWith(ctx, type)
        }
        case "DELETE": {
          if (!exists(path)) return missing()
          claim(path)
          removeTree(path)
          return respondWith(ctx, type)
        }
      }
      return respondWith(ctx, type)
    }

    /** The members, filtered by the query parameters that name a property of the member model (`?from=...`). */
    const filterList = (ctx: Context, ids: ReadonlyArray<string>): ReadonlyArray<unknown> => {
      const info = isCollection(ctx.path)
      const numeric = info?.child.type === "long" || ctx.operation.responseType === "long[]"
      let members = ids
      const filters = Object.entries(ctx.query).filter(([name]) =>
        ctx.operation.parameters.some((p) => p.paramType === "query" && p.name === name)
      )
      if (info !== undefined && filters.length > 0) {
        const childMatch = (id: string) => schemas.match(`${ctx.path}/${id}`)
        members = ids.filter((id) => {
          const m = childMatch(id)
          if (m === undefined) return true
          const value = resource(`${ctx.path}/${id}`, m)
          if (value === null || typeof value !== "object") return true
          return filters.every(([name, wanted]) => {
            const actual = (value as Record<string, unknown>)[name]
            return actual === undefined || typeof actual === "object" || String(actual) === String(wanted)
          })
        })
      }
      return members.map((id) => (numeric && /^-?\d+$/.test(id) ? Number(id) : id))
    }

    const authenticate = (
      request: RawRequest,
      url: URL,
      apiPath: string,
      operation: Schemas.Operation,
      now: number
    ): { reply: Reply } | { credential: Credential | undefined } => {
      const headers = request.headers
      const authorization = headers["authorization"]
      if (authorization !== undefined && /^bearer /i.test(authorization)) {
        const token = tokens.get(authorization.slice(7).trim())
        if (token === undefined || token.expiresAt <= now) {
          return { reply: ovhError(401, "This credential is not valid", "INVALID_CREDENTIAL") }
        }
        return { credential: undefined }
      }
      const applicationKey = headers["x-ovh-application"]
      const application = applicationKey === undefined ? undefined : applications.get(applicationKey)
      if (operation.noAuthentication) {
        if (apiPath === "/auth/credential" && application === undefined) {
          return { reply: ovhError(403, "Invalid application key", "INVALID_KEY") }
        }
        return { credential: undefined }
      }
      if (application === undefined) return { reply: ovhError(403, "Invalid application key", "INVALID_KEY") }
      const consumerKey = headers["x-ovh-consumer"]
      if (consumerKey === undefined || consumerKey === "") {
        return { reply: json(401, { message: "You must login first", httpCode: "401 Unauthorized", errorCode: "NOT_AUTHENTICATED" }) }
      }
      const credential = credentials.get(consumerKey)
      if (credential === undefined) return { reply: ovhError(403, "This credential does not exist", "NOT_CREDENTIAL") }
      if (credential.applicationId !== application.applicationId) {
        return { reply: ovhError(403, "This credential is not valid for this application", "INVALID_CREDENTIAL") }
      }
      const timestamp = headers["x-ovh-timestamp"]
      if (timestamp === undefined || !/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - now) > window) {
        return { reply: ovhError(400, "Query out of time", "QUERY_TIME_OUT") }
      }
      const signature = headers["x-ovh-signature"] ?? ""
      // The real API has no port in its URLs, so a client that signs without it (node-ovh) is equivalent.
      const withoutPort = url.port === "" ? undefined : request.url.replace(`${url.protocol}//${url.host}`, `${url.protocol}//${url.hostname}`)
      const httpsForm = withoutPort?.replace(/^http:/, "https:")
      const valid = [request.url, withoutPort, httpsForm].some((candidate) =>
        candidate !== undefined &&
        Signature.verify({
          applicationSecret: application.applicationSecret,
          consumerKey,
          method: request.method,
          url: candidate,
          body: request.body,
          timestamp
        }, signature)
      )
      if (!valid) return { reply: ovhError(400, "Invalid signature", "INVALID_SIGNATURE") }
      if (credential.status === "validated" && credential.expiration !== undefined && credential.expiration <= now) {
        credential.status = "expired"
      }
      const lenient = apiPath === "/auth/currentCredential"
      if (credential.status === "pendingValidation" && !lenient) {
        return { reply: ovhError(403, "This credential is not valid", "NOT_CREDENTIAL") }
      }
      if (credential.status === "refused" || credential.status === "expired") {
        return { reply: ovhError(403, "This credential is not valid", "INVALID_CREDENTIAL") }
      }
      if (credential.allowedIPs !== null && credential.allowedIPs.length > 0 && request.remoteAddress !== undefined &&
        !credential.allowedIPs.some((block) => ipInBlock(request.remoteAddress!, block))) {
        return { reply: ovhError(403, "This IP is not allowed to use this credential", "INVALID_CREDENTIAL") }
      }
      if (!apiPath.startsWith("/auth/") && !ruleAllows(credential.rules, request.method, apiPath)) {
        return { reply: ovhError(403, "This call has not been granted", "NOT_GRANTED_CALL") }
      }
      credential.lastUse = now
      return { credential }
    }

    const parseQuery = (url: URL) => {
      const query: Record<string, string | Array<string>> = {}
      for (const [k, v] of url.searchParams) {
        const existing = query[k]
        query[k] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v]
      }
      return query
    }

    const parseBody = (text: string, contentType: string | undefined): unknown => {
      if (text === "") return undefined
      if (contentType !== undefined && contentType.includes("x-www-form-urlencoded")) return text
      try {
        return JSON.parse(text)
      } catch {
        return text
      }
    }

    /** Answers one request, faults aside. */
    const answer = (request: RawRequest, url: URL, now: number): Effect.Effect<{ reply: Reply; template: string | undefined }> =>
      Effect.gen(function*() {
        const method = request.method.toUpperCase()
        if (url.pathname === "/auth/oauth2/token") return { reply: tokenReply(request, now), template: undefined }
        if (url.pathname === "/auth/" && method === "GET") return { reply: validationPage(url, now), template: undefined }
        if (V2.owns(url.pathname)) return v2.answer(request, url, now, authenticate)
        const apiPath = url.pathname.startsWith("/1.0/") || url.pathname.startsWith("/v1/") || url.pathname === "/1.0"
          ? normalize(url.pathname)
          : undefined
        // The API describes itself: `/1.0/` is the index, `/1.0/me.json` the description of `/me`.
        if (apiPath !== undefined && method === "GET" && (apiPath === "/" || apiPath.endsWith(".json"))) {
          const document = schemas.document(apiPath === "/" ? "/" : apiPath.slice(0, -5))
          if (document !== undefined) return { reply: { status: 200, body: null, raw: document }, template: undefined }
        }
        const match = apiPath === undefined ? undefined : schemas.match(apiPath)
        if (apiPath === undefined || match === undefined) {
          return { reply: notFound("Got an invalid (or empty) URL"), template: undefined }
        }
        const template = match.api.path
        const operation = match.api.operations.find((o) => o.httpMethod === method)
        if (operation === undefined) {
          return {
            reply: json(405, {
              class: "Client::MethodNotAllowed",
              httpCode: "405 Method Not Allowed",
              message: `The requested HTTP method (${method}) is not allowed on ${template}`
            }, { allow: match.api.operations.map((o) => o.httpMethod).join(", ") }),
            template
          }
        }
        const auth = authenticate(request, url, apiPath, operation, now)
        if ("reply" in auth) return { reply: auth.reply, template }
        const body = parseBody(request.body, request.headers["content-type"])
        if (typeof body === "string") return { reply: badParameters("[body] The request body is not valid JSON"), template }
        const ctx: Context = {
          method,
          path: apiPath,
          match,
          operation,
          query: parseQuery(url),
          body,
          headers: request.headers,
          now,
          credential: auth.credential,
          origin: url.origin
        }
        const invalid = checkParameters(ctx)
        if (invalid !== undefined) return { reply: invalid, template }
        const fallback = (): Reply => builtin(ctx) ?? stateful(ctx)
        const handler = handlers.findLast((h) => routeMatches(h.route, method, apiPath, template))
        if (handler !== undefined) {
          const next = Effect.sync(() => {
            const r = fallback()
            return { status: r.status, body: r.body, headers: r.headers }
          })
          const custom = yield* handler.handler({
            method,
            path: apiPath,
            template,
            params: match.params,
            query: ctx.query,
            body,
            headers: publicHeaders(request.headers),
            next
          })
          return {
            reply: { status: custom.status ?? 200, body: custom.body === undefined ? null : custom.body, headers: custom.headers },
            template
          }
        }
        return { reply: fallback(), template }
      })

    // `failNext` leaves the clock and the token endpoint alone, so it hits the call under test; `failRoute` reaches them.
    const infrastructure = (method: string, path: string) =>
      (method === "GET" && path === "/auth/time") || path === "/auth/oauth2/token"
    const pickFault = (method: string, path: string, template: string | undefined): FakeOvhApi.Fault | undefined => {
      const index = faults.findIndex((f) =>
        f.route === undefined ? !infrastructure(method, path) : routeMatches(f.route, method, path, template)
      )
      if (index >= 0) {
        const scripted = faults[index]!
        scripted.remaining--
        if (scripted.remaining <= 0) faults.splice(index, 1)
        return scripted.fault
      }
      if (randomMode !== undefined && randomMode.faults.length > 0 && randomMode.next() < randomMode.probability) {
        return randomMode.faults[Math.floor(randomMode.next() * randomMode.faults.length)]
      }
      return undefined
    }

    const faultReply = (fault: FakeOvhApi.Fault): Reply | "drop" | undefined => {
      if (typeof fault === "number") return ovhError(fault, STATUS_TEXT[fault] ?? "Error")
      switch (fault._tag) {
        case "Drop":
          return "drop"
        case "Status":
          if (fault.body !== undefined) return { status: fault.status, body: null, raw: fault.body, headers: fault.headers }
          if (fault.html) {
            const text = `${fault.status} ${STATUS_TEXT[fault.status] ?? "Error"}`
            return {
              status: fault.status,
              body: null,
              raw: `<html><head><title>${text}</title></head><body><center><h1>${text}</h1></center><hr><center>nginx</center></body></html>\n`,
              headers: { "content-type": "text/html", ...fault.headers }
            }
          }
          return { ...ovhError(fault.status, STATUS_TEXT[fault.status] ?? "Error"), headers: fault.headers }
        case "TooManyRequests":
          return { ...ovhError(429, "Too many requests, slow down", "TOO_MANY_REQUESTS"), headers: { "retry-after": String(fault.retryAfter) } }
        default:
          return undefined
      }
    }

    const handle = (request: RawRequest): Effect.Effect<Outcome> =>
      Effect.gen(function*() {
        inFlight++
        if (inFlight > maxInFlight) maxInFlight = inFlight
        const queryId = `${queryPrefix}.${++queryCounter}`
        let url: URL
        try {
          url = new URL(request.url)
        } catch {
          url = new URL("https://invalid.invalid/")
        }
        const method = request.method.toUpperCase()
        const apiPath = url.pathname === "/auth/oauth2/token" ? url.pathname : normalize(url.pathname)
        const template = schemas.match(apiPath)?.api.path
        let now = yield* serverTime
        // Logged on arrival with status 0, so a call abandoned by its client (timeout) still shows.
        const call: { -readonly [K in keyof FakeOvhApi.Call]: FakeOvhApi.Call[K] } = {
          method,
          path: apiPath,
          template,
          query: parseQuery(url),
          body: url.pathname === "/auth/oauth2/token" ? "<redacted form>" : parseBody(request.body, request.headers["content-type"]),
          headers: publicHeaders(request.headers),
          status: 0,
          queryId,
          time: now
        }
        calls.push(call)
        // No scheduler round-trip before answering unless asked: a forked call must reach its own sleep before
        // `TestClock.adjust` runs. Requests overlap (see `maxInFlight`) only while they wait on `latency` or a delay.
        if (latency !== undefined) yield* Effect.sleep(latency)
        const fault = pickFault(method, apiPath, template)
        let reply: Reply | "drop" | undefined = fault === undefined ? undefined : faultReply(fault)
        if (fault !== undefined && typeof fault === "object" && fault._tag === "Delay") {
          yield* Effect.sleep(fault.duration)
          now = yield* serverTime
        }
        if (fault !== undefined && typeof fault === "object" && fault._tag === "Skew") now += fault.seconds
        if (reply === undefined) {
          const result = yield* answer(request, url, now)
          reply = result.reply
          call.template = result.template
        }
        if (reply === "drop") return { _tag: "Drop" } as const
        call.status = reply.status
        const headers: Record<string, string> = {
          "content-type": "application/json; charset=utf-8",
          "x-ovh-queryid": queryId,
          ...reply.headers
        }
        const text = reply.status === 204 || reply.status === 304
          ? ""
          : reply.raw ?? JSON.stringify(reply.body === undefined ? null : reply.body)
        return { _tag: "Respond", response: { status: reply.status, headers, body: text } } as const
      }).pipe(Effect.ensuring(Effect.sync(() => inFlight--)))

    // ---- control surface --------------------------------------------------------------------------------------------
    const findCredential = (key: string | Redacted.Redacted<string>) => credentials.get(reveal(key))
    const service: Service = {
      credentials: {
        applicationKey: mainApp.applicationKey,
        applicationSecret: Redacted.make(mainApp.applicationSecret),
        consumerKey: Redacted.make(mainCredential.consumerKey)
      },
      oauth2: mainOAuth,
      calls: Effect.sync(() => calls.map((call) => ({ ...call }))),
      setLatency: (duration) => Effect.sync(() => {
        latency = duration
      }),
      clearCalls: Effect.sync(() => {
        calls = []
        maxInFlight = inFlight
      }),
      maxInFlight: Effect.sync(() => maxInFlight),
      serverTime,
      setServerTime: (seconds) => Effect.map(clockSeconds, (s) => {
        offset = seconds - s
      }),
      seed: (path, value) =>
        Effect.suspend(() => {
          const error = unknownPath(path)
          return error === undefined ? Effect.sync(() => seedValue(path, value)) : Effect.die(error)
        }),
      read: (path) => Effect.sync(() => store.get(normalize(path)) ?? collections.get(normalize(path))?.slice()),
      failNext: (fault, times = 1) => Effect.sync(() => {
        faults.push({ route: undefined, fault, remaining: times })
      }),
      failRoute: (route, fault, times = Number.POSITIVE_INFINITY) => Effect.sync(() => {
        faults.push({ route: { ...route, path: normalize(route.path) }, fault, remaining: times })
      }),
      randomFaults: (o) => Effect.sync(() => {
        randomMode = {
          probability: o.probability,
          next: Types.random(Types.hash(String(o.seed ?? seedText) + "|random-faults")),
          faults: o.faults ?? [{ _tag: "Drop" }, 500, 502, 503, 504, { _tag: "TooManyRequests", retryAfter: 1 }]
        }
      }),
      clearFaults: Effect.sync(() => {
        faults = []
        randomMode = undefined
      }),
      route: (route, handler) => Effect.sync(() => {
        handlers.push({ route: { ...route, path: normalize(route.path) }, handler })
      }),
      registerApplication: (o) => Effect.sync(() => {
        const a = addApplication(o?.applicationKey, o?.applicationSecret, o?.name)
        return { applicationId: a.applicationId, applicationKey: a.applicationKey, applicationSecret: Redacted.make(a.applicationSecret) }
      }),
      createConsumerKey: (o) => Effect.map(serverTime, (now) => {
        const application = applications.get(o.applicationKey ?? mainApp.applicationKey) ?? mainApp
        return Redacted.make(addCredential(application, o.rules, o.state ?? "validated", now, o.allowedIPs ?? null).consumerKey)
      }),
      validateConsumerKey: (key, o) => Effect.map(serverTime, (now) => {
        const c = findCredential(key)
        if (c === undefined || c.status !== "pendingValidation") return false
        c.status = "validated"
        c.expiration = o?.expiresIn === undefined ? undefined : now + o.expiresIn
        return true
      }),
      refuseConsumerKey: (key) => Effect.sync(() => {
        const c = findCredential(key)
        if (c === undefined || c.status !== "pendingValidation") return false
        c.status = "refused"
        return true
      }),
      expireConsumerKey: (key) => Effect.sync(() => {
        const c = findCredential(key)
        if (c === undefined) return false
        c.status = "expired"
        return true
      }),
      consumerKeyState: (key) => Effect.sync(() => findCredential(key)?.status),
      registerOAuth2Client: (o) => Effect.sync(() => addOAuthClient(o?.clientId, o?.clientSecret)),
      issueToken: (o) => Effect.map(serverTime, (now) => {
        const token = "eyJ" + secret(40, "token")
        tokens.set(token, { clientId: o?.clientId ?? mainOAuth.clientId, expiresAt: now + (o?.lifetime ?? tokenLifetime), scope: "all" })
        return Redacted.make(token)
      }),
      expireTokens: (token) => Effect.sync(() => {
        if (token === undefined) for (const t of tokens.values()) t.expiresAt = Number.NEGATIVE_INFINITY
        else {
          const t = tokens.get(reveal(token))
          if (t !== undefined) t.expiresAt = Number.NEGATIVE_INFINITY
        }
      }),
      schemasLoaded: Effect.sync(() => schemas.loaded)
    }

    return { service, handle }
  })

const iso = (seconds: number) => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00")

const describe = (params: Readonly<Record<string, string>>) => {
  const entries = Object.entries(params)
  return entries.length === 0 ? "resource" : entries.map(([k, v]) => `${k} = ${v}`).join(", ")
}

const ipInBlock = (ip: string, block: string): boolean => {
  const address = ip.replace(/^::ffff:/, "")
  const [base, bitsText] = block.split("/")
  if (base === undefined) return false
  const toNumber = (v: string) => v.split(".").reduce((n, part) => n * 256 + Number(part), 0)
  if (!/^\d+\.\d+\.\d+\.\d+$/.test(address) || !/^\d+\.\d+\.\d+\.\d+$/.test(base)) return address === base
  const bits = bitsText === undefined ? 32 : Number(bitsText)
  const size = 2 ** (32 - bits)
  return Math.floor(toNumber(address) / size) === Math.floor(toNumber(base) / size)
}
