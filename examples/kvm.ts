/**
 * `pnpm example kvm --server ns1234.ip-1-2-3.eu --ip 203.0.113.7`: opens an IPMI KVM session on a
 * dedicated server for one IP address, waits until the session is ready, saves it as a Java Web
 * Start file and says how to open it (python-ovh's KVM example).
 *
 * Calls go through the typed API. Needs `POST /dedicated/server/*` and `GET /dedicated/server/*`.
 */
import { Api } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Clock, Console, Duration, Effect, FileSystem, Layer, Option, Path, Schema } from "effect"
import { Command, Flag } from "effect/cli"
import { withDefault } from "./internal/flags.ts"
import { runCommand } from "./internal/run.ts"

/** The session was not ready in time. */
export class KvmNotReady extends Schema.TaggedError<KvmNotReady>()("KvmNotReady", {
  server: Schema.String,
  waited: Schema.Number
}) {
  override get message() {
    return `the KVM session of ${this.server} was not ready after ${this.waited} s`
  }
}

/** Options of {@link kvm}. */
export interface Options {
  readonly server: string
  readonly ip: string
  readonly ttl: "1" | "3" | "5" | "10" | "15"
  readonly output: string
  readonly timeout: Duration.Duration
  readonly interval: Duration.Duration
}

/** Requests the session, polls until it is there, writes the JNLP file. */
export const kvm = (options: Options) =>
  Effect.gen(function*() {
    const api = yield* Api.Api
    const serviceName = options.server
    yield* api.post("/dedicated/server/{serviceName}/features/ipmi/access", {
      serviceName,
      ipToAllow: options.ip,
      ttl: Number(options.ttl) as Api.V1.dedicated.server.CacheTTLEnum,
      type: "kvmipJnlp"
    })
    yield* Console.log(`KVM access for ${options.ip} on ${options.server} requested for ${options.ttl} min`)

    const start = yield* Clock.currentTimeMillis
    const deadline = start + Duration.toMillis(options.timeout)
    const poll = api.get("/dedicated/server/{serviceName}/features/ipmi/access", { serviceName, type: "kvmipJnlp" })
      .pipe(
        // the session is there once the access holds a value
        Effect.map((access) =>
          typeof access.value === "string" && access.value !== ""
            ? Option.some({ jnlp: access.value, expiration: access.expiration ?? "the end of its time to live" })
            : Option.none()
        ),
        // until the API's task is done, the access does not exist yet
        Effect.catchTag("ResourceNotFound", () => Effect.succeedNone)
      )
    let access = yield* poll
    while (Option.isNone(access)) {
      const now = yield* Clock.currentTimeMillis
      if (now >= deadline) {
        return yield* new KvmNotReady({ server: options.server, waited: Math.round((now - start) / 1000) })
      }
      yield* Console.log(`not ready yet, checking again (${Math.ceil((deadline - now) / 1000)} s left)`)
      yield* Effect.sleep(options.interval)
      access = yield* poll
    }
    const fs = yield* FileSystem.FileSystem
    const path = yield* Path.Path
    const file = path.resolve(options.output)
    yield* fs.writeFileString(file, access.value.jnlp)
    yield* Console.log(`ready, valid until ${access.value.expiration}`)
    yield* Console.log(`saved to ${path.basename(file)}; open it with: javaws ${path.basename(file)}`)
  })

const IPv4 = Schema.String.pipe(
  Schema.check(
    Schema.makeFilter((s: string) =>
      /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(s) && s.split(".").every((n) => Number(n) <= 255) ||
      "expected an IPv4 address such as 203.0.113.7"
    )
  )
)

const seconds = (name: string, fallback: number, description: string) =>
  Flag.Int(name).pipe(
    Flag.filter((n) => n >= 1, (n) => `--${name} must be at least 1 second, got ${n}`),
    withDefault(description, fallback),
    Flag.map(Duration.seconds)
  )

const command = Command.make("kvm", {
  server: Flag.String("server").pipe(
    Flag.withDescription("The dedicated server (its service name, e.g. ns1234.ip-1-2-3.eu)")
  ),
  ip: Flag.String("ip").pipe(Flag.withDescription("The IPv4 address allowed to connect"), Flag.withSchema(IPv4)),
  ttl: Flag.Literals("ttl", ["1", "3", "5", "10", "15"] as const).pipe(
    withDefault("How long the session may be opened, in minutes", "15" as const)
  ),
  output: Flag.String("output").pipe(
    withDefault("Where to save the Java Web Start file", "kvm.jnlp")
  ),
  timeout: seconds("timeout", 120, "How long to wait for the session, in seconds"),
  interval: seconds("interval", 5, "How often to check, in seconds")
}, kvm).pipe(Command.withDescription("Open an IPMI KVM session on a dedicated server for one IP address"))

runCommand(command, Api.Api.layer.pipe(Layer.provideMerge(NodeOvh.layer())))
