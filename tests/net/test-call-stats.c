/* test-call-stats.c: what is read from webrtcbin's stats, and printed
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gst/gst.h>
#include <gst/webrtc/webrtc.h>

#include "parla-call-stats-private.h"

/* One get-stats reply as webrtcbin 1.22 gives it on a lossy path: the
 * inbound stream's own packets-lost counts only what the jitter buffer
 * gave up on (0 here: RTX repaired everything), its RTP source's counts
 * the loss on the path. */
static GstStructure *
make_reply (guint64 received,
            int     source_lost,
            guint   nacks_sent,
            guint   plis_sent,
            guint   nacks_received,
            guint   plis_received,
            guint64 sent)
{
  g_autoptr(GstStructure) source = NULL;
  g_autoptr(GstStructure) inbound = NULL;
  g_autoptr(GstStructure) outbound = NULL;
  g_autoptr(GstStructure) remote = NULL;
  g_autoptr(GstStructure) rtx = NULL;

  source = gst_structure_new ("application/x-rtp-source-stats",
                              "packets-received", G_TYPE_UINT64, received,
                              "packets-lost", G_TYPE_INT, source_lost,
                              NULL);
  inbound = gst_structure_new ("inbound-rtp",
                               "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_INBOUND_RTP,
                               "packets-received", G_TYPE_UINT64, received,
                               "packets-lost", G_TYPE_INT64, (gint64) 0,
                               "bytes-received", G_TYPE_UINT64, received * 1000,
                               "jitter", G_TYPE_DOUBLE, 0.004,
                               "nack-count", G_TYPE_UINT, nacks_sent,
                               "pli-count", G_TYPE_UINT, plis_sent,
                               "fir-count", G_TYPE_UINT, 1,
                               "gst-rtpsource-stats", GST_TYPE_STRUCTURE, source,
                               NULL);
  /* an RTX stream before the first packet: its source says -1 */
  gst_structure_set (source, "packets-lost", G_TYPE_INT, -1, NULL);
  rtx = gst_structure_new ("inbound-rtp",
                           "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_INBOUND_RTP,
                           "packets-received", G_TYPE_UINT64, (guint64) 0,
                           "packets-lost", G_TYPE_INT64, (gint64) 0,
                           "gst-rtpsource-stats", GST_TYPE_STRUCTURE, source,
                           NULL);
  outbound = gst_structure_new ("outbound-rtp",
                                "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_OUTBOUND_RTP,
                                "packets-sent", G_TYPE_UINT64, sent,
                                "bytes-sent", G_TYPE_UINT64, sent * 1000,
                                "nack-count", G_TYPE_UINT, nacks_received,
                                "pli-count", G_TYPE_UINT, plis_received,
                                NULL);
  remote = gst_structure_new ("remote-inbound-rtp",
                              "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_REMOTE_INBOUND_RTP,
                              "round-trip-time", G_TYPE_DOUBLE, 0.104,
                              "fraction-lost", G_TYPE_DOUBLE, 0.0,
                              NULL);

  return gst_structure_new ("application/x-webrtc-stats",
                            "rtp-inbound-stream-stats_1", GST_TYPE_STRUCTURE, inbound,
                            "rtp-inbound-stream-stats_2", GST_TYPE_STRUCTURE, rtx,
                            "rtp-outbound-stream-stats_3", GST_TYPE_STRUCTURE, outbound,
                            "rtp-remote-inbound-stream-stats_4", GST_TYPE_STRUCTURE, remote,
                            NULL);
}

/* The loss on the path shows before retransmission repaired it, and the
 * feedback counters come through, both ways. */
static void
test_lossy_path (void)
{
  g_autoptr(GstStructure) first = make_reply (1000, 10, 8, 1, 5, 0, 1000);
  g_autoptr(GstStructure) second = make_reply (1970, 40, 30, 3, 25, 2, 2000);
  g_autoptr(ParlaCallStats) stats = NULL;
  g_autoptr(JsonNode) node = NULL;
  ParlaStatsSample before = { 0 };
  ParlaStatsSample after = { 0 };
  guint64 received = 0;
  JsonObject *object;

  _parla_stats_sample_read (&before, first);
  _parla_stats_sample_read (&after, second);
  g_assert_cmpint (before.packets_lost, ==, 10);
  g_assert_cmpint (after.packets_lost, ==, 40);
  after.time_us = before.time_us + G_USEC_PER_SEC;

  stats = _parla_call_stats_new (&before, &after, 15);
  /* 30 lost of 1000 sent in the interval */
  g_assert_cmpfloat_with_epsilon (parla_call_stats_get_loss (stats), 0.03, 1e-9);
  g_assert_cmpfloat_with_epsilon (parla_call_stats_get_rtt (stats), 104, 1e-9);
  /* 20 NACKs from the far end for 1000 packets sent */
  g_assert_cmpfloat_with_epsilon (parla_call_stats_get_remote_loss (stats), 0.02, 1e-9);
  g_assert_cmpuint (parla_call_stats_get_packets_lost (stats), ==, 40);
  g_assert_cmpuint (parla_call_stats_get_nacks (stats, &received), ==, 30);
  g_assert_cmpuint (received, ==, 25);
  /* PLI and FIR */
  g_assert_cmpuint (parla_call_stats_get_keyframe_requests (stats, &received), ==, 4);
  g_assert_cmpuint (received, ==, 2);
  g_assert_cmpint (parla_call_stats_get_quality (stats), ==, PARLA_QUALITY_POOR);

  node = parla_call_stats_to_json (stats);
  object = json_node_get_object (node);
  g_assert_cmpstr (json_object_get_string_member (object, "quality"), ==, "poor");
  g_assert_cmpint (json_object_get_int_member (object, "packets_received"), ==, 1970);
  g_assert_cmpint (json_object_get_int_member (object, "packets_lost"), ==, 40);
  g_assert_cmpint (json_object_get_int_member (object, "nacks_sent"), ==, 30);
  g_assert_cmpint (json_object_get_int_member (object, "nacks_received"), ==, 25);
  g_assert_cmpint (json_object_get_int_member (object, "keyframe_requests_sent"), ==, 4);
  g_assert_cmpint (json_object_get_int_member (object, "keyframe_requests_received"), ==, 2);
  g_assert_cmpint (json_object_get_int_member (object, "video_target_kbps"), ==, 0);
  g_assert_false (json_object_get_boolean_member (object, "video_suspended"));
  g_assert_cmpfloat_with_epsilon (json_object_get_double_member (object, "loss"), 0.03, 1e-9);

  _parla_stats_sample_clear (&before);
  _parla_stats_sample_clear (&after);
}

/* Counters that went back (a new connection after a reconnection) give
 * no negative rates. */
static void
test_counters_reset (void)
{
  g_autoptr(GstStructure) first = make_reply (5000, 100, 80, 4, 60, 3, 5000);
  g_autoptr(GstStructure) second = make_reply (50, 0, 0, 0, 0, 0, 50);
  g_autoptr(ParlaCallStats) stats = NULL;
  ParlaStatsSample before = { 0 };
  ParlaStatsSample after = { 0 };

  _parla_stats_sample_read (&before, first);
  _parla_stats_sample_read (&after, second);
  after.time_us = before.time_us + G_USEC_PER_SEC;

  stats = _parla_call_stats_new (&before, &after, 15);
  g_assert_cmpfloat (parla_call_stats_get_loss (stats), ==, 0);
  g_assert_cmpfloat (parla_call_stats_get_remote_loss (stats), ==, 0);
  g_assert_cmpuint (parla_call_stats_get_send_bitrate (stats), ==, 0);
  g_assert_cmpuint (parla_call_stats_get_recv_bitrate (stats), ==, 0);
  g_assert_cmpuint (parla_call_stats_get_packets_lost (stats), ==, 0);

  _parla_stats_sample_clear (&before);
  _parla_stats_sample_clear (&after);
}

/* Sent packets, the NACKs the far end sent us, and its last report block
 * about our stream 2 (cumulative loss, highest sequence number seen). */
static GstStructure *
make_reported (guint64 sent,
               guint   nacks,
               int     rb_lost,
               guint   rb_seq)
{
  g_autoptr(GstStructure) outbound = NULL;
  g_autoptr(GstStructure) source = NULL;
  g_autoptr(GstStructure) remote = NULL;

  outbound = gst_structure_new ("outbound-rtp",
                                "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_OUTBOUND_RTP,
                                "ssrc", G_TYPE_UINT, 2,
                                "packets-sent", G_TYPE_UINT64, sent,
                                "nack-count", G_TYPE_UINT, nacks,
                                NULL);
  source = gst_structure_new ("application/x-rtp-source-stats",
                              "have-rb", G_TYPE_BOOLEAN, TRUE,
                              "rb-ssrc", G_TYPE_UINT, 2,
                              "rb-packetslost", G_TYPE_INT, rb_lost,
                              "rb-exthighestseq", G_TYPE_UINT, rb_seq,
                              NULL);
  remote = gst_structure_new ("remote-inbound-rtp",
                              "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_REMOTE_INBOUND_RTP,
                              "ssrc", G_TYPE_UINT, 2,
                              "round-trip-time", G_TYPE_DOUBLE, 0.1,
                              "fraction-lost", G_TYPE_DOUBLE, 0.0,
                              "gst-rtpsource-stats", GST_TYPE_STRUCTURE, source,
                              NULL);

  return gst_structure_new ("application/x-webrtc-stats",
                            "rtp-outbound-stream-stats_2", GST_TYPE_STRUCTURE, outbound,
                            "rtp-remote-inbound-stream-stats_2", GST_TYPE_STRUCTURE, remote,
                            NULL);
}

static double
remote_loss_between (GstStructure *first,
                     GstStructure *second)
{
  g_autoptr(ParlaCallStats) stats = NULL;
  ParlaStatsSample before = { 0 };
  ParlaStatsSample after = { 0 };
  double loss;

  _parla_stats_sample_read (&before, first);
  _parla_stats_sample_read (&after, second);
  after.time_us = before.time_us + G_USEC_PER_SEC;
  stats = _parla_call_stats_new (&before, &after, 0);
  loss = parla_call_stats_get_remote_loss (stats);

  _parla_stats_sample_clear (&before);
  _parla_stats_sample_clear (&after);
  gst_structure_free (first);
  gst_structure_free (second);

  return loss;
}

/* NACKs for packets that came late are no loss: when the far end's
 * receiver report in between counts none lost, they do not count. */
static void
test_late_is_not_lost (void)
{
  /* 30 NACKs for 1000 packets, no report in between: 3 % */
  g_assert_cmpfloat_with_epsilon (remote_loss_between (make_reported (1000, 10, 0, 5000),
                                                       make_reported (2000, 40, 0, 5000)),
                                  0.03, 1e-9);
  /* and a report that counts none of 1000 lost: late */
  g_assert_cmpfloat (remote_loss_between (make_reported (1000, 10, 0, 5000),
                                          make_reported (2000, 40, 0, 6000)),
                     ==, 0);
  /* a report that counts 20 lost: the NACKs stand */
  g_assert_cmpfloat_with_epsilon (remote_loss_between (make_reported (1000, 10, 0, 5000),
                                                       make_reported (2000, 40, 20, 6000)),
                                  0.03, 1e-9);
  /* a sequence jump (a new connection) is no report */
  g_assert_cmpfloat_with_epsilon (remote_loss_between (make_reported (1000, 10, 0, 5000),
                                                       make_reported (2000, 40, 0, 900000)),
                                  0.03, 1e-9);
}

static GstStructure *
make_round_trip (double seconds)
{
  g_autoptr(GstStructure) remote = NULL;

  remote = gst_structure_new ("remote-inbound-rtp",
                              "type", GST_TYPE_WEBRTC_STATS_TYPE, GST_WEBRTC_STATS_REMOTE_INBOUND_RTP,
                              "round-trip-time", G_TYPE_DOUBLE, seconds,
                              "fraction-lost", G_TYPE_DOUBLE, 0.0,
                              NULL);

  return gst_structure_new ("application/x-webrtc-stats",
                            "rtp-remote-inbound-stream-stats_1", GST_TYPE_STRUCTURE, remote,
                            NULL);
}

/* A sample whose only report block has no round trip (RTX) keeps the
 * last one measured; none before the first. */
static void
test_round_trip_kept (void)
{
  g_autoptr(GstStructure) none = make_round_trip (0);
  g_autoptr(GstStructure) measured = make_round_trip (0.1);
  ParlaStatsSample samples[4] = { { 0 } };
  GstStructure *replies[4];
  double expected[4] = { -1, 100, 100, 100 };

  replies[0] = none;
  replies[1] = measured;
  replies[2] = none;
  replies[3] = none;
  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    _parla_stats_sample_read (&samples[i], replies[i]);

  for (guint i = 1; i < G_N_ELEMENTS (samples); i++)
    {
      g_autoptr(ParlaCallStats) stats = _parla_call_stats_new (&samples[i - 1], &samples[i], 0);

      g_assert_cmpfloat_with_epsilon (parla_call_stats_get_rtt (stats), expected[i], 1e-9);
    }

  for (guint i = 0; i < G_N_ELEMENTS (samples); i++)
    _parla_stats_sample_clear (&samples[i]);
}

/* Stopped video comes back on a path whose only "loss" is the far end
 * asking for the next video packet now and then (1 to 3 % against audio
 * alone), while 2 to 3 % holds video that flows where it is. */
static void
test_resume_through_noise (void)
{
  ParlaAdaptation a;
  guint steps;

  _parla_adaptation_init (&a, 600);
  for (steps = 0; !a.suspended; steps++)
    {
      g_assert_cmpuint (steps, <, 20);
      _parla_adaptation_update (&a, 0.3, 100);
    }

  for (steps = 0; a.suspended; steps++)
    {
      static const double noise[] = { 0, 0.02, 0.04, 0.02 };

      g_assert_cmpuint (steps, <, 20);
      _parla_adaptation_update (&a, noise[steps % G_N_ELEMENTS (noise)], 100);
    }
  g_assert_cmpuint (a.target_kbps, ==, 2 * PARLA_VIDEO_MIN_KBPS);

  /* flowing, 2.5 % holds */
  for (guint i = 0; i < 10; i++)
    _parla_adaptation_update (&a, 0.025, 100);
  g_assert_cmpuint (a.target_kbps, ==, 2 * PARLA_VIDEO_MIN_KBPS);
  g_assert_false (a.suspended);
}

int
main (int   argc,
      char *argv[])
{
  gst_init (&argc, &argv);
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/call-stats/lossy-path", test_lossy_path);
  g_test_add_func ("/net/call-stats/counters-reset", test_counters_reset);
  g_test_add_func ("/net/call-stats/round-trip-kept", test_round_trip_kept);
  g_test_add_func ("/net/call-stats/late-is-not-lost", test_late_is_not_lost);
  g_test_add_func ("/net/call-stats/resume-through-noise", test_resume_through_noise);

  return g_test_run ();
}
