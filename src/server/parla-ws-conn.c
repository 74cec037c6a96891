/* parla-ws-conn.c: server-side WebSocket connections on raw sockets, and
 * the one epoll set that runs them all
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup answers the handshake; then the socket is taken from it and
 * runs here. Per connection there is no GSource and no GObject: the loop
 * is one GSource polling one epoll descriptor (level-triggered), so a pass
 * of the main loop costs the same with 10 or 10,000 connections.
 *
 * Reading. A readable connection gets one recv() per dispatch, into the
 * loop's scratch buffer, and the whole frames in it are handled in place
 * (unmasked there, handed to the owner without a copy). Only the tail of
 * an incomplete frame is kept, in a buffer of the connection sized to
 * that frame (at most the message limit), freed once empty: an idle
 * connection holds none. The parser (parla-ws-stream.c) bounds whole
 * messages; the frames past the bound are skipped as they arrive.
 *
 * Writing. Frames are reference-counted bytes, built once and queued on
 * every recipient. What was queued during a dispatch goes out at its end,
 * each connection's frames in one sendmsg(); what the socket does not take
 * waits for EPOLLOUT. Frames queued from other sources go out from the
 * next pass of the main loop (the source is ready while any wait).
 *
 * Timers. One ready time on the same source sweeps every second: pings
 * every ping interval, and closes whose peer did not answer in time.
 */

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <gio/gfiledescriptorbased.h>

#include "parla-ws-conn.h"

#define SCRATCH_SIZE       (64 * 1024)
#define MIN_BUFFER         1024
#define SMALL_REST         4096
#define MAX_EVENTS         256
#define MAX_IOV            64
#define HANDOVER_MAX       (256 * 1024)
#define DRAIN_ON_CLOSE     (256 * 1024)
#define SWEEP_INTERVAL_US  G_USEC_PER_SEC
#define CLOSE_TIMEOUT_US   (2 * G_USEC_PER_SEC)

#define CLOSE_POLICY       1008
#define CLOSE_PROTOCOL     1002
#define CLOSE_BAD_DATA     1007

struct _ParlaWsFrame
{
  int     ref_count;
  gsize   size;
  guint8  data[];
};

typedef struct _OutChunk OutChunk;

struct _OutChunk
{
  OutChunk      *next;
  ParlaWsFrame  *frame;    /* owned */
  gsize          offset;
};

typedef struct
{
  GSource      source;
  ParlaWsLoop *loop;
} LoopSource;

struct _ParlaWsLoop
{
  /* owned */
  GSource       *source;
  GPtrArray     *dead;          /* ParlaWsConn: the loop's references, dropped after a dispatch */
  guint8        *scratch;
  ParlaWsFrame  *ping;
  int            epfd;
  gpointer       epfd_tag;

  /* borrowed: the loop holds a reference to each */
  ParlaWsConn   *conns;         /* every connection not yet closed */
  ParlaWsConn   *dirty;         /* those with frames to send */
  guint          n_conns;

  guint64        max_message_bytes;
  gsize          max_queued;
  gint64         ping_us;
  gint64         now;
};

struct _ParlaWsConn
{
  int                      ref_count;
  int                      fd;
  ParlaWsState             state;

  /* borrowed */
  ParlaWsLoop             *loop;
  const ParlaWsConnFuncs  *funcs;
  gpointer                 user_data;
  ParlaWsConn             *prev;
  ParlaWsConn             *next;
  ParlaWsConn             *dirty_next;

  /* input; owned */
  guint8                  *rbuf;       /* the start of an incomplete frame */
  gsize                    rlen;
  gsize                    rcap;
  GByteArray              *message;    /* a fragmented message being received */
  int                      message_opcode;
  guint64                  skip;       /* payload bytes of a dropped frame still to come */
  ParlaWsParser            parser;
  gint64                   last_input;

  /* output; owned */
  OutChunk                *out_head;
  OutChunk                *out_tail;
  gsize                    queued;
  gint64                   last_ping;
  gint64                   close_deadline;

  guint                    dirty : 1;
  guint                    want_out : 1;
  guint                    close_sent : 1;
  guint                    close_after_flush : 1;
  guint                    broken : 1;       /* input can no longer be parsed */
  guint                    told_too_big : 1;
};

static void conn_finish (ParlaWsConn *self);
static void send_close  (ParlaWsConn *self,
                         gushort      code,
                         const char  *reason);

/* Frames */

static ParlaWsFrame *
frame_new (int         opcode,
           const void *payload,
           gsize       length)
{
  gsize header = length < 126 ? 2 : length <= G_MAXUINT16 ? 4 : 10;
  ParlaWsFrame *frame = g_malloc (sizeof *frame + header + length);

  frame->ref_count = 1;
  frame->size = header + length;
  frame->data[0] = 0x80 | opcode;
  if (length < 126)
    frame->data[1] = length;
  else if (length <= G_MAXUINT16)
    {
      frame->data[1] = 126;
      frame->data[2] = length >> 8;
      frame->data[3] = length & 0xff;
    }
  else
    {
      frame->data[1] = 127;
      for (guint i = 0; i < 8; i++)
        frame->data[2 + i] = ((guint64) length >> (56 - 8 * i)) & 0xff;
    }
  if (length > 0)
    memcpy (frame->data + header, payload, length);

  return frame;
}

/**
 * parla_ws_frame_new_text:
 * @length: of @text, or -1 when it ends with a NUL
 *
 * Returns: (transfer full): an unmasked text frame of @text
 */
ParlaWsFrame *
parla_ws_frame_new_text (const char *text,
                         gssize      length)
{
  g_return_val_if_fail (text != NULL, NULL);

  return frame_new (0x1, text, length < 0 ? strlen (text) : (gsize) length);
}

ParlaWsFrame *
parla_ws_frame_ref (ParlaWsFrame *frame)
{
  frame->ref_count++;
  return frame;
}

void
parla_ws_frame_unref (ParlaWsFrame *frame)
{
  if (frame != NULL && --frame->ref_count == 0)
    g_free (frame);
}

gsize
parla_ws_frame_get_size (ParlaWsFrame *frame)
{
  return frame->size;
}

/* Output */

static void
set_want_out (ParlaWsConn *self,
              gboolean     want)
{
  struct epoll_event event = { 0 };

  if (self->want_out == !!want)
    return;

  self->want_out = !!want;
  event.events = EPOLLIN | (want ? EPOLLOUT : 0);
  event.data.ptr = self;
  epoll_ctl (self->loop->epfd, EPOLL_CTL_MOD, self->fd, &event);
}

static void
mark_dirty (ParlaWsConn *self)
{
  ParlaWsLoop *loop = self->loop;

  if (self->dirty || self->want_out)
    return;

  self->dirty = TRUE;
  self->dirty_next = loop->dirty;
  loop->dirty = self;
}

static void
queue_frame (ParlaWsConn  *self,
             ParlaWsFrame *frame)
{
  OutChunk *chunk;

  /* A peer that does not read (and sends pings, say) must not make us
   * buffer without bound. */
  if (self->state == PARLA_WS_OPEN && self->queued + frame->size > self->loop->max_queued)
    {
      send_close (self, CLOSE_POLICY, "Too far behind");
      return;
    }

  chunk = g_new (OutChunk, 1);

  chunk->next = NULL;
  chunk->frame = parla_ws_frame_ref (frame);
  chunk->offset = 0;
  if (self->out_tail != NULL)
    self->out_tail->next = chunk;
  else
    self->out_head = chunk;
  self->out_tail = chunk;
  self->queued += frame->size;

  mark_dirty (self);
}

static void
clear_output (ParlaWsConn *self)
{
  while (self->out_head != NULL)
    {
      OutChunk *chunk = self->out_head;

      self->out_head = chunk->next;
      parla_ws_frame_unref (chunk->frame);
      g_free (chunk);
    }
  self->out_tail = NULL;
  self->queued = 0;
}

/* Writes what is queued, in as few sendmsg() as the socket takes. */
static void
conn_flush (ParlaWsConn *self)
{
  while (self->out_head != NULL)
    {
      struct iovec iov[MAX_IOV];
      struct msghdr msg = { 0 };
      gsize total = 0;
      gssize sent, sent_all;
      int n = 0;

      for (OutChunk *chunk = self->out_head; chunk != NULL && n < MAX_IOV; chunk = chunk->next, n++)
        {
          iov[n].iov_base = chunk->frame->data + chunk->offset;
          iov[n].iov_len = chunk->frame->size - chunk->offset;
          total += iov[n].iov_len;
        }
      msg.msg_iov = iov;
      msg.msg_iovlen = n;

      sent = sendmsg (self->fd, &msg, MSG_NOSIGNAL | MSG_DONTWAIT);
      if (sent < 0)
        {
          if (errno == EINTR)
            continue;
          if (errno == EAGAIN || errno == EWOULDBLOCK)
            {
              set_want_out (self, TRUE);
              return;
            }
          conn_finish (self);
          return;
        }

      sent_all = sent;
      self->queued -= sent;
      while (sent > 0)
        {
          OutChunk *chunk = self->out_head;
          gsize left = chunk->frame->size - chunk->offset;

          if ((gsize) sent < left)
            {
              chunk->offset += sent;
              break;
            }
          sent -= left;
          self->out_head = chunk->next;
          parla_ws_frame_unref (chunk->frame);
          g_free (chunk);
        }
      if (self->out_head == NULL)
        self->out_tail = NULL;

      if (self->out_head != NULL && (gsize) sent_all < total)
        {
          /* The socket took part of it: wait until it takes more. */
          set_want_out (self, TRUE);
          return;
        }
    }

  set_want_out (self, FALSE);
  if (self->close_after_flush)
    conn_finish (self);
}

static void
send_close (ParlaWsConn *self,
            gushort      code,
            const char  *reason)
{
  g_autoptr(ParlaWsFrame) frame = NULL;
  guint8 payload[125];
  gsize length = 0;

  if (code != 0)
    {
      gsize reason_length = reason != NULL ? MIN (strlen (reason), sizeof payload - 2) : 0;

      payload[0] = code >> 8;
      payload[1] = code & 0xff;
      if (reason_length > 0)
        memcpy (payload + 2, reason, reason_length);
      length = 2 + reason_length;
    }

  frame = frame_new (0x8, payload, length);
  self->close_sent = TRUE;
  self->state = PARLA_WS_CLOSING;
  queue_frame (self, frame);
  self->close_deadline = g_get_monotonic_time () + CLOSE_TIMEOUT_US;
  g_clear_pointer (&self->message, g_byte_array_unref);
}

/* Input */

static gboolean
valid_close_code (guint code)
{
  if (code >= 3000 && code <= 4999)
    return TRUE;
  return code >= 1000 && code <= 1014 && code != 1004 && code != 1005 && code != 1006;
}

static void
protocol_error (ParlaWsConn *self,
                gushort      code)
{
  self->broken = code == CLOSE_PROTOCOL;
  if (self->state == PARLA_WS_OPEN)
    {
      send_close (self, code, NULL);
      conn_flush (self);
    }
  else if (self->broken)
    conn_finish (self);
}

static void
receive_close (ParlaWsConn  *self,
               const guint8 *payload,
               gsize         length)
{
  guint code = 0;

  /* The answer to ours: done. */
  if (self->close_sent)
    {
      conn_finish (self);
      return;
    }

  if (length == 1)
    {
      protocol_error (self, CLOSE_PROTOCOL);
      return;
    }
  if (length >= 2)
    {
      code = (payload[0] << 8) | payload[1];
      if (!valid_close_code (code))
        {
          protocol_error (self, CLOSE_PROTOCOL);
          return;
        }
      if (!g_utf8_validate_len ((const char *) payload + 2, length - 2, NULL))
        {
          protocol_error (self, CLOSE_BAD_DATA);
          return;
        }
    }

  /* Echo the code, then close once it is written. */
  send_close (self, code, NULL);
  self->close_after_flush = TRUE;
  conn_flush (self);
}

static void
deliver (ParlaWsConn *self,
         int          opcode,
         const char  *data,
         gsize        length)
{
  if (opcode == 0x1 && !g_utf8_validate_len (data, length, NULL))
    {
      protocol_error (self, CLOSE_BAD_DATA);
      return;
    }

  if (self->funcs != NULL && self->funcs->message != NULL)
    self->funcs->message (self, opcode, data, length, self->user_data);
}

static void
handle_frame (ParlaWsConn      *self,
              ParlaWsFrameInfo *frame)
{
  gsize length = (gsize) frame->payload_length;

  switch (frame->opcode)
    {
    case 0x8:
      receive_close (self, frame->payload, length);
      return;

    case 0x9:
      if (self->state == PARLA_WS_OPEN)
        {
          g_autoptr(ParlaWsFrame) pong = frame_new (0xa, frame->payload, length);

          queue_frame (self, pong);
        }
      return;

    case 0xa:
      return;

    default:
      break;
    }

  /* Data after a close went out is not read. */
  if (self->state != PARLA_WS_OPEN)
    return;

  if (frame->opcode != 0 && frame->fin)
    deliver (self, frame->opcode, (const char *) frame->payload, length);
  else if (frame->opcode != 0)
    {
      g_clear_pointer (&self->message, g_byte_array_unref);
      self->message = g_byte_array_sized_new (MAX (length * 2, 256));
      self->message_opcode = frame->opcode;
      g_byte_array_append (self->message, frame->payload, length);
    }
  else if (self->message != NULL)
    {
      g_byte_array_append (self->message, frame->payload, length);
      if (frame->fin)
        {
          g_autoptr(GByteArray) message = g_steal_pointer (&self->message);

          deliver (self, self->message_opcode, (const char *) message->data, message->len);
        }
    }
}

/* Handles the frames in @buffer; returns how much was consumed and, when
 * a frame is incomplete, in @need how long it is as far as known. */
static gsize
process (ParlaWsConn *self,
         guint8      *buffer,
         gsize        length,
         gsize       *need)
{
  gsize pos = 0;

  *need = 0;
  while (pos < length)
    {
      ParlaWsFrameInfo frame;

      if (self->state == PARLA_WS_CLOSED || self->broken)
        return length;

      if (self->skip > 0)
        {
          gsize n = (gsize) MIN ((guint64) (length - pos), self->skip);

          pos += n;
          self->skip -= n;
          continue;
        }

      switch (parla_ws_parser_next (&self->parser, buffer + pos, length - pos, &frame, need))
        {
        case PARLA_WS_PARSE_MORE:
          return pos;

        case PARLA_WS_PARSE_ERROR:
          protocol_error (self, CLOSE_PROTOCOL);
          return length;

        case PARLA_WS_PARSE_DROP:
          pos += frame.header_length;
          self->skip = frame.payload_length;
          g_clear_pointer (&self->message, g_byte_array_unref);
          if (!self->told_too_big)
            {
              self->told_too_big = TRUE;
              if (self->funcs != NULL && self->funcs->too_big != NULL)
                self->funcs->too_big (self, self->user_data);
            }
          break;

        case PARLA_WS_PARSE_FRAME:
          pos += frame.header_length + (gsize) frame.payload_length;
          handle_frame (self, &frame);
          break;

        default:
          g_assert_not_reached ();
        }
    }

  *need = 0;
  return pos;
}

/* Handles @length bytes at @buffer, the loop's scratch buffer or the
 * connection's own, and keeps the incomplete rest in the latter. */
static void
consume (ParlaWsConn *self,
         guint8      *buffer,
         gsize        length)
{
  gsize need = 0;
  gsize used = process (self, buffer, length, &need);
  gsize rest = length - used;
  gsize want = MAX (MAX (rest, need), MIN_BUFFER);

  if (self->state == PARLA_WS_CLOSED)
    {
      g_clear_pointer (&self->rbuf, g_free);
      self->rlen = self->rcap = 0;
      return;
    }

  if (rest == 0)
    {
      g_clear_pointer (&self->rbuf, g_free);
      self->rlen = self->rcap = 0;
    }
  else if (buffer != self->rbuf)
    {
      g_free (self->rbuf);
      self->rbuf = g_malloc (want);
      self->rcap = want;
      memcpy (self->rbuf, buffer + used, rest);
      self->rlen = rest;
    }
  else
    {
      if (used > 0)
        memmove (self->rbuf, self->rbuf + used, rest);
      self->rlen = rest;
      /* Grow for a big frame; shrink back after one. */
      if (want > self->rcap || (self->rcap > 2 * want && self->rcap > 4 * MIN_BUFFER))
        {
          self->rbuf = g_realloc (self->rbuf, want);
          self->rcap = want;
        }
    }
}

static void
conn_readable (ParlaWsConn *self)
{
  ParlaWsLoop *loop = self->loop;
  guint8 *buffer;
  gsize length, capacity;
  gssize n;

  if (self->rbuf != NULL && self->rlen > SMALL_REST)
    {
      /* The start of a big frame: read into its own buffer, which is
       * sized to hold it. (Full only in case of a bug.) */
      if (self->rcap == self->rlen)
        {
          self->rcap = MAX (2 * self->rcap, MIN_BUFFER);
          self->rbuf = g_realloc (self->rbuf, self->rcap);
        }
      buffer = self->rbuf;
      length = self->rlen;
      capacity = self->rcap;
    }
  else
    {
      /* A few bytes left from last time go in front of the next read,
       * so that reads stay big. */
      buffer = loop->scratch;
      length = 0;
      capacity = SCRATCH_SIZE;
      if (self->rbuf != NULL)
        {
          memcpy (buffer, self->rbuf, self->rlen);
          length = self->rlen;
          g_clear_pointer (&self->rbuf, g_free);
          self->rlen = self->rcap = 0;
        }
    }

  do
    n = recv (self->fd, buffer + length, capacity - length, MSG_DONTWAIT);
  while (n < 0 && errno == EINTR);

  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
    return;
  if (n <= 0)
    {
      conn_finish (self);
      return;
    }

  self->last_input = loop->now;
  if (self->broken)
    {
      g_clear_pointer (&self->rbuf, g_free);
      self->rlen = self->rcap = 0;
      return;
    }

  consume (self, buffer, length + n);
}

/* Closing */

static void
unlink_conn (ParlaWsConn *self)
{
  ParlaWsLoop *loop = self->loop;

  if (self->prev != NULL)
    self->prev->next = self->next;
  else
    loop->conns = self->next;
  if (self->next != NULL)
    self->next->prev = self->prev;
  self->prev = self->next = NULL;
  loop->n_conns--;
}

/* Closes the socket, tells the owner, and gives the loop's reference to
 * the end of the dispatch. */
static void
conn_finish (ParlaWsConn *self)
{
  ParlaWsLoop *loop = self->loop;
  char sink[4096];
  gsize drained = 0;
  gssize n;

  if (self->state == PARLA_WS_CLOSED)
    return;
  self->state = PARLA_WS_CLOSED;

  epoll_ctl (loop->epfd, EPOLL_CTL_DEL, self->fd, NULL);
  shutdown (self->fd, SHUT_WR);
  /* What the peer sent and nobody read would turn the close into a
   * reset, which may cost the peer our last frames. */
  while (drained < DRAIN_ON_CLOSE && (n = recv (self->fd, sink, sizeof sink, MSG_DONTWAIT)) > 0)
    drained += n;
  close (self->fd);
  self->fd = -1;

  /* (The input buffer may be under the caller: it goes with the
   * connection.) */
  clear_output (self);
  g_clear_pointer (&self->message, g_byte_array_unref);

  unlink_conn (self);
  g_ptr_array_add (loop->dead, self);

  if (self->funcs != NULL && self->funcs->closed != NULL)
    self->funcs->closed (self, self->user_data);
}

/* The loop */

static void
flush_dirty (ParlaWsLoop *self)
{
  ParlaWsConn *conn;

  while ((conn = self->dirty) != NULL)
    {
      self->dirty = conn->dirty_next;
      conn->dirty_next = NULL;
      conn->dirty = FALSE;
      if (conn->state != PARLA_WS_CLOSED)
        conn_flush (conn);
    }
}

static void
bury_dead (ParlaWsLoop *self)
{
  while (self->dead->len > 0)
    parla_ws_conn_unref (g_ptr_array_steal_index_fast (self->dead, self->dead->len - 1));
}

static void
sweep (ParlaWsLoop *self)
{
  ParlaWsConn *next;

  for (ParlaWsConn *conn = self->conns; conn != NULL; conn = next)
    {
      next = conn->next;

      if (conn->state == PARLA_WS_CLOSING && self->now >= conn->close_deadline)
        conn_finish (conn);
      else if (conn->state == PARLA_WS_OPEN && self->ping_us > 0 &&
               self->now - conn->last_ping >= self->ping_us)
        {
          conn->last_ping = self->now;
          queue_frame (conn, self->ping);
        }
    }
}

static gboolean
loop_source_prepare (GSource *source,
                     int     *timeout)
{
  ParlaWsLoop *self = ((LoopSource *) source)->loop;

  *timeout = -1;
  return self->dirty != NULL || self->dead->len > 0;
}

static gboolean
loop_source_check (GSource *source)
{
  ParlaWsLoop *self = ((LoopSource *) source)->loop;

  return self->dirty != NULL || self->dead->len > 0;
}

static gboolean
loop_source_dispatch (GSource     *source,
                      GSourceFunc  callback,
                      gpointer     user_data)
{
  ParlaWsLoop *self = ((LoopSource *) source)->loop;
  gint64 ready_time = g_source_get_ready_time (source);

  self->now = g_get_monotonic_time ();

  if (ready_time >= 0 && self->now >= ready_time)
    {
      sweep (self);
      g_source_set_ready_time (source, self->n_conns > 0 ? self->now + SWEEP_INTERVAL_US : -1);
    }

  if (g_source_query_unix_fd (source, self->epfd_tag) & G_IO_IN)
    {
      struct epoll_event events[MAX_EVENTS];
      int n = epoll_wait (self->epfd, events, MAX_EVENTS, 0);

      for (int i = 0; i < n; i++)
        {
          ParlaWsConn *conn = events[i].data.ptr;

          if (conn->state != PARLA_WS_CLOSED && (events[i].events & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            conn_readable (conn);
          if (conn->state != PARLA_WS_CLOSED && (events[i].events & EPOLLOUT))
            conn_flush (conn);
        }
    }

  flush_dirty (self);
  bury_dead (self);

  return G_SOURCE_CONTINUE;
}

static GSourceFuncs loop_source_funcs = {
  loop_source_prepare,
  loop_source_check,
  loop_source_dispatch,
  NULL,
  NULL,
  NULL,
};

/**
 * parla_ws_loop_new:
 * @context: where the connections run
 * @max_message_bytes: the largest data message, summed over its fragments
 * @ping_seconds: how often each connection is pinged; 0 for never
 *
 * Returns: (transfer full): a loop attached to @context
 */
ParlaWsLoop *
parla_ws_loop_new (GMainContext *context,
                   guint64       max_message_bytes,
                   guint         ping_seconds)
{
  ParlaWsLoop *self = g_new0 (ParlaWsLoop, 1);

  self->epfd = epoll_create1 (EPOLL_CLOEXEC);
  if (self->epfd < 0)
    g_error ("epoll_create1: %s", g_strerror (errno));

  self->max_message_bytes = max_message_bytes;
  self->ping_us = (gint64) ping_seconds * G_USEC_PER_SEC;
  self->dead = g_ptr_array_new ();
  self->scratch = g_malloc (SCRATCH_SIZE);
  self->ping = frame_new (0x9, NULL, 0);
  self->max_queued = G_MAXSIZE;

  self->source = g_source_new (&loop_source_funcs, sizeof (LoopSource));
  ((LoopSource *) self->source)->loop = self;
  g_source_set_static_name (self->source, "ParlaWsLoop");
  self->epfd_tag = g_source_add_unix_fd (self->source, self->epfd, G_IO_IN);
  g_source_attach (self->source, context);

  return self;
}

/* Closes what is still open, without waiting: the context may no longer
 * run. Connections the caller still holds stay valid, and closed. */
void
parla_ws_loop_free (ParlaWsLoop *self)
{
  if (self == NULL)
    return;

  flush_dirty (self);
  while (self->conns != NULL)
    {
      ParlaWsConn *conn = self->conns;

      conn->funcs = NULL;
      conn_flush (conn);
      conn_finish (conn);
    }
  self->dirty = NULL;
  bury_dead (self);

  g_source_destroy (self->source);
  g_source_unref (self->source);
  close (self->epfd);
  g_ptr_array_unref (self->dead);
  parla_ws_frame_unref (self->ping);
  g_free (self->scratch);
  g_free (self);
}

/* Past @bytes waiting to be sent, a connection is closed with 1008. */
void
parla_ws_loop_set_max_queued (ParlaWsLoop *self,
                              gsize        bytes)
{
  self->max_queued = bytes;
}

guint
parla_ws_loop_get_n_connections (ParlaWsLoop *self)
{
  return self->n_conns;
}

/* Connections */

/**
 * parla_ws_conn_new_take_fd:
 * @fd: a connected stream socket, whose handshake is done; owned by the
 *   connection from now on
 *
 * Returns: (transfer full): the connection. It reads nothing before
 * parla_ws_conn_start().
 */
ParlaWsConn *
parla_ws_conn_new_take_fd (ParlaWsLoop            *loop,
                           int                     fd,
                           const ParlaWsConnFuncs *funcs,
                           gpointer                user_data)
{
  ParlaWsConn *self = g_new0 (ParlaWsConn, 1);
  int one = 1;

  self->ref_count = 2;   /* the caller's, and the loop's until it closes */
  self->fd = fd;
  self->loop = loop;
  self->funcs = funcs;
  self->user_data = user_data;
  self->last_input = self->last_ping = g_get_monotonic_time ();
  parla_ws_parser_init (&self->parser, loop->max_message_bytes);

  fcntl (fd, F_SETFL, fcntl (fd, F_GETFL) | O_NONBLOCK);
  /* Frames of a pass go out together; none waits for the peer's ACK. */
  setsockopt (fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  self->next = loop->conns;
  if (loop->conns != NULL)
    loop->conns->prev = self;
  loop->conns = self;
  loop->n_conns++;
  if (g_source_get_ready_time (loop->source) < 0)
    g_source_set_ready_time (loop->source, g_get_monotonic_time () + SWEEP_INTERVAL_US);

  return self;
}

static int
find_fd (GIOStream *stream)
{
  GInputStream *input = g_io_stream_get_input_stream (stream);

  if (G_IS_SOCKET_CONNECTION (stream))
    return g_socket_get_fd (g_socket_connection_get_socket (G_SOCKET_CONNECTION (stream)));

  while (G_IS_FILTER_INPUT_STREAM (input))
    input = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (input));
  if (G_IS_FILE_DESCRIPTOR_BASED (input))
    return g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (input));

  return -1;
}

/**
 * parla_ws_conn_new_from_stream:
 * @stream: the connection stolen from the HTTP server after the upgrade
 *
 * Takes a duplicate of the socket under @stream, with whatever the HTTP
 * server read past the handshake (a client may send its first frame right
 * behind it): @stream can be dropped afterwards.
 *
 * Returns: (transfer full): the connection, or %NULL when @stream is not
 *   on a socket
 */
ParlaWsConn *
parla_ws_conn_new_from_stream (ParlaWsLoop            *loop,
                               GIOStream              *stream,
                               const ParlaWsConnFuncs *funcs,
                               gpointer                user_data,
                               GError                **error)
{
  GInputStream *input = g_io_stream_get_input_stream (stream);
  g_autoptr(GByteArray) early = NULL;
  ParlaWsConn *self;
  int fd = find_fd (stream);

  if (fd < 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "Not a socket");
      return NULL;
    }

  fd = fcntl (fd, F_DUPFD_CLOEXEC, 0);
  if (fd < 0)
    {
      int errsv = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (errsv), "dup: %s", g_strerror (errsv));
      return NULL;
    }

  /* What the HTTP server's buffered stream holds: read it through that
   * stream until it would block, after which its buffer is empty. */
  if (G_IS_POLLABLE_INPUT_STREAM (input) &&
      g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (input)))
    {
      guint8 chunk[4096];
      gssize n;

      while ((early == NULL || early->len < HANDOVER_MAX) &&
             (n = g_pollable_input_stream_read_nonblocking (G_POLLABLE_INPUT_STREAM (input), chunk,
                                                            sizeof chunk, NULL, NULL)) > 0)
        {
          if (early == NULL)
            early = g_byte_array_new ();
          g_byte_array_append (early, chunk, n);
        }
    }

  self = parla_ws_conn_new_take_fd (loop, fd, funcs, user_data);
  if (early != NULL)
    {
      self->rlen = self->rcap = early->len;
      self->rbuf = g_byte_array_free (g_steal_pointer (&early), FALSE);
    }

  return self;
}

/* Starts reading: handles what came with the handshake, then waits. */
void
parla_ws_conn_start (ParlaWsConn *self)
{
  struct epoll_event event = { 0 };

  g_return_if_fail (self != NULL);

  if (self->state == PARLA_WS_CLOSED)
    return;

  event.events = EPOLLIN | (self->want_out ? EPOLLOUT : 0);
  event.data.ptr = self;
  if (epoll_ctl (self->loop->epfd, EPOLL_CTL_ADD, self->fd, &event) < 0)
    {
      g_warning ("epoll_ctl: %s", g_strerror (errno));
      conn_finish (self);
      return;
    }

  if (self->rbuf != NULL)
    {
      self->loop->now = g_get_monotonic_time ();
      consume (self, self->rbuf, self->rlen);
    }
}

ParlaWsConn *
parla_ws_conn_ref (ParlaWsConn *self)
{
  self->ref_count++;
  return self;
}

void
parla_ws_conn_unref (ParlaWsConn *self)
{
  if (self == NULL || --self->ref_count > 0)
    return;

  /* The loop holds a reference until the socket is closed. */
  g_assert (self->state == PARLA_WS_CLOSED);
  g_free (self->rbuf);
  g_free (self);
}

/* The owner is going away: no more callbacks. */
void
parla_ws_conn_disconnect_funcs (ParlaWsConn *self)
{
  self->funcs = NULL;
  self->user_data = NULL;
}

ParlaWsState
parla_ws_conn_get_state (ParlaWsConn *self)
{
  return self->state;
}

/* Monotonic time (µs) of the last bytes received. */
gint64
parla_ws_conn_get_last_input (ParlaWsConn *self)
{
  return self->last_input;
}

/* What was queued and not yet taken by the socket. */
gsize
parla_ws_conn_get_queued_bytes (ParlaWsConn *self)
{
  return self->queued;
}

/* Queues @frame; it goes out at the end of the dispatch, or on the next
 * pass of the main loop. Nothing is sent once a close was. */
void
parla_ws_conn_send_frame (ParlaWsConn  *self,
                          ParlaWsFrame *frame)
{
  if (self->state != PARLA_WS_OPEN)
    return;

  queue_frame (self, frame);
}

void
parla_ws_conn_send_text (ParlaWsConn *self,
                         const char  *text)
{
  g_autoptr(ParlaWsFrame) frame = NULL;

  if (self->state != PARLA_WS_OPEN)
    return;

  frame = parla_ws_frame_new_text (text, -1);
  queue_frame (self, frame);
}

/**
 * parla_ws_conn_close:
 * @code: the close code, or 0 for none
 * @reason: (nullable): at most 123 bytes are sent
 *
 * Sends a close frame after what is queued, now, and waits briefly for
 * the peer's; then closes the socket.
 */
void
parla_ws_conn_close (ParlaWsConn *self,
                     gushort      code,
                     const char  *reason)
{
  if (self->state != PARLA_WS_OPEN)
    return;

  send_close (self, code, reason);
  conn_flush (self);
}
