/* parla-incoming-call-dialog.h: a learner calls the teacher now
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define PARLA_TYPE_INCOMING_CALL_DIALOG (parla_incoming_call_dialog_get_type ())

G_DECLARE_FINAL_TYPE (ParlaIncomingCallDialog, parla_incoming_call_dialog, PARLA, INCOMING_CALL_DIALOG, AdwMessageDialog)

ParlaIncomingCallDialog *parla_incoming_call_dialog_new          (GtkWindow               *parent,
                                                                  const char              *call_id,
                                                                  const char              *learner_name,
                                                                  const char              *details,
                                                                  const char              *goal,
                                                                  GDateTime               *ring_deadline);
const char              *parla_incoming_call_dialog_get_call_id  (ParlaIncomingCallDialog *self);

G_END_DECLS
