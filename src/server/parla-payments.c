/* parla-payments.c: paid bookings, Stripe's webhooks, the outbox of calls
 * to Stripe, the ledger and teachers' earnings
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A paid slot or seat is booked payment_pending and held until
 * hold_expires_at; the learner pays in a Stripe Checkout Session, and only
 * Stripe's signed webhook confirms the booking. Each event is handled once:
 * its id goes into stripe_events in the transaction of its effect.
 *
 * Calls to Stripe that follow a decision (a refund, closing a checkout, a
 * payout) are rows of payment_outbox written in the deciding transaction;
 * the outbox is drained after the commit, on a timer and on start, each
 * call with the row's id as Idempotency-Key, so that a crash between
 * deciding and calling neither loses nor doubles one.
 *
 * Money moves in ledger_entries, append-only, double entry, in minor units:
 *
 *   payment  stripe_clearing +A, learner_payments -A,
 *            learner_payments +A, platform_fees -F, teacher_payable:T -(A-F)
 *   refund   refunds +R, stripe_clearing -R,
 *            refunds -R, platform_fees +Fr, teacher_payable:T +(R-Fr)
 *   payout   teacher_payable:T +P, stripe_clearing -P
 *
 * (Fr is the fee's share of the refund.) Without STRIPE_SECRET_KEY the
 * server runs a test mode: checkouts are completed by the server itself,
 * through events signed with a key of this process, on the same path.
 */

#include "config.h"

#include "parla-payments.h"

#include <sodium.h>
#include <string.h>

#include "parla-hub.h"
#include "parla-minutes.h"
#include "parla-stripe.h"

#define OUTBOX_BATCH 20
#define MAX_BACKOFF_SECONDS 3600
/* Stripe's bounds for a Checkout Session's expires_at */
#define CHECKOUT_MIN_SECONDS (30 * 60)
#define CHECKOUT_MAX_SECONDS (24 * 3600)

struct _ParlaPayments
{
  GObject                  parent_instance;

  ParlaServer             *server;        /* unowned: it owns us */
  const ParlaServerConfig *config;        /* the server's */
  ParlaStripe             *stripe;        /* NULL in test mode */
  char                    *local_secret;  /* signs test mode's own events */
  GCancellable            *cancellable;
  GMainContext            *context;
  GSource                 *timer;

  gboolean                 scanning;
  gboolean                 scan_again;
};

G_DEFINE_FINAL_TYPE (ParlaPayments, parla_payments, G_TYPE_OBJECT)

/* A booking's payment state, as the webhooks and the outbox need it */
typedef struct
{
  char   *id;
  char   *kind;
  char   *session_id;
  char   *teacher_id;
  char   *status;
  char   *status_after_payment;
  char   *checkout_session_id;
  char   *payment_intent_id;
  char   *currency;
  char   *refund_status;
  gint64  price;
  gint64  fee;
  gint64  paid;
  gint64  refund;            /* -1: none decided */
} PayRow;

static void
pay_row_free (PayRow *row)
{
  g_free (row->id);
  g_free (row->kind);
  g_free (row->session_id);
  g_free (row->teacher_id);
  g_free (row->status);
  g_free (row->status_after_payment);
  g_free (row->checkout_session_id);
  g_free (row->payment_intent_id);
  g_free (row->currency);
  g_free (row->refund_status);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PayRow, pay_row_free)

static gboolean release_expired_purchases (ParlaRequest  *req,
                                           GError       **error);

static gboolean
has_key (const ParlaServerConfig *config)
{
  return config->stripe_secret_key != NULL && config->stripe_secret_key[0] != '\0';
}

/**
 * parla_payments_check_config:
 *
 * Returns: %FALSE with an error naming the problem when the payment
 *   settings cannot work
 */
gboolean
parla_payments_check_config (const ParlaServerConfig  *config,
                             GError                  **error)
{
  const char *mode = config->payments_mode;

  if (mode != NULL && !g_str_equal (mode, "auto") && !g_str_equal (mode, "stripe") &&
      !g_str_equal (mode, "test") && !g_str_equal (mode, "off"))
    {
      g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                   "PARLA_PAYMENTS: “%s” must be auto, stripe, test or off", mode);
      return FALSE;
    }

  if (g_strcmp0 (mode, "stripe") == 0 && !has_key (config))
    {
      g_set_error_literal (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                           "PARLA_PAYMENTS=stripe needs STRIPE_SECRET_KEY");
      return FALSE;
    }

  return TRUE;
}

ParlaPaymentsMode
parla_payments_get_mode (const ParlaServerConfig *config)
{
  const char *mode = config->payments_mode;

  if (g_strcmp0 (mode, "off") == 0)
    return PARLA_PAYMENTS_OFF;
  if (g_strcmp0 (mode, "test") == 0)
    return PARLA_PAYMENTS_TEST;
  if (g_strcmp0 (mode, "stripe") == 0 || has_key (config))
    return PARLA_PAYMENTS_STRIPE;

  return config->demo ? PARLA_PAYMENTS_TEST : PARLA_PAYMENTS_OFF;
}

gboolean
parla_payments_is_test_mode (const ParlaServerConfig *config)
{
  return parla_payments_get_mode (config) == PARLA_PAYMENTS_TEST;
}

gboolean
parla_payments_enabled (const ParlaServerConfig *config)
{
  return parla_payments_get_mode (config) != PARLA_PAYMENTS_OFF;
}

static ParlaPayments *
payments_of (ParlaRequest *req)
{
  return _parla_server_get_payments (req->server);
}

/* Loads by booking id, checkout session id or payment intent id, whichever
 * is given first. Returns NULL without error when nothing matches. */
static PayRow *
pay_row_load (ParlaRequest  *req,
              const char    *booking_id,
              const char    *checkout_session_id,
              const char    *payment_intent_id,
              GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  PayRow *row;
  const char *column;
  const char *value;

  if (booking_id != NULL)
    {
      column = "id";
      value = booking_id;
    }
  else if (checkout_session_id != NULL)
    {
      column = "checkout_session_id";
      value = checkout_session_id;
    }
  else if (payment_intent_id != NULL)
    {
      column = "payment_intent_id";
      value = payment_intent_id;
    }
  else
    {
      return NULL;
    }

  {
    g_autofree char *sql = g_strdup_printf (
      "SELECT id, kind, session_id, teacher_id, status, status_after_payment, checkout_session_id, "
      "payment_intent_id, currency, refund_status, price_minor, fee_minor, paid_minor, "
      "COALESCE(refund_minor, -1) FROM bookings WHERE %s = $1", column);

    rows = parla_db_query (req->db, error, sql, PARLA_DB_TEXT, value, PARLA_DB_END);
  }
  if (rows == NULL || !parla_db_rows_next (rows))
    return NULL;

  row = g_new0 (PayRow, 1);
  row->id = parla_db_rows_dup_text (rows, 0);
  row->kind = parla_db_rows_dup_text (rows, 1);
  row->session_id = parla_db_rows_dup_text (rows, 2);
  row->teacher_id = parla_db_rows_dup_text (rows, 3);
  row->status = parla_db_rows_dup_text (rows, 4);
  row->status_after_payment = parla_db_rows_dup_text (rows, 5);
  row->checkout_session_id = parla_db_rows_dup_text (rows, 6);
  row->payment_intent_id = parla_db_rows_dup_text (rows, 7);
  row->currency = parla_db_rows_dup_text (rows, 8);
  row->refund_status = parla_db_rows_dup_text (rows, 9);
  row->price = parla_db_rows_get_int (rows, 10);
  row->fee = parla_db_rows_get_int (rows, 11);
  row->paid = parla_db_rows_get_int (rows, 12);
  row->refund = parla_db_rows_get_int (rows, 13);

  return row;
}

/* The ledger */

static gboolean
post_txn (ParlaRequest        *req,
          const char          *kind,
          const char          *txn_id,
          const char          *booking_id,
          const char          *currency,
          guint                n,
          const char * const  *accounts,
          const gint64        *amounts,
          GError             **error)
{
  gint64 sum = 0;

  for (guint i = 0; i < n; i++)
    sum += amounts[i];
  g_return_val_if_fail (sum == 0, FALSE);

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *id = parla_db_new_id ();

      if (parla_db_exec (req->db, error,
                         "INSERT INTO ledger_entries (id, txn_id, kind, account, amount_minor, currency, "
                         "booking_id, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_TEXT, txn_id,
                         PARLA_DB_TEXT, kind,
                         PARLA_DB_TEXT, accounts[i],
                         PARLA_DB_INT, amounts[i],
                         PARLA_DB_TEXT, currency,
                         PARLA_DB_TEXT, booking_id,
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END) < 0)
        return FALSE;
    }

  return TRUE;
}

static gboolean
ledger_payment (ParlaRequest  *req,
                PayRow        *row,
                gint64         amount,
                GError       **error)
{
  g_autofree char *txn = g_strconcat ("payment:", row->id, NULL);
  g_autofree char *payable = g_strconcat ("teacher_payable:", row->teacher_id, NULL);
  gint64 fee = CLAMP (row->fee, 0, amount);
  const char *accounts[] = { "stripe_clearing", "learner_payments", "learner_payments", "platform_fees", payable };
  gint64 amounts[] = { amount, -amount, amount, -fee, -(amount - fee) };

  return post_txn (req, "payment", txn, row->id, row->currency, G_N_ELEMENTS (amounts),
                   accounts, amounts, error);
}

static gboolean
ledger_refund (ParlaRequest  *req,
               PayRow        *row,
               gint64         refund,
               GError       **error)
{
  g_autofree char *txn = g_strconcat ("refund:", row->id, NULL);
  g_autofree char *payable = g_strconcat ("teacher_payable:", row->teacher_id, NULL);
  gint64 fee_share = row->paid > 0 ? CLAMP (row->fee, 0, row->paid) * refund / row->paid : 0;
  const char *accounts[] = { "refunds", "stripe_clearing", "refunds", "platform_fees", payable };
  gint64 amounts[] = { refund, -refund, -refund, fee_share, refund - fee_share };

  return post_txn (req, "refund", txn, row->id, row->currency, G_N_ELEMENTS (amounts),
                   accounts, amounts, error);
}

static gboolean
ledger_payout (ParlaRequest  *req,
               const char    *outbox_id,
               const char    *teacher_id,
               gint64         amount,
               const char    *currency,
               GError       **error)
{
  g_autofree char *txn = g_strconcat ("payout:", outbox_id, NULL);
  g_autofree char *payable = g_strconcat ("teacher_payable:", teacher_id, NULL);
  const char *accounts[] = { payable, "stripe_clearing" };
  gint64 amounts[] = { amount, -amount };

  return post_txn (req, "payout", txn, NULL, currency, G_N_ELEMENTS (amounts), accounts, amounts, error);
}

/* The outbox */

static void
kick_after_commit (ParlaRequest *req,
                   GSourceFunc   resume,
                   gpointer      resume_data)
{
  ParlaPayments *self = payments_of (req);

  if (self != NULL)
    parla_payments_kick (self);
  resume (resume_data);
}

static gboolean
enqueue (ParlaRequest  *req,
         const char    *kind,
         const char    *booking_id,
         const char    *teacher_id,
         const char    *target,
         gint64         amount,
         const char    *currency,
         GError       **error)
{
  g_autofree char *id = parla_db_new_id ();

  if (parla_db_exec (req->db, error,
                     "INSERT INTO payment_outbox (id, kind, booking_id, teacher_id, target, amount_minor, "
                     "currency, status, next_attempt_at, created_at, updated_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8, $8, $8)",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, kind,
                     PARLA_DB_TEXT, booking_id,
                     PARLA_DB_TEXT, teacher_id,
                     PARLA_DB_TEXT, target,
                     PARLA_DB_INT, amount,
                     PARLA_DB_TEXT, currency,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;

  /* A request that set nothing else drains the outbox once committed. */
  if (req->after_commit == NULL)
    req->after_commit = kick_after_commit;

  return TRUE;
}

/**
 * parla_payments_refund:
 * @amount: minor units; nothing happens for 0
 *
 * Decides a refund of a paid booking: the outbox calls Stripe after the
 * commit. A booking is refunded once.
 */
gboolean
parla_payments_refund (ParlaRequest  *req,
                       const char    *booking_id,
                       gint64         amount,
                       GError       **error)
{
  g_autoptr(PayRow) row = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) local_error = NULL;

  if (amount <= 0)
    return TRUE;

  row = pay_row_load (req, booking_id, NULL, NULL, &local_error);
  if (row == NULL)
    {
      if (local_error == NULL)
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such booking");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (row->paid <= 0)
    return TRUE;

  rows = parla_db_query (req->db, error,
                         "SELECT id FROM payment_outbox WHERE booking_id = $1 AND kind = 'refund'",
                         PARLA_DB_TEXT, booking_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (parla_db_rows_next (rows))
    return TRUE;

  if (row->payment_intent_id == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INTERNAL, NULL, "The payment of this booking is unknown");
      return FALSE;
    }

  if (parla_db_exec (req->db, error,
                     "UPDATE bookings SET refund_minor = $2, refund_status = 'pending', updated_at = $3 WHERE id = $1",
                     PARLA_DB_TEXT, booking_id,
                     PARLA_DB_INT, MIN (amount, row->paid),
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;

  return enqueue (req, "refund", booking_id, row->teacher_id, row->payment_intent_id,
                  MIN (amount, row->paid), row->currency, error);
}

/* Booking transitions */

static gboolean
push_booking_event (ParlaRequest  *req,
                    const char    *type,
                    const char    *booking_id,
                    GError       **error)
{
  g_autoptr(ParlaBooking) booking = parla_booking_load_any (req, booking_id, error);

  if (booking == NULL)
    return FALSE;

  parla_events_booking (req, type, booking);
  return TRUE;
}

/* Releases an unpaid hold: the booking expires and its slot or seat is
 * free again. @close_checkout: also expire the Checkout Session at Stripe
 * (not when Stripe told us it expired). */
static gboolean
expire_booking (ParlaRequest  *req,
                const char    *booking_id,
                gboolean       close_checkout,
                GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *kind = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *checkout = NULL;
  g_autofree char *currency = NULL;

  rows = parla_db_query (req->db, error,
                         "UPDATE bookings SET status = 'expired', hold_expires_at = NULL, checkout_url = NULL, "
                         "updated_at = $2 WHERE id = $1 AND status = 'payment_pending' "
                         "RETURNING kind, session_id, checkout_session_id, currency",
                         PARLA_DB_TEXT, booking_id,
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (!parla_db_rows_next (rows))
    return parla_db_rows_get_error (rows, error);

  kind = parla_db_rows_dup_text (rows, 0);
  session_id = parla_db_rows_dup_text (rows, 1);
  checkout = parla_db_rows_dup_text (rows, 2);
  currency = parla_db_rows_dup_text (rows, 3);
  g_clear_pointer (&rows, parla_db_rows_free);

  if (g_strcmp0 (kind, "session") == 0 &&
      parla_db_exec (req->db, error,
                     "UPDATE sessions SET seats_taken = seats_taken - 1, updated_at = $2 "
                     "WHERE id = $1 AND seats_taken > 0",
                     PARLA_DB_TEXT, session_id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;

  if (!parla_booking_record_change (req, booking_id, "expired", "expired", 0, 0, 0, 0, error))
    return FALSE;

  if (close_checkout && checkout != NULL && !parla_payments_is_test_mode (req->config) &&
      !enqueue (req, "expire_checkout", booking_id, NULL, checkout, 0, currency, error))
    return FALSE;

  if (!push_booking_event (req, "booking.expired", booking_id, error))
    return FALSE;

  return g_strcmp0 (kind, "session") != 0 || parla_events_seats (req, session_id, error);
}

/**
 * parla_payments_release_expired:
 *
 * Releases every hold whose time ran out on the server's clock. The
 * booking paths call it before they look for a free slot or seat, and
 * the timer calls it for the rest.
 */
gboolean
parla_payments_release_expired (ParlaRequest  *req,
                                GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  rows = parla_db_query (req->db, error,
                         "SELECT id FROM bookings WHERE status = 'payment_pending' AND hold_expires_at <= $1",
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  while (parla_db_rows_next (rows))
    g_ptr_array_add (ids, parla_db_rows_dup_text (rows, 0));
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  for (guint i = 0; i < ids->len; i++)
    if (!expire_booking (req, g_ptr_array_index (ids, i), TRUE, error))
      return FALSE;

  return release_expired_purchases (req, error);
}

/* Records a payment once, whichever event reports it first. A hold that
 * was released meanwhile gets its money back in full. */
static gboolean
apply_paid (ParlaRequest  *req,
            PayRow        *row,
            const char    *intent_id,
            gint64         amount,
            const char    *currency,
            GError       **error)
{
  const char *status;

  if (row->paid > 0)
    return TRUE;

  if (amount != row->price || currency == NULL || g_ascii_strcasecmp (currency, row->currency) != 0)
    {
      g_message ("A payment of %" G_GINT64_FORMAT " %s for booking %s does not match its price; ignored",
                 amount, currency ? currency : "(no currency)", row->id);
      return TRUE;
    }

  if (parla_db_exec (req->db, error,
                     "UPDATE bookings SET paid_minor = $2, payment_intent_id = COALESCE($3, payment_intent_id), "
                     "updated_at = $4 WHERE id = $1",
                     PARLA_DB_TEXT, row->id,
                     PARLA_DB_INT, amount,
                     PARLA_DB_TEXT, intent_id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;
  row->paid = amount;
  if (intent_id != NULL && row->payment_intent_id == NULL)
    row->payment_intent_id = g_strdup (intent_id);

  if (!ledger_payment (req, row, amount, error))
    return FALSE;

  if (g_strcmp0 (row->status, "payment_pending") != 0)
    {
      /* Paid after the hold was released: nothing was booked. */
      if (!parla_booking_record_change (req, row->id, "refunded", row->status, 0, 0, 0, 0, error) ||
          !parla_payments_refund (req, row->id, amount, error))
        return FALSE;
      return push_booking_event (req, "booking.refund", row->id, error);
    }

  status = row->status_after_payment != NULL ? row->status_after_payment : "confirmed";
  if (parla_db_exec (req->db, error,
                     "UPDATE bookings SET status = $2, hold_expires_at = NULL, checkout_url = NULL, "
                     "updated_at = $3 WHERE id = $1",
                     PARLA_DB_TEXT, row->id,
                     PARLA_DB_TEXT, status,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;

  if (!parla_booking_record_change (req, row->id, "paid", status, 0, 0, 0, 0, error))
    return FALSE;

  return push_booking_event (req, "booking.confirmed", row->id, error);
}

/* Follows a refund's state at Stripe, whatever order the events come in:
 * pending may become succeeded or failed, never the other way. */
static gboolean
apply_refund_status (ParlaRequest  *req,
                     PayRow        *row,
                     const char    *status,
                     gint64         amount,
                     GError       **error)
{
  const char *now_status;

  if (g_strcmp0 (row->refund_status, "succeeded") == 0 || g_strcmp0 (row->refund_status, "failed") == 0)
    return TRUE;

  if (g_strcmp0 (status, "succeeded") == 0)
    now_status = "succeeded";
  else if (g_strcmp0 (status, "failed") == 0 || g_strcmp0 (status, "canceled") == 0)
    now_status = "failed";
  else
    return TRUE;

  if (amount <= 0)
    amount = row->refund;
  if (amount <= 0)
    return TRUE;

  if (parla_db_exec (req->db, error,
                     "UPDATE bookings SET refund_status = $2, updated_at = $3 WHERE id = $1",
                     PARLA_DB_TEXT, row->id,
                     PARLA_DB_TEXT, now_status,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;

  if (g_str_equal (now_status, "succeeded") &&
      (!ledger_refund (req, row, MIN (amount, row->paid), error) ||
       !parla_booking_record_change (req, row->id, "refunded", row->status, 0, 0, 0, 0, error)))
    return FALSE;

  g_free (row->refund_status);
  row->refund_status = g_strdup (now_status);

  return push_booking_event (req, "booking.refund", row->id, error);
}

/* Minute package purchases
 *
 * A purchase is held payment_pending until hold_expires_at, paid through
 * a Checkout Session with purchase_id in its metadata, and its minutes
 * are credited by the webhook only, once (the purchase id is the minute
 * ledger's payment_ref). Nothing scarce is held, so a payment that comes
 * after the hold lapsed still buys the minutes. The money goes to
 * minute_sales:
 *
 *   purchase  stripe_clearing +A, learner_payments -A,
 *             learner_payments +A, minute_sales -A
 */

typedef struct
{
  char   *id;
  char   *user_id;
  char   *package_id;
  char   *status;
  char   *checkout_session_id;
  char   *currency;
  gint64  price;
  gint64  paid;
} PurchaseRow;

static void
purchase_row_free (PurchaseRow *row)
{
  g_free (row->id);
  g_free (row->user_id);
  g_free (row->package_id);
  g_free (row->status);
  g_free (row->checkout_session_id);
  g_free (row->currency);
  g_free (row);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PurchaseRow, purchase_row_free)

/* Returns NULL without error when there is no such purchase. */
static PurchaseRow *
purchase_row_load (ParlaRequest  *req,
                   const char    *id,
                   GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  PurchaseRow *row;

  rows = parla_db_query (req->db, error,
                         "SELECT id, user_id, package_id, status, checkout_session_id, currency, price_minor, "
                         "paid_minor FROM minute_purchases WHERE id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    return NULL;

  row = g_new0 (PurchaseRow, 1);
  row->id = parla_db_rows_dup_text (rows, 0);
  row->user_id = parla_db_rows_dup_text (rows, 1);
  row->package_id = parla_db_rows_dup_text (rows, 2);
  row->status = parla_db_rows_dup_text (rows, 3);
  row->checkout_session_id = parla_db_rows_dup_text (rows, 4);
  row->currency = parla_db_rows_dup_text (rows, 5);
  row->price = parla_db_rows_get_int (rows, 6);
  row->paid = parla_db_rows_get_int (rows, 7);

  return row;
}

/* {purchase_id, status, checkout_url, hold_expires_at?, minutes,
 * price_minor, currency, created_at, test_mode, package{...}} */
static JsonNode *
purchase_json (ParlaRequest  *req,
               const char    *id,
               GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  rows = parla_db_query (req->db, error,
                         "SELECT p.id, p.status, p.checkout_url, p.hold_expires_at, p.minutes, p.price_minor, "
                         "p.currency, p.created_at, k.id, k.name, k.minutes, k.price_minor, k.currency, "
                         "k.validity_days FROM minute_purchases p "
                         "JOIN minute_packages k ON k.id = p.package_id WHERE p.id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such purchase");
      return NULL;
    }

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "purchase_id", parla_db_rows_get_text (rows, 0));
  parla_json_add_string (builder, "status", parla_db_rows_get_text (rows, 1));
  parla_json_add_string (builder, "checkout_url", parla_db_rows_get_text (rows, 2));
  if (!parla_db_rows_is_null (rows, 3))
    parla_json_add_instant (builder, "hold_expires_at", parla_db_rows_get_int (rows, 3));
  parla_json_add_int (builder, "minutes", parla_db_rows_get_int (rows, 4));
  parla_json_add_int (builder, "price_minor", parla_db_rows_get_int (rows, 5));
  parla_json_add_string (builder, "currency", parla_db_rows_get_text (rows, 6));
  parla_json_add_instant (builder, "created_at", parla_db_rows_get_int (rows, 7));
  parla_json_add_bool (builder, "test_mode", parla_payments_is_test_mode (req->config));
  json_builder_set_member_name (builder, "package");
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", parla_db_rows_get_text (rows, 8));
  parla_json_add_string (builder, "name", parla_db_rows_get_text (rows, 9));
  parla_json_add_int (builder, "minutes", parla_db_rows_get_int (rows, 10));
  parla_json_add_int (builder, "price_minor", parla_db_rows_get_int (rows, 11));
  parla_json_add_string (builder, "currency", parla_db_rows_get_text (rows, 12));
  parla_json_add_int (builder, "validity_days", parla_db_rows_get_int (rows, 13));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Tells the buyer: {"purchase": {...}} and, for minutes.purchased, the
 * new "balance": {minutes, seconds, expires_at}. */
static gboolean
push_purchase_event (ParlaRequest  *req,
                     const char    *type,
                     const char    *purchase_id,
                     const char    *user_id,
                     gboolean       with_balance,
                     GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) purchase = purchase_json (req, purchase_id, error);
  const char *users[] = { user_id, NULL };

  if (purchase == NULL)
    return FALSE;

  json_builder_begin_object (builder);
  parla_json_add_node (builder, "purchase", purchase);
  if (with_balance)
    {
      gint64 expires_at = 0;
      gint64 balance = parla_minutes_balance (req->db, user_id, req->now, &expires_at, error);

      if (balance < 0)
        return FALSE;

      json_builder_set_member_name (builder, "balance");
      json_builder_begin_object (builder);
      parla_json_add_int (builder, "minutes", balance / 60);
      parla_json_add_int (builder, "seconds", balance);
      if (expires_at > 0)
        parla_json_add_instant (builder, "expires_at", expires_at);
      else
        parla_json_add_string (builder, "expires_at", NULL);
      json_builder_end_object (builder);
    }
  json_builder_end_object (builder);

  parla_request_add_event (req, parla_hub_event_new (type, json_builder_get_root (builder), users));
  return TRUE;
}

/* Records a purchase's payment and credits its minutes, once. */
static gboolean
apply_purchase_paid (ParlaRequest  *req,
                     PurchaseRow   *row,
                     const char    *intent_id,
                     gint64         amount,
                     const char    *currency,
                     GError       **error)
{
  gboolean duplicate = FALSE;

  if (g_str_equal (row->status, "paid"))
    return TRUE;

  if (amount != row->price || currency == NULL || g_ascii_strcasecmp (currency, row->currency) != 0)
    {
      g_message ("A payment of %" G_GINT64_FORMAT " %s for purchase %s does not match its price; ignored",
                 amount, currency ? currency : "(no currency)", row->id);
      return TRUE;
    }

  if (parla_db_exec (req->db, error,
                     "UPDATE minute_purchases SET status = 'paid', paid_minor = $2, "
                     "payment_intent_id = COALESCE($3, payment_intent_id), hold_expires_at = NULL, "
                     "checkout_url = NULL, updated_at = $4 WHERE id = $1",
                     PARLA_DB_TEXT, row->id,
                     PARLA_DB_INT, amount,
                     PARLA_DB_TEXT, intent_id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return FALSE;
  g_free (row->status);
  row->status = g_strdup ("paid");
  row->paid = amount;

  if (amount > 0)
    {
      g_autofree char *txn = g_strconcat ("purchase:", row->id, NULL);
      const char *accounts[] = { "stripe_clearing", "learner_payments", "learner_payments", "minute_sales" };
      gint64 amounts[] = { amount, -amount, amount, -amount };

      if (!post_txn (req, "purchase", txn, NULL, row->currency, G_N_ELEMENTS (amounts), accounts, amounts, error))
        return FALSE;
    }

  if (!parla_minutes_credit_purchase (req->db, row->user_id, row->package_id, row->id, req->now,
                                      &duplicate, error))
    return FALSE;
  if (duplicate)
    return TRUE;

  return push_purchase_event (req, "minutes.purchased", row->id, row->user_id, TRUE, error);
}

/* Ends an unpaid purchase; @close_checkout as for expire_booking(). */
static gboolean
expire_purchase (ParlaRequest  *req,
                 const char    *purchase_id,
                 gboolean       close_checkout,
                 GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *user_id = NULL;
  g_autofree char *checkout = NULL;
  g_autofree char *currency = NULL;

  rows = parla_db_query (req->db, error,
                         "UPDATE minute_purchases SET status = 'expired', hold_expires_at = NULL, "
                         "checkout_url = NULL, updated_at = $2 WHERE id = $1 AND status = 'payment_pending' "
                         "RETURNING user_id, checkout_session_id, currency",
                         PARLA_DB_TEXT, purchase_id,
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (!parla_db_rows_next (rows))
    return parla_db_rows_get_error (rows, error);

  user_id = parla_db_rows_dup_text (rows, 0);
  checkout = parla_db_rows_dup_text (rows, 1);
  currency = parla_db_rows_dup_text (rows, 2);
  g_clear_pointer (&rows, parla_db_rows_free);

  if (close_checkout && checkout != NULL && !parla_payments_is_test_mode (req->config) &&
      !enqueue (req, "expire_checkout", NULL, NULL, checkout, 0, currency, error))
    return FALSE;

  return push_purchase_event (req, "minutes.purchase_expired", purchase_id, user_id, FALSE, error);
}

static gboolean
release_expired_purchases (ParlaRequest  *req,
                           GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);

  rows = parla_db_query (req->db, error,
                         "SELECT id FROM minute_purchases WHERE status = 'payment_pending' AND hold_expires_at <= $1",
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  while (parla_db_rows_next (rows))
    g_ptr_array_add (ids, parla_db_rows_dup_text (rows, 0));
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  for (guint i = 0; i < ids->len; i++)
    if (!expire_purchase (req, g_ptr_array_index (ids, i), TRUE, error))
      return FALSE;

  return TRUE;
}

/* Webhook events */

static JsonObject *
member_object (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static const char *
member_string (JsonObject *object,
               const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

static gint64
member_int (JsonObject *object,
            const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    return -1;
  return json_node_get_int (node);
}

/* An event about a minute package purchase: @handled is left TRUE when
 * its type concerns purchases. */
static gboolean
process_purchase_event (ParlaRequest  *req,
                        const char    *type,
                        JsonObject    *object,
                        const char    *purchase_id,
                        gboolean      *handled,
                        GError       **error)
{
  g_autoptr(PurchaseRow) row = NULL;
  g_autoptr(GError) local_error = NULL;

  row = purchase_row_load (req, purchase_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (row == NULL)
    {
      g_message ("An event names purchase %s, which does not exist; ignored", purchase_id);
      *handled = FALSE;
      return TRUE;
    }

  if (g_str_equal (type, "checkout.session.completed") ||
      g_str_equal (type, "checkout.session.async_payment_succeeded"))
    {
      if (g_strcmp0 (member_string (object, "payment_status"), "paid") == 0)
        return apply_purchase_paid (req, row, member_string (object, "payment_intent"),
                                    member_int (object, "amount_total"), member_string (object, "currency"), error);
      return TRUE;
    }

  if (g_str_equal (type, "payment_intent.succeeded"))
    return apply_purchase_paid (req, row, member_string (object, "id"), member_int (object, "amount_received"),
                                member_string (object, "currency"), error);

  if (g_str_equal (type, "checkout.session.expired"))
    {
      if (g_str_equal (row->status, "payment_pending") &&
          (row->checkout_session_id == NULL ||
           g_strcmp0 (row->checkout_session_id, member_string (object, "id")) == 0))
        return expire_purchase (req, row->id, FALSE, error);
      return TRUE;
    }

  *handled = FALSE;
  return TRUE;
}

/* Applies one verified event inside the current transaction, once. */
static JsonNode *
process_event (ParlaRequest  *req,
               JsonNode      *root,
               GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(PayRow) row = NULL;
  g_autoptr(GError) local_error = NULL;
  JsonObject *event, *object, *metadata;
  const char *id, *type, *booking_id, *purchase_id;
  gboolean handled = TRUE;
  gint64 inserted;

  event = JSON_NODE_HOLDS_OBJECT (root) ? json_node_get_object (root) : NULL;
  id = member_string (event, "id");
  type = member_string (event, "type");
  object = member_object (member_object (event, "data"), "object");
  if (id == NULL || *id == '\0' || strlen (id) > 255 || type == NULL || object == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                       "An event needs an id, a type and data.object");
      return NULL;
    }

  inserted = parla_db_exec (req->db, error,
                            "INSERT INTO stripe_events (id, type, received_at) VALUES ($1, $2, $3) "
                            "ON CONFLICT (id) DO NOTHING",
                            PARLA_DB_TEXT, id,
                            PARLA_DB_TEXT, type,
                            PARLA_DB_INT, req->now,
                            PARLA_DB_END);
  if (inserted < 0)
    return NULL;

  metadata = member_object (object, "metadata");
  booking_id = member_string (metadata, "booking_id");
  purchase_id = member_string (metadata, "purchase_id");

  if (inserted == 0)
    {
      handled = FALSE;   /* seen before: its effect is already there */
    }
  else if (purchase_id != NULL && booking_id == NULL)
    {
      if (!process_purchase_event (req, type, object, purchase_id, &handled, error))
        return NULL;
    }
  else if (g_str_equal (type, "checkout.session.completed") ||
           g_str_equal (type, "checkout.session.async_payment_succeeded"))
    {
      row = pay_row_load (req, booking_id, booking_id ? NULL : member_string (object, "id"), NULL, &local_error);
      if (row != NULL && g_strcmp0 (member_string (object, "payment_status"), "paid") == 0 &&
          !apply_paid (req, row, member_string (object, "payment_intent"),
                       member_int (object, "amount_total"), member_string (object, "currency"), error))
        return NULL;
    }
  else if (g_str_equal (type, "payment_intent.succeeded"))
    {
      row = pay_row_load (req, booking_id, NULL, booking_id ? NULL : member_string (object, "id"), &local_error);
      if (row != NULL &&
          !apply_paid (req, row, member_string (object, "id"), member_int (object, "amount_received"),
                       member_string (object, "currency"), error))
        return NULL;
    }
  else if (g_str_equal (type, "checkout.session.expired"))
    {
      row = pay_row_load (req, booking_id, booking_id ? NULL : member_string (object, "id"), NULL, &local_error);
      /* After a completed one (out of order) the booking is no longer
       * payment_pending and nothing happens. */
      if (row != NULL && g_strcmp0 (row->status, "payment_pending") == 0 &&
          (row->checkout_session_id == NULL ||
           g_strcmp0 (row->checkout_session_id, member_string (object, "id")) == 0) &&
          !expire_booking (req, row->id, FALSE, error))
        return NULL;
    }
  else if (g_str_equal (type, "refund.created") || g_str_equal (type, "refund.updated") ||
           g_str_equal (type, "refund.failed"))
    {
      row = pay_row_load (req, booking_id, NULL, booking_id ? NULL : member_string (object, "payment_intent"),
                          &local_error);
      if (row != NULL &&
          !apply_refund_status (req, row, member_string (object, "status"), member_int (object, "amount"), error))
        return NULL;
    }
  else if (g_str_equal (type, "charge.refunded"))
    {
      row = pay_row_load (req, NULL, NULL, member_string (object, "payment_intent"), &local_error);
      if (row != NULL && row->refund > 0 && member_int (object, "amount_refunded") >= row->refund &&
          !apply_refund_status (req, row, "succeeded", row->refund, error))
        return NULL;
    }
  else
    {
      handled = FALSE;
    }

  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  json_builder_begin_object (builder);
  parla_json_add_bool (builder, "received", TRUE);
  parla_json_add_bool (builder, "duplicate", inserted == 0);
  parla_json_add_bool (builder, "handled", handled);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
verification_secrets (ParlaRequest *req)
{
  ParlaPayments *self = payments_of (req);
  const char *configured = req->config->stripe_webhook_secret;

  if (parla_payments_is_test_mode (req->config) && self != NULL)
    return g_strjoin (",", self->local_secret, configured ? configured : "", NULL);
  return g_strdup (configured ? configured : "");
}

/* The one path of every event: verify, parse, apply once. */
static JsonNode *
handle_signed (ParlaRequest  *req,
               const char    *signature,
               GBytes        *payload,
               GError       **error)
{
  g_autofree char *secrets = verification_secrets (req);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = NULL;
  gsize len = 0;
  const char *data = payload ? g_bytes_get_data (payload, &len) : NULL;

  if (payload == NULL ||
      !parla_stripe_verify_signature (signature, payload, secrets, req->now,
                                      PARLA_STRIPE_TOLERANCE_SECONDS, &local_error))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "Stripe-Signature", "%s",
                       local_error ? local_error->message : "An event needs a body");
      return NULL;
    }

  root = parla_json_parse (data, len, error);
  if (root == NULL)
    return NULL;

  return process_event (req, root, error);
}

static JsonNode *
handle_webhook (ParlaRequest  *req,
                GError       **error)
{
  return handle_signed (req, req->stripe_signature, req->body, error);
}

/* Test mode */

static JsonNode *
sign_and_handle (ParlaRequest  *req,
                 JsonNode      *event,
                 GError       **error)
{
  ParlaPayments *self = payments_of (req);
  g_autofree char *text = parla_json_to_string (event);
  g_autoptr(GBytes) payload = g_bytes_new (text, strlen (text));
  g_autofree char *signature = parla_stripe_sign (self->local_secret, req->now, payload);

  return handle_signed (req, signature, payload, error);
}

/* {"id": "evt_test_...", "type": @type, "data": {"object": {...}}} with
 * @metadata_key set to @metadata_value in its metadata, and @object's
 * members given as name, JsonNode pairs ended by NULL. */
static JsonNode *
test_event (ParlaRequest *req,
            const char   *type,
            const char   *object_id,
            const char   *object_kind,
            const char   *metadata_key,
            const char   *metadata_value,
            ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *random = parla_db_new_id ();
  g_autofree char *event_id = g_strconcat ("evt_test_", random, NULL);
  const char *name;
  va_list args;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", event_id);
  parla_json_add_string (builder, "object", "event");
  parla_json_add_string (builder, "type", type);
  parla_json_add_int (builder, "created", req->now);
  parla_json_add_bool (builder, "livemode", FALSE);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", object_id);
  parla_json_add_string (builder, "object", object_kind);
  json_builder_set_member_name (builder, "metadata");
  json_builder_begin_object (builder);
  parla_json_add_string (builder, metadata_key, metadata_value);
  json_builder_end_object (builder);

  va_start (args, metadata_value);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      json_builder_set_member_name (builder, name);
      json_builder_add_value (builder, va_arg (args, JsonNode *));
    }
  va_end (args);

  json_builder_end_object (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
string_node (const char *value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_string (node, value);
  return node;
}

static JsonNode *
int_node (gint64 value)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);

  json_node_set_int (node, value);
  return node;
}

static ParlaBooking *
load_own_held_booking (ParlaRequest  *req,
                       GError       **error)
{
  g_autoptr(ParlaBooking) booking = NULL;

  if (!parla_payments_is_test_mode (req->config))
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL,
                       "There is no test checkout: the server is not in payment test mode");
      return NULL;
    }

  booking = parla_booking_load (req, parla_request_param (req, 0), FALSE, error);
  if (booking == NULL)
    return NULL;

  if (g_strcmp0 (parla_booking_get_learner_id (booking), req->user_id) != 0)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the learner pays for a booking");
      return NULL;
    }

  return g_steal_pointer (&booking);
}

static JsonNode *
test_checkout_json (ParlaBooking *booking)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = parla_booking_to_json (booking);

  json_builder_begin_object (builder);
  parla_json_add_bool (builder, "test_mode", TRUE);
  parla_json_add_string (builder, "notice",
                         "TEST MODE: this is not Stripe and no real payment is taken");
  parla_json_add_node (builder, "booking", node);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* In test mode, the caller's purchase named by the path; NULL without
 * error when the path names no purchase (it may name a booking). */
static PurchaseRow *
load_test_purchase (ParlaRequest  *req,
                    GError       **error)
{
  g_autoptr(PurchaseRow) row = NULL;

  if (!parla_payments_is_test_mode (req->config))
    return NULL;

  row = purchase_row_load (req, parla_request_param (req, 0), error);
  if (row != NULL && g_strcmp0 (row->user_id, req->user_id) != 0)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such purchase");
      return NULL;
    }

  return g_steal_pointer (&row);
}

/* The test checkout page of a purchase, or the purchase paid (@pay) or
 * abandoned through events on the webhooks' path (@finish). */
static JsonNode *
test_checkout_purchase (ParlaRequest  *req,
                        PurchaseRow   *row,
                        gboolean       finish,
                        gboolean       pay,
                        GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) purchase = NULL;

  if (finish)
    {
      g_autofree char *session_id = g_strconcat ("cs_test_", row->id, NULL);
      g_autofree char *intent_id = g_strconcat ("pi_test_", row->id, NULL);
      g_autofree char *currency = g_ascii_strdown (row->currency, -1);
      g_autoptr(JsonNode) event = NULL;
      g_autoptr(JsonNode) result = NULL;

      if (!g_str_equal (row->status, "payment_pending"))
        {
          parla_set_error (error, PARLA_ERROR_INVALID_STATE, "status", "This purchase is not waiting for payment");
          return NULL;
        }

      if (pay)
        event = test_event (req, "checkout.session.completed", session_id, "checkout.session",
                            "purchase_id", row->id,
                            "payment_status", string_node ("paid"),
                            "status", string_node ("complete"),
                            "payment_intent", string_node (intent_id),
                            "amount_total", int_node (row->price),
                            "currency", string_node (currency),
                            NULL);
      else
        event = test_event (req, "checkout.session.expired", session_id, "checkout.session",
                            "purchase_id", row->id,
                            "payment_status", string_node ("unpaid"),
                            "status", string_node ("expired"),
                            NULL);

      result = sign_and_handle (req, event, error);
      if (result == NULL)
        return NULL;
    }

  purchase = purchase_json (req, row->id, error);
  if (purchase == NULL)
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_bool (builder, "test_mode", TRUE);
  parla_json_add_string (builder, "notice",
                         "TEST MODE: this is not Stripe and no real payment is taken");
  parla_json_add_node (builder, "purchase", purchase);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
handle_test_checkout (ParlaRequest  *req,
                      GError       **error)
{
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(PurchaseRow) purchase = NULL;
  g_autoptr(GError) local_error = NULL;

  purchase = load_test_purchase (req, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (purchase != NULL)
    return test_checkout_purchase (req, purchase, FALSE, FALSE, error);

  booking = load_own_held_booking (req, error);

  if (booking == NULL)
    return NULL;

  return test_checkout_json (booking);
}

static JsonNode *
finish_test_checkout (ParlaRequest  *req,
                      gboolean       pay,
                      GError       **error)
{
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(PurchaseRow) purchase = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(JsonNode) result = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *intent_id = NULL;
  g_autofree char *currency = NULL;
  g_autofree char *id = NULL;

  purchase = load_test_purchase (req, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (purchase != NULL)
    return test_checkout_purchase (req, purchase, TRUE, pay, error);

  booking = load_own_held_booking (req, error);
  if (booking == NULL)
    return NULL;

  id = g_strdup (parla_booking_get_id (booking));
  if (parla_booking_get_status (booking) != PARLA_BOOKING_PAYMENT_PENDING)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, "status", "This booking is not waiting for payment");
      return NULL;
    }

  session_id = g_strconcat ("cs_test_", id, NULL);
  intent_id = g_strconcat ("pi_test_", id, NULL);
  currency = g_ascii_strdown (parla_booking_get_currency (booking), -1);

  if (pay)
    event = test_event (req, "checkout.session.completed", session_id, "checkout.session", "booking_id", id,
                        "payment_status", string_node ("paid"),
                        "status", string_node ("complete"),
                        "payment_intent", string_node (intent_id),
                        "amount_total", int_node (parla_booking_get_price_minor (booking)),
                        "currency", string_node (currency),
                        NULL);
  else
    event = test_event (req, "checkout.session.expired", session_id, "checkout.session", "booking_id", id,
                        "payment_status", string_node ("unpaid"),
                        "status", string_node ("expired"),
                        NULL);

  result = sign_and_handle (req, event, error);
  if (result == NULL)
    return NULL;

  g_clear_object (&booking);
  booking = parla_booking_load (req, id, FALSE, error);
  if (booking == NULL)
    return NULL;

  return test_checkout_json (booking);
}

static JsonNode *
handle_test_checkout_complete (ParlaRequest  *req,
                               GError       **error)
{
  return finish_test_checkout (req, TRUE, error);
}

static JsonNode *
handle_test_checkout_cancel (ParlaRequest  *req,
                             GError       **error)
{
  return finish_test_checkout (req, FALSE, error);
}

/* Holds and Checkout Sessions */

typedef struct
{
  ParlaPayments *payments;     /* owned */
  ParlaRequest  *req;
  GSourceFunc    resume;
  gpointer       resume_data;
  gboolean       purchase;     /* booking_id is a minute package purchase's */
  char          *booking_id;
  char          *session_id;
  char          *url;
  char          *user_id;
  char          *idempotency_key;
  char          *response_text;
  GPtrArray     *events;
} Checkout;

static void
checkout_free (Checkout *checkout)
{
  g_clear_object (&checkout->payments);
  g_free (checkout->booking_id);
  g_free (checkout->session_id);
  g_free (checkout->url);
  g_free (checkout->user_id);
  g_free (checkout->idempotency_key);
  g_free (checkout->response_text);
  g_clear_pointer (&checkout->events, g_ptr_array_unref);
  g_free (checkout);
}

static void
background_request (ParlaRequest  *req,
                    ParlaPayments *self,
                    ParlaDb       *db,
                    gint64         now)
{
  memset (req, 0, sizeof *req);
  req->server = self->server;
  req->config = self->config;
  req->db = db;
  req->now = now;
}

/* On a worker: stores the session, or releases the hold it failed for. */
static gpointer
store_checkout_work (ParlaDb   *db,
                     gint64     now,
                     gpointer   data,
                     GError   **error)
{
  Checkout *checkout = data;
  ParlaRequest req;
  gboolean ok;

  background_request (&req, checkout->payments, db, now);
  if (!parla_db_begin_write (db, error))
    return NULL;

  if (checkout->session_id != NULL)
    {
      ok = parla_db_exec (db, error,
                          checkout->purchase
                          ? "UPDATE minute_purchases SET checkout_session_id = $2, checkout_url = $3 "
                            "WHERE id = $1 AND status = 'payment_pending'"
                          : "UPDATE bookings SET checkout_session_id = $2, checkout_url = $3 "
                            "WHERE id = $1 AND status = 'payment_pending'",
                          PARLA_DB_TEXT, checkout->booking_id,
                          PARLA_DB_TEXT, checkout->session_id,
                          PARLA_DB_TEXT, checkout->url,
                          PARLA_DB_END) >= 0;
      /* A replay of the booking request answers with the URL too. */
      if (ok && checkout->idempotency_key != NULL)
        ok = parla_db_exec (db, error,
                            "UPDATE idempotency_keys SET body = $3 WHERE user_id = $1 AND key = $2",
                            PARLA_DB_TEXT, checkout->user_id,
                            PARLA_DB_TEXT, checkout->idempotency_key,
                            PARLA_DB_TEXT, checkout->response_text,
                            PARLA_DB_END) >= 0;
    }
  else
    {
      ok = checkout->purchase ? expire_purchase (&req, checkout->booking_id, FALSE, error)
                              : expire_booking (&req, checkout->booking_id, FALSE, error);
      if (ok && checkout->idempotency_key != NULL)
        ok = parla_db_exec (db, error, "DELETE FROM idempotency_keys WHERE user_id = $1 AND key = $2",
                            PARLA_DB_TEXT, checkout->user_id,
                            PARLA_DB_TEXT, checkout->idempotency_key,
                            PARLA_DB_END) >= 0;
    }

  if (!ok || !parla_db_commit (db, error))
    {
      parla_db_rollback (db);
      g_clear_pointer (&req.events, g_ptr_array_unref);
      return NULL;
    }

  checkout->events = g_steal_pointer (&req.events);
  return GINT_TO_POINTER (TRUE);
}

static void
on_checkout_stored_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  Checkout *checkout = user_data;
  ParlaRequest *req = checkout->req;
  g_autoptr(GError) error = NULL;

  _parla_server_run_finish (PARLA_SERVER (object), result, &error);
  if (error != NULL && !g_error_matches (error, PARLA_ERROR, PARLA_ERROR_UNAVAILABLE))
    g_warning ("Cannot record a checkout: %s", error->message);

  if (checkout->events != NULL && _parla_server_get_hub (req->server) != NULL)
    parla_hub_publish_events (_parla_server_get_hub (req->server), checkout->events);

  if (checkout->session_id == NULL || error != NULL)
    {
      g_clear_pointer (&req->response, json_node_unref);
      g_clear_pointer (&req->events, g_ptr_array_unref);
      req->status = 0;
      req->error = parla_error_new (PARLA_ERROR_UNAVAILABLE, NULL,
                                    checkout->purchase
                                    ? "The payment provider cannot be reached; nothing was bought"
                                    : "The payment provider cannot be reached; nothing was booked");
    }
  else
    {
      JsonObject *booking = json_node_get_object (req->response);

      json_object_set_string_member (booking, "checkout_url", checkout->url);
    }

  parla_payments_kick (checkout->payments);
  checkout->resume (checkout->resume_data);
}

static void
on_checkout_created_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  Checkout *checkout = user_data;
  ParlaRequest *req = checkout->req;
  g_autoptr(JsonNode) session = NULL;
  g_autoptr(GError) error = NULL;

  session = parla_stripe_post_finish (PARLA_STRIPE (object), result, &error);
  if (session != NULL)
    {
      JsonObject *created = json_node_get_object (session);

      checkout->session_id = g_strdup (member_string (created, "id"));
      checkout->url = g_strdup (member_string (created, "url"));
      if (checkout->session_id == NULL || checkout->url == NULL)
        {
          g_message ("Stripe created a Checkout Session without an id or url");
          g_clear_pointer (&checkout->session_id, g_free);
        }
    }
  else
    {
      g_message ("Cannot create a Checkout Session for %s %s: %s", checkout->purchase ? "purchase" : "booking",
                 checkout->booking_id, error->message);
    }

  if (checkout->session_id != NULL && req->response != NULL)
    {
      g_autoptr(JsonNode) copy = json_node_copy (req->response);

      json_object_set_string_member (json_node_get_object (copy), "checkout_url", checkout->url);
      checkout->response_text = parla_json_to_string (copy);
    }

  _parla_server_run_async (req->server, store_checkout_work, checkout, (GDestroyNotify) checkout_free,
                           NULL, NULL, on_checkout_stored_cb, checkout);
}

static char *
base_url (ParlaRequest *req)
{
  return parla_server_dup_base_url (req->server);
}

/* Creates the Checkout Session of a booking or a purchase (@purchase)
 * with @id, after the commit that held it. */
static void
start_checkout (ParlaRequest *req,
                GSourceFunc   resume,
                gpointer      resume_data,
                gboolean      purchase,
                const char   *id,
                const char   *title,
                gint64        price,
                const char   *currency_code,
                gint64        hold)
{
  ParlaPayments *self = payments_of (req);
  g_autoptr(ParlaStripeForm) form = parla_stripe_form_new ();
  g_autofree char *currency = g_ascii_strdown (currency_code, -1);
  g_autofree char *idempotency_key = NULL;
  g_autofree char *base = base_url (req);
  g_autofree char *success_url = NULL;
  const char *key = purchase ? "purchase_id" : "booking_id";
  g_autofree char *metadata = g_strconcat ("metadata[", key, "]", NULL);
  g_autofree char *intent_metadata = g_strconcat ("payment_intent_data[metadata][", key, "]", NULL);
  Checkout *checkout;
  gint64 expires_at;

  checkout = g_new0 (Checkout, 1);
  checkout->payments = g_object_ref (self);
  checkout->req = req;
  checkout->resume = resume;
  checkout->resume_data = resume_data;
  checkout->purchase = purchase;
  checkout->booking_id = g_strdup (id);
  checkout->user_id = g_strdup (req->user_id);
  checkout->idempotency_key = g_strdup (req->idempotency_key);

  /* Stripe keeps a session open for 30 minutes at least: a shorter hold
   * closes it through the outbox when it lapses. */
  expires_at = CLAMP (hold, req->now + CHECKOUT_MIN_SECONDS + 60, req->now + CHECKOUT_MAX_SECONDS - 60);
  success_url = purchase ? g_strconcat (base, "api/v1/me/balance", NULL)
                         : g_strconcat (base, "api/v1/bookings/", id, NULL);

  parla_stripe_form_add (form, "mode", "payment");
  parla_stripe_form_add (form, "line_items[0][quantity]", "1");
  parla_stripe_form_add (form, "line_items[0][price_data][currency]", currency);
  parla_stripe_form_add_int (form, "line_items[0][price_data][unit_amount]", price);
  parla_stripe_form_add (form, "line_items[0][price_data][product_data][name]", title);
  parla_stripe_form_add (form, "client_reference_id", id);
  parla_stripe_form_add (form, metadata, id);
  parla_stripe_form_add (form, intent_metadata, id);
  parla_stripe_form_add_int (form, "expires_at", expires_at);
  parla_stripe_form_add (form, "success_url", success_url);
  parla_stripe_form_add (form, "cancel_url", success_url);

  idempotency_key = g_strconcat ("parla-checkout-", id, NULL);
  parla_stripe_post_async (self->stripe, "/v1/checkout/sessions", form, idempotency_key,
                           self->cancellable, on_checkout_created_cb, checkout);
}

/* After the commit of a paid booking: its Checkout Session. */
static void
create_checkout (ParlaRequest *req,
                 GSourceFunc   resume,
                 gpointer      resume_data)
{
  JsonObject *booking = json_node_get_object (req->response);

  start_checkout (req, resume, resume_data, FALSE,
                  parla_json_get_string (booking, "id", ""),
                  parla_json_get_string (booking, "title", "Lesson"),
                  parla_json_get_int (booking, "price_minor", 0),
                  parla_json_get_string (booking, "currency", "eur"),
                  parla_json_get_instant (booking, "hold_expires_at",
                                          req->now + req->config->payment_hold_seconds));
}

/* After the commit of a purchase: its Checkout Session. */
static void
create_purchase_checkout (ParlaRequest *req,
                          GSourceFunc   resume,
                          gpointer      resume_data)
{
  JsonObject *purchase = json_node_get_object (req->response);
  JsonObject *package = json_object_get_object_member (purchase, "package");
  g_autofree char *title = g_strdup_printf ("Parla: %s", parla_json_get_string (package, "name", "minutes"));

  start_checkout (req, resume, resume_data, TRUE,
                  parla_json_get_string (purchase, "purchase_id", ""),
                  title,
                  parla_json_get_int (purchase, "price_minor", 0),
                  parla_json_get_string (purchase, "currency", "eur"),
                  parla_json_get_instant (purchase, "hold_expires_at",
                                          req->now + req->config->payment_hold_seconds));
}

/**
 * parla_payments_hold:
 * @paid_status: what the booking becomes once paid
 *
 * Holds a booking just created payment_pending until hold_expires_at. Its
 * Checkout Session is created once the transaction committed; in test
 * mode, the checkout is the server's own.
 */
gboolean
parla_payments_hold (ParlaRequest        *req,
                     const char          *booking_id,
                     ParlaBookingStatus   paid_status,
                     GError             **error)
{
  g_autofree char *url = NULL;
  gint64 hold = req->now + req->config->payment_hold_seconds;

  if (parla_payments_is_test_mode (req->config))
    {
      g_autofree char *base = base_url (req);

      url = g_strconcat (base, "api/v1/payments/test-checkout/", booking_id, NULL);
    }
  else
    {
      req->after_commit = create_checkout;
    }

  return parla_db_exec (req->db, error,
                        "UPDATE bookings SET hold_expires_at = $2, status_after_payment = $3, checkout_url = $4 "
                        "WHERE id = $1",
                        PARLA_DB_TEXT, booking_id,
                        PARLA_DB_INT, hold,
                        PARLA_DB_TEXT, parla_booking_status_names[paid_status],
                        PARLA_DB_TEXT, url,
                        PARLA_DB_END) >= 0;
}

/**
 * parla_payments_on_cancel:
 * @inout_refund: the refund the policy gives; what is refunded on return
 *
 * A cancelled hold refunds nothing (nothing was paid) and closes its
 * checkout; a paid booking is refunded through the outbox.
 */
gboolean
parla_payments_on_cancel (ParlaRequest  *req,
                          ParlaBooking  *booking,
                          gint64        *inout_refund,
                          GError       **error)
{
  g_autoptr(PayRow) row = NULL;
  g_autoptr(GError) local_error = NULL;

  row = pay_row_load (req, parla_booking_get_id (booking), NULL, NULL, &local_error);
  if (row == NULL)
    {
      if (local_error == NULL)
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such booking");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  if (g_strcmp0 (row->status, "payment_pending") == 0)
    {
      *inout_refund = 0;
      if (row->checkout_session_id != NULL && !parla_payments_is_test_mode (req->config))
        return enqueue (req, "expire_checkout", row->id, NULL, row->checkout_session_id, 0,
                        row->currency, error);
      return TRUE;
    }

  if (row->paid <= 0)
    return TRUE;

  *inout_refund = MIN (*inout_refund, row->paid);
  if (!parla_payments_refund (req, row->id, *inout_refund, error))
    return FALSE;

  if (*inout_refund > 0)
    parla_booking_set_refund_status (booking, "pending");
  return TRUE;
}

/**
 * parla_payments_dup_policy:
 *
 * Returns: (transfer full): the policy in force for a new booking with
 *   @teacher_id: the server's, with the teacher's own fee if set
 */
ParlaPolicy *
parla_payments_dup_policy (ParlaRequest  *req,
                           const char    *teacher_id,
                           GError       **error)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_copy (req->config->policy);
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT platform_fee_bp FROM teacher_profiles WHERE user_id = $1",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (parla_db_rows_next (rows) && !parla_db_rows_is_null (rows, 0))
    policy->platform_fee_bp = parla_db_rows_get_int (rows, 0);

  return g_steal_pointer (&policy);
}

/* Earnings, payouts, the payout account and fees */

static const ParlaField account_fields[] = {
  { "stripe_account_id", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED | PARLA_FIELD_NULLABLE, 0, 255 },
};

static const ParlaField fee_fields[] = {
  { "platform_fee_percent", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED | PARLA_FIELD_NULLABLE, 0, 100 },
};

static gboolean
valid_account_id (const char *id)
{
  if (!g_str_has_prefix (id, "acct_") || strlen (id) < 6 || strlen (id) > 64)
    return FALSE;

  for (const char *p = id + 5; *p; p++)
    if (!g_ascii_isalnum (*p))
      return FALSE;

  return TRUE;
}

static JsonNode *
account_json (ParlaRequest  *req,
              GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  rows = parla_db_query (req->db, error,
                         "SELECT stripe_account_id, platform_fee_bp FROM teacher_profiles WHERE user_id = $1",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "You have no teacher profile");
      return NULL;
    }

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "stripe_account_id", parla_db_rows_get_text (rows, 0));
  parla_json_add_int (builder, "platform_fee_percent",
                      (parla_db_rows_is_null (rows, 1) ? req->config->policy->platform_fee_bp
                                                       : parla_db_rows_get_int (rows, 1)) / 100);
  parla_json_add_bool (builder, "test_mode", parla_payments_is_test_mode (req->config));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
handle_get_account (ParlaRequest  *req,
                    GError       **error)
{
  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers are paid out", error))
    return NULL;

  return account_json (req, error);
}

static JsonNode *
handle_put_account (ParlaRequest  *req,
                    GError       **error)
{
  JsonObject *body = parla_request_body (req);
  const char *account;

  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers are paid out", error) ||
      !parla_json_check_object (body, account_fields, G_N_ELEMENTS (account_fields), PARLA_JSON_INPUT, error))
    return NULL;

  account = parla_json_get_string (body, "stripe_account_id", NULL);
  if (account != NULL && !valid_account_id (account))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "stripe_account_id",
                       "“stripe_account_id” must be a Stripe connected account id such as acct_1A2b3C");
      return NULL;
    }

  if (parla_db_exec (req->db, error,
                     "UPDATE teacher_profiles SET stripe_account_id = $2, updated_at = $3 WHERE user_id = $1",
                     PARLA_DB_TEXT, req->user_id,
                     PARLA_DB_TEXT, account,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  return account_json (req, error);
}

static JsonNode *
handle_put_fee (ParlaRequest  *req,
                GError       **error)
{
  JsonObject *body = parla_request_body (req);
  gint64 changed;

  if (!parla_request_require_role (req, PARLA_ROLE_ADMIN, "Only administrators set fees", error) ||
      !parla_json_check_object (body, fee_fields, G_N_ELEMENTS (fee_fields), PARLA_JSON_INPUT, error))
    return NULL;

  changed = parla_db_exec (req->db, error,
                           "UPDATE teacher_profiles SET platform_fee_bp = NULLIF($2, -1), updated_at = $3 "
                           "WHERE user_id = $1",
                           PARLA_DB_TEXT, parla_request_param (req, 0),
                           PARLA_DB_INT, parla_json_has (body, "platform_fee_percent")
                                         ? parla_json_get_int (body, "platform_fee_percent", 0) * 100 : (gint64) -1,
                           PARLA_DB_INT, req->now,
                           PARLA_DB_END);
  if (changed < 0)
    return NULL;
  if (changed == 0)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such teacher");
      return NULL;
    }

  req->status = 204;
  return NULL;
}

typedef struct
{
  char   *currency;
  gint64  pending;
  gint64  available;
  gint64  paid_out;
} Balance;

static Balance *
balance_for (GPtrArray  *balances,
             const char *currency)
{
  Balance *balance;

  for (guint i = 0; i < balances->len; i++)
    {
      balance = g_ptr_array_index (balances, i);
      if (g_str_equal (balance->currency, currency))
        return balance;
    }

  balance = g_new0 (Balance, 1);
  balance->currency = g_strdup (currency);
  g_ptr_array_add (balances, balance);
  return balance;
}

static void
balance_free (Balance *balance)
{
  g_free (balance->currency);
  g_free (balance);
}

/* Per currency: earned and available (the lesson ended, plus the payout
 * delay), earned and not yet available, and paid out or on its way. */
static GPtrArray *
compute_balances (ParlaRequest  *req,
                  JsonBuilder   *lessons,
                  GError       **error)
{
  g_autoptr(GPtrArray) balances = g_ptr_array_new_with_free_func ((GDestroyNotify) balance_free);
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *account = g_strconcat ("teacher_payable:", req->user_id, NULL);

  rows = parla_db_query (req->db, error,
                         "SELECT b.id, b.title, b.start_at, b.end_at, b.status, e.currency, b.price_minor, "
                         "b.fee_minor, -SUM(e.amount_minor) FROM ledger_entries e "
                         "JOIN bookings b ON b.id = e.booking_id WHERE e.account = $1 "
                         "GROUP BY b.id, b.title, b.start_at, b.end_at, b.status, e.currency, b.price_minor, b.fee_minor "
                         "ORDER BY b.start_at, b.id",
                         PARLA_DB_TEXT, account,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  while (parla_db_rows_next (rows))
    {
      Balance *balance = balance_for (balances, parla_db_rows_get_text (rows, 5));
      gint64 earned = parla_db_rows_get_int (rows, 8);
      gboolean available = parla_db_rows_get_int (rows, 3) + req->config->payout_delay_seconds <= req->now;

      if (available)
        balance->available += earned;
      else
        balance->pending += earned;

      if (lessons != NULL)
        {
          json_builder_begin_object (lessons);
          parla_json_add_string (lessons, "booking_id", parla_db_rows_get_text (rows, 0));
          parla_json_add_string (lessons, "title", parla_db_rows_get_text (rows, 1));
          parla_json_add_instant (lessons, "start", parla_db_rows_get_int (rows, 2));
          parla_json_add_instant (lessons, "end", parla_db_rows_get_int (rows, 3));
          parla_json_add_string (lessons, "status", parla_db_rows_get_text (rows, 4));
          parla_json_add_string (lessons, "currency", parla_db_rows_get_text (rows, 5));
          parla_json_add_int (lessons, "price_minor", parla_db_rows_get_int (rows, 6));
          parla_json_add_int (lessons, "fee_minor", parla_db_rows_get_int (rows, 7));
          parla_json_add_int (lessons, "earned_minor", earned);
          parla_json_add_bool (lessons, "available", available);
          json_builder_end_object (lessons);
        }
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query (req->db, error,
                         "SELECT currency, SUM(amount_minor) FROM payment_outbox "
                         "WHERE kind = 'transfer' AND teacher_id = $1 AND status IN ('pending', 'sent') "
                         "GROUP BY currency",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    {
      Balance *balance = balance_for (balances, parla_db_rows_get_text (rows, 0));

      balance->paid_out += parla_db_rows_get_int (rows, 1);
      balance->available -= parla_db_rows_get_int (rows, 1);
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_steal_pointer (&balances);
}

static void
add_balances (JsonBuilder *builder,
              GPtrArray   *balances)
{
  json_builder_set_member_name (builder, "balances");
  json_builder_begin_array (builder);
  for (guint i = 0; i < balances->len; i++)
    {
      Balance *balance = g_ptr_array_index (balances, i);

      json_builder_begin_object (builder);
      parla_json_add_string (builder, "currency", balance->currency);
      parla_json_add_int (builder, "pending_minor", balance->pending);
      parla_json_add_int (builder, "available_minor", balance->available);
      parla_json_add_int (builder, "paid_out_minor", balance->paid_out);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
}

static JsonNode *
handle_earnings (ParlaRequest  *req,
                 GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonBuilder) lessons = json_builder_new ();
  g_autoptr(GPtrArray) balances = NULL;
  g_autoptr(JsonNode) lessons_node = NULL;

  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers have earnings", error))
    return NULL;

  json_builder_begin_array (lessons);
  balances = compute_balances (req, lessons, error);
  if (balances == NULL)
    return NULL;
  json_builder_end_array (lessons);
  lessons_node = json_builder_get_root (lessons);

  json_builder_begin_object (builder);
  add_balances (builder, balances);
  parla_json_add_node (builder, "lessons", lessons_node);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
handle_payout (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) balances = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *account = NULL;
  guint n = 0;

  if (!parla_request_require_role (req, PARLA_ROLE_TEACHER, "Only teachers are paid out", error))
    return NULL;

  if (req->json != NULL && json_object_get_size (json_node_get_object (req->json)) > 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "A payout takes no parameters");
      return NULL;
    }

  /* Serialises this teacher's payouts on PostgreSQL too. */
  if (!parla_teacher_lock (req, req->user_id, error))
    return NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT stripe_account_id FROM teacher_profiles WHERE user_id = $1",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (parla_db_rows_next (rows))
    account = parla_db_rows_dup_text (rows, 0);
  if (account == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, "stripe_account_id",
                       "Set your Stripe connected account first");
      return NULL;
    }

  balances = compute_balances (req, NULL, error);
  if (balances == NULL)
    return NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "payouts");
  json_builder_begin_array (builder);
  for (guint i = 0; i < balances->len; i++)
    {
      Balance *balance = g_ptr_array_index (balances, i);

      if (balance->available <= 0)
        continue;

      if (!enqueue (req, "transfer", NULL, req->user_id, account, balance->available, balance->currency, error))
        return NULL;

      json_builder_begin_object (builder);
      parla_json_add_int (builder, "amount_minor", balance->available);
      parla_json_add_string (builder, "currency", balance->currency);
      parla_json_add_string (builder, "destination", account);
      json_builder_end_object (builder);
      n++;
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  if (n == 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "Nothing is available to pay out");
      return NULL;
    }

  req->status = 201;
  return json_builder_get_root (builder);
}

/* A learner buys a minute package: 201 {purchase_id, status:
 * "payment_pending", checkout_url, hold_expires_at, package, ...}; the
 * minutes come with the webhook. A free package is credited at once. */
static JsonNode *
handle_purchase (ParlaRequest  *req,
                 GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(PurchaseRow) row = NULL;
  g_autofree char *id = NULL;
  g_autofree char *url = NULL;
  g_autofree char *package_id = NULL;
  g_autofree char *currency = NULL;
  gint64 minutes, price;
  gboolean active;

  if (!parla_request_require_role (req, PARLA_ROLE_STUDENT, "Only learners buy minutes", error))
    return NULL;

  /* Lapsed holds first, as the booking paths do. */
  if (!parla_payments_release_expired (req, error))
    return NULL;

  if (req->json != NULL && json_object_get_size (json_node_get_object (req->json)) > 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "A purchase takes no parameters");
      return NULL;
    }

  rows = parla_db_query (req->db, error,
                         "SELECT id, minutes, price_minor, currency, active FROM minute_packages WHERE id = $1",
                         PARLA_DB_TEXT, parla_request_param (req, 0),
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      if (parla_db_rows_get_error (rows, error))
        parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such minute package");
      return NULL;
    }
  package_id = parla_db_rows_dup_text (rows, 0);
  minutes = parla_db_rows_get_int (rows, 1);
  price = parla_db_rows_get_int (rows, 2);
  currency = parla_db_rows_dup_text (rows, 3);
  active = parla_db_rows_get_int (rows, 4) != 0;
  g_clear_pointer (&rows, parla_db_rows_free);

  if (!active)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This minute package is no longer sold");
      return NULL;
    }

  if (price > 0 && !parla_payments_enabled (req->config))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "Payments are turned off on this server; minutes can only be granted");
      return NULL;
    }

  id = parla_db_new_id ();
  if (price > 0 && parla_payments_is_test_mode (req->config))
    {
      g_autofree char *base = base_url (req);

      url = g_strconcat (base, "api/v1/payments/test-checkout/", id, NULL);
    }

  if (parla_db_exec (req->db, error,
                     "INSERT INTO minute_purchases (id, user_id, package_id, status, minutes, price_minor, "
                     "currency, hold_expires_at, checkout_url, created_at, updated_at) "
                     "VALUES ($1, $2, $3, 'payment_pending', $4, $5, $6, $7, $8, $9, $9)",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_TEXT, req->user_id,
                     PARLA_DB_TEXT, package_id,
                     PARLA_DB_INT, minutes,
                     PARLA_DB_INT, price,
                     PARLA_DB_TEXT, currency,
                     PARLA_DB_INT, req->now + req->config->payment_hold_seconds,
                     PARLA_DB_TEXT, url,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  if (price == 0)
    {
      row = purchase_row_load (req, id, error);
      if (row == NULL || !apply_purchase_paid (req, row, NULL, 0, currency, error))
        return NULL;
    }
  else if (!parla_payments_is_test_mode (req->config))
    {
      req->after_commit = create_purchase_checkout;
    }

  req->status = 201;
  return purchase_json (req, id, error);
}

const ParlaRoute parla_payment_routes[] = {
  { "POST", "/api/v1/minute-packages/{id}/purchase", handle_purchase,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT | PARLA_ROUTE_IDEMPOTENT },
  { "POST", "/api/v1/payments/stripe/webhook", handle_webhook, PARLA_ROUTE_PUBLIC | PARLA_ROUTE_WRITE },
  { "GET", "/api/v1/payments/test-checkout/{id}", handle_test_checkout, PARLA_ROUTE_AUTH },
  { "POST", "/api/v1/payments/test-checkout/{id}/complete", handle_test_checkout_complete,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/payments/test-checkout/{id}/cancel", handle_test_checkout_cancel,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "GET", "/api/v1/me/earnings", handle_earnings, PARLA_ROUTE_AUTH },
  { "POST", "/api/v1/me/payouts", handle_payout,
    PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT | PARLA_ROUTE_IDEMPOTENT },
  { "GET", "/api/v1/me/payout-account", handle_get_account, PARLA_ROUTE_AUTH },
  { "PUT", "/api/v1/me/payout-account", handle_put_account, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { "PUT", "/api/v1/teachers/{id}/platform-fee", handle_put_fee, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { NULL }
};

/* The worker: expired holds, then the outbox */

typedef struct
{
  char   *id;
  char   *kind;
  char   *booking_id;
  char   *teacher_id;
  char   *target;
  char   *currency;
  gint64  amount;
  int     attempts;
} OutboxItem;

static void
outbox_item_free (OutboxItem *item)
{
  g_free (item->id);
  g_free (item->kind);
  g_free (item->booking_id);
  g_free (item->teacher_id);
  g_free (item->target);
  g_free (item->currency);
  g_free (item);
}

typedef struct
{
  ParlaPayments *payments;    /* owned */
  GPtrArray     *items;       /* OutboxItem, the batch being sent */
  guint          next;
  GPtrArray     *events;      /* of the last work */

  /* the answer to the item being recorded */
  JsonNode      *answer;
  GError        *error;
} Drain;

static void
drain_free (Drain *drain)
{
  g_clear_object (&drain->payments);
  g_clear_pointer (&drain->items, g_ptr_array_unref);
  g_clear_pointer (&drain->events, g_ptr_array_unref);
  g_clear_pointer (&drain->answer, json_node_unref);
  g_clear_error (&drain->error);
  g_free (drain);
}

/* The server shuts down: nothing to report. */
static gboolean
stopping (const GError *error)
{
  return g_error_matches (error, PARLA_ERROR, PARLA_ERROR_UNAVAILABLE) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void drain_next (Drain *drain);
static void scan_done  (ParlaPayments *self);

static void
publish (ParlaPayments *self,
         GPtrArray     *events)
{
  ParlaHub *hub = _parla_server_get_hub (self->server);

  if (events != NULL && hub != NULL)
    parla_hub_publish_events (hub, events);
}

static gpointer
sweep_work (ParlaDb   *db,
            gint64     now,
            gpointer   data,
            GError   **error)
{
  Drain *drain = data;
  ParlaRequest req;

  background_request (&req, drain->payments, db, now);
  if (!parla_db_begin_write (db, error))
    return NULL;

  if (!parla_payments_release_expired (&req, error) || !parla_db_commit (db, error))
    {
      parla_db_rollback (db);
      g_clear_pointer (&req.events, g_ptr_array_unref);
      return NULL;
    }

  g_clear_pointer (&drain->events, g_ptr_array_unref);
  drain->events = g_steal_pointer (&req.events);
  return GINT_TO_POINTER (TRUE);
}

static gpointer
select_due_work (ParlaDb   *db,
                 gint64     now,
                 gpointer   data,
                 GError   **error)
{
  Drain *drain = data;
  g_autoptr(ParlaDbRows) rows = NULL;

  if (!parla_db_begin_read (db, error))
    return NULL;

  rows = parla_db_query (db, error,
                         "SELECT id, kind, booking_id, teacher_id, target, currency, amount_minor, attempts "
                         "FROM payment_outbox WHERE status = 'pending' AND next_attempt_at <= $1 "
                         "ORDER BY created_at, id LIMIT $2",
                         PARLA_DB_INT, now,
                         PARLA_DB_INT, (gint64) OUTBOX_BATCH,
                         PARLA_DB_END);
  if (rows == NULL)
    {
      parla_db_rollback (db);
      return NULL;
    }

  g_clear_pointer (&drain->items, g_ptr_array_unref);
  drain->items = g_ptr_array_new_with_free_func ((GDestroyNotify) outbox_item_free);
  drain->next = 0;
  while (parla_db_rows_next (rows))
    {
      OutboxItem *item = g_new0 (OutboxItem, 1);

      item->id = parla_db_rows_dup_text (rows, 0);
      item->kind = parla_db_rows_dup_text (rows, 1);
      item->booking_id = parla_db_rows_dup_text (rows, 2);
      item->teacher_id = parla_db_rows_dup_text (rows, 3);
      item->target = parla_db_rows_dup_text (rows, 4);
      item->currency = parla_db_rows_dup_text (rows, 5);
      item->amount = parla_db_rows_get_int (rows, 6);
      item->attempts = parla_db_rows_get_int (rows, 7);
      g_ptr_array_add (drain->items, item);
    }
  g_clear_pointer (&rows, parla_db_rows_free);
  parla_db_rollback (db);

  return GINT_TO_POINTER (TRUE);
}

/* Records what Stripe (or test mode) answered for the current item. */
static gpointer
record_work (ParlaDb   *db,
             gint64     now,
             gpointer   data,
             GError   **error)
{
  Drain *drain = data;
  OutboxItem *item = g_ptr_array_index (drain->items, drain->next);
  ParlaPayments *self = drain->payments;
  JsonObject *answer = drain->answer ? json_node_get_object (drain->answer) : NULL;
  ParlaRequest req;
  gboolean ok = TRUE;

  background_request (&req, self, db, now);
  if (!parla_db_begin_write (db, error))
    return NULL;

  if (drain->error == NULL)
    {
      g_autofree char *result_id = NULL;

      if (answer != NULL)
        result_id = g_strdup (member_string (answer, "id"));
      else
        result_id = g_strconcat (g_str_equal (item->kind, "refund") ? "re_test_" : "tr_test_", item->id, NULL);

      ok = parla_db_exec (db, error,
                          "UPDATE payment_outbox SET status = 'sent', result_id = $2, attempts = attempts + 1, "
                          "last_error = NULL, updated_at = $3 WHERE id = $1 AND status = 'pending'",
                          PARLA_DB_TEXT, item->id,
                          PARLA_DB_TEXT, result_id,
                          PARLA_DB_INT, now,
                          PARLA_DB_END) >= 0;

      if (ok && g_str_equal (item->kind, "transfer"))
        ok = ledger_payout (&req, item->id, item->teacher_id, item->amount, item->currency, error);

      if (ok && g_str_equal (item->kind, "refund"))
        {
          if (answer != NULL)
            {
              g_autoptr(PayRow) row = pay_row_load (&req, item->booking_id, NULL, NULL, error);

              ok = row != NULL && apply_refund_status (&req, row, member_string (answer, "status"),
                                                       member_int (answer, "amount"), error);
            }
          else
            {
              /* Test mode: the refund succeeds at once, reported by an
               * event on the webhooks' own path. */
              g_autoptr(JsonNode) event = NULL;
              g_autoptr(JsonNode) result = NULL;

              event = test_event (&req, "refund.updated", result_id, "refund", "booking_id", item->booking_id,
                                  "status", string_node ("succeeded"),
                                  "amount", int_node (item->amount),
                                  "currency", string_node (item->currency),
                                  "payment_intent", string_node (item->target),
                                  NULL);
              result = sign_and_handle (&req, event, error);
              ok = result != NULL;
            }
        }
    }
  else
    {
      gboolean transient = g_error_matches (drain->error, PARLA_STRIPE_ERROR, PARLA_STRIPE_ERROR_TRANSIENT);
      gint64 backoff = MIN ((gint64) MAX_BACKOFF_SECONDS, (gint64) 30 << MIN (item->attempts, 10));

      ok = parla_db_exec (db, error,
                          "UPDATE payment_outbox SET status = $2, attempts = attempts + 1, last_error = $3, "
                          "next_attempt_at = $4, updated_at = $5 WHERE id = $1 AND status = 'pending'",
                          PARLA_DB_TEXT, item->id,
                          PARLA_DB_TEXT, transient ? "pending" : "failed",
                          PARLA_DB_TEXT, drain->error->message,
                          PARLA_DB_INT, now + backoff,
                          PARLA_DB_INT, now,
                          PARLA_DB_END) >= 0;

      if (ok && !transient && g_str_equal (item->kind, "refund"))
        {
          g_autoptr(PayRow) row = pay_row_load (&req, item->booking_id, NULL, NULL, error);

          ok = row != NULL && apply_refund_status (&req, row, "failed", item->amount, error);
        }
    }

  if (!ok || !parla_db_commit (db, error))
    {
      parla_db_rollback (db);
      g_clear_pointer (&req.events, g_ptr_array_unref);
      return NULL;
    }

  g_clear_pointer (&drain->events, g_ptr_array_unref);
  drain->events = g_steal_pointer (&req.events);
  return GINT_TO_POINTER (TRUE);
}

/* Ends the scan after a failed step; returns whether to go on. */
static gboolean
step_finish (Drain        *drain,
             GObject      *object,
             GAsyncResult *result,
             const char   *what)
{
  g_autoptr(GError) error = NULL;

  if (_parla_server_run_finish (PARLA_SERVER (object), result, &error))
    return TRUE;

  if (!stopping (error))
    g_warning ("Cannot %s: %s", what, error->message);
  scan_done (drain->payments);
  drain_free (drain);
  return FALSE;
}

static void
on_recorded_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Drain *drain = user_data;

  if (!step_finish (drain, object, result, "record a payment call"))
    return;

  publish (drain->payments, drain->events);
  g_clear_pointer (&drain->answer, json_node_unref);
  g_clear_error (&drain->error);
  drain->next++;
  drain_next (drain);
}

static void
record (Drain *drain)
{
  ParlaPayments *self = drain->payments;

  _parla_server_run_async (self->server, record_work, drain, NULL, NULL, self->cancellable,
                           on_recorded_cb, drain);
}

static void
on_sent_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  Drain *drain = user_data;
  g_autoptr(GError) error = NULL;

  drain->answer = parla_stripe_post_finish (PARLA_STRIPE (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      scan_done (drain->payments);
      drain_free (drain);
      return;
    }
  if (error != NULL)
    g_message ("A payment call failed, recorded for retry or review: %s", error->message);
  drain->error = g_steal_pointer (&error);
  record (drain);
}

static void
drain_next (Drain *drain)
{
  ParlaPayments *self = drain->payments;
  g_autoptr(ParlaStripeForm) form = parla_stripe_form_new ();
  g_autofree char *path = NULL;
  g_autofree char *key = NULL;
  OutboxItem *item;

  if (drain->next >= drain->items->len)
    {
      /* A full batch may have more behind it. */
      if (drain->items->len == OUTBOX_BATCH)
        self->scan_again = TRUE;
      scan_done (self);
      drain_free (drain);
      return;
    }

  item = g_ptr_array_index (drain->items, drain->next);

  if (self->stripe == NULL)
    {
      record (drain);
      return;
    }

  key = g_strconcat ("parla-outbox-", item->id, NULL);
  if (g_str_equal (item->kind, "refund"))
    {
      path = g_strdup ("/v1/refunds");
      parla_stripe_form_add (form, "payment_intent", item->target);
      parla_stripe_form_add_int (form, "amount", item->amount);
      parla_stripe_form_add (form, "metadata[booking_id]", item->booking_id);
      parla_stripe_form_add (form, "metadata[outbox_id]", item->id);
    }
  else if (g_str_equal (item->kind, "expire_checkout"))
    {
      g_autofree char *escaped = g_uri_escape_string (item->target, NULL, FALSE);

      path = g_strconcat ("/v1/checkout/sessions/", escaped, "/expire", NULL);
    }
  else
    {
      g_autofree char *currency = g_ascii_strdown (item->currency, -1);

      path = g_strdup ("/v1/transfers");
      parla_stripe_form_add_int (form, "amount", item->amount);
      parla_stripe_form_add (form, "currency", currency);
      parla_stripe_form_add (form, "destination", item->target);
      parla_stripe_form_add (form, "metadata[outbox_id]", item->id);
      parla_stripe_form_add (form, "metadata[teacher_id]", item->teacher_id);
    }

  parla_stripe_post_async (self->stripe, path, form, key, self->cancellable, on_sent_cb, drain);
}

static void
on_selected_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  Drain *drain = user_data;

  if (!step_finish (drain, object, result, "read the payment outbox"))
    return;

  drain_next (drain);
}

static void
on_swept_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  Drain *drain = user_data;
  ParlaPayments *self = drain->payments;

  if (!step_finish (drain, object, result, "release expired holds"))
    return;

  publish (self, drain->events);
  _parla_server_run_async (self->server, select_due_work, drain, NULL, NULL, self->cancellable,
                           on_selected_cb, drain);
}

static void
scan (ParlaPayments *self)
{
  Drain *drain;

  if (self->scanning)
    {
      self->scan_again = TRUE;
      return;
    }

  self->scanning = TRUE;
  self->scan_again = FALSE;

  drain = g_new0 (Drain, 1);
  drain->payments = g_object_ref (self);
  _parla_server_run_async (self->server, sweep_work, drain, NULL, NULL, self->cancellable,
                           on_swept_cb, drain);
}

static void
scan_done (ParlaPayments *self)
{
  self->scanning = FALSE;
  if (self->scan_again && !g_cancellable_is_cancelled (self->cancellable))
    scan (self);
}

static gboolean
on_timer_cb (gpointer user_data)
{
  scan (user_data);
  return G_SOURCE_CONTINUE;
}

static gboolean
on_kick_cb (gpointer user_data)
{
  ParlaPayments *self = user_data;

  if (!g_cancellable_is_cancelled (self->cancellable))
    scan (self);
  return G_SOURCE_REMOVE;
}

/* Object */

static void
parla_payments_dispose (GObject *object)
{
  ParlaPayments *self = PARLA_PAYMENTS (object);

  parla_payments_shutdown (self);
  g_clear_object (&self->stripe);

  G_OBJECT_CLASS (parla_payments_parent_class)->dispose (object);
}

static void
parla_payments_finalize (GObject *object)
{
  ParlaPayments *self = PARLA_PAYMENTS (object);

  if (self->local_secret != NULL)
    sodium_memzero (self->local_secret, strlen (self->local_secret));
  g_free (self->local_secret);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->context, g_main_context_unref);

  G_OBJECT_CLASS (parla_payments_parent_class)->finalize (object);
}

static void
parla_payments_class_init (ParlaPaymentsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_payments_dispose;
  object_class->finalize = parla_payments_finalize;
}

static void
parla_payments_init (ParlaPayments *self)
{
  self->cancellable = g_cancellable_new ();
}

ParlaPayments *
parla_payments_new (ParlaServer             *server,
                    const ParlaServerConfig *config)
{
  ParlaPayments *self = g_object_new (PARLA_TYPE_PAYMENTS, NULL);
  guint8 secret[32];
  char hex[2 * sizeof secret + 1];

  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");

  self->server = server;
  self->config = config;
  self->context = g_main_context_ref_thread_default ();

  randombytes_buf (secret, sizeof secret);
  sodium_bin2hex (hex, sizeof hex, secret, sizeof secret);
  self->local_secret = g_strconcat ("whsec_local_", hex, NULL);
  sodium_memzero (secret, sizeof secret);
  sodium_memzero (hex, sizeof hex);

  if (parla_payments_get_mode (config) == PARLA_PAYMENTS_STRIPE)
    {
      self->stripe = parla_stripe_new (config->stripe_api_base, config->stripe_secret_key);
      if (config->stripe_webhook_secret == NULL || config->stripe_webhook_secret[0] == '\0')
        g_message ("STRIPE_WEBHOOK_SECRET is not set: no webhook is accepted, so no payment is confirmed");
    }
  else if (parla_payments_is_test_mode (config))
    g_message ("Payments run in TEST MODE: paid bookings are completed by the server, no money moves");

  self->timer = g_timeout_source_new_seconds (MAX (1, config->payment_scan_seconds));
  g_source_set_callback (self->timer, on_timer_cb, self, NULL);
  g_source_attach (self->timer, self->context);

  /* What a previous run decided and did not send yet goes out now. */
  parla_payments_kick (self);

  return self;
}

void
parla_payments_kick (ParlaPayments *self)
{
  g_return_if_fail (PARLA_IS_PAYMENTS (self));

  if (g_cancellable_is_cancelled (self->cancellable))
    return;

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, on_kick_cb,
                              g_object_ref (self), g_object_unref);
}

/**
 * parla_payments_shutdown:
 *
 * Stops the timer and cancels the calls in flight; rows not recorded as
 * sent are sent again on the next start.
 */
void
parla_payments_shutdown (ParlaPayments *self)
{
  g_return_if_fail (PARLA_IS_PAYMENTS (self));

  g_cancellable_cancel (self->cancellable);
  if (self->timer != NULL)
    {
      g_source_destroy (self->timer);
      g_clear_pointer (&self->timer, g_source_unref);
    }
}
