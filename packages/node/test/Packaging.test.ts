/**
 * Publishing: the tarball checks on made-up packages (each flaw is reported), then the whole smoke
 * test (`scripts/smoke/run.ts`): build, `pnpm pack`, install into a fresh project outside the
 * workspace, strict type-check, run against the packed fake on the Node layer and on fetch.
 */
import { assert, describe, it } from "@effect/vitest"
import * as childProcess from "node:child_process"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import * as zlib from "node:zlib"
import * as Tarball from "../../../scripts/smoke/tarball.ts"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

const manifest = {
  name: "@effect-ovh/example",
  version: "0.1.0",
  type: "module",
  license: "BSD-3-Clause",
  sideEffects: [],
  exports: {
    "./package.json": "./package.json",
    ".": { types: "./dist/index.d.ts", default: "./dist/index.js" },
    "./*": { types: "./dist/*.d.ts", default: "./dist/*.js" },
    "./internal/*": null
  },
  engines: { node: ">=22.19.0" },
  peerDependencies: { "@effect-ovh/core": "^0.1.0", effect: "^4.1.0" }
}

const moduleFiles = (module: string, js = `export const x = 1\n`) => ({
  [`dist/${module}.js`]: js,
  [`dist/${module}.d.ts`]: "export declare const x = 1\n"
})

const publishable = (): Record<string, string> => ({
  "package.json": JSON.stringify(manifest),
  "LICENSE": "BSD-3-Clause",
  "README.md": "# example\n",
  "CHANGELOG.md": "# Changelog\n",
  ...moduleFiles("index", `export * as Thing from "./Thing.js"\n`),
  ...moduleFiles("Thing", `import * as Effect from "effect/Effect"\nimport { x } from "./internal/helper.js"\n`),
  ...moduleFiles("internal/helper")
})

const entries = (files: Record<string, string>): Tarball.Entries =>
  new Map(Object.entries(files).map(([p, content]) => [p, Buffer.from(content)]))

const without = (files: Record<string, string>, ...paths: Array<string>) =>
  Object.fromEntries(Object.entries(files).filter(([p]) => !paths.includes(p)))

const withManifest = (patch: Record<string, unknown>) => ({
  ...publishable(),
  "package.json": JSON.stringify({ ...manifest, ...patch })
})

/** A gzipped ustar archive of `files` under `package/`, as `pnpm pack` writes them. */
const tgz = (files: Record<string, string>): Buffer => {
  const blocks: Array<Buffer> = []
  for (const [name, content] of Object.entries(files)) {
    const body = Buffer.from(content)
    const header = Buffer.alloc(512)
    header.write(`package/${name}`, 0, "utf8")
    header.write("0000644\0", 100)
    header.write(body.length.toString(8).padStart(11, "0") + "\0", 124)
    header.write("0", 156)
    header.write("ustar\0", 257)
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  blocks.push(Buffer.alloc(1024))
  return zlib.gzipSync(Buffer.concat(blocks))
}

describe("Packaging", () => {
  it("reads the files of a tarball", () => {
    const read = Tarball.readTarball(tgz({ "package.json": "{}", "dist/internal/a.js": "x".repeat(700) }))
    assert.deepStrictEqual([...read.keys()], ["package.json", "dist/internal/a.js"])
    assert.strictEqual(read.get("dist/internal/a.js")!.toString(), "x".repeat(700))
  })

  it("accepts a publishable package and lists its modules", () => {
    const files = entries(publishable())
    assert.deepStrictEqual(Tarball.checkTarball(files, { runtimeAgnostic: true }), [])
    assert.deepStrictEqual(Tarball.builtModules(files), ["Thing", "index", "internal/helper"])
    assert.deepStrictEqual(Tarball.barrelNamespaces(files), ["Thing"])
    assert.deepStrictEqual(Tarball.publicModules(files), ["Thing"])
  })

  it("reports a missing declaration, a declaration without its module, a missing document", () => {
    const problems = Tarball.checkTarball(
      entries(without(publishable(), "dist/Thing.d.ts", "dist/internal/helper.js", "LICENSE"))
    )
    assert.deepStrictEqual(problems.sort(), [
      "@effect-ovh/example: LICENSE is missing",
      "@effect-ovh/example: dist/Thing.d.ts is missing",
      "@effect-ovh/example: dist/internal/helper.d.ts has no module (stale build output?)"
    ])
  })

  it("reports a package packed without building: sources and no dist", () => {
    const files = {
      "package.json": JSON.stringify(manifest),
      LICENSE: "",
      "README.md": "",
      "CHANGELOG.md": "",
      "src/index.ts": ""
    }
    assert.deepStrictEqual(Tarball.checkTarball(entries(files)), [
      "@effect-ovh/example: dist/index.js is missing (packed without building?)",
      "@effect-ovh/example: unexpected file src/index.ts"
    ])
  })

  it("reports core as a dependency (two copies) and a missing engines range", () => {
    const { engines: _, ...noEngines } = manifest
    const files = {
      ...publishable(),
      "package.json": JSON.stringify({ ...noEngines, dependencies: { "@effect-ovh/core": "0.1.0" } })
    }
    assert.deepStrictEqual(Tarball.checkTarball(entries(files)), [
      "@effect-ovh/example: @effect-ovh/core is a dependency (must be a peer)",
      "@effect-ovh/example: engines.node is not declared"
    ])
  })

  it("reports exports into src, workspace ranges, effect as a dependency, bins outside dist", () => {
    const problems = Tarball.checkTarball(entries(withManifest({
      exports: { ...manifest.exports, ".": "./src/index.ts" },
      peerDependencies: { "@effect-ovh/core": "workspace:^", effect: "^4.1.0" },
      dependencies: { effect: "^4.1.0" },
      bin: { tool: "./src/bin.ts" }
    })))
    assert.strictEqual(problems.length, 4, problems.join("\n"))
    assert.match(problems[0]!, /peerDependencies\.@effect-ovh\/core is "workspace:\^"/)
    assert.match(problems[1]!, /effect is a dependency/)
    assert.match(problems[2]!, /exports\["\."\]/)
    assert.match(problems[3]!, /bin tool points at \.\/src\/bin\.ts/)
  })

  it("reports a command that users could import", () => {
    const files = {
      ...withManifest({ bin: { tool: "./dist/bin.js" } }),
      ...moduleFiles("bin", "#!/usr/bin/env node\n")
    }
    assert.deepStrictEqual(Tarball.checkTarball(entries(files)), [
      "@effect-ovh/example: exports[\"./bin\"] is not null (bin tool)"
    ])
    const hidden = {
      ...files,
      "package.json": JSON.stringify({
        ...manifest,
        exports: { ...manifest.exports, "./bin": null },
        bin: { tool: "./dist/bin.js" }
      })
    }
    assert.deepStrictEqual(Tarball.checkTarball(entries(hidden)), [])
  })

  it("reports stale build output and stray files", () => {
    const problems = Tarball.checkTarball(entries({ ...publishable(), "dist/Gone.d.ts": "", "test/a.test.ts": "" }))
    assert.deepStrictEqual(problems, [
      "@effect-ovh/example: dist/Gone.d.ts has no module (stale build output?)",
      "@effect-ovh/example: unexpected file test/a.test.ts"
    ])
  })

  it("reports a Node import in a runtime-agnostic package", () => {
    const files = {
      ...publishable(),
      ...moduleFiles("Thing", `import * as fs from "node:fs"\nconst u = await import("undici")\n`)
    }
    assert.deepStrictEqual(Tarball.checkTarball(entries(files), { runtimeAgnostic: true }), [
      "@effect-ovh/example: dist/Thing.js imports node:fs",
      "@effect-ovh/example: dist/Thing.js imports undici"
    ])
    assert.deepStrictEqual(Tarball.checkTarball(entries(files)), [])
  })

  it("finds import specifiers, not look-alikes", () => {
    const source =
      `import "a"\nexport * from "./b.js"\nimport {\n  c,\n  d\n} from "e"\nconst f = await import("g")\nconst h = { from: "i" }\n`
    assert.deepStrictEqual(Tarball.importedSpecifiers(source).sort(), ["./b.js", "a", "e", "g"])
  })

  it(
    "installs the packed packages in a fresh project, type-checks and runs a user program",
    { timeout: 240_000 },
    () => {
      const result = childProcess.spawnSync(process.execPath, [path.join(root, "scripts/smoke/run.ts")], {
        cwd: root,
        encoding: "utf8",
        timeout: 230_000
      })
      const output = `${result.stdout}${result.stderr}`
      assert.strictEqual(result.status, 0, output)
      assert.match(output, /^smoke: ok in /m)
      assert.match(output, /\[node\] Welcome \S+/)
      assert.match(output, /\[fetch\] ResourceNotFound 404/)
    }
  )
})
