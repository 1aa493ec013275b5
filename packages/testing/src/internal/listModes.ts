/**
 * The fake's side of the API's list modes: whole objects a page at a time
 * (`X-Pagination-Mode: CachedObjectList-Pages`, with `X-Pagination-Elements`), filtered and sorted, and
 * several items in one GET (`X-Ovh-Batch`). The wire format and the semantics are `ListMode`'s, the
 * client's own, so the two cannot drift apart; the evidence for them is in that module's header.
 *
 * Which routes have list mode. OVHcloud documents none; the control panel's code sends it on the list
 * routes below (each with where it was seen). The fake answers objects on those and ids on every other
 * route, which is a guess: the API may well honour the header on more routes, but nothing we found
 * shows which, and a route that ignores it answers ids as usual (what the client falls back on).
 *
 * Batch GETs are answered on the item route of every collection: the control panel's resources declare
 * `getBatch` on many unrelated item routes (telephony, SMS, debt operations...), which suggests a
 * feature of the API's engine rather than of a few routes; that it holds everywhere is a guess. Each
 * element is what a GET of that one item answers, parameter checks included: `{ key, value }`, or
 * `{ key, error }` with the error's message. The element shape beyond `value` is a guess (see
 * `ListMode.readBatch`). Route handlers and scripted faults apply to the request as sent (the list, or
 * the batch path), not to each element.
 */
import * as ListMode from "@effect-ovh/core/ListMode"
import type * as Reply from "./reply.ts"

/**
 * The v1 list templates the fake answers in list mode, with where the control panel was seen asking
 * for it (ovh-ux/manager and ovh-ux/ovh-api-services, `iceberg(...).expand('CachedObjectList-Pages')` or
 * the raw header). Only those whose items have their own route answer objects.
 */
export const routes: ReadonlyMap<string, string> = new Map([
  ["/me/bill", "billing dashboard: the last bill, sorted by date DESC, limit 1; bills filtered by orderId"],
  ["/me/billing/purchaseOrder", "purchase orders, sorted by reference, limit 5000"],
  ["/me/payment/method", "payment methods (raw x-pagination-mode header)"],
  ["/dedicated/server", "dedicated servers list: pages, filters, sort by name"],
  ["/telephony", "telephony billing accounts"],
  ["/telephony/{billingAccount}/historyConsumption", "telephony consumption history"],
  ["/dbaas/logs/{serviceName}/token", "Logs Data Platform tokens"],
  ["/cloud/project", "Public Cloud projects (raw x-pagination-mode header)"],
  ["/cloud/project/{serviceName}/credit", "Public Cloud credits (raw x-pagination-mode header)"],
  ["/cloud/project/{serviceName}/ai/notebook", "AI notebooks, X-Pagination-Size 50000"],
  ["/sms/{serviceName}/outgoing", "outgoing SMS, limit 50000"],
  ["/storage/netapp", "NetApp storage (ovhcloud-cli sends the header)"]
])

/** A GET as the engine sees it. */
export interface Request {
  readonly method: string
  /** Decoded, without the version prefix. */
  readonly path: string
  /** The route's template. */
  readonly template: string
  /** Header names in lower case. */
  readonly headers: Readonly<Record<string, string>>
}

/** What the engine lends: the collections, and its own answer to a plain GET. */
export interface Sources {
  /** The collection `p` is (its member template and parameter), when its GET lists ids of members. */
  readonly collectionAt: (p: string) => { readonly param: string } | undefined
  /** What a plain GET of `p` answers (`query` for the list itself; none for an item). */
  readonly get: (p: string, withQuery: boolean) => Reply.Reply
}

/** Whether a request is a batch GET. */
export const isBatch = (request: Pick<Request, "method" | "headers">): boolean =>
  request.method === "GET" && request.headers[ListMode.batchHeader.toLowerCase()] !== undefined

const parentOf = (p: string): string => p.slice(0, p.lastIndexOf("/")) || "/"
const lastOf = (p: string): string => p.slice(p.lastIndexOf("/") + 1)

const badRequest = (message: string): Reply.Reply => ({
  status: 400,
  body: {
    class: "Client::BadRequest",
    errorCode: "INVALID_PAGINATION",
    httpCode: "400 Bad Request",
    // a guess: the API's wording for a malformed pagination header is not known
    message
  }
})

const errorMessage = (reply: Reply.Reply): string => {
  const body = reply.body
  return typeof body === "object" && body !== null && typeof (body as { message?: unknown }).message === "string"
    ? (body as { message: string }).message
    : `HTTP ${reply.status}`
}

/** `X-Ovh-Batch`: the last segment split on the separator, each id answered as its own GET would be. */
const batch = (request: Request, separator: string, sources: Sources): Reply.Reply | undefined => {
  const parent = parentOf(request.path)
  if (separator === "" || sources.collectionAt(parent) === undefined) return undefined
  const elements = lastOf(request.path).split(separator).map((key) => {
    const reply = sources.get(`${parent}/${key}`, false)
    return reply.status >= 200 && reply.status < 300 ? { key, value: reply.body } : { key, error: errorMessage(reply) }
  })
  return { status: 200, body: elements }
}

/** List mode on a list route: the page of whole objects, `X-Pagination-Elements` the filtered total. */
const pages = (request: Request, sources: Sources): Reply.Reply | undefined => {
  const page = ListMode.readPageRequest(request.headers)
  if (page === undefined || !routes.has(request.template) || sources.collectionAt(request.path) === undefined) {
    return undefined
  }
  if (typeof page === "string") return badRequest(page)
  const list = sources.get(request.path, true)
  if (list.status !== 200 || !Array.isArray(list.body)) return list
  const ids = list.body as ReadonlyArray<string | number>
  const itemOf = (id: string | number): unknown => {
    const reply = sources.get(`${request.path}/${String(id).replace(/\//g, "%2F")}`, false)
    return reply.status === 200 ? reply.body : undefined
  }
  const whole = (some: ReadonlyArray<string | number>) =>
    some.map(itemOf).filter((item): item is object => typeof item === "object" && item !== null)
  // Without a filter or a sort, only the page's items are read.
  const selected = (page.filter === undefined || page.filter.length === 0) && page.sort === undefined
    ? (() => {
      const start = (page.page - 1) * page.pageSize
      return { items: whole(ids.slice(start, start + page.pageSize)), total: ids.length }
    })()
    : ListMode.select(whole(ids), page)
  return {
    status: 200,
    body: selected.items,
    headers: { [ListMode.elementsHeader.toLowerCase()]: String(selected.total) }
  }
}

/**
 * The answer to a v1 GET in a list mode, or `undefined` when it is not one (or the route has none):
 * the engine then answers as usual, with ids on a list route.
 */
export const answer = (request: Request, sources: Sources): Reply.Reply | undefined => {
  if (request.method !== "GET") return undefined
  const separator = request.headers[ListMode.batchHeader.toLowerCase()]
  if (separator !== undefined) return batch(request, separator, sources)
  return pages(request, sources)
}
