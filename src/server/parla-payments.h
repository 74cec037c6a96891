/* parla-payments.h: paid bookings, Stripe's webhooks, the outbox of
 * calls to Stripe, the ledger and teachers' earnings
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-server-private.h"

G_BEGIN_DECLS

#define PARLA_TYPE_PAYMENTS (parla_payments_get_type ())
G_DECLARE_FINAL_TYPE (ParlaPayments, parla_payments, PARLA, PAYMENTS, GObject)

/* Made by the server on its main context: releases expired holds and
 * drains the outbox every payment_scan_seconds, and at once on start. */
ParlaPayments *parla_payments_new          (ParlaServer             *server,
                                            const ParlaServerConfig *config);
void           parla_payments_shutdown     (ParlaPayments           *self);
/* Looks at the outbox and the holds now (main context). */
void           parla_payments_kick         (ParlaPayments           *self);

typedef enum
{
  PARLA_PAYMENTS_OFF,     /* paid items book as free ones do */
  PARLA_PAYMENTS_TEST,    /* the server's own, labelled, test checkout */
  PARLA_PAYMENTS_STRIPE,
} ParlaPaymentsMode;

gboolean       parla_payments_check_config (const ParlaServerConfig *config,
                                            GError                 **error);
ParlaPaymentsMode parla_payments_get_mode  (const ParlaServerConfig *config);
gboolean       parla_payments_is_test_mode (const ParlaServerConfig *config);
gboolean       parla_payments_enabled      (const ParlaServerConfig *config);

/* Inside a write transaction */
ParlaPolicy   *parla_payments_dup_policy   (ParlaRequest            *req,
                                            const char              *teacher_id,
                                            GError                 **error);
gboolean       parla_payments_hold         (ParlaRequest            *req,
                                            const char              *booking_id,
                                            ParlaBookingStatus       paid_status,
                                            GError                 **error);
gboolean       parla_payments_release_expired (ParlaRequest         *req,
                                            GError                 **error);
gboolean       parla_payments_on_cancel    (ParlaRequest            *req,
                                            ParlaBooking            *booking,
                                            gint64                  *inout_refund,
                                            GError                 **error);
gboolean       parla_payments_refund       (ParlaRequest            *req,
                                            const char              *booking_id,
                                            gint64                   amount,
                                            GError                 **error);

G_END_DECLS
