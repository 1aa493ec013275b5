/**
 * @effect-ovh/core: the OVHcloud API, the Effect way. Runtime-agnostic: it needs an `HttpClient`
 * and nothing else from the platform.
 *
 * `ApiDecoded` and `ApiSchema` load the generated schema tables, so they are imported by subpath
 * (`import * as ApiDecoded from "@effect-ovh/core/ApiDecoded"`), never through this barrel.
 *
 * @since 0.1.0
 */
export * as AccessRecorder from "./AccessRecorder.ts"
export * as Api from "./Api.ts"
export * as ConsumerKey from "./ConsumerKey.ts"
export * as Datacenter from "./Datacenter.ts"
export * as Endpoint from "./Endpoint.ts"
export * as FanOut from "./FanOut.ts"
export * as ListMode from "./ListMode.ts"
export * as OAuth2 from "./OAuth2.ts"
export * as OvhClient from "./OvhClient.ts"
export * as OvhConfig from "./OvhConfig.ts"
export * as OvhError from "./OvhError.ts"
export * as Pagination from "./Pagination.ts"
export * as RateLimiter from "./RateLimiter.ts"
export * as RetryPolicy from "./RetryPolicy.ts"
export * as Signature from "./Signature.ts"
export * as TimeDelta from "./TimeDelta.ts"
export * as TypedApi from "./TypedApi.ts"
