/* test-config.c: configuration from file, environment and flags
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <unistd.h>
#include <glib/gstdio.h>

#include "parla-server.h"

static void
test_shipped_file (void)
{
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
  g_autoptr(ParlaServerConfig) defaults = parla_server_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (g_getenv ("PARLA_SRCDIR"), "data", "parla-server.conf", NULL);

  /* The example file states the defaults: loading it changes nothing
   * but the database path. */
  g_assert_true (parla_server_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->db_url, ==, "sqlite:/var/lib/parla/parla.db");
  g_assert_cmpstr (config->listen_host, ==, defaults->listen_host);
  g_assert_cmpuint (config->port, ==, defaults->port);
  g_assert_cmpuint (config->max_body_bytes, ==, defaults->max_body_bytes);
  g_assert_cmpint (config->token_idle_seconds, ==, defaults->token_idle_seconds);
  g_assert_cmpint (config->ws_messages_per_second, ==, defaults->ws_messages_per_second);
  g_assert_cmpint (config->ws_message_burst, ==, defaults->ws_message_burst);
  g_assert_cmpint (config->turn_ttl_seconds, ==, defaults->turn_ttl_seconds);
  g_assert_null (config->stun_urls);
  g_assert_null (config->turn_urls);
  g_assert_null (config->turn_secret);
  g_assert_true (parla_policy_equal (config->policy, defaults->policy));
}

/* A browser's burst of ICE candidates fits in the default bucket, with
 * room for the join and the offers of a small mesh. */
static void
test_defaults (void)
{
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();

  g_assert_cmpint (config->ws_message_burst, >=, 100);
  g_assert_cmpint (config->ws_messages_per_second, ==, 20);
  g_assert_cmpint (config->turn_ttl_seconds, ==, 86400);
  g_assert_null (config->stun_urls);
  g_assert_null (config->turn_urls);
  g_assert_null (config->turn_secret);
}

static void
test_turn (void)
{
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  const char *env[] = { "PARLA_STUN_URLS=stun:stun.parla.example stun:[2001:db8::1]:3478",
                        "PARLA_TURN_SECRET=from-the-environment", "PARLA_TURN_TTL=3600", NULL };
  int fd = g_file_open_tmp ("parla-XXXXXX.conf", &path, &error);

  g_assert_cmpint (fd, >=, 0);
  close (fd);
  /* GKeyFile's list separator, as docs/turn.md writes it, and commas. */
  g_assert_true (g_file_set_contents (path,
                                      "[turn]\n"
                                      "stun_urls=stun:stun.parla.example:3478\n"
                                      "turn_urls=turn:turn.parla.example:3478?transport=udp;"
                                      "turns:turn.parla.example:5349?transport=tcp, turn:192.0.2.7\n"
                                      "secret=from-the-file\n", -1, NULL));
  g_assert_true (parla_server_config_load_file (config, path, &error));
  g_assert_no_error (error);
  g_unlink (path);
  g_assert_cmpuint (g_strv_length (config->stun_urls), ==, 1);
  g_assert_cmpstr (config->stun_urls[0], ==, "stun:stun.parla.example:3478");
  g_assert_cmpuint (g_strv_length (config->turn_urls), ==, 3);
  g_assert_cmpstr (config->turn_urls[0], ==, "turn:turn.parla.example:3478?transport=udp");
  g_assert_cmpstr (config->turn_urls[1], ==, "turns:turn.parla.example:5349?transport=tcp");
  g_assert_cmpstr (config->turn_urls[2], ==, "turn:192.0.2.7");
  g_assert_cmpstr (config->turn_secret, ==, "from-the-file");

  /* The environment overrides the file, the flags both. */
  g_assert_true (parla_server_config_load_env (config, env, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (config->stun_urls), ==, 2);
  g_assert_cmpstr (config->stun_urls[1], ==, "stun:[2001:db8::1]:3478");
  g_assert_cmpuint (g_strv_length (config->turn_urls), ==, 3);
  g_assert_cmpstr (config->turn_secret, ==, "from-the-environment");
  g_assert_cmpint (config->turn_ttl_seconds, ==, 3600);

  g_assert_true (parla_server_config_set (config, "turn", "ttl", "7200", "--turn-ttl", &error));
  g_assert_no_error (error);
  g_assert_cmpint (config->turn_ttl_seconds, ==, 7200);
  g_assert_true (parla_server_config_set (config, "turn", "turn_urls", "", "--turn-urls", &error));
  g_assert_no_error (error);
  g_assert_null (config->turn_urls);
  g_assert_false (parla_server_config_set (config, "turn", "colour", "blue", "--colour", &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND);
}

static void
test_turn_bad_values (void)
{
  static const char *cases[] = {
    "PARLA_STUN_URLS=turn:turn.parla.example",           /* a TURN URI among the STUN ones */
    "PARLA_STUN_URLS=stun:stun.parla.example?transport=udp",
    "PARLA_STUN_URLS=http://stun.parla.example",
    "PARLA_STUN_URLS=stun://stun.parla.example:3478",
    "PARLA_TURN_URLS=stun:stun.parla.example",
    "PARLA_TURN_URLS=turn:",
    "PARLA_TURN_URLS=turn:turn.parla.example:0",
    "PARLA_TURN_URLS=turn:turn.parla.example:65536",
    "PARLA_TURN_URLS=turn:turn.parla.example:34x",
    "PARLA_TURN_URLS=turn:turn.parla.example?transport=sctp",
    "PARLA_TURN_URLS=turn:user@turn.parla.example",
    "PARLA_TURN_URLS=turn:-turn.parla.example",
    "PARLA_TURN_URLS=turn:[2001:db8::1",
    "PARLA_TURN_URLS=turn:[turn.parla.example]",
    "PARLA_TURN_TTL=0",
    "PARLA_TURN_TTL=604801",
    "PARLA_TURN_TTL=a day",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
      g_autoptr(GError) error = NULL;
      const char *env[] = { cases[i], NULL };

      g_test_message ("%s", cases[i]);
      g_assert_false (parla_server_config_load_env (config, env, &error));
      g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    }

  /* A refused secret is never repeated in the error. */
  {
    g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
    g_autoptr(GError) error = NULL;
    const char *env[] = { "PARLA_TURN_SECRET=hunter2", "PARLA_TURN_TTL=-1", NULL };

    g_assert_false (parla_server_config_load_env (config, env, &error));
    g_assert_null (strstr (error->message, "hunter2"));
  }
}

static void
test_environment (void)
{
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
  g_autoptr(GError) error = NULL;
  const char *env[] = { "PARLA_LISTEN=[::1]:0", "PARLA_PLATFORM_FEE_PERCENT=15",
                        "PARLA_FULL_REFUND_HOURS=48", "PARLA_MAX_BODY_BYTES=2048",
                        "PARLA_WS_ALLOWED_ORIGINS=https://parla.app", NULL };

  g_assert_true (parla_server_config_load_env (config, env, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (config->listen_host, ==, "::1");
  g_assert_cmpuint (config->port, ==, 0);
  g_assert_cmpint (config->policy->platform_fee_bp, ==, 1500);
  g_assert_cmpint (config->policy->full_refund_hours, ==, 48);
  g_assert_cmpuint (config->max_body_bytes, ==, 2048);
  g_assert_cmpstr (config->ws_allowed_origins, ==, "https://parla.app");
}

static void
test_bad_values (void)
{
  static const char *cases[] = {
    "PARLA_LISTEN=localhost:80", "PARLA_LISTEN=127.0.0.1", "PARLA_LISTEN=127.0.0.1:70000",
    "PARLA_WORKERS=0", "PARLA_PLATFORM_FEE_PERCENT=101", "PARLA_MAX_BODY_BYTES=lots",
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
      g_autoptr(GError) error = NULL;
      const char *env[] = { cases[i], NULL };

      g_test_message ("%s", cases[i]);
      g_assert_false (parla_server_config_load_env (config, env, &error));
      g_assert_nonnull (error);
    }

  {
    g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
    g_autoptr(GError) error = NULL;
    g_autofree char *path = NULL;
    int fd = g_file_open_tmp ("parla-XXXXXX.conf", &path, &error);

    g_assert_cmpint (fd, >=, 0);
    close (fd);
    g_assert_true (g_file_set_contents (path, "[policy]\nfull_refund_hours=many\n", -1, NULL));
    g_assert_false (parla_server_config_load_file (config, path, &error));
    g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    g_unlink (path);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/config/shipped-file", test_shipped_file);
  g_test_add_func ("/server/config/environment", test_environment);
  g_test_add_func ("/server/config/bad-values", test_bad_values);
  g_test_add_func ("/server/config/defaults", test_defaults);
  g_test_add_func ("/server/config/turn", test_turn);
  g_test_add_func ("/server/config/turn-bad-values", test_turn_bad_values);

  return g_test_run ();
}
