import * as OAuth2 from "@effect-ovh/core/OAuth2"
import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as OvhError from "@effect-ovh/core/OvhError"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Redacted } from "effect"
import { HttpClient, HttpClientResponse } from "effect/http"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { TestClock } from "effect/testing"
import { inspect } from "node:util"

const SERVER_TIME = 1_700_000_000

const oauth2Options = (fake: FakeOvhApi.FakeOvhApi["Service"]): OvhConfig.Options => ({
  clientId: fake.oauth2.clientId,
  clientSecret: fake.oauth2.clientSecret,
  oauth2TokenUrl: fake.tokenUrl
})

/** A client of the fake in context, configured with `override(fake)`. */
const clientLayer = (override: (fake: FakeOvhApi.FakeOvhApi["Service"]) => OvhConfig.Options) =>
  Layer.unwrap(Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    yield* fake.seed("/me", { firstname: "Ada", name: "Lovelace", nichandle: "al1-ovh" })
    const options: OvhConfig.Options = { endpoint: fake.baseUrl, ...override(fake) }
    return OvhClient.OvhClient.layer.pipe(
      Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(options)]))
    )
  }))

/** An OAuth2 client (unless `override` says otherwise) of a fresh in-memory fake. */
const layerWith = (fakeOptions: FakeOvhApi.Options = {}, override = oauth2Options) =>
  clientLayer(override).pipe(
    Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME, ...fakeOptions }))
  )

const tokenCalls = (calls: ReadonlyArray<FakeOvhApi.Call>) => calls.filter((c) => c.path === "/auth/oauth2/token")

/**
 * Runs `effect` in a fiber, moving the TestClock 100 ms at a time until it is done: the token is
 * fetched by a detached fiber, which a single big `TestClock.adjust` may pass by before it sleeps.
 */
const withClock = <A, E, R>(effect: Effect.Effect<A, E, R>) =>
  Effect.gen(function*() {
    const fiber = yield* Effect.forkChild(effect)
    for (let i = 0; i < 600 && fiber.pollUnsafe() === undefined; i++) {
      yield* TestClock.adjust("100 millis")
      yield* Effect.yieldNow
    }
    return yield* Fiber.join(fiber)
  })

const getMe = Effect.flatMap(OvhClient.OvhClient, (client) => client.get<{ firstname: string }>("/me"))

describe("OAuth2", () => {
  it.effect("sends a bearer token instead of signing, and never asks for the server time", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const me = yield* getMe
      assert.strictEqual(me.firstname, "Ada")
      const settings = (yield* OvhClient.OvhClient).settings
      assert.notInclude(inspect(settings), Redacted.value(fake.oauth2.clientSecret))
      const calls = yield* fake.calls
      assert.deepStrictEqual(calls.map((c) => [c.method, c.path, c.status]), [
        ["POST", "/auth/oauth2/token", 200],
        ["GET", "/me", 200]
      ])
      const headers = calls[1]!.headers
      assert.isUndefined(headers["x-ovh-application"])
      assert.isUndefined(headers["x-ovh-timestamp"])
      assert.strictEqual(calls[0]!.headers["accept"], "application/json")
      assert.match(calls[0]!.headers["content-type"]!, /^application\/x-www-form-urlencoded/)
    }).pipe(Effect.provide(layerWith())))

  it.effect("fetches one token for the first 100 concurrent calls", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      // a slow token endpoint: every call arrives while the first token is still on its way
      yield* fake.failRoute({ path: "/auth/oauth2/token" }, FakeOvhApi.Fault.delay("1 second"), 1)
      const results = yield* withClock(
        Effect.all(Array.from({ length: 100 }, () => getMe), { concurrency: "unbounded" })
      )
      assert.strictEqual(results.length, 100)
      const calls = yield* fake.calls
      assert.strictEqual(tokenCalls(calls).length, 1)
      assert.strictEqual(calls.filter((c) => c.path === "/me" && c.status === 200).length, 100)
    }).pipe(Effect.provide(layerWith())))

  it.effect("renews the token 10 s before it expires, once for all the calls that need it", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* getMe
      yield* TestClock.adjust("49 seconds")
      yield* getMe
      assert.strictEqual(tokenCalls(yield* fake.calls).length, 1, "a token with 11 s left is kept")
      yield* TestClock.adjust("2 seconds")
      yield* Effect.all(Array.from({ length: 50 }, () => getMe), { concurrency: "unbounded" })
      const calls = yield* fake.calls
      assert.strictEqual(tokenCalls(calls).length, 2, "a token with 9 s left is replaced, once")
      assert.strictEqual(calls.filter((c) => c.status === 401).length, 0)
    }).pipe(Effect.provide(layerWith({ tokenLifetime: 60 }))))

  it.effect("after a 401 to an expired token, refreshes once and sends each call once more", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* getMe
      // the API stops accepting the token long before its announced expiry
      yield* fake.expireTokens()
      yield* fake.clearCalls
      // answers take 100 ms, so the 30 calls meet the 401 together
      yield* fake.setLatency("100 millis")
      const results = yield* withClock(
        Effect.all(Array.from({ length: 30 }, () => getMe), { concurrency: "unbounded" })
      )
      assert.strictEqual(results.length, 30)
      const calls = yield* fake.calls
      assert.strictEqual(tokenCalls(calls).length, 1)
      assert.strictEqual(calls.filter((c) => c.path === "/me" && c.status === 401).length, 30)
      assert.strictEqual(calls.filter((c) => c.path === "/me" && c.status === 200).length, 30)
    }).pipe(Effect.provide(layerWith())))

  it.effect("retries a 401 only once: a token refused again is the API's typed error", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.route(
        { method: "GET", path: "/me" },
        () => Effect.succeed({ status: 401, body: { message: "nope" } })
      )
      const error = yield* Effect.flip(getMe)
      assert.strictEqual(error._tag, "NotCredential")
      const calls = yield* fake.calls
      assert.strictEqual(calls.filter((c) => c.path === "/me").length, 2)
      assert.strictEqual(tokenCalls(calls).length, 2)
    }).pipe(Effect.provide(layerWith())))

  it.effect("a refused client is a typed OAuth2Failure that never shows the secret", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const error = yield* Effect.flip(getMe)
      assert.strictEqual(error._tag, "OAuth2Failure")
      if (error._tag !== "OAuth2Failure") return
      assert.strictEqual(error.status, 401)
      assert.strictEqual(error.errorCode, "invalid_client")
      assert.strictEqual(error.path, fake.tokenUrl)
      assert.match(error.message, /invalid_client/)
      assert.isFalse(OvhError.isTransient(error))
      for (const text of [error.message, inspect(error), JSON.stringify(error), String(error)]) {
        assert.notInclude(text, "not-the-secret-42")
      }
      // failures are not cached: the next call asks again
      yield* Effect.flip(getMe)
      assert.strictEqual(tokenCalls(yield* fake.calls).length, 2)
      assert.strictEqual((yield* fake.calls).filter((c) => c.path === "/me").length, 0)
    }).pipe(Effect.provide(layerWith({}, (fake) => ({
      clientId: fake.oauth2.clientId,
      clientSecret: "not-the-secret-42",
      oauth2TokenUrl: fake.tokenUrl
    })))))

  it.effect("a failing token endpoint is a transient OAuth2Failure", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.failRoute({ path: "/auth/oauth2/token" }, 503)
      // the clock moves in case the retry policy waits before trying again
      const error = yield* withClock(Effect.flip(getMe))
      assert.strictEqual(error._tag, "OAuth2Failure")
      assert.isTrue(OvhError.isTransient(error))
      yield* fake.clearFaults
      assert.strictEqual((yield* getMe).firstname, "Ada")
    }).pipe(Effect.provide(layerWith())))

  it.effect("unsigned calls carry no token", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const client = yield* OvhClient.OvhClient
      assert.strictEqual(yield* client.get<number>("/auth/time", undefined, { needAuth: false }), SERVER_TIME)
      assert.strictEqual(tokenCalls(yield* fake.calls).length, 0)
    }).pipe(Effect.provide(layerWith())))

  it.effect("a static access token works end to end; once expired it is a typed error, not retried", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      assert.strictEqual((yield* getMe).firstname, "Ada")
      let calls = yield* fake.calls
      assert.strictEqual(tokenCalls(calls).length, 1, "only the token this test fetched for itself")
      assert.isUndefined(calls[1]!.headers["x-ovh-application"])
      yield* fake.expireTokens()
      const error = yield* Effect.flip(getMe)
      assert.strictEqual(error._tag, "InvalidCredential")
      calls = yield* fake.calls
      assert.strictEqual(calls.length, 3)
    }).pipe(Effect.provide(
      Layer.unwrap(Effect.gen(function*() {
        // a token obtained elsewhere: here, from the fake's token endpoint
        const fake = yield* FakeOvhApi.FakeOvhApi
        const token = yield* OAuth2.fetchToken(yield* HttpClient.HttpClient, {
          ...fake.oauth2,
          tokenUrl: fake.tokenUrl
        })
        return clientLayer(() => ({ accessToken: token.accessToken }))
      })).pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })))
    )))

  it.effect("asks with the client-credentials grant, scope all, Basic authentication and Accept JSON", () =>
    Effect.gen(function*() {
      let seen: { url: string; headers: Record<string, string>; body: unknown } | undefined
      const http = HttpClient.make((request) =>
        Effect.sync(() => {
          seen = { url: request.url, headers: { ...request.headers }, body: request.body }
          return HttpClientResponse.fromWeb(
            request,
            new Response(JSON.stringify({ access_token: "tok-1", token_type: "Bearer", expires_in: 3600 }), {
              headers: { "content-type": "application/json" }
            })
          )
        })
      )
      const token = yield* OAuth2.fetchToken(http, {
        clientId: "my id",
        clientSecret: Redacted.make("s3cr:t"),
        tokenUrl: "https://www.ovh.com/auth/oauth2/token"
      })
      assert.strictEqual(Redacted.value(token.accessToken), "tok-1")
      assert.strictEqual(token.expiresAt, 3_600_000)
      assert.notInclude(inspect(token), "tok-1")
      assert.strictEqual(seen!.url, "https://www.ovh.com/auth/oauth2/token")
      assert.strictEqual(seen!.headers["accept"], "application/json")
      assert.strictEqual(seen!.headers["authorization"], "Basic " + btoa("my+id:s3cr%3At"))
      const body = seen!.body as { _tag: string; body: Uint8Array }
      assert.strictEqual(body._tag, "Uint8Array")
      assert.strictEqual(new TextDecoder().decode(body.body), "grant_type=client_credentials&scope=all")
    }))

  it.effect("a token endpoint echoing the request does not leak the secret into the error", () =>
    Effect.gen(function*() {
      const http = HttpClient.make((request) =>
        Effect.succeed(HttpClientResponse.fromWeb(
          request,
          new Response(`<html>bad gateway for client_secret=hunter2-secret</html>`, { status: 502 })
        ))
      )
      const error = yield* Effect.flip(OAuth2.fetchToken(http, {
        clientId: "id",
        clientSecret: Redacted.make("hunter2-secret"),
        tokenUrl: "https://www.ovh.com/auth/oauth2/token"
      }))
      assert.strictEqual(error.status, 502)
      assert.include(error.detail, "<redacted>")
      for (const text of [error.message, inspect(error), JSON.stringify(error)]) {
        assert.notInclude(text, "hunter2-secret")
      }
      assert.isTrue(OvhError.isTransient(error))
    }))

  it.effect("a 200 without an access token is an OAuth2Failure", () =>
    Effect.gen(function*() {
      const http = HttpClient.make((request) =>
        Effect.succeed(HttpClientResponse.fromWeb(request, new Response(JSON.stringify({ token_type: "Bearer" }))))
      )
      const error = yield* Effect.flip(OAuth2.fetchToken(http, {
        clientId: "id",
        clientSecret: Redacted.make("s"),
        tokenUrl: "https://www.ovh.com/auth/oauth2/token"
      }))
      assert.strictEqual(error._tag, "OAuth2Failure")
      assert.match(error.detail, /no access_token/)
    }))

  it.effect("a token shorter-lived than twice the margin is renewed at half-life, not at every call", () =>
    Effect.gen(function*() {
      let fetched = 0
      const cache = OAuth2.makeTokenCache(
        Effect.flatMap(Effect.clockWith((clock) => clock.currentTimeMillis), (now) =>
          Effect.sync(() => {
            fetched++
            return { accessToken: Redacted.make(`t${fetched}`), expiresAt: now + 8_000 }
          }))
      )
      yield* cache.get
      yield* cache.get
      assert.strictEqual(fetched, 1)
      yield* TestClock.adjust("4 seconds")
      const token = yield* cache.get
      assert.strictEqual(fetched, 2)
      // a caller holding an older token than the cached one gets the cached one, with no fetch
      const again = yield* cache.renew(Redacted.make("t1"))
      assert.strictEqual(Redacted.value(again.accessToken), Redacted.value(token.accessToken))
      assert.strictEqual(fetched, 2)
    }))

  it.effect("a first caller interrupted mid-fetch does not strand the others", () =>
    Effect.gen(function*() {
      let fetched = 0
      const cache = OAuth2.makeTokenCache(
        Effect.sleep("1 second").pipe(Effect.andThen(Effect.sync(() => {
          fetched++
          return { accessToken: Redacted.make("t"), expiresAt: Infinity }
        })))
      )
      const first = yield* Effect.forkChild(cache.get)
      const second = yield* Effect.forkChild(cache.get)
      yield* TestClock.adjust("100 millis")
      yield* Fiber.interrupt(first)
      yield* TestClock.adjust("1 second")
      assert.strictEqual(Redacted.value((yield* Fiber.join(second)).accessToken), "t")
      assert.strictEqual(fetched, 1)
    }))

  it.live("over loopback HTTP: the form and Basic header go on the wire, one token, one renewal after a 401", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.seed("/me", { firstname: "Ada", name: "Lovelace", nichandle: "al1-ovh" })
      const client = OvhClient.OvhClient.layer.pipe(
        Layer.provide(
          OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions({ endpoint: fake.baseUrl, ...oauth2Options(fake) })])
        ),
        Layer.provide(FetchHttpClient.layer)
      )
      yield* Effect.gen(function*() {
        yield* Effect.all(Array.from({ length: 20 }, () => getMe), { concurrency: "unbounded" })
        yield* fake.expireTokens()
        yield* Effect.all(Array.from({ length: 20 }, () => getMe), { concurrency: "unbounded" })
      }).pipe(Effect.provide(client))
      const calls = yield* fake.calls
      assert.strictEqual(tokenCalls(calls).length, 2)
      assert.strictEqual(calls.filter((c) => c.path === "/me" && c.status === 200).length, 40)
    }).pipe(Effect.provide(FakeOvhServer.layer())))
})
