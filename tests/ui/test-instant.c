/* test-instant.c: calls with a tutor now in the app: the teacher's ring
 * (notification, dialog, ringtone, accept over D-Bus, timeout) and the
 * learner's Call Now page (searching, cancel, nobody free)
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-callnow-page.h"
#include "parla-incoming-call-dialog.h"
#include "parla-presence-switch.h"
#include "parla-ring-service.h"
#include "ui-test-utils.h"

#define WAIT_MS 20000
#define RING_TIMEOUT_SECONDS 4

/* A stand-in for the desktop's org.gtk.Notifications (the GNotification
 * backend GLib picks when that name has an owner on the session bus): it
 * records what the app asks for. */
typedef struct
{
  GDBusConnection *bus;
  guint            registration_id;
  guint            owner_id;
  gboolean         owned;
  GPtrArray       *added;      /* GVariant (ssa{sv}) */
  GPtrArray       *removed;    /* char *, notification ids */
} Notifications;

static const char notifications_xml[] =
  "<node>"
  "  <interface name='org.gtk.Notifications'>"
  "    <method name='AddNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/><arg type='a{sv}' direction='in'/>"
  "    </method>"
  "    <method name='RemoveNotification'>"
  "      <arg type='s' direction='in'/><arg type='s' direction='in'/>"
  "    </method>"
  "  </interface>"
  "</node>";

static void
on_notifications_call_cb (GDBusConnection       *connection,
                          const char            *sender,
                          const char            *object_path,
                          const char            *interface_name,
                          const char            *method_name,
                          GVariant              *parameters,
                          GDBusMethodInvocation *invocation,
                          gpointer               user_data)
{
  Notifications *notifications = user_data;

  if (g_str_equal (method_name, "AddNotification"))
    g_ptr_array_add (notifications->added, g_variant_ref (parameters));
  else
    {
      const char *id;

      g_variant_get (parameters, "(&s&s)", NULL, &id);
      g_ptr_array_add (notifications->removed, g_strdup (id));
    }
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static void
on_name_acquired_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  Notifications *notifications = user_data;

  notifications->owned = TRUE;
}

static Notifications *
notifications_start (void)
{
  static const GDBusInterfaceVTable vtable = { on_notifications_call_cb, NULL, NULL, { 0 } };
  Notifications *notifications = g_new0 (Notifications, 1);
  g_autoptr(GDBusNodeInfo) info = g_dbus_node_info_new_for_xml (notifications_xml, NULL);
  g_autoptr(GError) error = NULL;

  notifications->added = g_ptr_array_new_with_free_func ((GDestroyNotify) g_variant_unref);
  notifications->removed = g_ptr_array_new_with_free_func (g_free);
  notifications->bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, &error);
  g_assert_no_error (error);
  notifications->registration_id =
    g_dbus_connection_register_object (notifications->bus, "/org/gtk/Notifications", info->interfaces[0],
                                       &vtable, notifications, NULL, &error);
  g_assert_no_error (error);
  notifications->owner_id =
    g_bus_own_name_on_connection (notifications->bus, "org.gtk.Notifications", G_BUS_NAME_OWNER_FLAGS_NONE,
                                  on_name_acquired_cb, NULL, notifications, NULL);
  UI_WAIT_UNTIL (notifications->owned, WAIT_MS);

  return notifications;
}

static void
notifications_stop (Notifications *notifications)
{
  g_bus_unown_name (notifications->owner_id);
  g_dbus_connection_unregister_object (notifications->bus, notifications->registration_id);
  g_clear_object (&notifications->bus);
  g_ptr_array_unref (notifications->added);
  g_ptr_array_unref (notifications->removed);
  g_free (notifications);
}

/* The last notification added with @id, or NULL: (ssa{sv}). */
static GVariant *
notifications_find (Notifications *notifications,
                    const char    *id)
{
  for (guint i = notifications->added->len; i > 0; i--)
    {
      GVariant *added = g_ptr_array_index (notifications->added, i - 1);
      const char *added_id;

      g_variant_get (added, "(&s&s@a{sv})", NULL, &added_id, NULL);
      if (g_str_equal (added_id, id))
        return added;
    }

  return NULL;
}

static guint
notifications_count_removed (Notifications *notifications,
                             const char    *id)
{
  guint count = 0;

  for (guint i = 0; i < notifications->removed->len; i++)
    if (g_str_equal (g_ptr_array_index (notifications->removed, i), id))
      count++;

  return count;
}

static void
configure_instant (ParlaServerConfig *config,
                   gpointer           user_data)
{
  config->demo = TRUE;
  config->ring_timeout_seconds = RING_TIMEOUT_SECONDS;
  /* One ring out makes the teacher unavailable. */
  config->missed_rings_limit = 1;
}

static char *
login (PtServer   *server,
       const char *email,
       char      **out_id)
{
  g_autofree char *body = pt_json ("{\"email\":\"%s\",\"password\":\"%s\"}", email, UI_DEMO_PASSWORD);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  if (out_id != NULL)
    *out_id = g_strdup (pt_str (response, "user.id"));
  return g_strdup (pt_str (response, "token"));
}

/* The status of an instant call, as its learner sees it. */
static char *
call_status (PtServer   *server,
             const char *token,
             const char *call_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, token, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (pt_str (response, "status"));
}

static gboolean
call_has_status (PtServer   *server,
                 const char *token,
                 const char *call_id,
                 const char *status)
{
  g_autofree char *now = call_status (server, token, call_id);

  return g_strcmp0 (now, status) == 0;
}

static char *
start_call (PtServer   *server,
            const char *token)
{
  g_autoptr(PtResponse) response =
    pt_request (server, "POST", "/api/v1/calls", token,
                "{\"language\":\"es\",\"level\":\"B1\",\"specialization\":\"business\"}", NULL);

  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (pt_str (response, "id"));
}

/* A visible toplevel that is neither of @skip1, @skip2, nor a dialog. */
static GtkWindow *
find_other_window (GtkWindow *skip1,
                   GtkWindow *skip2)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (window != skip1 && window != skip2 && gtk_widget_get_visible (GTK_WIDGET (window)) &&
          !PARLA_IS_INCOMING_CALL_DIALOG (window))
        return window;
    }

  return NULL;
}

static void
on_action_activated_cb (GObject      *object,
                        GAsyncResult *result,
                        gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (object), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

/* Does what the notification server does when the user presses a
 * button: org.freedesktop.Application.ActivateAction on the app. */
static void
activate_over_dbus (GDBusConnection *bus,
                    const char      *action,
                    const char      *call_id)
{
  g_autofree char *path = g_strdup_printf ("/%s", APP_ID);
  GVariantBuilder parameter;
  gboolean done = FALSE;

  g_strdelimit (path, ".", '/');
  g_variant_builder_init (&parameter, G_VARIANT_TYPE ("av"));
  g_variant_builder_add (&parameter, "v", g_variant_new_string (call_id));
  g_dbus_connection_call (bus, APP_ID, path, "org.freedesktop.Application", "ActivateAction",
                          g_variant_new ("(sava{sv})", action, &parameter, NULL),
                          NULL, G_DBUS_CALL_FLAGS_NONE, -1, NULL, on_action_activated_cb, &done);
  UI_WAIT_UNTIL (done, WAIT_MS);
}

static void
check_ring_notification (Notifications *notifications,
                         const char    *call_id)
{
  GVariant *added;
  g_autoptr(GVariant) dict = NULL;
  g_autoptr(GVariant) buttons = NULL;
  const char *app_id, *title, *body, *priority, *default_action;
  g_autoptr(GVariant) target = NULL;
  gboolean saw_accept = FALSE, saw_decline = FALSE;

  UI_WAIT_UNTIL (notifications_find (notifications, "incoming-call") != NULL, WAIT_MS);
  added = notifications_find (notifications, "incoming-call");
  g_variant_get (added, "(&s&s@a{sv})", &app_id, NULL, &dict);
  g_assert_cmpstr (app_id, ==, APP_ID);
  g_assert_true (g_variant_lookup (dict, "title", "&s", &title));
  g_assert_nonnull (strstr (title, "Alex Learner"));
  g_assert_true (g_variant_lookup (dict, "body", "&s", &body));
  g_assert_nonnull (strstr (body, "Alex Learner"));
  g_assert_nonnull (strstr (body, "Spanish"));
  g_assert_nonnull (strstr (body, "B1"));
  g_assert_true (g_variant_lookup (dict, "priority", "&s", &priority));
  g_assert_cmpstr (priority, ==, "urgent");
  g_assert_true (g_variant_lookup (dict, "default-action", "&s", &default_action));
  g_assert_cmpstr (default_action, ==, "app.show-incoming-call");

  buttons = g_variant_lookup_value (dict, "buttons", G_VARIANT_TYPE ("aa{sv}"));
  g_assert_nonnull (buttons);
  for (gsize i = 0; i < g_variant_n_children (buttons); i++)
    {
      g_autoptr(GVariant) button = g_variant_get_child_value (buttons, i);
      g_autoptr(GVariant) button_target = NULL;
      const char *action;

      g_assert_true (g_variant_lookup (button, "action", "&s", &action));
      button_target = g_variant_lookup_value (button, "target", NULL);
      g_assert_nonnull (button_target);
      g_assert_cmpstr (g_variant_get_string (button_target, NULL), ==, call_id);
      saw_accept |= g_str_equal (action, "app.accept-call");
      saw_decline |= g_str_equal (action, "app.decline-call");
    }
  g_assert_true (saw_accept);
  g_assert_true (saw_decline);
}

/* The teacher's app: available, it rings with a dialog, a notification
 * and the ringtone; the notification's Accept (over D-Bus) accepts the
 * call on the server; a second call that nobody answers stops ringing
 * at its deadline. */
static void
test_ring (void)
{
  PtServer *server = pt_server_start (configure_instant, NULL);
  Notifications *notifications = notifications_start ();
  g_autoptr(GtkApplication) application = NULL;
  g_autoptr(ParlaRingService) ring = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *learner_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *second_id = NULL;
  g_autofree char *declined_id = NULL;
  g_autofree char *hangup_path = NULL;
  GtkWidget *presence, *toggle;
  GtkWindow *dialog, *call_window;
  UiApp *app;

  application = GTK_APPLICATION (adw_application_new (APP_ID, G_APPLICATION_DEFAULT_FLAGS));
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);

  app = ui_app_new (server);
  ui_app_sign_in (app, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD);
  gtk_application_add_window (application, GTK_WINDOW (app->window));
  ring = parla_ring_service_new (application, app->context);
  learner_token = login (server, UI_LEARNER_EMAIL, NULL);

  /* Available for instant calls, through the header bar's switch. */
  presence = ui_get (GTK_WIDGET (app->window), PARLA_TYPE_PRESENCE_SWITCH, NULL);
  toggle = ui_find_nth_of_type (presence, GTK_TYPE_SWITCH, 0);
  UI_WAIT_UNTIL (gtk_widget_is_sensitive (toggle), WAIT_MS);
  ui_click (toggle);
  UI_WAIT_UNTIL (parla_ring_service_get_available (ring), WAIT_MS);

  /* The learner calls: it rings here. */
  call_id = start_call (server, learner_token);
  UI_WAIT_UNTIL (parla_ring_service_get_dialog (ring) != NULL, WAIT_MS);
  dialog = parla_ring_service_get_dialog (ring);
  g_assert_cmpstr (parla_ring_service_get_call_id (ring), ==, call_id);
  g_assert_true (parla_ring_service_get_ringing (ring));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), "Alex Learner"));
  g_assert_nonnull (ui_get (GTK_WIDGET (dialog), GTK_TYPE_LABEL, "Spanish · level B1"));
  g_assert_nonnull (ui_get (GTK_WIDGET (dialog), GTK_TYPE_LABEL, "Wants to practise business conversation"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (ADW_MESSAGE_DIALOG (dialog)), ==, "accept");
  g_assert_cmpstr (adw_message_dialog_get_close_response (ADW_MESSAGE_DIALOG (dialog)), ==, "decline");
  check_ring_notification (notifications, call_id);
  UI_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (dialog)), WAIT_MS);
  ui_screenshot_as_is (dialog, "incoming-call");

  /* Accept from the notification: the app is activated over D-Bus. */
  activate_over_dbus (notifications->bus, "accept-call", call_id);
  UI_WAIT_UNTIL (call_has_status (server, learner_token, call_id, "connected"), WAIT_MS);
  UI_WAIT_UNTIL (parla_ring_service_get_dialog (ring) == NULL, WAIT_MS);
  g_assert_false (parla_ring_service_get_ringing (ring));
  UI_WAIT_UNTIL (notifications_count_removed (notifications, "incoming-call") > 0, WAIT_MS);

  /* The accepted call opened its window; the learner hangs up. */
  UI_WAIT_UNTIL ((call_window = find_other_window (GTK_WINDOW (app->window), NULL)) != NULL, WAIT_MS);
  hangup_path = g_strdup_printf ("/api/v1/calls/%s/hangup", call_id);
  {
    g_autoptr(PtResponse) response = pt_request (server, "POST", hangup_path, learner_token, NULL, NULL);

    g_assert_cmpuint (response->status, ==, 200);
  }
  gtk_window_destroy (call_window);
  ui_spin (200);

  /* A second call: Decline in the dialog. */
  UI_WAIT_UNTIL (parla_ring_service_get_available (ring), WAIT_MS);
  declined_id = start_call (server, learner_token);
  UI_WAIT_UNTIL (parla_ring_service_get_dialog (ring) != NULL, WAIT_MS);
  dialog = parla_ring_service_get_dialog (ring);
  g_assert_cmpstr (parla_ring_service_get_call_id (ring), ==, declined_id);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "decline");
  UI_WAIT_UNTIL (call_has_status (server, learner_token, declined_id, "unanswered"), WAIT_MS);
  UI_WAIT_UNTIL (parla_ring_service_get_dialog (ring) == NULL, WAIT_MS);
  g_assert_false (parla_ring_service_get_ringing (ring));
  UI_WAIT_UNTIL (notifications_count_removed (notifications, "incoming-call") > 1, WAIT_MS);

  /* A third call rings out unanswered: the ring stops by itself. */
  second_id = start_call (server, learner_token);
  UI_WAIT_UNTIL (parla_ring_service_get_dialog (ring) != NULL, WAIT_MS);
  g_assert_cmpstr (parla_ring_service_get_call_id (ring), ==, second_id);
  g_assert_true (parla_ring_service_get_ringing (ring));
  UI_WAIT_UNTIL (parla_ring_service_get_dialog (ring) == NULL, (RING_TIMEOUT_SECONDS + 10) * 1000);
  g_assert_false (parla_ring_service_get_ringing (ring));
  g_assert_null (parla_ring_service_get_call_id (ring));
  UI_WAIT_UNTIL (notifications_count_removed (notifications, "incoming-call") > 2, WAIT_MS);
  UI_WAIT_UNTIL (call_has_status (server, learner_token, second_id, "unanswered"), WAIT_MS);

  /* It rang out: the server rings this teacher no more, the app says why
   * and the switch turns off. */
  UI_WAIT_UNTIL (notifications_find (notifications, "instant-call") != NULL, WAIT_MS);
  {
    g_autoptr(GVariant) dict = NULL;
    const char *body;

    g_variant_get (notifications_find (notifications, "instant-call"), "(&s&s@a{sv})", NULL, NULL, &dict);
    g_assert_true (g_variant_lookup (dict, "body", "&s", &body));
    g_assert_nonnull (strstr (body, "without an answer"));
  }
  UI_WAIT_UNTIL (!parla_presence_switch_get_available (PARLA_PRESENCE_SWITCH (presence)), WAIT_MS);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));
  UI_WAIT_UNTIL (!parla_ring_service_get_available (ring), WAIT_MS);

  /* Available again, then signing out lets the application go. */
  ui_click (toggle);
  UI_WAIT_UNTIL (parla_ring_service_get_available (ring), WAIT_MS);
  parla_context_sign_out_async (app->context, NULL, NULL, NULL);
  UI_WAIT_UNTIL (!parla_ring_service_get_available (ring), WAIT_MS);

  g_assert_finalize_object (g_steal_pointer (&ring));
  gtk_application_remove_window (application, GTK_WINDOW (app->window));
  ui_app_free (app);
  notifications_stop (notifications);
  pt_server_stop (server);
}

/* The learner's page: balance and wishes; calling shows the teacher being
 * rung and a countdown; Cancel cancels on the server; with nobody
 * available, "Nobody is free" offers a notification. */
static void
test_call_now (void)
{
  PtServer *server = pt_server_start (configure_instant, NULL);
  UiApp *app = ui_app_new (server);
  g_autofree char *teacher_token = NULL;
  g_autofree char *learner_token = NULL;
  g_autofree char *call_id = NULL;
  g_autofree char *path = NULL;
  g_autoptr(PtWs) teacher = NULL;
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(GtkApplication) application = NULL;
  g_autoptr(GError) error = NULL;
  ParlaCallnowPage *page;
  GtkWidget *balance;
  GtkWindow *call_window;

  /* The call window belongs to the main window's application. */
  application = GTK_APPLICATION (adw_application_new (APP_ID ".CallNow", G_APPLICATION_DEFAULT_FLAGS));
  g_assert_true (g_application_register (G_APPLICATION (application), NULL, &error));
  g_assert_no_error (error);
  gtk_application_add_window (application, GTK_WINDOW (app->window));

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  learner_token = login (server, UI_LEARNER_EMAIL, NULL);
  teacher_token = login (server, UI_TEACHER_EMAIL, NULL);

  g_assert_true (parla_window_show_page (app->window, "callnow"));
  page = PARLA_CALLNOW_PAGE (parla_window_get_page (app->window, "callnow"));
  UI_WAIT_UNTIL (g_strcmp0 (parla_callnow_page_get_state (page), "form") == 0, WAIT_MS);
  balance = ui_get (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Your minutes");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (balance)), "2 h left"));
  ui_screenshot (GTK_WINDOW (app->window), "callnow");

  /* The demo teacher is available (another device). */
  teacher = pt_ws_connect (server, teacher_token);
  pt_ws_send (teacher, "{\"type\":\"presence.set\",\"id\":\"p-1\",\"status\":\"available\"}");
  message = pt_ws_wait (teacher, "ack", WAIT_MS);
  g_clear_pointer (&message, json_node_unref);

  gtk_widget_activate_action (GTK_WIDGET (page), "callnow.call", NULL);
  message = pt_ws_wait (teacher, "call.ringing", WAIT_MS);
  g_clear_pointer (&message, json_node_unref);
  UI_WAIT_UNTIL (ui_find (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "Calling Dana Teacher") != NULL, WAIT_MS);
  g_assert_cmpstr (parla_callnow_page_get_state (page), ==, "searching");
  call_id = g_strdup (parla_callnow_page_get_call_id (page));
  g_assert_nonnull (call_id);
  g_assert_true (call_has_status (server, learner_token, call_id, "ringing"));
  ui_screenshot (GTK_WINDOW (app->window), "callnow-searching");

  /* Cancel: the teacher's ring stops. */
  gtk_widget_activate_action (GTK_WIDGET (page), "callnow.cancel", NULL);
  message = pt_ws_wait (teacher, "call.cancelled", WAIT_MS);
  g_clear_pointer (&message, json_node_unref);
  UI_WAIT_UNTIL (g_strcmp0 (parla_callnow_page_get_state (page), "form") == 0, WAIT_MS);
  g_assert_true (call_has_status (server, learner_token, call_id, "cancelled"));
  g_clear_pointer (&call_id, g_free);

  /* Nobody is available: the page offers to notify. */
  pt_ws_send (teacher, "{\"type\":\"presence.set\",\"id\":\"p-2\",\"status\":\"online\"}");
  message = pt_ws_wait_for (teacher, "ack", "id", "p-2", WAIT_MS);
  g_clear_pointer (&message, json_node_unref);
  gtk_widget_activate_action (GTK_WIDGET (page), "callnow.call", NULL);
  UI_WAIT_UNTIL (g_strcmp0 (parla_callnow_page_get_state (page), "unanswered") == 0, WAIT_MS);
  call_id = g_strdup (parla_callnow_page_get_call_id (page));
  g_assert_nonnull (call_id);
  ui_screenshot (GTK_WINDOW (app->window), "callnow-unanswered");

  gtk_widget_activate_action (GTK_WIDGET (page), "callnow.notify", NULL);
  UI_WAIT_UNTIL (ui_find (GTK_WIDGET (page), GTK_TYPE_BUTTON, "You Will Be Notified") != NULL, WAIT_MS);
  path = g_strdup_printf ("/api/v1/calls/%s", call_id);
  {
    g_autoptr(PtResponse) response = pt_request (server, "GET", path, learner_token, NULL, NULL);
    JsonNode *notify = pt_json_get (response->json, "notify_when_available");

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_nonnull (notify);
    g_assert_true (json_node_get_boolean (notify));
  }

  gtk_widget_activate_action (GTK_WIDGET (page), "callnow.back", NULL);
  UI_WAIT_UNTIL (g_strcmp0 (parla_callnow_page_get_state (page), "form") == 0, WAIT_MS);
  g_clear_pointer (&call_id, g_free);

  /* The teacher accepts: the page joins and the call window opens. */
  pt_ws_send (teacher, "{\"type\":\"presence.set\",\"id\":\"p-3\",\"status\":\"available\"}");
  message = pt_ws_wait_for (teacher, "ack", "id", "p-3", WAIT_MS);
  g_clear_pointer (&message, json_node_unref);
  gtk_widget_activate_action (GTK_WIDGET (page), "callnow.call", NULL);
  UI_WAIT_UNTIL (g_strcmp0 (parla_callnow_page_get_state (page), "searching") == 0 &&
                 parla_callnow_page_get_call_id (page) != NULL, WAIT_MS);
  call_id = g_strdup (parla_callnow_page_get_call_id (page));
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/accept", call_id);
  {
    g_autoptr(PtResponse) response = pt_request (server, "POST", path, teacher_token, NULL, NULL);

    g_assert_cmpuint (response->status, ==, 200);
  }
  UI_WAIT_UNTIL ((call_window = find_other_window (GTK_WINDOW (app->window), NULL)) != NULL, WAIT_MS);
  UI_WAIT_UNTIL (g_strcmp0 (parla_callnow_page_get_state (page), "form") == 0, WAIT_MS);
  g_free (path);
  path = g_strdup_printf ("/api/v1/calls/%s/hangup", call_id);
  {
    g_autoptr(PtResponse) response = pt_request (server, "POST", path, learner_token, NULL, NULL);

    g_assert_cmpuint (response->status, ==, 200);
  }
  gtk_window_destroy (call_window);
  ui_spin (200);

  gtk_application_remove_window (application, GTK_WINDOW (app->window));
  ui_app_free (app);
  pt_server_stop (server);
}

/* A learner without minutes is pointed to the Minutes page instead. */
static void
test_no_minutes (void)
{
  PtServer *server = pt_server_start (configure_instant, NULL);
  UiApp *app = ui_app_new (server);
  g_autofree char *token = pt_register (server, "no.minutes@example.org", "student", NULL);
  ParlaCallnowPage *page;

  ui_app_sign_in (app, "no.minutes@example.org", "correct horse battery");
  g_assert_true (parla_window_show_page (app->window, "callnow"));
  page = PARLA_CALLNOW_PAGE (parla_window_get_page (app->window, "callnow"));
  UI_WAIT_UNTIL (g_strcmp0 (parla_callnow_page_get_state (page), "no-minutes") == 0, WAIT_MS);
  g_assert_nonnull (ui_get (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Minutes Left"));
  g_assert_false (gtk_widget_is_sensitive (ui_get (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Call a Tutor Now")));

  /* "Get Minutes" leads to the Minutes page. */
  ui_click (ui_get (GTK_WIDGET (page), GTK_TYPE_BUTTON, "_Get Minutes"));
  g_assert_cmpstr (parla_window_get_visible_page_name (app->window), ==, "minutes");

  ui_app_free (app);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  /* The ring plays nowhere; the desktop's notifications are the stand-in. */
  g_setenv ("PARLA_AUDIO_SINK", "fakesink sync=true", TRUE);
  g_setenv ("GNOTIFICATION_BACKEND", "gtk", TRUE);
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/instant/call-now", test_call_now);
  g_test_add_func ("/ui/instant/no-minutes", test_no_minutes);
  g_test_add_func ("/ui/instant/ring", test_ring);

  return g_test_run ();
}
