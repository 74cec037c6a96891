/* test-auth.c: accounts, tokens and the login throttle, over real HTTP
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE
#include "config.h"

#include <string.h>

#include "parla-test-server.h"

#define T0 1795435200 /* 2026-11-23T10:00:00Z */

static char *
credentials (const char *email,
             const char *password)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "email");
  json_builder_add_string_value (builder, email);
  json_builder_set_member_name (builder, "password");
  json_builder_add_string_value (builder, password);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  return json_to_string (node, FALSE);
}

static void
test_register_login_me_logout (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autoptr(PtResponse) reg = NULL;
  g_autoptr(PtResponse) me = NULL;
  g_autoptr(PtResponse) login = NULL;
  g_autoptr(PtResponse) logout = NULL;
  g_autoptr(PtResponse) after = NULL;
  g_autoptr(PtResponse) other = NULL;
  g_autofree char *body = credentials ("Ana@Example.org ", "correct horse battery");
  const char *token;

  reg = pt_request (server, "POST", "/api/v1/auth/register", NULL,
                    "{\"email\":\"Ana@Example.org\",\"password\":\"correct horse battery\","
                    "\"display_name\":\" Ana Ruiz \",\"role\":\"teacher\"}", NULL);
  pt_assert_status (reg, 201);
  g_assert_cmpstr (pt_str (reg, "user.email"), ==, "ana@example.org");
  g_assert_cmpstr (pt_str (reg, "user.display_name"), ==, "Ana Ruiz");
  g_assert_cmpstr (pt_str (reg, "user.role"), ==, "teacher");
  g_assert_nonnull (pt_str (reg, "user.id"));
  token = pt_str (reg, "token");
  /* 256 random bits, base64url without padding. */
  g_assert_cmpuint (strlen (token), ==, 43);

  me = pt_request (server, "GET", "/api/v1/me", token, NULL, NULL);
  pt_assert_status (me, 200);
  g_assert_cmpstr (pt_str (me, "id"), ==, pt_str (reg, "user.id"));
  g_assert_cmpstr (pt_str (me, "email"), ==, "ana@example.org");
  g_assert_false (pt_has (me, "password_hash"));

  /* Email is case-insensitive and trimmed. */
  login = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);
  pt_assert_status (login, 200);
  g_assert_cmpstr (pt_str (login, "user.id"), ==, pt_str (reg, "user.id"));
  g_assert_cmpstr (pt_str (login, "token"), !=, token);

  logout = pt_request (server, "POST", "/api/v1/auth/logout", token, NULL, NULL);
  pt_assert_status (logout, 204);
  after = pt_request (server, "GET", "/api/v1/me", token, NULL, NULL);
  pt_assert_error (after, 401, "unauthorized");

  /* Logging out one session leaves the other. */
  other = pt_request (server, "GET", "/api/v1/me", pt_str (login, "token"), NULL, NULL);
  pt_assert_status (other, 200);

  pt_server_stop (server);
}

static void
test_register_validation (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  static const struct { const char *body; const char *field; } cases[] = {
    { "{\"password\":\"long enough\",\"display_name\":\"A\",\"role\":\"student\"}", "email" },
    { "{\"email\":\"nobody\",\"password\":\"long enough\",\"display_name\":\"A\",\"role\":\"student\"}", "email" },
    { "{\"email\":\"a@b.c\",\"password\":\"short\",\"display_name\":\"A\",\"role\":\"student\"}", "password" },
    { "{\"email\":\"a@b.c\",\"password\":\"long enough\",\"display_name\":\"   \",\"role\":\"student\"}", "display_name" },
    { "{\"email\":\"a@b.c\",\"password\":\"long enough\",\"display_name\":\"A\",\"role\":\"admin\"}", "role" },
    { "{\"email\":\"a@b.c\",\"password\":\"long enough\",\"display_name\":\"A\"}", "role" },
    { "{\"email\":[],\"password\":\"long enough\",\"display_name\":\"A\",\"role\":\"student\"}", "email" },
  };
  g_autofree char *long_password = g_strnfill (129, 'x');
  g_autofree char *long_body = pt_json ("{\"email\":\"a@b.c\",\"password\":\"%s\",\"display_name\":\"A\",\"role\":\"student\"}",
                                        long_password);
  g_autoptr(PtResponse) too_long = pt_request (server, "POST", "/api/v1/auth/register", NULL, long_body, NULL);
  g_autoptr(PtResponse) first = NULL;
  g_autoptr(PtResponse) twice = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/register", NULL, cases[i].body, NULL);

      g_test_message ("%s", cases[i].body);
      pt_assert_error (response, 400, "invalid_input");
      g_assert_cmpstr (pt_str (response, "error.field"), ==, cases[i].field);
    }

  pt_assert_error (too_long, 400, "invalid_input");
  g_assert_cmpstr (pt_str (too_long, "error.field"), ==, "password");

  first = pt_request (server, "POST", "/api/v1/auth/register", NULL,
                      "{\"email\":\"a@b.c\",\"password\":\"long enough\",\"display_name\":\"A\",\"role\":\"student\"}", NULL);
  pt_assert_status (first, 201);
  twice = pt_request (server, "POST", "/api/v1/auth/register", NULL,
                      "{\"email\":\"A@B.C\",\"password\":\"other password\",\"display_name\":\"B\",\"role\":\"teacher\"}", NULL);
  pt_assert_error (twice, 409, "email_taken");

  pt_server_stop (server);
}

/* A wrong password and an unknown account read exactly the same. */
static void
test_login_does_not_reveal_accounts (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autofree char *token = pt_register (server, "known@example.org", "student", NULL);
  g_autofree char *wrong = credentials ("known@example.org", "wrong password");
  g_autofree char *unknown = credentials ("unknown@example.org", "wrong password");
  g_autoptr(PtResponse) a = pt_request (server, "POST", "/api/v1/auth/login", NULL, wrong, NULL);
  g_autoptr(PtResponse) b = pt_request (server, "POST", "/api/v1/auth/login", NULL, unknown, NULL);

  pt_assert_error (a, 401, "unauthorized");
  pt_assert_error (b, 401, "unauthorized");
  g_assert_cmpstr (a->body, ==, b->body);

  pt_server_stop (server);
}

static void
burst_limit (ParlaServerConfig *config,
             gpointer           user_data)
{
  config->login_burst_failures = 5;
  config->login_failures_per_hour = 100;
}

static void
test_login_throttle_per_address (void)
{
  PtServer *server = pt_server_start (burst_limit, NULL);
  g_autofree char *token = pt_register (server, "victim@example.org", "student", NULL);
  g_autofree char *right = credentials ("victim@example.org", "correct horse battery");
  g_autoptr(PtResponse) limited = NULL;
  g_autoptr(PtResponse) correct = NULL;
  g_autoptr(PtResponse) later = NULL;
  g_autoptr(PtResponse) me = NULL;

  pt_server_set_now (server, T0);
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *email = g_strdup_printf ("guess%u@example.org", i);
      g_autofree char *body = credentials (email, "wrong password");
      g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

      pt_assert_error (response, 401, "unauthorized");
    }

  /* The burst from this address is over the limit: even the right
   * password waits. */
  limited = pt_request (server, "POST", "/api/v1/auth/login", NULL, right, NULL);
  pt_assert_error (limited, 429, "rate_limited");

  /* Only login is throttled. */
  me = pt_request (server, "GET", "/api/v1/me", token, NULL, NULL);
  pt_assert_status (me, 200);

  /* After the burst window it works again. */
  pt_server_set_now (server, T0 + 301);
  later = pt_request (server, "POST", "/api/v1/auth/login", NULL, right, NULL);
  pt_assert_status (later, 200);
  (void) correct;

  pt_server_stop (server);
}

static void
account_limit (ParlaServerConfig *config,
               gpointer           user_data)
{
  config->login_burst_failures = 100000;
  config->login_failures_per_hour = 100;
}

static void
test_login_throttle_per_account (void)
{
  PtServer *server = pt_server_start (account_limit, NULL);
  g_autofree char *token = pt_register (server, "target@example.org", "student", NULL);
  g_autofree char *wrong = credentials ("target@example.org", "wrong password");
  g_autofree char *right = credentials ("target@example.org", "correct horse battery");
  g_autoptr(PtResponse) limited = NULL;
  g_autoptr(PtResponse) next_hour = NULL;

  pt_server_set_now (server, T0);
  for (guint i = 0; i < 100; i++)
    {
      g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, wrong, NULL);
      pt_assert_error (response, 401, "unauthorized");
    }

  limited = pt_request (server, "POST", "/api/v1/auth/login", NULL, right, NULL);
  pt_assert_error (limited, 429, "rate_limited");

  pt_server_set_now (server, T0 + 3601);
  next_hour = pt_request (server, "POST", "/api/v1/auth/login", NULL, right, NULL);
  pt_assert_status (next_hour, 200);

  pt_server_stop (server);
}

static void
short_tokens (ParlaServerConfig *config,
              gpointer           user_data)
{
  config->token_idle_seconds = 3600;
  config->token_lifetime_seconds = 4 * 3600;
}

static void
test_token_expiry (void)
{
  PtServer *server = NULL;
  g_autofree char *token = NULL;

  server = pt_server_start (short_tokens, NULL);
  pt_server_set_now (server, T0);
  token = pt_register (server, "sleepy@example.org", "student", NULL);

  /* Used every 50 minutes, the token lives until its absolute expiry. */
  for (gint64 t = T0 + 3000; t < T0 + 4 * 3600; t += 3000)
    {
      g_autoptr(PtResponse) me = NULL;

      pt_server_set_now (server, t);
      me = pt_request (server, "GET", "/api/v1/me", token, NULL, NULL);
      pt_assert_status (me, 200);
    }

  {
    g_autoptr(PtResponse) me = NULL;

    pt_server_set_now (server, T0 + 4 * 3600 + 1);
    me = pt_request (server, "GET", "/api/v1/me", token, NULL, NULL);
    pt_assert_error (me, 401, "unauthorized");
  }

  /* Idle for more than an hour: gone. */
  {
    g_autofree char *idle = NULL;
    g_autoptr(PtResponse) me = NULL;
    g_autoptr(PtResponse) login = NULL;
    g_autofree char *body = credentials ("sleepy@example.org", "correct horse battery");

    pt_server_set_now (server, T0 + 5 * 3600);
    login = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);
    pt_assert_status (login, 200);
    idle = g_strdup (pt_str (login, "token"));

    pt_server_set_now (server, T0 + 6 * 3600 + 1);
    me = pt_request (server, "GET", "/api/v1/me", idle, NULL, NULL);
    pt_assert_error (me, 401, "unauthorized");
  }

  pt_server_stop (server);
}

/* Tokens are stored only as hashes: the database never holds one. */
static void
test_tokens_hashed (void)
{
  PtServer *server = pt_server_start (NULL, NULL);
  g_autofree char *token = pt_register (server, "hash@example.org", "student", NULL);
  g_autofree char *path = g_build_filename (server->dir, "parla.db", NULL);
  g_autofree char *contents = NULL;
  g_autofree char *wal_path = g_strconcat (path, "-wal", NULL);
  g_autofree char *wal = NULL;
  gsize len = 0, wal_len = 0;

  g_assert_true (g_file_get_contents (path, &contents, &len, NULL));
  g_file_get_contents (wal_path, &wal, &wal_len, NULL);
  g_assert_null (memmem (contents, len, token, strlen (token)));
  if (wal != NULL)
    g_assert_null (memmem (wal, wal_len, token, strlen (token)));
  g_assert_null (memmem (contents, len, "correct horse battery", 21));

  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/auth/register-login-me-logout", test_register_login_me_logout);
  g_test_add_func ("/server/auth/register-validation", test_register_validation);
  g_test_add_func ("/server/auth/login-does-not-reveal-accounts", test_login_does_not_reveal_accounts);
  g_test_add_func ("/server/auth/throttle-per-address", test_login_throttle_per_address);
  g_test_add_func ("/server/auth/throttle-per-account", test_login_throttle_per_account);
  g_test_add_func ("/server/auth/token-expiry", test_token_expiry);
  g_test_add_func ("/server/auth/tokens-hashed", test_tokens_hashed);

  return g_test_run ();
}
