import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import { assert, describe, it } from "@effect/vitest"
import { Duration, Effect, Option, Redacted } from "effect"
import { inspect } from "node:util"

const file = (label: string, sections: Record<string, Record<string, string>>) => OvhConfig.fromIni(label, sections)

const resolve = (...sources: Array<OvhConfig.Source>) => OvhConfig.resolve(sources)

const appKey = (settings: OvhConfig.Settings) => {
  assert.strictEqual(settings.auth._tag, "ApplicationKey")
  return settings.auth as OvhConfig.ApplicationKeyAuth
}

describe("OvhConfig", () => {
  it.effect("reads code, environment and files, merged key by key by precedence", () =>
    Effect.gen(function*() {
      const settings = yield* resolve(
        OvhConfig.fromOptions({ consumerKey: "ck-code" }),
        OvhConfig.fromEnv({ OVH_APPLICATION_SECRET: "as-env" }),
        file("explicit.conf", { "ovh-ca": { application_key: "ak-explicit" } }),
        file("./ovh.conf", { default: { endpoint: "ovh-ca" }, "ovh-ca": { application_key: "ak-local", consumer_key: "ck-local" } }),
        file("~/.ovh.conf", { "ovh-ca": { application_secret: "as-user" } }),
        file("/etc/ovh.conf", { default: { endpoint: "ovh-eu" }, "ovh-ca": { application_key: "ak-system" } })
      )
      assert.strictEqual(settings.endpoint.name, "ovh-ca")
      assert.strictEqual(settings.endpoint.url, "https://ca.api.ovh.com/1.0")
      const auth = appKey(settings)
      assert.strictEqual(auth.applicationKey, "ak-explicit")
      assert.strictEqual(Redacted.value(auth.applicationSecret), "as-env")
      assert.strictEqual(Redacted.value(Option.getOrThrow(auth.consumerKey)), "ck-code")
      assert.isTrue(Duration.equals(settings.timeout, Duration.seconds(180)))
    }))

  it.effect("merges the system, user and local files like python-ovh's test_config_from_files", () =>
    Effect.gen(function*() {
      const auth = appKey(
        yield* resolve(
          file("local", { "ovh-eu": { consumer_key: "ck-local" } }),
          file("user", { "ovh-eu": { application_secret: "as-user" } }),
          file("system", { default: { endpoint: "ovh-eu" }, "ovh-eu": { application_key: "ak-system", consumer_key: "ck-system" } })
        )
      )
      assert.strictEqual(auth.applicationKey, "ak-system")
      assert.strictEqual(Redacted.value(auth.applicationSecret), "as-user")
      assert.strictEqual(Redacted.value(Option.getOrThrow(auth.consumerKey)), "ck-local")
    }))

  it.effect("reads keys from the section of the endpoint chosen by a higher source", () =>
    Effect.gen(function*() {
      const auth = appKey(
        yield* resolve(
          OvhConfig.fromEnv({ OVH_ENDPOINT: "kimsufi-eu" }),
          file("conf", {
            default: { endpoint: "ovh-eu" },
            "ovh-eu": { application_key: "wrong", application_secret: "wrong" },
            "kimsufi-eu": { application_key: "ak-ks", application_secret: "as-ks" }
          })
        )
      )
      assert.strictEqual(auth.applicationKey, "ak-ks")
    }))

  it.effect("uses a section named by a custom endpoint URL", () =>
    Effect.gen(function*() {
      const settings = yield* resolve(
        file("conf", {
          default: { endpoint: "http://127.0.0.1:8080/1.0" },
          "http://127.0.0.1:8080/1.0": { application_key: "ak", application_secret: "as", consumer_key: "ck" }
        })
      )
      assert.strictEqual(settings.endpoint.url, "http://127.0.0.1:8080/1.0")
      assert.strictEqual(appKey(settings).applicationKey, "ak")
    }))

  it.effect("names the key and every place looked at when the endpoint is missing", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(resolve(OvhConfig.fromOptions({}), OvhConfig.fromEnv({}), file("/etc/ovh.conf", {})))
      assert.strictEqual(error._tag, "OvhConfigError")
      if (error._tag !== "OvhConfigError") return
      assert.strictEqual(error.key, "endpoint")
      assert.deepStrictEqual(error.lookedAt, [
        "code option endpoint",
        "environment variable OVH_ENDPOINT",
        "/etc/ovh.conf [default] endpoint"
      ])
      assert.include(error.message, "environment variable OVH_ENDPOINT")
    }))

  it.effect("rejects a key without its secret, naming the missing one and where it looked", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(
        resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_KEY: "ak" }), file("~/.ovh.conf", {}))
      )
      assert.strictEqual(error._tag, "OvhConfigError")
      if (error._tag !== "OvhConfigError") return
      assert.strictEqual(error.key, "application_secret")
      assert.deepStrictEqual(error.lookedAt, [
        "environment variable OVH_APPLICATION_SECRET",
        "~/.ovh.conf [ovh-eu] application_secret"
      ])
      const reverse = yield* Effect.flip(resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_SECRET: "as" })))
      assert.strictEqual((reverse as OvhConfig.OvhConfigError).key, "application_key")
      const oauth = yield* Effect.flip(resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu", OVH_CLIENT_ID: "id" })))
      assert.strictEqual((oauth as OvhConfig.OvhConfigError).key, "client_secret")
    }))

  it.effect("rejects missing authentication, two kinds at once, and OAuth2 where it does not exist", () =>
    Effect.gen(function*() {
      const none = yield* Effect.flip(resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu" })))
      assert.include(none.message, "missing authentication")
      const both = yield* Effect.flip(resolve(OvhConfig.fromEnv({
        OVH_ENDPOINT: "ovh-eu",
        OVH_APPLICATION_KEY: "ak",
        OVH_APPLICATION_SECRET: "as",
        OVH_CLIENT_ID: "id",
        OVH_CLIENT_SECRET: "secret"
      })))
      assert.include(both.message, "several authentication methods")
      const kimsufi = yield* Effect.flip(resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "kimsufi-eu", OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "s" })))
      assert.include(kimsufi.message, "OAuth2 is not available on endpoint kimsufi-eu")
      const unknown = yield* Effect.flip(resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-mars", OVH_APPLICATION_KEY: "a", OVH_APPLICATION_SECRET: "b" })))
      assert.strictEqual(unknown._tag, "InvalidEndpoint")
    }))

  it.effect("accepts OAuth2 client credentials and static access tokens", () =>
    Effect.gen(function*() {
      const oauth = yield* resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-us", OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "s" }))
      assert.deepStrictEqual(
        oauth.auth._tag === "OAuth2" ? [oauth.auth.clientId, oauth.auth.tokenUrl] : [],
        ["id", "https://us.ovhcloud.com/auth/oauth2/token"]
      )
      const token = yield* resolve(OvhConfig.fromOptions({ endpoint: "ovh-eu", accessToken: "tok" }))
      assert.strictEqual(token.auth._tag, "AccessToken")
    }))

  it.effect("reads the timeout from code or the environment and rejects nonsense", () =>
    Effect.gen(function*() {
      const base = { OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_KEY: "a", OVH_APPLICATION_SECRET: "b" }
      const code = yield* resolve(OvhConfig.fromOptions({ timeout: "5 seconds" }), OvhConfig.fromEnv(base))
      assert.strictEqual(Duration.toMillis(code.timeout), 5000)
      const env = yield* resolve(OvhConfig.fromEnv({ ...base, OVH_TIMEOUT: "2.5" }))
      assert.strictEqual(Duration.toMillis(env.timeout), 2500)
      const bad = yield* Effect.flip(resolve(OvhConfig.fromEnv({ ...base, OVH_TIMEOUT: "soon" })))
      assert.strictEqual((bad as OvhConfig.OvhConfigError).key, "timeout")
    }))

  it.effect("never shows a secret in inspect, toString or JSON", () =>
    Effect.gen(function*() {
      const settings = yield* resolve(OvhConfig.fromOptions({
        endpoint: "ovh-eu",
        applicationKey: "ak-visible",
        applicationSecret: "as-SECRET-123",
        consumerKey: "ck-SECRET-456"
      }))
      for (const shown of [inspect(settings, { depth: 10 }), String(settings.auth), JSON.stringify(settings)]) {
        assert.notInclude(shown, "as-SECRET-123")
        assert.notInclude(shown, "ck-SECRET-456")
      }
      assert.include(inspect(settings, { depth: 10 }), "ak-visible")
    }))
})
