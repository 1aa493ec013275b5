// The smallest useful effect-ovh program: one signed GET, configured like python-ovh.
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as Effect from "effect/Effect"

const program = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  const bill = yield* client.get<{ readonly billId: string }>("/me/bill/B1")
  console.log(bill.billId)
})

Effect.runPromise(program.pipe(Effect.provide(NodeOvh.layer())))
