/* main.c: parla-peer, a headless call participant for tests, benchmarks
 * and the demo tutor
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <locale.h>
#include <stdio.h>
#include <glib-unix.h>
#include <gio/gunixinputstream.h>
#include <gio/gunixoutputstream.h>
#include <gst/gst.h>

#include "parla-peer-runner.h"

typedef struct
{
  ParlaPeerRunner  *runner;
  GMainLoop        *loop;
  GDataInputStream *input;
  GCancellable     *cancellable;
} Peer;

static gboolean
on_signal_cb (gpointer user_data)
{
  Peer *peer = user_data;

  parla_peer_runner_stop (peer->runner, NULL);
  return G_SOURCE_CONTINUE;
}

static void
on_finished_cb (ParlaPeerRunner *runner,
                Peer            *peer)
{
  g_cancellable_cancel (peer->cancellable);
  g_main_loop_quit (peer->loop);
}

static void read_command (Peer *peer);

static void
on_line_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Peer *peer = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      /* End of input (or unreadable input): no more commands. */
      if (error != NULL)
        g_printerr ("parla-peer: commands: %s\n", error->message);
      return;
    }

  if (*g_strstrip (line) != '\0' && !parla_peer_runner_handle_command (peer->runner, line, &error))
    g_printerr ("parla-peer: %s\n", error->message);

  read_command (peer);
}

static void
read_command (Peer *peer)
{
  g_data_input_stream_read_line_async (peer->input, G_PRIORITY_DEFAULT, peer->cancellable,
                                       on_line_cb, peer);
}

/* "WxH" or "WxH@FPS" */
static gboolean
parse_size (const char *text,
            int        *width,
            int        *height,
            int        *fps)
{
  int consumed = 0;

  if (text == NULL)
    return TRUE;

  if (fps != NULL)
    {
      if (sscanf (text, "%dx%d@%d%n", width, height, fps, &consumed) == 3 && text[consumed] == '\0')
        return TRUE;
      return FALSE;
    }

  return sscanf (text, "%dx%d%n", width, height, &consumed) == 2 && text[consumed] == '\0';
}

int
main (int   argc,
      char *argv[])
{
  ParlaPeerConfig config = { 0 };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GOutputStream) out = NULL;
  g_autoptr(GInputStream) in = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *size = NULL;
  g_autofree char *share = NULL;
  Peer peer = { 0 };
  gboolean commands;
  int status;
  const GOptionEntry entries[] = {
    { "server", 0, 0, G_OPTION_ARG_STRING, &config.server, "The Parla server", "http://HOST:PORT/" },
    { "email", 0, 0, G_OPTION_ARG_STRING, &config.email, "Sign in with this account", "EMAIL" },
    { "password", 0, 0, G_OPTION_ARG_STRING, &config.password, "Its password", "PASSWORD" },
    { "token", 0, 0, G_OPTION_ARG_STRING, &config.token, "Use this sign-in token instead", "TOKEN" },
    { "join", 0, 0, G_OPTION_ARG_STRING, &config.join, "Join the call of this session or lesson", "SESSION_ID" },
    { "answer", 0, 0, G_OPTION_ARG_STRING, &config.answer,
      "Be a teacher available for calls with a tutor now, and answer them so", "accept|decline|ignore" },
    { "call", 0, 0, G_OPTION_ARG_STRING, &config.call, "Call a tutor now, as a learner", "LANGUAGE" },
    { "duration", 0, 0, G_OPTION_ARG_INT, &config.duration_s,
      "Seconds to stay once media connects (default 10; 0: until the others leave)", "SECONDS" },
    { "timeout", 0, 0, G_OPTION_ARG_INT, &config.timeout_s,
      "Give up when media has not connected after this long (default 30; 0: never)", "SECONDS" },
    { "relay-only", 0, 0, G_OPTION_ARG_NONE, &config.relay_only, "Use TURN relays only", NULL },
    { "source", 0, 0, G_OPTION_ARG_STRING, &config.source, "What to send: a test pattern and tone (default) or a media file, in a loop", "test|FILE" },
    { "size", 0, 0, G_OPTION_ARG_STRING, &size, "Camera size (default 640x480)", "WxH" },
    { "fps", 0, 0, G_OPTION_ARG_INT, &config.fps, "Camera frame rate (default 30)", "N" },
    { "bitrate", 0, 0, G_OPTION_ARG_INT, &config.bitrate_kbps, "Video bitrate cap", "KBPS" },
    { "share", 0, 0, G_OPTION_ARG_STRING, &share, "Share a test screen once connected", "WxH@FPS" },
    { "pattern", 0, 0, G_OPTION_ARG_STRING, &config.pattern, "Test camera pattern (default smpte)", "NAME" },
    { "tone", 0, 0, G_OPTION_ARG_DOUBLE, &config.tone_hz, "Test tone frequency (default 440)", "HZ" },
    { "h264", 0, 0, G_OPTION_ARG_NONE, &config.prefer_h264, "Prefer H.264 to VP8", NULL },
    { "ice-tcp", 0, 0, G_OPTION_ARG_NONE, &config.ice_tcp, "Gather ICE-TCP candidates too", NULL },
    { "local-address", 0, 0, G_OPTION_ARG_STRING_ARRAY, &config.local_addresses,
      "Also gather candidates on this address (repeatable; 127.0.0.1 for loopback)", "IP" },
    { "stats-interval", 0, 0, G_OPTION_ARG_INT, &config.stats_interval_ms, "Stats every MS (default 1000)", "MS" },
    { "give-up", 0, 0, G_OPTION_ARG_INT, &config.give_up_s,
      "Give up a participant whose media stopped, and then the call, after this long", "SECONDS" },
    { "commands", 0, 0, G_OPTION_ARG_NONE, &config.commands,
      "Read commands from standard input: mute, unmute, camera off|on, share start|stop, ping, say TEXT, hangup", NULL },
    { NULL }
  };

  setlocale (LC_ALL, "");
  config.duration_s = 10;
  config.timeout_s = -1;

  context = g_option_context_new ("- a headless Parla call participant");
  g_option_context_set_description (context,
    "Prints one JSON line of stats per interval, events as they happen, and a\n"
    "summary last. Exit status: 0 when media flowed both ways, 1 when not, 2 for\n"
    "a usage error.");
  g_option_context_add_main_entries (context, entries, NULL);
  g_option_context_add_group (context, gst_init_get_option_group ());
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("parla-peer: %s\n", error->message);
      parla_peer_config_clear (&config);
      return 2;
    }

  if (!parse_size (size, &config.width, &config.height, NULL) ||
      !parse_size (share, &config.share_width, &config.share_height, &config.share_fps) ||
      !parla_peer_config_check (&config, &error))
    {
      g_printerr ("parla-peer: %s\n", error != NULL ? error->message : "--size is WxH, --share WxH@FPS");
      parla_peer_config_clear (&config);
      return 2;
    }

  out = g_unix_output_stream_new (STDOUT_FILENO, FALSE);
  peer.loop = g_main_loop_new (NULL, FALSE);
  peer.cancellable = g_cancellable_new ();
  peer.runner = parla_peer_runner_new (&config, out);
  commands = config.commands;
  parla_peer_config_clear (&config);
  g_signal_connect (peer.runner, "finished", G_CALLBACK (on_finished_cb), &peer);

  g_unix_signal_add (SIGINT, on_signal_cb, &peer);
  g_unix_signal_add (SIGTERM, on_signal_cb, &peer);

  parla_peer_runner_start (peer.runner);

  if (commands)
    {
      in = g_unix_input_stream_new (STDIN_FILENO, FALSE);
      peer.input = g_data_input_stream_new (in);
      read_command (&peer);
    }

  if (!parla_peer_runner_get_finished (peer.runner))
    g_main_loop_run (peer.loop);

  status = parla_peer_runner_get_exit_status (peer.runner);

  g_cancellable_cancel (peer.cancellable);
  g_clear_object (&peer.input);
  g_clear_object (&peer.runner);
  g_clear_object (&peer.cancellable);
  g_main_loop_unref (peer.loop);
  gst_deinit ();

  return status;
}
