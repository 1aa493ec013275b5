import * as OvhConfig from "@effect-ovh/core/OvhConfig"
import { assert, describe, it } from "@effect/vitest"
import { ConfigProvider, Duration, Effect, Layer, Option, Redacted } from "effect"
import { randomBytes } from "node:crypto"
import { inspect } from "node:util"

const randomSecret = () => randomBytes(24).toString("base64url")

// every string an error shows, searched for any 8-character run of the secret
const assertHidden = (error: object, secret: string) => {
  const shown = [String((error as Error).message), String(error), JSON.stringify(error), inspect(error, { depth: 10 })]
  for (let i = 0; i + 8 <= secret.length; i++) {
    for (const text of shown) assert.notInclude(text, secret.slice(i, i + 8))
  }
}

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
        file("./ovh.conf", {
          default: { endpoint: "ovh-ca" },
          "ovh-ca": { application_key: "ak-local", consumer_key: "ck-local" }
        }),
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
          file("system", {
            default: { endpoint: "ovh-eu" },
            "ovh-eu": { application_key: "ak-system", consumer_key: "ck-system" }
          })
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
      const error = yield* Effect.flip(
        resolve(OvhConfig.fromOptions({}), OvhConfig.fromEnv({}), file("/etc/ovh.conf", {}))
      )
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
      const reverse = yield* Effect.flip(
        resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_SECRET: "as" }))
      )
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
      const kimsufi = yield* Effect.flip(
        resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "kimsufi-eu", OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "s" }))
      )
      assert.include(kimsufi.message, "OAuth2 is not available on endpoint kimsufi-eu")
      const unknown = yield* Effect.flip(
        resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-mars", OVH_APPLICATION_KEY: "a", OVH_APPLICATION_SECRET: "b" }))
      )
      assert.strictEqual(unknown._tag, "InvalidEndpoint")
    }))

  it.effect("accepts OAuth2 client credentials and static access tokens", () =>
    Effect.gen(function*() {
      const oauth = yield* resolve(
        OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-us", OVH_CLIENT_ID: "id", OVH_CLIENT_SECRET: "s" })
      )
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

  it.effect("checks a timeout given in code by the rules of OVH_TIMEOUT, with a typed error", () =>
    Effect.gen(function*() {
      const base = OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_KEY: "a", OVH_APPLICATION_SECRET: "b" })
      const timeoutOf = (timeout: Duration.Input) => resolve(OvhConfig.fromOptions({ timeout }), base)
      for (
        const bad of ["abc", -1, "-1", "0", 0, "-5 seconds", Duration.infinity, "Infinity", Number.NaN] as Array<
          Duration.Input
        >
      ) {
        const error = yield* Effect.flip(timeoutOf(bad))
        assert.strictEqual(error._tag, "OvhConfigError", String(bad))
        assert.strictEqual((error as OvhConfig.OvhConfigError).key, "timeout")
        assert.include(error.message, "code option timeout")
      }
      assert.notInclude(
        (yield* Effect.flip(timeoutOf("zq-not-a-duration" as Duration.Input))).message,
        "zq-not-a-duration"
      )
      // a number in code is milliseconds (Effect's Duration input); a bare number as text is seconds
      assert.strictEqual(Duration.toMillis((yield* timeoutOf(1500)).timeout), 1500)
      assert.strictEqual(Duration.toMillis((yield* timeoutOf("2 seconds")).timeout), 2000)
      assert.strictEqual(Duration.toMillis((yield* timeoutOf(Duration.minutes(1))).timeout), 60_000)
      const fromEnv = yield* Effect.flip(
        resolve(OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu", OVH_ACCESS_TOKEN: "t", OVH_TIMEOUT: "-1" }))
      )
      assert.strictEqual((fromEnv as OvhConfig.OvhConfigError).key, "timeout")
    }))

  it.effect("checks a proxy URL without repeating it", () =>
    Effect.gen(function*() {
      const password = randomSecret()
      assert.strictEqual(
        yield* OvhConfig.checkProxy(`http://me:${password}@proxy.internal:3128`, "code option proxy"),
        `http://me:${password}@proxy.internal:3128`
      )
      assert.strictEqual(
        yield* OvhConfig.checkProxy("socks5://127.0.0.1:1080", "code option proxy"),
        "socks5://127.0.0.1:1080"
      )
      for (
        const bad of [
          "not a url",
          `ftp://me:${password}@proxy.internal`,
          `http://me:${password}@`,
          "proxy.internal:3128"
        ]
      ) {
        const error = yield* Effect.flip(OvhConfig.checkProxy(bad, "environment variable HTTPS_PROXY"))
        assert.strictEqual(error.key, "proxy")
        assert.deepStrictEqual(error.lookedAt, ["environment variable HTTPS_PROXY"])
        assertHidden(error, password)
      }
    }))

  it.effect("names each place by what it is: a code option, a variable, a key of the ConfigProvider, a file section", () =>
    Effect.gen(function*() {
      const error = yield* Effect.flip(resolve(
        OvhConfig.fromOptions({}),
        OvhConfig.fromEnv({}),
        OvhConfig.fromProvider(ConfigProvider.fromUnknown({})),
        file("/etc/ovh.conf", {})
      ))
      assert.deepStrictEqual((error as OvhConfig.OvhConfigError).lookedAt, [
        "code option endpoint",
        "environment variable OVH_ENDPOINT",
        "ConfigProvider key OVH_ENDPOINT",
        "/etc/ovh.conf [default] endpoint"
      ])
      const secret = yield* Effect.flip(
        resolve(OvhConfig.fromOptions({ endpoint: "ovh-eu", applicationKey: "ak" }), file("f", {}))
      )
      assert.deepStrictEqual((secret as OvhConfig.OvhConfigError).lookedAt, [
        "code option applicationSecret",
        "f [ovh-eu] application_secret"
      ])
    }))

  it.effect("reads OVH_* through the current ConfigProvider, under the values in code", () =>
    Effect.gen(function*() {
      const settings = yield* Effect.gen(function*() {
        return yield* OvhConfig.OvhConfig
      }).pipe(
        Effect.provide(
          OvhConfig.OvhConfig.layer({ consumerKey: "ck-code" }).pipe(
            Layer.provide(ConfigProvider.layer(ConfigProvider.fromUnknown({
              OVH_ENDPOINT: "ovh-ca",
              OVH_APPLICATION_KEY: "ak-provider",
              OVH_APPLICATION_SECRET: "as-provider",
              OVH_CONSUMER_KEY: "ck-provider"
            })))
          )
        )
      )
      assert.strictEqual(settings.endpoint.name, "ovh-ca")
      const auth = appKey(settings)
      assert.strictEqual(auth.applicationKey, "ak-provider")
      assert.strictEqual(Redacted.value(Option.getOrThrow(auth.consumerKey)), "ck-code")
    }))

  it.effect("describes the settings as a Config: the endpoint, then the keys under its section", () =>
    Effect.gen(function*() {
      const provider = OvhConfig.layered([
        OvhConfig.fromEnv({ OVH_ENDPOINT: "ovh-eu", OVH_CONSUMER_KEY: "" }),
        file("conf", {
          "ovh-eu": { application_key: "ak", consumer_key: "ck-file" },
          "ovh-ca": { application_key: "wrong" }
        })
      ])
      const values = yield* OvhConfig.config.parse(provider)
      assert.deepStrictEqual(values.endpoint, Option.some("ovh-eu"))
      assert.deepStrictEqual(values.application_key, Option.some("ak"))
      assert.strictEqual(Redacted.value(Option.getOrThrow(values.consumer_key)), "ck-file")
      assert.isTrue(Option.isNone(values.application_secret))
      // the same description through Effect's Config, from the current provider
      const viaProvider = yield* Effect.gen(function*() {
        return yield* OvhConfig.config
      }).pipe(Effect.provideService(ConfigProvider.ConfigProvider, provider))
      assert.deepStrictEqual(viaProvider.application_key, Option.some("ak"))
    }))

  it.effect("ignores a consumer key next to OAuth2 credentials, as python-ovh", () =>
    Effect.gen(function*() {
      const settings = yield* resolve(OvhConfig.fromEnv({
        OVH_ENDPOINT: "ovh-eu",
        OVH_CLIENT_ID: "id",
        OVH_CLIENT_SECRET: "cs",
        OVH_CONSUMER_KEY: "ck-leftover"
      }))
      assert.strictEqual(settings.auth._tag, "OAuth2")
    }))

  it.effect("reads [DEFAULT] only for sections that exist, and hints at a section that almost matches", () =>
    Effect.gen(function*() {
      const fromDefault = yield* resolve(file("conf", {
        DEFAULT: { application_key: "ak-def", application_secret: "as-def" },
        default: { endpoint: "ovh-eu" },
        "ovh-eu": {}
      }))
      assert.strictEqual(appKey(fromDefault).applicationKey, "ak-def")
      const noSection = yield* Effect.flip(
        resolve(file("conf", { DEFAULT: { endpoint: "ovh-eu" }, "ovh-eu": { access_token: "t" } }))
      )
      assert.strictEqual((noSection as OvhConfig.OvhConfigError).key, "endpoint")
      const near = yield* Effect.flip(
        resolve(file("conf", { default: { endpoint: "ovh-eu" }, " ovh-eu ": { access_token: "t" } }))
      )
      assert.include(near.message, `"[ ovh-eu ]"`)
      assert.include(near.message, "must match the endpoint exactly")
    }))

  it.effect("refuses a value that spans lines, naming the key and not the value", () =>
    Effect.gen(function*() {
      const secret = randomSecret()
      const error = yield* Effect.flip(resolve(file("conf", {
        default: { endpoint: "ovh-eu" },
        "ovh-eu": { application_key: "ak", application_secret: `${secret}\nmore` }
      })))
      assert.strictEqual((error as OvhConfig.OvhConfigError).key, "application_secret")
      assert.include(error.message, "indented line")
      assertHidden(error, secret)
    }))

  it.effect("reports a ConfigProvider that cannot be read as a typed error", () =>
    Effect.gen(function*() {
      const failing = ConfigProvider.make(() =>
        Effect.fail(new ConfigProvider.SourceError({ message: "vault sealed" }))
      )
      const error = yield* Effect.flip(
        resolve(OvhConfig.fromOptions({ endpoint: "ovh-eu" }), OvhConfig.fromProvider(failing))
      )
      assert.strictEqual(error._tag, "OvhConfigError")
      assert.include(error.message, "vault sealed")
    }))

  it.effect("keeps every secret out of the errors of a configuration that is refused", () =>
    Effect.gen(function*() {
      const secrets = [randomSecret(), randomSecret(), randomSecret()]
      const errors = [
        yield* Effect.flip(
          resolve(
            OvhConfig.fromOptions({
              endpoint: "ovh-eu",
              applicationSecret: secrets[0],
              clientId: "id",
              clientSecret: secrets[1]
            })
          )
        ),
        yield* Effect.flip(resolve(OvhConfig.fromOptions({ endpoint: "ovh-eu", consumerKey: secrets[2] }))),
        yield* Effect.flip(resolve(OvhConfig.fromOptions({ endpoint: secrets[0], accessToken: secrets[1] })))
      ]
      for (const error of errors) for (const secret of secrets) assertHidden(error, secret)
    }))

  it.effect("reads a variable that is also the prefix of other variables", () =>
    Effect.gen(function*() {
      const settings = yield* resolve(OvhConfig.fromEnv({
        OVH_ENDPOINT: "ovh-eu",
        OVH_ENDPOINT_NOTE: "unrelated",
        OVH_ACCESS_TOKEN: "t",
        OVH_ACCESS_TOKEN_FILE: "/run/secrets/t"
      }))
      assert.strictEqual(settings.endpoint.name, "ovh-eu")
      assert.strictEqual(settings.auth._tag, "AccessToken")
    }))
})
