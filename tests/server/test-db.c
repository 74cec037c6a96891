/* test-db.c: ParlaDb on SQLite
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "parla-db.h"
#include "parla-db-private.h"

typedef struct
{
  char    *dir;
  char    *path;
  char    *url;
  ParlaDb *db;
} Fixture;

static int
newest_version (void)
{
  int newest = 0;

  for (guint i = 0; parla_db_migrations[i].version != 0; i++)
    newest = parla_db_migrations[i].version;

  return newest;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("parla-test-db-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "parla.db", NULL);
  fixture->url = g_strconcat ("sqlite:", fixture->path, NULL);

  fixture->db = parla_db_open (fixture->url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);

  g_assert_true (parla_db_migrate (fixture->db, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_pointer (&fixture->db, parla_db_close);

  dir = g_dir_open (fixture->dir, 0, NULL);
  g_assert_nonnull (dir);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (fixture->dir, name, NULL);

      g_assert_cmpint (g_unlink (file), ==, 0);
    }
  g_assert_cmpint (g_rmdir (fixture->dir), ==, 0);

  g_free (fixture->url);
  g_free (fixture->path);
  g_free (fixture->dir);
}

static ParlaDb *
open_other (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  ParlaDb *db;

  db = parla_db_open (fixture->url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (db);

  return db;
}

static void
insert_user (ParlaDb    *db,
             const char *id,
             const char *email,
             const char *name)
{
  g_autoptr(GError) error = NULL;
  gint64 changes;

  changes = parla_db_exec (db, &error,
                           "INSERT INTO users (id, email, password_hash, display_name, role, created_at) "
                           "VALUES ($1, $2, 'hash', $3, 'student', $4)",
                           PARLA_DB_TEXT, id,
                           PARLA_DB_TEXT, email,
                           PARLA_DB_TEXT, name,
                           PARLA_DB_INT, (gint64) 1700000000,
                           PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);
}

static gint64
query_int (ParlaDb    *db,
           const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, &error, sql, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));

  return parla_db_rows_get_int (rows, 0);
}

static char *
query_text (ParlaDb    *db,
            const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, &error, sql, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));

  return parla_db_rows_dup_text (rows, 0);
}

/* Tests */

static void
test_url (void)
{
  const struct
  {
    const char *url;
    const char *message;
  } cases[] = {
    { "postgres://x", "PostgreSQL support is not built in yet" },
    { "postgresql://parla:secret@localhost/parla", "PostgreSQL support is not built in yet" },
    { "mysql:x", "mysql" },
    { "mysql://user:secret@host/db", "mysql" },
    { "no-scheme", "Malformed" },
    { "", "Malformed" },
    { "sqlite:", "no path" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ParlaDb) db = NULL;

      db = parla_db_open (cases[i].url, &error);
      g_assert_null (db);
      g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_URL);
      g_assert_nonnull (strstr (error->message, cases[i].message));
      /* A password in the URL is never repeated. */
      g_assert_null (strstr (error->message, "secret"));
    }

  /* A path that cannot be created is a plain failure, not a URL error. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ParlaDb) db = NULL;

    db = parla_db_open ("sqlite:/nonexistent-parla-dir/x/parla.db", &error);
    g_assert_null (db);
    g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  }

  /* NULL-safe */
  parla_db_close (NULL);
}

static void
test_migrate (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) fresh = NULL;
  g_autofree char *fresh_url = NULL;

  g_assert_cmpstr (parla_db_get_url (fixture->db), ==, fixture->url);
  g_assert_cmpint (newest_version (), >=, 1);
  g_assert_cmpint (parla_db_schema_version (fixture->db), ==, newest_version ());

  /* The second run changes nothing. */
  g_assert_true (parla_db_migrate (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (parla_db_schema_version (fixture->db), ==, newest_version ());
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM schema_migrations"),
                   ==, newest_version ());
  g_assert_cmpint (query_int (fixture->db, "SELECT min(applied_at) FROM schema_migrations"),
                   >, 1700000000);
  g_assert_false (parla_db_in_transaction (fixture->db));

  /* The schema is there. */
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 0);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM bookings"), ==, 0);

  /* A database that never saw a migration is at version 0. */
  fresh_url = g_strconcat ("sqlite:", fixture->dir, "/fresh.db", NULL);
  fresh = parla_db_open (fresh_url, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_db_schema_version (fresh), ==, 0);

  /* A second connection migrating an up-to-date file is a no-op too. */
  {
    g_autoptr(ParlaDb) other = open_other (fixture);

    g_assert_true (parla_db_migrate (other, &error));
    g_assert_no_error (error);
    g_assert_cmpint (parla_db_schema_version (other), ==, newest_version ());
  }
}

static void
test_future_version (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = NULL;
  gint64 changes;

  changes = parla_db_exec (fixture->db, &error,
                           "INSERT INTO schema_migrations (version, description, applied_at) "
                           "VALUES ($1, 'from the future', 0)",
                           PARLA_DB_INT, (gint64) newest_version () + 1,
                           PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);

  db = open_other (fixture);
  g_assert_cmpint (parla_db_schema_version (db), ==, newest_version () + 1);
  g_assert_false (parla_db_migrate (db, &error));
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "The database was written by a newer Parla"));
  g_assert_false (parla_db_in_transaction (db));
}

static void
test_memory (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = NULL;

  db = parla_db_open ("sqlite::memory:", &error);
  g_assert_no_error (error);
  g_assert_true (parla_db_migrate (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (parla_db_schema_version (db), ==, newest_version ());

  g_assert_true (parla_db_begin_write (db, &error));
  g_assert_no_error (error);
  insert_user (db, "u1", "a@example.com", "A");
  g_assert_true (parla_db_commit (db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (db, "SELECT count(*) FROM users"), ==, 1);
}

static void
test_pragmas (Fixture       *fixture,
              gconstpointer  data)
{
  g_autofree char *mode = NULL;
  g_autofree char *wal = g_strconcat (fixture->path, "-wal", NULL);

  mode = query_text (fixture->db, "PRAGMA journal_mode");
  g_assert_cmpstr (mode, ==, "wal");
  g_assert_cmpint (query_int (fixture->db, "PRAGMA synchronous"), ==, 2);  /* FULL */
  g_assert_cmpint (query_int (fixture->db, "PRAGMA foreign_keys"), ==, 1);
  g_assert_cmpint (query_int (fixture->db, "PRAGMA temp_store"), ==, 2);  /* MEMORY */
  g_assert_cmpint (query_int (fixture->db, "PRAGMA busy_timeout"), ==, 5000);

  insert_user (fixture->db, "u1", "a@example.com", "A");
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));

  /* WAL is recorded in the file: a new connection sees it too. */
  {
    g_autoptr(ParlaDb) other = open_other (fixture);
    g_autofree char *other_mode = query_text (other, "PRAGMA journal_mode");

    g_assert_cmpstr (other_mode, ==, "wal");
  }
}

static void
test_parameters (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  gint64 changes;

  insert_user (fixture->db, "u1", "a@example.com", "Ann");
  insert_user (fixture->db, "u2", "b@example.com", "Bob");
  insert_user (fixture->db, "u3", "c@example.com", "Cat");

  /* Out of order: $2 comes first in the SQL. */
  rows = parla_db_query (fixture->db, &error,
                         "SELECT id, display_name, created_at FROM users "
                         "WHERE email = $2 AND role = $1",
                         PARLA_DB_TEXT, "student",
                         PARLA_DB_TEXT, "b@example.com",
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpuint (parla_db_rows_n_columns (rows), ==, 3);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpstr (parla_db_rows_get_text (rows, 0), ==, "u2");
  g_assert_cmpstr (parla_db_rows_get_text (rows, 1), ==, "Bob");
  g_assert_cmpint (parla_db_rows_get_int (rows, 2), ==, 1700000000);
  g_assert_false (parla_db_rows_is_null (rows, 0));
  g_assert_false (parla_db_rows_next (rows));
  g_assert_false (parla_db_rows_next (rows));
  g_assert_true (parla_db_rows_get_error (rows, &error));
  g_assert_no_error (error);
  g_clear_pointer (&rows, parla_db_rows_free);

  /* Repeated: $1 three times. */
  rows = parla_db_query (fixture->db, &error,
                         "SELECT id FROM users WHERE email = $1 OR display_name = $1 OR id = $1 "
                         "ORDER BY id",
                         PARLA_DB_TEXT, "Cat",
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpstr (parla_db_rows_get_text (rows, 0), ==, "u3");
  g_assert_false (parla_db_rows_next (rows));
  g_clear_pointer (&rows, parla_db_rows_free);

  /* Repeated and out of order, with integers and a boolean; more than
   * nine parameters, so that "$1" does not match "$10". */
  rows = parla_db_query (fixture->db, &error,
                         "SELECT $10 + $1, $9, $2 = $2, $3, $4 || $5, $6, $7, $8, $10, $1, $11",
                         PARLA_DB_INT, (gint64) 1,
                         PARLA_DB_BOOL, TRUE,
                         PARLA_DB_INT, G_GINT64_CONSTANT (-9007199254740993),
                         PARLA_DB_TEXT, "ab",
                         PARLA_DB_TEXT, "cd",
                         PARLA_DB_BOOL, FALSE,
                         PARLA_DB_INT, (gint64) G_MAXINT64,
                         PARLA_DB_NULL,
                         PARLA_DB_TEXT, "nine",
                         PARLA_DB_INT, (gint64) 100,
                         PARLA_DB_TEXT, "é ü 日本",
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 101);
  g_assert_cmpstr (parla_db_rows_get_text (rows, 1), ==, "nine");
  g_assert_cmpint (parla_db_rows_get_int (rows, 2), ==, 1);
  g_assert_cmpint (parla_db_rows_get_int (rows, 3), ==, G_GINT64_CONSTANT (-9007199254740993));
  g_assert_cmpstr (parla_db_rows_get_text (rows, 4), ==, "abcd");
  g_assert_cmpint (parla_db_rows_get_int (rows, 5), ==, 0);
  g_assert_cmpint (parla_db_rows_get_int (rows, 6), ==, G_MAXINT64);
  g_assert_true (parla_db_rows_is_null (rows, 7));
  g_assert_cmpint (parla_db_rows_get_int (rows, 8), ==, 100);
  g_assert_cmpstr (parla_db_rows_get_text (rows, 8), ==, "100");
  g_assert_cmpint (parla_db_rows_get_int (rows, 9), ==, 1);
  g_assert_cmpstr (parla_db_rows_get_text (rows, 10), ==, "é ü 日本");
  g_clear_pointer (&rows, parla_db_rows_free);

  /* The same in exec. */
  changes = parla_db_exec (fixture->db, &error,
                           "UPDATE users SET display_name = $2 || $2 WHERE id = $1 OR email = $3",
                           PARLA_DB_TEXT, "u1",
                           PARLA_DB_TEXT, "Zed",
                           PARLA_DB_TEXT, "c@example.com",
                           PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 2);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users WHERE display_name = 'ZedZed'"),
                   ==, 2);

  /* A placeholder without a value */
  rows = parla_db_query (fixture->db, &error, "SELECT $1, $2",
                         PARLA_DB_INT, (gint64) 1, PARLA_DB_END);
  g_assert_null (rows);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);

  /* A value without a placeholder */
  changes = parla_db_exec (fixture->db, &error, "DELETE FROM users WHERE id = $1",
                           PARLA_DB_TEXT, "u1", PARLA_DB_TEXT, "u2", PARLA_DB_END);
  g_assert_cmpint (changes, ==, -1);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);

  /* Other parameter syntaxes */
  rows = parla_db_query (fixture->db, &error, "SELECT ?", PARLA_DB_INT, (gint64) 1, PARLA_DB_END);
  g_assert_null (rows);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);

  /* Nothing was deleted by the failed statements. */
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 3);

  /* Bad SQL, and two statements in one */
  g_assert_cmpint (parla_db_exec (fixture->db, &error, "SELEC 1", PARLA_DB_END), ==, -1);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (parla_db_exec (fixture->db, &error, "DELETE FROM users; DELETE FROM users",
                                  PARLA_DB_END), ==, -1);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 3);
}

static void
test_null (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  gint64 changes;

  insert_user (fixture->db, "t1", "t@example.com", "Teacher");
  changes = parla_db_exec (fixture->db, &error,
                           "INSERT INTO teacher_profiles (user_id, photo_url, min_price_minor, updated_at) "
                           "VALUES ($1, $2, $3, $4)",
                           PARLA_DB_TEXT, "t1",
                           PARLA_DB_TEXT, NULL,
                           PARLA_DB_NULL,
                           PARLA_DB_INT, (gint64) 5,
                           PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);

  rows = parla_db_query (fixture->db, &error,
                         "SELECT photo_url, min_price_minor, bio, has_free, "
                         "       photo_url IS NULL, min_price_minor IS NULL "
                         "FROM teacher_profiles WHERE user_id = $1",
                         PARLA_DB_TEXT, "t1",
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_true (parla_db_rows_is_null (rows, 0));
  g_assert_null (parla_db_rows_get_text (rows, 0));
  g_assert_null (parla_db_rows_dup_text (rows, 0));
  g_assert_true (parla_db_rows_is_null (rows, 1));
  g_assert_cmpint (parla_db_rows_get_int (rows, 1), ==, 0);
  /* An empty string is not NULL. */
  g_assert_false (parla_db_rows_is_null (rows, 2));
  g_assert_cmpstr (parla_db_rows_get_text (rows, 2), ==, "");
  g_assert_false (parla_db_rows_is_null (rows, 3));
  g_assert_cmpint (parla_db_rows_get_int (rows, 3), ==, 0);
  g_assert_cmpint (parla_db_rows_get_int (rows, 4), ==, 1);
  g_assert_cmpint (parla_db_rows_get_int (rows, 5), ==, 1);
  g_clear_pointer (&rows, parla_db_rows_free);

  /* "= NULL" matches nothing: NULL really is bound as NULL. */
  rows = parla_db_query (fixture->db, &error,
                         "SELECT count(*) FROM teacher_profiles WHERE photo_url = $1",
                         PARLA_DB_TEXT, NULL, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  /* Binding NULL after a value clears it (the statement is cached). */
  rows = parla_db_query (fixture->db, &error, "SELECT $1 IS NULL",
                         PARLA_DB_TEXT, "x", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 0);
  g_clear_pointer (&rows, parla_db_rows_free);
  rows = parla_db_query (fixture->db, &error, "SELECT $1 IS NULL",
                         PARLA_DB_NULL, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 1);
}

static void
test_constraint (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  gint64 changes;

  insert_user (fixture->db, "u1", "a@example.com", "Ann");

  g_assert_true (parla_db_begin_write (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_true (parla_db_in_transaction (fixture->db));

  insert_user (fixture->db, "u2", "b@example.com", "Bob");
  changes = parla_db_exec (fixture->db, &error,
                           "INSERT INTO users (id, email, password_hash, display_name, role, created_at) "
                           "VALUES ($1, $2, 'hash', 'Dup', 'student', 0)",
                           PARLA_DB_TEXT, "u3",
                           PARLA_DB_TEXT, "a@example.com",
                           PARLA_DB_END);
  g_assert_cmpint (changes, ==, -1);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_CONSTRAINT);
  g_assert_nonnull (strstr (error->message, "users.email"));
  g_clear_error (&error);

  parla_db_rollback (fixture->db);
  g_assert_false (parla_db_in_transaction (fixture->db));

  /* Neither u2 (before the failure) nor u3 made it. */
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 1);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users WHERE id IN ('u2', 'u3')"), ==, 0);

  /* Foreign keys are enforced. */
  changes = parla_db_exec (fixture->db, &error,
                           "INSERT INTO availability (user_id, document, updated_at) VALUES ($1, '{}', 0)",
                           PARLA_DB_TEXT, "nobody", PARLA_DB_END);
  g_assert_cmpint (changes, ==, -1);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* So are checks and NOT NULL. */
  changes = parla_db_exec (fixture->db, &error,
                           "UPDATE users SET role = $1 WHERE id = $2",
                           PARLA_DB_TEXT, "pirate", PARLA_DB_TEXT, "u1", PARLA_DB_END);
  g_assert_cmpint (changes, ==, -1);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);
  changes = parla_db_exec (fixture->db, &error,
                           "UPDATE users SET display_name = $1 WHERE id = $2",
                           PARLA_DB_TEXT, NULL, PARLA_DB_TEXT, "u1", PARLA_DB_END);
  g_assert_cmpint (changes, ==, -1);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);

  /* Cascades follow the foreign keys too. */
  changes = parla_db_exec (fixture->db, &error,
                           "INSERT INTO availability (user_id, document, updated_at) VALUES ($1, '{}', 0)",
                           PARLA_DB_TEXT, "u1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);
  changes = parla_db_exec (fixture->db, &error, "DELETE FROM users WHERE id = $1",
                           PARLA_DB_TEXT, "u1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM availability"), ==, 0);
}

static void
test_returning (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *id = parla_db_new_id ();

  rows = parla_db_query (fixture->db, &error,
                         "INSERT INTO users (id, email, password_hash, display_name, role, created_at) "
                         "VALUES ($1, $2, 'hash', $3, 'teacher', $4) "
                         "RETURNING id, created_at, role",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_TEXT, "t@example.com",
                         PARLA_DB_TEXT, "Teacher",
                         PARLA_DB_INT, (gint64) 1234,
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpstr (parla_db_rows_get_text (rows, 0), ==, id);
  g_assert_cmpint (parla_db_rows_get_int (rows, 1), ==, 1234);
  g_assert_cmpstr (parla_db_rows_get_text (rows, 2), ==, "teacher");
  g_assert_false (parla_db_rows_next (rows));
  g_assert_true (parla_db_rows_get_error (rows, NULL));
  g_clear_pointer (&rows, parla_db_rows_free);

  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 1);

  /* UPDATE ... RETURNING, several rows */
  insert_user (fixture->db, "u2", "b@example.com", "Bob");
  rows = parla_db_query (fixture->db, &error,
                         "UPDATE users SET created_at = created_at + $1 RETURNING created_at",
                         PARLA_DB_INT, (gint64) 1, PARLA_DB_END);
  g_assert_no_error (error);
  {
    gint64 sum = 0;
    guint n = 0;

    while (parla_db_rows_next (rows))
      {
        sum += parla_db_rows_get_int (rows, 0);
        n++;
      }
    g_assert_true (parla_db_rows_get_error (rows, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpint (sum, ==, 1235 + 1700000001);
  }
  g_clear_pointer (&rows, parla_db_rows_free);

  /* A constraint failing in INSERT ... RETURNING is reported by the
   * query itself. */
  rows = parla_db_query (fixture->db, &error,
                         "INSERT INTO users (id, email, password_hash, display_name, role, created_at) "
                         "VALUES ($1, $2, 'hash', 'Again', 'student', 0) RETURNING id",
                         PARLA_DB_TEXT, "u3",
                         PARLA_DB_TEXT, "t@example.com",
                         PARLA_DB_END);
  g_assert_null (rows);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_CONSTRAINT);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 2);
}

static void
test_changes (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  const char *insert =
    "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) "
    "VALUES ($1, $2, 'h', 201, '{}', 0) ON CONFLICT DO NOTHING";
  gint64 changes;

  changes = parla_db_exec (fixture->db, &error, insert,
                           PARLA_DB_TEXT, "u1", PARLA_DB_TEXT, "k1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);

  changes = parla_db_exec (fixture->db, &error, insert,
                           PARLA_DB_TEXT, "u1", PARLA_DB_TEXT, "k1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 0);

  changes = parla_db_exec (fixture->db, &error, insert,
                           PARLA_DB_TEXT, "u1", PARLA_DB_TEXT, "k2", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);
  changes = parla_db_exec (fixture->db, &error, insert,
                           PARLA_DB_TEXT, "u2", PARLA_DB_TEXT, "k1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);

  /* ON CONFLICT ... DO UPDATE counts the update */
  changes = parla_db_exec (fixture->db, &error,
                           "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) "
                           "VALUES ($1, $2, 'h', 201, '{}', 0) "
                           "ON CONFLICT (user_id, key) DO UPDATE SET status = excluded.status + 1",
                           PARLA_DB_TEXT, "u1", PARLA_DB_TEXT, "k1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);

  changes = parla_db_exec (fixture->db, &error,
                           "UPDATE idempotency_keys SET status = $1",
                           PARLA_DB_INT, (gint64) 200, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 3);

  /* DDL and SELECT report 0, not the count of the UPDATE before them. */
  changes = parla_db_exec (fixture->db, &error, "CREATE TABLE scratch (a INTEGER)", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 0);
  changes = parla_db_exec (fixture->db, &error, "SELECT * FROM idempotency_keys", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 0);
  changes = parla_db_exec (fixture->db, &error, "DROP TABLE scratch", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 0);

  changes = parla_db_exec (fixture->db, &error, "DELETE FROM idempotency_keys WHERE user_id = $1",
                           PARLA_DB_TEXT, "u1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 2);
  changes = parla_db_exec (fixture->db, &error, "DELETE FROM idempotency_keys WHERE user_id = $1",
                           PARLA_DB_TEXT, "u1", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 0);
}

typedef struct
{
  const char *language;
  const char *level;
  gint64      min_start;
  guint       expected;
} FilterCase;

static void
test_params_builder (Fixture       *fixture,
                     gconstpointer  data)
{
  static const FilterCase cases[] = {
    { NULL, NULL, 0, 5 },
    { "en", NULL, 0, 3 },
    { "en", "b2", 0, 2 },
    { NULL, "b2", 0, 3 },
    { NULL, NULL, 300, 3 },
    { "en", "b2", 300, 1 },
    { "fr", "c1", 0, 0 },
  };
  static const struct
  {
    const char *language;
    const char *level;
    gint64      start;
  } sessions[] = {
    { "en", "b2", 100 },
    { "en", "b2", 300 },
    { "en", "a1", 500 },
    { "de", "b2", 200 },
    { "es", "c1", 400 },
  };
  g_autoptr(GError) error = NULL;

  insert_user (fixture->db, "h1", "h@example.com", "Host");
  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    {
      g_autoptr(ParlaDbParams) params = parla_db_params_new ();
      g_autofree char *sql = NULL;
      g_autofree char *id = parla_db_new_id ();
      const char *p[8];
      gint64 changes;

      p[0] = parla_db_params_add_text (params, id);
      p[1] = parla_db_params_add_text (params, "h1");
      p[2] = parla_db_params_add_text (params, sessions[i].language);
      p[3] = parla_db_params_add_text (params, sessions[i].level);
      p[4] = parla_db_params_add_int (params, sessions[i].start);
      p[5] = parla_db_params_add_int (params, sessions[i].start + 3600);
      p[6] = parla_db_params_add_null (params);
      p[7] = parla_db_params_add_bool (params, i % 2 == 0);
      g_assert_cmpstr (p[0], ==, "$1");
      g_assert_cmpstr (p[7], ==, "$8");
      g_assert_cmpuint (parla_db_params_get_length (params), ==, 8);

      sql = g_strdup_printf ("INSERT INTO sessions (id, host_id, title, document, "
                             "type, language, level, start_at, end_at, capacity, price_minor, "
                             "currency, offering_id, created_at, updated_at) "
                             "VALUES (%s, %s, 'T', '{}', 'group', %s, %s, %s, %s, 4, 0, "
                             "'EUR', %s, %s, %s)",
                             p[0], p[1], p[2], p[3], p[4], p[5], p[6], p[7], p[7]);
      changes = parla_db_exec_params (fixture->db, sql, params, &error);
      g_assert_no_error (error);
      g_assert_cmpint (changes, ==, 1);
    }

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ParlaDbParams) params = parla_db_params_new ();
      g_autoptr(GString) sql = g_string_new ("SELECT start_at, offering_id FROM sessions WHERE status = ");
      g_autoptr(ParlaDbRows) rows = NULL;
      gint64 last = -1;
      guint n = 0;

      g_string_append (sql, parla_db_params_add_text (params, "scheduled"));
      if (cases[i].language != NULL)
        g_string_append_printf (sql, " AND language = %s",
                                parla_db_params_add_text (params, cases[i].language));
      if (cases[i].level != NULL)
        g_string_append_printf (sql, " AND level = %s",
                                parla_db_params_add_text (params, cases[i].level));
      if (cases[i].min_start > 0)
        g_string_append_printf (sql, " AND start_at >= %s",
                                parla_db_params_add_int (params, cases[i].min_start));
      g_string_append_printf (sql, " ORDER BY start_at LIMIT %s",
                              parla_db_params_add_int (params, 100));

      rows = parla_db_query_params (fixture->db, sql->str, params, &error);
      g_assert_no_error (error);
      /* The values were copied: the rows outlive the parameters. */
      g_clear_pointer (&params, parla_db_params_free);

      while (parla_db_rows_next (rows))
        {
          g_assert_cmpint (parla_db_rows_get_int (rows, 0), >, last);
          g_assert_true (parla_db_rows_is_null (rows, 1));
          last = parla_db_rows_get_int (rows, 0);
          n++;
        }
      g_assert_true (parla_db_rows_get_error (rows, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (n, ==, cases[i].expected);
    }

  /* NULL params: no parameters */
  {
    g_autoptr(ParlaDbRows) rows = parla_db_query_params (fixture->db, "SELECT count(*) FROM sessions",
                                                         NULL, &error);

    g_assert_no_error (error);
    g_assert_true (parla_db_rows_next (rows));
    g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 5);
  }

  parla_db_params_free (NULL);
}

static void
test_nested_rows (Fixture       *fixture,
                  gconstpointer  data)
{
  const char *sql = "SELECT id, display_name FROM users WHERE id >= $1 ORDER BY id";
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) outer = NULL;
  ParlaDbCacheStats before, after;
  guint pairs = 0;

  insert_user (fixture->db, "u1", "a@example.com", "Ann");
  insert_user (fixture->db, "u2", "b@example.com", "Bob");
  insert_user (fixture->db, "u3", "c@example.com", "Cat");

  parla_db_get_cache_stats (fixture->db, &before);
  g_assert_cmpuint (before.capacity, ==, 256);

  /* The same SQL while the outer rows are still being read: the inner
   * query may not reset the outer statement. */
  outer = parla_db_query (fixture->db, &error, sql, PARLA_DB_TEXT, "u1", PARLA_DB_END);
  g_assert_no_error (error);
  while (parla_db_rows_next (outer))
    {
      g_autoptr(ParlaDbRows) inner = NULL;
      g_autofree char *outer_id = parla_db_rows_dup_text (outer, 0);

      inner = parla_db_query (fixture->db, &error, sql, PARLA_DB_TEXT, outer_id, PARLA_DB_END);
      g_assert_no_error (error);
      while (parla_db_rows_next (inner))
        {
          g_assert_cmpstr (parla_db_rows_get_text (inner, 0), >=, outer_id);
          /* The outer row is untouched by the inner statement. */
          g_assert_cmpstr (parla_db_rows_get_text (outer, 0), ==, outer_id);
          pairs++;
        }
      g_assert_true (parla_db_rows_get_error (inner, &error));
      g_assert_no_error (error);
    }
  g_assert_true (parla_db_rows_get_error (outer, &error));
  g_assert_no_error (error);
  g_clear_pointer (&outer, parla_db_rows_free);

  /* 3 + 2 + 1 */
  g_assert_cmpuint (pairs, ==, 6);

  parla_db_get_cache_stats (fixture->db, &after);
  g_assert_cmpuint (after.uncached - before.uncached, ==, 3);

  /* Two rows objects of one SQL, read in turns */
  {
    g_autoptr(ParlaDbRows) a = parla_db_query (fixture->db, &error, sql,
                                               PARLA_DB_TEXT, "u1", PARLA_DB_END);
    g_autoptr(ParlaDbRows) b = parla_db_query (fixture->db, &error, sql,
                                               PARLA_DB_TEXT, "u2", PARLA_DB_END);

    g_assert_no_error (error);
    g_assert_true (parla_db_rows_next (a));
    g_assert_true (parla_db_rows_next (b));
    g_assert_cmpstr (parla_db_rows_get_text (a, 0), ==, "u1");
    g_assert_cmpstr (parla_db_rows_get_text (b, 0), ==, "u2");
    g_assert_true (parla_db_rows_next (a));
    g_assert_cmpstr (parla_db_rows_get_text (a, 0), ==, "u2");
    g_assert_true (parla_db_rows_next (b));
    g_assert_cmpstr (parla_db_rows_get_text (b, 0), ==, "u3");
    g_assert_false (parla_db_rows_next (b));
    g_assert_true (parla_db_rows_next (a));
    g_assert_cmpstr (parla_db_rows_get_text (a, 1), ==, "Cat");
    g_assert_false (parla_db_rows_next (a));
  }

  /* An exec of that SQL while rows of it are alive */
  {
    g_autoptr(ParlaDbRows) a = parla_db_query (fixture->db, &error, sql,
                                               PARLA_DB_TEXT, "u1", PARLA_DB_END);

    g_assert_true (parla_db_rows_next (a));
    g_assert_cmpint (parla_db_exec (fixture->db, &error, sql, PARLA_DB_TEXT, "u1", PARLA_DB_END),
                     ==, 0);
    g_assert_no_error (error);
    g_assert_true (parla_db_rows_next (a));
    g_assert_cmpstr (parla_db_rows_get_text (a, 0), ==, "u2");
  }

  /* Freed rows give the statement back to the cache: reuse is a hit. */
  parla_db_get_cache_stats (fixture->db, &before);
  for (guint i = 0; i < 10; i++)
    {
      g_autoptr(ParlaDbRows) rows = parla_db_query (fixture->db, &error, sql,
                                                    PARLA_DB_TEXT, "u3", PARLA_DB_END);

      g_assert_true (parla_db_rows_next (rows));
      g_assert_cmpstr (parla_db_rows_get_text (rows, 0), ==, "u3");
    }
  parla_db_get_cache_stats (fixture->db, &after);
  g_assert_cmpuint (after.hits - before.hits, ==, 10);
  g_assert_cmpuint (after.misses, ==, before.misses);
  g_assert_cmpuint (after.uncached, ==, before.uncached);
}

static void
test_cache_eviction (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) held = NULL;
  ParlaDbCacheStats stats;

  /* A statement in use survives eviction. */
  held = parla_db_query (fixture->db, &error, "SELECT 'held' UNION ALL SELECT 'still'", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (held));

  for (guint i = 0; i < 600; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT %u + $1", i);
      g_autoptr(ParlaDbRows) rows = parla_db_query (fixture->db, &error, sql,
                                                    PARLA_DB_INT, (gint64) 1, PARLA_DB_END);

      g_assert_no_error (error);
      g_assert_true (parla_db_rows_next (rows));
      g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, i + 1);

      parla_db_get_cache_stats (fixture->db, &stats);
      g_assert_cmpuint (stats.size, <=, stats.capacity);
    }

  parla_db_get_cache_stats (fixture->db, &stats);
  g_assert_cmpuint (stats.evictions, >, 0);
  g_assert_cmpuint (stats.size, >, 0);

  g_assert_true (parla_db_rows_next (held));
  g_assert_cmpstr (parla_db_rows_get_text (held, 0), ==, "still");
  g_assert_false (parla_db_rows_next (held));
}

static void
test_step_error (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  /* abs() of the smallest integer overflows on the second row only. */
  rows = parla_db_query (fixture->db, &error,
                         "SELECT abs(CASE WHEN x = 2 THEN $1 ELSE x END) "
                         "FROM (SELECT 1 AS x UNION ALL SELECT 2 UNION ALL SELECT 3)",
                         PARLA_DB_INT, G_MININT64, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 1);
  g_assert_true (parla_db_rows_get_error (rows, NULL));

  g_test_expect_message ("parla-server", G_LOG_LEVEL_WARNING, "*integer overflow*");
  g_assert_false (parla_db_rows_next (rows));
  g_test_assert_expected_messages ();
  g_assert_false (parla_db_rows_next (rows));

  g_assert_false (parla_db_rows_get_error (rows, NULL));
  g_assert_false (parla_db_rows_get_error (rows, &error));
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "integer overflow"));
  g_clear_pointer (&rows, parla_db_rows_free);
  g_clear_error (&error);

  /* An error on the first row is the query's. */
  rows = parla_db_query (fixture->db, &error, "SELECT abs($1)", PARLA_DB_INT, G_MININT64, PARLA_DB_END);
  g_assert_null (rows);
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);

  /* The cached statement recovers. */
  rows = parla_db_query (fixture->db, &error, "SELECT abs($1)", PARLA_DB_INT, (gint64) -3, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 3);
}

static void
test_transactions (Fixture       *fixture,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  /* Safe without a transaction */
  parla_db_rollback (fixture->db);
  g_assert_false (parla_db_in_transaction (fixture->db));

  g_assert_false (parla_db_commit (fixture->db, &error));
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);

  /* Rollback discards. */
  g_assert_true (parla_db_begin_write (fixture->db, &error));
  g_assert_no_error (error);
  insert_user (fixture->db, "u1", "a@example.com", "Ann");
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 1);
  parla_db_rollback (fixture->db);
  g_assert_false (parla_db_in_transaction (fixture->db));
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 0);
  parla_db_rollback (fixture->db);

  /* Commit keeps. */
  g_assert_true (parla_db_begin_write (fixture->db, &error));
  insert_user (fixture->db, "u1", "a@example.com", "Ann");
  g_assert_true (parla_db_commit (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_false (parla_db_in_transaction (fixture->db));

  /* No nesting: the second begin fails at once (and does not wait for
   * the writer lock its own connection holds). */
  g_assert_true (parla_db_begin_write (fixture->db, &error));
  g_assert_false (parla_db_begin_write (fixture->db, &error));
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (parla_db_begin_read (fixture->db, &error));
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_true (parla_db_in_transaction (fixture->db));
  parla_db_rollback (fixture->db);

  /* A read transaction is a snapshot. */
  {
    g_autoptr(ParlaDb) writer = open_other (fixture);

    g_assert_true (parla_db_begin_read (fixture->db, &error));
    g_assert_no_error (error);
    g_assert_true (parla_db_in_transaction (fixture->db));
    g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 1);

    g_assert_true (parla_db_begin_write (writer, &error));
    g_assert_no_error (error);
    insert_user (writer, "u2", "b@example.com", "Bob");
    g_assert_true (parla_db_commit (writer, &error));
    g_assert_no_error (error);

    g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 1);

    /* Writing from a stale snapshot is refused at once as busy. */
    g_assert_cmpint (parla_db_exec (fixture->db, &error, "DELETE FROM users", PARLA_DB_END), ==, -1);
    g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_BUSY);
    g_clear_error (&error);

    g_assert_true (parla_db_commit (fixture->db, &error));
    g_assert_no_error (error);
    g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 2);
  }
}

static void
test_commit_failure (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) other = NULL;
  gint64 changes;

  changes = parla_db_exec (fixture->db, &error,
                           "CREATE TABLE notes (user_id TEXT NOT NULL "
                           "  REFERENCES users (id) DEFERRABLE INITIALLY DEFERRED)",
                           PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 0);

  /* A deferred foreign key fails at COMMIT. */
  g_assert_true (parla_db_begin_write (fixture->db, &error));
  insert_user (fixture->db, "u1", "a@example.com", "Ann");
  changes = parla_db_exec (fixture->db, &error, "INSERT INTO notes (user_id) VALUES ($1)",
                           PARLA_DB_TEXT, "nobody", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_cmpint (changes, ==, 1);

  g_assert_false (parla_db_commit (fixture->db, &error));
  g_assert_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_CONSTRAINT);
  g_clear_error (&error);
  g_assert_false (parla_db_in_transaction (fixture->db));

  /* Rolled back, and the writer lock was released: another connection of
   * this process can write (this would hang otherwise). */
  other = open_other (fixture);
  g_assert_true (parla_db_begin_write (other, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (other, "SELECT count(*) FROM users"), ==, 0);
  g_assert_cmpint (query_int (other, "SELECT count(*) FROM notes"), ==, 0);
  g_assert_true (parla_db_commit (other, &error));
  g_assert_no_error (error);

  /* And this one can write again. */
  g_assert_true (parla_db_begin_write (fixture->db, &error));
  g_assert_no_error (error);
  parla_db_rollback (fixture->db);
}

static void
test_close_in_transaction (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ParlaDb *first = open_other (fixture);

  g_assert_true (parla_db_begin_write (first, &error));
  g_assert_no_error (error);
  insert_user (first, "u1", "a@example.com", "Ann");
  parla_db_close (first);

  /* Closing released the lock and dropped the insert. */
  g_assert_true (parla_db_begin_write (fixture->db, &error));
  g_assert_no_error (error);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 0);
  g_assert_true (parla_db_commit (fixture->db, &error));
  g_assert_no_error (error);
}

typedef struct
{
  const char *url;
  gint        started;   /* atomic */
  gint        done;      /* atomic */
  gint64      users_seen;
  GError     *error;
} WaiterData;

static gpointer
waiting_writer (gpointer user_data)
{
  WaiterData *waiter = user_data;
  g_autoptr(ParlaDb) db = parla_db_open (waiter->url, &waiter->error);

  if (db == NULL ||
      parla_db_exec (db, &waiter->error, "PRAGMA busy_timeout = 0", PARLA_DB_END) < 0)
    goto out;

  g_atomic_int_set (&waiter->started, 1);
  if (!parla_db_begin_write (db, &waiter->error))
    goto out;
  waiter->users_seen = query_int (db, "SELECT count(*) FROM users");
  insert_user (db, "u2", "b@example.com", "Bob");
  parla_db_commit (db, &waiter->error);

out:
  g_atomic_int_set (&waiter->started, 1);
  g_atomic_int_set (&waiter->done, 1);
  return NULL;
}

static void
test_writer_lock (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  WaiterData waiter = { fixture->url, 0, 0, -1, NULL };
  GThread *thread;

  g_assert_true (parla_db_begin_write (fixture->db, &error));
  g_assert_no_error (error);

  /* The other writer has no busy timeout: it must wait on the lock, not in
   * SQLite, or it fails at once. */
  thread = g_thread_new ("waiter", waiting_writer, &waiter);
  while (!g_atomic_int_get (&waiter.started))
    g_usleep (1000);
  g_usleep (100 * 1000);
  g_assert_false (g_atomic_int_get (&waiter.done));

  insert_user (fixture->db, "u1", "a@example.com", "Ann");
  g_assert_true (parla_db_commit (fixture->db, &error));
  g_assert_no_error (error);

  g_thread_join (thread);
  g_assert_no_error (waiter.error);
  /* It started after our commit. */
  g_assert_cmpint (waiter.users_seen, ==, 1);
  g_assert_cmpint (query_int (fixture->db, "SELECT count(*) FROM users"), ==, 2);
}

typedef struct
{
  const char *url;
  guint       iterations;
  guint       errors;
} WorkerData;

static gpointer
counter_worker (gpointer user_data)
{
  WorkerData *worker = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = NULL;

  db = parla_db_open (worker->url, &error);
  if (db == NULL)
    {
      g_printerr ("open: %s\n", error->message);
      worker->errors++;
      return NULL;
    }

  /* Without a wait in SQLite, any contention there is an immediate
   * SQLITE_BUSY: writers must queue on the process's writer lock. */
  if (parla_db_exec (db, &error, "PRAGMA busy_timeout = 0", PARLA_DB_END) < 0)
    {
      g_printerr ("busy_timeout: %s\n", error->message);
      worker->errors++;
      return NULL;
    }

  for (guint i = 0; i < worker->iterations; i++)
    {
      g_autoptr(ParlaDbRows) rows = NULL;
      gint64 value;

      if (!parla_db_begin_write (db, &error))
        goto failed;

      /* Read, then write what was read plus one: a lost update would show
       * in the total. */
      rows = parla_db_query (db, &error, "SELECT n FROM counters WHERE name = $1",
                             PARLA_DB_TEXT, "bookings", PARLA_DB_END);
      if (rows == NULL || !parla_db_rows_next (rows))
        goto failed;
      value = parla_db_rows_get_int (rows, 0);
      g_clear_pointer (&rows, parla_db_rows_free);

      if (parla_db_exec (db, &error, "UPDATE counters SET n = $1 WHERE name = $2",
                         PARLA_DB_INT, value + 1, PARLA_DB_TEXT, "bookings", PARLA_DB_END) != 1)
        goto failed;
      if (parla_db_exec (db, &error, "UPDATE counters SET n = n + 1 WHERE name = $1",
                         PARLA_DB_TEXT, "increments", PARLA_DB_END) != 1)
        goto failed;

      if (!parla_db_commit (db, &error))
        goto failed;

      continue;

    failed:
      g_printerr ("iteration %u: %s\n", i, error ? error->message : "no row");
      g_clear_error (&error);
      parla_db_rollback (db);
      worker->errors++;
    }

  return NULL;
}

static void
test_concurrent_writers (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  WorkerData workers[2];
  GThread *threads[2];

  parla_db_exec (fixture->db, &error,
                 "CREATE TABLE counters (name TEXT PRIMARY KEY, n INTEGER NOT NULL)", PARLA_DB_END);
  g_assert_no_error (error);
  parla_db_exec (fixture->db, &error,
                 "INSERT INTO counters (name, n) VALUES ('bookings', 0), ('increments', 0)", PARLA_DB_END);
  g_assert_no_error (error);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      workers[i] = (WorkerData) { fixture->url, 500, 0 };
      threads[i] = g_thread_new ("writer", counter_worker, &workers[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (threads[i]);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_assert_cmpuint (workers[i].errors, ==, 0);

  g_assert_cmpint (query_int (fixture->db, "SELECT n FROM counters WHERE name = 'bookings'"), ==, 1000);
  g_assert_cmpint (query_int (fixture->db, "SELECT n FROM counters WHERE name = 'increments'"), ==, 1000);
}

typedef struct
{
  const char *url;
  gint        done;      /* atomic */
  guint       reads;
  guint       changes_seen;
  gint        errors;    /* atomic: both threads count */
} ReaderData;

static gpointer
transfer_writer (gpointer user_data)
{
  ReaderData *shared = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = parla_db_open (shared->url, &error);

  for (guint i = 0; db != NULL && i < 300; i++)
    {
      if (!parla_db_begin_write (db, &error) ||
          parla_db_exec (db, &error, "UPDATE accounts SET balance = balance - $1 WHERE id = $2",
                         PARLA_DB_INT, (gint64) 7, PARLA_DB_TEXT, "a", PARLA_DB_END) != 1 ||
          parla_db_exec (db, &error, "UPDATE accounts SET balance = balance + $1 WHERE id = $2",
                         PARLA_DB_INT, (gint64) 7, PARLA_DB_TEXT, "b", PARLA_DB_END) != 1 ||
          !parla_db_commit (db, &error))
        {
          g_printerr ("writer: %s\n", error ? error->message : "?");
          g_clear_error (&error);
          parla_db_rollback (db);
          g_atomic_int_inc (&shared->errors);
        }
    }

  if (db == NULL)
    g_atomic_int_inc (&shared->errors);

  g_atomic_int_set (&shared->done, 1);
  return NULL;
}

static gpointer
balance_reader (gpointer user_data)
{
  ReaderData *shared = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = parla_db_open (shared->url, &error);
  gint64 last_a = G_MAXINT64;

  if (db == NULL)
    {
      g_atomic_int_inc (&shared->errors);
      return NULL;
    }

  while (!g_atomic_int_get (&shared->done) || shared->reads == 0)
    {
      gint64 a, b;

      if (!parla_db_begin_read (db, &error))
        {
          g_printerr ("reader: %s\n", error->message);
          g_clear_error (&error);
          g_atomic_int_inc (&shared->errors);
          continue;
        }

      /* Two separate statements in one transaction see one state. */
      a = query_int (db, "SELECT balance FROM accounts WHERE id = 'a'");
      g_thread_yield ();
      b = query_int (db, "SELECT balance FROM accounts WHERE id = 'b'");
      parla_db_rollback (db);

      if (a + b != 1000000 || a > last_a)
        {
          g_printerr ("reader: inconsistent a=%" G_GINT64_FORMAT " b=%" G_GINT64_FORMAT "\n", a, b);
          g_atomic_int_inc (&shared->errors);
        }
      if (a < last_a && last_a != G_MAXINT64)
        shared->changes_seen++;
      last_a = a;
      shared->reads++;
    }

  return NULL;
}

static void
test_concurrent_reader (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  ReaderData shared = { fixture->url, 0, 0, 0, 0 };
  GThread *writer, *reader;

  parla_db_exec (fixture->db, &error,
                 "CREATE TABLE accounts (id TEXT PRIMARY KEY, balance INTEGER NOT NULL)", PARLA_DB_END);
  g_assert_no_error (error);
  parla_db_exec (fixture->db, &error,
                 "INSERT INTO accounts (id, balance) VALUES ('a', 1000000), ('b', 0)", PARLA_DB_END);
  g_assert_no_error (error);

  reader = g_thread_new ("reader", balance_reader, &shared);
  writer = g_thread_new ("writer", transfer_writer, &shared);
  g_thread_join (writer);
  g_thread_join (reader);

  g_assert_cmpint (g_atomic_int_get (&shared.errors), ==, 0);
  g_assert_cmpuint (shared.reads, >, 0);
  g_test_message ("%u reads saw %u changes", shared.reads, shared.changes_seen);
  g_assert_cmpint (query_int (fixture->db, "SELECT balance FROM accounts WHERE id = 'b'"), ==, 300 * 7);
}

static void
test_new_id (void)
{
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint bits[32][16] = { { 0, } };

  for (guint i = 0; i < 2000; i++)
    {
      char *id = parla_db_new_id ();

      g_assert_cmpuint (strlen (id), ==, 32);
      for (guint j = 0; j < 32; j++)
        {
          g_assert_true (g_ascii_isxdigit (id[j]));
          g_assert_false (g_ascii_isupper (id[j]));
          bits[j][g_ascii_xdigit_value (id[j])]++;
        }
      g_assert_true (g_hash_table_add (seen, id));
    }

  g_assert_cmpuint (g_hash_table_size (seen), ==, 2000);

  /* Every digit position takes most of the 16 values (a stuck or
   * truncated source would not). */
  for (guint j = 0; j < 32; j++)
    {
      guint used = 0;

      for (guint k = 0; k < 16; k++)
        used += bits[j][k] > 0;
      g_assert_cmpuint (used, ==, 16);
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/db/" path, Fixture, NULL, fixture_setup, func, fixture_teardown)

  g_test_add_func ("/server/db/url", test_url);
  g_test_add_func ("/server/db/memory", test_memory);
  g_test_add_func ("/server/db/new-id", test_new_id);
  ADD ("migrate", test_migrate);
  ADD ("migrate/future-version", test_future_version);
  ADD ("pragmas", test_pragmas);
  ADD ("parameters", test_parameters);
  ADD ("null", test_null);
  ADD ("constraint", test_constraint);
  ADD ("returning", test_returning);
  ADD ("changes", test_changes);
  ADD ("params-builder", test_params_builder);
  ADD ("rows/nested", test_nested_rows);
  ADD ("rows/step-error", test_step_error);
  ADD ("cache/eviction", test_cache_eviction);
  ADD ("transaction/basics", test_transactions);
  ADD ("transaction/commit-failure", test_commit_failure);
  ADD ("transaction/close", test_close_in_transaction);
  ADD ("concurrent/writer-lock", test_writer_lock);
  ADD ("concurrent/writers", test_concurrent_writers);
  ADD ("concurrent/reader", test_concurrent_reader);

#undef ADD

  return g_test_run ();
}
