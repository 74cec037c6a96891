/* parla-media-preview.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-media-preview.h"

#include <math.h>

#include <gst/app/gstappsrc.h>

#include "parla-device-monitor-private.h"
#include "parla-local-media-private.h"
#include "parla-media-enums.h"
#include "parla-media-init.h"
#include "parla-remote-track-private.h"

/* The capture side of a call, on its own, before the call:
 *
 *   [camera | test] ! … ! tee ! queue ! convert ! scale ! RGBA ! appsink   (the self-view)
 *   [microphone | test] ! … ! tee ! queue ! level ! fakesink               (the meter)
 *
 * The same ParlaLocalMedia the call uses, so devices are opened, switched
 * and lost the same way. The test sound is a pipeline of its own, from an
 * appsrc to the chosen speaker, built for each sound and gone after it. */

#define LEVEL_INTERVAL_MS 100
#define SOUND_RATE        48000

struct _ParlaMediaPreview
{
  GObject             parent_instance;

  /* owned */
  ParlaCallOptions   *options;
  GstElement         *pipeline;
  ParlaLocalMedia    *local;
  ParlaRemoteTrack   *video_track;
  ParlaDeviceMonitor *monitor;    /* for the speaker; started on demand */
  GstElement         *sound;      /* the test sound's pipeline, while it plays */
  char               *speaker_id;

  guint               bus_watch_id;
  guint               sound_watch_id;
  double              level;
  gboolean            video_enabled;
};

G_DEFINE_FINAL_TYPE (ParlaMediaPreview, parla_media_preview, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RUNNING,
  PROP_LEVEL,
  PROP_VIDEO_TRACK,
  PROP_VIDEO_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  TEST_SOUND_DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
set_level (ParlaMediaPreview *self,
           double             level)
{
  level = CLAMP (level, PARLA_MEDIA_PREVIEW_SILENCE_DB, 0.0);
  if (level == self->level)
    return;

  self->level = level;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL]);
}

/* The loudest channel's peak, in dB. */
static gboolean
read_peak (const GstStructure *structure,
           double             *peak)
{
  const GValue *value = gst_structure_get_value (structure, "peak");
  gboolean found = FALSE;

  if (value == NULL)
    return FALSE;

  *peak = PARLA_MEDIA_PREVIEW_SILENCE_DB;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (G_VALUE_HOLDS (value, g_value_array_get_type ()))
    {
      GValueArray *array = g_value_get_boxed (value);

      for (guint i = 0; array != NULL && i < array->n_values; i++)
        {
          double channel = g_value_get_double (g_value_array_get_nth (array, i));

          if (!isnan (channel))
            *peak = MAX (*peak, channel);
          found = TRUE;
        }
    }
  G_GNUC_END_IGNORE_DEPRECATIONS

  return found;
}

static gboolean
on_bus_message_cb (GstBus     *bus,
                   GstMessage *message,
                   gpointer    user_data)
{
  ParlaMediaPreview *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ELEMENT:
      {
        const GstStructure *structure = gst_message_get_structure (message);
        double peak;

        if (gst_structure_has_name (structure, "level") && read_peak (structure, &peak))
          set_level (self, peak);
      }
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;

        gst_message_parse_error (message, &error, &debug);
        g_warning ("Preview: %s (%s)", error->message, debug != NULL ? debug : "");
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
build_meter (ParlaMediaPreview  *self,
             GError            **error)
{
  g_autoptr(GstPad) tee_pad = NULL;
  g_autoptr(GstPad) queue_pad = NULL;
  GstElement *queue, *level, *sink;

  queue = gst_element_factory_make ("queue", NULL);
  level = gst_element_factory_make ("level", NULL);
  sink = gst_element_factory_make ("fakesink", NULL);
  if (queue == NULL || level == NULL || sink == NULL)
    {
      g_clear_pointer (&queue, gst_object_unref);
      g_clear_pointer (&level, gst_object_unref);
      g_clear_pointer (&sink, gst_object_unref);
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                           "Missing GStreamer element level");
      return FALSE;
    }

  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");
  g_object_set (level,
                "interval", (guint64) LEVEL_INTERVAL_MS * GST_MSECOND,
                "post-messages", TRUE,
                NULL);
  g_object_set (sink, "sync", FALSE, "async", FALSE, NULL);

  gst_bin_add_many (GST_BIN (self->pipeline), queue, level, sink, NULL);
  tee_pad = _parla_local_media_request_pad (self->local, PARLA_TRACK_AUDIO);
  queue_pad = gst_element_get_static_pad (queue, "sink");
  if (tee_pad == NULL || !gst_element_link_many (queue, level, sink, NULL) ||
      gst_pad_link (tee_pad, queue_pad) != GST_PAD_LINK_OK)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_PIPELINE,
                           "Cannot link the microphone level");
      return FALSE;
    }

  return TRUE;
}

static void
stop_sound (ParlaMediaPreview *self)
{
  g_clear_handle_id (&self->sound_watch_id, g_source_remove);
  if (self->sound != NULL)
    {
      gst_element_set_state (self->sound, GST_STATE_NULL);
      gst_clear_object (&self->sound);
    }
}

static void
parla_media_preview_dispose (GObject *object)
{
  ParlaMediaPreview *self = (ParlaMediaPreview *)object;

  parla_media_preview_stop (self);
  stop_sound (self);
  if (self->monitor != NULL)
    parla_device_monitor_stop (self->monitor);
  g_clear_object (&self->monitor);

  G_OBJECT_CLASS (parla_media_preview_parent_class)->dispose (object);
}

static void
parla_media_preview_finalize (GObject *object)
{
  ParlaMediaPreview *self = (ParlaMediaPreview *)object;

  g_clear_pointer (&self->options, parla_call_options_unref);
  g_clear_pointer (&self->speaker_id, g_free);

  G_OBJECT_CLASS (parla_media_preview_parent_class)->finalize (object);
}

static void
parla_media_preview_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ParlaMediaPreview *self = PARLA_MEDIA_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_RUNNING:
      g_value_set_boolean (value, parla_media_preview_get_running (self));
      break;

    case PROP_LEVEL:
      g_value_set_double (value, self->level);
      break;

    case PROP_VIDEO_TRACK:
      g_value_set_object (value, self->video_track);
      break;

    case PROP_VIDEO_ENABLED:
      g_value_set_boolean (value, self->video_enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_media_preview_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ParlaMediaPreview *self = PARLA_MEDIA_PREVIEW (object);

  switch (prop_id)
    {
    case PROP_VIDEO_ENABLED:
      parla_media_preview_set_video_enabled (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_media_preview_class_init (ParlaMediaPreviewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_media_preview_dispose;
  object_class->finalize = parla_media_preview_finalize;
  object_class->get_property = parla_media_preview_get_property;
  object_class->set_property = parla_media_preview_set_property;

  /**
   * ParlaMediaPreview:running:
   *
   * Whether the devices are open.
   */
  properties[PROP_RUNNING] =
    g_param_spec_boolean ("running", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaMediaPreview:level:
   *
   * The microphone's peak level in dB, from %PARLA_MEDIA_PREVIEW_SILENCE_DB
   * to 0, updated ten times a second on the main context while running.
   */
  properties[PROP_LEVEL] =
    g_param_spec_double ("level", NULL, NULL,
                         PARLA_MEDIA_PREVIEW_SILENCE_DB, 0.0, PARLA_MEDIA_PREVIEW_SILENCE_DB,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaMediaPreview:video-track:
   *
   * The self-view while running, or %NULL: see
   * parla_media_preview_get_video_track().
   */
  properties[PROP_VIDEO_TRACK] =
    g_param_spec_object ("video-track", NULL, NULL,
                         PARLA_TYPE_REMOTE_TRACK,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaMediaPreview:video-enabled:
   *
   * %FALSE stops the self-view's frames, as camera off does in a call.
   */
  properties[PROP_VIDEO_ENABLED] =
    g_param_spec_boolean ("video-enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaMediaPreview::test-sound-done:
   * @self: a #ParlaMediaPreview
   * @played: %TRUE when the whole sound went to the speaker, %FALSE when
   *   the speaker failed
   *
   * Emitted on the main context when the test sound is over.
   */
  signals[TEST_SOUND_DONE] =
    g_signal_new ("test-sound-done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_BOOLEAN);
}

static void
parla_media_preview_init (ParlaMediaPreview *self)
{
  self->level = PARLA_MEDIA_PREVIEW_SILENCE_DB;
  self->video_enabled = TRUE;
}

/**
 * parla_media_preview_new:
 * @options: what to capture (the sources, the devices, the video size);
 *   copied. Remote audio, echo cancellation and the media file do not
 *   apply.
 * @error: return location for a #GError
 *
 * Creates a preview; nothing is opened before parla_media_preview_start().
 *
 * Returns: (transfer full): a new #ParlaMediaPreview, or %NULL when a
 *   GStreamer plugin is missing
 */
ParlaMediaPreview *
parla_media_preview_new (ParlaCallOptions  *options,
                         GError           **error)
{
  ParlaMediaPreview *self;

  g_return_val_if_fail (options != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!parla_media_check_plugins (error))
    return NULL;
  if (!parla_media_has_element ("level"))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                           "Missing GStreamer element level");
      return NULL;
    }

  self = g_object_new (PARLA_TYPE_MEDIA_PREVIEW, NULL);
  self->options = parla_call_options_copy (options);
  parla_call_options_set_audio_output (self->options, PARLA_AUDIO_OUTPUT_SAMPLES);
  parla_call_options_set_echo_cancel (self->options, FALSE);
  parla_call_options_set_noise_suppression (self->options, FALSE);
  parla_call_options_set_gain_control (self->options, FALSE);
  parla_call_options_set_media_file (self->options, NULL);
  self->speaker_id = g_strdup (parla_call_options_get_speaker (options));

  return self;
}

/**
 * parla_media_preview_start:
 * @self: a #ParlaMediaPreview
 * @error: return location for a #GError
 *
 * Opens the camera and the microphone (or the test sources). A camera or
 * microphone that fails to open gives black frames or silence, as in a
 * call. Does nothing when running already.
 *
 * Returns: whether the preview runs
 */
gboolean
parla_media_preview_start (ParlaMediaPreview  *self,
                           GError            **error)
{
  g_autoptr(GstBus) bus = NULL;

  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->pipeline != NULL)
    return TRUE;

  self->pipeline = gst_object_ref_sink (gst_pipeline_new ("parla-preview"));
  self->local = _parla_local_media_new (GST_BIN (self->pipeline), self->options, error);
  if (self->local == NULL)
    goto failed;
  _parla_local_media_set_video_enabled (self->local, self->video_enabled);

  if (_parla_local_media_has (self->local, PARLA_TRACK_VIDEO))
    {
      GstElement *appsink = _parla_local_media_add_self_view (self->local, error);

      if (appsink == NULL)
        goto failed;
      self->video_track = _parla_remote_track_new ("", PARLA_TRACK_VIDEO, appsink);
    }

  if (_parla_local_media_has (self->local, PARLA_TRACK_AUDIO) && !build_meter (self, error))
    goto failed;

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message_cb, self);

  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "Cannot start the camera or the microphone");
      goto failed;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
  if (self->video_track != NULL)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_TRACK]);

  return TRUE;

failed:
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->video_track);
  g_clear_pointer (&self->local, _parla_local_media_free);
  gst_clear_object (&self->pipeline);
  return FALSE;
}

/**
 * parla_media_preview_stop:
 * @self: a #ParlaMediaPreview
 *
 * Releases the camera and the microphone; a test sound plays to its end.
 * The preview can be started again.
 */
void
parla_media_preview_stop (ParlaMediaPreview *self)
{
  g_return_if_fail (PARLA_IS_MEDIA_PREVIEW (self));

  if (self->pipeline == NULL)
    return;

  /* Remembered for a restart: the devices in use. */
  gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  g_clear_object (&self->video_track);
  g_clear_pointer (&self->local, _parla_local_media_free);
  gst_clear_object (&self->pipeline);

  set_level (self, PARLA_MEDIA_PREVIEW_SILENCE_DB);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_TRACK]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RUNNING]);
}

/**
 * parla_media_preview_get_running:
 * @self: a #ParlaMediaPreview
 *
 * Returns: whether the devices are open
 */
gboolean
parla_media_preview_get_running (ParlaMediaPreview *self)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), FALSE);

  return self->pipeline != NULL;
}

/**
 * parla_media_preview_get_level:
 * @self: a #ParlaMediaPreview
 *
 * Returns: the #ParlaMediaPreview:level, in dB
 */
double
parla_media_preview_get_level (ParlaMediaPreview *self)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), PARLA_MEDIA_PREVIEW_SILENCE_DB);

  return self->level;
}

/**
 * parla_media_preview_get_video_track:
 * @self: a #ParlaMediaPreview
 *
 * The self-view: RGBA frames (at most 640 pixels wide) through
 * #ParlaRemoteTrack::new-sample, none while video is disabled.
 *
 * Returns: (transfer none) (nullable): the self-view, or %NULL when not
 *   running or without video
 */
ParlaRemoteTrack *
parla_media_preview_get_video_track (ParlaMediaPreview *self)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), NULL);

  return self->video_track;
}

/**
 * parla_media_preview_set_video_enabled:
 * @self: a #ParlaMediaPreview
 * @enabled: whether to show the camera
 *
 * Camera off: the self-view gets no frames, the camera stays open.
 */
void
parla_media_preview_set_video_enabled (ParlaMediaPreview *self,
                                       gboolean           enabled)
{
  g_return_if_fail (PARLA_IS_MEDIA_PREVIEW (self));

  enabled = !!enabled;
  if (self->video_enabled == enabled)
    return;

  self->video_enabled = enabled;
  if (self->local != NULL)
    _parla_local_media_set_video_enabled (self->local, enabled);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_ENABLED]);
}

/**
 * parla_media_preview_get_video_enabled:
 * @self: a #ParlaMediaPreview
 *
 * Returns: whether the camera is shown
 */
gboolean
parla_media_preview_get_video_enabled (ParlaMediaPreview *self)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), FALSE);

  return self->video_enabled;
}

static gboolean
set_capture_device (ParlaMediaPreview  *self,
                    ParlaDeviceKind     kind,
                    const char         *id,
                    GError            **error)
{
  if (self->local != NULL)
    return _parla_local_media_set_device (self->local, kind, id, error);

  if (kind == PARLA_DEVICE_KIND_CAMERA)
    parla_call_options_set_camera (self->options, id);
  else
    parla_call_options_set_microphone (self->options, id);

  return TRUE;
}

/**
 * parla_media_preview_set_camera:
 * @self: a #ParlaMediaPreview
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default camera
 * @error: return location for a #GError
 *
 * Switches the camera; before parla_media_preview_start(), only
 * remembers it.
 *
 * Returns: whether the camera was switched; %FALSE with
 *   %PARLA_MEDIA_ERROR_INVALID_ARGUMENT for an unknown @id, or
 *   %PARLA_MEDIA_ERROR_INVALID_STATE with a test source
 */
gboolean
parla_media_preview_set_camera (ParlaMediaPreview  *self,
                                const char         *id,
                                GError            **error)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), FALSE);

  return set_capture_device (self, PARLA_DEVICE_KIND_CAMERA, id, error);
}

/**
 * parla_media_preview_set_microphone:
 * @self: a #ParlaMediaPreview
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default microphone
 * @error: return location for a #GError
 *
 * Switches the microphone, as parla_media_preview_set_camera() does the
 * camera.
 *
 * Returns: whether the microphone was switched
 */
gboolean
parla_media_preview_set_microphone (ParlaMediaPreview  *self,
                                    const char         *id,
                                    GError            **error)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), FALSE);

  return set_capture_device (self, PARLA_DEVICE_KIND_MICROPHONE, id, error);
}

static ParlaDeviceMonitor *
ensure_monitor (ParlaMediaPreview *self)
{
  if (self->monitor == NULL)
    {
      g_autoptr(GError) error = NULL;

      self->monitor = parla_device_monitor_new ();
      if (!parla_device_monitor_start (self->monitor, &error))
        g_info ("No device monitor for the speaker: %s", error->message);
    }

  return self->monitor;
}

/**
 * parla_media_preview_set_speaker:
 * @self: a #ParlaMediaPreview
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default speaker
 * @error: return location for a #GError
 *
 * Chooses where parla_media_preview_play_test_sound() plays.
 *
 * Returns: whether the speaker exists; %FALSE with
 *   %PARLA_MEDIA_ERROR_INVALID_ARGUMENT for an unknown @id
 */
gboolean
parla_media_preview_set_speaker (ParlaMediaPreview  *self,
                                 const char         *id,
                                 GError            **error)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (id != NULL &&
      parla_device_monitor_get_device (ensure_monitor (self), PARLA_DEVICE_KIND_SPEAKER, id) == NULL)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                   "No speaker “%s”", id);
      return FALSE;
    }

  g_free (self->speaker_id);
  self->speaker_id = g_strdup (id);
  parla_call_options_set_speaker (self->options, id);

  return TRUE;
}

/**
 * parla_media_preview_dup_device_id:
 * @self: a #ParlaMediaPreview
 * @kind: which device
 *
 * Returns: (transfer full) (nullable): the camera or microphone in use
 *   while running (%NULL for a test source, the portal, or the default
 *   when not running), or the chosen speaker (%NULL: the default)
 */
char *
parla_media_preview_dup_device_id (ParlaMediaPreview *self,
                                   ParlaDeviceKind    kind)
{
  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), NULL);

  if (kind == PARLA_DEVICE_KIND_SPEAKER)
    return g_strdup (self->speaker_id);

  if (self->local != NULL)
    return _parla_local_media_dup_device_id (self->local, kind);

  return g_strdup (kind == PARLA_DEVICE_KIND_CAMERA ? parla_call_options_get_camera (self->options)
                                                    : parla_call_options_get_microphone (self->options));
}

/* Two soft bell-like notes, a fourth apart: E5 then A5, each with a short
 * attack and an exponential decay, so nothing clicks. */
static GstBuffer *
make_test_sound (void)
{
  static const struct { double hz, start, length; } notes[] = {
    { 659.26, 0.00, 0.30 },
    { 880.00, 0.22, 0.45 },
  };
  const double attack = 0.008;
  gsize n_samples = (gsize) (0.70 * SOUND_RATE);
  g_autofree double *mix = g_new0 (double, n_samples);
  GstBuffer *buffer;
  GstMapInfo map;
  gint16 *out;

  for (guint n = 0; n < G_N_ELEMENTS (notes); n++)
    {
      gsize first = (gsize) (notes[n].start * SOUND_RATE);
      gsize count = (gsize) (notes[n].length * SOUND_RATE);

      for (gsize i = 0; i < count && first + i < n_samples; i++)
        {
          double t = (double) i / SOUND_RATE;
          double envelope = (t < attack ? t / attack : exp (-(t - attack) * 7.0)) *
                            MIN (1.0, (notes[n].length - t) / 0.02);

          mix[first + i] += 0.25 * envelope * sin (2 * G_PI * notes[n].hz * t);
        }
    }

  buffer = gst_buffer_new_allocate (NULL, n_samples * sizeof (gint16), NULL);
  gst_buffer_map (buffer, &map, GST_MAP_WRITE);
  out = (gint16 *) map.data;
  for (gsize i = 0; i < n_samples; i++)
    out[i] = (gint16) (CLAMP (mix[i], -1.0, 1.0) * G_MAXINT16);
  gst_buffer_unmap (buffer, &map);

  GST_BUFFER_PTS (buffer) = 0;
  GST_BUFFER_DURATION (buffer) = gst_util_uint64_scale (n_samples, GST_SECOND, SOUND_RATE);

  return buffer;
}

static gboolean
on_sound_bus_message_cb (GstBus     *bus,
                         GstMessage *message,
                         gpointer    user_data)
{
  ParlaMediaPreview *self = user_data;
  gboolean played;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_EOS:
      played = TRUE;
      break;

    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;

        gst_message_parse_error (message, &error, NULL);
        g_info ("Test sound: %s", error->message);
        played = FALSE;
      }
      break;

    default:
      return G_SOURCE_CONTINUE;
    }

  /* Removing the watch from its own callback: it is not called again. */
  self->sound_watch_id = 0;
  stop_sound (self);
  g_signal_emit (self, signals[TEST_SOUND_DONE], 0, played);

  return G_SOURCE_REMOVE;
}

/**
 * parla_media_preview_play_test_sound:
 * @self: a #ParlaMediaPreview
 * @error: return location for a #GError
 *
 * Plays a short two-note chime on the chosen speaker (the default one, or
 * the system's, when none is chosen); a sound still playing is cut off.
 * #ParlaMediaPreview::test-sound-done tells when it is over. Works whether
 * the preview runs or not.
 *
 * Returns: whether the sound started
 */
gboolean
parla_media_preview_play_test_sound (ParlaMediaPreview  *self,
                                     GError            **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstElement) pipeline = NULL;
  ParlaDeviceMonitor *monitor;
  ParlaDevice *device = NULL;
  GstElement *src, *convert, *resample, *sink = NULL;

  g_return_val_if_fail (PARLA_IS_MEDIA_PREVIEW (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  stop_sound (self);

  monitor = ensure_monitor (self);
  if (self->speaker_id != NULL)
    device = parla_device_monitor_get_device (monitor, PARLA_DEVICE_KIND_SPEAKER, self->speaker_id);
  if (device == NULL)
    device = parla_device_monitor_get_default (monitor, PARLA_DEVICE_KIND_SPEAKER);
  if (device != NULL)
    {
      g_autoptr(GError) local_error = NULL;

      sink = _parla_device_create_element (device, &local_error);
      if (sink == NULL)
        g_info ("Speaker %s: %s", parla_device_get_id (device), local_error->message);
    }
  if (sink == NULL)
    sink = gst_element_factory_make ("autoaudiosink", NULL);
  if (sink == NULL)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "No speaker to play on");
      return FALSE;
    }

  pipeline = gst_object_ref_sink (gst_pipeline_new ("parla-test-sound"));
  src = gst_element_factory_make ("appsrc", NULL);
  convert = gst_element_factory_make ("audioconvert", NULL);
  resample = gst_element_factory_make ("audioresample", NULL);
  gst_bin_add_many (GST_BIN (pipeline), src, convert, resample, sink, NULL);

  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "S16LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, SOUND_RATE,
                              "channels", G_TYPE_INT, 1,
                              NULL);
  g_object_set (src, "caps", caps, "format", GST_FORMAT_TIME, NULL);
  if (!gst_element_link_many (src, convert, resample, sink, NULL))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "Cannot link the speaker");
      return FALSE;
    }

  gst_app_src_push_buffer (GST_APP_SRC (src), make_test_sound ());
  gst_app_src_end_of_stream (GST_APP_SRC (src));

  bus = gst_pipeline_get_bus (GST_PIPELINE (pipeline));
  self->sound_watch_id = gst_bus_add_watch (bus, on_sound_bus_message_cb, self);
  self->sound = g_steal_pointer (&pipeline);

  if (gst_element_set_state (self->sound, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      stop_sound (self);
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "Cannot open the speaker");
      return FALSE;
    }

  return TRUE;
}
