/* parla-a11y.h: names GTK 4.8 leaves out of the accessibility tree
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void parla_a11y_name_inner_controls (GtkWidget *root);

G_END_DECLS
