/* parla-remote-track.h: decoded audio or video from one participant
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

#include "parla-media-types.h"

G_BEGIN_DECLS

#define PARLA_TYPE_REMOTE_TRACK (parla_remote_track_get_type ())
G_DECLARE_FINAL_TYPE (ParlaRemoteTrack, parla_remote_track, PARLA, REMOTE_TRACK, GObject)

const char     *parla_remote_track_get_user_id       (ParlaRemoteTrack *self);
ParlaTrackKind  parla_remote_track_get_kind          (ParlaRemoteTrack *self);
GstElement     *parla_remote_track_get_sink          (ParlaRemoteTrack *self);
GstSample      *parla_remote_track_dup_last_sample   (ParlaRemoteTrack *self);
guint64         parla_remote_track_get_n_samples     (ParlaRemoteTrack *self);
gint64          parla_remote_track_get_first_sample_time (ParlaRemoteTrack *self);

G_END_DECLS
