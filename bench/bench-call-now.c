/* bench-call-now.c: from "call a tutor now" to the first remote frame
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A parla-server process with a new database, an admin made with
 * `parla-server create-admin`, a teacher of English and a learner with
 * minutes, made over the REST API. For each of --calls rounds, the
 * teacher's parla-peer waits as an available teacher who accepts at once
 * (--answer accept); then the learner's parla-peer calls (--call en) and
 * reports, in its summary, the time from sending POST /api/v1/calls to
 * its first decoded remote video frame (`call_to_first_frame_ms`): the
 * ring, the teacher's accept, joining the call on both sides, the WebRTC
 * negotiation and the first frame. Both peers are warmed up (signed in,
 * connected to the hub, media engine ready) before the call is made.
 *
 * Prints each round, split into the time to enter the call's room (the
 * ring, the accept, joining) and from there to the first frame (the
 * WebRTC negotiation and the first decoded frame, `first_frame_ms`), then
 * the median, 90th percentile, minimum and maximum with the command line;
 * the last line is one JSON object.
 * docs/benchmarks.md records a run.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <gio/gio.h>
#include <glib/gstdio.h>
#include <json-glib/json-glib.h>
#include <libsoup/soup.h>

#define ADMIN_EMAIL     "admin@bench.test"
#define TEACHER_EMAIL   "teacher@bench.test"
#define LEARNER_EMAIL   "learner@bench.test"
#define PASSWORD        "parla bench password"
#define LINE_TIMEOUT_S  60

typedef struct
{
  int   calls;
  char *server_path;
  char *peer_path;
} Options;

typedef struct
{
  char        *dir;
  char        *db;
  char        *base_url;
  GSubprocess *process;
} Server;

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
} Peer;

static G_NORETURN void
die (const char *format,
     ...) G_GNUC_PRINTF (1, 2);

static void
die (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  fputs ("bench-call-now: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  exit (1);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

/* Nearest rank on the sorted @values. */
static double
percentile (GArray *values,
            double  p)
{
  guint rank = (guint) (p / 100.0 * values->len + 0.999999);

  return g_array_index (values, double, CLAMP (rank, 1, values->len) - 1);
}

static void
remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      g_unlink (child);
    }
  g_rmdir (path);
}

static Server *
server_start (const Options *options)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) admin = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  Server *server = g_new0 (Server, 1);
  const char *url, *end;

  server->dir = g_dir_make_tmp ("parla-bench-call-now-XXXXXX", &error);
  if (server->dir == NULL)
    die ("%s", error->message);
  server->db = g_strdup_printf ("sqlite:%s/parla.db", server->dir);

  for (const char * const *name = (const char * const []) { "PARLA_CONFIG", "PARLA_DB", "PARLA_LISTEN", NULL };
       *name != NULL; name++)
    g_subprocess_launcher_unsetenv (launcher, *name);

  admin = g_subprocess_launcher_spawn (launcher, &error, options->server_path, "create-admin",
                                       "--db", server->db, "--email", ADMIN_EMAIL, "--password", PASSWORD, NULL);
  if (admin == NULL || !g_subprocess_wait_check (admin, NULL, &error))
    die ("parla-server create-admin: %s", error->message);

  server->process = g_subprocess_launcher_spawn (launcher, &error, options->server_path,
                                                 "--db", server->db, "--listen", "127.0.0.1:0", NULL);
  if (server->process == NULL)
    die ("cannot start %s: %s", options->server_path, error->message);

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
  remove_dir (server->dir);
  g_free (server->dir);
  g_free (server->db);
  g_free (server->base_url);
  g_free (server);
}

/* One request whose body is @body_text (nullable); dies unless it answers
 * @expected. */
static JsonNode *
request (SoupSession *session,
         Server      *server,
         const char  *method,
         const char  *path,
         const char  *token,
         const char  *body_text,
         guint        expected)
{
  g_autofree char *url = g_strconcat (server->base_url, path + (g_str_has_suffix (server->base_url, "/") ? 1 : 0),
                                      NULL);
  g_autoptr(SoupMessage) message = soup_message_new (method, url);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;

  if (token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);

      soup_message_headers_append (soup_message_get_request_headers (message), "Authorization", authorization);
    }
  if (body_text != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body_text, strlen (body_text));

      soup_message_set_request_body_from_bytes (message, "application/json", bytes);
    }

  reply = soup_session_send_and_read (session, message, NULL, &error);
  if (reply == NULL)
    die ("%s %s: %s", method, path, error->message);
  if (soup_message_get_status (message) != expected)
    die ("%s %s: HTTP %u: %.*s", method, path, soup_message_get_status (message),
         (int) g_bytes_get_size (reply), (const char *) g_bytes_get_data (reply, NULL));
  if (!json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL), g_bytes_get_size (reply), &error))
    die ("%s %s: %s", method, path, error->message);

  return json_parser_steal_root (parser);
}

static char *
dup_string (JsonNode   *node,
            const char *object_member,
            const char *member)
{
  JsonObject *object = json_node_get_object (node);

  if (object_member != NULL)
    object = json_object_get_object_member (object, object_member);

  return g_strdup (json_object_get_string_member (object, member));
}

/* Builds a JSON object body from name, value pairs (strings), or with an
 * integer "minutes". */
static char *
json_body (const char *first_name,
           ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  json_builder_begin_object (builder);
  while (name != NULL)
    {
      json_builder_set_member_name (builder, name);
      if (g_str_equal (name, "minutes"))
        json_builder_add_int_value (builder, va_arg (args, int));
      else
        json_builder_add_string_value (builder, va_arg (args, const char *));
      name = va_arg (args, const char *);
    }
  json_builder_end_object (builder);
  va_end (args);

  node = json_builder_get_root (builder);
  return json_to_string (node, FALSE);
}

static char *
register_user (SoupSession *session,
               Server      *server,
               const char  *email,
               const char  *role,
               char       **out_id)
{
  g_autofree char *body = json_body ("email", email, "password", PASSWORD, "display_name", email,
                                     "role", role, NULL);
  g_autoptr(JsonNode) answer = request (session, server, "POST", "/api/v1/auth/register", NULL, body, 201);

  if (out_id != NULL)
    *out_id = dup_string (answer, "user", "id");
  return dup_string (answer, NULL, "token");
}

static Peer *
peer_start (const Options *options,
            Server        *server,
            const char    *email,
            const char    *what,
            const char    *value,
            const char    *duration)
{
  g_autoptr(GError) error = NULL;
  Peer *peer = g_new0 (Peer, 1);

  peer->process = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, options->peer_path,
                                    "--server", server->base_url, "--email", email, "--password", PASSWORD,
                                    what, value, "--duration", duration, "--local-address", "127.0.0.1",
                                    "--size", "640x480", "--fps", "30", NULL);
  if (peer->process == NULL)
    die ("cannot start %s: %s", options->peer_path, error->message);
  peer->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (peer->process));

  return peer;
}

/* Reads the peer's lines until one is an event @event (or the summary,
 * when @event is NULL); dies when its output ends first. */
static JsonNode *
peer_wait (Peer       *peer,
           const char *event)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_autofree char *line = g_data_input_stream_read_line_utf8 (peer->out, NULL, NULL, &error);
      JsonObject *object;
      const char *type;

      if (line == NULL)
        die ("parla-peer stopped before %s%s", event ? "the event " : "its summary", event ? event : "");
      if (!json_parser_load_from_data (parser, line, -1, &error))
        die ("parla-peer printed something else than JSON: %s", line);
      object = json_node_get_object (json_parser_get_root (parser));
      type = json_object_get_string_member_with_default (object, "type", "");

      if (event == NULL && g_str_equal (type, "summary"))
        return json_parser_steal_root (parser);
      if (event != NULL && g_str_equal (type, "event") &&
          g_strcmp0 (json_object_get_string_member_with_default (object, "event", NULL), event) == 0)
        return json_parser_steal_root (parser);
    }
}

static void
peer_free (Peer *peer)
{
  g_subprocess_send_signal (peer->process, SIGTERM);
  g_subprocess_wait (peer->process, NULL, NULL);
  g_object_unref (peer->out);
  g_object_unref (peer->process);
  g_free (peer);
}

int
main (int   argc,
      char *argv[])
{
  Options options = { 5, NULL, NULL };
  const GOptionEntry entries[] = {
    { "calls", 0, 0, G_OPTION_ARG_INT, &options.calls, "Calls to make (default 5)", "N" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &options.server_path, "parla-server to run", "PATH" },
    { "peer", 0, 0, G_OPTION_ARG_FILENAME, &options.peer_path, "parla-peer to run", "PATH" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("- time from calling a tutor now to the first frame");
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = NULL;
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(GArray) to_room = g_array_new (FALSE, FALSE, sizeof (double));
  g_autoptr(JsonBuilder) result = json_builder_new ();
  g_autoptr(JsonNode) login = NULL;
  g_autoptr(JsonNode) granted = NULL;
  g_autoptr(JsonNode) profile = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *command = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *teacher = NULL;
  g_autofree char *learner = NULL;
  g_autofree char *learner_id = NULL;
  g_autofree char *body = NULL;
  g_autofree char *text = NULL;
  Server *server;

  command = g_strjoinv (" ", argv);
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (options.calls < 1 || options.calls > 1000)
    die ("--calls takes 1 to 1000");
  if (options.server_path == NULL)
    options.server_path = g_strdup (PARLA_SERVER_PATH);
  if (options.peer_path == NULL)
    options.peer_path = g_strdup (PARLA_PEER_PATH);

  server = server_start (&options);
  session = soup_session_new_with_options ("timeout", LINE_TIMEOUT_S, NULL);

  body = json_body ("email", ADMIN_EMAIL, "password", PASSWORD, NULL);
  login = request (session, server, "POST", "/api/v1/auth/login", NULL, body, 200);
  admin = dup_string (login, NULL, "token");
  teacher = register_user (session, server, TEACHER_EMAIL, "teacher", NULL);
  learner = register_user (session, server, LEARNER_EMAIL, "student", &learner_id);
  profile = request (session, server, "PUT", "/api/v1/me/teacher-profile", teacher,
                     "{\"languages\":[\"en\"],\"time_zone\":\"UTC\"}", 200);
  g_free (body);
  body = json_body ("user_id", learner_id, "minutes", 100000, "reason", "bench", NULL);
  granted = request (session, server, "POST", "/api/v1/admin/grants", admin, body, 201);

  printf ("# %s\n", command);
  printf ("# POST /api/v1/calls to the learner's first remote frame, the teacher accepting at once,\n"
          "# 640x480@30 test sources, both peers warmed up, loopback\n");
  for (int i = 0; i < options.calls; i++)
    {
      g_autoptr(JsonNode) available = NULL;
      g_autoptr(JsonNode) summary = NULL;
      g_autoptr(JsonNode) teacher_summary = NULL;
      Peer *teacher_peer = peer_start (&options, server, TEACHER_EMAIL, "--answer", "accept", "0");
      Peer *learner_peer;
      JsonNode *ms, *in_room;

      available = peer_wait (teacher_peer, "available");
      learner_peer = peer_start (&options, server, LEARNER_EMAIL, "--call", "en", "1");
      summary = peer_wait (learner_peer, NULL);
      teacher_summary = peer_wait (teacher_peer, NULL);

      ms = json_object_get_member (json_node_get_object (summary), "call_to_first_frame_ms");
      in_room = json_object_get_member (json_node_get_object (summary), "first_frame_ms");
      if (ms == NULL || JSON_NODE_HOLDS_NULL (ms) || in_room == NULL || JSON_NODE_HOLDS_NULL (in_room))
        die ("call %d: no first frame: %s", i + 1,
             json_object_get_string_member_with_default (json_node_get_object (summary), "error", "?"));
      {
        double value = (double) json_node_get_int (ms);
        double room = value - (double) json_node_get_int (in_room);

        g_array_append_val (times, value);
        g_array_append_val (to_room, room);
        printf ("call %d: %.0f ms (%.0f ms to the call room, %.0f ms from there to the first frame)\n",
                i + 1, value, room, value - room);
        fflush (stdout);
      }

      peer_free (learner_peer);
      peer_free (teacher_peer);
    }

  server_stop (server);

  {
    g_autoptr(GArray) sorted = g_array_copy (times);
    g_autoptr(GArray) sorted_room = g_array_copy (to_room);

    g_array_sort (sorted, compare_doubles);
    g_array_sort (sorted_room, compare_doubles);
    printf ("call to first frame: median %.0f ms, p90 %.0f ms, min %.0f ms, max %.0f ms (%u calls)\n",
            percentile (sorted, 50), percentile (sorted, 90), g_array_index (sorted, double, 0),
            g_array_index (sorted, double, sorted->len - 1), sorted->len);
    printf ("  of which to the call room: median %.0f ms, p90 %.0f ms\n",
            percentile (sorted_room, 50), percentile (sorted_room, 90));

    json_builder_begin_object (result);
    json_builder_set_member_name (result, "command");
    json_builder_add_string_value (result, command);
    json_builder_set_member_name (result, "call_to_first_frame_ms");
    json_builder_begin_object (result);
    json_builder_set_member_name (result, "median");
    json_builder_add_double_value (result, percentile (sorted, 50));
    json_builder_set_member_name (result, "p90");
    json_builder_add_double_value (result, percentile (sorted, 90));
    json_builder_set_member_name (result, "to_room_median");
    json_builder_add_double_value (result, percentile (sorted_room, 50));
    json_builder_set_member_name (result, "all");
    json_builder_begin_array (result);
    for (guint i = 0; i < times->len; i++)
      json_builder_add_double_value (result, g_array_index (times, double, i));
    json_builder_end_array (result);
    json_builder_end_object (result);
    json_builder_end_object (result);
  }
  node = json_builder_get_root (result);
  text = json_to_string (node, FALSE);
  printf ("%s\n", text);

  g_free (options.server_path);
  g_free (options.peer_path);
  return 0;
}
