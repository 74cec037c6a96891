/* parla-media-preview.h: the camera, microphone and speaker before a call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "parla-call-options.h"
#include "parla-device-monitor.h"
#include "parla-media-types.h"
#include "parla-remote-track.h"

G_BEGIN_DECLS

/**
 * PARLA_MEDIA_PREVIEW_SILENCE_DB:
 *
 * The #ParlaMediaPreview:level of silence, or of no microphone at all.
 */
#define PARLA_MEDIA_PREVIEW_SILENCE_DB (-100.0)

#define PARLA_TYPE_MEDIA_PREVIEW (parla_media_preview_get_type ())
G_DECLARE_FINAL_TYPE (ParlaMediaPreview, parla_media_preview, PARLA, MEDIA_PREVIEW, GObject)

ParlaMediaPreview *parla_media_preview_new                (ParlaCallOptions   *options,
                                                           GError            **error);
gboolean           parla_media_preview_start              (ParlaMediaPreview  *self,
                                                           GError            **error);
void               parla_media_preview_stop               (ParlaMediaPreview  *self);
gboolean           parla_media_preview_get_running        (ParlaMediaPreview  *self);
double             parla_media_preview_get_level          (ParlaMediaPreview  *self);
ParlaRemoteTrack  *parla_media_preview_get_video_track    (ParlaMediaPreview  *self);
void               parla_media_preview_set_video_enabled  (ParlaMediaPreview  *self,
                                                           gboolean            enabled);
gboolean           parla_media_preview_get_video_enabled  (ParlaMediaPreview  *self);
gboolean           parla_media_preview_set_camera         (ParlaMediaPreview  *self,
                                                           const char         *id,
                                                           GError            **error);
gboolean           parla_media_preview_set_microphone     (ParlaMediaPreview  *self,
                                                           const char         *id,
                                                           GError            **error);
gboolean           parla_media_preview_set_speaker        (ParlaMediaPreview  *self,
                                                           const char         *id,
                                                           GError            **error);
char              *parla_media_preview_dup_device_id      (ParlaMediaPreview  *self,
                                                           ParlaDeviceKind     kind);
gboolean           parla_media_preview_play_test_sound    (ParlaMediaPreview  *self,
                                                           GError            **error);

G_END_DECLS
