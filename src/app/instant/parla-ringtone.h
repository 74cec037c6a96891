/* parla-ringtone.h: the sound of an incoming call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define PARLA_TYPE_RINGTONE (parla_ringtone_get_type ())

G_DECLARE_FINAL_TYPE (ParlaRingtone, parla_ringtone, PARLA, RINGTONE, GObject)

ParlaRingtone *parla_ringtone_new         (void);
void           parla_ringtone_start       (ParlaRingtone *self);
void           parla_ringtone_stop        (ParlaRingtone *self);
gboolean       parla_ringtone_get_playing (ParlaRingtone *self);

G_END_DECLS
