/* test-ws-parser.c: the frame parser of the hub's WebSocket connections
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-ws-stream.h"

/* A client frame, masked with @mask. */
static void
append_frame (GByteArray   *out,
              gboolean      fin,
              guint8        opcode,
              const void   *payload,
              gsize         length,
              const guint8 *mask)
{
  static const guint8 default_mask[4] = { 0x12, 0x34, 0x56, 0x78 };
  guint8 header[14];
  gsize n;
  gsize start;

  if (mask == NULL)
    mask = default_mask;

  header[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126)
    {
      header[1] = 0x80 | length;
      n = 2;
    }
  else if (length <= G_MAXUINT16)
    {
      header[1] = 0x80 | 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      n = 4;
    }
  else
    {
      header[1] = 0x80 | 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = ((guint64) length >> (56 - 8 * i)) & 0xff;
      n = 10;
    }
  memcpy (header + n, mask, 4);
  g_byte_array_append (out, header, n + 4);
  start = out->len;
  g_byte_array_append (out, payload, length);
  for (gsize i = 0; i < length; i++)
    out->data[start + i] ^= mask[i & 3];
}

typedef struct
{
  int      opcode;
  gboolean fin;
  char    *payload;
} Seen;

/* Feeds @stream in pieces of @step bytes, as reads would deliver it,
 * keeping the unconsumed tail as a connection does. */
static GPtrArray *
feed (ParlaWsParser *parser,
      const guint8  *stream,
      gsize          length,
      gsize          step,
      ParlaWsParse  *last)
{
  g_autoptr(GByteArray) pending = g_byte_array_new ();
  GPtrArray *seen = g_ptr_array_new_with_free_func (g_free);
  guint64 skip = 0;
  gsize at = 0;

  *last = PARLA_WS_PARSE_MORE;
  while (at < length)
    {
      gsize n = MIN (step, length - at);
      gsize pos = 0;

      g_byte_array_append (pending, stream + at, n);
      at += n;

      while (pos < pending->len)
        {
          ParlaWsFrameInfo frame;
          gsize need;

          if (skip > 0)
            {
              gsize k = MIN ((guint64) (pending->len - pos), skip);

              pos += k;
              skip -= k;
              continue;
            }

          *last = parla_ws_parser_next (parser, pending->data + pos, pending->len - pos, &frame, &need);
          if (*last == PARLA_WS_PARSE_MORE)
            {
              g_assert_cmpuint (need, >, pending->len - pos);
              break;
            }
          if (*last == PARLA_WS_PARSE_ERROR)
            return seen;
          if (*last == PARLA_WS_PARSE_DROP)
            {
              pos += frame.header_length;
              skip = frame.payload_length;
              g_ptr_array_add (seen, g_strdup ("DROP"));
              continue;
            }

          g_ptr_array_add (seen, g_strdup_printf ("%x%s:%.*s", frame.opcode, frame.fin ? "" : "+",
                                                  (int) frame.payload_length, frame.payload));
          pos += frame.header_length + frame.payload_length;
        }
      g_byte_array_remove_range (pending, 0, pos);
    }

  return seen;
}

static void
test_split (void)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autofree char *big = g_strnfill (300, 'b');
  g_autofree char *big_seen = g_strdup_printf ("1:%s", big);
  const char *expected[] = { "1:hello", "1+:fr", "9:ping", "0+:ag", "0:ment", big_seen, "a:", "8:\x03\xe8" };
  static const guint8 zero_mask[4] = { 0, 0, 0, 0 };

  append_frame (stream, TRUE, 0x1, "hello", 5, NULL);
  append_frame (stream, FALSE, 0x1, "fr", 2, zero_mask);
  append_frame (stream, TRUE, 0x9, "ping", 4, NULL);
  append_frame (stream, FALSE, 0x0, "ag", 2, NULL);
  append_frame (stream, TRUE, 0x0, "ment", 4, NULL);
  append_frame (stream, TRUE, 0x1, big, 300, NULL);
  append_frame (stream, TRUE, 0xa, "", 0, NULL);
  append_frame (stream, TRUE, 0x8, "\x03\xe8", 2, NULL);

  /* Whole, byte by byte, and in pieces of every size in between. */
  for (gsize step = 1; step <= stream->len; step += (step < 20 ? 1 : 37))
    {
      g_autoptr(GByteArray) copy = g_byte_array_new ();
      g_autoptr(GPtrArray) seen = NULL;
      ParlaWsParser parser;
      ParlaWsParse last;

      g_byte_array_append (copy, stream->data, stream->len);
      parla_ws_parser_init (&parser, 64 * 1024);
      seen = feed (&parser, copy->data, copy->len, step, &last);

      g_assert_cmpuint (seen->len, ==, G_N_ELEMENTS (expected));
      for (guint i = 0; i < seen->len; i++)
        g_assert_cmpstr (g_ptr_array_index (seen, i), ==, expected[i]);
    }
}

static void
test_errors (void)
{
  static const struct { const char *name; guint8 bytes[16]; gsize length; } cases[] = {
    { "unmasked", { 0x81, 0x02, '{', '}' }, 4 },
    { "reserved bit", { 0xc1, 0x80, 0, 0, 0, 0 }, 6 },
    { "reserved opcode", { 0x83, 0x80, 0, 0, 0, 0 }, 6 },
    { "reserved control opcode", { 0x8b, 0x80, 0, 0, 0, 0 }, 6 },
    { "fragmented ping", { 0x09, 0x80, 0, 0, 0, 0 }, 6 },
    { "ping over 125", { 0x89, 0xfe, 0x00, 0x7e, 0, 0, 0, 0 }, 8 },
    { "continuation first", { 0x80, 0x80, 0, 0, 0, 0 }, 6 },
    { "64-bit length with the top bit", { 0x82, 0xff, 0x80, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0 }, 14 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      ParlaWsParser parser;
      ParlaWsFrameInfo frame;
      guint8 copy[16];
      gsize need;

      g_test_message ("%s", cases[i].name);
      memcpy (copy, cases[i].bytes, sizeof copy);
      parla_ws_parser_init (&parser, 1024);
      g_assert_cmpint (parla_ws_parser_next (&parser, copy, cases[i].length, &frame, &need), ==,
                       PARLA_WS_PARSE_ERROR);
    }

  /* A new message inside a fragmented one. */
  {
    g_autoptr(GByteArray) stream = g_byte_array_new ();
    g_autoptr(GPtrArray) seen = NULL;
    ParlaWsParser parser;
    ParlaWsParse last;

    append_frame (stream, FALSE, 0x1, "a", 1, NULL);
    append_frame (stream, TRUE, 0x1, "b", 1, NULL);
    parla_ws_parser_init (&parser, 1024);
    seen = feed (&parser, stream->data, stream->len, stream->len, &last);
    g_assert_cmpint (last, ==, PARLA_WS_PARSE_ERROR);
    g_assert_cmpuint (seen->len, ==, 1);
  }
}

/* Fragments add up; past the limit, data frames are dropped before any
 * of their payload is kept, control frames still pass. */
static void
test_limit (void)
{
  g_autoptr(GByteArray) stream = g_byte_array_new ();
  g_autoptr(GPtrArray) seen = NULL;
  g_autofree char *chunk = g_strnfill (400, 'c');
  ParlaWsParser parser;
  ParlaWsParse last;
  const char *expected[] = { "1:ok", "1+:", "0+:", "DROP", "DROP", "9:still", "DROP" };

  append_frame (stream, TRUE, 0x1, "ok", 2, NULL);
  append_frame (stream, FALSE, 0x1, chunk, 400, NULL);
  append_frame (stream, FALSE, 0x0, chunk, 400, NULL);
  append_frame (stream, FALSE, 0x0, chunk, 400, NULL);   /* 1,200 > 1,024 */
  append_frame (stream, TRUE, 0x0, chunk, 400, NULL);
  append_frame (stream, TRUE, 0x9, "still", 5, NULL);
  append_frame (stream, TRUE, 0x1, "later", 5, NULL);

  parla_ws_parser_init (&parser, 1024);
  seen = feed (&parser, stream->data, stream->len, 7, &last);

  g_assert_true (parser.tripped);
  g_assert_cmpuint (seen->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < seen->len; i++)
    {
      const char *got = g_ptr_array_index (seen, i);

      /* (The 400-byte payloads are left out of the comparison.) */
      g_assert_true (g_str_has_prefix (got, expected[i]));
    }

  /* One frame over the limit on its own. */
  {
    guint8 header[14] = { 0x81, 0x80 | 127, 0, 0, 0, 1, 0, 0, 0, 0, 1, 2, 3, 4 };
    ParlaWsFrameInfo frame;
    gsize need;

    parla_ws_parser_init (&parser, 64 * 1024);
    g_assert_cmpint (parla_ws_parser_next (&parser, header, sizeof header, &frame, &need), ==,
                     PARLA_WS_PARSE_DROP);
    g_assert_cmpuint (frame.payload_length, ==, G_GUINT64_CONSTANT (1) << 32);
  }
}

static void
test_unmask (void)
{
  static const guint8 mask[4] = { 0xde, 0xad, 0xbe, 0xef };

  for (gsize length = 0; length < 70; length++)
    {
      g_autofree guint8 *data = g_malloc (length + 1);
      g_autofree guint8 *expected = g_malloc (length + 1);

      for (gsize i = 0; i < length; i++)
        {
          data[i] = g_test_rand_int_range (0, 256);
          expected[i] = data[i] ^ mask[i % 4];
        }
      parla_ws_unmask (data, length, mask);
      g_assert_cmpmem (data, length, expected, length);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/ws-parser/split", test_split);
  g_test_add_func ("/server/ws-parser/errors", test_errors);
  g_test_add_func ("/server/ws-parser/limit", test_limit);
  g_test_add_func ("/server/ws-parser/unmask", test_unmask);

  return g_test_run ();
}
