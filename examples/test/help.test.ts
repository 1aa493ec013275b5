/**
 * `--help` of every example, run as a user runs it (no configuration at all): it exits with 0,
 * shows each flag's default next to its description, and ends with where the OVHcloud account is
 * read from.
 */
import { Endpoint } from "@effect-ovh/core"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFile } from "node:child_process"
import { readdirSync } from "node:fs"
import { join } from "node:path"
import { run } from "./harness.ts"

const examples = readdirSync(join(import.meta.dirname, "..")).filter((f) => f.endsWith(".ts")).map((f) =>
  f.slice(0, -3)
)

/** Defaults the flags fall back to, as `--help` must show them. */
const defaults: Record<string, ReadonlyArray<string>> = {
  bills: ["--concurrency integer    How many bills to fetch at once (default: 8)"],
  burst: ["(e.g. sbg1, gra1, rbx7, bhs3) (default: sbg1)", "How many servers to look up at once (default: 8)"],
  credentials: [
    "Which credentials to list (default: validated)",
    "How many credentials to look up at once (default: 8)"
  ],
  kvm: [
    "How long the session may be opened, in minutes (default: 15)",
    "Where to save the Java Web Start file (default: kvm.jnlp)",
    "How long to wait for the session, in seconds (default: 120)",
    "How often to check, in seconds (default: 5)"
  ],
  "mail-redirection": ["Keep a copy in the original mailbox (default: false)"]
}

/** `node scripts/example.ts args...`, as `pnpm example` runs it. */
const example = (args: ReadonlyArray<string>) =>
  Effect.callback<{ code: number; stdout: string; stderr: string }>((resume) => {
    execFile(
      process.execPath,
      [join(import.meta.dirname, "..", "..", "scripts", "example.ts"), ...args],
      { env: { PATH: process.env["PATH"] ?? "" } },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr }))
    )
  })

describe("pnpm example", () => {
  it.effect("names the examples and how to get their help when the name is unknown", () =>
    Effect.gen(function*() {
      const unknown = yield* example(["nope"])
      assert.strictEqual(unknown.code, 2)
      assert.strictEqual(unknown.stdout, "")
      assert.include(unknown.stderr, "no example named \"nope\"\n")
      assert.include(unknown.stderr, `available: ${examples.join(", ")}\n`)
      assert.include(unknown.stderr, "--help")
      const help = yield* example(["bills", "--help"])
      assert.strictEqual(help.code, 0, help.stderr)
      assert.include(help.stdout, "How many bills to fetch at once (default: 8)")
    }), { timeout: 30_000 })
})

describe("--help", () => {
  it("every example with a defaulted flag is listed here", () => {
    for (const name of Object.keys(defaults)) assert.include(examples, name)
  })

  for (const name of examples) {
    it.effect(name, () =>
      Effect.gen(function*() {
        const help = yield* run(name, ["--help"], {})
        assert.strictEqual(help.code, 0, help.stderr)
        assert.strictEqual(help.stderr, "")
        for (const line of defaults[name] ?? []) assert.include(help.stdout, line)
        const configuration = help.stdout.slice(help.stdout.indexOf("\nCONFIGURATION\n"))
        assert.notStrictEqual(help.stdout.indexOf("\nCONFIGURATION\n"), -1, help.stdout)
        for (
          const place of [
            "OVH_ENDPOINT",
            "OVH_APPLICATION_KEY",
            "OVH_CONSUMER_KEY",
            "./ovh.conf",
            "~/.ovh.conf",
            "/etc/ovh.conf"
          ]
        ) {
          assert.include(configuration, place)
        }
        for (const endpoint of Endpoint.names) assert.include(configuration, endpoint)
      }), { timeout: 30_000 })
  }
})
