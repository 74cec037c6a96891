/* parla-route-calls.c: joining the call of a session or a lesson, the ICE
 * servers that come with it, and who was in it
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A call belongs to one group session or one 1:1 lesson and is made by
 * the first participant who joins it. Joining answers the call's room on
 * the WebSocket hub ("call:<id>", where the peers exchange their offers,
 * answers and ICE candidates with "signal"), the participants, and the
 * ICE servers their RTCPeerConnection needs, with short-lived TURN
 * credentials in coturn's "TURN REST API" scheme. Who was in the call
 * when is written by the hub (parla-hub.c) as people come and go.
 */

#include "config.h"

#include <string.h>

#include "parla-chat.h"
#include "parla-instant-calls.h"
#include "parla-server-private.h"

/* The call opens this long before the start, as session.starting comes. */
#define JOIN_LEAD_SECONDS 600

static const char session_participants_sql[] =
  "SELECT 0, u.id, u.display_name FROM sessions s JOIN users u ON u.id = s.host_id WHERE s.id = $1 "
  "UNION ALL "
  "SELECT 1, u.id, u.display_name FROM bookings b JOIN users u ON u.id = b.learner_id "
  "WHERE b.session_id = $1 AND b.kind = 'session' AND b.status = 'confirmed' "
  "ORDER BY 1, 3, 2";

static const char lesson_participants_sql[] =
  "SELECT 0, u.id, u.display_name FROM bookings b JOIN users u ON u.id = b.teacher_id WHERE b.id = $1 "
  "UNION ALL "
  "SELECT 1, u.id, u.display_name FROM bookings b JOIN users u ON u.id = b.learner_id WHERE b.id = $1 "
  "ORDER BY 1, 3, 2";

/* What a call belongs to: exactly one of the two is set. */
typedef struct
{
  const char *session_id;
  const char *booking_id;
} CallOwner;

/* ICE servers */

/* coturn's use-auth-secret: the password of "<expiry>:<user id>" is
 * base64 (HMAC-SHA1 (secret, username)). */
static char *
turn_credential (const char *secret,
                 const char *username)
{
  g_autoptr(GHmac) hmac = g_hmac_new (G_CHECKSUM_SHA1, (const guchar *) secret, strlen (secret));
  guint8 digest[20];
  gsize length = sizeof digest;

  g_hmac_update (hmac, (const guchar *) username, -1);
  g_hmac_get_digest (hmac, digest, &length);

  return g_base64_encode (digest, length);
}

/* "ice_servers": exactly what RTCPeerConnection's iceServers takes. A
 * STUN entry has urls only; the TURN entry, given only when a secret is
 * configured, has credentials for @user_id that expire after the ttl. */
void
parla_calls_add_ice_servers (JsonBuilder             *builder,
                             const ParlaServerConfig *config,
                             const char              *user_id,
                             gint64                   now)
{
  json_builder_set_member_name (builder, "ice_servers");
  json_builder_begin_array (builder);

  if (config->stun_urls != NULL && config->stun_urls[0] != NULL)
    {
      json_builder_begin_object (builder);
      parla_json_add_strv (builder, "urls", (const char * const *) config->stun_urls);
      json_builder_end_object (builder);
    }

  if (config->turn_urls != NULL && config->turn_urls[0] != NULL &&
      config->turn_secret != NULL && config->turn_secret[0] != '\0')
    {
      g_autofree char *username = g_strdup_printf ("%" G_GINT64_FORMAT ":%s",
                                                   now + config->turn_ttl_seconds, user_id);
      g_autofree char *credential = turn_credential (config->turn_secret, username);

      json_builder_begin_object (builder);
      parla_json_add_strv (builder, "urls", (const char * const *) config->turn_urls);
      parla_json_add_string (builder, "username", username);
      parla_json_add_string (builder, "credential", credential);
      json_builder_end_object (builder);
    }

  json_builder_end_array (builder);
}

/* Helpers */

static void
add_nullable_instant (JsonBuilder *builder,
                      const char  *name,
                      ParlaDbRows *rows,
                      guint        column)
{
  if (parla_db_rows_is_null (rows, column))
    parla_json_add_string (builder, name, NULL);
  else
    parla_json_add_instant (builder, name, parla_db_rows_get_int (rows, column));
}

/* Everyone who may be in the call: the host or teacher first, then the
 * learners with a confirmed seat, by name. */
static gboolean
add_participants (JsonBuilder      *builder,
                  ParlaRequest     *req,
                  const CallOwner  *owner,
                  GError          **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         owner->session_id ? session_participants_sql : lesson_participants_sql,
                         PARLA_DB_TEXT, owner->session_id ? owner->session_id : owner->booking_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  json_builder_set_member_name (builder, "participants");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "user_id", parla_db_rows_get_text (rows, 1));
      parla_json_add_string (builder, "display_name", parla_db_rows_get_text (rows, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return parla_db_rows_get_error (rows, error);
}

/* Joining (and the other steps of a call) take no body: nothing, or an
 * empty object. @what names the step in the error: "Joining". */
gboolean
parla_calls_check_no_body (ParlaRequest  *req,
                           const char    *what,
                           GError       **error)
{
  JsonObject *body = parla_request_body (req);
  JsonObjectIter iter;
  const char *name;

  if (body == NULL)
    return TRUE;

  json_object_iter_init (&iter, body);
  if (json_object_iter_next (&iter, &name, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, name,
                       "%s takes no body, or {}: “%s” is not expected", what, name);
      return FALSE;
    }

  return TRUE;
}

/* Open from JOIN_LEAD_SECONDS before the start until the end. */
static gboolean
check_window (ParlaRequest  *req,
              const char    *what,
              gint64         start,
              gint64         end,
              GError       **error)
{
  if (req->now < start - JOIN_LEAD_SECONDS)
    {
      g_autofree char *opens = parla_time_format_rfc3339 (start - JOIN_LEAD_SECONDS);

      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "The call of this %s opens at %s, %d minutes before the start",
                       what, opens, JOIN_LEAD_SECONDS / 60);
      return FALSE;
    }

  if (req->now >= end)
    {
      g_autofree char *ended = parla_time_format_rfc3339 (end);

      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "This %s ended at %s; its call is closed", what, ended);
      return FALSE;
    }

  return TRUE;
}

/* Sets *call_id to the call of @owner, or NULL when it has none yet;
 * FALSE only on a database error. */
static gboolean
find_call (ParlaRequest     *req,
           const CallOwner  *owner,
           char            **call_id,
           GError          **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  *call_id = NULL;

  if (owner->session_id != NULL)
    rows = parla_db_query (req->db, error, "SELECT id FROM calls WHERE session_id = $1",
                           PARLA_DB_TEXT, owner->session_id,
                           PARLA_DB_END);
  else
    rows = parla_db_query (req->db, error, "SELECT id FROM calls WHERE booking_id = $1",
                           PARLA_DB_TEXT, owner->booking_id,
                           PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (parla_db_rows_next (rows))
    *call_id = parla_db_rows_dup_text (rows, 0);
  return parla_db_rows_get_error (rows, error);
}

/* The call of @owner, made now if it has none. Of two joiners racing to
 * make it, one inserts and the other's insert does nothing (PostgreSQL
 * waits for the first to commit); both read back the same row. */
static char *
ensure_call (ParlaRequest     *req,
             const CallOwner  *owner,
             GError          **error)
{
  g_autofree char *id = NULL;
  char *call_id = NULL;

  if (!find_call (req, owner, &call_id, error))
    return NULL;
  if (call_id != NULL)
    return call_id;

  id = parla_db_new_id ();
  if (parla_db_exec (req->db, error,
                     owner->session_id
                     ? "INSERT INTO calls (id, session_id, booking_id, created_at) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT (session_id) DO NOTHING"
                     : "INSERT INTO calls (id, session_id, booking_id, created_at) VALUES ($1, $2, $3, $4) "
                       "ON CONFLICT (booking_id) DO NOTHING",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, owner->session_id,
                     PARLA_DB_TEXT, owner->booking_id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  if (!find_call (req, owner, &call_id, error))
    return NULL;
  if (call_id == NULL)
    g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED, "The call just made is missing");

  return call_id;
}

/* {call_id, room, participants, ice_servers} */
static JsonNode *
join_call (ParlaRequest     *req,
           const CallOwner  *owner,
           GError          **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;

  call_id = ensure_call (req, owner, error);
  if (call_id == NULL)
    return NULL;
  room = parla_room_name ("call", call_id);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "call_id", call_id);
  parla_json_add_string (builder, "room", room);
  if (!add_participants (builder, req, owner, error))
    return NULL;
  parla_calls_add_ice_servers (builder, req->config, req->user_id, req->now);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* A group session: its host, and learners with a confirmed seat. Anyone
 * without a seat in it (of any status) is told it does not exist, as for
 * its chat; a seat that is not confirmed is the wrong state. Sets *found
 * to FALSE, without an error, when there is no such session. */
static JsonNode *
join_session (ParlaRequest  *req,
              const char    *session_id,
              gboolean      *found,
              GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *host_id = NULL;
  g_autofree char *status = NULL;
  CallOwner owner = { session_id, NULL };
  gboolean confirmed = FALSE, pending = FALSE, other = FALSE;
  gint64 start, end;

  *found = FALSE;

  rows = parla_db_query (req->db, error, "SELECT host_id, status, start_at, end_at FROM sessions WHERE id = $1",
                         PARLA_DB_TEXT, session_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      parla_db_rows_get_error (rows, error);
      return NULL;
    }
  *found = TRUE;
  host_id = parla_db_rows_dup_text (rows, 0);
  status = parla_db_rows_dup_text (rows, 1);
  start = parla_db_rows_get_int (rows, 2);
  end = parla_db_rows_get_int (rows, 3);
  g_clear_pointer (&rows, parla_db_rows_free);

  if (!g_str_equal (host_id, req->user_id))
    {
      rows = parla_db_query (req->db, error,
                             "SELECT status FROM bookings WHERE session_id = $1 AND learner_id = $2 AND kind = 'session'",
                             PARLA_DB_TEXT, session_id,
                             PARLA_DB_TEXT, req->user_id,
                             PARLA_DB_END);
      if (rows == NULL)
        return NULL;
      while (parla_db_rows_next (rows))
        {
          const char *seat = parla_db_rows_get_text (rows, 0);

          if (g_str_equal (seat, "confirmed"))
            confirmed = TRUE;
          else if (g_str_equal (seat, "pending"))
            pending = TRUE;
          else
            other = TRUE;
        }
      if (!parla_db_rows_get_error (rows, error))
        return NULL;

      /* Worded as for an id that names nothing. */
      if (!confirmed && !pending && !other)
        {
          parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such session or lesson");
          return NULL;
        }
    }

  if (g_str_equal (status, "cancelled"))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This session was cancelled");
      return NULL;
    }

  if (!g_str_equal (host_id, req->user_id) && !confirmed)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       pending ? "Your seat in this session is not confirmed yet"
                               : "You no longer have a seat in this session");
      return NULL;
    }

  if (!check_window (req, "session", start, end, error))
    return NULL;

  return join_call (req, &owner, error);
}

/* A 1:1 lesson: its teacher and its learner, once confirmed. Anyone else
 * is told it does not exist, as for GET /bookings/{id}. Sets *found to
 * FALSE, without an error, when the caller has no such lesson. */
static JsonNode *
join_lesson (ParlaRequest  *req,
             const char    *booking_id,
             gboolean      *found,
             GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  CallOwner owner = { NULL, booking_id };
  const char *status;

  *found = FALSE;

  rows = parla_db_query (req->db, error,
                         "SELECT status, start_at, end_at FROM bookings "
                         "WHERE id = $1 AND kind = 'lesson' AND (learner_id = $2 OR teacher_id = $2)",
                         PARLA_DB_TEXT, booking_id,
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      parla_db_rows_get_error (rows, error);
      return NULL;
    }
  *found = TRUE;

  status = parla_db_rows_get_text (rows, 0);
  if (g_str_equal (status, "cancelled") || g_str_equal (status, "rejected"))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This lesson was %s", status);
      return NULL;
    }
  if (!g_str_equal (status, "confirmed"))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "This lesson is not confirmed yet: the teacher has not accepted it");
      return NULL;
    }

  if (!check_window (req, "lesson", parla_db_rows_get_int (rows, 1), parla_db_rows_get_int (rows, 2), error))
    return NULL;
  g_clear_pointer (&rows, parla_db_rows_free);

  return join_call (req, &owner, error);
}

/* Handlers */

/* {id} is a group session, or the booking of a 1:1 lesson. */
static JsonNode *
handle_join_session (ParlaRequest  *req,
                     GError       **error)
{
  const char *id = parla_request_param (req, 0);
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;
  gboolean found = FALSE;

  if (!parla_calls_check_no_body (req, "Joining", error))
    return NULL;

  node = join_session (req, id, &found, &local_error);
  if (!found && local_error == NULL)
    node = join_lesson (req, id, &found, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!found)
    parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such session or lesson");

  return node;
}

/* A lesson's booking joins its call, a seat its session's. */
static JsonNode *
handle_join_booking (ParlaRequest  *req,
                     GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *session_id = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonNode *node;
  gboolean found = FALSE;

  if (!parla_calls_check_no_body (req, "Joining", error))
    return NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT kind, session_id FROM bookings WHERE id = $1 AND (learner_id = $2 OR teacher_id = $2)",
                         PARLA_DB_TEXT, parla_request_param (req, 0),
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such booking");
      return NULL;
    }
  kind = parla_db_rows_dup_text (rows, 0);
  session_id = parla_db_rows_dup_text (rows, 1);
  g_clear_pointer (&rows, parla_db_rows_free);

  if (g_str_equal (kind, "lesson"))
    node = join_lesson (req, parla_request_param (req, 0), &found, &local_error);
  else
    node = join_session (req, session_id, &found, &local_error);

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (!found)
    parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such booking");

  return node;
}

static gboolean
add_attendance (JsonBuilder   *builder,
                ParlaRequest  *req,
                const char    *call_id,
                GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT user_id, joined_at, left_at FROM call_attendance WHERE call_id = $1 "
                         "ORDER BY joined_at, user_id, left_at IS NULL, left_at",
                         PARLA_DB_TEXT, call_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  json_builder_set_member_name (builder, "attendance");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "user_id", parla_db_rows_get_text (rows, 0));
      parla_json_add_instant (builder, "joined_at", parla_db_rows_get_int (rows, 1));
      add_nullable_instant (builder, "left_at", rows, 2);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  return parla_db_rows_get_error (rows, error);
}

/* The call for those who may join it: when it started and ended, who may
 * be in it, and who was, when. An instant call (parla-instant-calls.c)
 * shows its own state to its learner and the teachers it rang. */
static JsonNode *
handle_get_call (ParlaRequest  *req,
                 GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *room = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *booking_id = NULL;
  const char *call_id = parla_request_param (req, 0);
  CallOwner owner;
  gboolean member = FALSE;
  gboolean instant = FALSE;
  JsonNode *node;

  node = parla_instant_call_lookup (req, call_id, &instant, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (instant)
    return node;

  room = parla_room_name ("call", call_id);
  if (parla_room_parse (room, NULL, NULL) &&
      !parla_room_check_member (req->db, room, req->user_id, &member, error))
    return NULL;
  if (!member)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such call");
      return NULL;
    }

  rows = parla_db_query (req->db, error,
                         "SELECT session_id, booking_id, started_at, ended_at FROM calls WHERE id = $1",
                         PARLA_DB_TEXT, call_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such call");
      return NULL;
    }

  session_id = parla_db_rows_dup_text (rows, 0);
  booking_id = parla_db_rows_dup_text (rows, 1);
  owner.session_id = session_id;
  owner.booking_id = booking_id;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "call_id", call_id);
  parla_json_add_string (builder, "room", room);
  parla_json_add_string (builder, "session_id", session_id);
  parla_json_add_string (builder, "booking_id", booking_id);
  add_nullable_instant (builder, "started_at", rows, 2);
  add_nullable_instant (builder, "ended_at", rows, 3);
  g_clear_pointer (&rows, parla_db_rows_free);

  if (!add_participants (builder, req, &owner, error) ||
      !add_attendance (builder, req, call_id, error))
    return NULL;
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const ParlaRoute parla_call_routes[] = {
  { "POST", "/api/v1/sessions/{id}/join", handle_join_session,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/bookings/{id}/join", handle_join_booking,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "GET", "/api/v1/calls/{id}", handle_get_call, PARLA_ROUTE_AUTH },
  { NULL }
};
