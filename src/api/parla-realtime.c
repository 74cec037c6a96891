/* parla-realtime.c: the realtime WebSocket connection of a signed-in user
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One WebSocket to <base-url>api/v1/ws (docs/protocol.md), kept open while
 * the object is started:
 *
 * - A lost connection is retried after a delay drawn at random between 0
 *   and 0.5 s doubling up to 30 s ("full jitter"), reset by a `welcome`,
 *   and skipped when the network monitor says the network came back.
 * - An HTTP 401 on the upgrade, or a close with 1008 for the token,
 *   parks the object in %PARLA_REALTIME_UNAUTHORIZED until a new token.
 * - The server pings; we ping too, and libsoup reports the pongs. When
 *   nothing at all (message or pong) arrives for two ping intervals and a
 *   bit, the server is taken for dead and the connection is dropped.
 * - Rooms are remembered. After a reconnect every one is entered again
 *   with `resume` from the last seq seen in it; the server replays what
 *   was missed before anything live, and `chat-message` is emitted only
 *   for a seq above the last one emitted, so each message is seen once,
 *   in order.
 * - A chat message waits in a queue until its room is joined on a live
 *   connection, is sent, and stays queued until its `ack`. When the
 *   connection drops first it is sent again with the same id, which the
 *   server stores once.
 * - Watched presence (parla_realtime_watch_presence(), at most 500 ids)
 *   is remembered too, and watched again right after every `welcome`,
 *   before the rooms are resumed, so the server sends the current status
 *   of each watched teacher who is online, then the changes. The last
 *   status heard of each user is cached for this connection only: while
 *   disconnected every status is unknown, and the next connection says
 *   what it is now.
 * - Frames leave through a token bucket below the server's rate limit (a
 *   dropped frame would never be answered).
 *
 * Everything runs on the thread-default main context of the constructor.
 */

#include "config.h"

#include "parla-realtime.h"

#include <string.h>
#include <libsoup/soup.h>

#include "parla-core.h"

#define BACKOFF_BASE_MS        500
#define BACKOFF_MAX_MS         30000
#define DEFAULT_PING_SECONDS   20
#define DEAD_MARGIN_SECONDS    5
#define HANDSHAKE_TIMEOUT_S    30
#define DEFAULT_RATE           20
#define DEFAULT_BURST          40
#define ID_PREFIX              "rt-"
#define MAX_WATCHED            500
#define MAX_USER_ID_LENGTH     64

static const char * const presence_names[] = { "online", "away", "in_call", "available", NULL };

typedef struct
{
  char     *name;
  gint64    after_seq;       /* asked for by the first join; -1: live only */
  gint64    last_seq;        /* the highest seq emitted */
  gboolean  entered;         /* a join or resume was acknowledged, on any connection */
  gboolean  joining;         /* ...is on its way on this connection */
  gboolean  joined;          /* ...was acknowledged on this connection */
  gint64    want_delivered;
  gint64    want_read;
  gint64    sent_delivered;  /* on this connection */
  gint64    sent_read;
} Room;

typedef enum
{
  OP_JOIN,
  OP_LEAVE,
  OP_RECEIPT,
  OP_PRESENCE,
  OP_WATCH,
  OP_UNWATCH,
} OpKind;

typedef struct
{
  OpKind   kind;
  char    *room;
  char   **user_ids;  /* OP_WATCH: the ids it watched */
} PendingOp;

typedef struct
{
  char         *room;
  char         *client_id;
  char         *text;
  char         *to;
  char         *language;
  GCancellable *cancellable;
  gulong        cancel_id;
  gboolean      sent;        /* on this connection */
  gboolean      done;
} ChatSend;

struct _ParlaRealtime
{
  GObject                  parent_instance;

  /* owned */
  char                    *base_url;
  char                    *token;
  char                    *conn_token;     /* what the current connection was opened with */
  char                    *user_id;
  char                    *presence;       /* set by the user; NULL: online */
  GMainContext            *context;
  SoupSession             *session;
  SoupMessage             *connect_msg;
  GCancellable            *connect_cancellable;
  SoupWebsocketConnection *conn;
  GPtrArray               *closing;        /* connections closing politely */
  GHashTable              *rooms;          /* name → Room */
  GHashTable              *ops;            /* request id → PendingOp */
  GHashTable              *watched;        /* set of user ids (presence.watch) */
  GHashTable              *statuses;       /* user id → status, heard on this connection */
  GQueue                   chats;          /* GTask of ChatSend, oldest first */
  GQueue                   outq;           /* char *, frames held by the rate limit */
  GSource                 *reconnect_source;
  GSource                 *watchdog_source;
  GSource                 *drain_source;

  /* borrowed */
  GNetworkMonitor         *monitor;

  ParlaRealtimeState       state;
  gboolean                 running;
  guint                    attempt;
  guint                    next_id;
  guint                    ping_seconds;
  gint64                   last_input;     /* monotonic µs */
  double                   rate;
  double                   burst;
  double                   tokens;
  gint64                   refilled_at;
};

G_DEFINE_FINAL_TYPE (ParlaRealtime, parla_realtime, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (ParlaRealtimeState, parla_realtime_state,
                    G_DEFINE_ENUM_VALUE (PARLA_REALTIME_DISCONNECTED, "disconnected"),
                    G_DEFINE_ENUM_VALUE (PARLA_REALTIME_CONNECTING, "connecting"),
                    G_DEFINE_ENUM_VALUE (PARLA_REALTIME_CONNECTED, "connected"),
                    G_DEFINE_ENUM_VALUE (PARLA_REALTIME_RECONNECTING, "reconnecting"),
                    G_DEFINE_ENUM_VALUE (PARLA_REALTIME_UNAUTHORIZED, "unauthorized"))

G_DEFINE_BOXED_TYPE (ParlaChatAck, parla_chat_ack, parla_chat_ack_ref, parla_chat_ack_unref)

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_STATE,
  PROP_USER_ID,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  CHAT_MESSAGE,
  RECEIPT,
  PRESENCE,
  ROOM_MEMBERS,
  ROOM_JOINED,
  ROOM_LEFT,
  SIGNAL,
  EVENT,
  ERROR,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void connect_now        (ParlaRealtime *self);
static void schedule_reconnect (ParlaRealtime *self);

/* Small things */

static void
room_free (Room *room)
{
  g_free (room->name);
  g_free (room);
}

static void
pending_op_free (PendingOp *op)
{
  g_free (op->room);
  g_strfreev (op->user_ids);
  g_free (op);
}

static void
chat_send_free (ChatSend *chat)
{
  g_assert (chat->cancel_id == 0);

  g_free (chat->room);
  g_free (chat->client_id);
  g_free (chat->text);
  g_free (chat->to);
  g_free (chat->language);
  g_clear_object (&chat->cancellable);
  g_free (chat);
}

static void
destroy_source (GSource *source)
{
  g_source_destroy (source);
  g_source_unref (source);
}

static GSource *
add_timeout (ParlaRealtime *self,
             guint          milliseconds,
             GSourceFunc    func)
{
  GSource *source = g_timeout_source_new (milliseconds);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);

  return source;
}

static char *
new_id (ParlaRealtime *self,
        const char    *what)
{
  return g_strdup_printf (ID_PREFIX "%s%u", what, ++self->next_id);
}

/* A token goes into a header as it is: visible ASCII only. */
static gboolean
token_is_usable (const char *token)
{
  if (token == NULL || *token == '\0')
    return FALSE;

  for (const char *p = token; *p != '\0'; p++)
    if (*p <= 0x20 || *p >= 0x7f)
      return FALSE;

  return TRUE;
}

/* The socket is open (the welcome may still be on its way). */
static gboolean
can_send (ParlaRealtime *self)
{
  return self->conn != NULL && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN;
}

/* ...and the server said welcome. */
static gboolean
is_connected (ParlaRealtime *self)
{
  return self->state == PARLA_REALTIME_CONNECTED && can_send (self);
}

static void
set_state (ParlaRealtime      *self,
           ParlaRealtimeState  state)
{
  if (self->state == state)
    return;

  g_debug ("Realtime %p: state %d", self, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
set_user_id (ParlaRealtime *self,
             const char    *user_id)
{
  if (g_strcmp0 (self->user_id, user_id) == 0)
    return;

  g_free (self->user_id);
  self->user_id = g_strdup (user_id);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER_ID]);
}

/* Sending, through the rate limit */

static gboolean on_drain_timeout_cb (gpointer data);

static void
drain (ParlaRealtime *self)
{
  gint64 now = g_get_monotonic_time ();
  char *text;

  if (!can_send (self))
    {
      g_queue_clear_full (&self->outq, g_free);
      return;
    }

  self->tokens = MIN (self->burst, self->tokens + (now - self->refilled_at) * self->rate / G_USEC_PER_SEC);
  self->refilled_at = now;

  while (self->tokens >= 1.0 && (text = g_queue_pop_head (&self->outq)) != NULL)
    {
      soup_websocket_connection_send_text (self->conn, text);
      g_free (text);
      self->tokens -= 1.0;
    }

  if (!g_queue_is_empty (&self->outq) && self->drain_source == NULL)
    {
      guint wait_ms = (guint) ((1.0 - self->tokens) * 1000.0 / self->rate) + 1;

      self->drain_source = add_timeout (self, wait_ms, on_drain_timeout_cb);
    }
}

static gboolean
on_drain_timeout_cb (gpointer data)
{
  ParlaRealtime *self = data;

  g_clear_pointer (&self->drain_source, g_source_unref);
  drain (self);

  return G_SOURCE_REMOVE;
}

static void
send_builder (ParlaRealtime *self,
              JsonBuilder   *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  g_queue_push_tail (&self->outq, json_to_string (root, FALSE));
  drain (self);
}

/* Sends {"type", "id", "room", ...} and remembers what the answer is for
 * in @out_op. */
static JsonBuilder *
begin_request_full (ParlaRealtime  *self,
                    const char     *type,
                    OpKind          kind,
                    const char     *room,
                    PendingOp     **out_op)
{
  JsonBuilder *builder = json_builder_new ();
  PendingOp *op = g_new0 (PendingOp, 1);
  char *id = new_id (self, type);

  op->kind = kind;
  op->room = g_strdup (room);
  g_hash_table_insert (self->ops, id, op);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", type);
  parla_json_add_string (builder, "id", id);
  if (room != NULL)
    parla_json_add_string (builder, "room", room);

  if (out_op != NULL)
    *out_op = op;

  return builder;
}

static JsonBuilder *
begin_request (ParlaRealtime *self,
               const char    *type,
               OpKind         kind,
               const char    *room)
{
  return begin_request_full (self, type, kind, room, NULL);
}

static void
end_request (ParlaRealtime *self,
             JsonBuilder   *builder)
{
  json_builder_end_object (builder);
  send_builder (self, builder);
  g_object_unref (builder);
}

/* Chat messages */

static void
complete_chat (ParlaRealtime *self,
               GTask         *task,
               ParlaChatAck  *ack,
               GError        *error)
{
  ChatSend *chat = g_task_get_task_data (task);

  g_assert (!chat->done);

  chat->done = TRUE;
  g_queue_remove (&self->chats, task);
  if (chat->cancel_id != 0)
    {
      g_cancellable_disconnect (chat->cancellable, chat->cancel_id);
      chat->cancel_id = 0;
    }

  if (ack != NULL)
    g_task_return_pointer (task, ack, (GDestroyNotify) parla_chat_ack_unref);
  else
    g_task_return_error (task, error);

  g_object_unref (task);
}

/* Fails the queued messages for @room (every room when %NULL). */
static void
fail_chats (ParlaRealtime *self,
            const char    *room,
            const GError  *error)
{
  g_autoptr(GPtrArray) failed = g_ptr_array_new ();

  for (GList *l = self->chats.head; l != NULL; l = l->next)
    {
      ChatSend *chat = g_task_get_task_data (l->data);

      if (room == NULL || g_str_equal (chat->room, room))
        g_ptr_array_add (failed, l->data);
    }

  /* Completing may run a callback that queues more. */
  for (guint i = 0; i < failed->len; i++)
    complete_chat (self, g_ptr_array_index (failed, i), NULL, g_error_copy (error));
}

static void
send_chat (ParlaRealtime *self,
           ChatSend      *chat)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "chat.send");
  parla_json_add_string (builder, "id", chat->client_id);
  parla_json_add_string (builder, "room", chat->room);
  parla_json_add_string (builder, "text", chat->text);
  if (chat->to != NULL)
    parla_json_add_string (builder, "to", chat->to);
  if (chat->language != NULL)
    parla_json_add_string (builder, "language", chat->language);
  json_builder_end_object (builder);

  send_builder (self, builder);
  chat->sent = TRUE;
}

/* Sends what waits for a room that is now joined, in order. */
static void
flush_chats (ParlaRealtime *self)
{
  if (!can_send (self))
    return;

  for (GList *l = self->chats.head; l != NULL; l = l->next)
    {
      ChatSend *chat = g_task_get_task_data (l->data);
      Room *room = g_hash_table_lookup (self->rooms, chat->room);

      if (!chat->sent && room != NULL && room->joined)
        send_chat (self, chat);
    }
}

static GTask *
find_chat (ParlaRealtime *self,
           const char    *client_id,
           const char    *room)
{
  for (GList *l = self->chats.head; l != NULL; l = l->next)
    {
      ChatSend *chat = g_task_get_task_data (l->data);

      if (chat->sent && g_str_equal (chat->client_id, client_id) &&
          (room == NULL || g_str_equal (chat->room, room)))
        return l->data;
    }

  return NULL;
}

static gboolean
on_chat_cancelled_idle_cb (gpointer data)
{
  GTask *task = data;
  ChatSend *chat = g_task_get_task_data (task);

  if (!chat->done)
    complete_chat (g_task_get_source_object (task), task, NULL,
                   g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, "Operation was cancelled"));

  return G_SOURCE_REMOVE;
}

/* May run in any thread: completes the task in its own context. */
static void
on_chat_cancelled_cb (GCancellable *cancellable,
                      gpointer      user_data)
{
  GTask *task = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_callback (source, on_chat_cancelled_idle_cb, g_object_ref (task), g_object_unref);
  g_source_attach (source, g_task_get_context (task));
  g_source_unref (source);
}

/* Receipts and presence */

static void
flush_receipts (ParlaRealtime *self,
                Room          *room)
{
  if (!can_send (self) || !room->joined)
    return;

  if (room->want_read > room->sent_read)
    {
      JsonBuilder *builder = begin_request (self, "chat.read", OP_RECEIPT, room->name);

      parla_json_add_int (builder, "seq", room->want_read);
      end_request (self, builder);
      room->sent_read = room->want_read;
      room->sent_delivered = MAX (room->sent_delivered, room->want_read);
    }

  if (room->want_delivered > room->sent_delivered)
    {
      JsonBuilder *builder = begin_request (self, "chat.delivered", OP_RECEIPT, room->name);

      parla_json_add_int (builder, "seq", room->want_delivered);
      end_request (self, builder);
      room->sent_delivered = room->want_delivered;
    }
}

static void
send_presence (ParlaRealtime *self)
{
  JsonBuilder *builder;

  if (!can_send (self) || self->presence == NULL)
    return;

  builder = begin_request (self, "presence.set", OP_PRESENCE, NULL);
  parla_json_add_string (builder, "status", self->presence);
  end_request (self, builder);
}

/* Watched presence */

/* Sends presence.watch (or .unwatch) for @user_ids, when there are any. */
static void
send_watch (ParlaRealtime *self,
            OpKind         kind,
            GStrv          user_ids)
{
  JsonBuilder *builder;
  PendingOp *op;

  if (!can_send (self) || user_ids == NULL || user_ids[0] == NULL)
    return;

  builder = begin_request_full (self, kind == OP_WATCH ? "presence.watch" : "presence.unwatch", kind, NULL, &op);
  json_builder_set_member_name (builder, "user_ids");
  json_builder_begin_array (builder);
  for (guint i = 0; user_ids[i] != NULL; i++)
    json_builder_add_string_value (builder, user_ids[i]);
  json_builder_end_array (builder);

  /* Its ack means that the ids not heard of until then are offline. */
  if (kind == OP_WATCH)
    op->user_ids = g_strdupv (user_ids);

  end_request (self, builder);
}

/* After a welcome: everything watched, in one message. */
static void
send_watched (ParlaRealtime *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) user_ids = NULL;
  GHashTableIter iter;
  const char *user_id;

  g_hash_table_iter_init (&iter, self->watched);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user_id, NULL))
    g_strv_builder_add (builder, user_id);

  user_ids = g_strv_builder_end (builder);
  send_watch (self, OP_WATCH, user_ids);
}

/* Rooms */

static void
enter_room (ParlaRealtime *self,
            Room          *room)
{
  JsonBuilder *builder;

  if (!can_send (self) || room->joining || room->joined)
    return;

  /* Once a room was entered, or a start was asked for, only `resume`
   * keeps the order: a join could deliver live messages before the ones
   * missed. */
  if (room->entered || room->last_seq > 0 || room->after_seq >= 0)
    {
      builder = begin_request (self, "resume", OP_JOIN, room->name);
      parla_json_add_int (builder, "after_seq", MAX (room->last_seq, MAX (room->after_seq, 0)));
    }
  else
    builder = begin_request (self, "join", OP_JOIN, room->name);

  room->joining = TRUE;
  end_request (self, builder);
}

static void
drop_ops_for_room (ParlaRealtime *self,
                   const char    *name)
{
  GHashTableIter iter;
  PendingOp *op;

  g_hash_table_iter_init (&iter, self->ops);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &op))
    if (g_strcmp0 (op->room, name) == 0)
      g_hash_table_iter_remove (&iter);
}

/* The room is gone for good (refused, or we were taken out): what waits
 * for it fails with @error. */
static void
forget_room (ParlaRealtime *self,
             const char    *name,
             const GError  *error)
{
  g_autofree char *copy = g_strdup (name);

  drop_ops_for_room (self, copy);
  g_hash_table_remove (self->rooms, copy);
  fail_chats (self, copy, error);
}

/* The connection */

static void
on_closing_ws_closed_cb (SoupWebsocketConnection *conn,
                         ParlaRealtime           *self)
{
  g_signal_handlers_disconnect_by_data (conn, self);
  g_ptr_array_remove (self->closing, conn);
}

/* Forgets the current connection and everything tied to it. @polite
 * closes it with a close frame; otherwise the socket is simply closed. */
static void
drop_connection (ParlaRealtime *self,
                 gboolean       polite,
                 gushort        code)
{
  GHashTableIter iter;
  Room *room;

  g_clear_pointer (&self->watchdog_source, destroy_source);
  g_clear_pointer (&self->drain_source, destroy_source);
  g_queue_clear_full (&self->outq, g_free);
  g_hash_table_remove_all (self->ops);

  /* Unknown until the next connection says. */
  g_hash_table_remove_all (self->statuses);

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &room))
    {
      room->joining = FALSE;
      room->joined = FALSE;
      room->sent_delivered = 0;
      room->sent_read = 0;
    }

  for (GList *l = self->chats.head; l != NULL; l = l->next)
    ((ChatSend *) g_task_get_task_data (l->data))->sent = FALSE;

  if (self->conn == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->conn, self);
  if (polite && soup_websocket_connection_get_state (self->conn) == SOUP_WEBSOCKET_STATE_OPEN)
    {
      /* Kept until the close handshake is done (libsoup bounds it). */
      g_signal_connect (self->conn, "closed", G_CALLBACK (on_closing_ws_closed_cb), self);
      g_ptr_array_add (self->closing, g_object_ref (self->conn));
      soup_websocket_connection_close (self->conn, code, NULL);
    }
  g_clear_object (&self->conn);
}

static void
cancel_connect (ParlaRealtime *self)
{
  if (self->connect_cancellable != NULL)
    g_cancellable_cancel (self->connect_cancellable);
  g_clear_object (&self->connect_cancellable);
  g_clear_object (&self->connect_msg);
}

static void
go_unauthorized (ParlaRealtime *self)
{
  g_autoptr(GError) error = NULL;

  cancel_connect (self);
  drop_connection (self, TRUE, SOUP_WEBSOCKET_CLOSE_NORMAL);
  g_clear_pointer (&self->reconnect_source, destroy_source);

  /* The state first: whoever hears of the failures sees why. */
  g_object_ref (self);
  set_state (self, PARLA_REALTIME_UNAUTHORIZED);
  error = parla_error_new (PARLA_ERROR_UNAUTHORIZED, NULL, NULL);
  fail_chats (self, NULL, error);
  g_object_unref (self);
}

static gboolean
on_reconnect_timeout_cb (gpointer data)
{
  ParlaRealtime *self = data;

  g_clear_pointer (&self->reconnect_source, g_source_unref);
  connect_now (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_reconnect (ParlaRealtime *self)
{
  guint cap = BACKOFF_MAX_MS;
  guint delay;

  if (!self->running)
    return;

  if (self->attempt < 16)
    cap = MIN (cap, (guint) BACKOFF_BASE_MS << self->attempt);
  delay = (guint) g_random_int_range (0, (gint32) cap + 1);
  self->attempt++;

  g_debug ("Realtime %p: next attempt in %u ms", self, delay);
  g_clear_pointer (&self->reconnect_source, destroy_source);
  self->reconnect_source = add_timeout (self, delay, on_reconnect_timeout_cb);
  set_state (self, PARLA_REALTIME_RECONNECTING);
}

/* 1008 closes for many reasons; the protocol names the ones that are not
 * about the token: too many connections, flooding, too far behind. */
static gboolean
is_token_close (const char *reason)
{
  if (reason == NULL)
    return TRUE;

  return !g_str_has_prefix (reason, "Too many") && !g_str_has_prefix (reason, "Too far");
}

static void
connection_lost (ParlaRealtime *self,
                 gushort        code,
                 const char    *reason)
{
  g_debug ("Realtime %p: connection closed (%u %s)", self, code, reason ? reason : "");

  drop_connection (self, FALSE, 0);

  if (!self->running)
    return;

  if (code == SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION && is_token_close (reason))
    {
      /* The token changed while this connection was open: try the new one. */
      if (g_strcmp0 (self->conn_token, self->token) != 0 && token_is_usable (self->token))
        {
          self->attempt = 0;
          set_state (self, PARLA_REALTIME_CONNECTING);
          connect_now (self);
        }
      else
        go_unauthorized (self);
      return;
    }

  schedule_reconnect (self);
}

static void
on_ws_closed_cb (SoupWebsocketConnection *conn,
                 ParlaRealtime           *self)
{
  g_autofree char *reason = g_strdup (soup_websocket_connection_get_close_data (conn));
  gushort code = soup_websocket_connection_get_close_code (conn);

  g_object_ref (self);
  connection_lost (self, code, reason);
  g_object_unref (self);
}

static void
on_ws_error_cb (SoupWebsocketConnection *conn,
                GError                  *error,
                ParlaRealtime           *self)
{
  g_debug ("Realtime %p: %s", self, error->message);
}

static void
on_ws_pong_cb (SoupWebsocketConnection *conn,
               GBytes                  *message,
               ParlaRealtime           *self)
{
  self->last_input = g_get_monotonic_time ();
}

static gboolean
on_watchdog_timeout_cb (gpointer data)
{
  ParlaRealtime *self = data;
  gint64 silence = g_get_monotonic_time () - self->last_input;
  gint64 allowed = (gint64) (2 * self->ping_seconds + DEAD_MARGIN_SECONDS) * G_USEC_PER_SEC;

  if (self->conn == NULL || silence <= allowed)
    return G_SOURCE_CONTINUE;

  g_debug ("Realtime %p: nothing from the server for %" G_GINT64_FORMAT " s, dropping the connection",
           self, silence / G_USEC_PER_SEC);

  /* Destroys this source too. */
  drop_connection (self, FALSE, 0);
  schedule_reconnect (self);

  return G_SOURCE_REMOVE;
}

/* Incoming messages */

typedef void (*MessageHandler) (ParlaRealtime *self,
                                JsonNode      *node,
                                JsonObject    *object);

static const ParlaField welcome_fields[] = {
  { "user", PARLA_FIELD_OBJECT, PARLA_FIELD_REQUIRED },
  { "limits", PARLA_FIELD_OBJECT, PARLA_FIELD_NULLABLE },
};

static const ParlaField ack_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_NULLABLE },
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE },
  { "seq", PARLA_FIELD_INT, PARLA_FIELD_NULLABLE, 0, G_MAXINT64 },
  { "message_id", PARLA_FIELD_ID, PARLA_FIELD_NULLABLE },
  { "sent_at", PARLA_FIELD_INSTANT, PARLA_FIELD_NULLABLE },
  { "duplicate", PARLA_FIELD_BOOL, PARLA_FIELD_NULLABLE },
};

static const ParlaField error_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_NULLABLE },
  { "code", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 64 },
  { "message", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE },
  { "field", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE },
};

static const ParlaField chat_message_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 0 },
  { "seq", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, G_MAXINT64 },
  { "message", PARLA_FIELD_OBJECT, PARLA_FIELD_REQUIRED },
};

static const ParlaField receipt_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 0 },
  { "user_id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "delivered_seq", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
  { "read_seq", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
};

static const ParlaField presence_fields[] = {
  { "user_id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "status", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 64 },
};

static const ParlaField members_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 0 },
  { "members", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
};

static const ParlaField membership_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 0 },
  { "member", PARLA_FIELD_OBJECT, PARLA_FIELD_REQUIRED },
};

static const ParlaField member_fields[] = {
  { "user_id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "display_name", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE },
};

static const ParlaField signal_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 0 },
  { "from", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "payload", PARLA_FIELD_OBJECT, PARLA_FIELD_REQUIRED },
};

static void
handle_welcome (ParlaRealtime *self,
                JsonNode      *node,
                JsonObject    *object)
{
  JsonObject *user = parla_json_get_object (object, "user");
  JsonObject *limits = parla_json_get_object (object, "limits");
  const char *user_id = parla_json_get_string (user, "id", NULL);
  gint64 ping = parla_json_get_int (limits, "ping_seconds", 0);
  gint64 rate = parla_json_get_int (limits, "messages_per_second", DEFAULT_RATE);
  gint64 burst = parla_json_get_int (limits, "burst", DEFAULT_BURST);
  GHashTableIter iter;
  Room *room;

  if (user_id == NULL)
    {
      g_debug ("Realtime %p: a welcome without a user id", self);
      return;
    }

  /* Stay below the server's bucket, with room for timing differences. */
  self->rate = MAX (1.0, 0.8 * CLAMP (rate, 1, 10000));
  self->burst = MAX (1.0, CLAMP (burst, 1, 100000) / 2);
  self->tokens = MIN (self->tokens, self->burst);
  self->ping_seconds = ping > 0 ? (guint) CLAMP (ping, 1, 3600) : DEFAULT_PING_SECONDS;
  soup_websocket_connection_set_keepalive_interval (self->conn, self->ping_seconds);
  self->attempt = 0;

  set_user_id (self, user_id);

  /* Everything this connection owes the server first; listeners of the
   * state may send more. */
  send_presence (self);
  send_watched (self);
  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &room))
    enter_room (self, room);

  set_state (self, PARLA_REALTIME_CONNECTED);
}

static void
handle_ack (ParlaRealtime *self,
            JsonNode      *node,
            JsonObject    *object)
{
  const char *id = parla_json_get_string (object, "id", NULL);
  const char *room_name = parla_json_get_string (object, "room", NULL);
  PendingOp *op;
  GTask *task;

  if (id == NULL)
    return;

  op = g_hash_table_lookup (self->ops, id);
  if (op != NULL)
    {
      Room *room = op->room ? g_hash_table_lookup (self->rooms, op->room) : NULL;

      if (op->kind == OP_JOIN && room != NULL && room->joining)
        {
          room->joining = FALSE;
          room->joined = TRUE;
          room->entered = TRUE;
          g_hash_table_remove (self->ops, id);
          flush_receipts (self, room);
          flush_chats (self);
        }
      else if (op->kind == OP_WATCH)
        {
          /* The online ones came before the ack; the rest are offline. */
          for (guint i = 0; op->user_ids[i] != NULL; i++)
            if (g_hash_table_contains (self->watched, op->user_ids[i]) &&
                !g_hash_table_contains (self->statuses, op->user_ids[i]))
              g_hash_table_insert (self->statuses, g_strdup (op->user_ids[i]), g_strdup ("offline"));
          g_hash_table_remove (self->ops, id);
        }
      else
        g_hash_table_remove (self->ops, id);
      return;
    }

  task = find_chat (self, id, room_name);
  if (task == NULL)
    {
      /* The answer to something sent with parla_realtime_send(). */
      g_signal_emit (self, signals[EVENT], g_quark_try_string ("ack"), "ack", node);
    }
  else
    {
      ParlaChatAck *ack = g_new0 (ParlaChatAck, 1);

      g_ref_count_init (&ack->ref_count);
      ack->room = g_strdup (room_name ? room_name : ((ChatSend *) g_task_get_task_data (task))->room);
      ack->client_id = g_strdup (id);
      ack->seq = parla_json_get_int (object, "seq", 0);
      ack->message_id = g_strdup (parla_json_get_string (object, "message_id", NULL));
      ack->sent_at = parla_json_get_instant (object, "sent_at", 0);
      ack->duplicate = parla_json_get_bool (object, "duplicate", FALSE);
      complete_chat (self, task, ack, NULL);
    }
}

static void
handle_error (ParlaRealtime *self,
              JsonNode      *node,
              JsonObject    *object)
{
  const char *id = parla_json_get_string (object, "id", NULL);
  const char *message = parla_json_get_string (object, "message", NULL);
  ParlaError code = PARLA_ERROR_INTERNAL;
  g_autoptr(GError) error = NULL;
  PendingOp *op;
  GTask *task;

  if (!parla_error_code_from_string (json_object_get_string_member (object, "code"), &code))
    code = PARLA_ERROR_INTERNAL;

  if (message != NULL)
    error = parla_error_new (code, parla_json_get_string (object, "field", NULL), "%s", message);
  else
    error = parla_error_new (code, parla_json_get_string (object, "field", NULL), NULL);

  if (id == NULL)
    {
      g_signal_emit (self, signals[ERROR], 0, NULL, error);

      /* A frame the rate limit dropped is never answered: start again on a
       * new connection, which enters every room and resends every message
       * (harmless, they carry their ids). */
      if (code == PARLA_ERROR_RATE_LIMITED && self->conn != NULL)
        {
          drop_connection (self, TRUE, SOUP_WEBSOCKET_CLOSE_NORMAL);
          schedule_reconnect (self);
        }
      return;
    }

  op = g_hash_table_lookup (self->ops, id);
  if (op != NULL)
    {
      g_autofree char *room = g_strdup (op->room);
      OpKind kind = op->kind;

      g_hash_table_remove (self->ops, id);
      if (kind == OP_JOIN && room != NULL)
        forget_room (self, room, error);
      g_signal_emit (self, signals[ERROR], 0, id, error);
      return;
    }

  task = find_chat (self, id, NULL);
  if (task != NULL)
    {
      complete_chat (self, task, NULL, g_steal_pointer (&error));
      return;
    }

  g_signal_emit (self, signals[ERROR], 0, id, error);
}

static void
handle_chat_message (ParlaRealtime *self,
                     JsonNode      *node,
                     JsonObject    *object)
{
  const char *name = json_object_get_string_member (object, "room");
  gint64 seq = json_object_get_int_member (object, "seq");
  Room *room = g_hash_table_lookup (self->rooms, name);

  if (room == NULL)
    return;

  /* Each seq once, in order: anything at or below the last one emitted
   * was seen already. */
  if (seq <= room->last_seq)
    {
      g_debug ("Realtime %p: %s seq %" G_GINT64_FORMAT " again, dropped", self, name, seq);
      return;
    }

  room->last_seq = seq;
  g_signal_emit (self, signals[CHAT_MESSAGE], 0, name, seq, json_object_get_member (object, "message"));
}

static void
handle_receipt (ParlaRealtime *self,
                JsonNode      *node,
                JsonObject    *object)
{
  g_signal_emit (self, signals[RECEIPT], 0,
                 json_object_get_string_member (object, "room"),
                 json_object_get_string_member (object, "user_id"),
                 json_object_get_int_member (object, "delivered_seq"),
                 json_object_get_int_member (object, "read_seq"));
}

static void
handle_presence (ParlaRealtime *self,
                 JsonNode      *node,
                 JsonObject    *object)
{
  const char *user_id = json_object_get_string_member (object, "user_id");
  const char *status = json_object_get_string_member (object, "status");

  g_hash_table_insert (self->statuses, g_strdup (user_id), g_strdup (status));
  g_signal_emit (self, signals[PRESENCE], 0, user_id, status);
}

static void
handle_room_members (ParlaRealtime *self,
                     JsonNode      *node,
                     JsonObject    *object)
{
  g_signal_emit (self, signals[ROOM_MEMBERS], 0,
                 json_object_get_string_member (object, "room"),
                 json_object_get_member (object, "members"));
}

static void
handle_membership (ParlaRealtime *self,
                   JsonObject    *object,
                   gboolean       joined)
{
  const char *room = json_object_get_string_member (object, "room");
  JsonObject *member = json_object_get_object_member (object, "member");
  g_autofree char *user_id = NULL;
  g_autoptr(GError) error = NULL;

  if (!parla_json_check_object (member, member_fields, G_N_ELEMENTS (member_fields), PARLA_JSON_RESOURCE, &error))
    {
      g_debug ("Realtime %p: ignoring a membership change: %s", self, error->message);
      return;
    }

  user_id = g_strdup (json_object_get_string_member (member, "user_id"));
  g_signal_emit (self, signals[joined ? ROOM_JOINED : ROOM_LEFT], 0, room, user_id,
                 parla_json_get_string (member, "display_name", NULL));

  /* Taken out of the room (a cancelled seat): it is not entered again. */
  if (!joined && g_strcmp0 (user_id, self->user_id) == 0 && g_hash_table_contains (self->rooms, room))
    {
      g_autoptr(GError) gone = parla_error_new (PARLA_ERROR_FORBIDDEN, "room", "You are no longer in %s", room);

      forget_room (self, room, gone);
    }
}

static void
handle_room_joined (ParlaRealtime *self,
                    JsonNode      *node,
                    JsonObject    *object)
{
  handle_membership (self, object, TRUE);
}

static void
handle_room_left (ParlaRealtime *self,
                  JsonNode      *node,
                  JsonObject    *object)
{
  handle_membership (self, object, FALSE);
}

static void
handle_signal (ParlaRealtime *self,
               JsonNode      *node,
               JsonObject    *object)
{
  g_signal_emit (self, signals[SIGNAL], 0,
                 json_object_get_string_member (object, "room"),
                 json_object_get_string_member (object, "from"),
                 json_object_get_member (object, "payload"));
}

#define MESSAGE(type, fields, handler) { type, fields, G_N_ELEMENTS (fields), handler }

static const struct
{
  const char       *type;
  const ParlaField *fields;
  guint             n_fields;
  MessageHandler    handler;
} message_types[] = {
  MESSAGE ("welcome", welcome_fields, handle_welcome),
  MESSAGE ("ack", ack_fields, handle_ack),
  MESSAGE ("error", error_fields, handle_error),
  MESSAGE ("chat.message", chat_message_fields, handle_chat_message),
  MESSAGE ("chat.receipt", receipt_fields, handle_receipt),
  MESSAGE ("presence", presence_fields, handle_presence),
  MESSAGE ("room.members", members_fields, handle_room_members),
  MESSAGE ("room.joined", membership_fields, handle_room_joined),
  MESSAGE ("room.left", membership_fields, handle_room_left),
  MESSAGE ("signal", signal_fields, handle_signal),
};

static void
handle_message (ParlaRealtime *self,
                GBytes        *message)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *type;
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  node = parla_json_parse (data, length, &error);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_debug ("Realtime %p: ignoring a message that is not a JSON object", self);
      return;
    }

  object = json_node_get_object (node);
  type = parla_json_get_string (object, "type", NULL);
  if (type == NULL)
    {
      g_debug ("Realtime %p: ignoring a message without type", self);
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (message_types); i++)
    {
      if (!g_str_equal (type, message_types[i].type))
        continue;

      if (!parla_json_check_object (object, message_types[i].fields, message_types[i].n_fields,
                                    PARLA_JSON_RESOURCE, &error))
        {
          g_debug ("Realtime %p: ignoring a malformed “%s”: %s", self, type, error->message);
          return;
        }

      message_types[i].handler (self, node, object);
      return;
    }

  /* Session events and whatever comes later. */
  g_signal_emit (self, signals[EVENT], g_quark_try_string (type), type, node);
}

static void
on_ws_message_cb (SoupWebsocketConnection *conn,
                  int                      type,
                  GBytes                  *message,
                  ParlaRealtime           *self)
{
  self->last_input = g_get_monotonic_time ();

  if (type != SOUP_WEBSOCKET_DATA_TEXT)
    {
      g_debug ("Realtime %p: ignoring a binary message", self);
      return;
    }

  /* Handlers may drop the last reference. */
  g_object_ref (self);
  handle_message (self, message);
  g_object_unref (self);
}

static void
take_connection (ParlaRealtime           *self,
                 SoupWebsocketConnection *conn)
{
  self->conn = conn;
  g_signal_connect (conn, "message", G_CALLBACK (on_ws_message_cb), self);
  g_signal_connect (conn, "closed", G_CALLBACK (on_ws_closed_cb), self);
  g_signal_connect (conn, "pong", G_CALLBACK (on_ws_pong_cb), self);
  g_signal_connect (conn, "error", G_CALLBACK (on_ws_error_cb), self);

  /* Until the welcome tells the server's interval. */
  self->ping_seconds = DEFAULT_PING_SECONDS;
  soup_websocket_connection_set_keepalive_interval (conn, self->ping_seconds);
  self->last_input = g_get_monotonic_time ();
  self->rate = DEFAULT_RATE * 0.8;
  self->burst = DEFAULT_BURST / 2;
  self->tokens = self->burst;
  self->refilled_at = g_get_monotonic_time ();

  g_clear_pointer (&self->watchdog_source, destroy_source);
  self->watchdog_source = add_timeout (self, 1000, on_watchdog_timeout_cb);

  if (soup_websocket_connection_get_state (conn) != SOUP_WEBSOCKET_STATE_OPEN)
    on_ws_closed_cb (conn, self);
}

static void
on_ws_connected_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  SoupWebsocketConnection *conn;
  ParlaRealtime *self;

  conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_REALTIME (user_data);
  msg = g_steal_pointer (&self->connect_msg);
  g_clear_object (&self->connect_cancellable);

  if (conn == NULL)
    {
      guint status = msg ? soup_message_get_status (msg) : 0;

      g_debug ("Realtime %p: cannot connect (HTTP %u): %s", self, status, error->message);
      if (status == SOUP_STATUS_UNAUTHORIZED)
        go_unauthorized (self);
      else
        schedule_reconnect (self);
      return;
    }

  take_connection (self, conn);
}

static void
connect_now (ParlaRealtime *self)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  g_autofree char *authorization = NULL;

  g_clear_pointer (&self->reconnect_source, destroy_source);

  if (!self->running || self->conn != NULL || self->connect_cancellable != NULL)
    return;

  if (!token_is_usable (self->token))
    {
      go_unauthorized (self);
      return;
    }

  if (self->state != PARLA_REALTIME_RECONNECTING)
    set_state (self, PARLA_REALTIME_CONNECTING);

  url = g_strconcat (self->base_url, "api/v1/ws", NULL);
  msg = soup_message_new ("GET", url);
  if (msg == NULL)
    {
      g_critical ("Not a usable base URL: %s", self->base_url);
      return;
    }

  authorization = g_strconcat ("Bearer ", self->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);

  g_free (self->conn_token);
  self->conn_token = g_strdup (self->token);
  self->connect_msg = g_object_ref (msg);
  self->connect_cancellable = g_cancellable_new ();

  soup_session_websocket_connect_async (self->session, msg, NULL, NULL, G_PRIORITY_DEFAULT,
                                        self->connect_cancellable, on_ws_connected_cb, self);
}

static void
on_monitor_network_changed_cb (GNetworkMonitor *monitor,
                               gboolean         available,
                               ParlaRealtime   *self)
{
  /* Back online: no point in waiting out the backoff. */
  if (available && self->running && self->reconnect_source != NULL)
    {
      g_debug ("Realtime %p: the network is back", self);
      self->attempt = 0;
      connect_now (self);
    }
}

/* GObject */

static void
parla_realtime_constructed (GObject *object)
{
  ParlaRealtime *self = (ParlaRealtime *) object;

  G_OBJECT_CLASS (parla_realtime_parent_class)->constructed (object);

  g_assert (self->base_url != NULL);
  if (!g_str_has_suffix (self->base_url, "/"))
    {
      char *url = g_strconcat (self->base_url, "/", NULL);

      g_free (self->base_url);
      self->base_url = url;
    }
}

static void
parla_realtime_dispose (GObject *object)
{
  ParlaRealtime *self = (ParlaRealtime *) object;

  self->running = FALSE;
  cancel_connect (self);
  drop_connection (self, FALSE, 0);
  g_clear_pointer (&self->reconnect_source, destroy_source);
  if (self->closing != NULL)
    {
      for (guint i = 0; i < self->closing->len; i++)
        g_signal_handlers_disconnect_by_data (g_ptr_array_index (self->closing, i), self);
      g_ptr_array_set_size (self->closing, 0);
    }
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      self->monitor = NULL;
    }
  g_clear_object (&self->session);

  G_OBJECT_CLASS (parla_realtime_parent_class)->dispose (object);
}

static void
parla_realtime_finalize (GObject *object)
{
  ParlaRealtime *self = (ParlaRealtime *) object;

  /* Each queued task holds a reference on us. */
  g_assert (g_queue_is_empty (&self->chats));

  g_free (self->base_url);
  g_free (self->token);
  g_free (self->conn_token);
  g_free (self->user_id);
  g_free (self->presence);
  g_clear_pointer (&self->closing, g_ptr_array_unref);
  g_clear_pointer (&self->rooms, g_hash_table_unref);
  g_clear_pointer (&self->ops, g_hash_table_unref);
  g_clear_pointer (&self->watched, g_hash_table_unref);
  g_clear_pointer (&self->statuses, g_hash_table_unref);
  g_queue_clear_full (&self->outq, g_free);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (parla_realtime_parent_class)->finalize (object);
}

static void
parla_realtime_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ParlaRealtime *self = PARLA_REALTIME (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_USER_ID:
      g_value_set_string (value, self->user_id);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_realtime_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ParlaRealtime *self = PARLA_REALTIME (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      self->base_url = g_value_dup_string (value);
      break;

    case PROP_TOKEN:
      parla_realtime_set_token (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_realtime_class_init (ParlaRealtimeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->constructed = parla_realtime_constructed;
  object_class->dispose = parla_realtime_dispose;
  object_class->finalize = parla_realtime_finalize;
  object_class->get_property = parla_realtime_get_property;
  object_class->set_property = parla_realtime_set_property;

  /**
   * ParlaRealtime:base-url:
   *
   * The server's base URL, such as `https://parla.example/`.
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaRealtime:token:
   *
   * The bearer token. Setting a new one leaves the unauthorized state.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       PARLA_TYPE_REALTIME_STATE, PARLA_REALTIME_DISCONNECTED,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaRealtime:user-id:
   *
   * The signed-in user, from the last `welcome`.
   */
  properties[PROP_USER_ID] =
    g_param_spec_string ("user-id", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaRealtime::chat-message:
   * @room: the room
   * @seq: the message's seq in the room, above every one emitted before
   * @message: the `message` object of `chat.message`
   *
   * Emitted once for each message of a joined room, in order.
   */
  signals[CHAT_MESSAGE] =
    g_signal_new ("chat-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_INT64,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaRealtime::receipt:
   * @room: the room
   * @user_id: whose receipt moved
   * @delivered_seq: they received everything up to this seq
   * @read_seq: they read everything up to this seq
   */
  signals[RECEIPT] =
    g_signal_new ("receipt", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 4,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_INT64,
                  G_TYPE_INT64);

  /**
   * ParlaRealtime::presence:
   * @user_id: the user
   * @status: `online`, `away`, `in_call`, `available` or `offline`
   *
   * The presence of a contact, someone in a room with the user, or a
   * watched teacher (parla_realtime_watch_presence()). Each connection
   * starts with the current status of those online: after a reconnect,
   * expect them again. parla_realtime_get_presence() already returns
   * @status when this is emitted.
   */
  signals[PRESENCE] =
    g_signal_new ("presence", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaRealtime::room-members:
   * @room: the room just joined
   * @members: the array of `{user_id, display_name}` already there
   */
  signals[ROOM_MEMBERS] =
    g_signal_new ("room-members", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaRealtime::room-joined:
   * @room: the room
   * @user_id: who came
   * @display_name: (nullable): their name
   */
  signals[ROOM_JOINED] =
    g_signal_new ("room-joined", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaRealtime::room-left:
   * @room: the room
   * @user_id: who left; the signed-in user when the server took them out
   * @display_name: (nullable): their name
   */
  signals[ROOM_LEFT] =
    g_signal_new ("room-left", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaRealtime::signal:
   * @room: the call room, `call:<id>`
   * @from: the sender
   * @payload: what they sent
   *
   * Call signaling from another participant.
   */
  signals[SIGNAL] =
    g_signal_new ("signal", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaRealtime::event:
   * @type: the message type, such as `booking.created`
   * @message: the whole message
   *
   * Session events, and any other message this class does not handle
   * itself, such as the `ack` of a message sent with parla_realtime_send().
   * The detail is the type: `event::booking.created`.
   */
  signals[EVENT] =
    g_signal_new ("event", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaRealtime::error:
   * @id: (nullable): the id of the request it answers
   * @error: the server's error as a #PARLA_ERROR
   *
   * An `error` from the server that no task reports: refused joins,
   * receipts, presence, rate limiting, requests sent with
   * parla_realtime_send().
   */
  signals[ERROR] =
    g_signal_new ("error", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
parla_realtime_init (ParlaRealtime *self)
{
  self->context = g_main_context_ref_thread_default ();
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) room_free);
  self->ops = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) pending_op_free);
  self->watched = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->statuses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->closing = g_ptr_array_new_with_free_func (g_object_unref);
  self->session = soup_session_new_with_options ("timeout", HANDSHAKE_TIMEOUT_S, NULL);
  self->ping_seconds = DEFAULT_PING_SECONDS;
  self->rate = DEFAULT_RATE;
  self->burst = DEFAULT_BURST;
  g_queue_init (&self->chats);
  g_queue_init (&self->outq);

  self->monitor = g_network_monitor_get_default ();
  g_signal_connect (self->monitor, "network-changed", G_CALLBACK (on_monitor_network_changed_cb), self);
}

/* ParlaChatAck */

ParlaChatAck *
parla_chat_ack_ref (ParlaChatAck *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
parla_chat_ack_unref (ParlaChatAck *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_free (self->room);
      g_free (self->client_id);
      g_free (self->message_id);
      g_free (self);
    }
}

/**
 * parla_chat_ack_to_json:
 *
 * Returns: (transfer full): `{room, client_id, seq, message_id, sent_at,
 *   duplicate}`
 */
JsonNode *
parla_chat_ack_to_json (ParlaChatAck *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "room", self->room);
  parla_json_add_string (builder, "client_id", self->client_id);
  parla_json_add_int (builder, "seq", self->seq);
  parla_json_add_string (builder, "message_id", self->message_id);
  if (self->sent_at != 0)
    parla_json_add_instant (builder, "sent_at", self->sent_at);
  else
    parla_json_add_string (builder, "sent_at", NULL);
  parla_json_add_bool (builder, "duplicate", self->duplicate);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Public API */

/**
 * parla_realtime_new:
 * @base_url: the server's base URL (`https://parla.example/`)
 * @token: (nullable): the bearer token
 *
 * Creates the connection object. Nothing happens until
 * parla_realtime_start(). The object belongs to the thread-default main
 * context of the caller; use it from there only.
 *
 * Returns: (transfer full): a new #ParlaRealtime
 */
ParlaRealtime *
parla_realtime_new (const char *base_url,
                    const char *token)
{
  g_return_val_if_fail (base_url != NULL, NULL);

  return g_object_new (PARLA_TYPE_REALTIME,
                       "base-url", base_url,
                       "token", token,
                       NULL);
}

const char *
parla_realtime_get_base_url (ParlaRealtime *self)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), NULL);

  return self->base_url;
}

/**
 * parla_realtime_dup_token:
 *
 * Returns: (transfer full) (nullable): the bearer token
 */
char *
parla_realtime_dup_token (ParlaRealtime *self)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), NULL);

  return g_strdup (self->token);
}

/**
 * parla_realtime_set_token:
 * @token: (nullable): the new bearer token
 *
 * The open connection, if any, goes on with the token it was opened with;
 * the next one uses @token. A started object waiting in the unauthorized
 * state connects at once.
 */
void
parla_realtime_set_token (ParlaRealtime *self,
                          const char    *token)
{
  g_return_if_fail (PARLA_IS_REALTIME (self));

  if (g_strcmp0 (self->token, token) == 0)
    return;

  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);

  if (self->running && self->state == PARLA_REALTIME_UNAUTHORIZED && token_is_usable (self->token))
    {
      self->attempt = 0;
      set_state (self, PARLA_REALTIME_CONNECTING);
      connect_now (self);
    }
}

ParlaRealtimeState
parla_realtime_get_state (ParlaRealtime *self)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), PARLA_REALTIME_DISCONNECTED);

  return self->state;
}

/**
 * parla_realtime_dup_user_id:
 *
 * Returns: (transfer full) (nullable): the user of the last `welcome`
 */
char *
parla_realtime_dup_user_id (ParlaRealtime *self)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), NULL);

  return g_strdup (self->user_id);
}

/**
 * parla_realtime_start:
 *
 * Connects, and keeps connecting until parla_realtime_stop().
 */
void
parla_realtime_start (ParlaRealtime *self)
{
  g_return_if_fail (PARLA_IS_REALTIME (self));

  if (self->running)
    return;

  self->running = TRUE;
  self->attempt = 0;
  set_state (self, PARLA_REALTIME_CONNECTING);
  connect_now (self);
}

/**
 * parla_realtime_stop:
 *
 * Closes the connection. Rooms stay remembered (with their last seq) for
 * the next parla_realtime_start(); chat messages still waiting fail with
 * %PARLA_ERROR_NETWORK.
 */
void
parla_realtime_stop (ParlaRealtime *self)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (PARLA_IS_REALTIME (self));

  if (!self->running)
    return;

  self->running = FALSE;
  cancel_connect (self);
  g_clear_pointer (&self->reconnect_source, destroy_source);
  drop_connection (self, TRUE, SOUP_WEBSOCKET_CLOSE_NORMAL);

  g_object_ref (self);
  set_state (self, PARLA_REALTIME_DISCONNECTED);
  error = parla_error_new (PARLA_ERROR_NETWORK, NULL, "The realtime connection was stopped");
  fail_chats (self, NULL, error);
  g_object_unref (self);
}

/**
 * parla_realtime_join_room:
 * @room: `session:<id>`, `booking:<id>` or `call:<id>`
 * @after_seq: the last seq the caller already has (from history over
 *   REST, say): messages after it are replayed first; -1 for only what is
 *   sent from now on
 *
 * Enters @room now or once connected, and again after every reconnect,
 * resuming after the last seq seen (a room joined with -1 in which nothing
 * was seen resumes from its start). Does nothing for a room already joined.
 */
void
parla_realtime_join_room (ParlaRealtime *self,
                          const char    *room,
                          gint64         after_seq)
{
  Room *entry;

  g_return_if_fail (PARLA_IS_REALTIME (self));
  g_return_if_fail (room != NULL && *room != '\0');

  if (g_hash_table_contains (self->rooms, room))
    return;

  entry = g_new0 (Room, 1);
  entry->name = g_strdup (room);
  entry->after_seq = MAX (after_seq, -1);
  entry->last_seq = MAX (after_seq, 0);
  g_hash_table_insert (self->rooms, entry->name, entry);

  if (is_connected (self))
    enter_room (self, entry);
}

/**
 * parla_realtime_leave_room:
 *
 * Leaves @room and forgets it. Chat messages for it that were not
 * acknowledged fail with %PARLA_ERROR_INVALID_STATE.
 */
void
parla_realtime_leave_room (ParlaRealtime *self,
                           const char    *room)
{
  g_autoptr(GError) error = NULL;
  Room *entry;

  g_return_if_fail (PARLA_IS_REALTIME (self));
  g_return_if_fail (room != NULL);

  entry = g_hash_table_lookup (self->rooms, room);
  if (entry == NULL)
    return;

  if (is_connected (self) && (entry->joined || entry->joining))
    {
      JsonBuilder *builder = begin_request (self, "leave", OP_LEAVE, NULL);

      parla_json_add_string (builder, "room", room);
      end_request (self, builder);
    }

  error = parla_error_new (PARLA_ERROR_INVALID_STATE, "room", "The room was left");
  forget_room (self, room, error);
}

/**
 * parla_realtime_has_joined:
 *
 * Returns: %TRUE when @room was entered on the current connection
 */
gboolean
parla_realtime_has_joined (ParlaRealtime *self,
                           const char    *room)
{
  Room *entry;

  g_return_val_if_fail (PARLA_IS_REALTIME (self), FALSE);
  g_return_val_if_fail (room != NULL, FALSE);

  entry = g_hash_table_lookup (self->rooms, room);
  return entry != NULL && entry->joined && is_connected (self);
}

/**
 * parla_realtime_get_last_seq:
 *
 * Returns: the highest seq emitted for @room (or given to
 *   parla_realtime_join_room()), 0 when none
 */
gint64
parla_realtime_get_last_seq (ParlaRealtime *self,
                             const char    *room)
{
  Room *entry;

  g_return_val_if_fail (PARLA_IS_REALTIME (self), 0);
  g_return_val_if_fail (room != NULL, 0);

  entry = g_hash_table_lookup (self->rooms, room);
  return entry ? entry->last_seq : 0;
}

/**
 * parla_realtime_dup_rooms:
 *
 * Returns: (transfer full): the rooms joined, in no order
 */
char **
parla_realtime_dup_rooms (ParlaRealtime *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  const char *name;

  g_return_val_if_fail (PARLA_IS_REALTIME (self), NULL);

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, (gpointer *) &name, NULL))
    g_strv_builder_add (builder, name);

  return g_strv_builder_end (builder);
}

/**
 * parla_realtime_send_chat_async:
 * @room: the room; joined first if it is not
 * @client_id: the message's id, 1 to 64 characters, unique for the sender
 *   in the room (not starting with `rt-`); sending it again is harmless
 * @text: 1 to 4000 characters
 * @to: (nullable): a member of the room, for a private message
 * @language: (nullable): the language of @text, such as `es`
 * @cancellable: (nullable): a #GCancellable
 *
 * Sends a chat message and finishes with the server's acknowledgement.
 * While there is no connection (or the room is being entered) the message
 * waits, and after a lost connection it is sent again with the same id,
 * until it is acknowledged, refused, cancelled, or the object is stopped
 * (%PARLA_ERROR_NETWORK) or unauthorized (%PARLA_ERROR_UNAUTHORIZED).
 */
void
parla_realtime_send_chat_async (ParlaRealtime       *self,
                                const char          *room,
                                const char          *client_id,
                                const char          *text,
                                const char          *to,
                                const char          *language,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  ChatSend *chat;

  g_return_if_fail (PARLA_IS_REALTIME (self));
  g_return_if_fail (room != NULL && *room != '\0');
  g_return_if_fail (client_id != NULL && *client_id != '\0');
  g_return_if_fail (text != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_realtime_send_chat_async);

  chat = g_new0 (ChatSend, 1);
  chat->room = g_strdup (room);
  chat->client_id = g_strdup (client_id);
  chat->text = g_strdup (text);
  chat->to = g_strdup (to);
  chat->language = g_strdup (language);
  g_task_set_task_data (task, chat, (GDestroyNotify) chat_send_free);

  if (g_task_return_error_if_cancelled (task))
    {
      chat->done = TRUE;
      return;
    }

  if (!self->running)
    {
      chat->done = TRUE;
      g_task_return_new_error (task, PARLA_ERROR, PARLA_ERROR_NETWORK, "The realtime connection is not started");
      return;
    }

  if (!g_hash_table_contains (self->rooms, room))
    parla_realtime_join_room (self, room, -1);

  if (cancellable != NULL)
    {
      chat->cancellable = g_object_ref (cancellable);
      chat->cancel_id = g_cancellable_connect (cancellable, G_CALLBACK (on_chat_cancelled_cb), task, NULL);
    }

  g_queue_push_tail (&self->chats, g_steal_pointer (&task));
  flush_chats (self);
}

/**
 * parla_realtime_send_chat_finish:
 *
 * Returns: (transfer full): the acknowledgement, or %NULL with @error set
 */
ParlaChatAck *
parla_realtime_send_chat_finish (ParlaRealtime  *self,
                                 GAsyncResult   *result,
                                 GError        **error)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == parla_realtime_send_chat_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

static void
mark (ParlaRealtime *self,
      const char    *room,
      gint64         seq,
      gboolean       read)
{
  Room *entry;

  g_return_if_fail (PARLA_IS_REALTIME (self));
  g_return_if_fail (room != NULL);
  g_return_if_fail (seq >= 0);

  entry = g_hash_table_lookup (self->rooms, room);
  if (entry == NULL)
    {
      g_debug ("Realtime %p: a receipt for %s, which is not joined", self, room);
      return;
    }

  entry->want_delivered = MAX (entry->want_delivered, seq);
  if (read)
    entry->want_read = MAX (entry->want_read, seq);
  flush_receipts (self, entry);
}

/**
 * parla_realtime_mark_delivered:
 *
 * Tells the others in @room that the user received everything up to
 * @seq. Receipts only move forward; they are sent once the room is
 * joined, and again after a reconnect when they may have been lost.
 */
void
parla_realtime_mark_delivered (ParlaRealtime *self,
                               const char    *room,
                               gint64         seq)
{
  mark (self, room, seq, FALSE);
}

/**
 * parla_realtime_mark_read:
 *
 * Like parla_realtime_mark_delivered(), for reading (which implies
 * receiving).
 */
void
parla_realtime_mark_read (ParlaRealtime *self,
                          const char    *room,
                          gint64         seq)
{
  mark (self, room, seq, TRUE);
}

/**
 * parla_realtime_set_presence:
 * @status: `online`, `away`, `in_call` or `available`
 *
 * Sets the user's status now, if connected, and after every reconnect.
 *
 * Returns: %FALSE with %PARLA_ERROR_INVALID_INPUT for another @status
 */
gboolean
parla_realtime_set_presence (ParlaRealtime  *self,
                             const char     *status,
                             GError        **error)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), FALSE);
  g_return_val_if_fail (status != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (parla_enum_from_string (presence_names, status) < 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "status", "Not a presence status: %s", status);
      return FALSE;
    }

  g_free (self->presence);
  self->presence = g_str_equal (status, "online") ? NULL : g_strdup (status);
  if (self->presence == NULL && is_connected (self))
    {
      /* Back to the default: say so once. */
      JsonBuilder *builder = begin_request (self, "presence.set", OP_PRESENCE, NULL);

      parla_json_add_string (builder, "status", "online");
      end_request (self, builder);
      return TRUE;
    }

  send_presence (self);
  return TRUE;
}

/**
 * parla_realtime_watch_presence:
 * @user_ids: (array zero-terminated=1): the users to watch, each a
 *   non-empty string of at most 64 characters
 *
 * Watches the presence of @user_ids, now if connected and again after
 * every reconnect, until parla_realtime_unwatch_presence(): ::presence is
 * emitted with the current status of each one who is online, then for
 * each change. Only teachers (and the user's contacts) are ever heard
 * of; other ids are kept, count towards the limit, and stay silent. Ids
 * already watched are no change.
 *
 * At most 500 ids are watched at a time.
 *
 * Returns: %FALSE with %PARLA_ERROR_INVALID_INPUT (and nothing watched)
 *   when an id is not usable (field `user_ids[<index>]`) or the watched
 *   ids would be more than 500 (field `user_ids`)
 */
gboolean
parla_realtime_watch_presence (ParlaRealtime       *self,
                               const char * const  *user_ids,
                               GError             **error)
{
  g_autoptr(GHashTable) added = NULL;
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) fresh = NULL;

  g_return_val_if_fail (PARLA_IS_REALTIME (self), FALSE);
  g_return_val_if_fail (user_ids != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  added = g_hash_table_new (g_str_hash, g_str_equal);
  builder = g_strv_builder_new ();
  for (guint i = 0; user_ids[i] != NULL; i++)
    {
      const char *user_id = user_ids[i];
      g_autofree char *field = NULL;

      if (*user_id == '\0' || !g_utf8_validate (user_id, -1, NULL) ||
          g_utf8_strlen (user_id, -1) > MAX_USER_ID_LENGTH)
        {
          field = g_strdup_printf ("user_ids[%u]", i);
          parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field, "Not a user id: %s", user_id);
          return FALSE;
        }

      if (g_hash_table_contains (self->watched, user_id) || !g_hash_table_add (added, (gpointer) user_id))
        continue;

      g_strv_builder_add (builder, user_id);
    }

  if (g_hash_table_size (self->watched) + g_hash_table_size (added) > MAX_WATCHED)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "user_ids",
                       "At most %d user ids can be watched", MAX_WATCHED);
      return FALSE;
    }

  fresh = g_strv_builder_end (builder);
  for (guint i = 0; fresh[i] != NULL; i++)
    g_hash_table_add (self->watched, g_strdup (fresh[i]));

  if (is_connected (self))
    send_watch (self, OP_WATCH, fresh);

  return TRUE;
}

/**
 * parla_realtime_unwatch_presence:
 * @user_ids: (array zero-terminated=1): the users to stop watching
 *
 * Stops watching @user_ids and forgets their status; ids not watched are
 * ignored. Contacts (the other side of a booking) are heard of anyway.
 */
void
parla_realtime_unwatch_presence (ParlaRealtime      *self,
                                 const char * const *user_ids)
{
  g_autoptr(GStrvBuilder) builder = NULL;
  g_auto(GStrv) gone = NULL;

  g_return_if_fail (PARLA_IS_REALTIME (self));
  g_return_if_fail (user_ids != NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; user_ids[i] != NULL; i++)
    {
      if (!g_hash_table_remove (self->watched, user_ids[i]))
        continue;

      g_hash_table_remove (self->statuses, user_ids[i]);
      g_strv_builder_add (builder, user_ids[i]);
    }

  gone = g_strv_builder_end (builder);
  if (is_connected (self))
    send_watch (self, OP_UNWATCH, gone);
}

/**
 * parla_realtime_is_watching:
 *
 * Returns: %TRUE when @user_id is watched (parla_realtime_watch_presence())
 */
gboolean
parla_realtime_is_watching (ParlaRealtime *self,
                            const char    *user_id)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), FALSE);
  g_return_val_if_fail (user_id != NULL, FALSE);

  return g_hash_table_contains (self->watched, user_id);
}

/**
 * parla_realtime_get_presence:
 * @user_id: a user
 *
 * The status of @user_id as this connection knows it: the last ::presence
 * heard of them (watched, a contact, in a room with the user), or
 * `offline` for a watched id the server acknowledged without one.
 * Statuses are forgotten when the connection is lost (the next one says
 * them again) and when an id is unwatched.
 *
 * Returns: (nullable): `online`, `away`, `in_call`, `available`,
 *   `offline`, or %NULL when unknown
 */
const char *
parla_realtime_get_presence (ParlaRealtime *self,
                             const char    *user_id)
{
  g_return_val_if_fail (PARLA_IS_REALTIME (self), NULL);
  g_return_val_if_fail (user_id != NULL, NULL);

  return g_hash_table_lookup (self->statuses, user_id);
}

/**
 * parla_realtime_send_signal:
 * @room: the call room, `call:<id>`
 * @to: the participant it is for
 * @payload: an object (an SDP description, an ICE candidate, …)
 *
 * Sends call signaling. Signaling is only worth something now, so
 * nothing waits for a connection.
 *
 * Returns: %FALSE with %PARLA_ERROR_NETWORK when not connected
 */
gboolean
parla_realtime_send_signal (ParlaRealtime  *self,
                            const char     *room,
                            const char     *to,
                            JsonNode       *payload,
                            GError        **error)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (PARLA_IS_REALTIME (self), FALSE);
  g_return_val_if_fail (room != NULL, FALSE);
  g_return_val_if_fail (to != NULL, FALSE);
  g_return_val_if_fail (payload != NULL && JSON_NODE_HOLDS_OBJECT (payload), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!is_connected (self))
    {
      parla_set_error (error, PARLA_ERROR_NETWORK, NULL, "Not connected");
      return FALSE;
    }

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "signal");
  parla_json_add_string (builder, "room", room);
  parla_json_add_string (builder, "to", to);
  parla_json_add_node (builder, "payload", payload);
  json_builder_end_object (builder);
  send_builder (self, builder);

  return TRUE;
}

/**
 * parla_realtime_send:
 * @message: a JSON object with a `type`
 *
 * Sends any other client message as it is. If it carries an `id`, its
 * answer comes as ::event (`ack`) or ::error.
 *
 * Returns: %FALSE with %PARLA_ERROR_NETWORK when not connected
 */
gboolean
parla_realtime_send (ParlaRealtime  *self,
                     JsonNode       *message,
                     GError        **error)
{
  JsonObject *object;

  g_return_val_if_fail (PARLA_IS_REALTIME (self), FALSE);
  g_return_val_if_fail (message != NULL && JSON_NODE_HOLDS_OBJECT (message), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  object = json_node_get_object (message);
  if (parla_json_get_string (object, "type", NULL) == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "type", "A message needs a type");
      return FALSE;
    }

  if (!is_connected (self))
    {
      parla_set_error (error, PARLA_ERROR_NETWORK, NULL, "Not connected");
      return FALSE;
    }

  g_queue_push_tail (&self->outq, json_to_string (message, FALSE));
  drain (self);

  return TRUE;
}
