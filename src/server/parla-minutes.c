/* parla-minutes.c: prepaid minutes, their ledger and packages
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The ledger (minute_ledger, migration 6) is append-only. A purchase or
 * a grant is a lot with an expiry; debits and expiries name the lot they
 * take from, so what is left of a lot is its credit plus the (negative)
 * entries naming it, and a balance is the sum of what is left of the
 * lots that have not expired. A debit takes from the lots that expire
 * first and never more than is left, inside the caller's transaction and
 * under the user's lock (parla_minutes_lock()), so the balance can never
 * go negative, whoever races.
 */

#include "config.h"

#include "parla-minutes.h"

#include "parla-server-private.h"

#define DAY_SECONDS G_GINT64_CONSTANT (86400)

/* The lots of a user that have not expired, soonest expiry first, with
 * what is left of each. */
static const char lots_sql[] =
  "SELECT l.id, l.kind, l.expires_at, "
  "  l.seconds + COALESCE((SELECT SUM(e.seconds) FROM minute_ledger e WHERE e.lot_id = l.id), 0) "
  "FROM minute_ledger l "
  "WHERE l.user_id = $1 AND l.kind IN ('purchase', 'grant') AND l.expires_at > $2 "
  "ORDER BY l.expires_at, l.created_at, l.id";

static const char * const package_order = "ORDER BY minutes, price_minor, id";

/* Ledger */

gboolean
parla_minutes_lock (ParlaDb     *db,
                    const char  *user_id,
                    GError     **error)
{
  return parla_db_exec (db, error,
                        "INSERT INTO minute_accounts (user_id, lock_version) VALUES ($1, 1) "
                        "ON CONFLICT (user_id) DO UPDATE SET lock_version = minute_accounts.lock_version + 1",
                        PARLA_DB_TEXT, user_id,
                        PARLA_DB_END) >= 0;
}

gint64
parla_minutes_balance (ParlaDb     *db,
                       const char  *user_id,
                       gint64       now,
                       gint64      *out_expires_at,
                       GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  gint64 balance = 0;
  gint64 expires_at = 0;

  rows = parla_db_query (db, error, lots_sql,
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_INT, now,
                         PARLA_DB_END);
  if (rows == NULL)
    return -1;

  while (parla_db_rows_next (rows))
    {
      gint64 left = parla_db_rows_get_int (rows, 3);

      if (left <= 0)
        continue;
      if (expires_at == 0)
        expires_at = parla_db_rows_get_int (rows, 2);
      balance += left;
    }
  if (!parla_db_rows_get_error (rows, error))
    return -1;

  if (out_expires_at != NULL)
    *out_expires_at = expires_at;
  return balance;
}

char *
parla_minutes_credit (ParlaDb     *db,
                      const char  *user_id,
                      const char  *kind,
                      gint64       seconds,
                      gint64       expires_at,
                      const char  *package_id,
                      const char  *payment_ref,
                      const char  *reason,
                      const char  *created_by,
                      gint64       now,
                      GError     **error)
{
  g_autofree char *id = parla_db_new_id ();

  g_return_val_if_fail (g_str_equal (kind, "purchase") || g_str_equal (kind, "grant"), NULL);
  g_return_val_if_fail (seconds > 0, NULL);

  if (!parla_minutes_lock (db, user_id, error) ||
      parla_db_exec (db, error,
                     "INSERT INTO minute_ledger (id, user_id, kind, seconds, expires_at, package_id, "
                     "payment_ref, reason, created_by, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, user_id,
                     PARLA_DB_TEXT, kind,
                     PARLA_DB_INT, seconds,
                     PARLA_DB_INT, expires_at,
                     PARLA_DB_TEXT, package_id,
                     PARLA_DB_TEXT, payment_ref,
                     PARLA_DB_TEXT, reason != NULL ? reason : "",
                     PARLA_DB_TEXT, created_by,
                     PARLA_DB_INT, now,
                     PARLA_DB_END) < 0)
    return NULL;

  return g_steal_pointer (&id);
}

typedef struct
{
  char   *id;
  gint64  left;
} Lot;

static void
lot_clear (gpointer data)
{
  Lot *lot = data;

  g_free (lot->id);
}

gint64
parla_minutes_debit (ParlaDb     *db,
                     const char  *user_id,
                     gint64       seconds,
                     const char  *call_id,
                     gint64       now,
                     GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GArray) lots = g_array_new (FALSE, FALSE, sizeof (Lot));
  gint64 debited = 0;

  g_return_val_if_fail (seconds >= 0, -1);

  g_array_set_clear_func (lots, lot_clear);

  if (seconds == 0)
    return 0;

  if (!parla_minutes_lock (db, user_id, error))
    return -1;

  rows = parla_db_query (db, error, lots_sql,
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_INT, now,
                         PARLA_DB_END);
  if (rows == NULL)
    return -1;
  while (parla_db_rows_next (rows))
    {
      Lot lot = { parla_db_rows_dup_text (rows, 0), parla_db_rows_get_int (rows, 3) };

      g_array_append_val (lots, lot);
    }
  if (!parla_db_rows_get_error (rows, error))
    return -1;

  for (guint i = 0; i < lots->len && debited < seconds; i++)
    {
      Lot *lot = &g_array_index (lots, Lot, i);
      g_autofree char *id = NULL;
      gint64 take = MIN (lot->left, seconds - debited);

      if (take <= 0)
        continue;

      id = parla_db_new_id ();
      if (parla_db_exec (db, error,
                         "INSERT INTO minute_ledger (id, user_id, kind, seconds, lot_id, call_id, created_at) "
                         "VALUES ($1, $2, 'debit', $3, $4, $5, $6)",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_INT, -take,
                         PARLA_DB_TEXT, lot->id,
                         PARLA_DB_TEXT, call_id,
                         PARLA_DB_INT, now,
                         PARLA_DB_END) < 0)
        return -1;
      debited += take;
    }

  return debited;
}

gboolean
parla_minutes_expire (ParlaDb     *db,
                      gint64       now,
                      GPtrArray   *users,
                      GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) lots = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) owners = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) left = g_array_new (FALSE, FALSE, sizeof (gint64));

  rows = parla_db_query (db, error,
                         "SELECT l.id, l.user_id, "
                         "  l.seconds + COALESCE((SELECT SUM(e.seconds) FROM minute_ledger e WHERE e.lot_id = l.id), 0) AS remaining "
                         "FROM minute_ledger l "
                         "WHERE l.kind IN ('purchase', 'grant') AND l.expires_at <= $1 "
                         "AND NOT EXISTS (SELECT 1 FROM minute_ledger x WHERE x.lot_id = l.id AND x.kind = 'expiry') "
                         "ORDER BY l.expires_at, l.id",
                         PARLA_DB_INT, now,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  while (parla_db_rows_next (rows))
    {
      gint64 remaining = parla_db_rows_get_int (rows, 2);

      if (remaining <= 0)
        continue;
      g_ptr_array_add (lots, parla_db_rows_dup_text (rows, 0));
      g_ptr_array_add (owners, parla_db_rows_dup_text (rows, 1));
      g_array_append_val (left, remaining);
    }
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  for (guint i = 0; i < lots->len; i++)
    {
      g_autofree char *id = parla_db_new_id ();
      const char *owner = g_ptr_array_index (owners, i);

      if (!parla_minutes_lock (db, owner, error) ||
          parla_db_exec (db, error,
                         "INSERT INTO minute_ledger (id, user_id, kind, seconds, lot_id, reason, created_at) "
                         "VALUES ($1, $2, 'expiry', $3, $4, 'validity ended', $5)",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_TEXT, owner,
                         PARLA_DB_INT, -g_array_index (left, gint64, i),
                         PARLA_DB_TEXT, g_ptr_array_index (lots, i),
                         PARLA_DB_INT, now,
                         PARLA_DB_END) < 0)
        return FALSE;

      if (users != NULL && !g_ptr_array_find_with_equal_func (users, owner, g_str_equal, NULL))
        g_ptr_array_add (users, g_strdup (owner));
    }

  return TRUE;
}

gboolean
parla_minutes_credit_purchase (ParlaDb     *db,
                               const char  *user_id,
                               const char  *package_id,
                               const char  *payment_ref,
                               gint64       now,
                               gboolean    *out_duplicate,
                               GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *name = NULL;
  gint64 minutes, validity_days;

  g_return_val_if_fail (user_id != NULL && package_id != NULL && payment_ref != NULL, FALSE);

  if (out_duplicate != NULL)
    *out_duplicate = FALSE;

  /* The lock first, so that two deliveries of one payment serialise
   * before either looks for the other. */
  if (!parla_minutes_lock (db, user_id, error))
    return FALSE;

  rows = parla_db_query (db, error, "SELECT 1 FROM minute_ledger WHERE payment_ref = $1",
                         PARLA_DB_TEXT, payment_ref,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (parla_db_rows_next (rows))
    {
      if (out_duplicate != NULL)
        *out_duplicate = TRUE;
      return TRUE;
    }
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query (db, error, "SELECT minutes, validity_days, name FROM minute_packages WHERE id = $1",
                         PARLA_DB_TEXT, package_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, "package_id", "No such minute package");
      return FALSE;
    }
  minutes = parla_db_rows_get_int (rows, 0);
  validity_days = parla_db_rows_get_int (rows, 1);
  name = parla_db_rows_dup_text (rows, 2);
  g_clear_pointer (&rows, parla_db_rows_free);

  entry = parla_minutes_credit (db, user_id, "purchase", minutes * 60, now + validity_days * DAY_SECONDS,
                                package_id, payment_ref, name, user_id, now, error);
  return entry != NULL;
}

/* JSON */

/* Whole minutes of @seconds, rounded towards zero. */
static gint64
whole_minutes (gint64 seconds)
{
  return seconds / 60;
}

static JsonNode *
package_from_row (ParlaDbRows *rows)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", parla_db_rows_get_text (rows, 0));
  parla_json_add_string (builder, "name", parla_db_rows_get_text (rows, 1));
  parla_json_add_int (builder, "minutes", parla_db_rows_get_int (rows, 2));
  parla_json_add_int (builder, "price_minor", parla_db_rows_get_int (rows, 3));
  parla_json_add_string (builder, "currency", parla_db_rows_get_text (rows, 4));
  parla_json_add_int (builder, "validity_days", parla_db_rows_get_int (rows, 5));
  parla_json_add_bool (builder, "active", parla_db_rows_get_int (rows, 6) != 0);
  parla_json_add_instant (builder, "created_at", parla_db_rows_get_int (rows, 7));
  parla_json_add_instant (builder, "updated_at", parla_db_rows_get_int (rows, 8));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

#define PACKAGE_COLUMNS "id, name, minutes, price_minor, currency, validity_days, active, created_at, updated_at"

static JsonNode *
load_package (ParlaRequest  *req,
              const char    *id,
              GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error, "SELECT " PACKAGE_COLUMNS " FROM minute_packages WHERE id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such minute package");
      return NULL;
    }

  return package_from_row (rows);
}

static JsonNode *
list_packages (ParlaRequest  *req,
               gboolean       active_only,
               GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  g_autofree char *sql = g_strconcat ("SELECT " PACKAGE_COLUMNS " FROM minute_packages ",
                                      active_only ? "WHERE active = 1 " : "", package_order, NULL);
  gint64 total;

  rows = parla_db_query (req->db, error, sql, PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    g_ptr_array_add (items, package_from_row (rows));
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  total = items->len;
  return parla_request_list_response (g_steal_pointer (&items), total, 1, MAX (total, 1));
}

/* Handlers: packages */

static const ParlaField package_fields[] = {
  { "name", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 80 },
  { "minutes", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 100000 },
  { "price_minor", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, 100000000 },
  { "currency", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 3, 3 },
  { "validity_days", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 3650 },
  { "active", PARLA_FIELD_BOOL, PARLA_FIELD_OPTIONAL },
};

static gboolean
require_admin (ParlaRequest  *req,
               GError       **error)
{
  if (req->user_role == PARLA_ROLE_ADMIN)
    return TRUE;

  parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only an admin may do this");
  return FALSE;
}

static gboolean
check_package (JsonObject  *body,
               GError     **error)
{
  g_autofree char *name = NULL;
  const char *currency;

  if (!parla_json_check_object (body, package_fields, G_N_ELEMENTS (package_fields), PARLA_JSON_INPUT, error))
    return FALSE;

  currency = parla_json_get_string (body, "currency", "");
  for (const char *c = currency; *c != '\0'; c++)
    if (!g_ascii_isupper (*c))
      {
        parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "currency",
                         "“currency” is an ISO 4217 code in capitals, e.g. EUR");
        return FALSE;
      }

  name = g_strstrip (g_strdup (parla_json_get_string (body, "name", "")));
  if (name[0] == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "name", "“name” must not be blank");
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
handle_list_packages (ParlaRequest  *req,
                      GError       **error)
{
  return list_packages (req, TRUE, error);
}

static JsonNode *
handle_admin_list_packages (ParlaRequest  *req,
                            GError       **error)
{
  if (!require_admin (req, error))
    return NULL;

  return list_packages (req, FALSE, error);
}

static JsonNode *
handle_admin_create_package (ParlaRequest  *req,
                             GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autofree char *id = parla_db_new_id ();
  g_autofree char *name = NULL;

  if (!require_admin (req, error) || !check_package (body, error))
    return NULL;

  name = g_strstrip (g_strdup (parla_json_get_string (body, "name", "")));
  if (parla_db_exec (req->db, error,
                     "INSERT INTO minute_packages (id, name, minutes, price_minor, currency, validity_days, "
                     "active, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, name,
                     PARLA_DB_INT, parla_json_get_int (body, "minutes", 0),
                     PARLA_DB_INT, parla_json_get_int (body, "price_minor", 0),
                     PARLA_DB_TEXT, parla_json_get_string (body, "currency", ""),
                     PARLA_DB_INT, parla_json_get_int (body, "validity_days", 0),
                     PARLA_DB_BOOL, parla_json_get_bool (body, "active", TRUE),
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  req->status = 201;
  return load_package (req, id, error);
}

/* Replaces a package's terms; lots bought before keep theirs. */
static JsonNode *
handle_admin_update_package (ParlaRequest  *req,
                             GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autofree char *name = NULL;
  gint64 changed;

  if (!require_admin (req, error) || !check_package (body, error))
    return NULL;

  name = g_strstrip (g_strdup (parla_json_get_string (body, "name", "")));
  changed = parla_db_exec (req->db, error,
                           "UPDATE minute_packages SET name = $2, minutes = $3, price_minor = $4, currency = $5, "
                           "validity_days = $6, active = $7, updated_at = $8 WHERE id = $1",
                           PARLA_DB_TEXT, parla_request_param (req, 0),
                           PARLA_DB_TEXT, name,
                           PARLA_DB_INT, parla_json_get_int (body, "minutes", 0),
                           PARLA_DB_INT, parla_json_get_int (body, "price_minor", 0),
                           PARLA_DB_TEXT, parla_json_get_string (body, "currency", ""),
                           PARLA_DB_INT, parla_json_get_int (body, "validity_days", 0),
                           PARLA_DB_BOOL, parla_json_get_bool (body, "active", TRUE),
                           PARLA_DB_INT, req->now,
                           PARLA_DB_END);
  if (changed < 0)
    return NULL;
  if (changed == 0)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such minute package");
      return NULL;
    }

  return load_package (req, parla_request_param (req, 0), error);
}

/* Handlers: balance, ledger, grants */

static JsonNode *
balance_json (ParlaRequest  *req,
              const char    *user_id,
              GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;
  gint64 expires_at = 0;
  gint64 balance;

  balance = parla_minutes_balance (req->db, user_id, req->now, &expires_at, error);
  if (balance < 0)
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_int (builder, "minutes", whole_minutes (balance));
  parla_json_add_int (builder, "seconds", balance);
  if (expires_at > 0)
    parla_json_add_instant (builder, "expires_at", expires_at);
  else
    parla_json_add_string (builder, "expires_at", NULL);

  rows = parla_db_query (req->db, error, lots_sql,
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  json_builder_set_member_name (builder, "lots");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      gint64 left = parla_db_rows_get_int (rows, 3);

      if (left <= 0)
        continue;
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "id", parla_db_rows_get_text (rows, 0));
      parla_json_add_string (builder, "kind", parla_db_rows_get_text (rows, 1));
      parla_json_add_int (builder, "minutes", whole_minutes (left));
      parla_json_add_int (builder, "seconds", left);
      parla_json_add_instant (builder, "expires_at", parla_db_rows_get_int (rows, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!parla_db_rows_get_error (rows, error))
    return NULL;
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
handle_my_balance (ParlaRequest  *req,
                   GError       **error)
{
  return balance_json (req, req->user_id, error);
}

static void
add_nullable_text (JsonBuilder *builder,
                   const char  *name,
                   ParlaDbRows *rows,
                   guint        column)
{
  parla_json_add_string (builder, name, parla_db_rows_get_text (rows, column));
}

/* The entries of the caller's ledger, newest first. */
static JsonNode *
handle_my_ledger (ParlaRequest  *req,
                  GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  gint64 page, limit, total;

  if (!parla_request_page (req, &page, &limit, error))
    return NULL;

  rows = parla_db_query (req->db, error, "SELECT COUNT(*) FROM minute_ledger WHERE user_id = $1",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    {
      if (rows != NULL)
        parla_db_rows_get_error (rows, error);
      return NULL;
    }
  total = parla_db_rows_get_int (rows, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query (req->db, error,
                         "SELECT id, kind, seconds, lot_id, expires_at, package_id, call_id, reason, created_at "
                         "FROM minute_ledger WHERE user_id = $1 "
                         "ORDER BY created_at DESC, id DESC LIMIT $2 OFFSET $3",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_INT, limit,
                         PARLA_DB_INT, (page - 1) * limit,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();

      json_builder_begin_object (builder);
      parla_json_add_string (builder, "id", parla_db_rows_get_text (rows, 0));
      parla_json_add_string (builder, "kind", parla_db_rows_get_text (rows, 1));
      parla_json_add_int (builder, "seconds", parla_db_rows_get_int (rows, 2));
      add_nullable_text (builder, "lot_id", rows, 3);
      if (parla_db_rows_is_null (rows, 4))
        parla_json_add_string (builder, "expires_at", NULL);
      else
        parla_json_add_instant (builder, "expires_at", parla_db_rows_get_int (rows, 4));
      add_nullable_text (builder, "package_id", rows, 5);
      add_nullable_text (builder, "call_id", rows, 6);
      parla_json_add_string (builder, "reason", parla_db_rows_get_text (rows, 7));
      parla_json_add_instant (builder, "created_at", parla_db_rows_get_int (rows, 8));
      json_builder_end_object (builder);
      g_ptr_array_add (items, json_builder_get_root (builder));
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return parla_request_list_response (g_steal_pointer (&items), total, page, limit);
}

static const ParlaField grant_fields[] = {
  { "user_id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "minutes", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 100000 },
  { "reason", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 200 },
  { "validity_days", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 1, 3650 },
};

/* An admin credits minutes: {id, user_id, minutes, reason, expires_at,
 * balance{...}}. */
static JsonNode *
handle_admin_grant (ParlaRequest  *req,
                    GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *entry = NULL;
  g_autofree char *reason = NULL;
  g_autoptr(JsonNode) balance = NULL;
  const char *user_id;
  gint64 minutes, expires_at;

  if (!require_admin (req, error) ||
      !parla_json_check_object (body, grant_fields, G_N_ELEMENTS (grant_fields), PARLA_JSON_INPUT, error))
    return NULL;

  reason = g_strstrip (g_strdup (parla_json_get_string (body, "reason", "")));
  if (reason[0] == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "reason", "“reason” must not be blank");
      return NULL;
    }

  user_id = parla_json_get_string (body, "user_id", "");
  rows = parla_db_query (req->db, error, "SELECT 1 FROM users WHERE id = $1",
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, "user_id", "No such user");
      return NULL;
    }
  g_clear_pointer (&rows, parla_db_rows_free);

  minutes = parla_json_get_int (body, "minutes", 0);
  expires_at = req->now + DAY_SECONDS * parla_json_get_int (body, "validity_days", req->config->grant_validity_days);
  entry = parla_minutes_credit (req->db, user_id, "grant", minutes * 60, expires_at,
                                NULL, NULL, reason, req->user_id, req->now, error);
  if (entry == NULL)
    return NULL;

  balance = balance_json (req, user_id, error);
  if (balance == NULL)
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", entry);
  parla_json_add_string (builder, "user_id", user_id);
  parla_json_add_int (builder, "minutes", minutes);
  parla_json_add_string (builder, "reason", reason);
  parla_json_add_instant (builder, "expires_at", expires_at);
  parla_json_add_node (builder, "balance", balance);
  json_builder_end_object (builder);

  req->status = 201;
  return json_builder_get_root (builder);
}

const ParlaRoute parla_minute_routes[] = {
  { "GET", "/api/v1/minute-packages", handle_list_packages, PARLA_ROUTE_PUBLIC },
  { "GET", "/api/v1/admin/minute-packages", handle_admin_list_packages, PARLA_ROUTE_AUTH },
  { "POST", "/api/v1/admin/minute-packages", handle_admin_create_package,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { "PUT", "/api/v1/admin/minute-packages/{id}", handle_admin_update_package,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { "GET", "/api/v1/me/balance", handle_my_balance, PARLA_ROUTE_AUTH },
  { "GET", "/api/v1/me/minute-ledger", handle_my_ledger, PARLA_ROUTE_AUTH },
  { "POST", "/api/v1/admin/grants", handle_admin_grant,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { NULL }
};
