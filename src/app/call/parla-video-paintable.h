/* parla-video-paintable.h: a GdkPaintable showing decoded video frames
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <gst/gst.h>

#include "parla-remote-track.h"

G_BEGIN_DECLS

#define PARLA_TYPE_VIDEO_PAINTABLE (parla_video_paintable_get_type ())
G_DECLARE_FINAL_TYPE (ParlaVideoPaintable, parla_video_paintable, PARLA, VIDEO_PAINTABLE, GObject)

ParlaVideoPaintable *parla_video_paintable_new          (void);
void                 parla_video_paintable_set_track    (ParlaVideoPaintable *self,
                                                         ParlaRemoteTrack    *track);
ParlaRemoteTrack    *parla_video_paintable_get_track    (ParlaVideoPaintable *self);
void                 parla_video_paintable_push_sample  (ParlaVideoPaintable *self,
                                                         GstSample           *sample);
void                 parla_video_paintable_clear        (ParlaVideoPaintable *self);
GdkTexture          *parla_video_paintable_get_texture  (ParlaVideoPaintable *self);
guint64              parla_video_paintable_get_n_frames (ParlaVideoPaintable *self);

G_END_DECLS
