/* parla-json.h: strict JSON reading through static field tables
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum
{
  PARLA_FIELD_STRING,        /* min/max: length in characters (0 = no limit) */
  PARLA_FIELD_ID,            /* non-empty string of at most 64 characters */
  PARLA_FIELD_INT,           /* JSON integer (5.0 is not one), within [min, max] */
  PARLA_FIELD_BOOL,
  PARLA_FIELD_ENUM,          /* string, one of @values */
  PARLA_FIELD_INSTANT,       /* RFC 3339 date-time string */
  PARLA_FIELD_STRING_ARRAY,  /* array of strings; min/max: item count, each item <= 200 characters */
  PARLA_FIELD_ARRAY,         /* array of anything; the owner checks the items */
  PARLA_FIELD_OBJECT,        /* object; the owner checks its members */
} ParlaFieldType;

typedef enum
{
  PARLA_FIELD_OPTIONAL = 0,
  PARLA_FIELD_REQUIRED = 1 << 0,
  PARLA_FIELD_NULLABLE = 1 << 1,  /* null is accepted and reads as absent */
  PARLA_FIELD_SERVER   = 1 << 2,  /* set by the server: ignored in input, checked in resources */
} ParlaFieldFlags;

typedef struct
{
  const char         *name;
  ParlaFieldType      type;
  ParlaFieldFlags     flags;
  gint64              min;
  gint64              max;
  const char * const *values;
} ParlaField;

/**
 * ParlaJsonMode:
 * @PARLA_JSON_INPUT: a client's request body; server-owned fields are ignored
 * @PARLA_JSON_RESOURCE: a resource as the server sends it; everything is checked
 */
typedef enum
{
  PARLA_JSON_INPUT,
  PARLA_JSON_RESOURCE,
} ParlaJsonMode;

JsonNode   *parla_json_parse            (const char         *data,
                                         gssize              length,
                                         GError            **error);
char       *parla_json_to_string        (JsonNode           *node);
GBytes     *parla_json_to_bytes         (JsonNode           *node);

gboolean    parla_json_check            (JsonNode           *node,
                                         const ParlaField   *fields,
                                         guint               n_fields,
                                         ParlaJsonMode       mode,
                                         GError            **error);
gboolean    parla_json_check_object     (JsonObject         *object,
                                         const ParlaField   *fields,
                                         guint               n_fields,
                                         ParlaJsonMode       mode,
                                         GError            **error);

/* Accessors for members already checked against a field table; absent or
 * null members give the fallback. */
gboolean    parla_json_has              (JsonObject         *object,
                                         const char         *name);
const char *parla_json_get_string       (JsonObject         *object,
                                         const char         *name,
                                         const char         *fallback);
gint64      parla_json_get_int          (JsonObject         *object,
                                         const char         *name,
                                         gint64              fallback);
gboolean    parla_json_get_bool         (JsonObject         *object,
                                         const char         *name,
                                         gboolean            fallback);
int         parla_json_get_enum         (JsonObject         *object,
                                         const char         *name,
                                         const char * const *values,
                                         int                 fallback);
gint64      parla_json_get_instant      (JsonObject         *object,
                                         const char         *name,
                                         gint64              fallback);
char      **parla_json_dup_strv         (JsonObject         *object,
                                         const char         *name);
JsonObject *parla_json_get_object       (JsonObject         *object,
                                         const char         *name);
JsonArray  *parla_json_get_array        (JsonObject         *object,
                                         const char         *name);

int         parla_enum_from_string      (const char * const *values,
                                         const char         *text);

/* Builder helpers: instants are written as RFC 3339 in UTC with "Z". */
void        parla_json_add_string       (JsonBuilder        *builder,
                                         const char         *name,
                                         const char         *value);
void        parla_json_add_int          (JsonBuilder        *builder,
                                         const char         *name,
                                         gint64              value);
void        parla_json_add_bool         (JsonBuilder        *builder,
                                         const char         *name,
                                         gboolean            value);
void        parla_json_add_instant      (JsonBuilder        *builder,
                                         const char         *name,
                                         gint64              value);
void        parla_json_add_strv         (JsonBuilder        *builder,
                                         const char         *name,
                                         const char * const *values);
void        parla_json_add_node         (JsonBuilder        *builder,
                                         const char         *name,
                                         JsonNode           *node);

G_END_DECLS
