/* parla-route-teachers.c: the teacher catalogue and teacher profiles
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-server-private.h"

#define TEACHER_COLUMNS \
  "u.id, u.display_name, tp.profile_json, tp.photo_url, tp.rating_sum, tp.rating_count, " \
  "tp.min_price_minor, tp.has_free, tp.time_zone"

static const char * const tag_kinds[] = { "language", "subject", "level", "specialization", NULL };
static const char * const tag_members[] = { "languages", "subjects", "levels", "specializations", NULL };

static ParlaTeacher *
teacher_from_row (ParlaDbRows  *rows,
                  GError      **error)
{
  g_autoptr(JsonNode) profile = NULL;
  g_autoptr(ParlaTeacher) teacher = NULL;
  gint64 rating_count;
  double rating = 0.0;

  profile = parla_json_parse (parla_db_rows_get_text (rows, 2), -1, error);
  if (profile == NULL)
    return NULL;

  /* A teacher who never saved a profile reads as an empty one. */
  if (JSON_NODE_HOLDS_OBJECT (profile) &&
      !json_object_has_member (json_node_get_object (profile), "languages"))
    {
      teacher = parla_teacher_new ();
      parla_teacher_set_time_zone (teacher, parla_db_rows_get_text (rows, 8));
    }
  else
    {
      teacher = parla_teacher_new_from_json (profile, PARLA_JSON_INPUT, error);
      if (teacher == NULL)
        return NULL;
    }

  rating_count = parla_db_rows_get_int (rows, 5);
  if (rating_count > 0)
    rating = (double) parla_db_rows_get_int (rows, 4) / (double) rating_count;

  g_object_set (teacher,
                "id", parla_db_rows_get_text (rows, 0),
                "display-name", parla_db_rows_get_text (rows, 1),
                "photo-url", parla_db_rows_get_text (rows, 3),
                "rating", rating,
                "rating-count", (int) rating_count,
                "price-from-minor", parla_db_rows_is_null (rows, 6) ? (gint64) -1 : parla_db_rows_get_int (rows, 6),
                "has-free-offering", parla_db_rows_get_int (rows, 7) != 0,
                NULL);

  return g_steal_pointer (&teacher);
}

static void
add_tag_filter (GString       *where,
                ParlaDbParams *params,
                const char    *kind,
                const char    *value)
{
  const char *p_kind;
  const char *p_value;

  if (value == NULL)
    return;

  p_kind = parla_db_params_add_text (params, kind);
  p_value = parla_db_params_add_text (params, value);
  g_string_append_printf (where,
                          " AND EXISTS (SELECT 1 FROM teacher_tags g WHERE g.user_id = tp.user_id "
                          "AND g.kind = %s AND g.value = %s)", p_kind, p_value);
}

static JsonNode *
handle_list (ParlaRequest  *req,
             GError       **error)
{
  g_autoptr(ParlaDbParams) params = parla_db_params_new ();
  g_autoptr(GString) where = g_string_new ("WHERE EXISTS (SELECT 1 FROM teacher_tags g "
                                           "WHERE g.user_id = tp.user_id AND g.kind = 'language')");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *count_sql = NULL;
  g_autofree char *sql = NULL;
  gint64 page, limit, min_price, max_price, total = 0;
  const char *q;
  int free_only;

  if (!parla_request_page (req, &page, &limit, error) ||
      !parla_request_query_int (req, "min_price", 0, G_MAXINT32, -1, &min_price, error) ||
      !parla_request_query_int (req, "max_price", 0, G_MAXINT32, -1, &max_price, error) ||
      !parla_request_query_bool (req, "free", &free_only, error))
    return NULL;

  if (min_price >= 0 && max_price >= 0 && max_price < min_price)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "max_price",
                       "“max_price” must not be below “min_price”");
      return NULL;
    }

  add_tag_filter (where, params, "language", parla_request_query (req, "language"));
  add_tag_filter (where, params, "subject", parla_request_query (req, "subject"));
  add_tag_filter (where, params, "level", parla_request_query (req, "level"));
  add_tag_filter (where, params, "specialization", parla_request_query (req, "specialization"));

  if (min_price >= 0 || max_price >= 0 || free_only == 1)
    {
      g_string_append (where, " AND EXISTS (SELECT 1 FROM offerings o WHERE o.teacher_id = tp.user_id "
                              "AND o.archived = 0");
      if (free_only == 1)
        g_string_append (where, " AND o.price_minor = 0");
      if (min_price >= 0)
        g_string_append_printf (where, " AND o.price_minor >= %s", parla_db_params_add_int (params, min_price));
      if (max_price >= 0)
        g_string_append_printf (where, " AND o.price_minor <= %s", parla_db_params_add_int (params, max_price));
      g_string_append (where, ")");
    }
  else if (free_only == 0)
    {
      g_string_append (where, " AND EXISTS (SELECT 1 FROM offerings o WHERE o.teacher_id = tp.user_id "
                              "AND o.archived = 0 AND o.price_minor > 0)");
    }

  q = parla_request_query (req, "q");
  if (q != NULL)
    {
      g_autofree char *pattern = parla_like_pattern (q);
      const char *p = parla_db_params_add_text (params, pattern);

      g_string_append_printf (where, " AND tp.search_text LIKE %s ESCAPE '\\'", p);
    }

  count_sql = g_strconcat ("SELECT COUNT(*) FROM teacher_profiles tp JOIN users u ON u.id = tp.user_id ",
                           where->str, NULL);
  rows = parla_db_query_params (req->db, count_sql, params, error);
  if (rows == NULL)
    return NULL;
  if (parla_db_rows_next (rows))
    total = parla_db_rows_get_int (rows, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  sql = g_strdup_printf ("SELECT " TEACHER_COLUMNS " FROM teacher_profiles tp "
                         "JOIN users u ON u.id = tp.user_id %s "
                         "ORDER BY CASE WHEN tp.rating_count > 0 THEN tp.rating_sum * 1000 / tp.rating_count ELSE 0 END DESC, "
                         "u.display_name, u.id LIMIT %s OFFSET %s",
                         where->str,
                         parla_db_params_add_int (params, limit),
                         parla_db_params_add_int (params, (page - 1) * limit));
  rows = parla_db_query_params (req->db, sql, params, error);
  if (rows == NULL)
    return NULL;

  while (parla_db_rows_next (rows))
    {
      g_autoptr(ParlaTeacher) teacher = teacher_from_row (rows, error);

      if (teacher == NULL)
        return NULL;
      g_ptr_array_add (items, parla_teacher_to_json (teacher));
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return parla_request_list_response (g_steal_pointer (&items), total, page, limit);
}

static ParlaTeacher *
load_teacher (ParlaRequest  *req,
              const char    *id,
              GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT " TEACHER_COLUMNS " FROM teacher_profiles tp "
                         "JOIN users u ON u.id = tp.user_id WHERE tp.user_id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such teacher");
      return NULL;
    }

  return teacher_from_row (rows, error);
}

static JsonNode *
teacher_with_offerings (ParlaRequest  *req,
                        ParlaTeacher  *teacher,
                        GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonArray) offerings = json_array_new ();
  g_autoptr(JsonNode) array = NULL;
  g_autoptr(GHashTable) policies = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT document FROM offerings WHERE teacher_id = $1 AND archived = 0 "
                         "ORDER BY created_at, id",
                         PARLA_DB_TEXT, parla_teacher_get_id (teacher),
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  policies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  while (parla_db_rows_next (rows))
    {
      JsonNode *node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, error);

      if (node == NULL)
        return NULL;
      json_array_add_element (offerings, node);
      if (!JSON_NODE_HOLDS_OBJECT (node) ||
          !parla_add_cancellation_policy (req, node, parla_teacher_get_id (teacher), policies, error))
        return NULL;
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  array = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (array, offerings);
  parla_teacher_set_offerings_json (teacher, array);

  return parla_teacher_to_json (teacher);
}

static JsonNode *
handle_get (ParlaRequest  *req,
            GError       **error)
{
  g_autoptr(ParlaTeacher) teacher = load_teacher (req, parla_request_param (req, 0), error);

  if (teacher == NULL)
    return NULL;

  return teacher_with_offerings (req, teacher, error);
}

/**
 * parla_teacher_store_profile:
 * @input: a teacher read from a profile document (INPUT mode)
 *
 * Saves the fields a teacher owns, and the tags the catalogue filters on,
 * for the signed-in user of @req.
 */
gboolean
parla_teacher_store_profile (ParlaRequest  *req,
                             ParlaTeacher  *input,
                             GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) document = NULL;
  g_autofree char *text = NULL;
  g_autofree char *search = NULL;
  g_autoptr(GString) words = g_string_new (req->user_name);

  /* What "q" searches, folded once here: SQLite's LOWER() and LIKE only
   * fold ASCII, so both sides are lowercased with GLib instead. */
  g_string_append_printf (words, " %s %s", parla_teacher_get_bio (input), parla_teacher_get_accent (input));
  for (const char * const *v = parla_teacher_get_subjects (input); *v; v++)
    g_string_append_printf (words, " %s", *v);
  for (const char * const *v = parla_teacher_get_languages (input); *v; v++)
    g_string_append_printf (words, " %s", *v);
  search = g_utf8_strdown (words->str, -1);

  /* Store exactly the fields the teacher owns. */
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "bio", parla_teacher_get_bio (input));
  parla_json_add_strv (builder, "languages", (const char * const *) parla_teacher_get_languages (input));
  parla_json_add_strv (builder, "subjects", (const char * const *) parla_teacher_get_subjects (input));
  parla_json_add_strv (builder, "levels", (const char * const *) parla_teacher_get_levels (input));
  parla_json_add_strv (builder, "specializations", (const char * const *) parla_teacher_get_specializations (input));
  parla_json_add_string (builder, "accent", parla_teacher_get_accent (input));
  parla_json_add_string (builder, "time_zone", parla_teacher_get_time_zone (input));
  json_builder_end_object (builder);
  document = json_builder_get_root (builder);
  text = parla_json_to_string (document);

  if (parla_db_exec (req->db, error,
                     "INSERT INTO teacher_profiles (user_id, bio, accent, time_zone, profile_json, search_text, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $7, $6) "
                     "ON CONFLICT (user_id) DO UPDATE SET bio = $2, accent = $3, time_zone = $4, "
                     "profile_json = $5, search_text = $7, updated_at = $6",
                     PARLA_DB_TEXT, req->user_id,
                     PARLA_DB_TEXT, parla_teacher_get_bio (input),
                     PARLA_DB_TEXT, parla_teacher_get_accent (input),
                     PARLA_DB_TEXT, parla_teacher_get_time_zone (input),
                     PARLA_DB_TEXT, text,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_TEXT, search,
                     PARLA_DB_END) < 0)
    return FALSE;

  if (parla_db_exec (req->db, error, "DELETE FROM teacher_tags WHERE user_id = $1",
                     PARLA_DB_TEXT, req->user_id, PARLA_DB_END) < 0)
    return FALSE;

  for (guint k = 0; tag_kinds[k] != NULL; k++)
    {
      JsonObject *object = json_node_get_object (document);
      g_auto(GStrv) values = parla_json_dup_strv (object, tag_members[k]);

      for (guint i = 0; values[i] != NULL; i++)
        if (parla_db_exec (req->db, error,
                           "INSERT INTO teacher_tags (user_id, kind, value) VALUES ($1, $2, $3) "
                           "ON CONFLICT DO NOTHING",
                           PARLA_DB_TEXT, req->user_id,
                           PARLA_DB_TEXT, tag_kinds[k],
                           PARLA_DB_TEXT, values[i],
                           PARLA_DB_END) < 0)
          return FALSE;
    }

  return TRUE;
}

static JsonNode *
handle_put_profile (ParlaRequest  *req,
                    GError       **error)
{
  g_autoptr(ParlaTeacher) input = NULL;
  g_autoptr(ParlaTeacher) teacher = NULL;

  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers have a teacher profile", error))
    return NULL;

  input = parla_teacher_new_from_json (req->json, PARLA_JSON_INPUT, error);
  if (input == NULL || !parla_teacher_store_profile (req, input, error))
    return NULL;

  teacher = load_teacher (req, req->user_id, error);
  if (teacher == NULL)
    return NULL;

  return teacher_with_offerings (req, teacher, error);
}

const ParlaRoute parla_teacher_routes[] = {
  { "GET", "/api/v1/teachers", handle_list, PARLA_ROUTE_AUTH_OPT },
  { "GET", "/api/v1/teachers/{id}", handle_get, PARLA_ROUTE_AUTH_OPT },
  { "PUT", "/api/v1/me/teacher-profile", handle_put_profile, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { NULL }
};
