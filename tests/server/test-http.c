/* test-http.c: what every endpoint shares: routing, bodies, limits,
 * content types, the OpenAPI document
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-test-server.h"

static void
small_body_limit (ParlaServerConfig *config,
                  gpointer           user_data)
{
  config->max_body_bytes = 4096;
}

static void
test_health (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autoptr(PtResponse) response = pt_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);

  pt_assert_status (response, 200);
  g_assert_cmpstr (pt_str (response, "status"), ==, "ok");
  g_assert_cmpint (pt_int (response, "schema_version"), >=, 1);
  g_assert_cmpstr (soup_message_headers_get_content_type (response->headers, NULL), ==, "application/json");

  pt_server_stop (server);
}

static void
test_not_found_and_method (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autoptr(PtResponse) missing = pt_request (server, "GET", "/api/v1/nothing-here", NULL, NULL, NULL);
  g_autoptr(PtResponse) method = pt_request (server, "DELETE", "/api/v1/teachers", NULL, NULL, NULL);
  g_autoptr(PtResponse) unknown_id = pt_request (server, "GET", "/api/v1/sessions/does-not-exist", NULL, NULL, NULL);

  pt_assert_error (missing, 404, "not_found");
  pt_assert_error (method, 405, "method_not_allowed");
  pt_assert_error (unknown_id, 404, "not_found");
  g_assert_nonnull (pt_str (missing, "error.message"));
  g_assert_true (pt_has (missing, "error") && !pt_has (missing, "error.field"));

  pt_server_stop (server);
}

static void
test_bad_bodies (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  const char *register_path = "/api/v1/auth/register";
  g_autoptr(GBytes) text = g_bytes_new_static ("{}", 2);
  g_autoptr(PtResponse) wrong_type = pt_request_raw (server, "POST", register_path, NULL, "text/plain", text, NULL);
  g_autoptr(PtResponse) malformed = pt_request (server, "POST", register_path, NULL, "{\"email\": ", NULL);
  g_autoptr(PtResponse) array = pt_request (server, "POST", register_path, NULL, "[1, 2]", NULL);
  g_autoptr(PtResponse) empty = pt_request (server, "POST", register_path, NULL, NULL, NULL);
  g_autoptr(PtResponse) bad_enum = pt_request (server, "POST", register_path, NULL,
                                               "{\"email\":\"a@b.c\",\"password\":\"long enough\","
                                               "\"display_name\":\"A\",\"role\":\"admin\"}", NULL);
  g_autoptr(PtResponse) bad_type = pt_request (server, "POST", register_path, NULL,
                                               "{\"email\":\"a@b.c\",\"password\":12345678,"
                                               "\"display_name\":\"A\",\"role\":\"student\"}", NULL);
  g_autoptr(PtResponse) not_utf8 = NULL;
  g_autoptr(PtResponse) nothing_created = NULL;
  static const char invalid_utf8[] = "{\"email\":\"\xff\xfe\"}";
  g_autoptr(GBytes) raw = g_bytes_new_static (invalid_utf8, sizeof invalid_utf8 - 1);

  pt_assert_error (wrong_type, 415, "unsupported_media_type");
  pt_assert_error (malformed, 400, "invalid_input");
  pt_assert_error (array, 400, "invalid_input");
  pt_assert_error (empty, 400, "invalid_input");
  pt_assert_error (bad_enum, 400, "invalid_input");
  g_assert_cmpstr (pt_str (bad_enum, "error.field"), ==, "role");
  pt_assert_error (bad_type, 400, "invalid_input");
  g_assert_cmpstr (pt_str (bad_type, "error.field"), ==, "password");

  not_utf8 = pt_request_raw (server, "POST", register_path, NULL, "application/json", raw, NULL);
  pt_assert_error (not_utf8, 400, "invalid_input");

  /* None of it created an account. */
  nothing_created = pt_request (server, "POST", "/api/v1/auth/login", NULL,
                                "{\"email\":\"a@b.c\",\"password\":\"long enough\"}", NULL);
  pt_assert_error (nothing_created, 401, "unauthorized");

  pt_server_stop (server);
}

static void
test_body_too_large (void)
{
  PtServer *server = pt_server_start (small_body_limit, NULL);
  g_autofree char *big = g_malloc (100 * 1024);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(PtResponse) response = NULL;
  g_autoptr(PtResponse) after = NULL;

  memset (big, ' ', 100 * 1024);
  big[0] = '{';
  big[100 * 1024 - 1] = '}';
  bytes = g_bytes_new_take (g_steal_pointer (&big), 100 * 1024);

  response = pt_request_raw (server, "POST", "/api/v1/auth/register", NULL, "application/json", bytes, NULL);
  pt_assert_error (response, 413, "payload_too_large");

  /* The server is still there. */
  after = pt_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);
  pt_assert_status (after, 200);

  pt_server_stop (server);
}

/* A body of unknown length (chunked) is cut off once it passes the limit. */
static void
test_chunked_too_large (void)
{
  PtServer *server = pt_server_start (small_body_limit, NULL);
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GInputStream) stream = NULL;
  g_autoptr(GBytes) reply = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *url = g_strconcat (server->base_url, "api/v1/auth/register", NULL);
  g_autofree char *big = g_strnfill (64 * 1024, ' ');
  g_autoptr(JsonParser) parser = json_parser_new ();

  msg = soup_message_new ("POST", url);
  stream = g_memory_input_stream_new_from_data (g_steal_pointer (&big), 64 * 1024, g_free);
  soup_message_set_request_body (msg, "application/json", stream, -1);
  reply = soup_session_send_and_read (session, msg, NULL, &error);

  /* The server may close the connection while the client still writes;
   * when a response arrives, it must be the 413. */
  if (error == NULL)
    {
      g_assert_cmpuint (soup_message_get_status (msg), ==, 413);
      g_assert_true (json_parser_load_from_data (parser, g_bytes_get_data (reply, NULL),
                                                 g_bytes_get_size (reply), NULL));
    }
  else
    g_assert_true (error->domain == G_IO_ERROR);

  pt_server_stop (server);
}

static void
test_query_validation (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  static const struct { const char *path; const char *field; } cases[] = {
    { "/api/v1/sessions?page=0", "page" },
    { "/api/v1/sessions?limit=1000", "limit" },
    { "/api/v1/sessions?limit=ten", "limit" },
    { "/api/v1/sessions?free=yes", "free" },
    { "/api/v1/sessions?from=2026-13-01T00:00:00Z", "from" },
    { "/api/v1/sessions?from=2026-03-01", "from" },
    { "/api/v1/sessions?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z", "to" },
    { "/api/v1/sessions?type=party", "type" },
    { "/api/v1/sessions?level=Z1", "level" },
    { "/api/v1/teachers?min_price=-5", "min_price" },
    { "/api/v1/teachers?min_price=500&max_price=100", "max_price" },
    { "/api/v1/offerings?session_type=duo", "session_type" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = pt_request (server, "GET", cases[i].path, NULL, NULL, NULL);

      g_test_message ("%s", cases[i].path);
      pt_assert_error (response, 400, "invalid_input");
      g_assert_cmpstr (pt_str (response, "error.field"), ==, cases[i].field);
    }

  pt_server_stop (server);
}

static void
test_bad_token (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autoptr(PtResponse) none = pt_request (server, "GET", "/api/v1/me", NULL, NULL, NULL);
  g_autoptr(PtResponse) wrong = pt_request (server, "GET", "/api/v1/me", "not-a-real-token", NULL, NULL);
  g_autoptr(PtResponse) scheme = pt_request (server, "GET", "/api/v1/me", NULL, NULL,
                                             "Authorization", "Basic dXNlcjpwYXNz", NULL);
  /* A bad token on a public read is refused too, rather than ignored. */
  g_autoptr(PtResponse) public_read = pt_request (server, "GET", "/api/v1/sessions", "bogus", NULL, NULL);

  pt_assert_error (none, 401, "unauthorized");
  pt_assert_error (wrong, 401, "unauthorized");
  pt_assert_error (scheme, 401, "unauthorized");
  pt_assert_error (public_read, 401, "unauthorized");

  pt_server_stop (server);
}

static guint
count_open_files (void)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  guint n = 0;

  g_assert_nonnull (dir);
  while (g_dir_read_name (dir) != NULL)
    n++;

  return n;
}

/* Clients come and go: the server must not keep a descriptor for each
 * connection a client closed (libsoup 3.2.3 does, for idle keep-alive
 * connections, unless the server closes them). */
static void
test_connections_released (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  guint before, after;

  /* Warm up worker threads, database connections and the client side. */
  for (guint i = 0; i < 20; i++)
    pt_response_free (pt_request (server, "GET", "/api/v1/health", NULL, NULL, NULL));
  g_usleep (200 * 1000);
  before = count_open_files ();

  for (guint i = 0; i < 200; i++)
    {
      g_autoptr(PtResponse) response = pt_request (server, "GET", "/api/v1/health", NULL, NULL, NULL);
      pt_assert_status (response, 200);
    }
  g_usleep (500 * 1000);
  after = count_open_files ();

  g_test_message ("open files: %u before, %u after 200 connections", before, after);
  g_assert_cmpuint (after, <, before + 10);

  pt_server_stop (server);
}

/* A client that hangs up while a worker still runs its request: the
 * answer has nowhere to go, and the server must simply drop it (unpausing
 * a message whose connection is gone is a critical, fatal in tests). */
static void
on_read_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (source), result, &error);

  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  *(gboolean *) user_data = TRUE;
}

static void
test_client_gone_mid_request (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autoptr(GSocketClient) client = g_socket_client_new ();
  g_autoptr(GUri) uri = g_uri_parse (server->base_url, G_URI_FLAGS_NONE, NULL);

  pt_server_set_delay (server, 300);
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GSocketConnection) conn = NULL;
      const char *request = "GET /api/v1/teachers HTTP/1.1\r\nHost: localhost\r\n\r\n";

      conn = g_socket_client_connect_to_host (client, g_uri_get_host (uri),
                                              g_uri_get_port (uri), NULL, &error);
      g_assert_no_error (error);
      g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (conn)),
                                 request, strlen (request), NULL, NULL, &error);
      g_assert_no_error (error);
      g_usleep (100 * 1000);
      g_io_stream_close (G_IO_STREAM (conn), NULL, &error);
      g_assert_no_error (error);
    }
  /* The same through libsoup's client, cancelled while the server works. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(SoupSession) session = soup_session_new ();
      g_autofree char *url = g_strconcat (server->base_url, i % 2 ? "api/v1/auth/login" : "api/v1/teachers", NULL);
      g_autoptr(SoupMessage) msg = soup_message_new (i % 2 ? "POST" : "GET", url);
      g_autoptr(GCancellable) cancellable = g_cancellable_new ();
      g_autoptr(GBytes) body = NULL;
      gboolean done = FALSE;

      if (i % 2)
        {
          static const char login[] = "{\"email\":\"nobody@example.org\",\"password\":\"password123\"}";

          body = g_bytes_new_static (login, strlen (login));
          soup_message_set_request_body_from_bytes (msg, "application/json", body);
        }
      g_timeout_add_once (100, (GSourceOnceFunc) g_cancellable_cancel, cancellable);
      soup_session_send_and_read_async (session, msg, G_PRIORITY_DEFAULT, cancellable,
                                        on_read_cb, &done);
      while (!done)
        g_main_context_iteration (NULL, TRUE);
    }

  /* Let the workers finish the abandoned requests. */
  g_usleep (800 * 1000);
  pt_server_set_delay (server, 0);

  {
    g_autoptr(PtResponse) response = pt_request (server, "GET", "/api/v1/teachers", NULL, NULL, NULL);
    pt_assert_status (response, 200);
  }

  pt_server_stop (server);
}

static char *
openapi_path (const char *pattern)
{
  g_assert_true (g_str_has_prefix (pattern, "/api/v1/"));
  return g_strdup (pattern + strlen ("/api/v1"));
}

/* Every route the server registers is described in the OpenAPI document
 * it serves, with the same method, and nothing is described that it does
 * not serve. */
static void
test_openapi_covers_routes (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autoptr(PtResponse) response = pt_request (server, "GET", "/api/v1/openapi.json", NULL, NULL, NULL);
  g_autoptr(GHashTable) served = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  const ParlaRouteInfo *routes;
  JsonObject *paths;
  JsonObjectIter iter;
  const char *path;
  JsonNode *item;
  guint n_routes;

  pt_assert_status (response, 200);
  g_assert_cmpstr (pt_str (response, "openapi"), ==, "3.0.3");
  paths = json_node_get_object (pt_json_get (response->json, "paths"));

  routes = parla_server_get_routes (&n_routes);
  g_assert_cmpuint (n_routes, >=, 25);
  for (guint i = 0; i < n_routes; i++)
    {
      g_autofree char *doc_path = openapi_path (routes[i].pattern);
      g_autofree char *method = g_ascii_strdown (routes[i].method, -1);
      JsonObject *operations;

      g_test_message ("%s %s", routes[i].method, routes[i].pattern);
      g_assert_true (json_object_has_member (paths, doc_path));
      operations = json_object_get_object_member (paths, doc_path);
      g_assert_true (json_object_has_member (operations, method));
      g_hash_table_add (served, g_strconcat (method, " ", doc_path, NULL));
    }

  json_object_iter_init (&iter, paths);
  while (json_object_iter_next (&iter, &path, &item))
    {
      JsonObjectIter ops;
      const char *method;
      JsonNode *op;

      json_object_iter_init (&ops, json_node_get_object (item));
      while (json_object_iter_next (&ops, &method, &op))
        {
          g_autofree char *key = g_strconcat (method, " ", path, NULL);

          if (g_str_equal (method, "parameters") || g_str_equal (method, "summary") ||
              g_str_equal (method, "description"))
            continue;
          g_test_message ("documented: %s", key);
          g_assert_true (g_hash_table_contains (served, key));
        }
    }

  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/http/health", test_health);
  g_test_add_func ("/server/http/not-found-and-method", test_not_found_and_method);
  g_test_add_func ("/server/http/bad-bodies", test_bad_bodies);
  g_test_add_func ("/server/http/body-too-large", test_body_too_large);
  g_test_add_func ("/server/http/chunked-too-large", test_chunked_too_large);
  g_test_add_func ("/server/http/query-validation", test_query_validation);
  g_test_add_func ("/server/http/bad-token", test_bad_token);
  g_test_add_func ("/server/http/openapi-covers-routes", test_openapi_covers_routes);
  g_test_add_func ("/server/http/connections-released", test_connections_released);
  g_test_add_func ("/server/http/client-gone-mid-request", test_client_gone_mid_request);

  return g_test_run ();
}
