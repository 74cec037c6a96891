/* parla-stripe.h: Stripe's REST API (form-encoded requests, JSON
 * answers, idempotency keys) and its webhook signatures
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define PARLA_STRIPE_DEFAULT_API_BASE "https://api.stripe.com"
/* Stripe's own default: a signed event older (or newer) than this on our
 * clock is refused. */
#define PARLA_STRIPE_TOLERANCE_SECONDS 300

#define PARLA_STRIPE_ERROR (parla_stripe_error_quark ())
typedef enum
{
  PARLA_STRIPE_ERROR_SIGNATURE,   /* missing, malformed, wrong or stale Stripe-Signature */
  PARLA_STRIPE_ERROR_REQUEST,     /* Stripe refused the request (4xx): retrying will not help */
  PARLA_STRIPE_ERROR_TRANSIENT,   /* network, 409, 429 or 5xx: try again with the same key */
} ParlaStripeError;

GQuark       parla_stripe_error_quark       (void);

gboolean     parla_stripe_verify_signature  (const char    *header,
                                             GBytes        *payload,
                                             const char    *secrets,
                                             gint64         now,
                                             gint64         tolerance,
                                             GError       **error);
char        *parla_stripe_sign              (const char    *secret,
                                             gint64         timestamp,
                                             GBytes        *payload);

/* A form body such as Stripe takes: "a=1&metadata[booking_id]=x". */
typedef struct _ParlaStripeForm ParlaStripeForm;

ParlaStripeForm *parla_stripe_form_new      (void);
void         parla_stripe_form_add          (ParlaStripeForm *form,
                                             const char      *name,
                                             const char      *value);
void         parla_stripe_form_add_int      (ParlaStripeForm *form,
                                             const char      *name,
                                             gint64           value);
const char  *parla_stripe_form_get_text     (ParlaStripeForm *form);
void         parla_stripe_form_free         (ParlaStripeForm *form);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaStripeForm, parla_stripe_form_free)

#define PARLA_TYPE_STRIPE (parla_stripe_get_type ())
G_DECLARE_FINAL_TYPE (ParlaStripe, parla_stripe, PARLA, STRIPE, GObject)

ParlaStripe *parla_stripe_new               (const char          *api_base,
                                             const char          *secret_key);
void         parla_stripe_post_async        (ParlaStripe         *self,
                                             const char          *path,
                                             ParlaStripeForm     *form,
                                             const char          *idempotency_key,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
JsonNode    *parla_stripe_post_finish       (ParlaStripe         *self,
                                             GAsyncResult        *result,
                                             GError             **error);

G_END_DECLS
