/**
 * Effect Schemas of the OVHcloud API models and operation responses, generated from the same
 * descriptions as the types of `Api`. Each model's schema is built on first use. Only `ApiDecoded`
 * imports this module, so typed calls without decoding never load it.
 *
 * @since 0.1.0
 */
import type * as Schema from "effect/Schema"
import type * as Api from "./Api.ts"
import * as V1Schemas from "./generated/v1/schemas.ts"
import * as V2Schemas from "./generated/v2/schemas.ts"
import type * as V1 from "./generated/v1/models.ts"
import type * as V2 from "./generated/v2/models.ts"
import { responses } from "./generated/responses.ts"
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

/** The schema of an operation's response; `undefined` for a path the descriptions do not have. */
export const responseOf = (method: string, path: string): Schema.Top | undefined => {
  const spec = responses[`${method} ${path}`]
  if (spec === undefined) return undefined
  const colon = spec.indexOf(":")
  return registries[spec.slice(0, colon) as "v1" | "v2"].type(spec.slice(colon + 1))
}

/** The schema of a typed operation's response. */
export const response = <M extends Api.Method, P extends Api.Path<M>>(
  method: M,
  path: P
): Schema.Codec<Api.Response<M, P>, unknown> => responseOf(method, path) as Schema.Codec<Api.Response<M, P>, unknown>

/** Every typed operation, as `METHOD path`. */
export const operations: ReadonlyArray<string> = Object.keys(responses)
