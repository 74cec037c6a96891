/* parla-policy.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-policy.h"

#include "parla-error.h"
#include "parla-json.h"

G_DEFINE_BOXED_TYPE (ParlaPolicy, parla_policy, parla_policy_ref, parla_policy_unref)

#define BP_WHOLE            10000
#define MAX_REFUND_HOURS    720
#define MAX_DURATION        1440
#define MAX_CAPACITY        1000
#define SECONDS_PER_HOUR    G_GINT64_CONSTANT (3600)

/* The ranges each member can take on its own; parla_policy_validate()
 * checks how the members relate to each other. */
static const ParlaField policy_fields[] = {
  { "full_refund_hours", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, MAX_REFUND_HOURS },
  { "partial_refund_hours", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, MAX_REFUND_HOURS },
  { "partial_refund_percent_bp", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, BP_WHOLE },
  { "platform_fee_bp", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, BP_WHOLE },
  { "min_duration_minutes", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, MAX_DURATION },
  { "max_duration_minutes", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, MAX_DURATION },
};

/* @price_minor * @bp / 10000, rounded half up, for a price >= 0 and
 * 0 <= @bp <= 10000. Split so that the product cannot overflow: the whole
 * part of price / 10000 scales exactly, only the remainder is rounded. */
static gint64
apply_bp (gint64 price_minor,
          int    bp)
{
  gint64 whole = price_minor / BP_WHOLE;
  gint64 rest = price_minor % BP_WHOLE;

  g_assert (price_minor >= 0);
  g_assert (bp >= 0 && bp <= BP_WHOLE);

  return whole * bp + (rest * bp + BP_WHOLE / 2) / BP_WHOLE;
}

static ParlaPolicy *
policy_alloc (void)
{
  ParlaPolicy *self = g_new0 (ParlaPolicy, 1);

  g_ref_count_init (&self->ref_count);
  return self;
}

/**
 * parla_policy_new_default:
 *
 * Returns: (transfer full): the platform's standard policy: full refund
 *   24 h before the start, 50 % from 12 h, a 10 % fee, sessions of
 *   15 to 240 minutes
 */
ParlaPolicy *
parla_policy_new_default (void)
{
  ParlaPolicy *self = policy_alloc ();

  self->full_refund_hours = 24;
  self->partial_refund_hours = 12;
  self->partial_refund_bp = 5000;
  self->platform_fee_bp = 1000;
  self->min_duration_minutes = 15;
  self->max_duration_minutes = 240;

  return self;
}

/**
 * parla_policy_copy:
 *
 * Returns: (transfer full): an unshared copy that may be modified
 */
ParlaPolicy *
parla_policy_copy (const ParlaPolicy *self)
{
  ParlaPolicy *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = policy_alloc ();
  copy->full_refund_hours = self->full_refund_hours;
  copy->partial_refund_hours = self->partial_refund_hours;
  copy->partial_refund_bp = self->partial_refund_bp;
  copy->platform_fee_bp = self->platform_fee_bp;
  copy->min_duration_minutes = self->min_duration_minutes;
  copy->max_duration_minutes = self->max_duration_minutes;

  return copy;
}

ParlaPolicy *
parla_policy_ref (ParlaPolicy *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
parla_policy_unref (ParlaPolicy *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    g_free (self);
}

/**
 * parla_policy_equal:
 * @a: (nullable): a policy
 * @b: (nullable): a policy
 *
 * Returns: whether both hold the same values; %NULL equals only %NULL
 */
gboolean
parla_policy_equal (const ParlaPolicy *a,
                    const ParlaPolicy *b)
{
  if (a == b)
    return TRUE;

  if (a == NULL || b == NULL)
    return FALSE;

  return a->full_refund_hours == b->full_refund_hours &&
         a->partial_refund_hours == b->partial_refund_hours &&
         a->partial_refund_bp == b->partial_refund_bp &&
         a->platform_fee_bp == b->platform_fee_bp &&
         a->min_duration_minutes == b->min_duration_minutes &&
         a->max_duration_minutes == b->max_duration_minutes;
}

/**
 * parla_policy_validate:
 *
 * Checks 0 <= partial_refund_hours < full_refund_hours <= 720, both basis
 * points within 0..10000 and 1 <= min_duration_minutes <=
 * max_duration_minutes <= 1440. The error names the JSON member.
 */
gboolean
parla_policy_validate (const ParlaPolicy  *self,
                       GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (self->full_refund_hours < 1 || self->full_refund_hours > MAX_REFUND_HOURS)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "full_refund_hours",
                       "“full_refund_hours” must be between 1 and %d", MAX_REFUND_HOURS);
      return FALSE;
    }

  if (self->partial_refund_hours < 0 || self->partial_refund_hours >= self->full_refund_hours)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "partial_refund_hours",
                       "“partial_refund_hours” must be at least 0 and below “full_refund_hours” (%d)",
                       self->full_refund_hours);
      return FALSE;
    }

  if (self->partial_refund_bp < 0 || self->partial_refund_bp > BP_WHOLE)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "partial_refund_percent_bp",
                       "“partial_refund_percent_bp” must be between 0 and %d", BP_WHOLE);
      return FALSE;
    }

  if (self->platform_fee_bp < 0 || self->platform_fee_bp > BP_WHOLE)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "platform_fee_bp",
                       "“platform_fee_bp” must be between 0 and %d", BP_WHOLE);
      return FALSE;
    }

  if (self->min_duration_minutes < 1 || self->min_duration_minutes > MAX_DURATION)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "min_duration_minutes",
                       "“min_duration_minutes” must be between 1 and %d", MAX_DURATION);
      return FALSE;
    }

  if (self->max_duration_minutes < self->min_duration_minutes ||
      self->max_duration_minutes > MAX_DURATION)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "max_duration_minutes",
                       "“max_duration_minutes” must be between “min_duration_minutes” (%d) and %d",
                       self->min_duration_minutes, MAX_DURATION);
      return FALSE;
    }

  return TRUE;
}

/**
 * parla_policy_new_from_json:
 * @node: (nullable): a JSON object with all six members
 *
 * Strict: every member is required and must be a JSON integer, then the
 * whole policy is validated.
 *
 * Returns: (transfer full) (nullable): the policy, or %NULL with an
 *   `invalid_input` error naming the member
 */
ParlaPolicy *
parla_policy_new_from_json (JsonNode  *node,
                            GError   **error)
{
  g_autoptr(ParlaPolicy) self = NULL;
  JsonObject *object;

  if (!parla_json_check (node, policy_fields, G_N_ELEMENTS (policy_fields),
                         PARLA_JSON_RESOURCE, error))
    return NULL;

  object = json_node_get_object (node);

  /* The field table keeps every value within int range. */
  self = policy_alloc ();
  self->full_refund_hours = parla_json_get_int (object, "full_refund_hours", 0);
  self->partial_refund_hours = parla_json_get_int (object, "partial_refund_hours", 0);
  self->partial_refund_bp = parla_json_get_int (object, "partial_refund_percent_bp", 0);
  self->platform_fee_bp = parla_json_get_int (object, "platform_fee_bp", 0);
  self->min_duration_minutes = parla_json_get_int (object, "min_duration_minutes", 0);
  self->max_duration_minutes = parla_json_get_int (object, "max_duration_minutes", 0);

  if (!parla_policy_validate (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * parla_policy_to_json:
 *
 * Returns: (transfer full): `{"full_refund_hours", "partial_refund_hours",
 *   "partial_refund_percent_bp", "platform_fee_bp", "min_duration_minutes",
 *   "max_duration_minutes"}`
 */
JsonNode *
parla_policy_to_json (const ParlaPolicy *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  parla_json_add_int (builder, "full_refund_hours", self->full_refund_hours);
  parla_json_add_int (builder, "partial_refund_hours", self->partial_refund_hours);
  parla_json_add_int (builder, "partial_refund_percent_bp", self->partial_refund_bp);
  parla_json_add_int (builder, "platform_fee_bp", self->platform_fee_bp);
  parla_json_add_int (builder, "min_duration_minutes", self->min_duration_minutes);
  parla_json_add_int (builder, "max_duration_minutes", self->max_duration_minutes);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * parla_policy_refund_minor:
 * @price_minor: what the learner paid, >= 0
 * @start: when the lesson starts
 * @cancelled_at: when it was cancelled
 * @cancelled_by: who cancelled
 *
 * A teacher's cancellation refunds the full price. A learner's refunds the
 * full price at least full_refund_hours before @start, the partial share
 * (rounded half up) at least partial_refund_hours before, and nothing
 * later, including after the start.
 *
 * Returns: the refund in minor units, 0 <= refund <= @price_minor
 */
gint64
parla_policy_refund_minor (const ParlaPolicy *self,
                           gint64             price_minor,
                           gint64             start,
                           gint64             cancelled_at,
                           ParlaParty         cancelled_by)
{
  gint64 time_left;

  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (price_minor >= 0, 0);

  if (price_minor == 0)
    return 0;

  if (cancelled_by == PARLA_PARTY_TEACHER)
    return price_minor;

  /* Instants are far from the int64 limits; no overflow here. */
  time_left = start - cancelled_at;

  if (time_left < 0)
    return 0;

  if (time_left >= self->full_refund_hours * SECONDS_PER_HOUR)
    return price_minor;

  if (time_left >= self->partial_refund_hours * SECONDS_PER_HOUR)
    return apply_bp (price_minor, CLAMP (self->partial_refund_bp, 0, BP_WHOLE));

  return 0;
}

/**
 * parla_policy_fee_minor:
 * @price_minor: the price, >= 0
 *
 * Returns: the platform's share, rounded half up; never more than
 *   @price_minor
 */
gint64
parla_policy_fee_minor (const ParlaPolicy *self,
                        gint64             price_minor)
{
  g_return_val_if_fail (self != NULL, 0);
  g_return_val_if_fail (price_minor >= 0, 0);

  return apply_bp (price_minor, CLAMP (self->platform_fee_bp, 0, BP_WHOLE));
}

/**
 * parla_policy_check_duration:
 *
 * Returns: whether @minutes is within the policy's limits; otherwise
 *   %FALSE with an error on "duration_minutes" that names the limits
 */
gboolean
parla_policy_check_duration (const ParlaPolicy  *self,
                             int                 minutes,
                             GError            **error)
{
  g_return_val_if_fail (self != NULL, FALSE);

  if (minutes < self->min_duration_minutes || minutes > self->max_duration_minutes)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "duration_minutes",
                       "“duration_minutes” must be between %d and %d minutes",
                       self->min_duration_minutes, self->max_duration_minutes);
      return FALSE;
    }

  return TRUE;
}

/**
 * parla_check_capacity:
 *
 * Returns: whether 1 <= @capacity <= 1000; otherwise %FALSE with an error
 *   on "capacity"
 */
gboolean
parla_check_capacity (gint64   capacity,
                      GError **error)
{
  if (capacity < 1 || capacity > MAX_CAPACITY)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "capacity",
                       "“capacity” must be between 1 and %d", MAX_CAPACITY);
      return FALSE;
    }

  return TRUE;
}

/**
 * parla_check_price:
 * @price_minor: the price in minor units
 * @currency: (nullable): an ISO 4217 code such as "EUR"
 *
 * Returns: whether the price is not negative and the currency is three
 *   uppercase ASCII letters; otherwise %FALSE with an error on
 *   "price_minor" or "currency"
 */
gboolean
parla_check_price (gint64       price_minor,
                   const char  *currency,
                   GError     **error)
{
  if (price_minor < 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "price_minor",
                       "“price_minor” must not be negative");
      return FALSE;
    }

  if (currency == NULL ||
      !g_ascii_isupper (currency[0]) ||
      !g_ascii_isupper (currency[1]) ||
      !g_ascii_isupper (currency[2]) ||
      currency[3] != '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "currency",
                       "“currency” must be a three-letter ISO 4217 code such as EUR");
      return FALSE;
    }

  return TRUE;
}
