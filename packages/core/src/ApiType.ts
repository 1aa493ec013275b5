/**
 * The type language of the OVHcloud API descriptions, as their `fullType`, `dataType` and
 * `responseType` fields write it: `long`, `billing.Bill[]`, `map[string][]iam.resource.TagFilter`,
 * `complexType.UnitAndValue<double>`, and aliases such as `coreTypes.AccountId:string` (the type
 * after the colon). The generator of the typed API, its schemas and the fake API read types with it.
 *
 * @since 0.1.0
 */

/** A type expression, parsed. */
export type Type =
  | { readonly _tag: "Array"; readonly item: Type }
  | { readonly _tag: "Map"; readonly value: Type }
  | { readonly _tag: "Named"; readonly name: string; readonly args: ReadonlyArray<Type> }

/** The top-level arguments of a generic's argument list (`a, b<c, d>` → `a`, `b<c, d>`), trimmed. */
export const splitArgs = (text: string): Array<string> => {
  const out: Array<string> = []
  let depth = 0
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text[i]
    if (c === "<") depth++
    else if (c === ">") depth--
    else if (c === "," && depth === 0) {
      out.push(text.slice(start, i).trim())
      start = i + 1
    }
  }
  out.push(text.slice(start).trim())
  return out
}

/** Parses a type; an alias (`coreTypes.AccountId:string`) is its base type, after the colon. */
export const parse = (text: string): Type => {
  let t = text.trim()
  const colon = t.lastIndexOf(":")
  if (colon > 0 && !t.includes("<")) t = t.slice(colon + 1)
  if (t.endsWith("[]")) return { _tag: "Array", item: parse(t.slice(0, -2)) }
  // Go-style `[]T`, as in `map[string][]T`
  if (t.startsWith("[]")) return { _tag: "Array", item: parse(t.slice(2)) }
  if (t.startsWith("map[")) return { _tag: "Map", value: parse(t.slice(t.indexOf("]") + 1)) }
  const lt = t.indexOf("<")
  if (lt > 0 && t.endsWith(">")) {
    return { _tag: "Named", name: t.slice(0, lt), args: splitArgs(t.slice(lt + 1, -1)).map(parse) }
  }
  return { _tag: "Named", name: t, args: [] }
}

/** The text of a type, as the descriptions spell it (aliases resolved). */
export const show = (type: Type): string => {
  switch (type._tag) {
    case "Array":
      return show(type.item) + "[]"
    case "Map":
      return "map[string]" + show(type.value)
    case "Named":
      return type.args.length === 0 ? type.name : `${type.name}<${type.args.map(show).join(",")}>`
  }
}
