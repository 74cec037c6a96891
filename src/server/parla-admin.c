/* parla-admin.c: making an admin account from the command line
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Nobody can register as an admin over HTTP: the first admin comes from
 * `parla-server create-admin`, run by whoever runs the server.
 */

#include "config.h"

#include "parla-admin.h"

#include "parla-server-private.h"

#define MIN_PASSWORD_CHARS 8
#define MAX_PASSWORD_CHARS 128

gboolean
parla_admin_create (const ParlaServerConfig  *config,
                    const char               *email,
                    const char               *password,
                    char                    **out_user_id,
                    GError                  **error)
{
  g_autoptr(ParlaDb) db = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *trimmed = NULL;
  g_autofree char *address = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *id = NULL;
  glong length;

  g_return_val_if_fail (config != NULL, FALSE);

  if (email == NULL || password == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "An email and a password are required");
      return FALSE;
    }

  trimmed = g_strstrip (g_strdup (email));
  address = g_utf8_strdown (trimmed, -1);
  if (!parla_check_email (address, error))
    return FALSE;

  length = g_utf8_validate (password, -1, NULL) ? g_utf8_strlen (password, -1) : -1;
  if (length < MIN_PASSWORD_CHARS || length > MAX_PASSWORD_CHARS)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "password",
                       "The password must have %d to %d characters", MIN_PASSWORD_CHARS, MAX_PASSWORD_CHARS);
      return FALSE;
    }

  hash = parla_auth_hash_password (config, password, error);
  if (hash == NULL)
    return FALSE;

  db = parla_db_open (config->db_url, error);
  if (db == NULL || !parla_db_migrate (db, error) || !parla_db_begin_write (db, error))
    return FALSE;

  id = parla_db_new_id ();
  rows = parla_db_query (db, error,
                         "INSERT INTO users (id, email, password_hash, display_name, role, created_at) "
                         "VALUES ($1, $2, $3, $4, 'admin', $5) "
                         "ON CONFLICT (email) DO UPDATE SET role = 'admin', password_hash = $3 "
                         "RETURNING id",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_TEXT, address,
                         PARLA_DB_TEXT, hash,
                         PARLA_DB_TEXT, "Admin",
                         PARLA_DB_INT, g_get_real_time () / G_USEC_PER_SEC,
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    {
      if (rows != NULL)
        parla_db_rows_get_error (rows, error);
      parla_db_rollback (db);
      return FALSE;
    }
  g_free (id);
  id = parla_db_rows_dup_text (rows, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  if (!parla_db_commit (db, error))
    return FALSE;

  if (out_user_id != NULL)
    *out_user_id = g_steal_pointer (&id);
  return TRUE;
}
