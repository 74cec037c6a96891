/* parla-teacher-format.h: what the learner reads about teachers, sessions
 * and slots: language names, ratings, times in two zones, the policy
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-context.h"

G_BEGIN_DECLS

const char *parla_teacher_format_language    (const char         *code);
char       *parla_teacher_format_languages   (const char * const *codes);
char       *parla_teacher_format_rating      (double              rating,
                                              int                 count);
char       *parla_teacher_format_slot        (ParlaContext       *context,
                                              gint64              start,
                                              gint64              end);
char       *parla_teacher_format_slot_in_zone (gint64             start,
                                              gint64              end,
                                              const char         *zone);
char       *parla_teacher_format_policy      (const ParlaPolicy  *policy,
                                              gint64              price_minor);
const char *parla_teacher_format_session_type (ParlaSessionType   type);
const char *parla_teacher_format_level       (ParlaLevel          level);

G_END_DECLS
