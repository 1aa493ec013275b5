/**
 * How every example ends: a typed failure prints one line, `<Tag>: <message>`, and the process
 * exits with 1. No stack trace, and no secret: errors never hold one.
 */
import { Cause, Effect, Exit } from "effect"

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
    process.stderr.write(
      (failure._tag === "Some" ? describe(failure.value) : `Defect: ${Cause.pretty(exit.cause).split("\n")[0]}`) + "\n"
    )
    process.exitCode = 1
  })
}
