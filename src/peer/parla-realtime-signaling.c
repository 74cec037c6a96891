/* parla-realtime-signaling.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-realtime-signaling.h"

#include "parla-error.h"

/**
 * ParlaRealtimeSignaling:
 *
 * The call room `call:<id>` of the server's realtime hub, as a
 * #ParlaSignaling for #ParlaCall. It joins the room, says who was there
 * first (`room.members`), relays `signal` messages both ways and turns
 * `room.joined`/`room.left` into member events.
 *
 * The WebSocket is not the media path: when it drops (ours or theirs) the
 * media usually goes on. So a member who leaves the room is reported gone
 * only after a grace period; coming back within it is no event at all,
 * and our own reconnection (a new `room.members`) reports only the
 * differences, once their grace is over. A participant whose app really
 * restarted offers again, which the call recognises as a new session.
 */

struct _ParlaRealtimeSignaling
{
  GObject        parent_instance;

  /* owned */
  ParlaRealtime *realtime;
  char          *room;
  char          *local_user_id;
  GHashTable    *members;        /* user id -> display name (nullable), present or in grace */
  GHashTable    *leaving;        /* user id -> GSource, their grace timer */
  char         **members_at_join;

  guint          leave_grace_ms;
  gboolean       ready;
  gboolean       left;
};

static void parla_realtime_signaling_iface_init (ParlaSignalingInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaRealtimeSignaling, parla_realtime_signaling, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PARLA_TYPE_SIGNALING,
                                                      parla_realtime_signaling_iface_init))

enum {
  READY,
  FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef struct
{
  ParlaRealtimeSignaling *self;   /* borrowed: the source dies with it */
  char                   *user_id;
} Grace;

static void
grace_free (gpointer data)
{
  Grace *grace = data;

  g_free (grace->user_id);
  g_free (grace);
}

static void
destroy_source (gpointer data)
{
  g_source_destroy (data);
  g_source_unref (data);
}

static gboolean
on_grace_over_cb (gpointer data)
{
  Grace *grace = data;
  ParlaRealtimeSignaling *self = grace->self;
  g_autofree char *user_id = g_strdup (grace->user_id);

  g_object_ref (self);
  g_hash_table_steal (self->leaving, user_id);  /* the source is going: no destroy */
  g_hash_table_remove (self->members, user_id);
  g_debug ("Call room %s: %s left", self->room, user_id);
  parla_signaling_emit_member_left (PARLA_SIGNALING (self), user_id);
  g_object_unref (self);

  return G_SOURCE_REMOVE;
}

/* @user_id went out of the room: gone for good once the grace is over. */
static void
start_grace (ParlaRealtimeSignaling *self,
             const char             *user_id)
{
  GSource *source;
  Grace *grace;

  if (g_hash_table_contains (self->leaving, user_id))
    return;

  grace = g_new0 (Grace, 1);
  grace->self = self;
  grace->user_id = g_strdup (user_id);

  source = g_timeout_source_new (self->leave_grace_ms);
  g_source_set_static_name (source, "[parla] call room leave grace");
  g_source_set_callback (source, on_grace_over_cb, grace, grace_free);
  g_source_attach (source, g_main_context_get_thread_default ());
  g_hash_table_insert (self->leaving, g_strdup (user_id), source);
}

/* @user_id is in the room: new, or back within their grace. */
static void
member_present (ParlaRealtimeSignaling *self,
                const char             *user_id,
                const char             *display_name)
{
  if (g_strcmp0 (user_id, self->local_user_id) == 0)
    return;

  if (g_hash_table_remove (self->leaving, user_id))
    {
      g_debug ("Call room %s: %s is back", self->room, user_id);
      return;
    }

  if (g_hash_table_contains (self->members, user_id))
    return;

  g_hash_table_insert (self->members, g_strdup (user_id), g_strdup (display_name));
  if (self->ready)
    parla_signaling_emit_member_joined (PARLA_SIGNALING (self), user_id, display_name);
}

static void
on_room_members_cb (ParlaRealtime          *realtime,
                    const char             *room,
                    JsonNode               *members,
                    ParlaRealtimeSignaling *self)
{
  g_autoptr(GHashTable) present = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) first = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  JsonArray *array;
  GHashTableIter iter;
  const char *user_id;

  if (g_strcmp0 (room, self->room) != 0 || self->left || !JSON_NODE_HOLDS_ARRAY (members))
    return;

  /* The welcome told who we are; on a new connection it still does. */
  g_clear_pointer (&self->local_user_id, g_free);
  self->local_user_id = parla_realtime_dup_user_id (realtime);

  array = json_node_get_array (members);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *node = json_array_get_element (array, i);
      JsonObject *member;
      const char *id;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      member = json_node_get_object (node);
      id = json_object_get_string_member_with_default (member, "user_id", NULL);
      if (id == NULL || g_strcmp0 (id, self->local_user_id) == 0)
        continue;

      g_hash_table_add (present, (gpointer) id);
      if (!self->ready)
        g_ptr_array_add (first, g_strdup (id));
      member_present (self, id,
                      json_object_get_string_member_with_default (member, "display_name", NULL));
    }

  /* Those we knew who are not here any more: after a reconnection of ours,
   * they may have left while we were away. */
  g_hash_table_iter_init (&iter, self->members);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user_id, NULL))
    if (!g_hash_table_contains (present, user_id))
      g_ptr_array_add (gone, (gpointer) user_id);
  for (guint i = 0; i < gone->len; i++)
    start_grace (self, g_ptr_array_index (gone, i));

  if (!self->ready)
    {
      g_ptr_array_add (first, NULL);
      self->members_at_join = (char **) g_ptr_array_free (g_steal_pointer (&first), FALSE);
      self->ready = TRUE;
      g_debug ("Call room %s: in, with %u others", self->room, g_strv_length (self->members_at_join));
      g_signal_emit (self, signals[READY], 0);
    }
}

static void
on_room_joined_cb (ParlaRealtime          *realtime,
                   const char             *room,
                   const char             *user_id,
                   const char             *display_name,
                   ParlaRealtimeSignaling *self)
{
  if (g_strcmp0 (room, self->room) != 0 || self->left || !self->ready)
    return;

  member_present (self, user_id, display_name);
}

static void
fail (ParlaRealtimeSignaling *self,
      const GError           *error)
{
  if (self->left)
    return;

  self->left = TRUE;
  g_hash_table_remove_all (self->leaving);
  g_signal_emit (self, signals[FAILED], 0, error);
}

static void
on_room_left_cb (ParlaRealtime          *realtime,
                 const char             *room,
                 const char             *user_id,
                 const char             *display_name,
                 ParlaRealtimeSignaling *self)
{
  if (g_strcmp0 (room, self->room) != 0 || self->left)
    return;

  if (g_strcmp0 (user_id, self->local_user_id) == 0)
    {
      g_autoptr(GError) error =
        g_error_new_literal (PARLA_ERROR, PARLA_ERROR_FORBIDDEN,
                             "The server took us out of the call room");

      fail (self, error);
      return;
    }

  if (g_hash_table_contains (self->members, user_id))
    start_grace (self, user_id);
}

static void
on_signal_cb (ParlaRealtime          *realtime,
              const char             *room,
              const char             *from,
              JsonNode               *payload,
              ParlaRealtimeSignaling *self)
{
  if (g_strcmp0 (room, self->room) != 0 || self->left || from == NULL || payload == NULL)
    return;

  parla_signaling_emit_message (PARLA_SIGNALING (self), from, payload);
}

/* A refused join comes as an error after which the room is forgotten. */
static void
on_error_cb (ParlaRealtime          *realtime,
             const char             *id,
             const GError           *error,
             ParlaRealtimeSignaling *self)
{
  g_auto(GStrv) rooms = NULL;

  if (self->left || self->ready)
    return;

  rooms = parla_realtime_dup_rooms (realtime);
  if (rooms != NULL && g_strv_contains ((const char * const *) rooms, self->room))
    return;

  fail (self, error);
}

static void
on_state_cb (ParlaRealtime          *realtime,
             GParamSpec             *pspec,
             ParlaRealtimeSignaling *self)
{
  g_autoptr(GError) error = NULL;

  if (parla_realtime_get_state (realtime) != PARLA_REALTIME_UNAUTHORIZED)
    return;

  error = g_error_new_literal (PARLA_ERROR, PARLA_ERROR_UNAUTHORIZED,
                               "The server no longer accepts our sign-in");
  fail (self, error);
}

static void
parla_realtime_signaling_send (ParlaSignaling *signaling,
                               const char     *to_user_id,
                               JsonNode       *payload)
{
  ParlaRealtimeSignaling *self = PARLA_REALTIME_SIGNALING (signaling);
  g_autoptr(GError) error = NULL;

  if (self->left)
    return;

  /* Signaling is only worth something now: dropped while disconnected, the
   * call's own timers (ICE restart, peer timeout) take over. */
  if (!parla_realtime_send_signal (self->realtime, self->room, to_user_id, payload, &error))
    g_debug ("Call room %s: signal for %s dropped: %s", self->room, to_user_id, error->message);
}

static char **
parla_realtime_signaling_dup_members (ParlaSignaling *signaling)
{
  ParlaRealtimeSignaling *self = PARLA_REALTIME_SIGNALING (signaling);

  return g_strdupv (self->members_at_join);
}

static void
parla_realtime_signaling_iface_init (ParlaSignalingInterface *iface)
{
  iface->send = parla_realtime_signaling_send;
  iface->dup_members = parla_realtime_signaling_dup_members;
}

static void
parla_realtime_signaling_dispose (GObject *object)
{
  ParlaRealtimeSignaling *self = PARLA_REALTIME_SIGNALING (object);

  if (self->realtime != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->realtime, self);
      g_clear_object (&self->realtime);
    }
  g_clear_pointer (&self->leaving, g_hash_table_unref);

  G_OBJECT_CLASS (parla_realtime_signaling_parent_class)->dispose (object);
}

static void
parla_realtime_signaling_finalize (GObject *object)
{
  ParlaRealtimeSignaling *self = PARLA_REALTIME_SIGNALING (object);

  g_free (self->room);
  g_free (self->local_user_id);
  g_hash_table_unref (self->members);
  g_strfreev (self->members_at_join);

  G_OBJECT_CLASS (parla_realtime_signaling_parent_class)->finalize (object);
}

static void
parla_realtime_signaling_class_init (ParlaRealtimeSignalingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_realtime_signaling_dispose;
  object_class->finalize = parla_realtime_signaling_finalize;

  /**
   * ParlaRealtimeSignaling::ready:
   *
   * We are in the call room and know who was there first: the call can
   * start (parla_call_start()).
   */
  signals[READY] =
    g_signal_new ("ready", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  /**
   * ParlaRealtimeSignaling::failed:
   * @error: why
   *
   * The room is lost for good: the join was refused, the server took us
   * out, or our sign-in is no longer accepted. Nothing is relayed after it.
   */
  signals[FAILED] =
    g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
parla_realtime_signaling_init (ParlaRealtimeSignaling *self)
{
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->leaving = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, destroy_source);
  self->leave_grace_ms = PARLA_REALTIME_SIGNALING_LEAVE_GRACE_MS;
}

/**
 * parla_realtime_signaling_new:
 * @realtime: the signed-in realtime connection, started or not
 * @room: the call room, `call:<call id>` as the join answer names it
 *
 * Joins @room (now, or once @realtime connects) and relays its signaling.
 * Wait for #ParlaRealtimeSignaling::ready before starting the call.
 *
 * Returns: (transfer full): a new #ParlaRealtimeSignaling
 */
ParlaRealtimeSignaling *
parla_realtime_signaling_new (ParlaRealtime *realtime,
                              const char    *room)
{
  ParlaRealtimeSignaling *self;

  g_return_val_if_fail (PARLA_IS_REALTIME (realtime), NULL);
  g_return_val_if_fail (room != NULL && g_str_has_prefix (room, "call:"), NULL);

  self = g_object_new (PARLA_TYPE_REALTIME_SIGNALING, NULL);
  self->realtime = g_object_ref (realtime);
  self->room = g_strdup (room);
  self->local_user_id = parla_realtime_dup_user_id (realtime);

  g_signal_connect (realtime, "room-members", G_CALLBACK (on_room_members_cb), self);
  g_signal_connect (realtime, "room-joined", G_CALLBACK (on_room_joined_cb), self);
  g_signal_connect (realtime, "room-left", G_CALLBACK (on_room_left_cb), self);
  g_signal_connect (realtime, "signal", G_CALLBACK (on_signal_cb), self);
  g_signal_connect (realtime, "error", G_CALLBACK (on_error_cb), self);
  g_signal_connect (realtime, "notify::state", G_CALLBACK (on_state_cb), self);

  parla_realtime_join_room (realtime, room, -1);

  return self;
}

ParlaRealtime *
parla_realtime_signaling_get_realtime (ParlaRealtimeSignaling *self)
{
  g_return_val_if_fail (PARLA_IS_REALTIME_SIGNALING (self), NULL);

  return self->realtime;
}

const char *
parla_realtime_signaling_get_room (ParlaRealtimeSignaling *self)
{
  g_return_val_if_fail (PARLA_IS_REALTIME_SIGNALING (self), NULL);

  return self->room;
}

/**
 * parla_realtime_signaling_get_ready:
 * @self: a #ParlaRealtimeSignaling
 *
 * Returns: whether #ParlaRealtimeSignaling::ready was emitted
 */
gboolean
parla_realtime_signaling_get_ready (ParlaRealtimeSignaling *self)
{
  g_return_val_if_fail (PARLA_IS_REALTIME_SIGNALING (self), FALSE);

  return self->ready;
}

/**
 * parla_realtime_signaling_get_display_name:
 * @self: a #ParlaRealtimeSignaling
 * @user_id: a member
 *
 * Returns: (nullable): the name the room gave for @user_id
 */
const char *
parla_realtime_signaling_get_display_name (ParlaRealtimeSignaling *self,
                                           const char             *user_id)
{
  g_return_val_if_fail (PARLA_IS_REALTIME_SIGNALING (self), NULL);

  return g_hash_table_lookup (self->members, user_id);
}

/**
 * parla_realtime_signaling_set_leave_grace:
 * @self: a #ParlaRealtimeSignaling
 * @ms: how long a member may be out of the room before they count as gone
 *
 * Applies to departures from now on.
 */
void
parla_realtime_signaling_set_leave_grace (ParlaRealtimeSignaling *self,
                                          guint                   ms)
{
  g_return_if_fail (PARLA_IS_REALTIME_SIGNALING (self));

  self->leave_grace_ms = ms;
}

/**
 * parla_realtime_signaling_leave:
 * @self: a #ParlaRealtimeSignaling
 *
 * Leaves the call room (after the call said goodbye); nothing is relayed
 * any more.
 */
void
parla_realtime_signaling_leave (ParlaRealtimeSignaling *self)
{
  g_return_if_fail (PARLA_IS_REALTIME_SIGNALING (self));

  if (self->left)
    return;

  self->left = TRUE;
  g_hash_table_remove_all (self->leaving);
  parla_realtime_leave_room (self->realtime, self->room);
}
