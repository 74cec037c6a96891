/* parla-matcher.c: ranking teachers for an instant call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A pure function: the same request and candidates always give the same
 * order, whatever order the candidates come in. docs/matching.md
 * explains the score to teachers and admins.
 */

#include "config.h"

#include "parla-matcher.h"

#include <string.h>

static gboolean
contains (const char * const *values,
          const char         *value)
{
  if (values == NULL || value == NULL)
    return FALSE;

  for (guint i = 0; values[i] != NULL; i++)
    if (g_ascii_strcasecmp (values[i], value) == 0)
      return TRUE;

  return FALSE;
}

static gboolean
same (const char *a,
      const char *b)
{
  return a != NULL && b != NULL && a[0] != '\0' && g_ascii_strcasecmp (a, b) == 0;
}

static gint64
waited_seconds (const ParlaMatchRequest   *request,
                const ParlaMatchCandidate *candidate)
{
  return MAX (0, request->now - candidate->waiting_since);
}

/* The hour of the day at the teacher's place, 0 to 23. */
static int
local_hour (gint64 now,
            int    utc_offset)
{
  gint64 local = now + utc_offset;
  gint64 of_day = local % 86400;

  if (of_day < 0)
    of_day += 86400;

  return (int) (of_day / 3600);
}

/**
 * parla_matcher_eligible:
 *
 * Whether @candidate may be rung at all: they teach the language (or
 * subject) asked for and were not tried for this request already.
 */
gboolean
parla_matcher_eligible (const ParlaMatchRequest   *request,
                        const ParlaMatchCandidate *candidate)
{
  g_return_val_if_fail (request != NULL && request->language != NULL, FALSE);
  g_return_val_if_fail (candidate != NULL && candidate->teacher_id != NULL, FALSE);

  return contains (candidate->languages, request->language) &&
         !contains (request->excluded, candidate->teacher_id);
}

/**
 * parla_matcher_score:
 *
 * The points of @candidate for @request, the sum of:
 *
 * - level fit: %PARLA_MATCH_LEVEL_POINTS when they teach the level asked
 *   for (or no level was asked for);
 * - specialisation: %PARLA_MATCH_SPECIALIZATION_POINTS when they have the
 *   one asked for (or none was asked for);
 * - accent: %PARLA_MATCH_ACCENT_POINTS when it is the one asked for;
 * - rating: %PARLA_MATCH_RATING_POINTS_PER_STAR per mean star (a teacher
 *   not rated yet counts as %PARLA_MATCH_UNRATED_STARS stars);
 * - past lessons with this learner: %PARLA_MATCH_PAST_LESSON_POINTS each,
 *   up to %PARLA_MATCH_PAST_LESSONS_MAX;
 * - daytime: %PARLA_MATCH_DAYTIME_POINTS when it is between 08:00 and
 *   22:00 where the teacher is;
 * - fairness: %PARLA_MATCH_WAIT_POINTS_PER_MINUTE per whole minute since
 *   their last call ended (or since they became available), up to
 *   %PARLA_MATCH_WAIT_MAX_MINUTES minutes;
 * - %PARLA_MATCH_PREFERRED_POINTS for the teacher the learner named.
 *
 * Returns: the score, never negative
 */
int
parla_matcher_score (const ParlaMatchRequest   *request,
                     const ParlaMatchCandidate *candidate)
{
  double stars;
  int score = 0;
  int hour;

  g_return_val_if_fail (request != NULL, 0);
  g_return_val_if_fail (candidate != NULL, 0);

  if (request->level == NULL || contains (candidate->levels, request->level))
    score += PARLA_MATCH_LEVEL_POINTS;

  if (request->specialization == NULL || contains (candidate->specializations, request->specialization))
    score += PARLA_MATCH_SPECIALIZATION_POINTS;

  if (same (request->accent, candidate->accent))
    score += PARLA_MATCH_ACCENT_POINTS;

  stars = candidate->rating_count > 0 ? CLAMP (candidate->rating, 0.0, 5.0) : PARLA_MATCH_UNRATED_STARS;
  score += (int) (stars * PARLA_MATCH_RATING_POINTS_PER_STAR + 0.5);

  score += PARLA_MATCH_PAST_LESSON_POINTS * (int) MIN (candidate->past_lessons, PARLA_MATCH_PAST_LESSONS_MAX);

  hour = local_hour (request->now, candidate->utc_offset);
  if (hour >= PARLA_MATCH_DAYTIME_FIRST_HOUR && hour < PARLA_MATCH_DAYTIME_END_HOUR)
    score += PARLA_MATCH_DAYTIME_POINTS;

  score += PARLA_MATCH_WAIT_POINTS_PER_MINUTE *
           (int) MIN (waited_seconds (request, candidate) / 60, PARLA_MATCH_WAIT_MAX_MINUTES);

  if (request->teacher_id != NULL && g_str_equal (request->teacher_id, candidate->teacher_id))
    score += PARLA_MATCH_PREFERRED_POINTS;

  return score;
}

typedef struct
{
  const ParlaMatchRequest   *request;
  const ParlaMatchCandidate *candidates;
} RankContext;

/* Higher score first; then who waited longer; then by teacher id, so
 * that the order never depends on the order of the candidates. */
static int
compare_matches (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  const RankContext *context = user_data;
  const ParlaMatch *ma = a;
  const ParlaMatch *mb = b;
  const ParlaMatchCandidate *ca = &context->candidates[ma->index];
  const ParlaMatchCandidate *cb = &context->candidates[mb->index];

  if (ma->score != mb->score)
    return ma->score > mb->score ? -1 : 1;
  if (ca->waiting_since != cb->waiting_since)
    return ca->waiting_since < cb->waiting_since ? -1 : 1;
  return strcmp (ca->teacher_id, cb->teacher_id);
}

/**
 * parla_matcher_rank:
 * @request: what the learner asks for
 * @candidates: (array length=n_candidates): the teachers who could take it
 * @n_candidates: their number
 *
 * Ranks the eligible candidates (parla_matcher_eligible()) by
 * parla_matcher_score(), best first; equal scores go to whoever waited
 * longer, then to the smaller teacher id.
 *
 * Returns: (transfer full) (element-type ParlaMatch): the ranking, empty
 *   when nobody fits
 */
GArray *
parla_matcher_rank (const ParlaMatchRequest   *request,
                    const ParlaMatchCandidate *candidates,
                    guint                      n_candidates)
{
  GArray *ranking;
  RankContext context = { request, candidates };

  g_return_val_if_fail (request != NULL && request->language != NULL, NULL);
  g_return_val_if_fail (candidates != NULL || n_candidates == 0, NULL);

  ranking = g_array_new (FALSE, FALSE, sizeof (ParlaMatch));
  for (guint i = 0; i < n_candidates; i++)
    {
      ParlaMatch match;

      if (!parla_matcher_eligible (request, &candidates[i]))
        continue;

      match.index = i;
      match.score = parla_matcher_score (request, &candidates[i]);
      g_array_append_val (ranking, match);
    }

  g_array_sort_with_data (ranking, compare_matches, &context);
  return ranking;
}
