/**
 * The client layer the core tests share: an `OvhClient` over a fresh in-memory fake, signed with the
 * fake's full-access credentials unless `settings` changes them.
 */
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { Effect, Layer } from "effect"

/** The fake's server time in the tests, in seconds. */
export const SERVER_TIME = 1_700_000_000

/** What a test changes of the shared layer. */
export interface Options {
  /** Settings over the fake's credentials (e.g. another consumer key). */
  readonly settings?: ((fake: FakeOvhApi.FakeOvhApi["Service"]) => OvhConfig.Options) | undefined
  /** The client's resilience options. */
  readonly client?: OvhClient.Options | undefined
  /** Runs once the fake exists, before the client is built (seeding). */
  readonly prepare?: ((fake: FakeOvhApi.FakeOvhApi["Service"]) => Effect.Effect<void>) | undefined
}

/** An `OvhClient` (and the fake behind it) for one test. */
export const clientLayer = (options: Options = {}) =>
  Layer.unwrap(Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    if (options.prepare !== undefined) yield* options.prepare(fake)
    const settings = { ...FakeOvhApi.clientOptions(fake), ...options.settings?.(fake) }
    return OvhClient.OvhClient.layerWith(options.client ?? {}).pipe(
      Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(settings)]))
    )
  })).pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })))
