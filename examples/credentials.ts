/**
 * `pnpm example credentials`: a table of the applications authorized on your account (python-ovh's
 * `tabulate` example): credential id, application name and description, when the token was
 * created, when it expires, when it was last used.
 *
 * Needs `GET /me/api/credential` and `GET /me/api/credential/*`.
 */
import { OvhClient } from "@effect-ovh/core"
import { NodeOvh } from "@effect-ovh/node"
import { Console, Effect } from "effect"
import { Command, Flag } from "effect/cli"
import { runCommand } from "./internal/run.ts"
import { table } from "./internal/table.ts"

interface Credential {
  readonly credentialId: number
  readonly creation: string
  readonly expiration: string | null
  readonly lastUse: string | null
}

interface Application {
  readonly name: string
  readonly description: string
}

/** One row per credential with `status`, details fetched `concurrency` credentials at a time. */
export const credentials = (options: { readonly status: string; readonly concurrency: number }) =>
  Effect.gen(function*() {
    const client = yield* OvhClient.OvhClient
    const ids = yield* client.get<ReadonlyArray<number>>("/me/api/credential", { status: options.status })
    const rows = yield* Effect.forEach(ids, (id) =>
      Effect.all([
        client.get<Credential>(`/me/api/credential/${id}`),
        client.get<Application>(`/me/api/credential/${id}/application`).pipe(
          // the application of a credential can be deleted before the credential
          Effect.catchTag("ResourceNotFound", () => Effect.succeed({ name: "(deleted)", description: "" }))
        )
      ], { concurrency: 2 }).pipe(
        Effect.map(([credential, application]) => [
          String(credential.credentialId),
          application.name,
          application.description,
          credential.creation,
          credential.expiration ?? "never",
          credential.lastUse ?? "never"
        ])
      ), { concurrency: options.concurrency })
    yield* Console.log(table(["ID", "App Name", "Description", "Token Creation", "Token Expiration", "Token Last Use"], rows))
    yield* Console.log(`${rows.length} ${options.status} credential(s)`)
  })

const command = Command.make("credentials", {
  status: Flag.Literals("status", ["validated", "pendingValidation", "expired", "refused"] as const).pipe(
    Flag.withDescription("Which credentials to list"),
    Flag.withDefault("validated" as const)
  ),
  concurrency: Flag.Int("concurrency").pipe(
    Flag.withDescription("How many credentials to look up at once"),
    Flag.filter((n) => n >= 1 && n <= 50, (n) => `--concurrency must be between 1 and 50, got ${n}`),
    Flag.withDefault(8)
  )
}, credentials).pipe(Command.withDescription("Show the applications authorized on your account"))

runCommand(command, NodeOvh.layer())
