import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, type Exit, Layer } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as https from "node:https"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

interface Ready {
  readonly baseUrl: string
  readonly applicationKey: string
  readonly applicationSecret: string
  readonly consumerKey: string
}

/** Starts `pnpm fake-ovh`'s script with `args`; yields the child and its first stdout line, parsed. */
const start = (args: ReadonlyArray<string>) =>
  Effect.acquireRelease(
    Effect.callback<{ child: childProcess.ChildProcess; ready: Ready }, Error>((resume) => {
      const child = childProcess.spawn(process.execPath, ["packages/testing/src/bin.ts", ...args], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"]
      })
      let out = ""
      let err = ""
      child.stderr!.on("data", (chunk) => (err += chunk))
      child.stdout!.on("data", (chunk) => {
        out += chunk
        const newline = out.indexOf("\n")
        if (newline >= 0) resume(Effect.succeed({ child, ready: JSON.parse(out.slice(0, newline)) as Ready }))
      })
      child.once("exit", (code) => resume(Effect.fail(new Error(`fake-ovh exited with ${code}: ${err}`))))
    }),
    ({ child }) => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL"))
  )

const exitOf = (child: childProcess.ChildProcess) =>
  Effect.callback<number | null>((resume) => {
    if (child.exitCode !== null) resume(Effect.succeed(child.exitCode))
    else child.once("exit", (code) => resume(Effect.succeed(code)))
  })

describe("fake-ovh command", () => {
  it.live("prints its URL and credentials, serves seeded data, and stops cleanly on SIGTERM", () =>
    Effect.gen(function*() {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ovh-data-"))
      yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
      const data = path.join(dir, "data.json")
      fs.writeFileSync(data, JSON.stringify({ "/me": { firstname: "Grace", nichandle: "gh1906-ovh" }, "/me/bill/B1": { billId: "B1" } }))
      const { child, ready } = yield* start(["--port", "0", "--seed", "cli", "--data", data])
      assert.match(ready.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/1\.0$/)
      const client = yield* OvhClient.OvhClient.pipe(
        Effect.provide(OvhClient.OvhClient.layer.pipe(
          Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions({
            endpoint: ready.baseUrl,
            applicationKey: ready.applicationKey,
            applicationSecret: ready.applicationSecret,
            consumerKey: ready.consumerKey
          })])),
          Layer.provide(FetchHttpClient.layer)
        ))
      )
      assert.deepStrictEqual(yield* client.get("/me"), { firstname: "Grace", nichandle: "gh1906-ovh" })
      assert.deepStrictEqual(yield* client.get("/me/bill"), ["B1"])
      child.kill("SIGTERM")
      assert.strictEqual(yield* exitOf(child), 0)
    }), { timeout: 30_000 })

  it.live("serves HTTPS with --tls and hands out the certificate to trust", () =>
    Effect.gen(function*() {
      const { child, ready } = yield* start(["--tls"])
      const caFile = (ready as Ready & { caFile: string }).caFile
      assert.match(ready.baseUrl, /^https:\/\/127\.0\.0\.1:\d+\/1\.0$/)
      const ca = fs.readFileSync(caFile, "utf8")
      const time = yield* Effect.callback<string, Error>((resume) => {
        https.get(ready.baseUrl + "/auth/time", { ca }, (res) => {
          let body = ""
          res.on("data", (chunk) => (body += chunk))
          res.on("end", () => resume(Effect.succeed(body)))
        }).on("error", (e) => resume(Effect.fail(e)))
      })
      assert.match(time, /^\d+$/)
      child.kill("SIGTERM")
      assert.strictEqual(yield* exitOf(child), 0)
      assert.isFalse(fs.existsSync(caFile))
    }), { timeout: 30_000 })

  it.live("fails with a clear message when the port is taken", () =>
    Effect.gen(function*() {
      const first = yield* start([])
      const port = new URL(first.ready.baseUrl).port
      const exit = yield* Effect.exit(start(["--port", port]))
      assert.isTrue(exit._tag === "Failure")
      assert.include(String(Cause.squash((exit as Exit.Failure<unknown, Error>).cause)), "cannot serve")
    }), { timeout: 30_000 })

  it.live("derives the same credentials from the same seed", () =>
    Effect.gen(function*() {
      const first = yield* start(["--seed", "same"])
      const second = yield* start(["--seed", "same"])
      assert.strictEqual(first.ready.applicationKey, second.ready.applicationKey)
      assert.strictEqual(first.ready.consumerKey, second.ready.consumerKey)
      assert.notStrictEqual(first.ready.baseUrl, second.ready.baseUrl)
      first.child.kill("SIGINT")
      assert.strictEqual(yield* exitOf(first.child), 0)
    }), { timeout: 30_000 })

  it.live("--latency makes every answer wait that long; a bad value is refused with the usage", () =>
    Effect.gen(function*() {
      const { child, ready } = yield* start(["--latency", "150"])
      const started = Date.now()
      const time = yield* Effect.promise(() => fetch(ready.baseUrl + "/auth/time").then((r) => r.text()))
      assert.match(time, /^\d+$/)
      assert.isAtLeast(Date.now() - started, 150)
      child.kill("SIGTERM")
      assert.strictEqual(yield* exitOf(child), 0)

      for (const bad of ["-5", "soon", ""]) {
        const exit = yield* Effect.exit(start(["--latency", bad]))
        assert.isTrue(exit._tag === "Failure")
        const message = String(Cause.squash((exit as Exit.Failure<unknown, Error>).cause))
        assert.include(message, "invalid --latency")
        assert.include(message, "usage: fake-ovh")
      }
    }), { timeout: 30_000 })
})
