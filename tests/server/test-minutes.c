/* test-minutes.c: prepaid minutes over real HTTP: packages, admin grants,
 * the balance and its ledger, expiry and its warnings, purchases credited
 * once, and a balance that never goes negative
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-admin.h"
#include "parla-db.h"
#include "parla-minutes.h"
#include "parla-test-server.h"

#define T0     1795428000            /* Monday 2026-11-23T10:00:00Z */
#define DAY    (24 * 3600)
#define WAIT   5000

typedef struct
{
  PtServer *server;
  char     *admin;            /* tokens */
  char     *admin_id;
  char     *learner;
  char     *learner_id;
  char     *teacher;
  char     *teacher_id;
} Fixture;

static char *
log_in (PtServer   *server,
        const char *email,
        const char *password)
{
  g_autofree char *body = pt_json ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  pt_assert_status (response, 200);
  return g_strdup (pt_str (response, "token"));
}

/* Tokens outlive the clock's jumps of months. */
static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  config->token_idle_seconds = 365 * DAY;
  config->token_lifetime_seconds = 365 * DAY;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->server = pt_server_start (configure, NULL);
  pt_server_set_now (f->server, T0);

  parla_admin_create (f->server->config, "root@example.org", "admin password", &f->admin_id, &error);
  g_assert_no_error (error);
  f->admin = log_in (f->server, "root@example.org", "admin password");
  f->learner = pt_register (f->server, "learner@example.org", "student", &f->learner_id);
  f->teacher = pt_register (f->server, "teacher@example.org", "teacher", &f->teacher_id);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pt_server_stop (f->server);
  g_free (f->admin);
  g_free (f->admin_id);
  g_free (f->learner);
  g_free (f->learner_id);
  g_free (f->teacher);
  g_free (f->teacher_id);
}

static PtResponse *
balance (Fixture    *f,
         const char *token)
{
  PtResponse *response = pt_request (f->server, "GET", "/api/v1/me/balance", token, NULL, NULL);

  pt_assert_status (response, 200);
  return response;
}

static gint64
balance_seconds (Fixture    *f,
                 const char *token)
{
  g_autoptr(PtResponse) response = balance (f, token);

  return pt_int (response, "seconds");
}

static gint64
ledger_count (Fixture    *f,
              const char *token)
{
  g_autoptr(PtResponse) response = pt_request (f->server, "GET", "/api/v1/me/minute-ledger", token, NULL, NULL);

  pt_assert_status (response, 200);
  return pt_int (response, "total");
}

static void
grant (Fixture    *f,
       const char *user_id,
       int         minutes,
       int         validity_days)
{
  g_autofree char *body = pt_json ("{\"user_id\":\"%s\",\"minutes\":%d,\"reason\":\"welcome\",\"validity_days\":%d}",
                                   user_id, minutes, validity_days);
  g_autoptr(PtResponse) response = pt_request (f->server, "POST", "/api/v1/admin/grants", f->admin, body, NULL);

  pt_assert_status (response, 201);
}

/* Packages: admins manage them, everyone sees the active ones. */
static void
test_packages (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PtResponse) created = NULL;
  g_autoptr(PtResponse) listed = NULL;
  g_autoptr(PtResponse) updated = NULL;
  g_autoptr(PtResponse) hidden = NULL;
  g_autoptr(PtResponse) all = NULL;
  g_autofree char *path = NULL;
  const char *id;

  created = pt_request (f->server, "POST", "/api/v1/admin/minute-packages", f->admin,
                        "{\"name\":\" Starter \",\"minutes\":30,\"price_minor\":1500,\"currency\":\"EUR\","
                        "\"validity_days\":90}", NULL);
  pt_assert_status (created, 201);
  id = pt_str (created, "id");
  g_assert_cmpstr (pt_str (created, "name"), ==, "Starter");
  g_assert_cmpint (pt_int (created, "minutes"), ==, 30);
  g_assert_true (json_node_get_boolean (pt_json_get (created->json, "active")));

  listed = pt_request (f->server, "GET", "/api/v1/minute-packages", NULL, NULL, NULL);
  pt_assert_status (listed, 200);
  g_assert_cmpint (pt_int (listed, "total"), ==, 1);
  g_assert_cmpstr (pt_str (listed, "items[0].id"), ==, id);

  path = g_strdup_printf ("/api/v1/admin/minute-packages/%s", id);
  updated = pt_request (f->server, "PUT", path, f->admin,
                        "{\"name\":\"Starter\",\"minutes\":60,\"price_minor\":2500,\"currency\":\"EUR\","
                        "\"validity_days\":90,\"active\":false}", NULL);
  pt_assert_status (updated, 200);
  g_assert_cmpint (pt_int (updated, "minutes"), ==, 60);

  hidden = pt_request (f->server, "GET", "/api/v1/minute-packages", f->learner, NULL, NULL);
  g_assert_cmpint (pt_int (hidden, "total"), ==, 0);
  all = pt_request (f->server, "GET", "/api/v1/admin/minute-packages", f->admin, NULL, NULL);
  pt_assert_status (all, 200);
  g_assert_cmpint (pt_int (all, "total"), ==, 1);
  g_assert_false (json_node_get_boolean (pt_json_get (all->json, "items[0].active")));
}

/* Only admins manage packages and grant; bad input changes nothing. */
static void
test_admin_only_and_bad_input (Fixture       *f,
                               gconstpointer  data)
{
  static const char *bad_packages[] = {
    "{\"name\":\"x\",\"minutes\":\"30\",\"price_minor\":1,\"currency\":\"EUR\",\"validity_days\":1}",
    "{\"name\":\"x\",\"minutes\":0,\"price_minor\":1,\"currency\":\"EUR\",\"validity_days\":1}",
    "{\"name\":\"x\",\"minutes\":30,\"price_minor\":-1,\"currency\":\"EUR\",\"validity_days\":1}",
    "{\"name\":\"x\",\"minutes\":30,\"price_minor\":1,\"currency\":\"eur\",\"validity_days\":1}",
    "{\"name\":\"x\",\"minutes\":30,\"price_minor\":1,\"currency\":\"EUR\",\"validity_days\":0}",
    "{\"name\":\"   \",\"minutes\":30,\"price_minor\":1,\"currency\":\"EUR\",\"validity_days\":1}",
    "{\"minutes\":30,\"price_minor\":1,\"currency\":\"EUR\",\"validity_days\":1}",
    "{\"name\":\"x\",\"minutes\":1.5,\"price_minor\":1,\"currency\":\"EUR\",\"validity_days\":1}",
    "[1,2]",
  };
  static const char *bad_grants[] = {
    "{\"user_id\":\"%s\",\"minutes\":0,\"reason\":\"r\"}",
    "{\"user_id\":\"%s\",\"minutes\":-5,\"reason\":\"r\"}",
    "{\"user_id\":\"%s\",\"minutes\":\"5\",\"reason\":\"r\"}",
    "{\"user_id\":\"%s\",\"minutes\":5,\"reason\":\"  \"}",
    "{\"user_id\":\"%s\",\"minutes\":5}",
    "{\"user_id\":\"%s\",\"minutes\":5,\"reason\":\"r\",\"validity_days\":0}",
    "{\"user_id\":\"%s\",\"minutes\":100001,\"reason\":\"r\"}",
  };
  const char *package = "{\"name\":\"x\",\"minutes\":30,\"price_minor\":1,\"currency\":\"EUR\",\"validity_days\":1}";
  g_autofree char *grant_body = pt_json ("{\"user_id\":\"%s\",\"minutes\":5,\"reason\":\"r\"}", f->learner_id);
  g_autoptr(GString) huge = g_string_new ("{\"name\":\"");
  const char *tokens[] = { f->learner, f->teacher, NULL };

  for (guint i = 0; i < G_N_ELEMENTS (tokens); i++)
    {
      g_autoptr(PtResponse) create = pt_request (f->server, "POST", "/api/v1/admin/minute-packages",
                                                 tokens[i], package, NULL);
      g_autoptr(PtResponse) granted = pt_request (f->server, "POST", "/api/v1/admin/grants", tokens[i],
                                                  grant_body, NULL);
      g_autoptr(PtResponse) listed = pt_request (f->server, "GET", "/api/v1/admin/minute-packages",
                                                 tokens[i], NULL, NULL);

      if (tokens[i] == NULL)
        {
          pt_assert_error (create, 401, "unauthorized");
          pt_assert_error (granted, 401, "unauthorized");
          continue;
        }
      pt_assert_error (create, 403, "forbidden");
      pt_assert_error (granted, 403, "forbidden");
      pt_assert_error (listed, 403, "forbidden");
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_packages); i++)
    {
      g_autoptr(PtResponse) response = pt_request (f->server, "POST", "/api/v1/admin/minute-packages",
                                                   f->admin, bad_packages[i], NULL);

      pt_assert_error (response, 400, "invalid_input");
    }

  for (guint i = 0; i < G_N_ELEMENTS (bad_grants); i++)
    {
      g_autofree char *body = g_strdup_printf (bad_grants[i], f->learner_id);
      g_autoptr(PtResponse) response = pt_request (f->server, "POST", "/api/v1/admin/grants", f->admin, body, NULL);

      pt_assert_error (response, 400, "invalid_input");
    }

  {
    g_autoptr(PtResponse) malformed = pt_request (f->server, "POST", "/api/v1/admin/grants", f->admin,
                                                  "{\"user_id\":", NULL);
    g_autoptr(PtResponse) nobody = pt_request (f->server, "POST", "/api/v1/admin/grants", f->admin,
                                               "{\"user_id\":\"nobody\",\"minutes\":5,\"reason\":\"r\"}", NULL);
    g_autoptr(PtResponse) missing = pt_request (f->server, "PUT", "/api/v1/admin/minute-packages/nope", f->admin,
                                                package, NULL);
    g_autoptr(PtResponse) too_big = NULL;
    g_autoptr(PtResponse) listed = pt_request (f->server, "GET", "/api/v1/admin/minute-packages", f->admin,
                                               NULL, NULL);

    while (huge->len < 2 * 1024 * 1024)
      g_string_append (huge, "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx");
    g_string_append (huge, "\"}");
    too_big = pt_request (f->server, "POST", "/api/v1/admin/minute-packages", f->admin, huge->str, NULL);

    pt_assert_error (malformed, 400, "invalid_input");
    pt_assert_error (nobody, 404, "not_found");
    pt_assert_error (missing, 404, "not_found");
    pt_assert_error (too_big, 413, "payload_too_large");
    g_assert_cmpint (pt_int (listed, "total"), ==, 0);
  }

  g_assert_cmpint (balance_seconds (f, f->learner), ==, 0);
  g_assert_cmpint (ledger_count (f, f->learner), ==, 0);
}

/* A grant credits the balance, with its expiry, as one ledger entry. */
static void
test_grant_and_balance (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *body = pt_json ("{\"user_id\":\"%s\",\"minutes\":30,\"reason\":\"welcome\"}", f->learner_id);
  g_autoptr(PtResponse) granted = pt_request (f->server, "POST", "/api/v1/admin/grants", f->admin, body, NULL);
  g_autoptr(PtResponse) mine = NULL;
  g_autoptr(PtResponse) ledger = NULL;
  g_autoptr(PtResponse) other = NULL;
  g_autofree char *expiry = pt_instant (T0 + 365 * DAY);

  pt_assert_status (granted, 201);
  g_assert_cmpint (pt_int (granted, "minutes"), ==, 30);
  g_assert_cmpint (pt_int (granted, "balance.minutes"), ==, 30);
  g_assert_cmpstr (pt_str (granted, "expires_at"), ==, expiry);

  mine = balance (f, f->learner);
  g_assert_cmpint (pt_int (mine, "minutes"), ==, 30);
  g_assert_cmpint (pt_int (mine, "seconds"), ==, 1800);
  g_assert_cmpstr (pt_str (mine, "expires_at"), ==, expiry);
  g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (mine->json, "lots"))), ==, 1);

  ledger = pt_request (f->server, "GET", "/api/v1/me/minute-ledger", f->learner, NULL, NULL);
  g_assert_cmpint (pt_int (ledger, "total"), ==, 1);
  g_assert_cmpstr (pt_str (ledger, "items[0].kind"), ==, "grant");
  g_assert_cmpint (pt_int (ledger, "items[0].seconds"), ==, 1800);
  g_assert_cmpstr (pt_str (ledger, "items[0].reason"), ==, "welcome");

  other = balance (f, f->teacher);
  g_assert_cmpint (pt_int (other, "minutes"), ==, 0);
  g_assert_true (JSON_NODE_HOLDS_NULL (pt_json_get (other->json, "expires_at")));
}

/* Minutes warn before they expire, then expire: one expiry entry takes
 * what was left, and the balance no longer counts them. */
static void
test_expiry (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PtWs) ws = pt_ws_connect (f->server, f->learner);
  g_autoptr(PtResponse) ledger = NULL;
  JsonNode *warning;
  JsonNode *expired;

  grant (f, f->learner_id, 10, 30);
  grant (f, f->learner_id, 20, 60);
  g_assert_cmpint (balance_seconds (f, f->learner), ==, 1800);

  /* Within a week of the first lot's end: one warning for it alone. */
  pt_server_set_now (f->server, T0 + 24 * DAY);
  warning = pt_ws_wait (ws, "minutes.expiring", WAIT);
  g_assert_cmpint (pt_node_int (warning, "minutes"), ==, 10);
  json_node_unref (warning);
  pt_ws_spin (1500);
  g_assert_cmpuint (pt_ws_count (ws, "minutes.expiring"), ==, 0);

  pt_server_set_now (f->server, T0 + 30 * DAY);
  g_assert_cmpint (balance_seconds (f, f->learner), ==, 1200);
  expired = pt_ws_wait (ws, "minutes.expired", WAIT);
  g_assert_cmpint (pt_node_int (expired, "minutes"), ==, 20);
  json_node_unref (expired);

  ledger = pt_request (f->server, "GET", "/api/v1/me/minute-ledger", f->learner, NULL, NULL);
  g_assert_cmpint (pt_int (ledger, "total"), ==, 3);
  g_assert_cmpstr (pt_str (ledger, "items[0].kind"), ==, "expiry");
  g_assert_cmpint (pt_int (ledger, "items[0].seconds"), ==, -600);

  pt_server_set_now (f->server, T0 + 61 * DAY);
  g_assert_cmpint (balance_seconds (f, f->learner), ==, 0);
}

typedef struct
{
  const char *db_url;
  const char *user_id;
  gint64      debited;
} Debitor;

static gpointer
debit_thread (gpointer data)
{
  Debitor *debitor = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = parla_db_open (debitor->db_url, &error);

  g_assert_no_error (error);
  for (int i = 0; i < 20; i++)
    {
      gint64 debited;

      parla_db_begin_write (db, &error);
      g_assert_no_error (error);
      debited = parla_minutes_debit (db, debitor->user_id, 45, "test-call", T0, &error);
      g_assert_no_error (error);
      parla_db_commit (db, &error);
      g_assert_no_error (error);
      debitor->debited += debited;
    }

  return NULL;
}

/* Debits never take more than is left, whoever races; the lot that
 * expires first goes first. */
static void
test_never_negative (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = NULL;
  Debitor debitors[4] = { { 0 } };
  GThread *threads[4];
  gint64 total = 0;

  grant (f, f->learner_id, 10, 30);
  grant (f, f->learner_id, 5, 10);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      debitors[i].db_url = f->server->db_url;
      debitors[i].user_id = f->learner_id;
      threads[i] = g_thread_new ("debit", debit_thread, &debitors[i]);
    }
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      g_thread_join (threads[i]);
      total += debitors[i].debited;
    }

  g_assert_cmpint (total, ==, 900);
  g_assert_cmpint (balance_seconds (f, f->learner), ==, 0);

  db = parla_db_open (f->server->db_url, &error);
  g_assert_no_error (error);
  parla_db_begin_write (db, &error);
  g_assert_cmpint (parla_minutes_debit (db, f->learner_id, 60, "test-call", T0, &error), ==, 0);
  g_assert_no_error (error);
  parla_db_commit (db, &error);
  g_assert_no_error (error);
}

/* An instant call of the learner's, ended or not, that was debited
 * @seconds from the learner's lots, straight in the database. */
static void
billed_call (Fixture    *f,
             const char *call_id,
             const char *status,
             gint64      seconds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = parla_db_open (f->server->db_url, &error);

  g_assert_no_error (error);
  parla_db_begin_write (db, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_db_exec (db, &error,
                                  "INSERT INTO instant_calls (id, learner_id, teacher_id, status, language, "
                                  "created_at, billed_seconds) VALUES ($1, $2, $3, $4, 'es', $5, $6)",
                                  PARLA_DB_TEXT, call_id,
                                  PARLA_DB_TEXT, f->learner_id,
                                  PARLA_DB_TEXT, f->teacher_id,
                                  PARLA_DB_TEXT, status,
                                  PARLA_DB_INT, (gint64) T0,
                                  PARLA_DB_INT, seconds,
                                  PARLA_DB_END), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (parla_minutes_debit (db, f->learner_id, seconds, call_id, T0, &error), ==, seconds);
  g_assert_no_error (error);
  parla_db_commit (db, &error);
  g_assert_no_error (error);
}

/* Support gives back what a call used, into the lots it came from, never
 * more than it used; bad requests change nothing. */
static void
test_refund_call (Fixture       *f,
                  gconstpointer  data)
{
  static const char *bad_bodies[] = {
    "{\"minutes\":1}",
    "{\"reason\":\"   \"}",
    "{\"reason\":\"r\",\"minutes\":0}",
    "{\"reason\":\"r\",\"minutes\":\"1\"}",
    "{\"reason\":\"r\",\"minutes\":1.5}",
    "{\"reason\":42}",
    "[\"reason\"]",
    "{\"reason\":",
  };
  g_autoptr(PtWs) ws = pt_ws_connect (f->server, f->learner);
  g_autoptr(PtResponse) refund = NULL;
  g_autoptr(PtResponse) rest = NULL;
  g_autoptr(PtResponse) again = NULL;
  g_autoptr(PtResponse) ledger = NULL;
  g_autoptr(PtResponse) live = NULL;
  g_autoptr(PtResponse) expired = NULL;
  g_autoptr(GString) huge = g_string_new ("{\"reason\":\"");
  JsonNode *event;
  gint64 entries;

  /* A lot of 20 minutes for 60 days and one of a minute for 30 days,
   * half of which another call took: call-1's 90 s are 30 s from the
   * short lot and 60 s from the long one. */
  grant (f, f->learner_id, 20, 60);
  grant (f, f->learner_id, 1, 30);
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ParlaDb) db = parla_db_open (f->server->db_url, &error);

    g_assert_no_error (error);
    parla_db_begin_write (db, &error);
    g_assert_cmpint (parla_minutes_debit (db, f->learner_id, 30, "other-call", T0, &error), ==, 30);
    parla_db_commit (db, &error);
    g_assert_no_error (error);
  }
  billed_call (f, "call-1", "ended", 90);
  g_assert_cmpint (balance_seconds (f, f->learner), ==, 1260 - 30 - 90);
  entries = ledger_count (f, f->learner);

  for (guint i = 0; i < G_N_ELEMENTS (bad_bodies); i++)
    {
      g_autoptr(PtResponse) bad = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund",
                                              f->admin, bad_bodies[i], NULL);

      g_assert_cmpuint (bad->status, ==, 400);
    }
  for (guint i = 0; i < 300; i++)
    g_string_append (huge, "x");
  g_string_append (huge, "\"}");
  {
    g_autoptr(PtResponse) bad = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund",
                                            f->admin, huge->str, NULL);
    g_autoptr(PtResponse) learner = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund",
                                                f->learner, "{\"reason\":\"please\"}", NULL);
    g_autoptr(PtResponse) teacher = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund",
                                                f->teacher, "{\"reason\":\"please\"}", NULL);
    g_autoptr(PtResponse) anonymous = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund",
                                                  NULL, "{\"reason\":\"please\"}", NULL);
    g_autoptr(PtResponse) missing = pt_request (f->server, "POST", "/api/v1/admin/calls/nope/refund",
                                                f->admin, "{\"reason\":\"r\"}", NULL);

    pt_assert_error (bad, 400, "invalid_input");
    pt_assert_error (learner, 403, "forbidden");
    pt_assert_error (teacher, 403, "forbidden");
    pt_assert_status (anonymous, 401);
    pt_assert_error (missing, 404, "not_found");
  }
  g_assert_cmpint (ledger_count (f, f->learner), ==, entries);
  g_assert_cmpint (balance_seconds (f, f->learner), ==, 1140);

  /* A minute of it (into the long lot), then the rest, then nothing. */
  refund = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund", f->admin,
                       "{\"reason\":\"Teacher could not be heard\",\"minutes\":1}", NULL);
  pt_assert_status (refund, 200);
  g_assert_cmpint (pt_int (refund, "refunded_seconds"), ==, 60);
  g_assert_cmpstr (pt_str (refund, "learner_id"), ==, f->learner_id);
  g_assert_cmpint (pt_int (refund, "balance.seconds"), ==, 1200);
  event = pt_ws_wait (ws, "minutes.refunded", WAIT);
  g_assert_cmpint (pt_node_int (event, "refunded_seconds"), ==, 60);
  g_assert_cmpint (pt_node_int (event, "seconds"), ==, 1200);
  json_node_unref (event);

  rest = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund", f->admin,
                     "{\"reason\":\"the rest\",\"minutes\":5}", NULL);
  pt_assert_status (rest, 200);
  g_assert_cmpint (pt_int (rest, "refunded_seconds"), ==, 30);
  g_assert_cmpint (balance_seconds (f, f->learner), ==, 1230);

  again = pt_request (f->server, "POST", "/api/v1/admin/calls/call-1/refund", f->admin,
                      "{\"reason\":\"again\"}", NULL);
  pt_assert_error (again, 409, "invalid_state");
  g_assert_cmpint (ledger_count (f, f->learner), ==, entries + 2);

  /* Two refund entries (all at T0: the ledger's order among them is the
   * ids'), each naming the call and a lot. */
  ledger = pt_request (f->server, "GET", "/api/v1/me/minute-ledger", f->learner, NULL, NULL);
  entries = pt_int (ledger, "total");
  {
    gint64 refunded = 0;
    guint n = 0;

    for (gint64 i = 0; i < entries; i++)
      {
        g_autofree char *kind = g_strdup_printf ("items[%" G_GINT64_FORMAT "].kind", i);
        g_autofree char *call = g_strdup_printf ("items[%" G_GINT64_FORMAT "].call_id", i);
        g_autofree char *lot = g_strdup_printf ("items[%" G_GINT64_FORMAT "].lot_id", i);
        g_autofree char *seconds = g_strdup_printf ("items[%" G_GINT64_FORMAT "].seconds", i);

        if (g_strcmp0 (pt_str (ledger, kind), "refund") != 0)
          continue;
        g_assert_cmpstr (pt_str (ledger, call), ==, "call-1");
        g_assert_nonnull (pt_str (ledger, lot));
        refunded += pt_int (ledger, seconds);
        n++;
      }
    g_assert_cmpuint (n, ==, 2);
    g_assert_cmpint (refunded, ==, 90);
  }

  /* Not while the meter may still run (30 s from each lot). */
  billed_call (f, "call-2", "connected", 60);
  live = pt_request (f->server, "POST", "/api/v1/admin/calls/call-2/refund", f->admin,
                     "{\"reason\":\"r\"}", NULL);
  pt_assert_error (live, 409, "invalid_state");
  g_assert_cmpint (ledger_count (f, f->learner), ==, entries + 2);

  /* Minutes from a lot that expired since cannot come back this way. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(ParlaDb) db = parla_db_open (f->server->db_url, &error);

    g_assert_no_error (error);
    parla_db_begin_write (db, &error);
    g_assert_cmpint (parla_db_exec (db, &error, "UPDATE instant_calls SET status = 'ended' WHERE id = 'call-2'",
                                    PARLA_DB_END), ==, 1);
    parla_db_commit (db, &error);
    g_assert_no_error (error);
  }
  pt_server_set_now (f->server, T0 + 61 * DAY);
  expired = pt_request (f->server, "POST", "/api/v1/admin/calls/call-2/refund", f->admin,
                        "{\"reason\":\"r\"}", NULL);
  pt_assert_error (expired, 409, "invalid_state");
  g_assert_nonnull (strstr (pt_str (expired, "error.message"), "expired"));
}

/* The payments' entry point credits a package once per payment. */
static void
test_purchase_idempotent (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(PtResponse) created = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = NULL;
  g_autoptr(PtResponse) mine = NULL;
  g_autofree char *expiry = pt_instant (T0 + 90 * DAY);
  gboolean duplicate = TRUE;

  created = pt_request (f->server, "POST", "/api/v1/admin/minute-packages", f->admin,
                        "{\"name\":\"Hour\",\"minutes\":60,\"price_minor\":2500,\"currency\":\"EUR\","
                        "\"validity_days\":90}", NULL);
  pt_assert_status (created, 201);

  db = parla_db_open (f->server->db_url, &error);
  g_assert_no_error (error);
  for (int i = 0; i < 2; i++)
    {
      parla_db_begin_write (db, &error);
      g_assert_no_error (error);
      g_assert_true (parla_minutes_credit_purchase (db, f->learner_id, pt_str (created, "id"), "pi_123", T0,
                                                    &duplicate, &error));
      g_assert_no_error (error);
      g_assert_cmpint (duplicate, ==, i == 1);
      parla_db_commit (db, &error);
      g_assert_no_error (error);
    }

  parla_db_begin_write (db, &error);
  g_assert_false (parla_minutes_credit_purchase (db, f->learner_id, "no-such-package", "pi_456", T0, NULL, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND);
  parla_db_rollback (db);

  mine = balance (f, f->learner);
  g_assert_cmpint (pt_int (mine, "minutes"), ==, 60);
  g_assert_cmpstr (pt_str (mine, "expires_at"), ==, expiry);
  g_assert_cmpint (ledger_count (f, f->learner), ==, 1);
}

/* create-admin: checks its input, and makes an existing account an admin. */
static void
test_create_admin (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  g_autoptr(PtResponse) granted = NULL;
  g_autofree char *body = pt_json ("{\"user_id\":\"%s\",\"minutes\":5,\"reason\":\"r\"}", f->learner_id);

  g_assert_false (parla_admin_create (f->server->config, "not an email", "long enough", NULL, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_false (parla_admin_create (f->server->config, "x@example.org", "short", NULL, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  g_assert_true (parla_admin_create (f->server->config, "Teacher@Example.org", "new admin password", &id, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (id, ==, f->teacher_id);

  token = log_in (f->server, "teacher@example.org", "new admin password");
  granted = pt_request (f->server, "POST", "/api/v1/admin/grants", token, body, NULL);
  pt_assert_status (granted, 201);
}

/* The demo seeds packages and minutes for its learners, once. */
static void
test_demo (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(PtResponse) packages = NULL;
  g_autofree char *token = NULL;

  for (int i = 0; i < 2; i++)
    {
      parla_server_seed_demo (f->server->server, &error);
      g_assert_no_error (error);
    }

  packages = pt_request (f->server, "GET", "/api/v1/minute-packages", NULL, NULL, NULL);
  g_assert_cmpint (pt_int (packages, "total"), ==, 4);
  g_assert_cmpint (pt_int (packages, "items[0].minutes"), ==, 30);

  token = log_in (f->server, "demo.learner@parla.app", "parla-demo");
  g_assert_cmpint (balance_seconds (f, token), ==, 120 * 60);
  g_assert_cmpint (ledger_count (f, token), ==, 1);
}

static int
run_server (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (argv, (gpointer) g_getenv ("PARLA_SERVER_BIN"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (gpointer) args[i]);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (process));

  return g_subprocess_get_exit_status (process);
}

/* The binary: create-admin and --ring-timeout check what they are given. */
static void
test_binary (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *dir = g_dir_make_tmp ("parla-test-minutes-XXXXXX", NULL);
  g_autofree char *db = g_strdup_printf ("sqlite:%s/admin.db", dir);
  g_autofree char *file = g_build_filename (dir, "admin.db", NULL);

  g_assert_nonnull (g_getenv ("PARLA_SERVER_BIN"));
  g_assert_cmpint (run_server ((const char * const []) { "create-admin", "--db", db, "--email", "a@example.org",
                                                          "--password", "long enough", NULL }), ==, 0);
  g_assert_cmpint (run_server ((const char * const []) { "create-admin", "--db", db, "--email", "a@example.org",
                                                          "--password", "short", NULL }), ==, 1);
  g_assert_cmpint (run_server ((const char * const []) { "create-admin", "--db", db, "--email", "a@example.org",
                                                          NULL }), ==, 2);
  g_assert_cmpint (run_server ((const char * const []) { "--ring-timeout", "0", "--db", db, NULL }), ==, 2);
  g_assert_cmpint (run_server ((const char * const []) { "--ring-timeout", "soon", "--db", db, NULL }), ==, 2);
  g_assert_true (g_file_test (file, G_FILE_TEST_IS_REGULAR));
  pt_remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/minutes/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("packages", test_packages);
  ADD ("admin-only-bad-input", test_admin_only_and_bad_input);
  ADD ("grant-balance", test_grant_and_balance);
  ADD ("expiry", test_expiry);
  ADD ("never-negative", test_never_negative);
  ADD ("purchase-idempotent", test_purchase_idempotent);
  ADD ("create-admin", test_create_admin);
  ADD ("demo", test_demo);
  ADD ("binary", test_binary);
  ADD ("refund-call", test_refund_call);

  return g_test_run ();
}
