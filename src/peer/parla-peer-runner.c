/* parla-peer-runner.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-peer-runner.h"

#include <string.h>

#include "parla-api-client.h"
#include "parla-error.h"
#include "parla-json.h"
#include "parla-media.h"
#include "parla-realtime-signaling.h"

/**
 * ParlaPeerRunner:
 *
 * One headless participant: signs in, joins a session's call through the
 * server (REST join, then the call room on the realtime hub), sends a test
 * pattern and tone, and reports what it receives as JSON lines: `stats`
 * every interval, `event`s as they happen, and a `summary` last.
 *
 * "Connected" in the summary means media flowed both ways: we decoded
 * video and audio from the others, and their receiver reports (RTCP) say
 * they receive ours.
 *
 * Instead of joining a session's call, it can take part in a call with a
 * tutor now: as a teacher (--answer) it sets itself available on the
 * realtime hub, waits for `call.ringing` and accepts, declines or lets it
 * ring; as a learner (--call) it requests one (POST /calls) and waits for
 * `call.accepted`. Either way, an accepted call is joined like a session's
 * call, the server is told once media flows both ways (the meter starts),
 * and the call is hung up when the peer is done.
 */

typedef enum
{
  PHASE_STARTING,
  PHASE_JOINING,
  PHASE_ROOM,
  PHASE_CALL,
  PHASE_DONE,
} Phase;

struct _ParlaPeerRunner
{
  GObject                 parent_instance;

  /* owned */
  ParlaPeerConfig         config;
  GOutputStream          *out;
  GCancellable           *cancellable;
  ParlaApiClient         *api;
  ParlaRealtime          *realtime;
  ParlaRealtimeSignaling *signaling;
  ParlaCall              *call;
  JsonNode               *ice_servers;
  char                   *room;
  char                   *error;
  char                   *instant_id;    /* the call with a tutor now */
  GPtrArray              *tracks;       /* ParlaRemoteTrack */
  GHashTable             *stats;        /* user id -> ParlaCallStats, the latest */
  GHashTable             *pings;        /* "n" -> sent time (µs) */
  guint                   tick_id;
  guint                   timeout_id;
  guint                   duration_id;

  Phase                   phase;
  gboolean                media_ready;
  gint64                  start_time;
  gint64                  room_time;     /* entered the call room */
  gint64                  connect_time;  /* media connected */
  gint64                  first_frame_time;
  gint64                  request_time;  /* --call: POST /calls sent */
  guint64                 video_frames;
  guint64                 audio_buffers;
  guint64                 screen_frames;
  guint                   reconnections;
  guint                   round_trips;
  guint                   next_ping;
  ParlaCallState          last_state;
  gboolean                both_ways;
  gboolean                relayed;
  gboolean                saw_pattern;
  gboolean                ever_connected;
  gboolean                instant_live;     /* accepted, not ended: hang up when done */
  gboolean                instant_joining;  /* accept or join sent: no more rings */
  gboolean                instant_started;  /* --answer: presence set; --call: call requested */
  int                     exit_status;
};

G_DEFINE_FINAL_TYPE (ParlaPeerRunner, parla_peer_runner, G_TYPE_OBJECT)

enum {
  FINISHED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void     finish         (ParlaPeerRunner *self,
                                const char      *error);
static gboolean on_duration_cb (gpointer         user_data);
static void     report_media   (ParlaPeerRunner *self);

/* Configuration */

void
parla_peer_config_clear (ParlaPeerConfig *config)
{
  g_clear_pointer (&config->server, g_free);
  g_clear_pointer (&config->email, g_free);
  g_clear_pointer (&config->password, g_free);
  g_clear_pointer (&config->token, g_free);
  g_clear_pointer (&config->join, g_free);
  g_clear_pointer (&config->answer, g_free);
  g_clear_pointer (&config->call, g_free);
  g_clear_pointer (&config->source, g_free);
  g_clear_pointer (&config->pattern, g_free);
  g_clear_pointer (&config->local_addresses, g_strfreev);
}

/**
 * parla_peer_config_check:
 * @config: what the command line said
 * @error: why it cannot run
 *
 * Fills in the defaults and refuses what cannot work.
 *
 * Returns: %TRUE when @config can run
 */
gboolean
parla_peer_config_check (ParlaPeerConfig  *config,
                         GError          **error)
{
  g_autoptr(GUri) uri = NULL;

  if (config->server == NULL)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE, "--server is required");
      return FALSE;
    }
  uri = g_uri_parse (config->server, G_URI_FLAGS_NONE, NULL);
  if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                      g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--server must be an http:// or https:// URL, not “%s”", config->server);
      return FALSE;
    }
  if (config->token == NULL && (config->email == NULL || config->password == NULL))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "Give --email and --password, or --token");
      return FALSE;
    }
  if ((config->join != NULL) + (config->answer != NULL) + (config->call != NULL) != 1)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "Say what to do, one of: --join SESSION_ID, --answer accept|decline|ignore "
                           "or --call LANGUAGE");
      return FALSE;
    }
  if (config->answer != NULL && !g_str_equal (config->answer, "accept") &&
      !g_str_equal (config->answer, "decline") && !g_str_equal (config->answer, "ignore"))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--answer takes accept, decline or ignore, not “%s”", config->answer);
      return FALSE;
    }
  if (config->call != NULL && (config->call[0] == '\0' || strlen (config->call) > 64))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--call takes a language, such as en");
      return FALSE;
    }
  if (config->source == NULL)
    config->source = g_strdup ("test");
  if (g_strcmp0 (config->source, "test") != 0 && !g_file_test (config->source, G_FILE_TEST_IS_REGULAR))
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "--source “%s”: give “test” or a media file", config->source);
      return FALSE;
    }
  if (config->pattern == NULL)
    config->pattern = g_strdup ("smpte");
  if (config->timeout_s == -1)
    config->timeout_s = 30;
  if (config->duration_s < 0 || config->duration_s > 86400 ||
      config->timeout_s < 0 || config->timeout_s > 86400 ||
      config->bitrate_kbps < 0 || config->bitrate_kbps > 50000)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--duration and --timeout must be 0 to 86400 s, --bitrate 0 to 50000 kbit/s");
      return FALSE;
    }
  if (config->width == 0 && config->height == 0)
    {
      config->width = 640;
      config->height = 480;
    }
  if (config->fps == 0)
    config->fps = 30;
  if (config->width < 16 || config->height < 16 || config->width > 3840 || config->height > 2160 ||
      config->fps < 1 || config->fps > 60)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--size must be between 16x16 and 3840x2160, --fps between 1 and 60");
      return FALSE;
    }
  if (config->share_width != 0 &&
      (config->share_width < 16 || config->share_height < 16 || config->share_width > 3840 ||
       config->share_height > 2160 || config->share_fps < 1 || config->share_fps > 30))
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--share must be WxH@FPS, up to 3840x2160@30");
      return FALSE;
    }
  if (config->stats_interval_ms == 0)
    config->stats_interval_ms = 1000;
  if (config->stats_interval_ms < 100 || config->stats_interval_ms > 60000)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--stats-interval must be between 100 and 60000 ms");
      return FALSE;
    }
  if (config->tone_hz == 0)
    config->tone_hz = 440;
  if (config->give_up_s < 0 || config->give_up_s > 3600)
    {
      g_set_error_literal (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                           "--give-up must be between 1 and 3600 s");
      return FALSE;
    }

  return TRUE;
}

/* Output */

static void
print_node (ParlaPeerRunner *self,
            JsonNode        *node)
{
  g_autofree char *text = json_to_string (node, FALSE);
  g_autofree char *line = g_strconcat (text, "\n", NULL);

  /* Blocking, but a line is small and whoever reads us reads lines. */
  g_output_stream_write_all (self->out, line, strlen (line), NULL, NULL, NULL);
  g_output_stream_flush (self->out, NULL, NULL);
}

static gint64
ms_since (gint64 start)
{
  return start > 0 ? (g_get_monotonic_time () - start) / 1000 : 0;
}

static const char *
state_name (ParlaCallState state)
{
  switch (state)
    {
    case PARLA_CALL_STATE_NEW:          return "new";
    case PARLA_CALL_STATE_CONNECTING:   return "connecting";
    case PARLA_CALL_STATE_CONNECTED:    return "connected";
    case PARLA_CALL_STATE_RECONNECTING: return "reconnecting";
    case PARLA_CALL_STATE_ENDED:        return "ended";
    case PARLA_CALL_STATE_FAILED:
    default:                            return "failed";
    }
}

/* `{"type":"event","event":@event, ...@member/@value pairs (strings)}` */
static void
print_event (ParlaPeerRunner *self,
             const char      *event,
             ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  const char *name;
  va_list args;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "event");
  parla_json_add_string (builder, "event", event);
  json_builder_set_member_name (builder, "elapsed_ms");
  json_builder_add_int_value (builder, ms_since (self->start_time));

  va_start (args, event);
  while ((name = va_arg (args, const char *)) != NULL)
    parla_json_add_string (builder, name, va_arg (args, const char *));
  va_end (args);

  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  print_node (self, node);
}

/* Media counters, from the remote tracks. */
static void
count_media (ParlaPeerRunner *self,
             ParlaPicture    *out_picture,
             ParlaPicture    *out_screen,
             double          *out_rms,
             double          *out_hz)
{
  guint64 video = 0, audio = 0, screen = 0;

  *out_picture = *out_screen = PARLA_PICTURE_UNKNOWN;
  *out_rms = *out_hz = -1;

  for (guint i = 0; i < self->tracks->len; i++)
    {
      ParlaRemoteTrack *track = g_ptr_array_index (self->tracks, i);
      guint64 n = parla_remote_track_get_n_samples (track);
      g_autoptr(GstSample) last = n > 0 ? parla_remote_track_dup_last_sample (track) : NULL;
      gint64 first = parla_remote_track_get_first_sample_time (track);

      switch (parla_remote_track_get_kind (track))
        {
        case PARLA_TRACK_VIDEO:
          video += n;
          if (n > 0 && (self->first_frame_time == 0 || first < self->first_frame_time))
            self->first_frame_time = first;
          if (last != NULL)
            *out_picture = parla_media_probe_picture (last);
          if (*out_picture == PARLA_PICTURE_SMPTE)
            self->saw_pattern = TRUE;
          break;
        case PARLA_TRACK_SCREEN:
          screen += n;
          if (last != NULL)
            *out_screen = parla_media_probe_picture (last);
          break;
        case PARLA_TRACK_AUDIO:
        default:
          audio += n;
          if (last != NULL)
            parla_media_probe_audio_sample (last, out_hz, out_rms);
          break;
        }
    }

  /* Tracks go when their participant does: counts never go backwards. */
  self->video_frames = MAX (self->video_frames, video);
  self->audio_buffers = MAX (self->audio_buffers, audio);
  self->screen_frames = MAX (self->screen_frames, screen);
}

static void
check_both_ways (ParlaPeerRunner *self)
{
  GHashTableIter iter;
  ParlaCallStats *stats;
  gboolean heard_back = FALSE;

  g_hash_table_iter_init (&iter, self->stats);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &stats))
    {
      /* A round-trip time comes from their receiver reports: they get our
       * packets. */
      if (parla_call_stats_get_rtt (stats) >= 0)
        heard_back = TRUE;
      if (parla_call_stats_get_relayed (stats))
        self->relayed = TRUE;
    }

  if (!self->both_ways && heard_back && self->video_frames > 0 && self->audio_buffers > 0)
    {
      self->both_ways = TRUE;
      print_event (self, "media-flowing", NULL);
      report_media (self);

      /* --duration counts from here: media connected both ways. */
      self->connect_time = g_get_monotonic_time ();
      if (self->config.duration_s > 0 && self->phase != PHASE_DONE)
        self->duration_id = g_timeout_add ((guint) self->config.duration_s * 1000, on_duration_cb, self);
    }
}

static gboolean
on_tick_cb (gpointer user_data)
{
  ParlaPeerRunner *self = user_data;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  ParlaPicture picture, screen;
  GHashTableIter iter;
  const char *user_id;
  ParlaCallStats *stats;
  double rms, hz;

  count_media (self, &picture, &screen, &rms, &hz);
  check_both_ways (self);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "stats");
  json_builder_set_member_name (builder, "elapsed_ms");
  json_builder_add_int_value (builder, ms_since (self->start_time));
  parla_json_add_string (builder, "state",
                         self->call != NULL ? state_name (parla_call_get_state (self->call)) : "connecting");
  json_builder_set_member_name (builder, "video_frames_received");
  json_builder_add_int_value (builder, (gint64) self->video_frames);
  json_builder_set_member_name (builder, "audio_buffers_received");
  json_builder_add_int_value (builder, (gint64) self->audio_buffers);
  json_builder_set_member_name (builder, "screen_frames_received");
  json_builder_add_int_value (builder, (gint64) self->screen_frames);
  parla_json_add_string (builder, "picture", parla_picture_to_string (picture));
  parla_json_add_string (builder, "screen_picture", parla_picture_to_string (screen));
  json_builder_set_member_name (builder, "audio_rms");
  json_builder_add_double_value (builder, rms);
  json_builder_set_member_name (builder, "audio_hz");
  json_builder_add_double_value (builder, hz);
  json_builder_set_member_name (builder, "reconnections");
  json_builder_add_int_value (builder, self->reconnections);
  json_builder_set_member_name (builder, "media_flowing");
  json_builder_add_boolean_value (builder, self->both_ways);

  json_builder_set_member_name (builder, "peers");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, self->stats);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user_id, (gpointer *) &stats))
    {
      JsonNode *peer = parla_call_stats_to_json (stats);

      json_object_set_string_member (json_node_get_object (peer), "user_id", user_id);
      if (self->call != NULL)
        json_object_set_string_member (json_node_get_object (peer), "state",
                                       state_name (parla_call_get_participant_state (self->call, user_id)));
      json_builder_add_value (builder, peer);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  print_node (self, node);

  return G_SOURCE_CONTINUE;
}

static void
print_summary (ParlaPeerRunner *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  ParlaPicture picture, screen;
  double rms, hz;

  count_media (self, &picture, &screen, &rms, &hz);
  check_both_ways (self);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "summary");
  json_builder_set_member_name (builder, "connected");
  json_builder_add_boolean_value (builder, self->both_ways);
  json_builder_set_member_name (builder, "first_frame_ms");
  if (self->first_frame_time > 0 && self->room_time > 0)
    json_builder_add_int_value (builder, MAX (self->first_frame_time - self->room_time, 0) / 1000);
  else
    json_builder_add_null_value (builder);
  /* --call: from asking for a tutor to the first remote frame. */
  json_builder_set_member_name (builder, "call_to_first_frame_ms");
  if (self->first_frame_time > 0 && self->request_time > 0)
    json_builder_add_int_value (builder, MAX (self->first_frame_time - self->request_time, 0) / 1000);
  else
    json_builder_add_null_value (builder);
  json_builder_set_member_name (builder, "video_frames_received");
  json_builder_add_int_value (builder, (gint64) self->video_frames);
  json_builder_set_member_name (builder, "audio_buffers_received");
  json_builder_add_int_value (builder, (gint64) self->audio_buffers);
  json_builder_set_member_name (builder, "screen_frames_received");
  json_builder_add_int_value (builder, (gint64) self->screen_frames);
  json_builder_set_member_name (builder, "relayed");
  json_builder_add_boolean_value (builder, self->relayed);
  json_builder_set_member_name (builder, "pattern_ok");
  json_builder_add_boolean_value (builder, self->saw_pattern);
  json_builder_set_member_name (builder, "reconnections");
  json_builder_add_int_value (builder, self->reconnections);
  json_builder_set_member_name (builder, "data_round_trips");
  json_builder_add_int_value (builder, self->round_trips);
  json_builder_set_member_name (builder, "duration_ms");
  json_builder_add_int_value (builder, ms_since (self->connect_time));
  json_builder_set_member_name (builder, "error");
  if (self->error != NULL)
    json_builder_add_string_value (builder, self->error);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  print_node (self, node);
}

/* The end */

/* Hung up or not (the other side may have already), we are done. */
static void
on_hung_up_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ParlaPeerRunner) self = user_data;
  g_autoptr(JsonNode) answer = NULL;

  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, NULL);
  g_signal_emit (self, signals[FINISHED], 0);
}

static void
finish (ParlaPeerRunner *self,
        const char      *error)
{
  if (self->phase == PHASE_DONE)
    return;

  self->phase = PHASE_DONE;
  if (error != NULL && self->error == NULL)
    self->error = g_strdup (error);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->duration_id, g_source_remove);

  print_summary (self);
  self->exit_status = self->both_ways ? 0 : 1;

  if (self->call != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      parla_call_hang_up (self->call);
    }
  if (self->signaling != NULL)
    parla_realtime_signaling_leave (self->signaling);

  /* The server stops the meter when told, not when it notices we left. */
  if (self->instant_live)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/hangup", self->instant_id);

      self->instant_live = FALSE;
      parla_api_client_send_async (self->api, "POST", path, NULL, NULL, NULL,
                                   on_hung_up_cb, g_object_ref (self));
      return;
    }

  g_signal_emit (self, signals[FINISHED], 0);
}

static gboolean
on_timeout_cb (gpointer user_data)
{
  ParlaPeerRunner *self = user_data;

  self->timeout_id = 0;
  if (!self->both_ways)
    {
      g_autofree char *message =
        g_strdup_printf ("Media did not flow both ways within %d s", self->config.timeout_s);

      finish (self, message);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
on_duration_cb (gpointer user_data)
{
  ParlaPeerRunner *self = user_data;

  self->duration_id = 0;
  finish (self, NULL);

  return G_SOURCE_REMOVE;
}

/* The call */

static void
on_remote_track_added_cb (ParlaCall        *call,
                          const char       *user_id,
                          ParlaTrackKind    kind,
                          ParlaRemoteTrack *track,
                          ParlaPeerRunner  *self)
{
  static const char * const kinds[] = { "audio", "video", "screen" };

  g_ptr_array_add (self->tracks, g_object_ref (track));
  print_event (self, "track-added", "user_id", user_id, "kind", kinds[kind], NULL);
}

static void
on_remote_track_removed_cb (ParlaCall        *call,
                            const char       *user_id,
                            ParlaTrackKind    kind,
                            ParlaRemoteTrack *track,
                            ParlaPeerRunner  *self)
{
  static const char * const kinds[] = { "audio", "video", "screen" };
  ParlaPicture picture, screen;
  double rms, hz;

  /* Count what it brought before it goes. */
  count_media (self, &picture, &screen, &rms, &hz);
  g_ptr_array_remove (self->tracks, track);
  print_event (self, "track-removed", "user_id", user_id, "kind", kinds[kind], NULL);
}

static void
on_participant_state_cb (ParlaCall       *call,
                         const char      *user_id,
                         ParlaCallState   state,
                         ParlaPeerRunner *self)
{
  print_event (self, "participant", "user_id", user_id, "state", state_name (state), NULL);
  if (state == PARLA_CALL_STATE_ENDED || state == PARLA_CALL_STATE_FAILED)
    g_hash_table_remove (self->stats, user_id);
}

static void
on_stats_cb (ParlaCall       *call,
             const char      *user_id,
             ParlaCallStats  *stats,
             ParlaPeerRunner *self)
{
  ParlaPicture picture, screen;
  double rms, hz;

  g_hash_table_insert (self->stats, g_strdup (user_id), parla_call_stats_ref (stats));

  /* The receiver reports that prove media flows both ways come with the
   * stats: no need to wait for the next tick. */
  if (!self->both_ways)
    {
      count_media (self, &picture, &screen, &rms, &hz);
      check_both_ways (self);
    }
}

static void
send_text_to_all (ParlaPeerRunner *self,
                  const char      *text)
{
  g_auto(GStrv) participants = parla_call_dup_participants (self->call);

  for (guint i = 0; participants != NULL && participants[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;

      if (!parla_call_send_text (self->call, participants[i], text, &error))
        print_event (self, "data-error", "user_id", participants[i], "message", error->message, NULL);
    }
}

static void
on_data_message_cb (ParlaCall       *call,
                    const char      *user_id,
                    GBytes          *data,
                    gboolean         is_text,
                    ParlaPeerRunner *self)
{
  gsize size;
  const char *bytes = g_bytes_get_data (data, &size);
  g_autofree char *text = NULL;

  /* Untrusted: only printed as valid UTF-8, at most 4 KiB of it. */
  if (!is_text || size > 4096 || !g_utf8_validate_len (bytes, size, NULL))
    {
      g_autofree char *length = g_strdup_printf ("%" G_GSIZE_FORMAT, size);

      print_event (self, "data", "user_id", user_id, "bytes", length, NULL);
      return;
    }
  text = g_strndup (bytes, size);

  if (g_str_has_prefix (text, "ping "))
    {
      g_autofree char *pong = g_strconcat ("pong ", text + 5, NULL);
      g_autoptr(GError) error = NULL;

      if (!parla_call_send_text (self->call, user_id, pong, &error))
        print_event (self, "data-error", "user_id", user_id, "message", error->message, NULL);
      return;
    }

  if (g_str_has_prefix (text, "pong "))
    {
      gpointer sent;

      if (g_hash_table_lookup_extended (self->pings, text + 5, NULL, &sent))
        {
          g_autofree char *rtt = g_strdup_printf ("%.2f",
                                                  (g_get_monotonic_time () - GPOINTER_TO_SIZE (sent)) / 1000.0);

          self->round_trips++;
          print_event (self, "pong", "user_id", user_id, "rtt_ms", rtt, NULL);
        }
      return;
    }

  print_event (self, "data", "user_id", user_id, "text", text, NULL);
}

static void
on_call_error_cb (ParlaCall       *call,
                  const GError    *error,
                  ParlaPeerRunner *self)
{
  print_event (self, "error", "message", error->message, NULL);
  if (self->error == NULL)
    self->error = g_strdup (error->message);
}

static void
start_share (ParlaPeerRunner *self)
{
  g_autoptr(GError) error = NULL;

  if (!parla_call_start_screen_share (self->call, &error))
    print_event (self, "share-error", "message", error->message, NULL);
  else
    print_event (self, "share-started", NULL);
}

static void
on_call_state_cb (ParlaCall       *call,
                  GParamSpec      *pspec,
                  ParlaPeerRunner *self)
{
  ParlaCallState state = parla_call_get_state (call);

  if (state == self->last_state)
    return;

  if (state == PARLA_CALL_STATE_RECONNECTING && self->last_state == PARLA_CALL_STATE_CONNECTED)
    self->reconnections++;
  self->last_state = state;
  print_event (self, state_name (state), NULL);

  switch (state)
    {
    case PARLA_CALL_STATE_CONNECTED:
      if (self->ever_connected)
        break;
      self->ever_connected = TRUE;
      if (self->config.share_width > 0)
        start_share (self);
      break;

    case PARLA_CALL_STATE_ENDED:
      /* The others hung up: a normal end, unless it came before media did. */
      finish (self, self->both_ways ? NULL : "The others hung up before media flowed both ways");
      break;

    case PARLA_CALL_STATE_FAILED:
      {
        const GError *error = parla_call_get_error (call);

        finish (self, error != NULL ? error->message : "The call failed");
      }
      break;

    case PARLA_CALL_STATE_NEW:
    case PARLA_CALL_STATE_CONNECTING:
    case PARLA_CALL_STATE_RECONNECTING:
    default:
      break;
    }
}

static ParlaCallOptions *
make_options (ParlaPeerRunner *self)
{
  ParlaCallOptions *options = parla_call_options_new ();

  parla_call_options_set_video_source (options, PARLA_MEDIA_SOURCE_TEST);
  parla_call_options_set_audio_source (options, PARLA_MEDIA_SOURCE_TEST);
  parla_call_options_set_audio_output (options, PARLA_AUDIO_OUTPUT_SAMPLES);
  parla_call_options_set_test_pattern (options, self->config.pattern);
  parla_call_options_set_test_tone (options, self->config.tone_hz);
  if (g_strcmp0 (self->config.source, "test") != 0)
    parla_call_options_set_media_file (options, self->config.source);
  parla_call_options_set_video_size (options, self->config.width, self->config.height, self->config.fps);
  if (self->config.bitrate_kbps > 0)
    parla_call_options_set_video_bitrate (options, self->config.bitrate_kbps);
  parla_call_options_set_relay_only (options, self->config.relay_only);
  parla_call_options_set_ice_tcp (options, self->config.ice_tcp);
  parla_call_options_set_prefer_h264 (options, self->config.prefer_h264);
  parla_call_options_set_stats_interval (options, self->config.stats_interval_ms);
  if (self->config.give_up_s > 0)
    {
      parla_call_options_set_peer_timeout (options, (guint) self->config.give_up_s * 1000);
      parla_call_options_set_alone_timeout (options, (guint) self->config.give_up_s * 1000);
    }
  parla_call_options_set_screen_source (options, PARLA_MEDIA_SOURCE_TEST);
  if (self->config.share_width > 0)
    parla_call_options_set_screen_size (options, self->config.share_width,
                                        self->config.share_height, self->config.share_fps);
  for (guint i = 0; self->config.local_addresses != NULL && self->config.local_addresses[i] != NULL; i++)
    parla_call_options_add_local_address (options, self->config.local_addresses[i]);

  return options;
}

/* Both the room and the media are ready: the call starts, offering to
 * whoever was there first. */
static void
maybe_start_call (ParlaPeerRunner *self)
{
  g_autoptr(ParlaCallOptions) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;

  if (self->phase != PHASE_ROOM || self->signaling == NULL ||
      !parla_realtime_signaling_get_ready (self->signaling))
    return;

  user_id = parla_realtime_dup_user_id (self->realtime);
  options = make_options (self);
  self->call = parla_call_new (user_id, PARLA_SIGNALING (self->signaling), self->ice_servers,
                               options, &error);
  if (self->call == NULL)
    {
      finish (self, error->message);
      return;
    }

  g_signal_connect (self->call, "remote-track-added", G_CALLBACK (on_remote_track_added_cb), self);
  g_signal_connect (self->call, "remote-track-removed", G_CALLBACK (on_remote_track_removed_cb), self);
  g_signal_connect (self->call, "participant-state", G_CALLBACK (on_participant_state_cb), self);
  g_signal_connect (self->call, "stats", G_CALLBACK (on_stats_cb), self);
  g_signal_connect (self->call, "data-message", G_CALLBACK (on_data_message_cb), self);
  g_signal_connect (self->call, "error", G_CALLBACK (on_call_error_cb), self);
  g_signal_connect (self->call, "notify::state", G_CALLBACK (on_call_state_cb), self);

  self->phase = PHASE_CALL;
  if (!parla_call_start (self->call, &error))
    finish (self, error->message);
}

static void
on_signaling_ready_cb (ParlaRealtimeSignaling *signaling,
                       ParlaPeerRunner        *self)
{
  g_auto(GStrv) members = parla_signaling_dup_members (PARLA_SIGNALING (signaling));
  g_autofree char *n = g_strdup_printf ("%u", members != NULL ? g_strv_length (members) : 0);

  self->room_time = g_get_monotonic_time ();
  print_event (self, "joined", "room", self->room, "others", n, NULL);
  maybe_start_call (self);
}

static void
on_signaling_failed_cb (ParlaRealtimeSignaling *signaling,
                        const GError           *error,
                        ParlaPeerRunner        *self)
{
  finish (self, error->message);
}

static void
on_member_joined_cb (ParlaSignaling  *signaling,
                     const char      *user_id,
                     const char      *display_name,
                     ParlaPeerRunner *self)
{
  print_event (self, "member-joined", "user_id", user_id, "display_name", display_name, NULL);
}

static void
on_member_left_cb (ParlaSignaling  *signaling,
                   const char      *user_id,
                   ParlaPeerRunner *self)
{
  g_auto(GStrv) others = NULL;

  print_event (self, "member-left", "user_id", user_id, NULL);

  /* Without a --duration the peer stays until the others leave: one who
   * vanished without a goodbye has left the room too. */
  if (self->config.duration_s == 0 && self->ever_connected && self->call != NULL)
    {
      others = parla_call_dup_participants (self->call);
      if (others == NULL || others[0] == NULL)
        finish (self, NULL);
    }
}

static void
on_realtime_state_cb (ParlaRealtime   *realtime,
                      GParamSpec      *pspec,
                      ParlaPeerRunner *self)
{
  static const char * const names[] = {
    "disconnected", "connecting", "connected", "reconnecting", "unauthorized",
  };
  ParlaRealtimeState state = parla_realtime_get_state (realtime);

  if (state < G_N_ELEMENTS (names))
    print_event (self, "realtime", "state", names[state], NULL);
}

static void
maybe_enter_room (ParlaPeerRunner *self)
{
  if (self->phase != PHASE_ROOM || !self->media_ready || self->signaling != NULL)
    return;

  self->signaling = parla_realtime_signaling_new (self->realtime, self->room);
  g_signal_connect (self->signaling, "ready", G_CALLBACK (on_signaling_ready_cb), self);
  g_signal_connect (self->signaling, "failed", G_CALLBACK (on_signaling_failed_cb), self);
  g_signal_connect (self->signaling, "member-joined", G_CALLBACK (on_member_joined_cb), self);
  /* After the call's own handler: it has let the member go by then. */
  g_signal_connect_after (self->signaling, "member-left", G_CALLBACK (on_member_left_cb), self);
}

static void start_realtime (ParlaPeerRunner *self);

/* @answer is what joining a call answered: {call_id, room, participants,
 * ice_servers}. */
static void
enter_call (ParlaPeerRunner *self,
            JsonNode        *answer)
{
  JsonObject *object;
  const char *room;

  object = JSON_NODE_HOLDS_OBJECT (answer) ? json_node_get_object (answer) : NULL;
  room = object != NULL ? json_object_get_string_member_with_default (object, "room", NULL) : NULL;
  if (room == NULL || !g_str_has_prefix (room, "call:"))
    {
      finish (self, "The server's join answer has no call room");
      return;
    }

  self->room = g_strdup (room);
  if (json_object_has_member (object, "ice_servers"))
    self->ice_servers = json_node_copy (json_object_get_member (object, "ice_servers"));

  /* The connection opens now (an instant call has it already); the room
   * is entered once the media is ready, so that the call exists before the
   * first offer can arrive. */
  start_realtime (self);

  /* For an instant call, --timeout counts from here: ringing may take a
   * while. */
  if (self->instant_id != NULL && self->config.timeout_s > 0 && self->timeout_id == 0)
    self->timeout_id = g_timeout_add_seconds (self->config.timeout_s, on_timeout_cb, self);

  self->phase = PHASE_ROOM;
  maybe_enter_room (self);
}

static void
on_joined_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ParlaPeerRunner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autofree char *message = NULL;

  answer = parla_api_client_join_session_finish (PARLA_API_CLIENT (source), result, &error);
  if (self->phase == PHASE_DONE)
    return;
  if (answer == NULL)
    {
      message = g_strdup_printf ("Cannot join session %s: %s", self->config.join, error->message);
      finish (self, message);
      return;
    }

  enter_call (self, answer);
}

/* Calls with a tutor now */

static const char *
member_string (JsonNode   *message,
               const char *name)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (message) ? json_node_get_object (message) : NULL;

  return object != NULL ? json_object_get_string_member_with_default (object, name, NULL) : NULL;
}

static char *
member_text (JsonNode   *message,
             const char *name)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (message) ? json_node_get_object (message) : NULL;
  JsonNode *member = object != NULL ? json_object_get_member (object, name) : NULL;

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return NULL;
  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_INT64)
    return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (member));
  if (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (member));

  return NULL;
}

/* The `display_name` of the person at @name ({id, display_name}). */
static const char *
person_name (JsonNode   *message,
             const char *name)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (message) ? json_node_get_object (message) : NULL;
  JsonNode *person = object != NULL ? json_object_get_member (object, name) : NULL;

  if (person == NULL || !JSON_NODE_HOLDS_OBJECT (person))
    return NULL;
  return json_object_get_string_member_with_default (json_node_get_object (person), "display_name", NULL);
}

static char *
call_path (ParlaPeerRunner *self,
           const char      *call_id,
           const char      *verb)
{
  return g_strconcat ("/api/v1/calls/", call_id, "/", verb, NULL);
}

/* A step the server answers with the call, which we do not need; only a
 * failure is worth a line. */
static void
on_call_step_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ParlaPeerRunner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
  if (answer == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && self->phase != PHASE_DONE)
    print_event (self, "call-error", "message", error->message, NULL);
}

/* Media flows both ways: the server may start its meter. */
static void
report_media (ParlaPeerRunner *self)
{
  g_autofree char *path = NULL;

  if (!self->instant_live)
    return;

  path = call_path (self, self->instant_id, "media");
  parla_api_client_send_async (self->api, "POST", path, NULL, NULL, self->cancellable,
                               on_call_step_cb, g_object_ref (self));
}

/* The answer to accept (a teacher) or join (a learner): the call. */
static void
on_instant_joined_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ParlaPeerRunner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;

  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
  if (self->phase == PHASE_DONE || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Cannot join call %s: %s", self->instant_id, error->message);

      /* A teacher whose ring ended meanwhile waits for the next one. */
      if (self->config.answer != NULL && g_error_matches (error, PARLA_ERROR, PARLA_ERROR_INVALID_STATE))
        {
          print_event (self, "call-error", "call_id", self->instant_id, "message", error->message, NULL);
          g_clear_pointer (&self->instant_id, g_free);
          self->instant_joining = FALSE;
          return;
        }
      finish (self, message);
      return;
    }

  self->instant_live = TRUE;
  enter_call (self, answer);
}

static void
join_instant (ParlaPeerRunner *self,
              const char      *call_id,
              const char      *verb)
{
  g_autofree char *path = call_path (self, call_id, verb);

  g_free (self->instant_id);
  self->instant_id = g_strdup (call_id);
  self->instant_joining = TRUE;
  parla_api_client_send_async (self->api, "POST", path, NULL, NULL, self->cancellable,
                               on_instant_joined_cb, g_object_ref (self));
}

/* --answer: a call rings for us. */
static void
on_ringing (ParlaPeerRunner *self,
            JsonNode        *message)
{
  g_autofree char *user_id = parla_realtime_dup_user_id (self->realtime);
  g_autofree char *path = NULL;
  const char *call_id = member_string (message, "call_id");

  if (call_id == NULL || g_strcmp0 (member_string (message, "teacher_id"), user_id) != 0 ||
      self->phase != PHASE_JOINING || self->instant_joining)
    return;

  print_event (self, "ringing", "call_id", call_id, "learner", person_name (message, "learner"),
               "answer", self->config.answer, NULL);

  if (g_str_equal (self->config.answer, "accept"))
    join_instant (self, call_id, "accept");
  else if (g_str_equal (self->config.answer, "decline"))
    {
      path = call_path (self, call_id, "decline");
      parla_api_client_send_async (self->api, "POST", path, NULL, NULL, self->cancellable,
                                   on_call_step_cb, g_object_ref (self));
    }
  /* "ignore": it rings until the server moves on. */
}

/* Whatever the hub says about calls with a tutor now. */
static void
on_realtime_event_cb (ParlaRealtime   *realtime,
                      const char      *type,
                      JsonNode        *message,
                      ParlaPeerRunner *self)
{
  const char *call_id = member_string (message, "call_id");

  if (self->phase == PHASE_DONE || (!g_str_has_prefix (type, "call.") && !g_str_has_prefix (type, "instant.")))
    return;

  if (g_str_equal (type, "call.ringing") && self->config.answer != NULL)
    {
      on_ringing (self, message);
      return;
    }

  /* Only the call we are in, or ask for. */
  if (call_id != NULL && self->instant_id != NULL && !g_str_equal (call_id, self->instant_id))
    return;

  if (g_str_equal (type, "call.ringing"))
    print_event (self, "trying", "call_id", call_id, "teacher", person_name (message, "teacher"),
                 "ring_deadline", member_string (message, "ring_deadline"), NULL);
  else if (g_str_equal (type, "call.declined") || g_str_equal (type, "call.timeout") ||
           g_str_equal (type, "call.cancelled"))
    print_event (self, type + strlen ("call."), "call_id", call_id,
                 "teacher_id", member_string (message, "teacher_id"), NULL);
  else if (g_str_equal (type, "call.unanswered") && self->config.call != NULL)
    finish (self, "Nobody answered the call");
  else if (g_str_equal (type, "call.accepted") && self->config.call != NULL && !self->instant_joining)
    {
      print_event (self, "accepted", "call_id", call_id, "teacher", person_name (message, "teacher"), NULL);
      join_instant (self, call_id, "join");
    }
  else if (g_str_equal (type, "call.balance_low"))
    {
      g_autofree char *left = member_text (message, "minutes_left");

      print_event (self, "balance-low", "call_id", call_id, "minutes_left", left, NULL);
    }
  else if (g_str_equal (type, "call.ended") && self->instant_id != NULL)
    {
      g_autofree char *billed = member_text (message, "minutes_billed");
      g_autofree char *left = member_text (message, "minutes_left");

      print_event (self, "call-ended", "call_id", call_id, "reason", member_string (message, "reason"),
                   "minutes_billed", billed, "minutes_left", left, NULL);
      self->instant_live = FALSE;
      finish (self, NULL);
    }
  else if (g_str_equal (type, "instant.unavailable"))
    print_event (self, "unavailable", "message", member_string (message, "message"), NULL);
}

static void
on_call_requested_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(ParlaPeerRunner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  const char *status;

  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
  if (self->phase == PHASE_DONE || g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (answer == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Cannot call a tutor now: %s", error->message);

      finish (self, message);
      return;
    }

  status = member_string (answer, "status");
  self->instant_id = g_strdup (member_string (answer, "id"));
  print_event (self, "calling", "call_id", self->instant_id, "status", status,
               "teacher", person_name (answer, "teacher"), NULL);
  if (g_strcmp0 (status, "unanswered") == 0)
    finish (self, "Nobody answered the call");
}

/* On the hub: a teacher becomes available, a learner calls, once the
 * connection is up (so that no event about the call is missed) and the
 * media engine is ready (as an application's would be), so that what
 * follows is the call alone. */
static void
maybe_start_instant (ParlaPeerRunner *self)
{
  ParlaRealtime *realtime = self->realtime;
  g_autoptr(GError) error = NULL;

  if (self->config.join != NULL || realtime == NULL || !self->media_ready ||
      parla_realtime_get_state (realtime) != PARLA_REALTIME_CONNECTED || self->phase != PHASE_JOINING)
    return;

  if (self->config.answer != NULL)
    {
      /* After a reconnect too: the hub forgets presence with the connection. */
      if (!parla_realtime_set_presence (realtime, "available", &error))
        {
          finish (self, error->message);
          return;
        }
      if (!self->instant_started)
        print_event (self, "available", NULL);
      self->instant_started = TRUE;
    }
  else if (self->instant_id == NULL && !self->instant_started)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;

      self->instant_started = TRUE;
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "language", self->config.call);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      self->request_time = g_get_monotonic_time ();
      parla_api_client_send_async (self->api, "POST", "/api/v1/calls", body, NULL, self->cancellable,
                                   on_call_requested_cb, g_object_ref (self));
    }
}

static void
on_instant_state_cb (ParlaRealtime   *realtime,
                     GParamSpec      *pspec,
                     ParlaPeerRunner *self)
{
  maybe_start_instant (self);
}

static void
start_realtime (ParlaPeerRunner *self)
{
  if (self->realtime != NULL)
    return;

  self->realtime = parla_realtime_new (self->config.server, parla_api_client_get_token (self->api));
  g_signal_connect (self->realtime, "notify::state", G_CALLBACK (on_realtime_state_cb), self);
  if (self->config.join == NULL)
    {
      g_signal_connect (self->realtime, "notify::state", G_CALLBACK (on_instant_state_cb), self);
      g_signal_connect (self->realtime, "event", G_CALLBACK (on_realtime_event_cb), self);
    }
  parla_realtime_start (self->realtime);
}

/* --answer waits for calls, --call makes one. */
static void
start_instant (ParlaPeerRunner *self)
{
  self->phase = PHASE_JOINING;
  start_realtime (self);
}

static void
join (ParlaPeerRunner *self)
{
  self->phase = PHASE_JOINING;
  parla_api_client_join_session_async (self->api, self->config.join, self->cancellable,
                                       on_joined_cb, g_object_ref (self));
}

static void
on_login_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ParlaPeerRunner) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaUser) user = NULL;

  user = parla_api_client_login_finish (PARLA_API_CLIENT (source), result, &error);
  if (self->phase == PHASE_DONE)
    return;
  if (user == NULL)
    {
      g_autofree char *message = g_strdup_printf ("Cannot sign in as %s: %s",
                                                  self->config.email, error->message);

      finish (self, message);
      return;
    }

  if (self->config.join != NULL)
    join (self);
  else
    start_instant (self);
}

static void
on_media_ready_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ParlaPeerRunner) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!parla_media_init_finish (result, &error))
    {
      finish (self, error->message);
      return;
    }

  self->media_ready = TRUE;
  maybe_start_instant (self);
  maybe_enter_room (self);
}

/**
 * parla_peer_runner_start:
 * @self: a #ParlaPeerRunner
 *
 * Signs in, joins and calls; #ParlaPeerRunner::finished tells when it is
 * over and parla_peer_runner_get_exit_status() how it went.
 */
void
parla_peer_runner_start (ParlaPeerRunner *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PARLA_IS_PEER_RUNNER (self));
  g_return_if_fail (self->phase == PHASE_STARTING);

  self->start_time = g_get_monotonic_time ();
  self->tick_id = g_timeout_add (self->config.stats_interval_ms, on_tick_cb, self);
  if (self->config.timeout_s > 0 && self->config.join != NULL)
    self->timeout_id = g_timeout_add_seconds (self->config.timeout_s, on_timeout_cb, self);

  /* The DTLS certificate and the plugins warm up while we sign in. */
  parla_media_init_async (self->cancellable, on_media_ready_cb, g_object_ref (self));

  self->api = parla_api_client_new (self->config.server, NULL, &error);
  if (self->api == NULL)
    {
      finish (self, error->message);
      return;
    }

  if (self->config.token != NULL)
    {
      parla_api_client_set_token (self->api, self->config.token);
      if (self->config.join != NULL)
        join (self);
      else
        start_instant (self);
    }
  else
    {
      parla_api_client_login_async (self->api, self->config.email, self->config.password,
                                    self->cancellable, on_login_cb, g_object_ref (self));
    }
}

/**
 * parla_peer_runner_stop:
 * @self: a #ParlaPeerRunner
 * @reason: (nullable): why, for the summary; %NULL for a normal end
 *
 * Hangs up and prints the summary.
 */
void
parla_peer_runner_stop (ParlaPeerRunner *self,
                        const char      *reason)
{
  g_return_if_fail (PARLA_IS_PEER_RUNNER (self));

  finish (self, reason);
}

/**
 * parla_peer_runner_handle_command:
 * @self: a #ParlaPeerRunner
 * @line: one command: `mute`, `unmute`, `camera off`, `camera on`,
 *   `share start`, `share stop`, `ping`, `say TEXT` or `hangup`
 * @error: why it was not done
 *
 * What a person would do in the call window, for tests and demos that
 * drive the peer through its standard input.
 *
 * Returns: %TRUE when the command was carried out
 */
gboolean
parla_peer_runner_handle_command (ParlaPeerRunner  *self,
                                  const char       *line,
                                  GError          **error)
{
  g_autofree char *command = g_strstrip (g_strdup (line));

  g_return_val_if_fail (PARLA_IS_PEER_RUNNER (self), FALSE);

  if (g_str_equal (command, "hangup"))
    {
      finish (self, NULL);
      return TRUE;
    }

  if (self->call == NULL || self->phase != PHASE_CALL)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                   "“%s”: not in a call", command);
      return FALSE;
    }

  if (g_str_equal (command, "mute") || g_str_equal (command, "unmute"))
    parla_call_set_audio_muted (self->call, g_str_equal (command, "mute"));
  else if (g_str_equal (command, "camera off") || g_str_equal (command, "camera on"))
    parla_call_set_video_enabled (self->call, g_str_equal (command, "camera on"));
  else if (g_str_equal (command, "share start"))
    {
      if (!parla_call_start_screen_share (self->call, error))
        return FALSE;
    }
  else if (g_str_equal (command, "share stop"))
    parla_call_stop_screen_share (self->call);
  else if (g_str_equal (command, "ping"))
    {
      g_autofree char *n = g_strdup_printf ("%u", ++self->next_ping);
      g_autofree char *text = g_strconcat ("ping ", n, NULL);

      g_hash_table_insert (self->pings, g_steal_pointer (&n),
                           GSIZE_TO_POINTER ((gsize) g_get_monotonic_time ()));
      send_text_to_all (self, text);
    }
  else if (g_str_has_prefix (command, "say "))
    send_text_to_all (self, command + 4);
  else
    {
      g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                   "Unknown command “%s”", command);
      return FALSE;
    }

  print_event (self, "command", "command", command, NULL);
  return TRUE;
}

gboolean
parla_peer_runner_get_finished (ParlaPeerRunner *self)
{
  g_return_val_if_fail (PARLA_IS_PEER_RUNNER (self), FALSE);

  return self->phase == PHASE_DONE;
}

/**
 * parla_peer_runner_get_exit_status:
 * @self: a #ParlaPeerRunner
 *
 * Returns: 0 when media flowed both ways, 1 otherwise
 */
int
parla_peer_runner_get_exit_status (ParlaPeerRunner *self)
{
  g_return_val_if_fail (PARLA_IS_PEER_RUNNER (self), 1);

  return self->exit_status;
}

static void
parla_peer_runner_dispose (GObject *object)
{
  ParlaPeerRunner *self = PARLA_PEER_RUNNER (object);

  g_clear_handle_id (&self->tick_id, g_source_remove);
  g_clear_handle_id (&self->timeout_id, g_source_remove);
  g_clear_handle_id (&self->duration_id, g_source_remove);

  if (self->call != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      parla_call_hang_up (self->call);
      g_clear_object (&self->call);
    }
  if (self->signaling != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->signaling, self);
      g_clear_object (&self->signaling);
    }
  if (self->realtime != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->realtime, self);
      parla_realtime_stop (self->realtime);
      g_clear_object (&self->realtime);
    }
  g_clear_object (&self->api);
  g_clear_pointer (&self->tracks, g_ptr_array_unref);

  G_OBJECT_CLASS (parla_peer_runner_parent_class)->dispose (object);
}

static void
parla_peer_runner_finalize (GObject *object)
{
  ParlaPeerRunner *self = PARLA_PEER_RUNNER (object);

  parla_peer_config_clear (&self->config);
  g_clear_object (&self->out);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->ice_servers, json_node_unref);
  g_clear_pointer (&self->stats, g_hash_table_unref);
  g_clear_pointer (&self->pings, g_hash_table_unref);
  g_free (self->room);
  g_free (self->error);
  g_free (self->instant_id);

  G_OBJECT_CLASS (parla_peer_runner_parent_class)->finalize (object);
}

static void
parla_peer_runner_class_init (ParlaPeerRunnerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_peer_runner_dispose;
  object_class->finalize = parla_peer_runner_finalize;

  /**
   * ParlaPeerRunner::finished:
   *
   * The summary is printed; the runner does nothing more.
   */
  signals[FINISHED] =
    g_signal_new ("finished", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
parla_peer_runner_init (ParlaPeerRunner *self)
{
  self->cancellable = g_cancellable_new ();
  self->tracks = g_ptr_array_new_with_free_func (g_object_unref);
  self->stats = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                       (GDestroyNotify) parla_call_stats_unref);
  self->pings = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->last_state = PARLA_CALL_STATE_NEW;
  self->exit_status = 1;
}

/**
 * parla_peer_runner_new:
 * @config: a checked configuration (parla_peer_config_check()); copied
 * @out: where the JSON lines go
 *
 * Returns: (transfer full): a new #ParlaPeerRunner
 */
ParlaPeerRunner *
parla_peer_runner_new (const ParlaPeerConfig *config,
                       GOutputStream         *out)
{
  ParlaPeerRunner *self;

  g_return_val_if_fail (config != NULL, NULL);
  g_return_val_if_fail (G_IS_OUTPUT_STREAM (out), NULL);

  self = g_object_new (PARLA_TYPE_PEER_RUNNER, NULL);
  self->config = *config;
  self->config.server = g_strdup (config->server);
  self->config.email = g_strdup (config->email);
  self->config.password = g_strdup (config->password);
  self->config.token = g_strdup (config->token);
  self->config.join = g_strdup (config->join);
  self->config.answer = g_strdup (config->answer);
  self->config.call = g_strdup (config->call);
  self->config.source = g_strdup (config->source);
  self->config.pattern = g_strdup (config->pattern);
  self->config.local_addresses = g_strdupv (config->local_addresses);
  self->out = g_object_ref (out);

  return self;
}
