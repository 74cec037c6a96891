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

G_END_DECLS
