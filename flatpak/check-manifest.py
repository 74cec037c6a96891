#!/usr/bin/env python3
# check-manifest.py: the Flatpak manifest cannot be built here (no runtime),
# so check what can be: its structure, the least permissions, that every
# module it names has a source that exists or is pinned by checksum, that
# the libraries meson.build needs and the GNOME runtime lacks are built as
# modules, and that the command it runs is what meson installs.
#
# Copyright 2026 The Parla developers
# SPDX-License-Identifier: GPL-3.0-or-later
import json, os, re, sys

root = sys.argv[1]
path = os.path.join(root, 'flatpak', 'app.parla.Parla.json')
errors = []

def fail(msg):
    errors.append(msg)

with open(path, encoding='utf-8') as f:
    manifest = json.load(f)

for key, want in (('app-id', 'app.parla.Parla'), ('command', 'parla'),
                  ('runtime', 'org.gnome.Platform'), ('sdk', 'org.gnome.Sdk')):
    if manifest.get(key) != want:
        fail(f'{key} is {manifest.get(key)!r}, not {want!r}')
if not re.fullmatch(r'\d+', str(manifest.get('runtime-version', ''))):
    fail('runtime-version must be a GNOME release such as "45"')

# The least the app needs: network, display (Wayland, X11 only as a
# fallback), sound, and GPU; the camera, screen, files, notifications and
# the keyring go through portals.
required = {'--share=network', '--socket=wayland', '--socket=fallback-x11', '--socket=pulseaudio'}
allowed = required | {'--share=ipc', '--device=dri'}
args = set(manifest.get('finish-args', []))
for arg in sorted(required - args):
    fail(f'finish-args lacks {arg}')
for arg in sorted(args - allowed):
    fail(f'finish-args has more than the app needs: {arg}')

modules = manifest.get('modules', [])
names = [m.get('name') for m in modules if isinstance(m, dict)]
if not modules or names[-1] != 'parla':
    fail('the last module must be parla itself')
for m in modules:
    if not isinstance(m, dict):
        fail(f'module {m!r} must be inline, not a separate file')
        continue
    name = m.get('name', '?')
    if m.get('buildsystem') not in ('meson', 'autotools', 'cmake-ninja', 'simple'):
        fail(f'{name}: unknown buildsystem {m.get("buildsystem")!r}')
    sources = m.get('sources', [])
    if not sources:
        fail(f'{name}: no sources')
    for s in sources:
        kind = s.get('type')
        if kind == 'archive':
            if not str(s.get('url', '')).startswith('https://'):
                fail(f'{name}: archive URL must be https')
            if not re.fullmatch(r'[0-9a-f]{64}', str(s.get('sha256', ''))):
                fail(f'{name}: archive needs a sha256')
        elif kind == 'git':
            if not re.fullmatch(r'[0-9a-f]{40}', str(s.get('commit', ''))):
                fail(f'{name}: git source needs a pinned commit')
        elif kind == 'dir':
            target = os.path.normpath(os.path.join(os.path.dirname(path), s.get('path', '')))
            if not os.path.isfile(os.path.join(target, 'meson.build')):
                fail(f'{name}: dir source {target} has no meson.build')
        else:
            fail(f'{name}: unexpected source type {kind!r}')

# Libraries meson.build asks for that org.gnome.Platform does not ship.
not_in_runtime = {'libsodium': 'libsodium', 'libportal': 'libportal', 'libnice': 'libnice'}
with open(os.path.join(root, 'meson.build'), encoding='utf-8') as f:
    top = f.read()
with open(os.path.join(root, 'src', 'media', 'meson.build'), encoding='utf-8') as f:
    media = f.read()
for dep, module in not_in_runtime.items():
    mentioned = f"'{dep}'" in top or f"'{dep}'" in media or dep == 'libnice'
    if mentioned and module not in names:
        fail(f'meson.build needs {dep}, which the runtime lacks, and no module builds it')

# The command is what meson installs.
with open(os.path.join(root, 'src', 'app', 'meson.build'), encoding='utf-8') as f:
    app = f.read()
if not re.search(r"executable\('parla',[^)]*install: true", app, re.S):
    fail('src/app/meson.build does not install the parla executable')

for e in errors:
    print('not ok:', e)
print(f'{len(names)} modules checked; {len(errors)} problem(s)')
sys.exit(1 if errors else 0)
