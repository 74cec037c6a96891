# tools/lib.sh: shared by tools/demo and tools/test. Installs what is
# missing from Debian 12's packages, then builds with meson.
# shellcheck shell=bash

set -euo pipefail

PARLA_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
PARLA_BUILD=${PARLA_BUILD:-$PARLA_ROOT/_build}

BUILD_PACKAGES=(
  gcc meson ninja-build pkg-config gettext
  libglib2.0-dev libglib2.0-dev-bin libjson-glib-dev libsoup-3.0-dev
  libsqlite3-dev libsodium-dev libsecret-1-dev
  libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev libgstreamer-plugins-bad1.0-dev
  libportal-dev
  libgtk-4-dev libadwaita-1-dev libatspi2.0-dev
  desktop-file-utils appstream
  tzdata
)

TEST_PACKAGES=(
  sqlite3 valgrind
  dbus-daemon gnome-keyring
  gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad
  gstreamer1.0-nice
  coturn
  chromium
  iproute2 nftables
  gstreamer1.0-pipewire pipewire pipewire-bin
  xvfb xauth at-spi2-core
)

say () { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root () {
  if [ "$(id -u)" -eq 0 ]; then "$@"
  elif command -v sudo >/dev/null; then sudo "$@"
  else say "Need root to run: $*"; exit 1
  fi
}

# Installs the named Debian packages that are not installed yet.
install_packages () {
  local missing=()
  local p
  for p in "$@"; do
    if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
      missing+=("$p")
    fi
  done
  if [ ${#missing[@]} -gt 0 ]; then
    say "Installing ${missing[*]}"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  fi
}

# Node.js runs the OpenAPI linter in the tests; use the one on PATH, or
# Debian's.
ensure_node () {
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    install_packages nodejs npm
  fi
}

build () {
  if [ ! -f "$PARLA_BUILD/build.ninja" ]; then
    say "Configuring $PARLA_BUILD"
    meson setup "$PARLA_BUILD" "$PARLA_ROOT" "$@" >/dev/null
  fi
  say "Building"
  ninja -C "$PARLA_BUILD" >/dev/null
}
