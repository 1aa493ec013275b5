/**
 * python-ovh's `ovh.conf` files: parsing (strict, with the line of any error) and discovery of
 * `/etc/ovh.conf`, `~/.ovh.conf`, `./ovh.conf` and an explicitly named file.
 *
 * @since 0.1.0
 */
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as ini from "ini"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"

/** A config file exists but cannot be read or parsed. */
export class OvhConfigFileError extends Schema.TaggedError<OvhConfigFileError>()("OvhConfigFileError", {
  path: Schema.String,
  line: Schema.optionalKey(Schema.Int),
  reason: Schema.String
}) {
  override get message() {
    return `${this.path}${this.line !== undefined ? `:${this.line}` : ""}: ${this.reason}`
  }
}

/** Sections of a parsed file: `{ section: { key: value } }`. */
export type Sections = Record<string, Record<string, string>>

const SECTION = /^\[([^\]]*)\]\s*(?:[;#].*)?$/
const ENTRY = /^([^=:\s][^=:]*?)\s*[=:]\s*(.*)$/

/**
 * Parses an ini document with python's configparser rules for what counts as an error: every
 * non-blank, non-comment line is a `[section]` or a `key = value` inside a section. Section names
 * may contain dots (`[http://127.0.0.1:8080/1.0]`) and are kept whole.
 */
export const parse = (text: string, path: string): Effect.Effect<Sections, OvhConfigFileError> =>
  Effect.gen(function*() {
    const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/)
    const escaped: Array<string> = []
    let inSection = false
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i]!.trim()
      if (line === "" || line.startsWith("#") || line.startsWith(";")) {
        escaped.push("")
        continue
      }
      const section = SECTION.exec(line)
      if (section) {
        const name = section[1]!.trim()
        if (name === "") return yield* new OvhConfigFileError({ path, line: i + 1, reason: "empty section name" })
        inSection = true
        // the ini package nests sections at dots; escaped dots keep a URL-named section whole
        escaped.push(`[${name.replace(/\\/g, "\\\\").replace(/\./g, "\\.")}]`)
        continue
      }
      if (ENTRY.test(line)) {
        if (!inSection) {
          return yield* new OvhConfigFileError({ path, line: i + 1, reason: `"${line.slice(0, 40)}" comes before any [section] header` })
        }
        const [, key, value] = ENTRY.exec(line)!
        escaped.push(`${key}=${JSON.stringify(value!.trim())}`)
        continue
      }
      return yield* new OvhConfigFileError({
        path,
        line: i + 1,
        reason: `expected "[section]" or "key = value", got "${line.slice(0, 40)}"`
      })
    }
    const parsed = ini.parse(escaped.join("\n")) as Record<string, unknown>
    const sections: Sections = {}
    for (const [name, body] of Object.entries(parsed)) {
      if (body === null || typeof body !== "object") continue
      const entries: Record<string, string> = {}
      for (const [k, v] of Object.entries(body as Record<string, unknown>)) entries[k] = String(v)
      sections[name] = entries
    }
    return sections
  })

/** The files python-ovh reads, highest precedence first: `./ovh.conf`, `~/.ovh.conf`, `/etc/ovh.conf`. */
export const defaultPaths = (options: { readonly cwd?: string; readonly home?: string } = {}): ReadonlyArray<string> => [
  Path.resolve(options.cwd ?? process.cwd(), "ovh.conf"),
  Path.join(options.home ?? Os.homedir(), ".ovh.conf"),
  "/etc/ovh.conf"
]

const readIfPresent = (path: string, required: boolean) =>
  Effect.tryPromise({
    try: () => Fs.readFile(path, "utf8"),
    catch: (error) => error as NodeJS.ErrnoException
  }).pipe(
    Effect.map((text): string | undefined => text),
    Effect.catch((error) =>
      error.code === "ENOENT" && !required
        ? Effect.succeed(undefined)
        : Effect.fail(
          new OvhConfigFileError({
            path,
            reason: error.code === "ENOENT" ? "file not found" : `cannot read: ${error.code ?? error.message}`
          })
        )
    )
  )

/**
 * The config sources of the given files, highest precedence first. A missing default file is
 * skipped; a missing explicitly named file is an error.
 */
export const sources = (options: {
  readonly configFile?: string | undefined
  readonly paths?: ReadonlyArray<string> | undefined
} = {}): Effect.Effect<Array<OvhConfig.Source>, OvhConfigFileError> =>
  Effect.gen(function*() {
    const files: Array<{ readonly path: string; readonly required: boolean }> = []
    if (options.configFile !== undefined) files.push({ path: Path.resolve(options.configFile), required: true })
    for (const path of options.paths ?? defaultPaths()) files.push({ path, required: false })
    const out: Array<OvhConfig.Source> = []
    for (const file of files) {
      const text = yield* readIfPresent(file.path, file.required)
      if (text === undefined) {
        out.push(OvhConfig.fromIni(`${file.path} (absent)`, {}))
        continue
      }
      out.push(OvhConfig.fromIni(file.path, yield* parse(text, file.path)))
    }
    return out
  })
