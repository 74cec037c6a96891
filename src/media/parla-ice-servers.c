/* parla-ice-servers.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-ice-servers-private.h"

#include <string.h>

#include "parla-media-types.h"

/* The server hands out ICE servers the way browsers take them:
 *
 *   [{"urls": ["stun:stun.example:3478", "turn:turn.example?transport=tcp"],
 *     "username": "1767225600:user-id", "credential": "…"}]
 *
 * webrtcbin takes one stun://host:port and any number of
 * turn(s)://user:pass@host:port[?transport=udp|tcp]. libnice splits the
 * user-info at the first colon and unescapes both halves, so the user and
 * the password are percent-escaped; unescaped, a time-limited user name
 * (which has a colon) is cut in two and the TURN server answers 401. */

#define MAX_SERVERS  16
#define MAX_URLS     16
#define MAX_URL_LEN  512

static gboolean
is_host_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-' || c == '_';
}

/* Splits "host[:port][?transport=x]" (host may be "[v6]"). */
static gboolean
parse_host_port (const char  *rest,
                 guint        default_port,
                 char       **host,
                 guint       *port,
                 char       **transport)
{
  g_autofree char *copy = g_strdup (rest);
  char *query;
  char *port_str = NULL;
  char *p;

  *transport = NULL;

  query = strchr (copy, '?');
  if (query != NULL)
    {
      *query++ = '\0';
      if (g_str_equal (query, "transport=udp"))
        *transport = g_strdup ("udp");
      else if (g_str_equal (query, "transport=tcp"))
        *transport = g_strdup ("tcp");
      else
        return FALSE;
    }

  if (copy[0] == '[')
    {
      char *end = strchr (copy, ']');

      if (end == NULL || end == copy + 1)
        return FALSE;
      for (p = copy + 1; p < end; p++)
        if (!g_ascii_isxdigit (*p) && *p != ':' && *p != '.')
          return FALSE;
      if (end[1] == ':')
        port_str = end + 2;
      else if (end[1] != '\0')
        return FALSE;
      end[1] = '\0';
    }
  else
    {
      port_str = strchr (copy, ':');
      if (port_str != NULL)
        *port_str++ = '\0';
      if (copy[0] == '\0')
        return FALSE;
      for (p = copy; *p; p++)
        if (!is_host_char (*p))
          return FALSE;
    }

  *port = default_port;
  if (port_str != NULL)
    {
      guint64 value;

      if (!g_ascii_string_to_unsigned (port_str, 10, 1, 65535, &value, NULL))
        return FALSE;
      *port = value;
    }

  *host = g_strdup (copy);
  return TRUE;
}

static gboolean
add_url (const char  *url,
         const char  *username,
         const char  *credential,
         char       **stun_uri,
         GPtrArray   *turn_uris)
{
  g_autofree char *host = NULL;
  g_autofree char *transport = NULL;
  g_autofree char *user = NULL;
  g_autofree char *pass = NULL;
  const char *scheme;
  const char *rest;
  guint port;

  if (strlen (url) > MAX_URL_LEN)
    return FALSE;

  if (g_str_has_prefix (url, "stun:"))
    scheme = "stun", rest = url + 5;
  else if (g_str_has_prefix (url, "turn:"))
    scheme = "turn", rest = url + 5;
  else if (g_str_has_prefix (url, "turns:"))
    scheme = "turns", rest = url + 6;
  else
    return FALSE;  /* stuns: and anything newer: libnice has no use for it */

  /* Some servers write the URI form. */
  if (g_str_has_prefix (rest, "//"))
    rest += 2;

  if (!parse_host_port (rest, g_str_equal (scheme, "turns") ? 5349 : 3478,
                        &host, &port, &transport))
    return FALSE;

  if (g_str_equal (scheme, "stun"))
    {
      if (transport != NULL)
        return FALSE;
      if (*stun_uri == NULL)
        *stun_uri = g_strdup_printf ("stun://%s:%u", host, port);
      return TRUE;
    }

  if (username == NULL || credential == NULL)
    return FALSE;

  user = g_uri_escape_string (username, NULL, FALSE);
  pass = g_uri_escape_string (credential, NULL, FALSE);
  g_ptr_array_add (turn_uris,
                   g_strdup_printf ("%s://%s:%s@%s:%u%s%s", scheme, user, pass, host, port,
                                    transport ? "?transport=" : "",
                                    transport ? transport : ""));
  return TRUE;
}

/*
 * _parla_ice_servers_parse:
 * @servers: (nullable): the browser-shaped array
 * @stun_uri: (out) (transfer full) (nullable): the first STUN server
 * @turn_uris: (out) (transfer full): every TURN server, %NULL-terminated
 * @error: return location for a #GError
 *
 * Entries that are not of the browser shape fail the whole list; URLs of
 * schemes libnice cannot use are skipped.
 */
gboolean
_parla_ice_servers_parse (JsonNode   *servers,
                          char      **stun_uri,
                          char     ***turn_uris,
                          GError    **error)
{
  g_autoptr(GPtrArray) turns = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *stun = NULL;
  JsonArray *array;

  if (servers == NULL || JSON_NODE_HOLDS_NULL (servers))
    goto done;

  if (!JSON_NODE_HOLDS_ARRAY (servers))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                           "ICE servers are not an array");
      return FALSE;
    }

  array = json_node_get_array (servers);
  if (json_array_get_length (array) > MAX_SERVERS)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                   "More than %d ICE servers", MAX_SERVERS);
      return FALSE;
    }

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *entry = json_array_get_element (array, i);
      const char *username = NULL;
      const char *credential = NULL;
      JsonObject *object;
      JsonNode *urls;
      JsonNode *node;

      if (!JSON_NODE_HOLDS_OBJECT (entry))
        goto bad_entry;
      object = json_node_get_object (entry);

      node = json_object_get_member (object, "username");
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        {
          if (json_node_get_value_type (node) != G_TYPE_STRING)
            goto bad_entry;
          username = json_node_get_string (node);
        }

      node = json_object_get_member (object, "credential");
      if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
        {
          if (json_node_get_value_type (node) != G_TYPE_STRING)
            goto bad_entry;
          credential = json_node_get_string (node);
        }

      urls = json_object_get_member (object, "urls");
      if (urls == NULL)
        urls = json_object_get_member (object, "url");  /* the old spelling */
      if (urls == NULL)
        goto bad_entry;

      if (JSON_NODE_HOLDS_VALUE (urls) && json_node_get_value_type (urls) == G_TYPE_STRING)
        {
          if (!add_url (json_node_get_string (urls), username, credential, &stun, turns))
            g_debug ("Skipping ICE server URL %u", i);
        }
      else if (JSON_NODE_HOLDS_ARRAY (urls))
        {
          JsonArray *list = json_node_get_array (urls);

          if (json_array_get_length (list) > MAX_URLS)
            goto bad_entry;

          for (guint j = 0; j < json_array_get_length (list); j++)
            {
              JsonNode *url = json_array_get_element (list, j);

              if (!JSON_NODE_HOLDS_VALUE (url) || json_node_get_value_type (url) != G_TYPE_STRING)
                goto bad_entry;
              if (!add_url (json_node_get_string (url), username, credential, &stun, turns))
                g_debug ("Skipping ICE server URL %u.%u", i, j);
            }
        }
      else
        goto bad_entry;

      continue;

    bad_entry:
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                   "ICE server %u is not of the form {urls, username, credential}", i);
      return FALSE;
    }

done:
  g_ptr_array_add (turns, NULL);
  *stun_uri = g_steal_pointer (&stun);
  *turn_uris = (char **) g_ptr_array_steal (turns, NULL);
  return TRUE;
}
