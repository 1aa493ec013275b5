import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, layer } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as Http from "node:http"
import * as Net from "node:net"

/** A loopback HTTP proxy (CONNECT tunnels and absolute-form requests) that counts what it relays. */
const proxyServer = Effect.acquireRelease(
  Effect.callback<{ readonly url: string; readonly relayed: Array<string>; readonly server: Http.Server }>((resume) => {
    const relayed: Array<string> = []
    const server = Http.createServer((req, res) => {
      relayed.push(`${req.method} ${req.url}`)
      const target = new URL(req.url!)
      const upstream = Http.request(
        { host: target.hostname, port: target.port, path: target.pathname + target.search, method: req.method, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers)
          answer.pipe(res)
        }
      )
      req.pipe(upstream)
    })
    server.on("connect", (req, socket, head) => {
      relayed.push(`CONNECT ${req.url}`)
      const [host, port] = req.url!.split(":")
      const upstream = Net.connect(Number(port), host!, () => {
        socket.write("HTTP/1.1 200 Connection Established\r\n\r\n")
        upstream.write(head)
        upstream.pipe(socket)
        socket.pipe(upstream)
      })
      upstream.on("error", () => socket.destroy())
      socket.on("error", () => upstream.destroy())
    })
    server.listen(0, "127.0.0.1", () => {
      const address = server.address() as Net.AddressInfo
      resume(Effect.succeed({ url: `http://127.0.0.1:${address.port}`, relayed, server }))
    })
  }),
  ({ server }) => Effect.callback<void>((resume) => {
    server.closeAllConnections()
    server.close(() => resume(Effect.void))
  })
)

const optionsOf = (fake: FakeOvhApi.FakeOvhApi["Service"]): NodeOvh.Options => ({
  endpoint: fake.baseUrl,
  applicationKey: fake.credentials.applicationKey,
  applicationSecret: fake.credentials.applicationSecret,
  consumerKey: fake.credentials.consumerKey,
  configPaths: [],
  env: {}
})

layer(FakeOvhServer.layer({ data: { "/me": { firstname: "Linus", name: "T", nichandle: "lt1-ovh" } } }), {
  excludeTestServices: true
})("NodeOvh", (it) => {
  it.effect("calls the API over undici with keep-alive, signed and verified by the server", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      const me = yield* Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const results = yield* Effect.all(Array.from({ length: 20 }, () => client.get<{ firstname: string }>("/me")), {
          concurrency: 5
        })
        return results[0]!
      }).pipe(Effect.provide(NodeOvh.layer(optionsOf(fake))))
      assert.strictEqual(me.firstname, "Linus")
      const calls = yield* fake.calls
      assert.strictEqual(calls.filter((c) => c.path.endsWith("/auth/time")).length, 1)
      assert.isTrue(calls.every((c) => c.status === 200))
    }))

  it.effect("goes through an explicit proxy, and through HTTPS_PROXY unless NO_PROXY covers the host", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const proxy = yield* proxyServer
      const greet = (options: NodeOvh.Options) =>
        Effect.flatMap(OvhClient.OvhClient, (client) => client.get<{ firstname: string }>("/me")).pipe(
          Effect.provide(Layer.fresh(NodeOvh.layer(options)))
        )
      assert.strictEqual((yield* greet({ ...optionsOf(fake), proxy: proxy.url })).firstname, "Linus")
      assert.isAbove(proxy.relayed.length, 0)
      const host = new URL(fake.baseUrl).host
      assert.isTrue(proxy.relayed.every((line) => line.includes(host)))

      proxy.relayed.length = 0
      yield* greet({ ...optionsOf(fake), env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url } })
      assert.isAbove(proxy.relayed.length, 0)

      proxy.relayed.length = 0
      yield* greet({ ...optionsOf(fake), env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" } })
      assert.strictEqual(proxy.relayed.length, 0)
    }).pipe(Effect.scoped))

  it.effect("fails with NetworkError when nothing listens", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const error = yield* Effect.flip(
        Effect.flatMap(OvhClient.OvhClient, (client) => client.get("/me")).pipe(
          Effect.provide(NodeOvh.layer({ ...optionsOf(fake), endpoint: "http://127.0.0.1:9/1.0" }))
        )
      )
      assert.strictEqual(error._tag, "NetworkError")
      assert.include(error.message, "ECONNREFUSED")
      assert.notInclude(error.message, Redacted.value(fake.credentials.consumerKey))
    }))
})
