/* parla-stripe.c: Stripe's REST API and its webhook signatures
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Requests are form-encoded POSTs with "Authorization: Bearer <key>" and
 * an Idempotency-Key, answered with JSON; they run on the main context
 * of the thread that made the client, never blocking it. The secret key
 * lives in the client only: it is never logged and never part of an
 * error message.
 *
 * A webhook carries "Stripe-Signature: t=<unix time>,v1=<hex>,v1=...":
 * each v1 is HMAC-SHA256, keyed with an endpoint secret, of
 * "<t>.<raw body>". One v1 matching one of our secrets (several during a
 * rotation) within the tolerance on our clock is a valid signature.
 */

#include "config.h"

#include "parla-stripe.h"

#include <libsoup/soup.h>
#include <sodium.h>
#include <string.h>

#include "parla-json.h"

G_DEFINE_QUARK (parla-stripe-error-quark, parla_stripe_error)

/* Signatures */

static void
hmac_sha256 (const char *secret,
             gint64      timestamp,
             GBytes     *payload,
             guint8      out[crypto_auth_hmacsha256_BYTES])
{
  crypto_auth_hmacsha256_state state;
  char prefix[32];
  gsize len;
  const guint8 *data = g_bytes_get_data (payload, &len);

  g_snprintf (prefix, sizeof prefix, "%" G_GINT64_FORMAT ".", timestamp);
  crypto_auth_hmacsha256_init (&state, (const guint8 *) secret, strlen (secret));
  crypto_auth_hmacsha256_update (&state, (const guint8 *) prefix, strlen (prefix));
  if (len > 0)
    crypto_auth_hmacsha256_update (&state, data, len);
  crypto_auth_hmacsha256_final (&state, out);
  sodium_memzero (&state, sizeof state);
}

static gboolean
signature_error (GError     **error,
                 const char  *message)
{
  g_set_error_literal (error, PARLA_STRIPE_ERROR, PARLA_STRIPE_ERROR_SIGNATURE, message);
  return FALSE;
}

/**
 * parla_stripe_verify_signature:
 * @header: (nullable): the Stripe-Signature header
 * @payload: the raw request body, exactly as received
 * @secrets: one endpoint secret or several, comma-separated
 * @now: our clock
 * @tolerance: the largest difference allowed between @now and the
 *   signature's timestamp, in seconds
 *
 * Checks a webhook's signature the way Stripe's libraries do: every "v1"
 * of the header against every secret, in constant time; other schemes
 * (such as "v0") are ignored.
 *
 * Returns: %TRUE if one of them matches and the timestamp is recent
 */
gboolean
parla_stripe_verify_signature (const char  *header,
                               GBytes      *payload,
                               const char  *secrets,
                               gint64       now,
                               gint64       tolerance,
                               GError     **error)
{
  g_auto(GStrv) items = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GPtrArray) signatures = g_ptr_array_new_with_free_func (g_free);
  gint64 timestamp = -1;
  gboolean matched = FALSE;

  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");

  if (header == NULL || *header == '\0')
    return signature_error (error, "No Stripe-Signature header");
  if (secrets == NULL || *secrets == '\0')
    return signature_error (error, "No webhook secret is configured");

  items = g_strsplit (header, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      char *item = g_strstrip (items[i]);
      char *eq = strchr (item, '=');

      if (eq == NULL)
        continue;
      *eq = '\0';

      if (g_str_equal (item, "t"))
        {
          guint64 value;

          if (timestamp >= 0 || !g_ascii_string_to_unsigned (eq + 1, 10, 0, G_MAXINT64, &value, NULL))
            return signature_error (error, "The timestamp of Stripe-Signature is malformed");
          timestamp = value;
        }
      else if (g_str_equal (item, "v1"))
        {
          guint8 *raw = g_malloc (crypto_auth_hmacsha256_BYTES);
          size_t raw_len = 0;

          if (strlen (eq + 1) != 2 * crypto_auth_hmacsha256_BYTES ||
              sodium_hex2bin (raw, crypto_auth_hmacsha256_BYTES, eq + 1, strlen (eq + 1),
                              NULL, &raw_len, NULL) != 0 ||
              raw_len != crypto_auth_hmacsha256_BYTES)
            {
              g_free (raw);
              continue;
            }
          g_ptr_array_add (signatures, raw);
        }
    }

  if (timestamp < 0)
    return signature_error (error, "Stripe-Signature has no timestamp");
  if (signatures->len == 0)
    return signature_error (error, "Stripe-Signature has no v1 signature");

  keys = g_strsplit (secrets, ",", -1);
  for (guint k = 0; keys[k] != NULL; k++)
    {
      guint8 expected[crypto_auth_hmacsha256_BYTES];
      const char *key = g_strstrip (keys[k]);

      if (*key == '\0')
        continue;

      hmac_sha256 (key, timestamp, payload, expected);
      /* Every pair is compared, matched or not: the time taken says
       * nothing about which one matched. */
      for (guint i = 0; i < signatures->len; i++)
        matched |= sodium_memcmp (expected, g_ptr_array_index (signatures, i), sizeof expected) == 0;
      sodium_memzero (expected, sizeof expected);
    }

  if (!matched)
    return signature_error (error, "No signature of Stripe-Signature matches");

  if (ABS (now - timestamp) > tolerance)
    return signature_error (error, "The signature is too old (or from the future)");

  return TRUE;
}

/**
 * parla_stripe_sign:
 *
 * Signs @payload the way Stripe signs its webhooks.
 *
 * Returns: (transfer full): the Stripe-Signature header value
 */
char *
parla_stripe_sign (const char *secret,
                   gint64      timestamp,
                   GBytes     *payload)
{
  guint8 mac[crypto_auth_hmacsha256_BYTES];
  char hex[2 * crypto_auth_hmacsha256_BYTES + 1];

  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");

  hmac_sha256 (secret, timestamp, payload, mac);
  sodium_bin2hex (hex, sizeof hex, mac, sizeof mac);

  return g_strdup_printf ("t=%" G_GINT64_FORMAT ",v1=%s", timestamp, hex);
}

/* Forms */

struct _ParlaStripeForm
{
  GString *text;
};

ParlaStripeForm *
parla_stripe_form_new (void)
{
  ParlaStripeForm *form = g_new0 (ParlaStripeForm, 1);

  form->text = g_string_new (NULL);
  return form;
}

/**
 * parla_stripe_form_add:
 * @name: e.g. "line_items[0][price_data][currency]"; brackets are sent as
 *   they are, as Stripe's own libraries do
 */
void
parla_stripe_form_add (ParlaStripeForm *form,
                       const char      *name,
                       const char      *value)
{
  g_return_if_fail (form != NULL && name != NULL && value != NULL);

  if (form->text->len > 0)
    g_string_append_c (form->text, '&');
  g_string_append_uri_escaped (form->text, name, "[]", FALSE);
  g_string_append_c (form->text, '=');
  g_string_append_uri_escaped (form->text, value, NULL, FALSE);
}

void
parla_stripe_form_add_int (ParlaStripeForm *form,
                           const char      *name,
                           gint64           value)
{
  char text[24];

  g_snprintf (text, sizeof text, "%" G_GINT64_FORMAT, value);
  parla_stripe_form_add (form, name, text);
}

const char *
parla_stripe_form_get_text (ParlaStripeForm *form)
{
  return form->text->str;
}

void
parla_stripe_form_free (ParlaStripeForm *form)
{
  if (form == NULL)
    return;

  g_string_free (form->text, TRUE);
  g_free (form);
}

/* The client */

struct _ParlaStripe
{
  GObject      parent_instance;

  char        *api_base;
  char        *authorization;   /* "Bearer sk_..." */
  SoupSession *session;
};

G_DEFINE_FINAL_TYPE (ParlaStripe, parla_stripe, G_TYPE_OBJECT)

static void
parla_stripe_dispose (GObject *object)
{
  ParlaStripe *self = PARLA_STRIPE (object);

  if (self->session != NULL)
    soup_session_abort (self->session);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (parla_stripe_parent_class)->dispose (object);
}

static void
parla_stripe_finalize (GObject *object)
{
  ParlaStripe *self = PARLA_STRIPE (object);

  g_free (self->api_base);
  if (self->authorization != NULL)
    sodium_memzero (self->authorization, strlen (self->authorization));
  g_free (self->authorization);

  G_OBJECT_CLASS (parla_stripe_parent_class)->finalize (object);
}

static void
parla_stripe_class_init (ParlaStripeClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_stripe_dispose;
  object_class->finalize = parla_stripe_finalize;
}

static void
parla_stripe_init (ParlaStripe *self)
{
}

/**
 * parla_stripe_new:
 * @api_base: (nullable): e.g. "https://api.stripe.com" (the default)
 * @secret_key: the secret API key
 *
 * Returns: (transfer full): a client bound to the thread-default main
 *   context
 */
ParlaStripe *
parla_stripe_new (const char *api_base,
                  const char *secret_key)
{
  ParlaStripe *self;

  g_return_val_if_fail (secret_key != NULL, NULL);

  self = g_object_new (PARLA_TYPE_STRIPE, NULL);
  self->api_base = g_strdup (api_base != NULL && *api_base != '\0' ? api_base : PARLA_STRIPE_DEFAULT_API_BASE);
  while (g_str_has_suffix (self->api_base, "/"))
    self->api_base[strlen (self->api_base) - 1] = '\0';
  self->authorization = g_strconcat ("Bearer ", secret_key, NULL);
  self->session = soup_session_new_with_options ("user-agent", "parla-server/" PACKAGE_VERSION,
                                                 "timeout", 60,
                                                 NULL);
  return self;
}

static void
on_post_cb (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SoupMessage *msg = soup_session_get_async_result_message (SOUP_SESSION (object), result);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  guint status;
  gsize len;
  const char *data;

  bytes = soup_session_send_and_read_finish (SOUP_SESSION (object), result, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, PARLA_STRIPE_ERROR, PARLA_STRIPE_ERROR_TRANSIENT,
                                 "Stripe cannot be reached: %s", error->message);
      return;
    }

  status = soup_message_get_status (msg);
  data = g_bytes_get_data (bytes, &len);
  node = parla_json_parse (data, len, NULL);

  if (status >= 200 && status < 300 && node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      g_task_return_pointer (task, g_steal_pointer (&node), (GDestroyNotify) json_node_unref);
      return;
    }

  {
    const char *message = NULL;
    const char *type = NULL;
    gboolean transient = status == 409 || status == 429 || status >= 500 || status < 200;

    if (node != NULL && JSON_NODE_HOLDS_OBJECT (node) &&
        json_object_has_member (json_node_get_object (node), "error"))
      {
        JsonObject *err = json_object_get_object_member (json_node_get_object (node), "error");

        if (err != NULL)
          {
            message = parla_json_get_string (err, "message", NULL);
            type = parla_json_get_string (err, "type", NULL);
          }
      }

    g_task_return_new_error (task, PARLA_STRIPE_ERROR,
                             transient ? PARLA_STRIPE_ERROR_TRANSIENT : PARLA_STRIPE_ERROR_REQUEST,
                             "Stripe answered %u (%s): %s", status, type ? type : "no type",
                             message ? message : "no message");
  }
}

/**
 * parla_stripe_post_async:
 * @path: e.g. "/v1/checkout/sessions"
 * @form: (nullable): the parameters
 * @idempotency_key: (nullable): the same key and body give Stripe's first
 *   answer again, never a second object
 *
 * POSTs to Stripe. The result is the JSON object Stripe answered with; a
 * 4xx is %PARLA_STRIPE_ERROR_REQUEST, anything that may succeed when sent
 * again with the same key is %PARLA_STRIPE_ERROR_TRANSIENT.
 */
void
parla_stripe_post_async (ParlaStripe         *self,
                         const char          *path,
                         ParlaStripeForm     *form,
                         const char          *idempotency_key,
                         GCancellable        *cancellable,
                         GAsyncReadyCallback  callback,
                         gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(SoupMessage) msg = NULL;
  g_autoptr(GBytes) body = NULL;
  g_autofree char *uri = NULL;
  SoupMessageHeaders *headers;
  const char *text = form != NULL ? parla_stripe_form_get_text (form) : "";

  g_return_if_fail (PARLA_IS_STRIPE (self));
  g_return_if_fail (path != NULL && path[0] == '/');

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_stripe_post_async);

  uri = g_strconcat (self->api_base, path, NULL);
  msg = soup_message_new (SOUP_METHOD_POST, uri);
  if (msg == NULL)
    {
      g_task_return_new_error (task, PARLA_STRIPE_ERROR, PARLA_STRIPE_ERROR_REQUEST,
                               "Not a valid Stripe API base: %s", self->api_base);
      return;
    }

  headers = soup_message_get_request_headers (msg);
  soup_message_headers_replace (headers, "Authorization", self->authorization);
  soup_message_headers_replace (headers, "Stripe-Version", "2023-10-16");
  if (idempotency_key != NULL)
    soup_message_headers_replace (headers, "Idempotency-Key", idempotency_key);

  body = g_bytes_new (text, strlen (text));
  soup_message_set_request_body_from_bytes (msg, "application/x-www-form-urlencoded", body);

  soup_session_send_and_read_async (self->session, msg, G_PRIORITY_DEFAULT, cancellable,
                                    on_post_cb, g_steal_pointer (&task));
}

JsonNode *
parla_stripe_post_finish (ParlaStripe   *self,
                          GAsyncResult  *result,
                          GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
