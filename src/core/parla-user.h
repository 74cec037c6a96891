/* parla-user.h: an account as the server shows it
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-json.h"
#include "parla-types.h"

G_BEGIN_DECLS

/* ParlaUser:
 *
 * {"id","email","display_name","role"}
 *
 * id belongs to the server. created_at is kept locally and never sent. */
#define PARLA_TYPE_USER (parla_user_get_type ())

G_DECLARE_FINAL_TYPE (ParlaUser, parla_user, PARLA, USER, GObject)

ParlaUser  *parla_user_new                  (void);
ParlaUser  *parla_user_new_from_json        (JsonNode       *node,
                                             ParlaJsonMode   mode,
                                             GError        **error);
JsonNode   *parla_user_to_json              (ParlaUser      *self);

gboolean    parla_check_email               (const char     *email,
                                             GError        **error);

const char *parla_user_get_id               (ParlaUser      *self);
void        parla_user_set_id               (ParlaUser      *self,
                                             const char     *id);
const char *parla_user_get_email            (ParlaUser      *self);
void        parla_user_set_email            (ParlaUser      *self,
                                             const char     *email);
const char *parla_user_get_display_name     (ParlaUser      *self);
void        parla_user_set_display_name     (ParlaUser      *self,
                                             const char     *display_name);
ParlaRole   parla_user_get_role             (ParlaUser      *self);
void        parla_user_set_role             (ParlaUser      *self,
                                             ParlaRole       role);
gint64      parla_user_get_created_at       (ParlaUser      *self);
void        parla_user_set_created_at       (ParlaUser      *self,
                                             gint64          created_at);

G_END_DECLS
