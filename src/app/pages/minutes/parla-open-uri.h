/* parla-open-uri.h: open a web page (a checkout) in the user's browser
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void parla_open_uri (GtkWidget  *widget,
                     const char *uri);

G_END_DECLS
