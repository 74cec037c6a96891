/* parla-call-stats.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-call-stats-private.h"

#include <string.h>

#include <gst/webrtc/webrtc.h>
#include <json-glib/json-glib.h>

/* What webrtcbin 1.22's get-stats gets right with BUNDLE, and is read here:
 * inbound-rtp packets-received, jitter, bytes-received and the NACK, PLI
 * and FIR we sent, and the packets-lost of its RTP source (expected minus
 * received, before the jitter buffer: inbound-rtp's own packets-lost only
 * counts what the jitter buffer gave up on, and stays 0 while RTX repairs
 * the loss); outbound-rtp bytes-sent, packets-sent and the NACKs we
 * received (its PLI and FIR counts stayed 0 in our measurements while the
 * far end counted FIRs sent); the selected candidate pair and the
 * types of its candidates; remote-inbound-rtp round-trip-time.
 *
 * What it gets wrong: the kind and codec of inbound streams (all "audio",
 * one codec), the jitter-buffer counters (zero), and the far end's loss of
 * our streams: rtpsession keeps one report block per remote source, the
 * last of the receiver report, so remote-inbound-rtp fraction-lost belongs
 * to whichever of our streams came last (usually RTX, no loss) and goes
 * stale. The loss the far end sees is therefore estimated from the NACKs
 * it sends (one per loss event, repeated when the retransmission is lost
 * too) per packet we sent, unless the report blocks that came in between
 * (the RTP source stats behind remote-inbound-rtp carry the block's SSRC,
 * cumulative loss and highest sequence number) counted nothing lost: then
 * the NACKs were for late packets. The report block's fraction-lost only
 * counts when it is higher. RTX streams show up as extra streams; their
 * bytes are part of the bitrate anyway. */

G_DEFINE_BOXED_TYPE (ParlaCallStats, parla_call_stats, parla_call_stats_ref, parla_call_stats_unref)

void
_parla_stats_sample_clear (ParlaStatsSample *sample)
{
  g_clear_pointer (&sample->local_type, g_free);
  g_clear_pointer (&sample->remote_type, g_free);
  g_clear_pointer (&sample->reports, g_array_unref);
}

/* The far end's last report block about one of our streams, from the
 * RTP source stats (of the far end's source) in a remote-inbound-rtp. */
static void
read_report_block (ParlaStatsSample   *sample,
                   const GstStructure *remote_inbound)
{
  g_autoptr(GstStructure) source = NULL;
  ParlaReportBlock block = { 0 };
  gboolean have_rb = FALSE;
  guint seq;
  int lost;

  if (!gst_structure_get (remote_inbound, "gst-rtpsource-stats", GST_TYPE_STRUCTURE, &source, NULL))
    return;
  if (!gst_structure_get_boolean (source, "have-rb", &have_rb) || !have_rb ||
      !gst_structure_get_uint (source, "rb-ssrc", &block.ssrc) ||
      !gst_structure_get_int (source, "rb-packetslost", &lost) ||
      !gst_structure_get_uint (source, "rb-exthighestseq", &seq))
    return;
  block.lost = lost;
  block.highest_seq = seq;

  if (sample->reports == NULL)
    sample->reports = g_array_new (FALSE, FALSE, sizeof (ParlaReportBlock));
  for (guint i = 0; i < sample->reports->len; i++)
    if (g_array_index (sample->reports, ParlaReportBlock, i).ssrc == block.ssrc)
      return;
  g_array_append_val (sample->reports, block);
}

/* Whether report blocks about our streams came between the two samples,
 * and none of them counted a packet lost. */
static gboolean
reported_no_loss (const ParlaStatsSample *previous,
                  const ParlaStatsSample *current)
{
  gboolean moved = FALSE;

  if (previous->reports == NULL || current->reports == NULL)
    return FALSE;

  for (guint i = 0; i < current->reports->len; i++)
    {
      const ParlaReportBlock *now = &g_array_index (current->reports, ParlaReportBlock, i);

      for (guint j = 0; j < previous->reports->len; j++)
        {
          const ParlaReportBlock *before = &g_array_index (previous->reports, ParlaReportBlock, j);

          /* a sequence jump (a new connection) is no report */
          if (before->ssrc != now->ssrc || now->highest_seq <= before->highest_seq ||
              now->highest_seq - before->highest_seq > 1 << 16)
            continue;
          if (now->lost > before->lost)
            return FALSE;
          moved = TRUE;
        }
    }

  return moved;
}

/* The RTCP feedback counters are guint in 1.22; 0 when absent. */
static guint64
get_count (const GstStructure *s,
           const char         *field)
{
  guint u;
  guint64 u64;

  if (gst_structure_get_uint (s, field, &u))
    return u;
  if (gst_structure_get_uint64 (s, field, &u64))
    return u64;

  return 0;
}

static const GstStructure *
get_stats_by_id (const GstStructure *stats,
                 const char         *id)
{
  const GValue *value;

  if (id == NULL)
    return NULL;

  value = gst_structure_get_value (stats, id);
  if (value == NULL || !GST_VALUE_HOLDS_STRUCTURE (value))
    return NULL;

  return gst_value_get_structure (value);
}

static gboolean
read_one (GQuark        field,
          const GValue *value,
          gpointer      user_data)
{
  ParlaStatsSample *sample = user_data;
  const GstStructure *s;
  GstWebRTCStatsType type;
  GstStructure *source;
  guint64 u64;
  gint64 i64;
  gint64 lost;
  double d;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;

  s = gst_value_get_structure (value);
  if (!gst_structure_get_enum (s, "type", GST_TYPE_WEBRTC_STATS_TYPE, (int *) &type))
    return TRUE;

  switch (type)
    {
    case GST_WEBRTC_STATS_INBOUND_RTP:
      if (gst_structure_get_uint64 (s, "bytes-received", &u64))
        sample->bytes_received += u64;
      if (gst_structure_get_uint64 (s, "packets-received", &u64))
        sample->packets_received += u64;
      /* inbound-rtp packets-lost is what the jitter buffer gave up on;
       * the loss on the path, before retransmission, is the RTP
       * source's (expected minus received). */
      lost = 0;
      if (gst_structure_get_int64 (s, "packets-lost", &i64) && i64 > 0)
        lost = i64;
      if (gst_structure_get (s, "gst-rtpsource-stats", GST_TYPE_STRUCTURE, &source, NULL))
        {
          int source_lost;

          if (gst_structure_get_int (source, "packets-lost", &source_lost) && source_lost > lost)
            lost = source_lost;
          gst_structure_free (source);
        }
      sample->packets_lost += lost;
      if (gst_structure_get_double (s, "jitter", &d))
        sample->jitter_s = MAX (sample->jitter_s, d);
      sample->nacks_sent += get_count (s, "nack-count");
      sample->keyframe_requests_sent += get_count (s, "pli-count") + get_count (s, "fir-count");
      break;

    case GST_WEBRTC_STATS_OUTBOUND_RTP:
      if (gst_structure_get_uint64 (s, "bytes-sent", &u64))
        sample->bytes_sent += u64;
      if (gst_structure_get_uint64 (s, "packets-sent", &u64))
        sample->packets_sent += u64;
      sample->nacks_received += get_count (s, "nack-count");
      sample->keyframe_requests_received += get_count (s, "pli-count") + get_count (s, "fir-count");
      break;

    case GST_WEBRTC_STATS_REMOTE_INBOUND_RTP:
      if (gst_structure_get_double (s, "round-trip-time", &d) && d > 0)
        sample->rtt_s = MAX (sample->rtt_s, d);
      if (gst_structure_get_double (s, "fraction-lost", &d))
        sample->remote_fraction_lost = MAX (sample->remote_fraction_lost, d);
      read_report_block (sample, s);
      break;

    case GST_WEBRTC_STATS_CODEC:
    case GST_WEBRTC_STATS_REMOTE_OUTBOUND_RTP:
    case GST_WEBRTC_STATS_CSRC:
    case GST_WEBRTC_STATS_PEER_CONNECTION:
    case GST_WEBRTC_STATS_DATA_CHANNEL:
    case GST_WEBRTC_STATS_STREAM:
    case GST_WEBRTC_STATS_TRANSPORT:
    case GST_WEBRTC_STATS_CANDIDATE_PAIR:
    case GST_WEBRTC_STATS_LOCAL_CANDIDATE:
    case GST_WEBRTC_STATS_REMOTE_CANDIDATE:
    case GST_WEBRTC_STATS_CERTIFICATE:
    default:
      break;
    }

  return TRUE;
}

static gboolean
read_pair (GQuark        field,
           const GValue *value,
           gpointer      user_data)
{
  const GstStructure *stats = ((gpointer *) user_data)[0];
  ParlaStatsSample *sample = ((gpointer *) user_data)[1];
  const GstStructure *s;
  const GstStructure *candidate;
  GstWebRTCStatsType type;

  if (!GST_VALUE_HOLDS_STRUCTURE (value))
    return TRUE;

  s = gst_value_get_structure (value);
  if (!gst_structure_get_enum (s, "type", GST_TYPE_WEBRTC_STATS_TYPE, (int *) &type) ||
      type != GST_WEBRTC_STATS_CANDIDATE_PAIR)
    return TRUE;

  candidate = get_stats_by_id (stats, gst_structure_get_string (s, "local-candidate-id"));
  if (candidate != NULL && sample->local_type == NULL)
    sample->local_type = g_strdup (gst_structure_get_string (candidate, "candidate-type"));

  candidate = get_stats_by_id (stats, gst_structure_get_string (s, "remote-candidate-id"));
  if (candidate != NULL && sample->remote_type == NULL)
    sample->remote_type = g_strdup (gst_structure_get_string (candidate, "candidate-type"));

  return TRUE;
}

/*
 * _parla_stats_sample_read:
 * @sample: (out caller-allocates): zeroed
 * @stats: a get-stats reply
 */
void
_parla_stats_sample_read (ParlaStatsSample   *sample,
                          const GstStructure *stats)
{
  gpointer data[2] = { (gpointer) stats, sample };

  sample->time_us = g_get_monotonic_time ();
  sample->rtt_s = -1;
  gst_structure_foreach (stats, read_one, sample);
  gst_structure_foreach (stats, read_pair, data);
}

/*
 * _parla_quality_rate:
 * @rtt_ms: round-trip time, or < 0 when unknown
 * @loss: the fraction of packets lost, 0 to 1
 * @jitter_ms: interarrival jitter
 *
 * Four levels, from the thresholds at which calls are usually perceived
 * to degrade: a one-way delay past ~150 ms (RTT 300), loss past 2-3 % for
 * Opus and for VP8 with NACK, jitter past the 50 ms jitter buffer.
 */
ParlaQuality
_parla_quality_rate (double rtt_ms,
                     double loss,
                     double jitter_ms)
{
  if (rtt_ms < 0)
    rtt_ms = 0;

  if (rtt_ms < 150 && loss < 0.01 && jitter_ms < 20)
    return PARLA_QUALITY_EXCELLENT;
  if (rtt_ms < 300 && loss < 0.03 && jitter_ms < 40)
    return PARLA_QUALITY_GOOD;
  if (rtt_ms < 600 && loss < 0.10 && jitter_ms < 100)
    return PARLA_QUALITY_POOR;

  return PARLA_QUALITY_BAD;
}

/*
 * _parla_call_stats_new:
 * @previous: the sample a second or so before
 * @current: the newest sample; takes @previous's round-trip time when it
 *   has none
 * @fps: decoded frames per second of the camera track
 */
ParlaCallStats *
_parla_call_stats_new (const ParlaStatsSample *previous,
                       ParlaStatsSample       *current,
                       double                  fps)
{
  ParlaCallStats *self = g_atomic_rc_box_new0 (ParlaCallStats);
  double seconds = (current->time_us - previous->time_us) / 1e6;
  gint64 lost = current->packets_lost - previous->packets_lost;
  gint64 received = (gint64) current->packets_received - (gint64) previous->packets_received;
  double nack_rate = 0;

  if (seconds <= 0)
    seconds = 1;

  /* Receiver reports come every few seconds, and the remote-inbound-rtp
   * that carries one may be about a stream without a round trip (RTX):
   * the last one measured stands until the next. */
  if (current->rtt_s < 0)
    current->rtt_s = previous->rtt_s;
  self->rtt_ms = current->rtt_s >= 0 ? current->rtt_s * 1000 : -1;
  self->loss = (lost > 0 && lost + received > 0) ? (double) lost / (lost + received) : 0;
  self->remote_loss = current->remote_fraction_lost;
  if (current->packets_sent > previous->packets_sent + 10 &&
      current->nacks_received >= previous->nacks_received)
    nack_rate = (double) (current->nacks_received - previous->nacks_received) /
                (current->packets_sent - previous->packets_sent);
  /* A NACK asks for a packet that is late; a receiver report counts the
   * packets that never came. When reports came in between and counted
   * none, the NACKs were for late packets (a busy receiver): no loss. */
  if (reported_no_loss (previous, current))
    nack_rate = 0;
  self->remote_loss = MAX (self->remote_loss, MIN (nack_rate, 1.0));
  self->jitter_ms = current->jitter_s * 1000;
  if (current->bytes_sent >= previous->bytes_sent)
    self->send_kbps = (current->bytes_sent - previous->bytes_sent) * 8 / 1000 / seconds;
  if (current->bytes_received >= previous->bytes_received)
    self->recv_kbps = (current->bytes_received - previous->bytes_received) * 8 / 1000 / seconds;
  self->fps = fps;
  self->packets_received = current->packets_received;
  self->packets_lost = MAX (current->packets_lost, 0);
  self->nacks_sent = current->nacks_sent;
  self->nacks_received = current->nacks_received;
  self->keyframe_requests_sent = current->keyframe_requests_sent;
  self->keyframe_requests_received = current->keyframe_requests_received;
  self->local_type = g_strdup (current->local_type);
  self->remote_type = g_strdup (current->remote_type);
  self->relayed = g_strcmp0 (current->local_type, "relay") == 0 ||
                  g_strcmp0 (current->remote_type, "relay") == 0;
  self->quality = _parla_quality_rate (self->rtt_ms, MAX (self->loss, self->remote_loss),
                                       self->jitter_ms);

  return self;
}

void
_parla_adaptation_init (ParlaAdaptation *adaptation,
                        guint            max_kbps)
{
  memset (adaptation, 0, sizeof *adaptation);
  adaptation->max_kbps = MAX (max_kbps, PARLA_VIDEO_MIN_KBPS);
  adaptation->target_kbps = adaptation->max_kbps;
  adaptation->resume_ticks = 5;
  adaptation->since_resume = G_MAXUINT / 2;
}

/*
 * _parla_adaptation_update:
 * @remote_loss: the fraction of our packets the far end lost (its RTCP
 *   receiver reports), 0 to 1
 * @rtt_ms: the round-trip time, or < 0 when unknown
 *
 * One step, once a stats interval, on the loss averaged with the previous
 * intervals'. Loss above 3 % (or a round trip past a second) cuts the
 * video bitrate by a quarter; above 10 % (where the quality is bad; the
 * NACKs that measure it get lost too, so 30 % on the path reads 10 to
 * 20 %) by half; after three such steps at the floor, video stops. Clean
 * intervals (under 2 %: what NACK and RTX repair unseen, and about what a
 * busy receiver's jitter buffer asks for although nothing was lost) raise
 * it again by a tenth, every second one; five intervals under 3 % bring
 * stopped video back, low (stopped video sends nothing to measure: this
 * is a probe, and when it fails within ten intervals the wait doubles, up
 * to forty). With vp8enc's resize-allowed, libvpx also lowers the
 * resolution when the bitrate gets too low for it.
 *
 * Returns: whether the target or the suspension changed
 */
gboolean
_parla_adaptation_update (ParlaAdaptation *adaptation,
                          double           remote_loss,
                          double           rtt_ms)
{
  guint old_target = adaptation->target_kbps;
  gboolean old_suspended = adaptation->suspended;
  gboolean severe;
  gboolean lossy;

  /* NACKs come in bursts, one report interval with many, the next with
   * none: smooth over about two intervals. */
  adaptation->loss = (adaptation->loss + remote_loss) / 2;
  remote_loss = adaptation->loss;
  severe = remote_loss >= 0.10 || rtt_ms >= 2000;
  lossy = remote_loss >= 0.03 || rtt_ms >= 1000;

  if (adaptation->since_resume < G_MAXUINT / 2)
    adaptation->since_resume++;

  if (severe || lossy)
    {
      adaptation->good_ticks = 0;
      adaptation->bad_ticks++;
      adaptation->target_kbps = MAX (PARLA_VIDEO_MIN_KBPS,
                                     adaptation->target_kbps * (severe ? 0.5 : 0.75));

      if (severe && !adaptation->suspended &&
          adaptation->target_kbps == PARLA_VIDEO_MIN_KBPS && adaptation->bad_ticks >= 3)
        {
          adaptation->suspended = TRUE;
          if (adaptation->since_resume <= 10)
            adaptation->resume_ticks = MIN (adaptation->resume_ticks * 2, 40);
          else
            adaptation->resume_ticks = 5;
        }
    }
  else if (remote_loss < 0.02 || adaptation->suspended)
    {
      /* Stopped video has nothing to measure: what comes back is audio's
       * loss, and NACKs of the far end asking for the next video packet
       * now and then (1 to 3 % against audio alone, measured). Under 3 %
       * is clean enough to probe with. */
      adaptation->bad_ticks = 0;
      adaptation->good_ticks++;

      if (adaptation->suspended)
        {
          if (adaptation->good_ticks >= adaptation->resume_ticks)
            {
              adaptation->suspended = FALSE;
              adaptation->good_ticks = 0;
              adaptation->since_resume = 0;
              adaptation->target_kbps = MIN (adaptation->max_kbps, 2 * PARLA_VIDEO_MIN_KBPS);
            }
        }
      else if (adaptation->good_ticks % 2 == 0)
        adaptation->target_kbps = MIN (adaptation->max_kbps,
                                       adaptation->target_kbps * 1.1 + 10);
    }
  else
    {
      /* 2 to 3 %: hold */
      adaptation->good_ticks = 0;
      adaptation->bad_ticks = 0;
    }

  return old_target != adaptation->target_kbps || old_suspended != adaptation->suspended;
}

static void
parla_call_stats_clear (ParlaCallStats *self)
{
  g_clear_pointer (&self->local_type, g_free);
  g_clear_pointer (&self->remote_type, g_free);
}

/**
 * parla_call_stats_ref:
 * @self: stats
 *
 * Returns: (transfer full): @self
 */
ParlaCallStats *
parla_call_stats_ref (ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * parla_call_stats_unref:
 * @self: (transfer full): stats
 */
void
parla_call_stats_unref (ParlaCallStats *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) parla_call_stats_clear);
}

/**
 * parla_call_stats_get_quality:
 * @self: stats
 *
 * Returns: the four-level summary of the numbers below
 */
ParlaQuality
parla_call_stats_get_quality (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, PARLA_QUALITY_BAD);

  return self->quality;
}

/**
 * parla_call_stats_get_rtt:
 * @self: stats
 *
 * Returns: the round-trip time in milliseconds, or -1 before the first
 *   receiver report
 */
double
parla_call_stats_get_rtt (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, -1);

  return self->rtt_ms;
}

/**
 * parla_call_stats_get_loss:
 * @self: stats
 *
 * Returns: the fraction (0 to 1) of packets from the participant lost in
 *   the last interval, before retransmission
 */
double
parla_call_stats_get_loss (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->loss;
}

/**
 * parla_call_stats_get_remote_loss:
 * @self: stats
 *
 * Returns: the fraction (0 to 1) of our packets the participant lost,
 *   estimated from its NACKs and receiver reports
 */
double
parla_call_stats_get_remote_loss (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->remote_loss;
}

/**
 * parla_call_stats_get_jitter:
 * @self: stats
 *
 * Returns: the interarrival jitter of the participant's packets, in ms
 */
double
parla_call_stats_get_jitter (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->jitter_ms;
}

/**
 * parla_call_stats_get_send_bitrate:
 * @self: stats
 *
 * Returns: what we sent to the participant, in kbit/s, RTX included
 */
guint
parla_call_stats_get_send_bitrate (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->send_kbps;
}

/**
 * parla_call_stats_get_recv_bitrate:
 * @self: stats
 *
 * Returns: what we received from the participant, in kbit/s
 */
guint
parla_call_stats_get_recv_bitrate (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->recv_kbps;
}

/**
 * parla_call_stats_get_fps:
 * @self: stats
 *
 * Returns: decoded frames per second of the participant's camera
 */
double
parla_call_stats_get_fps (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->fps;
}

/**
 * parla_call_stats_get_relayed:
 * @self: stats
 *
 * Returns: whether media goes through a TURN server
 */
gboolean
parla_call_stats_get_relayed (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->relayed;
}

/**
 * parla_call_stats_get_local_candidate_type:
 * @self: stats
 *
 * Returns: (nullable): "host", "srflx", "prflx" or "relay"
 */
const char *
parla_call_stats_get_local_candidate_type (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->local_type;
}

/**
 * parla_call_stats_get_remote_candidate_type:
 * @self: stats
 *
 * Returns: (nullable): "host", "srflx", "prflx" or "relay"
 */
const char *
parla_call_stats_get_remote_candidate_type (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->remote_type;
}

/**
 * parla_call_stats_get_video_target:
 * @self: stats
 *
 * Returns: the video bitrate the encoder for this participant aims at, in
 *   kbit/s, after adaptation
 */
guint
parla_call_stats_get_video_target (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->video_target_kbps;
}

/**
 * parla_call_stats_get_video_suspended:
 * @self: stats
 *
 * Returns: whether video to this participant is stopped to save audio
 */
gboolean
parla_call_stats_get_video_suspended (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->video_suspended;
}

/**
 * parla_call_stats_get_packets_lost:
 * @self: stats
 *
 * Returns: the participant's packets lost on the way to us since the
 *   connection started, before retransmission
 */
guint64
parla_call_stats_get_packets_lost (const ParlaCallStats *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->packets_lost;
}

/**
 * parla_call_stats_get_nacks:
 * @self: stats
 * @out_received: (out) (optional): the NACKs the participant sent us
 *
 * Retransmission requests (RTCP NACK) since the connection started.
 *
 * Returns: the NACKs we sent the participant
 */
guint64
parla_call_stats_get_nacks (const ParlaCallStats *self,
                            guint64              *out_received)
{
  g_return_val_if_fail (self != NULL, 0);

  if (out_received != NULL)
    *out_received = self->nacks_received;

  return self->nacks_sent;
}

/**
 * parla_call_stats_get_keyframe_requests:
 * @self: stats
 * @out_received: (out) (optional): the requests the participant sent us
 *
 * Keyframe requests (RTCP PLI and FIR) since the connection started.
 *
 * Returns: the requests we sent the participant
 */
guint64
parla_call_stats_get_keyframe_requests (const ParlaCallStats *self,
                                        guint64              *out_received)
{
  g_return_val_if_fail (self != NULL, 0);

  if (out_received != NULL)
    *out_received = self->keyframe_requests_received;

  return self->keyframe_requests_sent;
}

/**
 * parla_quality_to_string:
 * @quality: a #ParlaQuality
 *
 * Returns: `excellent`, `good`, `poor` or `bad`
 */
const char *
parla_quality_to_string (ParlaQuality quality)
{
  switch (quality)
    {
    case PARLA_QUALITY_EXCELLENT: return "excellent";
    case PARLA_QUALITY_GOOD:      return "good";
    case PARLA_QUALITY_POOR:      return "poor";
    case PARLA_QUALITY_BAD:
    default:                      return "bad";
    }
}

/**
 * parla_call_stats_to_json:
 * @self: a #ParlaCallStats
 *
 * The numbers behind the quality as one JSON object, as `parla-peer`
 * prints them: `quality`, `rtt_ms` (-1 while unknown), `loss`,
 * `remote_loss`, `jitter_ms`, `send_kbps`, `recv_kbps`, `fps`, `relayed`,
 * `local_candidate`, `remote_candidate`, `video_target_kbps`,
 * `video_suspended`, and the totals over the connection `packets_received`,
 * `packets_lost`, `nacks_sent`, `nacks_received`, `keyframe_requests_sent`
 * and `keyframe_requests_received`.
 *
 * Returns: (transfer full): a new object node
 */
JsonNode *
parla_call_stats_to_json (const ParlaCallStats *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "quality");
  json_builder_add_string_value (builder, parla_quality_to_string (self->quality));
  json_builder_set_member_name (builder, "rtt_ms");
  json_builder_add_double_value (builder, self->rtt_ms);
  json_builder_set_member_name (builder, "loss");
  json_builder_add_double_value (builder, self->loss);
  json_builder_set_member_name (builder, "remote_loss");
  json_builder_add_double_value (builder, self->remote_loss);
  json_builder_set_member_name (builder, "jitter_ms");
  json_builder_add_double_value (builder, self->jitter_ms);
  json_builder_set_member_name (builder, "send_kbps");
  json_builder_add_int_value (builder, self->send_kbps);
  json_builder_set_member_name (builder, "recv_kbps");
  json_builder_add_int_value (builder, self->recv_kbps);
  json_builder_set_member_name (builder, "fps");
  json_builder_add_double_value (builder, self->fps);
  json_builder_set_member_name (builder, "relayed");
  json_builder_add_boolean_value (builder, self->relayed);
  json_builder_set_member_name (builder, "local_candidate");
  json_builder_add_string_value (builder, self->local_type);
  json_builder_set_member_name (builder, "remote_candidate");
  json_builder_add_string_value (builder, self->remote_type);
  json_builder_set_member_name (builder, "video_target_kbps");
  json_builder_add_int_value (builder, self->video_target_kbps);
  json_builder_set_member_name (builder, "video_suspended");
  json_builder_add_boolean_value (builder, self->video_suspended);
  json_builder_set_member_name (builder, "packets_received");
  json_builder_add_int_value (builder, self->packets_received);
  json_builder_set_member_name (builder, "packets_lost");
  json_builder_add_int_value (builder, self->packets_lost);
  json_builder_set_member_name (builder, "nacks_sent");
  json_builder_add_int_value (builder, self->nacks_sent);
  json_builder_set_member_name (builder, "nacks_received");
  json_builder_add_int_value (builder, self->nacks_received);
  json_builder_set_member_name (builder, "keyframe_requests_sent");
  json_builder_add_int_value (builder, self->keyframe_requests_sent);
  json_builder_set_member_name (builder, "keyframe_requests_received");
  json_builder_add_int_value (builder, self->keyframe_requests_received);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}
