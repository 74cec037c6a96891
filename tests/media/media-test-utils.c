/* media-test-utils.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "media-test-utils.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include <gst/video/video.h>

#define RING_SAMPLES (48000 / 4)

static char *missing_plugins;

guint
mt_scale (guint ms)
{
  static guint factor;

  if (factor == 0)
    {
      const char *env = g_getenv ("PARLA_TEST_SLOWDOWN");
      guint64 value = 1;

      if (env == NULL || !g_ascii_string_to_unsigned (env, 10, 1, 100, &value, NULL))
        value = 1;
      factor = value;
    }

  return ms * factor;
}

static void
skip_all (void)
{
  g_test_skip (missing_plugins);
}

static void
on_init_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  if (!parla_media_init_finish (result, error) && *error == NULL)
    g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN, "?");
  else if (*error == NULL)
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

/* Warnings and criticals are fatal in tests, except two from inside
 * GStreamer 1.22 that valgrind's slowness brings out, in code of theirs
 * that we cannot reach; both are harmless to a call:
 *
 * - rtpsession's RTCP thread iterates its sources while another thread
 *   adds one (a new stream starting): g_hash_table_foreach complains.
 * - webrtcbin gets the first packet of a new stream before it has bound
 *   the m-line to its transceiver (jitter_buffer_set_retransmission):
 *   that jitter buffer goes without NACK.
 *
 * (g_test_log_set_fatal_handler() is not consulted for GLib's own
 * criticals, so fatality is decided here, in the log writer.) */
static GLogWriterOutput
mt_log_writer (GLogLevelFlags   log_level,
               const GLogField *fields,
               gsize            n_fields,
               gpointer         user_data)
{
  GLogWriterOutput ret = g_log_writer_default (log_level, fields, n_fields, user_data);
  const char *message = NULL;

  for (gsize i = 0; i < n_fields; i++)
    if (g_strcmp0 (fields[i].key, "MESSAGE") == 0 && fields[i].length < 0)
      message = fields[i].value;

  if ((log_level & (G_LOG_LEVEL_WARNING | G_LOG_LEVEL_CRITICAL)) &&
      !(message != NULL &&
        (strstr (message, "g_hash_table_foreach: assertion 'version == hash_table->version'") ||
         strstr (message, "jitter_buffer_set_retransmission: code should not be reached"))))
    {
      g_printerr ("Bail out! fatal log message\n");
      abort ();
    }

  return ret;
}

gboolean
mt_init (int    *argc,
         char ***argv)
{
  g_autoptr(GError) error = NULL;

  g_test_init (argc, argv, NULL);
  g_log_set_always_fatal (G_LOG_FATAL_MASK);
  g_log_set_writer_func (mt_log_writer, NULL, NULL);
  gst_init (NULL, NULL);

  parla_media_init_async (NULL, on_init_done_cb, &error);
  while (error == NULL)
    g_main_context_iteration (NULL, TRUE);

  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    {
      missing_plugins = g_strdup (error->message);
      g_test_add_func ("/media/skipped", skip_all);
      return FALSE;
    }

  return TRUE;
}

static gboolean
wake_up_cb (gpointer user_data)
{
  return G_SOURCE_CONTINUE;
}

void
mt_iterate (void)
{
  GMainContext *context = g_main_context_get_thread_default ();
  GSource *timeout = g_timeout_source_new (20);

  g_source_set_callback (timeout, wake_up_cb, NULL, NULL);
  g_source_attach (timeout, context);
  g_main_context_iteration (context, TRUE);
  g_source_destroy (timeout);
  g_source_unref (timeout);
}

void
mt_spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    mt_iterate ();
}

ParlaCallOptions *
mt_options_new (double tone_hz)
{
  ParlaCallOptions *options = parla_call_options_new ();

  parla_call_options_set_video_source (options, PARLA_MEDIA_SOURCE_TEST);
  parla_call_options_set_audio_source (options, PARLA_MEDIA_SOURCE_TEST);
  parla_call_options_set_audio_output (options, PARLA_AUDIO_OUTPUT_SAMPLES);
  parla_call_options_set_video_size (options, 320, 240, 15);
  parla_call_options_set_video_bitrate (options, 300);
  parla_call_options_set_test_pattern (options, "smpte");
  parla_call_options_set_test_tone (options, tone_hz);
  parla_call_options_add_local_address (options, "127.0.0.1");
  parla_call_options_set_ice_tcp (options, FALSE);
  parla_call_options_set_peer_timeout (options, mt_scale (10000));
  /* Under valgrind (PARLA_TEST_SLOWDOWN) packets reach the jitter buffer
   * so late that with the 50 ms it plays by default it dropped all of
   * them, and no frame was ever decoded: give it a second there. */
  if (mt_scale (1) > 1)
    parla_call_options_set_latency (options, mt_scale (200));
  parla_call_options_set_screen_source (options, PARLA_MEDIA_SOURCE_TEST);
  parla_call_options_set_screen_size (options, 640, 360, 5);

  return options;
}

static void
mt_remote_free (MtRemote *remote)
{
  g_free (remote->user_id);
  g_clear_object (&remote->audio);
  g_clear_object (&remote->video);
  g_clear_object (&remote->screen);
  g_mutex_clear (&remote->audio_ring.lock);
  g_free (remote->audio_ring.ring);
  g_ptr_array_unref (remote->messages);
  g_free (remote);
}

MtRemote *
mt_party_get_remote (MtParty    *party,
                     const char *user_id)
{
  MtRemote *remote = g_hash_table_lookup (party->remotes, user_id);

  if (remote == NULL)
    {
      remote = g_new0 (MtRemote, 1);
      remote->user_id = g_strdup (user_id);
      remote->messages = g_ptr_array_new_with_free_func (g_free);
      g_mutex_init (&remote->audio_ring.lock);
      remote->audio_ring.size = RING_SAMPLES;
      remote->audio_ring.ring = g_new0 (gint16, RING_SAMPLES);
      g_hash_table_insert (party->remotes, g_strdup (user_id), remote);
    }

  return remote;
}

/* On a streaming thread. */
static void
on_audio_sample_cb (ParlaRemoteTrack *track,
                    GstSample        *sample,
                    MtAudio          *audio)
{
  GstBuffer *buffer = gst_sample_get_buffer (sample);
  GstMapInfo map;

  if (!gst_buffer_map (buffer, &map, GST_MAP_READ))
    return;

  g_mutex_lock (&audio->lock);
  for (gsize i = 0; i + 1 < map.size; i += 2)
    {
      gint16 value;

      memcpy (&value, map.data + i, 2);
      audio->ring[audio->pos] = value;
      audio->pos = (audio->pos + 1) % audio->size;
      audio->total++;
    }
  g_mutex_unlock (&audio->lock);

  gst_buffer_unmap (buffer, &map);
}

static void
on_track_added_cb (ParlaCall        *call,
                   const char       *user_id,
                   ParlaTrackKind    kind,
                   ParlaRemoteTrack *track,
                   MtParty          *party)
{
  MtRemote *remote = mt_party_get_remote (party, user_id);

  g_assert_cmpstr (parla_remote_track_get_user_id (track), ==, user_id);
  g_assert_cmpint (parla_remote_track_get_kind (track), ==, kind);

  switch (kind)
    {
    case PARLA_TRACK_AUDIO:
      g_set_object (&remote->audio, track);
      g_mutex_lock (&remote->audio_ring.lock);
      remote->audio_ring.total = 0;
      g_mutex_unlock (&remote->audio_ring.lock);
      g_signal_connect (track, "new-sample", G_CALLBACK (on_audio_sample_cb), &remote->audio_ring);
      break;

    case PARLA_TRACK_VIDEO:
      g_set_object (&remote->video, track);
      break;

    case PARLA_TRACK_SCREEN:
      g_set_object (&remote->screen, track);
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
on_track_removed_cb (ParlaCall        *call,
                     const char       *user_id,
                     ParlaTrackKind    kind,
                     ParlaRemoteTrack *track,
                     MtParty          *party)
{
  MtRemote *remote = mt_party_get_remote (party, user_id);

  remote->n_removed++;
  g_signal_handlers_disconnect_by_data (track, &remote->audio_ring);
  if (remote->audio == track)
    g_clear_object (&remote->audio);
  if (remote->video == track)
    g_clear_object (&remote->video);
  if (remote->screen == track)
    g_clear_object (&remote->screen);
}

static void
on_data_message_cb (ParlaCall  *call,
                    const char *user_id,
                    GBytes     *data,
                    gboolean    is_text,
                    MtParty    *party)
{
  MtRemote *remote = mt_party_get_remote (party, user_id);
  gsize size;
  const char *bytes = g_bytes_get_data (data, &size);

  g_ptr_array_add (remote->messages, g_strndup (bytes, size));
}

static void
on_state_cb (ParlaCall  *call,
             GParamSpec *pspec,
             MtParty    *party)
{
  g_ptr_array_add (party->states, GINT_TO_POINTER (parla_call_get_state (call)));
}

static void
on_participant_state_cb (ParlaCall      *call,
                         const char     *user_id,
                         ParlaCallState  state,
                         MtParty        *party)
{
  g_hash_table_insert (party->participant_states, g_strdup (user_id), GINT_TO_POINTER (state));
}

static void
on_stats_cb (ParlaCall      *call,
             const char     *user_id,
             ParlaCallStats *stats,
             MtParty        *party)
{
  g_ptr_array_add (party->stats, parla_call_stats_ref (stats));
}

static void
on_error_cb (ParlaCall    *call,
             const GError *error,
             MtParty      *party)
{
  g_clear_error (&party->error);
  party->error = g_error_copy (error);
}

MtParty *
mt_party_new (ParlaLoopbackRoom *room,
              const char        *user_id,
              ParlaCallOptions  *options)
{
  g_autoptr(GError) error = NULL;
  MtParty *party = g_new0 (MtParty, 1);

  party->user_id = g_strdup (user_id);
  party->remotes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) mt_remote_free);
  party->participant_states = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  party->states = g_ptr_array_new ();
  party->stats = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_call_stats_unref);
  party->signaling = parla_loopback_signaling_new (room, user_id, user_id);
  party->call = parla_call_new (user_id, PARLA_SIGNALING (party->signaling), NULL, options, &error);
  g_assert_no_error (error);

  g_signal_connect (party->call, "remote-track-added", G_CALLBACK (on_track_added_cb), party);
  g_signal_connect (party->call, "remote-track-removed", G_CALLBACK (on_track_removed_cb), party);
  g_signal_connect (party->call, "data-message", G_CALLBACK (on_data_message_cb), party);
  g_signal_connect (party->call, "notify::state", G_CALLBACK (on_state_cb), party);
  g_signal_connect (party->call, "participant-state", G_CALLBACK (on_participant_state_cb), party);
  g_signal_connect (party->call, "stats", G_CALLBACK (on_stats_cb), party);
  g_signal_connect (party->call, "error", G_CALLBACK (on_error_cb), party);

  return party;
}

void
mt_party_start (MtParty *party)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (parla_call_start (party->call, &error));
  g_assert_no_error (error);
}

void
mt_party_free (MtParty *party)
{
  if (party->call != NULL)
    {
      GHashTableIter iter;
      MtRemote *remote;

      parla_call_hang_up (party->call);
      g_hash_table_iter_init (&iter, party->remotes);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &remote))
        {
          if (remote->audio != NULL)
            g_signal_handlers_disconnect_by_data (remote->audio, &remote->audio_ring);
        }
      g_signal_handlers_disconnect_by_data (party->call, party);
      g_assert_finalize_object (party->call);
    }

  /* Let the peers' last idles run before the endpoint goes. */
  mt_spin (50);
  g_clear_object (&party->signaling);
  g_hash_table_unref (party->remotes);
  g_hash_table_unref (party->participant_states);
  g_ptr_array_unref (party->states);
  g_ptr_array_unref (party->stats);
  g_clear_error (&party->error);
  g_free (party->user_id);
  g_free (party);
}

ParlaCallState
mt_party_get_participant_state (MtParty    *party,
                                const char *user_id)
{
  gpointer state;

  if (!g_hash_table_lookup_extended (party->participant_states, user_id, NULL, &state))
    return PARLA_CALL_STATE_NEW;

  return GPOINTER_TO_INT (state);
}

gboolean
mt_party_has_media (MtParty    *party,
                    const char *from)
{
  MtRemote *remote = g_hash_table_lookup (party->remotes, from);

  return remote != NULL && remote->audio != NULL && remote->video != NULL &&
         parla_remote_track_get_n_samples (remote->audio) > 0 &&
         parla_remote_track_get_n_samples (remote->video) > 0;
}

gboolean
mt_party_saw_state (MtParty        *party,
                    ParlaCallState  state)
{
  for (guint i = 0; i < party->states->len; i++)
    if (GPOINTER_TO_INT (g_ptr_array_index (party->states, i)) == (int) state)
      return TRUE;

  return FALSE;
}

gboolean
mt_remote_sees_green_screen (MtRemote *remote)
{
  g_autoptr(GstSample) sample = NULL;

  if (remote == NULL || remote->screen == NULL)
    return FALSE;

  sample = parla_remote_track_dup_last_sample (remote->screen);

  return parla_media_probe_picture (sample) == PARLA_PICTURE_GREEN;
}

gboolean
mt_sample_is_smpte (GstSample *sample)
{
  return parla_media_probe_picture (sample) == PARLA_PICTURE_SMPTE;
}

gboolean
mt_sample_is_black (GstSample *sample)
{
  return parla_media_probe_picture (sample) == PARLA_PICTURE_BLACK;
}

gboolean
mt_audio_measure (MtAudio *audio,
                  double  *hz,
                  double  *rms)
{
  g_autofree gint16 *samples = NULL;

  g_mutex_lock (&audio->lock);
  if (audio->total < audio->size)
    {
      g_mutex_unlock (&audio->lock);
      return FALSE;
    }

  /* The ring, oldest first. */
  samples = g_new (gint16, audio->size);
  for (guint i = 0; i < audio->size; i++)
    samples[i] = audio->ring[(audio->pos + i) % audio->size];
  g_mutex_unlock (&audio->lock);

  return parla_media_probe_audio (samples, audio->size, 48000, hz, rms);
}

gboolean
mt_remote_hears_tone (MtRemote *remote,
                      double    hz)
{
  double measured, rms;

  if (remote == NULL || remote->audio == NULL ||
      !mt_audio_measure (&remote->audio_ring, &measured, &rms))
    return FALSE;

  /* A 0.3 sine is ~7000 RMS; the frequency within 5 %. */
  return rms > 2000 && fabs (measured - hz) < hz * 0.05;
}

gboolean
mt_remote_hears_silence (MtRemote *remote)
{
  double measured, rms;

  if (remote == NULL || remote->audio == NULL ||
      !mt_audio_measure (&remote->audio_ring, &measured, &rms))
    return FALSE;

  return rms < 100;
}

gboolean
mt_remote_sees_smpte (MtRemote *remote)
{
  g_autoptr(GstSample) sample = NULL;

  if (remote == NULL || remote->video == NULL)
    return FALSE;

  sample = parla_remote_track_dup_last_sample (remote->video);

  return mt_sample_is_smpte (sample);
}

gboolean
mt_remote_sees_black (MtRemote *remote)
{
  g_autoptr(GstSample) sample = NULL;

  if (remote == NULL || remote->video == NULL)
    return FALSE;

  sample = parla_remote_track_dup_last_sample (remote->video);

  return mt_sample_is_black (sample);
}

gboolean
mt_sample_is_colour (GstSample *sample,
                     int        r,
                     int        g,
                     int        b)
{
  return parla_media_probe_solid (sample, r, g, b, 40);
}

gboolean
mt_remote_sees_colour (MtRemote *remote,
                       int       r,
                       int       g,
                       int       b)
{
  g_autoptr(GstSample) sample = NULL;

  if (remote == NULL || remote->video == NULL)
    return FALSE;

  sample = parla_remote_track_dup_last_sample (remote->video);

  return mt_sample_is_colour (sample, r, g, b);
}

static gboolean
on_count_sdp_relay_cb (ParlaLoopbackRoom *room,
                       const char        *from,
                       const char        *to,
                       JsonNode          *payload,
                       guint             *count)
{
  if (JSON_NODE_HOLDS_OBJECT (payload) &&
      json_object_has_member (json_node_get_object (payload), "sdp"))
    (*count)++;

  return FALSE;
}

static void
free_count (gpointer  data,
            GClosure *closure)
{
  g_free (data);
}

guint *
mt_room_count_sdp (ParlaLoopbackRoom *room)
{
  guint *count = g_new0 (guint, 1);

  g_signal_connect_data (room, "relay", G_CALLBACK (on_count_sdp_relay_cb), count,
                         free_count, 0);

  return count;
}

GstElement *
mt_bin_find_factory (GstBin     *bin,
                     const char *factory)
{
  g_autoptr(GstIterator) iter = gst_bin_iterate_recurse (bin);
  GValue item = G_VALUE_INIT;
  GstElement *found = NULL;

  while (found == NULL && gst_iterator_next (iter, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      GstElementFactory *element_factory = gst_element_get_factory (element);

      if (element_factory != NULL &&
          g_str_equal (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (element_factory)), factory))
        found = element;
      g_value_reset (&item);
    }
  g_value_unset (&item);

  return found;
}

/* One second of colour bars (320x240, 30 fps) and a 660 Hz tone, as WebM
 * (VP8 + Opus) at @path: made by the tests, so the repository holds no
 * binary media. */
void
mt_make_clip (const char *path)
{
  g_autofree char *description = g_strdup_printf (
    "webmmux name=mux ! filesink location=\"%s\" "
    "videotestsrc num-buffers=30 pattern=smpte ! video/x-raw,width=320,height=240,framerate=30/1 "
    "! vp8enc deadline=1 ! queue ! mux. "
    "audiotestsrc num-buffers=50 freq=660 volume=0.3 samplesperbuffer=960 ! audio/x-raw,rate=48000,channels=1 "
    "! opusenc ! queue ! mux.", path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GstElement) pipeline = gst_parse_launch (description, &error);
  g_autoptr(GstBus) bus = NULL;
  g_autoptr(GstMessage) message = NULL;

  g_assert_no_error (error);
  gst_element_set_state (pipeline, GST_STATE_PLAYING);
  bus = gst_element_get_bus (pipeline);
  message = gst_bus_timed_pop_filtered (bus, 30 * GST_SECOND, GST_MESSAGE_EOS | GST_MESSAGE_ERROR);
  g_assert_nonnull (message);
  g_assert_cmpint (GST_MESSAGE_TYPE (message), ==, GST_MESSAGE_EOS);
  gst_element_set_state (pipeline, GST_STATE_NULL);
}
