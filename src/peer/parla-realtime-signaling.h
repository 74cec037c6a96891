/* parla-realtime-signaling.h: a call room of the server's realtime hub as
 * the call engine's signalling channel
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-realtime.h"
#include "parla-signaling.h"

G_BEGIN_DECLS

#define PARLA_REALTIME_SIGNALING_LEAVE_GRACE_MS 8000

#define PARLA_TYPE_REALTIME_SIGNALING (parla_realtime_signaling_get_type ())
G_DECLARE_FINAL_TYPE (ParlaRealtimeSignaling, parla_realtime_signaling,
                      PARLA, REALTIME_SIGNALING, GObject)

ParlaRealtimeSignaling *parla_realtime_signaling_new             (ParlaRealtime          *realtime,
                                                                  const char             *room);
ParlaRealtime          *parla_realtime_signaling_get_realtime    (ParlaRealtimeSignaling *self);
const char             *parla_realtime_signaling_get_room        (ParlaRealtimeSignaling *self);
gboolean                parla_realtime_signaling_get_ready       (ParlaRealtimeSignaling *self);
const char             *parla_realtime_signaling_get_display_name (ParlaRealtimeSignaling *self,
                                                                  const char             *user_id);
void                    parla_realtime_signaling_set_leave_grace (ParlaRealtimeSignaling *self,
                                                                  guint                   ms);
void                    parla_realtime_signaling_leave           (ParlaRealtimeSignaling *self);

G_END_DECLS
