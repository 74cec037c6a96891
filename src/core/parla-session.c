/* parla-session.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core-private.h"

#include "parla-session.h"

#include <string.h>

#include "parla-core-enums.h"
#include "parla-error.h"
#include "parla-policy.h"
#include "parla-time.h"

/* For an INT field whose sign is checked by hand, with a better message. */
#define ANY_INT G_MININT64, G_MININT64

struct _ParlaSession
{
  GObject             parent_instance;

  /* owned */
  char               *id;
  char               *host_id;
  char               *host_name;
  char               *offering_id;
  char               *title;
  char               *description;
  char               *language;
  char               *currency;
  char               *my_booking_id;
  ParlaMaterials     *materials;

  gint64              start;
  gint64              end;
  gint64              price_minor;
  int                 duration_minutes;
  int                 capacity;
  int                 seats_left;
  int                 my_booking_status;
  ParlaSessionType    session_type;
  ParlaLevel          level;
  ParlaSessionStatus  status;
};

G_DEFINE_FINAL_TYPE (ParlaSession, parla_session, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_HOST_ID,
  PROP_HOST_NAME,
  PROP_OFFERING_ID,
  PROP_TITLE,
  PROP_DESCRIPTION,
  PROP_SESSION_TYPE,
  PROP_LANGUAGE,
  PROP_LEVEL,
  PROP_START,
  PROP_END,
  PROP_DURATION_MINUTES,
  PROP_CAPACITY,
  PROP_SEATS_LEFT,
  PROP_PRICE_MINOR,
  PROP_CURRENCY,
  PROP_STATUS,
  PROP_MY_BOOKING_ID,
  PROP_MY_BOOKING_STATUS,
  PROP_MATERIALS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const ParlaField session_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED },
  { "host_id", PARLA_FIELD_ID, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED },
  { "host_name", PARLA_FIELD_STRING, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED, 0, 0 },
  { "offering_id", PARLA_FIELD_ID, PARLA_FIELD_OPTIONAL | PARLA_FIELD_NULLABLE },
  { "title", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 120 },
  { "description", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, 4000 },
  { "type", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, parla_session_type_names },
  { "language", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 0, 0 },
  { "level", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, parla_level_names },
  { "start", PARLA_FIELD_INSTANT, PARLA_FIELD_REQUIRED },
  { "end", PARLA_FIELD_INSTANT, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED },
  { "duration_minutes", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 1440 },
  { "capacity", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 0 },
  { "seats_left", PARLA_FIELD_INT, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED, 0, 0 },
  { "price_minor", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, ANY_INT },
  { "currency", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, 0 },
  { "status", PARLA_FIELD_ENUM, PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED, 0, 0,
    parla_session_status_names },
  { "my_booking_id", PARLA_FIELD_ID,
    PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED | PARLA_FIELD_NULLABLE },
  { "my_booking_status", PARLA_FIELD_ENUM,
    PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED | PARLA_FIELD_NULLABLE, 0, 0,
    parla_booking_status_names },
  { "materials", PARLA_FIELD_OBJECT, PARLA_FIELD_OPTIONAL },
};

/* What the host may change with a PUT; every member is optional. */
static const ParlaField patch_fields[] = {
  { "title", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 1, 120 },
  { "description", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, 4000 },
  { "language", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, 0 },
  { "level", PARLA_FIELD_ENUM, PARLA_FIELD_OPTIONAL, 0, 0, parla_level_names },
  { "start", PARLA_FIELD_INSTANT, PARLA_FIELD_OPTIONAL },
  { "duration_minutes", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 1, 1440 },
  { "capacity", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 1, 0 },
  { "price_minor", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, ANY_INT },
  { "currency", PARLA_FIELD_STRING, PARLA_FIELD_OPTIONAL, 0, 0 },
  { "status", PARLA_FIELD_ENUM, PARLA_FIELD_OPTIONAL, 0, 0, parla_session_status_names },
  { "materials", PARLA_FIELD_OBJECT, PARLA_FIELD_OPTIONAL },
};



/* An ISO 639 code: two or three lower-case ASCII letters. */




static gint64
compute_end (gint64 start,
             int    duration_minutes)
{
  return start + (gint64) duration_minutes * 60;
}

static void
parla_session_finalize (GObject *object)
{
  ParlaSession *self = (ParlaSession *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->host_id, g_free);
  g_clear_pointer (&self->host_name, g_free);
  g_clear_pointer (&self->offering_id, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->description, g_free);
  g_clear_pointer (&self->language, g_free);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->my_booking_id, g_free);
  g_clear_pointer (&self->materials, parla_materials_unref);

  G_OBJECT_CLASS (parla_session_parent_class)->finalize (object);
}

static void
parla_session_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ParlaSession *self = PARLA_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_HOST_ID:
      g_value_set_string (value, self->host_id);
      break;

    case PROP_HOST_NAME:
      g_value_set_string (value, self->host_name);
      break;

    case PROP_OFFERING_ID:
      g_value_set_string (value, self->offering_id);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_DESCRIPTION:
      g_value_set_string (value, self->description);
      break;

    case PROP_SESSION_TYPE:
      g_value_set_enum (value, self->session_type);
      break;

    case PROP_LANGUAGE:
      g_value_set_string (value, self->language);
      break;

    case PROP_LEVEL:
      g_value_set_enum (value, self->level);
      break;

    case PROP_START:
      g_value_set_int64 (value, self->start);
      break;

    case PROP_END:
      g_value_set_int64 (value, self->end);
      break;

    case PROP_DURATION_MINUTES:
      g_value_set_int (value, self->duration_minutes);
      break;

    case PROP_CAPACITY:
      g_value_set_int (value, self->capacity);
      break;

    case PROP_SEATS_LEFT:
      g_value_set_int (value, self->seats_left);
      break;

    case PROP_PRICE_MINOR:
      g_value_set_int64 (value, self->price_minor);
      break;

    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_MY_BOOKING_ID:
      g_value_set_string (value, self->my_booking_id);
      break;

    case PROP_MY_BOOKING_STATUS:
      g_value_set_int (value, self->my_booking_status);
      break;

    case PROP_MATERIALS:
      g_value_set_boxed (value, self->materials);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_session_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ParlaSession *self = PARLA_SESSION (object);

  switch (prop_id)
    {
    case PROP_ID:
      parla_session_set_id (self, g_value_get_string (value));
      break;

    case PROP_HOST_ID:
      parla_session_set_host_id (self, g_value_get_string (value));
      break;

    case PROP_HOST_NAME:
      parla_session_set_host_name (self, g_value_get_string (value));
      break;

    case PROP_OFFERING_ID:
      parla_session_set_offering_id (self, g_value_get_string (value));
      break;

    case PROP_TITLE:
      parla_session_set_title (self, g_value_get_string (value));
      break;

    case PROP_DESCRIPTION:
      parla_session_set_description (self, g_value_get_string (value));
      break;

    case PROP_SESSION_TYPE:
      parla_session_set_session_type (self, g_value_get_enum (value));
      break;

    case PROP_LANGUAGE:
      parla_session_set_language (self, g_value_get_string (value));
      break;

    case PROP_LEVEL:
      parla_session_set_level (self, g_value_get_enum (value));
      break;

    case PROP_START:
      parla_session_set_start (self, g_value_get_int64 (value));
      break;

    case PROP_END:
      parla_session_set_end (self, g_value_get_int64 (value));
      break;

    case PROP_DURATION_MINUTES:
      parla_session_set_duration_minutes (self, g_value_get_int (value));
      break;

    case PROP_CAPACITY:
      parla_session_set_capacity (self, g_value_get_int (value));
      break;

    case PROP_SEATS_LEFT:
      parla_session_set_seats_left (self, g_value_get_int (value));
      break;

    case PROP_PRICE_MINOR:
      parla_session_set_price_minor (self, g_value_get_int64 (value));
      break;

    case PROP_CURRENCY:
      parla_session_set_currency (self, g_value_get_string (value));
      break;

    case PROP_STATUS:
      parla_session_set_status (self, g_value_get_enum (value));
      break;

    case PROP_MY_BOOKING_ID:
      parla_session_set_my_booking_id (self, g_value_get_string (value));
      break;

    case PROP_MY_BOOKING_STATUS:
      parla_session_set_my_booking_status (self, g_value_get_int (value));
      break;

    case PROP_MATERIALS:
      parla_session_set_materials (self, g_value_get_boxed (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_session_class_init (ParlaSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parla_session_finalize;
  object_class->get_property = parla_session_get_property;
  object_class->set_property = parla_session_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HOST_ID] =
    g_param_spec_string ("host-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_HOST_NAME] =
    g_param_spec_string ("host-name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_OFFERING_ID] =
    g_param_spec_string ("offering-id", NULL, NULL,
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

  properties[PROP_SESSION_TYPE] =
    g_param_spec_enum ("session-type", NULL, NULL,
                       PARLA_TYPE_SESSION_TYPE,
                       PARLA_SESSION_GROUP,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LANGUAGE] =
    g_param_spec_string ("language", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LEVEL] =
    g_param_spec_enum ("level", NULL, NULL,
                       PARLA_TYPE_LEVEL,
                       PARLA_LEVEL_ALL,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_START] =
    g_param_spec_int64 ("start", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_END] =
    g_param_spec_int64 ("end", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DURATION_MINUTES] =
    g_param_spec_int ("duration-minutes", NULL, NULL,
                      0, G_MAXINT, 60,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CAPACITY] =
    g_param_spec_int ("capacity", NULL, NULL,
                      0, G_MAXINT, 1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SEATS_LEFT] =
    g_param_spec_int ("seats-left", NULL, NULL,
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

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       PARLA_TYPE_SESSION_STATUS,
                       PARLA_SESSION_STATUS_SCHEDULED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MY_BOOKING_ID] =
    g_param_spec_string ("my-booking-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* A ParlaBookingStatus, or -1 for none. */
  properties[PROP_MY_BOOKING_STATUS] =
    g_param_spec_int ("my-booking-status", NULL, NULL,
                      -1, PARLA_BOOKING_EXPIRED, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MATERIALS] =
    g_param_spec_boxed ("materials", NULL, NULL,
                        PARLA_TYPE_MATERIALS,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_session_init (ParlaSession *self)
{
  self->host_name = g_strdup ("");
  self->title = g_strdup ("");
  self->description = g_strdup ("");
  self->language = g_strdup ("");
  self->currency = g_strdup ("EUR");
  self->materials = parla_materials_new_empty ();
  self->session_type = PARLA_SESSION_GROUP;
  self->level = PARLA_LEVEL_ALL;
  self->status = PARLA_SESSION_STATUS_SCHEDULED;
  self->duration_minutes = 60;
  self->end = compute_end (0, self->duration_minutes);
  self->capacity = 1;
  self->seats_left = 1;
  self->my_booking_status = -1;
}

ParlaSession *
parla_session_new (void)
{
  return g_object_new (PARLA_TYPE_SESSION, NULL);
}

/**
 * parla_session_new_from_json:
 * @node: a JSON object
 * @mode: %PARLA_JSON_INPUT for a host's request body (server-owned members
 *   are ignored; end is start plus duration and seats_left is capacity),
 *   %PARLA_JSON_RESOURCE for a stored or received session
 *
 * Returns: (transfer full) (nullable): the session, or %NULL with an
 *   `invalid_input` error naming the field
 */
ParlaSession *
parla_session_new_from_json (JsonNode       *node,
                             ParlaJsonMode   mode,
                             GError        **error)
{
  g_autoptr(ParlaSession) self = NULL;
  g_autoptr(ParlaMaterials) materials = NULL;
  JsonObject *object;
  const char *title;
  const char *language;
  const char *currency;
  gint64 capacity;
  gint64 price_minor;

  if (!parla_json_check (node, session_fields, G_N_ELEMENTS (session_fields), mode, error))
    return NULL;

  object = json_node_get_object (node);

  title = parla_json_get_string (object, "title", "");
  if (!_parla_check_title (title, error))
    return NULL;

  language = parla_json_get_string (object, "language", "");
  if (!_parla_check_language (language, error))
    return NULL;

  capacity = parla_json_get_int (object, "capacity", 1);
  if (!parla_check_capacity (capacity, error))
    return NULL;

  price_minor = parla_json_get_int (object, "price_minor", 0);
  currency = parla_json_get_string (object, "currency", "EUR");
  if (!parla_check_price (price_minor, currency, error))
    return NULL;

  materials = _parla_read_materials (object, error);
  if (materials == NULL)
    return NULL;

  self = g_object_new (PARLA_TYPE_SESSION, NULL);

  g_free (self->title);
  self->title = g_strstrip (g_strdup (title));
  g_free (self->description);
  self->description = g_strdup (parla_json_get_string (object, "description", ""));
  self->offering_id = g_strdup (parla_json_get_string (object, "offering_id", NULL));
  self->session_type = parla_json_get_enum (object, "type", parla_session_type_names,
                                            PARLA_SESSION_GROUP);
  g_free (self->language);
  self->language = g_strdup (language);
  self->level = parla_json_get_enum (object, "level", parla_level_names, PARLA_LEVEL_ALL);
  self->start = parla_json_get_instant (object, "start", 0);
  self->duration_minutes = parla_json_get_int (object, "duration_minutes", 60);
  self->capacity = capacity;
  self->price_minor = price_minor;
  g_free (self->currency);
  self->currency = g_strdup (currency);
  g_clear_pointer (&self->materials, parla_materials_unref);
  self->materials = g_steal_pointer (&materials);

  if (mode == PARLA_JSON_RESOURCE)
    {
      self->id = g_strdup (parla_json_get_string (object, "id", NULL));
      self->host_id = g_strdup (parla_json_get_string (object, "host_id", NULL));
      g_free (self->host_name);
      self->host_name = g_strdup (parla_json_get_string (object, "host_name", ""));
      self->end = parla_json_get_instant (object, "end", 0);
      self->seats_left = parla_json_get_int (object, "seats_left", 0);
      self->status = parla_json_get_enum (object, "status", parla_session_status_names,
                                          PARLA_SESSION_STATUS_SCHEDULED);
      self->my_booking_id = g_strdup (parla_json_get_string (object, "my_booking_id", NULL));
      self->my_booking_status = parla_json_get_enum (object, "my_booking_status",
                                                     parla_booking_status_names, -1);
    }
  else
    {
      self->end = compute_end (self->start, self->duration_minutes);
      self->seats_left = self->capacity;
    }

  return g_steal_pointer (&self);
}

/**
 * parla_session_to_json:
 *
 * Returns: (transfer full): the session as the server sends it
 */
JsonNode *
parla_session_to_json (ParlaSession *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) materials = NULL;

  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  materials = parla_materials_to_json (self->materials);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", self->id);
  parla_json_add_string (builder, "host_id", self->host_id);
  parla_json_add_string (builder, "host_name", self->host_name);
  parla_json_add_string (builder, "offering_id", self->offering_id);
  parla_json_add_string (builder, "title", self->title);
  parla_json_add_string (builder, "description", self->description);
  parla_json_add_string (builder, "type", parla_session_type_names[self->session_type]);
  parla_json_add_string (builder, "language", self->language);
  parla_json_add_string (builder, "level", parla_level_names[self->level]);
  parla_json_add_instant (builder, "start", self->start);
  parla_json_add_instant (builder, "end", self->end);
  parla_json_add_int (builder, "duration_minutes", self->duration_minutes);
  parla_json_add_int (builder, "capacity", self->capacity);
  parla_json_add_int (builder, "seats_left", self->seats_left);
  parla_json_add_int (builder, "price_minor", self->price_minor);
  parla_json_add_string (builder, "currency", self->currency);
  parla_json_add_string (builder, "status", parla_session_status_names[self->status]);
  parla_json_add_string (builder, "my_booking_id", self->my_booking_id);
  parla_json_add_string (builder, "my_booking_status",
                         self->my_booking_status >= 0
                           ? parla_booking_status_names[self->my_booking_status]
                           : NULL);
  parla_json_add_node (builder, "materials", materials);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * parla_session_apply_json:
 * @patch: a JSON object with some of title, description, start,
 *   duration_minutes, capacity, price_minor, currency, level, language,
 *   materials and status
 *
 * Applies a host's partial update. Every member present is checked as in
 * parla_session_new_from_json(); "status" may only become "cancelled"
 * ("scheduled" is accepted while the session is still scheduled). Other
 * members are ignored. end is recomputed from start and duration.
 *
 * On error nothing is changed.
 *
 * Returns: %TRUE if the patch was applied
 */
gboolean
parla_session_apply_json (ParlaSession  *self,
                          JsonNode      *patch,
                          GError       **error)
{
  g_autoptr(ParlaMaterials) materials = NULL;
  g_autofree char *title = NULL;
  JsonObject *object;
  const char *description;
  const char *language;
  const char *currency;
  ParlaLevel level;
  ParlaSessionStatus status;
  gint64 start;
  gint64 capacity;
  gint64 price_minor;
  int duration_minutes;

  g_return_val_if_fail (PARLA_IS_SESSION (self), FALSE);

  /* Validate everything first ... */
  if (!parla_json_check (patch, patch_fields, G_N_ELEMENTS (patch_fields), PARLA_JSON_INPUT, error))
    return FALSE;

  object = json_node_get_object (patch);

  if (parla_json_has (object, "title"))
    {
      if (!_parla_check_title (parla_json_get_string (object, "title", ""), error))
        return FALSE;
      title = g_strstrip (g_strdup (parla_json_get_string (object, "title", "")));
    }

  language = parla_json_get_string (object, "language", self->language);
  if (parla_json_has (object, "language") && !_parla_check_language (language, error))
    return FALSE;

  capacity = parla_json_get_int (object, "capacity", self->capacity);
  if (parla_json_has (object, "capacity") && !parla_check_capacity (capacity, error))
    return FALSE;

  price_minor = parla_json_get_int (object, "price_minor", self->price_minor);
  currency = parla_json_get_string (object, "currency", self->currency);
  if ((parla_json_has (object, "price_minor") || parla_json_has (object, "currency")) &&
      !parla_check_price (price_minor, currency, error))
    return FALSE;

  status = parla_json_get_enum (object, "status", parla_session_status_names, self->status);
  if (status == PARLA_SESSION_STATUS_SCHEDULED && self->status != PARLA_SESSION_STATUS_SCHEDULED)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, "status",
                       "A cancelled session cannot be scheduled again");
      return FALSE;
    }

  if (parla_json_has (object, "materials"))
    {
      materials = _parla_read_materials (object, error);
      if (materials == NULL)
        return FALSE;
    }

  description = parla_json_get_string (object, "description", self->description);
  level = parla_json_get_enum (object, "level", parla_level_names, self->level);
  start = parla_json_get_instant (object, "start", self->start);
  duration_minutes = parla_json_get_int (object, "duration_minutes", self->duration_minutes);

  /* ... then apply it, with one round of notifications. A string above is
   * borrowed from @self only when it is that same field's current value,
   * which its setter then leaves alone. */
  g_object_freeze_notify (G_OBJECT (self));

  if (title != NULL)
    parla_session_set_title (self, title);
  parla_session_set_description (self, description);
  parla_session_set_language (self, language);
  parla_session_set_level (self, level);
  parla_session_set_start (self, start);
  parla_session_set_duration_minutes (self, duration_minutes);
  parla_session_set_end (self, compute_end (start, duration_minutes));
  parla_session_set_capacity (self, capacity);
  parla_session_set_price_minor (self, price_minor);
  parla_session_set_currency (self, currency);
  parla_session_set_status (self, status);
  if (materials != NULL)
    parla_session_set_materials (self, materials);

  g_object_thaw_notify (G_OBJECT (self));

  return TRUE;
}

gboolean
parla_session_is_free (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), FALSE);

  return self->price_minor == 0;
}

/**
 * parla_session_get_id:
 *
 * Returns: (nullable): the id, %NULL until the server assigns one
 */
const char *
parla_session_get_id (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->id;
}

void
parla_session_set_id (ParlaSession *self,
                      const char   *id)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

/**
 * parla_session_get_host_id:
 *
 * Returns: (nullable): the host, %NULL until the server assigns one
 */
const char *
parla_session_get_host_id (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->host_id;
}

void
parla_session_set_host_id (ParlaSession *self,
                           const char   *host_id)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->host_id, host_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST_ID]);
}

const char *
parla_session_get_host_name (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->host_name;
}

void
parla_session_set_host_name (ParlaSession *self,
                             const char   *host_name)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->host_name, host_name ? host_name : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOST_NAME]);
}

/**
 * parla_session_get_offering_id:
 *
 * Returns: (nullable): the offering this session was made from, if any
 */
const char *
parla_session_get_offering_id (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->offering_id;
}

void
parla_session_set_offering_id (ParlaSession *self,
                               const char   *offering_id)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->offering_id, offering_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERING_ID]);
}

const char *
parla_session_get_title (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->title;
}

void
parla_session_set_title (ParlaSession *self,
                         const char   *title)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->title, title ? title : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

const char *
parla_session_get_description (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->description;
}

void
parla_session_set_description (ParlaSession *self,
                               const char   *description)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->description, description ? description : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DESCRIPTION]);
}

ParlaSessionType
parla_session_get_session_type (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), PARLA_SESSION_GROUP);

  return self->session_type;
}

void
parla_session_set_session_type (ParlaSession     *self,
                                ParlaSessionType  session_type)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (session_type <= PARLA_SESSION_CULTURAL);

  if (self->session_type == session_type)
    return;

  self->session_type = session_type;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_TYPE]);
}

const char *
parla_session_get_language (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->language;
}

void
parla_session_set_language (ParlaSession *self,
                            const char   *language)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->language, language ? language : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LANGUAGE]);
}

ParlaLevel
parla_session_get_level (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), PARLA_LEVEL_ALL);

  return self->level;
}

void
parla_session_set_level (ParlaSession *self,
                         ParlaLevel    level)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (level <= PARLA_LEVEL_ALL);

  if (self->level == level)
    return;

  self->level = level;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEVEL]);
}

gint64
parla_session_get_start (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), 0);

  return self->start;
}

/**
 * parla_session_set_start:
 *
 * Sets start only; end is the server's (parla_session_apply_json()
 * recomputes both).
 */
void
parla_session_set_start (ParlaSession *self,
                         gint64        start)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (self->start == start)
    return;

  self->start = start;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START]);
}

gint64
parla_session_get_end (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), 0);

  return self->end;
}

void
parla_session_set_end (ParlaSession *self,
                       gint64        end)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (self->end == end)
    return;

  self->end = end;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END]);
}

int
parla_session_get_duration_minutes (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), 0);

  return self->duration_minutes;
}

void
parla_session_set_duration_minutes (ParlaSession *self,
                                    int           duration_minutes)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (duration_minutes >= 0);

  if (self->duration_minutes == duration_minutes)
    return;

  self->duration_minutes = duration_minutes;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DURATION_MINUTES]);
}

int
parla_session_get_capacity (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), 0);

  return self->capacity;
}

void
parla_session_set_capacity (ParlaSession *self,
                            int           capacity)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (capacity >= 0);

  if (self->capacity == capacity)
    return;

  self->capacity = capacity;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAPACITY]);
}

int
parla_session_get_seats_left (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), 0);

  return self->seats_left;
}

void
parla_session_set_seats_left (ParlaSession *self,
                              int           seats_left)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (seats_left >= 0);

  if (self->seats_left == seats_left)
    return;

  self->seats_left = seats_left;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SEATS_LEFT]);
}

gint64
parla_session_get_price_minor (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), 0);

  return self->price_minor;
}

void
parla_session_set_price_minor (ParlaSession *self,
                               gint64        price_minor)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (price_minor >= 0);

  if (self->price_minor == price_minor)
    return;

  self->price_minor = price_minor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICE_MINOR]);
}

const char *
parla_session_get_currency (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->currency;
}

void
parla_session_set_currency (ParlaSession *self,
                            const char   *currency)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (currency != NULL);

  if (_parla_replace_string (&self->currency, currency))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENCY]);
}

ParlaSessionStatus
parla_session_get_status (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), PARLA_SESSION_STATUS_SCHEDULED);

  return self->status;
}

void
parla_session_set_status (ParlaSession       *self,
                          ParlaSessionStatus  status)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (status <= PARLA_SESSION_STATUS_CANCELLED);

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

/**
 * parla_session_get_my_booking_id:
 *
 * Returns: (nullable): the caller's live booking of a seat, if any
 */
const char *
parla_session_get_my_booking_id (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->my_booking_id;
}

void
parla_session_set_my_booking_id (ParlaSession *self,
                                 const char   *my_booking_id)
{
  g_return_if_fail (PARLA_IS_SESSION (self));

  if (_parla_replace_string (&self->my_booking_id, my_booking_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MY_BOOKING_ID]);
}

/**
 * parla_session_get_my_booking_status:
 *
 * Returns: the #ParlaBookingStatus of the caller's booking, or -1 for none
 */
int
parla_session_get_my_booking_status (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), -1);

  return self->my_booking_status;
}

/**
 * parla_session_set_my_booking_status:
 * @my_booking_status: a #ParlaBookingStatus, or -1 for none
 */
void
parla_session_set_my_booking_status (ParlaSession *self,
                                     int           my_booking_status)
{
  g_return_if_fail (PARLA_IS_SESSION (self));
  g_return_if_fail (my_booking_status >= -1 && my_booking_status <= PARLA_BOOKING_EXPIRED);

  if (self->my_booking_status == my_booking_status)
    return;

  self->my_booking_status = my_booking_status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MY_BOOKING_STATUS]);
}

/**
 * parla_session_get_materials:
 *
 * Returns: (transfer none): the materials, never %NULL
 */
ParlaMaterials *
parla_session_get_materials (ParlaSession *self)
{
  g_return_val_if_fail (PARLA_IS_SESSION (self), NULL);

  return self->materials;
}

/**
 * parla_session_set_materials:
 * @materials: (nullable): the new materials; %NULL for none
 */
void
parla_session_set_materials (ParlaSession   *self,
                             ParlaMaterials *materials)
{
  g_autoptr(ParlaMaterials) value = NULL;

  g_return_if_fail (PARLA_IS_SESSION (self));

  value = materials ? parla_materials_ref (materials) : parla_materials_new_empty ();
  if (parla_materials_equal (self->materials, value))
    return;

  g_clear_pointer (&self->materials, parla_materials_unref);
  self->materials = g_steal_pointer (&value);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MATERIALS]);
}
