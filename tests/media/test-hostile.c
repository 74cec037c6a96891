/* test-hostile.c: broken, late, repeated and malicious signalling
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "media-test-utils.h"

typedef struct
{
  ParlaLoopbackRoom *room;
  MtParty           *alice;
  MtParty           *bob;
  /* What the relay hook does */
  gboolean           hold_offer;
  gboolean           drop_bye;
  gboolean           drop_to_bob;
  gboolean           drop_requests;
  JsonNode          *held_offer;
  JsonNode          *last_answer;
  guint              n_candidates_to_alice;
} Fixture;

static gboolean
has_sdp_type (JsonNode   *payload,
              const char *type)
{
  JsonObject *sdp;

  if (!JSON_NODE_HOLDS_OBJECT (payload))
    return FALSE;

  sdp = json_object_has_member (json_node_get_object (payload), "sdp")
        ? json_object_get_object_member (json_node_get_object (payload), "sdp") : NULL;

  return sdp != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (sdp, "type", NULL), type) == 0;
}

static gboolean
on_relay_cb (ParlaLoopbackRoom *room,
             const char        *from,
             const char        *to,
             JsonNode          *payload,
             Fixture           *fixture)
{
  JsonObject *object = json_node_get_object (payload);

  if (fixture->drop_to_bob && g_str_equal (to, "bob"))
    return TRUE;

  if (fixture->drop_bye && json_object_has_member (object, "bye"))
    return TRUE;

  if (fixture->drop_requests && json_object_has_member (object, "renegotiate"))
    return TRUE;

  if (g_str_equal (to, "alice") && json_object_has_member (object, "ice"))
    fixture->n_candidates_to_alice++;

  if (fixture->hold_offer && fixture->held_offer == NULL && has_sdp_type (payload, "offer"))
    {
      fixture->held_offer = json_node_copy (payload);
      return TRUE;
    }

  if (has_sdp_type (payload, "answer"))
    {
      g_clear_pointer (&fixture->last_answer, json_node_unref);
      fixture->last_answer = json_node_copy (payload);
    }

  return FALSE;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  fixture->room = parla_loopback_room_new ();
  g_signal_connect (fixture->room, "relay", G_CALLBACK (on_relay_cb), fixture);
}

static void
start (Fixture *fixture,
       guint    peer_timeout,
       guint    alone_timeout)
{
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);

  parla_call_options_set_peer_timeout (alice_options, mt_scale (peer_timeout));
  parla_call_options_set_peer_timeout (bob_options, mt_scale (peer_timeout));
  parla_call_options_set_alone_timeout (alice_options, mt_scale (alone_timeout));
  parla_call_options_set_alone_timeout (bob_options, mt_scale (alone_timeout));

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
  g_clear_pointer (&fixture->held_offer, json_node_unref);
  g_clear_pointer (&fixture->last_answer, json_node_unref);
  mt_spin (50);
  g_signal_handlers_disconnect_by_data (fixture->room, fixture);
  g_assert_finalize_object (fixture->room);
}

static gboolean
connected_with_media (Fixture *fixture)
{
  return mt_party_has_media (fixture->alice, "bob") && mt_party_has_media (fixture->bob, "alice") &&
         parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_CONNECTED &&
         parla_call_get_state (fixture->bob->call) == PARLA_CALL_STATE_CONNECTED;
}

/* Delivers @json to @party as if @from had sent it. */
static void
inject (MtParty    *party,
        const char *from,
        const char *json)
{
  g_autoptr(JsonNode) payload = json_from_string (json, NULL);

  if (payload == NULL)
    payload = json_node_init_string (json_node_alloc (), json);

  parla_signaling_emit_message (PARLA_SIGNALING (party->signaling), from, payload);
}

static void
test_malformed (Fixture       *fixture,
                gconstpointer  data)
{
  static const char * const junk[] = {
    "[]", "42", "\"offer\"", "null", "{}", "{\"unknown\": true}",
    "{\"sdp\": 5}", "{\"sdp\": {}}", "{\"sdp\": {\"type\": \"offer\"}}",
    "{\"sdp\": {\"type\": 1, \"sdp\": \"v=0\"}}", "{\"sdp\": {\"type\": \"rollback\", \"sdp\": \"\"}}",
    "{\"sdp\": {\"type\": \"pranswer\", \"sdp\": \"v=0\"}}",
    "{\"ice\": \"candidate\"}", "{\"ice\": {}}", "{\"ice\": {\"candidate\": 5}}",
    "{\"ice\": {\"candidate\": \"candidate:1 1 udp 1 1.2.3.4 5 typ host\"}}",
    "{\"ice\": {\"candidate\": \"candidate:1\", \"sdpMLineIndex\": -1}}",
    "{\"ice\": {\"candidate\": \"candidate:1\", \"sdpMLineIndex\": 99}}",
    "{\"ice\": {\"candidate\": \"candidate:1\", \"sdpMLineIndex\": \"0\"}}",
    "{\"ice\": {\"candidate\": \"x\\ny\", \"sdpMLineIndex\": 0}}",
    "{\"ice\": {\"candidate\": \"candidate:1 1 udp 1 1.2.3.4 5 typ host\", \"sdpMid\": \"nope\"}}",
    "{\"ice\": {\"candidate\": \"garbage\", \"sdpMLineIndex\": 0}}",
  };

  start (fixture, 10000, 30000);

  /* Before the offer, and again once connected: all ignored. */
  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    {
      inject (fixture->alice, "bob", junk[i]);
      inject (fixture->bob, "alice", junk[i]);
    }
  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);

  for (guint i = 0; i < G_N_ELEMENTS (junk); i++)
    {
      inject (fixture->alice, "bob", junk[i]);
      inject (fixture->bob, "alice", junk[i]);
    }
  mt_spin (300);
  g_assert_true (connected_with_media (fixture));
  MT_WAIT_UNTIL (mt_remote_sees_smpte (mt_party_get_remote (fixture->alice, "bob")), MT_WAIT);
  g_assert_null (fixture->alice->error);
  g_assert_null (fixture->bob->error);
}

static void
test_stranger (Fixture       *fixture,
               gconstpointer  data)
{
  start (fixture, 10000, 30000);
  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);

  /* Someone who is not in the call room, or ourselves: ignored, with a
   * real offer (Bob's last answer, relabelled) or a bye. */
  g_assert_nonnull (fixture->last_answer);
  {
    g_autoptr(JsonNode) offer = json_node_copy (fixture->last_answer);
    JsonObject *sdp = json_object_get_object_member (json_node_get_object (offer), "sdp");

    json_object_set_string_member (sdp, "type", "offer");
    parla_signaling_emit_message (PARLA_SIGNALING (fixture->alice->signaling), "mallory", offer);
    parla_signaling_emit_message (PARLA_SIGNALING (fixture->alice->signaling), "alice", offer);
  }
  inject (fixture->alice, "mallory", "{\"bye\": true}");
  inject (fixture->alice, "alice", "{\"bye\": true}");

  mt_spin (300);
  {
    g_auto(GStrv) participants = parla_call_dup_participants (fixture->alice->call);

    g_assert_cmpstrv (participants, ((const char * const []) { "bob", NULL }));
  }
  g_assert_true (connected_with_media (fixture));
}

static void
test_early_candidates (Fixture       *fixture,
                       gconstpointer  data)
{
  fixture->hold_offer = TRUE;
  start (fixture, 10000, 30000);

  /* Bob's candidates reach Alice before his offer; so does a flood of
   * made-up ones (bounded queue). */
  MT_WAIT_UNTIL (fixture->held_offer != NULL && fixture->n_candidates_to_alice > 0, MT_WAIT);
  for (guint i = 0; i < 500; i++)
    {
      g_autofree char *json =
        g_strdup_printf ("{\"ice\": {\"candidate\": \"candidate:%u 1 UDP 2015363327 10.255.%u.%u "
                         "9 typ host\", \"sdpMLineIndex\": 0}}", i, i / 250, i % 250);

      inject (fixture->alice, "bob", json);
    }
  mt_spin (100);
  parla_signaling_emit_message (PARLA_SIGNALING (fixture->alice->signaling), "bob",
                                fixture->held_offer);

  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);
}

static void
test_second_answer (Fixture       *fixture,
                    gconstpointer  data)
{
  static const char bad_sdp[] =
    "{\"sdp\": {\"type\": \"answer\", \"sdp\": \"v=0\\r\\no=- 1 0 IN IP4 0.0.0.0\\r\\ns=-\\r\\n"
    "t=0 0\\r\\na=ice-ufrag:a\\r\\na=ice-ufrag:b\\r\\nm=audio 9 UDP/TLS/RTP/SAVPF 111\\r\\n"
    "a=mid:0\\r\\n\"}}";

  start (fixture, 10000, 30000);
  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);

  /* Alice's answer once more, then a broken one (it would abort
   * webrtcbin), then an offer that renegotiates nonsense: all ignored. */
  g_assert_nonnull (fixture->last_answer);
  parla_signaling_emit_message (PARLA_SIGNALING (fixture->bob->signaling), "alice",
                                fixture->last_answer);
  inject (fixture->bob, "alice", bad_sdp);
  inject (fixture->alice, "bob", bad_sdp);
  {
    g_autoptr(JsonNode) offer = json_node_copy (fixture->last_answer);
    JsonObject *sdp = json_object_get_object_member (json_node_get_object (offer), "sdp");

    /* m-lines swapped against the current session */
    json_object_set_string_member (sdp, "type", "offer");
    json_object_set_string_member (sdp, "sdp",
                                   "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
                                   "a=ice-ufrag:u\r\na=ice-pwd:p\r\na=fingerprint:sha-256 00\r\n"
                                   "m=video 9 UDP/TLS/RTP/SAVPF 96\r\na=mid:video1\r\n"
                                   "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:audio0\r\n");
    parla_signaling_emit_message (PARLA_SIGNALING (fixture->alice->signaling), "bob", offer);
  }

  mt_spin (500);
  g_assert_true (connected_with_media (fixture));
  MT_WAIT_UNTIL (mt_remote_hears_tone (mt_party_get_remote (fixture->bob, "alice"), 440), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (mt_party_get_remote (fixture->alice, "bob"), 660), MT_WAIT);
}

static void
test_bad_offers (Fixture       *fixture,
                 gconstpointer  data)
{
  static const char * const offers[] = {
    /* passes our checks, webrtcbin rejects it (BUNDLE of a mid that is not there) */
    "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=group:BUNDLE x\r\na=ice-ufrag:u\r\n"
    "a=ice-pwd:p\r\na=fingerprint:sha-256 00\r\n"
    "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\na=setup:actpass\r\n",
    /* two session ufrags: aborts webrtcbin 1.22 if it gets there */
    "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-ufrag:a\r\na=ice-ufrag:b\r\n"
    "a=ice-pwd:p\r\na=fingerprint:sha-256 00\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n",
    "not sdp at all",
    /* no a=setup */
    "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\na=ice-ufrag:u\r\na=ice-pwd:p\r\n"
    "a=fingerprint:sha-256 00\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n",
    "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n",
  };
  g_autoptr(ParlaLoopbackSignaling) mallory = NULL;

  start (fixture, 10000, 30000);
  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);

  /* A member offering garbage fails (and after a few times is ignored),
   * without disturbing the others. */
  mallory = parla_loopback_signaling_new (fixture->room, "mallory", NULL);
  MT_WAIT_UNTIL (mt_party_get_participant_state (fixture->alice, "mallory") ==
                 PARLA_CALL_STATE_CONNECTING, MT_WAIT);

  for (guint round = 0; round < 3; round++)
    for (guint i = 0; i < G_N_ELEMENTS (offers); i++)
      {
        g_autoptr(JsonBuilder) builder = json_builder_new ();
        g_autoptr(JsonNode) payload = NULL;

        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "sdp");
        json_builder_begin_object (builder);
        json_builder_set_member_name (builder, "type");
        json_builder_add_string_value (builder, "offer");
        json_builder_set_member_name (builder, "sdp");
        json_builder_add_string_value (builder, offers[i]);
        json_builder_end_object (builder);
        json_builder_end_object (builder);
        payload = json_builder_get_root (builder);

        parla_signaling_send (PARLA_SIGNALING (mallory), "alice", payload);
        mt_spin (20);
      }

  MT_WAIT_UNTIL (mt_party_get_participant_state (fixture->alice, "mallory") ==
                 PARLA_CALL_STATE_FAILED &&
                 parla_loopback_room_get_n_in_flight (fixture->room) == 0, MT_WAIT);
  mt_spin (200);
  {
    g_auto(GStrv) participants = parla_call_dup_participants (fixture->alice->call);

    g_assert_cmpstrv (participants, ((const char * const []) { "bob", NULL }));
  }
  g_assert_true (connected_with_media (fixture));
  g_assert_null (fixture->alice->error);
}

static void
test_impaired_signaling (Fixture       *fixture,
                         gconstpointer  data)
{
  /* Slow, jittery, duplicating and reordering relay (nothing lost). */
  parla_loopback_room_set_seed (fixture->room, 3);
  parla_loopback_room_set_delay (fixture->room, 5, 60);
  parla_loopback_room_set_reorder_rate (fixture->room, 0.3);
  parla_loopback_room_set_duplicate_rate (fixture->room, 0.3);
  start (fixture, 10000, 30000);

  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (mt_party_get_remote (fixture->alice, "bob")) &&
                 mt_remote_sees_smpte (mt_party_get_remote (fixture->bob, "alice")), MT_WAIT);
}

static void
test_lost_candidates (Fixture       *fixture,
                      gconstpointer  data)
{
  /* Half the candidates lost: connectivity checks still find a pair (one
   * side's candidate is enough), or, when both sides' are lost, the
   * offerer tries again with a new connection half-way to the timeout. */
  parla_loopback_room_set_seed (fixture->room, 11);
  parla_loopback_room_set_impair_filter (fixture->room, "ice");
  parla_loopback_room_set_drop_rate (fixture->room, 0.5);
  start (fixture, 4000, 30000);

  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);
}

static void
test_vanished (Fixture       *fixture,
               gconstpointer  data)
{
  const GError *error;

  /* Bob goes without a bye and without leaving the room (a frozen
   * machine): no media; Alice gives him up, then the call. */
  fixture->drop_bye = TRUE;
  start (fixture, 2500, 1000);
  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);

  parla_call_hang_up (fixture->bob->call);
  MT_WAIT_UNTIL (mt_party_get_participant_state (fixture->alice, "bob") == PARLA_CALL_STATE_FAILED,
                 MT_WAIT);
  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_RECONNECTING);
  MT_WAIT_UNTIL (parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_FAILED, MT_WAIT);

  error = parla_call_get_error (fixture->alice->call);
  g_assert_error ((GError *) error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_TIMEOUT);
  g_assert_nonnull (fixture->alice->error);
  g_assert_true (mt_party_saw_state (fixture->alice, PARLA_CALL_STATE_CONNECTED));
}

static void
test_left_room (Fixture       *fixture,
                gconstpointer  data)
{
  /* Bob's relay connection drops (member-left, no bye): same, through
   * the alone timeout. */
  start (fixture, 10000, 500);
  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);

  parla_loopback_signaling_leave (fixture->bob->signaling);
  MT_WAIT_UNTIL (mt_party_get_participant_state (fixture->alice, "bob") == PARLA_CALL_STATE_ENDED,
                 MT_WAIT);
  MT_WAIT_UNTIL (parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_FAILED, MT_WAIT);
}

static void
test_unanswered_request (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Bob (who offered first) does not know the request for an offer, as a
   * browser would not: Alice, who wants to share her screen, offers
   * herself after a while. */
  fixture->drop_requests = TRUE;
  start (fixture, 2000, 30000);
  MT_WAIT_UNTIL (connected_with_media (fixture), MT_WAIT);

  g_assert_true (parla_call_start_screen_share (fixture->alice->call, &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (mt_party_get_remote (fixture->bob, "alice")), MT_WAIT);
  g_assert_true (connected_with_media (fixture));
}

static void
test_never_answered (Fixture       *fixture,
                     gconstpointer  data)
{
  /* Nothing reaches Bob: his offer is never answered. */
  fixture->drop_to_bob = TRUE;
  start (fixture, 800, 300);

  MT_WAIT_UNTIL (parla_call_get_state (fixture->bob->call) == PARLA_CALL_STATE_FAILED, MT_WAIT);
  g_assert_cmpint (mt_party_get_participant_state (fixture->bob, "alice"), ==,
                   PARLA_CALL_STATE_FAILED);
  g_assert_false (mt_party_saw_state (fixture->bob, PARLA_CALL_STATE_CONNECTED));
  g_assert_error ((GError *) parla_call_get_error (fixture->bob->call),
                  PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_TIMEOUT);
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("/media/hostile/malformed", test_malformed);
  ADD ("/media/hostile/stranger", test_stranger);
  ADD ("/media/hostile/early-candidates", test_early_candidates);
  ADD ("/media/hostile/second-answer", test_second_answer);
  ADD ("/media/hostile/bad-offers", test_bad_offers);
  ADD ("/media/hostile/impaired-signaling", test_impaired_signaling);
  ADD ("/media/hostile/lost-candidates", test_lost_candidates);
  ADD ("/media/hostile/vanished", test_vanished);
  ADD ("/media/hostile/left-room", test_left_room);
  ADD ("/media/hostile/never-answered", test_never_answered);
  ADD ("/media/hostile/unanswered-request", test_unanswered_request);

  return g_test_run ();
}
