import * as OvhClient from "@effect-ovh/core/OvhClient"
import type * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as NodeOvh from "@effect-ovh/node/NodeOvh"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import * as NodeHttpClient from "@effect/platform-node/NodeHttpClient"
import { assert, layer } from "@effect/vitest"
import { ConfigProvider, Context, Effect, Fiber, Layer, Redacted, Schedule } from "effect"
import * as HttpClient from "effect/http/HttpClient"
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
        {
          host: target.hostname,
          port: target.port,
          path: target.pathname + target.search,
          method: req.method,
          headers: req.headers
        },
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
  ({ server }) =>
    Effect.callback<void>((resume) => {
      server.closeAllConnections()
      server.close(() => resume(Effect.void))
    })
)

/** Runs `f` with the client of a fresh `NodeOvh.layer(options)`. */
const withClient = <A, E>(
  options: NodeOvh.Options,
  f: (client: OvhClient.OvhClient["Service"]) => Effect.Effect<A, E>
) => Effect.flatMap(OvhClient.OvhClient, f).pipe(Effect.provide(Layer.fresh(NodeOvh.layer(options))))

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
      yield* greet({
        ...optionsOf(fake),
        env: { HTTP_PROXY: proxy.url, HTTPS_PROXY: proxy.url, NO_PROXY: "127.0.0.1" }
      })
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

  it.effect("its HttpClient gives the pipeline the same results as platform-node's undici HttpClient", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const run = (name: string, http: Layer.Layer<HttpClient.HttpClient, OvhConfig.OvhConfigError>) =>
        Effect.gen(function*() {
          const client = yield* OvhClient.OvhClient
          const me = yield* client.get<{ firstname: string }>("/me")
          const missing = yield* Effect.flip(client.get("/no/such/{thing}", { thing: "x" }))
          const created = yield* client.post<null>("/me/sshKey", { keyName: `k-${name}`, key: "ssh-ed25519 AAAA" })
          const raw = yield* client.raw({ method: "GET", path: "/me" })
          return {
            firstname: me.firstname,
            missing: missing._tag,
            queryId: "queryId" in missing && missing.queryId !== undefined,
            created,
            rawStatus: raw.status,
            rawBody: ((yield* raw.json) as { firstname: string }).firstname
          }
        }).pipe(
          Effect.provide(OvhClient.OvhClient.layer.pipe(
            Layer.provide(NodeOvh.layerConfig(optionsOf(fake))),
            Layer.provide(Layer.fresh(http))
          ))
        )
      const ours = yield* run("ours", NodeOvh.layerHttpClient({ proxy: false }))
      const platform = yield* run("platform", NodeHttpClient.layerUndici)
      assert.deepStrictEqual(ours, {
        firstname: "Linus",
        missing: "ResourceNotFound",
        queryId: true,
        created: null,
        rawStatus: 200,
        rawBody: "Linus"
      })
      assert.deepStrictEqual(platform, ours)
      const keys = (yield* fake.calls).filter((c) => c.method === "POST").map((c) =>
        (c.body as { keyName: string }).keyName
      )
      assert.includeMembers(keys, ["k-ours", "k-platform"])
    }))

  it.effect("a timeout or an interruption aborts the request on the wire", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const context = yield* Layer.build(Layer.fresh(NodeOvh.layer(optionsOf(fake))))
      const client = Context.get(context, OvhClient.OvhClient)
      yield* client.get("/me") // learns the server time without latency
      yield* fake.setLatency("2 seconds")
      yield* Effect.addFinalizer(() => fake.setLatency(undefined))

      const started = Date.now()
      const error = yield* Effect.flip(client.get("/me", undefined, { timeout: "150 millis", retry: false }))
      assert.strictEqual(error._tag, "NetworkError")
      assert.strictEqual((error as { reason?: string }).reason, "Timeout")
      assert.isBelow(Date.now() - started, 1500)

      const fiber = yield* Effect.forkChild(client.get("/me"))
      yield* Effect.sleep("100 millis")
      const interrupted = Date.now()
      yield* Fiber.interrupt(fiber)
      assert.isBelow(Date.now() - interrupted, 1500)

      // no answer, but no request left behind either: the pool still serves the next call at once
      yield* fake.setLatency(undefined)
      assert.strictEqual((yield* client.get<{ firstname: string }>("/me")).firstname, "Linus")
    }).pipe(Effect.scoped))

  it.effect("fails with NetworkError naming the cause when the direct request finds nobody listening", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      // unsigned, so nothing goes through the HttpClient first to learn the server time
      const error = yield* Effect.flip(
        Effect.flatMap(
          OvhClient.OvhClient,
          (client) => client.get("/auth/time", undefined, { needAuth: false, retry: false })
        ).pipe(
          Effect.provide(NodeOvh.layer({ ...optionsOf(fake), endpoint: "http://127.0.0.1:9/1.0" }))
        )
      )
      assert.strictEqual(error._tag, "NetworkError")
      assert.include(error.message, "ECONNREFUSED")
    }))

  it.effect("takes the client's retry policy: with retry false a failing GET is sent once", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const run = (options: NodeOvh.Options) =>
        withClient(options, (client) =>
          Effect.gen(function*() {
            yield* client.get("/me") // learns the server time
            yield* fake.clearCalls
            yield* fake.failNext(503)
            const result = yield* Effect.result(client.get("/me"))
            return {
              outcome: result._tag === "Success" ? "ok" : result.failure._tag,
              requests: (yield* fake.calls).length
            }
          }))
      assert.deepStrictEqual(yield* run({ ...optionsOf(fake), retry: { schedule: Schedule.spaced("10 millis") } }), {
        outcome: "ok",
        requests: 2
      })
      assert.deepStrictEqual(yield* run({ ...optionsOf(fake), retry: false }), { outcome: "ApiError", requests: 1 })
    }))

  it.effect("reads OVH_* through the ConfigProvider in context when no env is given", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const me = yield* Effect.flatMap(OvhClient.OvhClient, (client) => client.get<{ firstname: string }>("/me")).pipe(
        Effect.provide(Layer.fresh(NodeOvh.layer({ configPaths: [] }))),
        Effect.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({
          OVH_ENDPOINT: fake.baseUrl,
          OVH_APPLICATION_KEY: fake.credentials.applicationKey,
          OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret),
          OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
        })))
      )
      assert.strictEqual(me.firstname, "Linus")
    }))

  it.effect("a proxy that is not a URL, in code or in HTTPS_PROXY, is an OvhConfigError naming where it was set", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const inCode = yield* Effect.flip(
        withClient({ ...optionsOf(fake), proxy: "not a url" }, (client) => client.get("/me"))
      )
      assert.strictEqual(inCode._tag, "OvhConfigError")
      assert.include(inCode.message, "code option proxy")
      const inEnv = yield* Effect.flip(
        withClient({ ...optionsOf(fake), env: { HTTPS_PROXY: "::nope::" } }, (client) => client.get("/me"))
      )
      assert.strictEqual(inEnv._tag, "OvhConfigError")
      assert.include(inEnv.message, "HTTPS_PROXY")
    }))
})
