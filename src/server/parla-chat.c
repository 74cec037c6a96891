/* parla-chat.c: rooms, who belongs to them, and their persisted chat
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A room is "<kind>:<id>". Each kind says in one query who belongs to it;
 * adding a kind is one row in room_kinds. Every message of a room has a sequence number, assigned by
 * bumping chat_rooms.last_seq in the transaction that inserts it, so the
 * numbers of a room are strictly increasing in commit order.
 */

#include "config.h"

#include <string.h>

#include "parla-chat.h"
#include "parla-core.h"

typedef struct
{
  const char *kind;
  /* $1: the id in the room's name, $2: the user; a row when a member */
  const char *member_sql;
  /* $1: the id; the name of the room this one belongs to, or NULL */
  const char *parent_sql;
} RoomKind;

static const RoomKind room_kinds[] = {
  /* A group session: its host, and every learner holding a live seat. */
  { "session",
    "SELECT 1 FROM sessions WHERE id = $1 AND host_id = $2 "
    "UNION ALL "
    "SELECT 1 FROM bookings WHERE session_id = $1 AND learner_id = $2 AND kind = 'session' "
    "AND status IN ('confirmed', 'pending') "
    "LIMIT 1" },
  /* A 1:1 lesson: its learner and its teacher, whatever its status. */
  { "booking",
    "SELECT 1 FROM bookings WHERE id = $1 AND kind = 'lesson' AND (learner_id = $2 OR teacher_id = $2)" },
  /* The call of a session or a lesson: whoever may join it, that is the
   * host of a scheduled session and every learner with a confirmed seat,
   * or both sides of a confirmed lesson. */
  { "call",
    "SELECT 1 FROM calls c JOIN sessions s ON s.id = c.session_id "
    "WHERE c.id = $1 AND s.host_id = $2 AND s.status = 'scheduled' "
    "UNION ALL "
    "SELECT 1 FROM calls c JOIN bookings b ON b.session_id = c.session_id "
    "WHERE c.id = $1 AND b.learner_id = $2 AND b.kind = 'session' AND b.status = 'confirmed' "
    "UNION ALL "
    "SELECT 1 FROM calls c JOIN bookings b ON b.id = c.booking_id "
    "WHERE c.id = $1 AND b.kind = 'lesson' AND b.status = 'confirmed' AND (b.learner_id = $2 OR b.teacher_id = $2) "
    "UNION ALL "
    /* An instant call (parla-instant-calls.c), once accepted. */
    "SELECT 1 FROM instant_calls WHERE id = $1 AND status = 'connected' AND (learner_id = $2 OR teacher_id = $2) "
    "LIMIT 1",
    "SELECT CASE WHEN session_id IS NOT NULL THEN 'session:' || session_id ELSE 'booking:' || booking_id END "
    "FROM calls WHERE id = $1" },
};

#define ITEM_COLUMNS \
  "m.room, m.seq, m.id, m.client_id, m.sender_id, u.display_name, m.recipient_id, m.type, " \
  "m.text, m.language, m.sent_at"

static const RoomKind *
find_kind (const char *room,
           const char **id)
{
  for (guint i = 0; i < G_N_ELEMENTS (room_kinds); i++)
    {
      gsize len = strlen (room_kinds[i].kind);

      if (strncmp (room, room_kinds[i].kind, len) == 0 && room[len] == ':')
        {
          *id = room + len + 1;
          return &room_kinds[i];
        }
    }

  return NULL;
}

static gboolean
valid_id (const char *id)
{
  gsize len = strlen (id);

  if (len == 0 || len > 64)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isalnum (id[i]) && id[i] != '-' && id[i] != '_')
      return FALSE;

  return TRUE;
}

gboolean
parla_room_parse (const char  *room,
                  const char **kind,
                  char       **id)
{
  const RoomKind *room_kind;
  const char *rest = NULL;

  if (room == NULL || strlen (room) > PARLA_ROOM_MAX_CHARS)
    return FALSE;

  room_kind = find_kind (room, &rest);
  if (room_kind == NULL || !valid_id (rest))
    return FALSE;

  if (kind != NULL)
    *kind = room_kind->kind;
  if (id != NULL)
    *id = g_strdup (rest);
  return TRUE;
}

char *
parla_room_name (const char *kind,
                 const char *id)
{
  return g_strconcat (kind, ":", id, NULL);
}

gboolean
parla_room_check_member (ParlaDb     *db,
                         const char  *room,
                         const char  *user_id,
                         gboolean    *is_member,
                         GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  const RoomKind *kind;
  const char *id = NULL;

  *is_member = FALSE;

  kind = find_kind (room, &id);
  if (kind == NULL || !valid_id (id))
    return TRUE;

  rows = parla_db_query (db, error, kind->member_sql,
                         PARLA_DB_TEXT, id,
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  *is_member = parla_db_rows_next (rows);
  return parla_db_rows_get_error (rows, error);
}

gboolean
parla_room_dup_parent (ParlaDb     *db,
                       const char  *room,
                       char       **parent,
                       GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  const RoomKind *kind;
  const char *id = NULL;

  *parent = NULL;

  kind = find_kind (room, &id);
  if (kind == NULL || kind->parent_sql == NULL || !valid_id (id))
    return TRUE;

  rows = parla_db_query (db, error, kind->parent_sql,
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (parla_db_rows_next (rows))
    *parent = parla_db_rows_dup_text (rows, 0);
  return parla_db_rows_get_error (rows, error);
}

/* Messages */

static void
add_nullable (JsonBuilder *builder,
              const char  *name,
              ParlaDbRows *rows,
              guint        column)
{
  parla_json_add_string (builder, name, parla_db_rows_get_text (rows, column));
}

static JsonNode *
item_from_row (ParlaDbRows *rows)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  add_nullable (builder, "room", rows, 0);
  parla_json_add_int (builder, "seq", parla_db_rows_get_int (rows, 1));
  json_builder_set_member_name (builder, "message");
  json_builder_begin_object (builder);
  add_nullable (builder, "id", rows, 2);
  add_nullable (builder, "client_id", rows, 3);
  add_nullable (builder, "sender_id", rows, 4);
  add_nullable (builder, "sender_name", rows, 5);
  add_nullable (builder, "to", rows, 6);
  add_nullable (builder, "type", rows, 7);
  add_nullable (builder, "text", rows, 8);
  add_nullable (builder, "language", rows, 9);
  parla_json_add_instant (builder, "sent_at", parla_db_rows_get_int (rows, 10));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
load_item (ParlaDb     *db,
           const char  *room,
           gint64       seq,
           GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, error,
                         "SELECT " ITEM_COLUMNS " FROM chat_messages m JOIN users u ON u.id = m.sender_id "
                         "WHERE m.room = $1 AND m.seq = $2",
                         PARLA_DB_TEXT, room,
                         PARLA_DB_INT, seq,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED, "Message %s #%" G_GINT64_FORMAT " vanished",
                     room, seq);
      return NULL;
    }

  return item_from_row (rows);
}

JsonNode *
parla_chat_store (ParlaDb               *db,
                  gint64                 now,
                  const ParlaChatDraft  *draft,
                  gboolean              *duplicate,
                  GError               **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *id = NULL;
  gint64 seq;

  *duplicate = FALSE;

  rows = parla_db_query (db, error,
                         "SELECT seq FROM chat_messages WHERE room = $1 AND sender_id = $2 AND client_id = $3",
                         PARLA_DB_TEXT, draft->room,
                         PARLA_DB_TEXT, draft->sender_id,
                         PARLA_DB_TEXT, draft->client_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (parla_db_rows_next (rows))
    {
      seq = parla_db_rows_get_int (rows, 0);
      g_clear_pointer (&rows, parla_db_rows_free);
      *duplicate = TRUE;
      return load_item (db, draft->room, seq, error);
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query (db, error,
                         "INSERT INTO chat_rooms (room, last_seq) VALUES ($1, 1) "
                         "ON CONFLICT (room) DO UPDATE SET last_seq = chat_rooms.last_seq + 1 "
                         "RETURNING last_seq",
                         PARLA_DB_TEXT, draft->room,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        g_set_error_literal (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED, "No sequence number");
      return NULL;
    }
  seq = parla_db_rows_get_int (rows, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  id = parla_db_new_id ();
  if (parla_db_exec (db, error,
                     "INSERT INTO chat_messages (room, seq, id, client_id, sender_id, recipient_id, type, "
                     "text, language, sent_at) VALUES ($1, $2, $3, $4, $5, $6, 'text', $7, $8, $9)",
                     PARLA_DB_TEXT, draft->room,
                     PARLA_DB_INT, seq,
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, draft->client_id,
                     PARLA_DB_TEXT, draft->sender_id,
                     PARLA_DB_TEXT, draft->recipient_id,
                     PARLA_DB_TEXT, draft->text,
                     PARLA_DB_TEXT, draft->language,
                     PARLA_DB_INT, now,
                     PARLA_DB_END) < 0)
    return NULL;

  return load_item (db, draft->room, seq, error);
}

GPtrArray *
parla_chat_list (ParlaDb     *db,
                 const char  *room,
                 const char  *viewer_id,
                 gint64       after_seq,
                 gint64       before_seq,
                 guint        limit,
                 gboolean    *more,
                 GError     **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(ParlaDbRows) rows = NULL;
  gboolean forward = after_seq >= 0;
  const char *sql;

  *more = FALSE;

  /* Private messages are seen by their sender and their recipient only. */
  if (forward)
    sql = "SELECT " ITEM_COLUMNS " FROM chat_messages m JOIN users u ON u.id = m.sender_id "
          "WHERE m.room = $1 AND (m.recipient_id IS NULL OR m.sender_id = $2 OR m.recipient_id = $2) "
          "AND m.seq > $3 ORDER BY m.seq LIMIT $4";
  else
    sql = "SELECT " ITEM_COLUMNS " FROM chat_messages m JOIN users u ON u.id = m.sender_id "
          "WHERE m.room = $1 AND (m.recipient_id IS NULL OR m.sender_id = $2 OR m.recipient_id = $2) "
          "AND m.seq < $3 ORDER BY m.seq DESC LIMIT $4";

  rows = parla_db_query (db, error, sql,
                         PARLA_DB_TEXT, room,
                         PARLA_DB_TEXT, viewer_id,
                         PARLA_DB_INT, forward ? after_seq : (before_seq > 0 ? before_seq : G_MAXINT64),
                         PARLA_DB_INT, (gint64) limit + 1,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  while (parla_db_rows_next (rows))
    {
      if (items->len == limit)
        {
          *more = TRUE;
          break;
        }
      g_ptr_array_add (items, item_from_row (rows));
    }
  if (!*more && !parla_db_rows_get_error (rows, error))
    return NULL;

  if (!forward)
    {
      for (guint i = 0, j = items->len ? items->len - 1 : 0; i < j; i++, j--)
        {
          gpointer tmp = items->pdata[i];
          items->pdata[i] = items->pdata[j];
          items->pdata[j] = tmp;
        }
    }

  return g_steal_pointer (&items);
}

gint64
parla_chat_last_seq (ParlaDb     *db,
                     const char  *room,
                     GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, error, "SELECT last_seq FROM chat_rooms WHERE room = $1",
                         PARLA_DB_TEXT, room,
                         PARLA_DB_END);
  if (rows == NULL)
    return -1;
  if (parla_db_rows_next (rows))
    return parla_db_rows_get_int (rows, 0);
  if (!parla_db_rows_get_error (rows, error))
    return -1;
  return 0;
}

gboolean
parla_chat_mark (ParlaDb     *db,
                 gint64       now,
                 const char  *room,
                 const char  *user_id,
                 gint64       delivered_seq,
                 gint64       read_seq,
                 gint64      *out_delivered,
                 gint64      *out_read,
                 gboolean    *changed,
                 GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  gint64 last = parla_chat_last_seq (db, room, error);
  gint64 old_delivered = 0, old_read = 0;

  *changed = FALSE;
  if (last < 0)
    return FALSE;

  read_seq = CLAMP (read_seq, 0, last);
  delivered_seq = MAX (CLAMP (delivered_seq, 0, last), read_seq);

  rows = parla_db_query (db, error,
                         "SELECT delivered_seq, read_seq FROM chat_receipts WHERE room = $1 AND user_id = $2",
                         PARLA_DB_TEXT, room,
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (parla_db_rows_next (rows))
    {
      old_delivered = parla_db_rows_get_int (rows, 0);
      old_read = parla_db_rows_get_int (rows, 1);
    }
  else if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  *out_delivered = MAX (old_delivered, delivered_seq);
  *out_read = MAX (old_read, read_seq);
  if (*out_delivered == old_delivered && *out_read == old_read)
    return TRUE;

  if (parla_db_exec (db, error,
                     "INSERT INTO chat_receipts (room, user_id, delivered_seq, read_seq, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5) "
                     "ON CONFLICT (room, user_id) DO UPDATE SET delivered_seq = $3, read_seq = $4, updated_at = $5",
                     PARLA_DB_TEXT, room,
                     PARLA_DB_TEXT, user_id,
                     PARLA_DB_INT, *out_delivered,
                     PARLA_DB_INT, *out_read,
                     PARLA_DB_INT, now,
                     PARLA_DB_END) < 0)
    return FALSE;

  *changed = TRUE;
  return TRUE;
}

JsonNode *
parla_chat_receipts (ParlaDb     *db,
                     const char  *room,
                     GError     **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, error,
                         "SELECT user_id, delivered_seq, read_seq FROM chat_receipts WHERE room = $1 ORDER BY user_id",
                         PARLA_DB_TEXT, room,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      add_nullable (builder, "user_id", rows, 0);
      parla_json_add_int (builder, "delivered_seq", parla_db_rows_get_int (rows, 1));
      parla_json_add_int (builder, "read_seq", parla_db_rows_get_int (rows, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return json_builder_get_root (builder);
}
