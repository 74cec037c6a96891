/* parla-call-window.h: the window a call is held in
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>
#include <json-glib/json-glib.h>

#include "parla-call.h"
#include "parla-context.h"
#include "parla-video-paintable.h"

G_BEGIN_DECLS

#define PARLA_TYPE_CALL_WINDOW (parla_call_window_get_type ())
G_DECLARE_FINAL_TYPE (ParlaCallWindow, parla_call_window, PARLA, CALL_WINDOW, AdwApplicationWindow)

ParlaCallWindow     *parla_call_window_open_session        (ParlaContext    *context,
                                                            GtkApplication  *app,
                                                            const char      *session_or_booking_id);
ParlaCallWindow     *parla_call_window_open_instant        (ParlaContext    *context,
                                                            GtkApplication  *app,
                                                            JsonObject      *join_response,
                                                            const char      *call_id);

const char          *parla_call_window_get_stage           (ParlaCallWindow *self);
ParlaCall           *parla_call_window_get_call            (ParlaCallWindow *self);
ParlaVideoPaintable *parla_call_window_get_remote_video    (ParlaCallWindow *self,
                                                            const char      *user_id);
ParlaVideoPaintable *parla_call_window_get_self_video      (ParlaCallWindow *self);
gboolean             parla_call_window_get_reconnecting    (ParlaCallWindow *self);
guint                parla_call_window_get_n_tiles         (ParlaCallWindow *self);

G_END_DECLS
