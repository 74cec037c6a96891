/* parla-route-offerings.c: what teachers offer, with prices and materials
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-server-private.h"

/**
 * parla_offering_refresh_prices:
 *
 * Recomputes the price summary the teacher catalogue filters and shows
 * ("from 15.00 €", "has a free offering").
 */
gboolean
parla_offering_refresh_prices (ParlaRequest  *req,
                               const char    *teacher_id,
                               GError       **error)
{
  return parla_db_exec (req->db, error,
                        "UPDATE teacher_profiles SET "
                        "min_price_minor = (SELECT MIN(price_minor) FROM offerings "
                        "  WHERE teacher_id = $1 AND archived = 0), "
                        "has_free = CASE WHEN EXISTS (SELECT 1 FROM offerings "
                        "  WHERE teacher_id = $1 AND archived = 0 AND price_minor = 0) THEN 1 ELSE 0 END "
                        "WHERE user_id = $1",
                        PARLA_DB_TEXT, teacher_id,
                        PARLA_DB_END) >= 0;
}

static gboolean
check_policy (ParlaRequest   *req,
              ParlaOffering  *offering,
              GError        **error)
{
  return parla_policy_check_duration (req->config->policy,
                                      parla_offering_get_duration_minutes (offering), error);
}

gboolean
parla_offering_store (ParlaRequest   *req,
                      ParlaOffering  *offering,
                      gboolean        insert,
                      GError        **error)
{
  g_autoptr(JsonNode) document = parla_offering_to_json (offering);
  g_autofree char *text = parla_json_to_string (document);
  const char *sql;

  if (insert)
    sql = "INSERT INTO offerings (id, teacher_id, document, session_type, duration_minutes, capacity, "
          "price_minor, currency, requires_approval, archived, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $11)";
  else
    sql = "UPDATE offerings SET document = $3, session_type = $4, duration_minutes = $5, capacity = $6, "
          "price_minor = $7, currency = $8, requires_approval = $9, archived = $10, updated_at = $11 "
          "WHERE id = $1 AND teacher_id = $2";

  if (parla_db_exec (req->db, error, sql,
                     PARLA_DB_TEXT, parla_offering_get_id (offering),
                     PARLA_DB_TEXT, parla_offering_get_teacher_id (offering),
                     PARLA_DB_TEXT, text,
                     PARLA_DB_TEXT, parla_offering_kind_names[parla_offering_get_session_type (offering)],
                     PARLA_DB_INT, (gint64) parla_offering_get_duration_minutes (offering),
                     PARLA_DB_INT, (gint64) parla_offering_get_capacity (offering),
                     PARLA_DB_INT, parla_offering_get_price_minor (offering),
                     PARLA_DB_TEXT, parla_offering_get_currency (offering),
                     PARLA_DB_BOOL, parla_offering_get_requires_approval (offering),
                     PARLA_DB_BOOL, parla_offering_get_archived (offering),
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;

  return parla_offering_refresh_prices (req, parla_offering_get_teacher_id (offering), error);
}

ParlaOffering *
parla_offering_load (ParlaRequest  *req,
                     const char    *id,
                     GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonNode) node = NULL;

  rows = parla_db_query (req->db, error, "SELECT document FROM offerings WHERE id = $1",
                         PARLA_DB_TEXT, id, PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such offering");
      return NULL;
    }

  node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, error);
  if (node == NULL)
    return NULL;

  return parla_offering_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

static JsonNode *
handle_list (ParlaRequest  *req,
             GError       **error)
{
  g_autoptr(ParlaDbParams) params = parla_db_params_new ();
  g_autoptr(GString) where = g_string_new ("WHERE 1 = 1");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *count_sql = NULL;
  g_autofree char *sql = NULL;
  const char *teacher_id = parla_request_query (req, "teacher_id");
  g_autoptr(GHashTable) policies = NULL;
  gint64 page, limit, total = 0;
  int free_only, include_archived, kind;

  if (!parla_request_page (req, &page, &limit, error) ||
      !parla_request_query_bool (req, "free", &free_only, error) ||
      !parla_request_query_bool (req, "include_archived", &include_archived, error) ||
      !parla_request_query_enum (req, "session_type", parla_offering_kind_names, &kind, error))
    return NULL;

  if (teacher_id != NULL)
    g_string_append_printf (where, " AND teacher_id = %s", parla_db_params_add_text (params, teacher_id));

  /* Archived offerings are listed to their own teacher only. */
  if (include_archived != 1 || teacher_id == NULL || g_strcmp0 (teacher_id, req->user_id) != 0)
    g_string_append (where, " AND archived = 0");

  if (free_only == 1)
    g_string_append (where, " AND price_minor = 0");
  else if (free_only == 0)
    g_string_append (where, " AND price_minor > 0");

  if (kind >= 0)
    g_string_append_printf (where, " AND session_type = %s",
                            parla_db_params_add_text (params, parla_offering_kind_names[kind]));

  count_sql = g_strconcat ("SELECT COUNT(*) FROM offerings ", where->str, NULL);
  rows = parla_db_query_params (req->db, count_sql, params, error);
  if (rows == NULL)
    return NULL;
  if (parla_db_rows_next (rows))
    total = parla_db_rows_get_int (rows, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  sql = g_strdup_printf ("SELECT document FROM offerings %s ORDER BY created_at, id LIMIT %s OFFSET %s",
                         where->str,
                         parla_db_params_add_int (params, limit),
                         parla_db_params_add_int (params, (page - 1) * limit));
  rows = parla_db_query_params (req->db, sql, params, error);
  if (rows == NULL)
    return NULL;

  policies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  while (parla_db_rows_next (rows))
    {
      JsonNode *node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, error);

      if (node == NULL)
        return NULL;
      g_ptr_array_add (items, node);
      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !parla_add_cancellation_policy (req, node,
                                          json_object_get_string_member_with_default (json_node_get_object (node),
                                                                                      "teacher_id", ""),
                                          policies, error))
        return NULL;
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return parla_request_list_response (g_steal_pointer (&items), total, page, limit);
}

/* The offering as the server sends it: with the policy its bookings
 * would keep. */
static JsonNode *
offering_response (ParlaRequest   *req,
                   ParlaOffering  *offering,
                   GError        **error)
{
  g_autoptr(JsonNode) node = parla_offering_to_json (offering);

  if (!parla_add_cancellation_policy (req, node, parla_offering_get_teacher_id (offering), NULL, error))
    return NULL;

  return g_steal_pointer (&node);
}

static JsonNode *
handle_create (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(ParlaOffering) offering = NULL;
  g_autofree char *id = NULL;

  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers create offerings", error))
    return NULL;

  offering = parla_offering_new_from_json (req->json, PARLA_JSON_INPUT, error);
  if (offering == NULL || !check_policy (req, offering, error))
    return NULL;

  id = parla_db_new_id ();
  g_object_set (offering,
                "id", id,
                "teacher-id", req->user_id,
                "archived", FALSE,
                NULL);

  if (!parla_offering_store (req, offering, TRUE, error))
    return NULL;

  req->status = 201;
  return offering_response (req, offering, error);
}

static JsonNode *
handle_get (ParlaRequest  *req,
            GError       **error)
{
  g_autoptr(ParlaOffering) offering = parla_offering_load (req, parla_request_param (req, 0), error);

  if (offering == NULL)
    return NULL;

  return offering_response (req, offering, error);
}

static ParlaOffering *
load_own (ParlaRequest  *req,
          GError       **error)
{
  g_autoptr(ParlaOffering) offering = parla_offering_load (req, parla_request_param (req, 0), error);

  if (offering == NULL)
    return NULL;

  if (g_strcmp0 (parla_offering_get_teacher_id (offering), req->user_id) != 0)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only its teacher can change an offering");
      return NULL;
    }

  return g_steal_pointer (&offering);
}

static JsonNode *
handle_update (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(ParlaOffering) current = NULL;
  g_autoptr(ParlaOffering) updated = NULL;
  g_autoptr(JsonNode) merged = NULL;
  JsonObject *patch = parla_request_body (req);
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;

  current = load_own (req, error);
  if (current == NULL)
    return NULL;

  if (parla_offering_get_archived (current))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "An archived offering cannot be changed");
      return NULL;
    }

  /* PUT replaces the members it names; the rest stay as they are. */
  merged = parla_offering_to_json (current);
  json_object_iter_init (&iter, patch);
  while (json_object_iter_next (&iter, &name, &value))
    json_object_set_member (json_node_get_object (merged), name, json_node_copy (value));

  updated = parla_offering_new_from_json (merged, PARLA_JSON_INPUT, error);
  if (updated == NULL || !check_policy (req, updated, error))
    return NULL;

  g_object_set (updated,
                "id", parla_offering_get_id (current),
                "teacher-id", parla_offering_get_teacher_id (current),
                "archived", FALSE,
                NULL);

  if (!parla_offering_store (req, updated, FALSE, error))
    return NULL;

  return offering_response (req, updated, error);
}

static JsonNode *
handle_delete (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(ParlaOffering) offering = load_own (req, error);

  if (offering == NULL)
    return NULL;

  /* Archived, not deleted: bookings keep pointing at it. */
  g_object_set (offering, "archived", TRUE, NULL);
  if (!parla_offering_store (req, offering, FALSE, error))
    return NULL;

  req->status = 204;
  return NULL;
}

const ParlaRoute parla_offering_routes[] = {
  { "GET", "/api/v1/offerings", handle_list, PARLA_ROUTE_AUTH_OPT },
  { "POST", "/api/v1/offerings", handle_create, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY | PARLA_ROUTE_IDEMPOTENT },
  { "GET", "/api/v1/offerings/{id}", handle_get, PARLA_ROUTE_AUTH_OPT },
  { "PUT", "/api/v1/offerings/{id}", handle_update, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { "DELETE", "/api/v1/offerings/{id}", handle_delete, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE },
  { NULL }
};
