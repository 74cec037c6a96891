/* test-path-cut.c: a direct call between two network namespaces whose
 * path is cut, then restored or not
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "net-test-utils.h"

/* Generous upper bounds, in ms. */
#define CONNECT_WAIT   60000
#define DETECT_WAIT    30000
#define RECOVER_WAIT   60000
/* With --give-up 6: the participant is given up 6 s after its media
 * stopped, the call left alone 6 s later. */
#define GIVE_UP_WAIT   60000
/* How long the path stays cut once both sides noticed. */
#define HOLD_CUT_MS    2000

typedef struct
{
  NtNet  *net;
  NtCall *call;
  NtPeer *teacher;
  NtPeer *learner;
} Fixture;

static const char * const peer_args[] = {
  "--duration", "0", "--timeout", "60", "--size", "320x240", "--fps", "15", NULL
};

static const char * const give_up_args[] = {
  "--duration", "0", "--timeout", "60", "--size", "320x240", "--fps", "15", "--give-up", "6", NULL
};

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  const char * const *args = data != NULL ? data : peer_args;

  f->net = nt_net_new ();
  f->call = nt_call_new (f->net, FALSE, 0);

  f->teacher = nt_peer_start (f->call, "teacher", f->net->ns_a, args);
  f->learner = nt_peer_start (f->call, "learner", f->net->ns_b, args);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_pointer (&f->teacher, nt_peer_free);
  g_clear_pointer (&f->learner, nt_peer_free);
  g_clear_pointer (&f->call, nt_call_free);
  g_clear_pointer (&f->net, nt_net_free);
}

static gboolean
both_in (Fixture    *f,
         const char *state)
{
  return g_str_equal (nt_peer_state (f->teacher), state) &&
         g_str_equal (nt_peer_state (f->learner), state);
}

static gboolean
media_flows (NtPeer *peer)
{
  /* media-flowing: parla-peer got video and audio, and receiver reports
   * (a round trip) say the other side gets ours */
  return nt_peer_saw_event (peer, "media-flowing") &&
         nt_peer_int (peer, "video_frames_received") > 0 &&
         nt_peer_int (peer, "audio_buffers_received") > 0 &&
         nt_stats_link (nt_peer_last_stats (peer)) != NULL;
}

static void
wait_connected (Fixture *f)
{
  PT_WAIT_UNTIL (both_in (f, "connected") && media_flows (f->teacher) && media_flows (f->learner),
                 CONNECT_WAIT);

  /* A direct path between the namespaces, not through anything. */
  for (guint i = 0; i < 2; i++)
    {
      JsonObject *link = nt_stats_link (nt_peer_last_stats (i == 0 ? f->teacher : f->learner));

      g_assert_nonnull (link);
      g_assert_false (json_object_get_boolean_member (link, "relayed"));
      g_assert_cmpstr (json_object_get_string_member (link, "local_candidate"), ==, "host");
    }
}

/* No stats line and no event of @peer says the call ended. */
static void
assert_never_ended (NtPeer *peer)
{
  for (guint i = 0; i < peer->run->stats->len; i++)
    {
      const char *state = json_object_get_string_member (nt_peer_stats_at (peer, i), "state");

      g_assert_cmpstr (state, !=, "ended");
      g_assert_cmpstr (state, !=, "failed");
    }
  g_assert_false (nt_peer_saw_event (peer, "ended"));
  g_assert_false (nt_peer_saw_event (peer, "failed"));
}

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    pt_iterate ();
}

/* The path goes away for longer than it takes to notice, and comes back:
 * both sides say so, reconnect by themselves (an ICE restart, as a new
 * connection), and media flows again in the same call. */
static void
test_cut_and_restore (Fixture       *f,
                      gconstpointer  data)
{
  gint64 teacher_frames;
  gint64 learner_frames;
  int status;

  wait_connected (f);
  g_assert_cmpint (nt_peer_int (f->teacher, "reconnections"), ==, 0);
  g_assert_cmpint (nt_peer_int (f->learner, "reconnections"), ==, 0);

  nt_net_cut (f->net);
  PT_WAIT_UNTIL (both_in (f, "reconnecting"), DETECT_WAIT);
  g_assert_true (nt_peer_saw_event (f->teacher, "reconnecting"));
  g_assert_true (nt_peer_saw_event (f->learner, "reconnecting"));
  spin (HOLD_CUT_MS);
  /* the rules did drop what the other side sent */
  g_assert_cmpuint (nt_net_count_dropped (f->net, f->net->ns_a), >, 0);
  g_assert_cmpuint (nt_net_count_dropped (f->net, f->net->ns_b), >, 0);

  teacher_frames = nt_peer_int (f->teacher, "video_frames_received");
  learner_frames = nt_peer_int (f->learner, "video_frames_received");
  nt_net_restore (f->net);

  PT_WAIT_UNTIL (both_in (f, "connected") &&
                 nt_peer_int (f->teacher, "reconnections") >= 1 &&
                 nt_peer_int (f->learner, "reconnections") >= 1,
                 RECOVER_WAIT);
  /* Frames keep coming after the restore, both ways: a second's worth
   * and more. */
  PT_WAIT_UNTIL (nt_peer_int (f->teacher, "video_frames_received") > teacher_frames + 15 &&
                 nt_peer_int (f->learner, "video_frames_received") > learner_frames + 15,
                 RECOVER_WAIT);
  g_assert_true (both_in (f, "connected"));

  assert_never_ended (f->teacher);
  assert_never_ended (f->learner);

  /* The teacher hangs up; the learner's call ends with the teacher gone.
   * Both say media flowed, and that they reconnected. */
  g_subprocess_send_signal (f->teacher->run->process, SIGTERM);
  status = nt_peer_wait_exit (f->teacher, CONNECT_WAIT);
  g_assert_cmpint (status, ==, 0);
  status = nt_peer_wait_exit (f->learner, CONNECT_WAIT);
  g_assert_cmpint (status, ==, 0);

  for (guint i = 0; i < 2; i++)
    {
      JsonNode *summary = (i == 0 ? f->teacher : f->learner)->run->summary;
      JsonObject *object = json_node_get_object (summary);

      g_assert_true (json_object_get_boolean_member (object, "connected"));
      g_assert_cmpint (json_object_get_int_member (object, "reconnections"), >=, 1);
      g_assert_true (json_object_get_null_member (object, "error"));
    }
}

/* A path that does not come back: the call reconnects for a while, then
 * gives up and ends as failed, on both sides. */
static void
test_give_up (Fixture       *f,
              gconstpointer  data)
{
  wait_connected (f);

  nt_net_cut (f->net);
  PT_WAIT_UNTIL (both_in (f, "reconnecting"), DETECT_WAIT);

  PT_WAIT_UNTIL (nt_peer_saw_event (f->teacher, "failed") && nt_peer_saw_event (f->learner, "failed"),
                 GIVE_UP_WAIT);
  g_assert_false (nt_peer_saw_event (f->teacher, "ended"));
  g_assert_false (nt_peer_saw_event (f->learner, "ended"));

  for (guint i = 0; i < 2; i++)
    {
      NtPeer *peer = i == 0 ? f->teacher : f->learner;
      JsonObject *summary;

      nt_peer_wait_exit (peer, CONNECT_WAIT);
      summary = json_node_get_object (peer->run->summary);
      /* It did connect before, and says why it ended. */
      g_assert_true (json_object_get_boolean_member (summary, "connected"));
      g_assert_false (json_object_get_null_member (summary, "error"));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  if (!nt_init ())
    return 0;

  g_test_add ("/net/path/cut-and-restore", Fixture, NULL, fixture_set_up, test_cut_and_restore,
              fixture_tear_down);
  g_test_add ("/net/path/give-up", Fixture, give_up_args, fixture_set_up, test_give_up,
              fixture_tear_down);

  return g_test_run ();
}
