/* parla-error.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n-lib.h>

#include "parla-error.h"

typedef struct
{
  char *field;
  guint http_status;   /* the status a response came with, 0 when unknown */
} ParlaErrorPrivate;

static void
parla_error_private_init (ParlaErrorPrivate *priv)
{
  priv->field = NULL;
  priv->http_status = 0;
}

static void
parla_error_private_copy (const ParlaErrorPrivate *src,
                          ParlaErrorPrivate       *dest)
{
  dest->field = g_strdup (src->field);
  dest->http_status = src->http_status;
}

static void
parla_error_private_clear (ParlaErrorPrivate *priv)
{
  g_clear_pointer (&priv->field, g_free);
}

/* An extended error domain (GLib >= 2.68) so that every error can carry the
 * name of the offending field alongside its code. */
G_DEFINE_EXTENDED_ERROR (ParlaError, parla_error)

typedef struct
{
  const char *name;
  guint       http_status;
  const char *message;
} ErrorInfo;

static const ErrorInfo catalogue[PARLA_ERROR_N_CODES] = {
  [PARLA_ERROR_INTERNAL]               = { "internal", 500, N_("Something went wrong on the server") },
  [PARLA_ERROR_INVALID_INPUT]          = { "invalid_input", 400, N_("The request is not valid") },
  [PARLA_ERROR_UNAUTHORIZED]           = { "unauthorized", 401, N_("Please sign in again") },
  [PARLA_ERROR_FORBIDDEN]              = { "forbidden", 403, N_("You are not allowed to do this") },
  [PARLA_ERROR_NOT_FOUND]              = { "not_found", 404, N_("Not found") },
  [PARLA_ERROR_METHOD_NOT_ALLOWED]     = { "method_not_allowed", 405, N_("This action is not supported here") },
  [PARLA_ERROR_SLOT_TAKEN]             = { "slot_taken", 409, N_("Someone else has just booked this time") },
  [PARLA_ERROR_SLOT_UNAVAILABLE]       = { "slot_unavailable", 409, N_("This time is not available for booking") },
  [PARLA_ERROR_INVALID_STATE]          = { "invalid_state", 409, N_("This cannot be done any more") },
  [PARLA_ERROR_EMAIL_TAKEN]            = { "email_taken", 409, N_("An account with this email address already exists") },
  [PARLA_ERROR_IDEMPOTENCY_CONFLICT]   = { "idempotency_conflict", 409, N_("This request was already sent with different content") },
  [PARLA_ERROR_PAYLOAD_TOO_LARGE]      = { "payload_too_large", 413, N_("The request is too large") },
  [PARLA_ERROR_UNSUPPORTED_MEDIA_TYPE] = { "unsupported_media_type", 415, N_("The request must be JSON") },
  [PARLA_ERROR_RATE_LIMITED]           = { "rate_limited", 429, N_("Too many attempts, please wait a moment") },
  [PARLA_ERROR_UNAVAILABLE]            = { "unavailable", 503, N_("The service is temporarily unavailable") },
  [PARLA_ERROR_CONFLICT]               = { "conflict", 409, N_("This was already done") },
  [PARLA_ERROR_NETWORK]                = { "network", 0, N_("The server cannot be reached") },
};

const char *
parla_error_code_to_string (ParlaError code)
{
  if ((guint) code >= PARLA_ERROR_N_CODES)
    return catalogue[PARLA_ERROR_INTERNAL].name;
  return catalogue[code].name;
}

gboolean
parla_error_code_from_string (const char *name,
                              ParlaError *code)
{
  g_return_val_if_fail (code != NULL, FALSE);

  if (name == NULL)
    return FALSE;

  for (guint i = 0; i < PARLA_ERROR_N_CODES; i++)
    {
      if (g_str_equal (name, catalogue[i].name))
        {
          *code = (ParlaError) i;
          return TRUE;
        }
    }

  return FALSE;
}

guint
parla_error_code_http_status (ParlaError code)
{
  if ((guint) code >= PARLA_ERROR_N_CODES)
    return 500;
  return catalogue[code].http_status;
}

const char *
parla_error_code_default_message (ParlaError code)
{
  if ((guint) code >= PARLA_ERROR_N_CODES)
    code = PARLA_ERROR_INTERNAL;
  return g_dgettext (GETTEXT_PACKAGE, catalogue[code].message);
}

static GError *
new_valist (ParlaError  code,
            const char *field,
            const char *format,
            va_list     args)
{
  GError *error;
  ParlaErrorPrivate *priv;

  if (format != NULL)
    error = g_error_new_valist (PARLA_ERROR, code, format, args);
  else
    error = g_error_new_literal (PARLA_ERROR, code, parla_error_code_default_message (code));

  priv = parla_error_get_private (error);
  priv->field = g_strdup (field);

  return error;
}

/**
 * parla_set_error:
 * @error: (nullable): return location
 * @code: the catalogue code
 * @field: (nullable): the request field that caused the error
 * @format: (nullable): printf-style message, or %NULL for the default
 *
 * Sets @error to a #PARLA_ERROR carrying @field.
 */
void
parla_set_error (GError     **error,
                 ParlaError   code,
                 const char  *field,
                 const char  *format,
                 ...)
{
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  g_propagate_error (error, new_valist (code, field, format, args));
  va_end (args);
}

GError *
parla_error_new (ParlaError  code,
                 const char *field,
                 const char *format,
                 ...)
{
  GError *error;
  va_list args;

  va_start (args, format);
  error = new_valist (code, field, format, args);
  va_end (args);

  return error;
}

/**
 * parla_error_get_field:
 * @error: a #GError
 *
 * Returns: (nullable): the field named by a #PARLA_ERROR, or %NULL
 */
const char *
parla_error_get_field (const GError *error)
{
  ParlaErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain != PARLA_ERROR)
    return NULL;

  priv = parla_error_get_private (error);
  return priv ? priv->field : NULL;
}

/**
 * parla_error_get_http_status:
 * @error: a #GError
 *
 * The HTTP status of the response a #PARLA_ERROR was read from by
 * parla_error_from_json(). It tells apart errors that share a code, such
 * as "idempotency_conflict" with 409 (the first request is still running)
 * and 422 (the key was used for another request).
 *
 * Returns: the status, or 0 for errors not read from a response
 */
guint
parla_error_get_http_status (const GError *error)
{
  ParlaErrorPrivate *priv;

  g_return_val_if_fail (error != NULL, 0);

  if (error->domain != PARLA_ERROR)
    return 0;

  priv = parla_error_get_private (error);
  return priv ? priv->http_status : 0;
}

/**
 * parla_error_prefix_field:
 * @error: a #PARLA_ERROR
 * @prefix: e.g. "weekly[2]" or "materials"
 *
 * Turns the field "start" into "weekly[2].start", for errors found while
 * reading a nested object. An error without field gets @prefix as field.
 */
void
parla_error_prefix_field (GError     *error,
                          const char *prefix)
{
  ParlaErrorPrivate *priv;
  char *field;

  g_return_if_fail (error != NULL);

  if (error->domain != PARLA_ERROR || prefix == NULL || *prefix == '\0')
    return;

  priv = parla_error_get_private (error);
  if (priv->field == NULL || *priv->field == '\0')
    field = g_strdup (prefix);
  else if (priv->field[0] == '[')
    field = g_strconcat (prefix, priv->field, NULL);
  else
    field = g_strconcat (prefix, ".", priv->field, NULL);

  g_free (priv->field);
  priv->field = field;
}

/**
 * parla_error_to_json:
 * @error: any #GError; errors of other domains become "internal"
 *
 * Returns: (transfer full): `{"error":{"code","message","field"}}`
 */
JsonNode *
parla_error_to_json (const GError *error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  ParlaError code = PARLA_ERROR_INTERNAL;
  const char *message;
  const char *field = NULL;

  g_return_val_if_fail (error != NULL, NULL);

  if (error->domain == PARLA_ERROR)
    {
      code = (ParlaError) error->code;
      message = error->message;
      field = parla_error_get_field (error);
    }
  else
    {
      /* Never leak internal details (paths, SQL) to clients. */
      message = parla_error_code_default_message (code);
    }

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "code");
  json_builder_add_string_value (builder, parla_error_code_to_string (code));
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  json_builder_set_member_name (builder, "field");
  if (field != NULL)
    json_builder_add_string_value (builder, field);
  else
    json_builder_add_null_value (builder);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * parla_error_from_json:
 * @node: (nullable): a response body, possibly not an error document at all
 * @http_status: the HTTP status the body came with
 *
 * Turns an error response back into a #GError from the catalogue. A body
 * that is not a valid error document still gives an error, chosen from the
 * HTTP status. The error remembers @http_status, see
 * parla_error_get_http_status().
 *
 * Returns: (transfer full): a new #GError
 */
GError *
parla_error_from_json (JsonNode *node,
                       guint     http_status)
{
  JsonObject *root;
  JsonObject *err;
  JsonNode *member;
  ParlaError code = PARLA_ERROR_INTERNAL;
  const char *message = NULL;
  const char *field = NULL;
  gboolean known = FALSE;
  GError *error;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
      (root = json_node_get_object (node)) != NULL &&
      (member = json_object_get_member (root, "error")) != NULL &&
      JSON_NODE_HOLDS_OBJECT (member))
    {
      err = json_node_get_object (member);

      member = json_object_get_member (err, "code");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        known = parla_error_code_from_string (json_node_get_string (member), &code);

      member = json_object_get_member (err, "message");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        message = json_node_get_string (member);

      member = json_object_get_member (err, "field");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        field = json_node_get_string (member);
    }

  if (!known)
    {
      code = PARLA_ERROR_INTERNAL;
      for (guint i = 0; i < PARLA_ERROR_N_CODES; i++)
        {
          if (catalogue[i].http_status == http_status)
            {
              code = (ParlaError) i;
              break;
            }
        }
    }

  if (message != NULL)
    error = parla_error_new (code, field, "%s", message);
  else
    error = parla_error_new (code, field, NULL);
  parla_error_get_private (error)->http_status = http_status;

  return error;
}
