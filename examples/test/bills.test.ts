import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { billRows } from "../internal/demo-account.ts"
import { demoLayer, run, runWith } from "./harness.ts"

layer(demoLayer(), { excludeTestServices: true })("bills and dotted-params examples", (it) => {
  it.effect("prints every bill as python-ovh does, the bills whole from one list request in list mode", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      // a run with bad arguments sends nothing: it runs alongside
      const [result, invalid] = yield* Effect.all([
        runWith(fake, "bills", "--concurrency", "2"),
        run("bills", ["--concurrency", "0"], {})
      ], { concurrency: "unbounded" })
      assert.strictEqual(result.code, 0, result.stderr)
      const lines = result.stdout.trimEnd().split("\n")
      assert.strictEqual(
        lines[0],
        "  FR48213337 (2026-05-01T00:12:04+02:00):    21.59 € --> " +
          "https://www.ovh.com/cgi-bin/order/facture.pdf?reference=FR48213337&passwd=demo0"
      )
      assert.strictEqual(
        lines[6],
        "  FR50300127 (2026-11-01T00:12:16+01:00):  1234.80 € --> " +
          "https://www.ovh.com/cgi-bin/order/facture.pdf?reference=FR50300127&passwd=demo6"
      )
      assert.strictEqual(lines.at(-1), `${billRows.length} bills`)
      const calls = (yield* fake.calls).filter((c) => c.path.startsWith("/me/bill"))
      assert.deepStrictEqual(calls.map((c) => [c.path, c.headers["x-pagination-mode"]]), [
        ["/me/bill", "CachedObjectList-Pages"]
      ])

      assert.strictEqual(invalid.code, 2)
      assert.include(invalid.stdout + invalid.stderr, "--concurrency must be between 1 and 50, got 0")
    }))

  it.effect("dotted-params sends date.from and date.to as they are named", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      const [result, invalid] = yield* Effect.all([
        runWith(fake, "dotted-params", "--from", "2026-07-01", "--to", "2026-10-01"),
        run("dotted-params", ["--from", "July", "--to", "2026-10-01"], {})
      ], { concurrency: "unbounded" })
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(
        result.stdout,
        "3 bills between 2026-07-01 and 2026-10-01\n  FR49245590\n  FR49600314\n  FR49951846\n"
      )
      const list = (yield* fake.calls).find((c) => c.path === "/me/bill")
      assert.deepStrictEqual(list?.query, { "date.from": "2026-07-01", "date.to": "2026-10-01" })

      assert.strictEqual(invalid.code, 2)
      assert.include(invalid.stdout + invalid.stderr, "expected a date as YYYY-MM-DD")
    }))

  // last: the routes it adds stay for the rest of the block
  it.effect("on a list answering ids, bills fetches details --concurrency at a time and skips a removed bill", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      // the list as a route without list mode answers it
      yield* fake.route({ method: "GET", path: "/me/bill" }, () => Effect.succeed({ body: billRows.map(([id]) => id) }))
      yield* fake.route(
        { method: "GET", path: "/me/bill/FR49245590" },
        () =>
          Effect.succeed({
            status: 404,
            body: { message: "The requested object (billId = FR49245590) does not exist" }
          })
      )
      yield* fake.clearCalls
      const result = yield* runWith(fake, "bills", "--concurrency", "2")
      const details = (yield* fake.calls).filter((c) => c.template === "/me/bill/{billId}")
      assert.strictEqual(details.length, billRows.length)
      assert.isAtMost(yield* fake.maxInFlight, 2)
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(
        result.stderr,
        "skipped bill FR49245590: ResourceNotFound: The requested object (billId = FR49245590) does not exist\n"
      )
      assert.notInclude(result.stdout, "FR49245590")
      assert.strictEqual(result.stdout.trimEnd().split("\n").at(-1), `${billRows.length - 1} bills`)
    }))
})
