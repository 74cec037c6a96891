/* parla-api-client.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-api-client.h"

#include <string.h>

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

/**
 * ParlaApiClient:
 *
 * The client of parla-server's REST API (docs/openapi.json). It owns one
 * #SoupSession; every call is an `_async`/`_finish` pair that runs on the
 * thread-default main context of the thread that made it.
 *
 * Errors: an HTTP error becomes the #PARLA_ERROR the server named in its
 * body, with its message and field (parla_error_get_field()) and the HTTP
 * status (parla_error_get_http_status()); an error body that cannot be
 * read gives the code of the status. A server that cannot be reached
 * (refused, DNS, TLS, timeout) gives #PARLA_ERROR_NETWORK, whose message
 * is "The server cannot be reached: " and the underlying error. An answer
 * that is not what the call expects gives #PARLA_ERROR_INTERNAL.
 * Cancelling gives %G_IO_ERROR_CANCELLED. parla_api_error_is_transient()
 * tells which of them are worth trying again.
 *
 * A call made with a token that the server refuses (401) emits
 * #ParlaApiClient::unauthorized.
 */

#define REQUEST_TIMEOUT_SECONDS 30
#define IDLE_TIMEOUT_SECONDS 60

struct _ParlaApiClient
{
  GObject          parent_instance;

  /* owned */
  char            *base_url;        /* normalized: ends with '/' */
  GError          *base_url_error;  /* why the base-url given was refused */
  char            *token;
  ParlaTokenStore *token_store;
  SoupSession     *session;
};

/**
 * ParlaApiQuery:
 *
 * A query string built from typed values, each name and value escaped as
 * it is added, for the list calls' filters and paging.
 */
struct _ParlaApiQuery
{
  grefcount  ref_count;
  GString   *text;    /* escaped "name=value&name=value" */
};

G_DEFINE_BOXED_TYPE (ParlaApiQuery, parla_api_query, parla_api_query_ref, parla_api_query_unref)

/**
 * ParlaApiPage:
 *
 * One page of a list answer: its items, as entities of core, and the
 * server's counts.
 */
struct _ParlaApiPage
{
  grefcount   ref_count;
  GListStore *items;
  gint64      total;
  gboolean    total_exact;
  int         page;
  int         limit;
};

G_DEFINE_BOXED_TYPE (ParlaApiPage, parla_api_page, parla_api_page_ref, parla_api_page_unref)

static void parla_api_client_initable_iface_init (GInitableIface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaApiClient, parla_api_client, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_INITABLE,
                                                      parla_api_client_initable_iface_init))

enum {
  PROP_0,
  PROP_BASE_URL,
  PROP_TOKEN,
  PROP_TOKEN_STORE,
  N_PROPS
};

enum {
  UNAUTHORIZED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Turns a response body into the value a typed call returns. */
typedef gpointer (*ParseFunc) (JsonNode  *node,
                               GError   **error);

typedef enum
{
  REQUEST_PLAIN,
  REQUEST_SIGN_IN,    /* register, login: keep the token of the AuthSession */
  REQUEST_SIGN_OUT,   /* logout: forget the stored token whatever happens */
} RequestKind;

/* The task data of every call. */
typedef struct
{
  RequestKind     kind;
  ParseFunc       parse;        /* NULL: the body as it is */
  GDestroyNotify  result_free;
  char           *token;        /* the token the request carried, or NULL */
  guint           status;
  gboolean        replayed;
  gpointer        result;       /* sign-in: the parsed user while saving */
  GError         *error;        /* sign-out: the outcome, reported after clearing */
} Request;

static void
request_free (Request *request)
{
  if (request->result != NULL && request->result_free != NULL)
    request->result_free (request->result);
  g_clear_pointer (&request->token, g_free);
  g_clear_error (&request->error);
  g_free (request);
}

static Request *
request_new (RequestKind     kind,
             ParseFunc       parse,
             GDestroyNotify  result_free)
{
  Request *request = g_new0 (Request, 1);

  request->kind = kind;
  request->parse = parse;
  request->result_free = result_free;

  return request;
}

/* Helpers */

static char *
normalize_base_url (const char  *base_url,
                    GError     **error)
{
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) local_error = NULL;
  const char *scheme;
  const char *path;
  g_autofree char *text = NULL;

  if (base_url == NULL || *base_url == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "base-url",
                       _("No server address was given"));
      return NULL;
    }

  uri = g_uri_parse (base_url, SOUP_HTTP_URI_FLAGS, &local_error);
  if (uri == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "base-url",
                       _("“%s” is not a valid server address: %s"),
                       base_url, local_error->message);
      return NULL;
    }

  scheme = g_uri_get_scheme (uri);
  if (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "base-url",
                       _("“%s” is not a valid server address: it must start with http:// or https://"),
                       base_url);
      return NULL;
    }

  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      g_uri_get_query (uri) != NULL || g_uri_get_fragment (uri) != NULL ||
      g_uri_get_userinfo (uri) != NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "base-url",
                       _("“%s” is not a valid server address: it needs a host, and no user, query or fragment"),
                       base_url);
      return NULL;
    }

  text = g_uri_to_string (uri);
  path = g_uri_get_path (uri);
  if (path == NULL || *path == '\0' || !g_str_has_suffix (path, "/"))
    return g_strconcat (text, "/", NULL);

  return g_steal_pointer (&text);
}

static GError *
new_network_error (const GError *cause)
{
  return parla_error_new (PARLA_ERROR_NETWORK, NULL, "%s: %s",
                          parla_error_code_default_message (PARLA_ERROR_NETWORK),
                          cause->message);
}

/* Finishes @task with the outcome of a call; takes all three. */
static void
return_response (GTask    *task,
                 JsonNode *node,
                 GError   *error);

static void
on_token_saved_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* Signing in worked; a keyring that cannot keep the token only means
   * the user signs in again next time. */
  if (!parla_token_store_save_finish (PARLA_TOKEN_STORE (object), result, &error))
    g_warning ("Could not keep the sign-in token: %s", error->message);

  g_task_return_pointer (task, g_steal_pointer (&request->result), request->result_free);
}

static void
on_token_cleared_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  if (!parla_token_store_clear_finish (PARLA_TOKEN_STORE (object), result, &error))
    g_warning ("Could not forget the sign-in token: %s", error->message);

  if (request->error != NULL)
    g_task_return_error (task, g_steal_pointer (&request->error));
  else
    g_task_return_pointer (task, NULL, NULL);
}

static void
finish_sign_in (GTask    *task,
                JsonNode *node)
{
  ParlaApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaUser) user = NULL;
  JsonObject *root;
  JsonNode *member;
  const char *token = NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    {
      root = json_node_get_object (node);
      member = json_object_get_member (root, "token");
      if (member != NULL && JSON_NODE_HOLDS_VALUE (member) &&
          json_node_get_value_type (member) == G_TYPE_STRING)
        token = json_node_get_string (member);
      member = json_object_get_member (root, "user");
      if (member != NULL)
        user = parla_user_new_from_json (member, PARLA_JSON_RESOURCE, &error);
    }

  if (token == NULL || *token == '\0' || user == NULL)
    {
      g_task_return_new_error (task, PARLA_ERROR, PARLA_ERROR_INTERNAL,
                               _("The server sent an unexpected answer to signing in: %s"),
                               error ? error->message : _("no user or token"));
      return;
    }

  parla_api_client_set_token (self, token);

  if (self->token_store == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&user), g_object_unref);
      return;
    }

  request->result = g_object_ref (user);
  parla_token_store_save_async (self->token_store,
                                self->base_url,
                                parla_user_get_email (user),
                                token,
                                NULL,
                                on_token_saved_cb,
                                g_object_ref (task));
}

static void
return_response (GTask    *task,
                 JsonNode *node,
                 GError   *error)
{
  g_autoptr(GTask) owned_task = task;
  ParlaApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  g_autoptr(JsonNode) owned_node = node;
  g_autoptr(GError) local_error = error;
  gpointer result;

  if (request->kind == REQUEST_SIGN_OUT)
    {
      /* The token is gone locally whatever the server said. */
      request->error = g_steal_pointer (&local_error);
      if (self->token_store != NULL)
        parla_token_store_clear_async (self->token_store, self->base_url, NULL,
                                       on_token_cleared_cb, g_object_ref (task));
      else if (request->error != NULL)
        g_task_return_error (task, g_steal_pointer (&request->error));
      else
        g_task_return_pointer (task, NULL, NULL);
      return;
    }

  if (local_error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&local_error));
      return;
    }

  if (request->kind == REQUEST_SIGN_IN)
    {
      if (owned_node == NULL)
        g_task_return_new_error (task, PARLA_ERROR, PARLA_ERROR_INTERNAL,
                                 _("The server sent an empty answer to signing in"));
      else
        finish_sign_in (task, owned_node);
      return;
    }

  if (request->parse == NULL)
    {
      g_task_return_pointer (task, g_steal_pointer (&owned_node),
                             (GDestroyNotify) json_node_unref);
      return;
    }

  if (owned_node == NULL)
    {
      g_task_return_new_error (task, PARLA_ERROR, PARLA_ERROR_INTERNAL,
                               _("The server sent an empty answer where one was expected"));
      return;
    }

  result = request->parse (owned_node, &local_error);
  if (result == NULL)
    {
      g_task_return_new_error (task, PARLA_ERROR, PARLA_ERROR_INTERNAL,
                               _("The server sent an unexpected answer: %s"),
                               local_error ? local_error->message : _("nothing usable"));
      return;
    }

  g_task_return_pointer (task, result, request->result_free);
}

/* Callbacks */

static void
on_send_and_read_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ParlaApiClient *self = g_task_get_source_object (task);
  Request *request = g_task_get_task_data (task);
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;
  const char *data;
  gsize length = 0;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return_response (g_steal_pointer (&task), NULL, g_steal_pointer (&error));
      else
        return_response (g_steal_pointer (&task), NULL, new_network_error (error));
      return;
    }

  request->status = soup_message_get_status (msg);
  request->replayed = g_strcmp0 (soup_message_headers_get_one (soup_message_get_response_headers (msg),
                                                               "Idempotent-Replayed"), "true") == 0;

  data = g_bytes_get_data (bytes, &length);
  if (length > 0)
    node = parla_json_parse (data, length, SOUP_STATUS_IS_SUCCESSFUL (request->status) ? &error : NULL);

  if (!SOUP_STATUS_IS_SUCCESSFUL (request->status))
    {
      if (request->status == SOUP_STATUS_UNAUTHORIZED && request->token != NULL &&
          g_strcmp0 (request->token, self->token) == 0)
        g_signal_emit (self, signals[UNAUTHORIZED], 0);

      return_response (g_steal_pointer (&task), NULL,
                       parla_error_from_json (node, request->status));
      return;
    }

  if (length > 0 && node == NULL)
    {
      return_response (g_steal_pointer (&task), NULL,
                       parla_error_new (PARLA_ERROR_INTERNAL, NULL,
                                        _("The server sent an answer that is not JSON (HTTP %u): %s"),
                                        request->status, error->message));
      return;
    }

  return_response (g_steal_pointer (&task), g_steal_pointer (&node), NULL);
}

/* Sends a request on behalf of @task (owned), whose task data is a
 * #Request. @path starts with "/" and is already escaped. */
static void
start_request (ParlaApiClient *self,
               GTask          *task,
               const char     *method,
               const char     *path,
               ParlaApiQuery  *query,
               JsonNode       *body,
               const char     *idempotency_key,
               gboolean        with_token)
{
  Request *request = g_task_get_task_data (task);
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GUri) uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *query_text = NULL;
  g_autofree char *url = NULL;
  SoupMessageHeaders *headers;

  g_assert (path != NULL && path[0] == '/');

  if (self->base_url == NULL)
    {
      return_response (task, NULL,
                       parla_error_new (PARLA_ERROR_INVALID_INPUT, "base-url",
                                        _("No valid server address is set")));
      return;
    }

  if (query != NULL && !parla_api_query_is_empty (query))
    query_text = parla_api_query_to_string (query);

  url = g_strconcat (self->base_url, path + 1,
                     query_text ? (strchr (path, '?') ? "&" : "?") : NULL,
                     query_text, NULL);
  uri = g_uri_parse (url, SOUP_HTTP_URI_FLAGS, &error);
  if (uri == NULL)
    {
      return_response (task, NULL,
                       parla_error_new (PARLA_ERROR_INTERNAL, NULL,
                                        _("Cannot build a request for “%s”: %s"),
                                        path, error->message));
      return;
    }

  msg = soup_message_new_from_uri (method, uri);
  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Accept", "application/json");

  if (with_token && self->token != NULL)
    {
      g_autofree char *authorization = g_strconcat ("Bearer ", self->token, NULL);

      soup_message_headers_replace (headers, "Authorization", authorization);
      request->token = g_strdup (self->token);
    }

  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);

  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = parla_json_to_bytes (body);

      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT,
                                    g_task_get_cancellable (task),
                                    on_send_and_read_cb, task);
}

static GTask *
new_call (ParlaApiClient      *self,
          gpointer             source_tag,
          RequestKind          kind,
          ParseFunc            parse,
          GDestroyNotify       result_free,
          GCancellable        *cancellable,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, request_new (kind, parse, result_free),
                        (GDestroyNotify) request_free);

  return task;
}

static gpointer
finish_call (ParlaApiClient  *self,
             GAsyncResult    *result,
             gpointer         source_tag,
             GError         **error)
{
  g_return_val_if_fail (PARLA_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}

/* Answers */

static gpointer
parse_user (JsonNode  *node,
            GError   **error)
{
  return parla_user_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

static gpointer
parse_teacher (JsonNode  *node,
               GError   **error)
{
  return parla_teacher_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

static gpointer
parse_offering (JsonNode  *node,
                GError   **error)
{
  return parla_offering_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

static gpointer
parse_session (JsonNode  *node,
               GError   **error)
{
  return parla_session_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

static gpointer
parse_booking (JsonNode  *node,
               GError   **error)
{
  return parla_booking_new_from_json (node, PARLA_JSON_RESOURCE, error);
}

static gpointer
parse_availability (JsonNode  *node,
                    GError   **error)
{
  return parla_availability_new_from_json (node, error);
}

static const ParlaField page_fields[] = {
  { "items", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
  { "total", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
  { "total_exact", PARLA_FIELD_BOOL, PARLA_FIELD_OPTIONAL },
  { "page", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, G_MAXINT32 },
  { "limit", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, G_MAXINT32 },
};

static ParlaApiPage *
parse_page (JsonNode   *node,
            GType       item_type,
            ParseFunc   parse_item,
            GError    **error)
{
  g_autoptr(ParlaApiPage) page = NULL;
  JsonObject *object;
  JsonArray *items;

  if (!parla_json_check (node, page_fields, G_N_ELEMENTS (page_fields), PARLA_JSON_RESOURCE, error))
    return NULL;

  object = json_node_get_object (node);
  items = parla_json_get_array (object, "items");

  page = g_new0 (ParlaApiPage, 1);
  g_ref_count_init (&page->ref_count);
  page->items = g_list_store_new (item_type);
  page->total = parla_json_get_int (object, "total", 0);
  page->total_exact = parla_json_get_bool (object, "total_exact", TRUE);
  page->page = (int) parla_json_get_int (object, "page", 1);
  page->limit = (int) parla_json_get_int (object, "limit", 1);

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      g_autoptr(GObject) item = parse_item (json_array_get_element (items, i), error);

      if (item == NULL)
        {
          g_autofree char *prefix = g_strdup_printf ("items[%u]", i);

          if (error != NULL && *error != NULL)
            parla_error_prefix_field (*error, prefix);
          return NULL;
        }
      g_list_store_append (page->items, item);
    }

  return g_steal_pointer (&page);
}

static gpointer
parse_teacher_page (JsonNode  *node,
                    GError   **error)
{
  return parse_page (node, PARLA_TYPE_TEACHER, parse_teacher, error);
}

static gpointer
parse_offering_page (JsonNode  *node,
                     GError   **error)
{
  return parse_page (node, PARLA_TYPE_OFFERING, parse_offering, error);
}

static gpointer
parse_session_page (JsonNode  *node,
                    GError   **error)
{
  return parse_page (node, PARLA_TYPE_SESSION, parse_session, error);
}

static gpointer
parse_booking_page (JsonNode  *node,
                    GError   **error)
{
  return parse_page (node, PARLA_TYPE_BOOKING, parse_booking, error);
}

/* Answers that core has no type for stay JSON, checked for the members
 * callers rely on. */
static gpointer
check_object (JsonNode          *node,
              const ParlaField  *fields,
              guint              n_fields,
              GError           **error)
{
  if (!parla_json_check (node, fields, n_fields, PARLA_JSON_RESOURCE, error))
    return NULL;

  return json_node_ref (node);
}

static const ParlaField health_fields[] = {
  { "status", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "version", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "schema_version", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, G_MAXINT64 },
  { "now", PARLA_FIELD_INSTANT, PARLA_FIELD_REQUIRED },
};

static gpointer
parse_health (JsonNode  *node,
              GError   **error)
{
  return check_object (node, health_fields, G_N_ELEMENTS (health_fields), error);
}

static const ParlaField slots_fields[] = {
  { "time_zone", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "duration_minutes", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 1440 },
  { "slots", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
};

static gpointer
parse_slots (JsonNode  *node,
             GError   **error)
{
  return check_object (node, slots_fields, G_N_ELEMENTS (slots_fields), error);
}

static const ParlaField chat_history_fields[] = {
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "items", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
  { "next_before", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED | PARLA_FIELD_NULLABLE, 1, G_MAXINT64 },
  { "last_seq", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
  { "receipts", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
};

static gpointer
parse_chat_history (JsonNode  *node,
                    GError   **error)
{
  return check_object (node, chat_history_fields, G_N_ELEMENTS (chat_history_fields), error);
}

static const ParlaField join_fields[] = {
  { "call_id", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "participants", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
  { "ice_servers", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
};

static gpointer
parse_join (JsonNode  *node,
            GError   **error)
{
  return check_object (node, join_fields, G_N_ELEMENTS (join_fields), error);
}

static const ParlaField call_fields[] = {
  { "call_id", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "room", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "participants", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
};

static gpointer
parse_call (JsonNode  *node,
            GError   **error)
{
  return check_object (node, call_fields, G_N_ELEMENTS (call_fields), error);
}

/* Requests */

/* "/api/v1/bookings/" + escaped @id + @action ("/cancel" or NULL) */
static char *
resource_path (const char *collection,
               const char *id,
               const char *action)
{
  g_autofree char *escaped = g_uri_escape_string (id, NULL, FALSE);

  return g_strconcat (collection, escaped, action, NULL);
}

static void
call_async (ParlaApiClient      *self,
            gpointer             source_tag,
            ParseFunc            parse,
            GDestroyNotify       result_free,
            const char          *method,
            const char          *path,
            ParlaApiQuery       *query,
            JsonNode            *body,
            const char          *idempotency_key,
            GCancellable        *cancellable,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  GTask *task = new_call (self, source_tag, REQUEST_PLAIN, parse, result_free,
                          cancellable, callback, user_data);

  start_request (self, task, method, path, query, body, idempotency_key, TRUE);
}

static gboolean
finish_boolean (ParlaApiClient  *self,
                GAsyncResult    *result,
                gpointer         source_tag,
                GError         **error)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) local_error = NULL;

  node = finish_call (self, result, source_tag, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
build_object (const char *first_name,
              ...) G_GNUC_NULL_TERMINATED;

/* Builds {name: string, ...} from name, value pairs ended by NULL; a
 * NULL value leaves its member out. */
static JsonNode *
build_object (const char *first_name,
              ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *name = first_name;
  va_list args;

  json_builder_begin_object (builder);
  va_start (args, first_name);
  while (name != NULL)
    {
      const char *value = va_arg (args, const char *);

      if (value != NULL)
        parla_json_add_string (builder, name, value);
      name = va_arg (args, const char *);
    }
  va_end (args);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
on_restore_lookup_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ParlaApiClient *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *token = NULL;

  token = parla_token_store_lookup_finish (PARLA_TOKEN_STORE (object), result, &email, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (token != NULL)
    {
      parla_api_client_set_token (self, token);
      g_task_set_task_data (task, g_steal_pointer (&email), g_free);
    }

  g_task_return_boolean (task, token != NULL);
}

/* GInitable */

static gboolean
parla_api_client_initable_init (GInitable     *initable,
                                GCancellable  *cancellable,
                                GError       **error)
{
  ParlaApiClient *self = PARLA_API_CLIENT (initable);

  if (self->base_url_error != NULL)
    {
      g_propagate_error (error, g_error_copy (self->base_url_error));
      return FALSE;
    }

  if (self->base_url == NULL)
    return normalize_base_url (NULL, error) != NULL;

  return TRUE;
}

static void
parla_api_client_initable_iface_init (GInitableIface *iface)
{
  iface->init = parla_api_client_initable_init;
}

/* GObject */

static void
parla_api_client_dispose (GObject *object)
{
  ParlaApiClient *self = PARLA_API_CLIENT (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_clear_object (&self->token_store);

  G_OBJECT_CLASS (parla_api_client_parent_class)->dispose (object);
}

static void
parla_api_client_finalize (GObject *object)
{
  ParlaApiClient *self = PARLA_API_CLIENT (object);

  g_clear_pointer (&self->base_url, g_free);
  g_clear_error (&self->base_url_error);
  g_clear_pointer (&self->token, g_free);

  G_OBJECT_CLASS (parla_api_client_parent_class)->finalize (object);
}

static void
parla_api_client_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  ParlaApiClient *self = PARLA_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      g_value_set_string (value, self->base_url);
      break;

    case PROP_TOKEN:
      g_value_set_string (value, self->token);
      break;

    case PROP_TOKEN_STORE:
      g_value_set_object (value, self->token_store);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_api_client_set_property (GObject      *object,
                               guint         prop_id,
                               const GValue *value,
                               GParamSpec   *pspec)
{
  ParlaApiClient *self = PARLA_API_CLIENT (object);

  switch (prop_id)
    {
    case PROP_BASE_URL:
      /* An invalid address leaves base-url unset: g_initable_init() and
       * every call report it. */
      self->base_url = normalize_base_url (g_value_get_string (value), &self->base_url_error);
      break;

    case PROP_TOKEN:
      parla_api_client_set_token (self, g_value_get_string (value));
      break;

    case PROP_TOKEN_STORE:
      self->token_store = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_api_client_class_init (ParlaApiClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_api_client_dispose;
  object_class->finalize = parla_api_client_finalize;
  object_class->get_property = parla_api_client_get_property;
  object_class->set_property = parla_api_client_set_property;

  /**
   * ParlaApiClient:base-url:
   *
   * The server's address, such as "https://parla.example/" or
   * "http://127.0.0.1:8080"; requests go to its "api/v1/…" paths. Read
   * back, it always ends with a slash.
   */
  properties[PROP_BASE_URL] =
    g_param_spec_string ("base-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaApiClient:token:
   *
   * The bearer token sent with every request, or %NULL when signed out.
   */
  properties[PROP_TOKEN] =
    g_param_spec_string ("token", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaApiClient:token-store:
   *
   * Where signing in keeps the token, and signing out forgets it, or %NULL.
   */
  properties[PROP_TOKEN_STORE] =
    g_param_spec_object ("token-store", NULL, NULL,
                         PARLA_TYPE_TOKEN_STORE,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaApiClient::unauthorized:
   *
   * Emitted when the server refuses the current token (HTTP 401): it
   * expired or was revoked, and the user has to sign in again.
   */
  signals[UNAUTHORIZED] =
    g_signal_new ("unauthorized",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0,
                  NULL, NULL,
                  NULL,
                  G_TYPE_NONE, 0);
}

static void
parla_api_client_init (ParlaApiClient *self)
{
  self->session = soup_session_new_with_options ("user-agent", "parla/" PACKAGE_VERSION,
                                                 "timeout", REQUEST_TIMEOUT_SECONDS,
                                                 "idle-timeout", IDLE_TIMEOUT_SECONDS,
                                                 NULL);
}

/* Public API */

/* ParlaApiQuery */

/**
 * parla_api_query_new:
 *
 * Creates an empty query string. Names and values are escaped as they are
 * added, so any text may be used as a filter.
 *
 * Returns: (transfer full): a new #ParlaApiQuery
 */
ParlaApiQuery *
parla_api_query_new (void)
{
  ParlaApiQuery *self = g_new0 (ParlaApiQuery, 1);

  g_ref_count_init (&self->ref_count);
  self->text = g_string_new (NULL);

  return self;
}

/**
 * parla_api_query_ref:
 * @self: a #ParlaApiQuery
 *
 * Returns: (transfer full): @self
 */
ParlaApiQuery *
parla_api_query_ref (ParlaApiQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);

  return self;
}

void
parla_api_query_unref (ParlaApiQuery *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_string_free (self->text, TRUE);
      g_free (self);
    }
}

/**
 * parla_api_query_add_string:
 * @self: a #ParlaApiQuery
 * @name: the parameter's name
 * @value: (nullable): its value; %NULL adds nothing
 *
 * Adds "name=value", percent-encoding every byte of both that is not an
 * unreserved URI character (UTF-8 text is sent as its bytes).
 */
void
parla_api_query_add_string (ParlaApiQuery *self,
                            const char    *name,
                            const char    *value)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (name != NULL && *name != '\0');

  if (value == NULL)
    return;

  if (self->text->len > 0)
    g_string_append_c (self->text, '&');
  g_string_append_uri_escaped (self->text, name, NULL, FALSE);
  g_string_append_c (self->text, '=');
  g_string_append_uri_escaped (self->text, value, NULL, FALSE);
}

/**
 * parla_api_query_add_int:
 * @self: a #ParlaApiQuery
 * @name: the parameter's name
 * @value: the value, sent in decimal
 */
void
parla_api_query_add_int (ParlaApiQuery *self,
                         const char    *name,
                         gint64         value)
{
  char text[32];

  g_return_if_fail (self != NULL);

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  parla_api_query_add_string (self, name, text);
}

/**
 * parla_api_query_add_boolean:
 * @self: a #ParlaApiQuery
 * @name: the parameter's name
 * @value: the value, sent as "true" or "false"
 */
void
parla_api_query_add_boolean (ParlaApiQuery *self,
                             const char    *name,
                             gboolean       value)
{
  parla_api_query_add_string (self, name, value ? "true" : "false");
}

/**
 * parla_api_query_add_instant:
 * @self: a #ParlaApiQuery
 * @name: the parameter's name
 * @instant: seconds since the epoch, sent as RFC 3339 in UTC
 */
void
parla_api_query_add_instant (ParlaApiQuery *self,
                             const char    *name,
                             gint64         instant)
{
  g_autofree char *text = parla_time_format_rfc3339 (instant);

  parla_api_query_add_string (self, name, text);
}

/**
 * parla_api_query_add_date_time:
 * @self: a #ParlaApiQuery
 * @name: the parameter's name
 * @date_time: a #GDateTime in any zone, sent as RFC 3339 in UTC
 *
 * Fractions of a second are dropped.
 */
void
parla_api_query_add_date_time (ParlaApiQuery *self,
                               const char    *name,
                               GDateTime     *date_time)
{
  g_return_if_fail (date_time != NULL);

  parla_api_query_add_instant (self, name, g_date_time_to_unix (date_time));
}

gboolean
parla_api_query_is_empty (ParlaApiQuery *self)
{
  g_return_val_if_fail (self != NULL, TRUE);

  return self->text->len == 0;
}

/**
 * parla_api_query_to_string:
 * @self: a #ParlaApiQuery
 *
 * Returns: (transfer full): the escaped query, without the leading "?"
 */
char *
parla_api_query_to_string (ParlaApiQuery *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_strdup (self->text->str);
}

/* ParlaApiPage */

/**
 * parla_api_page_ref:
 * @self: a #ParlaApiPage
 *
 * Returns: (transfer full): @self
 */
ParlaApiPage *
parla_api_page_ref (ParlaApiPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);

  return self;
}

void
parla_api_page_unref (ParlaApiPage *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_clear_object (&self->items);
      g_free (self);
    }
}

/**
 * parla_api_page_get_items:
 * @self: a #ParlaApiPage
 *
 * Returns: (transfer none): the items of the page, in the server's order;
 *   their type is the entity of the list (#ParlaTeacher, #ParlaOffering,
 *   #ParlaSession or #ParlaBooking)
 */
GListModel *
parla_api_page_get_items (ParlaApiPage *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return G_LIST_MODEL (self->items);
}

guint
parla_api_page_get_n_items (ParlaApiPage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->items));
}

/**
 * parla_api_page_get_item:
 * @self: a #ParlaApiPage
 * @position: the item's position
 *
 * Returns: (transfer none) (nullable) (type GObject): the item, or %NULL
 *   past the end
 */
gpointer
parla_api_page_get_item (ParlaApiPage *self,
                         guint         position)
{
  gpointer item;

  g_return_val_if_fail (self != NULL, NULL);

  /* The store keeps its own reference. */
  item = g_list_model_get_item (G_LIST_MODEL (self->items), position);
  if (item != NULL)
    g_object_unref (item);

  return item;
}

/**
 * parla_api_page_get_total:
 * @self: a #ParlaApiPage
 *
 * Returns: the number of items matching the filters over all pages; a
 *   lower bound when parla_api_page_get_total_exact() is %FALSE
 */
gint64
parla_api_page_get_total (ParlaApiPage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->total;
}

/**
 * parla_api_page_get_total_exact:
 * @self: a #ParlaApiPage
 *
 * Returns: whether the total is exact; lists whose answer does not say are
 *   always exact
 */
gboolean
parla_api_page_get_total_exact (ParlaApiPage *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->total_exact;
}

/**
 * parla_api_page_get_page:
 * @self: a #ParlaApiPage
 *
 * Returns: the page returned, counted from 1
 */
int
parla_api_page_get_page (ParlaApiPage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->page;
}

/**
 * parla_api_page_get_limit:
 * @self: a #ParlaApiPage
 *
 * Returns: the page size the server used
 */
int
parla_api_page_get_limit (ParlaApiPage *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->limit;
}

/* ParlaApiClient */

/**
 * parla_api_error_is_transient:
 * @error: (nullable): an error from a #ParlaApiClient call
 *
 * Whether the same request may succeed when sent again later: the server
 * could not be reached, failed (5xx), asked to slow down (429), or was
 * still running an earlier request with the same Idempotency-Key (409).
 * Everything else, cancellation included, is permanent.
 *
 * Returns: %TRUE for a transient error
 */
gboolean
parla_api_error_is_transient (const GError *error)
{
  guint status;

  if (error == NULL || error->domain != PARLA_ERROR)
    return FALSE;

  status = parla_error_get_http_status (error);

  switch ((ParlaError) error->code)
    {
    case PARLA_ERROR_NETWORK:
    case PARLA_ERROR_RATE_LIMITED:
    case PARLA_ERROR_UNAVAILABLE:
      return TRUE;

    case PARLA_ERROR_IDEMPOTENCY_CONFLICT:
      return status == SOUP_STATUS_CONFLICT;

    case PARLA_ERROR_INTERNAL:
    case PARLA_ERROR_INVALID_INPUT:
    case PARLA_ERROR_UNAUTHORIZED:
    case PARLA_ERROR_FORBIDDEN:
    case PARLA_ERROR_NOT_FOUND:
    case PARLA_ERROR_METHOD_NOT_ALLOWED:
    case PARLA_ERROR_SLOT_TAKEN:
    case PARLA_ERROR_SLOT_UNAVAILABLE:
    case PARLA_ERROR_INVALID_STATE:
    case PARLA_ERROR_EMAIL_TAKEN:
    case PARLA_ERROR_PAYLOAD_TOO_LARGE:
    case PARLA_ERROR_UNSUPPORTED_MEDIA_TYPE:
    default:
      return status >= 500;
    }
}

/**
 * parla_api_client_new:
 * @base_url: the server's address, such as "http://127.0.0.1:8080/"
 * @token_store: (nullable): where to keep the sign-in token
 * @error: return location for a #PARLA_ERROR_INVALID_INPUT
 *
 * Returns: (transfer full) (nullable): a new client, or %NULL when
 *   @base_url is not an http or https address
 */
ParlaApiClient *
parla_api_client_new (const char       *base_url,
                      ParlaTokenStore  *token_store,
                      GError          **error)
{
  g_return_val_if_fail (!token_store || PARLA_IS_TOKEN_STORE (token_store), NULL);

  return g_initable_new (PARLA_TYPE_API_CLIENT, NULL, error,
                         "base-url", base_url,
                         "token-store", token_store,
                         NULL);
}

/**
 * parla_api_client_get_base_url:
 * @self: a #ParlaApiClient
 *
 * Returns: (nullable): the server's address, ending with a slash
 */
const char *
parla_api_client_get_base_url (ParlaApiClient *self)
{
  g_return_val_if_fail (PARLA_IS_API_CLIENT (self), NULL);

  return self->base_url;
}

/**
 * parla_api_client_get_token_store:
 * @self: a #ParlaApiClient
 *
 * Returns: (transfer none) (nullable): the token store
 */
ParlaTokenStore *
parla_api_client_get_token_store (ParlaApiClient *self)
{
  g_return_val_if_fail (PARLA_IS_API_CLIENT (self), NULL);

  return self->token_store;
}

/**
 * parla_api_client_get_token:
 * @self: a #ParlaApiClient
 *
 * Returns: (nullable): the bearer token, or %NULL when signed out
 */
const char *
parla_api_client_get_token (ParlaApiClient *self)
{
  g_return_val_if_fail (PARLA_IS_API_CLIENT (self), NULL);

  return self->token;
}

/**
 * parla_api_client_set_token:
 * @self: a #ParlaApiClient
 * @token: (nullable): a bearer token, or %NULL to sign out locally
 *
 * Sets the token sent with the following requests. The token store is
 * not changed.
 */
void
parla_api_client_set_token (ParlaApiClient *self,
                            const char     *token)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));

  if (token != NULL && *token == '\0')
    token = NULL;

  if (g_strcmp0 (self->token, token) == 0)
    return;

  g_free (self->token);
  self->token = g_strdup (token);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOKEN]);
}

/**
 * parla_api_client_send_async:
 * @self: a #ParlaApiClient
 * @method: an HTTP method, such as "POST"
 * @path: the escaped path from the server's root, starting with "/", such
 *   as "/api/v1/bookings/abc/cancel", optionally with "?query"
 * @body: (nullable): the JSON body to send
 * @idempotency_key: (nullable): sent as Idempotency-Key, so that sending
 *   the request again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the answer has been read
 * @user_data: data for @callback
 *
 * Sends one request with the current token, and reads its answer. Every
 * typed call of the client goes through this path.
 */
void
parla_api_client_send_async (ParlaApiClient      *self,
                             const char          *method,
                             const char          *path,
                             JsonNode            *body,
                             const char          *idempotency_key,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (method != NULL);
  g_return_if_fail (path != NULL && path[0] == '/');
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call (self, parla_api_client_send_async, REQUEST_PLAIN, NULL, NULL,
                   cancellable, callback, user_data);
  start_request (self, task, method, path, NULL, body, idempotency_key, TRUE);
}

/**
 * parla_api_client_send_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Gets the answer of parla_api_client_send_async(). An HTTP error becomes
 * the #PARLA_ERROR the server named, with its message and field; a server
 * that cannot be reached gives #PARLA_ERROR_NETWORK, and an answer that
 * is not JSON #PARLA_ERROR_INTERNAL. See parla_api_error_is_transient().
 *
 * Returns: (transfer full) (nullable): the parsed body, or %NULL, without
 *   error, when the answer had none (204)
 */
JsonNode *
parla_api_client_send_finish (ParlaApiClient  *self,
                              GAsyncResult    *result,
                              GError         **error)
{
  return parla_api_client_send_finish_full (self, result, NULL, NULL, error);
}

/**
 * parla_api_client_send_finish_full:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @out_status: (out) (optional): the HTTP status, 0 when there was no answer
 * @out_replayed: (out) (optional): whether the server replayed the stored
 *   answer to an earlier request with the same Idempotency-Key
 * @error: return location for a #GError
 *
 * Like parla_api_client_send_finish(), with more about the answer.
 *
 * Returns: (transfer full) (nullable): the parsed body, or %NULL
 */
JsonNode *
parla_api_client_send_finish_full (ParlaApiClient  *self,
                                   GAsyncResult    *result,
                                   guint           *out_status,
                                   gboolean        *out_replayed,
                                   GError         **error)
{
  Request *request;

  g_return_val_if_fail (PARLA_IS_API_CLIENT (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == parla_api_client_send_async, NULL);

  request = g_task_get_task_data (G_TASK (result));
  if (out_status != NULL)
    *out_status = request->status;
  if (out_replayed != NULL)
    *out_replayed = request->replayed;

  return finish_call (self, result, parla_api_client_send_async, error);
}

/**
 * parla_api_client_register_async:
 * @self: a #ParlaApiClient
 * @email: the account's email address
 * @password: the password, 8 to 128 characters
 * @display_name: the name others see
 * @role: #PARLA_ROLE_STUDENT or #PARLA_ROLE_TEACHER
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Creates an account and signs in to it: the new token becomes
 * #ParlaApiClient:token, and is kept in the token store when there is one.
 */
void
parla_api_client_register_async (ParlaApiClient      *self,
                                 const char          *email,
                                 const char          *password,
                                 const char          *display_name,
                                 ParlaRole            role,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (display_name != NULL);
  g_return_if_fail (role == PARLA_ROLE_STUDENT || role == PARLA_ROLE_TEACHER);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = build_object ("email", email,
                       "password", password,
                       "display_name", display_name,
                       "role", parla_role_names[role],
                       NULL);
  task = new_call (self, parla_api_client_register_async, REQUEST_SIGN_IN,
                   NULL, g_object_unref, cancellable, callback, user_data);
  start_request (self, task, "POST", "/api/v1/auth/register", NULL, body, NULL, FALSE);
}

/**
 * parla_api_client_register_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the new user, or %NULL with @error set
 */
ParlaUser *
parla_api_client_register_finish (ParlaApiClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return finish_call (self, result, parla_api_client_register_async, error);
}

/**
 * parla_api_client_login_async:
 * @self: a #ParlaApiClient
 * @email: the account's email address
 * @password: the password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Signs in: the new token becomes #ParlaApiClient:token, and is kept in
 * the token store when there is one. A wrong email or password fails
 * with #PARLA_ERROR_UNAUTHORIZED.
 */
void
parla_api_client_login_async (ParlaApiClient      *self,
                              const char          *email,
                              const char          *password,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  GTask *task;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = build_object ("email", email, "password", password, NULL);
  task = new_call (self, parla_api_client_login_async, REQUEST_SIGN_IN,
                   NULL, g_object_unref, cancellable, callback, user_data);
  start_request (self, task, "POST", "/api/v1/auth/login", NULL, body, NULL, FALSE);
}

/**
 * parla_api_client_login_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the signed-in user, or %NULL with @error set
 */
ParlaUser *
parla_api_client_login_finish (ParlaApiClient  *self,
                               GAsyncResult    *result,
                               GError         **error)
{
  return finish_call (self, result, parla_api_client_login_async, error);
}

/**
 * parla_api_client_logout_async:
 * @self: a #ParlaApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Signs out: the server revokes the token. The token is forgotten
 * locally, and in the token store, even when the server cannot be
 * reached; the error is still reported.
 */
void
parla_api_client_logout_async (ParlaApiClient      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  GTask *task;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = new_call (self, parla_api_client_logout_async, REQUEST_SIGN_OUT,
                   NULL, NULL, cancellable, callback, user_data);
  start_request (self, task, "POST", "/api/v1/auth/logout", NULL, NULL, NULL, TRUE);
  parla_api_client_set_token (self, NULL);
}

/**
 * parla_api_client_logout_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the server revoked the token
 */
gboolean
parla_api_client_logout_finish (ParlaApiClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  return finish_boolean (self, result, parla_api_client_logout_async, error);
}

/**
 * parla_api_client_restore_async:
 * @self: a #ParlaApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Looks up the token kept in the token store for the client's
 * #ParlaApiClient:base-url, and makes it the current token. Nothing is
 * sent to the server: the next request tells whether the token is
 * still valid.
 */
void
parla_api_client_restore_async (ParlaApiClient      *self,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_api_client_restore_async);

  if (self->token_store == NULL || self->base_url == NULL)
    {
      g_task_return_boolean (task, FALSE);
      return;
    }

  parla_token_store_lookup_async (self->token_store, self->base_url, cancellable,
                                  on_restore_lookup_cb, g_steal_pointer (&task));
}

/**
 * parla_api_client_restore_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @out_email: (out) (optional) (nullable) (transfer full): the account the
 *   token belongs to
 * @error: return location for a #GError
 *
 * Returns: %TRUE when a token was restored; %FALSE without error when
 *   none is stored, or the client has no token store
 */
gboolean
parla_api_client_restore_finish (ParlaApiClient  *self,
                                 GAsyncResult    *result,
                                 char           **out_email,
                                 GError         **error)
{
  gboolean restored;

  g_return_val_if_fail (PARLA_IS_API_CLIENT (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == parla_api_client_restore_async, FALSE);

  restored = g_task_propagate_boolean (G_TASK (result), error);
  if (out_email != NULL)
    *out_email = restored ? g_strdup (g_task_get_task_data (G_TASK (result))) : NULL;

  return restored;
}

/**
 * parla_api_client_get_me_async:
 * @self: a #ParlaApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets the signed-in user (GET /api/v1/me).
 */
void
parla_api_client_get_me_async (ParlaApiClient      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_async (self, parla_api_client_get_me_async, parse_user, (GDestroyNotify) g_object_unref,
              "GET", "/api/v1/me", NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_me_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the user, or %NULL with @error set
 */
ParlaUser *
parla_api_client_get_me_finish (ParlaApiClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  return finish_call (self, result, parla_api_client_get_me_async, error);
}

/**
 * parla_api_client_health_async:
 * @self: a #ParlaApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks whether the server is up (GET /api/v1/health). Needs no token.
 */
void
parla_api_client_health_async (ParlaApiClient      *self,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_async (self, parla_api_client_health_async, parse_health, (GDestroyNotify) json_node_unref,
              "GET", "/api/v1/health", NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_health_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{status, version, schema_version, now}`,
 *   or %NULL with @error set
 */
JsonNode *
parla_api_client_health_finish (ParlaApiClient  *self,
                                GAsyncResult    *result,
                                GError         **error)
{
  return finish_call (self, result, parla_api_client_health_async, error);
}

/**
 * parla_api_client_list_teachers_async:
 * @self: a #ParlaApiClient
 * @query: (nullable): filters and paging
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Lists teachers, best rated first. Filters: subject, language, level,
 * specialization, min_price, max_price, free, q, page and limit.
 */
void
parla_api_client_list_teachers_async (ParlaApiClient      *self,
                                      ParlaApiQuery       *query,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_async (self, parla_api_client_list_teachers_async, parse_teacher_page, (GDestroyNotify) parla_api_page_unref,
              "GET", "/api/v1/teachers", query, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_list_teachers_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a page of #ParlaTeacher, or %NULL with @error set
 */
ParlaApiPage *
parla_api_client_list_teachers_finish (ParlaApiClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return finish_call (self, result, parla_api_client_list_teachers_async, error);
}

/**
 * parla_api_client_get_teacher_async:
 * @self: a #ParlaApiClient
 * @teacher_id: the teacher's user id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets a teacher's profile, with their current offerings
 * (parla_teacher_get_offerings_json()).
 */
void
parla_api_client_get_teacher_async (ParlaApiClient      *self,
                                    const char          *teacher_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (teacher_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/teachers/", teacher_id, NULL);
  call_async (self, parla_api_client_get_teacher_async, parse_teacher, (GDestroyNotify) g_object_unref,
              "GET", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_teacher_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the teacher, or %NULL with @error set
 */
ParlaTeacher *
parla_api_client_get_teacher_finish (ParlaApiClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return finish_call (self, result, parla_api_client_get_teacher_async, error);
}

/**
 * parla_api_client_put_teacher_profile_async:
 * @self: a #ParlaApiClient
 * @profile: the new profile
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Replaces the signed-in teacher's profile with the members of @profile
 * a teacher owns (bio, languages, subjects, levels, specializations,
 * accent and time zone).
 */
void
parla_api_client_put_teacher_profile_async (ParlaApiClient      *self,
                                            ParlaTeacher        *profile,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (PARLA_IS_TEACHER (profile));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = parla_teacher_to_json (profile);
  call_async (self, parla_api_client_put_teacher_profile_async, parse_teacher, (GDestroyNotify) g_object_unref,
              "PUT", "/api/v1/me/teacher-profile", NULL, body, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_put_teacher_profile_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the stored profile, or %NULL with @error set
 */
ParlaTeacher *
parla_api_client_put_teacher_profile_finish (ParlaApiClient  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return finish_call (self, result, parla_api_client_put_teacher_profile_async, error);
}

/**
 * parla_api_client_get_teacher_availability_async:
 * @self: a #ParlaApiClient
 * @teacher_id: the teacher's user id
 * @query: (nullable): from, to and duration
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets the start times a teacher can be booked at. Filters: from, to
 * (at most 62 days apart; the server's default is the next 7 days) and
 * duration in minutes (default 60).
 */
void
parla_api_client_get_teacher_availability_async (ParlaApiClient      *self,
                                                 const char          *teacher_id,
                                                 ParlaApiQuery       *query,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (teacher_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/teachers/", teacher_id, "/availability");
  call_async (self, parla_api_client_get_teacher_availability_async, parse_slots, (GDestroyNotify) json_node_unref,
              "GET", path, query, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_teacher_availability_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{time_zone, duration_minutes, slots: [{start,
 *   end}]}`, or %NULL with @error set
 */
JsonNode *
parla_api_client_get_teacher_availability_finish (ParlaApiClient  *self,
                                                  GAsyncResult    *result,
                                                  GError         **error)
{
  return finish_call (self, result, parla_api_client_get_teacher_availability_async, error);
}

/**
 * parla_api_client_get_my_availability_async:
 * @self: a #ParlaApiClient
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets the signed-in teacher's weekly hours, overrides and rules.
 */
void
parla_api_client_get_my_availability_async (ParlaApiClient      *self,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_async (self, parla_api_client_get_my_availability_async, parse_availability, (GDestroyNotify) parla_availability_unref,
              "GET", "/api/v1/me/availability", NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_my_availability_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the availability, or %NULL with @error set
 */
ParlaAvailability *
parla_api_client_get_my_availability_finish (ParlaApiClient  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return finish_call (self, result, parla_api_client_get_my_availability_async, error);
}

/**
 * parla_api_client_put_my_availability_async:
 * @self: a #ParlaApiClient
 * @availability: the new availability
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Replaces the signed-in teacher's availability.
 */
void
parla_api_client_put_my_availability_async (ParlaApiClient      *self,
                                            ParlaAvailability   *availability,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (availability != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = parla_availability_to_json (availability);
  call_async (self, parla_api_client_put_my_availability_async, parse_availability, (GDestroyNotify) parla_availability_unref,
              "PUT", "/api/v1/me/availability", NULL, body, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_put_my_availability_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the stored availability, or %NULL with @error set
 */
ParlaAvailability *
parla_api_client_put_my_availability_finish (ParlaApiClient  *self,
                                             GAsyncResult    *result,
                                             GError         **error)
{
  return finish_call (self, result, parla_api_client_put_my_availability_async, error);
}

/**
 * parla_api_client_list_offerings_async:
 * @self: a #ParlaApiClient
 * @query: (nullable): filters and paging
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Lists offerings, oldest first. Filters: teacher_id, session_type,
 * free, include_archived, page and limit.
 */
void
parla_api_client_list_offerings_async (ParlaApiClient      *self,
                                       ParlaApiQuery       *query,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_async (self, parla_api_client_list_offerings_async, parse_offering_page, (GDestroyNotify) parla_api_page_unref,
              "GET", "/api/v1/offerings", query, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_list_offerings_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a page of #ParlaOffering, or %NULL with @error set
 */
ParlaApiPage *
parla_api_client_list_offerings_finish (ParlaApiClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, parla_api_client_list_offerings_async, error);
}

/**
 * parla_api_client_get_offering_async:
 * @self: a #ParlaApiClient
 * @offering_id: the offering's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets one offering.
 */
void
parla_api_client_get_offering_async (ParlaApiClient      *self,
                                     const char          *offering_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (offering_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/offerings/", offering_id, NULL);
  call_async (self, parla_api_client_get_offering_async, parse_offering, (GDestroyNotify) g_object_unref,
              "GET", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_offering_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the offering, or %NULL with @error set
 */
ParlaOffering *
parla_api_client_get_offering_finish (ParlaApiClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return finish_call (self, result, parla_api_client_get_offering_async, error);
}

/**
 * parla_api_client_create_offering_async:
 * @self: a #ParlaApiClient
 * @offering: the new offering
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Creates an offering of the signed-in teacher from the members of
 * @offering the teacher owns.
 */
void
parla_api_client_create_offering_async (ParlaApiClient      *self,
                                        ParlaOffering       *offering,
                                        const char          *idempotency_key,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (PARLA_IS_OFFERING (offering));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = parla_offering_to_json (offering);
  call_async (self, parla_api_client_create_offering_async, parse_offering, (GDestroyNotify) g_object_unref,
              "POST", "/api/v1/offerings", NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_create_offering_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the created offering, with its id, or %NULL
 *   with @error set
 */
ParlaOffering *
parla_api_client_create_offering_finish (ParlaApiClient  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  return finish_call (self, result, parla_api_client_create_offering_async, error);
}

/**
 * parla_api_client_update_offering_async:
 * @self: a #ParlaApiClient
 * @offering_id: the offering's id
 * @changes: a JSON object such as `{"price_minor": 3000}`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Changes the members of an offering named in @changes; the others keep
 * their values.
 */
void
parla_api_client_update_offering_async (ParlaApiClient      *self,
                                        const char          *offering_id,
                                        JsonNode            *changes,
                                        GCancellable        *cancellable,
                                        GAsyncReadyCallback  callback,
                                        gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (offering_id != NULL);
  g_return_if_fail (changes != NULL && JSON_NODE_HOLDS_OBJECT (changes));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/offerings/", offering_id, NULL);
  call_async (self, parla_api_client_update_offering_async, parse_offering, (GDestroyNotify) g_object_unref,
              "PUT", path, NULL, changes, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_update_offering_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the updated offering, or %NULL with @error set
 */
ParlaOffering *
parla_api_client_update_offering_finish (ParlaApiClient  *self,
                                         GAsyncResult    *result,
                                         GError         **error)
{
  return finish_call (self, result, parla_api_client_update_offering_async, error);
}

/**
 * parla_api_client_archive_offering_async:
 * @self: a #ParlaApiClient
 * @offering_id: the offering's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Archives an offering (DELETE /api/v1/offerings/{id}): it can no longer
 * be booked, and existing bookings keep pointing at it.
 */
void
parla_api_client_archive_offering_async (ParlaApiClient      *self,
                                         const char          *offering_id,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (offering_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/offerings/", offering_id, NULL);
  call_async (self, parla_api_client_archive_offering_async, NULL, NULL,
              "DELETE", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_archive_offering_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the offering was archived
 */
gboolean
parla_api_client_archive_offering_finish (ParlaApiClient  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return finish_boolean (self, result, parla_api_client_archive_offering_async, error);
}

/**
 * parla_api_client_list_sessions_async:
 * @self: a #ParlaApiClient
 * @query: (nullable): filters and paging
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Lists scheduled sessions, earliest first. Filters: language, level,
 * type, free, q, from, to, host_id, page and limit. The total may be a
 * lower bound, see parla_api_page_get_total_exact().
 */
void
parla_api_client_list_sessions_async (ParlaApiClient      *self,
                                      ParlaApiQuery       *query,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_async (self, parla_api_client_list_sessions_async, parse_session_page, (GDestroyNotify) parla_api_page_unref,
              "GET", "/api/v1/sessions", query, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_list_sessions_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a page of #ParlaSession, or %NULL with @error set
 */
ParlaApiPage *
parla_api_client_list_sessions_finish (ParlaApiClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return finish_call (self, result, parla_api_client_list_sessions_async, error);
}

/**
 * parla_api_client_get_session_async:
 * @self: a #ParlaApiClient
 * @session_id: the session's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets one session.
 */
void
parla_api_client_get_session_async (ParlaApiClient      *self,
                                    const char          *session_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/sessions/", session_id, NULL);
  call_async (self, parla_api_client_get_session_async, parse_session, (GDestroyNotify) g_object_unref,
              "GET", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_session_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the session, or %NULL with @error set
 */
ParlaSession *
parla_api_client_get_session_finish (ParlaApiClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return finish_call (self, result, parla_api_client_get_session_async, error);
}

/**
 * parla_api_client_create_session_async:
 * @self: a #ParlaApiClient
 * @session: the new session
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Schedules a session hosted by the signed-in user, from the members of
 * @session a host owns.
 */
void
parla_api_client_create_session_async (ParlaApiClient      *self,
                                       ParlaSession        *session,
                                       const char          *idempotency_key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (PARLA_IS_SESSION (session));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  body = parla_session_to_json (session);
  call_async (self, parla_api_client_create_session_async, parse_session, (GDestroyNotify) g_object_unref,
              "POST", "/api/v1/sessions", NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_create_session_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the created session, with its id, or %NULL
 *   with @error set
 */
ParlaSession *
parla_api_client_create_session_finish (ParlaApiClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, parla_api_client_create_session_async, error);
}

/**
 * parla_api_client_update_session_async:
 * @self: a #ParlaApiClient
 * @session_id: the session's id
 * @changes: a JSON object such as `{"capacity": 8}`
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Changes the members of a session named in @changes; send
 * `{"status": "cancelled"}` to cancel it with every seat.
 */
void
parla_api_client_update_session_async (ParlaApiClient      *self,
                                       const char          *session_id,
                                       JsonNode            *changes,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (changes != NULL && JSON_NODE_HOLDS_OBJECT (changes));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/sessions/", session_id, NULL);
  call_async (self, parla_api_client_update_session_async, parse_session, (GDestroyNotify) g_object_unref,
              "PUT", path, NULL, changes, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_update_session_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the updated session, or %NULL with @error set
 */
ParlaSession *
parla_api_client_update_session_finish (ParlaApiClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, parla_api_client_update_session_async, error);
}

/**
 * parla_api_client_join_session_async:
 * @self: a #ParlaApiClient
 * @session_id: the session's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks to join a session's call (POST /api/v1/sessions/{id}/join).
 */
void
parla_api_client_join_session_async (ParlaApiClient      *self,
                                     const char          *session_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/sessions/", session_id, "/join");
  call_async (self, parla_api_client_join_session_async, parse_join, (GDestroyNotify) json_node_unref,
              "POST", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_join_session_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{call_id, room, participants, ice_servers}`,
 *   or %NULL with @error set
 */
JsonNode *
parla_api_client_join_session_finish (ParlaApiClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return finish_call (self, result, parla_api_client_join_session_async, error);
}

/**
 * parla_api_client_join_booking_async:
 * @self: a #ParlaApiClient
 * @booking_id: the lesson's booking id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks to join a 1:1 lesson's call (POST /api/v1/bookings/{id}/join).
 */
void
parla_api_client_join_booking_async (ParlaApiClient      *self,
                                     const char          *booking_id,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/bookings/", booking_id, "/join");
  call_async (self, parla_api_client_join_booking_async, parse_join, (GDestroyNotify) json_node_unref,
              "POST", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_join_booking_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{call_id, room, participants, ice_servers}`,
 *   or %NULL with @error set
 */
JsonNode *
parla_api_client_join_booking_finish (ParlaApiClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return finish_call (self, result, parla_api_client_join_booking_async, error);
}

/**
 * parla_api_client_get_call_async:
 * @self: a #ParlaApiClient
 * @call_id: the call's id, from a join
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets a call: what it belongs to, when it started and ended, its
 * participants and who was in it when (GET /api/v1/calls/{id}).
 */
void
parla_api_client_get_call_async (ParlaApiClient      *self,
                                 const char          *call_id,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (call_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/calls/", call_id, NULL);
  call_async (self, parla_api_client_get_call_async, parse_call, (GDestroyNotify) json_node_unref,
              "GET", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_call_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{call_id, room, session_id, booking_id,
 *   started_at, ended_at, participants, attendance}`, or %NULL with
 *   @error set
 */
JsonNode *
parla_api_client_get_call_finish (ParlaApiClient  *self,
                                  GAsyncResult    *result,
                                  GError         **error)
{
  return finish_call (self, result, parla_api_client_get_call_async, error);
}

/**
 * parla_api_client_book_session_async:
 * @self: a #ParlaApiClient
 * @session_id: the session's id
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Books a seat in a session for the signed-in user.
 */
void
parla_api_client_book_session_async (ParlaApiClient      *self,
                                     const char          *session_id,
                                     const char          *idempotency_key,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/sessions/", session_id, "/book");
  call_async (self, parla_api_client_book_session_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, NULL, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_book_session_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_book_session_finish (ParlaApiClient  *self,
                                      GAsyncResult    *result,
                                      GError         **error)
{
  return finish_call (self, result, parla_api_client_book_session_async, error);
}

/**
 * parla_api_client_cancel_seat_async:
 * @self: a #ParlaApiClient
 * @session_id: the session's id
 * @idempotency_key: (nullable): an Idempotency-Key; the server does not
 *   need one here today, since cancelling twice changes nothing
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gives up the signed-in user's seat in a session
 * (DELETE /api/v1/sessions/{id}/book).
 */
void
parla_api_client_cancel_seat_async (ParlaApiClient      *self,
                                    const char          *session_id,
                                    const char          *idempotency_key,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/sessions/", session_id, "/book");
  call_async (self, parla_api_client_cancel_seat_async, parse_booking, (GDestroyNotify) g_object_unref,
              "DELETE", path, NULL, NULL, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_cancel_seat_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the cancelled booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_cancel_seat_finish (ParlaApiClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return finish_call (self, result, parla_api_client_cancel_seat_async, error);
}

/**
 * parla_api_client_book_offering_async:
 * @self: a #ParlaApiClient
 * @offering_id: the offering's id
 * @start: the lesson's start, seconds since the epoch
 * @topic: (nullable): what the learner wants to work on
 * @message: (nullable): a note for the teacher
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Books a lesson of an individual offering at one of the teacher's
 * slots (see parla_api_client_get_teacher_availability_async()).
 */
void
parla_api_client_book_offering_async (ParlaApiClient      *self,
                                      const char          *offering_id,
                                      gint64               start,
                                      const char          *topic,
                                      const char          *message,
                                      const char          *idempotency_key,
                                      GCancellable        *cancellable,
                                      GAsyncReadyCallback  callback,
                                      gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *start_text = parla_time_format_rfc3339 (start);
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (offering_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/offerings/", offering_id, "/book");
  body = build_object ("start", start_text, "topic", topic, "message", message, NULL);
  call_async (self, parla_api_client_book_offering_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_book_offering_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_book_offering_finish (ParlaApiClient  *self,
                                       GAsyncResult    *result,
                                       GError         **error)
{
  return finish_call (self, result, parla_api_client_book_offering_async, error);
}

/**
 * parla_api_client_list_my_bookings_async:
 * @self: a #ParlaApiClient
 * @query: (nullable): filters and paging
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Lists the signed-in user's bookings, earliest start first. Filters:
 * role (learner or teacher), status, from, to, page and limit.
 */
void
parla_api_client_list_my_bookings_async (ParlaApiClient      *self,
                                         ParlaApiQuery       *query,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  call_async (self, parla_api_client_list_my_bookings_async, parse_booking_page, (GDestroyNotify) parla_api_page_unref,
              "GET", "/api/v1/me/bookings", query, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_list_my_bookings_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): a page of #ParlaBooking, or %NULL with @error set
 */
ParlaApiPage *
parla_api_client_list_my_bookings_finish (ParlaApiClient  *self,
                                          GAsyncResult    *result,
                                          GError         **error)
{
  return finish_call (self, result, parla_api_client_list_my_bookings_async, error);
}

/**
 * parla_api_client_get_booking_async:
 * @self: a #ParlaApiClient
 * @booking_id: the booking's id
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets one booking, with its history (parla_booking_get_history()).
 */
void
parla_api_client_get_booking_async (ParlaApiClient      *self,
                                    const char          *booking_id,
                                    GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/bookings/", booking_id, NULL);
  call_async (self, parla_api_client_get_booking_async, parse_booking, (GDestroyNotify) g_object_unref,
              "GET", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_booking_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_get_booking_finish (ParlaApiClient  *self,
                                     GAsyncResult    *result,
                                     GError         **error)
{
  return finish_call (self, result, parla_api_client_get_booking_async, error);
}

/**
 * parla_api_client_accept_booking_async:
 * @self: a #ParlaApiClient
 * @booking_id: the booking's id
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Accepts a pending booking: the teacher confirms it.
 */
void
parla_api_client_accept_booking_async (ParlaApiClient      *self,
                                       const char          *booking_id,
                                       const char          *idempotency_key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/bookings/", booking_id, "/accept");
  call_async (self, parla_api_client_accept_booking_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, NULL, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_accept_booking_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the accepted booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_accept_booking_finish (ParlaApiClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, parla_api_client_accept_booking_async, error);
}

/**
 * parla_api_client_reject_booking_async:
 * @self: a #ParlaApiClient
 * @booking_id: the booking's id
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Rejects a pending booking.
 */
void
parla_api_client_reject_booking_async (ParlaApiClient      *self,
                                       const char          *booking_id,
                                       const char          *idempotency_key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/bookings/", booking_id, "/reject");
  call_async (self, parla_api_client_reject_booking_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, NULL, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_reject_booking_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the rejected booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_reject_booking_finish (ParlaApiClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, parla_api_client_reject_booking_async, error);
}

/**
 * parla_api_client_reschedule_booking_async:
 * @self: a #ParlaApiClient
 * @booking_id: the booking's id
 * @start: the new start, seconds since the epoch
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Moves a lesson to a new start; its duration stays the same.
 */
void
parla_api_client_reschedule_booking_async (ParlaApiClient      *self,
                                           const char          *booking_id,
                                           gint64               start,
                                           const char          *idempotency_key,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *start_text = parla_time_format_rfc3339 (start);
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/bookings/", booking_id, "/reschedule");
  body = build_object ("start", start_text, NULL);
  call_async (self, parla_api_client_reschedule_booking_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_reschedule_booking_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the moved booking, with its history, or %NULL
 *   with @error set
 */
ParlaBooking *
parla_api_client_reschedule_booking_finish (ParlaApiClient  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return finish_call (self, result, parla_api_client_reschedule_booking_async, error);
}

/**
 * parla_api_client_cancel_booking_async:
 * @self: a #ParlaApiClient
 * @booking_id: the booking's id
 * @reason: (nullable): why
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Cancels a booking; the refund follows the booking's policy.
 */
void
parla_api_client_cancel_booking_async (ParlaApiClient      *self,
                                       const char          *booking_id,
                                       const char          *reason,
                                       const char          *idempotency_key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/bookings/", booking_id, "/cancel");
  body = build_object ("reason", reason, NULL);
  call_async (self, parla_api_client_cancel_booking_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_cancel_booking_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the cancelled booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_cancel_booking_finish (ParlaApiClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, parla_api_client_cancel_booking_async, error);
}

/* The chat history of a room's owner (a session or a booking): one page. */
static void
list_messages_async (ParlaApiClient      *self,
                     gpointer             source_tag,
                     const char          *collection,
                     const char          *id,
                     gint64               before,
                     int                  limit,
                     GCancellable        *cancellable,
                     GAsyncReadyCallback  callback,
                     gpointer             user_data)
{
  g_autofree char *path = resource_path (collection, id, "/messages");
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();

  if (before > 0)
    parla_api_query_add_int (query, "before", before);
  if (limit > 0)
    parla_api_query_add_int (query, "limit", limit);

  call_async (self, source_tag, parse_chat_history, (GDestroyNotify) json_node_unref,
              "GET", path, query, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_list_session_messages_async:
 * @self: a #ParlaApiClient
 * @session_id: the session's id
 * @before: a seq to read before, or 0 for the newest page
 * @limit: the page size, or 0 for the server's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets a page of a session's chat, newest page first; pass the answer's
 * `next_before` as @before for the page before it.
 */
void
parla_api_client_list_session_messages_async (ParlaApiClient      *self,
                                              const char          *session_id,
                                              gint64               before,
                                              int                  limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (before >= 0);
  g_return_if_fail (limit >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  list_messages_async (self, parla_api_client_list_session_messages_async, "/api/v1/sessions/", session_id,
                       before, limit, cancellable, callback, user_data);
}

/**
 * parla_api_client_list_session_messages_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{room, items, next_before, last_seq, receipts}`,
 *   or %NULL with @error set
 */
JsonNode *
parla_api_client_list_session_messages_finish (ParlaApiClient  *self,
                                               GAsyncResult    *result,
                                               GError         **error)
{
  return finish_call (self, result, parla_api_client_list_session_messages_async, error);
}

/**
 * parla_api_client_list_booking_messages_async:
 * @self: a #ParlaApiClient
 * @booking_id: the booking's id
 * @before: a seq to read before, or 0 for the newest page
 * @limit: the page size, or 0 for the server's default
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Gets a page of a booking's chat, newest page first; pass the answer's
 * `next_before` as @before for the page before it.
 */
void
parla_api_client_list_booking_messages_async (ParlaApiClient      *self,
                                              const char          *booking_id,
                                              gint64               before,
                                              int                  limit,
                                              GCancellable        *cancellable,
                                              GAsyncReadyCallback  callback,
                                              gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (before >= 0);
  g_return_if_fail (limit >= 0);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  list_messages_async (self, parla_api_client_list_booking_messages_async, "/api/v1/bookings/", booking_id,
                       before, limit, cancellable, callback, user_data);
}

/**
 * parla_api_client_list_booking_messages_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{room, items, next_before, last_seq, receipts}`,
 *   or %NULL with @error set
 */
JsonNode *
parla_api_client_list_booking_messages_finish (ParlaApiClient  *self,
                                               GAsyncResult    *result,
                                               GError         **error)
{
  return finish_call (self, result, parla_api_client_list_booking_messages_async, error);
}

/* Reviews, the policy before booking, the learner's time zone and
 * reasons for declining */

static const ParlaField review_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "booking_id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED },
  { "rating", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 5 },
  { "text", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "created_at", PARLA_FIELD_INSTANT, PARLA_FIELD_REQUIRED },
};

static gpointer
parse_review (JsonNode  *node,
              GError   **error)
{
  return check_object (node, review_fields, G_N_ELEMENTS (review_fields), error);
}

static const ParlaField review_list_fields[] = {
  { "reviews", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED },
  { "total", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
  { "rating_count", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 0, G_MAXINT64 },
};

static gpointer
parse_review_list (JsonNode  *node,
                   GError   **error)
{
  return check_object (node, review_list_fields, G_N_ELEMENTS (review_list_fields), error);
}

/* The "cancellation_policy" of an offering or a session. */
static gpointer
parse_cancellation_policy (JsonNode  *node,
                           GError   **error)
{
  JsonNode *member = NULL;
  ParlaPolicy *policy;
  g_autoptr(GError) local_error = NULL;

  if (JSON_NODE_HOLDS_OBJECT (node))
    member = json_object_get_member (json_node_get_object (node), "cancellation_policy");
  if (member == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "cancellation_policy",
                       "The server sent no cancellation policy");
      return NULL;
    }

  policy = parla_policy_new_from_json (member, &local_error);
  if (policy == NULL)
    {
      parla_error_prefix_field (local_error, "cancellation_policy");
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return policy;
}

/**
 * parla_api_client_list_teacher_reviews_async:
 * @self: a #ParlaApiClient
 * @teacher_id: the teacher's id
 * @offset: how many reviews to skip
 * @limit: how many to return, 1 to 50
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Lists a teacher's reviews, newest first, with their rating.
 */
void
parla_api_client_list_teacher_reviews_async (ParlaApiClient      *self,
                                             const char          *teacher_id,
                                             int                  offset,
                                             int                  limit,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (teacher_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/teachers/", teacher_id, "/reviews");
  parla_api_query_add_int (query, "offset", offset);
  parla_api_query_add_int (query, "limit", limit);
  call_async (self, parla_api_client_list_teacher_reviews_async, parse_review_list,
              (GDestroyNotify) json_node_unref,
              "GET", path, query, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_list_teacher_reviews_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): `{reviews: [{id, rating, text, created_at,
 *   learner: {id, display_name}}], total, rating, rating_count}`, or
 *   %NULL with @error set
 */
JsonNode *
parla_api_client_list_teacher_reviews_finish (ParlaApiClient  *self,
                                              GAsyncResult    *result,
                                              GError         **error)
{
  return finish_call (self, result, parla_api_client_list_teacher_reviews_async, error);
}

/**
 * parla_api_client_review_booking_async:
 * @self: a #ParlaApiClient
 * @booking_id: the lesson's or seat's booking id
 * @rating: 1 to 5 stars
 * @text: (nullable): what the learner thought
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Reviews a lesson that took place; a second review of the same booking
 * fails with %PARLA_ERROR_CONFLICT.
 */
void
parla_api_client_review_booking_async (ParlaApiClient      *self,
                                       const char          *booking_id,
                                       int                  rating,
                                       const char          *text,
                                       const char          *idempotency_key,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  json_builder_begin_object (builder);
  parla_json_add_int (builder, "rating", rating);
  if (text != NULL)
    parla_json_add_string (builder, "text", text);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  path = resource_path ("/api/v1/bookings/", booking_id, "/review");
  call_async (self, parla_api_client_review_booking_async, parse_review, (GDestroyNotify) json_node_unref,
              "POST", path, NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_review_booking_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the review, `{id, booking_id, teacher_id,
 *   learner_id, rating, text, created_at}`, or %NULL with @error set
 */
JsonNode *
parla_api_client_review_booking_finish (ParlaApiClient  *self,
                                        GAsyncResult    *result,
                                        GError         **error)
{
  return finish_call (self, result, parla_api_client_review_booking_async, error);
}

/**
 * parla_api_client_get_cancellation_policy_async:
 * @self: a #ParlaApiClient
 * @offering_id: (nullable): an offering to book a lesson of
 * @session_id: (nullable): or a session to take a seat in
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Asks for the cancellation policy a booking of the offering or the
 * session, made now, would keep. Exactly one of @offering_id and
 * @session_id is set.
 */
void
parla_api_client_get_cancellation_policy_async (ParlaApiClient      *self,
                                                const char          *offering_id,
                                                const char          *session_id,
                                                GCancellable        *cancellable,
                                                GAsyncReadyCallback  callback,
                                                gpointer             user_data)
{
  g_autofree char *path = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail ((offering_id == NULL) != (session_id == NULL));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  if (offering_id != NULL)
    path = resource_path ("/api/v1/offerings/", offering_id, NULL);
  else
    path = resource_path ("/api/v1/sessions/", session_id, NULL);
  call_async (self, parla_api_client_get_cancellation_policy_async, parse_cancellation_policy,
              (GDestroyNotify) parla_policy_unref,
              "GET", path, NULL, NULL, NULL,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_get_cancellation_policy_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the policy, or %NULL with @error set
 */
ParlaPolicy *
parla_api_client_get_cancellation_policy_finish (ParlaApiClient  *self,
                                                 GAsyncResult    *result,
                                                 GError         **error)
{
  return finish_call (self, result, parla_api_client_get_cancellation_policy_async, error);
}

/**
 * parla_api_client_book_offering_full_async:
 * @self: a #ParlaApiClient
 * @offering_id: the offering's id
 * @start: the lesson's start, seconds since the epoch
 * @topic: (nullable): what the learner wants to work on
 * @message: (nullable): a note for the teacher
 * @learner_time_zone: (nullable): the learner's IANA time zone, kept with
 *   the booking (the server's default when %NULL)
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Like parla_api_client_book_offering_async(), with the learner's time
 * zone. Finish with parla_api_client_book_offering_full_finish().
 */
void
parla_api_client_book_offering_full_async (ParlaApiClient      *self,
                                           const char          *offering_id,
                                           gint64               start,
                                           const char          *topic,
                                           const char          *message,
                                           const char          *learner_time_zone,
                                           const char          *idempotency_key,
                                           GCancellable        *cancellable,
                                           GAsyncReadyCallback  callback,
                                           gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autofree char *start_text = parla_time_format_rfc3339 (start);
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (offering_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/offerings/", offering_id, "/book");
  body = build_object ("start", start_text, "topic", topic, "message", message,
                       "learner_time_zone", learner_time_zone, NULL);
  call_async (self, parla_api_client_book_offering_full_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_book_offering_full_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_book_offering_full_finish (ParlaApiClient  *self,
                                            GAsyncResult    *result,
                                            GError         **error)
{
  return finish_call (self, result, parla_api_client_book_offering_full_async, error);
}

/**
 * parla_api_client_book_session_full_async:
 * @self: a #ParlaApiClient
 * @session_id: the session's id
 * @learner_time_zone: (nullable): the learner's IANA time zone, kept with
 *   the booking (the server's default when %NULL)
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Like parla_api_client_book_session_async(), with the learner's time
 * zone. Finish with parla_api_client_book_session_full_finish().
 */
void
parla_api_client_book_session_full_async (ParlaApiClient      *self,
                                          const char          *session_id,
                                          const char          *learner_time_zone,
                                          const char          *idempotency_key,
                                          GCancellable        *cancellable,
                                          GAsyncReadyCallback  callback,
                                          gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (session_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/sessions/", session_id, "/book");
  body = build_object ("learner_time_zone", learner_time_zone, NULL);
  call_async (self, parla_api_client_book_session_full_async, parse_booking, (GDestroyNotify) g_object_unref,
              "POST", path, NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_book_session_full_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the seat's booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_book_session_full_finish (ParlaApiClient  *self,
                                           GAsyncResult    *result,
                                           GError         **error)
{
  return finish_call (self, result, parla_api_client_book_session_full_async, error);
}

/**
 * parla_api_client_reject_booking_with_reason_async:
 * @self: a #ParlaApiClient
 * @booking_id: the booking's id
 * @reason: (nullable): why, for the learner (at most 500 characters)
 * @idempotency_key: (nullable): an Idempotency-Key, so that sending this again cannot do it twice
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the answer
 * @user_data: data for @callback
 *
 * Rejects a pending booking, telling the learner why.
 */
void
parla_api_client_reject_booking_with_reason_async (ParlaApiClient      *self,
                                                   const char          *booking_id,
                                                   const char          *reason,
                                                   const char          *idempotency_key,
                                                   GCancellable        *cancellable,
                                                   GAsyncReadyCallback  callback,
                                                   gpointer             user_data)
{
  g_autofree char *path = NULL;
  g_autoptr(JsonNode) body = NULL;

  g_return_if_fail (PARLA_IS_API_CLIENT (self));
  g_return_if_fail (booking_id != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  path = resource_path ("/api/v1/bookings/", booking_id, "/reject");
  body = build_object ("reason", reason, NULL);
  call_async (self, parla_api_client_reject_booking_with_reason_async, parse_booking,
              (GDestroyNotify) g_object_unref,
              "POST", path, NULL, body, idempotency_key,
              cancellable, callback, user_data);
}

/**
 * parla_api_client_reject_booking_with_reason_finish:
 * @self: a #ParlaApiClient
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: (transfer full): the rejected booking, or %NULL with @error set
 */
ParlaBooking *
parla_api_client_reject_booking_with_reason_finish (ParlaApiClient  *self,
                                                    GAsyncResult    *result,
                                                    GError         **error)
{
  return finish_call (self, result, parla_api_client_reject_booking_with_reason_async, error);
}
