/**
 * A direct way for `OvhClient` to put its requests on the wire, for runtimes that have a faster
 * one than a general-purpose `HttpClient`. When an `OvhTransport` is in context, `call`, `send`,
 * `get`, `post`, `put` and `delete` go through it; without one (the default, and with the fake
 * API's in-memory layer) they go through the `HttpClient`. `raw`, `/auth/time` and OAuth2 token
 * requests always use the `HttpClient`.
 *
 * `@effect-ovh/node` provides one over undici, sharing the `HttpClient`'s connection pool and proxy.
 *
 * @since 0.1.0
 */
import * as Context from "effect/Context"

/** A request as the client signed it: `url` and `body` are sent byte for byte. */
export interface Request {
  readonly method: string
  readonly url: string
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>
  readonly body: string | undefined
}

/** A whole answer: its status, its headers (lower-case names, repeated ones joined by `, `) and its body. */
export interface Response {
  readonly status: number
  readonly headers: Readonly<Record<string, string>>
  readonly body: string
}

/** A request on its way: its whole answer to come, and how to stop it. */
export interface Sending {
  /**
   * The whole answer. Rejects when none arrives (refused, reset, TLS, DNS) or once `abort` is called;
   * a failing status is an answer, not a rejection.
   */
  readonly response: Promise<Response>
  /** Stops the request (the client calls it on interruption and timeout); does nothing once it ended. */
  readonly abort: () => void
}

/** What a transport does. */
export interface Service {
  /** Puts `request` on the wire. */
  readonly send: (request: Request) => Sending
}

/** The transport in scope, when there is one. */
export class OvhTransport extends Context.Service<OvhTransport, Service>()("@effect-ovh/core/OvhTransport") {}
