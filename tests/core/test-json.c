/* test-json.c: strict reading through field tables
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core.h"

static const char * const colours[] = { "red", "green", NULL };

static const ParlaField fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED | PARLA_FIELD_SERVER },
  { "name", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 10 },
  { "count", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 100 },
  { "flag", PARLA_FIELD_BOOL, PARLA_FIELD_OPTIONAL },
  { "colour", PARLA_FIELD_ENUM, PARLA_FIELD_OPTIONAL, 0, 0, colours },
  { "at", PARLA_FIELD_INSTANT, PARLA_FIELD_NULLABLE },
  { "tags", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, 3 },
  { "nested", PARLA_FIELD_OBJECT, PARLA_FIELD_OPTIONAL },
};

static void
check (const char    *json,
       ParlaJsonMode  mode,
       const char    *expected_field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = parla_json_parse (json, -1, &error);
  gboolean ok;

  g_test_message ("%s", json);
  g_assert_no_error (error);
  ok = parla_json_check (node, fields, G_N_ELEMENTS (fields), mode, &error);

  if (expected_field == NULL)
    {
      g_assert_no_error (error);
      g_assert_true (ok);
    }
  else
    {
      g_assert_false (ok);
      g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
      g_assert_cmpstr (parla_error_get_field (error), ==, expected_field);
      g_assert_nonnull (g_strstr_len (error->message, -1, expected_field));
    }
}

static void
test_valid (void)
{
  check ("{\"name\":\"a\",\"count\":1}", PARLA_JSON_INPUT, NULL);
  check ("{\"name\":\"a\",\"count\":100,\"flag\":true,\"colour\":\"green\",\"at\":null,"
         "\"tags\":[\"x\",\"y\"],\"nested\":{},\"unknown\":[1,2]}", PARLA_JSON_INPUT, NULL);
  check ("{\"id\":\"x1\",\"name\":\"a\",\"count\":1}", PARLA_JSON_RESOURCE, NULL);
  /* Server fields are ignored in input, whatever they hold. */
  check ("{\"id\":5,\"name\":\"a\",\"count\":1}", PARLA_JSON_INPUT, NULL);
  check ("{\"name\":\"ääääääääää\",\"count\":1}", PARLA_JSON_INPUT, NULL);
}

static void
test_invalid (void)
{
  check ("{\"count\":1}", PARLA_JSON_INPUT, "name");
  check ("{\"name\":null,\"count\":1}", PARLA_JSON_INPUT, "name");
  check ("{\"name\":\"\",\"count\":1}", PARLA_JSON_INPUT, "name");
  check ("{\"name\":\"12345678901\",\"count\":1}", PARLA_JSON_INPUT, "name");
  check ("{\"name\":5,\"count\":1}", PARLA_JSON_INPUT, "name");
  check ("{\"name\":\"a\",\"count\":\"1\"}", PARLA_JSON_INPUT, "count");
  check ("{\"name\":\"a\",\"count\":1.0}", PARLA_JSON_INPUT, "count");
  check ("{\"name\":\"a\",\"count\":0}", PARLA_JSON_INPUT, "count");
  check ("{\"name\":\"a\",\"count\":101}", PARLA_JSON_INPUT, "count");
  check ("{\"name\":\"a\",\"count\":true}", PARLA_JSON_INPUT, "count");
  check ("{\"name\":\"a\",\"count\":1,\"flag\":1}", PARLA_JSON_INPUT, "flag");
  check ("{\"name\":\"a\",\"count\":1,\"colour\":\"blue\"}", PARLA_JSON_INPUT, "colour");
  check ("{\"name\":\"a\",\"count\":1,\"colour\":\"RED\"}", PARLA_JSON_INPUT, "colour");
  check ("{\"name\":\"a\",\"count\":1,\"at\":\"2026-03-29\"}", PARLA_JSON_INPUT, "at");
  check ("{\"name\":\"a\",\"count\":1,\"tags\":\"x\"}", PARLA_JSON_INPUT, "tags");
  check ("{\"name\":\"a\",\"count\":1,\"tags\":[\"a\",\"b\",\"c\",\"d\"]}", PARLA_JSON_INPUT, "tags");
  check ("{\"name\":\"a\",\"count\":1,\"tags\":[\"a\",2]}", PARLA_JSON_INPUT, "tags[1]");
  check ("{\"name\":\"a\",\"count\":1,\"nested\":[]}", PARLA_JSON_INPUT, "nested");
  check ("{\"name\":\"a\",\"count\":1}", PARLA_JSON_RESOURCE, "id");
  check ("{\"id\":\"\",\"name\":\"a\",\"count\":1}", PARLA_JSON_RESOURCE, "id");
}

static void
test_parse_errors (void)
{
  static const char *cases[] = { "", "{", "{\"a\":}", "nul", "{\"a\":1}}", "\"unterminated" };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = parla_json_parse (cases[i], -1, &error);

      g_test_message ("%s", cases[i]);
      g_assert_null (node);
      g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
    }

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(JsonNode) node = parla_json_parse ("[1]", -1, &error);

    g_assert_nonnull (node);
    g_assert_false (parla_json_check (node, fields, G_N_ELEMENTS (fields), PARLA_JSON_INPUT, &error));
    g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  }
}

static void
test_accessors (void)
{
  g_autoptr(JsonNode) node = parla_json_parse ("{\"s\":\"x\",\"i\":7,\"b\":true,\"e\":\"green\","
                                               "\"t\":\"2026-03-29T01:00:00Z\",\"a\":[\"p\",\"q\"],\"n\":null}", -1, NULL);
  JsonObject *object = json_node_get_object (node);
  g_auto(GStrv) strv = parla_json_dup_strv (object, "a");
  g_auto(GStrv) empty = parla_json_dup_strv (object, "missing");

  g_assert_cmpstr (parla_json_get_string (object, "s", NULL), ==, "x");
  g_assert_cmpstr (parla_json_get_string (object, "i", "fallback"), ==, "fallback");
  g_assert_cmpint (parla_json_get_int (object, "i", 0), ==, 7);
  g_assert_cmpint (parla_json_get_int (object, "n", -1), ==, -1);
  g_assert_true (parla_json_get_bool (object, "b", FALSE));
  g_assert_cmpint (parla_json_get_enum (object, "e", colours, -1), ==, 1);
  g_assert_cmpint (parla_json_get_instant (object, "t", 0), ==, 1774746000);
  g_assert_cmpuint (g_strv_length (strv), ==, 2);
  g_assert_cmpuint (g_strv_length (empty), ==, 0);
  g_assert_false (parla_json_has (object, "n"));
  g_assert_true (parla_json_has (object, "s"));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/json/valid", test_valid);
  g_test_add_func ("/core/json/invalid", test_invalid);
  g_test_add_func ("/core/json/parse-errors", test_parse_errors);
  g_test_add_func ("/core/json/accessors", test_accessors);

  return g_test_run ();
}
