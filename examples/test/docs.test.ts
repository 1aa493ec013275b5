/**
 * Every ```ts block of README.md and docs/*.md compiles, and runs as copied against the fake API.
 *
 * Compiling: each block is written to `.generated/docs/run-<pid>/` as its own module and type-checked, strict,
 * against the workspace's packages. A block without any `import` is a fragment: it is checked as the
 * body of an `Effect.gen`, with the packages' namespaces and the usual `effect` modules in scope (as
 * rustdoc wraps snippets in a `main`). A block whose info string says `no-check` is left out.
 *
 * Running: each block runs in its own Node process, in an empty directory with an empty HOME, its
 * only configuration the `OVH_*` variables of a fake OVHcloud API served on loopback for it alone
 * (the demo's account). So `NodeOvh.layer()` in a sample is the real Node layer, reading the
 * variables a user would set, and the sample's own `Effect.runPromise` is what runs it. Then the
 * effects the block exports (a fragment is exported as `fragment`) run with `NodeOvh.layer()`, and
 * a layer it exports serves one `GET /me`. A block that fails, leaves a rejection unhandled or exports
 * something the runner cannot run (a function) fails the test, unless `setups` below says why it
 * cannot run. Blocks that import `@effect/vitest` are tests: they run under vitest, in a child.
 */
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import { execFile } from "node:child_process"
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join, relative } from "node:path"
import * as DemoAccount from "../internal/demo-account.ts"

const root = join(import.meta.dirname, "..", "..")
// a folder per run: runs started at once (several workers, several people) do not remove each other's files
const out = join(root, ".generated", "docs", `run-${process.pid}`)

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
export const moduleOf = (code: string): string => /^\s*import\s/m.test(code) ? code : `${prelude}\n${code}})\n`

/** Whether a block runs something itself (`Effect.runPromise(...)`, `.pipe(..., Effect.runPromise)`). */
export const runsItself = (code: string): boolean => /\bEffect\.run[A-Z]\w*/.test(code)

/**
 * The module a block runs as: the one it is checked as, and a `program` it defines but neither runs
 * nor exports is exported, so that it runs too.
 */
export const runnableOf = (code: string): string => {
  const module = moduleOf(code)
  const definesProgram = /^const program\b/m.test(code) && !/^export\s.*\bprogram\b/m.test(code)
  return definesProgram && !runsItself(code) ? `${module}\nexport { program }\n` : module
}

/** What a block needs to run, found by a piece of its code (each must match exactly one block). */
interface Setup {
  readonly document: string
  readonly marker: string
  /** Configured with the application alone (it requests its consumer key), or as an OAuth2 service account. */
  readonly credentials?: "application" | "oauth2"
  /** Why it cannot run against the fake: such a block is only type-checked. */
  readonly cannotRun?: string
  /** What its output must contain. */
  readonly prints?: string
  /** Requests the fake must have received from it (`METHOD /path`). */
  readonly sends?: ReadonlyArray<string>
}

const setups: ReadonlyArray<Setup> = [
  { document: "README.md", marker: "Welcome ${me.firstname}", prints: "Welcome Ada" },
  { document: "README.md", marker: "Api.make(client)", prints: "FR12345678: " },
  {
    document: "README.md",
    marker: "@ts-expect-error billId is required",
    cannotRun: "compile errors on purpose, about a declared `api` (packages/core/test/types/Readme.types.ts)"
  },
  {
    document: "docs/auth.md",
    marker: "ConsumerKey.request // POST",
    credentials: "application",
    prints: "Welcome Ada",
    sends: ["POST /auth/credential", "GET /auth/currentCredential"]
  },
  { document: "docs/auth.md", marker: "AccessRecorder.layer()", prints: "GET    /me/bill/*" },
  {
    document: "docs/auth.md",
    marker: "c.get(\"/me\"))\n// Effect.provide",
    credentials: "oauth2",
    sends: ["POST /auth/oauth2/token", "GET /me"]
  },
  {
    document: "docs/auth.md",
    marker: "revokeCredential(rows[0]",
    sends: ["GET /me/api/credential", "DELETE /me/api/credential/{credentialId}"]
  },
  { document: "docs/errors.md", marker: "findRedirection", prints: "no such redirection" },
  { document: "docs/migration.md", marker: "ConsumerKey.request", credentials: "application", prints: "Welcome Ada" },
  { document: "docs/migration.md", marker: "concurrency: 4 })", prints: "FR50300127 1234.80 €" },
  { document: "docs/streams.md", marker: "resume(\"a-cursor", prints: "cursor refused" },
  {
    document: "docs/typed-api.md",
    marker: "declare const api: Api.Service",
    cannotRun: "compile errors on purpose, about a declared `api`"
  },
  { document: "docs/typed-api.md", marker: "yield* Api.Api", prints: "FR12345678: " },
  {
    document: "docs/configuration.md",
    marker: "fromVault",
    cannotRun: "its settings are in code and name the real ovh-eu endpoint; nothing leaves the machine in tests"
  },
  {
    document: "docs/configuration.md",
    marker: "proxy: \"http://proxy.internal:3128\"",
    cannotRun: "its settings are in code: the real ovh-ca endpoint through a proxy that does not exist"
  },
  { document: "docs/configuration.md", marker: "Layer.build(NodeOvh.layer())", prints: "configuration ok" }
]

const documents = () => [
  join(root, "README.md"),
  ...(existsSync(join(root, "docs"))
    ? readdirSync(join(root, "docs")).filter((f) => f.endsWith(".md")).sort().map((f) => join(root, "docs", f))
    : [])
]

interface Sample {
  readonly document: string
  readonly line: number
  readonly code: string
  /** Its module's file name in `out`. */
  readonly file: string
  readonly setup: Setup | undefined
}

const samples = (): ReadonlyArray<Sample> =>
  documents().flatMap((path) => {
    const document = relative(root, path)
    return blocks(readFileSync(path, "utf8")).map((block) => ({
      document,
      line: block.line,
      code: block.code,
      file: `${document.replace(/[/.]/g, "_")}_L${block.line}.ts`,
      setup: setups.find((s) => s.document === document && block.code.includes(s.marker))
    }))
  })

/** Writes every block's module (its origin on top, so an error points back at the document). */
const writeModules = (all: ReadonlyArray<Sample>) => {
  rmSync(out, { recursive: true, force: true })
  mkdirSync(out, { recursive: true })
  // runs that ended long ago (the last one's files are kept to read after a failure)
  for (const entry of readdirSync(join(out, ".."))) {
    const path = join(out, "..", entry)
    if (path !== out && Date.now() - statSync(path).mtimeMs > 3_600_000) rmSync(path, { recursive: true, force: true })
  }
  for (const sample of all) {
    writeFileSync(join(out, sample.file), `// ${sample.document}:${sample.line}\n${runnableOf(sample.code)}`)
  }
}

const exec = (args: ReadonlyArray<string>, options: { readonly cwd: string; readonly env?: Record<string, string> }) =>
  new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      process.execPath,
      args,
      { cwd: options.cwd, env: options.env, timeout: 90_000 },
      (error, stdout, stderr) =>
        resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr })
    )
  })

/**
 * Runs the block `argv[2]`: importing it runs its own top-level code; then its exported effects run
 * with `NodeOvh.layer()`, an exported layer serves `GET /me`, and anything else exported is refused.
 * `argv[3]` says whether the block runs something itself; if not, it must export something to run.
 */
const runner = `import { OvhClient } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Effect, Layer } from "effect"
import { pathToFileURL } from "node:url"

const block: Record<string, unknown> = await import(pathToFileURL(process.argv[2]!).href)
if (process.argv[3] !== "runs-itself" && Object.keys(block).length === 0) {
  console.error("the block runs nothing: run the program it defines, or export it")
  process.exitCode = 3
}
for (const [name, value] of Object.entries(block)) {
  if (Effect.isEffect(value)) {
    const result = await Effect.runPromise(Effect.provide(value as Effect.Effect<unknown, unknown, OvhClient.OvhClient>, NodeOvh.layer()))
    console.log(name + " = " + (JSON.stringify(result) ?? "undefined").slice(0, 200))
  } else if (Layer.isLayer(value)) {
    const me = await Effect.runPromise(
      Effect.flatMap(OvhClient.OvhClient, (client) => client.get("/me")).pipe(
        Effect.provide(value as Layer.Layer<OvhClient.OvhClient>)
      )
    )
    console.log(name + " = " + JSON.stringify(me).slice(0, 200))
  } else {
    console.error("cannot run the export " + name + " (" + typeof value + ")")
    process.exitCode = 3
  }
}
`

/** Resources the docs' samples name, besides the demo account's. */
const docsData: Record<string, unknown> = {
  "/me/bill/FR12345678": {
    ...(DemoAccount.data["/me/bill/FR48213337"] as object),
    billId: "FR12345678"
  },
  "/email/domain/example.com": {
    ...(DemoAccount.data[`/email/domain/${DemoAccount.mailDomain}`] as object),
    domain: "example.com"
  }
}

/** The demo's fake on loopback, with the docs' resources; keys requested are validated a second later. */
const fakeLayer = Layer.effectDiscard(
  Effect.flatMap(
    Effect.service(FakeOvhApi.FakeOvhApi),
    (fake) => DemoAccount.prepare(fake, { validateAfter: "1 second" })
  )
).pipe(Layer.provideMerge(FakeOvhServer.layer({ seed: "demo", data: { ...DemoAccount.data, ...docsData } })))

const envOf = (fake: FakeOvhApi.FakeOvhApi["Service"], credentials: Setup["credentials"]): Record<string, string> => {
  switch (credentials) {
    case "oauth2":
      return {
        OVH_ENDPOINT: fake.baseUrl,
        OVH_CLIENT_ID: fake.oauth2.clientId,
        OVH_CLIENT_SECRET: Redacted.value(fake.oauth2.clientSecret),
        OVH_OAUTH2_TOKEN_URL: fake.tokenUrl
      }
    case "application":
      return {
        OVH_ENDPOINT: fake.baseUrl,
        OVH_APPLICATION_KEY: fake.credentials.applicationKey,
        OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret)
      }
    default:
      return {
        OVH_ENDPOINT: fake.baseUrl,
        OVH_APPLICATION_KEY: fake.credentials.applicationKey,
        OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret),
        OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
      }
  }
}

/** Runs one block as a script against a fake of its own. */
const runSample = (sample: Sample) =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    const cwd = mkdtempSync(join(tmpdir(), "docs-sample-"))
    const result = yield* Effect.promise(() =>
      exec([join(out, "run.ts"), join(out, sample.file), runsItself(sample.code) ? "runs-itself" : "exports"], {
        cwd,
        env: {
          PATH: process.env["PATH"] ?? "",
          HOME: cwd,
          NODE_COMPILE_CACHE: join(tmpdir(), "effect-ovh-compile-cache"),
          ...envOf(fake, sample.setup?.credentials)
        }
      })
    )
    const sent = (yield* fake.calls).map((call) => `${call.method} ${call.template ?? call.path}`)
    return { ...result, sent }
  }).pipe(Effect.provide(fakeLayer))

const isTest = (sample: Sample) => /from "@effect\/vitest"/.test(sample.code)

describe("docs", () => {
  it("extracts fenced blocks with their line numbers", () => {
    const found = blocks("a\n```ts\nconst x = 1\n```\n```ts no-check\nnope(\n```\n```sh\nls\n```\n")
    assert.deepStrictEqual(found, [{ line: 2, code: "const x = 1\n" }])
  })

  it("runs a program a block defines without running it", () => {
    const defined = "import { Effect } from \"effect\"\nconst program = Effect.void\n"
    assert.strictEqual(runnableOf(defined), `${defined}\nexport { program }\n`)
    const run = `${defined}Effect.runPromise(program)\n`
    assert.strictEqual(runnableOf(run), run)
    assert.isTrue(runsItself("program.pipe(Effect.provide(layer), Effect.runPromise)"))
    assert.isFalse(runsItself("export const fast = listDomains"))
  })

  it("checks a block without imports as the body of an Effect.gen", () => {
    assert.strictEqual(moduleOf("import { Effect } from \"effect\"\n"), "import { Effect } from \"effect\"\n")
    const fragment = moduleOf("yield* Console.log(1)\n")
    assert.include(fragment, "export const fragment = Effect.gen(function*() {\nyield* Console.log(1)\n})")
  })

  const all = samples()
  writeModules(all)
  writeFileSync(join(out, "run.ts"), runner)

  it("each setup names exactly one block", () => {
    for (const setup of setups) {
      const matching = all.filter((s) => s.document === setup.document && s.code.includes(setup.marker))
      assert.strictEqual(matching.length, 1, `${setup.document} "${setup.marker}" matches ${matching.length} blocks`)
    }
  })

  it("the README's compile errors are the ones its type test checks", () => {
    const readme = all.find((s) => s.document === "README.md" && s.code.includes("@ts-expect-error billId is required"))
    assert.isDefined(readme)
    const typeTest = readFileSync(join(root, "packages", "core", "test", "types", "Readme.types.ts"), "utf8")
    // the calls after `declare const api`, each under its @ts-expect-error, the same bar the whitespace
    const calls = readme!.code.slice(readme!.code.indexOf("declare const api: Api.Service"))
    assert.strictEqual(calls.match(/@ts-expect-error/g)?.length, 3)
    assert.include(typeTest.replace(/\s+/g, ""), calls.replace(/\s+/g, ""))
  })

  it("type-checks every TypeScript block of README.md and docs/*.md", { timeout: 120_000 }, async () => {
    assert.isAbove(all.length, 0)
    const config = join(out, "tsconfig.json")
    writeFileSync(
      config,
      JSON.stringify(
        {
          extends: relative(out, join(root, "tsconfig.base.json")),
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
          files: [...all.map((s) => s.file), "run.ts"]
        },
        null,
        2
      )
    )
    const { code, stderr, stdout } = await exec(
      [join(root, "node_modules", "typescript", "bin", "tsc"), "-p", config],
      {
        cwd: root
      }
    )
    assert.strictEqual(
      code,
      0,
      `documentation snippets do not compile (mark a deliberate fragment \`\`\`ts no-check):\n${stdout}${stderr}`
    )
  })

  describe.concurrent("runs as copied against the fake API", () => {
    for (const sample of all.filter((s) => s.setup?.cannotRun === undefined && !isTest(s))) {
      it(`${sample.document}:${sample.line}`, { timeout: 120_000 }, async () => {
        const result = await Effect.runPromise(runSample(sample))
        const output = `exit ${result.code}\nstdout:\n${result.stdout}\nstderr:\n${result.stderr}`
        assert.strictEqual(result.code, 0, output)
        if (sample.setup?.prints !== undefined) assert.include(result.stdout, sample.setup.prints, output)
        for (const request of sample.setup?.sends ?? []) assert.include(result.sent, request, output)
      })
    }
  })

  it("runs the test samples under vitest", { timeout: 120_000 }, async () => {
    const tests = all.filter((s) => s.setup?.cannotRun === undefined && isTest(s))
    assert.isAbove(tests.length, 0)
    const dir = join(out, "vitest")
    mkdirSync(dir, { recursive: true })
    for (const sample of tests) {
      writeFileSync(
        join(dir, sample.file.replace(/\.ts$/, ".test.ts")),
        `// ${sample.document}:${sample.line}\n${sample.code}`
      )
    }
    const config = join(out, "vitest.config.mjs")
    writeFileSync(
      config,
      `export default { test: { include: [${
        JSON.stringify(relative(root, join(dir, "*.test.ts")))
      }], testTimeout: 60000 } }\n`
    )
    // a sample reaches the repository's files (examples/welcome.ts) from its working directory, as in its README
    const result = await exec(
      [join(root, "node_modules", "vitest", "vitest.mjs"), "run", "--root", root, "--config", config],
      {
        cwd: root,
        env: { ...process.env, NODE_COMPILE_CACHE: join(tmpdir(), "effect-ovh-compile-cache") } as Record<
          string,
          string
        >
      }
    ).catch((e) => ({ code: 1, stdout: "", stderr: String(e) }))
    // eslint-disable-next-line no-control-regex
    const output = `${result.stdout}\n${result.stderr}`.replace(/\x1b\[[0-9;]*m/g, "")
    assert.strictEqual(result.code, 0, output)
    assert.match(output, new RegExp(`Test Files\\s+${tests.length} passed`), output)
  })
})
