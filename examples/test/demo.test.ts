import { assert, describe, it } from "@effect/vitest"
import { execFile } from "node:child_process"
import { join } from "node:path"

const demo = join(import.meta.dirname, "..", "..", "scripts", "demo.ts")

const run = (...args: ReadonlyArray<string>) =>
  new Promise<{ code: number; stdout: string }>((resolve) => {
    execFile(process.execPath, [demo, ...args], { env: { PATH: process.env["PATH"] ?? "" } }, (error, stdout) =>
      resolve({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout }))
  })

describe("demo", () => {
  it("starts the fake, runs the examples under headings and exits with 0 when all succeed", async () => {
    const result = await run("--only", "welcome,consumer-key")
    assert.strictEqual(result.code, 0, result.stdout)
    const lines = result.stdout.split("\n")
    assert.match(lines[0]!, /^fake OVHcloud API on http:\/\/127\.0\.0\.1:\d+\/1\.0/)
    assert.deepStrictEqual(lines.filter((l) => l.startsWith("== ")), [
      "== [1/3] pnpm example welcome",
      "== [2/3] pnpm example consumer-key --interval 1",
      "== [3/3] pnpm example consumer-key --recursive --path /me/bill --interval 1"
    ])
    assert.include(lines, "Welcome Ada")
    assert.strictEqual(lines.filter((l) => /^-- ok in \d+\.\d s$/.test(l)).length, 3)
    assert.match(result.stdout, /^3\/3 examples succeeded in \d+\.\d s; the fake API answered \d+ requests$/m)
  })

  it("exits with 2 when --only names no example", async () => {
    const result = await run("--only", "nope")
    assert.strictEqual(result.code, 2)
    assert.include(result.stdout, "the examples are: welcome, consumer-key, mail-redirection")
  })
})
