/**
 * Generates the typed API of `@effect-ovh/core` from the OVHcloud API descriptions (v1 and v2).
 *
 *   node scripts/generate-api.ts [--schemas <dir>] [--out <dir>]
 *
 * The schema folder holds `v1/` and `v2/`; it defaults to `OVH_API_SCHEMAS`, then the repository's
 * own `ovh-api/`. The output (default `packages/core/src/generated`) is not committed.
 */
import * as ApiType from "@effect-ovh/core/ApiType"
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")

const argValue = (flag: string): string | undefined => {
  const i = process.argv.indexOf(flag)
  return i >= 0 ? process.argv[i + 1] : undefined
}

const schemaDir = path.resolve(
  argValue("--schemas") ?? (process.env["OVH_API_SCHEMAS"] || path.join(root, "ovh-api"))
)
const outDir = path.resolve(argValue("--out") ?? path.join(root, "packages", "core", "src", "generated"))

// ---------------------------------------------------------------------------------------------------------------------
// Schema format

interface RawParameter {
  readonly name?: string
  readonly paramType: "path" | "query" | "body" | "header"
  readonly dataType: string
  readonly fullType?: string
  readonly required?: boolean
  readonly description?: string
}
interface RawOperation {
  readonly httpMethod: string
  readonly parameters: ReadonlyArray<RawParameter>
  readonly responseType: string
  readonly noAuthentication?: boolean
  readonly description?: string
  readonly apiStatus?: {
    readonly value: string
    readonly deprecatedDate?: string
    readonly deletionDate?: string
    readonly replacement?: string
  }
}
interface RawProperty {
  /** Set when some definitions of the model lack this property. */
  optional?: boolean
  type: string
  fullType?: string
  canBeNull?: boolean
  readOnly?: boolean
  required?: boolean
  description?: string
}
interface RawModel {
  readonly id?: string
  readonly namespace?: string
  readonly description?: string
  enum?: Array<string | number>
  readonly enumType?: string
  readonly generics?: ReadonlyArray<string>
  properties?: Record<string, RawProperty>
}
interface RawFile {
  readonly apis?: ReadonlyArray<{ readonly path: string; readonly operations: ReadonlyArray<RawOperation> }>
  readonly models?: Readonly<Record<string, RawModel>>
}

type Type = ApiType.Type
const parseType = ApiType.parse
const showType = ApiType.show

const PRIMITIVES: Record<string, string> = {
  string: "string",
  text: "string",
  password: "string",
  datetime: "string",
  date: "string",
  time: "string",
  duration: "string",
  ip: "string",
  ipBlock: "string",
  ipv4: "string",
  ipv6: "string",
  ipv4Block: "string",
  ipv6Block: "string",
  ipInterface: "string",
  macAddress: "string",
  phoneNumber: "string",
  internationalPhoneNumber: "string",
  uuid: "string",
  long: "number",
  int: "number",
  double: "number",
  float: "number",
  boolean: "boolean",
  any: "unknown",
  object: "unknown",
  void: "void"
}

const RESERVED = new Set(
  ("break case catch class const continue debugger default delete do else enum export extends false finally for function " +
    "if import in instanceof new null return super switch this throw true try typeof var void while with implements " +
    "interface let package private protected public static yield any boolean number string symbol type namespace " +
    "declare module never unknown object")
    .split(" ")
)
const ident = (name: string): string => {
  const safe = name.replace(/[^A-Za-z0-9_$]/g, "_")
  return /^\d/.test(safe) ? "_" + safe : RESERVED.has(safe) ? safe + "_" : safe
}
const propKey = (name: string): string => (/^[A-Za-z_$][\w$]*$/.test(name) ? name : JSON.stringify(name))
const docText = (text: string): string => text.replace(/\*\//g, "*\\/").replace(/\r/g, "")

// ---------------------------------------------------------------------------------------------------------------------
// Loading and merging

interface Operation {
  readonly version: "v1" | "v2"
  readonly method: "GET" | "POST" | "PUT" | "DELETE"
  /** The path as the typed API spells it (`/v2/...` for v2). */
  readonly path: string
  readonly op: RawOperation
}

interface VersionSet {
  readonly version: "v1" | "v2"
  readonly models: Map<string, RawModel>
  readonly operations: Array<Operation>
}

/** Merges a model defined in several files: enums and properties are unioned, nullability widened. */
const mergeModel = (into: RawModel, other: RawModel, known: (t: string) => boolean): void => {
  if (into.enum !== undefined && other.enum !== undefined) {
    for (const v of other.enum) if (!into.enum.includes(v)) into.enum.push(v)
    return
  }
  if (into.properties === undefined || other.properties === undefined) return
  for (const [name, prop] of Object.entries(into.properties)) if (!(name in other.properties)) prop.optional = true
  for (const [name, prop] of Object.entries(other.properties)) {
    const mine = into.properties[name]
    if (mine === undefined) {
      into.properties[name] = { ...prop, optional: true }
      continue
    }
    if (prop.canBeNull) mine.canBeNull = true
    if (!prop.readOnly) mine.readOnly = false
    if (!prop.required) mine.required = false
    const myType = mine.fullType ?? mine.type
    if (!known(myType) && known(prop.fullType ?? prop.type)) {
      mine.type = prop.type
      if (prop.fullType !== undefined) mine.fullType = prop.fullType
    }
  }
}

const load = (version: "v1" | "v2"): VersionSet => {
  const dir = path.join(schemaDir, version)
  const files = fs.readdirSync(dir).filter((f) => f.endsWith(".json") && !f.startsWith("_")).sort()
  const raw = files.map((f) => JSON.parse(fs.readFileSync(path.join(dir, f), "utf8")) as RawFile)
  const models = new Map<string, RawModel>()
  const pending: Array<[string, RawModel]> = []
  for (const file of raw) {
    for (const [id, model] of Object.entries(file.models ?? {})) {
      const base = id.includes("<") ? id.slice(0, id.indexOf("<")) : id
      // `complexType.UnitAndValue<long>` entries are instances of the generic model: the generic one is kept.
      if (id.includes("<") && model.generics === undefined) continue
      if (id.includes("<") && !/<[A-Z]>$/.test(id)) continue
      const copy: RawModel = JSON.parse(JSON.stringify(model))
      if (models.has(base)) pending.push([base, copy])
      else models.set(base, copy)
    }
  }
  const known = (text: string): boolean => {
    const walk = (t: Type): boolean =>
      t._tag === "Array" ? walk(t.item) : t._tag === "Map" ?
        walk(t.value) :
        (t.name in PRIMITIVES || /^[A-Z]$/.test(t.name) || models.has(t.name)) && t.args.every(walk)
    return walk(parseType(text))
  }
  for (const [id, model] of pending) mergeModel(models.get(id)!, model, known)
  const operations: Array<Operation> = []
  const seen = new Set<string>()
  for (const file of raw) {
    for (const api of file.apis ?? []) {
      for (const op of api.operations) {
        const method = op.httpMethod.toUpperCase() as Operation["method"]
        const p = version === "v2" ? "/v2" + api.path : api.path
        const key = `${method} ${p}`
        if (seen.has(key)) continue
        seen.add(key)
        operations.push({ version, method, path: p, op })
      }
    }
  }
  return { version, models, operations }
}

// ---------------------------------------------------------------------------------------------------------------------
// TypeScript types

type Mode = "out" | "in"

const modelRef = (id: string): { readonly ns: Array<string>; readonly name: string } => {
  const parts = id.split(".")
  return { ns: parts.slice(0, -1).map(ident), name: ident(parts[parts.length - 1]!) }
}
const qualified = (alias: string, id: string): string => {
  const { ns, name } = modelRef(id)
  return [alias, ...ns, name].join(".")
}

class Emitter {
  readonly set: VersionSet
  /** Object models that need an input interface (reachable from request bodies). */
  readonly inputs = new Set<string>()
  unknownTypes = new Set<string>()

  constructor(set: VersionSet) {
    this.set = set
  }

  isObjectModel(id: string): boolean {
    const m = this.set.models.get(id)
    return m !== undefined && m.enum === undefined
  }

  /** The properties of an object model as a request body has them (read-only ones left out, unless all are). */
  inputFields(id: string): Array<{ readonly name: string; readonly required: boolean }> {
    const props = Object.entries(this.set.models.get(id)?.properties ?? {})
    const allReadOnly = props.every(([, p]) => p.readOnly)
    return props.filter(([, p]) => !p.readOnly || allReadOnly).map(([name, p]) => ({
      name,
      required: allReadOnly ? !p.canBeNull : !!p.required
    }))
  }

  markInput(type: Type): void {
    if (type._tag === "Array") return this.markInput(type.item)
    if (type._tag === "Map") return this.markInput(type.value)
    type.args.forEach((a) => this.markInput(a))
    if (!this.isObjectModel(type.name) || this.inputs.has(type.name)) return
    this.inputs.add(type.name)
    const props = Object.values(this.set.models.get(type.name)!.properties ?? {})
    const allReadOnly = props.every((p) => p.readOnly)
    for (const prop of props) {
      if (!prop.readOnly || allReadOnly) this.markInput(parseType(prop.fullType ?? prop.type))
    }
  }

  /** The TypeScript type of a schema type; models are referenced through the `$`/`$In` self-imports. */
  ts(type: Type, mode: Mode, generics: ReadonlyArray<string> = []): string {
    switch (type._tag) {
      case "Array": {
        const item = this.ts(type.item, mode, generics)
        return `ReadonlyArray<${item}>`
      }
      case "Map":
        return `{ readonly [key: string]: ${this.ts(type.value, mode, generics)} }`
    }
    if (generics.includes(type.name)) return type.name
    const prim = PRIMITIVES[type.name]
    if (prim !== undefined) return prim
    const model = this.set.models.get(type.name)
    if (model === undefined) {
      if (!type.name.includes(".") && !/^[A-Z]$/.test(type.name)) return "string"
      this.unknownTypes.add(type.name)
      return "unknown"
    }
    const args = model.generics === undefined
      ? ""
      : `<${
        model.generics.map((_, i) => type.args[i] ? this.ts(type.args[i]!, mode, generics) : "unknown").join(", ")
      }>`
    if (model.enum !== undefined) return qualified("$", type.name)
    return qualified(mode === "in" ? "$In" : "$", type.name) + args
  }

  enumType(model: RawModel): string {
    if (model.enum === undefined || model.enum.length === 0) return model.enumType === "long" ? "number" : "string"
    return model.enum.map((v) => (model.enumType === "long" ? String(Number(v)) : JSON.stringify(String(v)))).join(
      " | "
    )
  }

  /** `models.ts` (mode out) or `inputs.ts` (mode in): nested `declare namespace`s, one per model namespace. */
  modelsFile(mode: Mode): string {
    interface Node {
      readonly children: Map<string, Node>
      readonly decls: Array<string>
    }
    const tree: Node = { children: new Map(), decls: [] }
    const ids = [...this.set.models.keys()].sort()
    for (const id of ids) {
      const model = this.set.models.get(id)!
      if (mode === "in" && (model.enum !== undefined || !this.inputs.has(id))) continue
      const { ns, name } = modelRef(id)
      let node = tree
      for (const seg of ns) {
        let next = node.children.get(seg)
        if (next === undefined) {
          next = { children: new Map(), decls: [] }
          node.children.set(seg, next)
        }
        node = next
      }
      const doc = model.description && mode === "out" ? `/** ${docText(model.description)} */\n` : ""
      if (model.enum !== undefined) {
        node.decls.push(`${doc}export type ${name} = ${this.enumType(model)}`)
        continue
      }
      const generics = model.generics ?? []
      const params = generics.length ? `<${generics.join(", ")}>` : ""
      const lines: Array<string> = []
      // A model used as input whose properties are all read-only (e.g. `iam.resource.TagFilter`) keeps them all.
      const allReadOnly = Object.values(model.properties ?? {}).every((p) => p.readOnly)
      for (const [pname, prop] of Object.entries(model.properties ?? {})) {
        if (mode === "in" && prop.readOnly && !allReadOnly) continue
        const t = this.ts(parseType(prop.fullType ?? prop.type), mode, generics)
        const nullable = prop.canBeNull ? " | null" : ""
        const optional = mode === "in"
          ? (allReadOnly ? !!prop.canBeNull : !prop.required)
          : !!prop.canBeNull || !!prop.optional || (this.set.version === "v2" && !prop.required)
        // Inputs leave their descriptions to their models' (the packed package has a size budget).
        const pdoc = prop.description && mode === "out" ? `/** ${docText(prop.description)} */\n` : ""
        lines.push(`${pdoc}readonly ${propKey(pname)}${optional ? "?" : ""}: ${t}${nullable}`)
      }
      node.decls.push(`${doc}export interface ${name}${params} {\n${lines.join("\n")}\n}`)
    }
    // One dotted namespace per model namespace (`export declare namespace dedicated.server {`): the
    // declarations are then indented once however deep their namespace is (the packed package has a size budget).
    const blocks: Array<string> = []
    const walk = (node: Node, path: ReadonlyArray<string>): void => {
      if (path.length > 0 && node.decls.length > 0) {
        blocks.push(`export declare namespace ${path.join(".")} {\n${node.decls.join("\n")}\n}`)
      }
      for (const [seg, child] of [...node.children].sort(([a], [b]) => a.localeCompare(b))) walk(child, [...path, seg])
    }
    walk(tree, [])
    const header = mode === "out"
      ? `import type * as $ from "./models.ts"\n`
      : `import type * as $ from "./models.ts"\nimport type * as $In from "./inputs.ts"\n`
    const body = blocks.join("\n")
    const index = mode === "out"
      ? "\n/** Every non-generic model by id. */\nexport interface Index {\n" +
        ids.filter((id) => this.set.models.get(id)!.generics === undefined)
          .map((id) => `  ${JSON.stringify(id)}: ${qualified("$", id)}`).join("\n") +
        "\n}\n"
      : "\nexport {}\n"
    return `// Generated by scripts/generate-api.ts from the ${this.set.version} API descriptions. Do not edit.\n` +
      header + tree.decls.map((d) => d + "\n").join("") + body + index
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Operations

const opDoc = (o: Operation): string => {
  // One short comment per operation, as an editor shows it on the call: its description, its status
  // when it is neither PRODUCTION nor DEPRECATED (which `@deprecated` says), whether it is
  // unauthenticated, and its deprecation. The packed package has a size budget: the IAM actions
  // (25 KB packed) and the descriptions of body fields (27 KB) are left to the API's own documentation.
  const lines: Array<string> = []
  if (o.op.description) lines.push(docText(o.op.description))
  const status = o.op.apiStatus?.value ?? "PRODUCTION"
  const notes = [
    status === "PRODUCTION" || status === "DEPRECATED" ? undefined : `Status: ${status}`,
    o.op.noAuthentication ? "no authentication (send with `{ needAuth: false }`)" : undefined
  ].filter((n) => n !== undefined)
  if (notes.length) lines.push(notes.join(" · "))
  if (status === "DEPRECATED") {
    const s = o.op.apiStatus!
    const parts = [
      s.deprecatedDate ? `deprecated since ${s.deprecatedDate.slice(0, 10)}` : "deprecated",
      s.deletionDate ? `deleted on ${s.deletionDate.slice(0, 10)}` : undefined,
      s.replacement ? `use \`${o.version === "v2" ? "/v2" : ""}${s.replacement}\` instead` : undefined
    ].filter((p) => p !== undefined)
    lines.push(`@deprecated ${parts.join("; ")}`)
  }
  return `/**\n${lines.map((l) => ` * ${l}`.trimEnd()).join("\n")}\n */`
}

/** The names of an operation's body fields: its named body parameters and its body model's input properties. */
const bodyFieldNames = (emitter: Emitter, o: Operation): Array<string> =>
  o.op.parameters.filter((p) => p.paramType === "body").flatMap((p) => {
    if (p.name) return [p.name]
    const type = parseType(p.fullType ?? p.dataType)
    return type._tag === "Named" && emitter.isObjectModel(type.name)
      ? emitter.inputFields(type.name).map((f) => f.name)
      : []
  })

interface OpInfo {
  readonly entry: string
  readonly required: boolean
}

const operationEntry = (emitter: Emitter, o: Operation, alias: string): OpInfo => {
  const fields: Array<string> = []
  let required = false
  const pathNames = [...o.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1]!)
  const declared = new Map(o.op.parameters.filter((p) => p.paramType === "path").map((p) => [p.name!, p]))
  const taken = new Set<string>()
  const ts = (p: RawParameter, mode: Mode) => {
    const text = p.fullType ?? p.dataType
    const t = emitter.ts(parseType(text), mode).replaceAll("$In.", alias + "In.").replaceAll("$.", alias + ".")
    return t
  }
  for (const name of pathNames) {
    const p = declared.get(name)
    const t = p === undefined ? "string" : ts(p, "out")
    fields.push(`readonly ${propKey(name)}: ${t}`)
    taken.add(name)
    required = true
  }
  const isBodyMethod = o.method === "POST" || o.method === "PUT"
  const queries: Array<string> = []
  let queryRequired = false
  for (const p of o.op.parameters) {
    if (p.paramType === "query" && p.name) {
      const field = `readonly ${propKey(p.name)}${p.required ? "" : "?"}: ${ts(p, "in")}`
      if (isBodyMethod) {
        queries.push(field)
        if (p.required) queryRequired = true
      } else {
        fields.push(field)
        taken.add(p.name)
        if (p.required) required = true
      }
    }
  }
  if (queries.length) {
    fields.push(
      `/** Query-string parameters of this ${o.method}. */\nreadonly $query${queryRequired ? "" : "?"}: { ${
        queries.join("; ")
      } }`
    )
    if (queryRequired) required = true
  }
  // The body: its named fields sit next to the path parameters, and an object model's properties
  // too. When one of them shares a path parameter's name (a body `queueId` under `.../queue/{queueId}/agent`,
  // a new `name` for `PUT /vrack/{serviceName}/dedicatedConnect/{name}`), the whole body goes under `$body`,
  // which `OvhClient.request` sends as the body itself: both values are then typed and sent.
  const bodyFields: Array<string> = []
  const bodyModels: Array<string> = []
  let bodyRequired = false
  for (const p of o.op.parameters) {
    if (p.paramType !== "body") continue
    if (p.name) {
      bodyFields.push(`readonly ${propKey(p.name)}${p.required ? "" : "?"}: ${ts(p, "in")}`)
      if (p.required) bodyRequired = true
      continue
    }
    const type = parseType(p.fullType ?? p.dataType)
    if (type._tag === "Named" && emitter.isObjectModel(type.name)) {
      bodyModels.push(ts(p, "in"))
      if (emitter.inputFields(type.name).some((q) => q.required)) bodyRequired = true
    } else {
      fields.push(`/** The request body. */\nreadonly $body${p.required === false ? "?" : ""}: ${ts(p, "in")}`)
      if (p.required !== false) required = true
    }
  }
  const shared = bodyFieldNames(emitter, o).filter((name) => taken.has(name))
  const intersections: Array<string> = []
  if (shared.length > 0) {
    const whole = [bodyFields.length ? `{\n${bodyFields.join("\n")}\n}` : undefined, ...bodyModels]
      .filter((x) => x !== undefined).join(" & ")
    fields.push(
      `/** The request body: it has fields named like path parameters (${shared.join(", ")}), so it goes apart. */\n` +
        `readonly $body${bodyRequired ? "" : "?"}: ${whole}`
    )
  } else {
    fields.push(...bodyFields)
    intersections.push(...bodyModels)
  }
  if (bodyRequired) required = true
  const own = fields.length === 0 && intersections.length === 0
    ? "NoParams"
    : [fields.length ? `{\n${fields.join("\n")}\n}` : undefined, ...intersections].filter((x) => x !== undefined).join(
      " & "
    )
  const response = emitter.ts(parseType(o.op.responseType), "out").replaceAll("$.", alias + ".")
  const key = JSON.stringify(o.path)
  const table = methodName[o.method]
  return {
    entry:
      `${opDoc(o)}\n(path: ${key}, params${
        required ? "" : "?"
      }: ${table}[${key}]["p"], options?: O): R<${table}[${key}]>\n` +
      `${key}: {\nreadonly p: ${own}\nreadonly r: ${response}\n}`,
    required
  }
}

// ---------------------------------------------------------------------------------------------------------------------
// Effect Schemas (as lazily built descriptions)

/** JSON as a single-quoted string literal: its double quotes need no escape. */
const jsonLiteral = (value: unknown): string =>
  "'" + JSON.stringify(value).replace(/\\/g, "\\\\").replace(/'/g, "\\'").replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029") +
  "'"

const schemasFile = (set: VersionSet): string => {
  // One description per model, read by `internal/apiSchema.ts`: enum values, or properties as
  // [type, 0 present | 1 nullable | 2 may be absent], plus generic parameters.
  const descriptors: Record<string, unknown> = {}
  for (const id of [...set.models.keys()].sort()) {
    const model = set.models.get(id)!
    if (model.enum !== undefined) {
      descriptors[id] = { e: model.enumType === "long" ? model.enum.map((v) => Number(v)) : model.enum.map(String) }
      continue
    }
    const p: Record<string, [string, number]> = {}
    for (const [name, prop] of Object.entries(model.properties ?? {})) {
      // v1 answers carry every property (null when allowed); v2 marks the ones always present `required`.
      const flag = prop.canBeNull ? 1 : prop.optional || (set.version === "v2" && !prop.required) ? 2 : 0
      p[name] = [showType(parseType(prop.fullType ?? prop.type)), flag]
    }
    descriptors[id] = model.generics ? { g: model.generics, p } : { p }
  }
  // A string parsed at load time: no code to type-check or source-map, 5,000 models or not.
  return `// Generated by scripts/generate-api.ts from the ${set.version} API descriptions. Do not edit.\n` +
    `import type { Descriptors } from "../../internal/apiSchema.ts"\n\n` +
    `/** Every model of the ${set.version} descriptions, as the schema registry reads them. */\n` +
    `export const descriptors: Descriptors = JSON.parse(${jsonLiteral(descriptors)})\n`
}

// ---------------------------------------------------------------------------------------------------------------------
// Main

const write = (file: string, text: string): void => {
  const full = path.join(outDir, file)
  fs.mkdirSync(path.dirname(full), { recursive: true })
  fs.writeFileSync(full, text)
}

const started = Date.now()
if (!fs.existsSync(path.join(schemaDir, "v1"))) {
  console.error(`generate-api: no API descriptions in ${schemaDir} (set OVH_API_SCHEMAS or pass --schemas <dir>)`)
  process.exit(1)
}
const sets = (["v1", "v2"] as const).filter((v) => fs.existsSync(path.join(schemaDir, v))).map(load)
fs.rmSync(outDir, { recursive: true, force: true })

type Method = Operation["method"]
const METHODS: ReadonlyArray<Method> = ["GET", "POST", "PUT", "DELETE"]
const methodName = { GET: "Get", POST: "Post", PUT: "Put", DELETE: "Delete" } as const

/** The API an operation belongs to, and the name of its module: `me`, `dedicated`, `v2-iam`. */
const rootOf = (o: Operation): string => {
  const segments = o.path.split("/").filter((x) => x !== "")
  return o.version === "v2" ? `v2-${segments[1] ?? "root"}` : segments[0] ?? "root"
}

interface Root {
  readonly version: "v1" | "v2"
  readonly byMethod: Record<Method, Array<string>>
  /** `"/me/bill": "billId"`: each GET list whose items have their own GET route, `/me/bill/{billId}`. */
  readonly lists: Array<string>
}
const rootsByName = new Map<string, Root>()
/** The response type of every operation, as a tree of path segments whose leaves are `$GET`, `$POST`... */
interface ResponseTree {
  [segment: string]: ResponseTree | string
}
const responses: ResponseTree = {}
let operationCount = 0
const unknown = new Set<string>()
for (const set of sets) {
  const emitter = new Emitter(set)
  for (const o of set.operations) {
    for (const p of o.op.parameters) if (p.paramType !== "path") emitter.markInput(parseType(p.fullType ?? p.dataType))
  }
  const alias = set.version === "v1" ? "V1" : "V2"
  // The item route of a list: the same path and one more `{parameter}` segment.
  const itemRoutes = new Map<string, string>()
  for (const o of set.operations) {
    const m = o.method === "GET" ? /^(.*)\/\{[^}/]+\}$/.exec(o.path) : null
    if (m !== null && !itemRoutes.has(m[1]!)) itemRoutes.set(m[1]!, o.path)
  }
  for (const o of set.operations) {
    const name = rootOf(o)
    let root = rootsByName.get(name)
    if (root === undefined) {
      root = { version: set.version, byMethod: { GET: [], POST: [], PUT: [], DELETE: [] }, lists: [] }
      rootsByName.set(name, root)
    }
    root.byMethod[o.method].push(operationEntry(emitter, o, alias).entry)
    const item = o.method === "GET" && parseType(o.op.responseType)._tag === "Array"
      ? itemRoutes.get(o.path)
      : undefined
    if (item !== undefined) {
      root.lists.push(`${JSON.stringify(o.path)}: ${JSON.stringify(item.slice(o.path.length + 2, -1))}`)
    }
    let node = responses
    for (const segment of o.path.slice(1).split("/")) node = (node[segment] ??= {}) as ResponseTree
    node[`$${o.method}`] = showType(parseType(o.op.responseType))
    operationCount++
  }
  write(`${set.version}/models.ts`, emitter.modelsFile("out"))
  write(`${set.version}/inputs.ts`, emitter.modelsFile("in"))
  write(`${set.version}/schemas.ts`, schemasFile(set))
  emitter.unknownTypes.forEach((t) => unknown.add(`${set.version}:${t}`))
}

// One module per API (`ops/me.ts`): a file that calls /me type-checks against /me's operations alone.
const roots = [...rootsByName.keys()].sort()
for (const name of roots) {
  const root = rootsByName.get(name)!
  const a = root.version === "v1" ? "V1" : "V2"
  const prefix = root.version === "v2" ? "/v2" : ""
  const body = METHODS.map((m) =>
    `/** The ${m} operations by path (\`p\` their parameters, \`r\` their response), and one call signature each. */\n` +
    `export interface ${methodName[m]} {\n${root.byMethod[m].join("\n")}\n}\n`
  ).join("\n")
  // import only what the entries use: unused imports do not compile
  const uses = (token: string) => body.includes(token)
  write(
    `ops/${name}.ts`,
    `// Generated by scripts/generate-api.ts. Do not edit.\n` +
      `// The operations of ${prefix}/${name.replace(/^v2-/, "")}.\n` +
      (uses(`${a}.`) ? `import type * as ${a} from "../${root.version}/models.ts"\n` : "") +
      (uses(`${a}In.`) ? `import type * as ${a}In from "../${root.version}/inputs.ts"\n` : "") +
      `import type { O, R${uses("NoParams") ? ", NoParams" : ""} } from "./_shared.ts"\n` +
      `\n${body}` +
      `\n/** The GET lists of this API whose items have their own GET route, and the parameter that route adds. */\n` +
      `export interface Lists {\n${root.lists.join("\n")}\n}\n` +
      `\n/** These operations, by method: give it to \`TypedApi.make\`. */\n` +
      `export interface Operations {\n${METHODS.map((m) => `  readonly ${m}: ${methodName[m]}`).join("\n")}\n}\n`
  )
}
write(
  "ops/_shared.ts",
  `// Generated by scripts/generate-api.ts. Do not edit.\n` +
    `import type * as Effect from "effect/Effect"\n` +
    `import type * as OvhError from "../../OvhError.ts"\n` +
    `import type * as OvhClient from "../../OvhClient.ts"\n` +
    `import type * as TypedApi from "../../TypedApi.ts"\n` +
    `/** An operation without parameters. */\nexport type NoParams = { readonly [key: string]: never }\n` +
    `/** The options of a call. */\nexport type O = OvhClient.CallOptions\n` +
    `/** What a call gives. */\nexport type R<E extends TypedApi.Entry> = Effect.Effect<E["r"], OvhError.OvhError>\n`
)
const rootAlias = (name: string) => `R_${name.replace(/[^A-Za-z0-9]/g, "_")}`
write(
  "operations.ts",
  `// Generated by scripts/generate-api.ts. Do not edit.\n` +
    roots.map((name) => `import type * as ${rootAlias(name)} from "./ops/${name}.ts"\n`).join("") +
    `import type * as TypedApi from "../TypedApi.ts"\n` +
    `\nexport type { NoParams } from "./ops/_shared.ts"\n\n` +
    METHODS.map((m) =>
      `/**\n * Every ${m} operation by path (\`p\` its parameters, \`r\` its response),\n` +
      ` * and the calls of \`api.${m.toLowerCase()}\`: one per operation, then one for any path of the table.\n */\n` +
      `export interface ${methodName[m]} extends\n${
        roots.map((name) => `  ${rootAlias(name)}.${methodName[m]}`).join(",\n")
      },\n` +
      `  TypedApi.CallIn<${methodName[m]}>\n{}\n`
    ).join("\n") +
    `\n/** Every GET list whose items have their own GET route, and the parameter that route adds (\`/me/bill\`: \`billId\`). */\n` +
    `export interface Lists extends\n${roots.map((name) => `  ${rootAlias(name)}.Lists`).join(",\n")}\n{}\n`
)
write(
  "responses.ts",
  `// Generated by scripts/generate-api.ts. Do not edit.\n` +
    `/**\n * The response type of every operation, as the descriptions write it: a tree of path segments\n` +
    ` * (\`me\`, \`bill\`, \`{billId}\`) whose leaves \`$GET\`, \`$POST\`... are types (of the v2 descriptions under \`v2\`).\n */\n` +
    `export interface ResponseTree {\n  readonly [segment: string]: ResponseTree | string\n}\n` +
    `export const responses: ResponseTree = JSON.parse(${jsonLiteral(responses)})\n`
)
write(
  "README.md",
  `Generated by \`node scripts/generate-api.ts\` from ${path.relative(root, schemaDir) || schemaDir}. Not committed.\n`
)

console.log(
  `generate-api: ${operationCount} operations, ${sets.map((s) => `${s.version} ${s.models.size} models`).join(", ")} ` +
    `-> ${path.relative(root, outDir)} in ${Date.now() - started} ms` +
    (unknown.size ? ` (${unknown.size} undefined model ids typed as unknown)` : "")
)
