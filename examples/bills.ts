/**
 * `pnpm example bills`: lists the account's bills, one line each, python-ovh's
 * `"%12s (%s): %10s --> %s"` (id, date, price with tax, PDF link).
 *
 * `FanOut.getAll` asks the list in list mode, as OVHcloud's control panel does: whole bills, a page
 * at a time, instead of one call per bill. Were the route to answer ids, the details would be one
 * call per bill, sent `--concurrency` at a time; either way the bills come as a stream.
 * Calls go through the typed API: paths, parameters and answers are checked at compile time.
 * Needs `GET /me/bill` and `GET /me/bill/*`.
 */
import { Api, FanOut } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect, Layer, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { withDefault } from "./internal/flags.ts"
import { runCommand } from "./internal/run.ts"

/** One bill as python-ovh's example prints it. */
export const formatBill = (bill: Api.V1.billing.Bill): string =>
  `${bill.billId.padStart(12)} (${bill.date}): ${bill.priceWithTax.text.padStart(10)} --> ${bill.pdfUrl}`

/**
 * Streams every bill in the list's order: whole bills page by page in list mode, else the details
 * `concurrency` at a time. A bill removed between the list and its details is skipped, and said so.
 */
export const bills = (options: { readonly concurrency: number }) =>
  Effect.gen(function*() {
    const count = yield* FanOut.getAll("/me/bill", {
      concurrency: options.concurrency,
      errors: "skip",
      onSkip: ({ error, id }) => Console.error(`skipped bill ${id}: ${error._tag}: ${error.message}`)
    }).pipe(
      Stream.tap((bill) => Console.log(formatBill(bill))),
      Stream.runCount
    )
    yield* Console.log(`${count} bills`)
  })

const command = Command.make("bills", {
  concurrency: Flag.Int("concurrency").pipe(
    Flag.filter((n) => n >= 1 && n <= 50, (n) => `--concurrency must be between 1 and 50, got ${n}`),
    withDefault("How many bills to fetch at once", 8)
  )
}, bills).pipe(Command.withDescription("List your bills: id, date, price with tax and PDF link"))

runCommand(command, Api.Api.layer.pipe(Layer.provideMerge(NodeOvh.layer())))
