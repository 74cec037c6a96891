/* parla-token-store.h: bearer tokens kept in the user's keyring
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PARLA_TYPE_TOKEN_STORE (parla_token_store_get_type ())

G_DECLARE_FINAL_TYPE (ParlaTokenStore, parla_token_store, PARLA, TOKEN_STORE, GObject)

ParlaTokenStore *parla_token_store_new           (void);

void             parla_token_store_save_async    (ParlaTokenStore      *self,
                                                  const char           *server_url,
                                                  const char           *email,
                                                  const char           *token,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean         parla_token_store_save_finish   (ParlaTokenStore      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

void             parla_token_store_lookup_async  (ParlaTokenStore      *self,
                                                  const char           *server_url,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
char            *parla_token_store_lookup_finish (ParlaTokenStore      *self,
                                                  GAsyncResult         *result,
                                                  char                **out_email,
                                                  GError              **error);

void             parla_token_store_clear_async   (ParlaTokenStore      *self,
                                                  const char           *server_url,
                                                  GCancellable         *cancellable,
                                                  GAsyncReadyCallback   callback,
                                                  gpointer              user_data);
gboolean         parla_token_store_clear_finish  (ParlaTokenStore      *self,
                                                  GAsyncResult         *result,
                                                  GError              **error);

G_END_DECLS
