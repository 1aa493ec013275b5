/**
 * No secret leaves the client: a loopback server that echoes every request header (the way a proxy, a
 * WAF or a debugging server does) in its error bodies, for every auth kind and every kind of error an
 * answer becomes. Secrets are random; every observable string (the error's message, `String`, JSON,
 * `util.inspect`, `Cause.pretty`, the spans' exits and attributes, the Debug log lines, a printed
 * `raw()` response) is searched for any 8-character run of any of them.
 */
import * as ConsumerKey from "@effect-ovh/core/ConsumerKey"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Layer, Logger, References, Tracer } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientError from "effect/http/HttpClientError"
import { randomBytes } from "node:crypto"
import * as Http from "node:http"
import { inspect } from "node:util"
import { makeRecorder } from "./utils/recorder.ts"

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"

/** A random base62 string of `length` characters. */
const random = (length: number): string => [...randomBytes(length)].map((b) => BASE62[b % 62]).join("")

const base64 = (text: string) => Buffer.from(text, "utf8").toString("base64")

/** The secrets of one test: what the client is configured with, and what the server hands out. */
interface Secrets {
  readonly applicationSecret: string
  readonly consumerKey: string
  readonly clientId: string
  readonly clientSecret: string
  readonly accessToken: string
  /** The OAuth2 token the server issues. */
  readonly issuedToken: string
  /** The consumer key `POST /auth/credential` answers. */
  readonly newConsumerKey: string
  /** A password in a URL the server quotes. */
  readonly urlPassword: string
}

const makeSecrets = (): Secrets => ({
  applicationSecret: random(32),
  consumerKey: random(32),
  clientId: random(16),
  clientSecret: random(40),
  accessToken: random(48),
  issuedToken: random(48),
  newConsumerKey: random(32),
  urlPassword: random(32)
})

/** What the server saw: the credential headers' values. */
interface Seen {
  readonly credentials: Array<string>
  /** Whether `POST /auth/credential` answers a state the client does not know. */
  malformed: boolean
}

/**
 * A server echoing the request's headers: raw (`Name: value` lines), as a JSON object, and each
 * credential's value alone and cut to 20 characters, with a URL holding a password. The path picks the
 * answer: `/1.0/case/<name>`.
 */
const startServer = (secrets: Secrets, seen: Seen) =>
  Effect.gen(function*() {
    const server = Http.createServer((req, res) => {
      const url = req.url ?? ""
      const lines: Array<string> = []
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`)
      const values = ["x-ovh-consumer", "x-ovh-signature", "authorization"].flatMap((name) => {
        const value = req.headers[name]
        return typeof value === "string" ? [value.replace(/^(Bearer|Basic) /, "")] : []
      })
      seen.credentials.push(...values)
      const dump = [
        ...lines,
        `seen ${values.join(" ")}`,
        `cut ${values.map((v) => v.slice(0, 20)).join(" ")}`,
        `upstream http://proxy-user:${secrets.urlPassword}@proxy.example:3128/`
      ].join("\n")
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json", "x-ovh-queryid": "EU.ext-1.test" })
        res.end(JSON.stringify(body))
      }
      if (url === "/1.0/auth/time") return res.end(String(Math.floor(Date.now() / 1000)))
      if (url === "/auth/oauth2/token") {
        return json(200, { access_token: secrets.issuedToken, token_type: "Bearer", expires_in: 3600 })
      }
      if (url === "/auth/oauth2/refuse") {
        return json(401, { error: "invalid_client", error_description: `refused: ${dump}` })
      }
      if (url === "/auth/oauth2/refuse-html") {
        res.writeHead(403, { "content-type": "text/html" })
        return res.end(`<html><body><pre>${dump}</pre></body></html>`)
      }
      if (url === "/1.0/auth/credential") {
        return json(200, {
          validationUrl: "https://www.ovh.com/auth/sso/api?credentialToken=abc",
          consumerKey: secrets.newConsumerKey,
          // a state the client does not know: the decoding issue must not quote it
          state: seen.malformed ? `pending ${secrets.newConsumerKey}` : "pendingValidation"
        })
      }
      const headers = { ...req.headers }
      switch (url) {
        case "/1.0/case/bad-parameters":
          return json(400, { class: "Client::BadRequest", message: `Invalid request: ${dump}`, headers })
        case "/1.0/case/not-granted":
          return json(403, {
            errorCode: "NOT_GRANTED_CALL",
            message: `This call has not been granted: ${dump}`,
            details: { request: headers, raw: dump, lines: dump.split("\n") }
          })
        case "/1.0/case/not-credential":
          return json(401, { errorCode: "NOT_CREDENTIAL", message: `This credential does not exist: ${dump}` })
        case "/1.0/case/api-error":
          res.writeHead(502, { "content-type": "text/html" })
          return res.end(`<html><head><title>502 Bad Gateway</title></head><body><pre>${dump}</pre></body></html>`)
        case "/1.0/case/invalid-response":
          res.writeHead(200, { "content-type": "text/plain" })
          // the first credential straddles the point where the client cuts its excerpt (120 characters)
          return res.end(`${"x".repeat(100)} ${values.join(" ")}\n${dump}`)
        case "/1.0/case/deep":
          // an error body nested deeper than a stack goes
          res.writeHead(400, { "content-type": "application/json" })
          return res.end(`{"message":"too deep","details":{"a":${"[".repeat(200_000)}${"]".repeat(200_000)}}}`)
        case "/1.0/case/raw":
          return json(200, { ok: true })
      }
      json(404, { message: "no such case" })
    })
    yield* Effect.acquireRelease(
      Effect.promise(() => new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))),
      () => Effect.promise(() => new Promise<void>((resolve) => server.close(() => resolve())))
    )
    return `http://127.0.0.1:${(server.address() as { port: number }).port}`
  })

type Kind = "ApplicationKey" | "OAuth2" | "AccessToken"

const optionsOf = (
  kind: Kind,
  secrets: Secrets,
  origin: string,
  tokenPath = "/auth/oauth2/token"
): OvhConfig.Options => {
  const endpoint = `${origin}/1.0`
  switch (kind) {
    case "ApplicationKey":
      return {
        endpoint,
        applicationKey: "ak-not-a-secret",
        applicationSecret: secrets.applicationSecret,
        consumerKey: secrets.consumerKey
      }
    case "OAuth2":
      return {
        endpoint,
        clientId: secrets.clientId,
        clientSecret: secrets.clientSecret,
        oauth2TokenUrl: `${origin}${tokenPath}`
      }
    case "AccessToken":
      return { endpoint, accessToken: secrets.accessToken }
  }
}

/** Everything the client lets out besides its errors: spans and Debug log lines. */
const capture = () => {
  const { lines, logger, spans, tracer } = makeRecorder()
  const observed = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
    effect.pipe(
      Effect.provideService(Tracer.Tracer, tracer),
      Effect.provide(Logger.layer([logger])),
      Effect.provideService(References.MinimumLogLevel, "Debug")
    )
  /** The spans as a tracer sees them: name, attributes, events, exit. */
  const outputs = (only: (span: Tracer.NativeSpan) => boolean = () => true) => [
    ...spans.filter(only).flatMap((s) => {
      const exit = s.status._tag === "Ended" ? s.status.exit : undefined
      return [
        inspect({ name: s.name, attributes: s.attributes, events: s.events, exit }, { depth: Infinity }),
        JSON.stringify({ attributes: Object.fromEntries(s.attributes), exit }),
        exit !== undefined && Exit.isFailure(exit) ? Cause.pretty(exit.cause) : ""
      ]
    }),
    ...lines
  ]
  return { spans, lines, observed, outputs }
}

/** Every string an error lets out, and its cause's. */
const errorOutputs = (error: unknown, cause: Cause.Cause<unknown>): Array<string> => [
  (error as Error).message,
  String(error),
  JSON.stringify(error),
  inspect(error, { depth: Infinity }),
  Cause.pretty(cause),
  inspect(cause, { depth: Infinity })
]

/** Every form of `secrets` that must not appear, with the credentials the server saw (signatures included). */
const forbidden = (secrets: Secrets, seen: Seen): Array<string> => [
  secrets.applicationSecret,
  secrets.consumerKey,
  secrets.clientSecret,
  base64(`${secrets.clientId}:${secrets.clientSecret}`),
  secrets.accessToken,
  secrets.issuedToken,
  secrets.newConsumerKey,
  secrets.urlPassword,
  ...seen.credentials.map((value) => value.replace(/^\$1\$/, ""))
]

/** Fails when any 8-character run of any of `secrets` appears in any of `outputs`. */
const assertNoRun = (outputs: ReadonlyArray<string>, secrets: ReadonlyArray<string>) => {
  const text = outputs.join("\n")
  for (const secret of secrets) {
    for (let i = 0; i + 8 <= secret.length; i++) {
      const run = secret.slice(i, i + 8)
      const at = text.indexOf(run)
      if (at >= 0) assert.fail(`a run of a secret (${run}) appears in: ${text.slice(Math.max(0, at - 1500), at + 200)}`)
    }
  }
}

/**
 * The fetch client, except for `/case/transport`: a transport failure whose message quotes the request's
 * headers, as some agents and proxies put them in their errors.
 */
const failingTransport = (seen: Seen) =>
  Layer.effect(
    HttpClient.HttpClient,
    Effect.map(HttpClient.HttpClient, (http) =>
      HttpClient.make((request) => {
        if (!request.url.endsWith("/case/transport")) return http.execute(request)
        const headers = request.headers as Readonly<Record<string, string>>
        for (const name of ["x-ovh-consumer", "x-ovh-signature", "authorization"]) {
          if (headers[name] !== undefined) seen.credentials.push(headers[name].replace(/^(Bearer|Basic) /, ""))
        }
        const quoted = Object.entries(headers).map(([name, value]) => `${name}: ${value}`).join("\n")
        return Effect.fail(
          new HttpClientError.HttpClientError({
            reason: new HttpClientError.TransportError({ request, cause: new Error(`proxy refused:\n${quoted}`) })
          })
        )
      }))
  ).pipe(Layer.provide(FetchHttpClient.layer))

/** A client of `kind` against the echoing server, run with `use`. */
const withClient = <A, E>(
  kind: Kind,
  use: (
    client: OvhClient.OvhClient["Service"],
    context: { readonly secrets: Secrets; readonly seen: Seen; readonly captured: ReturnType<typeof capture> }
  ) => Effect.Effect<A, E, OvhClient.OvhClient>,
  tokenPath?: string
) =>
  Effect.gen(function*() {
    const secrets = makeSecrets()
    const seen: Seen = { credentials: [], malformed: false }
    const origin = yield* startServer(secrets, seen)
    const captured = capture()
    const layer = OvhClient.OvhClient.layer.pipe(
      Layer.provide(OvhConfig.OvhConfig.layerSources([
        OvhConfig.fromOptions(optionsOf(kind, secrets, origin, tokenPath))
      ])),
      Layer.provide(failingTransport(seen))
    )
    return yield* Effect.flatMap(OvhClient.OvhClient, (client) => use(client, { secrets, seen, captured })).pipe(
      captured.observed,
      Effect.provide(layer)
    )
  }).pipe(Effect.scoped)

const CASES = [
  { name: "BadParameters", path: "/case/bad-parameters", tag: "BadParameters" },
  { name: "NotGranted", path: "/case/not-granted", tag: "NotGranted" },
  { name: "NotCredential", path: "/case/not-credential", tag: "NotCredential" },
  { name: "ApiError", path: "/case/api-error", tag: "ApiError" },
  { name: "InvalidResponse", path: "/case/invalid-response", tag: "InvalidResponse" }
] as const

const KINDS: ReadonlyArray<Kind> = ["ApplicationKey", "OAuth2", "AccessToken"]

describe("Secrets", () => {
  for (const kind of KINDS) {
    for (const c of CASES) {
      it.live(`${c.name} echoing the request headers holds no secret (${kind})`, () =>
        withClient(kind, (client, { captured, secrets, seen }) =>
          Effect.gen(function*() {
            const exit = yield* Effect.exit(client.get(c.path, undefined, { retry: false }))
            assert.isTrue(Exit.isFailure(exit))
            if (!Exit.isFailure(exit)) return
            const error = Cause.squash(exit.cause) as { _tag: string; message: string; details?: unknown }
            assert.strictEqual(error._tag, c.tag)
            // the server did see (and echo) the credentials, and the error still says what went wrong
            assert.isNotEmpty(seen.credentials)
            assert.include(error.message, "<redacted>")
            if (c.tag === "NotGranted") {
              assert.include(error.message, "This call has not been granted")
              const details = error.details as { request: Record<string, unknown>; raw: string }
              assert.notProperty(details.request, "authorization")
              assert.notProperty(details.request, "x-ovh-consumer")
              assert.notProperty(details.request, "x-ovh-signature")
              assert.include(details.raw, "upstream http://proxy-user:<redacted>@proxy.example")
            }
            // what is no secret stays readable
            if (kind === "ApplicationKey" && c.tag !== "InvalidResponse") {
              assert.include(inspect(error, { depth: Infinity }), "x-ovh-application: ak-not-a-secret")
              // scrubbed once, however many times the error went through the scrubber
              assert.match(error.message, /x-ovh-consumer: <redacted>\s/)
              // (the excerpt of an HTML page may be cut before the signature's line)
              if (c.tag !== "ApiError") assert.match(error.message, /x-ovh-signature: <redacted>\s/)
            }
            assert.isAbove(captured.spans.length, 0)
            assert.isAbove(captured.lines.length, 0)
            assertNoRun([...errorOutputs(error, exit.cause), ...captured.outputs()], forbidden(secrets, seen))
          })))
    }
  }

  for (const kind of KINDS) {
    it.live(`a NetworkError quoting the request headers holds no secret (${kind})`, () =>
      withClient(kind, (client, { captured, secrets, seen }) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(client.get("/case/transport", undefined, { retry: false }))
          assert.isTrue(Exit.isFailure(exit))
          if (!Exit.isFailure(exit)) return
          const error = Cause.squash(exit.cause) as { _tag: string; detail: string }
          assert.strictEqual(error._tag, "NetworkError")
          assert.isNotEmpty(seen.credentials)
          assert.include(error.detail, "proxy refused")
          assert.include(error.detail, "<redacted>")
          // the HttpClient's own span ends with the transport error as the HttpClient made it, below the client
          const ours = (span: Tracer.NativeSpan) => span.name.startsWith("OvhClient.")
          assert.isTrue(captured.spans.some(ours))
          assertNoRun([...errorOutputs(error, exit.cause), ...captured.outputs(ours)], forbidden(secrets, seen))
        })))
  }

  it.live("an error body nested deeper than a stack goes is a BadParameters, not a defect", () =>
    withClient("ApplicationKey", (client) =>
      Effect.gen(function*() {
        const error = yield* Effect.flip(client.get("/case/deep", undefined, { retry: false }))
        assert.strictEqual(error._tag, "BadParameters")
        assert.strictEqual(error.message, "too deep")
      })))

  for (const path of ["/auth/oauth2/refuse", "/auth/oauth2/refuse-html"]) {
    it.live(`OAuth2Failure echoing the token request's Basic header holds no secret (${path})`, () =>
      withClient("OAuth2", (client, { captured, secrets, seen }) =>
        Effect.gen(function*() {
          const exit = yield* Effect.exit(client.get("/me", undefined, { retry: false }))
          assert.isTrue(Exit.isFailure(exit))
          if (!Exit.isFailure(exit)) return
          const error = Cause.squash(exit.cause) as { _tag: string; message: string }
          assert.strictEqual(error._tag, "OAuth2Failure")
          // the Basic header did go out, and came back
          assert.include(seen.credentials, base64(`${secrets.clientId}:${secrets.clientSecret}`))
          assert.include(error.message, "<redacted>")
          assertNoRun([...errorOutputs(error, exit.cause), ...captured.outputs()], forbidden(secrets, seen))
        }), path))
  }

  for (const kind of KINDS) {
    it.live(`a raw() response prints without its credentials (${kind})`, () =>
      withClient(kind, (client, { captured, secrets, seen }) =>
        Effect.gen(function*() {
          const response = yield* client.raw({ method: "GET", path: "/case/raw" })
          assert.strictEqual(response.status, 200)
          assert.isNotEmpty(seen.credentials)
          const printed = [inspect(response, { depth: Infinity }), JSON.stringify(response)]
          // printed outside any fiber too, where Effect's default redacted names do not hold the OVH headers
          const outside = yield* Effect.promise(() =>
            new Promise<Array<string>>((resolve) =>
              setTimeout(() => resolve([inspect(response, { depth: Infinity }), JSON.stringify(response)]), 0)
            )
          )
          for (const text of [...printed, ...outside]) assert.include(text, "/case/raw")
          if (kind === "ApplicationKey") {
            assert.match(printed[0]!, /x-ovh-consumer/)
            assert.match(printed[0]!, /x-ovh-signature/)
          }
          assertNoRun([...printed, ...outside, ...captured.outputs()], forbidden(secrets, seen))
        })))
  }

  it.live("the spans of ConsumerKey.request do not hold the new consumer key", () =>
    withClient("ApplicationKey", (_, { captured, secrets, seen }) =>
      Effect.gen(function*() {
        const pending = yield* ConsumerKey.make().pipe(
          ConsumerKey.addRules(ConsumerKey.API_READ_ONLY, "/me"),
          ConsumerKey.request
        )
        assert.strictEqual(pending.state, "pendingValidation")
        assert.include(captured.spans.map((s) => s.name), "ConsumerKey.request")
        assert.include(captured.spans.map((s) => s.name), "OvhClient.post")
        // the call's span ends with its status, not the answer's body
        const post = captured.spans.find((s) => s.name === "OvhClient.post")!
        assert.include(inspect(post.status, { depth: Infinity }), "OvhClient.Reply")
        assertNoRun([...captured.outputs(), inspect(pending, { depth: Infinity }), JSON.stringify(pending)], [
          secrets.newConsumerKey,
          ...forbidden(secrets, seen)
        ])
      })))

  it.live("an answer to ConsumerKey.request that does not decode gives an InvalidResponse without the new key", () =>
    withClient("ApplicationKey", (_, { captured, secrets, seen }) =>
      Effect.gen(function*() {
        seen.malformed = true
        const exit = yield* Effect.exit(
          ConsumerKey.make().pipe(ConsumerKey.addRules(ConsumerKey.API_READ_ONLY, "/me"), ConsumerKey.request)
        )
        assert.isTrue(Exit.isFailure(exit))
        if (!Exit.isFailure(exit)) return
        const error = Cause.squash(exit.cause) as { _tag: string; detail: string }
        assert.strictEqual(error._tag, "InvalidResponse")
        assert.include(error.detail, "state")
        assertNoRun([...errorOutputs(error, exit.cause), ...captured.outputs()], [
          secrets.newConsumerKey,
          ...forbidden(secrets, seen)
        ])
      })))

  it.live("a client of withConsumerKey scrubs its own key, and its parent too", () =>
    withClient("ApplicationKey", (client, { captured, secrets, seen }) =>
      Effect.gen(function*() {
        const other = random(32)
        const child = yield* client.withConsumerKey(other)
        const exit = yield* Effect.exit(child.get("/case/not-granted", undefined, { retry: false }))
        assert.isTrue(Exit.isFailure(exit))
        if (!Exit.isFailure(exit)) return
        const error = Cause.squash(exit.cause)
        assert.include(seen.credentials, other)
        assertNoRun([...errorOutputs(error, exit.cause), ...captured.outputs()], [other, ...forbidden(secrets, seen)])
      })))
})
