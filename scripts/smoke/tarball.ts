/**
 * Reading a packed tarball and checking what would be published: the manifest as rewritten by
 * `pnpm pack`, and the files: built JavaScript with its declarations, nothing else of the sources.
 */
import * as zlib from "node:zlib"

/** The files of a tarball, paths relative to its `package/` folder. */
export type Entries = ReadonlyMap<string, Buffer>

const field = (block: Buffer, start: number, length: number): string => {
  const raw = block.subarray(start, start + length)
  const end = raw.indexOf(0)
  return raw.subarray(0, end === -1 ? raw.length : end).toString("utf8")
}

/** The regular files of a `.tgz` (ustar, as npm and pnpm write them). */
export const readTarball = (tgz: Buffer): Map<string, Buffer> => {
  const tar = zlib.gunzipSync(tgz)
  const files = new Map<string, Buffer>()
  let offset = 0
  let longName: string | undefined
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512)
    if (header.every((byte) => byte === 0)) break
    const name = field(header, 0, 100)
    const size = parseInt(field(header, 124, 12).trim() || "0", 8)
    const type = field(header, 156, 1)
    const prefix = field(header, 345, 155)
    const body = tar.subarray(offset + 512, offset + 512 + size)
    offset += 512 + Math.ceil(size / 512) * 512
    if (type === "L") {
      longName = field(body, 0, body.length)
      continue
    }
    const full = longName ?? (prefix === "" ? name : `${prefix}/${name}`)
    longName = undefined
    if (type === "0" || type === "") files.set(full.replace(/^[^/]+\//, ""), Buffer.from(body))
  }
  return files
}

/** The package's manifest, as it would be published. */
export const manifest = (entries: Entries): Record<string, any> => {
  const raw = entries.get("package.json")
  if (raw === undefined) throw new Error("package.json is missing from the tarball")
  return JSON.parse(raw.toString("utf8"))
}

/** The built modules shipped under `dist/`, without extension (`OvhClient`, `internal/sha1`). */
export const builtModules = (entries: Entries): Array<string> =>
  [...entries.keys()]
    .filter((p) => p.startsWith("dist/") && p.endsWith(".js"))
    .map((p) => p.slice("dist/".length, -".js".length))
    .sort()

/** The modules users import by subpath: top-level, not `index`, not a command (`bin`). */
export const publicModules = (entries: Entries): Array<string> => {
  const bins = Object.values<string>(manifest(entries)["bin"] ?? {}).map((p) =>
    p.replace(/^\.\/(dist|src)\//, "").replace(/\.(js|ts)$/, "")
  )
  return builtModules(entries).filter((m) => !m.includes("/") && m !== "index" && !bins.includes(m))
}

/** The namespaces re-exported by `dist/index.js` (`export * as X from "./X.js"`). */
export const barrelNamespaces = (entries: Entries): Array<string> => {
  const index = entries.get("dist/index.js")?.toString("utf8") ?? ""
  return [...index.matchAll(/^export \* as (\w+) from/gm)].map((m) => m[1]!).sort()
}

const DEPENDENCY_FIELDS = ["dependencies", "peerDependencies", "optionalDependencies"] as const

/** Bare specifiers imported or re-exported by a JavaScript module. */
export const importedSpecifiers = (source: string): Array<string> => [
  ...[...source.matchAll(/^\s*(?:import|export)\b[^;"'`]*?\bfrom\s*["']([^"']+)["']/gm)].map((m) => m[1]!),
  ...[...source.matchAll(/^\s*import\s*["']([^"']+)["']/gm)].map((m) => m[1]!),
  ...[...source.matchAll(/\bimport\s*\(\s*["']([^"']+)["']\s*\)/g)].map((m) => m[1]!)
]

export interface CheckOptions {
  /** Whether the package must run anywhere: its JavaScript may import only `effect` and itself. */
  readonly runtimeAgnostic?: boolean
}

/** Everything wrong with a tarball, one sentence each; empty when it is publishable. */
export const checkTarball = (entries: Entries, options: CheckOptions = {}): Array<string> => {
  const problems: Array<string> = []
  let pkg: Record<string, any>
  try {
    pkg = manifest(entries)
  } catch (error) {
    return [(error as Error).message]
  }
  const name: string = pkg["name"] ?? "<unnamed>"

  if (!/^\d+\.\d+\.\d+(-[\w.]+)?$/.test(pkg["version"] ?? "")) {
    problems.push(`${name}: version ${pkg["version"]} is not semver`)
  }
  if (pkg["license"] !== "BSD-3-Clause") problems.push(`${name}: license is ${pkg["license"]}, expected BSD-3-Clause`)
  if (pkg["type"] !== "module") problems.push(`${name}: "type" is not "module"`)
  if (!Array.isArray(pkg["sideEffects"]) && pkg["sideEffects"] !== false) {
    problems.push(`${name}: "sideEffects" is not declared`)
  }
  for (const key of DEPENDENCY_FIELDS) {
    for (const [dep, range] of Object.entries<string>(pkg[key] ?? {})) {
      if (/^(workspace|link|file):/.test(range)) problems.push(`${name}: ${key}.${dep} is "${range}"`)
    }
  }
  if (pkg["peerDependencies"]?.["effect"] === undefined) problems.push(`${name}: effect is not a peer dependency`)
  if (pkg["dependencies"]?.["effect"] !== undefined) problems.push(`${name}: effect is a dependency (must be a peer)`)
  // one copy of core per program: the other packages take the user's
  for (const dep of Object.keys(pkg["dependencies"] ?? {})) {
    if (dep.startsWith("@effect-ovh/")) problems.push(`${name}: ${dep} is a dependency (must be a peer)`)
  }
  if (typeof pkg["engines"]?.["node"] !== "string") problems.push(`${name}: engines.node is not declared`)

  const exportsField = pkg["exports"] ?? {}
  const expectTarget = (key: string, types: string, js: string) => {
    const target = exportsField[key]
    if (target?.types !== types || target?.default !== js) {
      problems.push(
        `${name}: exports["${key}"] is ${JSON.stringify(target)}, expected types ${types} and default ${js}`
      )
    }
  }
  expectTarget(".", "./dist/index.d.ts", "./dist/index.js")
  expectTarget("./*", "./dist/*.d.ts", "./dist/*.js")
  if (exportsField["./internal/*"] !== null) problems.push(`${name}: exports["./internal/*"] is not null`)
  if (exportsField["./package.json"] !== "./package.json") {
    problems.push(`${name}: exports["./package.json"] is missing`)
  }
  for (const [bin, target] of Object.entries<string>(pkg["bin"] ?? {})) {
    const file = target.replace(/^\.\//, "")
    if (!file.startsWith("dist/") || !file.endsWith(".js")) {
      problems.push(`${name}: bin ${bin} points at ${target}, not at dist`)
      continue
    }
    if (!entries.get(file)?.toString("utf8").startsWith("#!")) {
      problems.push(`${name}: bin ${bin} (${file}) is missing or has no #! line`)
    }
    // a command runs when imported, so it is not a module users may import
    const subpath = "./" + file.slice("dist/".length, -".js".length)
    if (exportsField[subpath] !== null) problems.push(`${name}: exports["${subpath}"] is not null (bin ${bin})`)
  }

  for (const file of ["LICENSE", "README.md", "CHANGELOG.md"]) {
    if (!entries.has(file)) problems.push(`${name}: ${file} is missing`)
  }
  const modules = builtModules(entries)
  if (!modules.includes("index")) problems.push(`${name}: dist/index.js is missing (packed without building?)`)
  for (const module of modules) {
    if (!entries.has(`dist/${module}.d.ts`)) problems.push(`${name}: dist/${module}.d.ts is missing`)
  }
  const known = new Set(modules)
  for (const file of entries.keys()) {
    if (file.startsWith("dist/")) {
      // data a package's prepack copies next to its modules (the fake API's descriptions)
      if (file.startsWith("dist/ovh-api/") && file.endsWith(".json")) continue
      if (file.endsWith(".js")) continue
      if (!file.endsWith(".d.ts")) {
        problems.push(`${name}: unexpected file ${file}`)
      } else if (!known.has(file.slice("dist/".length, -".d.ts".length))) {
        problems.push(`${name}: ${file} has no module (stale build output?)`)
      }
    } else if (!["package.json", "LICENSE", "README.md", "CHANGELOG.md"].includes(file)) {
      problems.push(`${name}: unexpected file ${file}`)
    }
  }

  if (options.runtimeAgnostic) {
    for (const [file, content] of entries) {
      if (!file.startsWith("dist/") || !file.endsWith(".js")) continue
      for (const specifier of importedSpecifiers(content.toString("utf8"))) {
        const ok = specifier.startsWith("./") || specifier.startsWith("../") || specifier === "effect" ||
          specifier.startsWith("effect/")
        if (!ok) problems.push(`${name}: ${file} imports ${specifier}`)
      }
    }
  }
  return problems
}
