/* test-call-now.c: a learner's parla-peer calls a tutor now; the first
 * teacher's parla-peer declines, the second lets it ring out, the third
 * accepts: the call connects with media both ways and the minutes used
 * are debited exactly
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "parla-admin.h"
#include "peer-test-utils.h"

#define WAIT   30000      /* ms: generous bound for anything a peer reports */
#define RING   3          /* --ring-timeout, s */

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  config->ring_timeout_seconds = RING;
}

static char *
admin_token (PeerFixture *f)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PtResponse) login = NULL;

  parla_admin_create (f->server->config, "root@peer.test", "admin password", NULL, &error);
  g_assert_no_error (error);
  login = pt_request (f->server, "POST", "/api/v1/auth/login", NULL,
                      "{\"email\":\"root@peer.test\",\"password\":\"admin password\"}", NULL);
  pt_assert_status (login, 200);

  return g_strdup (pt_str (login, "token"));
}

/* A teacher of English, whose parla-peer answers calls with @answer; it
 * returns once they are available. */
static PeerRun *
start_teacher (PeerFixture *f,
               const char  *name,
               const char  *answer)
{
  g_autofree char *email = g_strdup_printf ("%s-%d@peer.test", name, (int) getpid ());
  g_autofree char *token = pt_register (f->server, email, "teacher", NULL);
  g_autoptr(PtResponse) profile = pt_request (f->server, "PUT", "/api/v1/me/teacher-profile", token,
                                              "{\"languages\":[\"en\"],\"time_zone\":\"UTC\"}", NULL);
  const char *argv[] = {
    g_getenv ("PARLA_PEER_BIN"), "--server", f->server->base_url, "--email", email,
    "--password", PEER_PASSWORD, "--answer", answer, "--local-address", "127.0.0.1",
    "--duration", "0", "--size", "320x240", "--fps", "15", NULL
  };
  PeerRun *run;

  pt_assert_status (profile, 200);
  run = peer_run_start_argv (argv);
  g_free (run->name);
  run->name = g_strdup (name);
  g_assert_nonnull (peer_run_wait_event (run, NULL, "available", WAIT));

  return run;
}

static const char *
event_member (JsonNode   *event,
              const char *name)
{
  return pt_node_str (event, name);
}

static void
test_call_now (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (configure, NULL);
  g_autofree char *admin = admin_token (f);
  g_autofree char *grant = pt_json ("{\"user_id\":\"%s\",\"minutes\":30,\"reason\":\"test\"}", f->learner_id);
  g_autoptr(PtResponse) granted = pt_request (f->server, "POST", "/api/v1/admin/grants", admin, grant, NULL);
  g_autoptr(PeerRun) decliner = NULL;
  g_autoptr(PeerRun) sleeper = NULL;
  g_autoptr(PeerRun) acceptor = NULL;
  g_autoptr(PeerRun) learner = NULL;
  g_autoptr(PtResponse) call = NULL;
  g_autoptr(PtResponse) balance = NULL;
  g_autofree char *path = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *decliner_email = NULL;
  JsonNode *calling, *summary;
  guint from = 0;
  gint64 billed, used;

  pt_assert_status (granted, 201);

  /* Equal in everything but who waited longest: they ring in this order. */
  decliner = start_teacher (f, "decliner", "decline");
  g_usleep (1100 * 1000);
  sleeper = start_teacher (f, "sleeper", "ignore");
  g_usleep (1100 * 1000);
  acceptor = start_teacher (f, "acceptor", "accept");

  {
    const char *argv[] = {
      g_getenv ("PARLA_PEER_BIN"), "--server", f->server->base_url, "--email", f->learner_email,
      "--password", PEER_PASSWORD, "--call", "en", "--local-address", "127.0.0.1",
      "--duration", "3", "--size", "320x240", "--fps", "15", NULL
    };

    learner = peer_run_start_argv (argv);
  }

  calling = peer_run_wait_event (learner, &from, "calling", WAIT);
  call_id = g_strdup (event_member (calling, "call_id"));
  g_assert_cmpstr (event_member (calling, "status"), ==, "ringing");
  decliner_email = g_strdup_printf ("decliner-%d@peer.test", (int) getpid ());
  g_assert_cmpstr (event_member (calling, "teacher"), ==, decliner_email);
  g_assert_cmpstr (event_member (peer_run_wait_event (decliner, NULL, "ringing", WAIT), "learner"), ==,
                   f->learner_email);

  g_assert_nonnull (peer_run_wait_event (learner, &from, "declined", WAIT));
  g_assert_nonnull (peer_run_wait_event (sleeper, NULL, "ringing", WAIT));
  g_assert_nonnull (peer_run_wait_event (learner, &from, "timeout", WAIT));
  g_assert_nonnull (peer_run_wait_event (acceptor, NULL, "ringing", WAIT));
  g_assert_nonnull (peer_run_wait_event (learner, &from, "accepted", WAIT));

  summary = peer_run_wait_summary (learner, WAIT);
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_true (json_node_is_null (pt_json_get (summary, "error")));
  g_assert_cmpint (peer_run_wait_exit (learner, WAIT), ==, 0);

  /* The learner hung up and left: the teacher is done too. */
  summary = peer_run_wait_summary (acceptor, WAIT);
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_cmpint (peer_run_wait_exit (acceptor, WAIT), ==, 0);

  /* Neither of the others was rung twice. */
  g_assert_false (decliner->exited);
  g_assert_false (sleeper->exited);

  path = g_strdup_printf ("/api/v1/calls/%s", call_id);
  call = pt_request (f->server, "GET", path, f->learner, NULL, NULL);
  pt_assert_status (call, 200);
  g_assert_cmpstr (pt_str (call, "status"), ==, "ended");
  g_assert_cmpstr (pt_str (call, "end_reason"), ==, "hangup");
  g_assert_cmpstr (pt_str (call, "attempts[0].outcome"), ==, "declined");
  g_assert_cmpstr (pt_str (call, "attempts[1].outcome"), ==, "timeout");
  g_assert_cmpstr (pt_str (call, "attempts[2].outcome"), ==, "accepted");
  g_assert_false (pt_has (call, "attempts[3]"));

  /* Every started minute of the metered time, no more, no less. */
  used = pt_int (call, "billing.seconds_used");
  billed = pt_int (call, "billing.seconds_billed");
  g_assert_cmpint (used, >, 0);
  g_assert_cmpint (billed, ==, (used + 59) / 60 * 60);
  balance = pt_request (f->server, "GET", "/api/v1/me/balance", f->learner, NULL, NULL);
  g_assert_cmpint (pt_int (balance, "seconds"), ==, 30 * 60 - billed);
}

/* `parla-server --demo`: its demo learner has minutes and its demo
 * teacher is available, again after each call. */
static void
test_demo (void)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(GDataInputStream) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("parla-call-now-XXXXXX", NULL);
  g_autofree char *db = g_strdup_printf ("sqlite:%s/demo.db", dir);
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", pt_free_port ());
  g_autofree char *url = NULL;
  g_autofree char *teacher_id = NULL;
  g_autofree char *token = NULL;
  g_autoptr(PtResponse) login = NULL;
  g_autoptr(PtResponse) learner_login = NULL;
  g_autoptr(PtWs) ws = NULL;
  g_autoptr(JsonNode) offline = NULL;
  PtServer remote = { 0 };

  g_subprocess_launcher_set_child_setup (launcher, pt_child_setup, NULL, NULL);
  server = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("PARLA_SERVER_BIN"),
                                        "--listen", listen, "--db", db, "--demo", NULL);
  g_assert_no_error (error);
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  while (url == NULL)
    {
      g_autofree char *line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error);
      const char *at;

      g_assert_no_error (error);
      g_assert_nonnull (line);
      at = strstr (line, " listening on ");
      if (at != NULL)
        url = g_strndup (at + strlen (" listening on "), strcspn (at + strlen (" listening on "), " "));
    }

  /* Watch the demo teacher's presence, as the app's "call now" screen would. */
  remote.base_url = url;
  login = pt_request (&remote, "POST", "/api/v1/auth/login", NULL,
                      "{\"email\":\"demo.teacher@parla.app\",\"password\":\"parla-demo\"}", NULL);
  pt_assert_status (login, 200);
  teacher_id = g_strdup (pt_str (login, "user.id"));
  learner_login = pt_request (&remote, "POST", "/api/v1/auth/login", NULL,
                              "{\"email\":\"demo.learner@parla.app\",\"password\":\"parla-demo\"}", NULL);
  pt_assert_status (learner_login, 200);
  token = g_strdup (pt_str (learner_login, "token"));
  ws = pt_ws_connect (&remote, token);
  pt_ws_sendf (ws, "{\"type\":\"presence.watch\",\"id\":\"w-1\",\"user_ids\":[\"%s\"]}", teacher_id);

  for (int i = 0; i < 2; i++)
    {
      const char *argv[] = {
        g_getenv ("PARLA_PEER_BIN"), "--server", url, "--email", "demo.learner@parla.app",
        "--password", "parla-demo", "--call", "es", "--local-address", "127.0.0.1",
        "--duration", "2", "--size", "320x240", "--fps", "15", NULL
      };
      g_autoptr(PeerRun) learner = NULL;
      JsonNode *summary;

      g_autoptr(JsonNode) available = NULL;

      /* The demo teacher is up (the first time) or back (after a call). */
      available = pt_ws_wait_for (ws, "presence", "status", "available", WAIT);
      learner = peer_run_start_argv (argv);
      summary = peer_run_wait_summary (learner, WAIT);
      g_assert_true (peer_bool (summary, "connected"));
      g_assert_true (json_node_is_null (pt_json_get (summary, "error")));
      g_assert_cmpint (peer_run_wait_exit (learner, WAIT), ==, 0);

      /* Its parla-peer ends with the call; a new one takes its place. */
      g_clear_pointer (&offline, json_node_unref);
      offline = pt_ws_wait_for (ws, "presence", "status", "offline", WAIT);
    }

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  pt_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/peer/call-now", test_call_now);
  g_test_add_func ("/peer/call-now/demo", test_demo);

  return g_test_run ();
}
