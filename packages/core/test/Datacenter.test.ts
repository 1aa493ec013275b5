import { Datacenter } from "@effect-ovh/core"
import { assert, describe, it } from "@effect/vitest"
import { Option } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const schemaDir = process.env["OVH_API_SCHEMAS"] ||
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../ovh-api")

/** The values of the v1 enums named `id`, merged over every file that defines them. */
const enumValues = (id: string): ReadonlyArray<string> => {
  const dir = path.join(schemaDir, "v1")
  const values = new Set<string>()
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("_"))) {
    const models = (JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")) as {
      models?: Record<string, { enum?: ReadonlyArray<string> }>
    }).models
    for (const value of models?.[id]?.enum ?? []) values.add(String(value))
  }
  return [...values].sort()
}

// The datacenters of libcloud's OVH driver (`LOCATIONS`), as it lists them (its `UK` is ISO's `GB`).
const libcloud: ReadonlyArray<readonly [string, string, string]> = [
  ...[1, 2, 3, 4, 5, 6].map((n) => [`BHS${n}`, "CA", `Beauharnois, Quebec ${n}`] as const),
  ["DC1", "FR", "Paris DC1"],
  ["FRA1", "DE", "Frankfurt 1"],
  ["GRA1", "FR", "Gravelines 1"],
  ["GRA2", "FR", "Gravelines 2"],
  ["GSW", "FR", "Paris GSW"],
  ["HIL1", "US", "Hillsboro, Oregon 1"],
  ["LON1", "GB", "London 1"],
  ["P19", "FR", "Paris P19"],
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => [`RBX${n}`, "FR", `Roubaix ${n}`] as const),
  ...[1, 2, 3].map((n) => [`SBG${n}`, "FR", `Strasbourg ${n}`] as const),
  ["SGP1", "SG", "Singapore 1"],
  ["SYD1", "AU", "Sydney 1"],
  ["VIN1", "US", "Vint Hill, Virginia 1"],
  ["WAW1", "PL", "Warsaw 1"]
]

// dedicated.DatacenterEnum codes for which no name was found (see Datacenter.ts).
const unnamed = ["cch01", "crx1", "crx2", "hdf01", "ieb01", "itbsi01", "itzvf01", "lil1-int1", "mr901"]

describe("Datacenter", () => {
  it("names libcloud's datacenters as libcloud does, whatever the case of the code", () => {
    for (const [code, country, name] of libcloud) {
      for (const spelled of [code, code.toLowerCase(), ` ${code} `]) {
        const dc = Datacenter.lookup(spelled)
        assert.isTrue(Option.isSome(dc), spelled)
        assert.deepStrictEqual(Option.getOrThrow(dc), { code: code.toLowerCase(), country, name })
      }
    }
  })

  it("names every datacenter of the API descriptions' enums, except the ones documented as unnamed", () => {
    const codes = new Set([
      ...enumValues("dedicated.DatacenterEnum"),
      ...enumValues("dedicated.housing.DatacenterEnum"),
      ...enumValues("hosting.web.DatacenterEnum"),
      ...enumValues("hosting.privateDatabase.DatacenterEnum")
    ])
    assert.isAbove(codes.size, 50)
    const missing = [...codes].filter((code) => Option.isNone(Datacenter.lookup(code)))
    assert.deepStrictEqual(missing.sort(), unnamed)
    // and nothing in the table that neither libcloud nor the API has (libcloud's FRA1 and LON1 are not in the enums)
    const anywhere = new Set([
      ...codes,
      ...libcloud.map(([code]) => code.toLowerCase()),
      ...enumValues("dedicated.AvailabilityDatacenterEnum"),
      ...enumValues("vps.migration.DatacenterEnum").map((code) => code.toLowerCase())
    ])
    assert.deepStrictEqual(Datacenter.all.filter((dc) => !anywhere.has(dc.code)), [])
    // one entry per code, countries as ISO 3166-1 alpha-2
    assert.strictEqual(new Set(Datacenter.all.map((dc) => dc.code)).size, Datacenter.all.length)
    for (const dc of Datacenter.all) assert.match(dc.country, /^[A-Z]{2}$/, dc.code)
  })

  it("gives a printable name: the datacenter's, or the code when it is unknown", () => {
    assert.strictEqual(Datacenter.nameOf("RBX8"), "Roubaix 8")
    assert.strictEqual(Datacenter.nameOf("gra04"), "Gravelines 4")
    assert.strictEqual(Datacenter.nameOf("lim2"), "Limburg 2")
    assert.strictEqual(Datacenter.nameOf("mr901"), "mr901")
    assert.isTrue(Option.isNone(Datacenter.lookup("")))
    assert.isTrue(Option.isNone(Datacenter.lookup("rbx99")))
  })
})
