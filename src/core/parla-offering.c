/* parla-offering.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core-private.h"

#include "parla-offering.h"

#include "parla-core-enums.h"
#include "parla-error.h"
#include "parla-policy.h"

/* For an INT field whose sign is checked by hand, with a better message. */
#define ANY_INT G_MININT64, G_MININT64

struct _ParlaMaterials
{
  grefcount   ref_count;

  /* owned, never NULL */
  char      **prompts;
  char      **vocabulary;
  char      **grammar_points;
  char      **cultural_notes;
};

G_DEFINE_BOXED_TYPE (ParlaMaterials, parla_materials, parla_materials_ref, parla_materials_unref)

struct _ParlaOffering
{
  GObject            parent_instance;

  /* owned */
  char              *id;
  char              *teacher_id;
  char              *title;
  char              *description;
  char              *currency;
  ParlaMaterials    *materials;

  gint64             price_minor;
  int                duration_minutes;
  int                capacity;
  ParlaTopicType     topic_type;
  ParlaOfferingKind  session_type;
  guint              requires_approval : 1;
  guint              archived : 1;
};

G_DEFINE_FINAL_TYPE (ParlaOffering, parla_offering, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TEACHER_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_TOPIC_TYPE,
  PROP_SESSION_TYPE,
  PROP_DURATION_MINUTES,
  PROP_CAPACITY,
  PROP_PRICE_MINOR,
  PROP_CURRENCY,
  PROP_REQUIRES_APPROVAL,
  PROP_MATERIALS,
  PROP_ARCHIVED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define MAX_ITEMS PARLA_MATERIALS_MAX_ITEMS

static const ParlaField materials_fields[] = {
  { "prompts", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, MAX_ITEMS },
  { "vocabulary", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, MAX_ITEMS },
  { "grammar_points", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, MAX_ITEMS },
  { "cultural_notes", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, MAX_ITEMS },
};

static const ParlaField offering_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED },
  { "teacher_id", PARLA_FIELD_ID, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED },
  { "title", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 120 },
  { "description", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, 4000 },
  { "topic_type", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, parla_topic_type_names },
  { "session_type", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, parla_offering_kind_names },
  { "duration_minutes", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 1440 },
  { "capacity", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 1, 0 },
  { "price_minor", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, ANY_INT },
  { "currency", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, 0 },
  { "requires_approval", PARLA_FIELD_BOOL, PARLA_FIELD_OPTIONAL },
  { "materials", PARLA_FIELD_OBJECT, PARLA_FIELD_OPTIONAL },
  { "archived", PARLA_FIELD_BOOL, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED },
};

static gboolean
strv_equal0 (char **a,
             char **b)
{
  return g_strv_equal ((const char * const *) a, (const char * const *) b);
}

static char **
strv_dup0 (const char * const *values)
{
  return values != NULL ? g_strdupv ((char **) values) : g_new0 (char *, 1);
}






static void
parla_offering_finalize (GObject *object)
{
  ParlaOffering *self = (ParlaOffering *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->teacher_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->materials, parla_materials_unref);

  G_OBJECT_CLASS (parla_offering_parent_class)->finalize (object);
}

static void
parla_offering_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  ParlaOffering *self = PARLA_OFFERING (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_TEACHER_ID:
      g_value_set_string (value, self->teacher_id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_TOPIC_TYPE:
      g_value_set_enum (value, self->topic_type);
      break;

    case PROP_SESSION_TYPE:
      g_value_set_enum (value, self->session_type);
      break;

    case PROP_DURATION_MINUTES:
      g_value_set_int (value, self->duration_minutes);
      break;

    case PROP_CAPACITY:
      g_value_set_int (value, self->capacity);
      break;

    case PROP_PRICE_MINOR:
      g_value_set_int64 (value, self->price_minor);
      break;

    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;

    case PROP_REQUIRES_APPROVAL:
      g_value_set_boolean (value, self->requires_approval);
      break;

    case PROP_MATERIALS:
      g_value_set_boxed (value, self->materials);
      break;

    case PROP_ARCHIVED:
      g_value_set_boolean (value, self->archived);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_offering_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  ParlaOffering *self = PARLA_OFFERING (object);

  switch (prop_id)
    {
    case PROP_ID:
      parla_offering_set_id (self, g_value_get_string (value));
      break;

    case PROP_TEACHER_ID:
      parla_offering_set_teacher_id (self, g_value_get_string (value));
      break;

    case PROP_TITLE:
      parla_offering_set_title (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      parla_offering_set_description (self, g_value_get_string (value));
      break;

    case PROP_TOPIC_TYPE:
      parla_offering_set_topic_type (self, g_value_get_enum (value));
      break;

    case PROP_SESSION_TYPE:
      parla_offering_set_session_type (self, g_value_get_enum (value));
      break;

    case PROP_DURATION_MINUTES:
      parla_offering_set_duration_minutes (self, g_value_get_int (value));
      break;

    case PROP_CAPACITY:
      parla_offering_set_capacity (self, g_value_get_int (value));
      break;

    case PROP_PRICE_MINOR:
      parla_offering_set_price_minor (self, g_value_get_int64 (value));
      break;

    case PROP_CURRENCY:
      parla_offering_set_currency (self, g_value_get_string (value));
      break;

    case PROP_REQUIRES_APPROVAL:
      parla_offering_set_requires_approval (self, g_value_get_boolean (value));
      break;

    case PROP_MATERIALS:
      parla_offering_set_materials (self, g_value_get_boxed (value));
      break;

    case PROP_ARCHIVED:
      parla_offering_set_archived (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_offering_class_init (ParlaOfferingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parla_offering_finalize;
  object_class->get_property = parla_offering_get_property;
  object_class->set_property = parla_offering_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TEACHER_ID] =
    g_param_spec_string ("teacher-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DESCRIPTION] =
    g_param_spec_string ("description", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TOPIC_TYPE] =
    g_param_spec_enum ("topic-type", NULL, NULL,
                       PARLA_TYPE_TOPIC_TYPE,
                       PARLA_TOPIC_FIXED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SESSION_TYPE] =
    g_param_spec_enum ("session-type", NULL, NULL,
                       PARLA_TYPE_OFFERING_KIND,
                       PARLA_OFFERING_INDIVIDUAL,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DURATION_MINUTES] =
    g_param_spec_int ("duration-minutes", NULL, NULL,
                      0, G_MAXINT, 60,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CAPACITY] =
    g_param_spec_int ("capacity", NULL, NULL,
                      0, G_MAXINT, 1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PRICE_MINOR] =
    g_param_spec_int64 ("price-minor", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CURRENCY] =
    g_param_spec_string ("currency", NULL, NULL,
                         "EUR",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_REQUIRES_APPROVAL] =
    g_param_spec_boolean ("requires-approval", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MATERIALS] =
    g_param_spec_boxed ("materials", NULL, NULL,
                        PARLA_TYPE_MATERIALS,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ARCHIVED] =
    g_param_spec_boolean ("archived", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_offering_init (ParlaOffering *self)
{
  self->title = g_strdup ("");
  self->description = g_strdup ("");
  self->currency = g_strdup ("EUR");
  self->materials = parla_materials_new_empty ();
  self->topic_type = PARLA_TOPIC_FIXED;
  self->session_type = PARLA_OFFERING_INDIVIDUAL;
  self->duration_minutes = 60;
  self->capacity = 1;
}

/* ParlaMaterials */

/**
 * parla_materials_new:
 * @prompts: (nullable) (array zero-terminated=1): or %NULL for none
 * @vocabulary: (nullable) (array zero-terminated=1): or %NULL for none
 * @grammar_points: (nullable) (array zero-terminated=1): or %NULL for none
 * @cultural_notes: (nullable) (array zero-terminated=1): or %NULL for none
 *
 * The lists are copied; they are not validated.
 *
 * Returns: (transfer full): new materials
 */
ParlaMaterials *
parla_materials_new (const char * const *prompts,
                     const char * const *vocabulary,
                     const char * const *grammar_points,
                     const char * const *cultural_notes)
{
  ParlaMaterials *self = g_new0 (ParlaMaterials, 1);

  g_ref_count_init (&self->ref_count);
  self->prompts = strv_dup0 (prompts);
  self->vocabulary = strv_dup0 (vocabulary);
  self->grammar_points = strv_dup0 (grammar_points);
  self->cultural_notes = strv_dup0 (cultural_notes);

  return self;
}

/**
 * parla_materials_new_empty:
 *
 * Returns: (transfer full): materials with four empty lists
 */
ParlaMaterials *
parla_materials_new_empty (void)
{
  return parla_materials_new (NULL, NULL, NULL, NULL);
}

/**
 * parla_materials_new_from_json:
 * @node: a JSON object
 *
 * The error names the member relative to @node, e.g. "vocabulary[3]"; the
 * caller prefixes it with its own member name.
 *
 * Returns: (transfer full) (nullable): the materials, or %NULL with an
 *   `invalid_input` error
 */
ParlaMaterials *
parla_materials_new_from_json (JsonNode  *node,
                               GError   **error)
{
  JsonObject *object;
  ParlaMaterials *self;

  if (!parla_json_check (node, materials_fields, G_N_ELEMENTS (materials_fields),
                         PARLA_JSON_INPUT, error))
    return NULL;

  object = json_node_get_object (node);

  self = g_new0 (ParlaMaterials, 1);
  g_ref_count_init (&self->ref_count);
  self->prompts = parla_json_dup_strv (object, "prompts");
  self->vocabulary = parla_json_dup_strv (object, "vocabulary");
  self->grammar_points = parla_json_dup_strv (object, "grammar_points");
  self->cultural_notes = parla_json_dup_strv (object, "cultural_notes");

  return self;
}

/**
 * parla_materials_to_json:
 *
 * Returns: (transfer full): an object with all four members
 */
JsonNode *
parla_materials_to_json (ParlaMaterials *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  parla_json_add_strv (builder, "prompts", (const char * const *) self->prompts);
  parla_json_add_strv (builder, "vocabulary", (const char * const *) self->vocabulary);
  parla_json_add_strv (builder, "grammar_points", (const char * const *) self->grammar_points);
  parla_json_add_strv (builder, "cultural_notes", (const char * const *) self->cultural_notes);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

ParlaMaterials *
parla_materials_ref (ParlaMaterials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
parla_materials_unref (ParlaMaterials *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_strfreev (self->prompts);
      g_strfreev (self->vocabulary);
      g_strfreev (self->grammar_points);
      g_strfreev (self->cultural_notes);
      g_free (self);
    }
}

/**
 * parla_materials_equal:
 * @a: (nullable): materials
 * @b: (nullable): materials
 *
 * Returns: whether both hold the same lists; %NULL equals only %NULL
 */
gboolean
parla_materials_equal (ParlaMaterials *a,
                       ParlaMaterials *b)
{
  if (a == b)
    return TRUE;

  if (a == NULL || b == NULL)
    return FALSE;

  return strv_equal0 (a->prompts, b->prompts) &&
         strv_equal0 (a->vocabulary, b->vocabulary) &&
         strv_equal0 (a->grammar_points, b->grammar_points) &&
         strv_equal0 (a->cultural_notes, b->cultural_notes);
}

gboolean
parla_materials_is_empty (ParlaMaterials *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->prompts[0] == NULL && self->vocabulary[0] == NULL &&
         self->grammar_points[0] == NULL && self->cultural_notes[0] == NULL;
}

const char * const *
parla_materials_get_prompts (ParlaMaterials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->prompts;
}

const char * const *
parla_materials_get_vocabulary (ParlaMaterials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->vocabulary;
}

const char * const *
parla_materials_get_grammar_points (ParlaMaterials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->grammar_points;
}

const char * const *
parla_materials_get_cultural_notes (ParlaMaterials *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->cultural_notes;
}

/* ParlaOffering */

ParlaOffering *
parla_offering_new (void)
{
  return g_object_new (PARLA_TYPE_OFFERING, NULL);
}

/**
 * parla_offering_new_from_json:
 * @node: a JSON object
 * @mode: %PARLA_JSON_INPUT for a teacher's request body (id, teacher_id and
 *   archived are ignored), %PARLA_JSON_RESOURCE for a stored or received one
 *
 * Returns: (transfer full) (nullable): the offering, or %NULL with an
 *   `invalid_input` error naming the field
 */
ParlaOffering *
parla_offering_new_from_json (JsonNode       *node,
                              ParlaJsonMode   mode,
                              GError        **error)
{
  g_autoptr(ParlaOffering) self = NULL;
  g_autoptr(ParlaMaterials) materials = NULL;
  JsonObject *object;
  const char *title;
  const char *currency;
  ParlaOfferingKind session_type;
  gint64 capacity;
  gint64 price_minor;

  if (!parla_json_check (node, offering_fields, G_N_ELEMENTS (offering_fields), mode, error))
    return NULL;

  object = json_node_get_object (node);

  title = parla_json_get_string (object, "title", "");
  if (!_parla_check_title (title, error))
    return NULL;

  session_type = parla_json_get_enum (object, "session_type", parla_offering_kind_names,
                                      PARLA_OFFERING_INDIVIDUAL);
  capacity = parla_json_get_int (object, "capacity", 1);
  if (!parla_check_capacity (capacity, error))
    return NULL;

  if (session_type == PARLA_OFFERING_INDIVIDUAL && capacity != 1)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "capacity",
                       "An individual offering has exactly one seat");
      return NULL;
    }

  price_minor = parla_json_get_int (object, "price_minor", 0);
  currency = parla_json_get_string (object, "currency", "EUR");
  if (!parla_check_price (price_minor, currency, error))
    return NULL;

  materials = _parla_read_materials (object, error);
  if (materials == NULL)
    return NULL;

  self = g_object_new (PARLA_TYPE_OFFERING, NULL);

  if (mode == PARLA_JSON_RESOURCE)
    {
      self->id = g_strdup (parla_json_get_string (object, "id", NULL));
      self->teacher_id = g_strdup (parla_json_get_string (object, "teacher_id", NULL));
      self->archived = parla_json_get_bool (object, "archived", FALSE);
    }

  g_free (self->title);
  self->title = g_strstrip (g_strdup (title));
  g_free (self->description);
  self->description = g_strdup (parla_json_get_string (object, "description", ""));
  self->topic_type = parla_json_get_enum (object, "topic_type", parla_topic_type_names,
                                          PARLA_TOPIC_FIXED);
  self->session_type = session_type;
  self->duration_minutes = parla_json_get_int (object, "duration_minutes", 60);
  self->capacity = capacity;
  self->price_minor = price_minor;
  g_free (self->currency);
  self->currency = g_strdup (currency);
  self->requires_approval = parla_json_get_bool (object, "requires_approval", FALSE);
  g_clear_pointer (&self->materials, parla_materials_unref);
  self->materials = g_steal_pointer (&materials);

  return g_steal_pointer (&self);
}

/**
 * parla_offering_to_json:
 *
 * Returns: (transfer full): the offering as the server sends it
 */
JsonNode *
parla_offering_to_json (ParlaOffering *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) materials = NULL;

  g_return_val_if_fail (PARLA_IS_OFFERING (self), NULL);

  materials = parla_materials_to_json (self->materials);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", self->id);
  parla_json_add_string (builder, "teacher_id", self->teacher_id);
  parla_json_add_string (builder, "title", self->title);
  parla_json_add_string (builder, "description", self->description);
  parla_json_add_string (builder, "topic_type", parla_topic_type_names[self->topic_type]);
  parla_json_add_string (builder, "session_type", parla_offering_kind_names[self->session_type]);
  parla_json_add_int (builder, "duration_minutes", self->duration_minutes);
  parla_json_add_int (builder, "capacity", self->capacity);
  parla_json_add_int (builder, "price_minor", self->price_minor);
  parla_json_add_string (builder, "currency", self->currency);
  parla_json_add_bool (builder, "requires_approval", self->requires_approval);
  parla_json_add_node (builder, "materials", materials);
  parla_json_add_bool (builder, "archived", self->archived);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

gboolean
parla_offering_is_free (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), FALSE);

  return self->price_minor == 0;
}

/**
 * parla_offering_get_id:
 *
 * Returns: (nullable): the id, %NULL until the server assigns one
 */
const char *
parla_offering_get_id (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), NULL);

  return self->id;
}

void
parla_offering_set_id (ParlaOffering *self,
                       const char    *id)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));

  if (_parla_replace_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

/**
 * parla_offering_get_teacher_id:
 *
 * Returns: (nullable): the owner, %NULL until the server assigns one
 */
const char *
parla_offering_get_teacher_id (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), NULL);

  return self->teacher_id;
}

void
parla_offering_set_teacher_id (ParlaOffering *self,
                               const char    *teacher_id)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));

  if (_parla_replace_string (&self->teacher_id, teacher_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEACHER_ID]);
}

const char *
parla_offering_get_title (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), NULL);

  return self->title;
}

void
parla_offering_set_title (ParlaOffering *self,
                          const char    *title)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));

  if (_parla_replace_string (&self->title, title ? title : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
parla_offering_get_description (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), NULL);

  return self->description;
}

void
parla_offering_set_description (ParlaOffering *self,
                                const char    *description)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));

  if (_parla_replace_string (&self->description, description ? description : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

ParlaTopicType
parla_offering_get_topic_type (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), PARLA_TOPIC_FIXED);

  return self->topic_type;
}

void
parla_offering_set_topic_type (ParlaOffering  *self,
                               ParlaTopicType  topic_type)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));
  g_return_if_fail (topic_type <= PARLA_TOPIC_FLEXIBLE);

  if (self->topic_type == topic_type)
    return;

  self->topic_type = topic_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOPIC_TYPE]);
}

ParlaOfferingKind
parla_offering_get_session_type (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), PARLA_OFFERING_INDIVIDUAL);

  return self->session_type;
}

void
parla_offering_set_session_type (ParlaOffering     *self,
                                 ParlaOfferingKind  session_type)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));
  g_return_if_fail (session_type <= PARLA_OFFERING_GROUP);

  if (self->session_type == session_type)
    return;

  self->session_type = session_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_TYPE]);
}

int
parla_offering_get_duration_minutes (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), 0);

  return self->duration_minutes;
}

void
parla_offering_set_duration_minutes (ParlaOffering *self,
                                     int            duration_minutes)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));
  g_return_if_fail (duration_minutes >= 0);

  if (self->duration_minutes == duration_minutes)
    return;

  self->duration_minutes = duration_minutes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MINUTES]);
}

int
parla_offering_get_capacity (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), 0);

  return self->capacity;
}

void
parla_offering_set_capacity (ParlaOffering *self,
                             int            capacity)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));
  g_return_if_fail (capacity >= 0);

  if (self->capacity == capacity)
    return;

  self->capacity = capacity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPACITY]);
}

gint64
parla_offering_get_price_minor (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), 0);

  return self->price_minor;
}

void
parla_offering_set_price_minor (ParlaOffering *self,
                                gint64         price_minor)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));
  g_return_if_fail (price_minor >= 0);

  if (self->price_minor == price_minor)
    return;

  self->price_minor = price_minor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICE_MINOR]);
}

const char *
parla_offering_get_currency (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), NULL);

  return self->currency;
}

void
parla_offering_set_currency (ParlaOffering *self,
                             const char    *currency)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));
  g_return_if_fail (currency != NULL);

  if (_parla_replace_string (&self->currency, currency))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENCY]);
}

gboolean
parla_offering_get_requires_approval (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), FALSE);

  return self->requires_approval;
}

void
parla_offering_set_requires_approval (ParlaOffering *self,
                                      gboolean       requires_approval)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));

  requires_approval = !!requires_approval;
  if (self->requires_approval == requires_approval)
    return;

  self->requires_approval = requires_approval;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REQUIRES_APPROVAL]);
}

/**
 * parla_offering_get_materials:
 *
 * Returns: (transfer none): the materials, never %NULL
 */
ParlaMaterials *
parla_offering_get_materials (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), NULL);

  return self->materials;
}

/**
 * parla_offering_set_materials:
 * @materials: (nullable): the new materials; %NULL for none
 */
void
parla_offering_set_materials (ParlaOffering  *self,
                              ParlaMaterials *materials)
{
  g_autoptr(ParlaMaterials) value = NULL;

  g_return_if_fail (PARLA_IS_OFFERING (self));

  value = materials ? parla_materials_ref (materials) : parla_materials_new_empty ();
  if (parla_materials_equal (self->materials, value))
    return;

  g_clear_pointer (&self->materials, parla_materials_unref);
  self->materials = g_steal_pointer (&value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATERIALS]);
}

gboolean
parla_offering_get_archived (ParlaOffering *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING (self), FALSE);

  return self->archived;
}

void
parla_offering_set_archived (ParlaOffering *self,
                             gboolean       archived)
{
  g_return_if_fail (PARLA_IS_OFFERING (self));

  archived = !!archived;
  if (self->archived == archived)
    return;

  self->archived = archived;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ARCHIVED]);
}
