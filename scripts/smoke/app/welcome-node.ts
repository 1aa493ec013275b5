/** The smoke program on the Node layer: undici, `OVH_*` variables, no `ovh.conf` lookup. */
import { NodeOvh } from "@effect-ovh/node"
import { NodeRuntime } from "@effect/platform-node"
import { Effect } from "effect"
import { program } from "./program.js"

NodeRuntime.runMain(program("node").pipe(Effect.provide(NodeOvh.layer({ configPaths: [] }))))
