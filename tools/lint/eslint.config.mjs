// The repository's formatter and linter: `bash scripts/pnpm.sh lint` checks, `bash scripts/pnpm.sh format` rewrites.
// Formatting is Effect's: its dprint settings through @effect/eslint-plugin, width 120.
import * as effectEslint from "@effect/eslint-plugin"
import eslint from "@eslint/js"
import tseslint from "typescript-eslint"

export default tseslint.config(
  // what git ignores: build output, generated code, scratch folders
  {
    ignores: [
      "**/node_modules/**",
      "**/dist/**",
      "**/.generated/**",
      "packages/core/src/generated/**",
      "bench/results/**",
      "**/.*/**"
    ]
  },
  { files: ["**/*.ts", "**/*.mjs"] },
  eslint.configs.recommended,
  tseslint.configs.recommended,
  ...effectEslint.configs.dprint,
  {
    rules: {
      "@effect/dprint": ["error", {
        config: {
          indentWidth: 2,
          lineWidth: 120,
          semiColons: "asi",
          quoteStyle: "alwaysDouble",
          trailingCommas: "never",
          operatorPosition: "maintain",
          "arrowFunction.useParentheses": "force"
        }
      }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      // `pipe() { return pipeArguments(this, arguments) }` is how Effect's own data types are pipeable
      "prefer-rest-params": "off"
    }
  },
  {
    // plain JavaScript run by Node
    files: ["**/*.mjs", "**/*.cjs"],
    languageOptions: { globals: { process: "readonly", console: "readonly", URL: "readonly", require: "readonly" } },
    rules: { "@typescript-eslint/no-require-imports": "off" }
  },
  {
    // tests, benchmarks and scripts read untyped JSON; type tests bind values only to check their types
    files: ["**/test/**", "bench/**", "scripts/**", "examples/**"],
    rules: { "@typescript-eslint/no-explicit-any": "off" }
  },
  { files: ["**/test/types/**"], rules: { "@typescript-eslint/no-unused-vars": "off" } }
)
