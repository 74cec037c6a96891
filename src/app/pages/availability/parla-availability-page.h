/* parla-availability-page.h: the teacher's bookable hours
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_AVAILABILITY_PAGE (parla_availability_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaAvailabilityPage, parla_availability_page, PARLA, AVAILABILITY_PAGE, AdwBin)

gboolean  parla_availability_page_get_loaded  (ParlaAvailabilityPage *self);
gboolean  parla_availability_page_get_dirty   (ParlaAvailabilityPage *self);
GArray   *parla_availability_page_get_preview (ParlaAvailabilityPage *self,
                                               gint64                *out_from,
                                               gint64                *out_to,
                                               int                   *out_duration);

G_END_DECLS
