/* test-udp-delay.c: the delaying UDP hop on loopback
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gio/gio.h>

#include "udp-delay.h"

#define DELAY_MS 40
#define BURST    50
#define WAIT_MS  5000

static int
udp_socket (guint *out_port)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  int fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

  g_assert_cmpint (fd, >=, 0);
  g_assert_cmpint (bind (fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (getsockname (fd, (struct sockaddr *) &addr, &len), ==, 0);
  if (out_port != NULL)
    *out_port = ntohs (addr.sin_port);

  return fd;
}

static void
send_to (int    fd,
         guint  port,
         guint  seq)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port),
                              .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  guint32 payload[64] = { htonl (seq) };

  g_assert_cmpint (sendto (fd, payload, sizeof payload, 0, (struct sockaddr *) &addr, sizeof addr),
                   ==, sizeof payload);
}

/* The next datagram on @fd (fails the test after WAIT_MS): its sequence
 * number, and its sender in @from. */
static guint
receive (int                 fd,
         struct sockaddr_in *from)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };
  guint32 payload[64];
  socklen_t len = sizeof *from;
  ssize_t n;

  g_assert_cmpint (poll (&pfd, 1, WAIT_MS), ==, 1);
  n = recvfrom (fd, payload, sizeof payload, 0, (struct sockaddr *) from, &len);
  g_assert_cmpint (n, ==, sizeof payload);

  return ntohl (payload[0]);
}

static gboolean
nothing_waiting (int fd)
{
  struct pollfd pfd = { .fd = fd, .events = POLLIN };

  return poll (&pfd, 1, 0) == 0;
}

/* A burst through the hop and back: everything arrives, in order, no
 * sooner than the delay each way. */
static void
test_forward (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UdpDelay) hop = NULL;
  guint target_port;
  int target = udp_socket (&target_port);
  int client = udp_socket (NULL);
  struct sockaddr_in upstream;
  struct sockaddr_in from;
  guint64 returned = 0;
  gint64 deadline;
  gint64 sent;

  hop = udp_delay_new ("127.0.0.1", "127.0.0.1", target_port, DELAY_MS, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (udp_delay_get_port (hop), >, 0);

  sent = g_get_monotonic_time ();
  for (guint i = 0; i < BURST; i++)
    send_to (client, udp_delay_get_port (hop), i);

  for (guint i = 0; i < BURST; i++)
    {
      g_assert_cmpuint (receive (target, &upstream), ==, i);
      if (i == 0)
        g_assert_cmpint (g_get_monotonic_time () - sent, >=, DELAY_MS * 1000);
    }
  g_assert_cmpuint (udp_delay_get_n_clients (hop), ==, 1);

  /* Answers go to the socket the hop sent from, and come back to the
   * client from the hop's port. */
  sent = g_get_monotonic_time ();
  for (guint i = 0; i < BURST; i++)
    send_to (target, ntohs (upstream.sin_port), 1000 + i);
  for (guint i = 0; i < BURST; i++)
    {
      g_assert_cmpuint (receive (client, &from), ==, 1000 + i);
      g_assert_cmpuint (ntohs (from.sin_port), ==, udp_delay_get_port (hop));
      if (i == 0)
        g_assert_cmpint (g_get_monotonic_time () - sent, >=, DELAY_MS * 1000);
    }

  /* the hop counts a datagram once sendto() returned: maybe after it
   * arrived */
  deadline = g_get_monotonic_time () + WAIT_MS * 1000;
  while ((udp_delay_get_forwarded (hop, &returned) != BURST || returned != BURST) &&
         g_get_monotonic_time () < deadline)
    g_usleep (1000);
  g_assert_cmpuint (udp_delay_get_forwarded (hop, &returned), ==, BURST);
  g_assert_cmpuint (returned, ==, BURST);
  g_assert_true (nothing_waiting (target));
  g_assert_true (nothing_waiting (client));

  close (target);
  close (client);
}

/* Two clients reach the target from two sockets, and each gets its own
 * answers only. */
static void
test_clients (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(UdpDelay) hop = NULL;
  guint target_port;
  int target = udp_socket (&target_port);
  int one = udp_socket (NULL);
  int two = udp_socket (NULL);
  struct sockaddr_in from_one;
  struct sockaddr_in from_two;
  struct sockaddr_in from;

  hop = udp_delay_new ("127.0.0.1", "127.0.0.1", target_port, 1, &error);
  g_assert_no_error (error);

  send_to (one, udp_delay_get_port (hop), 1);
  g_assert_cmpuint (receive (target, &from_one), ==, 1);
  send_to (two, udp_delay_get_port (hop), 2);
  g_assert_cmpuint (receive (target, &from_two), ==, 2);
  g_assert_cmpuint (from_one.sin_port, !=, from_two.sin_port);
  g_assert_cmpuint (udp_delay_get_n_clients (hop), ==, 2);

  send_to (target, ntohs (from_two.sin_port), 20);
  send_to (target, ntohs (from_one.sin_port), 10);
  g_assert_cmpuint (receive (one, &from), ==, 10);
  g_assert_cmpuint (receive (two, &from), ==, 20);
  g_assert_true (nothing_waiting (one));
  g_assert_true (nothing_waiting (two));

  close (target);
  close (one);
  close (two);
}

static void
test_bad_arguments (void)
{
  g_autoptr(GError) error = NULL;
  UdpDelay *hop;

  hop = udp_delay_new ("127.0.0.1", "turn.example", 3478, 10, &error);
  g_assert_null (hop);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  hop = udp_delay_new ("::1", "127.0.0.1", 3478, 10, &error);
  g_assert_null (hop);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  hop = udp_delay_new ("127.0.0.1", "127.0.0.1", 0, 10, &error);
  g_assert_null (hop);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  /* TEST-NET-3: not an address of this machine */
  hop = udp_delay_new ("203.0.113.77", "127.0.0.1", 3478, 10, &error);
  g_assert_null (hop);
  g_assert_nonnull (error);
  g_assert_true (error->domain == G_IO_ERROR);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/net/udp-delay/forward", test_forward);
  g_test_add_func ("/net/udp-delay/clients", test_clients);
  g_test_add_func ("/net/udp-delay/bad-arguments", test_bad_arguments);

  return g_test_run ();
}
