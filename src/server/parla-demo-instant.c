/* parla-demo-instant.c: a demo teacher always available for calls with a
 * tutor now
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * With `parla-server --demo`, a learner who presses "Call a tutor now"
 * should find someone: a `parla-peer --answer accept` signs in as a demo
 * teacher, sets itself available and takes the call. It ends with the
 * call, so a new one takes its place a second later; one that fails
 * within seconds (no media, a bad setup) is restarted after a minute,
 * so that a broken setup costs little.
 */

#include "config.h"

#include "parla-demo-instant.h"

#include <signal.h>
#include <sys/prctl.h>

#define RESTART_S          1
#define FAILED_RESTART_S   60
#define FAILED_WITHIN_US   (5 * G_USEC_PER_SEC)

struct _ParlaDemoInstant
{
  /* borrowed */
  ParlaServer  *server;

  /* owned */
  char         *peer_path;
  char         *email;
  GSubprocess  *child;
  GCancellable *cancellable;
  guint         restart_id;
  gint64        started_at;
};

static void run_peer (ParlaDemoInstant *self);

static gboolean
on_restart_cb (gpointer user_data)
{
  ParlaDemoInstant *self = user_data;

  self->restart_id = 0;
  run_peer (self);
  return G_SOURCE_REMOVE;
}

static void
on_peer_exited_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ParlaDemoInstant *self;
  g_autoptr(GError) error = NULL;
  gboolean quick;

  /* Cancelled: @self is gone. */
  if (!g_subprocess_wait_finish (G_SUBPROCESS (source), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  quick = g_get_monotonic_time () - self->started_at < FAILED_WITHIN_US &&
          !g_subprocess_get_successful (self->child);
  g_clear_object (&self->child);
  self->restart_id = g_timeout_add_seconds (quick ? FAILED_RESTART_S : RESTART_S, on_restart_cb, self);
}

/* In the child: it goes when the server goes, even killed. */
static void
die_with_parent (gpointer user_data)
{
  prctl (PR_SET_PDEATHSIG, SIGTERM);
}

static void
run_peer (ParlaDemoInstant *self)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
  g_autoptr(GError) error = NULL;
  g_autofree char *url = parla_server_dup_base_url (self->server);
  const char *host = parla_server_get_config (self->server)->listen_host;
  /* libnice leaves loopback out unless told. */
  gboolean loopback = host != NULL && (g_str_has_prefix (host, "127.") || g_str_equal (host, "localhost"));

  g_subprocess_launcher_set_child_setup (launcher, die_with_parent, NULL, NULL);
  self->child = g_subprocess_launcher_spawn (launcher, &error, self->peer_path,
                                             "--server", url, "--email", self->email,
                                             "--password", "parla-demo", "--answer", "accept",
                                             "--duration", "0", "--pattern", "smpte",
                                             loopback ? "--local-address" : NULL, "127.0.0.1", NULL);
  self->started_at = g_get_monotonic_time ();
  if (self->child == NULL)
    {
      g_warning ("Demo teacher for calls now: cannot start %s: %s", self->peer_path, error->message);
      self->restart_id = g_timeout_add_seconds (FAILED_RESTART_S, on_restart_cb, self);
      return;
    }

  g_subprocess_wait_async (self->child, self->cancellable, on_peer_exited_cb, self);
}

ParlaDemoInstant *
parla_demo_instant_start (ParlaServer *server,
                          const char  *peer_path,
                          const char  *email)
{
  ParlaDemoInstant *self = g_new0 (ParlaDemoInstant, 1);

  g_return_val_if_fail (PARLA_IS_SERVER (server), NULL);
  g_return_val_if_fail (peer_path != NULL && email != NULL, NULL);

  self->server = server;
  self->peer_path = g_strdup (peer_path);
  self->email = g_strdup (email);
  self->cancellable = g_cancellable_new ();
  run_peer (self);

  return self;
}

void
parla_demo_instant_stop (ParlaDemoInstant *self)
{
  if (self == NULL)
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->restart_id, g_source_remove);
  if (self->child != NULL)
    {
      g_subprocess_send_signal (self->child, SIGTERM);
      g_subprocess_wait (self->child, NULL, NULL);
      g_clear_object (&self->child);
    }
  g_clear_object (&self->cancellable);
  g_free (self->peer_path);
  g_free (self->email);
  g_free (self);
}
