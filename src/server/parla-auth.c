/* parla-auth.c: passwords, bearer tokens and the login throttle
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Passwords are hashed with Argon2id (libsodium, at least 19 MiB and two
 * passes). Tokens are 256 random bits, handed out once and stored only as
 * their SHA-256, with an idle and an absolute expiry.
 */

#include "config.h"

#include <string.h>
#include <sodium.h>

#include "parla-server-private.h"

#define TOKEN_BYTES 32
#define TOUCH_INTERVAL 60

static gsize
effective_memlimit (const ParlaServerConfig *config)
{
  return MAX (config->pwhash_memlimit, (gsize) 19 * 1024 * 1024);
}

static guint64
effective_opslimit (const ParlaServerConfig *config)
{
  return MAX (config->pwhash_opslimit, 2);
}

char *
parla_auth_hash_password (const ParlaServerConfig  *config,
                          const char               *password,
                          GError                  **error)
{
  char hash[crypto_pwhash_STRBYTES];

  if (sodium_init () < 0 ||
      crypto_pwhash_str_alg (hash, password, strlen (password),
                             effective_opslimit (config), effective_memlimit (config),
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      parla_set_error (error, PARLA_ERROR_UNAVAILABLE, NULL,
                       "The server is too busy to create accounts right now");
      return NULL;
    }

  return g_strdup (hash);
}

gboolean
parla_auth_verify_password (const char *hash,
                            const char *password)
{
  if (hash == NULL || password == NULL || sodium_init () < 0)
    return FALSE;

  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

/* Spends the time a real verification takes, so that a login for an
 * unknown account answers as slowly as one with a wrong password. */
void
parla_auth_burn_verify (const ParlaServerConfig *config)
{
  static char dummy[crypto_pwhash_STRBYTES];
  static gsize initialized;

  if (g_once_init_enter (&initialized))
    {
      if (sodium_init () < 0 ||
          crypto_pwhash_str_alg (dummy, "parla-dummy-password", 20,
                                 effective_opslimit (config), effective_memlimit (config),
                                 crypto_pwhash_ALG_ARGON2ID13) != 0)
        dummy[0] = '\0';
      g_once_init_leave (&initialized, 1);
    }

  /* The answer is known to be "no"; only the time spent matters. */
  if (dummy[0] != '\0' && crypto_pwhash_str_verify (dummy, "not-the-password", 16) == 0)
    g_warn_if_reached ();
}

char *
parla_auth_hash_token (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

/**
 * parla_auth_new_token:
 * @out_hash: (out): the SHA-256 to store
 *
 * Returns: (transfer full): the token to give to the client, base64url
 */
char *
parla_auth_new_token (char **out_hash)
{
  guint8 bytes[TOKEN_BYTES];
  char token[sodium_base64_ENCODED_LEN (TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

  if (sodium_init () < 0)
    g_error ("libsodium cannot be initialised");

  randombytes_buf (bytes, sizeof bytes);
  sodium_bin2base64 (token, sizeof token, bytes, sizeof bytes,
                     sodium_base64_VARIANT_URLSAFE_NO_PADDING);
  sodium_memzero (bytes, sizeof bytes);

  *out_hash = parla_auth_hash_token (token);
  return g_strdup (token);
}

gboolean
parla_auth_create_token (ParlaRequest  *req,
                         const char    *user_id,
                         char         **out_token,
                         GError       **error)
{
  g_autofree char *hash = NULL;
  g_autofree char *token = parla_auth_new_token (&hash);

  if (parla_db_exec (req->db, error,
                     "INSERT INTO auth_tokens (token_hash, user_id, created_at, last_used_at, expires_at) "
                     "VALUES ($1, $2, $3, $3, $4)",
                     PARLA_DB_TEXT, hash,
                     PARLA_DB_TEXT, user_id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_INT, req->now + (gint64) req->config->token_lifetime_seconds,
                     PARLA_DB_END) < 0)
    return FALSE;

  *out_token = g_steal_pointer (&token);
  return TRUE;
}

static gboolean
unauthorized (GError     **error,
              const char  *message)
{
  parla_set_error (error, PARLA_ERROR_UNAUTHORIZED, NULL, "%s", message);
  return FALSE;
}

/**
 * parla_auth_authenticate:
 *
 * Resolves the bearer token of @req into the signed-in user. A token past
 * its idle or absolute expiry, or revoked, is refused.
 */
gboolean
parla_auth_authenticate (ParlaRequest  *req,
                         GError       **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *hash = NULL;
  const char *token;
  gint64 last_used;

  if (req->authorization == NULL)
    return unauthorized (error, "Please sign in");

  if (g_ascii_strncasecmp (req->authorization, "Bearer ", 7) != 0)
    return unauthorized (error, "The Authorization header must be “Bearer <token>”");

  token = req->authorization + 7;
  while (*token == ' ')
    token++;
  if (*token == '\0' || strlen (token) > 128)
    return unauthorized (error, "The access token is not valid");

  hash = parla_auth_hash_token (token);
  rows = parla_db_query (req->db, error,
                         "SELECT u.id, u.display_name, u.email, u.role, t.last_used_at "
                         "FROM auth_tokens t JOIN users u ON u.id = t.user_id "
                         "WHERE t.token_hash = $1 AND t.revoked_at IS NULL "
                         "AND t.expires_at > $2 AND t.last_used_at > $3",
                         PARLA_DB_TEXT, hash,
                         PARLA_DB_INT, req->now,
                         PARLA_DB_INT, req->now - (gint64) req->config->token_idle_seconds,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (!parla_db_rows_next (rows))
    return unauthorized (error, "Your session has ended, please sign in again");

  req->user_id = parla_db_rows_dup_text (rows, 0);
  req->user_name = parla_db_rows_dup_text (rows, 1);
  req->user_email = parla_db_rows_dup_text (rows, 2);
  req->user_role = MAX (0, parla_enum_from_string (parla_role_names, parla_db_rows_get_text (rows, 3)));
  last_used = parla_db_rows_get_int (rows, 4);
  req->token_hash = g_steal_pointer (&hash);
  g_clear_pointer (&rows, parla_db_rows_free);

  /* Keep the idle clock running, but write at most once a minute. */
  if (req->now - last_used >= TOUCH_INTERVAL && !parla_db_in_transaction (req->db))
    {
      g_autoptr(GError) local_error = NULL;

      if (parla_db_begin_write (req->db, &local_error))
        {
          parla_db_exec (req->db, &local_error,
                         "UPDATE auth_tokens SET last_used_at = $2 WHERE token_hash = $1",
                         PARLA_DB_TEXT, req->token_hash,
                         PARLA_DB_INT, req->now,
                         PARLA_DB_END);
          if (local_error == NULL)
            parla_db_commit (req->db, &local_error);
          else
            parla_db_rollback (req->db);
        }
      if (local_error != NULL)
        g_debug ("Could not record token use: %s", local_error->message);
    }

  return TRUE;
}

/* The login throttle: failures per account within an hour, and bursts of
 * failures from one address. Only failed logins count. */

struct _ParlaLoginLimiter
{
  GMutex      mutex;
  GHashTable *accounts;   /* account -> GQueue of gint64 failure times */
  GHashTable *addresses;  /* address -> GQueue */
  int         per_hour;
  int         burst;
  int         burst_seconds;
  guint       prune_counter;
};

static void
queue_free (gpointer data)
{
  g_queue_free_full (data, g_free);
}

ParlaLoginLimiter *
parla_login_limiter_new (const ParlaServerConfig *config)
{
  ParlaLoginLimiter *limiter = g_new0 (ParlaLoginLimiter, 1);

  g_mutex_init (&limiter->mutex);
  limiter->accounts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, queue_free);
  limiter->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, queue_free);
  limiter->per_hour = config->login_failures_per_hour;
  limiter->burst = config->login_burst_failures;
  limiter->burst_seconds = config->login_burst_seconds;

  return limiter;
}

void
parla_login_limiter_free (ParlaLoginLimiter *limiter)
{
  if (limiter == NULL)
    return;

  g_hash_table_unref (limiter->accounts);
  g_hash_table_unref (limiter->addresses);
  g_mutex_clear (&limiter->mutex);
  g_free (limiter);
}

static guint
count_recent (GHashTable *table,
              const char *key,
              gint64      since)
{
  GQueue *queue = key ? g_hash_table_lookup (table, key) : NULL;

  if (queue == NULL)
    return 0;

  while (!g_queue_is_empty (queue) && *(gint64 *) g_queue_peek_head (queue) <= since)
    g_free (g_queue_pop_head (queue));

  return g_queue_get_length (queue);
}

static void
record (GHashTable *table,
        const char *key,
        gint64      now,
        guint       cap)
{
  GQueue *queue;

  if (key == NULL)
    return;

  queue = g_hash_table_lookup (table, key);
  if (queue == NULL)
    {
      queue = g_queue_new ();
      g_hash_table_insert (table, g_strdup (key), queue);
    }

  g_queue_push_tail (queue, g_memdup2 (&now, sizeof now));
  while (g_queue_get_length (queue) > cap)
    g_free (g_queue_pop_head (queue));
}

static void
prune (GHashTable *table,
       gint64      since)
{
  GHashTableIter iter;
  gpointer key, value;

  g_hash_table_iter_init (&iter, table);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (count_recent (table, key, since) == 0)
      g_hash_table_iter_remove (&iter);
}

gboolean
parla_login_limiter_allowed (ParlaLoginLimiter *limiter,
                             const char        *account,
                             const char        *address,
                             gint64             now)
{
  gboolean allowed;

  g_mutex_lock (&limiter->mutex);
  allowed = count_recent (limiter->accounts, account, now - 3600) < (guint) limiter->per_hour &&
            count_recent (limiter->addresses, address, now - limiter->burst_seconds) < (guint) limiter->burst;
  g_mutex_unlock (&limiter->mutex);

  return allowed;
}

void
parla_login_limiter_failed (ParlaLoginLimiter *limiter,
                            const char        *account,
                            const char        *address,
                            gint64             now)
{
  g_mutex_lock (&limiter->mutex);

  record (limiter->accounts, account, now, limiter->per_hour + 1);
  record (limiter->addresses, address, now, limiter->burst + 1);

  /* Forget old entries now and then, so that memory stays bounded. */
  if (++limiter->prune_counter % 1024 == 0)
    {
      prune (limiter->accounts, now - 3600);
      prune (limiter->addresses, now - limiter->burst_seconds);
    }

  g_mutex_unlock (&limiter->mutex);
}
