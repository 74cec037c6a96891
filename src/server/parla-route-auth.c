/* parla-route-auth.c: register, login, logout, me
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-hub.h"
#include "parla-server-private.h"

static const char * const registrable_roles[] = { "student", "teacher", NULL };

static const ParlaField register_fields[] = {
  { "email", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 3, 254 },
  { "password", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 8, 128 },
  { "display_name", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 80 },
  { "role", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, registrable_roles },
};

static const ParlaField login_fields[] = {
  { "email", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 254 },
  { "password", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 128 },
};

static JsonNode *
user_json (const char *id,
           const char *email,
           const char *display_name,
           ParlaRole   role)
{
  g_autoptr(ParlaUser) user = g_object_new (PARLA_TYPE_USER,
                                            "id", id,
                                            "email", email,
                                            "display-name", display_name,
                                            "role", role,
                                            NULL);

  return parla_user_to_json (user);
}

static JsonNode *
session_response (JsonNode   *user,
                  const char *token)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_node (builder, "user", user);
  parla_json_add_string (builder, "token", token);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static char *
normalize_email (const char *email)
{
  g_autofree char *trimmed = g_strstrip (g_strdup (email));

  return g_utf8_strdown (trimmed, -1);
}

static JsonNode *
handle_register (ParlaRequest  *req,
                 GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autofree char *email = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *id = NULL;
  g_autofree char *token = NULL;
  g_autoptr(JsonNode) user = NULL;
  ParlaRole role;
  gint64 changed;

  if (!parla_json_check_object (body, register_fields, G_N_ELEMENTS (register_fields),
                                PARLA_JSON_INPUT, error))
    return NULL;

  email = normalize_email (parla_json_get_string (body, "email", ""));
  if (!parla_check_email (email, error))
    return NULL;

  display_name = g_strstrip (g_strdup (parla_json_get_string (body, "display_name", "")));
  if (*display_name == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "display_name", "“display_name” must not be blank");
      return NULL;
    }

  role = parla_enum_from_string (parla_role_names, parla_json_get_string (body, "role", ""));

  /* The expensive part runs before any lock is taken. */
  hash = parla_auth_hash_password (req->config, parla_json_get_string (body, "password", ""), error);
  if (hash == NULL)
    return NULL;

  id = parla_db_new_id ();

  if (!parla_db_begin_write (req->db, error))
    return NULL;

  changed = parla_db_exec (req->db, error,
                           "INSERT INTO users (id, email, password_hash, display_name, role, created_at) "
                           "VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (email) DO NOTHING",
                           PARLA_DB_TEXT, id,
                           PARLA_DB_TEXT, email,
                           PARLA_DB_TEXT, hash,
                           PARLA_DB_TEXT, display_name,
                           PARLA_DB_TEXT, parla_role_names[role],
                           PARLA_DB_INT, req->now,
                           PARLA_DB_END);
  if (changed < 0)
    goto fail;

  if (changed == 0)
    {
      parla_set_error (error, PARLA_ERROR_EMAIL_TAKEN, "email", NULL);
      goto fail;
    }

  if (role == PARLA_ROLE_TEACHER &&
      parla_db_exec (req->db, error,
                     "INSERT INTO teacher_profiles (user_id, updated_at) VALUES ($1, $2)",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    goto fail;

  if (!parla_auth_create_token (req, id, &token, error))
    goto fail;

  if (!parla_db_commit (req->db, error))
    return NULL;

  req->status = 201;
  user = user_json (id, email, display_name, role);
  return session_response (user, token);

fail:
  parla_db_rollback (req->db);
  return NULL;
}

static JsonNode *
handle_login (ParlaRequest  *req,
              GError       **error)
{
  JsonObject *body = parla_request_body (req);
  ParlaLoginLimiter *limiter = _parla_server_get_login_limiter (req->server);
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonNode) user = NULL;
  g_autofree char *email = NULL;
  g_autofree char *id = NULL;
  g_autofree char *hash = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *token = NULL;
  ParlaRole role = PARLA_ROLE_STUDENT;

  if (!parla_json_check_object (body, login_fields, G_N_ELEMENTS (login_fields),
                                PARLA_JSON_INPUT, error))
    return NULL;

  email = normalize_email (parla_json_get_string (body, "email", ""));

  if (!parla_login_limiter_allowed (limiter, email, req->remote_address, req->now))
    {
      parla_set_error (error, PARLA_ERROR_RATE_LIMITED, NULL,
                       "Too many failed sign-in attempts, please try again later");
      return NULL;
    }

  rows = parla_db_query (req->db, error,
                         "SELECT id, password_hash, display_name, role FROM users WHERE email = $1",
                         PARLA_DB_TEXT, email,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (parla_db_rows_next (rows))
    {
      id = parla_db_rows_dup_text (rows, 0);
      hash = parla_db_rows_dup_text (rows, 1);
      display_name = parla_db_rows_dup_text (rows, 2);
      role = MAX (0, parla_enum_from_string (parla_role_names, parla_db_rows_get_text (rows, 3)));
    }
  g_clear_pointer (&rows, parla_db_rows_free);

  if (hash == NULL)
    parla_auth_burn_verify (req->config);

  if (hash == NULL || !parla_auth_verify_password (hash, parla_json_get_string (body, "password", "")))
    {
      parla_login_limiter_failed (limiter, email, req->remote_address, req->now);
      parla_set_error (error, PARLA_ERROR_UNAUTHORIZED, NULL, "The email or password is not correct");
      return NULL;
    }

  if (!parla_db_begin_write (req->db, error))
    return NULL;

  if (!parla_auth_create_token (req, id, &token, error))
    {
      parla_db_rollback (req->db);
      return NULL;
    }

  if (!parla_db_commit (req->db, error))
    return NULL;

  user = user_json (id, email, display_name, role);
  return session_response (user, token);
}

static JsonNode *
handle_logout (ParlaRequest  *req,
               GError       **error)
{
  if (parla_db_exec (req->db, error,
                     "UPDATE auth_tokens SET revoked_at = $2 WHERE token_hash = $1 AND revoked_at IS NULL",
                     PARLA_DB_TEXT, req->token_hash,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  /* Sockets signed in with this token close at once. */
  parla_request_add_event (req, parla_hub_event_new_revoke (req->token_hash));

  req->status = 204;
  return NULL;
}

static JsonNode *
handle_me (ParlaRequest  *req,
           GError       **error)
{
  return user_json (req->user_id, req->user_email, req->user_name, req->user_role);
}

const ParlaRoute parla_auth_routes[] = {
  { "POST", "/api/v1/auth/register", handle_register, PARLA_ROUTE_OWN_TXN | PARLA_ROUTE_BODY },
  { "POST", "/api/v1/auth/login", handle_login, PARLA_ROUTE_OWN_TXN | PARLA_ROUTE_BODY },
  { "POST", "/api/v1/auth/logout", handle_logout, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "GET", "/api/v1/me", handle_me, PARLA_ROUTE_AUTH },
  { NULL }
};
