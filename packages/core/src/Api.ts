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
import * as TypedApi from "./TypedApi.ts"

/** The v1 models, by namespace: `V1.billing.Bill`; `V1.Index` maps every id to its type. */
export type * as V1 from "./generated/v1/models.ts"
/** The v2 models, by namespace: `V2.iam.Policy`. */
export type * as V2 from "./generated/v2/models.ts"
/** Request-body shapes of the v1 models (read-only properties left out). */
export type * as V1Input from "./generated/v1/inputs.ts"
/** Request-body shapes of the v2 models (read-only properties left out). */
export type * as V2Input from "./generated/v2/inputs.ts"

/** The operations of each method, by path template: every operation of the API. */
export interface Operations {
  readonly GET: Ops.Get
  readonly POST: Ops.Post
  readonly PUT: Ops.Put
  readonly DELETE: Ops.Delete
}

/** An HTTP method of the API. */
export type Method = TypedApi.Method

/** The path templates of a method: `/me/bill/{billId}`, `/v2/iam/policy`. */
export type Path<M extends Method> = TypedApi.Path<Operations, M>

/** What one operation of the generated maps looks like. */
export type Entry = TypedApi.Entry

/** The parameters of an operation: path parameters, query parameters and body fields together. */
export type Params<M extends Method, P extends Path<M>> = TypedApi.Params<Operations, M, P>

/** The response of an operation. */
export type Response<M extends Method, P extends Path<M>> = TypedApi.Response<Operations, M, P>

/** The arguments after the path: the parameters (optional when none is required), then call options. */
export type Args<E extends Entry> = TypedApi.Args<E>

/** The names of a path template's parameters: `"billId"` for `/me/bill/{billId}`. */
export type Placeholders<P extends string> = P extends `${string}{${infer N}}${infer Rest}` ? N | Placeholders<Rest>
  : never

/** The path parameters of a GET, with their types: `{ readonly domain: string }` for `/email/domain/{domain}/redirection`. */
export type PathParams<P extends Path<"GET">> = {
  readonly [K in Placeholders<P> & keyof Params<"GET", P>]: Params<"GET", P>[K]
}

/** The query parameters of a GET: its parameters other than the path's. */
export type QueryParams<P extends Path<"GET">> = Omit<Params<"GET", P>, Placeholders<P>>

/**
 * `params`, the path parameters of a GET template: required when the template has some (`{domain}`),
 * optional otherwise. Streams of lists (`Pagination.stream`, `FanOut.getAll`) take them so.
 */
export type WithParams<P extends Path<"GET">> = [Placeholders<P>] extends [never]
  ? { readonly params?: PathParams<P> | undefined }
  : { readonly params: PathParams<P> }

/** What one element of a GET's answer is: the item of a list, or the whole answer otherwise. */
export type Element<P extends Path<"GET">> = Response<"GET", P> extends ReadonlyArray<infer A> ? A : Response<"GET", P>

/** The GET lists whose items have their own GET route: `/me/bill` (items at `/me/bill/{billId}`). */
export type ListPath = keyof Ops.Lists & string

/** The item route of a list: `/me/bill/{billId}` for `/me/bill`. */
export type ItemPath<L extends ListPath> = `${L}/{${Ops.Lists[L]}}` extends infer P extends Path<"GET"> ? P : never

/** The type of one item of a list, as its item route answers it: `V1.billing.Bill` for `/me/bill`. */
export type Item<L extends ListPath> = Response<"GET", ItemPath<L>>

/** A typed call of one method (see `TypedApi.Call`). */
export type Call<M extends Method> = TypedApi.Call<Operations, M>

/**
 * The typed client over every operation. Each method is the generated table of its operations, whose
 * call signatures (one per operation, with its description and `@deprecated` tag, then one for any
 * path of the table) are what an editor shows on `api.get(...)`.
 */
export interface Service {
  /** `GET path`: path parameters go into the path, the others into the query string. */
  readonly get: Ops.Get
  /** `POST path`: path parameters go into the path, the others into the JSON body (`$query`, `$body` aside). */
  readonly post: Ops.Post
  /** `PUT path`: as `post`. */
  readonly put: Ops.Put
  /** `DELETE path`: as `get`. */
  readonly delete: Ops.Delete
}

/**
 * Splits a typed call into an `OvhClient.Request` (or the `BadParameters` of a missing path
 * parameter): `OvhClient.request`, which the untyped `get`/`post`/`put`/`delete` use too.
 */
export const request: typeof OvhClient.request = OvhClient.request

/**
 * The typed view of a client: the client itself, whose `get`, `post`, `put` and `delete` take path
 * templates, seen with the types of the API descriptions. It adds no code to a call: keep `client`
 * for the untyped calls (`call`, `send`, `raw`, paths the descriptions do not have).
 */
export const make: (client: OvhClient.Service) => Service = TypedApi.make as never

/** The typed client in scope. */
// Pure annotations let bundlers drop the class from apps that only use `make`.
export class Api extends /* @__PURE__ */ Context.Service<Api, Service>()("@effect-ovh/core/Api") {
  /** The typed view of the `OvhClient` in context. */
  static readonly layer: Layer.Layer<Api, never, OvhClient.OvhClient> = /* @__PURE__ */ Layer.effect(
    Api,
    /* @__PURE__ */ Effect.map(/* @__PURE__ */ Effect.service(OvhClient.OvhClient), make)
  )
}
