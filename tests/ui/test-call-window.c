/* test-call-window.c: a call held in the call window, with parla-peer on
 * the other side
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>

#include "parla-application.h"
#include "parla-call-chat.h"
#include "parla-call-window.h"
#include "parla-prejoin-view.h"
#include "parla-server.h"
#include "peer-test-utils.h"
#include "ui-test-utils.h"

#define WAIT 60000
#define LUCIA_EMAIL "demo.lucia@parla.app"

static void
on_signed_in_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (parla_context_sign_in_finish (PARLA_CONTEXT (source), result, &error));
  g_assert_no_error (error);
  *(gboolean *) user_data = TRUE;
}

static GtkWindow *
find_window (GtkApplication *app,
             GType           type)
{
  for (GList *l = gtk_application_get_windows (app); l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type))
      return l->data;

  return NULL;
}

static GtkWindow *
find_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return window;
    }

  return NULL;
}

static gboolean
stage_is (ParlaCallWindow *window,
          const char      *stage)
{
  return g_strcmp0 (parla_call_window_get_stage (window), stage) == 0;
}

/* videotestsrc's SMPTE bars: light grey (or white), yellow, cyan,
 * green... across the upper two thirds. */
static gboolean
shows_smpte (ParlaVideoPaintable *paintable)
{
  GdkTexture *texture = parla_video_paintable_get_texture (paintable);
  g_autofree guchar *pixels = NULL;
  int width, height, y;
  gsize stride;
  const guchar *grey, *yellow, *cyan;

  if (texture == NULL)
    return FALSE;

  width = gdk_texture_get_width (texture);
  height = gdk_texture_get_height (texture);
  stride = (gsize) width * 4;
  pixels = g_malloc (stride * (gsize) height);
  gdk_texture_download (texture, pixels, stride);   /* Cairo ARGB32, native endian: B G R A here */

  y = height / 3;
  grey = pixels + (gsize) y * stride + (gsize) (width / 14) * 4;
  yellow = pixels + (gsize) y * stride + (gsize) (3 * width / 14) * 4;
  cyan = pixels + (gsize) y * stride + (gsize) (5 * width / 14) * 4;

#define HIGH(v) ((v) > 150)
#define LOW(v) ((v) < 60)
  return HIGH (grey[2]) && HIGH (grey[1]) && HIGH (grey[0]) &&
         HIGH (yellow[2]) && HIGH (yellow[1]) && LOW (yellow[0]) &&
         LOW (cyan[2]) && HIGH (cyan[1]) && HIGH (cyan[0]);
#undef HIGH
#undef LOW
}

static gboolean
match_event_kind (JsonNode *line,
                  gpointer  user_data)
{
  const char * const *want = user_data;

  return g_strcmp0 (pt_node_str (line, "type"), "event") == 0 &&
         g_strcmp0 (pt_node_str (line, "event"), want[0]) == 0 &&
         g_strcmp0 (pt_node_str (line, "kind"), want[1]) == 0;
}

static gboolean
match_stats_picture (JsonNode *line,
                     gpointer  user_data)
{
  return g_strcmp0 (pt_node_str (line, "type"), "stats") == 0 &&
         g_strcmp0 (pt_node_str (line, "picture"), user_data) == 0;
}

/* A data-channel text from the app with its media state. */
static gboolean
match_media_state (JsonNode *line,
                   gpointer  user_data)
{
  const char *text;

  if (g_strcmp0 (pt_node_str (line, "type"), "event") != 0 ||
      g_strcmp0 (pt_node_str (line, "event"), "data") != 0)
    return FALSE;

  text = pt_node_str (line, "text");
  return text != NULL && strstr (text, "\"media-state\"") != NULL && strstr (text, user_data) != NULL;
}

static gboolean
match_audio_silent (JsonNode *line,
                    gpointer  user_data)
{
  JsonNode *rms;

  if (g_strcmp0 (pt_node_str (line, "type"), "stats") != 0)
    return FALSE;
  rms = pt_json_get (line, "audio_rms");

  return rms != NULL && JSON_NODE_HOLDS_VALUE (rms) && json_node_get_double (rms) > -0.5 &&
         json_node_get_double (rms) < 300;
}

static char *
login (PtServer   *server,
       const char *email,
       char      **out_id)
{
  g_autofree char *body = pt_json ("{\"email\":\"%s\",\"password\":\"%s\"}", email, UI_DEMO_PASSWORD);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  *out_id = g_strdup (pt_str (response, "user.id"));
  return g_strdup (pt_str (response, "token"));
}

static void
test_call (void)
{
  PtServer *server = ui_server_start_demo ();
  g_autoptr(ParlaApplication) application = NULL;
  g_autoptr(PeerRun) peer = NULL;
  g_autoptr(PtWs) lucia_ws = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *session_id = NULL;
  g_autofree char *host_email = NULL;
  g_autofree char *lucia_token = NULL;
  g_autofree char *room = NULL;
  g_autoptr(GFile) bad_link = NULL;
  ParlaCallWindow *window;
  ParlaContext *context;
  ParlaVideoPaintable *remote;
  GtkWindow *dialog;
  GtkWidget *prejoin, *entry, *chat;
  g_autofree char *lucia_id = NULL;
  gboolean signed_in = FALSE;
  guint from = 0;
  const char *screen_added[] = { "track-added", "screen" };

  g_assert_true (parla_server_demo_trial_call (server->server, &session_id, &host_email, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (host_email, ==, LUCIA_EMAIL);

  /* The real application, on the test server, signed in as the demo
   * learner. */
  g_setenv ("PARLA_SERVER", server->base_url, TRUE);
  application = parla_application_new ();
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  context = parla_application_get_context (application);
  parla_context_sign_in_async (context, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD, NULL, on_signed_in_cb, &signed_in);
  UI_WAIT_UNTIL (signed_in, WAIT);

  /* A link that is not a session's: a clear error, not a crash. */
  bad_link = g_file_new_for_uri ("parla://lesson/");
  g_application_open (G_APPLICATION (application), &bad_link, 1, "");
  UI_WAIT_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, WAIT);
  g_assert_cmpstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (dialog)), ==, "Cannot Open the Link");
  gtk_window_destroy (dialog);

  /* Lucía, already in the call's room on another device, says hello
   * before the learner joins: the learner's chat shows it as history. */
  lucia_token = login (server, LUCIA_EMAIL, &lucia_id);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/join", session_id);
    g_autoptr(PtResponse) joined = pt_request (server, "POST", path, lucia_token, "{}", NULL);

    g_assert_cmpuint (joined->status, ==, 200);
    room = g_strdup (pt_str (joined, "room"));
  }
  lucia_ws = pt_ws_connect (server, lucia_token);
  pt_ws_sendf (lucia_ws, "{\"type\":\"join\",\"id\":\"j-1\",\"room\":\"%s\"}", room);
  pt_ws_wait (lucia_ws, "room.members", WAIT);
  pt_ws_sendf (lucia_ws, "{\"type\":\"chat.send\",\"id\":\"c-1\",\"room\":\"%s\",\"text\":\"Hola, te espero\"}",
               room);
  pt_ws_wait_for (lucia_ws, "chat.message", "message.text", "Hola, te espero", WAIT);
  /* Out again, so that the learner's app finds nobody to call and waits
   * for Lucía's parla-peer to offer. */
  pt_ws_sendf (lucia_ws, "{\"type\":\"leave\",\"id\":\"l-1\",\"room\":\"%s\"}", room);
  pt_ws_wait_for (lucia_ws, "ack", "id", "l-1", WAIT);

  /* app.join, as My Schedule's Join button does: pre-join first. */
  g_action_group_activate_action (G_ACTION_GROUP (application), "join", g_variant_new_string (session_id));
  UI_WAIT_UNTIL ((window = (ParlaCallWindow *) find_window (GTK_APPLICATION (application),
                                                             PARLA_TYPE_CALL_WINDOW)) != NULL, WAIT);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  UI_WAIT_UNTIL (stage_is (window, "prejoin"), WAIT);
  UI_WAIT_UNTIL (g_strcmp0 (gtk_window_get_title (GTK_WINDOW (window)), "Call") != 0, WAIT);
  prejoin = ui_get (GTK_WIDGET (window), PARLA_TYPE_PREJOIN_VIEW, NULL);
  ui_spin (1500);
  ui_screenshot (GTK_WINDOW (window), "call-prejoin");

  /* Join; Lucía (parla-peer) comes in on the other side. */
  g_signal_emit_by_name (prejoin, "join");
  UI_WAIT_UNTIL (stage_is (window, "call"), WAIT);
  {
    const char *argv[] = {
      g_getenv ("PARLA_PEER_BIN"), "--server", server->base_url, "--email", LUCIA_EMAIL,
      "--password", UI_DEMO_PASSWORD, "--join", session_id,
      "--commands", "--duration", "0", "--size", "640x360", "--fps", "15",
      "--local-address", "127.0.0.1", NULL
    };

    g_assert_nonnull (argv[0]);
    peer = peer_run_start_argv (argv);
  }
  g_assert_nonnull (peer_run_wait_event (peer, &from, "media-flowing", WAIT));

  /* The remote tile shows the peer's colour bars, the self-view our own
   * test camera. */
  UI_WAIT_UNTIL (parla_call_window_get_n_tiles (window) == 1, WAIT);
  remote = parla_call_window_get_remote_video (window, lucia_id);
  g_assert_nonnull (remote);
  UI_WAIT_UNTIL (parla_video_paintable_get_n_frames (remote) > 0 && shows_smpte (remote), WAIT);
  UI_WAIT_UNTIL (parla_video_paintable_get_n_frames (parla_call_window_get_self_video (window)) > 0, WAIT);
  g_assert_nonnull (peer_run_wait (peer, &from, match_stats_picture, (gpointer) "smpte", WAIT));
  ui_spin (500);
  ui_screenshot (GTK_WINDOW (window), "call-active");

  /* Mute: the peer is told, and hears silence. */
  gtk_widget_activate_action (GTK_WIDGET (window), "call.mute", NULL);
  g_assert_nonnull (peer_run_wait (peer, &from, match_media_state, (gpointer) "\"audio_muted\":true", WAIT));
  g_assert_nonnull (peer_run_wait (peer, &from, match_audio_silent, NULL, WAIT));
  gtk_widget_activate_action (GTK_WIDGET (window), "call.mute", NULL);
  g_assert_nonnull (peer_run_wait (peer, &from, match_media_state, (gpointer) "\"audio_muted\":false", WAIT));

  /* Camera off: the peer sees black; on: the bars again. */
  gtk_widget_activate_action (GTK_WIDGET (window), "call.camera-off", NULL);
  g_assert_nonnull (peer_run_wait (peer, &from, match_stats_picture, (gpointer) "black", WAIT));
  gtk_widget_activate_action (GTK_WIDGET (window), "call.camera-off", NULL);
  g_assert_nonnull (peer_run_wait (peer, &from, match_stats_picture, (gpointer) "smpte", WAIT));

  /* Screen share (ximagesrc under Xvfb): the share track reaches the
   * peer. */
  gtk_widget_activate_action (GTK_WIDGET (window), "call.share-screen", NULL);
  g_assert_nonnull (peer_run_wait (peer, &from, match_event_kind, screen_added, WAIT));
  gtk_widget_activate_action (GTK_WIDGET (window), "call.share-screen", NULL);

  /* Chat: the hello from before is there (once), and Lucía, back in the
   * call's room, receives what the learner types. */
  pt_ws_sendf (lucia_ws, "{\"type\":\"join\",\"id\":\"j-2\",\"room\":\"%s\"}", room);
  pt_ws_wait_for (lucia_ws, "ack", "id", "j-2", WAIT);
  gtk_widget_activate_action (GTK_WIDGET (window), "call.chat", NULL);
  chat = ui_get (GTK_WIDGET (window), PARLA_TYPE_CALL_CHAT, NULL);
  UI_WAIT_UNTIL (parla_call_chat_get_n_messages (PARLA_CALL_CHAT (chat)) >= 1, WAIT);
  g_assert_nonnull (ui_find (chat, GTK_TYPE_LABEL, "Hola, te espero"));
  ui_spin (500);
  g_assert_cmpuint (parla_call_chat_get_n_messages (PARLA_CALL_CHAT (chat)), ==, 1);
  entry = ui_get (chat, GTK_TYPE_ENTRY, NULL);
  ui_type (entry, "¿Empezamos con el vocabulario?");
  g_signal_emit_by_name (entry, "activate");
  pt_ws_wait_for (lucia_ws, "chat.message", "message.text", "¿Empezamos con el vocabulario?", WAIT);
  ui_spin (500);
  ui_screenshot (GTK_WINDOW (window), "call-chat");
  gtk_widget_activate_action (GTK_WIDGET (window), "call.chat", NULL);

  /* Lucía's app freezes: the window says it is reconnecting, then that
   * she is back. */
  kill ((pid_t) atoi (g_subprocess_get_identifier (peer->process)), SIGSTOP);
  UI_WAIT_UNTIL (parla_call_window_get_reconnecting (window), WAIT);
  ui_screenshot (GTK_WINDOW (window), "call-reconnecting");
  kill ((pid_t) atoi (g_subprocess_get_identifier (peer->process)), SIGCONT);
  UI_WAIT_UNTIL (!parla_call_window_get_reconnecting (window), WAIT);

  /* Hang up: asked first (the session goes on), then the summary. */
  gtk_widget_activate_action (GTK_WIDGET (window), "call.hang-up", NULL);
  UI_WAIT_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, WAIT);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "leave");
  UI_WAIT_UNTIL (stage_is (window, "summary"), WAIT);
  ui_spin (1000);
  ui_screenshot (GTK_WINDOW (window), "call-summary");

  /* The peer, left alone, ends its side: media flowed both ways. */
  g_assert_true (peer_bool (peer_run_wait_summary (peer, WAIT), "connected"));
  g_assert_cmpint (peer_run_wait_exit (peer, WAIT), ==, 0);

  /* Every window goes; the application with them. */
  for (GList *l; (l = gtk_application_get_windows (GTK_APPLICATION (application))) != NULL;)
    gtk_window_destroy (l->data);
  ui_spin (200);
  g_unsetenv ("PARLA_SERVER");
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  g_setenv ("PARLA_TEST_SOURCES", "1", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/call-window/call", test_call);

  return g_test_run ();
}
