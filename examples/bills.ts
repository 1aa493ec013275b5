/**
 * `pnpm example bills`: lists the account's bills, one line each, python-ovh's
 * `"%12s (%s): %10s --> %s"` (id, date, price with tax, PDF link).
 *
 * The list is one call; the details are one call per bill, sent `--concurrency` at a time.
 * Calls go through the typed API: paths, parameters and answers are checked at compile time.
 * Needs `GET /me/bill` and `GET /me/bill/*`.
 */
import { Api } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect, Layer } from "effect"
import { Command, Flag } from "effect/cli"
import { runCommand } from "./internal/run.ts"

/** One bill as python-ovh's example prints it. */
export const formatBill = (bill: Api.V1.billing.Bill): string =>
  `${bill.billId.padStart(12)} (${bill.date}): ${bill.priceWithTax.text.padStart(10)} --> ${bill.pdfUrl}`

/** Fetches every bill, at most `concurrency` requests in flight, and prints them in the list's order. */
export const bills = (options: { readonly concurrency: number }) =>
  Effect.gen(function*() {
    const api = yield* Api.Api
    const ids = yield* api.get("/me/bill")
    const details = yield* Effect.forEach(
      ids,
      (billId) => api.get("/me/bill/{billId}", { billId }),
      { concurrency: options.concurrency }
    )
    for (const bill of details) yield* Console.log(formatBill(bill))
    yield* Console.log(`${details.length} bills`)
  }).pipe(
    // a bill removed between the list and its details is not worth failing the listing for
    Effect.catchTag("ResourceNotFound", (error) => Console.error(`a bill disappeared while listing: ${error.message}`))
  )

const command = Command.make("bills", {
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("How many bills to fetch at once"),
    Flag.filter((n) => n >= 1 && n <= 50, (n) => `--concurrency must be between 1 and 50, got ${n}`),
    Flag.withDefault(8)
  )
}, bills).pipe(Command.withDescription("List your bills: id, date, price with tax and PDF link"))

runCommand(command, Api.Api.layer.pipe(Layer.provideMerge(NodeOvh.layer())))
