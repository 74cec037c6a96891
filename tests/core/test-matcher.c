/* test-matcher.c: who rings first for an instant call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core.h"

/* 2026-03-02T12:00:00Z: daytime in UTC */
#define NOON G_GINT64_CONSTANT (1772452800)

static const char * const english[] = { "English", NULL };
static const char * const english_spanish[] = { "English", "Spanish", NULL };
static const char * const spanish[] = { "Spanish", NULL };
static const char * const b1[] = { "B1", NULL };
static const char * const a1_b1[] = { "A1", "B1", NULL };
static const char * const business[] = { "business", NULL };

static ParlaMatchCandidate
candidate (const char *id)
{
  ParlaMatchCandidate c = { 0 };

  c.teacher_id = id;
  c.languages = english;
  c.rating = 4.0;
  c.rating_count = 10;
  c.waiting_since = NOON;
  return c;
}

static ParlaMatchRequest
request (void)
{
  ParlaMatchRequest r = { 0 };

  r.language = "english";
  r.now = NOON;
  return r;
}

static GPtrArray *
ranked_ids (const ParlaMatchRequest   *r,
            const ParlaMatchCandidate *c,
            guint                      n)
{
  g_autoptr(GArray) ranking = parla_matcher_rank (r, c, n);
  GPtrArray *ids = g_ptr_array_new ();

  for (guint i = 0; i < ranking->len; i++)
    g_ptr_array_add (ids, (gpointer) c[g_array_index (ranking, ParlaMatch, i).index].teacher_id);
  g_ptr_array_add (ids, NULL);

  return ids;
}

static void
assert_order (const ParlaMatchRequest   *r,
              const ParlaMatchCandidate *c,
              guint                      n,
              const char * const        *expected)
{
  g_autoptr(GPtrArray) ids = ranked_ids (r, c, n);

  g_assert_cmpstrv ((const char * const *) ids->pdata, expected);
}

/* Each part of the score puts the teacher who has it first. */
static void
test_ranking_fit (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[4] = { candidate ("t1"), candidate ("t2"), candidate ("t3"), candidate ("t4") };

  r.level = "B1";
  r.specialization = "business";
  c[0].levels = a1_b1;                       /* level only */
  c[1].levels = b1;                          /* level and specialisation */
  c[1].specializations = business;
  c[2].specializations = business;           /* specialisation only */
  c[3].languages = english_spanish;          /* neither */

  assert_order (&r, c, 4, (const char * const[]) { "t2", "t1", "t3", "t4", NULL });

  g_assert_cmpint (parla_matcher_score (&r, &c[1]) - parla_matcher_score (&r, &c[3]), ==,
                   PARLA_MATCH_LEVEL_POINTS + PARLA_MATCH_SPECIALIZATION_POINTS);
}

static void
test_ranking_rating_and_history (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[4] = { candidate ("t1"), candidate ("t2"), candidate ("t3"), candidate ("t4") };

  c[0].rating = 3.0;
  c[1].rating = 5.0;
  c[2].rating_count = 0;                     /* unrated: 3 stars */
  c[2].rating = 0.0;
  c[3].rating = 3.0;
  c[3].past_lessons = 10;                    /* capped at 3 lessons */

  assert_order (&r, c, 4, (const char * const[]) { "t4", "t2", "t1", "t3", NULL });
  g_assert_cmpint (parla_matcher_score (&r, &c[3]) - parla_matcher_score (&r, &c[0]), ==,
                   PARLA_MATCH_PAST_LESSON_POINTS * PARLA_MATCH_PAST_LESSONS_MAX);
  g_assert_cmpint (parla_matcher_score (&r, &c[2]), ==, parla_matcher_score (&r, &c[0]));
}

/* Midnight where the teacher lives costs the daytime points. */
static void
test_ranking_daytime (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[2] = { candidate ("night"), candidate ("day") };

  c[0].utc_offset = 12 * 3600;               /* 00:00 there */
  c[0].rating = 5.0;
  c[1].utc_offset = -5 * 3600;               /* 07:00 there: not yet */
  c[1].rating = 4.0;

  g_assert_cmpint (parla_matcher_score (&r, &c[1]), ==,
                   parla_matcher_score (&r, &c[0]) - PARLA_MATCH_RATING_POINTS_PER_STAR);

  c[1].utc_offset = -4 * 3600;               /* 08:00 there */
  assert_order (&r, c, 2, (const char * const[]) { "day", "night", NULL });
  g_assert_cmpint (parla_matcher_score (&r, &c[1]), ==,
                   parla_matcher_score (&r, &c[0]) - PARLA_MATCH_RATING_POINTS_PER_STAR + PARLA_MATCH_DAYTIME_POINTS);
}

/* Whoever waited longest since their last call goes first, up to the cap. */
static void
test_fairness (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[3] = { candidate ("t1"), candidate ("t2"), candidate ("t3") };

  c[0].waiting_since = NOON - 10 * 60;
  c[1].waiting_since = NOON - 50 * 60;
  c[2].waiting_since = NOON - 30 * 60;
  assert_order (&r, c, 3, (const char * const[]) { "t2", "t3", "t1", NULL });
  g_assert_cmpint (parla_matcher_score (&r, &c[1]) - parla_matcher_score (&r, &c[0]), ==,
                   40 * PARLA_MATCH_WAIT_POINTS_PER_MINUTE);

  /* Past the cap the wait no longer adds points; it still breaks ties. */
  c[0].waiting_since = NOON - 5 * 3600;
  c[1].waiting_since = NOON - 3 * 3600;
  c[2].waiting_since = NOON - 4 * 3600;
  g_assert_cmpint (parla_matcher_score (&r, &c[0]), ==, parla_matcher_score (&r, &c[1]));
  assert_order (&r, c, 3, (const char * const[]) { "t1", "t3", "t2", NULL });

  /* A clock behind the last call counts as no wait. */
  c[0].waiting_since = NOON + 3600;
  g_assert_cmpint (parla_matcher_score (&r, &c[0]), ==, parla_matcher_score (&r, &(ParlaMatchCandidate) { .teacher_id = "x", .languages = english, .rating = 4.0, .rating_count = 10, .waiting_since = NOON }));
}

/* Equal in everything: by teacher id, whatever the input order. */
static void
test_ties (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[3] = { candidate ("tc"), candidate ("ta"), candidate ("tb") };
  ParlaMatchCandidate reversed[3] = { c[2], c[1], c[0] };

  assert_order (&r, c, 3, (const char * const[]) { "ta", "tb", "tc", NULL });
  assert_order (&r, reversed, 3, (const char * const[]) { "ta", "tb", "tc", NULL });
}

static void
test_nobody (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[2] = { candidate ("t1"), candidate ("t2") };
  g_autoptr(GArray) empty = parla_matcher_rank (&r, NULL, 0);

  g_assert_cmpuint (empty->len, ==, 0);

  c[0].languages = spanish;
  c[1].languages = NULL;
  assert_order (&r, c, 2, (const char * const[]) { NULL });
}

/* Teachers already tried for this request never ring again. */
static void
test_excluded (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[3] = { candidate ("t1"), candidate ("t2"), candidate ("t3") };
  const char * const tried[] = { "t1", "t3", NULL };

  r.excluded = tried;
  assert_order (&r, c, 3, (const char * const[]) { "t2", NULL });
  g_assert_false (parla_matcher_eligible (&r, &c[0]));
  g_assert_true (parla_matcher_eligible (&r, &c[1]));
}

/* The teacher the learner named comes first, if they fit at all. */
static void
test_preferred (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[3] = { candidate ("t1"), candidate ("t2"), candidate ("t3") };

  c[0].rating = 5.0;
  c[2].rating = 1.0;
  r.teacher_id = "t3";
  assert_order (&r, c, 3, (const char * const[]) { "t3", "t1", "t2", NULL });

  c[2].languages = spanish;
  assert_order (&r, c, 3, (const char * const[]) { "t1", "t2", NULL });
}

static void
test_accent (void)
{
  ParlaMatchRequest r = request ();
  ParlaMatchCandidate c[2] = { candidate ("t1"), candidate ("t2") };

  r.accent = "british";
  c[0].accent = "American";
  c[1].accent = "British";
  assert_order (&r, c, 2, (const char * const[]) { "t2", "t1", NULL });

  c[0].accent = "";
  r.accent = "";
  g_assert_cmpint (parla_matcher_score (&r, &c[0]), ==, parla_matcher_score (&r, &c[1]));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/core/matcher/ranking/fit", test_ranking_fit);
  g_test_add_func ("/core/matcher/ranking/rating-history", test_ranking_rating_and_history);
  g_test_add_func ("/core/matcher/ranking/daytime", test_ranking_daytime);
  g_test_add_func ("/core/matcher/ranking/accent", test_accent);
  g_test_add_func ("/core/matcher/fairness", test_fairness);
  g_test_add_func ("/core/matcher/ties", test_ties);
  g_test_add_func ("/core/matcher/nobody", test_nobody);
  g_test_add_func ("/core/matcher/excluded", test_excluded);
  g_test_add_func ("/core/matcher/preferred", test_preferred);

  return g_test_run ();
}
