import * as ApiSchema from "@effect-ovh/core/ApiSchema"
import { assert, describe, it } from "@effect/vitest"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import { createRequire } from "node:module"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../..")
const script = path.join(root, "scripts", "generate-api.ts")
const generated = path.join(root, "packages", "core", "src", "generated")
const read = (file: string) => fs.readFileSync(path.join(generated, file), "utf8")
/** Every API module of a generated folder, concatenated. */
const allOperations = (dir: string) =>
  fs.readdirSync(path.join(dir, "ops")).sort().map((f) => fs.readFileSync(path.join(dir, "ops", f), "utf8")).join("\n")

const run = (args: ReadonlyArray<string>, env: Record<string, string> = {}) =>
  childProcess.execFileSync(process.execPath, [script, ...args], { encoding: "utf8", env: { ...process.env, ...env } })

// One API root, written here: the generator reads any folder of the same shape.
const fixture = {
  apiVersion: "1.0",
  resourcePath: "/demo",
  apis: [{
    path: "/demo/{id}",
    operations: [{
      httpMethod: "GET",
      parameters: [{ name: "id", paramType: "path", dataType: "long", fullType: "long", required: true }],
      responseType: "demo.Thing",
      noAuthentication: false,
      description: "A thing",
      apiStatus: {
        value: "DEPRECATED",
        deprecatedDate: "2025-01-01T00:00:00+01:00",
        deletionDate: "2025-06-01T00:00:00+01:00",
        replacement: "/demo/v2/{id}"
      },
      iamActions: [{ name: "demo:apiovh:thing/get", required: true }]
    }]
  }],
  models: {
    "demo.Thing": {
      id: "Thing",
      namespace: "demo",
      properties: {
        state: { type: "demo.StateEnum", canBeNull: false, readOnly: true, required: false },
        size: { type: "complexType.UnitAndValue<double>", canBeNull: true, readOnly: true, required: false }
      }
    },
    "demo.StateEnum": { id: "StateEnum", namespace: "demo", enum: ["ok", "ko"], enumType: "string" },
    "complexType.UnitAndValue<T>": {
      id: "UnitAndValue",
      namespace: "complexType",
      generics: ["T"],
      properties: {
        unit: { type: "string", canBeNull: false, readOnly: true, required: false },
        value: { type: "T", canBeNull: false, readOnly: true, required: false }
      }
    }
  }
}

describe("generate-api", () => {
  it("types every v1 and v2 operation of the shared descriptions", () => {
    const operations = allOperations(generated)
    // one call signature per operation
    assert.strictEqual((operations.match(/^\(path: "\//gm) ?? []).length, 6624)
    // one module per API, all of them in the table of every operation
    const modules = fs.readdirSync(path.join(generated, "ops")).filter((f) => !f.startsWith("_"))
    assert.includeMembers(modules, ["me.ts", "domain.ts", "v2-iam.ts"])
    const table = read("operations.ts")
    for (const module of modules) assert.include(table, `from "./ops/${module}"`)
    assert.match(read("ops/me.ts"), /^"\/me\/bill\/\{billId\}": \{$/m)
    assert.notMatch(read("ops/me.ts"), /^"\/domain/m)
    assert.strictEqual((operations.match(/^\(path: "\/v2\//gm) ?? []).length, 226)
    // pagination headers are not parameters
    assert.notInclude(operations, "X-Pagination")
    // deprecation, with its deletion date and replacement
    assert.match(
      operations,
      /@deprecated deprecated since \d{4}-\d\d-\d\d; deleted on \d{4}-\d\d-\d\d; use `\/[^`]+` instead/
    )
    assert.strictEqual(ApiSchema.operations.length, 6624)
  })

  it("reads the folder given by OVH_API_SCHEMAS or --schemas, writes to --out", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "generate-api-"))
    fs.mkdirSync(path.join(dir, "schemas", "v1"), { recursive: true })
    fs.writeFileSync(path.join(dir, "schemas", "v1", "demo.json"), JSON.stringify(fixture))
    const out = path.join(dir, "out")
    const log = run(["--out", out], { OVH_API_SCHEMAS: path.join(dir, "schemas") })
    assert.include(log, "1 operations")
    const ops = fs.readFileSync(path.join(out, "ops", "demo.ts"), "utf8")
    assert.include(ops, "\"/demo/{id}\": {\nreadonly p: {\nreadonly id: number\n}\nreadonly r: V1.demo.Thing\n}")
    // one call signature per operation, under its comment: what an editor shows on `api.get("/demo/{id}", ...)`
    assert.include(
      ops,
      " * @deprecated deprecated since 2025-01-01; deleted on 2025-06-01; use `/demo/v2/{id}` instead\n */\n" +
        "(path: \"/demo/{id}\", params: Get[\"/demo/{id}\"][\"p\"], options?: O): R<Get[\"/demo/{id}\"]>\n"
    )
    assert.include(ops, "@deprecated deprecated since 2025-01-01; deleted on 2025-06-01; use `/demo/v2/{id}` instead")
    const models = fs.readFileSync(path.join(out, "v1", "models.ts"), "utf8")
    assert.include(models, "export type StateEnum = \"ok\" | \"ko\"")
    assert.include(models, "readonly size?: $.complexType.UnitAndValue<number> | null")
    assert.include(models, "export interface UnitAndValue<T> {")
    const again = path.join(dir, "again")
    run(["--schemas", path.join(dir, "schemas"), "--out", again])
    assert.strictEqual(fs.readFileSync(path.join(again, "ops", "demo.ts"), "utf8"), ops)
    assert.strictEqual(
      fs.readFileSync(path.join(again, "operations.ts"), "utf8"),
      fs.readFileSync(path.join(out, "operations.ts"), "utf8")
    )
    fs.rmSync(dir, { recursive: true, force: true })
  })
})

// ---------------------------------------------------------------------------------------------------------------------
// What an editor shows at a call site, asked of TypeScript's language server (`tsc --lsp --stdio`, TypeScript 7's
// language service: its API package has no quick-info call), as an editor asks it.

/** A minimal LSP client over stdio: requests in order, answers by id, server requests answered with null. */
const languageServer = () => {
  const require = createRequire(import.meta.url)
  const exe = childProcess.execFileSync(process.execPath, [
    "--input-type=module",
    "-e",
    `import getExePath from ${
      JSON.stringify(
        pathToFileURL(path.join(path.dirname(require.resolve("typescript/package.json")), "lib", "getExePath.js")).href
      )
    }; process.stdout.write(getExePath())`
  ], { encoding: "utf8" })
  const server = childProcess.spawn(exe, ["--lsp", "--stdio"], { cwd: root, stdio: ["pipe", "pipe", "ignore"] })
  let buffer = Buffer.alloc(0)
  let nextId = 0
  const pending = new Map<number, (message: { result?: unknown; error?: unknown }) => void>()
  const write = (message: object) => {
    const text = JSON.stringify({ jsonrpc: "2.0", ...message })
    server.stdin.write(`Content-Length: ${Buffer.byteLength(text)}\r\n\r\n${text}`)
  }
  server.stdout.on("data", (chunk: Buffer) => {
    buffer = Buffer.concat([buffer, chunk])
    for (;;) {
      const end = buffer.indexOf("\r\n\r\n")
      if (end < 0) return
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, end).toString())![1])
      if (buffer.length < end + 4 + length) return
      const message = JSON.parse(buffer.subarray(end + 4, end + 4 + length).toString())
      buffer = buffer.subarray(end + 4 + length)
      if (message.method !== undefined && message.id !== undefined) write({ id: message.id, result: null })
      else if (message.id !== undefined) pending.get(message.id)?.(message)
    }
  })
  const request = (method: string, params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const id = ++nextId
      pending.set(id, (message) =>
        message.error ? reject(new Error(JSON.stringify(message.error))) : resolve(message.result))
      write({ id, method, params })
    })
  return {
    request,
    notify: (method: string, params: unknown) => write({ method, params }),
    close: () => server.kill()
  }
}

describe("the typed API in an editor", () => {
  it("shows each operation's description on hover and strikes deprecated operations through", async () => {
    const lsp = languageServer()
    try {
      // a file of the workspace (it is never written: the editor's buffer is what the server reads)
      const uri = pathToFileURL(path.join(root, "packages", "core", "test", "types", "editor.ts")).href
      const text = [
        `import type { Api } from "@effect-ovh/core"`,
        `declare const api: Api.Service`,
        `export const bill = api.get("/me/bill/{billId}", { billId: "FR1" })`,
        `export const old = api.get("/price/dedicatedCloud/2013v1/bhs1a/filer/hourly/{filerProfile}", { filerProfile: "iscsi-1200-GB" })`,
        `export const queue = api.post("/telephony/{billingAccount}/easyHunting/{serviceName}/hunting/queue/{queueId}/agent", {`,
        `  billingAccount: "b", serviceName: "s", queueId: "7", $body: { queueId: 7, position: 1 }`,
        `})`
      ].join("\n")
      await lsp.request("initialize", {
        processId: process.pid,
        rootUri: pathToFileURL(root).href,
        capabilities: {
          textDocument: {
            hover: { contentFormat: ["markdown"] },
            diagnostic: { dynamicRegistration: false, tagSupport: { valueSet: [1, 2] } }
          }
        }
      })
      lsp.notify("initialized", {})
      lsp.notify("textDocument/didOpen", { textDocument: { uri, languageId: "typescript", version: 1, text } })
      // `get` of line `line`
      const at = (line: number) => ({
        textDocument: { uri },
        position: { line, character: text.split("\n")[line]!.indexOf("api.") + 5 }
      })
      const diagnostics = (await lsp.request("textDocument/diagnostic", { textDocument: { uri } })) as {
        readonly items: ReadonlyArray<
          { range: { start: { line: number } }; severity: number; code: number; tags?: Array<number> }
        >
      }
      // no error; one hint: the deprecated call, tagged Deprecated (2), which editors strike through
      assert.deepStrictEqual(
        diagnostics.items.map((d) => ({ line: d.range.start.line, severity: d.severity, code: d.code, tags: d.tags })),
        [{ line: 3, severity: 4, code: 6387, tags: [2] }]
      )
      const hover = async (line: number) =>
        ((await lsp.request("textDocument/hover", at(line))) as { contents: { value: string } }).contents.value
      const billHover = await hover(2)
      assert.include(billHover, `(path: "/me/bill/{billId}"`)
      assert.include(billHover, "Get this object properties")
      const oldHover = await hover(3)
      assert.include(oldHover, "Get price of dedicated Cloud hourly filer ressources")
      assert.match(
        oldHover,
        /@deprecated\*? — deprecated since 2024-11-01; deleted on 2025-02-01; use `\/order\/catalog\/public\/privateCloud` instead/
      )
      assert.include(await hover(4), "Create a new skill for an agent (it adds the agent in a queue)")
    } finally {
      lsp.close()
    }
  }, 120_000)
})
