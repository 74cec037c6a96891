/* parla-teacher-profile.h: a teacher's public profile, offerings and free
 * times, with booking
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_TEACHER_PROFILE (parla_teacher_profile_get_type ())

G_DECLARE_FINAL_TYPE (ParlaTeacherProfile, parla_teacher_profile, PARLA, TEACHER_PROFILE, AdwBin)

GtkWidget    *parla_teacher_profile_new            (ParlaContext        *context);
const char   *parla_teacher_profile_get_teacher_id (ParlaTeacherProfile *self);
void          parla_teacher_profile_set_teacher_id (ParlaTeacherProfile *self,
                                                    const char          *teacher_id);
ParlaTeacher *parla_teacher_profile_get_teacher    (ParlaTeacherProfile *self);
gboolean      parla_teacher_profile_get_loading    (ParlaTeacherProfile *self);
void          parla_teacher_profile_reload         (ParlaTeacherProfile *self);

G_END_DECLS
