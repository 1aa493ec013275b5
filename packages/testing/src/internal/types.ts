/**
 * The schema type language (`long`, `billing.Bill[]`, `map[string][]T`,
 * `complexType.UnitAndValue<double>`): value checks for parameters and deterministic sample data.
 */
import * as ApiType from "@effect-ovh/core/ApiType"
import type { ApiFile, Model, SchemaSet } from "./schemas.ts"

/** A type expression, parsed. */
export type Type = ApiType.Type

/** The text of a type, as the schemas spell it. */
export const show = ApiType.show

/** Parses a `fullType`/`dataType`/`responseType` (an alias is its base type). */
export const parse = ApiType.parse

const PRIMITIVES = new Set([
  "string",
  "long",
  "int",
  "double",
  "float",
  "boolean",
  "datetime",
  "date",
  "time",
  "password",
  "ip",
  "ipBlock",
  "ipv4",
  "ipv6",
  "ipv4Block",
  "ipv6Block",
  "ipInterface",
  "macAddress",
  "phoneNumber",
  "text",
  "uuid",
  "void",
  "coreTypes.IpVersionEnum",
  "duration",
  "internationalPhoneNumber",
  "any",
  "object"
])

// An unbound type variable (`T`) of a generic model.
const generic = (name: string) => /^[A-Z]$/.test(name)

/** Whether `name` is a primitive of the schema language. */
export const isPrimitive = (name: string): boolean => PRIMITIVES.has(name)

// ---------------------------------------------------------------------------------------------------------------------
// Value checks

/** How a parameter value is checked: where it came from decides how numbers and booleans look. */
export type Source = "json" | "text"

const isInteger = (v: unknown, source: Source) =>
  source === "text" ? typeof v === "string" && /^-?\d+$/.test(v) : typeof v === "number" && Number.isInteger(v)

const isNumber = (v: unknown, source: Source) =>
  source === "text"
    ? typeof v === "string" && v.trim() !== "" && !Number.isNaN(Number(v))
    : typeof v === "number" && Number.isFinite(v)

const isBoolean = (v: unknown, source: Source) =>
  source === "text" ? v === "true" || v === "false" : typeof v === "boolean"

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/
const isIpv6 = (v: string) => /^[0-9a-fA-F:.]+$/.test(v) && v.includes(":")
const isDate = (v: string) => !Number.isNaN(Date.parse(v))

/**
 * Why `value` does not fit `type`, or `undefined` when it does. Objects are checked property by
 * property, one level of models deep at a time; unknown properties are tolerated, as the API does.
 */
export const check = (
  schemas: SchemaSet,
  file: ApiFile | undefined,
  type: Type,
  value: unknown,
  source: Source,
  depth = 0
): string | undefined => {
  if (value === null) return undefined
  switch (type._tag) {
    case "Array": {
      if (!Array.isArray(value)) {
        return source === "text"
          ? check(schemas, file, type.item, value, source, depth)
          : "is not an array"
      }
      for (const item of value) {
        const why = check(schemas, file, type.item, item, source, depth)
        if (why !== undefined) return why
      }
      return undefined
    }
    case "Map":
      // The schemas do not say how a map is written in a query string: accept any text there.
      return source === "text" || (typeof value === "object" && !Array.isArray(value)) ? undefined : "is not an object"
  }
  const name = type.name
  const s = typeof value === "string" ? value : undefined
  switch (name) {
    case "long":
    case "int":
      return isInteger(value, source) ? undefined : "is not an integer"
    case "double":
    case "float":
      return isNumber(value, source) ? undefined : "is not a number"
    case "boolean":
      return isBoolean(value, source) ? undefined : "is not a boolean"
    case "datetime":
    case "date":
      return s !== undefined && isDate(s) ? undefined : `is not a valid ${name}`
    case "ipv4":
      return s !== undefined && IPV4.test(s) ? undefined : "is not a valid IPv4 address"
    case "ipv6":
      return s !== undefined && isIpv6(s) ? undefined : "is not a valid IPv6 address"
    case "ip":
      return s !== undefined && (IPV4.test(s) || isIpv6(s)) ? undefined : "is not a valid IP address"
    case "ipBlock":
    case "ipv4Block":
    case "ipv6Block": {
      const [address] = (s ?? "").split("/")
      return s !== undefined && address !== undefined && (IPV4.test(address) || isIpv6(address))
        ? undefined
        : "is not a valid IP block"
    }
    case "uuid":
      return s !== undefined && /^[0-9a-fA-F-]{32,36}$/.test(s) ? undefined : "is not a valid UUID"
    case "any":
    case "object":
    case "void":
      return undefined
  }
  if (isPrimitive(name)) return s !== undefined ? undefined : "is not a string"
  if (generic(name)) return undefined
  const model = schemas.model(show(type), file)
  if (model === undefined) return undefined
  if (model.enum !== undefined) {
    const text = typeof value === "string" || typeof value === "number" ? String(value) : undefined
    return text !== undefined && model.enum.includes(text) ? undefined : `is not one of ${model.enum.join(", ")}`
  }
  if (source === "text") return undefined
  if (typeof value !== "object" || Array.isArray(value)) return "is not an object"
  if (depth > 3 || model.properties === undefined) return undefined
  const generics = bindGenerics(model, type)
  for (const [key, property] of Object.entries(model.properties)) {
    const v = (value as Record<string, unknown>)[key]
    if (v === undefined) continue
    const why = check(
      schemas,
      file,
      substitute(parse(property.fullType ?? property.type), generics),
      v,
      source,
      depth + 1
    )
    if (why !== undefined) return `[${key}] ${why}`
  }
  return undefined
}

const bindGenerics = (model: Model, type: Type): ReadonlyMap<string, Type> => {
  const map = new Map<string, Type>()
  if (type._tag === "Named" && model.generics !== undefined) {
    model.generics.forEach((g, i) => {
      const arg = type.args[i]
      if (arg !== undefined) map.set(g, arg)
    })
  }
  return map
}

const substitute = (type: Type, generics: ReadonlyMap<string, Type>): Type => {
  if (generics.size === 0) return type
  switch (type._tag) {
    case "Array":
      return { _tag: "Array", item: substitute(type.item, generics) }
    case "Map":
      return { _tag: "Map", value: substitute(type.value, generics) }
    case "Named":
      return generics.get(type.name) ?? { ...type, args: type.args.map((a) => substitute(a, generics)) }
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Sample data

/** A 32-bit FNV-1a hash. */
export const hash = (text: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A small seeded generator (mulberry32): same seed, same sequence. */
export const random = (seed: number) => {
  let a = seed >>> 0
  return (): number => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const pad = (n: number, width = 2) => String(n).padStart(width, "0")
const SENTENCES = [
  "Created from the control panel",
  "Managed by the operations team",
  "Production",
  "Staging",
  "Backup"
]
const FIRST = ["Ada", "Alan", "Grace", "Edsger", "Barbara", "Donald", "Frances", "Linus"]
const LAST = ["Lovelace", "Turing", "Hopper", "Dijkstra", "Liskov", "Knuth", "Allen", "Torvalds"]

/** How the API writes an amount in a price's `text` (`21.59 €`, as OVHcloud's bills read). */
export const priceText = (value: number, currency: string): string => {
  const amount = value.toFixed(2)
  switch (currency) {
    case "EUR":
      return `${amount} €`
    case "USD":
      return `$${amount}`
    case "GBP":
      return `£${amount}`
    default:
      return `${amount} ${currency}`
  }
}

const isPrice = (u: unknown): u is Record<string, unknown> =>
  u !== null && typeof u === "object" && typeof (u as Record<string, unknown>)["value"] === "number" &&
  "currencyCode" in u

/** Options of a {@link Generator}. */
export interface GeneratorOptions {
  /** The account's currency, which every generated price and currency code uses. Default `EUR`. */
  readonly currency?: string | undefined
}

/** Deterministic sample values for the types of the schemas. */
export class Generator {
  private readonly schemas: SchemaSet
  private readonly seed: string
  private readonly currency: string

  constructor(schemas: SchemaSet, seed: string, options?: GeneratorOptions) {
    this.schemas = schemas
    this.seed = seed
    this.currency = options?.currency ?? "EUR"
  }

  /** A value of `typeText` for the resource at `where` (path plus purpose), the same for the same seed. */
  value(file: ApiFile | undefined, typeText: string, where: string): unknown {
    return this.gen(file, parse(typeText), where, "", random(hash(this.seed + "|" + where)), 0)
  }

  /** An identifier of type `typeText` (a path parameter's type), numbered `n` within a collection. */
  id(file: ApiFile | undefined, typeText: string, where: string, n: number): string {
    const type = parse(typeText)
    const next = random(hash(this.seed + "|" + where + "|" + n))
    if (type._tag === "Named") {
      if (type.name === "long" || type.name === "int") return String(1000 + n * 7 + Math.floor(next() * 7))
      if (type.name === "uuid") return uuid(next)
      const model = this.schemas.model(type.name, file)
      if (model?.enum !== undefined && model.enum.length > 0) return model.enum[n % model.enum.length]!
      if (!isPrimitive(type.name)) return String(this.gen(file, type, where, "", next, 0))
      if (type.name === "ip" || type.name === "ipv4") return `192.0.2.${10 + n}`
      if (type.name === "ipBlock") return `192.0.2.${10 + n}/32`
    }
    const r = Math.floor(next() * 900 + 100)
    // Names shaped like the real ones where the kind of service is obvious from the path.
    if (/^\/dedicated\/server$/.test(where)) return `ns${3_000_000 + n * 1000 + r}.ip-192-0-2.eu`
    if (/^\/vps$/.test(where)) {
      return `vps-${(hash(this.seed + where + n) >>> 0).toString(16).padStart(8, "0")}.vps.ovh.net`
    }
    if (/^\/(domain|domain\/zone|email\/domain|hosting\/web)$/.test(where)) return `example-${n + 1}${r}.com`
    return `${where.split("/").filter((s) => s && !s.startsWith("{")).pop() ?? "id"}-${pad(n + 1)}${r}`
      .replace(/[^A-Za-z0-9.-]/g, "")
  }

  private gen(
    file: ApiFile | undefined,
    type: Type,
    where: string,
    key: string,
    next: () => number,
    depth: number
  ): unknown {
    switch (type._tag) {
      case "Array": {
        if (depth > 4) return []
        return [0, 1].map(() => this.gen(file, type.item, where, key, next, depth + 1))
      }
      case "Map":
        return depth > 4 ? {} : { [`${key || "key"}1`]: this.gen(file, type.value, where, key, next, depth + 1) }
    }
    const name = type.name
    const int = (max: number) => Math.floor(next() * max)
    switch (name) {
      case "long":
      case "int":
        return /id$/i.test(key) ? 100000 + int(900000) : int(1000)
      case "double":
      case "float":
        return Math.round(next() * 100000) / 100
      case "boolean":
        return next() < 0.5
      case "datetime": {
        const d = new Date(Date.UTC(2024, 0, 1) + int(700) * 86_400_000 + int(86_400) * 1000)
        return d.toISOString().replace(/\.\d{3}Z$/, "+00:00")
      }
      case "date":
        return new Date(Date.UTC(2024, 0, 1) + int(700) * 86_400_000).toISOString().slice(0, 10)
      case "time":
        return `${pad(int(24))}:${pad(int(60))}:${pad(int(60))}`
      case "ip":
      case "ipv4":
      case "ipInterface":
        return `192.0.2.${1 + int(254)}`
      case "ipv6":
        return `2001:db8::${(1 + int(65534)).toString(16)}`
      case "ipBlock":
      case "ipv4Block":
        return `192.0.2.${1 + int(254)}/32`
      case "ipv6Block":
        return `2001:db8::${(1 + int(65534)).toString(16)}/128`
      case "macAddress":
        return Array.from({ length: 6 }, () => int(256).toString(16).padStart(2, "0")).join(":")
      case "phoneNumber":
      case "internationalPhoneNumber":
        return `+33.1${String(10000000 + int(89999999))}`
      case "uuid":
        return uuid(next)
      case "password":
        return "********"
      case "void":
        return null
      case "any":
      case "object":
        return {}
      case "duration":
        return `PT${1 + int(60)}M`
      case "string":
      case "text":
        return this.text(key, where, next)
    }
    if (isPrimitive(name) || generic(name)) return this.text(key, where, next)
    const model = this.schemas.model(show(type), file)
    if (model === undefined) return this.text(key, where, next)
    if (model.enum !== undefined) {
      if (model.enum.length === 0) return null
      const picked = model.enum[int(model.enum.length)]!
      return model.enumType === "long" ? Number(picked) : picked
    }
    if (depth > 5) return null
    const generics = bindGenerics(model, type)
    const out: Record<string, unknown> = {}
    for (const [prop, property] of Object.entries(model.properties ?? {})) {
      out[prop] = this.gen(
        file,
        substitute(parse(property.fullType ?? property.type), generics),
        where,
        prop,
        next,
        depth + 1
      )
    }
    return this.agree(out)
  }

  /**
   * Makes related fields agree: an account pays in one currency, a price's `text` and `priceInUcents`
   * (millionths of a cent) restate its `value`, and a bill's or order's tax is what its price with tax adds.
   */
  private agree(out: Record<string, unknown>): Record<string, unknown> {
    if ("currencyCode" in out && (typeof out["currencyCode"] === "string" || out["currencyCode"] === null)) {
      out["currencyCode"] = this.currency
    }
    if (typeof out["value"] === "number" && "currencyCode" in out) {
      if ("text" in out) out["text"] = priceText(out["value"], this.currency)
      if ("priceInUcents" in out) out["priceInUcents"] = Math.round(out["value"] * 100_000_000)
    }
    const withTax = out["priceWithTax"]
    const withoutTax = out["priceWithoutTax"]
    const tax = out["tax"]
    if (isPrice(withTax) && isPrice(withoutTax) && isPrice(tax)) {
      // 20 % VAT, France's standard rate
      const net = withoutTax["value"] as number
      const vat = Math.round(net * 20) / 100
      out["tax"] = this.agree({ ...tax, value: vat })
      out["priceWithTax"] = this.agree({ ...withTax, value: Math.round((net + vat) * 100) / 100 })
    }
    return out
  }

  private text(key: string, where: string, next: () => number): string {
    const n = Math.floor(next() * 1000)
    const k = key.toLowerCase()
    // `where` is the resource's path, possibly followed by `|<method>|<n>` for an answer to a write.
    const segments = where.split("|")[0]!.split("/").filter((s) => s !== "" && !s.startsWith("{"))
    const id = (segments[segments.length - 1] ?? "resource").replace(/%2F/gi, "/")
    const pick = <A>(values: ReadonlyArray<A>) => values[n % values.length]!
    switch (k) {
      case "currency":
      case "currencycode":
        return this.currency
      case "description":
      case "comment":
      case "text":
        return pick(SENTENCES)
      case "displayname":
        return id
      case "urn":
        // IAM resource names: urn:v1:<region>:resource:<type>:<id>
        return `urn:v1:eu:resource:${segments[0] ?? "resource"}:${id}`
      case "firstname":
        return pick(FIRST)
      case "name":
      case "lastname":
        return pick(LAST)
      case "country":
        return "FR"
      case "password":
        return Array.from({ length: 12 }, () => ALNUM[Math.floor(next() * ALNUM.length)]).join("")
      case "os":
      case "distribution":
        return pick(["debian12_64", "ubuntu2404-server_64", "rocky9_64", "win2022-std_64"])
      case "region":
        return pick(["eu-west-gra", "eu-west-sbg", "eu-west-rbx", "ca-east-bhs"])
      case "availabilityzone":
        return pick(["eu-west-gra-a", "eu-west-sbg-a", "eu-west-rbx-a", "ca-east-bhs-a"])
      case "datacenter":
        return pick(["gra1", "gra2", "sbg1", "sbg3", "rbx7", "bhs3"])
      case "commercialrange":
        return pick(["rise", "advance", "scale", "hgr"])
      case "reverse":
        return /\.[a-z]{2,}$/.test(id) ? id : `ip-192-0-2-${n % 255}.example.net`
      case "address":
        return `${1 + (n % 120)} rue de l'Exemple`
      case "city":
        return pick(["Roubaix", "Strasbourg", "Gravelines", "Paris"])
      case "zip":
        return pick(["59100", "67000", "59820", "75001"])
      case "phone":
      case "fax":
        return `+33.3${String(10000000 + n * 7919).slice(0, 8)}`
    }
    if (k.includes("email") || k.endsWith("mail")) return `user${n}@example.com`
    if (k.endsWith("url")) return `https://www.example.com/${key}/${n}`
    if (k.includes("domain")) return `example${n}.com`
    return `${key || id}-${n}`.replace(/[{}]/g, "")
  }
}

const ALNUM = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

const uuid = (next: () => number): string => {
  const hex = Array.from({ length: 32 }, () => Math.floor(next() * 16).toString(16)).join("")
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`
}
