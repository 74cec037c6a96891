#!/bin/sh
# ui-run.sh: runs a UI test on an X server of its own (Xvfb, 1600x1200),
# inside keyring-run.sh's private D-Bus session and unlocked gnome-keyring,
# so that nothing touches the user's display, session bus or keyring.
#
#   ui-run.sh KEYRING_RUN TEST [ARGS...]
#
# Copyright 2026 The Parla developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

keyring_run=$1
shift

if ! command -v Xvfb >/dev/null; then
  echo "1..0 # SKIP Xvfb is not installed (Debian package xvfb)"
  exit 0
fi

dir=$(mktemp -d "${TMPDIR:-/tmp}/parla-ui.XXXXXX")
# -displayfd: Xvfb picks a free display itself and writes its number,
# so parallel tests never race for one.
Xvfb -displayfd 3 -screen 0 1600x1200x24 -nolisten tcp -noreset 3>"$dir/display" 2>"$dir/xvfb.log" &
xvfb=$!
trap 'kill $xvfb 2>/dev/null; wait $xvfb 2>/dev/null; rm -rf "$dir"' EXIT INT TERM

i=0
while [ ! -s "$dir/display" ]; do
  i=$((i + 1))
  if [ $i -gt 200 ] || ! kill -0 $xvfb 2>/dev/null; then
    echo "Xvfb did not start:" >&2
    cat "$dir/xvfb.log" >&2
    exit 1
  fi
  sleep 0.05
done

DISPLAY=:$(cat "$dir/display")
export DISPLAY
unset WAYLAND_DISPLAY
# The test's TAP goes to the original standard output (fd 3 inside); the
# session bus and the services it starts (the accessibility registry
# prints to stdout) write theirs to standard error.
"$keyring_run" sh -c 'exec "$@" 1>&3 3>&-' ui-run "$@" 3>&1 1>&2
