/* test-api-client.c: ParlaApiClient against the real server on loopback
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-api-client.h"
#include "parla-test-server.h"

#define T0   1795428000  /* Monday 2026-11-23T10:00:00Z */
#define WED  1795593600  /* Wednesday 2026-11-25T08:00:00Z = 09:00 in Madrid */
#define HOUR 3600
#define DAY  (24 * HOUR)
#define MAX_BODY 16384
#define WAIT_SECONDS 30

typedef struct
{
  PtServer       *server;
  char           *teacher_token;
  char           *teacher_id;
  char           *learner_token;
  char           *learner_id;
  char           *other_token;
  char           *other_id;

  /* clients signed in as each of them */
  ParlaApiClient *teacher;
  ParlaApiClient *learner;
  ParlaApiClient *other;

  GAsyncResult   *result;
} Fixture;

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  config->max_body_bytes = MAX_BODY;
}

static ParlaApiClient *
new_client (Fixture    *f,
            const char *token)
{
  g_autoptr(GError) error = NULL;
  ParlaApiClient *client;

  client = parla_api_client_new (f->server->base_url, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (PARLA_IS_API_CLIENT (client));
  parla_api_client_set_token (client, token);

  return client;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = pt_server_start (configure, NULL);
  pt_server_set_now (f->server, T0);

  f->teacher_token = pt_register (f->server, "teacher@example.org", "teacher", &f->teacher_id);
  f->learner_token = pt_register (f->server, "learner@example.org", "student", &f->learner_id);
  f->other_token = pt_register (f->server, "other@example.org", "student", &f->other_id);

  f->teacher = new_client (f, f->teacher_token);
  f->learner = new_client (f, f->learner_token);
  f->other = new_client (f, f->other_token);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->result);
  g_assert_finalize_object (f->teacher);
  g_assert_finalize_object (f->learner);
  g_assert_finalize_object (f->other);

  pt_server_stop (f->server);
  g_free (f->teacher_token);
  g_free (f->teacher_id);
  g_free (f->learner_token);
  g_free (f->learner_id);
  g_free (f->other_token);
  g_free (f->other_id);
}

/* Async plumbing: start a call with on_result_cb and RESULT (f), then
 * finish it with await_result (f). */

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

/* Drops the result of the previous call, and gives the slot for the next. */
static GAsyncResult **
result_slot (Fixture *f)
{
  g_clear_object (&f->result);
  return &f->result;
}

#define RESULT(f) result_slot (f)

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  g_error ("A call took more than %d seconds", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

static GAsyncResult *
await_slot (GAsyncResult **slot)
{
  guint timeout_id = g_timeout_add_seconds (WAIT_SECONDS, on_wait_timeout_cb, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);

  return *slot;
}

static GAsyncResult *
await_result (Fixture *f)
{
  return await_slot (&f->result);
}

static void
on_count_cb (gpointer  object,
             guint    *count)
{
  (*count)++;
}

static void
on_notify_count_cb (GObject    *object,
                    GParamSpec *pspec,
                    guint      *count)
{
  (*count)++;
}

/* Fixture data made through the client */

static ParlaAvailability *
weekday_hours (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaAvailability) availability = parla_availability_new ("Europe/Madrid", &error);
  ParlaAvailabilityRules rules = *parla_availability_get_rules (availability);

  g_assert_no_error (error);
  for (int day = 1; day <= 5; day++)
    parla_availability_add_weekly (availability, day, 9 * 60, 17 * 60);
  rules.lead_time_minutes = 60;
  rules.granularity_minutes = 30;
  rules.horizon_days = 60;
  parla_availability_set_rules (availability, &rules);

  return g_steal_pointer (&availability);
}

static void
set_up_teacher (Fixture *f)
{
  static const char * const languages[] = { "es", NULL };
  g_autoptr(ParlaTeacher) profile = parla_teacher_new ();
  g_autoptr(ParlaTeacher) stored = NULL;
  g_autoptr(ParlaAvailability) hours = weekday_hours ();
  g_autoptr(ParlaAvailability) stored_hours = NULL;
  g_autoptr(GError) error = NULL;

  parla_teacher_set_bio (profile, "Profe");
  parla_teacher_set_languages (profile, languages);
  parla_teacher_set_time_zone (profile, "Europe/Madrid");
  parla_api_client_put_teacher_profile_async (f->teacher, profile, NULL, on_result_cb, RESULT (f));
  stored = parla_api_client_put_teacher_profile_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);

  parla_api_client_put_my_availability_async (f->teacher, hours, NULL, on_result_cb, RESULT (f));
  stored_hours = parla_api_client_put_my_availability_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
}

static ParlaOffering *
create_offering (Fixture    *f,
                 const char *title,
                 gint64      price_minor,
                 gboolean    requires_approval)
{
  g_autoptr(ParlaOffering) offering = parla_offering_new ();
  g_autoptr(GError) error = NULL;
  ParlaOffering *created;

  parla_offering_set_title (offering, title);
  parla_offering_set_topic_type (offering, PARLA_TOPIC_FLEXIBLE);
  parla_offering_set_session_type (offering, PARLA_OFFERING_INDIVIDUAL);
  parla_offering_set_duration_minutes (offering, 60);
  parla_offering_set_capacity (offering, 1);
  parla_offering_set_price_minor (offering, price_minor);
  parla_offering_set_currency (offering, "EUR");
  parla_offering_set_requires_approval (offering, requires_approval);

  parla_api_client_create_offering_async (f->teacher, offering, NULL, NULL, on_result_cb, RESULT (f));
  created = parla_api_client_create_offering_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_true (PARLA_IS_OFFERING (created));

  return created;
}

static ParlaBooking *
book_offering (Fixture        *f,
               ParlaApiClient *client,
               const char     *offering_id,
               gint64          start,
               const char     *key,
               GError        **error)
{
  parla_api_client_book_offering_async (client, offering_id, start, "Travel", "Hola", key,
                                        NULL, on_result_cb, RESULT (f));
  return parla_api_client_book_offering_finish (client, await_result (f), error);
}

static JsonNode *
send (Fixture        *f,
      ParlaApiClient *client,
      const char     *method,
      const char     *path,
      const char     *body,
      const char     *key,
      guint          *out_status,
      gboolean       *out_replayed,
      GError        **error)
{
  g_autoptr(JsonNode) node = body ? json_from_string (body, NULL) : NULL;

  parla_api_client_send_async (client, method, path, node, key, NULL, on_result_cb, RESULT (f));
  return parla_api_client_send_finish_full (client, await_result (f), out_status, out_replayed, error);
}

/* Construction */

static void
test_construct (void)
{
  static const struct {
    const char *given;
    const char *base_url;
  } valid[] = {
    { "http://127.0.0.1:8080/", "http://127.0.0.1:8080/" },
    { "http://127.0.0.1:8080", "http://127.0.0.1:8080/" },
    { "https://parla.example/prefix", "https://parla.example/prefix/" },
    { "HTTPS://parla.example/prefix/", "https://parla.example/prefix/" },
  };
  static const char * const invalid[] = {
    "", "parla.example", "ftp://parla.example/", "http://", "http://host/?q=1",
    "http://user@host/", "http://host/#top", "http://[::1/",
  };

  for (guint i = 0; i < G_N_ELEMENTS (valid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ParlaApiClient) client = parla_api_client_new (valid[i].given, NULL, &error);
      g_autofree char *property = NULL;

      g_assert_no_error (error);
      g_assert_cmpstr (parla_api_client_get_base_url (client), ==, valid[i].base_url);
      g_object_get (client, "base-url", &property, NULL);
      g_assert_cmpstr (property, ==, valid[i].base_url);
      g_assert_null (parla_api_client_get_token (client));
      g_assert_null (parla_api_client_get_token_store (client));
    }

  for (guint i = 0; i < G_N_ELEMENTS (invalid); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ParlaApiClient) client = parla_api_client_new (invalid[i], NULL, &error);

      g_test_message ("base-url “%s”", invalid[i]);
      g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
      g_assert_cmpstr (parla_error_get_field (error), ==, "base-url");
      g_assert_null (client);
    }

  /* g_initable_new() checks too. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GObject) client = g_initable_new (PARLA_TYPE_API_CLIENT, NULL, &error,
                                                "base-url", "gopher://x", NULL);

    g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
    g_assert_null (client);
  }
}

static void
test_token_property (void)
{
  g_autoptr(ParlaApiClient) client = parla_api_client_new ("http://127.0.0.1:1/", NULL, NULL);
  g_autofree char *token = NULL;
  guint notified = 0;

  g_signal_connect (client, "notify::token", G_CALLBACK (on_notify_count_cb), &notified);

  parla_api_client_set_token (client, "abc");
  g_assert_cmpstr (parla_api_client_get_token (client), ==, "abc");
  g_assert_cmpuint (notified, ==, 1);

  /* The same value again: no notification. */
  g_object_set (client, "token", "abc", NULL);
  g_assert_cmpuint (notified, ==, 1);

  g_object_get (client, "token", &token, NULL);
  g_assert_cmpstr (token, ==, "abc");

  /* An empty token is no token. */
  parla_api_client_set_token (client, "");
  g_assert_null (parla_api_client_get_token (client));
  g_assert_cmpuint (notified, ==, 2);
  parla_api_client_set_token (client, NULL);
  g_assert_cmpuint (notified, ==, 2);
}

static void
test_query (void)
{
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  g_autoptr(GDateTime) when = g_date_time_new_from_iso8601 ("2026-11-23T11:00:00.5+01:00", NULL);
  g_autofree char *text = NULL;

  g_assert_true (parla_api_query_is_empty (query));
  parla_api_query_add_string (query, "q", "Café & Crème = fun+");
  parla_api_query_add_string (query, "skipped", NULL);
  parla_api_query_add_int (query, "page", 2);
  parla_api_query_add_int (query, "min_price", -5);
  parla_api_query_add_boolean (query, "free", TRUE);
  parla_api_query_add_boolean (query, "include_archived", FALSE);
  parla_api_query_add_instant (query, "from", T0);
  parla_api_query_add_date_time (query, "to", when);
  parla_api_query_add_string (query, "a b", "/?#");
  g_assert_false (parla_api_query_is_empty (query));

  text = parla_api_query_to_string (query);
  g_assert_cmpstr (text, ==,
                   "q=Caf%C3%A9%20%26%20Cr%C3%A8me%20%3D%20fun%2B"
                   "&page=2&min_price=-5&free=true&include_archived=false"
                   "&from=2026-11-23T10%3A00%3A00Z&to=2026-11-23T10%3A00%3A00Z"
                   "&a%20b=%2F%3F%23");
}

/* Signing up, in and out */

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ParlaApiClient) client = new_client (f, NULL);
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(ParlaUser) me = NULL;
  g_autoptr(ParlaUser) again = NULL;
  g_autoptr(ParlaUser) wrong = NULL;
  g_autoptr(ParlaUser) twice = NULL;
  g_autoptr(ParlaUser) short_password = NULL;
  g_autoptr(ParlaUser) nobody = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first_token = NULL;
  guint unauthorized = 0;
  guint notified = 0;

  g_signal_connect (client, "unauthorized", G_CALLBACK (on_count_cb), &unauthorized);
  g_signal_connect (client, "notify::token", G_CALLBACK (on_notify_count_cb), &notified);

  parla_api_client_register_async (client, "sam@example.org", "correct horse battery",
                                   "Sam Taylor", PARLA_ROLE_STUDENT, NULL, on_result_cb, RESULT (f));
  user = parla_api_client_register_finish (client, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_nonnull (user);
  g_assert_cmpuint (strlen (parla_user_get_id (user)), ==, 32);
  g_assert_cmpstr (parla_user_get_email (user), ==, "sam@example.org");
  g_assert_cmpstr (parla_user_get_display_name (user), ==, "Sam Taylor");
  g_assert_cmpint (parla_user_get_role (user), ==, PARLA_ROLE_STUDENT);
  g_assert_nonnull (parla_api_client_get_token (client));
  g_assert_cmpuint (notified, ==, 1);
  first_token = g_strdup (parla_api_client_get_token (client));

  parla_api_client_get_me_async (client, NULL, on_result_cb, RESULT (f));
  me = parla_api_client_get_me_finish (client, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_user_get_id (me), ==, parla_user_get_id (user));
  g_assert_cmpstr (parla_user_get_email (me), ==, "sam@example.org");
  g_assert_cmpstr (parla_user_get_display_name (me), ==, "Sam Taylor");
  g_assert_cmpint (parla_user_get_role (me), ==, PARLA_ROLE_STUDENT);

  /* The same email again. */
  parla_api_client_register_async (client, "SAM@example.org", "correct horse battery",
                                   "Sam again", PARLA_ROLE_TEACHER, NULL, on_result_cb, RESULT (f));
  twice = parla_api_client_register_finish (client, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_EMAIL_TAKEN);
  g_assert_cmpstr (parla_error_get_field (error), ==, "email");
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 409);
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (twice);
  g_clear_error (&error);

  /* A validation error keeps its field and message. */
  parla_api_client_register_async (client, "kim@example.org", "short",
                                   "Kim", PARLA_ROLE_STUDENT, NULL, on_result_cb, RESULT (f));
  short_password = parla_api_client_register_finish (client, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, "password");
  g_assert_cmpstr (error->message, ==, "“password” needs at least 8 characters");
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 400);
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (short_password);
  g_clear_error (&error);

  /* A wrong password is the server's 401, and not a lost session. */
  parla_api_client_login_async (client, "sam@example.org", "not the password", NULL, on_result_cb, RESULT (f));
  wrong = parla_api_client_login_finish (client, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_UNAUTHORIZED);
  g_assert_cmpstr (error->message, ==, "The email or password is not correct");
  g_assert_null (parla_error_get_field (error));
  g_assert_null (wrong);
  g_assert_cmpuint (unauthorized, ==, 0);
  g_assert_cmpstr (parla_api_client_get_token (client), ==, first_token);
  g_clear_error (&error);

  parla_api_client_login_async (client, "sam@example.org", "correct horse battery", NULL, on_result_cb, RESULT (f));
  again = parla_api_client_login_finish (client, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_user_get_id (again), ==, parla_user_get_id (user));
  g_assert_cmpstr (parla_user_get_email (again), ==, "sam@example.org");
  g_assert_nonnull (parla_api_client_get_token (client));
  g_assert_cmpstr (parla_api_client_get_token (client), !=, first_token);
  g_assert_cmpuint (notified, ==, 2);

  parla_api_client_logout_async (client, NULL, on_result_cb, RESULT (f));
  g_assert_true (parla_api_client_logout_finish (client, await_result (f), &error));
  g_assert_no_error (error);
  g_assert_null (parla_api_client_get_token (client));
  g_assert_cmpuint (notified, ==, 3);

  /* Signed out: the server wants a token, and nobody is told to sign in
   * again, since nobody was signed in. */
  parla_api_client_get_me_async (client, NULL, on_result_cb, RESULT (f));
  nobody = parla_api_client_get_me_finish (client, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_UNAUTHORIZED);
  g_assert_null (nobody);
  g_assert_cmpuint (unauthorized, ==, 0);
  g_clear_error (&error);

  /* The first token still works; the one logged out does not. */
  {
    g_autoptr(PtResponse) old = pt_request (f->server, "GET", "/api/v1/me", first_token, NULL, NULL);

    pt_assert_status (old, 200);
  }
}

static void
test_unauthorized_signal (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(PtResponse) revoke = NULL;
  g_autoptr(ParlaUser) me = NULL;
  g_autoptr(ParlaUser) still = NULL;
  g_autoptr(GError) error = NULL;
  guint unauthorized = 0;

  g_signal_connect (f->learner, "unauthorized", G_CALLBACK (on_count_cb), &unauthorized);

  parla_api_client_get_me_async (f->learner, NULL, on_result_cb, RESULT (f));
  me = parla_api_client_get_me_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_user_get_id (me), ==, f->learner_id);
  g_assert_cmpuint (unauthorized, ==, 0);

  /* Signed out on another device. */
  revoke = pt_request (f->server, "POST", "/api/v1/auth/logout", f->learner_token, NULL, NULL);
  pt_assert_status (revoke, 204);

  parla_api_client_get_me_async (f->learner, NULL, on_result_cb, RESULT (f));
  still = parla_api_client_get_me_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_UNAUTHORIZED);
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 401);
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (still);
  g_assert_cmpuint (unauthorized, ==, 1);
  g_clear_error (&error);

  /* Any call with the dead token says so. */
  {
    g_autoptr(ParlaApiPage) bookings = NULL;

    parla_api_client_list_my_bookings_async (f->learner, NULL, NULL, on_result_cb, RESULT (f));
    bookings = parla_api_client_list_my_bookings_finish (f->learner, await_result (f), &error);
    g_assert_error (error, PARLA_ERROR, PARLA_ERROR_UNAUTHORIZED);
    g_assert_null (bookings);
    g_assert_cmpuint (unauthorized, ==, 2);
  }
}

/* Teachers and their availability */

static void
test_teachers (Fixture       *f,
               gconstpointer  data)
{
  static const char * const languages[] = { "es", "en", NULL };
  static const char * const subjects[] = { "conversation", "grammar", NULL };
  static const char * const levels[] = { "A2", "B1", NULL };
  static const char * const specializations[] = { "business", NULL };
  g_autoptr(ParlaTeacher) profile = parla_teacher_new ();
  g_autoptr(ParlaTeacher) stored = NULL;
  g_autoptr(ParlaTeacher) fetched = NULL;
  g_autoptr(ParlaTeacher) missing = NULL;
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  g_autoptr(ParlaAvailability) hours = weekday_hours ();
  g_autoptr(ParlaAvailability) stored_hours = NULL;
  g_autoptr(ParlaAvailability) my_hours = NULL;
  g_autoptr(ParlaAvailability) forbidden = NULL;
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(JsonNode) slots = NULL;
  g_autoptr(ParlaApiQuery) range = parla_api_query_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *wed = parla_time_format_rfc3339 (WED);
  ParlaTeacher *listed;
  JsonArray *array;
  gboolean found = FALSE;

  parla_teacher_set_bio (profile, "Native speaker from Madrid");
  parla_teacher_set_languages (profile, languages);
  parla_teacher_set_subjects (profile, subjects);
  parla_teacher_set_levels (profile, levels);
  parla_teacher_set_specializations (profile, specializations);
  parla_teacher_set_accent (profile, "Castilian");
  parla_teacher_set_time_zone (profile, "Europe/Madrid");

  parla_api_client_put_teacher_profile_async (f->teacher, profile, NULL, on_result_cb, RESULT (f));
  stored = parla_api_client_put_teacher_profile_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_teacher_get_id (stored), ==, f->teacher_id);
  g_assert_cmpstr (parla_teacher_get_display_name (stored), ==, "teacher@example.org");
  g_assert_cmpstr (parla_teacher_get_bio (stored), ==, "Native speaker from Madrid");
  g_assert_cmpstrv (parla_teacher_get_languages (stored), languages);
  g_assert_cmpstrv (parla_teacher_get_subjects (stored), subjects);
  g_assert_cmpstrv (parla_teacher_get_levels (stored), levels);
  g_assert_cmpstrv (parla_teacher_get_specializations (stored), specializations);
  g_assert_cmpstr (parla_teacher_get_accent (stored), ==, "Castilian");
  g_assert_cmpstr (parla_teacher_get_time_zone (stored), ==, "Europe/Madrid");
  g_assert_cmpint (parla_teacher_get_rating_count (stored), ==, 0);

  /* A learner has no teacher profile. */
  parla_api_client_put_teacher_profile_async (f->learner, profile, NULL, on_result_cb, RESULT (f));
  missing = parla_api_client_put_teacher_profile_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_FORBIDDEN);
  g_assert_cmpstr (error->message, ==, "Only teachers have a teacher profile");
  g_assert_null (missing);
  g_clear_error (&error);

  offering = create_offering (f, "Spanish lesson", 2000, FALSE);

  parla_api_client_get_teacher_async (f->learner, f->teacher_id, NULL, on_result_cb, RESULT (f));
  fetched = parla_api_client_get_teacher_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_teacher_get_id (fetched), ==, f->teacher_id);
  g_assert_cmpstr (parla_teacher_get_bio (fetched), ==, "Native speaker from Madrid");
  g_assert_cmpint (parla_teacher_get_price_from_minor (fetched), ==, 2000);
  g_assert_false (parla_teacher_get_has_free_offering (fetched));
  {
    JsonNode *offerings = parla_teacher_get_offerings_json (fetched);

    g_assert_nonnull (offerings);
    g_assert_true (JSON_NODE_HOLDS_ARRAY (offerings));
    g_assert_cmpuint (json_array_get_length (json_node_get_array (offerings)), ==, 1);
    g_assert_cmpstr (json_object_get_string_member (json_array_get_object_element (json_node_get_array (offerings), 0), "id"),
                     ==, parla_offering_get_id (offering));
  }

  parla_api_query_add_string (query, "language", "es");
  parla_api_query_add_string (query, "level", "B1");
  parla_api_query_add_string (query, "specialization", "business");
  parla_api_query_add_int (query, "max_price", 2500);
  parla_api_query_add_int (query, "limit", 5);
  parla_api_client_list_teachers_async (f->learner, query, NULL, on_result_cb, RESULT (f));
  page = parla_api_client_list_teachers_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (page), ==, 1);
  g_assert_true (parla_api_page_get_total_exact (page));
  g_assert_cmpint (parla_api_page_get_page (page), ==, 1);
  g_assert_cmpint (parla_api_page_get_limit (page), ==, 5);
  g_assert_cmpuint (parla_api_page_get_n_items (page), ==, 1);
  g_assert_true (g_list_model_get_item_type (parla_api_page_get_items (page)) == PARLA_TYPE_TEACHER);
  listed = parla_api_page_get_item (page, 0);
  g_assert_cmpstr (parla_teacher_get_id (listed), ==, f->teacher_id);
  g_assert_cmpstr (parla_teacher_get_accent (listed), ==, "Castilian");
  g_assert_null (parla_api_page_get_item (page, 1));

  /* A filter that matches nobody. */
  {
    g_autoptr(ParlaApiQuery) nobody = parla_api_query_new ();
    g_autoptr(ParlaApiPage) empty = NULL;

    parla_api_query_add_string (nobody, "language", "fr");
    parla_api_client_list_teachers_async (f->learner, nobody, NULL, on_result_cb, RESULT (f));
    empty = parla_api_client_list_teachers_finish (f->learner, await_result (f), &error);
    g_assert_no_error (error);
    g_assert_cmpint (parla_api_page_get_total (empty), ==, 0);
    g_assert_cmpuint (parla_api_page_get_n_items (empty), ==, 0);
    g_assert_cmpint (parla_api_page_get_limit (empty), ==, 20);
  }

  /* Availability: the teacher's own hours, and the slots they give. */
  parla_api_client_put_my_availability_async (f->teacher, hours, NULL, on_result_cb, RESULT (f));
  stored_hours = parla_api_client_put_my_availability_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_availability_get_time_zone (stored_hours), ==, "Europe/Madrid");
  g_assert_cmpint (parla_availability_get_rules (stored_hours)->lead_time_minutes, ==, 60);

  parla_api_client_get_my_availability_async (f->teacher, NULL, on_result_cb, RESULT (f));
  my_hours = parla_api_client_get_my_availability_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_availability_get_time_zone (my_hours), ==, "Europe/Madrid");
  g_assert_cmpint (parla_availability_get_rules (my_hours)->granularity_minutes, ==, 30);
  g_assert_cmpint (parla_availability_get_rules (my_hours)->horizon_days, ==, 60);
  {
    g_autoptr(JsonNode) mine_node = parla_availability_to_json (my_hours);
    g_autoptr(JsonNode) sent_node = parla_availability_to_json (hours);

    g_assert_true (json_node_equal (mine_node, sent_node));
  }

  parla_api_client_get_my_availability_async (f->learner, NULL, on_result_cb, RESULT (f));
  forbidden = parla_api_client_get_my_availability_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_FORBIDDEN);
  g_assert_null (forbidden);
  g_clear_error (&error);

  parla_api_query_add_instant (range, "from", WED - DAY);
  parla_api_query_add_instant (range, "to", WED + DAY);
  parla_api_query_add_int (range, "duration", 60);
  parla_api_client_get_teacher_availability_async (f->learner, f->teacher_id, range, NULL, on_result_cb, RESULT (f));
  slots = parla_api_client_get_teacher_availability_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pt_node_str (slots, "time_zone"), ==, "Europe/Madrid");
  g_assert_cmpint (pt_node_int (slots, "duration_minutes"), ==, 60);
  array = json_node_get_array (pt_json_get (slots, "slots"));
  /* Tuesday and Wednesday 09:00-16:00 Madrid, every half hour. */
  g_assert_cmpuint (json_array_get_length (array), ==, 30);
  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (array, i), "start"), wed))
      found = TRUE;
  g_assert_true (found);
}

/* Offerings */

static void
test_offerings (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(ParlaOffering) created = NULL;
  g_autoptr(ParlaOffering) again = NULL;
  g_autoptr(ParlaOffering) fetched = NULL;
  g_autoptr(ParlaOffering) updated = NULL;
  g_autoptr(ParlaOffering) archived = NULL;
  g_autoptr(ParlaOffering) invalid = NULL;
  g_autoptr(ParlaOffering) unknown = NULL;
  g_autoptr(ParlaOffering) input = parla_offering_new ();
  g_autoptr(ParlaOffering) second = NULL;
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(ParlaApiPage) all = NULL;
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  g_autoptr(ParlaApiQuery) with_archived = parla_api_query_new ();
  g_autoptr(JsonNode) changes = json_from_string ("{\"price_minor\":2500,\"requires_approval\":true}", NULL);
  g_autoptr(JsonNode) bad_changes = json_from_string ("{\"title\":\"\"}", NULL);
  g_autoptr(GError) error = NULL;
  static const char * const prompts[] = { "Describe your last trip", NULL };
  static const char * const vocabulary[] = { "el billete", "la maleta", NULL };
  g_autoptr(ParlaMaterials) materials = parla_materials_new (prompts, vocabulary, NULL, NULL);

  set_up_teacher (f);

  parla_offering_set_title (input, "Spanish for travellers");
  parla_offering_set_description (input, "Stations, hotels, restaurants");
  parla_offering_set_topic_type (input, PARLA_TOPIC_FIXED);
  parla_offering_set_session_type (input, PARLA_OFFERING_INDIVIDUAL);
  parla_offering_set_duration_minutes (input, 45);
  parla_offering_set_capacity (input, 1);
  parla_offering_set_price_minor (input, 2000);
  parla_offering_set_currency (input, "EUR");
  parla_offering_set_materials (input, materials);

  parla_api_client_create_offering_async (f->teacher, input, "offering-1", NULL, on_result_cb, RESULT (f));
  created = parla_api_client_create_offering_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (parla_offering_get_id (created)), ==, 32);
  g_assert_cmpstr (parla_offering_get_teacher_id (created), ==, f->teacher_id);
  g_assert_cmpstr (parla_offering_get_title (created), ==, "Spanish for travellers");
  g_assert_cmpstr (parla_offering_get_description (created), ==, "Stations, hotels, restaurants");
  g_assert_cmpint (parla_offering_get_topic_type (created), ==, PARLA_TOPIC_FIXED);
  g_assert_cmpint (parla_offering_get_session_type (created), ==, PARLA_OFFERING_INDIVIDUAL);
  g_assert_cmpint (parla_offering_get_duration_minutes (created), ==, 45);
  g_assert_cmpint (parla_offering_get_capacity (created), ==, 1);
  g_assert_cmpint (parla_offering_get_price_minor (created), ==, 2000);
  g_assert_cmpstr (parla_offering_get_currency (created), ==, "EUR");
  g_assert_false (parla_offering_get_requires_approval (created));
  g_assert_false (parla_offering_get_archived (created));
  g_assert_true (parla_materials_equal (parla_offering_get_materials (created), materials));

  /* The same key again creates nothing new. */
  parla_api_client_create_offering_async (f->teacher, input, "offering-1", NULL, on_result_cb, RESULT (f));
  again = parla_api_client_create_offering_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_offering_get_id (again), ==, parla_offering_get_id (created));

  parla_api_client_get_offering_async (f->learner, parla_offering_get_id (created), NULL, on_result_cb, RESULT (f));
  fetched = parla_api_client_get_offering_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  {
    g_autoptr(JsonNode) fetched_node = parla_offering_to_json (fetched);
    g_autoptr(JsonNode) created_node = parla_offering_to_json (created);

    g_assert_true (json_node_equal (fetched_node, created_node));
  }

  parla_api_client_update_offering_async (f->teacher, parla_offering_get_id (created), changes,
                                          NULL, on_result_cb, RESULT (f));
  updated = parla_api_client_update_offering_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_offering_get_id (updated), ==, parla_offering_get_id (created));
  g_assert_cmpint (parla_offering_get_price_minor (updated), ==, 2500);
  g_assert_true (parla_offering_get_requires_approval (updated));
  g_assert_cmpstr (parla_offering_get_title (updated), ==, "Spanish for travellers");
  g_assert_cmpint (parla_offering_get_duration_minutes (updated), ==, 45);

  /* Someone else's offering. */
  parla_api_client_update_offering_async (f->learner, parla_offering_get_id (created), changes,
                                          NULL, on_result_cb, RESULT (f));
  invalid = parla_api_client_update_offering_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_FORBIDDEN);
  g_assert_null (invalid);
  g_clear_error (&error);

  /* A blank title is named by its field. */
  parla_api_client_update_offering_async (f->teacher, parla_offering_get_id (created), bad_changes,
                                          NULL, on_result_cb, RESULT (f));
  invalid = parla_api_client_update_offering_finish (f->teacher, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, "title");
  g_assert_null (invalid);
  g_clear_error (&error);

  second = create_offering (f, "Exam coaching", 0, TRUE);

  parla_api_query_add_string (query, "teacher_id", f->teacher_id);
  parla_api_client_list_offerings_async (f->learner, query, NULL, on_result_cb, RESULT (f));
  page = parla_api_client_list_offerings_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (page), ==, 2);
  g_assert_cmpuint (parla_api_page_get_n_items (page), ==, 2);
  /* Both were created at the same (test) instant, so either comes first. */
  {
    ParlaOffering *a = parla_api_page_get_item (page, 0);
    ParlaOffering *b = parla_api_page_get_item (page, 1);

    if (g_strcmp0 (parla_offering_get_id (a), parla_offering_get_id (created)) != 0)
      {
        ParlaOffering *swap = a;

        a = b;
        b = swap;
      }
    g_assert_cmpstr (parla_offering_get_id (a), ==, parla_offering_get_id (created));
    g_assert_cmpint (parla_offering_get_price_minor (a), ==, 2500);
    g_assert_cmpstr (parla_offering_get_id (b), ==, parla_offering_get_id (second));
    g_assert_true (parla_offering_is_free (b));
  }
  g_clear_pointer (&page, parla_api_page_unref);

  parla_api_client_archive_offering_async (f->teacher, parla_offering_get_id (created), NULL, on_result_cb, RESULT (f));
  g_assert_true (parla_api_client_archive_offering_finish (f->teacher, await_result (f), &error));
  g_assert_no_error (error);

  parla_api_client_get_offering_async (f->learner, parla_offering_get_id (created), NULL, on_result_cb, RESULT (f));
  archived = parla_api_client_get_offering_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_true (parla_offering_get_archived (archived));

  parla_api_client_list_offerings_async (f->learner, query, NULL, on_result_cb, RESULT (f));
  page = parla_api_client_list_offerings_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (page), ==, 1);
  g_assert_cmpstr (parla_offering_get_id (parla_api_page_get_item (page, 0)), ==, parla_offering_get_id (second));

  parla_api_query_add_string (with_archived, "teacher_id", f->teacher_id);
  parla_api_query_add_boolean (with_archived, "include_archived", TRUE);
  parla_api_client_list_offerings_async (f->teacher, with_archived, NULL, on_result_cb, RESULT (f));
  all = parla_api_client_list_offerings_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (all), ==, 2);

  /* Archiving someone else's offering is not allowed. */
  parla_api_client_archive_offering_async (f->learner, parla_offering_get_id (second), NULL, on_result_cb, RESULT (f));
  g_assert_false (parla_api_client_archive_offering_finish (f->learner, await_result (f), &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_FORBIDDEN);
  g_clear_error (&error);

  parla_api_client_get_offering_async (f->learner, "0123456789abcdef0123456789abcdef", NULL, on_result_cb, RESULT (f));
  unknown = parla_api_client_get_offering_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No such offering");
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 404);
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (unknown);
  g_clear_error (&error);

  /* Ids are escaped into the path: this one reaches the offering route
   * as a malformed id, not GET /api/v1/teachers. */
  parla_api_client_get_offering_async (f->learner, "../teachers", NULL, on_result_cb, RESULT (f));
  unknown = parla_api_client_get_offering_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 400);
  g_assert_null (unknown);
}

/* Sessions, seats and the chat */

static ParlaSession *
create_session (Fixture    *f,
                const char *title,
                gint64      start,
                GError    **error)
{
  g_autoptr(ParlaSession) input = parla_session_new ();

  parla_session_set_title (input, title);
  parla_session_set_description (input, "Food and travel");
  parla_session_set_session_type (input, PARLA_SESSION_GROUP);
  parla_session_set_language (input, "es");
  parla_session_set_level (input, PARLA_LEVEL_A2);
  parla_session_set_start (input, start);
  parla_session_set_duration_minutes (input, 60);
  parla_session_set_capacity (input, 2);
  parla_session_set_price_minor (input, 1500);
  parla_session_set_currency (input, "EUR");

  parla_api_client_create_session_async (f->teacher, input, NULL, NULL, on_result_cb, RESULT (f));
  return parla_api_client_create_session_finish (f->teacher, await_result (f), error);
}

static void
test_sessions (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(ParlaSession) fetched = NULL;
  g_autoptr(ParlaSession) updated = NULL;
  g_autoptr(ParlaSession) mine = NULL;
  g_autoptr(ParlaSession) past = NULL;
  g_autoptr(ParlaBooking) seat = NULL;
  g_autoptr(ParlaBooking) twice = NULL;
  g_autoptr(ParlaBooking) left = NULL;
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  g_autoptr(JsonNode) changes = json_from_string ("{\"capacity\":3}", NULL);
  g_autoptr(GError) error = NULL;
  gint64 start = T0 + 3 * DAY;

  session = create_session (f, "Café y conversación", start, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (parla_session_get_id (session)), ==, 32);
  g_assert_cmpstr (parla_session_get_host_id (session), ==, f->teacher_id);
  g_assert_cmpstr (parla_session_get_host_name (session), ==, "teacher@example.org");
  g_assert_null (parla_session_get_offering_id (session));
  g_assert_cmpstr (parla_session_get_title (session), ==, "Café y conversación");
  g_assert_cmpstr (parla_session_get_description (session), ==, "Food and travel");
  g_assert_cmpint (parla_session_get_session_type (session), ==, PARLA_SESSION_GROUP);
  g_assert_cmpstr (parla_session_get_language (session), ==, "es");
  g_assert_cmpint (parla_session_get_level (session), ==, PARLA_LEVEL_A2);
  g_assert_cmpint (parla_session_get_start (session), ==, start);
  g_assert_cmpint (parla_session_get_end (session), ==, start + HOUR);
  g_assert_cmpint (parla_session_get_duration_minutes (session), ==, 60);
  g_assert_cmpint (parla_session_get_capacity (session), ==, 2);
  g_assert_cmpint (parla_session_get_seats_left (session), ==, 2);
  g_assert_cmpint (parla_session_get_price_minor (session), ==, 1500);
  g_assert_cmpstr (parla_session_get_currency (session), ==, "EUR");
  g_assert_cmpint (parla_session_get_status (session), ==, PARLA_SESSION_STATUS_SCHEDULED);

  /* In the past. */
  past = create_session (f, "Too late", T0 - DAY, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, "start");
  g_assert_null (past);
  g_clear_error (&error);

  parla_api_client_update_session_async (f->teacher, parla_session_get_id (session), changes,
                                         NULL, on_result_cb, RESULT (f));
  updated = parla_api_client_update_session_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_session_get_capacity (updated), ==, 3);
  g_assert_cmpint (parla_session_get_seats_left (updated), ==, 3);
  g_assert_cmpstr (parla_session_get_title (updated), ==, "Café y conversación");

  parla_api_client_book_session_async (f->learner, parla_session_get_id (session), NULL,
                                       NULL, on_result_cb, RESULT (f));
  seat = parla_api_client_book_session_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_booking_get_kind (seat), ==, PARLA_BOOKING_KIND_SESSION);
  g_assert_cmpstr (parla_booking_get_session_id (seat), ==, parla_session_get_id (session));
  g_assert_null (parla_booking_get_offering_id (seat));
  g_assert_cmpstr (parla_booking_get_learner_id (seat), ==, f->learner_id);
  g_assert_cmpstr (parla_booking_get_teacher_id (seat), ==, f->teacher_id);
  g_assert_cmpstr (parla_booking_get_title (seat), ==, "Café y conversación");
  g_assert_cmpint (parla_booking_get_start (seat), ==, start);
  g_assert_cmpint (parla_booking_get_end (seat), ==, start + HOUR);
  g_assert_cmpint (parla_booking_get_status (seat), ==, PARLA_BOOKING_CONFIRMED);
  g_assert_cmpint (parla_booking_get_price_minor (seat), ==, 1500);
  g_assert_cmpint (parla_booking_get_fee_minor (seat), ==, 150);
  g_assert_cmpint (parla_booking_get_refund_minor (seat), ==, -1);
  g_assert_cmpint (parla_booking_get_cancelled_by (seat), ==, -1);

  /* One seat per learner. */
  parla_api_client_book_session_async (f->learner, parla_session_get_id (session), NULL,
                                       NULL, on_result_cb, RESULT (f));
  twice = parla_api_client_book_session_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_STATE);
  g_assert_cmpstr (error->message, ==, "You already have a seat in this session");
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 409);
  g_assert_null (twice);
  g_clear_error (&error);

  parla_api_client_get_session_async (f->learner, parla_session_get_id (session), NULL, on_result_cb, RESULT (f));
  mine = parla_api_client_get_session_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_session_get_my_booking_id (mine), ==, parla_booking_get_id (seat));
  g_assert_cmpint (parla_session_get_my_booking_status (mine), ==, PARLA_BOOKING_CONFIRMED);
  g_assert_cmpint (parla_session_get_seats_left (mine), ==, 2);

  parla_api_client_get_session_async (f->other, parla_session_get_id (session), NULL, on_result_cb, RESULT (f));
  fetched = parla_api_client_get_session_finish (f->other, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_null (parla_session_get_my_booking_id (fetched));
  g_assert_cmpint (parla_session_get_my_booking_status (fetched), ==, -1);

  parla_api_query_add_string (query, "language", "es");
  parla_api_query_add_string (query, "type", "group");
  parla_api_query_add_boolean (query, "free", FALSE);
  parla_api_query_add_string (query, "host_id", f->teacher_id);
  parla_api_client_list_sessions_async (f->learner, query, NULL, on_result_cb, RESULT (f));
  page = parla_api_client_list_sessions_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (page), ==, 1);
  g_assert_true (parla_api_page_get_total_exact (page));
  g_assert_cmpint (parla_api_page_get_page (page), ==, 1);
  g_assert_cmpint (parla_api_page_get_limit (page), ==, 20);
  g_assert_cmpstr (parla_session_get_id (parla_api_page_get_item (page, 0)), ==, parla_session_get_id (session));
  g_assert_cmpint (parla_session_get_my_booking_status (parla_api_page_get_item (page, 0)), ==, PARLA_BOOKING_CONFIRMED);

  /* Leaving three days ahead: full refund. */
  parla_api_client_cancel_seat_async (f->learner, parla_session_get_id (session), NULL,
                                      NULL, on_result_cb, RESULT (f));
  left = parla_api_client_cancel_seat_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_booking_get_id (left), ==, parla_booking_get_id (seat));
  g_assert_cmpint (parla_booking_get_status (left), ==, PARLA_BOOKING_CANCELLED);
  g_assert_cmpint (parla_booking_get_refund_minor (left), ==, 1500);
  g_assert_cmpint (parla_booking_get_cancelled_by (left), ==, PARLA_PARTY_LEARNER);
  g_assert_cmpint (parla_booking_get_cancelled_at (left), ==, T0);
}

static void
test_messages (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(ParlaBooking) seat = NULL;
  g_autoptr(ParlaBooking) lesson = NULL;
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(JsonNode) empty = NULL;
  g_autoptr(JsonNode) history = NULL;
  g_autoptr(JsonNode) older = NULL;
  g_autoptr(JsonNode) lesson_chat = NULL;
  g_autoptr(JsonNode) stranger = NULL;
  g_autoptr(PtWs) ws = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *room = NULL;

  set_up_teacher (f);
  session = create_session (f, "Charla", T0 + 3 * DAY, &error);
  g_assert_no_error (error);
  room = g_strconcat ("session:", parla_session_get_id (session), NULL);

  parla_api_client_book_session_async (f->learner, parla_session_get_id (session), NULL,
                                       NULL, on_result_cb, RESULT (f));
  seat = parla_api_client_book_session_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);

  parla_api_client_list_session_messages_async (f->learner, parla_session_get_id (session), 0, 0,
                                                NULL, on_result_cb, RESULT (f));
  empty = parla_api_client_list_session_messages_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pt_node_str (empty, "room"), ==, room);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (empty, "items"))), ==, 0);
  g_assert_cmpint (pt_node_int (empty, "last_seq"), ==, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (pt_json_get (empty, "next_before")));

  /* Three messages over the WebSocket, read back two at a time. */
  ws = pt_ws_connect (f->server, f->learner_token);
  pt_ws_sendf (ws, "{\"type\":\"join\",\"id\":\"j\",\"room\":\"%s\"}", room);
  json_node_unref (pt_ws_wait_for (ws, "ack", "id", "j", 10000));
  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("m%u", i);

      pt_ws_sendf (ws, "{\"type\":\"chat.send\",\"id\":\"%s\",\"room\":\"%s\",\"text\":\"Hola %u\"}", id, room, i);
      json_node_unref (pt_ws_wait_for (ws, "ack", "id", id, 10000));
    }

  parla_api_client_list_session_messages_async (f->teacher, parla_session_get_id (session), 0, 2,
                                                NULL, on_result_cb, RESULT (f));
  history = parla_api_client_list_session_messages_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (pt_node_int (history, "last_seq"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (history, "items"))), ==, 2);
  g_assert_cmpstr (pt_node_str (history, "items[0].message.text"), ==, "Hola 2");
  g_assert_cmpstr (pt_node_str (history, "items[1].message.text"), ==, "Hola 3");
  g_assert_cmpint (pt_node_int (history, "next_before"), ==, 2);

  parla_api_client_list_session_messages_async (f->teacher, parla_session_get_id (session),
                                                pt_node_int (history, "next_before"), 2,
                                                NULL, on_result_cb, RESULT (f));
  older = parla_api_client_list_session_messages_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (older, "items"))), ==, 1);
  g_assert_cmpstr (pt_node_str (older, "items[0].message.text"), ==, "Hola 1");
  g_assert_cmpstr (pt_node_str (older, "items[0].message.sender_id"), ==, f->learner_id);
  g_assert_true (JSON_NODE_HOLDS_NULL (pt_json_get (older, "next_before")));

  /* Not a member. */
  parla_api_client_list_session_messages_async (f->other, parla_session_get_id (session), 0, 0,
                                                NULL, on_result_cb, RESULT (f));
  stranger = parla_api_client_list_session_messages_finish (f->other, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND);
  g_assert_null (stranger);
  g_clear_error (&error);

  offering = create_offering (f, "Spanish lesson", 2000, FALSE);
  lesson = book_offering (f, f->learner, parla_offering_get_id (offering), WED, NULL, &error);
  g_assert_no_error (error);

  parla_api_client_list_booking_messages_async (f->teacher, parla_booking_get_id (lesson), 0, 10,
                                                NULL, on_result_cb, RESULT (f));
  lesson_chat = parla_api_client_list_booking_messages_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  {
    g_autofree char *lesson_room = g_strconcat ("booking:", parla_booking_get_id (lesson), NULL);

    g_assert_cmpstr (pt_node_str (lesson_chat, "room"), ==, lesson_room);
  }
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (lesson_chat, "items"))), ==, 0);
}

static gboolean
endpoint_missing (const GError *error,
                  const char   *what)
{
  /* The server's router answers this for paths it does not know. */
  if (g_error_matches (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND) &&
      g_strcmp0 (error->message, "No such resource") == 0)
    {
      g_autofree char *message = g_strdup_printf ("The server has no %s", what);

      g_test_skip (message);
      return TRUE;
    }

  return FALSE;
}

static void
test_join (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(ParlaBooking) seat = NULL;
  g_autoptr(ParlaBooking) lesson = NULL;
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(JsonNode) joined = NULL;
  g_autoptr(JsonNode) host = NULL;
  g_autoptr(JsonNode) stranger = NULL;
  g_autoptr(JsonNode) lesson_call = NULL;
  g_autoptr(JsonNode) call = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *room = NULL;
  JsonArray *participants;

  set_up_teacher (f);
  session = create_session (f, "Charla", T0 + DAY, &error);
  g_assert_no_error (error);
  parla_api_client_book_session_async (f->learner, parla_session_get_id (session), NULL,
                                       NULL, on_result_cb, RESULT (f));
  seat = parla_api_client_book_session_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  offering = create_offering (f, "Spanish lesson", 2000, FALSE);
  lesson = book_offering (f, f->other, parla_offering_get_id (offering), WED, NULL, &error);
  g_assert_no_error (error);

  /* Ten minutes before the start, when the call opens. */
  pt_server_set_now (f->server, T0 + DAY - 10 * 60);

  parla_api_client_join_session_async (f->learner, parla_session_get_id (session),
                                       NULL, on_result_cb, RESULT (f));
  joined = parla_api_client_join_session_finish (f->learner, await_result (f), &error);
  if (endpoint_missing (error, "POST /api/v1/sessions/{id}/join"))
    return;
  g_assert_no_error (error);
  room = g_strconcat ("call:", pt_node_str (joined, "call_id"), NULL);
  g_assert_cmpstr (pt_node_str (joined, "room"), ==, room);
  /* The host first, then the learners with a seat. */
  participants = json_node_get_array (pt_json_get (joined, "participants"));
  g_assert_cmpuint (json_array_get_length (participants), ==, 2);
  g_assert_cmpstr (pt_node_str (joined, "participants[0].user_id"), ==, f->teacher_id);
  g_assert_cmpstr (pt_node_str (joined, "participants[1].user_id"), ==, f->learner_id);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (pt_json_get (joined, "ice_servers")));

  /* The host joins the same call. */
  parla_api_client_join_session_async (f->teacher, parla_session_get_id (session),
                                       NULL, on_result_cb, RESULT (f));
  host = parla_api_client_join_session_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pt_node_str (host, "call_id"), ==, pt_node_str (joined, "call_id"));

  /* Anyone without a seat is told there is no such session. */
  parla_api_client_join_session_async (f->other, parla_session_get_id (session),
                                       NULL, on_result_cb, RESULT (f));
  stranger = parla_api_client_join_session_finish (f->other, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND);
  g_assert_null (stranger);
  g_clear_error (&error);

  parla_api_client_get_call_async (f->learner, pt_node_str (joined, "call_id"), NULL, on_result_cb, RESULT (f));
  call = parla_api_client_get_call_finish (f->learner, await_result (f), &error);
  if (endpoint_missing (error, "GET /api/v1/calls/{id}"))
    return;
  g_assert_no_error (error);
  g_assert_cmpstr (pt_node_str (call, "call_id"), ==, pt_node_str (joined, "call_id"));
  g_assert_cmpstr (pt_node_str (call, "room"), ==, room);
  g_assert_cmpstr (pt_node_str (call, "session_id"), ==, parla_session_get_id (session));

  /* A lesson's call. */
  pt_server_set_now (f->server, WED - 10 * 60);
  parla_api_client_join_booking_async (f->other, parla_booking_get_id (lesson),
                                       NULL, on_result_cb, RESULT (f));
  lesson_call = parla_api_client_join_booking_finish (f->other, await_result (f), &error);
  if (endpoint_missing (error, "POST /api/v1/bookings/{id}/join"))
    return;
  g_assert_no_error (error);
  g_assert_cmpstr (pt_node_str (lesson_call, "participants[0].user_id"), ==, f->teacher_id);
  g_assert_cmpstr (pt_node_str (lesson_call, "participants[1].user_id"), ==, f->other_id);
  g_assert_cmpstr (pt_node_str (lesson_call, "call_id"), !=, pt_node_str (joined, "call_id"));
}

/* Bookings */

static void
test_bookings (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(ParlaOffering) approval = NULL;
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(ParlaBooking) taken = NULL;
  g_autoptr(ParlaBooking) detail = NULL;
  g_autoptr(ParlaBooking) moved = NULL;
  g_autoptr(ParlaBooking) cancelled = NULL;
  g_autoptr(ParlaBooking) pending = NULL;
  g_autoptr(ParlaBooking) accepted = NULL;
  g_autoptr(ParlaBooking) request = NULL;
  g_autoptr(ParlaBooking) rejected = NULL;
  g_autoptr(ParlaBooking) unknown = NULL;
  g_autoptr(ParlaApiPage) mine = NULL;
  g_autoptr(ParlaApiPage) inbox = NULL;
  g_autoptr(ParlaApiQuery) pending_query = parla_api_query_new ();
  g_autoptr(GError) error = NULL;
  ParlaBookingChange *change;
  ParlaPolicy *policy;

  set_up_teacher (f);
  offering = create_offering (f, "Spanish lesson", 2000, FALSE);
  approval = create_offering (f, "Exam coaching", 3000, TRUE);

  booking = book_offering (f, f->learner, parla_offering_get_id (offering), WED, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (parla_booking_get_id (booking)), ==, 32);
  g_assert_cmpint (parla_booking_get_kind (booking), ==, PARLA_BOOKING_KIND_LESSON);
  g_assert_null (parla_booking_get_session_id (booking));
  g_assert_cmpstr (parla_booking_get_offering_id (booking), ==, parla_offering_get_id (offering));
  g_assert_cmpstr (parla_booking_get_learner_id (booking), ==, f->learner_id);
  g_assert_cmpstr (parla_booking_get_learner_name (booking), ==, "learner@example.org");
  g_assert_cmpstr (parla_booking_get_teacher_id (booking), ==, f->teacher_id);
  g_assert_cmpstr (parla_booking_get_teacher_name (booking), ==, "teacher@example.org");
  g_assert_cmpstr (parla_booking_get_title (booking), ==, "Spanish lesson");
  g_assert_cmpint (parla_booking_get_start (booking), ==, WED);
  g_assert_cmpint (parla_booking_get_end (booking), ==, WED + HOUR);
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_CONFIRMED);
  g_assert_cmpstr (parla_booking_get_topic (booking), ==, "Travel");
  g_assert_cmpstr (parla_booking_get_message (booking), ==, "Hola");
  g_assert_cmpint (parla_booking_get_price_minor (booking), ==, 2000);
  g_assert_cmpstr (parla_booking_get_currency (booking), ==, "EUR");
  g_assert_cmpint (parla_booking_get_fee_minor (booking), ==, 200);
  g_assert_cmpint (parla_booking_get_refund_minor (booking), ==, -1);
  g_assert_cmpint (parla_booking_get_cancelled_by (booking), ==, -1);
  g_assert_cmpint (parla_booking_get_cancelled_at (booking), ==, 0);
  g_assert_cmpint (parla_booking_get_created_at (booking), ==, T0);
  policy = parla_booking_get_policy (booking);
  g_assert_nonnull (policy);

  /* 409 slot_taken, with the server's field and message. */
  taken = book_offering (f, f->other, parla_offering_get_id (offering), WED, NULL, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_SLOT_TAKEN);
  g_assert_cmpstr (error->message, ==, "Someone else has just booked this time");
  g_assert_cmpstr (parla_error_get_field (error), ==, "start");
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 409);
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (taken);
  g_clear_error (&error);

  parla_api_client_list_my_bookings_async (f->learner, NULL, NULL, on_result_cb, RESULT (f));
  mine = parla_api_client_list_my_bookings_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (mine), ==, 1);
  g_assert_cmpuint (parla_api_page_get_n_items (mine), ==, 1);
  g_assert_cmpstr (parla_booking_get_id (parla_api_page_get_item (mine, 0)), ==, parla_booking_get_id (booking));

  parla_api_client_get_booking_async (f->teacher, parla_booking_get_id (booking), NULL, on_result_cb, RESULT (f));
  detail = parla_api_client_get_booking_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_booking_get_id (detail), ==, parla_booking_get_id (booking));
  g_assert_cmpuint (parla_booking_get_history (detail)->len, ==, 1);
  change = g_ptr_array_index (parla_booking_get_history (detail), 0);
  g_assert_cmpint (change->action, ==, PARLA_BOOKING_ACTION_CREATED);
  g_assert_cmpstr (change->actor_id, ==, f->learner_id);
  g_assert_cmpint (change->to_start, ==, WED);

  /* Thursday, same time. */
  parla_api_client_reschedule_booking_async (f->learner, parla_booking_get_id (booking), WED + DAY, NULL,
                                             NULL, on_result_cb, RESULT (f));
  moved = parla_api_client_reschedule_booking_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_booking_get_start (moved), ==, WED + DAY);
  g_assert_cmpint (parla_booking_get_end (moved), ==, WED + DAY + HOUR);
  g_assert_cmpuint (parla_booking_get_history (moved)->len, ==, 2);
  change = g_ptr_array_index (parla_booking_get_history (moved), 1);
  g_assert_cmpint (change->action, ==, PARLA_BOOKING_ACTION_RESCHEDULED);
  g_assert_cmpint (change->from_start, ==, WED);
  g_assert_cmpint (change->to_start, ==, WED + DAY);

  parla_api_client_cancel_booking_async (f->learner, parla_booking_get_id (booking), "Work trip", NULL,
                                         NULL, on_result_cb, RESULT (f));
  cancelled = parla_api_client_cancel_booking_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_booking_get_status (cancelled), ==, PARLA_BOOKING_CANCELLED);
  g_assert_cmpint (parla_booking_get_refund_minor (cancelled), ==, 2000);
  g_assert_cmpint (parla_booking_get_cancelled_by (cancelled), ==, PARLA_PARTY_LEARNER);
  g_assert_cmpint (parla_booking_get_cancelled_at (cancelled), ==, T0);

  /* Requests that need the teacher's answer. */
  pending = book_offering (f, f->learner, parla_offering_get_id (approval), WED, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_booking_get_status (pending), ==, PARLA_BOOKING_PENDING);
  request = book_offering (f, f->other, parla_offering_get_id (approval), WED + DAY, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_booking_get_status (request), ==, PARLA_BOOKING_PENDING);

  parla_api_query_add_string (pending_query, "role", "teacher");
  parla_api_query_add_string (pending_query, "status", "pending");
  parla_api_client_list_my_bookings_async (f->teacher, pending_query, NULL, on_result_cb, RESULT (f));
  inbox = parla_api_client_list_my_bookings_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (inbox), ==, 2);
  g_assert_cmpstr (parla_booking_get_id (parla_api_page_get_item (inbox, 0)), ==, parla_booking_get_id (pending));
  g_assert_cmpstr (parla_booking_get_id (parla_api_page_get_item (inbox, 1)), ==, parla_booking_get_id (request));

  /* Only the teacher answers. */
  parla_api_client_accept_booking_async (f->learner, parla_booking_get_id (pending), NULL,
                                         NULL, on_result_cb, RESULT (f));
  accepted = parla_api_client_accept_booking_finish (f->learner, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_FORBIDDEN);
  g_assert_null (accepted);
  g_clear_error (&error);

  parla_api_client_accept_booking_async (f->teacher, parla_booking_get_id (pending), "accept-1",
                                         NULL, on_result_cb, RESULT (f));
  accepted = parla_api_client_accept_booking_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_booking_get_id (accepted), ==, parla_booking_get_id (pending));
  g_assert_cmpint (parla_booking_get_status (accepted), ==, PARLA_BOOKING_CONFIRMED);

  parla_api_client_reject_booking_async (f->teacher, parla_booking_get_id (request), "reject-1",
                                         NULL, on_result_cb, RESULT (f));
  rejected = parla_api_client_reject_booking_finish (f->teacher, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_booking_get_status (rejected), ==, PARLA_BOOKING_REJECTED);
  g_assert_cmpint (parla_booking_get_refund_minor (rejected), ==, 3000);

  /* Rejecting twice is no longer possible. */
  g_clear_object (&rejected);
  parla_api_client_reject_booking_async (f->teacher, parla_booking_get_id (request), NULL,
                                         NULL, on_result_cb, RESULT (f));
  rejected = parla_api_client_reject_booking_finish (f->teacher, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_STATE);
  g_assert_null (rejected);
  g_clear_error (&error);

  parla_api_client_get_booking_async (f->other, parla_booking_get_id (booking), NULL, on_result_cb, RESULT (f));
  unknown = parla_api_client_get_booking_finish (f->other, await_result (f), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No such booking");
  g_assert_null (unknown);
}

/* Idempotency */

static void
test_idempotency (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(ParlaBooking) first = NULL;
  g_autoptr(ParlaBooking) second = NULL;
  g_autoptr(ParlaBooking) other_body = NULL;
  g_autoptr(ParlaApiPage) mine = NULL;
  g_autoptr(JsonNode) sent = NULL;
  g_autoptr(JsonNode) replayed = NULL;
  g_autoptr(JsonNode) mismatch = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *fri = parla_time_format_rfc3339 (WED + 2 * DAY);
  guint status = 0;
  gboolean was_replayed = TRUE;

  set_up_teacher (f);
  offering = create_offering (f, "Spanish lesson", 2000, FALSE);

  /* A typed call sent twice with one key books once. */
  first = book_offering (f, f->learner, parla_offering_get_id (offering), WED, "book-wed", &error);
  g_assert_no_error (error);
  second = book_offering (f, f->learner, parla_offering_get_id (offering), WED, "book-wed", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_booking_get_id (second), ==, parla_booking_get_id (first));
  g_assert_cmpint (parla_booking_get_status (second), ==, PARLA_BOOKING_CONFIRMED);

  /* The same key for another request is a permanent conflict (422). */
  other_body = book_offering (f, f->learner, parla_offering_get_id (offering), WED + DAY, "book-wed", &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_IDEMPOTENCY_CONFLICT);
  g_assert_cmpstr (parla_error_get_field (error), ==, "Idempotency-Key");
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 422);
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (other_body);
  g_clear_error (&error);

  /* The generic call tells a replay apart. */
  path = g_strdup_printf ("/api/v1/offerings/%s/book", parla_offering_get_id (offering));
  body = g_strdup_printf ("{\"start\":\"%s\"}", fri);
  sent = send (f, f->learner, "POST", path, body, "book-fri", &status, &was_replayed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  g_assert_false (was_replayed);
  g_assert_cmpstr (pt_node_str (sent, "start"), ==, fri);

  replayed = send (f, f->learner, "POST", path, body, "book-fri", &status, &was_replayed, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 201);
  g_assert_true (was_replayed);
  g_assert_cmpstr (pt_node_str (replayed, "id"), ==, pt_node_str (sent, "id"));

  /* Keys are per user: the other learner's same key is theirs alone, and
   * the slot is taken. */
  mismatch = send (f, f->other, "POST", path, body, "book-fri", &status, &was_replayed, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_SLOT_TAKEN);
  g_assert_cmpuint (status, ==, 409);
  g_assert_null (mismatch);
  g_clear_error (&error);

  /* Two bookings in all, one per key. */
  parla_api_client_list_my_bookings_async (f->learner, NULL, NULL, on_result_cb, RESULT (f));
  mine = parla_api_client_list_my_bookings_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_api_page_get_total (mine), ==, 2);
  g_assert_cmpstr (parla_booking_get_id (parla_api_page_get_item (mine, 0)), ==, parla_booking_get_id (first));
  g_assert_cmpstr (parla_booking_get_id (parla_api_page_get_item (mine, 1)), ==, pt_node_str (sent, "id"));
}

/* While the first request with a key runs, a retry is told to wait: a
 * transient 409. */
static void
test_idempotency_in_flight (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(GAsyncResult) slow = NULL;
  g_autoptr(GAsyncResult) fast = NULL;
  g_autoptr(ParlaBooking) booked = NULL;
  g_autoptr(ParlaBooking) retry = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GError) retry_error = NULL;

  session = create_session (f, "Charla", T0 + 3 * DAY, &error);
  g_assert_no_error (error);

  pt_server_set_delay (f->server, 1000);
  parla_api_client_book_session_async (f->learner, parla_session_get_id (session), "seat-1",
                                       NULL, on_result_cb, &slow);
  /* Let the first request reach the server before the retry. */
  pt_ws_spin (300);
  parla_api_client_book_session_async (f->learner, parla_session_get_id (session), "seat-1",
                                       NULL, on_result_cb, &fast);

  retry = parla_api_client_book_session_finish (f->learner, await_slot (&fast), &retry_error);
  booked = parla_api_client_book_session_finish (f->learner, await_slot (&slow), &error);
  pt_server_set_delay (f->server, 0);

  g_assert_no_error (error);
  g_assert_nonnull (booked);
  g_assert_error (retry_error, PARLA_ERROR, PARLA_ERROR_IDEMPOTENCY_CONFLICT);
  g_assert_cmpuint (parla_error_get_http_status (retry_error), ==, 409);
  g_assert_true (parla_api_error_is_transient (retry_error));
  g_assert_null (retry);

  /* Once done, the retry gets the first answer. */
  g_clear_object (&retry);
  parla_api_client_book_session_async (f->learner, parla_session_get_id (session), "seat-1",
                                       NULL, on_result_cb, RESULT (f));
  retry = parla_api_client_book_session_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_booking_get_id (retry), ==, parla_booking_get_id (booked));
}

/* Query escaping */

static void
put_profile (Fixture        *f,
             ParlaApiClient *client,
             const char     *bio)
{
  static const char * const languages[] = { "fr", NULL };
  g_autoptr(ParlaTeacher) profile = parla_teacher_new ();
  g_autoptr(ParlaTeacher) stored = NULL;
  g_autoptr(GError) error = NULL;

  parla_teacher_set_bio (profile, bio);
  parla_teacher_set_languages (profile, languages);
  parla_teacher_set_time_zone (profile, "Europe/Paris");
  parla_api_client_put_teacher_profile_async (client, profile, NULL, on_result_cb, RESULT (f));
  stored = parla_api_client_put_teacher_profile_finish (client, await_result (f), &error);
  g_assert_no_error (error);
}

static void
test_query_escaping (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(ParlaApiClient) second = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *second_token = NULL;
  static const struct {
    const char *q;
    guint       total;
  } cases[] = {
    /* Cut at the "&", this would find both teachers. */
    { "Café & Crème = fun", 1 },
    { "café & crème", 1 },
    { "Café ", 2 },
    { "Crème", 2 },
    { "100% + 50%", 1 },
    { "a=b&c", 0 },
    { "Cafe", 0 },
  };

  second_token = pt_register (f->server, "second@example.org", "teacher", &second_id);
  second = new_client (f, second_token);

  put_profile (f, f->teacher, "Café & Crème = fun, 100% + 50%");
  put_profile (f, second, "Café society and Crème brûlée");

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
      g_autoptr(ParlaApiPage) page = NULL;
      g_autoptr(GError) error = NULL;

      parla_api_query_add_string (query, "q", cases[i].q);
      parla_api_query_add_string (query, "language", "fr");
      parla_api_client_list_teachers_async (f->learner, query, NULL, on_result_cb, RESULT (f));
      page = parla_api_client_list_teachers_finish (f->learner, await_result (f), &error);
      g_test_message ("q “%s”", cases[i].q);
      g_assert_no_error (error);
      g_assert_cmpint (parla_api_page_get_total (page), ==, cases[i].total);
      if (cases[i].total == 1)
        g_assert_cmpstr (parla_teacher_get_id (parla_api_page_get_item (page, 0)), ==, f->teacher_id);
    }
}

/* Errors */

static void
test_payload_too_large (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GString) body = g_string_new ("{\"title\":\"");
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status = 0;

  for (guint i = 0; i < 2 * MAX_BODY; i++)
    g_string_append_c (body, 'a');
  g_string_append (body, "\"}");

  node = send (f, f->teacher, "POST", "/api/v1/offerings", body->str, NULL, &status, NULL, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_PAYLOAD_TOO_LARGE);
  g_assert_cmpuint (status, ==, 413);
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (node);
}

static void
test_generic_send (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(JsonNode) typed_health = NULL;
  g_autoptr(JsonNode) nothing = NULL;
  g_autoptr(JsonNode) missing = NULL;
  g_autoptr(JsonNode) method = NULL;
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *archive = NULL;
  g_autofree char *now = parla_time_format_rfc3339 (T0);
  guint status = 0;

  health = send (f, f->learner, "GET", "/api/v1/health", NULL, NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 200);
  g_assert_cmpstr (pt_node_str (health, "status"), ==, "ok");

  parla_api_client_health_async (f->learner, NULL, on_result_cb, RESULT (f));
  typed_health = parla_api_client_health_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (pt_node_str (typed_health, "status"), ==, "ok");
  g_assert_cmpstr (pt_node_str (typed_health, "version"), ==, PACKAGE_VERSION);
  g_assert_cmpint (pt_node_int (typed_health, "schema_version"), >=, 1);
  g_assert_cmpstr (pt_node_str (typed_health, "now"), ==, now);

  /* 204: no body and no error. */
  set_up_teacher (f);
  offering = create_offering (f, "Spanish lesson", 2000, FALSE);
  archive = g_strdup_printf ("/api/v1/offerings/%s", parla_offering_get_id (offering));
  nothing = send (f, f->teacher, "DELETE", archive, NULL, NULL, &status, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (status, ==, 204);
  g_assert_null (nothing);

  /* A query in the path goes through as it is. */
  {
    g_autoptr(JsonNode) listed = NULL;
    g_autofree char *list = g_strdup_printf ("/api/v1/offerings?teacher_id=%s&include_archived=true", f->teacher_id);

    listed = send (f, f->teacher, "GET", list, NULL, NULL, &status, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (pt_node_int (listed, "total"), ==, 1);
  }

  missing = send (f, f->learner, "GET", "/api/v1/nothing-here", NULL, NULL, &status, NULL, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND);
  g_assert_cmpstr (error->message, ==, "No such resource");
  g_assert_cmpuint (status, ==, 404);
  g_assert_null (missing);
  g_clear_error (&error);

  method = send (f, f->learner, "PATCH", "/api/v1/me", "{}", NULL, &status, NULL, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_METHOD_NOT_ALLOWED);
  g_assert_cmpuint (status, ==, 405);
  g_assert_null (method);
}

/* A server that answers whatever a test wants, to see what the client
 * sends and how it reads answers the real server never gives. */
typedef struct
{
  SoupServer *server;
  char       *base_url;
  char       *user_agent;
  char       *authorization;
  char       *idempotency_key;
  char       *path;
  char       *query;
  char       *content_type;
  char       *body;
} FakeServer;

static void
on_fake_request_cb (SoupServer        *server,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  FakeServer *fake = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  SoupMessageBody *body = soup_server_message_get_request_body (msg);

  g_free (fake->user_agent);
  g_free (fake->authorization);
  g_free (fake->idempotency_key);
  g_free (fake->path);
  g_free (fake->query);
  g_free (fake->content_type);
  g_free (fake->body);
  fake->path = g_strdup (g_uri_get_path (soup_server_message_get_uri (msg)));
  fake->user_agent = g_strdup (soup_message_headers_get_one (headers, "User-Agent"));
  fake->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  fake->idempotency_key = g_strdup (soup_message_headers_get_one (headers, "Idempotency-Key"));
  fake->query = g_strdup (g_uri_get_query (soup_server_message_get_uri (msg)));
  fake->content_type = g_strdup (soup_message_headers_get_one (headers, "Content-Type"));
  fake->body = body->length > 0 ? g_strndup (body->data, body->length) : NULL;

  /* libsoup 3.2 leaks the keep-alive connections clients close while
   * idle (see parla-server.c): close each after its answer. */
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");

  if (g_str_equal (path, "/api/v1/never"))
    {
      /* Left waiting for good. */
      soup_server_message_pause (msg);
    }
  else if (g_str_equal (path, "/api/v1/html"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>hi</html>", 15);
    }
  else if (g_str_equal (path, "/api/v1/proxy"))
    {
      soup_server_message_set_status (msg, 502, NULL);
      soup_server_message_set_response (msg, "text/html", SOUP_MEMORY_STATIC, "<html>Bad gateway</html>", 24);
    }
  else if (g_str_equal (path, "/api/v1/busy"))
    {
      soup_server_message_set_status (msg, 503, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"error\":{\"code\":\"unavailable\",\"message\":\"Later\",\"field\":null}}", 63);
    }
  else if (g_str_equal (path, "/api/v1/slow-down"))
    {
      soup_server_message_set_status (msg, 429, NULL);
    }
  else if (g_str_equal (path, "/api/v1/me"))
    {
      /* Valid JSON, but no user. */
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "[1,2,3]", 7);
    }
  else if (g_str_equal (path, "/api/v1/teachers"))
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC,
                                        "{\"items\":[{\"id\":5}],\"total\":1,\"page\":1,\"limit\":20}", 50);
    }
  else
    {
      soup_server_message_set_status (msg, 200, NULL);
      soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_STATIC, "{}", 2);
    }
}

static FakeServer *
fake_server_new (void)
{
  FakeServer *fake = g_new0 (FakeServer, 1);
  g_autoptr(GError) error = NULL;
  GSList *uris;

  fake->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (fake->server, NULL, on_fake_request_cb, fake, NULL);
  soup_server_listen_local (fake->server, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (fake->server);
  g_assert_nonnull (uris);
  fake->base_url = g_uri_to_string (uris->data);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);

  return fake;
}

static void
fake_server_free (FakeServer *fake)
{
  soup_server_disconnect (fake->server);
  g_assert_finalize_object (fake->server);
  g_free (fake->base_url);
  g_free (fake->user_agent);
  g_free (fake->authorization);
  g_free (fake->idempotency_key);
  g_free (fake->path);
  g_free (fake->query);
  g_free (fake->content_type);
  g_free (fake->body);
  g_free (fake);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakeServer, fake_server_free)

static void
test_wire (void)
{
  g_autoptr(FakeServer) fake = fake_server_new ();
  g_autoptr(ParlaApiClient) client = NULL;
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(JsonNode) body = json_from_string ("{\"reason\":\"ünïcode\"}", NULL);
  g_autoptr(ParlaBooking) booking = NULL;

  client = parla_api_client_new (fake->base_url, NULL, &error);
  g_assert_no_error (error);

  /* No token: no Authorization. */
  parla_api_client_send_async (client, "GET", "/api/v1/plain", NULL, NULL, NULL, on_result_cb, &result);
  answer = parla_api_client_send_finish (client, await_slot (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fake->user_agent, ==, "parla/" PACKAGE_VERSION);
  g_assert_null (fake->authorization);
  g_assert_null (fake->idempotency_key);
  g_assert_null (fake->query);
  g_clear_object (&result);
  g_clear_pointer (&answer, json_node_unref);

  parla_api_client_set_token (client, "tok-1");
  parla_api_client_send_async (client, "POST", "/api/v1/bookings/x/cancel", body, "key-1",
                               NULL, on_result_cb, &result);
  answer = parla_api_client_send_finish (client, await_slot (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fake->authorization, ==, "Bearer tok-1");
  g_assert_cmpstr (fake->idempotency_key, ==, "key-1");
  g_assert_cmpstr (fake->content_type, ==, "application/json");
  g_assert_cmpstr (fake->body, ==, "{\"reason\":\"ünïcode\"}");
  g_clear_object (&result);
  g_clear_pointer (&answer, json_node_unref);

  /* Typed calls escape ids and send their own bodies and keys. */
  parla_api_client_cancel_booking_async (client, "a/b c", NULL, "key-2", NULL, on_result_cb, &result);
  booking = parla_api_client_cancel_booking_finish (client, await_slot (&result), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INTERNAL);
  g_assert_null (booking);
  /* SoupServer hands the path over decoded; a space that was not escaped
   * would not have made it through the request line. */
  g_assert_cmpstr (fake->path, ==, "/api/v1/bookings/a/b c/cancel");
  g_assert_cmpstr (fake->idempotency_key, ==, "key-2");
  g_assert_cmpstr (fake->body, ==, "{}");
  g_clear_error (&error);
  g_clear_object (&result);

  /* The query as escaped by ParlaApiQuery, on the wire. */
  {
    g_autoptr(ParlaApiPage) page = NULL;

    parla_api_query_add_string (query, "q", "Café & Crème = fun");
    parla_api_query_add_boolean (query, "free", TRUE);
    parla_api_client_list_teachers_async (client, query, NULL, on_result_cb, &result);
    page = parla_api_client_list_teachers_finish (client, await_slot (&result), &error);
    g_assert_cmpstr (fake->query, ==, "q=Caf%C3%A9%20%26%20Cr%C3%A8me%20%3D%20fun&free=true");
    /* An item that is not a teacher. */
    g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INTERNAL);
    g_assert_nonnull (strstr (error->message, "The server sent an unexpected answer: "));
    g_assert_null (page);
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* A 200 that is not JSON. */
  parla_api_client_send_async (client, "GET", "/api/v1/html", NULL, NULL, NULL, on_result_cb, &result);
  answer = parla_api_client_send_finish (client, await_slot (&result), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INTERNAL);
  g_assert_true (g_str_has_prefix (error->message, "The server sent an answer that is not JSON (HTTP 200): "));
  g_assert_false (parla_api_error_is_transient (error));
  g_assert_null (answer);
  g_clear_error (&error);
  g_clear_object (&result);

  /* JSON, but not a user. */
  {
    g_autoptr(ParlaUser) me = NULL;

    parla_api_client_get_me_async (client, NULL, on_result_cb, &result);
    me = parla_api_client_get_me_finish (client, await_slot (&result), &error);
    g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INTERNAL);
    g_assert_null (me);
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* A proxy's error page: chosen from the status, and transient. */
  parla_api_client_send_async (client, "GET", "/api/v1/proxy", NULL, NULL, NULL, on_result_cb, &result);
  answer = parla_api_client_send_finish (client, await_slot (&result), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INTERNAL);
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 502);
  g_assert_true (parla_api_error_is_transient (error));
  g_clear_error (&error);
  g_clear_object (&result);

  parla_api_client_send_async (client, "GET", "/api/v1/busy", NULL, NULL, NULL, on_result_cb, &result);
  answer = parla_api_client_send_finish (client, await_slot (&result), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_UNAVAILABLE);
  g_assert_cmpstr (error->message, ==, "Later");
  g_assert_true (parla_api_error_is_transient (error));
  g_clear_error (&error);
  g_clear_object (&result);

  parla_api_client_send_async (client, "GET", "/api/v1/slow-down", NULL, NULL, NULL, on_result_cb, &result);
  answer = parla_api_client_send_finish (client, await_slot (&result), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_RATE_LIMITED);
  g_assert_true (parla_api_error_is_transient (error));
  g_clear_error (&error);
  g_clear_object (&result);

  g_assert_finalize_object (g_steal_pointer (&client));
}

static guint
unused_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  /* Closed without listening: nobody answers on it. */
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static void
test_server_down (void)
{
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", unused_port ());
  g_autoptr(ParlaApiClient) client = parla_api_client_new (url, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(JsonNode) node = NULL;
  guint status = 99;
  guint unauthorized = 0;

  g_signal_connect (client, "unauthorized", G_CALLBACK (on_count_cb), &unauthorized);
  parla_api_client_set_token (client, "tok");

  parla_api_client_list_sessions_async (client, NULL, NULL, on_result_cb, &result);
  page = parla_api_client_list_sessions_finish (client, await_slot (&result), &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NETWORK);
  g_assert_true (g_str_has_prefix (error->message, "The server cannot be reached: "));
  g_assert_cmpuint (strlen (error->message), >, strlen ("The server cannot be reached: "));
  g_assert_true (parla_api_error_is_transient (error));
  g_assert_cmpuint (parla_error_get_http_status (error), ==, 0);
  g_assert_null (page);
  g_clear_error (&error);
  g_clear_object (&result);

  parla_api_client_send_async (client, "POST", "/api/v1/bookings/x/cancel", NULL, "k",
                               NULL, on_result_cb, &result);
  node = parla_api_client_send_finish_full (client, await_slot (&result), &status, NULL, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NETWORK);
  g_assert_cmpuint (status, ==, 0);
  g_assert_null (node);
  g_clear_error (&error);
  g_clear_object (&result);

  /* A name that does not resolve (.invalid never does). */
  {
    g_autoptr(ParlaApiClient) nowhere = parla_api_client_new ("http://parla.invalid/", NULL, NULL);
    g_autoptr(JsonNode) none = NULL;

    parla_api_client_health_async (nowhere, NULL, on_result_cb, &result);
    none = parla_api_client_health_finish (nowhere, await_slot (&result), &error);
    g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NETWORK);
    g_assert_true (parla_api_error_is_transient (error));
    g_assert_null (none);
    g_clear_error (&error);
    g_clear_object (&result);
  }

  /* Signing out without a server still signs out here. */
  parla_api_client_logout_async (client, NULL, on_result_cb, &result);
  g_assert_false (parla_api_client_logout_finish (client, await_slot (&result), &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NETWORK);
  g_assert_null (parla_api_client_get_token (client));
  g_assert_cmpuint (unauthorized, ==, 0);
}

static void
cancel_cb (gpointer user_data)
{
  g_cancellable_cancel (user_data);
}

static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GCancellable) already = g_cancellable_new ();
  g_autoptr(ParlaUser) me = NULL;
  g_autoptr(ParlaUser) never = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint unauthorized = 0;

  g_signal_connect (f->learner, "unauthorized", G_CALLBACK (on_count_cb), &unauthorized);

  /* Cancelled while waiting for the answer: a server that never answers
   * (the real one is not used here, so that nothing depends on how it
   * deals with clients that hang up). */
  {
    g_autoptr(FakeServer) fake = fake_server_new ();
    g_autoptr(ParlaApiClient) client = parla_api_client_new (fake->base_url, NULL, NULL);
    g_autoptr(GAsyncResult) result = NULL;

    parla_api_client_set_token (client, "tok");
    g_signal_connect (client, "unauthorized", G_CALLBACK (on_count_cb), &unauthorized);
    parla_api_client_send_async (client, "GET", "/api/v1/never", NULL, NULL,
                                 cancellable, on_result_cb, &result);
    g_timeout_add_once (200, cancel_cb, cancellable);
    node = parla_api_client_send_finish (client, await_slot (&result), &error);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_assert_false (parla_api_error_is_transient (error));
    g_assert_null (node);
    g_assert_cmpstr (fake->path, ==, "/api/v1/never");
    g_clear_error (&error);
  }

  /* Cancelled before it starts. */
  g_cancellable_cancel (already);
  parla_api_client_send_async (f->learner, "GET", "/api/v1/me", NULL, NULL, already, on_result_cb, RESULT (f));
  node = parla_api_client_send_finish (f->learner, await_result (f), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (node);
  g_clear_error (&error);

  parla_api_client_get_me_async (f->learner, already, on_result_cb, RESULT (f));
  never = parla_api_client_get_me_finish (f->learner, await_result (f), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (never);
  g_clear_error (&error);

  /* The client still works afterwards. */
  parla_api_client_get_me_async (f->learner, NULL, on_result_cb, RESULT (f));
  me = parla_api_client_get_me_finish (f->learner, await_result (f), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_user_get_id (me), ==, f->learner_id);
  g_assert_cmpuint (unauthorized, ==, 0);
}

/* Calls made on another thread's main context complete there. */
typedef struct
{
  Fixture      *f;
  GMainContext *context;
  gboolean      on_right_thread;
  char         *user_id;
} ThreadData;

static void
on_thread_me_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ThreadData *data = user_data;
  g_autoptr(ParlaUser) me = NULL;
  g_autoptr(GError) error = NULL;

  data->on_right_thread = g_main_context_is_owner (data->context);
  me = parla_api_client_get_me_finish (PARLA_API_CLIENT (object), result, &error);
  g_assert_no_error (error);
  data->user_id = g_strdup (parla_user_get_id (me));
}

static gpointer
thread_func (gpointer user_data)
{
  ThreadData *data = user_data;
  g_autoptr(ParlaApiClient) client = NULL;

  data->context = g_main_context_new ();
  g_main_context_push_thread_default (data->context);

  client = new_client (data->f, data->f->learner_token);
  parla_api_client_get_me_async (client, NULL, on_thread_me_cb, data);
  while (data->user_id == NULL)
    g_main_context_iteration (data->context, TRUE);

  g_clear_object (&client);
  g_main_context_pop_thread_default (data->context);
  g_main_context_unref (data->context);

  return NULL;
}

static void
test_thread_context (Fixture       *f,
                     gconstpointer  data)
{
  ThreadData thread_data = { f, };
  GThread *thread = g_thread_new ("api-client", thread_func, &thread_data);

  g_thread_join (thread);
  g_assert_true (thread_data.on_right_thread);
  g_assert_cmpstr (thread_data.user_id, ==, f->learner_id);
  g_free (thread_data.user_id);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/client/construct", test_construct);
  g_test_add_func ("/api/client/token-property", test_token_property);
  g_test_add_func ("/api/client/query", test_query);
  g_test_add_func ("/api/client/wire", test_wire);
  g_test_add_func ("/api/client/server-down", test_server_down);

#define ADD(path, func) \
  g_test_add ("/api/client/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("auth", test_auth);
  ADD ("unauthorized-signal", test_unauthorized_signal);
  ADD ("teachers", test_teachers);
  ADD ("offerings", test_offerings);
  ADD ("sessions", test_sessions);
  ADD ("messages", test_messages);
  ADD ("join", test_join);
  ADD ("bookings", test_bookings);
  ADD ("idempotency", test_idempotency);
  ADD ("idempotency-in-flight", test_idempotency_in_flight);
  ADD ("query-escaping", test_query_escaping);
  ADD ("payload-too-large", test_payload_too_large);
  ADD ("generic-send", test_generic_send);
  ADD ("cancel", test_cancel);
  ADD ("thread-context", test_thread_context);

#undef ADD

  return g_test_run ();
}
