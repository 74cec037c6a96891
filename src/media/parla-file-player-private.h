/* parla-file-player-private.h: a media file played in a loop as a call's
 * camera and microphone
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef struct _ParlaFilePlayer ParlaFilePlayer;

ParlaFilePlayer *_parla_file_player_new           (const char       *path,
                                                   const GstCaps    *video_caps,
                                                   const GstCaps    *audio_caps,
                                                   GError          **error);
GstElement      *_parla_file_player_get_video_src (ParlaFilePlayer  *self);
GstElement      *_parla_file_player_get_audio_src (ParlaFilePlayer  *self);
gboolean         _parla_file_player_has_video     (ParlaFilePlayer  *self);
gboolean         _parla_file_player_has_audio     (ParlaFilePlayer  *self);
void             _parla_file_player_play          (ParlaFilePlayer  *self);
guint            _parla_file_player_get_loops     (ParlaFilePlayer  *self);
void             _parla_file_player_free          (ParlaFilePlayer  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaFilePlayer, _parla_file_player_free)

G_END_DECLS
