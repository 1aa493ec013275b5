/**
 * How every example starts and ends. `runCommand` parses the command line with `effect/cli`
 * (`--help`, validation, clear errors) and gives the handler the OVHcloud layer only once the
 * arguments are valid, so `--help` works without any configuration.
 *
 * A typed failure prints one line, `<Tag>: <message>`, and the process exits with 1; invalid
 * arguments print the help and the errors, and exit with 2. No stack trace, and no secret:
 * errors never hold one.
 */
import * as NodeServices from "@effect/platform-node/NodeServices"
import { Cause, Effect, Exit, type Layer } from "effect"
import { CliError, Command } from "effect/cli"

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
  command: Command.Command<Name, Input, {}, E, R>,
  layer: Layer.Layer<ROut, E2>
): void =>
  runExample(
    command.pipe(
      Command.provide(layer),
      Command.run({ version: "0.1.0" }),
      Effect.provide(NodeServices.layer)
    ) as Effect.Effect<void, E | E2 | CliError.CliError>
  )
