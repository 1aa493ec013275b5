import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"

const KMS = "6f6a9c2e-3b1d-4c4e-9a53-0a9f1d2c3b4a"

// An id exists only if its collection lists it: the account holds this vRack Services and this KMS.
const TestLayer = FakeOvhApi.FakeOvhApi.layerClient({
  serverTime: 1_700_000_000,
  data: { "/v2/vrackServices/resource": ["vrs-abc"], "/v2/okms/resource": [KMS] }
})

const ITEM = "/v2/vrackServices/resource/vrs-abc"

interface VrackServices {
  readonly id: string
  readonly checksum: string
  readonly resourceStatus: string
  readonly targetSpec: { readonly subnets: ReadonlyArray<{ readonly cidr: string }> }
  readonly currentState: { readonly subnets: ReadonlyArray<{ readonly cidr: string }> }
  readonly currentTasks: ReadonlyArray<unknown>
}

const targetSpec = {
  subnets: [{
    cidr: "10.0.0.0/24",
    displayName: "lan",
    serviceEndpoints: [],
    serviceRange: { cidr: "10.0.0.0/29" },
    vlan: 30
  }]
}

describe("FakeOvhApi v2", () => {
  it.effect("serves a v2 resource shaped like one: id, targetSpec, currentState, resourceStatus, checksum", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const item = yield* client.get<VrackServices>(ITEM)
      assert.strictEqual(item.id, "vrs-abc")
      assert.strictEqual(item.resourceStatus, "READY")
      assert.deepStrictEqual(item.currentTasks, [])
      assert.isString(item.checksum)
      assert.isObject(item.targetSpec)
      assert.isObject(item.currentState)
      assert.deepStrictEqual(yield* client.get(ITEM), item)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a PUT with a stale checksum gets 412 InvalidChecksum", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      yield* client.get<VrackServices>(ITEM)
      const error = yield* Effect.flip(client.put(ITEM, { checksum: "stale", targetSpec }))
      assert.strictEqual(error._tag, "ApiError")
      if (error._tag === "ApiError") {
        assert.strictEqual(error.status, 412)
        assert.strictEqual(error.errorClass, "Client::PreconditionFailed::InvalidChecksum")
      }
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a PUT with the current checksum updates targetSpec; the next read finds it reconciled", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const before = yield* client.get<VrackServices>(ITEM)
      const updated = yield* client.put<VrackServices>(ITEM, { checksum: before.checksum, targetSpec })
      assert.strictEqual(updated.resourceStatus, "UPDATING")
      assert.deepStrictEqual(updated.targetSpec, targetSpec)
      assert.notStrictEqual(updated.checksum, before.checksum)
      // not READY yet: another target spec is refused
      const busy = yield* Effect.flip(client.put(ITEM, { checksum: updated.checksum, targetSpec }))
      assert.strictEqual(busy._tag, "ResourceConflict")
      const after = yield* client.get<VrackServices>(ITEM)
      assert.strictEqual(after.resourceStatus, "READY")
      assert.deepStrictEqual(after.currentState.subnets, targetSpec.subnets)
      assert.strictEqual(after.checksum, updated.checksum)
      // the old checksum is stale now
      const stale = yield* Effect.flip(client.put(ITEM, { checksum: before.checksum, targetSpec }))
      assert.strictEqual(stale._tag === "ApiError" && stale.status, 412)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("checks v2 bodies against the schemas", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const missing = yield* Effect.flip(client.put(ITEM, { targetSpec }))
      assert.strictEqual(missing._tag, "BadParameters")
      const wrong = yield* Effect.flip(client.put(ITEM, { checksum: "x", targetSpec: { subnets: "none" } }))
      assert.strictEqual(wrong._tag, "BadParameters")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("pages lists: default size 100, a next cursor until the last page, the total in X-Pagination-Elements", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const client = yield* OvhClient.OvhClient
      yield* fake.seed("/v2/vrackServices/resource", Array.from({ length: 150 }, (_, i) => `vrs-${i}`))
      const first = yield* client.send<ReadonlyArray<VrackServices>>({
        method: "GET",
        path: "/v2/vrackServices/resource"
      })
      assert.strictEqual(first.body.length, 100)
      assert.strictEqual(first.body[0]!.id, "vrs-0")
      assert.strictEqual(first.headers["x-pagination-elements"], "150")
      const cursor = first.headers["x-pagination-cursor-next"]
      assert.isString(cursor)
      const last = yield* client.send<ReadonlyArray<VrackServices>>({
        method: "GET",
        path: "/v2/vrackServices/resource",
        headers: { "X-Pagination-Cursor": cursor! }
      })
      assert.deepStrictEqual(last.body.map((item) => item.id), Array.from({ length: 50 }, (_, i) => `vrs-${100 + i}`))
      assert.strictEqual(last.headers["x-pagination-cursor-next"], undefined)
      // a cursor belongs to its list
      const elsewhere = yield* Effect.flip(
        client.send({ method: "GET", path: "/v2/iam/policy", headers: { "X-Pagination-Cursor": cursor! } })
      )
      assert.strictEqual(
        elsewhere._tag === "BadParameters" && elsewhere.errorClass,
        "Client::BadRequest::InvalidCursor"
      )
      const size = yield* Effect.flip(
        client.send({ method: "GET", path: "/v2/vrackServices/resource", headers: { "X-Pagination-Size": "0" } })
      )
      assert.strictEqual(size._tag, "BadParameters")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("a deletion between two pages skips nothing", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const client = yield* OvhClient.OvhClient
      yield* fake.seed("/v2/vrackServices/resource", Array.from({ length: 10 }, (_, i) => `vrs-${i}`))
      const page = (cursor?: string) =>
        client.send<ReadonlyArray<VrackServices>>({
          method: "GET",
          path: "/v2/vrackServices/resource",
          headers: { "X-Pagination-Size": "4", ...(cursor === undefined ? {} : { "X-Pagination-Cursor": cursor }) }
        })
      const first = yield* page()
      yield* client.delete("/v2/vrackServices/resource/vrs-1").pipe(Effect.catchTag("ApiError", () => Effect.void))
      yield* fake.seed("/v2/vrackServices/resource", [
        "vrs-0",
        "vrs-2",
        "vrs-3",
        "vrs-4",
        "vrs-5",
        "vrs-6",
        "vrs-7",
        "vrs-8",
        "vrs-9"
      ])
      const second = yield* page(first.headers["x-pagination-cursor-next"])
      assert.deepStrictEqual(second.body.map((item) => item.id), ["vrs-4", "vrs-5", "vrs-6", "vrs-7"])
    }).pipe(Effect.provide(TestLayer)))

  it.effect("v2 needs the same authentication as v1, and unknown v2 paths are 404", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const unsigned = yield* Effect.flip(client.get("/v2/vrackServices/resource", undefined, { needAuth: false }))
      assert.strictEqual(unsigned._tag, "NotCredential")
      const unlisted = yield* Effect.flip(client.get("/v2/vrackServices/resource/vrs-not-mine"))
      assert.strictEqual(unlisted._tag, "ResourceNotFound")
      if (unlisted._tag === "ResourceNotFound") {
        assert.strictEqual(unlisted.message, "The requested object (vrs-not-mine) does not exist")
        assert.strictEqual(unlisted.errorClass, "Client::NotFound")
      }
      const unknown = yield* Effect.flip(client.get("/v2/nothing/here"))
      assert.strictEqual(unknown._tag, "ResourceNotFound")
      const index = yield* client.get<{ apis: ReadonlyArray<{ path: string }> }>("/v2/")
      assert.isTrue(index.apis.some((api) => api.path === "/vrackServices"))
    }).pipe(Effect.provide(TestLayer)))

  it.effect("POST creates a member of a v2 collection, DELETE removes it", () =>
    Effect.gen(function*() {
      const client = yield* OvhClient.OvhClient
      const keys = `/v2/okms/resource/${KMS}/serviceKey`
      const before = yield* client.get<ReadonlyArray<{ id: string }>>(keys)
      const created = yield* client.post<{ id: string; name: string }>(keys, {
        name: "signing",
        type: "EC",
        curve: "P-256"
      })
      assert.match(created.id, /^[0-9a-f-]{36}$/)
      assert.strictEqual(created.name, "signing")
      const after = yield* client.get<ReadonlyArray<{ id: string }>>(keys)
      assert.deepStrictEqual(after.map((key) => key.id), [...before.map((key) => key.id), created.id])
      const read = yield* client.get<{ id: string; name: string }>(`${keys}/${created.id}`)
      assert.strictEqual(read.name, "signing")
      yield* client.delete(`${keys}/${created.id}`)
      const gone = yield* Effect.flip(client.get(`${keys}/${created.id}`))
      assert.strictEqual(gone._tag, "ResourceNotFound")
      assert.deepStrictEqual(
        (yield* client.get<ReadonlyArray<{ id: string }>>(keys)).map((key) => key.id),
        before.map((key) => key.id)
      )
    }).pipe(Effect.provide(TestLayer)))
})
