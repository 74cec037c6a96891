/* parla-route-bookings.c: 1:1 lessons from offerings, and every booking's
 * life: accept, reject, reschedule, cancel
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-payments.h"
#include "parla-server-private.h"

#define DAY (24 * 3600)

static const ParlaField book_fields[] = {
  { "start", PARLA_FIELD_INSTANT, PARLA_FIELD_REQUIRED },
  { "topic", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 0, 200 },
  { "message", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 0, 2000 },
  { "learner_time_zone", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 1, 64 },
};

static const ParlaField reschedule_fields[] = {
  { "start", PARLA_FIELD_INSTANT, PARLA_FIELD_REQUIRED },
};

static const ParlaField cancel_fields[] = {
  { "reason", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 0, 2000 },
};

static const ParlaField reject_fields[] = {
  { "reason", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 0, 500 },
};

/* Checks that [start, start + duration) is a slot of the teacher's
 * availability with nothing else on their calendar, under the teacher
 * lock. A time that is free in the hours but taken is slot_taken; a time
 * outside the hours (or the lead time, or the horizon) is slot_unavailable. */
static gboolean
check_slot (ParlaRequest  *req,
            const char    *teacher_id,
            gint64         start,
            int            duration_minutes,
            const char    *except_booking_id,
            GError       **error)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GArray) commitments = NULL;
  g_autoptr(GError) local_error = NULL;
  const ParlaAvailabilityRules *rules;
  gint64 margin;

  if (start <= req->now)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "start", "“start” must be in the future");
      return FALSE;
    }

  if (!parla_teacher_lock (req, teacher_id, error))
    return FALSE;

  availability = parla_teacher_load_availability (req, teacher_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (availability == NULL ||
      !parla_availability_is_bookable (availability, NULL, 0, start, duration_minutes, req->now))
    {
      parla_set_error (error, PARLA_ERROR_SLOT_UNAVAILABLE, "start",
                       "The teacher does not teach at this time");
      return FALSE;
    }

  rules = parla_availability_get_rules (availability);
  margin = 2 * DAY + (gint64) (rules->buffer_before_minutes + rules->buffer_after_minutes) * 60;
  commitments = parla_teacher_commitments (req, teacher_id, start - margin,
                                           start + duration_minutes * 60 + margin,
                                           except_booking_id, NULL, error);
  if (commitments == NULL)
    return FALSE;

  if (!parla_availability_is_bookable (availability,
                                       (const ParlaInterval *) (gpointer) commitments->data,
                                       commitments->len, start, duration_minutes, req->now))
    {
      parla_set_error (error, PARLA_ERROR_SLOT_TAKEN, "start", "Someone else has just booked this time");
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
handle_book_offering (ParlaRequest  *req,
                      GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autoptr(ParlaOffering) offering = NULL;
  g_autofree char *zone = NULL;
  ParlaNewBooking lesson = { 0, };
  gint64 start;

  if (!parla_json_check_object (body, book_fields, G_N_ELEMENTS (book_fields), PARLA_JSON_INPUT, error) ||
      !parla_booking_read_time_zone (req, body, &zone, error))
    return NULL;

  offering = parla_offering_load (req, parla_request_param (req, 0), error);
  if (offering == NULL)
    return NULL;

  if (parla_offering_get_archived (offering))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This offering is no longer available");
      return NULL;
    }

  if (parla_offering_get_session_type (offering) != PARLA_OFFERING_INDIVIDUAL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                       "Group offerings are booked as seats in their scheduled sessions");
      return NULL;
    }

  if (g_strcmp0 (parla_offering_get_teacher_id (offering), req->user_id) == 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "You cannot book your own offering");
      return NULL;
    }

  start = parla_json_get_instant (body, "start", 0);
  /* Holds that ran out on our clock no longer take the time. */
  if (!parla_payments_release_expired (req, error))
    return NULL;
  if (!check_slot (req, parla_offering_get_teacher_id (offering), start,
                   parla_offering_get_duration_minutes (offering), NULL, error))
    return NULL;

  lesson.kind = PARLA_BOOKING_KIND_LESSON;
  lesson.offering_id = parla_offering_get_id (offering);
  lesson.teacher_id = parla_offering_get_teacher_id (offering);
  lesson.title = parla_offering_get_title (offering);
  lesson.start = start;
  lesson.end = start + (gint64) parla_offering_get_duration_minutes (offering) * 60;
  lesson.status = parla_offering_get_requires_approval (offering) ? PARLA_BOOKING_PENDING : PARLA_BOOKING_CONFIRMED;
  /* A paid lesson is held until Stripe says it is paid. */
  if (parla_offering_get_price_minor (offering) > 0 && parla_payments_enabled (req->config))
    {
      lesson.paid_status = lesson.status;
      lesson.status = PARLA_BOOKING_PAYMENT_PENDING;
    }
  lesson.topic = parla_json_get_string (body, "topic", "");
  lesson.message = parla_json_get_string (body, "message", "");
  lesson.learner_time_zone = zone;
  lesson.price_minor = parla_offering_get_price_minor (offering);
  lesson.currency = parla_offering_get_currency (offering);

  return parla_booking_create (req, &lesson, error);
}

static JsonNode *
handle_list_mine (ParlaRequest  *req,
                  GError       **error)
{
  g_autoptr(ParlaDbParams) count_params = parla_db_params_new ();
  g_autoptr(ParlaDbParams) params = parla_db_params_new ();
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  static const char * const roles[] = { "learner", "teacher", NULL };
  gint64 page, limit, from, to, total = 0;
  int role, status;

  if (!parla_request_page (req, &page, &limit, error) ||
      !parla_request_query_enum (req, "role", roles, &role, error) ||
      !parla_request_query_enum (req, "status", parla_booking_status_names, &status, error) ||
      !parla_request_query_instant (req, "from", G_MININT64, &from, error) ||
      !parla_request_query_instant (req, "to", G_MAXINT64, &to, error))
    return NULL;

  for (guint pass = 0; pass < 2; pass++)
    {
      ParlaDbParams *p = pass == 0 ? count_params : params;
      g_autoptr(GString) where = g_string_new ("WHERE ");
      const char *me = parla_db_params_add_text (p, req->user_id);

      if (role == 0)
        g_string_append_printf (where, "b.learner_id = %s", me);
      else if (role == 1)
        g_string_append_printf (where, "b.teacher_id = %s", me);
      else
        g_string_append_printf (where, "(b.learner_id = %s OR b.teacher_id = %s)", me, me);

      if (status >= 0)
        g_string_append_printf (where, " AND b.status = %s",
                                parla_db_params_add_text (p, parla_booking_status_names[status]));
      if (from != G_MININT64)
        g_string_append_printf (where, " AND b.end_at > %s", parla_db_params_add_int (p, from));
      if (to != G_MAXINT64)
        g_string_append_printf (where, " AND b.start_at < %s", parla_db_params_add_int (p, to));

      if (pass == 0)
        {
          g_autofree char *sql = g_strconcat ("SELECT COUNT(*) FROM bookings b ", where->str, NULL);

          rows = parla_db_query_params (req->db, sql, p, error);
          if (rows == NULL)
            return NULL;
          if (parla_db_rows_next (rows))
            total = parla_db_rows_get_int (rows, 0);
          g_clear_pointer (&rows, parla_db_rows_free);
        }
      else
        {
          g_string_append_printf (where, " ORDER BY b.start_at, b.id LIMIT %s OFFSET %s",
                                  parla_db_params_add_int (p, limit),
                                  parla_db_params_add_int (p, (page - 1) * limit));
          items = parla_bookings_query (req, where->str, p, error);
          if (items == NULL)
            return NULL;
        }
    }

  return parla_request_list_response (g_steal_pointer (&items), total, page, limit);
}

static JsonNode *
handle_get (ParlaRequest  *req,
            GError       **error)
{
  g_autoptr(ParlaBooking) booking = parla_booking_load (req, parla_request_param (req, 0), TRUE, error);

  if (booking == NULL)
    return NULL;

  return parla_booking_to_json (booking);
}

static ParlaBooking *
load_pending_for_teacher (ParlaRequest  *req,
                          GError       **error)
{
  g_autoptr(ParlaBooking) booking = parla_booking_load (req, parla_request_param (req, 0), FALSE, error);

  if (booking == NULL)
    return NULL;

  if (g_strcmp0 (parla_booking_get_teacher_id (booking), req->user_id) != 0)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the teacher answers a request");
      return NULL;
    }

  if (parla_booking_get_status (booking) != PARLA_BOOKING_PENDING)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, "status", "This request was already answered");
      return NULL;
    }

  return g_steal_pointer (&booking);
}

/* @reason: (nullable): why a request was declined */
static JsonNode *
answer (ParlaRequest        *req,
        ParlaBookingStatus   status,
        const char          *reason,
        GError             **error)
{
  g_autoptr(ParlaBooking) booking = load_pending_for_teacher (req, error);
  g_autofree char *id = NULL;
  gint64 refund;

  if (booking == NULL)
    return NULL;

  id = g_strdup (parla_booking_get_id (booking));

  if (status == PARLA_BOOKING_CONFIRMED && parla_booking_get_start (booking) <= req->now)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This lesson's time has passed");
      return NULL;
    }

  /* A rejected request is refunded whatever was paid. */
  refund = status == PARLA_BOOKING_REJECTED ? parla_booking_get_price_minor (booking) : -1;
  if (status == PARLA_BOOKING_REJECTED && !parla_payments_refund (req, id, refund, error))
    return NULL;

  if (parla_db_exec (req->db, error,
                     "UPDATE bookings SET status = $2, refund_minor = NULLIF($3, -1), updated_at = $4, "
                     "reject_reason = $5 WHERE id = $1",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, parla_booking_status_names[status],
                     PARLA_DB_INT, refund,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_TEXT, reason,
                     PARLA_DB_END) < 0)
    return NULL;

  if (!parla_booking_record_change (req, id, status == PARLA_BOOKING_CONFIRMED ? "accepted" : "rejected",
                                    parla_booking_status_names[status], 0, 0, 0, 0, error))
    return NULL;

  parla_booking_set_status (booking, status);
  parla_booking_set_refund_minor (booking, refund);
  parla_booking_set_reject_reason (booking, reason);

  parla_events_booking (req, status == PARLA_BOOKING_CONFIRMED ? "booking.accepted" : "booking.rejected",
                        booking);
  return parla_booking_to_json (booking);
}

static JsonNode *
handle_accept (ParlaRequest  *req,
               GError       **error)
{
  return answer (req, PARLA_BOOKING_CONFIRMED, NULL, error);
}

static JsonNode *
handle_reject (ParlaRequest  *req,
               GError       **error)
{
  g_autofree char *reason = NULL;

  if (req->json != NULL &&
      !parla_json_check (req->json, reject_fields, G_N_ELEMENTS (reject_fields), PARLA_JSON_INPUT, error))
    return NULL;

  /* A blank reason is no reason. */
  if (req->json != NULL)
    reason = g_strstrip (g_strdup (parla_json_get_string (parla_request_body (req), "reason", "")));
  if (reason != NULL && *reason == '\0')
    g_clear_pointer (&reason, g_free);

  return answer (req, PARLA_BOOKING_REJECTED, reason, error);
}

static JsonNode *
handle_reschedule (ParlaRequest  *req,
                   GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autoptr(ParlaBooking) booking = NULL;
  g_autofree char *id = NULL;
  gint64 old_start, old_end, start, end;

  if (!parla_json_check_object (body, reschedule_fields, G_N_ELEMENTS (reschedule_fields),
                                PARLA_JSON_INPUT, error))
    return NULL;

  booking = parla_booking_load (req, parla_request_param (req, 0), FALSE, error);
  if (booking == NULL)
    return NULL;

  id = g_strdup (parla_booking_get_id (booking));

  if (parla_booking_get_kind (booking) != PARLA_BOOKING_KIND_LESSON)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "A seat follows its session's schedule; only the host moves a session");
      return NULL;
    }

  if (!parla_booking_is_active (booking))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, "status", "This booking is no longer active");
      return NULL;
    }

  old_start = parla_booking_get_start (booking);
  old_end = parla_booking_get_end (booking);
  if (old_start <= req->now)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This lesson has already started");
      return NULL;
    }

  start = parla_json_get_instant (body, "start", 0);
  end = start + (old_end - old_start);

  if (!check_slot (req, parla_booking_get_teacher_id (booking), start,
                   (int) ((old_end - old_start) / 60), id, error))
    return NULL;

  if (parla_db_exec (req->db, error,
                     "UPDATE bookings SET start_at = $2, end_at = $3, updated_at = $4 WHERE id = $1",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_INT, start,
                     PARLA_DB_INT, end,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  if (!parla_booking_record_change (req, id, "rescheduled",
                                    parla_booking_status_names[parla_booking_get_status (booking)],
                                    old_start, old_end, start, end, error))
    return NULL;

  g_clear_object (&booking);
  booking = parla_booking_load (req, id, TRUE, error);
  if (booking == NULL)
    return NULL;

  parla_events_booking (req, "booking.rescheduled", booking);
  return parla_booking_to_json (booking);
}

static JsonNode *
handle_cancel (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(ParlaBooking) cancelled = NULL;
  ParlaParty by;

  if (req->json != NULL &&
      !parla_json_check (req->json, cancel_fields, G_N_ELEMENTS (cancel_fields), PARLA_JSON_INPUT, error))
    return NULL;

  booking = parla_booking_load (req, parla_request_param (req, 0), FALSE, error);
  if (booking == NULL)
    return NULL;

  by = g_strcmp0 (parla_booking_get_learner_id (booking), req->user_id) == 0
       ? PARLA_PARTY_LEARNER : PARLA_PARTY_TEACHER;

  cancelled = parla_booking_cancel (req, parla_booking_get_id (booking), by, error);
  if (cancelled == NULL)
    return NULL;

  return parla_booking_to_json (cancelled);
}

const ParlaRoute parla_booking_routes[] = {
  { "POST", "/api/v1/offerings/{id}/book", handle_book_offering,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY | PARLA_ROUTE_IDEMPOTENT },
  { "GET", "/api/v1/me/bookings", handle_list_mine, PARLA_ROUTE_AUTH },
  { "GET", "/api/v1/bookings/{id}", handle_get, PARLA_ROUTE_AUTH },
  { "POST", "/api/v1/bookings/{id}/accept", handle_accept, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/bookings/{id}/reject", handle_reject, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/bookings/{id}/reschedule", handle_reschedule,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY | PARLA_ROUTE_IDEMPOTENT },
  { "POST", "/api/v1/bookings/{id}/cancel", handle_cancel,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT | PARLA_ROUTE_IDEMPOTENT },
  { NULL }
};
