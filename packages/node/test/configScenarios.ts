/**
 * Configuration situations, each with what python-ovh 1.2.0 ends up with (`ovh/config.py`: one
 * `RawConfigParser` reading `/etc/ovh.conf`, `~/.ovh.conf`, `./ovh.conf`, then `config_file`;
 * `OVH_*` from `os.environ` first; `ovh/client.py` `Client.__init__`: code arguments first, then the
 * checks) and, where effect-ovh differs on purpose, what it does instead and why.
 *
 * The `python` column was checked by running python-ovh's own `ovh/config.py` with the checks of
 * `Client.__init__` under Python 3.11's configparser (see `python-ovh-config-check.py` beside
 * this file: `node packages/node/test/configScenarios.ts | python3 packages/node/test/python-ovh-config-check.py`).
 */

/** The files of a situation: `./ovh.conf`, `~/.ovh.conf`, `/etc/ovh.conf` and a `config_file`. */
export interface Files {
  readonly cwd?: string
  readonly home?: string
  readonly etc?: string
  /** Given as `config_file=` (python) / `configFile` (here); `null`: named but absent. */
  readonly explicit?: string | null
}

/** What a client ends up with: its endpoint and credentials, or the kind of error. */
export type Outcome =
  | {
    readonly endpoint: string
    readonly auth: "ApplicationKey"
    readonly application_key: string
    readonly application_secret: string
    readonly consumer_key?: string
  }
  | { readonly endpoint: string; readonly auth: "OAuth2"; readonly client_id: string; readonly client_secret: string }
  /**
   * `endpoint`: python's `InvalidRegion`, here `InvalidEndpoint` or `OvhConfigError` on `endpoint`;
   * `configuration`: python's `InvalidConfiguration`, here `OvhConfigError`;
   * `file`: configparser's `MissingSectionHeaderError`/`ParsingError`/`Duplicate*Error`, here `OvhConfigFileError`.
   */
  | { readonly error: "endpoint" | "configuration" | "file" }

/** One situation. */
export interface Scenario {
  readonly name: string
  readonly files?: Files
  /** `OVH_*` variables (python: `os.environ`; here: through the current `ConfigProvider`). */
  readonly env?: Record<string, string>
  /** Constructor arguments (python) / code options (here), by their python names. */
  readonly code?: Partial<
    Record<
      "endpoint" | "application_key" | "application_secret" | "consumer_key" | "client_id" | "client_secret",
      string
    >
  >
  readonly python: Outcome
  /** Where effect-ovh differs on purpose: its outcome, and why. */
  readonly ours?: { readonly outcome: Outcome; readonly why: string }
}

const full = (section: string, tag: string) =>
  `[${section}]\napplication_key=ak-${tag}\napplication_secret=as-${tag}\nconsumer_key=ck-${tag}\n`

const eu = (tag: string, ck = true): Outcome => ({
  endpoint: "ovh-eu",
  auth: "ApplicationKey",
  application_key: `ak-${tag}`,
  application_secret: `as-${tag}`,
  ...(ck ? { consumer_key: `ck-${tag}` } : {})
})

const EMPTY_WHY = "an empty value counts as not given in every source, so a lower source's value is used: Effect's " +
  "ConfigProvider reads an empty variable as absent, and go-ovh does the same (python-ovh keeps the empty " +
  "value, and every signed call then fails)"

/** The situations, one row each. */
export const scenarios: ReadonlyArray<Scenario> = [
  // -- where the values come from
  {
    name: "everything in /etc/ovh.conf",
    files: { etc: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "etc") },
    python: eu("etc")
  },
  {
    name: "system, user and local files merged key by key (python-ovh's test_config_from_files)",
    files: {
      etc: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "etc"),
      home: "[ovh-eu]\napplication_secret=as-home\n",
      cwd: "[ovh-eu]\nconsumer_key=ck-cwd\n"
    },
    python: {
      endpoint: "ovh-eu",
      auth: "ApplicationKey",
      application_key: "ak-etc",
      application_secret: "as-home",
      consumer_key: "ck-cwd"
    }
  },
  {
    name: "./ovh.conf wins over ~/.ovh.conf",
    files: { home: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "home"), cwd: full("ovh-eu", "cwd") },
    python: eu("cwd")
  },
  {
    name: "config_file wins over ./ovh.conf key by key",
    files: {
      cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd"),
      explicit: "[ovh-eu]\napplication_key=ak-explicit\n"
    },
    python: {
      endpoint: "ovh-eu",
      auth: "ApplicationKey",
      application_key: "ak-explicit",
      application_secret: "as-cwd",
      consumer_key: "ck-cwd"
    }
  },
  {
    name: "OVH_* variables win over the files",
    files: { cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") },
    env: { OVH_APPLICATION_KEY: "ak-env" },
    python: {
      endpoint: "ovh-eu",
      auth: "ApplicationKey",
      application_key: "ak-env",
      application_secret: "as-cwd",
      consumer_key: "ck-cwd"
    }
  },
  {
    name: "OVH_* variables win over config_file too",
    files: { explicit: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "explicit") },
    env: { OVH_CONSUMER_KEY: "ck-env" },
    python: {
      endpoint: "ovh-eu",
      auth: "ApplicationKey",
      application_key: "ak-explicit",
      application_secret: "as-explicit",
      consumer_key: "ck-env"
    }
  },
  {
    name: "code wins over the variables",
    env: { OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_KEY: "ak-env", OVH_APPLICATION_SECRET: "as-env" },
    code: { application_key: "ak-code" },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak-code", application_secret: "as-env" }
  },
  {
    name: "everything from the variables",
    env: {
      OVH_ENDPOINT: "ovh-eu",
      OVH_APPLICATION_KEY: "ak-env",
      OVH_APPLICATION_SECRET: "as-env",
      OVH_CONSUMER_KEY: "ck-env"
    },
    python: eu("env")
  },
  {
    name: "OVH_ENDPOINT chooses the section the files are read from",
    files: { etc: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "etc") + full("kimsufi-eu", "ks") },
    env: { OVH_ENDPOINT: "kimsufi-eu" },
    python: {
      endpoint: "kimsufi-eu",
      auth: "ApplicationKey",
      application_key: "ak-ks",
      application_secret: "as-ks",
      consumer_key: "ck-ks"
    }
  },
  {
    name: "the endpoint in code chooses the section",
    files: { home: full("ovh-ca", "ca") },
    code: { endpoint: "ovh-ca" },
    python: {
      endpoint: "ovh-ca",
      auth: "ApplicationKey",
      application_key: "ak-ca",
      application_secret: "as-ca",
      consumer_key: "ck-ca"
    }
  },
  {
    name: "the endpoint of ./ovh.conf wins over /etc's, and its section is read from /etc",
    files: { etc: "[default]\nendpoint=ovh-eu\n" + full("ovh-ca", "ca"), cwd: "[default]\nendpoint=ovh-ca\n" },
    python: {
      endpoint: "ovh-ca",
      auth: "ApplicationKey",
      application_key: "ak-ca",
      application_secret: "as-ca",
      consumer_key: "ck-ca"
    }
  },
  {
    name: "a section in two files is merged",
    files: {
      etc: "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak-etc\n",
      home: "[ovh-eu]\napplication_secret=as-home\n"
    },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak-etc", application_secret: "as-home" }
  },
  // -- refused configurations
  { name: "no endpoint anywhere", files: { cwd: full("ovh-eu", "cwd") }, python: { error: "endpoint" } },
  {
    name: "an unknown endpoint name",
    env: { OVH_ENDPOINT: "ovh-mars", OVH_APPLICATION_KEY: "a", OVH_APPLICATION_SECRET: "b" },
    python: { error: "endpoint" }
  },
  {
    name: "application_key without application_secret",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak\n" },
    python: { error: "configuration" }
  },
  {
    name: "application_secret without application_key",
    env: { OVH_ENDPOINT: "ovh-eu", OVH_APPLICATION_SECRET: "as" },
    python: { error: "configuration" }
  },
  {
    name: "client_id without client_secret",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\nclient_id=id\n" },
    python: { error: "configuration" }
  },
  {
    name: "application key and OAuth2 at once",
    files: {
      cwd:
        "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak\napplication_secret=as\nclient_id=id\nclient_secret=cs\n"
    },
    python: { error: "configuration" }
  },
  { name: "an endpoint and no credentials", env: { OVH_ENDPOINT: "ovh-eu" }, python: { error: "configuration" } },
  {
    name: "a consumer key alone",
    env: { OVH_ENDPOINT: "ovh-eu", OVH_CONSUMER_KEY: "ck" },
    python: { error: "configuration" }
  },
  {
    name: "OAuth2 on an endpoint without it",
    files: { cwd: "[default]\nendpoint=kimsufi-eu\n[kimsufi-eu]\nclient_id=id\nclient_secret=cs\n" },
    python: { error: "configuration" }
  },
  // -- OAuth2
  {
    name: "OAuth2 from a file",
    files: { home: "[default]\nendpoint=ovh-eu\n[ovh-eu]\nclient_id=id-home\nclient_secret=cs-home\n" },
    python: { endpoint: "ovh-eu", auth: "OAuth2", client_id: "id-home", client_secret: "cs-home" }
  },
  {
    name: "OAuth2 from the variables",
    env: { OVH_ENDPOINT: "ovh-ca", OVH_CLIENT_ID: "id-env", OVH_CLIENT_SECRET: "cs-env" },
    python: { endpoint: "ovh-ca", auth: "OAuth2", client_id: "id-env", client_secret: "cs-env" }
  },
  {
    name: "OAuth2 credentials next to a leftover consumer_key: OAuth2 is used",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\nclient_id=id\nclient_secret=cs\nconsumer_key=ck-old\n" },
    python: { endpoint: "ovh-eu", auth: "OAuth2", client_id: "id", client_secret: "cs" }
  },
  {
    name: "OAuth2 in a file, a consumer key in the variables: OAuth2 is used",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\nclient_id=id\nclient_secret=cs\n" },
    env: { OVH_CONSUMER_KEY: "ck-env" },
    python: { endpoint: "ovh-eu", auth: "OAuth2", client_id: "id", client_secret: "cs" }
  },
  // -- configparser: option names
  {
    name: "upper-case option names are lower-cased",
    files: {
      cwd: "[default]\nENDPOINT=ovh-eu\n[ovh-eu]\nAPPLICATION_KEY=ak-up\nAPPLICATION_SECRET=as-up\nCONSUMER_KEY=ck-up\n"
    },
    python: eu("up")
  },
  {
    name: "mixed-case option names are lower-cased",
    files: { cwd: "[default]\nEndpoint=ovh-eu\n[ovh-eu]\nApplication_Key=ak-mx\napplication_Secret=as-mx\n" },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak-mx", application_secret: "as-mx" }
  },
  // -- configparser: [DEFAULT]
  {
    name: "[DEFAULT] gives its keys to the endpoint's section",
    files: {
      cwd:
        "[DEFAULT]\napplication_key=ak-def\napplication_secret=as-def\n[default]\nendpoint=ovh-eu\n[ovh-eu]\nconsumer_key=ck-def\n"
    },
    python: eu("def")
  },
  {
    name: "[DEFAULT] keys with no section for the endpoint are not read",
    files: { cwd: "[DEFAULT]\napplication_key=ak\napplication_secret=as\n[default]\nendpoint=ovh-eu\n" },
    python: { error: "configuration" }
  },
  {
    name: "an endpoint in [DEFAULT] without a [default] section is not read",
    files: { cwd: "[DEFAULT]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") },
    python: { error: "endpoint" }
  },
  {
    name: "an endpoint in [DEFAULT] with an empty [default] section is read",
    files: { cwd: "[DEFAULT]\nendpoint=ovh-eu\n[default]\n" + full("ovh-eu", "cwd") },
    python: eu("cwd")
  },
  {
    name: "[DEFAULT] of /etc applies to a section of ./ovh.conf",
    files: {
      etc: "[DEFAULT]\napplication_secret=as-etc\n",
      cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak-cwd\n"
    },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak-cwd", application_secret: "as-etc" }
  },
  {
    name: "a section's own value in /etc wins over [DEFAULT] in ./ovh.conf",
    files: {
      etc: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "etc"),
      cwd: "[DEFAULT]\napplication_key=ak-cwd\n"
    },
    python: eu("etc")
  },
  // -- configparser: continuation lines
  {
    name: "an indented line continues the value above it",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak\n  more\napplication_secret=as\n" },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak\nmore", application_secret: "as" },
    ours: {
      outcome: { error: "configuration" },
      why: "the file is read the same (application_key is two lines), but a key with a line break cannot go in a " +
        "header: python-ovh fails at its first call, effect-ovh refuses the setting before any call"
    }
  },
  {
    name: "an indented option is part of the value above, not an option",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak\n  application_secret=as\n" },
    python: { error: "configuration" }
  },
  {
    name: "an indented line under an option python-ovh does not read changes nothing",
    files: { cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") + "description=my\n  account\n\n  notes\n" },
    python: eu("cwd")
  },
  // -- configparser: section names
  {
    name: "[ ovh-eu ] is not the section ovh-eu",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ ovh-eu ]\napplication_key=ak\napplication_secret=as\n" },
    python: { error: "configuration" }
  },
  {
    name: "[OVH-EU] is not the section ovh-eu",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[OVH-EU]\napplication_key=ak\napplication_secret=as\n" },
    python: { error: "configuration" }
  },
  {
    name: "[Default] is not the section default",
    files: { cwd: "[Default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") },
    python: { error: "endpoint" }
  },
  // -- configparser: lines
  {
    name: "comments, ':' as separator, spaces around '='",
    files: {
      cwd:
        "# c\n; c\n[default]\n  endpoint : ovh-eu\n[ovh-eu]\n; c\napplication_key   =   ak-sp  \napplication_secret:as-sp\n"
    },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak-sp", application_secret: "as-sp" }
  },
  {
    name: "a ';' after a value is part of the value",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=ak ; mine\napplication_secret=as=x\n" },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak ; mine", application_secret: "as=x" }
  },
  { name: "an option before any section", files: { cwd: "endpoint=ovh-eu\n" }, python: { error: "file" } },
  {
    name: "a line that is not an option",
    files: { home: "[default]\nendpoint=ovh-eu\napplication_secret s3cret\n" },
    python: { error: "file" }
  },
  {
    name: "an option twice in one section",
    files: { cwd: "[default]\nendpoint=ovh-eu\nEndpoint=ovh-ca\n" },
    python: { error: "file" }
  },
  {
    name: "a section twice in one file",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[default]\n" },
    python: { error: "file" }
  },
  {
    name: "[DEFAULT] twice in one file",
    files: {
      cwd: "[DEFAULT]\napplication_key=ak\n[DEFAULT]\napplication_secret=as\n[default]\nendpoint=ovh-eu\n[ovh-eu]\n"
    },
    python: { endpoint: "ovh-eu", auth: "ApplicationKey", application_key: "ak", application_secret: "as" }
  },
  // -- empty values
  {
    name: "OVH_CONSUMER_KEY= over a consumer key in a file",
    files: { cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") },
    env: { OVH_CONSUMER_KEY: "" },
    python: {
      endpoint: "ovh-eu",
      auth: "ApplicationKey",
      application_key: "ak-cwd",
      application_secret: "as-cwd",
      consumer_key: ""
    },
    ours: { outcome: eu("cwd"), why: EMPTY_WHY }
  },
  {
    name: "consumer_key= in ./ovh.conf over one in /etc/ovh.conf",
    files: { etc: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "etc"), cwd: "[ovh-eu]\nconsumer_key=\n" },
    python: {
      endpoint: "ovh-eu",
      auth: "ApplicationKey",
      application_key: "ak-etc",
      application_secret: "as-etc",
      consumer_key: ""
    },
    ours: { outcome: eu("etc"), why: EMPTY_WHY }
  },
  {
    name: "OVH_APPLICATION_KEY= over a key pair in a file",
    files: { cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") },
    env: { OVH_APPLICATION_KEY: "" },
    python: { error: "configuration" },
    ours: { outcome: eu("cwd"), why: EMPTY_WHY }
  },
  {
    name: "OVH_ENDPOINT= over an endpoint in a file",
    files: { cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") },
    env: { OVH_ENDPOINT: "" },
    python: { error: "endpoint" },
    ours: { outcome: eu("cwd"), why: EMPTY_WHY }
  },
  {
    name: "an empty consumer key in code over one in a file",
    files: { cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd") },
    code: { consumer_key: "" },
    python: {
      endpoint: "ovh-eu",
      auth: "ApplicationKey",
      application_key: "ak-cwd",
      application_secret: "as-cwd",
      consumer_key: ""
    },
    ours: { outcome: eu("cwd"), why: EMPTY_WHY }
  },
  {
    name: "an empty application_key with its secret, nothing below",
    files: { cwd: "[default]\nendpoint=ovh-eu\n[ovh-eu]\napplication_key=\napplication_secret=as\n" },
    python: { error: "configuration" }
  },
  // -- files that cannot be read
  {
    name: "a config_file that does not exist",
    files: { cwd: "[default]\nendpoint=ovh-eu\n" + full("ovh-eu", "cwd"), explicit: null },
    python: eu("cwd"),
    ours: {
      outcome: { error: "file" },
      why: "python's configparser skips a file it cannot open, so a misspelt config_file goes unnoticed; a file " +
        "named in code must exist here"
    }
  },
  // -- endpoints
  {
    name: "a base URL as endpoint, its section named by the URL",
    files: { cwd: "[default]\nendpoint=https://api.example.net/1.0\n" + full("https://api.example.net/1.0", "url") },
    python: { error: "endpoint" },
    ours: {
      outcome: {
        endpoint: "https://api.example.net/1.0",
        auth: "ApplicationKey",
        application_key: "ak-url",
        application_secret: "as-url",
        consumer_key: "ck-url"
      },
      why: "python-ovh 1.2.0 knows only its named endpoints; effect-ovh also takes an https base URL (go-ovh takes " +
        "an endpoint with a '/' as a URL and as a section name too)"
    }
  }
]

// `node configScenarios.ts` prints the rows as JSON for the python check
if (import.meta.url === `file://${process.argv[1]}`) console.log(JSON.stringify(scenarios))
