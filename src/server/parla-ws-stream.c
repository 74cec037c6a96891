/* parla-ws-stream.c: the stream a WebSocket connection runs on, which
 * bounds whole messages, not only frames
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * libsoup 3.2 caps the payload of one frame (max-incoming-payload-size)
 * but appends continuation frames to the message being received without
 * any bound, so a client sending endless fragments grows the server
 * without limit. This stream sits between the socket and the
 * SoupWebsocketConnection. Its input side parses the RFC 6455 frame
 * headers as the bytes pass (FIN, opcode, 7/16/64-bit length, mask) and
 * keeps the running size of the data message being received. Once a
 * message passes the limit, the frame that would cross it is held back
 * before its first byte, the owner is told (it closes with 1009), and from
 * then on data frames are read and dropped while control frames still pass,
 * so that the close handshake completes. libsoup never sees more than the
 * limit of one message.
 *
 * The output side passes everything through and counts the bytes written,
 * so that the owner can tell how far behind a slow reader is.
 *
 * Waiting for input. libsoup 3.2 destroys its input source before every
 * read and attaches a new one after it, and GLib 2.74 writes to the main
 * context's wakeup eventfd for every file descriptor a source adds or
 * removes, also when dispatching, for every level of child sources. Our
 * source on top of SoupFilterInputStream's on top of the socket stream's
 * made that several system calls per message received. Once the base has
 * nothing buffered (a read from it would block), the input side waits on
 * the socket itself with one source and one descriptor.
 */

#include "config.h"

#include <errno.h>
#include <string.h>
#include <gio/gfiledescriptorbased.h>

#include "parla-ws-stream.h"

/* Allocated while bytes wait in it, so an idle connection holds none. */
#define BUFFER_SIZE      8192
#define DROP_PER_READ    (256 * 1024)

/* The input side */

#define PARLA_TYPE_WS_INPUT (parla_ws_input_get_type ())
G_DECLARE_FINAL_TYPE (ParlaWsInput, parla_ws_input, PARLA, WS_INPUT, GInputStream)

struct _ParlaWsInput
{
  GInputStream      parent_instance;

  /* owned */
  GInputStream     *base;
  guint8           *buffer;

  /* borrowed */
  ParlaWsStream    *owner;

  /* buffer[start, end) was read from the base; its first `approved`
   * bytes may go to the reader */
  gsize             start;
  gsize             end;
  gsize             approved;

  /* the frame whose payload is passing or being dropped */
  gboolean          in_payload;
  gboolean          dropping;
  guint64           payload_left;

  /* the data message being received: its fragments add up */
  guint64           message_bytes;
  guint64           limit;
  gboolean          tripped;
  gboolean          eof;

  gint64            last_input;
  guint64           discarded;
  ParlaWsLimitFunc  limit_func;
  gpointer          limit_data;

  /* the socket under the base, to wait on directly once the base holds
   * nothing buffered; -1 when there is none */
  int               fd;
  gboolean          base_drained;
};

static void parla_ws_input_pollable_iface_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaWsInput, parla_ws_input, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM,
                                                      parla_ws_input_pollable_iface_init))

static void
trip (ParlaWsInput *self)
{
  if (self->tripped)
    return;

  self->tripped = TRUE;
  if (self->limit_func != NULL)
    self->limit_func (self->owner, self->limit_data);
}

/* Walks the frames in the buffer, approving what may pass and dropping
 * what may not. Dropping only happens at the front of the buffer, so it
 * waits until the reader took everything approved before it. */
static void
parse (ParlaWsInput *self)
{
  if (self->buffer == NULL)
    return;

  for (;;)
    {
      gsize pos = self->start + self->approved;
      gsize avail = self->end - pos;
      const guint8 *h = self->buffer + pos;
      guint64 payload;
      gsize header;
      guint len7;
      guint opcode;
      gboolean fin;
      gboolean drop = FALSE;

      if (self->in_payload)
        {
          gsize n;

          if (self->payload_left == 0)
            {
              self->in_payload = FALSE;
              self->dropping = FALSE;
              continue;
            }
          if (avail == 0)
            return;

          n = (gsize) MIN ((guint64) avail, self->payload_left);
          if (self->dropping)
            {
              if (self->approved > 0)
                return;
              self->start += n;
              self->discarded += n;
            }
          else
            self->approved += n;
          self->payload_left -= n;
          continue;
        }

      if (avail < 2)
        return;

      len7 = h[1] & 0x7f;
      header = 2 + (len7 == 126 ? 2 : len7 == 127 ? 8 : 0) + ((h[1] & 0x80) ? 4 : 0);
      if (avail < header)
        return;

      if (len7 == 126)
        payload = ((guint64) h[2] << 8) | h[3];
      else if (len7 == 127)
        {
          payload = 0;
          for (guint i = 0; i < 8; i++)
            payload = (payload << 8) | h[2 + i];
        }
      else
        payload = len7;

      fin = (h[0] & 0x80) != 0;
      opcode = h[0] & 0x0f;

      if (opcode & 0x08)
        {
          /* Control frames (close, ping, pong) always pass: libsoup checks
           * them, and the close handshake needs them. */
        }
      else if (self->tripped)
        drop = TRUE;
      else
        {
          if (opcode != 0)
            self->message_bytes = 0;

          if (payload > self->limit - self->message_bytes)
            {
              trip (self);
              drop = TRUE;
            }
          else
            {
              self->message_bytes += payload;
              if (fin)
                self->message_bytes = 0;
            }
        }

      if (drop)
        {
          if (self->approved > 0)
            return;
          self->start += header;
          self->discarded += header;
        }
      else
        self->approved += header;

      self->in_payload = TRUE;
      self->dropping = drop;
      self->payload_left = payload;
    }
}

static gssize
fill (ParlaWsInput  *self,
      gboolean       blocking,
      GCancellable  *cancellable,
      GError       **error)
{
  gssize n;

  if (self->buffer == NULL)
    self->buffer = g_malloc (BUFFER_SIZE);

  if (self->start == self->end)
    self->start = self->end = 0;
  else if (self->end == BUFFER_SIZE)
    {
      memmove (self->buffer, self->buffer + self->start, self->end - self->start);
      self->end -= self->start;
      self->start = 0;
    }

  n = g_pollable_stream_read (self->base, self->buffer + self->end, BUFFER_SIZE - self->end,
                              blocking, cancellable, error);
  if (n > 0)
    {
      self->end += n;
      self->last_input = g_get_monotonic_time ();
    }
  else if (n == 0)
    self->eof = TRUE;
  else if (error != NULL && g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    self->base_drained = TRUE;

  return n;
}

static void
release_buffer (ParlaWsInput *self)
{
  if (self->start == self->end)
    {
      g_clear_pointer (&self->buffer, g_free);
      self->start = self->end = 0;
    }
}

static gssize
read_internal (ParlaWsInput  *self,
               void          *buffer,
               gsize          count,
               gboolean       blocking,
               GCancellable  *cancellable,
               GError       **error)
{
  guint64 dropped_before = self->discarded;

  for (;;)
    {
      parse (self);

      if (self->approved > 0)
        {
          gsize n = MIN (count, self->approved);

          memcpy (buffer, self->buffer + self->start, n);
          self->start += n;
          self->approved -= n;
          release_buffer (self);
          return n;
        }

      if (self->eof)
        {
          release_buffer (self);
          return 0;
        }

      /* A flood being dropped must not hold the main loop: give the other
       * sources a turn now and then. */
      if (!blocking && self->discarded - dropped_before >= DROP_PER_READ)
        {
          release_buffer (self);
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                               g_strerror (EAGAIN));
          return -1;
        }

      if (fill (self, blocking, cancellable, error) < 0)
        {
          release_buffer (self);
          return -1;
        }
    }
}

static gssize
parla_ws_input_read (GInputStream  *stream,
                     void          *buffer,
                     gsize          count,
                     GCancellable  *cancellable,
                     GError       **error)
{
  return read_internal (PARLA_WS_INPUT (stream), buffer, count, TRUE, cancellable, error);
}

static gboolean
parla_ws_input_close (GInputStream  *stream,
                      GCancellable  *cancellable,
                      GError       **error)
{
  /* The base is closed with the whole GIOStream. */
  return TRUE;
}

static gboolean
parla_ws_input_can_poll (GPollableInputStream *stream)
{
  ParlaWsInput *self = PARLA_WS_INPUT (stream);

  return G_IS_POLLABLE_INPUT_STREAM (self->base) &&
         g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (self->base));
}

static gboolean
parla_ws_input_is_readable (GPollableInputStream *stream)
{
  ParlaWsInput *self = PARLA_WS_INPUT (stream);

  parse (self);
  return self->approved > 0 || self->eof ||
         g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (self->base));
}

/* A pollable source that is one GSource polling one descriptor. */
typedef struct
{
  GSource  source;
  GObject *stream;     /* owned */
} SocketSource;

static gboolean
socket_source_dispatch (GSource     *source,
                        GSourceFunc  callback,
                        gpointer     user_data)
{
  GPollableSourceFunc func = (GPollableSourceFunc) (void (*) (void)) callback;

  return func (((SocketSource *) source)->stream, user_data);
}

static void
socket_source_finalize (GSource *source)
{
  g_clear_object (&((SocketSource *) source)->stream);
}

static GSourceFuncs socket_source_funcs = {
  NULL,
  NULL,   /* dispatched when the descriptor is readable */
  socket_source_dispatch,
  socket_source_finalize,
  NULL,
  NULL,
};

static GSource *
socket_source_new (GObject      *stream,
                   int           fd,
                   GCancellable *cancellable)
{
  GSource *source = g_source_new (&socket_source_funcs, sizeof (SocketSource));

  g_source_set_static_name (source, "ParlaWsStream input");
  ((SocketSource *) source)->stream = g_object_ref (stream);
  g_source_add_unix_fd (source, fd, G_IO_IN | G_IO_HUP | G_IO_ERR);

  if (cancellable != NULL)
    {
      g_autoptr(GSource) cancelled = g_cancellable_source_new (cancellable);

      g_source_set_dummy_callback (cancelled);
      g_source_add_child_source (source, cancelled);
    }

  return source;
}

static GSource *
parla_ws_input_create_source (GPollableInputStream *stream,
                              GCancellable         *cancellable)
{
  ParlaWsInput *self = PARLA_WS_INPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  if (self->approved > 0 || self->eof)
    base_source = g_timeout_source_new (0);
  else if (self->fd >= 0 && self->base_drained)
    return socket_source_new (G_OBJECT (stream), self->fd, cancellable);
  else
    base_source = g_pollable_input_stream_create_source (G_POLLABLE_INPUT_STREAM (self->base), NULL);

  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
parla_ws_input_read_nonblocking (GPollableInputStream  *stream,
                                 void                  *buffer,
                                 gsize                  count,
                                 GError               **error)
{
  return read_internal (PARLA_WS_INPUT (stream), buffer, count, FALSE, NULL, error);
}

static void
parla_ws_input_pollable_iface_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = parla_ws_input_can_poll;
  iface->is_readable = parla_ws_input_is_readable;
  iface->create_source = parla_ws_input_create_source;
  iface->read_nonblocking = parla_ws_input_read_nonblocking;
}

static void
parla_ws_input_finalize (GObject *object)
{
  ParlaWsInput *self = PARLA_WS_INPUT (object);

  g_clear_object (&self->base);
  g_free (self->buffer);

  G_OBJECT_CLASS (parla_ws_input_parent_class)->finalize (object);
}

static void
parla_ws_input_class_init (ParlaWsInputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GInputStreamClass *stream_class = G_INPUT_STREAM_CLASS (klass);

  object_class->finalize = parla_ws_input_finalize;
  stream_class->read_fn = parla_ws_input_read;
  stream_class->close_fn = parla_ws_input_close;
}

static void
parla_ws_input_init (ParlaWsInput *self)
{
  self->last_input = g_get_monotonic_time ();
  self->fd = -1;
}

/* The descriptor under @stream and the filters over it (libsoup's
 * SoupFilterInputStream over the socket's stream), or -1. A filter's
 * buffer is empty once a read from it would block: then waiting on the
 * descriptor is waiting for the next bytes. */
static int
find_fd (GInputStream *stream)
{
  while (G_IS_FILTER_INPUT_STREAM (stream))
    stream = g_filter_input_stream_get_base_stream (G_FILTER_INPUT_STREAM (stream));

  if (G_IS_FILE_DESCRIPTOR_BASED (stream))
    return g_file_descriptor_based_get_fd (G_FILE_DESCRIPTOR_BASED (stream));

  return -1;
}

/* The output side */

#define PARLA_TYPE_WS_OUTPUT (parla_ws_output_get_type ())
G_DECLARE_FINAL_TYPE (ParlaWsOutput, parla_ws_output, PARLA, WS_OUTPUT, GOutputStream)

struct _ParlaWsOutput
{
  GOutputStream  parent_instance;

  /* owned */
  GOutputStream *base;

  guint64        written;
};

static void parla_ws_output_pollable_iface_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaWsOutput, parla_ws_output, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM,
                                                      parla_ws_output_pollable_iface_init))

static gssize
parla_ws_output_write (GOutputStream  *stream,
                       const void     *buffer,
                       gsize           count,
                       GCancellable   *cancellable,
                       GError        **error)
{
  ParlaWsOutput *self = PARLA_WS_OUTPUT (stream);
  gssize n = g_output_stream_write (self->base, buffer, count, cancellable, error);

  if (n > 0)
    self->written += n;
  return n;
}

static gboolean
parla_ws_output_flush (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  return g_output_stream_flush (PARLA_WS_OUTPUT (stream)->base, cancellable, error);
}

static gboolean
parla_ws_output_close (GOutputStream  *stream,
                       GCancellable   *cancellable,
                       GError        **error)
{
  return TRUE;
}

static gboolean
parla_ws_output_can_poll (GPollableOutputStream *stream)
{
  ParlaWsOutput *self = PARLA_WS_OUTPUT (stream);

  return G_IS_POLLABLE_OUTPUT_STREAM (self->base) &&
         g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (self->base));
}

static gboolean
parla_ws_output_is_writable (GPollableOutputStream *stream)
{
  return g_pollable_output_stream_is_writable (G_POLLABLE_OUTPUT_STREAM (PARLA_WS_OUTPUT (stream)->base));
}

static GSource *
parla_ws_output_create_source (GPollableOutputStream *stream,
                               GCancellable          *cancellable)
{
  ParlaWsOutput *self = PARLA_WS_OUTPUT (stream);
  g_autoptr(GSource) base_source = NULL;

  base_source = g_pollable_output_stream_create_source (G_POLLABLE_OUTPUT_STREAM (self->base), NULL);
  return g_pollable_source_new_full (stream, base_source, cancellable);
}

static gssize
parla_ws_output_write_nonblocking (GPollableOutputStream  *stream,
                                   const void             *buffer,
                                   gsize                   count,
                                   GError                **error)
{
  ParlaWsOutput *self = PARLA_WS_OUTPUT (stream);
  gssize n = g_pollable_output_stream_write_nonblocking (G_POLLABLE_OUTPUT_STREAM (self->base),
                                                         buffer, count, NULL, error);

  if (n > 0)
    self->written += n;
  return n;
}

static void
parla_ws_output_pollable_iface_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = parla_ws_output_can_poll;
  iface->is_writable = parla_ws_output_is_writable;
  iface->create_source = parla_ws_output_create_source;
  iface->write_nonblocking = parla_ws_output_write_nonblocking;
}

static void
parla_ws_output_finalize (GObject *object)
{
  g_clear_object (&PARLA_WS_OUTPUT (object)->base);

  G_OBJECT_CLASS (parla_ws_output_parent_class)->finalize (object);
}

static void
parla_ws_output_class_init (ParlaWsOutputClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GOutputStreamClass *stream_class = G_OUTPUT_STREAM_CLASS (klass);

  object_class->finalize = parla_ws_output_finalize;
  stream_class->write_fn = parla_ws_output_write;
  stream_class->flush = parla_ws_output_flush;
  stream_class->close_fn = parla_ws_output_close;
}

static void
parla_ws_output_init (ParlaWsOutput *self)
{
}

/* The stream */

struct _ParlaWsStream
{
  GIOStream      parent_instance;

  /* owned */
  GIOStream     *base;
  ParlaWsInput  *input;
  ParlaWsOutput *output;
};

G_DEFINE_FINAL_TYPE (ParlaWsStream, parla_ws_stream, G_TYPE_IO_STREAM)

static GInputStream *
parla_ws_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (PARLA_WS_STREAM (stream)->input);
}

static GOutputStream *
parla_ws_stream_get_output_stream (GIOStream *stream)
{
  return G_OUTPUT_STREAM (PARLA_WS_STREAM (stream)->output);
}

static gboolean
parla_ws_stream_close (GIOStream     *stream,
                       GCancellable  *cancellable,
                       GError       **error)
{
  return g_io_stream_close (PARLA_WS_STREAM (stream)->base, cancellable, error);
}

static void
on_base_closed_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Closes the base directly, rather than through a thread as GIOStream
 * would: a socket closes without blocking. */
static void
parla_ws_stream_close_async (GIOStream           *stream,
                             int                  io_priority,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, parla_ws_stream_close_async);
  g_io_stream_close_async (PARLA_WS_STREAM (stream)->base, io_priority, cancellable,
                           on_base_closed_cb, task);
}

static gboolean
parla_ws_stream_close_finish (GIOStream     *stream,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, stream), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
parla_ws_stream_finalize (GObject *object)
{
  ParlaWsStream *self = PARLA_WS_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_object (&self->base);

  G_OBJECT_CLASS (parla_ws_stream_parent_class)->finalize (object);
}

static void
parla_ws_stream_class_init (ParlaWsStreamClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GIOStreamClass *stream_class = G_IO_STREAM_CLASS (klass);

  object_class->finalize = parla_ws_stream_finalize;
  stream_class->get_input_stream = parla_ws_stream_get_input_stream;
  stream_class->get_output_stream = parla_ws_stream_get_output_stream;
  stream_class->close_fn = parla_ws_stream_close;
  stream_class->close_async = parla_ws_stream_close_async;
  stream_class->close_finish = parla_ws_stream_close_finish;
}

static void
parla_ws_stream_init (ParlaWsStream *self)
{
}

/**
 * parla_ws_stream_new:
 * @base: the connection stolen from the HTTP server after the upgrade
 * @max_message_bytes: the largest data message, summed over its fragments
 *
 * Returns: (transfer full): the stream to build the WebSocket connection on
 */
ParlaWsStream *
parla_ws_stream_new (GIOStream *base,
                     guint64    max_message_bytes)
{
  ParlaWsStream *self;

  g_return_val_if_fail (G_IS_IO_STREAM (base), NULL);

  self = g_object_new (PARLA_TYPE_WS_STREAM, NULL);
  self->base = g_object_ref (base);

  self->input = g_object_new (PARLA_TYPE_WS_INPUT, NULL);
  self->input->base = g_object_ref (g_io_stream_get_input_stream (base));
  self->input->owner = self;
  self->input->limit = max_message_bytes;
  self->input->fd = find_fd (self->input->base);

  self->output = g_object_new (PARLA_TYPE_WS_OUTPUT, NULL);
  self->output->base = g_object_ref (g_io_stream_get_output_stream (base));

  return self;
}

void
parla_ws_stream_set_limit_func (ParlaWsStream    *self,
                                ParlaWsLimitFunc  func,
                                gpointer          user_data)
{
  g_return_if_fail (PARLA_IS_WS_STREAM (self));

  self->input->limit_func = func;
  self->input->limit_data = user_data;
}

/* Monotonic time (µs) of the last bytes received. */
gint64
parla_ws_stream_get_last_input (ParlaWsStream *self)
{
  g_return_val_if_fail (PARLA_IS_WS_STREAM (self), 0);

  return self->input->last_input;
}

guint64
parla_ws_stream_get_bytes_written (ParlaWsStream *self)
{
  g_return_val_if_fail (PARLA_IS_WS_STREAM (self), 0);

  return self->output->written;
}

guint64
parla_ws_stream_get_bytes_discarded (ParlaWsStream *self)
{
  g_return_val_if_fail (PARLA_IS_WS_STREAM (self), 0);

  return self->input->discarded;
}

gboolean
parla_ws_stream_get_tripped (ParlaWsStream *self)
{
  g_return_val_if_fail (PARLA_IS_WS_STREAM (self), FALSE);

  return self->input->tripped;
}
