/* parla-core-private.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-core-private.h"
#include "parla-error.h"

/* Sets a string field; TRUE when the value changed (and a notify is due). */
gboolean
_parla_replace_string (char       **field,
                       const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;

  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

/* An ISO 639 code: two or three lowercase ASCII letters ("en", "fil"). */
gboolean
_parla_is_language_code (const char *code)
{
  gsize len = code ? strlen (code) : 0;

  if (len < 2 || len > 3)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (code[i] < 'a' || code[i] > 'z')
      return FALSE;

  return TRUE;
}

gboolean
_parla_check_language (const char  *language,
                       GError     **error)
{
  if (!_parla_is_language_code (language))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "language",
                       "“language” must be an ISO 639 code such as “en” or “fil”");
      return FALSE;
    }

  return TRUE;
}

gboolean
_parla_check_title (const char  *title,
                    GError     **error)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (title ? title : ""));

  if (*trimmed == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "title", "“title” must not be blank");
      return FALSE;
    }

  return TRUE;
}

/* Reads the optional "materials" member; absent or null is empty. */
ParlaMaterials *
_parla_read_materials (JsonObject  *object,
                       GError     **error)
{
  JsonNode *member = json_object_get_member (object, "materials");
  g_autoptr(GError) local_error = NULL;
  ParlaMaterials *materials;

  if (member == NULL || JSON_NODE_HOLDS_NULL (member))
    return parla_materials_new_empty ();

  materials = parla_materials_new_from_json (member, &local_error);
  if (materials == NULL)
    {
      parla_error_prefix_field (local_error, "materials");
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return materials;
}
