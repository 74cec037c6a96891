/* test-concurrency.c: racing learners, over real HTTP from many threads
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-test-server.h"

#define T0  1795428000  /* Monday 2026-11-23T10:00:00Z */
#define WED 1795593600  /* Wednesday 09:00 in Madrid */

typedef struct
{
  PtServer   *server;
  const char *method;
  char       *path;
  char       *token;
  char       *body;
  PtResponse *response;

  /* borrowed: the starting gate shared by all racers */
  GMutex     *mutex;
  GCond      *cond;
  gboolean   *go;
} Racer;

static gpointer
racer_cb (gpointer data)
{
  Racer *racer = data;

  g_mutex_lock (racer->mutex);
  while (!*racer->go)
    g_cond_wait (racer->cond, racer->mutex);
  g_mutex_unlock (racer->mutex);

  racer->response = pt_request (racer->server, racer->method, racer->path, racer->token, racer->body, NULL);
  return NULL;
}

/* Starts every racer, opens the gate at once, and counts the statuses. */
static void
race (Racer      *racers,
      guint       n,
      GHashTable *statuses)
{
  GThread **threads = g_new0 (GThread *, n);
  GMutex mutex;
  GCond cond;
  gboolean go = FALSE;

  g_mutex_init (&mutex);
  g_cond_init (&cond);

  for (guint i = 0; i < n; i++)
    {
      racers[i].mutex = &mutex;
      racers[i].cond = &cond;
      racers[i].go = &go;
      threads[i] = g_thread_new ("racer", racer_cb, &racers[i]);
    }

  g_usleep (200 * 1000);
  g_mutex_lock (&mutex);
  go = TRUE;
  g_cond_broadcast (&cond);
  g_mutex_unlock (&mutex);

  for (guint i = 0; i < n; i++)
    {
      guint status;

      g_thread_join (threads[i]);
      status = racers[i].response->status;
      if (status == 409)
        g_assert_cmpstr (pt_str (racers[i].response, "error.code"), ==, "slot_taken");
      g_hash_table_replace (statuses, GUINT_TO_POINTER (status),
                            GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (statuses, GUINT_TO_POINTER (status))) + 1));
    }

  g_free (threads);
  g_mutex_clear (&mutex);
  g_cond_clear (&cond);
}

static void
free_racers (Racer *racers,
             guint  n)
{
  for (guint i = 0; i < n; i++)
    {
      g_free (racers[i].path);
      g_free (racers[i].token);
      g_free (racers[i].body);
      pt_response_free (racers[i].response);
    }
  g_free (racers);
}

static guint
count (GHashTable *statuses,
       guint       status)
{
  return GPOINTER_TO_UINT (g_hash_table_lookup (statuses, GUINT_TO_POINTER (status)));
}

static char *
setup_teacher (PtServer  *server,
               char     **out_token)
{
  g_autofree char *id = NULL;
  g_autoptr(PtResponse) profile = NULL;
  g_autoptr(PtResponse) hours = NULL;
  char *token = pt_register (server, "teacher@example.org", "teacher", &id);

  profile = pt_request (server, "PUT", "/api/v1/me/teacher-profile", token,
                        "{\"languages\":[\"es\"],\"time_zone\":\"Europe/Madrid\"}", NULL);
  pt_assert_status (profile, 200);
  hours = pt_request (server, "PUT", "/api/v1/me/availability", token,
                      "{\"time_zone\":\"Europe/Madrid\",\"weekly\":[{\"weekday\":3,\"start\":\"09:00\",\"end\":\"17:00\"}]}",
                      NULL);
  pt_assert_status (hours, 200);

  *out_token = token;
  return g_steal_pointer (&id);
}

/* 200 learners at once for the last 5 seats: exactly 5 get one. */
static void
test_seats (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autofree char *teacher = NULL;
  g_autofree char *teacher_id = NULL;
  g_autofree char *session_id = NULL;
  g_autoptr(GHashTable) statuses = g_hash_table_new (NULL, NULL);
  g_autoptr(PtResponse) created = NULL;
  g_autoptr(PtResponse) after = NULL;
  const guint n = 200;
  Racer *racers = g_new0 (Racer, n);

  pt_server_set_now (server, T0);
  teacher_id = setup_teacher (server, &teacher);
  created = pt_request (server, "POST", "/api/v1/sessions", teacher,
                        "{\"title\":\"Last seats\",\"type\":\"group\",\"language\":\"es\",\"level\":\"B1\","
                        "\"start\":\"2026-11-27T17:00:00Z\",\"duration_minutes\":60,\"capacity\":5}", NULL);
  pt_assert_status (created, 201);
  session_id = g_strdup (pt_str (created, "id"));

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *email = g_strdup_printf ("learner%u@example.org", i);

      racers[i].server = server;
      racers[i].method = "POST";
      racers[i].path = g_strdup_printf ("/api/v1/sessions/%s/book", session_id);
      racers[i].token = pt_register (server, email, "student", NULL);
    }

  race (racers, n, statuses);

  g_assert_cmpuint (count (statuses, 201), ==, 5);
  g_assert_cmpuint (count (statuses, 409), ==, n - 5);

  after = pt_request (server, "GET", g_strdup_printf ("/api/v1/sessions/%s", session_id), NULL, NULL, NULL);
  g_assert_cmpint (pt_int (after, "seats_left"), ==, 0);

  /* Each winner holds exactly one confirmed seat. */
  for (guint i = 0; i < n; i++)
    if (racers[i].response->status == 201)
      {
        g_autoptr(PtResponse) mine = pt_request (server, "GET", "/api/v1/me/bookings", racers[i].token, NULL, NULL);
        g_assert_cmpint (pt_int (mine, "total"), ==, 1);
      }

  free_racers (racers, n);
  pt_server_stop (server);
}

/* 50 learners for one 1:1 slot, while the teacher schedules a session on
 * top of it: exactly one of all of them gets the time. */
static void
test_one_slot (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autofree char *teacher = NULL;
  g_autofree char *teacher_id = NULL;
  g_autofree char *offering_id = NULL;
  g_autoptr(GHashTable) statuses = g_hash_table_new (NULL, NULL);
  g_autoptr(PtResponse) offering = NULL;
  g_autoptr(PtResponse) inbox = NULL;
  const guint n = 51;
  Racer *racers = g_new0 (Racer, n);
  g_autofree char *when = pt_instant (WED);

  pt_server_set_now (server, T0);
  teacher_id = setup_teacher (server, &teacher);
  offering = pt_request (server, "POST", "/api/v1/offerings", teacher,
                         "{\"title\":\"Lesson\",\"topic_type\":\"flexible\",\"session_type\":\"individual\","
                         "\"duration_minutes\":60,\"price_minor\":2000}", NULL);
  pt_assert_status (offering, 201);
  offering_id = g_strdup (pt_str (offering, "id"));

  for (guint i = 0; i < n - 1; i++)
    {
      g_autofree char *email = g_strdup_printf ("learner%u@example.org", i);

      racers[i].server = server;
      racers[i].method = "POST";
      racers[i].path = g_strdup_printf ("/api/v1/offerings/%s/book", offering_id);
      racers[i].token = pt_register (server, email, "student", NULL);
      racers[i].body = pt_json ("{\"start\":\"%s\"}", when);
    }
  racers[n - 1].server = server;
  racers[n - 1].method = "POST";
  racers[n - 1].path = g_strdup ("/api/v1/sessions");
  racers[n - 1].token = g_strdup (teacher);
  racers[n - 1].body = pt_json ("{\"title\":\"Clash\",\"type\":\"group\",\"language\":\"es\",\"level\":\"all\","
                                "\"start\":\"%s\",\"duration_minutes\":60,\"capacity\":4}", when);

  race (racers, n, statuses);

  g_assert_cmpuint (count (statuses, 201), ==, 1);
  g_assert_cmpuint (count (statuses, 409), ==, n - 1);

  /* The teacher's calendar holds exactly one thing at that time. */
  inbox = pt_request (server, "GET", "/api/v1/me/bookings?role=teacher", teacher, NULL, NULL);
  if (racers[n - 1].response->status == 201)
    g_assert_cmpint (pt_int (inbox, "total"), ==, 0);
  else
    g_assert_cmpint (pt_int (inbox, "total"), ==, 1);

  free_racers (racers, n);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/concurrency/seats", test_seats);
  g_test_add_func ("/server/concurrency/one-slot", test_one_slot);

  return g_test_run ();
}
