/**
 * `pnpm example credentials`: a table of the applications authorized on your account (python-ovh's
 * `tabulate` example): credential id, application name and description, when the token was
 * created, when it expires, when it was last used.
 *
 * `FanOut.getAll` gets the credentials whole: in list mode when the route has it, else one call per
 * credential; each credential's application is one more call, `--concurrency` at a time.
 * Calls go through the typed API. Needs `GET /me/api/credential` and `GET /me/api/credential/*`.
 */
import { Api, FanOut } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect, Layer, Stream } from "effect"
import { Command, Flag } from "effect/cli"
import { withDefault } from "./internal/flags.ts"
import { runCommand } from "./internal/run.ts"
import { table } from "./internal/table.ts"

/** One row per credential with `status`, details fetched `concurrency` credentials at a time. */
export const credentials = (options: {
  readonly status: Api.V1.auth.CredentialStateEnum
  readonly concurrency: number
}) =>
  Effect.gen(function*() {
    const api = yield* Api.Api
    const rows = yield* FanOut.getAll("/me/api/credential", {
      query: { status: options.status },
      concurrency: options.concurrency
    }).pipe(
      Stream.mapEffect((credential) =>
        api.get("/me/api/credential/{credentialId}/application", { credentialId: credential.credentialId }).pipe(
          // the application of a credential can be deleted before the credential
          Effect.catchTag("ResourceNotFound", () => Effect.succeed({ name: "(deleted)", description: "" })),
          Effect.map((application) => [
            String(credential.credentialId),
            application.name,
            application.description,
            credential.creation,
            credential.expiration ?? "never",
            credential.lastUse ?? "never"
          ])
        ), { concurrency: options.concurrency }),
      Stream.runCollect
    )
    yield* Console.log(
      table(["ID", "App Name", "Description", "Token Creation", "Token Expiration", "Token Last Use"], rows)
    )
    yield* Console.log(`${rows.length} ${options.status} credential(s)`)
  })

const command = Command.make("credentials", {
  status: Flag.Literals("status", ["validated", "pendingValidation", "expired", "refused"] as const).pipe(
    withDefault("Which credentials to list", "validated" as const)
  ),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.filter((n) => n >= 1 && n <= 50, (n) => `--concurrency must be between 1 and 50, got ${n}`),
    withDefault("How many credentials to look up at once", 8)
  )
}, credentials).pipe(Command.withDescription("Show the applications authorized on your account"))

runCommand(command, Api.Api.layer.pipe(Layer.provideMerge(NodeOvh.layer())))
