/* stripe-standin.h: a local stand-in for Stripe's API, for the tests
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A SoupServer on a loopback port, on its own thread, that checks what
 * Stripe checks (the Authorization header, form-encoded bodies, required
 * parameters, idempotency keys) and keeps Checkout Sessions,
 * PaymentIntents, Refunds and Transfers through their lifecycles. It sends
 * webhooks signed the way Stripe signs them, in order, from its thread.
 */

#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct _StripeStandin StripeStandin;

StripeStandin *stripe_standin_new          (const char    *secret_key,
                                            const char    *webhook_secret);
void           stripe_standin_free         (StripeStandin *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (StripeStandin, stripe_standin_free)

/* "http://127.0.0.1:PORT": the server's STRIPE_API_BASE */
const char    *stripe_standin_get_url      (StripeStandin *self);
/* Where webhooks go, e.g. the server's .../payments/stripe/webhook. */
void           stripe_standin_set_webhook_url (StripeStandin *self,
                                            const char    *url);
/* Its clock for expires_at checks and event timestamps; 0: the real one. */
void           stripe_standin_set_now      (StripeStandin *self,
                                            gint64         now);

/* Requests to a path starting with @prefix are carried out but not
 * answered (and their events not sent) until released; NULL holds none. */
void           stripe_standin_hold         (StripeStandin *self,
                                            const char    *prefix);
guint          stripe_standin_n_held       (StripeStandin *self);
void           stripe_standin_release      (StripeStandin *self);

/* How many requests reached @path (exactly), how many objects of @kind
 * ("checkout.session", "refund", "transfer", ...) exist. */
guint          stripe_standin_n_requests   (StripeStandin *self,
                                            const char    *path);
guint          stripe_standin_n_objects    (StripeStandin *self,
                                            const char    *kind);
/* (transfer full) (nullable): a copy of the object */
JsonNode      *stripe_standin_dup_object   (StripeStandin *self,
                                            const char    *id);
/* (transfer full) (nullable): the id of the Checkout Session of a booking */
char          *stripe_standin_dup_checkout_for (StripeStandin *self,
                                            const char    *booking_id);

/* The learner pays: the session completes, its PaymentIntent succeeds,
 * and checkout.session.completed and payment_intent.succeeded are sent. */
void           stripe_standin_pay          (StripeStandin *self,
                                            const char    *session_id);
/* The session's time ran out: checkout.session.expired is sent. */
void           stripe_standin_expire       (StripeStandin *self,
                                            const char    *session_id);
/* Webhook deliveries so far, and those the server answered with 2xx. */
guint          stripe_standin_n_delivered  (StripeStandin *self);
guint          stripe_standin_n_accepted   (StripeStandin *self);

/* The Stripe-Signature value for @payload, as Stripe computes it. */
char          *stripe_standin_sign         (const char    *secret,
                                            gint64         timestamp,
                                            const char    *payload);

G_END_DECLS
