/* parla-offerings-page.h: the teacher's offerings
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"
#include "parla-offering-editor.h"

G_BEGIN_DECLS

#define PARLA_TYPE_OFFERINGS_PAGE (parla_offerings_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaOfferingsPage, parla_offerings_page, PARLA, OFFERINGS_PAGE, AdwBin)

gboolean             parla_offerings_page_get_loaded (ParlaOfferingsPage *self);
GListModel          *parla_offerings_page_get_model  (ParlaOfferingsPage *self);
ParlaOfferingEditor *parla_offerings_page_get_editor (ParlaOfferingsPage *self);

G_END_DECLS
