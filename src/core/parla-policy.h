/* parla-policy.h: cancellation refunds, platform fee and session limits
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-types.h"

G_BEGIN_DECLS

/* All money is integer minor units; percentages are basis points
 * (1 % = 100) so that no floating point ever touches money. */
struct _ParlaPolicy
{
  /*< private >*/
  grefcount ref_count;

  /*< public >*/
  int full_refund_hours;        /* learner cancels >= this long before start: full refund (24) */
  int partial_refund_hours;     /* >= this long (and < full): partial refund (12) */
  int partial_refund_bp;        /* the partial refund, 5000 = 50 % */
  int platform_fee_bp;          /* 1000 = 10 % */
  int min_duration_minutes;     /* 15 */
  int max_duration_minutes;     /* 240 */
};

#define PARLA_TYPE_POLICY (parla_policy_get_type ())

GType        parla_policy_get_type        (void) G_GNUC_CONST;
ParlaPolicy *parla_policy_new_default     (void);
ParlaPolicy *parla_policy_copy            (const ParlaPolicy  *self);
ParlaPolicy *parla_policy_ref             (ParlaPolicy        *self);
void         parla_policy_unref           (ParlaPolicy        *self);
gboolean     parla_policy_validate        (const ParlaPolicy  *self,
                                           GError            **error);
gboolean     parla_policy_equal           (const ParlaPolicy  *a,
                                           const ParlaPolicy  *b);

ParlaPolicy *parla_policy_new_from_json   (JsonNode           *node,
                                           GError            **error);
JsonNode    *parla_policy_to_json         (const ParlaPolicy  *self);

gint64       parla_policy_refund_minor    (const ParlaPolicy  *self,
                                           gint64              price_minor,
                                           gint64              start,
                                           gint64              cancelled_at,
                                           ParlaParty          cancelled_by);
gint64       parla_policy_fee_minor       (const ParlaPolicy  *self,
                                           gint64              price_minor);
gboolean     parla_policy_check_duration  (const ParlaPolicy  *self,
                                           int                 minutes,
                                           GError            **error);
gboolean     parla_check_capacity         (gint64              capacity,
                                           GError            **error);
gboolean     parla_check_price            (gint64              price_minor,
                                           const char         *currency,
                                           GError            **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaPolicy, parla_policy_unref)

G_END_DECLS
