/**
 * `pnpm example <name> [args...]`: runs `examples/<name>.ts` with the workspace's Node; without a
 * known name, says which exist and how to get each one's help.
 */
import { spawnSync } from "node:child_process"
import { existsSync, readdirSync } from "node:fs"
import { dirname, join } from "node:path"
import { fileURLToPath } from "node:url"

const root = join(dirname(fileURLToPath(import.meta.url)), "..")
const [name, ...args] = process.argv.slice(2)
const available = readdirSync(join(root, "examples")).filter((f) => f.endsWith(".ts")).map((f) => f.slice(0, -3))
if (name === undefined || !available.includes(name)) {
  process.stderr.write(
    (name === undefined ? "" : `no example named ${JSON.stringify(name)}\n`) +
      `usage: bash scripts/pnpm.sh example <name> [--help | flags...]\n` +
      `available: ${available.join(", ")}\n` +
      `Each reads the OVHcloud account from OVH_* variables or ovh.conf files; <name> --help lists its flags, their defaults and those places.\n`
  )
  process.exit(2)
}
const file = join(root, "examples", `${name}.ts`)
if (!existsSync(file)) process.exit(2)
const result = spawnSync(process.execPath, [file, ...args], { stdio: "inherit" })
process.exit(result.status ?? 1)
