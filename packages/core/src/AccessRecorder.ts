/**
 * Least privilege, measured: an opt-in layer over `OvhClient` that notes the method and path
 * template of every signed call the program makes, and turns them into the smallest set of
 * access rules that covers them, ready for `ConsumerKey.make({ accessRules })`. Run the program
 * once with it (against the fake or with a broad key), then ask for a key with exactly those rules.
 *
 * ```ts
 * program.pipe(Effect.provide(AccessRecorder.layer()), Effect.provide(NodeOvh.layer()))
 * // at the end it prints, e.g.:
 * //   GET /me
 * //   GET /me/bill/*
 * ```
 *
 * @since 0.1.0
 */
import * as Console from "effect/Console"
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import type * as ConsumerKey from "./ConsumerKey.ts"
import * as OvhClient from "./OvhClient.ts"

/** One distinct (method, path template) the program called, and how often. */
export interface Entry {
  readonly method: ConsumerKey.Method
  readonly template: string
  readonly count: number
}

/** Options of {@link AccessRecorder.layer}. */
export interface Options {
  /**
   * Known path templates (`/me/bill/{billId}`, e.g. from the typed API or the API descriptions).
   * A path matching one is recorded as it, `{param}` becoming `*`; other paths go through {@link template}'s guess.
   */
  readonly templates?: Iterable<string> | undefined
  /**
   * What to do with the report when the layer is released: `true` (default) prints it with
   * `Console.log`, `false` does nothing, a function receives it.
   */
  readonly print?: boolean | ((report: string) => Effect.Effect<void>) | undefined
}

const METHOD_ORDER: ReadonlyArray<ConsumerKey.Method> = ["GET", "POST", "PUT", "DELETE"]

// An id rather than a route word: numbers, host names, e-mails, IPs, encoded values, long tokens.
// Short words with a digit (`u2f`, `ipv6`, `x509`) stay: routes use them, ids rarely are that short.
const looksLikeId = (segment: string): boolean =>
  /^\d+$/.test(segment) ||
  /[.@:%+= ,;~]/.test(segment) ||
  (/\d/.test(segment) && segment.length > 4) ||
  segment.length >= 24

interface Compiled {
  readonly segments: ReadonlyArray<string | undefined>
  readonly literals: number
}

const compile = (templates: Iterable<string>): ReadonlyArray<Compiled> => {
  const out: Array<Compiled> = []
  for (const t of templates) {
    const segments = t.split("/").slice(1).map((s) => (/^\{[^}]*\}$/.test(s) ? undefined : s))
    out.push({ segments, literals: segments.filter((s) => s !== undefined).length })
  }
  return out
}

const fromTemplates = (segments: ReadonlyArray<string>, compiled: ReadonlyArray<Compiled>): string | undefined => {
  let best: Compiled | undefined
  for (const c of compiled) {
    if (c.segments.length !== segments.length) continue
    if (!c.segments.every((s, i) => s === undefined || s === segments[i])) continue
    if (best === undefined || c.literals > best.literals) best = c
  }
  return best === undefined ? undefined : "/" + best.segments.map((s) => s ?? "*").join("/")
}

/**
 * The template of a concrete path: the query string and a `/v1` prefix dropped, then each segment
 * that looks like an id replaced by `*` (`/me/bill/FR12345` → `/me/bill/*`). The root segment is
 * never an id. With `templates`, a matching known template wins over the guess.
 */
export const template = (path: string, templates?: Iterable<string>): string => {
  let clean = path.split("?")[0]!.replace(/\/+$/, "")
  if (clean.startsWith("/v1/")) clean = clean.slice(3)
  const segments = clean.split("/").slice(1)
  if (templates !== undefined) {
    const known = fromTemplates(segments, compile(templates))
    if (known !== undefined) return known
  }
  return "/" + segments.map((s, i) => (i > 0 && looksLikeId(s) ? "*" : s)).join("/")
}

// Access rules are globs where `*` matches any rest, slashes included, as the API applies them.
const covers = (pattern: string, path: string): boolean =>
  new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$").test(path)

/**
 * The smallest set of rules granting every entry and nothing the entries' own rules do not already
 * grant: one rule per distinct (method, template), minus those another kept rule already covers
 * (`GET /domain/zone/*` also covers every path below a zone). Sorted by path, then method.
 */
export const minimalRules = (
  entries: Iterable<{ readonly method: ConsumerKey.Method; readonly template: string }>
): ReadonlyArray<ConsumerKey.AccessRule> => {
  const distinct = new Map<string, ConsumerKey.AccessRule>()
  for (const e of entries) distinct.set(`${e.method} ${e.template}`, { method: e.method, path: e.template })
  const all = [...distinct.values()]
  const kept = all.filter((rule) =>
    !all.some((other) =>
      other !== rule && other.method === rule.method && covers(other.path, rule.path) &&
      // of two rules covering each other (identical globs), keep the first
      (!covers(rule.path, other.path) || all.indexOf(other) < all.indexOf(rule))
    )
  )
  return kept.sort((a, b) =>
    a.path < b.path ? -1 : a.path > b.path ? 1 : METHOD_ORDER.indexOf(a.method) - METHOD_ORDER.indexOf(b.method)
  )
}

/** The rules as lines (`GET /me/bill/*`) and as code to paste into a `ConsumerKey` request. */
export const format = (rules: ReadonlyArray<ConsumerKey.AccessRule>): string => {
  if (rules.length === 0) return "no signed call was recorded: the program needs no access rule"
  const byPath = new Map<string, Array<ConsumerKey.Method>>()
  for (const r of rules) byPath.set(r.path, [...(byPath.get(r.path) ?? []), r.method])
  const lines = [
    `access rules used (${rules.length}):`,
    ...rules.map((r) => `  ${r.method.padEnd(6)} ${r.path}`),
    "",
    "ConsumerKey.make().pipe(",
    [...byPath].map(([path, methods]) =>
      `  ConsumerKey.addRules([${methods.map((m) => JSON.stringify(m)).join(", ")}], ${JSON.stringify(path)})`
    ).join(",\n"),
    ")"
  ]
  return lines.join("\n")
}

/** The recorder in scope. */
export class AccessRecorder extends Context.Service<AccessRecorder, {
  /** Notes one call; `AccessRecorder.layer` calls it for every signed call of the client. */
  readonly record: (method: string, path: string) => Effect.Effect<void>
  /** Every distinct (method, template) seen, in the order first seen. */
  readonly entries: Effect.Effect<ReadonlyArray<Entry>>
  /** The smallest set of access rules covering every call seen. */
  readonly rules: Effect.Effect<ReadonlyArray<ConsumerKey.AccessRule>>
  /** {@link rules} as text: one rule per line, then the `ConsumerKey` code. */
  readonly report: Effect.Effect<string>
  /** Forgets what was seen. */
  readonly clear: Effect.Effect<void>
}>()("@effect-ovh/core/AccessRecorder") {
  /** A recorder alone, for a client wrapped by hand. */
  static readonly make = (options?: Pick<Options, "templates">): AccessRecorder["Service"] => {
    const compiled = options?.templates === undefined ? undefined : [...options.templates]
    const seen = new Map<string, { method: ConsumerKey.Method; template: string; count: number }>()
    const entries = Effect.sync((): ReadonlyArray<Entry> => [...seen.values()].map((e) => ({ ...e })))
    const rules = Effect.map(entries, minimalRules)
    return {
      record: (method, path) =>
        Effect.sync(() => {
          const upper = method.toUpperCase() as ConsumerKey.Method
          const t = template(path, compiled)
          const key = `${upper} ${t}`
          const entry = seen.get(key)
          if (entry === undefined) seen.set(key, { method: upper, template: t, count: 1 })
          else entry.count++
        }),
      entries,
      rules,
      report: Effect.map(rules, format),
      clear: Effect.sync(() => seen.clear())
    }
  }

  /**
   * Wraps the `OvhClient` it is given so that every signed call is recorded, and provides the
   * recorder. Unsigned calls (`needAuth: false`) and `/auth/*` need no rule and are left out.
   */
  static readonly layer = (
    options?: Options
  ): Layer.Layer<OvhClient.OvhClient | AccessRecorder, never, OvhClient.OvhClient> =>
    Layer.effectContext(Effect.gen(function*() {
      const recorder = AccessRecorder.make(options)
      const client = yield* OvhClient.OvhClient
      const print = options?.print ?? true
      if (print !== false) {
        const sink = print === true ? (text: string) => Console.log(text) : print
        yield* Effect.addFinalizer(() => Effect.flatMap(recorder.report, sink))
      }
      return Context.make(OvhClient.OvhClient, wrap(client, recorder)).pipe(Context.add(AccessRecorder, recorder))
    }))
}

const wrap = (client: OvhClient.Service, recorder: AccessRecorder["Service"]): OvhClient.Service => {
  const note = (method: string, path: string, options: OvhClient.CallOptions | undefined) =>
    options?.needAuth === false || path.startsWith("/auth/") ? Effect.void : recorder.record(method, path)
  return {
    ...client,
    call: <A>(request: OvhClient.Request) =>
      Effect.andThen(note(request.method, request.path, request), client.call<A>(request)),
    send: <A>(request: OvhClient.Request) =>
      Effect.andThen(note(request.method, request.path, request), client.send<A>(request)),
    raw: (request) => Effect.andThen(note(request.method, request.path, request), client.raw(request)),
    get: <A>(path: string, params?: OvhClient.Query, options?: OvhClient.CallOptions) =>
      Effect.andThen(note("GET", path, options), client.get<A>(path, params, options)),
    delete: <A>(path: string, params?: OvhClient.Query, options?: OvhClient.CallOptions) =>
      Effect.andThen(note("DELETE", path, options), client.delete<A>(path, params, options)),
    post: <A>(path: string, params?: Readonly<Record<string, unknown>>, options?: OvhClient.CallOptions) =>
      Effect.andThen(note("POST", path, options), client.post<A>(path, params, options)),
    put: <A>(path: string, params?: Readonly<Record<string, unknown>>, options?: OvhClient.CallOptions) =>
      Effect.andThen(note("PUT", path, options), client.put<A>(path, params, options)),
    withConsumerKey: (consumerKey) => Effect.map(client.withConsumerKey(consumerKey), (other) => wrap(other, recorder))
  }
}
