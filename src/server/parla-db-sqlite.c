/* parla-db-sqlite.c: the SQLite driver behind ParlaDb
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One sqlite3 connection in multi-thread mode (SQLITE_OPEN_NOMUTEX): a
 * connection is used by one thread at a time. WAL lets readers run beside
 * the single writer.
 *
 * Writers: SQLite has one writer per database. Left to itself, a second
 * writer spins in the busy handler (sleeping and retrying) until the first
 * commits. Within one process we queue writers on a lock per database
 * file instead, taken by begin (write) before "BEGIN IMMEDIATE" and
 * released by commit, rollback or close. Other processes still meet the
 * busy timeout.
 *
 * Statements are prepared once per connection and kept in a cache keyed by
 * their SQL text. "$1" is a named parameter to SQLite; values are bound by
 * looking up each "$N".
 */

#include "config.h"

#include <sqlite3.h>
#include <string.h>

#include "parla-db-private.h"

#define BUSY_TIMEOUT_MS      5000
#define CACHE_CAPACITY       256
#define SQLITE_URL_PREFIX    "sqlite:"

/* A lock that may be released by another thread than the one that took
 * it (a GMutex may not), e.g. when a connection is closed elsewhere. */
typedef struct
{
  /* owned */
  char   *path;

  int     ref_count;         /* under writer_locks_mutex */
  GMutex  mutex;
  GCond   cond;
  gboolean held;             /* under mutex */
} WriterLock;

typedef struct
{
  sqlite3_stmt *stmt;
  gboolean      in_use;      /* a cursor is reading from it */
} CachedStatement;

typedef struct
{
  /* owned */
  sqlite3           *handle;
  GHashTable        *cache;      /* SQL -> CachedStatement */
  WriterLock        *writer_lock; /* NULL for :memory: */

  gboolean           holds_writer_lock;
  ParlaDbCacheStats  stats;
} SqliteConn;

typedef struct
{
  /* borrowed */
  SqliteConn      *conn;
  CachedStatement *cached;       /* NULL: stmt is owned */

  sqlite3_stmt    *stmt;
} SqliteCursor;

static GMutex writer_locks_mutex;
static GHashTable *writer_locks;   /* path -> WriterLock */

/* Errors */

static int
error_code_for (int rc)
{
  switch (rc & 0xff)
    {
    case SQLITE_CONSTRAINT:
      return PARLA_DB_ERROR_CONSTRAINT;
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return PARLA_DB_ERROR_BUSY;
    default:
      return PARLA_DB_ERROR_FAILED;
    }
}

static void
set_error (GError  **error,
           sqlite3  *handle,
           int       rc)
{
  const char *message = handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc);

  g_set_error (error, PARLA_DB_ERROR, error_code_for (rc), "%s", message);
}

/* Writer locks */

static WriterLock *
writer_lock_ref_for_path (const char *path)
{
  WriterLock *lock;

  g_mutex_lock (&writer_locks_mutex);

  if (writer_locks == NULL)
    writer_locks = g_hash_table_new (g_str_hash, g_str_equal);

  lock = g_hash_table_lookup (writer_locks, path);
  if (lock == NULL)
    {
      lock = g_new0 (WriterLock, 1);
      lock->path = g_strdup (path);
      g_mutex_init (&lock->mutex);
      g_cond_init (&lock->cond);
      g_hash_table_insert (writer_locks, lock->path, lock);
    }
  lock->ref_count++;

  g_mutex_unlock (&writer_locks_mutex);

  return lock;
}

static void
writer_lock_unref (WriterLock *lock)
{
  g_mutex_lock (&writer_locks_mutex);

  if (--lock->ref_count == 0)
    {
      g_hash_table_remove (writer_locks, lock->path);
      if (g_hash_table_size (writer_locks) == 0)
        g_clear_pointer (&writer_locks, g_hash_table_unref);

      g_assert (!lock->held);
      g_mutex_clear (&lock->mutex);
      g_cond_clear (&lock->cond);
      g_free (lock->path);
      g_free (lock);
    }

  g_mutex_unlock (&writer_locks_mutex);
}

static void
writer_lock_acquire (SqliteConn *conn)
{
  WriterLock *lock = conn->writer_lock;

  g_assert (!conn->holds_writer_lock);

  if (lock != NULL)
    {
      g_mutex_lock (&lock->mutex);
      while (lock->held)
        g_cond_wait (&lock->cond, &lock->mutex);
      lock->held = TRUE;
      g_mutex_unlock (&lock->mutex);
    }

  conn->holds_writer_lock = TRUE;
}

static void
writer_lock_release (SqliteConn *conn)
{
  WriterLock *lock = conn->writer_lock;

  if (!conn->holds_writer_lock)
    return;

  conn->holds_writer_lock = FALSE;

  if (lock != NULL)
    {
      g_mutex_lock (&lock->mutex);
      lock->held = FALSE;
      g_cond_signal (&lock->cond);
      g_mutex_unlock (&lock->mutex);
    }
}

/* Statements */

static void
cached_statement_free (gpointer data)
{
  CachedStatement *cached = data;

  sqlite3_finalize (cached->stmt);
  g_free (cached);
}

static gboolean
cached_statement_is_idle (gpointer key,
                          gpointer value,
                          gpointer user_data)
{
  CachedStatement *cached = value;

  return !cached->in_use;
}

/* Returns a statement for @sql, reset and without bindings, and the cache
 * entry it belongs to, now in use (NULL: the caller finalizes the
 * statement). */
static sqlite3_stmt *
acquire_statement (SqliteConn       *conn,
                   const char       *sql,
                   CachedStatement **out_cached,
                   GError          **error)
{
  CachedStatement *cached;
  sqlite3_stmt *stmt = NULL;
  const char *tail = NULL;
  int rc;

  *out_cached = NULL;

  cached = g_hash_table_lookup (conn->cache, sql);
  if (cached != NULL && !cached->in_use)
    {
      conn->stats.hits++;
      cached->in_use = TRUE;
      *out_cached = cached;
      return cached->stmt;
    }

  rc = sqlite3_prepare_v3 (conn->handle, sql, -1,
                           cached == NULL ? SQLITE_PREPARE_PERSISTENT : 0,
                           &stmt, &tail);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, PARLA_DB_ERROR, error_code_for (rc),
                   "Could not prepare “%s”: %s", sql, sqlite3_errmsg (conn->handle));
      return NULL;
    }

  if (stmt == NULL)
    {
      g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                   "No statement in “%s”", sql);
      return NULL;
    }

  if (tail != NULL && tail[strspn (tail, " \t\r\n;")] != '\0')
    {
      sqlite3_finalize (stmt);
      g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                   "More than one statement in “%s”", sql);
      return NULL;
    }

  if (cached != NULL)
    {
      /* The cached one is being read by a live ParlaDbRows. */
      conn->stats.uncached++;
      return stmt;
    }

  if (g_hash_table_size (conn->cache) >= CACHE_CAPACITY)
    {
      guint evicted = g_hash_table_foreach_remove (conn->cache, cached_statement_is_idle, NULL);

      conn->stats.evictions += evicted;
      g_debug ("Statement cache full: evicted %u statements", evicted);
    }

  conn->stats.misses++;
  cached = g_new0 (CachedStatement, 1);
  cached->stmt = stmt;
  cached->in_use = TRUE;
  g_hash_table_insert (conn->cache, g_strdup (sql), cached);

  *out_cached = cached;
  return stmt;
}

static void
release_statement (sqlite3_stmt    *stmt,
                   CachedStatement *cached)
{
  if (cached == NULL)
    {
      sqlite3_finalize (stmt);
      return;
    }

  /* Ends the statement's read of the database and drops references to
   * bound text. */
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  cached->in_use = FALSE;
}

static gboolean
bind_values (SqliteConn          *conn,
             sqlite3_stmt        *stmt,
             const ParlaDbValue  *values,
             guint                n_values,
             sqlite3_destructor_type text_lifetime,
             GError             **error)
{
  int n_parameters = sqlite3_bind_parameter_count (stmt);

  for (guint i = 0; i < n_values; i++)
    {
      char name[16];
      int index;
      int rc;

      g_snprintf (name, sizeof name, "$%u", i + 1);
      index = sqlite3_bind_parameter_index (stmt, name);
      if (index == 0)
        {
          g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                       "Parameter %s is not used in “%s”", name, sqlite3_sql (stmt));
          return FALSE;
        }

      switch (values[i].type)
        {
        case PARLA_DB_TEXT:
          if (values[i].v.text != NULL)
            rc = sqlite3_bind_text (stmt, index, values[i].v.text, -1, text_lifetime);
          else
            rc = sqlite3_bind_null (stmt, index);
          break;

        case PARLA_DB_INT:
        case PARLA_DB_BOOL:
          rc = sqlite3_bind_int64 (stmt, index, values[i].v.integer);
          break;

        case PARLA_DB_NULL:
          rc = sqlite3_bind_null (stmt, index);
          break;

        case PARLA_DB_END:
        default:
          g_assert_not_reached ();
        }

      if (rc != SQLITE_OK)
        {
          set_error (error, conn->handle, rc);
          return FALSE;
        }
    }

  /* Each "$N" above has its own index, so the SQL uses a parameter that has
   * no value ("$4" with three values, "?", ":name") exactly when there
   * are more indices than values. */
  if ((guint) n_parameters != n_values)
    {
      g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                   "“%s” has %d parameters but %u values were given",
                   sqlite3_sql (stmt), n_parameters, n_values);
      return FALSE;
    }

  return TRUE;
}

/* Runs a statement without parameters that returns at most one row,
 * reading the first column of it as text into @out_text. */
static gboolean
run_simple (SqliteConn  *conn,
            const char  *sql,
            char       **out_text,
            GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  rc = sqlite3_prepare_v2 (conn->handle, sql, -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (error, conn->handle, rc);
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && out_text != NULL)
    *out_text = g_strdup ((const char *) sqlite3_column_text (stmt, 0));

  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_error (error, conn->handle, rc);
      sqlite3_finalize (stmt);
      return FALSE;
    }

  sqlite3_finalize (stmt);
  return TRUE;
}

static void
conn_free (SqliteConn *conn)
{
  /* The statements go before the connection they belong to; closing
   * rolls back a transaction still open, then other writers may go. */
  g_clear_pointer (&conn->cache, g_hash_table_unref);
  if (conn->handle != NULL)
    {
      int rc = sqlite3_close (conn->handle);

      if (rc != SQLITE_OK)
        g_critical ("Closing the database failed: %s (a ParlaDbRows was not freed?)",
                    sqlite3_errmsg (conn->handle));
    }
  writer_lock_release (conn);
  g_clear_pointer (&conn->writer_lock, writer_lock_unref);
  g_free (conn);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (SqliteConn, conn_free)

/* Driver */

static gpointer
sqlite_open (const char  *url,
             GError     **error)
{
  g_autoptr(SqliteConn) conn = NULL;
  g_autofree char *journal_mode = NULL;
  const char *path;
  gboolean in_memory;
  int rc;

  g_assert (g_str_has_prefix (url, SQLITE_URL_PREFIX));
  path = url + strlen (SQLITE_URL_PREFIX);

  if (*path == '\0')
    {
      g_set_error_literal (error, PARLA_DB_ERROR, PARLA_DB_ERROR_URL,
                           "The database URL has no path (expected “sqlite:PATH”)");
      return NULL;
    }
  in_memory = g_str_equal (path, ":memory:");

  conn = g_new0 (SqliteConn, 1);
  conn->cache = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, cached_statement_free);
  conn->stats.capacity = CACHE_CAPACITY;

  rc = sqlite3_open_v2 (path, &conn->handle,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                        NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, PARLA_DB_ERROR, error_code_for (rc),
                   "Could not open the database “%s”: %s", path,
                   conn->handle != NULL ? sqlite3_errmsg (conn->handle) : sqlite3_errstr (rc));
      return NULL;
    }

  sqlite3_extended_result_codes (conn->handle, TRUE);
  sqlite3_busy_timeout (conn->handle, BUSY_TIMEOUT_MS);

  if (!run_simple (conn, "PRAGMA journal_mode=WAL", &journal_mode, error))
    return NULL;
  if (!in_memory && g_strcmp0 (journal_mode, "wal") != 0)
    {
      g_set_error (error, PARLA_DB_ERROR, PARLA_DB_ERROR_FAILED,
                   "Could not switch “%s” to write-ahead logging (journal mode is “%s”)",
                   path, journal_mode != NULL ? journal_mode : "unknown");
      return NULL;
    }

  if (!run_simple (conn, "PRAGMA synchronous=FULL", NULL, error) ||
      !run_simple (conn, "PRAGMA foreign_keys=ON", NULL, error) ||
      !run_simple (conn, "PRAGMA temp_store=MEMORY", NULL, error))
    return NULL;

  /* Writers to the same file share one lock; a private in-memory database
   * has no other writer. */
  if (!in_memory)
    {
      const char *filename = sqlite3_db_filename (conn->handle, "main");

      conn->writer_lock = writer_lock_ref_for_path (filename != NULL && *filename != '\0' ?
                                                    filename : path);
    }

  return g_steal_pointer (&conn);
}

static void
sqlite_close (gpointer data)
{
  conn_free (data);
}

static gboolean
sqlite_begin (gpointer   data,
              gboolean   write,
              GError   **error)
{
  SqliteConn *conn = data;
  int rc;

  if (write)
    writer_lock_acquire (conn);

  rc = sqlite3_exec (conn->handle, write ? "BEGIN IMMEDIATE" : "BEGIN", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (error, conn->handle, rc);
      writer_lock_release (conn);
      return FALSE;
    }

  return TRUE;
}

static void
sqlite_rollback (gpointer data)
{
  SqliteConn *conn = data;

  /* SQLite may have rolled back by itself (SQLITE_FULL, SQLITE_IOERR...). */
  if (!sqlite3_get_autocommit (conn->handle))
    {
      int rc = sqlite3_exec (conn->handle, "ROLLBACK", NULL, NULL, NULL);

      if (rc != SQLITE_OK)
        g_debug ("ROLLBACK failed: %s", sqlite3_errmsg (conn->handle));
    }

  writer_lock_release (conn);
}

static gboolean
sqlite_commit (gpointer   data,
               GError   **error)
{
  SqliteConn *conn = data;
  int rc;

  rc = sqlite3_exec (conn->handle, "COMMIT", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (error, conn->handle, rc);
      sqlite_rollback (conn);
      return FALSE;
    }

  writer_lock_release (conn);
  return TRUE;
}

static gboolean
sqlite_exec_script (gpointer     data,
                    const char  *sql,
                    GError     **error)
{
  SqliteConn *conn = data;
  int rc;

  rc = sqlite3_exec (conn->handle, sql, NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      set_error (error, conn->handle, rc);
      return FALSE;
    }

  return TRUE;
}

static gint64
sqlite_exec (gpointer             data,
             const char          *sql,
             const ParlaDbValue  *values,
             guint                n_values,
             GError             **error)
{
  SqliteConn *conn = data;
  CachedStatement *cached = NULL;
  sqlite3_stmt *stmt;
  sqlite3_int64 total_before;
  gint64 changes;
  int rc;

  stmt = acquire_statement (conn, sql, &cached, error);
  if (stmt == NULL)
    return -1;

  /* The text outlives the statement's use: it runs to completion here and
   * release_statement() clears the bindings. */
  if (!bind_values (conn, stmt, values, n_values, SQLITE_STATIC, error))
    {
      release_statement (stmt, cached);
      return -1;
    }

  total_before = sqlite3_total_changes64 (conn->handle);

  do
    rc = sqlite3_step (stmt);
  while (rc == SQLITE_ROW);

  if (rc != SQLITE_DONE)
    {
      set_error (error, conn->handle, rc);
      release_statement (stmt, cached);
      return -1;
    }

  /* sqlite3_changes() keeps the count of the last INSERT, UPDATE or DELETE
   * through any other statement; only those move the total. */
  if (sqlite3_total_changes64 (conn->handle) != total_before)
    changes = sqlite3_changes64 (conn->handle);
  else
    changes = 0;

  release_statement (stmt, cached);
  return changes;
}

static gpointer
sqlite_query (gpointer             data,
              const char          *sql,
              const ParlaDbValue  *values,
              guint                n_values,
              GError             **error)
{
  SqliteConn *conn = data;
  CachedStatement *cached = NULL;
  SqliteCursor *cursor;
  sqlite3_stmt *stmt;

  stmt = acquire_statement (conn, sql, &cached, error);
  if (stmt == NULL)
    return NULL;

  /* The caller may free the values before reading the rows. */
  if (!bind_values (conn, stmt, values, n_values, SQLITE_TRANSIENT, error))
    {
      release_statement (stmt, cached);
      return NULL;
    }

  cursor = g_new0 (SqliteCursor, 1);
  cursor->conn = conn;
  cursor->cached = cached;
  cursor->stmt = stmt;

  return cursor;
}

static gboolean
sqlite_has_table (gpointer     data,
                  const char  *name,
                  gboolean    *out_exists,
                  GError     **error)
{
  SqliteConn *conn = data;
  ParlaDbValue value = { PARLA_DB_TEXT, { .text = name } };
  CachedStatement *cached = NULL;
  sqlite3_stmt *stmt;
  int rc;

  stmt = acquire_statement (conn,
                            "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = $1",
                            &cached, error);
  if (stmt == NULL)
    return FALSE;

  if (!bind_values (conn, stmt, &value, 1, SQLITE_STATIC, error))
    {
      release_statement (stmt, cached);
      return FALSE;
    }

  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      set_error (error, conn->handle, rc);
      release_statement (stmt, cached);
      return FALSE;
    }

  *out_exists = rc == SQLITE_ROW;
  release_statement (stmt, cached);
  return TRUE;
}

static int
sqlite_cursor_next (gpointer   data,
                    GError   **error)
{
  SqliteCursor *cursor = data;
  int rc;

  rc = sqlite3_step (cursor->stmt);
  if (rc == SQLITE_ROW)
    return 1;
  if (rc == SQLITE_DONE)
    return 0;

  set_error (error, cursor->conn->handle, rc);
  return -1;
}

static guint
sqlite_cursor_n_columns (gpointer data)
{
  SqliteCursor *cursor = data;

  return sqlite3_column_count (cursor->stmt);
}

static const char *
sqlite_cursor_get_text (gpointer data,
                        guint    column)
{
  SqliteCursor *cursor = data;

  return (const char *) sqlite3_column_text (cursor->stmt, column);
}

static gint64
sqlite_cursor_get_int (gpointer data,
                       guint    column)
{
  SqliteCursor *cursor = data;

  return sqlite3_column_int64 (cursor->stmt, column);
}

static gboolean
sqlite_cursor_is_null (gpointer data,
                       guint    column)
{
  SqliteCursor *cursor = data;

  return sqlite3_column_type (cursor->stmt, column) == SQLITE_NULL;
}

static void
sqlite_cursor_free (gpointer data)
{
  SqliteCursor *cursor = data;

  release_statement (cursor->stmt, cursor->cached);
  g_free (cursor);
}

static void
sqlite_cache_stats (gpointer           data,
                    ParlaDbCacheStats *stats)
{
  SqliteConn *conn = data;

  *stats = conn->stats;
  stats->size = g_hash_table_size (conn->cache);
}

const ParlaDbDriver _parla_db_sqlite_driver = {
  .name = "sqlite",
  .open = sqlite_open,
  .close = sqlite_close,
  .begin = sqlite_begin,
  .commit = sqlite_commit,
  .rollback = sqlite_rollback,
  .exec_script = sqlite_exec_script,
  .exec = sqlite_exec,
  .query = sqlite_query,
  .has_table = sqlite_has_table,
  .cursor_next = sqlite_cursor_next,
  .cursor_n_columns = sqlite_cursor_n_columns,
  .cursor_get_text = sqlite_cursor_get_text,
  .cursor_get_int = sqlite_cursor_get_int,
  .cursor_is_null = sqlite_cursor_is_null,
  .cursor_free = sqlite_cursor_free,
  .cache_stats = sqlite_cache_stats,
};
