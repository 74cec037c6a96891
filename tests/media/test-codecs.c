/* test-codecs.c: VP8 and H.264 offered together, one of them sent
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdlib.h>
#include <string.h>

#include <gst/sdp/sdp.h>

#include "media-test-utils.h"
#include "parla-call-private.h"

/* A Chromium 120 offer (audio, video, data), as a page with one camera
 * and microphone makes it: Opus with RED and the telephony codecs, VP8
 * then H.264 in four profiles and modes, each with RTX, header
 * extensions, an SSRC group, trickle ICE. The fingerprint is a made-up
 * one: nothing connects, the answer is what counts. */
#define CHROME_ICE \
  "a=ice-ufrag:Yb3q\r\n" \
  "a=ice-pwd:l9pM0uXQ5U3mHtBw3GmD9Rz1\r\n" \
  "a=ice-options:trickle\r\n" \
  "a=fingerprint:sha-256 5B:4C:8E:25:71:33:9A:10:3E:C4:7F:0D:2B:61:A9:E8:" \
  "52:17:B3:C6:0E:F4:99:7A:21:D5:38:6B:AC:40:1F:83\r\n" \
  "a=setup:actpass\r\n"

static const char chrome_offer[] =
  "v=0\r\n"
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1\r\n"
  "s=-\r\n"
  "t=0 0\r\n"
  "a=group:BUNDLE 0 1 2\r\n"
  "a=extmap-allow-mixed\r\n"
  "a=msid-semantic: WMS stream1\r\n"
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=rtcp:9 IN IP4 0.0.0.0\r\n"
  CHROME_ICE
  "a=mid:0\r\n"
  "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level\r\n"
  "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
  "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
  "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
  "a=sendrecv\r\n"
  "a=msid:stream1 audio1\r\n"
  "a=rtcp-mux\r\n"
  "a=rtpmap:111 opus/48000/2\r\n"
  "a=rtcp-fb:111 transport-cc\r\n"
  "a=fmtp:111 minptime=10;useinbandfec=1\r\n"
  "a=rtpmap:63 red/48000/2\r\n"
  "a=fmtp:63 111/111\r\n"
  "a=rtpmap:9 G722/8000\r\n"
  "a=rtpmap:0 PCMU/8000\r\n"
  "a=rtpmap:8 PCMA/8000\r\n"
  "a=rtpmap:13 CN/8000\r\n"
  "a=rtpmap:110 telephone-event/48000\r\n"
  "a=rtpmap:126 telephone-event/8000\r\n"
  "a=ssrc:1001 cname:Hq0ZkqvKEC9eYpNw\r\n"
  "a=ssrc:1001 msid:stream1 audio1\r\n"
  "m=video 9 UDP/TLS/RTP/SAVPF 96 97 102 103 104 105 106 107 108 109 127 125\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  "a=rtcp:9 IN IP4 0.0.0.0\r\n"
  CHROME_ICE
  "a=mid:1\r\n"
  "a=extmap:14 urn:ietf:params:rtp-hdrext:toffset\r\n"
  "a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time\r\n"
  "a=extmap:13 urn:3gpp:video-orientation\r\n"
  "a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01\r\n"
  "a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid\r\n"
  "a=sendrecv\r\n"
  "a=msid:stream1 video1\r\n"
  "a=rtcp-mux\r\n"
  "a=rtcp-rsize\r\n"
  "a=rtpmap:96 VP8/90000\r\n"
  "a=rtcp-fb:96 goog-remb\r\n"
  "a=rtcp-fb:96 transport-cc\r\n"
  "a=rtcp-fb:96 ccm fir\r\n"
  "a=rtcp-fb:96 nack\r\n"
  "a=rtcp-fb:96 nack pli\r\n"
  "a=rtpmap:97 rtx/90000\r\n"
  "a=fmtp:97 apt=96\r\n"
  "a=rtpmap:102 H264/90000\r\n"
  "a=rtcp-fb:102 goog-remb\r\n"
  "a=rtcp-fb:102 transport-cc\r\n"
  "a=rtcp-fb:102 ccm fir\r\n"
  "a=rtcp-fb:102 nack\r\n"
  "a=rtcp-fb:102 nack pli\r\n"
  "a=fmtp:102 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42001f\r\n"
  "a=rtpmap:103 rtx/90000\r\n"
  "a=fmtp:103 apt=102\r\n"
  "a=rtpmap:104 H264/90000\r\n"
  "a=rtcp-fb:104 ccm fir\r\n"
  "a=rtcp-fb:104 nack\r\n"
  "a=rtcp-fb:104 nack pli\r\n"
  "a=fmtp:104 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42001f\r\n"
  "a=rtpmap:105 rtx/90000\r\n"
  "a=fmtp:105 apt=104\r\n"
  "a=rtpmap:106 H264/90000\r\n"
  "a=rtcp-fb:106 goog-remb\r\n"
  "a=rtcp-fb:106 transport-cc\r\n"
  "a=rtcp-fb:106 ccm fir\r\n"
  "a=rtcp-fb:106 nack\r\n"
  "a=rtcp-fb:106 nack pli\r\n"
  "a=fmtp:106 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=42e01f\r\n"
  "a=rtpmap:107 rtx/90000\r\n"
  "a=fmtp:107 apt=106\r\n"
  "a=rtpmap:108 H264/90000\r\n"
  "a=rtcp-fb:108 ccm fir\r\n"
  "a=rtcp-fb:108 nack\r\n"
  "a=rtcp-fb:108 nack pli\r\n"
  "a=fmtp:108 level-asymmetry-allowed=1;packetization-mode=0;profile-level-id=42e01f\r\n"
  "a=rtpmap:109 rtx/90000\r\n"
  "a=fmtp:109 apt=108\r\n"
  "a=rtpmap:127 H264/90000\r\n"
  "a=rtcp-fb:127 ccm fir\r\n"
  "a=rtcp-fb:127 nack\r\n"
  "a=rtcp-fb:127 nack pli\r\n"
  "a=fmtp:127 level-asymmetry-allowed=1;packetization-mode=1;profile-level-id=4d001f\r\n"
  "a=rtpmap:125 rtx/90000\r\n"
  "a=fmtp:125 apt=127\r\n"
  "a=ssrc-group:FID 2001 2002\r\n"
  "a=ssrc:2001 cname:Hq0ZkqvKEC9eYpNw\r\n"
  "a=ssrc:2001 msid:stream1 video1\r\n"
  "a=ssrc:2002 cname:Hq0ZkqvKEC9eYpNw\r\n"
  "a=ssrc:2002 msid:stream1 video1\r\n"
  "m=application 9 UDP/DTLS/SCTP webrtc-datachannel\r\n"
  "c=IN IP4 0.0.0.0\r\n"
  CHROME_ICE
  "a=mid:2\r\n"
  "a=sctp-port:5000\r\n"
  "a=max-message-size:262144\r\n";

typedef struct
{
  GstSDPMessage *offer;
  GstSDPMessage *answer;
} Relayed;

static GstSDPMessage *
parse_sdp_payload (JsonNode   *payload,
                   const char *type)
{
  GstSDPMessage *message = NULL;
  JsonObject *sdp;

  if (!JSON_NODE_HOLDS_OBJECT (payload) ||
      !json_object_has_member (json_node_get_object (payload), "sdp"))
    return NULL;

  sdp = json_object_get_object_member (json_node_get_object (payload), "sdp");
  if (g_strcmp0 (json_object_get_string_member_with_default (sdp, "type", NULL), type) != 0)
    return NULL;

  g_assert_cmpint (gst_sdp_message_new_from_text (json_object_get_string_member (sdp, "sdp"),
                                                  &message), ==, GST_SDP_OK);
  return message;
}

/* Keeps the first offer and answer that go through the room. */
static gboolean
on_relay_cb (ParlaLoopbackRoom *room,
             const char        *from,
             const char        *to,
             JsonNode          *payload,
             Relayed           *relayed)
{
  if (relayed->offer == NULL)
    relayed->offer = parse_sdp_payload (payload, "offer");
  if (relayed->answer == NULL)
    relayed->answer = parse_sdp_payload (payload, "answer");

  return FALSE;
}

static void
relayed_clear (Relayed *relayed)
{
  g_clear_pointer (&relayed->offer, gst_sdp_message_free);
  g_clear_pointer (&relayed->answer, gst_sdp_message_free);
}

static const GstSDPMedia *
find_media (const GstSDPMessage *sdp,
            const char          *kind)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    if (g_strcmp0 (gst_sdp_media_get_media (gst_sdp_message_get_media (sdp, i)), kind) == 0)
      return gst_sdp_message_get_media (sdp, i);

  return NULL;
}

/* "VP8", "H264", … of @pt in @media, or NULL. */
static char *
encoding_of (const GstSDPMedia *media,
             int                pt)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);
      char *end;

      if (g_strcmp0 (attr->key, "rtpmap") == 0 && attr->value != NULL &&
          strtol (attr->value, &end, 10) == pt && *end == ' ')
        return g_strndup (end + 1, strcspn (end + 1, "/"));
    }

  return NULL;
}

/* The media codecs of @media in order, RTX, RED and FEC left out:
 * "VP8 H264". */
static char *
codecs_of (const GstSDPMedia *media)
{
  g_autoptr(GString) codecs = g_string_new (NULL);

  for (guint f = 0; f < gst_sdp_media_formats_len (media); f++)
    {
      g_autofree char *name = encoding_of (media, atoi (gst_sdp_media_get_format (media, f)));

      if (name == NULL || g_ascii_strcasecmp (name, "rtx") == 0 ||
          g_ascii_strcasecmp (name, "red") == 0 || g_ascii_strcasecmp (name, "ulpfec") == 0)
        continue;
      if (codecs->len > 0)
        g_string_append_c (codecs, ' ');
      g_string_append (codecs, name);
    }

  return g_string_free (g_steal_pointer (&codecs), FALSE);
}

static char *
fmtp_of (const GstSDPMedia *media,
         int                pt)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);
      char *end;

      if (g_strcmp0 (attr->key, "fmtp") == 0 && attr->value != NULL &&
          strtol (attr->value, &end, 10) == pt && *end == ' ')
        return g_strdup (end + 1);
    }

  return NULL;
}

static gboolean
has_attribute (const GstSDPMedia *media,
               const char        *key)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key, key) == 0)
      return TRUE;

  return FALSE;
}

/* How many elements of @factory the call's pipeline holds. */
static guint
count_elements (ParlaCall  *call,
                const char *factory)
{
  GstElement *pipeline = _parla_call_get_pipeline (call);
  g_autoptr(GstIterator) iter = NULL;
  GValue item = G_VALUE_INIT;
  guint n = 0;

  g_assert_nonnull (pipeline);
  iter = gst_bin_iterate_recurse (GST_BIN (pipeline));
  while (gst_iterator_next (iter, &item) == GST_ITERATOR_OK)
    {
      GstElementFactory *element_factory = gst_element_get_factory (g_value_get_object (&item));

      if (element_factory != NULL &&
          g_str_equal (gst_plugin_feature_get_name (GST_PLUGIN_FEATURE (element_factory)), factory))
        n++;
      g_value_reset (&item);
    }
  g_value_unset (&item);

  return n;
}

static gboolean
have_h264 (void)
{
  if (parla_media_has_element ("openh264enc") && parla_media_has_element ("openh264dec") &&
      parla_media_has_element ("rtph264pay") && parla_media_has_element ("h264parse"))
    return TRUE;

  g_test_skip ("openh264 is not installed");
  return FALSE;
}

/* Connections to these participants go without H.264 (set in main(),
 * before any thread starts): Carol's offerer and Dave's answerer lack it. */
#define NO_H264_PEERS "carol,dave"

typedef struct
{
  const char  *answerer;
  const char  *offerer;
  gboolean     answerer_prefers_h264;
  gboolean     offerer_prefers_h264;
  const char  *offered;             /* video codecs of the offer */
  const char  *sent;                /* the codec of the answer */
} CodecCase;

/* The answerer is in the room first; the offerer joins and offers. Checks
 * the codecs offered and answered, that each pipeline encodes the
 * camera in the answered codec only (one encoder each way, of that
 * codec), and that each side decodes the other's test pattern. */
static void
test_negotiation (gconstpointer data)
{
  const CodecCase *c = data;
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) answerer_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) offerer_options = mt_options_new (660);
  g_autoptr(MtParty) answerer = NULL;
  g_autoptr(MtParty) offerer = NULL;
  g_autofree char *offered = NULL;
  g_autofree char *answered = NULL;
  const char *encoder = g_str_equal (c->sent, "H264") ? "openh264enc" : "vp8enc";
  const char *other_encoder = g_str_equal (c->sent, "H264") ? "vp8enc" : "openh264enc";
  Relayed relayed = { NULL, NULL };

  if (!have_h264 ())
    return;

  g_signal_connect (room, "relay", G_CALLBACK (on_relay_cb), &relayed);

  parla_call_options_set_prefer_h264 (answerer_options, c->answerer_prefers_h264);
  parla_call_options_set_prefer_h264 (offerer_options, c->offerer_prefers_h264);
  answerer = mt_party_new (room, c->answerer, answerer_options);
  mt_party_start (answerer);
  offerer = mt_party_new (room, c->offerer, offerer_options);
  mt_party_start (offerer);

  MT_WAIT_UNTIL (mt_remote_sees_smpte (mt_party_get_remote (answerer, c->offerer)) &&
                 mt_remote_sees_smpte (mt_party_get_remote (offerer, c->answerer)), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (mt_party_get_remote (answerer, c->offerer), 660) &&
                 mt_remote_hears_tone (mt_party_get_remote (offerer, c->answerer), 440), MT_WAIT);

  g_assert_nonnull (relayed.offer);
  g_assert_nonnull (relayed.answer);
  offered = codecs_of (find_media (relayed.offer, "video"));
  answered = codecs_of (find_media (relayed.answer, "video"));
  g_assert_cmpstr (offered, ==, c->offered);
  g_assert_cmpstr (answered, ==, c->sent);

  /* H.264 the way browsers take it. */
  if (strstr (offered, "H264") != NULL)
    {
      const GstSDPMedia *video = find_media (relayed.offer, "video");
      g_autofree char *fmtp = NULL;

      for (guint f = 0; f < gst_sdp_media_formats_len (video) && fmtp == NULL; f++)
        {
          int pt = atoi (gst_sdp_media_get_format (video, f));
          g_autofree char *name = encoding_of (video, pt);

          if (g_strcmp0 (name, "H264") == 0)
            fmtp = fmtp_of (video, pt);
        }
      g_assert_nonnull (fmtp);
      g_assert_nonnull (strstr (fmtp, "packetization-mode=1"));
      g_assert_nonnull (strstr (fmtp, "profile-level-id=42e01f"));
    }

  /* One camera encoder in each pipeline, of the answered codec. */
  g_assert_cmpuint (count_elements (answerer->call, encoder), ==, 1);
  g_assert_cmpuint (count_elements (offerer->call, encoder), ==, 1);
  g_assert_cmpuint (count_elements (answerer->call, other_encoder), ==, 0);
  g_assert_cmpuint (count_elements (offerer->call, other_encoder), ==, 0);

  g_assert_null (answerer->error);
  g_assert_null (offerer->error);

  g_signal_handlers_disconnect_by_data (room, &relayed);
  relayed_clear (&relayed);
}

static const CodecCase vp8_default = { "alice", "bob", FALSE, FALSE, "VP8 H264", "VP8" };
static const CodecCase h264_both = { "alice", "bob", TRUE, TRUE, "H264 VP8", "H264" };
/* The offerer would like H.264; the answerer picks what it prefers. */
static const CodecCase h264_offerer_only = { "alice", "bob", FALSE, TRUE, "H264 VP8", "VP8" };
/* Bob's connection to Carol has no H.264: he offers VP8 only. */
static const CodecCase offerer_lacks_h264 = { "carol", "bob", TRUE, TRUE, "VP8", "VP8" };
/* Alice's connection to Dave has none: she answers VP8 to an offer of
 * both. */
static const CodecCase answerer_lacks_h264 = { "alice", "dave", TRUE, TRUE, "H264 VP8", "VP8" };

/* A screen shared over an H.264 call goes in H.264 too, both ways. */
static void
test_h264_screen_share (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);
  g_autoptr(MtParty) alice = NULL;
  g_autoptr(MtParty) bob = NULL;
  g_autoptr(GError) error = NULL;

  if (!have_h264 ())
    return;

  parla_call_options_set_prefer_h264 (alice_options, TRUE);
  parla_call_options_set_prefer_h264 (bob_options, TRUE);
  alice = mt_party_new (room, "alice", alice_options);
  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (mt_party_get_remote (alice, "bob")) &&
                 mt_remote_sees_smpte (mt_party_get_remote (bob, "alice")), MT_WAIT);

  /* The offerer shares, then the answerer. */
  g_assert_true (parla_call_start_screen_share (bob->call, &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (mt_party_get_remote (alice, "bob")), MT_WAIT);
  g_assert_true (parla_call_start_screen_share (alice->call, &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (mt_party_get_remote (bob, "alice")), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (mt_party_get_remote (alice, "bob")) &&
                 mt_remote_sees_smpte (mt_party_get_remote (bob, "alice")), MT_WAIT);

  g_assert_cmpuint (count_elements (alice->call, "openh264enc"), ==, 2);
  g_assert_cmpuint (count_elements (bob->call, "openh264enc"), ==, 2);
  g_assert_cmpuint (count_elements (alice->call, "vp8enc"), ==, 0);
  g_assert_cmpuint (count_elements (bob->call, "vp8enc"), ==, 0);
  g_assert_null (alice->error);
  g_assert_null (bob->error);
}

typedef struct
{
  GstSDPMessage *answer;
} Browser;

static void
on_browser_message_cb (ParlaSignaling *signaling,
                       const char     *from,
                       JsonNode       *payload,
                       Browser        *browser)
{
  if (browser->answer == NULL)
    browser->answer = parse_sdp_payload (payload, "answer");
}

/* Alice's call answers a browser's offer: standard SDP that libwebrtc
 * takes, with one video codec picked from the offer's list. */
static void
test_browser_offer (gconstpointer data)
{
  gboolean prefer_h264 = GPOINTER_TO_INT (data);
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  g_autoptr(MtParty) alice = NULL;
  g_autoptr(ParlaLoopbackSignaling) chrome = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;
  g_autofree char *audio_codecs = NULL;
  g_autofree char *video_codecs = NULL;
  g_autofree char *fmtp = NULL;
  const GstSDPMedia *audio, *video, *data_media;
  const char *group;
  Browser browser = { NULL };
  int pt;

  if (prefer_h264 && !have_h264 ())
    return;

  parla_call_options_set_prefer_h264 (options, prefer_h264);
  alice = mt_party_new (room, "alice", options);
  mt_party_start (alice);

  chrome = parla_loopback_signaling_new (room, "chrome", "Chromium");
  g_signal_connect (chrome, "message", G_CALLBACK (on_browser_message_cb), &browser);
  MT_WAIT_UNTIL (mt_party_get_participant_state (alice, "chrome") == PARLA_CALL_STATE_CONNECTING,
                 MT_WAIT);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sdp");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "offer");
  json_builder_set_member_name (builder, "sdp");
  json_builder_add_string_value (builder, chrome_offer);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);
  parla_signaling_send (PARLA_SIGNALING (chrome), "alice", payload);

  MT_WAIT_UNTIL (browser.answer != NULL, MT_WAIT);

  /* One transport for all (max-bundle), the m-lines of the offer in its
   * order, mids kept, DTLS roles settled, RTCP muxed. */
  group = gst_sdp_message_get_attribute_val (browser.answer, "group");
  g_assert_cmpstr (group, ==, "BUNDLE 0 1 2");
  g_assert_cmpuint (gst_sdp_message_medias_len (browser.answer), ==, 3);
  audio = gst_sdp_message_get_media (browser.answer, 0);
  video = gst_sdp_message_get_media (browser.answer, 1);
  data_media = gst_sdp_message_get_media (browser.answer, 2);
  g_assert_cmpstr (gst_sdp_media_get_media (audio), ==, "audio");
  g_assert_cmpstr (gst_sdp_media_get_media (video), ==, "video");
  g_assert_cmpstr (gst_sdp_media_get_media (data_media), ==, "application");
  for (guint i = 0; i < 3; i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (browser.answer, i);
      g_autofree char *mid = g_strdup_printf ("%u", i);
      const char *setup = gst_sdp_media_get_attribute_val (media, "setup");

      g_assert_cmpstr (gst_sdp_media_get_attribute_val (media, "mid"), ==, mid);
      g_assert_true (g_strcmp0 (setup, "active") == 0 || g_strcmp0 (setup, "passive") == 0);
      g_assert_nonnull (gst_sdp_media_get_attribute_val (media, "ice-ufrag"));
      g_assert_true (gst_sdp_media_get_attribute_val (media, "fingerprint") != NULL ||
                     gst_sdp_message_get_attribute_val (browser.answer, "fingerprint") != NULL);
      if (i < 2)
        {
          g_assert_true (has_attribute (media, "rtcp-mux"));
          g_assert_true (has_attribute (media, "sendrecv"));
          /* Our streams, with their SSRCs: browsers map them to tracks. */
          g_assert_true (has_attribute (media, "ssrc"));
        }
    }

  /* Opus at the browser's payload type. */
  audio_codecs = codecs_of (audio);
  g_assert_cmpstr (audio_codecs, ==, "OPUS");
  g_assert_cmpstr (gst_sdp_media_get_format (audio, 0), ==, "111");

  /* One video codec: VP8 at 96, or constrained-baseline H.264 in
   * packetization mode 1 (106, not the baseline 102, the mode 0 108 nor
   * the main profile 127). */
  video_codecs = codecs_of (video);
  g_assert_cmpstr (video_codecs, ==, prefer_h264 ? "H264" : "VP8");
  pt = atoi (gst_sdp_media_get_format (video, 0));
  g_assert_cmpint (pt, ==, prefer_h264 ? 106 : 96);
  if (prefer_h264)
    {
      fmtp = fmtp_of (video, pt);
      g_assert_nonnull (fmtp);
      g_assert_nonnull (strstr (fmtp, "packetization-mode=1"));
      g_assert_nonnull (strstr (fmtp, "profile-level-id=42e01f"));
    }

  /* And that is what the pipeline encodes. */
  g_assert_cmpuint (count_elements (alice->call, prefer_h264 ? "openh264enc" : "vp8enc"), ==, 1);
  g_assert_cmpuint (count_elements (alice->call, prefer_h264 ? "vp8enc" : "openh264enc"), ==, 0);

  g_signal_handlers_disconnect_by_data (chrome, &browser);
  g_clear_pointer (&browser.answer, gst_sdp_message_free);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("PARLA_MEDIA_NO_H264", NO_H264_PEERS, TRUE);

  if (!mt_init (&argc, &argv))
    return g_test_run ();

  g_test_add_data_func ("/media/codecs/vp8-by-default", &vp8_default, test_negotiation);
  g_test_add_data_func ("/media/codecs/h264-both-prefer", &h264_both, test_negotiation);
  g_test_add_data_func ("/media/codecs/h264-offerer-prefers", &h264_offerer_only, test_negotiation);
  g_test_add_data_func ("/media/codecs/offerer-lacks-h264", &offerer_lacks_h264, test_negotiation);
  g_test_add_data_func ("/media/codecs/answerer-lacks-h264", &answerer_lacks_h264, test_negotiation);
  g_test_add_func ("/media/codecs/h264-screen-share", test_h264_screen_share);
  g_test_add_data_func ("/media/codecs/browser-offer/vp8", GINT_TO_POINTER (FALSE), test_browser_offer);
  g_test_add_data_func ("/media/codecs/browser-offer/h264", GINT_TO_POINTER (TRUE), test_browser_offer);

  return g_test_run ();
}
