/* test-signaling.c: the loopback room, ICE server conversion and the
 * checks on remote SDP; no media
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "media-test-utils.h"
#include "parla-call-stats-private.h"
#include "parla-ice-servers-private.h"
#include "parla-sdp-private.h"

typedef struct
{
  GPtrArray *log;   /* "event from payload" strings */
} Listener;

static void
on_message_cb (ParlaSignaling *signaling,
               const char     *from,
               JsonNode       *payload,
               Listener       *listener)
{
  g_autofree char *json = json_to_string (payload, FALSE);

  g_ptr_array_add (listener->log, g_strdup_printf ("message %s %s", from, json));
}

static void
on_joined_cb (ParlaSignaling *signaling,
              const char     *user_id,
              const char     *display_name,
              Listener       *listener)
{
  g_ptr_array_add (listener->log, g_strdup_printf ("joined %s %s", user_id, display_name));
}

static void
on_left_cb (ParlaSignaling *signaling,
            const char     *user_id,
            Listener       *listener)
{
  g_ptr_array_add (listener->log, g_strdup_printf ("left %s", user_id));
}

static void
listen_to (ParlaLoopbackSignaling *signaling,
           Listener               *listener)
{
  listener->log = g_ptr_array_new_with_free_func (g_free);
  g_signal_connect (signaling, "message", G_CALLBACK (on_message_cb), listener);
  g_signal_connect (signaling, "member-joined", G_CALLBACK (on_joined_cb), listener);
  g_signal_connect (signaling, "member-left", G_CALLBACK (on_left_cb), listener);
}

static void
send_number (ParlaLoopbackSignaling *from,
             const char             *to,
             int                     n)
{
  g_autoptr(JsonNode) payload = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();

  json_object_set_int_member (object, "n", n);
  json_node_take_object (payload, object);
  parla_signaling_send (PARLA_SIGNALING (from), to, payload);
}

static void
test_loopback_room (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaLoopbackSignaling) a = NULL;
  g_autoptr(ParlaLoopbackSignaling) b = NULL;
  g_auto(GStrv) members_of_a = NULL;
  g_auto(GStrv) members_of_b = NULL;
  Listener la, lb;

  a = parla_loopback_signaling_new (room, "a", "Ann");
  listen_to (a, &la);
  b = parla_loopback_signaling_new (room, "b", "Bea");
  listen_to (b, &lb);

  members_of_a = parla_signaling_dup_members (PARLA_SIGNALING (a));
  members_of_b = parla_signaling_dup_members (PARLA_SIGNALING (b));
  g_assert_cmpstrv (members_of_a, ((const char * const []) { NULL }));
  g_assert_cmpstrv (members_of_b, ((const char * const []) { "a", NULL }));

  /* Asynchronous: nothing is delivered inside send(). */
  send_number (b, "a", 1);
  send_number (b, "a", 2);
  send_number (a, "nobody", 3);
  g_assert_cmpuint (la.log->len, ==, 0);

  MT_WAIT_UNTIL (la.log->len == 3, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (la.log, 0), ==, "joined b Bea");
  g_assert_cmpstr (g_ptr_array_index (la.log, 1), ==, "message b {\"n\":1}");
  g_assert_cmpstr (g_ptr_array_index (la.log, 2), ==, "message b {\"n\":2}");

  parla_loopback_signaling_leave (b);
  send_number (b, "a", 4);  /* after leaving: dropped */
  MT_WAIT_UNTIL (la.log->len == 4, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (la.log, 3), ==, "left b");
  mt_spin (50);
  g_assert_cmpuint (la.log->len, ==, 4);
  g_assert_cmpuint (lb.log->len, ==, 0);
  g_assert_cmpuint (parla_loopback_room_get_n_in_flight (room), ==, 0);

  g_ptr_array_unref (la.log);
  g_ptr_array_unref (lb.log);
}

static gboolean
on_relay_swallow_cb (ParlaLoopbackRoom *room,
                     const char        *from,
                     const char        *to,
                     JsonNode          *payload,
                     gpointer           user_data)
{
  return json_object_get_int_member (json_node_get_object (payload), "n") % 2 == 0;
}

static void
test_loopback_impairment (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaLoopbackSignaling) a = NULL;
  g_autoptr(ParlaLoopbackSignaling) b = NULL;
  gboolean reordered = FALSE;
  Listener la;

  parla_loopback_room_set_seed (room, 7);
  parla_loopback_room_set_delay (room, 0, 30);
  parla_loopback_room_set_reorder_rate (room, 0.2);
  parla_loopback_room_set_duplicate_rate (room, 0.2);
  parla_loopback_room_set_drop_rate (room, 0.1);

  a = parla_loopback_signaling_new (room, "a", NULL);
  listen_to (a, &la);
  b = parla_loopback_signaling_new (room, "b", NULL);

  for (int i = 0; i < 200; i++)
    send_number (b, "a", i);
  MT_WAIT_UNTIL (parla_loopback_room_get_n_in_flight (room) == 0, MT_WAIT);

  /* Some lost, some twice, some out of order: about 200 all told. */
  g_assert_cmpuint (la.log->len, >, 150);
  g_assert_cmpuint (la.log->len, <, 260);
  for (guint i = 2; i < la.log->len; i++)
    if (g_strcmp0 (g_ptr_array_index (la.log, i - 1), g_ptr_array_index (la.log, i)) > 0 &&
        strlen (g_ptr_array_index (la.log, i - 1)) == strlen (g_ptr_array_index (la.log, i)))
      reordered = TRUE;
  g_assert_true (reordered);

  /* The relay hook sees every payload and may swallow it. */
  g_ptr_array_set_size (la.log, 0);
  parla_loopback_room_set_drop_rate (room, 0);
  parla_loopback_room_set_duplicate_rate (room, 0);
  parla_loopback_room_set_reorder_rate (room, 0);
  g_signal_connect (room, "relay", G_CALLBACK (on_relay_swallow_cb), NULL);
  for (int i = 0; i < 10; i++)
    send_number (b, "a", i);
  MT_WAIT_UNTIL (parla_loopback_room_get_n_in_flight (room) == 0, MT_WAIT);
  g_assert_cmpuint (la.log->len, ==, 5);

  g_ptr_array_unref (la.log);
}

static void
check_ice (const char  *json,
           const char  *stun,
           const char **turns)
{
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *stun_uri = NULL;
  g_auto(GStrv) turn_uris = NULL;

  g_assert_true (_parla_ice_servers_parse (node, &stun_uri, &turn_uris, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (stun_uri, ==, stun);
  g_assert_cmpstrv (turn_uris, turns);
}

static void
test_ice_servers (void)
{
  static const char * const bad[] = {
    "{}",
    "[1]",
    "[{\"username\": \"u\"}]",
    "[{\"urls\": 3}]",
    "[{\"urls\": [\"turn:a\", 3]}]",
    "[{\"urls\": \"turn:a\", \"username\": 5, \"credential\": \"p\"}]",
  };

  check_ice ("null", NULL, (const char *[]) { NULL });
  check_ice ("[]", NULL, (const char *[]) { NULL });

  /* The user name of time-limited credentials has a colon: escaped, as is
   * the password; webrtcbin splits at the first colon. */
  check_ice ("[{\"urls\": [\"stun:stun.example.org:3478\", \"stun:second.example\"]},"
             " {\"urls\": [\"turn:turn.example.org:3478?transport=udp\","
             "             \"turn:turn.example.org:3478?transport=tcp\","
             "             \"turns:turn.example.org\"],"
             "  \"username\": \"1767225600:user-42\", \"credential\": \"a/b+c=@:%\"}]",
             "stun://stun.example.org:3478",
             (const char *[]) {
               "turn://1767225600%3Auser-42:a%2Fb%2Bc%3D%40%3A%25@turn.example.org:3478?transport=udp",
               "turn://1767225600%3Auser-42:a%2Fb%2Bc%3D%40%3A%25@turn.example.org:3478?transport=tcp",
               "turns://1767225600%3Auser-42:a%2Fb%2Bc%3D%40%3A%25@turn.example.org:5349",
               NULL });

  /* The old single "url", IPv6, default port; unusable URLs skipped:
   * TURN without credentials, stuns, unknown schemes, odd hosts. */
  check_ice ("[{\"url\": \"stun:[2001:db8::1]\"},"
             " {\"urls\": \"turn:nocreds.example\"},"
             " {\"urls\": [\"stuns:x.example\", \"http://x\", \"turn:a b:1\", \"turn:x:99999\","
             "             \"turn:x?transport=sctp\", \"turn:x\"],"
             "  \"username\": \"u\", \"credential\": \"p\"}]",
             "stun://[2001:db8::1]:3478",
             (const char *[]) { "turn://u:p@x:3478", NULL });

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(JsonNode) node = json_from_string (bad[i], NULL);
      g_autoptr(GError) error = NULL;
      g_autofree char *stun_uri = NULL;
      g_auto(GStrv) turn_uris = NULL;

      g_assert_false (_parla_ice_servers_parse (node, &stun_uri, &turn_uris, &error));
      g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
    }
}

#define SESSION "v=0\r\no=- 1 0 IN IP4 0.0.0.0\r\ns=-\r\nt=0 0\r\n"
#define FP "a=fingerprint:sha-256 00:11\r\n"
#define ICE "a=ice-ufrag:u\r\na=ice-pwd:p\r\n"
#define SETUP "a=setup:actpass\r\n"
#define AUDIO(mid) "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:" mid "\r\n" ICE FP \
                   "a=setup:actpass\r\na=rtpmap:111 OPUS/48000/2\r\n"
#define VIDEO(mid) "m=video 9 UDP/TLS/RTP/SAVPF 96 97\r\na=mid:" mid "\r\n" ICE FP \
                   "a=setup:actpass\r\na=rtpmap:96 H264/90000\r\na=rtpmap:97 VP8/90000\r\n"

static void
test_sdp_checks (void)
{
  static const struct { const char *name; const char *sdp; } bad[] = {
    { "empty", "" },
    { "not sdp", "hello" },
    { "no media", SESSION },
    { "no mid", SESSION "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\n" ICE FP },
    { "same mid", SESSION AUDIO ("0") VIDEO ("0") },
    { "unknown kind", SESSION "m=text 9 UDP/TLS/RTP/SAVPF 1\r\na=mid:0\r\n" ICE FP },
    { "plain RTP", SESSION "m=audio 9 RTP/AVP 0\r\na=mid:0\r\n" ICE FP },
    { "no ice", SESSION "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" FP },
    { "no fingerprint", SESSION "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" ICE },
    { "no setup", SESSION "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" ICE FP },
    { "session setup only", SESSION SETUP "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" ICE FP },
    /* aborts webrtcbin 1.22 (g_assert in _get_ice_credentials_from_sdp_media) */
    { "two session ufrags", SESSION "a=ice-ufrag:x\r\na=ice-ufrag:y\r\na=ice-pwd:p\r\n" FP
                            "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" },
    { "two media ufrags", SESSION "m=audio 9 UDP/TLS/RTP/SAVPF 111\r\na=mid:0\r\n" ICE ICE FP },
  };
  g_autoptr(GError) error = NULL;
  GstSDPMessage *offer, *good, *previous;
  const char *encoding = NULL;
  const char * const vp8_first[] = { "VP8", "H264", NULL };
  const char * const opus[] = { "OPUS", NULL };
  g_autofree char *huge = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      GstSDPMessage *sdp = _parla_sdp_parse_remote (bad[i].sdp, GST_WEBRTC_SDP_TYPE_OFFER,
                                                    NULL, NULL, &error);

      if (sdp != NULL)
        g_error ("accepted SDP: %s", bad[i].name);
      g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION);
      g_clear_error (&error);
    }

  huge = g_strnfill (PARLA_SDP_MAX_LENGTH + 10, 'a');
  memcpy (huge, "v=0", 3);
  g_assert_null (_parla_sdp_parse_remote (huge, GST_WEBRTC_SDP_TYPE_OFFER, NULL, NULL, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION);
  g_clear_error (&error);

  good = _parla_sdp_parse_remote (SESSION AUDIO ("a") VIDEO ("v"), GST_WEBRTC_SDP_TYPE_OFFER,
                                  NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (good);

  /* A renegotiation keeps the m-lines and their mids, and may add some. */
  previous = good;
  offer = _parla_sdp_parse_remote (SESSION AUDIO ("a") VIDEO ("v") VIDEO ("s"),
                                   GST_WEBRTC_SDP_TYPE_OFFER, previous, NULL, &error);
  g_assert_no_error (error);
  gst_sdp_message_free (offer);
  g_assert_null (_parla_sdp_parse_remote (SESSION VIDEO ("v") AUDIO ("a"),
                                          GST_WEBRTC_SDP_TYPE_OFFER, previous, NULL, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION);
  g_clear_error (&error);
  g_assert_null (_parla_sdp_parse_remote (SESSION AUDIO ("a"), GST_WEBRTC_SDP_TYPE_OFFER,
                                          previous, NULL, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION);
  g_clear_error (&error);

  /* An answer matches our offer's m-lines, or there is no offer. */
  offer = _parla_sdp_parse_remote (SESSION AUDIO ("a") VIDEO ("v"), GST_WEBRTC_SDP_TYPE_ANSWER,
                                   NULL, good, &error);
  g_assert_no_error (error);
  gst_sdp_message_free (offer);
  g_assert_null (_parla_sdp_parse_remote (SESSION AUDIO ("a"), GST_WEBRTC_SDP_TYPE_ANSWER,
                                          NULL, good, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION);
  g_clear_error (&error);
  g_assert_null (_parla_sdp_parse_remote (SESSION AUDIO ("a") VIDEO ("v"),
                                          GST_WEBRTC_SDP_TYPE_ANSWER, NULL, NULL, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION);
  g_clear_error (&error);

  /* Helpers */
  g_assert_cmpint (_parla_sdp_find_mid (good, "v"), ==, 1);
  g_assert_cmpint (_parla_sdp_find_mid (good, "x"), ==, -1);
  g_assert_cmpint (_parla_sdp_pick_payload (gst_sdp_message_get_media (good, 1), vp8_first,
                                            &encoding), ==, 97);
  g_assert_cmpstr (encoding, ==, "VP8");
  g_assert_cmpint (_parla_sdp_pick_payload (gst_sdp_message_get_media (good, 1), opus,
                                            &encoding), ==, -1);
  g_assert_cmpint (_parla_sdp_bundle_tag (good, 1), ==, 1);
  gst_sdp_message_add_attribute (good, "group", "BUNDLE a v");
  g_assert_cmpint (_parla_sdp_bundle_tag (good, 1), ==, 0);
  g_assert_cmpint (_parla_sdp_bundle_tag (good, 5), ==, -1);

  gst_sdp_message_free (good);
}

static void
test_quality (void)
{
  static const struct { double rtt, loss, jitter; ParlaQuality quality; } cases[] = {
    { -1, 0, 0, PARLA_QUALITY_EXCELLENT },
    { 20, 0.005, 5, PARLA_QUALITY_EXCELLENT },
    { 200, 0.005, 5, PARLA_QUALITY_GOOD },
    { 20, 0.02, 5, PARLA_QUALITY_GOOD },
    { 20, 0, 30, PARLA_QUALITY_GOOD },
    { 400, 0, 5, PARLA_QUALITY_POOR },
    { 20, 0.05, 5, PARLA_QUALITY_POOR },
    { 700, 0, 5, PARLA_QUALITY_BAD },
    { 20, 0.2, 5, PARLA_QUALITY_BAD },
    { 20, 0, 150, PARLA_QUALITY_BAD },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    g_assert_cmpint (_parla_quality_rate (cases[i].rtt, cases[i].loss, cases[i].jitter), ==,
                     cases[i].quality);
}

static void
test_adaptation (void)
{
  ParlaAdaptation a;
  guint steps;

  _parla_adaptation_init (&a, 1000);
  g_assert_cmpuint (a.target_kbps, ==, 1000);

  /* Clean: stays at the maximum */
  for (guint i = 0; i < 10; i++)
    _parla_adaptation_update (&a, 0, 20);
  g_assert_cmpuint (a.target_kbps, ==, 1000);

  /* 5 % loss: a quarter down per interval (once the average gets there),
   * never below the floor */
  g_assert_false (_parla_adaptation_update (&a, 0.05, 20));
  g_assert_true (_parla_adaptation_update (&a, 0.05, 20));
  g_assert_cmpuint (a.target_kbps, ==, 750);
  for (guint i = 0; i < 20; i++)
    _parla_adaptation_update (&a, 0.05, 20);
  g_assert_cmpuint (a.target_kbps, ==, PARLA_VIDEO_MIN_KBPS);
  g_assert_false (a.suspended);

  /* 1 to 3 %: holds */
  _parla_adaptation_update (&a, 0.02, 20);
  g_assert_false (_parla_adaptation_update (&a, 0.02, 20));

  /* Severe loss at the floor: video stops after three intervals */
  _parla_adaptation_update (&a, 0.3, 20);
  _parla_adaptation_update (&a, 0.3, 20);
  g_assert_false (a.suspended);
  g_assert_true (_parla_adaptation_update (&a, 0.3, 20));
  g_assert_true (a.suspended);

  /* Back after five clean intervals (the average falls under 3 % after
   * the first few), low, then up again */
  for (steps = 0; a.suspended; steps++)
    _parla_adaptation_update (&a, 0, 20);
  g_assert_cmpuint (steps, ==, 8);
  g_assert_cmpuint (a.target_kbps, ==, 2 * PARLA_VIDEO_MIN_KBPS);
  for (guint i = 0; i < 60; i++)
    _parla_adaptation_update (&a, 0, 20);
  g_assert_cmpuint (a.target_kbps, ==, 1000);

  /* A resume that fails at once makes the next wait twice as long. */
  for (guint i = 0; i < 8; i++)
    _parla_adaptation_update (&a, 0.3, 20);
  g_assert_true (a.suspended);
  for (steps = 0; a.suspended; steps++)
    _parla_adaptation_update (&a, 0, 20);
  g_assert_cmpuint (steps, ==, 8);
  for (guint i = 0; i < 3; i++)
    _parla_adaptation_update (&a, 0.3, 20);
  g_assert_true (a.suspended);
  for (steps = 0; a.suspended; steps++)
    _parla_adaptation_update (&a, 0, 20);
  g_assert_cmpuint (steps, ==, 13);
  for (guint i = 0; i < 60; i++)
    _parla_adaptation_update (&a, 0, 20);

  /* A very long round trip counts as congestion too */
  _parla_adaptation_update (&a, 0, 1500);
  g_assert_cmpuint (a.target_kbps, ==, 750);
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

  g_test_add_func ("/media/signaling/loopback", test_loopback_room);
  g_test_add_func ("/media/signaling/impairment", test_loopback_impairment);
  g_test_add_func ("/media/signaling/ice-servers", test_ice_servers);
  g_test_add_func ("/media/signaling/sdp-checks", test_sdp_checks);
  g_test_add_func ("/media/stats/quality", test_quality);
  g_test_add_func ("/media/stats/adaptation", test_adaptation);

  return g_test_run ();
}
