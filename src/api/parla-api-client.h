/* parla-api-client.h: the REST client of parla-server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "parla-core.h"
#include "parla-token-store.h"

G_BEGIN_DECLS

/* Whether sending the same request again later may succeed. */
gboolean parla_api_error_is_transient (const GError *error);

/* ParlaApiQuery: the query string of a request, built from typed values
 * and escaped as it is built. */
typedef struct _ParlaApiQuery ParlaApiQuery;

#define PARLA_TYPE_API_QUERY (parla_api_query_get_type ())

GType          parla_api_query_get_type      (void) G_GNUC_CONST;
ParlaApiQuery *parla_api_query_new           (void);
ParlaApiQuery *parla_api_query_ref           (ParlaApiQuery *self);
void           parla_api_query_unref         (ParlaApiQuery *self);
void           parla_api_query_add_string    (ParlaApiQuery *self,
                                              const char    *name,
                                              const char    *value);
void           parla_api_query_add_int       (ParlaApiQuery *self,
                                              const char    *name,
                                              gint64         value);
void           parla_api_query_add_boolean   (ParlaApiQuery *self,
                                              const char    *name,
                                              gboolean       value);
void           parla_api_query_add_instant   (ParlaApiQuery *self,
                                              const char    *name,
                                              gint64         instant);
void           parla_api_query_add_date_time (ParlaApiQuery *self,
                                              const char    *name,
                                              GDateTime     *date_time);
gboolean       parla_api_query_is_empty      (ParlaApiQuery *self);
char          *parla_api_query_to_string     (ParlaApiQuery *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaApiQuery, parla_api_query_unref)

/* ParlaApiPage: one page of a list answer. */
typedef struct _ParlaApiPage ParlaApiPage;

#define PARLA_TYPE_API_PAGE (parla_api_page_get_type ())

GType         parla_api_page_get_type        (void) G_GNUC_CONST;
ParlaApiPage *parla_api_page_ref             (ParlaApiPage *self);
void          parla_api_page_unref           (ParlaApiPage *self);
GListModel   *parla_api_page_get_items       (ParlaApiPage *self);
guint         parla_api_page_get_n_items     (ParlaApiPage *self);
gpointer      parla_api_page_get_item        (ParlaApiPage *self,
                                              guint         position);
gint64        parla_api_page_get_total       (ParlaApiPage *self);
gboolean      parla_api_page_get_total_exact (ParlaApiPage *self);
int           parla_api_page_get_page        (ParlaApiPage *self);
int           parla_api_page_get_limit       (ParlaApiPage *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaApiPage, parla_api_page_unref)

#define PARLA_TYPE_API_CLIENT (parla_api_client_get_type ())

G_DECLARE_FINAL_TYPE (ParlaApiClient, parla_api_client, PARLA, API_CLIENT, GObject)

ParlaApiClient    *parla_api_client_new                             (const char           *base_url,
                                                                     ParlaTokenStore      *token_store,
                                                                     GError              **error);
const char        *parla_api_client_get_base_url                    (ParlaApiClient       *self);
ParlaTokenStore   *parla_api_client_get_token_store                 (ParlaApiClient       *self);
const char        *parla_api_client_get_token                       (ParlaApiClient       *self);
void               parla_api_client_set_token                       (ParlaApiClient       *self,
                                                                     const char           *token);

void               parla_api_client_send_async                      (ParlaApiClient       *self,
                                                                     const char           *method,
                                                                     const char           *path,
                                                                     JsonNode             *body,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_send_finish                     (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);
JsonNode          *parla_api_client_send_finish_full                (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     guint                *out_status,
                                                                     gboolean             *out_replayed,
                                                                     GError              **error);

void               parla_api_client_register_async                  (ParlaApiClient       *self,
                                                                     const char           *email,
                                                                     const char           *password,
                                                                     const char           *display_name,
                                                                     ParlaRole             role,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaUser         *parla_api_client_register_finish                 (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_login_async                     (ParlaApiClient       *self,
                                                                     const char           *email,
                                                                     const char           *password,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaUser         *parla_api_client_login_finish                    (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_logout_async                    (ParlaApiClient       *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean           parla_api_client_logout_finish                   (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_restore_async                   (ParlaApiClient       *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean           parla_api_client_restore_finish                  (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     char                **out_email,
                                                                     GError              **error);

void               parla_api_client_get_me_async                    (ParlaApiClient       *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaUser         *parla_api_client_get_me_finish                   (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_health_async                    (ParlaApiClient       *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_health_finish                   (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_list_teachers_async             (ParlaApiClient       *self,
                                                                     ParlaApiQuery        *query,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaApiPage      *parla_api_client_list_teachers_finish            (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_teacher_async               (ParlaApiClient       *self,
                                                                     const char           *teacher_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaTeacher      *parla_api_client_get_teacher_finish              (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_put_teacher_profile_async       (ParlaApiClient       *self,
                                                                     ParlaTeacher         *profile,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaTeacher      *parla_api_client_put_teacher_profile_finish      (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_teacher_availability_async  (ParlaApiClient       *self,
                                                                     const char           *teacher_id,
                                                                     ParlaApiQuery        *query,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_get_teacher_availability_finish (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_my_availability_async       (ParlaApiClient       *self,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaAvailability *parla_api_client_get_my_availability_finish      (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_put_my_availability_async       (ParlaApiClient       *self,
                                                                     ParlaAvailability    *availability,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaAvailability *parla_api_client_put_my_availability_finish      (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_list_offerings_async            (ParlaApiClient       *self,
                                                                     ParlaApiQuery        *query,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaApiPage      *parla_api_client_list_offerings_finish           (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_offering_async              (ParlaApiClient       *self,
                                                                     const char           *offering_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaOffering     *parla_api_client_get_offering_finish             (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_create_offering_async           (ParlaApiClient       *self,
                                                                     ParlaOffering        *offering,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaOffering     *parla_api_client_create_offering_finish          (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_update_offering_async           (ParlaApiClient       *self,
                                                                     const char           *offering_id,
                                                                     JsonNode             *changes,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaOffering     *parla_api_client_update_offering_finish          (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_archive_offering_async          (ParlaApiClient       *self,
                                                                     const char           *offering_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
gboolean           parla_api_client_archive_offering_finish         (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_list_sessions_async             (ParlaApiClient       *self,
                                                                     ParlaApiQuery        *query,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaApiPage      *parla_api_client_list_sessions_finish            (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_session_async               (ParlaApiClient       *self,
                                                                     const char           *session_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaSession      *parla_api_client_get_session_finish              (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_create_session_async            (ParlaApiClient       *self,
                                                                     ParlaSession         *session,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaSession      *parla_api_client_create_session_finish           (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_update_session_async            (ParlaApiClient       *self,
                                                                     const char           *session_id,
                                                                     JsonNode             *changes,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaSession      *parla_api_client_update_session_finish           (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_join_session_async              (ParlaApiClient       *self,
                                                                     const char           *session_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_join_session_finish             (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_join_booking_async              (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_join_booking_finish             (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_call_async                  (ParlaApiClient       *self,
                                                                     const char           *call_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_get_call_finish                 (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_book_session_async              (ParlaApiClient       *self,
                                                                     const char           *session_id,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_book_session_finish             (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_cancel_seat_async               (ParlaApiClient       *self,
                                                                     const char           *session_id,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_cancel_seat_finish              (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_book_offering_async             (ParlaApiClient       *self,
                                                                     const char           *offering_id,
                                                                     gint64                start,
                                                                     const char           *topic,
                                                                     const char           *message,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_book_offering_finish            (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_list_my_bookings_async          (ParlaApiClient       *self,
                                                                     ParlaApiQuery        *query,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaApiPage      *parla_api_client_list_my_bookings_finish         (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_booking_async               (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_get_booking_finish              (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_accept_booking_async            (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_accept_booking_finish           (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_reject_booking_async            (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_reject_booking_finish           (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_reschedule_booking_async        (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     gint64                start,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_reschedule_booking_finish       (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_cancel_booking_async            (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     const char           *reason,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_cancel_booking_finish           (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_list_session_messages_async     (ParlaApiClient       *self,
                                                                     const char           *session_id,
                                                                     gint64                before,
                                                                     int                   limit,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_list_session_messages_finish    (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_list_booking_messages_async     (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     gint64                before,
                                                                     int                   limit,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_list_booking_messages_finish    (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_list_teacher_reviews_async      (ParlaApiClient       *self,
                                                                     const char           *teacher_id,
                                                                     int                   offset,
                                                                     int                   limit,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_list_teacher_reviews_finish     (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_review_booking_async            (ParlaApiClient       *self,
                                                                     const char           *booking_id,
                                                                     int                   rating,
                                                                     const char           *text,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
JsonNode          *parla_api_client_review_booking_finish           (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_get_cancellation_policy_async   (ParlaApiClient       *self,
                                                                     const char           *offering_id,
                                                                     const char           *session_id,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaPolicy       *parla_api_client_get_cancellation_policy_finish  (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_book_offering_full_async        (ParlaApiClient       *self,
                                                                     const char           *offering_id,
                                                                     gint64                start,
                                                                     const char           *topic,
                                                                     const char           *message,
                                                                     const char           *learner_time_zone,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_book_offering_full_finish       (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_book_session_full_async         (ParlaApiClient       *self,
                                                                     const char           *session_id,
                                                                     const char           *learner_time_zone,
                                                                     const char           *idempotency_key,
                                                                     GCancellable         *cancellable,
                                                                     GAsyncReadyCallback   callback,
                                                                     gpointer              user_data);
ParlaBooking      *parla_api_client_book_session_full_finish        (ParlaApiClient       *self,
                                                                     GAsyncResult         *result,
                                                                     GError              **error);

void               parla_api_client_reject_booking_with_reason_async (ParlaApiClient      *self,
                                                                      const char          *booking_id,
                                                                      const char          *reason,
                                                                      const char          *idempotency_key,
                                                                      GCancellable        *cancellable,
                                                                      GAsyncReadyCallback  callback,
                                                                      gpointer             user_data);
ParlaBooking      *parla_api_client_reject_booking_with_reason_finish (ParlaApiClient     *self,
                                                                      GAsyncResult       *result,
                                                                      GError            **error);

G_END_DECLS
