/* parla-remote-track.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-remote-track-private.h"

#include <gst/app/gstappsink.h>

#include "parla-media-enums.h"

/* A remote track ends in an appsink: RGBA video frames (no framerate: WebRTC
 * video carries 0/1), or 48 kHz mono S16 audio when audio is not played.
 * Samples are handed out as they are, refcounted, so a GdkPaintable can wrap
 * a frame's memory in a GdkMemoryTexture without copying it. */

struct _ParlaRemoteTrack
{
  GObject         parent_instance;

  /* owned */
  char           *user_id;
  GstElement     *sink;         /* nullable: audio played on the device */
  GMutex          lock;
  GstSample      *last_sample;  /* lock */

  ParlaTrackKind  kind;
  guint64         n_samples;    /* atomic via lock */
  gint64          first_sample_time;
};

G_DEFINE_FINAL_TYPE (ParlaRemoteTrack, parla_remote_track, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_USER_ID,
  PROP_KIND,
  PROP_SINK,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  NEW_SAMPLE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static GstFlowReturn
on_appsink_new_sample_cb (GstAppSink *appsink,
                          gpointer    user_data)
{
  ParlaRemoteTrack *self = user_data;
  g_autoptr(GstSample) sample = NULL;

  sample = gst_app_sink_pull_sample (appsink);
  if (sample == NULL)
    return GST_FLOW_OK;

  g_mutex_lock (&self->lock);
  g_clear_pointer (&self->last_sample, gst_sample_unref);
  self->last_sample = gst_sample_ref (sample);
  if (self->n_samples++ == 0)
    self->first_sample_time = g_get_monotonic_time ();
  g_mutex_unlock (&self->lock);

  g_signal_emit (self, signals[NEW_SAMPLE], 0, sample);

  return GST_FLOW_OK;
}

static void
parla_remote_track_dispose (GObject *object)
{
  ParlaRemoteTrack *self = (ParlaRemoteTrack *)object;

  if (self->sink != NULL)
    {
      GstAppSinkCallbacks none = { NULL };

      gst_app_sink_set_callbacks (GST_APP_SINK (self->sink), &none, NULL, NULL);
      g_clear_object (&self->sink);
    }

  G_OBJECT_CLASS (parla_remote_track_parent_class)->dispose (object);
}

static void
parla_remote_track_finalize (GObject *object)
{
  ParlaRemoteTrack *self = (ParlaRemoteTrack *)object;

  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->last_sample, gst_sample_unref);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parla_remote_track_parent_class)->finalize (object);
}

static void
parla_remote_track_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ParlaRemoteTrack *self = PARLA_REMOTE_TRACK (object);

  switch (prop_id)
    {
    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_SINK:
      g_value_set_object (value, self->sink);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_remote_track_class_init (ParlaRemoteTrackClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_remote_track_dispose;
  object_class->finalize = parla_remote_track_finalize;
  object_class->get_property = parla_remote_track_get_property;

  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       PARLA_TYPE_TRACK_KIND,
                       PARLA_TRACK_AUDIO,
                       (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_SINK] =
    g_param_spec_object ("sink", NULL, NULL,
                         GST_TYPE_ELEMENT,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaRemoteTrack::new-sample:
   * @self: a #ParlaRemoteTrack
   * @sample: a decoded frame (RGBA) or audio buffer (S16, 48 kHz, mono)
   *
   * Emitted for every decoded sample, **on a GStreamer streaming thread**:
   * take a reference and hand it to the main context; do not block.
   */
  signals[NEW_SAMPLE] =
    g_signal_new ("new-sample",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  GST_TYPE_SAMPLE | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
parla_remote_track_init (ParlaRemoteTrack *self)
{
  g_mutex_init (&self->lock);
}

/*
 * _parla_remote_track_new:
 * @user_id: whose track it is
 * @kind: what it carries
 * @appsink: (nullable): the appsink it ends in
 */
ParlaRemoteTrack *
_parla_remote_track_new (const char     *user_id,
                         ParlaTrackKind  kind,
                         GstElement     *appsink)
{
  ParlaRemoteTrack *self;

  self = g_object_new (PARLA_TYPE_REMOTE_TRACK, NULL);
  self->user_id = g_strdup (user_id);
  self->kind = kind;

  if (appsink != NULL)
    {
      GstAppSinkCallbacks callbacks = { NULL };

      self->sink = gst_object_ref (appsink);
      callbacks.new_sample = on_appsink_new_sample_cb;
      gst_app_sink_set_callbacks (GST_APP_SINK (appsink), &callbacks, self, NULL);
    }

  return self;
}

/**
 * parla_remote_track_get_user_id:
 * @self: a #ParlaRemoteTrack
 *
 * Returns: the participant the track comes from
 */
const char *
parla_remote_track_get_user_id (ParlaRemoteTrack *self)
{
  g_return_val_if_fail (PARLA_IS_REMOTE_TRACK (self), NULL);

  return self->user_id;
}

/**
 * parla_remote_track_get_kind:
 * @self: a #ParlaRemoteTrack
 *
 * Returns: what the track carries
 */
ParlaTrackKind
parla_remote_track_get_kind (ParlaRemoteTrack *self)
{
  g_return_val_if_fail (PARLA_IS_REMOTE_TRACK (self), PARLA_TRACK_AUDIO);

  return self->kind;
}

/**
 * parla_remote_track_get_sink:
 * @self: a #ParlaRemoteTrack
 *
 * The appsink the track ends in, for a renderer that wants to set its
 * own properties. Use #ParlaRemoteTrack::new-sample rather than the
 * appsink's own signals.
 *
 * Returns: (transfer none) (nullable): the appsink, or %NULL for audio that
 *   plays on the output device
 */
GstElement *
parla_remote_track_get_sink (ParlaRemoteTrack *self)
{
  g_return_val_if_fail (PARLA_IS_REMOTE_TRACK (self), NULL);

  return self->sink;
}

/**
 * parla_remote_track_dup_last_sample:
 * @self: a #ParlaRemoteTrack
 *
 * Returns: (transfer full) (nullable): the newest decoded sample
 */
GstSample *
parla_remote_track_dup_last_sample (ParlaRemoteTrack *self)
{
  GstSample *sample = NULL;

  g_return_val_if_fail (PARLA_IS_REMOTE_TRACK (self), NULL);

  g_mutex_lock (&self->lock);
  if (self->last_sample != NULL)
    sample = gst_sample_ref (self->last_sample);
  g_mutex_unlock (&self->lock);

  return sample;
}

/**
 * parla_remote_track_get_n_samples:
 * @self: a #ParlaRemoteTrack
 *
 * Returns: how many samples were decoded so far
 */
guint64
parla_remote_track_get_n_samples (ParlaRemoteTrack *self)
{
  guint64 n;

  g_return_val_if_fail (PARLA_IS_REMOTE_TRACK (self), 0);

  g_mutex_lock (&self->lock);
  n = self->n_samples;
  g_mutex_unlock (&self->lock);

  return n;
}

/**
 * parla_remote_track_get_first_sample_time:
 * @self: a #ParlaRemoteTrack
 *
 * Returns: the g_get_monotonic_time() of the first decoded sample, or 0
 */
gint64
parla_remote_track_get_first_sample_time (ParlaRemoteTrack *self)
{
  gint64 time;

  g_return_val_if_fail (PARLA_IS_REMOTE_TRACK (self), 0);

  g_mutex_lock (&self->lock);
  time = self->first_sample_time;
  g_mutex_unlock (&self->lock);

  return time;
}
