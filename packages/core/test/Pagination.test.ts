import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as OvhErrorClasses from "@effect-ovh/core/OvhError"
import * as Pagination from "@effect-ovh/core/Pagination"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber, Layer, Stream } from "effect"
import * as FetchHttpClient from "effect/http/FetchHttpClient"
import { TestClock } from "effect/testing"

const LIST = "/v2/vrackServices/resource"

const TestLayer = FakeOvhApi.FakeOvhApi.layerClient({ serverTime: 1_700_000_000 })

const seedList = (size: number) =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    const items = Array.from(
      { length: size },
      (_, i) => ({ id: `vrs-${String(i).padStart(4, "0")}`, resourceStatus: "READY" })
    )
    yield* fake.seed(LIST, items)
    yield* fake.clearCalls
    return items.map((item) => item.id)
  })

/** The page requests the fake received (not the clock). */
const listCalls = Effect.map(
  Effect.flatMap(Effect.service(FakeOvhApi.FakeOvhApi), (fake) => fake.calls),
  (calls) => calls.filter((call) => call.path === LIST)
)

describe("Pagination", () => {
  it.effect("streams a 1,000-item v2 list completely, one request per page", () =>
    Effect.gen(function*() {
      const ids = yield* seedList(1000)
      const items = yield* Stream.runCollect(Pagination.stream(LIST, { pageSize: 64 }))
      assert.deepStrictEqual(items.map((item) => item.id), ids)
      assert.strictEqual((yield* listCalls).length, Math.ceil(1000 / 64))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("sends the size first, then each answer's next cursor, and stops on the page without one", () =>
    Effect.gen(function*() {
      yield* seedList(250)
      const pages = yield* Stream.runCollect(Pagination.pages(LIST, { pageSize: 100 }))
      assert.deepStrictEqual(pages.map((page) => page.items.length), [100, 100, 50])
      assert.deepStrictEqual(pages.map((page) => page.total), [250, 250, 250])
      assert.strictEqual(pages[0]!.cursor, undefined)
      assert.strictEqual(pages[2]!.next, undefined)
      const calls = yield* listCalls
      assert.deepStrictEqual(calls.map((call) => call.headers["x-pagination-size"]), ["100", "100", "100"])
      assert.deepStrictEqual(calls.map((call) => call.headers["x-pagination-cursor"]), [
        undefined,
        pages[0]!.next,
        pages[1]!.next
      ])
      // every page request is signed like any call
      assert.isTrue(calls.every((call) => call.status === 200 && call.headers["x-ovh-timestamp"] !== undefined))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("taking 10 items of a 1,000-item list sends one request", () =>
    Effect.gen(function*() {
      const ids = yield* seedList(1000)
      const first = yield* Stream.runCollect(Pagination.stream(LIST).pipe(Stream.take(10)))
      assert.deepStrictEqual(first.map((item) => item.id), ids.slice(0, 10))
      assert.strictEqual((yield* listCalls).length, 1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("exposes X-Pagination-Elements as the total", () =>
    Effect.gen(function*() {
      yield* seedList(1000)
      assert.strictEqual(yield* Pagination.total(LIST), 1000)
      const calls = yield* listCalls
      assert.strictEqual(calls.length, 1)
      assert.strictEqual(calls[0]!.headers["x-pagination-size"], "1")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a fault on page 3 fails the stream with a typed error after two pages, and the list resumes from the last cursor", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const ids = yield* seedList(1000)
      const seen: Array<Pagination.Page<{ readonly id?: string }>> = []
      const error = yield* Pagination.pages(LIST, { pageSize: 100 }).pipe(
        Stream.runForEach((page) =>
          Effect.gen(function*() {
            seen.push(page)
            // a non-transient fault, so the outcome does not depend on the client's retry policy
            if (seen.length === 2) yield* fake.failNext(FakeOvhApi.Fault.status(400))
          })
        ),
        Effect.flip
      )
      assert.strictEqual(error._tag, "BadParameters")
      assert.strictEqual(seen.length, 2)
      const rest = yield* Stream.runCollect(Pagination.stream(LIST, { pageSize: 100, cursor: seen[1]!.next }))
      assert.deepStrictEqual([...seen.flatMap((page) => page.items), ...rest].map((item) => item.id), ids)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a transient fault on page 3 is retried by the client and the stream completes", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const ids = yield* seedList(1000)
      let pages = 0
      const fiber = yield* Effect.forkChild(
        Pagination.pages(LIST, { pageSize: 100 }).pipe(
          Stream.tap(() => {
            pages++
            return pages === 2 ? fake.failNext(503) : Effect.void
          }),
          Stream.flatMap((page) => Stream.fromIterable(page.items)),
          Stream.runCollect
        )
      )
      yield* TestClock.adjust("1 minute")
      const items = yield* Fiber.join(fiber)
      assert.deepStrictEqual(items.map((item) => item.id), ids)
      const calls = yield* listCalls
      assert.deepStrictEqual(calls.map((call) => call.status), [200, 200, 503, 200, 200, 200, 200, 200, 200, 200, 200])
      // the retry sends the same cursor again
      assert.strictEqual(calls[2]!.headers["x-pagination-cursor"], calls[3]!.headers["x-pagination-cursor"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a forged cursor fails with InvalidCursor", () =>
    Effect.gen(function*() {
      yield* seedList(300)
      const forged = yield* Effect.flip(Stream.runCollect(Pagination.stream(LIST, { cursor: "eyJvIjoyMDB9.forged" })))
      assert.strictEqual(forged._tag, "InvalidCursor")
      if (forged._tag === "InvalidCursor") {
        assert.strictEqual(forged.status, 400)
        assert.strictEqual(forged.cursor, "eyJvIjoyMDB9.forged")
        assert.strictEqual(forged.errorClass, "Client::BadRequest::InvalidCursor")
      }
      // a real cursor with its payload edited (offset moved) is refused too
      const [first] = yield* Stream.runCollect(Pagination.pages(LIST, { pageSize: 100 }).pipe(Stream.take(1)))
      const [payload, signature] = first!.next!.split(".")
      const edited = Buffer.from(
        Buffer.from(payload!, "base64url").toString("utf8").replace(/"o":100/, "\"o\":200"),
        "utf8"
      ).toString("base64url") + "." + signature
      const error = yield* Effect.flip(Stream.runCollect(Pagination.stream(LIST, { cursor: edited })))
      assert.strictEqual(error._tag, "InvalidCursor")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("maps an INVALID_CURSOR error code as well as the error classes", () =>
    Effect.sync(() => {
      const base = { status: 400, message: "bad cursor", method: "GET", path: LIST }
      const { BadParameters, ApiError } = OvhErrorClasses
      assert.isTrue(Pagination.isInvalidCursor(new BadParameters({ ...base, errorCode: "INVALID_CURSOR" })))
      assert.isTrue(
        Pagination.isInvalidCursor(
          new BadParameters({ ...base, errorClass: "Client::BadRequest::CredentialPaginationCursorInvalidValue" })
        )
      )
      assert.isFalse(Pagination.isInvalidCursor(new BadParameters({ ...base, errorCode: "BAD_PARAMETERS" })))
      assert.isFalse(Pagination.isInvalidCursor(new ApiError({ ...base, status: 500 })))
    }))

  it.effect("a v1 list, answered at once without a cursor, is a one-request stream", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const ids = Array.from({ length: 40 }, (_, i) => `FR${1000 + i}`)
      yield* fake.seed("/me/bill", ids)
      yield* fake.clearCalls
      assert.deepStrictEqual(yield* Stream.runCollect(Pagination.stream("/me/bill", { pageSize: 5 })), ids)
      assert.strictEqual((yield* fake.calls).filter((call) => call.path === "/me/bill").length, 1)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("pages go through the client in context", () =>
    Effect.gen(function*() {
      yield* seedList(3)
      const client = yield* OvhClient.OvhClient
      const page = yield* Pagination.fetchPage<{ id: string }>(client, LIST, undefined, { pageSize: 2 })
      assert.deepStrictEqual(page.items.map((item) => item.id), ["vrs-0000", "vrs-0001"])
      assert.isString(page.next)
      assert.isString(page.queryId)
    }).pipe(Effect.provide(TestLayer)))

  it.live("pages a v2 list over loopback HTTP, cursors in real headers", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const ids = yield* seedList(230)
      const client = OvhClient.OvhClient.layer.pipe(
        Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions(FakeOvhApi.clientOptions(fake))])),
        Layer.provide(FetchHttpClient.layer)
      )
      const pages = yield* Stream.runCollect(Pagination.pages(LIST, { pageSize: 100 })).pipe(
        Effect.provide(client)
      )
      assert.deepStrictEqual(pages.flatMap((page) => page.items).map((item) => item.id), ids)
      assert.deepStrictEqual(pages.map((page) => page.total), [230, 230, 230])
      assert.strictEqual((yield* listCalls).length, 3)
    }).pipe(Effect.provide(FakeOvhServer.layer())))

  it.effect("fills the path template from params: a list under a resource", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.seed("/email/domain", ["a b.example"])
      yield* fake.seed("/email/domain/a b.example/redirection", ["r1", "r2"])
      yield* fake.clearCalls
      const ids = yield* Stream.runCollect(
        Pagination.stream("/email/domain/{domain}/redirection", { params: { domain: "a b.example" } })
      )
      assert.deepStrictEqual(ids, ["r1", "r2"])
      // the fake records paths decoded
      const calls = (yield* fake.calls).filter((call) => call.path.startsWith("/email"))
      assert.deepStrictEqual(calls.map((call) => call.path), ["/email/domain/a b.example/redirection"])
    }).pipe(Effect.provide(TestLayer)))
})
