/* parla-loopback-signaling.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-loopback-signaling.h"

/* A room relays payloads between its endpoints the way the server's relay
 * does: asynchronously, in order, never back into the sender's call stack.
 * Tests can impair it (delay, reorder, drop, duplicate) and watch or swallow
 * single payloads through ParlaLoopbackRoom::relay. */

typedef struct
{
  ParlaLoopbackRoom *room;      /* borrowed: the room destroys pending deliveries */
  GSource           *source;
  char              *from;
  char              *to;
  JsonNode          *payload;   /* NULL for membership events */
  char              *display_name;
  gboolean           joined;
} Delivery;

struct _ParlaLoopbackRoom
{
  GObject       parent_instance;

  /* owned */
  GMainContext *context;
  GHashTable   *endpoints;      /* user id -> ParlaLoopbackSignaling, borrowed */
  GList        *in_flight;      /* Delivery */
  GRand        *rand;
  char         *impair_member;

  guint         delay_min_ms;
  guint         delay_max_ms;
  double        drop_rate;
  double        duplicate_rate;
  double        reorder_rate;
};

struct _ParlaLoopbackSignaling
{
  GObject            parent_instance;

  /* owned */
  ParlaLoopbackRoom *room;
  char              *user_id;
  char              *display_name;
  char             **members_at_join;
  gboolean           joined;
};

static void parla_loopback_signaling_iface_init (ParlaSignalingInterface *iface);

G_DEFINE_FINAL_TYPE (ParlaLoopbackRoom, parla_loopback_room, G_TYPE_OBJECT)
G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaLoopbackSignaling, parla_loopback_signaling, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PARLA_TYPE_SIGNALING,
                                                      parla_loopback_signaling_iface_init))

enum {
  RELAY,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
delivery_free (Delivery *delivery)
{
  g_clear_pointer (&delivery->source, g_source_unref);
  g_clear_pointer (&delivery->from, g_free);
  g_clear_pointer (&delivery->to, g_free);
  g_clear_pointer (&delivery->payload, json_node_unref);
  g_clear_pointer (&delivery->display_name, g_free);
  g_free (delivery);
}

static gboolean
on_delivery_due_cb (gpointer user_data)
{
  Delivery *delivery = user_data;
  ParlaLoopbackRoom *room = delivery->room;
  ParlaLoopbackSignaling *target;

  room->in_flight = g_list_remove (room->in_flight, delivery);
  g_source_destroy (delivery->source);

  target = g_hash_table_lookup (room->endpoints, delivery->to);
  if (target != NULL)
    {
      g_autoptr(ParlaLoopbackSignaling) hold = g_object_ref (target);

      if (delivery->payload != NULL)
        parla_signaling_emit_message (PARLA_SIGNALING (target), delivery->from,
                                      delivery->payload);
      else if (delivery->joined)
        parla_signaling_emit_member_joined (PARLA_SIGNALING (target), delivery->from,
                                            delivery->display_name);
      else
        parla_signaling_emit_member_left (PARLA_SIGNALING (target), delivery->from);
    }

  delivery_free (delivery);

  return G_SOURCE_REMOVE;
}

static void
schedule (ParlaLoopbackRoom *self,
          Delivery          *delivery,
          guint              delay_ms)
{
  delivery->room = self;
  delivery->source = g_timeout_source_new (delay_ms);
  g_source_set_callback (delivery->source, on_delivery_due_cb, delivery, NULL);
  g_source_set_static_name (delivery->source, "[parla] loopback delivery");
  self->in_flight = g_list_append (self->in_flight, delivery);
  g_source_attach (delivery->source, self->context);
}

static guint
pick_delay (ParlaLoopbackRoom *self,
            gboolean           impair)
{
  guint delay = self->delay_min_ms;

  if (!impair)
    return self->delay_max_ms;

  if (self->delay_max_ms > self->delay_min_ms)
    delay = g_rand_int_range (self->rand, self->delay_min_ms, self->delay_max_ms + 1);

  if (self->reorder_rate > 0 && g_rand_double (self->rand) < self->reorder_rate)
    delay += 2 * self->delay_max_ms + 20;

  return delay;
}

static void
route_message (ParlaLoopbackRoom *self,
               const char        *from,
               const char        *to,
               JsonNode          *payload)
{
  gboolean swallowed = FALSE;
  gboolean impair = TRUE;
  guint copies = 1;

  g_signal_emit (self, signals[RELAY], 0, from, to, payload, &swallowed);
  if (swallowed)
    return;

  if (self->impair_member != NULL)
    impair = JSON_NODE_HOLDS_OBJECT (payload) &&
             json_object_has_member (json_node_get_object (payload), self->impair_member);

  if (impair && self->drop_rate > 0 && g_rand_double (self->rand) < self->drop_rate)
    return;
  if (impair && self->duplicate_rate > 0 && g_rand_double (self->rand) < self->duplicate_rate)
    copies = 2;

  for (guint i = 0; i < copies; i++)
    {
      Delivery *delivery = g_new0 (Delivery, 1);

      delivery->from = g_strdup (from);
      delivery->to = g_strdup (to);
      delivery->payload = json_node_copy (payload);
      schedule (self, delivery, pick_delay (self, impair));
    }
}

static void
route_membership (ParlaLoopbackRoom *self,
                  const char        *user_id,
                  const char        *display_name,
                  gboolean           joined)
{
  GHashTableIter iter;
  const char *other;

  g_hash_table_iter_init (&iter, self->endpoints);
  while (g_hash_table_iter_next (&iter, (gpointer *) &other, NULL))
    {
      Delivery *delivery;

      if (g_str_equal (other, user_id))
        continue;

      delivery = g_new0 (Delivery, 1);
      delivery->from = g_strdup (user_id);
      delivery->to = g_strdup (other);
      delivery->display_name = g_strdup (display_name);
      delivery->joined = joined;
      /* After whatever the member sent before: the longest delay. */
      schedule (self, delivery, pick_delay (self, FALSE));
    }
}

static void
parla_loopback_room_dispose (GObject *object)
{
  ParlaLoopbackRoom *self = (ParlaLoopbackRoom *)object;

  while (self->in_flight != NULL)
    {
      Delivery *delivery = self->in_flight->data;

      self->in_flight = g_list_delete_link (self->in_flight, self->in_flight);
      g_source_destroy (delivery->source);
      delivery_free (delivery);
    }

  G_OBJECT_CLASS (parla_loopback_room_parent_class)->dispose (object);
}

static void
parla_loopback_room_finalize (GObject *object)
{
  ParlaLoopbackRoom *self = (ParlaLoopbackRoom *)object;

  g_clear_pointer (&self->endpoints, g_hash_table_unref);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->rand, g_rand_free);
  g_clear_pointer (&self->impair_member, g_free);

  G_OBJECT_CLASS (parla_loopback_room_parent_class)->finalize (object);
}

static void
parla_loopback_room_class_init (ParlaLoopbackRoomClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_loopback_room_dispose;
  object_class->finalize = parla_loopback_room_finalize;

  /**
   * ParlaLoopbackRoom::relay:
   * @self: a #ParlaLoopbackRoom
   * @from_user_id: the sender
   * @to_user_id: the recipient
   * @payload: the payload; a handler may change it
   *
   * Emitted when an endpoint sends, before any impairment.
   *
   * Returns: %TRUE to swallow the payload
   */
  signals[RELAY] =
    g_signal_new ("relay",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  g_signal_accumulator_true_handled, NULL,
                  NULL,
                  G_TYPE_BOOLEAN, 3,
                  G_TYPE_STRING,
                  G_TYPE_STRING,
                  JSON_TYPE_NODE);
}

static void
parla_loopback_room_init (ParlaLoopbackRoom *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->endpoints = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rand = g_rand_new_with_seed (42);
}

/**
 * parla_loopback_room_new:
 *
 * Creates a call room whose deliveries run on the thread-default main
 * context.
 *
 * Returns: (transfer full): a new #ParlaLoopbackRoom
 */
ParlaLoopbackRoom *
parla_loopback_room_new (void)
{
  return g_object_new (PARLA_TYPE_LOOPBACK_ROOM, NULL);
}

/**
 * parla_loopback_room_set_delay:
 * @self: a #ParlaLoopbackRoom
 * @min_ms: the shortest delay
 * @max_ms: the longest delay; above @min_ms, payloads can overtake each other
 *
 * Delays every impaired payload by a random time in [@min_ms, @max_ms].
 */
void
parla_loopback_room_set_delay (ParlaLoopbackRoom *self,
                               guint              min_ms,
                               guint              max_ms)
{
  g_return_if_fail (PARLA_IS_LOOPBACK_ROOM (self));
  g_return_if_fail (min_ms <= max_ms);

  self->delay_min_ms = min_ms;
  self->delay_max_ms = max_ms;
}

/**
 * parla_loopback_room_set_drop_rate:
 * @self: a #ParlaLoopbackRoom
 * @rate: the probability, from 0 to 1, that a payload is lost
 */
void
parla_loopback_room_set_drop_rate (ParlaLoopbackRoom *self,
                                   double             rate)
{
  g_return_if_fail (PARLA_IS_LOOPBACK_ROOM (self));
  g_return_if_fail (rate >= 0 && rate <= 1);

  self->drop_rate = rate;
}

/**
 * parla_loopback_room_set_duplicate_rate:
 * @self: a #ParlaLoopbackRoom
 * @rate: the probability, from 0 to 1, that a payload arrives twice
 */
void
parla_loopback_room_set_duplicate_rate (ParlaLoopbackRoom *self,
                                        double             rate)
{
  g_return_if_fail (PARLA_IS_LOOPBACK_ROOM (self));
  g_return_if_fail (rate >= 0 && rate <= 1);

  self->duplicate_rate = rate;
}

/**
 * parla_loopback_room_set_reorder_rate:
 * @self: a #ParlaLoopbackRoom
 * @rate: the probability, from 0 to 1, that a payload is held back until
 *   after the ones sent next
 */
void
parla_loopback_room_set_reorder_rate (ParlaLoopbackRoom *self,
                                      double             rate)
{
  g_return_if_fail (PARLA_IS_LOOPBACK_ROOM (self));
  g_return_if_fail (rate >= 0 && rate <= 1);

  self->reorder_rate = rate;
}

/**
 * parla_loopback_room_set_impair_filter:
 * @self: a #ParlaLoopbackRoom
 * @member: (nullable): impair only payloads with this top-level member
 *   (such as "ice"), or every payload when %NULL
 */
void
parla_loopback_room_set_impair_filter (ParlaLoopbackRoom *self,
                                       const char        *member)
{
  g_return_if_fail (PARLA_IS_LOOPBACK_ROOM (self));

  g_free (self->impair_member);
  self->impair_member = g_strdup (member);
}

/**
 * parla_loopback_room_set_seed:
 * @self: a #ParlaLoopbackRoom
 * @seed: the seed of the impairments' random numbers
 */
void
parla_loopback_room_set_seed (ParlaLoopbackRoom *self,
                              guint32            seed)
{
  g_return_if_fail (PARLA_IS_LOOPBACK_ROOM (self));

  g_rand_set_seed (self->rand, seed);
}

/**
 * parla_loopback_room_get_n_in_flight:
 * @self: a #ParlaLoopbackRoom
 *
 * Returns: how many payloads and membership events wait for delivery
 */
guint
parla_loopback_room_get_n_in_flight (ParlaLoopbackRoom *self)
{
  g_return_val_if_fail (PARLA_IS_LOOPBACK_ROOM (self), 0);

  return g_list_length (self->in_flight);
}

/* ParlaLoopbackSignaling */

static void
parla_loopback_signaling_send (ParlaSignaling *signaling,
                               const char     *to_user_id,
                               JsonNode       *payload)
{
  ParlaLoopbackSignaling *self = PARLA_LOOPBACK_SIGNALING (signaling);

  if (!self->joined)
    return;

  route_message (self->room, self->user_id, to_user_id, payload);
}

static char **
parla_loopback_signaling_dup_members (ParlaSignaling *signaling)
{
  ParlaLoopbackSignaling *self = PARLA_LOOPBACK_SIGNALING (signaling);

  return g_strdupv (self->members_at_join);
}

static void
parla_loopback_signaling_iface_init (ParlaSignalingInterface *iface)
{
  iface->send = parla_loopback_signaling_send;
  iface->dup_members = parla_loopback_signaling_dup_members;
}

static void
parla_loopback_signaling_dispose (GObject *object)
{
  ParlaLoopbackSignaling *self = (ParlaLoopbackSignaling *)object;

  parla_loopback_signaling_leave (self);

  G_OBJECT_CLASS (parla_loopback_signaling_parent_class)->dispose (object);
}

static void
parla_loopback_signaling_finalize (GObject *object)
{
  ParlaLoopbackSignaling *self = (ParlaLoopbackSignaling *)object;

  g_clear_object (&self->room);
  g_clear_pointer (&self->user_id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->members_at_join, g_strfreev);

  G_OBJECT_CLASS (parla_loopback_signaling_parent_class)->finalize (object);
}

static void
parla_loopback_signaling_class_init (ParlaLoopbackSignalingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_loopback_signaling_dispose;
  object_class->finalize = parla_loopback_signaling_finalize;
}

static void
parla_loopback_signaling_init (ParlaLoopbackSignaling *self)
{
}

/**
 * parla_loopback_signaling_new:
 * @room: the room to join
 * @user_id: the local user; unique in @room
 * @display_name: (nullable): their name
 *
 * Joins @room. The members already there get
 * #ParlaSignaling::member-joined; parla_signaling_dup_members() on the new
 * endpoint lists them.
 *
 * Returns: (transfer full): the endpoint of @user_id
 */
ParlaLoopbackSignaling *
parla_loopback_signaling_new (ParlaLoopbackRoom *room,
                              const char        *user_id,
                              const char        *display_name)
{
  ParlaLoopbackSignaling *self;
  g_autoptr(GPtrArray) members = NULL;
  GHashTableIter iter;
  const char *other;

  g_return_val_if_fail (PARLA_IS_LOOPBACK_ROOM (room), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);
  g_return_val_if_fail (!g_hash_table_contains (room->endpoints, user_id), NULL);

  self = g_object_new (PARLA_TYPE_LOOPBACK_SIGNALING, NULL);
  self->room = g_object_ref (room);
  self->user_id = g_strdup (user_id);
  self->display_name = g_strdup (display_name);

  members = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, room->endpoints);
  while (g_hash_table_iter_next (&iter, (gpointer *) &other, NULL))
    g_ptr_array_add (members, g_strdup (other));
  g_ptr_array_add (members, NULL);
  self->members_at_join = (char **) g_ptr_array_free (g_steal_pointer (&members), FALSE);

  g_hash_table_insert (room->endpoints, g_strdup (user_id), self);
  self->joined = TRUE;
  route_membership (room, user_id, display_name, TRUE);

  return self;
}

/**
 * parla_loopback_signaling_get_user_id:
 * @self: a #ParlaLoopbackSignaling
 *
 * Returns: the local user of this endpoint
 */
const char *
parla_loopback_signaling_get_user_id (ParlaLoopbackSignaling *self)
{
  g_return_val_if_fail (PARLA_IS_LOOPBACK_SIGNALING (self), NULL);

  return self->user_id;
}

/**
 * parla_loopback_signaling_leave:
 * @self: a #ParlaLoopbackSignaling
 *
 * Leaves the room, as when the relay connection drops: the others get
 * #ParlaSignaling::member-left, and nothing more is delivered to or from
 * @self. Disposing the endpoint leaves too.
 */
void
parla_loopback_signaling_leave (ParlaLoopbackSignaling *self)
{
  g_return_if_fail (PARLA_IS_LOOPBACK_SIGNALING (self));

  if (!self->joined)
    return;

  self->joined = FALSE;
  g_hash_table_remove (self->room->endpoints, self->user_id);
  route_membership (self->room, self->user_id, NULL, FALSE);
}
