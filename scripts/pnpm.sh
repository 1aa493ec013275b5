#!/usr/bin/env bash
# Runs pnpm on Node 22, fetching Node 22 and the pinned pnpm from the npm registry when the
# system Node is older, and installs the workspace's dependencies on first use.
set -euo pipefail
cd "$(dirname "$0")/.."
NODE_PIN=22.23.3
PNPM_PIN=$(sed -n 's/.*"packageManager": *"pnpm@\([^"]*\)".*/\1/p' package.json)

node_ok() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>22||(a===22&&b>=19)?0:1)'
}

run() {
  if node_ok && command -v pnpm >/dev/null 2>&1 && [ "$(pnpm --version 2>/dev/null)" = "$PNPM_PIN" ]; then
    pnpm "$@"
  elif node_ok; then
    npx -y -p "pnpm@$PNPM_PIN" -- pnpm "$@"
  else
    npx -y -p "node@$NODE_PIN" -p "pnpm@$PNPM_PIN" -- pnpm "$@"
  fi
}

# Install on first use, and again whenever the lockfile or a manifest changes.
stamp=node_modules/.effect-ovh-install
sum=$(cat pnpm-lock.yaml package.json packages/*/package.json 2>/dev/null | cksum)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
  # to stderr: what a command prints on stdout (fake-ovh's first JSON line) stays its own
  if [ -f pnpm-lock.yaml ]; then run install --frozen-lockfile --reporter=append-only >&2; else run install --reporter=append-only >&2; fi
  echo "$sum" > "$stamp"
fi
run "$@"
