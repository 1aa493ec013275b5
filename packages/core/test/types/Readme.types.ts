/**
 * The compile errors the README shows under "Typed calls", checked by `tsc -b` (never run): each
 * `@ts-expect-error` line must be an error, so the README cannot claim a check the types lack.
 */
import type { Api } from "@effect-ovh/core"

declare const api: Api.Service

// @ts-expect-error billId is required
api.get("/me/bill/{billId}", {})
api.post("/email/domain/{domain}/redirection", {
  domain: "example.com",
  from: "a@example.com",
  to: "b@example.net",
  // @ts-expect-error localCopy is a boolean
  localCopy: "no"
})
// @ts-expect-error there is no /me/bills
api.get("/me/bills")

// The same calls written correctly compile.
api.get("/me/bill/{billId}", { billId: "FR12345678" })
api.post("/email/domain/{domain}/redirection", {
  domain: "example.com",
  from: "a@example.com",
  to: "b@example.net",
  localCopy: false
})
api.get("/me/bill")
