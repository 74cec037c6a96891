/* test-instant-calls.c: "call a tutor now" over real HTTP and WebSockets:
 * who rings first, declines and timeouts moving on, cancelling, nobody
 * left, concurrent learners, and billing on the server's clock
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-admin.h"
#include "parla-test-server.h"

#define T0      1795428000            /* Monday 2026-11-23T10:00:00Z */
#define DAY     (24 * 3600)
#define WAIT    5000                  /* ms: generous bound for anything the server pushes */
#define RING    5                     /* --ring-timeout */
#define GRACE   5

#define ENGLISH_B1_BUSINESS "{\"languages\":[\"en\"],\"levels\":[\"B1\"],\"specializations\":[\"business\"],\"time_zone\":\"UTC\"}"
#define ENGLISH             "{\"languages\":[\"en\"],\"time_zone\":\"UTC\"}"
#define SPANISH             "{\"languages\":[\"es\"],\"time_zone\":\"UTC\"}"

typedef struct
{
  char *token;
  char *id;
  PtWs *ws;
} Person;

typedef struct
{
  PtServer *server;
  char     *admin;
  Person    learner;
  Person    other;       /* a second learner */
} Fixture;

static guint next_id;

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  config->ring_timeout_seconds = RING;
  config->balance_grace_seconds = GRACE;
  config->token_idle_seconds = 365 * DAY;
}

static void
person_clear (Person *p)
{
  g_clear_pointer (&p->token, g_free);
  g_clear_pointer (&p->id, g_free);
  g_clear_pointer (&p->ws, pt_ws_free);
}

static void
grant (Fixture    *f,
       const char *user_id,
       int         minutes)
{
  g_autofree char *body = pt_json ("{\"user_id\":\"%s\",\"minutes\":%d,\"reason\":\"test\"}", user_id, minutes);
  g_autoptr(PtResponse) response = pt_request (f->server, "POST", "/api/v1/admin/grants", f->admin, body, NULL);

  pt_assert_status (response, 201);
}

static void
set_presence (PtWs       *ws,
              const char *status)
{
  g_autofree char *id = g_strdup_printf ("p-%u", ++next_id);
  g_autoptr(JsonNode) ack = NULL;

  pt_ws_sendf (ws, "{\"type\":\"presence.set\",\"id\":\"%s\",\"status\":\"%s\"}", id, status);
  ack = pt_ws_wait_for (ws, "ack", "id", id, WAIT);
}

/* A teacher teaching @profile, online and available for instant calls. */
static void
teacher_new (Fixture    *f,
             Person     *p,
             const char *email,
             const char *profile)
{
  g_autoptr(PtResponse) response = NULL;

  p->token = pt_register (f->server, email, "teacher", &p->id);
  response = pt_request (f->server, "PUT", "/api/v1/me/teacher-profile", p->token, profile, NULL);
  pt_assert_status (response, 200);
  p->ws = pt_ws_connect (f->server, p->token);
  set_presence (p->ws, "available");
}

static void
learner_new (Fixture    *f,
             Person     *p,
             const char *email,
             int         minutes)
{
  p->token = pt_register (f->server, email, "student", &p->id);
  p->ws = pt_ws_connect (f->server, p->token);
  if (minutes > 0)
    grant (f, p->id, minutes);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PtResponse) login = NULL;

  f->server = pt_server_start (configure, NULL);
  pt_server_set_now (f->server, T0);

  parla_admin_create (f->server->config, "root@example.org", "admin password", NULL, &error);
  g_assert_no_error (error);
  login = pt_request (f->server, "POST", "/api/v1/auth/login", NULL,
                      "{\"email\":\"root@example.org\",\"password\":\"admin password\"}", NULL);
  pt_assert_status (login, 200);
  f->admin = g_strdup (pt_str (login, "token"));

  learner_new (f, &f->learner, "learner@example.org", 30);
  learner_new (f, &f->other, "other@example.org", 30);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  person_clear (&f->learner);
  person_clear (&f->other);
  pt_server_stop (f->server);
  g_free (f->admin);
}

static PtResponse *
call_request (Fixture    *f,
              Person     *learner,
              const char *body)
{
  return pt_request (f->server, "POST", "/api/v1/calls", learner->token, body, NULL);
}

/* Calls and checks it rings @teacher (NULL: nobody, unanswered). */
static char *
call_and_expect (Fixture    *f,
                 Person     *learner,
                 const char *body,
                 Person     *teacher)
{
  g_autoptr(PtResponse) response = call_request (f, learner, body);

  pt_assert_status (response, 201);
  if (teacher == NULL)
    {
      g_assert_cmpstr (pt_str (response, "status"), ==, "unanswered");
      g_assert_true (JSON_NODE_HOLDS_NULL (pt_json_get (response->json, "teacher")));
    }
  else
    {
      g_assert_cmpstr (pt_str (response, "status"), ==, "ringing");
      g_assert_cmpstr (pt_str (response, "teacher.id"), ==, teacher->id);
      g_assert_true (pt_has (response, "ring_deadline"));
    }

  return g_strdup (pt_str (response, "id"));
}

static PtResponse *
action (Fixture    *f,
        Person     *who,
        const char *call_id,
        const char *verb)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/%s", call_id, verb);

  return pt_request (f->server, "POST", path, who->token, NULL, NULL);
}

static PtResponse *
get_call (Fixture    *f,
          Person     *who,
          const char *call_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
  PtResponse *response = pt_request (f->server, "GET", path, who->token, NULL, NULL);

  pt_assert_status (response, 200);
  return response;
}

static gint64
call_int (Fixture    *f,
          const char *call_id,
          const char *path)
{
  g_autoptr(PtResponse) response = get_call (f, &f->learner, call_id);

  return pt_int (response, path);
}

static gboolean
call_has_status (Fixture    *f,
                 const char *call_id,
                 const char *status)
{
  g_autoptr(PtResponse) response = get_call (f, &f->learner, call_id);

  return g_str_equal (pt_str (response, "status"), status);
}

/* The event @type about @call_id reaches @p. */
static JsonNode *
expect_event (Person     *p,
              const char *type,
              const char *call_id)
{
  return pt_ws_wait_for (p->ws, type, "call_id", call_id, WAIT);
}

static void
expect_ringing (Person     *learner,
                Person     *teacher,
                const char *call_id)
{
  g_autoptr(JsonNode) rung = expect_event (teacher, "call.ringing", call_id);
  g_autoptr(JsonNode) told = expect_event (learner, "call.ringing", call_id);

  g_assert_cmpstr (pt_node_str (rung, "learner.id"), ==, learner->id);
  g_assert_cmpstr (pt_node_str (told, "teacher.id"), ==, teacher->id);
  g_assert_cmpint (pt_node_int (told, "ring_timeout_seconds"), ==, RING);
}

static gint64
balance_seconds (Fixture *f,
                 Person  *p)
{
  g_autoptr(PtResponse) response = pt_request (f->server, "GET", "/api/v1/me/balance", p->token, NULL, NULL);

  pt_assert_status (response, 200);
  return pt_int (response, "seconds");
}

/* Tests */

/* The best fit rings first; a teacher of another language never. */
static void
test_matching_order (Fixture       *f,
                     gconstpointer  data)
{
  Person fit = { 0 }, plain = { 0 }, spanish = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(PtResponse) call = NULL;

  teacher_new (f, &plain, "plain@example.org", ENGLISH);
  teacher_new (f, &spanish, "spanish@example.org", SPANISH);
  teacher_new (f, &fit, "fit@example.org", ENGLISH_B1_BUSINESS);

  call_id = call_and_expect (f, &f->learner,
                             "{\"language\":\"en\",\"level\":\"B1\",\"specialization\":\"business\"}", &fit);
  expect_ringing (&f->learner, &fit, call_id);

  /* The teacher being rung sees it; a teacher never rung does not. */
  call = get_call (f, &fit, call_id);
  g_assert_cmpstr (pt_str (call, "attempts[0].outcome"), ==, "ringing");
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(PtResponse) hidden = pt_request (f->server, "GET", path, spanish.token, NULL, NULL);

    pt_assert_error (hidden, 404, "not_found");
  }
  g_assert_cmpuint (pt_ws_count (spanish.ws, "call.ringing"), ==, 0);
  g_assert_cmpuint (pt_ws_count (plain.ws, "call.ringing"), ==, 0);

  person_clear (&fit);
  person_clear (&plain);
  person_clear (&spanish);
}

/* A decline rings the next; nobody left is unanswered, and the learner
 * may ask to hear when a matching teacher is available. */
static void
test_decline_next_and_unanswered (Fixture       *f,
                                  gconstpointer  data)
{
  Person first = { 0 }, second = { 0 }, later = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(PtResponse) declined = NULL;
  g_autoptr(PtResponse) last = NULL;
  g_autoptr(PtResponse) notify = NULL;
  g_autoptr(PtResponse) call = NULL;
  g_autoptr(JsonNode) told = NULL;
  g_autoptr(JsonNode) unanswered = NULL;
  g_autoptr(JsonNode) available = NULL;

  teacher_new (f, &first, "first@example.org", ENGLISH_B1_BUSINESS);
  teacher_new (f, &second, "second@example.org", ENGLISH);

  call_id = call_and_expect (f, &f->learner, "{\"language\":\"en\",\"level\":\"B1\"}", &first);
  expect_ringing (&f->learner, &first, call_id);

  declined = action (f, &first, call_id, "decline");
  pt_assert_status (declined, 200);
  g_assert_cmpstr (pt_str (declined, "status"), ==, "ringing");
  g_assert_cmpstr (pt_str (declined, "teacher.id"), ==, second.id);
  told = expect_event (&f->learner, "call.declined", call_id);
  g_assert_cmpstr (pt_node_str (told, "teacher_id"), ==, first.id);
  expect_ringing (&f->learner, &second, call_id);

  last = action (f, &second, call_id, "decline");
  pt_assert_status (last, 200);
  g_assert_cmpstr (pt_str (last, "status"), ==, "unanswered");
  unanswered = expect_event (&f->learner, "call.unanswered", call_id);

  call = get_call (f, &f->learner, call_id);
  g_assert_cmpstr (pt_str (call, "attempts[0].teacher_id"), ==, first.id);
  g_assert_cmpstr (pt_str (call, "attempts[0].outcome"), ==, "declined");
  g_assert_cmpstr (pt_str (call, "attempts[1].teacher_id"), ==, second.id);
  g_assert_cmpstr (pt_str (call, "attempts[1].outcome"), ==, "declined");
  g_assert_false (pt_has (call, "attempts[2]"));

  /* Answering what no longer rings is the wrong state. */
  {
    g_autoptr(PtResponse) late = action (f, &first, call_id, "accept");

    pt_assert_error (late, 409, "invalid_state");
  }

  notify = action (f, &f->learner, call_id, "notify");
  pt_assert_status (notify, 200);
  g_assert_true (json_node_get_boolean (pt_json_get (notify->json, "notify_when_available")));
  teacher_new (f, &later, "later@example.org", ENGLISH);
  available = expect_event (&f->learner, "call.teacher_available", call_id);
  g_assert_cmpstr (pt_node_str (available, "teacher.id"), ==, later.id);

  person_clear (&first);
  person_clear (&second);
  person_clear (&later);
}

/* No answer before the deadline rings the next teacher; missing several
 * rings in a row makes a teacher unavailable, and tells them why. */
static void
test_timeout_next_and_missed_rings (Fixture       *f,
                                    gconstpointer  data)
{
  Person sleepy = { 0 }, awake = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(JsonNode) timeout = NULL;
  g_autoptr(JsonNode) unavailable = NULL;
  gint64 now = T0;

  teacher_new (f, &sleepy, "sleepy@example.org", ENGLISH_B1_BUSINESS);
  teacher_new (f, &awake, "awake@example.org", ENGLISH);

  call_id = call_and_expect (f, &f->learner, "{\"language\":\"en\",\"level\":\"B1\"}", &sleepy);
  expect_ringing (&f->learner, &sleepy, call_id);

  /* One second short of the deadline, it still rings. */
  pt_server_set_now (f->server, now += RING - 1);
  pt_ws_spin (1500);
  g_assert_true (call_has_status (f, call_id, "ringing"));
  g_assert_cmpuint (pt_ws_count (sleepy.ws, "call.timeout"), ==, 0);

  pt_server_set_now (f->server, now += 1);
  timeout = expect_event (&sleepy, "call.timeout", call_id);
  g_clear_pointer (&timeout, json_node_unref);
  timeout = expect_event (&f->learner, "call.timeout", call_id);
  expect_ringing (&f->learner, &awake, call_id);
  {
    g_autoptr(PtResponse) cancelled = action (f, &f->learner, call_id, "cancel");

    pt_assert_status (cancelled, 200);
  }

  /* Two more missed rings in a row: the third makes sleepy unavailable. */
  person_clear (&awake);
  for (int i = 0; i < 2; i++)
    {
      g_autofree char *id = call_and_expect (f, &f->learner, "{\"language\":\"en\"}", &sleepy);
      g_autoptr(JsonNode) rung = expect_event (&sleepy, "call.ringing", id);

      pt_server_set_now (f->server, now += RING);
      PT_WAIT_UNTIL (call_has_status (f, id, "unanswered"), WAIT);
    }
  unavailable = pt_ws_wait (sleepy.ws, "instant.unavailable", WAIT);
  g_assert_cmpstr (pt_node_str (unavailable, "reason"), ==, "missed_rings");
  g_assert_cmpint (pt_node_int (unavailable, "missed_rings"), ==, 3);
  g_assert_nonnull (strstr (pt_node_str (unavailable, "message"), "available again"));

  g_free (call_and_expect (f, &f->learner, "{\"language\":\"en\"}", NULL));

  /* Available again: rung again. */
  pt_server_set_now (f->server, now += 1);
  set_presence (sleepy.ws, "online");
  set_presence (sleepy.ws, "available");
  g_free (call_and_expect (f, &f->learner, "{\"language\":\"en\"}", &sleepy));

  person_clear (&sleepy);
}

/* The learner cancels a ringing call: the ring stops, and nothing more
 * can happen to it. */
static void
test_cancel (Fixture       *f,
             gconstpointer  data)
{
  Person teacher = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(PtResponse) cancelled = NULL;
  g_autoptr(PtResponse) again = NULL;
  g_autoptr(PtResponse) accept = NULL;
  g_autoptr(PtResponse) by_teacher = NULL;
  g_autoptr(JsonNode) stop = NULL;

  teacher_new (f, &teacher, "teacher@example.org", ENGLISH);
  call_id = call_and_expect (f, &f->learner, "{\"language\":\"en\"}", &teacher);

  by_teacher = action (f, &teacher, call_id, "cancel");
  pt_assert_error (by_teacher, 403, "forbidden");

  cancelled = action (f, &f->learner, call_id, "cancel");
  pt_assert_status (cancelled, 200);
  g_assert_cmpstr (pt_str (cancelled, "status"), ==, "cancelled");
  g_assert_cmpstr (pt_str (cancelled, "attempts[0].outcome"), ==, "cancelled");
  stop = expect_event (&teacher, "call.cancelled", call_id);

  again = action (f, &f->learner, call_id, "cancel");
  pt_assert_error (again, 409, "invalid_state");
  accept = action (f, &teacher, call_id, "accept");
  pt_assert_error (accept, 409, "invalid_state");

  /* The teacher is free for the next call. */
  g_free (call_and_expect (f, &f->other, "{\"language\":\"en\"}", &teacher));

  person_clear (&teacher);
}

typedef struct
{
  Fixture    *f;
  Person     *learner;
  GMutex     *mutex;
  GCond      *cond;
  gboolean   *go;
  char       *teacher_id;
  char       *status;
} Racer;

static gpointer
race_thread (gpointer data)
{
  Racer *racer = data;
  g_autoptr(PtResponse) response = NULL;

  g_mutex_lock (racer->mutex);
  while (!*racer->go)
    g_cond_wait (racer->cond, racer->mutex);
  g_mutex_unlock (racer->mutex);

  response = call_request (racer->f, racer->learner, "{\"language\":\"en\"}");
  pt_assert_status (response, 201);
  racer->status = g_strdup (pt_str (response, "status"));
  if (!JSON_NODE_HOLDS_NULL (pt_json_get (response->json, "teacher")))
    racer->teacher_id = g_strdup (pt_str (response, "teacher.id"));
  return NULL;
}

/* Two learners calling at once never get the same teacher: with one
 * available, one rings and the other is unanswered; with two, each gets
 * their own. */
static void
test_concurrent_learners (Fixture       *f,
                          gconstpointer  data)
{
  Person teachers[2] = { { 0 } };

  teacher_new (f, &teachers[0], "t0@example.org", ENGLISH);

  for (int round = 0; round < 2; round++)
    for (int attempt = 0; attempt < 3; attempt++)
      {
        GMutex mutex;
        GCond cond;
        gboolean go = FALSE;
        Racer racers[2] = { { f, &f->learner, &mutex, &cond, &go }, { f, &f->other, &mutex, &cond, &go } };
        GThread *threads[2];

        g_mutex_init (&mutex);
        g_cond_init (&cond);
        for (int i = 0; i < 2; i++)
          threads[i] = g_thread_new ("racer", race_thread, &racers[i]);
        g_mutex_lock (&mutex);
        go = TRUE;
        g_cond_broadcast (&cond);
        g_mutex_unlock (&mutex);
        for (int i = 0; i < 2; i++)
          g_thread_join (threads[i]);

        if (round == 0)
          {
            /* One teacher: exactly one rings. */
            g_assert_true ((racers[0].teacher_id == NULL) != (racers[1].teacher_id == NULL));
          }
        else
          {
            g_assert_nonnull (racers[0].teacher_id);
            g_assert_nonnull (racers[1].teacher_id);
            g_assert_cmpstr (racers[0].teacher_id, !=, racers[1].teacher_id);
          }

        /* Cancel what rings, for the next attempt. */
        for (int i = 0; i < 2; i++)
          {
            if (g_str_equal (racers[i].status, "ringing"))
              {
                g_autoptr(PtResponse) cancelled = NULL;
                JsonNode *ringing;

                ringing = pt_ws_wait (racers[i].learner->ws, "call.ringing", WAIT);
                cancelled = action (f, racers[i].learner, pt_node_str (ringing, "call_id"), "cancel");
                pt_assert_status (cancelled, 200);
                json_node_unref (ringing);
              }
            g_free (racers[i].teacher_id);
            g_free (racers[i].status);
          }
        g_mutex_clear (&mutex);
        g_cond_clear (&cond);

        if (round == 0 && attempt == 2)
          teacher_new (f, &teachers[1], "t1@example.org", ENGLISH);
      }

  person_clear (&teachers[0]);
  person_clear (&teachers[1]);
}

/* Joins the call's room on the hub and waits for the ack. */
static void
join_room (PtWs       *ws,
           const char *room)
{
  g_autofree char *id = g_strdup_printf ("j-%u", ++next_id);
  g_autoptr(JsonNode) ack = NULL;

  pt_ws_sendf (ws, "{\"type\":\"join\",\"id\":\"%s\",\"room\":\"%s\"}", id, room);
  ack = pt_ws_wait_for (ws, "ack", "id", id, WAIT);
  g_assert_null (pt_json_get (ack, "error"));
}

static guint
stays (Fixture    *f,
       Person     *viewer,
       const char *call_id,
       gboolean    open)
{
  g_autoptr(PtResponse) response = get_call (f, viewer, call_id);
  JsonArray *attendance = json_node_get_array (pt_json_get (response->json, "attendance"));
  guint n = 0;

  for (guint i = 0; i < json_array_get_length (attendance); i++)
    {
      JsonObject *stay = json_array_get_object_element (attendance, i);

      if (json_node_is_null (json_object_get_member (stay, "left_at")) == open)
        n++;
    }

  return n;
}

/* Accepts @call_id as @teacher; both join its room and report media at
 * the current server time. */
static void
connect_call (Fixture    *f,
              Person     *learner,
              Person     *teacher,
              const char *call_id)
{
  g_autoptr(PtResponse) accepted = action (f, teacher, call_id, "accept");
  g_autoptr(PtResponse) joined = NULL;
  g_autoptr(PtResponse) media_l = NULL;
  g_autoptr(PtResponse) media_t = NULL;
  g_autoptr(JsonNode) event = NULL;
  const char *room;

  pt_assert_status (accepted, 200);
  room = pt_str (accepted, "room");
  g_assert_cmpstr (pt_str (accepted, "call_id"), ==, call_id);
  g_assert_true (pt_has (accepted, "ice_servers"));
  g_assert_cmpstr (pt_str (accepted, "participants[0].user_id"), ==, teacher->id);

  event = expect_event (learner, "call.accepted", call_id);
  g_assert_cmpstr (pt_node_str (event, "room"), ==, room);
  joined = action (f, learner, call_id, "join");
  pt_assert_status (joined, 200);
  g_assert_cmpstr (pt_str (joined, "room"), ==, room);

  join_room (teacher->ws, room);
  join_room (learner->ws, room);
  PT_WAIT_UNTIL (stays (f, teacher, call_id, TRUE) == 2, WAIT);

  media_l = action (f, learner, call_id, "media");
  media_t = action (f, teacher, call_id, "media");
  pt_assert_status (media_l, 200);
  pt_assert_status (media_t, 200);
}

/* Each started minute is billed as it starts, the summary counts them
 * exactly, and the teacher's earnings follow the rate. */
static void
test_billing_exact (Fixture       *f,
                    gconstpointer  data)
{
  Person teacher = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(PtResponse) hangup = NULL;
  g_autoptr(JsonNode) ended = NULL;
  g_autoptr(JsonNode) ended_teacher = NULL;
  gint64 now = T0;

  teacher_new (f, &teacher, "teacher@example.org", ENGLISH);
  call_id = call_and_expect (f, &f->learner, "{\"language\":\"en\"}", &teacher);
  connect_call (f, &f->learner, &teacher, call_id);

  /* Nothing is billed before a second has passed. */
  pt_ws_spin (1500);
  g_assert_cmpint (call_int (f, call_id, "billing.seconds_billed"), ==, 0);

  pt_server_set_now (f->server, now += 1);
  PT_WAIT_UNTIL (call_int (f, call_id, "billing.seconds_billed") == 60, WAIT);
  g_assert_cmpint (balance_seconds (f, &f->learner), ==, 1800 - 60);

  pt_server_set_now (f->server, now += 59);
  pt_ws_spin (1500);
  g_assert_cmpint (call_int (f, call_id, "billing.seconds_billed"), ==, 60);

  pt_server_set_now (f->server, now += 1);
  PT_WAIT_UNTIL (call_int (f, call_id, "billing.seconds_billed") == 120, WAIT);

  pt_server_set_now (f->server, now += 39);
  hangup = action (f, &teacher, call_id, "hangup");
  pt_assert_status (hangup, 200);
  g_assert_cmpstr (pt_str (hangup, "status"), ==, "ended");
  g_assert_cmpstr (pt_str (hangup, "end_reason"), ==, "hangup");
  g_assert_cmpint (pt_int (hangup, "billing.seconds_used"), ==, 100);
  g_assert_cmpint (pt_int (hangup, "billing.minutes_billed"), ==, 2);
  g_assert_cmpint (pt_int (hangup, "billing.minutes_left"), ==, 28);
  g_assert_cmpint (pt_int (hangup, "billing.teacher_earnings.amount_minor"), ==, 60);

  ended = expect_event (&f->learner, "call.ended", call_id);
  ended_teacher = expect_event (&teacher, "call.ended", call_id);
  g_assert_cmpint (pt_node_int (ended, "minutes_billed"), ==, 2);
  g_assert_cmpint (pt_node_int (ended, "minutes_left"), ==, 28);
  g_assert_cmpstr (pt_node_str (ended_teacher, "ended_by"), ==, teacher.id);

  /* Time passing after the end bills nothing more. */
  pt_server_set_now (f->server, now += 600);
  pt_ws_spin (1500);
  g_assert_cmpint (balance_seconds (f, &f->learner), ==, 1800 - 120);

  person_clear (&teacher);
}

/* Two minutes of balance: warned, then the call ends for both once they
 * are used, after the grace, and the balance stays at zero. */
static void
test_balance_runs_out (Fixture       *f,
                       gconstpointer  data)
{
  Person teacher = { 0 }, poor = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(JsonNode) five = NULL;
  g_autoptr(JsonNode) one = NULL;
  g_autoptr(JsonNode) zero = NULL;
  g_autoptr(JsonNode) ended = NULL;
  g_autoptr(JsonNode) ended_teacher = NULL;
  gint64 now = T0;

  learner_new (f, &poor, "poor@example.org", 2);
  teacher_new (f, &teacher, "teacher@example.org", ENGLISH);
  call_id = call_and_expect (f, &poor, "{\"language\":\"en\"}", &teacher);
  connect_call (f, &poor, &teacher, call_id);

  pt_server_set_now (f->server, now += 1);
  five = expect_event (&poor, "call.balance_low", call_id);
  g_assert_cmpint (pt_node_int (five, "minutes_left"), ==, 5);

  pt_server_set_now (f->server, now += 60);
  one = expect_event (&poor, "call.balance_low", call_id);
  g_assert_cmpint (pt_node_int (one, "minutes_left"), ==, 1);

  pt_server_set_now (f->server, now += 59);
  zero = expect_event (&poor, "call.balance_low", call_id);
  g_assert_cmpint (pt_node_int (zero, "minutes_left"), ==, 0);
  pt_ws_spin (1500);
  g_assert_cmpuint (pt_ws_count (poor.ws, "call.ended"), ==, 0);

  pt_server_set_now (f->server, now += GRACE);
  ended = expect_event (&poor, "call.ended", call_id);
  ended_teacher = expect_event (&teacher, "call.ended", call_id);
  g_assert_cmpstr (pt_node_str (ended, "reason"), ==, "balance_exhausted");
  g_assert_nonnull (strstr (pt_node_str (ended, "message"), "minutes ran out"));
  g_assert_cmpint (pt_node_int (ended, "minutes_billed"), ==, 2);
  g_assert_cmpint (pt_node_int (ended, "minutes_left"), ==, 0);
  g_assert_cmpint (pt_node_int (ended, "seconds_left"), ==, 0);
  g_assert_cmpint (balance_seconds (f, &poor), ==, 0);

  /* No minutes, no call. */
  {
    g_autoptr(PtResponse) broke = call_request (f, &poor, "{\"language\":\"en\"}");

    pt_assert_error (broke, 409, "invalid_state");
  }

  person_clear (&poor);
  person_clear (&teacher);
}

/* The teacher's app goes away mid-call: the meter stops with their last
 * connection, and the call ends once they stayed away too long. */
static void
test_teacher_goes_away (Fixture       *f,
                        gconstpointer  data)
{
  Person teacher = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(JsonNode) ended = NULL;
  gint64 now = T0;

  teacher_new (f, &teacher, "teacher@example.org", ENGLISH);
  call_id = call_and_expect (f, &f->learner, "{\"language\":\"en\"}", &teacher);
  connect_call (f, &f->learner, &teacher, call_id);

  pt_server_set_now (f->server, now += 30);
  PT_WAIT_UNTIL (call_int (f, call_id, "billing.seconds_billed") == 60, WAIT);

  g_clear_pointer (&teacher.ws, pt_ws_free);
  PT_WAIT_UNTIL (stays (f, &f->learner, call_id, FALSE) == 1, WAIT);

  pt_server_set_now (f->server, now += 50);
  PT_WAIT_UNTIL (call_int (f, call_id, "billing.seconds_used") == 30, WAIT);
  pt_ws_spin (1500);
  g_assert_cmpint (call_int (f, call_id, "billing.seconds_used"), ==, 30);
  g_assert_cmpint (call_int (f, call_id, "billing.seconds_billed"), ==, 60);
  g_assert_true (call_has_status (f, call_id, "connected"));

  pt_server_set_now (f->server, now += 120);
  ended = expect_event (&f->learner, "call.ended", call_id);
  g_assert_cmpstr (pt_node_str (ended, "reason"), ==, "connection_lost");
  g_assert_cmpint (pt_node_int (ended, "minutes_billed"), ==, 1);
  g_assert_cmpint (pt_node_int (ended, "seconds_used"), ==, 30);
  g_assert_cmpint (balance_seconds (f, &f->learner), ==, 1800 - 60);

  person_clear (&teacher);
}

/* Bad input and the wrong users: clear errors, nothing changes. */
static void
test_bad_input_and_wrong_user (Fixture       *f,
                               gconstpointer  data)
{
  static const char *bad[] = {
    "{\"language\":",
    "{}",
    "{\"language\":\"\"}",
    "{\"language\":\"   \"}",
    "{\"language\":5}",
    "{\"language\":\"en\",\"level\":7}",
    "{\"language\":\"en\",\"teacher_id\":\"\"}",
    "[\"en\"]",
  };
  Person teacher = { 0 }, broke = { 0 };
  g_autofree char *call_id = NULL;
  g_autoptr(GString) huge = g_string_new ("{\"language\":\"");

  teacher_new (f, &teacher, "teacher@example.org", ENGLISH);
  learner_new (f, &broke, "broke@example.org", 0);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PtResponse) response = call_request (f, &f->learner, bad[i]);

      pt_assert_error (response, 400, "invalid_input");
    }
  while (huge->len < 2 * 1024 * 1024)
    g_string_append (huge, "enenenenenenenenenenenenenenenenenenenenenenenenenenenenenenenen");
  g_string_append (huge, "\"}");
  {
    g_autoptr(PtResponse) too_big = call_request (f, &f->learner, huge->str);
    g_autoptr(PtResponse) unknown = call_request (f, &f->learner, "{\"language\":\"en\",\"teacher_id\":\"nobody\"}");
    g_autoptr(PtResponse) as_teacher = call_request (f, &teacher, "{\"language\":\"en\"}");
    g_autoptr(PtResponse) no_minutes = call_request (f, &broke, "{\"language\":\"en\"}");
    g_autoptr(PtResponse) anonymous = pt_request (f->server, "POST", "/api/v1/calls", NULL,
                                                  "{\"language\":\"en\"}", NULL);

    pt_assert_error (too_big, 413, "payload_too_large");
    pt_assert_error (unknown, 404, "not_found");
    pt_assert_error (as_teacher, 403, "forbidden");
    pt_assert_error (no_minutes, 409, "invalid_state");
    pt_assert_error (anonymous, 401, "unauthorized");
  }
  g_assert_cmpuint (pt_ws_count (teacher.ws, "call.ringing"), ==, 0);

  call_id = call_and_expect (f, &f->learner, "{\"language\":\"en\"}", &teacher);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/accept", call_id);
    g_autofree char *get_path = g_strdup_printf ("/api/v1/calls/%s", call_id);
    g_autoptr(PtResponse) second = call_request (f, &f->learner, "{\"language\":\"en\"}");
    g_autoptr(PtResponse) learner_accepts = action (f, &f->learner, call_id, "accept");
    g_autoptr(PtResponse) stranger = action (f, &f->other, call_id, "decline");
    g_autoptr(PtResponse) stranger_get = pt_request (f->server, "GET", get_path, f->other.token, NULL, NULL);
    g_autoptr(PtResponse) with_body = pt_request (f->server, "POST", path, teacher.token, "{\"x\":1}", NULL);
    g_autoptr(PtResponse) hangup = action (f, &f->learner, call_id, "hangup");
    g_autoptr(PtResponse) join = action (f, &teacher, call_id, "join");
    g_autoptr(PtResponse) nothing = action (f, &f->learner, "no-such-call", "cancel");
    g_autoptr(PtResponse) notify = action (f, &f->learner, call_id, "notify");

    pt_assert_error (second, 409, "invalid_state");
    pt_assert_error (learner_accepts, 403, "forbidden");
    pt_assert_error (stranger, 404, "not_found");
    pt_assert_error (stranger_get, 404, "not_found");
    pt_assert_error (with_body, 400, "invalid_input");
    pt_assert_error (hangup, 409, "invalid_state");
    pt_assert_error (join, 409, "invalid_state");
    pt_assert_error (nothing, 404, "not_found");
    pt_assert_error (notify, 409, "invalid_state");
  }
  g_assert_true (call_has_status (f, call_id, "ringing"));
  g_assert_cmpint (balance_seconds (f, &f->learner), ==, 1800);

  person_clear (&teacher);
  person_clear (&broke);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/instant-calls/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("matching-order", test_matching_order);
  ADD ("decline-next-unanswered", test_decline_next_and_unanswered);
  ADD ("timeout-next-missed-rings", test_timeout_next_and_missed_rings);
  ADD ("cancel", test_cancel);
  ADD ("concurrent-learners", test_concurrent_learners);
  ADD ("billing-exact", test_billing_exact);
  ADD ("balance-runs-out", test_balance_runs_out);
  ADD ("teacher-goes-away", test_teacher_goes_away);
  ADD ("bad-input-wrong-user", test_bad_input_and_wrong_user);

  return g_test_run ();
}
