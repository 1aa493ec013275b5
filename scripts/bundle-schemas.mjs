/**
 * `node scripts/bundle-schemas.mjs [--out dir]`: copies the OVHcloud API descriptions the fake API
 * reads (`v1/*.json`, `v2/*.json`, compacted) into `packages/testing/dist/ovh-api`, so that the
 * published `@effect-ovh/testing` works without `OVH_API_SCHEMAS`. Run by the package's `prepack`;
 * the copies are build output, never committed. Plain JavaScript: pnpm may run it with any Node.
 */
import * as fs from "node:fs"
import * as path from "node:path"
import { fileURLToPath } from "node:url"

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..")
const argv = process.argv.slice(2)
const outAt = argv.indexOf("--out")
const out = outAt >= 0 ? path.resolve(argv[outAt + 1]) : path.join(root, "packages", "testing", "dist", "ovh-api")
const from = process.env.OVH_API_SCHEMAS ? path.resolve(process.env.OVH_API_SCHEMAS) : path.resolve(root, "ovh-api")

if (!fs.existsSync(path.join(from, "v1"))) {
  process.stderr.write(`bundle-schemas: no API descriptions in ${from} (set OVH_API_SCHEMAS)\n`)
  process.exit(1)
}
fs.rmSync(out, { recursive: true, force: true })
let files = 0
let bytes = 0
for (const version of ["v1", "v2"]) {
  const dir = path.join(from, version)
  if (!fs.existsSync(dir)) continue
  fs.mkdirSync(path.join(out, version), { recursive: true })
  for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".json")).sort()) {
    const text = JSON.stringify(JSON.parse(fs.readFileSync(path.join(dir, file), "utf8")))
    fs.writeFileSync(path.join(out, version, file), text)
    files++
    bytes += text.length
  }
}
process.stdout.write(
  `bundle-schemas: ${files} files, ${(bytes / 1024 / 1024).toFixed(1)} MB -> ${
    path.relative(process.cwd(), out) || out
  }\n`
)
