/* parla-format.h: prices, dates, times and durations for the user's locale
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

char *parla_format_price            (gint64      minor,
                                     const char *currency);
char *parla_format_price_or_free    (gint64      minor,
                                     const char *currency);
char *parla_format_date             (GDateTime  *date_time);
char *parla_format_time             (GDateTime  *date_time);
char *parla_format_date_time        (GDateTime  *date_time);
char *parla_format_time_range       (GDateTime  *start,
                                     GDateTime  *end);
char *parla_format_minutes          (int         minutes);
char *parla_format_countdown        (GTimeSpan   until);

G_END_DECLS
