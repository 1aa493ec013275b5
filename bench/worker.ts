/**
 * One measurement in a fresh process: `node bench/worker.ts '<task JSON>'` prints one JSON line.
 * The fake server runs in another process, so `process.cpuUsage` here is the client's cost alone.
 */
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as crypto from "node:crypto"
import * as diagnostics from "node:diagnostics_channel"
import * as Undici from "undici"
import type { FakeInfo } from "./lib.ts"
import { quantile } from "./lib.ts"

export type Contender =
  | "effect-ovh"
  | "effect-ovh-platform"
  | "effect-http"
  | "effect-undici"
  | "node-ovh"
  | "raw-undici"

export interface LoadTask {
  readonly kind: "load"
  readonly contender: Contender
  readonly fake: FakeInfo
  readonly concurrency: number
  readonly calls: number
  readonly warmup: number
  readonly ids: ReadonlyArray<string>
}

export interface LoadResult {
  readonly calls: number
  readonly seconds: number
  readonly rps: number
  readonly p50Ms: number
  readonly p99Ms: number
  /** Client CPU (user + system) per call, µs. */
  readonly cpuPerCallUs: number
}

export interface AuthTimeTask {
  readonly kind: "authTime"
  readonly fake: FakeInfo
  readonly calls: number
}

export interface FetchAllTask {
  readonly kind: "fetchAll"
  readonly fake: FakeInfo
  readonly mode: "fanout" | "sequential"
  readonly concurrency: number
  /** How many of the listed bills to fetch (the list holds more, so one server serves every size). */
  readonly count: number
}

export interface FetchAllResult {
  readonly items: number
  readonly wallMs: number
  /** Peak resident set size and heap during the fetch, MB. */
  readonly peakRssMb: number
  readonly peakHeapMb: number
  /** Heap before the fetch, MB. */
  readonly baseHeapMb: number
  /**
   * The largest live heap (\`heapUsed\` right after a full GC) of ten samples taken along the fetch,
   * one every tenth of the items, MB: what the fetch holds, without the garbage not yet collected.
   */
  readonly peakLiveHeapMb: number
}

export type Task = LoadTask | AuthTimeTask | FetchAllTask

const settingsOf = (fake: FakeInfo): NodeOvh.Options => ({
  endpoint: fake.baseUrl,
  applicationKey: fake.applicationKey,
  applicationSecret: fake.applicationSecret,
  consumerKey: fake.consumerKey,
  configPaths: [],
  env: {}
})

interface Bill {
  readonly priceWithTax: { readonly value: number }
}

// ---- load: requests per second, latency, client CPU --------------------------------------------------------

interface Meter {
  readonly latencies: Float64Array
  next: number
}

const summarize = (meter: Meter, seconds: number, cpuMicros: number): LoadResult => ({
  calls: meter.latencies.length,
  seconds,
  rps: meter.latencies.length / seconds,
  p50Ms: quantile(meter.latencies, 0.5),
  p99Ms: quantile(meter.latencies, 0.99),
  cpuPerCallUs: cpuMicros / meter.latencies.length
})

const cpuNow = () => {
  const usage = process.cpuUsage()
  return usage.user + usage.system
}

/** `concurrency` workers share `calls` Promise-returning calls. */
const loadPromise = async (
  get: (path: string) => Promise<unknown>,
  task: LoadTask
): Promise<LoadResult> => {
  const round = async (calls: number) => {
    const meter: Meter = { latencies: new Float64Array(calls), next: 0 }
    const worker = async () => {
      while (meter.next < calls) {
        const i = meter.next++
        const start = performance.now()
        await get(`/me/bill/${task.ids[i % task.ids.length]}`)
        meter.latencies[i] = performance.now() - start
      }
    }
    const cpu = cpuNow()
    const start = performance.now()
    await Promise.all(Array.from({ length: task.concurrency }, worker))
    return summarize(meter, (performance.now() - start) / 1000, cpuNow() - cpu)
  }
  await round(task.warmup)
  return round(task.calls)
}

/** `concurrency` fibers share `calls` calls, the Effect way. */
const loadFibers = <E>(get: (path: string) => Effect.Effect<unknown, E>, task: LoadTask) =>
  Effect.gen(function*() {
    const round = (calls: number) =>
      Effect.gen(function*() {
        const meter: Meter = { latencies: new Float64Array(calls), next: 0 }
        const worker = Effect.gen(function*() {
          while (meter.next < calls) {
            const i = meter.next++
            const start = performance.now()
            yield* get(`/me/bill/${task.ids[i % task.ids.length]}`)
            meter.latencies[i] = performance.now() - start
          }
        })
        const cpu = cpuNow()
        const start = performance.now()
        yield* Effect.all(Array.from({ length: task.concurrency }, () => worker), {
          concurrency: "unbounded",
          discard: true
        })
        return summarize(meter, (performance.now() - start) / 1000, cpuNow() - cpu)
      })
    yield* round(task.warmup)
    return yield* round(task.calls)
  })

/**
 * effect-ovh: `concurrency` fibers over one client, through `NodeOvh.layer`'s `HttpClient` or, with
 * `platform`, through platform-node's general-purpose undici `HttpClient` (streams, spans, abort signals).
 */
const loadEffect = (task: LoadTask, platform = false) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    return yield* loadFibers((path) => client.get(path), task)
  }).pipe(
    Effect.provide(
      platform
        ? OvhClient.OvhClient.layer.pipe(
          Layer.provide(NodeOvh.layerConfig(settingsOf(task.fake))),
          Layer.provide(NodeHttpClient.layerUndici)
        )
        : NodeOvh.layer(settingsOf(task.fake))
    )
  )

/** The headers of a signed GET of \`url\`, computed by hand with node:crypto (\`delta\`: server - local seconds). */
const signedHeaders = (fake: FakeInfo, url: string, delta: number): Record<string, string> => {
  const timestamp = String(Math.floor(Date.now() / 1000) + delta)
  const signature = "$1$" + crypto.createHash("sha1")
    .update(`${fake.applicationSecret}+${fake.consumerKey}+GET+${url}++${timestamp}`)
    .digest("hex")
  return {
    accept: "application/json",
    "x-ovh-application": fake.applicationKey,
    "x-ovh-consumer": fake.consumerKey,
    "x-ovh-timestamp": timestamp,
    "x-ovh-signature": signature
  }
}

/**
 * The floor under effect-ovh: Effect's own undici \`HttpClient\` (the one \`NodeOvh.layer\` uses), the
 * request signed by hand. What effect-ovh costs above this is its own work.
 */
const loadEffectHttp = (task: LoadTask) =>
  Effect.gen(function*() {
    const http = yield* HttpClient.HttpClient
    const fake = task.fake
    const timeResponse = yield* http.get(fake.baseUrl + "/auth/time")
    const delta = Number(yield* timeResponse.text) - Math.floor(Date.now() / 1000)
    const get = (path: string) => {
      const url = fake.baseUrl + path
      return http.get(url, { headers: signedHeaders(fake, url, delta) }).pipe(
        Effect.flatMap((response) =>
          Effect.map(response.text, (text) => {
            if (response.status >= 300) throw new Error(`${response.status} ${text}`)
            return JSON.parse(text) as unknown
          })
        )
      )
    }
    return yield* loadFibers(get, task)
  }).pipe(Effect.provide(NodeOvh.layerHttpClient({ proxy: false })))

/** The limit: undici keep-alive, signing with node:crypto, nothing else. */
const rawUndici = async (fake: FakeInfo) => {
  const agent = new Undici.Agent({ keepAliveTimeout: 10_000 })
  const time = await Undici.request(fake.baseUrl + "/auth/time", { dispatcher: agent })
  const delta = Number(await time.body.text()) - Math.floor(Date.now() / 1000)
  const get = async (path: string): Promise<unknown> => {
    const url = fake.baseUrl + path
    const response = await Undici.request(url, {
      dispatcher: agent,
      method: "GET",
      headers: signedHeaders(fake, url, delta)
    })
    const text = await response.body.text()
    if (response.statusCode >= 300) throw new Error(`${response.statusCode} ${text}`)
    return JSON.parse(text)
  }
  return { get, close: () => agent.close() }
}

interface NodeOvhClient {
  readonly requestPromised: (method: string, path: string) => Promise<unknown>
}

const nodeOvh = async (fake: FakeInfo) => {
  const { createRequire } = await import("node:module")
  const ovh = createRequire(import.meta.url)("@ovhcloud/node-ovh") as (params: Record<string, unknown>) => NodeOvhClient
  const url = new URL(fake.baseUrl)
  const client = ovh({
    appKey: fake.applicationKey,
    appSecret: fake.applicationSecret,
    consumerKey: fake.consumerKey,
    host: url.hostname,
    port: Number(url.port)
  })
  return { get: (path: string) => client.requestPromised("GET", path) }
}

const load = async (task: LoadTask): Promise<LoadResult> => {
  switch (task.contender) {
    case "effect-ovh":
      return Effect.runPromise(loadEffect(task))
    case "effect-ovh-platform":
      return Effect.runPromise(loadEffect(task, true))
    case "effect-http":
      return Effect.runPromise(loadEffectHttp(task))
    case "effect-undici": {
      // the floor of an Effect program: the same requests, each one an Effect run in a fiber
      const raw = await rawUndici(task.fake)
      const result = await Effect.runPromise(loadFibers((path) => Effect.promise(() => raw.get(path)), task))
      await raw.close()
      return result
    }
    case "raw-undici": {
      const raw = await rawUndici(task.fake)
      const result = await loadPromise(raw.get, task)
      await raw.close()
      return result
    }
    case "node-ovh":
      return loadPromise((await nodeOvh(task.fake)).get, task)
  }
}

// ---- /auth/time: one request however many calls start at once ---------------------------------------------

const authTime = async (task: AuthTimeTask) => {
  let total = 0
  let time = 0
  diagnostics.subscribe("undici:request:create", (message) => {
    total++
    if ((message as { request: { path: string } }).request.path.endsWith("/auth/time")) time++
  })
  await Effect.runPromise(
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      yield* Effect.forEach(
        Array.from({ length: task.calls }, (_, i) => i),
        () => client.get("/me"),
        { concurrency: "unbounded", discard: true }
      )
    }).pipe(Effect.provide(NodeOvh.layer(settingsOf(task.fake))))
  )
  return { calls: task.calls, authTimeRequests: time, totalRequests: total }
}

// ---- fetch every bill's details: list, then one GET each ---------------------------------------------------

const fetchAll = (task: FetchAllTask) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    // warm the connection and the time delta, so both modes time the fetch alone
    yield* client.get("/me")
    globalThis.gc?.()
    const baseHeap = process.memoryUsage().heapUsed
    let peakRss = 0
    let peakHeap = 0
    const sample = () => {
      const usage = process.memoryUsage()
      peakRss = Math.max(peakRss, usage.rss)
      peakHeap = Math.max(peakHeap, usage.heapUsed)
    }
    const timer = setInterval(sample, 5)
    const start = performance.now()
    let total = 0
    let items = 0
    let peakLive = 0
    const every = Math.max(1, Math.floor(task.count / 10))
    const counted = () => {
      items++
      if (items % every === 0 && globalThis.gc !== undefined) {
        globalThis.gc()
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed)
      }
    }
    const ids = (yield* client.get<ReadonlyArray<string>>("/me/bill")).slice(0, task.count)
    if (task.mode === "sequential") {
      // the python-ovh examples: `for id in client.get('/me/bill'): client.get('/me/bill/%s' % id)`
      for (const id of ids) {
        const bill = yield* client.get<Bill>(`/me/bill/${id}`)
        total += bill.priceWithTax.value
        counted()
      }
    } else {
      yield* Effect.forEach(ids, (id) =>
        Effect.map(client.get<Bill>(`/me/bill/${id}`), (bill) => {
          total += bill.priceWithTax.value
          counted()
        }), { concurrency: task.concurrency, discard: true })
    }
    const wallMs = performance.now() - start
    clearInterval(timer)
    sample()
    if (items !== task.count || !Number.isFinite(total)) throw new Error(`fetched ${items} of ${task.count}`)
    const mb = (bytes: number) => bytes / 1024 / 1024
    return {
      items,
      wallMs,
      peakRssMb: mb(peakRss),
      peakHeapMb: mb(peakHeap),
      baseHeapMb: mb(baseHeap),
      peakLiveHeapMb: mb(peakLive)
    } satisfies FetchAllResult
  }).pipe(Effect.provide(NodeOvh.layer(settingsOf(task.fake))))

// ---- main --------------------------------------------------------------------------------------------------

const run = (task: Task): Promise<unknown> => {
  switch (task.kind) {
    case "load":
      return load(task)
    case "authTime":
      return authTime(task)
    case "fetchAll":
      return Effect.runPromise(fetchAll(task))
  }
}

if (process.argv[2] !== undefined) {
  run(JSON.parse(process.argv[2]) as Task).then(
    (result) => {
      process.stdout.write(JSON.stringify(result) + "\n")
      process.exit(0)
    },
    (error: unknown) => {
      process.stderr.write(`worker: ${error instanceof Error ? error.stack : String(error)}\n`)
      process.exit(1)
    }
  )
}
