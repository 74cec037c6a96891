/* parla-window.h: the main window
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_WINDOW (parla_window_get_type ())

G_DECLARE_FINAL_TYPE (ParlaWindow, parla_window, PARLA, WINDOW, AdwApplicationWindow)

ParlaWindow  *parla_window_new            (gpointer      application,
                                           ParlaContext *context);
ParlaContext *parla_window_get_context    (ParlaWindow  *self);
void          parla_window_add_toast      (ParlaWindow  *self,
                                           AdwToast     *toast);
GtkWidget    *parla_window_get_page       (ParlaWindow  *self,
                                           const char   *name);
gboolean      parla_window_show_page      (ParlaWindow  *self,
                                           const char   *name);
const char   *parla_window_get_visible_page_name (ParlaWindow *self);

void          parla_widget_show_error     (GtkWidget    *widget,
                                           const GError *error);
void          parla_widget_show_toast     (GtkWidget    *widget,
                                           const char   *message);

G_END_DECLS
