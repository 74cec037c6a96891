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
#
# Inside keyring-run.sh's private XDG directories, web links the app opens
# (a checkout page) go to a stand-in browser that writes them down in
# $HOME/opened-uris: never to a real browser, which would not start as
# root in CI and would open pages on a developer's desktop.
"$keyring_run" sh -c '
  mkdir -p "$XDG_DATA_HOME/applications"
  printf "#!/bin/sh\nprintf \"%%s\\\\n\" \"\$1\" >>\"$HOME/opened-uris\"\n" >"$HOME/browser"
  chmod +x "$HOME/browser"
  printf "[Desktop Entry]\nType=Application\nName=Test browser\nExec=%s %%u\nMimeType=x-scheme-handler/http;x-scheme-handler/https;\nNoDisplay=true\n" \
    "$HOME/browser" >"$XDG_DATA_HOME/applications/parla-test-browser.desktop"
  printf "[Default Applications]\nx-scheme-handler/http=parla-test-browser.desktop\nx-scheme-handler/https=parla-test-browser.desktop\n" \
    >"$XDG_CONFIG_HOME/mimeapps.list"
  exec "$@" 1>&3 3>&-' ui-run "$@" 3>&1 1>&2
