/**
 * What the fake answers before it becomes bytes, and the API's error bodies: `errorCode`, `httpCode`
 * (`"403 Forbidden"`) and `message`, plus `class` (`Client::NotFound`) where the API sends one. The
 * evidence behind each body is in the package's README ("How the fake answers").
 */

/** A reply before it becomes bytes. */
export interface Reply {
  readonly status: number
  readonly body: unknown
  readonly headers?: Readonly<Record<string, string>> | undefined
  /** Pre-serialized body (HTML pages, description documents). */
  readonly raw?: string | undefined
}

/** The reason phrases of the statuses the fake answers with. */
export const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  405: "Method Not Allowed",
  409: "Conflict",
  412: "Precondition Failed",
  429: "Too Many Requests",
  500: "Internal Server Error",
  502: "Bad Gateway",
  503: "Service Unavailable",
  504: "Gateway Timeout"
}

/** `"404 Not Found"`: the `httpCode` of an error body. */
export const httpCode = (status: number): string => `${status} ${STATUS_TEXT[status] ?? "Error"}`

/** A JSON reply. */
export const json = (status: number, body: unknown, headers?: Readonly<Record<string, string>>): Reply => ({
  status,
  body,
  headers
})

/** An error body as the API writes it: `class` first when there is one, then `errorCode`, `httpCode`, `message`. */
export const error = (
  status: number,
  options: { readonly errorCode: string; readonly message: string; readonly class?: string | undefined },
  headers?: Readonly<Record<string, string>>
): Reply =>
  json(status, {
    ...(options.class !== undefined ? { class: options.class } : {}),
    errorCode: options.errorCode,
    httpCode: httpCode(status),
    message: options.message
  }, headers)

/** 400: a parameter the description refuses. */
export const badParameters = (message: string): Reply =>
  error(400, { class: "Client::BadRequest::BadParameters", errorCode: "BAD_PARAMETERS", message })

/** 404: `message` names what is missing (`The requested object (billId = B1) does not exist`). */
export const notFound = (message: string): Reply =>
  error(404, { class: "Client::NotFound", errorCode: "NOT_FOUND", message })

/** 404 for a path no description holds. */
export const unknownPath = (): Reply => notFound("Got an invalid (or empty) URL")

/** 405 with the methods the path has in `Allow`. */
export const methodNotAllowed = (method: string, template: string, allowed: ReadonlyArray<string>): Reply =>
  error(405, {
    class: "Client::MethodNotAllowed",
    errorCode: "METHOD_NOT_ALLOWED",
    message: `The requested HTTP method (${method}) is not allowed on ${template}`
  }, { allow: allowed.join(", ") })

/** 409: the object to create exists already. */
export const conflict = (message: string, cls = "Client::Conflict::AlreadyExists"): Reply =>
  error(409, { class: cls, errorCode: "CONFLICT", message })

/** An HTML page, as the validation page or a proxy in front of the API answers. */
export const html = (status: number, page: string, headers?: Readonly<Record<string, string>>): Reply => ({
  status,
  body: null,
  raw: page,
  headers: { "content-type": "text/html", ...headers }
})

/** Unix seconds as the API writes dates (`2026-11-29T07:41:54+00:00`). */
export const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace(/\.\d{3}Z$/, "+00:00")

/** `billId = B1, serviceName = x`: how a 404 message names the object it looked for. */
export const describeParams = (params: Readonly<Record<string, string>>): string => {
  const entries = Object.entries(params)
  return entries.length === 0 ? "resource" : entries.map(([k, v]) => `${k} = ${v}`).join(", ")
}
