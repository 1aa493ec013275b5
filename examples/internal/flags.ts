/**
 * Flags of the examples. effect/cli's help lists a flag's description but not its default, so a
 * flag with a default says it in its description, from the same value the parser falls back to.
 */
import { Flag } from "effect/cli"

/** Describes the flag, with `(default: <shown>)` at the end, and falls back to `fallback` when it is absent. */
export const withDefault =
  <A>(description: string, fallback: A, shown: string = String(fallback)) =>
  <B>(self: Flag.Flag<B>): Flag.Flag<A | B> =>
    self.pipe(Flag.withDescription(`${description} (default: ${shown})`), Flag.withDefault(fallback))
