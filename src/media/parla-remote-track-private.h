/* parla-remote-track-private.h
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-remote-track.h"

G_BEGIN_DECLS

ParlaRemoteTrack *_parla_remote_track_new (const char     *user_id,
                                           ParlaTrackKind  kind,
                                           GstElement     *appsink);

G_END_DECLS
