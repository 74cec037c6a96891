/* parla-route-reviews.c: learners rate the lessons that took place, and
 * everyone reads a teacher's reviews
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include "parla-server-private.h"

#define DEFAULT_LIMIT 10
#define MAX_LIMIT     50

static const ParlaField review_fields[] = {
  { "rating", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 5 },
  { "text", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 0, 2000 },
};

/**
 * parla_review_insert:
 * @rating: 1 to 5 stars
 * @text: (nullable): what the learner wrote
 *
 * Stores the review of @booking_id inside the current write transaction
 * and adds its stars to the teacher's rating. A booking has one review: a
 * second one is a #PARLA_ERROR_CONFLICT.
 *
 * Returns: (transfer full): the review's id
 */
char *
parla_review_insert (ParlaRequest  *req,
                     const char    *booking_id,
                     const char    *teacher_id,
                     const char    *learner_id,
                     gint64         rating,
                     const char    *text,
                     GError       **error)
{
  g_autofree char *id = parla_db_new_id ();
  gint64 changed;

  g_return_val_if_fail (rating >= 1 && rating <= 5, NULL);

  changed = parla_db_exec (req->db, error,
                           "INSERT INTO reviews (id, booking_id, teacher_id, learner_id, rating, text, created_at) "
                           "VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (booking_id) DO NOTHING",
                           PARLA_DB_TEXT, id,
                           PARLA_DB_TEXT, booking_id,
                           PARLA_DB_TEXT, teacher_id,
                           PARLA_DB_TEXT, learner_id,
                           PARLA_DB_INT, rating,
                           PARLA_DB_TEXT, text != NULL ? text : "",
                           PARLA_DB_INT, req->now,
                           PARLA_DB_END);
  if (changed < 0)
    return NULL;

  if (changed == 0)
    {
      parla_set_error (error, PARLA_ERROR_CONFLICT, NULL, "You have already reviewed this lesson");
      return NULL;
    }

  if (parla_db_exec (req->db, error,
                     "UPDATE teacher_profiles SET rating_sum = rating_sum + $2, rating_count = rating_count + 1 "
                     "WHERE user_id = $1",
                     PARLA_DB_TEXT, teacher_id,
                     PARLA_DB_INT, rating,
                     PARLA_DB_END) < 0)
    return NULL;

  return g_steal_pointer (&id);
}

/* Whether the booking's learner had the lesson: they were in its call, or,
 * for a 1:1 lesson that never had a call record, it stayed confirmed until
 * its end. */
static gboolean
took_place (ParlaRequest  *req,
            ParlaBooking  *booking,
            gboolean      *out,
            GError       **error)
{
  gboolean seat = parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_SESSION;
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT c.id, EXISTS (SELECT 1 FROM call_attendance a "
                         "WHERE a.call_id = c.id AND a.user_id = $3) "
                         "FROM calls c WHERE c.booking_id = $1 OR c.session_id = $2",
                         PARLA_DB_TEXT, seat ? "" : parla_booking_get_id (booking),
                         PARLA_DB_TEXT, seat ? parla_booking_get_session_id (booking) : "",
                         PARLA_DB_TEXT, parla_booking_get_learner_id (booking),
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (parla_db_rows_next (rows))
    *out = parla_db_rows_get_int (rows, 1) != 0;
  else
    *out = !seat &&
           parla_booking_get_status (booking) == PARLA_BOOKING_CONFIRMED &&
           parla_booking_get_end (booking) <= req->now;

  return parla_db_rows_get_error (rows, error);
}

static JsonNode *
handle_review (ParlaRequest  *req,
               GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *id = NULL;
  g_autofree char *text = NULL;
  gboolean attended = FALSE;
  gint64 rating;

  if (!parla_json_check_object (body, review_fields, G_N_ELEMENTS (review_fields), PARLA_JSON_INPUT, error))
    return NULL;

  booking = parla_booking_load (req, parla_request_param (req, 0), FALSE, error);
  if (booking == NULL)
    return NULL;

  if (g_strcmp0 (parla_booking_get_learner_id (booking), req->user_id) != 0)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the learner reviews a lesson");
      return NULL;
    }

  if (!took_place (req, booking, &attended, error))
    return NULL;

  if (!attended)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "You can review a lesson once it has taken place");
      return NULL;
    }

  rating = parla_json_get_int (body, "rating", 0);
  text = g_strstrip (g_strdup (parla_json_get_string (body, "text", "")));
  id = parla_review_insert (req, parla_booking_get_id (booking), parla_booking_get_teacher_id (booking),
                            req->user_id, rating, text, error);
  if (id == NULL)
    return NULL;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", id);
  parla_json_add_string (builder, "booking_id", parla_booking_get_id (booking));
  parla_json_add_string (builder, "teacher_id", parla_booking_get_teacher_id (booking));
  parla_json_add_string (builder, "learner_id", req->user_id);
  parla_json_add_int (builder, "rating", rating);
  parla_json_add_string (builder, "text", text);
  parla_json_add_instant (builder, "created_at", req->now);
  json_builder_end_object (builder);

  req->status = 201;
  return json_builder_get_root (builder);
}

static JsonNode *
handle_list (ParlaRequest  *req,
             GError       **error)
{
  const char *teacher_id = parla_request_param (req, 0);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;
  gint64 limit, offset, rating_sum, rating_count, total = 0;

  if (!parla_request_query_int (req, "limit", 1, MAX_LIMIT, DEFAULT_LIMIT, &limit, error) ||
      !parla_request_query_int (req, "offset", 0, G_MAXINT32, 0, &offset, error))
    return NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT tp.rating_sum, tp.rating_count, "
                         "(SELECT COUNT(*) FROM reviews r WHERE r.teacher_id = tp.user_id) "
                         "FROM teacher_profiles tp WHERE tp.user_id = $1",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such teacher");
      return NULL;
    }

  rating_sum = parla_db_rows_get_int (rows, 0);
  rating_count = parla_db_rows_get_int (rows, 1);
  total = parla_db_rows_get_int (rows, 2);
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query (req->db, error,
                         "SELECT r.id, r.rating, r.text, r.created_at, u.id, u.display_name "
                         "FROM reviews r JOIN users u ON u.id = r.learner_id "
                         "WHERE r.teacher_id = $1 ORDER BY r.created_at DESC, r.id LIMIT $2 OFFSET $3",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_INT, limit,
                         PARLA_DB_INT, offset,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "reviews");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "id", parla_db_rows_get_text (rows, 0));
      parla_json_add_int (builder, "rating", parla_db_rows_get_int (rows, 1));
      parla_json_add_string (builder, "text", parla_db_rows_get_text (rows, 2));
      parla_json_add_instant (builder, "created_at", parla_db_rows_get_int (rows, 3));
      json_builder_set_member_name (builder, "learner");
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "id", parla_db_rows_get_text (rows, 4));
      parla_json_add_string (builder, "display_name", parla_db_rows_get_text (rows, 5));
      json_builder_end_object (builder);
      json_builder_end_object (builder);
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;
  json_builder_end_array (builder);

  parla_json_add_int (builder, "total", total);
  /* As the teacher resource has it: two decimals, no rating without
   * ratings. */
  json_builder_set_member_name (builder, "rating");
  if (rating_count > 0)
    json_builder_add_double_value (builder, round ((double) rating_sum * 100.0 / (double) rating_count) / 100.0);
  else
    json_builder_add_null_value (builder);
  parla_json_add_int (builder, "rating_count", rating_count);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const ParlaRoute parla_review_routes[] = {
  { "POST", "/api/v1/bookings/{id}/review", handle_review,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY | PARLA_ROUTE_IDEMPOTENT },
  { "GET", "/api/v1/teachers/{id}/reviews", handle_list, PARLA_ROUTE_AUTH_OPT },
  { NULL }
};
