/* parla-time.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-error.h"
#include "parla-time.h"

static gboolean
read_digits (const char **p,
             int          count,
             int         *out)
{
  int value = 0;

  for (int i = 0; i < count; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      value = value * 10 + ((*p)[i] - '0');
    }

  *p += count;
  *out = value;
  return TRUE;
}

/**
 * parla_time_parse_rfc3339:
 * @text: e.g. "2026-03-29T01:30:00Z" or "2026-03-29T03:30:00.250+02:00"
 * @out_instant: (out): seconds since the epoch, fractions dropped
 *
 * Accepts exactly RFC 3339's date-time: full date, "T" (or "t"), full time
 * with seconds and an optional fraction, then "Z" or a numeric offset. ISO 8601
 * forms that RFC 3339 does not allow (week dates, missing offsets, "24:00")
 * are refused.
 */
gboolean
parla_time_parse_rfc3339 (const char  *text,
                          gint64      *out_instant,
                          GError     **error)
{
  g_autoptr(GDateTime) dt = NULL;
  g_autoptr(GTimeZone) tz = NULL;
  const char *p = text;
  int year, month, day, hour, minute, second;
  int off_h = 0, off_m = 0, sign = 1;

  g_return_val_if_fail (out_instant != NULL, FALSE);

  if (text == NULL)
    goto invalid;

  if (!read_digits (&p, 4, &year) || *p++ != '-' ||
      !read_digits (&p, 2, &month) || *p++ != '-' ||
      !read_digits (&p, 2, &day))
    goto invalid;

  if (*p != 'T' && *p != 't')
    goto invalid;
  p++;

  if (!read_digits (&p, 2, &hour) || *p++ != ':' ||
      !read_digits (&p, 2, &minute) || *p++ != ':' ||
      !read_digits (&p, 2, &second))
    goto invalid;

  if (*p == '.')
    {
      p++;
      if (!g_ascii_isdigit (*p))
        goto invalid;
      while (g_ascii_isdigit (*p))
        p++;
    }

  if (*p == 'Z' || *p == 'z')
    {
      p++;
    }
  else if (*p == '+' || *p == '-')
    {
      sign = *p == '-' ? -1 : 1;
      p++;
      if (!read_digits (&p, 2, &off_h) || *p++ != ':' || !read_digits (&p, 2, &off_m))
        goto invalid;
      if (off_h > 23 || off_m > 59)
        goto invalid;
    }
  else
    goto invalid;

  if (*p != '\0')
    goto invalid;

  /* A leap second (":60") is folded into the next second's start. */
  if (year < 1 || month < 1 || month > 12 || day < 1 || day > 31 ||
      hour > 23 || minute > 59 || second > 60)
    goto invalid;

  if (!g_date_valid_dmy (day, month, year))
    goto invalid;

  tz = g_time_zone_new_offset (sign * (off_h * 3600 + off_m * 60));
  dt = g_date_time_new (tz, year, month, day, hour, minute, second == 60 ? 59 : second);
  if (dt == NULL)
    goto invalid;

  *out_instant = g_date_time_to_unix (dt) + (second == 60 ? 1 : 0);
  return TRUE;

invalid:
  parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                   "Not an RFC 3339 date-time (expected e.g. 2026-03-29T09:00:00Z)");
  return FALSE;
}

/**
 * parla_time_format_rfc3339:
 *
 * Returns: (transfer full): the instant in UTC, e.g. "2026-03-29T01:00:00Z"
 */
char *
parla_time_format_rfc3339 (gint64 instant)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (instant);

  if (dt == NULL)
    return g_strdup ("1970-01-01T00:00:00Z");

  /* Not g_date_time_format: its %Y does not pad years before 1000 to the
   * four digits RFC 3339 requires (found by fuzzing). */
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02dZ",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt));
}

/**
 * parla_time_format_local:
 *
 * Returns: (transfer full): the instant in @zone with its offset, e.g.
 *   "2026-03-29T03:00:00+02:00"
 */
char *
parla_time_format_local (gint64     instant,
                         GTimeZone *zone)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = NULL;
  g_autofree char *offset = NULL;

  g_return_val_if_fail (zone != NULL, NULL);

  if (utc == NULL)
    return NULL;

  local = g_date_time_to_timezone (utc, zone);
  offset = g_date_time_format (local, "%:z");
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d%s",
                          g_date_time_get_year (local), g_date_time_get_month (local),
                          g_date_time_get_day_of_month (local), g_date_time_get_hour (local),
                          g_date_time_get_minute (local), g_date_time_get_second (local), offset);
}

gint64
parla_time_now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/**
 * parla_time_parse_hhmm:
 * @text: "09:00"
 * @allow_24: whether "24:00" (the end of a day) is accepted
 * @out_minutes: (out): minutes since midnight
 */
gboolean
parla_time_parse_hhmm (const char  *text,
                       gboolean     allow_24,
                       int         *out_minutes,
                       GError     **error)
{
  const char *p = text;
  int hour, minute;

  g_return_val_if_fail (out_minutes != NULL, FALSE);

  if (text == NULL ||
      !read_digits (&p, 2, &hour) || *p++ != ':' ||
      !read_digits (&p, 2, &minute) || *p != '\0' ||
      minute > 59 || hour > 24 || (hour == 24 && (minute != 0 || !allow_24)))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                       "Not a time of day (expected HH:MM, e.g. 09:30)");
      return FALSE;
    }

  *out_minutes = hour * 60 + minute;
  return TRUE;
}

char *
parla_time_format_hhmm (int minutes)
{
  return g_strdup_printf ("%02d:%02d", minutes / 60, minutes % 60);
}

/**
 * parla_date_parse:
 * @text: "2026-12-24"
 */
gboolean
parla_date_parse (const char  *text,
                  int         *out_year,
                  int         *out_month,
                  int         *out_day,
                  GError     **error)
{
  const char *p = text;
  int year, month, day;

  if (text == NULL ||
      !read_digits (&p, 4, &year) || *p++ != '-' ||
      !read_digits (&p, 2, &month) || *p++ != '-' ||
      !read_digits (&p, 2, &day) || *p != '\0' ||
      year < 1 || month < 1 || month > 12 || day < 1 || day > 31 ||
      !g_date_valid_dmy (day, month, year))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                       "Not a date (expected YYYY-MM-DD)");
      return FALSE;
    }

  if (out_year)
    *out_year = year;
  if (out_month)
    *out_month = month;
  if (out_day)
    *out_day = day;
  return TRUE;
}

/**
 * parla_time_zone_new:
 * @identifier: an IANA time zone name such as "Europe/Berlin", or "UTC"
 *
 * Unlike g_time_zone_new_identifier(), numeric offsets ("+02:00") and POSIX
 * TZ strings are refused: availability follows a place's rules, not a
 * fixed offset.
 *
 * Returns: (transfer full) (nullable): the zone, or %NULL with @error set
 */
GTimeZone *
parla_time_zone_new (const char  *identifier,
                     GError     **error)
{
  GTimeZone *tz = NULL;
  gsize len;

  len = identifier ? strlen (identifier) : 0;
  if (len == 0 || len > 64 || identifier[0] == '+' || identifier[0] == '-' ||
      identifier[0] == '/' || identifier[0] == '.' || strstr (identifier, "..") != NULL)
    goto unknown;

  for (gsize i = 0; i < len; i++)
    {
      char c = identifier[i];
      if (!g_ascii_isalnum (c) && c != '/' && c != '_' && c != '-' && c != '+')
        goto unknown;
    }

  /* IANA names are "Area/Location"; UTC is the one bare name we accept. */
  if (strchr (identifier, '/') == NULL && !g_str_equal (identifier, "UTC"))
    goto unknown;

  tz = g_time_zone_new_identifier (identifier);
  if (tz == NULL)
    goto unknown;

  return tz;

unknown:
  parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                   "Unknown time zone (expected an IANA name such as Europe/Berlin)");
  return NULL;
}
