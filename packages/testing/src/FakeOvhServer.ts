/**
 * The fake OVHcloud API served over loopback HTTP (or HTTPS with a throwaway self-signed
 * certificate made in-process), for clients we did not write: python-ovh, go-ovh, node-ovh, curl.
 * Same behaviour as the in-memory face; a dropped-connection fault destroys the socket; a request
 * body over `maxBodyBytes` gets 413 without being held in memory.
 *
 * @since 0.1.0
 */
import * as Effect from "effect/Effect"
import * as HttpServerError from "effect/http/HttpServerError"
import * as Layer from "effect/Layer"
import * as http from "node:http"
import * as https from "node:https"
import type * as net from "node:net"
import { generate } from "selfsigned"
import * as FakeOvhApi from "./FakeOvhApi.ts"
import * as Engine from "./internal/engine.ts"

/**
 * The largest request body the server reads: 10 MiB. A guess: no OVHcloud document, client or
 * issue read for this states the API's limit (the API takes JSON parameters; files go to upload
 * URLs it hands out, such as `/me/document`'s `putUrl`), so this only keeps a runaway body from
 * filling the fake's memory. Set `maxBodyBytes` to test a client against another limit.
 */
export const defaultMaxBodyBytes = 10 * 1024 * 1024

/** Options of the loopback server. */
export interface Options extends FakeOvhApi.Options {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number | undefined
  /** Host to bind. Default `127.0.0.1`. */
  readonly host?: string | undefined
  /**
   * Request bodies above this many bytes get `413` without being read into memory (the
   * `Content-Length` is checked first, a chunked body is counted as it arrives). Default
   * {@link defaultMaxBodyBytes}.
   */
  readonly maxBodyBytes?: number | undefined
}

/** A PEM key and certificate. */
export interface Certificate {
  readonly key: string
  readonly cert: string
}

/** Options of the HTTPS server: a certificate, or one made on the spot for 127.0.0.1, ::1 and localhost. */
export interface TlsOptions extends Options {
  readonly certificate?: Certificate | undefined
}

/**
 * A fresh self-signed certificate for `127.0.0.1`, `::1` and `localhost`, made in-process (no
 * `openssl` binary), never stored. It is its own trust anchor: give `cert` to the client as the CA
 * (`ca` in Node, `--cacert` for curl, `REQUESTS_CA_BUNDLE` for python-ovh, `SSL_CERT_FILE` for go-ovh).
 * An end-entity certificate (CA:FALSE, critical), so OpenSSL's strict checks (Python 3.13's default)
 * accept it as a chain of one.
 */
export const selfSignedCertificate = (): Effect.Effect<Certificate, HttpServerError.ServeError> =>
  Effect.tryPromise({
    try: async () => {
      const notBeforeDate = new Date(Date.now() - 60 * 60 * 1000) // an hour of slack for a client's clock
      const pems = await generate([{ name: "commonName", value: "127.0.0.1" }], {
        keyType: "rsa",
        keySize: 2048,
        algorithm: "sha256",
        notBeforeDate,
        notAfterDate: new Date(notBeforeDate.getTime() + 30 * 24 * 60 * 60 * 1000),
        extensions: [
          { name: "basicConstraints", cA: false, critical: true },
          { name: "keyUsage", digitalSignature: true, keyEncipherment: true, critical: true },
          { name: "extKeyUsage", serverAuth: true },
          {
            name: "subjectAltName",
            altNames: [{ type: 7, ip: "127.0.0.1" }, { type: 7, ip: "::1" }, { type: 2, value: "localhost" }]
          }
        ]
      })
      return { key: pems.private, cert: pems.cert }
    },
    catch: (cause) => new HttpServerError.ServeError({ cause })
  })

/**
 * The 413 answer, in the API's error shape. A guess as well: no 413 from the API was found in any
 * source read; `class`, `errorCode`, `httpCode` and `message` are the fields its other errors carry.
 */
const tooLargeBody = (limit: number): string =>
  JSON.stringify({
    class: "Client::RequestEntityTooLarge",
    errorCode: "REQUEST_ENTITY_TOO_LARGE",
    httpCode: "413 Request Entity Too Large",
    message: `The request body is larger than ${limit} bytes`
  })

/**
 * Answers 413 at once, then reads and drops what the client still sends, up to `limit` more bytes,
 * so that a client still writing its body reads the answer instead of a reset; past that the
 * socket is destroyed. Nothing is kept: memory does not grow with the body.
 */
const refuse = (req: http.IncomingMessage, res: http.ServerResponse, limit: number): void => {
  let dropped = 0
  req.removeAllListeners("data")
  req.on("data", (chunk: Buffer) => {
    dropped += chunk.length
    if (dropped > limit) req.socket.destroy()
  })
  if (res.headersSent) return
  const body = tooLargeBody(limit)
  res.writeHead(413, {
    "content-type": "application/json; charset=utf-8",
    "content-length": Buffer.byteLength(body)
  })
  res.end(body)
}

const serve = (options: Options, certificate: Certificate | undefined) =>
  Effect.gen(function*() {
    const engine = yield* Engine.make(options)
    const context = yield* Effect.context<never>()
    const run = Effect.runCallbackWith(context)
    const sockets = new Set<net.Socket>()
    // Answers still running (a slow-response fault) are interrupted when the server closes.
    const running = new Set<{ interrupt: () => void; done: boolean }>()
    const limit = options.maxBodyBytes ?? defaultMaxBodyBytes
    const declaredTooLarge = (req: http.IncomingMessage) => Number(req.headers["content-length"] ?? 0) > limit
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      req.on("error", () => req.socket.destroy())
      res.on("error", () => req.socket.destroy())
      if (declaredTooLarge(req)) return refuse(req, res, limit)
      const chunks: Array<Buffer> = []
      let received = 0
      let refused = false
      req.on("data", (chunk: Buffer) => {
        received += chunk.length
        if (received <= limit) return void chunks.push(chunk)
        refused = true
        chunks.length = 0
        refuse(req, res, limit)
      })
      req.on("end", () => {
        if (refused) return
        const headers: Record<string, string> = {}
        for (const [k, v] of Object.entries(req.headers)) {
          if (v !== undefined) headers[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v
        }
        const scheme = certificate === undefined ? "http" : "https"
        const raw: Engine.RawRequest = {
          method: req.method ?? "GET",
          url: `${scheme}://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`,
          headers,
          body: Buffer.concat(chunks).toString("utf8"),
          remoteAddress: req.socket.remoteAddress
        }
        const entry = { interrupt: (): void => {}, done: false }
        entry.interrupt = run(engine.handle(raw), {
          onExit: (exit) => {
            entry.done = true
            running.delete(entry)
            if (exit._tag === "Failure" || exit.value._tag === "Drop") {
              req.socket.destroy()
              return
            }
            const response = exit.value.response
            const { "x-ovh-queryid": queryId, ...rest } = response.headers
            res.writeHead(response.status, {
              ...rest,
              ...(queryId !== undefined ? { "X-Ovh-QueryID": queryId } : {}),
              ...(response.body === "" ? {} : { "content-length": Buffer.byteLength(response.body) })
            })
            res.end(response.body)
          }
        })
        if (!entry.done) running.add(entry)
        // A client that hangs up stops its answer too.
        res.on("close", () => {
          if (!entry.done) entry.interrupt()
        })
      })
    }
    const server: http.Server | https.Server = certificate === undefined
      ? http.createServer(listener)
      : https.createServer({ key: certificate.key, cert: certificate.cert }, listener)
    // `Expect: 100-continue` with a declared body over the limit: 413 instead of the go-ahead, so the body is never sent.
    server.on("checkContinue", (req: http.IncomingMessage, res: http.ServerResponse) => {
      if (!declaredTooLarge(req)) res.writeContinue()
      listener(req, res)
    })
    server.on("connection", (socket: net.Socket) => {
      sockets.add(socket)
      socket.on("close", () => sockets.delete(socket))
    })
    const host = options.host ?? "127.0.0.1"
    const port = yield* Effect.acquireRelease(
      Effect.callback<number, HttpServerError.ServeError>((resume) => {
        const onError = (cause: Error) => resume(Effect.fail(new HttpServerError.ServeError({ cause })))
        server.once("error", onError)
        server.listen(options.port ?? 0, host, () => {
          server.off("error", onError)
          resume(Effect.succeed((server.address() as net.AddressInfo).port))
        })
      }),
      () =>
        Effect.callback<void>((resume) => {
          for (const entry of [...running]) entry.interrupt()
          for (const socket of sockets) socket.destroy()
          server.close(() => resume(Effect.void))
        })
    )
    const hostInUrl = host.includes(":") ? `[${host}]` : host // an IPv6 address
    const origin = `${certificate === undefined ? "http" : "https"}://${hostInUrl}:${port}`
    return FakeOvhApi.FakeOvhApi.of({
      ...engine.service,
      baseUrl: origin + "/1.0",
      tokenUrl: origin + "/auth/oauth2/token"
    })
  })

/** The fake served over HTTP on 127.0.0.1 (port 0 by default) for the layer's lifetime. */
export const layer = (options?: Options): Layer.Layer<FakeOvhApi.FakeOvhApi, HttpServerError.ServeError> =>
  Layer.effect(FakeOvhApi.FakeOvhApi, serve(options ?? {}, undefined))

/** The fake served over HTTPS on 127.0.0.1 with a throwaway self-signed certificate (or the one given). */
export const layerTls = (options?: TlsOptions): Layer.Layer<FakeOvhApi.FakeOvhApi, HttpServerError.ServeError> =>
  Layer.effect(
    FakeOvhApi.FakeOvhApi,
    Effect.flatMap(
      options?.certificate === undefined ? selfSignedCertificate() : Effect.succeed(options.certificate),
      (certificate) => serve(options ?? {}, certificate)
    )
  )
