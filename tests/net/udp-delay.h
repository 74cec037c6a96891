/* udp-delay.h: a UDP hop that delays every datagram by a fixed time
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _UdpDelay UdpDelay;

/* Listens on @listen_ip (a free port) and forwards what each client sends
 * to @target_ip:@target_port from a socket of its own, and the answers
 * back to that client, each datagram @delay_ms after it arrived, in
 * order. The forwarding runs in a thread of its own. */
UdpDelay   *udp_delay_new          (const char  *listen_ip,
                                    const char  *target_ip,
                                    guint        target_port,
                                    guint        delay_ms,
                                    GError     **error);
guint       udp_delay_get_port     (UdpDelay    *self);
/* Datagrams forwarded so far towards the target, and back to clients. */
guint64     udp_delay_get_forwarded (UdpDelay   *self,
                                     guint64    *out_returned);
guint       udp_delay_get_n_clients (UdpDelay   *self);
void        udp_delay_free         (UdpDelay    *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (UdpDelay, udp_delay_free)

G_END_DECLS
