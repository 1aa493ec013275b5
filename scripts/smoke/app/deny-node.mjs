// Preloaded with --import: refuses, while the fetch program runs, every import made from inside
// @effect-ovh/core that is not effect or core itself, and any load of the Node packages.
import { register } from "node:module"

register(new URL("./deny-node-hooks.mjs", import.meta.url))
