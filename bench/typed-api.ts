/**
 * `node bench/typed-api.ts [--rounds N] [--no-write]`: budgets of the typed API.
 *
 * - Type-checking: a file of 100 typed GETs over many API roots, checked against the published
 *   shape of `@effect-ovh/core` (declarations, `skipLibCheck`), with the generated operations as
 *   they are and multiplied by 4 (the same calls; 3 x 6,624 more operations nobody calls), next to
 *   the same 100 calls untyped.
 * - Bundle size: an app making three typed calls without decoding, the same app with untyped calls,
 *   and with decoding, bundled and minified by esbuild.
 *
 * Writes the "Typed API" section of BENCHMARKS.md.
 */
import * as esbuild from "esbuild"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as zlib from "node:zlib"

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), "..")
const argv = process.argv.slice(2)
const ROUNDS = argv.includes("--rounds") ? Number(argv[argv.indexOf("--rounds") + 1]) : 3
// Outside the repository, so the root tsconfig (which includes bench/) never sees the copies.
const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-ovh-typed-api-"))
const tsc = path.join(root, "node_modules", ".bin", "tsc")
const log = (line: string) => process.stderr.write(line + "\n")
const loadAtStart = os.loadavg().map((n) => n.toFixed(1)).join(" ")

const generated = path.join(root, "packages", "core", "src", "generated")
if (!fs.existsSync(path.join(generated, "operations.ts"))) {
  childProcess.execFileSync(process.execPath, [path.join(root, "scripts", "generate-api.ts")], { stdio: "inherit" })
}
fs.symlinkSync(path.join(root, "node_modules"), path.join(work, "node_modules"), "dir")
fs.writeFileSync(path.join(work, "package.json"), JSON.stringify({ type: "module" }))

// ---- 100 calls over many roots ------------------------------------------------------------------------------

const schemaDir = process.env["OVH_API_SCHEMAS"] || path.join(root, "ovh-api")
interface Param {
  readonly name?: string
  readonly paramType: string
  readonly dataType: string
  readonly fullType?: string
  readonly required?: boolean
}
interface Op {
  readonly httpMethod: string
  readonly parameters: ReadonlyArray<Param>
}
type Models = Record<string, { enum?: Array<string | number>; enumType?: string }>
const perRoot: Array<Array<{ path: string; op: Op; models: Models }>> = []
for (const version of ["v1", "v2"]) {
  const dir = path.join(schemaDir, version)
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("_")).sort()) {
    const doc = JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as {
      apis?: Array<{ path: string; operations: Array<Op> }>
      models?: Models
    }
    const gets = (doc.apis ?? []).flatMap((a) =>
      a.operations.filter((o) => o.httpMethod === "GET").map((op) => ({
        path: (version === "v2" ? "/v2" : "") + a.path,
        op,
        models: doc.models ?? {}
      }))
    )
    if (gets.length > 0) perRoot.push(gets)
  }
}
const picked: Array<{ path: string; op: Op; models: Models }> = []
for (let round = 0; picked.length < 100; round++) {
  for (const gets of perRoot) {
    const entry = gets[(round * 7) % gets.length]
    if (picked.length < 100 && entry !== undefined && !picked.includes(entry)) picked.push(entry)
  }
}
const literal = (p: Param, models: Models): string => {
  const t = (p.fullType ?? p.dataType).replace(/^.*:/, "")
  const model = models[t]
  if (model?.enum !== undefined && model.enum.length > 0) {
    return model.enumType === "long" ? String(Number(model.enum[0])) : JSON.stringify(String(model.enum[0]))
  }
  if (t === "long" || t === "int" || t === "double") return "1"
  if (t === "boolean") return "true"
  if (t.endsWith("[]")) return "[]"
  return JSON.stringify("x")
}
const argsOf = ({ path: template, op, models }: (typeof picked)[number]): string => {
  const fields: Array<string> = []
  for (const name of [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
    const p = op.parameters.find((q) => q.paramType === "path" && q.name === name)
    fields.push(`${JSON.stringify(name)}: ${p === undefined ? "\"x\"" : literal(p, models)}`)
  }
  for (const p of op.parameters) {
    if (p.paramType === "query" && p.required && p.name) fields.push(`${JSON.stringify(p.name)}: ${literal(p, models)}`)
  }
  return fields.length ? `, { ${fields.join(", ")} }` : ""
}
const roots = new Set(picked.map((p) => p.path.split("/").slice(0, p.path.startsWith("/v2") ? 3 : 2).join("/")))

const typedFile = (importPath: string) =>
  `import { Effect } from "effect"\nimport * as Api from "${importPath}"\n` +
  `export const program = Effect.gen(function*() {\n  const api = yield* Api.Api\n` +
  picked.map((p, i) => `  const r${i} = yield* api.get(${JSON.stringify(p.path)}${argsOf(p)})`).join("\n") +
  `\n  return [${picked.map((_, i) => `r${i}`).join(", ")}] as const\n})\n`
const untypedFile = (importPath: string) =>
  `import { Effect } from "effect"\nimport * as OvhClient from "${importPath}"\n` +
  `export const program = Effect.gen(function*() {\n  const client = yield* OvhClient.OvhClient\n` +
  picked.map((p, i) => `  const r${i} = yield* client.get<unknown>(${JSON.stringify(p.path)})`).join("\n") +
  `\n  return [${picked.map((_, i) => `r${i}`).join(", ")}] as const\n})\n`

// ---- a copy of core's sources, its declarations built, optionally with 4x the operations ------------------

/**
 * Adds \`times - 1\` copies of every API module (\`ops/copyK-me.ts\`, paths under \`/copyK/\`) to the
 * generated operations, all of them in \`Api\`'s operation table.
 */
const inflate = (generated: string, times: number): void => {
  const opsDir = path.join(generated, "ops")
  const modules = fs.readdirSync(opsDir).filter((f) => f.endsWith(".ts") && !f.startsWith("_"))
  const aliases: Array<string> = []
  let imports = ""
  for (let k = 1; k < times; k++) {
    for (const file of modules) {
      const name = `copy${k}-${file}`
      fs.writeFileSync(
        path.join(opsDir, name),
        fs.readFileSync(path.join(opsDir, file), "utf8").replace(/"\//g, `"/copy${k}/`)
      )
      const alias = `C_${name.replace(/\.ts$/, "").replace(/[^A-Za-z0-9]/g, "_")}`
      imports += `import type * as ${alias} from "./ops/${name}"\n`
      aliases.push(alias)
    }
  }
  const file = path.join(generated, "operations.ts")
  const text = fs.readFileSync(file, "utf8").replace(
    /export interface (Get|Post|Put|Delete) extends\n/g,
    (line, method: string) => line + aliases.map((alias) => `  ${alias}.${method},\n`).join("")
  )
  fs.writeFileSync(file, imports + text)
}

/** The module of the API a path belongs to: \`me\`, \`v2-iam\`. */
const moduleOf = (p: string): string => {
  const segments = p.split("/").filter((x) => x !== "")
  return p.startsWith("/v2/") ? `v2-${segments[1]}` : segments[0]!
}
const perRootFile = () => {
  const modules = [...new Set(picked.map((p) => moduleOf(p.path)))].sort()
  const alias = (m: string) => `R_${m.replace(/[^A-Za-z0-9]/g, "_")}`
  return `import { Effect } from "effect"\nimport * as OvhClient from "./core/dist/OvhClient.js"\n` +
    `import * as TypedApi from "./core/dist/TypedApi.js"\n` +
    modules.map((m) => `import type * as ${alias(m)} from "./core/dist/generated/ops/${m}.js"\n`).join("") +
    `type Ops = ${modules.map((m) => `${alias(m)}.Operations`).join(" & ")}\n` +
    `export const program = Effect.gen(function*() {\n  const api = TypedApi.make<Ops>(yield* OvhClient.OvhClient)\n` +
    picked.map((p, i) => `  const r${i} = yield* api.get(${JSON.stringify(p.path)}${argsOf(p)})`).join("\n") +
    `\n  return [${picked.map((_, i) => `r${i}`).join(", ")}] as const\n})\n`
}

const base = path.join(root, "tsconfig.base.json")
const prepare = (name: string, times: number): string => {
  const dir = path.join(work, name)
  fs.cpSync(path.join(root, "packages", "core", "src"), path.join(dir, "core", "src"), { recursive: true })
  if (times > 1) inflate(path.join(dir, "core", "src", "generated"), times)
  fs.writeFileSync(
    path.join(dir, "core", "tsconfig.json"),
    JSON.stringify({
      extends: base,
      compilerOptions: {
        rootDir: "src",
        outDir: "dist",
        composite: false,
        declaration: true,
        declarationMap: false,
        sourceMap: false,
        emitDeclarationOnly: true,
        noUnusedLocals: false
      },
      include: ["src"]
    })
  )
  // Declarations are written even if a work-in-progress source elsewhere in core has errors.
  childProcess.spawnSync(tsc, ["-p", path.join(dir, "core", "tsconfig.json")], { stdio: "ignore" })
  if (!fs.existsSync(path.join(dir, "core", "dist", "Api.d.ts"))) throw new Error(`no declarations in ${dir}`)
  fs.writeFileSync(path.join(dir, "typed.ts"), typedFile("./core/dist/Api.js"))
  fs.writeFileSync(path.join(dir, "untyped.ts"), untypedFile("./core/dist/OvhClient.js"))
  fs.writeFileSync(path.join(dir, "perRoot.ts"), perRootFile())
  for (const entry of ["typed", "untyped", "perRoot"]) {
    fs.writeFileSync(
      path.join(dir, `tsconfig.${entry}.json`),
      JSON.stringify({
        extends: base,
        compilerOptions: { composite: false, noEmit: true, skipLibCheck: true, noUnusedLocals: false },
        files: [`${entry}.ts`]
      })
    )
  }
  return dir
}

const phases: Record<string, Array<Record<string, number>>> = {}
const checkTime = (dir: string, entry: string, key: string): number => {
  const started = process.hrtime.bigint()
  const result = childProcess.spawnSync(
    tsc,
    ["-p", path.join(dir, `tsconfig.${entry}.json`), "--extendedDiagnostics"],
    {
      encoding: "utf8"
    }
  )
  const ms = Number(process.hrtime.bigint() - started) / 1e6
  if (result.status !== 0) throw new Error(`tsc failed on ${dir}/${entry}.ts:\n${result.stdout}${result.stderr}`)
  const phase: Record<string, number> = {}
  for (const m of result.stdout.matchAll(/^(Parse|Bind|Check) time:\s+([\d.]+)s/gm)) phase[m[1]!] = Number(m[2]) * 1000
  ;(phases[key] ??= []).push(phase)
  return ms
}
const phase = (key: string, name: string) => median((phases[key] ?? []).map((p) => p[name] ?? 0))
const median = (xs: ReadonlyArray<number>) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

log("building declarations (x1, x4)...")
const variants = { x1: prepare("x1", 1), x4: prepare("x4", 4) }
const opsCount = (dir: string) => {
  const opsDir = path.join(dir, "core", "src", "generated", "ops")
  return fs.readdirSync(opsDir).reduce(
    (n, f) => n + (fs.readFileSync(path.join(opsDir, f), "utf8").match(/^\(path: /gm) ?? []).length,
    0
  )
}
const times: Record<string, Array<number>> = {
  "x1 typed": [],
  "x1 untyped": [],
  "x4 typed": [],
  "x1 perRoot": [],
  "x4 perRoot": []
}
for (let round = 0; round < ROUNDS; round++) {
  times["x1 untyped"]!.push(checkTime(variants.x1, "untyped", "x1 untyped"))
  times["x1 typed"]!.push(checkTime(variants.x1, "typed", "x1 typed"))
  times["x4 typed"]!.push(checkTime(variants.x4, "typed", "x4 typed"))
  times["x1 perRoot"]!.push(checkTime(variants.x1, "perRoot", "x1 perRoot"))
  times["x4 perRoot"]!.push(checkTime(variants.x4, "perRoot", "x4 perRoot"))
  log(
    `round ${round + 1}/${ROUNDS}: ${
      Object.entries(times).map(([k, v]) => `${k} ${v[v.length - 1]!.toFixed(0)} ms`).join(", ")
    }`
  )
}

// ---- bundle size -------------------------------------------------------------------------------------------

const apps = {
  untyped: `import * as Effect from "effect/Effect"
import * as OvhClient from "@effect-ovh/core/OvhClient"
export const program = Effect.gen(function*() {
  const client = yield* OvhClient.OvhClient
  const me = yield* client.get("/me")
  const bill = yield* client.get("/me/bill/" + encodeURIComponent("FR1"))
  const task = yield* client.post("/email/domain/" + encodeURIComponent("example.com") + "/redirection", { from: "a@example.com", to: "b@example.net", localCopy: false })
  return [me, bill, task]
})
`,
  typed: `import * as Effect from "effect/Effect"
import * as Api from "@effect-ovh/core/Api"
import * as OvhClient from "@effect-ovh/core/OvhClient"
export const program = Effect.gen(function*() {
  const api = Api.make(yield* OvhClient.OvhClient)
  const me = yield* api.get("/me")
  const bill = yield* api.get("/me/bill/{billId}", { billId: "FR1" })
  const task = yield* api.post("/email/domain/{domain}/redirection", { domain: "example.com", from: "a@example.com", to: "b@example.net", localCopy: false })
  return [me, bill, task]
})
`,
  decoded: `import * as Effect from "effect/Effect"
import * as ApiDecoded from "@effect-ovh/core/ApiDecoded"
import * as OvhClient from "@effect-ovh/core/OvhClient"
export const program = Effect.gen(function*() {
  const api = ApiDecoded.make(yield* OvhClient.OvhClient)
  const me = yield* api.get("/me")
  const bill = yield* api.get("/me/bill/{billId}", { billId: "FR1" })
  const task = yield* api.post("/email/domain/{domain}/redirection", { domain: "example.com", from: "a@example.com", to: "b@example.net", localCopy: false })
  return [me, bill, task]
})
`
}
const sizes: Record<string, { min: number; gzip: number }> = {}
for (const [name, source] of Object.entries(apps)) {
  const entry = path.join(work, `app-${name}.ts`)
  fs.writeFileSync(entry, source)
  const result = await esbuild.build({
    entryPoints: [entry],
    bundle: true,
    minify: true,
    format: "esm",
    platform: "neutral",
    write: false,
    mainFields: ["module", "main"],
    conditions: ["import"],
    logLevel: "error"
  })
  const bytes = result.outputFiles[0]!.contents
  sizes[name] = { min: bytes.length, gzip: zlib.gzipSync(bytes, { level: 9 }).length }
}

// ---- report ------------------------------------------------------------------------------------------------

const fmt = (ms: number) => `${(ms / 1000).toFixed(2)} s`
const kb = (n: number) => `${(n / 1024).toFixed(1)} KiB`
const section = `## Typed API

\`node bench/typed-api.ts\` (${
  new Date().toISOString().slice(0, 10)
}, Node ${process.version}, TypeScript 7 \`tsc\`, median of ${ROUNDS}
rounds, ${os.cpus().length} CPUs, load average ${loadAtStart} at the start).

Type-checking one file of 100 typed GETs over ${roots.size} API roots (v1 and v2), against the package's declarations
(\`skipLibCheck\`, as an installed package is checked). Times are whole \`tsc -p\` runs, start-up and \`effect\` included:

| file | generated operations | tsc (wall) | parse | bind | check |
| --- | ---: | ---: | ---: | ---: | ---: |
${
  [
    ["100 untyped `client.get` calls", "x1 untyped", variants.x1],
    ["100 typed calls, `Api` (every operation)", "x1 typed", variants.x1],
    ["the same, `Api`", "x4 typed", variants.x4],
    [
      `the same 100 typed calls, \`TypedApi\` over the ${
        new Set(picked.map((p) => moduleOf(p.path))).size
      } API modules called`,
      "x1 perRoot",
      variants.x1
    ],
    ["the same, `TypedApi` over the modules called", "x4 perRoot", variants.x4]
  ].map(([label, key, dir]) =>
    `| ${label} | ${opsCount(dir!)}${key!.startsWith("x4") ? " (x4)" : ""} | ${fmt(median(times[key!]!))} | ${
      fmt(phase(key!, "Parse"))
    } | ${fmt(phase(key!, "Bind"))} | ${fmt(phase(key!, "Check"))} |`
  ).join("\n")
}

Budget: under 5 s, and flat in the number of operations a file does not call. \`Api\` puts every operation in
one table, so its files read them all; \`TypedApi.make<Me.Operations & ...>\` over the modules of the APIs a file
calls (\`@effect-ovh/core/api/me\`...) reads those alone, however many others exist.

Bundle of an app making three calls (\`GET /me\`, \`GET /me/bill/{billId}\`, \`POST /email/domain/{domain}/redirection\`),
esbuild, minified, ESM:

| app | minified | gzip |
| --- | ---: | ---: |
| untyped calls (paths built by hand with \`encodeURIComponent\`) | ${kb(sizes["untyped"]!.min)} | ${
  kb(sizes["untyped"]!.gzip)
} |
| typed calls, no decoding (\`Api.make\`) | ${kb(sizes["typed"]!.min)} | ${kb(sizes["typed"]!.gzip)} |
| typed calls with decoding (\`ApiDecoded.make\`) | ${kb(sizes["decoded"]!.min)} | ${kb(sizes["decoded"]!.gzip)} |

Typed minus untyped: ${sizes["typed"]!.min - sizes["untyped"]!.min} bytes minified, ${
  sizes["typed"]!.gzip - sizes["untyped"]!.gzip
} bytes gzipped: no schema and no operation table; \`Api.make\` is the identity (the client itself
substitutes path templates, typed or not), so what differs is the call sites' text.
`
fs.rmSync(work, { recursive: true, force: true })
process.stdout.write(section)
if (!argv.includes("--no-write")) {
  const file = path.join(root, "BENCHMARKS.md")
  const current = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "# Benchmarks\n"
  const start = "<!-- typed-api:start -->"
  const end = "<!-- typed-api:end -->"
  const block = `${start}\n${section}${end}`
  const next = current.includes(start)
    ? current.slice(0, current.indexOf(start)) + block + current.slice(current.indexOf(end) + end.length)
    : current.trimEnd() + "\n\n" + block + "\n"
  fs.writeFileSync(file, next)
}
