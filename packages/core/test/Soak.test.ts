import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as RetryPolicy from "@effect-ovh/core/RetryPolicy"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"

const CALLS = 5_000
const FAULT_RATE = 0.2
const CONCURRENCY = 100

/** Statuses the fake gives for injected faults (0: connection dropped). */
const FAULT_STATUSES = new Set([0, 429, 500, 502, 503, 504])

// At 20 % faults, the default 3 retries leave about 0.2^4 = 0.16 % of idempotent calls failing; this
// policy allows 8 retries from 20 ms, so every idempotent call is expected to get through.
const soakPolicy: OvhClient.Options = {
  retry: { schedule: RetryPolicy.makeSchedule({ base: "20 millis", retries: 8, throttledBase: "100 millis" }) }
}

/** A client with the soak policy, over undici, aimed at the fake served on 127.0.0.1. */
const SoakLayer = Layer.unwrap(
  Effect.map(Effect.service(FakeOvhApi.FakeOvhApi), (fake) =>
    OvhClient.OvhClient.layerWith(soakPolicy).pipe(
      Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(FakeOvhApi.clientOptions(fake))])),
      Layer.provide(NodeHttpClient.layerUndici)
    ))
).pipe(Layer.provideMerge(FakeOvhServer.layer()))

describe("Soak", () => {
  it.live(
    `${CALLS} calls over loopback under ${FAULT_RATE * 100} % injected transient faults`,
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const client = yield* OvhClient.OvhClient
        yield* fake.randomFaults({ probability: FAULT_RATE, seed: "soak" })

        // 3 GET /me, 1 GET /me/sshKey and 1 POST /me/sshKey (a unique key name each) in every 5 calls
        type Outcome = { readonly method: string; readonly ok: boolean; readonly tag?: string }
        const one = (i: number): Effect.Effect<Outcome> => {
          const kind = i % 5
          const effect: Effect.Effect<unknown, unknown> = kind < 3
            ? client.get("/me")
            : kind === 3
            ? client.get("/me/sshKey")
            : client.post("/me/sshKey", { keyName: `soak-${i}`, key: `ssh-ed25519 AAAAC3Nz${i}` })
          const method = kind === 4 ? "POST" : "GET"
          return Effect.match(effect, {
            onSuccess: (): Outcome => ({ method, ok: true }),
            onFailure: (error): Outcome => ({ method, ok: false, tag: (error as { _tag: string })._tag })
          })
        }
        const started = Date.now()
        const outcomes = yield* Effect.forEach(Array.from({ length: CALLS }, (_, i) => i), one, {
          concurrency: CONCURRENCY
        })
        const seconds = (Date.now() - started) / 1000

        const log = (yield* fake.calls).filter((c) => c.path !== "/auth/time")
        const faults = log.filter((c) => FAULT_STATUSES.has(c.status)).length
        const retries = log.length - CALLS
        const idempotentFailures = outcomes.filter((o) => o.method !== "POST" && !o.ok)
        const postFailures = outcomes.filter((o) => o.method === "POST" && !o.ok).length
        const postsByName = new Map<string, number>()
        for (const c of log) {
          if (c.method !== "POST") continue
          const name = (c.body as { keyName?: string } | undefined)?.keyName ?? ""
          postsByName.set(name, (postsByName.get(name) ?? 0) + 1)
        }
        const duplicates = [...postsByName.values()].filter((n) => n > 1).length

        console.log(
          `soak: calls=${CALLS} requests=${log.length} faults=${faults} retries=${retries} ` +
            `failures=${
              idempotentFailures.length + postFailures
            } (idempotent=${idempotentFailures.length}, post=${postFailures}) ` +
            `duplicates=${duplicates} concurrency=${CONCURRENCY} seconds=${seconds.toFixed(1)}`
        )

        assert.deepStrictEqual(idempotentFailures, [])
        assert.strictEqual(duplicates, 0)
        assert.strictEqual(postsByName.size, CALLS / 5)
        // faults were really injected, at about the configured rate, and retried
        assert.isAbove(faults / log.length, FAULT_RATE * 0.8)
        assert.isBelow(faults / log.length, FAULT_RATE * 1.2)
        assert.isAbove(retries, 0)
        // a POST that met a fault failed instead of being sent again
        assert.isAbove(postFailures, 0)
      }).pipe(Effect.provide(SoakLayer)),
    { timeout: 240_000 }
  )
})
