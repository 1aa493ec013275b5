/**
 * `pnpm example mail-redirection --domain example.com --from a@example.com --to b@example.net`:
 * creates a mail redirection, python-ovh's `POST /email/domain/{domain}/redirection` example.
 *
 * `from` is a reserved word in Python, hence python-ovh's `_from`; effect-ovh sends `_from` as
 * `from` too, so both spellings work. Needs `POST /email/domain/*`.
 */
import { OvhClient } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { withDefault } from "./internal/flags.ts"
import { runCommand } from "./internal/run.ts"

interface Task {
  readonly id: string
  readonly action: string
  readonly date: string
}

/** Options of {@link mailRedirection}. */
export interface Options {
  readonly domain: string
  readonly from: string
  readonly to: string
  readonly localCopy: boolean
}

/** Creates the redirection and reports the task the API queued for it. */
export const mailRedirection = (options: Options) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    const task = yield* client.post<Task>(`/email/domain/${encodeURIComponent(options.domain)}/redirection`, {
      _from: options.from, // sent as `from`
      to: options.to,
      localCopy: options.localCopy
    })
    yield* Console.log(
      `redirection ${options.from} -> ${options.to}${options.localCopy ? " (keeping a local copy)" : ""} requested`
    )
    yield* Console.log(`task ${task.id}: ${task.action}, queued at ${task.date}`)
  }).pipe(
    Effect.catchTag("ResourceNotFound", (error) =>
      Console.error(`no mail domain ${options.domain} on this account`).pipe(Effect.andThen(Effect.fail(error)))),
    Effect.catchTag("ResourceConflict", () =>
      Console.log(`${options.from} is already redirected: nothing to do`))
  )

const Email = Schema.String.pipe(
  Schema.check(Schema.isPattern(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, { message: "expected an email address" }))
)

const command = Command.make("mail-redirection", {
  domain: Flag.String("domain").pipe(Flag.withDescription("The mail domain, e.g. example.com")),
  from: Flag.String("from").pipe(Flag.withDescription("The address to redirect"), Flag.withSchema(Email)),
  to: Flag.String("to").pipe(Flag.withDescription("Where its mail goes"), Flag.withSchema(Email)),
  localCopy: Flag.Boolean("local-copy").pipe(
    withDefault("Keep a copy in the original mailbox", false)
  )
}, mailRedirection).pipe(Command.withDescription("Redirect the mail of one address of your domain to another address"))

runCommand(command, NodeOvh.layer())
