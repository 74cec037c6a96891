/* test-bookings.c: 1:1 lessons, seats in sessions, refunds by policy,
 * reschedules, authorization and idempotency, over real HTTP
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-test-server.h"

#define T0   1795428000  /* Monday 2026-11-23T10:00:00Z */
#define WED  1795593600  /* Wednesday 2026-11-25T08:00:00Z = 09:00 in Madrid */
#define HOUR 3600
#define DAY  (24 * HOUR)

typedef struct
{
  PtServer *server;
  char     *teacher;        /* tokens */
  char     *teacher_id;
  char     *learner;
  char     *learner_id;
  char     *other;
  char     *other_id;
  char     *offering_id;    /* 60 min, 2000 EUR, instant */
  char     *approval_id;    /* 60 min, 3000 EUR, needs approval */
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

  f->server = pt_server_start (NULL, NULL);
  pt_server_set_now (f->server, T0);

  f->teacher = pt_register (f->server, "teacher@example.org", "teacher", &f->teacher_id);
  f->learner = pt_register (f->server, "learner@example.org", "student", &f->learner_id);
  f->other = pt_register (f->server, "other@example.org", "student", &f->other_id);

  profile = pt_request (f->server, "PUT", "/api/v1/me/teacher-profile", f->teacher,
                        "{\"bio\":\"Profe\",\"languages\":[\"es\"],\"time_zone\":\"Europe/Madrid\"}", NULL);
  pt_assert_status (profile, 200);
  hours = pt_request (f->server, "PUT", "/api/v1/me/availability", f->teacher, availability, NULL);
  pt_assert_status (hours, 200);

  f->offering_id = create (f->server, f->teacher, "/api/v1/offerings",
                           "{\"title\":\"Spanish lesson\",\"topic_type\":\"flexible\",\"session_type\":\"individual\","
                           "\"duration_minutes\":60,\"price_minor\":2000,\"currency\":\"EUR\"}");
  f->approval_id = create (f->server, f->teacher, "/api/v1/offerings",
                           "{\"title\":\"Exam coaching\",\"topic_type\":\"fixed\",\"session_type\":\"individual\","
                           "\"duration_minutes\":60,\"price_minor\":3000,\"currency\":\"EUR\",\"requires_approval\":true}");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
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

static PtResponse *
book (Fixture    *f,
      const char *token,
      const char *offering_id,
      gint64      start)
{
  g_autofree char *when = pt_instant (start);
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", offering_id);
  g_autofree char *body = pt_json ("{\"start\":\"%s\",\"topic\":\"Travel\",\"message\":\"Hola\"}", when);

  return pt_request (f->server, "POST", path, token, body, NULL);
}

static gboolean
slot_listed (Fixture *f,
             gint64   start)
{
  g_autofree char *path = NULL;
  g_autofree char *from = pt_instant (start - DAY);
  g_autofree char *to = pt_instant (start + DAY);
  g_autofree char *wanted = pt_instant (start);
  g_autoptr(PtResponse) response = NULL;
  JsonArray *slots;

  path = g_strdup_printf ("/api/v1/teachers/%s/availability?from=%s&to=%s&duration=60",
                          f->teacher_id, from, to);
  response = pt_request (f->server, "GET", path, NULL, NULL, NULL);
  pt_assert_status (response, 200);
  slots = json_node_get_array (pt_json_get (response->json, "slots"));

  for (guint i = 0; i < json_array_get_length (slots); i++)
    if (g_str_equal (json_object_get_string_member (json_array_get_object_element (slots, i), "start"), wanted))
      return TRUE;

  return FALSE;
}

static void
test_lesson (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PtResponse) first = NULL;
  g_autoptr(PtResponse) taken = NULL;
  g_autoptr(PtResponse) night = NULL;
  g_autoptr(PtResponse) past = NULL;
  g_autoptr(PtResponse) odd = NULL;
  g_autoptr(PtResponse) mine = NULL;
  g_autoptr(PtResponse) own = NULL;

  g_assert_true (slot_listed (f, WED));

  first = book (f, f->learner, f->offering_id, WED);
  pt_assert_status (first, 201);
  g_assert_cmpstr (pt_str (first, "status"), ==, "confirmed");
  g_assert_cmpstr (pt_str (first, "kind"), ==, "lesson");
  g_assert_cmpstr (pt_str (first, "start"), ==, "2026-11-25T08:00:00Z");
  g_assert_cmpstr (pt_str (first, "end"), ==, "2026-11-25T09:00:00Z");
  g_assert_cmpstr (pt_str (first, "topic"), ==, "Travel");
  g_assert_cmpint (pt_int (first, "price_minor"), ==, 2000);
  g_assert_cmpint (pt_int (first, "fee_minor"), ==, 200);
  g_assert_cmpint (pt_int (first, "policy.full_refund_hours"), ==, 24);
  g_assert_cmpstr (pt_str (first, "teacher_id"), ==, f->teacher_id);
  g_assert_cmpstr (pt_str (first, "learner_id"), ==, f->learner_id);

  /* The slot is gone for everybody else. */
  g_assert_false (slot_listed (f, WED));
  taken = book (f, f->other, f->offering_id, WED);
  pt_assert_error (taken, 409, "slot_taken");
  /* Overlapping by half an hour is taken too. */
  {
    g_autoptr(PtResponse) overlap = book (f, f->other, f->offering_id, WED + 30 * 60);
    pt_assert_error (overlap, 409, "slot_taken");
  }

  /* 03:00 in Madrid is outside the teacher's hours. */
  night = book (f, f->other, f->offering_id, WED - 6 * HOUR);
  pt_assert_error (night, 409, "slot_unavailable");
  /* Within the lead time. */
  {
    g_autoptr(PtResponse) soon = book (f, f->other, f->offering_id, T0 + 30 * 60);
    pt_assert_error (soon, 409, "slot_unavailable");
  }
  /* Off the 30-minute grid. */
  odd = book (f, f->other, f->offering_id, WED + DAY + 10 * 60);
  pt_assert_error (odd, 409, "slot_unavailable");
  past = book (f, f->other, f->offering_id, T0 - DAY);
  pt_assert_error (past, 400, "invalid_input");
  g_assert_cmpstr (pt_str (past, "error.field"), ==, "start");

  /* A teacher cannot book themselves. */
  own = book (f, f->teacher, f->offering_id, WED + DAY);
  pt_assert_error (own, 409, "invalid_state");

  mine = pt_request (f->server, "GET", "/api/v1/me/bookings", f->learner, NULL, NULL);
  pt_assert_status (mine, 200);
  g_assert_cmpint (pt_int (mine, "total"), ==, 1);
  g_assert_cmpstr (pt_str (mine, "items[0].id"), ==, pt_str (first, "id"));
}

static void
test_bad_booking_bodies (Fixture       *f,
                         gconstpointer  data)
{
  static const struct { const char *body; const char *field; } cases[] = {
    { "{}", "start" },
    { "{\"start\":\"tomorrow\"}", "start" },
    { "{\"start\":\"2026-11-25T08:00:00\"}", "start" },
    { "{\"start\":1795593600}", "start" },
    { "{\"start\":\"2026-11-25T08:00:00Z\",\"topic\":42}", "topic" },
  };
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", f->offering_id);
  g_autoptr(PtResponse) mine = NULL;
  g_autoptr(PtResponse) missing = pt_request (f->server, "POST", "/api/v1/offerings/nope/book", f->learner,
                                              "{\"start\":\"2026-11-25T08:00:00Z\"}", NULL);
  g_autoptr(PtResponse) anonymous = pt_request (f->server, "POST", path, NULL,
                                                "{\"start\":\"2026-11-25T08:00:00Z\"}", NULL);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = pt_request (f->server, "POST", path, f->learner, cases[i].body, NULL);

      g_test_message ("%s", cases[i].body);
      pt_assert_error (response, 400, "invalid_input");
      g_assert_cmpstr (pt_str (response, "error.field"), ==, cases[i].field);
    }

  pt_assert_error (missing, 404, "not_found");
  pt_assert_error (anonymous, 401, "unauthorized");

  /* Nothing was written. */
  mine = pt_request (f->server, "GET", "/api/v1/me/bookings", f->learner, NULL, NULL);
  g_assert_cmpint (pt_int (mine, "total"), ==, 0);
  g_assert_true (slot_listed (f, WED));
}

static PtResponse *
post (Fixture    *f,
      const char *token,
      const char *format,
      const char *id)
{
  g_autofree char *path = g_strdup_printf (format, id);

  return pt_request (f->server, "POST", path, token, NULL, NULL);
}

static void
test_approval (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PtResponse) request = book (f, f->learner, f->approval_id, WED);
  g_autoptr(PtResponse) blocked = NULL;
  g_autoptr(PtResponse) inbox = NULL;
  g_autoptr(PtResponse) by_learner = NULL;
  g_autoptr(PtResponse) accepted = NULL;
  g_autoptr(PtResponse) again = NULL;
  g_autoptr(PtResponse) second = NULL;
  g_autoptr(PtResponse) rejected = NULL;
  g_autoptr(PtResponse) detail = NULL;
  const char *id;

  pt_assert_status (request, 201);
  g_assert_cmpstr (pt_str (request, "status"), ==, "pending");
  id = pt_str (request, "id");

  /* A pending request holds the time. */
  blocked = book (f, f->other, f->offering_id, WED);
  pt_assert_error (blocked, 409, "slot_taken");

  inbox = pt_request (f->server, "GET", "/api/v1/me/bookings?role=teacher&status=pending", f->teacher, NULL, NULL);
  pt_assert_status (inbox, 200);
  g_assert_cmpint (pt_int (inbox, "total"), ==, 1);
  g_assert_cmpstr (pt_str (inbox, "items[0].id"), ==, id);
  g_assert_cmpstr (pt_str (inbox, "items[0].learner_name"), ==, "learner@example.org");

  by_learner = post (f, f->learner, "/api/v1/bookings/%s/accept", id);
  pt_assert_error (by_learner, 403, "forbidden");

  accepted = post (f, f->teacher, "/api/v1/bookings/%s/accept", id);
  pt_assert_status (accepted, 200);
  g_assert_cmpstr (pt_str (accepted, "status"), ==, "confirmed");

  again = post (f, f->teacher, "/api/v1/bookings/%s/reject", id);
  pt_assert_error (again, 409, "invalid_state");

  second = book (f, f->other, f->approval_id, WED + DAY);
  pt_assert_status (second, 201);
  rejected = post (f, f->teacher, "/api/v1/bookings/%s/reject", pt_str (second, "id"));
  pt_assert_status (rejected, 200);
  g_assert_cmpstr (pt_str (rejected, "status"), ==, "rejected");
  g_assert_cmpint (pt_int (rejected, "refund_minor"), ==, 3000);
  /* A rejected request frees the time. */
  g_assert_true (slot_listed (f, WED + DAY));

  {
    g_autofree char *detail_path = g_strdup_printf ("/api/v1/bookings/%s", id);
    detail = pt_request (f->server, "GET", detail_path, f->learner, NULL, NULL);
  }
  pt_assert_status (detail, 200);
  g_assert_cmpstr (pt_str (detail, "history[0].action"), ==, "created");
  g_assert_cmpstr (pt_str (detail, "history[1].action"), ==, "accepted");
}

typedef struct
{
  gint64      before;     /* cancel this long before the start */
  gboolean    by_teacher;
  gint64      refund;
} RefundCase;

static void
test_cancel_refunds (Fixture       *f,
                     gconstpointer  data)
{
  static const RefundCase cases[] = {
    { 25 * HOUR, FALSE, 2000 },
    { 24 * HOUR, FALSE, 2000 },
    { 24 * HOUR - 1, FALSE, 1000 },
    { 12 * HOUR, FALSE, 1000 },
    { 12 * HOUR - 60, FALSE, 0 },
    { 1 * HOUR, FALSE, 0 },
    { 1 * HOUR, TRUE, 2000 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      /* Thursday and on, each case a day later, all at 09:00 Madrid. */
      gint64 start = WED + (gint64) (i + 1) * DAY;
      g_autoptr(PtResponse) booked = NULL;
      g_autoptr(PtResponse) cancelled = NULL;
      g_autoptr(PtResponse) twice = NULL;

      if ((start - WED) / DAY % 7 == 3 || (start - WED) / DAY % 7 == 4)
        start += 2 * DAY;  /* skip the weekend */

      pt_server_set_now (f->server, T0);
      booked = book (f, f->learner, f->offering_id, start);
      pt_assert_status (booked, 201);

      pt_server_set_now (f->server, start - cases[i].before);
      cancelled = post (f, cases[i].by_teacher ? f->teacher : f->learner,
                        "/api/v1/bookings/%s/cancel", pt_str (booked, "id"));
      g_test_message ("case %u: %" G_GINT64_FORMAT " s before, %s", i, cases[i].before,
                      cases[i].by_teacher ? "teacher" : "learner");
      pt_assert_status (cancelled, 200);
      g_assert_cmpstr (pt_str (cancelled, "id"), ==, pt_str (booked, "id"));
      g_assert_cmpstr (pt_str (cancelled, "status"), ==, "cancelled");
      g_assert_cmpint (pt_int (cancelled, "refund_minor"), ==, cases[i].refund);
      g_assert_cmpstr (pt_str (cancelled, "cancelled_by"), ==, cases[i].by_teacher ? "teacher" : "learner");

      twice = post (f, f->learner, "/api/v1/bookings/%s/cancel", pt_str (booked, "id"));
      pt_assert_error (twice, 409, "invalid_state");
    }
}

static void
stricter_policy (ParlaServerConfig *config,
                 gpointer           user_data)
{
  config->policy->full_refund_hours = 48;
  config->policy->partial_refund_bp = 0;
}

/* A booking keeps the policy it was made under. */
static void
test_policy_snapshot (void)
{
  Fixture f = { 0, };
  g_autoptr(PtResponse) before = NULL;
  g_autoptr(PtResponse) after = NULL;
  g_autoptr(PtResponse) old_cancel = NULL;
  g_autoptr(PtResponse) new_cancel = NULL;
  gint64 start = WED + DAY;

  fixture_set_up (&f, NULL);
  before = book (&f, f.learner, f.offering_id, start);
  pt_assert_status (before, 201);

  f.server = pt_server_restart (f.server, stricter_policy, NULL);
  pt_server_set_now (f.server, T0);
  after = book (&f, f.learner, f.offering_id, start + DAY);
  pt_assert_status (after, 201);
  g_assert_cmpint (pt_int (after, "policy.full_refund_hours"), ==, 48);
  g_assert_cmpint (pt_int (before, "policy.full_refund_hours"), ==, 24);

  /* 30 hours before: full under the old snapshot, nothing under the new. */
  pt_server_set_now (f.server, start - 30 * HOUR);
  old_cancel = post (&f, f.learner, "/api/v1/bookings/%s/cancel", pt_str (before, "id"));
  pt_assert_status (old_cancel, 200);
  g_assert_cmpint (pt_int (old_cancel, "refund_minor"), ==, 2000);

  pt_server_set_now (f.server, start + DAY - 30 * HOUR);
  new_cancel = post (&f, f.learner, "/api/v1/bookings/%s/cancel", pt_str (after, "id"));
  pt_assert_status (new_cancel, 200);
  g_assert_cmpint (pt_int (new_cancel, "refund_minor"), ==, 0);

  fixture_tear_down (&f, NULL);
}

static void
test_reschedule (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PtResponse) booked = book (f, f->learner, f->offering_id, WED);
  g_autoptr(PtResponse) blocker = book (f, f->other, f->offering_id, WED + 2 * HOUR);
  g_autoptr(PtResponse) moved = NULL;
  g_autoptr(PtResponse) clash = NULL;
  g_autoptr(PtResponse) bad = NULL;
  g_autofree char *path = NULL;
  g_autofree char *to = pt_instant (WED + DAY + 4 * HOUR);
  g_autofree char *clash_to = pt_instant (WED + 2 * HOUR);
  g_autofree char *body = pt_json ("{\"start\":\"%s\"}", to);
  g_autofree char *clash_body = pt_json ("{\"start\":\"%s\"}", clash_to);

  pt_assert_status (booked, 201);
  pt_assert_status (blocker, 201);
  path = g_strdup_printf ("/api/v1/bookings/%s/reschedule", pt_str (booked, "id"));

  moved = pt_request (f->server, "POST", path, f->learner, body, NULL);
  pt_assert_status (moved, 200);
  g_assert_cmpstr (pt_str (moved, "id"), ==, pt_str (booked, "id"));
  g_assert_cmpstr (pt_str (moved, "start"), ==, to);
  g_assert_cmpstr (pt_str (moved, "end"), ==, "2026-11-26T13:00:00Z");
  g_assert_cmpstr (pt_str (moved, "history[1].action"), ==, "rescheduled");
  g_assert_cmpstr (pt_str (moved, "history[1].from_start"), ==, "2026-11-25T08:00:00Z");
  g_assert_cmpstr (pt_str (moved, "history[1].to_start"), ==, to);

  /* The old time is free again, the new one is not. */
  g_assert_true (slot_listed (f, WED));
  g_assert_false (slot_listed (f, WED + DAY + 4 * HOUR));

  clash = pt_request (f->server, "POST", path, f->learner, clash_body, NULL);
  pt_assert_error (clash, 409, "slot_taken");

  bad = pt_request (f->server, "POST", path, f->learner, "{\"start\":\"soon\"}", NULL);
  pt_assert_error (bad, 400, "invalid_input");
}

/* Nobody reads or changes another user's bookings; what they may not see
 * does not exist for them. */
static void
test_other_users_bookings (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(PtResponse) booked = book (f, f->learner, f->offering_id, WED);
  g_autofree char *stranger_teacher = pt_register (f->server, "t2@example.org", "teacher", NULL);
  const char *id = pt_str (booked, "id");
  g_autofree char *get_path = g_strdup_printf ("/api/v1/bookings/%s", id);
  g_autofree char *move_path = g_strdup_printf ("/api/v1/bookings/%s/reschedule", id);
  const char *strangers[] = { f->other, stranger_teacher };
  g_autoptr(PtResponse) still = NULL;
  g_autoptr(PtResponse) theirs = NULL;

  pt_assert_status (booked, 201);

  for (guint i = 0; i < G_N_ELEMENTS (strangers); i++)
    {
      g_autoptr(PtResponse) read = pt_request (f->server, "GET", get_path, strangers[i], NULL, NULL);
      g_autoptr(PtResponse) cancel = post (f, strangers[i], "/api/v1/bookings/%s/cancel", id);
      g_autoptr(PtResponse) accept = post (f, strangers[i], "/api/v1/bookings/%s/accept", id);
      g_autoptr(PtResponse) move = pt_request (f->server, "POST", move_path, strangers[i],
                                               "{\"start\":\"2026-11-26T08:00:00Z\"}", NULL);

      pt_assert_error (read, 404, "not_found");
      pt_assert_error (cancel, 404, "not_found");
      pt_assert_error (accept, 404, "not_found");
      pt_assert_error (move, 404, "not_found");
    }

  still = pt_request (f->server, "GET", get_path, f->learner, NULL, NULL);
  pt_assert_status (still, 200);
  g_assert_cmpstr (pt_str (still, "status"), ==, "confirmed");
  g_assert_cmpstr (pt_str (still, "start"), ==, "2026-11-25T08:00:00Z");

  theirs = pt_request (f->server, "GET", "/api/v1/me/bookings", f->other, NULL, NULL);
  g_assert_cmpint (pt_int (theirs, "total"), ==, 0);
}

static char *
create_session (Fixture    *f,
                const char *token,
                gint64      start,
                int         capacity,
                int         price)
{
  g_autofree char *when = pt_instant (start);
  g_autofree char *body = pt_json ("{\"title\":\"Tapas talk\",\"description\":\"Ordering in a bar\","
                                   "\"type\":\"group\",\"language\":\"es\",\"level\":\"A2\",\"start\":\"%s\","
                                   "\"duration_minutes\":60,\"capacity\":%d,\"price_minor\":%d,\"currency\":\"EUR\"}",
                                   when, capacity, price);

  return create (f->server, token, "/api/v1/sessions", body);
}

static void
test_sessions (Fixture       *f,
               gconstpointer  data)
{
  g_autofree char *third = pt_register (f->server, "third@example.org", "student", NULL);
  g_autofree char *id = create_session (f, f->teacher, WED + 6 * HOUR, 2, 1500);
  g_autofree char *seat_path = g_strdup_printf ("/api/v1/sessions/%s/book", id);
  g_autofree char *session_path = g_strdup_printf ("/api/v1/sessions/%s", id);
  g_autoptr(PtResponse) paid_by_student = NULL;
  g_autoptr(PtResponse) seat1 = NULL;
  g_autoptr(PtResponse) seat_again = NULL;
  g_autoptr(PtResponse) seat2 = NULL;
  g_autoptr(PtResponse) full = NULL;
  g_autoptr(PtResponse) listed = NULL;
  g_autoptr(PtResponse) mine = NULL;
  g_autoptr(PtResponse) host_seat = NULL;
  g_autoptr(PtResponse) left = NULL;
  g_autoptr(PtResponse) after_leave = NULL;
  g_autofree char *peer = NULL;

  /* Learners host free peer sessions only. */
  {
    g_autofree char *when = pt_instant (WED + DAY);
    g_autofree char *body = pt_json ("{\"title\":\"Peer practice\",\"type\":\"practice\",\"language\":\"es\","
                                     "\"level\":\"all\",\"start\":\"%s\",\"duration_minutes\":30,"
                                     "\"capacity\":4,\"price_minor\":500}", when);
    paid_by_student = pt_request (f->server, "POST", "/api/v1/sessions", f->learner, body, NULL);
    pt_assert_error (paid_by_student, 403, "forbidden");
    g_assert_cmpstr (pt_str (paid_by_student, "error.field"), ==, "price_minor");
  }
  peer = create_session (f, f->other, WED + DAY, 4, 0);

  seat1 = pt_request (f->server, "POST", seat_path, f->learner, NULL, NULL);
  pt_assert_status (seat1, 201);
  g_assert_cmpstr (pt_str (seat1, "kind"), ==, "session");
  g_assert_cmpstr (pt_str (seat1, "session_id"), ==, id);
  g_assert_cmpint (pt_int (seat1, "price_minor"), ==, 1500);
  g_assert_cmpint (pt_int (seat1, "fee_minor"), ==, 150);

  seat_again = pt_request (f->server, "POST", seat_path, f->learner, NULL, NULL);
  pt_assert_error (seat_again, 409, "invalid_state");
  host_seat = pt_request (f->server, "POST", seat_path, f->teacher, NULL, NULL);
  pt_assert_error (host_seat, 409, "invalid_state");

  seat2 = pt_request (f->server, "POST", seat_path, f->other, NULL, NULL);
  pt_assert_status (seat2, 201);
  full = pt_request (f->server, "POST", seat_path, third, NULL, NULL);
  pt_assert_error (full, 409, "slot_taken");

  /* Full sessions stay listed, with no seats left; each learner sees
   * their own seat. */
  listed = pt_request (f->server, "GET", "/api/v1/sessions?language=es&level=A2&type=group&free=false", f->learner, NULL, NULL);
  pt_assert_status (listed, 200);
  g_assert_cmpint (pt_int (listed, "total"), ==, 1);
  g_assert_cmpstr (pt_str (listed, "items[0].id"), ==, id);
  g_assert_cmpint (pt_int (listed, "items[0].seats_left"), ==, 0);
  g_assert_cmpstr (pt_str (listed, "items[0].my_booking_status"), ==, "confirmed");
  g_assert_cmpstr (pt_str (listed, "items[0].my_booking_id"), ==, pt_str (seat1, "id"));

  mine = pt_request (f->server, "GET", session_path, third, NULL, NULL);
  g_assert_false (pt_has (mine, "my_booking_id"));

  /* Leaving 30 h before: full refund, and the seat is free again. */
  pt_server_set_now (f->server, WED + 6 * HOUR - 30 * HOUR);
  left = pt_request (f->server, "DELETE", seat_path, f->learner, NULL, NULL);
  pt_assert_status (left, 200);
  g_assert_cmpstr (pt_str (left, "status"), ==, "cancelled");
  g_assert_cmpint (pt_int (left, "refund_minor"), ==, 1500);
  after_leave = pt_request (f->server, "GET", session_path, NULL, NULL, NULL);
  g_assert_cmpint (pt_int (after_leave, "seats_left"), ==, 1);

  /* Filters: the peer session is free practice for all levels. */
  {
    g_autoptr(PtResponse) free_ones = pt_request (f->server, "GET", "/api/v1/sessions?free=true", NULL, NULL, NULL);
    g_autoptr(PtResponse) level = pt_request (f->server, "GET", "/api/v1/sessions?level=B2", NULL, NULL, NULL);
    g_autoptr(PtResponse) a2 = pt_request (f->server, "GET", "/api/v1/sessions?level=A2", NULL, NULL, NULL);
    g_autoptr(PtResponse) text = pt_request (f->server, "GET", "/api/v1/sessions?q=TAPAS", NULL, NULL, NULL);
    g_autoptr(PtResponse) none = pt_request (f->server, "GET", "/api/v1/sessions?q=%25", NULL, NULL, NULL);
    g_autoptr(PtResponse) later = pt_request (f->server, "GET", "/api/v1/sessions?from=2026-11-27T00:00:00Z", NULL, NULL, NULL);

    g_assert_cmpint (pt_int (free_ones, "total"), ==, 1);
    g_assert_cmpstr (pt_str (free_ones, "items[0].id"), ==, peer);
    g_assert_cmpint (pt_int (level, "total"), ==, 0);
    g_assert_cmpint (pt_int (a2, "total"), ==, 2);
    g_assert_cmpint (pt_int (text, "total"), ==, 2);
    g_assert_cmpint (pt_int (none, "total"), ==, 0);
    g_assert_cmpint (pt_int (later, "total"), ==, 0);
  }
}

static void
test_session_host_changes (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *id = create_session (f, f->teacher, WED + 6 * HOUR, 5, 1500);
  g_autofree char *seat_path = g_strdup_printf ("/api/v1/sessions/%s/book", id);
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s", id);
  g_autoptr(PtResponse) seat = pt_request (f->server, "POST", seat_path, f->learner, NULL, NULL);
  g_autoptr(PtResponse) not_host = NULL;
  g_autoptr(PtResponse) moved = NULL;
  g_autoptr(PtResponse) booking = NULL;
  g_autoptr(PtResponse) bad = NULL;
  g_autoptr(PtResponse) shrink = NULL;
  g_autoptr(PtResponse) cancelled = NULL;
  g_autoptr(PtResponse) refunded = NULL;
  g_autoptr(PtResponse) rebook = NULL;
  g_autofree char *booking_path = NULL;

  pt_assert_status (seat, 201);
  booking_path = g_strdup_printf ("/api/v1/bookings/%s", pt_str (seat, "id"));

  not_host = pt_request (f->server, "PUT", path, f->other, "{\"title\":\"Mine now\"}", NULL);
  pt_assert_error (not_host, 403, "forbidden");

  moved = pt_request (f->server, "PUT", path, f->teacher, "{\"start\":\"2026-11-26T15:00:00Z\"}", NULL);
  pt_assert_status (moved, 200);
  g_assert_cmpstr (pt_str (moved, "start"), ==, "2026-11-26T15:00:00Z");
  g_assert_cmpstr (pt_str (moved, "end"), ==, "2026-11-26T16:00:00Z");
  g_assert_cmpstr (pt_str (moved, "title"), ==, "Tapas talk");

  booking = pt_request (f->server, "GET", booking_path, f->learner, NULL, NULL);
  g_assert_cmpstr (pt_str (booking, "start"), ==, "2026-11-26T15:00:00Z");
  g_assert_cmpstr (pt_str (booking, "history[1].action"), ==, "rescheduled");

  bad = pt_request (f->server, "PUT", path, f->teacher, "{\"capacity\":0,\"title\":\"Changed\"}", NULL);
  pt_assert_error (bad, 400, "invalid_input");
  shrink = pt_request (f->server, "PUT", path, f->teacher, "{\"capacity\":0}", NULL);
  pt_assert_status (shrink, 400);
  {
    g_autoptr(PtResponse) unchanged = pt_request (f->server, "GET", path, NULL, NULL, NULL);
    g_assert_cmpstr (pt_str (unchanged, "title"), ==, "Tapas talk");
    g_assert_cmpint (pt_int (unchanged, "capacity"), ==, 5);
  }

  /* The host cancels an hour before: every learner is refunded in full. */
  pt_server_set_now (f->server, 1795705200 - HOUR);
  cancelled = pt_request (f->server, "PUT", path, f->teacher, "{\"status\":\"cancelled\"}", NULL);
  pt_assert_status (cancelled, 200);
  g_assert_cmpstr (pt_str (cancelled, "status"), ==, "cancelled");
  refunded = pt_request (f->server, "GET", booking_path, f->learner, NULL, NULL);
  g_assert_cmpstr (pt_str (refunded, "status"), ==, "cancelled");
  g_assert_cmpstr (pt_str (refunded, "cancelled_by"), ==, "teacher");
  g_assert_cmpint (pt_int (refunded, "refund_minor"), ==, 1500);

  rebook = pt_request (f->server, "POST", seat_path, f->other, NULL, NULL);
  pt_assert_error (rebook, 409, "invalid_state");
}

/* A teacher is never in two places: sessions, lessons and pending
 * requests all hold the time. */
static void
test_never_double_booked (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(PtResponse) lesson = book (f, f->learner, f->offering_id, WED);
  g_autoptr(PtResponse) request = book (f, f->learner, f->approval_id, WED + 2 * HOUR);
  g_autoptr(PtResponse) over_lesson = NULL;
  g_autoptr(PtResponse) over_request = NULL;
  g_autoptr(PtResponse) over_session = NULL;
  g_autofree char *session = NULL;
  g_autofree char *when = pt_instant (WED + 30 * 60);
  g_autofree char *when2 = pt_instant (WED + 2 * HOUR);
  g_autofree char *body = pt_json ("{\"title\":\"Clash\",\"type\":\"group\",\"language\":\"es\",\"level\":\"A1\","
                                   "\"start\":\"%s\",\"duration_minutes\":60,\"capacity\":3,\"price_minor\":0}", when);
  g_autofree char *body2 = pt_json ("{\"title\":\"Clash\",\"type\":\"group\",\"language\":\"es\",\"level\":\"A1\","
                                    "\"start\":\"%s\",\"duration_minutes\":30,\"capacity\":3,\"price_minor\":0}", when2);

  pt_assert_status (lesson, 201);
  pt_assert_status (request, 201);

  over_lesson = pt_request (f->server, "POST", "/api/v1/sessions", f->teacher, body, NULL);
  pt_assert_error (over_lesson, 409, "slot_taken");
  over_request = pt_request (f->server, "POST", "/api/v1/sessions", f->teacher, body2, NULL);
  pt_assert_error (over_request, 409, "slot_taken");

  session = create_session (f, f->teacher, WED + 4 * HOUR, 3, 0);
  over_session = book (f, f->other, f->offering_id, WED + 4 * HOUR + 30 * 60);
  pt_assert_error (over_session, 409, "slot_taken");
  g_assert_false (slot_listed (f, WED + 4 * HOUR));
}

static void
test_idempotency (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", f->offering_id);
  const char *body = "{\"start\":\"2026-11-25T08:00:00Z\"}";
  g_autoptr(PtResponse) first = pt_request (f->server, "POST", path, f->learner, body, "Idempotency-Key", "k-1", NULL);
  g_autoptr(PtResponse) replay = pt_request (f->server, "POST", path, f->learner, body, "Idempotency-Key", "k-1", NULL);
  g_autoptr(PtResponse) changed = pt_request (f->server, "POST", path, f->learner,
                                              "{\"start\":\"2026-11-25T10:00:00Z\"}", "Idempotency-Key", "k-1", NULL);
  g_autoptr(PtResponse) other_user = pt_request (f->server, "POST", path, f->other,
                                                 "{\"start\":\"2026-11-25T12:00:00Z\"}", "Idempotency-Key", "k-1", NULL);
  g_autoptr(PtResponse) bad_key = pt_request (f->server, "POST", path, f->learner, body, "Idempotency-Key", "has space", NULL);
  g_autoptr(PtResponse) mine = NULL;

  pt_assert_status (first, 201);
  pt_assert_status (replay, 201);
  g_assert_cmpstr (pt_str (replay, "id"), ==, pt_str (first, "id"));
  g_assert_cmpstr (replay->body, ==, first->body);
  g_assert_cmpstr (soup_message_headers_get_one (replay->headers, "Idempotent-Replayed"), ==, "true");
  g_assert_null (soup_message_headers_get_one (first->headers, "Idempotent-Replayed"));

  pt_assert_error (changed, 422, "idempotency_conflict");
  /* Keys belong to their user. */
  pt_assert_status (other_user, 201);
  pt_assert_error (bad_key, 400, "invalid_input");

  mine = pt_request (f->server, "GET", "/api/v1/me/bookings", f->learner, NULL, NULL);
  g_assert_cmpint (pt_int (mine, "total"), ==, 1);
}

typedef struct
{
  Fixture    *f;
  const char *path;
  PtResponse *response;
} Racer;

static gpointer
race_cb (gpointer data)
{
  Racer *racer = data;

  racer->response = pt_request (racer->f->server, "POST", racer->path, racer->f->learner,
                                "{\"start\":\"2026-11-25T08:00:00Z\"}", "Idempotency-Key", "k-race", NULL);
  return NULL;
}

/* While the first request with a key runs, a second one gets 409. */
static void
test_idempotency_in_flight (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", f->offering_id);
  Racer first = { f, path, NULL };
  g_autoptr(PtResponse) second = NULL;
  g_autoptr(PtResponse) first_response = NULL;
  GThread *thread;

  pt_server_set_delay (f->server, 1500);
  thread = g_thread_new ("racer", race_cb, &first);
  g_usleep (500 * 1000);
  second = pt_request (f->server, "POST", path, f->learner,
                       "{\"start\":\"2026-11-25T08:00:00Z\"}", "Idempotency-Key", "k-race", NULL);
  g_thread_join (thread);
  pt_server_set_delay (f->server, 0);
  first_response = first.response;

  pt_assert_status (first_response, 201);
  pt_assert_error (second, 409, "idempotency_conflict");
}

/* Words match as prefixes in any script, every word must match, and a
 * broad listing counts up to a bound and says so. */
static void
test_listing_search_and_count (Fixture       *f,
                               gconstpointer  data)
{
  static const struct { const char *q; gint64 total; } searches[] = {
    { "tapas", 1 },
    { "TAP", 1 },
    { "tapas madrid", 1 },
    { "tapas paris", 0 },
    { "crème", 1 },
    { "CRÈME brûlée", 1 },
    { "ordering", 1 },
    { "%_", 0 },
  };
  g_autoptr(PtResponse) tapas = NULL;
  g_autoptr(PtResponse) creme = NULL;
  g_autoptr(PtResponse) all = NULL;
  g_autoptr(PtResponse) page = NULL;

  tapas = pt_request (f->server, "POST", "/api/v1/sessions", f->other,
                      "{\"title\":\"Tapas in Madrid\",\"description\":\"Ordering in a bar\",\"type\":\"practice\","
                      "\"language\":\"es\",\"level\":\"all\",\"start\":\"2026-11-24T18:00:00Z\","
                      "\"duration_minutes\":60,\"capacity\":6}", NULL);
  pt_assert_status (tapas, 201);
  creme = pt_request (f->server, "POST", "/api/v1/sessions", f->other,
                      "{\"title\":\"Crème brûlée et café\",\"type\":\"cultural\",\"language\":\"fr\","
                      "\"level\":\"B1\",\"start\":\"2026-11-24T20:00:00Z\",\"duration_minutes\":60,\"capacity\":6}", NULL);
  pt_assert_status (creme, 201);

  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autofree char *escaped = g_uri_escape_string (searches[i].q, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/api/v1/sessions?q=%s", escaped);
      g_autoptr(PtResponse) response = pt_request (f->server, "GET", path, NULL, NULL, NULL);

      g_test_message ("q=%s", searches[i].q);
      pt_assert_status (response, 200);
      g_assert_cmpint (pt_int (response, "total"), ==, searches[i].total);
    }

  /* Words with other filters take the joined count. */
  {
    g_autoptr(PtResponse) es = pt_request (f->server, "GET", "/api/v1/sessions?q=tapas&language=es", NULL, NULL, NULL);
    g_autoptr(PtResponse) fr = pt_request (f->server, "GET", "/api/v1/sessions?q=tapas&language=fr", NULL, NULL, NULL);

    g_assert_cmpint (pt_int (es, "total"), ==, 1);
    g_assert_cmpint (pt_int (fr, "total"), ==, 0);
  }

  /* A cancelled session leaves the search, and a moved one follows. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s", pt_str (creme, "id"));
    g_autoptr(PtResponse) cancel = pt_request (f->server, "PUT", path, f->other, "{\"status\":\"cancelled\"}", NULL);
    g_autoptr(PtResponse) gone = pt_request (f->server, "GET", "/api/v1/sessions?q=creme%20OR%20cr%C3%A8me", NULL, NULL, NULL);
    g_autoptr(PtResponse) gone2 = pt_request (f->server, "GET", "/api/v1/sessions?q=cr%C3%A8me", NULL, NULL, NULL);
    g_autofree char *tapas_path = g_strdup_printf ("/api/v1/sessions/%s", pt_str (tapas, "id"));
    g_autoptr(PtResponse) move = pt_request (f->server, "PUT", tapas_path, f->other,
                                             "{\"start\":\"2026-12-20T18:00:00Z\"}", NULL);
    g_autoptr(PtResponse) before = pt_request (f->server, "GET", "/api/v1/sessions?q=tapas&to=2026-12-01T00:00:00Z", NULL, NULL, NULL);
    g_autoptr(PtResponse) after = pt_request (f->server, "GET", "/api/v1/sessions?q=tapas&from=2026-12-01T00:00:00Z", NULL, NULL, NULL);

    pt_assert_status (cancel, 200);
    g_assert_cmpint (pt_int (gone, "total"), ==, 0);
    g_assert_cmpint (pt_int (gone2, "total"), ==, 0);
    pt_assert_status (move, 200);
    g_assert_cmpint (pt_int (before, "total"), ==, 0);
    g_assert_cmpint (pt_int (after, "total"), ==, 1);
  }

  /* Learners' free practice sessions need no teacher calendar: quick to
   * make a thousand of. */
  for (guint i = 0; i < 1001; i++)
    {
      g_autofree char *when = pt_instant (T0 + DAY + (gint64) i * 600);
      g_autofree char *body = pt_json ("{\"title\":\"Practice party %u\",\"type\":\"practice\",\"language\":\"de\","
                                       "\"level\":\"A1\",\"start\":\"%s\",\"duration_minutes\":30,\"capacity\":4}",
                                       i, when);
      g_autoptr(PtResponse) response = pt_request (f->server, "POST", "/api/v1/sessions", f->learner, body, NULL);

      pt_assert_status (response, 201);
    }

  all = pt_request (f->server, "GET", "/api/v1/sessions?limit=100", NULL, NULL, NULL);
  g_assert_cmpint (pt_int (all, "total"), ==, 1000);
  g_assert_false (json_node_get_boolean (pt_json_get (all->json, "total_exact")));

  page = pt_request (f->server, "GET", "/api/v1/sessions?language=es", NULL, NULL, NULL);
  g_assert_cmpint (pt_int (page, "total"), ==, 1);
  g_assert_true (json_node_get_boolean (pt_json_get (page->json, "total_exact")));

  /* "p" starts over 2,000 indexed words: the common-word plan. */
  {
    g_autoptr(PtResponse) common = pt_request (f->server, "GET", "/api/v1/sessions?q=p&limit=5", NULL, NULL, NULL);

    g_assert_cmpint (pt_int (common, "total"), ==, 1000);
    g_assert_false (json_node_get_boolean (pt_json_get (common->json, "total_exact")));
    g_assert_cmpstr (pt_str (common, "items[0].title"), ==, "Practice party 0");
    g_assert_cmpstr (pt_str (common, "items[4].title"), ==, "Practice party 4");
  }
  /* "5" is rare: 5, 50-59, 500-599. */
  {
    g_autoptr(PtResponse) rare = pt_request (f->server, "GET", "/api/v1/sessions?q=party%205", NULL, NULL, NULL);

    g_assert_cmpint (pt_int (rare, "total"), ==, 111);
    g_assert_true (json_node_get_boolean (pt_json_get (rare->json, "total_exact")));
    g_assert_cmpstr (pt_str (rare, "items[0].title"), ==, "Practice party 5");
    g_assert_cmpstr (pt_str (rare, "items[1].title"), ==, "Practice party 50");
  }
}

/* The learner's time zone: given, or from their teacher profile, or UTC;
 * kept with the booking. */
static void
test_learner_time_zone (Fixture       *f,
                        gconstpointer  data)
{
  static const struct { const char *zone; const char *field; } bad[] = {
    { "\"Mars/Olympus_Mons\"", "learner_time_zone" },
    { "\"\"", "learner_time_zone" },
    { "5", "learner_time_zone" },
    { "[\"UTC\"]", "learner_time_zone" },
  };
  g_autofree char *when = pt_instant (WED);
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", f->offering_id);
  g_autofree char *body = pt_json ("{\"start\":\"%s\",\"learner_time_zone\":\"America/New_York\"}", when);
  g_autofree char *session_id = create_session (f, f->teacher, WED + 6 * HOUR, 4, 0);
  g_autofree char *seat_path = g_strdup_printf ("/api/v1/sessions/%s/book", session_id);
  g_autoptr(PtResponse) zoned = NULL;
  g_autoptr(PtResponse) got = NULL;
  g_autoptr(PtResponse) plain = NULL;
  g_autoptr(PtResponse) seat = NULL;
  g_autoptr(PtResponse) bad_seat = NULL;
  g_autoptr(PtResponse) mine = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *bad_body = pt_json ("{\"start\":\"%s\",\"learner_time_zone\":%s}", when, bad[i].zone);
      g_autoptr(PtResponse) response = pt_request (f->server, "POST", path, f->learner, bad_body, NULL);

      pt_assert_error (response, 400, "invalid_input");
      g_assert_cmpstr (pt_str (response, "error.field"), ==, bad[i].field);
    }

  zoned = pt_request (f->server, "POST", path, f->learner, body, NULL);
  pt_assert_status (zoned, 201);
  g_assert_cmpstr (pt_str (zoned, "learner_time_zone"), ==, "America/New_York");
  {
    g_autofree char *get_path = g_strdup_printf ("/api/v1/bookings/%s", pt_str (zoned, "id"));
    got = pt_request (f->server, "GET", get_path, f->teacher, NULL, NULL);
  }
  pt_assert_status (got, 200);
  g_assert_cmpstr (pt_str (got, "learner_time_zone"), ==, "America/New_York");

  /* No zone given and no profile: UTC. */
  plain = book (f, f->other, f->offering_id, WED + 2 * HOUR);
  pt_assert_status (plain, 201);
  g_assert_cmpstr (pt_str (plain, "learner_time_zone"), ==, "UTC");

  /* A seat takes one too; a bad one takes no seat. */
  bad_seat = pt_request (f->server, "POST", seat_path, f->learner, "{\"learner_time_zone\":\"Nowhere\"}", NULL);
  pt_assert_error (bad_seat, 400, "invalid_input");
  g_assert_cmpstr (pt_str (bad_seat, "error.field"), ==, "learner_time_zone");
  seat = pt_request (f->server, "POST", seat_path, f->learner, "{\"learner_time_zone\":\"Asia/Tokyo\"}", NULL);
  pt_assert_status (seat, 201);
  g_assert_cmpstr (pt_str (seat, "learner_time_zone"), ==, "Asia/Tokyo");

  mine = pt_request (f->server, "GET", "/api/v1/me/bookings", f->learner, NULL, NULL);
  pt_assert_status (mine, 200);
  g_assert_cmpint (pt_int (mine, "total"), ==, 2);
  g_assert_cmpstr (pt_str (mine, "items[0].learner_time_zone"), ==, "America/New_York");
  g_assert_cmpstr (pt_str (mine, "items[1].learner_time_zone"), ==, "Asia/Tokyo");
}

/* A teacher who books another teacher's lesson brings their own zone. */
static void
test_learner_time_zone_from_profile (Fixture       *f,
                                     gconstpointer  data)
{
  g_autofree char *second_id = NULL;
  g_autofree char *second = pt_register (f->server, "second@example.org", "teacher", &second_id);
  g_autoptr(PtResponse) profile = NULL;
  g_autoptr(PtResponse) booked = NULL;

  profile = pt_request (f->server, "PUT", "/api/v1/me/teacher-profile", second,
                        "{\"bio\":\"Sensei\",\"languages\":[\"ja\"],\"time_zone\":\"Asia/Tokyo\"}", NULL);
  pt_assert_status (profile, 200);

  booked = book (f, second, f->offering_id, WED);
  pt_assert_status (booked, 201);
  g_assert_cmpstr (pt_str (booked, "learner_time_zone"), ==, "Asia/Tokyo");
}

static PtResponse *
reject (Fixture    *f,
        const char *token,
        const char *id,
        const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/reject", id);

  return pt_request (f->server, "POST", path, token, body, NULL);
}

/* The teacher's reason for declining: kept, shown to the learner, and
 * sent with the event. */
static void
test_reject_reason (Fixture       *f,
                    gconstpointer  data)
{
  static const char * const bad[] = {
    "{\"reason\":5}", "{\"reason\":[\"busy\"]}", "{\"reason\":{}}", "{\"reason\":", "[1]",
  };
  g_autoptr(PtResponse) request = book (f, f->learner, f->approval_id, WED);
  g_autoptr(PtResponse) blank_request = book (f, f->learner, f->approval_id, WED + 2 * HOUR);
  g_autoptr(PtResponse) rejected = NULL;
  g_autoptr(PtResponse) blank = NULL;
  g_autoptr(PtResponse) seen = NULL;
  g_autoptr(PtWs) ws = NULL;
  g_autofree char *long_reason = g_strnfill (501, 'x');
  g_autofree char *long_body = pt_json ("{\"reason\":\"%s\"}", long_reason);
  g_autofree char *seen_path = NULL;
  const char *id = pt_str (request, "id");
  JsonNode *event;

  pt_assert_status (request, 201);
  g_assert_cmpstr (pt_str (request, "status"), ==, "pending");
  g_assert_true (JSON_NODE_HOLDS_NULL (pt_json_get (request->json, "reject_reason")));

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PtResponse) response = reject (f, f->teacher, id, bad[i]);

      pt_assert_error (response, 400, "invalid_input");
    }
  {
    g_autoptr(PtResponse) too_long = reject (f, f->teacher, id, long_body);
    g_autoptr(PtResponse) by_learner = reject (f, f->learner, id, "{\"reason\":\"Changed my mind\"}");

    pt_assert_error (too_long, 400, "invalid_input");
    g_assert_cmpstr (pt_str (too_long, "error.field"), ==, "reason");
    pt_assert_error (by_learner, 403, "forbidden");
  }

  ws = pt_ws_connect (f->server, f->learner);
  rejected = reject (f, f->teacher, id, "{\"reason\":\"  I am away that week; could you pick the next one?  \"}");
  pt_assert_status (rejected, 200);
  g_assert_cmpstr (pt_str (rejected, "status"), ==, "rejected");
  g_assert_cmpstr (pt_str (rejected, "reject_reason"), ==, "I am away that week; could you pick the next one?");

  event = pt_ws_wait_for (ws, "booking.rejected", "booking.id", id, 10000);
  g_assert_cmpstr (pt_node_str (event, "booking.reject_reason"), ==,
                   "I am away that week; could you pick the next one?");
  json_node_unref (event);

  seen_path = g_strdup_printf ("/api/v1/bookings/%s", id);
  seen = pt_request (f->server, "GET", seen_path, f->learner, NULL, NULL);
  pt_assert_status (seen, 200);
  g_assert_cmpstr (pt_str (seen, "reject_reason"), ==, "I am away that week; could you pick the next one?");

  /* A blank reason is none; so is no body at all (see test_approval). */
  blank = reject (f, f->teacher, pt_str (blank_request, "id"), "{\"reason\":\"   \"}");
  pt_assert_status (blank, 200);
  g_assert_true (JSON_NODE_HOLDS_NULL (pt_json_get (blank->json, "reject_reason")));
}

/* What a booking would snapshot, shown before booking. */
static void
test_policy_before_booking (void)
{
  Fixture f = { 0, };
  g_autofree char *offering_path = NULL;
  g_autofree char *list_path = NULL;
  g_autofree char *session_path = NULL;
  g_autofree char *session_id = NULL;
  g_autoptr(PtResponse) offering = NULL;
  g_autoptr(PtResponse) offerings = NULL;
  g_autoptr(PtResponse) session = NULL;
  g_autoptr(PtResponse) sessions = NULL;
  g_autoptr(PtResponse) booked = NULL;

  fixture_set_up (&f, NULL);
  f.server = pt_server_restart (f.server, stricter_policy, NULL);
  pt_server_set_now (f.server, T0);

  offering_path = g_strdup_printf ("/api/v1/offerings/%s", f.offering_id);
  offering = pt_request (f.server, "GET", offering_path, NULL, NULL, NULL);
  pt_assert_status (offering, 200);
  g_assert_cmpint (pt_int (offering, "cancellation_policy.full_refund_hours"), ==, 48);
  g_assert_cmpint (pt_int (offering, "cancellation_policy.partial_refund_hours"), ==, 12);
  g_assert_cmpint (pt_int (offering, "cancellation_policy.partial_refund_percent_bp"), ==, 0);

  list_path = g_strdup_printf ("/api/v1/offerings?teacher_id=%s", f.teacher_id);
  offerings = pt_request (f.server, "GET", list_path, NULL, NULL, NULL);
  pt_assert_status (offerings, 200);
  g_assert_cmpint (pt_int (offerings, "items[0].cancellation_policy.full_refund_hours"), ==, 48);
  g_assert_cmpint (pt_int (offerings, "items[1].cancellation_policy.full_refund_hours"), ==, 48);

  session_id = create_session (&f, f.teacher, WED + 6 * HOUR, 4, 900);
  session_path = g_strdup_printf ("/api/v1/sessions/%s", session_id);
  session = pt_request (f.server, "GET", session_path, NULL, NULL, NULL);
  pt_assert_status (session, 200);
  g_assert_cmpint (pt_int (session, "cancellation_policy.full_refund_hours"), ==, 48);
  sessions = pt_request (f.server, "GET", "/api/v1/sessions", NULL, NULL, NULL);
  pt_assert_status (sessions, 200);
  g_assert_cmpint (pt_int (sessions, "items[0].cancellation_policy.full_refund_hours"), ==, 48);

  /* The booking snapshots exactly what was shown. */
  booked = book (&f, f.learner, f.offering_id, WED);
  pt_assert_status (booked, 201);
  g_assert_true (json_node_equal (pt_json_get (booked->json, "policy"),
                                  pt_json_get (offering->json, "cancellation_policy")));

  fixture_tear_down (&f, NULL);
}

static gint64
listed (Fixture    *f,
        const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions?%s", query);
  g_autoptr(PtResponse) response = pt_request (f->server, "GET", path, NULL, NULL, NULL);

  pt_assert_status (response, 200);
  return pt_int (response, "total");
}

static void
test_session_price_filter (Fixture       *f,
                           gconstpointer  data)
{
  static const struct { const char *query; const char *field; } bad[] = {
    { "min_price=-1", "min_price" },
    { "min_price=cheap", "min_price" },
    { "max_price=1.5", "max_price" },
    { "max_price=99999999999", "max_price" },
    { "min_price=2000&max_price=1000", "max_price" },
  };
  g_autofree char *free_id = create_session (f, f->teacher, WED + 4 * HOUR, 4, 0);
  g_autofree char *cheap_id = create_session (f, f->teacher, WED + 6 * HOUR, 4, 1000);
  g_autofree char *dear_id = create_session (f, f->teacher, WED + DAY + 4 * HOUR, 4, 2500);

  g_assert_cmpint (listed (f, "min_price=0"), ==, 3);
  g_assert_cmpint (listed (f, "min_price=1"), ==, 2);
  /* Inclusive at both ends. */
  g_assert_cmpint (listed (f, "min_price=1000&max_price=1000"), ==, 1);
  g_assert_cmpint (listed (f, "min_price=1000&max_price=2500"), ==, 2);
  g_assert_cmpint (listed (f, "max_price=999"), ==, 1);
  g_assert_cmpint (listed (f, "max_price=0"), ==, 1);
  g_assert_cmpint (listed (f, "min_price=2501"), ==, 0);
  /* With words, the count and the page agree. */
  g_assert_cmpint (listed (f, "q=tapas&max_price=1000"), ==, 2);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/sessions?%s", bad[i].query);
      g_autoptr(PtResponse) response = pt_request (f->server, "GET", path, NULL, NULL, NULL);

      pt_assert_error (response, 400, "invalid_input");
      g_assert_cmpstr (pt_str (response, "error.field"), ==, bad[i].field);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/bookings/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("lesson", test_lesson);
  ADD ("bad-bodies", test_bad_booking_bodies);
  ADD ("approval", test_approval);
  ADD ("cancel-refunds", test_cancel_refunds);
  ADD ("reschedule", test_reschedule);
  ADD ("other-users-bookings", test_other_users_bookings);
  ADD ("sessions", test_sessions);
  ADD ("session-host-changes", test_session_host_changes);
  ADD ("never-double-booked", test_never_double_booked);
  ADD ("idempotency", test_idempotency);
  ADD ("idempotency-in-flight", test_idempotency_in_flight);
  ADD ("listing-search-and-count", test_listing_search_and_count);
  ADD ("learner-time-zone", test_learner_time_zone);
  ADD ("learner-time-zone-from-profile", test_learner_time_zone_from_profile);
  ADD ("reject-reason", test_reject_reason);
  ADD ("session-price-filter", test_session_price_filter);
  g_test_add_func ("/server/bookings/policy-snapshot", test_policy_snapshot);
  g_test_add_func ("/server/bookings/policy-before-booking", test_policy_before_booking);

  return g_test_run ();
}
