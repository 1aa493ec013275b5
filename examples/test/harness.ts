/**
 * Runs an example as a child process, the way a user does, against a fake OVHcloud API on loopback.
 */
import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { type Duration, Effect, Layer, Redacted } from "effect"
import { execFile } from "node:child_process"
import { mkdtempSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import * as DemoAccount from "../internal/demo-account.ts"

// shared by every run: Node compiles the same sources once
const compileCache = join(tmpdir(), "effect-ovh-compile-cache")

/** What a run printed and how it ended. */
export interface Result {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
  /** The working directory it ran in (empty, and its HOME too). */
  readonly cwd: string
}

/** The `OVH_*` variables of a client of `fake` with its full-access credentials. */
export const envOf = (fake: FakeOvhApi.FakeOvhApi["Service"]): Record<string, string> => ({
  OVH_ENDPOINT: fake.baseUrl,
  OVH_APPLICATION_KEY: fake.credentials.applicationKey,
  OVH_APPLICATION_SECRET: Redacted.value(fake.credentials.applicationSecret),
  OVH_CONSUMER_KEY: Redacted.value(fake.credentials.consumerKey)
})

/** Runs `examples/<name>.ts args...` with only `env` (plus PATH) in an empty directory. */
export const run = (name: string, args: ReadonlyArray<string>, env: Record<string, string>) =>
  Effect.callback<Result>((resume) => {
    const cwd = mkdtempSync(join(tmpdir(), `example-${name}-`))
    execFile(
      process.execPath,
      [join(import.meta.dirname, "..", `${name}.ts`), ...args],
      { cwd, env: { PATH: process.env["PATH"] ?? "", HOME: cwd, NODE_COMPILE_CACHE: compileCache, ...env } },
      (error, stdout, stderr) => {
        resume(
          Effect.succeed({ code: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr, cwd })
        )
      }
    )
  })

/** Runs an example configured for `fake`. */
export const runWith = (fake: FakeOvhApi.FakeOvhApi["Service"], name: string, ...args: ReadonlyArray<string>) =>
  run(name, args, envOf(fake))

/** The demo's fake: its account seeded, keys validated after `validateAfter`, the KVM slow to open. */
export const demoLayer = (options?: { readonly validateAfter?: Duration.Input }) =>
  Layer.effectDiscard(
    Effect.flatMap(Effect.service(FakeOvhApi.FakeOvhApi), (fake) =>
      DemoAccount.prepare(fake, { validateAfter: options?.validateAfter ?? "1 second" }))
  ).pipe(Layer.provideMerge(FakeOvhServer.layer({ seed: "demo", data: DemoAccount.data })))
