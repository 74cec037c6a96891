/* parla-instant-call.c: opening the call window of an accepted instant call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-instant-call.h"

#include "parla-call-window.h"

/**
 * parla_instant_call_open_window:
 * @context: the services the call works with
 * @application: the application the window belongs to
 * @join_response: what `POST /api/v1/calls/{id}/accept` (the teacher) or
 *   `/join` (the learner) answered: `{call_id, room, participants, ice_servers}`
 * @call_id: the instant call
 *
 * The one place where an accepted instant call turns into a call window,
 * for both sides.
 *
 * Returns: (transfer none): the call window
 */
GtkWindow *
parla_instant_call_open_window (ParlaContext   *context,
                                GtkApplication *application,
                                JsonObject     *join_response,
                                const char     *call_id)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (join_response != NULL, NULL);
  g_return_val_if_fail (call_id != NULL, NULL);

  return GTK_WINDOW (parla_call_window_open_instant (context, application, join_response, call_id));
}

/**
 * parla_instant_call_dup_path:
 * @call_id: an instant call's id
 * @verb: (nullable): `accept`, `cancel`, ...; %NULL for the call itself
 *
 * Returns: (transfer full): `/api/v1/calls/<id>[/<verb>]`, the id escaped
 */
char *
parla_instant_call_dup_path (const char *call_id,
                             const char *verb)
{
  g_autofree char *escaped = g_uri_escape_string (call_id, NULL, FALSE);

  if (verb == NULL)
    return g_strdup_printf ("/api/v1/calls/%s", escaped);

  return g_strdup_printf ("/api/v1/calls/%s/%s", escaped, verb);
}
