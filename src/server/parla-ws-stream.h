/* parla-ws-stream.h: the stream a WebSocket connection runs on, which
 * bounds whole messages, not only frames
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PARLA_TYPE_WS_STREAM (parla_ws_stream_get_type ())
G_DECLARE_FINAL_TYPE (ParlaWsStream, parla_ws_stream, PARLA, WS_STREAM, GIOStream)

/* Called once, from inside a read, when a client's message passes the
 * limit; schedule the close rather than closing from here. */
typedef void (*ParlaWsLimitFunc) (ParlaWsStream *stream,
                                  gpointer       user_data);

ParlaWsStream *parla_ws_stream_new                 (GIOStream        *base,
                                                    guint64           max_message_bytes);
void           parla_ws_stream_set_limit_func      (ParlaWsStream    *self,
                                                    ParlaWsLimitFunc  func,
                                                    gpointer          user_data);
gint64         parla_ws_stream_get_last_input      (ParlaWsStream    *self);
guint64        parla_ws_stream_get_bytes_written   (ParlaWsStream    *self);
guint64        parla_ws_stream_get_bytes_discarded (ParlaWsStream    *self);
gboolean       parla_ws_stream_get_tripped         (ParlaWsStream    *self);

G_END_DECLS
