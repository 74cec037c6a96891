/* parla-sdp-private.h: checks on remote SDP and small SDP helpers
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>
#include <gst/sdp/sdp.h>
#include <gst/webrtc/webrtc.h>

G_BEGIN_DECLS

#define PARLA_SDP_MAX_LENGTH 65536
#define PARLA_SDP_MAX_MEDIA  16

GstSDPMessage *_parla_sdp_parse_remote   (const char          *text,
                                          GstWebRTCSDPType     type,
                                          const GstSDPMessage *previous,
                                          const GstSDPMessage *local_offer,
                                          GError             **error);
int            _parla_sdp_find_mid       (const GstSDPMessage *sdp,
                                          const char          *mid);
int            _parla_sdp_bundle_tag     (const GstSDPMessage *sdp,
                                          guint                mline);
int            _parla_sdp_pick_payload   (const GstSDPMedia   *media,
                                          const char * const  *encodings,
                                          const char         **encoding);
int            _parla_sdp_pick_first_payload (const GstSDPMedia   *media,
                                              const char * const  *encodings,
                                              const char         **encoding);
char          *_parla_sdp_dup_fmtp_param (const GstSDPMedia   *media,
                                          int                  pt,
                                          const char          *name);

G_END_DECLS
