/* stripe-standin.c: a local stand-in for Stripe's API, for the tests
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "stripe-standin.h"

#include <libsoup/soup.h>
#include <string.h>

#define CHECKOUT_MIN_SECONDS (30 * 60)
#define CHECKOUT_MAX_SECONDS (24 * 3600)

typedef struct
{
  char     *hash;
  guint     status;
  char     *body;
} Idempotent;

typedef struct
{
  SoupServerMessage *msg;       /* owned ref */
  GPtrArray         *events;    /* JsonNode, sent on release */
  gboolean           gone;      /* the client hung up */
} Held;

struct _StripeStandin
{
  GThread      *thread;
  GMainContext *context;
  GMainLoop    *loop;
  SoupServer   *server;
  GSocketService *service;     /* accepts for the server (see thread_func) */
  SoupSession  *session;       /* sends webhooks, on the thread */
  char         *url;
  char         *secret_key;
  char         *webhook_secret;

  GMutex        mutex;
  GCond         cond;
  gboolean      ready;
  gboolean      stopping;      /* on the thread: no more deliveries */

  /* guarded by mutex */
  char         *webhook_url;
  gint64        now;
  char         *hold_prefix;
  GPtrArray    *held;          /* Held */
  GHashTable   *objects;       /* id -> JsonNode (object) */
  GHashTable   *idempotency;   /* key -> Idempotent */
  GHashTable   *requests;      /* path -> count */
  GQueue        outgoing;      /* JsonNode events not yet sent */
  gboolean      sending;
  guint         counter;
  guint         delivered;
  guint         accepted;
};

static void
idempotent_free (Idempotent *idem)
{
  g_free (idem->hash);
  g_free (idem->body);
  g_free (idem);
}

static gint64
now_locked (StripeStandin *self)
{
  return self->now != 0 ? self->now : g_get_real_time () / G_USEC_PER_SEC;
}

static char *
new_id (StripeStandin *self,
        const char    *prefix)
{
  return g_strdup_printf ("%s_test_%04u%08x", prefix, ++self->counter, g_random_int ());
}

/* Signatures, computed independently of the server's code */

char *
stripe_standin_sign (const char *secret,
                     gint64      timestamp,
                     const char *payload)
{
  g_autofree char *signed_payload = g_strdup_printf ("%" G_GINT64_FORMAT ".%s", timestamp, payload);
  g_autofree char *hex = g_compute_hmac_for_string (G_CHECKSUM_SHA256, (const guchar *) secret,
                                                    strlen (secret), signed_payload, -1);

  return g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", timestamp, hex);
}

/* Events */

static void     send_next      (StripeStandin *self);
static gboolean send_next_idle (gpointer       data);

static void
on_delivered_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  StripeStandin *self = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, NULL);

  JsonNode *event = g_object_get_data (G_OBJECT (msg), "event");
  gboolean ok = bytes != NULL && SOUP_STATUS_IS_SUCCESSFUL (soup_message_get_status (msg));

  g_mutex_lock (&self->mutex);
  self->delivered++;
  if (ok)
    self->accepted++;
  self->sending = FALSE;
  /* Like Stripe, deliver again what was not accepted; the server may be
   * down for a moment. A 400 (a bad signature) is not retried. */
  if (!ok && (bytes == NULL || soup_message_get_status (msg) >= 500))
    g_queue_push_head (&self->outgoing, json_node_ref (event));
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  if (ok)
    send_next (self);
  else
    {
      GSource *source = g_timeout_source_new (100);

      g_source_set_callback (source, send_next_idle, self, NULL);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* On the thread: one delivery at a time, in order. */
static void
send_next (StripeStandin *self)
{
  g_autoptr(JsonNode) event = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *text = NULL;
  g_autofree char *signature = NULL;
  gint64 now;

  if (self->stopping)
    return;

  g_mutex_lock (&self->mutex);
  if (self->sending || self->webhook_url == NULL || g_queue_is_empty (&self->outgoing))
    {
      g_mutex_unlock (&self->mutex);
      return;
    }
  event = g_queue_pop_head (&self->outgoing);
  msg = soup_message_new (SOUP_METHOD_POST, self->webhook_url);
  now = now_locked (self);
  self->sending = TRUE;
  g_mutex_unlock (&self->mutex);

  text = json_to_string (event, FALSE);
  signature = stripe_standin_sign (self->webhook_secret, now, text);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Stripe-Signature", signature);
  body = g_bytes_new (text, strlen (text));
  g_object_set_data_full (G_OBJECT (msg), "event", json_node_ref (event), (GDestroyNotify) json_node_unref);
  soup_message_set_request_body_from_bytes (msg, "application/json; charset=utf-8", body);
  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, NULL, on_delivered_cb, self);
}

static gboolean
send_next_idle (gpointer data)
{
  send_next (data);
  return G_SOURCE_REMOVE;
}

static JsonNode *
make_event (StripeStandin *self,
            const char    *type,
            JsonNode      *object)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = new_id (self, "evt");

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "id");
  json_builder_add_string_value (builder, id);
  json_builder_set_member_name (builder, "object");
  json_builder_add_string_value (builder, "event");
  json_builder_set_member_name (builder, "api_version");
  json_builder_add_string_value (builder, "2023-10-16");
  json_builder_set_member_name (builder, "created");
  json_builder_add_int_value (builder, now_locked (self));
  json_builder_set_member_name (builder, "livemode");
  json_builder_add_boolean_value (builder, FALSE);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "data");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "object");
  json_builder_add_value (builder, json_node_copy (object));
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Called with the lock held: into @pending (a held request's) or out. */
static void
emit (StripeStandin *self,
      GPtrArray     *pending,
      const char    *type,
      JsonNode      *object)
{
  JsonNode *event = make_event (self, type, object);

  if (pending != NULL)
    g_ptr_array_add (pending, event);
  else
    {
      GSource *source = g_idle_source_new ();

      /* Never at once: the lock is held here. */
      g_queue_push_tail (&self->outgoing, event);
      g_source_set_callback (source, send_next_idle, self, NULL);
      g_source_attach (source, self->context);
      g_source_unref (source);
    }
}

/* Objects */

static JsonObject *
object_get (StripeStandin *self,
            const char    *id)
{
  JsonNode *node = id ? g_hash_table_lookup (self->objects, id) : NULL;

  return node ? json_node_get_object (node) : NULL;
}

static JsonObject *
object_new (StripeStandin *self,
            const char    *prefix,
            const char    *kind,
            char         **out_id)
{
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  JsonObject *object = json_object_new ();
  char *id = new_id (self, prefix);

  json_node_take_object (node, object);
  json_object_set_string_member (object, "id", id);
  json_object_set_string_member (object, "object", kind);
  json_object_set_int_member (object, "created", now_locked (self));
  json_object_set_boolean_member (object, "livemode", FALSE);
  g_hash_table_insert (self->objects, g_strdup (id), node);
  if (out_id != NULL)
    *out_id = id;
  else
    g_free (id);

  return object;
}

static JsonNode *
object_node (StripeStandin *self,
             const char    *id)
{
  return g_hash_table_lookup (self->objects, id);
}

/* Requests */

typedef struct
{
  guint  status;
  char  *body;
} Answer;

static void
answer_error (Answer     *answer,
              guint       status,
              const char *type,
              const char *param,
              const char *format,
              ...) G_GNUC_PRINTF (5, 6);

static void
answer_error (Answer     *answer,
              guint       status,
              const char *type,
              const char *param,
              const char *format,
              ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "error");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, type);
  json_builder_set_member_name (builder, "message");
  json_builder_add_string_value (builder, message);
  if (param != NULL)
    {
      json_builder_set_member_name (builder, "param");
      json_builder_add_string_value (builder, param);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  answer->status = status;
  answer->body = json_to_string (root, FALSE);
}

static void
answer_object (Answer   *answer,
               JsonNode *object)
{
  answer->status = 200;
  answer->body = json_to_string (object, FALSE);
}

static gboolean
require (GHashTable *form,
         const char *name,
         Answer     *answer)
{
  const char *value = g_hash_table_lookup (form, name);

  if (value == NULL || *value == '\0')
    {
      answer_error (answer, 400, "invalid_request_error", name, "Missing required param: %s.", name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
require_int (GHashTable *form,
             const char *name,
             gint64      min,
             gint64      max,
             gint64     *out,
             Answer     *answer)
{
  const char *value = g_hash_table_lookup (form, name);

  if (value == NULL || !g_ascii_string_to_signed (value, 10, min, max, out, NULL))
    {
      answer_error (answer, 400, "invalid_request_error", name,
                    "Invalid integer: %s must be from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT ".",
                    name, min, max);
      return FALSE;
    }
  return TRUE;
}

/* Every parameter must be one the endpoint knows, as Stripe insists. */
static gboolean
only_known (GHashTable         *form,
            const char * const *known,
            Answer             *answer)
{
  GHashTableIter iter;
  gpointer key;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      gboolean ok = FALSE;

      for (guint i = 0; known[i] != NULL && !ok; i++)
        ok = g_str_has_suffix (known[i], "[") ? g_str_has_prefix (key, known[i]) : g_str_equal (key, known[i]);

      if (!ok)
        {
          answer_error (answer, 400, "invalid_request_error", key, "Received unknown parameter: %s", (char *) key);
          return FALSE;
        }
    }
  return TRUE;
}

static void
copy_metadata (GHashTable *form,
               const char *prefix,
               JsonObject *object)
{
  JsonObject *metadata = json_object_new ();
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, form);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, prefix) && g_str_has_suffix (key, "]"))
      {
        g_autofree char *name = g_strndup ((char *) key + strlen (prefix),
                                           strlen (key) - strlen (prefix) - 1);
        json_object_set_string_member (metadata, name, value);
      }
  json_object_set_object_member (object, "metadata", metadata);
}

static void
create_checkout (StripeStandin *self,
                 GHashTable    *form,
                 Answer        *answer)
{
  static const char * const known[] = {
    "mode", "success_url", "cancel_url", "line_items[", "client_reference_id", "metadata[",
    "payment_intent_data[", "expires_at", "customer_email", NULL
  };
  g_autofree char *intent_id = NULL;
  JsonObject *session, *intent;
  gint64 amount, quantity, expires_at = now_locked (self) + CHECKOUT_MAX_SECONDS;
  const char *currency;
  char *session_id = NULL;

  if (!only_known (form, known, answer) ||
      !require (form, "mode", answer) ||
      !require (form, "success_url", answer) ||
      !require (form, "line_items[0][price_data][currency]", answer) ||
      !require (form, "line_items[0][price_data][product_data][name]", answer) ||
      !require_int (form, "line_items[0][price_data][unit_amount]", 1, 99999999, &amount, answer) ||
      !require_int (form, "line_items[0][quantity]", 1, 1000, &quantity, answer))
    return;

  if (!g_str_equal (g_hash_table_lookup (form, "mode"), "payment"))
    {
      answer_error (answer, 400, "invalid_request_error", "mode", "Invalid mode: only payment is supported here.");
      return;
    }

  currency = g_hash_table_lookup (form, "line_items[0][price_data][currency]");
  if (strlen (currency) != 3)
    {
      answer_error (answer, 400, "invalid_request_error", "line_items[0][price_data][currency]",
                    "Invalid currency: %s", currency);
      return;
    }

  if (g_hash_table_contains (form, "expires_at") &&
      !require_int (form, "expires_at", now_locked (self) + CHECKOUT_MIN_SECONDS,
                    now_locked (self) + CHECKOUT_MAX_SECONDS, &expires_at, answer))
    return;

  intent = object_new (self, "pi", "payment_intent", &intent_id);
  json_object_set_string_member (intent, "status", "requires_payment_method");
  json_object_set_int_member (intent, "amount", amount * quantity);
  json_object_set_int_member (intent, "amount_received", 0);
  json_object_set_string_member (intent, "currency", currency);
  copy_metadata (form, "payment_intent_data[metadata][", intent);

  session = object_new (self, "cs", "checkout.session", &session_id);
  json_object_set_string_member (session, "status", "open");
  json_object_set_string_member (session, "payment_status", "unpaid");
  json_object_set_string_member (session, "mode", "payment");
  json_object_set_int_member (session, "amount_total", amount * quantity);
  json_object_set_string_member (session, "currency", currency);
  json_object_set_int_member (session, "expires_at", expires_at);
  json_object_set_string_member (session, "client_reference_id", g_hash_table_lookup (form, "client_reference_id"));
  json_object_set_null_member (session, "payment_intent");
  {
    g_autofree char *url = g_strconcat ("https://checkout.stripe.test/c/pay/", session_id, NULL);
    json_object_set_string_member (session, "url", url);
  }
  copy_metadata (form, "metadata[", session);
  json_object_set_string_member (intent, "checkout_session", session_id);

  answer_object (answer, object_node (self, session_id));
  g_free (session_id);
}

static void
expire_checkout (StripeStandin *self,
                 const char    *session_id,
                 GPtrArray     *pending,
                 Answer        *answer)
{
  JsonObject *session = object_get (self, session_id);

  if (session == NULL || !g_str_equal (json_object_get_string_member (session, "object"), "checkout.session"))
    {
      answer_error (answer, 404, "invalid_request_error", "session", "No such checkout.session: '%s'", session_id);
      return;
    }

  if (!g_str_equal (json_object_get_string_member (session, "status"), "open"))
    {
      answer_error (answer, 400, "invalid_request_error", NULL,
                    "Only Checkout Sessions with a status in [\"open\"] can be expired.");
      return;
    }

  json_object_set_string_member (session, "status", "expired");
  emit (self, pending, "checkout.session.expired", object_node (self, session_id));
  answer_object (answer, object_node (self, session_id));
}

static void
create_refund (StripeStandin *self,
               GHashTable    *form,
               GPtrArray     *pending,
               Answer        *answer)
{
  static const char * const known[] = { "payment_intent", "amount", "metadata[", "reason", NULL };
  g_autofree char *refund_id = NULL;
  JsonObject *intent, *refund, *charge;
  const char *intent_id;
  gint64 received, refunded, amount;

  if (!only_known (form, known, answer) || !require (form, "payment_intent", answer))
    return;

  intent_id = g_hash_table_lookup (form, "payment_intent");
  intent = object_get (self, intent_id);
  if (intent == NULL || !g_str_equal (json_object_get_string_member (intent, "object"), "payment_intent"))
    {
      answer_error (answer, 400, "invalid_request_error", "payment_intent", "No such payment_intent: '%s'", intent_id);
      return;
    }
  if (!g_str_equal (json_object_get_string_member (intent, "status"), "succeeded"))
    {
      answer_error (answer, 400, "invalid_request_error", "payment_intent",
                    "This PaymentIntent does not have a successful charge to refund.");
      return;
    }

  charge = object_get (self, json_object_get_string_member (intent, "latest_charge"));
  received = json_object_get_int_member (intent, "amount_received");
  refunded = json_object_get_int_member (charge, "amount_refunded");
  amount = received - refunded;
  if (g_hash_table_contains (form, "amount") &&
      !require_int (form, "amount", 1, received - refunded, &amount, answer))
    return;
  if (amount <= 0)
    {
      answer_error (answer, 400, "invalid_request_error", "amount", "This charge has already been refunded.");
      return;
    }

  refund = object_new (self, "re", "refund", &refund_id);
  json_object_set_int_member (refund, "amount", amount);
  json_object_set_string_member (refund, "currency", json_object_get_string_member (intent, "currency"));
  json_object_set_string_member (refund, "payment_intent", intent_id);
  json_object_set_string_member (refund, "charge", json_object_get_string_member (charge, "id"));
  json_object_set_string_member (refund, "status", "pending");
  copy_metadata (form, "metadata[", refund);

  answer_object (answer, object_node (self, refund_id));
  emit (self, pending, "refund.created", object_node (self, refund_id));

  /* The bank confirms: pending becomes succeeded. */
  json_object_set_string_member (refund, "status", "succeeded");
  json_object_set_int_member (charge, "amount_refunded", refunded + amount);
  json_object_set_boolean_member (charge, "refunded", refunded + amount == received);
  emit (self, pending, "refund.updated", object_node (self, refund_id));
  emit (self, pending, "charge.refunded", object_node (self, json_object_get_string_member (charge, "id")));
}

static void
create_transfer (StripeStandin *self,
                 GHashTable    *form,
                 GPtrArray     *pending,
                 Answer        *answer)
{
  static const char * const known[] = { "amount", "currency", "destination", "metadata[", "transfer_group", NULL };
  g_autofree char *transfer_id = NULL;
  JsonObject *transfer;
  gint64 amount;

  if (!only_known (form, known, answer) ||
      !require_int (form, "amount", 1, 99999999, &amount, answer) ||
      !require (form, "currency", answer) ||
      !require (form, "destination", answer))
    return;

  if (!g_str_has_prefix (g_hash_table_lookup (form, "destination"), "acct_"))
    {
      answer_error (answer, 400, "invalid_request_error", "destination", "No such destination: '%s'",
                    (char *) g_hash_table_lookup (form, "destination"));
      return;
    }

  transfer = object_new (self, "tr", "transfer", &transfer_id);
  json_object_set_int_member (transfer, "amount", amount);
  json_object_set_string_member (transfer, "currency", g_hash_table_lookup (form, "currency"));
  json_object_set_string_member (transfer, "destination", g_hash_table_lookup (form, "destination"));
  copy_metadata (form, "metadata[", transfer);

  answer_object (answer, object_node (self, transfer_id));
  emit (self, pending, "transfer.created", object_node (self, transfer_id));
}

static void
respond (SoupServerMessage *msg,
         guint              status,
         const char        *body,
         gboolean           replayed)
{
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_COPY, body, strlen (body));
  if (replayed)
    soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Idempotent-Replayed", "true");
}

static void
on_held_gone_cb (SoupServerMessage *msg,
                 Held              *held)
{
  held->gone = TRUE;
}

static void
on_request_cb (SoupServer        *server,
               SoupServerMessage *msg,
               const char        *path,
               GHashTable        *query,
               gpointer           user_data)
{
  StripeStandin *self = user_data;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *authorization = soup_message_headers_get_one (headers, "Authorization");
  const char *key = soup_message_headers_get_one (headers, "Idempotency-Key");
  g_autofree char *expected = g_strconcat ("Bearer ", self->secret_key, NULL);
  g_autoptr(GBytes) bytes = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  g_autofree char *text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  g_autofree char *hash = NULL;
  g_autoptr(GHashTable) form = NULL;
  g_autoptr(GPtrArray) pending = NULL;
  g_autoptr(GHashTable) content_params = NULL;
  const char *content_type;
  Answer answer = { 0, NULL };
  gboolean held;

  g_mutex_lock (&self->mutex);

  g_hash_table_insert (self->requests, g_strdup (path),
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->requests, path)) + 1));

  if (g_strcmp0 (authorization, expected) != 0)
    {
      answer_error (&answer, 401, "invalid_request_error", NULL, "Invalid API Key provided");
      goto out;
    }

  if (!g_str_equal (soup_server_message_get_method (msg), SOUP_METHOD_POST))
    {
      answer_error (&answer, 405, "invalid_request_error", NULL, "Only POST is served here");
      goto out;
    }

  content_type = soup_message_headers_get_content_type (headers, &content_params);
  if (g_strcmp0 (content_type, "application/x-www-form-urlencoded") != 0)
    {
      answer_error (&answer, 400, "invalid_request_error", NULL,
                    "Request bodies must be application/x-www-form-urlencoded");
      goto out;
    }

  hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, text, -1);
  {
    g_autofree char *keyed = g_strconcat (path, "\n", hash, NULL);
    g_free (hash);
    hash = g_steal_pointer (&keyed);
  }

  if (key != NULL)
    {
      Idempotent *previous = g_hash_table_lookup (self->idempotency, key);

      if (previous != NULL)
        {
          if (g_str_equal (previous->hash, hash))
            {
              respond (msg, previous->status, previous->body, TRUE);
            }
          else
            {
              answer_error (&answer, 400, "idempotency_error", NULL,
                            "Keys for idempotent requests can only be used with the same parameters they "
                            "were first used with.");
              respond (msg, answer.status, answer.body, FALSE);
              g_free (answer.body);
            }
          g_mutex_unlock (&self->mutex);
          return;
        }
    }

  form = soup_form_decode (text);
  held = self->hold_prefix != NULL && g_str_has_prefix (path, self->hold_prefix);
  if (held)
    pending = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  if (g_str_equal (path, "/v1/checkout/sessions"))
    create_checkout (self, form, &answer);
  else if (g_str_has_prefix (path, "/v1/checkout/sessions/") && g_str_has_suffix (path, "/expire"))
    {
      g_autofree char *id = g_strndup (path + strlen ("/v1/checkout/sessions/"),
                                       strlen (path) - strlen ("/v1/checkout/sessions/") - strlen ("/expire"));
      expire_checkout (self, id, pending, &answer);
    }
  else if (g_str_equal (path, "/v1/refunds"))
    create_refund (self, form, pending, &answer);
  else if (g_str_equal (path, "/v1/transfers"))
    create_transfer (self, form, pending, &answer);
  else
    answer_error (&answer, 404, "invalid_request_error", NULL, "Unrecognized request URL (POST: %s)", path);

  if (key != NULL)
    {
      Idempotent *idem = g_new0 (Idempotent, 1);

      idem->hash = g_strdup (hash);
      idem->status = answer.status;
      idem->body = g_strdup (answer.body);
      g_hash_table_insert (self->idempotency, g_strdup (key), idem);
    }

  if (held)
    {
      Held *h = g_new0 (Held, 1);

      respond (msg, answer.status, answer.body, FALSE);
      h->msg = g_object_ref (msg);
      h->events = g_steal_pointer (&pending);
      g_signal_connect (msg, "disconnected", G_CALLBACK (on_held_gone_cb), h);
      g_signal_connect (msg, "finished", G_CALLBACK (on_held_gone_cb), h);
      soup_server_message_pause (msg);
      g_ptr_array_add (self->held, h);
      g_cond_broadcast (&self->cond);
      g_free (answer.body);
      g_mutex_unlock (&self->mutex);
      return;
    }

out:
  g_mutex_unlock (&self->mutex);
  respond (msg, answer.status, answer.body, FALSE);
  g_free (answer.body);
}

/* The thread */

static gboolean
on_incoming_cb (GSocketService    *service,
                GSocketConnection *connection,
                GObject           *source_object,
                StripeStandin     *self)
{
  g_autoptr(GSocketAddress) local = g_socket_connection_get_local_address (connection, NULL);
  g_autoptr(GSocketAddress) remote = g_socket_connection_get_remote_address (connection, NULL);

  soup_server_accept_iostream (self->server, G_IO_STREAM (connection), local, remote, NULL);
  return TRUE;
}

static gpointer
thread_func (gpointer data)
{
  StripeStandin *self = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GInetAddress) loopback = NULL;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GSocketAddress) effective = NULL;

  g_main_context_push_thread_default (self->context);

  /* Connections are accepted here and handed to libsoup, as the server
   * does: libsoup 3.2.3's own listener leaks every accepted socket. */
  self->server = soup_server_new (NULL, NULL);
  soup_server_add_handler (self->server, NULL, on_request_cb, self, NULL);
  loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  address = g_inet_socket_address_new (loopback, 0);
  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    g_error ("The Stripe stand-in cannot listen: %s", error->message);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming_cb), self);
  g_socket_service_start (self->service);
  self->url = g_strdup_printf ("http://127.0.0.1:%u",
                               g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective)));
  self->session = soup_session_new ();

  g_mutex_lock (&self->mutex);
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->mutex);

  g_main_loop_run (self->loop);

  soup_session_abort (self->session);
  g_clear_object (&self->session);
  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
  soup_server_disconnect (self->server);
  g_clear_object (&self->server);
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

static void
held_free (Held *held)
{
  g_signal_handlers_disconnect_by_data (held->msg, held);
  g_clear_object (&held->msg);
  g_clear_pointer (&held->events, g_ptr_array_unref);
  g_free (held);
}

StripeStandin *
stripe_standin_new (const char *secret_key,
                    const char *webhook_secret)
{
  StripeStandin *self = g_new0 (StripeStandin, 1);

  g_mutex_init (&self->mutex);
  g_cond_init (&self->cond);
  self->secret_key = g_strdup (secret_key);
  self->webhook_secret = g_strdup (webhook_secret);
  self->objects = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_node_unref);
  self->idempotency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) idempotent_free);
  self->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->held = g_ptr_array_new_with_free_func ((GDestroyNotify) held_free);
  g_queue_init (&self->outgoing);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("stripe-standin", thread_func, self);

  g_mutex_lock (&self->mutex);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->mutex);
  g_mutex_unlock (&self->mutex);

  return self;
}

static gboolean
quit_idle (gpointer data)
{
  StripeStandin *self = data;

  self->stopping = TRUE;

  /* Answer what is still held, so that no message stays paused. */
  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->held->len; i++)
    {
      Held *held = g_ptr_array_index (self->held, i);

      if (!held->gone)
        soup_server_message_unpause (held->msg);
    }
  g_ptr_array_set_size (self->held, 0);
  g_mutex_unlock (&self->mutex);

  g_main_loop_quit (self->loop);
  return G_SOURCE_REMOVE;
}

void
stripe_standin_free (StripeStandin *self)
{
  if (self == NULL)
    return;

  g_main_context_invoke (self->context, quit_idle, self);
  g_thread_join (self->thread);

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_hash_table_unref (self->objects);
  g_hash_table_unref (self->idempotency);
  g_hash_table_unref (self->requests);
  g_ptr_array_unref (self->held);
  g_queue_clear_full (&self->outgoing, (GDestroyNotify) json_node_unref);
  g_free (self->url);
  g_free (self->secret_key);
  g_free (self->webhook_secret);
  g_free (self->webhook_url);
  g_free (self->hold_prefix);
  g_mutex_clear (&self->mutex);
  g_cond_clear (&self->cond);
  g_free (self);
}

const char *
stripe_standin_get_url (StripeStandin *self)
{
  return self->url;
}

void
stripe_standin_set_webhook_url (StripeStandin *self,
                                const char    *url)
{
  g_mutex_lock (&self->mutex);
  g_free (self->webhook_url);
  self->webhook_url = g_strdup (url);
  g_mutex_unlock (&self->mutex);
  g_main_context_invoke (self->context, send_next_idle, self);
}

void
stripe_standin_set_now (StripeStandin *self,
                        gint64         now)
{
  g_mutex_lock (&self->mutex);
  self->now = now;
  g_mutex_unlock (&self->mutex);
}

void
stripe_standin_hold (StripeStandin *self,
                     const char    *prefix)
{
  g_mutex_lock (&self->mutex);
  g_free (self->hold_prefix);
  self->hold_prefix = g_strdup (prefix);
  g_mutex_unlock (&self->mutex);
}

guint
stripe_standin_n_held (StripeStandin *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->held->len;
  g_mutex_unlock (&self->mutex);

  return n;
}

static gboolean
release_idle (gpointer data)
{
  StripeStandin *self = data;

  g_mutex_lock (&self->mutex);
  for (guint i = 0; i < self->held->len; i++)
    {
      Held *held = g_ptr_array_index (self->held, i);

      if (!held->gone)
        soup_server_message_unpause (held->msg);
      for (guint e = 0; e < held->events->len; e++)
        g_queue_push_tail (&self->outgoing, json_node_ref (g_ptr_array_index (held->events, e)));
    }
  g_ptr_array_set_size (self->held, 0);
  g_mutex_unlock (&self->mutex);

  send_next (self);
  return G_SOURCE_REMOVE;
}

/* Answers the held requests (those whose client is still there) and
 * sends their events. */
void
stripe_standin_release (StripeStandin *self)
{
  stripe_standin_hold (self, NULL);
  g_main_context_invoke (self->context, release_idle, self);
}

guint
stripe_standin_n_requests (StripeStandin *self,
                           const char    *path)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = GPOINTER_TO_UINT (g_hash_table_lookup (self->requests, path));
  g_mutex_unlock (&self->mutex);

  return n;
}

guint
stripe_standin_n_objects (StripeStandin *self,
                          const char    *kind)
{
  GHashTableIter iter;
  gpointer value;
  guint n = 0;

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (g_str_equal (json_object_get_string_member (json_node_get_object (value), "object"), kind))
      n++;
  g_mutex_unlock (&self->mutex);

  return n;
}

JsonNode *
stripe_standin_dup_object (StripeStandin *self,
                           const char    *id)
{
  JsonNode *node;

  g_mutex_lock (&self->mutex);
  node = g_hash_table_lookup (self->objects, id);
  node = node ? json_node_copy (node) : NULL;
  g_mutex_unlock (&self->mutex);

  return node;
}

char *
stripe_standin_dup_checkout_for (StripeStandin *self,
                                 const char    *booking_id)
{
  GHashTableIter iter;
  gpointer key, value;
  char *found = NULL;

  g_mutex_lock (&self->mutex);
  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonObject *object = json_node_get_object (value);
      JsonObject *metadata;

      if (!g_str_equal (json_object_get_string_member (object, "object"), "checkout.session"))
        continue;
      metadata = json_object_get_object_member (object, "metadata");
      if (json_object_has_member (metadata, "booking_id") &&
          g_str_equal (json_object_get_string_member (metadata, "booking_id"), booking_id))
        found = g_strdup (key);
    }
  g_mutex_unlock (&self->mutex);

  return found;
}

void
stripe_standin_pay (StripeStandin *self,
                    const char    *session_id)
{
  g_autofree char *charge_id = NULL;
  JsonObject *session, *intent = NULL, *charge;
  GHashTableIter iter;
  gpointer key, value;

  g_mutex_lock (&self->mutex);
  session = object_get (self, session_id);
  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "status"), ==, "open");

  g_hash_table_iter_init (&iter, self->objects);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      JsonObject *object = json_node_get_object (value);

      if (g_str_equal (json_object_get_string_member (object, "object"), "payment_intent") &&
          g_strcmp0 (json_object_get_string_member (object, "checkout_session"), session_id) == 0)
        intent = object;
    }
  g_assert_nonnull (intent);

  charge = object_new (self, "ch", "charge", &charge_id);
  json_object_set_int_member (charge, "amount", json_object_get_int_member (intent, "amount"));
  json_object_set_int_member (charge, "amount_refunded", 0);
  json_object_set_boolean_member (charge, "refunded", FALSE);
  json_object_set_string_member (charge, "currency", json_object_get_string_member (intent, "currency"));
  json_object_set_string_member (charge, "payment_intent", json_object_get_string_member (intent, "id"));

  json_object_set_string_member (intent, "status", "succeeded");
  json_object_set_int_member (intent, "amount_received", json_object_get_int_member (intent, "amount"));
  json_object_set_string_member (intent, "latest_charge", charge_id);

  json_object_set_string_member (session, "status", "complete");
  json_object_set_string_member (session, "payment_status", "paid");
  json_object_set_string_member (session, "payment_intent", json_object_get_string_member (intent, "id"));

  emit (self, NULL, "checkout.session.completed", object_node (self, session_id));
  emit (self, NULL, "payment_intent.succeeded", object_node (self, json_object_get_string_member (intent, "id")));
  g_mutex_unlock (&self->mutex);
}

void
stripe_standin_expire (StripeStandin *self,
                       const char    *session_id)
{
  JsonObject *session;

  g_mutex_lock (&self->mutex);
  session = object_get (self, session_id);
  g_assert_nonnull (session);
  g_assert_cmpstr (json_object_get_string_member (session, "status"), ==, "open");
  json_object_set_string_member (session, "status", "expired");
  emit (self, NULL, "checkout.session.expired", object_node (self, session_id));
  g_mutex_unlock (&self->mutex);
}

guint
stripe_standin_n_delivered (StripeStandin *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->delivered;
  g_mutex_unlock (&self->mutex);

  return n;
}

guint
stripe_standin_n_accepted (StripeStandin *self)
{
  guint n;

  g_mutex_lock (&self->mutex);
  n = self->accepted;
  g_mutex_unlock (&self->mutex);

  return n;
}
