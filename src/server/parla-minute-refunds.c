/* parla-minute-refunds.c: giving a learner back the minutes a call used
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Support refunds a call that went wrong (a teacher who could not be
 * heard, a call cut short by our side) with POST
 * /api/v1/admin/calls/{id}/refund. A refund is a "refund" entry in the
 * minute ledger naming the lot the call's debit took from and the call,
 * so the lot gets those seconds back and a call can never be refunded
 * more than it was debited, however often the request is repeated or
 * raced (the learner's minute lock serialises them). Seconds debited
 * from a lot that has expired since cannot come back that way: the
 * answer says how many, and a grant is the tool for those. The teacher's
 * earnings for the call stay as they are: the refund is the platform's.
 */

#include "config.h"

#include "parla-minutes.h"

#include "parla-hub.h"
#include "parla-instant-calls.h"
#include "parla-server-private.h"

typedef struct
{
  char   *lot_id;
  gint64  expires_at;
  gint64  refundable;  /* debited for the call from this lot, less its refunds */
} CallLot;

static void
call_lot_clear (gpointer data)
{
  CallLot *lot = data;

  g_free (lot->lot_id);
}

/* What each lot gave the call and has not had back, the lots that
 * expire last first (a refund there lasts longest). */
static GArray *
load_call_lots (ParlaDb     *db,
                const char  *call_id,
                GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GArray) lots = g_array_new (FALSE, FALSE, sizeof (CallLot));

  g_array_set_clear_func (lots, call_lot_clear);

  rows = parla_db_query (db, error,
                         "SELECT e.lot_id, l.expires_at, -SUM(e.seconds) "
                         "FROM minute_ledger e JOIN minute_ledger l ON l.id = e.lot_id "
                         "WHERE e.call_id = $1 AND e.kind IN ('debit', 'refund') "
                         "GROUP BY e.lot_id, l.expires_at "
                         "ORDER BY l.expires_at DESC, e.lot_id",
                         PARLA_DB_TEXT, call_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    {
      CallLot lot = {
        parla_db_rows_dup_text (rows, 0),
        parla_db_rows_get_int (rows, 1),
        parla_db_rows_get_int (rows, 2),
      };

      g_array_append_val (lots, lot);
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_steal_pointer (&lots);
}

/**
 * parla_minutes_refund_call:
 * @db: a database in a transaction
 * @call_id: an instant call
 * @learner_id: its learner
 * @seconds: at most this much, or 0 for all that can be
 * @reason: why, for the ledger
 * @created_by: the admin's user id
 * @now: the server's clock
 * @out_expired: (out) (optional): seconds of the call that came from lots
 *   expired since, which cannot be refunded
 * @error: return location for a #GError
 *
 * Gives back up to @seconds of what the call was debited, into the lots
 * it came from that have not expired, the longest-lived first.
 *
 * Returns: the seconds refunded (0 when nothing was left), or -1 on error
 */
gint64
parla_minutes_refund_call (ParlaDb     *db,
                           const char  *call_id,
                           const char  *learner_id,
                           gint64       seconds,
                           const char  *reason,
                           const char  *created_by,
                           gint64       now,
                           gint64      *out_expired,
                           GError     **error)
{
  g_autoptr(GArray) lots = NULL;
  gint64 refunded = 0;
  gint64 expired = 0;

  g_return_val_if_fail (seconds >= 0, -1);

  if (!parla_minutes_lock (db, learner_id, error))
    return -1;

  lots = load_call_lots (db, call_id, error);
  if (lots == NULL)
    return -1;

  for (guint i = 0; i < lots->len; i++)
    {
      CallLot *lot = &g_array_index (lots, CallLot, i);
      g_autofree char *id = NULL;
      gint64 give;

      if (lot->refundable <= 0)
        continue;
      if (lot->expires_at <= now)
        {
          expired += lot->refundable;
          continue;
        }

      give = seconds > 0 ? MIN (lot->refundable, seconds - refunded) : lot->refundable;
      if (give <= 0)
        continue;

      id = parla_db_new_id ();
      if (parla_db_exec (db, error,
                         "INSERT INTO minute_ledger (id, user_id, kind, seconds, lot_id, call_id, reason, "
                         "created_by, created_at) VALUES ($1, $2, 'refund', $3, $4, $5, $6, $7, $8)",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_TEXT, learner_id,
                         PARLA_DB_INT, give,
                         PARLA_DB_TEXT, lot->lot_id,
                         PARLA_DB_TEXT, call_id,
                         PARLA_DB_TEXT, reason,
                         PARLA_DB_TEXT, created_by,
                         PARLA_DB_INT, now,
                         PARLA_DB_END) < 0)
        return -1;
      refunded += give;
    }

  if (out_expired != NULL)
    *out_expired = expired;
  return refunded;
}

static const ParlaField refund_fields[] = {
  { "reason", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 200 },
  { "minutes", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 1, 100000 },
};

/* POST /api/v1/admin/calls/{id}/refund {reason, minutes?}: 200
 * {call_id, learner_id, refunded_seconds, refunded_minutes,
 * expired_seconds, balance{minutes, seconds}}; the learner gets
 * minutes.refunded. */
static JsonNode *
handle_admin_refund_call (ParlaRequest  *req,
                          GError       **error)
{
  JsonObject *body = parla_request_body (req);
  const char *call_id = parla_request_param (req, 0);
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonBuilder) event = json_builder_new ();
  g_autofree char *reason = NULL;
  g_autofree char *learner_id = NULL;
  g_autofree char *status = NULL;
  const char *users[2] = { NULL, NULL };
  gint64 refunded, expired = 0, balance;

  if (req->user_role != PARLA_ROLE_ADMIN)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only an admin may do this");
      return NULL;
    }
  if (!parla_json_check_object (body, refund_fields, G_N_ELEMENTS (refund_fields), PARLA_JSON_INPUT, error))
    return NULL;

  reason = g_strstrip (g_strdup (parla_json_get_string (body, "reason", "")));
  if (reason[0] == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "reason", "“reason” must not be blank");
      return NULL;
    }

  rows = parla_db_query (req->db, error, "SELECT learner_id, status FROM instant_calls WHERE id = $1",
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
  learner_id = parla_db_rows_dup_text (rows, 0);
  status = parla_db_rows_dup_text (rows, 1);
  g_clear_pointer (&rows, parla_db_rows_free);

  /* While it runs, the meter is still taking from the same lots. */
  if (!g_str_equal (status, "ended"))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "Only a call that has ended can be refunded");
      return NULL;
    }

  refunded = parla_minutes_refund_call (req->db, call_id, learner_id,
                                        parla_json_get_int (body, "minutes", 0) * 60,
                                        reason, req->user_id, req->now, &expired, error);
  if (refunded < 0)
    return NULL;
  if (refunded == 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       expired > 0 ? "The minutes this call used have expired since: grant them instead"
                                   : "Nothing this call used is left to refund");
      return NULL;
    }

  balance = parla_minutes_balance (req->db, learner_id, req->now, NULL, error);
  if (balance < 0)
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "call_id", call_id);
  parla_json_add_string (builder, "learner_id", learner_id);
  parla_json_add_int (builder, "refunded_seconds", refunded);
  parla_json_add_int (builder, "refunded_minutes", refunded / 60);
  parla_json_add_int (builder, "expired_seconds", expired);
  parla_json_add_string (builder, "reason", reason);
  json_builder_set_member_name (builder, "balance");
  json_builder_begin_object (builder);
  parla_json_add_int (builder, "minutes", balance / 60);
  parla_json_add_int (builder, "seconds", balance);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  json_builder_begin_object (event);
  parla_json_add_string (event, "call_id", call_id);
  parla_json_add_int (event, "refunded_seconds", refunded);
  parla_json_add_int (event, "minutes", balance / 60);
  parla_json_add_int (event, "seconds", balance);
  parla_json_add_string (event, "reason", reason);
  json_builder_end_object (event);
  users[0] = learner_id;
  parla_request_add_event (req, parla_hub_event_new ("minutes.refunded", json_builder_get_root (event), users));

  return json_builder_get_root (builder);
}

const ParlaRoute parla_minute_refund_routes[] = {
  { "POST", "/api/v1/admin/calls/{id}/refund", handle_admin_refund_call,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { NULL }
};
