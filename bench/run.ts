/**
 * `bash scripts/pnpm.sh bench [--rounds N] [--no-write]`: every client benchmark in one run, against
 * the same two loopback fake servers (HTTP and HTTPS), each in its own process. Every measurement
 * runs in a fresh worker process, contenders interleaved round by round; figures are medians over
 * the rounds, with their spread. Writes the "Client benchmarks" section of BENCHMARKS.md.
 */
import * as esbuild from "esbuild"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"
import type { Fake } from "./lib.ts"
import { median, numberOption, runWorker, spread, startFake } from "./lib.ts"
import type { Contender, FetchAllResult, LoadResult } from "./worker.ts"

const root = new URL("..", import.meta.url).pathname
const argv = process.argv.slice(2)
const flag = (name: string) => argv.includes(name)
const option = (name: string, fallback: number) => numberOption(argv, name, fallback)
const ROUNDS = option("--rounds", 3)
const C1_CALLS = option("--c1-calls", 2000)
const C64_CALLS = option("--c64-calls", 6000)
const LIST_SIZE = 10_000
const FAN_OUT = 64
/** What every answer of the fan-out's server waits, as the real API over a network would. */
const LATENCY_MS = option("--latency", 25)

const log = (line: string) => process.stderr.write(line + "\n")

// ---- setup -------------------------------------------------------------------------------------------------

const ids = Array.from({ length: LIST_SIZE }, (_, i) => `B${String(i + 1).padStart(6, "0")}`)
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-ovh-bench-"))
const dataFile = path.join(dataDir, "data.json")
fs.writeFileSync(dataFile, JSON.stringify({ "/me/bill": ids }))
const loadIds = ids.slice(0, 100)

const loadAverage = () => os.loadavg().map((n) => n.toFixed(2)).join(" ")
const loadAtStart = loadAverage()
const started = new Date()

const fakes: Record<"http" | "https", Fake> = {
  http: await startFake({ tls: false, dataFile }),
  https: await startFake({ tls: true, dataFile })
}
// the fan-out runs against a server that answers after LATENCY_MS, as the real API does
const remote = await startFake({ tls: true, dataFile, latencyMs: LATENCY_MS })
const envOf = (fake: Fake): Record<string, string> =>
  fake.info.caFile !== undefined ? { NODE_EXTRA_CA_CERTS: fake.info.caFile } : {}

// ---- 1. load: rps, latency, client CPU ---------------------------------------------------------------------

type Transport = "https" | "http"
const contenders: Record<Transport, ReadonlyArray<Contender>> = {
  https: ["raw-undici", "effect-undici", "effect-ovh", "effect-ovh-platform", "effect-http", "node-ovh"],
  http: ["raw-undici", "effect-undici", "effect-ovh", "effect-ovh-platform", "effect-http"]
}
const CONCURRENCY = [1, 64] as const
type LoadKey = `${Transport}/${Contender}/${number}`
const loads = new Map<LoadKey, Array<LoadResult & { serverCpuPerCallUs: number }>>()

for (let round = 1; round <= ROUNDS; round++) {
  for (const transport of ["https", "http"] as const) {
    const fake = fakes[transport]
    // rotate the order each round, so no contender always runs first or last
    const order = contenders[transport].map((_, i, all) => all[(i + round) % all.length]!)
    for (const contender of order) {
      for (const concurrency of CONCURRENCY) {
        const calls = concurrency === 1 ? C1_CALLS : C64_CALLS
        const warmup = Math.round(calls / 5)
        const serverCpu = fake.cpuMicros()
        const result = await runWorker<LoadResult>(
          { kind: "load", contender, fake: fake.info, concurrency, calls, warmup, ids: loadIds },
          envOf(fake)
        )
        const serverCpuPerCallUs = (fake.cpuMicros() - serverCpu) / (calls + warmup)
        const key: LoadKey = `${transport}/${contender}/${concurrency}`
        loads.set(key, [...(loads.get(key) ?? []), { ...result, serverCpuPerCallUs }])
        log(
          `round ${round} ${key}: ${result.rps.toFixed(0)} req/s, p50 ${result.p50Ms.toFixed(2)} ms, ` +
            `p99 ${result.p99Ms.toFixed(2)} ms, client CPU ${result.cpuPerCallUs.toFixed(0)} µs/call`
        )
      }
    }
  }
}

// ---- 2. /auth/time when 1,000 calls start at once -----------------------------------------------------------

const authTime = await runWorker<{ calls: number; authTimeRequests: number; totalRequests: number }>(
  { kind: "authTime", fake: fakes.https.info, calls: 1000 },
  envOf(fakes.https)
)
log(`auth/time: ${JSON.stringify(authTime)}`)

// ---- 3. details of 1,000 and 10,000 bills: fan-out against the sequential loop -----------------------------

type FetchKey = `${"fanout" | "sequential"}/${number}`
const fetches = new Map<FetchKey, Array<FetchAllResult>>()
for (let round = 1; round <= ROUNDS; round++) {
  for (const count of [1000, 10_000]) {
    for (const mode of round % 2 === 1 ? ["fanout", "sequential"] as const : ["sequential", "fanout"] as const) {
      // the sequential loop over 10,000 bills takes minutes at any latency: one round of it is enough
      if (mode === "sequential" && count === 10_000 && round > 1) continue
      const result = await runWorker<FetchAllResult>(
        { kind: "fetchAll", fake: remote.info, mode, concurrency: mode === "fanout" ? FAN_OUT : 1, count },
        { ...envOf(remote), NODE_OPTIONS: "--expose-gc" }
      )
      const key: FetchKey = `${mode}/${count}`
      fetches.set(key, [...(fetches.get(key) ?? []), result])
      log(
        `round ${round} ${key}: ${result.wallMs.toFixed(0)} ms, live heap +${
          (result.peakLiveHeapMb - result.baseHeapMb).toFixed(1)
        } MB, ` +
          `peak heap ${result.peakHeapMb.toFixed(1)} MB`
      )
    }
  }
}

const serverRss = { http: fakes.http.rssMb(), https: fakes.https.rssMb() }
await fakes.http.stop()
await fakes.https.stop()
await remote.stop()
fs.rmSync(dataDir, { recursive: true, force: true })

// ---- 4. effect-ovh's own work per call, in process ----------------------------------------------------------

interface Overhead {
  bareHttpClientUs: number
  getUs: number
  ownUs: number
  notFoundUs: number
  notFoundOwnUs: number
  signUs: number
  urlUs: number
  timeDeltaNowUs: number
}
const overheads: Array<Overhead> = []
for (let round = 1; round <= ROUNDS; round++) {
  overheads.push(
    JSON.parse(childProcess.execFileSync(process.execPath, ["bench/overhead.ts"], { cwd: root, encoding: "utf8" }))
  )
  log(`overhead round ${round}: ${JSON.stringify(overheads.at(-1))}`)
}

// ---- 5. cold import time -------------------------------------------------------------------------------------

const importProbe = (specifier: string) =>
  `const t = performance.now(); await import(${JSON.stringify(specifier)}); ` +
  `process.stdout.write(String(performance.now() - t))`
const coldImport = (specifier: string) => {
  const samples: Array<number> = []
  for (let i = 0; i < 7; i++) {
    samples.push(Number(childProcess.execFileSync(
      process.execPath,
      ["--input-type=module", "-e", importProbe(specifier)],
      { cwd: root, encoding: "utf8" }
    )))
  }
  return samples
}
const imports = {
  "@effect-ovh/node": coldImport("@effect-ovh/node"),
  "@ovhcloud/node-ovh": coldImport("@ovhcloud/node-ovh"),
  undici: coldImport("undici")
}
log(`cold import: ${JSON.stringify(Object.fromEntries(Object.entries(imports).map(([k, v]) => [k, median(v)])))}`)

// ---- 6. bundle size of a minimal app ------------------------------------------------------------------------

const bundle = async (entry: string) => {
  const result = await esbuild.build({
    entryPoints: [path.join(root, "bench/apps", entry)],
    bundle: true,
    minify: true,
    platform: "node",
    format: "esm",
    write: false,
    metafile: true,
    logLevel: "error"
  })
  const bytes = result.outputFiles[0]!.contents
  return { bytes: bytes.length, gzip: zlib.gzipSync(bytes).length, modules: Object.keys(result.metafile.inputs).length }
}
const bundles = {
  "effect-ovh": await bundle("effect-ovh.ts"),
  "node-ovh": await bundle("node-ovh.cjs"),
  "raw-undici": await bundle("raw-undici.ts")
}
log(`bundles: ${JSON.stringify(bundles)}`)

// ---- report --------------------------------------------------------------------------------------------------

const versionOf = (name: string) => {
  const file = path.join(root, "node_modules", name, "package.json")
  return (JSON.parse(fs.readFileSync(fs.realpathSync(file), "utf8")) as { version: string }).version
}
const undiciFromEffect = (() => {
  const platform = fs.realpathSync(path.join(root, "node_modules/@effect/platform-node"))
  const file = path.join(platform, "..", "..", "undici", "package.json")
  return fs.existsSync(file) ? (JSON.parse(fs.readFileSync(file, "utf8")) as { version: string }).version : "?"
})()

const f0 = (n: number) => n.toFixed(0)
const f1 = (n: number) => n.toFixed(1)
const f2 = (n: number) => n.toFixed(2)
const ratio = (n: number) => `${n.toFixed(2)}×`
const noise = (values: ReadonlyArray<number>) => `±${f0(spread(values) / 2)} %`
const med = <A>(rows: ReadonlyArray<A>, pick: (a: A) => number) => median(rows.map(pick))

const loadRows: Array<string> = []
const cpuRows: Array<string> = []
const verdicts: Array<string> = []
for (const transport of ["https", "http"] as const) {
  for (const concurrency of CONCURRENCY) {
    const base = loads.get(`${transport}/raw-undici/${concurrency}`)!
    const baseRps = med(base, (r) => r.rps)
    const baseCpu = med(base, (r) => r.cpuPerCallUs)
    const baseP50 = med(base, (r) => r.p50Ms)
    for (const contender of contenders[transport]) {
      const rows = loads.get(`${transport}/${contender}/${concurrency}`)!
      const rps = med(rows, (r) => r.rps)
      const p50 = med(rows, (r) => r.p50Ms)
      const p99 = med(rows, (r) => r.p99Ms)
      const cpu = med(rows, (r) => r.cpuPerCallUs)
      const server = med(rows, (r) => r.serverCpuPerCallUs)
      loadRows.push(
        `| ${transport.toUpperCase()} | ${concurrency} | ${contender} | ${f0(rps)} (${
          noise(rows.map((r) => r.rps))
        }) | ` +
          `${ratio(rps / baseRps)} | ${f2(p50)} (${ratio(p50 / baseP50)}) | ${f2(p99)} |`
      )
      cpuRows.push(
        `| ${transport.toUpperCase()} | ${concurrency} | ${contender} | ${f0(cpu)} (${
          noise(rows.map((r) => r.cpuPerCallUs))
        }) | ` +
          `${ratio(cpu / baseCpu)} | ${f0(server)} |`
      )
      if (contender === "effect-ovh") {
        const floor = med(loads.get(`${transport}/effect-undici/${concurrency}`)!, (r) => r.cpuPerCallUs)
        verdicts.push(
          `- ${transport.toUpperCase()}, concurrency ${concurrency}: client CPU ${
            ratio(cpu / baseCpu)
          } the raw baseline ` +
            `(target ≤ 1.10×: ${cpu / baseCpu <= 1.1 ? "met" : "missed"}; the same requests as Effect fibers: ` +
            `${ratio(floor / baseCpu)}, so effect-ovh's own share is ${f0(cpu - floor)} µs/call)` +
            (concurrency === 64
              ? `; throughput ${ratio(rps / baseRps)} (target ≥ 0.95×: ${rps / baseRps >= 0.95 ? "met" : "missed"})`
              : "")
        )
      }
    }
  }
}

const fetchRows: Array<string> = []
for (const count of [1000, 10_000]) {
  const seq = fetches.get(`sequential/${count}`)!
  const fan = fetches.get(`fanout/${count}`)!
  const seqMs = med(seq, (r) => r.wallMs)
  const fanMs = med(fan, (r) => r.wallMs)
  for (
    const [label, rows] of [[`effect-ovh, concurrency ${FAN_OUT}`, fan], [
      "sequential loop (python-ovh examples)",
      seq
    ]] as const
  ) {
    fetchRows.push(
      `| ${count.toLocaleString("en")} | ${label} | ${f0(med(rows, (r) => r.wallMs))} (${
        noise(rows.map((r) => r.wallMs))
      }) | ` +
        `${rows === fan ? ratio(seqMs / fanMs) + " faster" : "1.00×"} | ` +
        `${f1(med(rows, (r) => r.peakLiveHeapMb - r.baseHeapMb))} | ${
          f1(med(rows, (r) => r.peakHeapMb - r.baseHeapMb))
        } | ` +
        `${f0(med(rows, (r) => r.peakRssMb))} |`
    )
  }
}
const fanSpeedup = med(fetches.get("sequential/1000")!, (r) => r.wallMs) /
  med(fetches.get("fanout/1000")!, (r) => r.wallMs)
const heap1k = med(fetches.get("fanout/1000")!, (r) => r.peakLiveHeapMb - r.baseHeapMb)
const heap10k = med(fetches.get("fanout/10000")!, (r) => r.peakLiveHeapMb - r.baseHeapMb)
verdicts.push(
  `- fan-out of 1,000 details: ${ratio(fanSpeedup)} faster than the sequential loop (target ≥ 10×: ` +
    `${fanSpeedup >= 10 ? "met" : "missed"}); live heap growth ${f1(heap1k)} MB for 1,000, ${
      f1(heap10k)
    } MB for 10,000 ` +
    `(target flat: ${heap10k <= heap1k + 2 ? "met" : "missed"})`
)
verdicts.push(
  `- \`/auth/time\` requests for ${authTime.calls.toLocaleString("en")} calls started at once: ` +
    `${authTime.authTimeRequests} (of ${authTime.totalRequests} requests; target 1: ${
      authTime.authTimeRequests === 1 ? "met" : "missed"
    })`
)

const ov = (pick: (o: Overhead) => number) => `${f1(median(overheads.map(pick)))} (${noise(overheads.map(pick))})`
const importRows = Object.entries(imports).map(([name, samples]) =>
  `| \`${name}\` | ${f0(median(samples))} (${noise(samples)}) | ${ratio(median(samples) / median(imports.undici))} |`
)
const bundleRows = Object.entries(bundles).map(([name, b]) =>
  `| ${name} | ${f0(b.bytes / 1024)} | ${f0(b.gzip / 1024)} | ${
    ratio(b.gzip / bundles["raw-undici"].gzip)
  } | ${b.modules} |`
)

const cpu = os.cpus()
const section = `## Client benchmarks

Measured ${
  started.toISOString().slice(0, 16).replace("T", " ")
} UTC with \`bash scripts/pnpm.sh bench\` (${ROUNDS} rounds).
Machine: ${cpu[0]?.model.trim() ?? "?"}, ${cpu.length} cores, ${
  f0(os.totalmem() / 1024 ** 3)
} GiB, ${os.type()} ${os.release()};
load average at start ${loadAtStart}, at end ${loadAverage()} (the machine was shared with other test runs).
Node ${process.versions.node}, effect ${versionOf("effect")}, @effect/platform-node ${
  versionOf("@effect/platform-node")
}
(undici ${undiciFromEffect}), undici ${versionOf("undici")} (baseline), @ovhcloud/node-ovh ${
  versionOf("@ovhcloud/node-ovh")
}, esbuild ${versionOf("esbuild")}.

Signed \`GET /me/bill/{billId}\` against the fake OVHcloud API (\`fake-ovh\`, HTTP and HTTPS with a throwaway
self-signed certificate), in its own process; each figure comes from a fresh client process. Contenders:
**effect-ovh** (\`NodeOvh.layer\`, calls run as fibers), **node-ovh** (the official wrapper; HTTPS only),
**raw-undici** (undici \`Agent\` with keep-alive, signature computed by hand with \`node:crypto\`: the limit),
**effect-undici** (raw-undici's requests, each one run as an Effect fiber, \`concurrency\` fibers: the floor of
any Effect program on this transport, so effect-ovh minus effect-undici is effect-ovh's own cost),
**effect-ovh-platform** (the same client over \`@effect/platform-node\`'s general-purpose undici
\`HttpClient\` instead of \`NodeOvh.layer\`'s \`UndiciHttpClient\`), **effect-http** (\`UndiciHttpClient\` with the
signature computed by hand: what that \`HttpClient\` costs by itself).
Figures are medians of ${ROUNDS} rounds; ± is half the spread (max − min) / median. Ratios are against
raw-undici on the same transport and concurrency. ${f0(C1_CALLS)} calls at concurrency 1,
${f0(C64_CALLS)} at 64, after a warm-up of a fifth as many.

### Targets

${verdicts.join("\n")}

### Throughput and latency

| transport | concurrency | client | req/s | × raw | p50 ms (× raw) | p99 ms |
| --- | --: | --- | --: | --: | --: | --: |
${loadRows.join("\n")}

### Client CPU per call

\`process.cpuUsage()\` of the client process (user + system) over the measured calls; the server's CPU
is in its own process (shown for reference, from \`/proc\`).

| transport | concurrency | client | client CPU µs/call | × raw | server CPU µs/call |
| --- | --: | --- | --: | --: | --: |
${cpuRows.join("\n")}

### effect-ovh's own work per call

In process, no network: an \`HttpClient\` that answers at once. "Bare" is the same GET sent straight through
that \`HttpClient\` (body read and parsed); the difference is what effect-ovh adds (config, time delta,
signing, request building, span, timeout, decoding, error mapping). µs per call, sequential, median of ${ROUNDS}.

| step | µs/call |
| --- | --: |
| bare \`HttpClient\` GET + JSON parse | ${ov((o) => o.bareHttpClientUs)} |
| \`client.get\` (200) | ${ov((o) => o.getUs)} |
| **effect-ovh's own work (200)** | **${ov((o) => o.ownUs)}** |
| \`client.get\` (404 → \`ResourceNotFound\`) | ${ov((o) => o.notFoundUs)} |
| effect-ovh's own work (404) | ${ov((o) => o.notFoundOwnUs)} |
| of which \`Signature.sign\` | ${ov((o) => o.signUs)} |
| of which \`urlOf\` | ${ov((o) => o.urlUs)} |
| of which \`TimeDelta.now\` | ${ov((o) => o.timeDeltaNowUs)} |

### Fetching the details of many bills

\`GET /me/bill\` (${LIST_SIZE.toLocaleString("en")} ids), then \`GET /me/bill/{id}\` for the first 1,000 or 10,000,
over HTTPS from a fake that answers every request after ${LATENCY_MS} ms (\`fake-ovh --latency ${LATENCY_MS}\`), as the
real API does over a network; each detail is folded into a sum and dropped. Growths are over the heap after
a full GC before the fetch: "live" is the largest \`heapUsed\` right after a full GC, taken at every tenth of
the items (what the fetch holds); "peak" is the largest \`heapUsed\` sampled every 5 ms (garbage included,
so it follows the collector's pace). The sequential loop over 10,000 bills runs once; every other row is a
median of ${ROUNDS}.

| bills | how | wall ms | speed-up | live heap growth MB | peak heap growth MB | peak RSS MB |
| --: | --- | --: | --: | --: | --: | --: |
${fetchRows.join("\n")}

### Cold start and size

Cold import: \`await import(...)\` timed inside a fresh \`node\` process, median of 7.
Bundle: \`esbuild --bundle --minify --platform=node --format=esm\` of the one-call apps in \`bench/apps/\`.

| module | cold import ms | × undici |
| --- | --: | --: |
${importRows.join("\n")}

| minimal app | minified KiB | gzip KiB | gzip × raw | modules |
| --- | --: | --: | --: | --: |
${bundleRows.join("\n")}

Fake server RSS at the end of the run: HTTP ${f0(serverRss.http)} MB, HTTPS ${f0(serverRss.https)} MB.
`

process.stdout.write("\n" + section)

if (!flag("--no-write")) {
  const file = path.join(root, "BENCHMARKS.md")
  const START = "<!-- client-benchmarks:start -->"
  const END = "<!-- client-benchmarks:end -->"
  const block = `${START}\n${section}\n${keptReading()}${END}`
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n\n"
  const next = current.includes(START) && current.includes(END)
    ? current.slice(0, current.indexOf(START)) + block + current.slice(current.indexOf(END) + END.length)
    : current.trimEnd() + "\n\n" + block + "\n"
  fs.writeFileSync(file, next)
  log(`wrote ${path.relative(process.cwd(), file)}`)
}

/** The hand-written reading, kept across runs: the text between the reading markers of the current file. */
function keptReading(): string {
  const file = path.join(root, "BENCHMARKS.md")
  const START = "<!-- client-benchmarks:reading -->"
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : ""
  const at = current.indexOf(START)
  const end = current.indexOf("<!-- client-benchmarks:end -->")
  return at >= 0 && end > at ? current.slice(at, end) : `${START}\n### Reading\n\n(to be written after a run)\n\n`
}
