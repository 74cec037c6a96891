/* parla-signaling.h: how a call reaches the other participants
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-media-types.h"

G_BEGIN_DECLS

#define PARLA_TYPE_SIGNALING (parla_signaling_get_type ())
G_DECLARE_INTERFACE (ParlaSignaling, parla_signaling, PARLA, SIGNALING, GObject)

/**
 * ParlaSignalingInterface:
 * @send: delivers @payload to @to_user_id, in order, or drops it; never
 *   blocks and never emits #ParlaSignaling::message from inside the call
 * @dup_members: the user ids of the other members already in the call room
 *   when the local user joined it, or %NULL
 *
 * A signalling channel: the call room of one call, as seen by one member.
 * The api layer implements it over the server's WebSocket relay; tests use
 * #ParlaLoopbackSignaling. Every signal is emitted on the main context the
 * call runs in.
 */
struct _ParlaSignalingInterface
{
  GTypeInterface parent_iface;

  void    (*send)        (ParlaSignaling *self,
                          const char     *to_user_id,
                          JsonNode       *payload);
  char  **(*dup_members) (ParlaSignaling *self);
};

void    parla_signaling_send               (ParlaSignaling *self,
                                            const char     *to_user_id,
                                            JsonNode       *payload);
char  **parla_signaling_dup_members        (ParlaSignaling *self);

/* For implementations. */
void    parla_signaling_emit_message       (ParlaSignaling *self,
                                            const char     *from_user_id,
                                            JsonNode       *payload);
void    parla_signaling_emit_member_joined (ParlaSignaling *self,
                                            const char     *user_id,
                                            const char     *display_name);
void    parla_signaling_emit_member_left   (ParlaSignaling *self,
                                            const char     *user_id);

G_END_DECLS
