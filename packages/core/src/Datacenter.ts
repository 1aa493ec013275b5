/**
 * OVHcloud datacenters by code: `Datacenter.lookup("rbx7")` (any case) gives its country and name,
 * `Datacenter.nameOf(server.datacenter)` a name to print. The codes are the ones the API answers (the
 * `datacenter` of a dedicated server, a hosting, a housing bay).
 *
 * Where the names come from, entry by entry, is written next to them: first libcloud's OVH driver
 * (`libcloud/common/ovh.py`, `LOCATIONS`), then the datacenter enums of the API descriptions
 * (`dedicated.DatacenterEnum`, `dedicated.housing.DatacenterEnum`, `hosting.web.DatacenterEnum`,
 * `hosting.privateDatabase.DatacenterEnum`, and the site codes of `dedicated.AvailabilityDatacenterEnum`
 * and `vps.migration.DatacenterEnum`), named after their site. Countries are ISO 3166-1 alpha-2 codes
 * (libcloud writes `UK` for London; ISO's code is `GB`).
 *
 * @since 0.1.0
 */
import * as Option from "effect/Option"

/** A datacenter: its code as the API writes it, its country and its name. */
export interface Datacenter {
  /** The code, lower case, as the API's enums write it: `rbx7`, `bhs1`, `gra04`. */
  readonly code: string
  /** ISO 3166-1 alpha-2 country code: `FR`, `CA`, `GB`. */
  readonly country: string
  /** A name for people: `Roubaix 7`, `Beauharnois, Quebec 1`. */
  readonly name: string
}

// The sites: a code's letters (`rbx` of `rbx7`), their country and the name libcloud gives them.
interface Site {
  readonly country: string
  readonly name: string
}
const site = (country: string, name: string): Site => ({ country, name })
const sites = {
  // libcloud LOCATIONS
  bhs: site("CA", "Beauharnois, Quebec"),
  fra: site("DE", "Frankfurt"),
  gra: site("FR", "Gravelines"),
  hil: site("US", "Hillsboro, Oregon"),
  lon: site("GB", "London"),
  rbx: site("FR", "Roubaix"),
  sbg: site("FR", "Strasbourg"),
  sgp: site("SG", "Singapore"),
  syd: site("AU", "Sydney"),
  vin: site("US", "Vint Hill, Virginia"),
  waw: site("PL", "Warsaw"),
  // Sites that libcloud does not list. The API's own availability zones name them with their region:
  // `eu-west-lim-a`, `eu-west-eri-a`, `ap-south-mum-a` (next to the site code `ynm`), `ca-east-tor-a`,
  // `eu-south-mil-a`, `eu-west-par-a` (dedicated.AvailabilityDatacenterEnum).
  lim: site("DE", "Limburg"), // Limburg an der Lahn, the Frankfurt region's datacenters
  eri: site("GB", "Erith, London"), // Erith, the London region's datacenters
  ynm: site("IN", "Mumbai"), // Yotta NM1, Navi Mumbai: `ynm` beside `ap-south-mum-a`
  yyz: site("CA", "Toronto"), // YYZ, Toronto's airport code, beside `ca-east-tor-a`
  mil: site("IT", "Milan"), // `itmil01`, beside `eu-south-mil-a`
  par: site("FR", "Paris")
} as const satisfies Record<string, Site>

type SiteCode = keyof typeof sites

const numbered = (code: string, from: SiteCode, n: number): Datacenter => ({
  code,
  country: sites[from].country,
  name: `${sites[from].name} ${n}`
})
const named = (code: string, country: string, name: string): Datacenter => ({ code, country, name })

/** Every datacenter this module names, in code order of their site. */
export const all: ReadonlyArray<Datacenter> = [
  // libcloud LOCATIONS: BHS1–BHS6, DC1, FRA1, GRA1, GRA2, GSW, HIL1, LON1, P19, RBX1–RBX7, SBG1–SBG3,
  // SGP1, SYD1, VIN1, WAW1, with these countries and names.
  ...[1, 2, 3, 4, 5, 6].map((n) => numbered(`bhs${n}`, "bhs", n)),
  named("dc1", "FR", "Paris DC1"),
  numbered("fra1", "fra", 1),
  numbered("gra1", "gra", 1),
  numbered("gra2", "gra", 2),
  named("gsw", "FR", "Paris GSW"),
  numbered("hil1", "hil", 1),
  numbered("lon1", "lon", 1),
  named("p19", "FR", "Paris P19"),
  ...[1, 2, 3, 4, 5, 6, 7].map((n) => numbered(`rbx${n}`, "rbx", n)),
  ...[1, 2, 3].map((n) => numbered(`sbg${n}`, "sbg", n)),
  numbered("sgp1", "sgp", 1),
  numbered("syd1", "syd", 1),
  numbered("vin1", "vin", 1),
  numbered("waw1", "waw", 1),
  // dedicated.DatacenterEnum and hosting.*.DatacenterEnum beyond libcloud: a libcloud site and a
  // number, named as libcloud names that site's other datacenters.
  numbered("bhs7", "bhs", 7),
  numbered("bhs8", "bhs", 8),
  numbered("gra3", "gra", 3),
  numbered("gra04", "gra", 4),
  numbered("rbx8", "rbx", 8),
  numbered("rbx9", "rbx", 9),
  numbered("rbx10", "rbx", 10),
  numbered("sbg4", "sbg", 4),
  numbered("sbg5", "sbg", 5),
  numbered("sgp02", "sgp", 2),
  numbered("syd2", "syd", 2),
  numbered("syd03", "syd", 3),
  // dedicated.DatacenterEnum: the sites of the API's availability zones (see `sites`).
  numbered("eri1", "eri", 1),
  numbered("eri2", "eri", 2),
  numbered("lim1", "lim", 1),
  numbered("lim2", "lim", 2),
  numbered("lim3", "lim", 3),
  numbered("ynm1", "ynm", 1),
  numbered("yyz01", "yyz", 1),
  numbered("itmil01", "mil", 1),
  // Site codes the API answers alone (dedicated.AvailabilityDatacenterEnum, hosting.web.DatacenterEnum,
  // vps.migration.DatacenterEnum, and `rbx` in dedicated.DatacenterEnum): the site's name.
  ...(["bhs", "fra", "gra", "hil", "lon", "par", "rbx", "sbg", "sgp", "syd", "vin", "waw", "ynm"] as const)
    .map((code) => named(code, sites[code].country, sites[code].name)),
  // Guesses, no source found: `rbx-hz` is listed with the Roubaix codes in dedicated.DatacenterEnum and
  // dedicated.AvailabilityDatacenterEnum; `pdc1` (dedicated.housing.DatacenterEnum, next to `gsw`) read
  // as Paris DC1, the housing datacenter libcloud calls `DC1`.
  named("rbx-hz", "FR", "Roubaix HZ"),
  named("pdc1", "FR", "Paris DC1")
  // Left out, no name found: cch01, crx1, crx2, hdf01, ieb01, itbsi01, itzvf01, lil1-int1, mr901
  // (dedicated.DatacenterEnum). `nameOf` gives their code.
]

const byCode: ReadonlyMap<string, Datacenter> = new Map(all.map((dc) => [dc.code, dc]))

/** The datacenter of a code, in any case (`RBX7`, `rbx7`); none for a code this module does not know. */
export const lookup = (code: string): Option.Option<Datacenter> =>
  Option.fromUndefinedOr(byCode.get(code.trim().toLowerCase()))

/** A name to print for a code: the datacenter's name, or the code itself when it is not known. */
export const nameOf = (code: string): string => {
  const dc = byCode.get(code.trim().toLowerCase())
  return dc === undefined ? code : dc.name
}
