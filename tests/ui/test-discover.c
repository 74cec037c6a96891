/* test-discover.c: the learner's Discover page, a teacher's profile and
 * booking, against a real server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-booking-dialog.h"
#include "parla-discover-page.h"
#include "parla-format.h"
#include "parla-teacher-profile.h"
#include "ui-test-utils.h"

#define WAIT_MS 20000

static char *
login (PtServer   *server,
       const char *email)
{
  g_autofree char *body = pt_json ("{\"email\": \"%s\", \"password\": \"%s\"}", email, UI_DEMO_PASSWORD);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return g_strdup (pt_str (response, "token"));
}

static GtkWidget *
get_discover (UiApp *app)
{
  GtkWidget *page = parla_window_get_page (app->window, "discover");

  g_assert_nonnull (page);
  g_assert_true (PARLA_IS_DISCOVER_PAGE (page));
  return page;
}

static void
wait_loaded (GtkWidget *page)
{
  /* Filters search a moment after the last change: start now. */
  gtk_widget_activate_action (page, "page.reload", NULL);
  UI_WAIT_UNTIL (!parla_discover_page_get_loading (PARLA_DISCOVER_PAGE (page)), WAIT_MS);
}

/* The titles of the visible rows of a list box, in order. */
static GPtrArray *
row_titles (GtkWidget *list)
{
  GPtrArray *titles = g_ptr_array_new_with_free_func (g_free);

  g_assert_true (GTK_IS_LIST_BOX (list));
  for (GtkWidget *row = gtk_widget_get_first_child (list); row != NULL; row = gtk_widget_get_next_sibling (row))
    if (ADW_IS_PREFERENCES_ROW (row) && gtk_widget_get_visible (row))
      g_ptr_array_add (titles, g_strdup (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row))));

  return titles;
}

/* The list of what the server answers @path with, by @member. */
static GPtrArray *
server_titles (PtServer   *server,
               const char *token,
               const char *path,
               const char *member)
{
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, token, NULL, NULL);
  GPtrArray *titles = g_ptr_array_new_with_free_func (g_free);
  JsonArray *items;

  g_assert_cmpuint (response->status, ==, 200);
  items = json_node_get_array (pt_json_get (response->json, "items"));
  for (guint i = 0; i < json_array_get_length (items); i++)
    g_ptr_array_add (titles, g_strdup (json_object_get_string_member (json_array_get_object_element (items, i), member)));

  return titles;
}

static void
assert_same_titles (GPtrArray *shown,
                    GPtrArray *expected)
{
  g_assert_cmpuint (shown->len, ==, expected->len);
  for (guint i = 0; i < shown->len; i++)
    g_assert_cmpstr (g_ptr_array_index (shown, i), ==, g_ptr_array_index (expected, i));
}

static GtkWidget *
teachers_list (GtkWidget *page)
{
  return gtk_widget_get_next_sibling (ui_get (page, GTK_TYPE_LABEL, "Teachers"));
}

static GtkWidget *
sessions_list (GtkWidget *page)
{
  return gtk_widget_get_next_sibling (ui_get (page, GTK_TYPE_LABEL, "Scheduled Sessions"));
}

static ParlaBookingDialog *
find_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);

      if (PARLA_IS_BOOKING_DIALOG (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return PARLA_BOOKING_DIALOG (window);
    }

  return NULL;
}

static void
close_dialog (ParlaBookingDialog *dialog)
{
  GtkWidget *widget = GTK_WIDGET (dialog);

  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &widget);
  gtk_window_destroy (GTK_WINDOW (dialog));
  UI_WAIT_UNTIL (widget == NULL, WAIT_MS);
}

/* What the results area shows: loading, error, empty or results. */
static const char *
results_state (GtkWidget *page)
{
  GtkWidget *stack = gtk_widget_get_ancestor (ui_get (page, GTK_TYPE_LABEL, "Teachers"), GTK_TYPE_STACK);

  return gtk_stack_get_visible_child_name (GTK_STACK (stack));
}

static void
test_search (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWindow *window = GTK_WINDOW (app->window);
  g_autofree char *token = NULL;
  GtkWidget *page;
  GtkWidget *search;
  GtkWidget *focus;
  g_autoptr(GPtrArray) shown = NULL;
  g_autoptr(GPtrArray) expected = NULL;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  token = login (server, UI_LEARNER_EMAIL);

  /* Discover comes first for a learner, and searches everything. */
  g_assert_cmpstr (parla_window_get_visible_page_name (app->window), ==, "discover");
  page = get_discover (app);
  UI_WAIT_UNTIL (!parla_discover_page_get_loading (PARLA_DISCOVER_PAGE (page)), WAIT_MS);

  shown = row_titles (teachers_list (page));
  expected = server_titles (server, token, "/api/v1/teachers?page=1&limit=20", "display_name");
  g_assert_cmpuint (shown->len, >, 0);
  assert_same_titles (shown, expected);
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&expected, g_ptr_array_unref);

  shown = row_titles (sessions_list (page));
  expected = server_titles (server, token, "/api/v1/sessions?page=1&limit=20", "title");
  g_assert_cmpuint (shown->len, >, 0);
  assert_same_titles (shown, expected);
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&expected, g_ptr_array_unref);
  ui_wait_drawn (page);
  ui_screenshot (window, "discover");

  /* Ctrl+F reaches the search entry. */
  search = ui_get (page, GTK_TYPE_SEARCH_ENTRY, NULL);
  gtk_widget_activate_action (GTK_WIDGET (window), "win.search", NULL);
  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (focus == search || gtk_widget_is_ancestor (focus, search));

  /* Spanish at B1, searched for a word: the same as the server's answer
   * to the same query. */
  ui_click (ui_get (page, GTK_TYPE_TOGGLE_BUTTON, NULL));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_nth_of_type (page, GTK_TYPE_DROP_DOWN, 0)), 1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_nth_of_type (page, GTK_TYPE_DROP_DOWN, 1)), 3);
  ui_type (search, "conversation");
  wait_loaded (page);

  shown = row_titles (teachers_list (page));
  expected = server_titles (server, token,
                            "/api/v1/teachers?q=conversation&language=es&level=B1&page=1&limit=20",
                            "display_name");
  assert_same_titles (shown, expected);
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&expected, g_ptr_array_unref);
  shown = row_titles (sessions_list (page));
  expected = server_titles (server, token,
                            "/api/v1/sessions?q=conversation&language=es&level=B1&page=1&limit=20",
                            "title");
  assert_same_titles (shown, expected);
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&expected, g_ptr_array_unref);
  g_assert_cmpstr (results_state (page), ==, "results");
  ui_wait_drawn (page);
  ui_screenshot (window, "discover-filtered");

  /* Free only, 1:1 lessons only: no sessions asked for, teachers as the
   * server has them. */
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_nth_of_type (page, GTK_TYPE_DROP_DOWN, 2)), 1);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_nth_of_type (page, GTK_TYPE_DROP_DOWN, 3)), 1);
  gtk_editable_set_text (GTK_EDITABLE (search), "");
  wait_loaded (page);
  shown = row_titles (teachers_list (page));
  expected = server_titles (server, token, "/api/v1/teachers?language=es&level=B1&free=true&page=1&limit=20",
                            "display_name");
  assert_same_titles (shown, expected);
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&expected, g_ptr_array_unref);
  shown = row_titles (sessions_list (page));
  g_assert_cmpuint (shown->len, ==, 0);
  g_clear_pointer (&shown, g_ptr_array_unref);

  /* A price range: teachers with an offering in it, and sessions in it,
   * as the server says. */
  gtk_widget_activate_action (page, "discover.reset-filters", NULL);
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_nth_of_type (page, GTK_TYPE_DROP_DOWN, 4)), 2);
  wait_loaded (page);
  shown = row_titles (teachers_list (page));
  expected = server_titles (server, token, "/api/v1/teachers?min_price=1000&max_price=2500&page=1&limit=20",
                            "display_name");
  assert_same_titles (shown, expected);
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&expected, g_ptr_array_unref);
  shown = row_titles (sessions_list (page));
  expected = server_titles (server, token, "/api/v1/sessions?min_price=1000&max_price=2500&page=1&limit=20",
                            "title");
  g_assert_cmpuint (expected->len, >, 0);
  assert_same_titles (shown, expected);
  g_clear_pointer (&shown, g_ptr_array_unref);
  g_clear_pointer (&expected, g_ptr_array_unref);

  /* "Has a slot this week": teachers with a free time in the next seven
   * days only, and sessions starting in them. */
  gtk_widget_activate_action (page, "discover.reset-filters", NULL);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (ui_get (page, GTK_TYPE_CHECK_BUTTON, "Has a slot this week")), TRUE);
  wait_loaded (page);
  {
    gint64 week_end = g_get_real_time () / G_USEC_PER_SEC + 7 * 24 * 3600;
    guint n_teachers = 0;
    guint n_sessions = 0;

    for (GtkWidget *child = gtk_widget_get_first_child (teachers_list (page)); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (gtk_widget_get_visible (child))
        {
          g_assert_true (g_str_has_prefix (gtk_label_get_text (g_object_get_data (G_OBJECT (child), "badge")),
                                           "Next free time"));
          n_teachers++;
        }
    for (GtkWidget *child = gtk_widget_get_first_child (sessions_list (page)); child != NULL;
         child = gtk_widget_get_next_sibling (child))
      {
        ParlaSession *session = g_object_get_data (G_OBJECT (child), "session");

        g_assert_cmpint (parla_session_get_start (session), <, week_end);
        n_sessions++;
      }
    g_assert_cmpuint (n_teachers + n_sessions, >, 0);
  }

  /* Nothing matches: the empty state, and a way out of it. */
  ui_type (search, "xylophone quartz zebra");
  ui_click (ui_get (page, GTK_TYPE_TOGGLE_BUTTON, NULL));
  wait_loaded (page);
  g_assert_cmpstr (results_state (page), ==, "empty");
  ui_get (page, ADW_TYPE_STATUS_PAGE, "No Results");
  ui_wait_drawn (page);
  ui_screenshot (window, "discover-empty");

  gtk_widget_activate_action (page, "discover.reset-filters", NULL);
  UI_WAIT_UNTIL (!parla_discover_page_get_loading (PARLA_DISCOVER_PAGE (page)), WAIT_MS);
  g_assert_cmpstr (results_state (page), ==, "results");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (search)), ==, "");

  ui_app_free (app);
  pt_server_stop (server);
}

/* The id of a demo teacher's offering with the given approval rule. */
static char *
find_offering (PtServer    *server,
               const char  *teacher_id,
               gboolean     requires_approval,
               char       **out_title)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings?teacher_id=%s&session_type=individual", teacher_id);
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, NULL, NULL, NULL);
  JsonArray *items;

  g_assert_cmpuint (response->status, ==, 200);
  items = json_node_get_array (pt_json_get (response->json, "items"));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *offering = json_array_get_object_element (items, i);

      if (json_object_get_boolean_member (offering, "requires_approval") == requires_approval)
        {
          *out_title = g_strdup (json_object_get_string_member (offering, "title"));
          return g_strdup (json_object_get_string_member (offering, "id"));
        }
    }

  g_error ("No offering of %s with requires_approval %d", teacher_id, requires_approval);
}

static ParlaBookingDialog *
open_offering (GtkWidget  *profile,
               const char *title)
{
  GtkWidget *row = ui_get (profile, ADW_TYPE_EXPANDER_ROW, title);
  ParlaBookingDialog *dialog;

  ui_click (ui_get (row, GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, WAIT_MS);
  UI_WAIT_UNTIL (gtk_widget_is_sensitive (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book")), WAIT_MS);

  return dialog;
}

static void
test_book_lesson (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWindow *window = GTK_WINDOW (app->window);
  g_autofree char *token = NULL;
  g_autofree char *teacher_token = NULL;
  g_autofree char *teacher_id = NULL;
  g_autofree char *instant_id = NULL;
  g_autofree char *instant_title = NULL;
  g_autofree char *approval_id = NULL;
  g_autofree char *approval_title = NULL;
  g_autofree char *path = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *third_token = NULL;
  g_autofree char *body = NULL;
  g_autofree char *start_text = NULL;
  g_autoptr(PtResponse) response = NULL;
  g_autoptr(PtResponse) taken = NULL;
  ParlaBookingDialog *dialog;
  ParlaBooking *booking;
  GtkWidget *page;
  GtkWidget *profile;
  GtkWidget *row = NULL;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  token = login (server, UI_LEARNER_EMAIL);
  teacher_token = login (server, UI_TEACHER_EMAIL);
  response = pt_request (server, "GET", "/api/v1/me", teacher_token, NULL, NULL);
  teacher_id = g_strdup (pt_str (response, "id"));
  g_clear_pointer (&response, pt_response_free);
  instant_id = find_offering (server, teacher_id, FALSE, &instant_title);
  approval_id = find_offering (server, teacher_id, TRUE, &approval_title);

  page = get_discover (app);
  UI_WAIT_UNTIL (!parla_discover_page_get_loading (PARLA_DISCOVER_PAGE (page)), WAIT_MS);

  /* Open the demo teacher from the results. */
  response = pt_request (server, "GET", "/api/v1/me", teacher_token, NULL, NULL);
  for (GtkWidget *child = gtk_widget_get_first_child (teachers_list (page)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (ADW_IS_PREFERENCES_ROW (child) &&
        g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (child)),
                   pt_str (response, "display_name")) == 0)
      row = child;
  g_assert_nonnull (row);
  g_clear_pointer (&response, pt_response_free);
  ui_click (row);

  profile = ui_get (page, PARLA_TYPE_TEACHER_PROFILE, NULL);
  UI_WAIT_UNTIL (gtk_widget_get_mapped (profile), WAIT_MS);
  g_assert_cmpstr (parla_teacher_profile_get_teacher_id (PARLA_TEACHER_PROFILE (profile)), ==, teacher_id);
  UI_WAIT_UNTIL (!parla_teacher_profile_get_loading (PARLA_TEACHER_PROFILE (profile)), WAIT_MS);
  ui_get (profile, ADW_TYPE_EXPANDER_ROW, instant_title);
  ui_get (profile, ADW_TYPE_EXPANDER_ROW, approval_title);
  ui_wait_drawn (profile);
  ui_screenshot (window, "teacher-profile");
  {
    /* Further down: the offerings, with materials, and the free times. */
    GtkWidget *offering = ui_get (profile, ADW_TYPE_EXPANDER_ROW, approval_title);

    GtkWidget *scrolled = gtk_widget_get_ancestor (offering, GTK_TYPE_SCROLLED_WINDOW);
    GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
    graphene_point_t top;

    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (offering), TRUE);
    ui_wait_drawn (profile);
    g_assert_true (gtk_widget_compute_point (offering, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                             &GRAPHENE_POINT_INIT (0, 0), &top));
    gtk_adjustment_set_value (adjustment, top.y - 120);
    ui_wait_drawn (profile);
    ui_screenshot (window, "teacher-profile-offerings");
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (offering), FALSE);
    ui_wait_drawn (profile);
    gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));
    ui_wait_drawn (profile);
    ui_screenshot (window, "teacher-profile-slots");
  }

  /* Escape goes back to the results, and the teacher can be opened again. */
  gtk_widget_activate_action (page, "discover.back", NULL);
  UI_WAIT_UNTIL (!gtk_widget_get_child_visible (profile) || !gtk_widget_get_mapped (profile), WAIT_MS);
  parla_discover_page_show_teacher (PARLA_DISCOVER_PAGE (page), teacher_id);
  UI_WAIT_UNTIL (gtk_widget_get_mapped (profile), WAIT_MS);

  /* An instant lesson, with a topic and a message: confirmed, and on the
   * server as the learner asked. */
  dialog = open_offering (profile, instant_title);
  ui_type (ui_get (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Suggest a topic"), "Ordering tapas");
  ui_type (ui_get (GTK_WIDGET (dialog), ADW_TYPE_ENTRY_ROW, "Message to the teacher"), "First lesson!");
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-dialog");
  ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL ((booking = parla_booking_dialog_get_booking (dialog)) != NULL, WAIT_MS);
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_CONFIRMED);
  ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Booking Confirmed");
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-confirmed");

  path = g_strdup_printf ("/api/v1/bookings/%s", parla_booking_get_id (booking));
  response = pt_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_assert_cmpstr (pt_str (response, "status"), ==, "confirmed");
  g_assert_cmpstr (pt_str (response, "offering_id"), ==, instant_id);
  g_assert_cmpstr (pt_str (response, "topic"), ==, "Ordering tapas");
  g_assert_cmpstr (pt_str (response, "message"), ==, "First lesson!");
  g_clear_pointer (&response, pt_response_free);
  g_clear_pointer (&path, g_free);
  close_dialog (dialog);

  /* A paid lesson that needs the teacher's approval: held for payment,
   * pending once paid, then confirmed, each live, as the learner pays and
   * the teacher accepts through the API. */
  dialog = open_offering (profile, approval_title);
  ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL ((booking = parla_booking_dialog_get_booking (dialog)) != NULL, WAIT_MS);
  if (parla_booking_get_status (booking) == PARLA_BOOKING_PAYMENT_PENDING)
    {
      ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Waiting for Payment");
      ui_wait_drawn (GTK_WIDGET (dialog));
      ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-payment");
      path = g_strdup_printf ("/api/v1/payments/test-checkout/%s/complete", parla_booking_get_id (booking));
      response = pt_request (server, "POST", path, token, "{}", NULL);
      g_assert_cmpuint (response->status, ==, 200);
      g_clear_pointer (&response, pt_response_free);
      g_clear_pointer (&path, g_free);
      UI_WAIT_UNTIL (parla_booking_get_status (booking = parla_booking_dialog_get_booking (dialog)) != PARLA_BOOKING_PAYMENT_PENDING,
                     WAIT_MS);
    }
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_PENDING);
  ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Waiting for the Teacher");
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-pending");

  path = g_strdup_printf ("/api/v1/bookings/%s/accept", parla_booking_get_id (booking));
  response = pt_request (server, "POST", path, teacher_token, "{}", NULL);
  g_assert_cmpuint (response->status, ==, 200);
  g_clear_pointer (&response, pt_response_free);
  g_clear_pointer (&path, g_free);
  UI_WAIT_UNTIL (parla_booking_get_status (parla_booking_dialog_get_booking (dialog)) == PARLA_BOOKING_CONFIRMED,
                 WAIT_MS);
  ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Booking Confirmed");
  close_dialog (dialog);

  /* Someone else takes the chosen time first: the server refuses, the
   * dialog says why and offers the times still free. */
  dialog = open_offering (profile, instant_title);
  other_token = pt_register (server, "other.learner@example.org", "student", NULL);
  third_token = pt_register (server, "third.learner@example.org", "student", NULL);
  start_text = pt_instant (parla_booking_dialog_get_start (dialog));
  path = g_strdup_printf ("/api/v1/offerings/%s/book", instant_id);
  body = pt_json ("{\"start\": \"%s\"}", start_text);
  response = pt_request (server, "POST", path, other_token, body, NULL);
  g_assert_cmpuint (response->status, ==, 201);
  g_clear_pointer (&response, pt_response_free);
  taken = pt_request (server, "POST", path, third_token, body, NULL);
  g_assert_cmpuint (taken->status, ==, 409);

  ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL (ui_find (GTK_WIDGET (dialog), GTK_TYPE_LABEL, pt_str (taken, "error.message")) != NULL, WAIT_MS);
  g_assert_null (parla_booking_dialog_get_booking (dialog));
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-refused");
  close_dialog (dialog);

  /* Offline: the booking goes into the outbox, the dialog says it will be
   * sent, and the outbox delivers it once it can. */
  {
    g_autoptr(GError) offline = g_error_new_literal (PARLA_ERROR, PARLA_ERROR_NETWORK, "Cannot reach the server");
    g_autofree char *queued_start = NULL;
    gboolean delivered = FALSE;

    dialog = open_offering (profile, instant_title);
    queued_start = pt_instant (parla_booking_dialog_get_start (dialog));
    parla_realtime_stop (parla_context_get_realtime (app->context));
    parla_context_report_offline (app->context, offline);
    g_assert_false (parla_context_get_online (app->context));
    ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
    g_assert_true (parla_booking_dialog_get_queued (dialog));
    g_assert_null (parla_booking_dialog_get_booking (dialog));
    ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Will Be Sent When Back Online");
    ui_wait_drawn (GTK_WIDGET (dialog));
    ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-queued");
    close_dialog (dialog);
    g_assert_cmpuint (parla_outbox_get_count (parla_context_get_outbox (app->context)), ==, 1);

    /* Back online. */
    parla_realtime_start (parla_context_get_realtime (app->context));
    UI_WAIT_UNTIL (parla_context_get_online (app->context), WAIT_MS);
    for (gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND; !delivered;)
      {
        g_autoptr(PtResponse) mine = pt_request (server, "GET", "/api/v1/me/bookings?limit=100", token, NULL, NULL);
        JsonArray *items = json_node_get_array (pt_json_get (mine->json, "items"));

        for (guint i = 0; i < json_array_get_length (items); i++)
          {
            JsonObject *item = json_array_get_object_element (items, i);

            if (g_strcmp0 (json_object_get_string_member (item, "offering_id"), instant_id) == 0 &&
                g_strcmp0 (json_object_get_string_member (item, "start"), queued_start) == 0)
              delivered = TRUE;
          }
        if (!delivered)
          {
            g_assert_cmpint (g_get_monotonic_time (), <, deadline);
            ui_spin (100);
          }
      }
    UI_WAIT_UNTIL (parla_outbox_get_count (parla_context_get_outbox (app->context)) == 0, WAIT_MS);
  }

  ui_app_free (app);
  pt_server_stop (server);
}

static void
test_book_seat (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWindow *window = GTK_WINDOW (app->window);
  g_autofree char *token = NULL;
  g_autofree char *other_token = NULL;
  g_autofree char *path = NULL;
  g_autofree char *booking_id = NULL;
  g_autoptr(PtResponse) response = NULL;
  ParlaBookingDialog *dialog;
  ParlaBooking *booking;
  ParlaSession *session = NULL;
  GtkWidget *page;
  GtkWidget *row = NULL;
  GtkWidget *button = NULL;
  int seats_before;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  token = login (server, UI_LEARNER_EMAIL);
  page = get_discover (app);
  UI_WAIT_UNTIL (!parla_discover_page_get_loading (PARLA_DISCOVER_PAGE (page)), WAIT_MS);

  /* A free session with at least two seats left that the learner has no
   * seat in (a paid seat waits for payment first, as lessons do). */
  for (GtkWidget *child = gtk_widget_get_first_child (sessions_list (page)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      ParlaSession *candidate = g_object_get_data (G_OBJECT (child), "session");

      button = ui_find (child, GTK_TYPE_BUTTON, "Book");
      if (candidate != NULL && button != NULL && gtk_widget_is_sensitive (button) &&
          parla_session_get_seats_left (candidate) >= 2 &&
          parla_session_get_price_minor (candidate) == 0)
        {
          row = child;
          session = candidate;
          break;
        }
    }
  g_assert_nonnull (row);
  seats_before = parla_session_get_seats_left (session);
  path = g_strdup_printf ("/api/v1/sessions/%s", parla_session_get_id (session));

  ui_click (button);
  UI_WAIT_UNTIL ((dialog = find_dialog ()) != NULL, WAIT_MS);
  ui_get (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, parla_session_get_title (session));
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-seat");
  ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL ((booking = parla_booking_dialog_get_booking (dialog)) != NULL, WAIT_MS);
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_CONFIRMED);
  g_assert_cmpstr (parla_booking_get_session_id (booking), ==, parla_session_get_id (session));
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-seat-confirmed");
  booking_id = g_strdup (parla_booking_get_id (booking));
  close_dialog (dialog);

  /* The seat is on the server, and the row says so. */
  response = pt_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpint (pt_int (response, "seats_left"), ==, seats_before - 1);
  g_assert_cmpstr (pt_str (response, "my_booking_id"), ==, booking_id);
  g_clear_pointer (&response, pt_response_free);
  UI_WAIT_UNTIL (parla_session_get_seats_left (session) == seats_before - 1, WAIT_MS);
  ui_get (row, GTK_TYPE_LABEL, "You have a seat");
  g_assert_false (gtk_widget_is_sensitive (ui_get (row, GTK_TYPE_BUTTON, "Book")));

  /* Another learner takes a seat through the API: the count drops live. */
  other_token = pt_register (server, "seat.taker@example.org", "student", NULL);
  {
    g_autofree char *book_path = g_strdup_printf ("%s/book", path);

    response = pt_request (server, "POST", book_path, other_token, NULL, NULL);
    g_assert_cmpuint (response->status, ==, 201);
    g_clear_pointer (&response, pt_response_free);
  }
  UI_WAIT_UNTIL (parla_session_get_seats_left (session) == seats_before - 2, WAIT_MS);
  response = pt_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpint (pt_int (response, "seats_left"), ==, parla_session_get_seats_left (session));

  /* Only the kind of session taken, to see it at the top. */
  ui_click (ui_get (page, GTK_TYPE_TOGGLE_BUTTON, NULL));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (ui_find_nth_of_type (page, GTK_TYPE_DROP_DOWN, 2)),
                              2 + parla_session_get_session_type (session));
  wait_loaded (page);
  ui_click (ui_get (page, GTK_TYPE_TOGGLE_BUTTON, NULL));
  ui_wait_drawn (page);
  ui_screenshot (window, "discover-seats-live");

  ui_app_free (app);
  pt_server_stop (server);
}

static void
configure_demo_policy (ParlaServerConfig *config,
                       gpointer           user_data)
{
  /* Not the built-in defaults, so that the dialog can only show the
   * server's. */
  config->demo = TRUE;
  config->policy->full_refund_hours = 36;
  config->policy->partial_refund_hours = 6;
  config->policy->partial_refund_bp = 2500;
}

static guint
count_reviews (GtkWidget *profile)
{
  guint n = 0;

  for (guint i = 0; ; i++)
    {
      GtkWidget *row = ui_find_nth_of_type (profile, ADW_TYPE_ACTION_ROW, i);

      if (row == NULL)
        return n;
      if (gtk_widget_has_css_class (row, "review"))
        n++;
    }
}

static GtkWidget *
nth_review (GtkWidget *profile,
            guint      nth)
{
  for (guint i = 0; ; i++)
    {
      GtkWidget *row = ui_find_nth_of_type (profile, ADW_TYPE_ACTION_ROW, i);

      if (row == NULL)
        return NULL;
      if (gtk_widget_has_css_class (row, "review") && nth-- == 0)
        return row;
    }
}

static void
scroll_to (GtkWidget *widget)
{
  GtkWidget *scrolled = gtk_widget_get_ancestor (widget, GTK_TYPE_SCROLLED_WINDOW);
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t top;

  ui_wait_drawn (widget);
  g_assert_true (gtk_widget_compute_point (widget, gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled)),
                                           &GRAPHENE_POINT_INIT (0, 0), &top));
  gtk_adjustment_set_value (adjustment, top.y - 12);
  ui_wait_drawn (widget);
}

/* The profile lists what learners wrote, as the server has it, a page at a
 * time; the booking dialog shows the server's cancellation policy, with
 * the refund of each tier; the booking keeps the learner's time zone. */
static void
test_reviews_and_policy (void)
{
  PtServer *server = pt_server_start (configure_demo_policy, NULL);
  UiApp *app = ui_app_new (server);
  GtkWindow *window = GTK_WINDOW (app->window);
  g_autofree char *token = NULL;
  g_autofree char *teacher_token = NULL;
  g_autofree char *teacher_id = NULL;
  g_autofree char *approval_id = NULL;
  g_autofree char *approval_title = NULL;
  g_autofree char *path = NULL;
  g_autofree char *unreviewed_id = NULL;
  g_autoptr(PtResponse) response = NULL;
  g_autoptr(PtResponse) reviews = NULL;
  ParlaBookingDialog *dialog;
  ParlaBooking *booking;
  GtkWidget *page;
  GtkWidget *profile;
  GtkWidget *more;
  GtkWidget *policy_row;
  const char *policy;
  JsonArray *items;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  token = login (server, UI_LEARNER_EMAIL);
  teacher_token = login (server, UI_TEACHER_EMAIL);
  response = pt_request (server, "GET", "/api/v1/me", teacher_token, NULL, NULL);
  teacher_id = g_strdup (pt_str (response, "id"));
  g_clear_pointer (&response, pt_response_free);
  approval_id = find_offering (server, teacher_id, TRUE, &approval_title);

  path = g_strdup_printf ("/api/v1/teachers/%s/reviews?limit=50", teacher_id);
  reviews = pt_request (server, "GET", path, NULL, NULL, NULL);
  g_assert_cmpuint (reviews->status, ==, 200);
  items = json_node_get_array (pt_json_get (reviews->json, "reviews"));
  /* More than a page of them, for "Show More". */
  g_assert_cmpuint (json_array_get_length (items), >, 4);
  g_clear_pointer (&path, g_free);

  page = get_discover (app);
  UI_WAIT_UNTIL (!parla_discover_page_get_loading (PARLA_DISCOVER_PAGE (page)), WAIT_MS);
  parla_discover_page_show_teacher (PARLA_DISCOVER_PAGE (page), teacher_id);
  profile = ui_get (page, PARLA_TYPE_TEACHER_PROFILE, NULL);
  UI_WAIT_UNTIL (gtk_widget_get_mapped (profile), WAIT_MS);
  UI_WAIT_UNTIL (!parla_teacher_profile_get_loading (PARLA_TEACHER_PROFILE (profile)), WAIT_MS);
  UI_WAIT_UNTIL (count_reviews (profile) == 4, WAIT_MS);

  /* Newest first: who, what, and the stars, as the server has them. */
  for (guint i = 0; i < 4; i++)
    {
      JsonObject *review = json_array_get_object_element (items, i);
      GtkWidget *row = nth_review (profile, i);
      g_autofree char *stars_name = g_strdup_printf ("%d stars out of 5",
                                                     (int) json_object_get_int_member (review, "rating"));
      g_autoptr(GString) stars = g_string_new (NULL);

      g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==,
                       json_object_get_string_member (json_object_get_object_member (review, "learner"),
                                                      "display_name"));
      g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==,
                       json_object_get_string_member (review, "text"));
      for (int star = 1; star <= 5; star++)
        g_string_append (stars, star <= json_object_get_int_member (review, "rating") ? "★" : "☆");
      g_assert_cmpstr (gtk_widget_get_tooltip_text (ui_get (row, GTK_TYPE_LABEL, stars->str)), ==, stars_name);
    }

  more = ui_get (profile, GTK_TYPE_BUTTON, "Show More Reviews");
  g_assert_true (gtk_widget_get_visible (more));
  scroll_to (ui_get (profile, ADW_TYPE_PREFERENCES_GROUP, "Reviews"));
  ui_screenshot (window, "profile-reviews");

  ui_click (more);
  UI_WAIT_UNTIL (count_reviews (profile) == json_array_get_length (items), WAIT_MS);
  g_assert_false (gtk_widget_get_visible (more));
  g_assert_false (gtk_widget_get_visible (ui_get (profile, GTK_TYPE_LABEL, "No reviews yet. Learners can review a lesson once it has taken place.")));

  /* A teacher nobody has reviewed: the empty state. */
  response = pt_request (server, "GET", "/api/v1/teachers?limit=50", NULL, NULL, NULL);
  items = json_node_get_array (pt_json_get (response->json, "items"));
  for (guint i = 0; i < json_array_get_length (items) && unreviewed_id == NULL; i++)
    {
      const char *id = json_object_get_string_member (json_array_get_object_element (items, i), "id");
      g_autofree char *reviews_path = g_strdup_printf ("/api/v1/teachers/%s/reviews", id);
      g_autoptr(PtResponse) theirs = pt_request (server, "GET", reviews_path, NULL, NULL, NULL);

      if (pt_int (theirs, "total") == 0)
        unreviewed_id = g_strdup (id);
    }
  g_clear_pointer (&response, pt_response_free);
  g_assert_nonnull (unreviewed_id);
  parla_discover_page_show_teacher (PARLA_DISCOVER_PAGE (page), unreviewed_id);
  UI_WAIT_UNTIL (!parla_teacher_profile_get_loading (PARLA_TEACHER_PROFILE (profile)), WAIT_MS);
  UI_WAIT_UNTIL (gtk_widget_get_visible (ui_get (profile, GTK_TYPE_LABEL, "No reviews yet. Learners can review a lesson once it has taken place.")), WAIT_MS);
  g_assert_cmpuint (count_reviews (profile), ==, 0);
  g_assert_false (gtk_widget_get_visible (more));

  /* The policy of a paid lesson, as the server would keep it. */
  parla_discover_page_show_teacher (PARLA_DISCOVER_PAGE (page), teacher_id);
  UI_WAIT_UNTIL (!parla_teacher_profile_get_loading (PARLA_TEACHER_PROFILE (profile)), WAIT_MS);
  dialog = open_offering (profile, approval_title);
  policy_row = ui_get (GTK_WIDGET (dialog), ADW_TYPE_ACTION_ROW, "Cancellation policy");
  UI_WAIT_UNTIL (!g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (policy_row)), "Loading"), WAIT_MS);
  policy = adw_action_row_get_subtitle (ADW_ACTION_ROW (policy_row));
  path = g_strdup_printf ("/api/v1/offerings/%s", approval_id);
  response = pt_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpint (pt_int (response, "cancellation_policy.full_refund_hours"), ==, 36);
  g_assert_cmpint (pt_int (response, "price_minor"), >, 0);
  {
    gint64 price = pt_int (response, "price_minor");
    g_autofree char *full = parla_format_price (price, pt_str (response, "currency"));
    g_autofree char *quarter = parla_format_price (price / 4, pt_str (response, "currency"));
    g_autofree char *full_tier = g_strdup_printf ("Cancel at least 36 hours before the start: full refund, %s.", full);
    g_autofree char *partial_tier = g_strdup_printf ("At least 6 hours before: 25 %% back, %s.", quarter);

    g_assert_nonnull (strstr (policy, full_tier));
    g_assert_nonnull (strstr (policy, partial_tier));
    g_assert_nonnull (strstr (policy, "Later: no refund."));
  }
  g_clear_pointer (&response, pt_response_free);
  g_clear_pointer (&path, g_free);
  scroll_to (policy_row);
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-policy");

  /* Booked: the booking keeps that policy and the learner's time zone. */
  ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL ((booking = parla_booking_dialog_get_booking (dialog)) != NULL, WAIT_MS);
  g_assert_cmpint (parla_booking_get_policy (booking)->full_refund_hours, ==, 36);
  path = g_strdup_printf ("/api/v1/bookings/%s", parla_booking_get_id (booking));
  response = pt_request (server, "GET", path, token, NULL, NULL);
  g_assert_cmpstr (pt_str (response, "learner_time_zone"), ==,
                   g_time_zone_get_identifier (parla_context_get_time_zone (app->context)));
  close_dialog (dialog);

  ui_app_free (app);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/discover/search", test_search);
  g_test_add_func ("/ui/discover/book-lesson", test_book_lesson);
  g_test_add_func ("/ui/discover/book-seat", test_book_seat);
  g_test_add_func ("/ui/discover/reviews-and-policy", test_reviews_and_policy);

  return g_test_run ();
}
