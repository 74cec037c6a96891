/* parla-call-stats.h: the quality of one participant's connection
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include <json-glib/json-glib.h>

#include "parla-media-types.h"

G_BEGIN_DECLS

#define PARLA_TYPE_CALL_STATS (parla_call_stats_get_type ())

GType           parla_call_stats_get_type          (void) G_GNUC_CONST;
ParlaCallStats *parla_call_stats_ref               (ParlaCallStats       *self);
void            parla_call_stats_unref             (ParlaCallStats       *self);

ParlaQuality    parla_call_stats_get_quality       (const ParlaCallStats *self);
double          parla_call_stats_get_rtt           (const ParlaCallStats *self);
double          parla_call_stats_get_loss          (const ParlaCallStats *self);
double          parla_call_stats_get_remote_loss   (const ParlaCallStats *self);
double          parla_call_stats_get_jitter        (const ParlaCallStats *self);
guint           parla_call_stats_get_send_bitrate  (const ParlaCallStats *self);
guint           parla_call_stats_get_recv_bitrate  (const ParlaCallStats *self);
double          parla_call_stats_get_fps           (const ParlaCallStats *self);
gboolean        parla_call_stats_get_relayed       (const ParlaCallStats *self);
const char     *parla_call_stats_get_local_candidate_type  (const ParlaCallStats *self);
const char     *parla_call_stats_get_remote_candidate_type (const ParlaCallStats *self);
guint           parla_call_stats_get_video_target  (const ParlaCallStats *self);
gboolean        parla_call_stats_get_video_suspended (const ParlaCallStats *self);
guint64         parla_call_stats_get_packets_lost  (const ParlaCallStats *self);
guint64         parla_call_stats_get_nacks         (const ParlaCallStats *self,
                                                    guint64              *out_received);
guint64         parla_call_stats_get_keyframe_requests (const ParlaCallStats *self,
                                                        guint64              *out_received);

JsonNode       *parla_call_stats_to_json           (const ParlaCallStats *self);
const char     *parla_quality_to_string            (ParlaQuality          quality);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaCallStats, parla_call_stats_unref)

G_END_DECLS
