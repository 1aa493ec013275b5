/**
 * The typed view of `OvhClient`: every v1 and v2 operation of the OVHcloud API, typed from the
 * official API descriptions. `api.get("/me/bill/{billId}", { billId })` is an `Effect` of
 * `V1.billing.Bill`; an unknown path, a missing parameter or a wrong type does not compile.
 * Nothing here validates at run time (see `ApiDecoded` for that), so it costs no schemas.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as Ops from "./generated/operations.ts"
import * as OvhClient from "./OvhClient.ts"
import type * as OvhError from "./OvhError.ts"

/** The v1 models, by namespace: `V1.billing.Bill`; `V1.Index` maps every id to its type. */
export type * as V1 from "./generated/v1/models.ts"
/** The v2 models, by namespace: `V2.iam.Policy`. */
export type * as V2 from "./generated/v2/models.ts"
/** Request-body shapes of the v1 models (read-only properties left out). */
export type * as V1Input from "./generated/v1/inputs.ts"
/** Request-body shapes of the v2 models (read-only properties left out). */
export type * as V2Input from "./generated/v2/inputs.ts"

/** The operations of each method, by path template. */
export interface Operations {
  readonly GET: Ops.Get
  readonly POST: Ops.Post
  readonly PUT: Ops.Put
  readonly DELETE: Ops.Delete
}

/** An HTTP method of the API. */
export type Method = keyof Operations

/** The path templates of a method: `/me/bill/{billId}`, `/v2/iam/policy`. */
export type Path<M extends Method> = keyof Operations[M] & string

/** What one operation of the generated maps looks like. */
export interface Entry {
  /** Its parameters: path, query and body fields in one object. */
  readonly p: unknown
  /** Its response. */
  readonly r: unknown
  /** Whether some parameter is required. */
  readonly q: boolean
}

type EntryOf<M extends Method, P extends Path<M>> = Operations[M][P] extends infer E extends Entry ? E : never

/** The parameters of an operation: path parameters, query parameters and body fields together. */
export type Params<M extends Method, P extends Path<M>> = EntryOf<M, P>["p"]

/** The response of an operation. */
export type Response<M extends Method, P extends Path<M>> = EntryOf<M, P>["r"]

/** The arguments after the path: the parameters (optional when none is required), then call options. */
export type Args<E extends Entry> = E["q"] extends true ? [params: E["p"], options?: OvhClient.CallOptions]
  : [params?: E["p"], options?: OvhClient.CallOptions]

/** A typed call of one method. */
export type Call<M extends Method> = <P extends Path<M>>(
  path: P,
  ...args: Args<EntryOf<M, P>>
) => Effect.Effect<Response<M, P>, OvhError.OvhError>

/** The typed client. */
export interface Service {
  /** `GET path`: path parameters go into the path, the others into the query string. */
  readonly get: Call<"GET">
  /** `POST path`: path parameters go into the path, the others into the JSON body (`$query`, `$body` aside). */
  readonly post: Call<"POST">
  /** `PUT path`: as `post`. */
  readonly put: Call<"PUT">
  /** `DELETE path`: as `get`. */
  readonly delete: Call<"DELETE">
  /** The untyped client underneath, for anything the descriptions do not cover. */
  readonly client: OvhClient.Service
}

/** A parameter object as the runtime sees it. */
type Untyped = Readonly<Record<string, unknown>>

/**
 * Splits a typed call into an `OvhClient.Request`: path parameters are substituted (percent-encoded
 * with `encodeURIComponent`); for GET and DELETE the rest is the query; for POST and PUT the rest is
 * the JSON body, except `$query` (the few POST/PUT query parameters) and `$body` (a body that is an
 * array or a map, not an object).
 */
export const request = (
  method: Method,
  template: string,
  params: Untyped | undefined,
  options?: OvhClient.CallOptions
): OvhClient.Request => {
  const rest: Record<string, unknown> = { ...params }
  const path = template.replace(/\{([^}]+)\}/g, (_, name: string) => {
    const value = rest[name]
    delete rest[name]
    return encodeURIComponent(String(value))
  })
  if (method === "GET" || method === "DELETE") return { ...options, method, path, query: queryOf(rest) }
  const { $body, $query, ...fields } = rest
  const body = $body !== undefined ? $body : Object.keys(fields).length > 0 ? fields : undefined
  return { ...options, method, path, query: queryOf($query as Untyped | undefined), body }
}

// Maps (e.g. `iamTags`, `map[string][]iam.resource.TagFilter`) have no declared query-string form: they go as JSON.
const queryOf = (params: Untyped | undefined): OvhClient.Query | undefined => {
  if (params === undefined) return undefined
  const out: Record<string, OvhClient.QueryValue> = {}
  for (const key in params) {
    const value = params[key]
    out[key] = value && typeof value === "object" && !Array.isArray(value) ? JSON.stringify(value) : value as never
  }
  return out
}

/** The typed view of a client. */
export const make = (client: OvhClient.Service): Service => {
  const call = (method: Method) => (path: string, params?: Untyped, options?: OvhClient.CallOptions) =>
    client.call(request(method, path, params, options))
  return {
    get: call("GET") as Call<"GET">,
    post: call("POST") as Call<"POST">,
    put: call("PUT") as Call<"PUT">,
    delete: call("DELETE") as Call<"DELETE">,
    client
  }
}

/** The typed client in scope. */
// Pure annotations let bundlers drop the class from apps that only use `make`.
export class Api extends /* @__PURE__ */ Context.Service<Api, Service>()("@effect-ovh/core/Api") {
  /** The typed view of the `OvhClient` in context. */
  static readonly layer: Layer.Layer<Api, never, OvhClient.OvhClient> = /* @__PURE__ */ Layer.effect(
    Api,
    /* @__PURE__ */ Effect.map(/* @__PURE__ */ Effect.service(OvhClient.OvhClient), make)
  )
}
