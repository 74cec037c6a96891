/* parla-schedule-page.h: the learner's lessons and seats
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_SCHEDULE_PAGE (parla_schedule_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaSchedulePage, parla_schedule_page, PARLA, SCHEDULE_PAGE, AdwBin)

gboolean      parla_schedule_page_get_loading  (ParlaSchedulePage    *self);
ParlaBooking *parla_schedule_page_find_booking (ParlaSchedulePage    *self,
                                                const char           *booking_id);
GtkWidget    *parla_schedule_page_find_row     (ParlaSchedulePage    *self,
                                                const char           *booking_id);
void          parla_schedule_page_export_async (ParlaSchedulePage    *self,
                                                GFile                *file,
                                                const char           *booking_id,
                                                GCancellable         *cancellable,
                                                GAsyncReadyCallback   callback,
                                                gpointer              user_data);
gboolean      parla_schedule_page_export_finish (ParlaSchedulePage   *self,
                                                 GAsyncResult        *result,
                                                 GError             **error);

G_END_DECLS
