/* parla-token-store.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-token-store.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>

/**
 * ParlaTokenStore:
 *
 * Keeps the bearer token of one account per server in the user's keyring
 * (the Secret Service's default collection), through one #SecretSchema:
 * "app.parla.Parla.Token" with the attributes "server" (the server's
 * address, as the client spells it) and "email". Saving for a server
 * replaces whatever was kept for that server before.
 */
struct _ParlaTokenStore
{
  GObject parent_instance;
};

G_DEFINE_FINAL_TYPE (ParlaTokenStore, parla_token_store, G_TYPE_OBJECT)

#define ATTRIBUTE_SERVER "server"
#define ATTRIBUTE_EMAIL "email"

static const SecretSchema *
get_schema (void)
{
  static const SecretSchema schema = {
    "app.parla.Parla.Token", SECRET_SCHEMA_NONE,
    {
      { ATTRIBUTE_SERVER, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { ATTRIBUTE_EMAIL, SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };

  return &schema;
}

typedef struct
{
  char *server_url;
  char *email;
  char *token;
} SaveData;

static void
save_data_free (SaveData *data)
{
  g_free (data->server_url);
  g_free (data->email);
  /* The token is a credential: don't leave it behind in freed memory. */
  if (data->token != NULL)
    secret_password_free (data->token);
  g_free (data);
}

static void
on_save_stored_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!secret_password_store_finish (result, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_save_cleared_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  SaveData *data = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autofree char *label = NULL;

  /* Nothing to clear is fine too. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* Translators: the label of the keyring item; the first %s is an email
   * address, the second the server's address. */
  label = g_strdup_printf (_("Parla sign-in for %s on %s"), data->email, data->server_url);
  secret_password_store (get_schema (), SECRET_COLLECTION_DEFAULT, label, data->token,
                         g_task_get_cancellable (task),
                         on_save_stored_cb, g_object_ref (task),
                         ATTRIBUTE_SERVER, data->server_url,
                         ATTRIBUTE_EMAIL, data->email,
                         NULL);
}

static void
on_lookup_password_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  char *password;
  char *token;

  password = secret_password_lookup_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  /* libsecret hands out passwords in its own secure memory, which
   * g_free() must not see: copy it for our callers. */
  token = g_strdup (password);
  secret_password_free (password);
  g_task_return_pointer (task, token, g_free);
}

static void
on_lookup_search_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  const char *server_url = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;
  g_autolist(GObject) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  const char *email;

  items = secret_password_search_finish (result, &error);
  if (error != NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (items == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  /* Saving keeps one item per server; should there be more (another
   * program wrote them), the first one wins. */
  attributes = secret_retrievable_get_attributes (SECRET_RETRIEVABLE (items->data));
  email = g_hash_table_lookup (attributes, ATTRIBUTE_EMAIL);
  if (email == NULL)
    {
      g_task_return_pointer (task, NULL, NULL);
      return;
    }

  g_object_set_data_full (G_OBJECT (task), "email", g_strdup (email), g_free);
  secret_password_lookup (get_schema (), g_task_get_cancellable (task),
                          on_lookup_password_cb, g_object_ref (task),
                          ATTRIBUTE_SERVER, server_url,
                          ATTRIBUTE_EMAIL, email,
                          NULL);
}

static void
on_clear_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  /* FALSE without error: there was nothing to clear. */
  secret_password_clear_finish (result, &error);
  if (error != NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
parla_token_store_class_init (ParlaTokenStoreClass *klass)
{
}

static void
parla_token_store_init (ParlaTokenStore *self)
{
}

/**
 * parla_token_store_new:
 *
 * Returns: (transfer full): a new #ParlaTokenStore
 */
ParlaTokenStore *
parla_token_store_new (void)
{
  return g_object_new (PARLA_TYPE_TOKEN_STORE, NULL);
}

/**
 * parla_token_store_save_async:
 * @self: a #ParlaTokenStore
 * @server_url: the server's address
 * @email: the account the token belongs to
 * @token: the bearer token
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the token is kept
 * @user_data: data for @callback
 *
 * Keeps @token for @server_url, replacing any token kept for that server
 * before, whatever its account.
 */
void
parla_token_store_save_async (ParlaTokenStore     *self,
                              const char          *server_url,
                              const char          *email,
                              const char          *token,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  SaveData *data;

  g_return_if_fail (PARLA_IS_TOKEN_STORE (self));
  g_return_if_fail (server_url != NULL);
  g_return_if_fail (email != NULL);
  g_return_if_fail (token != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_token_store_save_async);

  data = g_new0 (SaveData, 1);
  data->server_url = g_strdup (server_url);
  data->email = g_strdup (email);
  data->token = g_strdup (token);
  g_task_set_task_data (task, data, (GDestroyNotify) save_data_free);

  secret_password_clear (get_schema (), cancellable,
                         on_save_cleared_cb, g_steal_pointer (&task),
                         ATTRIBUTE_SERVER, server_url,
                         NULL);
}

/**
 * parla_token_store_save_finish:
 * @self: a #ParlaTokenStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE when the token is kept
 */
gboolean
parla_token_store_save_finish (ParlaTokenStore  *self,
                               GAsyncResult     *result,
                               GError          **error)
{
  g_return_val_if_fail (PARLA_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == parla_token_store_save_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * parla_token_store_lookup_async:
 * @self: a #ParlaTokenStore
 * @server_url: the server's address
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the token
 * @user_data: data for @callback
 *
 * Looks up the token kept for @server_url.
 */
void
parla_token_store_lookup_async (ParlaTokenStore     *self,
                                const char          *server_url,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_TOKEN_STORE (self));
  g_return_if_fail (server_url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_token_store_lookup_async);
  g_task_set_task_data (task, g_strdup (server_url), g_free);

  /* The password functions give the secret only, not the attributes:
   * search for the item to learn its account, then read its secret. */
  secret_password_search (get_schema (), SECRET_SEARCH_UNLOCK, cancellable,
                          on_lookup_search_cb, g_steal_pointer (&task),
                          ATTRIBUTE_SERVER, server_url,
                          NULL);
}

/**
 * parla_token_store_lookup_finish:
 * @self: a #ParlaTokenStore
 * @result: the #GAsyncResult
 * @out_email: (out) (optional) (nullable) (transfer full): the account the
 *   token belongs to
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the token, or %NULL, without error,
 *   when none is kept for the server
 */
char *
parla_token_store_lookup_finish (ParlaTokenStore  *self,
                                 GAsyncResult     *result,
                                 char            **out_email,
                                 GError          **error)
{
  char *token;

  g_return_val_if_fail (PARLA_IS_TOKEN_STORE (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == parla_token_store_lookup_async, NULL);

  token = g_task_propagate_pointer (G_TASK (result), error);
  if (out_email != NULL)
    *out_email = token ? g_strdup (g_object_get_data (G_OBJECT (result), "email")) : NULL;

  return token;
}

/**
 * parla_token_store_clear_async:
 * @self: a #ParlaTokenStore
 * @server_url: the server's address
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the token is gone
 * @user_data: data for @callback
 *
 * Forgets the token kept for @server_url, if any.
 */
void
parla_token_store_clear_async (ParlaTokenStore     *self,
                               const char          *server_url,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_TOKEN_STORE (self));
  g_return_if_fail (server_url != NULL);
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_token_store_clear_async);

  secret_password_clear (get_schema (), cancellable,
                         on_clear_cb, g_steal_pointer (&task),
                         ATTRIBUTE_SERVER, server_url,
                         NULL);
}

/**
 * parla_token_store_clear_finish:
 * @self: a #ParlaTokenStore
 * @result: the #GAsyncResult
 * @error: return location for a #GError
 *
 * Returns: %TRUE unless the keyring failed; having nothing to forget is
 *   not an error
 */
gboolean
parla_token_store_clear_finish (ParlaTokenStore  *self,
                                GAsyncResult     *result,
                                GError          **error)
{
  g_return_val_if_fail (PARLA_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == parla_token_store_clear_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
