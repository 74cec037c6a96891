/* parla-db.c: the driver-independent half of ParlaDb
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Picks a driver from the URL, collects parameters, keeps the transaction
 * state, fetches the first row of a query and runs the migrations. All the
 * database work goes through the ParlaDbDriver table in parla-db-private.h.
 */

#include "config.h"

#include "parla-db.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "parla-db-private.h"

struct _ParlaDb
{
  /* owned */
  char                *url;
  gpointer             conn;

  /* borrowed */
  const ParlaDbDriver *driver;

  gboolean             in_transaction;
};

struct _ParlaDbRows
{
  /* owned */
  gpointer             cursor;
  GError              *error;

  /* borrowed */
  const ParlaDbDriver *driver;

  /* 1: the fetched row is current or due, 0: done, -1: error */
  int                  state;
  /* the first row was fetched by the query and not yet handed out */
  gboolean             prefetched;
};

struct _ParlaDbParams
{
  GArray    *values;        /* ParlaDbValue, text owned */
  GPtrArray *placeholders;  /* "$1", "$2", ... */
};

G_DEFINE_QUARK (parla-db-error-quark, parla_db_error)

static const struct
{
  const char          *prefix;
  const ParlaDbDriver *driver;
} drivers[] = {
  { "sqlite:", &_parla_db_sqlite_driver },
};

/* Helpers */

static void
clear_value (gpointer data)
{
  ParlaDbValue *value = data;

  if (value->type == PARLA_DB_TEXT)
    g_free ((char *) value->v.text);
}

/* Reads (type, value) pairs up to PARLA_DB_END into @values, text
 * borrowed. */
static gboolean
collect_values (GArray   *values,
                va_list   args,
                GError  **error)
{
  for (;;)
    {
      ParlaDbType type = va_arg (args, int);
      ParlaDbValue value = { 0, };

      switch (type)
        {
        case PARLA_DB_END:
          return TRUE;

        case PARLA_DB_TEXT:
          value.type = PARLA_DB_TEXT;
          value.v.text = va_arg (args, const char *);
          break;

        case PARLA_DB_INT:
          value.type = PARLA_DB_INT;
          value.v.integer = va_arg (args, gint64);
          break;

        case PARLA_DB_BOOL:
          value.type = PARLA_DB_INT;
          value.v.integer = va_arg (args, int) ? 1 : 0;
          break;

        case PARLA_DB_NULL:
          value.type = PARLA_DB_NULL;
          break;

        default:
          /* Nothing after an unknown type can be read safely. */
          g_critical ("Unknown ParlaDbType %d for parameter $%u (missing PARLA_DB_END?)",
                      (int) type, values->len + 1);
          g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                       "Unknown parameter type %d", (int) type);
          return FALSE;
        }

      g_array_append_val (values, value);
    }
}

static ParlaDbRows *
rows_new (ParlaDb   *db,
          gpointer   cursor,
          GError   **error)
{
  ParlaDbRows *rows;
  int state;

  /* Fetch the first row now: a statement that fails (a constraint in
   * INSERT ... RETURNING, a lock timeout) fails here, where the caller
   * has an error to fill, rather than in next(). */
  state = db->driver->cursor_next (cursor, error);
  if (state < 0)
    {
      db->driver->cursor_free (cursor);
      return NULL;
    }

  rows = g_new0 (ParlaDbRows, 1);
  rows->driver = db->driver;
  rows->cursor = cursor;
  rows->state = state;
  rows->prefetched = TRUE;

  return rows;
}

static ParlaDbRows *
query_values (ParlaDb             *db,
              const char          *sql,
              const ParlaDbValue  *values,
              guint                n_values,
              GError             **error)
{
  gpointer cursor;

  cursor = db->driver->query (db->conn, sql, values, n_values, error);
  if (cursor == NULL)
    return NULL;

  return rows_new (db, cursor, error);
}

static const ParlaDbValue *
params_values (ParlaDbParams *params,
               guint         *n_values)
{
  if (params == NULL)
    {
      *n_values = 0;
      return NULL;
    }

  *n_values = params->values->len;
  return (const ParlaDbValue *) (gpointer) params->values->data;
}

static const char *
params_add (ParlaDbParams *params,
            ParlaDbValue  *value)
{
  char *placeholder;

  g_array_append_val (params->values, *value);
  placeholder = g_strdup_printf ("$%u", params->values->len);
  g_ptr_array_add (params->placeholders, placeholder);

  return placeholder;
}

static gboolean
read_schema_version (ParlaDb  *db,
                     int      *out_version,
                     GError  **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  gboolean exists = FALSE;

  if (!db->driver->has_table (db->conn, "schema_migrations", &exists, error))
    return FALSE;

  if (!exists)
    {
      *out_version = 0;
      return TRUE;
    }

  rows = parla_db_query (db, error,
                         "SELECT coalesce(max(version), 0) FROM schema_migrations",
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (!parla_db_rows_next (rows))
    {
      if (!parla_db_rows_get_error (rows, error))
        return FALSE;
      *out_version = 0;
      return TRUE;
    }

  *out_version = (int) parla_db_rows_get_int (rows, 0);
  return TRUE;
}

static int
newest_migration (void)
{
  int newest = 0;

  for (guint i = 0; parla_db_migrations[i].version != 0; i++)
    {
      g_assert (parla_db_migrations[i].version > newest);
      newest = parla_db_migrations[i].version;
    }

  return newest;
}

/* Creates schema_migrations if needed and checks that this build knows
 * the schema, in one write transaction. */
static gboolean
prepare_migrations (ParlaDb  *db,
                    int       newest,
                    int      *out_version,
                    GError  **error)
{
  if (!parla_db_begin_write (db, error))
    return FALSE;

  if (parla_db_exec (db, error,
                     "CREATE TABLE IF NOT EXISTS schema_migrations ("
                     "  version INTEGER PRIMARY KEY,"
                     "  description TEXT NOT NULL,"
                     "  applied_at INTEGER NOT NULL"
                     ")",
                     PARLA_DB_END) < 0 ||
      !read_schema_version (db, out_version, error))
    {
      parla_db_rollback (db);
      return FALSE;
    }

  if (*out_version > newest)
    {
      parla_db_rollback (db);
      g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_MIGRATION,
                   "The database was written by a newer Parla (schema version %d, "
                   "this build knows up to %d)", *out_version, newest);
      return FALSE;
    }

  return parla_db_commit (db, error);
}

static gboolean
apply_migration (ParlaDb               *db,
                 const ParlaMigration  *migration,
                 GError               **error)
{
  g_autoptr(GError) local_error = NULL;
  int version = 0;

  if (!parla_db_begin_write (db, error))
    return FALSE;

  /* Another process may have applied it while we waited for the lock. */
  if (!read_schema_version (db, &version, error))
    {
      parla_db_rollback (db);
      return FALSE;
    }

  if (version >= migration->version)
    {
      parla_db_rollback (db);
      return TRUE;
    }

  if (!db->driver->exec_script (db->conn, migration->sql, &local_error) ||
      parla_db_exec (db, &local_error,
                     "INSERT INTO schema_migrations (version, description, applied_at) "
                     "VALUES ($1, $2, $3)",
                     PARLA_DB_INT, (gint64) migration->version,
                     PARLA_DB_TEXT, migration->description,
                     PARLA_DB_INT, (gint64) (g_get_real_time () / G_USEC_PER_SEC),
                     PARLA_DB_END) < 0)
    {
      parla_db_rollback (db);
      g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_MIGRATION,
                   "Migration %d (%s) failed: %s",
                   migration->version, migration->description, local_error->message);
      return FALSE;
    }

  if (!parla_db_commit (db, &local_error))
    {
      g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_MIGRATION,
                   "Migration %d (%s) failed: %s",
                   migration->version, migration->description, local_error->message);
      return FALSE;
    }

  g_debug ("Applied database migration %d (%s)",
           migration->version, migration->description);

  return TRUE;
}

static gboolean
fill_random (guint8  *buffer,
             gsize    length)
{
  gsize done = 0;
  int fd;

  while (done < length)
    {
      ssize_t n = getrandom (buffer + done, length - done, 0);

      if (n > 0)
        done += n;
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break;
    }

  if (done == length)
    return TRUE;

  /* getrandom(2) missing (ENOSYS in an old sandbox): the device. */
  fd = open ("/dev/urandom", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return FALSE;

  while (done < length)
    {
      ssize_t n = read (fd, buffer + done, length - done);

      if (n > 0)
        done += n;
      else if (n < 0 && errno == EINTR)
        continue;
      else
        break;
    }

  close (fd);

  return done == length;
}

/* Public API */

/**
 * parla_db_open:
 * @url: "sqlite:PATH"
 * @error: return location for a #GError
 *
 * Opens one connection, for use by one thread at a time.
 *
 * Returns: (transfer full) (nullable): the connection
 */
ParlaDb *
parla_db_open (const char  *url,
               GError     **error)
{
  const ParlaDbDriver *driver = NULL;
  ParlaDb *db;
  gpointer conn;

  g_return_val_if_fail (url != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (drivers); i++)
    {
      if (g_str_has_prefix (url, drivers[i].prefix))
        {
          driver = drivers[i].driver;
          break;
        }
    }

  if (driver == NULL)
    {
      const char *colon = strchr (url, ':');

      if (g_str_has_prefix (url, "postgresql://") || g_str_has_prefix (url, "postgres://"))
        g_set_error_literal (error, PARLA_DB_ERROR, PARLA_DB_ERROR_URL,
                             "PostgreSQL support is not built in yet");
      else if (colon != NULL && colon != url)
        /* Only the scheme: the rest may hold a password. */
        g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_URL,
                     "Unsupported database URL scheme “%.*s” (expected “sqlite:PATH”)",
                     (int) MIN (colon - url, 32), url);
      else
        g_set_error_literal (error, PARLA_DB_ERROR, PARLA_DB_ERROR_URL,
                             "Malformed database URL (expected “sqlite:PATH”)");
      return NULL;
    }

  conn = driver->open (url, error);
  if (conn == NULL)
    return NULL;

  db = g_new0 (ParlaDb, 1);
  db->driver = driver;
  db->conn = conn;
  db->url = g_strdup (url);

  return db;
}

/**
 * parla_db_close:
 * @db: (nullable): a connection
 *
 * Rolls back an open transaction and closes. Every #ParlaDbRows of @db must
 * have been freed.
 */
void
parla_db_close (ParlaDb *db)
{
  if (db == NULL)
    return;

  if (db->in_transaction)
    parla_db_rollback (db);

  db->driver->close (db->conn);
  g_free (db->url);
  g_free (db);
}

const char *
parla_db_get_url (ParlaDb *db)
{
  g_return_val_if_fail (db != NULL, NULL);

  return db->url;
}

/**
 * parla_db_migrate:
 *
 * Returns: %TRUE when the schema is at the newest version this build knows
 */
gboolean
parla_db_migrate (ParlaDb  *db,
                  GError  **error)
{
  int newest = newest_migration ();
  int version = 0;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);
  g_return_val_if_fail (!db->in_transaction, FALSE);

  if (!prepare_migrations (db, newest, &version, error))
    return FALSE;

  for (guint i = 0; parla_db_migrations[i].version != 0; i++)
    {
      if (parla_db_migrations[i].version <= version)
        continue;

      if (!apply_migration (db, &parla_db_migrations[i], error))
        return FALSE;
    }

  return TRUE;
}

/**
 * parla_db_schema_version:
 *
 * Returns: the newest migration recorded, 0 for a database without any,
 *   -1 if it cannot be read
 */
int
parla_db_schema_version (ParlaDb *db)
{
  g_autoptr(GError) error = NULL;
  int version = 0;

  g_return_val_if_fail (db != NULL, -1);

  if (!read_schema_version (db, &version, &error))
    {
      g_debug ("Could not read the schema version: %s", error->message);
      return -1;
    }

  return version;
}

static gboolean
begin (ParlaDb   *db,
       gboolean   write,
       GError   **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (db->in_transaction)
    {
      /* Also keeps begin_write from waiting for the writer lock it holds. */
      g_set_error_literal (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                           "A transaction is already open on this connection");
      return FALSE;
    }

  if (!db->driver->begin (db->conn, write, error))
    return FALSE;

  db->in_transaction = TRUE;
  return TRUE;
}

gboolean
parla_db_begin_read (ParlaDb  *db,
                     GError  **error)
{
  return begin (db, FALSE, error);
}

gboolean
parla_db_begin_write (ParlaDb  *db,
                      GError  **error)
{
  return begin (db, TRUE, error);
}

/**
 * parla_db_commit:
 *
 * Commits; when that fails the transaction is rolled back. Either way no
 * transaction is open afterwards.
 */
gboolean
parla_db_commit (ParlaDb  *db,
                 GError  **error)
{
  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!db->in_transaction)
    {
      g_set_error_literal (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                           "No transaction is open on this connection");
      return FALSE;
    }

  db->in_transaction = FALSE;
  return db->driver->commit (db->conn, error);
}

/**
 * parla_db_rollback:
 *
 * Rolls back the open transaction, if any.
 */
void
parla_db_rollback (ParlaDb *db)
{
  g_return_if_fail (db != NULL);

  /* The driver checks for itself: the database may have ended the
   * transaction on its own after an error. */
  db->in_transaction = FALSE;
  db->driver->rollback (db->conn);
}

gboolean
parla_db_in_transaction (ParlaDb *db)
{
  g_return_val_if_fail (db != NULL, FALSE);

  return db->in_transaction;
}

gint64
parla_db_exec (ParlaDb     *db,
               GError     **error,
               const char  *sql,
               ...)
{
  g_autoptr(GArray) values = NULL;
  gboolean ok;
  va_list args;

  g_return_val_if_fail (db != NULL, -1);
  g_return_val_if_fail (sql != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  values = g_array_sized_new (FALSE, FALSE, sizeof (ParlaDbValue), 8);
  va_start (args, sql);
  ok = collect_values (values, args, error);
  va_end (args);
  if (!ok)
    return -1;

  return db->driver->exec (db->conn, sql, (const ParlaDbValue *) (gpointer) values->data,
                           values->len, error);
}

ParlaDbRows *
parla_db_query (ParlaDb     *db,
                GError     **error,
                const char  *sql,
                ...)
{
  g_autoptr(GArray) values = NULL;
  gboolean ok;
  va_list args;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  values = g_array_sized_new (FALSE, FALSE, sizeof (ParlaDbValue), 8);
  va_start (args, sql);
  ok = collect_values (values, args, error);
  va_end (args);
  if (!ok)
    return NULL;

  return query_values (db, sql, (const ParlaDbValue *) (gpointer) values->data,
                       values->len, error);
}

/**
 * parla_db_params_new:
 *
 * Returns: (transfer full): an empty parameter list
 */
ParlaDbParams *
parla_db_params_new (void)
{
  ParlaDbParams *params = g_new0 (ParlaDbParams, 1);

  params->values = g_array_new (FALSE, FALSE, sizeof (ParlaDbValue));
  g_array_set_clear_func (params->values, clear_value);
  params->placeholders = g_ptr_array_new_with_free_func (g_free);

  return params;
}

void
parla_db_params_free (ParlaDbParams *params)
{
  if (params == NULL)
    return;

  g_array_unref (params->values);
  g_ptr_array_unref (params->placeholders);
  g_free (params);
}

/**
 * parla_db_params_add_text:
 * @value: (nullable): copied; %NULL binds NULL
 *
 * Returns: (transfer none): "$N", owned by @params
 */
const char *
parla_db_params_add_text (ParlaDbParams *params,
                          const char    *value)
{
  ParlaDbValue v = { PARLA_DB_TEXT, { .text = g_strdup (value) } };

  g_return_val_if_fail (params != NULL, NULL);

  return params_add (params, &v);
}

const char *
parla_db_params_add_int (ParlaDbParams *params,
                         gint64         value)
{
  ParlaDbValue v = { PARLA_DB_INT, { .integer = value } };

  g_return_val_if_fail (params != NULL, NULL);

  return params_add (params, &v);
}

const char *
parla_db_params_add_bool (ParlaDbParams *params,
                          gboolean       value)
{
  return parla_db_params_add_int (params, value ? 1 : 0);
}

const char *
parla_db_params_add_null (ParlaDbParams *params)
{
  ParlaDbValue v = { PARLA_DB_NULL, { .text = NULL } };

  g_return_val_if_fail (params != NULL, NULL);

  return params_add (params, &v);
}

guint
parla_db_params_get_length (ParlaDbParams *params)
{
  g_return_val_if_fail (params != NULL, 0);

  return params->values->len;
}

/**
 * parla_db_query_params:
 * @params: (nullable): the values of $1 ... $N; %NULL for none
 *
 * Returns: (transfer full) (nullable): the rows, %NULL on error
 */
ParlaDbRows *
parla_db_query_params (ParlaDb        *db,
                       const char     *sql,
                       ParlaDbParams  *params,
                       GError        **error)
{
  const ParlaDbValue *values;
  guint n_values;

  g_return_val_if_fail (db != NULL, NULL);
  g_return_val_if_fail (sql != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  values = params_values (params, &n_values);
  return query_values (db, sql, values, n_values, error);
}

gint64
parla_db_exec_params (ParlaDb        *db,
                      const char     *sql,
                      ParlaDbParams  *params,
                      GError        **error)
{
  const ParlaDbValue *values;
  guint n_values;

  g_return_val_if_fail (db != NULL, -1);
  g_return_val_if_fail (sql != NULL, -1);
  g_return_val_if_fail (error == NULL || *error == NULL, -1);

  values = params_values (params, &n_values);
  return db->driver->exec (db->conn, sql, values, n_values, error);
}

gboolean
parla_db_rows_next (ParlaDbRows *rows)
{
  g_return_val_if_fail (rows != NULL, FALSE);

  if (rows->prefetched)
    {
      rows->prefetched = FALSE;
      return rows->state > 0;
    }

  if (rows->state <= 0)
    return FALSE;

  rows->state = rows->driver->cursor_next (rows->cursor, &rows->error);
  if (rows->state < 0)
    g_warning ("Reading database rows failed: %s", rows->error->message);

  return rows->state > 0;
}

/**
 * parla_db_rows_get_error:
 * @error: set to a copy of the error that ended the rows
 *
 * Returns: %FALSE if reading the rows failed
 */
gboolean
parla_db_rows_get_error (ParlaDbRows  *rows,
                         GError      **error)
{
  g_return_val_if_fail (rows != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (rows->error == NULL)
    return TRUE;

  if (error != NULL)
    *error = g_error_copy (rows->error);
  return FALSE;
}

guint
parla_db_rows_n_columns (ParlaDbRows *rows)
{
  g_return_val_if_fail (rows != NULL, 0);

  return rows->driver->cursor_n_columns (rows->cursor);
}

#define CHECK_ROW(rows, column, val) \
  G_STMT_START { \
    g_return_val_if_fail ((rows) != NULL, (val)); \
    g_return_val_if_fail ((rows)->state > 0 && !(rows)->prefetched, (val)); \
    g_return_val_if_fail ((column) < (rows)->driver->cursor_n_columns ((rows)->cursor), (val)); \
  } G_STMT_END

/**
 * parla_db_rows_get_text:
 *
 * Returns: (transfer none) (nullable): the value as text, valid until the
 *   next call to parla_db_rows_next(); %NULL for NULL
 */
const char *
parla_db_rows_get_text (ParlaDbRows *rows,
                        guint        column)
{
  CHECK_ROW (rows, column, NULL);

  return rows->driver->cursor_get_text (rows->cursor, column);
}

char *
parla_db_rows_dup_text (ParlaDbRows *rows,
                        guint        column)
{
  CHECK_ROW (rows, column, NULL);

  return g_strdup (rows->driver->cursor_get_text (rows->cursor, column));
}

gint64
parla_db_rows_get_int (ParlaDbRows *rows,
                       guint        column)
{
  CHECK_ROW (rows, column, 0);

  return rows->driver->cursor_get_int (rows->cursor, column);
}

gboolean
parla_db_rows_is_null (ParlaDbRows *rows,
                       guint        column)
{
  CHECK_ROW (rows, column, TRUE);

  return rows->driver->cursor_is_null (rows->cursor, column);
}

void
parla_db_rows_free (ParlaDbRows *rows)
{
  if (rows == NULL)
    return;

  rows->driver->cursor_free (rows->cursor);
  g_clear_error (&rows->error);
  g_free (rows);
}

void
parla_db_get_cache_stats (ParlaDb           *db,
                          ParlaDbCacheStats *stats)
{
  g_return_if_fail (db != NULL);
  g_return_if_fail (stats != NULL);

  memset (stats, 0, sizeof *stats);
  if (db->driver->cache_stats != NULL)
    db->driver->cache_stats (db->conn, stats);
}

/**
 * parla_db_new_id:
 *
 * 128 bits from the kernel's CSPRNG, as 32 lowercase hex digits.
 *
 * Returns: (transfer full): the id
 */
char *
parla_db_new_id (void)
{
  static const char hex[] = "0123456789abcdef";
  guint8 bytes[16];
  char *id;

  if (!fill_random (bytes, sizeof bytes))
    g_error ("Cannot read random bytes from the kernel: %s", g_strerror (errno));

  id = g_malloc (2 * sizeof bytes + 1);
  for (gsize i = 0; i < sizeof bytes; i++)
    {
      id[2 * i] = hex[bytes[i] >> 4];
      id[2 * i + 1] = hex[bytes[i] & 0xf];
    }
  id[2 * sizeof bytes] = '\0';

  return id;
}
