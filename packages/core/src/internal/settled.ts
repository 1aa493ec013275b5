/**
 * Failures a call must not retry: a shared prelude (server time, OAuth2 token) already retried them
 * for every caller, or the call gave up waiting for that prelude. Retrying such a failure would only
 * spend the call's retry budget on a request it never sent.
 */

const settled = new WeakSet<object>()

/** Marks `error` as settled and returns it. */
export const settle = <E extends object>(error: E): E => {
  settled.add(error)
  return error
}

/** Whether `error` was settled: the retry stage fails with it at once. */
export const isSettled = (error: object): boolean => settled.has(error)
