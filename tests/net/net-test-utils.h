/* net-test-utils.h: calls between parla-peer processes in network
 * namespaces, with the path cut, lossy or delayed
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "parla-test-server.h"
#include "peer-test-utils.h"
#include "udp-delay.h"

G_BEGIN_DECLS

/* Call first in main(), before any thread starts. Checks that we are root
 * and that `ip` and `nft` are there: without them, prints a TAP plan that
 * skips everything and returns FALSE (main returns 0), or, when
 * PARLA_REQUIRE_ALL_TESTS is set, fails. Then removes what dead runs left
 * behind, and starts a janitor process that removes what this run
 * creates once it is gone, however it ends (a failed assertion aborts,
 * meson's timeout kills). */
gboolean    nt_init                (void);

/* Two network namespaces, A and B, each with a veth pair to one bridge in
 * the root namespace, on a /24 of its own: the bridge has .1, A .2, B .3.
 * Names hold our pid: parla-PID-N-a, parla-PID-N-b, bridge plPIDnNbr. */
typedef struct
{
  char *ns_a;
  char *ns_b;
  char *bridge;
  char *root_ip;
  char *ip_a;
  char *ip_b;
} NtNet;

NtNet      *nt_net_new             (void);
void        nt_net_free            (NtNet       *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtNet, nt_net_free)

/* The rules below replace each other. All drop on INPUT: dropping on
 * OUTPUT makes sendto() fail, which libnice takes for a broken pair. */
/* Everything A receives from B and B from A is dropped (IPv6 too, for
 * the link-local candidates); the server stays reachable. */
void        nt_net_cut             (NtNet       *net);
/* Each namespace drops @percent % of the UDP datagrams it receives, at
 * random. */
void        nt_net_set_loss        (NtNet       *net,
                                    guint        percent);
/* No more drops. */
void        nt_net_restore         (NtNet       *net);
/* Datagrams dropped in @ns since the rules were last set. */
guint64     nt_net_count_dropped   (NtNet       *net,
                                    const char  *ns);

/* A server on the bridge's address with a teacher, a learner who has a
 * seat in the teacher's group session, and the session about to start.
 * With @relay, a coturn on 127.0.0.1 behind a delaying UDP hop on the
 * bridge's address (@delay_ms each way), and the server hands out the
 * hop's address as the TURN server. */
typedef struct
{
  NtNet    *net;            /* borrowed */
  PtServer *server;
  PtCoturn *coturn;
  UdpDelay *hop;
  char     *teacher;        /* tokens */
  char     *learner;
  char     *session_id;
} NtCall;

NtCall     *nt_call_new            (NtNet       *net,
                                    gboolean     relay,
                                    guint        delay_ms);
void        nt_call_free           (NtCall      *call);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtCall, nt_call_free)

/* One parla-peer (PARLA_PEER_BIN) in a namespace, joined to the call;
 * every line it prints is read on the thread-default main context (see
 * PeerRun: run->stats, run->events, run->summary, run->process). */
typedef struct
{
  char    *who;
  PeerRun *run;
} NtPeer;

/* @who is "teacher" or "learner"; @extra_args (nullable) go after the
 * --server, --token and --join arguments. */
NtPeer     *nt_peer_start          (NtCall             *call,
                                    const char         *who,
                                    const char         *ns,
                                    const char * const *extra_args);
/* Ends it (SIGTERM, then SIGKILL) if it still runs. */
void        nt_peer_free           (NtPeer      *peer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (NtPeer, nt_peer_free)

/* The newest stats line, or NULL. */
JsonObject *nt_peer_last_stats     (NtPeer      *peer);
JsonObject *nt_peer_stats_at       (NtPeer      *peer,
                                    guint        index);
/* The first participant of a stats line, or NULL. */
JsonObject *nt_stats_link          (JsonObject  *stats);
/* The state in the newest stats line, or "" before the first. */
const char *nt_peer_state          (NtPeer      *peer);
gint64      nt_peer_int            (NtPeer      *peer,
                                    const char  *member);
gboolean    nt_peer_saw_event      (NtPeer      *peer,
                                    const char  *event);
/* Waits for the summary line and the exit; returns the exit status. */
int         nt_peer_wait_exit      (NtPeer      *peer,
                                    guint        timeout_ms);

G_END_DECLS
