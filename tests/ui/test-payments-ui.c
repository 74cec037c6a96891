/* test-payments-ui.c: buying minutes, paying for a lesson and the
 * teacher's earnings, against a real server in payment test mode
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "pages/earnings/parla-earnings-page.h"
#include "pages/minutes/parla-minutes-page.h"
#include "parla-booking-dialog.h"
#include "parla-time.h"
#include "ui-test-utils.h"

#define WAIT_MS 20000

/* The "browser" the app opens checkouts with: it writes down each URL. */
static char *browser_dir;
static char *opened_path;

static void
install_browser (void)
{
  g_autofree char *applications = NULL;
  g_autofree char *desktop = NULL;
  g_autofree char *mimeapps = NULL;
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;

  browser_dir = g_dir_make_tmp ("parla-browser-XXXXXX", &error);
  g_assert_no_error (error);
  applications = g_build_filename (browser_dir, "applications", NULL);
  g_assert_cmpint (g_mkdir_with_parents (applications, 0700), ==, 0);
  opened_path = g_build_filename (browser_dir, "opened", NULL);

  desktop = g_build_filename (applications, "parla-test-browser.desktop", NULL);
  contents = g_strdup_printf ("[Desktop Entry]\nType=Application\nName=Test Browser\n"
                              "Exec=sh -c 'echo \"$1\" >> %s' sh %%u\n"
                              "MimeType=x-scheme-handler/http;x-scheme-handler/https;\n", opened_path);
  g_file_set_contents (desktop, contents, -1, &error);
  g_assert_no_error (error);

  mimeapps = g_build_filename (applications, "mimeapps.list", NULL);
  g_file_set_contents (mimeapps, "[Default Applications]\n"
                                 "x-scheme-handler/http=parla-test-browser.desktop\n"
                                 "x-scheme-handler/https=parla-test-browser.desktop\n", -1, &error);
  g_assert_no_error (error);

  /* Before GIO reads its MIME associations. */
  g_setenv ("XDG_DATA_HOME", browser_dir, TRUE);
}

static gboolean
browser_opened (const char *text)
{
  g_autofree char *contents = NULL;

  return g_file_get_contents (opened_path, &contents, NULL, NULL) && strstr (contents, text) != NULL;
}

static char *
login (PtServer   *server,
       const char *email,
       char      **out_id)
{
  g_autofree char *body = pt_json ("{\"email\": \"%s\", \"password\": \"%s\"}", email, UI_DEMO_PASSWORD);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  if (out_id != NULL)
    *out_id = g_strdup (pt_str (response, "user.id"));
  return g_strdup (pt_str (response, "token"));
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

static gint64
server_balance (PtServer   *server,
                const char *token)
{
  g_autoptr(PtResponse) response = pt_request (server, "GET", "/api/v1/me/balance", token, NULL, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  return pt_int (response, "minutes");
}

static void
complete_checkout (PtServer   *server,
                   const char *token,
                   const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/payments/test-checkout/%s/complete", id);
  g_autoptr(PtResponse) response = pt_request (server, "POST", path, token, "{}", NULL);

  g_assert_cmpuint (response->status, ==, 200);
}

/* A paid one-to-one offering of @teacher_id's, with its title, and
 * whether the teacher approves its bookings. */
static char *
find_paid_offering (PtServer   *server,
                    const char *token,
                    const char *teacher_id,
                    char      **out_title,
                    int        *out_duration,
                    gboolean   *out_approval)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/offerings?limit=100&teacher_id=%s", teacher_id);
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, token, NULL, NULL);
  JsonArray *items;

  g_assert_cmpuint (response->status, ==, 200);
  items = json_object_get_array_member (json_node_get_object (response->json), "items");
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *offering = json_array_get_object_element (items, i);

      if (g_strcmp0 (json_object_get_string_member (offering, "session_type"), "individual") == 0 &&
          json_object_get_int_member (offering, "price_minor") > 0)
        {
          *out_approval = json_object_get_boolean_member (offering, "requires_approval");
          *out_title = g_strdup (json_object_get_string_member (offering, "title"));
          *out_duration = (int) json_object_get_int_member (offering, "duration_minutes");
          return g_strdup (json_object_get_string_member (offering, "id"));
        }
    }

  g_error ("The demo teacher has no paid one-to-one offering");
}

static gint64
first_slot (PtServer   *server,
            const char *token,
            const char *teacher_id,
            int         duration)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *from = pt_instant (now);
  g_autofree char *to = pt_instant (now + 14 * 24 * 3600);
  g_autofree char *path = g_strdup_printf ("/api/v1/teachers/%s/availability?duration=%d&from=%s&to=%s",
                                           teacher_id, duration, from, to);
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, token, NULL, NULL);
  JsonArray *slots;
  gint64 start = 0;

  g_assert_cmpuint (response->status, ==, 200);
  slots = json_object_get_array_member (json_node_get_object (response->json), "slots");
  g_assert_cmpuint (json_array_get_length (slots), >, 0);
  g_assert_true (parla_time_parse_rfc3339 (json_object_get_string_member (json_array_get_object_element (slots, 0),
                                                                          "start"),
                                           &start, NULL));
  return start;
}

static void
close_window (GtkWindow *window)
{
  GtkWidget *widget = GTK_WIDGET (window);

  g_object_add_weak_pointer (G_OBJECT (window), (gpointer *) &widget);
  gtk_window_destroy (window);
  UI_WAIT_UNTIL (widget == NULL, WAIT_MS);
}

/* The learner buys a package: the checkout opens in the browser, the page
 * waits, and the new balance arrives live once the checkout is paid. */
static void
buy_minutes (UiApp      *app,
             const char *token)
{
  GtkWindow *window = GTK_WINDOW (app->window);
  GtkWidget *page = show_page (app, "minutes");
  ParlaMinutesPage *minutes = PARLA_MINUTES_PAGE (page);
  gint64 before;
  const char *purchase_id;
  GtkWidget *row;

  UI_WAIT_UNTIL (parla_minutes_page_get_loaded (minutes), WAIT_MS);
  before = server_balance (app->server, token);
  g_assert_cmpint (parla_minutes_page_get_balance (minutes), ==, before);
  {
    g_autofree char *title = g_strdup_printf ("%d minutes", (int) before);

    ui_get (page, ADW_TYPE_ACTION_ROW, title);
  }
  row = ui_get (page, ADW_TYPE_ACTION_ROW, "1 hour");
  ui_get (page, ADW_TYPE_ACTION_ROW, "5 hours");
  ui_wait_drawn (page);
  ui_screenshot (window, "minutes");

  ui_click (ui_get (row, GTK_TYPE_BUTTON, "Buy"));
  UI_WAIT_UNTIL ((purchase_id = parla_minutes_page_get_purchase_id (minutes)) != NULL, WAIT_MS);
  ui_get (page, ADW_TYPE_ACTION_ROW, "Waiting for payment…");
  /* One purchase at a time. */
  g_assert_false (gtk_widget_is_sensitive (ui_get (row, GTK_TYPE_BUTTON, "Buy")));
  UI_WAIT_UNTIL (browser_opened (purchase_id), WAIT_MS);
  ui_wait_drawn (page);
  ui_screenshot (window, "minutes-waiting");
  g_assert_cmpint (server_balance (app->server, token), ==, before);

  complete_checkout (app->server, token, purchase_id);
  UI_WAIT_UNTIL (parla_minutes_page_get_balance (minutes) == before + 60, WAIT_MS);
  ui_get (page, ADW_TYPE_ACTION_ROW, "Minutes Added");
  g_assert_cmpint (server_balance (app->server, token), ==, before + 60);
  /* The history shows the purchase once it reloaded. */
  UI_WAIT_UNTIL (ui_find (page, ADW_TYPE_ACTION_ROW, "Bought") != NULL, WAIT_MS);
  g_assert_true (gtk_widget_is_sensitive (ui_get (row, GTK_TYPE_BUTTON, "Buy")));
  ui_wait_drawn (page);
  ui_screenshot (window, "minutes-added");
}

/* The learner books a paid lesson: waiting for payment until the
 * checkout is paid, then confirmed live (once the teacher accepted, for
 * an offering that needs it). */
static char *
pay_for_lesson (UiApp      *app,
                const char *token,
                const char *teacher_token,
                const char *teacher_id,
                char      **out_title)
{
  g_autofree char *offering_id = NULL;
  ParlaBookingDialog *dialog;
  ParlaBooking *booking;
  char *booking_id;
  int duration = 0;
  gboolean approval = FALSE;
  gint64 start;

  offering_id = find_paid_offering (app->server, token, teacher_id, out_title, &duration, &approval);
  start = first_slot (app->server, token, teacher_id, duration);
  dialog = PARLA_BOOKING_DIALOG (parla_booking_dialog_new (app->context, teacher_id, offering_id, start));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (app->window));
  gtk_window_present (GTK_WINDOW (dialog));
  UI_WAIT_UNTIL (gtk_widget_is_sensitive (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book")), WAIT_MS);

  ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL ((booking = parla_booking_dialog_get_booking (dialog)) != NULL, WAIT_MS);
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_PAYMENT_PENDING);
  booking_id = g_strdup (parla_booking_get_id (booking));
  ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Waiting for Payment");
  /* The payment page opened in the browser by itself, and the time left
   * to pay shows. */
  UI_WAIT_UNTIL (browser_opened (booking_id), WAIT_MS);
  g_assert_nonnull (strstr (adw_status_page_get_description (ADW_STATUS_PAGE (ui_get (GTK_WIDGET (dialog),
                                                                                      ADW_TYPE_STATUS_PAGE,
                                                                                      "Waiting for Payment"))),
                            " left)."));
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-waiting-payment");

  complete_checkout (app->server, token, booking_id);
  if (approval)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/accept", booking_id);
      g_autoptr(PtResponse) response = NULL;

      UI_WAIT_UNTIL (parla_booking_get_status (parla_booking_dialog_get_booking (dialog)) == PARLA_BOOKING_PENDING,
                     WAIT_MS);
      ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Waiting for the Teacher");
      response = pt_request (app->server, "POST", path, teacher_token, "{}", NULL);
      g_assert_cmpuint (response->status, ==, 200);
    }
  UI_WAIT_UNTIL (parla_booking_get_status (parla_booking_dialog_get_booking (dialog)) == PARLA_BOOKING_CONFIRMED,
                 WAIT_MS);
  ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "Booking Confirmed");
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-paid");
  close_window (GTK_WINDOW (dialog));

  return booking_id;
}

/* An abandoned checkout: the dialog says the slot was released, and it is
 * free again. */
static void
abandon_lesson (UiApp      *app,
                const char *token,
                const char *teacher_token,
                const char *teacher_id)
{
  g_autofree char *offering_id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *path = NULL;
  g_autoptr(PtResponse) response = NULL;
  ParlaBookingDialog *dialog;
  ParlaBooking *booking;
  int duration = 0;
  gboolean approval = FALSE;
  gint64 start;

  offering_id = find_paid_offering (app->server, token, teacher_id, &title, &duration, &approval);
  start = first_slot (app->server, token, teacher_id, duration);
  dialog = PARLA_BOOKING_DIALOG (parla_booking_dialog_new (app->context, teacher_id, offering_id, start));
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (app->window));
  gtk_window_present (GTK_WINDOW (dialog));
  UI_WAIT_UNTIL (gtk_widget_is_sensitive (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book")), WAIT_MS);
  ui_click (ui_get (GTK_WIDGET (dialog), GTK_TYPE_BUTTON, "Book"));
  UI_WAIT_UNTIL ((booking = parla_booking_dialog_get_booking (dialog)) != NULL, WAIT_MS);
  g_assert_cmpint (parla_booking_get_status (booking), ==, PARLA_BOOKING_PAYMENT_PENDING);

  path = g_strdup_printf ("/api/v1/payments/test-checkout/%s/cancel", parla_booking_get_id (booking));
  response = pt_request (app->server, "POST", path, token, "{}", NULL);
  g_assert_cmpuint (response->status, ==, 200);
  UI_WAIT_UNTIL (parla_booking_get_status (parla_booking_dialog_get_booking (dialog)) == PARLA_BOOKING_EXPIRED,
                 WAIT_MS);
  ui_get (GTK_WIDGET (dialog), ADW_TYPE_STATUS_PAGE, "The Time to Pay Ran Out");
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (GTK_WINDOW (dialog), "booking-payment-expired");
  g_assert_cmpint (first_slot (app->server, teacher_token, teacher_id, duration), ==, start);
  close_window (GTK_WINDOW (dialog));
}

static void
test_learner_pays (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  g_autofree char *token = login (server, UI_LEARNER_EMAIL, NULL);
  g_autofree char *teacher_token = NULL;
  g_autofree char *teacher_id = NULL;
  g_autofree char *booking_id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *saved = NULL;
  ParlaEarningsPage *earnings;
  GtkWidget *page;
  GtkWidget *account;

  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  buy_minutes (app, token);

  teacher_token = login (server, UI_TEACHER_EMAIL, &teacher_id);
  booking_id = pay_for_lesson (app, token, teacher_token, teacher_id, &title);
  abandon_lesson (app, token, teacher_token, teacher_id);
  sign_out (app);
  ui_app_free (app);

  /* The teacher sees the lesson's earnings and saves a payout account. */
  app = ui_app_new (server);
  ui_app_sign_in (app, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD);
  page = show_page (app, "earnings");
  earnings = PARLA_EARNINGS_PAGE (page);
  UI_WAIT_UNTIL (parla_earnings_page_get_loaded (earnings), WAIT_MS);
  g_assert_cmpuint (parla_earnings_page_get_n_lessons (earnings), >=, 1);
  ui_get (page, ADW_TYPE_ACTION_ROW, title);
  {
    g_autoptr(PtResponse) response = pt_request (server, "GET", "/api/v1/me/earnings", teacher_token, NULL, NULL);
    JsonArray *lessons = json_object_get_array_member (json_node_get_object (response->json), "lessons");
    gboolean found = FALSE;

    for (guint i = 0; i < json_array_get_length (lessons); i++)
      found |= g_strcmp0 (json_object_get_string_member (json_array_get_object_element (lessons, i), "booking_id"),
                          booking_id) == 0;
    g_assert_true (found);
  }

  /* A malformed account id: the server's error, nothing saved. */
  account = ui_get (page, ADW_TYPE_ENTRY_ROW, "Stripe connected account");
  saved = g_strdup (parla_earnings_page_get_account_id (earnings));
  ui_type (account, "bank-1234");
  ui_click (ui_find_nth_of_type (account, GTK_TYPE_BUTTON, 0));
  UI_WAIT_UNTIL (ui_find (GTK_WIDGET (app->window), GTK_TYPE_LABEL,
                          "“stripe_account_id” must be a Stripe connected account id such as acct_1A2b3C") != NULL,
                 WAIT_MS);
  g_assert_cmpstr (parla_earnings_page_get_account_id (earnings), ==, saved);

  ui_type (account, "acct_1ParlaTest");
  ui_click (ui_find_nth_of_type (account, GTK_TYPE_BUTTON, 0));
  UI_WAIT_UNTIL (g_strcmp0 (parla_earnings_page_get_account_id (earnings), "acct_1ParlaTest") == 0, WAIT_MS);
  {
    g_autoptr(PtResponse) response = pt_request (server, "GET", "/api/v1/me/payout-account", teacher_token, NULL,
                                                 NULL);

    g_assert_cmpstr (pt_str (response, "stripe_account_id"), ==, "acct_1ParlaTest");
  }
  ui_wait_drawn (page);
  ui_screenshot (GTK_WINDOW (app->window), "earnings");

  ui_app_free (app);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  int status;

  install_browser ();
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/payments/learner-pays", test_learner_pays);

  status = g_test_run ();

  /* The app's own data went there too (XDG_DATA_HOME). */
  pt_remove_dir (browser_dir);
  g_free (browser_dir);
  g_free (opened_path);
  return status;
}
