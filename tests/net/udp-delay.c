/* udp-delay.c: a UDP hop that delays every datagram by a fixed time
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "udp-delay.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gio/gio.h>
#include <glib-unix.h>

/* The kernel here has no netem: this puts delay on a path in user space.
 * Every datagram is stamped when it arrives and sent when its time has
 * come; the delay is the same for all, so one queue in arrival order is
 * also in departure order, and nothing is reordered. Each client (source
 * address) gets its own socket towards the target, so that the target
 * sees them apart, as coturn must. */

#define MAX_CLIENTS      64
#define MAX_QUEUED_BYTES (16 * 1024 * 1024)
#define MAX_DATAGRAM     65536

typedef struct
{
  struct sockaddr_in addr;
  int                fd;     /* connected to the target */
} Client;

typedef struct
{
  gint64             due_us;
  int                fd;
  gboolean           to_client;
  struct sockaddr_in to;
  gsize              len;
  guint8             data[];
} Datagram;

struct _UdpDelay
{
  /* owned */
  GThread           *thread;
  int                listen_fd;
  int                wake[2];
  struct sockaddr_in target;
  gint64             delay_us;
  guint              port;

  /* the thread's own */
  GPtrArray         *clients;
  GQueue             queue;
  gsize              queued_bytes;

  GMutex             mutex;
  guint64            forwarded;
  guint64            returned;
  guint              n_clients;
};

static void
client_free (Client *client)
{
  close (client->fd);
  g_free (client);
}

static void
set_error_from_errno (GError     **error,
                      const char  *what)
{
  int saved = errno;

  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved), "%s: %s", what,
               g_strerror (saved));
}

static Client *
find_client (UdpDelay                 *self,
             const struct sockaddr_in *addr)
{
  Client *client;

  for (guint i = 0; i < self->clients->len; i++)
    {
      client = g_ptr_array_index (self->clients, i);
      if (client->addr.sin_addr.s_addr == addr->sin_addr.s_addr &&
          client->addr.sin_port == addr->sin_port)
        return client;
    }

  if (self->clients->len >= MAX_CLIENTS)
    return NULL;

  client = g_new0 (Client, 1);
  client->addr = *addr;
  client->fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (client->fd < 0)
    {
      g_free (client);
      return NULL;
    }
  if (connect (client->fd, (struct sockaddr *) &self->target, sizeof self->target) != 0)
    {
      client_free (client);
      return NULL;
    }

  g_ptr_array_add (self->clients, client);
  g_mutex_lock (&self->mutex);
  self->n_clients = self->clients->len;
  g_mutex_unlock (&self->mutex);

  return client;
}

static void
enqueue (UdpDelay                 *self,
         int                       fd,
         const struct sockaddr_in *to,
         const guint8             *data,
         gsize                     len)
{
  Datagram *datagram;

  if (self->queued_bytes + len > MAX_QUEUED_BYTES)
    return;

  datagram = g_malloc (sizeof *datagram + len);
  datagram->due_us = g_get_monotonic_time () + self->delay_us;
  datagram->fd = fd;
  datagram->to_client = to != NULL;
  if (to != NULL)
    datagram->to = *to;
  datagram->len = len;
  memcpy (datagram->data, data, len);

  g_queue_push_tail (&self->queue, datagram);
  self->queued_bytes += len;
}

/* Everything that is waiting on @fd now; from a client when @client is
 * NULL (the listening socket), else from the target for @client. */
static void
receive_all (UdpDelay *self,
             int       fd,
             Client   *client,
             guint8   *buffer)
{
  for (;;)
    {
      struct sockaddr_in from;
      socklen_t from_len = sizeof from;
      ssize_t n = recvfrom (fd, buffer, MAX_DATAGRAM, MSG_DONTWAIT,
                            (struct sockaddr *) &from, &from_len);

      if (n < 0)
        return;  /* EAGAIN, or an ICMP error from a connected socket */

      if (client == NULL)
        {
          Client *sender = find_client (self, &from);

          if (sender != NULL)
            enqueue (self, sender->fd, NULL, buffer, n);
        }
      else
        enqueue (self, self->listen_fd, &client->addr, buffer, n);
    }
}

static void
send_due (UdpDelay *self)
{
  gint64 now = g_get_monotonic_time ();
  Datagram *datagram;

  while ((datagram = g_queue_peek_head (&self->queue)) != NULL && datagram->due_us <= now)
    {
      ssize_t n;

      g_queue_pop_head (&self->queue);
      self->queued_bytes -= datagram->len;

      if (datagram->to_client)
        n = sendto (datagram->fd, datagram->data, datagram->len, MSG_DONTWAIT,
                    (struct sockaddr *) &datagram->to, sizeof datagram->to);
      else
        n = send (datagram->fd, datagram->data, datagram->len, MSG_DONTWAIT);

      if (n == (ssize_t) datagram->len)
        {
          g_mutex_lock (&self->mutex);
          if (datagram->to_client)
            self->returned++;
          else
            self->forwarded++;
          g_mutex_unlock (&self->mutex);
        }
      g_free (datagram);
    }
}

static gpointer
forward_thread (gpointer data)
{
  UdpDelay *self = data;
  g_autofree guint8 *buffer = g_malloc (MAX_DATAGRAM);
  g_autoptr(GArray) fds = g_array_new (FALSE, TRUE, sizeof (struct pollfd));

  for (;;)
    {
      Datagram *head = g_queue_peek_head (&self->queue);
      int timeout = -1;
      struct pollfd *pfd;
      guint n_clients = self->clients->len;
      int ready;

      g_array_set_size (fds, 2 + n_clients);
      pfd = (struct pollfd *) fds->data;
      pfd[0] = (struct pollfd) { .fd = self->wake[0], .events = POLLIN };
      pfd[1] = (struct pollfd) { .fd = self->listen_fd, .events = POLLIN };
      for (guint i = 0; i < n_clients; i++)
        {
          Client *client = g_ptr_array_index (self->clients, i);

          pfd[2 + i] = (struct pollfd) { .fd = client->fd, .events = POLLIN };
        }

      /* rounded up: sending early would shorten the delay */
      if (head != NULL)
        timeout = (MAX (0, head->due_us - g_get_monotonic_time ()) + 999) / 1000;

      ready = poll (pfd, fds->len, timeout);
      if (ready < 0 && errno != EINTR)
        g_error ("udp-delay: poll: %s", g_strerror (errno));

      if (ready > 0)
        {
          if (pfd[0].revents != 0)
            break;
          if (pfd[1].revents != 0)
            receive_all (self, self->listen_fd, NULL, buffer);
          /* new clients are polled from the next round on */
          for (guint i = 0; i < n_clients; i++)
            if (pfd[2 + i].revents != 0)
              receive_all (self, pfd[2 + i].fd, g_ptr_array_index (self->clients, i), buffer);
        }

      send_due (self);
    }

  return NULL;
}

UdpDelay *
udp_delay_new (const char  *listen_ip,
               const char  *target_ip,
               guint        target_port,
               guint        delay_ms,
               GError     **error)
{
  g_autoptr(UdpDelay) self = g_new0 (UdpDelay, 1);
  struct sockaddr_in addr = { .sin_family = AF_INET };
  socklen_t addr_len = sizeof addr;

  g_return_val_if_fail (listen_ip != NULL, NULL);
  g_return_val_if_fail (target_ip != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self->listen_fd = -1;
  self->wake[0] = self->wake[1] = -1;
  self->clients = g_ptr_array_new_with_free_func ((GDestroyNotify) client_free);
  g_queue_init (&self->queue);
  g_mutex_init (&self->mutex);
  self->delay_us = (gint64) delay_ms * 1000;

  if (target_port == 0 || target_port > 65535)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not a port: %u", target_port);
      return NULL;
    }
  self->target.sin_family = AF_INET;
  self->target.sin_port = htons (target_port);
  if (inet_pton (AF_INET, target_ip, &self->target.sin_addr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IPv4 address: %s", target_ip);
      return NULL;
    }
  if (inet_pton (AF_INET, listen_ip, &addr.sin_addr) != 1)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IPv4 address: %s", listen_ip);
      return NULL;
    }

  self->listen_fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
  if (self->listen_fd < 0)
    {
      set_error_from_errno (error, "socket");
      return NULL;
    }
  if (bind (self->listen_fd, (struct sockaddr *) &addr, sizeof addr) != 0)
    {
      set_error_from_errno (error, "bind");
      return NULL;
    }
  if (getsockname (self->listen_fd, (struct sockaddr *) &addr, &addr_len) != 0)
    {
      set_error_from_errno (error, "getsockname");
      return NULL;
    }
  self->port = ntohs (addr.sin_port);

  if (!g_unix_open_pipe (self->wake, FD_CLOEXEC, error))
    return NULL;

  self->thread = g_thread_new ("udp-delay", forward_thread, self);

  return g_steal_pointer (&self);
}

guint
udp_delay_get_port (UdpDelay *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->port;
}

guint64
udp_delay_get_forwarded (UdpDelay *self,
                         guint64  *out_returned)
{
  guint64 forwarded;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  forwarded = self->forwarded;
  if (out_returned != NULL)
    *out_returned = self->returned;
  g_mutex_unlock (&self->mutex);

  return forwarded;
}

guint
udp_delay_get_n_clients (UdpDelay *self)
{
  guint n;

  g_return_val_if_fail (self != NULL, 0);

  g_mutex_lock (&self->mutex);
  n = self->n_clients;
  g_mutex_unlock (&self->mutex);

  return n;
}

void
udp_delay_free (UdpDelay *self)
{
  if (self == NULL)
    return;

  if (self->thread != NULL)
    {
      char stop = 's';

      while (write (self->wake[1], &stop, 1) < 0 && errno == EINTR)
        ;
      g_thread_join (self->thread);
    }

  g_queue_clear_full (&self->queue, g_free);
  g_clear_pointer (&self->clients, g_ptr_array_unref);
  if (self->listen_fd >= 0)
    close (self->listen_fd);
  if (self->wake[0] >= 0)
    close (self->wake[0]);
  if (self->wake[1] >= 0)
    close (self->wake[1]);
  g_mutex_clear (&self->mutex);
  g_free (self);
}
