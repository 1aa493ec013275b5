/**
 * The user program of the packaging smoke test, compiled in a fresh project against the packed
 * tarballs. It only needs an `OvhClient`; the two entry points give it one over undici or fetch.
 */
import { OvhClient, OvhError } from "@effect-ovh/core"
import { Console, Effect } from "effect"

interface Me {
  readonly firstname: string
}

/** `true` when `T` is `any`: what a type becomes when a declaration file of a tarball is missing. */
export type IsAny<T> = 0 extends 1 & T ? true : false

const errorsAreTyped: IsAny<OvhError.OvhError> = false
const clientIsTyped: IsAny<OvhClient.Service["get"]> = false
void [errorsAreTyped, clientIsTyped]

/** A tag the compiler must know, or `catchTag` below does not type-check. */
const notFound: OvhError.Tag = "ResourceNotFound"

export const program = (label: string) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    const me = yield* client.get<Me>("/me")
    yield* Console.log(`[${label}] Welcome ${me.firstname}`)

    const outcome = yield* client.get<unknown>("/me/api/credential/424242").pipe(
      Effect.as("found"),
      Effect.catchTag(notFound, (error) =>
        // the class is exported at runtime, and the caught value is an instance of it
        Effect.succeed(
          error instanceof OvhError.ResourceNotFound ? `${error._tag} ${error.status}` : "not an instance"
        ))
    )
    // The remaining error channel no longer mentions ResourceNotFound.
    const rest: Effect.Effect<string, Exclude<OvhError.OvhError, OvhError.ResourceNotFound>> = Effect.succeed(outcome)
    yield* Console.log(`[${label}] ${yield* rest}`)
  })
