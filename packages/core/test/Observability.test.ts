import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Fiber, Layer, Logger, Redacted, References, Tracer } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import { TestClock } from "effect/testing"
import { inspect } from "node:util"
import { makeRecorder } from "./utils/recorder.ts"

const SERVER_TIME = 1_700_000_000

/** Everything the client let out: spans, log lines, and the signatures it put on the wire. */
const capture = () => {
  const { lines, logger, spans, tracer } = makeRecorder()
  const signatures: Array<string> = []
  const layer = Layer.unwrap(Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    const recording = Layer.effect(
      HttpClient.HttpClient,
      Effect.map(
        Effect.service(HttpClient.HttpClient),
        (http) =>
          HttpClient.tapRequest(http, (request) =>
            Effect.sync(() => {
              const signature = request.headers["x-ovh-signature"]
              if (signature !== undefined) signatures.push(signature)
            }))
      )
    )
    return OvhClient.OvhClient.layer.pipe(
      Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(FakeOvhApi.clientOptions(fake))])),
      Layer.provide(recording)
    )
  })).pipe(
    Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })),
    Layer.provideMerge(Logger.layer([logger])),
    Layer.provideMerge(Layer.succeed(References.MinimumLogLevel, "Debug"))
  )
  const observed = <A, E, R>(effect: Effect.Effect<A, E, R>) => Effect.provideService(effect, Tracer.Tracer, tracer)
  return { spans, lines, signatures, layer, observed }
}

describe("Observability", () => {
  const seen = capture()

  it.effect("each call is a span named for its method, with method, path template, status, query id and attempts", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* (yield* TimeDelta.TimeDelta).sample
      yield* fake.seed("/me/bill/B1", { billId: "B1" })
      yield* fake.failNext(503)
      const fiber = yield* Effect.forkChild(
        seen.observed(client.get("/me/bill/B1", undefined, { template: "/me/bill/{billId}" }))
      )
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)

      const call = seen.spans.find((s) => s.name === "OvhClient.get")
      assert.isDefined(call)
      const attributes = call!.attributes
      assert.strictEqual(attributes.get("http.request.method"), "GET")
      assert.strictEqual(attributes.get("ovh.path"), "/me/bill/B1")
      assert.strictEqual(attributes.get("url.template"), "/me/bill/{billId}")
      assert.strictEqual(attributes.get("http.response.status_code"), 200)
      assert.strictEqual(attributes.get("ovh.attempts"), 2)
      const calls = yield* fake.calls
      assert.strictEqual(attributes.get("ovh.query_id"), calls[calls.length - 1]!.queryId)
      assert.strictEqual(call!.status._tag, "Ended")

      const attempts = seen.spans.filter((s) => s.name === "OvhClient.attempt")
      assert.deepStrictEqual(attempts.map((s) => s.attributes.get("ovh.attempt")), [1, 2])
      assert.deepStrictEqual(attempts.map((s) => s.attributes.get("http.response.status_code")), [503, 200])
      assert.strictEqual(attempts[0]!.attributes.get("error.type"), "ApiError")
      assert.isString(attempts[0]!.attributes.get("ovh.query_id"))
      for (const attempt of attempts) {
        assert.strictEqual(attempt.parent._tag === "Some" ? attempt.parent.value.spanId : "", call!.spanId)
      }

      const debug = seen.lines.map((line) =>
        JSON.parse(line) as { message: unknown; level: string; annotations: Record<string, unknown> }
      )
      const text = debug.map((l) => JSON.stringify(l.message))
      assert.isTrue(text.some((m) => m.includes("/me/bill/B1: attempt 1, ApiError")))
      assert.isTrue(text.some((m) => /ApiError at attempt 1, retrying in \d+ms/.test(m)))
      assert.isTrue(text.some((m) => m.includes("/me/bill/B1: attempt 2, 200")))
      assert.isTrue(debug.every((l) => l.level === "DEBUG"))
      assert.deepStrictEqual(debug.map((l) => l.annotations["ovh.attempt"]), [1, 1, 2])
    }).pipe(Effect.provide(seen.layer)))

  it.effect("no secret reaches a span, a log line, an error or inspect output", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const fake = yield* FakeOvhApi.FakeOvhApi
      const errors: Array<unknown> = []
      // a retried GET, a refused POST, a POST whose connection drops, an unknown route
      yield* fake.failNext(502)
      const fiber = yield* Effect.forkChild(seen.observed(client.get("/me")))
      yield* TestClock.adjust("1 second")
      yield* Fiber.join(fiber)
      yield* fake.failNext(503)
      errors.push(yield* Effect.flip(seen.observed(client.post("/me/sshKey", { keyName: "k", key: "ssh-ed25519 A" }))))
      yield* fake.failNext(FakeOvhApi.Fault.drop)
      errors.push(yield* Effect.flip(seen.observed(client.post("/me/sshKey", { keyName: "k", key: "ssh-ed25519 A" }))))
      errors.push(yield* Effect.flip(seen.observed(client.get("/no/such/route"))))

      const secrets = [
        Redacted.value(fake.credentials.applicationSecret),
        Redacted.value(fake.credentials.consumerKey),
        ...seen.signatures
      ]
      assert.isAbove(seen.signatures.length, 3)
      assert.isAbove(seen.spans.length, 4)
      assert.isAbove(seen.lines.length, 4)
      const outputs = [
        // what a tracer exports: name, attributes, events, and the failure of a failed span
        ...seen.spans.map((s) =>
          inspect({
            name: s.name,
            attributes: s.attributes,
            events: s.events,
            failure: s.status._tag === "Ended" && s.status.exit._tag === "Failure"
              ? Cause.pretty(s.status.exit.cause)
              : ""
          }, { depth: 10 })
        ),
        ...seen.lines,
        ...errors.map((e) => inspect(e, { depth: 10 })),
        ...errors.map((e) => String((e as Error).message)),
        ...errors.map((e) => JSON.stringify(e)),
        inspect(client, { depth: 10 })
      ]
      for (const output of outputs) {
        for (const secret of secrets) assert.notInclude(output, secret)
      }
    }).pipe(Effect.provide(seen.layer)))
})
