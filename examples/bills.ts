/**
 * `pnpm example bills`: lists the account's bills, one line each, python-ovh's
 * `"%12s (%s): %10s --> %s"` (id, date, price with tax, PDF link).
 *
 * The list is one call; the details are one call per bill, sent `--concurrency` at a time by
 * `FanOut.each`, as a stream.
 * Calls go through the typed API: paths, parameters and answers are checked at compile time.
 * Needs `GET /me/bill` and `GET /me/bill/*`.
 */
import { Api, FanOut } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect, Layer, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { runCommand } from "./internal/run.ts"

/** One bill as python-ovh's example prints it. */
export const formatBill = (bill: Api.V1.billing.Bill): string =>
  `${bill.billId.padStart(12)} (${bill.date}): ${bill.priceWithTax.text.padStart(10)} --> ${bill.pdfUrl}`

/**
 * Streams every bill: the list, then the details `concurrency` at a time, printed in the list's
 * order as they arrive. A bill removed between the list and its details is skipped, and said so.
 */
export const bills = (options: { readonly concurrency: number }) =>
  Effect.gen(function*() {
    const api = yield* Api.Api
    const count = yield* Stream.fromIterableEffect(api.get("/me/bill")).pipe(
      FanOut.each((billId) => api.get("/me/bill/{billId}", { billId }), {
        concurrency: options.concurrency,
        errors: "skip",
        onSkip: ({ error, id }) => Console.error(`skipped bill ${id}: ${error._tag}: ${error.message}`)
      }),
      Stream.tap((bill) => Console.log(formatBill(bill))),
      Stream.runCount
    )
    yield* Console.log(`${count} bills`)
  })

const command = Command.make("bills", {
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("How many bills to fetch at once"),
    Flag.filter((n) => n >= 1 && n <= 50, (n) => `--concurrency must be between 1 and 50, got ${n}`),
    Flag.withDefault(8)
  )
}, bills).pipe(Command.withDescription("List your bills: id, date, price with tax and PDF link"))

runCommand(command, Api.Api.layer.pipe(Layer.provideMerge(NodeOvh.layer())))
