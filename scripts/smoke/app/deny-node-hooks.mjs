const CORE = "/node_modules/@effect-ovh/core/"
const NODE_ONLY = ["/node_modules/@effect-ovh/node/", "/node_modules/@effect/platform-node", "/node_modules/undici/"]

const allowedFromCore = (specifier) =>
  specifier.startsWith("./") || specifier.startsWith("../") || specifier === "effect" ||
  specifier.startsWith("effect/") || specifier === "@effect-ovh/core" || specifier.startsWith("@effect-ovh/core/")

export async function resolve(specifier, context, nextResolve) {
  if (context.parentURL?.includes(CORE) && !allowedFromCore(specifier)) {
    throw new Error(`@effect-ovh/core imports ${specifier} (from ${context.parentURL})`)
  }
  const resolved = await nextResolve(specifier, context)
  if (NODE_ONLY.some((part) => resolved.url.includes(part))) {
    throw new Error(`the fetch program loaded ${resolved.url}`)
  }
  return resolved
}
