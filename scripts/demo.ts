/**
 * `pnpm demo`: starts the fake OVHcloud API on loopback, seeded with a realistic account (bills,
 * dedicated servers in several datacenters, authorized applications, a mail domain), and runs every
 * example against it through the real Node layer over HTTP, each under a heading.
 *
 * The demo stands in for the user where a human would act: it opens the validation URL of each new
 * consumer key a moment after it is requested (until then the fake refuses the key with
 * INVALID_CREDENTIAL, as the API does), and the fake takes a few seconds to open a KVM session.
 * Exits with 0 only when every example succeeded. `--only welcome,bills` runs a subset.
 */
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { Deferred, Effect, Redacted } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as DemoAccount from "../examples/internal/demo-account.ts"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const compileCache = join(tmpdir(), "effect-ovh-compile-cache")

/** The examples the demo runs, with their arguments. */
export const examples: ReadonlyArray<{ readonly name: string; readonly args: ReadonlyArray<string> }> = [
  { name: "welcome", args: [] },
  { name: "consumer-key", args: ["--interval", "1"] },
  { name: "consumer-key", args: ["--recursive", "--path", "/me/bill", "--interval", "1"] },
  {
    name: "mail-redirection",
    args: [
      "--domain",
      DemoAccount.mailDomain,
      "--from",
      `sales@${DemoAccount.mailDomain}`,
      "--to",
      "ada.lovelace@example.com",
      "--local-copy"
    ]
  },
  { name: "bills", args: [] },
  { name: "dotted-params", args: ["--from", "2026-07-01", "--to", "2026-10-01"] },
  { name: "burst", args: ["--datacenter", "sbg1"] },
  { name: "credentials", args: [] },
  { name: "kvm", args: ["--server", DemoAccount.serverRows[0]![0], "--ip", "203.0.113.7", "--interval", "1"] }
]

const only = (() => {
  const i = process.argv.indexOf("--only")
  return i < 0 ? undefined : new Set((process.argv[i + 1] ?? "").split(",").filter((n) => n !== ""))
})()
const selected = only === undefined ? examples : examples.filter((e) => only.has(e.name))

/** What one run printed (stdout and stderr as they came), how it ended, how long it took. */
interface Run {
  readonly code: number
  readonly output: string
  readonly seconds: number
}

const runExample = (name: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.callback<Run>((resume) => {
    const started = Date.now()
    // an empty working directory and home, so no ovh.conf of this machine interferes
    const sandbox = mkdtempSync(join(tmpdir(), "effect-ovh-demo-"))
    const child = spawn(process.execPath, [join(root, "examples", `${name}.ts`), ...args], {
      cwd: sandbox,
      // the compile cache spares each run most of Node's work on the same sources
      env: { PATH: process.env["PATH"] ?? "", HOME: sandbox, NODE_COMPILE_CACHE: compileCache, ...env },
      stdio: ["ignore", "pipe", "pipe"]
    })
    let output = ""
    child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
    child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString("utf8")))
    const done = (code: number) => {
      rmSync(sandbox, { recursive: true, force: true })
      resume(Effect.succeed({ code, output, seconds: (Date.now() - started) / 1000 }))
    }
    child.on("close", (code) => done(code ?? 1))
    child.on("error", () => done(127))
  })

// Examples start a few at a time (most of a run is Node starting, or waiting on the fake), and
// their outputs are printed whole, in order, as soon as each one and those before it are done.
const concurrency = 3

const program = Effect.gen(function*() {
  const started = Date.now()
  const fake = yield* FakeOvhApi.FakeOvhApi
  yield* DemoAccount.prepare(fake, { validateAfter: "2 seconds" })
  const env = {
    OVH_ENDPOINT: fake.baseUrl,
    OVH_APPLICATION_KEY: fake.credentials.applicationKey,
    OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret),
    OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
  }
  console.log(`fake OVHcloud API on ${fake.baseUrl} (nothing leaves this machine)`)
  if (selected.length === 0) {
    console.log(`no example matches --only; the examples are: ${[...new Set(examples.map((e) => e.name))].join(", ")}`)
    process.exitCode = 2
    return
  }
  console.log(`running ${selected.length} examples, ${concurrency} at a time\n`)
  const runs = selected.map(() => Deferred.makeUnsafe<Run>())
  yield* Effect.forkChild(
    Effect.forEach(
      selected,
      (example, i) =>
        Effect.flatMap(runExample(example.name, example.args, env), (run) => Deferred.succeed(runs[i]!, run)),
      {
        concurrency,
        discard: true
      }
    )
  )
  const failed: Array<string> = []
  for (const [index, example] of selected.entries()) {
    const line = `pnpm example ${example.name} ${example.args.join(" ")}`.trimEnd()
    const run = yield* Deferred.await(runs[index]!)
    console.log(`== [${index + 1}/${selected.length}] ${line}`)
    process.stdout.write(run.output)
    if (run.code !== 0) failed.push(line)
    console.log(`-- ${run.code === 0 ? "ok" : `FAILED (exit ${run.code})`} in ${run.seconds.toFixed(1)} s\n`)
  }
  const calls = yield* fake.calls
  console.log(
    `${selected.length - failed.length}/${selected.length} examples succeeded in ${
      ((Date.now() - started) / 1000).toFixed(1)
    } s; ` +
      `the fake API answered ${calls.length} requests`
  )
  if (failed.length > 0) {
    console.log(`failed:\n${failed.map((f) => `  ${f}`).join("\n")}`)
    process.exitCode = 1
  }
})

Effect.runPromise(
  program.pipe(Effect.provide(FakeOvhServer.layer({ seed: "demo", data: DemoAccount.data })))
).catch((error) => {
  console.error(`demo failed: ${error}`)
  process.exitCode = 1
})
