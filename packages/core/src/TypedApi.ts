/**
 * The typed view of `OvhClient` over any set of operations: the machinery of `Api`, without the
 * operations themselves. `Api` is this view over every operation of the API; a program that calls a
 * few APIs can type its calls with their modules alone (`@effect-ovh/core/api/me`,
 * `@effect-ovh/core/api/v2-iam`...), so that the compiler never reads the thousands of operations it
 * does not call:
 *
 * ```ts
 * import type * as Me from "@effect-ovh/core/api/me"
 * import type * as Domain from "@effect-ovh/core/api/domain"
 * const api = TypedApi.make<Me.Operations & Domain.Operations>(client)
 * ```
 *
 * @since 0.1.0
 */
import type * as Effect from "effect/Effect"
import { identity } from "effect/Function"
import type * as OvhClient from "./OvhClient.ts"
import type * as OvhError from "./OvhError.ts"

/** Operations by method, then by path template: what the generated `Operations` of each API are. */
export interface Operations {
  readonly GET: object
  readonly POST: object
  readonly PUT: object
  readonly DELETE: object
}

/** An HTTP method of the API. */
export type Method = keyof Operations

/** What one operation of the generated maps looks like. */
export interface Entry {
  /** Its parameters: path, query and body fields in one object. */
  readonly p: unknown
  /** Its response. */
  readonly r: unknown
}

/** The path templates of a method: `/me/bill/{billId}`, `/v2/iam/policy`. */
export type Path<O extends Operations, M extends Method> = keyof O[M] & string

/** The entry of one operation. */
export type EntryOf<O extends Operations, M extends Method, P extends Path<O, M>> = O[M][P] extends
  infer E extends Entry ? E : never

/** The parameters of an operation: path parameters, query parameters and body fields together. */
export type Params<O extends Operations, M extends Method, P extends Path<O, M>> = EntryOf<O, M, P>["p"]

/** The response of an operation. */
export type Response<O extends Operations, M extends Method, P extends Path<O, M>> = EntryOf<O, M, P>["r"]

/** The arguments after the path: the parameters (optional when none is required), then call options. */
// an empty object is assignable to the parameters exactly when none of them is required
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export type Args<E extends Entry> = {} extends E["p"] ? [params?: E["p"], options?: OvhClient.CallOptions]
  : [params: E["p"], options?: OvhClient.CallOptions]

/**
 * A typed call of one method. When the path is not one of the method's templates, the compiler reports
 * it on the path and falls back to every path at once: the guards below then give `unknown` rather
 * than a union of every response, which would drown the real error in "union type too complex".
 */
export type Call<O extends Operations, M extends Method> = CallIn<O[M]>

/** `Call` over one table of operations (one method's), by path. */
export interface CallIn<T> {
  <P extends keyof T & string>(
    path: P,
    ...args: keyof T & string extends P ? [params?: unknown, options?: OvhClient.CallOptions]
      : Args<T[P] extends infer E extends Entry ? E : never>
  ): Effect.Effect<
    keyof T & string extends P ? unknown : T[P] extends infer E extends Entry ? E["r"] : never,
    OvhError.OvhError
  >
}

/**
 * The calls of one method: one signature per operation, as the generated tables declare them, each
 * with its operation's description and `@deprecated` tag (what an editor shows on the call: the
 * description on hover, deprecated operations struck through), then `Call` for any other path.
 */
export type Calls<O extends Operations, T extends Operations, M extends Method> = O[M] & Call<T, M>

/** The typed client over the operations `O` (`T`: the same operations in one table per method). */
export interface Service<O extends Operations, T extends Operations = O> {
  /** `GET path`: path parameters go into the path, the others into the query string. */
  readonly get: Calls<O, T, "GET">
  /** `POST path`: path parameters go into the path, the others into the JSON body (`$query`, `$body` aside). */
  readonly post: Calls<O, T, "POST">
  /** `PUT path`: as `post`. */
  readonly put: Calls<O, T, "PUT">
  /** `DELETE path`: as `get`. */
  readonly delete: Calls<O, T, "DELETE">
}

/** One object type per method, whatever the intersection of modules `O` is made of. */
export type Combine<O extends Operations> = {
  readonly [M in Method]: { readonly [P in keyof O[M]]: O[M][P] }
}

/**
 * The typed view of a client over the operations `O` (one API module's \`Operations\`, or an
 * intersection of several): the client itself, whose `get`, `post`, `put` and `delete` take path
 * templates, seen with their types. It adds no code to a call. The modules are combined once into one
 * table per method, so each call looks its path up in that table rather than in every module.
 */
export const make: <O extends Operations>(client: OvhClient.Service) => Service<O, Combine<O>> = identity as never
