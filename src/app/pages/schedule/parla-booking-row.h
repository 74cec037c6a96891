/* parla-booking-row.h: one booking in My Schedule
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "parla-booking.h"

G_BEGIN_DECLS

#define PARLA_TYPE_BOOKING_ROW (parla_booking_row_get_type ())

G_DECLARE_FINAL_TYPE (ParlaBookingRow, parla_booking_row, PARLA, BOOKING_ROW, GtkListBoxRow)

/* How long before the start the Join button shows. */
#define PARLA_JOIN_BEFORE_SECONDS (10 * 60)

GtkWidget    *parla_booking_row_new         (ParlaBooking    *booking,
                                             GTimeZone       *time_zone);
ParlaBooking *parla_booking_row_get_booking (ParlaBookingRow *self);
void          parla_booking_row_tick        (ParlaBookingRow *self,
                                             gint64           now);

gboolean      parla_booking_can_join        (ParlaBooking    *booking,
                                             gint64           now);

G_END_DECLS
