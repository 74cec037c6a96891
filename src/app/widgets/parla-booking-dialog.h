/* parla-booking-dialog.h: book a lesson or a seat
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_BOOKING_DIALOG (parla_booking_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ParlaBookingDialog, parla_booking_dialog, PARLA, BOOKING_DIALOG, AdwWindow)

GtkWidget    *parla_booking_dialog_new             (ParlaContext       *context,
                                                    const char         *teacher_id,
                                                    const char         *offering_id,
                                                    gint64              start);
GtkWidget    *parla_booking_dialog_new_for_session (ParlaContext       *context,
                                                    ParlaSession       *session);
ParlaBooking *parla_booking_dialog_get_booking     (ParlaBookingDialog *self);
gboolean      parla_booking_dialog_get_queued      (ParlaBookingDialog *self);
gint64        parla_booking_dialog_get_start       (ParlaBookingDialog *self);

G_END_DECLS
