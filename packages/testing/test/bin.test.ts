import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, type Exit, Layer, Schedule } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")

/** The JSON line fake-ovh prints first. */
interface Ready {
  readonly baseUrl: string
  readonly endpoint: string
  readonly tokenUrl: string
  readonly applicationKey: string
  readonly applicationSecret: string
  readonly consumerKey: string
  readonly clientId: string
  readonly clientSecret: string
  readonly caFile?: string
  readonly caCert?: string
  readonly pid: number
}

/** Runs `command` (node on the bin by default); yields the child and its first stdout line, parsed. */
const start = (
  args: ReadonlyArray<string>,
  command: ReadonlyArray<string> = [process.execPath, "packages/testing/src/bin.ts"]
) =>
  Effect.acquireRelease(
    Effect.callback<{ child: childProcess.ChildProcess; ready: Ready; line: string }, Error>((resume) => {
      const child = childProcess.spawn(command[0]!, [...command.slice(1), ...args], {
        cwd: root,
        // scripts/pnpm.sh finds this Node 22 first
        env: { ...process.env, PATH: `${path.dirname(process.execPath)}${path.delimiter}${process.env["PATH"] ?? ""}` },
        stdio: ["ignore", "pipe", "pipe"]
      })
      let out = ""
      let err = ""
      child.stderr!.on("data", (chunk) => (err += chunk))
      child.stdout!.on("data", (chunk) => {
        out += chunk
        const newline = out.indexOf("\n")
        if (newline >= 0) {
          const line = out.slice(0, newline)
          resume(Effect.try({
            try: () => ({ child, ready: JSON.parse(line) as Ready, line }),
            catch: () => new Error(`not JSON: ${line}`)
          }))
        }
      })
      child.once("exit", (code) => resume(Effect.fail(new Error(`fake-ovh exited with ${code}: ${err}`))))
    }),
    ({ child, ready }) =>
      Effect.sync(() => {
        if (child.exitCode !== null) return
        child.kill("SIGKILL")
        if (ready.pid !== child.pid) killQuietly(ready.pid)
      })
  )

const killQuietly = (pid: number) => {
  try {
    process.kill(pid, "SIGKILL")
  } catch {
    // gone already
  }
}

/** Runs `args` to the end; yields its exit code and output. */
const run = (args: ReadonlyArray<string>) =>
  Effect.callback<{ code: number | null; stdout: string; stderr: string }>((resume) => {
    childProcess.execFile(
      process.execPath,
      ["packages/testing/src/bin.ts", ...args],
      { cwd: root },
      (error, stdout, stderr) =>
        resume(Effect.succeed({ code: error === null ? 0 : (error.code as number), stdout, stderr }))
    )
  })

/** A port nothing listens on (free when asked). */
const freePort = Effect.callback<number>((resume) => {
  const server = net.createServer().listen(0, "127.0.0.1", () => {
    const port = (server.address() as net.AddressInfo).port
    server.close(() => resume(Effect.succeed(port)))
  })
})

/** `GET <baseUrl>/auth/time` over plain HTTP. */
const serverTime = (baseUrl: string) => Effect.tryPromise(() => fetch(baseUrl + "/auth/time").then((r) => r.text()))

/** POSTs a body of `length` declared bytes with `Expect: 100-continue`; yields the status if the server answers before asking for it. */
const declare = (url: string, length: number) =>
  Effect.callback<number | "continue", Error>((resume) => {
    const req = http.request(url, { method: "POST", headers: { "content-length": length, expect: "100-continue" } })
    req.on("continue", () => {
      resume(Effect.succeed("continue"))
      req.destroy()
    })
    req.on("response", (res) => {
      resume(Effect.succeed(res.statusCode ?? 0))
      req.destroy()
    })
    req.on("error", (e) => resume(Effect.fail(e)))
    req.flushHeaders()
  })

const exitOf = (child: childProcess.ChildProcess) =>
  Effect.callback<number | null>((resume) => {
    if (child.exitCode !== null) resume(Effect.succeed(child.exitCode))
    else child.once("exit", (code) => resume(Effect.succeed(code)))
  })

describe("fake-ovh command", () => {
  it.live(
    "prints its URL and credentials, serves seeded data, and stops cleanly on SIGTERM",
    () =>
      Effect.gen(function*() {
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ovh-data-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        const data = path.join(dir, "data.json")
        fs.writeFileSync(
          data,
          JSON.stringify({ "/me": { firstname: "Grace", nichandle: "gh1906-ovh" }, "/me/bill/B1": { billId: "B1" } })
        )
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
      }),
    { timeout: 30_000 }
  )

  it.live(
    "serves HTTPS with --tls, a certificate made in-process, and hands out the certificate to trust",
    () =>
      Effect.gen(function*() {
        // no openssl binary on the PATH: the certificate is made by the process itself
        const { child, ready } = yield* start(["--tls"], [
          "/usr/bin/env",
          `PATH=${path.dirname(process.execPath)}`,
          process.execPath,
          "packages/testing/src/bin.ts"
        ])
        assert.match(ready.baseUrl, /^https:\/\/127\.0\.0\.1:\d+\/1\.0$/)
        assert.match(ready.caCert!, /^-----BEGIN CERTIFICATE-----\r?\n/)
        assert.strictEqual(fs.readFileSync(ready.caFile!, "utf8"), ready.caCert)
        const get = (url: string, ca: string | undefined) =>
          Effect.callback<string, Error>((resume) => {
            https.get(url, ca === undefined ? {} : { ca }, (res) => {
              let body = ""
              res.on("data", (chunk) => (body += chunk))
              res.on("end", () => resume(Effect.succeed(body)))
            }).on("error", (e) => resume(Effect.fail(e)))
          })
        assert.match(yield* get(ready.baseUrl + "/auth/time", ready.caCert), /^\d+$/)
        // by name too: the certificate holds localhost
        assert.match(yield* get(ready.baseUrl.replace("127.0.0.1", "localhost") + "/auth/time", ready.caCert), /^\d+$/)
        // and it is the only thing that makes the server trusted
        const untrusted = yield* Effect.flip(get(ready.baseUrl + "/auth/time", undefined))
        assert.match(untrusted.message, /self[- ]signed/)
        child.kill("SIGTERM")
        assert.strictEqual(yield* exitOf(child), 0)
        assert.isFalse(fs.existsSync(ready.caFile!))
      }),
    { timeout: 30_000 }
  )

  it.live(
    "through the README's command, the first stdout line is the JSON and its pid stops the server",
    () =>
      Effect.gen(function*() {
        const { child, ready, line } = yield* start(["--seed", "readme"], [
          "bash",
          "scripts/pnpm.sh",
          "--silent",
          "fake-ovh"
        ])
        assert.isTrue(line.startsWith("{"))
        assert.deepStrictEqual(Object.keys(ready), [
          "baseUrl",
          "endpoint",
          "tokenUrl",
          "applicationKey",
          "applicationSecret",
          "consumerKey",
          "clientId",
          "clientSecret",
          "pid"
        ])
        assert.strictEqual(ready.endpoint, ready.baseUrl)
        assert.match(yield* serverTime(ready.baseUrl), /^\d+$/)
        // pnpm does not pass SIGTERM on to the script: the pid in the line is the server's own
        assert.notStrictEqual(ready.pid, child.pid)
        process.kill(ready.pid, "SIGTERM")
        assert.strictEqual(yield* exitOf(child), 0)
      }),
    { timeout: 120_000 }
  )

  it.live("keeps serving when the reader closes stdout after the line (| head -1)", () =>
    Effect.gen(function*() {
      const { child, ready } = yield* start([])
      child.stdout!.destroy()
      let stderr = ""
      child.stderr!.on("data", (chunk) => (stderr += chunk))
      assert.match(yield* serverTime(ready.baseUrl), /^\d+$/)
      child.kill("SIGTERM")
      assert.strictEqual(yield* exitOf(child), 0)
      assert.strictEqual(stderr, "")
    }), { timeout: 30_000 })

  it.live("does not crash on EPIPE when stdout is closed before the line is written", () =>
    Effect.gen(function*() {
      const port = yield* freePort
      const child = childProcess.spawn(process.execPath, ["packages/testing/src/bin.ts", "--port", String(port)], {
        cwd: root,
        stdio: ["ignore", "pipe", "pipe"]
      })
      yield* Effect.addFinalizer(() => Effect.sync(() => child.exitCode === null && child.kill("SIGKILL")))
      child.stdout!.destroy()
      let stderr = ""
      child.stderr!.on("data", (chunk) => (stderr += chunk))
      const time = yield* serverTime(`http://127.0.0.1:${port}/1.0`).pipe(
        Effect.retry({ schedule: Schedule.spaced("100 millis"), times: 150 })
      )
      assert.match(time, /^\d+$/)
      assert.isNull(child.exitCode)
      child.kill("SIGTERM")
      assert.strictEqual(yield* exitOf(child), 0)
      assert.notInclude(stderr, "EPIPE")
      assert.strictEqual(stderr, "")
    }), { timeout: 30_000 })

  it.live(
    "--help lists every option with its default, the --data format and how to validate a consumer key",
    () =>
      Effect.gen(function*() {
        const help = yield* run(["--help"])
        assert.strictEqual(help.code, 0)
        assert.strictEqual(help.stderr, "")
        const line = (option: string) => help.stdout.split("\n").find((l) => l.trimStart().startsWith(option + " "))
        const defaults: ReadonlyArray<[string, string]> = [
          ["--port", "0"],
          ["--host", "127.0.0.1"],
          ["--seed", "effect-ovh"],
          ["--data", "none"],
          ["--latency", "0"],
          ["--max-body-bytes", "10485760"]
        ]
        for (const [option, value] of defaults) {
          assert.match(line(option) ?? option, new RegExp(`default: ${value.replace(/\./g, "\\.")}$`))
        }
        assert.include(help.stdout, "default: off (HTTP)") // --tls
        assert.isDefined(line("--tls"))
        assert.isDefined(line("-h, --help"))
        assert.include(help.stdout, "--data: a JSON object from API path to value")
        assert.include(help.stdout, `{"/me": {"firstname": "Grace"}`)
        assert.match(help.stdout, /validationUrl is opened \(a GET[^)]*\), which validates it/)
        assert.include(help.stdout, "&action=refuse")

        // the defaults it states are the ones it uses
        const unset = yield* start([])
        const named = yield* start(["--seed", "effect-ovh"])
        assert.strictEqual(unset.ready.applicationKey, named.ready.applicationKey)
        assert.strictEqual(unset.ready.consumerKey, named.ready.consumerKey)
        assert.strictEqual(new URL(unset.ready.baseUrl).hostname, "127.0.0.1")
        assert.strictEqual(yield* declare(unset.ready.baseUrl + "/me", 10485761), 413)
        assert.strictEqual(yield* declare(unset.ready.baseUrl + "/me", 10485760), "continue")
      }),
    { timeout: 30_000 }
  )

  it.live(
    "--max-body-bytes sets the limit; a --data file that is not an object of paths is refused",
    () =>
      Effect.gen(function*() {
        const { ready } = yield* start(["--max-body-bytes", "100"])
        assert.strictEqual(yield* declare(ready.baseUrl + "/me", 101), 413)
        assert.strictEqual(yield* declare(ready.baseUrl + "/me", 100), "continue")

        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ovh-data-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        fs.writeFileSync(path.join(dir, "list.json"), "[1, 2]")
        fs.writeFileSync(path.join(dir, "typo.json"), JSON.stringify({ "/mee": {} }))
        const list = yield* run(["--data", path.join(dir, "list.json")])
        assert.deepStrictEqual([list.code, list.stdout], [1, ""])
        assert.include(list.stderr, "not a JSON object from API path to value")
        const typo = yield* run(["--data", path.join(dir, "typo.json")])
        assert.deepStrictEqual([typo.code, typo.stdout], [1, ""])
        assert.include(typo.stderr, "cannot seed /mee")
      }),
    { timeout: 30_000 }
  )

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

  it.live(
    "--latency makes every answer wait that long; a bad value is refused with a pointer to --help",
    () =>
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
          assert.include(message, "fake-ovh --help lists the options")
        }
      }),
    { timeout: 30_000 }
  )
})
