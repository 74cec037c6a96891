/* parla-context.h: the services one signed-in app instance works with
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "parla-api-client.h"
#include "parla-outbox.h"
#include "parla-realtime.h"
#include "parla-user.h"

G_BEGIN_DECLS

#define PARLA_TYPE_CONTEXT (parla_context_get_type ())

G_DECLARE_FINAL_TYPE (ParlaContext, parla_context, PARLA, CONTEXT, GObject)

ParlaContext   *parla_context_new              (const char           *server_url,
                                                GSettings            *settings,
                                                GError              **error);

const char     *parla_context_get_server_url   (ParlaContext         *self);
gboolean        parla_context_set_server_url   (ParlaContext         *self,
                                                const char           *server_url,
                                                GError              **error);
GSettings      *parla_context_get_settings     (ParlaContext         *self);
ParlaApiClient *parla_context_get_api_client   (ParlaContext         *self);
ParlaRealtime  *parla_context_get_realtime     (ParlaContext         *self);
ParlaOutbox    *parla_context_get_outbox       (ParlaContext         *self);
ParlaUser      *parla_context_get_user         (ParlaContext         *self);
gboolean        parla_context_get_signed_in    (ParlaContext         *self);
gboolean        parla_context_get_is_teacher   (ParlaContext         *self);
gboolean        parla_context_get_online       (ParlaContext         *self);
void            parla_context_report_offline   (ParlaContext         *self,
                                                const GError         *error);
GTimeZone      *parla_context_get_time_zone    (ParlaContext         *self);

void            parla_context_restore_async    (ParlaContext         *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        parla_context_restore_finish   (ParlaContext         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void            parla_context_sign_in_async    (ParlaContext         *self,
                                                const char           *email,
                                                const char           *password,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        parla_context_sign_in_finish   (ParlaContext         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void            parla_context_sign_up_async    (ParlaContext         *self,
                                                const char           *email,
                                                const char           *password,
                                                const char           *display_name,
                                                ParlaRole             role,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        parla_context_sign_up_finish   (ParlaContext         *self,
                                                GAsyncResult         *result,
                                                GError              **error);
void            parla_context_sign_out_async   (ParlaContext         *self,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean        parla_context_sign_out_finish  (ParlaContext         *self,
                                                GAsyncResult         *result,
                                                GError              **error);

G_END_DECLS
