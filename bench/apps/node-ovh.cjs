// The same program with the official Node.js wrapper.
const ovh = require("@ovhcloud/node-ovh")

const client = ovh({
  endpoint: "ovh-eu",
  appKey: process.env.OVH_APPLICATION_KEY,
  appSecret: process.env.OVH_APPLICATION_SECRET,
  consumerKey: process.env.OVH_CONSUMER_KEY
})
client.requestPromised("GET", "/me/bill/B1").then((bill) => console.log(bill.billId))
