import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import * as FakeOvhServer from "@effect-ovh/testing/FakeOvhServer"
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { promisify } from "node:util"

const root = path.resolve(import.meta.dirname, "../..")
const execFile = promisify(childProcess.execFile)

const listing = (dir: string): Array<string> => fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()

describe("refresh-api", () => {
  it.live(
    "fetches the index and every description the API serves, and writes the repository's set back",
    () =>
      Effect.gen(function*() {
        const fake = yield* FakeOvhApi.FakeOvhApi
        const out = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-api-"))
        yield* Effect.addFinalizer(() => Effect.sync(() => fs.rmSync(out, { recursive: true, force: true })))
        // the current names come from the folder being refreshed: start from a copy of the repository's
        for (const version of ["v1", "v2"]) {
          fs.cpSync(path.join(root, "ovh-api", version), path.join(out, version), { recursive: true })
        }
        fs.writeFileSync(
          path.join(out, "README.md"),
          "# descriptions\n\n<!-- current-set:start -->\nold\n<!-- current-set:end -->\n\nkept\n"
        )
        const origin = new URL(fake.baseUrl).origin
        const { stdout } = yield* Effect.promise(() =>
          execFile(process.execPath, [path.join(root, "scripts/refresh-api.ts"), "--base", origin, "--out", out])
        )
        assert.match(stdout, /^refresh-api: v1 70 files, \d+ operations; v2 14 files, \d+ operations/)
        for (const version of ["v1", "v2"]) {
          const expected = listing(path.join(root, "ovh-api", version))
          assert.deepStrictEqual(listing(path.join(out, version)), expected)
          for (const file of expected) {
            assert.strictEqual(
              fs.readFileSync(path.join(out, version, file), "utf8"),
              fs.readFileSync(path.join(root, "ovh-api", version, file), "utf8"),
              `${version}/${file}`
            )
          }
        }
        const readme = fs.readFileSync(path.join(out, "README.md"), "utf8")
        assert.include(readme, `--base ${origin}`)
        assert.match(readme, /\*\*v1\*\* from `[^`]+\/1\.0\/`: 70 files, 4685 paths, 6398 operations/)
        assert.notInclude(readme, "\nold\n")
        assert.include(readme, "kept")
        // two indexes and one document per root, nothing else
        assert.strictEqual((yield* fake.calls).length, 2 + 70 + 14)
      }).pipe(Effect.provide(FakeOvhServer.layer())),
    120_000
  )

  it("keeps the current set when the API cannot be reached", async () => {
    const out = fs.mkdtempSync(path.join(os.tmpdir(), "refresh-api-"))
    try {
      fs.mkdirSync(path.join(out, "v1"))
      fs.writeFileSync(path.join(out, "v1", "me.json"), "{}")
      const error = await execFile(process.execPath, [
        path.join(root, "scripts/refresh-api.ts"),
        "--base",
        "http://127.0.0.1:9",
        "--out",
        out
      ]).then(() => undefined, (e: { code: number; stderr: string }) => e)
      assert.strictEqual(error?.code, 1)
      assert.match(error!.stderr, /^refresh-api: /)
      assert.strictEqual(fs.readFileSync(path.join(out, "v1", "me.json"), "utf8"), "{}")
    } finally {
      fs.rmSync(out, { recursive: true, force: true })
    }
  })
})
