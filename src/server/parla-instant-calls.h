/* parla-instant-calls.h: "call a tutor now": matching, ringing, routing
 * and per-minute billing
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "parla-server-private.h"

G_BEGIN_DECLS

/* A call whose two sides stay away longer than this ends. */
#define PARLA_INSTANT_RECONNECT_SECONDS 60

/* The hub's attendance journal (parla-hub.c), on a worker inside its
 * write transaction: @user_id's first connection came into the room of
 * call @call_id (@joined) or their last one left. Records it and sets
 * *is_instant when @call_id is an instant call; does nothing otherwise. */
gboolean    parla_instant_call_record_stay (ParlaDb      *db,
                                            const char   *call_id,
                                            const char   *user_id,
                                            gint64        at,
                                            gboolean      joined,
                                            gboolean     *is_instant,
                                            GError      **error);

/* GET /api/v1/calls/{id} for an instant call: sets *found to FALSE,
 * without an error, when @call_id is none the caller may see. */
JsonNode   *parla_instant_call_lookup      (ParlaRequest *req,
                                            const char   *call_id,
                                            gboolean     *found,
                                            GError      **error);

/* The clock of instant calls: ring timeouts, the meter, balances running
 * out, expiring minutes. Runs on the server's main context. */
typedef struct _ParlaInstantClock ParlaInstantClock;

ParlaInstantClock *parla_instant_clock_new      (ParlaServer       *server);
void               parla_instant_clock_free     (ParlaInstantClock *clock);

/* parla-route-calls.c: no body, or {} */
gboolean    parla_calls_check_no_body      (ParlaRequest            *req,
                                            const char              *what,
                                            GError                 **error);
/* parla-route-calls.c: "ice_servers" as joining a call answers them */
void        parla_calls_add_ice_servers    (JsonBuilder             *builder,
                                            const ParlaServerConfig *config,
                                            const char              *user_id,
                                            gint64                   now);

extern const ParlaRoute parla_instant_call_routes[];
extern const ParlaRoute parla_minute_routes[];
extern const ParlaRoute parla_minute_refund_routes[];

G_END_DECLS
