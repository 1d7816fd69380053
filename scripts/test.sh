#!/usr/bin/env bash
# Runs every FormDesk test (the README's test command). Installs what is missing first.
#
# Order: formatting, all Rust tests (unit, relay integration, wallet, scanner, the real app
# window under Xvfb through WebDriver), then the phone web apps in headless Chromium.
# CARGO_TARGET_DIR may point at a persistent folder (CI does) so nothing is rebuilt twice.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh test
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
export CARGO_TERM_COLOR=never

echo "== cargo fmt --check"
cargo fmt --all -- --check

echo "== build (binaries used by the end-to-end tests)"
cargo build --workspace --bins --quiet

echo "== Rust tests"
cargo test --workspace --no-fail-fast -- --test-threads=2

if [ -f web/package.json ]; then
  echo "== phone web apps (headless Chromium)"
  (cd web && npm test)
fi
