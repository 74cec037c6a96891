/* parla-ws-stream.h: the frame parser of server-side WebSocket
 * connections, which bounds whole messages, not only frames
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define PARLA_WS_MAX_HEADER 14

typedef enum
{
  PARLA_WS_PARSE_MORE,    /* incomplete: *need is how long the frame is, once known */
  PARLA_WS_PARSE_FRAME,   /* a whole frame, its payload unmasked in place */
  PARLA_WS_PARSE_DROP,    /* a data frame past the limit: skip its header, then its payload */
  PARLA_WS_PARSE_ERROR,   /* a protocol error: close with 1002 */
} ParlaWsParse;

typedef struct
{
  gboolean  fin;
  int       opcode;
  guint8   *payload;
  guint64   payload_length;
  gsize     header_length;
} ParlaWsFrameInfo;

/* The state of one connection's incoming stream. */
typedef struct
{
  guint64   limit;          /* the largest data message, summed over its fragments */
  guint64   message_bytes;  /* of the fragmented message being received */
  int       message_opcode; /* 0: none being received */
  gboolean  tripped;        /* a message passed the limit: data frames are dropped */
} ParlaWsParser;

void          parla_ws_parser_init  (ParlaWsParser    *self,
                                     guint64           max_message_bytes);
ParlaWsParse  parla_ws_parser_next  (ParlaWsParser    *self,
                                     guint8           *data,
                                     gsize             length,
                                     ParlaWsFrameInfo *frame,
                                     gsize            *need);
void          parla_ws_unmask       (guint8           *data,
                                     gsize             length,
                                     const guint8     *mask);

G_END_DECLS
