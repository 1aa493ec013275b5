/**
 * @effect-ovh/node: the Node layers of effect-ovh (undici HTTP client, `ovh.conf` discovery).
 *
 * @since 0.1.0
 */
export * as NodeOvh from "./NodeOvh.ts"
export * as OvhConfigFile from "./OvhConfigFile.ts"
