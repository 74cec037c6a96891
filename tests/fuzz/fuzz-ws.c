/* fuzz-ws.c: the hub's WebSocket frame parser on hostile bytes
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The first byte picks how the input is cut into reads (a client may
 * send a frame one byte at a time); the rest is the byte stream a client
 * sends after its handshake. The input is parsed twice, whole and in
 * pieces, the way ParlaWsConn does it, and both must see the same frames
 * and stop at the same place. Built as a libFuzzer target with
 * -Dfuzzing=true (clang), and in every build as a test that replays
 * tests/fuzz/corpus-ws.
 */

#include "config.h"

#include <string.h>

#include "parla-ws-stream.h"

#define LIMIT 1024   /* a small message cap, so that fuzzing reaches it */

int LLVMFuzzerTestOneInput (const guint8 *data,
                            size_t        size);

typedef struct
{
  GString  *log;      /* what was seen: one line per frame or event */
  gboolean  failed;   /* a protocol error ended the stream */
} Trace;

/* FNV-1a: the unmasked payload must be the same however it arrived. */
static guint32
checksum (const guint8 *data,
          gsize         length)
{
  guint32 hash = 2166136261u;

  for (gsize i = 0; i < length; i++)
    hash = (hash ^ data[i]) * 16777619u;
  return hash;
}

/* Parses @data as it arrives in reads of @piece bytes (0: all at once),
 * keeping the unparsed tail like ParlaWsConn, and logs what it sees. */
static void
parse (const guint8 *data,
       gsize         size,
       gsize         piece,
       Trace        *trace)
{
  ParlaWsParser parser;
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  guint64 skip = 0;
  gsize offset = 0;

  parla_ws_parser_init (&parser, LIMIT);
  trace->log = g_string_new (NULL);
  trace->failed = FALSE;

  while (offset < size && !trace->failed)
    {
      gsize n = piece == 0 ? size - offset : MIN (piece, size - offset);
      gsize pos = 0;

      g_byte_array_append (pending, data + offset, n);
      offset += n;

      while (pos < pending->len)
        {
          ParlaWsFrameInfo frame = { 0, };
          gsize need = 0;
          ParlaWsParse result;

          if (skip > 0)
            {
              gsize take = (gsize) MIN (skip, (guint64) (pending->len - pos));

              pos += take;
              skip -= take;
              continue;
            }

          result = parla_ws_parser_next (&parser, pending->data + pos, pending->len - pos,
                                         &frame, &need);
          if (result == PARLA_WS_PARSE_MORE)
            {
              /* What it asks for is more than it has. */
              g_assert_true (need == 0 || need > pending->len - pos);
              break;
            }
          if (result == PARLA_WS_PARSE_ERROR)
            {
              g_string_append (trace->log, "error\n");
              trace->failed = TRUE;
              break;
            }

          g_assert_cmpuint (frame.header_length, >=, 2);
          g_assert_cmpuint (frame.header_length, <=, PARLA_WS_MAX_HEADER);
          if (result == PARLA_WS_PARSE_DROP)
            {
              /* Only data frames are dropped, once past the cap. */
              g_assert_true (frame.opcode == 0 || frame.opcode == 1 || frame.opcode == 2);
              g_assert_true (parser.tripped);
              g_string_append_printf (trace->log, "drop %d %" G_GUINT64_FORMAT "\n",
                                      frame.opcode, frame.payload_length);
              pos += frame.header_length;
              skip = frame.payload_length;
              continue;
            }

          /* A whole frame lies inside what was read. */
          g_assert_cmpint (result, ==, PARLA_WS_PARSE_FRAME);
          g_assert_cmpuint (frame.header_length + frame.payload_length, <=, pending->len - pos);
          g_assert_true (frame.payload == pending->data + pos + frame.header_length);
          if (frame.opcode >= 8)
            {
              /* Control frames: short and never fragmented. */
              g_assert_true (frame.fin);
              g_assert_cmpuint (frame.payload_length, <=, 125);
            }
          else
            {
              g_assert_cmpuint (parser.message_bytes, <=, LIMIT);
            }
          g_string_append_printf (trace->log, "frame %d %d %" G_GUINT64_FORMAT " %08x\n",
                                  frame.opcode, frame.fin, frame.payload_length,
                                  checksum (frame.payload, (gsize) frame.payload_length));
          pos += frame.header_length + (gsize) frame.payload_length;
        }

      g_byte_array_remove_range (pending, 0, MIN (pos, pending->len));
    }
}

int
LLVMFuzzerTestOneInput (const guint8 *data,
                        size_t        size)
{
  Trace whole, pieces;
  gsize piece;

  if (size < 1)
    return 0;

  piece = 1 + data[0] % 7;
  parse (data + 1, size - 1, 0, &whole);
  parse (data + 1, size - 1, piece, &pieces);

  /* Cut anywhere, the stream means the same. */
  g_assert_cmpstr (whole.log->str, ==, pieces.log->str);
  g_assert_true (whole.failed == pieces.failed);

  g_string_free (whole.log, TRUE);
  g_string_free (pieces.log, TRUE);
  return 0;
}

#ifndef PARLA_FUZZING
/* Replays every file of the corpus directories named on the command line. */
int
main (int   argc,
      char *argv[])
{
  guint n = 0;

  for (int i = 1; i < argc; i++)
    {
      g_autoptr(GDir) dir = g_dir_open (argv[i], 0, NULL);
      const char *name;

      if (dir == NULL)
        {
          g_printerr ("Cannot open %s\n", argv[i]);
          return 1;
        }

      while ((name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *path = g_build_filename (argv[i], name, NULL);
          g_autofree char *contents = NULL;
          gsize len;

          if (!g_file_get_contents (path, &contents, &len, NULL))
            return 1;
          LLVMFuzzerTestOneInput ((const guint8 *) contents, len);
          n++;
        }
    }

  g_print ("1..1\nok 1 replayed %u inputs\n", n);
  return n > 0 ? 0 : 1;
}
#endif
