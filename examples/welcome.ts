/**
 * Greets the account owner: python-ovh's first example.
 *
 * Reads its configuration like python-ovh: `OVH_*` variables, then `./ovh.conf`, `~/.ovh.conf`,
 * `/etc/ovh.conf`. Run it with `pnpm example welcome`.
 */
import { OvhClient } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect } from "effect"
import { runExample } from "./internal/run.ts"

interface Me {
  readonly firstname: string
}

const program = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  const me = yield* client.get<Me>("/me")
  yield* Console.log(`Welcome ${me.firstname}`)
})

runExample(program.pipe(Effect.provide(NodeOvh.layer())))
