/* test-error.c: the error catalogue and its JSON form
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core.h"

static void
test_catalogue_round_trip (void)
{
  for (guint code = 0; code < PARLA_ERROR_N_CODES; code++)
    {
      ParlaError back;
      const char *name = parla_error_code_to_string (code);

      g_assert_nonnull (name);
      g_assert_true (parla_error_code_from_string (name, &back));
      g_assert_cmpint (back, ==, code);
      g_assert_nonnull (parla_error_code_default_message (code));
    }

  g_assert_false (parla_error_code_from_string ("no_such_code", &(ParlaError) { 0 }));
  g_assert_false (parla_error_code_from_string (NULL, &(ParlaError) { 0 }));
}

static void
test_wire_names (void)
{
  static const struct { ParlaError code; const char *name; guint status; } cases[] = {
    { PARLA_ERROR_INVALID_INPUT, "invalid_input", 400 },
    { PARLA_ERROR_UNAUTHORIZED, "unauthorized", 401 },
    { PARLA_ERROR_FORBIDDEN, "forbidden", 403 },
    { PARLA_ERROR_NOT_FOUND, "not_found", 404 },
    { PARLA_ERROR_SLOT_TAKEN, "slot_taken", 409 },
    { PARLA_ERROR_IDEMPOTENCY_CONFLICT, "idempotency_conflict", 409 },
    { PARLA_ERROR_PAYLOAD_TOO_LARGE, "payload_too_large", 413 },
    { PARLA_ERROR_UNSUPPORTED_MEDIA_TYPE, "unsupported_media_type", 415 },
    { PARLA_ERROR_RATE_LIMITED, "rate_limited", 429 },
    { PARLA_ERROR_INTERNAL, "internal", 500 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_assert_cmpstr (parla_error_code_to_string (cases[i].code), ==, cases[i].name);
      g_assert_cmpuint (parla_error_code_http_status (cases[i].code), ==, cases[i].status);
    }
}

static void
test_field (void)
{
  g_autoptr(GError) error = NULL;

  parla_set_error (&error, PARLA_ERROR_INVALID_INPUT, "start", "bad %s", "start");
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (error->message, ==, "bad start");
  g_assert_cmpstr (parla_error_get_field (error), ==, "start");

  parla_error_prefix_field (error, "weekly[2]");
  g_assert_cmpstr (parla_error_get_field (error), ==, "weekly[2].start");

  /* A copy keeps its field. */
  {
    g_autoptr(GError) copy = g_error_copy (error);
    g_assert_cmpstr (parla_error_get_field (copy), ==, "weekly[2].start");
  }
}

static void
test_to_json (void)
{
  g_autoptr(GError) error = parla_error_new (PARLA_ERROR_SLOT_TAKEN, "start", NULL);
  g_autoptr(GError) foreign = g_error_new (G_IO_ERROR, G_IO_ERROR_FAILED, "/secret/path: disk full");
  g_autoptr(JsonNode) node = parla_error_to_json (error);
  g_autoptr(JsonNode) foreign_node = parla_error_to_json (foreign);
  g_autofree char *text = json_to_string (node, FALSE);
  g_autofree char *foreign_text = json_to_string (foreign_node, FALSE);

  g_assert_nonnull (g_strstr_len (text, -1, "\"code\":\"slot_taken\""));
  g_assert_nonnull (g_strstr_len (text, -1, "\"field\":\"start\""));
  g_assert_nonnull (g_strstr_len (foreign_text, -1, "\"code\":\"internal\""));
  g_assert_null (g_strstr_len (foreign_text, -1, "secret"));
}

static void
test_from_json (void)
{
  g_autoptr(JsonNode) node = json_from_string ("{\"error\":{\"code\":\"slot_taken\",\"message\":\"Taken\",\"field\":\"start\"}}", NULL);
  g_autoptr(JsonNode) unknown = json_from_string ("{\"error\":{\"code\":\"new_code_from_the_future\",\"message\":\"Hm\"}}", NULL);
  g_autoptr(JsonNode) garbage = json_from_string ("[1,2,3]", NULL);
  g_autoptr(GError) error = parla_error_from_json (node, 409);
  g_autoptr(GError) unknown_error = parla_error_from_json (unknown, 404);
  g_autoptr(GError) garbage_error = parla_error_from_json (garbage, 429);
  g_autoptr(GError) null_error = parla_error_from_json (NULL, 502);

  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_SLOT_TAKEN);
  g_assert_cmpstr (error->message, ==, "Taken");
  g_assert_cmpstr (parla_error_get_field (error), ==, "start");
  g_assert_error (unknown_error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND);
  g_assert_cmpstr (unknown_error->message, ==, "Hm");
  g_assert_error (garbage_error, PARLA_ERROR, PARLA_ERROR_RATE_LIMITED);
  g_assert_error (null_error, PARLA_ERROR, PARLA_ERROR_INTERNAL);

  /* The status stays with the error, and with its copies. */
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 409);
  g_assert_cmpuint (parla_error_get_http_status (null_error), ==, 502);
  {
    g_autoptr(GError) copy = g_error_copy (error);
    g_autoptr(GError) local = parla_error_new (PARLA_ERROR_SLOT_TAKEN, NULL, NULL);

    g_assert_cmpuint (parla_error_get_http_status (copy), ==, 409);
    g_assert_cmpuint (parla_error_get_http_status (local), ==, 0);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/error/catalogue-round-trip", test_catalogue_round_trip);
  g_test_add_func ("/core/error/wire-names", test_wire_names);
  g_test_add_func ("/core/error/field", test_field);
  g_test_add_func ("/core/error/to-json", test_to_json);
  g_test_add_func ("/core/error/from-json", test_from_json);

  return g_test_run ();
}
