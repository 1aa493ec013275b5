/**
 * Type-level tests of the typed list streams, checked by `tsc -b` (never run): `Pagination` and
 * `FanOut.getAll` take path templates of the API descriptions, their parameters in `params`.
 */
import type { Api, OvhError } from "@effect-ovh/core"
import { FanOut, Pagination } from "@effect-ovh/core"
import type { Stream } from "effect"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const expect = <T extends true>(_: T): void => undefined
type Items<S> = S extends Stream.Stream<infer A, infer _E, infer _R> ? A : never

// A v1 list: its items are the ids it answers; a v2 list: the objects.
const billIds = Pagination.stream("/me/bill")
expect<Equal<Items<typeof billIds>, string>>(true)
const policies = Pagination.stream("/v2/iam/policy", { pageSize: 50 })
expect<Equal<Items<typeof policies>, Api.V2.iam.policy.Response>>(true)
// Query parameters typed from the description.
Pagination.stream("/me/bill", { query: { "date.from": "2024-01-01" } })
// @ts-expect-error no such query parameter
Pagination.stream("/me/bill", { query: { nope: 1 } })
// @ts-expect-error no such path
Pagination.stream("/me/bills")
// A template's parameters are required, in `params`, with their types.
const redirections = Pagination.stream("/email/domain/{domain}/redirection", { params: { domain: "example.com" } })
expect<Equal<Items<typeof redirections>, string>>(true)
// @ts-expect-error `params` with `domain` is required
Pagination.stream("/email/domain/{domain}/redirection")
// @ts-expect-error `domain` is missing
Pagination.stream("/email/domain/{domain}/redirection", { params: {} })
// @ts-expect-error the contact id is a long
Pagination.pages("/me/contact/{contactId}", { params: { contactId: "12" } })
// A custom `items` gives the item type.
const counted = Pagination.stream("/me/bill", { items: (body) => [String(body)] })
expect<Equal<Items<typeof counted>, string>>(true)

// FanOut.getAll: items typed by the list's item route.
const bills = FanOut.getAll("/me/bill", { concurrency: 4 })
expect<Equal<Items<typeof bills>, Api.V1.billing.Bill>>(true)
expect<Equal<Api.ItemPath<"/me/bill">, "/me/bill/{billId}">>(true)
const redirected = FanOut.getAll("/email/domain/{domain}/redirection", { params: { domain: "example.com" } })
expect<Equal<Items<typeof redirected>, Api.Response<"GET", "/email/domain/{domain}/redirection/{id}">>>(true)
const collected = FanOut.getAll("/dedicated/server", { errors: "collect" })
expect<
  Equal<
    Items<typeof collected>,
    FanOut.Outcome<string, Api.Response<"GET", "/dedicated/server/{serviceName}">, OvhError.OvhError>
  >
>(true)
// @ts-expect-error `params` is required
FanOut.getAll("/email/domain/{domain}/redirection")
// @ts-expect-error `/me` is not a list with an item route
FanOut.getAll("/me")
// @ts-expect-error no such path
FanOut.getAll("/me/bills")
// Strategies, filters and sorts are checked.
const filtered = FanOut.getAll("/me/bill", {
  strategy: "batch",
  batchSize: 20,
  filter: [{ field: "priceWithTax.value", op: "ge", value: [10, "20"] }],
  sort: { field: "date", order: "DESC" }
})
expect<Equal<Items<typeof filtered>, Api.V1.billing.Bill>>(true)
// @ts-expect-error no such strategy
FanOut.getAll("/me/bill", { strategy: "all" })
// @ts-expect-error no such operator
FanOut.getAll("/me/bill", { filter: [{ field: "date", op: "between", value: "2026" }] })
