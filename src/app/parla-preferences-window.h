/* parla-preferences-window.h: server, notifications and account
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_PREFERENCES_WINDOW (parla_preferences_window_get_type ())

G_DECLARE_FINAL_TYPE (ParlaPreferencesWindow, parla_preferences_window, PARLA, PREFERENCES_WINDOW, AdwPreferencesWindow)

GtkWindow *parla_preferences_window_new (ParlaContext *context);

G_END_DECLS
