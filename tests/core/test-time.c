/* test-time.c: RFC 3339, times of day, dates, time zones
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core.h"

static void
test_rfc3339_valid (void)
{
  static const struct { const char *text; gint64 instant; } cases[] = {
    { "1970-01-01T00:00:00Z", 0 },
    { "2026-03-29T01:00:00Z", 1774746000 },
    { "2026-03-29T03:00:00+02:00", 1774746000 },
    { "2026-03-28T20:00:00-05:00", 1774746000 },
    { "2026-03-29t01:00:00z", 1774746000 },
    { "2026-03-29T01:00:00.999Z", 1774746000 },
    { "2026-03-29T06:30:00+05:30", 1774746000 },
    { "2024-02-29T12:00:00Z", 1709208000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 instant = -1;

      g_test_message ("%s", cases[i].text);
      g_assert_true (parla_time_parse_rfc3339 (cases[i].text, &instant, &error));
      g_assert_no_error (error);
      g_assert_cmpint (instant, ==, cases[i].instant);
    }
}

static void
test_rfc3339_invalid (void)
{
  static const char *cases[] = {
    "", "2026-03-29", "2026-03-29T01:00Z", "2026-03-29T01:00:00", "2026-03-29 01:00:00Z",
    "2026-13-01T00:00:00Z", "2026-02-30T00:00:00Z", "2025-02-29T00:00:00Z", "2026-03-29T24:00:00Z",
    "2026-03-29T01:60:00Z", "2026-03-29T01:00:00+2:00", "2026-03-29T01:00:00+24:00",
    "2026-W13-7T01:00:00Z", "+2026-03-29T01:00:00Z", "2026-03-29T01:00:00.Z",
    "2026-03-29T01:00:00Z junk", "yesterday", "１９７０-01-01T00:00:00Z",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 instant = 42;

      g_test_message ("%s", cases[i]);
      g_assert_false (parla_time_parse_rfc3339 (cases[i], &instant, &error));
      g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
      g_assert_cmpint (instant, ==, 42);
    }

  g_assert_false (parla_time_parse_rfc3339 (NULL, &(gint64) { 0 }, NULL));
}

static void
test_format (void)
{
  g_autoptr(GTimeZone) berlin = parla_time_zone_new ("Europe/Berlin", NULL);
  g_autofree char *utc = parla_time_format_rfc3339 (1774746000);
  g_autofree char *local = parla_time_format_local (1774746000, berlin);
  g_autofree char *before = parla_time_format_local (1774746000 - 1, berlin);

  g_assert_cmpstr (utc, ==, "2026-03-29T01:00:00Z");
  g_assert_cmpstr (local, ==, "2026-03-29T03:00:00+02:00");
  g_assert_cmpstr (before, ==, "2026-03-29T01:59:59+01:00");

  /* Years before 1000 keep four digits, so that they parse back. */
  {
    gint64 early = 0;
    g_autofree char *text = NULL;

    g_assert_true (parla_time_parse_rfc3339 ("0166-11-23T10:00:00Z", &early, NULL));
    text = parla_time_format_rfc3339 (early);
    g_assert_cmpstr (text, ==, "0166-11-23T10:00:00Z");
  }
}

static void
test_hhmm (void)
{
  int minutes = -1;

  g_assert_true (parla_time_parse_hhmm ("09:30", FALSE, &minutes, NULL));
  g_assert_cmpint (minutes, ==, 570);
  g_assert_true (parla_time_parse_hhmm ("00:00", FALSE, &minutes, NULL));
  g_assert_cmpint (minutes, ==, 0);
  g_assert_true (parla_time_parse_hhmm ("24:00", TRUE, &minutes, NULL));
  g_assert_cmpint (minutes, ==, 1440);
  g_assert_false (parla_time_parse_hhmm ("24:00", FALSE, &minutes, NULL));
  g_assert_false (parla_time_parse_hhmm ("24:30", TRUE, &minutes, NULL));
  g_assert_false (parla_time_parse_hhmm ("9:30", FALSE, &minutes, NULL));
  g_assert_false (parla_time_parse_hhmm ("09:60", FALSE, &minutes, NULL));
  g_assert_false (parla_time_parse_hhmm ("09:30:00", FALSE, &minutes, NULL));
  g_assert_false (parla_time_parse_hhmm (NULL, FALSE, &minutes, NULL));

  {
    g_autofree char *text = parla_time_format_hhmm (570);
    g_assert_cmpstr (text, ==, "09:30");
  }
}

static void
test_date (void)
{
  int y, m, d;

  g_assert_true (parla_date_parse ("2026-12-24", &y, &m, &d, NULL));
  g_assert_cmpint (y, ==, 2026);
  g_assert_cmpint (m, ==, 12);
  g_assert_cmpint (d, ==, 24);
  g_assert_false (parla_date_parse ("2026-02-30", &y, &m, &d, NULL));
  g_assert_false (parla_date_parse ("2026-2-3", &y, &m, &d, NULL));
  g_assert_false (parla_date_parse ("2026-12-24T00:00:00Z", &y, &m, &d, NULL));
}

static void
test_zones (void)
{
  static const char *valid[] = { "Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "UTC",
                                 "America/Argentina/Buenos_Aires", "Etc/GMT+5" };
  static const char *invalid[] = { "", "+02:00", "-05:00", "Mars/Base", "CET-1CEST", "Europe/../etc/passwd",
                                   "/etc/localtime", "Europe/Berlin ", "Local" };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GTimeZone) tz = parla_time_zone_new (valid[i], NULL);
      g_test_message ("%s", valid[i]);
      g_assert_nonnull (tz);
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GTimeZone) tz = parla_time_zone_new (invalid[i], &error);
      g_test_message ("%s", invalid[i]);
      g_assert_null (tz);
      g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/time/rfc3339/valid", test_rfc3339_valid);
  g_test_add_func ("/core/time/rfc3339/invalid", test_rfc3339_invalid);
  g_test_add_func ("/core/time/format", test_format);
  g_test_add_func ("/core/time/hhmm", test_hhmm);
  g_test_add_func ("/core/time/date", test_date);
  g_test_add_func ("/core/time/zones", test_zones);

  return g_test_run ();
}
