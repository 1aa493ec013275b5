/**
 * How every example starts and ends. `runCommand` parses the command line with `effect/cli`
 * (`--help`, validation, clear errors) and gives the handler the OVHcloud layer only once the
 * arguments are valid, so `--help` works without any configuration.
 *
 * `--help` ends with where the OVHcloud account is read from (`OVH_*` variables, `ovh.conf` files).
 *
 * A typed failure prints one line, `<Tag>: <message>`, and the process exits with 1; invalid
 * arguments print the help and the errors, and exit with 2. No stack trace, and no secret:
 * errors never hold one.
 */
import { Endpoint } from "@effect-ovh/core"
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, type Layer } from "effect"
import { CliError, CliOutput, Command } from "effect/cli"

/** Where every example reads its OVHcloud account from, shown at the end of `--help`. */
export const configurationHelp = `CONFIGURATION
  The OVHcloud account comes from these places; for each setting the first one that has it wins:
    1. OVH_* environment variables: OVH_ENDPOINT (${Endpoint.names.join(", ")} or a base URL),
       OVH_APPLICATION_KEY, OVH_APPLICATION_SECRET and OVH_CONSUMER_KEY (or OVH_CLIENT_ID and OVH_CLIENT_SECRET for an
       OAuth2 service account, or OVH_ACCESS_TOKEN), OVH_TIMEOUT (seconds per call, default 180)
    2. ovh.conf files, read like python-ovh: ./ovh.conf, then ~/.ovh.conf, then /etc/ovh.conf
       ([default] endpoint=ovh-eu, then application_key=... in the section named after the endpoint)
  The flags above only change what the example does, never the account.
  Every setting: docs/configuration.md`

/** effect/cli's help, followed by {@link configurationHelp}. */
const formatter = (base: CliOutput.Formatter): CliOutput.Formatter => ({
  ...base,
  formatHelpDoc: (doc) => `${base.formatHelpDoc(doc).replace(/\n+$/, "")}\n\n${configurationHelp}\n`
})

const describe = (error: unknown): string => {
  if (error !== null && typeof error === "object" && "_tag" in error) {
    const message = (error as { message?: unknown }).message
    return `${String((error as { _tag: unknown })._tag)}: ${typeof message === "string" ? message : ""}`
  }
  return `Error: ${String(error)}`
}

/** Runs an example program to completion and sets the exit code. */
export const runExample = <A, E>(program: Effect.Effect<A, E>): void => {
  Effect.runPromiseExit(program).then((exit) => {
    if (Exit.isSuccess(exit)) return
    const failure = Cause.findErrorOption(exit.cause)
    if (failure._tag === "Some" && CliError.isCliError(failure.value)) {
      // the command line was wrong: effect/cli already printed the help and what was wrong
      process.exitCode = 2
      return
    }
    process.stderr.write(
      (failure._tag === "Some" ? describe(failure.value) : `Defect: ${Cause.pretty(exit.cause).split("\n")[0]}`) + "\n"
    )
    process.exitCode = 1
  })
}

/**
 * Runs `command` on `process.argv`, providing `layer` (e.g. `NodeOvh.layer()`) to its handler.
 * The layer is built only when the handler runs, after the arguments were parsed.
 */
export const runCommand = <Name extends string, Input, E, R, ROut, E2>(
  // effect/cli's own type for a command without context input
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type
  command: Command.Command<Name, Input, {}, E, R>,
  layer: Layer.Layer<ROut, E2>
): void =>
  runExample(
    command.pipe(
      Command.provide(layer),
      Command.run({ version: "0.1.0" }),
      Effect.provide(CliOutput.layer(formatter(CliOutput.defaultFormatter()))),
      Effect.provide(NodeServices.layer)
    ) as Effect.Effect<void, E | E2 | CliError.CliError>
  )
