/**
 * Accounts and authentication: the applications, consumer keys (credentials) and OAuth2 clients the fake
 * knows, the check of each request's keys, signature, timestamp, key state, allowed IPs and access rules,
 * the validation page, the token endpoint, and the `/auth/*` and `/me/api/*` routes whose state they are.
 * The answers follow the API as the evidence in the package's README shows it.
 */
import * as Signature from "@effect-ovh/core/Signature"
import * as Redacted from "effect/Redacted"
import type * as FakeOvhApi from "../FakeOvhApi.ts"
import type * as Parameters from "./parameters.ts"
import * as Reply from "./reply.ts"
import type * as Schemas from "./schemas.ts"
import * as Types from "./types.ts"

/** The request, as the engine received it. */
export interface Request {
  readonly method: string
  readonly url: string
  /** Lower-cased names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
  readonly remoteAddress?: string | undefined
}

/** An application registered with the fake. */
export interface Application {
  readonly applicationId: number
  readonly applicationKey: string
  readonly applicationSecret: string
  readonly name: string
  readonly description: string
}

/** A consumer key and what the API knows about it. */
export interface Credential {
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

/** Who a request authenticated as: a consumer key, or an OAuth2 token / an unauthenticated route (`undefined`). */
export type Authentication = { readonly reply: Reply.Reply } | { readonly credential: Credential | undefined }

/** A request on an account route, after authentication and parameter checks. */
export interface RouteRequest {
  readonly method: string
  readonly match: Schemas.Match
  readonly query: Parameters.Query
  readonly body: unknown
  readonly headers: Readonly<Record<string, string>>
  readonly now: number
  readonly credential: Credential | undefined
  readonly origin: string
}

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/** `NOT_CREDENTIAL`, `INVALID_CREDENTIAL`...: an authentication error, without `class`, as the API writes them. */
const denied = (status: number, errorCode: string, message: string) => Reply.error(status, { errorCode, message })

// A pending, refused or expired key: php-ovh#56 shows this exact body for a key used before its validation.
const invalidCredential = () => denied(403, "INVALID_CREDENTIAL", "This credential is not valid")

const reveal = (value: string | Redacted.Redacted<string>): string =>
  typeof value === "string" ? value : Redacted.value(value)

/** An access rule's path: `*` matches any rest of the path, slashes included. */
const ruleMatches = (pattern: string, path: string) =>
  new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$").test(path)

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

/** The account holder every fake has (Ada Lovelace, la1815-ovh), an EU customer paying in euros. */
export const accountHolder = {
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
} as const

/** The accounts of one fake. */
export type Accounts = ReturnType<typeof make>

/** The accounts of a fake: one application with a validated full-access key, and one OAuth2 client. */
export const make = (options: {
  readonly seed: string
  readonly startTime: number
  readonly timeWindow: number
  readonly tokenLifetime: number
  readonly applicationKey?: string | undefined
  readonly applicationSecret?: string | undefined
  readonly consumerKey?: string | undefined
}) => {
  // Deterministic secrets from the seed: the same `--seed` prints the same keys.
  let secretCounter = 0
  const secret = (length: number, purpose: string): string => {
    const next = Types.random(Types.hash(`${options.seed}|${purpose}|${secretCounter++}`))
    let out = ""
    for (let i = 0; i < length; i++) out += ALPHABET[Math.floor(next() * ALPHABET.length)]
    return out
  }

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
  const mainApp = addApplication(options.applicationKey, options.applicationSecret, "effect-ovh-tests")
  const fullAccess = ["GET", "POST", "PUT", "DELETE"].map((method) => ({ method, path: "/*" }))
  const mainCredential = addCredential(mainApp, fullAccess, "validated", options.startTime, null, options.consumerKey)

  const oauthClients = new Map<string, string>()
  const tokens = new Map<string, { clientId: string; expiresAt: number; scope: string }>()
  const addOAuthClient = (id?: string, clientSecret?: string): FakeOvhApi.OAuth2Client => {
    const clientId = id ?? `EU.${secret(16, "client-id").toLowerCase()}`
    const value = clientSecret ?? secret(32, "client-secret")
    oauthClients.set(clientId, value)
    return { clientId, clientSecret: Redacted.make(value) }
  }
  const mainOAuth = addOAuthClient()
  const issue = (clientId: string, now: number, lifetime: number, scope: string) => {
    const token = "eyJ" + secret(40, "token") // opaque, shaped like the real ones
    tokens.set(token, { clientId, expiresAt: now + lifetime, scope })
    return token
  }

  const findCredential = (key: string | Redacted.Redacted<string>) => credentials.get(reveal(key))
  const applicationById = (id: number) => [...applications.values()].find((a) => a.applicationId === id)
  const credentialById = (id: number) => [...credentials.values()].find((c) => c.credentialId === id)

  /**
   * Who sent `request`, or the API's refusal. The order of the checks is the fake's: the API does not
   * document it (a key that fails several checks gets the first refusal here).
   */
  const authenticate = (
    request: Request,
    url: URL,
    apiPath: string,
    operation: Schemas.Operation,
    now: number
  ): Authentication => {
    const headers = request.headers
    const authorization = headers["authorization"]
    if (authorization !== undefined && /^bearer /i.test(authorization)) {
      const token = tokens.get(authorization.slice(7).trim())
      if (token === undefined || token.expiresAt <= now) {
        return { reply: denied(401, "INVALID_CREDENTIAL", "This credential is not valid") }
      }
      return { credential: undefined }
    }
    const applicationKey = headers["x-ovh-application"]
    const application = applicationKey === undefined ? undefined : applications.get(applicationKey)
    if (operation.noAuthentication) {
      if (apiPath === "/auth/credential" && application === undefined) {
        return { reply: denied(403, "INVALID_KEY", "Invalid application key") }
      }
      return { credential: undefined }
    }
    if (application === undefined) return { reply: denied(403, "INVALID_KEY", "Invalid application key") }
    const consumerKey = headers["x-ovh-consumer"]
    // No consumer key: "You must login first" with 401 (node-ovh's tests/01_REST_construct.js).
    if (consumerKey === undefined || consumerKey === "") {
      return { reply: denied(401, "NOT_CREDENTIAL", "You must login first") }
    }
    const credential = credentials.get(consumerKey)
    // A key the API never issued, or one of another application: "403 NOT_CREDENTIAL This credential does not
    // exist" (toorop/ovh-cli#10; baarde/cert-manager-webhook-ovh#5, a key not linked to the application).
    if (credential === undefined || credential.applicationId !== application.applicationId) {
      return { reply: denied(403, "NOT_CREDENTIAL", "This credential does not exist") }
    }
    const timestamp = headers["x-ovh-timestamp"]
    if (timestamp === undefined || !/^\d+$/.test(timestamp) || Math.abs(Number(timestamp) - now) > options.timeWindow) {
      return { reply: denied(400, "QUERY_TIME_OUT", "Query out of time") }
    }
    const signature = headers["x-ovh-signature"] ?? ""
    // The real API has no port in its URLs, so a client that signs without it (node-ovh) is equivalent.
    const withoutPort = url.port === ""
      ? undefined
      : request.url.replace(`${url.protocol}//${url.host}`, `${url.protocol}//${url.hostname}`)
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
    if (!valid) return { reply: denied(400, "INVALID_SIGNATURE", "Invalid signature") }
    if (credential.status === "validated" && credential.expiration !== undefined && credential.expiration <= now) {
      credential.status = "expired"
    }
    // Pending, refused or expired: the same answer on every route, /auth/currentCredential included
    // (Fotolia/ovh-rest#5, ovh/php-ovh#56; @ovh-api/api's waitForCertValidation polls through it).
    if (credential.status !== "validated") return { reply: invalidCredential() }
    if (
      credential.allowedIPs !== null && credential.allowedIPs.length > 0 && request.remoteAddress !== undefined &&
      !credential.allowedIPs.some((block) => ipInBlock(request.remoteAddress!, block))
    ) {
      return { reply: denied(403, "INVALID_CREDENTIAL", "This IP is not allowed to use this credential") }
    }
    const ruleAllows = credential.rules.some((r) =>
      (r.method === request.method.toUpperCase() || r.method === "*") && ruleMatches(r.path, apiPath)
    )
    if (!apiPath.startsWith("/auth/") && !ruleAllows) {
      return { reply: denied(403, "NOT_GRANTED_CALL", "This call has not been granted") }
    }
    credential.lastUse = now
    return { credential }
  }

  // The page a user opens to validate a consumer key: here opening it validates (or, with `action=refuse`,
  // refuses) the key, then redirects to the `redirection` given with the request, if any.
  const validations = new Map<string, { consumerKey: string; redirection: string | null }>()
  const validationPage = (url: URL, now: number): Reply.Reply => {
    const pending = validations.get(url.searchParams.get("credentialToken") ?? "")
    const credential = pending === undefined ? undefined : credentials.get(pending.consumerKey)
    if (pending === undefined || credential === undefined || credential.status !== "pendingValidation") {
      return Reply.html(404, "<html><body><h1>Unknown or used credential token</h1></body></html>\n")
    }
    const refuse = url.searchParams.get("action") === "refuse"
    credential.status = refuse ? "refused" : "validated"
    const validity = Number(url.searchParams.get("duration") ?? "0")
    if (!refuse && validity > 0) credential.expiration = now + validity
    const page = `<html><body><h1>Consumer key ${credential.status}</h1></body></html>\n`
    return pending.redirection === null
      ? Reply.html(200, page)
      : Reply.html(302, page, { location: pending.redirection })
  }

  /** The OAuth2 client-credentials token endpoint (`POST /auth/oauth2/token`), answering as an OAuth2 server does. */
  const tokenEndpoint = (request: Request, now: number): Reply.Reply => {
    if (request.method !== "POST") {
      return Reply.error(405, {
        class: "Client::MethodNotAllowed",
        errorCode: "METHOD_NOT_ALLOWED",
        message: "Method not allowed"
      })
    }
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
      return Reply.json(400, {
        error: "unsupported_grant_type",
        error_description: "only client_credentials is supported"
      })
    }
    if (clientId === undefined || clientSecret === undefined || oauthClients.get(clientId) !== clientSecret) {
      return Reply.json(401, { error: "invalid_client", error_description: "ovhcloud oauth2 client does not exists" })
    }
    const scope = form.get("scope") ?? "all"
    const token = issue(clientId, now, options.tokenLifetime, scope)
    return Reply.json(200, { access_token: token, token_type: "Bearer", expires_in: options.tokenLifetime, scope }, {
      "cache-control": "no-store"
    })
  }

  const credentialView = (c: Credential) => ({
    allowedIPs: c.allowedIPs,
    applicationId: c.applicationId,
    creation: Reply.iso(c.creation),
    credentialId: c.credentialId,
    expiration: c.expiration === undefined ? null : Reply.iso(c.expiration),
    lastUse: c.lastUse === undefined ? null : Reply.iso(c.lastUse),
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
  const missing = (param: string, value: string | undefined) =>
    Reply.notFound(`The requested object (${param} = ${value}) does not exist`)

  /** The routes whose state is the accounts', or `undefined` for the others. */
  const route = (request: RouteRequest): Reply.Reply | undefined => {
    const { method, match } = request
    const template = match.api.path
    switch (`${method} ${template}`) {
      case "GET /auth/time":
        return Reply.json(200, request.now)
      case "POST /auth/credential": {
        const application = applications.get(request.headers["x-ovh-application"] ?? "")!
        const body = (request.body ?? {}) as {
          accessRules?: Array<FakeOvhApi.AccessRule>
          redirection?: string
          allowedIPs?: Array<string>
        }
        const credential = addCredential(
          application,
          body.accessRules ?? [],
          "pendingValidation",
          request.now,
          body.allowedIPs ?? null
        )
        const token = secret(32, "validation")
        validations.set(token, { consumerKey: credential.consumerKey, redirection: body.redirection ?? null })
        return Reply.json(200, {
          validationUrl: `${request.origin}/auth/?credentialToken=${token}`,
          consumerKey: credential.consumerKey,
          state: "pendingValidation"
        })
      }
      case "GET /auth/currentCredential":
        return request.credential === undefined ? undefined : Reply.json(200, credentialView(request.credential))
      case "GET /auth/details":
        return Reply.json(200, {
          account: accountHolder.nichandle,
          allowedRoutes: request.credential?.rules ?? fullAccess,
          description: "",
          identities: [],
          method: request.credential === undefined ? "oauth2" : "account",
          roles: ["ADMIN"],
          user: ""
        })
      case "POST /auth/logout":
        if (request.credential !== undefined) request.credential.status = "expired"
        return Reply.json(200, null)
      case "GET /me/api/credential": {
        const appId = request.query["applicationId"]
        const status = request.query["status"]
        return Reply.json(
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
        if (credential === undefined) return missing("credentialId", match.params["credentialId"])
        if (template.endsWith("/application")) {
          const application = applicationById(credential.applicationId)
          return application === undefined
            ? missing("applicationId", String(credential.applicationId))
            : Reply.json(200, applicationView(application))
        }
        if (method === "GET") return Reply.json(200, credentialView(credential))
        if (method === "DELETE") {
          credentials.delete(credential.consumerKey)
          return Reply.json(200, null)
        }
        const body = request.body as { allowedIPs?: Array<string> | null }
        if (body.allowedIPs !== undefined) credential.allowedIPs = body.allowedIPs
        return Reply.json(200, null)
      }
      case "GET /me/api/application":
        return Reply.json(200, [...applications.values()].map((a) => a.applicationId))
      case "GET /me/api/application/{applicationId}":
      case "DELETE /me/api/application/{applicationId}": {
        const application = applicationById(Number(match.params["applicationId"]))
        if (application === undefined) return missing("applicationId", match.params["applicationId"])
        if (method === "GET") return Reply.json(200, applicationView(application))
        applications.delete(application.applicationKey)
        for (const c of [...credentials.values()]) {
          if (c.applicationId === application.applicationId) credentials.delete(c.consumerKey)
        }
        return Reply.json(200, null)
      }
    }
    return undefined
  }

  return {
    authenticate,
    validationPage,
    tokenEndpoint,
    route,

    /** The main application's keys and its validated full-access consumer key. */
    credentials: {
      applicationKey: mainApp.applicationKey,
      applicationSecret: Redacted.make(mainApp.applicationSecret),
      consumerKey: Redacted.make(mainCredential.consumerKey)
    },
    oauth2: mainOAuth,

    registerApplication: (o?: {
      readonly applicationKey?: string
      readonly applicationSecret?: string
      readonly name?: string
    }): FakeOvhApi.Application => {
      const a = addApplication(o?.applicationKey, o?.applicationSecret, o?.name)
      return {
        applicationId: a.applicationId,
        applicationKey: a.applicationKey,
        applicationSecret: Redacted.make(a.applicationSecret)
      }
    },
    createConsumerKey: (o: {
      readonly rules: ReadonlyArray<FakeOvhApi.AccessRule>
      readonly applicationKey?: string
      readonly state?: FakeOvhApi.CredentialState
      readonly allowedIPs?: ReadonlyArray<string>
    }, now: number): Redacted.Redacted<string> => {
      const application = applications.get(o.applicationKey ?? mainApp.applicationKey) ?? mainApp
      return Redacted.make(
        addCredential(application, o.rules, o.state ?? "validated", now, o.allowedIPs ?? null).consumerKey
      )
    },
    validateConsumerKey: (key: string | Redacted.Redacted<string>, expiresIn: number | undefined, now: number) => {
      const c = findCredential(key)
      if (c === undefined || c.status !== "pendingValidation") return false
      c.status = "validated"
      c.expiration = expiresIn === undefined ? undefined : now + expiresIn
      return true
    },
    refuseConsumerKey: (key: string | Redacted.Redacted<string>) => {
      const c = findCredential(key)
      if (c === undefined || c.status !== "pendingValidation") return false
      c.status = "refused"
      return true
    },
    expireConsumerKey: (key: string | Redacted.Redacted<string>) => {
      const c = findCredential(key)
      if (c === undefined) return false
      c.status = "expired"
      return true
    },
    consumerKeyState: (key: string | Redacted.Redacted<string>) => findCredential(key)?.status,
    registerOAuth2Client: (o?: { readonly clientId?: string; readonly clientSecret?: string }) =>
      addOAuthClient(o?.clientId, o?.clientSecret),
    issueToken: (o: { readonly clientId?: string; readonly lifetime?: number } | undefined, now: number) =>
      Redacted.make(issue(o?.clientId ?? mainOAuth.clientId, now, o?.lifetime ?? options.tokenLifetime, "all")),
    expireTokens: (token?: string | Redacted.Redacted<string>) => {
      if (token === undefined) { for (const t of tokens.values()) t.expiresAt = Number.NEGATIVE_INFINITY }
      else {
        const t = tokens.get(reveal(token))
        if (t !== undefined) t.expiresAt = Number.NEGATIVE_INFINITY
      }
    }
  }
}
