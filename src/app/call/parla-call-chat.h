/* parla-call-chat.h: the chat sidebar of a call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_CALL_CHAT (parla_call_chat_get_type ())
G_DECLARE_FINAL_TYPE (ParlaCallChat, parla_call_chat, PARLA, CALL_CHAT, GtkWidget)

GtkWidget *parla_call_chat_new           (ParlaContext  *context,
                                          const char    *room,
                                          JsonArray     *participants);
guint      parla_call_chat_get_unread    (ParlaCallChat *self);
gboolean   parla_call_chat_get_active    (ParlaCallChat *self);
void       parla_call_chat_set_active    (ParlaCallChat *self,
                                          gboolean       active);
guint      parla_call_chat_get_n_messages (ParlaCallChat *self);
void       parla_call_chat_focus_entry   (ParlaCallChat *self);

G_END_DECLS
