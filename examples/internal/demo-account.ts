/**
 * The account the demo (and the examples' tests) seed into the fake OVHcloud API: an owner, bills
 * over several months, dedicated servers in several datacenters, a mail domain, and applications
 * authorized on the account. Plain data, shaped like the API's answers, and `prepare`, which plays
 * the user and the datacenter where a human or a task would act.
 */
import type * as FakeOvhApi from "@effect-ovh/testing/FakeOvhApi"
import { type Duration, Effect } from "effect"

const price = (value: number) => ({
  currencyCode: "EUR",
  value,
  text: `${value.toFixed(2)} €`
})

/** `[billId, date, price with tax]` of the demo bills, oldest first. */
export const billRows: ReadonlyArray<readonly [string, string, number]> = [
  ["FR48213337", "2026-05-01T00:12:04+02:00", 21.59],
  ["FR48559012", "2026-06-01T00:10:51+02:00", 21.59],
  ["FR48901277", "2026-07-01T00:11:37+02:00", 57.23],
  ["FR49245590", "2026-08-01T00:09:58+02:00", 113.99],
  ["FR49600314", "2026-09-01T00:13:22+02:00", 21.59],
  ["FR49951846", "2026-10-01T00:08:45+02:00", 9.59],
  ["FR50300127", "2026-11-01T00:12:16+01:00", 1234.8]
]

/** `[serviceName, datacenter]` of the demo's dedicated servers. */
export const serverRows: ReadonlyArray<readonly [string, string]> = [
  ["ns3001234.ip-51-68-1.eu", "sbg1"],
  ["ns3005678.ip-51-68-2.eu", "gra1"],
  ["ns3009012.ip-51-68-3.eu", "sbg1"],
  ["ns3013456.ip-51-68-4.eu", "rbx7"],
  ["ns3017890.ip-51-68-5.eu", "sbg1"],
  ["ns3021234.ip-51-68-6.eu", "bhs3"]
]

/** The demo's mail domain. */
export const mailDomain = "example-shop.fr"

/** Applications authorized on the demo account, besides the one the demo signs with. */
export const applications: ReadonlyArray<
  { readonly name: string; readonly rules: ReadonlyArray<{ method: string; path: string }> }
> = [
  { name: "backup-scripts", rules: [{ method: "GET", path: "/dedicated/server/*" }] },
  { name: "dns-updater", rules: [{ method: "GET", path: "/domain/*" }, { method: "PUT", path: "/domain/*" }] },
  { name: "billing-export", rules: [{ method: "GET", path: "/me/bill/*" }] }
]

/** Resources by API path, for the fake's `data` option. */
export const data: Record<string, unknown> = {
  // `/me` is the fake's own account holder, Ada Lovelace (la1815-ovh), seeded by the fake itself
  ...Object.fromEntries(billRows.map(([billId, date, amount], i) => [`/me/bill/${billId}`, {
    billId,
    category: "autorenew",
    date,
    orderId: 180_000_000 + i * 7919,
    pdfUrl: `https://www.ovh.com/cgi-bin/order/facture.pdf?reference=${billId}&passwd=demo${i}`,
    url: `https://www.ovh.com/cgi-bin/order/facture.cgi?reference=${billId}&passwd=demo${i}`,
    password: `demo${i}`,
    priceWithTax: price(amount),
    priceWithoutTax: price(Math.round((amount / 1.2) * 100) / 100),
    tax: price(Math.round((amount - amount / 1.2) * 100) / 100)
  }])),
  ...Object.fromEntries(serverRows.map(([name, datacenter], i) => [`/dedicated/server/${name}`, {
    name,
    serverId: 400_100 + i,
    datacenter,
    ip: `51.68.${i + 1}.${10 + i}`,
    reverse: name,
    os: "debian12_64",
    state: "ok",
    powerState: "poweron",
    commercialRange: i % 2 === 0 ? "rise" : "advance",
    linkSpeed: 1000,
    monitoring: true,
    professionalUse: false,
    supportLevel: "pro"
  }])),
  ...Object.fromEntries(serverRows.map(([name], i) => [`/dedicated/server/${name}/burst`, {
    status: i === 2 ? "active" : "inactive",
    capacity: { unit: "Mbps", value: 1000 }
  }])),
  [`/email/domain/${mailDomain}`]: {
    domain: mailDomain,
    status: "ok",
    offer: "MXPLAN",
    creationDate: "2024-03-18T10:02:11+01:00",
    filerz: 42,
    isMXValid: "ok",
    isSPFValid: "ok",
    allowedAccountSize: [5_000_000_000],
    linkTo: "",
    migratedMXPlanServiceName: ""
  },
  [`/email/domain/${mailDomain}/redirection/3521`]: {
    id: "3521",
    from: `contact@${mailDomain}`,
    to: "ada.lovelace@example.com"
  }
}

/** Seeds what the fake cannot generate on its own, and plays the user and the datacenter. */
export const prepare = (fake: FakeOvhApi.FakeOvhApi["Service"], options: { readonly validateAfter: Duration.Input }) =>
  Effect.gen(function*() {
    for (const app of applications) {
      const registered = yield* fake.registerApplication({ name: app.name })
      yield* fake.createConsumerKey({ rules: app.rules, applicationKey: registered.applicationKey })
    }
    // the user opens the validation URL a moment after the key is requested, and keeps the key for a day
    yield* fake.route({ method: "POST", path: "/auth/credential" }, (request) =>
      Effect.gen(function*() {
        const reply = yield* request.next
        const url = (reply.body as { readonly validationUrl?: string } | null)?.validationUrl
        if (url !== undefined) {
          yield* Effect.forkDetach(
            Effect.sleep(options.validateAfter).pipe(
              Effect.andThen(
                Effect.promise(() => fetch(`${url}&duration=86400`, { redirect: "manual" }).then((page) => page.text()))
              )
            )
          )
        }
        return reply
      }))
    // creating a redirection queues an "add" task on the domain
    yield* fake.route(
      { method: "POST", path: "/email/domain/{domain}/redirection" },
      (request) =>
        Effect.map(request.next, (reply) => ({
          ...reply,
          body: {
            ...(reply.body as object),
            id: `${Math.floor(Date.now() / 1000) % 100_000}`,
            account: String((request.body as { readonly from?: unknown }).from ?? "").split("@")[0],
            action: "add",
            type: "forward",
            date: new Date().toISOString().replace(/\.\d+Z$/, "+00:00")
          }
        }))
    )
    // `date.from` and `date.to` filter the bills by date, as the real API does
    yield* fake.route({ method: "GET", path: "/me/bill" }, (request) =>
      Effect.gen(function*() {
        const reply = yield* request.next
        const from = request.query["date.from"]
        const to = request.query["date.to"]
        if (typeof from !== "string" && typeof to !== "string") return reply
        const ids: Array<string> = []
        for (const id of reply.body as ReadonlyArray<string>) {
          const bill = (yield* fake.read(`/me/bill/${id}`)) as { readonly date: string } | undefined
          const date = bill === undefined ? NaN : Date.parse(bill.date)
          if (typeof from === "string" && date < Date.parse(from)) continue
          if (typeof to === "string" && date > Date.parse(to)) continue
          ids.push(id)
        }
        return { ...reply, body: ids }
      }))
    // a KVM session takes a couple of polls to open: until then the access is not there yet
    let kvmPolls = 0
    yield* fake.route(
      { method: "GET", path: "/dedicated/server/{serviceName}/features/ipmi/access" },
      (request) =>
        kvmPolls++ < 2
          ? Effect.succeed({
            status: 404,
            body: { class: "Client::NotFound", message: "The requested object (type = kvmipJnlp) does not exist" }
          })
          : Effect.map(request.next, (reply) => ({
            ...reply,
            body: {
              expiration: new Date(Date.now() + 15 * 60_000).toISOString().replace(/\.\d+Z$/, "+00:00"),
              value:
                `<?xml version="1.0" encoding="utf-8"?>\n<jnlp spec="1.0+" codebase="https://kvm.example.invalid/${
                  request.params["serviceName"]
                }">` +
                `<application-desc main-class="Kvm"/></jnlp>`
            }
          }))
    )
  })
