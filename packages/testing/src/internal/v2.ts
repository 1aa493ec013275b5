/**
 * API v2 in the fake: the paths of the v2 descriptions (`<schemas>/v2`), served under `/v2`, stateful
 * like v1, with v2's habits: cursor pagination (`X-Pagination-Size`, `X-Pagination-Cursor`, answers with
 * `X-Pagination-Cursor-Next` until the last page and `X-Pagination-Elements`), opaque signed cursors that
 * refuse forgery, and resources shaped `{id, targetSpec, currentState, resourceStatus, checksum}` whose
 * updates need the current checksum (412 otherwise) and reconcile on the next read.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import type * as Accounts from "./accounts.ts"
import * as Parameters from "./parameters.ts"
import * as Reply from "./reply.ts"
import * as Schemas from "./schemas.ts"
import * as Store from "./store.ts"
import * as Types from "./types.ts"

type Reply = Reply.Reply

/** Page size when the request sends none. */
export const defaultPageSize = 100

/** Whether a URL path belongs to API v2. */
export const owns = (pathname: string): boolean => pathname === "/v2" || pathname.startsWith("/v2/")

/** The v2 folder next to the v1 one (`<schemas>/v1` -> `<schemas>/v2`), or inside a flat v1 folder. */
export const directoryOf = (v1Directory: string): string | undefined =>
  [path.join(path.dirname(v1Directory), "v2"), path.join(v1Directory, "v2")]
    .find((dir) => fs.existsSync(path.join(dir, "_index.json")))

// v2 errors carry a `class`; their `errorCode`s here are guesses (see the README).
const error = (status: number, cls: string, errorCode: string, message: string): Reply =>
  Reply.error(status, { class: cls, errorCode, message })

const base64url = (text: string) => Buffer.from(text, "utf8").toString("base64url")
const unbase64url = (text: string) => Buffer.from(text, "base64url").toString("utf8")

type Resource = Record<string, unknown>

/** Builds the v2 face of a fake. */
export const make = (options: { readonly v1Directory: string; readonly seed: string; readonly currency: string }) => {
  const directory = directoryOf(options.v1Directory)
  let schemas: Schemas.SchemaSet | undefined
  let generator: Types.Generator | undefined
  const load = () => {
    if (schemas === undefined && directory !== undefined) {
      schemas = new Schemas.SchemaSet(directory)
      generator = new Types.Generator(schemas, options.seed + "|v2", { currency: options.currency })
    }
    return schemas
  }
  const cursorKey = `${options.seed}|v2-cursor`
  let counter = 0

  const lists = new Map<string, Array<unknown>>()
  // Resources written since their last read: their tasks reconcile `currentState` on the next read.
  const pending = new Set<string>()

  /** `/v2/iam/policy/` -> `/iam/policy`, segments decoded. */
  const normalize = (p: string) => {
    const rest = Store.decodeSegments(p.startsWith("/v2") ? p.slice(3) : p)
    const out = rest.startsWith("/") ? rest : "/" + rest
    return out.length > 1 ? out.replace(/\/+$/, "") : out
  }
  const parentOf = Store.parentOf
  const lastOf = Store.idOf

  const collectionInfo = (p: string) => {
    const match = load()?.match(p)
    if (match === undefined) return undefined
    const child = Schemas.memberOf(match)
    return child === undefined ? undefined : { match, child }
  }

  const store = Store.make({
    collectionAt: (p) => collectionInfo(p)?.child,
    knows: (p) => load()?.match(p) !== undefined,
    templateOf: (p) => load()?.match(p)?.api.path,
    generatedMembers: (p, collection) =>
      [0, 1, 2].map((n) => generator!.id(load()?.match(p)?.file, collection.type, p, n))
  })
  const membersOf = store.membersOf
  const exists = store.exists

  const checksumOf = (value: unknown) => {
    const text = JSON.stringify(value ?? null)
    return Types.hash(text).toString(16).padStart(8, "0") +
      Types.hash(text + "|" + cursorKey).toString(16).padStart(8, "0")
  }

  const modelOf = (type: string, file: Schemas.ApiFile) => {
    const parsed = Types.parse(type)
    return parsed._tag === "Named" ? load()?.model(parsed.name, file) : undefined
  }

  /** Makes a generated or given value look like a v2 resource of `type` at `p`. */
  const shape = (value: unknown, p: string, type: string, file: Schemas.ApiFile, status: string): unknown => {
    if (value === null || typeof value !== "object" || Array.isArray(value)) return value
    const model = modelOf(type, file)
    const props = model?.properties ?? {}
    const out: Resource = { ...(value as Resource) }
    const id = lastOf(p)
    if (props["id"] !== undefined) out["id"] = id
    if (props["resourceStatus"] !== undefined) out["resourceStatus"] = status
    if (props["currentTasks"] !== undefined) out["currentTasks"] = []
    const target = out["targetSpec"]
    const current = out["currentState"]
    if (
      status === "READY" && target !== null && typeof target === "object" && current !== null &&
      typeof current === "object"
    ) {
      // Reconciled: what the target asks for is what the current state shows.
      const merged: Resource = { ...(current as Resource) }
      for (const [k, v] of Object.entries(target as Resource)) if (k in merged) merged[k] = v
      out["currentState"] = merged
    }
    if (props["checksum"] !== undefined) out["checksum"] = checksumOf(out["targetSpec"] ?? null)
    if (props["iam"] !== undefined && out["iam"] !== null && typeof out["iam"] === "object") {
      const root = p.split("/")[1] ?? "resource"
      out["iam"] = { ...(out["iam"] as Resource), id, displayName: id, urn: `urn:v1:eu:resource:${root}:${id}` }
    }
    return out
  }

  const resourceAt = (p: string, match: Schemas.Match, type: string): unknown => {
    if (store.has(p)) {
      const stored = store.get(p)
      if (pending.has(p)) {
        pending.delete(p)
        const ready = shape(stored, p, type, match.file, "READY") as Resource
        store.replace(p, ready)
        return ready
      }
      return stored
    }
    const generated = shape(generator!.value(match.file, type, p), p, type, match.file, "READY")
    store.remember(p, generated)
    return generated
  }

  const listAt = (p: string, match: Schemas.Match, type: string): ReadonlyArray<unknown> => {
    const info = collectionInfo(p)
    if (info !== undefined) {
      const childMatch = (id: string) => load()!.match(`${p}/${id}`)
      return membersOf(p).map((id) => {
        const m = childMatch(id)
        return m === undefined ? id : resourceAt(`${p}/${id}`, m, type.slice(0, -2))
      })
    }
    let list = lists.get(p)
    if (list === undefined) {
      const generated = generator!.value(match.file, type, p)
      list = Array.isArray(generated) ? generated : []
      lists.set(p, list)
    }
    return list
  }

  // ---- cursors ------------------------------------------------------------------------------------------------
  // A cursor names its list, the offset of the next element and the id before it (so a deletion between two
  // pages does not skip anything), signed so that a forged or edited cursor is refused.
  const sign = (payload: string) =>
    Types.hash(cursorKey + "|" + payload).toString(36) + Types.hash(payload + "|" + cursorKey).toString(36)
  const makeCursor = (list: string, offset: number, after: string | undefined) => {
    const payload = base64url(JSON.stringify({ l: list, o: offset, ...(after !== undefined ? { a: after } : {}) }))
    return `${payload}.${sign(payload)}`
  }
  const readCursor = (cursor: string, list: string): { offset: number; after: string | undefined } | undefined => {
    const dot = cursor.lastIndexOf(".")
    if (dot <= 0) return undefined
    const payload = cursor.slice(0, dot)
    if (sign(payload) !== cursor.slice(dot + 1)) return undefined
    try {
      const parsed = JSON.parse(unbase64url(payload)) as { l?: unknown; o?: unknown; a?: unknown }
      if (parsed.l !== list || typeof parsed.o !== "number" || !Number.isInteger(parsed.o) || parsed.o < 0) {
        return undefined
      }
      return { offset: parsed.o, after: typeof parsed.a === "string" ? parsed.a : undefined }
    } catch {
      return undefined
    }
  }
  const idOf = (item: unknown): string | undefined =>
    typeof item === "string" || typeof item === "number"
      ? String(item)
      : item !== null && typeof item === "object" && "id" in item
      ? String((item as Resource)["id"])
      : undefined

  const page = (p: string, headers: Readonly<Record<string, string>>, items: ReadonlyArray<unknown>): Reply => {
    const sizeText = headers["x-pagination-size"]
    let size = defaultPageSize
    if (sizeText !== undefined && sizeText !== "") {
      if (!/^\d+$/.test(sizeText.trim()) || Number(sizeText) < 1) {
        return Reply.badParameters(`[X-Pagination-Size] Given data (${sizeText}) is not a positive integer`)
      }
      size = Number(sizeText)
    }
    let start = 0
    const cursor = headers["x-pagination-cursor"]
    if (cursor !== undefined && cursor !== "") {
      const position = readCursor(cursor, p)
      if (position === undefined) {
        return error(400, "Client::BadRequest::InvalidCursor", "INVALID_CURSOR", "Invalid pagination cursor")
      }
      start = position.offset
      if (position.after !== undefined) {
        const index = items.findIndex((item) => idOf(item) === position.after)
        if (index >= 0) start = index + 1
      }
    }
    const slice = items.slice(start, start + size)
    const end = start + slice.length
    const out: Record<string, string> = { "x-pagination-elements": String(items.length) }
    if (end < items.length) out["x-pagination-cursor-next"] = makeCursor(p, end, idOf(slice[slice.length - 1]))
    return { status: 200, body: slice, headers: out }
  }

  // ---- checks -------------------------------------------------------------------------------------------------
  // A v2 PUT sends the whole target specification: its mandatory properties must be there, as in a creation.
  const wholeBody: ReadonlySet<string> = new Set(["POST", "PUT"])

  const notFound = (p: string) =>
    Reply.notFound(`The requested object (${lastOf(store.firstMissing(p))}) does not exist`)
  const bodyModelHas = (operation: Schemas.Operation, file: Schemas.ApiFile, property: string) => {
    const param = operation.parameters.find((p) => p.paramType === "body")
    return param !== undefined && modelOf(param.fullType ?? param.dataType, file)?.properties?.[property] !== undefined
  }

  // ---- routes -------------------------------------------------------------------------------------------------
  const route = (
    p: string,
    match: Schemas.Match,
    operation: Schemas.Operation,
    method: string,
    headers: Readonly<Record<string, string>>,
    body: unknown,
    now: number
  ): Reply => {
    const type = operation.responseType
    const paginated = type.endsWith("[]") ||
      operation.parameters.some((q) => q.paramType === "header" && q.name?.toLowerCase() === "x-pagination-cursor")
    switch (method) {
      case "GET": {
        if (!exists(p)) return notFound(p)
        if (type.endsWith("[]")) return page(p, headers, listAt(p, match, type))
        const value = resourceAt(p, match, type)
        return paginated && Array.isArray(value) ? page(p, headers, value) : { status: 200, body: value }
      }
      case "POST": {
        const info = collectionInfo(p)
        if (info === undefined || !exists(p)) {
          if (!exists(parentOf(p))) return notFound(p)
          const value = generator!.value(match.file, type, `${p}|POST|${++counter}`)
          return paginated && Array.isArray(value) ? page(p, headers, value) : { status: 200, body: value }
        }
        const id = generator!.id(match.file, "uuid", `${p}|created`, membersOf(p).length + ++counter)
        const childPath = `${p}/${id}`
        const childMatch = load()!.match(childPath)!
        const childModel = modelOf(info.child.responseType, childMatch.file)
        const given: Resource = {}
        if (body !== null && typeof body === "object") {
          for (const [k, v] of Object.entries(body)) if (childModel?.properties?.[k] !== undefined) given[k] = v
        }
        const base = generator!.value(childMatch.file, info.child.responseType, childPath) as Resource
        const stamps = {
          ...("createdAt" in base ? { createdAt: Reply.iso(now) } : {}),
          ...("updatedAt" in base ? { updatedAt: Reply.iso(now) } : {})
        }
        const created = shape(
          { ...base, ...given, ...stamps },
          childPath,
          info.child.responseType,
          childMatch.file,
          "CREATING"
        ) as Resource
        store.write(childPath, created)
        pending.add(childPath)
        if (type === "void") return { status: 200, body: null }
        if (type === info.child.responseType) return { status: 200, body: created }
        // Another model (`...Response`, `...CreationResponse`): its fields, taken from the new resource where it has them.
        const answer = generator!.value(match.file, type, childPath)
        if (answer === null || typeof answer !== "object" || Array.isArray(answer)) return { status: 200, body: answer }
        const out: Resource = { ...(answer as Resource) }
        for (const k of Object.keys(out)) if (k in created) out[k] = created[k]
        return { status: 200, body: out }
      }
      case "PUT":
      case "DELETE": {
        if (!exists(p)) return notFound(p)
        // The stored state as it is: a write does not count as the read that lets pending tasks finish.
        const current = (store.isStored(p) ? store.get(p) : undefined) ??
          resourceAt(p, match, load()!.operation(match.api.path, "GET")?.operation.responseType ?? type)
        const resource = current !== null && typeof current === "object" && !Array.isArray(current)
          ? current as Resource
          : {}
        const given = body !== null && typeof body === "object" && !Array.isArray(body) ? body as Resource : {}
        const sentChecksum = given["checksum"]
        if (
          (sentChecksum !== undefined || bodyModelHas(operation, match.file, "checksum")) &&
          resource["checksum"] !== undefined && sentChecksum !== resource["checksum"]
        ) {
          return error(
            412,
            "Client::PreconditionFailed::InvalidChecksum",
            "INVALID_CHECKSUM",
            "The checksum is not the current one: read the resource again"
          )
        }
        const status = resource["resourceStatus"]
        if (status !== undefined && status !== "READY" && status !== "ERROR") {
          return error(
            409,
            "Client::Conflict::ResourceNotReady",
            "RESOURCE_NOT_READY",
            `The resource is ${String(status)}: wait until it is READY`
          )
        }
        if (method === "DELETE") {
          store.remove(p)
          pending.delete(p)
          return { status: 200, body: type === "void" ? null : { ...resource, resourceStatus: "DELETING" } }
        }
        const { checksum: _checksum, ...changes } = given
        const updated = shape(
          { ...resource, ...changes, ...("updatedAt" in resource ? { updatedAt: Reply.iso(now) } : {}) },
          p,
          type,
          match.file,
          status === undefined ? "READY" : "UPDATING"
        ) as Resource
        store.write(p, updated)
        if (status !== undefined) pending.add(p)
        return { status: 200, body: type === "void" ? null : updated }
      }
    }
    return Reply.methodNotAllowed(method, "/v2" + match.api.path, match.api.operations.map((o) => o.httpMethod))
  }

  return {
    /** Answers a `/v2/...` request after authenticating it with the engine's `authenticate`. */
    answer: (
      request: Accounts.Request,
      url: URL,
      now: number,
      authenticate: Accounts.Accounts["authenticate"]
    ): { reply: Reply; template: string | undefined } => {
      const set = load()
      const method = request.method.toUpperCase()
      const p = normalize(url.pathname)
      if (set === undefined) return { reply: Reply.notFound("API v2 descriptions not found"), template: undefined }
      if (method === "GET" && (p === "/" || p.endsWith(".json"))) {
        const document = set.document(p === "/" ? "/" : p.slice(0, -5))
        if (document !== undefined) return { reply: { status: 200, body: null, raw: document }, template: undefined }
      }
      const match = set.match(p)
      if (match === undefined) return { reply: Reply.unknownPath(), template: undefined }
      const template = "/v2" + match.api.path
      const operation = match.api.operations.find((o) => o.httpMethod === method)
      if (operation === undefined) {
        return {
          reply: Reply.methodNotAllowed(method, template, match.api.operations.map((o) => o.httpMethod)),
          template
        }
      }
      const auth = authenticate(request, url, "/v2" + p, operation, now)
      if ("reply" in auth) return { reply: auth.reply, template }
      let body: unknown = undefined
      if (request.body !== "") {
        try {
          body = JSON.parse(request.body)
        } catch {
          return { reply: Reply.badParameters("[body] The request body is not valid JSON"), template }
        }
      }
      const invalid = Parameters.check(
        set,
        { method, match, operation, query: Parameters.parseQuery(url), body },
        wholeBody
      )
      if (invalid !== undefined) return { reply: invalid, template }
      return { reply: route(p, match, operation, method, request.headers, body, now), template }
    },

    /**
     * Seeds `/v2/...`: an array at a collection path sets its members (ids, or objects whose `id` names them,
     * stored as given); any other value is stored as the resource at that path.
     */
    seed: (p: string, value: unknown): void => {
      const key = normalize(p)
      if (Array.isArray(value) && collectionInfo(key) !== undefined) {
        const ids: Array<string> = []
        for (const item of value) {
          const id = idOf(item)
          if (id === undefined) continue
          ids.push(id)
          if (item !== null && typeof item === "object") store.seed(`${key}/${id}`, item)
        }
        store.setMembers(key, ids)
        return
      }
      if (Array.isArray(value)) {
        lists.set(key, value)
        return
      }
      store.seed(key, value)
    },

    /** Whether a `/v2/...` path is one of the v2 descriptions' (what can be seeded). */
    knows: (p: string): boolean => load()?.match(normalize(p)) !== undefined,

    /** The stored value at a `/v2/...` path: a resource, or a collection's ids. */
    read: (p: string): unknown => {
      const key = normalize(p)
      return store.read(key) ?? lists.get(key)
    }
  }
}
