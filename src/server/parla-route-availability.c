/* parla-route-availability.c: teachers' hours and the slots they give
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-server-private.h"

#define MAX_RANGE_DAYS 62
#define DEFAULT_RANGE_DAYS 7
#define DAY (24 * 3600)

static gboolean
teacher_exists (ParlaRequest  *req,
                const char    *id,
                char         **out_zone,
                GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT time_zone FROM teacher_profiles WHERE user_id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such teacher");
      return FALSE;
    }

  if (out_zone)
    *out_zone = parla_db_rows_dup_text (rows, 0);
  return TRUE;
}

static JsonNode *
handle_slots (ParlaRequest  *req,
              GError       **error)
{
  const char *teacher_id = parla_request_param (req, 0);
  const ParlaPolicy *policy = req->config->policy;
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GArray) commitments = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *zone = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 from, to, duration;

  if (!parla_request_query_instant (req, "from", req->now, &from, error) ||
      !parla_request_query_instant (req, "to", from + DEFAULT_RANGE_DAYS * DAY, &to, error) ||
      !parla_request_query_int (req, "duration", 1, 1440, 60, &duration, error))
    return NULL;

  if (to <= from)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "to", "“to” must be after “from”");
      return NULL;
    }

  if (to - from > MAX_RANGE_DAYS * DAY)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "to",
                       "At most %d days of slots can be asked for at once", MAX_RANGE_DAYS);
      return NULL;
    }

  if (!parla_policy_check_duration (policy, duration, &local_error))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "duration", "%s", local_error->message);
      return NULL;
    }

  if (!teacher_exists (req, teacher_id, &zone, error))
    return NULL;

  availability = parla_teacher_load_availability (req, teacher_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  json_builder_begin_object (builder);

  if (availability != NULL)
    {
      const ParlaAvailabilityRules *rules = parla_availability_get_rules (availability);
      gint64 margin = 2 * DAY + (gint64) (rules->buffer_before_minutes + rules->buffer_after_minutes + duration) * 60;

      commitments = parla_teacher_commitments (req, teacher_id, from - margin, to + margin, NULL, NULL, error);
      if (commitments == NULL)
        return NULL;

      slots = parla_availability_compute_slots (availability,
                                                (const ParlaInterval *) (gpointer) commitments->data,
                                                commitments->len, from, to, duration, req->now);
      parla_json_add_string (builder, "time_zone", parla_availability_get_time_zone (availability));
    }
  else
    {
      slots = g_array_new (FALSE, FALSE, sizeof (ParlaInterval));
      parla_json_add_string (builder, "time_zone", zone);
    }

  parla_json_add_int (builder, "duration_minutes", duration);
  json_builder_set_member_name (builder, "slots");
  json_builder_begin_array (builder);
  for (guint i = 0; i < slots->len; i++)
    {
      const ParlaInterval *slot = &g_array_index (slots, ParlaInterval, i);

      json_builder_begin_object (builder);
      parla_json_add_instant (builder, "start", slot->start);
      parla_json_add_instant (builder, "end", slot->end);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
handle_get_mine (ParlaRequest  *req,
                 GError       **error)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *zone = NULL;

  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers have availability", error))
    return NULL;

  availability = parla_teacher_load_availability (req, req->user_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  if (availability == NULL)
    {
      /* Nothing set yet: an empty week in the profile's time zone. */
      if (!teacher_exists (req, req->user_id, &zone, error))
        return NULL;
      availability = parla_availability_new (zone, error);
      if (availability == NULL)
        return NULL;
    }

  return parla_availability_to_json (availability);
}

static JsonNode *
handle_put_mine (ParlaRequest  *req,
                 GError       **error)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(JsonNode) normalized = NULL;
  g_autofree char *text = NULL;

  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers have availability", error))
    return NULL;

  availability = parla_availability_new_from_json (req->json, error);
  if (availability == NULL)
    return NULL;

  if (!teacher_exists (req, req->user_id, NULL, error))
    return NULL;

  normalized = parla_availability_to_json (availability);
  text = parla_json_to_string (normalized);

  if (parla_db_exec (req->db, error,
                     "INSERT INTO availability (user_id, document, updated_at) VALUES ($1, $2, $3) "
                     "ON CONFLICT (user_id) DO UPDATE SET document = $2, updated_at = $3",
                     PARLA_DB_TEXT, req->user_id,
                     PARLA_DB_TEXT, text,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  return g_steal_pointer (&normalized);
}

const ParlaRoute parla_availability_routes[] = {
  { "GET", "/api/v1/teachers/{id}/availability", handle_slots, PARLA_ROUTE_AUTH_OPT },
  { "GET", "/api/v1/me/availability", handle_get_mine, PARLA_ROUTE_AUTH },
  { "PUT", "/api/v1/me/availability", handle_put_mine, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { NULL }
};
