/* parla-realtime.h: the realtime WebSocket connection of a signed-in user
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/**
 * ParlaRealtimeState:
 * @PARLA_REALTIME_DISCONNECTED: not started, or stopped
 * @PARLA_REALTIME_CONNECTING: the first attempt after parla_realtime_start()
 *   or a new token, until the server's `welcome`
 * @PARLA_REALTIME_CONNECTED: the server said `welcome`
 * @PARLA_REALTIME_RECONNECTING: the connection was lost (or never made);
 *   waiting for the next attempt, or making it
 * @PARLA_REALTIME_UNAUTHORIZED: the token is missing, revoked or expired;
 *   nothing is attempted until parla_realtime_set_token()
 */
typedef enum
{
  PARLA_REALTIME_DISCONNECTED,
  PARLA_REALTIME_CONNECTING,
  PARLA_REALTIME_CONNECTED,
  PARLA_REALTIME_RECONNECTING,
  PARLA_REALTIME_UNAUTHORIZED,
} ParlaRealtimeState;

#define PARLA_TYPE_REALTIME_STATE (parla_realtime_state_get_type ())
GType parla_realtime_state_get_type (void) G_GNUC_CONST;

/**
 * ParlaChatAck:
 * @room: the room the message went to
 * @client_id: the client id it was sent with
 * @seq: its sequence number in the room
 * @message_id: the server's id of the message
 * @sent_at: when the server stored it (seconds since the epoch)
 * @duplicate: %TRUE when the server already had it (a resend)
 *
 * The server's acknowledgement of a `chat.send`: the message is stored.
 */
typedef struct _ParlaChatAck ParlaChatAck;

struct _ParlaChatAck
{
  /*< private >*/
  grefcount  ref_count;

  /*< public >*/
  char      *room;
  char      *client_id;
  gint64     seq;
  char      *message_id;
  gint64     sent_at;
  gboolean   duplicate;
};

#define PARLA_TYPE_CHAT_ACK (parla_chat_ack_get_type ())

GType         parla_chat_ack_get_type (void) G_GNUC_CONST;
ParlaChatAck *parla_chat_ack_ref      (ParlaChatAck *self);
void          parla_chat_ack_unref    (ParlaChatAck *self);
JsonNode     *parla_chat_ack_to_json  (ParlaChatAck *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaChatAck, parla_chat_ack_unref)

#define PARLA_TYPE_REALTIME (parla_realtime_get_type ())
G_DECLARE_FINAL_TYPE (ParlaRealtime, parla_realtime, PARLA, REALTIME, GObject)

ParlaRealtime      *parla_realtime_new              (const char           *base_url,
                                                     const char           *token);

const char         *parla_realtime_get_base_url     (ParlaRealtime        *self);
char               *parla_realtime_dup_token        (ParlaRealtime        *self);
void                parla_realtime_set_token        (ParlaRealtime        *self,
                                                     const char           *token);
ParlaRealtimeState  parla_realtime_get_state        (ParlaRealtime        *self);
char               *parla_realtime_dup_user_id      (ParlaRealtime        *self);

void                parla_realtime_start            (ParlaRealtime        *self);
void                parla_realtime_stop             (ParlaRealtime        *self);

void                parla_realtime_join_room        (ParlaRealtime        *self,
                                                     const char           *room,
                                                     gint64                after_seq);
void                parla_realtime_leave_room       (ParlaRealtime        *self,
                                                     const char           *room);
gboolean            parla_realtime_has_joined       (ParlaRealtime        *self,
                                                     const char           *room);
gint64              parla_realtime_get_last_seq     (ParlaRealtime        *self,
                                                     const char           *room);
char              **parla_realtime_dup_rooms        (ParlaRealtime        *self);

void                parla_realtime_send_chat_async  (ParlaRealtime        *self,
                                                     const char           *room,
                                                     const char           *client_id,
                                                     const char           *text,
                                                     const char           *to,
                                                     const char           *language,
                                                     GCancellable         *cancellable,
                                                     GAsyncReadyCallback   callback,
                                                     gpointer              user_data);
ParlaChatAck       *parla_realtime_send_chat_finish (ParlaRealtime        *self,
                                                     GAsyncResult         *result,
                                                     GError              **error);

void                parla_realtime_mark_delivered   (ParlaRealtime        *self,
                                                     const char           *room,
                                                     gint64                seq);
void                parla_realtime_mark_read        (ParlaRealtime        *self,
                                                     const char           *room,
                                                     gint64                seq);
gboolean            parla_realtime_set_presence     (ParlaRealtime        *self,
                                                     const char           *status,
                                                     GError              **error);
gboolean            parla_realtime_watch_presence   (ParlaRealtime        *self,
                                                     const char * const   *user_ids,
                                                     GError              **error);
void                parla_realtime_unwatch_presence (ParlaRealtime        *self,
                                                     const char * const   *user_ids);
gboolean            parla_realtime_is_watching      (ParlaRealtime        *self,
                                                     const char           *user_id);
const char         *parla_realtime_get_presence     (ParlaRealtime        *self,
                                                     const char           *user_id);
gboolean            parla_realtime_send_signal      (ParlaRealtime        *self,
                                                     const char           *room,
                                                     const char           *to,
                                                     JsonNode             *payload,
                                                     GError              **error);
gboolean            parla_realtime_send             (ParlaRealtime        *self,
                                                     JsonNode             *message,
                                                     GError              **error);

G_END_DECLS
