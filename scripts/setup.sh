#!/usr/bin/env bash
# Installs what FormDesk needs on Debian 12, and only what is missing (idempotent, quiet
# when everything is there). Called by scripts/run.sh, scripts/test.sh and the benchmarks.
#
#   scripts/setup.sh run     build and run the clerk terminal (Tauri app + embedded relay)
#   scripts/setup.sh test    everything `run` needs, plus the headless test tools
#   scripts/setup.sh bench   everything `test` needs, plus the benchmark peers
set -euo pipefail
PROFILE=${1:-test}
ROOT=$(cd "$(dirname "$0")/.." && pwd)

# Debian packages per profile. Keep each list sorted and say why a package is here.
APT_RUN=(
  build-essential pkg-config   # C toolchain for -sys crates
  libwebkit2gtk-4.1-dev        # Tauri 2's webview (WebKitGTK 4.1)
  libclang-dev                 # nokhwa's V4L2 bindings run bindgen
  librsvg2-dev libayatana-appindicator3-dev
)
APT_TEST=(
  xvfb xauth fonts-dejavu-core # the real app window, headless
  webkit2gtk-driver            # WebKitWebDriver, driven through tauri-driver
  imagemagick                  # screenshots of the headless display
  chromium                     # headless browser tests of the phone web apps
)
APT_BENCH=(
  redis-server                 # the Django Channels peer's Redis channel layer
  zbar-tools                   # ZBar, a reference decoder in bench/scan
  python3-venv                 # the Django peer's and zxing-cpp's virtualenvs
  linux-perf
)

as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

ensure_apt() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "setup: installing Debian packages: ${missing[*]}" >&2
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# ensure_cargo_tool BINARY CRATE VERSION_REQ
ensure_cargo_tool() {
  command -v "$1" >/dev/null 2>&1 && return 0
  echo "setup: installing $2 ($3) with cargo" >&2
  cargo install --locked "$2" --version "$3"
}

# ensure_npm DIR: install the front-end packages of DIR when its lock file changed.
ensure_npm() {
  local dir=$1
  [ -f "$dir/package.json" ] || return 0
  if [ ! -d "$dir/node_modules" ] || [ "$dir/package-lock.json" -nt "$dir/node_modules/.package-lock.json" ]; then
    echo "setup: npm ci in $dir" >&2
    (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  fi
}

command -v cargo >/dev/null || { echo "setup: cargo is missing; install Rust (rustup) first" >&2; exit 1; }

case $PROFILE in
  run)   ensure_apt "${APT_RUN[@]}" ;;
  test)  ensure_apt "${APT_RUN[@]}" "${APT_TEST[@]}" ;;
  bench) ensure_apt "${APT_RUN[@]}" "${APT_TEST[@]}" "${APT_BENCH[@]}" ;;
  *) echo "usage: scripts/setup.sh run|test|bench" >&2; exit 2 ;;
esac

# The clerk terminal's front end (ui/: TypeScript + esbuild; src-tauri/build.rs builds it).
command -v npm >/dev/null || ensure_apt nodejs npm   # Debian's Node.js when none is installed
ensure_npm "$ROOT/ui"
# The app's end-to-end tests drive the real window through tauri-driver (Tauri 2 line).
case $PROFILE in
  test|bench) ensure_cargo_tool tauri-driver tauri-driver "^2" ;;
esac

# The phone web apps (web/: citizen wallet + clerk companion PWAs). The relay serves (and
# embeds) web/dist, so build it before any cargo build; esbuild takes about a second.
ensure_npm "$ROOT/web"
(cd "$ROOT/web" && node scripts/build.mjs >/dev/null)
