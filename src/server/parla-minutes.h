/* parla-minutes.h: prepaid minutes, their ledger and packages
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on a worker thread with a database connection,
 * inside a write transaction the caller opened (reads: any transaction).
 * Amounts are seconds; the wire shows minutes (and seconds).
 */

#pragma once

#include "parla-db.h"

G_BEGIN_DECLS

/* Takes the per-user lock that serialises writers of @user_id's minutes
 * (a row lock on PostgreSQL). Call it before reading a balance that a
 * debit or credit then depends on. */
gboolean    parla_minutes_lock             (ParlaDb      *db,
                                            const char   *user_id,
                                            GError      **error);

/* What @user_id can spend at @now, in seconds, with the soonest expiry
 * among what is left (0: nothing left); -1 on error. */
gint64      parla_minutes_balance          (ParlaDb      *db,
                                            const char   *user_id,
                                            gint64        now,
                                            gint64       *out_expires_at,
                                            GError      **error);

/* A purchase or a grant ("purchase", "grant") of @seconds, valid until
 * @expires_at. Returns the new entry's id, NULL on error. */
char       *parla_minutes_credit           (ParlaDb      *db,
                                            const char   *user_id,
                                            const char   *kind,
                                            gint64        seconds,
                                            gint64        expires_at,
                                            const char   *package_id,
                                            const char   *payment_ref,
                                            const char   *reason,
                                            const char   *created_by,
                                            gint64        now,
                                            GError      **error);

/* Debits up to @seconds for @call_id from the lots that expire first;
 * never more than the balance, so the balance never goes negative.
 * Returns the seconds debited (0 to @seconds), -1 on error. */
gint64      parla_minutes_debit            (ParlaDb      *db,
                                            const char   *user_id,
                                            gint64        seconds,
                                            const char   *call_id,
                                            gint64        now,
                                            GError      **error);

/* Writes an "expiry" entry for what is left of every lot that expired
 * by @now; the users concerned are added to @users (nullable) once
 * each. */
gboolean    parla_minutes_expire           (ParlaDb      *db,
                                            gint64        now,
                                            GPtrArray    *users,
                                            GError      **error);

/**
 * parla_minutes_credit_purchase:
 * @db: a connection inside a write transaction
 * @user_id: the buyer
 * @package_id: the minute package bought (active or not)
 * @payment_ref: the payment's unique reference, e.g. a Stripe payment
 *   intent id
 * @now: the server clock
 * @out_duplicate: (out) (optional): set when @payment_ref was credited
 *   already, in which case nothing is written
 * @error: a #PARLA_ERROR (not_found for an unknown package) or a database
 *   error
 *
 * Credits the package's minutes to @user_id, valid for its validity
 * period from @now. Idempotent on @payment_ref: a second call with the
 * same reference credits nothing and succeeds.
 *
 * Returns: whether the purchase is credited (now or before)
 */
gboolean    parla_minutes_credit_purchase  (ParlaDb      *db,
                                            const char   *user_id,
                                            const char   *package_id,
                                            const char   *payment_ref,
                                            gint64        now,
                                            gboolean     *out_duplicate,
                                            GError      **error);

/* Refunds up to @seconds (0: all it can) of what @call_id was debited,
 * into the lots it came from that have not expired; @out_expired gets
 * the seconds that came from lots expired since. Returns the seconds
 * refunded, or -1 with @error set. (parla-minute-refunds.c) */
gint64      parla_minutes_refund_call      (ParlaDb      *db,
                                            const char   *call_id,
                                            const char   *learner_id,
                                            gint64        seconds,
                                            const char   *reason,
                                            const char   *created_by,
                                            gint64        now,
                                            gint64       *out_expired,
                                            GError      **error);

G_END_DECLS
