/* test-call.c: two calls in one process, over loopback signalling
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "media-test-utils.h"
#include "parla-call-private.h"

typedef struct
{
  ParlaLoopbackRoom *room;
  MtParty           *alice;    /* in the room first: answers */
  MtParty           *bob;      /* joins later: offers */
  gint64             offer_time;
} Fixture;

/* "offer" or "answer" for a relayed description, NULL for anything else */
static const char *
sdp_type (JsonNode *payload)
{
  JsonNode *sdp;

  if (!JSON_NODE_HOLDS_OBJECT (payload))
    return NULL;

  sdp = json_object_get_member (json_node_get_object (payload), "sdp");
  if (sdp == NULL || !JSON_NODE_HOLDS_OBJECT (sdp))
    return NULL;

  return json_object_get_string_member_with_default (json_node_get_object (sdp), "type", NULL);
}

static gboolean
on_relay_cb (ParlaLoopbackRoom *room,
             const char        *from,
             const char        *to,
             JsonNode          *payload,
             Fixture           *fixture)
{
  if (fixture->offer_time == 0 && g_strcmp0 (sdp_type (payload), "offer") == 0)
    fixture->offer_time = g_get_monotonic_time ();

  return FALSE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);

  fixture->room = parla_loopback_room_new ();
  g_signal_connect (fixture->room, "relay", G_CALLBACK (on_relay_cb), fixture);

  fixture->alice = mt_party_new (fixture->room, "alice", alice_options);
  mt_party_start (fixture->alice);
  fixture->bob = mt_party_new (fixture->room, "bob", bob_options);
  mt_party_start (fixture->bob);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->bob, mt_party_free);
  g_clear_pointer (&fixture->alice, mt_party_free);
  mt_spin (50);
  g_signal_handlers_disconnect_by_data (fixture->room, fixture);
  g_assert_finalize_object (fixture->room);
}

static void
wait_connected (Fixture *fixture)
{
  MT_WAIT_UNTIL (parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_CONNECTED &&
                 parla_call_get_state (fixture->bob->call) == PARLA_CALL_STATE_CONNECTED, MT_WAIT);
  MT_WAIT_UNTIL (mt_party_has_media (fixture->alice, "bob") &&
                 mt_party_has_media (fixture->bob, "alice"), MT_WAIT);
}

static void
test_connect (Fixture       *fixture,
              gconstpointer  data)
{
  MtRemote *at_alice, *at_bob;
  gint64 alice_first, bob_first;

  wait_connected (fixture);

  at_alice = mt_party_get_remote (fixture->alice, "bob");
  at_bob = mt_party_get_remote (fixture->bob, "alice");

  /* The first decoded frame, measured from the offer leaving. */
  g_assert_cmpint (fixture->offer_time, >, 0);
  alice_first = parla_remote_track_get_first_sample_time (at_alice->video);
  bob_first = parla_remote_track_get_first_sample_time (at_bob->video);
  g_test_message ("offer -> first remote frame: at the answerer %" G_GINT64_FORMAT
                  " ms, at the offerer %" G_GINT64_FORMAT " ms",
                  (alice_first - fixture->offer_time) / 1000,
                  (bob_first - fixture->offer_time) / 1000);

  /* Each side decodes the other's pattern and tone. */
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_alice) && mt_remote_sees_smpte (at_bob), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_alice, 660) && mt_remote_hears_tone (at_bob, 440), MT_WAIT);

  g_assert_cmpint (parla_call_get_participant_state (fixture->alice->call, "bob"), ==,
                   PARLA_CALL_STATE_CONNECTED);
  g_assert_cmpint (mt_party_get_participant_state (fixture->bob, "alice"), ==,
                   PARLA_CALL_STATE_CONNECTED);
  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_true (mt_party_saw_state (fixture->bob, PARLA_CALL_STATE_CONNECTING));
  g_assert_null (fixture->alice->error);
  g_assert_null (fixture->bob->error);

  {
    g_auto(GStrv) participants = parla_call_dup_participants (fixture->alice->call);

    g_assert_cmpstrv (participants, ((const char * const []) { "bob", NULL }));
  }
}

static void
test_data_channel (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) big = NULL;
  g_autoptr(GBytes) too_big = NULL;
  MtRemote *at_alice, *at_bob;
  const guint burst = mt_scale (1) > 1 ? 40 : 200;
  char *buffer;

  /* Queued before the channel opens, delivered once it does. */
  g_assert_true (parla_call_send_text (fixture->bob->call, "alice", "early", &error));
  g_assert_no_error (error);

  wait_connected (fixture);
  at_alice = mt_party_get_remote (fixture->alice, "bob");
  at_bob = mt_party_get_remote (fixture->bob, "alice");

  MT_WAIT_UNTIL (at_alice->messages->len == 1, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (at_alice->messages, 0), ==, "early");

  /* Round trip */
  g_assert_true (parla_call_send_text (fixture->alice->call, "bob", "ping", &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (at_bob->messages->len == 1, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (at_bob->messages, 0), ==, "ping");
  g_assert_true (parla_call_send_text (fixture->bob->call, NULL, "pong", &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (at_alice->messages->len == 2, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (at_alice->messages, 1), ==, "pong");

  /* A burst in order, both ways at once, binary one way and text the
   * other: 200 messages, 40 under valgrind (PARLA_TEST_SLOWDOWN), where
   * this test looks for memory errors in the same paths, and a burst of
   * 200 through SCTP, 20 times slower, sometimes outlasted every wait. */
  for (guint i = 0; i < burst; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);
      g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));

      g_assert_true (parla_call_send_data (fixture->alice->call, "bob", bytes, &error));
      g_assert_no_error (error);
      g_assert_true (parla_call_send_text (fixture->bob->call, "alice", text, &error));
      g_assert_no_error (error);
    }
  MT_WAIT_UNTIL (at_bob->messages->len == burst + 1 && at_alice->messages->len == burst + 2, MT_WAIT);
  for (guint i = 0; i < burst; i++)
    {
      g_autofree char *text = g_strdup_printf ("message %u", i);

      g_assert_cmpstr (g_ptr_array_index (at_bob->messages, i + 1), ==, text);
      g_assert_cmpstr (g_ptr_array_index (at_alice->messages, i + 2), ==, text);
    }

  /* 64 KiB is the limit: refused above, carried at it. */
  buffer = g_malloc (PARLA_DATA_MESSAGE_MAX + 1);
  memset (buffer, 'x', PARLA_DATA_MESSAGE_MAX + 1);
  too_big = g_bytes_new (buffer, PARLA_DATA_MESSAGE_MAX + 1);
  big = g_bytes_new_take (buffer, PARLA_DATA_MESSAGE_MAX);
  g_assert_false (parla_call_send_data (fixture->alice->call, "bob", too_big, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_TOO_LARGE);
  g_clear_error (&error);
  g_assert_true (parla_call_send_data (fixture->alice->call, "bob", big, &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (at_bob->messages->len == burst + 2, MT_WAIT);
  g_assert_cmpuint (strlen (g_ptr_array_index (at_bob->messages, burst + 1)), ==, PARLA_DATA_MESSAGE_MAX);

  /* Nobody of that name */
  g_assert_false (parla_call_send_text (fixture->alice->call, "carol", "hi", &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NOT_CONNECTED);
}

static void
test_mute (Fixture       *fixture,
           gconstpointer  data)
{
  MtRemote *at_bob;

  wait_connected (fixture);
  at_bob = mt_party_get_remote (fixture->bob, "alice");
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 440), MT_WAIT);

  parla_call_set_audio_muted (fixture->alice->call, TRUE);
  g_assert_true (parla_call_get_audio_muted (fixture->alice->call));
  MT_WAIT_UNTIL (mt_remote_hears_silence (at_bob), MT_WAIT);

  parla_call_set_audio_muted (fixture->alice->call, FALSE);
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 440), MT_WAIT);

  /* Bob kept the same track throughout. */
  g_assert_cmpuint (at_bob->n_removed, ==, 0);
}

static void
test_camera (Fixture       *fixture,
             gconstpointer  data)
{
  MtRemote *at_alice;
  ParlaRemoteTrack *track;

  wait_connected (fixture);
  at_alice = mt_party_get_remote (fixture->alice, "bob");
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_alice), MT_WAIT);
  track = at_alice->video;

  parla_call_set_video_enabled (fixture->bob->call, FALSE);
  g_assert_false (parla_call_get_video_enabled (fixture->bob->call));
  MT_WAIT_UNTIL (mt_remote_sees_black (at_alice), MT_WAIT);

  parla_call_set_video_enabled (fixture->bob->call, TRUE);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_alice), MT_WAIT);

  g_assert_true (at_alice->video == track);
  g_assert_cmpuint (at_alice->n_removed, ==, 0);
}

static void
test_screen_share (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MtRemote *at_alice, *at_bob;
  ParlaRemoteTrack *bob_camera;

  wait_connected (fixture);
  at_alice = mt_party_get_remote (fixture->alice, "bob");
  at_bob = mt_party_get_remote (fixture->bob, "alice");
  bob_camera = at_alice->video;

  /* Bob (who offered first) shares: a third track at Alice's. */
  g_assert_true (parla_call_start_screen_share (fixture->bob->call, &error));
  g_assert_no_error (error);
  g_assert_true (parla_call_get_screen_shared (fixture->bob->call));
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (at_alice), MT_WAIT);
  g_assert_true (at_alice->video == bob_camera);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_alice) && mt_remote_hears_tone (at_alice, 660), MT_WAIT);

  /* He stops: the track goes, the camera stays. */
  parla_call_stop_screen_share (fixture->bob->call);
  MT_WAIT_UNTIL (at_alice->screen == NULL, MT_WAIT);
  g_assert_cmpuint (at_alice->n_removed, ==, 1);
  g_assert_true (at_alice->video == bob_camera);

  /* Alice (who answered) shares now: the other side offers this time. */
  g_assert_true (parla_call_start_screen_share (fixture->alice->call, &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (at_bob), MT_WAIT);

  /* And Bob again, while she shares. */
  g_assert_true (parla_call_start_screen_share (fixture->bob->call, &error));
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (at_alice), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_alice) && mt_remote_sees_smpte (at_bob), MT_WAIT);
  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
}

typedef struct
{
  GstPad *pad;
  gulong  probe;
  guint   answers;  /* from Alice, since the share started */
} HeldScreen;

static GstPadProbeReturn
on_hold_probe_cb (GstPad          *pad,
                  GstPadProbeInfo *info,
                  gpointer         user_data)
{
  return GST_PAD_PROBE_OK;  /* blocked while the probe is there */
}

/* The test screen source (videotestsrc in solid 0xff20c020, the green of
 * mt_remote_sees_green_screen()) is held before it plays: the encoder
 * gets no caps (and no frame) until released. */
static void
on_deep_element_added_cb (GstBin     *bin,
                          GstBin     *sub_bin,
                          GstElement *element,
                          HeldScreen *held)
{
  GstElementFactory *factory = gst_element_get_factory (element);
  guint color = 0;

  if (held->pad != NULL || factory == NULL ||
      !g_str_equal (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (factory)), "videotestsrc"))
    return;

  g_object_get (element, "foreground-color", &color, NULL);
  if (color != 0xff20c020)
    return;

  held->pad = gst_element_get_static_pad (element, "src");
  held->probe = gst_pad_add_probe (held->pad, GST_PAD_PROBE_TYPE_BLOCK_DOWNSTREAM,
                                   on_hold_probe_cb, NULL, NULL);
}

static gboolean
on_answer_relay_cb (ParlaLoopbackRoom *room,
                    const char        *from,
                    const char        *to,
                    JsonNode          *payload,
                    HeldScreen        *held)
{
  if (g_strcmp0 (from, "alice") == 0 && g_strcmp0 (sdp_type (payload), "answer") == 0)
    held->answers++;

  return FALSE;
}

/* Alice's screen encoder has no caps yet when she answers for her share
 * (a loaded machine): her answer cannot name the stream's SSRC, and Bob
 * places the stream by guess. When she stops, Bob must still find the
 * track to remove, from the SSRC the next answer names. */
static void
test_screen_share_late_caps (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  GstElement *pipeline;
  HeldScreen held = { 0 };
  MtRemote *at_bob;
  gulong added_id, relay_id;

  wait_connected (fixture);
  at_bob = mt_party_get_remote (fixture->bob, "alice");
  pipeline = _parla_call_get_pipeline (fixture->alice->call);
  added_id = g_signal_connect (pipeline, "deep-element-added",
                               G_CALLBACK (on_deep_element_added_cb), &held);
  relay_id = g_signal_connect (fixture->room, "relay", G_CALLBACK (on_answer_relay_cb), &held);

  g_assert_true (parla_call_start_screen_share (fixture->alice->call, &error));
  g_assert_no_error (error);
  g_assert_nonnull (held.pad);

  /* She answers without the frames' caps, then they flow. */
  MT_WAIT_UNTIL (held.answers == 1, MT_WAIT);
  gst_pad_remove_probe (held.pad, held.probe);
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (at_bob), MT_WAIT);

  parla_call_stop_screen_share (fixture->alice->call);
  MT_WAIT_UNTIL (at_bob->screen == NULL, MT_WAIT);
  g_assert_cmpuint (at_bob->n_removed, ==, 1);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_bob), MT_WAIT);

  g_signal_handler_disconnect (fixture->room, relay_id);
  g_signal_handler_disconnect (pipeline, added_id);
  gst_object_unref (held.pad);
}

static void
test_stats (Fixture       *fixture,
            gconstpointer  data)
{
  ParlaCallStats *stats;

  wait_connected (fixture);
  MT_WAIT_UNTIL (fixture->alice->stats->len >= 3 && fixture->bob->stats->len >= 3, MT_WAIT);

  /* The latest of Alice's, about Bob: on loopback, good at least (a loaded
   * machine delays packets into NACKs, which count as loss). */
  stats = g_ptr_array_index (fixture->alice->stats, fixture->alice->stats->len - 1);
  g_test_message ("rtt %.1f ms, loss %.3f/%.3f, jitter %.1f ms, %u/%u kbit/s, %.1f fps, %s-%s",
                  parla_call_stats_get_rtt (stats), parla_call_stats_get_loss (stats),
                  parla_call_stats_get_remote_loss (stats), parla_call_stats_get_jitter (stats),
                  parla_call_stats_get_send_bitrate (stats), parla_call_stats_get_recv_bitrate (stats),
                  parla_call_stats_get_fps (stats),
                  parla_call_stats_get_local_candidate_type (stats),
                  parla_call_stats_get_remote_candidate_type (stats));
  g_assert_cmpint (parla_call_stats_get_quality (stats), >=, PARLA_QUALITY_GOOD);
  g_assert_cmpuint (parla_call_stats_get_send_bitrate (stats), >, 0);
  g_assert_cmpuint (parla_call_stats_get_recv_bitrate (stats), >, 0);
  g_assert_cmpfloat (parla_call_stats_get_fps (stats), >, 0);
  g_assert_cmpfloat (parla_call_stats_get_loss (stats), <, 0.01);
  g_assert_false (parla_call_stats_get_relayed (stats));
  g_assert_cmpstr (parla_call_stats_get_local_candidate_type (stats), ==, "host");
  g_assert_cmpuint (parla_call_stats_get_video_target (stats), ==, 300);
  g_assert_false (parla_call_stats_get_video_suspended (stats));
}

static void
test_hang_up (Fixture       *fixture,
              gconstpointer  data)
{
  gboolean offerer_hangs_up = GPOINTER_TO_INT (data);
  MtParty *leaving = offerer_hangs_up ? fixture->bob : fixture->alice;
  MtParty *staying = offerer_hangs_up ? fixture->alice : fixture->bob;
  MtRemote *remote;

  wait_connected (fixture);
  remote = mt_party_get_remote (staying, leaving->user_id);

  parla_call_hang_up (leaving->call);
  g_assert_cmpint (parla_call_get_state (leaving->call), ==, PARLA_CALL_STATE_ENDED);
  g_assert_false (mt_party_saw_state (leaving, PARLA_CALL_STATE_RECONNECTING));

  MT_WAIT_UNTIL (parla_call_get_state (staying->call) == PARLA_CALL_STATE_ENDED, MT_WAIT);
  g_assert_cmpint (mt_party_get_participant_state (staying, leaving->user_id), ==,
                   PARLA_CALL_STATE_ENDED);
  g_assert_null (parla_call_get_error (staying->call));
  g_assert_false (mt_party_saw_state (staying, PARLA_CALL_STATE_RECONNECTING));
  g_assert_cmpuint (remote->n_removed, ==, 2);
  g_assert_null (remote->audio);
  g_assert_null (remote->video);

  /* Idempotent, and nothing more happens after. */
  parla_call_hang_up (staying->call);
  parla_call_set_audio_muted (staying->call, TRUE);
  mt_spin (100);
  g_assert_cmpint (parla_call_get_state (staying->call), ==, PARLA_CALL_STATE_ENDED);
}

/* Whether @party decoded anything from @from, audio or video. */
static gboolean
heard_or_saw (MtParty    *party,
              const char *from)
{
  MtRemote *remote = mt_party_get_remote (party, from);

  return remote != NULL &&
         ((remote->audio != NULL && parla_remote_track_get_n_samples (remote->audio) > 0) ||
          (remote->video != NULL && parla_remote_track_get_n_samples (remote->video) > 0));
}

/* A short call through each stage, with no step whose outcome depends on
 * how fast the machine is: connected, media decoded both ways, a data
 * message on its way, a hang-up that ends both sides. It is what runs
 * under memcheck (tests/media/meson.build), where everything is about
 * twenty times slower. */
static void
test_short_call (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (parla_call_send_text (fixture->bob->call, "alice", "hello", &error));
  g_assert_no_error (error);

  MT_WAIT_UNTIL (parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_CONNECTED &&
                 parla_call_get_state (fixture->bob->call) == PARLA_CALL_STATE_CONNECTED, MT_WAIT);
  MT_WAIT_UNTIL (heard_or_saw (fixture->alice, "bob") && heard_or_saw (fixture->bob, "alice"), 2 * MT_WAIT);

  parla_call_hang_up (fixture->bob->call);
  g_assert_cmpint (parla_call_get_state (fixture->bob->call), ==, PARLA_CALL_STATE_ENDED);
  MT_WAIT_UNTIL (parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_ENDED, MT_WAIT);
  g_assert_null (parla_call_get_error (fixture->alice->call));
}

static void
test_h264 (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);
  g_autoptr(MtParty) alice = NULL;
  g_autoptr(MtParty) bob = NULL;

  if (!parla_media_has_element ("openh264enc") || !parla_media_has_element ("openh264dec"))
    {
      g_test_skip ("openh264 is not installed");
      return;
    }

  /* Bob prefers H.264 and offers it first, beside VP8; Alice, who prefers
   * VP8, answers VP8 (test-codecs checks the codecs chosen). */
  parla_call_options_set_prefer_h264 (bob_options, TRUE);
  alice = mt_party_new (room, "alice", alice_options);
  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);

  MT_WAIT_UNTIL (mt_remote_sees_smpte (mt_party_get_remote (alice, "bob")) &&
                 mt_remote_sees_smpte (mt_party_get_remote (bob, "alice")), MT_WAIT);
}

static void
test_start_twice (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  g_autoptr(MtParty) alice = mt_party_new (room, "alice", options);
  g_autoptr(GError) error = NULL;

  mt_party_start (alice);
  g_assert_cmpint (parla_call_get_state (alice->call), ==, PARLA_CALL_STATE_CONNECTING);
  g_assert_false (parla_call_start (alice->call, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE);

  /* Alone in the room: waits, without a timeout. */
  mt_spin (200);
  g_assert_cmpint (parla_call_get_state (alice->call), ==, PARLA_CALL_STATE_CONNECTING);
}

static void
test_bad_ice_servers (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaLoopbackSignaling) signaling = parla_loopback_signaling_new (room, "a", NULL);
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  g_autoptr(JsonNode) servers = json_from_string ("{\"urls\": \"stun:x\"}", NULL);
  g_autoptr(JsonNode) stun_only = json_from_string ("[{\"urls\": \"stun:x\"}]", NULL);
  g_autoptr(GError) error = NULL;
  ParlaCall *call;

  call = parla_call_new ("a", PARLA_SIGNALING (signaling), servers, options, &error);
  g_assert_null (call);
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* Relay-only needs a TURN server. */
  parla_call_options_set_relay_only (options, TRUE);
  call = parla_call_new ("a", PARLA_SIGNALING (signaling), stun_only, options, &error);
  g_assert_null (call);
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
}

static int
sample_width (GstSample *sample)
{
  GstStructure *structure = gst_caps_get_structure (gst_sample_get_caps (sample), 0);
  int width = 0;

  gst_structure_get_int (structure, "width", &width);
  return width;
}

/* The self-view: the local test pattern as RGBA frames, none while the
 * camera is off, and the far side keeps receiving the same track. */
static void
test_local_video (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GstSample) sample = NULL;
  MtRemote *at_alice;
  ParlaRemoteTrack *local, *remote_track;
  guint64 n_off;

  wait_connected (fixture);
  at_alice = mt_party_get_remote (fixture->alice, "bob");
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_alice), MT_WAIT);
  remote_track = at_alice->video;

  local = parla_call_get_local_video_track (fixture->bob->call);
  g_assert_nonnull (local);
  g_assert_true (parla_call_get_local_video_track (fixture->bob->call) == local);
  g_assert_cmpint (parla_remote_track_get_kind (local), ==, PARLA_TRACK_VIDEO);
  g_assert_cmpstr (parla_remote_track_get_user_id (local), ==, "bob");

  MT_WAIT_UNTIL (parla_remote_track_get_n_samples (local) >= 3, MT_WAIT);
  sample = parla_remote_track_dup_last_sample (local);
  g_assert_cmpint (sample_width (sample), ==, 320);
  g_assert_true (mt_sample_is_smpte (sample));
  g_clear_pointer (&sample, gst_sample_unref);

  /* Camera off: the far side sees black, the self-view gets nothing. */
  parla_call_set_video_enabled (fixture->bob->call, FALSE);
  MT_WAIT_UNTIL (mt_remote_sees_black (at_alice), MT_WAIT);
  mt_spin (200);
  n_off = parla_remote_track_get_n_samples (local);
  mt_spin (500);
  g_assert_cmpuint (parla_remote_track_get_n_samples (local), ==, n_off);
  sample = parla_remote_track_dup_last_sample (local);
  g_assert_false (mt_sample_is_black (sample));
  g_clear_pointer (&sample, gst_sample_unref);

  parla_call_set_video_enabled (fixture->bob->call, TRUE);
  MT_WAIT_UNTIL (parla_remote_track_get_n_samples (local) > n_off + 3, MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (at_alice), MT_WAIT);

  /* The same stream at the far side: no new track, no renegotiation. */
  g_assert_true (at_alice->video == remote_track);
  g_assert_cmpuint (at_alice->n_removed, ==, 0);
  g_assert_null (fixture->alice->error);
  g_assert_null (fixture->bob->error);
}

/* No video captured: no self-view. */
static void
test_local_video_none (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  g_autoptr(MtParty) party = NULL;

  parla_call_options_set_video_source (options, PARLA_MEDIA_SOURCE_NONE);
  party = mt_party_new (room, "carol", options);
  g_assert_null (parla_call_get_local_video_track (party->call));
  mt_party_start (party);
  g_assert_null (parla_call_get_local_video_track (party->call));
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, fixture_set_up, func, fixture_tear_down)

  ADD ("/media/call/connect", test_connect, NULL);
  ADD ("/media/call/short", test_short_call, NULL);
  ADD ("/media/call/data-channel", test_data_channel, NULL);
  ADD ("/media/call/mute", test_mute, NULL);
  ADD ("/media/call/camera", test_camera, NULL);
  ADD ("/media/call/stats", test_stats, NULL);
  ADD ("/media/call/screen-share", test_screen_share, NULL);
  ADD ("/media/call/screen-share/late-caps", test_screen_share_late_caps, NULL);
  ADD ("/media/call/hang-up/offerer", test_hang_up, GINT_TO_POINTER (TRUE));
  ADD ("/media/call/hang-up/answerer", test_hang_up, GINT_TO_POINTER (FALSE));
  g_test_add_func ("/media/call/h264", test_h264);
  g_test_add_func ("/media/call/start-twice", test_start_twice);
  g_test_add_func ("/media/call/bad-ice-servers", test_bad_ice_servers);
  ADD ("/media/call/local-video", test_local_video, NULL);
  g_test_add_func ("/media/call/local-video/none", test_local_video_none);

  return g_test_run ();
}
