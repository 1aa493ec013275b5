import * as ApiSchema from "@effect-ovh/core/ApiSchema"
import { assert, describe, it } from "@effect/vitest"
import * as childProcess from "node:child_process"
import * as fs from "node:fs"
import * as os from "node:os"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

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
    assert.strictEqual((operations.match(/^"\//gm) ?? []).length, 6624)
    // one module per API, all of them in the table of every operation
    const modules = fs.readdirSync(path.join(generated, "ops")).filter((f) => !f.startsWith("_"))
    assert.includeMembers(modules, ["me.ts", "domain.ts", "v2-iam.ts"])
    const table = read("operations.ts")
    for (const module of modules) assert.include(table, `from "./ops/${module}"`)
    assert.match(read("ops/me.ts"), /^"\/me\/bill\/\{billId\}": \{$/m)
    assert.notMatch(read("ops/me.ts"), /^"\/domain/m)
    assert.strictEqual((operations.match(/^"\/v2\//gm) ?? []).length, 226)
    // pagination headers are not parameters
    assert.notInclude(operations, "X-Pagination")
    // deprecation, with its deletion date and replacement
    assert.match(operations, /@deprecated deprecated since \d{4}-\d\d-\d\d; deleted on \d{4}-\d\d-\d\d; use `\/[^`]+` instead/)
    assert.include(operations, "IAM actions: `account:apiovh:me/bill/get`")
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
    assert.include(ops, "\"/demo/{id}\": {\nreadonly p: {\nreadonly id: number\n}\nreadonly r: V1.demo.Thing")
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
