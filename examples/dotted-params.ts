/**
 * `pnpm example dotted-params --from 2026-01-01 --to 2026-07-01`: the bills of a period, through
 * the API's dotted query parameters `date.from` and `date.to` (python-ovh passes them with
 * `**{"date.from": ...}`; here they are ordinary keys, and the typed API knows them).
 * Needs `GET /me/bill`.
 */
import { Api } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect, Layer, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { runCommand } from "./internal/run.ts"

/** Lists the ids of the bills issued between `from` and `to`. */
export const billsBetween = (options: { readonly from: string; readonly to: string }) =>
  Effect.gen(function*() {
    const api = yield* Api.Api
    const ids = yield* api.get("/me/bill", {
      "date.from": options.from,
      "date.to": options.to
    })
    yield* Console.log(`${ids.length} bills between ${options.from} and ${options.to}`)
    for (const id of ids) yield* Console.log(`  ${id}`)
  }).pipe(
    Effect.catchTag("BadParameters", (error) =>
      Console.error(`the API refused the dates: ${error.message}`).pipe(Effect.andThen(Effect.fail(error))))
  )

const Day = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^\d{4}-\d{2}-\d{2}$/, { message: "expected a date as YYYY-MM-DD" })),
  Schema.check(Schema.makeFilter((s: string) => !Number.isNaN(Date.parse(s)) || "not a calendar date"))
)

const command = Command.make("dotted-params", {
  from: Flag.String("from").pipe(Flag.withDescription("First day, YYYY-MM-DD"), Flag.withSchema(Day)),
  to: Flag.String("to").pipe(Flag.withDescription("Last day, YYYY-MM-DD"), Flag.withSchema(Day))
}, billsBetween).pipe(
  Command.withDescription("List the bills issued between two dates (GET /me/bill?date.from=...&date.to=...)")
)

runCommand(command, Api.Api.layer.pipe(Layer.provideMerge(NodeOvh.layer())))
