/**
 * The pieces the generated schema modules are made of, and the registry that turns a schema type
 * (`billing.Bill[]`, `map[string]long`, `complexType.UnitAndValue<double>`) into an Effect Schema,
 * building each model once, on first use.
 */
import * as Schema from "effect/Schema"
import { splitArgs } from "../ApiType.ts"

/**
 * A model as the generated modules describe it: enum values (`e`), or properties (`p`) as
 * `[type, 0 present | 1 nullable (or absent) | 2 may be absent]`, with generic parameters (`g`).
 */
export interface Descriptor {
  readonly e?: ReadonlyArray<string | number>
  readonly g?: ReadonlyArray<string>
  readonly p?: Readonly<Record<string, readonly [string, number]>>
}

/** Every model of one API version, by id. */
export type Descriptors = Readonly<Record<string, Descriptor>>

type TypeOf = (text: string, g?: Readonly<Record<string, Schema.Top>>) => Schema.Top

const literals = (values: ReadonlyArray<string | number>): Schema.Top =>
  values.length === 0 ? Schema.String : Schema.Literals(values)

const isDate = (s: string) => !Number.isNaN(Date.parse(s))
const DateString = Schema.String.check(Schema.makeFilter(isDate, { expected: "a date" }))

const PRIMITIVES: Record<string, Schema.Top> = {
  long: Schema.Int,
  int: Schema.Int,
  double: Schema.Finite,
  float: Schema.Finite,
  boolean: Schema.Boolean,
  datetime: DateString,
  date: DateString,
  any: Schema.Unknown,
  object: Schema.Unknown,
  void: Schema.Unknown
}
const STRINGS = new Set([
  "string",
  "text",
  "password",
  "time",
  "duration",
  "ip",
  "ipBlock",
  "ipv4",
  "ipv6",
  "ipv4Block",
  "ipv6Block",
  "ipInterface",
  "macAddress",
  "phoneNumber",
  "internationalPhoneNumber",
  "uuid"
])

/** The schema set of one API version. */
export interface Registry {
  /** The schema of a type text. */
  readonly type: (text: string) => Schema.Top
  /** Whether a model id is defined. */
  readonly has: (id: string) => boolean
}

/** A registry over generated builders. */
export const makeRegistry = (descriptors: Descriptors): Registry => {
  const cache = new Map<string, Schema.Top>()
  const built = new Map<string, Schema.Top>()

  const build = (descriptor: Descriptor, g: Readonly<Record<string, Schema.Top>>): Schema.Top => {
    if (descriptor.e !== undefined) return literals(descriptor.e)
    const fields: Record<string, Schema.Top> = {}
    for (const [name, [type, flag]] of Object.entries(descriptor.p ?? {})) {
      const schema = typeOf(type, descriptor.g === undefined ? undefined : g) as Schema.Codec<unknown>
      fields[name] = flag === 1
        ? Schema.optionalKey(Schema.NullOr(schema))
        : flag === 2
        ? Schema.optionalKey(schema)
        : schema
    }
    return Schema.Struct(fields as Schema.Struct.Fields)
  }

  const model = (name: string, args: ReadonlyArray<Schema.Top>, key: string): Schema.Top => {
    let schema = built.get(key)
    if (schema === undefined) {
      const descriptor = descriptors[name]!
      const g: Record<string, Schema.Top> = {}
      ;(descriptor.g ?? []).forEach((p, i) => (g[p] = args[i] ?? Schema.Unknown))
      schema = build(descriptor, g)
      built.set(key, schema)
    }
    return schema
  }

  const typeOf: TypeOf = (text, g) => {
    const t = text.trim()
    if (g !== undefined && g[t] !== undefined) return g[t]
    // Type parameters inside other types (`T[]`, `map[string]T`) make the schema depend on `g`.
    const cacheable = g === undefined || !/\b[A-Z]\b/.test(t)
    const hit = cacheable ? cache.get(t) : undefined
    if (hit !== undefined) return hit
    let schema: Schema.Top
    if (t.endsWith("[]")) schema = Schema.Array(typeOf(t.slice(0, -2), g) as Schema.Codec<unknown>)
    else if (t.startsWith("[]")) schema = Schema.Array(typeOf(t.slice(2), g) as Schema.Codec<unknown>)
    else if (t.startsWith("map[")) {
      schema = Schema.Record(Schema.String, typeOf(t.slice(t.indexOf("]") + 1), g) as Schema.Codec<unknown>)
    } else if (PRIMITIVES[t] !== undefined) schema = PRIMITIVES[t]
    else if (STRINGS.has(t)) schema = Schema.String
    else {
      const lt = t.indexOf("<")
      const name = lt > 0 ? t.slice(0, lt) : t
      const args = lt > 0 ? splitArgs(t.slice(lt + 1, -1)).map((a) => typeOf(a, g)) : []
      if (!Object.hasOwn(descriptors, name)) {
        // Undefined ids: plain names (`countryCode2LettersEnum`) are strings, dotted ones anything.
        schema = name.includes(".") || /^[A-Z]$/.test(name) ? Schema.Unknown : Schema.String
      } else {
        const key = cacheable ? t : t + "#" + Math.random()
        schema = Schema.suspend(() => model(name, args, key) as Schema.Codec<unknown>)
      }
    }
    if (cacheable) cache.set(t, schema)
    return schema
  }

  return { type: (text) => typeOf(text), has: (id) => Object.hasOwn(descriptors, id) }
}
