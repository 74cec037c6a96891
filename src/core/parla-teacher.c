/* parla-teacher.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core-private.h"

#include "parla-teacher.h"

#include <math.h>
#include <string.h>

#include "parla-error.h"
#include "parla-policy.h"
#include "parla-time.h"

#define MAX_DISPLAY_NAME_CHARS 80
#define MAX_BIO_CHARS 4000
#define MAX_ACCENT_CHARS 60
#define MAX_LANGUAGES 20
#define MAX_SUBJECTS 20
#define MAX_SUBJECT_CHARS 60
#define MAX_TIME_ZONE_CHARS 64
#define MAX_PHOTO_URL_CHARS 2048

struct _ParlaTeacher
{
  GObject    parent_instance;

  /* owned */
  char      *id;
  char      *display_name;
  char      *bio;
  char     **languages;        /* never NULL */
  char     **subjects;         /* never NULL */
  char     **levels;           /* never NULL */
  char     **specializations;  /* never NULL */
  char      *accent;
  char      *time_zone;
  char      *photo_url;
  char      *currency;
  JsonNode  *offerings;        /* an array, or NULL when not known */

  double     rating;
  gint64     price_from_minor; /* -1: no offering known */
  int        rating_count;
  guint      has_free_offering : 1;
};

G_DEFINE_FINAL_TYPE (ParlaTeacher, parla_teacher, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_BIO,
  PROP_LANGUAGES,
  PROP_SUBJECTS,
  PROP_LEVELS,
  PROP_SPECIALIZATIONS,
  PROP_ACCENT,
  PROP_TIME_ZONE,
  PROP_PHOTO_URL,
  PROP_RATING,
  PROP_RATING_COUNT,
  PROP_PRICE_FROM_MINOR,
  PROP_CURRENCY,
  PROP_HAS_FREE_OFFERING,
  PROP_OFFERINGS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* "rating" may be an integer or a double, so it is checked by hand. */
static const ParlaField teacher_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED | PARLA_FIELD_SERVER },
  { "display_name", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED | PARLA_FIELD_SERVER, 1, MAX_DISPLAY_NAME_CHARS },
  { "bio", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, MAX_BIO_CHARS },
  { "languages", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_REQUIRED, 1, MAX_LANGUAGES },
  { "subjects", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, MAX_SUBJECTS },
  { "levels", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, 0 },
  { "specializations", PARLA_FIELD_STRING_ARRAY, PARLA_FIELD_OPTIONAL, 0, 0 },
  { "accent", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, MAX_ACCENT_CHARS },
  { "time_zone", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, MAX_TIME_ZONE_CHARS },
  { "photo_url", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE | PARLA_FIELD_SERVER, 1, MAX_PHOTO_URL_CHARS },
  { "rating_count", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED | PARLA_FIELD_SERVER, 0, G_MAXINT },
  { "price_from_minor", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED | PARLA_FIELD_NULLABLE | PARLA_FIELD_SERVER, 0, 0 },
  { "currency", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED | PARLA_FIELD_SERVER, 3, 3 },
  { "has_free_offering", PARLA_FIELD_BOOL, PARLA_FIELD_REQUIRED | PARLA_FIELD_SERVER },
  { "offerings", PARLA_FIELD_ARRAY, PARLA_FIELD_NULLABLE | PARLA_FIELD_SERVER },
};

typedef gboolean (*ItemCheck) (const char *item);


static gboolean
replace_strv (char               ***field,
              const char * const   *value)
{
  static const char * const empty[] = { NULL };

  if (value == NULL)
    value = empty;

  if (g_strv_equal ((const char * const *) *field, value))
    return FALSE;

  g_strfreev (*field);
  *field = g_strdupv ((char **) value);
  return TRUE;
}


static gboolean
is_subject (const char *item)
{
  glong chars = g_utf8_strlen (item, -1);

  return chars >= 1 && chars <= MAX_SUBJECT_CHARS;
}

static gboolean
is_cefr_level (const char *item)
{
  return parla_enum_from_string (parla_cefr_level_names, item) >= 0;
}

static gboolean
is_specialization (const char *item)
{
  return parla_enum_from_string (parla_specialization_names, item) >= 0;
}

/* Reads an array member already checked to hold strings, checks each item
 * and drops repeated items, keeping the first of each. */
static char **
read_list (JsonObject  *object,
           const char  *name,
           ItemCheck    check,
           const char  *expected,
           GError     **error)
{
  g_auto(GStrv) items = parla_json_dup_strv (object, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);

  for (guint i = 0; items[i] != NULL; i++)
    {
      if (!check (items[i]))
        {
          g_autofree char *field = g_strdup_printf ("%s[%u]", name, i);

          parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field,
                           "“%s” must be %s", field, expected);
          return NULL;
        }

      if (g_hash_table_add (seen, items[i]))
        g_strv_builder_add (builder, items[i]);
    }

  return g_strv_builder_end (builder);
}

static gboolean
read_rating (JsonObject  *object,
             double      *out_rating,
             GError     **error)
{
  JsonNode *member = json_object_get_member (object, "rating");
  double rating;

  *out_rating = 0.0;

  if (member == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "rating", "“rating” is required");
      return FALSE;
    }

  if (JSON_NODE_HOLDS_NULL (member))
    return TRUE;

  if (!JSON_NODE_HOLDS_VALUE (member) ||
      (json_node_get_value_type (member) != G_TYPE_INT64 &&
       json_node_get_value_type (member) != G_TYPE_DOUBLE))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "rating",
                       "“rating” must be a number or null");
      return FALSE;
    }

  if (json_node_get_value_type (member) == G_TYPE_INT64)
    rating = (double) json_node_get_int (member);
  else
    rating = json_node_get_double (member);

  if (!(rating >= 0.0 && rating <= PARLA_TEACHER_MAX_RATING))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "rating",
                       "“rating” must be between 0 and 5");
      return FALSE;
    }

  *out_rating = rating;
  return TRUE;
}

static gboolean
check_time_zone (const char  *identifier,
                 GError     **error)
{
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GError) local_error = NULL;

  zone = parla_time_zone_new (identifier, &local_error);
  if (zone == NULL)
    {
      parla_error_prefix_field (local_error, "time_zone");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static void
parla_teacher_finalize (GObject *object)
{
  ParlaTeacher *self = (ParlaTeacher *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->display_name, g_free);
  g_clear_pointer (&self->bio, g_free);
  g_clear_pointer (&self->languages, g_strfreev);
  g_clear_pointer (&self->subjects, g_strfreev);
  g_clear_pointer (&self->levels, g_strfreev);
  g_clear_pointer (&self->specializations, g_strfreev);
  g_clear_pointer (&self->accent, g_free);
  g_clear_pointer (&self->time_zone, g_free);
  g_clear_pointer (&self->photo_url, g_free);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->offerings, json_node_unref);

  G_OBJECT_CLASS (parla_teacher_parent_class)->finalize (object);
}

static void
parla_teacher_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ParlaTeacher *self = PARLA_TEACHER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_BIO:
      g_value_set_string (value, self->bio);
      break;

    case PROP_LANGUAGES:
      g_value_set_boxed (value, self->languages);
      break;

    case PROP_SUBJECTS:
      g_value_set_boxed (value, self->subjects);
      break;

    case PROP_LEVELS:
      g_value_set_boxed (value, self->levels);
      break;

    case PROP_SPECIALIZATIONS:
      g_value_set_boxed (value, self->specializations);
      break;

    case PROP_ACCENT:
      g_value_set_string (value, self->accent);
      break;

    case PROP_TIME_ZONE:
      g_value_set_string (value, self->time_zone);
      break;

    case PROP_PHOTO_URL:
      g_value_set_string (value, self->photo_url);
      break;

    case PROP_RATING:
      g_value_set_double (value, self->rating);
      break;

    case PROP_RATING_COUNT:
      g_value_set_int (value, self->rating_count);
      break;

    case PROP_PRICE_FROM_MINOR:
      g_value_set_int64 (value, self->price_from_minor);
      break;

    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;

    case PROP_HAS_FREE_OFFERING:
      g_value_set_boolean (value, self->has_free_offering);
      break;

    case PROP_OFFERINGS:
      g_value_set_boxed (value, self->offerings);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_teacher_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ParlaTeacher *self = PARLA_TEACHER (object);

  switch (prop_id)
    {
    case PROP_ID:
      parla_teacher_set_id (self, g_value_get_string (value));
      break;

    case PROP_DISPLAY_NAME:
      parla_teacher_set_display_name (self, g_value_get_string (value));
      break;

    case PROP_BIO:
      parla_teacher_set_bio (self, g_value_get_string (value));
      break;

    case PROP_LANGUAGES:
      parla_teacher_set_languages (self, g_value_get_boxed (value));
      break;

    case PROP_SUBJECTS:
      parla_teacher_set_subjects (self, g_value_get_boxed (value));
      break;

    case PROP_LEVELS:
      parla_teacher_set_levels (self, g_value_get_boxed (value));
      break;

    case PROP_SPECIALIZATIONS:
      parla_teacher_set_specializations (self, g_value_get_boxed (value));
      break;

    case PROP_ACCENT:
      parla_teacher_set_accent (self, g_value_get_string (value));
      break;

    case PROP_TIME_ZONE:
      parla_teacher_set_time_zone (self, g_value_get_string (value));
      break;

    case PROP_PHOTO_URL:
      parla_teacher_set_photo_url (self, g_value_get_string (value));
      break;

    case PROP_RATING:
      parla_teacher_set_rating (self, g_value_get_double (value));
      break;

    case PROP_RATING_COUNT:
      parla_teacher_set_rating_count (self, g_value_get_int (value));
      break;

    case PROP_PRICE_FROM_MINOR:
      parla_teacher_set_price_from_minor (self, g_value_get_int64 (value));
      break;

    case PROP_CURRENCY:
      parla_teacher_set_currency (self, g_value_get_string (value));
      break;

    case PROP_HAS_FREE_OFFERING:
      parla_teacher_set_has_free_offering (self, g_value_get_boolean (value));
      break;

    case PROP_OFFERINGS:
      parla_teacher_set_offerings_json (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_teacher_class_init (ParlaTeacherClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parla_teacher_finalize;
  object_class->get_property = parla_teacher_get_property;
  object_class->set_property = parla_teacher_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_BIO] =
    g_param_spec_string ("bio", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LANGUAGES] =
    g_param_spec_boxed ("languages", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SUBJECTS] =
    g_param_spec_boxed ("subjects", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LEVELS] =
    g_param_spec_boxed ("levels", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SPECIALIZATIONS] =
    g_param_spec_boxed ("specializations", NULL, NULL,
                        G_TYPE_STRV,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ACCENT] =
    g_param_spec_string ("accent", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TIME_ZONE] =
    g_param_spec_string ("time-zone", NULL, NULL,
                         "UTC",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PHOTO_URL] =
    g_param_spec_string ("photo-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RATING] =
    g_param_spec_double ("rating", NULL, NULL,
                         0.0, PARLA_TEACHER_MAX_RATING, 0.0,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_RATING_COUNT] =
    g_param_spec_int ("rating-count", NULL, NULL,
                      0, G_MAXINT, 0,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PRICE_FROM_MINOR] =
    g_param_spec_int64 ("price-from-minor", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CURRENCY] =
    g_param_spec_string ("currency", NULL, NULL,
                         "EUR",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HAS_FREE_OFFERING] =
    g_param_spec_boolean ("has-free-offering", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_OFFERINGS] =
    g_param_spec_boxed ("offerings", NULL, NULL,
                        JSON_TYPE_NODE,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_teacher_init (ParlaTeacher *self)
{
  self->display_name = g_strdup ("");
  self->bio = g_strdup ("");
  self->languages = g_new0 (char *, 1);
  self->subjects = g_new0 (char *, 1);
  self->levels = g_new0 (char *, 1);
  self->specializations = g_new0 (char *, 1);
  self->accent = g_strdup ("");
  self->time_zone = g_strdup ("UTC");
  self->currency = g_strdup ("EUR");
  self->price_from_minor = -1;
}

ParlaTeacher *
parla_teacher_new (void)
{
  return g_object_new (PARLA_TYPE_TEACHER, NULL);
}

/**
 * parla_teacher_new_from_json:
 * @node: a JSON object
 * @mode: %PARLA_JSON_INPUT for the body of `PUT /me/teacher-profile` (the
 *   server's members are ignored), %PARLA_JSON_RESOURCE for a teacher as
 *   the server sends it (they are required)
 *
 * Repeated items in the lists are dropped, keeping the first.
 *
 * Returns: (transfer full) (nullable): the teacher, or %NULL with an
 *   `invalid_input` error naming the field, e.g. "languages[1]"
 */
ParlaTeacher *
parla_teacher_new_from_json (JsonNode       *node,
                             ParlaJsonMode   mode,
                             GError        **error)
{
  g_autoptr(ParlaTeacher) self = NULL;
  g_auto(GStrv) languages = NULL;
  g_auto(GStrv) subjects = NULL;
  g_auto(GStrv) levels = NULL;
  g_auto(GStrv) specializations = NULL;
  JsonObject *object;
  const char *time_zone;
  double rating = 0.0;

  if (!parla_json_check (node, teacher_fields, G_N_ELEMENTS (teacher_fields), mode, error))
    return NULL;

  object = json_node_get_object (node);

  if (mode == PARLA_JSON_RESOURCE && !read_rating (object, &rating, error))
    return NULL;

  if (mode == PARLA_JSON_RESOURCE &&
      !parla_check_price (0, parla_json_get_string (object, "currency", NULL), error))
    return NULL;

  languages = read_list (object, "languages", _parla_is_language_code,
                         "a lowercase ISO 639 language code such as “es”", error);
  if (languages == NULL)
    return NULL;

  subjects = read_list (object, "subjects", is_subject,
                        "between 1 and 60 characters long", error);
  if (subjects == NULL)
    return NULL;

  levels = read_list (object, "levels", is_cefr_level,
                      "a CEFR level from “A1” to “C2”", error);
  if (levels == NULL)
    return NULL;

  specializations = read_list (object, "specializations", is_specialization,
                               "one of “business”, “academic” or “conversational”", error);
  if (specializations == NULL)
    return NULL;

  time_zone = parla_json_get_string (object, "time_zone", NULL);
  if (!check_time_zone (time_zone, error))
    return NULL;

  self = g_object_new (PARLA_TYPE_TEACHER, NULL);

  if (mode == PARLA_JSON_RESOURCE)
    {
      JsonNode *offerings = json_object_get_member (object, "offerings");

      self->id = g_strdup (parla_json_get_string (object, "id", NULL));
      g_free (self->display_name);
      self->display_name = g_strdup (parla_json_get_string (object, "display_name", ""));
      self->photo_url = g_strdup (parla_json_get_string (object, "photo_url", NULL));
      self->rating = rating;
      self->rating_count = parla_json_get_int (object, "rating_count", 0);
      self->price_from_minor = parla_json_get_int (object, "price_from_minor", -1);
      g_free (self->currency);
      self->currency = g_strdup (parla_json_get_string (object, "currency", "EUR"));
      self->has_free_offering = parla_json_get_bool (object, "has_free_offering", FALSE);

      if (offerings != NULL && JSON_NODE_HOLDS_ARRAY (offerings))
        self->offerings = json_node_ref (offerings);
    }

  g_free (self->bio);
  self->bio = g_strdup (parla_json_get_string (object, "bio", ""));
  g_strfreev (self->languages);
  self->languages = g_steal_pointer (&languages);
  g_strfreev (self->subjects);
  self->subjects = g_steal_pointer (&subjects);
  g_strfreev (self->levels);
  self->levels = g_steal_pointer (&levels);
  g_strfreev (self->specializations);
  self->specializations = g_steal_pointer (&specializations);
  g_free (self->accent);
  self->accent = g_strdup (parla_json_get_string (object, "accent", ""));
  g_free (self->time_zone);
  self->time_zone = g_strdup (time_zone);

  return g_steal_pointer (&self);
}

/**
 * parla_teacher_to_json:
 *
 * Returns: (transfer full): the teacher as the server sends it; "rating"
 *   is rounded to two decimals
 */
JsonNode *
parla_teacher_to_json (ParlaTeacher *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", self->id);
  parla_json_add_string (builder, "display_name", self->display_name);
  parla_json_add_string (builder, "bio", self->bio);
  parla_json_add_strv (builder, "languages", (const char * const *) self->languages);
  parla_json_add_strv (builder, "subjects", (const char * const *) self->subjects);
  parla_json_add_strv (builder, "levels", (const char * const *) self->levels);
  parla_json_add_strv (builder, "specializations", (const char * const *) self->specializations);
  parla_json_add_string (builder, "accent", self->accent);
  parla_json_add_string (builder, "time_zone", self->time_zone);
  parla_json_add_string (builder, "photo_url", self->photo_url);

  json_builder_set_member_name (builder, "rating");
  if (self->rating_count > 0)
    json_builder_add_double_value (builder, round (self->rating * 100.0) / 100.0);
  else
    json_builder_add_null_value (builder);

  parla_json_add_int (builder, "rating_count", self->rating_count);

  json_builder_set_member_name (builder, "price_from_minor");
  if (self->price_from_minor >= 0)
    json_builder_add_int_value (builder, self->price_from_minor);
  else
    json_builder_add_null_value (builder);

  parla_json_add_string (builder, "currency", self->currency);
  parla_json_add_bool (builder, "has_free_offering", self->has_free_offering);

  if (self->offerings != NULL)
    parla_json_add_node (builder, "offerings", self->offerings);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * parla_teacher_get_id:
 *
 * Returns: (nullable): the id, %NULL in a profile read as input
 */
const char *
parla_teacher_get_id (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->id;
}

void
parla_teacher_set_id (ParlaTeacher *self,
                      const char   *id)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (_parla_replace_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
parla_teacher_get_display_name (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->display_name;
}

void
parla_teacher_set_display_name (ParlaTeacher *self,
                                const char   *display_name)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (_parla_replace_string (&self->display_name, display_name ? display_name : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

const char *
parla_teacher_get_bio (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->bio;
}

void
parla_teacher_set_bio (ParlaTeacher *self,
                       const char   *bio)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (_parla_replace_string (&self->bio, bio ? bio : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BIO]);
}

/**
 * parla_teacher_get_languages:
 *
 * Returns: (transfer none) (array zero-terminated=1): ISO 639 codes, never
 *   %NULL
 */
const char * const *
parla_teacher_get_languages (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return (const char * const *) self->languages;
}

/**
 * parla_teacher_set_languages:
 * @languages: (nullable) (array zero-terminated=1): copied; %NULL for none
 */
void
parla_teacher_set_languages (ParlaTeacher       *self,
                             const char * const *languages)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (replace_strv (&self->languages, languages))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGES]);
}

/**
 * parla_teacher_get_subjects:
 *
 * Returns: (transfer none) (array zero-terminated=1): never %NULL
 */
const char * const *
parla_teacher_get_subjects (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return (const char * const *) self->subjects;
}

/**
 * parla_teacher_set_subjects:
 * @subjects: (nullable) (array zero-terminated=1): copied; %NULL for none
 */
void
parla_teacher_set_subjects (ParlaTeacher       *self,
                            const char * const *subjects)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (replace_strv (&self->subjects, subjects))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBJECTS]);
}

/**
 * parla_teacher_get_levels:
 *
 * Returns: (transfer none) (array zero-terminated=1): CEFR level names
 *   (parla_cefr_level_names), never %NULL
 */
const char * const *
parla_teacher_get_levels (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return (const char * const *) self->levels;
}

/**
 * parla_teacher_set_levels:
 * @levels: (nullable) (array zero-terminated=1): copied; %NULL for none
 */
void
parla_teacher_set_levels (ParlaTeacher       *self,
                          const char * const *levels)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (replace_strv (&self->levels, levels))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVELS]);
}

/**
 * parla_teacher_get_specializations:
 *
 * Returns: (transfer none) (array zero-terminated=1): names from
 *   parla_specialization_names, never %NULL
 */
const char * const *
parla_teacher_get_specializations (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return (const char * const *) self->specializations;
}

/**
 * parla_teacher_set_specializations:
 * @specializations: (nullable) (array zero-terminated=1): copied; %NULL
 *   for none
 */
void
parla_teacher_set_specializations (ParlaTeacher       *self,
                                   const char * const *specializations)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (replace_strv (&self->specializations, specializations))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SPECIALIZATIONS]);
}

const char *
parla_teacher_get_accent (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->accent;
}

void
parla_teacher_set_accent (ParlaTeacher *self,
                          const char   *accent)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (_parla_replace_string (&self->accent, accent ? accent : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACCENT]);
}

/**
 * parla_teacher_get_time_zone:
 *
 * Returns: the IANA name of the zone the teacher's availability follows
 */
const char *
parla_teacher_get_time_zone (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->time_zone;
}

void
parla_teacher_set_time_zone (ParlaTeacher *self,
                             const char   *time_zone)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));
  g_return_if_fail (time_zone != NULL);

  if (_parla_replace_string (&self->time_zone, time_zone))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TIME_ZONE]);
}

/**
 * parla_teacher_get_photo_url:
 *
 * Returns: (nullable): the photo's address, if any
 */
const char *
parla_teacher_get_photo_url (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->photo_url;
}

/**
 * parla_teacher_set_photo_url:
 * @photo_url: (nullable): the photo's address, or %NULL for none
 */
void
parla_teacher_set_photo_url (ParlaTeacher *self,
                             const char   *photo_url)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  if (_parla_replace_string (&self->photo_url, photo_url))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PHOTO_URL]);
}

/**
 * parla_teacher_get_rating:
 *
 * Returns: the average rating, 0 to 5; meaningless while the rating count
 *   is 0
 */
double
parla_teacher_get_rating (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), 0.0);

  return self->rating;
}

void
parla_teacher_set_rating (ParlaTeacher *self,
                          double        rating)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));
  g_return_if_fail (rating >= 0.0 && rating <= PARLA_TEACHER_MAX_RATING);

  if (self->rating == rating)
    return;

  self->rating = rating;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATING]);
}

int
parla_teacher_get_rating_count (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), 0);

  return self->rating_count;
}

void
parla_teacher_set_rating_count (ParlaTeacher *self,
                                int           rating_count)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));
  g_return_if_fail (rating_count >= 0);

  if (self->rating_count == rating_count)
    return;

  self->rating_count = rating_count;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RATING_COUNT]);
}

/**
 * parla_teacher_get_price_from_minor:
 *
 * Returns: the lowest price of the teacher's offerings, or -1 when none is
 *   known
 */
gint64
parla_teacher_get_price_from_minor (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), -1);

  return self->price_from_minor;
}

void
parla_teacher_set_price_from_minor (ParlaTeacher *self,
                                    gint64        price_from_minor)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));
  g_return_if_fail (price_from_minor >= -1);

  if (self->price_from_minor == price_from_minor)
    return;

  self->price_from_minor = price_from_minor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICE_FROM_MINOR]);
}

const char *
parla_teacher_get_currency (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->currency;
}

void
parla_teacher_set_currency (ParlaTeacher *self,
                            const char   *currency)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));
  g_return_if_fail (currency != NULL);

  if (_parla_replace_string (&self->currency, currency))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENCY]);
}

gboolean
parla_teacher_get_has_free_offering (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), FALSE);

  return self->has_free_offering;
}

void
parla_teacher_set_has_free_offering (ParlaTeacher *self,
                                     gboolean      has_free_offering)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));

  has_free_offering = !!has_free_offering;
  if (self->has_free_offering == has_free_offering)
    return;

  self->has_free_offering = has_free_offering;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_FREE_OFFERING]);
}

/**
 * parla_teacher_get_offerings_json:
 *
 * Returns: (transfer none) (nullable): the array of offerings as the
 *   server sends them, or %NULL when not known
 */
JsonNode *
parla_teacher_get_offerings_json (ParlaTeacher *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER (self), NULL);

  return self->offerings;
}

/**
 * parla_teacher_set_offerings_json:
 * @array_node: (nullable): a JSON array of offerings, referenced; %NULL to
 *   leave "offerings" out of parla_teacher_to_json()
 *
 * The items are not checked here: whoever builds the array owns them.
 */
void
parla_teacher_set_offerings_json (ParlaTeacher *self,
                                  JsonNode     *array_node)
{
  g_return_if_fail (PARLA_IS_TEACHER (self));
  g_return_if_fail (array_node == NULL || JSON_NODE_HOLDS_ARRAY (array_node));

  if (self->offerings == array_node ||
      (self->offerings != NULL && array_node != NULL &&
       json_node_equal (self->offerings, array_node)))
    return;

  g_clear_pointer (&self->offerings, json_node_unref);
  if (array_node != NULL)
    self->offerings = json_node_ref (array_node);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERINGS]);
}
