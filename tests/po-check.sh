#!/bin/sh
# po-check.sh: every translation in po/LINGUAS covers every string that
# po/POTFILES.in marks, with no fuzzy or untranslated entries.
#
# Copyright 2026 The Parla developers
# SPDX-License-Identifier: GPL-3.0-or-later
set -eu

root=$1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

cd "$root"
grep -v '^#' po/POTFILES.in | grep . > "$work/files"
xgettext --from-code=UTF-8 --keyword=_ --keyword=N_ --keyword=C_:1c,2 --keyword=NC_:1c,2 --keyword=g_dngettext:2,3 \
         --files-from="$work/files" --output="$work/parla.pot"

status=0
for lang in $(grep -v '^#' po/LINGUAS); do
  msgmerge --quiet --no-fuzzy-matching "po/$lang.po" "$work/parla.pot" -o "$work/$lang.po"
  stats=$(msgfmt --check --statistics -o /dev/null "$work/$lang.po" 2>&1)
  echo "$lang: $stats"
  case "$stats" in
    *untranslated*|*fuzzy*) status=1 ;;
  esac
done
exit $status
