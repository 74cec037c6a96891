/* main.c: parla-server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib-unix.h>

#include "parla-admin.h"
#include "parla-demo-instant.h"
#include "parla-demo-tutor.h"
#include "parla-server.h"

static gboolean
on_signal_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

/* parla-server create-admin --db URL --email E --password P */
static int
create_admin (int   argc,
              char *argv[])
{
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *db = NULL;
  g_autofree char *email = NULL;
  g_autofree char *password = NULL;
  g_autofree char *user_id = NULL;
  const GOptionEntry entries[] = {
    { "db", 'd', 0, G_OPTION_ARG_STRING, &db, "Database URL", "sqlite:PATH" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &email, "The admin's email", "EMAIL" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &password, "The admin's password (8 to 128 characters)", "PASSWORD" },
    { NULL }
  };

  context = g_option_context_new ("- make an admin account (an existing account becomes one)");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) ||
      !parla_server_config_load_env (config, (const char * const *) env, &error))
    {
      g_printerr ("parla-server create-admin: %s\n", error->message);
      return 2;
    }
  if (email == NULL || password == NULL || argc > 1)
    {
      g_printerr ("parla-server create-admin: usage: parla-server create-admin --db URL --email EMAIL --password PASSWORD\n");
      return 2;
    }
  if (db != NULL)
    {
      g_free (config->db_url);
      config->db_url = g_steal_pointer (&db);
    }

  if (!parla_admin_create (config, email, password, &user_id, &error))
    {
      g_printerr ("parla-server create-admin: %s\n", error->message);
      return 1;
    }

  g_print ("Admin %s (%s) in %s\n", email, user_id, config->db_url);
  return 0;
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(ParlaServer) server = NULL;
  g_autoptr(ParlaDemoTutor) tutor = NULL;
  ParlaDemoInstant *instant_tutor = NULL;
  g_autoptr(GMainLoop) loop = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) env = g_get_environ ();
  g_autofree char *listen = NULL;
  g_autofree char *db = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *url = NULL;
  g_autofree char *stun_urls = NULL;
  g_autofree char *turn_urls = NULL;
  g_autofree char *turn_ttl = NULL;
  g_autofree char *turn_secret_file = NULL;
  g_autofree char *ring_timeout = NULL;
  gboolean demo = FALSE;
  gboolean no_tutor = FALSE;
  gboolean version = FALSE;
  int workers = 0;
  const GOptionEntry entries[] = {
    { "listen", 'l', 0, G_OPTION_ARG_STRING, &listen, "Address and port to listen on (port 0 picks a free one)", "ADDRESS:PORT" },
    { "db", 'd', 0, G_OPTION_ARG_STRING, &db, "Database URL", "sqlite:PATH" },
    { "config", 'c', 0, G_OPTION_ARG_FILENAME, &config_path, "Configuration file", "FILE" },
    { "demo", 0, 0, G_OPTION_ARG_NONE, &demo,
      "Seed a demo catalogue and accounts, and run an automatic tutor (parla-peer) to call", NULL },
    { "no-demo-tutor", 0, 0, G_OPTION_ARG_NONE, &no_tutor, "With --demo: no automatic tutor", NULL },
    { "workers", 0, 0, G_OPTION_ARG_INT, &workers, "Worker threads for request handling", "N" },
    { "stun-urls", 0, 0, G_OPTION_ARG_STRING, &stun_urls, "STUN servers for calls", "\"stun:HOST:PORT ...\"" },
    { "turn-urls", 0, 0, G_OPTION_ARG_STRING, &turn_urls, "TURN servers for calls", "\"turn:HOST:PORT ...\"" },
    { "turn-secret-file", 0, 0, G_OPTION_ARG_FILENAME, &turn_secret_file,
      "File holding the TURN server's static-auth-secret", "FILE" },
    { "turn-ttl", 0, 0, G_OPTION_ARG_STRING, &turn_ttl, "Lifetime of TURN credentials", "SECONDS" },
    { "ring-timeout", 0, 0, G_OPTION_ARG_STRING, &ring_timeout,
      "How long an instant call rings a teacher before the next one (default 30)", "SECONDS" },
    { "version", 0, 0, G_OPTION_ARG_NONE, &version, "Print the version", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");

  if (argc > 1 && g_str_equal (argv[1], "create-admin"))
    return create_admin (argc - 1, argv + 1);

  context = g_option_context_new ("[create-admin] - the Parla tutoring server");
  g_option_context_set_description (context,
    "Environment: PARLA_LISTEN, PARLA_DB, PARLA_CONFIG, PARLA_MAX_BODY_BYTES, PARLA_WORKERS,\n"
    "PARLA_PLATFORM_FEE_PERCENT, PARLA_FULL_REFUND_HOURS, PARLA_TURN_SECRET, ... (see README.md).\n"
    "Flags override the environment, which overrides the configuration file.");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("parla-server: %s\n", error->message);
      return 2;
    }

  if (version)
    {
      g_print ("parla-server %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (config_path == NULL && g_environ_getenv (env, "PARLA_CONFIG") != NULL)
    config_path = g_strdup (g_environ_getenv (env, "PARLA_CONFIG"));

  if ((config_path != NULL && !parla_server_config_load_file (config, config_path, &error)) ||
      !parla_server_config_load_env (config, (const char * const *) env, &error) ||
      (listen != NULL && !parla_server_config_set_listen (config, listen, &error)))
    {
      g_printerr ("parla-server: %s\n", error->message);
      return 2;
    }

  if (db != NULL)
    {
      g_free (config->db_url);
      config->db_url = g_steal_pointer (&db);
    }

  /* The secret is read from a file, never taken on the command line,
   * where every user of the machine could read it. */
  if (turn_secret_file != NULL)
    {
      g_autofree char *secret = NULL;

      if (!g_file_get_contents (turn_secret_file, &secret, NULL, &error))
        {
          g_printerr ("parla-server: --turn-secret-file: %s\n", error->message);
          return 2;
        }
      g_free (config->turn_secret);
      config->turn_secret = g_strdup (g_strstrip (secret));
    }

  if ((stun_urls != NULL && !parla_server_config_set (config, "turn", "stun_urls", stun_urls, "--stun-urls", &error)) ||
      (turn_urls != NULL && !parla_server_config_set (config, "turn", "turn_urls", turn_urls, "--turn-urls", &error)) ||
      (turn_ttl != NULL && !parla_server_config_set (config, "turn", "ttl", turn_ttl, "--turn-ttl", &error)) ||
      (ring_timeout != NULL &&
       !parla_server_config_set (config, "calls", "ring_timeout", ring_timeout, "--ring-timeout", &error)))
    {
      g_printerr ("parla-server: %s\n", error->message);
      return 2;
    }

  if (config->turn_urls != NULL && (config->turn_secret == NULL || config->turn_secret[0] == '\0'))
    g_printerr ("parla-server: TURN servers are configured without [turn] secret: calls get STUN only\n");
  if (workers > 0)
    config->worker_threads = workers;
  config->demo = demo;

  server = parla_server_new (config, &error);
  if (server == NULL)
    {
      g_printerr ("parla-server: %s\n", error->message);
      return 1;
    }

  if (demo && !parla_server_seed_demo (server, &error))
    {
      g_printerr ("parla-server: cannot seed the demo: %s\n", error->message);
      return 1;
    }

  if (!parla_server_listen (server, &error))
    {
      g_printerr ("parla-server: cannot listen: %s\n", error->message);
      return 1;
    }

  url = parla_server_dup_base_url (server);
  g_print ("parla-server %s listening on %s (database %s)\n", PACKAGE_VERSION, url, config->db_url);
  if (demo)
    g_print ("Demo accounts: learner demo.learner@parla.app / parla-demo, "
             "teacher demo.teacher@parla.app / parla-demo\n");

  /* The demo tutor, so that one person can try a whole call. */
  if (demo && !no_tutor)
    {
      g_autofree char *peer = parla_demo_tutor_find_peer ();

      if (peer == NULL)
        g_printerr ("parla-server: parla-peer not found: the demo runs without its automatic tutor\n");
      else
        {
          tutor = parla_demo_tutor_new (server, peer);
          parla_demo_tutor_start (tutor);
          /* And a teacher of Spanish and English available for calls now. */
          instant_tutor = parla_demo_instant_start (server, peer, "demo.teacher@parla.app");
        }
    }
  fflush (stdout);

  loop = g_main_loop_new (NULL, FALSE);
  g_unix_signal_add (SIGINT, on_signal_cb, loop);
  g_unix_signal_add (SIGTERM, on_signal_cb, loop);
  g_main_loop_run (loop);

  g_print ("parla-server: shutting down\n");
  if (tutor != NULL)
    parla_demo_tutor_stop (tutor);
  parla_demo_instant_stop (instant_tutor);
  parla_server_shutdown (server);

  return 0;
}
