/**
 * Fan-out: list ids, then fetch each one, as a single `Stream` with bounded concurrency. `getAll`
 * covers the usual case (a v1 list of ids or a v2 list, then `GET <list>/<id>` per item); `each` fans
 * any stream of ids out through any effect. The caller picks what a failing item does: end the stream
 * (`"fail"`), be skipped and reported (`"skip"`), or come out as a `Result` (`"collect"`).
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Result from "effect/Result"
import * as Stream from "effect/Stream"
import type * as Api from "./Api.ts"
import * as ListMode from "./ListMode.ts"
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

/**
 * How {@link getAll} gets whole items:
 * - `"auto"` (the default): one list request in list mode; whole objects are streamed page by page,
 *   ids are fetched one by one as with `"each"`. Never an extra request.
 * - `"expand"`: list mode only; a route that answers ids fails with `InvalidResponse`.
 * - `"batch"`: the ids, then `X-Ovh-Batch` GETs of `batchSize` ids each.
 * - `"each"`: the ids, then one GET per id.
 *
 * List mode and batch GETs are what OVHcloud's control panel sends (see `ListMode`), not a documented
 * contract of the API; both are v1 features.
 */
export type Strategy = "auto" | "expand" | "batch" | "each"

/** The strategies, for checking input. */
export const strategies: ReadonlyArray<Strategy> = ["auto", "expand", "batch", "each"]

/** Options of {@link getAll} for the list `L`: how to list, how to name each item, how to fan out. */
export type ListOptions<L extends Api.ListPath, Id = string> = Options & Api.WithParams<L> & {
  /** How whole items are obtained. Default `"auto"`. */
  readonly strategy?: Strategy | undefined
  /** Query parameters (filters) of the list request, typed from its description. */
  readonly query?: Api.QueryParams<L> | undefined
  /**
   * Filter terms, all of which an item passes: sent as `X-Pagination-Filter` in list mode, applied to the
   * fetched items otherwise, with the same meaning (`ListMode.matches`).
   */
  readonly filter?: ReadonlyArray<ListMode.Filter> | undefined
  /**
   * The order of the items: sent as `X-Pagination-Sort` in list mode; otherwise every item is fetched
   * first, then sorted (`ListMode.comparator`), so a sort on a route without list mode holds the list.
   */
  readonly sort?: ListMode.Sort | undefined
  /**
   * Page size: items per page in list mode (default `ListMode.defaultPageSize`) and of a v2 list
   * (default `Pagination.defaultPageSize`).
   */
  readonly pageSize?: number | undefined
  /** Ids per `X-Ovh-Batch` GET. Default `ListMode.defaultBatchSize` (50). */
  readonly batchSize?: number | undefined
  /**
   * The id of a list element. Default: the element itself when it is a string or a number (v1 lists),
   * its `id` property when it is an object (v2 lists).
   */
  readonly idOf?: ((element: Api.Element<L>) => Id) | undefined
  /**
   * The id of an item that came whole from list mode, for `"collect"` outcomes. Default: the item's
   * `id`, `<singular of the list>Id` (`billId`), `name` or `serviceName`, as a string (a guess from the
   * API's models: the item route's parameter is not known at run time).
   */
  readonly key?: ((item: Api.Item<L>) => Id) | undefined
  /**
   * The path of one item, for one-by-one GETs. Default `<list path>/<id>`, the id percent-encoded as
   * one path segment. Batch GETs always go to `<list path>/<id>,<id>...`.
   */
  readonly itemPath?: ((id: Id) => string) | undefined
  /** Query parameters of each item request (one by one or batch), typed from the item route's description. */
  readonly itemQuery?: Api.QueryParams<Api.ItemPath<L>> | undefined
}

const defaultIdOf = (element: unknown): string => {
  if (typeof element === "string" || typeof element === "number") return String(element)
  if (typeof element === "object" && element !== null && "id" in element) return String(element.id)
  return JSON.stringify(element)
}

const defaultKey = (path: string) => {
  const last = path.split("/").filter((segment) => segment !== "" && !segment.startsWith("{")).pop() ?? ""
  const singular = last.replace(/ies$/, "y").replace(/s$/, "")
  const names = ["id", `${singular}Id`, "name", "serviceName"]
  return (item: unknown): unknown => {
    for (const name of names) {
      const value = ListMode.fieldOf(item, name)
      if (typeof value === "string" || typeof value === "number") return String(value)
    }
    return JSON.stringify(item)
  }
}

interface Untyped<Id> {
  readonly strategy?: Strategy | undefined
  readonly params?: Readonly<Record<string, unknown>> | undefined
  readonly query?: OvhClient.Query | undefined
  readonly filter?: ReadonlyArray<ListMode.Filter> | undefined
  readonly sort?: ListMode.Sort | undefined
  readonly pageSize?: number | undefined
  readonly batchSize?: number | undefined
  readonly idOf?: ((element: unknown) => Id) | undefined
  readonly key?: ((item: unknown) => Id) | undefined
  readonly itemPath?: ((id: Id) => string) | undefined
  readonly itemQuery?: OvhClient.Query | undefined
}

type AnyOptions = Untyped<unknown> & Options & (FailFast | SkipAndReport<unknown, OvhError.OvhError> | Collect)

type Items = Stream.Stream<unknown, Pagination.PaginationError, OvhClient.OvhClient>

const isV2 = (path: string) => path === "/v2" || path.startsWith("/v2/")

const positive = (value: number | undefined, name: string): string | undefined =>
  value === undefined || (Number.isInteger(value) && value >= 1)
    ? undefined
    : `${name} must be a positive integer, got ${value}`

// Every bad option is a BadParameters, before anything is sent.
const problemOf = (path: string, options: AnyOptions | undefined): string | undefined => {
  const strategy = options?.strategy ?? "auto"
  if (!strategies.includes(strategy)) {
    return `the strategy is ${JSON.stringify(strategy)}; expected one of ${strategies.join(", ")}`
  }
  if (isV2(path) && (strategy === "expand" || strategy === "batch")) {
    return `the strategy ${strategy} is a v1 list mode; a v2 list already pages whole objects`
  }
  return positive(options?.pageSize, "pageSize") ?? positive(options?.batchSize, "batchSize") ??
    ListMode.check(options?.filter, options?.sort)
}

const invalidResponse = (path: string, detail: string, reply?: OvhClient.Reply) =>
  new OvhError.InvalidResponse({
    status: reply?.status ?? 200,
    method: "GET",
    path,
    detail,
    ...(reply?.queryId !== undefined ? { queryId: reply.queryId } : {})
  })

/** What a fan-out over ids needs: the list request (params in place), the item paths, the fetch of one id. */
const setup = (path: string, options: AnyOptions | undefined, client: OvhClient.Service) => {
  const listed = OvhClient.request("GET", path, { ...options?.query, ...options?.params })
  // the list's path with its parameters in place: its items live under it
  const base = (listed instanceof OvhError.BadParameters ? path : listed.path).replace(/\/+$/, "")
  const idOf = options?.idOf ?? defaultIdOf
  const itemPath = options?.itemPath ?? ((id: unknown) => `${base}/${encodeURIComponent(String(id))}`)
  const fetch = (id: unknown) => client.get<unknown>(itemPath(id), options?.itemQuery)
  return { listed, base, idOf, itemPath, fetch }
}

type Setup = ReturnType<typeof setup>

// The fan-out in the caller's error mode (`each`'s overloads are for callers; here the mode is data).
const fanOut = (
  ids: Stream.Stream<unknown, Pagination.PaginationError, OvhClient.OvhClient>,
  fetch: Setup["fetch"],
  options?: AnyOptions
) => ids.pipe(each(fetch, options as Options & FailFast)) as Items

/** Outcomes of ids, in the caller's error mode: values, values without the failures, or the outcomes. */
const inMode = (
  outcomes: Stream.Stream<
    Outcome<unknown, unknown, OvhError.OvhError>,
    Pagination.PaginationError,
    OvhClient.OvhClient
  >,
  options: AnyOptions | undefined
): Items => {
  switch (options?.errors) {
    case "collect":
      return outcomes
    case "skip": {
      const onSkip = options.onSkip ?? warnSkipped
      return outcomes.pipe(
        Stream.mapEffect((outcome) =>
          Result.isSuccess(outcome.result)
            ? Effect.succeed([outcome.result.success])
            : Effect.as(onSkip({ id: outcome.id, error: outcome.result.failure }), [])
        ),
        Stream.flattenIterable
      )
    }
    default:
      return outcomes.pipe(
        Stream.mapEffect((outcome) =>
          Result.isSuccess(outcome.result)
            ? Effect.succeed(outcome.result.success)
            : Effect.fail(outcome.result.failure)
        )
      )
  }
}

/**
 * The filter and sort of a list that answered ids, applied on the client with list mode's semantics.
 * In `"collect"` mode they apply to the successes; failures are kept, after the sorted successes.
 */
const refine = (items: Items, options: AnyOptions | undefined): Items => {
  const filter = options?.filter !== undefined && options.filter.length > 0 ? options.filter : undefined
  const sort = options?.sort
  if (filter === undefined && sort === undefined) return items
  const collect = options?.errors === "collect"
  const valueOf = collect
    ? (element: unknown) => {
      const result = (element as Outcome<unknown, unknown, unknown>).result
      return Result.isSuccess(result) ? result.success : undefined
    }
    : (element: unknown) => element
  const kept = filter === undefined
    ? items
    : items.pipe(Stream.filter((element) => {
      const value = valueOf(element)
      return (collect && value === undefined) || ListMode.matches(value, filter)
    }))
  if (sort === undefined) return kept
  const order = ListMode.comparator(sort)
  return Stream.unwrap(Effect.map(
    Stream.runCollect(kept),
    (all) => Stream.fromIterable([...all].sort((a, b) => order(valueOf(a), valueOf(b))))
  ))
}

const request = (listed: OvhClient.Request, headers: Record<string, string>): OvhClient.Request => ({
  ...listed,
  headers: { ...listed.headers, ...headers }
})

interface PageState {
  readonly page: ListMode.PageRequest
  /** The answer to `page`, when it is already there (the first page, read to tell objects from ids). */
  readonly answered?: { readonly items: ReadonlyArray<unknown>; readonly total: number | undefined } | undefined
  /** The first item of the page before, as JSON: a server that ignores the page number sends it again. */
  readonly previousFirst?: string | undefined
}

/** One page in list mode: its objects and the total, or `InvalidResponse` when it is not objects. */
const fetchPage = (client: OvhClient.Service, listed: OvhClient.Request, page: ListMode.PageRequest) =>
  Effect.flatMap(client.send<unknown>(request(listed, ListMode.pageHeaders(page))), (reply) => {
    const answer = ListMode.classify(reply.body)
    if (answer._tag === "Objects") {
      return Effect.succeed({ items: answer.items, total: ListMode.totalOf(reply.headers) })
    }
    // a page past the first answering `[]` is an empty last page, not ids
    if (answer._tag === "Ids" && answer.ids.length === 0) return Effect.succeed({ items: [], total: undefined })
    const detail = answer._tag === "Ids"
      ? `page ${page.page} of the list answered ids, not objects`
      : `page ${page.page} of the list: ${answer.reason}`
    return Effect.fail(invalidResponse(listed.path, detail, reply))
  })

/** Whole objects, page by page: each page after the first is asked for when the stream pulls past the one before. */
const pages = (client: OvhClient.Service, listed: OvhClient.Request, first: PageState): Items =>
  Stream.paginate(first, (state: PageState) =>
    Effect.flatMap(
      state.answered !== undefined ? Effect.succeed(state.answered) : fetchPage(client, listed, state.page),
      ({ items, total }) => {
        const firstItem = items.length > 0 ? JSON.stringify(items[0]) : undefined
        // without this, a server that answers every page number with the first page would be read forever
        if (firstItem !== undefined && firstItem === state.previousFirst) {
          return Effect.fail(invalidResponse(
            listed.path,
            `page ${state.page.page} of the list repeats the page before it: the server does not page this list`
          ))
        }
        return Effect.succeed(
          [
            items,
            ListMode.hasNextPage(state.page, items.length, total)
              ? Option.some<PageState>({ page: { ...state.page, page: state.page.page + 1 }, previousFirst: firstItem })
              : Option.none<PageState>()
          ] as const
        )
      }
    ))

/** Objects that came whole, in the caller's error mode: in `"collect"` mode, each a success named by `key`. */
const wholeInMode = (items: Items, path: string, options: AnyOptions | undefined): Items => {
  if (options?.errors !== "collect") return items
  const key = options.key ?? defaultKey(path)
  return items.pipe(Stream.map((item) => ({ id: key(item), result: Result.succeed(item) })))
}

/** The outcomes of a batch of ids: one `X-Ovh-Batch` GET, each element matched to its id. */
const fetchBatch = (
  client: OvhClient.Service,
  run: Setup,
  ids: ReadonlyArray<unknown>,
  query: OvhClient.Query | undefined
) => {
  // one id (an id holding a comma, or a last chunk of one) is an ordinary GET
  if (ids.length === 1) {
    const id = ids[0]
    return Effect.map(Effect.result(run.fetch(id)), (result) => [{ id, result }])
  }
  const keys = ids.map(String)
  const path = `${run.base}/${keys.map((key) => encodeURIComponent(key)).join(",")}`
  const sent: OvhClient.Request = {
    method: "GET",
    path,
    headers: { [ListMode.batchHeader]: "," },
    ...(query !== undefined ? { query } : {})
  }
  return Effect.map(
    Effect.result(client.send<unknown>(sent)),
    (answer): Array<Outcome<unknown, unknown, OvhError.OvhError>> => {
      if (Result.isFailure(answer)) return ids.map((id) => ({ id, result: Result.fail(answer.failure) }))
      const reply = answer.success
      const elements = ListMode.readBatch(reply.body, keys)
      if (typeof elements === "string") {
        const error = invalidResponse(path, elements, reply)
        return ids.map((id) => ({ id, result: Result.fail(error) }))
      }
      const byKey = new Map(elements.map((element) => [element.key, element]))
      return ids.map((id, i) => {
        const element = byKey.get(keys[i]!)
        const itemPath = run.itemPath(id)
        if (element === undefined) {
          return {
            id,
            result: Result.fail(invalidResponse(path, `the batch answer has no element for ${keys[i]}`, reply))
          }
        }
        if (element._tag === "Found") return { id, result: Result.succeed(element.value) }
        return {
          id,
          result: Result.fail(
            new OvhError.ApiError({
              status: reply.status,
              method: "GET",
              path: itemPath,
              message: element.message,
              ...(reply.queryId !== undefined ? { queryId: reply.queryId } : {})
            })
          )
        }
      })
    }
  )
}

/** Ids in chunks of `size`, an id holding the separator alone. */
const chunksOf = (ids: ReadonlyArray<unknown>, size: number): Array<ReadonlyArray<unknown>> => {
  const chunks: Array<ReadonlyArray<unknown>> = []
  let current: Array<unknown> = []
  for (const id of ids) {
    if (String(id).includes(",")) {
      chunks.push([id])
      continue
    }
    current.push(id)
    if (current.length === size) {
      chunks.push(current)
      current = []
    }
  }
  if (current.length > 0) chunks.push(current)
  return chunks
}

/** The ids of a plain list answer, or `InvalidResponse`. */
const idsOf = (reply: OvhClient.Reply, path: string) => {
  const answer = ListMode.classify(reply.body)
  if (answer._tag === "Ids") return Effect.succeed(answer.ids)
  const detail = answer._tag === "Objects" ? "the list answered objects where ids were expected" : answer.reason
  return Effect.fail(invalidResponse(path, detail, reply))
}

const run = (client: OvhClient.Service, path: string, options: AnyOptions | undefined): Items => {
  const problem = problemOf(path, options)
  if (problem !== undefined) {
    return Stream.fail(
      new OvhError.BadParameters({ status: 0, method: "GET", path, message: `FanOut.getAll ${path}: ${problem}` })
    )
  }
  const strategy = options?.strategy ?? "auto"
  const setupOf = setup(path, options, client)
  const { listed } = setupOf
  if (listed instanceof OvhError.BadParameters) return Stream.fail(listed)
  const byIds = (ids: ReadonlyArray<unknown>) => Stream.fromIterable(ids).pipe(Stream.map(setupOf.idOf))
  const oneByOne = (ids: Stream.Stream<unknown, Pagination.PaginationError, OvhClient.OvhClient>) =>
    refine(fanOut(ids, setupOf.fetch, options), options)

  // a v2 list, paged by cursor, then one GET per element
  if (isV2(path)) {
    const ids = Pagination.streamOf<unknown>(path, {
      params: options?.params,
      query: options?.query,
      pageSize: options?.pageSize
    }).pipe(Stream.map(setupOf.idOf))
    return oneByOne(ids)
  }
  // the ids of a plain list request; anything else is InvalidResponse
  const plainIds = Effect.flatMap(client.send<unknown>(listed), (reply) => idsOf(reply, listed.path))
  if (strategy === "each") return Stream.unwrap(Effect.map(plainIds, (ids) => oneByOne(byIds(ids))))
  if (strategy === "batch") {
    const size = options?.batchSize ?? ListMode.defaultBatchSize
    const { concurrency, unordered } = settings(options)
    return Stream.unwrap(
      Effect.map(plainIds, (ids) =>
        refine(
          inMode(
            Stream.fromIterable(chunksOf(ids.map(setupOf.idOf), size)).pipe(
              Stream.mapEffect((chunk) => fetchBatch(client, setupOf, chunk, options?.itemQuery), {
                concurrency,
                unordered
              }),
              Stream.flattenIterable
            ),
            options
          ),
          options
        ))
    )
  }
  // "auto" and "expand": one request in list mode tells objects from ids
  const first: ListMode.PageRequest = {
    page: 1,
    pageSize: options?.pageSize ?? ListMode.defaultPageSize,
    filter: options?.filter,
    sort: options?.sort
  }
  return Stream.unwrap(Effect.flatMap(client.send<unknown>(request(listed, ListMode.pageHeaders(first))), (reply) => {
    const answer = ListMode.classify(reply.body)
    switch (answer._tag) {
      case "Objects":
        return Effect.succeed(
          wholeInMode(
            pages(client, listed, {
              page: first,
              answered: { items: answer.items, total: ListMode.totalOf(reply.headers) }
            }),
            path,
            options
          )
        )
      case "Ids":
        if (answer.ids.length === 0) return Effect.succeed(Stream.empty as Items)
        if (strategy === "expand") {
          return Effect.fail(
            invalidResponse(listed.path, "the list answered ids: this route has no list mode (strategy expand)", reply)
          )
        }
        // the route ignored list mode: its ids are the list, fetched one by one
        return Effect.succeed(oneByOne(byIds(answer.ids)))
      case "Invalid":
        return Effect.fail(invalidResponse(listed.path, answer.reason, reply))
    }
  }))
}

/** The options argument of {@link getAll}: required when the list's template has path parameters. */
export type Args<L extends Api.ListPath, O> = Pagination.Args<L, O>

/**
 * Streams the whole items of the list `path`, the fastest way the route allows (see {@link Strategy}):
 * by default one list request in list mode, then pages of objects when the route has list mode, or
 * `GET <path>/<id>` for each id, `concurrency` (default 8) at a time, when it answered ids. `filter`,
 * `sort` and `pageSize` go to the API in list mode and are applied here otherwise, with the same
 * meaning, so the result does not depend on the route. The path is a list template of the API
 * descriptions whose items have their own route; its parameters go in `params`, and the items have
 * the type of that route's answer. An answer that is neither ids nor objects is `InvalidResponse`.
 *
 * @example
 * FanOut.getAll("/me/bill", { errors: "skip" }).pipe(Stream.runForEach((bill) => Console.log(bill.billId)))
 * FanOut.getAll("/me/bill", { filter: [{ field: "priceWithTax.value", op: "ge", value: 100 }], sort: { field: "date" } })
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
  given?: object
): Stream.Stream<unknown, Pagination.PaginationError, OvhClient.OvhClient> {
  const options = given as AnyOptions | undefined
  const invalid = badConcurrency(settings(options).concurrency)
  if (invalid !== undefined) return invalid
  return Stream.unwrap(Effect.map(Effect.service(OvhClient.OvhClient), (client) => run(client, path, options)))
}
