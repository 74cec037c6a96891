/* parla-reschedule-dialog.h: move a lesson to another free time
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_RESCHEDULE_DIALOG (parla_reschedule_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ParlaRescheduleDialog, parla_reschedule_dialog, PARLA, RESCHEDULE_DIALOG, AdwWindow)

ParlaRescheduleDialog *parla_reschedule_dialog_new            (ParlaContext          *context,
                                                               ParlaBooking          *booking,
                                                               GtkWindow             *parent);
gboolean               parla_reschedule_dialog_get_loading    (ParlaRescheduleDialog *self);
guint                  parla_reschedule_dialog_get_n_slots    (ParlaRescheduleDialog *self);
gint64                 parla_reschedule_dialog_get_slot_start (ParlaRescheduleDialog *self,
                                                               guint                  position);
void                   parla_reschedule_dialog_select_slot    (ParlaRescheduleDialog *self,
                                                               guint                  position);

G_END_DECLS
