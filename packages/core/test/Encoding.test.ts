import * as OvhClient from "@effect-ovh/core/OvhClient"
import { assert, describe, it } from "@effect/vitest"

const base = "https://eu.api.ovh.com/1.0"

describe("OvhClient encoding", () => {
  it("writes GET/DELETE params as python-ovh does, arrays as repeated keys, undefined dropped", () => {
    assert.strictEqual(
      OvhClient.urlOf(base, "/me/bill", { query: "string", param: "test" }),
      `${base}/me/bill?query=string&param=test`
    )
    assert.strictEqual(OvhClient.urlOf(base, "/x", { checkbox: true, off: false }), `${base}/x?checkbox=true&off=false`)
    assert.strictEqual(OvhClient.urlOf(base, "/x", { a: [1, 2], b: undefined, c: 3 }), `${base}/x?a=1&a=2&c=3`)
    assert.strictEqual(OvhClient.urlOf(base, "/x", { n: null }), `${base}/x?n=null`)
    assert.strictEqual(OvhClient.urlOf(base, "/x", {}), `${base}/x`)
    assert.strictEqual(OvhClient.urlOf(base, "/x?fixed=1", { more: 2 }), `${base}/x?fixed=1&more=2`)
  })

  it("keeps dotted keys and strips a leading _ before a reserved word", () => {
    assert.strictEqual(
      OvhClient.urlOf(base, "/me/bill", { "date.from": "2024-01-01", "date.to": "2024-02-01" }),
      `${base}/me/bill?date.from=2024-01-01&date.to=2024-02-01`
    )
    assert.strictEqual(OvhClient.urlOf(base, "/x", { _from: "start", _to: "end" }), `${base}/x?from=start&_to=end`)
    assert.strictEqual(OvhClient.canonicalName("_from"), "from")
    assert.strictEqual(OvhClient.canonicalName("_class"), "class")
    assert.strictEqual(OvhClient.canonicalName("_custom"), "_custom")
    assert.strictEqual(OvhClient.canonicalName("_"), "_")
  })

  it("percent-encodes values so the signed URL is the URL sent", () => {
    const url = OvhClient.urlOf(base, "/domain/zone/x/record", { subDomain: "a b&c=d/é*'()!~" })
    assert.strictEqual(url, `${base}/domain/zone/x/record?subDomain=a%20b%26c%3Dd%2F%C3%A9%2A%27%28%29%21~`)
    // what the WHATWG URL parser (and so every HTTP client) would send
    assert.strictEqual(new URL(url).href, url)
    const path = OvhClient.urlOf(base, "/me/contact/ä b")
    assert.strictEqual(path, `${base}/me/contact/%C3%A4%20b`)
    assert.strictEqual(new URL(path).href, path)
  })

  it("writes compact JSON bodies with non-ASCII escaped as \\uXXXX", () => {
    assert.strictEqual(OvhClient.encodeBody({ a: "b", c: "d" }), `{"a":"b","c":"d"}`)
    assert.strictEqual(OvhClient.encodeBody({ name: "Élodie ☃ 😀" }), `{"name":"\\u00c9lodie \\u2603 \\ud83d\\ude00"}`)
    assert.strictEqual(
      OvhClient.encodeBody({ flag: true, n: 1.5, nested: { x: [1] } }),
      `{"flag":true,"n":1.5,"nested":{"x":[1]}}`
    )
    assert.deepStrictEqual(JSON.parse(OvhClient.encodeBody({ name: "Élodie ☃ 😀" })), { name: "Élodie ☃ 😀" })
  })
})
