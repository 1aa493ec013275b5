/**
 * `pnpm demo`: starts the fake OVHcloud API on loopback, seeded with a realistic account, and runs
 * the examples against it through the real Node layer over HTTP, each under a heading.
 * Exits with 0 only when every example succeeded.
 */
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { Effect, Redacted } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** The examples the demo runs, with their arguments. */
const examples: ReadonlyArray<{ readonly name: string; readonly args: ReadonlyArray<string> }> = [
  { name: "welcome", args: [] }
]

const runExample = (name: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.callback<number>((resume) => {
    // an empty working directory and home, so no ovh.conf of this machine interferes
    const sandbox = mkdtempSync(join(tmpdir(), "effect-ovh-demo-"))
    const child = spawn(process.execPath, [join(root, "examples", `${name}.ts`), ...args], {
      cwd: sandbox,
      env: { ...process.env, HOME: sandbox, ...env },
      stdio: ["ignore", "inherit", "inherit"]
    })
    child.on("exit", (code) => resume(Effect.succeed(code ?? 1)))
    child.on("error", () => resume(Effect.succeed(127)))
  })

const program = Effect.gen(function*() {
  const fake = yield* FakeOvhApi.FakeOvhApi
  const env = {
    OVH_ENDPOINT: fake.baseUrl,
    OVH_APPLICATION_KEY: fake.credentials.applicationKey,
    OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret),
    OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
  }
  console.log(`fake OVHcloud API on ${fake.baseUrl}\n`)
  const failed: Array<string> = []
  for (const [index, example] of examples.entries()) {
    console.log(`== [${index + 1}/${examples.length}] ${example.name} ${example.args.join(" ")}`.trimEnd())
    const code = yield* runExample(example.name, example.args, env)
    if (code !== 0) failed.push(example.name)
    console.log("")
  }
  const calls = yield* fake.calls
  console.log(`${examples.length - failed.length}/${examples.length} examples succeeded; the fake API answered ${calls.length} requests`)
  if (failed.length > 0) {
    console.log(`failed: ${failed.join(", ")}`)
    process.exitCode = 1
  }
})

Effect.runPromise(program.pipe(Effect.scoped, Effect.provide(FakeOvhServer.layer({ seed: "demo" })))).catch((error) => {
  console.error(`demo failed: ${error}`)
  process.exitCode = 1
})
