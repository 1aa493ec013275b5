/**
 * `pnpm demo`: starts the fake OVHcloud API on loopback, seeded with a realistic account (bills,
 * dedicated servers in several datacenters, authorized applications, a mail domain), and runs every
 * example against it through the real Node layer over HTTP, each under a heading.
 *
 * The fake stands in for the user where a human would act: it validates new consumer keys a
 * moment after they are requested, and takes a few seconds to open a KVM session.
 * Exits with 0 only when every example succeeded. `--only welcome,bills` runs a subset.
 */
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { Effect, Redacted } from "effect"
import { spawn } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"
import * as DemoAccount from "../examples/internal/demo-account.ts"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")

/** The examples the demo runs, with their arguments. */
export const examples: ReadonlyArray<{ readonly name: string; readonly args: ReadonlyArray<string> }> = [
  { name: "welcome", args: [] },
  { name: "consumer-key", args: ["--interval", "1"] },
  { name: "consumer-key", args: ["--recursive", "--path", "/me/bill", "--interval", "1"] },
  {
    name: "mail-redirection",
    args: ["--domain", DemoAccount.mailDomain, "--from", `sales@${DemoAccount.mailDomain}`, "--to", "ada.lovelace@example.com", "--local-copy"]
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

const runExample = (name: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.callback<number>((resume) => {
    // an empty working directory and home, so no ovh.conf of this machine interferes
    const sandbox = mkdtempSync(join(tmpdir(), "effect-ovh-demo-"))
    const child = spawn(process.execPath, [join(root, "examples", `${name}.ts`), ...args], {
      cwd: sandbox,
      env: { PATH: process.env["PATH"] ?? "", HOME: sandbox, ...env },
      stdio: ["ignore", "inherit", "inherit"]
    })
    const done = (code: number) => {
      rmSync(sandbox, { recursive: true, force: true })
      resume(Effect.succeed(code))
    }
    child.on("exit", (code) => done(code ?? 1))
    child.on("error", () => done(127))
  })

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
  console.log(`fake OVHcloud API on ${fake.baseUrl} (nothing leaves this machine)\n`)
  const failed: Array<string> = []
  if (selected.length === 0) {
    console.log(`no example matches --only; the examples are: ${[...new Set(examples.map((e) => e.name))].join(", ")}`)
    process.exitCode = 2
    return
  }
  for (const [index, example] of selected.entries()) {
    const line = `pnpm example ${example.name} ${example.args.join(" ")}`.trimEnd()
    console.log(`== [${index + 1}/${selected.length}] ${line}`)
    const t0 = Date.now()
    const code = yield* runExample(example.name, example.args, env)
    if (code !== 0) failed.push(line)
    console.log(`-- ${code === 0 ? "ok" : `FAILED (exit ${code})`} in ${((Date.now() - t0) / 1000).toFixed(1)} s\n`)
  }
  const calls = yield* fake.calls
  console.log(
    `${selected.length - failed.length}/${selected.length} examples succeeded in ${((Date.now() - started) / 1000).toFixed(1)} s; ` +
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
