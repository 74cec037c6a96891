/* parla-local-media-private.h: the capture side every participant shares
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

#include "parla-call-options.h"

G_BEGIN_DECLS

typedef struct _ParlaLocalMedia ParlaLocalMedia;

ParlaLocalMedia *_parla_local_media_new              (GstBin           *pipeline,
                                                      ParlaCallOptions *options,
                                                      GError          **error);
void             _parla_local_media_free             (ParlaLocalMedia  *self);
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
gboolean         _parla_local_media_start_screen     (ParlaLocalMedia  *self,
                                                      GError          **error);
void             _parla_local_media_stop_screen      (ParlaLocalMedia  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaLocalMedia, _parla_local_media_free)

G_END_DECLS
