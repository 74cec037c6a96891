/* parla-server.c: routing, worker threads, transactions and idempotency
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The SoupServer lives on the main context and never blocks: a request is
 * matched against the route tables, paused, and handed to a worker thread
 * that owns a database connection for the duration of the request. The
 * worker runs authentication, the idempotency check, the handler and the
 * commit in one transaction, then the response is written back on the main
 * context and the message unpaused.
 */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <libsoup/soup.h>

#include "parla-hub.h"
#include "parla-instant-calls.h"
#include "parla-payments.h"
#include "parla-server-private.h"

#define IDEMPOTENCY_KEY_MAX 255
#define LISTEN_BACKLOG 1024

struct _ParlaServer
{
  GObject parent_instance;

  /* owned */
  ParlaServerConfig *config;
  SoupServer        *soup;
  GSocketService    *service;
  GThreadPool       *pool;
  GThread           *writer;
  GAsyncQueue       *write_queue;    /* of Job, ended by the stop sentinel */
  GAsyncQueue       *idle_dbs;
  GHashTable        *in_flight;      /* "authorization\nkey" -> NULL */
  ParlaLoginLimiter *limiter;
  GMainContext      *context;
  ParlaHub          *hub;
  ParlaPayments     *payments;
  ParlaInstantClock *instant_clock;

  /* guarded by db_mutex */
  GMutex             db_mutex;
  GPtrArray         *all_dbs;

  ParlaClockFunc     clock_func;
  gpointer           clock_data;
  guint              handler_delay_ms;
  guint              port;
  gboolean           shut_down;
};

G_DEFINE_FINAL_TYPE (ParlaServer, parla_server, G_TYPE_OBJECT)

typedef struct
{
  ParlaServer       *server;       /* owned ref */
  SoupServerMessage *msg;          /* owned ref */
  ParlaRequest      *req;
  char              *in_flight_key;
  gulong             finished_id;
  gulong             disconnected_id;
  gboolean           finished;

  GError            *write_error;  /* set by the writer */

  /* or work for the hub */
  GTask             *task;         /* owned */
  ParlaDbWork        work;
  GDestroyNotify     result_free;
} Job;

static const ParlaRoute *route_tables[] = {
  parla_auth_routes,
  parla_teacher_routes,
  parla_availability_routes,
  parla_offering_routes,
  parla_session_routes,
  parla_booking_routes,
  parla_review_routes,
  parla_meta_routes,
  parla_realtime_routes,
  parla_call_routes,
  parla_payment_routes,
  parla_minute_routes,
  parla_minute_refund_routes,
  parla_instant_call_routes,
};

/* Config */

ParlaServerConfig *
parla_server_config_new (void)
{
  ParlaServerConfig *config = g_new0 (ParlaServerConfig, 1);

  config->db_url = g_strdup ("sqlite:parla.db");
  config->listen_host = g_strdup ("127.0.0.1");
  config->port = 8080;
  config->max_body_bytes = 1024 * 1024;
  config->worker_threads = 4;
  config->token_idle_seconds = 14 * 24 * 3600;
  config->token_lifetime_seconds = 90 * 24 * 3600;
  config->login_failures_per_hour = 100;
  config->login_burst_failures = 20;
  config->login_burst_seconds = 300;
  config->pwhash_memlimit = 19 * 1024 * 1024;
  config->pwhash_opslimit = 2;
  config->ws_max_message_bytes = 64 * 1024;
  config->ws_messages_per_second = 20;
  config->ws_message_burst = 100;
  config->ws_max_connections_per_user = 8;
  config->ws_ping_interval_seconds = 20;
  config->ws_idle_timeout_seconds = 60;
  config->ws_token_check_seconds = 2;
  config->ws_session_scan_seconds = 60;
  config->turn_ttl_seconds = 24 * 3600;
  config->payment_hold_seconds = 15 * 60;
  config->payment_scan_seconds = 30;
  config->policy = parla_policy_new_default ();
  config->ring_timeout_seconds = 30;
  config->missed_rings_limit = 3;
  config->billing_unit_seconds = 60;
  config->balance_grace_seconds = 10;
  config->teacher_rate_minor = 30;
  config->instant_currency = g_strdup ("EUR");
  config->grant_validity_days = 365;
  config->expiry_warning_days = 7;

  return config;
}

static ParlaServerConfig *
config_copy (const ParlaServerConfig *src)
{
  ParlaServerConfig *config = g_memdup2 (src, sizeof *src);

  config->db_url = g_strdup (src->db_url);
  config->ws_allowed_origins = g_strdup (src->ws_allowed_origins);
  config->listen_host = g_strdup (src->listen_host);
  config->stun_urls = g_strdupv (src->stun_urls);
  config->turn_urls = g_strdupv (src->turn_urls);
  config->turn_secret = g_strdup (src->turn_secret);
  config->stripe_secret_key = g_strdup (src->stripe_secret_key);
  config->stripe_webhook_secret = g_strdup (src->stripe_webhook_secret);
  config->stripe_api_base = g_strdup (src->stripe_api_base);
  config->payments_mode = g_strdup (src->payments_mode);
  config->policy = parla_policy_copy (src->policy);
  config->instant_currency = g_strdup (src->instant_currency);

  return config;
}

void
parla_server_config_free (ParlaServerConfig *config)
{
  if (config == NULL)
    return;

  g_free (config->db_url);
  g_free (config->ws_allowed_origins);
  g_free (config->listen_host);
  g_strfreev (config->stun_urls);
  g_strfreev (config->turn_urls);
  g_free (config->turn_secret);
  g_free (config->stripe_secret_key);
  g_free (config->stripe_webhook_secret);
  g_free (config->stripe_api_base);
  g_free (config->payments_mode);
  g_clear_pointer (&config->policy, parla_policy_unref);
  g_free (config->instant_currency);
  g_free (config);
}

/* Requests */

static void
parla_request_free (ParlaRequest *req)
{
  g_free (req->method);
  g_free (req->path);
  g_clear_pointer (&req->params, g_ptr_array_unref);
  g_clear_pointer (&req->query, g_hash_table_unref);
  g_clear_pointer (&req->body, g_bytes_unref);
  g_free (req->authorization);
  g_free (req->idempotency_key);
  g_free (req->stripe_signature);
  g_free (req->remote_address);
  g_clear_pointer (&req->json, json_node_unref);
  g_free (req->user_id);
  g_free (req->user_name);
  g_free (req->user_email);
  g_free (req->token_hash);
  g_clear_pointer (&req->response, json_node_unref);
  g_clear_error (&req->error);
  g_clear_pointer (&req->events, g_ptr_array_unref);
  g_free (req);
}

static void
job_free (Job *job)
{
  if (job->msg != NULL)
    {
      g_clear_signal_handler (&job->finished_id, job->msg);
      g_clear_signal_handler (&job->disconnected_id, job->msg);
    }
  g_clear_object (&job->task);
  g_clear_object (&job->msg);
  g_clear_pointer (&job->req, parla_request_free);
  g_free (job->in_flight_key);
  g_clear_object (&job->server);
  g_free (job);
}

static void
set_error_response (SoupServerMessage *msg,
                    const GError      *error,
                    guint              status)
{
  g_autoptr(JsonNode) node = parla_error_to_json (error);
  char *text = parla_json_to_string (node);

  if (status == 0)
    status = error->domain == PARLA_ERROR ? parla_error_code_http_status (error->code) : 500;

  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, strlen (text));
}

static void
reply_error (SoupServerMessage *msg,
             ParlaError         code,
             const char        *field,
             const char        *message)
{
  g_autoptr(GError) error = parla_error_new (code, field, message ? "%s" : NULL, message);

  set_error_response (msg, error, 0);
}

/* Route matching */

static gboolean
match_pattern (const char *pattern,
               const char *path,
               GPtrArray  *params)
{
  const char *p = pattern;
  const char *s = path;

  while (*p != '\0' && *s != '\0')
    {
      if (*p == '{')
        {
          const char *end = strchr (s, '/');
          gsize len = end ? (gsize) (end - s) : strlen (s);

          if (len == 0)
            return FALSE;
          if (params != NULL)
            g_ptr_array_add (params, g_strndup (s, len));
          s += len;
          p = strchr (p, '}');
          if (p == NULL)
            return FALSE;
          p++;
        }
      else if (*p == *s)
        {
          p++;
          s++;
        }
      else
        return FALSE;
    }

  return *p == '\0' && *s == '\0';
}

static const ParlaRoute *
find_route (const char *method,
            const char *path,
            GPtrArray  *params,
            gboolean   *path_known)
{
  *path_known = FALSE;

  for (guint t = 0; t < G_N_ELEMENTS (route_tables); t++)
    {
      for (const ParlaRoute *route = route_tables[t]; route->method != NULL; route++)
        {
          if (!match_pattern (route->pattern, path, NULL))
            continue;

          *path_known = TRUE;
          if (g_str_equal (route->method, method) ||
              (g_str_equal (method, "HEAD") && g_str_equal (route->method, "GET")))
            {
              match_pattern (route->pattern, path, params);
              return route;
            }
        }
    }

  return NULL;
}

const ParlaRouteInfo *
parla_server_get_routes (guint *n_routes)
{
  static ParlaRouteInfo *infos;
  static guint n_infos;

  if (g_once_init_enter (&infos))
    {
      GArray *array = g_array_new (FALSE, FALSE, sizeof (ParlaRouteInfo));

      for (guint t = 0; t < G_N_ELEMENTS (route_tables); t++)
        for (const ParlaRoute *route = route_tables[t]; route->method != NULL; route++)
          {
            ParlaRouteInfo info = { route->method, route->pattern };
            g_array_append_val (array, info);
          }

      n_infos = array->len;
      g_once_init_leave (&infos, (ParlaRouteInfo *) (gpointer) g_array_free (array, FALSE));
    }

  if (n_routes)
    *n_routes = n_infos;
  return infos;
}

/* Database connections: one per worker at a time */

static ParlaDb *
acquire_db (ParlaServer  *self,
            GError      **error)
{
  ParlaDb *db = g_async_queue_try_pop (self->idle_dbs);

  if (db != NULL)
    return db;

  db = parla_db_open (self->config->db_url, error);
  if (db == NULL)
    return NULL;

  g_mutex_lock (&self->db_mutex);
  g_ptr_array_add (self->all_dbs, db);
  g_mutex_unlock (&self->db_mutex);

  return db;
}

static void
release_db (ParlaServer *self,
            ParlaDb     *db)
{
  if (parla_db_in_transaction (db))
    parla_db_rollback (db);
  g_async_queue_push (self->idle_dbs, db);
}

/* The worker side */

static char *
request_hash (ParlaRequest *req)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize len = 0;
  const guint8 *data = req->body ? g_bytes_get_data (req->body, &len) : NULL;

  g_checksum_update (checksum, (const guint8 *) req->method, -1);
  g_checksum_update (checksum, (const guint8 *) " ", 1);
  g_checksum_update (checksum, (const guint8 *) req->path, -1);
  g_checksum_update (checksum, (const guint8 *) "\n", 1);
  if (data != NULL)
    g_checksum_update (checksum, data, len);

  return g_strdup (g_checksum_get_string (checksum));
}

/* Returns TRUE when a stored response was found and replayed into @req. */
static gboolean
idempotency_lookup (ParlaRequest  *req,
                    const char    *hash,
                    GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) local_error = NULL;

  rows = parla_db_query (req->db, error,
                         "SELECT request_hash, status, body FROM idempotency_keys "
                         "WHERE user_id = $1 AND key = $2",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_TEXT, req->idempotency_key,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (!parla_db_rows_next (rows))
    return FALSE;

  if (!g_str_equal (parla_db_rows_get_text (rows, 0), hash))
    {
      /* 422: the key is spent on another request; 409 is kept for a
       * request with this key that is still running. */
      parla_set_error (error, PARLA_ERROR_IDEMPOTENCY_CONFLICT, "Idempotency-Key",
                       "This Idempotency-Key was already used with a different request");
      req->status = 422;
      return FALSE;
    }

  req->status = parla_db_rows_get_int (rows, 1);
  if (parla_db_rows_get_text (rows, 2)[0] != '\0')
    {
      req->response = parla_json_parse (parla_db_rows_get_text (rows, 2), -1, &local_error);
      if (req->response == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }
  req->replayed = TRUE;

  return TRUE;
}

static gboolean
idempotency_store (ParlaRequest  *req,
                   const char    *hash,
                   GError       **error)
{
  g_autofree char *body = req->response ? parla_json_to_string (req->response) : g_strdup ("");

  return parla_db_exec (req->db, error,
                        "INSERT INTO idempotency_keys (user_id, key, request_hash, status, body, created_at) "
                        "VALUES ($1, $2, $3, $4, $5, $6)",
                        PARLA_DB_TEXT, req->user_id,
                        PARLA_DB_TEXT, req->idempotency_key,
                        PARLA_DB_TEXT, hash,
                        PARLA_DB_INT, (gint64) req->status,
                        PARLA_DB_TEXT, body,
                        PARLA_DB_INT, req->now,
                        PARLA_DB_END) >= 0;
}

static void
delay_for_tests (ParlaServer *self)
{
  guint delay = g_atomic_int_get (&self->handler_delay_ms);

  if (delay > 0)
    g_usleep (delay * 1000);
}

/* Runs a write request inside the writer's open transaction, as one
 * savepoint: on failure its changes are rolled back and the batch goes on. */
static gboolean
run_write (ParlaServer   *self,
           ParlaRequest  *req,
           GError       **error)
{
  g_autofree char *hash = NULL;
  g_autoptr(GError) local_error = NULL;

  if (parla_db_exec (req->db, error, "SAVEPOINT parla_request", PARLA_DB_END) < 0)
    return FALSE;

  if (req->idempotency_key != NULL && req->user_id != NULL &&
      (req->route->flags & PARLA_ROUTE_IDEMPOTENT))
    {
      hash = request_hash (req);
      if (idempotency_lookup (req, hash, &local_error))
        goto release;
      if (local_error != NULL)
        goto fail;
    }

  req->response = req->route->handler (req, &local_error);
  if (local_error != NULL)
    goto fail;

  if (hash != NULL && !idempotency_store (req, hash, &local_error))
    goto fail;

release:
  return parla_db_exec (req->db, error, "RELEASE SAVEPOINT parla_request", PARLA_DB_END) >= 0;

fail:
  g_clear_pointer (&req->response, json_node_unref);
  parla_db_exec (req->db, NULL, "ROLLBACK TO SAVEPOINT parla_request", PARLA_DB_END);
  parla_db_exec (req->db, NULL, "RELEASE SAVEPOINT parla_request", PARLA_DB_END);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

static gboolean
run_handler (ParlaServer   *self,
             ParlaRequest  *req,
             GError       **error)
{
  const ParlaRoute *route = req->route;
  g_autofree char *hash = NULL;

  if ((route->flags & (PARLA_ROUTE_BODY | PARLA_ROUTE_BODY_OPT)) && req->body != NULL &&
      g_bytes_get_size (req->body) > 0)
    {
      gsize len;
      const char *data = g_bytes_get_data (req->body, &len);

      req->json = parla_json_parse (data, len, error);
      if (req->json == NULL)
        return FALSE;
      if (!JSON_NODE_HOLDS_OBJECT (req->json))
        {
          parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "The body must be a JSON object");
          return FALSE;
        }
    }
  else if (route->flags & PARLA_ROUTE_BODY)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "This request needs a JSON body");
      return FALSE;
    }

  if ((route->flags & (PARLA_ROUTE_AUTH | PARLA_ROUTE_AUTH_OPT)) &&
      (req->authorization != NULL || (route->flags & PARLA_ROUTE_AUTH)))
    {
      if (!parla_auth_authenticate (req, error))
        return FALSE;
    }

  if (route->flags & PARLA_ROUTE_OWN_TXN)
    {
      delay_for_tests (self);
      req->response = route->handler (req, error);
      return req->response != NULL || (error == NULL || *error == NULL);
    }

  if (route->flags & PARLA_ROUTE_WRITE)
    {
      /* The writer thread runs it, in a batch that commits together. */
      delay_for_tests (self);
      req->queued_write = TRUE;
      return TRUE;
    }

  if (!parla_db_begin_read (req->db, error))
    return FALSE;

  delay_for_tests (self);
  req->response = route->handler (req, error);
  parla_db_rollback (req->db);

  return req->response != NULL || (error == NULL || *error == NULL);
}

static gboolean
complete_job (gpointer data)
{
  Job *job = data;
  ParlaRequest *req = job->req;
  ParlaServer *self = job->server;

  if (req != NULL && req->error == NULL && req->after_commit != NULL)
    {
      ParlaAfterCommit after_commit = g_steal_pointer (&req->after_commit);

      after_commit (req, complete_job, job);
      return G_SOURCE_REMOVE;
    }

  if (job->in_flight_key != NULL)
    g_hash_table_remove (self->in_flight, job->in_flight_key);

  /* Committed: push what the handler collected, even when the client
   * went away meanwhile. A failed request rolled back and pushes nothing. */
  if (req->error == NULL && req->events != NULL && self->hub != NULL)
    parla_hub_publish_events (self->hub, req->events);

  if (!job->finished)
    {
      if (req->error != NULL)
        {
          set_error_response (job->msg, req->error, req->status);
        }
      else if (req->route->flags & PARLA_ROUTE_WEBSOCKET)
        {
          ParlaHubIdentity identity = {
            req->user_id, req->user_name, req->user_role, req->token_hash,
            req->response != NULL ? json_object_get_member (json_node_get_object (req->response), "contacts") : NULL,
          };

          if (self->hub != NULL)
            parla_hub_upgrade (self->hub, job->msg, &identity);
          else
            reply_error (job->msg, PARLA_ERROR_UNAVAILABLE, NULL, "The server is shutting down");
        }
      else if (req->response != NULL)
        {
          char *text = parla_json_to_string (req->response);

          soup_server_message_set_status (job->msg, req->status ? req->status : 200, NULL);
          soup_server_message_set_response (job->msg, "application/json",
                                            SOUP_MEMORY_TAKE, text, strlen (text));
        }
      else
        {
          soup_server_message_set_status (job->msg, req->status ? req->status : 204, NULL);
        }

      if (req->replayed)
        soup_message_headers_replace (soup_server_message_get_response_headers (job->msg),
                                      "Idempotent-Replayed", "true");

      soup_server_message_unpause (job->msg);
    }

  job_free (job);
  return G_SOURCE_REMOVE;
}

static void
run_work (ParlaServer *self,
          Job         *job)
{
  GError *error = NULL;
  gpointer result = NULL;
  ParlaDb *db;

  if (!g_task_return_error_if_cancelled (job->task))
    {
      db = acquire_db (self, &error);
      if (db != NULL)
        {
          result = job->work (db, parla_server_now (self), g_task_get_task_data (job->task), &error);
          release_db (self, db);
        }

      if (error != NULL)
        {
          if (result != NULL && job->result_free != NULL)
            job->result_free (result);
          g_task_return_error (job->task, error);
        }
      else
        g_task_return_pointer (job->task, result, job->result_free);
    }

  job_free (job);
}

/* Hands the outcome of a request to the main context. */
static void
finish_job (ParlaServer *self,
            Job         *job,
            GError      *error)
{
  ParlaRequest *req = job->req;

  if (error != NULL)
    {
      if (error->domain != PARLA_ERROR || error->code == PARLA_ERROR_INTERNAL)
        g_warning ("%s %s failed: %s", req->method, req->path, error->message);
      g_clear_pointer (&req->response, json_node_unref);
      if (!g_error_matches (error, PARLA_ERROR, PARLA_ERROR_IDEMPOTENCY_CONFLICT))
        req->status = 0;
      g_clear_error (&req->error);
      req->error = error;
    }

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, complete_job, job, NULL);
}

static void
worker_func (gpointer data,
             gpointer user_data)
{
  Job *job = data;
  ParlaServer *self = user_data;
  ParlaRequest *req = job->req;
  g_autoptr(GError) error = NULL;

  if (job->task != NULL)
    {
      run_work (self, job);
      return;
    }

  req->db = acquire_db (self, &error);
  if (req->db != NULL)
    {
      req->now = parla_server_now (self);
      if (!run_handler (self, req, &error) && error == NULL)
        error = parla_error_new (PARLA_ERROR_INTERNAL, NULL, NULL);
      release_db (self, req->db);
      req->db = NULL;
    }

  if (error == NULL && req->queued_write)
    {
      g_async_queue_push (self->write_queue, job);
      return;
    }

  finish_job (self, job, g_steal_pointer (&error));
}

static gpointer stop_writer = &stop_writer;

#define MAX_BATCH 64

/* Group commit: the one writer runs every queued write request in one
 * transaction, each as a savepoint, and syncs once for the batch. No
 * answer leaves before its batch is durable (synchronous=FULL), and a
 * failed commit fails every request of the batch, none of which then
 * happened. */
static gpointer
writer_func (gpointer data)
{
  ParlaServer *self = data;
  g_autoptr(GPtrArray) batch = g_ptr_array_new ();
  gboolean stopping = FALSE;

  while (!stopping)
    {
      g_autoptr(GError) error = NULL;
      ParlaDb *db;
      gpointer item = g_async_queue_pop (self->write_queue);

      if (item == stop_writer)
        break;

      g_ptr_array_add (batch, item);
      db = acquire_db (self, &error);
      if (db != NULL && parla_db_begin_write (db, &error))
        {
          for (guint i = 0; i < batch->len || batch->len < MAX_BATCH; i++)
            {
              Job *job;

              if (i == batch->len)
                {
                  item = g_async_queue_try_pop (self->write_queue);
                  if (item == NULL)
                    break;
                  if (item == stop_writer)
                    {
                      stopping = TRUE;
                      break;
                    }
                  g_ptr_array_add (batch, item);
                }

              job = g_ptr_array_index (batch, i);
              job->req->db = db;
              job->req->now = parla_server_now (self);
              if (!run_write (self, job->req, &job->write_error) && job->write_error == NULL)
                job->write_error = parla_error_new (PARLA_ERROR_INTERNAL, NULL, NULL);
              job->req->db = NULL;
            }

          parla_db_commit (db, &error);
        }

      for (guint i = 0; i < batch->len; i++)
        {
          Job *job = g_ptr_array_index (batch, i);
          GError *job_error = g_steal_pointer (&job->write_error);

          if (error != NULL)
            {
              g_clear_error (&job_error);
              job_error = g_error_copy (error);
            }
          finish_job (self, job, job_error);
        }
      g_ptr_array_set_size (batch, 0);

      if (db != NULL)
        release_db (self, db);
    }

  return NULL;
}

/* The main-context side */

static void
on_message_finished_cb (SoupServerMessage *msg,
                        Job               *job)
{
  job->finished = TRUE;
}

static gboolean
content_type_is_json (SoupServerMessage *msg)
{
  const char *type;
  g_autoptr(GHashTable) params = NULL;

  type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), &params);
  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

static int
default_port (const char *scheme)
{
  return g_ascii_strcasecmp (scheme, "https") == 0 || g_ascii_strcasecmp (scheme, "wss") == 0 ? 443 : 80;
}

static gboolean
uris_same_origin (GUri *a,
                  GUri *b)
{
  int a_port, b_port;

  if (a == NULL || b == NULL || g_uri_get_host (a) == NULL || g_uri_get_host (b) == NULL)
    return FALSE;

  a_port = g_uri_get_port (a) > 0 ? g_uri_get_port (a) : default_port (g_uri_get_scheme (a));
  b_port = g_uri_get_port (b) > 0 ? g_uri_get_port (b) : default_port (g_uri_get_scheme (b));

  return g_ascii_strcasecmp (g_uri_get_scheme (a), g_uri_get_scheme (b)) == 0 &&
         g_ascii_strcasecmp (g_uri_get_host (a), g_uri_get_host (b)) == 0 &&
         a_port == b_port;
}

/* The Origin a browser sends equals the server's own (scheme, host and
 * port of the request, which libsoup takes from its Host header), or one
 * the configuration allows: behind a TLS-terminating proxy, the page's
 * origin is the proxy's. */
static gboolean
origin_allowed (ParlaServer       *self,
                SoupServerMessage *msg,
                const char        *origin)
{
  g_autoptr(GUri) theirs = g_uri_parse (origin, G_URI_FLAGS_NONE, NULL);
  g_auto(GStrv) allowed = NULL;

  if (uris_same_origin (soup_server_message_get_uri (msg), theirs))
    return TRUE;

  if (self->config->ws_allowed_origins == NULL)
    return FALSE;

  allowed = g_strsplit_set (self->config->ws_allowed_origins, " ,", -1);
  for (guint i = 0; allowed[i] != NULL; i++)
    {
      g_autoptr(GUri) uri = *allowed[i] ? g_uri_parse (allowed[i], G_URI_FLAGS_NONE, NULL) : NULL;

      if (uris_same_origin (uri, theirs))
        return TRUE;
    }

  return FALSE;
}

static gboolean
valid_idempotency_key (const char *key)
{
  gsize len = strlen (key);

  if (len == 0 || len > IDEMPOTENCY_KEY_MAX)
    return FALSE;

  for (gsize i = 0; i < len; i++)
    if (key[i] < 0x21 || key[i] > 0x7e)
      return FALSE;

  return TRUE;
}

static void
on_request_cb (SoupServer        *soup,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  ParlaServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  g_autoptr(GPtrArray) params = g_ptr_array_new_with_free_func (g_free);
  const ParlaRoute *route;
  gboolean path_known;
  ParlaRequest *req;
  SoupMessageBody *body;
  Job *job;
  const char *key;

  if (soup_server_message_get_status (msg) != 0)
    return;

  if (self->shut_down)
    {
      reply_error (msg, PARLA_ERROR_UNAVAILABLE, NULL, "The server is shutting down");
      return;
    }

  route = find_route (method, path, params, &path_known);
  if (route == NULL)
    {
      if (path_known)
        reply_error (msg, PARLA_ERROR_METHOD_NOT_ALLOWED, NULL,
                     "This method is not allowed on this resource");
      else
        reply_error (msg, PARLA_ERROR_NOT_FOUND, NULL, "No such resource");
      return;
    }

  if (route->flags & PARLA_ROUTE_WEBSOCKET)
    {
      const char *origin = soup_message_headers_get_one (headers, "Origin");

      if (origin != NULL && !origin_allowed (self, msg, origin))
        {
          reply_error (msg, PARLA_ERROR_FORBIDDEN, NULL, "WebSockets may be opened from this server's own origin or an allowed one only");
          return;
        }
    }

  body = soup_server_message_get_request_body (msg);
  if ((route->flags & (PARLA_ROUTE_BODY | PARLA_ROUTE_BODY_OPT)) && body->length > 0 &&
      !content_type_is_json (msg))
    {
      reply_error (msg, PARLA_ERROR_UNSUPPORTED_MEDIA_TYPE, NULL,
                   "The body must be sent as application/json");
      return;
    }

  if ((gsize) body->length > self->config->max_body_bytes)
    {
      reply_error (msg, PARLA_ERROR_PAYLOAD_TOO_LARGE, NULL, NULL);
      return;
    }

  req = g_new0 (ParlaRequest, 1);
  req->server = self;
  req->config = self->config;
  req->route = route;
  req->method = g_strdup (route->method);
  req->path = g_strdup (path);
  req->params = g_steal_pointer (&params);
  req->query = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  if (query != NULL)
    {
      GHashTableIter iter;
      gpointer k, v;

      g_hash_table_iter_init (&iter, query);
      while (g_hash_table_iter_next (&iter, &k, &v))
        g_hash_table_insert (req->query, g_strdup (k), g_strdup (v));
    }
  if (body->length > 0)
    req->body = soup_message_body_flatten (body);
  req->authorization = g_strdup (soup_message_headers_get_one (headers, "Authorization"));
  /* Browsers cannot set headers on a WebSocket: they send the token in the
   * query instead. */
  if (req->authorization == NULL && (route->flags & PARLA_ROUTE_WEBSOCKET) &&
      parla_request_query (req, "access_token") != NULL)
    req->authorization = g_strconcat ("Bearer ", parla_request_query (req, "access_token"), NULL);
  req->remote_address = g_strdup (soup_server_message_get_remote_host (msg));
  req->stripe_signature = g_strdup (soup_message_headers_get_one (headers, "Stripe-Signature"));

  job = g_new0 (Job, 1);
  job->server = g_object_ref (self);
  job->msg = g_object_ref (msg);
  job->req = req;

  key = soup_message_headers_get_one (headers, "Idempotency-Key");
  if (key != NULL && (route->flags & PARLA_ROUTE_IDEMPOTENT))
    {
      if (!valid_idempotency_key (key))
        {
          reply_error (msg, PARLA_ERROR_INVALID_INPUT, "Idempotency-Key",
                       "Idempotency-Key must be 1 to 255 visible ASCII characters");
          job_free (job);
          return;
        }

      req->idempotency_key = g_strdup (key);
      job->in_flight_key = g_strconcat (req->authorization ? req->authorization : "", "\n", key, NULL);
      if (g_hash_table_contains (self->in_flight, job->in_flight_key))
        {
          g_clear_pointer (&job->in_flight_key, g_free);
          reply_error (msg, PARLA_ERROR_IDEMPOTENCY_CONFLICT, "Idempotency-Key",
                       "A request with this Idempotency-Key is still being processed");
          job_free (job);
          return;
        }
      g_hash_table_add (self->in_flight, g_strdup (job->in_flight_key));
    }

  job->finished_id = g_signal_connect (msg, "finished", G_CALLBACK (on_message_finished_cb), job);
  /* A message whose client hung up must never be unpaused (a critical in
   * libsoup 3.2): count a disconnection as the end too. */
  job->disconnected_id = g_signal_connect (msg, "disconnected", G_CALLBACK (on_message_finished_cb), job);
  soup_server_message_pause (msg);
  g_thread_pool_push (self->pool, job, NULL);
}

typedef struct
{
  gsize  limit;
  gsize  received;
} BodyCounter;

static void
on_got_chunk_cb (SoupServerMessage *msg,
                 GBytes            *chunk,
                 BodyCounter       *counter)
{
  counter->received += g_bytes_get_size (chunk);

  if (counter->received > counter->limit)
    {
      SoupMessageBody *body = soup_server_message_get_request_body (msg);

      /* Stop keeping what arrives; the handler never runs. */
      soup_message_body_set_accumulate (body, FALSE);
      soup_message_body_truncate (body);
      if (soup_server_message_get_status (msg) == 0)
        {
          reply_error (msg, PARLA_ERROR_PAYLOAD_TOO_LARGE, NULL, NULL);
          soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                        "Connection", "close");
        }
    }
}

/* libsoup 3.2.3 (Debian 12) leaks every keep-alive connection that the
 * client closes while idle: the socket stays in CLOSE_WAIT and its file
 * descriptor is never released, so a busy server runs out of descriptors
 * (fixed upstream in 3.3.0 by d20c6601, "server: do not leak idle
 * connections closed by the client"). Until Debian ships it, every
 * response closes its connection, which libsoup does release. Behind
 * the reverse proxy the README asks for, clients keep their connections
 * to the proxy; only the loopback hop reconnects. */
static void
on_request_started_cb (SoupServer        *soup,
                       SoupServerMessage *msg,
                       gpointer           user_data)
{
  soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Connection", "close");
}

static void
on_early_request_cb (SoupServer        *soup,
                     SoupServerMessage *msg,
                     const char        *path,
                     GHashTable        *query,
                     gpointer           user_data)
{
  ParlaServer *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  BodyCounter *counter;

  /* Decide from the headers, before a byte of the body is read. */
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CONTENT_LENGTH &&
      soup_message_headers_get_content_length (headers) > (goffset) self->config->max_body_bytes)
    {
      soup_message_body_set_accumulate (soup_server_message_get_request_body (msg), FALSE);
      reply_error (msg, PARLA_ERROR_PAYLOAD_TOO_LARGE, NULL, NULL);
      soup_message_headers_replace (soup_server_message_get_response_headers (msg),
                                    "Connection", "close");
      return;
    }

  counter = g_new0 (BodyCounter, 1);
  counter->limit = self->config->max_body_bytes;
  g_signal_connect_data (msg, "got-chunk", G_CALLBACK (on_got_chunk_cb),
                         counter, (GClosureNotify) (void (*) (void)) g_free, 0);
}

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                ParlaServer       *self)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);
  g_autoptr(GError) error = NULL;

  if (self->shut_down)
    return TRUE;

  g_socket_set_option (g_socket_connection_get_socket (connection), IPPROTO_TCP, TCP_NODELAY, TRUE, NULL);
  if (!soup_server_accept_iostream (self->soup, G_IO_STREAM (connection), local, remote, &error))
    g_debug ("Cannot accept a connection: %s", error->message);

  return TRUE;
}

/* Object */

static void
close_dbs (ParlaServer *self)
{
  ParlaDb *db;

  while ((db = g_async_queue_try_pop (self->idle_dbs)) != NULL)
    ;

  g_mutex_lock (&self->db_mutex);
  g_ptr_array_set_size (self->all_dbs, 0);
  g_mutex_unlock (&self->db_mutex);
}

static void
parla_server_dispose (GObject *object)
{
  ParlaServer *self = PARLA_SERVER (object);

  parla_server_shutdown (self);

  G_OBJECT_CLASS (parla_server_parent_class)->dispose (object);
}

static void
parla_server_finalize (GObject *object)
{
  ParlaServer *self = PARLA_SERVER (object);

  g_clear_pointer (&self->in_flight, g_hash_table_unref);
  g_clear_pointer (&self->limiter, parla_login_limiter_free);
  g_clear_pointer (&self->idle_dbs, g_async_queue_unref);
  g_clear_pointer (&self->write_queue, g_async_queue_unref);
  g_clear_pointer (&self->all_dbs, g_ptr_array_unref);
  g_clear_pointer (&self->config, parla_server_config_free);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->db_mutex);

  G_OBJECT_CLASS (parla_server_parent_class)->finalize (object);
}

static void
parla_server_class_init (ParlaServerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_server_dispose;
  object_class->finalize = parla_server_finalize;
}

static void
parla_server_init (ParlaServer *self)
{
  g_mutex_init (&self->db_mutex);
  self->all_dbs = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_db_close);
  self->idle_dbs = g_async_queue_new ();
  self->in_flight = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->context = g_main_context_ref_thread_default ();
}

/**
 * parla_server_new:
 * @config: the configuration, copied
 *
 * Opens and migrates the database. The server serves nothing until
 * parla_server_listen(); it belongs to the thread-default main context
 * of the caller.
 */
ParlaServer *
parla_server_new (const ParlaServerConfig  *config,
                  GError                  **error)
{
  g_autoptr(ParlaServer) self = NULL;
  g_autoptr(ParlaHubBackplane) backplane = NULL;
  ParlaDb *db;

  g_return_val_if_fail (config != NULL, NULL);

  if (!parla_policy_validate (config->policy, error) ||
      !parla_payments_check_config (config, error))
    return NULL;

  self = g_object_new (PARLA_TYPE_SERVER, NULL);
  self->config = config_copy (config);
  self->limiter = parla_login_limiter_new (self->config);

  db = acquire_db (self, error);
  if (db == NULL)
    return NULL;

  if (!parla_db_migrate (db, error))
    {
      release_db (self, db);
      return NULL;
    }
  release_db (self, db);

  self->pool = g_thread_pool_new (worker_func, self, MAX (1, config->worker_threads), FALSE, error);
  if (self->pool == NULL)
    return NULL;
  self->write_queue = g_async_queue_new ();
  self->writer = g_thread_new ("parla-writer", writer_func, self);

  backplane = parla_hub_backplane_new_local ();
  self->hub = parla_hub_new (self, self->config, backplane);
  self->payments = parla_payments_new (self, self->config);
  self->instant_clock = parla_instant_clock_new (self);

  self->soup = soup_server_new ("server-header", "parla-server/" PACKAGE_VERSION, NULL);
  g_signal_connect (self->soup, "request-started", G_CALLBACK (on_request_started_cb), NULL);
  soup_server_add_early_handler (self->soup, "/api/v1", on_early_request_cb, self, NULL);
  soup_server_add_handler (self->soup, "/api/v1", on_request_cb, self, NULL);

  return g_steal_pointer (&self);
}

gboolean
parla_server_listen (ParlaServer  *self,
                     GError      **error)
{
  g_autoptr(GInetAddress) inet = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GSocketAddress) local = NULL;

  g_return_val_if_fail (PARLA_IS_SERVER (self), FALSE);

  inet = g_inet_address_new_from_string (self->config->listen_host);
  if (inet == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Not an IP address: %s", self->config->listen_host);
      return FALSE;
    }

  /* We accept connections ourselves and hand them to libsoup: its own
   * listener in 3.2.3 leaks the GSocket of every connection (fixed
   * upstream by b545d5f0), and our socket gets a listen backlog that
   * absorbs bursts of new connections (GSocket's default is 10). */
  address = g_inet_socket_address_new (inet, self->config->port);
  socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_STREAM,
                         G_SOCKET_PROTOCOL_DEFAULT, error);
  if (socket == NULL)
    return FALSE;
  g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (!g_socket_bind (socket, address, TRUE, error) ||
      !g_socket_listen (socket, error))
    return FALSE;

  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_socket (G_SOCKET_LISTENER (self->service), socket, NULL, error))
    return FALSE;
  g_signal_connect_object (self->service, "incoming", G_CALLBACK (on_incoming_cb), self, 0);
  g_socket_service_start (self->service);

  local = g_socket_get_local_address (socket, error);
  if (local == NULL)
    return FALSE;
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (local));

  return TRUE;
}

guint
parla_server_get_port (ParlaServer *self)
{
  g_return_val_if_fail (PARLA_IS_SERVER (self), 0);

  return self->port;
}

/**
 * parla_server_dup_base_url:
 *
 * Returns: (transfer full): e.g. "http://127.0.0.1:41234/"
 */
/**
 * parla_server_get_config:
 * @self: a #ParlaServer
 *
 * Returns: (transfer none): the configuration it runs with
 */
const ParlaServerConfig *
parla_server_get_config (ParlaServer *self)
{
  g_return_val_if_fail (PARLA_IS_SERVER (self), NULL);

  return self->config;
}

char *
parla_server_dup_base_url (ParlaServer *self)
{
  g_return_val_if_fail (PARLA_IS_SERVER (self), NULL);

  if (strchr (self->config->listen_host, ':') != NULL)
    return g_strdup_printf ("http://[%s]:%u/", self->config->listen_host, self->port);
  return g_strdup_printf ("http://%s:%u/", self->config->listen_host, self->port);
}

/**
 * parla_server_shutdown:
 *
 * Stops accepting connections, lets the requests already on a worker
 * finish, and closes the database. Safe to call twice.
 */
void
parla_server_shutdown (ParlaServer *self)
{
  g_return_if_fail (PARLA_IS_SERVER (self));

  if (self->shut_down)
    return;
  self->shut_down = TRUE;

  /* WebSockets are no longer the SoupServer's: the hub closes them. */
  if (self->hub != NULL)
    parla_hub_shutdown (self->hub);
  if (self->payments != NULL)
    parla_payments_shutdown (self->payments);
  g_clear_pointer (&self->instant_clock, parla_instant_clock_free);

  if (self->service != NULL)
    {
      g_socket_service_stop (self->service);
      g_socket_listener_close (G_SOCKET_LISTENER (self->service));
      g_clear_object (&self->service);
    }

  if (self->soup != NULL)
    soup_server_disconnect (self->soup);

  if (self->pool != NULL)
    g_thread_pool_free (g_steal_pointer (&self->pool), FALSE, TRUE);

  /* The writer finishes what the workers queued, then stops. */
  if (self->writer != NULL)
    {
      g_async_queue_push (self->write_queue, stop_writer);
      g_thread_join (g_steal_pointer (&self->writer));
    }

  /* Deliver what was finished, so no message stays paused. */
  while (g_main_context_iteration (self->context, FALSE))
    ;

  g_clear_object (&self->soup);
  g_clear_object (&self->hub);
  g_clear_object (&self->payments);
  close_dbs (self);
}

gboolean
parla_server_seed_demo (ParlaServer  *self,
                        GError      **error)
{
  ParlaDb *db;
  gboolean ret;

  g_return_val_if_fail (PARLA_IS_SERVER (self), FALSE);

  db = acquire_db (self, error);
  if (db == NULL)
    return FALSE;

  ret = parla_demo_seed (db, self->config, parla_server_now (self), error);
  release_db (self, db);

  return ret;
}

/**
 * parla_server_demo_trial_call:
 * @self: a #ParlaServer with the demo seeded
 * @out_session_id: (out): the "Try a call" session open now
 * @out_host_email: (out) (optional): the demo teacher hosting it
 * @error: return location for a #GError
 *
 * See parla_demo_trial_call().
 *
 * Returns: %TRUE on success
 */
gboolean
parla_server_demo_trial_call (ParlaServer  *self,
                              char        **out_session_id,
                              char        **out_host_email,
                              GError      **error)
{
  ParlaDb *db;
  gboolean ret;

  g_return_val_if_fail (PARLA_IS_SERVER (self), FALSE);

  db = acquire_db (self, error);
  if (db == NULL)
    return FALSE;

  ret = parla_demo_trial_call (db, self->config, parla_server_now (self),
                               out_session_id, out_host_email, error);
  release_db (self, db);

  return ret;
}

void
parla_server_set_clock (ParlaServer    *self,
                        ParlaClockFunc  func,
                        gpointer        user_data)
{
  g_return_if_fail (PARLA_IS_SERVER (self));

  self->clock_func = func;
  self->clock_data = user_data;
}

gint64
parla_server_now (ParlaServer *self)
{
  if (self->clock_func != NULL)
    return self->clock_func (self->clock_data);
  return parla_time_now ();
}

/* Holds every handler this long before it runs: tests use it to observe a
 * request while it is in flight. */
void
parla_server_set_handler_delay (ParlaServer *self,
                                guint        milliseconds)
{
  g_return_if_fail (PARLA_IS_SERVER (self));

  g_atomic_int_set (&self->handler_delay_ms, milliseconds);
}

ParlaLoginLimiter *
_parla_server_get_login_limiter (ParlaServer *self)
{
  return self->limiter;
}

ParlaHub *
_parla_server_get_hub (ParlaServer *self)
{
  return self->hub;
}

ParlaPayments *
_parla_server_get_payments (ParlaServer *self)
{
  return self->payments;
}

/**
 * _parla_server_run_async:
 * @work: runs on a worker thread with a database connection
 * @data: (transfer full): passed to @work, freed with @data_free
 * @result_free: frees what @work returns
 *
 * Runs @work on the request workers, so the hub never blocks the main
 * context on the database. @callback runs on the main context of the
 * caller.
 */
void
_parla_server_run_async (ParlaServer         *self,
                         ParlaDbWork          work,
                         gpointer             data,
                         GDestroyNotify       data_free,
                         GDestroyNotify       result_free,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  Job *job;

  g_return_if_fail (PARLA_IS_SERVER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, _parla_server_run_async);
  g_task_set_task_data (task, data, data_free);

  if (self->pool == NULL)
    {
      g_task_return_new_error (task, PARLA_ERROR, PARLA_ERROR_UNAVAILABLE, "The server is shutting down");
      return;
    }

  job = g_new0 (Job, 1);
  job->server = g_object_ref (self);
  job->task = g_steal_pointer (&task);
  job->work = work;
  job->result_free = result_free;
  g_thread_pool_push (self->pool, job, NULL);
}

gpointer
_parla_server_run_finish (ParlaServer   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
