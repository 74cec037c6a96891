/* test-config.c: configuration from file, environment and flags
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

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
  g_assert_true (parla_policy_equal (config->policy, defaults->policy));
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

  return g_test_run ();
}
