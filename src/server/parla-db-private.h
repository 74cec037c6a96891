/* parla-db-private.h: driver interface and migrations
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-db.h"

G_BEGIN_DECLS

typedef struct
{
  int         version;
  const char *description;
  const char *sql;          /* several statements separated by ";" */
} ParlaMigration;

/* Terminated by { 0, NULL, NULL }; versions strictly increasing. */
extern const ParlaMigration parla_db_migrations[];

/* One bound parameter. Parameter i (from 0) is "$<i + 1>" in the SQL.
 * type is PARLA_DB_TEXT, PARLA_DB_INT or PARLA_DB_NULL (PARLA_DB_BOOL is
 * turned into PARLA_DB_INT before it reaches a driver); text is borrowed
 * and may be NULL (binds NULL). */
typedef struct
{
  ParlaDbType  type;
  union {
    const char *text;
    gint64      integer;
  } v;
} ParlaDbValue;

/* What a database backend implements. ParlaDb owns one connection
 * ("conn", opaque) and routes every call through this table; a cursor is the
 * driver's state behind one ParlaDbRows.
 *
 * Transactions: ParlaDb guarantees begin() is only called outside a
 * transaction and commit() only inside one; rollback() may be called at any
 * time and must be a no-op without a transaction. commit() that fails must
 * leave no transaction open. A driver that serialises writers (SQLite) takes
 * its writer lock in begin (write = TRUE) and releases it in commit,
 * rollback and close.
 *
 * Errors are in PARLA_DB_ERROR; every function that takes a GError sets it
 * exactly when it fails. */
typedef struct _ParlaDbDriver ParlaDbDriver;
struct _ParlaDbDriver
{
  const char *name;

  /* @url is the whole URL, e.g. "sqlite:/var/lib/parla/parla.db" */
  gpointer   (*open)          (const char          *url,
                               GError             **error);
  /* Finalizes cached statements, releases locks, closes. */
  void       (*close)         (gpointer             conn);

  gboolean   (*begin)         (gpointer             conn,
                               gboolean             write,
                               GError             **error);
  gboolean   (*commit)        (gpointer             conn,
                               GError             **error);
  void       (*rollback)      (gpointer             conn);

  /* Several statements without parameters (migrations). */
  gboolean   (*exec_script)   (gpointer             conn,
                               const char          *sql,
                               GError             **error);
  /* One statement, run to completion; the number of rows it inserted,
   * updated or deleted (0 for anything else), -1 on error. */
  gint64     (*exec)          (gpointer             conn,
                               const char          *sql,
                               const ParlaDbValue  *params,
                               guint                n_params,
                               GError             **error);
  /* One statement, not yet stepped; text parameters are copied. */
  gpointer   (*query)         (gpointer             conn,
                               const char          *sql,
                               const ParlaDbValue  *params,
                               guint                n_params,
                               GError             **error);
  gboolean   (*has_table)     (gpointer             conn,
                               const char          *name,
                               gboolean            *out_exists,
                               GError             **error);

  /* 1: a row is current, 0: no more rows, -1: error (set) */
  int        (*cursor_next)   (gpointer             cursor,
                               GError             **error);
  guint      (*cursor_n_columns) (gpointer          cursor);
  const char *(*cursor_get_text) (gpointer          cursor,
                                  guint             column);
  gint64     (*cursor_get_int)   (gpointer          cursor,
                                  guint             column);
  gboolean   (*cursor_is_null)   (gpointer          cursor,
                                  guint             column);
  void       (*cursor_free)      (gpointer          cursor);

  /* Optional (may be NULL): prepared statement cache counters. */
  void       (*cache_stats)   (gpointer             conn,
                               ParlaDbCacheStats   *stats);
};

extern const ParlaDbDriver _parla_db_sqlite_driver;

G_END_DECLS
