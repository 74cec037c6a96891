/* parla-offering.h: what a teacher offers, and the materials of a lesson
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

/* ParlaMaterials: the prompts, vocabulary, grammar points and cultural notes
 * of an offering or a session. Immutable once built, shared by reference.
 *
 * {"prompts":[],"vocabulary":[],"grammar_points":[],"cultural_notes":[]}
 * Each member is optional (default []), at most 100 items of 1..200 characters. */
typedef struct _ParlaMaterials ParlaMaterials;

#define PARLA_MATERIALS_MAX_ITEMS 100

#define PARLA_TYPE_MATERIALS (parla_materials_get_type ())

GType               parla_materials_get_type           (void) G_GNUC_CONST;
ParlaMaterials     *parla_materials_new                (const char * const *prompts,
                                                        const char * const *vocabulary,
                                                        const char * const *grammar_points,
                                                        const char * const *cultural_notes);
ParlaMaterials     *parla_materials_new_empty          (void);
ParlaMaterials     *parla_materials_new_from_json      (JsonNode           *node,
                                                        GError            **error);
JsonNode           *parla_materials_to_json            (ParlaMaterials     *self);
ParlaMaterials     *parla_materials_ref                (ParlaMaterials     *self);
void                parla_materials_unref              (ParlaMaterials     *self);
gboolean            parla_materials_equal              (ParlaMaterials     *a,
                                                        ParlaMaterials     *b);
gboolean            parla_materials_is_empty           (ParlaMaterials     *self);

const char * const *parla_materials_get_prompts        (ParlaMaterials     *self);
const char * const *parla_materials_get_vocabulary     (ParlaMaterials     *self);
const char * const *parla_materials_get_grammar_points (ParlaMaterials     *self);
const char * const *parla_materials_get_cultural_notes (ParlaMaterials     *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaMaterials, parla_materials_unref)

/* ParlaOffering:
 *
 * {id, teacher_id, title, description, topic_type, session_type,
 *  duration_minutes, capacity, price_minor, currency, requires_approval,
 *  materials, archived}
 *
 * id, teacher_id and archived belong to the server. */
#define PARLA_TYPE_OFFERING (parla_offering_get_type ())

G_DECLARE_FINAL_TYPE (ParlaOffering, parla_offering, PARLA, OFFERING, GObject)

ParlaOffering     *parla_offering_new                   (void);
ParlaOffering     *parla_offering_new_from_json         (JsonNode          *node,
                                                         ParlaJsonMode      mode,
                                                         GError           **error);
JsonNode          *parla_offering_to_json               (ParlaOffering     *self);

gboolean           parla_offering_is_free               (ParlaOffering     *self);

const char        *parla_offering_get_id                (ParlaOffering     *self);
void               parla_offering_set_id                (ParlaOffering     *self,
                                                         const char        *id);
const char        *parla_offering_get_teacher_id        (ParlaOffering     *self);
void               parla_offering_set_teacher_id        (ParlaOffering     *self,
                                                         const char        *teacher_id);
const char        *parla_offering_get_title             (ParlaOffering     *self);
void               parla_offering_set_title             (ParlaOffering     *self,
                                                         const char        *title);
const char        *parla_offering_get_description       (ParlaOffering     *self);
void               parla_offering_set_description       (ParlaOffering     *self,
                                                         const char        *description);
ParlaTopicType     parla_offering_get_topic_type        (ParlaOffering     *self);
void               parla_offering_set_topic_type        (ParlaOffering     *self,
                                                         ParlaTopicType     topic_type);
ParlaOfferingKind  parla_offering_get_session_type      (ParlaOffering     *self);
void               parla_offering_set_session_type      (ParlaOffering     *self,
                                                         ParlaOfferingKind  session_type);
int                parla_offering_get_duration_minutes  (ParlaOffering     *self);
void               parla_offering_set_duration_minutes  (ParlaOffering     *self,
                                                         int                duration_minutes);
int                parla_offering_get_capacity          (ParlaOffering     *self);
void               parla_offering_set_capacity          (ParlaOffering     *self,
                                                         int                capacity);
gint64             parla_offering_get_price_minor       (ParlaOffering     *self);
void               parla_offering_set_price_minor       (ParlaOffering     *self,
                                                         gint64             price_minor);
const char        *parla_offering_get_currency          (ParlaOffering     *self);
void               parla_offering_set_currency          (ParlaOffering     *self,
                                                         const char        *currency);
gboolean           parla_offering_get_requires_approval (ParlaOffering     *self);
void               parla_offering_set_requires_approval (ParlaOffering     *self,
                                                         gboolean           requires_approval);
ParlaMaterials    *parla_offering_get_materials         (ParlaOffering     *self);
void               parla_offering_set_materials         (ParlaOffering     *self,
                                                         ParlaMaterials    *materials);
gboolean           parla_offering_get_archived          (ParlaOffering     *self);
void               parla_offering_set_archived          (ParlaOffering     *self,
                                                         gboolean           archived);

G_END_DECLS
