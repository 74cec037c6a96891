/* parla-outbox.h: what the user sent while offline, kept on disk until
 * the server has it
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "parla-api-client.h"
#include "parla-realtime.h"

G_BEGIN_DECLS

/**
 * ParlaOutboxKind:
 * @PARLA_OUTBOX_CHAT: a chat message, sent over the realtime connection
 * @PARLA_OUTBOX_REQUEST: a REST request (a booking, a cancellation, a
 *   reschedule), sent with its Idempotency-Key
 */
typedef enum
{
  PARLA_OUTBOX_CHAT,
  PARLA_OUTBOX_REQUEST,
} ParlaOutboxKind;

#define PARLA_TYPE_OUTBOX_KIND (parla_outbox_kind_get_type ())
GType parla_outbox_kind_get_type (void) G_GNUC_CONST;

#define PARLA_TYPE_OUTBOX_ITEM (parla_outbox_item_get_type ())
G_DECLARE_FINAL_TYPE (ParlaOutboxItem, parla_outbox_item, PARLA, OUTBOX_ITEM, GObject)

gint64           parla_outbox_item_get_id          (ParlaOutboxItem  *self);
ParlaOutboxKind  parla_outbox_item_get_kind        (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_key         (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_description (ParlaOutboxItem  *self);
gint64           parla_outbox_item_get_created_at  (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_room        (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_text        (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_to          (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_language    (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_method      (ParlaOutboxItem  *self);
const char      *parla_outbox_item_get_path        (ParlaOutboxItem  *self);
JsonNode        *parla_outbox_item_dup_body        (ParlaOutboxItem  *self);

#define PARLA_TYPE_OUTBOX (parla_outbox_get_type ())
G_DECLARE_FINAL_TYPE (ParlaOutbox, parla_outbox, PARLA, OUTBOX, GObject)

char            *parla_outbox_dup_default_path     (void);
ParlaOutbox     *parla_outbox_new                  (GError          **error);
ParlaOutbox     *parla_outbox_new_for_path         (const char       *path,
                                                    GError          **error);
const char      *parla_outbox_get_path             (ParlaOutbox      *self);

void             parla_outbox_attach               (ParlaOutbox      *self,
                                                    ParlaRealtime    *realtime,
                                                    ParlaApiClient   *client);
ParlaRealtime   *parla_outbox_get_realtime         (ParlaOutbox      *self);
ParlaApiClient  *parla_outbox_get_api_client       (ParlaOutbox      *self);

char            *parla_outbox_enqueue_chat         (ParlaOutbox      *self,
                                                    const char       *room,
                                                    const char       *text,
                                                    const char       *to,
                                                    const char       *language,
                                                    GError          **error);
char            *parla_outbox_enqueue_request      (ParlaOutbox      *self,
                                                    const char       *method,
                                                    const char       *path,
                                                    JsonNode         *body,
                                                    const char       *description,
                                                    GError          **error);

GListModel      *parla_outbox_get_items            (ParlaOutbox      *self);
guint            parla_outbox_get_count            (ParlaOutbox      *self);
gboolean         parla_outbox_get_sending          (ParlaOutbox      *self);

G_END_DECLS
