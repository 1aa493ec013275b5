/**
 * The API's list modes, as OVHcloud's own control panel uses them on v1 list routes: whole objects a
 * page at a time (`X-Pagination-Mode: CachedObjectList-Pages`), filtered and sorted by the server, and
 * several items in one GET (`X-Ovh-Batch`). This module holds their wire format and their semantics,
 * so that the client, which asks for them, and the fake API, which answers them, agree; and so that a
 * route answering plain ids can be filtered and sorted on the client with the same meaning.
 *
 * Evidence (these modes are what the control panel sends, not a documented contract of the API):
 * - ovh-ux/ng-ovh-api-wrappers, src/iceberg/request-upgrader.service.js: the request headers
 *   `X-Pagination-Mode`, `X-Pagination-Number` (sent only past the first page), `X-Pagination-Size`,
 *   `X-Pagination-Filter` (`field:comparator=v1,v2` terms, values percent-encoded, joined by `&`),
 *   `X-Pagination-Sort` and `X-Pagination-Sort-Order`; the manager reads `x-pagination-elements`.
 * - ovh-ux/ovh-api-services (`getBatch`: a GET with `X-Ovh-Batch: ,`, the ids joined by commas in the
 *   last path segment) and the manager code that chunks ids by 50 and reads each element's `value`.
 *
 * @since 0.2.0
 */

/** The request header that asks for whole objects. */
export const modeHeader = "X-Pagination-Mode"
/** The list mode of whole objects, page by page. */
export const pagesMode = "CachedObjectList-Pages"
/** The page asked for, counted from 1. */
export const numberHeader = "X-Pagination-Number"
/** Items per page. */
export const sizeHeader = "X-Pagination-Size"
/** The total number of items, in the answer. */
export const elementsHeader = "X-Pagination-Elements"
/** The filter terms. */
export const filterHeader = "X-Pagination-Filter"
/** The field to sort on. */
export const sortHeader = "X-Pagination-Sort"
/** `ASC` or `DESC`. */
export const sortOrderHeader = "X-Pagination-Sort-Order"
/** The header that asks for several items in one GET; its value is the separator of the ids. */
export const batchHeader = "X-Ovh-Batch"
/** Ids per batch GET, as the control panel chunks them. */
export const defaultBatchSize = 50
/**
 * Items per page when the caller gives no size. The control panel asks for pages of 5,000 (purchase
 * orders) and 50,000 (AI notebooks, database namespaces); 1,000 keeps a page of bills near 1 MB while
 * 10,000 of them take 10 requests. The API's own cap on `X-Pagination-Size` is not documented.
 */
export const defaultPageSize = 1000

/** A comparison of a filter term. `like` takes `%` as a wildcard. */
export type Operator = "eq" | "nq" | "gt" | "ge" | "lt" | "le" | "like"

/** The operators, for checking input. */
export const operators: ReadonlyArray<Operator> = ["eq", "nq", "gt", "ge", "lt", "le", "like"]

/** A value a filter compares with. */
export type FilterValue = string | number

/**
 * One filter term: `field` may be dotted (`priceWithTax.value`). Several values mean any of them
 * (for `nq`: none of them).
 */
export interface Filter {
  readonly field: string
  readonly op: Operator
  readonly value: FilterValue | ReadonlyArray<FilterValue>
}

/** A sort on one field, ascending unless `order` is `DESC`. */
export interface Sort {
  readonly field: string
  readonly order?: "ASC" | "DESC" | undefined
}

const valuesOf = (filter: Filter): ReadonlyArray<FilterValue> =>
  Array.isArray(filter.value) ? filter.value : [filter.value as FilterValue]

/** The first problem of a filter or sort given by a caller, as a sentence; `undefined` when they are fine. */
export const check = (
  filter: ReadonlyArray<Filter> | undefined,
  sort: Sort | undefined
): string | undefined => {
  for (const term of filter ?? []) {
    if (typeof term.field !== "string" || term.field === "") return "a filter term has no field"
    if (!operators.includes(term.op)) {
      return `the filter on ${term.field} has the operator ${String(term.op)}; expected one of ${operators.join(", ")}`
    }
    const values = valuesOf(term)
    if (values.length === 0) return `the filter on ${term.field} has no value`
    for (const value of values) {
      if (typeof value !== "string" && (typeof value !== "number" || !Number.isFinite(value))) {
        return `the filter on ${term.field} has the value ${String(value)}; expected strings or finite numbers`
      }
    }
  }
  if (sort !== undefined) {
    if (typeof sort.field !== "string" || sort.field === "") return "the sort has no field"
    if (sort.order !== undefined && sort.order !== "ASC" && sort.order !== "DESC") {
      return `the sort order is ${String(sort.order)}; expected ASC or DESC`
    }
  }
  return undefined
}

/** The `X-Pagination-Filter` value of filter terms. */
export const encodeFilter = (filter: ReadonlyArray<Filter>): string =>
  filter.map((term) => `${term.field}:${term.op}=${valuesOf(term).map((v) => encodeURIComponent(String(v))).join(",")}`)
    .join("&")

/** The filter terms of an `X-Pagination-Filter` value; `undefined` when it is malformed. */
export const decodeFilter = (header: string): ReadonlyArray<Filter> | undefined => {
  const terms: Array<Filter> = []
  for (const part of header.split("&")) {
    const match = /^([^:=]+):([a-z]+)=(.*)$/.exec(part)
    if (match === null || !operators.includes(match[2] as Operator)) return undefined
    try {
      const values = match[3]!.split(",").map(decodeURIComponent)
      terms.push({ field: match[1]!, op: match[2] as Operator, value: values.length === 1 ? values[0]! : values })
    } catch {
      return undefined
    }
  }
  return terms
}

/** What a list request in list mode asks for. */
export interface PageRequest {
  /** The page, counted from 1. */
  readonly page: number
  readonly pageSize: number
  readonly filter?: ReadonlyArray<Filter> | undefined
  readonly sort?: Sort | undefined
}

/** The request headers of one page in list mode. */
export const pageHeaders = (request: PageRequest): Record<string, string> => {
  const headers: Record<string, string> = {
    [modeHeader]: pagesMode,
    [sizeHeader]: String(request.pageSize)
  }
  // as the control panel does: the first page goes without a number
  if (request.page > 1) headers[numberHeader] = String(request.page)
  if (request.filter !== undefined && request.filter.length > 0) headers[filterHeader] = encodeFilter(request.filter)
  if (request.sort !== undefined) {
    headers[sortHeader] = request.sort.field
    headers[sortOrderHeader] = request.sort.order ?? "ASC"
  }
  return headers
}

/**
 * What a request asks for when it is in list mode (`X-Pagination-Mode: CachedObjectList-Pages`):
 * `undefined` when it is not, a sentence when a header is malformed. Header names are lower case, as
 * HTTP servers read them; a missing size is `defaultSize`.
 */
export const readPageRequest = (
  headers: Readonly<Record<string, string>>,
  defaultSize: number = defaultPageSize
): PageRequest | string | undefined => {
  const header = (name: string) => headers[name.toLowerCase()]?.trim()
  if (header(modeHeader) !== pagesMode) return undefined
  const positive = (name: string, fallback: number): number | string => {
    const value = header(name)
    if (value === undefined || value === "") return fallback
    return /^[1-9]\d{0,8}$/.test(value)
      ? Number(value)
      : `${name} is ${JSON.stringify(value)}; expected a positive integer`
  }
  const page = positive(numberHeader, 1)
  if (typeof page === "string") return page
  const pageSize = positive(sizeHeader, defaultSize)
  if (typeof pageSize === "string") return pageSize
  const filterText = header(filterHeader)
  const filter = filterText === undefined || filterText === "" ? undefined : decodeFilter(filterText)
  if (filterText !== undefined && filterText !== "" && filter === undefined) {
    return `${filterHeader} is ${JSON.stringify(filterText)}; expected field:op=value terms joined by &`
  }
  const field = header(sortHeader)
  const order = header(sortOrderHeader)?.toUpperCase()
  if (order !== undefined && order !== "ASC" && order !== "DESC") {
    return `${sortOrderHeader} is ${JSON.stringify(order)}; expected ASC or DESC`
  }
  const sort: Sort | undefined = field === undefined || field === "" ? undefined : { field, order: order ?? "ASC" }
  const request: PageRequest = { page, pageSize, filter, sort }
  const problem = check(filter, sort)
  return problem ?? request
}

/** `X-Pagination-Elements` of an answer (header names in lower case), when it is a count. */
export const totalOf = (headers: Readonly<Record<string, string>>): number | undefined => {
  const value = headers[elementsHeader.toLowerCase()]?.trim()
  return value !== undefined && /^\d+$/.test(value) ? Number(value) : undefined
}

/**
 * Whether a page is followed by another: the total says so when the answer carries it; without it,
 * a full page may be followed by more and a short or empty one is the last.
 */
export const hasNextPage = (request: PageRequest, received: number, total: number | undefined): boolean =>
  received > 0 && (total !== undefined ? request.page * request.pageSize < total : received >= request.pageSize)

/**
 * The page a list-mode request selects from the whole list: the items that pass the filter, in the
 * sort's order (list order for ties and without a sort), cut into pages; `total` counts the items that
 * pass the filter. What the fake answers, and what the client does with a route that answered ids.
 */
export const select = <A>(
  items: ReadonlyArray<A>,
  request: PageRequest
): { readonly items: ReadonlyArray<A>; readonly total: number } => {
  const kept = refine(items, request.filter, request.sort)
  const start = (request.page - 1) * request.pageSize
  return { items: kept.slice(start, start + request.pageSize), total: kept.length }
}

/** The items that pass `filter`, sorted by `sort` (a stable sort: ties keep their order). */
export const refine = <A>(
  items: ReadonlyArray<A>,
  filter: ReadonlyArray<Filter> | undefined,
  sort: Sort | undefined
): Array<A> => {
  const kept = filter === undefined || filter.length === 0 ? [...items] : items.filter((item) => matches(item, filter))
  return sort === undefined ? kept : kept.sort(comparator(sort))
}

/** The value at a dotted path of an item (`priceWithTax.value`), or `undefined`. */
export const fieldOf = (item: unknown, field: string): unknown => {
  let value: unknown = item
  for (const key of field.split(".")) {
    if (typeof value !== "object" || value === null) return undefined
    value = (value as Record<string, unknown>)[key]
  }
  return value
}

const isNumeric = (value: unknown): boolean =>
  typeof value === "number" || (typeof value === "string" && value.trim() !== "" && Number.isFinite(Number(value)))

// Numbers compare as numbers when both sides are numeric; everything else as text (ISO dates sort as text).
const compareValues = (a: unknown, b: unknown): number => {
  if (isNumeric(a) && isNumeric(b)) return Number(a) - Number(b)
  const x = String(a)
  const y = String(b)
  return x < y ? -1 : x > y ? 1 : 0
}

const likePattern = (pattern: string): RegExp =>
  new RegExp("^" + pattern.split("%").map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$", "s")

const termMatches = (item: unknown, term: Filter): boolean => {
  const actual = fieldOf(item, term.field)
  const values = valuesOf(term)
  if (actual === undefined || actual === null) return term.op === "nq"
  switch (term.op) {
    case "eq":
      return values.some((v) => compareValues(actual, v) === 0)
    case "nq":
      return values.every((v) => compareValues(actual, v) !== 0)
    case "gt":
      return values.some((v) => compareValues(actual, v) > 0)
    case "ge":
      return values.some((v) => compareValues(actual, v) >= 0)
    case "lt":
      return values.some((v) => compareValues(actual, v) < 0)
    case "le":
      return values.some((v) => compareValues(actual, v) <= 0)
    case "like":
      return values.some((v) => likePattern(String(v)).test(String(actual)))
  }
}

/** Whether an item passes every filter term. */
export const matches = (item: unknown, filter: ReadonlyArray<Filter> | undefined): boolean =>
  filter === undefined || filter.every((term) => termMatches(item, term))

/** An order of items for `Array.prototype.sort`; items without the field come last. */
export const comparator = (sort: Sort) => (a: unknown, b: unknown): number => {
  const x = fieldOf(a, sort.field)
  const y = fieldOf(b, sort.field)
  if (x === undefined || x === null) return y === undefined || y === null ? 0 : 1
  if (y === undefined || y === null) return -1
  return sort.order === "DESC" ? compareValues(y, x) : compareValues(x, y)
}

/** What a list route answered: ids (its plain answer), whole objects (list mode), or neither. */
export type ListAnswer =
  | { readonly _tag: "Ids"; readonly ids: ReadonlyArray<string | number> }
  | { readonly _tag: "Objects"; readonly items: ReadonlyArray<Record<string, unknown>> }
  | { readonly _tag: "Invalid"; readonly reason: string }

/** Reads a list route's answer. An empty list is ids: nothing tells them apart, and nothing is lost. */
export const classify = (body: unknown): ListAnswer => {
  if (!Array.isArray(body)) return { _tag: "Invalid", reason: `expected a JSON array, got ${describe(body)}` }
  if (body.every((item) => typeof item === "string" || (typeof item === "number" && Number.isFinite(item)))) {
    return { _tag: "Ids", ids: body }
  }
  if (body.every((item) => typeof item === "object" && item !== null && !Array.isArray(item))) {
    return { _tag: "Objects", items: body }
  }
  const odd = body.find((item) => typeof item !== "object" || item === null || Array.isArray(item))
  return { _tag: "Invalid", reason: `expected ids or objects, got a mix (${describe(odd)} among them)` }
}

/** One element of a batch answer: the item of an id, or why there is none. */
export type BatchElement =
  | { readonly _tag: "Found"; readonly key: string; readonly value: unknown }
  | { readonly _tag: "Failed"; readonly key: string; readonly message: string }

/**
 * Reads a batch answer: an array with one element per id, the item in `value` (what the control
 * panel reads), an id that does not exist with an `error` instead. The `key` of each element and the
 * exact shape of `error` are not documented anywhere we found: elements are matched to ids by `key`
 * when present, else by position.
 */
export const readBatch = (body: unknown, ids: ReadonlyArray<string>): ReadonlyArray<BatchElement> | string => {
  if (!Array.isArray(body)) return `expected a JSON array for a batch of ${ids.length} ids, got ${describe(body)}`
  const out: Array<BatchElement> = []
  for (let i = 0; i < body.length; i++) {
    const element: unknown = body[i]
    if (typeof element !== "object" || element === null) return `batch element ${i} is ${describe(element)}`
    const record = element as Record<string, unknown>
    const key = record["key"] !== undefined ? String(record["key"]) : ids[i]
    if (key === undefined) return `batch element ${i} has no key and there are only ${ids.length} ids`
    if (record["error"] !== undefined && record["error"] !== null) {
      const error = record["error"]
      const message = typeof error === "string"
        ? error
        : typeof error === "object" && typeof (error as Record<string, unknown>)["message"] === "string"
        ? (error as Record<string, string>)["message"]!
        : JSON.stringify(error)
      out.push({ _tag: "Failed", key, message })
    } else if ("value" in record) {
      out.push({ _tag: "Found", key, value: record["value"] })
    } else {
      return `batch element ${i} has neither value nor error`
    }
  }
  return out
}

const describe = (value: unknown): string =>
  value === null ? "null" : Array.isArray(value) ? "an array" : typeof value === "object" ? "an object" : typeof value
