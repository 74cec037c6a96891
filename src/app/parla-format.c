/* parla-format.c: prices, dates, times and durations for the user's locale
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <langinfo.h>
#include <stdio.h>

#include "parla-format.h"

static const struct {
  const char *code;
  const char *symbol;
  int         decimals;
} currencies[] = {
  { "EUR", "€", 2 },
  { "USD", "$", 2 },
  { "GBP", "£", 2 },
  { "CHF", "CHF", 2 },
  { "JPY", "¥", 0 },
  { "KRW", "₩", 0 },
};

/**
 * parla_format_price:
 * @minor: the amount in minor units (cents)
 * @currency: its ISO 4217 code, e.g. `EUR`
 *
 * Formats the amount with the locale's decimal separator and puts the
 * currency's symbol where the locale puts its own (before in English,
 * after in German).
 *
 * Returns: (transfer full): e.g. `€12.50` or `12,50 €`
 */
char *
parla_format_price (gint64      minor,
                    const char *currency)
{
  const char *symbol = currency != NULL ? currency : "";
  int decimals = 2;
  const char *position;
  gint64 divisor = 1;
  char amount[64];

  for (guint i = 0; i < G_N_ELEMENTS (currencies); i++)
    if (g_strcmp0 (currency, currencies[i].code) == 0)
      {
        symbol = currencies[i].symbol;
        decimals = currencies[i].decimals;
      }

  for (int i = 0; i < decimals; i++)
    divisor *= 10;

  /* printf's %f follows LC_NUMERIC, so the separator is the user's. */
  snprintf (amount, sizeof amount, "%.*f", decimals, (double) minor / (double) divisor);

  /* CRNCYSTR starts with '-' when the locale's symbol goes before the
   * amount, '+' when after. */
  position = nl_langinfo (CRNCYSTR);
  if (position != NULL && position[0] == '+')
    return g_strdup_printf ("%s %s", amount, symbol);
  if (g_utf8_strlen (symbol, -1) > 1)
    return g_strdup_printf ("%s %s", symbol, amount);
  return g_strdup_printf ("%s%s", symbol, amount);
}

/**
 * parla_format_price_or_free:
 * @minor: the amount in minor units
 * @currency: its ISO 4217 code
 *
 * Returns: (transfer full): "Free" for 0, the price otherwise
 */
char *
parla_format_price_or_free (gint64      minor,
                            const char *currency)
{
  if (minor == 0)
    return g_strdup (_("Free"));

  return parla_format_price (minor, currency);
}

/**
 * parla_format_date:
 * @date_time: when, in the zone to show it in
 *
 * Returns: (transfer full): e.g. "Mon 23 Nov", with the year when it is
 *   not this year's
 */
char *
parla_format_date (GDateTime *date_time)
{
  g_autoptr(GDateTime) now = g_date_time_new_now (g_date_time_get_timezone (date_time));

  if (g_date_time_get_year (now) == g_date_time_get_year (date_time))
    /* Translators: a date in this year, see the strftime manual */
    return g_date_time_format (date_time, _("%a %-e %b"));

  /* Translators: a date in another year, see the strftime manual */
  return g_date_time_format (date_time, _("%a %-e %b %Y"));
}

/**
 * parla_format_time:
 * @date_time: when, in the zone to show it in
 *
 * Returns: (transfer full): e.g. "14:30"
 */
char *
parla_format_time (GDateTime *date_time)
{
  /* Translators: a time of day, see the strftime manual */
  return g_date_time_format (date_time, _("%H:%M"));
}

/**
 * parla_format_date_time:
 * @date_time: when, in the zone to show it in
 *
 * Returns: (transfer full): e.g. "Mon 23 Nov, 14:30"
 */
char *
parla_format_date_time (GDateTime *date_time)
{
  g_autofree char *date = parla_format_date (date_time);
  g_autofree char *time = parla_format_time (date_time);

  /* Translators: a date, then a time of day */
  return g_strdup_printf (_("%s, %s"), date, time);
}

/**
 * parla_format_time_range:
 * @start: the beginning
 * @end: the end, in the same zone
 *
 * Returns: (transfer full): e.g. "Mon 23 Nov, 14:30–15:15"
 */
char *
parla_format_time_range (GDateTime *start,
                         GDateTime *end)
{
  g_autofree char *from = parla_format_date_time (start);
  g_autofree char *to = parla_format_time (end);

  return g_strdup_printf ("%s–%s", from, to);
}

/**
 * parla_format_minutes:
 * @minutes: a duration
 *
 * Returns: (transfer full): e.g. "45 min", "1 h 30 min"
 */
char *
parla_format_minutes (int minutes)
{
  int hours = minutes / 60;

  minutes %= 60;
  if (hours == 0)
    return g_strdup_printf (_("%d min"), minutes);
  if (minutes == 0)
    return g_strdup_printf (_("%d h"), hours);

  return g_strdup_printf (_("%d h %d min"), hours, minutes);
}

/**
 * parla_format_countdown:
 * @until: how long until something starts
 *
 * Returns: (transfer full): e.g. "in 2 days", "in 3 h 20 min", "in 5 min",
 *   "now"
 */
char *
parla_format_countdown (GTimeSpan until)
{
  gint64 minutes = (until + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE;
  gint64 days;

  if (minutes <= 0)
    return g_strdup (_("now"));

  days = minutes / (24 * 60);
  if (days >= 2)
    return g_strdup_printf (ngettext ("in %d day", "in %d days", (gulong) days),
                            (int) days);
  if (minutes >= 60)
    {
      g_autofree char *span = parla_format_minutes ((int) minutes);

      /* Translators: %s is a duration such as "3 h 20 min" */
      return g_strdup_printf (_("in %s"), span);
    }

  return g_strdup_printf (ngettext ("in %d minute", "in %d minutes", (gulong) minutes),
                          (int) minutes);
}
