#!/usr/bin/env bash
# Runs FormDesk: the clerk terminal (Tauri app) with its embedded relay (the README's run
# command). Installs what is missing first. Without a display it says so and shows how to run
# the relay as a LAN service instead.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
bash scripts/setup.sh run
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
if [ -z "${DISPLAY:-}" ] && [ -z "${WAYLAND_DISPLAY:-}" ]; then
  cat >&2 <<'MSG'
FormDesk's clerk terminal is a desktop app and this machine has no display (DISPLAY and
WAYLAND_DISPLAY are unset). Run it from a desktop session, or run the relay alone as a LAN
service for other desks:

  cargo run --release -p formdesk-relay -- serve --listen 0.0.0.0:8443 --data-dir /var/lib/formdesk --forms relay/forms

(see docs/operations.md for TLS, tokens and the systemd unit)
MSG
  exit 2
fi
exec cargo run --release -p formdesk -- "$@"
