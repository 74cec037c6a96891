/* parla-session-editor.h: schedule a group session, or move one
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_SESSION_EDITOR (parla_session_editor_get_type ())

G_DECLARE_FINAL_TYPE (ParlaSessionEditor, parla_session_editor, PARLA, SESSION_EDITOR, AdwWindow)

ParlaSessionEditor *parla_session_editor_new (ParlaContext *context,
                                              ParlaSession *session,
                                              GtkWindow    *parent);

G_END_DECLS
