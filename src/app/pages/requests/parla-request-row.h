/* parla-request-row.h: one lesson request in the teacher's inbox
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "parla-booking.h"

G_BEGIN_DECLS

#define PARLA_TYPE_REQUEST_ROW (parla_request_row_get_type ())

G_DECLARE_FINAL_TYPE (ParlaRequestRow, parla_request_row, PARLA, REQUEST_ROW, GtkListBoxRow)

GtkWidget    *parla_request_row_new         (ParlaBooking    *booking,
                                             GTimeZone       *time_zone,
                                             GTimeZone       *profile_zone);
ParlaBooking *parla_request_row_get_booking (ParlaRequestRow *self);
void          parla_request_row_set_busy    (ParlaRequestRow *self,
                                             gboolean         busy);

G_END_DECLS
