/**
 * The typed client with run-time validation: the same calls as `Api`, whose answers are decoded
 * with the Effect Schemas of `ApiSchema`. An answer that does not fit the description fails with
 * `OvhError.InvalidResponse`, whose `detail` names the field.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Api from "./Api.ts"
import * as ApiSchema from "./ApiSchema.ts"
import * as OvhClient from "./OvhClient.ts"
import * as OvhError from "./OvhError.ts"

/** The decoding client: `Api.Service`'s calls, validated. */
export type Service = Api.Service

/** Decodes one answer of `method path` (a path template of the descriptions). */
export const decode = (
  method: string,
  template: string,
  reply: OvhClient.Reply,
  path: string = template
): Effect.Effect<unknown, OvhError.InvalidResponse> => {
  const schema = ApiSchema.responseOf(method, template)
  if (schema === undefined) return Effect.succeed(reply.body)
  return Schema.decodeUnknownEffect(schema as Schema.Codec<unknown>)(reply.body).pipe(
    Effect.mapError((error) =>
      new OvhError.InvalidResponse({
        status: reply.status,
        method,
        path,
        detail: `not a ${method} ${template} response: ${error.message}`,
        ...(reply.queryId !== undefined ? { queryId: reply.queryId } : {})
      })
    )
  )
}

/** The decoding view of a client. */
export const make = (client: OvhClient.Service): Service => {
  const call =
    (method: Api.Method) =>
    (template: string, params?: Readonly<Record<string, unknown>>, options?: OvhClient.CallOptions) => {
      const request = Api.request(method, template, params, options)
      return request instanceof OvhError.BadParameters
        ? Effect.fail(request)
        : Effect.flatMap(client.send(request), (reply) => decode(method, template, reply, request.path))
    }
  // the typed signatures are a view of these four functions
  return { get: call("GET"), post: call("POST"), put: call("PUT"), delete: call("DELETE") } as never
}

/** The decoding client in scope. */
export class ApiDecoded extends Context.Service<ApiDecoded, Service>()("@effect-ovh/core/ApiDecoded") {
  /** The decoding view of the `OvhClient` in context. */
  static readonly layer: Layer.Layer<ApiDecoded, never, OvhClient.OvhClient> = Layer.effect(
    ApiDecoded,
    Effect.map(Effect.service(OvhClient.OvhClient), make)
  )
}
