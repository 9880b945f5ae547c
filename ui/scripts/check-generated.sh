#!/usr/bin/env bash
# Fails when the TypeScript types in ui/src/lib/generated no longer match the Rust types they come from.
# Regenerates them (ts-rs export tests) into a temp dir and compares.
set -euo pipefail
cd "$(dirname "$0")/../.."
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
TS_RS_EXPORT_DIR="$tmp" cargo test --locked -q -p linli-proto -p linli-i18n -p linli-core --lib export_bindings >/dev/null
if ! diff -r "$tmp" ui/src/lib/generated; then
  echo "ui/src/lib/generated is stale: run 'cargo test -p linli-proto -p linli-i18n -p linli-core --lib export_bindings' and commit the result" >&2
  exit 1
fi
echo "generated TypeScript types are up to date"
