/* parla-local-media-private.h: the capture side every participant shares
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <gst/gst.h>

#include "parla-call-options.h"
#include "parla-device-monitor.h"

G_BEGIN_DECLS

typedef struct _ParlaLocalMedia ParlaLocalMedia;

/* @lost_id: the device that went away; @now_id: (nullable): what replaced
 * it, %NULL for black frames, silence or no sound. */
typedef void (*ParlaLocalMediaDeviceLostFunc)  (ParlaDeviceKind  kind,
                                                const char      *lost_id,
                                                const char      *now_id,
                                                gpointer         user_data);
/* The portal's screen share was ended from outside (the user, the shell). */
typedef void (*ParlaLocalMediaScreenEndedFunc) (gpointer         user_data);

ParlaLocalMedia *_parla_local_media_new              (GstBin           *pipeline,
                                                      ParlaCallOptions *options,
                                                      GError          **error);
void             _parla_local_media_free             (ParlaLocalMedia  *self);
void             _parla_local_media_set_callbacks    (ParlaLocalMedia                *self,
                                                      ParlaLocalMediaDeviceLostFunc   device_lost,
                                                      ParlaLocalMediaScreenEndedFunc  screen_ended,
                                                      gpointer                        user_data);
gboolean         _parla_local_media_has              (ParlaLocalMedia  *self,
                                                      ParlaTrackKind    kind);
GstPad          *_parla_local_media_request_pad      (ParlaLocalMedia  *self,
                                                      ParlaTrackKind    kind);
GstPad          *_parla_local_media_request_output_pad (ParlaLocalMedia *self);
void             _parla_local_media_release_pad      (ParlaLocalMedia  *self,
                                                      GstPad           *pad);
void             _parla_local_media_set_audio_muted  (ParlaLocalMedia  *self,
                                                      gboolean          muted);
void             _parla_local_media_set_video_enabled (ParlaLocalMedia *self,
                                                       gboolean         enabled);
gboolean         _parla_local_media_set_device       (ParlaLocalMedia  *self,
                                                      ParlaDeviceKind   kind,
                                                      const char       *id,
                                                      GError          **error);
char            *_parla_local_media_dup_device_id    (ParlaLocalMedia  *self,
                                                      ParlaDeviceKind   kind);
gboolean         _parla_local_media_start_screen     (ParlaLocalMedia  *self,
                                                      GError          **error);
void             _parla_local_media_start_screen_async  (ParlaLocalMedia     *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
gboolean         _parla_local_media_start_screen_finish (GAsyncResult        *result,
                                                         GError             **error);
void             _parla_local_media_stop_screen      (ParlaLocalMedia  *self);
GstElement      *_parla_local_media_add_self_view    (ParlaLocalMedia  *self,
                                                      GError          **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaLocalMedia, _parla_local_media_free)

G_END_DECLS
