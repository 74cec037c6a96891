/* parla-call-recording.h: where a recorder taps a call's media
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

#include "parla-call.h"

G_BEGIN_DECLS

GstBin *parla_call_get_recording_bin      (ParlaCall      *self);
GstPad *parla_call_request_recording_pad  (ParlaCall      *self,
                                           ParlaTrackKind  kind);
void    parla_call_release_recording_pad  (ParlaCall      *self,
                                           GstPad         *pad);

G_END_DECLS
