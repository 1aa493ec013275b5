/**
 * effect-ovh's own work per call, with no network: an in-process `HttpClient` answers instantly, so
 * what remains is config, signing, layers, the Effect runtime and error mapping. The same requests
 * sent straight through that `HttpClient` (no effect-ovh) give the floor to subtract.
 *
 * `node bench/overhead.ts` prints one JSON line.
 */
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as Signature from "@effect-ovh/core/Signature"
import * as TimeDelta from "@effect-ovh/core/TimeDelta"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
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
const NOT_FOUND = JSON.stringify({ class: "Client::NotFound", message: "The requested object (billId = B404) does not exist" })

/** Answers at once: `/auth/time`, a bill, or a 404 for `B404`. */
const instant = HttpClient.make((request, url) =>
  Effect.succeed(HttpClientResponse.fromWeb(
    request,
    url.pathname.endsWith("/auth/time")
      ? new Response(String(Math.floor(Date.now() / 1000)), { status: 200 })
      : url.pathname.endsWith("/B404")
      ? new Response(NOT_FOUND, { status: 404, headers: { "content-type": "application/json", "x-ovh-queryid": "EU.q" } })
      : new Response(BILL, { status: 200, headers: { "content-type": "application/json", "x-ovh-queryid": "EU.q" } })
  ))
)

const BASE = "https://eu.api.ovh.com/1.0"
const secrets = { applicationKey: "appkey0123456789", applicationSecret: "s".repeat(32), consumerKey: "c".repeat(32) }

const clientLayer = OvhClient.OvhClient.layer.pipe(
  Layer.provideMerge(Layer.effect(
    OvhConfig.OvhConfig,
    OvhConfig.resolve([OvhConfig.fromOptions({ endpoint: "ovh-eu", ...secrets })])
  )),
  Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, instant))
)

/** µs per iteration of `body` run `n` times in a row inside one fiber, after a warm-up; median of `rounds`. */
const perCall = <E, R>(body: (i: number) => Effect.Effect<unknown, E, R>, n = 20_000, rounds = 5) =>
  Effect.gen(function*() {
    const loop = (count: number) =>
      Effect.gen(function*() {
        for (let i = 0; i < count; i++) yield* body(i)
      })
    yield* loop(n / 4)
    const samples: Array<number> = []
    for (let r = 0; r < rounds; r++) {
      const start = performance.now()
      yield* loop(n)
      samples.push(((performance.now() - start) * 1000) / n)
    }
    return median(samples)
  })

const program = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  const http = yield* HttpClient.HttpClient
  const timeDelta = yield* TimeDelta.TimeDelta
  const url = `${BASE}/me/bill/B1`
  // the floor: the same GET straight through the HttpClient, body read and parsed, nothing signed
  const bare = perCall(() =>
    http.execute(HttpClientRequest.get(url, { headers: { accept: "application/json" } })).pipe(
      Effect.flatMap((response) => response.text),
      Effect.map((text) => JSON.parse(text) as unknown)
    )
  )
  const get = perCall(() => client.get(`/me/bill/B1`))
  const notFound = perCall(() => Effect.flip(client.get(`/me/bill/B404`)))
  const now = perCall(() => timeDelta.now)
  const sign = perCall(() =>
    Effect.sync(() =>
      Signature.sign({
        applicationSecret: secrets.applicationSecret,
        consumerKey: secrets.consumerKey,
        method: "GET",
        url,
        body: "",
        timestamp: 1_800_000_000
      })
    )
  )
  const url_ = perCall(() => Effect.sync(() => OvhClient.urlOf(BASE, "/me/bill/B1")))
  const only = process.env["OVERHEAD_ONLY"]
  if (only === "get") return { getUs: yield* get }
  if (only === "bare") return { bareHttpClientUs: yield* bare }
  if (only === "notFound") return { notFoundUs: yield* notFound }
  const bareUs = yield* bare
  const getUs = yield* get
  const notFoundUs = yield* notFound
  return {
    bareHttpClientUs: bareUs,
    getUs,
    ownUs: getUs - bareUs,
    notFoundUs,
    notFoundOwnUs: notFoundUs - bareUs,
    signUs: yield* sign,
    urlUs: yield* url_,
    timeDeltaNowUs: yield* now
  }
}).pipe(Effect.provide(clientLayer))

Effect.runPromise(program).then((result) => {
  process.stdout.write(JSON.stringify(result) + "\n")
})
