import * as Signature from "@effect-ovh/core/Signature"
import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { readFileSync } from "node:fs"
import { join } from "node:path"

interface Vectors {
  readonly applicationSecret: string
  readonly consumerKey: string
  readonly timestamp: number
  readonly vectors: ReadonlyArray<{ method: string; url: string; body: string; signature: string }>
}

const schemaRoot = process.env.OVH_API_SCHEMAS ?? join(import.meta.dirname, "../../../../shared/ovh-api")
const fixture = JSON.parse(readFileSync(join(schemaRoot, "signature-vectors.json"), "utf8")) as Vectors

describe("Signature", () => {
  it("has the 11 official vectors", () => {
    assert.strictEqual(fixture.vectors.length, 11)
  })

  for (const v of fixture.vectors) {
    it(`signs ${v.method} ${v.url} like the official clients`, () => {
      const input = {
        applicationSecret: Redacted.make(fixture.applicationSecret),
        consumerKey: Redacted.make(fixture.consumerKey),
        method: v.method,
        url: v.url,
        body: v.body,
        timestamp: fixture.timestamp
      }
      assert.strictEqual(Signature.sign(input), v.signature)
      assert.isTrue(Signature.verify(input, v.signature))
      assert.isFalse(Signature.verify({ ...input, timestamp: fixture.timestamp + 1 }, v.signature))
    })
  }

  it("upper-cases the method and joins the parts with +", () => {
    const payload = Signature.payload({
      applicationSecret: "AS",
      consumerKey: "CK",
      method: "get",
      url: "https://eu.api.ovh.com/1.0/me?a=1",
      body: "",
      timestamp: 42
    })
    assert.strictEqual(payload, "AS+CK+GET+https://eu.api.ovh.com/1.0/me?a=1++42")
  })

  it("hashes non-ASCII bodies as UTF-8", () => {
    // sha1("é") over UTF-8 bytes c3 a9
    const sig = Signature.sign({ applicationSecret: "", consumerKey: "", method: "", url: "", body: "é", timestamp: "" })
    assert.match(sig, /^\$1\$[0-9a-f]{40}$/)
    assert.notStrictEqual(sig, Signature.sign({ applicationSecret: "", consumerKey: "", method: "", url: "", body: "e", timestamp: "" }))
  })
})
