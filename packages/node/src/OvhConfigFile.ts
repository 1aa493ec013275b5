/**
 * python-ovh's `ovh.conf` files, read as python-ovh 1.2.0 reads them (`ovh/config.py`: one
 * `configparser.RawConfigParser` that reads `/etc/ovh.conf`, `~/.ovh.conf`, `./ovh.conf`, then the
 * `config_file` argument, each later file overriding the earlier ones key by key), and the
 * sources of a Node client around them: code > `OVH_*` through the current `ConfigProvider` > files.
 *
 * @since 0.1.0
 */
import * as Endpoint from "@effect-ovh/core/Endpoint"
import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import * as ConfigProvider from "effect/ConfigProvider"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schema from "effect/Schema"
import * as Fs from "node:fs/promises"
import * as Os from "node:os"
import * as Path from "node:path"

/** A config file exists but cannot be read or parsed. Its text names the file, the line and keys, never a value. */
export class OvhConfigFileError extends Schema.TaggedError<OvhConfigFileError>()("OvhConfigFileError", {
  path: Schema.String,
  line: Schema.optionalKey(Schema.Int),
  reason: Schema.String
}) {
  override get message() {
    return `${this.path}${this.line !== undefined ? `:${this.line}` : ""}: ${this.reason}`
  }
}

/** Sections of a parsed file: `{ section: { key: value } }`, `[DEFAULT]` under `DEFAULT`. */
export type Sections = OvhConfig.Sections

// configparser's patterns (Lib/configparser.py, Python 3.11): a section header is `[` anything `]`
// at the start of the stripped line, its name kept verbatim (so `[ ovh-eu ]` is " ovh-eu "); an
// option is the shortest text before the first `=` or `:`, the rest after spaces is the value.
const SECTION = /^\[(.+)\]/
const OPTION = /^(.*?)\s*([=:])\s*(.*)$/

/**
 * Parses an ini document with the rules of python's `configparser.RawConfigParser` (the defaults
 * python-ovh uses): full-line comments start with `#` or `;` (a `;` after a value is part of it);
 * option names are lower-cased (`optionxform`); a line indented deeper than its option continues
 * its value (joined with a newline, blank lines inside kept, trailing ones dropped); `[DEFAULT]`
 * gives values to every section; a section named twice in one file, an option twice in one
 * section, an option before any section or a line that is neither are errors with their line.
 * Unlike python, a UTF-8 byte-order mark is skipped (python refuses the first line then).
 */
export const parse = (text: string, path: string): Effect.Effect<Sections, OvhConfigFileError> =>
  Effect.gen(function*() {
    const fail = (line: number, reason: string) => new OvhConfigFileError({ path, line, reason })
    const lines = text.replace(/^\uFEFF/, "").split(/\r\n|\r|\n/)
    const sections: Record<string, Record<string, Array<string>>> = {}
    const seen = new Set<string>()
    let current: { readonly name: string; readonly options: Record<string, Array<string>> } | undefined
    let option: string | undefined
    let indent = Number.MAX_SAFE_INTEGER
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!
      const value = raw.trim()
      const comment = value.startsWith("#") || value.startsWith(";")
      if (value === "" || comment) {
        // an empty line inside a value is kept (empty_lines_in_values); a comment line is not
        if (!comment && current !== undefined && option !== undefined) current.options[option]!.push("")
        continue
      }
      const level = raw.search(/\S/)
      if (current !== undefined && option !== undefined && level > indent) {
        current.options[option]!.push(value)
        continue
      }
      indent = level
      const header = SECTION.exec(value)
      if (header !== null) {
        const name = header[1]!
        // configparser's strict mode refuses a section twice in one file, except [DEFAULT]
        if (name !== OvhConfig.DEFAULT_SECTION) {
          if (seen.has(name)) return yield* fail(i + 1, `section "[${name}]" appears twice in this file`)
          seen.add(name)
        }
        current = { name, options: sections[name] ??= {} }
        option = undefined
        continue
      }
      const entry = OPTION.exec(value)
      if (current === undefined) {
        return yield* fail(
          i + 1,
          entry !== null && entry[1] !== ""
            ? `option "${entry[1]!.toLowerCase()}" comes before any [section] header`
            : `expected a [section] header first`
        )
      }
      if (entry === null || entry[1] === "") {
        return yield* fail(i + 1, `expected "[section]" or "key = value"${entry === null ? "" : " (the key is empty)"}`)
      }
      const key = entry[1]!.trimEnd().toLowerCase()
      const id = `${current.name}\u0000${key}`
      if (seen.has(id)) return yield* fail(i + 1, `option "${key}" appears twice in section "[${current.name}]"`)
      seen.add(id)
      current.options[key] = [entry[3]!.trim()]
      option = key
    }
    const out: Sections = {}
    for (const [name, options] of Object.entries(sections)) {
      const joined: Record<string, string> = {}
      for (const [key, parts] of Object.entries(options)) joined[key] = parts.join("\n").trimEnd()
      out[name] = joined
    }
    return out
  })

/**
 * Merges parsed files in the order python-ovh's parser reads them, lowest precedence first:
 * sections and their keys accumulate, a later file's value replaces an earlier one. An empty value
 * replaces nothing (see `docs/configuration.md`, "Empty values"), though its section still exists.
 */
export const merge = (files: ReadonlyArray<Sections>): Sections => {
  const out: Record<string, Record<string, string>> = {}
  for (const file of files) {
    for (const [name, options] of Object.entries(file)) {
      const section = out[name] ??= {}
      for (const [key, value] of Object.entries(options)) if (value !== "") section[key] = value
    }
  }
  return out
}

/** The files python-ovh reads, highest precedence first: `./ovh.conf`, `~/.ovh.conf`, `/etc/ovh.conf`. */
export const defaultPaths = (
  options: { readonly cwd?: string; readonly home?: string } = {}
): ReadonlyArray<string> => [
  Path.resolve(options.cwd ?? process.cwd(), "ovh.conf"),
  Path.join(options.home ?? Os.homedir(), ".ovh.conf"),
  "/etc/ovh.conf"
]

type Read = { readonly _tag: "Text"; readonly text: string } | { readonly _tag: "Skipped"; readonly why: string }

// python's `RawConfigParser.read` skips a file it cannot open (any OSError), so a default file
// that is absent, a directory or unreadable is skipped and shown as such; a file named in code
// must be there (python would skip it silently, which hides a typo in the name).
const readFile = (path: string, required: boolean): Effect.Effect<Read, OvhConfigFileError> =>
  Effect.tryPromise({
    try: () => Fs.readFile(path, "utf8"),
    catch: (error) => error as NodeJS.ErrnoException
  }).pipe(
    Effect.map((text): Read => ({ _tag: "Text", text })),
    Effect.catch((error) => {
      const why = error.code === "ENOENT" ? "absent" : `unreadable: ${error.code ?? "error"}`
      return required
        ? Effect.fail(
          new OvhConfigFileError({
            path,
            reason: error.code === "ENOENT" ? "file not found" : `cannot read: ${error.code ?? "error"}`
          })
        )
        : Effect.succeed<Read>({ _tag: "Skipped", why })
    })
  )

/** Where to find `ovh.conf` files. */
export interface FileOptions {
  /** An `ovh.conf` that wins over the default ones (python-ovh's `config_file`); it must exist. */
  readonly configFile?: string | undefined
  /** Replaces the default file list (`./ovh.conf`, `~/.ovh.conf`, `/etc/ovh.conf`), highest precedence first. */
  readonly paths?: ReadonlyArray<string> | undefined
}

/**
 * The files as one config source: every file read and merged as python-ovh's parser does, the
 * explicitly named file on top, labelled with every file and whether it was read. A list: empty
 * when there is no file to look at.
 */
export const sources = (options: FileOptions = {}): Effect.Effect<Array<OvhConfig.Source>, OvhConfigFileError> =>
  Effect.gen(function*() {
    const files: Array<{ readonly path: string; readonly required: boolean }> = []
    if (options.configFile !== undefined) files.push({ path: Path.resolve(options.configFile), required: true })
    for (const path of options.paths ?? defaultPaths()) files.push({ path, required: false })
    const parsed: Array<Sections> = []
    const labels: Array<string> = []
    for (const file of files) {
      const read = yield* readFile(file.path, file.required)
      if (read._tag === "Skipped") {
        labels.push(`${file.path} (${read.why})`)
        continue
      }
      labels.push(file.path)
      parsed.push(yield* parse(read.text, file.path))
    }
    if (files.length === 0) return []
    // highest precedence first here; python reads lowest first and lets later files win
    return [OvhConfig.fromIni(labels.join(", "), merge(parsed.reverse()))]
  })

/** Settings in code, where `OVH_*` come from, and where the files are. */
export interface ConfigOptions extends OvhConfig.Options {
  /** An `ovh.conf` to read before the default ones (it must exist). */
  readonly configFile?: string | undefined
  /** Replaces the default file list (`./ovh.conf`, `~/.ovh.conf`, `/etc/ovh.conf`), highest precedence first. */
  readonly configPaths?: ReadonlyArray<string> | undefined
  /** An environment record to read `OVH_*` from, instead of the current `ConfigProvider`. */
  readonly env?: Record<string, string | undefined> | undefined
}

/**
 * The sources of a Node client, highest precedence first: code; `OVH_*` from `options.env` when
 * given, else through the current `ConfigProvider` (the process environment unless the program
 * provides another, e.g. `ConfigProvider.layer(...)`); then the files.
 */
export const configSources = (
  options: ConfigOptions = {}
): Effect.Effect<Array<OvhConfig.Source>, OvhConfigFileError> =>
  Effect.gen(function*() {
    const variables = options.env !== undefined
      ? OvhConfig.fromEnv(options.env)
      : OvhConfig.fromProvider(yield* ConfigProvider.ConfigProvider)
    const files = yield* sources({ configFile: options.configFile, paths: options.configPaths })
    return [OvhConfig.fromOptions(options), variables, ...files]
  })

/** The settings of a Node client: `configSources` resolved and checked. */
export const settings = (
  options: ConfigOptions = {}
): Effect.Effect<OvhConfig.Settings, OvhConfig.OvhConfigError | Endpoint.InvalidEndpoint | OvhConfigFileError> =>
  Effect.flatMap(configSources(options), OvhConfig.resolve)

/** `OvhConfig` from code, `OVH_*` through the current `ConfigProvider`, and files. */
export const layerConfig = (
  options: ConfigOptions = {}
): Layer.Layer<OvhConfig.OvhConfig, OvhConfig.OvhConfigError | Endpoint.InvalidEndpoint | OvhConfigFileError> =>
  Layer.effect(OvhConfig.OvhConfig, settings(options))
