/* parla-route-sessions.c: scheduled sessions (group conversations, private
 * lessons, practice, cultural) and their seats
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-hub.h"
#include "parla-payments.h"
#include "parla-server-private.h"

#define MAX_SESSION_MINUTES 1440
#define MAX_QUERY_WORDS 8
/* Sorts after every word that starts with the prefix: U+10FFFF. */
#define WORD_PREFIX_END "\xf4\x8f\xbf\xbf"
/* Counting every match of a broad filter costs a scan of the index;
 * beyond this many, "total" says "at least" (total_exact false). */
#define MAX_COUNT 1000

/* The caller's own live seat comes along with every session, as
 * my_booking_id and my_booking_status. $1 is the caller ('' if anonymous). */
#define SESSION_SELECT \
  "SELECT s.document, s.seats_taken, s.capacity, s.status, s.start_at, s.end_at, " \
  "u.display_name, b.id, b.status FROM sessions s JOIN users u ON u.id = s.host_id " \
  "LEFT JOIN bookings b ON b.session_id = s.id AND b.learner_id = $1 " \
  "AND b.kind = 'session' AND b.status IN ('confirmed', 'pending', 'payment_pending') "

static ParlaSession *
session_from_row (ParlaDbRows  *rows,
                  GError      **error)
{
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, error);
  if (node == NULL)
    return NULL;

  object = json_node_get_object (node);
  json_object_set_int_member (object, "seats_left",
                              MAX (0, parla_db_rows_get_int (rows, 2) - parla_db_rows_get_int (rows, 1)));
  json_object_set_string_member (object, "status", parla_db_rows_get_text (rows, 3));
  json_object_set_string_member (object, "host_name", parla_db_rows_get_text (rows, 6));
  if (parla_db_rows_is_null (rows, 7))
    {
      json_object_set_null_member (object, "my_booking_id");
      json_object_set_null_member (object, "my_booking_status");
    }
  else
    {
      json_object_set_string_member (object, "my_booking_id", parla_db_rows_get_text (rows, 7));
      json_object_set_string_member (object, "my_booking_status", parla_db_rows_get_text (rows, 8));
    }

  return parla_session_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

ParlaSession *
parla_session_load (ParlaRequest  *req,
                    const char    *session_id,
                    GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error, SESSION_SELECT "WHERE s.id = $2",
                         PARLA_DB_TEXT, req->user_id ? req->user_id : "",
                         PARLA_DB_TEXT, session_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such session");
      return NULL;
    }

  return session_from_row (rows, error);
}

static gboolean
store_words (ParlaRequest  *req,
             ParlaSession  *session,
             const char    *text,
             GError       **error)
{
  g_auto(GStrv) words = parla_search_words (text);
  const char *session_id = parla_session_get_id (session);

  if (parla_db_exec (req->db, error, "DELETE FROM session_words WHERE session_id = $1",
                     PARLA_DB_TEXT, session_id, PARLA_DB_END) < 0)
    return FALSE;

  for (guint i = 0; words[i] != NULL; i++)
    if (parla_db_exec (req->db, error,
                       "INSERT INTO session_words (word, session_id, status, start_at, end_at) "
                       "VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING",
                       PARLA_DB_TEXT, words[i],
                       PARLA_DB_TEXT, session_id,
                       PARLA_DB_TEXT, parla_session_status_names[parla_session_get_status (session)],
                       PARLA_DB_INT, parla_session_get_start (session),
                       PARLA_DB_INT, parla_session_get_end (session),
                       PARLA_DB_END) < 0)
      return FALSE;

  return TRUE;
}

static char *
search_text (ParlaSession *session)
{
  g_autofree char *text = g_strjoin (" ",
                                     parla_session_get_title (session),
                                     parla_session_get_description (session),
                                     parla_session_get_host_name (session),
                                     parla_session_get_language (session),
                                     NULL);

  return g_utf8_strdown (text, -1);
}

gboolean
parla_session_store (ParlaRequest  *req,
                     ParlaSession  *session,
                     gboolean       insert,
                     GError       **error)
{
  g_autoptr(JsonNode) document = parla_session_to_json (session);
  g_autofree char *text = NULL;
  g_autofree char *search = search_text (session);   /* indexed in session_words */
  JsonObject *object = json_node_get_object (document);
  const char *sql;

  /* Per-caller and derived members are computed when read. */
  json_object_set_null_member (object, "my_booking_id");
  json_object_set_null_member (object, "my_booking_status");
  text = parla_json_to_string (document);

  if (insert)
    sql = "INSERT INTO sessions (id, host_id, offering_id, title, document, type, language, "
          "level, start_at, end_at, capacity, price_minor, currency, status, created_at, updated_at) "
          "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15)";
  else
    sql = "UPDATE sessions SET offering_id = $3, title = $4, document = $5, type = $6, "
          "language = $7, level = $8, start_at = $9, end_at = $10, capacity = $11, price_minor = $12, "
          "currency = $13, status = $14, updated_at = $15 WHERE id = $1 AND host_id = $2";

  if (parla_db_exec (req->db, error, sql,
                        PARLA_DB_TEXT, parla_session_get_id (session),
                        PARLA_DB_TEXT, parla_session_get_host_id (session),
                        PARLA_DB_TEXT, parla_session_get_offering_id (session),
                        PARLA_DB_TEXT, parla_session_get_title (session),
                        PARLA_DB_TEXT, text,
                        PARLA_DB_TEXT, parla_session_type_names[parla_session_get_session_type (session)],
                        PARLA_DB_TEXT, parla_session_get_language (session),
                        PARLA_DB_TEXT, parla_level_names[parla_session_get_level (session)],
                        PARLA_DB_INT, parla_session_get_start (session),
                        PARLA_DB_INT, parla_session_get_end (session),
                        PARLA_DB_INT, (gint64) parla_session_get_capacity (session),
                        PARLA_DB_INT, parla_session_get_price_minor (session),
                        PARLA_DB_TEXT, parla_session_get_currency (session),
                        PARLA_DB_TEXT, parla_session_status_names[parla_session_get_status (session)],
                        PARLA_DB_INT, req->now,
                        PARLA_DB_END) < 0)
    return FALSE;

  return store_words (req, session, search, error);
}

/* A host who teaches must not be in two places at once: check the new
 * time against every session and lesson already on their calendar, with
 * the buffers of their availability rules. */
static gboolean
check_host_free (ParlaRequest  *req,
                 const char    *host_id,
                 gint64         start,
                 gint64         end,
                 const char    *except_session_id,
                 GError       **error)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GArray) commitments = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 margin = 2 * 24 * 3600;
  gboolean conflict = FALSE;

  if (!parla_teacher_lock (req, host_id, &local_error))
    {
      /* Learners hosting free peer sessions have no teacher calendar. */
      if (g_error_matches (local_error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND))
        return TRUE;
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  availability = parla_teacher_load_availability (req, host_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  commitments = parla_teacher_commitments (req, host_id, start - margin, end + margin,
                                           NULL, except_session_id, error);
  if (commitments == NULL)
    return FALSE;

  if (availability != NULL)
    {
      conflict = parla_availability_conflicts (availability,
                                               (const ParlaInterval *) (gpointer) commitments->data,
                                               commitments->len, start, end);
    }
  else
    {
      for (guint i = 0; i < commitments->len && !conflict; i++)
        {
          const ParlaInterval *c = &g_array_index (commitments, ParlaInterval, i);
          conflict = c->start < end && start < c->end;
        }
    }

  if (conflict)
    {
      parla_set_error (error, PARLA_ERROR_SLOT_TAKEN, "start",
                       "The host already has a session or lesson at this time");
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_schedule (ParlaRequest  *req,
                ParlaSession  *session,
                GError       **error)
{
  if (!parla_policy_check_duration (req->config->policy, parla_session_get_duration_minutes (session), error))
    return FALSE;

  if (parla_session_get_start (session) <= req->now)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "start", "“start” must be in the future");
      return FALSE;
    }

  return TRUE;
}

/* How "q" runs. Its words are indexed in session_words; the cheapest
 * plan depends on how common the rarest word is. A rare word drives the
 * query from the index of words (few sessions to look at); a common one
 * is checked while walking sessions in start order, where the first page
 * fills after a few rows. The count always walks the rarest word's
 * entries, up to its bound. */
typedef struct
{
  char   **words;
  guint    driver;       /* the rarest word */
  gboolean rare;
} TextPlan;

#define RARE_WORD_ROWS 2000

static void
text_plan_clear (TextPlan *plan)
{
  g_clear_pointer (&plan->words, g_strfreev);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TextPlan, text_plan_clear)

static gboolean
text_plan_init (ParlaRequest  *req,
                TextPlan      *plan,
                GError       **error)
{
  const char *q = parla_request_query (req, "q");
  gint64 fewest = G_MAXINT64;

  if (q == NULL)
    return TRUE;

  plan->words = parla_search_words (q);
  if (g_strv_length (plan->words) > MAX_QUERY_WORDS)
    {
      g_free (plan->words[MAX_QUERY_WORDS]);
      plan->words[MAX_QUERY_WORDS] = NULL;
    }

  for (guint i = 0; plan->words[i] != NULL; i++)
    {
      g_autofree char *upper = g_strconcat (plan->words[i], WORD_PREFIX_END, NULL);
      g_autoptr(ParlaDbRows) rows = NULL;
      gint64 n;

      rows = parla_db_query (req->db, error,
                             "SELECT COUNT(*) FROM (SELECT 1 FROM session_words "
                             "WHERE word >= $1 AND word < $2 LIMIT $3) AS w",
                             PARLA_DB_TEXT, plan->words[i],
                             PARLA_DB_TEXT, upper,
                             PARLA_DB_INT, (gint64) RARE_WORD_ROWS,
                             PARLA_DB_END);
      if (rows == NULL || !parla_db_rows_next (rows))
        return FALSE;

      n = parla_db_rows_get_int (rows, 0);
      if (n < fewest)
        {
          fewest = n;
          plan->driver = i;
        }
    }

  plan->rare = fewest < RARE_WORD_ROWS;
  return TRUE;
}

/* Requires a word starting with @word of the session whose id is
 * @id_column: driven from the word index (@as_in) or checked per row. */
static void
append_word (GString       *where,
             ParlaDbParams *params,
             const char    *word,
             const char    *id_column,
             gboolean       as_in)
{
  g_autofree char *upper = g_strconcat (word, WORD_PREFIX_END, NULL);
  const char *low = parla_db_params_add_text (params, word);
  const char *high = parla_db_params_add_text (params, upper);

  if (as_in)
    g_string_append_printf (where,
                            " AND %s IN (SELECT session_id FROM session_words "
                            "WHERE word >= %s AND word < %s)", id_column, low, high);
  else
    g_string_append_printf (where,
                            " AND EXISTS (SELECT 1 FROM session_words x WHERE x.session_id = %s "
                            "AND x.word >= %s AND x.word < %s)", id_column, low, high);
}

/* Appends the listing filters to @where (each " AND ..."), their values
 * to @params. @skip_word: a word the caller already matches (-1: none). */
static gboolean
build_filters (ParlaRequest   *req,
               const TextPlan *plan,
               int             skip_word,
               GString        *where,
               ParlaDbParams  *params,
               GError        **error)
{
  const char *language = parla_request_query (req, "language");
  const char *host_id = parla_request_query (req, "host_id");
  gint64 from, to, min_price, max_price;
  int free_only, type, level;

  if (!parla_request_query_bool (req, "free", &free_only, error) ||
      !parla_request_query_enum (req, "type", parla_session_type_names, &type, error) ||
      !parla_request_query_enum (req, "level", parla_level_names, &level, error) ||
      !parla_request_query_instant (req, "from", req->now, &from, error) ||
      !parla_request_query_instant (req, "to", G_MAXINT64, &to, error) ||
      !parla_request_query_int (req, "min_price", 0, G_MAXINT32, -1, &min_price, error) ||
      !parla_request_query_int (req, "max_price", 0, G_MAXINT32, -1, &max_price, error))
    return FALSE;

  if (to <= from)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "to", "“to” must be after “from”");
      return FALSE;
    }

  if (min_price >= 0 && max_price >= 0 && max_price < min_price)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "max_price",
                       "“max_price” must not be below “min_price”");
      return FALSE;
    }

  g_string_append (where, " AND s.status = 'scheduled'");

  /* Sessions still running at "from" are listed too; bounding start_at
   * from below keeps this an index range scan. */
  g_string_append_printf (where, " AND s.start_at >= %s AND s.end_at > %s",
                          parla_db_params_add_int (params, from - MAX_SESSION_MINUTES * 60),
                          parla_db_params_add_int (params, from));
  if (to != G_MAXINT64)
    g_string_append_printf (where, " AND s.start_at < %s", parla_db_params_add_int (params, to));
  if (language != NULL)
    g_string_append_printf (where, " AND s.language = %s", parla_db_params_add_text (params, language));
  if (level >= 0)
    {
      /* Sessions open to every level match any level asked for. */
      if (level == PARLA_LEVEL_ALL)
        g_string_append (where, " AND s.level = 'all'");
      else
        g_string_append_printf (where, " AND s.level IN (%s, 'all')",
                                parla_db_params_add_text (params, parla_level_names[level]));
    }
  if (type >= 0)
    g_string_append_printf (where, " AND s.type = %s",
                            parla_db_params_add_text (params, parla_session_type_names[type]));
  if (free_only == 1)
    g_string_append (where, " AND s.price_minor = 0");
  else if (free_only == 0)
    g_string_append (where, " AND s.price_minor > 0");
  if (min_price >= 0)
    g_string_append_printf (where, " AND s.price_minor >= %s", parla_db_params_add_int (params, min_price));
  if (max_price >= 0)
    g_string_append_printf (where, " AND s.price_minor <= %s", parla_db_params_add_int (params, max_price));
  if (host_id != NULL)
    g_string_append_printf (where, " AND s.host_id = %s", parla_db_params_add_text (params, host_id));
  if (plan->words != NULL)
    {
      /* A query with no word at all ("%") matches nothing. */
      if (plan->words[0] == NULL)
        g_string_append (where, " AND 1 = 0");
      for (guint i = 0; plan->words[i] != NULL; i++)
        if ((int) i != skip_word)
          append_word (where, params, plan->words[i], "s.id", plan->rare && i == plan->driver);
    }

  return TRUE;
}

/* Whether the listing filters on nothing but time (and words). */
static gboolean
only_time_filters (ParlaRequest *req)
{
  static const char * const others[] = { "language", "level", "type", "free", "host_id", "min_price", "max_price" };

  for (guint i = 0; i < G_N_ELEMENTS (others); i++)
    if (parla_request_query (req, others[i]) != NULL)
      return FALSE;

  return TRUE;
}

static JsonNode *
handle_list (ParlaRequest  *req,
             GError       **error)
{
  g_autoptr(ParlaDbParams) count_params = parla_db_params_new ();
  g_autoptr(ParlaDbParams) params = parla_db_params_new ();
  g_autoptr(GString) count_sql = g_string_new (NULL);
  g_autoptr(GString) sql = g_string_new (SESSION_SELECT " WHERE 1 = 1");
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autoptr(ParlaDbRows) rows = NULL;
  g_auto(TextPlan) plan = { NULL, };
  g_autoptr(GHashTable) policies = NULL;
  JsonNode *node;
  gint64 page, limit, total = 0;

  if (!parla_request_page (req, &page, &limit, error) ||
      !text_plan_init (req, &plan, error))
    return NULL;

  /* The page; building it checks every filter's value. $1: the caller,
   * for my_booking_*. */
  parla_db_params_add_text (params, req->user_id ? req->user_id : "");
  if (!build_filters (req, &plan, -1, sql, params, error))
    return NULL;
  g_string_append_printf (sql, " ORDER BY s.start_at, s.id LIMIT %s OFFSET %s",
                          parla_db_params_add_int (params, limit),
                          parla_db_params_add_int (params, (page - 1) * limit));

  /* The count stops past its bound. With words and no filter but time,
   * the word index answers alone; with other filters, it walks the
   * entries of the rarest word (CROSS JOIN keeps that order in SQLite). */
  if (plan.words != NULL && plan.words[0] != NULL && only_time_filters (req))
    {
      g_autofree char *upper = g_strconcat (plan.words[plan.driver], WORD_PREFIX_END, NULL);
      gint64 from, to;

      /* Checked already while building the page. */
      parla_request_query_instant (req, "from", req->now, &from, NULL);
      parla_request_query_instant (req, "to", G_MAXINT64, &to, NULL);

      g_string_append_printf (count_sql,
                              "SELECT COUNT(*) FROM (SELECT DISTINCT w.session_id FROM session_words w "
                              "WHERE w.word >= %s AND w.word < %s AND w.status = 'scheduled' "
                              "AND w.start_at >= %s AND w.end_at > %s",
                              parla_db_params_add_text (count_params, plan.words[plan.driver]),
                              parla_db_params_add_text (count_params, upper),
                              parla_db_params_add_int (count_params, from - MAX_SESSION_MINUTES * 60),
                              parla_db_params_add_int (count_params, from));
      if (to != G_MAXINT64)
        g_string_append_printf (count_sql, " AND w.start_at < %s", parla_db_params_add_int (count_params, to));
      for (guint i = 0; plan.words[i] != NULL; i++)
        if (i != plan.driver)
          append_word (count_sql, count_params, plan.words[i], "w.session_id", FALSE);
    }
  else if (plan.words != NULL && plan.words[0] != NULL)
    {
      g_autofree char *upper = g_strconcat (plan.words[plan.driver], WORD_PREFIX_END, NULL);
      const char *low = parla_db_params_add_text (count_params, plan.words[plan.driver]);

      g_string_append_printf (count_sql,
                              "SELECT COUNT(*) FROM (SELECT DISTINCT w.session_id FROM session_words w "
                              "CROSS JOIN sessions s WHERE s.id = w.session_id AND w.word >= %s AND w.word < %s",
                              low, parla_db_params_add_text (count_params, upper));
      build_filters (req, &plan, plan.driver, count_sql, count_params, NULL);
    }
  else
    {
      g_string_append (count_sql, "SELECT COUNT(*) FROM (SELECT 1 FROM sessions s WHERE 1 = 1");
      build_filters (req, &plan, -1, count_sql, count_params, NULL);
    }
  g_string_append_printf (count_sql, " LIMIT %s) AS matches",
                          parla_db_params_add_int (count_params, MAX_COUNT + 1));

  rows = parla_db_query_params (req->db, count_sql->str, count_params, error);
  if (rows == NULL)
    return NULL;
  if (parla_db_rows_next (rows))
    total = parla_db_rows_get_int (rows, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query_params (req->db, sql->str, params, error);
  if (rows == NULL)
    return NULL;

  policies = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  while (parla_db_rows_next (rows))
    {
      g_autoptr(ParlaSession) session = session_from_row (rows, error);
      JsonNode *item;

      if (session == NULL)
        return NULL;
      item = parla_session_to_json (session);
      g_ptr_array_add (items, item);
      if (!parla_add_cancellation_policy (req, item, parla_session_get_host_id (session), policies, error))
        return NULL;
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  node = parla_request_list_response (g_steal_pointer (&items), MIN (total, MAX_COUNT), page, limit);
  json_object_set_boolean_member (json_node_get_object (node), "total_exact", total <= MAX_COUNT);
  return node;
}

/* The session as the server sends it: with the policy its seats would
 * keep. */
static JsonNode *
session_response (ParlaRequest  *req,
                  ParlaSession  *session,
                  GError       **error)
{
  g_autoptr(JsonNode) node = parla_session_to_json (session);

  if (!parla_add_cancellation_policy (req, node, parla_session_get_host_id (session), NULL, error))
    return NULL;

  return g_steal_pointer (&node);
}

static JsonNode *
handle_create (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(ParlaSession) session = NULL;
  g_autofree char *id = NULL;
  const char *offering_id;

  session = parla_session_new_from_json (req->json, PARLA_JSON_INPUT, error);
  if (session == NULL || !check_schedule (req, session, error))
    return NULL;

  if (req->user_role == PARLA_ROLE_STUDENT && parla_session_get_price_minor (session) > 0)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, "price_minor",
                       "Learners can host free practice sessions only");
      return NULL;
    }

  offering_id = parla_session_get_offering_id (session);
  if (offering_id != NULL)
    {
      g_autoptr(ParlaOffering) offering = NULL;
      g_autoptr(GError) local_error = NULL;

      offering = parla_offering_load (req, offering_id, &local_error);
      if (offering == NULL || g_strcmp0 (parla_offering_get_teacher_id (offering), req->user_id) != 0 ||
          parla_offering_get_archived (offering))
        {
          parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "offering_id",
                           "“offering_id” must name one of your current offerings");
          return NULL;
        }
    }

  if (!check_host_free (req, req->user_id, parla_session_get_start (session),
                        parla_session_get_end (session), NULL, error))
    return NULL;

  id = parla_db_new_id ();
  g_object_set (session,
                "id", id,
                "host-id", req->user_id,
                "host-name", req->user_name,
                "status", PARLA_SESSION_STATUS_SCHEDULED,
                "seats-left", parla_session_get_capacity (session),
                NULL);

  if (!parla_session_store (req, session, TRUE, error))
    return NULL;

  req->status = 201;
  return session_response (req, session, error);
}

static JsonNode *
handle_get (ParlaRequest  *req,
            GError       **error)
{
  g_autoptr(ParlaSession) session = parla_session_load (req, parla_request_param (req, 0), error);

  if (session == NULL)
    return NULL;

  return session_response (req, session, error);
}

static gboolean
cancel_all_seats (ParlaRequest  *req,
                  const char    *session_id,
                  GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  rows = parla_db_query (req->db, error,
                         "SELECT id FROM bookings WHERE session_id = $1 AND kind = 'session' "
                         "AND status IN ('confirmed', 'pending', 'payment_pending')",
                         PARLA_DB_TEXT, session_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  while (parla_db_rows_next (rows))
    g_ptr_array_add (ids, parla_db_rows_dup_text (rows, 0));
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  /* The host cancels: every learner gets what the policy gives a
   * teacher's cancellation, a full refund. */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(ParlaBooking) booking = parla_booking_cancel (req, g_ptr_array_index (ids, i),
                                                              PARLA_PARTY_TEACHER, error);
      if (booking == NULL)
        return FALSE;
    }

  return TRUE;
}

static gboolean
move_all_seats (ParlaRequest  *req,
                const char    *session_id,
                gint64         from_start,
                gint64         from_end,
                gint64         to_start,
                gint64         to_end,
                GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  rows = parla_db_query (req->db, error,
                         "UPDATE bookings SET start_at = $2, end_at = $3, updated_at = $4 "
                         "WHERE session_id = $1 AND kind = 'session' "
                         "AND status IN ('confirmed', 'pending', 'payment_pending') "
                         "RETURNING id, status",
                         PARLA_DB_TEXT, session_id,
                         PARLA_DB_INT, to_start,
                         PARLA_DB_INT, to_end,
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  while (parla_db_rows_next (rows))
    {
      g_ptr_array_add (ids, parla_db_rows_dup_text (rows, 0));
      g_ptr_array_add (ids, parla_db_rows_dup_text (rows, 1));
    }
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  for (guint i = 0; i + 1 < ids->len; i += 2)
    if (!parla_booking_record_change (req, g_ptr_array_index (ids, i), "rescheduled",
                                      g_ptr_array_index (ids, i + 1),
                                      from_start, from_end, to_start, to_end, error))
      return FALSE;

  return TRUE;
}

/* {"type": @type, "session_id", "start", "end"} to the host and the
 * learners who held a seat before the change. */
static void
add_session_event (ParlaRequest       *req,
                   const char         *type,
                   ParlaSession       *session,
                   const char * const *learner_ids)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GStrvBuilder) users = g_strv_builder_new ();
  g_auto(GStrv) user_ids = NULL;

  g_strv_builder_addv (users, (const char **) learner_ids);
  g_strv_builder_add (users, parla_session_get_host_id (session));
  user_ids = g_strv_builder_end (users);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "session_id", parla_session_get_id (session));
  parla_json_add_string (builder, "title", parla_session_get_title (session));
  parla_json_add_instant (builder, "start", parla_session_get_start (session));
  parla_json_add_instant (builder, "end", parla_session_get_end (session));
  json_builder_end_object (builder);

  parla_request_add_event (req, parla_hub_event_new (type, json_builder_get_root (builder),
                                                     (const char * const *) user_ids));
}

static JsonNode *
handle_update (ParlaRequest  *req,
               GError       **error)
{
  const char *id = parla_request_param (req, 0);
  g_autoptr(ParlaSession) session = NULL;
  g_auto(GStrv) learner_ids = NULL;
  gint64 old_start, old_end, seats_taken;
  int old_capacity;
  gboolean moved = FALSE;

  session = parla_session_load (req, id, error);
  if (session == NULL)
    return NULL;

  if (g_strcmp0 (parla_session_get_host_id (session), req->user_id) != 0)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the host can change a session");
      return NULL;
    }

  if (parla_session_get_status (session) != PARLA_SESSION_STATUS_SCHEDULED)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, "status", "This session was cancelled");
      return NULL;
    }

  if (parla_session_get_end (session) <= req->now)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This session is over");
      return NULL;
    }

  old_start = parla_session_get_start (session);
  old_end = parla_session_get_end (session);
  old_capacity = parla_session_get_capacity (session);
  seats_taken = parla_session_get_capacity (session) - parla_session_get_seats_left (session);

  learner_ids = parla_session_dup_learner_ids (req, id, error);
  if (learner_ids == NULL)
    return NULL;

  if (!parla_session_apply_json (session, req->json, error))
    return NULL;

  if (parla_session_get_status (session) == PARLA_SESSION_STATUS_CANCELLED)
    {
      if (!cancel_all_seats (req, id, error))
        return NULL;
    }
  else
    {
      moved = parla_session_get_start (session) != old_start || parla_session_get_end (session) != old_end;

      if (moved && (!check_schedule (req, session, error) ||
                    !check_host_free (req, req->user_id, parla_session_get_start (session),
                                      parla_session_get_end (session), id, error)))
        return NULL;

      if (!parla_policy_check_duration (req->config->policy, parla_session_get_duration_minutes (session), error))
        return NULL;

      if (parla_session_get_capacity (session) < seats_taken)
        {
          parla_set_error (error, PARLA_ERROR_INVALID_STATE, "capacity",
                           "%" G_GINT64_FORMAT " learners already hold a seat", seats_taken);
          return NULL;
        }

      if (req->user_role == PARLA_ROLE_STUDENT && parla_session_get_price_minor (session) > 0)
        {
          parla_set_error (error, PARLA_ERROR_FORBIDDEN, "price_minor",
                           "Learners can host free practice sessions only");
          return NULL;
        }

      if (moved && !move_all_seats (req, id, old_start, old_end,
                                    parla_session_get_start (session),
                                    parla_session_get_end (session), error))
        return NULL;
    }

  if (!parla_session_store (req, session, FALSE, error))
    return NULL;

  g_clear_object (&session);
  session = parla_session_load (req, id, error);
  if (session == NULL)
    return NULL;

  if (parla_session_get_status (session) == PARLA_SESSION_STATUS_CANCELLED)
    add_session_event (req, "session.cancelled", session, (const char * const *) learner_ids);
  else if (moved)
    add_session_event (req, "session.rescheduled", session, (const char * const *) learner_ids);

  if ((parla_session_get_status (session) == PARLA_SESSION_STATUS_CANCELLED ||
       parla_session_get_capacity (session) != old_capacity) &&
      !parla_events_seats (req, id, error))
    return NULL;

  return session_response (req, session, error);
}

static const ParlaField seat_fields[] = {
  { "learner_time_zone", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 1, 64 },
};

static JsonNode *
handle_book (ParlaRequest  *req,
             GError       **error)
{
  const char *id = parla_request_param (req, 0);
  JsonObject *body = req->json != NULL ? parla_request_body (req) : NULL;
  g_autoptr(ParlaSession) session = NULL;
  g_autofree char *zone = NULL;
  ParlaNewBooking seat = { 0, };
  gint64 changed;

  if (req->json != NULL &&
      !parla_json_check (req->json, seat_fields, G_N_ELEMENTS (seat_fields), PARLA_JSON_INPUT, error))
    return NULL;
  if (!parla_booking_read_time_zone (req, body, &zone, error))
    return NULL;

  session = parla_session_load (req, id, error);
  if (session == NULL)
    return NULL;

  if (parla_session_get_status (session) != PARLA_SESSION_STATUS_SCHEDULED)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This session was cancelled");
      return NULL;
    }

  if (parla_session_get_start (session) <= req->now)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This session has already started");
      return NULL;
    }

  if (g_strcmp0 (parla_session_get_host_id (session), req->user_id) == 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "You host this session");
      return NULL;
    }

  /* Seats held for payments that ran out on our clock are free again,
   * the caller's own expired hold included. */
  if (!parla_payments_release_expired (req, error))
    return NULL;
  if (parla_session_get_my_booking_id (session) != NULL)
    {
      g_clear_object (&session);
      session = parla_session_load (req, id, error);
      if (session == NULL)
        return NULL;
    }

  if (parla_session_get_my_booking_id (session) != NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "You already have a seat in this session");
      return NULL;
    }

  /* Taking the seat is one conditional update: of any number of racing
   * learners, only as many as there are seats see a changed row. */
  changed = parla_db_exec (req->db, error,
                           "UPDATE sessions SET seats_taken = seats_taken + 1, updated_at = $2 "
                           "WHERE id = $1 AND status = 'scheduled' AND seats_taken < capacity",
                           PARLA_DB_TEXT, id,
                           PARLA_DB_INT, req->now,
                           PARLA_DB_END);
  if (changed < 0)
    return NULL;
  if (changed == 0)
    {
      parla_set_error (error, PARLA_ERROR_SLOT_TAKEN, NULL, "There are no seats left in this session");
      return NULL;
    }

  seat.kind = PARLA_BOOKING_KIND_SESSION;
  seat.session_id = id;
  seat.offering_id = parla_session_get_offering_id (session);
  seat.teacher_id = parla_session_get_host_id (session);
  seat.title = parla_session_get_title (session);
  seat.start = parla_session_get_start (session);
  seat.end = parla_session_get_end (session);
  seat.status = PARLA_BOOKING_CONFIRMED;
  seat.learner_time_zone = zone;
  seat.price_minor = parla_session_get_price_minor (session);
  /* A paid seat is held until Stripe says it is paid. */
  if (seat.price_minor > 0 && parla_payments_enabled (req->config))
    {
      seat.paid_status = PARLA_BOOKING_CONFIRMED;
      seat.status = PARLA_BOOKING_PAYMENT_PENDING;
    }
  seat.currency = parla_session_get_currency (session);

  return parla_booking_create (req, &seat, error);
}

static JsonNode *
handle_unbook (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(ParlaBooking) booking = NULL;

  session = parla_session_load (req, parla_request_param (req, 0), error);
  if (session == NULL)
    return NULL;

  if (parla_session_get_my_booking_id (session) == NULL)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "You have no seat in this session");
      return NULL;
    }

  booking = parla_booking_cancel (req, parla_session_get_my_booking_id (session), PARLA_PARTY_LEARNER, error);
  if (booking == NULL)
    return NULL;

  return parla_booking_to_json (booking);
}

const ParlaRoute parla_session_routes[] = {
  { "GET", "/api/v1/sessions", handle_list, PARLA_ROUTE_AUTH_OPT },
  { "POST", "/api/v1/sessions", handle_create, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY | PARLA_ROUTE_IDEMPOTENT },
  { "GET", "/api/v1/sessions/{id}", handle_get, PARLA_ROUTE_AUTH_OPT },
  { "PUT", "/api/v1/sessions/{id}", handle_update, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { "POST", "/api/v1/sessions/{id}/book", handle_book, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT | PARLA_ROUTE_IDEMPOTENT },
  { "DELETE", "/api/v1/sessions/{id}/book", handle_unbook, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE },
  { NULL }
};
