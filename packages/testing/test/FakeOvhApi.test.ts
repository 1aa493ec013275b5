import * as OvhClient from "@effect-ovh/core/OvhClient"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as Signature from "@effect-ovh/core/Signature"
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, describe, it } from "@effect/vitest"
import { Cause, Effect, Exit, Fiber, Layer, Redacted } from "effect"
import * as HttpClient from "effect/http/HttpClient"
import * as HttpClientRequest from "effect/http/HttpClientRequest"
import { TestClock } from "effect/testing"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"
import { inspect } from "node:util"

const SERVER_TIME = 1_700_000_000

const Fake = FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME })

/** An `OvhClient` with the fake's full-access credentials (or the overrides), over the in-memory fake. */
const clientLayer = (override: (fake: FakeOvhApi.FakeOvhApi["Service"]) => Partial<OvhConfig.Options> = () => ({})) =>
  Layer.unwrap(Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    return OvhClient.OvhClient.layer.pipe(Layer.provide(OvhConfig.OvhConfig.layerSources([OvhConfig.fromOptions({
      endpoint: fake.baseUrl,
      applicationKey: fake.credentials.applicationKey,
      applicationSecret: fake.credentials.applicationSecret,
      consumerKey: fake.credentials.consumerKey,
      ...override(fake)
    } as OvhConfig.Options)])))
  }))

const TestLayer = clientLayer().pipe(Layer.provideMerge(Fake))

/** Sends a raw request signed with `consumerKey` (default: the fake's), `timestamp` (default: server time). */
const signed = (
  method: "GET" | "POST" | "PUT" | "DELETE",
  path: string,
  options: { body?: unknown; consumerKey?: string; timestamp?: number; secret?: string; url?: string } = {}
) =>
  Effect.gen(function*() {
    const fake = yield* FakeOvhApi.FakeOvhApi
    const http = yield* HttpClient.HttpClient
    const url = options.url ?? fake.baseUrl + path
    const body = options.body === undefined ? "" : JSON.stringify(options.body)
    const consumerKey = options.consumerKey ?? Redacted.value(fake.credentials.consumerKey)
    const timestamp = options.timestamp ?? (yield* fake.serverTime)
    const signature = Signature.sign({
      applicationSecret: options.secret ?? fake.credentials.applicationSecret,
      consumerKey,
      method,
      url,
      body,
      timestamp
    })
    let request = HttpClientRequest.make(method)(url, {
      headers: {
        "x-ovh-application": fake.credentials.applicationKey,
        "x-ovh-consumer": consumerKey,
        "x-ovh-timestamp": String(timestamp),
        "x-ovh-signature": signature
      }
    })
    if (body !== "") request = HttpClientRequest.bodyText(request, body, "application/json")
    const response = yield* http.execute(request)
    const text = yield* response.text
    let parsed: any
    try {
      parsed = text === "" ? undefined : JSON.parse(text)
    } catch {
      parsed = text
    }
    return { status: response.status, headers: response.headers, body: parsed }
  })

describe("FakeOvhApi", () => {
  describe("schemas", () => {
    it.effect("answers 404 for a path the API does not have", () =>
      Effect.gen(function*() {
        const reply = yield* signed("GET", "/no/such/path")
        assert.strictEqual(reply.status, 404)
        assert.deepStrictEqual(reply.body, {
          class: "Client::NotFound",
          errorCode: "NOT_FOUND",
          httpCode: "404 Not Found",
          message: "Got an invalid (or empty) URL"
        })
        assert.isString(reply.headers["x-ovh-queryid"])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("answers 405 with an OVH-style error for a method the path does not support", () =>
      Effect.gen(function*() {
        const reply = yield* signed("DELETE", "/me")
        assert.strictEqual(reply.status, 405)
        assert.deepStrictEqual(reply.body, {
          class: "Client::MethodNotAllowed",
          errorCode: "METHOD_NOT_ALLOWED",
          httpCode: "405 Method Not Allowed",
          message: "The requested HTTP method (DELETE) is not allowed on /me"
        })
        assert.strictEqual(reply.headers["allow"], "GET, PUT")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("answers 400 BadParameters naming a missing required body parameter", () =>
      Effect.gen(function*() {
        const reply = yield* signed("POST", "/email/domain/example.com/redirection", { body: { to: "a@example.org" } })
        assert.strictEqual(reply.status, 400)
        assert.strictEqual(reply.body.errorCode, "BAD_PARAMETERS")
        assert.include(reply.body.message, "from")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("answers 400 naming a parameter of the wrong type", () =>
      Effect.gen(function*() {
        const path = yield* signed("GET", "/me/api/credential/notANumber")
        assert.strictEqual(path.status, 400)
        assert.include(path.body.message, "credentialId")
        const query = yield* signed("GET", "/me/bill?orderId=abc")
        assert.strictEqual(query.status, 400)
        assert.include(query.body.message, "orderId")
        const body = yield* signed("POST", "/email/domain/example.com/redirection", {
          body: { from: "a@example.com", to: "b@example.org", localCopy: "yes" }
        })
        assert.strictEqual(body.status, 400)
        assert.include(body.body.message, "localCopy")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("generates unseeded resources from the response model, the same for the same seed", () =>
      Effect.gen(function*() {
        const firstBill = (layer: typeof TestLayer) =>
          Effect.gen(function*() {
            const ids = (yield* signed("GET", "/me/bill")).body as ReadonlyArray<string>
            return { id: ids[0]!, reply: yield* signed("GET", `/me/bill/${ids[0]}`) }
          }).pipe(Effect.provide(layer))
        const first = yield* firstBill(TestLayer)
        const again = yield* firstBill(TestLayer)
        const other = yield* firstBill(
          clientLayer().pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ seed: 42, serverTime: SERVER_TIME })))
        )
        assert.strictEqual(first.reply.status, 200)
        assert.deepStrictEqual(first, again)
        assert.notDeepEqual(first.reply.body, other.reply.body)
        const bill = first.reply.body
        assert.strictEqual(bill.billId, first.id)
        assert.isTrue(Number.isInteger(bill.orderId))
        assert.match(bill.date, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}/)
        // the EU account holder pays in euros, and a price's text reads its value
        for (const price of [bill.priceWithTax, bill.priceWithoutTax, bill.tax]) {
          assert.strictEqual(price.currencyCode, "EUR")
          assert.strictEqual(price.text, `${price.value.toFixed(2)} €`)
        }
        assert.notMatch(JSON.stringify(bill), /"(text|description)-\d+"/)
      }))

    it.effect("an id exists only if its collection lists it: 404 with the API's body otherwise", () =>
      Effect.gen(function*() {
        const servers = (yield* signed("GET", "/dedicated/server")).body as ReadonlyArray<string>
        assert.strictEqual(servers.length, 3)
        assert.strictEqual((yield* signed("GET", `/dedicated/server/${servers[1]}`)).status, 200)
        const service = yield* signed("GET", "/dedicated/server/not-in-the-list")
        assert.strictEqual(service.status, 404)
        assert.deepStrictEqual(service.body, {
          class: "Client::NotFound",
          errorCode: "NOT_FOUND",
          httpCode: "404 Not Found",
          message: "This service does not exist"
        })
        // below a missing service, the service is what is missing
        assert.deepStrictEqual(
          (yield* signed("GET", "/dedicated/server/not-in-the-list/ips")).body.message,
          "This service does not exist"
        )
        const bill = yield* signed("GET", "/me/bill/FR00000000")
        assert.strictEqual(bill.status, 404)
        assert.deepStrictEqual(bill.body, {
          class: "Client::NotFound",
          errorCode: "NOT_FOUND",
          httpCode: "404 Not Found",
          message: "The requested object (billId = FR00000000) does not exist"
        })
        assert.strictEqual((yield* signed("GET", "/me/bill/FR00000000/details")).status, 404)
        assert.strictEqual((yield* signed("POST", "/dedicated/server/not-in-the-list/reboot")).status, 404)
        // seeding the members of a collection decides which ids exist
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/dedicated/server", ["ns1.example.net"])
        assert.strictEqual((yield* signed("GET", "/dedicated/server/ns1.example.net")).body.name, "ns1.example.net")
        assert.strictEqual((yield* signed("GET", `/dedicated/server/${servers[1]}`)).status, 404)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("lists what was seeded and the ids above it; a write keeps the members listed so far", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const client = yield* OvhClient.OvhClient
        const generated = yield* client.get<ReadonlyArray<string>>("/email/domain")
        yield* fake.seed("/email/domain/example.com/redirection/7", {
          id: "7",
          from: "a@example.com",
          to: "b@example.org"
        })
        // seeding below an id lists it, and the collection lists what was seeded rather than generated ids
        assert.deepStrictEqual(yield* fake.read("/email/domain"), ["example.com"])
        assert.deepStrictEqual(yield* client.get("/email/domain/example.com/redirection"), ["7"])
        assert.strictEqual((yield* signed("GET", `/email/domain/${generated[0]}`)).status, 404)
        // a creation keeps the generated members and adds its own
        const keys = yield* client.get<ReadonlyArray<string>>("/me/sshKey")
        assert.strictEqual(keys.length, 3)
        yield* client.post("/me/sshKey", { keyName: "laptop", key: "ssh-ed25519 AAAA" })
        assert.deepStrictEqual(yield* client.get("/me/sshKey"), [...keys, "laptop"])
        // setting the members decides which ids exist
        const bills = yield* client.get<ReadonlyArray<string>>("/me/bill")
        yield* fake.seed("/me/bill", ["B1"])
        assert.strictEqual((yield* signed("GET", `/me/bill/${bills[0]}`)).status, 404)
        assert.strictEqual((yield* signed("GET", "/me/bill/B1")).status, 200)
        // removing an id unlists it and answers 404 below it
        yield* client.delete("/me/sshKey/laptop")
        assert.deepStrictEqual(yield* client.get("/me/sshKey"), keys)
        assert.strictEqual((yield* signed("GET", "/me/sshKey/laptop")).status, 404)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("keeps an id holding an encoded slash (an IP block) one path segment", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/ip", ["192.0.2.0/24"])
        const block = yield* signed("GET", "/ip/192.0.2.0%2F24")
        assert.strictEqual(block.status, 200)
        assert.strictEqual(block.body.ip, "192.0.2.0/24")
        assert.strictEqual((yield* signed("GET", "/ip/198.51.100.0%2F24")).status, 404)
        yield* fake.seed("/ip/203.0.113.0%2F24", { ip: "203.0.113.0/24" })
        assert.deepStrictEqual((yield* signed("GET", "/ip")).body, ["192.0.2.0/24", "203.0.113.0/24"])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("generates values that agree with their path and with each other", () =>
      Effect.gen(function*() {
        // `/domain/zone` is a collection of its own, not a domain named "zone"
        const zones = (yield* signed("GET", "/domain/zone")).body as ReadonlyArray<string>
        assert.strictEqual(zones.length, 3)
        assert.strictEqual((yield* signed("GET", `/domain/zone/${zones[0]}`)).body.name, zones[0])
        const domains = (yield* signed("GET", "/domain")).body as ReadonlyArray<string>
        assert.strictEqual((yield* signed("GET", `/domain/${domains[0]}`)).body.domain, domains[0])
        const server = (yield* signed("GET", "/dedicated/server")).body[0] as string
        const details = (yield* signed("GET", `/dedicated/server/${server}`)).body
        assert.strictEqual(details.iam.displayName, server)
        assert.strictEqual(details.iam.urn, `urn:v1:eu:resource:dedicated:${server}`)
        // a bill's tax is what its price with tax adds; every price restates its value
        const bill = (yield* signed("GET", "/me/bill")).body[0] as string
        const { priceWithTax, priceWithoutTax, tax } = (yield* signed("GET", `/me/bill/${bill}`)).body
        assert.closeTo(priceWithTax.value, priceWithoutTax.value + tax.value, 0.005)
        assert.strictEqual(priceWithTax.priceInUcents, Math.round(priceWithTax.value * 100_000_000))
      }).pipe(Effect.provide(TestLayer)))

    it.effect("answers in the currency of the API's accounts: CAD on ca.api.ovh.com", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        assert.strictEqual(fake.baseUrl, "https://ca.api.ovh.com/1.0")
        const bill = (yield* signed("GET", "/me/bill")).body[0] as string
        const { priceWithTax } = (yield* signed("GET", `/me/bill/${bill}`)).body
        assert.strictEqual(priceWithTax.currencyCode, "CAD")
        assert.deepStrictEqual((yield* signed("GET", "/me")).body.currency, { code: "CAD", symbol: "CAD" })
      }).pipe(Effect.provide(
        clientLayer().pipe(
          Layer.provideMerge(FakeOvhApi.FakeOvhApi.layer({ serverTime: SERVER_TIME, origin: "https://ca.api.ovh.com" }))
        )
      )))

    it.effect("answers with values that agree with the request: a redirection task names the request's domain", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/email/domain", ["example-shop.fr"])
        const task = yield* signed("POST", "/email/domain/example-shop.fr/redirection", {
          body: { from: "sales@example-shop.fr", to: "ada@example.com", localCopy: false }
        })
        assert.strictEqual(task.status, 200)
        assert.strictEqual(task.body.domain, "example-shop.fr")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("fills generics such as complexType.UnitAndValue<double> and ipv4 fields", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/dedicated/server", ["ns1.example.net"])
        yield* fake.seed("/hosting/web/example.com/database", ["db1"])
        const reply = yield* signed("GET", "/dedicated/server/ns1.example.net/burst")
        assert.strictEqual(reply.status, 200)
        assert.isString(reply.body.capacity.unit)
        assert.isTrue(Number.isInteger(reply.body.capacity.value))
        const database = yield* signed("GET", "/hosting/web/example.com/database/db1")
        assert.strictEqual(database.status, 200)
        assert.isString(database.body.quotaUsed.unit)
        assert.isNumber(database.body.quotaUsed.value)
        const server = yield* signed("GET", "/dedicated/server/ns1.example.net")
        assert.match(server.body.ip, /^\d+\.\d+\.\d+\.\d+$/)
        assert.strictEqual(server.body.name, "ns1.example.net")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("serves its own descriptions, like the API does", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const http = yield* HttpClient.HttpClient
        const index = (yield* (yield* http.get(fake.baseUrl + "/")).json) as { apis: ReadonlyArray<{ path: string }> }
        assert.isTrue(index.apis.some((api) => api.path === "/me"))
        const me = (yield* (yield* http.get(fake.baseUrl + "/me.json")).json) as { resourcePath: string }
        assert.strictEqual(me.resourcePath, "/me")
        const server = (yield* (yield* http.get(fake.baseUrl + "/dedicated/server.json")).json) as {
          resourcePath: string
        }
        assert.strictEqual(server.resourcePath, "/dedicated/server")
        assert.strictEqual((yield* http.get(fake.baseUrl + "/nothing.json")).status, 404)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("reads the schemas from the folder given, or dies naming OVH_API_SCHEMAS", () =>
      Effect.gen(function*() {
        const v1 = path.resolve(fileURLToPath(import.meta.url), "../../../../ovh-api/v1")
        const status = yield* signed("GET", "/me").pipe(
          Effect.map((reply) => reply.status),
          Effect.provide(FakeOvhApi.FakeOvhApi.layer({ schemas: v1 }))
        )
        assert.strictEqual(status, 200)
        const exit = yield* Effect.exit(
          Effect.provide(Effect.void, FakeOvhApi.FakeOvhApi.layer({ schemas: "/nonexistent/ovh-api" }))
        )
        assert.isTrue(Exit.isFailure(exit))
        assert.include(String(Cause.squash((exit as Exit.Failure<unknown, unknown>).cause)), "OVH_API_SCHEMAS")
      }))

    it.effect("parses only the schema files it needs, once per process", () =>
      Effect.gen(function*() {
        // a folder of links to the real files: a schema set of its own, so the count starts at zero
        const v1 = path.resolve(fileURLToPath(import.meta.url), "../../../../ovh-api/v1")
        const dir = fs.mkdtempSync(path.join(os.tmpdir(), "fake-ovh-schemas-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(dir, { recursive: true, force: true })))
        fs.mkdirSync(path.join(dir, "v1"))
        for (const file of fs.readdirSync(v1)) fs.symlinkSync(path.join(v1, file), path.join(dir, "v1", file))
        const loaded = Effect.gen(function*() {
          const fake = yield* FakeOvhApi.FakeOvhApi
          yield* signed("GET", "/me")
          yield* signed("GET", "/me/bill/B1")
          return yield* fake.schemasLoaded
        })
        assert.strictEqual(yield* loaded.pipe(Effect.provide(FakeOvhApi.FakeOvhApi.layer({ schemas: dir }))), 1)
        assert.strictEqual(yield* loaded.pipe(Effect.provide(FakeOvhApi.FakeOvhApi.layer({ schemas: dir }))), 1)
      }))
  })

  describe("state", () => {
    it.effect("serves seeded resources and lists collections from the state", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const client = yield* OvhClient.OvhClient
        yield* fake.seed("/me", { firstname: "Ada", name: "Lovelace" })
        yield* fake.seed("/me/bill/B1", { billId: "B1" })
        yield* fake.seed("/me/bill/B2", { billId: "B2" })
        assert.deepStrictEqual(yield* client.get("/me"), { firstname: "Ada", name: "Lovelace" })
        assert.deepStrictEqual(yield* client.get("/me/bill"), ["B1", "B2"])
        const missing = yield* Effect.flip(client.get("/me/bill/B3"))
        assert.strictEqual(missing._tag, "ResourceNotFound")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("refuses to seed a path the API does not have", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const exit = yield* Effect.exit(fake.seed("/me/bils/B1", {}))
        assert.isTrue(Exit.hasDies(exit))
        assert.include(String(Cause.squash((exit as Exit.Failure<unknown, unknown>).cause)), "/me/bils/B1")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("creates with POST, updates with PUT and removes with DELETE", () =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/email/domain/example.com/redirection", [])
        yield* client.post("/email/domain/example.com/redirection", {
          _from: "a@example.com",
          to: "b@example.org",
          localCopy: false
        })
        const ids = yield* client.get<ReadonlyArray<string>>("/email/domain/example.com/redirection")
        assert.strictEqual(ids.length, 1)
        const created = yield* client.get<{ from: string; to: string }>(
          `/email/domain/example.com/redirection/${ids[0]}`
        )
        assert.strictEqual(created.from, "a@example.com")
        assert.strictEqual(created.to, "b@example.org")
        yield* client.put("/me", { firstname: "Grace" })
        assert.strictEqual((yield* client.get<{ firstname: string; name: string }>("/me")).firstname, "Grace")
        yield* client.delete(`/email/domain/example.com/redirection/${ids[0]}`)
        assert.deepStrictEqual(yield* client.get("/email/domain/example.com/redirection"), [])
        assert.strictEqual(
          (yield* Effect.flip(client.get(`/email/domain/example.com/redirection/${ids[0]}`)))._tag,
          "ResourceNotFound"
        )
      }).pipe(Effect.provide(TestLayer)))

    it.effect("numbers created members of a long-id collection and filters lists by member properties", () =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/domain/zone/example.com/record", [])
        const a = yield* client.post<{ id: number; fieldType: string; zone: string }>(
          "/domain/zone/example.com/record",
          {
            fieldType: "A",
            subDomain: "www",
            target: "192.0.2.1"
          }
        )
        assert.deepStrictEqual([a.id, a.fieldType, a.zone], [1, "A", "example.com"])
        const mx = yield* client.post<{ id: number }>("/domain/zone/example.com/record", {
          fieldType: "MX",
          target: "mx.example.com."
        })
        assert.strictEqual(mx.id, 2)
        assert.deepStrictEqual(yield* client.get("/domain/zone/example.com/record"), [1, 2])
        assert.deepStrictEqual(yield* client.get("/domain/zone/example.com/record", { fieldType: "MX" }), [2])
        const wrongEnum = yield* Effect.flip(client.get("/domain/zone/example.com/record", { fieldType: "NOPE" }))
        assert.strictEqual(wrongEnum._tag, "BadParameters")
        assert.include(wrongEnum.message, "fieldType")
        yield* client.put("/domain/zone/example.com/record/1", { target: "192.0.2.2" })
        assert.strictEqual(
          (yield* client.get<{ target: string }>("/domain/zone/example.com/record/1")).target,
          "192.0.2.2"
        )
        assert.deepStrictEqual(yield* fake.read("/domain/zone/example.com/record"), ["1", "2"])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("lets a route handler override the answer, with the default one at hand", () =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.route({ method: "GET", path: "/me" }, ({ next }) =>
          Effect.map(next, (reply) => ({ body: { ...(reply.body as object), firstname: "Overridden" } })))
        yield* fake.route({ method: "GET", path: "/me/bill/{billId}" }, ({ params }) =>
          Effect.succeed({ status: 460, body: { message: `bill ${params["billId"]} expired` } }))
        const me = yield* client.get<{ firstname: string; nichandle: string }>("/me")
        assert.strictEqual(me.firstname, "Overridden")
        assert.isString(me.nichandle)
        const expired = yield* Effect.flip(client.get("/me/bill/B7"))
        assert.strictEqual(expired._tag, "ResourceExpired")
        assert.strictEqual(expired.message, "bill B7 expired")
      }).pipe(Effect.provide(TestLayer)))

    it.effect("has a default /me with the usual identity fields", () =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const me = yield* client.get<Record<string, unknown>>("/me")
        for (const key of ["firstname", "name", "nichandle", "email", "country", "currency"]) assert.property(me, key)
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("auth", () => {
    const errorOf = (reply: { status: number; body: any }) => [reply.status, reply.body.errorCode, reply.body.message]

    it.effect("rejects an unknown application key, a wrong signature and a stale timestamp", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const now = yield* fake.serverTime
        assert.deepStrictEqual(errorOf(yield* signed("GET", "/me", { secret: "wrong" })), [
          400,
          "INVALID_SIGNATURE",
          "Invalid signature"
        ])
        assert.deepStrictEqual(errorOf(yield* signed("GET", "/me", { timestamp: now - 181 })), [
          400,
          "QUERY_TIME_OUT",
          "Query out of time"
        ])
        assert.strictEqual((yield* signed("GET", "/me", { timestamp: now + 180 })).status, 200)
        const http = yield* HttpClient.HttpClient
        const unknownKey = yield* http.execute(
          HttpClientRequest.get(fake.baseUrl + "/me", { headers: { "x-ovh-application": "nope" } })
        )
        assert.strictEqual(unknownKey.status, 403)
        assert.strictEqual((yield* unknownKey.json as Effect.Effect<any, any>).errorCode, "INVALID_KEY")
        const noConsumer = yield* http.execute(
          HttpClientRequest.get(fake.baseUrl + "/me", {
            headers: { "x-ovh-application": fake.credentials.applicationKey }
          })
        )
        assert.deepStrictEqual(yield* noConsumer.json, {
          errorCode: "NOT_CREDENTIAL",
          httpCode: "401 Unauthorized",
          message: "You must login first"
        })
        assert.strictEqual(noConsumer.status, 401)
        // a key the API never issued
        assert.deepStrictEqual(
          yield* Effect.map(signed("GET", "/me", { consumerKey: "never-issued" }), (r) => r.body),
          {
            errorCode: "NOT_CREDENTIAL",
            httpCode: "403 Forbidden",
            message: "This credential does not exist"
          }
        )
      }).pipe(Effect.provide(TestLayer)))

    it.effect("follows a consumer key from request to validation, rules and expiry", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const client = yield* OvhClient.OvhClient
        const request = yield* client.post<{ consumerKey: string; state: string; validationUrl: string }>(
          "/auth/credential",
          {
            accessRules: [{ method: "GET", path: "/me" }, { method: "GET", path: "/me/bill/*" }],
            redirection: "https://example.com/done"
          },
          { needAuth: false }
        )
        assert.strictEqual(request.state, "pendingValidation")
        assert.match(request.validationUrl, /^https:\/\//)
        const ck = request.consumerKey
        // pending: refused on every route, /auth/currentCredential included, as the API does
        for (const path of ["/me", "/auth/currentCredential", "/me/bill"]) {
          assert.deepStrictEqual(errorOf(yield* signed("GET", path, { consumerKey: ck })), [
            403,
            "INVALID_CREDENTIAL",
            "This credential is not valid"
          ])
        }
        yield* fake.seed("/me/bill/B1", { billId: "B1" })
        assert.isTrue(yield* fake.validateConsumerKey(ck))
        assert.strictEqual((yield* signed("GET", "/me", { consumerKey: ck })).status, 200)
        assert.strictEqual((yield* signed("GET", "/me/bill/B1/details", { consumerKey: ck })).status, 200)
        assert.deepStrictEqual(errorOf(yield* signed("GET", "/me/bill", { consumerKey: ck })), [
          403,
          "NOT_GRANTED_CALL",
          "This call has not been granted"
        ])
        assert.deepStrictEqual(errorOf(yield* signed("PUT", "/me", { consumerKey: ck, body: {} })).slice(0, 2), [
          403,
          "NOT_GRANTED_CALL"
        ])
        assert.strictEqual(
          (yield* signed("GET", "/auth/currentCredential", { consumerKey: ck })).body.status,
          "validated"
        )
        // listed under /me/api/credential with its rules
        const listed = yield* client.get<ReadonlyArray<number>>("/me/api/credential", { status: "validated" })
        assert.strictEqual(listed.length, 2)
        const id = (yield* signed("GET", "/auth/currentCredential", { consumerKey: ck })).body.credentialId
        const detail = yield* client.get<{ rules: ReadonlyArray<unknown> }>(`/me/api/credential/${id}`)
        assert.deepStrictEqual(detail.rules, [{ method: "GET", path: "/me" }, { method: "GET", path: "/me/bill/*" }])
        assert.isTrue(yield* fake.expireConsumerKey(ck))
        assert.deepStrictEqual(errorOf(yield* signed("GET", "/auth/currentCredential", { consumerKey: ck })), [
          403,
          "INVALID_CREDENTIAL",
          "This credential is not valid"
        ])
        yield* client.delete(`/me/api/credential/${id}`)
        assert.deepStrictEqual(errorOf(yield* signed("GET", "/me", { consumerKey: ck })), [
          403,
          "NOT_CREDENTIAL",
          "This credential does not exist"
        ])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("validates a consumer key when its validation URL is opened, then redirects", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const client = yield* OvhClient.OvhClient
        const http = yield* HttpClient.HttpClient
        const request = yield* client.post<{ consumerKey: string; validationUrl: string }>("/auth/credential", {
          accessRules: [{ method: "GET", path: "/*" }],
          redirection: "https://example.com/done"
        }, { needAuth: false })
        assert.isTrue(request.validationUrl.startsWith("https://eu.api.ovh.com/auth/?credentialToken="))
        const page = yield* http.execute(HttpClientRequest.get(request.validationUrl))
        assert.strictEqual(page.status, 302)
        assert.strictEqual(page.headers["location"], "https://example.com/done")
        assert.strictEqual(yield* fake.consumerKeyState(request.consumerKey), "validated")
        assert.strictEqual((yield* signed("GET", "/me/bill", { consumerKey: request.consumerKey })).status, 200)
        assert.strictEqual((yield* http.execute(HttpClientRequest.get(request.validationUrl))).status, 404)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("reflects applications and their keys under /me/api/application", () =>
      Effect.gen(function*() {
        const client = yield* OvhClient.OvhClient
        const fake = yield* FakeOvhApi.FakeOvhApi
        const other = yield* fake.registerApplication({ name: "backup-scripts" })
        const ck = yield* fake.createConsumerKey({
          applicationKey: other.applicationKey,
          rules: [{ method: "GET", path: "/*" }]
        })
        const ids = yield* client.get<ReadonlyArray<number>>("/me/api/application")
        assert.strictEqual(ids.length, 2)
        const app = yield* client.get<{ name: string; applicationKey: string }>(
          `/me/api/application/${other.applicationId}`
        )
        assert.deepStrictEqual([app.name, app.applicationKey], ["backup-scripts", other.applicationKey])
        assert.deepStrictEqual(yield* client.get("/me/api/credential", { applicationId: other.applicationId }), [5001])
        const owner = yield* client.get<{ applicationId: number }>("/me/api/credential/5001/application")
        assert.strictEqual(owner.applicationId, other.applicationId)
        // signed with the main application's keys, the other application's consumer key does not exist
        assert.deepStrictEqual((yield* signed("GET", "/me", { consumerKey: Redacted.value(ck) })).body, {
          errorCode: "NOT_CREDENTIAL",
          httpCode: "403 Forbidden",
          message: "This credential does not exist"
        })
        yield* client.delete(`/me/api/application/${other.applicationId}`)
        assert.strictEqual(yield* fake.consumerKeyState(ck), undefined)
        assert.deepStrictEqual(yield* client.get("/me/api/application"), [ids[0]])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("refuses a pending consumer key", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const ck = yield* fake.createConsumerKey({ rules: [{ method: "GET", path: "/*" }], state: "pendingValidation" })
        assert.isTrue(yield* fake.refuseConsumerKey(ck))
        assert.strictEqual(yield* fake.consumerKeyState(ck), "refused")
        assert.strictEqual(
          (yield* signed("GET", "/me", { consumerKey: Redacted.value(ck) })).body.errorCode,
          "INVALID_CREDENTIAL"
        )
      }).pipe(Effect.provide(TestLayer)))

    it.effect("serves /auth/time from a settable clock that follows the effect Clock", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const client = yield* OvhClient.OvhClient
        assert.strictEqual(yield* client.get("/auth/time", undefined, { needAuth: false }), SERVER_TIME)
        yield* TestClock.adjust("90 seconds")
        assert.strictEqual(yield* client.get("/auth/time", undefined, { needAuth: false }), SERVER_TIME + 90)
        yield* fake.setServerTime(2_000_000_000)
        assert.strictEqual(yield* client.get("/auth/time", undefined, { needAuth: false }), 2_000_000_000)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("issues expiring OAuth2 tokens and checks bearer tokens", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const http = yield* HttpClient.HttpClient
        const tokenRequest = (id: string, secret: string) =>
          HttpClientRequest.post(fake.tokenUrl).pipe(
            HttpClientRequest.basicAuth(id, secret),
            HttpClientRequest.bodyUrlParams({ grant_type: "client_credentials", scope: "all" })
          )
        const denied = yield* http.execute(tokenRequest("unknown", "x"))
        assert.strictEqual(denied.status, 401)
        assert.strictEqual((yield* denied.json as Effect.Effect<any, any>).error, "invalid_client")
        const granted = yield* http.execute(
          tokenRequest(fake.oauth2.clientId, Redacted.value(fake.oauth2.clientSecret))
        )
        const token = (yield* granted.json) as {
          access_token: string
          token_type: string
          expires_in: number
          scope: string
        }
        assert.strictEqual(token.token_type, "Bearer")
        assert.strictEqual(token.scope, "all")
        assert.strictEqual(token.expires_in, 3600)
        const me = (token: string) =>
          http.execute(HttpClientRequest.get(fake.baseUrl + "/me", { headers: { authorization: `Bearer ${token}` } }))
        assert.strictEqual((yield* me(token.access_token)).status, 200)
        yield* TestClock.adjust("3601 seconds")
        const expired = yield* me(token.access_token)
        assert.strictEqual(expired.status, 401)
        assert.strictEqual((yield* expired.json as Effect.Effect<any, any>).errorCode, "INVALID_CREDENTIAL")
        const second =
          (yield* (yield* http.execute(tokenRequest(fake.oauth2.clientId, Redacted.value(fake.oauth2.clientSecret))))
            .json) as { access_token: string }
        yield* fake.expireTokens()
        assert.strictEqual((yield* me(second.access_token)).status, 401)
        const direct = yield* fake.issueToken({ lifetime: 60 })
        assert.strictEqual((yield* me(Redacted.value(direct))).status, 200)
        yield* TestClock.adjust("61 seconds")
        assert.strictEqual((yield* me(Redacted.value(direct))).status, 401)
        const calls = yield* fake.calls
        assert.notInclude(inspect(calls, { depth: 5 }), Redacted.value(fake.oauth2.clientSecret))
        assert.notInclude(inspect(calls, { depth: 5 }), second.access_token)
      }).pipe(Effect.provide(TestLayer)))
  })

  describe("faults and call log", () => {
    it.effect("logs what was sent, without secrets", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const client = yield* OvhClient.OvhClient
        yield* client.get("/me/bill", { category: "autorenew" })
        yield* client.put("/me", { firstname: "Ada" })
        const calls = (yield* fake.calls).filter((c) => c.path !== "/auth/time")
        assert.deepStrictEqual(calls.map((c) => [c.method, c.path, c.template, c.status]), [
          ["GET", "/me/bill", "/me/bill", 200],
          ["PUT", "/me", "/me", 200]
        ])
        assert.deepStrictEqual(calls[0]!.query, { category: "autorenew" })
        assert.deepStrictEqual(calls[1]!.body, { firstname: "Ada" })
        assert.strictEqual(calls[1]!.headers["x-ovh-application"], fake.credentials.applicationKey)
        const text = inspect(calls, { depth: 5 })
        assert.notInclude(text, Redacted.value(fake.credentials.consumerKey))
        assert.notInclude(text, Redacted.value(fake.credentials.applicationSecret))
        assert.notInclude(text, "x-ovh-signature")
        assert.notInclude(inspect(fake, { depth: 5 }), Redacted.value(fake.credentials.applicationSecret))
      }).pipe(Effect.provide(TestLayer)))

    it.effect("scripts 5xx, 429 and dropped connections for the next calls", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.failNext(503, 2)
        yield* fake.failNext(FakeOvhApi.Fault.tooManyRequests(7))
        yield* fake.failNext(FakeOvhApi.Fault.status(502, { html: true }))
        yield* fake.failNext(FakeOvhApi.Fault.drop)
        assert.strictEqual((yield* signed("GET", "/me")).status, 503)
        assert.strictEqual((yield* signed("GET", "/me")).status, 503)
        const limited = yield* signed("GET", "/me")
        assert.strictEqual(limited.status, 429)
        assert.strictEqual(limited.headers["retry-after"], "7")
        const html = yield* signed("GET", "/me")
        assert.strictEqual(html.status, 502)
        assert.match(html.body, /^<html>/)
        assert.strictEqual(html.headers["content-type"], "text/html")
        const dropped = yield* Effect.flip(signed("GET", "/me"))
        assert.strictEqual((dropped as any)._tag, "HttpClientError")
        assert.strictEqual((dropped as any).reason._tag, "TransportError")
        assert.strictEqual((yield* signed("GET", "/me")).status, 200)
        assert.deepStrictEqual((yield* fake.calls).map((c) => c.status), [503, 503, 429, 502, 0, 200])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("fails one route until cleared, and slows answers on the effect clock", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.seed("/me/bill/B1", { billId: "B1" })
        yield* fake.failRoute({ method: "GET", path: "/me/bill/{billId}" }, 500)
        assert.strictEqual((yield* signed("GET", "/me/bill/B1")).status, 500)
        assert.strictEqual((yield* signed("GET", "/me/bill/B2")).status, 500)
        assert.strictEqual((yield* signed("GET", "/me")).status, 200)
        yield* fake.clearFaults
        assert.strictEqual((yield* signed("GET", "/me/bill/B1")).status, 200)
        yield* fake.failNext(FakeOvhApi.Fault.delay("5 seconds"))
        const fiber = yield* Effect.forkChild(signed("GET", "/me"))
        yield* TestClock.adjust("4 seconds")
        assert.isUndefined(fiber.pollUnsafe())
        yield* TestClock.adjust("1 second")
        assert.strictEqual((yield* Fiber.join(fiber)).status, 200)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("skews the server clock so signatures fall out of the window", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.failNext(FakeOvhApi.Fault.skew(600))
        assert.strictEqual((yield* signed("GET", "/me")).body.errorCode, "QUERY_TIME_OUT")
        assert.strictEqual((yield* signed("GET", "/me")).status, 200)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("injects random faults reproducibly from a seed", () =>
      Effect.gen(function*() {
        const run = Effect.gen(function*() {
          const fake = yield* FakeOvhApi.FakeOvhApi
          yield* fake.randomFaults({ probability: 0.3, seed: 7, faults: [500, 503] })
          for (let i = 0; i < 50; i++) yield* signed("GET", "/me")
          return (yield* fake.calls).map((c) => c.status)
        })
        const first = yield* run.pipe(Effect.provide(TestLayer))
        const second = yield* run.pipe(Effect.provide(TestLayer))
        assert.deepStrictEqual(first, second)
        const failed = first.filter((s) => s !== 200).length
        assert.isAbove(failed, 5)
        assert.isBelow(failed, 30)
      }))

    it.effect("overlaps concurrent requests while they wait on the latency", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.setLatency("20 millis")
        const concurrent = yield* Effect.forkChild(
          Effect.all(Array.from({ length: 8 }, () => signed("GET", "/me")), { concurrency: 3 })
        )
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(concurrent)
        assert.strictEqual(yield* fake.maxInFlight, 3)
        yield* fake.clearCalls
        const sequential = yield* Effect.forkChild(Effect.all(Array.from({ length: 4 }, () => signed("GET", "/me"))))
        yield* TestClock.adjust("1 second")
        yield* Fiber.join(sequential)
        assert.strictEqual(yield* fake.maxInFlight, 1)
      }).pipe(Effect.provide(TestLayer)))

    it.effect("logs a call its client abandoned, with status 0", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.setLatency("1 minute")
        const fiber = yield* Effect.forkChild(Effect.timeout(signed("GET", "/me"), "1 second"))
        yield* TestClock.adjust("2 seconds")
        assert.isTrue((yield* Effect.flip(Fiber.join(fiber)))._tag === "TimeoutError")
        assert.deepStrictEqual((yield* fake.calls).map((c) => [c.path, c.status]), [["/me", 0]])
      }).pipe(Effect.provide(TestLayer)))

    it.effect("records the most requests in flight at once", () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        yield* fake.failRoute({ path: "/me" }, FakeOvhApi.Fault.delay("1 second"))
        const fiber = yield* Effect.forkChild(
          Effect.all(Array.from({ length: 8 }, () => signed("GET", "/me")), { concurrency: 5 })
        )
        yield* TestClock.adjust("2 seconds")
        yield* Fiber.join(fiber)
        assert.strictEqual(yield* fake.maxInFlight, 5)
      }).pipe(Effect.provide(TestLayer)))
  })
})
