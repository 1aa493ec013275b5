import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, layer } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"
import { serverRows } from "../internal/demo-account.ts"
import { demoLayer, run, runWith } from "./harness.ts"

layer(demoLayer(), { excludeTestServices: true })("burst and kvm examples", (it) => {
  it.effect("burst enables burst on the servers of the datacenter only, reporting each server", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      // the datacenter in any case; datacenters printed with their names
      const result = yield* runWith(fake, "burst", "--datacenter", "SBG1")
      assert.strictEqual(result.code, 0, result.stderr)
      assert.strictEqual(
        result.stdout,
        [
          "ns3001234.ip-51-68-1.eu: burst enabled",
          "ns3005678.ip-51-68-2.eu: in Gravelines 1 (gra1), skipped",
          "ns3009012.ip-51-68-3.eu: burst already active",
          "ns3013456.ip-51-68-4.eu: in Roubaix 7 (rbx7), skipped",
          "ns3017890.ip-51-68-5.eu: burst enabled",
          "ns3021234.ip-51-68-6.eu: in Beauharnois, Quebec 3 (bhs3), skipped",
          "burst newly enabled on 2 server(s) in Strasbourg 1 (sbg1)",
          ""
        ].join("\n")
      )
      // the servers come whole from one list request in list mode, not one GET each
      const reads = (yield* fake.calls).filter((c) =>
        c.template === "/dedicated/server" || c.template === "/dedicated/server/{serviceName}"
      )
      assert.deepStrictEqual(reads.map((c) => [c.path, c.headers["x-pagination-mode"]]), [[
        "/dedicated/server",
        "CachedObjectList-Pages"
      ]])
      const puts = (yield* fake.calls).filter((c) => c.method === "PUT")
      assert.deepStrictEqual(puts.map((c) => [c.path, c.body]), [
        ["/dedicated/server/ns3001234.ip-51-68-1.eu/burst", { status: "active" }],
        ["/dedicated/server/ns3017890.ip-51-68-5.eu/burst", { status: "active" }]
      ])
      for (const [name, datacenter] of serverRows) {
        const burst = (yield* fake.read(`/dedicated/server/${name}/burst`)) as { status: string }
        assert.strictEqual(burst.status === "active", datacenter === "sbg1", name)
      }
    }))

  it.effect("burst reports a server that refuses and exits with BurstFailed", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.route({ method: "PUT", path: "/dedicated/server/{serviceName}/burst" }, () =>
        Effect.succeed({
          status: 400,
          body: { errorCode: "BAD_PARAMETERS", message: "burst is locked on this offer" }
        }))
      const result = yield* runWith(fake, "burst", "--datacenter", "gra1")
      assert.strictEqual(result.code, 1)
      assert.include(result.stdout, "ns3005678.ip-51-68-2.eu: failed: burst is locked on this offer")
      assert.strictEqual(result.stderr.trim(), "BurstFailed: burst could not be enabled on ns3005678.ip-51-68-2.eu")
    }))

  it.effect("kvm requests a session, polls until it is ready and saves the JNLP file", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      const server = serverRows[0]![0]
      const [result, invalid] = yield* Effect.all([
        runWith(fake, "kvm", "--server", server, "--ip", "203.0.113.7", "--ttl", "5", "--interval", "1"),
        run("kvm", ["--server", server, "--ip", "203.0.113.700"], {})
      ], { concurrency: "unbounded" })
      assert.strictEqual(result.code, 0, result.stderr)
      const lines = result.stdout.trimEnd().split("\n")
      assert.strictEqual(lines[0], `KVM access for 203.0.113.7 on ${server} requested for 5 min`)
      assert.strictEqual(lines.filter((l) => l.startsWith("not ready yet")).length, 2)
      assert.strictEqual(lines.at(-1), "saved to kvm.jnlp; open it with: javaws kvm.jnlp")
      assert.include(readFileSync(join(result.cwd, "kvm.jnlp"), "utf8"), "<jnlp")
      const calls = yield* fake.calls
      const post = calls.find((c) => c.method === "POST")
      assert.deepStrictEqual(post?.body, { ipToAllow: "203.0.113.7", ttl: 5, type: "kvmipJnlp" })
      const polls = calls.filter((c) => c.method === "GET" && c.path.endsWith("/features/ipmi/access"))
      assert.deepStrictEqual(polls.map((c) => [c.query, c.status]), [
        [{ type: "kvmipJnlp" }, 404],
        [{ type: "kvmipJnlp" }, 404],
        [{ type: "kvmipJnlp" }, 200]
      ])

      assert.strictEqual(invalid.code, 2)
      assert.include(invalid.stdout + invalid.stderr, "expected an IPv4 address")
    }))
})
