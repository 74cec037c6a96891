/* parla-admin.h: making an admin account from the command line
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-server.h"

G_BEGIN_DECLS

/* Migrates the database of @config, then makes an admin account for
 * @email with @password (8 to 128 characters); an existing account of
 * @email becomes an admin and takes @password. Sets *out_user_id to its
 * id. Errors are PARLA_ERROR invalid_input or database errors. */
gboolean    parla_admin_create  (const ParlaServerConfig  *config,
                                 const char               *email,
                                 const char               *password,
                                 char                    **out_user_id,
                                 GError                  **error);

G_END_DECLS
