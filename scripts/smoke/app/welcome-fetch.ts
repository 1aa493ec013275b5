/**
 * The smoke program on core alone: effect's fetch client and `OVH_*` variables. Type-checked
 * without Node's types, and run with every Node-only import from core refused.
 */
import { OvhClient, OvhConfig } from "@effect-ovh/core"
import { Effect, Layer } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { program } from "./program.js"

const layer = OvhClient.OvhClient.layer.pipe(
  Layer.provide(OvhConfig.OvhConfig.layer()),
  Layer.provide(FetchHttpClient.layer)
)

// A failure rejects the promise, and the unhandled rejection ends the process with a non-zero code.
await Effect.runPromise(program("fetch").pipe(Effect.provide(layer)))
