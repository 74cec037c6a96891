/* parla-teacher-format.c: what the learner reads about teachers, sessions
 * and slots: language names, ratings, times in two zones, the policy
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-format.h"
#include "parla-teacher-format.h"

static const struct {
  const char *code;
  const char *name;
} languages[] = {
  { "ar", N_("Arabic") },
  { "de", N_("German") },
  { "en", N_("English") },
  { "es", N_("Spanish") },
  { "fr", N_("French") },
  { "hi", N_("Hindi") },
  { "it", N_("Italian") },
  { "ja", N_("Japanese") },
  { "ko", N_("Korean") },
  { "nl", N_("Dutch") },
  { "pl", N_("Polish") },
  { "pt", N_("Portuguese") },
  { "ru", N_("Russian") },
  { "sv", N_("Swedish") },
  { "tr", N_("Turkish") },
  { "zh", N_("Chinese") },
};

/**
 * parla_teacher_format_language:
 * @code: an ISO 639 code, such as `es`
 *
 * Returns: the language's name in the user's language, or @code itself
 *   when it is not one this app knows
 */
const char *
parla_teacher_format_language (const char *code)
{
  g_return_val_if_fail (code != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    if (g_ascii_strcasecmp (languages[i].code, code) == 0)
      return _(languages[i].name);

  return code;
}

/**
 * parla_teacher_format_languages:
 * @codes: (nullable): ISO 639 codes
 *
 * Returns: (transfer full): e.g. "Spanish, English"
 */
char *
parla_teacher_format_languages (const char * const *codes)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; codes != NULL && codes[i] != NULL; i++)
    {
      if (i > 0)
        /* Translators: between the names of languages in a list */
        g_string_append (text, _(", "));
      g_string_append (text, parla_teacher_format_language (codes[i]));
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

/**
 * parla_teacher_format_rating:
 * @rating: the average, or a negative value while there is none
 * @count: how many ratings
 *
 * Returns: (transfer full): e.g. "★ 4.8 (25 ratings)" or "New teacher"
 */
char *
parla_teacher_format_rating (double rating,
                             int    count)
{
  if (count <= 0 || rating < 0)
    return g_strdup (_("New teacher, no ratings yet"));

  /* Translators: an average rating out of 5, then how many people rated */
  return g_strdup_printf (ngettext ("★ %.1f (%d rating)", "★ %.1f (%d ratings)", (gulong) count),
                          rating, count);
}

static char *
format_range_in (gint64     start,
                 gint64     end,
                 GTimeZone *zone)
{
  g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) utc_end = g_date_time_new_from_unix_utc (end);
  g_autoptr(GDateTime) local_start = g_date_time_to_timezone (utc_start, zone);
  g_autoptr(GDateTime) local_end = g_date_time_to_timezone (utc_end, zone);

  return parla_format_time_range (local_start, local_end);
}

/**
 * parla_teacher_format_slot:
 * @context: whose time zone to use
 * @start: the beginning, an instant
 * @end: the end, an instant
 *
 * Returns: (transfer full): e.g. "Mon 23 Nov, 14:30–15:30" in the
 *   learner's time zone
 */
char *
parla_teacher_format_slot (ParlaContext *context,
                           gint64        start,
                           gint64        end)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);

  return format_range_in (start, end, parla_context_get_time_zone (context));
}

/**
 * parla_teacher_format_slot_in_zone:
 * @start: the beginning, an instant
 * @end: the end, an instant
 * @zone: (nullable): an IANA zone, such as `Europe/Madrid`
 *
 * Returns: (transfer full) (nullable): e.g. "Mon 23 Nov, 15:30–16:30 in
 *   Europe/Madrid", or %NULL when @zone is unknown
 */
char *
parla_teacher_format_slot_in_zone (gint64      start,
                                   gint64      end,
                                   const char *zone)
{
  g_autoptr(GTimeZone) tz = NULL;
  g_autofree char *range = NULL;

  if (zone == NULL || *zone == '\0')
    return NULL;

  tz = g_time_zone_new_identifier (zone);
  if (tz == NULL)
    return NULL;

  range = format_range_in (start, end, tz);
  /* Translators: a time range, then a time zone such as Europe/Madrid */
  return g_strdup_printf (_("%s in %s"), range, zone);
}

/**
 * parla_teacher_format_policy:
 * @policy: the platform's cancellation rules
 * @price_minor: what the booking costs
 *
 * Returns: (transfer full): the refunds a learner gets when cancelling,
 *   in one sentence or two
 */
char *
parla_teacher_format_policy (const ParlaPolicy *policy,
                             gint64             price_minor)
{
  g_autofree char *full = NULL;
  g_autofree char *partial = NULL;

  g_return_val_if_fail (policy != NULL, NULL);

  if (price_minor == 0)
    return g_strdup (_("Free to book and free to cancel at any time."));

  full = g_strdup_printf (ngettext ("Cancel at least %d hour before the start for a full refund",
                                    "Cancel at least %d hours before the start for a full refund",
                                    (gulong) policy->full_refund_hours),
                          policy->full_refund_hours);
  if (policy->partial_refund_bp > 0 && policy->partial_refund_hours < policy->full_refund_hours)
    partial = g_strdup_printf (ngettext ("; at least %d hour before for %d %% back",
                                         "; at least %d hours before for %d %% back",
                                         (gulong) policy->partial_refund_hours),
                               policy->partial_refund_hours, policy->partial_refund_bp / 100);

  /* Translators: the full refund rule, the partial one (or nothing), then
   * the end of the sentence */
  return g_strdup_printf (_("%s%s; later cancellations are not refunded. A teacher's cancellation is always refunded in full."),
                          full, partial != NULL ? partial : "");
}

/**
 * parla_teacher_format_session_type:
 * @type: a session's type
 *
 * Returns: its name, e.g. "Group conversation"
 */
const char *
parla_teacher_format_session_type (ParlaSessionType type)
{
  switch (type)
    {
    case PARLA_SESSION_GROUP:
      return _("Group class");
    case PARLA_SESSION_PRIVATE:
      return _("Private session");
    case PARLA_SESSION_PRACTICE:
      return _("Practice meet-up");
    case PARLA_SESSION_CULTURAL:
      return _("Cultural event");
    default:
      return _("Session");
    }
}

/**
 * parla_teacher_format_level:
 * @level: a CEFR level or %PARLA_LEVEL_ALL
 *
 * Returns: e.g. "B1" or "All levels"
 */
const char *
parla_teacher_format_level (ParlaLevel level)
{
  if (level == PARLA_LEVEL_ALL || level < 0 || level > PARLA_LEVEL_ALL)
    return _("All levels");

  return parla_level_names[level];
}
