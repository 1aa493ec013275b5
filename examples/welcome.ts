/**
 * `pnpm example welcome`: greets the account owner, python-ovh's first example.
 *
 * Reads its configuration like python-ovh: `OVH_*` variables, then `./ovh.conf`, `~/.ovh.conf`,
 * `/etc/ovh.conf`. Needs a consumer key allowed to `GET /me`.
 */
import { OvhClient } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { runCommand } from "./internal/run.ts"

interface Me {
  readonly firstname: string
}

/** The program: it only needs an `OvhClient`, whatever its configuration or transport. */
export const welcome = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  const me = yield* client.get<Me>("/me")
  yield* Console.log(`Welcome ${me.firstname}`)
}).pipe(
  // a key without the rule still fails, with a hint on what to ask for
  Effect.catchTag(
    "NotGranted",
    (error) =>
      Console.error(`the consumer key has no access rule for ${error.method} ${error.path}`).pipe(
        Effect.andThen(Effect.fail(error))
      )
  )
)

const command = Command.make("welcome", {}, () => welcome).pipe(
  Command.withDescription("Print \"Welcome <firstname>\" for the account of the configured consumer key")
)

runCommand(command, NodeOvh.layer())
