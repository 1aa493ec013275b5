/**
 * `pnpm example consumer-key`: asks the API for a new consumer key, prints the URL where you
 * validate it, waits for the validation with a visible countdown, then greets you with the new key
 * and prints the key once, to put in `ovh.conf` or `OVH_CONSUMER_KEY`.
 *
 * Only the application key and secret need to be configured. By default the key is for `GET /me`;
 * `--recursive` asks for `--path` and everything below it (python-ovh's `add_recursive_rules`).
 */
import { ConsumerKey, OvhClient } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Duration, Effect, Option, Redacted, Schedule } from "effect"
import { Command, Flag } from "effect/cli"
import { withDefault } from "./internal/flags.ts"
import { runCommand } from "./internal/run.ts"

/** The method sets of python-ovh's `API_READ_ONLY`, `API_READ_WRITE` and `API_READ_WRITE_SAFE`. */
export const accessLevels = {
  "read-only": ConsumerKey.API_READ_ONLY,
  "read-write": ConsumerKey.API_READ_WRITE,
  "read-write-safe": ConsumerKey.API_READ_WRITE_SAFE
} as const

/** Options of {@link consumerKey}. */
export interface Options {
  readonly request: ConsumerKey.ConsumerKeyRequest
  readonly timeout: Duration.Duration
  readonly interval: Duration.Duration
}

const countdown = (left: number) =>
  process.stdout.isTTY
    ? Effect.sync(() => process.stdout.write(`\rwaiting for validation: ${String(left).padStart(4)} s left `))
    : Console.log(`waiting for validation: ${left} s left`)

/** Requests a consumer key, waits for its validation, then uses it. */
export const consumerKey = (options: Options) =>
  Effect.gen(function*() {
    const pending = yield* ConsumerKey.request(options.request)
    yield* Console.log(`access rules: ${options.request.accessRules.map((r) => `${r.method} ${r.path}`).join(", ")}`)
    yield* Console.log(`open this URL to validate the new consumer key:\n  ${pending.validationUrl}`)

    // one countdown line per check that finds the key still pending, the first check included
    yield* ConsumerKey.awaitValidation(pending, {
      timeout: options.timeout,
      schedule: Schedule.spaced(options.interval),
      onPending: (progress) => countdown(Math.ceil(Duration.toMillis(progress.remaining) / 1000))
    })
    if (process.stdout.isTTY) yield* Console.log("")
    yield* Console.log("validated")

    const me = yield* Effect.flatMap(OvhClient.OvhClient, (client) => client.get<{ readonly firstname: string }>("/me"))
      .pipe(
        Effect.map(Option.some),
        // a key without GET /me is still a good key: say so instead of failing
        Effect.catchTag("NotGranted", () => Effect.succeedNone),
        ConsumerKey.provide(pending.consumerKey)
      )
    yield* Console.log(Option.match(me, {
      onNone: () => "Welcome! (this key may not read /me)",
      onSome: (me) => `Welcome ${me.firstname}`
    }))
    // printed once, on purpose: it is the whole point of this example
    yield* Console.log(`your consumer key: ${Redacted.value(pending.consumerKey)}`)
    yield* Console.log("keep it like a password: put it in ovh.conf (consumer_key=) or OVH_CONSUMER_KEY")
  }).pipe(
    Effect.tapErrorTag("ValidationTimeout", () => Console.error("run the example again for a new key")),
    Effect.tapErrorTag("ConsumerKeyRefused", () => Console.error("run the example again for a new key")),
    Effect.tapErrorTag("ConsumerKeyExpired", () => Console.error("run the example again for a new key"))
  )

const seconds = (name: string, fallback: number, description: string) =>
  Flag.Int(name).pipe(
    Flag.filter((n) => n >= 1, (n) => `--${name} must be at least 1 second, got ${n}`),
    withDefault(description, fallback),
    Flag.map(Duration.seconds)
  )

const command = Command.make("consumer-key", {
  path: Flag.String("path").pipe(
    Flag.filter((p) => p.startsWith("/"), (p) => `--path must start with "/", got ${JSON.stringify(p)}`),
    withDefault("The API path the key is for", "/me")
  ),
  access: Flag.Literals("access", ["read-only", "read-write", "read-write-safe"] as const).pipe(
    withDefault("Methods allowed: GET only, GET/POST/PUT/DELETE, or GET/POST/PUT", "read-only" as const)
  ),
  recursive: Flag.Boolean("recursive").pipe(
    withDefault("Also allow every path below --path", false)
  ),
  redirection: Flag.String("redirection").pipe(
    Flag.withDescription("Where the validation page sends you afterwards"),
    Flag.optional
  ),
  timeout: seconds("timeout", 300, "How long to wait for the validation, in seconds"),
  interval: seconds("interval", 2, "How often to check the validation, in seconds")
}, (input) => {
  const methods = accessLevels[input.access]
  const request = ConsumerKey.make().pipe(
    input.recursive ? ConsumerKey.addRecursiveRules(methods, input.path) : ConsumerKey.addRules(methods, input.path),
    (request) =>
      Option.match(input.redirection, {
        onNone: () => request,
        onSome: (url) => ConsumerKey.withRedirection(request, url)
      })
  )
  return consumerKey({ request, timeout: input.timeout, interval: input.interval })
}).pipe(Command.withDescription("Request a consumer key, wait for its validation, and greet you with it"))

runCommand(command, NodeOvh.layer())
