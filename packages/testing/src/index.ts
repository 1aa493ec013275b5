/**
 * @since 0.1.0
 */
export * as FakeOvhApi from "./FakeOvhApi.ts"
export * as FakeOvhServer from "./FakeOvhServer.ts"
