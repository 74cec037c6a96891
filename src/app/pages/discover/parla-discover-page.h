/* parla-discover-page.h: the learner's search for teachers and sessions
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_DISCOVER_PAGE (parla_discover_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaDiscoverPage, parla_discover_page, PARLA, DISCOVER_PAGE, AdwBin)

GtkWidget *parla_discover_page_new          (ParlaContext      *context);
gboolean   parla_discover_page_get_loading  (ParlaDiscoverPage *self);
void       parla_discover_page_show_teacher (ParlaDiscoverPage *self,
                                             const char        *teacher_id);

G_END_DECLS
