/* parla-chat.h: rooms, who belongs to them, and their persisted chat
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything here runs on a worker thread with a database connection,
 * inside the caller's transaction; nothing blocks the main context.
 */

#pragma once

#include <json-glib/json-glib.h>

#include "parla-db.h"

G_BEGIN_DECLS

#define PARLA_CHAT_MAX_TEXT_CHARS  4000
#define PARLA_ROOM_MAX_CHARS       80

/* "session:<id>", "booking:<id>", "call:<id>": checks the form and the
 * kind only. */
gboolean    parla_room_parse          (const char    *room,
                                       const char   **kind,     /* (out) static, e.g. "session" */
                                       char         **id);      /* (out) (transfer full) */
char       *parla_room_name           (const char    *kind,
                                       const char    *id);
/* Sets *is_member; FALSE only on a database error. */
gboolean    parla_room_check_member   (ParlaDb       *db,
                                       const char    *room,
                                       const char    *user_id,
                                       gboolean      *is_member,
                                       GError       **error);
/* The room @room belongs to: for "call:<id>", its session's or lesson's
 * room ("session:<id>" or "booking:<id>"); NULL for other kinds or a call
 * that does not exist. FALSE only on a database error. */
gboolean    parla_room_dup_parent     (ParlaDb       *db,
                                       const char    *room,
                                       char         **parent,    /* (out) (transfer full) (nullable) */
                                       GError       **error);

typedef struct
{
  const char *room;
  const char *client_id;
  const char *sender_id;
  const char *recipient_id;   /* nullable: a private message */
  const char *text;
  const char *language;       /* nullable */
} ParlaChatDraft;

/* Stores @draft in a write transaction the caller opened, with the room's
 * next sequence number; the same client id from the same sender in the
 * same room returns the message stored first (@duplicate set).
 *
 * Returns: (transfer full): the item {room, seq, message{...}} */
JsonNode   *parla_chat_store          (ParlaDb        *db,
                                       gint64          now,
                                       const ParlaChatDraft *draft,
                                       gboolean       *duplicate,
                                       GError        **error);
/* The messages of @room @viewer may see: with @after_seq >= 0, the first
 * @limit after it; else the last @limit before @before_seq (0: the
 * newest). Always in ascending seq; *more is set when more exist in the
 * direction read.
 *
 * Returns: (transfer full) (element-type JsonNode): the items */
GPtrArray  *parla_chat_list           (ParlaDb        *db,
                                       const char     *room,
                                       const char     *viewer_id,
                                       gint64          after_seq,
                                       gint64          before_seq,
                                       guint           limit,
                                       gboolean       *more,
                                       GError        **error);
gint64      parla_chat_last_seq       (ParlaDb        *db,
                                       const char     *room,
                                       GError        **error);   /* -1 on error */
/* Moves @user_id's receipts forward (never back, never past the room's
 * last seq); read implies delivered. Needs a write transaction. */
gboolean    parla_chat_mark           (ParlaDb        *db,
                                       gint64          now,
                                       const char     *room,
                                       const char     *user_id,
                                       gint64          delivered_seq,
                                       gint64          read_seq,
                                       gint64         *out_delivered,
                                       gint64         *out_read,
                                       gboolean       *changed,
                                       GError        **error);
/* Returns: (transfer full): [{user_id, delivered_seq, read_seq}] */
JsonNode   *parla_chat_receipts       (ParlaDb        *db,
                                       const char     *room,
                                       GError        **error);

G_END_DECLS
