/* test-entities.c: offerings, sessions and bookings on the wire
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-core.h"

/* Fixtures */

static const char offering_resource[] =
  "{\"id\":\"off-1\",\"teacher_id\":\"t-1\",\"title\":\"Conversación\","
  "\"description\":\"Talk about your week\",\"topic_type\":\"flexible\","
  "\"session_type\":\"group\",\"duration_minutes\":60,\"capacity\":6,"
  "\"price_minor\":1500,\"currency\":\"EUR\",\"requires_approval\":true,"
  "\"materials\":{\"prompts\":[\"¿Qué hiciste?\"],\"vocabulary\":[\"hola\",\"adiós\"],"
  "\"grammar_points\":[],\"cultural_notes\":[\"la siesta\"]},\"archived\":false}";

static const char offering_input[] =
  "{\"title\":\"  Trial lesson \",\"topic_type\":\"fixed\",\"session_type\":\"individual\","
  "\"duration_minutes\":30,\"price_minor\":0}";

static const char session_resource[] =
  "{\"id\":\"s-1\",\"host_id\":\"t-1\",\"host_name\":\"Ana\",\"offering_id\":\"off-1\","
  "\"title\":\"Café chat\",\"description\":\"\",\"type\":\"group\",\"language\":\"es\","
  "\"level\":\"all\",\"start\":\"2026-03-01T10:00:00+01:00\",\"end\":\"2026-03-01T10:00:00Z\","
  "\"duration_minutes\":60,\"capacity\":8,\"seats_left\":3,\"price_minor\":0,"
  "\"currency\":\"EUR\",\"status\":\"scheduled\",\"my_booking_id\":\"b-9\","
  "\"my_booking_status\":\"pending\",\"materials\":{\"vocabulary\":[\"café\"]}}";

static const char session_input[] =
  "{\"title\":\"Practice\",\"type\":\"practice\",\"language\":\"fil\",\"level\":\"B1\","
  "\"start\":\"2026-03-01T10:00:00Z\",\"duration_minutes\":45,\"capacity\":4}";

/* 2026-03-01T10:00:00Z */
#define MARCH_1_10H G_GINT64_CONSTANT (1772359200)

/* Helpers */

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;

  json_parser_load_from_data (parser, text, -1, &error);
  g_assert_no_error (error);

  return json_node_ref (json_parser_get_root (parser));
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

static char *
offering_text (ParlaOffering *offering)
{
  g_autoptr(JsonNode) node = parla_offering_to_json (offering);

  return parla_json_to_string (node);
}

static char *
session_text (ParlaSession *session)
{
  g_autoptr(JsonNode) node = parla_session_to_json (session);

  return parla_json_to_string (node);
}

static char *
booking_text (ParlaBooking *booking)
{
  g_autoptr(JsonNode) node = parla_booking_to_json (booking);

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

/* Table-driven invalid input: replace (or remove) one member of a valid
 * document and expect the error to name a field. */
typedef struct
{
  const char    *path;
  const char    *base;
  ParlaJsonMode  mode;
  const char    *member;
  const char    *value;  /* JSON text, NULL = remove */
  const char    *field;
} InvalidCase;

static const InvalidCase offering_invalid[] = {
  { "/core/offering/invalid/title-missing", offering_input, PARLA_JSON_INPUT,
    "title", NULL, "title" },
  { "/core/offering/invalid/title-blank", offering_input, PARLA_JSON_INPUT,
    "title", "\"   \"", "title" },
  { "/core/offering/invalid/title-null", offering_input, PARLA_JSON_INPUT,
    "title", "null", "title" },
  { "/core/offering/invalid/duration-string", offering_input, PARLA_JSON_INPUT,
    "duration_minutes", "\"60\"", "duration_minutes" },
  { "/core/offering/invalid/duration-fraction", offering_input, PARLA_JSON_INPUT,
    "duration_minutes", "60.5", "duration_minutes" },
  { "/core/offering/invalid/duration-zero", offering_input, PARLA_JSON_INPUT,
    "duration_minutes", "0", "duration_minutes" },
  { "/core/offering/invalid/duration-too-long", offering_input, PARLA_JSON_INPUT,
    "duration_minutes", "1441", "duration_minutes" },
  { "/core/offering/invalid/capacity-zero", offering_resource, PARLA_JSON_RESOURCE,
    "capacity", "0", "capacity" },
  { "/core/offering/invalid/individual-capacity", offering_input, PARLA_JSON_INPUT,
    "capacity", "3", "capacity" },
  { "/core/offering/invalid/price-negative", offering_input, PARLA_JSON_INPUT,
    "price_minor", "-1", "price_minor" },
  { "/core/offering/invalid/price-missing", offering_input, PARLA_JSON_INPUT,
    "price_minor", NULL, "price_minor" },
  { "/core/offering/invalid/currency-lower", offering_input, PARLA_JSON_INPUT,
    "currency", "\"eur\"", "currency" },
  { "/core/offering/invalid/topic-type", offering_input, PARLA_JSON_INPUT,
    "topic_type", "\"maybe\"", "topic_type" },
  { "/core/offering/invalid/session-type", offering_input, PARLA_JSON_INPUT,
    "session_type", "\"party\"", "session_type" },
  { "/core/offering/invalid/requires-approval", offering_input, PARLA_JSON_INPUT,
    "requires_approval", "1", "requires_approval" },
  { "/core/offering/invalid/materials-item", offering_input, PARLA_JSON_INPUT, "materials",
    "{\"vocabulary\":[\"hola\",5]}", "materials.vocabulary[1]" },
  { "/core/offering/invalid/materials-empty-item", offering_input, PARLA_JSON_INPUT, "materials",
    "{\"prompts\":[\"\"]}", "materials.prompts[0]" },
  { "/core/offering/invalid/materials-type", offering_input, PARLA_JSON_INPUT,
    "materials", "[]", "materials" },
  { "/core/offering/invalid/resource-id", offering_resource, PARLA_JSON_RESOURCE,
    "id", NULL, "id" },
  { "/core/offering/invalid/resource-archived", offering_resource, PARLA_JSON_RESOURCE,
    "archived", "\"no\"", "archived" },
};

static const InvalidCase session_invalid[] = {
  { "/core/session/invalid/title-missing", session_input, PARLA_JSON_INPUT,
    "title", NULL, "title" },
  { "/core/session/invalid/title-too-long", session_input, PARLA_JSON_INPUT, "title",
    "\"0123456789012345678901234567890123456789012345678901234567890123456789"
    "01234567890123456789012345678901234567890123456789X\"", "title" },
  { "/core/session/invalid/duration-string", session_input, PARLA_JSON_INPUT,
    "duration_minutes", "\"60\"", "duration_minutes" },
  { "/core/session/invalid/duration-fraction", session_input, PARLA_JSON_INPUT,
    "duration_minutes", "60.5", "duration_minutes" },
  { "/core/session/invalid/capacity-zero", session_input, PARLA_JSON_INPUT,
    "capacity", "0", "capacity" },
  { "/core/session/invalid/capacity-missing", session_input, PARLA_JSON_INPUT,
    "capacity", NULL, "capacity" },
  { "/core/session/invalid/price-negative", session_input, PARLA_JSON_INPUT,
    "price_minor", "-1", "price_minor" },
  { "/core/session/invalid/currency-lower", session_input, PARLA_JSON_INPUT,
    "currency", "\"eur\"", "currency" },
  { "/core/session/invalid/type", session_input, PARLA_JSON_INPUT, "type", "\"party\"", "type" },
  { "/core/session/invalid/level", session_input, PARLA_JSON_INPUT, "level", "\"D1\"", "level" },
  { "/core/session/invalid/language-name", session_input, PARLA_JSON_INPUT,
    "language", "\"English\"", "language" },
  { "/core/session/invalid/language-upper", session_input, PARLA_JSON_INPUT,
    "language", "\"EN\"", "language" },
  { "/core/session/invalid/language-long", session_input, PARLA_JSON_INPUT,
    "language", "\"engl\"", "language" },
  { "/core/session/invalid/start-month", session_input, PARLA_JSON_INPUT,
    "start", "\"2026-13-01T00:00:00Z\"", "start" },
  { "/core/session/invalid/start-not-rfc3339", session_input, PARLA_JSON_INPUT,
    "start", "\"2026-03-01 10:00\"", "start" },
  { "/core/session/invalid/start-number", session_input, PARLA_JSON_INPUT,
    "start", "1772359200", "start" },
  { "/core/session/invalid/offering-id", session_input, PARLA_JSON_INPUT,
    "offering_id", "\"\"", "offering_id" },
  { "/core/session/invalid/materials-item", session_input, PARLA_JSON_INPUT, "materials",
    "{\"vocabulary\":[\"hola\",[\"x\"]]}", "materials.vocabulary[1]" },
  { "/core/session/invalid/resource-seats-left", session_resource, PARLA_JSON_RESOURCE,
    "seats_left", "-1", "seats_left" },
  { "/core/session/invalid/resource-status", session_resource, PARLA_JSON_RESOURCE,
    "status", "\"done\"", "status" },
  { "/core/session/invalid/resource-end", session_resource, PARLA_JSON_RESOURCE,
    "end", NULL, "end" },
  { "/core/session/invalid/resource-my-booking", session_resource, PARLA_JSON_RESOURCE,
    "my_booking_id", NULL, "my_booking_id" },
  { "/core/session/invalid/resource-my-status", session_resource, PARLA_JSON_RESOURCE,
    "my_booking_status", "\"maybe\"", "my_booking_status" },
};

static void
test_offering_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(JsonNode) node = parse_with (c->base, c->member, c->value);
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(GError) error = NULL;

  offering = parla_offering_new_from_json (node, c->mode, &error);
  g_assert_null (offering);
  assert_field_error (error, c->field);
}

static void
test_session_invalid (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(JsonNode) node = parse_with (c->base, c->member, c->value);
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(GError) error = NULL;

  session = parla_session_new_from_json (node, c->mode, &error);
  g_assert_null (session);
  assert_field_error (error, c->field);
}

/* Materials */

static void
test_materials_defaults (void)
{
  g_autoptr(JsonNode) node = parse ("{\"prompts\":[\"a\"],\"unknown\":1}");
  g_autoptr(JsonNode) out = NULL;
  g_autoptr(ParlaMaterials) materials = NULL;
  g_autoptr(ParlaMaterials) empty = parla_materials_new_empty ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  materials = parla_materials_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstrv (parla_materials_get_prompts (materials), ((const char *[]) { "a", NULL }));
  g_assert_cmpuint (g_strv_length ((char **) parla_materials_get_vocabulary (materials)), ==, 0);
  g_assert_false (parla_materials_is_empty (materials));
  g_assert_true (parla_materials_is_empty (empty));
  g_assert_false (parla_materials_equal (materials, empty));

  out = parla_materials_to_json (materials);
  text = parla_json_to_string (out);
  g_assert_cmpstr (text, ==,
                   "{\"prompts\":[\"a\"],\"vocabulary\":[],\"grammar_points\":[],"
                   "\"cultural_notes\":[]}");
}

static void
test_materials_limits (void)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) long_item = NULL;
  g_autoptr(ParlaMaterials) materials = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *item = g_strnfill (201, 'x');
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "grammar_points");
  json_builder_begin_array (builder);
  for (guint i = 0; i < PARLA_MATERIALS_MAX_ITEMS + 1; i++)
    json_builder_add_string_value (builder, "ser / estar");
  json_builder_end_array (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  materials = parla_materials_new_from_json (node, &error);
  g_assert_null (materials);
  assert_field_error (error, "grammar_points");
  g_clear_error (&error);

  text = g_strdup_printf ("{\"cultural_notes\":[\"%s\"]}", item);
  long_item = parse (text);
  materials = parla_materials_new_from_json (long_item, &error);
  g_assert_null (materials);
  assert_field_error (error, "cultural_notes[0]");
}

/* Offerings */

static void
test_offering_round_trip (void)
{
  g_autoptr(JsonNode) node = parse (offering_resource);
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(ParlaOffering) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;
  ParlaMaterials *materials;

  offering = parla_offering_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_no_error (error);

  g_assert_cmpstr (parla_offering_get_id (offering), ==, "off-1");
  g_assert_cmpstr (parla_offering_get_teacher_id (offering), ==, "t-1");
  g_assert_cmpstr (parla_offering_get_title (offering), ==, "Conversación");
  g_assert_cmpint (parla_offering_get_topic_type (offering), ==, PARLA_TOPIC_FLEXIBLE);
  g_assert_cmpint (parla_offering_get_session_type (offering), ==, PARLA_OFFERING_GROUP);
  g_assert_cmpint (parla_offering_get_duration_minutes (offering), ==, 60);
  g_assert_cmpint (parla_offering_get_capacity (offering), ==, 6);
  g_assert_cmpint (parla_offering_get_price_minor (offering), ==, 1500);
  g_assert_true (parla_offering_get_requires_approval (offering));
  g_assert_false (parla_offering_get_archived (offering));
  g_assert_false (parla_offering_is_free (offering));

  materials = parla_offering_get_materials (offering);
  g_assert_cmpstrv (parla_materials_get_vocabulary (materials),
                    ((const char *[]) { "hola", "adiós", NULL }));
  g_assert_cmpstrv (parla_materials_get_cultural_notes (materials),
                    ((const char *[]) { "la siesta", NULL }));

  first = offering_text (offering);
  g_assert_cmpstr (first, ==, offering_resource);

  again = parse (first);
  copy = parla_offering_new_from_json (again, PARLA_JSON_RESOURCE, &error);
  g_assert_no_error (error);
  second = offering_text (copy);
  g_assert_cmpstr (first, ==, second);
}

static void
test_offering_input_defaults (void)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(GError) error = NULL;

  /* Server-owned members, even malformed ones, and unknown members are ignored. */
  node = parse_with (offering_input, "id", "42");
  json_object_set_string_member (json_node_get_object (node), "archived", "yes");
  json_object_set_int_member (json_node_get_object (node), "rating", 5);

  offering = parla_offering_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_no_error (error);

  g_assert_null (parla_offering_get_id (offering));
  g_assert_null (parla_offering_get_teacher_id (offering));
  g_assert_false (parla_offering_get_archived (offering));
  g_assert_cmpstr (parla_offering_get_title (offering), ==, "Trial lesson");
  g_assert_cmpstr (parla_offering_get_description (offering), ==, "");
  g_assert_cmpint (parla_offering_get_capacity (offering), ==, 1);
  g_assert_cmpstr (parla_offering_get_currency (offering), ==, "EUR");
  g_assert_false (parla_offering_get_requires_approval (offering));
  g_assert_true (parla_materials_is_empty (parla_offering_get_materials (offering)));
  g_assert_true (parla_offering_is_free (offering));

  /* The same body is not a resource. */
  g_clear_object (&offering);
  offering = parla_offering_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_null (offering);
  assert_field_error (error, "id");
}

static void
test_offering_group_capacity (void)
{
  g_autoptr(JsonNode) node = parse_with (offering_input, "session_type", "\"group\"");
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_int_member (json_node_get_object (node), "capacity", 3);
  offering = parla_offering_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_offering_get_capacity (offering), ==, 3);
}

static void
test_offering_not_object (void)
{
  g_autoptr(JsonNode) node = parse ("[1,2]");
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(GError) error = NULL;

  offering = parla_offering_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_null (offering);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
}

static void
test_offering_notify (void)
{
  g_autoptr(ParlaOffering) offering = parla_offering_new ();
  g_autoptr(GHashTable) counts = watch_notify (offering);
  g_autoptr(ParlaMaterials) materials = NULL;
  g_autoptr(ParlaMaterials) same = NULL;
  const char *vocabulary[] = { "hola", NULL };

  parla_offering_set_title (offering, "Lesson");
  parla_offering_set_title (offering, "Lesson");
  g_assert_cmpuint (notify_count (counts, "title"), ==, 1);

  parla_offering_set_capacity (offering, 1);
  g_assert_cmpuint (notify_count (counts, "capacity"), ==, 0);
  g_object_set (offering, "capacity", 4, NULL);
  g_object_set (offering, "capacity", 4, NULL);
  g_assert_cmpuint (notify_count (counts, "capacity"), ==, 1);

  parla_offering_set_currency (offering, "EUR");
  g_assert_cmpuint (notify_count (counts, "currency"), ==, 0);

  parla_offering_set_archived (offering, TRUE);
  parla_offering_set_archived (offering, TRUE);
  g_assert_cmpuint (notify_count (counts, "archived"), ==, 1);

  parla_offering_set_session_type (offering, PARLA_OFFERING_GROUP);
  parla_offering_set_session_type (offering, PARLA_OFFERING_GROUP);
  g_assert_cmpuint (notify_count (counts, "session-type"), ==, 1);

  /* Materials compare by value. */
  parla_offering_set_materials (offering, NULL);
  g_assert_cmpuint (notify_count (counts, "materials"), ==, 0);
  materials = parla_materials_new (NULL, vocabulary, NULL, NULL);
  same = parla_materials_new (NULL, vocabulary, NULL, NULL);
  parla_offering_set_materials (offering, materials);
  parla_offering_set_materials (offering, same);
  g_assert_cmpuint (notify_count (counts, "materials"), ==, 1);
  g_assert_true (parla_offering_get_materials (offering) == materials);

  g_assert_cmpuint (notify_count (counts, "price-minor"), ==, 0);
  parla_offering_set_price_minor (offering, 900);
  g_assert_cmpuint (notify_count (counts, "price-minor"), ==, 1);
  g_assert_false (parla_offering_is_free (offering));
}

/* Sessions */

static ParlaSession *
session_from_text (const char    *text,
                   ParlaJsonMode  mode)
{
  g_autoptr(JsonNode) node = parse (text);
  g_autoptr(GError) error = NULL;
  ParlaSession *session;

  session = parla_session_new_from_json (node, mode, &error);
  g_assert_no_error (error);
  g_assert_nonnull (session);

  return session;
}

static void
test_session_round_trip (void)
{
  g_autoptr(ParlaSession) session = session_from_text (session_resource, PARLA_JSON_RESOURCE);
  g_autoptr(ParlaSession) copy = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  g_assert_cmpstr (parla_session_get_id (session), ==, "s-1");
  g_assert_cmpstr (parla_session_get_host_name (session), ==, "Ana");
  g_assert_cmpstr (parla_session_get_offering_id (session), ==, "off-1");
  g_assert_cmpint (parla_session_get_session_type (session), ==, PARLA_SESSION_GROUP);
  g_assert_cmpint (parla_session_get_level (session), ==, PARLA_LEVEL_ALL);
  g_assert_cmpint (parla_session_get_start (session), ==, MARCH_1_10H - 3600);
  g_assert_cmpint (parla_session_get_end (session), ==, MARCH_1_10H);
  g_assert_cmpint (parla_session_get_seats_left (session), ==, 3);
  g_assert_cmpint (parla_session_get_status (session), ==, PARLA_SESSION_STATUS_SCHEDULED);
  g_assert_cmpstr (parla_session_get_my_booking_id (session), ==, "b-9");
  g_assert_cmpint (parla_session_get_my_booking_status (session), ==, PARLA_BOOKING_PENDING);
  g_assert_true (parla_session_is_free (session));

  first = session_text (session);
  /* Instants come back in UTC. */
  g_assert_nonnull (strstr (first, "\"start\":\"2026-03-01T09:00:00Z\""));

  copy = session_from_text (first, PARLA_JSON_RESOURCE);
  second = session_text (copy);
  g_assert_cmpstr (first, ==, second);
}

static void
test_session_round_trip_nulls (void)
{
  g_autoptr(JsonNode) node = parse (session_resource);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(ParlaSession) copy = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  json_object_set_null_member (object, "offering_id");
  json_object_set_null_member (object, "my_booking_id");
  json_object_set_null_member (object, "my_booking_status");
  json_object_set_string_member (object, "status", "cancelled");

  session = parla_session_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_no_error (error);
  g_assert_null (parla_session_get_offering_id (session));
  g_assert_null (parla_session_get_my_booking_id (session));
  g_assert_cmpint (parla_session_get_my_booking_status (session), ==, -1);
  g_assert_cmpint (parla_session_get_status (session), ==, PARLA_SESSION_STATUS_CANCELLED);

  first = session_text (session);
  g_assert_nonnull (strstr (first, "\"offering_id\":null"));
  g_assert_nonnull (strstr (first, "\"my_booking_status\":null"));
  copy = session_from_text (first, PARLA_JSON_RESOURCE);
  second = session_text (copy);
  g_assert_cmpstr (first, ==, second);
}

static void
test_session_input_defaults (void)
{
  g_autoptr(JsonNode) node = parse (session_input);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(GError) error = NULL;

  /* Server-owned members are ignored, whatever they hold. */
  json_object_set_string_member (object, "end", "2030-01-01T00:00:00Z");
  json_object_set_int_member (object, "seats_left", 99);
  json_object_set_string_member (object, "status", "cancelled");
  json_object_set_string_member (object, "host_id", "someone-else");
  json_object_set_boolean_member (object, "my_booking_id", TRUE);

  session = parla_session_new_from_json (node, PARLA_JSON_INPUT, &error);
  g_assert_no_error (error);

  g_assert_null (parla_session_get_id (session));
  g_assert_null (parla_session_get_host_id (session));
  g_assert_null (parla_session_get_offering_id (session));
  g_assert_null (parla_session_get_my_booking_id (session));
  g_assert_cmpint (parla_session_get_my_booking_status (session), ==, -1);
  g_assert_cmpint (parla_session_get_status (session), ==, PARLA_SESSION_STATUS_SCHEDULED);
  g_assert_cmpstr (parla_session_get_language (session), ==, "fil");
  g_assert_cmpint (parla_session_get_level (session), ==, PARLA_LEVEL_B1);
  g_assert_cmpint (parla_session_get_session_type (session), ==, PARLA_SESSION_PRACTICE);
  g_assert_cmpint (parla_session_get_start (session), ==, MARCH_1_10H);
  g_assert_cmpint (parla_session_get_end (session), ==, MARCH_1_10H + 45 * 60);
  g_assert_cmpint (parla_session_get_seats_left (session), ==, 4);
  g_assert_cmpint (parla_session_get_price_minor (session), ==, 0);
  g_assert_cmpstr (parla_session_get_currency (session), ==, "EUR");
  g_assert_cmpstr (parla_session_get_description (session), ==, "");
  g_assert_true (parla_materials_is_empty (parla_session_get_materials (session)));

  /* The same body is not a resource. */
  g_clear_object (&session);
  g_clear_pointer (&node, json_node_unref);
  node = parse (session_input);
  session = parla_session_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_null (session);
  assert_field_error (error, "id");
}

static void
test_session_apply_reschedule (void)
{
  g_autoptr(ParlaSession) session = session_from_text (session_input, PARLA_JSON_INPUT);
  g_autoptr(GHashTable) counts = watch_notify (session);
  g_autoptr(JsonNode) patch = NULL;
  g_autoptr(GError) error = NULL;

  patch = parse ("{\"start\":\"2026-03-02T12:00:00+02:00\",\"duration_minutes\":90,"
                 "\"capacity\":4,\"type\":\"cultural\",\"id\":\"nope\"}");
  g_assert_true (parla_session_apply_json (session, patch, &error));
  g_assert_no_error (error);

  g_assert_cmpint (parla_session_get_start (session), ==, MARCH_1_10H + 86400);
  g_assert_cmpint (parla_session_get_duration_minutes (session), ==, 90);
  g_assert_cmpint (parla_session_get_end (session), ==, MARCH_1_10H + 86400 + 90 * 60);
  /* Not patchable, or not changed: left alone, no notification. */
  g_assert_cmpint (parla_session_get_session_type (session), ==, PARLA_SESSION_PRACTICE);
  g_assert_null (parla_session_get_id (session));

  g_assert_cmpuint (notify_count (counts, "start"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "end"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "duration-minutes"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "capacity"), ==, 0);
  g_assert_cmpuint (notify_count (counts, "title"), ==, 0);
  g_assert_cmpuint (notify_count (counts, "session-type"), ==, 0);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 3);

  /* A new duration alone moves the end too. */
  g_clear_pointer (&patch, json_node_unref);
  patch = parse ("{\"duration_minutes\":30}");
  g_assert_true (parla_session_apply_json (session, patch, &error));
  g_assert_cmpint (parla_session_get_end (session), ==, MARCH_1_10H + 86400 + 30 * 60);
}

static void
test_session_apply_invalid (void)
{
  g_autoptr(ParlaSession) session = session_from_text (session_resource, PARLA_JSON_RESOURCE);
  g_autoptr(GHashTable) counts = watch_notify (session);
  g_autofree char *before = session_text (session);
  g_autofree char *after = NULL;
  static const struct {
    const char *patch;
    const char *field;
  } cases[] = {
    { "{\"title\":\"Brand new\",\"capacity\":0}", "capacity" },
    { "{\"title\":\"Brand new\",\"start\":\"2026-03-01 10:00\"}", "start" },
    { "{\"title\":\"Brand new\",\"language\":\"English\"}", "language" },
    { "{\"title\":\"Brand new\",\"level\":\"D1\"}", "level" },
    { "{\"title\":\"Brand new\",\"currency\":\"eur\"}", "currency" },
    { "{\"title\":\"Brand new\",\"price_minor\":-1}", "price_minor" },
    { "{\"title\":\"Brand new\",\"duration_minutes\":\"60\"}", "duration_minutes" },
    { "{\"title\":\"Brand new\",\"status\":\"done\"}", "status" },
    { "{\"title\":\"Brand new\",\"description\":null}", "description" },
    { "{\"title\":\"   \",\"capacity\":5}", "title" },
    { "{\"capacity\":5,\"materials\":{\"vocabulary\":[\"a\",2]}}", "materials.vocabulary[1]" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) patch = parse (cases[i].patch);
      g_autoptr(GError) error = NULL;

      g_assert_false (parla_session_apply_json (session, patch, &error));
      assert_field_error (error, cases[i].field);
    }

  after = session_text (session);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);
}

static void
test_session_apply_status (void)
{
  g_autoptr(ParlaSession) session = session_from_text (session_resource, PARLA_JSON_RESOURCE);
  g_autoptr(GHashTable) counts = watch_notify (session);
  g_autoptr(JsonNode) scheduled = parse ("{\"status\":\"scheduled\"}");
  g_autoptr(JsonNode) cancelled = parse ("{\"status\":\"cancelled\",\"title\":\"Café chat\"}");
  g_autoptr(GError) error = NULL;

  /* Still scheduled: accepted, nothing changes. */
  g_assert_true (parla_session_apply_json (session, scheduled, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  g_assert_true (parla_session_apply_json (session, cancelled, &error));
  g_assert_no_error (error);
  g_assert_cmpint (parla_session_get_status (session), ==, PARLA_SESSION_STATUS_CANCELLED);
  g_assert_cmpuint (notify_count (counts, "status"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "title"), ==, 0);
  /* The server's end is kept when start and duration agree with it. */
  g_assert_cmpuint (notify_count (counts, "end"), ==, 0);

  /* A cancelled session cannot come back. */
  g_assert_false (parla_session_apply_json (session, scheduled, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_STATE);
  g_assert_cmpstr (parla_error_get_field (error), ==, "status");
  g_assert_cmpint (parla_session_get_status (session), ==, PARLA_SESSION_STATUS_CANCELLED);
}

static void
test_session_apply_fields (void)
{
  g_autoptr(ParlaSession) session = session_from_text (session_resource, PARLA_JSON_RESOURCE);
  g_autoptr(JsonNode) patch = NULL;
  g_autoptr(GError) error = NULL;
  ParlaMaterials *materials;

  patch = parse ("{\"title\":\" Tertulia \",\"description\":\"Bring a story\",\"level\":\"C1\","
                 "\"language\":\"ca\",\"capacity\":10,\"price_minor\":500,\"currency\":\"GBP\","
                 "\"materials\":{\"prompts\":[\"Una anécdota\"]}}");
  g_assert_true (parla_session_apply_json (session, patch, &error));
  g_assert_no_error (error);

  g_assert_cmpstr (parla_session_get_title (session), ==, "Tertulia");
  g_assert_cmpstr (parla_session_get_description (session), ==, "Bring a story");
  g_assert_cmpint (parla_session_get_level (session), ==, PARLA_LEVEL_C1);
  g_assert_cmpstr (parla_session_get_language (session), ==, "ca");
  g_assert_cmpint (parla_session_get_capacity (session), ==, 10);
  g_assert_cmpint (parla_session_get_price_minor (session), ==, 500);
  g_assert_cmpstr (parla_session_get_currency (session), ==, "GBP");
  g_assert_false (parla_session_is_free (session));
  materials = parla_session_get_materials (session);
  g_assert_cmpstrv (parla_materials_get_prompts (materials),
                    ((const char *[]) { "Una anécdota", NULL }));
  g_assert_cmpuint (g_strv_length ((char **) parla_materials_get_vocabulary (materials)), ==, 0);
}

static void
test_session_notify (void)
{
  g_autoptr(ParlaSession) session = parla_session_new ();
  g_autoptr(GHashTable) counts = watch_notify (session);

  parla_session_set_my_booking_status (session, -1);
  g_assert_cmpuint (notify_count (counts, "my-booking-status"), ==, 0);
  g_object_set (session, "my-booking-status", PARLA_BOOKING_CONFIRMED, NULL);
  parla_session_set_my_booking_status (session, PARLA_BOOKING_CONFIRMED);
  g_assert_cmpuint (notify_count (counts, "my-booking-status"), ==, 1);

  g_object_set (session, "seats-left", 5, "status", PARLA_SESSION_STATUS_SCHEDULED, NULL);
  g_assert_cmpuint (notify_count (counts, "seats-left"), ==, 1);
  g_assert_cmpuint (notify_count (counts, "status"), ==, 0);

  parla_session_set_offering_id (session, NULL);
  g_assert_cmpuint (notify_count (counts, "offering-id"), ==, 0);
  parla_session_set_offering_id (session, "off-1");
  parla_session_set_offering_id (session, "off-1");
  g_assert_cmpuint (notify_count (counts, "offering-id"), ==, 1);

  parla_session_set_start (session, MARCH_1_10H);
  parla_session_set_start (session, MARCH_1_10H);
  g_assert_cmpuint (notify_count (counts, "start"), ==, 1);

  parla_session_set_level (session, PARLA_LEVEL_ALL);
  g_assert_cmpuint (notify_count (counts, "level"), ==, 0);
}

/* Bookings */

static JsonNode *
booking_node (gboolean cancelled)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(JsonNode) policy_node = parla_policy_to_json (policy);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", "b-1");
  parla_json_add_string (builder, "kind", cancelled ? "lesson" : "session");
  parla_json_add_string (builder, "session_id", cancelled ? NULL : "s-1");
  parla_json_add_string (builder, "offering_id", "off-1");
  parla_json_add_string (builder, "learner_id", "u-1");
  parla_json_add_string (builder, "learner_name", "Lea");
  parla_json_add_string (builder, "teacher_id", "t-1");
  parla_json_add_string (builder, "teacher_name", "Ana");
  parla_json_add_string (builder, "title", "Café chat");
  parla_json_add_string (builder, "start", "2026-03-01T11:00:00+01:00");
  parla_json_add_string (builder, "end", "2026-03-01T11:00:00Z");
  parla_json_add_string (builder, "status", cancelled ? "cancelled" : "confirmed");
  parla_json_add_string (builder, "topic", "Travel");
  parla_json_add_string (builder, "message", "");
  parla_json_add_int (builder, "price_minor", 2000);
  parla_json_add_string (builder, "currency", "EUR");
  parla_json_add_int (builder, "fee_minor", 200);
  if (cancelled)
    {
      parla_json_add_int (builder, "refund_minor", 1000);
      parla_json_add_string (builder, "cancelled_by", "learner");
      parla_json_add_string (builder, "cancelled_at", "2026-02-28T20:00:00Z");
    }
  else
    {
      parla_json_add_node (builder, "refund_minor", NULL);
      parla_json_add_string (builder, "cancelled_by", NULL);
      parla_json_add_string (builder, "cancelled_at", NULL);
    }
  parla_json_add_string (builder, "created_at", "2026-02-01T08:00:00Z");
  parla_json_add_node (builder, "policy", policy_node);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static ParlaBooking *
booking_from_node (JsonNode *node)
{
  g_autoptr(GError) error = NULL;
  ParlaBooking *booking;

  booking = parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (booking);

  return booking;
}

static void
assert_booking_round_trip (ParlaBooking *booking)
{
  g_autofree char *first = booking_text (booking);
  g_autoptr(JsonNode) again = parse (first);
  g_autoptr(ParlaBooking) copy = booking_from_node (again);
  g_autofree char *second = booking_text (copy);

  g_assert_cmpstr (first, ==, second);
}

static void
test_booking_round_trip (void)
{
  g_autoptr(JsonNode) node = booking_node (FALSE);
  g_autoptr(ParlaBooking) booking = booking_from_node (node);
  g_autoptr(ParlaPolicy) expected = parla_policy_new_default ();
  g_autofree char *text = NULL;
  ParlaPolicy *policy;

  g_assert_cmpstr (parla_booking_get_id (booking), ==, "b-1");
  g_assert_cmpint (parla_booking_get_kind (booking), ==, PARLA_BOOKING_KIND_SESSION);
  g_assert_cmpstr (parla_booking_get_session_id (booking), ==, "s-1");
  g_assert_cmpstr (parla_booking_get_learner_name (booking), ==, "Lea");
  g_assert_cmpint (parla_booking_get_start (booking), ==, MARCH_1_10H);
  g_assert_cmpint (parla_booking_get_end (booking), ==, MARCH_1_10H + 3600);
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_CONFIRMED);
  g_assert_true (parla_booking_is_active (booking));
  g_assert_cmpint (parla_booking_get_price_minor (booking), ==, 2000);
  g_assert_cmpint (parla_booking_get_fee_minor (booking), ==, 200);
  g_assert_cmpint (parla_booking_get_refund_minor (booking), ==, -1);
  g_assert_cmpint (parla_booking_get_cancelled_by (booking), ==, -1);
  g_assert_cmpint (parla_booking_get_cancelled_at (booking), ==, 0);
  g_assert_cmpuint (parla_booking_get_history (booking)->len, ==, 0);

  policy = parla_booking_get_policy (booking);
  g_assert_nonnull (policy);
  g_assert_cmpint (policy->full_refund_hours, ==, expected->full_refund_hours);
  g_assert_cmpint (policy->platform_fee_bp, ==, expected->platform_fee_bp);
  g_assert_cmpint (policy->max_duration_minutes, ==, expected->max_duration_minutes);

  text = booking_text (booking);
  g_assert_nonnull (strstr (text, "\"refund_minor\":null,\"cancelled_by\":null,"
                                  "\"cancelled_at\":null"));
  g_assert_null (strstr (text, "\"history\""));

  assert_booking_round_trip (booking);
}

static void
test_booking_cancelled (void)
{
  g_autoptr(JsonNode) node = booking_node (TRUE);
  g_autoptr(ParlaBooking) booking = booking_from_node (node);

  g_assert_cmpint (parla_booking_get_kind (booking), ==, PARLA_BOOKING_KIND_LESSON);
  g_assert_null (parla_booking_get_session_id (booking));
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_CANCELLED);
  g_assert_false (parla_booking_is_active (booking));
  g_assert_cmpint (parla_booking_get_refund_minor (booking), ==, 1000);
  g_assert_cmpint (parla_booking_get_cancelled_by (booking), ==, PARLA_PARTY_LEARNER);
  g_assert_cmpint (parla_booking_get_cancelled_at (booking), ==, MARCH_1_10H - 14 * 3600);

  assert_booking_round_trip (booking);
}

/* A paid booking held for payment, then its refund. */
static void
test_booking_payment (void)
{
  g_autoptr(JsonNode) node = booking_node (FALSE);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(ParlaBooking) refunded = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  json_object_set_string_member (object, "status", "payment_pending");
  json_object_set_string_member (object, "hold_expires_at", "2026-03-01T09:15:00Z");
  json_object_set_string_member (object, "checkout_url", "https://checkout.stripe.com/c/pay/cs_1");
  json_object_set_null_member (object, "refund_status");

  booking = booking_from_node (node);
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_PAYMENT_PENDING);
  g_assert_true (parla_booking_is_active (booking));
  g_assert_cmpint (parla_booking_get_hold_expires_at (booking), ==, MARCH_1_10H - 45 * 60);
  g_assert_cmpstr (parla_booking_get_checkout_url (booking), ==, "https://checkout.stripe.com/c/pay/cs_1");
  g_assert_null (parla_booking_get_refund_status (booking));
  assert_booking_round_trip (booking);

  /* Released: expired, no longer holding the time, and the nulls written. */
  parla_booking_set_status (booking, PARLA_BOOKING_EXPIRED);
  parla_booking_set_hold_expires_at (booking, 0);
  parla_booking_set_checkout_url (booking, NULL);
  g_assert_false (parla_booking_is_active (booking));
  text = booking_text (booking);
  g_assert_nonnull (strstr (text, "\"hold_expires_at\":null"));
  g_assert_nonnull (strstr (text, "\"checkout_url\":null"));
  g_assert_nonnull (strstr (text, "\"status\":\"expired\""));

  json_object_set_string_member (object, "status", "cancelled");
  json_object_set_string_member (object, "refund_status", "succeeded");
  refunded = booking_from_node (node);
  g_assert_cmpstr (parla_booking_get_refund_status (refunded), ==, "succeeded");
  assert_booking_round_trip (refunded);

  /* Properties notify once per change. */
  {
    g_autoptr(GHashTable) counts = watch_notify (booking);
    g_autofree char *url = NULL;

    parla_booking_set_hold_expires_at (booking, 0);
    parla_booking_set_checkout_url (booking, NULL);
    parla_booking_set_refund_status (booking, NULL);
    g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

    parla_booking_set_hold_expires_at (booking, 100);
    g_object_set (booking, "hold-expires-at", (gint64) 100, "checkout-url", "https://x.test/c", NULL);
    parla_booking_set_checkout_url (booking, "https://x.test/c");
    parla_booking_set_refund_status (booking, "pending");
    parla_booking_set_refund_status (booking, "pending");
    g_assert_cmpuint (notify_count (counts, "hold-expires-at"), ==, 1);
    g_assert_cmpuint (notify_count (counts, "checkout-url"), ==, 1);
    g_assert_cmpuint (notify_count (counts, "refund-status"), ==, 1);
    g_object_get (booking, "checkout-url", &url, NULL);
    g_assert_cmpstr (url, ==, "https://x.test/c");
  }

  /* Only the provider's states */
  json_object_set_string_member (object, "refund_status", "maybe");
  g_assert_null (parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
}

static void
test_booking_optional (void)
{
  g_autoptr(JsonNode) node = booking_node (FALSE);
  JsonObject *object = json_node_get_object (node);
  g_autoptr(ParlaBooking) booking = NULL;

  /* Names, topic and message default to "" whether absent or null. */
  json_object_remove_member (object, "learner_name");
  json_object_remove_member (object, "message");
  json_object_set_null_member (object, "topic");
  json_object_set_null_member (object, "teacher_name");

  booking = booking_from_node (node);
  g_assert_cmpstr (parla_booking_get_learner_name (booking), ==, "");
  g_assert_cmpstr (parla_booking_get_teacher_name (booking), ==, "");
  g_assert_cmpstr (parla_booking_get_topic (booking), ==, "");
  g_assert_cmpstr (parla_booking_get_message (booking), ==, "");

  assert_booking_round_trip (booking);
}

static void
test_booking_invalid (void)
{
  static const struct {
    const char *member;
    const char *value;  /* NULL = remove */
    const char *field;
  } cases[] = {
    { "id", NULL, "id" },
    { "kind", "\"seat\"", "kind" },
    { "learner_id", NULL, "learner_id" },
    { "teacher_id", "null", "teacher_id" },
    { "title", NULL, "title" },
    { "start", "\"2026-03-01 10:00\"", "start" },
    { "end", NULL, "end" },
    { "status", "\"done\"", "status" },
    { "price_minor", "-1", "price_minor" },
    { "price_minor", "\"20\"", "price_minor" },
    { "currency", "\"eur\"", "currency" },
    { "fee_minor", "-5", "fee_minor" },
    { "fee_minor", NULL, "fee_minor" },
    { "refund_minor", "10.5", "refund_minor" },
    { "cancelled_by", "\"admin\"", "cancelled_by" },
    { "cancelled_at", "\"yesterday\"", "cancelled_at" },
    { "created_at", NULL, "created_at" },
    { "policy", NULL, "policy" },
    { "policy", "null", "policy" },
    { "policy", "\"default\"", "policy" },
    { "history", "{}", "history" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = booking_node (FALSE);
      JsonObject *object = json_node_get_object (node);
      g_autoptr(ParlaBooking) booking = NULL;
      g_autoptr(GError) error = NULL;

      if (cases[i].value == NULL)
        json_object_remove_member (object, cases[i].member);
      else
        json_object_set_member (object, cases[i].member, parse (cases[i].value));

      booking = parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, &error);
      g_assert_null (booking);
      assert_field_error (error, cases[i].field);
    }
}

static void
test_booking_policy_member (void)
{
  g_autoptr(JsonNode) node = booking_node (FALSE);
  JsonObject *policy = json_object_get_object_member (json_node_get_object (node), "policy");
  g_autoptr(GList) members = json_object_get_members (policy);
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *name = NULL;
  g_autofree char *expected = NULL;

  /* A broken member of the snapshot is named below "policy". */
  g_assert_nonnull (members);
  name = g_strdup (members->data);
  expected = g_strconcat ("policy.", name, NULL);
  json_object_set_string_member (policy, name, "many");

  booking = parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_null (booking);
  assert_field_error (error, expected);
}

static void
test_booking_history (void)
{
  g_autoptr(JsonNode) node = booking_node (FALSE);
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(ParlaBookingChange) created = NULL;
  g_autoptr(ParlaBookingChange) moved = NULL;
  g_autoptr(GHashTable) counts = NULL;
  g_autofree char *text = NULL;
  GPtrArray *history;
  ParlaBookingChange *change;

  booking = booking_from_node (node);
  counts = watch_notify (booking);

  created = parla_booking_change_new (MARCH_1_10H - 86400, PARLA_BOOKING_ACTION_CREATED,
                                      "u-1", PARLA_BOOKING_PENDING);
  moved = parla_booking_change_new (MARCH_1_10H - 3600, PARLA_BOOKING_ACTION_RESCHEDULED,
                                    NULL, PARLA_BOOKING_CONFIRMED);
  moved->from_start = MARCH_1_10H;
  moved->from_end = MARCH_1_10H + 3600;
  moved->to_start = MARCH_1_10H + 7200;
  moved->to_end = MARCH_1_10H + 10800;

  parla_booking_add_change (booking, created);
  parla_booking_add_change (booking, moved);
  g_assert_cmpuint (notify_count (counts, "history"), ==, 2);

  text = booking_text (booking);
  g_assert_nonnull (strstr (text,
                            "\"history\":[{\"at\":\"2026-02-28T10:00:00Z\",\"action\":\"created\","
                            "\"actor_id\":\"u-1\",\"status\":\"pending\",\"from_start\":null,"
                            "\"from_end\":null,\"to_start\":null,\"to_end\":null},"));
  assert_booking_round_trip (booking);

  /* Read back from JSON. */
  g_clear_object (&booking);
  g_clear_pointer (&node, json_node_unref);
  node = parse (text);
  booking = booking_from_node (node);
  history = parla_booking_get_history (booking);
  g_assert_cmpuint (history->len, ==, 2);

  change = g_ptr_array_index (history, 0);
  g_assert_cmpint (change->action, ==, PARLA_BOOKING_ACTION_CREATED);
  g_assert_cmpstr (change->actor_id, ==, "u-1");
  g_assert_cmpint (change->status, ==, PARLA_BOOKING_PENDING);
  g_assert_cmpint (change->from_start, ==, 0);

  change = g_ptr_array_index (history, 1);
  g_assert_cmpint (change->at, ==, MARCH_1_10H - 3600);
  g_assert_cmpint (change->action, ==, PARLA_BOOKING_ACTION_RESCHEDULED);
  g_assert_null (change->actor_id);
  g_assert_cmpint (change->from_start, ==, MARCH_1_10H);
  g_assert_cmpint (change->to_end, ==, MARCH_1_10H + 10800);
}

static void
test_booking_history_invalid (void)
{
  g_autoptr(JsonNode) node = booking_node (FALSE);
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(GError) error = NULL;

  json_object_set_member (json_node_get_object (node), "history",
                          parse ("[{\"at\":\"2026-02-28T10:00:00Z\",\"action\":\"created\","
                                 "\"actor_id\":null,\"status\":\"pending\"},"
                                 "{\"at\":\"2026-02-28T11:00:00Z\",\"action\":\"teleported\","
                                 "\"status\":\"pending\"}]"));
  booking = parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_null (booking);
  assert_field_error (error, "history[1].action");
  g_clear_error (&error);

  json_object_set_member (json_node_get_object (node), "history", parse ("[42]"));
  booking = parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_null (booking);
  assert_field_error (error, "history[0]");
  g_clear_error (&error);

  json_object_set_member (json_node_get_object (node), "history",
                          parse ("[{\"at\":\"2026-02-28T10:00:00Z\",\"action\":\"created\","
                                 "\"status\":\"pending\",\"to_start\":\"soon\"}]"));
  booking = parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, &error);
  g_assert_null (booking);
  assert_field_error (error, "history[0].to_start");
}

static void
test_booking_notify (void)
{
  g_autoptr(ParlaBooking) booking = parla_booking_new ();
  g_autoptr(GHashTable) counts = watch_notify (booking);
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(ParlaPolicy) same = parla_policy_new_default ();
  g_autoptr(ParlaPolicy) other = parla_policy_new_default ();

  parla_booking_set_refund_minor (booking, -1);
  parla_booking_set_cancelled_by (booking, -1);
  parla_booking_set_cancelled_at (booking, 0);
  g_assert_cmpuint (g_hash_table_size (counts), ==, 0);

  parla_booking_set_cancelled_by (booking, PARLA_PARTY_TEACHER);
  g_object_set (booking, "cancelled-by", PARLA_PARTY_TEACHER, NULL);
  g_assert_cmpuint (notify_count (counts, "cancelled-by"), ==, 1);

  parla_booking_set_refund_minor (booking, 0);
  parla_booking_set_refund_minor (booking, 0);
  g_assert_cmpuint (notify_count (counts, "refund-minor"), ==, 1);

  parla_booking_set_status (booking, PARLA_BOOKING_CONFIRMED);
  g_assert_cmpuint (notify_count (counts, "status"), ==, 0);
  parla_booking_set_status (booking, PARLA_BOOKING_REJECTED);
  g_assert_cmpuint (notify_count (counts, "status"), ==, 1);
  g_assert_false (parla_booking_is_active (booking));

  parla_booking_set_policy (booking, policy);
  parla_booking_set_policy (booking, same);
  g_assert_cmpuint (notify_count (counts, "policy"), ==, 1);
  g_assert_true (parla_booking_get_policy (booking) == policy);
  other->platform_fee_bp += 1;
  parla_booking_set_policy (booking, other);
  g_assert_cmpuint (notify_count (counts, "policy"), ==, 2);

  parla_booking_set_topic (booking, NULL);
  g_assert_cmpuint (notify_count (counts, "topic"), ==, 0);
  parla_booking_set_topic (booking, "Food");
  g_assert_cmpuint (notify_count (counts, "topic"), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/offering/materials/defaults", test_materials_defaults);
  g_test_add_func ("/core/offering/materials/limits", test_materials_limits);
  g_test_add_func ("/core/offering/round-trip", test_offering_round_trip);
  g_test_add_func ("/core/offering/input-defaults", test_offering_input_defaults);
  g_test_add_func ("/core/offering/group-capacity", test_offering_group_capacity);
  g_test_add_func ("/core/offering/not-object", test_offering_not_object);
  g_test_add_func ("/core/offering/notify", test_offering_notify);
  for (guint i = 0; i < G_N_ELEMENTS (offering_invalid); i++)
    g_test_add_data_func (offering_invalid[i].path, &offering_invalid[i], test_offering_invalid);

  g_test_add_func ("/core/session/round-trip", test_session_round_trip);
  g_test_add_func ("/core/session/round-trip-nulls", test_session_round_trip_nulls);
  g_test_add_func ("/core/session/input-defaults", test_session_input_defaults);
  g_test_add_func ("/core/session/apply/reschedule", test_session_apply_reschedule);
  g_test_add_func ("/core/session/apply/invalid", test_session_apply_invalid);
  g_test_add_func ("/core/session/apply/status", test_session_apply_status);
  g_test_add_func ("/core/session/apply/fields", test_session_apply_fields);
  g_test_add_func ("/core/session/notify", test_session_notify);
  for (guint i = 0; i < G_N_ELEMENTS (session_invalid); i++)
    g_test_add_data_func (session_invalid[i].path, &session_invalid[i], test_session_invalid);

  g_test_add_func ("/core/booking/round-trip", test_booking_round_trip);
  g_test_add_func ("/core/booking/cancelled", test_booking_cancelled);
  g_test_add_func ("/core/booking/optional", test_booking_optional);
  g_test_add_func ("/core/booking/payment", test_booking_payment);
  g_test_add_func ("/core/booking/invalid", test_booking_invalid);
  g_test_add_func ("/core/booking/policy-member", test_booking_policy_member);
  g_test_add_func ("/core/booking/history", test_booking_history);
  g_test_add_func ("/core/booking/history-invalid", test_booking_history_invalid);
  g_test_add_func ("/core/booking/notify", test_booking_notify);

  return g_test_run ();
}
