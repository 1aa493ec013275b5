/**
 * Every ```ts block of README.md and docs/*.md compiles: each block is written to
 * `.generated/docs/` as its own module and type-checked, strict, against the workspace's packages.
 * A block without any `import` is a fragment: it is checked as the body of an `Effect.gen`, with
 * the packages' namespaces and the usual `effect` modules in scope (as rustdoc wraps snippets in a
 * `main`). A block whose info string says `no-check` (```ts no-check) is left out.
 */
import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs"
import { join, relative } from "node:path"

const root = join(import.meta.dirname, "..", "..")
const out = join(root, ".generated", "docs")

/** The ```ts blocks of a Markdown file, with the line each starts on. */
export const blocks = (markdown: string): Array<{ readonly line: number; readonly code: string }> => {
  const found: Array<{ line: number; code: string }> = []
  const lines = markdown.split("\n")
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)```(ts|typescript)(\s.*)?$/.exec(lines[i]!)
    if (open === null) continue
    const indent = open[1]!.length
    const skip = (open[3] ?? "").includes("no-check")
    const body: Array<string> = []
    let j = i + 1
    while (j < lines.length && !/^\s*```\s*$/.test(lines[j]!)) body.push(lines[j++]!.slice(indent))
    if (!skip) found.push({ line: i + 1, code: body.join("\n") + "\n" })
    i = j
  }
  return found
}

/** What a fragment (a block without imports) can use, and the generator it runs in. */
const prelude = [
  "import { AccessRecorder, Api, ConsumerKey, Endpoint, FanOut, OAuth2, OvhClient, OvhConfig, OvhError, Pagination, RateLimiter, RetryPolicy } from \"@effect-ovh/core\"",
  "import { NodeOvh } from \"@effect-ovh/node\"",
  "import { FakeOvhApi, FakeOvhServer } from \"@effect-ovh/testing\"",
  "import { Console, Duration, Effect, Layer, Option, Redacted, Schedule, Schema, Stream } from \"effect\"",
  "export const fragment = Effect.gen(function*() {"
].join("\n")

/** The module a block is checked as: itself, or a fragment inside the prelude. */
export const moduleOf = (code: string): string =>
  /^\s*import\s/m.test(code) ? code : `${prelude}\n${code}})\n`

const documents = () => [
  join(root, "README.md"),
  ...(existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => join(root, "docs", f))
    : [])
]

describe("docs", () => {
  it("extracts fenced blocks with their line numbers", () => {
    const found = blocks("a\n```ts\nconst x = 1\n```\n```ts no-check\nnope(\n```\n```sh\nls\n```\n")
    assert.deepStrictEqual(found, [{ line: 2, code: "const x = 1\n" }])
  })

  it("checks a block without imports as the body of an Effect.gen", () => {
    assert.strictEqual(moduleOf("import { Effect } from \"effect\"\n"), "import { Effect } from \"effect\"\n")
    const fragment = moduleOf("yield* Console.log(1)\n")
    assert.include(fragment, "export const fragment = Effect.gen(function*() {\nyield* Console.log(1)\n})")
  })

  it("type-checks every TypeScript block of README.md and docs/*.md", { timeout: 60_000 }, async () => {
    rmSync(out, { recursive: true, force: true })
    mkdirSync(out, { recursive: true })
    const files: Array<string> = []
    for (const document of documents()) {
      const name = relative(root, document).replace(/[/.]/g, "_")
      for (const block of blocks(readFileSync(document, "utf8"))) {
        const file = `${name}_L${block.line}.ts`
        // the origin on top, so a compiler error points back at the document
        writeFileSync(join(out, file), `// ${relative(root, document)}:${block.line}\n${moduleOf(block.code)}`)
        files.push(file)
      }
    }
    assert.isAbove(files.length, 0)
    writeFileSync(
      join(out, "tsconfig.json"),
      JSON.stringify({
        extends: "../../tsconfig.base.json",
        compilerOptions: {
          noEmit: true,
          composite: false,
          declaration: false,
          declarationMap: false,
          sourceMap: false,
          incremental: false,
          types: ["node"],
          // a snippet may show a value without using it
          noUnusedLocals: false,
          noUnusedParameters: false
        },
        files
      }, null, 2)
    )
    const { code, output } = await new Promise<{ code: number; output: string }>((resolve) => {
      execFile(
        process.execPath,
        [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", join(out, "tsconfig.json")],
        { cwd: root },
        (error, stdout, stderr) =>
          resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, output: stdout + stderr })
      )
    })
    assert.strictEqual(code, 0, `documentation snippets do not compile (mark a deliberate fragment \`\`\`ts no-check):\n${output}`)
  })
})
