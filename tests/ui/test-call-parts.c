/* test-call-parts.c: the pre-join view, the call's chat and the summary
 * after a call, each in a plain window, against a real server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-call-chat.h"
#include "parla-call-summary.h"
#include "parla-prejoin-view.h"
#include "parla-error.h"
#include "parla-server.h"
#include "parla-time.h"
#include "parla-video-paintable.h"
#include "ui-test-utils.h"

#define WAIT_MS 20000

static char *
login (PtServer   *server,
       const char *email,
       char      **out_id)
{
  g_autofree char *body = pt_json ("{\"email\": \"%s\", \"password\": \"%s\"}", email, UI_DEMO_PASSWORD);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  pt_assert_status (response, 200);
  if (out_id != NULL)
    *out_id = g_strdup (pt_str (response, "user.id"));
  return g_strdup (pt_str (response, "token"));
}

static GtkWindow *
plain_window (GtkWidget *child)
{
  GtkWindow *window = GTK_WINDOW (adw_window_new ());
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);

  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_widget_set_vexpand (child, TRUE);
  gtk_box_append (GTK_BOX (box), child);
  adw_window_set_content (ADW_WINDOW (window), box);
  gtk_window_set_default_size (window, 1280, 800);
  gtk_window_present (window);
  UI_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (window)), WAIT_MS);
  ui_wait_drawn (GTK_WIDGET (window));

  return window;
}

static JsonArray *
ice_servers_for (const char *url)
{
  g_autofree char *text = g_strdup_printf ("[{\"urls\": [\"%s\"], \"username\": \"u\", \"credential\": \"c\"}]", url);
  g_autoptr(JsonNode) node = json_from_string (text, NULL);

  return json_array_ref (json_node_get_array (node));
}

static GtkWidget *
find_icon_button (GtkWidget  *root,
                  const char *icon_name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_BUTTON (child) && g_strcmp0 (gtk_button_get_icon_name (GTK_BUTTON (child)), icon_name) == 0)
        return child;
      if ((found = find_icon_button (child, icon_name)) != NULL)
        return found;
    }

  return NULL;
}

static void
on_join_cb (ParlaPrejoinView *view,
            guint            *n_joins)
{
  (*n_joins)++;
}

/* Test sources: frames reach the picture, the level bar follows the tone,
 * the toggles and Join work, and the check says what it found. */
static void
test_prejoin (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  g_autoptr(PtCoturn) coturn = NULL;
  g_autoptr(JsonArray) good = NULL;
  g_autoptr(JsonArray) blocked = NULL;
  g_autofree char *blocked_url = NULL;
  g_autoptr(ParlaContext) nowhere = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *view, *picture, *level_bar, *unreachable;
  GdkPaintable *paintable;
  GtkWindow *window;
  guint n_joins = 0;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  g_setenv ("PARLA_TEST_SOURCES", "1", TRUE);

  view = parla_prejoin_view_new (app->context);
  g_signal_connect (view, "join", G_CALLBACK (on_join_cb), &n_joins);
  window = plain_window (view);
  g_assert_true (gtk_window_get_default_widget (window) == ui_get (view, GTK_TYPE_BUTTON, "_Join"));

  /* A relay that answers. */
  coturn = pt_coturn_start (NULL, "prejoin-secret");
  good = ice_servers_for (coturn->url);
  parla_prejoin_view_set_call_info (PARLA_PREJOIN_VIEW (view), "Spanish with Lucía", good);
  ui_get (view, GTK_TYPE_LABEL, "Spanish with Lucía");
  UI_WAIT_UNTIL (g_strcmp0 (parla_prejoin_view_get_check_result (PARLA_PREJOIN_VIEW (view)),
                            "Connection looks good") == 0, WAIT_MS);

  picture = ui_find_nth_of_type (view, GTK_TYPE_PICTURE, 0);
  paintable = gtk_picture_get_paintable (GTK_PICTURE (picture));
  g_assert_true (PARLA_IS_VIDEO_PAINTABLE (paintable));
  UI_WAIT_UNTIL (parla_video_paintable_get_n_frames (PARLA_VIDEO_PAINTABLE (paintable)) >= 3, WAIT_MS);
  g_assert_cmpint (gdk_paintable_get_intrinsic_width (paintable), ==, 640);
  g_assert_cmpint (gdk_paintable_get_intrinsic_height (paintable), ==, 360);
  level_bar = ui_find_nth_of_type (view, GTK_TYPE_LEVEL_BAR, 0);
  /* The test tone is at about -10 dB: most of the bar. */
  UI_WAIT_UNTIL (gtk_level_bar_get_value (GTK_LEVEL_BAR (level_bar)) > 0.5, WAIT_MS);

  /* The devices: "System Default" until the user picks one. */
  g_assert_null (parla_prejoin_view_get_camera_id (PARLA_PREJOIN_VIEW (view)));
  g_assert_null (parla_prejoin_view_get_microphone_id (PARLA_PREJOIN_VIEW (view)));
  g_assert_null (parla_prejoin_view_get_speaker_id (PARLA_PREJOIN_VIEW (view)));
  ui_get (view, ADW_TYPE_COMBO_ROW, "Camera");
  ui_get (view, ADW_TYPE_COMBO_ROW, "Microphone");
  ui_get (view, ADW_TYPE_COMBO_ROW, "Speaker");
  ui_click (find_icon_button (view, "audio-volume-high-symbolic"));

  ui_wait_drawn (view);
  ui_screenshot (window, "prejoin");

  /* Mute and camera off, before entering. */
  g_assert_false (parla_prejoin_view_get_audio_muted (PARLA_PREJOIN_VIEW (view)));
  g_assert_true (parla_prejoin_view_get_video_enabled (PARLA_PREJOIN_VIEW (view)));
  gtk_widget_activate_action (view, "prejoin.toggle-mute", NULL);
  gtk_widget_activate_action (view, "prejoin.toggle-camera", NULL);
  g_assert_true (parla_prejoin_view_get_audio_muted (PARLA_PREJOIN_VIEW (view)));
  g_assert_false (parla_prejoin_view_get_video_enabled (PARLA_PREJOIN_VIEW (view)));
  ui_get (view, ADW_TYPE_STATUS_PAGE, "Camera Off");
  ui_screenshot (window, "prejoin-camera-off");
  gtk_widget_activate_action (view, "prejoin.toggle-camera", NULL);
  g_assert_true (parla_prejoin_view_get_video_enabled (PARLA_PREJOIN_VIEW (view)));

  /* A relay that never answers: UDP to a port nobody listens on. */
  blocked_url = g_strdup_printf ("turn:127.0.0.1:%u?transport=udp", pt_free_port ());
  blocked = ice_servers_for (blocked_url);
  parla_prejoin_view_set_call_info (PARLA_PREJOIN_VIEW (view), NULL, blocked);
  UI_WAIT_UNTIL (g_strcmp0 (parla_prejoin_view_get_check_result (PARLA_PREJOIN_VIEW (view)),
                            "Your network blocks calls through the relay: video may not work") == 0,
                 WAIT_MS);
  ui_get (view, ADW_TYPE_ACTION_ROW, "Connection");

  /* Join: the button, and Enter. */
  ui_click (ui_get (view, GTK_TYPE_BUTTON, "_Join"));
  g_assert_cmpuint (n_joins, ==, 1);
  gtk_widget_activate_action (view, "prejoin.join", NULL);
  g_assert_cmpuint (n_joins, ==, 2);

  parla_prejoin_view_stop (PARLA_PREJOIN_VIEW (view));
  g_assert_null (parla_video_paintable_get_texture (PARLA_VIDEO_PAINTABLE (paintable)));
  g_assert_true (parla_prejoin_view_get_audio_muted (PARLA_PREJOIN_VIEW (view)));
  gtk_window_destroy (window);

  /* A server that cannot be reached. */
  nowhere = parla_context_new ("http://127.0.0.1:9", app->settings, &error);
  g_assert_no_error (error);
  unreachable = parla_prejoin_view_new (nowhere);
  window = plain_window (unreachable);
  parla_prejoin_view_set_call_info (PARLA_PREJOIN_VIEW (unreachable), NULL, NULL);
  UI_WAIT_UNTIL (g_strcmp0 (parla_prejoin_view_get_check_result (PARLA_PREJOIN_VIEW (unreachable)),
                            "Cannot reach the Parla server") == 0, WAIT_MS);
  gtk_window_destroy (window);

  g_unsetenv ("PARLA_TEST_SOURCES");
  ui_app_free (app);
  pt_server_stop (server);
}

static GtkWidget *
find_label_with (GtkWidget  *root,
                 const char *text)
{
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found;

      if (GTK_IS_LABEL (child) && strstr (gtk_label_get_label (GTK_LABEL (child)), text) != NULL)
        return child;
      if ((found = find_label_with (child, text)) != NULL)
        return found;
    }

  return NULL;
}

/* The trial call's room, with the learner and its host. */
static void
test_chat (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  g_autofree char *session_id = NULL;
  g_autofree char *host_email = NULL;
  g_autofree char *host_token = NULL;
  g_autofree char *host_id = NULL;
  g_autofree char *learner_token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *room = NULL;
  g_autoptr(PtResponse) join = NULL;
  g_autoptr(PtWs) host = NULL;
  g_autoptr(JsonNode) ack = NULL;
  g_autoptr(JsonNode) seen = NULL;
  g_autoptr(JsonNode) receipt = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *participants;
  GtkWidget *chat, *link, *entry, *send;
  GtkWindow *window;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  g_assert_true (parla_server_demo_trial_call (server->server, &session_id, &host_email, &error));
  g_assert_no_error (error);
  learner_token = login (server, UI_LEARNER_EMAIL, NULL);
  host_token = login (server, host_email, &host_id);

  path = g_strdup_printf ("/api/v1/sessions/%s/join", session_id);
  join = pt_request (server, "POST", path, learner_token, "{}", NULL);
  pt_assert_status (join, 200);
  room = g_strdup (pt_str (join, "room"));
  participants = json_node_get_array (pt_json_get (join->json, "participants"));

  /* The host says hello before the learner opens the chat: history. */
  host = pt_ws_connect (server, host_token);
  pt_ws_sendf (host, "{\"type\": \"join\", \"id\": \"j-1\", \"room\": \"%s\"}", room);
  json_node_unref (pt_ws_wait (host, "ack", WAIT_MS));
  pt_ws_sendf (host, "{\"type\": \"chat.send\", \"id\": \"h-1\", \"room\": \"%s\", \"text\": \"¡Hola! Today: the past tense.\"}", room);
  json_node_unref (pt_ws_wait (host, "ack", WAIT_MS));

  chat = parla_call_chat_new (app->context, room, participants);
  window = plain_window (chat);
  UI_WAIT_UNTIL (parla_call_chat_get_n_messages (PARLA_CALL_CHAT (chat)) == 1, WAIT_MS);
  g_assert_cmpuint (parla_call_chat_get_unread (PARLA_CALL_CHAT (chat)), ==, 1);
  ui_get (chat, GTK_TYPE_LABEL, "¡Hola! Today: the past tense.");

  /* Live, with a link. */
  pt_ws_sendf (host, "{\"type\": \"chat.send\", \"id\": \"h-2\", \"room\": \"%s\", \"text\": \"Notes: https://parla.app/notes?a=1&b=2 <here>\"}", room);
  json_node_unref (pt_ws_wait (host, "ack", WAIT_MS));
  UI_WAIT_UNTIL (parla_call_chat_get_n_messages (PARLA_CALL_CHAT (chat)) == 2, WAIT_MS);
  g_assert_cmpuint (parla_call_chat_get_unread (PARLA_CALL_CHAT (chat)), ==, 2);
  link = find_label_with (chat, "<a href=");
  g_assert_nonnull (link);
  g_assert_cmpstr (gtk_label_get_label (GTK_LABEL (link)), ==,
                   "Notes: <a href=\"https://parla.app/notes?a=1&amp;b=2\">https://parla.app/notes?a=1&amp;b=2</a> &lt;here&gt;");

  /* Shown: read, and the host hears of it. */
  parla_call_chat_set_active (PARLA_CALL_CHAT (chat), TRUE);
  g_assert_cmpuint (parla_call_chat_get_unread (PARLA_CALL_CHAT (chat)), ==, 0);
  receipt = pt_ws_wait (host, "chat.receipt", WAIT_MS);
  g_assert_cmpint (pt_node_int (receipt, "read_seq"), ==, 2);

  /* Sending: typed, Enter. */
  parla_call_chat_focus_entry (PARLA_CALL_CHAT (chat));
  entry = ui_find_nth_of_type (chat, GTK_TYPE_ENTRY, 0);
  send = find_icon_button (chat, "mail-send-symbolic");
  g_assert_false (gtk_widget_is_sensitive (send));
  ui_type (entry, "Gracias, ¡hasta luego!");
  g_assert_true (gtk_widget_is_sensitive (send));
  g_signal_emit_by_name (entry, "activate");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  seen = pt_ws_wait_for (host, "chat.message", "message.text", "Gracias, ¡hasta luego!", WAIT_MS);
  g_assert_null (pt_node_str (seen, "message.to"));
  UI_WAIT_UNTIL (parla_call_chat_get_n_messages (PARLA_CALL_CHAT (chat)) == 3, WAIT_MS);
  g_assert_cmpuint (parla_call_chat_get_unread (PARLA_CALL_CHAT (chat)), ==, 0);

  /* The host reads it: "Read by". */
  pt_ws_sendf (host, "{\"type\": \"chat.read\", \"id\": \"r-1\", \"room\": \"%s\", \"seq\": 3}", room);
  UI_WAIT_UNTIL (find_label_with (chat, "Read by") != NULL, WAIT_MS);

  /* A hidden chat counts again. */
  parla_call_chat_set_active (PARLA_CALL_CHAT (chat), FALSE);
  pt_ws_sendf (host, "{\"type\": \"chat.send\", \"id\": \"h-3\", \"room\": \"%s\", \"text\": \"See you!\"}", room);
  UI_WAIT_UNTIL (parla_call_chat_get_unread (PARLA_CALL_CHAT (chat)) == 1, WAIT_MS);

  ui_screenshot (window, "chat");
  gtk_window_destroy (window);

  /* A group room: "Everyone" or one of them, privately. */
  {
    g_autoptr(JsonNode) group_node = json_from_string ("[]", NULL);
    JsonArray *group = json_node_get_array (group_node);
    g_autoptr(JsonNode) private_message = NULL;
    JsonObject *third = json_object_new ();
    GtkWidget *dropdown;

    for (guint i = 0; i < json_array_get_length (participants); i++)
      json_array_add_element (group, json_node_copy (json_array_get_element (participants, i)));
    json_object_set_string_member (third, "user_id", "someone-else");
    json_object_set_string_member (third, "display_name", "Sam");
    json_array_add_object_element (group, third);

    chat = parla_call_chat_new (app->context, room, group);
    window = plain_window (chat);
    dropdown = ui_find_nth_of_type (chat, GTK_TYPE_DROP_DOWN, 0);
    g_assert_true (gtk_widget_get_visible (dropdown));
    /* Everyone, the host, Sam: the learner is not listed. */
    g_assert_cmpuint (g_list_model_get_n_items (gtk_drop_down_get_model (GTK_DROP_DOWN (dropdown))), ==, 3);
    gtk_drop_down_set_selected (GTK_DROP_DOWN (dropdown), 1);
    entry = ui_find_nth_of_type (chat, GTK_TYPE_ENTRY, 0);
    ui_type (entry, "Just between us");
    g_signal_emit_by_name (entry, "activate");
    private_message = pt_ws_wait_for (host, "chat.message", "message.text", "Just between us", WAIT_MS);
    g_assert_cmpstr (pt_node_str (private_message, "message.to"), ==, host_id);
    UI_WAIT_UNTIL (find_label_with (chat, "You, privately to") != NULL, WAIT_MS);
    gtk_window_destroy (window);
  }

  ui_app_free (app);
  pt_server_stop (server);
}

/* A paid 1:1 lesson of the demo learner's, booked, paid, and over. */
static char *
book_past_lesson (PtServer    *server,
                  const char  *token,
                  char       **out_teacher_id,
                  char       **out_teacher_name)
{
  g_autoptr(PtResponse) offerings = pt_request (server, "GET", "/api/v1/offerings?limit=100", token, NULL, NULL);
  JsonArray *items = json_node_get_array (pt_json_get (offerings->json, "items"));
  JsonObject *offering = NULL;
  g_autofree char *from = pt_instant (parla_time_now ());
  g_autofree char *to = pt_instant (parla_time_now () + 14 * 24 * 3600);
  g_autofree char *slots_path = NULL;
  g_autofree char *book_path = NULL;
  g_autofree char *body = NULL;
  g_autofree char *pay_path = NULL;
  g_autofree char *teacher_path = NULL;
  g_autoptr(PtResponse) slots = NULL;
  g_autoptr(PtResponse) booked = NULL;
  g_autoptr(PtResponse) paid = NULL;
  g_autoptr(PtResponse) teacher = NULL;
  gint64 start = 0, end = 0;
  char *booking_id;

  for (guint i = 0; i < json_array_get_length (items) && offering == NULL; i++)
    {
      JsonObject *candidate = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (candidate, "session_type"), "individual") == 0 &&
          !json_object_get_boolean_member (candidate, "requires_approval") &&
          json_object_get_int_member (candidate, "price_minor") > 0)
        offering = candidate;
    }
  g_assert_nonnull (offering);

  *out_teacher_id = g_strdup (json_object_get_string_member (offering, "teacher_id"));
  slots_path = g_strdup_printf ("/api/v1/teachers/%s/availability?duration=%" G_GINT64_FORMAT "&from=%s&to=%s",
                                *out_teacher_id, json_object_get_int_member (offering, "duration_minutes"),
                                from, to);
  slots = pt_request (server, "GET", slots_path, token, NULL, NULL);
  pt_assert_status (slots, 200);
  g_assert_true (parla_time_parse_rfc3339 (pt_str (slots, "slots[0].start"), &start, NULL));
  g_assert_true (parla_time_parse_rfc3339 (pt_str (slots, "slots[0].end"), &end, NULL));

  book_path = g_strdup_printf ("/api/v1/offerings/%s/book", json_object_get_string_member (offering, "id"));
  body = pt_json ("{\"start\": \"%s\"}", pt_str (slots, "slots[0].start"));
  booked = pt_request (server, "POST", book_path, token, body, NULL);
  pt_assert_status (booked, 201);
  booking_id = g_strdup (pt_str (booked, "id"));
  pay_path = g_strdup_printf ("/api/v1/payments/test-checkout/%s/complete", booking_id);
  paid = pt_request (server, "POST", pay_path, token, "{}", NULL);
  g_assert_cmpuint (paid->status / 100, ==, 2);

  teacher_path = g_strdup_printf ("/api/v1/teachers/%s", *out_teacher_id);
  teacher = pt_request (server, "GET", teacher_path, NULL, NULL, NULL);
  pt_assert_status (teacher, 200);
  *out_teacher_name = g_strdup (pt_str (teacher, "display_name"));

  /* The lesson is over. */
  pt_server_set_now (server, end + 600);

  return booking_id;
}

static gboolean
server_has_review (PtServer   *server,
                   const char *teacher_id,
                   const char *text)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/teachers/%s/reviews?limit=50", teacher_id);
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, NULL, NULL, NULL);
  JsonArray *reviews;

  pt_assert_status (response, 200);
  reviews = json_node_get_array (pt_json_get (response->json, "reviews"));
  for (guint i = 0; i < json_array_get_length (reviews); i++)
    {
      JsonObject *review = json_array_get_object_element (reviews, i);

      if (g_strcmp0 (json_object_get_string_member (review, "text"), text) == 0 &&
          json_object_get_int_member (review, "rating") == 5)
        return TRUE;
    }

  return FALSE;
}

static void
on_done_cb (ParlaCallSummary *summary,
            guint            *n_done)
{
  (*n_done)++;
}

static GtkWidget *
new_summary (UiApp      *app,
             const char *booking_id,
             const char *teacher_id,
             const char *teacher_name)
{
  g_autoptr(ParlaCallSummaryInfo) info = parla_call_summary_info_new ();
  const char *names[] = { teacher_name, "Alex Learner", NULL };

  info->booking_id = g_strdup (booking_id);
  info->teacher_id = g_strdup (teacher_id);
  info->teacher_name = g_strdup (teacher_name);
  info->duration_seconds = 47 * 60 + 10;
  info->participant_names = g_strdupv ((char **) names);
  info->chat_messages = 3;
  info->is_learner = TRUE;
  info->took_place = TRUE;

  return parla_call_summary_new (app->context, info);
}

static void
test_summary (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  g_autofree char *token = NULL;
  g_autofree char *teacher_id = NULL;
  g_autofree char *teacher_name = NULL;
  g_autofree char *booking_id = NULL;
  g_autofree char *title = NULL;
  const char *text = "Patient and clear: the past tenses finally make sense.";
  GtkWidget *summary, *again, *view;
  GtkWindow *window;
  guint n_done = 0;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  token = login (server, UI_LEARNER_EMAIL, NULL);
  booking_id = book_past_lesson (server, token, &teacher_id, &teacher_name);

  summary = new_summary (app, booking_id, teacher_id, teacher_name);
  g_signal_connect (summary, "done", G_CALLBACK (on_done_cb), &n_done);
  window = plain_window (summary);
  ui_get (summary, ADW_TYPE_ACTION_ROW, "Duration");
  g_assert_nonnull (find_label_with (summary, "47 min"));
  g_assert_nonnull (find_label_with (summary, "3 messages, kept with the lesson"));

  /* "Book again": the teacher's next free times, each opening the
   * booking dialog. */
  title = g_strdup_printf ("Book Again with %s", teacher_name);
  ui_get (summary, G_TYPE_NONE, title);
  UI_WAIT_UNTIL (ui_find (summary, GTK_TYPE_BUTTON, "_Book") != NULL, WAIT_MS);

  /* No rating, no review. */
  g_assert_false (gtk_widget_is_sensitive (ui_get (summary, GTK_TYPE_BUTTON, "_Send Review")));
  ui_click (ui_find_nth_of_type (summary, GTK_TYPE_TOGGLE_BUTTON, 4));   /* 5 stars */
  view = ui_find_nth_of_type (summary, GTK_TYPE_TEXT_VIEW, 0);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), text, -1);
  ui_wait_drawn (summary);
  ui_screenshot (window, "summary");

  ui_click (ui_get (summary, GTK_TYPE_BUTTON, "_Send Review"));
  UI_WAIT_UNTIL (ui_find (summary, GTK_TYPE_LABEL, "Thank you for your review!") != NULL, WAIT_MS);
  g_assert_true (server_has_review (server, teacher_id, text));
  ui_screenshot (window, "summary-reviewed");

  ui_click (ui_get (summary, GTK_TYPE_BUTTON, "_Close"));
  g_assert_cmpuint (n_done, ==, 1);
  gtk_window_destroy (window);

  /* A second review of the same lesson is refused. */
  again = new_summary (app, booking_id, teacher_id, teacher_name);
  window = plain_window (again);
  ui_click (ui_find_nth_of_type (again, GTK_TYPE_TOGGLE_BUTTON, 2));   /* 3 stars */
  ui_click (ui_get (again, GTK_TYPE_BUTTON, "_Send Review"));
  UI_WAIT_UNTIL (ui_find (again, GTK_TYPE_LABEL, "You already reviewed this lesson") != NULL, WAIT_MS);
  g_assert_true (server_has_review (server, teacher_id, text));
  gtk_window_destroy (window);

  /* Offline: the review of another lesson waits in the outbox, and
   * reaches the server once the app is back online. */
  {
    g_autoptr(GError) offline = g_error_new_literal (PARLA_ERROR, PARLA_ERROR_NETWORK, "Cannot reach the server");
    g_autofree char *other_teacher_id = NULL;
    g_autofree char *other_teacher_name = NULL;
    g_autofree char *other_booking_id = book_past_lesson (server, token, &other_teacher_id, &other_teacher_name);
    const char *later = "Booked again, and glad I did.";
    GtkWidget *queued = new_summary (app, other_booking_id, other_teacher_id, other_teacher_name);

    window = plain_window (queued);
    parla_realtime_stop (parla_context_get_realtime (app->context));
    parla_context_report_offline (app->context, offline);
    g_assert_false (parla_context_get_online (app->context));
    ui_click (ui_find_nth_of_type (queued, GTK_TYPE_TOGGLE_BUTTON, 4));
    view = ui_find_nth_of_type (queued, GTK_TYPE_TEXT_VIEW, 0);
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), later, -1);
    ui_click (ui_get (queued, GTK_TYPE_BUTTON, "_Send Review"));
    ui_get (queued, GTK_TYPE_LABEL, "Your review will be sent when you are back online");
    g_assert_cmpuint (parla_outbox_get_count (parla_context_get_outbox (app->context)), ==, 1);
    g_assert_false (server_has_review (server, other_teacher_id, later));

    parla_realtime_start (parla_context_get_realtime (app->context));
    UI_WAIT_UNTIL (parla_context_get_online (app->context), WAIT_MS);
    UI_WAIT_UNTIL (parla_outbox_get_count (parla_context_get_outbox (app->context)) == 0, WAIT_MS);
    g_assert_true (server_has_review (server, other_teacher_id, later));
    gtk_window_destroy (window);
  }

  ui_app_free (app);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);
  gst_init (&argc, &argv);

  g_test_add_func ("/ui/call-parts/prejoin", test_prejoin);
  g_test_add_func ("/ui/call-parts/chat", test_chat);
  g_test_add_func ("/ui/call-parts/summary", test_summary);

  return g_test_run ();
}
