/* parla-signaling.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-signaling.h"

G_DEFINE_INTERFACE (ParlaSignaling, parla_signaling, G_TYPE_OBJECT)

enum {
  MESSAGE,
  MEMBER_JOINED,
  MEMBER_LEFT,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static char **
parla_signaling_real_dup_members (ParlaSignaling *self)
{
  return NULL;
}

static void
parla_signaling_default_init (ParlaSignalingInterface *iface)
{
  iface->dup_members = parla_signaling_real_dup_members;

  /**
   * ParlaSignaling::message:
   * @self: a #ParlaSignaling
   * @from_user_id: who sent it
   * @payload: the JSON payload, as sent; untrusted
   *
   * A payload from another member of the call room.
   */
  signals[MESSAGE] =
    g_signal_new ("message",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING,
                  JSON_TYPE_NODE);

  /**
   * ParlaSignaling::member-joined:
   * @self: a #ParlaSignaling
   * @user_id: who joined
   * @display_name: (nullable): their name
   *
   * Somebody joined the call room after the local user. The newcomer
   * sends the offer.
   */
  signals[MEMBER_JOINED] =
    g_signal_new ("member-joined",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING,
                  G_TYPE_STRING);

  /**
   * ParlaSignaling::member-left:
   * @self: a #ParlaSignaling
   * @user_id: who left
   *
   * Somebody left the call room, or their relay connection dropped.
   */
  signals[MEMBER_LEFT] =
    g_signal_new ("member-left",
                  G_TYPE_FROM_INTERFACE (iface),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_STRING);
}

/**
 * parla_signaling_send:
 * @self: a #ParlaSignaling
 * @to_user_id: the member to send to
 * @payload: the JSON payload; the implementation copies or serialises it
 *
 * Sends @payload to one member of the call room.
 */
void
parla_signaling_send (ParlaSignaling *self,
                      const char     *to_user_id,
                      JsonNode       *payload)
{
  g_return_if_fail (PARLA_IS_SIGNALING (self));
  g_return_if_fail (to_user_id != NULL);
  g_return_if_fail (payload != NULL);

  PARLA_SIGNALING_GET_IFACE (self)->send (self, to_user_id, payload);
}

/**
 * parla_signaling_dup_members:
 * @self: a #ParlaSignaling
 *
 * Returns: (transfer full) (nullable): the members that were in the call
 *   room before the local user joined, without the local user
 */
char **
parla_signaling_dup_members (ParlaSignaling *self)
{
  g_return_val_if_fail (PARLA_IS_SIGNALING (self), NULL);

  return PARLA_SIGNALING_GET_IFACE (self)->dup_members (self);
}

/**
 * parla_signaling_emit_message:
 * @self: a #ParlaSignaling
 * @from_user_id: the sender
 * @payload: the payload
 *
 * Emits #ParlaSignaling::message; for implementations.
 */
void
parla_signaling_emit_message (ParlaSignaling *self,
                              const char     *from_user_id,
                              JsonNode       *payload)
{
  g_return_if_fail (PARLA_IS_SIGNALING (self));
  g_return_if_fail (from_user_id != NULL);
  g_return_if_fail (payload != NULL);

  g_signal_emit (self, signals[MESSAGE], 0, from_user_id, payload);
}

/**
 * parla_signaling_emit_member_joined:
 * @self: a #ParlaSignaling
 * @user_id: who joined
 * @display_name: (nullable): their name
 *
 * Emits #ParlaSignaling::member-joined; for implementations.
 */
void
parla_signaling_emit_member_joined (ParlaSignaling *self,
                                    const char     *user_id,
                                    const char     *display_name)
{
  g_return_if_fail (PARLA_IS_SIGNALING (self));
  g_return_if_fail (user_id != NULL);

  g_signal_emit (self, signals[MEMBER_JOINED], 0, user_id, display_name);
}

/**
 * parla_signaling_emit_member_left:
 * @self: a #ParlaSignaling
 * @user_id: who left
 *
 * Emits #ParlaSignaling::member-left; for implementations.
 */
void
parla_signaling_emit_member_left (ParlaSignaling *self,
                                  const char     *user_id)
{
  g_return_if_fail (PARLA_IS_SIGNALING (self));
  g_return_if_fail (user_id != NULL);

  g_signal_emit (self, signals[MEMBER_LEFT], 0, user_id);
}
