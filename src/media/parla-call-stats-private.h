/* parla-call-stats-private.h
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

#include "parla-call-stats.h"

G_BEGIN_DECLS

/* The last receiver report block the far end sent about one of our
 * streams: its cumulative loss, and the highest sequence number it had
 * seen then. */
typedef struct
{
  guint    ssrc;
  gint64   lost;
  guint64  highest_seq;
} ParlaReportBlock;

/* The counters read from one get-stats reply; deltas between two give
 * rates. Only what webrtcbin 1.22 reports correctly with BUNDLE is read. */
typedef struct
{
  gint64   time_us;
  guint64  bytes_sent;
  guint64  bytes_received;
  guint64  packets_received;
  gint64   packets_lost;
  double   jitter_s;            /* worst inbound-rtp jitter, seconds */
  double   rtt_s;               /* remote-inbound-rtp round-trip-time; < 0 unknown */
  double   remote_fraction_lost;/* what the far end reports losing, 0 to 1 */
  guint64  packets_sent;
  guint64  nacks_received;      /* NACK messages about our streams */
  guint64  nacks_sent;          /* NACK messages about theirs */
  guint64  keyframe_requests_received; /* PLI and FIR about our streams */
  guint64  keyframe_requests_sent;     /* PLI and FIR about theirs */
  char    *local_type;
  char    *remote_type;
  GArray  *reports;             /* ParlaReportBlock, one per stream of ours */
} ParlaStatsSample;

struct _ParlaCallStats
{
  ParlaQuality  quality;
  double        rtt_ms;
  double        loss;
  double        remote_loss;
  double        jitter_ms;
  guint         send_kbps;
  guint         recv_kbps;
  double        fps;
  gboolean      relayed;
  char         *local_type;
  char         *remote_type;
  guint         video_target_kbps;
  gboolean      video_suspended;
  /* totals over the connection */
  guint64       packets_received;
  guint64       packets_lost;
  guint64       nacks_sent;
  guint64       nacks_received;
  guint64       keyframe_requests_sent;
  guint64       keyframe_requests_received;
};

/* Sender-side adaptation of one participant's video, from what the far end
 * reports about our stream. Audio is never touched: it goes first. */
#define PARLA_VIDEO_MIN_KBPS 80

typedef struct
{
  guint    max_kbps;
  guint    target_kbps;
  gboolean suspended;
  guint    good_ticks;
  guint    bad_ticks;
  guint    resume_ticks;        /* clean intervals before stopped video resumes */
  guint    since_resume;
  double   loss;                /* smoothed */
} ParlaAdaptation;

void            _parla_adaptation_init      (ParlaAdaptation        *adaptation,
                                             guint                   max_kbps);
gboolean        _parla_adaptation_update    (ParlaAdaptation        *adaptation,
                                             double                  remote_loss,
                                             double                  rtt_ms);

void            _parla_stats_sample_clear   (ParlaStatsSample       *sample);
void            _parla_stats_sample_read    (ParlaStatsSample       *sample,
                                             const GstStructure     *stats);
ParlaCallStats *_parla_call_stats_new       (const ParlaStatsSample *previous,
                                             ParlaStatsSample       *current,
                                             double                  fps);
ParlaQuality    _parla_quality_rate         (double                  rtt_ms,
                                             double                  loss,
                                             double                  jitter_ms);

G_END_DECLS
