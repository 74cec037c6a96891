/* peer-test-utils.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "peer-test-utils.h"

#include <signal.h>
#include <unistd.h>
#include <string.h>

#define MINUTE 60

static guint next_id;

PeerFixture *
peer_fixture_new (PtConfigure configure,
                  gpointer    user_data)
{
  return peer_fixture_new_at (configure, user_data, 0);
}

/* @now: the server's clock, in seconds since the epoch; 0 for the real
 * one */
PeerFixture *
peer_fixture_new_at (PtConfigure configure,
                     gpointer    user_data,
                     gint64      now)
{
  PeerFixture *f = g_new0 (PeerFixture, 1);
  g_autoptr(PtResponse) response = NULL;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  guint id = ++next_id;

  f->server = pt_server_start (configure, user_data);
  if (now != 0)
    pt_server_set_now (f->server, now);
  else
    now = g_get_real_time () / G_USEC_PER_SEC;
  f->teacher_email = g_strdup_printf ("teacher%u-%u@peer.test", getpid (), id);
  f->teacher = pt_register (f->server, f->teacher_email, "teacher", &f->teacher_id);

  /* The call opens 10 minutes before the start; parla-peer's TURN
   * credentials follow the server's clock too. */
  when = pt_instant ((now / MINUTE + 5) * MINUTE);
  body = pt_json ("{\"title\":\"Conversation\",\"type\":\"group\",\"language\":\"es\",\"level\":\"A1\","
                  "\"start\":\"%s\",\"duration_minutes\":60,\"capacity\":4,\"price_minor\":0}", when);
  response = pt_request (f->server, "POST", "/api/v1/sessions", f->teacher, body, NULL);
  pt_assert_status (response, 201);
  f->session_id = g_strdup (pt_str (response, "id"));

  f->learner = peer_fixture_add_learner (f, "learner", &f->learner_email, &f->learner_id);

  return f;
}

/* A new learner with a seat in the session; returns their token. */
char *
peer_fixture_add_learner (PeerFixture  *f,
                          const char   *name,
                          char        **out_email,
                          char        **out_id)
{
  g_autofree char *email = g_strdup_printf ("%s%u-%u@peer.test", name, getpid (), ++next_id);
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/book", f->session_id);
  g_autoptr(PtResponse) response = NULL;
  char *token = pt_register (f->server, email, "student", out_id);

  response = pt_request (f->server, "POST", path, token, NULL, NULL);
  pt_assert_status (response, 201);
  g_assert_cmpstr (pt_str (response, "status"), ==, "confirmed");

  if (out_email != NULL)
    *out_email = g_steal_pointer (&email);
  return token;
}

void
peer_fixture_free (PeerFixture *f)
{
  pt_server_stop (f->server);
  g_free (f->teacher);
  g_free (f->teacher_id);
  g_free (f->teacher_email);
  g_free (f->learner);
  g_free (f->learner_id);
  g_free (f->learner_email);
  g_free (f->session_id);
  g_free (f);
}

/* parla-peer processes */

static void read_line (PeerRun *run);

static void
on_line_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  PeerRun *run = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonParser) parser = NULL;
  g_autofree char *line = NULL;
  const char *type;
  JsonNode *node;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      run->eof = TRUE;
      return;
    }

  /* In the test log, for when something fails. */
  g_test_message ("[%s] %s", run->name, line);

  /* Every line of stdout is JSON: anything else is a defect. */
  parser = json_parser_new ();
  if (!json_parser_load_from_data (parser, line, -1, &error))
    g_error ("%s printed a line that is not JSON: %s", run->name, line);
  node = json_node_copy (json_parser_get_root (parser));
  g_ptr_array_add (run->lines, node);
  type = pt_node_str (node, "type");
  if (g_strcmp0 (type, "summary") == 0)
    run->summary = node;
  else if (g_strcmp0 (type, "stats") == 0)
    g_ptr_array_add (run->stats, json_node_ref (node));
  else if (g_strcmp0 (type, "event") == 0)
    g_ptr_array_add (run->events, json_node_ref (node));
  else
    g_error ("%s printed a line of an unknown type: %s", run->name, line);

  read_line (run);
}

static void
read_line (PeerRun *run)
{
  g_data_input_stream_read_line_async (run->out, G_PRIORITY_DEFAULT, run->cancellable,
                                       on_line_cb, run);
}

PeerRun *
peer_run_start_argv (const char * const *argv)
{
  PeerRun *run = g_new0 (PeerRun, 1);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE | G_SUBPROCESS_FLAGS_STDIN_PIPE);
  g_autoptr(GError) error = NULL;

  run->name = g_strdup (argv[0]);
  run->lines = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  run->stats = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  run->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  run->cancellable = g_cancellable_new ();

  g_subprocess_launcher_set_child_setup (launcher, pt_child_setup, NULL, NULL);
  /* Not fatal in the peer: GStreamer 1.22 warns and complains from its
   * streaming threads in two harmless races out of our reach (see
   * tests/media/media-test-utils.c); the tests judge the peer by what it
   * reports and how it exits. */
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "gc-friendly", TRUE);
  run->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);

  run->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (run->process));
  run->in = g_object_ref (g_subprocess_get_stdin_pipe (run->process));
  read_line (run);

  return run;
}

PeerRun *
peer_run_start (PeerFixture        *f,
                const char         *email,
                const char * const *args)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  const char *exe = g_getenv ("PARLA_PEER_BIN");
  PeerRun *run;

  g_assert_nonnull (exe);
  g_strv_builder_add_many (builder, exe,
                           "--server", f->server->base_url,
                           "--email", email,
                           "--password", PEER_PASSWORD,
                           "--join", f->session_id,
                           "--local-address", "127.0.0.1",
                           "--commands",
                           NULL);
  for (guint i = 0; args != NULL && args[i] != NULL; i++)
    g_strv_builder_add (builder, args[i]);
  argv = g_strv_builder_end (builder);

  run = peer_run_start_argv ((const char * const *) argv);
  g_free (run->name);
  run->name = g_strdup (email);

  return run;
}

void
peer_run_command (PeerRun    *run,
                  const char *command)
{
  g_autofree char *line = g_strconcat (command, "\n", NULL);
  g_autoptr(GError) error = NULL;

  g_output_stream_write_all (run->in, line, strlen (line), NULL, NULL, &error);
  g_assert_no_error (error);
  g_output_stream_flush (run->in, NULL, &error);
  g_assert_no_error (error);
}

JsonNode *
peer_run_wait (PeerRun   *run,
               guint     *from,
               PeerMatch  match,
               gpointer   user_data,
               guint      timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;
  guint i = from != NULL ? *from : 0;

  for (;;)
    {
      for (; i < run->lines->len; i++)
        {
          JsonNode *line = g_ptr_array_index (run->lines, i);

          if (match (line, user_data))
            {
              if (from != NULL)
                *from = i + 1;
              return line;
            }
        }

      if (run->eof)
        return NULL;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: nothing matched after %u ms", run->name, timeout_ms);
      pt_iterate ();
    }
}

static gboolean
match_event (JsonNode *line,
             gpointer  user_data)
{
  return g_strcmp0 (pt_node_str (line, "type"), "event") == 0 &&
         g_strcmp0 (pt_node_str (line, "event"), user_data) == 0;
}

JsonNode *
peer_run_wait_event (PeerRun    *run,
                     guint      *from,
                     const char *event,
                     guint       timeout_ms)
{
  JsonNode *line = peer_run_wait (run, from, match_event, (gpointer) event, timeout_ms);

  if (line == NULL)
    g_error ("%s ended without the event %s", run->name, event);
  return line;
}

JsonNode *
peer_run_wait_summary (PeerRun *run,
                       guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (!run->eof)
    {
      if (g_get_monotonic_time () > deadline)
        g_error ("%s: no summary after %u ms", run->name, timeout_ms);
      pt_iterate ();
    }

  /* The summary is the last line. */
  g_assert_nonnull (run->summary);
  g_assert_true (g_ptr_array_index (run->lines, run->lines->len - 1) == run->summary);

  return run->summary;
}

static void
on_exited_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  PeerRun *run = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  run->exited = TRUE;
}

int
peer_run_wait_exit (PeerRun *run,
                    guint    timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  if (!run->exited)
    {
      g_subprocess_wait_async (run->process, run->cancellable, on_exited_cb, run);
      while (!run->exited)
        {
          if (g_get_monotonic_time () > deadline)
            g_error ("%s did not exit after %u ms", run->name, timeout_ms);
          pt_iterate ();
        }
    }

  g_assert_true (g_subprocess_get_if_exited (run->process));
  run->exit_status = g_subprocess_get_exit_status (run->process);

  return run->exit_status;
}

void
peer_run_free (PeerRun *run)
{
  g_cancellable_cancel (run->cancellable);
  if (!run->exited && g_subprocess_get_identifier (run->process) != NULL)
    {
      g_subprocess_send_signal (run->process, SIGKILL);
      g_subprocess_wait (run->process, NULL, NULL);
    }
  g_clear_object (&run->out);
  g_clear_object (&run->in);
  g_clear_object (&run->process);
  g_clear_object (&run->cancellable);
  g_ptr_array_unref (run->lines);
  g_ptr_array_unref (run->stats);
  g_ptr_array_unref (run->events);
  g_free (run->name);
  g_free (run);
}

gboolean
peer_bool (JsonNode   *node,
           const char *path)
{
  JsonNode *member = pt_json_get (node, path);

  g_assert_nonnull (member);
  g_assert_true (JSON_NODE_HOLDS_VALUE (member) && json_node_get_value_type (member) == G_TYPE_BOOLEAN);
  return json_node_get_boolean (member);
}

double
peer_double (JsonNode   *node,
             const char *path)
{
  JsonNode *member = pt_json_get (node, path);

  g_assert_nonnull (member);
  g_assert_true (JSON_NODE_HOLDS_VALUE (member));
  return json_node_get_double (member);
}
