import * as OvhError from "@effect-ovh/core/OvhError"
import { assert, describe, it } from "@effect/vitest"

const answer = (status: number, body: unknown, extra: Partial<OvhError.Answer> = {}): OvhError.Answer => ({
  status,
  method: "GET",
  path: "/me",
  queryId: "EU.ext-1.abc",
  body,
  ...extra
})

describe("OvhError", () => {
  const cases: ReadonlyArray<[number, unknown, OvhError.Tag]> = [
    [
      400,
      { errorCode: "INVALID_SIGNATURE", httpCode: "400 Bad Request", message: "Invalid signature" },
      "InvalidSignature"
    ],
    [400, { message: "Invalid parameter" }, "BadParameters"],
    [400, { errorCode: "QUERY_TIME_OUT", message: "Query out of time" }, "BadParameters"],
    [403, { errorCode: "INVALID_KEY", message: "This application key is invalid" }, "InvalidKey"],
    [403, { errorCode: "INVALID_CREDENTIAL", message: "This credential is not valid" }, "InvalidCredential"],
    [403, { errorCode: "NOT_CREDENTIAL", message: "This credential does not exist" }, "NotCredential"],
    [401, { errorCode: "NOT_CREDENTIAL", message: "This credential does not exist" }, "NotCredential"],
    [401, { message: "You must login first" }, "NotCredential"],
    [403, { errorCode: "NOT_GRANTED_CALL", message: "This call has not been granted" }, "NotGranted"],
    [403, { class: "Client::Forbidden", message: "User not granted for this request" }, "Forbidden"],
    [404, { message: "The requested object (billId = 1) does not exist" }, "ResourceNotFound"],
    [409, { message: "already exists" }, "ResourceConflict"],
    [460, { message: "Service expired" }, "ResourceExpired"],
    [429, { message: "Too many requests" }, "TooManyRequests"],
    [500, { message: "Internal server error" }, "ApiError"],
    [502, "<html><body><h1>502 Bad Gateway</h1></body></html>", "ApiError"],
    [306, null, "ApiError"]
  ]
  for (const [status, body, tag] of cases) {
    it(`maps ${status} ${JSON.stringify(body)} to ${tag}`, () => {
      const error = OvhError.fromAnswer(answer(status, body))
      assert.strictEqual(error._tag, tag)
      assert.strictEqual(error.status, status)
      assert.strictEqual(error.queryId, "EU.ext-1.abc")
      assert.strictEqual(error.method, "GET")
      assert.strictEqual(error.path, "/me")
      assert.isTrue(OvhError.isOvhError(error))
    })
  }

  it("keeps errorCode, class and IAM details", () => {
    const error = OvhError.fromAnswer(answer(403, {
      class: "Client::Forbidden",
      message: "User not granted for this request",
      details: { unauthorizedActionsByIAM: "account:apiovh:me/get" }
    }))
    assert.strictEqual(error._tag, "Forbidden")
    assert.strictEqual(error.errorClass, "Client::Forbidden")
    assert.deepStrictEqual(error.details, { unauthorizedActionsByIAM: "account:apiovh:me/get" })
    assert.strictEqual(error.message, "User not granted for this request")
  })

  it("keeps a short text excerpt of an HTML error page", () => {
    const error = OvhError.fromAnswer(
      answer(503, `<html><head><title>x</title></head><body>${"Service Unavailable ".repeat(40)}</body></html>`)
    )
    assert.strictEqual(error._tag, "ApiError")
    assert.isAtMost(error.message.length, 201)
    assert.include(error.message, "Service Unavailable")
    assert.notInclude(error.message, "<body>")
  })

  it("carries Retry-After on 429 and tells transient failures apart", () => {
    const throttled = OvhError.fromAnswer(answer(429, { message: "slow down" }, { retryAfter: 7 }))
    assert.strictEqual(throttled._tag, "TooManyRequests")
    assert.strictEqual((throttled as OvhError.TooManyRequests).retryAfter, 7)
    assert.isTrue(OvhError.isTransient(throttled))
    assert.isTrue(OvhError.isTransient(OvhError.fromAnswer(answer(503, null))))
    assert.isFalse(OvhError.isTransient(OvhError.fromAnswer(answer(501, null))))
    assert.isFalse(OvhError.isTransient(OvhError.fromAnswer(answer(404, null))))
    assert.isTrue(
      OvhError.isTransient(new OvhError.NetworkError({ method: "GET", path: "/me", reason: "Timeout", detail: "x" }))
    )
  })
})
