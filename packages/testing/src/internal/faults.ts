/**
 * Faults a test scripts: the next requests (`failNext`), the requests of a route (`failRoute`) or a seeded
 * share of all requests (`randomFaults`), and the reply each fault turns into.
 */
import type * as FakeOvhApi from "../FakeOvhApi.ts"
import * as Reply from "./reply.ts"
import * as Types from "./types.ts"

const globMatch = (pattern: string, value: string) =>
  new RegExp("^" + pattern.split("*").map((s) => s.replace(/[.+?^${}()|[\]\\]/g, "\\$&")).join(".*") + "$").test(value)

/** Whether a request matches `route`: its method, and its template or its path (where `*` matches anything). */
export const routeMatches = (
  route: FakeOvhApi.RouteMatch | undefined,
  method: string,
  path: string,
  template: string | undefined
): boolean =>
  route === undefined ||
  ((route.method === undefined || route.method === "*" || route.method.toUpperCase() === method) &&
    (route.path === template || globMatch(route.path, path)))

interface Scripted {
  readonly route: FakeOvhApi.RouteMatch | undefined
  readonly fault: FakeOvhApi.Fault
  remaining: number
}

const defaultRandom: ReadonlyArray<FakeOvhApi.Fault> = [
  { _tag: "Drop" },
  500,
  502,
  503,
  504,
  { _tag: "TooManyRequests", retryAfter: 1 }
]

/** `failNext` leaves the clock and the token endpoint alone, so it hits the call under test; `failRoute` reaches them. */
const infrastructure = (method: string, path: string) =>
  (method === "GET" && path === "/auth/time") || path === "/auth/oauth2/token"

/** The faults of one fake. */
export const make = (seed: string) => {
  let scripted: Array<Scripted> = []
  let random: { probability: number; next: () => number; faults: ReadonlyArray<FakeOvhApi.Fault> } | undefined

  return {
    /** Fails the next `times` requests but the infrastructure's. */
    next: (fault: FakeOvhApi.Fault, times: number): void => {
      scripted.push({ route: undefined, fault, remaining: times })
    },
    /** Fails the requests of `route` `times` times. */
    route: (route: FakeOvhApi.RouteMatch, fault: FakeOvhApi.Fault, times: number): void => {
      scripted.push({ route, fault, remaining: times })
    },
    /** Fails each request with `probability`, with one of `faults`, seeded. */
    random: (options: {
      readonly probability: number
      readonly seed?: string | number | undefined
      readonly faults?: ReadonlyArray<FakeOvhApi.Fault> | undefined
    }): void => {
      random = {
        probability: options.probability,
        next: Types.random(Types.hash(String(options.seed ?? seed) + "|random-faults")),
        faults: options.faults ?? defaultRandom
      }
    },
    clear: (): void => {
      scripted = []
      random = undefined
    },

    /** The fault that hits this request, if any (a scripted fault counts down its uses). */
    pick: (method: string, path: string, template: string | undefined): FakeOvhApi.Fault | undefined => {
      const index = scripted.findIndex((f) =>
        f.route === undefined ? !infrastructure(method, path) : routeMatches(f.route, method, path, template)
      )
      if (index >= 0) {
        const hit = scripted[index]!
        hit.remaining--
        if (hit.remaining <= 0) scripted.splice(index, 1)
        return hit.fault
      }
      if (random !== undefined && random.faults.length > 0 && random.next() < random.probability) {
        return random.faults[Math.floor(random.next() * random.faults.length)]
      }
      return undefined
    }
  }
}

const nginxPage = (status: number) => {
  const text = Reply.httpCode(status)
  return `<html><head><title>${text}</title></head><body><center><h1>${text}</h1></center><hr><center>nginx</center></body></html>\n`
}

/**
 * The reply a fault gives: `"drop"` for a dropped connection, `undefined` when the fault only changes
 * time (a delay, a skew) and the request is then answered as usual. A bare status is a JSON error whose
 * `errorCode` is a guess (the API's errors for 5xx are not documented).
 */
export const reply = (fault: FakeOvhApi.Fault): Reply.Reply | "drop" | undefined => {
  const generic = (status: number) =>
    Reply.error(status, {
      errorCode: (Reply.STATUS_TEXT[status] ?? "Error").toUpperCase().replace(/ /g, "_"),
      message: Reply.STATUS_TEXT[status] ?? "Error"
    })
  if (typeof fault === "number") return generic(fault)
  switch (fault._tag) {
    case "Drop":
      return "drop"
    case "Status":
      if (fault.body !== undefined) return { status: fault.status, body: null, raw: fault.body, headers: fault.headers }
      if (fault.html) return Reply.html(fault.status, nginxPage(fault.status), fault.headers)
      return { ...generic(fault.status), headers: fault.headers }
    case "TooManyRequests":
      return Reply.error(429, { errorCode: "TOO_MANY_REQUESTS", message: "Too many requests, slow down" }, {
        "retry-after": String(fault.retryAfter)
      })
    default:
      return undefined
  }
}
