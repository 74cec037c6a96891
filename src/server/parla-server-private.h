/* parla-server-private.h: what the route files share
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-db.h"
#include "parla-server.h"

G_BEGIN_DECLS

typedef struct _ParlaRequest ParlaRequest;
typedef struct _ParlaHubEvent ParlaHubEvent;
typedef struct _ParlaHub ParlaHub;
typedef struct _ParlaPayments ParlaPayments;

/* Work on the main context once a request's transaction committed and
 * before it is answered (e.g. a call to Stripe); it may replace
 * req->response or set req->error, then calls @resume (@resume_data). */
typedef void (*ParlaAfterCommit) (ParlaRequest *req,
                                  GSourceFunc   resume,
                                  gpointer      resume_data);

/* A handler runs on a worker thread with its own database connection. It
 * returns the response body (or NULL for 204) and may set req->status;
 * on failure it returns NULL and sets @error from the catalogue. */
typedef JsonNode *(*ParlaHandler) (ParlaRequest  *req,
                                   GError       **error);

typedef enum
{
  PARLA_ROUTE_PUBLIC      = 0,
  PARLA_ROUTE_AUTH        = 1 << 0,  /* a valid token is required */
  PARLA_ROUTE_AUTH_OPT    = 1 << 1,  /* a token, if given, must be valid */
  PARLA_ROUTE_WRITE       = 1 << 2,  /* runs inside one write transaction */
  PARLA_ROUTE_OWN_TXN     = 1 << 3,  /* the handler manages transactions (slow CPU work first) */
  PARLA_ROUTE_BODY        = 1 << 4,  /* a JSON object body is required */
  PARLA_ROUTE_BODY_OPT    = 1 << 5,  /* an empty body or a JSON object */
  PARLA_ROUTE_IDEMPOTENT  = 1 << 6,  /* honours Idempotency-Key */
  PARLA_ROUTE_WEBSOCKET   = 1 << 7,  /* upgrades to the hub once the handler succeeded */
} ParlaRouteFlags;

typedef struct
{
  const char      *method;
  const char      *pattern;
  ParlaHandler     handler;
  ParlaRouteFlags  flags;
} ParlaRoute;

struct _ParlaRequest
{
  /* borrowed */
  ParlaServer       *server;
  const ParlaRoute  *route;
  ParlaDb           *db;
  const ParlaServerConfig *config;

  /* owned: the request */
  char              *method;
  char              *path;
  GPtrArray         *params;          /* path parameters, in pattern order */
  GHashTable        *query;           /* name -> value */
  GBytes            *body;
  char              *authorization;
  char              *idempotency_key;
  char              *stripe_signature;
  char              *remote_address;
  JsonNode          *json;            /* the parsed body, or NULL */
  gint64             now;

  /* owned: the caller, when signed in */
  char              *user_id;
  char              *user_name;
  char              *user_email;
  ParlaRole          user_role;
  char              *token_hash;

  /* owned: the response */
  guint              status;
  JsonNode          *response;
  GError            *error;
  gboolean           replayed;
  gboolean           queued_write;     /* for the writer thread's batch */

  /* owned: ParlaHubEvent to push once the transaction committed */
  GPtrArray         *events;

  /* set by a handler: see #ParlaAfterCommit */
  ParlaAfterCommit   after_commit;
};

/* parla-request.c */
const char *parla_request_param           (ParlaRequest  *req,
                                           guint          index);
const char *parla_request_query           (ParlaRequest  *req,
                                           const char    *name);
JsonObject *parla_request_body            (ParlaRequest  *req);
gboolean    parla_request_query_int       (ParlaRequest  *req,
                                           const char    *name,
                                           gint64         min,
                                           gint64         max,
                                           gint64         fallback,
                                           gint64        *out,
                                           GError       **error);
gboolean    parla_request_query_bool      (ParlaRequest  *req,
                                           const char    *name,
                                           int           *out,   /* -1 absent, 0, 1 */
                                           GError       **error);
gboolean    parla_request_query_instant   (ParlaRequest  *req,
                                           const char    *name,
                                           gint64         fallback,
                                           gint64        *out,
                                           GError       **error);
gboolean    parla_request_query_enum      (ParlaRequest  *req,
                                           const char    *name,
                                           const char * const *values,
                                           int           *out,   /* -1 absent */
                                           GError       **error);
gboolean    parla_request_page            (ParlaRequest  *req,
                                           gint64        *page,
                                           gint64        *limit,
                                           GError       **error);
gboolean    parla_request_require_role    (ParlaRequest  *req,
                                           ParlaRole      role,
                                           const char    *message,
                                           GError       **error);
JsonNode   *parla_request_list_response   (GPtrArray     *items,   /* of JsonNode, consumed */
                                           gint64         total,
                                           gint64         page,
                                           gint64         limit);
char       *parla_like_pattern            (const char    *text);
char      **parla_search_words            (const char    *text);
void        parla_request_add_event       (ParlaRequest  *req,
                                           ParlaHubEvent *event);   /* (transfer full) */

/* parla-auth.c */
char       *parla_auth_hash_password      (const ParlaServerConfig *config,
                                           const char    *password,
                                           GError       **error);
gboolean    parla_auth_verify_password    (const char    *hash,
                                           const char    *password);
void        parla_auth_burn_verify        (const ParlaServerConfig *config);
char       *parla_auth_new_token          (char         **out_hash);
char       *parla_auth_hash_token         (const char    *token);
gboolean    parla_auth_authenticate       (ParlaRequest  *req,
                                           GError       **error);
gboolean    parla_auth_create_token       (ParlaRequest  *req,
                                           const char    *user_id,
                                           char         **out_token,
                                           GError       **error);

typedef struct _ParlaLoginLimiter ParlaLoginLimiter;
ParlaLoginLimiter *parla_login_limiter_new    (const ParlaServerConfig *config);
void        parla_login_limiter_free      (ParlaLoginLimiter *limiter);
gboolean    parla_login_limiter_allowed   (ParlaLoginLimiter *limiter,
                                           const char    *account,
                                           const char    *address,
                                           gint64         now);
void        parla_login_limiter_failed    (ParlaLoginLimiter *limiter,
                                           const char    *account,
                                           const char    *address,
                                           gint64         now);
ParlaLoginLimiter *_parla_server_get_login_limiter (ParlaServer *self);
ParlaHub   *_parla_server_get_hub         (ParlaServer   *self);
ParlaPayments *_parla_server_get_payments (ParlaServer   *self);

/* parla-server.c: work for the hub, on a worker thread with a database
 * connection of the pool, like a request's handler. @now is the server
 * clock. */
typedef gpointer (*ParlaDbWork) (ParlaDb   *db,
                                 gint64     now,
                                 gpointer   data,
                                 GError   **error);
void        _parla_server_run_async       (ParlaServer         *self,
                                           ParlaDbWork          work,
                                           gpointer             data,
                                           GDestroyNotify       data_free,
                                           GDestroyNotify       result_free,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data);
gpointer    _parla_server_run_finish      (ParlaServer         *self,
                                           GAsyncResult        *result,
                                           GError             **error);

/* parla-bookings.c: the rules every booking path shares */
gboolean    parla_teacher_lock            (ParlaRequest  *req,
                                           const char    *teacher_id,
                                           GError       **error);
GArray     *parla_teacher_commitments     (ParlaRequest  *req,
                                           const char    *teacher_id,
                                           gint64         from,
                                           gint64         to,
                                           const char    *except_booking_id,
                                           const char    *except_session_id,
                                           GError       **error);
ParlaAvailability *parla_teacher_load_availability (ParlaRequest *req,
                                           const char    *teacher_id,
                                           GError       **error);
ParlaBooking *parla_booking_load          (ParlaRequest  *req,
                                           const char    *booking_id,
                                           gboolean       with_history,
                                           GError       **error);
ParlaBooking *parla_booking_load_any      (ParlaRequest  *req,
                                           const char    *booking_id,
                                           GError       **error);
gboolean    parla_booking_record_change   (ParlaRequest  *req,
                                           const char    *booking_id,
                                           const char    *action,
                                           const char    *status,
                                           gint64         from_start,
                                           gint64         from_end,
                                           gint64         to_start,
                                           gint64         to_end,
                                           GError       **error);
typedef struct
{
  ParlaBookingKind    kind;
  const char         *session_id;
  const char         *offering_id;
  const char         *teacher_id;
  const char         *title;
  gint64              start;
  gint64              end;
  ParlaBookingStatus  status;
  const char         *topic;
  const char         *message;
  gint64              price_minor;
  const char         *currency;
  ParlaBookingStatus  paid_status;   /* with status payment_pending: the status once paid */
  const char         *learner_time_zone;  /* NULL: UTC */
} ParlaNewBooking;

gboolean    parla_add_cancellation_policy (ParlaRequest  *req,
                                           JsonNode      *resource,
                                           const char    *teacher_id,
                                           GHashTable    *cache,
                                           GError       **error);
gboolean    parla_booking_read_time_zone  (ParlaRequest  *req,
                                           JsonObject    *body,
                                           char         **out_zone,
                                           GError       **error);

char       *parla_booking_insert          (ParlaRequest  *req,
                                           const ParlaNewBooking *booking,
                                           GError       **error);
JsonNode   *parla_booking_create          (ParlaRequest  *req,
                                           const ParlaNewBooking *booking,
                                           GError       **error);
ParlaBooking *parla_booking_cancel        (ParlaRequest  *req,
                                           const char    *booking_id,
                                           ParlaParty     by,
                                           GError       **error);
GPtrArray  *parla_bookings_query          (ParlaRequest  *req,
                                           const char    *sql_tail,
                                           ParlaDbParams *params,
                                           GError       **error);
ParlaSession *parla_session_load          (ParlaRequest  *req,
                                           const char    *session_id,
                                           GError       **error);
ParlaOffering *parla_offering_load        (ParlaRequest  *req,
                                           const char    *id,
                                           GError       **error);
gboolean    parla_offering_store          (ParlaRequest  *req,
                                           ParlaOffering *offering,
                                           gboolean       insert,
                                           GError       **error);
gboolean    parla_session_store           (ParlaRequest  *req,
                                           ParlaSession  *session,
                                           gboolean       insert,
                                           GError       **error);
gboolean    parla_teacher_store_profile   (ParlaRequest  *req,
                                           ParlaTeacher  *input,
                                           GError       **error);
gboolean    parla_offering_refresh_prices (ParlaRequest  *req,
                                           const char    *teacher_id,
                                           GError       **error);

/* parla-bookings.c: session events, published after the commit */
void        parla_events_booking          (ParlaRequest  *req,
                                           const char    *type,
                                           ParlaBooking  *booking);
gboolean    parla_events_seats            (ParlaRequest  *req,
                                           const char    *session_id,
                                           GError       **error);
GStrv       parla_session_dup_learner_ids (ParlaRequest  *req,
                                           const char    *session_id,
                                           GError       **error);

/* The route tables of each resource, terminated by { NULL }. */
extern const ParlaRoute parla_auth_routes[];
extern const ParlaRoute parla_teacher_routes[];
extern const ParlaRoute parla_availability_routes[];
extern const ParlaRoute parla_offering_routes[];
extern const ParlaRoute parla_session_routes[];
extern const ParlaRoute parla_booking_routes[];
extern const ParlaRoute parla_review_routes[];
extern const ParlaRoute parla_meta_routes[];
extern const ParlaRoute parla_realtime_routes[];
extern const ParlaRoute parla_call_routes[];
extern const ParlaRoute parla_payment_routes[];

/* parla-route-reviews.c */
char       *parla_review_insert           (ParlaRequest  *req,
                                           const char    *booking_id,
                                           const char    *teacher_id,
                                           const char    *learner_id,
                                           gint64         rating,
                                           const char    *text,
                                           GError       **error);

/* parla-demo.c */
gboolean    parla_demo_seed               (ParlaDb       *db,
                                           const ParlaServerConfig *config,
                                           gint64         now,
                                           GError       **error);
gboolean    parla_demo_trial_call         (ParlaDb       *db,
                                           const ParlaServerConfig *config,
                                           gint64         now,
                                           char         **out_session_id,
                                           char         **out_host_email,
                                           GError       **error);

G_END_DECLS
