/* parla-test-server.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdarg.h>
#include <string.h>
#include <glib/gstdio.h>

#include "parla-test-server.h"

static gint64
test_clock (gpointer user_data)
{
  PtServer *server = user_data;
  gint64 now;

  g_mutex_lock (&server->mutex);
  now = server->now;
  g_mutex_unlock (&server->mutex);

  return now != 0 ? now : parla_time_now ();
}

static gpointer
server_thread (gpointer data)
{
  PtServer *server = data;
  ParlaServer *instance;
  GError *error = NULL;

  g_main_context_push_thread_default (server->context);

  instance = parla_server_new (server->config, &error);
  if (instance != NULL)
    {
      parla_server_set_clock (instance, test_clock, server);
      if (!parla_server_listen (instance, &error))
        g_clear_object (&instance);
    }

  g_mutex_lock (&server->mutex);
  server->server = instance;
  server->error = error;
  if (instance != NULL)
    server->base_url = parla_server_dup_base_url (instance);
  server->ready = TRUE;
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->mutex);

  if (instance != NULL)
    {
      g_main_loop_run (server->loop);
      parla_server_shutdown (instance);
      g_assert_finalize_object (instance);
    }

  g_main_context_pop_thread_default (server->context);
  return NULL;
}

static PtServer *
start (char        *dir,
       PtConfigure  configure,
       gpointer     user_data)
{
  PtServer *server = g_new0 (PtServer, 1);
  g_autofree char *path = g_build_filename (dir, "parla.db", NULL);

  server->dir = dir;
  server->db_url = g_strconcat ("sqlite:", path, NULL);
  server->config = parla_server_config_new ();
  g_free (server->config->db_url);
  server->config->db_url = g_strdup (server->db_url);
  server->config->port = 0;
  server->config->worker_threads = 4;
  if (configure != NULL)
    configure (server->config, user_data);

  g_mutex_init (&server->mutex);
  g_cond_init (&server->cond);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("parla-test-server", server_thread, server);

  g_mutex_lock (&server->mutex);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->mutex);
  g_mutex_unlock (&server->mutex);

  if (server->error != NULL)
    g_error ("Cannot start the server: %s", server->error->message);

  return server;
}

PtServer *
pt_server_start (PtConfigure configure,
                 gpointer    user_data)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("parla-test-XXXXXX", &error);

  g_assert_no_error (error);
  return start (dir, configure, user_data);
}

PtServer *
pt_server_restart (PtServer    *old,
                   PtConfigure  configure,
                   gpointer     user_data)
{
  char *dir = g_steal_pointer (&old->dir);
  gint64 now = old->now;
  PtServer *server;

  pt_server_stop (old);
  server = start (dir, configure, user_data);
  server->now = now;

  return server;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

void
pt_server_stop (PtServer *server)
{
  if (server == NULL)
    return;

  if (server->server != NULL)
    {
      g_main_context_invoke (server->context, quit_cb, server->loop);
      g_thread_join (server->thread);
    }
  else
    g_thread_join (server->thread);

  if (server->dir != NULL)
    remove_tree (server->dir);

  g_free (server->dir);
  g_free (server->db_url);
  g_free (server->base_url);
  g_clear_error (&server->error);
  g_main_loop_unref (server->loop);
  g_main_context_unref (server->context);
  parla_server_config_free (server->config);
  g_mutex_clear (&server->mutex);
  g_cond_clear (&server->cond);
  g_free (server);
}

void
pt_server_set_now (PtServer *server,
                   gint64    now)
{
  g_mutex_lock (&server->mutex);
  server->now = now;
  g_mutex_unlock (&server->mutex);
}

gint64
pt_server_get_now (PtServer *server)
{
  return test_clock (server);
}

void
pt_server_set_delay (PtServer *server,
                     guint     milliseconds)
{
  parla_server_set_handler_delay (server->server, milliseconds);
}

PtResponse *
pt_request_raw (PtServer           *server,
                const char         *method,
                const char         *path,
                const char         *token,
                const char         *content_type,
                GBytes             *body,
                const char * const *headers)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = NULL;
  PtResponse *response;

  url = g_strconcat (server->base_url, path[0] == '/' ? path + 1 : path, NULL);
  msg = soup_message_new (method, url);
  g_assert_nonnull (msg);

  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  for (guint i = 0; headers != NULL && headers[i] != NULL && headers[i + 1] != NULL; i += 2)
    soup_message_headers_replace (soup_message_get_request_headers (msg), headers[i], headers[i + 1]);

  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);

  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  g_assert_no_error (error);

  response = g_new0 (PtResponse, 1);
  response->status = soup_message_get_status (msg);
  response->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  response->body = g_bytes_get_size (bytes) > 0
                   ? g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes))
                   : g_strdup ("");
  if (response->body[0] != '\0')
    {
      g_autoptr(JsonParser) parser = json_parser_new ();

      if (json_parser_load_from_data (parser, response->body, -1, NULL))
        response->json = json_node_ref (json_parser_get_root (parser));
    }

  return response;
}

PtResponse *
pt_request (PtServer   *server,
            const char *method,
            const char *path,
            const char *token,
            const char *json_body,
            ...)
{
  g_autoptr(GPtrArray) headers = g_ptr_array_new ();
  g_autoptr(GBytes) body = NULL;
  const char *name;
  va_list args;

  va_start (args, json_body);
  while ((name = va_arg (args, const char *)) != NULL)
    {
      g_ptr_array_add (headers, (gpointer) name);
      g_ptr_array_add (headers, va_arg (args, char *));
    }
  va_end (args);
  g_ptr_array_add (headers, NULL);

  if (json_body != NULL)
    body = g_bytes_new (json_body, strlen (json_body));

  return pt_request_raw (server, method, path, token, "application/json", body,
                         (const char * const *) headers->pdata);
}

void
pt_response_free (PtResponse *response)
{
  if (response == NULL)
    return;

  g_free (response->body);
  g_clear_pointer (&response->json, json_node_unref);
  g_clear_pointer (&response->headers, soup_message_headers_unref);
  g_free (response);
}

JsonNode *
pt_json_get (JsonNode   *root,
             const char *path)
{
  g_auto(GStrv) parts = g_strsplit (path, ".", -1);
  JsonNode *node = root;

  for (guint i = 0; parts[i] != NULL && node != NULL; i++)
    {
      char *bracket = strchr (parts[i], '[');
      g_autofree char *name = bracket ? g_strndup (parts[i], bracket - parts[i]) : g_strdup (parts[i]);

      if (*name != '\0')
        {
          if (!JSON_NODE_HOLDS_OBJECT (node))
            return NULL;
          node = json_object_get_member (json_node_get_object (node), name);
        }

      while (bracket != NULL && node != NULL)
        {
          guint index = (guint) g_ascii_strtoull (bracket + 1, NULL, 10);

          if (!JSON_NODE_HOLDS_ARRAY (node) || index >= json_array_get_length (json_node_get_array (node)))
            return NULL;
          node = json_array_get_element (json_node_get_array (node), index);
          bracket = strchr (bracket + 1, '[');
        }
    }

  return node;
}

const char *
pt_str (PtResponse *response,
        const char *path)
{
  JsonNode *node = response->json ? pt_json_get (response->json, path) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
pt_int (PtResponse *response,
        const char *path)
{
  JsonNode *node = response->json ? pt_json_get (response->json, path) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
    g_error ("%s is not an integer in %s", path, response->body);
  return json_node_get_int (node);
}

gboolean
pt_has (PtResponse *response,
        const char *path)
{
  JsonNode *node = response->json ? pt_json_get (response->json, path) : NULL;

  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

/* Tests write their bodies as literals with %s for values they made
 * themselves (ids, instants); never user-controlled text. */
char *
pt_json (const char *format,
         ...)
{
  va_list args;
  char *text;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  return text;
}

char *
pt_register (PtServer    *server,
             const char  *email,
             const char  *role,
             char       **out_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(PtResponse) response = NULL;
  g_autofree char *body = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, "correct horse battery");
  json_builder_set_member_name (builder, "display_name");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  body = json_to_string (node, FALSE);

  response = pt_request (server, "POST", "/api/v1/auth/register", NULL, body, NULL);
  pt_assert_status (response, 201);

  if (out_id != NULL)
    *out_id = g_strdup (pt_str (response, "user.id"));
  return g_strdup (pt_str (response, "token"));
}

char *
pt_instant (gint64 instant)
{
  return parla_time_format_rfc3339 (instant);
}
