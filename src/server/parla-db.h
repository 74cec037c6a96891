/* parla-db.h: the small database interface every handler goes through
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * One connection per thread. SQL is written once, in the subset SQLite
 * (>= 3.40) and PostgreSQL 15 share: "$1" parameters, RETURNING,
 * ON CONFLICT, integer timestamps (seconds since the epoch), text ids.
 * A driver (SQLite now, PostgreSQL later) implements ParlaDbDriver; the
 * handlers never see which one runs.
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ParlaDb     ParlaDb;
typedef struct _ParlaDbRows ParlaDbRows;

typedef enum
{
  PARLA_DB_END = 0,   /* terminates a parameter list */
  PARLA_DB_TEXT,      /* const char *, may be NULL (binds NULL) */
  PARLA_DB_INT,       /* gint64 (pass gint64, not int!) */
  PARLA_DB_NULL,      /* no argument */
  PARLA_DB_BOOL,      /* gboolean (int), stored as 0/1 */
} ParlaDbType;

#define PARLA_DB_ERROR (parla_db_error_quark ())
typedef enum
{
  PARLA_DB_ERROR_FAILED,      /* anything else */
  PARLA_DB_ERROR_CONSTRAINT,  /* unique, foreign key or check constraint */
  PARLA_DB_ERROR_BUSY,        /* lock timeout */
  PARLA_DB_ERROR_URL,         /* unsupported or malformed database URL */
  PARLA_DB_ERROR_MIGRATION,   /* schema newer than this build, or a migration failed */
} ParlaDbError;

GQuark       parla_db_error_quark     (void);

/* "sqlite:PATH" (PATH may be ":memory:" for a private in-memory database,
 * only useful with a single connection). */
ParlaDb     *parla_db_open            (const char   *url,
                                       GError      **error);
void         parla_db_close           (ParlaDb      *db);
const char  *parla_db_get_url         (ParlaDb      *db);

/* Applies every migration newer than the schema's version, each in its own
 * transaction, recording it in schema_migrations. Safe to call on every
 * start and from several processes. */
gboolean     parla_db_migrate         (ParlaDb      *db,
                                       GError      **error);
int          parla_db_schema_version  (ParlaDb      *db);

/* Transactions. begin_write is "BEGIN IMMEDIATE" on SQLite: writers within
 * one process queue on a mutex rather than spinning on SQLITE_BUSY. */
gboolean     parla_db_begin_read      (ParlaDb      *db,
                                       GError      **error);
gboolean     parla_db_begin_write     (ParlaDb      *db,
                                       GError      **error);
gboolean     parla_db_commit          (ParlaDb      *db,
                                       GError      **error);
void         parla_db_rollback        (ParlaDb      *db);
gboolean     parla_db_in_transaction  (ParlaDb      *db);

/* Runs one statement; parameters follow as (ParlaDbType, value) pairs
 * ended by PARLA_DB_END. Returns the number of rows changed, -1 on error.
 *
 * !!! PARLA_DB_INT must be followed by a gint64. A plain int (a literal such
 * !!! as 0, an enum, a guint) is read as 64 bits through va_arg and binds
 * !!! garbage. Write (gint64) 0, (gint64) count.
 *
 * The parameters of the SQL are exactly $1 ... $N for N values; each may
 * appear several times and in any order. Anything else ("?", ":name", a
 * value that the SQL never uses) is an error. */
gint64       parla_db_exec            (ParlaDb      *db,
                                       GError      **error,
                                       const char   *sql,
                                       ...);
/* Runs a query; returns the rows (possibly none), NULL on error. The first
 * row is fetched here, so errors raised by the statement itself (a
 * constraint failing in INSERT ... RETURNING, a lock timeout) are reported
 * by this call rather than by parla_db_rows_next(). */
ParlaDbRows *parla_db_query           (ParlaDb      *db,
                                       GError      **error,
                                       const char   *sql,
                                       ...);
/* The same with a parameter array built at run time (for dynamic filters). */
typedef struct _ParlaDbParams ParlaDbParams;
ParlaDbParams *parla_db_params_new    (void);
void         parla_db_params_free     (ParlaDbParams *params);
/* Each returns the placeholder ("$N") for the value just added, owned by
 * @params. Text is copied; NULL binds NULL. */
const char  *parla_db_params_add_text (ParlaDbParams *params,
                                       const char    *value);
const char  *parla_db_params_add_int  (ParlaDbParams *params,
                                       gint64         value);
const char  *parla_db_params_add_bool (ParlaDbParams *params,
                                       gboolean       value);
const char  *parla_db_params_add_null (ParlaDbParams *params);
guint        parla_db_params_get_length (ParlaDbParams *params);
ParlaDbRows *parla_db_query_params    (ParlaDb       *db,
                                       const char    *sql,
                                       ParlaDbParams *params,
                                       GError       **error);
gint64       parla_db_exec_params     (ParlaDb       *db,
                                       const char    *sql,
                                       ParlaDbParams *params,
                                       GError       **error);

/* Rows: call next() before reading the first row. next() returns FALSE at
 * the end and on error (logged with g_warning()); after the loop,
 * parla_db_rows_get_error() returns FALSE and sets @error if the rows ended
 * because of an error. Free the rows before the ParlaDb they came from. */
gboolean     parla_db_rows_next       (ParlaDbRows  *rows);
gboolean     parla_db_rows_get_error  (ParlaDbRows  *rows,
                                       GError      **error);
guint        parla_db_rows_n_columns  (ParlaDbRows  *rows);
const char  *parla_db_rows_get_text   (ParlaDbRows  *rows,
                                       guint         column);  /* NULL for NULL; valid until next() */
char        *parla_db_rows_dup_text   (ParlaDbRows  *rows,
                                       guint         column);
gint64       parla_db_rows_get_int    (ParlaDbRows  *rows,
                                       guint         column);  /* 0 for NULL */
gboolean     parla_db_rows_is_null    (ParlaDbRows  *rows,
                                       guint         column);
void         parla_db_rows_free       (ParlaDbRows  *rows);

/* Prepared statement cache of one connection (zeros for a driver without
 * one). */
typedef struct
{
  guint64 hits;       /* statements reused */
  guint64 misses;     /* statements prepared for the cache */
  guint64 uncached;   /* prepared outside the cache: the cached one was busy */
  guint64 evictions;  /* statements dropped because the cache was full */
  guint   size;       /* statements in the cache now */
  guint   capacity;
} ParlaDbCacheStats;

void         parla_db_get_cache_stats (ParlaDb           *db,
                                       ParlaDbCacheStats *stats);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaDbRows, parla_db_rows_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaDbParams, parla_db_params_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaDb, parla_db_close)

/* Random 128-bit id, hex, e.g. for users and bookings. */
char        *parla_db_new_id          (void);

G_END_DECLS
