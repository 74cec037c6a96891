/* test-resources.c: users and teachers on the wire
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-core.h"

/* Fixtures */

static const char user_resource[] =
  "{\"id\":\"u-1\",\"email\":\"ana@example.com\",\"display_name\":\"Ana López\",\"role\":\"teacher\"}";

static const char teacher_input[] =
  "{\"bio\":\"Profesora de español\",\"languages\":[\"es\",\"en\",\"es\"],"
  "\"subjects\":[\"Grammar\",\"Conversation\",\"Grammar\"],\"levels\":[\"B1\",\"A2\",\"B1\"],"
  "\"specializations\":[\"business\",\"conversational\",\"business\"],\"accent\":\"Mexican\","
  "\"time_zone\":\"America/Mexico_City\"}";

static const char teacher_minimal_input[] =
  "{\"languages\":[\"es\"],\"time_zone\":\"Europe/Madrid\"}";

/* What parla_teacher_to_json() writes, member for member. */
static const char teacher_resource[] =
  "{\"id\":\"t-1\",\"display_name\":\"Ana\",\"bio\":\"Hola\",\"languages\":[\"es\",\"fil\"],"
  "\"subjects\":[\"Grammar\"],\"levels\":[\"A1\",\"C2\"],\"specializations\":[\"academic\"],"
  "\"accent\":\"Rioplatense\",\"time_zone\":\"America/Argentina/Buenos_Aires\","
  "\"photo_url\":\"https://example.com/ana.jpg\",\"rating\":4.5,\"rating_count\":12,"
  "\"price_from_minor\":1500,\"currency\":\"ARS\",\"has_free_offering\":true,"
  "\"offerings\":[{\"id\":\"off-1\",\"title\":\"Trial\"}]}";

static const char teacher_resource_nulls[] =
  "{\"id\":\"t-2\",\"display_name\":\"Ben\",\"bio\":\"\",\"languages\":[\"en\"],"
  "\"subjects\":[],\"levels\":[],\"specializations\":[],\"accent\":\"\",\"time_zone\":\"UTC\","
  "\"photo_url\":null,\"rating\":null,\"rating_count\":0,\"price_from_minor\":null,"
  "\"currency\":\"EUR\",\"has_free_offering\":false}";

/* Helpers */

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = parla_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

/* @value is JSON text, or %NULL to remove @member. */
static JsonNode *
parse_with (const char *text,
            const char *member,
            const char *value)
{
  JsonNode *node = parse (text);
  JsonObject *object = json_node_get_object (node);

  if (value == NULL)
    json_object_remove_member (object, member);
  else
    json_object_set_member (object, member, parse (value));

  return node;
}

static void
assert_field_error (const GError *error,
                    const char   *field)
{
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, field);
}

static void
assert_strv (const char * const *actual,
             const char * const *expected)
{
  g_assert_nonnull (actual);
  g_assert_cmpstrv (actual, expected);
}

static char *
node_text (JsonNode *node)
{
  return parla_json_to_string (node);
}

static void
count_notify_cb (GObject    *object,
                 GParamSpec *pspec,
                 GHashTable *counts)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (counts, pspec->name));

  g_hash_table_insert (counts, (gpointer) pspec->name, GUINT_TO_POINTER (n + 1));
}

static GHashTable *
watch_notify (gpointer object)
{
  GHashTable *counts = g_hash_table_new (g_str_hash, g_str_equal);

  g_signal_connect (object, "notify", G_CALLBACK (count_notify_cb), counts);
  return counts;
}

static guint
notify_count (GHashTable *counts,
              const char *name)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (counts, name));
}

/* User */

static void
test_user_round_trip (void)
{
  g_autoptr(JsonNode) node = parse (user_resource);
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  user = parla_user_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);

  g_assert_cmpstr (parla_user_get_id (user), ==, "u-1");
  g_assert_cmpstr (parla_user_get_email (user), ==, "ana@example.com");
  g_assert_cmpstr (parla_user_get_display_name (user), ==, "Ana López");
  g_assert_cmpint (parla_user_get_role (user), ==, PARLA_ROLE_TEACHER);
  g_assert_cmpint (parla_user_get_created_at (user), ==, 0);

  out = parla_user_to_json (user);
  text = node_text (out);
  g_assert_cmpstr (text, ==, user_resource);
}

static void
test_user_to_json_members (void)
{
  g_autoptr(ParlaUser) user = g_object_new (PARLA_TYPE_USER,
                                            "id", "u-7",
                                            "email", "lea@example.org",
                                            "display-name", "Lea",
                                            "role", PARLA_ROLE_ADMIN,
                                            "created-at", G_GINT64_CONSTANT (1772359200),
                                            NULL);
  g_autoptr(JsonNode) node = parla_user_to_json (user);
  g_autofree char *text = node_text (node);
  JsonObject *object = json_node_get_object (node);

  /* created_at stays local. */
  g_assert_cmpuint (json_object_get_size (object), ==, 4);
  g_assert_cmpstr (text, ==,
                   "{\"id\":\"u-7\",\"email\":\"lea@example.org\",\"display_name\":\"Lea\",\"role\":\"admin\"}");
  g_assert_cmpint (parla_user_get_created_at (user), ==, 1772359200);
}

static void
test_user_input (void)
{
  g_autoptr(JsonNode) node = parse ("{\"id\":\"forged\",\"email\":\"sam@example.com\","
                                    "\"display_name\":\"  Sam  \",\"role\":\"student\"}");
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  user = parla_user_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);

  g_assert_null (parla_user_get_id (user));
  g_assert_cmpstr (parla_user_get_display_name (user), ==, "Sam");
  g_assert_cmpint (parla_user_get_role (user), ==, PARLA_ROLE_STUDENT);

  out = parla_user_to_json (user);
  text = node_text (out);
  g_assert_cmpstr (text, ==,
                   "{\"id\":null,\"email\":\"sam@example.com\",\"display_name\":\"Sam\",\"role\":\"student\"}");

  /* Input without an id is fine; a resource without one is not. */
  g_clear_pointer (&node, json_node_unref);
  g_clear_object (&user);
  node = parse_with (user_resource, "id", NULL);
  user = parla_user_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
}

typedef struct
{
  const char    *path;
  ParlaJsonMode  mode;
  const char    *member;
  const char    *value;  /* JSON text; NULL removes the member */
  const char    *field;
} InvalidCase;

static const InvalidCase user_invalid[] = {
  { "/core/user/invalid/display-name-blank", PARLA_JSON_INPUT, "display_name", "\"   \"", "display_name" },
  { "/core/user/invalid/display-name-empty", PARLA_JSON_INPUT, "display_name", "\"\"", "display_name" },
  { "/core/user/invalid/display-name-missing", PARLA_JSON_INPUT, "display_name", NULL, "display_name" },
  { "/core/user/invalid/display-name-number", PARLA_JSON_INPUT, "display_name", "7", "display_name" },
  { "/core/user/invalid/email-nobody", PARLA_JSON_INPUT, "email", "\"nobody\"", "email" },
  { "/core/user/invalid/email-no-local", PARLA_JSON_INPUT, "email", "\"@example.com\"", "email" },
  { "/core/user/invalid/email-no-domain", PARLA_JSON_INPUT, "email", "\"ana@\"", "email" },
  { "/core/user/invalid/email-two-at", PARLA_JSON_INPUT, "email", "\"a@b@example.com\"", "email" },
  { "/core/user/invalid/email-space", PARLA_JSON_INPUT, "email", "\"ana lopez@example.com\"", "email" },
  { "/core/user/invalid/email-missing", PARLA_JSON_INPUT, "email", NULL, "email" },
  { "/core/user/invalid/email-null", PARLA_JSON_INPUT, "email", "null", "email" },
  { "/core/user/invalid/role-unknown", PARLA_JSON_INPUT, "role", "\"root\"", "role" },
  { "/core/user/invalid/role-missing", PARLA_JSON_INPUT, "role", NULL, "role" },
  { "/core/user/invalid/id-missing", PARLA_JSON_RESOURCE, "id", NULL, "id" },
  { "/core/user/invalid/id-empty", PARLA_JSON_RESOURCE, "id", "\"\"", "id" },
};

static void
test_user_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(JsonNode) node = parse_with (user_resource, c->member, c->value);
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = parla_user_new_from_json (node, c->mode, &error);
  g_assert_null (user);
  assert_field_error (error, c->field);
}

static void
test_user_not_object (void)
{
  g_autoptr(JsonNode) node = parse ("[\"ana@example.com\"]");
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = parla_user_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_null (user);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
}

static void
test_user_check_email (void)
{
  static const struct { const char *email; gboolean ok; } cases[] = {
    { "ana@example.com", TRUE },
    { "a@b", TRUE },
    { "josé@correo.es", TRUE },
    { "first.last+tag@sub.example.co.uk", TRUE },
    { NULL, FALSE },
    { "", FALSE },
    { "@", FALSE },
    { "a@", FALSE },
    { "@b", FALSE },
    { "ab", FALSE },
    { "nobody", FALSE },
    { "a@b@c", FALSE },
    { "a @b.c", FALSE },
    { "a@b.c\n", FALSE },
    { "a\t@b.c", FALSE },
  };
  g_autofree char *domain = NULL;
  g_autofree char *too_long = NULL;
  g_autofree char *longest = NULL;
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) local_error = NULL;
      gboolean ok = parla_check_email (cases[i].email, &local_error);

      g_test_message ("email “%s”", cases[i].email ? cases[i].email : "(null)");
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (local_error);
      else
        assert_field_error (local_error, "email");
    }

  /* 254 characters in all is the limit. */
  domain = g_strnfill (252, 'x');
  longest = g_strconcat ("a@", domain, NULL);
  too_long = g_strconcat ("ab@", domain, NULL);
  g_assert_cmpuint (strlen (longest), ==, 254);
  g_assert_true (parla_check_email (longest, NULL));
  g_assert_false (parla_check_email (too_long, &error));
  assert_field_error (error, "email");
}

static void
test_user_notify (void)
{
  g_autoptr(ParlaUser) user = parla_user_new ();
  g_autoptr(GHashTable) counts = watch_notify (user);

  /* The defaults do not notify. */
  parla_user_set_id (user, NULL);
  parla_user_set_email (user, "");
  parla_user_set_display_name (user, "");
  parla_user_set_role (user, PARLA_ROLE_STUDENT);
  parla_user_set_created_at (user, 0);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  parla_user_set_id (user, "u-1");
  parla_user_set_id (user, "u-1");
  g_assert_cmpuint (notify_count (counts, "id"), ==, 1);

  parla_user_set_email (user, "ana@example.com");
  g_object_set (user, "email", "ana@example.com", NULL);
  g_assert_cmpuint (notify_count (counts, "email"), ==, 1);

  parla_user_set_display_name (user, "Ana");
  parla_user_set_display_name (user, "Ana");
  g_assert_cmpuint (notify_count (counts, "display-name"), ==, 1);
  parla_user_set_display_name (user, NULL);
  g_assert_cmpuint (notify_count (counts, "display-name"), ==, 2);
  g_assert_cmpstr (parla_user_get_display_name (user), ==, "");

  parla_user_set_role (user, PARLA_ROLE_TEACHER);
  g_object_set (user, "role", PARLA_ROLE_TEACHER, NULL);
  g_assert_cmpuint (notify_count (counts, "role"), ==, 1);

  parla_user_set_created_at (user, 1772359200);
  parla_user_set_created_at (user, 1772359200);
  g_assert_cmpuint (notify_count (counts, "created-at"), ==, 1);

  g_assert_cmpuint (g_hash_table_size (counts), ==, 5);
}

/* Teacher */

static ParlaTeacher *
teacher_from_text (const char    *text,
                   ParlaJsonMode  mode)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  ParlaTeacher *teacher;

  teacher = parla_teacher_new_from_json (node, mode, &error);
  g_assert_no_error (error);
  g_assert_nonnull (teacher);

  return teacher;
}

static char *
teacher_text (ParlaTeacher *teacher)
{
  g_autoptr(JsonNode) node = parla_teacher_to_json (teacher);

  return node_text (node);
}

static void
test_teacher_input (void)
{
  static const char * const languages[] = { "es", "en", NULL };
  static const char * const subjects[] = { "Grammar", "Conversation", NULL };
  static const char * const levels[] = { "B1", "A2", NULL };
  static const char * const specializations[] = { "business", "conversational", NULL };
  g_autoptr(ParlaTeacher) teacher = teacher_from_text (teacher_input, PARLA_JSON_INPUT);

  g_assert_null (parla_teacher_get_id (teacher));
  g_assert_cmpstr (parla_teacher_get_bio (teacher), ==, "Profesora de español");
  assert_strv (parla_teacher_get_languages (teacher), languages);
  assert_strv (parla_teacher_get_subjects (teacher), subjects);
  assert_strv (parla_teacher_get_levels (teacher), levels);
  assert_strv (parla_teacher_get_specializations (teacher), specializations);
  g_assert_cmpstr (parla_teacher_get_accent (teacher), ==, "Mexican");
  g_assert_cmpstr (parla_teacher_get_time_zone (teacher), ==, "America/Mexico_City");
}

static void
test_teacher_input_ignores_server_fields (void)
{
  g_autoptr(JsonNode) node = parse (teacher_minimal_input);
  g_autoptr(ParlaTeacher) teacher = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = json_node_get_object (node);

  /* Forged or malformed server members make no difference in input. */
  json_object_set_string_member (object, "id", "forged");
  json_object_set_string_member (object, "display_name", "");
  json_object_set_string_member (object, "rating", "five");
  json_object_set_int_member (object, "rating_count", -3);
  json_object_set_int_member (object, "price_from_minor", -100);
  json_object_set_string_member (object, "currency", "euro");
  json_object_set_string_member (object, "has_free_offering", "yes");
  json_object_set_string_member (object, "offerings", "none");
  json_object_set_int_member (object, "photo_url", 5);

  teacher = parla_teacher_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_no_error (error);
  g_assert_nonnull (teacher);

  g_assert_null (parla_teacher_get_id (teacher));
  g_assert_cmpstr (parla_teacher_get_display_name (teacher), ==, "");
  g_assert_null (parla_teacher_get_photo_url (teacher));
  g_assert_cmpfloat (parla_teacher_get_rating (teacher), ==, 0.0);
  g_assert_cmpint (parla_teacher_get_rating_count (teacher), ==, 0);
  g_assert_cmpint (parla_teacher_get_price_from_minor (teacher), ==, -1);
  g_assert_cmpstr (parla_teacher_get_currency (teacher), ==, "EUR");
  g_assert_false (parla_teacher_get_has_free_offering (teacher));
  g_assert_null (parla_teacher_get_offerings_json (teacher));
}

static void
test_teacher_input_defaults (void)
{
  g_autoptr(ParlaTeacher) teacher = teacher_from_text (teacher_minimal_input, PARLA_JSON_INPUT);
  g_autofree char *text = NULL;

  g_assert_cmpstr (parla_teacher_get_bio (teacher), ==, "");
  g_assert_cmpstr (parla_teacher_get_accent (teacher), ==, "");
  g_assert_cmpuint (g_strv_length ((char **) parla_teacher_get_subjects (teacher)), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) parla_teacher_get_levels (teacher)), ==, 0);
  g_assert_cmpuint (g_strv_length ((char **) parla_teacher_get_specializations (teacher)), ==, 0);

  text = teacher_text (teacher);
  g_assert_cmpstr (text, ==,
                   "{\"id\":null,\"display_name\":\"\",\"bio\":\"\",\"languages\":[\"es\"],"
                   "\"subjects\":[],\"levels\":[],\"specializations\":[],\"accent\":\"\","
                   "\"time_zone\":\"Europe/Madrid\",\"photo_url\":null,\"rating\":null,"
                   "\"rating_count\":0,\"price_from_minor\":null,\"currency\":\"EUR\","
                   "\"has_free_offering\":false}");
}

static void
test_teacher_round_trip (void)
{
  static const char * const languages[] = { "es", "fil", NULL };
  g_autoptr(ParlaTeacher) teacher = teacher_from_text (teacher_resource, PARLA_JSON_RESOURCE);
  g_autoptr(ParlaTeacher) copy = NULL;
  g_autofree char *text = NULL;
  g_autofree char *again = NULL;
  JsonNode *offerings;

  g_assert_cmpstr (parla_teacher_get_id (teacher), ==, "t-1");
  g_assert_cmpstr (parla_teacher_get_display_name (teacher), ==, "Ana");
  assert_strv (parla_teacher_get_languages (teacher), languages);
  g_assert_cmpstr (parla_teacher_get_time_zone (teacher), ==, "America/Argentina/Buenos_Aires");
  g_assert_cmpstr (parla_teacher_get_photo_url (teacher), ==, "https://example.com/ana.jpg");
  g_assert_cmpfloat (parla_teacher_get_rating (teacher), ==, 4.5);
  g_assert_cmpint (parla_teacher_get_rating_count (teacher), ==, 12);
  g_assert_cmpint (parla_teacher_get_price_from_minor (teacher), ==, 1500);
  g_assert_cmpstr (parla_teacher_get_currency (teacher), ==, "ARS");
  g_assert_true (parla_teacher_get_has_free_offering (teacher));

  offerings = parla_teacher_get_offerings_json (teacher);
  g_assert_nonnull (offerings);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (offerings));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (offerings)), ==, 1);

  text = teacher_text (teacher);
  g_assert_cmpstr (text, ==, teacher_resource);

  copy = teacher_from_text (text, PARLA_JSON_RESOURCE);
  again = teacher_text (copy);
  g_assert_cmpstr (again, ==, text);
}

static void
test_teacher_round_trip_nulls (void)
{
  g_autoptr(ParlaTeacher) teacher = teacher_from_text (teacher_resource_nulls, PARLA_JSON_RESOURCE);
  g_autofree char *text = NULL;

  g_assert_null (parla_teacher_get_photo_url (teacher));
  g_assert_cmpfloat (parla_teacher_get_rating (teacher), ==, 0.0);
  g_assert_cmpint (parla_teacher_get_price_from_minor (teacher), ==, -1);
  g_assert_null (parla_teacher_get_offerings_json (teacher));

  /* Without offerings, the member is left out. */
  text = teacher_text (teacher);
  g_assert_cmpstr (text, ==, teacher_resource_nulls);
}

static void
test_teacher_rating (void)
{
  g_autoptr(ParlaTeacher) teacher = teacher_from_text (teacher_resource_nulls, PARLA_JSON_RESOURCE);
  g_autoptr(ParlaTeacher) parsed = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) integer = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;

  /* A rating without ratings is meaningless: null. */
  parla_teacher_set_rating (teacher, 3.0);
  node = parla_teacher_to_json (teacher);
  g_assert_true (JSON_NODE_HOLDS_NULL (json_object_get_member (json_node_get_object (node), "rating")));
  g_clear_pointer (&node, json_node_unref);

  /* 14 / 3 */
  parla_teacher_set_rating (teacher, 4.666666666);
  parla_teacher_set_rating_count (teacher, 3);
  node = parla_teacher_to_json (teacher);
  object = json_node_get_object (node);
  g_assert_cmpfloat (json_object_get_double_member (object, "rating"), ==, 4.67);
  g_assert_cmpint (json_object_get_int_member (object, "rating_count"), ==, 3);

  parsed = parla_teacher_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (parla_teacher_get_rating (parsed), ==, 4.67);
  g_clear_object (&parsed);

  /* The server may send a whole rating as a JSON integer. */
  integer = parse_with (teacher_resource, "rating", "4");
  parsed = parla_teacher_new_from_json (integer, PARLA_JSON_RESOURCE, &error);
  g_assert_no_error (error);
  g_assert_cmpfloat (parla_teacher_get_rating (parsed), ==, 4.0);

  parla_teacher_set_rating (teacher, 5.0);
  parla_teacher_set_rating (teacher, 0.004);
  g_clear_pointer (&node, json_node_unref);
  node = parla_teacher_to_json (teacher);
  g_assert_cmpfloat (json_object_get_double_member (json_node_get_object (node), "rating"), ==, 0.0);
}

static void
test_teacher_offerings (void)
{
  g_autoptr(ParlaTeacher) teacher = teacher_from_text (teacher_minimal_input, PARLA_JSON_INPUT);
  g_autoptr(GHashTable) counts = watch_notify (teacher);
  g_autoptr(JsonNode) array = parse ("[{\"id\":\"off-1\"},{\"id\":\"off-2\"}]");
  g_autoptr(JsonNode) same = parse ("[{\"id\":\"off-1\"},{\"id\":\"off-2\"}]");
  g_autoptr(JsonNode) empty = parse ("[]");
  g_autoptr(JsonNode) node = NULL;
  JsonObject *object;

  parla_teacher_set_offerings_json (teacher, NULL);
  g_assert_cmpuint (notify_count (counts, "offerings"), ==, 0);

  parla_teacher_set_offerings_json (teacher, array);
  parla_teacher_set_offerings_json (teacher, same);
  g_assert_cmpuint (notify_count (counts, "offerings"), ==, 1);
  g_assert_true (parla_teacher_get_offerings_json (teacher) == array);

  node = parla_teacher_to_json (teacher);
  object = json_node_get_object (node);
  g_assert_true (json_object_has_member (object, "offerings"));
  g_assert_cmpuint (json_array_get_length (json_object_get_array_member (object, "offerings")), ==, 2);
  g_clear_pointer (&node, json_node_unref);

  /* An empty list is known, and sent. */
  parla_teacher_set_offerings_json (teacher, empty);
  g_assert_cmpuint (notify_count (counts, "offerings"), ==, 2);
  node = parla_teacher_to_json (teacher);
  g_assert_true (json_object_has_member (json_node_get_object (node), "offerings"));
  g_clear_pointer (&node, json_node_unref);

  parla_teacher_set_offerings_json (teacher, NULL);
  g_assert_cmpuint (notify_count (counts, "offerings"), ==, 3);
  node = parla_teacher_to_json (teacher);
  g_assert_false (json_object_has_member (json_node_get_object (node), "offerings"));
}

static const InvalidCase teacher_invalid[] = {
  { "/core/teacher/invalid/languages-missing", PARLA_JSON_INPUT, "languages", NULL, "languages" },
  { "/core/teacher/invalid/languages-empty", PARLA_JSON_INPUT, "languages", "[]", "languages" },
  { "/core/teacher/invalid/languages-not-array", PARLA_JSON_INPUT, "languages", "\"es\"", "languages" },
  { "/core/teacher/invalid/languages-upper", PARLA_JSON_INPUT, "languages", "[\"ES\"]", "languages[0]" },
  { "/core/teacher/invalid/languages-second", PARLA_JSON_INPUT, "languages", "[\"es\",\"es-MX\"]", "languages[1]" },
  { "/core/teacher/invalid/languages-short", PARLA_JSON_INPUT, "languages", "[\"e\"]", "languages[0]" },
  { "/core/teacher/invalid/languages-long", PARLA_JSON_INPUT, "languages", "[\"span\"]", "languages[0]" },
  { "/core/teacher/invalid/languages-number", PARLA_JSON_INPUT, "languages", "[\"es\",1]", "languages[1]" },
  { "/core/teacher/invalid/languages-too-many", PARLA_JSON_INPUT, "languages",
    "[\"aa\",\"ab\",\"ac\",\"ad\",\"ae\",\"af\",\"ag\",\"ah\",\"ai\",\"aj\",\"ak\","
    "\"al\",\"am\",\"an\",\"ao\",\"ap\",\"aq\",\"ar\",\"as\",\"at\",\"au\"]", "languages" },
  { "/core/teacher/invalid/levels-unknown", PARLA_JSON_INPUT, "levels", "[\"Z9\"]", "levels[0]" },
  { "/core/teacher/invalid/levels-all", PARLA_JSON_INPUT, "levels", "[\"A1\",\"all\"]", "levels[1]" },
  { "/core/teacher/invalid/levels-lower", PARLA_JSON_INPUT, "levels", "[\"b1\"]", "levels[0]" },
  { "/core/teacher/invalid/specializations-unknown", PARLA_JSON_INPUT, "specializations", "[\"cooking\"]", "specializations[0]" },
  { "/core/teacher/invalid/subjects-empty-item", PARLA_JSON_INPUT, "subjects", "[\"Grammar\",\"\"]", "subjects[1]" },
  { "/core/teacher/invalid/subjects-long-item", PARLA_JSON_INPUT, "subjects",
    "[\"1234567890123456789012345678901234567890123456789012345678901\"]", "subjects[0]" },
  { "/core/teacher/invalid/time-zone-unknown", PARLA_JSON_INPUT, "time_zone", "\"Nowhere/City\"", "time_zone" },
  { "/core/teacher/invalid/time-zone-offset", PARLA_JSON_INPUT, "time_zone", "\"+02:00\"", "time_zone" },
  { "/core/teacher/invalid/time-zone-missing", PARLA_JSON_INPUT, "time_zone", NULL, "time_zone" },
  { "/core/teacher/invalid/time-zone-empty", PARLA_JSON_INPUT, "time_zone", "\"\"", "time_zone" },
  { "/core/teacher/invalid/bio-number", PARLA_JSON_INPUT, "bio", "5", "bio" },
  { "/core/teacher/invalid/bio-null", PARLA_JSON_INPUT, "bio", "null", "bio" },
  { "/core/teacher/invalid/accent-array", PARLA_JSON_INPUT, "accent", "[\"es\"]", "accent" },
  { "/core/teacher/invalid/accent-long", PARLA_JSON_INPUT, "accent",
    "\"1234567890123456789012345678901234567890123456789012345678901\"", "accent" },
  { "/core/teacher/invalid/id-missing", PARLA_JSON_RESOURCE, "id", NULL, "id" },
  { "/core/teacher/invalid/display-name-missing", PARLA_JSON_RESOURCE, "display_name", NULL, "display_name" },
  { "/core/teacher/invalid/rating-missing", PARLA_JSON_RESOURCE, "rating", NULL, "rating" },
  { "/core/teacher/invalid/rating-string", PARLA_JSON_RESOURCE, "rating", "\"4.5\"", "rating" },
  { "/core/teacher/invalid/rating-too-high", PARLA_JSON_RESOURCE, "rating", "5.5", "rating" },
  { "/core/teacher/invalid/rating-negative", PARLA_JSON_RESOURCE, "rating", "-1", "rating" },
  { "/core/teacher/invalid/rating-count-missing", PARLA_JSON_RESOURCE, "rating_count", NULL, "rating_count" },
  { "/core/teacher/invalid/rating-count-negative", PARLA_JSON_RESOURCE, "rating_count", "-1", "rating_count" },
  { "/core/teacher/invalid/price-from-negative", PARLA_JSON_RESOURCE, "price_from_minor", "-1", "price_from_minor" },
  { "/core/teacher/invalid/price-from-fraction", PARLA_JSON_RESOURCE, "price_from_minor", "12.5", "price_from_minor" },
  { "/core/teacher/invalid/price-from-missing", PARLA_JSON_RESOURCE, "price_from_minor", NULL, "price_from_minor" },
  { "/core/teacher/invalid/currency-lower", PARLA_JSON_RESOURCE, "currency", "\"eur\"", "currency" },
  { "/core/teacher/invalid/currency-missing", PARLA_JSON_RESOURCE, "currency", NULL, "currency" },
  { "/core/teacher/invalid/has-free-offering-missing", PARLA_JSON_RESOURCE, "has_free_offering", NULL, "has_free_offering" },
  { "/core/teacher/invalid/photo-url-number", PARLA_JSON_RESOURCE, "photo_url", "5", "photo_url" },
  { "/core/teacher/invalid/offerings-object", PARLA_JSON_RESOURCE, "offerings", "{}", "offerings" },
};

static void
test_teacher_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaTeacher) teacher = NULL;
  g_autoptr(GError) error = NULL;

  node = parse_with (c->mode == PARLA_JSON_INPUT ? teacher_input : teacher_resource,
                     c->member, c->value);
  teacher = parla_teacher_new_from_json (node, c->mode, &error);
  g_assert_null (teacher);
  assert_field_error (error, c->field);
}

static void
test_teacher_bio_limit (void)
{
  g_autofree char *bio = g_strnfill (4000, 'a');
  g_autofree char *json = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaTeacher) teacher = NULL;
  g_autoptr(GError) error = NULL;

  node = parse (teacher_minimal_input);
  json_object_set_string_member (json_node_get_object (node), "bio", bio);
  teacher = parla_teacher_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_teacher_get_bio (teacher), ==, bio);
  g_clear_object (&teacher);

  g_free (bio);
  bio = g_strnfill (4001, 'a');
  json_object_set_string_member (json_node_get_object (node), "bio", bio);
  teacher = parla_teacher_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_null (teacher);
  assert_field_error (error, "bio");
}

static void
test_teacher_not_object (void)
{
  g_autoptr(JsonNode) node = parse ("[]");
  g_autoptr(ParlaTeacher) teacher = NULL;
  g_autoptr(GError) error = NULL;

  teacher = parla_teacher_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_null (teacher);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
}

static void
test_teacher_notify (void)
{
  static const char * const languages[] = { "es", "en", NULL };
  static const char * const same_languages[] = { "es", "en", NULL };
  static const char * const empty[] = { NULL };
  g_autoptr(ParlaTeacher) teacher = parla_teacher_new ();
  g_autoptr(GHashTable) counts = watch_notify (teacher);
  g_auto(GStrv) read_back = NULL;

  /* The defaults do not notify. */
  parla_teacher_set_id (teacher, NULL);
  parla_teacher_set_display_name (teacher, "");
  parla_teacher_set_bio (teacher, NULL);
  parla_teacher_set_languages (teacher, NULL);
  parla_teacher_set_subjects (teacher, empty);
  parla_teacher_set_levels (teacher, NULL);
  parla_teacher_set_specializations (teacher, NULL);
  parla_teacher_set_accent (teacher, "");
  parla_teacher_set_time_zone (teacher, "UTC");
  parla_teacher_set_photo_url (teacher, NULL);
  parla_teacher_set_rating (teacher, 0.0);
  parla_teacher_set_rating_count (teacher, 0);
  parla_teacher_set_price_from_minor (teacher, -1);
  parla_teacher_set_currency (teacher, "EUR");
  parla_teacher_set_has_free_offering (teacher, FALSE);
  parla_teacher_set_offerings_json (teacher, NULL);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  parla_teacher_set_id (teacher, "t-1");
  parla_teacher_set_id (teacher, "t-1");
  g_assert_cmpuint (notify_count (counts, "id"), ==, 1);

  parla_teacher_set_display_name (teacher, "Ana");
  g_object_set (teacher, "display-name", "Ana", NULL);
  g_assert_cmpuint (notify_count (counts, "display-name"), ==, 1);

  parla_teacher_set_bio (teacher, "Hola");
  parla_teacher_set_bio (teacher, "Hola");
  g_assert_cmpuint (notify_count (counts, "bio"), ==, 1);

  parla_teacher_set_languages (teacher, languages);
  parla_teacher_set_languages (teacher, same_languages);
  g_object_set (teacher, "languages", same_languages, NULL);
  g_assert_cmpuint (notify_count (counts, "languages"), ==, 1);
  g_object_get (teacher, "languages", &read_back, NULL);
  g_assert_cmpstrv (read_back, languages);
  parla_teacher_set_languages (teacher, NULL);
  g_assert_cmpuint (notify_count (counts, "languages"), ==, 2);
  g_assert_cmpuint (g_strv_length ((char **) parla_teacher_get_languages (teacher)), ==, 0);

  parla_teacher_set_subjects (teacher, languages);
  parla_teacher_set_subjects (teacher, languages);
  g_assert_cmpuint (notify_count (counts, "subjects"), ==, 1);

  parla_teacher_set_levels (teacher, (const char * const []) { "A1", NULL });
  parla_teacher_set_levels (teacher, (const char * const []) { "A1", NULL });
  g_assert_cmpuint (notify_count (counts, "levels"), ==, 1);

  parla_teacher_set_specializations (teacher, (const char * const []) { "academic", NULL });
  parla_teacher_set_specializations (teacher, (const char * const []) { "academic", NULL });
  g_assert_cmpuint (notify_count (counts, "specializations"), ==, 1);

  parla_teacher_set_accent (teacher, "Andaluz");
  parla_teacher_set_accent (teacher, "Andaluz");
  g_assert_cmpuint (notify_count (counts, "accent"), ==, 1);

  parla_teacher_set_time_zone (teacher, "Europe/Madrid");
  parla_teacher_set_time_zone (teacher, "Europe/Madrid");
  g_assert_cmpuint (notify_count (counts, "time-zone"), ==, 1);

  parla_teacher_set_photo_url (teacher, "https://example.com/a.png");
  parla_teacher_set_photo_url (teacher, "https://example.com/a.png");
  g_assert_cmpuint (notify_count (counts, "photo-url"), ==, 1);
  parla_teacher_set_photo_url (teacher, NULL);
  g_assert_cmpuint (notify_count (counts, "photo-url"), ==, 2);

  parla_teacher_set_rating (teacher, 4.25);
  g_object_set (teacher, "rating", 4.25, NULL);
  g_assert_cmpuint (notify_count (counts, "rating"), ==, 1);

  parla_teacher_set_rating_count (teacher, 4);
  parla_teacher_set_rating_count (teacher, 4);
  g_assert_cmpuint (notify_count (counts, "rating-count"), ==, 1);

  parla_teacher_set_price_from_minor (teacher, 0);
  g_object_set (teacher, "price-from-minor", G_GINT64_CONSTANT (0), NULL);
  g_assert_cmpuint (notify_count (counts, "price-from-minor"), ==, 1);

  parla_teacher_set_currency (teacher, "MXN");
  parla_teacher_set_currency (teacher, "MXN");
  g_assert_cmpuint (notify_count (counts, "currency"), ==, 1);

  parla_teacher_set_has_free_offering (teacher, TRUE);
  parla_teacher_set_has_free_offering (teacher, 2);
  g_assert_cmpuint (notify_count (counts, "has-free-offering"), ==, 1);
  g_assert_true (parla_teacher_get_has_free_offering (teacher) == TRUE);

  g_assert_cmpuint (g_hash_table_size (counts), ==, 15);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/user/round-trip", test_user_round_trip);
  g_test_add_func ("/core/user/to-json-members", test_user_to_json_members);
  g_test_add_func ("/core/user/input", test_user_input);
  g_test_add_func ("/core/user/not-object", test_user_not_object);
  g_test_add_func ("/core/user/check-email", test_user_check_email);
  g_test_add_func ("/core/user/notify", test_user_notify);
  for (guint i = 0; i < G_N_ELEMENTS (user_invalid); i++)
    g_test_add_data_func (user_invalid[i].path, &user_invalid[i], test_user_invalid);

  g_test_add_func ("/core/teacher/input", test_teacher_input);
  g_test_add_func ("/core/teacher/input-ignores-server-fields", test_teacher_input_ignores_server_fields);
  g_test_add_func ("/core/teacher/input-defaults", test_teacher_input_defaults);
  g_test_add_func ("/core/teacher/round-trip", test_teacher_round_trip);
  g_test_add_func ("/core/teacher/round-trip-nulls", test_teacher_round_trip_nulls);
  g_test_add_func ("/core/teacher/rating", test_teacher_rating);
  g_test_add_func ("/core/teacher/offerings", test_teacher_offerings);
  g_test_add_func ("/core/teacher/bio-limit", test_teacher_bio_limit);
  g_test_add_func ("/core/teacher/not-object", test_teacher_not_object);
  g_test_add_func ("/core/teacher/notify", test_teacher_notify);
  for (guint i = 0; i < G_N_ELEMENTS (teacher_invalid); i++)
    g_test_add_data_func (teacher_invalid[i].path, &teacher_invalid[i], test_teacher_invalid);

  return g_test_run ();
}
