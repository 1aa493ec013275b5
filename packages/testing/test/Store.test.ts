// The fake's resource store (one per API, the same code for v1 and v2), over the real v1 descriptions.
import { assert, describe, it } from "@effect/vitest"
import * as Engine from "../src/internal/engine.ts"
import * as Schemas from "../src/internal/schemas.ts"
import * as Store from "../src/internal/store.ts"

const schemas = Schemas.forDirectory()

/** A v1 store whose collections generate `gen-0`, `gen-1`, `gen-2`. */
const makeStore = () =>
  Store.make({
    collectionAt: (p) => {
      const match = schemas.match(p)
      return match === undefined ? undefined : Engine.childOf(match)
    },
    knows: (p) => schemas.match(p) !== undefined,
    templateOf: (p) => schemas.match(p)?.api.path,
    generatedMembers: () => ["gen-0", "gen-1", "gen-2"]
  })

describe("Store", () => {
  it("an id exists only if its collection lists it, all the way down", () => {
    const store = makeStore()
    assert.deepStrictEqual(store.membersOf("/me/bill"), ["gen-0", "gen-1", "gen-2"])
    assert.isTrue(store.exists("/me/bill/gen-1"))
    assert.isTrue(store.exists("/me/bill/gen-1/details"))
    assert.isFalse(store.exists("/me/bill/other"))
    assert.isFalse(store.exists("/me/bill/other/details"))
    assert.strictEqual(store.firstMissing("/me/bill/other/details"), "/me/bill/other")
    assert.isFalse(store.exists("/no/such/path"))
  })

  it("a literal path below a collection is a path of its own, not a member", () => {
    const store = makeStore()
    // `/domain` lists domains (`/domain/{serviceName}`), `/domain/zone` is another collection
    assert.isTrue(store.exists("/domain/zone"))
    assert.isTrue(store.exists("/domain/zone/gen-0"))
    store.seed("/domain/zone/example.com", { name: "example.com" })
    assert.deepStrictEqual(store.membersOf("/domain"), ["gen-0", "gen-1", "gen-2"])
    assert.deepStrictEqual(store.membersOf("/domain/zone"), ["example.com"])
  })

  it("seeding lists what was seeded, and the ids above it; writing keeps the members listed so far", () => {
    const store = makeStore()
    store.seed("/email/domain/example.com/redirection/7", { id: "7" })
    assert.deepStrictEqual(store.membersOf("/email/domain"), ["example.com"])
    assert.deepStrictEqual(store.membersOf("/email/domain/example.com/redirection"), ["7"])
    assert.isFalse(store.exists("/email/domain/gen-0"))

    store.write("/me/bill/new", { billId: "new" })
    assert.deepStrictEqual(store.membersOf("/me/bill"), ["gen-0", "gen-1", "gen-2", "new"])
    store.setMembers("/me/bill", ["B1"])
    assert.deepStrictEqual(store.membersOf("/me/bill"), ["B1"])
    assert.isFalse(store.exists("/me/bill/new"))
    assert.deepStrictEqual(store.read("/me/bill"), ["B1"])
  })

  it("removes a resource and what is below it, and unlists it", () => {
    const store = makeStore()
    store.seed("/me/bill/B1", { billId: "B1" })
    store.seed("/me/bill/B1/details/D1", { billDetailId: "D1" })
    store.remember("/me/bill/B1/payment", { paymentType: "creditCard" })
    store.remove("/me/bill/B1")
    assert.deepStrictEqual(store.membersOf("/me/bill"), [])
    assert.isFalse(store.exists("/me/bill/B1"))
    assert.isFalse(store.has("/me/bill/B1/payment"))
    assert.isUndefined(store.read("/me/bill/B1/details/D1"))
    // written again, it exists again
    store.write("/me/bill/B1", { billId: "B1" })
    assert.isTrue(store.exists("/me/bill/B1"))
  })

  it("keeps an id holding an encoded slash (an IP block) one segment", () => {
    const store = makeStore()
    const path = Store.decodeSegments("/ip/192.0.2.0%2F24/reverse")
    assert.strictEqual(path, "/ip/192.0.2.0%2F24/reverse")
    assert.strictEqual(Store.decodeSegments("/me/bill/B%201"), "/me/bill/B 1")
    store.setMembers("/ip", ["192.0.2.0/24"])
    assert.isTrue(store.exists(path))
    assert.isFalse(store.exists("/ip/198.51.100.0%2F24/reverse"))
    store.seed("/ip/203.0.113.0%2F24", { ip: "203.0.113.0/24" })
    assert.deepStrictEqual(store.membersOf("/ip"), ["192.0.2.0/24", "203.0.113.0/24"])
  })
})
