/** The smoke program on the Node layer: undici, `OVH_*` variables, no `ovh.conf` lookup. */
import { NodeOvh } from "@effect-ovh/node"
import { NodeRuntime } from "@effect/platform-node"
import { Effect, type Layer } from "effect"
import { type IsAny, program } from "./program.js"

const layer = NodeOvh.layer({ configPaths: [] })

// The layer's errors come from core and from this package's own modules; a missing declaration
// file anywhere on the way makes the union `any`.
const layerErrorsAreTyped: IsAny<Layer.Error<typeof layer>> = false
void layerErrorsAreTyped

NodeRuntime.runMain(program("node").pipe(Effect.provide(layer)))
