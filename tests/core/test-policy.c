/* test-policy.c: refunds, the platform fee, limits and the policy on the wire
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-core.h"

#define MINUTE G_GINT64_CONSTANT (60)
#define HOUR   (60 * MINUTE)

/* 2026-03-01T10:00:00Z */
#define START G_GINT64_CONSTANT (1772359200)

static const char default_json[] =
  "{\"full_refund_hours\":24,\"partial_refund_hours\":12,\"partial_refund_percent_bp\":5000,"
  "\"platform_fee_bp\":1000,\"min_duration_minutes\":15,\"max_duration_minutes\":240}";

/* Helpers */

static JsonNode *
parse (const char *text)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = parla_json_parse (text, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static void
assert_field_error (const GError *error,
                    const char   *field)
{
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, field);
}

/* Refunds */

typedef struct
{
  const char *path;
  gint64      price_minor;
  gint64      before_start;  /* start - cancelled_at */
  ParlaParty  cancelled_by;
  gint64      expected;
} RefundCase;

static const RefundCase refund_cases[] = {
  { "/core/policy/refund/learner/week-before", 2000, 7 * 24 * HOUR, PARLA_PARTY_LEARNER, 2000 },
  { "/core/policy/refund/learner/exactly-24h", 2000, 24 * HOUR, PARLA_PARTY_LEARNER, 2000 },
  { "/core/policy/refund/learner/23h59m59s", 2000, 24 * HOUR - 1, PARLA_PARTY_LEARNER, 1000 },
  { "/core/policy/refund/learner/exactly-12h", 2000, 12 * HOUR, PARLA_PARTY_LEARNER, 1000 },
  { "/core/policy/refund/learner/11h59m", 2000, 12 * HOUR - MINUTE, PARLA_PARTY_LEARNER, 0 },
  { "/core/policy/refund/learner/11h59m59s", 2000, 12 * HOUR - 1, PARLA_PARTY_LEARNER, 0 },
  { "/core/policy/refund/learner/at-start", 2000, 0, PARLA_PARTY_LEARNER, 0 },
  { "/core/policy/refund/learner/after-start", 2000, -MINUTE, PARLA_PARTY_LEARNER, 0 },
  { "/core/policy/refund/learner/long-after-start", 2000, -30 * 24 * HOUR, PARLA_PARTY_LEARNER, 0 },
  { "/core/policy/refund/teacher/1m-before", 2000, MINUTE, PARLA_PARTY_TEACHER, 2000 },
  { "/core/policy/refund/teacher/after-start", 2000, -HOUR, PARLA_PARTY_TEACHER, 2000 },
  { "/core/policy/refund/teacher/week-before", 2000, 7 * 24 * HOUR, PARLA_PARTY_TEACHER, 2000 },
  { "/core/policy/refund/rounding/999", 999, 13 * HOUR, PARLA_PARTY_LEARNER, 500 },
  { "/core/policy/refund/rounding/1", 1, 13 * HOUR, PARLA_PARTY_LEARNER, 1 },
  { "/core/policy/refund/rounding/3", 3, 13 * HOUR, PARLA_PARTY_LEARNER, 2 },
  { "/core/policy/refund/rounding/1001", 1001, 13 * HOUR, PARLA_PARTY_LEARNER, 501 },
  { "/core/policy/refund/rounding/huge", G_MAXINT64, 13 * HOUR, PARLA_PARTY_LEARNER,
    G_GINT64_CONSTANT (4611686018427387904) },
  { "/core/policy/refund/free/learner", 0, 48 * HOUR, PARLA_PARTY_LEARNER, 0 },
  { "/core/policy/refund/free/learner-partial", 0, 13 * HOUR, PARLA_PARTY_LEARNER, 0 },
  { "/core/policy/refund/free/teacher", 0, MINUTE, PARLA_PARTY_TEACHER, 0 },
};

static void
test_refund (gconstpointer data)
{
  const RefundCase *c = data;
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  gint64 refund;

  refund = parla_policy_refund_minor (policy, c->price_minor, START,
                                      START - c->before_start, c->cancelled_by);
  g_assert_cmpint (refund, ==, c->expected);
  g_assert_cmpint (refund, >=, 0);
  g_assert_cmpint (refund, <=, c->price_minor);
}

static void
test_refund_custom (void)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(ParlaPolicy) at_start = parla_policy_new_default ();

  policy->full_refund_hours = 48;
  policy->partial_refund_hours = 6;
  policy->partial_refund_bp = 2500;
  g_assert_true (parla_policy_validate (policy, NULL));

  g_assert_cmpint (parla_policy_refund_minor (policy, 1000, START, START - 48 * HOUR, PARLA_PARTY_LEARNER), ==, 1000);
  g_assert_cmpint (parla_policy_refund_minor (policy, 1000, START, START - 47 * HOUR, PARLA_PARTY_LEARNER), ==, 250);
  g_assert_cmpint (parla_policy_refund_minor (policy, 1000, START, START - 24 * HOUR, PARLA_PARTY_LEARNER), ==, 250);
  g_assert_cmpint (parla_policy_refund_minor (policy, 1000, START, START - 6 * HOUR, PARLA_PARTY_LEARNER), ==, 250);
  g_assert_cmpint (parla_policy_refund_minor (policy, 1000, START, START - 6 * HOUR + 1, PARLA_PARTY_LEARNER), ==, 0);
  /* 2.5 % of 1002 is 250.5 */
  g_assert_cmpint (parla_policy_refund_minor (policy, 1002, START, START - 7 * HOUR, PARLA_PARTY_LEARNER), ==, 251);
  g_assert_cmpint (parla_policy_refund_minor (policy, 1000, START, START - HOUR, PARLA_PARTY_TEACHER), ==, 1000);

  /* No partial refund at all. */
  policy->partial_refund_bp = 0;
  g_assert_cmpint (parla_policy_refund_minor (policy, 1000, START, START - 7 * HOUR, PARLA_PARTY_LEARNER), ==, 0);

  /* A partial refund up to the start, never after it. */
  at_start->partial_refund_hours = 0;
  at_start->partial_refund_bp = 10000;
  g_assert_true (parla_policy_validate (at_start, NULL));
  g_assert_cmpint (parla_policy_refund_minor (at_start, 1000, START, START, PARLA_PARTY_LEARNER), ==, 1000);
  g_assert_cmpint (parla_policy_refund_minor (at_start, 1000, START, START + 1, PARLA_PARTY_LEARNER), ==, 0);
}

/* Fee */

typedef struct
{
  gint64 price_minor;
  int    fee_bp;
  gint64 expected;
} FeeCase;

static const FeeCase fee_cases[] = {
  { 0, 1000, 0 },
  { 4, 1000, 0 },       /* 0.4 */
  { 5, 1000, 1 },       /* 0.5 rounds up */
  { 14, 1000, 1 },      /* 1.4 */
  { 15, 1000, 2 },      /* 1.5 */
  { 1994, 1000, 199 },  /* 199.4 */
  { 1995, 1000, 200 },  /* 199.5 */
  { 1999, 1000, 200 },  /* 199.9 */
  { 2000, 1000, 200 },
  { 1, 1, 0 },
  { 5000, 1, 1 },       /* 0.5 */
  { 4999, 1, 0 },       /* 0.4999 */
  { 1999, 0, 0 },
  { 1999, 10000, 1999 },
  { 1, 9999, 1 },
  { 12345, 1750, 2160 },  /* 2160.375 */
  { G_MAXINT64, 10000, G_MAXINT64 },
};

static void
test_fee (void)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();

  g_assert_cmpint (parla_policy_fee_minor (policy, 1999), ==, 200);

  for (guint i = 0; i < G_N_ELEMENTS (fee_cases); i++)
    {
      const FeeCase *c = &fee_cases[i];

      policy->platform_fee_bp = c->fee_bp;
      g_test_message ("fee %d bp of %" G_GINT64_FORMAT, c->fee_bp, c->price_minor);
      g_assert_cmpint (parla_policy_fee_minor (policy, c->price_minor), ==, c->expected);
    }
}

static void
test_fee_bounded (void)
{
  static const int rates[] = { 0, 1, 999, 1000, 3333, 5000, 9999, 10000 };
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();

  for (guint r = 0; r < G_N_ELEMENTS (rates); r++)
    {
      policy->platform_fee_bp = rates[r];

      for (gint64 price = 0; price <= 3000; price++)
        {
          gint64 fee = parla_policy_fee_minor (policy, price);

          g_assert_cmpint (fee, >=, 0);
          g_assert_cmpint (fee, <=, price);
        }
    }

  /* Even a policy that was never validated cannot take more than the price. */
  policy->platform_fee_bp = 20000;
  g_assert_cmpint (parla_policy_fee_minor (policy, 777), ==, 777);
  policy->platform_fee_bp = -5;
  g_assert_cmpint (parla_policy_fee_minor (policy, 777), ==, 0);
}

/* Limits */

static void
test_duration (void)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(GError) error = NULL;

  g_assert_true (parla_policy_check_duration (policy, 15, NULL));
  g_assert_true (parla_policy_check_duration (policy, 60, NULL));
  g_assert_true (parla_policy_check_duration (policy, 240, NULL));

  g_assert_false (parla_policy_check_duration (policy, 14, &error));
  assert_field_error (error, "duration_minutes");
  g_assert_nonnull (strstr (error->message, "15"));
  g_assert_nonnull (strstr (error->message, "240"));
  g_clear_error (&error);

  g_assert_false (parla_policy_check_duration (policy, 241, &error));
  assert_field_error (error, "duration_minutes");
  g_clear_error (&error);

  g_assert_false (parla_policy_check_duration (policy, 0, &error));
  assert_field_error (error, "duration_minutes");
  g_clear_error (&error);

  policy->min_duration_minutes = 30;
  policy->max_duration_minutes = 90;
  g_assert_false (parla_policy_check_duration (policy, 15, &error));
  assert_field_error (error, "duration_minutes");
  g_assert_nonnull (strstr (error->message, "30"));
  g_assert_nonnull (strstr (error->message, "90"));
  g_clear_error (&error);
  g_assert_true (parla_policy_check_duration (policy, 90, NULL));
}

static void
test_capacity (void)
{
  static const struct { gint64 capacity; gboolean ok; } cases[] = {
    { G_MININT64, FALSE }, { -5, FALSE }, { 0, FALSE }, { 1, TRUE }, { 2, TRUE },
    { 1000, TRUE }, { 1001, FALSE }, { G_MAXINT64, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = parla_check_capacity (cases[i].capacity, &error);

      g_test_message ("capacity %" G_GINT64_FORMAT, cases[i].capacity);
      g_assert_cmpint (ok, ==, cases[i].ok);
      if (ok)
        g_assert_no_error (error);
      else
        assert_field_error (error, "capacity");
    }
}

static void
test_price (void)
{
  static const struct { gint64 price; const char *currency; const char *field; } cases[] = {
    { 0, "EUR", NULL },
    { 1500, "USD", NULL },
    { G_MAXINT64, "MXN", NULL },
    { -1, "EUR", "price_minor" },
    { G_MININT64, "EUR", "price_minor" },
    { 100, "eur", "currency" },
    { 100, "Eur", "currency" },
    { 100, "EU", "currency" },
    { 100, "EURO", "currency" },
    { 100, "", "currency" },
    { 100, NULL, "currency" },
    { 100, "E1R", "currency" },
    { 100, "EU ", "currency" },
    { 100, "ÉUR", "currency" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean ok = parla_check_price (cases[i].price, cases[i].currency, &error);

      g_test_message ("price %" G_GINT64_FORMAT " %s", cases[i].price,
                      cases[i].currency ? cases[i].currency : "(null)");
      if (cases[i].field == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          assert_field_error (error, cases[i].field);
        }
    }

  /* Negative prices are reported before the currency. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_false (parla_check_price (-1, "xx", &error));
    assert_field_error (error, "price_minor");
    g_assert_cmpstr (error->message, ==, "“price_minor” must not be negative");
  }
}

/* Lifecycle */

static void
test_defaults (void)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();

  g_assert_cmpint (policy->full_refund_hours, ==, 24);
  g_assert_cmpint (policy->partial_refund_hours, ==, 12);
  g_assert_cmpint (policy->partial_refund_bp, ==, 5000);
  g_assert_cmpint (policy->platform_fee_bp, ==, 1000);
  g_assert_cmpint (policy->min_duration_minutes, ==, 15);
  g_assert_cmpint (policy->max_duration_minutes, ==, 240);
  g_assert_true (parla_policy_validate (policy, NULL));
}

static void
test_copy_ref (void)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(ParlaPolicy) copy = parla_policy_copy (policy);
  ParlaPolicy *ref;
  ParlaPolicy *boxed;

  g_assert_true (copy != policy);
  g_assert_true (parla_policy_equal (policy, copy));

  copy->platform_fee_bp = 1500;
  g_assert_false (parla_policy_equal (policy, copy));
  g_assert_cmpint (policy->platform_fee_bp, ==, 1000);

  ref = parla_policy_ref (policy);
  g_assert_true (ref == policy);
  parla_policy_unref (ref);

  g_assert_true (G_TYPE_IS_BOXED (PARLA_TYPE_POLICY));
  boxed = g_boxed_copy (PARLA_TYPE_POLICY, policy);
  g_assert_true (boxed == policy);
  g_boxed_free (PARLA_TYPE_POLICY, boxed);

  g_assert_true (parla_policy_equal (NULL, NULL));
  g_assert_false (parla_policy_equal (policy, NULL));
  g_assert_false (parla_policy_equal (NULL, policy));
}

/* Validation */

typedef struct
{
  const char *path;
  int         full_refund_hours;
  int         partial_refund_hours;
  int         partial_refund_bp;
  int         platform_fee_bp;
  int         min_duration_minutes;
  int         max_duration_minutes;
  const char *field;  /* NULL: valid */
} ValidateCase;

static const ValidateCase validate_cases[] = {
  { "/core/policy/validate/default", 24, 12, 5000, 1000, 15, 240, NULL },
  { "/core/policy/validate/bounds-low", 1, 0, 0, 0, 1, 1, NULL },
  { "/core/policy/validate/bounds-high", 720, 719, 10000, 10000, 1440, 1440, NULL },
  { "/core/policy/validate/full-zero", 0, 0, 5000, 1000, 15, 240, "full_refund_hours" },
  { "/core/policy/validate/full-too-long", 721, 12, 5000, 1000, 15, 240, "full_refund_hours" },
  { "/core/policy/validate/partial-negative", 24, -1, 5000, 1000, 15, 240, "partial_refund_hours" },
  { "/core/policy/validate/partial-equals-full", 24, 24, 5000, 1000, 15, 240, "partial_refund_hours" },
  { "/core/policy/validate/partial-above-full", 12, 24, 5000, 1000, 15, 240, "partial_refund_hours" },
  { "/core/policy/validate/partial-bp-negative", 24, 12, -1, 1000, 15, 240, "partial_refund_percent_bp" },
  { "/core/policy/validate/partial-bp-too-high", 24, 12, 10001, 1000, 15, 240, "partial_refund_percent_bp" },
  { "/core/policy/validate/fee-negative", 24, 12, 5000, -1, 15, 240, "platform_fee_bp" },
  { "/core/policy/validate/fee-too-high", 24, 12, 5000, 10001, 15, 240, "platform_fee_bp" },
  { "/core/policy/validate/min-zero", 24, 12, 5000, 1000, 0, 240, "min_duration_minutes" },
  { "/core/policy/validate/min-too-long", 24, 12, 5000, 1000, 1441, 1441, "min_duration_minutes" },
  { "/core/policy/validate/max-below-min", 24, 12, 5000, 1000, 60, 59, "max_duration_minutes" },
  { "/core/policy/validate/max-too-long", 24, 12, 5000, 1000, 15, 1441, "max_duration_minutes" },
};

static void
test_validate (gconstpointer data)
{
  const ValidateCase *c = data;
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(GError) error = NULL;
  gboolean ok;

  policy->full_refund_hours = c->full_refund_hours;
  policy->partial_refund_hours = c->partial_refund_hours;
  policy->partial_refund_bp = c->partial_refund_bp;
  policy->platform_fee_bp = c->platform_fee_bp;
  policy->min_duration_minutes = c->min_duration_minutes;
  policy->max_duration_minutes = c->max_duration_minutes;

  ok = parla_policy_validate (policy, &error);

  if (c->field == NULL)
    {
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(ParlaPolicy) parsed = NULL;

      g_assert_no_error (error);
      g_assert_true (ok);

      /* Whatever validates also survives the wire. */
      node = parla_policy_to_json (policy);
      parsed = parla_policy_new_from_json (node, &error);
      g_assert_no_error (error);
      g_assert_true (parla_policy_equal (policy, parsed));
    }
  else
    {
      g_assert_false (ok);
      assert_field_error (error, c->field);
    }
}

/* JSON */

static void
test_json_default (void)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(JsonNode) node = parla_policy_to_json (policy);
  g_autofree char *text = parla_json_to_string (node);

  g_assert_cmpstr (text, ==, default_json);
}

static void
test_json_round_trip (void)
{
  g_autoptr(ParlaPolicy) policy = parla_policy_new_default ();
  g_autoptr(ParlaPolicy) parsed = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *first = NULL;
  g_autofree char *second = NULL;

  policy->full_refund_hours = 48;
  policy->partial_refund_hours = 2;
  policy->partial_refund_bp = 7500;
  policy->platform_fee_bp = 1250;
  policy->min_duration_minutes = 30;
  policy->max_duration_minutes = 180;

  node = parla_policy_to_json (policy);
  parsed = parla_policy_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (parsed);
  g_assert_true (parla_policy_equal (policy, parsed));

  again = parla_policy_to_json (parsed);
  first = parla_json_to_string (node);
  second = parla_json_to_string (again);
  g_assert_cmpstr (first, ==, second);
  g_assert_cmpstr (first, ==,
                   "{\"full_refund_hours\":48,\"partial_refund_hours\":2,\"partial_refund_percent_bp\":7500,"
                   "\"platform_fee_bp\":1250,\"min_duration_minutes\":30,\"max_duration_minutes\":180}");
}

static void
test_json_from_text (void)
{
  g_autoptr(JsonNode) node = parse (default_json);
  g_autoptr(ParlaPolicy) expected = parla_policy_new_default ();
  g_autoptr(ParlaPolicy) parsed = NULL;
  g_autoptr(GError) error = NULL;

  parsed = parla_policy_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_true (parla_policy_equal (expected, parsed));
}

typedef struct
{
  const char *path;
  const char *member;
  const char *value;  /* JSON text; NULL removes the member */
  const char *field;
} JsonCase;

static const JsonCase json_cases[] = {
  { "/core/policy/json/missing/full_refund_hours", "full_refund_hours", NULL, "full_refund_hours" },
  { "/core/policy/json/missing/partial_refund_hours", "partial_refund_hours", NULL, "partial_refund_hours" },
  { "/core/policy/json/missing/partial_refund_percent_bp", "partial_refund_percent_bp", NULL, "partial_refund_percent_bp" },
  { "/core/policy/json/missing/platform_fee_bp", "platform_fee_bp", NULL, "platform_fee_bp" },
  { "/core/policy/json/missing/min_duration_minutes", "min_duration_minutes", NULL, "min_duration_minutes" },
  { "/core/policy/json/missing/max_duration_minutes", "max_duration_minutes", NULL, "max_duration_minutes" },
  { "/core/policy/json/string", "full_refund_hours", "\"24\"", "full_refund_hours" },
  { "/core/policy/json/fraction", "partial_refund_hours", "12.5", "partial_refund_hours" },
  { "/core/policy/json/whole-double", "platform_fee_bp", "1000.0", "platform_fee_bp" },
  { "/core/policy/json/null", "platform_fee_bp", "null", "platform_fee_bp" },
  { "/core/policy/json/bool", "min_duration_minutes", "true", "min_duration_minutes" },
  { "/core/policy/json/array", "max_duration_minutes", "[240]", "max_duration_minutes" },
  { "/core/policy/json/bp-too-high", "partial_refund_percent_bp", "10001", "partial_refund_percent_bp" },
  { "/core/policy/json/fee-negative", "platform_fee_bp", "-1", "platform_fee_bp" },
  { "/core/policy/json/huge", "full_refund_hours", "9223372036854775807", "full_refund_hours" },
  { "/core/policy/json/partial-not-below-full", "partial_refund_hours", "24", "partial_refund_hours" },
  { "/core/policy/json/max-below-min", "max_duration_minutes", "10", "max_duration_minutes" },
};

static void
test_json_invalid (gconstpointer data)
{
  const JsonCase *c = data;
  g_autoptr(JsonNode) node = parse (default_json);
  g_autoptr(ParlaPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object = json_node_get_object (node);

  if (c->value == NULL)
    json_object_remove_member (object, c->member);
  else
    json_object_set_member (object, c->member, parse (c->value));

  policy = parla_policy_new_from_json (node, &error);
  g_assert_null (policy);
  assert_field_error (error, c->field);
  g_assert_nonnull (strstr (error->message, c->field));
}

static void
test_json_not_object (void)
{
  static const char * const texts[] = { "[]", "24", "\"policy\"", "null" };

  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      g_autoptr(JsonNode) node = parse (texts[i]);
      g_autoptr(ParlaPolicy) policy = NULL;
      g_autoptr(GError) error = NULL;

      policy = parla_policy_new_from_json (node, &error);
      g_assert_null (policy);
      g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
    }

  {
    g_autoptr(GError) error = NULL;

    g_assert_null (parla_policy_new_from_json (NULL, &error));
    g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  }
}

static void
test_json_extra_member (void)
{
  g_autoptr(JsonNode) node = parse (default_json);
  g_autoptr(ParlaPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;

  /* Newer peers may add members. */
  json_object_set_int_member (json_node_get_object (node), "no_show_fee_bp", 100);
  policy = parla_policy_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (policy);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (refund_cases); i++)
    g_test_add_data_func (refund_cases[i].path, &refund_cases[i], test_refund);
  g_test_add_func ("/core/policy/refund/custom", test_refund_custom);

  g_test_add_func ("/core/policy/fee/rounding", test_fee);
  g_test_add_func ("/core/policy/fee/bounded", test_fee_bounded);

  g_test_add_func ("/core/policy/limits/duration", test_duration);
  g_test_add_func ("/core/policy/limits/capacity", test_capacity);
  g_test_add_func ("/core/policy/limits/price", test_price);

  g_test_add_func ("/core/policy/defaults", test_defaults);
  g_test_add_func ("/core/policy/copy-ref", test_copy_ref);

  for (guint i = 0; i < G_N_ELEMENTS (validate_cases); i++)
    g_test_add_data_func (validate_cases[i].path, &validate_cases[i], test_validate);

  g_test_add_func ("/core/policy/json/default", test_json_default);
  g_test_add_func ("/core/policy/json/round-trip", test_json_round_trip);
  g_test_add_func ("/core/policy/json/from-text", test_json_from_text);
  g_test_add_func ("/core/policy/json/not-object", test_json_not_object);
  g_test_add_func ("/core/policy/json/extra-member", test_json_extra_member);
  for (guint i = 0; i < G_N_ELEMENTS (json_cases); i++)
    g_test_add_data_func (json_cases[i].path, &json_cases[i], test_json_invalid);

  return g_test_run ();
}
