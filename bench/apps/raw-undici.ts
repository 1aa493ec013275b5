// The same program by hand: undici and node:crypto.
import * as crypto from "node:crypto"
import * as Undici from "undici"

const env = (name: string) => process.env[name] ?? ""
const base = "https://eu.api.ovh.com/1.0"
const main = async () => {
  const time = Number(await (await Undici.request(base + "/auth/time")).body.text())
  const url = base + "/me/bill/B1"
  const signature = "$1$" + crypto.createHash("sha1")
    .update([env("OVH_APPLICATION_SECRET"), env("OVH_CONSUMER_KEY"), "GET", url, "", time].join("+")).digest("hex")
  const response = await Undici.request(url, {
    headers: {
      "x-ovh-application": env("OVH_APPLICATION_KEY"),
      "x-ovh-consumer": env("OVH_CONSUMER_KEY"),
      "x-ovh-timestamp": String(time),
      "x-ovh-signature": signature
    }
  })
  console.log(((await response.body.json()) as { billId: string }).billId)
}
main()
