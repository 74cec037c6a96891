/* parla-request.c: reading a request's parameters strictly
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-hub.h"
#include "parla-server-private.h"

#define DEFAULT_PAGE_LIMIT 20
#define MAX_PAGE_LIMIT 100

const char *
parla_request_param (ParlaRequest *req,
                     guint         index)
{
  g_return_val_if_fail (index < req->params->len, NULL);

  return g_ptr_array_index (req->params, index);
}

const char *
parla_request_query (ParlaRequest *req,
                     const char   *name)
{
  const char *value = g_hash_table_lookup (req->query, name);

  /* "?q=" reads as absent, so that forms can send empty fields. */
  if (value != NULL && *value == '\0')
    return NULL;
  return value;
}

JsonObject *
parla_request_body (ParlaRequest *req)
{
  if (req->json == NULL)
    return NULL;
  return json_node_get_object (req->json);
}

gboolean
parla_request_query_int (ParlaRequest  *req,
                         const char    *name,
                         gint64         min,
                         gint64         max,
                         gint64         fallback,
                         gint64        *out,
                         GError       **error)
{
  const char *text = parla_request_query (req, name);
  gint64 value;

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }

  if (!g_ascii_string_to_signed (text, 10, min, max, &value, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, name,
                       "“%s” must be a whole number between %" G_GINT64_FORMAT " and %" G_GINT64_FORMAT,
                       name, min, max);
      return FALSE;
    }

  *out = value;
  return TRUE;
}

gboolean
parla_request_query_bool (ParlaRequest  *req,
                          const char    *name,
                          int           *out,
                          GError       **error)
{
  const char *text = parla_request_query (req, name);

  if (text == NULL)
    *out = -1;
  else if (g_str_equal (text, "true"))
    *out = 1;
  else if (g_str_equal (text, "false"))
    *out = 0;
  else
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, name,
                       "“%s” must be true or false", name);
      return FALSE;
    }

  return TRUE;
}

gboolean
parla_request_query_instant (ParlaRequest  *req,
                             const char    *name,
                             gint64         fallback,
                             gint64        *out,
                             GError       **error)
{
  const char *text = parla_request_query (req, name);

  if (text == NULL)
    {
      *out = fallback;
      return TRUE;
    }

  if (!parla_time_parse_rfc3339 (text, out, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, name,
                       "“%s” must be an RFC 3339 date-time such as 2026-03-29T09:00:00Z", name);
      return FALSE;
    }

  return TRUE;
}

gboolean
parla_request_query_enum (ParlaRequest        *req,
                          const char          *name,
                          const char * const  *values,
                          int                 *out,
                          GError             **error)
{
  const char *text = parla_request_query (req, name);

  *out = -1;
  if (text == NULL)
    return TRUE;

  *out = parla_enum_from_string (values, text);
  if (*out < 0)
    {
      g_autofree char *allowed = g_strjoinv (", ", (char **) values);
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, name,
                       "“%s” must be one of %s", name, allowed);
      return FALSE;
    }

  return TRUE;
}

gboolean
parla_request_page (ParlaRequest  *req,
                    gint64        *page,
                    gint64        *limit,
                    GError       **error)
{
  return parla_request_query_int (req, "page", 1, 1000000, 1, page, error) &&
         parla_request_query_int (req, "limit", 1, MAX_PAGE_LIMIT, DEFAULT_PAGE_LIMIT, limit, error);
}

gboolean
parla_request_require_role (ParlaRequest  *req,
                            ParlaRole      role,
                            const char    *message,
                            GError       **error)
{
  if (req->user_id != NULL && (req->user_role == role || req->user_role == PARLA_ROLE_ADMIN))
    return TRUE;

  parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "%s", message);
  return FALSE;
}

/**
 * parla_request_list_response:
 * @items: (transfer full): JsonNode items
 *
 * Returns: `{"items":[...],"total":N,"page":P,"limit":L}`
 */
JsonNode *
parla_request_list_response (GPtrArray *items,
                             gint64     total,
                             gint64     page,
                             gint64     limit)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(GPtrArray) owned = items;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "items");
  json_builder_begin_array (builder);
  for (guint i = 0; i < owned->len; i++)
    json_builder_add_value (builder, json_node_ref (g_ptr_array_index (owned, i)));
  json_builder_end_array (builder);
  parla_json_add_int (builder, "total", total);
  parla_json_add_int (builder, "page", page);
  parla_json_add_int (builder, "limit", limit);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * parla_like_pattern:
 *
 * Returns: "%text%" lowercased, with %, _ and \ escaped for `LIKE ... ESCAPE '\'`
 */
char *
parla_like_pattern (const char *text)
{
  g_autofree char *lower = g_utf8_strdown (text, -1);
  GString *pattern = g_string_new ("%");

  for (const char *p = lower; *p != '\0'; p++)
    {
      if (*p == '%' || *p == '_' || *p == '\\')
        g_string_append_c (pattern, '\\');
      g_string_append_c (pattern, *p);
    }
  g_string_append_c (pattern, '%');

  return g_string_free (pattern, FALSE);
}

/**
 * parla_request_add_event:
 * @event: (transfer full): what to push once the transaction committed
 *
 * Events are dropped with the request when it fails or rolls back. An
 * event with a key replaces an earlier one with the same key, so that a
 * request moving one session's seats twice pushes only the final count.
 */
void
parla_request_add_event (ParlaRequest  *req,
                         ParlaHubEvent *event)
{
  if (req->events == NULL)
    req->events = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_hub_event_free);

  if (event->key != NULL)
    {
      for (guint i = 0; i < req->events->len; i++)
        {
          ParlaHubEvent *other = g_ptr_array_index (req->events, i);

          if (g_strcmp0 (other->key, event->key) == 0)
            {
              g_ptr_array_remove_index (req->events, i);
              break;
            }
        }
    }

  g_ptr_array_add (req->events, event);
}

#define MAX_WORDS 256

/**
 * parla_search_words:
 * @text: any text
 *
 * Splits @text into its distinct words, folded to lowercase: runs of
 * letters and digits in any script. Used both to index text and to read a
 * query, so the two always agree.
 *
 * Returns: (transfer full): the words, at most 256
 */
char **
parla_search_words (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autofree char *folded = g_utf8_strdown (text ? text : "", -1);
  GString *word = g_string_new (NULL);
  const char *p = folded;

  for (;;)
    {
      gunichar c = *p ? g_utf8_get_char (p) : 0;

      if (c != 0 && g_unichar_isalnum (c))
        {
          g_string_append_unichar (word, c);
        }
      else if (word->len > 0)
        {
          if (g_hash_table_size (seen) < MAX_WORDS && !g_hash_table_contains (seen, word->str))
            {
              g_hash_table_add (seen, g_strdup (word->str));
              g_strv_builder_add (builder, word->str);
            }
          g_string_truncate (word, 0);
        }

      if (c == 0)
        break;
      p = g_utf8_next_char (p);
    }

  g_string_free (word, TRUE);
  return g_strv_builder_end (builder);
}
