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
import { identity } from "effect/Function"
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

/**
 * A typed call of one method. When the path is not one of the method's templates, the compiler reports
 * it on the path and falls back to every path at once: the guards below then give `unknown` rather
 * than a union of every response, which would drown the real error in "union type too complex".
 */
export type Call<M extends Method> = <P extends Path<M>>(
  path: P,
  ...args: Path<M> extends P ? [params?: unknown, options?: OvhClient.CallOptions] : Args<EntryOf<M, P>>
) => Effect.Effect<Path<M> extends P ? unknown : Response<M, P>, OvhError.OvhError>

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
export const make: (client: OvhClient.Service) => Service = identity as never

/** The typed client in scope. */
// Pure annotations let bundlers drop the class from apps that only use `make`.
export class Api extends /* @__PURE__ */ Context.Service<Api, Service>()("@effect-ovh/core/Api") {
  /** The typed view of the `OvhClient` in context. */
  static readonly layer: Layer.Layer<Api, never, OvhClient.OvhClient> = /* @__PURE__ */ Layer.effect(
    Api,
    /* @__PURE__ */ Effect.map(/* @__PURE__ */ Effect.service(OvhClient.OvhClient), make)
  )
}
