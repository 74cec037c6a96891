/* parla-json.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-error.h"
#include "parla-json.h"
#include "parla-time.h"

#define MAX_ARRAY_ITEM_CHARS 200
#define MAX_ID_CHARS 64

/**
 * parla_json_parse:
 * @data: the bytes received
 * @length: their length, or -1 if nul-terminated
 *
 * Returns: (transfer full) (nullable): the root node, or %NULL with an
 *   `invalid_input` error
 */
JsonNode *
parla_json_parse (const char  *data,
                  gssize       length,
                  GError     **error)
{
  g_autoptr(JsonParser) parser = json_parser_new_immutable ();
  g_autoptr(GError) local_error = NULL;
  JsonNode *root;

  if (data == NULL || length == 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "The request body is empty");
      return NULL;
    }

  if (length < 0)
    length = strlen (data);

  if (!g_utf8_validate (data, length, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "The body is not valid UTF-8");
      return NULL;
    }

  if (!json_parser_load_from_data (parser, data, length, &local_error))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                       "Malformed JSON: %s", local_error->message);
      return NULL;
    }

  root = json_parser_get_root (parser);
  if (root == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "The body holds no JSON value");
      return NULL;
    }

  return json_node_ref (root);
}

char *
parla_json_to_string (JsonNode *node)
{
  g_return_val_if_fail (node != NULL, NULL);

  return json_to_string (node, FALSE);
}

GBytes *
parla_json_to_bytes (JsonNode *node)
{
  char *text = parla_json_to_string (node);

  return g_bytes_new_take (text, strlen (text));
}

static const char *
type_name (ParlaFieldType type)
{
  switch (type)
    {
    case PARLA_FIELD_STRING:
    case PARLA_FIELD_ID:
    case PARLA_FIELD_ENUM:
      return "a string";
    case PARLA_FIELD_INT:
      return "an integer";
    case PARLA_FIELD_BOOL:
      return "true or false";
    case PARLA_FIELD_INSTANT:
      return "an RFC 3339 date-time string";
    case PARLA_FIELD_STRING_ARRAY:
      return "an array of strings";
    case PARLA_FIELD_ARRAY:
      return "an array";
    case PARLA_FIELD_OBJECT:
      return "an object";
    default:
      g_assert_not_reached ();
    }
}

static gboolean
node_is_string (JsonNode *node)
{
  return JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING;
}

static gboolean
check_string_length (const ParlaField  *field,
                     const char        *value,
                     gint64             min,
                     gint64             max,
                     GError           **error)
{
  glong chars = g_utf8_strlen (value, -1);

  if (chars < min)
    {
      if (min == 1)
        parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                         "“%s” must not be empty", field->name);
      else
        parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                         "“%s” needs at least %" G_GINT64_FORMAT " characters",
                         field->name, min);
      return FALSE;
    }

  if (max > 0 && chars > max)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                       "“%s” may have at most %" G_GINT64_FORMAT " characters",
                       field->name, max);
      return FALSE;
    }

  return TRUE;
}

static gboolean
check_member (const ParlaField  *field,
              JsonNode          *node,
              GError           **error)
{
  switch (field->type)
    {
    case PARLA_FIELD_STRING:
    case PARLA_FIELD_ID:
      if (!node_is_string (node))
        break;
      return check_string_length (field, json_node_get_string (node),
                                  field->type == PARLA_FIELD_ID ? 1 : field->min,
                                  field->type == PARLA_FIELD_ID ? MAX_ID_CHARS : field->max,
                                  error);

    case PARLA_FIELD_INT:
      {
        gint64 value;

        if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
          break;

        value = json_node_get_int (node);
        if (value < field->min || (field->max > field->min && value > field->max))
          {
            if (field->max > field->min)
              parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                               "“%s” must be between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                               field->name, field->min, field->max);
            else
              parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                               "“%s” must be at least %" G_GINT64_FORMAT, field->name, field->min);
            return FALSE;
          }
        return TRUE;
      }

    case PARLA_FIELD_BOOL:
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
        break;
      return TRUE;

    case PARLA_FIELD_ENUM:
      if (!node_is_string (node))
        break;
      if (parla_enum_from_string (field->values, json_node_get_string (node)) < 0)
        {
          g_autofree char *allowed = g_strjoinv ("”, “", (char **) field->values);
          parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                           "“%s” must be one of “%s”", field->name, allowed);
          return FALSE;
        }
      return TRUE;

    case PARLA_FIELD_INSTANT:
      {
        gint64 instant;

        if (!node_is_string (node))
          break;
        if (!parla_time_parse_rfc3339 (json_node_get_string (node), &instant, NULL))
          {
            parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                             "“%s” must be an RFC 3339 date-time such as 2026-03-29T09:00:00Z",
                             field->name);
            return FALSE;
          }
        return TRUE;
      }

    case PARLA_FIELD_STRING_ARRAY:
    case PARLA_FIELD_ARRAY:
      {
        JsonArray *array;
        guint n;

        if (!JSON_NODE_HOLDS_ARRAY (node))
          break;

        array = json_node_get_array (node);
        n = json_array_get_length (array);

        if (n < field->min || (field->max > 0 && n > field->max))
          {
            parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                             "“%s” must have between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT " items",
                             field->name, field->min, field->max);
            return FALSE;
          }

        if (field->type == PARLA_FIELD_ARRAY)
          return TRUE;

        for (guint i = 0; i < n; i++)
          {
            JsonNode *item = json_array_get_element (array, i);

            if (!node_is_string (item) ||
                g_utf8_strlen (json_node_get_string (item), -1) > MAX_ARRAY_ITEM_CHARS ||
                *json_node_get_string (item) == '\0')
              {
                g_autofree char *name = g_strdup_printf ("%s[%u]", field->name, i);
                parla_set_error (error, PARLA_ERROR_INVALID_INPUT, name,
                                 "“%s” must be a non-empty string of at most %d characters",
                                 name, MAX_ARRAY_ITEM_CHARS);
                return FALSE;
              }
          }
        return TRUE;
      }

    case PARLA_FIELD_OBJECT:
      if (!JSON_NODE_HOLDS_OBJECT (node))
        break;
      return TRUE;

    default:
      g_assert_not_reached ();
    }

  parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                   "“%s” must be %s", field->name, type_name (field->type));
  return FALSE;
}

/**
 * parla_json_check_object:
 * @object: the object to check
 * @fields: (array length=n_fields): the static field table
 * @mode: whether this is a request body or a resource from the server
 *
 * Checks every member named in @fields: presence, type, range and enum
 * value. Members not in the table are ignored, so that newer peers can
 * extend the protocol. The error names the first offending field.
 */
gboolean
parla_json_check_object (JsonObject        *object,
                         const ParlaField  *fields,
                         guint              n_fields,
                         ParlaJsonMode      mode,
                         GError           **error)
{
  g_return_val_if_fail (object != NULL, FALSE);

  for (guint i = 0; i < n_fields; i++)
    {
      const ParlaField *field = &fields[i];
      JsonNode *member;

      if ((field->flags & PARLA_FIELD_SERVER) && mode == PARLA_JSON_INPUT)
        continue;

      member = json_object_get_member (object, field->name);

      if (member == NULL || JSON_NODE_HOLDS_NULL (member))
        {
          if (member != NULL && (field->flags & PARLA_FIELD_NULLABLE))
            continue;

          if (member == NULL && !(field->flags & PARLA_FIELD_REQUIRED))
            continue;

          if (member == NULL)
            parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                             "“%s” is required", field->name);
          else
            parla_set_error (error, PARLA_ERROR_INVALID_INPUT, field->name,
                             "“%s” must not be null", field->name);
          return FALSE;
        }

      if (!check_member (field, member, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * parla_json_check:
 *
 * Like parla_json_check_object(), for a node that must hold an object.
 */
gboolean
parla_json_check (JsonNode          *node,
                  const ParlaField  *fields,
                  guint              n_fields,
                  ParlaJsonMode      mode,
                  GError           **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "Expected a JSON object");
      return FALSE;
    }

  return parla_json_check_object (json_node_get_object (node), fields, n_fields, mode, error);
}

static JsonNode *
get_member (JsonObject *object,
            const char *name)
{
  JsonNode *member;

  if (object == NULL)
    return NULL;

  member = json_object_get_member (object, name);
  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return NULL;

  return member;
}

gboolean
parla_json_has (JsonObject *object,
                const char *name)
{
  return get_member (object, name) != NULL;
}

const char *
parla_json_get_string (JsonObject *object,
                       const char *name,
                       const char *fallback)
{
  JsonNode *member = get_member (object, name);

  if (member == NULL || !node_is_string (member))
    return fallback;

  return json_node_get_string (member);
}

gint64
parla_json_get_int (JsonObject *object,
                    const char *name,
                    gint64      fallback)
{
  JsonNode *member = get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_INT64)
    return fallback;

  return json_node_get_int (member);
}

gboolean
parla_json_get_bool (JsonObject *object,
                     const char *name,
                     gboolean    fallback)
{
  JsonNode *member = get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) ||
      json_node_get_value_type (member) != G_TYPE_BOOLEAN)
    return fallback;

  return json_node_get_boolean (member);
}

int
parla_json_get_enum (JsonObject         *object,
                     const char         *name,
                     const char * const *values,
                     int                 fallback)
{
  const char *text = parla_json_get_string (object, name, NULL);
  int value;

  if (text == NULL)
    return fallback;

  value = parla_enum_from_string (values, text);
  return value < 0 ? fallback : value;
}

gint64
parla_json_get_instant (JsonObject *object,
                        const char *name,
                        gint64      fallback)
{
  const char *text = parla_json_get_string (object, name, NULL);
  gint64 instant;

  if (text == NULL || !parla_time_parse_rfc3339 (text, &instant, NULL))
    return fallback;

  return instant;
}

/**
 * parla_json_dup_strv:
 *
 * Returns: (transfer full): the strings of an array member; an empty
 *   vector when absent
 */
char **
parla_json_dup_strv (JsonObject *object,
                     const char *name)
{
  JsonNode *member = get_member (object, name);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();

  if (member != NULL && JSON_NODE_HOLDS_ARRAY (member))
    {
      JsonArray *array = json_node_get_array (member);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *item = json_array_get_element (array, i);
          if (node_is_string (item))
            g_strv_builder_add (builder, json_node_get_string (item));
        }
    }

  return g_strv_builder_end (builder);
}

JsonObject *
parla_json_get_object (JsonObject *object,
                       const char *name)
{
  JsonNode *member = get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_OBJECT (member))
    return NULL;

  return json_node_get_object (member);
}

JsonArray *
parla_json_get_array (JsonObject *object,
                      const char *name)
{
  JsonNode *member = get_member (object, name);

  if (member == NULL || !JSON_NODE_HOLDS_ARRAY (member))
    return NULL;

  return json_node_get_array (member);
}

/**
 * parla_enum_from_string:
 * @values: %NULL-terminated wire names, indexed by enum value
 *
 * Returns: the index of @text in @values, or -1
 */
int
parla_enum_from_string (const char * const *values,
                        const char         *text)
{
  if (values == NULL || text == NULL)
    return -1;

  for (int i = 0; values[i] != NULL; i++)
    if (g_str_equal (values[i], text))
      return i;

  return -1;
}

void
parla_json_add_string (JsonBuilder *builder,
                       const char  *name,
                       const char  *value)
{
  json_builder_set_member_name (builder, name);
  if (value != NULL)
    json_builder_add_string_value (builder, value);
  else
    json_builder_add_null_value (builder);
}

void
parla_json_add_int (JsonBuilder *builder,
                    const char  *name,
                    gint64       value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_int_value (builder, value);
}

void
parla_json_add_bool (JsonBuilder *builder,
                     const char  *name,
                     gboolean     value)
{
  json_builder_set_member_name (builder, name);
  json_builder_add_boolean_value (builder, value);
}

void
parla_json_add_instant (JsonBuilder *builder,
                        const char  *name,
                        gint64       value)
{
  g_autofree char *text = parla_time_format_rfc3339 (value);

  json_builder_set_member_name (builder, name);
  json_builder_add_string_value (builder, text);
}

void
parla_json_add_strv (JsonBuilder        *builder,
                     const char         *name,
                     const char * const *values)
{
  json_builder_set_member_name (builder, name);
  json_builder_begin_array (builder);
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    json_builder_add_string_value (builder, values[i]);
  json_builder_end_array (builder);
}

void
parla_json_add_node (JsonBuilder *builder,
                     const char  *name,
                     JsonNode    *node)
{
  json_builder_set_member_name (builder, name);
  if (node != NULL)
    json_builder_add_value (builder, json_node_ref (node));
  else
    json_builder_add_null_value (builder);
}
