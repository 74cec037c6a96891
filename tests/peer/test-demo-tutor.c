/* test-demo-tutor.c: `parla-server --demo` runs an automatic tutor, so
 * that one person can try a whole call; a new one answers after each call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "peer-test-utils.h"

#define WAIT 60000

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  char             *dir;
  char             *base_url;
} DemoServer;

/* The next line of the server's standard output that starts with
 * @prefix. */
static char *
read_line_starting (DemoServer *server,
                    const char *prefix)
{
  for (;;)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *line = g_data_input_stream_read_line_utf8 (server->out, NULL, NULL, &error);

      g_assert_no_error (error);
      g_assert_nonnull (line);
      if (g_test_verbose ())
        g_printerr ("[server] %s\n", line);
      if (g_str_has_prefix (line, prefix))
        return g_steal_pointer (&line);
    }
}

static DemoServer *
demo_server_start (void)
{
  DemoServer *server = g_new0 (DemoServer, 1);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *listen = NULL;
  g_autofree char *line = NULL;
  const char *url;

  server->dir = g_dir_make_tmp ("parla-demo-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_strdup_printf ("sqlite:%s/demo.db", server->dir);
  listen = g_strdup_printf ("127.0.0.1:%u", pt_free_port ());

  g_subprocess_launcher_set_child_setup (launcher, pt_child_setup, NULL, NULL);
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "gc-friendly", TRUE);
  server->process = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("PARLA_SERVER_BIN"),
                                                 "--listen", listen, "--db", db, "--demo", NULL);
  g_assert_no_error (error);
  server->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server->process));

  line = read_line_starting (server, "parla-server ");
  url = strstr (line, " listening on ");
  g_assert_nonnull (url);
  url += strlen (" listening on ");
  server->base_url = g_strndup (url, strcspn (url, " "));

  return server;
}

/* The session the tutor waits in, from the line the server prints. */
static char *
demo_server_wait_session (DemoServer *server)
{
  g_autofree char *line = read_line_starting (server, "Demo call:");
  const char *id = strstr (line, "join session ");

  g_assert_nonnull (id);
  id += strlen ("join session ");
  return g_strndup (id, strcspn (id, ";"));
}

static void
demo_server_free (DemoServer *server)
{
  g_subprocess_send_signal (server->process, SIGTERM);
  g_subprocess_wait (server->process, NULL, NULL);
  g_object_unref (server->out);
  g_object_unref (server->process);
  pt_remove_dir (server->dir);
  g_free (server->dir);
  g_free (server->base_url);
  g_free (server);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (DemoServer, demo_server_free)

static JsonNode *
call_tutor (DemoServer *server,
            const char *session_id)
{
  const char *argv[] = {
    g_getenv ("PARLA_PEER_BIN"),
    "--server", server->base_url,
    "--email", "demo.learner@parla.app",
    "--password", "parla-demo",
    "--join", session_id,
    "--local-address", "127.0.0.1",
    "--duration", "2",
    "--size", "320x240",
    "--fps", "15",
    NULL
  };
  g_autoptr(PeerRun) learner = peer_run_start_argv (argv);
  JsonNode *summary = json_node_copy (peer_run_wait_summary (learner, WAIT));

  g_assert_cmpint (peer_run_wait_exit (learner, WAIT), ==, 0);
  return summary;
}

static void
test_demo_tutor (void)
{
  g_autoptr(DemoServer) server = demo_server_start ();
  g_autofree char *session_id = demo_server_wait_session (server);

  /* Two calls one after the other: the second is answered by the tutor
   * that took the first one's place. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(JsonNode) summary = call_tutor (server, session_id);

      g_assert_true (peer_bool (summary, "connected"));
      g_assert_true (peer_bool (summary, "pattern_ok"));
      g_assert_cmpint (pt_node_int (summary, "video_frames_received"), >, 0);
      g_assert_cmpint (pt_node_int (summary, "audio_buffers_received"), >, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/demo/tutor", test_demo_tutor);

  return g_test_run ();
}
