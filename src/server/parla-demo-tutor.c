/* parla-demo-tutor.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-demo-tutor.h"

#include <signal.h>
#include <stdio.h>

/**
 * ParlaDemoTutor:
 *
 * So that one person can try a whole call, `parla-server --demo` runs a
 * `parla-peer` that plays the host of the "Try a call" session
 * (parla_server_demo_trial_call()): it waits in the call room, answers
 * whoever joins with a test picture and tone, and when they hang up a new
 * one takes its place. A peer that keeps failing is restarted less and
 * less often, up to once a minute.
 */

#define QUICK_EXIT_US     (5 * G_USEC_PER_SEC)
#define MAX_BACKOFF_S     60

struct _ParlaDemoTutor
{
  GObject       parent_instance;

  /* owned */
  ParlaServer  *server;
  char         *peer_path;
  char         *session_id;
  GSubprocess  *child;
  GCancellable *cancellable;

  guint         respawn_id;
  guint         failures;
  gint64        started_at;
  gboolean      running;
};

G_DEFINE_FINAL_TYPE (ParlaDemoTutor, parla_demo_tutor, G_TYPE_OBJECT)

static void spawn (ParlaDemoTutor *self);

/**
 * parla_demo_tutor_find_peer:
 *
 * Where `parla-peer` is: `$PARLA_PEER_BIN`, beside this executable (an
 * installation, or the build tree's `src/server` next to `src/peer`), or
 * on the `PATH`.
 *
 * Returns: (transfer full) (nullable): its path
 */
char *
parla_demo_tutor_find_peer (void)
{
  g_autofree char *self_exe = g_file_read_link ("/proc/self/exe", NULL);
  const char *env = g_getenv ("PARLA_PEER_BIN");

  if (env != NULL && g_file_test (env, G_FILE_TEST_IS_EXECUTABLE))
    return g_strdup (env);

  if (self_exe != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (self_exe);
      g_autofree char *beside = g_build_filename (dir, "parla-peer", NULL);
      g_autofree char *build = g_build_filename (dir, "..", "peer", "parla-peer", NULL);

      if (g_file_test (beside, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&beside);
      if (g_file_test (build, G_FILE_TEST_IS_EXECUTABLE))
        return g_steal_pointer (&build);
    }

  return g_find_program_in_path ("parla-peer");
}

static gboolean
on_respawn_cb (gpointer user_data)
{
  ParlaDemoTutor *self = user_data;

  self->respawn_id = 0;
  spawn (self);

  return G_SOURCE_REMOVE;
}

static void
schedule_respawn (ParlaDemoTutor *self)
{
  guint delay;

  if (!self->running || self->respawn_id != 0)
    return;

  /* 1 s after a call; after quick failures 2, 4, ... up to a minute. */
  delay = self->failures == 0 ? 1 : MIN (1u << MIN (self->failures, 6u), MAX_BACKOFF_S);
  self->respawn_id = g_timeout_add_seconds (delay, on_respawn_cb, self);
}

static void
on_child_exited_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ParlaDemoTutor) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (G_SUBPROCESS (source) != self->child)
    return;

  if (g_get_monotonic_time () - self->started_at < QUICK_EXIT_US &&
      !g_subprocess_get_successful (self->child))
    self->failures++;
  else
    self->failures = 0;

  g_debug ("Demo tutor: parla-peer exited (%s)",
           g_subprocess_get_successful (self->child) ? "a call took place" : "no call");
  g_clear_object (&self->child);
  schedule_respawn (self);
}

static void
spawn (ParlaDemoTutor *self)
{
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *email = NULL;
  g_autofree char *url = NULL;
  const ParlaServerConfig *config;

  if (!self->running)
    return;

  /* A session about to end makes way for the next one. */
  if (!parla_server_demo_trial_call (self->server, &session_id, &email, &error))
    {
      g_warning ("Demo tutor: no session to call: %s", error->message);
      self->failures++;
      schedule_respawn (self);
      return;
    }
  if (g_strcmp0 (session_id, self->session_id) != 0)
    {
      g_free (self->session_id);
      self->session_id = g_strdup (session_id);
      g_print ("Demo call: sign in as demo.learner@parla.app and join session %s; "
               "the demo tutor answers\n", session_id);
      fflush (stdout);
    }

  url = parla_server_dup_base_url (self->server);
  config = parla_server_get_config (self->server);
  g_strv_builder_add_many (builder, self->peer_path,
                           "--server", url,
                           "--email", email,
                           "--password", "parla-demo",
                           "--join", session_id,
                           "--duration", "0",
                           "--timeout", "0",
                           "--pattern", "smpte",
                           NULL);
  /* libnice leaves loopback out unless told. */
  if (config->listen_host != NULL &&
      (g_str_has_prefix (config->listen_host, "127.") || g_str_equal (config->listen_host, "localhost")))
    g_strv_builder_add_many (builder, "--local-address", "127.0.0.1", NULL);
  argv = g_strv_builder_end (builder);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  self->child = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  if (self->child == NULL)
    {
      g_warning ("Demo tutor: cannot start %s: %s", self->peer_path, error->message);
      self->failures++;
      schedule_respawn (self);
      return;
    }

  self->started_at = g_get_monotonic_time ();
  g_subprocess_wait_async (self->child, self->cancellable, on_child_exited_cb, g_object_ref (self));
}

/**
 * parla_demo_tutor_new:
 * @server: the listening demo server
 * @peer_path: the `parla-peer` to run (parla_demo_tutor_find_peer())
 *
 * Returns: (transfer full): a new #ParlaDemoTutor
 */
ParlaDemoTutor *
parla_demo_tutor_new (ParlaServer *server,
                      const char  *peer_path)
{
  ParlaDemoTutor *self;

  g_return_val_if_fail (PARLA_IS_SERVER (server), NULL);
  g_return_val_if_fail (peer_path != NULL, NULL);

  self = g_object_new (PARLA_TYPE_DEMO_TUTOR, NULL);
  self->server = g_object_ref (server);
  self->peer_path = g_strdup (peer_path);

  return self;
}

void
parla_demo_tutor_start (ParlaDemoTutor *self)
{
  g_return_if_fail (PARLA_IS_DEMO_TUTOR (self));

  if (self->running)
    return;

  self->running = TRUE;
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  spawn (self);
}

/**
 * parla_demo_tutor_stop:
 * @self: a #ParlaDemoTutor
 *
 * Ends the tutor's call (it hangs up and says goodbye) and waits for it.
 */
void
parla_demo_tutor_stop (ParlaDemoTutor *self)
{
  g_return_if_fail (PARLA_IS_DEMO_TUTOR (self));

  self->running = FALSE;
  g_clear_handle_id (&self->respawn_id, g_source_remove);
  g_cancellable_cancel (self->cancellable);

  if (self->child != NULL)
    {
      g_subprocess_send_signal (self->child, SIGTERM);
      g_subprocess_wait (self->child, NULL, NULL);
      g_clear_object (&self->child);
    }
}

/**
 * parla_demo_tutor_get_session_id:
 * @self: a #ParlaDemoTutor
 *
 * Returns: (nullable): the session the tutor waits in
 */
const char *
parla_demo_tutor_get_session_id (ParlaDemoTutor *self)
{
  g_return_val_if_fail (PARLA_IS_DEMO_TUTOR (self), NULL);

  return self->session_id;
}

static void
parla_demo_tutor_dispose (GObject *object)
{
  ParlaDemoTutor *self = PARLA_DEMO_TUTOR (object);

  parla_demo_tutor_stop (self);
  g_clear_object (&self->server);

  G_OBJECT_CLASS (parla_demo_tutor_parent_class)->dispose (object);
}

static void
parla_demo_tutor_finalize (GObject *object)
{
  ParlaDemoTutor *self = PARLA_DEMO_TUTOR (object);

  g_free (self->peer_path);
  g_free (self->session_id);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (parla_demo_tutor_parent_class)->finalize (object);
}

static void
parla_demo_tutor_class_init (ParlaDemoTutorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_demo_tutor_dispose;
  object_class->finalize = parla_demo_tutor_finalize;
}

static void
parla_demo_tutor_init (ParlaDemoTutor *self)
{
}
