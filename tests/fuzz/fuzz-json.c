/* fuzz-json.c: every strict JSON reader the server runs on request bodies
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Built as a libFuzzer target with -Dfuzzing=true (clang), and in every
 * build as a test that replays the corpus in tests/fuzz/corpus, so that
 * each input that once crashed a parser stays fixed.
 */

#include "config.h"

#include "parla-core.h"

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

static void
try_all (JsonNode *node)
{
  g_autoptr(ParlaAvailability) availability = parla_availability_new_from_json (node, NULL);
  g_autoptr(ParlaPolicy) policy = parla_policy_new_from_json (node, NULL);
  g_autoptr(ParlaUser) user = parla_user_new_from_json (node, PARLA_JSON_INPUT, NULL);
  g_autoptr(ParlaTeacher) teacher = parla_teacher_new_from_json (node, PARLA_JSON_INPUT, NULL);
  g_autoptr(ParlaOffering) offering = parla_offering_new_from_json (node, PARLA_JSON_INPUT, NULL);
  g_autoptr(ParlaSession) session = parla_session_new_from_json (node, PARLA_JSON_INPUT, NULL);
  g_autoptr(ParlaSession) resource = parla_session_new_from_json (node, PARLA_JSON_RESOURCE, NULL);
  g_autoptr(ParlaBooking) booking = parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, NULL);
  g_autoptr(GError) error = parla_error_from_json (node, 400);

  /* What parses must serialize and parse back. */
  if (availability != NULL)
    {
      g_autoptr(JsonNode) again = parla_availability_to_json (availability);
      g_autoptr(ParlaAvailability) copy = parla_availability_new_from_json (again, NULL);
      g_autoptr(GArray) slots = NULL;

      g_assert_nonnull (copy);
      /* A week of slots from a fixed instant, whatever the rules. */
      slots = parla_availability_compute_slots (availability, NULL, 0, 1795428000,
                                                1795428000 + 7 * 86400, 60, 1795428000);
      g_assert_nonnull (slots);
    }

  if (session != NULL)
    {
      g_autoptr(JsonNode) again = parla_session_to_json (session);
      g_autoptr(GError) patch_error = NULL;

      g_assert_nonnull (again);
      /* A valid session body is a valid patch, except for "status", which
       * input ignores and a patch reads. */
      if (!parla_session_apply_json (session, node, &patch_error))
        g_assert_cmpstr (parla_error_get_field (patch_error), ==, "status");
    }

  if (booking != NULL)
    {
      g_autoptr(JsonNode) again = parla_booking_to_json (booking);
      g_autoptr(ParlaBooking) copy = parla_booking_new_from_json (again, PARLA_JSON_RESOURCE, NULL);
      g_assert_nonnull (copy);
    }

  g_assert_nonnull (error);
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  g_autoptr(JsonNode) node = NULL;

  node = parla_json_parse ((const char *) data, size, NULL);
  if (node != NULL)
    try_all (node);

  return 0;
}

#ifndef PARLA_FUZZING
/* Replays every file of the corpus directories named on the command line. */
int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("Cannot open %s\n", argv[i]);
          return 1;
        }

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize len;

          if (!g_file_get_contents (path, &contents, &len, NULL))
            return 1;
          LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
          n++;
        }
    }

  g_print ("1..1\nok 1 replayed %u inputs\n", n);
  return n > 0 ? 0 : 1;
}
#endif
