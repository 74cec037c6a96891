/* parla-time.h: instants (UTC, seconds since the epoch) and their text forms
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Instants are gint64 seconds since 1970-01-01T00:00:00Z. */

gboolean  parla_time_parse_rfc3339  (const char  *text,
                                     gint64      *out_instant,
                                     GError     **error);
char     *parla_time_format_rfc3339 (gint64       instant);
char     *parla_time_format_local   (gint64       instant,
                                     GTimeZone   *zone);
gint64    parla_time_now            (void);

gboolean  parla_time_parse_hhmm     (const char  *text,
                                     gboolean     allow_24,
                                     int         *out_minutes,
                                     GError     **error);
char     *parla_time_format_hhmm    (int          minutes);

gboolean  parla_date_parse          (const char  *text,
                                     int         *out_year,
                                     int         *out_month,
                                     int         *out_day,
                                     GError     **error);

GTimeZone *parla_time_zone_new      (const char  *identifier,
                                     GError     **error);

G_END_DECLS
