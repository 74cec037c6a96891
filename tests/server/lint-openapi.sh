#!/bin/sh
# lint-openapi.sh: lint docs/openapi.json with Redocly CLI
#
# Copyright 2026 The Parla developers
# SPDX-License-Identifier: GPL-3.0-or-later
#
# Usage: lint-openapi.sh REPO_ROOT
#
# The linter is taken from $PARLA_NODE_MODULES/.bin/redocly when
# PARLA_NODE_MODULES is set (a node_modules directory, e.g. one made by
# `npm ci` in tests/tools), else from REPO_ROOT/node_modules/.bin/redocly.
# Without a linter the test is skipped (exit status 77, the meson "skip"
# code); otherwise the exit status is the linter's.

if [ $# -ne 1 ] || [ -z "$1" ]; then
  echo "usage: $0 REPO_ROOT" >&2
  exit 2
fi

root=$1

if [ -n "${PARLA_NODE_MODULES:-}" ]; then
  redocly=$PARLA_NODE_MODULES/.bin/redocly
else
  redocly=$root/node_modules/.bin/redocly
fi

if [ ! -x "$redocly" ]; then
  echo "lint-openapi: Redocly CLI not found at $redocly;" \
       "run 'npm ci' in tests/tools and set PARLA_NODE_MODULES to its node_modules." >&2
  # tools/test installs the linter and sets PARLA_REQUIRE_ALL_TESTS: there
  # a missing linter is a failure, not a skip.
  if [ -n "${PARLA_REQUIRE_ALL_TESTS:-}" ]; then
    exit 1
  fi
  exit 77
fi

cd "$root" || exit 1

"$redocly" lint --config docs/redocly.yaml docs/openapi.json
exit $?
