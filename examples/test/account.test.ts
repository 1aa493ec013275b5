import * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { assert, layer } from "@effect/vitest"
import { Effect, Redacted } from "effect"
import { applications, mailDomain } from "../internal/demo-account.ts"
import { demoLayer, run, runWith } from "./harness.ts"

layer(demoLayer(), { excludeTestServices: true })("credentials and mail-redirection examples", (it) => {
  it.effect("credentials prints a table of the authorized applications", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      const pending = yield* fake.createConsumerKey({
        rules: [{ method: "GET", path: "/me" }],
        state: "pendingValidation"
      })
      yield* fake.clearCalls
      const [result, listed, invalid] = yield* Effect.all([
        runWith(fake, "credentials"),
        runWith(fake, "credentials", "--status", "pendingValidation"),
        run("credentials", ["--status", "sleeping"], {})
      ], { concurrency: "unbounded" })
      assert.strictEqual(result.code, 0, result.stderr)
      const lines = result.stdout.trimEnd().split("\n")
      assert.match(lines[0]!, /^ID\s+App Name\s+Description\s+Token Creation\s+Token Expiration\s+Token Last Use$/)
      assert.match(lines[1]!, /^-+( +-+){5}$/)
      const rows = lines.slice(2, -1)
      assert.strictEqual(rows.length, 1 + applications.length) // the pending key is not listed
      for (const app of applications) assert.isTrue(rows.some((row) => row.includes(` ${app.name} `)), app.name)
      assert.strictEqual(lines.at(-1), `${rows.length} validated credential(s)`)
      // no consumer key is ever printed
      assert.notInclude(result.stdout, Redacted.value(pending))
      assert.notInclude(result.stdout, Redacted.value(fake.credentials.consumerKey))

      // the fake has no list mode on this route: the list asked in list mode answers ids, each credential one GET
      const lists = (yield* fake.calls).filter((c) => c.path === "/me/api/credential")
      assert.deepStrictEqual(lists.map((c) => c.headers["x-pagination-mode"]), [
        "CachedObjectList-Pages",
        "CachedObjectList-Pages"
      ])
      const details = (yield* fake.calls).filter((c) => c.template === "/me/api/credential/{credentialId}")
      assert.strictEqual(details.length, rows.length + 1)

      assert.strictEqual(listed.stdout.trimEnd().split("\n").at(-1), "1 pendingValidation credential(s)")
      assert.strictEqual(invalid.code, 2)
    }))

  it.effect("mail-redirection posts from (given as _from), to and localCopy", () =>
    Effect.gen(function*() {
      const fake = yield* FakeOvhApi.FakeOvhApi
      yield* fake.clearCalls
      const [result, unknown, invalid] = yield* Effect.all([
        runWith(
          fake,
          "mail-redirection",
          "--domain",
          mailDomain,
          "--from",
          `sales@${mailDomain}`,
          "--to",
          "ada@example.com",
          "--local-copy"
        ),
        runWith(
          fake,
          "mail-redirection",
          "--domain",
          "nowhere.example",
          "--from",
          "a@nowhere.example",
          "--to",
          "b@example.com"
        ),
        run("mail-redirection", ["--domain", mailDomain, "--from", "not-an-address", "--to", "b@example.com"], {})
      ], { concurrency: "unbounded" })
      assert.strictEqual(result.code, 0, result.stderr)
      const lines = result.stdout.trimEnd().split("\n")
      assert.strictEqual(
        lines[0],
        `redirection sales@${mailDomain} -> ada@example.com (keeping a local copy) requested`
      )
      assert.match(lines[1]!, /^task \d+: add, queued at \d{4}-\d{2}-\d{2}T/)
      const post = (yield* fake.calls).find((c) => c.method === "POST" && c.status === 200)
      assert.strictEqual(post?.path, `/email/domain/${mailDomain}/redirection`)
      assert.deepStrictEqual(post?.body, { from: `sales@${mailDomain}`, to: "ada@example.com", localCopy: true })

      assert.strictEqual(unknown.code, 1)
      assert.match(unknown.stderr, /^no mail domain nowhere.example on this account\nResourceNotFound: /)
      assert.strictEqual(invalid.code, 2)
      assert.include(invalid.stdout + invalid.stderr, "expected an email address")
    }))
})
