import * as Signature from "@effect-ovh/core/Signature"
import { assert, describe, it } from "@effect/vitest"
import { Redacted } from "effect"
import { createHash } from "node:crypto"
import { readFileSync } from "node:fs"
import { join } from "node:path"

interface Vectors {
  readonly applicationSecret: string
  readonly consumerKey: string
  readonly timestamp: number
  readonly vectors: ReadonlyArray<{ method: string; url: string; body: string; signature: string }>
}

const schemaRoot = join(import.meta.dirname, "../../../ovh-api")
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
    const sig = Signature.sign({
      applicationSecret: "",
      consumerKey: "",
      method: "",
      url: "",
      body: "é",
      timestamp: ""
    })
    assert.match(sig, /^\$1\$[0-9a-f]{40}$/)
    assert.notStrictEqual(
      sig,
      Signature.sign({ applicationSecret: "", consumerKey: "", method: "", url: "", body: "e", timestamp: "" })
    )
  })

  it("agrees with node:crypto's SHA-1 at every length around the block boundaries, ASCII or not", () => {
    const payloadOf = (body: string) =>
      Signature.payload({ applicationSecret: "", consumerKey: "", method: "", url: "", body, timestamp: "" })
    const expected = (body: string) => "$1$" + createHash("sha1").update(payloadOf(body), "utf8").digest("hex")
    const alphabet = ["a", "Z", "0", "/", "~", " ", "é", "€", "\u{1F600}"]
    let seed = 7
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31)
    for (let length = 0; length <= 200; length++) {
      const ascii = Array.from({ length }, () => alphabet[next() % 6]).join("")
      const mixed = Array.from({ length }, () => alphabet[next() % alphabet.length]).join("")
      for (const body of [ascii, mixed]) {
        const actual = Signature.sign({
          applicationSecret: "",
          consumerKey: "",
          method: "",
          url: "",
          body,
          timestamp: ""
        })
        assert.strictEqual(actual, expected(body), `length ${length}: ${JSON.stringify(body)}`)
      }
    }
  })
})
