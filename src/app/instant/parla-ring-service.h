/* parla-ring-service.h: the teacher's phone for calls with a tutor now
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_RING_SERVICE (parla_ring_service_get_type ())

G_DECLARE_FINAL_TYPE (ParlaRingService, parla_ring_service, PARLA, RING_SERVICE, GObject)

ParlaRingService *parla_ring_service_new           (GtkApplication   *application,
                                                    ParlaContext     *context);
const char       *parla_ring_service_get_call_id   (ParlaRingService *self);
gboolean          parla_ring_service_get_ringing   (ParlaRingService *self);
gboolean          parla_ring_service_get_available (ParlaRingService *self);
GtkWindow        *parla_ring_service_get_dialog    (ParlaRingService *self);
void              parla_ring_service_release_application (ParlaRingService *self);

G_END_DECLS
