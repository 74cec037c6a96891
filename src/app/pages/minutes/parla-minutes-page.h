/* parla-minutes-page.h: the learner's prepaid minutes
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_MINUTES_PAGE (parla_minutes_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaMinutesPage, parla_minutes_page, PARLA, MINUTES_PAGE, AdwBin)

gboolean    parla_minutes_page_get_loaded      (ParlaMinutesPage *self);
gint64      parla_minutes_page_get_balance     (ParlaMinutesPage *self);
const char *parla_minutes_page_get_purchase_id (ParlaMinutesPage *self);

G_END_DECLS
