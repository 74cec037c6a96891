/* parla-ws-stream.c: the frame parser of server-side WebSocket
 * connections, which bounds whole messages, not only frames
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A client may send one message as endless continuation frames, each of
 * them small. The parser keeps the running size of the data message
 * being received (its fragments add up), and once a message would pass
 * the limit, the frame that would cross it is dropped before its first
 * payload byte is kept, the connection is told (it closes with 1009), and
 * from then on data frames are dropped while control frames still pass,
 * so that the close handshake completes. Nothing past the limit of one
 * message is ever held.
 *
 * It also checks what RFC 6455 asks of a client's frames: no reserved
 * bits (no extension was negotiated), masked, known opcodes, control
 * frames unfragmented and at most 125 bytes, continuations only inside a
 * fragmented message, and no new data message inside one.
 */

#include "config.h"

#include <string.h>

#include "parla-ws-stream.h"

void
parla_ws_parser_init (ParlaWsParser *self,
                      guint64        max_message_bytes)
{
  memset (self, 0, sizeof *self);
  self->limit = max_message_bytes;
}

/* XORs @data with the repeating 4-byte @mask, 8 bytes at a time. */
void
parla_ws_unmask (guint8       *data,
                 gsize         length,
                 const guint8 *mask)
{
  guint8 m8[8];
  guint64 word;
  gsize i = 0;

  memcpy (m8, mask, 4);
  memcpy (m8 + 4, mask, 4);
  memcpy (&word, m8, 8);

  for (; i + 8 <= length; i += 8)
    {
      guint64 v;

      memcpy (&v, data + i, 8);
      v ^= word;
      memcpy (data + i, &v, 8);
    }
  for (; i < length; i++)
    data[i] ^= mask[i & 3];
}

/**
 * parla_ws_parser_next:
 * @data: (inout): the bytes received and not yet consumed
 * @frame: (out): the frame at the start of @data, for FRAME and DROP
 * @need: (out): for MORE, how many bytes the frame takes, as far as known
 *
 * Looks at the frame at the start of @data. FRAME: it is whole, and
 * header_length + payload_length bytes are consumed. DROP: consume the
 * header, then skip payload_length bytes as they come. MORE: nothing is
 * consumed.
 */
ParlaWsParse
parla_ws_parser_next (ParlaWsParser    *self,
                      guint8           *data,
                      gsize             length,
                      ParlaWsFrameInfo *frame,
                      gsize            *need)
{
  guint len7;
  gsize header;
  guint64 payload;
  int opcode;
  gboolean fin;

  *need = 2;
  if (length < 2)
    return PARLA_WS_PARSE_MORE;

  /* No extension, so no reserved bit; a client always masks. */
  if ((data[0] & 0x70) != 0 || (data[1] & 0x80) == 0)
    return PARLA_WS_PARSE_ERROR;

  fin = (data[0] & 0x80) != 0;
  opcode = data[0] & 0x0f;
  len7 = data[1] & 0x7f;
  header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + 4;

  *need = header;
  if (length < header)
    return PARLA_WS_PARSE_MORE;

  if (len7 == 126)
    payload = ((guint64) data[2] << 8) | data[3];
  else if (len7 == 127)
    {
      payload = 0;
      for (guint i = 0; i < 8; i++)
        payload = (payload << 8) | data[2 + i];
      if (payload >> 63)
        return PARLA_WS_PARSE_ERROR;
    }
  else
    payload = len7;

  frame->fin = fin;
  frame->opcode = opcode;
  frame->header_length = header;
  frame->payload_length = payload;
  frame->payload = data + header;

  switch (opcode)
    {
    case 0x8:
    case 0x9:
    case 0xa:
      if (!fin || payload > 125)
        return PARLA_WS_PARSE_ERROR;
      break;

    case 0x0:
    case 0x1:
    case 0x2:
      if (self->tripped)
        return PARLA_WS_PARSE_DROP;
      if ((opcode == 0) != (self->message_opcode != 0))
        return PARLA_WS_PARSE_ERROR;
      if (payload > self->limit - (opcode == 0 ? self->message_bytes : 0))
        {
          self->tripped = TRUE;
          self->message_opcode = 0;
          self->message_bytes = 0;
          return PARLA_WS_PARSE_DROP;
        }
      break;

    default:
      return PARLA_WS_PARSE_ERROR;
    }

  if (length - header < payload)
    {
      *need = header + (gsize) payload;
      return PARLA_WS_PARSE_MORE;
    }

  parla_ws_unmask (frame->payload, (gsize) payload, data + header - 4);

  if (opcode == 0)
    {
      self->message_bytes += payload;
      if (fin)
        {
          self->message_opcode = 0;
          self->message_bytes = 0;
        }
    }
  else if (opcode < 0x8 && !fin)
    {
      self->message_opcode = opcode;
      self->message_bytes = payload;
    }

  return PARLA_WS_PARSE_FRAME;
}
