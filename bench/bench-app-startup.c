/* bench-app-startup.c: how fast the desktop app shows its window, and how
 * much memory it holds once signed in and idle
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs a display, a session bus and a keyring; run it as
 *
 *   tests/ui/ui-run.sh tests/api/keyring-run.sh _build/bench/parla-bench-app-startup [--runs N]
 *
 * It starts parla-server --demo (without its demo tutor) on a free port,
 * then launches the parla binary N times signed out and N times signed in
 * (a token kept in the keyring, as after a previous sign-in), each with
 * PARLA_STARTUP_REPORT set: the app then prints when its window first
 * drew and when the signed-in pages showed, in CLOCK_MONOTONIC time, which
 * this process shares. Idle memory is read 5 s after the pages showed:
 * RSS, PSS and anonymous memory. Under Xvfb GDK still loads Mesa's
 * software GL (libLLVM alone is ~44 MiB of shared RSS); GDK_DEBUG=gl-disable
 * shows the app without it.
 */

#include "config.h"

#include <json-glib/json-glib.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>

#include "parla-api-client.h"
#include "parla-token-store.h"

#define DEMO_EMAIL "demo.learner@parla.app"

static int runs = 5;

static const GOptionEntry entries[] = {
  { "runs", 'n', 0, G_OPTION_ARG_INT, &runs, "Launches of each kind (5)", "N" },
  { NULL }
};

static GSubprocess *
start_server (char **out_url)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("parla-bench-app-XXXXXX", &error);
  g_autofree char *db = g_strdup_printf ("sqlite:%s/parla.db", dir);
  g_autoptr(GDataInputStream) out = NULL;
  GSubprocess *server;
  char *line;

  g_assert_no_error (error);
  server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, PARLA_SERVER_PATH,
                             "--listen", "127.0.0.1:0", "--db", db, "--demo", "--no-demo-tutor",
                             NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      char *url = strstr (line, "http://");

      if (url != NULL)
        {
          *strchr (url, ' ') = '\0';
          *out_url = g_strdup (url);
          g_free (line);
          return server;
        }
      g_free (line);
    }

  g_error ("parla-server did not say where it listens");
}

static char *
log_in (const char *url)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *login = g_strconcat (url, url[strlen (url) - 1] == '/' ? "" : "/",
                                        "api/v1/auth/login", NULL);
  g_autoptr(SoupMessage) message = soup_message_new ("POST", login);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GBytes) request = NULL;
  g_autoptr(GBytes) response = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, DEMO_EMAIL);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, "parla-demo");
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);
  text = json_to_string (body, FALSE);
  request = g_bytes_new (text, strlen (text));
  soup_message_set_request_body_from_bytes (message, "application/json", request);

  response = soup_session_send_and_read (session, message, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (message), ==, 200);
  json_parser_load_from_data (parser, g_bytes_get_data (response, NULL), g_bytes_get_size (response), &error);
  g_assert_no_error (error);

  return g_strdup (json_object_get_string_member (json_node_get_object (json_parser_get_root (parser)), "token"));
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *done = user_data;

  g_assert_true (parla_token_store_save_finish (PARLA_TOKEN_STORE (object), result, NULL));
  *done = TRUE;
}

static void
on_cleared (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;

  parla_token_store_clear_finish (PARLA_TOKEN_STORE (object), result, NULL);
  *done = TRUE;
}

/* Keeps @token (NULL: none) where the app looks for it. */
static void
keep_token (const char *url,
            const char *token)
{
  g_autoptr(ParlaTokenStore) store = parla_token_store_new ();
  g_autoptr(ParlaApiClient) client = parla_api_client_new (url, NULL, NULL);
  gboolean done = FALSE;

  if (token != NULL)
    parla_token_store_save_async (store, parla_api_client_get_base_url (client), DEMO_EMAIL, token,
                                  NULL, on_saved, &done);
  else
    parla_token_store_clear_async (store, parla_api_client_get_base_url (client), NULL,
                                   on_cleared, &done);

  while (!done)
    g_main_context_iteration (NULL, TRUE);
}

/* A field of /proc/PID/smaps_rollup, in KiB: Rss counts shared libraries
 * whole, Pss shares them out, Anonymous is the process's own heap. */
static gint64
memory_kib (const char *pid,
            const char *field)
{
  g_autofree char *path = g_strdup_printf ("/proc/%s/smaps_rollup", pid);
  g_autofree char *rollup = NULL;
  g_autofree char *key = g_strdup_printf ("\n%s:", field);
  const char *line;

  if (!g_file_get_contents (path, &rollup, NULL, NULL))
    return -1;
  line = strstr (rollup, key);
  return line != NULL ? g_ascii_strtoll (line + strlen (key), NULL, 10) : -1;
}

typedef struct
{
  double first_frame_ms;
  double signed_in_ms;
  gint64 idle_rss_kib;
  gint64 idle_pss_kib;
  gint64 idle_anon_kib;
} Launch;

static Launch
launch (const char *url,
        gboolean    signed_in)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) app = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  Launch result = { -1, -1, -1, -1, -1 };
  gint64 started;
  char *line;

  g_subprocess_launcher_setenv (launcher, "PARLA_STARTUP_REPORT", "1", TRUE);
  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "G_MESSAGES_DEBUG");

  started = g_get_monotonic_time ();
  app = g_subprocess_launcher_spawn (launcher, &error, PARLA_APP_PATH, "--server", url, NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (app));
  while ((line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      g_autoptr(JsonNode) node = json_from_string (line, NULL);
      JsonObject *object = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;

      g_free (line);
      if (object == NULL)
        continue;
      if (json_object_has_member (object, "first_frame_us"))
        result.first_frame_ms = (json_object_get_int_member (object, "first_frame_us") - started) / 1000.0;
      if (json_object_has_member (object, "signed_in_us"))
        result.signed_in_ms = (json_object_get_int_member (object, "signed_in_us") - started) / 1000.0;
      if (result.first_frame_ms >= 0 && (!signed_in || result.signed_in_ms >= 0))
        break;
    }

  if (signed_in)
    {
      g_usleep (5 * G_USEC_PER_SEC);
      result.idle_rss_kib = memory_kib (g_subprocess_get_identifier (app), "Rss");
      result.idle_pss_kib = memory_kib (g_subprocess_get_identifier (app), "Pss");
      result.idle_anon_kib = memory_kib (g_subprocess_get_identifier (app), "Anonymous");
    }

  g_subprocess_send_signal (app, SIGTERM);
  g_subprocess_wait (app, NULL, NULL);
  return result;
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return x < y ? -1 : x > y;
}

static void
print_figure (const char *what,
              double     *values,
              int         n,
              const char *unit)
{
  qsort (values, n, sizeof (double), compare_doubles);
  g_print ("%-44s median %8.1f %s  (min %.1f, max %.1f, %d runs)\n",
           what, values[n / 2], unit, values[0], values[n - 1], n);
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new ("- time the desktop app's start");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autofree char *url = NULL;
  g_autofree char *token = NULL;
  g_autofree double *cold = NULL;
  g_autofree double *warm = NULL;
  g_autofree double *pages = NULL;
  g_autofree double *rss = NULL;
  g_autofree double *pss = NULL;
  g_autofree double *anon = NULL;
  double load[3] = { 0 };

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || runs < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--runs must be at least 1");
      return 2;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("No display: run it under tests/ui/ui-run.sh (see the comment at the top)\n");
      return 2;
    }

  cold = g_new0 (double, runs);
  warm = g_new0 (double, runs);
  pages = g_new0 (double, runs);
  rss = g_new0 (double, runs);
  pss = g_new0 (double, runs);
  anon = g_new0 (double, runs);

  server = start_server (&url);
  token = log_in (url);

  keep_token (url, NULL);
  for (int i = 0; i < runs; i++)
    cold[i] = launch (url, FALSE).first_frame_ms;

  keep_token (url, token);
  for (int i = 0; i < runs; i++)
    {
      Launch l = launch (url, TRUE);

      warm[i] = l.first_frame_ms;
      pages[i] = l.signed_in_ms;
      rss[i] = l.idle_rss_kib / 1024.0;
      pss[i] = l.idle_pss_kib / 1024.0;
      anon[i] = l.idle_anon_kib / 1024.0;
    }

  print_figure ("launch to first frame, signed out", cold, runs, "ms");
  print_figure ("launch to first frame, signed in", warm, runs, "ms");
  print_figure ("launch to signed-in pages shown", pages, runs, "ms");
  print_figure ("idle RSS 5 s after the pages showed", rss, runs, "MiB");
  print_figure ("  of which PSS (shared libraries shared out)", pss, runs, "MiB");
  print_figure ("  of which anonymous (the app's own)", anon, runs, "MiB");
  if (getloadavg (load, 3) > 0)
    g_print ("load average %.2f %.2f %.2f%s\n", load[0], load[1], load[2],
             load[0] > 1.5 ? " (NOISY: other work shared the CPU)" : "");

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  return 0;
}
