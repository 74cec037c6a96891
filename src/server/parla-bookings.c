/* parla-bookings.c: what every booking path shares: the teacher lock,
 * commitments, loading bookings and sessions, cancelling with the refund
 * the booking's own policy snapshot gives
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-hub.h"
#include "parla-payments.h"
#include "parla-server-private.h"

/**
 * parla_teacher_lock:
 *
 * Bumps the teacher's lock_version inside the current write transaction.
 * On PostgreSQL this row lock serialises every transaction that books the
 * same teacher; SQLite already serialises all writers. Every path that
 * adds a commitment to a teacher's calendar takes it first, so that
 * "check for conflicts, then insert" cannot interleave.
 */
gboolean
parla_teacher_lock (ParlaRequest  *req,
                    const char    *teacher_id,
                    GError       **error)
{
  gint64 changed;

  changed = parla_db_exec (req->db, error,
                           "UPDATE teacher_profiles SET lock_version = lock_version + 1 WHERE user_id = $1",
                           PARLA_DB_TEXT, teacher_id,
                           PARLA_DB_END);
  if (changed < 0)
    return FALSE;

  if (changed == 0)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such teacher");
      return FALSE;
    }

  return TRUE;
}

/**
 * parla_teacher_commitments:
 *
 * Returns: (transfer full): the #ParlaInterval of every scheduled session
 *   the teacher hosts and every live (confirmed, pending, or held for
 *   payment) lesson, that overlap [@from, @to)
 */
GArray *
parla_teacher_commitments (ParlaRequest  *req,
                           const char    *teacher_id,
                           gint64         from,
                           gint64         to,
                           const char    *except_booking_id,
                           const char    *except_session_id,
                           GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GArray) intervals = g_array_new (FALSE, FALSE, sizeof (ParlaInterval));

  rows = parla_db_query (req->db, error,
                         "SELECT start_at, end_at FROM sessions "
                         "WHERE host_id = $1 AND status = 'scheduled' AND start_at < $3 AND end_at > $2 "
                         "AND id <> $5 "
                         "UNION ALL "
                         "SELECT start_at, end_at FROM bookings "
                         "WHERE teacher_id = $1 AND kind = 'lesson' AND status IN ('confirmed', 'pending', 'payment_pending') "
                         "AND start_at < $3 AND end_at > $2 AND id <> $4",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_INT, from,
                         PARLA_DB_INT, to,
                         PARLA_DB_TEXT, except_booking_id ? except_booking_id : "",
                         PARLA_DB_TEXT, except_session_id ? except_session_id : "",
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  while (parla_db_rows_next (rows))
    {
      ParlaInterval interval = { parla_db_rows_get_int (rows, 0), parla_db_rows_get_int (rows, 1) };
      g_array_append_val (intervals, interval);
    }

  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_steal_pointer (&intervals);
}

/**
 * parla_teacher_load_availability:
 *
 * Returns: (transfer full) (nullable): the availability, or %NULL without
 *   error when the teacher never set one
 */
ParlaAvailability *
parla_teacher_load_availability (ParlaRequest  *req,
                                 const char    *teacher_id,
                                 GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonNode) node = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT document FROM availability WHERE user_id = $1",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    return NULL;

  node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, error);
  if (node == NULL)
    return NULL;

  return parla_availability_new_from_json (node, error);
}

/* Bookings */

#define BOOKING_COLUMNS \
  "b.id, b.kind, b.session_id, b.offering_id, b.learner_id, l.display_name, b.teacher_id, " \
  "t.display_name, b.title, b.start_at, b.end_at, b.status, b.topic, b.message, b.price_minor, " \
  "b.currency, b.fee_minor, b.refund_minor, b.cancelled_by, b.cancelled_at, b.created_at, b.policy, " \
  "b.hold_expires_at, b.checkout_url, b.refund_status, b.learner_time_zone, b.reject_reason"

static void
add_nullable_text (JsonBuilder *builder,
                   const char  *name,
                   ParlaDbRows *rows,
                   guint        column)
{
  parla_json_add_string (builder, name, parla_db_rows_get_text (rows, column));
}

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

static void
add_history (ParlaRequest *req,
             JsonBuilder  *builder,
             const char   *booking_id)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = parla_db_query (req->db, &error,
                         "SELECT at, action, actor_id, status, from_start, from_end, to_start, to_end "
                         "FROM booking_history WHERE booking_id = $1 ORDER BY seq",
                         PARLA_DB_TEXT, booking_id,
                         PARLA_DB_END);
  if (rows == NULL)
    {
      g_warning ("Cannot read booking history: %s", error->message);
      return;
    }

  json_builder_set_member_name (builder, "history");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      parla_json_add_instant (builder, "at", parla_db_rows_get_int (rows, 0));
      add_nullable_text (builder, "action", rows, 1);
      add_nullable_text (builder, "actor_id", rows, 2);
      add_nullable_text (builder, "status", rows, 3);
      add_nullable_instant (builder, "from_start", rows, 4);
      add_nullable_instant (builder, "from_end", rows, 5);
      add_nullable_instant (builder, "to_start", rows, 6);
      add_nullable_instant (builder, "to_end", rows, 7);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static ParlaBooking *
booking_from_row (ParlaRequest  *req,
                  ParlaDbRows   *rows,
                  gboolean       with_history,
                  GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) policy = NULL;

  policy = parla_json_parse (parla_db_rows_get_text (rows, 21), -1, error);
  if (policy == NULL)
    return NULL;

  json_builder_begin_object (builder);
  add_nullable_text (builder, "id", rows, 0);
  add_nullable_text (builder, "kind", rows, 1);
  add_nullable_text (builder, "session_id", rows, 2);
  add_nullable_text (builder, "offering_id", rows, 3);
  add_nullable_text (builder, "learner_id", rows, 4);
  add_nullable_text (builder, "learner_name", rows, 5);
  add_nullable_text (builder, "teacher_id", rows, 6);
  add_nullable_text (builder, "teacher_name", rows, 7);
  add_nullable_text (builder, "title", rows, 8);
  parla_json_add_instant (builder, "start", parla_db_rows_get_int (rows, 9));
  parla_json_add_instant (builder, "end", parla_db_rows_get_int (rows, 10));
  add_nullable_text (builder, "status", rows, 11);
  add_nullable_text (builder, "topic", rows, 12);
  add_nullable_text (builder, "message", rows, 13);
  parla_json_add_int (builder, "price_minor", parla_db_rows_get_int (rows, 14));
  add_nullable_text (builder, "currency", rows, 15);
  parla_json_add_int (builder, "fee_minor", parla_db_rows_get_int (rows, 16));
  json_builder_set_member_name (builder, "refund_minor");
  if (parla_db_rows_is_null (rows, 17))
    json_builder_add_null_value (builder);
  else
    json_builder_add_int_value (builder, parla_db_rows_get_int (rows, 17));
  add_nullable_text (builder, "cancelled_by", rows, 18);
  add_nullable_instant (builder, "cancelled_at", rows, 19);
  parla_json_add_instant (builder, "created_at", parla_db_rows_get_int (rows, 20));
  parla_json_add_node (builder, "policy", policy);
  add_nullable_instant (builder, "hold_expires_at", rows, 22);
  add_nullable_text (builder, "checkout_url", rows, 23);
  add_nullable_text (builder, "refund_status", rows, 24);
  add_nullable_text (builder, "learner_time_zone", rows, 25);
  add_nullable_text (builder, "reject_reason", rows, 26);
  if (with_history)
    add_history (req, builder, parla_db_rows_get_text (rows, 0));
  json_builder_end_object (builder);

  node = json_builder_get_root (builder);
  return parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

/**
 * parla_booking_load:
 *
 * Loads a booking the caller may see: its learner or its teacher. Anyone
 * else gets not_found, as if it did not exist.
 */
ParlaBooking *
parla_booking_load (ParlaRequest  *req,
                    const char    *booking_id,
                    gboolean       with_history,
                    GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(ParlaBooking) booking = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT " BOOKING_COLUMNS " FROM bookings b "
                         "JOIN users l ON l.id = b.learner_id JOIN users t ON t.id = b.teacher_id "
                         "WHERE b.id = $1 AND (b.learner_id = $2 OR b.teacher_id = $2)",
                         PARLA_DB_TEXT, booking_id,
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

  booking = booking_from_row (req, rows, with_history, error);
  return g_steal_pointer (&booking);
}

/**
 * parla_booking_load_any:
 *
 * Loads a booking whoever asks: for the server's own work (webhooks,
 * timers), never for a caller's request.
 */
ParlaBooking *
parla_booking_load_any (ParlaRequest  *req,
                        const char    *booking_id,
                        GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT " BOOKING_COLUMNS " FROM bookings b "
                         "JOIN users l ON l.id = b.learner_id JOIN users t ON t.id = b.teacher_id "
                         "WHERE b.id = $1",
                         PARLA_DB_TEXT, booking_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such booking");
      return NULL;
    }

  return booking_from_row (req, rows, FALSE, error);
}

/**
 * parla_bookings_query:
 * @sql_tail: "WHERE ... ORDER BY ... LIMIT ..." using @params
 *
 * Returns: (transfer full): a #GPtrArray of #JsonNode, the bookings as
 *   resources
 */
GPtrArray *
parla_bookings_query (ParlaRequest   *req,
                      const char     *sql_tail,
                      ParlaDbParams  *params,
                      GError        **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *sql = NULL;

  sql = g_strconcat ("SELECT " BOOKING_COLUMNS " FROM bookings b "
                     "JOIN users l ON l.id = b.learner_id JOIN users t ON t.id = b.teacher_id ",
                     sql_tail, NULL);
  rows = parla_db_query_params (req->db, sql, params, error);
  if (rows == NULL)
    return NULL;

  while (parla_db_rows_next (rows))
    {
      g_autoptr(ParlaBooking) booking = booking_from_row (req, rows, FALSE, error);

      if (booking == NULL)
        return NULL;
      g_ptr_array_add (items, parla_booking_to_json (booking));
    }

  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_steal_pointer (&items);
}

gboolean
parla_booking_record_change (ParlaRequest  *req,
                             const char    *booking_id,
                             const char    *action,
                             const char    *status,
                             gint64         from_start,
                             gint64         from_end,
                             gint64         to_start,
                             gint64         to_end,
                             GError       **error)
{
  g_autofree char *id = parla_db_new_id ();

  return parla_db_exec (req->db, error,
                        "INSERT INTO booking_history (id, booking_id, seq, at, actor_id, action, status, "
                        "from_start, from_end, to_start, to_end) "
                        "VALUES ($1, $2, (SELECT COUNT(*) + 1 FROM booking_history WHERE booking_id = $2), "
                        "$3, $4, $5, $6, NULLIF($7, 0), NULLIF($8, 0), NULLIF($9, 0), NULLIF($10, 0))",
                        PARLA_DB_TEXT, id,
                        PARLA_DB_TEXT, booking_id,
                        PARLA_DB_INT, req->now,
                        PARLA_DB_TEXT, req->user_id,
                        PARLA_DB_TEXT, action,
                        PARLA_DB_TEXT, status,
                        PARLA_DB_INT, from_start,
                        PARLA_DB_INT, from_end,
                        PARLA_DB_INT, to_start,
                        PARLA_DB_INT, to_end,
                        PARLA_DB_END) >= 0;
}

/**
 * parla_booking_cancel:
 * @by: who cancels; the refund follows the booking's policy snapshot
 *
 * Cancels a live booking inside the current write transaction, releases
 * its seat if it is one, and records the change.
 *
 * Returns: (transfer full): the cancelled booking
 */
ParlaBooking *
parla_booking_cancel (ParlaRequest  *req,
                      const char    *booking_id,
                      ParlaParty     by,
                      GError       **error)
{
  g_autoptr(ParlaBooking) booking = NULL;
  ParlaPolicy *policy;
  gint64 refund;

  booking = parla_booking_load (req, booking_id, FALSE, error);
  if (booking == NULL)
    return NULL;

  if (!parla_booking_is_active (booking))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, "status", "This booking is already %s",
                       parla_booking_status_names[parla_booking_get_status (booking)]);
      return NULL;
    }

  policy = parla_booking_get_policy (booking);
  refund = parla_policy_refund_minor (policy,
                                      parla_booking_get_price_minor (booking),
                                      parla_booking_get_start (booking),
                                      req->now, by);

  /* What was paid is refunded through the outbox; an unpaid hold gives
   * nothing back and closes its checkout. */
  if (!parla_payments_on_cancel (req, booking, &refund, error))
    return NULL;

  if (parla_db_exec (req->db, error,
                     "UPDATE bookings SET status = 'cancelled', refund_minor = $2, cancelled_by = $3, "
                     "cancelled_at = $4, updated_at = $4, hold_expires_at = NULL, checkout_url = NULL "
                     "WHERE id = $1",
                     PARLA_DB_TEXT, booking_id,
                     PARLA_DB_INT, refund,
                     PARLA_DB_TEXT, parla_party_names[by],
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  if (parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_SESSION &&
      parla_db_exec (req->db, error,
                     "UPDATE sessions SET seats_taken = seats_taken - 1, updated_at = $2 "
                     "WHERE id = $1 AND seats_taken > 0",
                     PARLA_DB_TEXT, parla_booking_get_session_id (booking),
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  if (!parla_booking_record_change (req, booking_id, "cancelled", "cancelled", 0, 0, 0, 0, error))
    return NULL;

  /* The row now holds exactly this; no need to read it back. */
  parla_booking_set_status (booking, PARLA_BOOKING_CANCELLED);
  parla_booking_set_refund_minor (booking, refund);
  parla_booking_set_cancelled_by (booking, by);
  parla_booking_set_cancelled_at (booking, req->now);
  parla_booking_set_hold_expires_at (booking, 0);
  parla_booking_set_checkout_url (booking, NULL);

  parla_events_booking (req, "booking.cancelled", booking);
  if (parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_SESSION &&
      !parla_events_seats (req, parla_booking_get_session_id (booking), error))
    return NULL;

  return g_steal_pointer (&booking);
}

/**
 * parla_add_cancellation_policy:
 * @resource: an offering or a session, as JSON
 * @teacher_id: its teacher or host
 * @cache: (nullable): teacher id to policy, for a listing of many
 *
 * Adds "cancellation_policy" to @resource: the policy a booking of it
 * made now would snapshot, in the shape of a booking's "policy".
 */
gboolean
parla_add_cancellation_policy (ParlaRequest  *req,
                               JsonNode      *resource,
                               const char    *teacher_id,
                               GHashTable    *cache,
                               GError       **error)
{
  JsonNode *policy = cache != NULL ? g_hash_table_lookup (cache, teacher_id) : NULL;

  g_return_val_if_fail (JSON_NODE_HOLDS_OBJECT (resource), FALSE);

  if (policy == NULL)
    {
      g_autoptr(ParlaPolicy) in_force = parla_payments_dup_policy (req, teacher_id, error);

      if (in_force == NULL)
        return FALSE;
      policy = parla_policy_to_json (in_force);
      if (cache != NULL)
        g_hash_table_insert (cache, g_strdup (teacher_id), policy);
    }

  json_object_set_member (json_node_get_object (resource), "cancellation_policy",
                          cache != NULL ? json_node_copy (policy) : policy);
  return TRUE;
}

/**
 * parla_booking_read_time_zone:
 * @body: a booking request, already checked
 * @out_zone: (out) (transfer full): the learner's time zone
 *
 * The learner's time zone for a new booking: "learner_time_zone" of the
 * request if given (an IANA name), else the zone of the caller's teacher
 * profile if they have one, else UTC.
 */
gboolean
parla_booking_read_time_zone (ParlaRequest  *req,
                              JsonObject    *body,
                              char         **out_zone,
                              GError       **error)
{
  const char *zone = body != NULL ? parla_json_get_string (body, "learner_time_zone", NULL) : NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  if (zone != NULL)
    {
      g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (zone);

      if (tz == NULL)
        {
          parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "learner_time_zone",
                           "“learner_time_zone” must be an IANA time zone such as Europe/Madrid");
          return FALSE;
        }

      *out_zone = g_strdup (zone);
      return TRUE;
    }

  rows = parla_db_query (req->db, error,
                         "SELECT time_zone FROM teacher_profiles WHERE user_id = $1",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  *out_zone = g_strdup (parla_db_rows_next (rows) ? parla_db_rows_get_text (rows, 0) : "UTC");
  return parla_db_rows_get_error (rows, error);
}

/**
 * parla_booking_insert:
 *
 * Creates a booking with the policy in force now (with the teacher's own
 * platform fee, if they have one) snapshotted into it, and its first
 * history entry. A booking created payment_pending is held for payment.
 *
 * Returns: (transfer full): the new booking's id
 */
char *
parla_booking_insert (ParlaRequest         *req,
                      const ParlaNewBooking *b,
                      GError              **error)
{
  g_autofree char *id = parla_db_new_id ();
  g_autoptr(ParlaPolicy) in_force = parla_payments_dup_policy (req, b->teacher_id, error);
  g_autoptr(JsonNode) policy = NULL;
  g_autofree char *policy_text = NULL;
  gint64 fee;

  if (in_force == NULL)
    return NULL;

  policy = parla_policy_to_json (in_force);
  policy_text = parla_json_to_string (policy);
  fee = parla_policy_fee_minor (in_force, b->price_minor);

  if (parla_db_exec (req->db, error,
                     "INSERT INTO bookings (id, kind, session_id, offering_id, learner_id, teacher_id, title, "
                     "start_at, end_at, status, topic, message, price_minor, currency, fee_minor, policy, "
                     "created_at, updated_at, learner_time_zone) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $17, $18)",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, parla_booking_kind_names[b->kind],
                     PARLA_DB_TEXT, b->session_id,
                     PARLA_DB_TEXT, b->offering_id,
                     PARLA_DB_TEXT, req->user_id,
                     PARLA_DB_TEXT, b->teacher_id,
                     PARLA_DB_TEXT, b->title,
                     PARLA_DB_INT, b->start,
                     PARLA_DB_INT, b->end,
                     PARLA_DB_TEXT, parla_booking_status_names[b->status],
                     PARLA_DB_TEXT, b->topic ? b->topic : "",
                     PARLA_DB_TEXT, b->message ? b->message : "",
                     PARLA_DB_INT, b->price_minor,
                     PARLA_DB_TEXT, b->currency,
                     PARLA_DB_INT, fee,
                     PARLA_DB_TEXT, policy_text,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_TEXT, b->learner_time_zone ? b->learner_time_zone : "UTC",
                     PARLA_DB_END) < 0)
    return NULL;

  if (!parla_booking_record_change (req, id, "created", parla_booking_status_names[b->status],
                                    0, 0, b->start, b->end, error))
    return NULL;

  if (b->status == PARLA_BOOKING_PAYMENT_PENDING &&
      !parla_payments_hold (req, id, b->paid_status, error))
    return NULL;

  return g_steal_pointer (&id);
}

/**
 * parla_booking_create:
 *
 * Inserts the booking and answers with it: 201 and the booking as the
 * caller sees it.
 */
JsonNode *
parla_booking_create (ParlaRequest          *req,
                      const ParlaNewBooking *new_booking,
                      GError               **error)
{
  g_autofree char *id = parla_booking_insert (req, new_booking, error);
  g_autoptr(ParlaBooking) booking = NULL;

  if (id == NULL)
    return NULL;

  booking = parla_booking_load (req, id, FALSE, error);
  if (booking == NULL)
    return NULL;

  parla_events_booking (req, "booking.created", booking);
  if (new_booking->kind == PARLA_BOOKING_KIND_SESSION &&
      !parla_events_seats (req, new_booking->session_id, error))
    return NULL;

  req->status = 201;
  return parla_booking_to_json (booking);
}

/* Session events */

/**
 * parla_events_booking:
 * @type: "booking.created", "booking.cancelled", ...
 *
 * Pushes {"type": @type, "booking": {...}} to the booking's learner and
 * teacher once the transaction commits.
 */
void
parla_events_booking (ParlaRequest *req,
                      const char   *type,
                      ParlaBooking *booking)
{
  const char *users[] = { parla_booking_get_learner_id (booking), parla_booking_get_teacher_id (booking), NULL };
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = parla_booking_to_json (booking);

  json_builder_begin_object (builder);
  parla_json_add_node (builder, "booking", node);
  json_builder_end_object (builder);

  parla_request_add_event (req, parla_hub_event_new (type, json_builder_get_root (builder), users));
}

/**
 * parla_events_seats:
 *
 * Pushes the seats left in a session, as this transaction leaves them, to
 * everyone connected: {"type":"session.seats","session_id","seats_left",
 * "capacity"}. Several changes in one request push the last count only.
 */
gboolean
parla_events_seats (ParlaRequest  *req,
                    const char    *session_id,
                    GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  ParlaHubEvent *event;
  gint64 capacity, taken;

  rows = parla_db_query (req->db, error,
                         "SELECT capacity, seats_taken, status FROM sessions WHERE id = $1",
                         PARLA_DB_TEXT, session_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (!parla_db_rows_next (rows))
    return parla_db_rows_get_error (rows, error);

  capacity = parla_db_rows_get_int (rows, 0);
  taken = parla_db_rows_get_int (rows, 1);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "session_id", session_id);
  parla_json_add_int (builder, "seats_left", MAX (0, capacity - taken));
  parla_json_add_int (builder, "capacity", capacity);
  parla_json_add_string (builder, "status", parla_db_rows_get_text (rows, 2));
  json_builder_end_object (builder);

  event = parla_hub_event_new ("session.seats", json_builder_get_root (builder), NULL);
  event->key = g_strconcat ("seats:", session_id, NULL);
  parla_request_add_event (req, event);

  return TRUE;
}

/**
 * parla_session_dup_learner_ids:
 *
 * Returns: (transfer full): the learners holding a live seat
 */
GStrv
parla_session_dup_learner_ids (ParlaRequest  *req,
                               const char    *session_id,
                               GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GStrvBuilder) ids = g_strv_builder_new ();

  rows = parla_db_query (req->db, error,
                         "SELECT learner_id FROM bookings WHERE session_id = $1 AND kind = 'session' "
                         "AND status IN ('confirmed', 'pending')",
                         PARLA_DB_TEXT, session_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  while (parla_db_rows_next (rows))
    g_strv_builder_add (ids, parla_db_rows_get_text (rows, 0));
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_strv_builder_end (ids);
}
