/**
 * Refreshes `ovh-api/` from the API itself: the v1 index (`<base>/1.0/`) and each root's description
 * (`<base>/1.0/me.json`), then the v2 index (`<base>/v2/`) and its roots, compacted, and rewrites the
 * "Current set" section of `ovh-api/README.md` (source, date, counts).
 *
 *   bash scripts/pnpm.sh refresh-api [--base https://eu.api.ovh.com] [--out ovh-api]
 *
 * Nothing is replaced unless every document arrived: the new set is written beside the old one and
 * swapped in at the end. A root keeps the file name it already had (`/dedicated/server` is
 * `dedicated.json`); a new root is named by its segments in camel case (`/dedicated/ceph` ->
 * `dedicatedCeph.json`). The fake OVHcloud API serves the same documents, which is how this is tested.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const argValue = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const base = (argValue("--base") ?? "https://eu.api.ovh.com").replace(/\/+$/, "")
const out = path.resolve(argValue("--out") ?? path.join(root, "ovh-api"))

interface IndexEntry {
  readonly path: string
}
interface Document {
  readonly resourcePath?: string
  readonly apis?: ReadonlyArray<{ readonly path: string; readonly operations: ReadonlyArray<Operation> }>
  readonly models?: Readonly<Record<string, unknown>>
}
interface Operation {
  readonly httpMethod: string
  readonly noAuthentication?: boolean
  readonly apiStatus?: { readonly value?: string }
}

const fetchText = async (url: string): Promise<string> => {
  for (let attempt = 1;; attempt++) {
    try {
      const response = await fetch(url, { headers: { accept: "application/json" } })
      const text = await response.text()
      if (response.ok) return text
      if (response.status < 500 || attempt === 3) {
        throw new Error(`GET ${url}: ${response.status} ${text.slice(0, 200)}`)
      }
    } catch (error) {
      if (attempt === 3) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 500 * attempt))
  }
}

const camelName = (apiPath: string): string => {
  const [first = "", ...rest] = apiPath.split("/").filter((s) => s !== "")
  return first + rest.map((s) => s.charAt(0).toUpperCase() + s.slice(1)).join("")
}

/** The file name each root had in the current set, by its `resourcePath`. */
const currentNames = (dir: string): Map<string, string> => {
  const names = new Map<string, string>()
  if (!fs.existsSync(dir)) return names
  for (const file of fs.readdirSync(dir)) {
    if (!file.endsWith(".json") || file.startsWith("_")) continue
    const match = /"resourcePath":\s*"([^"]+)"/.exec(fs.readFileSync(path.join(dir, file), "utf8"))
    if (match !== null) names.set(match[1]!, file.slice(0, -5))
  }
  return names
}

interface Counts {
  files: number
  paths: number
  operations: number
  methods: Record<string, number>
  statuses: Record<string, number>
  models: number
  noAuthentication: number
}

const refreshVersion = async (version: "v1" | "v2", prefix: string, into: string): Promise<Counts> => {
  const indexText = await fetchText(`${base}${prefix}/`)
  const index = JSON.parse(indexText) as { apis: ReadonlyArray<IndexEntry> }
  fs.mkdirSync(into, { recursive: true })
  fs.writeFileSync(path.join(into, "_index.json"), JSON.stringify(JSON.parse(indexText)))
  const names = currentNames(path.join(out, version))
  const counts: Counts = {
    files: 0,
    paths: 0,
    operations: 0,
    methods: {},
    statuses: {},
    models: 0,
    noAuthentication: 0
  }
  const modelIds = new Set<string>()
  const queue = [...index.apis]
  const worker = async () => {
    for (let entry = queue.shift(); entry !== undefined; entry = queue.shift()) {
      const text = await fetchText(`${base}${prefix}${entry.path}.json`)
      const doc = JSON.parse(text) as Document
      const name = names.get(entry.path) ?? camelName(entry.path)
      fs.writeFileSync(path.join(into, `${name}.json`), JSON.stringify(doc))
      counts.files++
      for (const api of doc.apis ?? []) {
        counts.paths++
        for (const operation of api.operations) {
          counts.operations++
          counts.methods[operation.httpMethod] = (counts.methods[operation.httpMethod] ?? 0) + 1
          const status = operation.apiStatus?.value ?? "UNKNOWN"
          counts.statuses[status] = (counts.statuses[status] ?? 0) + 1
          if (operation.noAuthentication === true) counts.noAuthentication++
        }
      }
      for (const id of Object.keys(doc.models ?? {})) modelIds.add(id)
    }
  }
  await Promise.all(Array.from({ length: 8 }, worker))
  counts.models = modelIds.size
  return counts
}

const line = (version: string, url: string, c: Counts): string => {
  const methods = Object.entries(c.methods).sort((a, b) => b[1] - a[1]).map(([m, n]) => `${m} ${n}`).join(" · ")
  const statuses = Object.entries(c.statuses).sort((a, b) => b[1] - a[1]).map(([s, n]) => `${s} ${n}`).join(" · ")
  return `- **${version}** from \`${url}\`: ${c.files} files, ${c.paths} paths, ${c.operations} operations ` +
    `(${methods}), ${c.models} model ids, ${c.noAuthentication} operations without authentication; ` +
    `status ${statuses}.`
}

const START = "<!-- current-set:start -->"
const END = "<!-- current-set:end -->"

const main = async () => {
  const staging = fs.mkdtempSync(path.join(path.dirname(out), ".ovh-api-"))
  try {
    const v1 = await refreshVersion("v1", "/1.0", path.join(staging, "v1"))
    const v2 = await refreshVersion("v2", "/v2", path.join(staging, "v2"))
    for (const version of ["v1", "v2"]) {
      fs.rmSync(path.join(out, version), { recursive: true, force: true })
      fs.mkdirSync(out, { recursive: true })
      fs.renameSync(path.join(staging, version), path.join(out, version))
    }
    const section = [
      START,
      `Fetched on ${new Date().toISOString().slice(0, 10)} by \`node scripts/refresh-api.ts --base ${base}\`:`,
      "",
      line("v1", `${base}/1.0/`, v1),
      line("v2", `${base}/v2/`, v2),
      END
    ].join("\n")
    const readme = path.join(out, "README.md")
    const text = fs.existsSync(readme)
      ? fs.readFileSync(readme, "utf8")
      : `# OVHcloud API descriptions\n\n${START}\n${END}\n`
    const at = text.indexOf(START)
    const to = text.indexOf(END)
    fs.writeFileSync(
      readme,
      at >= 0 && to > at ? text.slice(0, at) + section + text.slice(to + END.length) : `${text}\n${section}\n`
    )
    process.stdout.write(
      `refresh-api: v1 ${v1.files} files, ${v1.operations} operations; v2 ${v2.files} files, ` +
        `${v2.operations} operations -> ${path.relative(process.cwd(), out) || out}\n`
    )
  } finally {
    fs.rmSync(staging, { recursive: true, force: true })
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`refresh-api: ${error instanceof Error ? error.message : String(error)}\n`)
  process.exit(1)
})
