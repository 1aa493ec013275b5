/**
 * Type-level tests of the typed API, checked by `tsc -b` (never run): expected types and, on each
 * `@ts-expect-error` line, an expected compile error.
 */
import type { Api, TypedApi } from "@effect-ovh/core"
import type * as Me from "@effect-ovh/core/api/me"
import type * as Iam from "@effect-ovh/core/api/v2-iam"
import { Effect } from "effect"

type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
const expect = <T extends true>(_: T): void => undefined
declare const api: Api.Service
type Success<E> = E extends Effect.Effect<infer A, infer _E, infer _R> ? A : never

// A GET with a path parameter has the response model's type.
const bill = api.get("/me/bill/{billId}", { billId: "FR123" })
expect<Equal<Success<typeof bill>, Api.V1.billing.Bill>>(true)
expect<Equal<Api.Response<"GET", "/me/bill/{billId}">, Api.V1.billing.Bill>>(true)

// Lists of ids, with optional query filters.
const bills = api.get("/me/bill", { "date.from": "2024-01-01" })
expect<Equal<Success<typeof bills>, ReadonlyArray<string>>>(true)
api.get("/me/bill")

// Enums are literal unions, long numbers, datetime strings, nullable properties `| null`.
declare const b: Api.V1.billing.Bill
expect<Equal<typeof b.date, string>>(true)
expect<Equal<typeof b.priceWithTax.value, number>>(true)
expect<Equal<Api.V1.order.CurrencyCodeEnum extends string ? true : false, true>>(true)
declare const me: Api.V1.nichandle.Nichandle
expect<Equal<"EUR" extends typeof me.currency.code ? true : false, true>>(true)

// Generics: complexType.UnitAndValue<double>.
declare const uv: Api.V1.complexType.UnitAndValue<number>
expect<Equal<typeof uv.value, number>>(true)

// A POST with named body fields: path and body parameters in one object.
api.post("/email/domain/{domain}/redirection", {
  domain: "example.com",
  from: "a@example.com",
  to: "b@example.net",
  localCopy: false
})
api.post("/email/domain/{domain}/redirection", {
  domain: "example.com",
  from: "a@example.com",
  to: "b@example.net",
  // @ts-expect-error the body field `localCopy` is a boolean
  localCopy: "no"
})
// @ts-expect-error `to` is required
api.post("/email/domain/{domain}/redirection", { domain: "example.com", from: "a@example.com", localCopy: false })

// An unknown path.
// @ts-expect-error no such path
api.get("/me/bills/{billId}", { billId: "x" })
// Inside a program, an unknown path is reported on the path alone (not as a "too complex" union of every response).
export const program = Effect.gen(function*() {
  // @ts-expect-error no such path
  yield* api.get("/me/bills")
  return yield* api.get("/me")
})
// A path that is not a literal: the last signature takes any path of the table.
declare const somePath: Api.Path<"GET">
const anything = api.get(somePath)
expect<Equal<Success<typeof anything>, unknown>>(true)
// A known path under another method.
// @ts-expect-error /me/bill has no DELETE
api.delete("/me/bill")
// A missing path parameter.
// @ts-expect-error billId is missing
api.get("/me/bill/{billId}", {})
// @ts-expect-error parameters are required
api.get("/me/bill/{billId}")
// A path parameter of the wrong type (long).
// @ts-expect-error id is a number
api.get("/me/contact/{contactId}", { contactId: "12" })
api.get("/me/contact/{contactId}", { contactId: 12 })
// An unknown parameter.
// @ts-expect-error no such parameter
api.get("/me/bill/{billId}", { billId: "x", foo: 1 })
// @ts-expect-error /me takes no parameters
api.get("/me", { foo: 1 })

// A whole-model body: its writable properties, flattened next to the path parameters.
api.put("/me", { firstname: "Ada" })
// @ts-expect-error nichandle is read-only, so not a body field
api.put("/me", { nichandle: "xx1234-ovh" })

// v2 paths under /v2, their pagination headers are not parameters.
const policies = api.get("/v2/iam/policy", { details: true })
expect<Equal<Success<typeof policies>, ReadonlyArray<Api.V2.iam.policy.Response>>>(true)
// @ts-expect-error pagination is a header, not a parameter
api.get("/v2/iam/policy", { "X-Pagination-Size": 10 })
api.get("/v2/iam/policy", undefined, { headers: { "X-Pagination-Size": "10" } })
// @ts-expect-error a v2 path without its prefix
api.get("/iam/policy")

// Map-typed query parameters (`iamTags`).
api.get("/v2/okms/resource", { iamTags: { env: [{ operator: "EQ", value: "prod" }] } })
// @ts-expect-error unknown operator
api.get("/v2/okms/resource", { iamTags: { env: [{ operator: "IS", value: "prod" }] } })

// POST/PUT query parameters go under `$query`.
api.post("/hosting/web/{serviceName}/cdn/domain/{domainName}/purge", {
  serviceName: "x",
  domainName: "example.com",
  $query: { pattern: "/img", patternType: "folder" }
})

// void responses
const removed = api.delete("/domain/zone/{zoneName}/record/{id}", { zoneName: "example.com", id: 1 })
expect<Equal<Success<typeof removed>, void>>(true)

// The decoding client has the same calls and types.
declare const decoded: import("@effect-ovh/core/ApiDecoded").Service
const decodedBill = decoded.get("/me/bill/{billId}", { billId: "FR1" })
expect<Equal<Success<typeof decodedBill>, Api.V1.billing.Bill>>(true)
// @ts-expect-error the same compile errors
decoded.get("/me/bill/{billId}", {})

// Deprecated operations stay callable (their doc comment carries @deprecated).
api.get("/price/dedicatedCloud/2013v1/bhs1a/filer/hourly/{filerProfile}", { filerProfile: "iscsi-1200-GB" })

// Response and parameter types of one operation, by name.
type RedirectionParams = Api.Params<"POST", "/email/domain/{domain}/redirection">
expect<Equal<RedirectionParams["localCopy"], boolean>>(true)

// The same calls over the modules of the APIs called, with TypedApi.
declare const meAndIam: TypedApi.Service<Me.Operations & Iam.Operations>
const billAgain = meAndIam.get("/me/bill/{billId}", { billId: "FR123" })
expect<Equal<Success<typeof billAgain>, Api.V1.billing.Bill>>(true)
const policiesAgain = meAndIam.get("/v2/iam/policy", { details: true })
expect<Equal<Success<typeof policiesAgain>, ReadonlyArray<Api.V2.iam.policy.Response>>>(true)
// @ts-expect-error /domain is not among the operations given
meAndIam.get("/domain")
// @ts-expect-error billId is missing
meAndIam.get("/me/bill/{billId}", {})

// A body field named like a path parameter: the whole body goes under `$body`, each value with its own type.
const queue = "/telephony/{billingAccount}/easyHunting/{serviceName}/hunting/queue/{queueId}/agent" as const
api.post(queue, { billingAccount: "b", serviceName: "s", queueId: "7", $body: { queueId: 7, position: 1 } })
// @ts-expect-error the body's queueId is a long
api.post(queue, { billingAccount: "b", serviceName: "s", queueId: "7", $body: { queueId: "7", position: 1 } })
// @ts-expect-error the body is required: its queueId and position are
api.post(queue, { billingAccount: "b", serviceName: "s", queueId: "7" })
// @ts-expect-error body fields do not sit beside the path parameters here
api.post(queue, { billingAccount: "b", serviceName: "s", queueId: "7", position: 1 })
expect<Equal<Api.Params<"POST", typeof queue>["queueId"], string>>(true)
expect<Equal<NonNullable<Api.Params<"POST", typeof queue>["$body"]>["queueId"], number>>(true)
// A whole-model body that renames the resource of its path.
api.put("/vrack/{serviceName}/dedicatedConnect/{name}", { serviceName: "pn-1", name: "old", $body: { name: "new" } })
expect<
  Equal<
    Required<NonNullable<Api.Params<"PUT", "/vrack/{serviceName}/dedicatedConnect/{name}">["$body"]>>["name"],
    string
  >
>(true)
// Read-only properties named like a path parameter are not body fields: the body stays flat.
api.put("/me/api/credential/{credentialId}", { credentialId: 1, allowedIPs: ["192.0.2.0/24"] })

// The arguments after a path: the parameters are optional when none is required.
expect<Equal<TypedApi.Args<Me.Get["/me"]>["length"], 0 | 1 | 2>>(true)
expect<Equal<TypedApi.Args<Me.Get["/me/bill"]>["length"], 0 | 1 | 2>>(true)
expect<Equal<TypedApi.Args<Me.Get["/me/bill/{billId}"]>["length"], 1 | 2>>(true)
// over several modules too (their operations in one table)
expect<Equal<TypedApi.Args<TypedApi.Combine<Me.Operations & Iam.Operations>["GET"]["/me"]>["length"], 0 | 1 | 2>>(true)
meAndIam.get("/me")
