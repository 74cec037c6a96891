/* parla-availability.h: a teacher's bookable hours and the slots they give
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-types.h"

G_BEGIN_DECLS

/* A half-open interval of instants [start, end), seconds since the epoch (UTC). */
typedef struct
{
  gint64 start;
  gint64 end;
} ParlaInterval;

/* Rules, all in minutes or days; 0 means "none" for buffers and max_per_day. */
typedef struct
{
  int lead_time_minutes;     /* default 120: no slot starts sooner than now + lead time */
  int buffer_before_minutes; /* default 0 */
  int buffer_after_minutes;  /* default 0 */
  int max_per_day;           /* default 0 = unlimited: commitments starting on one local date */
  int horizon_days;          /* default 60: no slot starts later than now + horizon */
  int granularity_minutes;   /* default 30: slot starts are this far apart */
} ParlaAvailabilityRules;

#define PARLA_TYPE_AVAILABILITY (parla_availability_get_type ())

GType               parla_availability_get_type        (void) G_GNUC_CONST;

ParlaAvailability  *parla_availability_new             (const char                   *time_zone,
                                                        GError                      **error);
ParlaAvailability  *parla_availability_new_from_json   (JsonNode                     *node,
                                                        GError                      **error);
JsonNode           *parla_availability_to_json         (ParlaAvailability            *self);
ParlaAvailability  *parla_availability_ref             (ParlaAvailability            *self);
void                parla_availability_unref           (ParlaAvailability            *self);

const char         *parla_availability_get_time_zone   (ParlaAvailability            *self);
GTimeZone          *parla_availability_get_zone        (ParlaAvailability            *self);
const ParlaAvailabilityRules *
                    parla_availability_get_rules       (ParlaAvailability            *self);
void                parla_availability_set_rules       (ParlaAvailability            *self,
                                                        const ParlaAvailabilityRules *rules);
/* weekday: ISO 1 (Monday) .. 7 (Sunday); minutes since local midnight, end may be 1440. */
void                parla_availability_add_weekly      (ParlaAvailability            *self,
                                                        int                           weekday,
                                                        int                           start_minute,
                                                        int                           end_minute);
/* An override replaces the weekly hours of one local date; no range at all is a day off. */
void                parla_availability_add_day_off     (ParlaAvailability            *self,
                                                        int                           year,
                                                        int                           month,
                                                        int                           day);
void                parla_availability_add_override    (ParlaAvailability            *self,
                                                        int                           year,
                                                        int                           month,
                                                        int                           day,
                                                        int                           start_minute,
                                                        int                           end_minute);

GArray             *parla_availability_compute_slots   (ParlaAvailability            *self,
                                                        const ParlaInterval          *commitments,
                                                        guint                         n_commitments,
                                                        gint64                        range_start,
                                                        gint64                        range_end,
                                                        int                           duration_minutes,
                                                        gint64                        now);
gboolean            parla_availability_is_bookable     (ParlaAvailability            *self,
                                                        const ParlaInterval          *commitments,
                                                        guint                         n_commitments,
                                                        gint64                        start,
                                                        int                           duration_minutes,
                                                        gint64                        now);
gboolean            parla_availability_conflicts       (ParlaAvailability            *self,
                                                        const ParlaInterval          *commitments,
                                                        guint                         n_commitments,
                                                        gint64                        start,
                                                        gint64                        end);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaAvailability, parla_availability_unref)

G_END_DECLS
