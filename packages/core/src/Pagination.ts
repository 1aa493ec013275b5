/**
 * Cursor pagination of API v2 lists as `Stream`s: a list is a stream of items (or of pages), fetched
 * one page at a time and only when the consumer pulls. Every page is an ordinary `OvhClient.send`, so it
 * is signed, timed out, retried and its failures mapped like any other call.
 *
 * Lists are named by path template, as in `Api`: `stream("/email/domain/{domain}/redirection", { params: { domain } })`
 * checks the path and its parameters at compile time and types the items from the API descriptions.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import * as Stream from "effect/Stream"
import type * as Api from "./Api.ts"
import * as OvhClient from "./OvhClient.ts"
import * as OvhError from "./OvhError.ts"

/** Request header carrying the page size. */
export const sizeHeader = "X-Pagination-Size"

/** Request header carrying the cursor of the page wanted. */
export const cursorHeader = "X-Pagination-Cursor"

/** Response header carrying the cursor of the next page; absent or empty on the last page. */
export const nextCursorHeader = "X-Pagination-Cursor-Next"

/** Response header carrying the total number of elements, when the API counts them. */
export const elementsHeader = "X-Pagination-Elements"

/** Page size used when none is given. */
export const defaultPageSize = 100

/** The API refused the cursor: forged, truncated, expired, or from another list. */
export class InvalidCursor extends Schema.TaggedError<InvalidCursor>()("InvalidCursor", {
  status: Schema.Int,
  message: Schema.String,
  method: Schema.String,
  path: Schema.String,
  /** The cursor that was sent. */
  cursor: Schema.optionalKey(Schema.String),
  errorCode: Schema.optionalKey(Schema.String),
  errorClass: Schema.optionalKey(Schema.String),
  queryId: Schema.optionalKey(Schema.String)
}) {}

/** Every failure of a paginated list. */
export type PaginationError = OvhError.OvhError | InvalidCursor

// The v2 schemas name several classes for a refused cursor (`Client::BadRequest::InvalidCursor`,
// `...::CredentialPaginationCursorInvalidValue`); any of them, or the code `INVALID_CURSOR`, means the same.
const CURSOR_CLASS = /(?:InvalidCursor|CursorInvalidValue)$/

/** Whether an error answer is the API refusing a pagination cursor. */
export const isInvalidCursor = (error: OvhError.OvhError): boolean =>
  (error._tag === "BadParameters" || error._tag === "ApiError") &&
  (error.errorCode === "INVALID_CURSOR" || (error.errorClass !== undefined && CURSOR_CLASS.test(error.errorClass)))

/** Options of a paginated list, whatever its path (see {@link PathOptions} for a typed one). */
export interface Options<A = unknown> {
  /** Elements per page, sent as `X-Pagination-Size`. Default {@link defaultPageSize}. */
  readonly pageSize?: number | undefined
  /** The path parameters: each `{name}` of the path takes `params[name]`, percent-encoded. */
  readonly params?: Readonly<Record<string, unknown>> | undefined
  /** Query parameters (filters) of every page request. */
  readonly query?: OvhClient.Query | undefined
  /** Extra headers of every page request. */
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Start from this cursor instead of the first page (a `next` kept from an earlier page). */
  readonly cursor?: string | undefined
  /** Timeout of each page request, instead of the client's. */
  readonly timeout?: OvhClient.CallOptions["timeout"]
  /**
   * The items of one page's body. Default: the body itself when it is an array, nothing for `null`, and
   * the body as the only item otherwise (the few v2 lists that answer a wrapper object).
   */
  readonly items?: ((body: unknown) => ReadonlyArray<A>) | undefined
}

/**
 * Options of the list at the path template `P`: its path parameters in `params` (required when the
 * template has some), its query parameters in `query`, both typed from the API descriptions.
 */
export type PathOptions<P extends Api.Path<"GET">, A = Api.Element<P>> =
  & Omit<Options<A>, "params" | "query">
  & { readonly query?: Api.QueryParams<P> | undefined }
  & Api.WithParams<P>

/** The options argument of a list at `P`: required when the template has path parameters. */
export type Args<P extends Api.Path<"GET">, O> = [Api.Placeholders<P>] extends [never] ? [options?: O] : [options: O]

/** One page of a list. */
export interface Page<A> {
  readonly items: ReadonlyArray<A>
  /** The cursor sent for this page; `undefined` for the first one. */
  readonly cursor: string | undefined
  /** The cursor of the next page; `undefined` on the last page. */
  readonly next: string | undefined
  /** `X-Pagination-Elements`: how many elements the whole list holds, when the API said. */
  readonly total: number | undefined
  /** `X-Ovh-QueryID` of the page's answer. */
  readonly queryId: string | undefined
}

const defaultItems = (body: unknown): ReadonlyArray<never> =>
  Array.isArray(body) ? body as Array<never> : body === null || body === undefined ? [] : [body as never]

const headerOf = (headers: Readonly<Record<string, string>>, name: string): string | undefined => {
  const value = headers[name.toLowerCase()]
  return value === undefined || value.trim() === "" ? undefined : value.trim()
}

const parseTotal = (value: string | undefined): number | undefined => {
  if (value === undefined || !/^\d+$/.test(value)) return undefined
  return Number(value)
}

const toInvalidCursor = (error: OvhError.OvhError, cursor: string | undefined): PaginationError =>
  isInvalidCursor(error) && (error._tag === "BadParameters" || error._tag === "ApiError")
    ? new InvalidCursor({
      status: error.status,
      message: error.message,
      method: error.method,
      path: error.path,
      ...(cursor !== undefined ? { cursor } : {}),
      ...(error.errorCode !== undefined ? { errorCode: error.errorCode } : {}),
      ...(error.errorClass !== undefined ? { errorClass: error.errorClass } : {}),
      ...(error.queryId !== undefined ? { queryId: error.queryId } : {})
    })
    : error

/**
 * Fetches one page of `path` with `client`: the page at `cursor`, or the first one.
 * The building block of {@link pages}; use it to resume a list by hand.
 */
export const fetchPage = <A = unknown>(
  client: OvhClient.Service,
  path: string,
  cursor: string | undefined,
  options?: Options<A>
): Effect.Effect<Page<A>, PaginationError> => {
  const size = options?.pageSize ?? defaultPageSize
  const headers: Record<string, string> = { ...options?.headers, [sizeHeader]: String(size) }
  if (cursor !== undefined) headers[cursorHeader] = cursor
  // The path template takes `params`, as a typed call's does; a missing one is a BadParameters, sent nowhere.
  const request = OvhClient.request("GET", path, { ...options?.query, ...options?.params }, {
    headers,
    timeout: options?.timeout
  })
  if (request instanceof OvhError.BadParameters) return Effect.fail(request)
  return client.send<unknown>(request).pipe(
    Effect.mapError((error) => toInvalidCursor(error, cursor)),
    Effect.map((reply): Page<A> => ({
      items: (options?.items ?? defaultItems)(reply.body) as ReadonlyArray<A>,
      cursor,
      next: headerOf(reply.headers, nextCursorHeader),
      total: parseTotal(headerOf(reply.headers, elementsHeader)),
      queryId: reply.queryId
    }))
  )
}

const invalidSize = (path: string, size: number) =>
  Effect.die(new RangeError(`${path}: page size must be a positive integer, got ${size}`))

/**
 * The pages of a list, in order, each fetched when the consumer pulls it. The stream ends after the
 * first page that comes back without a next cursor.
 */
export const pages = <P extends Api.Path<"GET">, A = Api.Element<P>>(
  path: P,
  ...[options]: Args<P, PathOptions<P, A>>
): Stream.Stream<Page<A>, PaginationError, OvhClient.OvhClient> => pagesOf<A>(path, options as Options<A> | undefined)

const pagesOf = <A>(
  path: string,
  options: Options<A> | undefined
): Stream.Stream<Page<A>, PaginationError, OvhClient.OvhClient> =>
  Stream.unwrap(Effect.gen(function*() {
    const size = options?.pageSize ?? defaultPageSize
    if (!Number.isInteger(size) || size < 1) return yield* invalidSize(path, size)
    const client = yield* Effect.service(OvhClient.OvhClient)
    return Stream.paginate(
      options?.cursor,
      (cursor: string | undefined) =>
        Effect.map(
          fetchPage<A>(client, path, cursor, options),
          (page) => [[page], page.next === undefined ? Option.none() : Option.some(page.next)] as const
        )
    )
  }))

/**
 * The items of a list, in order, one page at a time: taking 10 items of a 10,000-item list sends a
 * single request (with the default page size).
 */
export const stream = <P extends Api.Path<"GET">, A = Api.Element<P>>(
  path: P,
  ...[options]: Args<P, PathOptions<P, A>>
): Stream.Stream<A, PaginationError, OvhClient.OvhClient> => streamOf<A>(path, options as Options<A> | undefined)

/** The items of a list at any path, the template filled from `options.params`: `stream` without the types. */
export const streamOf = <A>(
  path: string,
  options: Options<A> | undefined
): Stream.Stream<A, PaginationError, OvhClient.OvhClient> =>
  pagesOf<A>(path, options).pipe(Stream.map((page) => page.items), Stream.flattenIterable)

/**
 * `X-Pagination-Elements` of a list, asking for a one-element page; `undefined` when the API does not
 * count this list.
 */
export const total = <P extends Api.Path<"GET">>(
  path: P,
  ...[options]: Args<P, Omit<PathOptions<P>, "pageSize" | "cursor" | "items">>
): Effect.Effect<number | undefined, PaginationError, OvhClient.OvhClient> =>
  Effect.flatMap(
    Effect.service(OvhClient.OvhClient),
    (client) =>
      Effect.map(
        fetchPage(client, path, undefined, { ...options as Options | undefined, pageSize: 1 }),
        (page) => page.total
      )
  )
