/**
 * Fan-out memory and pace: `FanOut.getAll("/me/bill")` over 1,000 to 30,000 bills, 8 at a time, each
 * answer a few scheduler turns late (so requests overlap), consumed one by one; against the same
 * requests gathered with `Effect.forEach` (every bill kept). Also a v2 list of 10,000 objects streamed
 * through `Pagination.stream`. The `HttpClient` is in process and keeps nothing, so the heap measured is
 * the client's and the stream's. The live heap is read after a full GC every `size / 10` answers.
 *
 * `node --expose-gc bench/fanout.ts` prints one JSON line per scenario.
 */
import * as FanOut from "@effect-ovh/core/FanOut"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as Pagination from "@effect-ovh/core/Pagination"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientResponse from "effect/http/HttpClientResponse"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"

const gc = (globalThis as { gc?: () => void }).gc ?? (() => {})

let listSize = 0
let inFlight = 0
let maxInFlight = 0
let requests = 0
let answered = 0
let checkpointEvery = Number.POSITIVE_INFINITY
let liveSamples: Array<number> = []

const bill = (id: string) =>
  JSON.stringify({
    billId: id,
    date: "2026-01-01T00:00:00+01:00",
    orderId: 42,
    password: "x",
    pdfUrl: `https://example.invalid/${id}.pdf`,
    priceWithTax: { currencyCode: "EUR", text: "12.50 €", value: 12.5 },
    priceWithoutTax: { currencyCode: "EUR", text: "10.42 €", value: 10.42 },
    tax: { currencyCode: "EUR", text: "2.08 €", value: 2.08 },
    url: `https://example.invalid/${id}`
  })

const json = (
  request: Parameters<typeof HttpClientResponse.fromWeb>[0],
  body: string,
  headers: Record<string, string> = {}
) =>
  HttpClientResponse.fromWeb(
    request,
    new Response(body, {
      status: 200,
      headers: { "content-type": "application/json", "x-ovh-queryid": "EU.q", ...headers }
    })
  )

/** `/auth/time`, `/me/bill` (all ids at once), `/me/bill/{id}` 1 ms late, and a v2 list paged by offset cursors. */
const api = HttpClient.make((request, url) =>
  Effect.gen(function*() {
    requests++
    if (url.pathname.endsWith("/auth/time")) return json(request, String(Math.floor(Date.now() / 1000)))
    if (url.pathname === "/1.0/me/bill") {
      return json(request, JSON.stringify(Array.from({ length: listSize }, (_, i) => `FR${100_000 + i}`)))
    }
    if (url.pathname.startsWith("/v2/")) {
      const size = Number(request.headers["x-pagination-size"] ?? "100")
      const offset = Number(request.headers["x-pagination-cursor"] ?? "0")
      const end = Math.min(offset + size, listSize)
      const items = Array.from(
        { length: end - offset },
        (_, i) => ({ id: `vrs-${offset + i}`, resourceStatus: "READY" })
      )
      return json(request, JSON.stringify(items), {
        "x-pagination-elements": String(listSize),
        ...(end < listSize ? { "x-pagination-cursor-next": String(end) } : {})
      })
    }
    inFlight++
    maxInFlight = Math.max(maxInFlight, inFlight)
    for (let i = 0; i < 4; i++) yield* Effect.yieldNow
    inFlight--
    if (++answered % checkpointEvery === 0) {
      gc()
      liveSamples.push(process.memoryUsage().heapUsed)
    }
    return json(request, bill(url.pathname.slice(url.pathname.lastIndexOf("/") + 1)))
  })
)

const clientLayer = OvhClient.OvhClient.layer.pipe(
  Layer.provideMerge(Layer.effect(
    OvhConfig.OvhConfig,
    OvhConfig.resolve([OvhConfig.fromOptions({
      endpoint: "ovh-eu",
      applicationKey: "appkey0123456789",
      applicationSecret: "s".repeat(32),
      consumerKey: "c".repeat(32)
    })])
  )),
  Layer.provideMerge(Layer.succeed(HttpClient.HttpClient, api))
)

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10

/** Runs `body` with the list at `size`; heap figures are above the settled start. */
const measure = <E>(name: string, size: number, body: Effect.Effect<number, E, OvhClient.OvhClient>) =>
  Effect.gen(function*() {
    listSize = size
    maxInFlight = 0
    requests = 0
    answered = 0
    liveSamples = []
    checkpointEvery = Math.max(1, Math.floor(size / 10))
    gc()
    const base = process.memoryUsage().heapUsed
    const start = performance.now()
    const items = yield* body
    const ms = performance.now() - start
    checkpointEvery = Number.POSITIVE_INFINITY
    gc()
    const line = {
      scenario: name,
      items,
      requests,
      maxInFlight,
      seconds: Math.round(ms) / 1000,
      itemsPerSecond: Math.round(items / (ms / 1000)),
      liveHeapAboveStartMb: liveSamples.map((sample) => mb(sample - base)),
      retainedAfterGcMb: mb(process.memoryUsage().heapUsed - base)
    }
    process.stdout.write(JSON.stringify(line) + "\n")
  })

const count = <A, E, R>(stream: Stream.Stream<A, E, R>) => Stream.runFold(stream, () => 0, (n) => n + 1)

const program = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  // warm-up: JIT, the learned server time
  listSize = 2_000
  yield* count(FanOut.getAll("/me/bill"))
  for (const size of [1_000, 10_000, 30_000]) {
    yield* measure(`FanOut.getAll /me/bill, concurrency 8`, size, count(FanOut.getAll("/me/bill")))
  }
  for (const size of [1_000, 10_000, 30_000]) {
    yield* measure(
      `Effect.forEach over the ids, concurrency 8 (every bill kept)`,
      size,
      Effect.gen(function*() {
        const ids = yield* client.get<ReadonlyArray<string>>("/me/bill")
        const bills = yield* Effect.forEach(ids, (id) => client.get(`/me/bill/${id}`), { concurrency: 8 })
        return bills.length
      })
    )
  }
  yield* measure(
    "Pagination.stream /v2 list, page size 100",
    10_000,
    count(Pagination.stream("/v2/vrackServices/resource"))
  )
  yield* measure(
    "Pagination.stream /v2 list, take 10",
    10_000,
    count(Pagination.stream("/v2/vrackServices/resource").pipe(Stream.take(10)))
  )
}).pipe(Effect.provide(clientLayer))

Effect.runPromise(program)
