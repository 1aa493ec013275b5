import * as Endpoint from "@effect-ovh/core/Endpoint"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { randomBytes } from "node:crypto"
import { inspect } from "node:util"

const randomSecret = () => randomBytes(24).toString("base64url")

// every string an error shows, searched for any 8-character run of the secret
const assertHidden = (error: Endpoint.InvalidEndpoint, secret: string) => {
  const shown = [error.message, String(error), JSON.stringify(error), inspect(error, { depth: 10 }), error.endpoint]
  for (let i = 0; i + 8 <= secret.length; i++) {
    for (const text of shown) assert.notInclude(text, secret.slice(i, i + 8))
  }
}

describe("Endpoint", () => {
  it.effect("resolves every named endpoint from the table", () =>
    Effect.gen(function*() {
      const expected: Record<string, string> = {
        "ovh-eu": "https://eu.api.ovh.com/1.0",
        "ovh-ca": "https://ca.api.ovh.com/1.0",
        "ovh-us": "https://api.us.ovhcloud.com/1.0",
        "soyoustart-eu": "https://eu.api.soyoustart.com/1.0",
        "soyoustart-ca": "https://ca.api.soyoustart.com/1.0",
        "kimsufi-eu": "https://eu.api.kimsufi.com/1.0",
        "kimsufi-ca": "https://ca.api.kimsufi.com/1.0"
      }
      assert.deepStrictEqual([...Endpoint.names].sort(), Object.keys(expected).sort())
      for (const [name, url] of Object.entries(expected)) {
        assert.strictEqual((yield* Endpoint.resolve(name)).url, url)
      }
      assert.strictEqual((yield* Endpoint.resolve("ovh-eu")).oauth2TokenUrl, "https://www.ovh.com/auth/oauth2/token")
      assert.isUndefined((yield* Endpoint.resolve("kimsufi-eu")).oauth2TokenUrl)
    }))

  it.effect("rejects an unknown name with the list of valid names", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(Endpoint.resolve("ovh-moon"))
      assert.strictEqual(error._tag, "InvalidEndpoint")
      for (const name of Endpoint.names) assert.include(error.message, name)
    }))

  it.effect("accepts https URLs and plain http only on loopback", () =>
    Effect.gen(function*() {
      assert.strictEqual((yield* Endpoint.resolve("https://api.example.com/1.0/")).url, "https://api.example.com/1.0")
      assert.strictEqual((yield* Endpoint.resolve("http://127.0.0.1:8080/1.0")).url, "http://127.0.0.1:8080/1.0")
      assert.strictEqual((yield* Endpoint.resolve("http://localhost:3000/1.0")).url, "http://localhost:3000/1.0")
      const plain = yield* Effect.flip(Endpoint.resolve("http://api.example.com/1.0"))
      assert.include(plain.reason, "https")
      const broken = yield* Effect.flip(Endpoint.resolve("https://"))
      assert.strictEqual(broken._tag, "InvalidEndpoint")
      const query = yield* Effect.flip(Endpoint.resolve("https://api.example.com/1.0?x=1"))
      assert.include(query.reason, "query")
    }))

  it.effect("never repeats a password, a query or a value that is not a name", () =>
    Effect.gen(function*() {
      const password = randomSecret()
      const withPassword = yield* Effect.flip(Endpoint.resolve(`https://user:${password}@api.example.com/1.0`))
      assertHidden(withPassword, password)
      assert.strictEqual(withPassword.endpoint, "https://***@api.example.com/1.0")
      assert.include(withPassword.reason, "credentials")

      const token = randomSecret()
      const withQuery = yield* Effect.flip(Endpoint.resolve(`https://api.example.com/1.0?token=${token}`))
      assertHidden(withQuery, token)
      assert.strictEqual(withQuery.endpoint, "https://api.example.com/1.0?…")

      const broken = randomSecret()
      assertHidden(yield* Effect.flip(Endpoint.resolve(`https://user:${broken}@[bad`)), broken)

      // a secret given as the endpoint by mistake (32 characters, as OVHcloud's secrets)
      const misplaced = randomSecret().slice(0, 32)
      const error = yield* Effect.flip(Endpoint.resolve(misplaced))
      assertHidden(error, misplaced)
      assert.strictEqual(error.endpoint, "<a value of 32 characters>")

      // a name is shown as written, so that a typo can be seen
      assert.strictEqual((yield* Effect.flip(Endpoint.resolve("ovh-euu"))).endpoint, "ovh-euu")
    }))

  it("routes /v1 and /v2 paths to the host root", () => {
    const base = "https://eu.api.ovh.com/1.0"
    assert.strictEqual(Endpoint.target(base, "/me"), "https://eu.api.ovh.com/1.0/me")
    assert.strictEqual(Endpoint.target(base, "/v2/iam/policy"), "https://eu.api.ovh.com/v2/iam/policy")
    assert.strictEqual(Endpoint.target(base, "/v1/call"), "https://eu.api.ovh.com/v1/call")
    assert.strictEqual(Endpoint.target(base, "/v2"), "https://eu.api.ovh.com/v2")
    assert.strictEqual(Endpoint.target(base, "/v2beta/x"), "https://eu.api.ovh.com/1.0/v2beta/x")
    assert.strictEqual(Endpoint.target("http://127.0.0.1:8080/1.0", "/v2/x"), "http://127.0.0.1:8080/v2/x")
    assert.strictEqual(Endpoint.target("https://proxy.example.com/ovh", "/v2/x"), "https://proxy.example.com/ovh/v2/x")
  })
})
