/* test-token-store.c: sign-in tokens in a real (private) keyring
 *
 * Runs under keyring-run.sh: its own D-Bus session and an unlocked
 * gnome-keyring in a throwaway home.
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <libsecret/secret.h>

#include "parla-api-client.h"
#include "parla-token-store.h"
#include "parla-test-server.h"

#define T0 1795428000  /* Monday 2026-11-23T10:00:00Z */
#define SERVER_A "http://a.example/"
#define SERVER_B "http://b.example:8080/"
#define WAIT_SECONDS 30

/* The schema as another program would see it. */
static const SecretSchema schema = {
  "app.parla.Parla.Token", SECRET_SCHEMA_NONE,
  {
    { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { "email", SECRET_SCHEMA_ATTRIBUTE_STRING },
    { NULL, 0 },
  }
};

static void
on_result_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  g_assert_null (*slot);
  *slot = g_object_ref (result);
}

static gboolean
on_wait_timeout_cb (gpointer user_data)
{
  g_error ("A call took more than %d seconds", WAIT_SECONDS);
  return G_SOURCE_REMOVE;
}

/* Runs the main context until the call started with on_result_cb and
 * @slot completes. */
static GAsyncResult *
await_slot (GAsyncResult **slot)
{
  guint timeout_id = g_timeout_add_seconds (WAIT_SECONDS, on_wait_timeout_cb, NULL);

  while (*slot == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_source_remove (timeout_id);

  return *slot;
}

static void
save (ParlaTokenStore *store,
      const char      *server_url,
      const char      *email,
      const char      *token)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  parla_token_store_save_async (store, server_url, email, token, NULL, on_result_cb, &result);
  g_assert_true (parla_token_store_save_finish (store, await_slot (&result), &error));
  g_assert_no_error (error);
}

/* Returns the token, and checks the email kept with it. */
static char *
lookup (ParlaTokenStore *store,
        const char      *server_url,
        const char      *expected_email)
{
  static char untouched[] = "untouched";
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  char *email = untouched;
  char *token;

  parla_token_store_lookup_async (store, server_url, NULL, on_result_cb, &result);
  token = parla_token_store_lookup_finish (store, await_slot (&result), &email, &error);
  g_assert_no_error (error);
  g_assert_true (email != untouched);
  g_assert_cmpstr (email, ==, expected_email);
  g_free (email);

  return token;
}

static void
clear (ParlaTokenStore *store,
       const char      *server_url)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;

  parla_token_store_clear_async (store, server_url, NULL, on_result_cb, &result);
  g_assert_true (parla_token_store_clear_finish (store, await_slot (&result), &error));
  g_assert_no_error (error);
}

/* The items kept for @server_url, straight from the Secret Service. */
static GList *
items_for (const char *server_url)
{
  g_autoptr(GError) error = NULL;
  GList *items;

  items = secret_password_search_sync (&schema, SECRET_SEARCH_ALL | SECRET_SEARCH_UNLOCK | SECRET_SEARCH_LOAD_SECRETS,
                                       NULL, &error,
                                       "server", server_url,
                                       NULL);
  g_assert_no_error (error);

  return items;
}

static void
test_save_lookup_clear (void)
{
  g_autoptr(ParlaTokenStore) store = parla_token_store_new ();
  g_autofree char *none = NULL;
  g_autofree char *token = NULL;
  g_autofree char *gone = NULL;
  g_autolist(GObject) items = NULL;
  g_autoptr(GHashTable) attributes = NULL;
  g_autofree char *label = NULL;

  none = lookup (store, SERVER_A, NULL);
  g_assert_null (none);

  save (store, SERVER_A, "sam@example.org", "token-a1");
  token = lookup (store, SERVER_A, "sam@example.org");
  g_assert_cmpstr (token, ==, "token-a1");

  /* One item, labelled for people, with both attributes. */
  items = items_for (SERVER_A);
  g_assert_cmpuint (g_list_length (items), ==, 1);
  label = secret_retrievable_get_label (items->data);
  g_assert_cmpstr (label, ==, "Parla sign-in for sam@example.org on " SERVER_A);
  attributes = secret_retrievable_get_attributes (items->data);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "server"), ==, SERVER_A);
  g_assert_cmpstr (g_hash_table_lookup (attributes, "email"), ==, "sam@example.org");

  clear (store, SERVER_A);
  gone = lookup (store, SERVER_A, NULL);
  g_assert_null (gone);

  /* Clearing nothing is fine. */
  clear (store, SERVER_A);
}

static void
test_servers_apart (void)
{
  g_autoptr(ParlaTokenStore) store = parla_token_store_new ();
  g_autofree char *a = NULL;
  g_autofree char *b = NULL;
  g_autofree char *a_gone = NULL;
  g_autofree char *b_still = NULL;
  g_autofree char *prefix = NULL;

  save (store, SERVER_A, "sam@example.org", "token-a");
  save (store, SERVER_B, "kim@example.org", "token-b");

  a = lookup (store, SERVER_A, "sam@example.org");
  b = lookup (store, SERVER_B, "kim@example.org");
  g_assert_cmpstr (a, ==, "token-a");
  g_assert_cmpstr (b, ==, "token-b");

  /* Attributes match exactly, not by prefix. */
  prefix = lookup (store, "http://a.example", NULL);
  g_assert_null (prefix);

  clear (store, SERVER_A);
  a_gone = lookup (store, SERVER_A, NULL);
  b_still = lookup (store, SERVER_B, "kim@example.org");
  g_assert_null (a_gone);
  g_assert_cmpstr (b_still, ==, "token-b");

  clear (store, SERVER_B);
}

static void
test_overwrite (void)
{
  g_autoptr(ParlaTokenStore) store = parla_token_store_new ();
  g_autofree char *same_account = NULL;
  g_autofree char *other_account = NULL;
  g_autolist(GObject) items = NULL;

  save (store, SERVER_A, "sam@example.org", "token-1");
  save (store, SERVER_A, "sam@example.org", "token-2");
  same_account = lookup (store, SERVER_A, "sam@example.org");
  g_assert_cmpstr (same_account, ==, "token-2");

  /* Another account on the same server replaces the first one. */
  save (store, SERVER_A, "kim@example.org", "token-3");
  other_account = lookup (store, SERVER_A, "kim@example.org");
  g_assert_cmpstr (other_account, ==, "token-3");

  items = items_for (SERVER_A);
  g_assert_cmpuint (g_list_length (items), ==, 1);

  clear (store, SERVER_A);
}

static void
test_client (void)
{
  g_autoptr(ParlaTokenStore) store = parla_token_store_new ();
  g_autoptr(ParlaApiClient) client = NULL;
  g_autoptr(ParlaApiClient) restored = NULL;
  g_autoptr(ParlaApiClient) after_logout = NULL;
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(ParlaUser) logged_in = NULL;
  g_autoptr(ParlaUser) me = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;
  g_autofree char *kept = NULL;
  g_autofree char *gone = NULL;
  g_autofree char *base_url = NULL;
  g_autofree char *unslashed = NULL;
  PtServer *server;

  server = pt_server_start (NULL, NULL);
  pt_server_set_now (server, T0);
  base_url = g_strdup (server->base_url);

  client = parla_api_client_new (base_url, store, &error);
  g_assert_no_error (error);
  g_assert_true (parla_api_client_get_token_store (client) == store);

  /* Registering keeps the token, under the client's base-url. */
  parla_api_client_register_async (client, "sam@example.org", "correct horse battery", "Sam",
                                   PARLA_ROLE_STUDENT, NULL, on_result_cb, &result);
  user = parla_api_client_register_finish (client, await_slot (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  kept = lookup (store, base_url, "sam@example.org");
  g_assert_cmpstr (kept, ==, parla_api_client_get_token (client));
  g_clear_pointer (&kept, g_free);

  /* Signing in again replaces it. */
  parla_api_client_login_async (client, "sam@example.org", "correct horse battery", NULL, on_result_cb, &result);
  logged_in = parla_api_client_login_finish (client, await_slot (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  kept = lookup (store, base_url, "sam@example.org");
  g_assert_cmpstr (kept, ==, parla_api_client_get_token (client));

  /* A new client (the next start of the app) finds it; the address may
   * be spelled without the slash. */
  unslashed = g_strndup (base_url, strlen (base_url) - 1);
  restored = parla_api_client_new (unslashed, store, &error);
  g_assert_no_error (error);
  g_assert_null (parla_api_client_get_token (restored));
  parla_api_client_restore_async (restored, NULL, on_result_cb, &result);
  g_assert_true (parla_api_client_restore_finish (restored, await_slot (&result), &email, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (email, ==, "sam@example.org");
  g_assert_cmpstr (parla_api_client_get_token (restored), ==, kept);

  parla_api_client_get_me_async (restored, NULL, on_result_cb, &result);
  me = parla_api_client_get_me_finish (restored, await_slot (&result), &error);
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (parla_user_get_id (me), ==, parla_user_get_id (user));

  /* Signing out forgets it. */
  parla_api_client_logout_async (restored, NULL, on_result_cb, &result);
  g_assert_true (parla_api_client_logout_finish (restored, await_slot (&result), &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_null (parla_api_client_get_token (restored));
  gone = lookup (store, base_url, NULL);
  g_assert_null (gone);

  after_logout = parla_api_client_new (base_url, store, &error);
  g_assert_no_error (error);
  g_clear_pointer (&email, g_free);
  {
    static char untouched[] = "untouched";
    char *no_email = untouched;

    parla_api_client_restore_async (after_logout, NULL, on_result_cb, &result);
    g_assert_false (parla_api_client_restore_finish (after_logout, await_slot (&result), &no_email, &error));
    g_assert_no_error (error);
    g_clear_object (&result);
    g_assert_null (no_email);
  }
  g_assert_null (parla_api_client_get_token (after_logout));

  g_clear_object (&client);
  g_clear_object (&restored);
  g_clear_object (&after_logout);
  pt_server_stop (server);
}

static guint
unused_port (void)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) bound = NULL;
  g_autoptr(GError) error = NULL;

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_socket_bind (socket, address, FALSE, &error);
  g_assert_no_error (error);
  bound = g_socket_get_local_address (socket, &error);
  g_assert_no_error (error);

  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

/* Signing out while the server is down still forgets the token here. */
static void
test_logout_offline (void)
{
  g_autoptr(ParlaTokenStore) store = parla_token_store_new ();
  g_autofree char *url = g_strdup_printf ("http://127.0.0.1:%u/", unused_port ());
  g_autoptr(ParlaApiClient) client = parla_api_client_new (url, store, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *gone = NULL;

  save (store, url, "sam@example.org", "offline-token");
  parla_api_client_restore_async (client, NULL, on_result_cb, &result);
  g_assert_true (parla_api_client_restore_finish (client, await_slot (&result), NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  g_assert_cmpstr (parla_api_client_get_token (client), ==, "offline-token");

  parla_api_client_logout_async (client, NULL, on_result_cb, &result);
  g_assert_false (parla_api_client_logout_finish (client, await_slot (&result), &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NETWORK);
  g_assert_null (parla_api_client_get_token (client));
  gone = lookup (store, url, NULL);
  g_assert_null (gone);
}

/* A client without a store has nothing to restore. */
static void
test_no_store (void)
{
  g_autoptr(ParlaApiClient) client = parla_api_client_new (SERVER_A, NULL, NULL);
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *email = NULL;

  parla_api_client_restore_async (client, NULL, on_result_cb, &result);
  g_assert_false (parla_api_client_restore_finish (client, await_slot (&result), &email, &error));
  g_assert_no_error (error);
  g_assert_null (email);
  g_assert_null (parla_api_client_get_token (client));
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/token-store/save-lookup-clear", test_save_lookup_clear);
  g_test_add_func ("/api/token-store/servers-apart", test_servers_apart);
  g_test_add_func ("/api/token-store/overwrite", test_overwrite);
  g_test_add_func ("/api/token-store/client", test_client);
  g_test_add_func ("/api/token-store/logout-offline", test_logout_offline);
  g_test_add_func ("/api/token-store/no-store", test_no_store);

  return g_test_run ();
}
