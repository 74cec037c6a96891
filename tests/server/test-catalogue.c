/* test-catalogue.c: teacher profiles, the teacher catalogue, availability
 * and slots, and offerings, over real HTTP
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "parla-test-server.h"

#define STRV(...) ((const char * const[]) { __VA_ARGS__, NULL })
#define EMPTY_STRV ((const char * const[]) { NULL })

/* The fixed clock: Monday 2026-11-23, 10:00 UTC (11:00 in Madrid). */
#define T0_TEXT "2026-11-23T10:00:00Z"

static gint64
instant (const char *text)
{
  gint64 value = 0;

  if (!parla_time_parse_rfc3339 (text, &value, NULL))
    g_error ("Bad instant in the test: %s", text);
  return value;
}

/* Starts a server whose clock stands at @now_text. Tokens are issued at
 * the server's "now", so the clock must be set before anyone registers. */
static PtServer *
start_at (const char *now_text)
{
  PtServer *server = pt_server_start (NULL, NULL);

  pt_server_set_now (server, instant (now_text));
  return server;
}

static PtResponse *
request (PtServer   *server,
         const char *method,
         const char *token,
         const char *body,
         const char *path_format,
         ...) G_GNUC_PRINTF (5, 6);

/* The path may carry server-made ids; never user text. */
static PtResponse *
request (PtServer   *server,
         const char *method,
         const char *token,
         const char *body,
         const char *path_format,
         ...)
{
  g_autofree char *path = NULL;
  va_list args;

  va_start (args, path_format);
  path = g_strdup_vprintf (path_format, args);
  va_end (args);

  return pt_request (server, method, path, token, body, NULL);
}

#define assert_invalid(resp, expected_field) \
  G_STMT_START { \
    pt_assert_error (resp, 400, "invalid_input"); \
    g_assert_cmpstr (pt_str (resp, "error.field"), ==, expected_field); \
  } G_STMT_END

static guint
array_length (PtResponse *response,
              const char *path)
{
  JsonNode *node = response->json ? pt_json_get (response->json, path) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    g_error ("%s is not an array in %s", path, response->body);
  return json_array_get_length (json_node_get_array (node));
}

static void
assert_null (PtResponse *response,
             const char *path)
{
  JsonNode *node = response->json ? pt_json_get (response->json, path) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_NULL (node))
    g_error ("%s is not null in %s", path, response->body);
}

static gboolean
get_bool (PtResponse *response,
          const char *path)
{
  JsonNode *node = response->json ? pt_json_get (response->json, path) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    g_error ("%s is not a boolean in %s", path, response->body);
  return json_node_get_boolean (node);
}

static void
assert_strv (PtResponse         *response,
             const char         *path,
             const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (array_length (response, path), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item = g_strdup_printf ("%s[%u]", path, i);

      g_assert_cmpstr (pt_str (response, item), ==, expected[i]);
    }
}

/* The ids of a list response's items, in order, and its total. */
static void
assert_ids (PtResponse         *response,
            const char         *array_path,
            const char * const *expected)
{
  guint n = g_strv_length ((char **) expected);

  g_assert_cmpuint (array_length (response, array_path), ==, n);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *item = g_strdup_printf ("%s[%u].id", array_path, i);

      g_assert_cmpstr (pt_str (response, item), ==, expected[i]);
    }
}

static void
assert_page (PtResponse         *response,
             gint64              total,
             gint64              page,
             gint64              limit,
             const char * const *ids)
{
  pt_assert_status (response, 200);
  assert_ids (response, "items", ids);
  g_assert_cmpint (pt_int (response, "total"), ==, total);
  g_assert_cmpint (pt_int (response, "page"), ==, page);
  g_assert_cmpint (pt_int (response, "limit"), ==, limit);
}

static void
assert_json_equal (JsonNode   *actual,
                   JsonNode   *expected,
                   const char *what)
{
  if (actual == NULL || expected == NULL || !json_node_equal (actual, expected))
    {
      g_autofree char *a = actual ? json_to_string (actual, FALSE) : g_strdup ("(none)");
      g_autofree char *e = expected ? json_to_string (expected, FALSE) : g_strdup ("(none)");

      g_error ("%s differs:\n  got      %s\n  expected %s", what, a, e);
    }
}

static void
assert_json_text (PtResponse *response,
                  const char *path,
                  const char *expected_json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonNode *actual;

  json_parser_load_from_data (parser, expected_json, -1, &error);
  g_assert_no_error (error);

  actual = response->json ? (path ? pt_json_get (response->json, path) : response->json) : NULL;
  assert_json_equal (actual, json_parser_get_root (parser), path ? path : response->body);
}

/* Slots: exact starts (RFC 3339, UTC), each @duration minutes long. */
static void
assert_slots (PtResponse         *response,
              const char         *time_zone,
              int                 duration,
              const char * const *starts)
{
  guint n = g_strv_length ((char **) starts);

  pt_assert_status (response, 200);
  g_assert_cmpstr (pt_str (response, "time_zone"), ==, time_zone);
  g_assert_cmpint (pt_int (response, "duration_minutes"), ==, duration);

  if (array_length (response, "slots") != n)
    g_error ("expected %u slots, got %u: %s", n, array_length (response, "slots"), response->body);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *start_path = g_strdup_printf ("slots[%u].start", i);
      g_autofree char *end_path = g_strdup_printf ("slots[%u].end", i);
      g_autofree char *end = pt_instant (instant (starts[i]) + (gint64) duration * 60);

      g_assert_cmpstr (pt_str (response, start_path), ==, starts[i]);
      g_assert_cmpstr (pt_str (response, end_path), ==, end);
    }
}

/* 1. Teacher profiles */

static const char lucia_profile[] =
  "{\"bio\":\"Profesora nativa de Madrid, diez años con adultos.\","
  "\"languages\":[\"es\",\"en\"],"
  "\"subjects\":[\"conversation\",\"grammar\"],"
  "\"levels\":[\"A2\",\"B1\"],"
  "\"specializations\":[\"business\"],"
  "\"accent\":\"Madrid\","
  "\"time_zone\":\"Europe/Madrid\"}";

static void
assert_lucia_profile (PtResponse *response,
                      const char *id)
{
  pt_assert_status (response, 200);
  g_assert_cmpstr (pt_str (response, "id"), ==, id);
  g_assert_cmpstr (pt_str (response, "display_name"), ==, "lucia@example.com");
  g_assert_cmpstr (pt_str (response, "bio"), ==, "Profesora nativa de Madrid, diez años con adultos.");
  assert_strv (response, "languages", STRV ("es", "en"));
  assert_strv (response, "subjects", STRV ("conversation", "grammar"));
  assert_strv (response, "levels", STRV ("A2", "B1"));
  assert_strv (response, "specializations", STRV ("business"));
  g_assert_cmpstr (pt_str (response, "accent"), ==, "Madrid");
  g_assert_cmpstr (pt_str (response, "time_zone"), ==, "Europe/Madrid");
  assert_null (response, "photo_url");
  assert_null (response, "rating");
  g_assert_cmpint (pt_int (response, "rating_count"), ==, 0);
  assert_null (response, "price_from_minor");
  g_assert_cmpstr (pt_str (response, "currency"), ==, "EUR");
  g_assert_false (get_bool (response, "has_free_offering"));
  g_assert_cmpuint (array_length (response, "offerings"), ==, 0);
}

static void
test_profile_roundtrip (void)
{
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *student_id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autofree char *student = pt_register (server, "sam@example.com", "student", &student_id);
  g_autoptr(PtResponse) put = NULL;
  g_autoptr(PtResponse) get = NULL;
  g_autoptr(PtResponse) get_signed_in = NULL;
  g_autoptr(PtResponse) by_student = NULL;
  g_autoptr(PtResponse) anonymous = NULL;
  g_autoptr(PtResponse) after = NULL;

  put = pt_request (server, "PUT", "/api/v1/me/teacher-profile", token, lucia_profile, NULL);
  assert_lucia_profile (put, id);

  /* Public: no token needed, and the same document either way. */
  get = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s", id);
  assert_lucia_profile (get, id);
  assert_json_equal (get->json, put->json, "GET /teachers/{id}");

  get_signed_in = request (server, "GET", student, NULL, "/api/v1/teachers/%s", id);
  assert_json_equal (get_signed_in->json, put->json, "GET /teachers/{id} with a token");

  by_student = pt_request (server, "PUT", "/api/v1/me/teacher-profile", student, lucia_profile, NULL);
  pt_assert_error (by_student, 403, "forbidden");

  anonymous = pt_request (server, "PUT", "/api/v1/me/teacher-profile", NULL, lucia_profile, NULL);
  pt_assert_error (anonymous, 401, "unauthorized");

  /* The student did not get a teacher profile out of it. */
  after = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s", student_id);
  pt_assert_error (after, 404, "not_found");

  pt_server_stop (server);
}

static void
test_profile_replace (void)
{
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autoptr(PtResponse) first = NULL;
  g_autoptr(PtResponse) second = NULL;
  g_autoptr(PtResponse) get = NULL;

  first = pt_request (server, "PUT", "/api/v1/me/teacher-profile", token, lucia_profile, NULL);
  assert_lucia_profile (first, id);

  /* The whole profile is replaced; members not sent become empty, and
   * repeated items are dropped. */
  second = pt_request (server, "PUT", "/api/v1/me/teacher-profile", token,
                       "{\"languages\":[\"pt\",\"pt\",\"es\"],\"time_zone\":\"America/Sao_Paulo\"}", NULL);
  pt_assert_status (second, 200);
  g_assert_cmpstr (pt_str (second, "bio"), ==, "");
  assert_strv (second, "languages", STRV ("pt", "es"));
  assert_strv (second, "subjects", EMPTY_STRV);
  assert_strv (second, "levels", EMPTY_STRV);
  assert_strv (second, "specializations", EMPTY_STRV);
  g_assert_cmpstr (pt_str (second, "accent"), ==, "");
  g_assert_cmpstr (pt_str (second, "time_zone"), ==, "America/Sao_Paulo");

  get = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s", id);
  assert_json_equal (get->json, second->json, "GET after a second PUT");

  pt_server_stop (server);
}

static void
test_profile_invalid (void)
{
  static const struct {
    const char *body;
    const char *field;
  } cases[] = {
    { "{\"bio\":\"Changed\",\"languages\":[\"es\"],\"time_zone\":\"Mars/Base\"}", "time_zone" },
    { "{\"bio\":\"Changed\",\"languages\":[\"es\"],\"time_zone\":\"+02:00\"}", "time_zone" },
    { "{\"bio\":\"Changed\",\"languages\":[\"ES\"],\"time_zone\":\"Europe/Madrid\"}", "languages[0]" },
    { "{\"bio\":\"Changed\",\"languages\":[\"es\",\"english\"],\"time_zone\":\"Europe/Madrid\"}", "languages[1]" },
    { "{\"bio\":\"Changed\",\"languages\":[\"es\"],\"levels\":[\"Z9\"],\"time_zone\":\"Europe/Madrid\"}", "levels[0]" },
    { "{\"bio\":\"Changed\",\"languages\":[\"es\"],\"specializations\":[\"cooking\"],\"time_zone\":\"Europe/Madrid\"}",
      "specializations[0]" },
    { "{\"bio\":\"Changed\",\"time_zone\":\"Europe/Madrid\"}", "languages" },
    { "{\"bio\":\"Changed\",\"languages\":[],\"time_zone\":\"Europe/Madrid\"}", "languages" },
    { "{\"bio\":5,\"languages\":[\"es\"],\"time_zone\":\"Europe/Madrid\"}", "bio" },
    { "{\"bio\":\"Changed\",\"languages\":[\"es\"]}", "time_zone" },
    { "{\"bio\":\"Changed\",\"languages\":[\"es\"],\"subjects\":[\"\"],\"time_zone\":\"Europe/Madrid\"}", "subjects[0]" },
  };
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autoptr(PtResponse) stored = NULL;

  stored = pt_request (server, "PUT", "/api/v1/me/teacher-profile", token, lucia_profile, NULL);
  assert_lucia_profile (stored, id);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) bad = NULL;
      g_autoptr(PtResponse) get = NULL;

      g_test_message ("case %u: %s", i, cases[i].body);
      bad = pt_request (server, "PUT", "/api/v1/me/teacher-profile", token, cases[i].body, NULL);
      assert_invalid (bad, cases[i].field);

      /* The stored profile is unchanged. */
      get = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s", id);
      g_assert_cmpstr (pt_str (get, "bio"), ==, "Profesora nativa de Madrid, diez años con adultos.");
      assert_json_equal (get->json, stored->json, "the profile after a rejected PUT");
    }

  pt_server_stop (server);
}

/* 2. The teacher catalogue */

typedef struct
{
  PtServer *server;
  char     *alba_id;
  char     *bruno_id;
  char     *chloe_id;
  char     *dario_id;
  char     *student_id;
  char     *alba;
  char     *bruno;
  char     *chloe;
  char     *dario;
  char     *student;
} Catalogue;

static void
put_profile (PtServer   *server,
             const char *token,
             const char *body)
{
  g_autoptr(PtResponse) response = pt_request (server, "PUT", "/api/v1/me/teacher-profile", token, body, NULL);

  pt_assert_status (response, 200);
}

static char *
create_offering (PtServer   *server,
                 const char *token,
                 const char *body)
{
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/offerings", token, body, NULL);

  pt_assert_status (response, 201);
  return g_strdup (pt_str (response, "id"));
}

/* Three listed teachers (names sort alba < bruno < chloe), one who never
 * saved a profile, and a student.
 *
 *   alba:  es en | conversation grammar | A2 B1 | business       | 2500
 *   bruno: it    | grammar literature   | B2 C1 | academic       | 0 (free only)
 *   chloe: fr es | pronunciation        | A1    | conversational | 4000 (group)
 */
static void
catalogue_setup (Catalogue *c)
{
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *ch = NULL;

  c->server = start_at (T0_TEXT);
  c->alba = pt_register (c->server, "alba@example.com", "teacher", &c->alba_id);
  c->bruno = pt_register (c->server, "bruno@example.com", "teacher", &c->bruno_id);
  c->chloe = pt_register (c->server, "chloe@example.com", "teacher", &c->chloe_id);
  c->dario = pt_register (c->server, "dario@example.com", "teacher", &c->dario_id);
  c->student = pt_register (c->server, "sam@example.com", "student", &c->student_id);

  put_profile (c->server, c->alba,
               "{\"bio\":\"Conversation coach from Sevilla.\","
               "\"languages\":[\"es\",\"en\"],\"subjects\":[\"conversation\",\"grammar\"],"
               "\"levels\":[\"A2\",\"B1\"],\"specializations\":[\"business\"],"
               "\"accent\":\"Andalusian\",\"time_zone\":\"Europe/Madrid\"}");
  put_profile (c->server, c->bruno,
               "{\"bio\":\"Literature and grammar, patient with beginners.\","
               "\"languages\":[\"it\"],\"subjects\":[\"grammar\",\"literature\"],"
               "\"levels\":[\"B2\",\"C1\"],\"specializations\":[\"academic\"],"
               "\"accent\":\"Roman\",\"time_zone\":\"Europe/Rome\"}");
  put_profile (c->server, c->chloe,
               "{\"bio\":\"Phonetics enthusiast based in Lyon, trained at the École normale.\","
               "\"languages\":[\"fr\",\"es\"],\"subjects\":[\"pronunciation\"],"
               "\"levels\":[\"A1\"],\"specializations\":[\"conversational\"],"
               "\"accent\":\"Parisian\",\"time_zone\":\"Europe/Paris\"}");

  a = create_offering (c->server, c->alba,
                       "{\"title\":\"Business Spanish\",\"topic_type\":\"flexible\","
                       "\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":2500}");
  b = create_offering (c->server, c->bruno,
                       "{\"title\":\"Prova gratuita\",\"topic_type\":\"flexible\","
                       "\"session_type\":\"individual\",\"duration_minutes\":30,\"price_minor\":0}");
  ch = create_offering (c->server, c->chloe,
                        "{\"title\":\"Atelier de prononciation\",\"topic_type\":\"fixed\","
                        "\"session_type\":\"group\",\"duration_minutes\":90,\"capacity\":6,\"price_minor\":4000}");
}

static void
catalogue_teardown (Catalogue *c)
{
  pt_server_stop (c->server);
  g_free (c->alba_id);
  g_free (c->bruno_id);
  g_free (c->chloe_id);
  g_free (c->dario_id);
  g_free (c->student_id);
  g_free (c->alba);
  g_free (c->bruno);
  g_free (c->chloe);
  g_free (c->dario);
  g_free (c->student);
}

static void
assert_listing (Catalogue          *c,
                const char         *query,
                const char * const *ids)
{
  g_autoptr(PtResponse) response = NULL;
  guint n = g_strv_length ((char **) ids);

  g_test_message ("GET /api/v1/teachers?%s", query);
  response = request (c->server, "GET", NULL, NULL, "/api/v1/teachers?%s", query);
  assert_page (response, n, 1, 20, ids);
}

static void
test_teachers_list (void)
{
  Catalogue c = { 0, };
  g_autoptr(PtResponse) all = NULL;
  g_autoptr(PtResponse) signed_in = NULL;

  catalogue_setup (&c);

  /* Unrated, so by name; dario has no languages yet and is not listed. */
  all = pt_request (c.server, "GET", "/api/v1/teachers", NULL, NULL, NULL);
  assert_page (all, 3, 1, 20, STRV (c.alba_id, c.bruno_id, c.chloe_id));

  g_assert_cmpstr (pt_str (all, "items[0].display_name"), ==, "alba@example.com");
  g_assert_cmpstr (pt_str (all, "items[0].bio"), ==, "Conversation coach from Sevilla.");
  assert_strv (all, "items[0].languages", STRV ("es", "en"));
  assert_strv (all, "items[0].subjects", STRV ("conversation", "grammar"));
  assert_strv (all, "items[0].levels", STRV ("A2", "B1"));
  assert_strv (all, "items[0].specializations", STRV ("business"));
  g_assert_cmpstr (pt_str (all, "items[0].accent"), ==, "Andalusian");
  g_assert_cmpstr (pt_str (all, "items[0].time_zone"), ==, "Europe/Madrid");
  g_assert_cmpint (pt_int (all, "items[0].price_from_minor"), ==, 2500);
  g_assert_false (get_bool (all, "items[0].has_free_offering"));
  assert_null (all, "items[0].rating");
  g_assert_cmpint (pt_int (all, "items[0].rating_count"), ==, 0);
  /* The list does not carry the offerings. */
  g_assert_false (pt_has (all, "items[0].offerings"));

  g_assert_cmpstr (pt_str (all, "items[1].display_name"), ==, "bruno@example.com");
  g_assert_cmpint (pt_int (all, "items[1].price_from_minor"), ==, 0);
  g_assert_true (get_bool (all, "items[1].has_free_offering"));

  g_assert_cmpstr (pt_str (all, "items[2].display_name"), ==, "chloe@example.com");
  g_assert_cmpint (pt_int (all, "items[2].price_from_minor"), ==, 4000);
  g_assert_false (get_bool (all, "items[2].has_free_offering"));

  /* A token changes nothing. */
  signed_in = pt_request (c.server, "GET", "/api/v1/teachers", c.student, NULL, NULL);
  assert_json_equal (signed_in->json, all->json, "the list with a token");

  /* Tags */
  assert_listing (&c, "language=es", STRV (c.alba_id, c.chloe_id));
  assert_listing (&c, "language=it", STRV (c.bruno_id));
  assert_listing (&c, "language=de", EMPTY_STRV);
  assert_listing (&c, "subject=grammar", STRV (c.alba_id, c.bruno_id));
  assert_listing (&c, "subject=pronunciation", STRV (c.chloe_id));
  assert_listing (&c, "level=B1", STRV (c.alba_id));
  assert_listing (&c, "level=A1", STRV (c.chloe_id));
  assert_listing (&c, "level=C2", EMPTY_STRV);
  assert_listing (&c, "specialization=business", STRV (c.alba_id));
  assert_listing (&c, "specialization=academic", STRV (c.bruno_id));
  assert_listing (&c, "language=es&subject=grammar", STRV (c.alba_id));
  assert_listing (&c, "language=es&level=A1", STRV (c.chloe_id));
  assert_listing (&c, "language=it&specialization=business", EMPTY_STRV);
  /* An empty parameter counts as absent. */
  assert_listing (&c, "language=&q=", STRV (c.alba_id, c.bruno_id, c.chloe_id));

  /* Prices */
  assert_listing (&c, "free=true", STRV (c.bruno_id));
  assert_listing (&c, "free=false", STRV (c.alba_id, c.chloe_id));
  assert_listing (&c, "min_price=3000", STRV (c.chloe_id));
  assert_listing (&c, "max_price=2500", STRV (c.alba_id, c.bruno_id));
  assert_listing (&c, "min_price=1000&max_price=3000", STRV (c.alba_id));
  assert_listing (&c, "min_price=0&max_price=0", STRV (c.bruno_id));
  assert_listing (&c, "min_price=2500&max_price=2500", STRV (c.alba_id));
  assert_listing (&c, "min_price=4001", EMPTY_STRV);
  /* One offering must satisfy all price filters at once. */
  assert_listing (&c, "free=true&min_price=1", EMPTY_STRV);
  assert_listing (&c, "language=es&free=false&max_price=3000", STRV (c.alba_id));

  /* Text, case-insensitive, in the name or the profile */
  assert_listing (&c, "q=SEVILLA", STRV (c.alba_id));
  assert_listing (&c, "q=Bruno", STRV (c.bruno_id));
  assert_listing (&c, "q=lyon", STRV (c.chloe_id));
  assert_listing (&c, "q=PATIENT%20WITH", STRV (c.bruno_id));
  assert_listing (&c, "q=Phonetics%20ENTHUSIAST", STRV (c.chloe_id));
  assert_listing (&c, "q=EXAMPLE.COM", STRV (c.alba_id, c.bruno_id, c.chloe_id));
  assert_listing (&c, "q=dario", EMPTY_STRV);
  assert_listing (&c, "q=nobody%20teaches%20this", EMPTY_STRV);
  /* LIKE wildcards are literal text. */
  assert_listing (&c, "q=%25", EMPTY_STRV);
  assert_listing (&c, "q=grammar&language=es", STRV (c.alba_id));

  catalogue_teardown (&c);
}

static void
test_teachers_list_paging (void)
{
  Catalogue c = { 0, };
  g_autoptr(PtResponse) first = NULL;
  g_autoptr(PtResponse) second = NULL;
  g_autoptr(PtResponse) beyond = NULL;
  g_autoptr(PtResponse) one = NULL;
  g_autoptr(PtResponse) filtered = NULL;

  catalogue_setup (&c);

  first = pt_request (c.server, "GET", "/api/v1/teachers?limit=2", NULL, NULL, NULL);
  assert_page (first, 3, 1, 2, STRV (c.alba_id, c.bruno_id));

  second = pt_request (c.server, "GET", "/api/v1/teachers?limit=2&page=2", NULL, NULL, NULL);
  assert_page (second, 3, 2, 2, STRV (c.chloe_id));

  beyond = pt_request (c.server, "GET", "/api/v1/teachers?limit=2&page=3", NULL, NULL, NULL);
  assert_page (beyond, 3, 3, 2, EMPTY_STRV);

  one = pt_request (c.server, "GET", "/api/v1/teachers?limit=1&page=2", NULL, NULL, NULL);
  assert_page (one, 3, 2, 1, STRV (c.bruno_id));

  /* The total counts the filtered items over all pages. */
  filtered = pt_request (c.server, "GET", "/api/v1/teachers?language=es&limit=1&page=2", NULL, NULL, NULL);
  assert_page (filtered, 2, 2, 1, STRV (c.chloe_id));

  catalogue_teardown (&c);
}

static void
test_teachers_list_invalid (void)
{
  static const struct {
    const char *query;
    const char *field;
  } cases[] = {
    { "free=maybe", "free" },
    { "min_price=-1", "min_price" },
    { "min_price=cheap", "min_price" },
    { "max_price=2147483648", "max_price" },
    { "min_price=2000&max_price=1000", "max_price" },
    { "page=0", "page" },
    { "limit=0", "limit" },
    { "limit=101", "limit" },
  };
  PtServer *server = start_at (T0_TEXT);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = NULL;

      g_test_message ("GET /api/v1/teachers?%s", cases[i].query);
      response = request (server, "GET", NULL, NULL, "/api/v1/teachers?%s", cases[i].query);
      assert_invalid (response, cases[i].field);
    }

  pt_server_stop (server);
}

/* The catalogue searches the text of the profile, not the way it happens
 * to be stored: member names and JSON punctuation are not text a teacher
 * wrote. */
static void
test_teachers_search_structure (void)
{
  Catalogue c = { 0, };

  catalogue_setup (&c);

  /* "es" is in the profiles of alba and chloe (a language they teach),
   * not in bruno's. */
  assert_listing (&c, "q=es", STRV (c.alba_id, c.chloe_id));
  assert_listing (&c, "q=subjects", EMPTY_STRV);
  assert_listing (&c, "q=time_zone", EMPTY_STRV);
  assert_listing (&c, "q=%22", EMPTY_STRV);
  /* "_" is a LIKE wildcard: taken literally, no teacher wrote one. */
  assert_listing (&c, "q=_", EMPTY_STRV);

  catalogue_teardown (&c);
}

/* Case-insensitive beyond ASCII: chloe's bio says "École". */
static void
test_teachers_search_non_ascii (void)
{
  Catalogue c = { 0, };

  catalogue_setup (&c);

  assert_listing (&c, "q=%C3%89cole", STRV (c.chloe_id));
  assert_listing (&c, "q=%C3%A9cole", STRV (c.chloe_id));
  assert_listing (&c, "q=%C3%89COLE", STRV (c.chloe_id));

  catalogue_teardown (&c);
}

static void
test_teachers_not_found (void)
{
  Catalogue c = { 0, };
  g_autoptr(PtResponse) unknown = NULL;
  g_autoptr(PtResponse) student = NULL;
  g_autoptr(PtResponse) listed = NULL;

  catalogue_setup (&c);

  unknown = pt_request (c.server, "GET", "/api/v1/teachers/0123456789abcdef0123456789abcdef", NULL, NULL, NULL);
  pt_assert_error (unknown, 404, "not_found");
  assert_null (unknown, "error.field");

  student = request (c.server, "GET", NULL, NULL, "/api/v1/teachers/%s", c.student_id);
  pt_assert_error (student, 404, "not_found");

  listed = request (c.server, "GET", NULL, NULL, "/api/v1/teachers/%s", c.bruno_id);
  pt_assert_status (listed, 200);
  g_assert_cmpstr (pt_str (listed, "id"), ==, c.bruno_id);
  g_assert_cmpuint (array_length (listed, "offerings"), ==, 1);
  g_assert_cmpstr (pt_str (listed, "offerings[0].title"), ==, "Prova gratuita");

  catalogue_teardown (&c);
}

/* A teacher who never saved a profile is not listed, but their page reads
 * as an empty profile in the default zone. */
static void
test_teachers_fresh_profile (void)
{
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "dario@example.com", "teacher", &id);
  g_autoptr(PtResponse) list = NULL;
  g_autoptr(PtResponse) get = NULL;

  list = pt_request (server, "GET", "/api/v1/teachers", NULL, NULL, NULL);
  assert_page (list, 0, 1, 20, EMPTY_STRV);

  get = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s", id);
  pt_assert_status (get, 200);
  g_assert_cmpstr (pt_str (get, "id"), ==, id);
  g_assert_cmpstr (pt_str (get, "display_name"), ==, "dario@example.com");
  g_assert_cmpstr (pt_str (get, "bio"), ==, "");
  assert_strv (get, "languages", EMPTY_STRV);
  g_assert_cmpstr (pt_str (get, "time_zone"), ==, "UTC");
  assert_null (get, "price_from_minor");
  g_assert_cmpuint (array_length (get, "offerings"), ==, 0);

  pt_server_stop (server);
}

/* 3. Availability */

#define DEFAULT_RULES \
  "{\"lead_time_minutes\":120,\"buffer_before_minutes\":0,\"buffer_after_minutes\":0," \
  "\"max_per_day\":0,\"horizon_days\":60,\"granularity_minutes\":30}"

/* Mon-Fri 09:00-12:00 and 14:00-17:00 in Madrid (sent partly out of
 * order), Wednesday 2026-11-25 off. */
static const char madrid_week[] =
  "{\"time_zone\":\"Europe/Madrid\","
  "\"weekly\":["
  "{\"weekday\":1,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":1,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":2,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":2,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":5,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":5,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":3,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":3,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":4,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":4,\"start\":\"09:00\",\"end\":\"12:00\"}],"
  "\"overrides\":[{\"date\":\"2026-11-25\",\"ranges\":[]}],"
  "\"rules\":{\"lead_time_minutes\":120,\"granularity_minutes\":60,\"horizon_days\":30}}";

static const char madrid_week_normalized[] =
  "{\"time_zone\":\"Europe/Madrid\","
  "\"weekly\":["
  "{\"weekday\":1,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":1,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":2,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":2,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":3,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":3,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":4,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":4,\"start\":\"14:00\",\"end\":\"17:00\"},"
  "{\"weekday\":5,\"start\":\"09:00\",\"end\":\"12:00\"},"
  "{\"weekday\":5,\"start\":\"14:00\",\"end\":\"17:00\"}],"
  "\"overrides\":[{\"date\":\"2026-11-25\",\"ranges\":[]}],"
  "\"rules\":{\"lead_time_minutes\":120,\"buffer_before_minutes\":0,\"buffer_after_minutes\":0,"
  "\"max_per_day\":0,\"horizon_days\":30,\"granularity_minutes\":60}}";

static void
test_availability_default (void)
{
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autoptr(PtResponse) fresh = NULL;
  g_autoptr(PtResponse) zoned = NULL;
  g_autoptr(PtResponse) slots = NULL;

  /* Nothing saved at all: the registration's default zone. */
  fresh = pt_request (server, "GET", "/api/v1/me/availability", token, NULL, NULL);
  pt_assert_status (fresh, 200);
  assert_json_text (fresh, NULL,
                    "{\"time_zone\":\"UTC\",\"weekly\":[],\"overrides\":[],\"rules\":" DEFAULT_RULES "}");

  /* With a profile: an empty week in the profile's zone. */
  put_profile (server, token, lucia_profile);
  zoned = pt_request (server, "GET", "/api/v1/me/availability", token, NULL, NULL);
  pt_assert_status (zoned, 200);
  assert_json_text (zoned, NULL,
                    "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[],\"overrides\":[],\"rules\":" DEFAULT_RULES "}");

  /* No hours, no slots. */
  slots = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s/availability", id);
  assert_slots (slots, "Europe/Madrid", 60, EMPTY_STRV);

  pt_server_stop (server);
}

/* Madrid is UTC+1 in November: 09:00 local is 08:00Z, 14:00 is 13:00Z.
 * The clock stands at Monday 10:00Z; with two hours of lead time the first
 * slot is Monday afternoon (the 10:00Z morning slot is too soon). */
static const char * const week_60[] = {
  "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z", "2026-11-23T15:00:00Z",
  "2026-11-24T08:00:00Z", "2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z",
  "2026-11-24T13:00:00Z", "2026-11-24T14:00:00Z", "2026-11-24T15:00:00Z",
  /* Wednesday 25 is off */
  "2026-11-26T08:00:00Z", "2026-11-26T09:00:00Z", "2026-11-26T10:00:00Z",
  "2026-11-26T13:00:00Z", "2026-11-26T14:00:00Z", "2026-11-26T15:00:00Z",
  "2026-11-27T08:00:00Z", "2026-11-27T09:00:00Z", "2026-11-27T10:00:00Z",
  "2026-11-27T13:00:00Z", "2026-11-27T14:00:00Z", "2026-11-27T15:00:00Z",
  NULL
};

static const char * const week_60_default[] = {
  "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z", "2026-11-23T15:00:00Z",
  "2026-11-24T08:00:00Z", "2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z",
  "2026-11-24T13:00:00Z", "2026-11-24T14:00:00Z", "2026-11-24T15:00:00Z",
  "2026-11-26T08:00:00Z", "2026-11-26T09:00:00Z", "2026-11-26T10:00:00Z",
  "2026-11-26T13:00:00Z", "2026-11-26T14:00:00Z", "2026-11-26T15:00:00Z",
  "2026-11-27T08:00:00Z", "2026-11-27T09:00:00Z", "2026-11-27T10:00:00Z",
  "2026-11-27T13:00:00Z", "2026-11-27T14:00:00Z", "2026-11-27T15:00:00Z",
  "2026-11-30T08:00:00Z", "2026-11-30T09:00:00Z",
  NULL
};

/* 90 minutes at 60-minute steps fit twice in each three-hour range. */
static const char * const week_90[] = {
  "2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z",
  "2026-11-24T08:00:00Z", "2026-11-24T09:00:00Z",
  "2026-11-24T13:00:00Z", "2026-11-24T14:00:00Z",
  "2026-11-26T08:00:00Z", "2026-11-26T09:00:00Z",
  "2026-11-26T13:00:00Z", "2026-11-26T14:00:00Z",
  "2026-11-27T08:00:00Z", "2026-11-27T09:00:00Z",
  "2026-11-27T13:00:00Z", "2026-11-27T14:00:00Z",
  NULL
};

/* The horizon is 30 days: nothing starts after 2026-12-23T10:00:00Z. */
static const char * const horizon_week_60[] = {
  "2026-12-21T08:00:00Z", "2026-12-21T09:00:00Z", "2026-12-21T10:00:00Z",
  "2026-12-21T13:00:00Z", "2026-12-21T14:00:00Z", "2026-12-21T15:00:00Z",
  "2026-12-22T08:00:00Z", "2026-12-22T09:00:00Z", "2026-12-22T10:00:00Z",
  "2026-12-22T13:00:00Z", "2026-12-22T14:00:00Z", "2026-12-22T15:00:00Z",
  "2026-12-23T08:00:00Z", "2026-12-23T09:00:00Z", "2026-12-23T10:00:00Z",
  NULL
};

static void
test_availability_slots (void)
{
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autoptr(PtResponse) put = NULL;
  g_autoptr(PtResponse) mine = NULL;
  g_autoptr(PtResponse) week = NULL;
  g_autoptr(PtResponse) week_default_range = NULL;
  g_autoptr(PtResponse) longer = NULL;
  g_autoptr(PtResponse) day_off = NULL;
  g_autoptr(PtResponse) horizon = NULL;
  g_autoptr(PtResponse) beyond = NULL;
  g_autoptr(PtResponse) part = NULL;
  g_autoptr(PtResponse) no_lead = NULL;
  g_autoptr(PtResponse) monday = NULL;

  put_profile (server, token, lucia_profile);

  put = pt_request (server, "PUT", "/api/v1/me/availability", token, madrid_week, NULL);
  pt_assert_status (put, 200);
  assert_json_text (put, NULL, madrid_week_normalized);

  mine = pt_request (server, "GET", "/api/v1/me/availability", token, NULL, NULL);
  pt_assert_status (mine, 200);
  assert_json_text (mine, NULL, madrid_week_normalized);

  week = request (server, "GET", NULL, NULL,
                  "/api/v1/teachers/%s/availability?from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z&duration=60",
                  id);
  assert_slots (week, "Europe/Madrid", 60, week_60);

  /* from defaults to now, to to seven days later (exclusive), duration
   * to 60: the same week plus next Monday before 10:00Z. */
  week_default_range = request (server, "GET", token, NULL, "/api/v1/teachers/%s/availability", id);
  assert_slots (week_default_range, "Europe/Madrid", 60, week_60_default);

  longer = request (server, "GET", NULL, NULL,
                    "/api/v1/teachers/%s/availability?from=2026-11-23T00:00:00Z&to=2026-11-30T00:00:00Z&duration=90",
                    id);
  assert_slots (longer, "Europe/Madrid", 90, week_90);

  day_off = request (server, "GET", NULL, NULL,
                     "/api/v1/teachers/%s/availability?from=2026-11-24T23:00:00Z&to=2026-11-25T23:00:00Z&duration=60",
                     id);
  assert_slots (day_off, "Europe/Madrid", 60, EMPTY_STRV);

  horizon = request (server, "GET", NULL, NULL,
                     "/api/v1/teachers/%s/availability?from=2026-12-21T00:00:00Z&to=2026-12-28T00:00:00Z&duration=60",
                     id);
  assert_slots (horizon, "Europe/Madrid", 60, horizon_week_60);

  beyond = request (server, "GET", NULL, NULL,
                    "/api/v1/teachers/%s/availability?from=2026-12-23T10:00:01Z&to=2027-01-20T00:00:00Z",
                    id);
  assert_slots (beyond, "Europe/Madrid", 60, EMPTY_STRV);

  /* A range that starts inside a slot only has the slots that start in it;
   * "to" is exclusive. */
  part = request (server, "GET", NULL, NULL,
                  "/api/v1/teachers/%s/availability?from=2026-11-24T08:30:00Z&to=2026-11-24T13:00:00Z",
                  id);
  assert_slots (part, "Europe/Madrid", 60, STRV ("2026-11-24T09:00:00Z", "2026-11-24T10:00:00Z"));

  /* Without lead time, Monday's 10:00Z slot (starting now) comes back,
   * but nothing that has already started. */
  no_lead = pt_request (server, "PUT", "/api/v1/me/availability", token,
                        "{\"time_zone\":\"Europe/Madrid\","
                        "\"weekly\":[{\"weekday\":1,\"start\":\"09:00\",\"end\":\"12:00\"}],"
                        "\"rules\":{\"lead_time_minutes\":0,\"granularity_minutes\":60,\"horizon_days\":30}}",
                        NULL);
  pt_assert_status (no_lead, 200);
  monday = request (server, "GET", NULL, NULL,
                    "/api/v1/teachers/%s/availability?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z",
                    id);
  assert_slots (monday, "Europe/Madrid", 60, STRV ("2026-11-23T10:00:00Z"));

  pt_server_stop (server);
}

static void
test_availability_slot_errors (void)
{
  static const struct {
    const char *query;
    const char *field;
  } cases[] = {
    { "from=yesterday", "from" },
    { "from=2026-11-23", "from" },
    { "from=2026-11-23T10:00:00", "from" },
    { "to=2026-11-30%2010:00", "to" },
    { "from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z", "to" },
    { "from=2026-11-23T00:00:00Z&to=2026-11-23T00:00:00Z", "to" },
    { "from=2026-11-23T00:00:00Z&to=2027-01-24T00:00:01Z", "to" },
    { "duration=5", "duration" },
    { "duration=14", "duration" },
    { "duration=241", "duration" },
    { "duration=300", "duration" },
    { "duration=sixty", "duration" },
    { "duration=0", "duration" },
  };
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autoptr(PtResponse) put = NULL;
  g_autoptr(PtResponse) longest = NULL;
  g_autoptr(PtResponse) shortest = NULL;
  g_autoptr(PtResponse) unknown = NULL;

  put = pt_request (server, "PUT", "/api/v1/me/availability", token, madrid_week, NULL);
  pt_assert_status (put, 200);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = NULL;

      g_test_message ("GET /teachers/{id}/availability?%s", cases[i].query);
      response = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s/availability?%s", id, cases[i].query);
      assert_invalid (response, cases[i].field);
    }

  /* The limits themselves are fine: 62 days, 15 and 240 minutes. */
  longest = request (server, "GET", NULL, NULL,
                     "/api/v1/teachers/%s/availability?from=2026-11-23T00:00:00Z&to=2027-01-24T00:00:00Z&duration=240",
                     id);
  assert_slots (longest, "Europe/Madrid", 240, EMPTY_STRV);

  shortest = request (server, "GET", NULL, NULL,
                      "/api/v1/teachers/%s/availability?from=2026-11-23T13:00:00Z&to=2026-11-23T14:30:00Z&duration=15",
                      id);
  assert_slots (shortest, "Europe/Madrid", 15, STRV ("2026-11-23T13:00:00Z", "2026-11-23T14:00:00Z"));

  unknown = pt_request (server, "GET", "/api/v1/teachers/0123456789abcdef0123456789abcdef/availability", NULL, NULL, NULL);
  pt_assert_error (unknown, 404, "not_found");

  pt_server_stop (server);
}

static void
test_availability_invalid_put (void)
{
  static const struct {
    const char *body;
    const char *field;
  } cases[] = {
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[{\"weekday\":8,\"start\":\"09:00\",\"end\":\"12:00\"}]}",
      "weekly[0].weekday" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[{\"weekday\":0,\"start\":\"09:00\",\"end\":\"12:00\"}]}",
      "weekly[0].weekday" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[{\"weekday\":1,\"start\":\"9:00\",\"end\":\"12:00\"}]}",
      "weekly[0].start" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[{\"weekday\":1,\"start\":\"09:00\",\"end\":\"12:00\"},"
      "{\"weekday\":2,\"start\":\"12:00\",\"end\":\"09:00\"}]}",
      "weekly[1].end" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[{\"weekday\":1,\"start\":\"09:00\",\"end\":\"09:00\"}]}",
      "weekly[0].end" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[{\"weekday\":1,\"start\":\"24:00\",\"end\":\"24:00\"}]}",
      "weekly[0].start" },
    { "{\"time_zone\":\"Mars/Base\",\"weekly\":[]}", "time_zone" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[],\"overrides\":[{\"date\":\"2026-02-30\",\"ranges\":[]}]}",
      "overrides[0].date" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[],\"overrides\":[{\"date\":\"2026-12-24\",\"ranges\":[]},"
      "{\"date\":\"2026-12-24\",\"ranges\":[]}]}",
      "overrides[1].date" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[],\"overrides\":[{\"date\":\"2026-12-24\","
      "\"ranges\":[{\"start\":\"10:00\",\"end\":\"25:00\"}]}]}",
      "overrides[0].ranges[0].end" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[],\"rules\":{\"granularity_minutes\":0}}",
      "rules.granularity_minutes" },
    { "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[],\"rules\":{\"lead_time_minutes\":-1}}",
      "rules.lead_time_minutes" },
    { "{\"time_zone\":\"Europe/Madrid\"}", "weekly" },
  };
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autoptr(PtResponse) stored = NULL;

  stored = pt_request (server, "PUT", "/api/v1/me/availability", token, madrid_week, NULL);
  pt_assert_status (stored, 200);
  assert_json_text (stored, NULL, madrid_week_normalized);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) bad = NULL;
      g_autoptr(PtResponse) mine = NULL;

      g_test_message ("case %u: %s", i, cases[i].body);
      bad = pt_request (server, "PUT", "/api/v1/me/availability", token, cases[i].body, NULL);
      assert_invalid (bad, cases[i].field);

      mine = pt_request (server, "GET", "/api/v1/me/availability", token, NULL, NULL);
      pt_assert_status (mine, 200);
      assert_json_text (mine, NULL, madrid_week_normalized);
    }

  pt_server_stop (server);
}

static void
test_availability_forbidden (void)
{
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *student = pt_register (server, "sam@example.com", "student", NULL);
  g_autoptr(PtResponse) get = NULL;
  g_autoptr(PtResponse) put = NULL;
  g_autoptr(PtResponse) anonymous = NULL;

  get = pt_request (server, "GET", "/api/v1/me/availability", student, NULL, NULL);
  pt_assert_error (get, 403, "forbidden");

  put = pt_request (server, "PUT", "/api/v1/me/availability", student, madrid_week, NULL);
  pt_assert_error (put, 403, "forbidden");

  anonymous = pt_request (server, "GET", "/api/v1/me/availability", NULL, NULL, NULL);
  pt_assert_error (anonymous, 401, "unauthorized");

  pt_server_stop (server);
}

/* 4. Daylight saving time, end to end: Sunday 01:00-04:00 in Berlin */

static const char berlin_sundays[] =
  "{\"time_zone\":\"Europe/Berlin\","
  "\"weekly\":[{\"weekday\":7,\"start\":\"01:00\",\"end\":\"04:00\"}],"
  "\"rules\":{\"lead_time_minutes\":0,\"granularity_minutes\":60}}";

static void
run_dst_case (const char         *now,
              const char         *from,
              const char         *to,
              const char * const *expected)
{
  PtServer *server = start_at (now);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "jonas@example.com", "teacher", &id);
  g_autoptr(PtResponse) put = NULL;
  g_autoptr(PtResponse) slots = NULL;

  put = pt_request (server, "PUT", "/api/v1/me/availability", token, berlin_sundays, NULL);
  pt_assert_status (put, 200);
  g_assert_cmpint (pt_int (put, "rules.lead_time_minutes"), ==, 0);
  g_assert_cmpint (pt_int (put, "rules.granularity_minutes"), ==, 60);

  slots = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s/availability?from=%s&to=%s&duration=60",
                   id, from, to);
  assert_slots (slots, "Europe/Berlin", 60, expected);

  pt_server_stop (server);
}

/* 2026-03-29: 02:00 CET jumps to 03:00 CEST, so 01:00-04:00 is two hours. */
static void
test_dst_spring (void)
{
  run_dst_case ("2026-03-20T10:00:00Z", "2026-03-28T22:00:00Z", "2026-03-29T22:00:00Z",
                STRV ("2026-03-29T00:00:00Z", "2026-03-29T01:00:00Z"));
}

/* 2026-10-25: 03:00 CEST falls back to 02:00 CET, so 01:00-04:00 is four. */
static void
test_dst_autumn (void)
{
  run_dst_case ("2026-10-20T10:00:00Z", "2026-10-24T22:00:00Z", "2026-10-25T23:00:00Z",
                STRV ("2026-10-24T23:00:00Z", "2026-10-25T00:00:00Z",
                      "2026-10-25T01:00:00Z", "2026-10-25T02:00:00Z"));
}

/* 5. Offerings */

static const char individual_body[] =
  "{\"title\":\"  Español para negocios  \","
  "\"description\":\"Reuniones, correos y presentaciones.\","
  "\"topic_type\":\"flexible\",\"session_type\":\"individual\","
  "\"duration_minutes\":60,\"price_minor\":2500,\"currency\":\"EUR\","
  "\"materials\":{\"prompts\":[\"Present your company\"],"
  "\"vocabulary\":[\"la factura\",\"el presupuesto\",\"el andén\"],"
  "\"grammar_points\":[\"Subjuntivo en peticiones\"],"
  "\"cultural_notes\":[\"Meetings often start with small talk\"]}}";

static const char individual_materials[] =
  "{\"prompts\":[\"Present your company\"],"
  "\"vocabulary\":[\"la factura\",\"el presupuesto\",\"el andén\"],"
  "\"grammar_points\":[\"Subjuntivo en peticiones\"],"
  "\"cultural_notes\":[\"Meetings often start with small talk\"]}";

static const char trial_body[] =
  "{\"title\":\"Free trial\",\"topic_type\":\"flexible\",\"session_type\":\"individual\","
  "\"duration_minutes\":30,\"price_minor\":0}";

static const char group_body[] =
  "{\"title\":\"Grupo de conversación B1\",\"topic_type\":\"fixed\",\"session_type\":\"group\","
  "\"duration_minutes\":90,\"capacity\":8,\"price_minor\":1200,\"currency\":\"EUR\","
  "\"requires_approval\":true}";

static const char empty_materials[] =
  "{\"prompts\":[],\"vocabulary\":[],\"grammar_points\":[],\"cultural_notes\":[]}";

typedef struct
{
  PtServer   *server;
  char       *teacher_id;
  char       *teacher;
  char       *other;
  char       *student;
  PtResponse *individual;
  PtResponse *trial;
  PtResponse *group;
} Offerings;

static PtResponse *
post_offering (Offerings  *o,
               const char *body)
{
  PtResponse *response = pt_request (o->server, "POST", "/api/v1/offerings", o->teacher, body, NULL);

  pt_assert_status (response, 201);
  /* Later ones sort after it: the list is oldest first. */
  pt_server_set_now (o->server, pt_server_get_now (o->server) + 60);
  return response;
}

static void
offerings_setup (Offerings *o)
{
  o->server = start_at (T0_TEXT);
  o->teacher = pt_register (o->server, "lucia@example.com", "teacher", &o->teacher_id);
  o->other = pt_register (o->server, "marco@example.com", "teacher", NULL);
  o->student = pt_register (o->server, "sam@example.com", "student", NULL);
  put_profile (o->server, o->teacher, lucia_profile);

  o->individual = post_offering (o, individual_body);
  o->trial = post_offering (o, trial_body);
  o->group = post_offering (o, group_body);
}

static void
offerings_teardown (Offerings *o)
{
  pt_response_free (o->individual);
  pt_response_free (o->trial);
  pt_response_free (o->group);
  pt_server_stop (o->server);
  g_free (o->teacher_id);
  g_free (o->teacher);
  g_free (o->other);
  g_free (o->student);
}

static void
assert_teacher_prices (Offerings          *o,
                       gint64              price_from,   /* -1: null */
                       gboolean            has_free,
                       const char * const *offering_ids)
{
  g_autoptr(PtResponse) teacher = request (o->server, "GET", NULL, NULL, "/api/v1/teachers/%s", o->teacher_id);

  pt_assert_status (teacher, 200);
  if (price_from < 0)
    assert_null (teacher, "price_from_minor");
  else
    g_assert_cmpint (pt_int (teacher, "price_from_minor"), ==, price_from);
  g_assert_true (get_bool (teacher, "has_free_offering") == has_free);
  assert_ids (teacher, "offerings", offering_ids);
}

static void
test_offerings_create (void)
{
  Offerings o = { 0, };
  const char *individual_id, *trial_id, *group_id;
  g_autoptr(PtResponse) list = NULL;
  g_autoptr(PtResponse) anonymous_list = NULL;
  g_autoptr(PtResponse) by_student = NULL;
  g_autoptr(PtResponse) anonymous = NULL;
  g_autoptr(PtResponse) get = NULL;
  g_autoptr(PtResponse) groups = NULL;
  g_autoptr(PtResponse) free_ones = NULL;
  g_autoptr(PtResponse) paid = NULL;
  g_autoptr(PtResponse) teacher = NULL;

  offerings_setup (&o);
  individual_id = pt_str (o.individual, "id");
  trial_id = pt_str (o.trial, "id");
  group_id = pt_str (o.group, "id");

  g_assert_nonnull (individual_id);
  g_assert_cmpuint (strlen (individual_id), >, 0);
  g_assert_cmpstr (individual_id, !=, trial_id);
  g_assert_cmpstr (trial_id, !=, group_id);

  /* The individual lesson: the title is trimmed, the rest echoed. */
  g_assert_cmpstr (pt_str (o.individual, "teacher_id"), ==, o.teacher_id);
  g_assert_cmpstr (pt_str (o.individual, "title"), ==, "Español para negocios");
  g_assert_cmpstr (pt_str (o.individual, "description"), ==, "Reuniones, correos y presentaciones.");
  g_assert_cmpstr (pt_str (o.individual, "topic_type"), ==, "flexible");
  g_assert_cmpstr (pt_str (o.individual, "session_type"), ==, "individual");
  g_assert_cmpint (pt_int (o.individual, "duration_minutes"), ==, 60);
  g_assert_cmpint (pt_int (o.individual, "capacity"), ==, 1);
  g_assert_cmpint (pt_int (o.individual, "price_minor"), ==, 2500);
  g_assert_cmpstr (pt_str (o.individual, "currency"), ==, "EUR");
  g_assert_false (get_bool (o.individual, "requires_approval"));
  g_assert_false (get_bool (o.individual, "archived"));
  assert_json_text (o.individual, "materials", individual_materials);

  /* The free trial: defaults for everything left out. */
  g_assert_cmpstr (pt_str (o.trial, "teacher_id"), ==, o.teacher_id);
  g_assert_cmpstr (pt_str (o.trial, "title"), ==, "Free trial");
  g_assert_cmpstr (pt_str (o.trial, "description"), ==, "");
  g_assert_cmpint (pt_int (o.trial, "duration_minutes"), ==, 30);
  g_assert_cmpint (pt_int (o.trial, "capacity"), ==, 1);
  g_assert_cmpint (pt_int (o.trial, "price_minor"), ==, 0);
  g_assert_cmpstr (pt_str (o.trial, "currency"), ==, "EUR");
  g_assert_false (get_bool (o.trial, "requires_approval"));
  g_assert_false (get_bool (o.trial, "archived"));
  assert_json_text (o.trial, "materials", empty_materials);

  /* The group offering */
  g_assert_cmpstr (pt_str (o.group, "teacher_id"), ==, o.teacher_id);
  g_assert_cmpstr (pt_str (o.group, "title"), ==, "Grupo de conversación B1");
  g_assert_cmpstr (pt_str (o.group, "topic_type"), ==, "fixed");
  g_assert_cmpstr (pt_str (o.group, "session_type"), ==, "group");
  g_assert_cmpint (pt_int (o.group, "duration_minutes"), ==, 90);
  g_assert_cmpint (pt_int (o.group, "capacity"), ==, 8);
  g_assert_cmpint (pt_int (o.group, "price_minor"), ==, 1200);
  g_assert_true (get_bool (o.group, "requires_approval"));
  g_assert_false (get_bool (o.group, "archived"));
  assert_json_text (o.group, "materials", empty_materials);

  /* Reading it back gives the same document. */
  get = request (o.server, "GET", NULL, NULL, "/api/v1/offerings/%s", individual_id);
  pt_assert_status (get, 200);
  assert_json_equal (get->json, o.individual->json, "GET /offerings/{id}");

  list = request (o.server, "GET", NULL, NULL, "/api/v1/offerings?teacher_id=%s", o.teacher_id);
  assert_page (list, 3, 1, 20, STRV (individual_id, trial_id, group_id));
  assert_json_equal (pt_json_get (list->json, "items[0]"), o.individual->json, "the listed individual offering");
  assert_json_equal (pt_json_get (list->json, "items[2]"), o.group->json, "the listed group offering");

  anonymous_list = pt_request (o.server, "GET", "/api/v1/offerings", NULL, NULL, NULL);
  assert_page (anonymous_list, 3, 1, 20, STRV (individual_id, trial_id, group_id));

  groups = request (o.server, "GET", NULL, NULL, "/api/v1/offerings?teacher_id=%s&session_type=group", o.teacher_id);
  assert_page (groups, 1, 1, 20, STRV (group_id));
  free_ones = request (o.server, "GET", NULL, NULL, "/api/v1/offerings?teacher_id=%s&free=true", o.teacher_id);
  assert_page (free_ones, 1, 1, 20, STRV (trial_id));
  paid = request (o.server, "GET", NULL, NULL, "/api/v1/offerings?teacher_id=%s&free=false", o.teacher_id);
  assert_page (paid, 2, 1, 20, STRV (individual_id, group_id));

  /* The teacher's page: the cheapest is the free trial. */
  assert_teacher_prices (&o, 0, TRUE, STRV (individual_id, trial_id, group_id));
  teacher = request (o.server, "GET", NULL, NULL, "/api/v1/teachers/%s", o.teacher_id);
  assert_json_equal (pt_json_get (teacher->json, "offerings[0]"), o.individual->json, "the teacher's first offering");

  by_student = pt_request (o.server, "POST", "/api/v1/offerings", o.student, trial_body, NULL);
  pt_assert_error (by_student, 403, "forbidden");
  anonymous = pt_request (o.server, "POST", "/api/v1/offerings", NULL, trial_body, NULL);
  pt_assert_error (anonymous, 401, "unauthorized");

  offerings_teardown (&o);
}

static void
test_offerings_invalid (void)
{
  static const struct {
    const char *body;
    const char *field;
  } cases[] = {
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":5,\"price_minor\":100}",
      "duration_minutes" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":241,\"price_minor\":100}",
      "duration_minutes" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"group\",\"duration_minutes\":60,\"capacity\":0,\"price_minor\":100}",
      "capacity" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60,\"capacity\":3,\"price_minor\":100}",
      "capacity" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":-1}",
      "price_minor" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":100,\"currency\":\"eur\"}",
      "currency" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":100,\"currency\":\"EURO\"}",
      "currency" },
    { "{\"title\":\"T\",\"topic_type\":\"maybe\",\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":100}",
      "topic_type" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"pair\",\"duration_minutes\":60,\"price_minor\":100}",
      "session_type" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":\"60\",\"price_minor\":100}",
      "duration_minutes" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60.5,\"price_minor\":100}",
      "duration_minutes" },
    { "{\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":100}",
      "title" },
    { "{\"title\":\"   \",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":100}",
      "title" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60}",
      "price_minor" },
    { "{\"title\":\"T\",\"topic_type\":\"fixed\",\"session_type\":\"individual\",\"duration_minutes\":60,\"price_minor\":100,"
      "\"materials\":{\"vocabulary\":[\"ok\",\"\"]}}",
      "materials.vocabulary[1]" },
  };
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *id = NULL;
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", &id);
  g_autoptr(PtResponse) list = NULL;
  g_autoptr(PtResponse) teacher = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) bad = NULL;

      g_test_message ("case %u: %s", i, cases[i].body);
      bad = pt_request (server, "POST", "/api/v1/offerings", token, cases[i].body, NULL);
      assert_invalid (bad, cases[i].field);
    }

  /* None of them was created. */
  list = request (server, "GET", NULL, NULL, "/api/v1/offerings?teacher_id=%s", id);
  assert_page (list, 0, 1, 20, EMPTY_STRV);

  put_profile (server, token, lucia_profile);
  teacher = request (server, "GET", NULL, NULL, "/api/v1/teachers/%s", id);
  pt_assert_status (teacher, 200);
  assert_null (teacher, "price_from_minor");
  g_assert_false (get_bool (teacher, "has_free_offering"));

  pt_server_stop (server);
}

static void
test_offerings_update_and_archive (void)
{
  Offerings o = { 0, };
  const char *individual_id, *trial_id, *group_id;
  g_autoptr(PtResponse) repriced = NULL;
  g_autoptr(PtResponse) repriced_get = NULL;
  g_autoptr(PtResponse) by_other = NULL;
  g_autoptr(PtResponse) after_other = NULL;
  g_autoptr(PtResponse) delete_by_other = NULL;
  g_autoptr(PtResponse) delete_by_student = NULL;
  g_autoptr(PtResponse) bad_update = NULL;
  g_autoptr(PtResponse) after_bad = NULL;
  g_autoptr(PtResponse) deleted = NULL;
  g_autoptr(PtResponse) archived = NULL;
  g_autoptr(PtResponse) list = NULL;
  g_autoptr(PtResponse) own_archive = NULL;
  g_autoptr(PtResponse) others_archive = NULL;
  g_autoptr(PtResponse) put_archived = NULL;
  g_autoptr(PtResponse) archived_again = NULL;
  g_autoptr(PtResponse) delete_individual = NULL;
  g_autoptr(PtResponse) delete_group = NULL;
  g_autoptr(JsonNode) expected = NULL;

  offerings_setup (&o);
  individual_id = pt_str (o.individual, "id");
  trial_id = pt_str (o.trial, "id");
  group_id = pt_str (o.group, "id");

  /* PUT replaces only what it names. */
  repriced = request (o.server, "PUT", o.teacher, "{\"price_minor\":3000}", "/api/v1/offerings/%s", individual_id);
  pt_assert_status (repriced, 200);
  expected = json_node_copy (o.individual->json);
  json_object_set_int_member (json_node_get_object (expected), "price_minor", 3000);
  assert_json_equal (repriced->json, expected, "the repriced offering");
  g_assert_cmpstr (pt_str (repriced, "title"), ==, "Español para negocios");

  repriced_get = request (o.server, "GET", NULL, NULL, "/api/v1/offerings/%s", individual_id);
  assert_json_equal (repriced_get->json, expected, "GET after the PUT");

  /* Another teacher can neither change nor archive it. */
  by_other = request (o.server, "PUT", o.other, "{\"price_minor\":1,\"title\":\"Mine now\"}",
                      "/api/v1/offerings/%s", individual_id);
  pt_assert_error (by_other, 403, "forbidden");
  delete_by_other = request (o.server, "DELETE", o.other, NULL, "/api/v1/offerings/%s", individual_id);
  pt_assert_error (delete_by_other, 403, "forbidden");
  delete_by_student = request (o.server, "DELETE", o.student, NULL, "/api/v1/offerings/%s", trial_id);
  pt_assert_error (delete_by_student, 403, "forbidden");
  after_other = request (o.server, "GET", NULL, NULL, "/api/v1/offerings/%s", individual_id);
  assert_json_equal (after_other->json, expected, "the offering after another teacher's PUT");

  /* The result is checked as a whole. */
  bad_update = request (o.server, "PUT", o.teacher, "{\"capacity\":4}", "/api/v1/offerings/%s", individual_id);
  assert_invalid (bad_update, "capacity");
  after_bad = request (o.server, "GET", NULL, NULL, "/api/v1/offerings/%s", individual_id);
  assert_json_equal (after_bad->json, expected, "the offering after a rejected PUT");

  assert_teacher_prices (&o, 0, TRUE, STRV (individual_id, trial_id, group_id));

  /* Archive the free trial. */
  deleted = request (o.server, "DELETE", o.teacher, NULL, "/api/v1/offerings/%s", trial_id);
  pt_assert_status (deleted, 204);
  g_assert_cmpstr (deleted->body, ==, "");

  archived = request (o.server, "GET", NULL, NULL, "/api/v1/offerings/%s", trial_id);
  pt_assert_status (archived, 200);
  g_assert_true (get_bool (archived, "archived"));
  g_clear_pointer (&expected, json_node_unref);
  expected = json_node_copy (o.trial->json);
  json_object_set_boolean_member (json_node_get_object (expected), "archived", TRUE);
  assert_json_equal (archived->json, expected, "the archived trial");

  list = request (o.server, "GET", NULL, NULL, "/api/v1/offerings?teacher_id=%s", o.teacher_id);
  assert_page (list, 2, 1, 20, STRV (individual_id, group_id));

  /* Only the teacher sees their archive. */
  own_archive = request (o.server, "GET", o.teacher, NULL,
                         "/api/v1/offerings?teacher_id=%s&include_archived=true", o.teacher_id);
  assert_page (own_archive, 3, 1, 20, STRV (individual_id, trial_id, group_id));
  others_archive = request (o.server, "GET", o.other, NULL,
                            "/api/v1/offerings?teacher_id=%s&include_archived=true", o.teacher_id);
  assert_page (others_archive, 2, 1, 20, STRV (individual_id, group_id));

  /* The cheapest current offering is now the group at 12.00. */
  assert_teacher_prices (&o, 1200, FALSE, STRV (individual_id, group_id));

  put_archived = request (o.server, "PUT", o.teacher, "{\"price_minor\":500}", "/api/v1/offerings/%s", trial_id);
  pt_assert_error (put_archived, 409, "invalid_state");
  archived_again = request (o.server, "GET", NULL, NULL, "/api/v1/offerings/%s", trial_id);
  assert_json_equal (archived_again->json, expected, "the archived trial after a PUT");

  /* Nothing left: no price at all. */
  delete_individual = request (o.server, "DELETE", o.teacher, NULL, "/api/v1/offerings/%s", individual_id);
  pt_assert_status (delete_individual, 204);
  assert_teacher_prices (&o, 1200, FALSE, STRV (group_id));
  delete_group = request (o.server, "DELETE", o.teacher, NULL, "/api/v1/offerings/%s", group_id);
  pt_assert_status (delete_group, 204);
  assert_teacher_prices (&o, -1, FALSE, EMPTY_STRV);

  offerings_teardown (&o);
}

static void
test_offerings_not_found (void)
{
  PtServer *server = start_at (T0_TEXT);
  g_autofree char *token = pt_register (server, "lucia@example.com", "teacher", NULL);
  const char *path = "/api/v1/offerings/0123456789abcdef0123456789abcdef";
  g_autoptr(PtResponse) get = pt_request (server, "GET", path, NULL, NULL, NULL);
  g_autoptr(PtResponse) put = pt_request (server, "PUT", path, token, "{\"price_minor\":1}", NULL);
  g_autoptr(PtResponse) del = pt_request (server, "DELETE", path, token, NULL, NULL);

  pt_assert_error (get, 404, "not_found");
  pt_assert_error (put, 404, "not_found");
  pt_assert_error (del, 404, "not_found");

  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/catalogue/profile/roundtrip", test_profile_roundtrip);
  g_test_add_func ("/server/catalogue/profile/replace", test_profile_replace);
  g_test_add_func ("/server/catalogue/profile/invalid", test_profile_invalid);

  g_test_add_func ("/server/catalogue/teachers/list", test_teachers_list);
  g_test_add_func ("/server/catalogue/teachers/paging", test_teachers_list_paging);
  g_test_add_func ("/server/catalogue/teachers/invalid-query", test_teachers_list_invalid);
  g_test_add_func ("/server/catalogue/teachers/search-structure", test_teachers_search_structure);
  g_test_add_func ("/server/catalogue/teachers/search-non-ascii", test_teachers_search_non_ascii);
  g_test_add_func ("/server/catalogue/teachers/not-found", test_teachers_not_found);
  g_test_add_func ("/server/catalogue/teachers/fresh-profile", test_teachers_fresh_profile);

  g_test_add_func ("/server/catalogue/availability/default", test_availability_default);
  g_test_add_func ("/server/catalogue/availability/slots", test_availability_slots);
  g_test_add_func ("/server/catalogue/availability/slot-errors", test_availability_slot_errors);
  g_test_add_func ("/server/catalogue/availability/invalid-put", test_availability_invalid_put);
  g_test_add_func ("/server/catalogue/availability/forbidden", test_availability_forbidden);
  g_test_add_func ("/server/catalogue/availability/dst-spring", test_dst_spring);
  g_test_add_func ("/server/catalogue/availability/dst-autumn", test_dst_autumn);

  g_test_add_func ("/server/catalogue/offerings/create", test_offerings_create);
  g_test_add_func ("/server/catalogue/offerings/invalid", test_offerings_invalid);
  g_test_add_func ("/server/catalogue/offerings/update-and-archive", test_offerings_update_and_archive);
  g_test_add_func ("/server/catalogue/offerings/not-found", test_offerings_not_found);

  return g_test_run ();
}
