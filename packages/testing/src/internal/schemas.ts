/**
 * The official v1 API descriptions, read from disk on demand: the root index once, then only the
 * files of the API roots a request touches, each parsed at most once per process.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

/** One parameter of an operation. */
export interface Parameter {
  readonly name?: string
  readonly paramType: "path" | "query" | "body" | "header"
  readonly dataType: string
  readonly fullType?: string
  readonly required?: boolean
}

/** One method of a path. */
export interface Operation {
  readonly httpMethod: string
  readonly parameters: ReadonlyArray<Parameter>
  readonly responseType: string
  readonly noAuthentication?: boolean
}

/** A path template and its operations. */
export interface Api {
  readonly path: string
  readonly operations: ReadonlyArray<Operation>
}

/** A property of an object model. */
export interface Property {
  readonly type: string
  readonly fullType?: string
  readonly canBeNull?: boolean
  readonly readOnly?: boolean
  readonly required?: boolean
}

/** An object model or an enum. */
export interface Model {
  readonly id?: string
  readonly namespace?: string
  readonly enum?: ReadonlyArray<string>
  readonly enumType?: string
  readonly generics?: ReadonlyArray<string>
  readonly properties?: Readonly<Record<string, Property>>
}

/** One schema file: an API root. */
export interface ApiFile {
  readonly resourcePath: string
  readonly apis: ReadonlyArray<Api>
  readonly models: Readonly<Record<string, Model>>
}

/** A concrete path matched to its template. */
export interface Match {
  readonly file: ApiFile
  readonly api: Api
  /** Path parameters by name, decoded. */
  readonly params: Readonly<Record<string, string>>
}

const here = path.dirname(fileURLToPath(import.meta.url))

/**
 * The schema directory: `OVH_API_SCHEMAS` when set; else the copy the published package carries
 * (`dist/ovh-api`, next to `dist/internal`); else the repository's own `ovh-api/`,
 * found from this file's location (`packages/testing/{src,dist}/internal`).
 */
export const defaultDirectory = (): string => {
  const fromEnv = process.env["OVH_API_SCHEMAS"]
  if (fromEnv !== undefined && fromEnv !== "") return path.resolve(fromEnv)
  const bundled = path.resolve(here, "../ovh-api")
  if (fs.existsSync(path.join(bundled, "v1"))) return bundled
  return path.resolve(here, "../../../../ovh-api")
}

const v1Directory = (dir: string): string => fs.existsSync(path.join(dir, "_index.json")) ? dir : path.join(dir, "v1")

interface Compiled {
  readonly segments: ReadonlyArray<string>
  readonly literals: number
  readonly api: Api
}

/** The v1 schema set of one directory. */
export class SchemaSet {
  readonly directory: string
  private roots: ReadonlyArray<{ readonly root: string; readonly file: string }> | undefined
  private readonly files = new Map<string, { file: ApiFile; compiled: ReadonlyArray<Compiled> }>()
  private readonly matches = new Map<string, Match | undefined>()
  private everything = false

  constructor(directory: string) {
    this.directory = v1Directory(directory)
  }

  private index() {
    if (this.roots === undefined) {
      const text = fs.readFileSync(path.join(this.directory, "_index.json"), "utf8")
      const index = JSON.parse(text) as { apis: ReadonlyArray<{ path: string }> }
      this.roots = index.apis
        .map(({ path: root }) => {
          const segments = root.split("/").filter((s) => s !== "")
          const camel = segments[0] + segments.slice(1).map((s) => s[0]!.toUpperCase() + s.slice(1)).join("")
          // Files are named after the root in camelCase (`/dedicated/ceph` -> dedicatedCeph.json), except
          // roots whose first segment holds them alone (`/cdn/dedicated` -> cdn.json).
          const file = fs.existsSync(path.join(this.directory, camel + ".json")) ? camel : segments[0]!
          return { root, file }
        })
        .sort((a, b) => b.root.length - a.root.length)
    }
    return this.roots
  }

  /** The parsed file of an API root, cached. */
  load(name: string): { file: ApiFile; compiled: ReadonlyArray<Compiled> } {
    let entry = this.files.get(name)
    if (entry === undefined) {
      const file = JSON.parse(fs.readFileSync(path.join(this.directory, name + ".json"), "utf8")) as ApiFile
      const compiled = (file.apis ?? []).map((api) => {
        const segments = api.path.split("/").filter((s) => s !== "")
        return { segments, literals: segments.filter((s) => !s.startsWith("{")).length, api }
      })
      entry = { file, compiled }
      this.files.set(name, entry)
    }
    return entry
  }

  /**
   * The description document the API serves at `/1.0/<root>.json` (`/1.0/me.json`), or the index for
   * `/`: the file's text as stored, without parsing it.
   */
  document(root: string): string | undefined {
    if (root === "/" || root === "") return fs.readFileSync(path.join(this.directory, "_index.json"), "utf8")
    const entry = this.index().find((r) => r.root === root)
    if (entry === undefined) return undefined
    const text = fs.readFileSync(path.join(this.directory, entry.file + ".json"), "utf8")
    // Roots sharing a file (`/dedicated/server` in dedicated.json) only serve their own file's root.
    return text.includes(`"resourcePath": "${root}"`) || text.includes(`"resourcePath":"${root}"`) ? text : undefined
  }

  /** The API root a path belongs to (`/dedicated/server/x/ips` -> `/dedicated/server`). */
  root(apiPath: string): string | undefined {
    return this.index().find(({ root }) => apiPath === root || apiPath.startsWith(root + "/"))?.root
  }

  /** The number of schema files parsed so far. */
  get loaded(): number {
    return this.files.size
  }

  /** The template a concrete API path (without `/1.0`, without query) belongs to. */
  match(apiPath: string): Match | undefined {
    if (this.matches.has(apiPath)) return this.matches.get(apiPath)
    const result = this.find(apiPath)
    if (this.matches.size > 10_000) this.matches.clear()
    this.matches.set(apiPath, result)
    return result
  }

  private find(apiPath: string): Match | undefined {
    const root = this.index().find(({ root }) => apiPath === root || apiPath.startsWith(root + "/"))
    if (root === undefined) return undefined
    const { file, compiled } = this.load(root.file)
    const segments = apiPath.split("/").filter((s) => s !== "")
    if (apiPath.endsWith("/") && apiPath !== "/") return undefined
    let best: Compiled | undefined
    for (const candidate of compiled) {
      if (candidate.segments.length !== segments.length) continue
      let ok = true
      for (let i = 0; i < segments.length; i++) {
        const s = candidate.segments[i]!
        if (!s.startsWith("{") && s !== segments[i]) {
          ok = false
          break
        }
      }
      if (ok && (best === undefined || candidate.literals > best.literals)) best = candidate
    }
    if (best === undefined) return undefined
    const params: Record<string, string> = {}
    best.segments.forEach((s, i) => {
      if (s.startsWith("{")) {
        const raw = segments[i]!
        let value = raw
        try {
          value = decodeURIComponent(raw)
        } catch {
          // keep the raw segment when it is not valid percent-encoding
        }
        params[s.slice(1, -1)] = value
      }
    })
    return { file, api: best.api, params }
  }

  /**
   * The model `id` (`billing.Bill`, `complexType.UnitAndValue<double>`), looked up in `file` first, then in
   * every file loaded so far, then (once per process) in all files. A generic instance falls back to its
   * template (`complexType.UnitAndValue<T>`).
   */
  model(id: string, file: ApiFile | undefined): Model | undefined {
    const lt = id.indexOf("<")
    const base = lt > 0 ? id.slice(0, lt) : undefined
    const find = (models: Readonly<Record<string, Model>>): Model | undefined => {
      const exact = models[id]
      if (exact !== undefined || base === undefined) return exact
      for (const key of Object.keys(models)) if (key.startsWith(base + "<") && models[key]!.generics) return models[key]
      return undefined
    }
    if (file !== undefined) {
      const local = find(file.models)
      if (local !== undefined) return local
    }
    for (const entry of this.files.values()) {
      const model = find(entry.file.models)
      if (model !== undefined) return model
    }
    // Models are namespaced (`billing.Bill`): a bare name is a primitive or a type variable, never worth a full scan.
    if (!this.everything && id.includes(".")) {
      this.everything = true
      for (const name of fs.readdirSync(this.directory)) {
        if (name.endsWith(".json") && name !== "_index.json") this.load(name.slice(0, -5))
      }
      return this.model(id, file)
    }
    return undefined
  }

  /** The operation of `method` on a template path, e.g. the GET of a collection. */
  operation(template: string, method: string): { file: ApiFile; operation: Operation } | undefined {
    const root = this.index().find(({ root }) => template === root || template.startsWith(root + "/"))
    if (root === undefined) return undefined
    const { file, compiled } = this.load(root.file)
    const api = compiled.find((c) => c.api.path === template)?.api
    const operation = api?.operations.find((o) => o.httpMethod === method)
    return operation === undefined ? undefined : { file, operation }
  }
}

/** A collection's member path: its template, its parameter, that parameter's type and the member's GET type. */
export interface Member {
  readonly template: string
  readonly param: string
  readonly type: string
  readonly responseType: string
}

/** The member of a collection path (`/me/bill` -> `/me/bill/{billId}`), when its GET lists ids of one. */
export const memberOf = (match: Match): Member | undefined => {
  const template = match.api.path
  const list = match.api.operations.find((o) => o.httpMethod === "GET")
  if (list === undefined || !list.responseType.endsWith("[]")) return undefined
  for (const api of match.file.apis) {
    const rest = api.path.slice(template.length)
    if (api.path.startsWith(template + "/{") && rest.indexOf("/", 1) === -1 && rest.endsWith("}")) {
      const get = api.operations.find((o) => o.httpMethod === "GET")
      if (get === undefined) continue
      const param = rest.slice(2, -1)
      const type = get.parameters.find((p) => p.paramType === "path" && p.name === param)?.dataType ?? "string"
      return { template: api.path, param, type, responseType: get.responseType }
    }
  }
  return undefined
}

const sets = new Map<string, SchemaSet>()

/** The schema set of `directory`, shared by every fake in the process. */
export const forDirectory = (directory: string = defaultDirectory()): SchemaSet => {
  const key = path.resolve(directory)
  let set = sets.get(key)
  if (set === undefined) {
    if (!fs.existsSync(v1Directory(key))) {
      throw new Error(
        `OVHcloud API schemas not found in ${key}: set OVH_API_SCHEMAS to the folder holding v1/_index.json`
      )
    }
    set = new SchemaSet(key)
    sets.set(key, set)
  }
  return set
}
