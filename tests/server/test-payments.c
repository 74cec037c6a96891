/* test-payments.c: paid bookings against a stand-in for Stripe: webhook
 * signatures, each event once in any order, checkout, expiry, refunds by
 * policy through the outbox (across a SIGKILL), the ledger, earnings,
 * minute package purchases and the test mode
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "parla-db.h"
#include "parla-payments.h"
#include "parla-test-server.h"
#include "stripe-standin.h"

#define T0   1795428000  /* Monday 2026-11-23T10:00:00Z */
#define WED  1795593600  /* Wednesday 2026-11-25T08:00:00Z = 09:00 in Madrid */
#define HOUR 3600
#define DAY  (24 * HOUR)
#define WAIT 10000

#define SECRET_KEY "sk_test_standin_7f3a9c"
#define WEBHOOK_ONE "whsec_first_4b1d"
#define WEBHOOK_TWO "whsec_second_9e2c"

typedef enum
{
  DELIVER_MANUAL,   /* the test signs and sends the events itself */
  DELIVER_AUTO,     /* the stand-in sends them, as Stripe does */
  TEST_MODE,        /* no Stripe at all */
} Mode;

typedef struct
{
  Mode           mode;
  StripeStandin *stripe;
  PtServer      *server;
  ParlaDb       *db;
  char          *teacher;        /* tokens */
  char          *teacher_id;
  char          *learner;
  char          *learner_id;
  char          *other;
  char          *other_id;
  char          *offering_id;    /* 60 min, 2000 EUR */
} Fixture;

static const char availability[] =
  "{\"time_zone\":\"Europe/Madrid\","
  " \"weekly\":[{\"weekday\":1,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":2,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":3,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":4,\"start\":\"09:00\",\"end\":\"17:00\"},"
  "             {\"weekday\":5,\"start\":\"09:00\",\"end\":\"17:00\"}],"
  " \"rules\":{\"lead_time_minutes\":60,\"granularity_minutes\":30,\"horizon_days\":60}}";

/* Every log line of the process, to prove secrets never reach it. */
static GMutex log_mutex;
static GString *log_text;

static GLogWriterOutput
capture_log_cb (GLogLevelFlags   level,
                const GLogField *fields,
                gsize            n_fields,
                gpointer         user_data)
{
  if (level & (G_LOG_LEVEL_DEBUG | G_LOG_LEVEL_INFO))
    return G_LOG_WRITER_HANDLED;

  g_mutex_lock (&log_mutex);
  for (gsize i = 0; i < n_fields; i++)
    if (fields[i].length < 0 && fields[i].value != NULL)
      g_string_append_printf (log_text, "%s=%s\n", fields[i].key, (const char *) fields[i].value);
  g_mutex_unlock (&log_mutex);

  return g_log_writer_default (level, fields, n_fields, user_data);
}

static gboolean
log_contains (const char *text)
{
  gboolean found;

  g_mutex_lock (&log_mutex);
  found = strstr (log_text->str, text) != NULL;
  g_mutex_unlock (&log_mutex);

  return found;
}

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  Fixture *f = user_data;

  if (f->mode == TEST_MODE)
    {
      config->payments_mode = g_strdup ("test");
      return;
    }

  config->stripe_secret_key = g_strdup (SECRET_KEY);
  config->stripe_webhook_secret = g_strdup (WEBHOOK_ONE "," WEBHOOK_TWO);
  config->stripe_api_base = g_strdup (stripe_standin_get_url (f->stripe));
}

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

  f->mode = GPOINTER_TO_INT (data);
  f->stripe = stripe_standin_new (SECRET_KEY, WEBHOOK_ONE);
  stripe_standin_set_now (f->stripe, T0);

  f->server = pt_server_start (configure, f);
  pt_server_set_now (f->server, T0);
  if (f->mode == DELIVER_AUTO)
    {
      g_autofree char *url = g_strconcat (f->server->base_url, "api/v1/payments/stripe/webhook", NULL);

      stripe_standin_set_webhook_url (f->stripe, url);
    }

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
                           "{\"title\":\"Spanish lesson\",\"topic_type\":\"flexible\",\"session_type\":\"individual\","
                           "\"duration_minutes\":60,\"price_minor\":2000,\"currency\":\"EUR\"}");
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  parla_db_close (f->db);
  pt_server_stop (f->server);
  stripe_standin_free (f->stripe);
  g_free (f->teacher);
  g_free (f->teacher_id);
  g_free (f->learner);
  g_free (f->learner_id);
  g_free (f->other);
  g_free (f->other_id);
  g_free (f->offering_id);
}

static gint64
count (Fixture    *f,
       const char *sql,
       const char *param)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  if (param != NULL)
    rows = parla_db_query (f->db, &error, sql, PARLA_DB_TEXT, param, PARLA_DB_END);
  else
    rows = parla_db_query (f->db, &error, sql, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));

  return parla_db_rows_get_int (rows, 0);
}

/* Every transaction of the ledger sums to zero, so all accounts do. */
static void
assert_ledger_balanced (ParlaDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, &error,
                         "SELECT txn_id, SUM(amount_minor) FROM ledger_entries GROUP BY txn_id "
                         "HAVING SUM(amount_minor) <> 0",
                         PARLA_DB_END);
  g_assert_no_error (error);
  if (parla_db_rows_next (rows))
    g_error ("ledger transaction %s sums to %" G_GINT64_FORMAT,
             parla_db_rows_get_text (rows, 0), parla_db_rows_get_int (rows, 1));
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query (db, &error, "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries", PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 0);
}

static gint64
account_balance (Fixture    *f,
                 const char *account)
{
  return count (f, "SELECT COALESCE(SUM(amount_minor), 0) FROM ledger_entries WHERE account = $1", account);
}

static PtResponse *
book (Fixture    *f,
      const char *token,
      gint64      start)
{
  g_autofree char *when = pt_instant (start);
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", f->offering_id);
  g_autofree char *body = pt_json ("{\"start\":\"%s\",\"topic\":\"Travel\"}", when);

  return pt_request (f->server, "POST", path, token, body, NULL);
}

static PtResponse *
get_booking (Fixture    *f,
             const char *token,
             const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s", id);

  return pt_request (f->server, "GET", path, token, NULL, NULL);
}

static char *
booking_status (Fixture    *f,
                const char *id)
{
  g_autoptr(PtResponse) response = get_booking (f, f->learner, id);

  pt_assert_status (response, 200);
  return g_strdup (pt_str (response, "status"));
}

static gboolean
booking_has_status (Fixture    *f,
                    const char *id,
                    const char *status)
{
  g_autofree char *now = booking_status (f, id);

  return g_str_equal (now, status);
}

static gboolean
refund_has_status (Fixture    *f,
                   const char *id,
                   const char *status)
{
  g_autoptr(PtResponse) response = get_booking (f, f->learner, id);

  return pt_has (response, "refund_status") && g_strcmp0 (pt_str (response, "refund_status"), status) == 0;
}

static PtResponse *
send_event (Fixture    *f,
            const char *secret,
            gint64      timestamp,
            const char *payload,
            const char *header_override)
{
  g_autofree char *signature = secret ? stripe_standin_sign (secret, timestamp, payload) : NULL;
  g_autoptr(GBytes) body = g_bytes_new (payload, strlen (payload));
  const char *headers[] = { "Stripe-Signature", header_override ? header_override : signature, NULL };

  return pt_request_raw (f->server, "POST", "/api/v1/payments/stripe/webhook", NULL, "application/json",
                         body, headers[1] != NULL ? headers : NULL);
}

static gint64
n_events (Fixture *f)
{
  return count (f, "SELECT COUNT(*) FROM stripe_events", NULL);
}

/* Books the Wednesday slot and answers the booking; the checkout is open. */
static char *
book_held (Fixture  *f,
           gint64    start,
           char    **out_session)
{
  g_autoptr(PtResponse) response = book (f, f->learner, start);
  g_autofree char *hold = pt_instant (T0 + 15 * 60);

  pt_assert_status (response, 201);
  g_assert_cmpstr (pt_str (response, "status"), ==, "payment_pending");
  g_assert_cmpstr (pt_str (response, "hold_expires_at"), ==, hold);
  g_assert_nonnull (pt_str (response, "checkout_url"));

  if (out_session != NULL && f->mode != TEST_MODE)
    {
      *out_session = stripe_standin_dup_checkout_for (f->stripe, pt_str (response, "id"));
      g_assert_nonnull (*out_session);
    }

  return g_strdup (pt_str (response, "id"));
}

static char *
book_paid (Fixture *f,
           gint64   start)
{
  g_autofree char *session = NULL;
  char *id = book_held (f, start, &session);

  stripe_standin_pay (f->stripe, session);
  PT_WAIT_UNTIL (booking_has_status (f, id, "confirmed"), WAIT);

  return id;
}

/* Webhook signatures */

static const char unhandled_event[] =
  "{\"id\":\"evt_customer_%d\",\"object\":\"event\",\"type\":\"customer.created\","
  "\"data\":{\"object\":{\"id\":\"cus_1\",\"object\":\"customer\"}}}";

static void
test_webhook_signatures (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *good = NULL;
  g_autofree char *bad = NULL;
  g_autofree char *payload = g_strdup_printf (unhandled_event, 1);
  struct {
    const char *secret;
    gint64      t;
    gboolean    tamper;
    guint       status;
  } cases[] = {
    { NULL, T0, FALSE, 400 },                    /* unsigned */
    { "whsec_wrong", T0, FALSE, 400 },           /* wrong secret */
    { WEBHOOK_ONE, T0, TRUE, 400 },              /* tampered body */
    { WEBHOOK_ONE, T0 - 301, FALSE, 400 },       /* too old */
    { WEBHOOK_ONE, T0 + 301, FALSE, 400 },       /* from the future */
    { WEBHOOK_ONE, T0 - 300, FALSE, 200 },       /* just in time */
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *signature = cases[i].secret ? stripe_standin_sign (cases[i].secret, cases[i].t, payload) : NULL;
      g_autofree char *sent = cases[i].tamper ? g_strdup_printf (unhandled_event, 2) : g_strdup (payload);
      g_autoptr(GBytes) body = g_bytes_new (sent, strlen (sent));
      const char *headers[] = { "Stripe-Signature", signature, NULL };
      g_autoptr(PtResponse) response = NULL;

      response = pt_request_raw (f->server, "POST", "/api/v1/payments/stripe/webhook", NULL, "application/json",
                                 body, signature ? headers : NULL);
      pt_assert_status (response, cases[i].status);
      if (cases[i].status == 400)
        {
          g_assert_cmpstr (pt_str (response, "error.code"), ==, "invalid_input");
          g_assert_cmpint (n_events (f), ==, 0);
          g_assert_null (strstr (response->body, WEBHOOK_ONE));
        }
      else
        {
          g_assert_false (pt_json_get (response->json, "handled") &&
                          json_node_get_boolean (pt_json_get (response->json, "handled")));
          g_assert_cmpint (n_events (f), ==, 1);
        }
    }

  /* Several v1 during a rotation: any one matching is enough; a v0 with
   * the right value is not a v1. */
  {
    g_autofree char *p3 = g_strdup_printf (unhandled_event, 3);
    g_autofree char *p4 = g_strdup_printf (unhandled_event, 4);
    g_autofree char *p5 = g_strdup_printf (unhandled_event, 5);
    g_autofree char *right = stripe_standin_sign (WEBHOOK_TWO, T0, p3);
    g_autofree char *wrong = stripe_standin_sign ("whsec_old", T0, p3);
    g_autofree char *both = g_strdup_printf ("%s,%s", wrong, strchr (right, ',') + 1);
    g_autofree char *v0_sig = stripe_standin_sign (WEBHOOK_ONE, T0, p4);
    g_autofree char *v0 = g_strdup_printf ("t=%d,v0=%s", T0, strstr (v0_sig, "v1=") + 3);
    g_autoptr(PtResponse) rotated = send_event (f, NULL, 0, p3, both);
    g_autoptr(PtResponse) only_v0 = send_event (f, NULL, 0, p4, v0);
    g_autoptr(PtResponse) garbage = send_event (f, NULL, 0, p5, "garbage");
    g_autoptr(PtResponse) bad_t = send_event (f, NULL, 0, p5, "t=soon,v1=00");
    g_autoptr(PtResponse) second = send_event (f, WEBHOOK_TWO, T0, p5, NULL);

    pt_assert_status (rotated, 200);
    pt_assert_error (only_v0, 400, "invalid_input");
    pt_assert_error (garbage, 400, "invalid_input");
    pt_assert_error (bad_t, 400, "invalid_input");
    pt_assert_status (second, 200);
    g_assert_cmpint (n_events (f), ==, 3);
  }

  /* Signed but not an event */
  {
    g_autoptr(PtResponse) not_json = send_event (f, WEBHOOK_ONE, T0, "{\"id\":", NULL);
    g_autoptr(PtResponse) no_type = send_event (f, WEBHOOK_ONE, T0, "{\"id\":\"evt_x\",\"data\":{\"object\":{}}}", NULL);
    g_autoptr(PtResponse) array = send_event (f, WEBHOOK_ONE, T0, "[1,2]", NULL);

    pt_assert_error (not_json, 400, "invalid_input");
    pt_assert_error (no_type, 400, "invalid_input");
    pt_assert_error (array, 400, "invalid_input");
    g_assert_cmpint (n_events (f), ==, 3);
  }

  /* Replayed: answered, no second effect */
  {
    g_autoptr(PtResponse) again = send_event (f, WEBHOOK_ONE, T0, payload, NULL);

    pt_assert_status (again, 200);
    g_assert_true (json_node_get_boolean (pt_json_get (again->json, "duplicate")));
    g_assert_cmpint (n_events (f), ==, 3);
  }

  g_assert_false (log_contains (WEBHOOK_ONE));
  g_assert_false (log_contains (WEBHOOK_TWO));
}

static char *
checkout_event (const char *event_id,
                const char *type,
                const char *session,
                const char *booking,
                const char *intent,
                gint64      amount)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"object\":\"event\",\"type\":\"%s\",\"data\":{\"object\":"
                          "{\"id\":\"%s\",\"object\":\"checkout.session\",\"payment_status\":\"%s\","
                          "\"payment_intent\":\"%s\",\"amount_total\":%" G_GINT64_FORMAT ",\"currency\":\"eur\","
                          "\"metadata\":{\"booking_id\":\"%s\"}}}}",
                          event_id, type, session,
                          g_str_equal (type, "checkout.session.completed") ? "paid" : "unpaid",
                          intent, amount, booking);
}

static char *
refund_event (const char *event_id,
              const char *type,
              const char *status,
              const char *booking,
              const char *intent,
              gint64      amount)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"object\":\"event\",\"type\":\"%s\",\"data\":{\"object\":"
                          "{\"id\":\"re_1\",\"object\":\"refund\",\"status\":\"%s\",\"amount\":%" G_GINT64_FORMAT ","
                          "\"payment_intent\":\"%s\",\"metadata\":{\"booking_id\":\"%s\"}}}}",
                          event_id, type, status, amount, intent, booking);
}

/* Duplicated and reordered events: only valid ones take effect, each
 * exactly once. */
static void
test_webhook_once_in_any_order (Fixture       *f,
                                gconstpointer  data)
{
  g_autofree char *session = NULL;
  g_autofree char *id = book_held (f, WED, &session);
  g_autoptr(JsonNode) paid_session = NULL;
  g_autofree char *pi = NULL;
  g_autofree char *completed = NULL;
  g_autofree char *expired = NULL;
  g_autofree char *forged = NULL;
  g_autofree char *updated = NULL;
  g_autofree char *created = NULL;
  g_autofree char *cancel_path = g_strdup_printf ("/api/v1/bookings/%s/cancel", id);
  g_autoptr(PtResponse) forged_response = NULL;
  g_autoptr(PtResponse) first = NULL;
  g_autoptr(PtResponse) again = NULL;
  g_autoptr(PtResponse) late_expiry = NULL;
  g_autoptr(PtResponse) cancel = NULL;
  g_autoptr(PtResponse) refund_first = NULL;
  g_autoptr(PtResponse) refund_late = NULL;
  g_autoptr(PtResponse) refund_again = NULL;

  /* The learner pays at the stand-in; its events are not sent here, the
   * test sends its own. */
  stripe_standin_pay (f->stripe, session);
  paid_session = stripe_standin_dup_object (f->stripe, session);
  pi = g_strdup (pt_node_str (paid_session, "payment_intent"));
  completed = checkout_event ("evt_c1", "checkout.session.completed", session, id, pi, 2000);
  expired = checkout_event ("evt_c2", "checkout.session.expired", session, id, pi, 2000);
  forged = checkout_event ("evt_c3", "checkout.session.completed", session, id, "pi_forged", 2000);
  updated = refund_event ("evt_r2", "refund.updated", "succeeded", id, pi, 2000);
  created = refund_event ("evt_r1", "refund.created", "pending", id, pi, 2000);
  forged_response = send_event (f, "whsec_attacker", T0, forged, NULL);

  /* A forged confirmation confirms nothing. */
  pt_assert_error (forged_response, 400, "invalid_input");
  g_assert_true (booking_has_status (f, id, "payment_pending"));

  first = send_event (f, WEBHOOK_ONE, T0, completed, NULL);
  pt_assert_status (first, 200);
  again = send_event (f, WEBHOOK_ONE, T0 + 60, completed, NULL);
  pt_assert_status (again, 200);
  g_assert_true (json_node_get_boolean (pt_json_get (again->json, "duplicate")));
  /* Expired after completed (out of order): the booking stays. */
  late_expiry = send_event (f, WEBHOOK_ONE, T0, expired, NULL);
  pt_assert_status (late_expiry, 200);

  g_assert_true (booking_has_status (f, id, "confirmed"));
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'payment' AND booking_id = $1", id),
                   ==, 5);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM booking_history WHERE action = 'paid' AND booking_id = $1", id),
                   ==, 1);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 2000);
  assert_ledger_balanced (f->db);

  /* The learner cancels 42 h before: a full refund. The stand-in sends
   * no events here; the test does, the update before the creation. */
  cancel = pt_request (f->server, "POST", cancel_path, f->learner, NULL, NULL);
  pt_assert_status (cancel, 200);
  g_assert_cmpint (pt_int (cancel, "refund_minor"), ==, 2000);
  PT_WAIT_UNTIL (stripe_standin_n_objects (f->stripe, "refund") == 1, WAIT);
  PT_WAIT_UNTIL (count (f, "SELECT COUNT(*) FROM payment_outbox WHERE status = 'sent'", NULL) == 1, WAIT);

  refund_first = send_event (f, WEBHOOK_ONE, T0, updated, NULL);
  refund_late = send_event (f, WEBHOOK_ONE, T0, created, NULL);
  refund_again = send_event (f, WEBHOOK_ONE, T0, updated, NULL);
  pt_assert_status (refund_first, 200);
  pt_assert_status (refund_late, 200);
  pt_assert_status (refund_again, 200);

  g_assert_true (refund_has_status (f, id, "succeeded"));
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'refund' AND booking_id = $1", id),
                   ==, 5);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 0);
  g_assert_cmpint (account_balance (f, "platform_fees"), ==, 0);
  assert_ledger_balanced (f->db);
}

/* End to end, with the stand-in sending its webhooks */

static void
test_pay_for_slot (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PtWs) learner_ws = pt_ws_connect (f->server, f->learner);
  g_autoptr(PtWs) teacher_ws = pt_ws_connect (f->server, f->teacher);
  g_autofree char *session = NULL;
  g_autofree char *id = book_held (f, WED, &session);
  g_autofree char *teacher_account = g_strconcat ("teacher_payable:", f->teacher_id, NULL);
  g_autoptr(JsonNode) stripe_session = stripe_standin_dup_object (f->stripe, session);
  g_autoptr(PtResponse) taken = book (f, f->other, WED);
  g_autoptr(PtResponse) replay = NULL;
  g_autoptr(PtResponse) earnings = NULL;
  g_autoptr(JsonNode) pushed = NULL;
  g_autoptr(JsonNode) pushed_teacher = NULL;

  /* What Stripe was asked for */
  g_assert_cmpstr (pt_node_str (stripe_session, "metadata.booking_id"), ==, id);
  g_assert_cmpint (pt_node_int (stripe_session, "amount_total"), ==, 2000);
  g_assert_cmpstr (pt_node_str (stripe_session, "currency"), ==, "eur");
  g_assert_cmpint (pt_node_int (stripe_session, "expires_at"), >=, T0 + 30 * 60);

  /* The hold takes the slot. */
  pt_assert_error (taken, 409, "slot_taken");

  /* The redirect proves nothing: only the webhook confirms. */
  g_assert_true (booking_has_status (f, id, "payment_pending"));
  stripe_standin_pay (f->stripe, session);
  pushed = pt_ws_wait_for (learner_ws, "booking.confirmed", "booking.id", id, WAIT);
  g_assert_cmpstr (pt_node_str (pushed, "booking.status"), ==, "confirmed");
  pushed_teacher = pt_ws_wait_for (teacher_ws, "booking.confirmed", "booking.id", id, WAIT);
  PT_WAIT_UNTIL (stripe_standin_n_accepted (f->stripe) == 2, WAIT);

  g_assert_true (booking_has_status (f, id, "confirmed"));
  /* Both events report the payment; it counts once. */
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM ledger_entries WHERE kind = 'payment'", NULL), ==, 5);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 2000);
  g_assert_cmpint (account_balance (f, "platform_fees"), ==, -200);
  g_assert_cmpint (account_balance (f, teacher_account), ==, -1800);
  assert_ledger_balanced (f->db);

  /* Earnings: pending until the lesson ended, then available. */
  earnings = pt_request (f->server, "GET", "/api/v1/me/earnings", f->teacher, NULL, NULL);
  pt_assert_status (earnings, 200);
  g_assert_cmpint (pt_int (earnings, "balances[0].pending_minor"), ==, 1800);
  g_assert_cmpint (pt_int (earnings, "balances[0].available_minor"), ==, 0);
  g_assert_cmpstr (pt_str (earnings, "lessons[0].booking_id"), ==, id);
  g_assert_cmpint (pt_int (earnings, "lessons[0].earned_minor"), ==, 1800);

  pt_server_set_now (f->server, WED + 2 * HOUR);
  g_clear_pointer (&earnings, pt_response_free);
  earnings = pt_request (f->server, "GET", "/api/v1/me/earnings", f->teacher, NULL, NULL);
  g_assert_cmpint (pt_int (earnings, "balances[0].pending_minor"), ==, 0);
  g_assert_cmpint (pt_int (earnings, "balances[0].available_minor"), ==, 1800);

  /* A payout goes to the connected account, once. */
  {
    g_autoptr(PtResponse) no_account = pt_request (f->server, "POST", "/api/v1/me/payouts", f->teacher, NULL, NULL);
    g_autoptr(PtResponse) account = pt_request (f->server, "PUT", "/api/v1/me/payout-account", f->teacher,
                                                "{\"stripe_account_id\":\"acct_1Teacher\"}", NULL);
    g_autoptr(PtResponse) payout = pt_request (f->server, "POST", "/api/v1/me/payouts", f->teacher, NULL, NULL);
    g_autoptr(PtResponse) nothing = pt_request (f->server, "POST", "/api/v1/me/payouts", f->teacher, NULL, NULL);
    g_autoptr(PtResponse) after = NULL;

    pt_assert_error (no_account, 409, "invalid_state");
    pt_assert_status (account, 200);
    g_assert_cmpstr (pt_str (account, "stripe_account_id"), ==, "acct_1Teacher");
    pt_assert_status (payout, 201);
    g_assert_cmpint (pt_int (payout, "payouts[0].amount_minor"), ==, 1800);
    pt_assert_error (nothing, 409, "invalid_state");
    PT_WAIT_UNTIL (stripe_standin_n_objects (f->stripe, "transfer") == 1, WAIT);
    PT_WAIT_UNTIL (account_balance (f, teacher_account) == 0, WAIT);
    g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 200);
    assert_ledger_balanced (f->db);

    after = pt_request (f->server, "GET", "/api/v1/me/earnings", f->teacher, NULL, NULL);
    g_assert_cmpint (pt_int (after, "balances[0].available_minor"), ==, 0);
    g_assert_cmpint (pt_int (after, "balances[0].paid_out_minor"), ==, 1800);
  }

  /* The booking request with its Idempotency-Key answers the same, URL
   * included, and books nothing more. */
  {
    g_autofree char *when = pt_instant (WED + 2 * DAY);
    g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", f->offering_id);
    g_autofree char *body = pt_json ("{\"start\":\"%s\"}", when);
    g_autoptr(PtResponse) once = NULL;

    pt_server_set_now (f->server, T0);
    once = pt_request (f->server, "POST", path, f->other, body, "Idempotency-Key", "book-1", NULL);
    pt_assert_status (once, 201);
    replay = pt_request (f->server, "POST", path, f->other, body, "Idempotency-Key", "book-1", NULL);
    pt_assert_status (replay, 201);
    g_assert_cmpstr (pt_str (replay, "id"), ==, pt_str (once, "id"));
    g_assert_cmpstr (pt_str (replay, "checkout_url"), ==, pt_str (once, "checkout_url"));
    g_assert_cmpuint (stripe_standin_n_objects (f->stripe, "checkout.session"), ==, 2);
  }
}

static void
test_checkout_expires (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *session = NULL;
  g_autofree char *id = book_held (f, WED, &session);
  g_autofree char *second_session = NULL;
  g_autofree char *second = NULL;
  g_autofree char *expire_path = NULL;
  g_autoptr(PtResponse) again = NULL;

  /* Abandoned at Stripe: the slot is free again. */
  stripe_standin_expire (f->stripe, session);
  PT_WAIT_UNTIL (booking_has_status (f, id, "expired"), WAIT);
  again = book (f, f->other, WED);
  pt_assert_status (again, 201);
  second = g_strdup (pt_str (again, "id"));
  second_session = stripe_standin_dup_checkout_for (f->stripe, second);

  /* The hold runs out on the server's clock: the next learner gets the
   * slot and the lapsed checkout is closed at Stripe. */
  pt_server_set_now (f->server, T0 + 16 * 60);
  stripe_standin_set_now (f->stripe, T0 + 16 * 60);
  {
    g_autoptr(PtResponse) third = book (f, f->learner, WED);

    pt_assert_status (third, 201);
  }
  g_assert_true (booking_has_status (f, id, "expired"));
  {
    g_autoptr(PtResponse) lapsed = get_booking (f, f->other, second);

    g_assert_cmpstr (pt_str (lapsed, "status"), ==, "expired");
    g_assert_null (pt_str (lapsed, "checkout_url"));
  }
  expire_path = g_strdup_printf ("/v1/checkout/sessions/%s/expire", second_session);
  PT_WAIT_UNTIL (stripe_standin_n_requests (f->stripe, expire_path) == 1, WAIT);

  /* Nothing was paid: nothing in the ledger. */
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM ledger_entries", NULL), ==, 0);
  assert_ledger_balanced (f->db);
}

static void
test_late_payment_refunded (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *session = NULL;
  g_autofree char *id = book_held (f, WED, &session);

  g_autofree char *webhook = g_strconcat (f->server->base_url, "api/v1/payments/stripe/webhook", NULL);

  /* The learner pays at the last moment (Stripe keeps a session open 30
   * minutes at least); its webhooks arrive after the hold lapsed and the
   * slot went to someone else. */
  stripe_standin_set_webhook_url (f->stripe, NULL);
  stripe_standin_pay (f->stripe, session);
  pt_server_set_now (f->server, T0 + 20 * 60);
  {
    g_autoptr(PtResponse) other = book (f, f->other, WED);

    pt_assert_status (other, 201);
  }
  g_assert_true (booking_has_status (f, id, "expired"));
  stripe_standin_set_now (f->stripe, T0 + 20 * 60);
  stripe_standin_set_webhook_url (f->stripe, webhook);

  PT_WAIT_UNTIL (refund_has_status (f, id, "succeeded"), WAIT);
  g_assert_true (booking_has_status (f, id, "expired"));
  g_assert_cmpuint (stripe_standin_n_objects (f->stripe, "refund"), ==, 1);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 0);
  assert_ledger_balanced (f->db);
}

typedef struct
{
  int         day;       /* WED plus this many days */
  gint64      before;    /* cancelled this long before the start */
  gboolean    teacher;   /* the teacher cancels */
  gint64      refund;
} RefundCase;

static void
test_refunds_by_policy (Fixture       *f,
                        gconstpointer  data)
{
  static const RefundCase cases[] = {
    { 0, 30 * HOUR, FALSE, 2000 },
    { 1, 18 * HOUR, FALSE, 1000 },
    { 2, 6 * HOUR, FALSE, 0 },
    { 7, 6 * HOUR, TRUE, 2000 },
  };
  guint refunds = 0;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 start = WED + cases[i].day * DAY;
      g_autofree char *id = NULL;
      g_autofree char *path = NULL;
      g_autoptr(PtResponse) cancel = NULL;

      pt_server_set_now (f->server, T0);
      stripe_standin_set_now (f->stripe, T0);
      id = book_paid (f, start);

      pt_server_set_now (f->server, start - cases[i].before);
      stripe_standin_set_now (f->stripe, start - cases[i].before);
      path = g_strdup_printf ("/api/v1/bookings/%s/cancel", id);
      cancel = pt_request (f->server, "POST", path, cases[i].teacher ? f->teacher : f->learner, NULL, NULL);
      pt_assert_status (cancel, 200);
      g_assert_cmpint (pt_int (cancel, "refund_minor"), ==, cases[i].refund);

      if (cases[i].refund > 0)
        {
          g_autoptr(JsonNode) refund = NULL;
          g_autoptr(GError) error = NULL;
          g_autoptr(ParlaDbRows) rows = NULL;

          refunds++;
          g_assert_cmpstr (pt_str (cancel, "refund_status"), ==, "pending");
          PT_WAIT_UNTIL (refund_has_status (f, id, "succeeded"), WAIT);
          /* Stripe's webhooks may come before its answer is recorded. */
          PT_WAIT_UNTIL (count (f, "SELECT COUNT(*) FROM payment_outbox WHERE booking_id = $1 AND status = 'sent'",
                                id) == 1, WAIT);
          g_assert_cmpuint (stripe_standin_n_objects (f->stripe, "refund"), ==, refunds);

          rows = parla_db_query (f->db, &error, "SELECT result_id FROM payment_outbox WHERE booking_id = $1",
                                 PARLA_DB_TEXT, id, PARLA_DB_END);
          g_assert_true (parla_db_rows_next (rows));
          refund = stripe_standin_dup_object (f->stripe, parla_db_rows_get_text (rows, 0));
          g_assert_cmpint (pt_node_int (refund, "amount"), ==, cases[i].refund);
        }
      else
        {
          g_assert_null (pt_str (cancel, "refund_status"));
        }

      g_assert_cmpuint (stripe_standin_n_requests (f->stripe, "/v1/refunds"), ==, refunds);
      assert_ledger_balanced (f->db);
    }

  /* Kept: the 6 h cancellation's 2000 and the 18 h one's 1000. */
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 3000);
}

/* A group session's seats are paid and refunded one by one. */
static void
test_paid_seats (Fixture       *f,
                 gconstpointer  data)
{
  g_autofree char *start = pt_instant (WED + 2 * HOUR);
  g_autofree char *body = pt_json ("{\"title\":\"Conversation club\",\"description\":\"Talk\",\"type\":\"group\","
                                   "\"language\":\"es\",\"level\":\"B1\",\"start\":\"%s\",\"duration_minutes\":60,"
                                   "\"capacity\":2,\"price_minor\":1500,\"currency\":\"EUR\"}", start);
  g_autofree char *session_id = create (f->server, f->teacher, "/api/v1/sessions", body);
  g_autofree char *book_path = g_strdup_printf ("/api/v1/sessions/%s/book", session_id);
  g_autofree char *session_path = g_strdup_printf ("/api/v1/sessions/%s", session_id);
  g_autoptr(PtResponse) first = pt_request (f->server, "POST", book_path, f->learner, NULL, NULL);
  g_autoptr(PtResponse) second = pt_request (f->server, "POST", book_path, f->other, NULL, NULL);
  g_autofree char *first_checkout = NULL;
  g_autofree char *second_checkout = NULL;
  g_autoptr(PtResponse) listed = NULL;
  g_autoptr(PtResponse) cancel = NULL;

  pt_assert_status (first, 201);
  pt_assert_status (second, 201);
  g_assert_cmpstr (pt_str (first, "status"), ==, "payment_pending");
  listed = pt_request (f->server, "GET", session_path, NULL, NULL, NULL);
  g_assert_cmpint (pt_int (listed, "seats_left"), ==, 0);

  first_checkout = stripe_standin_dup_checkout_for (f->stripe, pt_str (first, "id"));
  second_checkout = stripe_standin_dup_checkout_for (f->stripe, pt_str (second, "id"));
  stripe_standin_pay (f->stripe, first_checkout);
  stripe_standin_pay (f->stripe, second_checkout);
  PT_WAIT_UNTIL (booking_has_status (f, pt_str (first, "id"), "confirmed"), WAIT);
  PT_WAIT_UNTIL (stripe_standin_n_accepted (f->stripe) == 4, WAIT);

  /* The host cancels the session: each seat is refunded in full. */
  cancel = pt_request (f->server, "PUT", session_path, f->teacher, "{\"status\":\"cancelled\"}", NULL);
  pt_assert_status (cancel, 200);
  PT_WAIT_UNTIL (refund_has_status (f, pt_str (first, "id"), "succeeded"), WAIT);
  PT_WAIT_UNTIL (count (f, "SELECT COUNT(*) FROM bookings WHERE refund_status = 'succeeded'", NULL) == 2, WAIT);
  g_assert_cmpuint (stripe_standin_n_objects (f->stripe, "refund"), ==, 2);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 0);
  assert_ledger_balanced (f->db);
}

/* Stripe down: nothing is booked, and no secret leaks anywhere. */
static void
test_stripe_unreachable (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(PtResponse) failed = NULL;
  g_autoptr(PtResponse) again = NULL;
  g_autoptr(PtResponse) account = NULL;

  stripe_standin_free (g_steal_pointer (&f->stripe));
  failed = book (f, f->learner, WED);
  pt_assert_error (failed, 503, "unavailable");
  g_assert_null (strstr (failed->body, SECRET_KEY));

  /* The hold was released. */
  again = book (f, f->other, WED);
  pt_assert_error (again, 503, "unavailable");
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM bookings WHERE status = 'payment_pending'", NULL), ==, 0);
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM bookings WHERE status = 'expired'", NULL), ==, 2);

  account = pt_request (f->server, "GET", "/api/v1/me/payout-account", f->teacher, NULL, NULL);
  pt_assert_status (account, 200);
  g_assert_null (strstr (account->body, SECRET_KEY));
  g_assert_null (strstr (account->body, WEBHOOK_ONE));

  g_assert_true (log_contains ("Cannot create a Checkout Session"));
  g_assert_false (log_contains (SECRET_KEY));
  g_assert_false (log_contains (WEBHOOK_ONE));

  f->stripe = stripe_standin_new (SECRET_KEY, WEBHOOK_ONE);
}

/* Bad input on the new endpoints */
static void
test_bad_input (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtResponse) admin_token = NULL;
  g_autofree char *admin = NULL;
  g_autofree char *fee_path = g_strdup_printf ("/api/v1/teachers/%s/platform-fee", f->teacher_id);
  struct {
    const char *method;
    const char *path;
    gboolean    teacher;
    const char *body;
    guint       status;
    const char *code;
  } cases[] = {
    { "PUT", "/api/v1/me/payout-account", TRUE, "{\"stripe_account_id\":\"bank_123\"}", 400, "invalid_input" },
    { "PUT", "/api/v1/me/payout-account", TRUE, "{\"stripe_account_id\":42}", 400, "invalid_input" },
    { "PUT", "/api/v1/me/payout-account", TRUE, "{\"stripe_account_id\":\"acct_!!\"}", 400, "invalid_input" },
    { "PUT", "/api/v1/me/payout-account", TRUE, "{}", 400, "invalid_input" },
    { "PUT", "/api/v1/me/payout-account", TRUE, "{\"stripe_account_id\":", 400, "invalid_input" },
    { "PUT", "/api/v1/me/payout-account", FALSE, "{\"stripe_account_id\":\"acct_1\"}", 403, "forbidden" },
    { "GET", "/api/v1/me/earnings", FALSE, NULL, 403, "forbidden" },
    { "POST", "/api/v1/me/payouts", FALSE, NULL, 403, "forbidden" },
    { "POST", "/api/v1/me/payouts", TRUE, "{\"amount_minor\":5}", 400, "invalid_input" },
    { "PUT", fee_path, TRUE, "{\"platform_fee_percent\":5}", 403, "forbidden" },
    { "POST", "/api/v1/payments/test-checkout/nothing/complete", FALSE, NULL, 404, "not_found" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = pt_request (f->server, cases[i].method, cases[i].path,
                                                   cases[i].teacher ? f->teacher : f->learner,
                                                   cases[i].body, NULL);

      if (response->status != cases[i].status)
        g_error ("case %u: %s %s: %u %s", i, cases[i].method, cases[i].path, response->status, response->body);
      g_assert_cmpstr (pt_str (response, "error.code"), ==, cases[i].code);
    }

  /* Huge bodies are refused before anything runs. */
  {
    g_autofree char *huge = g_strnfill (2 * 1024 * 1024, 'x');
    g_autoptr(GBytes) body = g_bytes_new (huge, strlen (huge));
    g_autoptr(PtResponse) response = pt_request_raw (f->server, "POST", "/api/v1/payments/stripe/webhook", NULL,
                                                     "application/json", body, NULL);

    pt_assert_status (response, 413);
  }

  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM teacher_profiles WHERE stripe_account_id IS NOT NULL", NULL),
                   ==, 0);
  g_assert_cmpint (n_events (f), ==, 0);
}

/* A teacher's own fee, set by an administrator, goes into new bookings. */
static void
test_teacher_fee (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teachers/%s/platform-fee", f->teacher_id);
  g_autoptr(GError) error = NULL;
  const char *bad[] = { "{\"platform_fee_percent\":101}", "{\"platform_fee_percent\":-1}",
                        "{\"platform_fee_percent\":\"20\"}", "{\"platform_fee_percent\":2.5}", "{}", "[]" };
  g_autoptr(PtResponse) by_learner = NULL;
  g_autoptr(PtResponse) unknown = NULL;
  g_autoptr(PtResponse) set = NULL;
  g_autoptr(PtResponse) account = NULL;
  g_autoptr(PtResponse) booked = NULL;
  g_autoptr(PtResponse) reset = NULL;
  g_autoptr(PtResponse) later = NULL;
  g_autofree char *session = NULL;

  /* The other user becomes an administrator. */
  g_assert_cmpint (parla_db_exec (f->db, &error, "UPDATE users SET role = 'admin' WHERE id = $1",
                                  PARLA_DB_TEXT, f->other_id, PARLA_DB_END), ==, 1);

  by_learner = pt_request (f->server, "PUT", path, f->learner, "{\"platform_fee_percent\":20}", NULL);
  pt_assert_error (by_learner, 403, "forbidden");
  unknown = pt_request (f->server, "PUT", "/api/v1/teachers/nobody/platform-fee", f->other,
                        "{\"platform_fee_percent\":20}", NULL);
  pt_assert_error (unknown, 404, "not_found");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PtResponse) response = pt_request (f->server, "PUT", path, f->other, bad[i], NULL);

      pt_assert_error (response, 400, "invalid_input");
    }
  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM teacher_profiles WHERE platform_fee_bp IS NOT NULL", NULL), ==, 0);

  set = pt_request (f->server, "PUT", path, f->other, "{\"platform_fee_percent\":20}", NULL);
  pt_assert_status (set, 204);
  account = pt_request (f->server, "GET", "/api/v1/me/payout-account", f->teacher, NULL, NULL);
  g_assert_cmpint (pt_int (account, "platform_fee_percent"), ==, 20);

  booked = book (f, f->learner, WED);
  pt_assert_status (booked, 201);
  g_assert_cmpint (pt_int (booked, "fee_minor"), ==, 400);
  g_assert_cmpint (pt_int (booked, "policy.platform_fee_bp"), ==, 2000);
  session = stripe_standin_dup_checkout_for (f->stripe, pt_str (booked, "id"));
  stripe_standin_pay (f->stripe, session);
  PT_WAIT_UNTIL (booking_has_status (f, pt_str (booked, "id"), "confirmed"), WAIT);
  g_assert_cmpint (account_balance (f, "platform_fees"), ==, -400);
  assert_ledger_balanced (f->db);

  reset = pt_request (f->server, "PUT", path, f->other, "{\"platform_fee_percent\":null}", NULL);
  pt_assert_status (reset, 204);
  later = book (f, f->learner, WED + DAY);
  g_assert_cmpint (pt_int (later, "fee_minor"), ==, 200);
}

/* Settings that cannot work stop the server from starting. */
static void
test_config_checked (void)
{
  const char *modes[] = { "bogus", "stripe" };

  for (guint i = 0; i < G_N_ELEMENTS (modes); i++)
    {
      g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
      g_autoptr(ParlaServer) server = NULL;
      g_autoptr(GError) error = NULL;

      g_free (config->db_url);
      config->db_url = g_strdup ("sqlite::memory:");
      config->payments_mode = g_strdup (modes[i]);
      server = parla_server_new (config, &error);
      g_assert_null (server);
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    }

  /* auto: Stripe with a key; without one, the test mode for the demo
   * only. */
  {
    g_autoptr(ParlaServerConfig) config = parla_server_config_new ();

    g_assert_cmpint (parla_payments_get_mode (config), ==, PARLA_PAYMENTS_OFF);
    config->demo = TRUE;
    g_assert_cmpint (parla_payments_get_mode (config), ==, PARLA_PAYMENTS_TEST);
    config->stripe_secret_key = g_strdup (SECRET_KEY);
    g_assert_cmpint (parla_payments_get_mode (config), ==, PARLA_PAYMENTS_STRIPE);
    config->payments_mode = g_strdup ("off");
    g_assert_cmpint (parla_payments_get_mode (config), ==, PARLA_PAYMENTS_OFF);
  }
}

/* Test mode: no Stripe; the server's own, labelled checkout pays through
 * the same webhook path and ledger. */
static void
test_test_mode (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *id = book_held (f, WED, NULL);
  g_autofree char *complete = g_strdup_printf ("/api/v1/payments/test-checkout/%s/complete", id);
  g_autofree char *checkout = g_strdup_printf ("/api/v1/payments/test-checkout/%s", id);
  g_autofree char *cancel_path = g_strdup_printf ("/api/v1/bookings/%s/cancel", id);
  g_autoptr(PtResponse) held = get_booking (f, f->learner, id);
  g_autoptr(PtResponse) page = pt_request (f->server, "GET", checkout, f->learner, NULL, NULL);
  g_autoptr(PtResponse) stranger = pt_request (f->server, "POST", complete, f->other, NULL, NULL);
  g_autoptr(PtResponse) teacher = pt_request (f->server, "POST", complete, f->teacher, NULL, NULL);
  g_autoptr(PtResponse) paid = NULL;
  g_autoptr(PtResponse) twice = NULL;
  g_autoptr(PtResponse) cancel = NULL;

  g_assert_true (g_str_has_suffix (pt_str (held, "checkout_url"), checkout + 1));
  pt_assert_status (page, 200);
  g_assert_true (json_node_get_boolean (pt_json_get (page->json, "test_mode")));
  pt_assert_error (stranger, 404, "not_found");
  pt_assert_error (teacher, 403, "forbidden");

  paid = pt_request (f->server, "POST", complete, f->learner, NULL, NULL);
  pt_assert_status (paid, 200);
  g_assert_cmpstr (pt_str (paid, "booking.status"), ==, "confirmed");
  twice = pt_request (f->server, "POST", complete, f->learner, NULL, NULL);
  pt_assert_error (twice, 409, "invalid_state");
  g_assert_cmpint (n_events (f), ==, 1);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 2000);

  cancel = pt_request (f->server, "POST", cancel_path, f->learner, NULL, NULL);
  pt_assert_status (cancel, 200);
  PT_WAIT_UNTIL (refund_has_status (f, id, "succeeded"), WAIT);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 0);
  g_assert_cmpint (n_events (f), ==, 2);
  assert_ledger_balanced (f->db);

  /* Abandoned test checkout: the slot is free again. */
  {
    g_autoptr(PtResponse) again = book (f, f->learner, WED);
    g_autofree char *abandon = g_strdup_printf ("/api/v1/payments/test-checkout/%s/cancel", pt_str (again, "id"));
    g_autoptr(PtResponse) abandoned = pt_request (f->server, "POST", abandon, f->learner, NULL, NULL);
    g_autoptr(PtResponse) other = book (f, f->other, WED);

    pt_assert_status (abandoned, 200);
    g_assert_cmpstr (pt_str (abandoned, "booking.status"), ==, "expired");
    pt_assert_status (other, 201);
  }
}

/* A crash between the cancellation and the refund call: after the
 * restart the outbox sends it again with the same key, and Stripe makes
 * one refund. */
static void
test_refund_survives_sigkill (void)
{
  g_autoptr(StripeStandin) stripe = stripe_standin_new (SECRET_KEY, WEBHOOK_ONE);
  g_autofree char *base = g_strconcat ("STRIPE_API_BASE=", stripe_standin_get_url (stripe), NULL);
  const char *env[] = { "STRIPE_SECRET_KEY=" SECRET_KEY, "STRIPE_WEBHOOK_SECRET=" WEBHOOK_ONE, base,
                        "PARLA_PAYMENT_SCAN_SECONDS=1", NULL };
  g_autoptr(PtProcess) process = pt_process_start (env);
  PtServer *server = process->remote;
  g_autofree char *teacher_id = NULL;
  g_autofree char *teacher = pt_register (server, "t@example.org", "teacher", &teacher_id);
  g_autofree char *learner = pt_register (server, "l@example.org", "student", NULL);
  g_autofree char *webhook = g_strconcat (process->base_url, "api/v1/payments/stripe/webhook", NULL);
  g_autofree char *offering = NULL;
  g_autofree char *book_path = NULL;
  g_autofree char *when = NULL;
  g_autofree char *id = NULL;
  g_autofree char *session = NULL;
  g_autofree char *get_path = NULL;
  g_autofree char *cancel_path = NULL;
  g_autoptr(PtResponse) hours = NULL;
  g_autoptr(PtResponse) booked = NULL;
  g_autoptr(PtResponse) cancel = NULL;
  g_autoptr(ParlaDb) db = NULL;
  g_autoptr(GError) error = NULL;
  gint64 start = (g_get_real_time () / G_USEC_PER_SEC / HOUR + 3 * 24) * HOUR;

  stripe_standin_set_webhook_url (stripe, webhook);
  hours = pt_request (server, "PUT", "/api/v1/me/availability", teacher,
                      "{\"time_zone\":\"UTC\",\"weekly\":["
                      "{\"weekday\":1,\"start\":\"00:00\",\"end\":\"24:00\"},{\"weekday\":2,\"start\":\"00:00\",\"end\":\"24:00\"},"
                      "{\"weekday\":3,\"start\":\"00:00\",\"end\":\"24:00\"},{\"weekday\":4,\"start\":\"00:00\",\"end\":\"24:00\"},"
                      "{\"weekday\":5,\"start\":\"00:00\",\"end\":\"24:00\"},{\"weekday\":6,\"start\":\"00:00\",\"end\":\"24:00\"},"
                      "{\"weekday\":7,\"start\":\"00:00\",\"end\":\"24:00\"}],"
                      "\"rules\":{\"lead_time_minutes\":60,\"granularity_minutes\":60,\"horizon_days\":30}}", NULL);
  pt_assert_status (hours, 200);
  offering = create (server, teacher, "/api/v1/offerings",
                     "{\"title\":\"Lesson\",\"topic_type\":\"flexible\",\"session_type\":\"individual\","
                     "\"duration_minutes\":60,\"price_minor\":2500,\"currency\":\"EUR\"}");

  book_path = g_strdup_printf ("/api/v1/offerings/%s/book", offering);
  when = pt_instant (start);
  {
    g_autofree char *body = pt_json ("{\"start\":\"%s\"}", when);

    booked = pt_request (server, "POST", book_path, learner, body, NULL);
  }
  pt_assert_status (booked, 201);
  id = g_strdup (pt_str (booked, "id"));
  session = stripe_standin_dup_checkout_for (stripe, id);
  g_assert_nonnull (session);
  stripe_standin_pay (stripe, session);

  get_path = g_strdup_printf ("/api/v1/bookings/%s", id);
  for (;;)
    {
      g_autoptr(PtResponse) now = pt_request (server, "GET", get_path, learner, NULL, NULL);

      if (g_str_equal (pt_str (now, "status"), "confirmed"))
        break;
      g_usleep (20 * 1000);
    }

  /* Stripe makes the refund, and the answer never reaches the server. */
  stripe_standin_hold (stripe, "/v1/refunds");
  cancel_path = g_strdup_printf ("/api/v1/bookings/%s/cancel", id);
  cancel = pt_request (server, "POST", cancel_path, learner, NULL, NULL);
  pt_assert_status (cancel, 200);
  g_assert_cmpint (pt_int (cancel, "refund_minor"), ==, 2500);
  while (stripe_standin_n_held (stripe) == 0)
    g_usleep (10 * 1000);
  pt_process_kill (process);
  stripe_standin_release (stripe);

  /* After the restart the outbox sends it again (the held refund's
   * webhooks may come first: either way the outbox row ends up sent). */
  pt_process_resume (process);
  db = parla_db_open (process->db_url, &error);
  g_assert_no_error (error);
  for (guint i = 0; ; i++)
    {
      g_autoptr(PtResponse) now = pt_request (server, "GET", get_path, learner, NULL, NULL);
      g_autoptr(ParlaDbRows) rows = parla_db_query (db, &error,
                                                    "SELECT status FROM payment_outbox WHERE kind = 'refund'",
                                                    PARLA_DB_END);

      g_assert_no_error (error);
      g_assert_true (parla_db_rows_next (rows));
      if (g_strcmp0 (pt_str (now, "refund_status"), "succeeded") == 0 &&
          g_strcmp0 (parla_db_rows_get_text (rows, 0), "sent") == 0)
        break;
      g_assert_cmpuint (i, <, 1000);
      g_usleep (20 * 1000);
    }

  g_assert_cmpuint (stripe_standin_n_requests (stripe, "/v1/refunds"), ==, 2);
  g_assert_cmpuint (stripe_standin_n_objects (stripe, "refund"), ==, 1);
  assert_ledger_balanced (db);
  {
    g_autoptr(ParlaDbRows) rows = parla_db_query (db, &error,
                                                  "SELECT COUNT(*), SUM(amount_minor) FROM ledger_entries "
                                                  "WHERE kind = 'refund' AND account = 'stripe_clearing'",
                                                  PARLA_DB_END);
    g_assert_no_error (error);
    g_assert_true (parla_db_rows_next (rows));
    g_assert_cmpint (parla_db_rows_get_int (rows, 0), ==, 1);
    g_assert_cmpint (parla_db_rows_get_int (rows, 1), ==, -2500);
  }
}

/* Minute package purchases */

#define PACKAGE_ID "pkg_sixty"

/* A 60-minute package for 1500 EUR, valid 30 days, and a retired one. */
static void
add_packages (Fixture *f)
{
  g_autoptr(GError) error = NULL;

  parla_db_exec (f->db, &error,
                 "INSERT INTO minute_packages (id, name, minutes, price_minor, currency, validity_days, active, "
                 "created_at, updated_at) VALUES ('" PACKAGE_ID "', '60 minutes', 60, 1500, 'EUR', 30, 1, $1, $1), "
                 "('pkg_retired', 'Old', 30, 900, 'EUR', 30, 0, $1, $1)",
                 PARLA_DB_INT, (gint64) T0,
                 PARLA_DB_END);
  g_assert_no_error (error);
}

static PtResponse *
buy (Fixture    *f,
     const char *token,
     const char *package_id,
     const char *body)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/minute-packages/%s/purchase", package_id);

  return pt_request (f->server, "POST", path, token, body, NULL);
}

/* Buys the 60-minute package as the learner: the purchase's id. */
static char *
buy_held (Fixture *f)
{
  g_autoptr(PtResponse) response = buy (f, f->learner, PACKAGE_ID, NULL);
  g_autofree char *hold = pt_instant (T0 + 15 * 60);

  pt_assert_status (response, 201);
  g_assert_cmpstr (pt_str (response, "status"), ==, "payment_pending");
  g_assert_cmpstr (pt_str (response, "hold_expires_at"), ==, hold);
  g_assert_cmpstr (pt_str (response, "package.id"), ==, PACKAGE_ID);
  g_assert_cmpint (pt_int (response, "package.minutes"), ==, 60);
  g_assert_cmpint (pt_int (response, "price_minor"), ==, 1500);
  g_assert_nonnull (pt_str (response, "checkout_url"));

  return g_strdup (pt_str (response, "purchase_id"));
}

static char *
purchase_status (Fixture    *f,
                 const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (f->db, &error, "SELECT status FROM minute_purchases WHERE id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  return parla_db_rows_dup_text (rows, 0);
}

static gboolean
purchase_has_status (Fixture    *f,
                     const char *id,
                     const char *status)
{
  g_autofree char *now = purchase_status (f, id);

  return g_str_equal (now, status);
}

/* The Checkout Session id the server stored for a purchase, once it has. */
static char *
purchase_checkout (Fixture    *f,
                   const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (f->db, &error, "SELECT checkout_session_id FROM minute_purchases WHERE id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  return parla_db_rows_dup_text (rows, 0);
}

static gint64
balance_minutes (Fixture    *f,
                 const char *token)
{
  g_autoptr(PtResponse) response = pt_request (f->server, "GET", "/api/v1/me/balance", token, NULL, NULL);

  pt_assert_status (response, 200);
  return pt_int (response, "minutes");
}

static gint64
n_credits (Fixture    *f,
           const char *purchase_id)
{
  return count (f, "SELECT COUNT(*) FROM minute_ledger WHERE payment_ref = $1", purchase_id);
}

static char *
purchase_event (const char *event_id,
                const char *type,
                const char *session,
                const char *purchase,
                gint64      amount)
{
  return g_strdup_printf ("{\"id\":\"%s\",\"object\":\"event\",\"type\":\"%s\",\"data\":{\"object\":"
                          "{\"id\":\"%s\",\"object\":\"checkout.session\",\"payment_status\":\"%s\","
                          "\"payment_intent\":\"pi_%s\",\"amount_total\":%" G_GINT64_FORMAT ",\"currency\":\"eur\","
                          "\"metadata\":{\"purchase_id\":\"%s\"}}}}",
                          event_id, type, session,
                          g_str_equal (type, "checkout.session.completed") ? "paid" : "unpaid",
                          purchase, amount, purchase);
}

/* Bad input, the wrong user, the wrong role: a clear error and nothing
 * bought. */
static void
test_purchase_bad_input (Fixture       *f,
                         gconstpointer  data)
{
  struct {
    const char *package;
    gboolean    teacher;
    const char *body;
    guint       status;
    const char *code;
  } cases[] = {
    { "nothing", FALSE, NULL, 404, "not_found" },
    { "pkg_retired", FALSE, NULL, 409, "invalid_state" },
    { PACKAGE_ID, FALSE, "{\"minutes\":600}", 400, "invalid_input" },
    { PACKAGE_ID, FALSE, "{\"minutes\":", 400, "invalid_input" },
    { PACKAGE_ID, FALSE, "[1,2]", 400, "invalid_input" },
    { PACKAGE_ID, FALSE, "\"x\"", 400, "invalid_input" },
    { PACKAGE_ID, TRUE, NULL, 403, "forbidden" },
  };

  add_packages (f);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = buy (f, cases[i].teacher ? f->teacher : f->learner, cases[i].package,
                                            cases[i].body);

      if (response->status != cases[i].status)
        g_error ("case %u: %s: %u %s", i, cases[i].package, response->status, response->body);
      g_assert_cmpstr (pt_str (response, "error.code"), ==, cases[i].code);
    }

  {
    g_autoptr(PtResponse) anonymous = buy (f, NULL, PACKAGE_ID, NULL);
    g_autofree char *huge = g_strnfill (2 * 1024 * 1024, 'x');
    g_autoptr(GBytes) body = g_bytes_new (huge, strlen (huge));
    g_autoptr(PtResponse) big = pt_request_raw (f->server, "POST", "/api/v1/minute-packages/" PACKAGE_ID "/purchase",
                                                f->learner, "application/json", body, NULL);

    pt_assert_status (anonymous, 401);
    pt_assert_status (big, 413);
  }

  g_assert_cmpint (count (f, "SELECT COUNT(*) FROM minute_purchases", NULL), ==, 0);
  g_assert_cmpint (stripe_standin_n_objects (f->stripe, "checkout.session"), ==, 0);
}

/* Stripe's webhook credits the minutes once, however often and in
 * whatever order the events come; unsigned or wrongly signed events and
 * other learners change nothing. */
static void
test_purchase_webhook_once (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *session = NULL;
  g_autofree char *completed = NULL;
  g_autofree char *intent = NULL;
  g_autofree char *expired = NULL;
  g_autoptr(PtWs) ws = NULL;
  g_autoptr(PtWs) other_ws = NULL;
  JsonNode *message;

  add_packages (f);
  ws = pt_ws_connect (f->server, f->learner);
  other_ws = pt_ws_connect (f->server, f->other);
  id = buy_held (f);
  PT_WAIT_UNTIL ((session = purchase_checkout (f, id)) != NULL, WAIT);
  {
    g_autoptr(JsonNode) object = stripe_standin_dup_object (f->stripe, session);

    g_assert_cmpstr (pt_node_str (object, "metadata.purchase_id"), ==, id);
    g_assert_cmpint (pt_node_int (object, "amount_total"), ==, 1500);
  }

  completed = purchase_event ("evt_p_1", "checkout.session.completed", session, id, 1500);
  intent = g_strdup_printf ("{\"id\":\"evt_p_2\",\"object\":\"event\",\"type\":\"payment_intent.succeeded\","
                            "\"data\":{\"object\":{\"id\":\"pi_%s\",\"object\":\"payment_intent\","
                            "\"amount_received\":1500,\"currency\":\"eur\",\"status\":\"succeeded\","
                            "\"metadata\":{\"purchase_id\":\"%s\"}}}}", id, id);
  expired = purchase_event ("evt_p_3", "checkout.session.expired", session, id, 0);

  /* Unsigned, wrongly signed, tampered: 400 and no effect. */
  {
    g_autoptr(PtResponse) unsigned_event = send_event (f, NULL, T0, completed, NULL);
    g_autoptr(PtResponse) wrong = send_event (f, "whsec_wrong", T0, completed, NULL);
    g_autofree char *signature = stripe_standin_sign (WEBHOOK_ONE, T0, completed);
    g_autofree char *tampered = g_strdup (completed);
    g_autoptr(PtResponse) tamper = NULL;

    *strstr (tampered, "1500") = '9';
    tamper = send_event (f, NULL, T0, tampered, signature);
    pt_assert_error (unsigned_event, 400, "invalid_input");
    pt_assert_error (wrong, 400, "invalid_input");
    pt_assert_error (tamper, 400, "invalid_input");
    g_assert_cmpint (n_events (f), ==, 0);
    g_assert_cmpint (n_credits (f, id), ==, 0);
  }

  /* The payment, twice, then its intent, then a late expiry. */
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(PtResponse) response = send_event (f, i == 0 ? WEBHOOK_ONE : WEBHOOK_TWO, T0 + 5, completed, NULL);

      pt_assert_status (response, 200);
      g_assert_true (json_node_get_boolean (pt_json_get (response->json, "duplicate")) == (i == 1));
    }
  {
    g_autoptr(PtResponse) second = send_event (f, WEBHOOK_ONE, T0 + 6, intent, NULL);
    g_autoptr(PtResponse) late = send_event (f, WEBHOOK_ONE, T0 + 7, expired, NULL);

    pt_assert_status (second, 200);
    pt_assert_status (late, 200);
  }

  g_assert_true (purchase_has_status (f, id, "paid"));
  g_assert_cmpint (n_credits (f, id), ==, 1);
  g_assert_cmpint (balance_minutes (f, f->learner), ==, 60);
  g_assert_cmpint (balance_minutes (f, f->other), ==, 0);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 1500);
  g_assert_cmpint (account_balance (f, "minute_sales"), ==, -1500);
  assert_ledger_balanced (f->db);

  /* The learner hears of it once, with the new balance; nobody else. */
  message = pt_ws_wait (ws, "minutes.purchased", WAIT);
  g_assert_cmpstr (pt_node_str (message, "purchase.purchase_id"), ==, id);
  g_assert_cmpstr (pt_node_str (message, "purchase.status"), ==, "paid");
  g_assert_cmpint (pt_node_int (message, "balance.minutes"), ==, 60);
  json_node_unref (message);
  pt_ws_spin (300);
  g_assert_cmpint (pt_ws_count (ws, "minutes.purchased"), ==, 0);
  g_assert_cmpint (pt_ws_count (other_ws, "minutes.purchased"), ==, 0);
}

/* Paid at the stand-in for Stripe, end to end; an abandoned checkout and
 * a lapsed hold expire the purchase and buy nothing. */
static void
test_purchase_checkout (Fixture       *f,
                        gconstpointer  data)
{
  g_autofree char *paid = NULL;
  g_autofree char *paid_session = NULL;
  g_autofree char *abandoned = NULL;
  g_autofree char *abandoned_session = NULL;
  g_autofree char *lapsed = NULL;
  g_autofree char *lapsed_session = NULL;
  g_autofree char *expire_path = NULL;
  g_autoptr(PtWs) ws = NULL;
  JsonNode *message;

  add_packages (f);
  ws = pt_ws_connect (f->server, f->learner);

  paid = buy_held (f);
  PT_WAIT_UNTIL ((paid_session = purchase_checkout (f, paid)) != NULL, WAIT);
  stripe_standin_pay (f->stripe, paid_session);
  PT_WAIT_UNTIL (purchase_has_status (f, paid, "paid"), WAIT);
  message = pt_ws_wait (ws, "minutes.purchased", WAIT);
  g_assert_cmpint (pt_node_int (message, "balance.minutes"), ==, 60);
  json_node_unref (message);
  g_assert_cmpint (n_credits (f, paid), ==, 1);

  abandoned = buy_held (f);
  PT_WAIT_UNTIL ((abandoned_session = purchase_checkout (f, abandoned)) != NULL, WAIT);
  stripe_standin_expire (f->stripe, abandoned_session);
  PT_WAIT_UNTIL (purchase_has_status (f, abandoned, "expired"), WAIT);
  message = pt_ws_wait_for (ws, "minutes.purchase_expired", "purchase.purchase_id", abandoned, WAIT);
  json_node_unref (message);

  /* The hold runs out on the server's clock: the next purchase releases
   * it and the lapsed checkout is closed at Stripe. */
  lapsed = buy_held (f);
  PT_WAIT_UNTIL ((lapsed_session = purchase_checkout (f, lapsed)) != NULL, WAIT);
  pt_server_set_now (f->server, T0 + 16 * 60);
  stripe_standin_set_now (f->stripe, T0 + 16 * 60);
  {
    g_autoptr(PtResponse) next = buy (f, f->learner, PACKAGE_ID, NULL);

    pt_assert_status (next, 201);
  }
  g_assert_true (purchase_has_status (f, lapsed, "expired"));
  expire_path = g_strdup_printf ("/v1/checkout/sessions/%s/expire", lapsed_session);
  PT_WAIT_UNTIL (stripe_standin_n_requests (f->stripe, expire_path) == 1, WAIT);

  g_assert_cmpint (n_credits (f, abandoned), ==, 0);
  g_assert_cmpint (n_credits (f, lapsed), ==, 0);
  g_assert_cmpint (balance_minutes (f, f->learner), ==, 60);
  g_assert_cmpint (account_balance (f, "stripe_clearing"), ==, 1500);
  assert_ledger_balanced (f->db);
}

/* The server's own test checkout: the same webhook path, once. */
static void
test_purchase_test_mode (Fixture       *f,
                         gconstpointer  data)
{
  g_autofree char *id = NULL;
  g_autofree char *complete = NULL;
  g_autofree char *cancel = NULL;
  g_autoptr(PtResponse) page = NULL;
  g_autoptr(PtResponse) paid = NULL;
  g_autoptr(PtResponse) twice = NULL;

  add_packages (f);
  id = buy_held (f);
  complete = g_strdup_printf ("/api/v1/payments/test-checkout/%s/complete", id);

  {
    g_autoptr(PtResponse) stranger = pt_request (f->server, "POST", complete, f->other, NULL, NULL);
    g_autofree char *path = g_strdup_printf ("/api/v1/payments/test-checkout/%s", id);

    pt_assert_error (stranger, 404, "not_found");
    page = pt_request (f->server, "GET", path, f->learner, NULL, NULL);
    pt_assert_status (page, 200);
    g_assert_true (json_node_get_boolean (pt_json_get (page->json, "test_mode")));
    g_assert_cmpstr (pt_str (page, "purchase.status"), ==, "payment_pending");
  }
  g_assert_cmpint (balance_minutes (f, f->learner), ==, 0);

  paid = pt_request (f->server, "POST", complete, f->learner, NULL, NULL);
  pt_assert_status (paid, 200);
  g_assert_cmpstr (pt_str (paid, "purchase.status"), ==, "paid");
  twice = pt_request (f->server, "POST", complete, f->learner, NULL, NULL);
  pt_assert_error (twice, 409, "invalid_state");
  g_assert_cmpint (balance_minutes (f, f->learner), ==, 60);
  g_assert_cmpint (n_credits (f, id), ==, 1);
  g_assert_cmpint (n_events (f), ==, 1);
  assert_ledger_balanced (f->db);

  /* Abandoned: expired, nothing credited. */
  g_free (id);
  id = buy_held (f);
  cancel = g_strdup_printf ("/api/v1/payments/test-checkout/%s/cancel", id);
  {
    g_autoptr(PtResponse) abandoned = pt_request (f->server, "POST", cancel, f->learner, NULL, NULL);

    pt_assert_status (abandoned, 200);
    g_assert_cmpstr (pt_str (abandoned, "purchase.status"), ==, "expired");
  }
  g_assert_cmpint (balance_minutes (f, f->learner), ==, 60);
  g_assert_cmpint (n_credits (f, id), ==, 0);
}

int
main (int   argc,
      char *argv[])
{
  log_text = g_string_new (NULL);
  g_log_set_writer_func (capture_log_cb, NULL, NULL);
  g_test_init (&argc, &argv, NULL);

#define ADD(path, mode, func) \
  g_test_add (path, Fixture, GINT_TO_POINTER (mode), fixture_set_up, func, fixture_tear_down)

  ADD ("/server/payments/webhook/signatures", DELIVER_MANUAL, test_webhook_signatures);
  ADD ("/server/payments/webhook/once-in-any-order", DELIVER_MANUAL, test_webhook_once_in_any_order);
  ADD ("/server/payments/pay-for-slot", DELIVER_AUTO, test_pay_for_slot);
  ADD ("/server/payments/checkout-expires", DELIVER_AUTO, test_checkout_expires);
  ADD ("/server/payments/late-payment-refunded", DELIVER_AUTO, test_late_payment_refunded);
  ADD ("/server/payments/refunds-by-policy", DELIVER_AUTO, test_refunds_by_policy);
  ADD ("/server/payments/paid-seats", DELIVER_AUTO, test_paid_seats);
  ADD ("/server/payments/stripe-unreachable", DELIVER_AUTO, test_stripe_unreachable);
  ADD ("/server/payments/bad-input", DELIVER_MANUAL, test_bad_input);
  ADD ("/server/payments/test-mode", TEST_MODE, test_test_mode);
  ADD ("/server/payments/teacher-fee", DELIVER_AUTO, test_teacher_fee);
  ADD ("/server/payments/purchase/bad-input", DELIVER_MANUAL, test_purchase_bad_input);
  ADD ("/server/payments/purchase/webhook-once", DELIVER_MANUAL, test_purchase_webhook_once);
  ADD ("/server/payments/purchase/checkout", DELIVER_AUTO, test_purchase_checkout);
  ADD ("/server/payments/purchase/test-mode", TEST_MODE, test_purchase_test_mode);
  g_test_add_func ("/server/payments/config-checked", test_config_checked);
  g_test_add_func ("/server/payments/refund-survives-sigkill", test_refund_survives_sigkill);

  return g_test_run ();
}
