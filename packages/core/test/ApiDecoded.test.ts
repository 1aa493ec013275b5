import { Api, OvhClient, OvhError } from "@effect-ovh/core"
import * as ApiDecoded from "@effect-ovh/core/ApiDecoded"
import * as ApiSchema from "@effect-ovh/core/ApiSchema"
import { FakeOvhApi } from "@effect-ovh/testing"
import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

// The same descriptions the generator and the fake read.
const schemaDir = process.env["OVH_API_SCHEMAS"] ||
  path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../../ovh-api")

interface RawParameter {
  readonly name?: string
  readonly paramType: string
  readonly dataType: string
  readonly fullType?: string
  readonly required?: boolean
}
interface RawOperation {
  readonly httpMethod: string
  readonly parameters: ReadonlyArray<RawParameter>
  readonly responseType: string
}
interface RawModel {
  readonly enum?: ReadonlyArray<string | number>
  readonly enumType?: string
  readonly generics?: ReadonlyArray<string>
  readonly properties?: Readonly<Record<string, { type: string; fullType?: string; canBeNull?: boolean }>>
}
interface RawFile {
  readonly resourcePath: string
  readonly apis?: ReadonlyArray<{ readonly path: string; readonly operations: ReadonlyArray<RawOperation> }>
  readonly models?: Readonly<Record<string, RawModel>>
}

const readVersion = (version: "v1" | "v2"): ReadonlyArray<RawFile> =>
  fs.readdirSync(path.join(schemaDir, version)).filter((f) => f.endsWith(".json") && !f.startsWith("_")).sort()
    .map((f) => JSON.parse(fs.readFileSync(path.join(schemaDir, version, f), "utf8")) as RawFile)

const v1Files = readVersion("v1")
const v2Files = readVersion("v2")

/** Every `step`-th GET of each root that passes `keep`, so every API root is represented. */
const sample = (files: ReadonlyArray<RawFile>, step: number, keep: (op: RawOperation) => boolean) =>
  files.flatMap((file) => {
    const gets = (file.apis ?? []).flatMap((api) =>
      api.operations.filter((op) => op.httpMethod === "GET" && keep(op))
        .map((op) => ({ path: api.path, op, root: file.resourcePath }))
    )
    return gets.filter((_, i) => i % step === 0)
  })

const v1Models = new Map<string, RawModel>()
// Models that some file defines with an aliased number (`coreTypes.ServiceId:long`).
const aliased = new Set<string>()
for (const file of v1Files) {
  for (const [id, m] of Object.entries(file.models ?? {})) {
    if (!v1Models.has(id)) v1Models.set(id, m)
    if (Object.values(m.properties ?? {}).some((p) => /:(long|double)/.test(p.fullType ?? ""))) aliased.add(id)
  }
}

/**
 * Answers the fake does not generate as described, so they cannot test decoding: lists of whole
 * objects (it answers member ids, as most v1 lists are), and aliased numbers (`coreTypes.ServiceId:long`,
 * which it answers as text).
 */
const fakeGap = (type: string, depth = 0): boolean => {
  if (depth > 4) return false
  if (type.endsWith("[]")) {
    const item = type.slice(0, -2)
    return v1Models.get(item)?.properties !== undefined || fakeGap(item, depth + 1)
  }
  if (aliased.has(type)) return true
  const model = v1Models.get(type.replace(/<.*$/, "<T>")) ?? v1Models.get(type)
  return Object.values(model?.properties ?? {}).some((p) => {
    const t = p.fullType ?? p.type
    return /:(long|double)/.test(t) || (t !== type && fakeGap(t, depth + 1))
  })
}

const v1Sample = sample(v1Files, 10, (op) => !fakeGap(op.responseType))

// A parameter value of the declared type, as the generated types require it.
const valueOf = (models: ReadonlyMap<string, RawModel>, p: RawParameter): unknown => {
  const t = (p.fullType ?? p.dataType).replace(/^.*:/, "")
  const enumValues = models.get(t)?.enum
  if (enumValues !== undefined && enumValues.length > 0) return enumValues[0]
  if (t === "long" || t === "int") return 1001
  if (t === "double") return 1.5
  if (t === "boolean") return true
  if (t === "datetime") return "2024-01-01T00:00:00+00:00"
  if (t === "date") return "2024-01-01"
  if (t === "ip" || t === "ipv4") return "192.0.2.1"
  if (t === "ipBlock" || t === "ipv4Block") return "192.0.2.1/32"
  if (t === "uuid") return "123e4567-e89b-42d3-a456-426614174000"
  if (t.endsWith("[]")) return []
  return "example-1"
}

const modelsOf = (files: ReadonlyArray<RawFile>) => {
  const models = new Map<string, RawModel>()
  for (const file of files) {
    for (const [id, m] of Object.entries(file.models ?? {})) if (!models.has(id)) models.set(id, m)
  }
  return models
}
const v2Models = modelsOf(v2Files)

const paramsOf = (models: ReadonlyMap<string, RawModel>, template: string, op: RawOperation) => {
  const params: Record<string, unknown> = {}
  for (const name of [...template.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)) {
    const declared = op.parameters.find((p) => p.paramType === "path" && p.name === name)
    params[name] = declared === undefined ? "example-1" : valueOf(models, declared)
  }
  for (const p of op.parameters) {
    if (p.paramType === "query" && p.required && p.name) params[p.name] = valueOf(models, p)
  }
  return params
}

// Sample values for v2, which the fake does not serve: every property, nulls where allowed half the time.
const generate = (type: string, depth = 0, bindings: ReadonlyMap<string, string> = new Map()): unknown => {
  const t = (bindings.get(type) ?? type).replace(/^.*:(?=[^<]*$)/, "")
  if (t.endsWith("[]")) return depth > 4 ? [] : [generate(t.slice(0, -2), depth + 1, bindings)]
  if (t.startsWith("[]")) return depth > 4 ? [] : [generate(t.slice(2), depth + 1, bindings)]
  if (t.startsWith("map[")) return { key1: generate(t.slice(t.indexOf("]") + 1), depth + 1, bindings) }
  switch (t) {
    case "long":
    case "int":
      return 42
    case "double":
      return 4.2
    case "boolean":
      return false
    case "datetime":
      return "2025-03-04T05:06:07Z"
    case "date":
      return "2025-03-04"
    case "void":
      return null
    case "any":
      return { anything: true }
  }
  const lt = t.indexOf("<")
  const name = lt > 0 ? t.slice(0, lt) : t
  const model = v2Models.get(name) ?? v2Models.get(name + "<T>")
  if (model === undefined) return "text"
  if (model.enum !== undefined) return model.enum[model.enum.length - 1]
  const args = lt > 0 ? [t.slice(lt + 1, -1)] : []
  const bound = new Map((model.generics ?? []).map((g, i) => [g, args[i] ?? "string"]))
  const out: Record<string, unknown> = {}
  for (const [key, prop] of Object.entries(model.properties ?? {})) {
    if (prop.canBeNull && (depth + key.length) % 2 === 0) out[key] = null
    else if (depth > 14) continue
    else out[key] = generate(prop.fullType ?? prop.type, depth + 1, bound)
  }
  return out
}

/**
 * Why a decoding failed, when the fake's answer is at fault: it copies path parameters into identity
 * properties (`name`, `id`, `alias`) whatever their declared type, and stops generating below a
 * nesting depth of 5 (leaving keys out or `null`), and mirrors a v2 `targetSpec` into `currentState`.
 */
const fakeQuirk = (
  raw: unknown,
  message: string,
  params: Readonly<Record<string, unknown>>
): "identity" | "depth" | "mirror" | undefined => {
  const at = /\n\s*at (.*)$/.exec(message)?.[1] ?? ""
  const keys = [...at.matchAll(/\[("([^"]*)"|\d+)\]/g)].map((m) => m[2] ?? Number(m[1]))
  let value: unknown = raw
  for (const key of keys) value = value === null || typeof value !== "object" ? undefined : (value as never)[key]
  if (value !== undefined && Object.values(params).map(String).includes(String(value))) return "identity"
  if (keys[keys.length - 1] === "id" && typeof value === "string") return "identity"
  // v2: the fake mirrors `targetSpec` into `currentState`, whose models sometimes differ.
  if (keys.includes("currentState")) {
    let spec: unknown = raw
    for (const key of keys.map((k) => (k === "currentState" ? "targetSpec" : k))) {
      spec = spec === null || typeof spec !== "object" ? undefined : (spec as never)[key]
    }
    if (spec !== undefined && spec === value) return "mirror"
  }
  if (keys.filter((k) => typeof k === "string").length >= 5 && (value === undefined || value === null)) return "depth"
  return undefined
}

type Decoding = (path: string, params: object) => Effect.Effect<unknown, { _tag: string; message: string }>

/** Decodes `GET template` through the fake: "ok", a fake quirk, or the failure message. */
const decodeGet = Effect.fnUntraced(function*(template: string, params: Record<string, unknown>) {
  const decoded = yield* ApiDecoded.ApiDecoded
  const client = yield* OvhClient.OvhClient
  // the fake knows an id only if its collection lists it: list each id of the path in its collection first
  const fake = yield* FakeOvhApi.FakeOvhApi
  const segments = template.split("/")
  const fill = (segment: string) =>
    segment.replace(/^\{(.+)\}$/, (_, name: string) => encodeURIComponent(String(params[name])))
  for (let i = 2; i < segments.length; i++) {
    const name = /^\{(.+)\}$/.exec(segments[i]!)?.[1]
    if (name !== undefined && params[name] !== undefined) {
      // a collection the descriptions have no path for cannot be seeded (nor listed): the id is then taken as is
      yield* Effect.exit(fake.seed(segments.slice(0, i).map(fill).join("/"), [String(params[name])]))
    }
  }
  const result = yield* Effect.result((decoded.get as Decoding)(template, params))
  if (result._tag === "Success") return "ok" as const
  if (result.failure._tag !== "InvalidResponse") return "unanswered" as const
  const raw = yield* Effect.orDie(client.get(template, params as OvhClient.Query))
  return fakeQuirk(raw, result.failure.message, params) ?? `${template}: ${result.failure.message}`
})

const TestLayer = Layer.mergeAll(
  ApiDecoded.ApiDecoded.layer,
  Api.Api.layer
).pipe(Layer.provideMerge(FakeOvhApi.FakeOvhApi.layerClient({ seed: "typed-api" })))

describe("ApiDecoded", () => {
  it("samples at least 200 operations over every API root", () => {
    const roots = new Set(v1Sample.map((s) => s.root))
    const withGets = v1Files.filter((f) =>
      (f.apis ?? []).some((a) => a.operations.some((o) => o.httpMethod === "GET" && !fakeGap(o.responseType)))
    )
    assert.strictEqual(roots.size, withGets.length)
    assert.isAtLeast(roots.size, 65)
    const v2Gets = v2Files.flatMap((f) =>
      (f.apis ?? []).flatMap((a) => a.operations.filter((o) => o.httpMethod === "GET"))
    )
    assert.isAtLeast(v1Sample.length, 200)
    assert.isAtLeast(v1Sample.length + v2Gets.length, 300)
  })

  it.effect("decodes the fake's generated answers for a sample of v1 GETs across every root", () =>
    Effect.gen(function*() {
      const outcomes = new Map<string, number>()
      const failures: Array<string> = []
      for (const { op, path: template } of v1Sample) {
        const outcome = yield* decodeGet(template, paramsOf(v1Models, template, op))
        if (outcome.startsWith("/")) failures.push(outcome)
        else outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
      }
      const decoded = outcomes.get("ok") ?? 0
      const identityClashes = outcomes.get("identity") ?? 0
      assert.deepStrictEqual(failures, [])
      assert.isAtLeast(decoded, Math.floor(v1Sample.length * 0.9))
      assert.isAtLeast(decoded, 200)
      assert.isAtMost(identityClashes, 10)
    }).pipe(Effect.provide(TestLayer)))

  it.effect("decodes the fake's generated answers for every v2 GET", () =>
    Effect.gen(function*() {
      const outcomes = new Map<string, number>()
      const failures: Array<string> = []
      for (const file of v2Files) {
        for (const entry of file.apis ?? []) {
          for (const op of entry.operations.filter((o) => o.httpMethod === "GET")) {
            const template = "/v2" + entry.path
            const outcome = yield* decodeGet(template, paramsOf(v2Models, template, op))
            if (outcome.startsWith("/")) failures.push(outcome)
            else outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
          }
        }
      }
      const decoded = outcomes.get("ok") ?? 0
      assert.isAtMost(142 - decoded, 15)
      assert.deepStrictEqual(failures, [])
      assert.isAtLeast(decoded, 130)
    }).pipe(Effect.provide(TestLayer)))

  it("decodes generated values for every v2 GET, and for their responses on every other method", () => {
    const failures: Array<string> = []
    let count = 0
    for (const file of v2Files) {
      for (const api of file.apis ?? []) {
        for (const op of api.operations) {
          const schema = ApiSchema.responseOf(op.httpMethod, "/v2" + api.path)
          assert.isDefined(schema, `${op.httpMethod} /v2${api.path}`)
          const value = generate(op.responseType)
          const result = Schema.decodeUnknownExit(schema as Schema.Codec<unknown>)(value)
          if (result._tag === "Failure") failures.push(`${op.httpMethod} /v2${api.path}: ${String(result.cause)}`)
          count++
        }
      }
    }
    assert.deepStrictEqual(failures, [])
    assert.strictEqual(count, 226)
  })

  it.effect("fails with InvalidResponse naming the field when the answer does not fit", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const api = yield* ApiDecoded.ApiDecoded
      yield* fake.seed("/me/bill", ["FR1"])
      yield* fake.route({ method: "GET", path: "/me/bill/{billId}" }, (request) =>
        Effect.map(request.next, (reply) => ({
          ...reply,
          body: { ...(reply.body as object), priceWithTax: { currencyCode: "EUR", text: "1 €", value: "one" } }
        })))
      const error = yield* Effect.flip(api.get("/me/bill/{billId}", { billId: "FR1" }))
      assert.strictEqual(error._tag, "InvalidResponse")
      assert.include(error.message, "priceWithTax")
      assert.include(error.message, "value")
      assert.include(error.message, "/me/bill/FR1")
    }).pipe(Effect.provide(TestLayer)))

  it.effect("passes a valid answer through, typed", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const api = yield* ApiDecoded.ApiDecoded
      yield* fake.seed("/me/bill/FR2", {
        billId: "FR2",
        category: "purchase",
        date: "2024-05-06T07:08:09+02:00",
        orderId: 77,
        password: "p",
        pdfUrl: "https://example.com/b.pdf",
        priceWithTax: { currencyCode: "EUR", text: "12.50 €", value: 12.5 },
        priceWithoutTax: { currencyCode: "EUR", text: "10.42 €", value: 10.42 },
        tax: { currencyCode: "EUR", text: "2.08 €", value: 2.08 },
        url: "https://example.com/b"
      })
      const bill: Api.V1.billing.Bill = yield* api.get("/me/bill/{billId}", { billId: "FR2" })
      assert.strictEqual(bill.priceWithTax.value, 12.5)
      assert.strictEqual(bill.orderId, 77)
    }).pipe(Effect.provide(TestLayer)))

  it("builds the schema of a model by id", () => {
    const decode = Schema.decodeUnknownExit(ApiSchema.v1("complexType.UnitAndValue<double>" as "order.Price"))
    assert.strictEqual(decode({ unit: "GB", value: 1.5 })._tag, "Success")
    assert.strictEqual(Schema.decodeUnknownExit(ApiSchema.v1("order.Price"))({ value: 1 })._tag, "Failure")
  })
})

/** A request that `Api.request` could build. */
const built = (made: OvhClient.Request | OvhError.BadParameters): OvhClient.Request => {
  if (made instanceof OvhError.BadParameters) throw new Error(`unexpected: ${made.message}`)
  return made
}

describe("Api", () => {
  it("substitutes path parameters percent-encoded, the rest to the query or the body", () => {
    const get = built(
      Api.request("GET", "/domain/zone/{zoneName}/record", { zoneName: "a b/c", fieldType: "A", subDomain: "www" })
    )
    assert.deepStrictEqual({ path: get.path, query: get.query, body: get.body }, {
      path: "/domain/zone/a%20b%2Fc/record",
      query: { fieldType: "A", subDomain: "www" },
      body: undefined
    })
    const post = built(Api.request("POST", "/email/domain/{domain}/redirection", {
      domain: "example.com",
      from: "a@example.com",
      to: "b@example.net",
      localCopy: false
    }))
    assert.deepStrictEqual({ path: post.path, body: post.body }, {
      path: "/email/domain/example.com/redirection",
      body: { from: "a@example.com", to: "b@example.net", localCopy: false }
    })
    const purge = built(Api.request("POST", "/hosting/web/{serviceName}/cdn/domain/{domainName}/purge", {
      serviceName: "s",
      domainName: "d",
      $query: { pattern: "/img" }
    }))
    assert.deepStrictEqual([purge.query, purge.body], [{ pattern: "/img" }, undefined])
    const tags = built(
      Api.request("GET", "/v2/okms/resource", { iamTags: { env: [{ operator: "EQ", value: "prod" }] } })
    )
    assert.strictEqual(
      OvhClient.encodeQuery(tags.query!),
      "iamTags=" + encodeURIComponent("{\"env\":[{\"operator\":\"EQ\",\"value\":\"prod\"}]}")
    )
    assert.strictEqual(get.template, "/domain/zone/{zoneName}/record")
    const missing = Api.request("GET", "/me/bill/{billId}", {})
    assert.instanceOf(missing, OvhError.BadParameters)
    assert.include((missing as OvhError.BadParameters).message, "billId")
  })

  it.effect("sends typed calls through the client", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const api = yield* Api.Api
      yield* fake.seed("/me/bill", ["B1", "B2"])
      const ids = yield* api.get("/me/bill")
      assert.deepStrictEqual(ids, ["B1", "B2"])
      const me = yield* api.get("/me")
      assert.isString(me.nichandle)
      const calls = (yield* fake.calls).map((c) => `${c.method} ${c.path}`)
      assert.includeMembers(calls, ["GET /me/bill", "GET /me"])
      assert.isTrue(OvhClient.OvhClient.key.length > 0)
    }).pipe(Effect.provide(TestLayer)))
})

describe("Api: a body field named like a path parameter", () => {
  it.effect("goes under $body: the path takes the path parameter, the body its own value", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const api = yield* Api.Api
      // the fake answers 404 for an id its collection does not list
      yield* fake.seed("/telephony", ["ba-1"])
      yield* fake.seed("/telephony/ba-1/easyHunting", ["0033123456789"])
      yield* fake.seed("/telephony/ba-1/easyHunting/0033123456789/hunting/queue", [7])
      yield* fake.seed("/vrack", ["pn-1"])
      yield* fake.seed("/vrack/pn-1/dedicatedConnect", ["old-name"])
      yield* fake.clearCalls
      // the queue is named in the path (a string) and the queue to join in the body (a long)
      yield* api.post("/telephony/{billingAccount}/easyHunting/{serviceName}/hunting/queue/{queueId}/agent", {
        billingAccount: "ba-1",
        serviceName: "0033123456789",
        queueId: "7",
        $body: { queueId: 7, position: 2 }
      }).pipe(Effect.exit)
      // a dedicated connection renamed: the old name in the path, the new one in the body
      yield* api.put("/vrack/{serviceName}/dedicatedConnect/{name}", {
        serviceName: "pn-1",
        name: "old-name",
        $body: { name: "new-name" }
      }).pipe(Effect.exit)
      const calls = yield* fake.calls
      const post = calls.find((c) =>
        c.template === "/telephony/{billingAccount}/easyHunting/{serviceName}/hunting/queue/{queueId}/agent"
      )
      const put = calls.find((c) => c.template === "/vrack/{serviceName}/dedicatedConnect/{name}")
      assert.strictEqual(post?.path, "/telephony/ba-1/easyHunting/0033123456789/hunting/queue/7/agent")
      assert.deepStrictEqual(post?.body, { queueId: 7, position: 2 })
      assert.strictEqual(put?.path, "/vrack/pn-1/dedicatedConnect/old-name")
      assert.deepStrictEqual(put?.body, { name: "new-name" })
      assert.deepStrictEqual([post?.status, put?.status], [200, 200])
      // the same call with the body field beside the path parameter: the fake, like the API, misses the body's queueId
      const client = yield* OvhClient.OvhClient
      const flat = yield* client.post(
        "/telephony/{billingAccount}/easyHunting/{serviceName}/hunting/queue/{queueId}/agent",
        {
          billingAccount: "ba-1",
          serviceName: "0033123456789",
          queueId: 7,
          position: 2
        }
      ).pipe(Effect.flip)
      assert.strictEqual(flat._tag, "BadParameters")
      assert.include(flat.message, "[queueId] Property is mandatory")
    }).pipe(Effect.provide(TestLayer)))
})
