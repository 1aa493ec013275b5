/**
 * The resources of one API (v1 or v2), by decoded path: what was seeded or written, what was generated,
 * and the members of each collection. An id exists only if its collection lists it: a collection nobody
 * seeded or wrote lists a few generated ids, and once a member is seeded or written the collection lists
 * what was put there (and, after a write, the generated ids it listed before).
 */

/** A collection path's child (`/me/bill` -> `/me/bill/{billId}`, its parameter and that parameter's type). */
export interface Collection {
  readonly template: string
  readonly param: string
  readonly type: string
}

/** What a store needs to know about its API. */
export interface Options {
  /** The collection `p` is, when its GET lists the ids of `p/{id}`. */
  readonly collectionAt: (p: string) => Collection | undefined
  /** Whether `p` is a path of the API's descriptions. */
  readonly knows: (p: string) => boolean
  /** The template `p` matches (`/domain/zone` is a path of its own, not a member of `/domain`). */
  readonly templateOf: (p: string) => string | undefined
  /** The ids a collection lists before anything is seeded or written there. */
  readonly generatedMembers: (p: string, collection: Collection) => Array<string>
}

/** The parent path (`/me/bill/B1` -> `/me/bill`). */
export const parentOf = (p: string): string => p.slice(0, p.lastIndexOf("/")) || "/"

/** The last segment (`/me/bill/B1` -> `B1`). */
export const lastOf = (p: string): string => p.slice(p.lastIndexOf("/") + 1)

/** The id the last segment names (`/ip/192.0.2.0%2F24` -> `192.0.2.0/24`). */
export const idOf = (p: string): string => lastOf(p).replace(/%2F/gi, "/")

/**
 * Decodes each segment (`/me/bill/B%201` -> `/me/bill/B 1`), keeping one that is not valid percent-encoding,
 * and keeping an encoded slash encoded, so an id holding one (`/ip/192.0.2.0%2F24`) stays one segment.
 */
export const decodeSegments = (p: string): string =>
  p.split("/").map((segment) => {
    try {
      return decodeURIComponent(segment.replace(/%2F/gi, "%252F"))
    } catch {
      return segment
    }
  }).join("/")

/** One API's resources. */
export type Store = ReturnType<typeof make>

/** An empty store. */
export const make = (options: Options) => {
  const values = new Map<string, unknown>()
  const generated = new Map<string, unknown>()
  const deleted = new Set<string>()
  const members = new Map<string, Array<string>>()
  // Collections that list what was put there rather than generated ids.
  const explicit = new Set<string>()

  /** The collection `p` is a member of, when its parent is one and `p` matches the member template. */
  const collectionOf = (p: string): Collection | undefined => {
    const parent = parentOf(p)
    const collection = parent === p ? undefined : options.collectionAt(parent)
    if (collection === undefined) return undefined
    const template = options.templateOf(p)
    return template === undefined || template === collection.template ? collection : undefined
  }

  const storedChildren = (p: string): Array<string> => {
    const prefix = p + "/"
    const out: Array<string> = []
    for (const key of values.keys()) {
      if (key.startsWith(prefix) && !key.slice(prefix.length).includes("/") && collectionOf(key) !== undefined) {
        out.push(idOf(key))
      }
    }
    return out
  }

  /** The ids the collection at `p` lists (the array itself: callers that add or remove members edit it). */
  const membersOf = (p: string): Array<string> => {
    let ids = members.get(p)
    if (ids !== undefined) return ids
    const collection = options.collectionAt(p)
    const stored = storedChildren(p)
    ids = collection === undefined || explicit.has(p) || stored.length > 0
      ? stored
      : options.generatedMembers(p, collection)
    members.set(p, ids)
    return ids
  }

  /** Whether `p` exists: listed by its collection (a member) or stored or known (anything else), all the way up. */
  const exists = (p: string): boolean => {
    if (deleted.has(p)) return false
    const parent = parentOf(p)
    if (collectionOf(p) !== undefined) return exists(parent) && membersOf(parent).includes(idOf(p))
    if (!values.has(p) && !options.knows(p)) return false
    return parent === p || parent === "/" || (!options.knows(parent) && !values.has(parent)) || exists(parent)
  }

  /** The first path on the way down to `p` that does not exist (`p` itself when only it is missing). */
  const firstMissing = (p: string): string => {
    const parent = parentOf(p)
    return parent !== p && parent !== "/" && !exists(parent) ? firstMissing(parent) : p
  }

  /** Makes the collections holding `p` and its ancestors list them, dropping the ids they only generated. */
  const claim = (p: string): void => {
    for (let at = p; at !== "/" && at !== ""; at = parentOf(at)) {
      const parent = parentOf(at)
      deleted.delete(at)
      if (collectionOf(at) === undefined) continue
      if (!explicit.has(parent)) members.delete(parent)
      explicit.add(parent)
      const ids = membersOf(parent)
      if (!ids.includes(idOf(at))) ids.push(idOf(at))
    }
  }

  /** Makes the collection holding `p` list it, keeping the members it listed so far. */
  const enlist = (p: string): void => {
    const parent = parentOf(p)
    if (collectionOf(p) === undefined) return
    const ids = membersOf(parent)
    explicit.add(parent)
    if (!ids.includes(idOf(p))) ids.push(idOf(p))
  }

  return {
    membersOf,
    exists,
    firstMissing,

    /** The value at `p`: stored, else generated and remembered. */
    get: (p: string): unknown => values.has(p) ? values.get(p) : generated.get(p),
    /** Whether a value is stored or generated at `p`. */
    has: (p: string): boolean => values.has(p) || generated.has(p),
    /** Whether a value was stored (seeded or written) at `p`. */
    isStored: (p: string): boolean => values.has(p),
    /** Remembers a generated value, so the next read answers the same. */
    remember: (p: string, value: unknown): void => {
      generated.set(p, value)
    },

    /**
     * Seeds a resource: the collections holding it and its ancestors list what was seeded there (seeding
     * `/email/domain/example.com/redirection/1` makes `example.com` one of the account's domains).
     */
    seed: (p: string, value: unknown): void => {
      deleted.delete(p)
      values.set(p, value)
      claim(p)
    },

    /** Sets the ids a collection lists (its ancestors exist from then on, as for {@link seed}). */
    setMembers: (p: string, ids: ReadonlyArray<string>): void => {
      members.set(p, [...ids])
      explicit.add(p)
      claim(p)
    },

    /** Writes a resource (a creation or an update): its collection keeps its members and lists it. */
    write: (p: string, value: unknown): void => {
      deleted.delete(p)
      enlist(p)
      values.set(p, value)
    },

    /** Replaces the value at `p` without touching its collection (a state change seen on read). */
    replace: (p: string, value: unknown): void => {
      values.set(p, value)
    },

    /** Deletes `p` and everything below it; its collection stops listing it. */
    remove: (p: string): void => {
      const parent = parentOf(p)
      if (collectionOf(p) !== undefined) {
        const ids = membersOf(parent)
        explicit.add(parent)
        const i = ids.indexOf(idOf(p))
        if (i >= 0) ids.splice(i, 1)
      }
      const prefix = p + "/"
      for (const map of [values, generated, members]) {
        map.delete(p)
        for (const key of [...map.keys()]) if (key.startsWith(prefix)) map.delete(key)
      }
      deleted.add(p)
    },

    /** What was stored at `p`: a resource, or a collection's ids. */
    read: (p: string): unknown => values.get(p) ?? members.get(p)?.slice()
  }
}
