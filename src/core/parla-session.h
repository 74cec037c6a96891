/* parla-session.h: a scheduled session (group conversation, private lesson,
 * practice, cultural)
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-json.h"
#include "parla-offering.h"
#include "parla-types.h"

G_BEGIN_DECLS

/* ParlaSession:
 *
 * {id, host_id, host_name, offering_id, title, description, type, language,
 *  level, start, end, duration_minutes, capacity, seats_left, price_minor,
 *  currency, status, my_booking_id, my_booking_status, materials}
 *
 * id, host_id, host_name, end, seats_left, status, my_booking_id and
 * my_booking_status belong to the server. */
#define PARLA_TYPE_SESSION (parla_session_get_type ())

G_DECLARE_FINAL_TYPE (ParlaSession, parla_session, PARLA, SESSION, GObject)

ParlaSession       *parla_session_new                   (void);
ParlaSession       *parla_session_new_from_json         (JsonNode            *node,
                                                         ParlaJsonMode        mode,
                                                         GError             **error);
JsonNode           *parla_session_to_json               (ParlaSession        *self);
gboolean            parla_session_apply_json            (ParlaSession        *self,
                                                         JsonNode            *patch,
                                                         GError             **error);

gboolean            parla_session_is_free               (ParlaSession        *self);

const char         *parla_session_get_id                (ParlaSession        *self);
void                parla_session_set_id                (ParlaSession        *self,
                                                         const char          *id);
const char         *parla_session_get_host_id           (ParlaSession        *self);
void                parla_session_set_host_id           (ParlaSession        *self,
                                                         const char          *host_id);
const char         *parla_session_get_host_name         (ParlaSession        *self);
void                parla_session_set_host_name         (ParlaSession        *self,
                                                         const char          *host_name);
const char         *parla_session_get_offering_id       (ParlaSession        *self);
void                parla_session_set_offering_id       (ParlaSession        *self,
                                                         const char          *offering_id);
const char         *parla_session_get_title             (ParlaSession        *self);
void                parla_session_set_title             (ParlaSession        *self,
                                                         const char          *title);
const char         *parla_session_get_description       (ParlaSession        *self);
void                parla_session_set_description       (ParlaSession        *self,
                                                         const char          *description);
ParlaSessionType    parla_session_get_session_type      (ParlaSession        *self);
void                parla_session_set_session_type      (ParlaSession        *self,
                                                         ParlaSessionType     session_type);
const char         *parla_session_get_language          (ParlaSession        *self);
void                parla_session_set_language          (ParlaSession        *self,
                                                         const char          *language);
ParlaLevel          parla_session_get_level             (ParlaSession        *self);
void                parla_session_set_level             (ParlaSession        *self,
                                                         ParlaLevel           level);
gint64              parla_session_get_start             (ParlaSession        *self);
void                parla_session_set_start             (ParlaSession        *self,
                                                         gint64               start);
gint64              parla_session_get_end               (ParlaSession        *self);
void                parla_session_set_end               (ParlaSession        *self,
                                                         gint64               end);
int                 parla_session_get_duration_minutes  (ParlaSession        *self);
void                parla_session_set_duration_minutes  (ParlaSession        *self,
                                                         int                  duration_minutes);
int                 parla_session_get_capacity          (ParlaSession        *self);
void                parla_session_set_capacity          (ParlaSession        *self,
                                                         int                  capacity);
int                 parla_session_get_seats_left        (ParlaSession        *self);
void                parla_session_set_seats_left        (ParlaSession        *self,
                                                         int                  seats_left);
gint64              parla_session_get_price_minor       (ParlaSession        *self);
void                parla_session_set_price_minor       (ParlaSession        *self,
                                                         gint64               price_minor);
const char         *parla_session_get_currency          (ParlaSession        *self);
void                parla_session_set_currency          (ParlaSession        *self,
                                                         const char          *currency);
ParlaSessionStatus  parla_session_get_status            (ParlaSession        *self);
void                parla_session_set_status            (ParlaSession        *self,
                                                         ParlaSessionStatus   status);
const char         *parla_session_get_my_booking_id     (ParlaSession        *self);
void                parla_session_set_my_booking_id     (ParlaSession        *self,
                                                         const char          *my_booking_id);
/* A #ParlaBookingStatus, or -1 when the caller holds no seat (null on the wire). */
int                 parla_session_get_my_booking_status (ParlaSession        *self);
void                parla_session_set_my_booking_status (ParlaSession        *self,
                                                         int                  my_booking_status);
ParlaMaterials     *parla_session_get_materials         (ParlaSession        *self);
void                parla_session_set_materials         (ParlaSession        *self,
                                                         ParlaMaterials      *materials);

G_END_DECLS
