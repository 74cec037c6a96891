/* parla-ringtone.c: the sound of an incoming call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gst/gst.h>

#include "parla-ringtone.h"

/* The ring is synthesised, so the app ships no recording: two tones
 * alternating every quarter of a second for one second, then two seconds
 * of silence, again and again. */
#define TICK_MS        250
#define TICKS_PER_RING 12
#define TICKS_SOUNDING 4
#define TONE_HIGH      880.0
#define TONE_LOW       660.0

/**
 * ParlaRingtone:
 *
 * Plays the ring of an incoming call through GStreamer
 * (`audiotestsrc ! volume ! autoaudiosink`) from parla_ringtone_start()
 * until parla_ringtone_stop(). `$PARLA_AUDIO_SINK` names another sink
 * description (the tests use `fakesink sync=true`). A machine without
 * sound rings silently: #ParlaRingtone:playing still says a ring is on.
 */
struct _ParlaRingtone
{
  GObject     parent_instance;

  /* owned */
  GstElement *pipeline;
  GstElement *source;
  GstElement *volume;
  guint       tick_id;
  guint       bus_watch_id;
  guint       tick;
};

G_DEFINE_FINAL_TYPE (ParlaRingtone, parla_ringtone, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PLAYING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static gboolean
on_tick_cb (gpointer user_data)
{
  ParlaRingtone *self = user_data;
  gboolean sounding = self->tick < TICKS_SOUNDING;

  if (self->volume != NULL)
    g_object_set (self->volume, "mute", !sounding, NULL);
  if (self->source != NULL && sounding)
    g_object_set (self->source, "freq", self->tick % 2 == 0 ? TONE_HIGH : TONE_LOW, NULL);
  self->tick = (self->tick + 1) % TICKS_PER_RING;

  return G_SOURCE_CONTINUE;
}

static gboolean
on_bus_message_cb (GstBus     *bus,
                   GstMessage *message,
                   gpointer    user_data)
{
  ParlaRingtone *self = user_data;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;

      gst_message_parse_error (message, &error, NULL);
      /* No sound device: the notification and the dialog still ring. */
      g_debug ("The ringtone cannot play: %s", error->message);
      if (self->pipeline != NULL)
        gst_element_set_state (self->pipeline, GST_STATE_NULL);
    }

  return G_SOURCE_CONTINUE;
}

static void
release_pipeline (ParlaRingtone *self)
{
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_NULL);
  g_clear_object (&self->source);
  g_clear_object (&self->volume);
  g_clear_object (&self->pipeline);
}

static gboolean
build_pipeline (ParlaRingtone  *self,
                GError        **error)
{
  const char *sink = g_getenv ("PARLA_AUDIO_SINK");
  g_autofree char *description = NULL;
  g_autoptr(GstBus) bus = NULL;
  GstElement *pipeline;

  if (!gst_is_initialized () && !gst_init_check (NULL, NULL, error))
    return FALSE;

  description = g_strdup_printf ("audiotestsrc name=tone wave=sine is-live=true volume=0.3 ! "
                                 "volume name=gate ! audioconvert ! audioresample ! %s",
                                 sink != NULL && *sink != '\0' ? sink : "autoaudiosink");
  pipeline = gst_parse_launch (description, error);
  if (pipeline == NULL)
    return FALSE;

  self->pipeline = gst_object_ref_sink (pipeline);
  self->source = gst_bin_get_by_name (GST_BIN (pipeline), "tone");
  self->volume = gst_bin_get_by_name (GST_BIN (pipeline), "gate");
  bus = gst_element_get_bus (pipeline);
  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message_cb, self);

  return TRUE;
}

static void
parla_ringtone_dispose (GObject *object)
{
  ParlaRingtone *self = PARLA_RINGTONE (object);

  release_pipeline (self);

  G_OBJECT_CLASS (parla_ringtone_parent_class)->dispose (object);
}

static void
parla_ringtone_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ParlaRingtone *self = PARLA_RINGTONE (object);

  switch (prop_id)
    {
    case PROP_PLAYING:
      g_value_set_boolean (value, parla_ringtone_get_playing (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_ringtone_class_init (ParlaRingtoneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_ringtone_dispose;
  object_class->get_property = parla_ringtone_get_property;

  /**
   * ParlaRingtone:playing:
   *
   * Whether it rings: from parla_ringtone_start() to parla_ringtone_stop().
   */
  properties[PROP_PLAYING] =
    g_param_spec_boolean ("playing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_ringtone_init (ParlaRingtone *self)
{
}

/**
 * parla_ringtone_new:
 *
 * Returns: (transfer full): a silent ringtone
 */
ParlaRingtone *
parla_ringtone_new (void)
{
  return g_object_new (PARLA_TYPE_RINGTONE, NULL);
}

/**
 * parla_ringtone_start:
 * @self: a #ParlaRingtone
 *
 * Starts ringing, in a loop; does nothing while it rings already.
 */
void
parla_ringtone_start (ParlaRingtone *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PARLA_IS_RINGTONE (self));

  if (self->tick_id != 0)
    return;

  if (!build_pipeline (self, &error))
    g_debug ("The ringtone cannot play: %s", error->message);

  self->tick = 0;
  on_tick_cb (self);
  self->tick_id = g_timeout_add (TICK_MS, on_tick_cb, self);
  if (self->pipeline != NULL)
    gst_element_set_state (self->pipeline, GST_STATE_PLAYING);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

/**
 * parla_ringtone_stop:
 * @self: a #ParlaRingtone
 *
 * Stops ringing and releases the sound device; does nothing when silent.
 */
void
parla_ringtone_stop (ParlaRingtone *self)
{
  g_return_if_fail (PARLA_IS_RINGTONE (self));

  if (self->tick_id == 0)
    return;

  release_pipeline (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PLAYING]);
}

/**
 * parla_ringtone_get_playing:
 * @self: a #ParlaRingtone
 *
 * Returns: whether it rings
 */
gboolean
parla_ringtone_get_playing (ParlaRingtone *self)
{
  g_return_val_if_fail (PARLA_IS_RINGTONE (self), FALSE);

  return self->tick_id != 0;
}
