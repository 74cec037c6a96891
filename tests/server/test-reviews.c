/* test-reviews.c: learners review the lessons they had, once each, and the
 * teacher's rating adds them up, over real HTTP
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-db.h"
#include "parla-test-server.h"

#define T0   1795428000  /* Monday 2026-11-23T10:00:00Z */
#define WED  1795593600  /* Wednesday 2026-11-25T08:00:00Z = 09:00 in Madrid */
#define HOUR 3600
#define DAY  (24 * HOUR)

typedef struct
{
  PtServer *server;
  ParlaDb  *db;
  char     *teacher;        /* tokens */
  char     *teacher_id;
  char     *learner;
  char     *learner_id;
  char     *other;
  char     *other_id;
  char     *offering_id;    /* 60 min, free, instant */
  char     *approval_id;    /* 60 min, free, needs approval */
} Fixture;

static const char availability[] =
  "{\"time_zone\":\"Europe/Madrid\","
  " \"weekly\":[{\"weekday\":1,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":2,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":3,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":4,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":5,\"start\":\"09:00\",\"end\":\"17:00\"}],"
  " \"rules\":{\"lead_time_minutes\":60,\"granularity_minutes\":30,\"horizon_days\":60}}";

static char *
create (PtServer   *server,
        const char *token,
        const char *path,
        const char *body)
{
  g_autoptr(PtResponse) response = pt_request (server, "POST", path, token, body, NULL);

  pt_assert_status (response, 201);
  return g_strdup (pt_str (response, "id"));
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtResponse) profile = NULL;
  g_autoptr(PtResponse) hours = NULL;
  g_autoptr(GError) error = NULL;

  f->server = pt_server_start (NULL, NULL);
  pt_server_set_now (f->server, T0);
  f->db = parla_db_open (f->server->db_url, &error);
  g_assert_no_error (error);

  f->teacher = pt_register (f->server, "teacher@example.org", "teacher", &f->teacher_id);
  f->learner = pt_register (f->server, "learner@example.org", "student", &f->learner_id);
  f->other = pt_register (f->server, "other@example.org", "student", &f->other_id);

  profile = pt_request (f->server, "PUT", "/api/v1/me/teacher-profile", f->teacher,
                        "{\"bio\":\"Profe\",\"languages\":[\"es\"],\"time_zone\":\"Europe/Madrid\"}", NULL);
  pt_assert_status (profile, 200);
  hours = pt_request (f->server, "PUT", "/api/v1/me/availability", f->teacher, availability, NULL);
  pt_assert_status (hours, 200);

  f->offering_id = create (f->server, f->teacher, "/api/v1/offerings",
                           "{\"title\":\"Spanish chat\",\"topic_type\":\"flexible\",\"session_type\":\"individual\","
                           "\"duration_minutes\":60,\"price_minor\":0,\"currency\":\"EUR\"}");
  f->approval_id = create (f->server, f->teacher, "/api/v1/offerings",
                           "{\"title\":\"Exam chat\",\"topic_type\":\"fixed\",\"session_type\":\"individual\","
                           "\"duration_minutes\":60,\"price_minor\":0,\"currency\":\"EUR\",\"requires_approval\":true}");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  parla_db_close (f->db);
  pt_server_stop (f->server);
  g_free (f->teacher);
  g_free (f->teacher_id);
  g_free (f->learner);
  g_free (f->learner_id);
  g_free (f->other);
  g_free (f->other_id);
  g_free (f->offering_id);
  g_free (f->approval_id);
}

static char *
book (Fixture    *f,
      const char *token,
      const char *offering_id,
      gint64      start)
{
  g_autofree char *when = pt_instant (start);
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", offering_id);
  g_autofree char *body = pt_json ("{\"start\":\"%s\"}", when);
  g_autoptr(PtResponse) response = pt_request (f->server, "POST", path, token, body, NULL);

  pt_assert_status (response, 201);
  return g_strdup (pt_str (response, "id"));
}

static PtResponse *
review (Fixture    *f,
        const char *token,
        const char *booking_id,
        const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/review", booking_id);

  return pt_request (f->server, "POST", path, token, body, NULL);
}

static PtResponse *
list (Fixture    *f,
      const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teachers/%s/reviews%s", f->teacher_id, query);

  return pt_request (f->server, "GET", path, NULL, NULL, NULL);
}

static gint64
count (Fixture    *f,
       const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = parla_db_query (f->db, &error, sql, PARLA_DB_END);

  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  return parla_db_rows_get_int (rows, 0);
}

static void
test_lesson (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *booking_id = book (f, f->learner, f->offering_id, WED);
  g_autofree char *second_id = book (f, f->other, f->offering_id, WED + DAY);
  g_autofree char *teacher_path = g_strdup_printf ("/api/v1/teachers/%s", f->teacher_id);
  g_autoptr(PtResponse) early = NULL;
  g_autoptr(PtResponse) created = NULL;
  g_autoptr(PtResponse) again = NULL;
  g_autoptr(PtResponse) two = NULL;
  g_autoptr(PtResponse) reviews = NULL;
  g_autoptr(PtResponse) teacher = NULL;
  g_autoptr(PtResponse) catalogue = NULL;

  /* Before its end the lesson has not taken place. */
  early = review (f, f->learner, booking_id, "{\"rating\":5}");
  pt_assert_error (early, 409, "invalid_state");

  pt_server_set_now (f->server, WED + HOUR);
  created = review (f, f->learner, booking_id, "{\"rating\":5,\"text\":\"  ¡Muy bien! Clear and patient.  \"}");
  pt_assert_status (created, 201);
  g_assert_nonnull (pt_str (created, "id"));
  g_assert_cmpstr (pt_str (created, "booking_id"), ==, booking_id);
  g_assert_cmpstr (pt_str (created, "teacher_id"), ==, f->teacher_id);
  g_assert_cmpstr (pt_str (created, "learner_id"), ==, f->learner_id);
  g_assert_cmpint (pt_int (created, "rating"), ==, 5);
  g_assert_cmpstr (pt_str (created, "text"), ==, "¡Muy bien! Clear and patient.");
  g_assert_cmpstr (pt_str (created, "created_at"), ==, "2026-11-25T09:00:00Z");

  /* One review per booking. */
  again = review (f, f->learner, booking_id, "{\"rating\":1,\"text\":\"Changed my mind\"}");
  pt_assert_error (again, 409, "conflict");

  pt_server_set_now (f->server, WED + DAY + 2 * HOUR);
  two = review (f, f->other, second_id, "{\"rating\":2}");
  pt_assert_status (two, 201);
  g_assert_cmpstr (pt_str (two, "text"), ==, "");

  /* Newest first, with who wrote it; the rating is theirs: (5 + 2) / 2. */
  reviews = list (f, "");
  pt_assert_status (reviews, 200);
  g_assert_cmpint (pt_int (reviews, "total"), ==, 2);
  g_assert_cmpint (pt_int (reviews, "rating_count"), ==, 2);
  g_assert_cmpfloat (json_node_get_double (pt_json_get (reviews->json, "rating")), ==, 3.5);
  g_assert_cmpint (pt_int (reviews, "reviews[0].rating"), ==, 2);
  g_assert_cmpstr (pt_str (reviews, "reviews[0].learner.id"), ==, f->other_id);
  g_assert_cmpstr (pt_str (reviews, "reviews[0].learner.display_name"), ==, "other@example.org");
  g_assert_cmpstr (pt_str (reviews, "reviews[1].id"), ==, pt_str (created, "id"));
  g_assert_cmpstr (pt_str (reviews, "reviews[1].text"), ==, "¡Muy bien! Clear and patient.");
  g_assert_cmpstr (pt_str (reviews, "reviews[1].created_at"), ==, "2026-11-25T09:00:00Z");
  g_assert_cmpstr (pt_str (reviews, "reviews[1].learner.display_name"), ==, "learner@example.org");

  teacher = pt_request (f->server, "GET", teacher_path, NULL, NULL, NULL);
  pt_assert_status (teacher, 200);
  g_assert_cmpfloat (json_node_get_double (pt_json_get (teacher->json, "rating")), ==, 3.5);
  g_assert_cmpint (pt_int (teacher, "rating_count"), ==, 2);

  catalogue = pt_request (f->server, "GET", "/api/v1/teachers", NULL, NULL, NULL);
  pt_assert_status (catalogue, 200);
  g_assert_cmpint (pt_int (catalogue, "items[0].rating_count"), ==, 2);
}

static void
test_paging (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PtResponse) empty = NULL;
  g_autoptr(PtResponse) page = NULL;
  g_autoptr(PtResponse) rest = NULL;
  g_autoptr(PtResponse) beyond = NULL;
  char *ids[3];

  /* No reviews: an empty list and no rating. */
  empty = list (f, "");
  pt_assert_status (empty, 200);
  g_assert_cmpint (pt_int (empty, "total"), ==, 0);
  g_assert_cmpint (pt_int (empty, "rating_count"), ==, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (pt_json_get (empty->json, "rating")));
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (empty->json, "reviews"))), ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    ids[i] = book (f, f->learner, f->offering_id, WED + i * DAY);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      g_autoptr(PtResponse) created = NULL;
      g_autofree char *body = pt_json ("{\"rating\":%u}", 3 + i);

      pt_server_set_now (f->server, WED + i * DAY + 2 * HOUR);
      created = review (f, f->learner, ids[i], body);
      pt_assert_status (created, 201);
    }

  page = list (f, "?limit=2");
  pt_assert_status (page, 200);
  g_assert_cmpint (pt_int (page, "total"), ==, 3);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (page->json, "reviews"))), ==, 2);
  g_assert_cmpint (pt_int (page, "reviews[0].rating"), ==, 5);
  g_assert_cmpint (pt_int (page, "reviews[1].rating"), ==, 4);
  g_assert_cmpfloat (json_node_get_double (pt_json_get (page->json, "rating")), ==, 4.0);

  rest = list (f, "?limit=2&offset=2");
  pt_assert_status (rest, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (rest->json, "reviews"))), ==, 1);
  g_assert_cmpint (pt_int (rest, "reviews[0].rating"), ==, 3);

  beyond = list (f, "?offset=10");
  pt_assert_status (beyond, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (beyond->json, "reviews"))), ==, 0);
  g_assert_cmpint (pt_int (beyond, "total"), ==, 3);

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    g_free (ids[i]);
}

/* Only a lesson that took place: not a pending, rejected or cancelled
 * one, and not one whose call the learner never joined. */
static void
test_not_taken_place (Fixture       *f,
                      gconstpointer  data)
{
  g_autofree char *pending_id = book (f, f->learner, f->approval_id, WED);
  g_autofree char *cancelled_id = book (f, f->learner, f->offering_id, WED + 2 * HOUR);
  g_autofree char *called_id = book (f, f->learner, f->offering_id, WED + 4 * HOUR);
  g_autofree char *cancel_path = g_strdup_printf ("/api/v1/bookings/%s/cancel", cancelled_id);
  g_autoptr(PtResponse) cancel = NULL;
  g_autoptr(GError) error = NULL;

  cancel = pt_request (f->server, "POST", cancel_path, f->learner, NULL, NULL);
  pt_assert_status (cancel, 200);

  /* The call of the third lesson happened, with the teacher alone. */
  g_assert_cmpint (parla_db_exec (f->db, &error,
                                  "INSERT INTO calls (id, booking_id, created_at, started_at, ended_at) "
                                  "VALUES ('call-1', $1, $2, $2, $3)",
                                  PARLA_DB_TEXT, called_id,
                                  PARLA_DB_INT, (gint64) WED + 4 * HOUR,
                                  PARLA_DB_INT, (gint64) WED + 5 * HOUR,
                                  PARLA_DB_END), ==, 1);
  g_assert_cmpint (parla_db_exec (f->db, &error,
                                  "INSERT INTO call_attendance (id, call_id, user_id, joined_at, left_at) "
                                  "VALUES ('stay-1', 'call-1', $1, $2, $3)",
                                  PARLA_DB_TEXT, f->teacher_id,
                                  PARLA_DB_INT, (gint64) WED + 4 * HOUR,
                                  PARLA_DB_INT, (gint64) WED + 5 * HOUR,
                                  PARLA_DB_END), ==, 1);
  g_assert_no_error (error);

  pt_server_set_now (f->server, WED + DAY);

  {
    g_autoptr(PtResponse) pending = review (f, f->learner, pending_id, "{\"rating\":4}");
    g_autoptr(PtResponse) cancelled = review (f, f->learner, cancelled_id, "{\"rating\":4}");
    g_autoptr(PtResponse) absent = review (f, f->learner, called_id, "{\"rating\":4}");

    pt_assert_error (pending, 409, "invalid_state");
    pt_assert_error (cancelled, 409, "invalid_state");
    pt_assert_error (absent, 409, "invalid_state");
  }

  /* Once the learner was in the call, it took place. */
  g_assert_cmpint (parla_db_exec (f->db, &error,
                                  "INSERT INTO call_attendance (id, call_id, user_id, joined_at, left_at) "
                                  "VALUES ('stay-2', 'call-1', $1, $2, $3)",
                                  PARLA_DB_TEXT, f->learner_id,
                                  PARLA_DB_INT, (gint64) WED + 4 * HOUR + 60,
                                  PARLA_DB_INT, (gint64) WED + 5 * HOUR,
                                  PARLA_DB_END), ==, 1);
  g_assert_no_error (error);

  {
    g_autoptr(PtResponse) attended = review (f, f->learner, called_id, "{\"rating\":4}");

    pt_assert_status (attended, 201);
  }

  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM reviews"), ==, 1);
}

static void
test_wrong_user (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *booking_id = book (f, f->learner, f->offering_id, WED);
  g_autoptr(PtResponse) anonymous = NULL;
  g_autoptr(PtResponse) teacher = NULL;
  g_autoptr(PtResponse) stranger = NULL;
  g_autoptr(PtResponse) nothing = NULL;
  g_autoptr(PtResponse) no_teacher = NULL;
  g_autofree char *no_teacher_path = g_strdup_printf ("/api/v1/teachers/%s/reviews", f->learner_id);

  pt_server_set_now (f->server, WED + 2 * HOUR);

  anonymous = review (f, NULL, booking_id, "{\"rating\":5}");
  pt_assert_error (anonymous, 401, "unauthorized");
  teacher = review (f, f->teacher, booking_id, "{\"rating\":5}");
  pt_assert_error (teacher, 403, "forbidden");
  stranger = review (f, f->other, booking_id, "{\"rating\":5}");
  pt_assert_error (stranger, 404, "not_found");
  nothing = review (f, f->learner, "no-such-booking", "{\"rating\":5}");
  pt_assert_error (nothing, 404, "not_found");

  /* A learner has no reviews to list: not a teacher. */
  no_teacher = pt_request (f->server, "GET", no_teacher_path, NULL, NULL, NULL);
  pt_assert_error (no_teacher, 404, "not_found");

  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM reviews"), ==, 0);
  g_assert_cmpint (count (f, "SELECT SUM(rating_count) FROM teacher_profiles"), ==, 0);
}

static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  static const struct { const char *body; const char *field; } cases[] = {
    { "{}", "rating" },
    { "{\"rating\":null}", "rating" },
    { "{\"rating\":0}", "rating" },
    { "{\"rating\":6}", "rating" },
    { "{\"rating\":-1}", "rating" },
    { "{\"rating\":\"5\"}", "rating" },
    { "{\"rating\":4.5}", "rating" },
    { "{\"rating\":true}", "rating" },
    { "{\"rating\":5,\"text\":5}", "text" },
    { "{\"rating\":5,\"text\":[\"nice\"]}", "text" },
  };
  static const char * const queries[] = {
    "?limit=0", "?limit=51", "?limit=ten", "?offset=-1", "?offset=x",
  };
  g_autofree char *booking_id = book (f, f->learner, f->offering_id, WED);
  g_autofree char *long_text = NULL;
  g_autofree char *long_body = NULL;

  pt_server_set_now (f->server, WED + 2 * HOUR);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = review (f, f->learner, booking_id, cases[i].body);

      pt_assert_error (response, 400, "invalid_input");
      g_assert_cmpstr (pt_str (response, "error.field"), ==, cases[i].field);
    }

  {
    g_autoptr(PtResponse) malformed = review (f, f->learner, booking_id, "{\"rating\":5");
    g_autoptr(PtResponse) array = review (f, f->learner, booking_id, "[5]");
    g_autoptr(PtResponse) empty = review (f, f->learner, booking_id, NULL);

    pt_assert_error (malformed, 400, "invalid_input");
    pt_assert_error (array, 400, "invalid_input");
    pt_assert_status (empty, 400);
  }

  /* 2000 characters of text is the most; they count as characters, not bytes. */
  long_text = g_strnfill (2001, 'a');
  long_body = pt_json ("{\"rating\":5,\"text\":\"%s\"}", long_text);
  {
    g_autoptr(PtResponse) too_long = review (f, f->learner, booking_id, long_body);

    pt_assert_error (too_long, 400, "invalid_input");
    g_assert_cmpstr (pt_str (too_long, "error.field"), ==, "text");
  }

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    {
      g_autoptr(PtResponse) response = list (f, queries[i]);

      pt_assert_error (response, 400, "invalid_input");
    }

  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM reviews"), ==, 0);
  g_assert_cmpint (count (f, "SELECT SUM(rating_count) FROM teacher_profiles"), ==, 0);

  {
    GString *text = g_string_new (NULL);
    g_autofree char *body = NULL;
    g_autoptr(PtResponse) fits = NULL;

    for (guint i = 0; i < 2000; i++)
      g_string_append (text, "ñ");
    body = pt_json ("{\"rating\":5,\"text\":\"%s\"}", text->str);
    g_string_free (text, TRUE);

    fits = review (f, f->learner, booking_id, body);
    pt_assert_status (fits, 201);
    g_assert_cmpint (g_utf8_strlen (pt_str (fits, "text"), -1), ==, 2000);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/reviews/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("lesson", test_lesson);
  ADD ("paging", test_paging);
  ADD ("not-taken-place", test_not_taken_place);
  ADD ("wrong-user", test_wrong_user);
  ADD ("bad-input", test_bad_input);

#undef ADD

  return g_test_run ();
}
