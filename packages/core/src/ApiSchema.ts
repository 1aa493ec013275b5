/**
 * Effect Schemas of the OVHcloud API models and operation responses, generated from the same
 * descriptions as the types of `Api`. Each model's schema is built on first use. Only `ApiDecoded`
 * imports this module, so typed calls without decoding never load it.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import type * as Api from "./Api.ts"
import { responses, type ResponseTree } from "./generated/responses.ts"
import type * as V1 from "./generated/v1/models.ts"
import * as V1Schemas from "./generated/v1/schemas.ts"
import type * as V2 from "./generated/v2/models.ts"
import * as V2Schemas from "./generated/v2/schemas.ts"
import * as Registry from "./internal/apiSchema.ts"

const registries = {
  v1: Registry.makeRegistry(V1Schemas.descriptors),
  v2: Registry.makeRegistry(V2Schemas.descriptors)
}

/** The schema of a v1 model: `ApiSchema.v1("billing.Bill")`. */
export const v1 = <K extends keyof V1.Index>(id: K): Schema.Codec<V1.Index[K], unknown> =>
  registries.v1.type(id) as Schema.Codec<V1.Index[K], unknown>

/** The schema of a v2 model: `ApiSchema.v2("iam.Policy")`. */
export const v2 = <K extends keyof V2.Index>(id: K): Schema.Codec<V2.Index[K], unknown> =>
  registries.v2.type(id) as Schema.Codec<V2.Index[K], unknown>

/** The schema of a type as the descriptions write it (`billing.Bill[]`, `complexType.UnitAndValue<double>`). */
export const ofType = (version: "v1" | "v2", text: string): Schema.Top => registries[version].type(text)

/** The response type of `method path` as the descriptions write it, or `undefined`. */
const responseType = (method: string, path: string): string | undefined => {
  let node: ResponseTree | string | undefined = responses
  for (const segment of path.slice(1).split("/")) {
    node = typeof node === "object" && Object.hasOwn(node, segment) ? node[segment] : undefined
  }
  const leaf = typeof node === "object" && Object.hasOwn(node, `$${method}`) ? node[`$${method}`] : undefined
  return typeof leaf === "string" ? leaf : undefined
}

/** The schema of an operation's response; `undefined` for a path the descriptions do not have. */
export const responseOf = (method: string, path: string): Schema.Top | undefined => {
  const type = responseType(method, path)
  if (type === undefined) return undefined
  return registries[path.startsWith("/v2/") ? "v2" : "v1"].type(type)
}

/** The schema of a typed operation's response. */
export const response = <M extends Api.Method, P extends Api.Path<M>>(
  method: M,
  path: P
): Schema.Codec<Api.Response<M, P>, unknown> => responseOf(method, path) as Schema.Codec<Api.Response<M, P>, unknown>

const operationsIn = (node: ResponseTree, path: string): Array<string> =>
  Object.keys(node).flatMap((key) => {
    const child = node[key]!
    return typeof child === "string" ? [`${key.slice(1)} ${path}`] : operationsIn(child, `${path}/${key}`)
  })

/** Every typed operation, as `METHOD path`. */
export const operations: ReadonlyArray<string> = operationsIn(responses, "")
