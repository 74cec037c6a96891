#!/bin/sh
# keyring-run.sh: runs a test inside its own D-Bus session with an unlocked
# gnome-keyring, in a throwaway home, so libsecret has a real Secret
# Service to talk to and nothing touches the user's keyring.
set -eu
home=$(mktemp -d "${TMPDIR:-/tmp}/parla-keyring.XXXXXX")
trap 'rm -rf "$home"' EXIT
export HOME="$home" XDG_DATA_HOME="$home/data" XDG_CONFIG_HOME="$home/config" \
       XDG_CACHE_HOME="$home/cache" XDG_RUNTIME_DIR="$home/run"
mkdir -p "$XDG_DATA_HOME" "$XDG_CONFIG_HOME" "$XDG_CACHE_HOME" "$XDG_RUNTIME_DIR"
chmod 700 "$XDG_RUNTIME_DIR"
exec dbus-run-session -- sh -c '
  # A login keyring needs a password to be created without a prompt.
  printf "parla-test" | gnome-keyring-daemon --unlock --components=secrets >/dev/null
  exec "$@"' keyring-run "$@"
