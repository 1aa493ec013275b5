/**
 * Consumer keys: asking the API for one with a set of access rules (python-ovh's
 * `ConsumerKeyRequest`, here immutable and pipeable), waiting until the user validates it,
 * continuing with it, and listing, inspecting and revoking the credentials of an account.
 *
 * ```ts
 * const pending = yield* ConsumerKey.make().pipe(
 *   ConsumerKey.addRules(ConsumerKey.API_READ_ONLY, "/me"),
 *   ConsumerKey.addRecursiveRules(ConsumerKey.API_READ_WRITE_SAFE, "/domain/zone/example.com"),
 *   ConsumerKey.request
 * )
 * yield* Console.log(`validate it at ${pending.validationUrl}`)
 * yield* ConsumerKey.awaitValidation(pending)
 * yield* program.pipe(ConsumerKey.provide(pending.consumerKey))
 * ```
 *
 * @since 0.1.0
 */
import * as Clock from "effect/Clock"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import { dual } from "effect/Function"
import * as Inspectable from "effect/Inspectable"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Pipeable from "effect/Pipeable"
import * as Redacted from "effect/Redacted"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import * as OvhClient from "./OvhClient.ts"
import * as OvhError from "./OvhError.ts"

/** A method an access rule can allow. */
export type Method = "GET" | "POST" | "PUT" | "DELETE"

/** One access rule: `method` on `path`, where `*` matches any rest of the path, slashes included. */
export interface AccessRule {
  readonly method: Method
  readonly path: string
}

/** Read only: `GET`. */
export const API_READ_ONLY: ReadonlyArray<Method> = ["GET"]

/** Everything: `GET`, `POST`, `PUT`, `DELETE`. */
export const API_READ_WRITE: ReadonlyArray<Method> = ["GET", "POST", "PUT", "DELETE"]

/** Everything but `DELETE`: `GET`, `POST`, `PUT`. */
export const API_READ_WRITE_SAFE: ReadonlyArray<Method> = ["GET", "POST", "PUT"]

const TypeId = "~@effect-ovh/core/ConsumerKey/ConsumerKeyRequest" as const

/** The description of a consumer key to ask for. Build it with {@link make} and the `add*`/`with*` functions. */
export interface ConsumerKeyRequest extends Pipeable.Pipeable, Inspectable.Inspectable {
  readonly [TypeId]: typeof TypeId
  /** The rules, in the order they were added, without duplicates. */
  readonly accessRules: ReadonlyArray<AccessRule>
  /** Where the validation page sends the user afterwards. */
  readonly redirection: Option.Option<string>
  /** The IP blocks (CIDR) the key will be usable from; none means from anywhere. */
  readonly allowedIPs: Option.Option<ReadonlyArray<string>>
}

const Proto = {
  [TypeId]: TypeId,
  ...Inspectable.BaseProto,
  pipe() {
    return Pipeable.pipeArguments(this, arguments)
  },
  toJSON(this: ConsumerKeyRequest) {
    return {
      _id: "ConsumerKeyRequest",
      accessRules: this.accessRules,
      redirection: Option.getOrUndefined(this.redirection),
      allowedIPs: Option.getOrUndefined(this.allowedIPs)
    }
  }
}

const makeRequest = (
  fields: Omit<
    ConsumerKeyRequest,
    typeof TypeId | "pipe" | "toJSON" | "toString" | typeof Inspectable.NodeInspectSymbol
  >
): ConsumerKeyRequest => Object.assign(Object.create(Proto), fields)

/** Whether `u` is a {@link ConsumerKeyRequest}. */
export const isConsumerKeyRequest = (u: unknown): u is ConsumerKeyRequest =>
  typeof u === "object" && u !== null && TypeId in u

const normalize = (method: Method | Lowercase<Method>, path: string): AccessRule => ({
  method: method.toUpperCase() as Method,
  path
})

const appendRules = (self: ConsumerKeyRequest, rules: ReadonlyArray<AccessRule>): ConsumerKeyRequest => {
  const accessRules = [...self.accessRules]
  for (const rule of rules) {
    // python-ovh keeps duplicates; the API does not need them
    if (!accessRules.some((r) => r.method === rule.method && r.path === rule.path)) accessRules.push(rule)
  }
  return makeRequest({ ...self, accessRules })
}

/** A request with no rule yet, or with the rules and options given (e.g. the rules an `AccessRecorder` printed). */
export const make = (options?: {
  readonly accessRules?: ReadonlyArray<AccessRule> | undefined
  readonly redirection?: string | undefined
  readonly allowedIPs?: ReadonlyArray<string> | undefined
}): ConsumerKeyRequest =>
  appendRules(
    makeRequest({
      accessRules: [],
      redirection: Option.fromUndefinedOr(options?.redirection),
      allowedIPs: Option.fromUndefinedOr(options?.allowedIPs)
    }),
    (options?.accessRules ?? []).map((r) => normalize(r.method, r.path))
  )

/** Allows `method` on `path` (python-ovh `add_rule`). */
export const addRule: {
  (method: Method | Lowercase<Method>, path: string): (self: ConsumerKeyRequest) => ConsumerKeyRequest
  (self: ConsumerKeyRequest, method: Method | Lowercase<Method>, path: string): ConsumerKeyRequest
} = dual(
  3,
  (self: ConsumerKeyRequest, method: Method | Lowercase<Method>, path: string) =>
    appendRules(self, [normalize(method, path)])
)

/** Allows each of `methods` on `path` (python-ovh `add_rules`). */
export const addRules: {
  (methods: ReadonlyArray<Method | Lowercase<Method>>, path: string): (self: ConsumerKeyRequest) => ConsumerKeyRequest
  (self: ConsumerKeyRequest, methods: ReadonlyArray<Method | Lowercase<Method>>, path: string): ConsumerKeyRequest
} = dual(
  3,
  (self: ConsumerKeyRequest, methods: ReadonlyArray<Method | Lowercase<Method>>, path: string) =>
    appendRules(self, methods.map((m) => normalize(m, path)))
)

/**
 * Allows `methods` on `path` and everything below it, python-ovh's `add_recursive_rules`: trailing
 * `*`, `/` and spaces are trimmed, then `path` and `path/*` are added; `/` gives only `/*`.
 */
export const addRecursiveRules: {
  (methods: ReadonlyArray<Method | Lowercase<Method>>, path: string): (self: ConsumerKeyRequest) => ConsumerKeyRequest
  (self: ConsumerKeyRequest, methods: ReadonlyArray<Method | Lowercase<Method>>, path: string): ConsumerKeyRequest
} = dual(3, (self: ConsumerKeyRequest, methods: ReadonlyArray<Method | Lowercase<Method>>, path: string) => {
  const base = path.replace(/[*/ ]+$/, "")
  const paths = base === "" ? ["/*"] : [base, base + "/*"]
  return appendRules(self, paths.flatMap((p) => methods.map((m) => normalize(m, p))))
})

/** Adds rules as they are, e.g. the ones an `AccessRecorder` measured. */
export const addAccessRules: {
  (rules: ReadonlyArray<AccessRule>): (self: ConsumerKeyRequest) => ConsumerKeyRequest
  (self: ConsumerKeyRequest, rules: ReadonlyArray<AccessRule>): ConsumerKeyRequest
} = dual(
  2,
  (self: ConsumerKeyRequest, rules: ReadonlyArray<AccessRule>) =>
    appendRules(self, rules.map((r) => normalize(r.method, r.path)))
)

/** Sets where the validation page sends the user once they have validated the key. */
export const withRedirection: {
  (url: string): (self: ConsumerKeyRequest) => ConsumerKeyRequest
  (self: ConsumerKeyRequest, url: string): ConsumerKeyRequest
} = dual(2, (self: ConsumerKeyRequest, url: string) => makeRequest({ ...self, redirection: Option.some(url) }))

/** Restricts the key to IP blocks (`"203.0.113.0/24"`, `"2001:db8::/32"`). */
export const withAllowedIPs: {
  (blocks: ReadonlyArray<string>): (self: ConsumerKeyRequest) => ConsumerKeyRequest
  (self: ConsumerKeyRequest, blocks: ReadonlyArray<string>): ConsumerKeyRequest
} = dual(
  2,
  (self: ConsumerKeyRequest, blocks: ReadonlyArray<string>) =>
    makeRequest({ ...self, allowedIPs: Option.some([...blocks]) })
)

/** The state of a consumer key. */
export const CredentialState = Schema.Literals(["pendingValidation", "validated", "expired", "refused"])

/** The state of a consumer key. */
export type CredentialState = typeof CredentialState.Type

/** A consumer key the API has created, usable once the user validates it at `validationUrl`. */
export interface PendingConsumerKey {
  readonly validationUrl: string
  readonly consumerKey: Redacted.Redacted<string>
  readonly state: CredentialState
}

const CredentialRequestAnswer = Schema.Struct({
  validationUrl: Schema.String,
  consumerKey: Schema.String,
  state: CredentialState
})

const decodeAs = <S extends Schema.Codec<unknown, unknown>>(schema: S, method: string, path: string) => (u: unknown) =>
  Schema.decodeUnknownEffect(schema as Schema.Codec<S["Type"], unknown>)(u).pipe(
    Effect.mapError((issue) =>
      new OvhError.InvalidResponse({ status: 200, method, path, detail: String(issue).slice(0, 300) })
    )
  )

const requireApplicationKey = (client: OvhClient.Service, method: string, path: string) =>
  client.settings.auth._tag === "ApplicationKey"
    ? Effect.void
    : Effect.fail(
      new OvhError.InvalidKey({
        status: 0,
        method,
        path,
        message: "consumer keys belong to an application key; this client is configured with " +
          (client.settings.auth._tag === "OAuth2" ? "OAuth2 client credentials" : "an access token")
      })
    )

/**
 * Asks the API for a consumer key with these rules: `POST /auth/credential`, identified by the
 * application key alone (unsigned). The key works once the user validates it at `validationUrl`.
 */
export const request = Effect.fn("ConsumerKey.request")(function*(self: ConsumerKeyRequest) {
  const client = yield* OvhClient.OvhClient
  yield* requireApplicationKey(client, "POST", "/auth/credential")
  const answer = yield* client.post("/auth/credential", {
    accessRules: self.accessRules,
    ...(Option.isSome(self.redirection) ? { redirection: self.redirection.value } : {}),
    ...(Option.isSome(self.allowedIPs) ? { allowedIPs: self.allowedIPs.value } : {})
  }, { needAuth: false }).pipe(Effect.flatMap(decodeAs(CredentialRequestAnswer, "POST", "/auth/credential")))
  return {
    validationUrl: answer.validationUrl,
    consumerKey: Redacted.make(answer.consumerKey, { label: "consumer_key" }),
    state: answer.state
  } satisfies PendingConsumerKey
})

/** A credential (a consumer key) as the API describes it. */
export const Credential = Schema.Struct({
  credentialId: Schema.Number,
  applicationId: Schema.Number,
  status: CredentialState,
  rules: Schema.Array(Schema.Struct({ method: Schema.String, path: Schema.String })),
  creation: Schema.optionalKey(Schema.NullOr(Schema.String)),
  expiration: Schema.optionalKey(Schema.NullOr(Schema.String)),
  lastUse: Schema.optionalKey(Schema.NullOr(Schema.String)),
  allowedIPs: Schema.optionalKey(Schema.NullOr(Schema.Array(Schema.String))),
  ovhSupport: Schema.optionalKey(Schema.Boolean)
})

/** A credential (a consumer key) as the API describes it. */
export type Credential = typeof Credential.Type

/** An API application, as the API describes it. */
export const Application = Schema.Struct({
  applicationId: Schema.Number,
  applicationKey: Schema.String,
  name: Schema.String,
  description: Schema.optionalKey(Schema.String),
  status: Schema.optionalKey(Schema.String)
})

/** An API application, as the API describes it. */
export type Application = typeof Application.Type

/** The credential was read back as refused: the user declined it at its validation URL. */
export class ConsumerKeyRefused extends Schema.TaggedError<ConsumerKeyRefused>()("ConsumerKeyRefused", {
  detail: Schema.String
}) {
  override get message() {
    return `the consumer key was not validated: ${this.detail}`
  }
}

/** The credential was read back as expired. */
export class ConsumerKeyExpired extends Schema.TaggedError<ConsumerKeyExpired>()("ConsumerKeyExpired", {}) {
  override get message() {
    return "the consumer key has expired; request a new one"
  }
}

/** Nobody validated the key before the deadline (or before the polling schedule ended). */
export class ValidationTimeout extends Schema.TaggedError<ValidationTimeout>()("ValidationTimeout", {
  /** How long it waited, in milliseconds. */
  waited: Schema.Number,
  /** The API's last answer about the key (`INVALID_CREDENTIAL: This credential is not valid`), when it polled. */
  lastAnswer: Schema.optionalKey(Schema.String)
}) {
  override get message() {
    const waited = `the consumer key was not validated within ${Duration.format(Duration.millis(this.waited))}`
    return this.lastAnswer === undefined ? waited : `${waited} (last answer: ${this.lastAnswer})`
  }
}

/** Where the wait stands after a poll that found the key still waiting for its validation. */
export interface ValidationProgress {
  /** Polls made so far, this one included (1 for the first). */
  readonly attempt: number
  /** Time since the wait began. */
  readonly elapsed: Duration.Duration
  /** Time left before the deadline. */
  readonly remaining: Duration.Duration
  /** What the API answered: `pendingValidation`, or the error code and message it sent for the key. */
  readonly answer: string
}

/** Options of {@link awaitValidation}. */
export interface AwaitOptions {
  /** When to ask again while the key is pending. Default: every 2 seconds. */
  readonly schedule?: Schedule.Schedule<unknown, unknown> | undefined
  /** How long to wait at most. Default: 10 minutes. */
  readonly timeout?: Duration.Input | undefined
  /** Runs after each poll that finds the key still pending, the first one included (a countdown, a log line). */
  readonly onPending?: ((progress: ValidationProgress) => Effect.Effect<void>) | undefined
}

type Poll =
  | { readonly _tag: "Pending"; readonly answer: string }
  | { readonly _tag: "Known"; readonly credential: Credential }

const pendingAnswer = (error: OvhError.InvalidCredential | OvhError.NotCredential): Poll => ({
  _tag: "Pending",
  answer: `${error.errorCode ?? `HTTP ${error.status}`}: ${error.message}`
})

/**
 * Waits until the user validates `key`: polls `GET /auth/currentCredential`, signed with that key, on
 * `schedule` until the credential reads back `validated` (it is returned), `refused` (`ConsumerKeyRefused`)
 * or `expired` (`ConsumerKeyExpired`), or the deadline passes (`ValidationTimeout`).
 *
 * A key waiting for its validation is refused on every route, `/auth/currentCredential` included, with
 * `403 INVALID_CREDENTIAL "This credential is not valid"`: a key used right after it was requested gets
 * exactly that (Fotolia/ovh-rest#5, ovh/php-ovh#56), and the one client that polls for validation,
 * `@ovh-api/api` (`waitForCertValidation` in code/api/src/helper.ts), keeps polling through such errors
 * until the status reads `validated`. So `INVALID_CREDENTIAL`, `NOT_CREDENTIAL` (python-ovh's name for a key
 * not validated yet) and a credential in `pendingValidation` all mean "ask again": a refused key looks the
 * same from outside, and only an answer that reads the credential back as refused or expired ends the wait early.
 */
export const awaitValidation = Effect.fn("ConsumerKey.awaitValidation")(function*(
  key: PendingConsumerKey | Redacted.Redacted<string>,
  options?: AwaitOptions
) {
  const consumerKey = Redacted.isRedacted(key) ? key : key.consumerKey
  const client = yield* Effect.flatMap(OvhClient.OvhClient, (c) => c.withConsumerKey(consumerKey))
  const timeout = Duration.fromInputUnsafe(options?.timeout ?? Duration.minutes(10))
  const onPending = options?.onPending
  const startedAt = yield* Clock.currentTimeMillis
  let attempt = 0
  let lastAnswer: string | undefined
  const timedOut = Effect.flatMap(Clock.currentTimeMillis, (now) =>
    new ValidationTimeout({
      waited: now - startedAt,
      ...(lastAnswer !== undefined ? { lastAnswer } : {})
    }))
  const report = (answer: string) =>
    Effect.flatMap(Clock.currentTimeMillis, (now) => {
      lastAnswer = answer
      if (onPending === undefined) return Effect.void
      const elapsed = Math.max(0, now - startedAt)
      return onPending({
        attempt,
        elapsed: Duration.millis(elapsed),
        remaining: Duration.millis(Math.max(0, Duration.toMillis(timeout) - elapsed)),
        answer
      })
    })
  const poll: Effect.Effect<Poll, OvhError.OvhError> = Effect.suspend(() => {
    attempt++
    return client.get("/auth/currentCredential")
  }).pipe(
    Effect.flatMap(decodeAs(Credential, "GET", "/auth/currentCredential")),
    Effect.map((credential): Poll =>
      credential.status === "pendingValidation"
        ? { _tag: "Pending", answer: "pendingValidation" }
        : { _tag: "Known", credential }
    ),
    Effect.catchTags({
      InvalidCredential: (error) => Effect.succeed(pendingAnswer(error)),
      NotCredential: (error) => Effect.succeed(pendingAnswer(error))
    }),
    Effect.tap((p) => p._tag === "Pending" ? report(p.answer) : Effect.void)
  )
  const last = yield* Effect.repeat(poll, {
    schedule: options?.schedule ?? Schedule.spaced("2 seconds"),
    until: (p) => p._tag === "Known"
  }).pipe(Effect.timeoutOrElse({ duration: timeout, orElse: () => timedOut }))
  if (last._tag === "Pending") return yield* timedOut
  switch (last.credential.status) {
    case "refused":
      return yield* new ConsumerKeyRefused({ detail: "the credential reads back as refused" })
    case "expired":
      return yield* new ConsumerKeyExpired()
    default:
      return last.credential
  }
})

/** Runs `effect` with an `OvhClient` signing with `consumerKey`, reusing the current client's HTTP client and time delta. */
export const provide: {
  (consumerKey: string | Redacted.Redacted<string>): <A, E, R>(
    effect: Effect.Effect<A, E, R>
  ) => Effect.Effect<A, E | OvhError.InvalidKey, R | OvhClient.OvhClient>
  <A, E, R>(
    effect: Effect.Effect<A, E, R>,
    consumerKey: string | Redacted.Redacted<string>
  ): Effect.Effect<A, E | OvhError.InvalidKey, R | OvhClient.OvhClient>
} = dual(
  2,
  <A, E, R>(effect: Effect.Effect<A, E, R>, consumerKey: string | Redacted.Redacted<string>) =>
    Effect.flatMap(
      Effect.flatMap(OvhClient.OvhClient, (client) => client.withConsumerKey(consumerKey)),
      (client) => Effect.provideService(effect, OvhClient.OvhClient, client)
    )
)

/** An `OvhClient` signing with `consumerKey`, built over the `OvhClient` it is provided with. */
export const layerClient = (
  consumerKey: string | Redacted.Redacted<string>
): Layer.Layer<OvhClient.OvhClient, OvhError.InvalidKey, OvhClient.OvhClient> =>
  Layer.effect(
    OvhClient.OvhClient,
    Effect.flatMap(OvhClient.OvhClient, (client) => client.withConsumerKey(consumerKey))
  )

/** The ids of the account's credentials: `GET /me/api/credential`, optionally by application or state. */
export const listCredentials = Effect.fn("ConsumerKey.listCredentials")(function*(options?: {
  readonly applicationId?: number | undefined
  readonly status?: CredentialState | undefined
}) {
  const client = yield* OvhClient.OvhClient
  return yield* client.get("/me/api/credential", {
    applicationId: options?.applicationId,
    status: options?.status
  }).pipe(Effect.flatMap(decodeAs(Schema.Array(Schema.Number), "GET", "/me/api/credential")))
})

/** One credential of the account: `GET /me/api/credential/{credentialId}`. */
export const getCredential = Effect.fn("ConsumerKey.getCredential")(function*(credentialId: number) {
  const client = yield* OvhClient.OvhClient
  const path = `/me/api/credential/${credentialId}`
  return yield* client.get(path).pipe(Effect.flatMap(decodeAs(Credential, "GET", path)))
})

/** The credential the client in scope signs with: `GET /auth/currentCredential`. */
export const currentCredential = Effect.fn("ConsumerKey.currentCredential")(function*() {
  const client = yield* OvhClient.OvhClient
  return yield* client.get("/auth/currentCredential").pipe(
    Effect.flatMap(decodeAs(Credential, "GET", "/auth/currentCredential"))
  )
})

/** One API application of the account: `GET /me/api/application/{applicationId}`. */
export const getApplication = Effect.fn("ConsumerKey.getApplication")(function*(applicationId: number) {
  const client = yield* OvhClient.OvhClient
  const path = `/me/api/application/${applicationId}`
  return yield* client.get(path).pipe(Effect.flatMap(decodeAs(Application, "GET", path)))
})

/** Revokes a credential: `DELETE /me/api/credential/{credentialId}`; its key stops working at once. */
export const revokeCredential = Effect.fn("ConsumerKey.revokeCredential")(function*(credentialId: number) {
  const client = yield* OvhClient.OvhClient
  yield* client.delete(`/me/api/credential/${credentialId}`)
})

/** A credential with the application it belongs to (none when the account cannot see it, e.g. OVHcloud's own). */
export interface Authorization {
  readonly credential: Credential
  readonly application: Option.Option<Application>
}

/**
 * The applications authorized to access the account: every credential (optionally filtered), its
 * details and its application's name, `concurrency` requests at a time (default 8).
 */
export const listAuthorizations = Effect.fn("ConsumerKey.listAuthorizations")(function*(options?: {
  readonly applicationId?: number | undefined
  readonly status?: CredentialState | undefined
  readonly concurrency?: number | undefined
}) {
  const concurrency = options?.concurrency ?? 8
  const ids = yield* listCredentials(options)
  const credentials = yield* Effect.forEach(ids, (id) =>
    getCredential(id).pipe(
      Effect.map(Option.some),
      // revoked between the list and the details: not worth failing the listing for
      Effect.catchTag("ResourceNotFound", () => Effect.succeedNone)
    ), { concurrency }).pipe(Effect.map((all) => all.flatMap(Option.toArray)))
  // several credentials share an application: ask for each one once
  const applicationIds = [...new Set(credentials.map((c) => c.applicationId))]
  const applications = yield* Effect.forEach(applicationIds, (id) =>
    getApplication(id).pipe(
      Effect.map(Option.some),
      Effect.catchTag("ResourceNotFound", () => Effect.succeedNone)
    ), { concurrency })
  const byId = new Map(applicationIds.map((id, i) => [id, applications[i]!] as const))
  return credentials.map((credential): Authorization => ({
    credential,
    application: byId.get(credential.applicationId) ?? Option.none()
  }))
})
