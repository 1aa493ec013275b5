#!/usr/bin/env node
/**
 * `pnpm fake-ovh [--port N] [--seed S] [--data file.json] [--latency ms] [--tls]`: serves the fake OVHcloud API on
 * 127.0.0.1 and prints one JSON line with its base URL and ready-to-use credentials.
 *
 * @since 0.1.0
 */
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpServerError from "effect/http/HttpServerError"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as FakeOvhApi from "./FakeOvhApi.ts"
import * as FakeOvhServer from "./FakeOvhServer.ts"

const usage = "usage: fake-ovh [--port <n>] [--seed <text>] [--data <file.json>] [--latency <ms>] [--tls]\n" +
  "  prints one JSON line (baseUrl, credentials; caFile with --tls), then serves until SIGINT/SIGTERM\n" +
  "  --latency: milliseconds every answer waits, as a remote API would (default 0)"

const parseArgs = (argv: ReadonlyArray<string>) => {
  const out: { port?: number; seed?: string; data?: string; tls?: boolean; latency?: number } = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const [name, inline] = arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined]
    const value = () => inline ?? argv[++i]
    switch (name) {
      case "--port": {
        const port = Number(value())
        if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`invalid --port\n${usage}`)
        out.port = port
        break
      }
      case "--seed":
        out.seed = value() ?? ""
        break
      case "--data":
        out.data = value() ?? ""
        break
      case "--latency": {
        const text = value()
        const latency = Number(text)
        if (text === undefined || text.trim() === "" || !Number.isFinite(latency) || latency < 0) {
          throw new Error(`invalid --latency ${JSON.stringify(text ?? "")}: a number of milliseconds >= 0\n${usage}`)
        }
        out.latency = latency
        break
      }
      case "--tls":
        out.tls = true
        break
      case "--help":
      case "-h":
        process.stdout.write(usage + "\n")
        process.exit(0)
        break
      default:
        throw new Error(`unknown option ${arg}\n${usage}`)
    }
  }
  return out
}

const main = Effect.gen(function*() {
  const args = yield* Effect.try({ try: () => parseArgs(process.argv.slice(2)), catch: (e) => e as Error })
  const data = args.data === undefined
    ? undefined
    : yield* Effect.try({
      try: () => JSON.parse(fs.readFileSync(args.data!, "utf8")) as Record<string, unknown>,
      catch: (e) => new Error(`cannot read --data ${args.data}: ${(e as Error).message}`)
    })
  const options: FakeOvhServer.TlsOptions = {
    ...(args.port !== undefined ? { port: args.port } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(data !== undefined ? { data } : {}),
    ...(args.latency !== undefined && args.latency > 0 ? { latency: Duration.millis(args.latency) } : {})
  }
  // With --tls, the throwaway certificate goes to a temporary file for NODE_EXTRA_CA_CERTS, removed at exit.
  const certificate = args.tls ? yield* FakeOvhServer.selfSignedCertificate() : undefined
  const caFile = certificate === undefined ? undefined : yield* Effect.acquireRelease(
    Effect.sync(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ovh-ca-"))
      const file = path.join(dir, "ca.pem")
      fs.writeFileSync(file, certificate.cert)
      return file
    }),
    (file) => Effect.sync(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }))
  )
  const served = certificate !== undefined ? FakeOvhServer.layerTls({ ...options, certificate }) : FakeOvhServer.layer(options)
  yield* Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    process.stdout.write(JSON.stringify({
      baseUrl: fake.baseUrl,
      ...(caFile !== undefined ? { caFile } : {}),
      endpoint: fake.baseUrl,
      tokenUrl: fake.tokenUrl,
      applicationKey: fake.credentials.applicationKey,
      applicationSecret: Redacted.value(fake.credentials.applicationSecret),
      consumerKey: Redacted.value(fake.credentials.consumerKey),
      clientId: fake.oauth2.clientId,
      clientSecret: Redacted.value(fake.oauth2.clientSecret)
    }) + "\n")
    yield* Effect.callback<void>((resume) => {
      const stop = () => resume(Effect.void)
      process.once("SIGINT", stop)
      process.once("SIGTERM", stop)
    })
  }).pipe(Effect.provide(Layer.fresh(served)))
}).pipe(
  Effect.scoped,
  Effect.mapError((error) =>
    error instanceof HttpServerError.ServeError ? new Error(`cannot serve: ${describe(error.cause)}`) : error
  )
)

const describe = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause))

Effect.runPromise(main).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`fake-ovh: ${error instanceof Error ? error.message : String(error)}\n`)
    process.exit(1)
  }
)
