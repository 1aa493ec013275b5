/**
 * Fan-out: list ids, then fetch each one, as a single `Stream` with bounded concurrency. `getAll`
 * covers the usual case (a v1 list of ids or a v2 list, then `GET <list>/<id>` per item); `each` fans
 * any stream of ids out through any effect. The caller picks what a failing item does: end the stream
 * (`"fail"`), be skipped and reported (`"skip"`), or come out as a `Result` (`"collect"`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import type * as Api from "./Api.ts"
import * as OvhClient from "./OvhClient.ts"
import * as OvhError from "./OvhError.ts"
import * as Pagination from "./Pagination.ts"

/** Requests in flight at once when no `concurrency` is given. */
export const defaultConcurrency = 8

/** How the fan-out runs. */
export interface Options {
  /** Most items fetched at once. Default {@link defaultConcurrency}. */
  readonly concurrency?: number | undefined
  /** `true` (the default) emits in the order of the ids; `false` emits each item as soon as it arrives. */
  readonly ordered?: boolean | undefined
}

/** An item that failed and was left out of the stream. */
export interface Skipped<Id, E> {
  readonly id: Id
  readonly error: E
}

/** The outcome of one item, in `"collect"` mode. */
export interface Outcome<Id, A, E> {
  readonly id: Id
  readonly result: Result.Result<A, E>
}

/** The first failing item fails the stream; items still in flight are interrupted. The default. */
export interface FailFast {
  readonly errors?: "fail" | undefined
}

/** Failing items are left out; each is handed to `onSkip` (default: a warning in the log). */
export interface SkipAndReport<Id, E> {
  readonly errors: "skip"
  readonly onSkip?: ((skipped: Skipped<Id, E>) => Effect.Effect<void>) | undefined
}

/** Every item comes out as an {@link Outcome}, failures included. */
export interface Collect {
  readonly errors: "collect"
}

const settings = (options: Options | undefined) => ({
  concurrency: options?.concurrency ?? defaultConcurrency,
  unordered: options?.ordered === false
})

// A bad bound is a bug in the caller: the stream dies with it rather than running unbounded or not at all.
const badConcurrency = (concurrency: number) =>
  !Number.isInteger(concurrency) || concurrency < 1
    ? Stream.die(new RangeError(`FanOut: concurrency must be a positive integer, got ${concurrency}`))
    : undefined

const messageOf = (error: unknown): string =>
  typeof error === "object" && error !== null && "message" in error && typeof error.message === "string"
    ? error.message
    : String(error)

const warnSkipped = <Id, E>(skipped: Skipped<Id, E>): Effect.Effect<void> =>
  Effect.logWarning(`skipped ${String(skipped.id)}: ${messageOf(skipped.error)}`)

/**
 * Fetches each id of a stream with `fetch`, at most `concurrency` at once.
 *
 * @example
 * ids.pipe(FanOut.each((id) => client.get(`/me/bill/${id}`), { concurrency: 4, errors: "skip" }))
 */
export function each<Id, A, E, R>(
  fetch: (id: Id) => Effect.Effect<A, E, R>,
  options?: Options & FailFast
): <E0, R0>(ids: Stream.Stream<Id, E0, R0>) => Stream.Stream<A, E | E0, R | R0>
export function each<Id, A, E, R>(
  fetch: (id: Id) => Effect.Effect<A, E, R>,
  options: Options & SkipAndReport<Id, E>
): <E0, R0>(ids: Stream.Stream<Id, E0, R0>) => Stream.Stream<A, E0, R | R0>
export function each<Id, A, E, R>(
  fetch: (id: Id) => Effect.Effect<A, E, R>,
  options: Options & Collect
): <E0, R0>(ids: Stream.Stream<Id, E0, R0>) => Stream.Stream<Outcome<Id, A, E>, E0, R | R0>
export function each<Id, A, E, R>(
  fetch: (id: Id) => Effect.Effect<A, E, R>,
  options?: Options & (FailFast | SkipAndReport<Id, E> | Collect)
): <E0, R0>(ids: Stream.Stream<Id, E0, R0>) => Stream.Stream<unknown, unknown, R | R0> {
  const run = settings(options)
  const invalid = badConcurrency(run.concurrency)
  if (invalid !== undefined) return () => invalid
  switch (options?.errors) {
    case "skip": {
      const onSkip = options.onSkip ?? warnSkipped
      return (ids) =>
        ids.pipe(
          Stream.mapEffect(
            (id) =>
              Effect.matchEffect(fetch(id), {
                onFailure: (error) => Effect.as(onSkip({ id, error }), [] as ReadonlyArray<A>),
                onSuccess: (value) => Effect.succeed([value])
              }),
            run
          ),
          Stream.flattenIterable
        )
    }
    case "collect":
      return (ids) =>
        ids.pipe(Stream.mapEffect((id) => Effect.map(Effect.result(fetch(id)), (result) => ({ id, result })), run))
    default:
      return (ids) => ids.pipe(Stream.mapEffect((id) => fetch(id), run))
  }
}

/** Options of {@link getAll} for the list `L`: how to list, how to name each item, how to fan out. */
export type ListOptions<L extends Api.ListPath, Id = string> = Options & Api.WithParams<L> & {
  /** Query parameters (filters) of the list request, typed from its description. */
  readonly query?: Api.QueryParams<L> | undefined
  /** Page size of a paginated (v2) list. Default `Pagination.defaultPageSize`. */
  readonly pageSize?: number | undefined
  /**
   * The id of a list element. Default: the element itself when it is a string or a number (v1 lists),
   * its `id` property when it is an object (v2 lists).
   */
  readonly idOf?: ((element: Api.Element<L>) => Id) | undefined
  /** The path of one item. Default `<list path>/<id>`, the id percent-encoded as one path segment. */
  readonly itemPath?: ((id: Id) => string) | undefined
  /** Query parameters of each item request, typed from the item route's description. */
  readonly itemQuery?: Api.QueryParams<Api.ItemPath<L>> | undefined
}

const defaultIdOf = (element: unknown): string => {
  if (typeof element === "string" || typeof element === "number") return String(element)
  if (typeof element === "object" && element !== null && "id" in element) return String(element.id)
  return JSON.stringify(element)
}

interface Untyped<Id> {
  readonly params?: Readonly<Record<string, unknown>> | undefined
  readonly query?: OvhClient.Query | undefined
  readonly pageSize?: number | undefined
  readonly idOf?: ((element: unknown) => Id) | undefined
  readonly itemPath?: ((id: Id) => string) | undefined
  readonly itemQuery?: OvhClient.Query | undefined
}

const listAndFetch = <Id, A>(path: string, options: Untyped<Id> | undefined, client: OvhClient.Service) => {
  const idOf = options?.idOf ?? (defaultIdOf as (element: unknown) => Id)
  const list = OvhClient.request("GET", path, options?.params)
  // the list's path with its parameters in place: its items live under it
  const base = (list instanceof OvhError.BadParameters ? path : list.path).replace(/\/+$/, "")
  const itemPath = options?.itemPath ?? ((id: Id) => `${base}/${encodeURIComponent(String(id))}`)
  // A v1 list ignores the pagination headers and answers everything at once, without a next cursor.
  const ids = Pagination.streamOf<unknown>(path, {
    params: options?.params,
    query: options?.query,
    pageSize: options?.pageSize
  }).pipe(Stream.map(idOf))
  const fetch = (id: Id) => client.get<A>(itemPath(id), options?.itemQuery)
  return { ids, fetch }
}

/** The options argument of {@link getAll}: required when the list's template has path parameters. */
export type Args<L extends Api.ListPath, O> = Pagination.Args<L, O>

/**
 * Lists `path` and streams `GET <path>/<id>` for each element, `concurrency` (default 8) at a time,
 * in list order unless `ordered: false`. Works on v1 lists of ids and on v2 paginated lists alike.
 * The path is a list template of the API descriptions whose items have their own route; its
 * parameters go in `params`, and the items have the type of that route's answer.
 *
 * @example
 * FanOut.getAll("/me/bill", { errors: "skip" }).pipe(Stream.runForEach((bill) => Console.log(bill.billId)))
 * FanOut.getAll("/email/domain/{domain}/redirection", { params: { domain: "example.com" } })
 */
export function getAll<L extends Api.ListPath, Id = string>(
  path: L,
  ...options: Args<L, ListOptions<L, Id> & FailFast>
): Stream.Stream<Api.Item<L>, Pagination.PaginationError, OvhClient.OvhClient>
export function getAll<L extends Api.ListPath, Id = string>(
  path: L,
  options: ListOptions<L, Id> & SkipAndReport<Id, OvhError.OvhError>
): Stream.Stream<Api.Item<L>, Pagination.PaginationError, OvhClient.OvhClient>
export function getAll<L extends Api.ListPath, Id = string>(
  path: L,
  options: ListOptions<L, Id> & Collect
): Stream.Stream<Outcome<Id, Api.Item<L>, OvhError.OvhError>, Pagination.PaginationError, OvhClient.OvhClient>
export function getAll(
  path: string,
  options?: Untyped<unknown> & Options & (FailFast | SkipAndReport<unknown, OvhError.OvhError> | Collect)
): Stream.Stream<unknown, Pagination.PaginationError, OvhClient.OvhClient> {
  const invalid = badConcurrency(settings(options).concurrency)
  if (invalid !== undefined) return invalid
  return Stream.unwrap(Effect.map(Effect.service(OvhClient.OvhClient), (client) => {
    const { fetch, ids } = listAndFetch<unknown, unknown>(path, options, client)
    return ids.pipe(
      each(fetch, options as Options & FailFast) as (
        ids: Stream.Stream<unknown, Pagination.PaginationError, OvhClient.OvhClient>
      ) => Stream.Stream<unknown, Pagination.PaginationError, OvhClient.OvhClient>
    )
  }))
}
