/* parla-local-media.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-local-media-private.h"

#include <string.h>

#include <gst/video/video.h>

#include "parla-media-init.h"

GST_DEBUG_CATEGORY_STATIC (parla_local_media_debug);
#define GST_CAT_DEFAULT parla_local_media_debug

/* One capture per kind, raw, ending in a tee; each participant's encoder
 * hangs off the tee (per-participant encoders, so that each connection can
 * get its own bitrate and keyframes):
 *
 *   videotestsrc|autovideosrc ! [convert ! scale ! rate] ! I420 WxH@F ! tee
 *   audiotestsrc|autoaudiosrc ! [convert ! resample] ! S16 48k mono ! [webrtcdsp] ! volume ! tee
 *
 * Camera off replaces each frame by one shared black frame (no copy), so the
 * receiver keeps its track and its decoder; mute is volume's mute, so the
 * receiver hears silence. Remote audio, when played, goes through one
 * audiomixer ! [webrtcechoprobe] ! autoaudiosink, in a bin that handles its
 * own preroll so an idle output never stalls the pipeline. */

struct _ParlaLocalMedia
{
  /* owned */
  GstBin           *pipeline;
  ParlaCallOptions *options;
  GstElement       *video_tee;
  GstElement       *audio_tee;
  GstElement       *screen_tee;
  GstElement       *volume;
  GstElement       *mixer;
  GstBuffer        *black;
  GPtrArray        *screen_elements;

  gulong            video_probe_id;
  gboolean          video_enabled;  /* atomic */
};

static GstElement *
make (GstBin     *bin,
      const char *factory,
      GError    **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                   "Missing GStreamer element %s", factory);
      return NULL;
    }

  gst_bin_add (bin, element);
  return element;
}

static GstElement *
make_tee (GstBin *bin)
{
  GstElement *tee = gst_element_factory_make ("tee", NULL);

  g_object_set (tee, "allow-not-linked", TRUE, NULL);
  gst_bin_add (bin, tee);

  return tee;
}

static GstBuffer *
make_black_frame (int width,
                  int height)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buffer;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, width, height);
  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_add_video_meta (buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_I420,
                             width, height);

  if (gst_video_frame_map (&frame, &info, buffer, GST_MAP_WRITE))
    {
      for (guint plane = 0; plane < 3; plane++)
        {
          guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, plane);
          int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, plane);
          int rows = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, plane);

          memset (data, plane == 0 ? 16 : 128, (gsize) stride * rows);
        }
      gst_video_frame_unmap (&frame);
    }

  return buffer;
}

static GstPadProbeReturn
on_video_buffer_probe_cb (GstPad          *pad,
                          GstPadProbeInfo *info,
                          gpointer         user_data)
{
  ParlaLocalMedia *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstBuffer *black;

  if (g_atomic_int_get (&self->video_enabled))
    return GST_PAD_PROBE_OK;

  /* The black frame's memory is shared, not copied. */
  black = gst_buffer_copy (self->black);
  gst_buffer_copy_into (black, buffer, GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  gst_buffer_unref (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = black;

  return GST_PAD_PROBE_OK;
}

static gboolean
build_video (ParlaLocalMedia  *self,
             GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *source;
  GstElement *filter;
  GstElement *last;
  int width, height, fps;

  parla_call_options_get_video_size (self->options, &width, &height, &fps);

  if (parla_call_options_get_video_source (self->options) == PARLA_MEDIA_SOURCE_TEST)
    {
      if (!(source = make (self->pipeline, "videotestsrc", error)))
        return FALSE;
      g_object_set (source, "is-live", TRUE, NULL);
      gst_util_set_object_arg (G_OBJECT (source), "pattern",
                               parla_call_options_get_test_pattern (self->options));
      last = source;
    }
  else
    {
      GstElement *convert, *scale, *rate;

      /* TODO: the Camera portal and pipewiresrc, for the Flatpak. */
      if (!(source = make (self->pipeline, "autovideosrc", error)) ||
          !(convert = make (self->pipeline, "videoconvert", error)) ||
          !(scale = make (self->pipeline, "videoscale", error)) ||
          !(rate = make (self->pipeline, "videorate", error)))
        return FALSE;
      g_object_set (rate, "drop-only", TRUE, NULL);
      if (!gst_element_link_many (source, convert, scale, rate, NULL))
        goto link_failed;
      last = rate;
    }

  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, width,
                              "height", G_TYPE_INT, height,
                              "framerate", GST_TYPE_FRACTION, fps, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  filter = make (self->pipeline, "capsfilter", error);
  g_object_set (filter, "caps", caps, NULL);
  self->video_tee = make_tee (self->pipeline);
  if (!gst_element_link_many (last, filter, self->video_tee, NULL))
    goto link_failed;

  self->black = make_black_frame (width, height);
  pad = gst_element_get_static_pad (filter, "src");
  self->video_probe_id = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
                                            on_video_buffer_probe_cb, self, NULL);
  return TRUE;

link_failed:
  g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                       "Cannot link the video source");
  return FALSE;
}

static gboolean
build_audio (ParlaLocalMedia  *self,
             gboolean          echo_cancel,
             GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  GstElement *source;
  GstElement *filter;
  GstElement *last;

  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "S16LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, 48000,
                              "channels", G_TYPE_INT, 1,
                              NULL);

  if (parla_call_options_get_audio_source (self->options) == PARLA_MEDIA_SOURCE_TEST)
    {
      if (!(source = make (self->pipeline, "audiotestsrc", error)))
        return FALSE;
      g_object_set (source,
                    "is-live", TRUE,
                    "freq", parla_call_options_get_test_tone (self->options),
                    "volume", 0.3,
                    "samplesperbuffer", 960,
                    NULL);
      last = source;
    }
  else
    {
      GstElement *convert, *resample;

      if (!(source = make (self->pipeline, "autoaudiosrc", error)) ||
          !(convert = make (self->pipeline, "audioconvert", error)) ||
          !(resample = make (self->pipeline, "audioresample", error)))
        return FALSE;
      if (!gst_element_link_many (source, convert, resample, NULL))
        goto link_failed;
      last = resample;
    }

  filter = make (self->pipeline, "capsfilter", error);
  g_object_set (filter, "caps", caps, NULL);
  if (!gst_element_link (last, filter))
    goto link_failed;
  last = filter;

  if (echo_cancel)
    {
      GstElement *dsp = make (self->pipeline, "webrtcdsp", error);

      g_object_set (dsp, "probe", "parla-echo-probe", NULL);
      if (!gst_element_link (last, dsp))
        goto link_failed;
      last = dsp;
    }

  if (!(self->volume = make (self->pipeline, "volume", error)))
    return FALSE;
  self->audio_tee = make_tee (self->pipeline);
  if (!gst_element_link_many (last, self->volume, self->audio_tee, NULL))
    goto link_failed;

  return TRUE;

link_failed:
  g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                       "Cannot link the audio source");
  return FALSE;
}

static gboolean
build_output (ParlaLocalMedia  *self,
              gboolean          echo_cancel,
              GError          **error)
{
  g_autoptr(GstPad) sink_pad = NULL;
  GstElement *bin;
  GstElement *convert, *resample, *sink;
  GstElement *last;

  if (!(self->mixer = make (self->pipeline, "audiomixer", error)))
    return FALSE;
  gst_util_set_object_arg (G_OBJECT (self->mixer), "start-time-selection", "first");

  bin = gst_bin_new ("parla-audio-output");
  g_object_set (bin, "async-handling", TRUE, NULL);
  gst_bin_add (self->pipeline, bin);

  if (!(convert = make (GST_BIN (bin), "audioconvert", error)) ||
      !(resample = make (GST_BIN (bin), "audioresample", error)) ||
      !(sink = make (GST_BIN (bin), "autoaudiosink", error)))
    return FALSE;
  if (!gst_element_link (convert, resample))
    goto link_failed;
  last = resample;

  if (echo_cancel)
    {
      GstElement *probe = gst_element_factory_make ("webrtcechoprobe", "parla-echo-probe");

      gst_bin_add (GST_BIN (bin), probe);
      if (!gst_element_link (last, probe))
        goto link_failed;
      last = probe;
    }

  if (!gst_element_link (last, sink))
    goto link_failed;

  sink_pad = gst_element_get_static_pad (convert, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", sink_pad));
  if (!gst_element_link (self->mixer, bin))
    goto link_failed;

  return TRUE;

link_failed:
  g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                       "Cannot link the audio output");
  return FALSE;
}

/*
 * _parla_local_media_new:
 * @pipeline: the call's pipeline, not yet playing
 * @options: what to capture
 * @error: return location for a #GError
 *
 * Adds the capture side to @pipeline.
 */
ParlaLocalMedia *
_parla_local_media_new (GstBin            *pipeline,
                        ParlaCallOptions  *options,
                        GError           **error)
{
  g_autoptr(ParlaLocalMedia) self = g_new0 (ParlaLocalMedia, 1);
  gboolean echo_cancel;

  if (parla_local_media_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (parla_local_media_debug, "parla-local-media", 0,
                             "Parla call capture");

  self->pipeline = gst_object_ref (pipeline);
  self->options = parla_call_options_ref (options);
  self->video_enabled = TRUE;

  /* A real microphone whose far end plays on the speakers needs echo
   * cancellation; webrtcdsp finds its probe by name. */
  echo_cancel = parla_call_options_get_audio_source (options) == PARLA_MEDIA_SOURCE_DEVICE &&
                parla_call_options_get_audio_output (options) == PARLA_AUDIO_OUTPUT_DEVICE &&
                parla_media_has_element ("webrtcdsp") &&
                parla_media_has_element ("webrtcechoprobe");

  if (parla_call_options_get_video_source (options) != PARLA_MEDIA_SOURCE_NONE &&
      !build_video (self, error))
    return NULL;

  if (parla_call_options_get_audio_source (options) != PARLA_MEDIA_SOURCE_NONE &&
      !build_audio (self, echo_cancel, error))
    return NULL;

  if (parla_call_options_get_audio_output (options) == PARLA_AUDIO_OUTPUT_DEVICE &&
      !build_output (self, echo_cancel, error))
    return NULL;

  return g_steal_pointer (&self);
}

/*
 * _parla_local_media_free:
 *
 * Frees the bookkeeping; the elements go with the pipeline.
 */
void
_parla_local_media_free (ParlaLocalMedia *self)
{
  if (self->video_probe_id != 0 && self->video_tee != NULL)
    {
      g_autoptr(GstPad) tee_sink = gst_element_get_static_pad (self->video_tee, "sink");
      g_autoptr(GstPad) peer = gst_pad_get_peer (tee_sink);

      if (peer != NULL)
        gst_pad_remove_probe (peer, self->video_probe_id);
    }

  g_clear_pointer (&self->black, gst_buffer_unref);
  g_clear_pointer (&self->screen_elements, g_ptr_array_unref);
  g_clear_pointer (&self->options, parla_call_options_unref);
  gst_clear_object (&self->pipeline);
  g_free (self);
}

static GstElement *
get_tee (ParlaLocalMedia *self,
         ParlaTrackKind   kind)
{
  switch (kind)
    {
    case PARLA_TRACK_AUDIO:
      return self->audio_tee;
    case PARLA_TRACK_VIDEO:
      return self->video_tee;
    case PARLA_TRACK_SCREEN:
      return self->screen_tee;
    default:
      g_assert_not_reached ();
    }
}

/*
 * _parla_local_media_has:
 *
 * Returns: whether something of @kind is captured
 */
gboolean
_parla_local_media_has (ParlaLocalMedia *self,
                        ParlaTrackKind   kind)
{
  return get_tee (self, kind) != NULL;
}

/*
 * _parla_local_media_request_pad:
 *
 * Returns: (transfer full) (nullable): a new source pad of @kind's tee
 */
GstPad *
_parla_local_media_request_pad (ParlaLocalMedia *self,
                                ParlaTrackKind   kind)
{
  GstElement *tee = get_tee (self, kind);

  if (tee == NULL)
    return NULL;

  return gst_element_request_pad_simple (tee, "src_%u");
}

/*
 * _parla_local_media_request_output_pad:
 *
 * Returns: (transfer full) (nullable): a new input of the audio output's
 *   mixer, or %NULL when remote audio is not played
 */
GstPad *
_parla_local_media_request_output_pad (ParlaLocalMedia *self)
{
  if (self->mixer == NULL)
    return NULL;

  return gst_element_request_pad_simple (self->mixer, "sink_%u");
}

/*
 * _parla_local_media_release_pad:
 * @pad: (transfer full): a pad from _parla_local_media_request_pad() or
 *   _parla_local_media_request_output_pad()
 *
 * Unlinks @pad and gives it back to its tee or mixer.
 */
void
_parla_local_media_release_pad (ParlaLocalMedia *self,
                                GstPad          *pad)
{
  g_autoptr(GstElement) owner = gst_pad_get_parent_element (pad);
  g_autoptr(GstPad) peer = gst_pad_get_peer (pad);

  if (peer != NULL)
    {
      if (GST_PAD_IS_SRC (pad))
        gst_pad_unlink (pad, peer);
      else
        gst_pad_unlink (peer, pad);
    }

  if (owner != NULL)
    gst_element_release_request_pad (owner, pad);
  gst_object_unref (pad);
}

/*
 * _parla_local_media_set_audio_muted:
 *
 * Sends silence instead of the microphone, to every participant.
 */
void
_parla_local_media_set_audio_muted (ParlaLocalMedia *self,
                                    gboolean         muted)
{
  if (self->volume != NULL)
    g_object_set (self->volume, "mute", muted, NULL);
}

/*
 * _parla_local_media_set_video_enabled:
 *
 * Sends black frames instead of the camera when %FALSE.
 */
void
_parla_local_media_set_video_enabled (ParlaLocalMedia *self,
                                      gboolean         enabled)
{
  g_atomic_int_set (&self->video_enabled, !!enabled);
}

/*
 * _parla_local_media_start_screen:
 *
 * Starts capturing the screen into its own tee, in the playing pipeline:
 *
 *   ximagesrc|videotestsrc ! convert ! scale ! rate ! I420 WxH@F ! tee
 */
gboolean
_parla_local_media_start_screen (ParlaLocalMedia  *self,
                                 GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  GstElement *source = NULL;
  GstElement *convert, *scale, *rate, *filter;
  int width, height, fps;

  if (self->screen_tee != NULL)
    return TRUE;

  parla_call_options_get_screen_size (self->options, &width, &height, &fps);

  switch (parla_call_options_get_screen_source (self->options))
    {
    case PARLA_MEDIA_SOURCE_TEST:
      source = gst_element_factory_make ("videotestsrc", NULL);
      g_object_set (source, "is-live", TRUE, "foreground-color", 0xff20c020, NULL);
      gst_util_set_object_arg (G_OBJECT (source), "pattern", "solid-color");
      break;

    case PARLA_MEDIA_SOURCE_DEVICE:
      /* TODO: the ScreenCast portal and pipewiresrc, for Wayland and the
       * Flatpak. */
      if (g_getenv ("DISPLAY") == NULL || !parla_media_has_element ("ximagesrc"))
        {
          g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                               "Screen sharing needs X11 (ximagesrc)");
          return FALSE;
        }
      source = gst_element_factory_make ("ximagesrc", NULL);
      g_object_set (source, "use-damage", FALSE, "show-pointer", TRUE, NULL);
      break;

    case PARLA_MEDIA_SOURCE_NONE:
    default:
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                           "Screen sharing is off in the options");
      return FALSE;
    }

  self->screen_elements = g_ptr_array_new_with_free_func (gst_object_unref);
  convert = gst_element_factory_make ("videoconvert", NULL);
  scale = gst_element_factory_make ("videoscale", NULL);
  rate = gst_element_factory_make ("videorate", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  self->screen_tee = gst_element_factory_make ("tee", NULL);
  g_object_set (self->screen_tee, "allow-not-linked", TRUE, NULL);
  /* Scaled down before the encoders: cheaper than encoding 4K. */
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, width,
                              "height", G_TYPE_INT, height,
                              "framerate", GST_TYPE_FRACTION, fps, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  g_object_set (filter, "caps", caps, NULL);

  for (GstElement **e = (GstElement *[]) { source, convert, scale, rate, filter, self->screen_tee, NULL };
       *e != NULL; e++)
    {
      gst_bin_add (self->pipeline, *e);
      g_ptr_array_add (self->screen_elements, gst_object_ref (*e));
    }

  if (!gst_element_link_many (source, convert, scale, rate, filter, self->screen_tee, NULL))
    {
      _parla_local_media_stop_screen (self);
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "Cannot link the screen capture");
      return FALSE;
    }

  /* Downstream first, so that nothing is pushed into a stopped element. */
  for (guint i = self->screen_elements->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (self->screen_elements, i - 1));

  return TRUE;
}

/*
 * _parla_local_media_stop_screen:
 *
 * Stops and removes the screen capture; the participants' encoders must
 * be off its tee already.
 */
void
_parla_local_media_stop_screen (ParlaLocalMedia *self)
{
  if (self->screen_elements == NULL)
    return;

  for (guint i = 0; i < self->screen_elements->len; i++)
    {
      GstElement *element = g_ptr_array_index (self->screen_elements, i);

      gst_element_set_state (element, GST_STATE_NULL);
      gst_bin_remove (self->pipeline, element);
    }

  g_clear_pointer (&self->screen_elements, g_ptr_array_unref);
  self->screen_tee = NULL;
}
