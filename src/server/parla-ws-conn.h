/* parla-ws-conn.h: a server-side WebSocket connection on a raw socket,
 * run by a ParlaWsLoop
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "parla-ws-stream.h"

G_BEGIN_DECLS

typedef struct _ParlaWsLoop  ParlaWsLoop;
typedef struct _ParlaWsConn  ParlaWsConn;
typedef struct _ParlaWsFrame ParlaWsFrame;

typedef enum
{
  PARLA_WS_OPEN,
  PARLA_WS_CLOSING,   /* a close frame was sent or received */
  PARLA_WS_CLOSED,    /* the socket is closed */
} ParlaWsState;

/* What a connection tells its owner. Every callback may close the
 * connection; none may free the loop. */
typedef struct
{
  /* a whole data message: opcode 1 (text, valid UTF-8) or 2 (binary) */
  void (*message) (ParlaWsConn *conn,
                   int          opcode,
                   const char  *data,
                   gsize        length,
                   gpointer     user_data);
  /* once, from inside a read, when a message passes the size limit; the
   * connection drops data frames from then on */
  void (*too_big) (ParlaWsConn *conn,
                   gpointer     user_data);
  /* once, when the socket was closed */
  void (*closed)  (ParlaWsConn *conn,
                   gpointer     user_data);
} ParlaWsConnFuncs;

/* One epoll set for all the connections, on a main context as one
 * GSource, with one timer for pings and close timeouts. */
ParlaWsLoop  *parla_ws_loop_new                (GMainContext           *context,
                                                guint64                 max_message_bytes,
                                                guint                   ping_seconds);
void          parla_ws_loop_free               (ParlaWsLoop            *self);
void          parla_ws_loop_set_max_queued     (ParlaWsLoop            *self,
                                                gsize                   bytes);
guint         parla_ws_loop_get_n_connections  (ParlaWsLoop            *self);

/* A frame built once, sent to any number of connections. */
ParlaWsFrame *parla_ws_frame_new_text          (const char             *text,
                                                gssize                  length);
ParlaWsFrame *parla_ws_frame_ref               (ParlaWsFrame           *frame);
void          parla_ws_frame_unref             (ParlaWsFrame           *frame);
gsize         parla_ws_frame_get_size          (ParlaWsFrame           *frame);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaWsFrame, parla_ws_frame_unref)

ParlaWsConn  *parla_ws_conn_new_take_fd        (ParlaWsLoop            *loop,
                                                int                     fd,
                                                const ParlaWsConnFuncs *funcs,
                                                gpointer                user_data);
ParlaWsConn  *parla_ws_conn_new_from_stream    (ParlaWsLoop            *loop,
                                                GIOStream              *stream,
                                                const ParlaWsConnFuncs *funcs,
                                                gpointer                user_data,
                                                GError                **error);
void          parla_ws_conn_start              (ParlaWsConn            *self);
ParlaWsConn  *parla_ws_conn_ref                (ParlaWsConn            *self);
void          parla_ws_conn_unref              (ParlaWsConn            *self);
void          parla_ws_conn_disconnect_funcs   (ParlaWsConn            *self);
ParlaWsState  parla_ws_conn_get_state          (ParlaWsConn            *self);
gint64        parla_ws_conn_get_last_input     (ParlaWsConn            *self);
gsize         parla_ws_conn_get_queued_bytes   (ParlaWsConn            *self);
void          parla_ws_conn_send_frame         (ParlaWsConn            *self,
                                                ParlaWsFrame           *frame);
void          parla_ws_conn_send_text          (ParlaWsConn            *self,
                                                const char             *text);
void          parla_ws_conn_close              (ParlaWsConn            *self,
                                                gushort                 code,
                                                const char             *reason);

G_END_DECLS
