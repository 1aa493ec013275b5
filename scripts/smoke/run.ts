/**
 * `pnpm smoke`: the packages as users get them. Builds, packs every package with `pnpm pack`,
 * checks each tarball, installs them into a fresh project outside the workspace (effect and the
 * rest from the registry, through the shared pnpm store), type-checks a small user program in
 * strict mode (and the TypeScript blocks of each README), then runs it against the packed fake
 * OVHcloud API: on the Node layer, and on core alone with effect's fetch client and every
 * Node-only import refused; on the current Node and on Node 24.
 *
 * Exits non-zero with the reasons when anything is missing. `--no-build` skips the build (the
 * caller has just run `tsc -b`); `SMOKE_KEEP=1` keeps the project.
 */
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as Tarball from "./tarball.ts"

const here = path.dirname(fileURLToPath(import.meta.url))
const root = path.resolve(here, "../..")
const PACKAGES = [
  { dir: "core", runtimeAgnostic: true },
  { dir: "node", runtimeAgnostic: false },
  { dir: "testing", runtimeAgnostic: false }
] as const

const started = Date.now()
const timings: Array<[string, number]> = []
const step = <A>(label: string, f: () => A): A => {
  const t0 = Date.now()
  process.stdout.write(`smoke: ${label}\n`)
  const result = f()
  timings.push([label, Date.now() - t0])
  return result
}

const stepAsync = async <A>(label: string, f: () => Promise<A>): Promise<A> => {
  const t0 = Date.now()
  process.stdout.write(`smoke: ${label}\n`)
  const result = await f()
  timings.push([label, Date.now() - t0])
  return result
}

class SmokeFailure extends Error {}

// Children find the same Node first on PATH (the `fake-ovh` shim and pnpm run `node`).
const baseEnv: NodeJS.ProcessEnv = {
  ...process.env,
  PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}`
}

const run = (
  command: string,
  args: ReadonlyArray<string>,
  options: { cwd: string; env?: NodeJS.ProcessEnv; timeout?: number }
): string => {
  const result = childProcess.spawnSync(command, args, {
    cwd: options.cwd,
    env: options.env ?? baseEnv,
    encoding: "utf8",
    timeout: options.timeout ?? 120_000,
    maxBuffer: 64 * 1024 * 1024
  })
  if (result.error !== undefined || result.status !== 0) {
    throw new SmokeFailure(
      `${command} ${args.join(" ")} (in ${options.cwd}) failed: ${result.error?.message ?? `exit ${result.status}`}\n` +
        `${result.stdout ?? ""}${result.stderr ?? ""}`
    )
  }
  return result.stdout
}

// The pnpm that runs this script when started through it, else the one on PATH.
const pnpm = (args: ReadonlyArray<string>, cwd: string, env?: NodeJS.ProcessEnv): string => {
  const execPath = process.env["npm_execpath"]
  return execPath !== undefined && /pnpm/.test(path.basename(execPath))
    ? run(process.execPath, [execPath, ...args], { cwd, ...(env ? { env } : {}) })
    : run("pnpm", args, { cwd, ...(env ? { env } : {}) })
}

const rootManifest = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"))
const pinned = (name: string): string => {
  const version = rootManifest.devDependencies?.[name]
  if (typeof version !== "string") throw new SmokeFailure(`the root package.json pins no ${name}`)
  return version
}

const CORE_BUDGET = 1_000_000

/** The bytes of the regular files under `dir`, each counted once (pnpm links the same file from several places). */
const treeBytes = (dir: string, seen = new Set<number>()): number => {
  let total = 0
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name)
    // a package's own files: its dependencies (nested node_modules) are counted as packages of their own
    if (entry.isDirectory()) total += entry.name === "node_modules" ? 0 : treeBytes(full, seen)
    else if (entry.isFile()) {
      const stat = fs.statSync(full)
      if (!seen.has(stat.ino)) {
        seen.add(stat.ino)
        total += stat.size
      }
    }
  }
  return total
}

const work = fs.mkdtempSync(path.join(os.tmpdir(), "effect-ovh-smoke-"))
const tarballs = path.join(work, "tarballs")
const app = path.join(work, "app")

const main = async () => {
  // `--no-build` when the caller has just built (the test command runs `tsc -b` first).
  if (!process.argv.includes("--no-build")) {
    step("build (tsc -b packages/*)", () =>
      run(process.execPath, [
        path.join(root, "node_modules/typescript/bin/tsc"),
        "-b",
        ...PACKAGES.map((p) => `packages/${p.dir}`)
      ], {
        cwd: root
      }))
  }

  const packed = step("pnpm pack", () => {
    fs.mkdirSync(tarballs, { recursive: true })
    return PACKAGES.map((p) => {
      const before = new Set(fs.readdirSync(tarballs))
      pnpm(["pack", "--pack-destination", tarballs], path.join(root, "packages", p.dir))
      const file = fs.readdirSync(tarballs).find((f) => !before.has(f) && f.endsWith(".tgz"))
      if (file === undefined) throw new SmokeFailure(`pnpm pack wrote no tarball for packages/${p.dir}`)
      const bytes = fs.readFileSync(path.join(tarballs, file))
      const entries = Tarball.readTarball(bytes)
      return { ...p, file: path.join(tarballs, file), size: bytes.length, entries, manifest: Tarball.manifest(entries) }
    })
  })

  step("check tarballs", () => {
    const problems = packed.flatMap((p) => Tarball.checkTarball(p.entries, { runtimeAgnostic: p.runtimeAgnostic }))
    for (const p of packed) {
      process.stdout.write(
        `  ${p.manifest["name"]}@${p.manifest["version"]}: ${
          (p.size / 1024).toFixed(1)
        } KiB packed, ${p.entries.size} files\n`
      )
    }
    // the budget of the typed API's weight: every v1 and v2 operation typed, in at most 1 MB packed
    const core = packed.find((p) => p.dir === "core")
    if (core !== undefined && core.size > CORE_BUDGET) {
      problems.push(`@effect-ovh/core is ${core.size} bytes packed, over its budget of ${CORE_BUDGET}`)
    }
    if (problems.length > 0) throw new SmokeFailure(`the tarballs are not publishable:\n  ${problems.join("\n  ")}`)
  })

  step("write the user project", () => {
    fs.mkdirSync(path.join(app, "src"), { recursive: true })
    const local = Object.fromEntries(packed.map((p) => [p.manifest["name"], `file:${p.file}`]))
    const manifest = {
      name: "effect-ovh-smoke-app",
      private: true,
      type: "module",
      dependencies: {
        ...local,
        effect: pinned("effect"),
        "@effect/platform-node": pinned("@effect/platform-node")
      },
      // @effect/vitest and vitest: the testing package's README shows a test
      devDependencies: {
        typescript: pinned("typescript"),
        "@types/node": pinned("@types/node"),
        "@effect/vitest": pinned("@effect/vitest"),
        vitest: pinned("vitest")
      },
      // The packed manifests ask for @effect-ovh/core at its version; these tarballs are that version.
      pnpm: { overrides: local }
    }
    fs.writeFileSync(path.join(app, "package.json"), JSON.stringify(manifest, null, 2) + "\n")
    for (const file of ["tsconfig.json", "tsconfig.fetch.json", "deny-node.mjs", "deny-node-hooks.mjs"]) {
      fs.copyFileSync(path.join(here, "app", file), path.join(app, file))
    }
    for (const file of ["program.ts", "welcome-node.ts", "welcome-fetch.ts"]) {
      fs.copyFileSync(path.join(here, "app", file), path.join(app, "src", file))
    }
    fs.writeFileSync(path.join(app, "src", "exports.ts"), exportsProgram(packed))
    // The README of each tarball: its TypeScript blocks must compile as a user pastes them.
    for (const p of packed) {
      const readme = p.entries.get("README.md")?.toString("utf8") ?? ""
      for (const block of tsBlocks(readme)) {
        const file = `readme-${p.dir}-L${block.line}.ts`
        fs.writeFileSync(path.join(app, "src", file), `// ${p.manifest["name"]} README.md:${block.line}\n${block.code}`)
      }
    }
  })

  step("pnpm install (registry, shared store)", () =>
    pnpm(
      [
        "install",
        "--ignore-workspace",
        "--prefer-offline",
        "--reporter=append-only",
        "--config.auto-install-peers=true"
      ],
      app
    ))

  step("installed size", () => {
    // what an app's production install holds: the packages reachable from its dependencies (not the
    // type-checker and test runner it also has), each package's own files once
    const closure = new Set<string>()
    const visit = (dir: string) => {
      const real = fs.realpathSync(dir)
      if (closure.has(real)) return
      closure.add(real)
      // pnpm's layout: a package's dependencies are links beside it, in the node_modules that holds it
      const holder =
        path.dirname(real).endsWith(path.sep + "node_modules") || path.basename(path.dirname(real)) === "node_modules"
          ? path.dirname(real)
          : path.dirname(path.dirname(real))
      const manifest = JSON.parse(fs.readFileSync(path.join(real, "package.json"), "utf8"))
      for (const dep of Object.keys({ ...manifest.dependencies, ...manifest.peerDependencies })) {
        const linked = path.join(holder, dep)
        if (fs.existsSync(linked)) visit(linked)
      }
    }
    const production = JSON.parse(fs.readFileSync(path.join(app, "package.json"), "utf8")).dependencies
    for (const dep of Object.keys(production)) visit(path.join(app, "node_modules", dep))
    const bytesOf = (dirs: Iterable<string>) => [...dirs].reduce((sum, dir) => sum + treeBytes(dir), 0)
    const ours = packed.map((p) => fs.realpathSync(path.join(app, "node_modules", p.manifest["name"])))
    process.stdout.write(
      `  installed (production): ${(bytesOf(closure) / 1024 / 1024).toFixed(1)} MiB in ${closure.size} packages, ` +
        `of which the three effect-ovh packages ${(bytesOf(ours) / 1024 / 1024).toFixed(1)} MiB\n`
    )
  })

  step("check installed manifests", () => {
    for (const p of packed) {
      const installed = JSON.parse(
        fs.readFileSync(path.join(app, "node_modules", p.manifest["name"], "package.json"), "utf8")
      )
      if (installed["version"] !== p.manifest["version"]) {
        throw new SmokeFailure(`node_modules/${p.manifest["name"]} is ${installed["version"]}, not the packed one`)
      }
    }
  })

  const tsc = path.join(app, "node_modules/typescript/bin/tsc")
  step(
    "type-check and compile (strict, with Node types)",
    () => run(process.execPath, [tsc, "-p", "tsconfig.json"], { cwd: app })
  )
  step(
    "type-check the fetch program (strict, no Node types)",
    () => run(process.execPath, [tsc, "-p", "tsconfig.fetch.json"], { cwd: app })
  )

  const nodes = step("find the Node versions to run on", () => [
    process.execPath,
    ...extraNodeVersions().filter((v) => v !== process.versions.node.split(".")[0]).map((version) =>
      run("npx", ["-y", "--prefer-offline", "-p", `node@${version}`, "--", "node", "-p", "process.execPath"], {
        cwd: work
      }).trim()
    )
  ])

  for (const node of nodes) {
    const version = run(node, ["--version"], { cwd: app }).trim()
    step(
      `import every exported module on Node ${version}`,
      () => process.stdout.write(indent(run(node, ["out/exports.js"], { cwd: app })))
    )
  }

  await stepAsync("run against the packed fake OVHcloud API", () =>
    withFake((credentials) => {
      const env: NodeJS.ProcessEnv = { ...programEnv(), ...credentials }
      for (const node of nodes) {
        const version = run(node, ["--version"], { cwd: app }).trim()
        const outputs = [
          ["node", run(node, ["out/welcome-node.js"], { cwd: app, env, timeout: 30_000 })],
          [
            "fetch",
            run(node, ["--import", "./deny-node.mjs", "out/welcome-fetch.js"], { cwd: app, env, timeout: 30_000 })
          ]
        ] as const
        for (const [label, output] of outputs) {
          process.stdout.write(indent(`Node ${version}: ${output.trimEnd().split("\n").join(`\nNode ${version}: `)}\n`))
          if (!new RegExp(`^\\[${label}\\] Welcome \\S`, "m").test(output)) {
            throw new SmokeFailure(`the ${label} program printed no welcome on Node ${version}:\n${output}`)
          }
          if (!new RegExp(`^\\[${label}\\] ResourceNotFound 404$`, "m").test(output)) {
            throw new SmokeFailure(`the ${label} program did not catch ResourceNotFound on Node ${version}:\n${output}`)
          }
        }
      }
    }))
}

/**
 * Node major versions to run the compiled programs on besides the current one, fetched from the
 * npm registry through npx (cached after the first run): `SMOKE_NODE_VERSIONS`, default "24";
 * empty for the current Node only.
 */
const extraNodeVersions = (): Array<string> =>
  (process.env["SMOKE_NODE_VERSIONS"] ?? "24").split(/[\s,]+/).filter((v) => v !== "")

/** The ```ts blocks of a Markdown document, with the line each starts on. */
const tsBlocks = (markdown: string): Array<{ line: number; code: string }> => {
  const found: Array<{ line: number; code: string }> = []
  const lines = markdown.split("\n")
  for (let i = 0; i < lines.length; i++) {
    if (!/^```(ts|typescript)\s*$/.test(lines[i]!)) continue
    const start = i + 1
    while (i + 1 < lines.length && !/^```\s*$/.test(lines[i + 1]!)) i++
    found.push({ line: start, code: lines.slice(start, i + 1).join("\n") + "\n" })
    i++
  }
  return found
}

const indent = (text: string) => text.replace(/^(?=.)/gm, "  ")

// The programs see only the fake's credentials: no inherited OVH_* settings, no proxy for loopback.
const programEnv = (): NodeJS.ProcessEnv =>
  Object.fromEntries(
    Object.entries(baseEnv).filter(([key]) => !/^OVH_/.test(key) && !/^(https?|no|all)_proxy$/i.test(key))
  )

/** Starts `fake-ovh` from the installed testing package; hands its settings to `f` as `OVH_*` variables. */
const withFake = async (f: (env: Record<string, string>) => void): Promise<void> => {
  // no OVH_API_SCHEMAS: the installed package must carry the descriptions it serves
  const fake = childProcess.spawn(path.join(app, "node_modules/.bin/fake-ovh"), ["--seed", "smoke"], {
    cwd: app,
    env: programEnv(),
    stdio: ["ignore", "pipe", "pipe"]
  })
  try {
    const line = await new Promise<string>((resolve, reject) => {
      let out = ""
      let err = ""
      const timer = setTimeout(() => reject(new SmokeFailure(`fake-ovh printed nothing in 20 s\n${err}`)), 20_000)
      fake.stderr.on("data", (chunk: Buffer) => (err += chunk.toString("utf8")))
      fake.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString("utf8")
        const newline = out.indexOf("\n")
        if (newline !== -1) {
          clearTimeout(timer)
          resolve(out.slice(0, newline))
        }
      })
      fake.on("exit", (code) => {
        clearTimeout(timer)
        reject(new SmokeFailure(`fake-ovh exited with ${code}\n${err}`))
      })
    })
    const settings = JSON.parse(line) as Record<string, string>
    for (const key of ["baseUrl", "applicationKey", "applicationSecret", "consumerKey"]) {
      if (typeof settings[key] !== "string") throw new SmokeFailure(`fake-ovh printed no ${key}: ${line}`)
    }
    f({
      OVH_ENDPOINT: settings["baseUrl"]!,
      OVH_APPLICATION_KEY: settings["applicationKey"]!,
      OVH_APPLICATION_SECRET: settings["applicationSecret"]!,
      OVH_CONSUMER_KEY: settings["consumerKey"]!
    })
  } finally {
    fake.kill("SIGTERM")
  }
}

const exportsProgram = (packed: ReadonlyArray<{ manifest: Record<string, any>; entries: Tarball.Entries }>): string => {
  const lines: Array<string> = [
    "// Generated by the smoke test: every public module of every package, by the name users import.",
    "import * as assert from \"node:assert/strict\"",
    ""
  ]
  const checks: Array<string> = []
  packed.forEach((p, i) => {
    const name: string = p.manifest["name"]
    const barrel = `barrel${i}`
    lines.push(`import * as ${barrel} from "${name}"`)
    const modules = Tarball.publicModules(p.entries)
    const namespaces = Tarball.barrelNamespaces(p.entries)
    checks.push(`assert.ok(Object.keys(${barrel}).length > 0, "${name} exports nothing")`)
    for (const module of modules) {
      const id = `m${i}_${module.replace(/\W/g, "_")}`
      lines.push(`import * as ${id} from "${name}/${module}"`)
      checks.push(`assert.ok(Object.keys(${id}).length > 0, "${name}/${module} exports nothing")`)
      if (namespaces.includes(module)) {
        checks.push(`assert.equal(${barrel}.${module}, ${id}, "${name} re-exports another ${module}")`)
      }
    }
    // internal modules and commands resolve for nobody (resolved only: a command would start)
    const hidden = Tarball.builtModules(p.entries).filter((m) => m.startsWith("internal/") || m === "bin")
    for (const module of hidden) {
      checks.push(
        `assert.throws(() => import.meta.resolve("${name}/${module}"), { code: "ERR_PACKAGE_PATH_NOT_EXPORTED" })`
      )
    }
    checks.push(`console.log("${name}: ${modules.length} modules, barrel ${namespaces.join(" ")}")`)
  })
  return [...lines, "", ...checks, ""].join("\n")
}

const summary = () =>
  `${((Date.now() - started) / 1000).toFixed(1)} s (${
    timings.map(([l, ms]) => `${l.split(" (")[0]} ${(ms / 1000).toFixed(1)}`).join(", ")
  })`

try {
  await main()
  process.stdout.write(`smoke: ok in ${summary()}\n`)
  if (process.env["SMOKE_KEEP"] !== "1") fs.rmSync(work, { recursive: true, force: true })
} catch (error) {
  process.stderr.write(
    `smoke: FAILED: ${error instanceof SmokeFailure ? error.message : String((error as Error).stack ?? error)}\n`
  )
  if (fs.existsSync(app)) process.stderr.write(`smoke: the project is kept in ${work}; after ${summary()}\n`)
  else fs.rmSync(work, { recursive: true, force: true })
  process.exitCode = 1
}
