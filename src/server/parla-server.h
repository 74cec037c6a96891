/* parla-server.h: the backend, a SoupServer speaking JSON over HTTP
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "parla-core.h"

G_BEGIN_DECLS

typedef gint64 (*ParlaClockFunc) (gpointer user_data);

typedef struct
{
  char        *db_url;                  /* "sqlite:PATH" */
  char        *listen_host;             /* "127.0.0.1" */
  guint        port;                    /* 0 picks a free port */
  gsize        max_body_bytes;          /* 1 MiB */
  guint        worker_threads;          /* 4 */
  int          token_idle_seconds;      /* 14 days without use ends a token */
  int          token_lifetime_seconds;  /* 90 days after sign-in at most */
  int          login_failures_per_hour; /* per account: 100 */
  int          login_burst_failures;    /* per address within login_burst_seconds: 20 */
  int          login_burst_seconds;     /* 300 */
  gsize        pwhash_memlimit;         /* Argon2id memory, bytes: 19 MiB */
  guint64      pwhash_opslimit;         /* Argon2id passes: 2 */
  int          ws_max_message_bytes;    /* one WebSocket message, all fragments: 64 KiB */
  int          ws_messages_per_second;  /* per connection, refill rate: 20 */
  int          ws_message_burst;        /* per connection, bucket size: 100 (a call's ICE candidates) */
  int          ws_max_connections_per_user;  /* 8 */
  int          ws_ping_interval_seconds;     /* 20 */
  int          ws_idle_timeout_seconds;      /* nothing received for this long closes: 60 */
  int          ws_token_check_seconds;       /* revoked or expired tokens close sockets within: 2 */
  int          ws_session_scan_seconds;      /* session.starting/started/ended scan: 60 */
  char        *ws_allowed_origins;           /* more origins than the server's own, space separated,
                                              * e.g. "https://parla.app" behind a TLS proxy; NULL: none */
  char       **stun_urls;                    /* "stun:" URIs handed to call participants; NULL: none */
  char       **turn_urls;                    /* "turn:"/"turns:" URIs, with credentials; NULL: none */
  char        *turn_secret;                  /* coturn's static-auth-secret; NULL: no TURN entry.
                                              * Never logged. */
  int          turn_ttl_seconds;             /* TURN credentials expire after: 86400 */
  char        *stripe_secret_key;            /* STRIPE_SECRET_KEY; NULL: test mode. Never logged. */
  char        *stripe_webhook_secret;        /* STRIPE_WEBHOOK_SECRET, several comma-separated. Never logged. */
  char        *stripe_api_base;              /* STRIPE_API_BASE; NULL: https://api.stripe.com */
  char        *payments_mode;                /* PARLA_PAYMENTS: "auto" (NULL: Stripe with a key, else the
                                              * test mode with --demo, else off), "stripe", "test", "off" */
  int          payment_hold_seconds;         /* an unpaid slot or seat is held: 900 */
  int          payment_scan_seconds;         /* expired holds and the outbox are looked at: 30 */
  int          payout_delay_seconds;         /* a lesson's earnings are available after its end plus: 0 */
  gboolean     demo;
  ParlaPolicy *policy;
  /* calls with a tutor now (parla-instant-calls.c, parla-minutes.c) */
  int          ring_timeout_seconds;         /* a ring unanswered this long moves on: 30 */
  int          missed_rings_limit;           /* rings timing out in a row that make a teacher unavailable: 3 */
  int          billing_unit_seconds;         /* calls are billed per started unit: 60 (per minute) */
  int          balance_grace_seconds;        /* a call out of minutes ends this long after: 10 */
  int          teacher_rate_minor;           /* a teacher earns per billed minute, in minor units: 30 */
  char        *instant_currency;             /* of that rate: "EUR" */
  int          grant_validity_days;          /* minutes granted by an admin expire after: 365 */
  int          expiry_warning_days;          /* minutes.expiring this long before: 7 */
} ParlaServerConfig;

ParlaServerConfig *parla_server_config_new        (void);
void               parla_server_config_free       (ParlaServerConfig  *config);
gboolean           parla_server_config_load_file  (ParlaServerConfig  *config,
                                                   const char         *path,
                                                   GError            **error);
gboolean           parla_server_config_load_env   (ParlaServerConfig  *config,
                                                   const char * const *envp,
                                                   GError            **error);
gboolean           parla_server_config_set_listen (ParlaServerConfig  *config,
                                                   const char         *listen,
                                                   GError            **error);
gboolean           parla_server_config_set        (ParlaServerConfig  *config,
                                                   const char         *group,
                                                   const char         *key,
                                                   const char         *value,
                                                   const char         *origin,
                                                   GError            **error);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaServerConfig, parla_server_config_free)

typedef struct
{
  const char *method;
  const char *pattern;   /* "/api/v1/teachers/{id}/availability" */
} ParlaRouteInfo;

#define PARLA_TYPE_SERVER (parla_server_get_type ())
G_DECLARE_FINAL_TYPE (ParlaServer, parla_server, PARLA, SERVER, GObject)

ParlaServer  *parla_server_new            (const ParlaServerConfig *config,
                                           GError                 **error);
gboolean      parla_server_listen         (ParlaServer             *self,
                                           GError                 **error);
guint         parla_server_get_port       (ParlaServer             *self);
char         *parla_server_dup_base_url   (ParlaServer             *self);
const ParlaServerConfig *parla_server_get_config (ParlaServer           *self);
void          parla_server_shutdown       (ParlaServer             *self);
gboolean      parla_server_seed_demo      (ParlaServer             *self,
                                           GError                 **error);
gboolean      parla_server_demo_trial_call (ParlaServer            *self,
                                            char                  **out_session_id,
                                            char                  **out_host_email,
                                            GError                **error);

void          parla_server_set_clock      (ParlaServer             *self,
                                           ParlaClockFunc           func,
                                           gpointer                 user_data);
gint64        parla_server_now            (ParlaServer             *self);
void          parla_server_set_handler_delay (ParlaServer          *self,
                                           guint                    milliseconds);

const ParlaRouteInfo *parla_server_get_routes (guint               *n_routes);

G_END_DECLS
