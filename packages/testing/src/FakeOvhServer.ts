/**
 * The fake OVHcloud API served over loopback HTTP (or HTTPS with a throwaway self-signed
 * certificate), for clients we did not write: python-ovh, node-ovh, curl. Same behaviour as the
 * in-memory face; a dropped-connection fault destroys the socket.
 *
 * @since 0.1.0
 */
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as http from "node:http"
import * as https from "node:https"
import type * as net from "node:net"
import * as os from "node:os"
import * as path from "node:path"
import * as Effect from "effect/Effect"
import * as HttpServerError from "effect/http/HttpServerError"
import * as Layer from "effect/Layer"
import * as FakeOvhApi from "./FakeOvhApi.ts"
import * as Engine from "./internal/engine.ts"

/** Options of the loopback server. */
export interface Options extends FakeOvhApi.Options {
  /** Port on 127.0.0.1; 0 (the default) picks a free one. */
  readonly port?: number | undefined
  /** Host to bind. Default `127.0.0.1`. */
  readonly host?: string | undefined
}

/** A PEM key and certificate. */
export interface Certificate {
  readonly key: string
  readonly cert: string
}

/** Options of the HTTPS server: a certificate, or one made on the spot for 127.0.0.1 and localhost. */
export interface TlsOptions extends Options {
  readonly certificate?: Certificate | undefined
}

/** A fresh self-signed certificate for `127.0.0.1`/`localhost`, made with the `openssl` command; never stored. */
export const selfSignedCertificate = (): Effect.Effect<Certificate, HttpServerError.ServeError> =>
  Effect.try({
    try: () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ovh-tls-"))
      try {
        const key = path.join(dir, "key.pem")
        const cert = path.join(dir, "cert.pem")
        childProcess.execFileSync("openssl", [
          "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert, "-days", "1",
          "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost"
        ], { stdio: "ignore" })
        return { key: fs.readFileSync(key, "utf8"), cert: fs.readFileSync(cert, "utf8") }
      } finally {
        fs.rmSync(dir, { recursive: true, force: true })
      }
    },
    catch: (cause) => new HttpServerError.ServeError({ cause })
  })

const serve = (options: Options, certificate: Certificate | undefined) =>
  Effect.gen(function*() {
    const engine = yield* Engine.make(options)
    const context = yield* Effect.context<never>()
    const run = Effect.runCallbackWith(context)
    const sockets = new Set<net.Socket>()
    // Answers still running (a slow-response fault) are interrupted when the server closes.
    const running = new Set<{ interrupt: () => void; done: boolean }>()
    const listener = (req: http.IncomingMessage, res: http.ServerResponse) => {
      const chunks: Array<Buffer> = []
      req.on("error", () => req.socket.destroy())
      res.on("error", () => req.socket.destroy())
      req.on("data", (chunk: Buffer) => chunks.push(chunk))
      req.on("end", () => {
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
    const origin = `${certificate === undefined ? "http" : "https"}://${host}:${port}`
    return FakeOvhApi.FakeOvhApi.of({ ...engine.service, baseUrl: origin + "/1.0", tokenUrl: origin + "/auth/oauth2/token" })
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
