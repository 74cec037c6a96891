/* parla-demo-instant.h: a demo teacher always available for calls with a
 * tutor now
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-server.h"

G_BEGIN_DECLS

typedef struct _ParlaDemoInstant ParlaDemoInstant;

/* Runs `@peer_path --answer accept` as @email (a demo teacher, password
 * "parla-demo") against @server, again after each call. */
ParlaDemoInstant *parla_demo_instant_start (ParlaServer      *server,
                                            const char       *peer_path,
                                            const char       *email);
/* Stops the teacher's parla-peer and frees @self. */
void              parla_demo_instant_stop  (ParlaDemoInstant *self);

G_END_DECLS
