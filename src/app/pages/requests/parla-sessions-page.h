/* parla-sessions-page.h: the sessions and lessons a teacher hosts
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_SESSIONS_PAGE (parla_sessions_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaSessionsPage, parla_sessions_page, PARLA, SESSIONS_PAGE, AdwBin)

gboolean      parla_sessions_page_get_loading  (ParlaSessionsPage *self);
ParlaSession *parla_sessions_page_find_session (ParlaSessionsPage *self,
                                                const char        *session_id);

G_END_DECLS
