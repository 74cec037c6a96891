/* parla-presence-switch.h: "available for instant calls"
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_PRESENCE_SWITCH (parla_presence_switch_get_type ())

G_DECLARE_FINAL_TYPE (ParlaPresenceSwitch, parla_presence_switch, PARLA, PRESENCE_SWITCH, GtkWidget)

ParlaContext *parla_presence_switch_get_context   (ParlaPresenceSwitch *self);
void          parla_presence_switch_set_context   (ParlaPresenceSwitch *self,
                                                   ParlaContext        *context);
gboolean      parla_presence_switch_get_available (ParlaPresenceSwitch *self);

G_END_DECLS
