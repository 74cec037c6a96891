/* parla-teacher.h: a teacher's public profile
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-json.h"
#include "parla-types.h"

G_BEGIN_DECLS

/* ParlaTeacher:
 *
 * {id, display_name, bio, languages, subjects, levels, specializations,
 *  accent, time_zone, photo_url, rating, rating_count, price_from_minor,
 *  currency, has_free_offering, offerings}
 *
 * A teacher owns bio, languages, subjects, levels, specializations, accent
 * and time_zone (the body of PUT /me/teacher-profile); the rest belongs to
 * the server. "rating" is null while rating_count is 0, "price_from_minor"
 * is null when no offering is known, and "offerings" is only sent when
 * set. */
#define PARLA_TYPE_TEACHER (parla_teacher_get_type ())

G_DECLARE_FINAL_TYPE (ParlaTeacher, parla_teacher, PARLA, TEACHER, GObject)

#define PARLA_TEACHER_MAX_RATING 5.0

ParlaTeacher       *parla_teacher_new                       (void);
ParlaTeacher       *parla_teacher_new_from_json             (JsonNode           *node,
                                                             ParlaJsonMode       mode,
                                                             GError            **error);
JsonNode           *parla_teacher_to_json                   (ParlaTeacher       *self);

const char         *parla_teacher_get_id                    (ParlaTeacher       *self);
void                parla_teacher_set_id                    (ParlaTeacher       *self,
                                                             const char         *id);
const char         *parla_teacher_get_display_name          (ParlaTeacher       *self);
void                parla_teacher_set_display_name          (ParlaTeacher       *self,
                                                             const char         *display_name);
const char         *parla_teacher_get_bio                   (ParlaTeacher       *self);
void                parla_teacher_set_bio                   (ParlaTeacher       *self,
                                                             const char         *bio);
const char * const *parla_teacher_get_languages             (ParlaTeacher       *self);
void                parla_teacher_set_languages             (ParlaTeacher       *self,
                                                             const char * const *languages);
const char * const *parla_teacher_get_subjects              (ParlaTeacher       *self);
void                parla_teacher_set_subjects              (ParlaTeacher       *self,
                                                             const char * const *subjects);
const char * const *parla_teacher_get_levels                (ParlaTeacher       *self);
void                parla_teacher_set_levels                (ParlaTeacher       *self,
                                                             const char * const *levels);
const char * const *parla_teacher_get_specializations       (ParlaTeacher       *self);
void                parla_teacher_set_specializations       (ParlaTeacher       *self,
                                                             const char * const *specializations);
const char         *parla_teacher_get_accent                (ParlaTeacher       *self);
void                parla_teacher_set_accent                (ParlaTeacher       *self,
                                                             const char         *accent);
const char         *parla_teacher_get_time_zone             (ParlaTeacher       *self);
void                parla_teacher_set_time_zone             (ParlaTeacher       *self,
                                                             const char         *time_zone);
const char         *parla_teacher_get_photo_url             (ParlaTeacher       *self);
void                parla_teacher_set_photo_url             (ParlaTeacher       *self,
                                                             const char         *photo_url);
double              parla_teacher_get_rating                (ParlaTeacher       *self);
void                parla_teacher_set_rating                (ParlaTeacher       *self,
                                                             double              rating);
int                 parla_teacher_get_rating_count          (ParlaTeacher       *self);
void                parla_teacher_set_rating_count          (ParlaTeacher       *self,
                                                             int                 rating_count);
gint64              parla_teacher_get_price_from_minor      (ParlaTeacher       *self);
void                parla_teacher_set_price_from_minor      (ParlaTeacher       *self,
                                                             gint64              price_from_minor);
const char         *parla_teacher_get_currency              (ParlaTeacher       *self);
void                parla_teacher_set_currency              (ParlaTeacher       *self,
                                                             const char         *currency);
gboolean            parla_teacher_get_has_free_offering     (ParlaTeacher       *self);
void                parla_teacher_set_has_free_offering     (ParlaTeacher       *self,
                                                             gboolean            has_free_offering);
JsonNode           *parla_teacher_get_offerings_json        (ParlaTeacher       *self);
void                parla_teacher_set_offerings_json        (ParlaTeacher       *self,
                                                             JsonNode           *array_node);

G_END_DECLS
