import * as OvhClient from "@effect-ovh/core/OvhClient"
import type * as OvhError from "@effect-ovh/core/OvhError"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer } from "effect"
import { clientLayer } from "./utils/clientLayer.ts"

const layerWith = (options: OvhClient.Options = {}) => clientLayer({ client: options })

/** `call` fails with BadParameters naming `mention`, and the fake received nothing. */
const refusedUnsent = (
  call: (client: OvhClient.OvhClient["Service"]) => Effect.Effect<unknown, OvhError.OvhError>,
  mention: string
) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    const fake = yield* FakeOvhApi.FakeOvhApi
    yield* (yield* TimeDelta.TimeDelta).sample
    yield* fake.clearCalls
    const error = yield* Effect.flip(call(client))
    assert.strictEqual(error._tag, "BadParameters")
    assert.include(error.message, mention)
    assert.deepStrictEqual(yield* fake.calls, [])
  }).pipe(Effect.provide(layerWith()))

const circular: Record<string, unknown> = { name: "loop" }
circular["self"] = circular

describe("Hardening", () => {
  for (const id of ["..", ".", ""]) {
    it.effect(`a path parameter ${JSON.stringify(id)} cannot move a signed call to another route`, () =>
      refusedUnsent(
        (client) => client.delete("/email/domain/{domain}/redirection/{id}", { domain: "example.com", id }),
        "would change the route"
      ))
  }

  it.effect("a lone surrogate in a path parameter is a BadParameters", () =>
    refusedUnsent((client) => client.get("/me/bill/{billId}", { billId: "B\ud800" }), "cannot be encoded"))

  it.effect("a lone surrogate in a query value is a BadParameters", () =>
    refusedUnsent((client) => client.get("/me/bill", { category: "a\udc00" }), "query cannot be encoded"))

  it.effect("a circular query value is a BadParameters", () =>
    refusedUnsent((client) => client.get("/me/bill", { filter: circular as never }), "query cannot be encoded"))

  it.effect("a circular body is a BadParameters", () =>
    refusedUnsent((client) => client.post("/me/sshKey", { keyName: "k", key: circular }), "body cannot be encoded"))

  it.effect("a BigInt in a body is a BadParameters", () =>
    refusedUnsent((client) => client.post("/me/sshKey", { keyName: "k", key: 1n }), "body cannot be encoded"))

  it.effect("a throwing toJSON in a body is a BadParameters", () =>
    refusedUnsent(
      (client) =>
        client.post("/me/sshKey", {
          keyName: "k",
          key: {
            toJSON() {
              throw new Error("no")
            }
          }
        }),
      "body cannot be encoded"
    ))

  it.effect("a header value with CR/LF is refused before sending, never retried", () =>
    refusedUnsent(
      (client) => client.get("/me", undefined, { headers: { "x-ovh-nic": "a\r\nx-injected: 1" } }),
      "header"
    ))

  it.effect("a malformed method is refused before sending", () =>
    refusedUnsent((client) => client.call({ method: "GE T" as never, path: "/me" }), "method"))

  it.effect("a header name with a space is refused before sending", () =>
    refusedUnsent((client) => client.get("/me", undefined, { headers: { "bad name": "v" } }), "header"))

  for (const timeout of ["abc", -1]) {
    it.effect(`a call's timeout ${JSON.stringify(timeout)} is a BadParameters`, () =>
      refusedUnsent((client) => client.get("/me", undefined, { timeout: timeout as never }), "timeout"))
  }

  it.effect("a client's timeout that is not a duration fails the layer with OvhConfigError", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Effect.asVoid(Layer.build(layerWith({ timeout: "abc" as never }))))
      assert.strictEqual(error._tag, "OvhConfigError")
      if (error._tag === "OvhConfigError") assert.strictEqual(error.key, "timeout")
    }).pipe(Effect.scoped))

  it.effect("a POST whose parameters all go into the path sends no body, as python-ovh", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.route({ method: "POST", path: "/me/bill/{billId}/debt/pay" }, () => Effect.succeed({ status: 200 }))
      yield* client.post("/me/bill/{billId}/debt/pay", { billId: "B1" })
      const call = (yield* fake.calls).find((c) => c.method === "POST")!
      assert.isUndefined(call.body)
      assert.isUndefined(call.headers["content-type"])
    }).pipe(Effect.provide(layerWith())))

  it.effect("no trace context goes to the API unless asked for", () =>
    Effect.gen(function*() {
      const run = (options: OvhClient.Options) =>
        Effect.gen(function*() {
          const client = yield* OvhClient.OvhClient
          const fake = yield* FakeOvhApi.FakeOvhApi
          yield* Effect.withSpan(client.get("/me"), "user-span")
          return (yield* fake.calls).map((c) => Object.keys(c.headers).filter((h) => h === "traceparent" || h === "b3"))
        }).pipe(Effect.provide(layerWith(options)))
      // /auth/time and the call itself
      assert.deepStrictEqual(yield* run({}), [[], []])
      const asked = yield* run({ propagateTrace: true })
      assert.include(asked[1]!, "traceparent")
    }))
})
