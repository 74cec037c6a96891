/* test-app.c: signing in and out of the real app, against a real server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-preferences-window.h"
#include "parla-sign-in-page.h"
#include "ui-test-utils.h"

static void
test_sign_in (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWidget *window = GTK_WIDGET (app->window);
  GtkWidget *message;

  /* Nobody signed in yet: the sign-in page, the server prefilled. */
  g_assert_cmpstr (parla_window_get_visible_page_name (app->window), ==, "sign-in");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_get (window, ADW_TYPE_ENTRY_ROW, "Server address"))),
                   ==, server->base_url);
  g_assert_false (gtk_widget_is_sensitive (ui_get (window, GTK_TYPE_BUTTON, "Sign In")));
  ui_screenshot (GTK_WINDOW (window), "sign-in");

  /* A wrong password: the server's words, still signed out. */
  ui_type (ui_get (window, ADW_TYPE_ENTRY_ROW, "Email address"), UI_LEARNER_EMAIL);
  ui_type (ui_get (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password"), "not-the-password");
  ui_click (ui_get (window, GTK_TYPE_BUTTON, "Sign In"));
  message = ui_find_nth_of_type (ui_get (window, PARLA_TYPE_SIGN_IN_PAGE, NULL), GTK_TYPE_LABEL, 1);
  UI_WAIT_UNTIL (gtk_widget_get_visible (message), 20000);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (message)), !=, "");
  g_assert_false (parla_context_get_signed_in (app->context));
  ui_screenshot (GTK_WINDOW (window), "sign-in-error");

  /* The right one: the learner's pages. */
  gtk_editable_set_text (GTK_EDITABLE (ui_get (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password")), "");
  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  g_assert_false (parla_context_get_is_teacher (app->context));
  g_assert_cmpstr (parla_user_get_email (parla_context_get_user (app->context)), ==, UI_LEARNER_EMAIL);
  g_assert_cmpstr (g_settings_get_string (app->settings, "server-url"), ==, server->base_url);
  g_assert_false (gtk_widget_get_visible (message));
  ui_screenshot (GTK_WINDOW (window), "signed-in");

  ui_app_free (app);

  /* A new start restores the session from the keyring by itself. */
  app = ui_app_new (server);
  UI_WAIT_UNTIL (parla_context_get_signed_in (app->context), 20000);
  g_assert_cmpstr (parla_user_get_email (parla_context_get_user (app->context)), ==, UI_LEARNER_EMAIL);

  /* Signing out forgets the token: the next start asks again. */
  g_action_group_activate_action (G_ACTION_GROUP (app->window), "sign-out", NULL);
  parla_context_sign_out_async (app->context, NULL, NULL, NULL);
  UI_WAIT_UNTIL (!parla_context_get_signed_in (app->context), 20000);
  UI_WAIT_UNTIL (g_strcmp0 (parla_window_get_visible_page_name (app->window), "sign-in") == 0, 20000);
  ui_spin (200);
  ui_app_free (app);

  app = ui_app_new (server);
  ui_spin (300);
  g_assert_cmpstr (parla_window_get_visible_page_name (app->window), ==, "sign-in");
  g_assert_false (parla_context_get_signed_in (app->context));
  ui_app_free (app);

  pt_server_stop (server);
}

static void
test_sign_up (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWidget *window = GTK_WIDGET (app->window);

  ui_click (ui_get (window, GTK_TYPE_BUTTON, "New to Parla? Create an account"));
  ui_type (ui_get (window, ADW_TYPE_ENTRY_ROW, "Your name"), "Ana Teacher");
  ui_type (ui_get (window, ADW_TYPE_ENTRY_ROW, "Email address"), "ana.teacher@example.org");
  ui_type (ui_get (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password"), "a long enough password");
  adw_combo_row_set_selected (ADW_COMBO_ROW (ui_get (window, ADW_TYPE_COMBO_ROW, "I want to")), 1);
  ui_screenshot (GTK_WINDOW (window), "sign-up");
  ui_click (ui_get (window, GTK_TYPE_BUTTON, "Create Account"));

  UI_WAIT_UNTIL (parla_context_get_signed_in (app->context), 20000);
  g_assert_true (parla_context_get_is_teacher (app->context));
  g_assert_cmpstr (parla_user_get_display_name (parla_context_get_user (app->context)), ==, "Ana Teacher");

  ui_app_free (app);
  pt_server_stop (server);
}

static void
test_bad_server (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWidget *window = GTK_WIDGET (app->window);
  guint port = pt_free_port ();
  g_autofree char *nowhere = g_strdup_printf ("http://127.0.0.1:%u", port);
  GtkWidget *message;

  /* Not a URL: said so, nothing sent. */
  ui_type (ui_get (window, ADW_TYPE_ENTRY_ROW, "Server address"), "not a server");
  ui_type (ui_get (window, ADW_TYPE_ENTRY_ROW, "Email address"), UI_LEARNER_EMAIL);
  ui_type (ui_get (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password"), UI_DEMO_PASSWORD);
  ui_click (ui_get (window, GTK_TYPE_BUTTON, "Sign In"));
  message = ui_find_nth_of_type (ui_get (window, PARLA_TYPE_SIGN_IN_PAGE, NULL), GTK_TYPE_LABEL, 1);
  g_assert_true (gtk_widget_get_visible (message));
  g_assert_cmpstr (parla_context_get_server_url (app->context), ==, server->base_url);

  /* Nobody listening: a clear error, still signed out. */
  ui_type (ui_get (window, ADW_TYPE_ENTRY_ROW, "Server address"), nowhere);
  gtk_label_set_label (GTK_LABEL (message), "");
  ui_click (ui_get (window, GTK_TYPE_BUTTON, "Sign In"));
  UI_WAIT_UNTIL (*gtk_label_get_text (GTK_LABEL (message)) != '\0', 20000);
  g_assert_false (parla_context_get_signed_in (app->context));
  g_assert_cmpstr (parla_context_get_server_url (app->context), ==, nowhere);
  ui_screenshot (GTK_WINDOW (window), "sign-in-no-server");

  ui_app_free (app);
  pt_server_stop (server);
}

static void
test_offline (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWidget *banner;
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;
  g_autoptr(JsonNode) body = json_from_string ("{\"reason\":\"test\"}", NULL);

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  UI_WAIT_UNTIL (parla_realtime_get_state (parla_context_get_realtime (app->context)) ==
                 PARLA_REALTIME_CONNECTED, 20000);
  banner = ui_get (GTK_WIDGET (app->window), GTK_TYPE_REVEALER, NULL);
  g_assert_false (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));

  /* The server goes away: the banner says so, the pages stay. */
  pt_server_stop (server);
  UI_WAIT_UNTIL (!parla_context_get_online (app->context), 30000);
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (banner)));
  g_assert_true (parla_context_get_signed_in (app->context));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (ui_get (banner, GTK_TYPE_LABEL, NULL))), ==,
                   "Offline: showing what was loaded last");

  /* An intent made meanwhile waits in the outbox, and the banner counts it. */
  key = parla_outbox_enqueue_request (parla_context_get_outbox (app->context), "POST",
                                      "/api/v1/bookings/b-offline/cancel", body,
                                      "Cancel a lesson", &error);
  g_assert_no_error (error);
  UI_WAIT_UNTIL (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (ui_get (banner, GTK_TYPE_LABEL, NULL))),
                                   "Offline: 1 change will be sent"), 20000);
  ui_screenshot (GTK_WINDOW (app->window), "offline");

  ui_app_free (app);
}

/* The shortcuts window parses (every accelerator in it is valid) and shows
 * its groups; the preferences window shows the account and the server. */
static void
test_shortcuts_and_preferences (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  g_autoptr(GtkBuilder) builder = gtk_builder_new_from_resource ("/app/parla/Parla/gtk/help-overlay.ui");
  GtkWindow *shortcuts = GTK_WINDOW (gtk_builder_get_object (builder, "help_overlay"));
  GtkWindow *preferences;

  g_assert_nonnull (shortcuts);
  gtk_window_set_transient_for (shortcuts, GTK_WINDOW (app->window));
  gtk_window_present (shortcuts);
  ui_wait_drawn (GTK_WIDGET (shortcuts));
  g_assert_nonnull (ui_find (GTK_WIDGET (shortcuts), GTK_TYPE_SHORTCUTS_GROUP, NULL));
  ui_screenshot_as_is (shortcuts, "shortcuts");
  gtk_window_destroy (shortcuts);

  ui_app_sign_in (app, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD);
  preferences = parla_preferences_window_new (app->context);
  gtk_window_set_transient_for (preferences, GTK_WINDOW (app->window));
  gtk_window_present (preferences);
  ui_wait_drawn (GTK_WIDGET (preferences));
  /* Signed in: the account is shown and the server cannot change. */
  g_assert_nonnull (ui_find (GTK_WIDGET (preferences), ADW_TYPE_ACTION_ROW,
                             parla_user_get_display_name (parla_context_get_user (app->context))));
  g_assert_false (gtk_widget_get_sensitive (ui_get (GTK_WIDGET (preferences), ADW_TYPE_ENTRY_ROW,
                                                    "Server address")));
  ui_screenshot_as_is (preferences, "preferences");
  gtk_window_set_focus (preferences, NULL);
  gtk_window_destroy (preferences);

  ui_app_free (app);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/app/sign-in", test_sign_in);
  g_test_add_func ("/ui/app/sign-up", test_sign_up);
  g_test_add_func ("/ui/app/bad-server", test_bad_server);
  g_test_add_func ("/ui/app/shortcuts-and-preferences", test_shortcuts_and_preferences);
  g_test_add_func ("/ui/app/offline", test_offline);

  return g_test_run ();
}
