/* test-schedule.c: My Schedule, the requests inbox and hosted sessions,
 * against a real server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "parla-format.h"
#include "parla-ics.h"
#include "pages/requests/parla-requests-page.h"
#include "pages/requests/parla-session-editor.h"
#include "pages/requests/parla-sessions-page.h"
#include "pages/schedule/parla-reschedule-dialog.h"
#include "pages/schedule/parla-schedule-page.h"
#include "ui-test-utils.h"

#define WAIT_MS 20000

static char *
login (PtServer   *server,
       const char *email,
       const char *password,
       char      **out_id)
{
  g_autofree char *body = pt_json ("{\"email\": \"%s\", \"password\": \"%s\"}", email, password);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  if (out_id != NULL)
    *out_id = g_strdup (pt_str (response, "user.id"));
  return g_strdup (pt_str (response, "token"));
}

/* An individual offering: paid and instant, or needing approval; of
 * @teacher_id when not NULL (the demo has several teachers, listed in no
 * fixed order). */
static char *
find_offering (PtServer   *server,
               const char *token,
               gboolean    approval,
               const char *teacher_id,
               char      **out_teacher_id,
               int        *out_duration)
{
  g_autofree char *path = teacher_id != NULL
    ? g_strdup_printf ("/api/v1/offerings?limit=100&teacher_id=%s", teacher_id)
    : g_strdup ("/api/v1/offerings?limit=100");
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, token, NULL, NULL);
  JsonArray *items;

  g_assert_cmpuint (response->status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (response->json), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *offering = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (offering, "session_type"), "individual") == 0 &&
          (teacher_id == NULL || g_strcmp0 (json_object_get_string_member (offering, "teacher_id"), teacher_id) == 0) &&
          json_object_get_boolean_member (offering, "requires_approval") == approval &&
          (approval || json_object_get_int_member (offering, "price_minor") > 0))
        {
          *out_teacher_id = g_strdup (json_object_get_string_member (offering, "teacher_id"));
          *out_duration = (int) json_object_get_int_member (offering, "duration_minutes");
          return g_strdup (json_object_get_string_member (offering, "id"));
        }
    }

  g_assert_not_reached ();
}

/* A free start of @teacher_id's, preferably between @from and @before. */
static gint64
find_slot (PtServer   *server,
           const char *token,
           const char *teacher_id,
           int         duration,
           gint64      from,
           gint64      before)
{
  g_autofree char *from_text = pt_instant (from);
  g_autofree char *to_text = pt_instant (from + 14 * 24 * 3600);
  g_autofree char *path = g_strdup_printf ("/api/v1/teachers/%s/availability?duration=%d&from=%s&to=%s",
                                           teacher_id, duration, from_text, to_text);
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, token, NULL, NULL);
  JsonArray *slots;
  gint64 first = 0;

  g_assert_cmpuint (response->status, ==, 200);
  slots = json_object_get_array_member (json_node_get_object (response->json), "slots");
  g_assert_cmpuint (json_array_get_length (slots), >, 0);

  for (guint i = 0; i < json_array_get_length (slots); i++)
    {
      gint64 start;

      g_assert_true (parla_time_parse_rfc3339 (json_object_get_string_member (json_array_get_object_element (slots, i),
                                                                              "start"),
                                               &start, NULL));
      if (first == 0)
        first = start;
      if (start < before)
        return start;
    }

  return first;
}

static char *
book (PtServer   *server,
      const char *token,
      const char *offering_id,
      gint64      start,
      const char *topic)
{
  g_autofree char *start_text = pt_instant (start);
  g_autofree char *body = pt_json ("{\"start\": \"%s\", \"topic\": \"%s\", \"message\": \"Hello, see you then!\"}",
                                   start_text, topic);
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s/book", offering_id);
  g_autoptr(PtResponse) response = pt_request (server, "POST", path, token, body, NULL);

  g_assert_cmpuint (response->status, ==, 201);
  return g_strdup (pt_str (response, "id"));
}

/* Completes the payment test mode's checkout of a paid booking. */
static void
pay (PtServer   *server,
     const char *token,
     const char *booking_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/payments/test-checkout/%s/complete", booking_id);
  g_autoptr(PtResponse) response = pt_request (server, "POST", path, token, "{}", NULL);

  g_assert_cmpuint (response->status / 100, ==, 2);
}

static PtResponse *
get_booking (PtServer   *server,
             const char *token,
             const char *booking_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s", booking_id);
  PtResponse *response = pt_request (server, "GET", path, token, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return response;
}

static GtkWindow *
find_toplevel (GType type)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (G_TYPE_CHECK_INSTANCE_TYPE (l->data, type) && gtk_widget_get_visible (l->data))
      return l->data;

  return NULL;
}

static void
on_exported_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GError **error = user_data;

  if (!parla_schedule_page_export_finish (PARLA_SCHEDULE_PAGE (object), result, error) && *error == NULL)
    g_assert_not_reached ();
  g_object_set_data (G_OBJECT (object), "exported", GINT_TO_POINTER (1));
}

static GtkWidget *
show_page (UiApp      *app,
           const char *name)
{
  GtkWidget *page = parla_window_get_page (app->window, name);

  g_assert_nonnull (page);
  g_assert_true (parla_window_show_page (app->window, name));
  return page;
}

static void
sign_out (UiApp *app)
{
  parla_context_sign_out_async (app->context, NULL, NULL, NULL);
  UI_WAIT_UNTIL (!parla_context_get_signed_in (app->context), WAIT_MS);
  UI_WAIT_UNTIL (g_strcmp0 (parla_window_get_visible_page_name (app->window), "sign-in") == 0, WAIT_MS);
  ui_spin (100);
}

static void
test_learner (void)
{
  PtServer *server = ui_server_start_demo ();
  g_autofree char *learner = login (server, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD, NULL);
  g_autofree char *teacher_id = NULL;
  g_autofree char *offering_id = NULL;
  g_autofree char *cancel_id = NULL;
  g_autofree char *move_id = NULL;
  g_autofree char *fresh_token = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int duration;
  UiApp *app;
  GtkWidget *window, *page, *row;
  GtkWindow *dialog;
  g_autofree char *shown = NULL;

  /* Two lessons booked through the API: one to cancel (preferably inside
   * the partial-refund window), one to move. */
  offering_id = find_offering (server, learner, FALSE, NULL, &teacher_id, &duration);
  cancel_id = book (server, learner, offering_id,
                    find_slot (server, learner, teacher_id, duration, now + 13 * 3600, now + 23 * 3600),
                    "Travel phrases");
  move_id = book (server, learner, offering_id,
                  find_slot (server, learner, teacher_id, duration, now + 3 * 24 * 3600, G_MAXINT64),
                  "Past tenses");
  pay (server, learner, cancel_id);
  pay (server, learner, move_id);

  app = ui_app_new (server);
  window = GTK_WIDGET (app->window);
  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);

  page = show_page (app, "schedule");
  UI_WAIT_UNTIL (parla_schedule_page_find_row (PARLA_SCHEDULE_PAGE (page), cancel_id) != NULL, WAIT_MS);
  g_assert_nonnull (parla_schedule_page_find_row (PARLA_SCHEDULE_PAGE (page), move_id));
  row = parla_schedule_page_find_row (PARLA_SCHEDULE_PAGE (page), cancel_id);
  ui_screenshot (GTK_WINDOW (window), "schedule");
  g_assert_nonnull (ui_get (row, GTK_TYPE_LABEL, "Confirmed"));

  /* Cancel: the dialog shows the refund before anything is sent, and it
   * is what the server then refunds. */
  gtk_widget_activate_action (page, "schedule.cancel", "s", cancel_id);
  UI_WAIT_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, WAIT_MS);
  ui_wait_drawn (GTK_WIDGET (dialog));
  shown = g_strdup (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)));
  ui_screenshot_as_is (dialog, "cancel-dialog");
  {
    g_autoptr(PtResponse) before = get_booking (server, learner, cancel_id);

    g_assert_cmpstr (pt_str (before, "status"), ==, "confirmed");
  }
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  UI_WAIT_UNTIL (parla_booking_get_status (parla_schedule_page_find_booking (PARLA_SCHEDULE_PAGE (page),
                                                                             cancel_id))
                 == PARLA_BOOKING_CANCELLED, WAIT_MS);
  {
    g_autoptr(PtResponse) after = get_booking (server, learner, cancel_id);
    g_autofree char *refund = parla_format_price (pt_int (after, "refund_minor"), pt_str (after, "currency"));
    ParlaBooking *booking = parla_schedule_page_find_booking (PARLA_SCHEDULE_PAGE (page), cancel_id);

    g_assert_cmpstr (pt_str (after, "status"), ==, "cancelled");
    g_test_message ("Shown: %s; refunded: %s", shown, refund);
    g_assert_nonnull (strstr (shown, refund));
    g_assert_cmpint (parla_booking_get_refund_minor (booking), ==, pt_int (after, "refund_minor"));
  }

  /* Reschedule: the same booking moves to the picked time. */
  gtk_widget_activate_action (page, "schedule.reschedule", "s", move_id);
  UI_WAIT_UNTIL ((dialog = find_toplevel (PARLA_TYPE_RESCHEDULE_DIALOG)) != NULL, WAIT_MS);
  UI_WAIT_UNTIL (!parla_reschedule_dialog_get_loading (PARLA_RESCHEDULE_DIALOG (dialog)), WAIT_MS);
  g_assert_cmpuint (parla_reschedule_dialog_get_n_slots (PARLA_RESCHEDULE_DIALOG (dialog)), >, 1);
  parla_reschedule_dialog_select_slot (PARLA_RESCHEDULE_DIALOG (dialog), 1);
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (dialog, "reschedule");
  {
    gint64 new_start = parla_reschedule_dialog_get_slot_start (PARLA_RESCHEDULE_DIALOG (dialog), 1);
    g_autoptr(PtResponse) after = NULL;
    gint64 start;

    gtk_widget_activate_action (GTK_WIDGET (dialog), "reschedule.confirm", NULL);
    UI_WAIT_UNTIL (parla_booking_get_start (parla_schedule_page_find_booking (PARLA_SCHEDULE_PAGE (page), move_id))
                   == new_start, WAIT_MS);
    UI_WAIT_UNTIL (find_toplevel (PARLA_TYPE_RESCHEDULE_DIALOG) == NULL, WAIT_MS);
    after = get_booking (server, learner, move_id);
    g_assert_true (parla_time_parse_rfc3339 (pt_str (after, "start"), &start, NULL));
    g_assert_cmpint (start, ==, new_start);
    g_assert_cmpstr (pt_str (after, "status"), ==, "confirmed");
  }

  /* Export: a calendar file that reads back with the lesson in it. */
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *dir = g_dir_make_tmp ("parla-ics-XXXXXX", &error);
    g_autofree char *path = g_build_filename (dir, "lessons.ics", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autofree char *contents = NULL;
    g_autoptr(GPtrArray) events = NULL;
    g_autofree char *uid = g_strdup_printf ("booking-%s@parla.app", move_id);
    g_autofree char *cancelled_uid = g_strdup_printf ("booking-%s@parla.app", cancel_id);
    ParlaBooking *booking = parla_schedule_page_find_booking (PARLA_SCHEDULE_PAGE (page), move_id);
    gboolean found = FALSE;

    g_assert_no_error (error);
    parla_schedule_page_export_async (PARLA_SCHEDULE_PAGE (page), file, NULL, NULL, on_exported_cb, &error);
    UI_WAIT_UNTIL (g_object_get_data (G_OBJECT (page), "exported") != NULL, WAIT_MS);
    g_assert_no_error (error);

    g_assert_true (g_file_get_contents (path, &contents, NULL, &error));
    g_assert_true (g_str_has_prefix (contents, "BEGIN:VCALENDAR\r\n"));
    events = parla_ics_parse (contents, &error);
    g_assert_no_error (error);
    for (guint i = 0; i < events->len; i++)
      {
        ParlaIcsEvent *event = g_ptr_array_index (events, i);

        /* The cancelled lesson is not upcoming any more. */
        g_assert_cmpstr (event->uid, !=, cancelled_uid);
        if (g_strcmp0 (event->uid, uid) != 0)
          continue;
        found = TRUE;
        g_assert_cmpint (event->start, ==, parla_booking_get_start (booking));
        g_assert_cmpint (event->end, ==, parla_booking_get_end (booking));
        g_assert_cmpstr (event->summary, ==, parla_booking_get_title (booking));
        g_assert_nonnull (strstr (event->description, "Topic: Past tenses"));
      }
    g_assert_true (found);

    g_unlink (path);
    g_rmdir (dir);
  }

  /* Somebody new: the empty state leads to Discover. */
  sign_out (app);
  fresh_token = pt_register (server, "fresh.learner@example.org", "student", NULL);
  ui_app_sign_in (app, "fresh.learner@example.org", "correct horse battery");
  page = show_page (app, "schedule");
  UI_WAIT_UNTIL (!parla_schedule_page_get_loading (PARLA_SCHEDULE_PAGE (page)), WAIT_MS);
  UI_WAIT_UNTIL (gtk_widget_get_mapped (ui_get (page, ADW_TYPE_STATUS_PAGE, "No lessons yet")), WAIT_MS);
  ui_screenshot (GTK_WINDOW (window), "schedule-empty");
  ui_click (ui_get (page, GTK_TYPE_BUTTON, "Discover Teachers"));
  UI_WAIT_UNTIL (g_strcmp0 (parla_window_get_visible_page_name (app->window), "discover") == 0, WAIT_MS);

  ui_app_free (app);
  pt_server_stop (server);
}

static void
test_teacher (void)
{
  PtServer *server = ui_server_start_demo ();
  g_autofree char *learner = login (server, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD, NULL);
  g_autofree char *teacher_id = NULL;
  g_autofree char *offering_id = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *session_id = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  int duration;
  UiApp *app;
  GtkWidget *window, *page, *row;
  GtkWindow *dialog;

  app = ui_app_new (server);
  window = GTK_WIDGET (app->window);
  ui_app_sign_in (app, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD);
  g_assert_true (parla_context_get_is_teacher (app->context));

  /* The demo's pending request is there. */
  page = show_page (app, "requests");
  UI_WAIT_UNTIL (!parla_requests_page_get_loading (PARLA_REQUESTS_PAGE (page)) &&
                 parla_requests_page_get_n_items (PARLA_REQUESTS_PAGE (page)) > 0, WAIT_MS);
  ui_screenshot (GTK_WINDOW (window), "requests");

  /* A learner asks through the API: the request appears by itself. */
  UI_WAIT_UNTIL (parla_realtime_get_state (parla_context_get_realtime (app->context)) == PARLA_REALTIME_CONNECTED,
                 WAIT_MS);
  offering_id = find_offering (server, learner, TRUE,
                               parla_user_get_id (parla_context_get_user (app->context)),
                               &teacher_id, &duration);
  request_id = book (server, learner, offering_id,
                     find_slot (server, learner, teacher_id, duration, now + 2 * 24 * 3600, G_MAXINT64),
                     "Job interview practice");
  pay (server, learner, request_id);
  UI_WAIT_UNTIL ((row = parla_requests_page_find_row (PARLA_REQUESTS_PAGE (page), request_id)) != NULL, WAIT_MS);
  g_assert_nonnull (ui_get (row, GTK_TYPE_LABEL, "Topic: Job interview practice"));
  g_assert_nonnull (ui_get (row, GTK_TYPE_LABEL, "Alex Learner"));

  /* Accept it: the learner's booking is confirmed. */
  ui_click (ui_get (row, GTK_TYPE_BUTTON, "Accept"));
  UI_WAIT_UNTIL (parla_requests_page_find_row (PARLA_REQUESTS_PAGE (page), request_id) == NULL, WAIT_MS);
  {
    g_autoptr(PtResponse) booking = get_booking (server, learner, request_id);

    g_assert_cmpstr (pt_str (booking, "status"), ==, "confirmed");
  }

  /* Decline the rest, with a reason: the inbox empties. */
  while (parla_requests_page_get_n_items (PARLA_REQUESTS_PAGE (page)) > 0)
    {
      guint before = parla_requests_page_get_n_items (PARLA_REQUESTS_PAGE (page));
      GtkWidget *first = ui_find_nth_of_type (page, GTK_TYPE_LIST_BOX_ROW, 0);

      ui_click (ui_get (first, GTK_TYPE_BUTTON, "Decline…"));
      UI_WAIT_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, WAIT_MS);
      gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (ui_find_nth_of_type (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, 0))),
                                "I am away that week.", -1);
      adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "decline");
      UI_WAIT_UNTIL (parla_requests_page_get_n_items (PARLA_REQUESTS_PAGE (page)) < before, WAIT_MS);
    }
  UI_WAIT_UNTIL (gtk_widget_get_mapped (ui_get (page, ADW_TYPE_STATUS_PAGE, "No Requests")), WAIT_MS);
  ui_screenshot (GTK_WINDOW (window), "requests-empty");

  /* Sessions: the accepted lesson and the demo's group sessions. */
  page = show_page (app, "sessions");
  UI_WAIT_UNTIL (!parla_sessions_page_get_loading (PARLA_SESSIONS_PAGE (page)), WAIT_MS);
  UI_WAIT_UNTIL (ui_find_nth_of_type (page, ADW_TYPE_ACTION_ROW, 0) != NULL, WAIT_MS);
  ui_screenshot (GTK_WINDOW (window), "sessions");

  /* A new group session. */
  gtk_widget_activate_action (page, "sessions.create", NULL);
  UI_WAIT_UNTIL ((dialog = find_toplevel (PARLA_TYPE_SESSION_EDITOR)) != NULL, WAIT_MS);
  ui_type (ui_get (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Title"), "Tertulia de los viernes");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (ui_find_nth_of_type (GTK_WIDGET (dialog), GTK_TYPE_SPIN_BUTTON, 0)), 90);
  {
    /* After the demo's sessions, early: Dana is free then. */
    g_autoptr(GDateTime) today = g_date_time_new_now (parla_context_get_time_zone (app->context));
    g_autoptr(GDateTime) later = g_date_time_add_days (today, 20);

    gtk_calendar_select_day (GTK_CALENDAR (ui_find_nth_of_type (GTK_WIDGET (dialog), GTK_TYPE_CALENDAR, 0)), later);
    ui_type (ui_get (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Start Time (HH:MM)"), "07:30");
  }
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (dialog, "session-editor");
  gtk_widget_activate_action (GTK_WIDGET (dialog), "editor.save", NULL);
  UI_WAIT_UNTIL (ui_find (page, ADW_TYPE_ACTION_ROW, "Tertulia de los viernes") != NULL, WAIT_MS);
  UI_WAIT_UNTIL (find_toplevel (PARLA_TYPE_SESSION_EDITOR) == NULL, WAIT_MS);
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/sessions?host_id=%s&q=Tertulia", teacher_id);
    g_autoptr(PtResponse) sessions = pt_request (server, "GET", path, learner, NULL, NULL);

    g_assert_cmpuint (sessions->status, ==, 200);
    g_assert_cmpint (pt_int (sessions, "total"), ==, 1);
    g_assert_cmpstr (pt_str (sessions, "items[0].title"), ==, "Tertulia de los viernes");
    g_assert_cmpint (pt_int (sessions, "items[0].duration_minutes"), ==, 90);
    g_assert_cmpstr (pt_str (sessions, "items[0].type"), ==, "group");
    session_id = g_strdup (pt_str (sessions, "items[0].id"));
  }

  /* Move it an hour later: the same session, at the new time. */
  {
    ParlaSession *session = parla_sessions_page_find_session (PARLA_SESSIONS_PAGE (page), session_id);
    gint64 before = parla_session_get_start (session);
    g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s", session_id);
    g_autoptr(PtResponse) moved = NULL;
    gint64 start;

    gtk_widget_activate_action (page, "sessions.reschedule", "s", session_id);
    UI_WAIT_UNTIL ((dialog = find_toplevel (PARLA_TYPE_SESSION_EDITOR)) != NULL, WAIT_MS);
    ui_type (ui_get (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Start Time (HH:MM)"), "08:30");
    gtk_widget_activate_action (GTK_WIDGET (dialog), "editor.save", NULL);
    UI_WAIT_UNTIL (find_toplevel (PARLA_TYPE_SESSION_EDITOR) == NULL, WAIT_MS);
    UI_WAIT_UNTIL ((session = parla_sessions_page_find_session (PARLA_SESSIONS_PAGE (page), session_id)) != NULL &&
                   parla_session_get_start (session) == before + 3600, WAIT_MS);
    moved = pt_request (server, "GET", path, learner, NULL, NULL);
    g_assert_true (parla_time_parse_rfc3339 (pt_str (moved, "start"), &start, NULL));
    g_assert_cmpint (start, ==, before + 3600);
  }

  /* Cancel a session with seats taken: the dialog says how many learners
   * are refunded, and the server cancels it. */
  {
    g_autofree char *path = g_strdup_printf ("/api/v1/sessions?host_id=%s&limit=100", teacher_id);
    g_autoptr(PtResponse) sessions = pt_request (server, "GET", path, learner, NULL, NULL);
    g_autoptr(PtResponse) cancelled = NULL;
    g_autofree char *booked_id = NULL;
    g_autofree char *expected = NULL;
    g_autofree char *session_path = NULL;
    JsonArray *items = json_object_get_array_member (json_node_get_object (sessions->json), "items");
    gint64 booked = 0;

    for (guint i = 0; i < json_array_get_length (items) && booked_id == NULL; i++)
      {
        JsonObject *item = json_array_get_object_element (items, i);

        booked = json_object_get_int_member (item, "capacity") - json_object_get_int_member (item, "seats_left");
        if (booked > 1)
          booked_id = g_strdup (json_object_get_string_member (item, "id"));
      }
    g_assert_nonnull (booked_id);

    gtk_widget_activate_action (page, "sessions.cancel", "s", booked_id);
    UI_WAIT_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, WAIT_MS);
    expected = g_strdup_printf ("%d learners are booked and will be refunded in full.", (int) booked);
    g_assert_cmpstr (adw_message_dialog_get_body (ADW_MESSAGE_DIALOG (dialog)), ==, expected);
    adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
    UI_WAIT_UNTIL (parla_sessions_page_find_session (PARLA_SESSIONS_PAGE (page), booked_id) == NULL, WAIT_MS);
    session_path = g_strdup_printf ("/api/v1/sessions/%s", booked_id);
    cancelled = pt_request (server, "GET", session_path, learner, NULL, NULL);
    g_assert_cmpstr (pt_str (cancelled, "status"), ==, "cancelled");
  }

  ui_app_free (app);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/schedule/learner", test_learner);
  g_test_add_func ("/ui/schedule/teacher", test_teacher);

  return g_test_run ();
}
