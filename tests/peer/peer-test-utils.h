/* peer-test-utils.h: a server with a session about to start, and
 * parla-peer processes joining its call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-test-server.h"

G_BEGIN_DECLS

#define PEER_PASSWORD "correct horse battery"   /* pt_register()'s */

typedef struct
{
  PtServer *server;
  char     *teacher;          /* tokens */
  char     *teacher_id;
  char     *teacher_email;
  char     *learner;
  char     *learner_id;
  char     *learner_email;
  char     *session_id;       /* a free group session starting in 5 minutes, the learner has a seat */
} PeerFixture;

PeerFixture *peer_fixture_new          (PtConfigure   configure,
                                        gpointer      user_data);
PeerFixture *peer_fixture_new_at       (PtConfigure   configure,
                                        gpointer      user_data,
                                        gint64        now);
char        *peer_fixture_add_learner  (PeerFixture  *fixture,
                                        const char   *name,
                                        char        **out_email,
                                        char        **out_id);
void         peer_fixture_free         (PeerFixture  *fixture);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PeerFixture, peer_fixture_free)

typedef struct
{
  char             *name;
  GSubprocess      *process;
  GDataInputStream *out;
  GOutputStream    *in;
  GCancellable     *cancellable;
  GPtrArray        *lines;     /* JsonNode, every line printed, in order */
  GPtrArray        *stats;     /* the same nodes: the `stats` lines only */
  GPtrArray        *events;    /* the same nodes: the `event` lines only */
  JsonNode         *summary;
  gboolean          eof;
  gboolean          exited;
  int               exit_status;
} PeerRun;

/* Runs `parla-peer --server … --email @email --password … --join
 * SESSION --local-address 127.0.0.1 --commands` plus @args. */
PeerRun     *peer_run_start            (PeerFixture        *fixture,
                                        const char         *email,
                                        const char * const *args);
PeerRun     *peer_run_start_argv       (const char * const *argv);
void         peer_run_command          (PeerRun            *run,
                                        const char         *command);
/* The first line from @from on for which @match is TRUE; its index in
 * *@from on return. g_error() after @timeout_ms. */
typedef gboolean (*PeerMatch) (JsonNode *line,
                               gpointer  user_data);
JsonNode    *peer_run_wait             (PeerRun            *run,
                                        guint              *from,
                                        PeerMatch           match,
                                        gpointer            user_data,
                                        guint               timeout_ms);
JsonNode    *peer_run_wait_event       (PeerRun            *run,
                                        guint              *from,
                                        const char         *event,
                                        guint               timeout_ms);
JsonNode    *peer_run_wait_summary     (PeerRun            *run,
                                        guint               timeout_ms);
int          peer_run_wait_exit        (PeerRun            *run,
                                        guint               timeout_ms);
void         peer_run_free             (PeerRun            *run);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PeerRun, peer_run_free)

gboolean     peer_bool                 (JsonNode           *node,
                                        const char         *path);
double       peer_double               (JsonNode           *node,
                                        const char         *path);

G_END_DECLS
