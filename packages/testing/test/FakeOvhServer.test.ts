import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Redacted } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import * as http from "node:http"
import * as https from "node:https"
import { createRequire } from "node:module"
import { Readable } from "node:stream"

/** An `OvhClient` over `fetch`, aimed at the loopback fake with its full-access credentials. */
const clientOver = (fake: FakeOvhApi.FakeOvhApi["Service"]) =>
  OvhClient.OvhClient.layer.pipe(
    Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions({
      endpoint: fake.baseUrl,
      applicationKey: fake.credentials.applicationKey,
      applicationSecret: fake.credentials.applicationSecret,
      consumerKey: fake.credentials.consumerKey
    })])),
    Layer.provide(FetchHttpClient.layer)
  )

describe("FakeOvhServer", () => {
  it.live("serves the fake on 127.0.0.1 with the same behaviour as in memory", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      assert.match(fake.baseUrl, /^http:\/\/127\.0\.0\.1:\d+\/1\.0$/)
      yield* fake.seed("/me/bill/B1", { billId: "B1" })
      const client = yield* OvhClient.OvhClient.pipe(Effect.provide(clientOver(fake)))
      const me = yield* client.get<{ firstname: string }>("/me")
      assert.strictEqual(me.firstname, "Ada")
      assert.deepStrictEqual(yield* client.get("/me/bill"), ["B1"])
      const reply = yield* client.send({ method: "GET", path: "/me/bill/B1" })
      assert.isString(reply.queryId)
      const notFound = yield* Effect.flip(client.get("/no/such/thing"))
      assert.strictEqual(notFound._tag, "ResourceNotFound")
      const calls = yield* fake.calls
      assert.deepStrictEqual(calls.map((c) => [c.method, c.path, c.status]), [
        ["GET", "/auth/time", 200],
        ["GET", "/me", 200],
        ["GET", "/me/bill", 200],
        ["GET", "/me/bill/B1", 200],
        ["GET", "/no/such/thing", 404]
      ])
    }).pipe(Effect.provide(FakeOvhServer.layer())))

  it.live("destroys the socket for a dropped-connection fault and answers scripted statuses", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      // raw HTTP, so no client-side retry hides a fault
      const http = yield* HttpClient.HttpClient
      const time = fake.baseUrl + "/auth/details"
      yield* fake.failNext(FakeOvhApi.Fault.drop)
      const dropped = yield* Effect.flip(http.get(time))
      assert.strictEqual(dropped._tag, "HttpClientError")
      assert.strictEqual(dropped.reason._tag, "TransportError")
      yield* fake.failNext(FakeOvhApi.Fault.status(503, { html: true }))
      const unavailable = yield* http.get(time)
      assert.strictEqual(unavailable.status, 503)
      assert.match(yield* unavailable.text, /^<html>/)
      yield* fake.failNext(FakeOvhApi.Fault.tooManyRequests(3))
      const limited = yield* http.get(time)
      assert.deepStrictEqual([limited.status, limited.headers["retry-after"]], [429, "3"])
      yield* fake.failNext(FakeOvhApi.Fault.delay("50 millis"))
      assert.strictEqual((yield* http.get(time)).status, 403) // no application key
      // a client that gives up hangs up, and the fake logs the call as unanswered
      yield* fake.failNext(FakeOvhApi.Fault.delay("1 hour"))
      const gaveUp = yield* Effect.flip(Effect.timeout(http.get(time), "100 millis"))
      assert.strictEqual(gaveUp._tag, "TimeoutError")
      yield* Effect.sleep("50 millis")
      assert.deepStrictEqual((yield* fake.calls).map((c) => c.status), [0, 503, 429, 403, 0])
      assert.strictEqual(yield* fake.maxInFlight, 1)
    }).pipe(Effect.provide(Layer.merge(FakeOvhServer.layer(), FetchHttpClient.layer))))

  it.live("rejects requests signed for another URL", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const http = yield* HttpClient.HttpClient
      const response = yield* http.execute(HttpClientRequest.get(fake.baseUrl + "/me", {
        headers: {
          "x-ovh-application": fake.credentials.applicationKey,
          "x-ovh-consumer": Redacted.value(fake.credentials.consumerKey),
          "x-ovh-timestamp": String(yield* fake.serverTime),
          "x-ovh-signature": "$1$0000000000000000000000000000000000000000"
        }
      }))
      assert.strictEqual(response.status, 400)
      assert.deepStrictEqual(yield* response.json, {
        errorCode: "INVALID_SIGNATURE",
        httpCode: "400 Bad Request",
        message: "Invalid signature"
      })
      assert.match(response.headers["x-ovh-queryid"]!, /^EU\./)
    }).pipe(Effect.provide(Layer.merge(FakeOvhServer.layer(), FetchHttpClient.layer))))

  it.live("checks a consumer key's allowed IPs against the peer address", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const keyFor = (allowedIPs: ReadonlyArray<string>) =>
        Effect.flatMap(fake.createConsumerKey({ rules: [{ method: "GET", path: "/*" }], allowedIPs }), (consumerKey) =>
          OvhClient.OvhClient.pipe(Effect.provide(OvhClient.OvhClient.layer.pipe(
            Layer.provide(
              OvhConfig.OvhConfig.layerSources([
                OvhConfig.fromOptions({ ...FakeOvhApi.clientOptions(fake), consumerKey })
              ])
            ),
            Layer.provide(FetchHttpClient.layer)
          ))))
      const local = yield* keyFor(["127.0.0.0/8"])
      assert.isObject(yield* local.get("/me"))
      const elsewhere = yield* keyFor(["203.0.113.0/24"])
      const denied = yield* Effect.flip(elsewhere.get("/me"))
      assert.strictEqual(denied._tag, "InvalidCredential")
    }).pipe(Effect.provide(FakeOvhServer.layer())))

  it.live("an IPv6 host is bracketed in the base URL", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      assert.match(fake.baseUrl, /^http:\/\/\[::1\]:\d+\/1\.0$/)
      const time = yield* Effect.promise(() => fetch(fake.baseUrl + "/auth/time").then((r) => r.text()))
      assert.match(time, /^\d+$/)
    }).pipe(Effect.provide(FakeOvhServer.layer({ host: "::1" }))))

  describe("request bodies over maxBodyBytes", () => {
    const MiB = 1024 * 1024

    interface Sent {
      readonly status: number | undefined
      readonly body: string
      /** Bytes of the request the client handed to its socket: an upper bound of what the server read. */
      readonly written: number
      /** Bytes of the body the client produced before the server answered or hung up. */
      readonly produced: number
    }

    /** POSTs a body of `size` bytes made on the fly (never held whole), or declares it and waits for `100 Continue`. */
    const post = (url: string, size: number, mode: "chunked" | "expect") =>
      Effect.callback<Sent, Error>((resume) => {
        let produced = 0
        const headers: Record<string, string | number> = mode === "expect"
          ? { "content-length": size, expect: "100-continue" }
          : { "transfer-encoding": "chunked" }
        const req = http.request(url, { method: "POST", headers: { "content-type": "application/json", ...headers } })
        let answered = false
        req.on("response", (res) => {
          answered = true
          let body = ""
          res.on("data", (chunk) => (body += chunk))
          res.on("end", () => {
            resume(Effect.succeed({ status: res.statusCode, body, written: req.socket?.bytesWritten ?? 0, produced }))
            req.destroy()
          })
        })
        // after the answer, the server may hang up on a body still coming: that is the point
        req.on("error", (e) => answered || resume(Effect.fail(e)))
        const body = new Readable({
          read() {
            if (produced >= size) return void this.push(null)
            const chunk = Buffer.alloc(Math.min(64 * 1024, size - produced), 0x61)
            produced += chunk.length
            this.push(chunk)
          }
        })
        if (mode === "chunked") body.pipe(req)
        else req.on("continue", () => body.pipe(req)).flushHeaders()
      })

    it.live(
      "a 200 MiB streamed body gets the API's 413 after about the limit is read; the server goes on serving",
      () =>
        Effect.gen(function*() {
          const fake = yield* FakeOvhApi.FakeOvhApi
          const sent = yield* post(fake.baseUrl + "/me", 200 * MiB, "chunked")
          assert.strictEqual(sent.status, 413)
          assert.deepStrictEqual(JSON.parse(sent.body), {
            class: "Client::RequestEntityTooLarge",
            errorCode: "REQUEST_ENTITY_TOO_LARGE",
            httpCode: "413 Request Entity Too Large",
            message: "The request body is larger than 1048576 bytes"
          })
          // the limit, as much again drained so that the client reads the answer, and the kernel's socket buffers
          assert.isBelow(sent.written, 24 * MiB)
          assert.isBelow(sent.produced, 24 * MiB)
          const time = yield* Effect.promise(() => fetch(fake.baseUrl + "/auth/time").then((r) => r.text()))
          assert.match(time, /^\d+$/)
          // refused before the API saw it: not in the call log
          assert.deepStrictEqual((yield* fake.calls).map((c) => `${c.method} ${c.path}`), ["GET /auth/time"])
        }).pipe(Effect.provide(FakeOvhServer.layer({ maxBodyBytes: MiB }))),
      { timeout: 30_000 }
    )

    it.live(
      "a declared Content-Length over the limit gets 413 instead of 100 Continue; a body at the limit reaches the API",
      () =>
        Effect.gen(function*() {
          const fake = yield* FakeOvhApi.FakeOvhApi
          const declared = yield* post(fake.baseUrl + "/me", 200 * MiB, "expect")
          assert.strictEqual(declared.status, 413)
          assert.strictEqual(declared.produced, 0)
          assert.isBelow(declared.written, 1024) // the request head only

          const atLimit = yield* post(fake.baseUrl + "/me", 64 * 1024, "chunked")
          assert.notStrictEqual(atLimit.status, 413)
          assert.deepStrictEqual((yield* fake.calls).map((c) => [c.method, c.path, c.status]), [[
            "POST",
            "/me",
            atLimit.status
          ]])
        }).pipe(Effect.provide(FakeOvhServer.layer({ maxBodyBytes: 64 * 1024 }))),
      { timeout: 30_000 }
    )
  })

  describe("with the official Node.js wrapper over TLS", () => {
    const require = createRequire(import.meta.url)
    const ovh = require("@ovhcloud/node-ovh") as (params: Record<string, unknown>) => {
      // node-ovh answers untyped JSON

      requestPromised: (method: string, path: string, params?: Record<string, unknown>) => Promise<any>
    }

    /** node-ovh trusts the global HTTPS agent: give it the throwaway certificate for this test only. */
    const trusting = (cert: string) =>
      Effect.acquireRelease(
        Effect.sync(() => {
          const previous = https.globalAgent.options.ca
          https.globalAgent.options.ca = cert
          return previous
        }),
        (previous) =>
          Effect.sync(() => {
            https.globalAgent.options.ca = previous
          })
      )

    const rejection = (promise: () => Promise<unknown>) =>
      Effect.promise(() =>
        promise().then(
          () => ({ error: 0, message: "resolved" }),
          (e: unknown) => e as { error: number; message: string }
        )
      )

    it.live(
      "GET /me, bills, a consumer-key request, a `from` body and a not-granted call",
      () =>
        Effect.gen(function*() {
          const fake = yield* FakeOvhApi.FakeOvhApi
          const port = Number(new URL(fake.baseUrl).port)
          assert.match(fake.baseUrl, /^https:\/\/127\.0\.0\.1:\d+\/1\.0$/)
          yield* fake.seed("/me/bill/B1", {
            billId: "B1",
            priceWithTax: { value: 12.5, currencyCode: "EUR", text: "12.50 €" }
          })
          yield* fake.seed("/me/bill/B2", { billId: "B2" })
          const client = ovh({
            appKey: fake.credentials.applicationKey,
            appSecret: Redacted.value(fake.credentials.applicationSecret),
            consumerKey: Redacted.value(fake.credentials.consumerKey),
            host: "127.0.0.1",
            port
          })
          const me = yield* Effect.promise(() => client.requestPromised("GET", "/me"))
          assert.strictEqual(me.firstname, "Ada")
          assert.deepStrictEqual(yield* Effect.promise(() => client.requestPromised("GET", "/me/bill")), ["B1", "B2"])
          const bill = yield* Effect.promise(() => client.requestPromised("GET", "/me/bill/B1"))
          assert.strictEqual(bill.priceWithTax.value, 12.5)

          // a body with `from`, a JavaScript-friendly name that python-ovh needs `_from` for
          yield* fake.seed("/email/domain/example.com/redirection", [])
          yield* Effect.promise(() =>
            client.requestPromised("POST", "/email/domain/{domain}/redirection", {
              domain: "example.com",
              from: "contact@example.com",
              to: "ada@example.org",
              localCopy: false
            })
          )
          const ids = yield* Effect.promise(() =>
            client.requestPromised("GET", "/email/domain/example.com/redirection")
          )
          assert.strictEqual(ids.length, 1)
          const redirection = yield* Effect.promise(() =>
            client.requestPromised("GET", `/email/domain/example.com/redirection/${ids[0]}`)
          )
          assert.strictEqual(redirection.from, "contact@example.com")
          const post = (yield* fake.calls).find((c) => c.method === "POST")!
          assert.deepStrictEqual(post.body, { from: "contact@example.com", to: "ada@example.org", localCopy: false })

          // a consumer key requested by the wrapper, validated by the user, then used beyond its rules
          const request = yield* Effect.promise(() =>
            client.requestPromised("POST", "/auth/credential", {
              accessRules: [{ method: "GET", path: "/me" }],
              redirection: "https://example.com/"
            })
          )
          assert.strictEqual(request.state, "pendingValidation")
          const limited = ovh({
            appKey: fake.credentials.applicationKey,
            appSecret: Redacted.value(fake.credentials.applicationSecret),
            consumerKey: request.consumerKey,
            host: "127.0.0.1",
            port
          })
          const pending = yield* rejection(() => limited.requestPromised("GET", "/me"))
          assert.deepStrictEqual(pending, { error: 403, message: "This credential is not valid" })
          yield* fake.validateConsumerKey(request.consumerKey)
          assert.strictEqual(
            (yield* Effect.promise(() => limited.requestPromised("GET", "/me"))).nichandle,
            me.nichandle
          )
          const refused = yield* rejection(() => limited.requestPromised("GET", "/me/bill"))
          assert.deepStrictEqual(refused, { error: 403, message: "This call has not been granted" })
        }).pipe(
          Effect.provide(Layer.unwrap(Effect.gen(function*() {
            const certificate = yield* FakeOvhServer.selfSignedCertificate()
            yield* trusting(certificate.cert)
            return FakeOvhServer.layerTls({ certificate })
          })))
        ),
      { timeout: 30_000 }
    )
  })
})
