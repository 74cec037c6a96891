/* bench-call-window.c: what the desktop app costs while it shows a 720p
 * call: CPU and memory of the whole app process, and the frames it
 * displays each second
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Needs a display, a session bus and a keyring; run it as
 *
 *   tests/ui/ui-run.sh tests/api/keyring-run.sh _build/bench/parla-bench-call-window [--seconds N]
 *
 * with GSK_RENDERER=cairo or GSK_RENDERER=gl (the two renderers the
 * figures compare). It starts parla-server --demo as its own process,
 * whose demo tutor (a parla-peer, also its own process) sends a
 * 1280x720 30 fps test picture and tone; this process is the app itself
 * (ParlaApplication, as the parla binary runs it, with test sources for
 * its own camera and microphone): it signs in as the demo learner, joins
 * the demo call through app.join and the pre-join view, and once the
 * first remote frame showed and 5 s passed, measures for N s (30):
 * the process's CPU time over wall time, its RSS each second, and the
 * remote frames the window displayed (the remote tile's texture changed
 * between two frame-clock ticks) and received.
 */

#include "config.h"

#include <glib/gstdio.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "parla-application.h"
#include "parla-call-window.h"
#include "parla-context.h"
#include "parla-prejoin-view.h"

#define DEMO_EMAIL "demo.learner@parla.app"

static int seconds = 30;

static const GOptionEntry entries[] = {
  { "seconds", 's', 0, G_OPTION_ARG_INT, &seconds, "Seconds measured (30)", "N" },
  { NULL }
};

/* The demo tutor's parla-peer, sending 720p30. */
static char *
write_tutor_wrapper (const char *dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *script = g_strdup_printf ("#!/bin/sh\nexec '%s' \"$@\" --size 1280x720 --fps 30\n",
                                             PARLA_PEER_PATH);
  char *path = g_build_filename (dir, "parla-peer-720p", NULL);

  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);
  g_chmod (path, 0755);

  return path;
}

static GSubprocess *
start_server (const char  *dir,
              char       **out_url,
              char       **out_session)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GError) error = NULL;
  g_autofree char *db = g_strdup_printf ("sqlite:%s/parla.db", dir);
  g_autofree char *wrapper = write_tutor_wrapper (dir);
  g_autoptr(GDataInputStream) out = NULL;
  GSubprocess *server;
  char *line;

  g_subprocess_launcher_setenv (launcher, "PARLA_PEER_BIN", wrapper, TRUE);
  server = g_subprocess_launcher_spawn (launcher, &error, PARLA_SERVER_PATH,
                                        "--listen", "127.0.0.1:0", "--db", db, "--demo", NULL);
  g_assert_no_error (error);

  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (server));
  while ((*out_url == NULL || *out_session == NULL) &&
         (line = g_data_input_stream_read_line_utf8 (out, NULL, NULL, &error)) != NULL)
    {
      char *url = strstr (line, "http://");
      char *session = strstr (line, "join session ");

      if (url != NULL && *out_url == NULL)
        {
          *strchr (url, ' ') = '\0';
          *out_url = g_strdup (url);
        }
      if (session != NULL && *out_session == NULL)
        {
          session += strlen ("join session ");
          *strchr (session, ';') = '\0';
          *out_session = g_strdup (session);
        }
      g_free (line);
    }
  if (*out_url == NULL || *out_session == NULL)
    g_error ("parla-server did not say where it listens and which session to join");

  return server;
}

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  if (!parla_context_sign_in_finish (PARLA_CONTEXT (source), result, &error))
    g_error ("Cannot sign in: %s", error->message);
  *done = TRUE;
}

#define SPIN_UNTIL(cond, seconds) \
  G_STMT_START { \
    gint64 deadline_ = g_get_monotonic_time () + (seconds) * G_USEC_PER_SEC; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > deadline_) \
          g_error ("still not %s after %d s", #cond, (seconds)); \
        g_main_context_iteration (NULL, FALSE); \
        g_usleep (1000); \
      } \
  } G_STMT_END

static ParlaCallWindow *
find_call_window (GtkApplication *app)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (PARLA_IS_CALL_WINDOW (l->data))
      return l->data;

  return NULL;
}

static GtkWidget *
find_descendant (GtkWidget *widget,
                 GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    return widget;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_descendant (child, type);

      if (found != NULL)
        return found;
    }

  return NULL;
}

typedef struct
{
  ParlaVideoPaintable *remote;
  GdkTexture          *last;      /* unowned: compared only */
  guint64              displayed;
} Display;

/* After each frame the window drew: a new remote texture means one more
 * remote frame displayed. */
static gboolean
on_tick_cb (GtkWidget     *widget,
            GdkFrameClock *clock,
            gpointer       user_data)
{
  Display *display = user_data;
  GdkTexture *texture = display->remote != NULL ? parla_video_paintable_get_texture (display->remote) : NULL;

  if (texture != NULL && texture != display->last)
    {
      display->last = texture;
      display->displayed++;
    }

  return G_SOURCE_CONTINUE;
}

static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

static gint64
rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  line = strstr (status, "\nVmRSS:");
  return line != NULL ? g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10) : -1;
}

static void
spin_for (double s)
{
  gint64 end = g_get_monotonic_time () + (gint64) (s * G_USEC_PER_SEC);

  while (g_get_monotonic_time () < end)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (1000);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GOptionContext) options = g_option_context_new ("- measure the app in a 720p call");
  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) server = NULL;
  g_autoptr(ParlaApplication) application = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *url = NULL;
  g_autofree char *session = NULL;
  g_autofree char *tutor_id = NULL;
  Display display = { 0 };
  ParlaCallWindow *window;
  ParlaContext *context;
  GtkWidget *prejoin;
  gboolean signed_in = FALSE;
  double cpu0, cpu1;
  gint64 t0, t1, rss_sum = 0, rss_max = 0;
  guint64 displayed0, received0;
  double load[3] = { 0 };
  int samples = 0;

  g_option_context_add_main_entries (options, entries, NULL);
  if (!g_option_context_parse (options, &argc, &argv, &error) || seconds < 1)
    {
      g_printerr ("%s\n", error != NULL ? error->message : "--seconds must be at least 1");
      return 2;
    }
  if (g_getenv ("DISPLAY") == NULL && g_getenv ("WAYLAND_DISPLAY") == NULL)
    {
      g_printerr ("No display: run it under tests/ui/ui-run.sh (see the comment at the top)\n");
      return 2;
    }

  dir = g_dir_make_tmp ("parla-bench-call-window-XXXXXX", &error);
  g_assert_no_error (error);
  server = start_server (dir, &url, &session);

  /* The app, as the parla binary runs it, with test sources for its own
   * camera and microphone (this machine has neither). */
  g_setenv ("PARLA_TEST_SOURCES", "1", TRUE);
  g_setenv ("PARLA_SERVER", url, TRUE);
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  application = parla_application_new ();
  g_application_register (G_APPLICATION (application), NULL, &error);
  g_assert_no_error (error);
  context = parla_application_get_context (application);
  parla_context_sign_in_async (context, DEMO_EMAIL, "parla-demo", NULL, on_signed_in_cb, &signed_in);
  SPIN_UNTIL (signed_in, 30);

  g_action_group_activate_action (G_ACTION_GROUP (application), "join", g_variant_new_string (session));
  SPIN_UNTIL ((window = find_call_window (GTK_APPLICATION (application))) != NULL, 30);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  SPIN_UNTIL (g_strcmp0 (parla_call_window_get_stage (window), "prejoin") == 0, 30);
  prejoin = find_descendant (GTK_WIDGET (window), PARLA_TYPE_PREJOIN_VIEW);
  g_assert_nonnull (prejoin);
  g_signal_emit_by_name (prejoin, "join");
  SPIN_UNTIL (g_strcmp0 (parla_call_window_get_stage (window), "call") == 0, 30);
  SPIN_UNTIL (parla_call_window_get_n_tiles (window) == 1, 60);

  /* The one remote participant: the demo tutor. */
  {
    g_auto(GStrv) participants = parla_call_dup_participants (parla_call_window_get_call (window));

    g_assert_nonnull (participants);
    g_assert_nonnull (participants[0]);
    tutor_id = g_strdup (participants[0]);
  }
  display.remote = parla_call_window_get_remote_video (window, tutor_id);
  g_assert_nonnull (display.remote);
  SPIN_UNTIL (parla_video_paintable_get_n_frames (display.remote) > 0, 60);
  gtk_widget_add_tick_callback (GTK_WIDGET (window), on_tick_cb, &display, NULL);
  spin_for (5);

  cpu0 = cpu_seconds ();
  t0 = g_get_monotonic_time ();
  displayed0 = display.displayed;
  received0 = parla_video_paintable_get_n_frames (display.remote);
  for (int i = 0; i < seconds; i++)
    {
      gint64 rss;

      spin_for (1);
      rss = rss_kib ();
      rss_sum += rss;
      rss_max = MAX (rss_max, rss);
      samples++;
    }
  cpu1 = cpu_seconds ();
  t1 = g_get_monotonic_time ();

  {
    GdkTexture *texture = parla_video_paintable_get_texture (display.remote);
    double wall = (t1 - t0) / 1e6;

    g_print ("renderer %s, remote %dx%d, %d s\n",
             g_getenv ("GSK_RENDERER") ? g_getenv ("GSK_RENDERER") : "(default)",
             texture ? gdk_texture_get_width (texture) : 0, texture ? gdk_texture_get_height (texture) : 0,
             seconds);
    g_print ("app CPU                  %6.1f %% of a core\n", 100 * (cpu1 - cpu0) / wall);
    g_print ("app RSS                  %6.1f MiB mean, %.1f MiB max\n",
             rss_sum / (double) samples / 1024, rss_max / 1024.0);
    g_print ("remote frames displayed  %6.1f per second\n", (display.displayed - displayed0) / wall);
    g_print ("remote frames received   %6.1f per second\n",
             (parla_video_paintable_get_n_frames (display.remote) - received0) / wall);
  }
  if (getloadavg (load, 3) > 0)
    g_print ("load average %.2f %.2f %.2f\n", load[0], load[1], load[2]);

  g_subprocess_send_signal (server, SIGTERM);
  g_subprocess_wait (server, NULL, NULL);
  return 0;
}
