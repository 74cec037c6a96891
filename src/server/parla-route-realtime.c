/* parla-route-realtime.c: the WebSocket endpoint, and chat history
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-chat.h"
#include "parla-server-private.h"

#define DEFAULT_HISTORY_LIMIT 50
#define MAX_HISTORY_LIMIT 100
#define MAX_CONTACTS 200

/* Runs on a worker before the upgrade: the token was checked by the
 * route's PARLA_ROUTE_AUTH. Answers whose presence the user sees from the
 * start: the other side of every live booking they have, the teachers of
 * a learner and the learners of a teacher. parla-server.c then upgrades. */
static JsonNode *
handle_ws (ParlaRequest  *req,
           GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT u.id, u.display_name FROM bookings b "
                         "JOIN users u ON u.id = (CASE WHEN b.learner_id = $1 THEN b.teacher_id ELSE b.learner_id END) "
                         "WHERE (b.learner_id = $1 OR b.teacher_id = $1) AND b.status IN ('confirmed', 'pending') "
                         "AND u.id <> $1 "
                         "GROUP BY u.id, u.display_name ORDER BY MAX(b.start_at) DESC, u.id LIMIT $2",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_INT, (gint64) MAX_CONTACTS,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "contacts");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "user_id", parla_db_rows_get_text (rows, 0));
      parla_json_add_string (builder, "display_name", parla_db_rows_get_text (rows, 1));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return json_builder_get_root (builder);
}

/* A page of a room's chat, newest page first, each page oldest first:
 * {"room", "items": [{room, seq, message}], "next_before": SEQ or null,
 *  "last_seq", "receipts": [...]}. Only the room's participants see it;
 * for anyone else it does not exist. */
static JsonNode *
list_messages (ParlaRequest  *req,
               const char    *kind,
               const char    *missing,
               GError       **error)
{
  g_autofree char *room = parla_room_name (kind, parla_request_param (req, 0));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(JsonNode) receipts = NULL;
  gint64 before, limit, last_seq;
  gboolean member = FALSE;
  gboolean more;

  if (!parla_request_query_int (req, "before", 1, G_MAXINT64, 0, &before, error) ||
      !parla_request_query_int (req, "limit", 1, MAX_HISTORY_LIMIT, DEFAULT_HISTORY_LIMIT, &limit, error))
    return NULL;

  if (parla_room_parse (room, NULL, NULL) &&
      !parla_room_check_member (req->db, room, req->user_id, &member, error))
    return NULL;

  if (!member)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "%s", missing);
      return NULL;
    }

  items = parla_chat_list (req->db, room, req->user_id, -1, before, (guint) limit, &more, error);
  if (items == NULL)
    return NULL;
  last_seq = parla_chat_last_seq (req->db, room, error);
  if (last_seq < 0)
    return NULL;
  receipts = parla_chat_receipts (req->db, room, error);
  if (receipts == NULL)
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "room", room);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < items->len; i++)
    json_builder_add_value (builder, json_node_ref (g_ptr_array_index (items, i)));
  json_builder_end_array (builder);
  json_builder_set_member_name (builder, "next_before");
  if (more && items->len > 0)
    json_builder_add_int_value (builder,
                                json_object_get_int_member (json_node_get_object (g_ptr_array_index (items, 0)),
                                                            "seq"));
  else
    json_builder_add_null_value (builder);
  parla_json_add_int (builder, "last_seq", last_seq);
  parla_json_add_node (builder, "receipts", receipts);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
handle_session_messages (ParlaRequest  *req,
                         GError       **error)
{
  return list_messages (req, "session", "No such session", error);
}

static JsonNode *
handle_booking_messages (ParlaRequest  *req,
                         GError       **error)
{
  return list_messages (req, "booking", "No such booking", error);
}

const ParlaRoute parla_realtime_routes[] = {
  { "GET", "/api/v1/ws", handle_ws, PARLA_ROUTE_AUTH | PARLA_ROUTE_WEBSOCKET },
  { "GET", "/api/v1/sessions/{id}/messages", handle_session_messages, PARLA_ROUTE_AUTH },
  { "GET", "/api/v1/bookings/{id}/messages", handle_booking_messages, PARLA_ROUTE_AUTH },
  { NULL }
};
