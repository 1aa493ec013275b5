/**
 * `pnpm example consumer-key`: asks the API for a new consumer key, prints the URL where you
 * validate it, waits for the validation with a visible countdown, then greets you with the new key
 * and prints the key once, to put in `ovh.conf` or `OVH_CONSUMER_KEY`.
 *
 * Only the application key and secret need to be configured. By default the key is for `GET /me`;
 * `--recursive` asks for `--path` and everything below it (python-ovh's `add_recursive_rules`).
 */
import { OvhClient } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Clock, Console, Duration, Effect, Option, Redacted, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { runCommand } from "./internal/run.ts"

/** An access rule of a consumer key. */
export interface AccessRule {
  readonly method: string
  readonly path: string
}

/** The method sets of python-ovh's `API_READ_ONLY`, `API_READ_WRITE` and `API_READ_WRITE_SAFE`. */
export const accessLevels = {
  "read-only": ["GET"],
  "read-write": ["GET", "POST", "PUT", "DELETE"],
  "read-write-safe": ["GET", "POST", "PUT"]
} as const

/** `methods` on `path` exactly. */
export const rules = (methods: ReadonlyArray<string>, path: string): Array<AccessRule> =>
  methods.map((method) => ({ method: method.toUpperCase(), path }))

/** `methods` on `path` and everything below it: `/me` gives `/me` and `/me/*`, `/` gives only `/*`. */
export const recursiveRules = (methods: ReadonlyArray<string>, path: string): Array<AccessRule> => {
  const base = path.replace(/[*/ ]+$/, "")
  return [...(base === "" ? [] : rules(methods, base)), ...rules(methods, base + "/*")]
}

interface CredentialRequest {
  readonly validationUrl: string
  readonly consumerKey: string
  readonly state: string
}

interface Credential {
  readonly status: "pendingValidation" | "validated" | "expired" | "refused"
}

/** The user refused the key, or did not validate it in time. */
export class NotValidated extends Schema.TaggedError<NotValidated>()("NotValidated", {
  status: Schema.String,
  waited: Schema.Number
}) {
  override get message() {
    return this.status === "pendingValidation"
      ? `the consumer key was not validated within ${this.waited} s; run the example again for a new one`
      : `the consumer key was ${this.status}; run the example again for a new one`
  }
}

/** Options of {@link consumerKey}. */
export interface Options {
  readonly rules: ReadonlyArray<AccessRule>
  readonly redirection: Option.Option<string>
  readonly timeout: Duration.Duration
  readonly interval: Duration.Duration
}

const countdown = (left: number) =>
  process.stdout.isTTY
    ? Effect.sync(() => process.stdout.write(`\rwaiting for validation: ${String(left).padStart(4)} s left `))
    : Console.log(`waiting for validation: ${left} s left`)

/** Polls `GET /auth/currentCredential` with the new key until it is validated, refused, expired or out of time. */
const awaitValidation = (options: Pick<Options, "timeout" | "interval">) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    const start = yield* Clock.currentTimeMillis
    const deadline = start + Duration.toMillis(options.timeout)
    while (true) {
      // a pending key may be refused by the API rather than reported as pending: both mean "not yet"
      const status = yield* client.get<Credential>("/auth/currentCredential").pipe(
        Effect.map((credential) => credential.status),
        Effect.catchTags({
          NotCredential: () => Effect.succeed("pendingValidation" as const),
          // the API no longer knows a refused or expired key as the current one
          InvalidCredential: () => Effect.succeed("refused or expired" as const)
        })
      )
      const now = yield* Clock.currentTimeMillis
      if (status === "validated") return
      if (status !== "pendingValidation" || now >= deadline) {
        return yield* new NotValidated({ status, waited: Math.round((now - start) / 1000) })
      }
      yield* countdown(Math.ceil((deadline - now) / 1000))
      yield* Effect.sleep(Duration.min(options.interval, Duration.millis(deadline - now)))
    }
  })

/** Requests a consumer key, waits for its validation, then uses it. */
export const consumerKey = (options: Options) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    // unsigned: only the application key identifies the caller
    const request = yield* client.post<CredentialRequest>("/auth/credential", {
      accessRules: options.rules,
      redirection: Option.getOrNull(options.redirection)
    }, { needAuth: false })
    const key = Redacted.make(request.consumerKey)
    yield* Console.log(`access rules: ${options.rules.map((r) => `${r.method} ${r.path}`).join(", ")}`)
    yield* Console.log(`open this URL to validate the new consumer key:\n  ${request.validationUrl}`)

    const me = yield* Effect.gen(function*() {
      yield* awaitValidation(options)
      if (process.stdout.isTTY) yield* Console.log("")
      yield* Console.log("validated")
      return yield* (yield* OvhClient.OvhClient).get<{ readonly firstname: string }>("/me").pipe(
        Effect.map(Option.some),
        // a key without GET /me is still a good key: say so instead of failing
        Effect.catchTag("NotGranted", () => Effect.succeedNone)
      )
    }).pipe(
      // the same application and transport, signing with the new key
      Effect.provideService(OvhClient.OvhClient, yield* client.withConsumerKey(key))
    )

    yield* Console.log(Option.match(me, {
      onNone: () => "Welcome! (this key may not read /me)",
      onSome: (me) => `Welcome ${me.firstname}`
    }))
    // printed once, on purpose: it is the whole point of this example
    yield* Console.log(`your consumer key: ${Redacted.value(key)}`)
    yield* Console.log("keep it like a password: put it in ovh.conf (consumer_key=) or OVH_CONSUMER_KEY")
  })

const seconds = (name: string, fallback: number, description: string) =>
  Flag.Int(name).pipe(
    Flag.withDescription(description),
    Flag.filter((n) => n >= 1, (n) => `--${name} must be at least 1 second, got ${n}`),
    Flag.withDefault(fallback),
    Flag.map(Duration.seconds)
  )

const command = Command.make("consumer-key", {
  path: Flag.String("path").pipe(
    Flag.withDescription("The API path the key is for"),
    Flag.filter((p) => p.startsWith("/"), (p) => `--path must start with "/", got ${JSON.stringify(p)}`),
    Flag.withDefault("/me")
  ),
  access: Flag.Literals("access", ["read-only", "read-write", "read-write-safe"] as const).pipe(
    Flag.withDescription("Methods allowed: GET only, GET/POST/PUT/DELETE, or GET/POST/PUT"),
    Flag.withDefault("read-only" as const)
  ),
  recursive: Flag.Boolean("recursive").pipe(
    Flag.withDescription("Also allow every path below --path"),
    Flag.withDefault(false)
  ),
  redirection: Flag.String("redirection").pipe(
    Flag.withDescription("Where the validation page sends you afterwards"),
    Flag.optional
  ),
  timeout: seconds("timeout", 300, "How long to wait for the validation, in seconds"),
  interval: seconds("interval", 2, "How often to check the validation, in seconds")
}, (input) => {
  const methods = accessLevels[input.access]
  return consumerKey({
    rules: input.recursive ? recursiveRules(methods, input.path) : rules(methods, input.path),
    redirection: input.redirection,
    timeout: input.timeout,
    interval: input.interval
  })
}).pipe(Command.withDescription("Request a consumer key, wait for its validation, and greet you with it"))

runCommand(command, NodeOvh.layer())
