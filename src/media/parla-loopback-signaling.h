/* parla-loopback-signaling.h: in-process signalling between local endpoints
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-media-types.h"
#include "parla-signaling.h"

G_BEGIN_DECLS

#define PARLA_TYPE_LOOPBACK_ROOM (parla_loopback_room_get_type ())
G_DECLARE_FINAL_TYPE (ParlaLoopbackRoom, parla_loopback_room, PARLA, LOOPBACK_ROOM, GObject)

#define PARLA_TYPE_LOOPBACK_SIGNALING (parla_loopback_signaling_get_type ())
G_DECLARE_FINAL_TYPE (ParlaLoopbackSignaling, parla_loopback_signaling,
                      PARLA, LOOPBACK_SIGNALING, GObject)

ParlaLoopbackRoom      *parla_loopback_room_new                (void);
void                    parla_loopback_room_set_delay          (ParlaLoopbackRoom      *self,
                                                                guint                   min_ms,
                                                                guint                   max_ms);
void                    parla_loopback_room_set_drop_rate      (ParlaLoopbackRoom      *self,
                                                                double                  rate);
void                    parla_loopback_room_set_duplicate_rate (ParlaLoopbackRoom      *self,
                                                                double                  rate);
void                    parla_loopback_room_set_reorder_rate   (ParlaLoopbackRoom      *self,
                                                                double                  rate);
void                    parla_loopback_room_set_impair_filter  (ParlaLoopbackRoom      *self,
                                                                const char             *member);
void                    parla_loopback_room_set_seed           (ParlaLoopbackRoom      *self,
                                                                guint32                 seed);
guint                   parla_loopback_room_get_n_in_flight    (ParlaLoopbackRoom      *self);

ParlaLoopbackSignaling *parla_loopback_signaling_new           (ParlaLoopbackRoom      *room,
                                                                const char             *user_id,
                                                                const char             *display_name);
const char             *parla_loopback_signaling_get_user_id   (ParlaLoopbackSignaling *self);
void                    parla_loopback_signaling_leave         (ParlaLoopbackSignaling *self);

G_END_DECLS
