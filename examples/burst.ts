/**
 * `pnpm example burst --datacenter sbg1`: enables network burst on every dedicated server of a
 * datacenter, python-ovh's example, reporting each server with its datacenter's name.
 *
 * Calls go through the typed API: `FanOut.getAll` gets the servers whole, in list mode as the control
 * panel does (or one call per server, `--concurrency` at a time, on an API that answers ids). Needs
 * `GET /dedicated/server`, `GET /dedicated/server/*` and `PUT /dedicated/server/*`.
 */
import { Api, Datacenter, FanOut } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect, Layer, Schema, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { withDefault } from "./internal/flags.ts"
import { runCommand } from "./internal/run.ts"

/** Some servers of the datacenter could not get burst enabled. */
export class BurstFailed extends Schema.TaggedError<BurstFailed>()("BurstFailed", {
  failed: Schema.Array(Schema.String)
}) {
  override get message() {
    return `burst could not be enabled on ${this.failed.join(", ")}`
  }
}

/** A datacenter as printed: `Roubaix 7 (rbx7)`, or its code alone when it has no known name. */
const described = (code: string): string => {
  const name = Datacenter.nameOf(code)
  return name === code ? code : `${name} (${code})`
}

/** Enables burst on the servers of `datacenter` (any case); details are fetched `concurrency` at a time. */
export const burst = (options: { readonly datacenter: string; readonly concurrency: number }) =>
  Effect.gen(function*() {
    const api = yield* Api.Api
    const servers = yield* Stream.runCollect(FanOut.getAll("/dedicated/server", { concurrency: options.concurrency }))
    const wanted = options.datacenter.toLowerCase()
    const failed: Array<string> = []
    let enabled = 0
    for (const server of servers) {
      if (server.datacenter !== wanted) {
        yield* Console.log(`${server.name}: in ${described(server.datacenter)}, skipped`)
        continue
      }
      const serviceName = server.name
      const current = yield* api.get("/dedicated/server/{serviceName}/burst", { serviceName })
      if (current.status === "active") {
        yield* Console.log(`${server.name}: burst already active`)
        continue
      }
      const outcome = yield* api.put("/dedicated/server/{serviceName}/burst", { serviceName, status: "active" }).pipe(
        Effect.as("burst enabled"),
        // one server refusing must not stop the others
        Effect.catchTags({
          NotGranted: () => Effect.succeed("failed: the consumer key may not PUT this path"),
          BadParameters: (error) => Effect.succeed(`failed: ${error.message}`),
          ResourceNotFound: () => Effect.succeed("failed: the server has no burst option")
        })
      )
      if (outcome.startsWith("failed")) failed.push(server.name)
      else enabled++
      yield* Console.log(`${server.name}: ${outcome}`)
    }
    yield* Console.log(`burst newly enabled on ${enabled} server(s) in ${described(wanted)}`)
    if (failed.length > 0) return yield* new BurstFailed({ failed })
  })

const command = Command.make("burst", {
  datacenter: Flag.String("datacenter").pipe(
    Flag.filter(
      (dc) => /^[a-z]+[0-9a-z-]*$/i.test(dc),
      (dc) => `--datacenter is a code like sbg1, got ${JSON.stringify(dc)}`
    ),
    withDefault("The datacenter whose servers get burst (e.g. sbg1, gra1, rbx7, bhs3)", "sbg1")
  ),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.filter((n) => n >= 1 && n <= 50, (n) => `--concurrency must be between 1 and 50, got ${n}`),
    withDefault("How many servers to look up at once", 8)
  )
}, burst).pipe(Command.withDescription("Enable network burst on every dedicated server of a datacenter"))

runCommand(command, Api.Api.layer.pipe(Layer.provideMerge(NodeOvh.layer())))
