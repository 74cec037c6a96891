/* test-ics.c: iCalendar files: escaping, folding, writing, reading back
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-error.h"
#include "parla-ics.h"

static void
test_escape (void)
{
  static const struct { const char *text; const char *escaped; } cases[] = {
    { "", "" },
    { "Plain words", "Plain words" },
    { "a, b; c", "a\\, b\\; c" },
    { "back\\slash", "back\\\\slash" },
    { "two\nlines", "two\\nlines" },
    { "dos\r\nlines", "dos\\nlines" },
    { "tab\tkept, bell\a dropped", "tab\tkept\\, bell dropped" },
    { "¡Hola, señora!", "¡Hola\\, señora!" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *escaped = parla_ics_escape_text (cases[i].text);
      g_autofree char *back = parla_ics_unescape_text (escaped);

      g_assert_cmpstr (escaped, ==, cases[i].escaped);
      if (strchr (cases[i].text, '\r') == NULL && strchr (cases[i].text, '\a') == NULL)
        g_assert_cmpstr (back, ==, cases[i].text);
    }

  {
    g_autofree char *upper = parla_ics_unescape_text ("A\\NB");

    g_assert_cmpstr (upper, ==, "A\nB");
  }
}

/* Every physical line at most 75 octets, continuations start with one
 * space, every line ends with CRLF, and unfolding gives the line back. */
static void
check_folded (const char *line,
              const char *folded)
{
  g_auto(GStrv) parts = NULL;
  GString *unfolded = g_string_new (NULL);
  guint n;

  g_assert_true (g_str_has_suffix (folded, "\r\n"));
  g_assert_true (g_utf8_validate (folded, -1, NULL));

  parts = g_strsplit (folded, "\r\n", -1);
  n = g_strv_length (parts);
  g_assert_cmpstr (parts[n - 1], ==, "");

  for (guint i = 0; i + 1 < n; i++)
    {
      g_assert_cmpuint (strlen (parts[i]), <=, 75);
      g_assert_null (strchr (parts[i], '\n'));
      if (i > 0)
        {
          g_assert_cmpint (parts[i][0], ==, ' ');
          g_string_append (unfolded, parts[i] + 1);
        }
      else
        {
          g_string_append (unfolded, parts[i]);
        }
      /* No piece ends inside a UTF-8 sequence. */
      g_assert_true (g_utf8_validate (parts[i], -1, NULL));
    }

  g_assert_cmpstr (unfolded->str, ==, line);
  g_string_free (unfolded, TRUE);
}

static void
test_fold (void)
{
  g_autofree char *long_ascii = g_strnfill (200, 'x');
  g_autofree char *exact = g_strnfill (75, 'y');
  g_autofree char *one_more = g_strnfill (76, 'z');
  GString *accents = g_string_new ("DESCRIPTION:");
  g_autofree char *folded = NULL;

  for (guint i = 0; i < 60; i++)
    g_string_append (accents, "ñé");  /* two octets each */

  folded = parla_ics_fold_line ("SUMMARY:short");
  g_assert_cmpstr (folded, ==, "SUMMARY:short\r\n");
  g_clear_pointer (&folded, g_free);

  folded = parla_ics_fold_line (exact);
  g_assert_cmpuint (strlen (folded), ==, 77);
  check_folded (exact, folded);
  g_clear_pointer (&folded, g_free);

  folded = parla_ics_fold_line (one_more);
  g_assert_true (strstr (folded, "\r\n z\r\n") != NULL);
  check_folded (one_more, folded);
  g_clear_pointer (&folded, g_free);

  folded = parla_ics_fold_line (long_ascii);
  check_folded (long_ascii, folded);
  g_clear_pointer (&folded, g_free);

  /* "DESCRIPTION:" is 12 octets; 63 more fit, so the first line would end
   * in the middle of "ñ": it breaks before it instead. */
  folded = parla_ics_fold_line (accents->str);
  check_folded (accents->str, folded);
  g_assert_cmpuint (strstr (folded, "\r\n") - folded, ==, 74);

  g_string_free (accents, TRUE);
}

static void
test_write (void)
{
  /* 2026-04-02T17:00:00Z to 18:00, stamped 2026-03-29T01:00:00Z. */
  g_autoptr(ParlaIcsEvent) lesson = parla_ics_event_new ("b7c8d9e0@parla.app", 1775149200, 1775152800,
                                                          1774746000, "Spanish: preterite, imperfect",
                                                          "With Dana Teacher\nTopic: stories; past tenses");
  g_autoptr(ParlaIcsEvent) session = parla_ics_event_new ("4b1f0c8e@parla.app", 1775235600, 1775239200,
                                                           1774746000, "Café y conversación", NULL);
  ParlaIcsEvent *events[] = { lesson, session };
  g_autofree char *text = parla_ics_write (events, G_N_ELEMENTS (events));
  g_auto(GStrv) lines = g_strsplit (text, "\r\n", -1);

  g_assert_true (g_str_has_prefix (text, "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:"));
  g_assert_true (g_str_has_suffix (text, "END:VEVENT\r\nEND:VCALENDAR\r\n"));
  /* Every line break is a CRLF. */
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '\n')
      g_assert_cmpint (p[-1], ==, '\r');

  g_assert_true (g_strv_contains ((const char * const *) lines, "UID:b7c8d9e0@parla.app"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "DTSTAMP:20260329T010000Z"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "DTSTART:20260402T170000Z"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "DTEND:20260402T180000Z"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "SUMMARY:Spanish: preterite\\, imperfect"));
  g_assert_true (g_strv_contains ((const char * const *) lines,
                                  "DESCRIPTION:With Dana Teacher\\nTopic: stories\\; past tenses"));
  g_assert_true (g_strv_contains ((const char * const *) lines, "SUMMARY:Café y conversación"));
  g_assert_cmpuint (g_strv_length (lines), ==, 5 + 8 + 7 + 1 + 1);

  for (guint i = 0; lines[i] != NULL; i++)
    g_assert_cmpuint (strlen (lines[i]), <=, 75);
}

static void
test_round_trip (void)
{
  g_autoptr(GString) description = g_string_new ("Materials, notes; and a \\ backslash.\n");
  g_autoptr(ParlaIcsEvent) event = NULL;
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  ParlaIcsEvent *back;

  for (guint i = 0; i < 20; i++)
    g_string_append (description, "Vocabulario: mañana, ayer, anteayer. ");

  event = parla_ics_event_new ("lesson-1@parla.app", 1775149200, 1775152800, 1774746000,
                               "Conversación, nivel B1", description->str);
  text = parla_ics_write (&event, 1);
  parsed = parla_ics_parse (text, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->len, ==, 1);

  back = g_ptr_array_index (parsed, 0);
  g_assert_cmpstr (back->uid, ==, event->uid);
  g_assert_cmpint (back->start, ==, event->start);
  g_assert_cmpint (back->end, ==, event->end);
  g_assert_cmpint (back->stamp, ==, event->stamp);
  g_assert_cmpstr (back->summary, ==, event->summary);
  g_assert_cmpstr (back->description, ==, event->description);
}

static void
test_parse_invalid (void)
{
  static const char * const cases[] = {
    "",
    "BEGIN:VEVENT\r\nEND:VEVENT\r\n",
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:y\r\nDTSTART:20260402T170000\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nDTSTART:20260402T170000Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
    "BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nUID:x\r\nSUMMARY:y\r\nDTSTART:20260402T170000Z\r\n",
    "BEGIN:VCALENDAR\r\nno value here\r\nEND:VCALENDAR\r\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GPtrArray) parsed = parla_ics_parse (cases[i], &error);

      g_assert_null (parsed);
      g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
    }

  /* Another program's file: LF only, parameters, folded with a tab,
   * unknown properties skipped. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GPtrArray) parsed =
      parla_ics_parse ("BEGIN:VCALENDAR\nVERSION:2.0\nBEGIN:VEVENT\nUID;X-A=\"a:b\":u1\n"
                       "SUMMARY:Hel\n\tlo\nLOCATION:Here\nDTSTART;VALUE=DATE-TIME:20260402T170000Z\n"
                       "END:VEVENT\nEND:VCALENDAR\n", &error);
    ParlaIcsEvent *event;

    g_assert_no_error (error);
    g_assert_cmpuint (parsed->len, ==, 1);
    event = g_ptr_array_index (parsed, 0);
    g_assert_cmpstr (event->uid, ==, "u1");
    g_assert_cmpstr (event->summary, ==, "Hello");
    g_assert_cmpint (event->start, ==, 1775149200);
    g_assert_cmpint (event->end, ==, 1775149200);
    g_assert_null (event->description);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/ics/escape", test_escape);
  g_test_add_func ("/core/ics/fold", test_fold);
  g_test_add_func ("/core/ics/write", test_write);
  g_test_add_func ("/core/ics/round-trip", test_round_trip);
  g_test_add_func ("/core/ics/parse-invalid", test_parse_invalid);

  return g_test_run ();
}
