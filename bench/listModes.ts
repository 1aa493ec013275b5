/**
 * `node bench/listModes.ts [--rounds N] [--latency MS]`: the details of 1,000 and 10,000 bills, against
 * `fake-ovh --tls --latency 25` (every answer 25 ms late, as the real API over a network), fetched by
 * - the sequential loop of the seed examples (python-ovh's: list, then one GET per bill, one at a time),
 * - the fan-out, one GET per bill, 64 at a time (`FanOut.getAll` with `strategy: "each"`),
 * - list mode (`FanOut.getAll`, the default: whole bills a page of 1,000 at a time),
 * - batch GETs (`strategy: "batch"`: the ids, then 50 bills per GET, 8 GETs at a time).
 * Each measurement runs in a fresh Node process (`--worker`), after one unrecorded pass that has the
 * fake make up every bill; every bill is folded into a sum and dropped. Requests are counted at the
 * client's `HttpClient`. "live" is the largest `heapUsed` right after a full GC, taken at every tenth
 * of the bills (those GCs are left out of the wall time); "peak" the largest `heapUsed` sampled every
 * 5 ms.
 * The sequential loop runs once per size; the other rows are medians of `--rounds` (default 3).
 * Prints one JSON line per measurement on stderr and the Markdown table on stdout.
 */
import * as FanOut from "@effect-ovh/core/FanOut"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as Effect from "effect/Effect"
import * as HttpClient from "effect/http/HttpClient"
import * as Layer from "effect/Layer"
import * as Stream from "effect/Stream"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { FakeInfo } from "./lib.ts"
import { median, numberOption, startFake } from "./lib.ts"

type How = "sequential" | "fanout64" | "listMode" | "batch"

interface Task {
  readonly fake: FakeInfo
  readonly how: How
  readonly count: number
}

interface Result {
  readonly how: How
  readonly count: number
  readonly items: number
  readonly requests: number
  readonly wallMs: number
  readonly liveHeapGrowthMb: number
  readonly peakHeapGrowthMb: number
}

interface Bill {
  readonly priceWithTax: { readonly value: number }
}

const mb = (bytes: number) => bytes / 1024 / 1024

// ---- worker: one measurement ------------------------------------------------------------------------------

const measure = (task: Task) => {
  let requests = 0
  const counting = Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, HttpClient.tapRequest(() => Effect.sync(() => requests++)))
  ).pipe(Layer.provide(NodeOvh.layerHttpClient({ proxy: false })))
  const settings: NodeOvh.Options = {
    endpoint: task.fake.baseUrl,
    applicationKey: task.fake.applicationKey,
    applicationSecret: task.fake.applicationSecret,
    consumerKey: task.fake.consumerKey,
    configPaths: [],
    env: {}
  }
  const clientLayer = OvhClient.OvhClient.layerWith({}).pipe(
    Layer.provideMerge(NodeOvh.layerConfig(settings)),
    Layer.provide(counting)
  )
  return Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    // warm the connection and the time delta, so every row times the fetch alone
    yield* client.get("/me")
    globalThis.gc?.()
    const baseHeap = process.memoryUsage().heapUsed
    let peakHeap = baseHeap
    const timer = setInterval(() => (peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)), 5)
    let items = 0
    let total = 0
    let peakLive = baseHeap
    const every = Math.max(1, Math.floor(task.count / 10))
    // the full GCs that read the live heap are timed apart and left out of the wall time
    let samplingMs = 0
    const counted = (bill: Bill) => {
      total += bill.priceWithTax.value
      if (++items % every === 0 && globalThis.gc !== undefined) {
        const before = performance.now()
        globalThis.gc()
        peakLive = Math.max(peakLive, process.memoryUsage().heapUsed)
        samplingMs += performance.now() - before
      }
    }
    requests = 0
    const start = performance.now()
    switch (task.how) {
      case "sequential": {
        // the seed examples: `for id in client.get('/me/bill'): client.get('/me/bill/%s' % id)`
        const ids = yield* client.get<ReadonlyArray<string>>("/me/bill")
        for (const id of ids) counted(yield* client.get<Bill>(`/me/bill/${id}`))
        break
      }
      case "fanout64":
        yield* Stream.runForEach(
          FanOut.getAll("/me/bill", { strategy: "each", concurrency: 64 }),
          (bill) => Effect.sync(() => counted(bill))
        )
        break
      case "listMode":
        yield* Stream.runForEach(FanOut.getAll("/me/bill"), (bill) => Effect.sync(() => counted(bill)))
        break
      case "batch":
        yield* Stream.runForEach(
          FanOut.getAll("/me/bill", { strategy: "batch" }),
          (bill) => Effect.sync(() => counted(bill))
        )
        break
    }
    const wallMs = performance.now() - start - samplingMs
    clearInterval(timer)
    if (items !== task.count || !Number.isFinite(total)) throw new Error(`${task.how}: ${items} of ${task.count} bills`)
    return {
      how: task.how,
      count: task.count,
      items,
      requests,
      wallMs,
      liveHeapGrowthMb: mb(peakLive - baseHeap),
      peakHeapGrowthMb: mb(peakHeap - baseHeap)
    } satisfies Result
  }).pipe(Effect.provide(clientLayer))
}

// ---- driver -----------------------------------------------------------------------------------------------

const runWorker = (task: Task, env: Record<string, string>): Promise<Result> =>
  new Promise((resolve, reject) => {
    const child = childProcess.spawn(
      process.execPath,
      ["--expose-gc", new URL(import.meta.url).pathname, "--worker", JSON.stringify(task)],
      { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "inherit"] }
    )
    let out = ""
    child.stdout.on("data", (chunk: Buffer) => (out += chunk.toString()))
    child.once("exit", (code) => {
      if (code !== 0) return reject(new Error(`worker ${task.how}/${task.count} exited with ${code}: ${out}`))
      resolve(JSON.parse(out.trim().split("\n").pop()!) as Result)
    })
  })

const envOf = (fake: { readonly info: FakeInfo }): Record<string, string> =>
  fake.info.caFile !== undefined ? { NODE_EXTRA_CA_CERTS: fake.info.caFile } : {}

const drive = async (argv: ReadonlyArray<string>) => {
  const option = (name: string, fallback: number) => numberOption(argv, name, fallback)
  const rounds = option("--rounds", 3)
  const latencyMs = option("--latency", 25)
  const sizes = [1000, 10_000] as const
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-ovh-list-modes-"))
  const fakes = new Map<number, Awaited<ReturnType<typeof startFake>>>()
  for (const size of sizes) {
    const dataFile = path.join(dir, `bills-${size}.json`)
    const ids = Array.from({ length: size }, (_, i) => `FR${String(i + 1).padStart(8, "0")}`)
    fs.writeFileSync(dataFile, JSON.stringify({ "/me/bill": ids }))
    fakes.set(size, await startFake({ tls: true, dataFile, latencyMs }))
  }
  const results = new Map<string, Array<Result>>()
  try {
    // the fake makes up each bill on its first read and remembers it: one unrecorded pass, so every
    // row measures the same server work
    for (const size of sizes) {
      const fake = fakes.get(size)!
      await runWorker({ fake: fake.info, how: "listMode", count: size }, envOf(fake))
    }
    for (let round = 1; round <= rounds; round++) {
      for (const size of sizes) {
        const fake = fakes.get(size)!
        const env = envOf(fake)
        const hows: ReadonlyArray<How> = round === 1
          ? ["listMode", "batch", "fanout64", "sequential"]
          : ["sequential", "fanout64", "batch", "listMode"].filter((how) => how !== "sequential") as Array<How>
        for (const how of hows) {
          const result = await runWorker({ fake: fake.info, how, count: size }, env)
          process.stderr.write(JSON.stringify({ round, ...result }) + "\n")
          const key = `${how}/${size}`
          results.set(key, [...(results.get(key) ?? []), result])
        }
      }
    }
  } finally {
    for (const fake of fakes.values()) await fake.stop()
  }
  const labels: Record<How, string> = {
    sequential: "sequential loop (seed examples)",
    fanout64: "fan-out, one GET per bill, concurrency 64",
    batch: "batch GETs, 50 bills each, 8 at a time",
    listMode: "list mode (`FanOut.getAll`), pages of 1,000"
  }
  const rows = [
    "| bills | how | wall ms | speed-up | requests | requests vs loop | live heap growth MB | peak heap growth MB |"
  ]
  rows.push("| --: | --- | --: | --: | --: | --: | --: | --: |")
  for (const size of sizes) {
    const sequential = results.get(`sequential/${size}`)!
    const loopMs = median(sequential.map((r) => r.wallMs))
    const loopRequests = sequential[0]!.requests
    for (const how of ["sequential", "fanout64", "batch", "listMode"] as const) {
      const runs = results.get(`${how}/${size}`)!
      const wall = median(runs.map((r) => r.wallMs))
      const requests = median(runs.map((r) => r.requests))
      rows.push(
        `| ${size.toLocaleString("en")} | ${labels[how]} | ${wall.toFixed(0)} | ${
          (loopMs / wall).toFixed(how === "sequential" ? 2 : 1)
        }× | ` +
          `${requests.toLocaleString("en")} | ${((requests / loopRequests) * 100).toFixed(2)} % | ` +
          `${median(runs.map((r) => r.liveHeapGrowthMb)).toFixed(1)} | ${
            median(runs.map((r) => r.peakHeapGrowthMb)).toFixed(1)
          } |`
      )
    }
  }
  process.stdout.write(rows.join("\n") + "\n")
}

const argv = process.argv.slice(2)
if (argv[0] === "--worker") {
  Effect.runPromise(measure(JSON.parse(argv[1]!) as Task)).then(
    (result) => process.stdout.write(JSON.stringify(result) + "\n"),
    (error) => {
      process.stderr.write(String(error) + "\n")
      process.exit(1)
    }
  )
} else {
  await drive(argv)
}
