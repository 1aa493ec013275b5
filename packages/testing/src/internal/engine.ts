/**
 * The fake's engine: it routes a request against the descriptions, has `Accounts` authenticate it,
 * checks its `Parameters`, and answers from the v1 `Store` (or the v2 face), unless a scripted fault
 * (`Faults`) or a route handler answers first; it logs every call. A face (in memory, loopback) turns
 * its transport's request into a `RawRequest` and writes back the `Outcome`.
 */
import * as Clock from "effect/Clock"
import type * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import type * as FakeOvhApi from "../FakeOvhApi.ts"
import * as Accounts from "./accounts.ts"
import * as Faults from "./faults.ts"
import * as ListModes from "./listModes.ts"
import * as Parameters from "./parameters.ts"
import * as Reply from "./reply.ts"
import * as Schemas from "./schemas.ts"
import * as Store from "./store.ts"
import * as Types from "./types.ts"
import * as V2 from "./v2.ts"

/** A request as received: `url` is absolute and exactly as the client sent it. */
export type RawRequest = Accounts.Request

/** An answer to write back. */
export interface RawResponse {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** What a face must do. */
export type Outcome = { readonly _tag: "Respond"; readonly response: RawResponse } | { readonly _tag: "Drop" }

type Service = Omit<FakeOvhApi.FakeOvhApi["Service"], "baseUrl" | "tokenUrl">

const SECRET_HEADERS = new Set(["x-ovh-consumer", "x-ovh-signature", "authorization", "cookie"])

/** The currency of the accounts behind an API origin: the account holder of the default, EU, fake pays in euros. */
const currencyOf = (origin: string | undefined): { readonly code: string; readonly symbol: string } =>
  origin !== undefined && /(^|[/.])ca\.api\./.test(origin)
    ? { code: "CAD", symbol: "CAD" }
    : origin !== undefined && /api\.us\.|\.us\.ovhcloud/.test(origin)
    ? { code: "USD", symbol: "US_DOLLAR" }
    : { code: "EUR", symbol: "EURO" }

/** State keys are decoded paths without the version prefix, so `seed("/me/bill/B 1")` and `/1.0/me/bill/B%201` meet. */
const normalize = (p: string) => {
  let out = Store.decodeSegments(p.startsWith("/") ? p : "/" + p)
  if (out.startsWith("/1.0/")) out = out.slice(4)
  else if (out.startsWith("/v1/")) out = out.slice(3)
  else if (out === "/1.0" || out === "/v1") out = "/"
  return out.length > 1 ? out.replace(/\/+$/, "") : out
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

/** Builds a fake's engine and its control surface. */
export const make = (options: FakeOvhApi.Options) =>
  Effect.gen(function*() {
    const schemas = Schemas.forDirectory(options.schemas)
    const seedText = String(options.seed ?? "effect-ovh")
    const currency = currencyOf(options.origin)
    const generator = new Types.Generator(schemas, seedText, { currency: currency.code })
    const v2 = V2.make({ v1Directory: schemas.directory, seed: seedText, currency: currency.code })
    let latency: Duration.Input | undefined = options.latency

    // ---- clock -------------------------------------------------------------------------------------------------
    let offset = 0
    const clockSeconds = Effect.map(Clock.currentTimeMillis, (ms) => Math.floor(ms / 1000))
    if (options.serverTime !== undefined) offset = options.serverTime - (yield* clockSeconds)
    const serverTime = Effect.map(clockSeconds, (s) => s + offset)

    const accounts = Accounts.make({
      seed: seedText,
      startTime: yield* serverTime,
      timeWindow: options.timeWindow ?? 180,
      tokenLifetime: options.tokenLifetime ?? 3600,
      applicationKey: options.applicationKey,
      applicationSecret: options.applicationSecret,
      consumerKey: options.consumerKey
    })
    const faults = Faults.make(seedText)
    const handlers: Array<{
      route: FakeOvhApi.RouteMatch
      handler: (r: FakeOvhApi.RouteRequest) => Effect.Effect<FakeOvhApi.RouteReply>
    }> = []

    // ---- resources --------------------------------------------------------------------------------------------
    const childCache = new Map<string, Store.Collection | null>()
    const collectionAt = (p: string): Store.Collection | undefined => {
      const match = schemas.match(p)
      if (match === undefined) return undefined
      let cached = childCache.get(match.api.path)
      if (cached === undefined) {
        cached = Schemas.memberOf(match) ?? null
        childCache.set(match.api.path, cached)
      }
      return cached ?? undefined
    }
    const store = Store.make({
      collectionAt,
      knows: (p) => schemas.match(p) !== undefined,
      templateOf: (p) => schemas.match(p)?.api.path,
      generatedMembers: (p, collection) =>
        [0, 1, 2].map((n) => generator.id(schemas.match(p)?.file, collection.type, p, n))
    })

    /**
     * A generated object made to agree with where it lives: a path parameter fills the property it names
     * (`{billId}` is `billId`, `{zoneName}` is `zone`). For the resource a path identifies (`own`), its last
     * parameter also fills `name`, `id` or the property named like its collection (`/domain/{serviceName}`
     * is `domain`), whichever the model has; an answer about it (a task) keeps a `name` and `id` of its own.
     */
    const withIdentity = (
      value: unknown,
      params: Readonly<Record<string, string>>,
      type: string,
      file: Schemas.ApiFile,
      own?: { readonly template: string }
    ) => {
      if (value === null || typeof value !== "object" || Array.isArray(value)) return value
      const parsed = Types.parse(type)
      const model = parsed._tag === "Named" ? schemas.model(Types.show(parsed), file) : undefined
      const out = { ...(value as Record<string, unknown>) }
      const entries = Object.entries(params)
      const segments = own?.template.split("/") ?? []
      const collection = segments.length >= 2 ? segments[segments.length - 2] : undefined
      entries.forEach(([param, raw], i) => {
        const candidates = [param, param.replace(/Name$/, "")]
        if (own !== undefined && i === entries.length - 1 && segments[segments.length - 1] === `{${param}}`) {
          candidates.push(
            "name",
            "id",
            ...(collection !== undefined && !collection.startsWith("{") ? [collection] : [])
          )
        }
        const name = candidates.find((candidate) => candidate !== "" && model?.properties?.[candidate] !== undefined)
        const property = name === undefined ? undefined : model?.properties?.[name]
        if (name === undefined || property === undefined) return
        const t = property.fullType ?? property.type
        out[name] = (t === "long" || t === "int") && /^-?\d+$/.test(raw) ? Number(raw) : raw
      })
      return out
    }

    /** The resource at `p`: stored, else generated from the GET's response model and remembered. */
    const resource = (p: string, match: Schemas.Match): unknown => {
      if (store.has(p)) return store.get(p)
      const get = match.api.operations.find((o) => o.httpMethod === "GET")
      if (get === undefined) return null
      let value = generator.value(match.file, get.responseType, p)
      value = withIdentity(value, match.params, get.responseType, match.file, { template: match.api.path })
      if (p === "/me") value = { ...(value as object), ...Accounts.accountHolder, currency }
      store.remember(p, value)
      return value
    }

    /** A typo in a seeded path would otherwise go unnoticed: only paths of the API can be seeded. */
    const unknownPath = (path: string) =>
      (V2.owns(normalize(path)) ? !v2.knows(path) : schemas.match(normalize(path)) === undefined)
        ? new Error(`cannot seed ${path}: no path of the OVHcloud API matches it`)
        : undefined

    const seedValue = (path: string, value: unknown) => {
      const p = normalize(path)
      if (V2.owns(p)) return v2.seed(p, value)
      if (collectionAt(p) !== undefined && Array.isArray(value)) return store.setMembers(p, value.map(String))
      store.seed(p, value)
    }
    for (const [path, value] of Object.entries(options.data ?? {})) {
      const error = unknownPath(path)
      if (error !== undefined) return yield* Effect.die(error)
      seedValue(path, value)
    }

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

    // ---- v1 answers --------------------------------------------------------------------------------------------
    interface Context extends Accounts.RouteRequest {
      readonly path: string
      readonly operation: Schemas.Operation
    }

    /**
     * The 404 for `path`: a missing service (a member of an API root, `/dedicated/server/x`) is "This service does
     * not exist" (ovh/ovhcloud-cli#130, aureq/cert-manager-webhook-ovh#39); a missing object below it names its id,
     * "The requested object (id = 1) does not exist" (as OVHcloud's answers quoted in users' tests read).
     */
    const missing = (path: string): Reply.Reply => {
      const first = store.firstMissing(path)
      const match = schemas.match(first)
      const parent = Store.parentOf(first)
      if (match !== undefined && parent === schemas.root(first)) return Reply.notFound("This service does not exist")
      const param = match === undefined ? undefined : collectionAt(parent)?.param
      return Reply.notFound(
        param === undefined
          ? `The requested object (${Reply.describeParams(match?.params ?? {})}) does not exist`
          : `The requested object (${param} = ${Store.idOf(first)}) does not exist`
      )
    }

    /** A generated answer of `type`, agreeing with the request's path parameters. */
    const respondWith = (ctx: Context, type: string, value?: unknown): Reply.Reply => {
      if (type === "void") return Reply.json(200, null)
      if (value !== undefined) return Reply.json(200, value)
      const generated = generator.value(ctx.match.file, type, `${ctx.path}|${ctx.method}|${queryCounter}`)
      // An answer about the resource (a task on `{domain}`) names it.
      return Reply.json(200, withIdentity(generated, ctx.match.params, type, ctx.match.file))
    }

    /** The members, filtered by the query parameters that name a property of the member model (`?from=...`). */
    const filterList = (ctx: Context, ids: ReadonlyArray<string>): ReadonlyArray<unknown> => {
      const collection = collectionAt(ctx.path)
      const numeric = collection?.type === "long" || ctx.operation.responseType === "long[]"
      let members = ids
      const filters = Object.entries(ctx.query).filter(([name]) =>
        ctx.operation.parameters.some((p) => p.paramType === "query" && p.name === name)
      )
      if (collection !== undefined && filters.length > 0) {
        members = ids.filter((id) => {
          const m = schemas.match(`${ctx.path}/${id}`)
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

    /** The stateful default: reads, creations, updates and deletions against the store. */
    const stateful = (ctx: Context): Reply.Reply => {
      const { method, path, match, operation } = ctx
      const type = operation.responseType
      switch (method) {
        case "GET": {
          if (!store.exists(path)) return missing(path)
          if (collectionAt(path) !== undefined) return Reply.json(200, filterList(ctx, store.membersOf(path)))
          return Reply.json(200, resource(path, match))
        }
        case "POST": {
          const collection = collectionAt(path)
          if (!store.exists(path)) return missing(path)
          if (collection === undefined) return respondWith(ctx, type)
          const ids = store.membersOf(path)
          const body = (ctx.body ?? {}) as Record<string, unknown>
          const childGet = schemas.operation(collection.template, "GET")
          const childFile = childGet?.file ?? match.file
          const childType = childGet?.operation.responseType ?? "void"
          const idProperty = [collection.param, "id", "name"].find((k) =>
            body[k] !== undefined && typeof body[k] !== "object"
          )
          let id: string
          if (idProperty !== undefined && collection.type !== "long") id = String(body[idProperty])
          else if (collection.type === "long") {
            const numbers = ids.map(Number).filter((n) => Number.isFinite(n))
            id = String(numbers.length === 0 ? 1 : Math.max(...numbers) + 1)
          } else id = generator.id(match.file, collection.type, path, ids.length + 100 + queryCounter)
          if (ids.includes(id)) {
            return Reply.conflict(`The requested object (${collection.param} = ${id}) already exists`)
          }
          const childPath = `${path}/${id.replace(/\//g, "%2F")}`
          const generated = generator.value(childFile, childType, childPath)
          const base = generated !== null && typeof generated === "object" && !Array.isArray(generated)
            ? generated as Record<string, unknown>
            : {}
          const parsed = Types.parse(childType)
          const model = parsed._tag === "Named" ? schemas.model(Types.show(parsed), childFile) : undefined
          const fields: Record<string, unknown> = {}
          for (const [k, v] of Object.entries(body)) if (model?.properties?.[k] !== undefined) fields[k] = v
          const identity = { ...match.params, [collection.param]: id }
          const item = withIdentity({ ...base, ...fields }, identity, childType, childFile, {
            template: collection.template
          })
          store.write(childPath, item)
          if (type === childType) return Reply.json(200, item)
          return respondWith(ctx, type)
        }
        case "PUT": {
          if (!store.exists(path)) return missing(path)
          const current = resource(path, match)
          const body = ctx.body
          const next = current !== null && typeof current === "object" && !Array.isArray(current) && body !== null &&
              typeof body === "object" && !Array.isArray(body)
            ? { ...current, ...body }
            : body
          store.write(path, next)
          return respondWith(ctx, type)
        }
        case "DELETE": {
          if (!store.exists(path)) return missing(path)
          store.remove(path)
          return respondWith(ctx, type)
        }
      }
      return respondWith(ctx, type)
    }

    /** What list modes (listModes.ts) read: the collections, and a plain GET of a path with `ctx`'s credential. */
    const listModeSources = (ctx: Context): ListModes.Sources => ({
      collectionAt,
      get: (p, withQuery) => {
        const match = schemas.match(p)
        const operation = match?.api.operations.find((o) => o.httpMethod === "GET")
        if (match === undefined || operation === undefined) return Reply.unknownPath()
        const sub: Context = { ...ctx, path: p, match, operation, query: withQuery ? ctx.query : {}, headers: {} }
        return Parameters.check(schemas, sub, wholeBodyV1) ?? accounts.route(sub) ?? stateful(sub)
      }
    })

    /** Answers one request, faults aside. */
    const answer = (
      request: RawRequest,
      url: URL,
      now: number
    ): Effect.Effect<{ reply: Reply.Reply; template: string | undefined }> =>
      Effect.gen(function*() {
        const method = request.method.toUpperCase()
        if (url.pathname === "/auth/oauth2/token") {
          return { reply: accounts.tokenEndpoint(request, now), template: undefined }
        }
        if (url.pathname === "/auth/" && method === "GET") {
          return { reply: accounts.validationPage(url, now), template: undefined }
        }
        if (V2.owns(url.pathname)) {
          return v2.answer(request, url, now, accounts.authenticate)
        }
        const apiPath = url.pathname.startsWith("/1.0/") || url.pathname.startsWith("/v1/") || url.pathname === "/1.0"
          ? normalize(url.pathname)
          : undefined
        // The API describes itself: `/1.0/` is the index, `/1.0/me.json` the description of `/me`.
        if (apiPath !== undefined && method === "GET" && (apiPath === "/" || apiPath.endsWith(".json"))) {
          const document = schemas.document(apiPath === "/" ? "/" : apiPath.slice(0, -5))
          if (document !== undefined) return { reply: { status: 200, body: null, raw: document }, template: undefined }
        }
        const match = apiPath === undefined ? undefined : schemas.match(apiPath)
        if (apiPath === undefined || match === undefined) return { reply: Reply.unknownPath(), template: undefined }
        const template = match.api.path
        const operation = match.api.operations.find((o) => o.httpMethod === method)
        if (operation === undefined) {
          return {
            reply: Reply.methodNotAllowed(method, template, match.api.operations.map((o) => o.httpMethod)),
            template
          }
        }
        const auth = accounts.authenticate(request, url, apiPath, operation, now)
        if ("reply" in auth) return { reply: auth.reply, template }
        const body = parseBody(request.body, request.headers["content-type"])
        if (typeof body === "string") {
          return { reply: Reply.badParameters("[body] The request body is not valid JSON"), template }
        }
        const ctx: Context = {
          method,
          path: apiPath,
          match,
          operation,
          query: Parameters.parseQuery(url),
          body,
          headers: request.headers,
          now,
          credential: auth.credential,
          origin: url.origin
        }
        // a batch GET's ids are checked one by one (listModes.ts)
        const invalid = ListModes.isBatch(ctx) ? undefined : Parameters.check(schemas, ctx, wholeBodyV1)
        if (invalid !== undefined) {
          return { reply: invalid, template }
        }
        const fallback = (): Reply.Reply =>
          ListModes.answer({ ...ctx, template }, listModeSources(ctx)) ?? accounts.route(ctx) ?? stateful(ctx)
        const handler = handlers.findLast((h) => Faults.routeMatches(h.route, method, apiPath, template))
        if (handler === undefined) return { reply: fallback(), template }
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
          reply: {
            status: custom.status ?? 200,
            body: custom.body === undefined ? null : custom.body,
            headers: custom.headers
          },
          template
        }
      })

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
          query: Parameters.parseQuery(url),
          body: url.pathname === "/auth/oauth2/token"
            ? "<redacted form>"
            : parseBody(request.body, request.headers["content-type"]),
          headers: publicHeaders(request.headers),
          status: 0,
          queryId,
          time: now
        }
        calls.push(call)
        // No scheduler round-trip before answering unless asked: a forked call must reach its own sleep before
        // `TestClock.adjust` runs. Requests overlap (see `maxInFlight`) only while they wait on `latency` or a delay.
        if (latency !== undefined) yield* Effect.sleep(latency)
        const fault = faults.pick(method, apiPath, template)
        let reply: Reply.Reply | "drop" | undefined = fault === undefined ? undefined : Faults.reply(fault)
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
    const service: Service = {
      credentials: accounts.credentials,
      oauth2: accounts.oauth2,
      calls: Effect.sync(() => calls.map((call) => ({ ...call }))),
      setLatency: (duration) =>
        Effect.sync(() => {
          latency = duration
        }),
      clearCalls: Effect.sync(() => {
        calls = []
        maxInFlight = inFlight
      }),
      maxInFlight: Effect.sync(() => maxInFlight),
      serverTime,
      setServerTime: (seconds) =>
        Effect.map(clockSeconds, (s) => {
          offset = seconds - s
        }),
      seed: (path, value) =>
        Effect.suspend(() => {
          const error = unknownPath(path)
          return error === undefined ? Effect.sync(() => seedValue(path, value)) : Effect.die(error)
        }),
      read: (path) =>
        Effect.sync(() => {
          const p = normalize(path)
          return V2.owns(p) ? v2.read(p) : store.read(p)
        }),
      failNext: (fault, times = 1) => Effect.sync(() => faults.next(fault, times)),
      failRoute: (route, fault, times = Number.POSITIVE_INFINITY) =>
        Effect.sync(() => faults.route({ ...route, path: normalize(route.path) }, fault, times)),
      randomFaults: (o) => Effect.sync(() => faults.random(o)),
      clearFaults: Effect.sync(() => faults.clear()),
      route: (route, handler) =>
        Effect.sync(() => {
          handlers.push({ route: { ...route, path: normalize(route.path) }, handler })
        }),
      registerApplication: (o) => Effect.sync(() => accounts.registerApplication(o)),
      createConsumerKey: (o) => Effect.map(serverTime, (now) => accounts.createConsumerKey(o, now)),
      validateConsumerKey: (key, o) =>
        Effect.map(serverTime, (now) => accounts.validateConsumerKey(key, o?.expiresIn, now)),
      refuseConsumerKey: (key) => Effect.sync(() => accounts.refuseConsumerKey(key)),
      expireConsumerKey: (key) => Effect.sync(() => accounts.expireConsumerKey(key)),
      consumerKeyState: (key) => Effect.sync(() => accounts.consumerKeyState(key)),
      registerOAuth2Client: (o) => Effect.sync(() => accounts.registerOAuth2Client(o)),
      issueToken: (o) => Effect.map(serverTime, (now) => accounts.issueToken(o, now)),
      expireTokens: (token) => Effect.sync(() => accounts.expireTokens(token)),
      schemasLoaded: Effect.sync(() => schemas.loaded)
    }

    return { service, handle }
  })

// v1 updates are partial (PUT merges): only a creation must carry the mandatory properties.
const wholeBodyV1: ReadonlySet<string> = new Set(["POST"])
