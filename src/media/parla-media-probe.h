/* parla-media-probe.h: what a decoded sample shows or sounds like, for
 * headless peers and tests that must check the media, not only count it
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  PARLA_PICTURE_UNKNOWN,      /* not a readable RGBA frame */
  PARLA_PICTURE_SMPTE,        /* videotestsrc's colour bars: the test camera */
  PARLA_PICTURE_BLACK,        /* a camera turned off */
  PARLA_PICTURE_GREEN,        /* the test screen share: solid (32, 192, 32) */
  PARLA_PICTURE_OTHER,
} ParlaPicture;

ParlaPicture  parla_media_probe_picture         (GstSample   *sample);
gboolean      parla_media_probe_solid           (GstSample   *sample,
                                                 int          r,
                                                 int          g,
                                                 int          b,
                                                 int          tolerance);
const char   *parla_picture_to_string           (ParlaPicture picture);
gboolean      parla_media_probe_audio           (const gint16 *samples,
                                                 gsize         n_samples,
                                                 guint         rate,
                                                 double       *out_hz,
                                                 double       *out_rms);
gboolean      parla_media_probe_audio_sample    (GstSample   *sample,
                                                 double      *out_hz,
                                                 double      *out_rms);

G_END_DECLS
