#!/usr/bin/env bash
# Fuzzes formdesk-protocol's QR decoders with cargo-fuzz (libFuzzer). Not part of CI: it needs
# the nightly toolchain and runs for as long as you let it.
#
#   scripts/fuzz.sh [SECONDS]    default 60; installs cargo-fuzz when it is missing
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
SECONDS_TO_RUN=${1:-60}
rustup toolchain list | grep -q '^nightly' || { echo "fuzz: needs the nightly toolchain (rustup toolchain install nightly)" >&2; exit 1; }
command -v cargo-fuzz >/dev/null || cargo install --locked cargo-fuzz
cd "$ROOT/relay/protocol/fuzz"
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target/fuzz}
cargo +nightly fuzz run decode -- -max_total_time="$SECONDS_TO_RUN"
