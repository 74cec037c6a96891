/* parla-file-player.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-file-player-private.h"

#include <gst/app/gstappsink.h>
#include <gst/app/gstappsrc.h>

#include "parla-media-types.h"

/* A file is decoded in a pipeline of its own, paced by its own clock and
 * sought back to the start at its end, and its frames and samples are
 * handed to two live appsrcs in the call's pipeline, which stamp them
 * with the call's running time:
 *
 *   filesrc ! decodebin -+- queue ! videoconvert ! videoscale ! videorate ! caps ! appsink -> appsrc (video)
 *                        +- queue ! audioconvert ! audioresample ! caps ! appsink -> appsrc (audio)
 *
 * So the call's pipeline stays live whatever the file is, and a seek in
 * the file never reaches webrtcbin. */

#define PREROLL_TIMEOUT (10 * GST_SECOND)

struct _ParlaFilePlayer
{
  GstElement *decoder;       /* the file's own pipeline */
  GstElement *video_src;     /* appsrc, for the call's pipeline */
  GstElement *audio_src;
  GstCaps    *video_caps;
  GstCaps    *audio_caps;
  guint       bus_watch_id;
  gint        loops;         /* atomic */
  gboolean    has_video;
  gboolean    has_audio;
};

static GstFlowReturn
on_new_sample_cb (GstAppSink *sink,
                  gpointer    user_data)
{
  GstAppSrc *src = user_data;
  g_autoptr(GstSample) sample = gst_app_sink_pull_sample (sink);
  GstBuffer *buffer;

  if (sample == NULL)
    return GST_FLOW_EOS;

  /* The file's times mean nothing in the call: the appsrc stamps it. The
   * memory is shared, not copied. */
  buffer = gst_buffer_copy (gst_sample_get_buffer (sample));
  GST_BUFFER_PTS (buffer) = GST_CLOCK_TIME_NONE;
  GST_BUFFER_DTS (buffer) = GST_CLOCK_TIME_NONE;

  /* A call that is not playing yet (or any more) simply misses frames. */
  gst_app_src_push_buffer (src, buffer);

  return GST_FLOW_OK;
}

static gboolean
link_branch (ParlaFilePlayer *self,
             GstPad          *pad,
             const char      *first,
             const char      *second,
             const char      *third,
             const GstCaps   *caps,
             GstElement      *target)
{
  GstBin *bin = GST_BIN (self->decoder);
  const char *names[] = { "queue", first, second, third };
  GstElement *elements[G_N_ELEMENTS (names) + 2] = { NULL };
  GstAppSinkCallbacks callbacks = { .new_sample = on_new_sample_cb };
  g_autoptr(GstPad) sinkpad = NULL;
  guint n = 0;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (names[i] == NULL)
        continue;
      elements[n] = gst_element_factory_make (names[i], NULL);
      if (elements[n] == NULL)
        return FALSE;
      n++;
    }
  elements[n] = gst_element_factory_make ("capsfilter", NULL);
  g_object_set (elements[n++], "caps", caps, NULL);
  elements[n] = gst_element_factory_make ("appsink", NULL);
  g_object_set (elements[n], "sync", TRUE, "max-buffers", 2, "drop", FALSE, NULL);
  gst_app_sink_set_callbacks (GST_APP_SINK (elements[n]), &callbacks, target, NULL);
  n++;

  for (guint i = 0; i < n; i++)
    gst_bin_add (bin, elements[i]);
  for (guint i = 0; i + 1 < n; i++)
    if (!gst_element_link (elements[i], elements[i + 1]))
      return FALSE;

  sinkpad = gst_element_get_static_pad (elements[0], "sink");
  if (gst_pad_link (pad, sinkpad) != GST_PAD_LINK_OK)
    return FALSE;

  for (guint i = 0; i < n; i++)
    gst_element_sync_state_with_parent (elements[i]);

  return TRUE;
}

/* Called on a streaming thread of the file's pipeline, before it
 * prerolls. */
static void
on_pad_added_cb (GstElement      *decodebin,
                 GstPad          *pad,
                 ParlaFilePlayer *self)
{
  g_autoptr(GstCaps) caps = gst_pad_get_current_caps (pad);
  const char *name;

  if (caps == NULL)
    caps = gst_pad_query_caps (pad, NULL);
  name = gst_structure_get_name (gst_caps_get_structure (caps, 0));

  if (g_str_has_prefix (name, "video/") && !self->has_video)
    {
      self->has_video = link_branch (self, pad, "videoconvert", "videoscale", "videorate",
                                     self->video_caps, self->video_src);
    }
  else if (g_str_has_prefix (name, "audio/") && !self->has_audio)
    {
      self->has_audio = link_branch (self, pad, "audioconvert", "audioresample", NULL,
                                     self->audio_caps, self->audio_src);
    }
  else
    {
      /* Subtitles, a second video: consumed and dropped. */
      GstElement *sink = gst_element_factory_make ("fakesink", NULL);
      g_autoptr(GstPad) sinkpad = gst_element_get_static_pad (sink, "sink");

      g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);
      gst_bin_add (GST_BIN (self->decoder), sink);
      gst_pad_link (pad, sinkpad);
      gst_element_sync_state_with_parent (sink);
    }
}

static gboolean
on_bus_message_cb (GstBus     *bus,
                   GstMessage *message,
                   gpointer    user_data)
{
  ParlaFilePlayer *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      /* Again from the start, for as long as the call lasts. */
      g_atomic_int_inc (&self->loops);
      if (!gst_element_seek_simple (self->decoder, GST_FORMAT_TIME,
                                    GST_SEEK_FLAG_FLUSH | GST_SEEK_FLAG_KEY_UNIT, 0))
        GST_WARNING ("media file: cannot go back to the start");
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        GST_WARNING ("media file: %s (%s); it stops", error->message, debug);
        gst_element_set_state (self->decoder, GST_STATE_NULL);
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static GstElement *
make_appsrc (const GstCaps *caps)
{
  GstElement *src = gst_element_factory_make ("appsrc", NULL);

  g_object_set (src,
                "caps", caps,
                "is-live", TRUE,
                "format", GST_FORMAT_TIME,
                "do-timestamp", TRUE,
                "block", FALSE,
                "max-buffers", (guint64) 4,
                NULL);
  /* Behind (a slow encoder): the oldest go first. */
  gst_util_set_object_arg (G_OBJECT (src), "leaky-type", "downstream");

  return gst_object_ref_sink (src);
}

/**
 * _parla_file_player_new:
 * @path: a media file with video, audio or both
 * @video_caps: the raw video the call sends (format, size, frame rate)
 * @audio_caps: the raw audio the call sends
 * @error: why the file cannot be played
 *
 * Opens and prerolls @path: a missing file, or one with neither video nor
 * audio that GStreamer can decode, fails here rather than mid-call.
 *
 * Returns: (transfer full) (nullable): a player, paused at the start
 */
ParlaFilePlayer *
_parla_file_player_new (const char     *path,
                        const GstCaps  *video_caps,
                        const GstCaps  *audio_caps,
                        GError        **error)
{
  g_autoptr(ParlaFilePlayer) self = g_new0 (ParlaFilePlayer, 1);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;
  GstElement *filesrc, *decodebin;

  g_return_val_if_fail (path != NULL, NULL);

  if (!g_file_test (path, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                   "No media file at “%s”", path);
      return NULL;
    }

  self->video_caps = gst_caps_copy (video_caps);
  self->audio_caps = gst_caps_copy (audio_caps);
  self->video_src = make_appsrc (video_caps);
  self->audio_src = make_appsrc (audio_caps);

  self->decoder = gst_pipeline_new ("parla-media-file");
  filesrc = gst_element_factory_make ("filesrc", NULL);
  decodebin = gst_element_factory_make ("decodebin", NULL);
  if (filesrc == NULL || decodebin == NULL)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                           "Playing media files needs decodebin (gstreamer1.0-plugins-base)");
      return NULL;
    }
  g_object_set (filesrc, "location", path, NULL);
  gst_bin_add_many (GST_BIN (self->decoder), filesrc, decodebin, NULL);
  gst_element_link (filesrc, decodebin);
  g_signal_connect (decodebin, "pad-added", G_CALLBACK (on_pad_added_cb), self);

  gst_element_set_state (self->decoder, GST_STATE_PAUSED);
  bus = gst_pipeline_get_bus (GST_PIPELINE (self->decoder));
  message = gst_bus_timed_pop_filtered (bus, PREROLL_TIMEOUT,
                                        GST_MESSAGE_ASYNC_DONE | GST_MESSAGE_ERROR);
  if (message == NULL || GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR ||
      (!self->has_video && !self->has_audio))
    {
      g_autoptr(GError) cause = NULL;

      if (message != NULL && GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
        gst_message_parse_error (message, &cause, NULL);
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                   "Cannot play “%s”: %s", path,
                   cause != NULL ? cause->message : "no audio or video it can decode");
      return NULL;
    }

  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message_cb, self);

  return g_steal_pointer (&self);
}

/* The appsrc for the call's pipeline: add it to a bin, link it to the
 * video chain. Stays silent when the file has no video. */
GstElement *
_parla_file_player_get_video_src (ParlaFilePlayer *self)
{
  return self->video_src;
}

GstElement *
_parla_file_player_get_audio_src (ParlaFilePlayer *self)
{
  return self->audio_src;
}

gboolean
_parla_file_player_has_video (ParlaFilePlayer *self)
{
  return self->has_video;
}

gboolean
_parla_file_player_has_audio (ParlaFilePlayer *self)
{
  return self->has_audio;
}

void
_parla_file_player_play (ParlaFilePlayer *self)
{
  gst_element_set_state (self->decoder, GST_STATE_PLAYING);
}

/* How often the file reached its end and started again. */
guint
_parla_file_player_get_loops (ParlaFilePlayer *self)
{
  return (guint) g_atomic_int_get (&self->loops);
}

void
_parla_file_player_free (ParlaFilePlayer *self)
{
  if (self == NULL)
    return;

  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  if (self->decoder != NULL)
    {
      gst_element_set_state (self->decoder, GST_STATE_NULL);
      gst_object_unref (self->decoder);
    }
  g_clear_pointer (&self->video_src, gst_object_unref);
  g_clear_pointer (&self->audio_src, gst_object_unref);
  g_clear_pointer (&self->video_caps, gst_caps_unref);
  g_clear_pointer (&self->audio_caps, gst_caps_unref);
  g_free (self);
}
