/* parla-hub.c: the WebSocket hub: connections, users, rooms, presence,
 * chat and session events
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on the server's main context and never blocks:
 * membership checks, chat writes, history pages, token checks and the
 * session scan run on the server's workers (_parla_server_run_async) and
 * come back here. Every frame for a room, a user, everyone or someone's
 * watchers goes out through the backplane (parla-hub-backplane.h) and
 * comes back through deliver(), where its recipients are resolved from
 * this node's own connections.
 *
 * Ordering. The operations that write to a room (chat.send, chat.read,
 * chat.delivered) are queued per room and run one at a time, so a room's
 * messages are delivered in the order of their sequence numbers. A
 * subscription (one connection in one room) starts pending: while the
 * membership check or a resume's replay runs, live messages for it are
 * buffered, and on completion the replay, then the buffer are sent, each
 * message at most once (a subscription remembers the last seq it sent).
 * Joins are handled one at a time on this context, so of two members
 * joining, exactly one finds the other already present.
 *
 * Presence. A user's presence goes to their contacts (the other side of
 * their bookings, computed by a worker at connect time, kept per user in
 * HubUser.watching and hub->watchers) and to the people in a room with
 * them. Besides, any connection may watch teachers (presence.watch): the
 * connection's watched ids are kept in HubConn.watching, and for each
 * watched id the set of connections watching it in hub->conn_watchers.
 * Whether a subject may be seen this way is decided at delivery and
 * needs no database: a teacher's presence is public, and the presence of
 * a user who is not connected is "offline", so only a connected user's
 * role (HubUser.role, from their identity) matters. A watched id that
 * is not a teacher's, or no one's, thus never yields anything, and one
 * that is not connected yet is answered when it connects as a teacher.
 *
 * Sending never changes the hub's state: a connection that must close
 * while a frame is being delivered is closed from an idle callback.
 *
 * Sockets. libsoup answers the handshake; then the socket is taken from
 * it and runs as a ParlaWsConn on the hub's one ParlaWsLoop (one epoll
 * set, one GSource, one timer: parla-ws-conn.c). A frame for many
 * recipients is built once (deliver()) and the same bytes are queued on
 * each of them.
 *
 * Calls. A call room ("call:<id>") is a room like the others, with one
 * more message: "signal", relayed from one member to another without
 * touching the database (who is in the room is known here). Who was in a
 * call when is written as users come and go: each first join and last
 * leave of a user is queued in the attendance journal, and one worker at
 * a time drains it in order (see attendance_work()), so the main context
 * only takes a lock to queue.
 */

#include "config.h"

#include <string.h>

#include "parla-chat.h"
#include "parla-hub.h"
#include "parla-instant-calls.h"
#include "parla-ws-conn.h"

#define MAX_ROOMS_PER_CONNECTION 64
#define MAX_PENDING_FRAMES       1024
#define MAX_BACKLOG_BYTES        (4 * 1024 * 1024)
#define REPLAY_PAGE              200
#define FLOOD_WINDOW_US          (10 * G_USEC_PER_SEC)
#define FLOOD_MIN_DROPS          200
#define TOKEN_BATCH              200
#define TOKEN_TOUCH_SECONDS      60
#define NOTICE_LEAD_SECONDS      600   /* session.starting: 10 minutes before */
#define NOTICE_GRACE_SECONDS     900   /* nothing is announced later than this */
#define MAX_SESSION_SECONDS      (24 * 3600)
#define SWEEP_INTERVAL_MS        1000
#define MAX_WATCHES_PER_CONNECTION 500
#define MAX_USER_ID_CHARS        64

#define CLOSE_POLICY   SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION   /* 1008 */
#define CLOSE_TOO_BIG  SOUP_WEBSOCKET_CLOSE_TOO_BIG            /* 1009 */
#define CLOSE_AWAY     SOUP_WEBSOCKET_CLOSE_GOING_AWAY         /* 1001 */

static const char * const presence_names[] = { "online", "away", "in_call", "available", NULL };

typedef struct _HubUser HubUser;
typedef struct _HubConn HubConn;
typedef struct _HubRoom HubRoom;
typedef struct _HubSub  HubSub;

struct _HubUser
{
  char        *id;
  char        *display_name;
  ParlaRole    role;
  const char  *status;        /* one of presence_names */
  GPtrArray   *conns;         /* HubConn, borrowed */
  GHashTable  *watching;      /* user ids whose presence this user sees */
};

struct _HubConn
{
  int                      ref_count;

  /* borrowed */
  ParlaHub                *hub;
  HubUser                 *user;      /* NULL once dropped */

  /* owned */
  ParlaWsConn             *ws;
  char                    *user_id;
  char                    *token_hash;
  GHashTable              *subs;      /* room name -> HubSub */
  GHashTable              *watching;  /* (nullable) presence.watch: set of user ids, the keys of hub->conn_watchers */

  double                   tokens;
  gint64                   refilled_at;
  guint                    drops;
  gint64                   drops_since;

  gboolean                 close_pending;
  gushort                  close_code;
  char                    *close_reason;
  gboolean                 dropped;
};

struct _HubSub
{
  /* borrowed: the connection owns its subscriptions, the room lists them */
  HubConn     *conn;
  HubRoom     *room;

  guint64      serial;
  gboolean     active;       /* the membership check passed */
  gboolean     catching_up;  /* a resume's replay is running */
  gint64       last_seq;     /* the last chat seq sent to it */
  GQueue       buffer;       /* PendingFrame, while pending or catching up */
  char        *signal_head;  /* call rooms: the start of this connection's signals, once made */
};

typedef struct
{
  gint64        seq;
  ParlaWsFrame *wire;
} PendingFrame;

struct _HubRoom
{
  char        *name;
  const char  *call_id;      /* call rooms: the id in name, else NULL */
  char        *parent;       /* call rooms: their session's or lesson's room, once a join found it */
  GHashTable  *subs;         /* HubSub set */
  GHashTable  *present;      /* user id -> number of active subscriptions */
  GQueue       ops;          /* RoomOp waiting for the one running */
  gboolean     busy;
};

struct _ParlaHub
{
  GObject              parent_instance;

  /* borrowed */
  ParlaServer         *server;

  /* owned */
  ParlaHubBackplane   *backplane;
  ParlaWsLoop         *loop;
  GMainContext        *context;
  GCancellable        *cancellable;
  GHashTable          *conns;      /* HubConn -> (owned ref) */
  GHashTable          *users;      /* id -> HubUser */
  GHashTable          *rooms;      /* name -> HubRoom */
  GHashTable          *watchers;   /* user id -> set of the user ids watching them */
  GHashTable          *conn_watchers;  /* user id -> set of the HubConn watching them (presence.watch) */
  GSource             *sweep_source;
  GSource             *token_source;
  GSource             *scan_source;

  /* settings */
  guint64              max_message_bytes;
  double               rate;
  double               burst;
  guint                flood_drops;
  guint                max_connections;
  guint                ping_seconds;
  gint64               idle_us;
  gint64               token_idle_seconds;

  guint64              next_serial;
  gboolean             token_check_running;
  gboolean             scan_running;
  gboolean             shut_down;

  /* signals: reused for every one */
  JsonGenerator       *generator;
  GString             *signal_text;

  /* the attendance journal, shared with the worker draining it */
  GMutex               attendance_mutex;
  GQueue               attendance;       /* Attendance, oldest first */
  gboolean             attendance_running;

  /* who is "available" for instant calls since when, shared with the
   * workers (parla_hub_dup_available()) */
  GMutex               available_mutex;
  GHashTable          *available;        /* user id -> gint64 * */
};

G_DEFINE_FINAL_TYPE (ParlaHub, parla_hub, G_TYPE_OBJECT)

static void conn_drop        (HubConn     *conn,
                              gushort      code,
                              const char  *reason);
static void publish          (ParlaHub            *self,
                              const ParlaHubFrame *frame);
static void room_kick        (ParlaHub    *self,
                              HubRoom     *room);

/* Frames */

static char *
builder_text (JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);

  return parla_json_to_string (root);
}

static void
add_member (JsonBuilder *builder,
            const char  *user_id,
            const char  *display_name)
{
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "user_id", user_id);
  parla_json_add_string (builder, "display_name", display_name);
  json_builder_end_object (builder);
}

static char *
event_text (const char *type,
            JsonNode   *body)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", type);
  if (body != NULL)
    {
      JsonObjectIter iter;
      const char *name;
      JsonNode *value;

      json_object_iter_init (&iter, json_node_get_object (body));
      while (json_object_iter_next (&iter, &name, &value))
        {
          if (g_str_equal (name, "type"))
            continue;
          json_builder_set_member_name (builder, name);
          json_builder_add_value (builder, json_node_copy (value));
        }
    }
  json_builder_end_object (builder);

  return builder_text (builder);
}

/* {"type":"chat.message","room","seq","message":{...}} from a stored item */
static char *
chat_text (JsonNode *item)
{
  return event_text ("chat.message", item);
}

static char *
presence_text (const char *user_id,
               const char *status)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "presence");
  parla_json_add_string (builder, "user_id", user_id);
  parla_json_add_string (builder, "status", status);
  json_builder_end_object (builder);

  return builder_text (builder);
}

static char *
membership_text (const char *type,
                 const char *room,
                 HubUser    *user)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", type);
  parla_json_add_string (builder, "room", room);
  json_builder_set_member_name (builder, "member");
  add_member (builder, user->id, user->display_name);
  json_builder_end_object (builder);

  return builder_text (builder);
}

/* Connections */

static HubConn *
conn_ref (HubConn *conn)
{
  conn->ref_count++;
  return conn;
}

static void
conn_unref (HubConn *conn)
{
  if (--conn->ref_count > 0)
    return;

  g_assert (conn->user == NULL);
  g_assert (conn->watching == NULL);
  if (conn->ws != NULL)
    parla_ws_conn_disconnect_funcs (conn->ws);
  g_clear_pointer (&conn->ws, parla_ws_conn_unref);
  g_clear_pointer (&conn->subs, g_hash_table_unref);
  g_free (conn->user_id);
  g_free (conn->token_hash);
  g_free (conn->close_reason);
  g_free (conn);
}

static gboolean
conn_is_open (HubConn *conn)
{
  return !conn->dropped && conn->ws != NULL &&
         parla_ws_conn_get_state (conn->ws) == PARLA_WS_OPEN;
}

static gboolean
on_close_later_cb (gpointer data)
{
  HubConn *conn = data;

  conn_drop (conn, conn->close_code, conn->close_reason);
  return G_SOURCE_REMOVE;
}

/* Closes @conn from an idle callback: safe while frames are delivered. */
static void
conn_close_later (HubConn    *conn,
                  gushort     code,
                  const char *reason)
{
  GSource *source;

  if (conn->dropped || conn->close_pending)
    return;

  conn->close_pending = TRUE;
  conn->close_code = code;
  conn->close_reason = g_strdup (reason);

  source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, on_close_later_cb, conn_ref (conn), (GDestroyNotify) conn_unref);
  g_source_attach (source, conn->hub->context);
  g_source_unref (source);
}

/* Queues @wire, a frame made once for all its recipients. */
static void
conn_send_frame (HubConn      *conn,
                 ParlaWsFrame *wire)
{
  if (!conn_is_open (conn) || conn->close_pending)
    return;

  /* A reader that does not keep up must not make the server buffer
   * without bound. */
  if (parla_ws_conn_get_queued_bytes (conn->ws) > MAX_BACKLOG_BYTES)
    {
      conn_close_later (conn, CLOSE_POLICY, "Too far behind");
      return;
    }

  parla_ws_conn_send_frame (conn->ws, wire);
}

static void
conn_send_text (HubConn    *conn,
                const char *text)
{
  g_autoptr(ParlaWsFrame) wire = NULL;

  if (!conn_is_open (conn) || conn->close_pending)
    return;

  wire = parla_ws_frame_new_text (text, -1);
  conn_send_frame (conn, wire);
}

static void
conn_send_error (HubConn    *conn,
                 const char *id,
                 ParlaError  code,
                 const char *field,
                 const char *message)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "error");
  parla_json_add_string (builder, "id", id);
  parla_json_add_string (builder, "code", parla_error_code_to_string (code));
  parla_json_add_string (builder, "message", message ? message : parla_error_code_default_message (code));
  if (field != NULL)
    parla_json_add_string (builder, "field", field);
  json_builder_end_object (builder);

  text = builder_text (builder);
  conn_send_text (conn, text);
}

static void
conn_send_gerror (HubConn      *conn,
                  const char   *id,
                  const GError *error)
{
  if (error->domain == PARLA_ERROR && error->code != PARLA_ERROR_INTERNAL)
    conn_send_error (conn, id, error->code, parla_error_get_field (error), error->message);
  else
    {
      g_warning ("Realtime operation failed: %s", error->message);
      conn_send_error (conn, id, PARLA_ERROR_INTERNAL, NULL, NULL);
    }
}

/* {"type":"ack","id",...}; @room and @seq when they apply (seq < 0: none) */
static void
conn_send_ack (HubConn    *conn,
               const char *id,
               const char *room,
               gint64      seq,
               JsonNode   *item,
               gboolean    duplicate)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  if (id == NULL)
    return;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "ack");
  parla_json_add_string (builder, "id", id);
  if (room != NULL)
    parla_json_add_string (builder, "room", room);
  if (seq >= 0)
    parla_json_add_int (builder, "seq", seq);
  if (item != NULL)
    {
      JsonObject *message = json_object_get_object_member (json_node_get_object (item), "message");

      parla_json_add_string (builder, "message_id", json_object_get_string_member (message, "id"));
      parla_json_add_string (builder, "sent_at", json_object_get_string_member (message, "sent_at"));
      parla_json_add_bool (builder, "duplicate", duplicate);
    }
  json_builder_end_object (builder);

  text = builder_text (builder);
  conn_send_text (conn, text);
}

/* Users and presence */

/* Who is available for instant calls, for the workers that match them
 * (parla-instant-calls.c): from their presence.set until another status
 * or their last connection going. */
static void
set_available (ParlaHub   *self,
               const char *user_id,
               gboolean    available)
{
  g_mutex_lock (&self->available_mutex);
  if (!available)
    g_hash_table_remove (self->available, user_id);
  else if (!g_hash_table_contains (self->available, user_id))
    {
      gint64 since = parla_server_now (self->server);

      g_hash_table_insert (self->available, g_strdup (user_id), g_memdup2 (&since, sizeof since));
    }
  g_mutex_unlock (&self->available_mutex);
}

static void
user_free (HubUser *user)
{
  g_free (user->id);
  g_free (user->display_name);
  g_ptr_array_unref (user->conns);
  g_hash_table_unref (user->watching);
  g_free (user);
}

static void
watch (ParlaHub   *self,
       HubUser    *watcher,
       const char *subject)
{
  GHashTable *set;

  if (g_str_equal (watcher->id, subject) || g_hash_table_contains (watcher->watching, subject))
    return;

  g_hash_table_add (watcher->watching, g_strdup (subject));
  set = g_hash_table_lookup (self->watchers, subject);
  if (set == NULL)
    {
      set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->watchers, g_strdup (subject), set);
    }
  g_hash_table_add (set, g_strdup (watcher->id));
}

static void
unwatch_all (ParlaHub *self,
             HubUser  *watcher)
{
  GHashTableIter iter;
  gpointer subject;

  g_hash_table_iter_init (&iter, watcher->watching);
  while (g_hash_table_iter_next (&iter, &subject, NULL))
    {
      GHashTable *set = g_hash_table_lookup (self->watchers, subject);

      if (set == NULL)
        continue;
      g_hash_table_remove (set, watcher->id);
      if (g_hash_table_size (set) == 0)
        g_hash_table_remove (self->watchers, subject);
    }
  g_hash_table_remove_all (watcher->watching);
}

/* presence.watch: @conn sees @subject's presence while @subject is a
 * teacher. The id is stored once, as the key of hub->conn_watchers. */
static void
conn_watch (ParlaHub   *self,
            HubConn    *conn,
            const char *subject)
{
  GHashTable *set;
  char *key;

  if (conn->watching != NULL && g_hash_table_contains (conn->watching, subject))
    return;

  if (!g_hash_table_lookup_extended (self->conn_watchers, subject, (gpointer *) &key, (gpointer *) &set))
    {
      key = g_strdup (subject);
      set = g_hash_table_new (NULL, NULL);
      g_hash_table_insert (self->conn_watchers, key, set);
    }
  g_hash_table_add (set, conn);

  if (conn->watching == NULL)
    conn->watching = g_hash_table_new (g_str_hash, g_str_equal);
  g_hash_table_add (conn->watching, key);
}

static void
conn_unwatch (ParlaHub   *self,
              HubConn    *conn,
              const char *subject)
{
  GHashTable *set = g_hash_table_lookup (self->conn_watchers, subject);

  if (conn->watching == NULL || !g_hash_table_remove (conn->watching, subject))
    return;

  g_hash_table_remove (set, conn);
  if (g_hash_table_size (set) == 0)
    g_hash_table_remove (self->conn_watchers, subject);
  if (g_hash_table_size (conn->watching) == 0)
    g_clear_pointer (&conn->watching, g_hash_table_unref);
}

static void
conn_unwatch_all (ParlaHub *self,
                  HubConn  *conn)
{
  GHashTableIter iter;
  gpointer subject;

  if (conn->watching == NULL)
    return;

  g_hash_table_iter_init (&iter, conn->watching);
  while (g_hash_table_iter_next (&iter, &subject, NULL))
    {
      GHashTable *set = g_hash_table_lookup (self->conn_watchers, subject);

      g_hash_table_iter_remove (&iter);
      g_hash_table_remove (set, conn);
      if (g_hash_table_size (set) == 0)
        g_hash_table_remove (self->conn_watchers, subject);
    }
  g_clear_pointer (&conn->watching, g_hash_table_unref);
}

/* Whether @conn may see @user_id's presence by watching it: a teacher's,
 * or a contact's. Known only while @user_id is connected, which is also
 * the only time there is more to say than "offline". */
static HubUser *
get_watchable (ParlaHub   *self,
               HubConn    *conn,
               const char *user_id)
{
  HubUser *subject = g_hash_table_lookup (self->users, user_id);

  if (subject == NULL)
    return NULL;
  if (subject->role == PARLA_ROLE_TEACHER || g_hash_table_contains (conn->user->watching, user_id))
    return subject;

  return NULL;
}

static const char *
status_of (ParlaHub   *self,
           const char *user_id)
{
  HubUser *user = g_hash_table_lookup (self->users, user_id);

  return user != NULL ? user->status : "offline";
}

static void
send_presence_of (HubConn    *conn,
                  const char *user_id)
{
  g_autofree char *text = presence_text (user_id, status_of (conn->hub, user_id));

  conn_send_text (conn, text);
}

static void
publish_presence (ParlaHub   *self,
                  const char *user_id,
                  const char *status)
{
  g_autofree char *text = presence_text (user_id, status);
  ParlaHubFrame frame = { PARLA_HUB_TO_WATCHERS, NULL, user_id, NULL, NULL, 0, text };

  publish (self, &frame);
}

/* Attendance of calls: the journal */

typedef struct
{
  char     *call_id;
  char     *user_id;
  gint64    at;
  gboolean  joined;      /* else left */
} Attendance;

static void
attendance_free (Attendance *attendance)
{
  g_free (attendance->call_id);
  g_free (attendance->user_id);
  g_free (attendance);
}

/* A stay begins: its row, and the call has started (again). */
static gboolean
attendance_apply_join (ParlaDb     *db,
                       Attendance  *attendance,
                       GError     **error)
{
  g_autofree char *id = parla_db_new_id ();

  /* A stay left open by a server that stopped without ending it ends
   * when its user comes back, at the latest. */
  return parla_db_exec (db, error,
                        "UPDATE call_attendance SET left_at = $3 "
                        "WHERE call_id = $1 AND user_id = $2 AND left_at IS NULL",
                        PARLA_DB_TEXT, attendance->call_id,
                        PARLA_DB_TEXT, attendance->user_id,
                        PARLA_DB_INT, attendance->at,
                        PARLA_DB_END) >= 0 &&
         parla_db_exec (db, error,
                        "INSERT INTO call_attendance (id, call_id, user_id, joined_at) VALUES ($1, $2, $3, $4)",
                        PARLA_DB_TEXT, id,
                        PARLA_DB_TEXT, attendance->call_id,
                        PARLA_DB_TEXT, attendance->user_id,
                        PARLA_DB_INT, attendance->at,
                        PARLA_DB_END) >= 0 &&
         parla_db_exec (db, error,
                        "UPDATE calls SET started_at = COALESCE(started_at, $2), ended_at = NULL WHERE id = $1",
                        PARLA_DB_TEXT, attendance->call_id,
                        PARLA_DB_INT, attendance->at,
                        PARLA_DB_END) >= 0;
}

/* A stay ends; with the last one, the call. */
static gboolean
attendance_apply_leave (ParlaDb     *db,
                        Attendance  *attendance,
                        GError     **error)
{
  return parla_db_exec (db, error,
                        "UPDATE call_attendance SET left_at = $3 "
                        "WHERE call_id = $1 AND user_id = $2 AND left_at IS NULL",
                        PARLA_DB_TEXT, attendance->call_id,
                        PARLA_DB_TEXT, attendance->user_id,
                        PARLA_DB_INT, attendance->at,
                        PARLA_DB_END) >= 0 &&
         parla_db_exec (db, error,
                        "UPDATE calls SET ended_at = $2 WHERE id = $1 AND NOT EXISTS "
                        "(SELECT 1 FROM call_attendance WHERE call_id = $1 AND left_at IS NULL)",
                        PARLA_DB_TEXT, attendance->call_id,
                        PARLA_DB_INT, attendance->at,
                        PARLA_DB_END) >= 0;
}

/* On a worker: writes what the journal holds, in order, one transaction
 * per round, until it finds the journal empty. Only then does it let the
 * main context start another drain, so the journal is written in the
 * order it was queued, also at shutdown (the server waits for its
 * workers). A batch the database refuses is logged and dropped. */
static gpointer
attendance_work (ParlaDb   *db,
                 gint64     now,
                 gpointer   data,
                 GError   **error)
{
  ParlaHub *self = data;

  for (;;)
    {
      g_autoptr(GError) local_error = NULL;
      GQueue batch;

      g_mutex_lock (&self->attendance_mutex);
      batch = self->attendance;
      g_queue_init (&self->attendance);
      if (g_queue_is_empty (&batch))
        self->attendance_running = FALSE;
      g_mutex_unlock (&self->attendance_mutex);

      if (g_queue_is_empty (&batch))
        return self;

      if (parla_db_begin_write (db, &local_error))
        {
          for (GList *l = batch.head; l != NULL && local_error == NULL; l = l->next)
            {
              Attendance *attendance = l->data;
              gboolean instant = FALSE;

              /* An instant call keeps its own record (parla-instant-calls.c). */
              if (!parla_instant_call_record_stay (db, attendance->call_id, attendance->user_id,
                                                   attendance->at, attendance->joined, &instant,
                                                   &local_error) || instant)
                continue;
              if (attendance->joined)
                attendance_apply_join (db, attendance, &local_error);
              else
                attendance_apply_leave (db, attendance, &local_error);
            }

          if (local_error == NULL)
            parla_db_commit (db, &local_error);
          else
            parla_db_rollback (db);
        }

      if (local_error != NULL)
        g_warning ("Cannot record who was in calls (%u changes lost): %s",
                   g_queue_get_length (&batch), local_error->message);
      g_queue_clear_full (&batch, (GDestroyNotify) attendance_free);
    }
}

static void
on_attendance_done_cb (GObject      *source,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ParlaHub *self = user_data;
  g_autoptr(GError) error = NULL;

  if (_parla_server_run_finish (PARLA_SERVER (source), result, &error) != NULL)
    return;

  /* The work never ran (no database connection, or the server stopping):
   * what is queued waits for the next change. */
  g_mutex_lock (&self->attendance_mutex);
  self->attendance_running = FALSE;
  g_mutex_unlock (&self->attendance_mutex);

  if (!self->shut_down)
    g_warning ("Cannot record who was in calls: %s", error->message);
}

/* @user_id came into (or left) the call of @room: their first connection
 * in it was let in, or their last one left. */
static void
attendance_record (ParlaHub   *self,
                   HubRoom    *room,
                   const char *user_id,
                   gboolean    joined)
{
  Attendance *attendance;
  gboolean start;

  if (room->call_id == NULL)
    return;

  attendance = g_new0 (Attendance, 1);
  attendance->call_id = g_strdup (room->call_id);
  attendance->user_id = g_strdup (user_id);
  attendance->at = parla_server_now (self->server);
  attendance->joined = joined;

  g_mutex_lock (&self->attendance_mutex);
  g_queue_push_tail (&self->attendance, attendance);
  start = !self->attendance_running;
  self->attendance_running = TRUE;
  g_mutex_unlock (&self->attendance_mutex);

  /* Not cancellable: what is queued is written even while shutting down. */
  if (start)
    _parla_server_run_async (self->server, attendance_work, g_object_ref (self), g_object_unref, NULL,
                             NULL, on_attendance_done_cb, self);
}

/* Rooms and subscriptions */

static void
pending_frame_free (PendingFrame *pending)
{
  parla_ws_frame_unref (pending->wire);
  g_free (pending);
}

static HubRoom *
room_get (ParlaHub   *self,
          const char *name)
{
  HubRoom *room = g_hash_table_lookup (self->rooms, name);

  if (room != NULL)
    return room;

  room = g_new0 (HubRoom, 1);
  room->name = g_strdup (name);
  if (g_str_has_prefix (room->name, "call:"))
    room->call_id = room->name + strlen ("call:");
  room->subs = g_hash_table_new (NULL, NULL);
  room->present = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_queue_init (&room->ops);
  g_hash_table_insert (self->rooms, room->name, room);

  parla_hub_backplane_subscribe (self->backplane, name);
  return room;
}

static void
room_free (HubRoom *room)
{
  g_assert (g_queue_is_empty (&room->ops));

  g_hash_table_unref (room->subs);
  g_hash_table_unref (room->present);
  g_free (room->parent);
  g_free (room->name);
  g_free (room);
}

static void
room_maybe_free (ParlaHub *self,
                 HubRoom  *room)
{
  if (g_hash_table_size (room->subs) > 0 || room->busy || !g_queue_is_empty (&room->ops))
    return;

  parla_hub_backplane_unsubscribe (self->backplane, room->name);
  g_hash_table_remove (self->rooms, room->name);
}

static HubSub *
sub_new (HubConn    *conn,
         const char *name)
{
  ParlaHub *self = conn->hub;
  HubSub *sub = g_new0 (HubSub, 1);

  sub->conn = conn;
  sub->room = room_get (self, name);
  sub->serial = ++self->next_serial;
  g_queue_init (&sub->buffer);

  g_hash_table_add (sub->room->subs, sub);
  g_hash_table_insert (conn->subs, sub->room->name, sub);

  return sub;
}

static void
sub_send_chat (HubSub       *sub,
               gint64        seq,
               ParlaWsFrame *wire)
{
  if (seq <= sub->last_seq)
    return;

  sub->last_seq = seq;
  conn_send_frame (sub->conn, wire);
}

/* A chat frame for @sub: sent now, or kept until its replay is done. */
static void
sub_deliver_chat (HubSub       *sub,
                  gint64        seq,
                  ParlaWsFrame *wire)
{
  PendingFrame *pending;

  if (sub->active && !sub->catching_up)
    {
      sub_send_chat (sub, seq, wire);
      return;
    }

  if (g_queue_get_length (&sub->buffer) >= MAX_PENDING_FRAMES)
    {
      conn_close_later (sub->conn, CLOSE_POLICY, "Too far behind");
      return;
    }

  pending = g_new0 (PendingFrame, 1);
  pending->seq = seq;
  pending->wire = parla_ws_frame_ref (wire);
  g_queue_push_tail (&sub->buffer, pending);
}

static void
sub_flush (HubSub *sub)
{
  PendingFrame *pending;

  sub->catching_up = FALSE;
  while ((pending = g_queue_pop_head (&sub->buffer)) != NULL)
    {
      sub_send_chat (sub, pending->seq, pending->wire);
      pending_frame_free (pending);
    }
}

static guint
present_count (HubRoom    *room,
               const char *user_id)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (room->present, user_id));
}

/* The membership check passed: the joiner learns who is already there,
 * the others that it came (once per user, not per connection). */
static void
sub_activate (HubSub *sub)
{
  ParlaHub *self = sub->conn->hub;
  HubRoom *room = sub->room;
  HubUser *user = sub->conn->user;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *members = NULL;
  GHashTableIter iter;
  gpointer user_id;
  guint count;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "room.members");
  parla_json_add_string (builder, "room", room->name);
  json_builder_set_member_name (builder, "members");
  json_builder_begin_array (builder);
  g_hash_table_iter_init (&iter, room->present);
  while (g_hash_table_iter_next (&iter, &user_id, NULL))
    {
      HubUser *other = g_hash_table_lookup (self->users, user_id);

      if (other != NULL && other != user)
        add_member (builder, other->id, other->display_name);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  members = builder_text (builder);
  conn_send_text (sub->conn, members);

  sub->active = TRUE;
  count = present_count (room, user->id);
  g_hash_table_insert (room->present, g_strdup (user->id), GUINT_TO_POINTER (count + 1));

  if (count == 0)
    {
      g_autofree char *text = membership_text ("room.joined", room->name, user);
      ParlaHubFrame frame = { PARLA_HUB_TO_ROOM, room->name, NULL, NULL, user->id, 0, text };

      publish (self, &frame);
      attendance_record (self, room, user->id, TRUE);
    }
}

static void
sub_remove (HubSub *sub)
{
  ParlaHub *self = sub->conn->hub;
  HubRoom *room = sub->room;
  HubUser *user = sub->conn->user;

  g_hash_table_remove (room->subs, sub);
  g_hash_table_steal (sub->conn->subs, room->name);
  g_queue_clear_full (&sub->buffer, (GDestroyNotify) pending_frame_free);
  g_clear_pointer (&sub->signal_head, g_free);

  if (sub->active && user != NULL)
    {
      guint count = present_count (room, user->id);

      if (count <= 1)
        {
          g_autofree char *text = membership_text ("room.left", room->name, user);
          ParlaHubFrame frame = { PARLA_HUB_TO_ROOM, room->name, NULL, NULL, user->id, 0, text };

          g_hash_table_remove (room->present, user->id);
          publish (self, &frame);
          attendance_record (self, room, user->id, FALSE);
        }
      else
        g_hash_table_insert (room->present, g_strdup (user->id), GUINT_TO_POINTER (count - 1));
    }

  g_free (sub);
  room_maybe_free (self, room);
}

/* Dropping a connection */

static void
conn_drop (HubConn    *conn,
           gushort     code,
           const char *reason)
{
  ParlaHub *self = conn->hub;
  HubUser *user = conn->user;

  if (conn->dropped)
    return;
  conn->dropped = TRUE;
  conn_ref (conn);

  if (user != NULL)
    {
      gboolean last = user->conns->len == 1;
      g_autoptr(GPtrArray) subs = g_ptr_array_new ();
      GHashTableIter iter;
      gpointer value;

      g_hash_table_iter_init (&iter, conn->subs);
      while (g_hash_table_iter_next (&iter, NULL, &value))
        g_ptr_array_add (subs, value);

      /* While its rooms are still known, so that their members hear it. */
      if (last && !self->shut_down)
        publish_presence (self, user->id, "offline");

      for (guint i = 0; i < subs->len; i++)
        sub_remove (g_ptr_array_index (subs, i));

      g_ptr_array_remove (user->conns, conn);
      conn_unwatch_all (self, conn);
      conn->user = NULL;
      if (last)
        {
          set_available (self, user->id, FALSE);
          unwatch_all (self, user);
          g_hash_table_remove (self->users, user->id);
        }
    }

  if (code != 0 && conn->ws != NULL)
    parla_ws_conn_close (conn->ws, code, reason);

  conn_unref (conn);
}

static void
on_ws_closed_cb (ParlaWsConn *ws,
                 gpointer     user_data)
{
  HubConn *conn = user_data;
  ParlaHub *self = conn->hub;

  conn_drop (conn, 0, NULL);
  parla_ws_conn_disconnect_funcs (ws);
  g_hash_table_remove (self->conns, conn);
}

static gboolean
on_too_big_cb (gpointer data)
{
  HubConn *conn = data;

  conn_drop (conn, CLOSE_TOO_BIG, "Message too big");
  return G_SOURCE_REMOVE;
}

/* From inside a read: close once the read returned. */
static void
on_ws_too_big_cb (ParlaWsConn *ws,
                  gpointer     user_data)
{
  HubConn *conn = user_data;
  GSource *source = g_idle_source_new ();

  g_source_set_priority (source, G_PRIORITY_HIGH);
  g_source_set_callback (source, on_too_big_cb, conn_ref (conn), (GDestroyNotify) conn_unref);
  g_source_attach (source, conn->hub->context);
  g_source_unref (source);
}

/* Delivery: recipients are this node's connections */

static void
send_to_user (ParlaHub     *self,
              const char   *user_id,
              ParlaWsFrame *wire)
{
  HubUser *user = g_hash_table_lookup (self->users, user_id);

  for (guint i = 0; user != NULL && i < user->conns->len; i++)
    conn_send_frame (g_ptr_array_index (user->conns, i), wire);
}

static void
deliver_room (ParlaHub            *self,
              const ParlaHubFrame *frame,
              ParlaWsFrame        *wire)
{
  HubRoom *room = g_hash_table_lookup (self->rooms, frame->room);
  GHashTableIter iter;
  gpointer key;

  if (room == NULL)
    return;

  g_hash_table_iter_init (&iter, room->subs);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      HubSub *sub = key;
      const char *user_id = sub->conn->user_id;

      if (frame->except_user != NULL && g_str_equal (frame->except_user, user_id))
        continue;
      if (frame->user_ids != NULL && !g_strv_contains (frame->user_ids, user_id))
        continue;

      if (frame->seq > 0)
        sub_deliver_chat (sub, frame->seq, wire);
      else if (sub->active)
        conn_send_frame (sub->conn, wire);
    }
}

/* A user's presence goes to the user, to whoever watches them (the other
 * side of their bookings), and to everyone in a room with them; a
 * teacher's also to the connections watching them (presence.watch).
 * Whether the subject is a teacher is known from this node's users,
 * which is enough with the local backplane; one spanning nodes will have
 * to carry it in the frame. */
static void
deliver_watchers (ParlaHub            *self,
                  const ParlaHubFrame *frame,
                  ParlaWsFrame        *wire)
{
  g_autoptr(GHashTable) targets = g_hash_table_new (g_str_hash, g_str_equal);
  HubUser *subject = g_hash_table_lookup (self->users, frame->subject);
  GHashTable *watchers = g_hash_table_lookup (self->watchers, frame->subject);
  GHashTable *conn_watchers = NULL;
  GHashTableIter iter;
  gpointer key;

  g_hash_table_add (targets, (gpointer) frame->subject);
  if (watchers != NULL)
    {
      g_hash_table_iter_init (&iter, watchers);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        g_hash_table_add (targets, key);
    }

  for (guint i = 0; subject != NULL && i < subject->conns->len; i++)
    {
      HubConn *conn = g_ptr_array_index (subject->conns, i);
      GHashTableIter subs;
      gpointer value;

      g_hash_table_iter_init (&subs, conn->subs);
      while (g_hash_table_iter_next (&subs, NULL, &value))
        {
          HubSub *sub = value;

          if (!sub->active)
            continue;
          g_hash_table_iter_init (&iter, sub->room->present);
          while (g_hash_table_iter_next (&iter, &key, NULL))
            g_hash_table_add (targets, key);
        }
    }

  g_hash_table_iter_init (&iter, targets);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    send_to_user (self, key, wire);

  /* Once per connection: not to those whose user already got it. */
  if (subject != NULL && subject->role == PARLA_ROLE_TEACHER)
    conn_watchers = g_hash_table_lookup (self->conn_watchers, frame->subject);
  if (conn_watchers != NULL)
    {
      g_hash_table_iter_init (&iter, conn_watchers);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          HubConn *conn = key;

          if (!g_hash_table_contains (targets, conn->user_id))
            conn_send_frame (conn, wire);
        }
    }
}

static void
deliver (const ParlaHubFrame *frame,
         gpointer             user_data)
{
  ParlaHub *self = user_data;
  g_autoptr(ParlaWsFrame) wire = NULL;
  GHashTableIter iter;
  gpointer key;

  if (self->shut_down)
    return;

  /* The bytes on the wire, the same for every recipient. */
  if (frame->target != PARLA_HUB_REVOKE)
    wire = parla_ws_frame_new_text (frame->text, -1);

  switch (frame->target)
    {
    case PARLA_HUB_TO_ROOM:
      deliver_room (self, frame, wire);
      break;

    case PARLA_HUB_TO_USERS:
      for (guint i = 0; frame->user_ids != NULL && frame->user_ids[i] != NULL; i++)
        send_to_user (self, frame->user_ids[i], wire);
      break;

    case PARLA_HUB_TO_ALL:
      g_hash_table_iter_init (&iter, self->conns);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        conn_send_frame (key, wire);
      break;

    case PARLA_HUB_TO_WATCHERS:
      deliver_watchers (self, frame, wire);
      break;

    case PARLA_HUB_REVOKE:
      g_hash_table_iter_init (&iter, self->conns);
      while (g_hash_table_iter_next (&iter, &key, NULL))
        {
          HubConn *conn = key;

          if (g_strcmp0 (conn->token_hash, frame->subject) == 0)
            conn_close_later (conn, CLOSE_POLICY, "Signed out");
        }
      break;

    default:
      g_assert_not_reached ();
    }
}

static void
publish (ParlaHub            *self,
         const ParlaHubFrame *frame)
{
  parla_hub_backplane_publish (self->backplane, frame);
}

/* Joining and resuming: a membership check, and for resume the replay,
 * on a worker */

typedef struct
{
  ParlaHub *hub;          /* owned ref */
  HubConn  *conn;         /* owned ref */
  char     *room;
  char     *user_id;
  char     *request_id;
  guint64   serial;
  gint64    after_seq;    /* -1: a join, nothing to replay */

  GPtrArray *items;
  gboolean   more;
  char      *parent;      /* a call room's session or lesson room */
} JoinOp;

static void
join_op_free (JoinOp *op)
{
  g_clear_pointer (&op->items, g_ptr_array_unref);
  g_free (op->parent);
  conn_unref (op->conn);
  g_object_unref (op->hub);
  g_free (op->room);
  g_free (op->user_id);
  g_free (op->request_id);
  g_free (op);
}

static gpointer
join_work (ParlaDb   *db,
           gint64     now,
           gpointer   data,
           GError   **error)
{
  JoinOp *op = data;
  gboolean member = FALSE;

  if (!parla_db_begin_read (db, error))
    return NULL;

  if (!parla_room_check_member (db, op->room, op->user_id, &member, error))
    goto fail;

  if (!member)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, "room", "You are not a participant of %s", op->room);
      goto fail;
    }

  if (!parla_room_dup_parent (db, op->room, &op->parent, error))
    goto fail;

  if (op->after_seq >= 0)
    {
      op->items = parla_chat_list (db, op->room, op->user_id, op->after_seq, 0, REPLAY_PAGE, &op->more, error);
      if (op->items == NULL)
        goto fail;
    }

  parla_db_rollback (db);
  return op;

fail:
  parla_db_rollback (db);
  return NULL;
}

static void join_run (ParlaHub *self,
                      JoinOp   *op);

static void
on_join_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  JoinOp *op = user_data;
  ParlaHub *self = op->hub;
  HubConn *conn = op->conn;
  g_autoptr(GError) error = NULL;
  HubSub *sub;

  _parla_server_run_finish (PARLA_SERVER (source), result, &error);

  if (self->shut_down || conn->dropped)
    return;

  sub = g_hash_table_lookup (conn->subs, op->room);
  if (sub == NULL || sub->serial != op->serial)
    return;

  if (error != NULL)
    {
      sub_remove (sub);
      conn_send_gerror (conn, op->request_id, error);
      return;
    }

  if (sub->room->parent == NULL)
    sub->room->parent = g_steal_pointer (&op->parent);
  if (!sub->active)
    sub_activate (sub);

  if (op->items != NULL)
    {
      for (guint i = 0; i < op->items->len; i++)
        {
          JsonNode *item = g_ptr_array_index (op->items, i);
          g_autofree char *text = chat_text (item);
          g_autoptr(ParlaWsFrame) wire = parla_ws_frame_new_text (text, -1);

          sub_send_chat (sub, json_object_get_int_member (json_node_get_object (item), "seq"), wire);
        }

      if (op->more && op->items->len > 0)
        {
          JoinOp *next = g_new0 (JoinOp, 1);

          next->hub = g_object_ref (self);
          next->conn = conn_ref (conn);
          next->room = g_strdup (op->room);
          next->user_id = g_strdup (op->user_id);
          next->request_id = g_strdup (op->request_id);
          next->serial = op->serial;
          next->after_seq = sub->last_seq;
          join_run (self, next);
          return;
        }
    }

  sub_flush (sub);
  conn_send_ack (conn, op->request_id, op->room, op->after_seq >= 0 ? sub->last_seq : -1, NULL, FALSE);
}

static void
join_run (ParlaHub *self,
          JoinOp   *op)
{
  _parla_server_run_async (self->server, join_work, op, (GDestroyNotify) join_op_free, NULL,
                           self->cancellable, on_join_done_cb, op);
}

static void
join_start (ParlaHub   *self,
            HubConn    *conn,
            HubSub     *sub,
            const char *request_id,
            gint64      after_seq)
{
  JoinOp *op = g_new0 (JoinOp, 1);

  op->hub = g_object_ref (self);
  op->conn = conn_ref (conn);
  op->room = g_strdup (sub->room->name);
  op->user_id = g_strdup (conn->user_id);
  op->request_id = g_strdup (request_id);
  op->serial = sub->serial;
  op->after_seq = after_seq;

  join_run (self, op);
}

/* Writing to a room: one operation at a time per room */

typedef enum
{
  ROOM_OP_SEND,
  ROOM_OP_MARK,
} RoomOpKind;

typedef struct
{
  ParlaHub   *hub;          /* owned ref */
  HubConn    *conn;         /* owned ref */
  HubRoom    *room;         /* borrowed: stays while busy */
  RoomOpKind  kind;
  char       *room_name;
  char       *user_id;
  char       *request_id;

  /* send */
  char       *text;
  char       *to;
  char       *language;
  /* mark */
  gint64      delivered;
  gint64      read;

  /* results */
  JsonNode   *item;
  gboolean    duplicate;
  gint64      out_delivered;
  gint64      out_read;
  gboolean    changed;
} RoomOp;

static void
room_op_free (RoomOp *op)
{
  g_clear_pointer (&op->item, json_node_unref);
  conn_unref (op->conn);
  g_object_unref (op->hub);
  g_free (op->room_name);
  g_free (op->user_id);
  g_free (op->request_id);
  g_free (op->text);
  g_free (op->to);
  g_free (op->language);
  g_free (op);
}

static gpointer
room_op_work (ParlaDb   *db,
              gint64     now,
              gpointer   data,
              GError   **error)
{
  RoomOp *op = data;
  gboolean member = FALSE;

  if (!parla_db_begin_write (db, error))
    return NULL;

  /* Membership can end while a socket is in the room (a seat cancelled). */
  if (!parla_room_check_member (db, op->room_name, op->user_id, &member, error))
    goto fail;
  if (!member)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, "room", "You are no longer a participant of %s",
                       op->room_name);
      goto fail;
    }

  if (op->kind == ROOM_OP_SEND)
    {
      ParlaChatDraft draft = { op->room_name, op->request_id, op->user_id, op->to, op->text, op->language };

      if (op->to != NULL)
        {
          if (!parla_room_check_member (db, op->room_name, op->to, &member, error))
            goto fail;
          if (!member)
            {
              parla_set_error (error, PARLA_ERROR_FORBIDDEN, "to", "The recipient is not a participant of %s",
                               op->room_name);
              goto fail;
            }
        }

      op->item = parla_chat_store (db, now, &draft, &op->duplicate, error);
      if (op->item == NULL)
        goto fail;
    }
  else
    {
      if (!parla_chat_mark (db, now, op->room_name, op->user_id, op->delivered, op->read,
                            &op->out_delivered, &op->out_read, &op->changed, error))
        goto fail;
    }

  if (!parla_db_commit (db, error))
    return NULL;
  return op;

fail:
  parla_db_rollback (db);
  return NULL;
}

static void
room_op_send_result (ParlaHub *self,
                     RoomOp   *op)
{
  if (op->kind == ROOM_OP_SEND)
    {
      JsonObject *item = json_node_get_object (op->item);
      gint64 seq = json_object_get_int_member (item, "seq");

      conn_send_ack (op->conn, op->request_id, op->room_name, seq, op->item, op->duplicate);

      if (!op->duplicate)
        {
          g_autofree char *text = chat_text (op->item);
          const char *private_to[] = { op->user_id, op->to, NULL };
          ParlaHubFrame frame = { PARLA_HUB_TO_ROOM, op->room_name, NULL,
                                  op->to != NULL ? private_to : NULL, NULL, seq, text };

          publish (self, &frame);
        }
    }
  else
    {
      conn_send_ack (op->conn, op->request_id, op->room_name, -1, NULL, FALSE);

      if (op->changed)
        {
          g_autoptr(JsonBuilder) builder = json_builder_new ();
          g_autofree char *text = NULL;
          ParlaHubFrame frame = { PARLA_HUB_TO_ROOM, op->room_name, NULL, NULL, NULL, 0, NULL };

          json_builder_begin_object (builder);
          parla_json_add_string (builder, "type", "chat.receipt");
          parla_json_add_string (builder, "room", op->room_name);
          parla_json_add_string (builder, "user_id", op->user_id);
          parla_json_add_int (builder, "delivered_seq", op->out_delivered);
          parla_json_add_int (builder, "read_seq", op->out_read);
          json_builder_end_object (builder);
          text = builder_text (builder);
          frame.text = text;

          publish (self, &frame);
        }
    }
}

static void
on_room_op_done_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  RoomOp *op = user_data;
  ParlaHub *self = op->hub;
  g_autoptr(GError) error = NULL;

  _parla_server_run_finish (PARLA_SERVER (source), result, &error);

  if (self->shut_down)
    return;

  op->room->busy = FALSE;

  if (error != NULL)
    conn_send_gerror (op->conn, op->request_id, error);
  else
    room_op_send_result (self, op);

  room_kick (self, op->room);
  room_maybe_free (self, op->room);
}

static void
room_kick (ParlaHub *self,
           HubRoom  *room)
{
  RoomOp *op;

  if (room->busy)
    return;

  op = g_queue_pop_head (&room->ops);
  if (op == NULL)
    return;

  room->busy = TRUE;
  _parla_server_run_async (self->server, room_op_work, op, (GDestroyNotify) room_op_free, NULL,
                           self->cancellable, on_room_op_done_cb, op);
}

static RoomOp *
room_op_new (HubConn    *conn,
             HubSub     *sub,
             RoomOpKind  kind,
             const char *request_id)
{
  RoomOp *op = g_new0 (RoomOp, 1);

  op->hub = g_object_ref (conn->hub);
  op->conn = conn_ref (conn);
  op->room = sub->room;
  op->kind = kind;
  op->room_name = g_strdup (sub->room->name);
  op->user_id = g_strdup (conn->user_id);
  op->request_id = g_strdup (request_id);

  return op;
}

/* Client messages */

typedef void (*MessageHandler) (ParlaHub   *self,
                                HubConn    *conn,
                                JsonObject *object,
                                const char *id);

static const ParlaField envelope_fields[] = {
  { "type", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 64 },
  { "id", PARLA_FIELD_ID, PARLA_FIELD_NULLABLE },
};

static const ParlaField room_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, PARLA_ROOM_MAX_CHARS },
};

static const ParlaField resume_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, PARLA_ROOM_MAX_CHARS },
  { "after_seq", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
};

static const ParlaField send_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, PARLA_ROOM_MAX_CHARS },
  { "text", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, PARLA_CHAT_MAX_TEXT_CHARS },
  { "to", PARLA_FIELD_ID, PARLA_FIELD_NULLABLE },
  { "language", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 2, 35 },
};

static const ParlaField mark_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, PARLA_ROOM_MAX_CHARS },
  { "seq", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
};

static const ParlaField presence_fields[] = {
  { "status", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, presence_names },
};

static const ParlaField watch_fields[] = {
  { "user_ids", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED, 0, MAX_WATCHES_PER_CONNECTION },
};

static const ParlaField signal_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, PARLA_ROOM_MAX_CHARS },
  { "to", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "payload", PARLA_FIELD_OBJECT, PARLA_FIELD_REQUIRED },
};

/* The room of a message, which must be well-formed. */
static const char *
get_room (HubConn    *conn,
          JsonObject *object,
          const char *id)
{
  const char *room = json_object_get_string_member (object, "room");

  if (!parla_room_parse (room, NULL, NULL))
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_INPUT, "room",
                       "“room” must name a room, such as “session:<id>”");
      return NULL;
    }

  return room;
}

/* The connection's subscription to the room of a message, which must be
 * active. */
static HubSub *
get_joined (HubConn    *conn,
            JsonObject *object,
            const char *id)
{
  const char *room = get_room (conn, object, id);
  HubSub *sub;

  if (room == NULL)
    return NULL;

  sub = g_hash_table_lookup (conn->subs, room);
  if (sub == NULL || !sub->active)
    {
      conn_send_error (conn, id, PARLA_ERROR_FORBIDDEN, "room", "Join the room first");
      return NULL;
    }

  return sub;
}

static void
handle_join (ParlaHub   *self,
             HubConn    *conn,
             JsonObject *object,
             const char *id)
{
  const char *room = get_room (conn, object, id);
  HubSub *sub;

  if (room == NULL)
    return;

  sub = g_hash_table_lookup (conn->subs, room);
  if (sub != NULL)
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_STATE, "room",
                       sub->active ? "Already in this room" : "Already joining this room");
      return;
    }

  if (g_hash_table_size (conn->subs) >= MAX_ROOMS_PER_CONNECTION)
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_STATE, "room", "In too many rooms at once");
      return;
    }

  sub = sub_new (conn, room);
  join_start (self, conn, sub, id, -1);
}

static void
handle_resume (ParlaHub   *self,
               HubConn    *conn,
               JsonObject *object,
               const char *id)
{
  const char *room = get_room (conn, object, id);
  gint64 after_seq = json_object_get_int_member (object, "after_seq");
  HubSub *sub;

  if (room == NULL)
    return;

  sub = g_hash_table_lookup (conn->subs, room);
  if (sub != NULL && (!sub->active || sub->catching_up))
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_STATE, "room", "Already joining this room");
      return;
    }

  if (sub == NULL)
    {
      if (g_hash_table_size (conn->subs) >= MAX_ROOMS_PER_CONNECTION)
        {
          conn_send_error (conn, id, PARLA_ERROR_INVALID_STATE, "room", "In too many rooms at once");
          return;
        }
      sub = sub_new (conn, room);
    }

  /* What this connection already got is not sent again. */
  sub->catching_up = TRUE;
  join_start (self, conn, sub, id, MAX (after_seq, sub->last_seq));
}

static void
handle_leave (ParlaHub   *self,
              HubConn    *conn,
              JsonObject *object,
              const char *id)
{
  const char *room = get_room (conn, object, id);
  HubSub *sub;

  if (room == NULL)
    return;

  sub = g_hash_table_lookup (conn->subs, room);
  if (sub == NULL)
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_STATE, "room", "Not in this room");
      return;
    }

  sub_remove (sub);
  conn_send_ack (conn, id, room, -1, NULL, FALSE);
}

static void
handle_chat_send (ParlaHub   *self,
                  HubConn    *conn,
                  JsonObject *object,
                  const char *id)
{
  HubSub *sub = get_joined (conn, object, id);
  const char *to = parla_json_get_string (object, "to", NULL);
  RoomOp *op;

  if (sub == NULL)
    return;

  if (to != NULL && g_str_equal (to, conn->user_id))
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_INPUT, "to", "A private message goes to someone else");
      return;
    }

  op = room_op_new (conn, sub, ROOM_OP_SEND, id);
  op->text = g_strdup (json_object_get_string_member (object, "text"));
  op->to = g_strdup (to);
  op->language = g_strdup (parla_json_get_string (object, "language", NULL));
  g_queue_push_tail (&sub->room->ops, op);
  room_kick (self, sub->room);
}

static void
mark (ParlaHub   *self,
      HubConn    *conn,
      JsonObject *object,
      const char *id,
      gboolean    read)
{
  HubSub *sub = get_joined (conn, object, id);
  gint64 seq = json_object_get_int_member (object, "seq");
  RoomOp *op;

  if (sub == NULL)
    return;

  op = room_op_new (conn, sub, ROOM_OP_MARK, id);
  op->delivered = seq;
  op->read = read ? seq : 0;
  g_queue_push_tail (&sub->room->ops, op);
  room_kick (self, sub->room);
}

static void
handle_chat_read (ParlaHub   *self,
                  HubConn    *conn,
                  JsonObject *object,
                  const char *id)
{
  mark (self, conn, object, id, TRUE);
}

static void
handle_chat_delivered (ParlaHub   *self,
                       HubConn    *conn,
                       JsonObject *object,
                       const char *id)
{
  mark (self, conn, object, id, FALSE);
}

static void
handle_presence_set (ParlaHub   *self,
                     HubConn    *conn,
                     JsonObject *object,
                     const char *id)
{
  HubUser *user = conn->user;
  int status = parla_enum_from_string (presence_names, json_object_get_string_member (object, "status"));

  if (user->status != presence_names[status])
    {
      user->status = presence_names[status];
      set_available (self, user->id, g_str_equal (user->status, "available"));
      publish_presence (self, user->id, user->status);
    }

  conn_send_ack (conn, id, NULL, -1, NULL, FALSE);
}

/* The user ids of a presence.watch or .unwatch, each once, in order;
 * borrowed from @object. NULL after an error. */
static GPtrArray *
get_user_ids (HubConn    *conn,
              JsonObject *object,
              const char *id)
{
  JsonArray *array = json_object_get_array_member (object, "user_ids");
  g_autoptr(GPtrArray) user_ids = g_ptr_array_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      const char *user_id;

      if (!JSON_NODE_HOLDS_VALUE (item) || json_node_get_value_type (item) != G_TYPE_STRING ||
          *(user_id = json_node_get_string (item)) == '\0' || g_utf8_strlen (user_id, -1) > MAX_USER_ID_CHARS)
        {
          g_autofree char *field = g_strdup_printf ("user_ids[%u]", i);

          conn_send_error (conn, id, PARLA_ERROR_INVALID_INPUT, field,
                           "A user id is a non-empty string of at most 64 characters");
          return NULL;
        }

      if (g_hash_table_add (seen, (gpointer) user_id))
        g_ptr_array_add (user_ids, (gpointer) user_id);
    }

  return g_steal_pointer (&user_ids);
}

/* Watches teachers: their presence now (those online), then the ack.
 * Ids of anyone else are kept but never answered, so that the answer
 * does not tell who exists, or who is a learner. */
static void
handle_presence_watch (ParlaHub   *self,
                       HubConn    *conn,
                       JsonObject *object,
                       const char *id)
{
  g_autoptr(GPtrArray) user_ids = get_user_ids (conn, object, id);
  guint total;

  if (user_ids == NULL)
    return;

  total = conn->watching != NULL ? g_hash_table_size (conn->watching) : 0;
  for (guint i = 0; i < user_ids->len; i++)
    if (conn->watching == NULL || !g_hash_table_contains (conn->watching, g_ptr_array_index (user_ids, i)))
      total++;
  if (total > MAX_WATCHES_PER_CONNECTION)
    {
      g_autofree char *text = g_strdup_printf ("A connection watches at most %d users",
                                               MAX_WATCHES_PER_CONNECTION);

      conn_send_error (conn, id, PARLA_ERROR_INVALID_INPUT, "user_ids", text);
      return;
    }

  for (guint i = 0; i < user_ids->len; i++)
    {
      const char *user_id = g_ptr_array_index (user_ids, i);
      HubUser *subject;

      conn_watch (self, conn, user_id);
      subject = get_watchable (self, conn, user_id);
      if (subject != NULL)
        {
          g_autofree char *text = presence_text (subject->id, subject->status);

          conn_send_text (conn, text);
        }
    }

  conn_send_ack (conn, id, NULL, -1, NULL, FALSE);
}

static void
handle_presence_unwatch (ParlaHub   *self,
                         HubConn    *conn,
                         JsonObject *object,
                         const char *id)
{
  g_autoptr(GPtrArray) user_ids = get_user_ids (conn, object, id);

  if (user_ids == NULL)
    return;

  for (guint i = 0; i < user_ids->len; i++)
    conn_unwatch (self, conn, g_ptr_array_index (user_ids, i));

  conn_send_ack (conn, id, NULL, -1, NULL, FALSE);
}

/* {"type":"signal","room":...,"from":...,"payload": the start of every
 * signal this connection sends in this room, made by json-glib once: the
 * envelope with a null payload, without the null and the closing brace. */
static const char *
sub_get_signal_head (HubSub *sub)
{
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *text = NULL;

  if (sub->signal_head != NULL)
    return sub->signal_head;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "signal");
  parla_json_add_string (builder, "room", sub->room->name);
  parla_json_add_string (builder, "from", sub->conn->user_id);
  json_builder_set_member_name (builder, "payload");
  json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  text = builder_text (builder);

  g_assert (g_str_has_suffix (text, ":null}"));
  sub->signal_head = g_strndup (text, strlen (text) - strlen ("null}"));

  return sub->signal_head;
}

/* The hot path of calls: one peer's offer, answer or ICE candidate to
 * another. Nothing here touches the database: who is in the room is
 * known, and membership was checked when each of them joined. The frame
 * is made once, for every connection of the recipient in the room: the
 * sender's envelope start, then the payload as it was parsed. */
static void
handle_signal (ParlaHub   *self,
               HubConn    *conn,
               JsonObject *object,
               const char *id)
{
  const char *room_name = json_object_get_string_member (object, "room");
  const char *to = json_object_get_string_member (object, "to");
  ParlaHubFrame frame = { PARLA_HUB_TO_ROOM, NULL, NULL, NULL, NULL, 0, NULL };
  const char *recipients[] = { to, NULL };
  HubSub *sub;

  if (!g_str_has_prefix (room_name, "call:") || !parla_room_parse (room_name, NULL, NULL))
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_INPUT, "room",
                       "Signals go through a call room, “call:<id>”");
      return;
    }

  sub = g_hash_table_lookup (conn->subs, room_name);
  if (sub == NULL || !sub->active)
    {
      conn_send_error (conn, id, PARLA_ERROR_FORBIDDEN, "room", "Join the room first");
      return;
    }

  if (g_str_equal (to, conn->user_id))
    {
      conn_send_error (conn, id, PARLA_ERROR_INVALID_INPUT, "to", "A signal goes to someone else");
      return;
    }

  if (present_count (sub->room, to) == 0)
    {
      conn_send_error (conn, id, PARLA_ERROR_NOT_FOUND, "to", "The recipient is not in this room");
      return;
    }

  g_string_assign (self->signal_text, sub_get_signal_head (sub));
  json_generator_set_root (self->generator, json_object_get_member (object, "payload"));
  json_generator_to_gstring (self->generator, self->signal_text);
  json_generator_set_root (self->generator, NULL);
  g_string_append_c (self->signal_text, '}');

  frame.room = sub->room->name;
  frame.user_ids = recipients;
  frame.text = self->signal_text->str;
  publish (self, &frame);

  conn_send_ack (conn, id, room_name, -1, NULL, FALSE);
}

#define MESSAGE(type, fields, handler) { type, fields, G_N_ELEMENTS (fields), handler }

static const struct
{
  const char       *type;
  const ParlaField *fields;
  guint             n_fields;
  MessageHandler    handler;
} message_types[] = {
  MESSAGE ("join", room_fields, handle_join),
  MESSAGE ("leave", room_fields, handle_leave),
  MESSAGE ("resume", resume_fields, handle_resume),
  MESSAGE ("chat.send", send_fields, handle_chat_send),
  MESSAGE ("chat.read", mark_fields, handle_chat_read),
  MESSAGE ("chat.delivered", mark_fields, handle_chat_delivered),
  MESSAGE ("presence.set", presence_fields, handle_presence_set),
  MESSAGE ("presence.watch", watch_fields, handle_presence_watch),
  MESSAGE ("presence.unwatch", watch_fields, handle_presence_unwatch),
  MESSAGE ("signal", signal_fields, handle_signal),
};

/* The token bucket of a connection. */
static gboolean
take_token (ParlaHub *self,
            HubConn  *conn)
{
  gint64 now = g_get_monotonic_time ();

  conn->tokens = MIN (self->burst, conn->tokens + (now - conn->refilled_at) * self->rate / G_USEC_PER_SEC);
  conn->refilled_at = now;

  if (conn->tokens >= 1.0)
    {
      conn->tokens -= 1.0;
      return TRUE;
    }

  if (now - conn->drops_since > FLOOD_WINDOW_US)
    {
      conn->drops = 0;
      conn->drops_since = now;
    }

  if (++conn->drops > self->flood_drops)
    conn_close_later (conn, CLOSE_POLICY, "Too many messages");
  else
    conn_send_error (conn, NULL, PARLA_ERROR_RATE_LIMITED, NULL,
                     "Too many messages: this one was dropped");

  return FALSE;
}

static void
handle_message (ParlaHub   *self,
                HubConn    *conn,
                const char *data,
                gsize       length)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *type;
  const char *id = NULL;

  node = parla_json_parse (data, length, &error);
  if (node == NULL)
    {
      conn_send_gerror (conn, NULL, error);
      return;
    }

  if (!JSON_NODE_HOLDS_OBJECT (node))
    {
      conn_send_error (conn, NULL, PARLA_ERROR_INVALID_INPUT, NULL, "A message must be a JSON object");
      return;
    }

  object = json_node_get_object (node);
  if (!parla_json_check_object (object, envelope_fields, G_N_ELEMENTS (envelope_fields),
                                PARLA_JSON_INPUT, &error))
    {
      JsonNode *id_node = json_object_get_member (object, "id");

      /* Echo the id when it is one, so the client can match the error. */
      if (id_node != NULL && JSON_NODE_HOLDS_VALUE (id_node) &&
          json_node_get_value_type (id_node) == G_TYPE_STRING &&
          g_utf8_strlen (json_node_get_string (id_node), -1) <= 64)
        id = json_node_get_string (id_node);
      conn_send_gerror (conn, id, error);
      return;
    }

  type = json_object_get_string_member (object, "type");
  id = parla_json_get_string (object, "id", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (message_types); i++)
    {
      if (!g_str_equal (type, message_types[i].type))
        continue;

      if (!parla_json_check_object (object, message_types[i].fields, message_types[i].n_fields,
                                    PARLA_JSON_INPUT, &error))
        {
          conn_send_gerror (conn, id, error);
          return;
        }

      message_types[i].handler (self, conn, object, id);
      return;
    }

  {
    g_autofree char *text = g_strdup_printf ("Unknown message type “%s”", type);
    conn_send_error (conn, id, PARLA_ERROR_INVALID_INPUT, "type", text);
  }
}

static void
on_ws_message_cb (ParlaWsConn *ws,
                  int          opcode,
                  const char  *data,
                  gsize        length,
                  gpointer     user_data)
{
  HubConn *conn = user_data;
  ParlaHub *self = conn->hub;

  if (conn->dropped || conn->close_pending || self->shut_down)
    return;

  if (!take_token (self, conn))
    return;

  if (opcode != 0x1)
    {
      conn_send_error (conn, NULL, PARLA_ERROR_INVALID_INPUT, NULL, "Messages are JSON text, not binary");
      return;
    }

  conn_ref (conn);
  handle_message (self, conn, data, length);
  conn_unref (conn);
}

/* New connections */

static void
send_welcome (HubConn *conn)
{
  ParlaHub *self = conn->hub;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "welcome");
  json_builder_set_member_name (builder, "user");
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", conn->user->id);
  parla_json_add_string (builder, "display_name", conn->user->display_name);
  parla_json_add_string (builder, "role", parla_role_names[conn->user->role]);
  json_builder_end_object (builder);
  parla_json_add_string (builder, "status", conn->user->status);
  parla_json_add_instant (builder, "server_time", parla_server_now (self->server));
  json_builder_set_member_name (builder, "limits");
  json_builder_begin_object (builder);
  parla_json_add_int (builder, "max_message_bytes", (gint64) self->max_message_bytes);
  parla_json_add_int (builder, "max_text_chars", PARLA_CHAT_MAX_TEXT_CHARS);
  parla_json_add_int (builder, "messages_per_second", (gint64) self->rate);
  parla_json_add_int (builder, "burst", (gint64) self->burst);
  parla_json_add_int (builder, "ping_seconds", self->ping_seconds);
  parla_json_add_int (builder, "idle_seconds", self->idle_us / G_USEC_PER_SEC);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  text = builder_text (builder);
  conn_send_text (conn, text);
}

typedef struct
{
  ParlaHub   *hub;          /* owned ref */
  char       *user_id;
  char       *display_name;
  ParlaRole   role;
  char       *token_hash;
  JsonNode   *contacts;
} Upgrade;

static void
upgrade_free (gpointer  data,
              GClosure *closure)
{
  Upgrade *up = data;

  g_object_unref (up->hub);
  g_free (up->user_id);
  g_free (up->display_name);
  g_free (up->token_hash);
  g_clear_pointer (&up->contacts, json_node_unref);
  g_free (up);
}

static const ParlaWsConnFuncs ws_funcs = {
  on_ws_message_cb,
  on_ws_too_big_cb,
  on_ws_closed_cb,
};

/* Takes the WebSocket @base, and starts reading it once it is set up. */
static void
accept_connection (ParlaHub  *self,
                   GIOStream *base,
                   Upgrade   *up)
{
  g_autoptr(GError) error = NULL;
  HubConn *conn = g_new0 (HubConn, 1);
  HubUser *user;
  JsonArray *contacts = NULL;

  conn->ws = parla_ws_conn_new_from_stream (self->loop, base, &ws_funcs, conn, &error);
  if (conn->ws == NULL)
    {
      g_warning ("Cannot take over a WebSocket: %s", error->message);
      g_io_stream_close (base, NULL, NULL);
      g_free (conn);
      return;
    }
  /* The socket was duplicated: libsoup's objects go now. */
  g_io_stream_close (base, NULL, NULL);

  conn->ref_count = 1;
  conn->hub = self;
  conn->user_id = g_strdup (up->user_id);
  conn->token_hash = g_strdup (up->token_hash);
  conn->subs = g_hash_table_new (g_str_hash, g_str_equal);
  conn->tokens = self->burst;
  conn->refilled_at = g_get_monotonic_time ();
  conn->drops_since = conn->refilled_at;
  g_hash_table_add (self->conns, conn);

  user = g_hash_table_lookup (self->users, up->user_id);
  if (user != NULL && user->conns->len >= self->max_connections)
    {
      conn_drop (conn, CLOSE_POLICY, "Too many connections");
      parla_ws_conn_start (conn->ws);
      return;
    }

  if (user == NULL)
    {
      user = g_new0 (HubUser, 1);
      user->id = g_strdup (up->user_id);
      user->display_name = g_strdup (up->display_name);
      user->role = up->role;
      user->status = presence_names[0];
      user->conns = g_ptr_array_new ();
      user->watching = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
      g_hash_table_insert (self->users, user->id, user);
    }
  g_ptr_array_add (user->conns, conn);
  conn->user = user;

  if (up->contacts != NULL && JSON_NODE_HOLDS_ARRAY (up->contacts))
    contacts = json_node_get_array (up->contacts);
  for (guint i = 0; contacts != NULL && i < json_array_get_length (contacts); i++)
    watch (self, user, json_object_get_string_member (json_array_get_object_element (contacts, i), "user_id"));

  send_welcome (conn);

  if (user->conns->len == 1)
    publish_presence (self, user->id, user->status);

  /* Where the people this user has lessons with are, as of now. */
  for (guint i = 0; contacts != NULL && i < json_array_get_length (contacts); i++)
    send_presence_of (conn, json_object_get_string_member (json_array_get_object_element (contacts, i), "user_id"));

  /* What came right behind the handshake is read after the welcome. */
  parla_ws_conn_start (conn->ws);
}

static void
on_wrote_informational_cb (SoupServerMessage *msg,
                           Upgrade           *up)
{
  ParlaHub *self = up->hub;
  g_autoptr(SoupServerMessage) ref = NULL;
  g_autoptr(GIOStream) base = NULL;

  if (soup_server_message_get_status (msg) != SOUP_STATUS_SWITCHING_PROTOCOLS)
    return;

  /* As libsoup's own complete_websocket_upgrade() does. */
  ref = g_object_ref (msg);
  base = soup_server_message_steal_connection (msg);
  if (base == NULL)
    return;

  if (self->shut_down)
    {
      g_io_stream_close (base, NULL, NULL);
      return;
    }

  accept_connection (self, base, up);
}

static void
reply_error (SoupServerMessage *msg,
             ParlaError         code,
             const char        *message)
{
  g_autoptr(GError) error = parla_error_new (code, NULL, "%s", message);
  g_autoptr(JsonNode) node = parla_error_to_json (error);
  char *text = parla_json_to_string (node);

  soup_server_message_set_status (msg, parla_error_code_http_status (code), NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

/* Timers */

static gboolean
on_sweep_cb (gpointer data)
{
  ParlaHub *self = data;
  g_autoptr(GPtrArray) idle = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer key;

  /* The loop pings; whatever arrives (a pong included) counts as alive. */
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      HubConn *conn = key;

      if (!conn->dropped && now - parla_ws_conn_get_last_input (conn->ws) > self->idle_us)
        g_ptr_array_add (idle, conn_ref (conn));
    }

  for (guint i = 0; i < idle->len; i++)
    conn_drop (g_ptr_array_index (idle, i), CLOSE_AWAY, "Idle timeout");

  return G_SOURCE_CONTINUE;
}

typedef struct
{
  ParlaHub   *hub;              /* owned ref */
  GPtrArray  *hashes;           /* the tokens of open sockets */
  GHashTable *checked;          /* the same, as a set */
  gint64      idle_seconds;
  GHashTable *valid;            /* result */
} TokenCheck;

static void
token_check_free (TokenCheck *check)
{
  g_object_unref (check->hub);
  g_ptr_array_unref (check->hashes);
  g_hash_table_unref (check->checked);
  g_clear_pointer (&check->valid, g_hash_table_unref);
  g_free (check);
}

/* Which of the tokens are still good (not revoked, not past their idle or
 * absolute expiry); an open socket keeps its token's idle clock running. */
static gpointer
token_check_work (ParlaDb   *db,
                  gint64     now,
                  gpointer   data,
                  GError   **error)
{
  TokenCheck *check = data;
  g_autoptr(GPtrArray) stale = g_ptr_array_new_with_free_func (g_free);

  check->valid = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

  for (guint start = 0; start < check->hashes->len; start += TOKEN_BATCH)
    {
      g_autoptr(ParlaDbParams) params = parla_db_params_new ();
      g_autoptr(GString) sql = g_string_new (NULL);
      g_autoptr(ParlaDbRows) rows = NULL;

      g_string_append_printf (sql, "SELECT token_hash, last_used_at FROM auth_tokens "
                              "WHERE revoked_at IS NULL AND expires_at > %s AND last_used_at > %s "
                              "AND token_hash IN (",
                              parla_db_params_add_int (params, now),
                              parla_db_params_add_int (params, now - check->idle_seconds));
      for (guint i = start; i < MIN (check->hashes->len, start + TOKEN_BATCH); i++)
        g_string_append_printf (sql, "%s%s", i > start ? ", " : "",
                                parla_db_params_add_text (params, g_ptr_array_index (check->hashes, i)));
      g_string_append (sql, ")");

      rows = parla_db_query_params (db, sql->str, params, error);
      if (rows == NULL)
        return NULL;
      while (parla_db_rows_next (rows))
        {
          g_hash_table_add (check->valid, parla_db_rows_dup_text (rows, 0));
          if (parla_db_rows_get_int (rows, 1) < now - TOKEN_TOUCH_SECONDS)
            g_ptr_array_add (stale, parla_db_rows_dup_text (rows, 0));
        }
      if (!parla_db_rows_get_error (rows, error))
        return NULL;
    }

  if (stale->len > 0 && parla_db_begin_write (db, error))
    {
      for (guint i = 0; i < stale->len; i++)
        if (parla_db_exec (db, error, "UPDATE auth_tokens SET last_used_at = $2 WHERE token_hash = $1",
                           PARLA_DB_TEXT, g_ptr_array_index (stale, i),
                           PARLA_DB_INT, now,
                           PARLA_DB_END) < 0)
          {
            parla_db_rollback (db);
            return NULL;
          }
      if (!parla_db_commit (db, error))
        return NULL;
    }

  return check;
}

static void
on_token_check_done_cb (GObject      *source,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  TokenCheck *check = user_data;
  ParlaHub *self = check->hub;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) ended = NULL;
  GHashTableIter iter;
  gpointer key;

  _parla_server_run_finish (PARLA_SERVER (source), result, &error);
  self->token_check_running = FALSE;

  if (self->shut_down)
    return;

  if (error != NULL)
    {
      g_warning ("Cannot check the tokens of open sockets: %s", error->message);
      return;
    }

  ended = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      HubConn *conn = key;

      /* Sockets opened since the check started are checked next time. */
      if (!conn->dropped && conn->token_hash != NULL &&
          g_hash_table_contains (check->checked, conn->token_hash) &&
          !g_hash_table_contains (check->valid, conn->token_hash))
        g_ptr_array_add (ended, conn_ref (conn));
    }

  for (guint i = 0; i < ended->len; i++)
    conn_drop (g_ptr_array_index (ended, i), CLOSE_POLICY, "Your session has ended");
}

static gboolean
on_token_timer_cb (gpointer data)
{
  ParlaHub *self = data;
  TokenCheck *check;
  GHashTableIter iter;
  gpointer key;

  if (self->token_check_running || g_hash_table_size (self->conns) == 0)
    return G_SOURCE_CONTINUE;

  check = g_new0 (TokenCheck, 1);
  check->hub = g_object_ref (self);
  check->hashes = g_ptr_array_new ();
  check->checked = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  check->idle_seconds = self->token_idle_seconds;

  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      HubConn *conn = key;
      char *hash;

      if (conn->dropped || conn->token_hash == NULL || g_hash_table_contains (check->checked, conn->token_hash))
        continue;
      hash = g_strdup (conn->token_hash);
      g_hash_table_add (check->checked, hash);
      g_ptr_array_add (check->hashes, hash);
    }

  self->token_check_running = TRUE;
  _parla_server_run_async (self->server, token_check_work, check, (GDestroyNotify) token_check_free, NULL,
                           self->cancellable, on_token_check_done_cb, check);

  return G_SOURCE_CONTINUE;
}

/* session.starting (10 minutes before), session.started, session.ended,
 * for group sessions and 1:1 lessons, each once per room. */

typedef struct
{
  ParlaHub  *hub;        /* owned ref */
  GPtrArray *events;     /* result: ParlaHubEvent */
} Scan;

static void
scan_free (Scan *scan)
{
  g_object_unref (scan->hub);
  g_clear_pointer (&scan->events, g_ptr_array_unref);
  g_free (scan);
}

static const char *
notice_due (gint64 now,
            gint64 start,
            gint64 end)
{
  if (now >= start - NOTICE_LEAD_SECONDS && now < start)
    return "session.starting";
  if (now >= start && now < end)
    return "session.started";
  if (now >= end && now < end + NOTICE_GRACE_SECONDS)
    return "session.ended";
  return NULL;
}

typedef struct
{
  char   *room;
  char   *id_name;     /* "session_id" or "booking_id" */
  char   *id;
  char   *title;
  gint64  start;
  gint64  end;
  const char *kind;
  GStrv   users;
} Notice;

static void
notice_free (Notice *notice)
{
  g_free (notice->room);
  g_free (notice->id_name);
  g_free (notice->id);
  g_free (notice->title);
  g_strfreev (notice->users);
  g_free (notice);
}

static gboolean
collect_notices (ParlaDb    *db,
                 gint64      now,
                 gboolean    sessions,
                 GPtrArray  *notices,
                 GError    **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  if (sessions)
    rows = parla_db_query (db, error,
                           "SELECT id, title, start_at, end_at, host_id, '' FROM sessions "
                           "WHERE status = 'scheduled' AND start_at <= $1 AND start_at > $2 AND end_at > $3",
                           PARLA_DB_INT, now + NOTICE_LEAD_SECONDS,
                           PARLA_DB_INT, now - NOTICE_GRACE_SECONDS - MAX_SESSION_SECONDS,
                           PARLA_DB_INT, now - NOTICE_GRACE_SECONDS,
                           PARLA_DB_END);
  else
    rows = parla_db_query (db, error,
                           "SELECT id, title, start_at, end_at, teacher_id, learner_id FROM bookings "
                           "WHERE kind = 'lesson' AND status = 'confirmed' AND start_at <= $1 AND start_at > $2 "
                           "AND end_at > $3",
                           PARLA_DB_INT, now + NOTICE_LEAD_SECONDS,
                           PARLA_DB_INT, now - NOTICE_GRACE_SECONDS - MAX_SESSION_SECONDS,
                           PARLA_DB_INT, now - NOTICE_GRACE_SECONDS,
                           PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  while (parla_db_rows_next (rows))
    {
      gint64 start = parla_db_rows_get_int (rows, 2);
      gint64 end = parla_db_rows_get_int (rows, 3);
      const char *kind = notice_due (now, start, end);
      Notice *notice;

      if (kind == NULL)
        continue;

      notice = g_new0 (Notice, 1);
      notice->id = parla_db_rows_dup_text (rows, 0);
      notice->room = parla_room_name (sessions ? "session" : "booking", notice->id);
      notice->id_name = g_strdup (sessions ? "session_id" : "booking_id");
      notice->title = parla_db_rows_dup_text (rows, 1);
      notice->start = start;
      notice->end = end;
      notice->kind = kind;
      if (!sessions)
        {
          const char *users[] = { parla_db_rows_get_text (rows, 4), parla_db_rows_get_text (rows, 5), NULL };
          notice->users = g_strdupv ((char **) users);
        }
      else
        {
          const char *users[] = { parla_db_rows_get_text (rows, 4), NULL };
          notice->users = g_strdupv ((char **) users);
        }
      g_ptr_array_add (notices, notice);
    }

  return parla_db_rows_get_error (rows, error);
}

static gboolean
add_session_learners (ParlaDb  *db,
                      Notice   *notice,
                      GError  **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GStrvBuilder) users = g_strv_builder_new ();

  rows = parla_db_query (db, error,
                         "SELECT learner_id FROM bookings WHERE session_id = $1 AND kind = 'session' "
                         "AND status IN ('confirmed', 'pending')",
                         PARLA_DB_TEXT, notice->id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  g_strv_builder_addv (users, (const char **) notice->users);
  while (parla_db_rows_next (rows))
    g_strv_builder_add (users, parla_db_rows_get_text (rows, 0));
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;

  g_strfreev (notice->users);
  notice->users = g_strv_builder_end (users);
  return TRUE;
}

static gpointer
scan_work (ParlaDb   *db,
           gint64     now,
           gpointer   data,
           GError   **error)
{
  Scan *scan = data;
  g_autoptr(GPtrArray) notices = g_ptr_array_new_with_free_func ((GDestroyNotify) notice_free);

  scan->events = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_hub_event_free);

  if (!parla_db_begin_read (db, error) ||
      !collect_notices (db, now, TRUE, notices, error) ||
      !collect_notices (db, now, FALSE, notices, error))
    return NULL;
  parla_db_rollback (db);

  if (notices->len == 0)
    return scan;

  if (!parla_db_begin_write (db, error))
    return NULL;

  for (guint i = 0; i < notices->len; i++)
    {
      Notice *notice = g_ptr_array_index (notices, i);
      g_autoptr(JsonBuilder) builder = NULL;
      gint64 changed;

      /* Whoever records the notice sends it: once per room and kind. */
      changed = parla_db_exec (db, error,
                               "INSERT INTO realtime_notices (room, kind, sent_at) VALUES ($1, $2, $3) "
                               "ON CONFLICT (room, kind) DO NOTHING",
                               PARLA_DB_TEXT, notice->room,
                               PARLA_DB_TEXT, notice->kind,
                               PARLA_DB_INT, now,
                               PARLA_DB_END);
      if (changed < 0)
        goto fail;
      if (changed == 0)
        continue;

      if (g_str_equal (notice->id_name, "session_id") && !add_session_learners (db, notice, error))
        goto fail;

      builder = json_builder_new ();
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "room", notice->room);
      parla_json_add_string (builder, notice->id_name, notice->id);
      parla_json_add_string (builder, "title", notice->title);
      parla_json_add_instant (builder, "start", notice->start);
      parla_json_add_instant (builder, "end", notice->end);
      json_builder_end_object (builder);

      g_ptr_array_add (scan->events, parla_hub_event_new (notice->kind, json_builder_get_root (builder),
                                                          (const char * const *) notice->users));
    }

  if (!parla_db_commit (db, error))
    {
      g_ptr_array_set_size (scan->events, 0);
      return NULL;
    }
  return scan;

fail:
  parla_db_rollback (db);
  g_ptr_array_set_size (scan->events, 0);
  return NULL;
}

static void
on_scan_done_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Scan *scan = user_data;
  ParlaHub *self = scan->hub;
  g_autoptr(GError) error = NULL;

  _parla_server_run_finish (PARLA_SERVER (source), result, &error);
  self->scan_running = FALSE;

  if (self->shut_down)
    return;

  if (error != NULL)
    {
      g_warning ("Cannot scan for starting sessions: %s", error->message);
      return;
    }

  parla_hub_publish_events (self, scan->events);
}

static gboolean
on_scan_timer_cb (gpointer data)
{
  ParlaHub *self = data;
  Scan *scan;

  if (self->scan_running)
    return G_SOURCE_CONTINUE;

  scan = g_new0 (Scan, 1);
  scan->hub = g_object_ref (self);

  self->scan_running = TRUE;
  _parla_server_run_async (self->server, scan_work, scan, (GDestroyNotify) scan_free, NULL,
                           self->cancellable, on_scan_done_cb, scan);

  return G_SOURCE_CONTINUE;
}

static GSource *
add_timer (ParlaHub    *self,
           guint        interval_ms,
           GSourceFunc  func)
{
  GSource *source = g_timeout_source_new (interval_ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_attach (source, self->context);

  return source;
}

static void
stop_timer (GSource **source)
{
  if (*source == NULL)
    return;

  g_source_destroy (*source);
  g_clear_pointer (source, g_source_unref);
}

/* Session events from the HTTP handlers */

/* Takes @user_id's connections out of @room_name, telling each
 * (room.left about themself). */
static void
kick_user (ParlaHub   *self,
           const char *room_name,
           const char *user_id)
{
  HubUser *user = g_hash_table_lookup (self->users, user_id);
  g_autoptr(GPtrArray) conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);

  for (guint c = 0; user != NULL && c < user->conns->len; c++)
    g_ptr_array_add (conns, conn_ref (g_ptr_array_index (user->conns, c)));

  for (guint c = 0; c < conns->len; c++)
    {
      HubConn *conn = g_ptr_array_index (conns, c);
      HubSub *sub = conn->dropped ? NULL : g_hash_table_lookup (conn->subs, room_name);

      if (sub != NULL)
        {
          gboolean was_active = sub->active;

          sub_remove (sub);
          if (was_active && conn->user != NULL)
            {
              g_autofree char *text = membership_text ("room.left", room_name, conn->user);
              conn_send_text (conn, text);
            }
        }
    }
}

/* Takes @user_id (NULL: everyone) out of the calls of @parent, the room
 * of a session or a lesson they may no longer be in. */
static void
kick_from_calls (ParlaHub   *self,
                 const char *parent,
                 const char *user_id)
{
  g_autoptr(GPtrArray) rooms = g_ptr_array_new_with_free_func (g_free);
  GHashTableIter iter;
  gpointer value;

  g_hash_table_iter_init (&iter, self->rooms);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      HubRoom *room = value;

      if (room->parent != NULL && g_str_equal (room->parent, parent))
        g_ptr_array_add (rooms, g_strdup (room->name));
    }

  for (guint i = 0; i < rooms->len; i++)
    {
      const char *name = g_ptr_array_index (rooms, i);
      g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);
      HubRoom *room = g_hash_table_lookup (self->rooms, name);
      GHashTableIter subs;
      gpointer key;

      if (room == NULL)
        continue;

      if (user_id != NULL)
        g_ptr_array_add (users, g_strdup (user_id));
      else
        {
          g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

          g_hash_table_iter_init (&subs, room->subs);
          while (g_hash_table_iter_next (&subs, &key, NULL))
            {
              HubSub *sub = key;

              if (g_hash_table_add (seen, sub->conn->user_id))
                g_ptr_array_add (users, g_strdup (sub->conn->user_id));
            }
        }

      for (guint u = 0; u < users->len; u++)
        kick_user (self, name, g_ptr_array_index (users, u));
    }
}

/* A new booking makes each side see the other's presence; a cancelled
 * seat takes the learner out of the session's room and its call, a
 * cancelled lesson both sides out of its call, a cancelled session
 * everyone out of its call. */
static void
apply_side_effects (ParlaHub      *self,
                    ParlaHubEvent *event)
{
  JsonObject *body;
  JsonObject *booking;
  const char *learner_id, *teacher_id, *kind;

  if (event->body == NULL)
    return;
  body = json_node_get_object (event->body);

  if (g_str_equal (event->type, "session.cancelled"))
    {
      const char *session_id = json_object_get_string_member_with_default (body, "session_id", NULL);
      g_autofree char *room = session_id ? parla_room_name ("session", session_id) : NULL;

      if (room != NULL)
        kick_from_calls (self, room, NULL);
      return;
    }

  if (!json_object_has_member (body, "booking"))
    return;

  booking = json_object_get_object_member (body, "booking");
  if (booking == NULL)
    return;
  learner_id = json_object_get_string_member_with_default (booking, "learner_id", NULL);
  teacher_id = json_object_get_string_member_with_default (booking, "teacher_id", NULL);
  kind = json_object_get_string_member_with_default (booking, "kind", "");
  if (learner_id == NULL || teacher_id == NULL)
    return;

  if (g_str_equal (event->type, "booking.created"))
    {
      const char *pair[2][2] = { { learner_id, teacher_id }, { teacher_id, learner_id } };

      for (guint i = 0; i < 2; i++)
        {
          HubUser *watcher = g_hash_table_lookup (self->users, pair[i][0]);

          if (watcher == NULL || g_hash_table_contains (watcher->watching, pair[i][1]))
            continue;
          watch (self, watcher, pair[i][1]);
          for (guint c = 0; c < watcher->conns->len; c++)
            send_presence_of (g_ptr_array_index (watcher->conns, c), pair[i][1]);
        }
    }
  else if (g_str_equal (event->type, "booking.cancelled") && g_str_equal (kind, "session"))
    {
      const char *session_id = json_object_get_string_member_with_default (booking, "session_id", NULL);
      g_autofree char *room = session_id ? parla_room_name ("session", session_id) : NULL;

      if (room != NULL)
        {
          kick_user (self, room, learner_id);
          kick_from_calls (self, room, learner_id);
        }
    }
  else if (g_str_equal (event->type, "booking.cancelled") && g_str_equal (kind, "lesson"))
    {
      const char *booking_id = json_object_get_string_member_with_default (booking, "id", NULL);
      g_autofree char *room = booking_id ? parla_room_name ("booking", booking_id) : NULL;

      if (room != NULL)
        {
          kick_from_calls (self, room, learner_id);
          kick_from_calls (self, room, teacher_id);
        }
    }
}

/**
 * parla_hub_publish_events:
 * @events: (element-type ParlaHubEvent): events of a committed transaction
 *
 * Pushes each event to its recipients, in order.
 */
void
parla_hub_publish_events (ParlaHub  *self,
                          GPtrArray *events)
{
  g_return_if_fail (PARLA_IS_HUB (self));

  if (self->shut_down || events == NULL)
    return;

  for (guint i = 0; i < events->len; i++)
    {
      ParlaHubEvent *event = g_ptr_array_index (events, i);

      if (event->kind == PARLA_HUB_EVENT_REVOKE_TOKEN)
        {
          ParlaHubFrame frame = { PARLA_HUB_REVOKE, NULL, event->token_hash, NULL, NULL, 0, "" };

          publish (self, &frame);
        }
      else
        {
          g_autofree char *text = event_text (event->type, event->body);
          ParlaHubFrame frame = { event->user_ids ? PARLA_HUB_TO_USERS : PARLA_HUB_TO_ALL,
                                  NULL, NULL, (const char * const *) event->user_ids, NULL, 0, text };

          publish (self, &frame);
          apply_side_effects (self, event);
        }
    }
}

/* Object */

static void
parla_hub_dispose (GObject *object)
{
  ParlaHub *self = PARLA_HUB (object);

  parla_hub_shutdown (self);

  G_OBJECT_CLASS (parla_hub_parent_class)->dispose (object);
}

static void
parla_hub_finalize (GObject *object)
{
  ParlaHub *self = PARLA_HUB (object);

  g_clear_pointer (&self->conns, g_hash_table_unref);
  g_clear_pointer (&self->loop, parla_ws_loop_free);
  g_clear_pointer (&self->users, g_hash_table_unref);
  g_clear_pointer (&self->rooms, g_hash_table_unref);
  g_clear_pointer (&self->watchers, g_hash_table_unref);
  g_clear_pointer (&self->conn_watchers, g_hash_table_unref);
  g_clear_object (&self->backplane);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_object (&self->generator);
  g_string_free (self->signal_text, TRUE);
  g_queue_clear_full (&self->attendance, (GDestroyNotify) attendance_free);
  g_mutex_clear (&self->attendance_mutex);
  g_clear_pointer (&self->available, g_hash_table_unref);
  g_mutex_clear (&self->available_mutex);

  G_OBJECT_CLASS (parla_hub_parent_class)->finalize (object);
}

static void
parla_hub_class_init (ParlaHubClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_hub_dispose;
  object_class->finalize = parla_hub_finalize;
}

static void
parla_hub_init (ParlaHub *self)
{
  self->conns = g_hash_table_new_full (NULL, NULL, (GDestroyNotify) conn_unref, NULL);
  self->users = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) user_free);
  self->rooms = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) room_free);
  self->watchers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->conn_watchers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
  self->generator = json_generator_new ();
  self->signal_text = g_string_sized_new (1024);
  g_mutex_init (&self->attendance_mutex);
  g_queue_init (&self->attendance);
  g_mutex_init (&self->available_mutex);
  self->available = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

/**
 * parla_hub_new:
 * @server: (not nullable): the server whose workers run the hub's database
 *   work; borrowed, it owns the hub
 *
 * Returns: (transfer full): a hub on the caller's thread-default main
 *   context, attached to @backplane
 */
ParlaHub *
parla_hub_new (ParlaServer             *server,
               const ParlaServerConfig *config,
               ParlaHubBackplane       *backplane)
{
  ParlaHub *self;

  g_return_val_if_fail (PARLA_IS_SERVER (server), NULL);
  g_return_val_if_fail (PARLA_IS_HUB_BACKPLANE (backplane), NULL);

  self = g_object_new (PARLA_TYPE_HUB, NULL);
  self->server = server;
  self->backplane = g_object_ref (backplane);
  self->max_message_bytes = MAX (1024, config->ws_max_message_bytes);
  self->rate = MAX (1, config->ws_messages_per_second);
  self->burst = MAX (1, config->ws_message_burst);
  self->flood_drops = MAX (FLOOD_MIN_DROPS, (guint) self->burst * 4);
  self->max_connections = MAX (1, config->ws_max_connections_per_user);
  self->ping_seconds = MAX (0, config->ws_ping_interval_seconds);
  self->idle_us = (gint64) MAX (1, config->ws_idle_timeout_seconds) * G_USEC_PER_SEC;
  self->token_idle_seconds = config->token_idle_seconds;

  parla_hub_backplane_attach (self->backplane, deliver, self);
  self->loop = parla_ws_loop_new (self->context, self->max_message_bytes, self->ping_seconds);
  /* The hub closes at MAX_BACKLOG_BYTES, before queueing; this only
   * catches what the connection sends itself (pongs). */
  parla_ws_loop_set_max_queued (self->loop, MAX_BACKLOG_BYTES + self->max_message_bytes + 16);

  self->sweep_source = add_timer (self, SWEEP_INTERVAL_MS, on_sweep_cb);
  self->token_source = add_timer (self, MAX (1, config->ws_token_check_seconds) * 1000, on_token_timer_cb);
  self->scan_source = add_timer (self, MAX (1, config->ws_session_scan_seconds) * 1000, on_scan_timer_cb);

  return self;
}

/**
 * parla_hub_upgrade:
 * @msg: a GET that authenticated as @identity
 *
 * Answers the handshake (101, or an error as JSON); once the 101 is
 * written, takes the connection from the HTTP server and runs it as a
 * WebSocket of the hub.
 */
void
parla_hub_upgrade (ParlaHub               *self,
                   SoupServerMessage      *msg,
                   const ParlaHubIdentity *identity)
{
  g_autoptr(GError) error = NULL;
  Upgrade *up;

  g_return_if_fail (PARLA_IS_HUB (self));

  if (self->shut_down)
    {
      reply_error (msg, PARLA_ERROR_UNAVAILABLE, "The server is shutting down");
      return;
    }

  /* No extensions (permessage-deflate costs memory per connection), no
   * subprotocols; the Origin was checked before the token. */
  if (!soup_websocket_server_check_handshake (msg, NULL, NULL, NULL, &error))
    {
      g_autofree char *message = g_strdup_printf ("This endpoint speaks WebSocket only: %s", error->message);

      reply_error (msg, PARLA_ERROR_INVALID_INPUT, message);
      return;
    }

  /* parla-server.c marks every response "Connection: close"; a 101 says
   * "Upgrade" only. */
  soup_message_headers_remove (soup_server_message_get_response_headers (msg), "Connection");
  if (!soup_websocket_server_process_handshake (msg, NULL, NULL, NULL, NULL))
    return;

  up = g_new0 (Upgrade, 1);
  up->hub = g_object_ref (self);
  up->user_id = g_strdup (identity->user_id);
  up->display_name = g_strdup (identity->display_name);
  up->role = identity->role;
  up->token_hash = g_strdup (identity->token_hash);
  up->contacts = identity->contacts ? json_node_ref (identity->contacts) : NULL;

  g_signal_connect_data (msg, "wrote-informational", G_CALLBACK (on_wrote_informational_cb),
                         up, upgrade_free, 0);
}

/**
 * parla_hub_shutdown:
 *
 * Closes every socket (1001) and stops the timers. Work still on a worker
 * completes into nothing. Safe to call twice.
 */
void
parla_hub_shutdown (ParlaHub *self)
{
  g_autoptr(GPtrArray) conns = NULL;
  GHashTableIter iter;
  gpointer key;

  g_return_if_fail (PARLA_IS_HUB (self));

  if (self->shut_down)
    return;

  stop_timer (&self->sweep_source);
  stop_timer (&self->token_source);
  stop_timer (&self->scan_source);

  conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_unref);
  g_hash_table_iter_init (&iter, self->conns);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    g_ptr_array_add (conns, conn_ref (key));

  self->shut_down = TRUE;
  g_cancellable_cancel (self->cancellable);

  for (guint i = 0; i < conns->len; i++)
    {
      HubConn *conn = g_ptr_array_index (conns, i);

      conn_drop (conn, CLOSE_AWAY, "The server is shutting down");
      parla_ws_conn_disconnect_funcs (conn->ws);
    }
  g_hash_table_remove_all (self->conns);

  /* Operations queued behind a running one never start. */
  {
    GHashTableIter rooms;
    gpointer value;

    g_hash_table_iter_init (&rooms, self->rooms);
    while (g_hash_table_iter_next (&rooms, NULL, &value))
      {
        HubRoom *room = value;

        g_queue_clear_full (&room->ops, (GDestroyNotify) room_op_free);
      }
  }
  g_hash_table_remove_all (self->rooms);
  g_hash_table_remove_all (self->users);
  g_hash_table_remove_all (self->watchers);
  g_hash_table_remove_all (self->conn_watchers);

  parla_hub_backplane_detach (self->backplane);
}

/* Events */

/**
 * parla_hub_event_new:
 * @body: (transfer full): an object
 * @user_ids: (nullable): the recipients; %NULL for everyone connected
 */
ParlaHubEvent *
parla_hub_event_new (const char         *type,
                     JsonNode           *body,
                     const char * const *user_ids)
{
  ParlaHubEvent *event;

  g_return_val_if_fail (type != NULL, NULL);
  g_return_val_if_fail (body == NULL || JSON_NODE_HOLDS_OBJECT (body), NULL);

  event = g_new0 (ParlaHubEvent, 1);
  event->kind = PARLA_HUB_EVENT_NOTIFY;
  event->type = g_strdup (type);
  event->body = body;
  event->user_ids = g_strdupv ((char **) user_ids);

  return event;
}

ParlaHubEvent *
parla_hub_event_new_revoke (const char *token_hash)
{
  ParlaHubEvent *event = g_new0 (ParlaHubEvent, 1);

  event->kind = PARLA_HUB_EVENT_REVOKE_TOKEN;
  event->token_hash = g_strdup (token_hash);

  return event;
}

void
parla_hub_event_free (ParlaHubEvent *event)
{
  if (event == NULL)
    return;

  g_free (event->type);
  g_clear_pointer (&event->body, json_node_unref);
  g_strfreev (event->user_ids);
  g_free (event->key);
  g_free (event->token_hash);
  g_free (event);
}

guint
parla_hub_get_n_connections (ParlaHub *self)
{
  g_return_val_if_fail (PARLA_IS_HUB (self), 0);

  return g_hash_table_size (self->conns);
}

/**
 * parla_hub_dup_available:
 *
 * Who is available for instant calls now, and since when; safe from any
 * thread.
 *
 * Returns: (transfer full): user id -> (gint64 *) the server time they
 *   became available
 */
GHashTable *
parla_hub_dup_available (ParlaHub *self)
{
  GHashTable *copy = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  GHashTableIter iter;
  gpointer key, value;

  g_return_val_if_fail (PARLA_IS_HUB (self), copy);

  g_mutex_lock (&self->available_mutex);
  g_hash_table_iter_init (&iter, self->available);
  while (g_hash_table_iter_next (&iter, &key, &value))
    g_hash_table_insert (copy, g_strdup (key), g_memdup2 (value, sizeof (gint64)));
  g_mutex_unlock (&self->available_mutex);

  return copy;
}
