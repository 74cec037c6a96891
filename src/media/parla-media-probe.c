/* parla-media-probe.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-media-probe.h"

#include <math.h>

#include <gst/audio/audio.h>
#include <gst/video/video.h>

/* Decoded video reaches the app as RGBA (ParlaRemoteTrack), so that is all
 * that is read here. Pictures are judged on a coarse grid of points with
 * a tolerance that survives a lossy codec at a low bitrate. */

static gboolean
pixel_near (const guint8 *pixel,
            int           r,
            int           g,
            int           b,
            int           tolerance)
{
  return ABS (pixel[0] - r) <= tolerance && ABS (pixel[1] - g) <= tolerance &&
         ABS (pixel[2] - b) <= tolerance;
}

/* The seven bars of videotestsrc's "smpte", sampled in their middles. */
static gboolean
frame_is_smpte (const GstVideoFrame *frame)
{
  static const guint8 bars[7][3] = {
    { 255, 255, 255 }, { 255, 255, 0 }, { 0, 255, 255 }, { 0, 255, 0 },
    { 255, 0, 255 }, { 255, 0, 0 }, { 0, 0, 255 },
  };
  int width = GST_VIDEO_FRAME_WIDTH (frame);
  int height = GST_VIDEO_FRAME_HEIGHT (frame);
  const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);

  for (guint bar = 0; bar < 7; bar++)
    {
      int x = (int) ((bar + 0.5) * width / 7);
      int y = height / 3;

      if (!pixel_near (data + y * stride + x * 4, bars[bar][0], bars[bar][1], bars[bar][2], 60))
        return FALSE;
    }

  return TRUE;
}

static gboolean
frame_is_solid (const GstVideoFrame *frame,
                int                  r,
                int                  g,
                int                  b,
                int                  tolerance)
{
  int width = GST_VIDEO_FRAME_WIDTH (frame);
  int height = GST_VIDEO_FRAME_HEIGHT (frame);
  const guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (frame, 0);
  int stride = GST_VIDEO_FRAME_PLANE_STRIDE (frame, 0);

  for (int y = 4; y < height; y += MAX (height / 8, 1))
    for (int x = 4; x < width; x += MAX (width / 8, 1))
      if (!pixel_near (data + y * stride + x * 4, r, g, b, tolerance))
        return FALSE;

  return TRUE;
}

/* @sample mapped as RGBA, or FALSE. */
static gboolean
map_rgba (GstSample     *sample,
          GstVideoFrame *frame)
{
  GstVideoInfo info;
  GstCaps *caps;
  GstBuffer *buffer;

  if (sample == NULL ||
      (caps = gst_sample_get_caps (sample)) == NULL ||
      (buffer = gst_sample_get_buffer (sample)) == NULL ||
      !gst_video_info_from_caps (&info, caps) ||
      GST_VIDEO_INFO_FORMAT (&info) != GST_VIDEO_FORMAT_RGBA ||
      GST_VIDEO_INFO_WIDTH (&info) < 16 || GST_VIDEO_INFO_HEIGHT (&info) < 16)
    return FALSE;

  return gst_video_frame_map (frame, &info, buffer, GST_MAP_READ);
}

/**
 * parla_media_probe_picture:
 * @sample: (nullable): a decoded RGBA frame, as #ParlaRemoteTrack gives
 *
 * Tells the pictures the test sources send apart: the colour bars of a
 * test camera, the black of a camera turned off, the green of the test
 * screen share.
 *
 * Returns: what @sample shows
 */
ParlaPicture
parla_media_probe_picture (GstSample *sample)
{
  GstVideoFrame frame;
  ParlaPicture picture;

  if (!map_rgba (sample, &frame))
    return PARLA_PICTURE_UNKNOWN;

  if (frame_is_smpte (&frame))
    picture = PARLA_PICTURE_SMPTE;
  else if (frame_is_solid (&frame, 0, 0, 0, 24))
    picture = PARLA_PICTURE_BLACK;
  else if (frame_is_solid (&frame, 32, 192, 32, 40))
    picture = PARLA_PICTURE_GREEN;
  else
    picture = PARLA_PICTURE_OTHER;
  gst_video_frame_unmap (&frame);

  return picture;
}

/**
 * parla_media_probe_solid:
 * @sample: (nullable): a decoded RGBA frame
 * @r: red, 0 to 255
 * @g: green
 * @b: blue
 * @tolerance: how far each channel may be off
 *
 * Returns: whether @sample is one colour, (@r, @g, @b), all over
 */
gboolean
parla_media_probe_solid (GstSample *sample,
                         int        r,
                         int        g,
                         int        b,
                         int        tolerance)
{
  GstVideoFrame frame;
  gboolean solid;

  if (!map_rgba (sample, &frame))
    return FALSE;

  solid = frame_is_solid (&frame, r, g, b, tolerance);
  gst_video_frame_unmap (&frame);

  return solid;
}

/**
 * parla_picture_to_string:
 * @picture: a #ParlaPicture
 *
 * Returns: `smpte`, `black`, `green`, `other` or `unknown`
 */
const char *
parla_picture_to_string (ParlaPicture picture)
{
  switch (picture)
    {
    case PARLA_PICTURE_SMPTE: return "smpte";
    case PARLA_PICTURE_BLACK: return "black";
    case PARLA_PICTURE_GREEN: return "green";
    case PARLA_PICTURE_OTHER: return "other";
    case PARLA_PICTURE_UNKNOWN:
    default:                  return "unknown";
    }
}

/**
 * parla_media_probe_audio:
 * @samples: mono signed 16-bit samples
 * @n_samples: how many
 * @rate: their rate in Hz
 * @out_hz: (out): the frequency of a pure tone, from its zero crossings
 * @out_rms: (out): the level, 0 to 32767
 *
 * Measures a stretch of audio; a test tone of f Hz reads f, silence reads
 * an RMS near 0.
 *
 * Returns: %FALSE when there is too little to measure
 */
gboolean
parla_media_probe_audio (const gint16 *samples,
                         gsize         n_samples,
                         guint         rate,
                         double       *out_hz,
                         double       *out_rms)
{
  guint crossings = 0;
  double sum = 0;

  g_return_val_if_fail (out_hz != NULL && out_rms != NULL, FALSE);

  if (samples == NULL || n_samples < 2 || rate == 0)
    return FALSE;

  for (gsize i = 0; i < n_samples; i++)
    {
      sum += (double) samples[i] * samples[i];
      if (i + 1 < n_samples && ((samples[i] < 0) != (samples[i + 1] < 0)))
        crossings++;
    }

  *out_rms = sqrt (sum / n_samples);
  *out_hz = crossings / 2.0 / ((double) n_samples / rate);

  return TRUE;
}

/**
 * parla_media_probe_audio_sample:
 * @sample: (nullable): a decoded audio buffer (S16, mono), as
 *   #ParlaRemoteTrack gives
 * @out_hz: (out): see parla_media_probe_audio()
 * @out_rms: (out): see parla_media_probe_audio()
 *
 * Returns: %FALSE when @sample is not mono S16 audio
 */
gboolean
parla_media_probe_audio_sample (GstSample *sample,
                                double    *out_hz,
                                double    *out_rms)
{
  GstAudioInfo info;
  GstMapInfo map;
  GstCaps *caps;
  GstBuffer *buffer;
  gboolean ok;

  if (sample == NULL ||
      (caps = gst_sample_get_caps (sample)) == NULL ||
      (buffer = gst_sample_get_buffer (sample)) == NULL ||
      !gst_audio_info_from_caps (&info, caps) ||
      GST_AUDIO_INFO_FORMAT (&info) != GST_AUDIO_FORMAT_S16 ||
      GST_AUDIO_INFO_CHANNELS (&info) != 1)
    return FALSE;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return FALSE;
  ok = parla_media_probe_audio ((const gint16 *) map.data, map.size / sizeof (gint16),
                                GST_AUDIO_INFO_RATE (&info), out_hz, out_rms);
  gst_buffer_unmap (buffer, &map);

  return ok;
}
