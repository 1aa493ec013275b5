/**
 * Parameter checks, shared by v1 and v2: each path, query and body parameter of an operation against
 * its type in the descriptions, as the API refuses them (400 `BAD_PARAMETERS`, the parameter named in
 * brackets: `[billId] Given data (x) is not an integer`).
 */
import * as Reply from "./reply.ts"
import type * as Schemas from "./schemas.ts"
import * as Types from "./types.ts"

/** Query parameters; a repeated key gives an array. */
export type Query = Readonly<Record<string, string | ReadonlyArray<string>>>

/** The query of a URL as {@link Query}. */
export const parseQuery = (url: URL): Query => {
  const query: Record<string, string | Array<string>> = {}
  for (const [k, v] of url.searchParams) {
    const existing = query[k]
    query[k] = existing === undefined ? v : Array.isArray(existing) ? [...existing, v] : [existing, v]
  }
  return query
}

/** One request's parameters, as received. */
export interface Request {
  readonly method: string
  readonly match: Schemas.Match
  readonly operation: Schemas.Operation
  readonly query: Query
  /** The body parsed as JSON, `undefined` when empty. */
  readonly body: unknown
}

/**
 * The 400 the API answers for `request`, or `undefined` when its parameters fit. `wholeBody` lists the
 * methods whose body is a whole object, so its mandatory properties must be there (v1: `POST`; v2 also
 * `PUT`, which sends the whole target specification).
 */
export const check = (
  schemas: Schemas.SchemaSet,
  request: Request,
  wholeBody: ReadonlySet<string>
): Reply.Reply | undefined => {
  const { match, operation, query, body } = request
  for (const p of operation.parameters) {
    const type = Types.parse(p.fullType ?? p.dataType)
    if (p.paramType === "path") {
      const value = match.params[p.name ?? ""]
      const why = value === undefined ? "is missing" : Types.check(schemas, match.file, type, value, "text")
      if (why !== undefined) return Reply.badParameters(`[${p.name}] Given data (${value}) ${why}`)
    } else if (p.paramType === "query") {
      const value = query[p.name ?? ""]
      if (value === undefined) {
        if (p.required) return Reply.badParameters(`[${p.name}] Missing parameter: ${p.name} is mandatory`)
        continue
      }
      const why = Types.check(schemas, match.file, type, value, "text")
      if (why !== undefined) return Reply.badParameters(`[${p.name}] Given data (${String(value)}) ${why}`)
    } else if (p.paramType === "body") {
      if (p.name === undefined || p.name === "") {
        // The whole body is one model.
        if (body === undefined) {
          if (p.required) return Reply.badParameters(`[body] Missing parameter: a ${p.dataType} body is mandatory`)
          continue
        }
        const why = Types.check(schemas, match.file, type, body, "json")
        if (why !== undefined) return Reply.badParameters(`${why.startsWith("[") ? "" : "[body] "}${why}`)
        if (wholeBody.has(request.method) && type._tag === "Named") {
          const model = schemas.model(Types.show(type), match.file)
          for (const [name, property] of Object.entries(model?.properties ?? {})) {
            if (property.required && !property.readOnly && (body as Record<string, unknown>)[name] === undefined) {
              return Reply.badParameters(`[${name}] Property is mandatory`)
            }
          }
        }
      } else {
        // One property of the body.
        const fields = body !== undefined && body !== null && typeof body === "object"
          ? body as Record<string, unknown>
          : undefined
        const value = fields?.[p.name]
        if (value === undefined) {
          if (p.required) return Reply.badParameters(`[${p.name}] Property is mandatory`)
          continue
        }
        const why = Types.check(schemas, match.file, type, value, "json")
        if (why !== undefined) return Reply.badParameters(`[${p.name}] Given data (${JSON.stringify(value)}) ${why}`)
      }
    }
  }
  if (
    body !== undefined && (body === null || typeof body !== "object") &&
    operation.parameters.some((p) => p.paramType === "body")
  ) {
    return Reply.badParameters("[body] The request body must be a JSON object")
  }
  return undefined
}
