/* test-demo.c: the demo catalogue parla-server --demo seeds
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "parla-server-private.h"

#define DAY (24 * 3600)
#define LEARNER_EMAIL "demo.learner@parla.app"
#define TEACHER_EMAIL "demo.teacher@parla.app"

typedef struct
{
  char              *dir;
  char              *path;
  ParlaDb           *db;
  ParlaServerConfig *config;
  gint64             now;
} Fixture;

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;

  fixture->dir = g_dir_make_tmp ("parla-demo-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->path = g_build_filename (fixture->dir, "parla.db", NULL);

  url = g_strconcat ("sqlite:", fixture->path, NULL);
  fixture->db = parla_db_open (url, &error);
  g_assert_no_error (error);
  g_assert_nonnull (fixture->db);
  g_assert_true (parla_db_migrate (fixture->db, &error));
  g_assert_no_error (error);

  fixture->config = parla_server_config_new ();
  g_assert_true (parla_time_parse_rfc3339 ("2026-11-23T10:00:00Z", &fixture->now, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  g_clear_pointer (&fixture->db, parla_db_close);
  g_clear_pointer (&fixture->config, parla_server_config_free);

  /* The database and whatever journal files SQLite left beside it. */
  dir = g_dir_open (fixture->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (fixture->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (fixture->dir);

  g_clear_pointer (&fixture->path, g_free);
  g_clear_pointer (&fixture->dir, g_free);
}

static void
seed (Fixture *fixture,
      gint64   now)
{
  g_autoptr(GError) error = NULL;
  gboolean ok;

  ok = parla_demo_seed (fixture->db, fixture->config, now, &error);
  g_assert_no_error (error);
  g_assert_true (ok);
  g_assert_false (parla_db_in_transaction (fixture->db));
}

static gint64
query_int (Fixture    *fixture,
           const char *sql)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 value;

  rows = parla_db_query (fixture->db, &error, sql, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_true (parla_db_rows_next (rows));
  value = parla_db_rows_get_int (rows, 0);

  return value;
}

/* The same with $1 bound to @now. */
static gint64
query_int_at (Fixture    *fixture,
              const char *sql,
              gint64      now)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = parla_db_query (fixture->db, &error, sql, PARLA_DB_INT, now, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_nonnull (rows);
  g_assert_true (parla_db_rows_next (rows));

  return parla_db_rows_get_int (rows, 0);
}

#define assert_count(fixture, sql, cmp, value) \
  g_assert_cmpint (query_int ((fixture), (sql)), cmp, (value))
#define assert_count_at(fixture, sql, now, cmp, value) \
  g_assert_cmpint (query_int_at ((fixture), (sql), (now)), cmp, (value))

/* Row counts of every table the demo writes, to compare runs. */
static char *
snapshot (Fixture *fixture)
{
  static const char * const queries[] = {
    "SELECT COUNT(*) FROM users",
    "SELECT COUNT(*) FROM teacher_profiles",
    "SELECT COUNT(*) FROM teacher_tags",
    "SELECT COUNT(*) FROM availability",
    "SELECT COUNT(*) FROM offerings",
    "SELECT COUNT(*) FROM sessions",
    "SELECT COUNT(*) FROM bookings",
    "SELECT COUNT(*) FROM booking_history",
    "SELECT COALESCE(SUM(seats_taken), 0) FROM sessions",
    "SELECT COALESCE(SUM(rating_sum), 0) FROM teacher_profiles",
    "SELECT COALESCE(SUM(lock_version), 0) FROM teacher_profiles",
    "SELECT COALESCE(MAX(updated_at), 0) FROM sessions",
  };
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    g_string_append_printf (text, "%" G_GINT64_FORMAT " ", query_int (fixture, queries[i]));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static ParlaAvailability *
load_availability (Fixture    *fixture,
                   const char *email)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  ParlaAvailability *availability;

  rows = parla_db_query (fixture->db, &error,
                         "SELECT a.document FROM availability a "
                         "JOIN users u ON u.id = a.user_id WHERE u.email = $1",
                         PARLA_DB_TEXT, email,
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));

  node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, &error);
  g_assert_no_error (error);
  availability = parla_availability_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (availability);

  return availability;
}

static void
check_teachers (Fixture *fixture)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  assert_count (fixture, "SELECT COUNT(*) FROM users WHERE role = 'teacher'", ==, 10);

  /* A profile with languages, zone and bio, tags the catalogue filters on. */
  assert_count (fixture,
                "SELECT COUNT(*) FROM users u JOIN teacher_profiles tp ON tp.user_id = u.id "
                "WHERE u.role = 'teacher' AND tp.profile_json <> '{}' AND tp.bio <> '' "
                "AND tp.accent <> '' AND tp.time_zone <> 'UTC' "
                "AND EXISTS (SELECT 1 FROM teacher_tags g WHERE g.user_id = u.id "
                "AND g.kind = 'language') "
                "AND EXISTS (SELECT 1 FROM teacher_tags g WHERE g.user_id = u.id "
                "AND g.kind = 'level') "
                "AND EXISTS (SELECT 1 FROM teacher_tags g WHERE g.user_id = u.id "
                "AND g.kind = 'specialization')", ==, 10);
  assert_count (fixture,
                "SELECT COUNT(DISTINCT value) FROM teacher_tags WHERE kind = 'language'", >=, 9);
  assert_count (fixture, "SELECT COUNT(DISTINCT time_zone) FROM teacher_profiles", ==, 10);
  assert_count (fixture, "SELECT COUNT(DISTINCT display_name) FROM users",
                ==, query_int (fixture, "SELECT COUNT(*) FROM users"));

  /* Ratings between 4.6 and 4.95 over 12 to 140 reviews. */
  assert_count (fixture,
                "SELECT COUNT(*) FROM teacher_profiles WHERE rating_count BETWEEN 12 AND 140 "
                "AND rating_sum * 100 BETWEEN 460 * rating_count AND 495 * rating_count",
                ==, 10);

  /* Some teachers have written reviews, of lessons that took place. */
  assert_count (fixture, "SELECT COUNT(DISTINCT teacher_id) FROM reviews", >=, 3);
  assert_count (fixture,
                "SELECT COUNT(*) FROM reviews r JOIN bookings b ON b.id = r.booking_id "
                "WHERE b.learner_id = r.learner_id AND b.teacher_id = r.teacher_id "
                "AND b.status = 'confirmed' AND b.end_at < r.created_at",
                ==, query_int (fixture, "SELECT COUNT(*) FROM reviews"));

  /* Every teacher has hours and two to four current offerings, and the
   * price summary was refreshed. */
  assert_count (fixture,
                "SELECT COUNT(*) FROM users u WHERE u.role = 'teacher' "
                "AND (NOT EXISTS (SELECT 1 FROM availability a WHERE a.user_id = u.id) "
                "OR (SELECT COUNT(*) FROM offerings o WHERE o.teacher_id = u.id "
                "AND o.archived = 0) NOT BETWEEN 2 AND 4)", ==, 0);
  assert_count (fixture,
                "SELECT COUNT(*) FROM teacher_profiles WHERE min_price_minor IS NULL", ==, 0);
  assert_count (fixture, "SELECT COUNT(*) FROM teacher_profiles WHERE has_free = 1", >=, 5);
  assert_count (fixture, "SELECT COUNT(*) FROM offerings WHERE price_minor = 0", >=, 5);
  assert_count (fixture, "SELECT COUNT(*) FROM offerings WHERE session_type = 'group'", >=, 5);
  assert_count (fixture,
                "SELECT COUNT(*) FROM offerings WHERE currency NOT IN ('EUR', 'USD')", ==, 0);

  /* Every stored document reads back. */
  rows = parla_db_query (fixture->db, &error, "SELECT document FROM availability", PARLA_DB_END);
  g_assert_no_error (error);
  while (parla_db_rows_next (rows))
    {
      g_autoptr(JsonNode) node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, &error);
      g_autoptr(ParlaAvailability) availability = NULL;

      g_assert_no_error (error);
      availability = parla_availability_new_from_json (node, &error);
      g_assert_no_error (error);
      g_assert_nonnull (availability);
      n++;
    }
  g_assert_true (parla_db_rows_get_error (rows, &error));
  g_assert_cmpuint (n, ==, 10);
  g_clear_pointer (&rows, parla_db_rows_free);

  n = 0;
  rows = parla_db_query (fixture->db, &error, "SELECT document FROM offerings", PARLA_DB_END);
  g_assert_no_error (error);
  while (parla_db_rows_next (rows))
    {
      g_autoptr(JsonNode) node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, &error);
      g_autoptr(ParlaOffering) offering = NULL;

      g_assert_no_error (error);
      offering = parla_offering_new_from_json (node, PARLA_JSON_RESOURCE, &error);
      g_assert_no_error (error);
      g_assert_false (parla_materials_is_empty (parla_offering_get_materials (offering)));
      n++;
    }
  g_assert_true (parla_db_rows_get_error (rows, &error));
  g_assert_cmpuint (n, >=, 20);
}

/* Every session as session_from_row reads it. */
static void
check_session_documents (Fixture *fixture)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;

  rows = parla_db_query (fixture->db, &error,
                         "SELECT s.document, s.seats_taken, s.capacity, s.status, u.display_name, "
                         "s.start_at, s.end_at FROM sessions s JOIN users u ON u.id = s.host_id",
                         PARLA_DB_END);
  g_assert_no_error (error);

  while (parla_db_rows_next (rows))
    {
      g_autoptr(JsonNode) node = parla_json_parse (parla_db_rows_get_text (rows, 0), -1, &error);
      g_autoptr(ParlaSession) session = NULL;
      JsonObject *object;

      g_assert_no_error (error);
      object = json_node_get_object (node);
      json_object_set_int_member (object, "seats_left",
                                  parla_db_rows_get_int (rows, 2) -
                                  parla_db_rows_get_int (rows, 1));
      json_object_set_string_member (object, "status", parla_db_rows_get_text (rows, 3));
      json_object_set_string_member (object, "host_name", parla_db_rows_get_text (rows, 4));
      json_object_set_null_member (object, "my_booking_id");
      json_object_set_null_member (object, "my_booking_status");

      session = parla_session_new_from_json (node, PARLA_JSON_RESOURCE, &error);
      g_assert_no_error (error);
      g_assert_nonnull (session);
      g_assert_cmpint (parla_session_get_start (session), ==, parla_db_rows_get_int (rows, 5));
      g_assert_cmpint (parla_session_get_end (session), ==, parla_db_rows_get_int (rows, 6));
      g_assert_false (parla_materials_is_empty (parla_session_get_materials (session)));
    }
  g_assert_true (parla_db_rows_get_error (rows, &error));
}

static void
check_sessions (Fixture *fixture,
                gint64   now)
{
  const char *upcoming = "SELECT COUNT(*) FROM sessions "
                         "WHERE status = 'scheduled' AND start_at > $1";

  assert_count_at (fixture, upcoming, now, >=, 20);
  assert_count_at (fixture, upcoming, now, <=, 30);

  /* At least two hours ahead, on :00 or :30, within the fortnight. */
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM sessions WHERE start_at > $1 AND "
                   "(start_at < $1 + 7200 OR start_at % 1800 <> 0 "
                   "OR start_at >= $1 + 14 * 86400)", now, ==, 0);
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM sessions WHERE start_at > $1 AND "
                   "(type NOT IN ('group', 'practice', 'cultural') "
                   "OR capacity NOT BETWEEN 4 AND 12 OR end_at <= start_at)", now, ==, 0);
  assert_count_at (fixture,
                   "SELECT COUNT(DISTINCT host_id) FROM sessions WHERE start_at > $1",
                   now, >=, 8);
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM sessions WHERE start_at > $1 AND price_minor = 0",
                   now, >=, 5);
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM sessions WHERE start_at > $1 AND price_minor > 0",
                   now, >=, 5);
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM sessions WHERE start_at > $1 "
                   "AND offering_id IS NOT NULL", now, >=, 5);
  assert_count_at (fixture,
                   "SELECT COUNT(DISTINCT start_at / 86400) FROM sessions WHERE start_at > $1",
                   now, >=, 10);

  /* One full, several partly taken, and seats_taken matches the seats. */
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM sessions WHERE start_at > $1 "
                   "AND seats_taken = capacity", now, >=, 1);
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM sessions WHERE start_at > $1 "
                   "AND seats_taken > 0 AND seats_taken < capacity", now, >=, 5);
  assert_count (fixture,
                "SELECT COUNT(*) FROM sessions s WHERE s.seats_taken <> "
                "(SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id "
                "AND b.kind = 'session' AND b.status IN ('confirmed', 'pending'))", ==, 0);
  assert_count (fixture,
                "SELECT COUNT(*) FROM bookings b JOIN sessions s ON s.id = b.session_id "
                "WHERE b.start_at <> s.start_at OR b.end_at <> s.end_at "
                "OR b.teacher_id <> s.host_id OR b.learner_id = s.host_id "
                "OR b.price_minor <> s.price_minor", ==, 0);

  /* No host is in two sessions at once. */
  assert_count (fixture,
                "SELECT COUNT(*) FROM sessions a JOIN sessions b ON a.host_id = b.host_id "
                "AND a.id < b.id AND a.start_at < b.end_at AND b.start_at < a.end_at", ==, 0);

  check_session_documents (fixture);
}

static void
check_learner (Fixture *fixture,
               gint64   now)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaAvailability) dana = NULL;
  guint n = 0;

  rows = parla_db_query (fixture->db, &error,
                         "SELECT password_hash, display_name, role FROM users WHERE email = $1",
                         PARLA_DB_TEXT, LEARNER_EMAIL,
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_true (parla_auth_verify_password (parla_db_rows_get_text (rows, 0), "parla-demo"));
  g_assert_false (parla_auth_verify_password (parla_db_rows_get_text (rows, 0), "parla-demo!"));
  g_assert_cmpstr (parla_db_rows_get_text (rows, 1), ==, "Alex Learner");
  g_assert_cmpstr (parla_db_rows_get_text (rows, 2), ==, "student");
  g_clear_pointer (&rows, parla_db_rows_free);

  assert_count (fixture,
                "SELECT COUNT(*) FROM users WHERE email = '" TEACHER_EMAIL "' "
                "AND role = 'teacher' AND display_name = 'Dana Teacher'", ==, 1);
  assert_count (fixture, "SELECT COUNT(*) FROM users WHERE role = 'student'", >=, 3);

  /* Seats, one confirmed and one pending lesson with Dana. */
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM bookings b JOIN users l ON l.id = b.learner_id "
                   "WHERE l.email = '" LEARNER_EMAIL "' AND b.kind = 'session' "
                   "AND b.status = 'confirmed' AND b.start_at > $1", now, >=, 1);

  rows = parla_db_query (fixture->db, &error,
                         "SELECT b.status, b.start_at, b.end_at, b.price_minor, o.price_minor, "
                         "o.requires_approval FROM bookings b "
                         "JOIN users l ON l.id = b.learner_id JOIN users t ON t.id = b.teacher_id "
                         "JOIN offerings o ON o.id = b.offering_id "
                         "WHERE l.email = $1 AND t.email = $2 AND b.kind = 'lesson' "
                         "ORDER BY b.start_at",
                         PARLA_DB_TEXT, LEARNER_EMAIL,
                         PARLA_DB_TEXT, TEACHER_EMAIL,
                         PARLA_DB_END);
  g_assert_no_error (error);

  dana = load_availability (fixture, TEACHER_EMAIL);
  g_assert_cmpstr (parla_availability_get_time_zone (dana), ==, "Europe/Madrid");

  while (parla_db_rows_next (rows))
    {
      const char *status = parla_db_rows_get_text (rows, 0);
      gint64 start = parla_db_rows_get_int (rows, 1);
      gint64 end = parla_db_rows_get_int (rows, 2);

      g_assert_cmpint (start, >=, now + 2 * DAY);
      g_assert_cmpint (parla_db_rows_get_int (rows, 3), ==, parla_db_rows_get_int (rows, 4));
      g_assert_cmpstr (status, ==, parla_db_rows_get_int (rows, 5) ? "pending" : "confirmed");

      /* Inside Dana's hours and rules. */
      g_assert_true (parla_availability_is_bookable (dana, NULL, 0, start,
                                                     (int) ((end - start) / 60), now));
      n++;
    }
  g_assert_true (parla_db_rows_get_error (rows, &error));
  g_assert_cmpuint (n, ==, 2);

  assert_count (fixture,
                "SELECT COUNT(*) FROM bookings b JOIN users l ON l.id = b.learner_id "
                "WHERE l.email = '" LEARNER_EMAIL "' AND b.kind = 'lesson' "
                "AND b.status = 'confirmed'", ==, 1);
  assert_count (fixture,
                "SELECT COUNT(*) FROM bookings b JOIN users l ON l.id = b.learner_id "
                "WHERE l.email = '" LEARNER_EMAIL "' AND b.kind = 'lesson' "
                "AND b.status = 'pending'", ==, 1);

  /* Dana's lessons and sessions never overlap. */
  assert_count (fixture,
                "SELECT COUNT(*) FROM bookings b JOIN sessions s ON s.host_id = b.teacher_id "
                "WHERE b.kind = 'lesson' AND s.start_at < b.end_at AND b.start_at < s.end_at",
                ==, 0);

  /* Every booking has its first history entry. */
  assert_count (fixture,
                "SELECT COUNT(*) FROM bookings b WHERE NOT EXISTS "
                "(SELECT 1 FROM booking_history h WHERE h.booking_id = b.id)", ==, 0);
}

static void
test_demo_catalogue (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *later = NULL;

  seed (fixture, fixture->now);

  check_teachers (fixture);
  check_sessions (fixture, fixture->now);
  check_learner (fixture, fixture->now);

  /* Idempotent: again, and a day later while sessions remain ahead. */
  before = snapshot (fixture);
  seed (fixture, fixture->now);
  after = snapshot (fixture);
  g_assert_cmpstr (before, ==, after);

  seed (fixture, fixture->now + DAY);
  later = snapshot (fixture);
  g_assert_cmpstr (before, ==, later);
}

static void
test_demo_refresh (Fixture       *fixture,
                   gconstpointer  data)
{
  gint64 later = fixture->now + 20 * DAY;
  const char *upcoming = "SELECT COUNT(*) FROM sessions "
                         "WHERE status = 'scheduled' AND start_at > $1";
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  gint64 users, offerings, lessons;

  seed (fixture, fixture->now);
  assert_count_at (fixture, upcoming, later, ==, 0);

  users = query_int (fixture, "SELECT COUNT(*) FROM users");
  offerings = query_int (fixture, "SELECT COUNT(*) FROM offerings");
  lessons = query_int (fixture, "SELECT COUNT(*) FROM bookings WHERE kind = 'lesson'");

  /* Three weeks on, every session is over: a new fortnight is scheduled,
   * and nothing else is added. */
  seed (fixture, later);
  check_sessions (fixture, later);
  assert_count (fixture, "SELECT COUNT(*) FROM users", ==, users);
  assert_count (fixture, "SELECT COUNT(*) FROM offerings", ==, offerings);
  assert_count (fixture, "SELECT COUNT(*) FROM bookings WHERE kind = 'lesson'", ==, lessons);
  assert_count_at (fixture,
                   "SELECT COUNT(*) FROM bookings b JOIN users l ON l.id = b.learner_id "
                   "WHERE l.email = '" LEARNER_EMAIL "' AND b.kind = 'session' "
                   "AND b.start_at > $1", later, >=, 1);

  before = snapshot (fixture);
  seed (fixture, later);
  after = snapshot (fixture);
  g_assert_cmpstr (before, ==, after);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/server/demo/catalogue", Fixture, NULL,
              fixture_setup, test_demo_catalogue, fixture_teardown);
  g_test_add ("/server/demo/refresh", Fixture, NULL,
              fixture_setup, test_demo_refresh, fixture_teardown);

  return g_test_run ();
}
