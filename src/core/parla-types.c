/* parla-types.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-types.h"

const char * const parla_role_names[] = { "student", "teacher", "admin", NULL };
const char * const parla_topic_type_names[] = { "fixed", "flexible", NULL };
const char * const parla_offering_kind_names[] = { "individual", "group", NULL };
const char * const parla_session_type_names[] = { "group", "private", "practice", "cultural", NULL };
const char * const parla_session_status_names[] = { "scheduled", "cancelled", NULL };
const char * const parla_booking_status_names[] = { "confirmed", "pending", "cancelled", "rejected",
                                                    "payment_pending", "expired", NULL };
const char * const parla_booking_kind_names[] = { "session", "lesson", NULL };
const char * const parla_party_names[] = { "learner", "teacher", NULL };
const char * const parla_specialization_names[] = { "business", "academic", "conversational", NULL };
const char * const parla_level_names[] = { "A1", "A2", "B1", "B2", "C1", "C2", "all", NULL };
const char * const parla_cefr_level_names[] = { "A1", "A2", "B1", "B2", "C1", "C2", NULL };
