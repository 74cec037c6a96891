/* parla-test-server.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <poll.h>
#include <unistd.h>
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
      /* config->demo: the catalogue `parla-server --demo` seeds. */
      if ((server->config->demo && !parla_server_seed_demo (instance, &error)) ||
          !parla_server_listen (instance, &error))
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

/* WebSocket clients */

static void
on_ws_message_cb (SoupWebsocketConnection *conn,
                  int                      type,
                  GBytes                  *message,
                  PtWs                    *ws)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  gsize length;
  const char *data = g_bytes_get_data (message, &length);

  g_assert_cmpint (type, ==, SOUP_WEBSOCKET_DATA_TEXT);
  if (!json_parser_load_from_data (parser, data, length, NULL))
    g_error ("The server sent something that is not JSON: %.*s", (int) length, data);
  g_queue_push_tail (&ws->messages, json_node_ref (json_parser_get_root (parser)));
}

static void
on_ws_closed_cb (SoupWebsocketConnection *conn,
                 PtWs                    *ws)
{
  ws->closed = TRUE;
  ws->close_code = soup_websocket_connection_get_close_code (conn);
  ws->close_data = g_strdup (soup_websocket_connection_get_close_data (conn));
}

typedef struct
{
  gboolean                 done;
  SoupWebsocketConnection *conn;
  GError                  *error;
} Connecting;

static void
on_connected_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  Connecting *connecting = user_data;

  connecting->conn = soup_session_websocket_connect_finish (SOUP_SESSION (source), result, &connecting->error);
  connecting->done = TRUE;
}

PtWs *
pt_ws_try_connect (PtServer   *server,
                   const char *token,
                   const char *query,
                   const char *origin,
                   guint      *out_status)
{
  g_autoptr(SoupMessage) msg = NULL;
  g_autofree char *url = NULL;
  Connecting connecting = { FALSE, NULL, NULL };
  PtWs *ws;

  url = g_strconcat (server->base_url, "api/v1/ws", query ? "?" : "", query ? query : "", NULL);
  msg = soup_message_new ("GET", url);
  g_assert_nonnull (msg);
  if (token != NULL)
    {
      g_autofree char *value = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", value);
    }

  ws = g_new0 (PtWs, 1);
  ws->session = soup_session_new ();
  soup_session_websocket_connect_async (ws->session, msg, origin, NULL, G_PRIORITY_DEFAULT, NULL,
                                        on_connected_cb, &connecting);
  while (!connecting.done)
    g_main_context_iteration (NULL, TRUE);

  if (out_status != NULL)
    *out_status = soup_message_get_status (msg);

  if (connecting.conn == NULL)
    {
      g_clear_error (&connecting.error);
      pt_ws_free (ws);
      return NULL;
    }

  ws->conn = connecting.conn;
  g_signal_connect (ws->conn, "message", G_CALLBACK (on_ws_message_cb), ws);
  g_signal_connect (ws->conn, "closed", G_CALLBACK (on_ws_closed_cb), ws);
  if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_CLOSED)
    on_ws_closed_cb (ws->conn, ws);

  return ws;
}

PtWs *
pt_ws_connect (PtServer   *server,
               const char *token)
{
  guint status = 0;
  PtWs *ws = pt_ws_try_connect (server, token, NULL, NULL, &status);
  g_autoptr(JsonNode) welcome = NULL;

  if (ws == NULL)
    g_error ("WebSocket refused with HTTP %u", status);

  welcome = pt_ws_wait (ws, "welcome", 10000);
  ws->user_id = g_strdup (pt_node_str (welcome, "user.id"));

  return ws;
}

void
pt_ws_send (PtWs       *ws,
            const char *text)
{
  g_assert_nonnull (ws->conn);
  g_assert_cmpint (soup_websocket_connection_get_state (ws->conn), ==, SOUP_WEBSOCKET_STATE_OPEN);

  soup_websocket_connection_send_text (ws->conn, text);
}

void
pt_ws_sendf (PtWs       *ws,
             const char *format,
             ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);

  pt_ws_send (ws, text);
}

static gboolean
on_timeout_cb (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

static gboolean
matches (JsonNode   *node,
         const char *type,
         const char *path,
         const char *value)
{
  if (type != NULL && g_strcmp0 (pt_node_str (node, "type"), type) != 0)
    return FALSE;
  if (path != NULL && g_strcmp0 (pt_node_str (node, path), value) != 0)
    return FALSE;
  return TRUE;
}

JsonNode *
pt_ws_wait_for (PtWs       *ws,
                const char *type,
                const char *path,
                const char *value,
                guint       timeout_ms)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timeout, on_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);

  for (;;)
    {
      for (GList *l = ws->messages.head; l != NULL; l = l->next)
        {
          if (matches (l->data, type, path, value))
            {
              JsonNode *node = l->data;

              g_queue_delete_link (&ws->messages, l);
              g_source_destroy (timeout);
              g_source_unref (timeout);
              return node;
            }
        }

      if (timed_out)
        {
          GString *queued = g_string_new (NULL);

          for (GList *l = ws->messages.head; l != NULL; l = l->next)
            {
              g_autofree char *text = json_to_string (l->data, FALSE);
              g_string_append_printf (queued, "\n  %s", text);
            }
          g_error ("No “%s” message (%s = %s) within %u ms; queued:%s", type ? type : "(any)",
                   path ? path : "-", value ? value : "-", timeout_ms, queued->str);
        }

      g_main_context_iteration (NULL, TRUE);
    }
}

JsonNode *
pt_ws_wait (PtWs       *ws,
            const char *type,
            guint       timeout_ms)
{
  return pt_ws_wait_for (ws, type, NULL, NULL, timeout_ms);
}

guint
pt_ws_count (PtWs       *ws,
             const char *type)
{
  guint n = 0;

  for (GList *l = ws->messages.head; l != NULL; l = l->next)
    if (matches (l->data, type, NULL, NULL))
      n++;

  return n;
}

void
pt_ws_spin (guint ms)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new (ms);

  g_source_set_callback (timeout, on_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);
  while (!timed_out)
    g_main_context_iteration (NULL, TRUE);
  g_source_unref (timeout);
}

gushort
pt_ws_wait_closed (PtWs  *ws,
                   guint  timeout_ms)
{
  gboolean timed_out = FALSE;
  GSource *timeout = g_timeout_source_new (timeout_ms);

  g_source_set_callback (timeout, on_timeout_cb, &timed_out, NULL);
  g_source_attach (timeout, NULL);

  while (!ws->closed && !timed_out)
    g_main_context_iteration (NULL, TRUE);

  g_source_destroy (timeout);
  g_source_unref (timeout);

  if (!ws->closed)
    g_error ("The server did not close the WebSocket within %u ms", timeout_ms);

  return ws->close_code;
}

void
pt_ws_free (PtWs *ws)
{
  if (ws == NULL)
    return;

  if (ws->conn != NULL)
    {
      if (soup_websocket_connection_get_state (ws->conn) == SOUP_WEBSOCKET_STATE_OPEN)
        {
          soup_websocket_connection_close (ws->conn, SOUP_WEBSOCKET_CLOSE_NORMAL, NULL);
          pt_ws_wait_closed (ws, 10000);
        }
      else if (!ws->closed)
        pt_ws_wait_closed (ws, 10000);
      g_signal_handlers_disconnect_by_data (ws->conn, ws);
      g_clear_object (&ws->conn);
    }

  g_queue_clear_full (&ws->messages, (GDestroyNotify) json_node_unref);
  g_clear_object (&ws->session);
  g_free (ws->close_data);
  g_free (ws->user_id);
  g_free (ws);
}

const char *
pt_node_str (JsonNode   *node,
             const char *path)
{
  JsonNode *member = pt_json_get (node, path);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (member);
}

gint64
pt_node_int (JsonNode   *node,
             const char *path)
{
  JsonNode *member = pt_json_get (node, path);

  if (member == NULL || !JSON_NODE_HOLDS_VALUE (member) || json_node_get_value_type (member) != G_TYPE_INT64)
    {
      g_autofree char *text = json_to_string (node, FALSE);
      g_error ("%s is not an integer in %s", path, text);
    }
  return json_node_get_int (member);
}

static gboolean
on_wakeup_cb (gpointer data)
{
  return G_SOURCE_REMOVE;
}

void
pt_iterate (void)
{
  GSource *wakeup = g_timeout_source_new (50);

  g_source_set_callback (wakeup, on_wakeup_cb, NULL, NULL);
  g_source_attach (wakeup, g_main_context_get_thread_default ());
  g_main_context_iteration (g_main_context_get_thread_default (), TRUE);
  g_source_destroy (wakeup);
  g_source_unref (wakeup);
}

/* The server binary in a subprocess */

static gboolean
port_is_free (guint port)
{
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, port);
  g_autoptr(GSocket) socket = NULL;
  gboolean bound;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_assert_nonnull (socket);
  bound = g_socket_bind (socket, address, TRUE, NULL);
  g_socket_close (socket, NULL);

  return bound;
}

/* Ports below the ephemeral range (32768 and up on Linux): a client's
 * connection to a server that is down can never be given this port as
 * its own, so the server can always have it back. */
guint
pt_free_port (void)
{
  for (guint i = 0; i < 1000; i++)
    {
      guint port = (guint) g_random_int_range (20000, 32000);

      if (port_is_free (port))
        return port;
    }

  g_error ("No free port");
  return 0;
}

/* In the child: a test that dies (a failed assertion aborts) takes its
 * servers with it. */
void
pt_child_setup (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

/* Spawns the server; FALSE when it did not come to listen. */
static gboolean
spawn_process (PtProcess *process)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", process->port);
  g_autofree char *line = NULL;
  const char *exe = g_getenv ("PARLA_SERVER_BIN");
  const char *argv[] = { exe, "--listen", listen, "--db", process->db_url, NULL };

  g_assert_nonnull (exe);
  g_assert_null (process->process);

  g_subprocess_launcher_set_child_setup (launcher, pt_child_setup, NULL, NULL);
  for (guint i = 0; process->env != NULL && process->env[i] != NULL; i++)
    {
      const char *eq = strchr (process->env[i], '=');
      g_autofree char *name = NULL;

      g_assert_nonnull (eq);
      name = g_strndup (process->env[i], eq - process->env[i]);
      g_subprocess_launcher_setenv (launcher, name, eq + 1, TRUE);
    }

  process->process = g_subprocess_launcher_spawnv (launcher, argv, &error);
  g_assert_no_error (error);
  process->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (process->process));

  line = g_data_input_stream_read_line_utf8 (process->out, NULL, NULL, NULL);
  if (line != NULL && strstr (line, " listening on ") != NULL)
    return TRUE;

  g_subprocess_wait (process->process, NULL, NULL);
  g_clear_object (&process->out);
  g_clear_object (&process->process);
  return FALSE;
}

PtProcess *
pt_process_start (const char * const *env)
{
  PtProcess *process = g_new0 (PtProcess, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;

  process->dir = g_dir_make_tmp ("parla-process-XXXXXX", &error);
  g_assert_no_error (error);
  path = g_build_filename (process->dir, "parla.db", NULL);
  process->db_url = g_strconcat ("sqlite:", path, NULL);
  process->env = g_strdupv ((char **) env);

  /* Another test may take the port between the check and the spawn. */
  for (guint attempt = 0; ; attempt++)
    {
      process->port = pt_free_port ();
      if (spawn_process (process))
        break;
      if (attempt == 20)
        g_error ("parla-server does not start");
    }

  process->base_url = g_strdup_printf ("http://127.0.0.1:%u/", process->port);
  process->remote = g_new0 (PtServer, 1);
  process->remote->base_url = g_strdup (process->base_url);

  return process;
}

static void
reap (PtProcess *process)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait (process->process, NULL, &error);
  g_assert_no_error (error);
  g_clear_object (&process->out);
  g_clear_object (&process->process);
}

void
pt_process_kill (PtProcess *process)
{
  g_assert_nonnull (process->process);

  g_subprocess_send_signal (process->process, SIGKILL);
  reap (process);
}

void
pt_process_resume (PtProcess *process)
{
  g_assert_null (process->process);

  /* The port is ours (see pt_free_port()), but the old sockets may take
   * a moment to go. */
  for (guint attempt = 0; !spawn_process (process); attempt++)
    {
      if (attempt == 100)
        g_error ("parla-server does not start again on port %u", process->port);
      g_usleep (100 * 1000);
    }
}

void
pt_process_signal (PtProcess *process,
                   int        signum)
{
  g_assert_nonnull (process->process);

  g_subprocess_send_signal (process->process, signum);
}

void
pt_process_free (PtProcess *process)
{
  if (process == NULL)
    return;

  if (process->process != NULL)
    {
      /* A stopped process would not see the SIGTERM. */
      g_subprocess_send_signal (process->process, SIGCONT);
      g_subprocess_send_signal (process->process, SIGTERM);
      reap (process);
    }

  remove_tree (process->dir);
  g_free (process->dir);
  g_free (process->db_url);
  g_free (process->base_url);
  g_strfreev (process->env);
  if (process->remote != NULL)
    {
      g_free (process->remote->base_url);
      g_free (process->remote);
    }
  g_free (process);
}

/* Removes @path, a directory of plain files. */
void
pt_remove_dir (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *file = g_build_filename (path, name, NULL);

      g_unlink (file);
    }
  g_rmdir (path);
}

/* coturn */

/* A STUN binding request to @ip:@port; TRUE when a success response with
 * our transaction id comes back within @timeout_ms. */
static gboolean
stun_answers (const char *ip,
              guint       port,
              guint       timeout_ms)
{
  guint8 request[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
  guint8 reply[512];
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (port) };
  struct pollfd pfd;
  gboolean ok = FALSE;
  int fd;

  for (guint i = 8; i < 20; i++)
    request[i] = (guint8) g_random_int_range (0, 256);
  g_assert_cmpint (inet_pton (AF_INET, ip, &addr.sin_addr), ==, 1);

  fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (fd, >=, 0);
  if (sendto (fd, request, sizeof request, 0, (struct sockaddr *) &addr, sizeof addr) == sizeof request)
    {
      pfd = (struct pollfd) { .fd = fd, .events = POLLIN };
      if (poll (&pfd, 1, (int) timeout_ms) == 1)
        {
          ssize_t n = recv (fd, reply, sizeof reply, 0);

          ok = n >= 20 && reply[0] == 0x01 && reply[1] == 0x01 &&
               memcmp (reply + 8, request + 8, 12) == 0;
        }
    }
  close (fd);

  return ok;
}

PtCoturn *
pt_coturn_start (const char *listen_ip,
                 const char *secret)
{
  PtCoturn *coturn = g_new0 (PtCoturn, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = g_build_filename (g_getenv ("PARLA_SRCDIR"), "data", "coturn",
                                            "turnserver-test.conf", NULL);
  const char *exe = "turnserver";

  g_assert_nonnull (g_getenv ("PARLA_SRCDIR"));
  g_assert_nonnull (secret);

  coturn->ip = g_strdup (listen_ip != NULL ? listen_ip : "127.0.0.1");
  coturn->secret = g_strdup (secret);
  coturn->dir = g_dir_make_tmp ("parla-coturn-XXXXXX", &error);
  g_assert_no_error (error);

  if (g_file_test ("/usr/bin/turnserver", G_FILE_TEST_IS_EXECUTABLE))
    exe = "/usr/bin/turnserver";

  /* Another test may take the port between the check and the spawn: a
   * coturn that does not answer is stopped and started on another one. */
  for (guint attempt = 0; ; attempt++)
    {
      g_autoptr(GSubprocessLauncher) launcher =
        g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_SILENCE);
      g_autofree char *port = NULL;
      g_autofree char *min_port = NULL;
      g_autofree char *max_port = NULL;
      g_autofree char *db = g_build_filename (coturn->dir, "turndb", NULL);
      g_autofree char *pid = g_build_filename (coturn->dir, "turnserver.pid", NULL);
      g_autofree char *log = g_build_filename (coturn->dir, "turn.log", NULL);
      g_auto(GStrv) secrets = g_strsplit (coturn->secret, ",", -1);
      g_autoptr(GStrvBuilder) argv = g_strv_builder_new ();
      g_auto(GStrv) args = NULL;
      guint relay_base;

      coturn->port = pt_free_port ();
      relay_base = 40000 + (coturn->port % 100) * 200;
      port = g_strdup_printf ("%u", coturn->port);
      min_port = g_strdup_printf ("%u", relay_base);
      max_port = g_strdup_printf ("%u", relay_base + 199);

      g_strv_builder_add_many (argv, exe, "-c", conf,
                               "--listening-ip", coturn->ip,
                               "--relay-ip", coturn->ip,
                               "--listening-port", port,
                               "--min-port", min_port,
                               "--max-port", max_port,
                               "--userdb", db,
                               "--pidfile", pid,
                               "--log-file", log,
                               "--simple-log",
                               NULL);
      for (guint i = 0; secrets[i] != NULL; i++)
        g_strv_builder_add_many (argv, "--static-auth-secret", secrets[i], NULL);
      args = g_strv_builder_end (argv);

      g_subprocess_launcher_set_child_setup (launcher, pt_child_setup, NULL, NULL);
      coturn->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) args, &error);
      g_assert_no_error (error);

      for (guint i = 0; i < 50; i++)
        {
          if (stun_answers (coturn->ip, coturn->port, 100))
            goto ready;
          if (g_subprocess_get_identifier (coturn->process) == NULL)  /* it exited */
            break;
        }

      g_subprocess_force_exit (coturn->process);
      g_subprocess_wait (coturn->process, NULL, NULL);
      g_clear_object (&coturn->process);
      if (attempt == 10)
        g_error ("turnserver does not start (see %s)", log);
    }

ready:
  coturn->url = g_strdup_printf ("turn:%s:%u?transport=udp", coturn->ip, coturn->port);
  coturn->stun_url = g_strdup_printf ("stun:%s:%u", coturn->ip, coturn->port);

  return coturn;
}

void
pt_coturn_free (PtCoturn *coturn)
{
  if (coturn == NULL)
    return;

  if (coturn->process != NULL)
    {
      g_subprocess_send_signal (coturn->process, SIGTERM);
      g_subprocess_wait (coturn->process, NULL, NULL);
      g_object_unref (coturn->process);
    }
  if (coturn->dir != NULL)
    pt_remove_dir (coturn->dir);
  g_free (coturn->dir);
  g_free (coturn->ip);
  g_free (coturn->secret);
  g_free (coturn->url);
  g_free (coturn->stun_url);
  g_free (coturn);
}
