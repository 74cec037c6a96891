/* parla-matcher.h: ranking teachers for an instant call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The points of each part of the score; see parla_matcher_rank() and
 * docs/matching.md. */
#define PARLA_MATCH_LEVEL_POINTS            300
#define PARLA_MATCH_SPECIALIZATION_POINTS   200
#define PARLA_MATCH_ACCENT_POINTS           100
#define PARLA_MATCH_RATING_POINTS_PER_STAR   40
#define PARLA_MATCH_UNRATED_STARS            3
#define PARLA_MATCH_PAST_LESSON_POINTS       50
#define PARLA_MATCH_PAST_LESSONS_MAX          3
#define PARLA_MATCH_DAYTIME_POINTS          100
#define PARLA_MATCH_DAYTIME_FIRST_HOUR        8
#define PARLA_MATCH_DAYTIME_END_HOUR         22
#define PARLA_MATCH_WAIT_POINTS_PER_MINUTE    2
#define PARLA_MATCH_WAIT_MAX_MINUTES        120
#define PARLA_MATCH_PREFERRED_POINTS      10000

/* What the learner asks for. @language is required (a language or a
 * subject); the rest may be NULL. */
typedef struct
{
  const char         *language;
  const char         *level;
  const char         *specialization;
  const char         *accent;
  const char         *teacher_id;     /* a preferred teacher, ranked first */
  const char * const *excluded;       /* teachers already tried: never ranked */
  gint64              now;            /* seconds since the epoch (UTC) */
} ParlaMatchRequest;

/* A teacher who is online, available for instant calls and not in a
 * call: the caller decides that; the matcher only ranks. */
typedef struct
{
  const char         *teacher_id;
  const char * const *languages;       /* languages and subjects taught */
  const char * const *levels;
  const char * const *specializations;
  const char         *accent;
  double              rating;          /* mean stars, 1 to 5 */
  guint               rating_count;    /* 0: not rated yet */
  guint               past_lessons;    /* lessons and calls with this learner */
  int                 utc_offset;      /* seconds east of UTC at @now */
  gint64              waiting_since;   /* end of their last call, else when they became available */
} ParlaMatchCandidate;

typedef struct
{
  guint  index;    /* into the candidates given */
  int    score;
} ParlaMatch;

GArray     *parla_matcher_rank      (const ParlaMatchRequest   *request,
                                     const ParlaMatchCandidate *candidates,
                                     guint                      n_candidates);
int         parla_matcher_score     (const ParlaMatchRequest   *request,
                                     const ParlaMatchCandidate *candidate);
gboolean    parla_matcher_eligible  (const ParlaMatchRequest   *request,
                                     const ParlaMatchCandidate *candidate);

G_END_DECLS
