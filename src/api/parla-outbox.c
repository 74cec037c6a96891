/* parla-outbox.c: what the user sent while offline, kept on disk until
 * the server has it
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Each item is one row of a small SQLite database (WAL, synchronous=FULL),
 * committed before parla_outbox_enqueue_*() returns, with the key that
 * makes sending it twice harmless: the client id of a chat message (the
 * server stores one message per sender, room and id) or the
 * Idempotency-Key of a request (the server answers a repeat with the
 * stored answer). So an item may be sent any number of times, by this
 * process or by the next one after a crash, and still take effect once.
 *
 * Replay: while the realtime connection is up, the oldest item is sent,
 * and only once it is answered is the row deleted and the next one sent.
 * A transient failure (no network, 5xx, 429, a token to renew) stops the
 * replay until the next connection or a backoff; a permanent one (403,
 * 409 slot_taken, ...) drops the item and says so with ::item-failed.
 *
 * The database is written from the main thread: one small transaction per
 * item, as the caller must know the item is on disk when the call returns.
 */

#include "config.h"

#include "parla-outbox.h"

#include <errno.h>
#include <string.h>
#include <sys/random.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "parla-core.h"

#define SCHEMA_VERSION   1
#define BACKOFF_BASE_MS  500
#define BACKOFF_MAX_MS   30000
#define MAX_TEXT_CHARS   4000

static const char schema[] =
  "CREATE TABLE items ("
  "  id          INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind        TEXT NOT NULL CHECK (kind IN ('chat', 'request')),"
  "  key         TEXT NOT NULL UNIQUE,"
  "  room        TEXT,"
  "  text        TEXT,"
  "  recipient   TEXT,"
  "  language    TEXT,"
  "  method      TEXT,"
  "  path        TEXT,"
  "  body        TEXT,"
  "  description TEXT NOT NULL DEFAULT '',"
  "  created_at  INTEGER NOT NULL,"
  "  CHECK ((kind = 'chat' AND room IS NOT NULL AND text IS NOT NULL) OR"
  "         (kind = 'request' AND method IS NOT NULL AND path IS NOT NULL))"
  ");";

static const char * const kind_names[] = { "chat", "request", NULL };

/* ParlaOutboxItem */

struct _ParlaOutboxItem
{
  GObject          parent_instance;

  /* owned */
  char            *key;
  char            *description;
  char            *room;
  char            *text;
  char            *to;
  char            *language;
  char            *method;
  char            *path;
  char            *body;

  gint64           id;
  ParlaOutboxKind  kind;
  gint64           created_at;
};

G_DEFINE_FINAL_TYPE (ParlaOutboxItem, parla_outbox_item, G_TYPE_OBJECT)

G_DEFINE_ENUM_TYPE (ParlaOutboxKind, parla_outbox_kind,
                    G_DEFINE_ENUM_VALUE (PARLA_OUTBOX_CHAT, "chat"),
                    G_DEFINE_ENUM_VALUE (PARLA_OUTBOX_REQUEST, "request"))

enum {
  ITEM_PROP_0,
  ITEM_PROP_ID,
  ITEM_PROP_KIND,
  ITEM_PROP_KEY,
  ITEM_PROP_DESCRIPTION,
  ITEM_PROP_CREATED_AT,
  ITEM_N_PROPS
};

static GParamSpec *item_properties[ITEM_N_PROPS];

static void
parla_outbox_item_finalize (GObject *object)
{
  ParlaOutboxItem *self = (ParlaOutboxItem *) object;

  g_free (self->key);
  g_free (self->description);
  g_free (self->room);
  g_free (self->text);
  g_free (self->to);
  g_free (self->language);
  g_free (self->method);
  g_free (self->path);
  g_free (self->body);

  G_OBJECT_CLASS (parla_outbox_item_parent_class)->finalize (object);
}

static void
parla_outbox_item_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ParlaOutboxItem *self = PARLA_OUTBOX_ITEM (object);

  switch (prop_id)
    {
    case ITEM_PROP_ID:
      g_value_set_int64 (value, self->id);
      break;

    case ITEM_PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case ITEM_PROP_KEY:
      g_value_set_string (value, self->key);
      break;

    case ITEM_PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case ITEM_PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_outbox_item_class_init (ParlaOutboxItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parla_outbox_item_finalize;
  object_class->get_property = parla_outbox_item_get_property;

  item_properties[ITEM_PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL, PARLA_TYPE_OUTBOX_KIND, PARLA_OUTBOX_CHAT,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_KEY] =
    g_param_spec_string ("key", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  item_properties[ITEM_PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, ITEM_N_PROPS, item_properties);
}

static void
parla_outbox_item_init (ParlaOutboxItem *self)
{
}

/* The outbox */

struct _ParlaOutbox
{
  GObject          parent_instance;

  /* owned */
  char            *path;
  sqlite3         *db;
  GListStore      *items;
  ParlaRealtime   *realtime;
  ParlaApiClient  *client;
  GCancellable    *cancellable;    /* of the item being sent */
  ParlaOutboxItem *current;
  GSource         *retry_source;
  GMainContext    *context;

  guint            attempt;
};

static void parla_outbox_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaOutbox, parla_outbox, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE, parla_outbox_initable_iface_init))

enum {
  PROP_0,
  PROP_PATH,
  PROP_COUNT,
  PROP_SENDING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  ITEM_SENT,
  ITEM_FAILED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void kick (ParlaOutbox *self);

/* SQLite */

static void
set_db_error (GError     **error,
              sqlite3     *db,
              const char  *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Outbox: cannot %s: %s",
               what, db ? sqlite3_errmsg (db) : "out of memory");
}

static gboolean
exec (ParlaOutbox  *self,
      const char   *sql,
      GError      **error)
{
  char *message = NULL;

  if (sqlite3_exec (self->db, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "Outbox: %s: %s", sql, message);
      sqlite3_free (message);
      return FALSE;
    }

  return TRUE;
}

static sqlite3_stmt *
prepare (ParlaOutbox  *self,
         const char   *sql,
         GError      **error)
{
  sqlite3_stmt *stmt = NULL;

  if (sqlite3_prepare_v2 (self->db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      set_db_error (error, self->db, "prepare a statement");
      return NULL;
    }

  return stmt;
}

static void
bind_text (sqlite3_stmt *stmt,
           int           index,
           const char   *value)
{
  if (value != NULL)
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static char *
dup_column (sqlite3_stmt *stmt,
            int           index)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, index));
}

static int
read_user_version (ParlaOutbox  *self,
                   GError      **error)
{
  sqlite3_stmt *stmt = prepare (self, "PRAGMA user_version", error);
  int version = -1;

  if (stmt == NULL)
    return -1;

  if (sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int (stmt, 0);
  else
    set_db_error (error, self->db, "read the schema version");
  sqlite3_finalize (stmt);

  return version;
}

static gboolean
open_database (ParlaOutbox  *self,
               GError      **error)
{
  g_autofree char *dir = g_path_get_dirname (self->path);
  g_autofree char *pragma = NULL;
  int version;

  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "Outbox: cannot create %s: %s", dir, g_strerror (saved));
      return FALSE;
    }

  if (sqlite3_open_v2 (self->path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
    {
      set_db_error (error, self->db, "open the database");
      return FALSE;
    }

  sqlite3_busy_timeout (self->db, 5000);
  sqlite3_extended_result_codes (self->db, 1);

  /* WAL: a commit is one append; FULL: and it is on disk when the call
   * returns, power cuts included. */
  if (!exec (self, "PRAGMA journal_mode = WAL", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "BEGIN IMMEDIATE", error))
    return FALSE;

  version = read_user_version (self, error);
  if (version < 0)
    goto fail;

  if (version > SCHEMA_VERSION)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   "Outbox: %s was written by a newer version (schema %d)", self->path, version);
      goto fail;
    }

  if (version < 1)
    {
      pragma = g_strdup_printf ("PRAGMA user_version = %d", SCHEMA_VERSION);
      if (!exec (self, schema, error) || !exec (self, pragma, error))
        goto fail;
    }

  return exec (self, "COMMIT", error);

fail:
  exec (self, "ROLLBACK", NULL);
  return FALSE;
}

static ParlaOutboxItem *
item_from_row (sqlite3_stmt *stmt)
{
  ParlaOutboxItem *item = g_object_new (PARLA_TYPE_OUTBOX_ITEM, NULL);

  item->id = sqlite3_column_int64 (stmt, 0);
  item->kind = parla_enum_from_string (kind_names, (const char *) sqlite3_column_text (stmt, 1)) == PARLA_OUTBOX_CHAT
               ? PARLA_OUTBOX_CHAT : PARLA_OUTBOX_REQUEST;
  item->key = dup_column (stmt, 2);
  item->room = dup_column (stmt, 3);
  item->text = dup_column (stmt, 4);
  item->to = dup_column (stmt, 5);
  item->language = dup_column (stmt, 6);
  item->method = dup_column (stmt, 7);
  item->path = dup_column (stmt, 8);
  item->body = dup_column (stmt, 9);
  item->description = dup_column (stmt, 10);
  item->created_at = sqlite3_column_int64 (stmt, 11);

  return item;
}

static gboolean
load_items (ParlaOutbox  *self,
            GError      **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "SELECT id, kind, key, room, text, recipient, language, method, path, body, "
                  "description, created_at FROM items ORDER BY id",
                  error);
  if (stmt == NULL)
    return FALSE;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(ParlaOutboxItem) item = item_from_row (stmt);

      g_list_store_append (self->items, item);
    }
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_db_error (error, self->db, "read the items");
      return FALSE;
    }

  return TRUE;
}

/* Inserts @item (its id is set here) and commits. */
static gboolean
insert_item (ParlaOutbox      *self,
             ParlaOutboxItem  *item,
             GError          **error)
{
  sqlite3_stmt *stmt;
  int rc;

  stmt = prepare (self,
                  "INSERT INTO items (kind, key, room, text, recipient, language, method, path, body, "
                  "description, created_at) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11)",
                  error);
  if (stmt == NULL)
    return FALSE;

  bind_text (stmt, 1, kind_names[item->kind]);
  bind_text (stmt, 2, item->key);
  bind_text (stmt, 3, item->room);
  bind_text (stmt, 4, item->text);
  bind_text (stmt, 5, item->to);
  bind_text (stmt, 6, item->language);
  bind_text (stmt, 7, item->method);
  bind_text (stmt, 8, item->path);
  bind_text (stmt, 9, item->body);
  bind_text (stmt, 10, item->description);
  sqlite3_bind_int64 (stmt, 11, item->created_at);

  /* In autocommit mode the statement is its own transaction: once it is
   * done, the row is on disk. */
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_db_error (error, self->db, "store the item");
      return FALSE;
    }

  item->id = sqlite3_last_insert_rowid (self->db);
  return TRUE;
}

static gboolean
delete_item (ParlaOutbox      *self,
             ParlaOutboxItem  *item,
             GError          **error)
{
  sqlite3_stmt *stmt = prepare (self, "DELETE FROM items WHERE id = ?1", error);
  int rc;

  if (stmt == NULL)
    return FALSE;

  sqlite3_bind_int64 (stmt, 1, item->id);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);

  if (rc != SQLITE_DONE)
    {
      set_db_error (error, self->db, "delete an item");
      return FALSE;
    }

  return TRUE;
}

/* 128 random bits, as 32 hex digits. */
static char *
new_key (void)
{
  guint8 bytes[16];
  GString *key = g_string_sized_new (33);
  gsize got = 0;

  while (got < sizeof bytes)
    {
      gssize n = getrandom (bytes + got, sizeof bytes - got, 0);

      if (n > 0)
        got += n;
      else if (n < 0 && errno != EINTR)
        break;
    }

  /* No getrandom (an old kernel): GLib's generator is seeded from the
   * system's entropy too. */
  for (; got < sizeof bytes; got++)
    bytes[got] = (guint8) g_random_int_range (0, 256);

  for (guint i = 0; i < sizeof bytes; i++)
    g_string_append_printf (key, "%02x", bytes[i]);

  return g_string_free (key, FALSE);
}

/* Replay */

static gboolean
is_transient (const GError *error)
{
  if (error->domain != PARLA_ERROR)
    return TRUE;

  switch ((ParlaError) error->code)
    {
    /* Not the item's fault: a new token, once signed in again. */
    case PARLA_ERROR_UNAUTHORIZED:
      return TRUE;

    /* Over the WebSocket (no HTTP status) the server's own trouble. */
    case PARLA_ERROR_INTERNAL:
      return parla_error_get_http_status (error) == 0 || parla_api_error_is_transient (error);

    default:
      return parla_api_error_is_transient (error);
    }
}

static void
set_current (ParlaOutbox     *self,
             ParlaOutboxItem *item)
{
  gboolean was_sending = self->current != NULL;

  g_set_object (&self->current, item);
  if (was_sending != (item != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SENDING]);
}

static gboolean
on_retry_timeout_cb (gpointer data)
{
  ParlaOutbox *self = data;

  g_clear_pointer (&self->retry_source, g_source_unref);
  kick (self);

  return G_SOURCE_REMOVE;
}

static void
retry_later (ParlaOutbox *self)
{
  guint cap = BACKOFF_MAX_MS;
  guint delay;

  if (self->attempt < 16)
    cap = MIN (cap, (guint) BACKOFF_BASE_MS << self->attempt);
  delay = (guint) g_random_int_range (0, (gint32) cap + 1);
  self->attempt++;

  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_source_unref (self->retry_source);
    }
  self->retry_source = g_timeout_source_new (delay);
  g_source_set_callback (self->retry_source, on_retry_timeout_cb, self, NULL);
  g_source_attach (self->retry_source, self->context);
}

static void
remove_item (ParlaOutbox     *self,
             ParlaOutboxItem *item)
{
  g_autoptr(GError) error = NULL;
  guint position;

  if (!delete_item (self, item, &error))
    g_warning ("%s", error->message);

  if (g_list_store_find (self->items, item, &position))
    {
      g_list_store_remove (self->items, position);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
    }
}

/* The answer to the item being sent: @result or @error. */
static void
finish_item (ParlaOutbox *self,
             JsonNode    *result,
             GError      *error)
{
  g_autoptr(ParlaOutboxItem) item = NULL;

  if (self->current == NULL)
    return;

  item = g_object_ref (self->current);
  g_object_ref (self);
  set_current (self, NULL);

  if (error == NULL)
    {
      self->attempt = 0;
      remove_item (self, item);
      g_signal_emit (self, signals[ITEM_SENT], 0, item, result);
      kick (self);
    }
  else if (is_transient (error))
    {
      g_debug ("Outbox: item %" G_GINT64_FORMAT " will be sent again: %s", item->id, error->message);
      retry_later (self);
    }
  else
    {
      remove_item (self, item);
      g_signal_emit (self, signals[ITEM_FAILED], 0, item, error);
      kick (self);
    }

  g_object_unref (self);
}

static void
on_chat_sent_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ParlaChatAck) ack = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  ack = parla_realtime_send_chat_finish (PARLA_REALTIME (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (ack != NULL)
    node = parla_chat_ack_to_json (ack);
  finish_item (PARLA_OUTBOX (user_data), node, error);
}

static void
on_request_sent_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  finish_item (PARLA_OUTBOX (user_data), node, error);
}

/* Sends the oldest item, if nothing is on its way and the connection is
 * up. */
static void
kick (ParlaOutbox *self)
{
  g_autoptr(ParlaOutboxItem) item = NULL;

  if (self->current != NULL || self->retry_source != NULL || self->db == NULL)
    return;

  if (self->realtime != NULL && parla_realtime_get_state (self->realtime) != PARLA_REALTIME_CONNECTED)
    return;

  item = g_list_model_get_item (G_LIST_MODEL (self->items), 0);
  if (item == NULL)
    return;

  /* In order: nothing passes an item that cannot go yet. */
  if ((item->kind == PARLA_OUTBOX_CHAT && self->realtime == NULL) ||
      (item->kind == PARLA_OUTBOX_REQUEST && self->client == NULL))
    return;

  set_current (self, item);
  if (item->kind == PARLA_OUTBOX_CHAT)
    {
      parla_realtime_send_chat_async (self->realtime, item->room, item->key, item->text, item->to,
                                      item->language, self->cancellable, on_chat_sent_cb, self);
    }
  else
    {
      g_autoptr(JsonNode) body = parla_outbox_item_dup_body (item);

      parla_api_client_send_async (self->client, item->method, item->path, body, item->key,
                                   self->cancellable, on_request_sent_cb, self);
    }
}

static void
on_realtime_notify_state_cb (ParlaRealtime *realtime,
                             GParamSpec    *pspec,
                             ParlaOutbox   *self)
{
  /* A new connection: what failed for want of one goes now. */
  if (parla_realtime_get_state (realtime) == PARLA_REALTIME_CONNECTED)
    {
      if (self->retry_source != NULL)
        {
          g_source_destroy (self->retry_source);
          g_clear_pointer (&self->retry_source, g_source_unref);
        }
      kick (self);
    }
}

/* Stops what is on its way (its callback sees the cancellation). */
static void
abandon_current (ParlaOutbox *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_current (self, NULL);
}

/* GObject */

static gboolean
parla_outbox_initable_init (GInitable     *initable,
                            GCancellable  *cancellable,
                            GError       **error)
{
  ParlaOutbox *self = PARLA_OUTBOX (initable);

  if (self->path == NULL)
    self->path = parla_outbox_dup_default_path ();

  if (!open_database (self, error) || !load_items (self, error))
    {
      g_clear_pointer (&self->db, sqlite3_close);
      return FALSE;
    }

  return TRUE;
}

static void
parla_outbox_initable_iface_init (GInitableIface *iface)
{
  iface->init = parla_outbox_initable_init;
}

static void
parla_outbox_dispose (GObject *object)
{
  ParlaOutbox *self = (ParlaOutbox *) object;

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  if (self->retry_source != NULL)
    {
      g_source_destroy (self->retry_source);
      g_clear_pointer (&self->retry_source, g_source_unref);
    }
  if (self->realtime != NULL)
    g_signal_handlers_disconnect_by_data (self->realtime, self);
  g_clear_object (&self->realtime);
  g_clear_object (&self->client);
  g_clear_object (&self->current);

  G_OBJECT_CLASS (parla_outbox_parent_class)->dispose (object);
}

static void
parla_outbox_finalize (GObject *object)
{
  ParlaOutbox *self = (ParlaOutbox *) object;

  g_clear_pointer (&self->db, sqlite3_close);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->items);
  g_free (self->path);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (parla_outbox_parent_class)->finalize (object);
}

static void
parla_outbox_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ParlaOutbox *self = PARLA_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_PATH:
      g_value_set_string (value, self->path);
      break;

    case PROP_COUNT:
      g_value_set_uint (value, parla_outbox_get_count (self));
      break;

    case PROP_SENDING:
      g_value_set_boolean (value, self->current != NULL);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_outbox_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ParlaOutbox *self = PARLA_OUTBOX (object);

  switch (prop_id)
    {
    case PROP_PATH:
      self->path = g_value_dup_string (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_outbox_class_init (ParlaOutboxClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_outbox_dispose;
  object_class->finalize = parla_outbox_finalize;
  object_class->get_property = parla_outbox_get_property;
  object_class->set_property = parla_outbox_set_property;

  /**
   * ParlaOutbox:path:
   *
   * The database file; %NULL at construction for the default one.
   */
  properties[PROP_PATH] =
    g_param_spec_string ("path", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaOutbox:count:
   *
   * How many items wait to be sent (or are being sent).
   */
  properties[PROP_COUNT] =
    g_param_spec_uint ("count", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaOutbox:sending:
   *
   * Whether an item is on its way to the server.
   */
  properties[PROP_SENDING] =
    g_param_spec_boolean ("sending", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaOutbox::item-sent:
   * @item: the item, now gone from the outbox
   * @result: (nullable): the chat acknowledgement (parla_chat_ack_to_json())
   *   or the response body of the request
   */
  signals[ITEM_SENT] =
    g_signal_new ("item-sent", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  PARLA_TYPE_OUTBOX_ITEM,
                  JSON_TYPE_NODE | G_SIGNAL_TYPE_STATIC_SCOPE);

  /**
   * ParlaOutbox::item-failed:
   * @item: the item, now gone from the outbox
   * @error: why the server refused it, for good
   *
   * Tell the user: what they asked for did not happen.
   */
  signals[ITEM_FAILED] =
    g_signal_new ("item-failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  PARLA_TYPE_OUTBOX_ITEM,
                  G_TYPE_ERROR | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
parla_outbox_init (ParlaOutbox *self)
{
  self->items = g_list_store_new (PARLA_TYPE_OUTBOX_ITEM);
  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_ref_thread_default ();
}

/* ParlaOutboxItem API */

gint64
parla_outbox_item_get_id (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), 0);

  return self->id;
}

ParlaOutboxKind
parla_outbox_item_get_kind (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), PARLA_OUTBOX_CHAT);

  return self->kind;
}

/**
 * parla_outbox_item_get_key:
 *
 * Returns: the client id of a chat message, or the Idempotency-Key of a
 *   request
 */
const char *
parla_outbox_item_get_key (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->key;
}

const char *
parla_outbox_item_get_description (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->description;
}

/**
 * parla_outbox_item_get_created_at:
 *
 * Returns: when the item was queued (seconds since the epoch)
 */
gint64
parla_outbox_item_get_created_at (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), 0);

  return self->created_at;
}

/**
 * parla_outbox_item_get_room:
 *
 * Returns: (nullable): the room of a chat message
 */
const char *
parla_outbox_item_get_room (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->room;
}

/**
 * parla_outbox_item_get_text:
 *
 * Returns: (nullable): the text of a chat message
 */
const char *
parla_outbox_item_get_text (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->text;
}

/**
 * parla_outbox_item_get_to:
 *
 * Returns: (nullable): the recipient of a private chat message
 */
const char *
parla_outbox_item_get_to (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->to;
}

/**
 * parla_outbox_item_get_language:
 *
 * Returns: (nullable): the language of a chat message
 */
const char *
parla_outbox_item_get_language (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->language;
}

/**
 * parla_outbox_item_get_method:
 *
 * Returns: (nullable): the HTTP method of a request
 */
const char *
parla_outbox_item_get_method (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->method;
}

/**
 * parla_outbox_item_get_path:
 *
 * Returns: (nullable): the path of a request, such as
 *   `/api/v1/sessions/<id>/book`
 */
const char *
parla_outbox_item_get_path (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  return self->path;
}

/**
 * parla_outbox_item_dup_body:
 *
 * Returns: (transfer full) (nullable): the body of a request
 */
JsonNode *
parla_outbox_item_dup_body (ParlaOutboxItem *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX_ITEM (self), NULL);

  if (self->body == NULL)
    return NULL;

  /* Written by us from a JsonNode: it parses. */
  return parla_json_parse (self->body, -1, NULL);
}

/* ParlaOutbox API */

/**
 * parla_outbox_dup_default_path:
 *
 * Returns: (transfer full): `$XDG_DATA_HOME/parla/outbox.db`
 */
char *
parla_outbox_dup_default_path (void)
{
  return g_build_filename (g_get_user_data_dir (), "parla", "outbox.db", NULL);
}

/**
 * parla_outbox_new:
 * @error: return location for a #GError
 *
 * Opens (or creates) the outbox at parla_outbox_dup_default_path().
 *
 * Returns: (transfer full) (nullable): the outbox
 */
ParlaOutbox *
parla_outbox_new (GError **error)
{
  return parla_outbox_new_for_path (NULL, error);
}

/**
 * parla_outbox_new_for_path:
 * @path: (nullable): the database file; %NULL for the default one
 * @error: return location for a #GError
 *
 * Opens (or creates) an outbox. Its items come back in the order they
 * were queued. A file written by a newer version is refused with
 * %G_IO_ERROR_NOT_SUPPORTED rather than touched.
 *
 * Returns: (transfer full) (nullable): the outbox
 */
ParlaOutbox *
parla_outbox_new_for_path (const char  *path,
                           GError     **error)
{
  return g_initable_new (PARLA_TYPE_OUTBOX, NULL, error, "path", path, NULL);
}

const char *
parla_outbox_get_path (ParlaOutbox *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX (self), NULL);

  return self->path;
}

/**
 * parla_outbox_attach:
 * @realtime: (nullable): the connection chat messages go through; its
 *   state also says when to send anything
 * @client: (nullable): the client requests go through
 *
 * Starts replaying: whenever @realtime is connected (or, without one,
 * whenever there is a @client), items are sent one at a time, oldest
 * first. An item that cannot go (a chat message without @realtime, a
 * request without @client) holds back the ones after it. An item on its
 * way with the previous pair is abandoned (and sent again later, with the
 * same key).
 */
void
parla_outbox_attach (ParlaOutbox    *self,
                     ParlaRealtime  *realtime,
                     ParlaApiClient *client)
{
  g_return_if_fail (PARLA_IS_OUTBOX (self));
  g_return_if_fail (!realtime || PARLA_IS_REALTIME (realtime));
  g_return_if_fail (!client || PARLA_IS_API_CLIENT (client));

  abandon_current (self);

  if (self->realtime != realtime)
    {
      if (self->realtime != NULL)
        g_signal_handlers_disconnect_by_data (self->realtime, self);
      g_set_object (&self->realtime, realtime);
      if (realtime != NULL)
        g_signal_connect_object (realtime, "notify::state", G_CALLBACK (on_realtime_notify_state_cb), self, 0);
    }
  g_set_object (&self->client, client);

  kick (self);
}

/**
 * parla_outbox_get_realtime:
 *
 * Returns: (transfer none) (nullable): the attached connection
 */
ParlaRealtime *
parla_outbox_get_realtime (ParlaOutbox *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX (self), NULL);

  return self->realtime;
}

/**
 * parla_outbox_get_api_client:
 *
 * Returns: (transfer none) (nullable): the attached client
 */
ParlaApiClient *
parla_outbox_get_api_client (ParlaOutbox *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX (self), NULL);

  return self->client;
}

static gboolean
append (ParlaOutbox      *self,
        ParlaOutboxItem  *item,
        GError          **error)
{
  item->key = new_key ();
  item->created_at = parla_time_now ();

  if (!insert_item (self, item, error))
    return FALSE;

  g_list_store_append (self->items, item);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_COUNT]);
  kick (self);

  return TRUE;
}

/**
 * parla_outbox_enqueue_chat:
 * @room: the room, such as `session:<id>`
 * @text: 1 to 4000 characters
 * @to: (nullable): a member of the room, for a private message
 * @language: (nullable): the language of @text (2 to 35 characters)
 * @error: return location for a #GError
 *
 * Queues a chat message. When this returns, the message is on disk: the
 * UI may show it as sent (or queued).
 *
 * Returns: (transfer full) (nullable): the message's client id (the
 *   `client_id` of its `chat.message`), or %NULL with @error set
 */
char *
parla_outbox_enqueue_chat (ParlaOutbox  *self,
                           const char   *room,
                           const char   *text,
                           const char   *to,
                           const char   *language,
                           GError      **error)
{
  g_autoptr(ParlaOutboxItem) item = NULL;
  glong length;

  g_return_val_if_fail (PARLA_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (room != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  length = g_utf8_validate (text, -1, NULL) ? g_utf8_strlen (text, -1) : -1;
  if (length < 1 || length > MAX_TEXT_CHARS)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "text", "A message has 1 to %d characters", MAX_TEXT_CHARS);
      return NULL;
    }
  if (*room == '\0' || !g_utf8_validate (room, -1, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "room", "Not a room");
      return NULL;
    }
  if (language != NULL && (strlen (language) < 2 || strlen (language) > 35))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "language", "Not a language tag");
      return NULL;
    }
  if (to != NULL && (*to == '\0' || !g_utf8_validate (to, -1, NULL)))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "to", "Not a user id");
      return NULL;
    }

  item = g_object_new (PARLA_TYPE_OUTBOX_ITEM, NULL);
  item->kind = PARLA_OUTBOX_CHAT;
  item->room = g_strdup (room);
  item->text = g_strdup (text);
  item->to = g_strdup (to);
  item->language = g_strdup (language);
  item->description = g_strdup (text);

  if (!append (self, item, error))
    return NULL;

  return g_strdup (item->key);
}

/**
 * parla_outbox_enqueue_request:
 * @method: `POST`, `PUT`, `PATCH` or `DELETE`
 * @path: the path, such as `/api/v1/sessions/<id>/book`
 * @body: (nullable): the JSON body
 * @description: what it is, for the user ("Book Conversation, Wed 9:00")
 * @error: return location for a #GError
 *
 * Queues an intent (a booking, a cancellation, a reschedule). When this
 * returns, it is on disk.
 *
 * Returns: (transfer full) (nullable): its Idempotency-Key, or %NULL with
 *   @error set
 */
char *
parla_outbox_enqueue_request (ParlaOutbox  *self,
                              const char   *method,
                              const char   *path,
                              JsonNode     *body,
                              const char   *description,
                              GError      **error)
{
  static const char * const methods[] = { "POST", "PUT", "PATCH", "DELETE", NULL };
  g_autoptr(ParlaOutboxItem) item = NULL;

  g_return_val_if_fail (PARLA_IS_OUTBOX (self), NULL);
  g_return_val_if_fail (method != NULL, NULL);
  g_return_val_if_fail (path != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (parla_enum_from_string (methods, method) < 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "method", "Only changes are queued, not %s", method);
      return NULL;
    }
  if (path[0] != '/' || !g_utf8_validate (path, -1, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "path", "A path starts with /");
      return NULL;
    }

  item = g_object_new (PARLA_TYPE_OUTBOX_ITEM, NULL);
  item->kind = PARLA_OUTBOX_REQUEST;
  item->method = g_strdup (method);
  item->path = g_strdup (path);
  item->body = body ? json_to_string (body, FALSE) : NULL;
  item->description = g_strdup (description ? description : "");

  if (!append (self, item, error))
    return NULL;

  return g_strdup (item->key);
}

/**
 * parla_outbox_get_items:
 *
 * Returns: (transfer none): the #ParlaOutboxItem waiting, oldest first
 *   (the first one may be on its way)
 */
GListModel *
parla_outbox_get_items (ParlaOutbox *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX (self), NULL);

  return G_LIST_MODEL (self->items);
}

guint
parla_outbox_get_count (ParlaOutbox *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

gboolean
parla_outbox_get_sending (ParlaOutbox *self)
{
  g_return_val_if_fail (PARLA_IS_OUTBOX (self), FALSE);

  return self->current != NULL;
}
