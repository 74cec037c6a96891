/* parla-error.h: the one error catalogue shared by server and client
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * ParlaError:
 *
 * Every failure the server reports, and the client turns back into a
 * #GError, has one code from this catalogue. The wire name of each code is
 * given by parla_error_code_to_string(); the wire names never change.
 */
typedef enum
{
  PARLA_ERROR_INTERNAL,               /* "internal" 500 */
  PARLA_ERROR_INVALID_INPUT,          /* "invalid_input" 400 */
  PARLA_ERROR_UNAUTHORIZED,           /* "unauthorized" 401 */
  PARLA_ERROR_FORBIDDEN,              /* "forbidden" 403 */
  PARLA_ERROR_NOT_FOUND,              /* "not_found" 404 */
  PARLA_ERROR_METHOD_NOT_ALLOWED,     /* "method_not_allowed" 405 */
  PARLA_ERROR_SLOT_TAKEN,             /* "slot_taken" 409 */
  PARLA_ERROR_SLOT_UNAVAILABLE,       /* "slot_unavailable" 409 */
  PARLA_ERROR_INVALID_STATE,          /* "invalid_state" 409 */
  PARLA_ERROR_EMAIL_TAKEN,            /* "email_taken" 409 */
  PARLA_ERROR_IDEMPOTENCY_CONFLICT,   /* "idempotency_conflict" 409 while running, 422 on body mismatch */
  PARLA_ERROR_PAYLOAD_TOO_LARGE,      /* "payload_too_large" 413 */
  PARLA_ERROR_UNSUPPORTED_MEDIA_TYPE, /* "unsupported_media_type" 415 */
  PARLA_ERROR_RATE_LIMITED,           /* "rate_limited" 429 */
  PARLA_ERROR_UNAVAILABLE,            /* "unavailable" 503 */
  PARLA_ERROR_CONFLICT,               /* "conflict" 409: it exists already (a second review) */
  PARLA_ERROR_NETWORK,                /* "network": client side only, never sent by the server */
} ParlaError;

#define PARLA_ERROR_N_CODES (PARLA_ERROR_NETWORK + 1)

#define PARLA_ERROR (parla_error_quark ())
GQuark      parla_error_quark                (void);

const char *parla_error_code_to_string       (ParlaError    code);
gboolean    parla_error_code_from_string     (const char   *name,
                                              ParlaError   *code);
guint       parla_error_code_http_status     (ParlaError    code);
const char *parla_error_code_default_message (ParlaError    code);

void        parla_set_error                  (GError      **error,
                                              ParlaError    code,
                                              const char   *field,
                                              const char   *format,
                                              ...) G_GNUC_PRINTF (4, 5);
GError     *parla_error_new                  (ParlaError    code,
                                              const char   *field,
                                              const char   *format,
                                              ...) G_GNUC_PRINTF (3, 4);
const char *parla_error_get_field            (const GError *error);
guint       parla_error_get_http_status      (const GError *error);
void        parla_error_prefix_field         (GError       *error,
                                              const char   *prefix);

JsonNode   *parla_error_to_json              (const GError *error);
GError     *parla_error_from_json            (JsonNode     *node,
                                              guint         http_status);

G_END_DECLS
