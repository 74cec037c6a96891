/* test-peer.c: two parla-peer processes in one call through the real
 * server: media both ways (checked by what it shows and sounds like),
 * mute, camera off, screen share, the data channel, hang-up on either side
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gstdio.h>

#include "media-test-utils.h"
#include "peer-test-utils.h"

#define WAIT 30000      /* ms: generous bound for anything a peer reports */

static const char * const short_call[] = { "--duration", "3", "--size", "320x240", "--fps", "15", NULL };
static const char * const open_call[] = { "--duration", "0", "--size", "320x240", "--fps", "15", NULL };

static void
assert_good_summary (JsonNode *summary)
{
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_true (peer_bool (summary, "pattern_ok"));
  g_assert_false (peer_bool (summary, "relayed"));
  g_assert_cmpint (pt_node_int (summary, "video_frames_received"), >, 0);
  g_assert_cmpint (pt_node_int (summary, "audio_buffers_received"), >, 0);
  g_assert_cmpint (pt_node_int (summary, "first_frame_ms"), >, 0);
  g_assert_true (json_node_is_null (pt_json_get (summary, "error")));
}

static void
test_call (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autoptr(PeerRun) teacher = peer_run_start (f, f->teacher_email, short_call);
  g_autoptr(PeerRun) learner = peer_run_start (f, f->learner_email, short_call);

  assert_good_summary (peer_run_wait_summary (teacher, WAIT));
  assert_good_summary (peer_run_wait_summary (learner, WAIT));
  g_assert_cmpint (peer_run_wait_exit (teacher, WAIT), ==, 0);
  g_assert_cmpint (peer_run_wait_exit (learner, WAIT), ==, 0);
}

typedef struct
{
  const char *field;
  const char *equals;      /* a string field equal to this, or */
  double      above;       /* a number field above this and */
  double      below;       /* below this */
} Want;

static gboolean
match_stats (JsonNode *line,
             gpointer  user_data)
{
  const Want *want = user_data;
  JsonNode *member;

  if (g_strcmp0 (pt_node_str (line, "type"), "stats") != 0)
    return FALSE;
  member = pt_json_get (line, want->field);
  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member))
    return FALSE;
  if (want->equals != NULL)
    return g_strcmp0 (pt_node_str (line, want->field), want->equals) == 0;
  return json_node_get_double (member) > want->above && json_node_get_double (member) < want->below;
}

/* The first stats line from *@from on where @field is @equals. */
static void
wait_stats (PeerRun    *run,
            guint      *from,
            const char *field,
            const char *equals)
{
  Want want = { field, equals, 0, 0 };

  g_assert_nonnull (peer_run_wait (run, from, match_stats, &want, WAIT));
}

static void
wait_stats_between (PeerRun    *run,
                    guint      *from,
                    const char *field,
                    double      above,
                    double      below)
{
  Want want = { field, NULL, above, below };

  g_assert_nonnull (peer_run_wait (run, from, match_stats, &want, WAIT));
}

static gboolean
match_track (JsonNode *line,
             gpointer  user_data)
{
  return g_strcmp0 (pt_node_str (line, "type"), "event") == 0 &&
         g_strcmp0 (pt_node_str (line, "event"), ((const char **) user_data)[0]) == 0 &&
         g_strcmp0 (pt_node_str (line, "kind"), ((const char **) user_data)[1]) == 0;
}

/* What the teacher does in the call reaches the learner as the learner's
 * own peer sees and hears it. */
static void
test_controls (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autoptr(PeerRun) teacher = peer_run_start (f, f->teacher_email, open_call);
  g_autoptr(PeerRun) learner = peer_run_start (f, f->learner_email, open_call);
  const char *screen_added[] = { "track-added", "screen" };
  const char *screen_removed[] = { "track-removed", "screen" };
  JsonNode *event;
  JsonNode *summary;
  guint t = 0, l = 0;

  peer_run_wait_event (teacher, &t, "media-flowing", WAIT);
  peer_run_wait_event (learner, &l, "media-flowing", WAIT);
  wait_stats (learner, &l, "picture", "smpte");
  wait_stats_between (learner, &l, "audio_rms", 2000, 40000);

  /* Muted: silence, without renegotiation (no track comes or goes). */
  peer_run_command (teacher, "mute");
  wait_stats_between (learner, &l, "audio_rms", -0.5, 300);
  peer_run_command (teacher, "unmute");
  wait_stats_between (learner, &l, "audio_rms", 2000, 40000);
  wait_stats_between (learner, &l, "audio_hz", 440 * 0.9, 440 * 1.1);

  /* Camera off: black frames on the same track; on: the bars again. */
  peer_run_command (teacher, "camera off");
  wait_stats (learner, &l, "picture", "black");
  peer_run_command (teacher, "camera on");
  wait_stats (learner, &l, "picture", "smpte");

  /* A screen share is a track of its own, added and removed mid-call. */
  peer_run_command (teacher, "share start");
  g_assert_nonnull (peer_run_wait (learner, &l, match_track, screen_added, WAIT));
  wait_stats (learner, &l, "screen_picture", "green");
  wait_stats (learner, &l, "picture", "smpte");
  peer_run_command (teacher, "share stop");
  g_assert_nonnull (peer_run_wait (learner, &l, match_track, screen_removed, WAIT));

  /* The data channel, both ways: a ping comes back as a pong. */
  peer_run_command (teacher, "ping");
  event = peer_run_wait_event (teacher, &t, "pong", WAIT);
  g_assert_cmpstr (pt_node_str (event, "user_id"), ==, f->learner_id);
  peer_run_command (teacher, "say ¡Hola! https://parla.test/a?b=c");
  event = peer_run_wait_event (learner, &l, "data", WAIT);
  g_assert_cmpstr (pt_node_str (event, "text"), ==, "¡Hola! https://parla.test/a?b=c");
  g_assert_cmpstr (pt_node_str (event, "user_id"), ==, f->teacher_id);

  /* The learner hangs up: the teacher's call ends too, cleanly. */
  peer_run_command (learner, "hangup");
  summary = peer_run_wait_summary (learner, WAIT);
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_true (json_node_is_null (pt_json_get (summary, "error")));
  summary = peer_run_wait_summary (teacher, WAIT);
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_cmpint (pt_node_int (summary, "data_round_trips"), ==, 1);
  g_assert_cmpint (pt_node_int (summary, "screen_frames_received"), ==, 0);
  g_assert_true (json_node_is_null (pt_json_get (summary, "error")));
  peer_run_wait_event (teacher, NULL, "ended", WAIT);
  g_assert_cmpint (peer_run_wait_exit (teacher, WAIT), ==, 0);
  g_assert_cmpint (peer_run_wait_exit (learner, WAIT), ==, 0);
}

/* The teacher hangs up first: the learner's call ends. */
static void
test_teacher_hangs_up (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autoptr(PeerRun) learner = peer_run_start (f, f->learner_email, open_call);
  g_autoptr(PeerRun) teacher = peer_run_start (f, f->teacher_email, open_call);
  JsonNode *summary;

  peer_run_wait_event (teacher, NULL, "media-flowing", WAIT);
  peer_run_wait_event (learner, NULL, "media-flowing", WAIT);
  peer_run_command (teacher, "hangup");

  summary = peer_run_wait_summary (learner, WAIT);
  g_assert_true (peer_bool (summary, "connected"));
  peer_run_wait_event (learner, NULL, "ended", WAIT);
  g_assert_cmpint (peer_run_wait_exit (learner, WAIT), ==, 0);
  g_assert_cmpint (peer_run_wait_exit (teacher, WAIT), ==, 0);
}

/* The teacher's process dies without a goodbye: the learner's peer
 * notices (the room says they left, past the grace), ends its call and
 * reports. */
static void
test_vanished (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autoptr(PeerRun) learner = peer_run_start (f, f->learner_email, open_call);
  g_autoptr(PeerRun) teacher = peer_run_start (f, f->teacher_email, open_call);
  JsonNode *summary;
  JsonNode *left;

  peer_run_wait_event (learner, NULL, "media-flowing", WAIT);
  g_subprocess_force_exit (teacher->process);

  left = peer_run_wait_event (learner, NULL, "member-left", WAIT);
  g_assert_cmpstr (pt_node_str (left, "user_id"), ==, f->teacher_id);
  summary = peer_run_wait_summary (learner, WAIT);
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_cmpint (peer_run_wait_exit (learner, WAIT), ==, 0);
}

/* A media file as the teacher's camera and microphone: the learner sees
 * its pictures and hears its tone (660 Hz, where the test tone is 440),
 * and it goes on past the file's one second. */
static void
test_media_file (void)
{
  g_autofree char *dir = g_dir_make_tmp ("parla-peer-media-XXXXXX", NULL);
  g_autofree char *clip = g_build_filename (dir, "clip.webm", NULL);
  const char * const teacher_args[] = { "--duration", "4", "--size", "320x240", "--fps", "15",
                                        "--source", clip, NULL };
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autoptr(PeerRun) teacher = NULL;
  g_autoptr(PeerRun) learner = NULL;
  JsonNode *summary;
  guint from = 0;

  mt_make_clip (clip);

  teacher = peer_run_start (f, f->teacher_email, teacher_args);
  learner = peer_run_start (f, f->learner_email, short_call);

  peer_run_wait_event (learner, &from, "media-flowing", WAIT);
  wait_stats (learner, &from, "picture", "smpte");
  wait_stats_between (learner, &from, "audio_hz", 660 * 0.9, 660 * 1.1);

  summary = peer_run_wait_summary (learner, WAIT);
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_cmpint (pt_node_int (summary, "video_frames_received"), >, 30);
  summary = peer_run_wait_summary (teacher, WAIT);
  g_assert_true (peer_bool (summary, "connected"));

  g_unlink (clip);
  g_rmdir (dir);
}

/* Through a real coturn */

#define TURN_SECRET "parla-peer-test-secret"

static void
configure_turn (ParlaServerConfig *config,
                gpointer           user_data)
{
  PtCoturn *coturn = user_data;
  const char *turn[] = { coturn->url, NULL };

  g_strfreev (config->stun_urls);
  g_strfreev (config->turn_urls);
  g_free (config->turn_secret);
  config->stun_urls = NULL;
  config->turn_urls = g_strdupv ((char **) turn);
  config->turn_secret = g_strdup (TURN_SECRET);
  config->turn_ttl_seconds = 600;
}

static void
test_relay_only (void)
{
  g_autoptr(PtCoturn) coturn = pt_coturn_start (NULL, TURN_SECRET);
  g_autoptr(PeerFixture) f = peer_fixture_new (configure_turn, coturn);
  const char * const args[] = { "--duration", "3", "--size", "320x240", "--fps", "15", "--relay-only", NULL };
  g_autoptr(PeerRun) teacher = peer_run_start (f, f->teacher_email, args);
  g_autoptr(PeerRun) learner = peer_run_start (f, f->learner_email, args);

  for (guint i = 0; i < 2; i++)
    {
      PeerRun *run = i == 0 ? teacher : learner;
      JsonNode *summary = peer_run_wait_summary (run, WAIT);
      JsonNode *stats;
      guint from = 0;

      g_assert_true (peer_bool (summary, "connected"));
      g_assert_true (peer_bool (summary, "relayed"));
      g_assert_true (peer_bool (summary, "pattern_ok"));
      g_assert_cmpint (peer_run_wait_exit (run, WAIT), ==, 0);

      /* Our side of the pair is a relay candidate. */
      stats = peer_run_wait_event (run, &from, "media-flowing", WAIT);
      g_assert_nonnull (stats);
      for (guint j = from; j < run->lines->len; j++)
        {
          JsonNode *line = g_ptr_array_index (run->lines, j);

          if (g_strcmp0 (pt_node_str (line, "type"), "stats") == 0 && pt_json_get (line, "peers[0]") != NULL)
            {
              g_assert_cmpstr (pt_node_str (line, "peers[0].local_candidate"), ==, "relay");
              break;
            }
        }
    }
}

/* coturn checks the credentials' expiry against its own clock: a server
 * whose clock is two hours behind hands out credentials that expired an
 * hour ago, and a relay-only call cannot connect. */
static void
test_relay_expired (void)
{
  g_autoptr(PtCoturn) coturn = pt_coturn_start (NULL, TURN_SECRET);
  g_autoptr(PeerFixture) f = NULL;
  const char * const args[] = { "--duration", "2", "--timeout", "8", "--size", "320x240", "--fps", "15",
                                "--relay-only", NULL };
  g_autoptr(PeerRun) teacher = NULL;
  g_autoptr(PeerRun) learner = NULL;

  f = peer_fixture_new_at (configure_turn, coturn, g_get_real_time () / G_USEC_PER_SEC - 2 * 3600);
  teacher = peer_run_start (f, f->teacher_email, args);
  learner = peer_run_start (f, f->learner_email, args);

  for (guint i = 0; i < 2; i++)
    {
      PeerRun *run = i == 0 ? teacher : learner;
      JsonNode *summary = peer_run_wait_summary (run, WAIT);

      g_assert_false (peer_bool (summary, "connected"));
      g_assert_cmpint (pt_node_int (summary, "video_frames_received"), ==, 0);
      g_assert_nonnull (pt_node_str (summary, "error"));
      g_assert_cmpint (peer_run_wait_exit (run, WAIT), ==, 1);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  gst_init (NULL, NULL);

  g_test_add_func ("/peer/call", test_call);
  g_test_add_func ("/peer/controls", test_controls);
  g_test_add_func ("/peer/teacher-hangs-up", test_teacher_hangs_up);
  g_test_add_func ("/peer/vanished", test_vanished);
  g_test_add_func ("/peer/media-file", test_media_file);
  g_test_add_func ("/peer/relay/only", test_relay_only);
  g_test_add_func ("/peer/relay/expired", test_relay_expired);

  return g_test_run ();
}
