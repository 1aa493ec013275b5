#!/usr/bin/env node
/**
 * `fake-ovh [options]`: serves the fake OVHcloud API on 127.0.0.1 for programs in any language and
 * prints one JSON line on stdout (its URL, credentials, the certificate to trust with `--tls`, its
 * pid), then nothing else there. `fake-ovh --help` lists the options with their defaults.
 *
 * @since 0.1.0
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as HttpServerError from "effect/http/HttpServerError"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import * as FakeOvhApi from "./FakeOvhApi.ts"
import * as FakeOvhServer from "./FakeOvhServer.ts"

const usage = `usage: fake-ovh [options]

Serves a fake OVHcloud API (v1 at /1.0, v2 at /v2) until SIGINT or SIGTERM. The first and only
line on stdout is one JSON object:
  baseUrl, endpoint       the API's base URL, http://127.0.0.1:<port>/1.0 (https:// with --tls)
  tokenUrl                the OAuth2 token endpoint (grant_type=client_credentials)
  applicationKey, applicationSecret, consumerKey
                          a registered application and a validated consumer key for GET/POST/PUT/DELETE /*
  clientId, clientSecret  an OAuth2 client
  caFile, caCert          with --tls: the certificate to trust, as a file (deleted at exit) and as PEM
  pid                     this process: send it SIGTERM to stop the server
Closing stdout (| head -1) does not stop the server; errors go to stderr, with exit status 1.

options:
  --port <n>              port to listen on, 0 for a free one         default: 0
  --host <address>        address to listen on                        default: 127.0.0.1
  --seed <text>           seed of the generated data and credentials  default: effect-ovh
  --data <file.json>      resources to serve, format below            default: none
  --latency <ms>          milliseconds every answer waits             default: 0
  --max-body-bytes <n>    larger request bodies get 413               default: ${FakeOvhServer.defaultMaxBodyBytes}
  --tls                   HTTPS, with a self-signed certificate made at start
                                                                      default: off (HTTP)
  -h, --help              this text

--data: a JSON object from API path to value, as the seed() of @effect-ovh/testing:
  {"/me": {"firstname": "Grace"}, "/me/bill/B1": {"billId": "B1"}, "/domain/zone": ["example.com"]}
  A value at a resource path is that resource (its collection then lists it); an array at a
  collection path sets the collection's ids. /v2/... paths too. A path the API does not have is
  an error. Anything not given is generated from the API's descriptions, the same for a --seed.
  Through scripts/pnpm.sh, a relative path is from the repository's root: give an absolute one.

Consumer keys: POST <baseUrl>/auth/credential with the header X-Ovh-Application: <applicationKey>
and {"accessRules": [{"method": "GET", "path": "/*"}]} answers a consumerKey and a validationUrl.
The key is pending until the validationUrl is opened (a GET: a browser, curl), which validates it
as a user would on OVHcloud's page; add &action=refuse to refuse it instead, &duration=<seconds>
to make it expire.`

interface Args {
  readonly port?: number
  readonly host?: string
  readonly seed?: string
  readonly data?: string
  readonly latency?: number
  readonly maxBodyBytes?: number
  readonly tls?: boolean
  readonly help?: boolean
}

const invalid = (option: string, text: string | undefined, expected: string) =>
  new Error(`invalid ${option} ${JSON.stringify(text ?? "")}: ${expected} (fake-ovh --help lists the options)`)

/** A whole number in [min, max], or an error naming the option. */
const integer = (option: string, text: string | undefined, min: number, max: number): number => {
  const n = Number(text)
  if (text === undefined || text.trim() === "" || !Number.isInteger(n) || n < min || n > max) {
    throw invalid(option, text, `a whole number from ${min} to ${max}`)
  }
  return n
}

const parseArgs = (argv: ReadonlyArray<string>): Args => {
  const out: { -readonly [K in keyof Args]: Args[K] } = {}
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    const eq = arg.indexOf("=")
    const [name, inline] = arg.startsWith("--") && eq > 0 ? [arg.slice(0, eq), arg.slice(eq + 1)] : [arg, undefined]
    const value = () => inline ?? argv[++i]
    switch (name) {
      case "--port":
        out.port = integer(name, value(), 0, 65535)
        break
      case "--host": {
        const host = value()
        if (host === undefined || host === "") throw invalid(name, host, "an address such as 127.0.0.1 or 0.0.0.0")
        out.host = host
        break
      }
      case "--seed":
        out.seed = value() ?? ""
        break
      case "--data": {
        const file = value()
        if (file === undefined || file === "") throw invalid(name, file, "a JSON file")
        out.data = file
        break
      }
      case "--latency": {
        const text = value()
        const latency = Number(text)
        if (text === undefined || text.trim() === "" || !Number.isFinite(latency) || latency < 0) {
          throw invalid(name, text, "a number of milliseconds >= 0")
        }
        out.latency = latency
        break
      }
      case "--max-body-bytes":
        out.maxBodyBytes = integer(name, value(), 0, Number.MAX_SAFE_INTEGER)
        break
      case "--tls":
        out.tls = true
        break
      case "--help":
      case "-h":
        out.help = true
        break
      default:
        throw new Error(`unknown option ${arg} (fake-ovh --help lists the options)`)
    }
  }
  return out
}

/** The `--data` file: a JSON object from API path to value. */
const readData = (file: string) =>
  Effect.try({
    try: () => {
      const data: unknown = JSON.parse(fs.readFileSync(file, "utf8"))
      if (typeof data !== "object" || data === null || Array.isArray(data)) {
        throw new Error("not a JSON object from API path to value")
      }
      return data as Record<string, unknown>
    },
    catch: (e) => new Error(`cannot read --data ${file}: ${(e as Error).message}`)
  })

/** The certificate as a file for clients that take a path (curl, requests, Go), removed at exit. */
const caFileOf = (certificate: FakeOvhServer.Certificate) =>
  Effect.acquireRelease(
    Effect.sync(() => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ovh-ca-"))
      const file = path.join(dir, "ca.pem")
      fs.writeFileSync(file, certificate.cert)
      return file
    }),
    (file) => Effect.sync(() => fs.rmSync(path.dirname(file), { recursive: true, force: true }))
  )

const main = Effect.gen(function*() {
  const args = yield* Effect.try({ try: () => parseArgs(process.argv.slice(2)), catch: (e) => e as Error })
  if (args.help === true) {
    process.stdout.write(usage + "\n")
    return
  }
  const data = args.data === undefined ? undefined : yield* readData(args.data)
  const options: FakeOvhServer.TlsOptions = {
    ...(args.port !== undefined ? { port: args.port } : {}),
    ...(args.host !== undefined ? { host: args.host } : {}),
    ...(args.seed !== undefined ? { seed: args.seed } : {}),
    ...(data !== undefined ? { data } : {}),
    ...(args.latency !== undefined && args.latency > 0 ? { latency: Duration.millis(args.latency) } : {}),
    ...(args.maxBodyBytes !== undefined ? { maxBodyBytes: args.maxBodyBytes } : {})
  }
  const certificate = args.tls === true ? yield* FakeOvhServer.selfSignedCertificate() : undefined
  const caFile = certificate === undefined ? undefined : yield* caFileOf(certificate)
  const served = certificate !== undefined
    ? FakeOvhServer.layerTls({ ...options, certificate })
    : FakeOvhServer.layer(options)
  yield* Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    process.stdout.write(
      JSON.stringify({
        baseUrl: fake.baseUrl,
        endpoint: fake.baseUrl,
        tokenUrl: fake.tokenUrl,
        applicationKey: fake.credentials.applicationKey,
        applicationSecret: Redacted.value(fake.credentials.applicationSecret),
        consumerKey: Redacted.value(fake.credentials.consumerKey),
        clientId: fake.oauth2.clientId,
        clientSecret: Redacted.value(fake.oauth2.clientSecret),
        ...(caFile !== undefined && certificate !== undefined ? { caFile, caCert: certificate.cert } : {}),
        pid: process.pid
      }) + "\n"
    )
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

// The JSON line is the only thing written to stdout. A reader that stops reading (`| head -1`, a
// harness closing its pipe) turns a write into EPIPE: the server has nothing more to say there, so
// it ignores that and keeps serving until SIGINT/SIGTERM.
process.stdout.on("error", () => {})

Effect.runPromise(main).then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`fake-ovh: ${describe(error)}\n`)
    process.exit(1)
  }
)
