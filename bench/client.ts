/**
 * `node bench/client.ts [--rounds N] [--c1-calls N] [--c64-calls N] [--warmup F] [--write]`: the client figures alone,
 * in a few minutes (the full `bench/run.ts` takes about half an hour). Side by side in one run, against
 * the same two loopback fake servers (HTTP and HTTPS): effect-ovh (`NodeOvh.layer`), the official
 * `@ovhcloud/node-ovh` (HTTPS only: it cannot speak plain HTTP to a custom port) and hand-written undici,
 * at concurrency 1 and 64, each measurement in a fresh process, rounds interleaved with the order
 * rotated, medians. Then effect-ovh's own in-process work per call (with the cost of its spans, timeout
 * and retry policy), `/auth/time` requests for 1,000 concurrent first calls, and cold imports.
 * `--write` puts the tables between the focused-benchmark markers of BENCHMARKS.md.
 */
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import type { Fake } from "./lib.ts"
import { median, numberOption, runWorker, spread, startFake } from "./lib.ts"
import type { Contender, LoadResult } from "./worker.ts"

const root = new URL("..", import.meta.url).pathname
const argv = process.argv.slice(2)
const option = (name: string, fallback: number) => numberOption(argv, name, fallback)
const ROUNDS = option("--rounds", 5)
const C1_CALLS = option("--c1-calls", 1500)
const C64_CALLS = option("--c64-calls", 4000)
// warm-up calls per measured call: an Effect program's larger code path needs a few thousand calls before the
// JIT is done with it, and the compiler threads' CPU counts in process.cpuUsage()
const WARMUP = option("--warmup", 1)
const log = (line: string) => process.stderr.write(line + "\n")
const loadAtStart = os.loadavg().map((n) => n.toFixed(2)).join(" ")
const started = new Date()

const ids = Array.from({ length: 100 }, (_, i) => `B${String(i + 1).padStart(6, "0")}`)
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "effect-ovh-bench-"))
const dataFile = path.join(dataDir, "data.json")
fs.writeFileSync(dataFile, JSON.stringify({ "/me/bill": ids }))

type Transport = "https" | "http"
const fakes: Record<Transport, Fake> = {
  http: await startFake({ tls: false, dataFile }),
  https: await startFake({ tls: true, dataFile })
}
const envOf = (fake: Fake): Record<string, string> =>
  fake.info.caFile !== undefined ? { NODE_EXTRA_CA_CERTS: fake.info.caFile } : {}

const contenders: Record<Transport, ReadonlyArray<Contender>> = {
  https: ["raw-undici", "effect-ovh", "node-ovh"],
  http: ["raw-undici", "effect-ovh"]
}
const CONCURRENCY = [1, 64] as const
const loads = new Map<string, Array<LoadResult>>()
for (let round = 1; round <= ROUNDS; round++) {
  for (const transport of ["https", "http"] as const) {
    const fake = fakes[transport]
    const order = contenders[transport].map((_, i, all) => all[(i + round) % all.length]!)
    for (const contender of order) {
      for (const concurrency of CONCURRENCY) {
        const calls = concurrency === 1 ? C1_CALLS : C64_CALLS
        const result = await runWorker<LoadResult>(
          { kind: "load", contender, fake: fake.info, concurrency, calls, warmup: Math.round(calls * WARMUP), ids },
          envOf(fake)
        )
        const key = `${transport}/${contender}/${concurrency}`
        loads.set(key, [...(loads.get(key) ?? []), result])
        log(
          `round ${round} ${key}: client CPU ${result.cpuPerCallUs.toFixed(0)} µs/call, ${result.rps.toFixed(0)} req/s`
        )
      }
    }
  }
}

const authTime = await runWorker<{ calls: number; authTimeRequests: number; totalRequests: number }>(
  { kind: "authTime", fake: fakes.https.info, calls: 1000 },
  envOf(fakes.https)
)
log(`auth/time: ${JSON.stringify(authTime)}`)
await fakes.http.stop()
await fakes.https.stop()
fs.rmSync(dataDir, { recursive: true, force: true })

const overheads: Array<Record<string, number>> = []
for (let round = 1; round <= 3; round++) {
  overheads.push(JSON.parse(childProcess.execFileSync(process.execPath, ["bench/overhead.ts"], {
    cwd: root,
    encoding: "utf8",
    env: { ...process.env, OVERHEAD_CALLS: "10000", OVERHEAD_ROUNDS: "5" }
  })))
  log(`overhead round ${round}: ${JSON.stringify(overheads.at(-1))}`)
}

// As published: @effect-ovh/* resolved to their built `dist` (`tsc -b`) through the `publishConfig` exports, in a
// directory of links (`--preserve-symlinks`), rather than to the workspace's TypeScript sources.
const published = fs.mkdtempSync(path.join(os.tmpdir(), "effect-ovh-cold-"))
const link = (name: string, target: string) => {
  fs.mkdirSync(path.dirname(path.join(published, "node_modules", name)), { recursive: true })
  fs.symlinkSync(fs.realpathSync(target), path.join(published, "node_modules", name))
}
for (const name of ["core", "node"]) {
  const dir = path.join(published, "node_modules/@effect-ovh", name)
  fs.mkdirSync(dir, { recursive: true })
  const manifest = JSON.parse(fs.readFileSync(path.join(root, "packages", name, "package.json"), "utf8"))
  fs.writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify({ ...manifest, exports: manifest.publishConfig.exports })
  )
  fs.symlinkSync(path.join(root, "packages", name, "dist"), path.join(dir, "dist"))
}
link("effect", path.join(root, "node_modules/effect"))
link("@effect/platform-node", path.join(root, "packages/node/node_modules/@effect/platform-node"))
link("ini", path.join(root, "packages/node/node_modules/ini"))

const importProbe = (specifier: string) =>
  `const t = performance.now(); await import(${
    JSON.stringify(specifier)
  }); process.stdout.write(String(performance.now() - t))`
const probes: Record<
  string,
  { readonly specifier: string; readonly cwd: string; readonly args: ReadonlyArray<string> }
> = {
  "@effect-ovh/node (published: dist)": {
    specifier: "@effect-ovh/node",
    cwd: published,
    args: ["--preserve-symlinks"]
  },
  "@effect-ovh/node (workspace: .ts sources)": { specifier: "@effect-ovh/node", cwd: root, args: [] },
  "@ovhcloud/node-ovh": { specifier: "@ovhcloud/node-ovh", cwd: root, args: [] },
  "effect/Effect (floor of any Effect program)": {
    specifier: "effect/Effect",
    cwd: published,
    args: ["--preserve-symlinks"]
  },
  "effect/http/HttpClient (floor of an HttpClient-based client)": {
    specifier: "effect/http/HttpClient",
    cwd: published,
    args: ["--preserve-symlinks"]
  },
  undici: { specifier: "undici", cwd: root, args: [] }
}
const imports: Record<string, Array<number>> = Object.fromEntries(Object.keys(probes).map((name) => [name, []]))
for (let i = 0; i < 9; i++) {
  for (const [name, probe] of Object.entries(probes)) {
    imports[name]!.push(Number(childProcess.execFileSync(
      process.execPath,
      [...probe.args, "--input-type=module", "-e", importProbe(probe.specifier)],
      { cwd: probe.cwd, encoding: "utf8" }
    )))
  }
}
fs.rmSync(published, { recursive: true, force: true })

const f0 = (n: number) => n.toFixed(0)
const f1 = (n: number) => n.toFixed(1)
const ratio = (n: number) => `${n.toFixed(2)}×`
const noise = (values: ReadonlyArray<number>) => `±${f0(spread(values) / 2)} %`
const cpuOf = (key: string) => median(loads.get(key)!.map((r) => r.cpuPerCallUs))
const rpsOf = (key: string) => median(loads.get(key)!.map((r) => r.rps))

const cpuRows: Array<string> = []
const verdicts: Array<string> = []
for (const transport of ["https", "http"] as const) {
  for (const concurrency of CONCURRENCY) {
    const raw = cpuOf(`${transport}/raw-undici/${concurrency}`)
    const official = transport === "https" ? cpuOf(`${transport}/node-ovh/${concurrency}`) : undefined
    for (const contender of contenders[transport]) {
      const key = `${transport}/${contender}/${concurrency}`
      const rows = loads.get(key)!
      cpuRows.push(
        `| ${transport.toUpperCase()} | ${concurrency} | ${contender} | ${f0(cpuOf(key))} (${
          noise(rows.map((r) => r.cpuPerCallUs))
        }) | ` +
          `${ratio(cpuOf(key) / raw)} | ${official === undefined ? "–" : ratio(cpuOf(key) / official)} | ${
            f0(rpsOf(key))
          } |`
      )
    }
    const ours = cpuOf(`${transport}/effect-ovh/${concurrency}`)
    verdicts.push(
      `- ${transport.toUpperCase()}, concurrency ${concurrency}: effect-ovh ${f0(ours)} µs/call = ${
        ratio(ours / raw)
      } undici ` +
        `(target ≤ 1.10×: ${ours / raw <= 1.1 ? "met" : "missed"})` +
        (official === undefined
          ? ""
          : `, ${ratio(ours / official)} node-ovh (target ≤ 1.00×: ${ours <= official ? "met" : "missed"})`)
    )
  }
}
const ov = (name: string) => {
  const values = overheads.map((o) => o[name]!)
  return `${f1(median(values))} (${noise(values)})`
}
const own = median(overheads.map((o) => o["ownUs"]!))
verdicts.push(
  `- effect-ovh's own in-process work per successful call: ${f1(own)} µs (target ≤ 20: ${own <= 20 ? "met" : "missed"})`
)
const coldOurs = median(imports["@effect-ovh/node (published: dist)"]!)
const coldOfficial = median(imports["@ovhcloud/node-ovh"]!)
verdicts.push(
  `- cold import of \`@effect-ovh/node\` as published: ${f0(coldOurs)} ms = ${
    ratio(coldOurs / coldOfficial)
  } \`@ovhcloud/node-ovh\` ` +
    `(target ≤ 1.5×: ${coldOurs / coldOfficial <= 1.5 ? "met" : "missed"})`
)
verdicts.push(
  `- \`/auth/time\` requests for ${
    authTime.calls.toLocaleString("en")
  } concurrent first calls: ${authTime.authTimeRequests} ` +
    `(target 1: ${authTime.authTimeRequests === 1 ? "met" : "missed"})`
)

const cpu = os.cpus()
const section = `## Client figures (focused run)

Measured ${
  started.toISOString().slice(0, 16).replace("T", " ")
} UTC with \`node bench/client.ts\` (${ROUNDS} rounds; ${C1_CALLS} calls at
concurrency 1, ${C64_CALLS} at 64, each after a warm-up of ${WARMUP}× as many in the same process). Machine: ${
  cpu[0]?.model.trim() ?? "?"
},
${cpu.length} cores; load average at start ${loadAtStart}, at end ${os.loadavg().map((n) => n.toFixed(2)).join(" ")}
(the machine was shared with other runs). Node ${process.versions.node}.

Signed \`GET /me/bill/{billId}\` against \`fake-ovh\` in its own process; each figure from a fresh client
process; ± is half the spread (max − min) / median over the rounds.

### Targets

${verdicts.join("\n")}

### Client CPU per call

| transport | concurrency | client | client CPU µs/call | × undici | × node-ovh | req/s |
| --- | --: | --- | --: | --: | --: | --: |
${cpuRows.join("\n")}

### effect-ovh's own work per call, in process

An \`HttpClient\` answering from memory; "bare" is the same GET straight through it. µs per call, median of
3 processes × 5 interleaved rounds of 10,000 calls.

| measure | µs/call |
| --- | --: |
| bare \`HttpClient\` GET + JSON parse | ${ov("bareHttpClientUs")} |
| \`client.get\` (200) | ${ov("getUs")} |
| **own work (200)** | **${ov("ownUs")}** |
| of which the call and attempt spans | ${ov("spansUs")} |
| of which the timeout | ${ov("timeoutUs")} |
| of which the retry policy | ${ov("retryPolicyUs")} |
| of which \`Signature.sign\` | ${ov("signUs")} |
| of which \`urlOf\` | ${ov("urlUs")} |
| of which \`TimeDelta.now\` | ${ov("timeDeltaNowUs")} |
| \`client.get\` (404 → \`ResourceNotFound\`), own work | ${ov("notFoundOwnUs")} |

### Cold import

\`await import(...)\` in a fresh \`node\` process, median of 9, interleaved. "Published" resolves
\`@effect-ovh/*\` to their built \`dist\` as an installed package does; "workspace" to the TypeScript
sources, which Node strips of their types on load.

| module | ms |
| --- | --: |
${
  Object.entries(imports).map(([name, samples]) => `| \`${name}\` | ${f0(median(samples))} (${noise(samples)}) |`).join(
    "\n"
  )
}
`

process.stdout.write("\n" + section)

if (argv.includes("--write")) {
  const file = path.join(root, "BENCHMARKS.md")
  const START = "<!-- client-focused:start -->"
  const END = "<!-- client-focused:end -->"
  const current = fs.readFileSync(file, "utf8")
  const block = `${START}\n${section}${END}`
  const next = current.includes(START) && current.includes(END)
    ? current.slice(0, current.indexOf(START)) + block + current.slice(current.indexOf(END) + END.length)
    : current.replace("\n<!-- client-benchmarks:start -->", `\n${block}\n\n<!-- client-benchmarks:start -->`)
  fs.writeFileSync(file, next)
  log(`wrote ${path.relative(process.cwd(), file)}`)
}
