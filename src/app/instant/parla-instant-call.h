/* parla-instant-call.h: opening the call window of an accepted instant call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "parla-context.h"

G_BEGIN_DECLS

GtkWindow *parla_instant_call_open_window (ParlaContext   *context,
                                           GtkApplication *application,
                                           JsonObject     *join_response,
                                           const char     *call_id);
char      *parla_instant_call_dup_path    (const char     *call_id,
                                           const char     *verb);

G_END_DECLS
