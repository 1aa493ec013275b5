/**
 * effect-ovh's own work per call, with no network: an in-process `HttpClient` answers at once with a
 * response already in memory, so what remains is encoding, the time delta, signing, spans, the retry
 * policy, the timeout, decoding and error mapping. The same request sent straight through that
 * `HttpClient` (no effect-ovh) gives the floor to subtract. Rounds interleave the variants.
 *
 * `node bench/overhead.ts` prints one JSON line (µs per call, medians).
 */
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as RetryPolicy from "@effect-ovh/core/RetryPolicy"
import * as Signature from "@effect-ovh/core/Signature"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as Effect from "effect/Effect"
import * as Headers from "effect/http/Headers"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import type * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as References from "effect/References"
import { median } from "./lib.ts"

const BILL = JSON.stringify({
  billId: "B1",
  date: "2026-01-01T00:00:00+01:00",
  orderId: 42,
  password: "x",
  pdfUrl: "https://example.invalid/b1.pdf",
  priceWithTax: { currencyCode: "EUR", text: "12.50 €", value: 12.5 },
  priceWithoutTax: { currencyCode: "EUR", text: "10.42 €", value: 10.42 },
  tax: { currencyCode: "EUR", text: "2.08 €", value: 2.08 },
  url: "https://example.invalid/b1"
})
const NOT_FOUND = JSON.stringify({
  class: "Client::NotFound",
  message: "The requested object (billId = B404) does not exist"
})
const jsonHeaders = Headers.fromRecordUnsafe({ "content-type": "application/json", "x-ovh-queryid": "EU.q" })

/** What the client reads of a response, answered from memory: the floor of any `HttpClient`. */
const answer = (request: HttpClientRequest.HttpClientRequest, status: number, body: string) =>
  ({
    request,
    status,
    headers: jsonHeaders,
    text: Effect.succeed(body)
  }) as unknown as HttpClientResponse.HttpClientResponse

/** Answers at once: `/auth/time`, a bill, or a 404 for `B404`. */
const instant = HttpClient.makeWith(
  (effect) =>
    Effect.map(effect, (request) =>
      request.url.endsWith("/auth/time")
        ? answer(request, 200, String(Math.floor(Date.now() / 1000)))
        : request.url.endsWith("/B404")
        ? answer(request, 404, NOT_FOUND)
        : answer(request, 200, BILL)),
  Effect.succeed as HttpClient.HttpClient.Preprocess<never, never>
)

const BASE = "https://eu.api.ovh.com/1.0"
const secrets = { applicationKey: "appkey0123456789", applicationSecret: "s".repeat(32), consumerKey: "c".repeat(32) }

const clientLayer = OvhClient.OvhClient.layer.pipe(
  Layer.provideMerge(Layer.effect(
    OvhConfig.OvhConfig,
    OvhConfig.resolve([OvhConfig.fromOptions({ endpoint: "ovh-eu", ...secrets })])
  )),
  Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, instant as unknown as HttpClient.HttpClient))
)

/** µs per iteration of `body`, run `n` times in a row inside one fiber. */
const timeLoop = <E, R>(body: () => Effect.Effect<unknown, E, R>, n: number) =>
  Effect.gen(function*() {
    const start = performance.now()
    for (let i = 0; i < n; i++) yield* body()
    return ((performance.now() - start) * 1000) / n
  })

const program = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  const http = yield* HttpClient.HttpClient
  const timeDelta = yield* TimeDelta.TimeDelta
  const url = `${BASE}/me/bill/B1`
  const variants: Record<string, () => Effect.Effect<unknown, unknown>> = {
    // the floor: the same GET straight through the HttpClient, body read and parsed, nothing signed
    bareHttpClientUs: () =>
      http.execute(HttpClientRequest.get(url, { headers: { accept: "application/json" } })).pipe(
        Effect.flatMap((response) => response.text),
        Effect.map((text) => JSON.parse(text) as unknown)
      ),
    getUs: () => client.get(`/me/bill/B1`),
    // the same call with spans off (References.TracerEnabled): what the call and attempt spans cost
    getNoSpansUs: () => Effect.provideService(client.get(`/me/bill/B1`), References.TracerEnabled, false),
    // no timeout: what the call's Effect-driven timeout costs
    getNoTimeoutUs: () => client.get(`/me/bill/B1`, undefined, { timeout: Infinity }),
    // a policy that never retries: what the retry policy costs on a call that succeeds
    getNoRetryUs: () => Effect.provideService(client.get(`/me/bill/B1`), RetryPolicy.RetryPolicy, RetryPolicy.none),
    notFoundUs: () => Effect.flip(client.get(`/me/bill/B404`)),
    signUs: () =>
      Effect.sync(() =>
        Signature.sign({
          applicationSecret: secrets.applicationSecret,
          consumerKey: secrets.consumerKey,
          method: "GET",
          url,
          body: "",
          timestamp: 1_800_000_000
        })
      ),
    urlUs: () => Effect.sync(() => OvhClient.urlOf(BASE, "/me/bill/B1")),
    timeDeltaNowUs: () => timeDelta.now,
    loopUs: () => Effect.void
  }
  const only = process.env["OVERHEAD_ONLY"]
  const names = only === undefined ? Object.keys(variants) : [only]
  const n = Number(process.env["OVERHEAD_CALLS"] ?? 20_000)
  const rounds = Number(process.env["OVERHEAD_ROUNDS"] ?? 7)
  for (const name of names) yield* timeLoop(variants[name]!, n / 2)
  const samples: Record<string, Array<number>> = {}
  for (let r = 0; r < rounds; r++) {
    for (const name of names) (samples[name] ??= []).push(yield* timeLoop(variants[name]!, n))
  }
  const out: Record<string, number> = {}
  for (const name of names) out[name] = median(samples[name]!)
  if (out["getUs"] !== undefined && out["bareHttpClientUs"] !== undefined) {
    out["ownUs"] = out["getUs"] - out["bareHttpClientUs"]
    out["notFoundOwnUs"] = out["notFoundUs"]! - out["bareHttpClientUs"]
    out["spansUs"] = out["getUs"] - out["getNoSpansUs"]!
    out["timeoutUs"] = out["getUs"] - out["getNoTimeoutUs"]!
    out["retryPolicyUs"] = out["getUs"] - out["getNoRetryUs"]!
  }
  return out
}).pipe(Effect.provide(clientLayer))

Effect.runPromise(program).then((result) => {
  process.stdout.write(JSON.stringify(result) + "\n")
})
