/* bench-call.c: how fast a call starts, and what a call costs
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Two measurements of the call engine (libparla-media):
 *
 *  - first-frame: --calls one-to-one calls between two ParlaCalls of this
 *    process, over in-process signalling (ParlaLoopbackSignaling), with
 *    test sources at --size and --fps. For each call, the time from the
 *    offer leaving the offerer to the first decoded remote video frame, at
 *    the answerer (the offerer's picture) and at the offerer (the
 *    answerer's picture); printed as median and 90th percentile, first
 *    over host candidates on loopback ("direct"), then relay-only through
 *    a coturn started here with the repository's test configuration
 *    ("turn"). The process warms up as an application does at start-up
 *    (parla_media_init_async()).
 *
 *  - load: one call of --seconds between two parla-peer processes (the
 *    command-line participant) through a parla-server process, with test
 *    sources, at each size given by --load-sizes, with and without a
 *    screen share (--share-size). Accounts, a group session and a seat are
 *    made over the REST API; each peer's CPU (utime + stime from
 *    /proc/PID/stat) over the connected part of the call and its memory
 *    (VmRSS, mean and peak of samples taken every second, and VmHWM from
 *    /proc/PID/status) are printed per peer.
 *
 * Every figure is printed with the command line that produced it; the
 * last line is one JSON object with all of them. docs/benchmarks.md
 * records a run.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#include "parla-media.h"

#define CALL_TIMEOUT_MS    10000
#define MAX_FAILURES       3
#define SETTLE_MS          2000
#define TURN_SECRET        "parla-bench-secret"
#define BENCH_PASSWORD     "parla bench password"

typedef struct
{
  int       calls;
  char     *size;
  int       fps;
  int       bitrate;
  gboolean  h264;
  char     *only;
  int       seconds;
  char     *load_sizes;
  char     *share_size;
  char     *peer_path;
  char     *server_path;
  char     *turnserver_path;
  char     *srcdir;
} BenchOptions;

typedef struct
{
  GArray     *at_answerer;   /* double, ms */
  GArray     *at_offerer;
  guint       failures;
  char       *command;
} FirstFrameRun;

typedef struct
{
  char    *label;
  char    *command;
  double   cpu[2];           /* percent of one core */
  double   rss_mean[2];      /* MB */
  double   rss_max[2];
  double   hwm[2];
  double   first_frame_ms[2];
  gboolean ok[2];
} LoadRun;

static char *command_prefix;

G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
static void
die (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  g_printerr ("parla-bench-call: ");
  g_vfprintf (stderr, format, args);
  g_printerr ("\n");
  va_end (args);
  exit (1);
}

static gboolean
parse_size (const char *text,
            int        *width,
            int        *height)
{
  char *end;
  guint64 w, h;

  w = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != 'x')
    return FALSE;
  text = end + 1;
  h = g_ascii_strtoull (text, &end, 10);
  if (end == text || *end != '\0' || w < 16 || h < 16 || w > 4096 || h > 4096)
    return FALSE;

  *width = w;
  *height = h;
  return TRUE;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank. */
static double
percentile (GArray *values,
            double  p)
{
  g_autoptr(GArray) sorted = NULL;
  guint rank;

  if (values->len == 0)
    return NAN;

  sorted = g_array_copy (values);
  g_array_sort (sorted, compare_doubles);
  rank = (guint) ceil (p / 100.0 * sorted->len);
  rank = CLAMP (rank, 1, sorted->len);

  return g_array_index (sorted, double, rank - 1);
}

/* The calls' work runs on this thread's default main context. */
static void
iterate (void)
{
  if (!g_main_context_iteration (NULL, FALSE))
    g_usleep (1000);
}

static void
spin (guint ms)
{
  gint64 end = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < end)
    iterate ();
}

/* coturn */

typedef struct
{
  GSubprocess *process;
  char        *dir;
  guint        port;
} Coturn;

static guint
free_udp_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;

  if (socket == NULL || !g_socket_bind (socket, any, FALSE, NULL) ||
      (bound = g_socket_get_local_address (socket, NULL)) == NULL)
    die ("cannot find a free UDP port");

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* A STUN binding request; TRUE once anything answers it. */
static gboolean
stun_answers (guint port)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM,
                                            G_SOCKET_PROTOCOL_UDP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) to = g_inet_socket_address_new (loopback, port);
  guint8 request[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
  guint8 reply[512];

  for (guint i = 8; i < 20; i++)
    request[i] = g_random_int_range (0, 256);

  g_socket_set_timeout (socket, 1);
  if (g_socket_send_to (socket, to, (const char *) request, sizeof request, NULL, NULL) < 0)
    return FALSE;

  if (!g_socket_condition_timed_wait (socket, G_IO_IN, 100000, NULL, NULL))
    return FALSE;

  return g_socket_receive (socket, (char *) reply, sizeof reply, NULL, NULL) >= 20;
}

static Coturn *
coturn_start (const BenchOptions *options)
{
  g_autofree char *conf = g_build_filename (options->srcdir, "data", "coturn",
                                            "turnserver-test.conf", NULL);
  g_autoptr(GError) error = NULL;
  Coturn *coturn = g_new0 (Coturn, 1);

  coturn->dir = g_dir_make_tmp ("parla-bench-coturn-XXXXXX", &error);
  if (coturn->dir == NULL)
    die ("%s", error->message);

  for (guint attempt = 0; attempt < 5; attempt++)
    {
      g_autofree char *port = NULL;
      g_autofree char *min_port = NULL;
      g_autofree char *max_port = NULL;
      g_autofree char *db = g_build_filename (coturn->dir, "turndb", NULL);
      g_autofree char *pid = g_build_filename (coturn->dir, "turnserver.pid", NULL);
      g_autofree char *log = g_build_filename (coturn->dir, "turn.log", NULL);
      guint relay_base;

      coturn->port = free_udp_port ();
      relay_base = 40000 + (coturn->port % 100) * 200;
      port = g_strdup_printf ("%u", coturn->port);
      min_port = g_strdup_printf ("%u", relay_base);
      max_port = g_strdup_printf ("%u", relay_base + 199);

      coturn->process =
        g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error,
                          options->turnserver_path, "-c", conf,
                          "--listening-ip", "127.0.0.1", "--relay-ip", "127.0.0.1",
                          "--listening-port", port, "--min-port", min_port, "--max-port", max_port,
                          "--static-auth-secret", TURN_SECRET, "--userdb", db, "--pidfile", pid,
                          "--log-file", log, "--simple-log", NULL);
      if (coturn->process == NULL)
        die ("cannot start %s: %s", options->turnserver_path, error->message);

      for (guint i = 0; i < 50; i++)
        if (stun_answers (coturn->port))
          return coturn;

      g_subprocess_force_exit (coturn->process);
      g_subprocess_wait (coturn->process, NULL, NULL);
      g_clear_object (&coturn->process);
    }

  die ("coturn did not answer on any port");
}

static void
coturn_free (Coturn *coturn)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_subprocess_send_signal (coturn->process, SIGTERM);
  g_subprocess_wait (coturn->process, NULL, NULL);
  g_object_unref (coturn->process);

  dir = g_dir_open (coturn->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (coturn->dir, name, NULL);

      g_unlink (path);
    }
  g_rmdir (coturn->dir);
  g_free (coturn->dir);
  g_free (coturn);
}

/* [{"urls": "turn:…", "username": "EXPIRY:bench-N", "credential": …}],
 * the time-limited credentials of coturn's use-auth-secret (what
 * parla-server hands out); a user name of its own for each call, as
 * coturn limits the allocations of one (user-quota). */
static JsonNode *
turn_ice_servers (Coturn *coturn,
                  guint   call)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) TURN_SECRET,
                                      strlen (TURN_SECRET));
  g_autofree char *user = g_strdup_printf ("%" G_GINT64_FORMAT ":bench-%u",
                                           g_get_real_time () / G_USEC_PER_SEC + 3600, call);
  g_autofree char *url = g_strdup_printf ("turn:127.0.0.1:%u?transport=udp", coturn->port);
  g_autofree char *credential = NULL;
  guint8 digest[20];
  gsize digest_len = sizeof digest;

  g_hmac_update (hmac, (const guchar *) user, strlen (user));
  g_hmac_get_digest (hmac, digest, &digest_len);
  credential = g_base64_encode (digest, digest_len);

  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "urls");
  json_builder_add_string_value (builder, url);
  json_builder_set_member_name (builder, "username");
  json_builder_add_string_value (builder, user);
  json_builder_set_member_name (builder, "credential");
  json_builder_add_string_value (builder, credential);
  json_builder_end_object (builder);
  json_builder_end_array (builder);

  return json_builder_get_root (builder);
}

/* first-frame: calls in this process */

typedef struct
{
  ParlaLoopbackSignaling *signaling;
  ParlaCall              *call;
  ParlaRemoteTrack       *video;
  gboolean                failed;
} Party;

typedef struct
{
  gint64 offer_time;
} Relay;

static gboolean
on_relay_cb (ParlaLoopbackRoom *room,
             const char        *from,
             const char        *to,
             JsonNode          *payload,
             Relay             *relay)
{
  JsonObject *object;
  JsonNode *sdp;

  if (relay->offer_time != 0 || !JSON_NODE_HOLDS_OBJECT (payload))
    return FALSE;

  object = json_node_get_object (payload);
  sdp = json_object_get_member (object, "sdp");
  if (sdp != NULL && JSON_NODE_HOLDS_OBJECT (sdp) &&
      g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (sdp), "type", NULL),
                 "offer") == 0)
    relay->offer_time = g_get_monotonic_time ();

  return FALSE;
}

static void
on_track_added_cb (ParlaCall        *call,
                   const char       *user_id,
                   ParlaTrackKind    kind,
                   ParlaRemoteTrack *track,
                   Party            *party)
{
  if (kind == PARLA_TRACK_VIDEO)
    g_set_object (&party->video, track);
}

static void
on_error_cb (ParlaCall    *call,
             const GError *error,
             Party        *party)
{
  g_printerr ("parla-bench-call: call failed: %s\n", error->message);
  party->failed = TRUE;
}

static ParlaCallOptions *
call_options (const BenchOptions *options,
              gboolean            relay_only,
              double              tone)
{
  ParlaCallOptions *call_options = parla_call_options_new ();
  int width, height;

  parse_size (options->size, &width, &height);
  parla_call_options_set_video_source (call_options, PARLA_MEDIA_SOURCE_TEST);
  parla_call_options_set_audio_source (call_options, PARLA_MEDIA_SOURCE_TEST);
  parla_call_options_set_audio_output (call_options, PARLA_AUDIO_OUTPUT_SAMPLES);
  parla_call_options_set_video_size (call_options, width, height, options->fps);
  if (options->bitrate > 0)
    parla_call_options_set_video_bitrate (call_options, options->bitrate);
  parla_call_options_set_test_tone (call_options, tone);
  parla_call_options_set_prefer_h264 (call_options, options->h264);
  parla_call_options_add_local_address (call_options, "127.0.0.1");
  parla_call_options_set_ice_tcp (call_options, FALSE);
  parla_call_options_set_relay_only (call_options, relay_only);

  return call_options;
}

static void
party_init (Party             *party,
            ParlaLoopbackRoom *room,
            const char        *user_id,
            ParlaCallOptions  *options,
            JsonNode          *ice_servers)
{
  g_autoptr(GError) error = NULL;

  party->signaling = parla_loopback_signaling_new (room, user_id, user_id);
  party->call = parla_call_new (user_id, PARLA_SIGNALING (party->signaling), ice_servers, options,
                                &error);
  if (party->call == NULL)
    die ("%s", error->message);

  g_signal_connect (party->call, "remote-track-added", G_CALLBACK (on_track_added_cb), party);
  g_signal_connect (party->call, "error", G_CALLBACK (on_error_cb), party);
  if (!parla_call_start (party->call, &error))
    die ("%s", error->message);
}

static void
party_clear (Party *party)
{
  parla_call_hang_up (party->call);
  g_signal_handlers_disconnect_by_data (party->call, party);
  g_clear_object (&party->call);
  g_clear_object (&party->video);
  g_clear_object (&party->signaling);
}

static gboolean
has_frame (Party *party)
{
  return party->video != NULL && parla_remote_track_get_n_samples (party->video) > 0;
}

/* One call; FALSE if it did not show both pictures in time. */
static gboolean
first_frame_call (const BenchOptions *options,
                  JsonNode           *ice_servers,
                  double             *at_answerer,
                  double             *at_offerer)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = call_options (options, ice_servers != NULL, 440);
  g_autoptr(ParlaCallOptions) bob_options = call_options (options, ice_servers != NULL, 660);
  Party alice = { 0 }, bob = { 0 };
  Relay relay = { 0 };
  gint64 deadline;
  gboolean ok;

  g_signal_connect (room, "relay", G_CALLBACK (on_relay_cb), &relay);

  /* Alice is in the room first and answers; Bob joins and offers. */
  party_init (&alice, room, "alice", alice_options, ice_servers);
  party_init (&bob, room, "bob", bob_options, ice_servers);

  deadline = g_get_monotonic_time () + (gint64) CALL_TIMEOUT_MS * 1000;
  while (!(has_frame (&alice) && has_frame (&bob)) && !alice.failed && !bob.failed &&
         g_get_monotonic_time () < deadline)
    iterate ();

  ok = has_frame (&alice) && has_frame (&bob) && relay.offer_time != 0;
  if (ok)
    {
      *at_answerer = (parla_remote_track_get_first_sample_time (alice.video) - relay.offer_time) / 1000.0;
      *at_offerer = (parla_remote_track_get_first_sample_time (bob.video) - relay.offer_time) / 1000.0;
    }

  party_clear (&bob);
  party_clear (&alice);
  g_signal_handlers_disconnect_by_data (room, &relay);
  /* The last idles of the closed connections. */
  spin (100);

  return ok;
}

static void
first_frame_run (const BenchOptions *options,
                 const char         *mode,
                 Coturn             *coturn,
                 FirstFrameRun      *run)
{
  guint failed_in_a_row = 0;

  run->at_answerer = g_array_new (FALSE, FALSE, sizeof (double));
  run->at_offerer = g_array_new (FALSE, FALSE, sizeof (double));
  run->command = g_strdup_printf ("%s --only first-frame --calls %d --size %s --fps %d%s  # %s",
                                  command_prefix, options->calls, options->size, options->fps,
                                  options->h264 ? " --h264" : "", mode);

  for (int i = 0; i < options->calls && failed_in_a_row < MAX_FAILURES; i++)
    {
      g_autoptr(JsonNode) ice_servers = coturn ? turn_ice_servers (coturn, i) : NULL;
      double answerer, offerer;

      if (first_frame_call (options, ice_servers, &answerer, &offerer))
        {
          failed_in_a_row = 0;
          g_array_append_val (run->at_answerer, answerer);
          g_array_append_val (run->at_offerer, offerer);
          g_printerr ("  %s call %d: %.0f ms at the answerer, %.0f ms at the offerer\n",
                      mode, i + 1, answerer, offerer);
        }
      else
        {
          run->failures++;
          failed_in_a_row++;
          g_printerr ("  %s call %d: no picture within %d ms\n", mode, i + 1, CALL_TIMEOUT_MS);
        }
    }

  g_print ("%s\n", run->command);
  g_print ("  first-frame %-6s  offer -> first remote frame over %u calls (%u failed):\n"
           "    at the answerer: median %.0f ms, p90 %.0f ms\n"
           "    at the offerer:  median %.0f ms, p90 %.0f ms\n",
           mode, run->at_answerer->len, run->failures,
           percentile (run->at_answerer, 50), percentile (run->at_answerer, 90),
           percentile (run->at_offerer, 50), percentile (run->at_offerer, 90));
}

static void
first_frame_run_clear (FirstFrameRun *run)
{
  g_clear_pointer (&run->at_answerer, g_array_unref);
  g_clear_pointer (&run->at_offerer, g_array_unref);
  g_clear_pointer (&run->command, g_free);
}

/* load: parla-peer processes through parla-server */

typedef struct
{
  GSubprocess *process;
  char        *base_url;
  char        *dir;
} Server;

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static Server *
server_start (const BenchOptions *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *db = NULL;
  g_autofree char *line = NULL;
  Server *server = g_new0 (Server, 1);
  const char *url, *end;

  server->dir = g_dir_make_tmp ("parla-bench-call-XXXXXX", &error);
  if (server->dir == NULL)
    die ("%s", error->message);
  db = g_strdup_printf ("sqlite:%s/parla.db", server->dir);

  /* Only this program's settings count. */
  for (const char * const *name = (const char * const []) { "PARLA_CONFIG", "PARLA_DB", "PARLA_LISTEN", NULL };
       *name != NULL; name++)
    g_subprocess_launcher_unsetenv (launcher, *name);

  server->process = g_subprocess_launcher_spawn (launcher, &error, options->server_path,
                                                 "--db", db, "--listen", "127.0.0.1:0", NULL);
  if (server->process == NULL)
    die ("cannot start %s: %s", options->server_path, error->message);

  /* "parla-server 0.1.0 listening on http://127.0.0.1:PORT/ (database …)" */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL &&
         strstr (line, "listening on ") == NULL)
    g_clear_pointer (&line, g_free);
  if (line == NULL)
    die ("parla-server exited before listening");

  url = strstr (line, "listening on ") + strlen ("listening on ");
  end = strchr (url, ' ');
  server->base_url = end ? g_strndup (url, end - url) : g_strdup (url);

  return server;
}

static void
server_stop (Server *server)
{
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->process);
  remove_tree (server->dir);
  g_free (server->dir);
  g_free (server->base_url);
  g_free (server);
}

/* One REST request; dies unless it answers @expected. */
static JsonNode *
rest (SoupSession *session,
      Server      *server,
      const char  *method,
      const char  *path,
      const char  *token,
      JsonNode    *body,
      guint        expected)
{
  g_autofree char *url = g_strconcat (server->base_url,
                                      g_str_has_suffix (server->base_url, "/") ? path + 1 : path,
                                      NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();

  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (message), "Authorization",
                                   authorization);
    }
  if (body != NULL)
    {
      char *text = json_to_string (body, FALSE);
      g_autoptr(GBytes) bytes = g_bytes_new_take (text, strlen (text));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  reply = soup_session_send_and_read (session, message, NULL, &error);
  if (reply == NULL)
    die ("%s %s: %s", method, path, error->message);
  if (soup_message_get_status (message) != expected)
    die ("%s %s: HTTP %u: %.*s", method, path, soup_message_get_status (message),
         (int) g_bytes_get_size (reply), (const char *) g_bytes_get_data (reply, NULL));

  if (g_bytes_get_size (reply) == 0)
    return json_node_new (JSON_NODE_NULL);
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply),
                                   &error))
    die ("%s %s: %s", method, path, error->message);

  return json_parser_steal_root (parser);
}

typedef struct
{
  char             *who;
  GSubprocess      *process;
  GDataInputStream *out;
  int               pid;
  gint64            connected_time;   /* 0 until connected */
  gboolean          finished;         /* its output ended */
  JsonNode         *summary;
  guint64           cpu_ticks_start;
  gint64            cpu_time_start;
  guint64           cpu_ticks_end;
  gint64            cpu_time_end;
  GArray           *rss;              /* double, MB */
  double            hwm;
} Peer;

static gboolean
read_cpu_ticks (int      pid,
                guint64 *ticks)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", pid);
  g_autofree char *contents = NULL;
  g_auto(GStrv) fields = NULL;
  const char *rest;

  if (!g_file_get_contents (path, &contents, NULL, NULL) ||
      (rest = strrchr (contents, ')')) == NULL)
    return FALSE;

  /* After "pid (comm)": state is field 3; utime 14, stime 15. */
  fields = g_strsplit (rest + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return FALSE;

  *ticks = g_ascii_strtoull (fields[11], NULL, 10) + g_ascii_strtoull (fields[12], NULL, 10);
  return TRUE;
}

/* kB of a "Name:   N kB" line of /proc/PID/status, in MB. */
static gboolean
read_status_mb (int         pid,
                const char *name,
                double     *mb)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", pid);
  g_autofree char *contents = NULL;
  g_autofree char *key = g_strconcat ("\n", name, ":", NULL);
  const char *line;

  if (!g_file_get_contents (path, &contents, NULL, NULL) ||
      (line = strstr (contents, key)) == NULL)
    return FALSE;

  *mb = g_ascii_strtoull (line + strlen (key), NULL, 10) / 1024.0;
  return TRUE;
}

static void read_next_line (Peer *peer);

static gboolean
is_connected_line (const char *type,
                   JsonObject *object)
{
  const char *event = json_object_get_string_member_with_default (object, "event", "");
  const char *state = json_object_get_string_member_with_default (object, "state", "");

  if (g_str_equal (type, "stats"))
    return g_str_equal (state, "connected");

  return g_str_equal (type, "event") &&
         (g_str_equal (event, "connected") || g_str_equal (event, "media-flowing") ||
          (g_str_equal (event, "participant") && g_str_equal (state, "connected")));
}

static void
on_line_read_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *line = NULL;
  JsonObject *object;
  const char *type;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (line == NULL)
    {
      peer->finished = TRUE;
      return;
    }

  if (json_parser_load_from_data (parser, line, -1, NULL) &&
      JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    {
      object = json_node_get_object (json_parser_get_root (parser));
      type = json_object_get_string_member_with_default (object, "type", "");

      /* Connected: the call's state in a stats line, or an event
       * saying so. */
      if (peer->connected_time == 0 && is_connected_line (type, object))
        peer->connected_time = g_get_monotonic_time ();
      else if (g_str_equal (type, "summary"))
        {
          g_clear_pointer (&peer->summary, json_node_unref);
          peer->summary = json_parser_steal_root (parser);
        }
    }

  read_next_line (peer);
}

static void
read_next_line (Peer *peer)
{
  g_data_input_stream_read_line_async (peer->out, G_PRIORITY_DEFAULT, NULL, on_line_read_cb, peer);
}

static Peer *
peer_start (const BenchOptions *options,
            const char         *who,
            const char         *base_url,
            const char         *token,
            const char         *session_id,
            const char         *size,
            const char         *share,
            char              **command)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autofree char *fps = g_strdup_printf ("%d", options->fps);
  g_autofree char *duration = g_strdup_printf ("%d", options->seconds);
  g_auto(GStrv) argv = NULL;
  Peer *peer = g_new0 (Peer, 1);

  g_strv_builder_add_many (builder, options->peer_path, "--server", base_url, "--token", token,
                           "--join", session_id, "--duration", duration, "--size", size,
                           "--fps", fps, "--local-address", "127.0.0.1", NULL);
  if (options->bitrate > 0)
    {
      g_autofree char *kbps = g_strdup_printf ("%d", options->bitrate);

      g_strv_builder_add_many (builder, "--bitrate", kbps, NULL);
    }
  if (share != NULL)
    g_strv_builder_add_many (builder, "--share", share, NULL);
  if (options->h264)
    g_strv_builder_add (builder, "--h264");
  argv = g_strv_builder_end (builder);

  /* The command line, with the token (made anew each run) left out. */
  if (command != NULL)
    {
      g_autoptr(GString) text = g_string_new ("parla-peer");

      for (guint i = 1; argv[i] != NULL; i++)
        g_string_append_printf (text, " %s",
                                i > 1 && g_str_equal (argv[i - 1], "--token") ? "TOKEN"
                                : i > 1 && g_str_equal (argv[i - 1], "--join") ? "SESSION"
                                : i > 1 && g_str_equal (argv[i - 1], "--server") ? "URL"
                                : argv[i]);
      *command = g_string_free (g_steal_pointer (&text), FALSE);
    }

  peer->who = g_strdup (who);
  peer->rss = g_array_new (FALSE, FALSE, sizeof (double));
  peer->process = g_subprocess_newv ((const char * const *) argv, G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  if (peer->process == NULL)
    die ("cannot start %s: %s", options->peer_path, error->message);
  peer->pid = atoi (g_subprocess_get_identifier (peer->process));
  peer->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));
  read_next_line (peer);

  return peer;
}

static void
peer_free (Peer *peer)
{
  if (!peer->finished)
    g_subprocess_force_exit (peer->process);
  g_subprocess_wait (peer->process, NULL, NULL);
  g_clear_object (&peer->out);
  g_clear_object (&peer->process);
  g_clear_pointer (&peer->summary, json_node_unref);
  g_array_unref (peer->rss);
  g_free (peer->who);
  g_free (peer);
}

/* Once a second: CPU and memory of a connected peer, from SETTLE_MS
 * after it connected. */
static void
peer_sample (Peer *peer)
{
  gint64 now = g_get_monotonic_time ();
  guint64 ticks;
  double mb;

  if (peer->finished || peer->summary != NULL || peer->connected_time == 0 ||
      now < peer->connected_time + (gint64) SETTLE_MS * 1000)
    return;

  if (!read_cpu_ticks (peer->pid, &ticks))
    return;

  if (peer->cpu_time_start == 0)
    {
      peer->cpu_ticks_start = ticks;
      peer->cpu_time_start = now;
    }
  else
    {
      peer->cpu_ticks_end = ticks;
      peer->cpu_time_end = now;
    }

  if (read_status_mb (peer->pid, "VmRSS", &mb))
    g_array_append_val (peer->rss, mb);
  if (read_status_mb (peer->pid, "VmHWM", &mb))
    peer->hwm = mb;
}

static double
peer_cpu_percent (Peer *peer)
{
  double seconds = (peer->cpu_time_end - peer->cpu_time_start) / 1e6;

  if (peer->cpu_time_end == 0 || seconds <= 0)
    return NAN;

  return (peer->cpu_ticks_end - peer->cpu_ticks_start) / (double) sysconf (_SC_CLK_TCK) / seconds * 100;
}

static gboolean
on_sample_cb (gpointer user_data)
{
  Peer **peers = user_data;

  peer_sample (peers[0]);
  peer_sample (peers[1]);

  return G_SOURCE_CONTINUE;
}

static char *
dup_member (JsonNode   *node,
            const char *path)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);

  for (guint i = 0; object != NULL && parts[i + 1] != NULL; i++)
    {
      JsonNode *child = json_object_get_member (object, parts[i]);

      object = child != NULL && JSON_NODE_HOLDS_OBJECT (child) ? json_node_get_object (child) : NULL;
    }

  if (object == NULL)
    die ("no %s in the server's reply", path);

  return g_strdup (json_object_get_string_member_with_default (object, parts[g_strv_length (parts) - 1], NULL));
}

static char *
register_user (SoupSession *session,
               Server      *server,
               const char  *email,
               const char  *role)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) reply = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, BENCH_PASSWORD);
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  reply = rest (session, server, "POST", "/api/v1/auth/register", NULL, body, 201);
  return dup_member (reply, "token");
}

/* A teacher, a learner, a group session starting in two minutes (joining
 * opens ten minutes before) and the learner's seat. */
static void
make_session (Server  *server,
              char   **teacher_token,
              char   **learner_token,
              char   **session_id)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(GDateTime) start = g_date_time_new_now_utc ();
  g_autoptr(GDateTime) later = g_date_time_add_seconds (start, 120);
  g_autofree char *when = g_date_time_format (later, "%Y-%m-%dT%H:%M:%SZ");
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonNode) created = NULL;
  g_autoptr(JsonNode) seat = NULL;
  g_autofree char *book = NULL;

  *teacher_token = register_user (session, server, "teacher@bench.parla.test", "teacher");
  *learner_token = register_user (session, server, "learner@bench.parla.test", "student");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "title");
  json_builder_add_string_value (builder, "Benchmark");
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "group");
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, "es");
  json_builder_set_member_name (builder, "level");
  json_builder_add_string_value (builder, "A1");
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, when);
  json_builder_set_member_name (builder, "duration_minutes");
  json_builder_add_int_value (builder, 60);
  json_builder_set_member_name (builder, "capacity");
  json_builder_add_int_value (builder, 5);
  json_builder_set_member_name (builder, "price_minor");
  json_builder_add_int_value (builder, 0);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  created = rest (session, server, "POST", "/api/v1/sessions", *teacher_token, body, 201);
  *session_id = dup_member (created, "id");
  book = g_strdup_printf ("/api/v1/sessions/%s/book", *session_id);
  seat = rest (session, server, "POST", book, *learner_token, NULL, 201);
}

static void
load_run (const BenchOptions *options,
          const char         *size,
          const char         *share,
          LoadRun            *run)
{
  g_autofree char *teacher_token = NULL;
  g_autofree char *learner_token = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *peer_command = NULL;
  Server *server = server_start (options);
  Peer *peers[2];
  gint64 deadline;
  guint sampler;

  make_session (server, &teacher_token, &learner_token, &session_id);

  /* The teacher is in the call first; the learner joins and offers. */
  peers[0] = peer_start (options, "teacher", server->base_url, teacher_token, session_id, size, share,
                         &peer_command);
  spin (500);
  peers[1] = peer_start (options, "learner", server->base_url, learner_token, session_id, size, share,
                         NULL);

  run->label = g_strdup_printf ("%s@%d%s%s%s", size, options->fps, share ? " + screen " : "",
                                share ? share : "", options->h264 ? " H.264" : "");
  run->command = g_strdup_printf ("%s --only load --load-sizes %s --fps %d --seconds %d%s%s%s\n"
                                  "    each peer: %s", command_prefix, size, options->fps,
                                  options->seconds, share ? " --share-size " : " --share-size none",
                                  share ? share : "", options->h264 ? " --h264" : "", peer_command);

  sampler = g_timeout_add (1000, on_sample_cb, peers);
  deadline = g_get_monotonic_time () + (gint64) (options->seconds + 60) * G_USEC_PER_SEC;
  while (!(peers[0]->finished && peers[1]->finished) && g_get_monotonic_time () < deadline)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (sampler);

  for (guint i = 0; i < 2; i++)
    {
      Peer *peer = peers[i];
      JsonObject *summary = peer->summary ? json_node_get_object (peer->summary) : NULL;
      JsonNode *first = summary ? json_object_get_member (summary, "first_frame_ms") : NULL;

      run->cpu[i] = peer_cpu_percent (peer);
      run->rss_mean[i] = peer->rss->len ? 0 : NAN;
      run->rss_max[i] = peer->rss->len ? 0 : NAN;
      for (guint j = 0; j < peer->rss->len; j++)
        {
          double mb = g_array_index (peer->rss, double, j);

          run->rss_mean[i] += mb / peer->rss->len;
          run->rss_max[i] = MAX (run->rss_max[i], mb);
        }
      run->hwm[i] = peer->hwm > 0 ? peer->hwm : NAN;
      run->first_frame_ms[i] = first != NULL && JSON_NODE_HOLDS_VALUE (first) ? json_node_get_double (first) : NAN;
      run->ok[i] = summary != NULL && json_object_get_boolean_member_with_default (summary, "connected", FALSE) &&
                   json_object_get_boolean_member_with_default (summary, "pattern_ok", FALSE);
      if (summary == NULL)
        g_printerr ("parla-bench-call: the %s's parla-peer gave no summary\n", peer->who);
      else if (!run->ok[i])
        g_printerr ("parla-bench-call: the %s's call went wrong: %s\n", peer->who,
                    json_object_get_string_member_with_default (summary, "error", "(no error)"));
      peer_free (peer);
    }

  server_stop (server);

  g_print ("%s\n", run->command);
  for (guint i = 0; i < 2; i++)
    g_print ("  load %-30s %-7s %s CPU %5.1f %% of a core, RSS mean %5.1f MB, max %5.1f MB, "
             "VmHWM %5.1f MB, first frame %.0f ms\n",
             run->label, i == 0 ? "teacher" : "learner", run->ok[i] ? "ok    " : "FAILED",
             run->cpu[i], run->rss_mean[i], run->rss_max[i], run->hwm[i], run->first_frame_ms[i]);
}

static void
load_run_clear (LoadRun *run)
{
  g_clear_pointer (&run->label, g_free);
  g_clear_pointer (&run->command, g_free);
}

/* main */

/* libnice 0.1.21 warns when an agent with TURN allocations is freed
 * without nice_agent_close_async(), which webrtcbin 1.22 never calls:
 * coturn lets the allocations expire. Not this benchmark's business. */
static void
on_libnice_warning_cb (const char     *domain,
                       GLogLevelFlags  level,
                       const char     *message,
                       gpointer        user_data)
{
  if (strstr (message, "alive TURN refreshes") == NULL)
    g_log_default_handler (domain, level, message, user_data);
}

static void
on_init_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  GError **error = user_data;

  if (!parla_media_init_finish (result, error))
    return;
  *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "done");
}

static void
add_double (JsonBuilder *builder,
            const char  *name,
            double       value)
{
  json_builder_set_member_name (builder, name);
  if (isnan (value))
    json_builder_add_null_value (builder);
  else
    json_builder_add_double_value (builder, round (value * 10) / 10);
}

static void
add_first_frame (JsonBuilder   *builder,
                 const char    *name,
                 FirstFrameRun *run)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "calls");
  json_builder_add_int_value (builder, run->at_answerer->len);
  json_builder_set_member_name (builder, "failed");
  json_builder_add_int_value (builder, run->failures);
  add_double (builder, "answerer_median_ms", percentile (run->at_answerer, 50));
  add_double (builder, "answerer_p90_ms", percentile (run->at_answerer, 90));
  add_double (builder, "offerer_median_ms", percentile (run->at_offerer, 50));
  add_double (builder, "offerer_p90_ms", percentile (run->at_offerer, 90));
  json_builder_end_object (builder);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonBuilder) summary = json_builder_new ();
  g_autoptr(JsonNode) summary_node = NULL;
  g_autofree char *summary_text = NULL;
  BenchOptions options = {
    .calls = 20,
    .size = g_strdup ("640x480"),
    .fps = 30,
    .only = NULL,
    .seconds = 30,
    .load_sizes = g_strdup ("640x480,1280x720"),
    .share_size = g_strdup ("1920x1080@15"),
    .peer_path = g_strdup (PARLA_PEER_PATH),
    .server_path = g_strdup (PARLA_SERVER_PATH),
    .turnserver_path = g_strdup ("turnserver"),
    .srcdir = g_strdup (PARLA_SOURCE_DIR),
  };
  GOptionEntry entries[] = {
    { "only", 0, 0, G_OPTION_ARG_STRING, &options.only, "Run one part only", "first-frame|load" },
    { "calls", 0, 0, G_OPTION_ARG_INT, &options.calls, "first-frame: calls of each kind (20)", "N" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &options.size, "first-frame: camera size (640x480)", "WxH" },
    { "fps", 0, 0, G_OPTION_ARG_INT, &options.fps, "Camera frame rate (30)", "N" },
    { "bitrate", 0, 0, G_OPTION_ARG_INT, &options.bitrate, "Video bitrate cap (the default of the options)", "KBPS" },
    { "h264", 0, 0, G_OPTION_ARG_NONE, &options.h264, "Prefer H.264 (both sides)", NULL },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &options.seconds, "load: length of each call (30)", "S" },
    { "load-sizes", 0, 0, G_OPTION_ARG_STRING, &options.load_sizes, "load: camera sizes (640x480,1280x720)", "WxH,..." },
    { "share-size", 0, 0, G_OPTION_ARG_STRING, &options.share_size,
      "load: the screen shared in a second run of each size, or none (1920x1080@15)", "WxH@FPS" },
    { "peer", 0, 0, G_OPTION_ARG_FILENAME, &options.peer_path, "The parla-peer to run", "PATH" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &options.server_path, "The parla-server to run", "PATH" },
    { "turnserver", 0, 0, G_OPTION_ARG_FILENAME, &options.turnserver_path, "coturn's turnserver", "PATH" },
    { "srcdir", 0, 0, G_OPTION_ARG_FILENAME, &options.srcdir, "The source tree (data/coturn)", "DIR" },
    { NULL }
  };
  gboolean first_frame, load;
  FirstFrameRun direct = { 0 }, turn = { 0 };
  g_autoptr(GArray) loads = g_array_new (FALSE, TRUE, sizeof (LoadRun));
  int width, height;

  parla_media_limit_arenas ();
  g_log_set_handler ("libnice", G_LOG_LEVEL_WARNING, on_libnice_warning_cb, NULL);

  context = g_option_context_new ("- how fast calls start, and what they cost");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("parla-bench-call: %s\n", error->message);
      return 2;
    }

  if (options.only != NULL && !g_str_equal (options.only, "first-frame") && !g_str_equal (options.only, "load"))
    {
      g_printerr ("parla-bench-call: --only takes first-frame or load\n");
      return 2;
    }
  if (!parse_size (options.size, &width, &height) || options.fps < 1 || options.fps > 60 ||
      options.calls < 1 || options.seconds < 5 || options.bitrate < 0)
    {
      g_printerr ("parla-bench-call: bad --size, --fps, --calls, --seconds or --bitrate\n");
      return 2;
    }
  first_frame = options.only == NULL || g_str_equal (options.only, "first-frame");
  load = options.only == NULL || g_str_equal (options.only, "load");
  if (g_str_equal (options.share_size, "none"))
    g_clear_pointer (&options.share_size, g_free);

  command_prefix = g_strdup ("parla-bench-call");

  if (first_frame)
    {
      Coturn *coturn;

      gst_init (NULL, NULL);
      parla_media_init_async (NULL, on_init_done_cb, &error);
      while (error == NULL)
        g_main_context_iteration (NULL, TRUE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
        die ("%s", error->message);
      g_clear_error (&error);

      first_frame_run (&options, "direct", NULL, &direct);

      coturn = coturn_start (&options);
      first_frame_run (&options, "turn", coturn, &turn);
      coturn_free (coturn);
    }

  if (load)
    {
      g_auto(GStrv) sizes = g_strsplit (options.load_sizes, ",", -1);

      if (!g_file_test (options.peer_path, G_FILE_TEST_IS_EXECUTABLE))
        die ("no parla-peer at %s (--peer)", options.peer_path);

      for (guint i = 0; sizes[i] != NULL; i++)
        {
          if (!parse_size (sizes[i], &width, &height))
            die ("bad size in --load-sizes: %s", sizes[i]);

          for (guint shared = 0; shared < (options.share_size ? 2 : 1); shared++)
            {
              LoadRun run = { 0 };

              load_run (&options, sizes[i], shared ? options.share_size : NULL, &run);
              g_array_append_val (loads, run);
            }
        }
    }

  json_builder_begin_object (summary);
  if (first_frame)
    {
      add_first_frame (summary, "direct", &direct);
      add_first_frame (summary, "turn", &turn);
    }
  json_builder_set_member_name (summary, "load");
  json_builder_begin_array (summary);
  for (guint i = 0; i < loads->len; i++)
    {
      LoadRun *run = &g_array_index (loads, LoadRun, i);

      for (guint j = 0; j < 2; j++)
        {
          json_builder_begin_object (summary);
          json_builder_set_member_name (summary, "run");
          json_builder_add_string_value (summary, run->label);
          json_builder_set_member_name (summary, "peer");
          json_builder_add_string_value (summary, j == 0 ? "teacher" : "learner");
          json_builder_set_member_name (summary, "ok");
          json_builder_add_boolean_value (summary, run->ok[j]);
          add_double (summary, "cpu_percent", run->cpu[j]);
          add_double (summary, "rss_mean_mb", run->rss_mean[j]);
          add_double (summary, "rss_max_mb", run->rss_max[j]);
          add_double (summary, "vmhwm_mb", run->hwm[j]);
          add_double (summary, "first_frame_ms", run->first_frame_ms[j]);
          json_builder_end_object (summary);
        }
      load_run_clear (run);
    }
  json_builder_end_array (summary);
  json_builder_end_object (summary);
  summary_node = json_builder_get_root (summary);
  summary_text = json_to_string (summary_node, FALSE);
  g_print ("%s\n", summary_text);

  first_frame_run_clear (&direct);
  first_frame_run_clear (&turn);
  g_free (options.size);
  g_free (options.only);
  g_free (options.load_sizes);
  g_free (options.share_size);
  g_free (options.peer_path);
  g_free (options.server_path);
  g_free (options.turnserver_path);
  g_free (options.srcdir);
  g_free (command_prefix);

  return 0;
}
