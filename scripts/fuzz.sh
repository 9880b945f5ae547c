#!/usr/bin/env bash
# cargo fuzz on the parsers of untrusted input (fuzz/): op payloads on the hub, pull pages on the device,
# photo decoding on both. Each target starts from fuzz/seeds/<target> and keeps what it finds in
# fuzz/corpus/<target> (not committed); a crash lands in fuzz/artifacts/<target>/.
#
#   scripts/fuzz.sh [--seconds N] [target…]      default: 60 s each, every target
#
# Needs the nightly toolchain and cargo-fuzz (installed into $LINLI_TOOLS_DIR on first use). One process per
# target (-jobs=1), memory capped at 2 GB per run (a decompression bomb shows as an out-of-memory finding).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TOOLS="${LINLI_TOOLS_DIR:-$HOME/.cache/linli-tools}"
export PATH="$TOOLS/bin:$PATH"
SECONDS_EACH=60
TARGETS=()
while [ $# -gt 0 ]; do
  case "$1" in
    --seconds) SECONDS_EACH="$2"; shift 2 ;;
    *) TARGETS+=("$1"); shift ;;
  esac
done
[ ${#TARGETS[@]} -gt 0 ] || TARGETS=(op_payload pull_page photo_decode)
command -v cargo-fuzz >/dev/null || cargo install cargo-fuzz --locked --root "$TOOLS"
TARGET_DIR="${LINLI_FUZZ_TARGET_DIR:-$ROOT/fuzz/target}"
cd "$ROOT/fuzz"
cargo +nightly fuzz build --target-dir "$TARGET_DIR"
for t in "${TARGETS[@]}"; do
  mkdir -p "corpus/$t"
  echo "== fuzz $t for ${SECONDS_EACH}s"
  cargo +nightly fuzz run --target-dir "$TARGET_DIR" "$t" "corpus/$t" "seeds/$t" -- \
    -max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -print_final_stats=1 2>&1 | tee "$TARGET_DIR/fuzz-$t.log" | grep -E "^(#[0-9]+ +DONE|stat::|==|SUMMARY|Done)" || true
  if [ -n "$(ls -A "artifacts/$t" 2>/dev/null)" ]; then echo "fuzz: findings in fuzz/artifacts/$t"; exit 1; fi
done
