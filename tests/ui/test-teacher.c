/* test-teacher.c: the teacher's availability, offerings and instant-call
 * switch, driven in the real app against a real server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-availability-page.h"
#include "parla-offerings-page.h"
#include "parla-presence-switch.h"
#include "pages/requests/parla-requests-page.h"
#include "pages/schedule/parla-schedule-page.h"
#include "ui-test-utils.h"

#define WAIT_MS 20000

static char *
login (PtServer   *server,
       const char *email,
       const char *password,
       char      **out_id)
{
  g_autofree char *body = pt_json ("{\"email\":\"%s\",\"password\":\"%s\"}", email, password);
  g_autoptr(PtResponse) response = pt_request (server, "POST", "/api/v1/auth/login", NULL, body, NULL);

  g_assert_cmpuint (response->status, ==, 200);
  if (out_id != NULL)
    *out_id = g_strdup (pt_str (response, "user.id"));
  return g_strdup (pt_str (response, "token"));
}

static void
sign_out (UiApp *app)
{
  parla_context_sign_out_async (app->context, NULL, NULL, NULL);
  UI_WAIT_UNTIL (!parla_context_get_signed_in (app->context), WAIT_MS);
  ui_spin (200);
}

/* The @nth button (from 0) under @root whose tooltip is @tooltip. */
static GtkWidget *
find_button_by_tooltip (GtkWidget  *root,
                        const char *tooltip,
                        guint       nth)
{
  guint seen = 0;

  for (guint i = 0; ; i++)
    {
      GtkWidget *button = ui_find_nth_of_type (root, GTK_TYPE_BUTTON, i);

      if (button == NULL)
        break;
      if (g_strcmp0 (gtk_widget_get_tooltip_text (button), tooltip) == 0 && seen++ == nth)
        return button;
    }

  g_error ("No button %u with the tooltip “%s”", nth, tooltip);
}

static GtkWidget *
spin_of_row (GtkWidget  *root,
             const char *title)
{
  return ui_find_nth_of_type (ui_get (root, ADW_TYPE_ACTION_ROW, title), GTK_TYPE_SPIN_BUTTON, 0);
}

static GtkWidget *
open_day (GtkWidget  *page,
          const char *weekday)
{
  GtkWidget *day = ui_get (page, ADW_TYPE_EXPANDER_ROW, weekday);

  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (day), TRUE);
  ui_wait_drawn (day);
  return day;
}

/* Clicks a button once it is shown (rows open with an animation), and
 * keeps it alive while it goes away when clicked (its row is rebuilt). */
static void
click_kept (GtkWidget *button)
{
  g_autoptr(GtkWidget) kept = g_object_ref (button);

  UI_WAIT_UNTIL (gtk_widget_get_mapped (kept), WAIT_MS);
  ui_click (kept);
}

/* Takes back what the toast of the last removal says, once it shows
 * (after the toasts before it) and has finished sliding in: in
 * libadwaita 1.2, dismissing a toast while it slides in frees it twice. */
static void
click_undo (GtkWidget *window)
{
  GtkWidget *undo;
  graphene_rect_t last = GRAPHENE_RECT_INIT (-1, -1, 0, 0);
  graphene_rect_t now;
  gint64 deadline = g_get_monotonic_time () + WAIT_MS * G_TIME_SPAN_MILLISECOND;

  UI_WAIT_UNTIL (ui_find (window, GTK_TYPE_BUTTON, "Undo") != NULL, WAIT_MS);
  undo = ui_find (window, GTK_TYPE_BUTTON, "Undo");

  /* Settled: the same place two frames in a row. */
  for (;;)
    {
      ui_wait_drawn (window);
      g_assert_true (gtk_widget_compute_bounds (undo, window, &now));
      if (graphene_rect_equal (&now, &last))
        break;
      last = now;
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
    }

  click_kept (undo);
}

/* The preview's slots are the server's slots for the same range. */
static void
assert_preview_is_servers (PtServer              *server,
                           ParlaAvailabilityPage *page,
                           const char            *teacher_id,
                           const char            *token)
{
  gint64 from, to;
  int duration;
  GArray *preview = parla_availability_page_get_preview (page, &from, &to, &duration);
  g_autofree char *from_text = pt_instant (from);
  g_autofree char *to_text = pt_instant (to);
  g_autofree char *path = g_strdup_printf ("/api/v1/teachers/%s/availability?from=%s&to=%s&duration=%d",
                                           teacher_id, from_text, to_text, duration);
  g_autoptr(PtResponse) response = pt_request (server, "GET", path, token, NULL, NULL);
  JsonArray *slots;

  g_assert_nonnull (preview);
  g_assert_cmpuint (response->status, ==, 200);
  slots = json_node_get_array (pt_json_get (response->json, "slots"));
  g_assert_cmpuint (json_array_get_length (slots), ==, preview->len);
  g_assert_cmpuint (preview->len, >, 0);

  for (guint i = 0; i < preview->len; i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);
      const ParlaInterval *mine = &g_array_index (preview, ParlaInterval, i);
      gint64 start, end;

      g_assert_true (parla_time_parse_rfc3339 (json_object_get_string_member (slot, "start"), &start, NULL));
      g_assert_true (parla_time_parse_rfc3339 (json_object_get_string_member (slot, "end"), &end, NULL));
      g_assert_cmpint (mine->start, ==, start);
      g_assert_cmpint (mine->end, ==, end);
    }
}

static void
test_availability (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWidget *window = GTK_WIDGET (app->window);
  ParlaAvailabilityPage *page;
  GtkWidget *day, *spin, *save, *status, *calendar, *mode;
  g_autofree char *teacher_id = NULL;
  g_autofree char *token = NULL;
  g_autoptr(GTimeZone) madrid = g_time_zone_new_identifier ("Europe/Madrid");
  g_autoptr(GDateTime) day_off = NULL;
  g_autofree char *day_off_key = NULL;
  g_autoptr(PtResponse) stored = NULL;
  GArray *preview;
  gint64 from;

  ui_app_sign_in (app, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD);
  token = login (server, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD, &teacher_id);

  /* The demo teacher's week, loaded, and a preview equal to the server's. */
  g_assert_true (parla_window_show_page (app->window, "availability"));
  page = PARLA_AVAILABILITY_PAGE (parla_window_get_page (app->window, "availability"));
  UI_WAIT_UNTIL (parla_availability_page_get_loaded (page), WAIT_MS);
  g_assert_false (parla_availability_page_get_dirty (page));
  save = ui_get (GTK_WIDGET (page), GTK_TYPE_BUTTON, "Save");
  g_assert_false (gtk_widget_is_sensitive (save));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (ui_get (GTK_WIDGET (page), ADW_TYPE_EXPANDER_ROW, "Monday"))),
                   ==, "09:00–13:00, 15:00–19:00");
  assert_preview_is_servers (server, page, teacher_id, token);
  ui_screenshot (GTK_WINDOW (window), "availability");

  /* Add hours on Saturday, with its button. */
  day = open_day (GTK_WIDGET (page), "Saturday");
  click_kept (find_button_by_tooltip (day, "Add Hours", 0));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (day)), ==, "09:00–12:00");
  g_assert_true (parla_availability_page_get_dirty (page));
  g_assert_true (gtk_widget_is_sensitive (save));

  /* Remove Monday afternoon, take it back from the toast, remove it again. */
  day = open_day (GTK_WIDGET (page), "Monday");
  click_kept (find_button_by_tooltip (day, "Remove", 1));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (day)), ==, "09:00–13:00");
  ui_wait_drawn (window);
  click_undo (window);
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (day)), ==, "09:00–13:00, 15:00–19:00");
  ui_wait_drawn (day);
  click_kept (find_button_by_tooltip (day, "Remove", 1));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (day)), ==, "09:00–13:00");

  /* Overlapping hours: marked where they are, and no saving. */
  day = open_day (GTK_WIDGET (page), "Saturday");
  click_kept (find_button_by_tooltip (day, "Add Hours", 0));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (day)), ==, "09:00–12:00, 12:00–14:00");
  spin = ui_find_nth_of_type (day, GTK_TYPE_SPIN_BUTTON, 2);
  ui_type (spin, "10:30");
  gtk_spin_button_update (GTK_SPIN_BUTTON (spin));
  g_assert_cmpint (gtk_spin_button_get_value_as_int (GTK_SPIN_BUTTON (spin)), ==, 10 * 60 + 30);
  g_assert_false (gtk_widget_is_sensitive (save));
  g_assert_nonnull (ui_find (day, GTK_TYPE_LABEL, "Overlaps other hours that day"));
  status = ui_find_nth_of_type (ui_get (GTK_WIDGET (page), GTK_TYPE_ACTION_BAR, NULL), GTK_TYPE_LABEL, 0);
  g_assert_true (strstr (gtk_label_get_text (GTK_LABEL (status)), "overlap") != NULL);
  g_assert_true (gtk_widget_has_css_class (spin, "error"));
  ui_screenshot (GTK_WINDOW (window), "availability-invalid");
  gtk_widget_activate_action (GTK_WIDGET (page), "availability.save", NULL);
  g_assert_true (parla_availability_page_get_dirty (page));

  /* Removing the second range makes it valid again. */
  click_kept (find_button_by_tooltip (day, "Remove", 1));
  g_assert_cmpstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (day)), ==, "09:00–12:00");
  g_assert_true (gtk_widget_is_sensitive (save));

  /* A day off on the first day the preview has times on. */
  preview = parla_availability_page_get_preview (page, &from, NULL, NULL);
  g_assert_nonnull (preview);
  g_assert_cmpuint (preview->len, >, 0);
  {
    g_autoptr(GDateTime) first = g_date_time_new_from_unix_utc (g_array_index (preview, ParlaInterval, 0).start);

    day_off = g_date_time_to_timezone (first, madrid);
  }
  day_off_key = g_date_time_format (day_off, "%Y-%m-%d");
  calendar = ui_find_nth_of_type (GTK_WIDGET (page), GTK_TYPE_CALENDAR, 0);
  {
    g_autoptr(GDateTime) local = g_date_time_new_local (g_date_time_get_year (day_off),
                                                        g_date_time_get_month (day_off),
                                                        g_date_time_get_day_of_month (day_off), 12, 0, 0);

    gtk_calendar_select_day (GTK_CALENDAR (calendar), local);
  }
  mode = ui_find_nth_of_type (GTK_WIDGET (page), ADW_TYPE_COMBO_ROW, 0);
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (mode)), ==, 0);
  adw_combo_row_set_selected (ADW_COMBO_ROW (mode), 1);
  g_assert_nonnull (ui_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, NULL));
  preview = parla_availability_page_get_preview (page, NULL, NULL, NULL);
  for (guint i = 0; i < preview->len; i++)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (g_array_index (preview, ParlaInterval, i).start);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, madrid);
      g_autofree char *key = g_date_time_format (local, "%Y-%m-%d");

      g_assert_cmpstr (key, !=, day_off_key);
    }
  gtk_widget_grab_focus (mode);
  ui_wait_drawn (window);
  ui_screenshot (GTK_WINDOW (window), "availability-override");

  /* A rule: a day's notice. */
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin_of_row (GTK_WIDGET (page), "Minimum notice")), 24 * 60);
  preview = parla_availability_page_get_preview (page, &from, NULL, NULL);
  for (guint i = 0; i < preview->len; i++)
    g_assert_cmpint (g_array_index (preview, ParlaInterval, i).start, >=, from + 24 * 60 * 60);

  /* Saved: the server has it all, and learners get the preview's slots. */
  ui_click (save);
  UI_WAIT_UNTIL (!parla_availability_page_get_dirty (page) && gtk_widget_is_sensitive (ui_get (window, GTK_TYPE_BUTTON, "Revert")) == FALSE, WAIT_MS);
  stored = pt_request (server, "GET", "/api/v1/me/availability", token, NULL, NULL);
  g_assert_cmpuint (stored->status, ==, 200);
  g_assert_cmpint (pt_int (stored, "rules.lead_time_minutes"), ==, 24 * 60);
  {
    JsonArray *weekly = json_node_get_array (pt_json_get (stored->json, "weekly"));
    JsonArray *overrides = json_node_get_array (pt_json_get (stored->json, "overrides"));
    gboolean saturday = FALSE, monday_afternoon = FALSE, off = FALSE;

    for (guint i = 0; i < json_array_get_length (weekly); i++)
      {
        JsonObject *r = json_array_get_object_element (weekly, i);
        gint64 weekday = json_object_get_int_member (r, "weekday");

        saturday = saturday || (weekday == 6 && g_str_equal (json_object_get_string_member (r, "start"), "09:00") &&
                                g_str_equal (json_object_get_string_member (r, "end"), "12:00"));
        monday_afternoon = monday_afternoon || (weekday == 1 && g_str_equal (json_object_get_string_member (r, "start"), "15:00"));
      }
    for (guint i = 0; i < json_array_get_length (overrides); i++)
      {
        JsonObject *o = json_array_get_object_element (overrides, i);

        off = off || (g_str_equal (json_object_get_string_member (o, "date"), day_off_key) &&
                      json_array_get_length (json_object_get_array_member (o, "ranges")) == 0);
      }
    g_assert_true (saturday);
    g_assert_false (monday_afternoon);
    g_assert_true (off);
  }
  assert_preview_is_servers (server, page, teacher_id, token);

  sign_out (app);
  ui_app_free (app);
  pt_server_stop (server);
}

static void
test_offerings (void)
{
  PtServer *server = ui_server_start_demo ();
  g_autofree char *teacher_id = NULL;
  g_autofree char *token = pt_register (server, "fresh.teacher@example.org", "teacher", &teacher_id);
  UiApp *app = ui_app_new (server);
  GtkWidget *window = GTK_WIDGET (app->window);
  ParlaOfferingsPage *page;
  ParlaOfferingEditor *editor;
  g_autoptr(ParlaOffering) offering = NULL;
  g_autofree char *list_path = g_strdup_printf ("/api/v1/offerings?teacher_id=%s", teacher_id);
  g_autofree char *offering_path = NULL;
  const struct { const char *entry; const char *text; } materials[] = {
    { "Add a prompt", "Order three tapas for your table" },
    { "Add a word or phrase", "la ración — a full portion" },
    { "Add a word or phrase", "la cuenta — the bill" },
    { "Add a grammar point", "Me pone… for ordering politely" },
    { "Add a cultural note", "Tapas are often shared by the whole table" },
  };

  /* A new teacher has none yet. */
  ui_app_sign_in (app, "fresh.teacher@example.org", "correct horse battery");
  g_assert_true (parla_window_show_page (app->window, "offerings"));
  page = PARLA_OFFERINGS_PAGE (parla_window_get_page (app->window, "offerings"));
  UI_WAIT_UNTIL (parla_offerings_page_get_loaded (page), WAIT_MS);
  g_assert_cmpuint (g_list_model_get_n_items (parla_offerings_page_get_model (page)), ==, 0);
  g_assert_true (gtk_widget_get_mapped (ui_get (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Offerings Yet")));
  ui_screenshot (GTK_WINDOW (window), "offerings-empty");

  /* Create one, with materials. */
  ui_click (ui_get (GTK_WIDGET (page), GTK_TYPE_BUTTON, "New Offering"));
  editor = parla_offerings_page_get_editor (page);
  g_assert_nonnull (editor);
  ui_wait_drawn (GTK_WIDGET (editor));
  g_assert_false (gtk_widget_is_sensitive (ui_get (GTK_WIDGET (editor), GTK_TYPE_BUTTON, "Save")));
  ui_type (ui_get (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Title"), "Spanish for tapas bars");
  ui_type (ui_get (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Description"), "Order, ask and chat at the bar.");
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin_of_row (GTK_WIDGET (editor), "Duration")), 45);
  gtk_spin_button_set_value (GTK_SPIN_BUTTON (spin_of_row (GTK_WIDGET (editor), "Price")), 18.5);
  gtk_switch_set_active (GTK_SWITCH (ui_find_nth_of_type (ui_get (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW,
                                                                  "Approve each booking"),
                                                          GTK_TYPE_SWITCH, 0)), TRUE);
  for (guint i = 0; i < G_N_ELEMENTS (materials); i++)
    {
      GtkWidget *entry = ui_get (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, materials[i].entry);

      ui_type (entry, materials[i].text);
      g_signal_emit_by_name (entry, "apply");
      g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
      g_assert_nonnull (ui_find (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW, materials[i].text));
    }
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (ui_find_nth_of_type (GTK_WIDGET (editor), GTK_TYPE_SCROLLED_WINDOW, 0))), 0);
  ui_wait_drawn (GTK_WIDGET (editor));
  ui_screenshot_as_is (GTK_WINDOW (editor), "offering-editor");
  ui_click (ui_get (GTK_WIDGET (editor), GTK_TYPE_BUTTON, "Save"));
  UI_WAIT_UNTIL (parla_offerings_page_get_editor (page) == NULL, WAIT_MS);
  UI_WAIT_UNTIL (g_list_model_get_n_items (parla_offerings_page_get_model (page)) == 1, WAIT_MS);
  offering = g_list_model_get_item (parla_offerings_page_get_model (page), 0);
  offering_path = g_strdup_printf ("/api/v1/offerings/%s", parla_offering_get_id (offering));
  g_assert_nonnull (ui_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Spanish for tapas bars"));
  ui_wait_drawn (window);
  ui_screenshot (GTK_WINDOW (window), "offerings");

  {
    g_autoptr(PtResponse) response = pt_request (server, "GET", list_path, token, NULL, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpint (pt_int (response, "total"), ==, 1);
    g_assert_cmpstr (pt_str (response, "items[0].title"), ==, "Spanish for tapas bars");
    g_assert_cmpint (pt_int (response, "items[0].duration_minutes"), ==, 45);
    g_assert_cmpint (pt_int (response, "items[0].price_minor"), ==, 1850);
    g_assert_cmpstr (pt_str (response, "items[0].currency"), ==, "EUR");
    g_assert_cmpstr (pt_str (response, "items[0].session_type"), ==, "individual");
    g_assert_true (json_node_get_boolean (pt_json_get (response->json, "items[0].requires_approval")));
    g_assert_cmpstr (pt_str (response, "items[0].materials.prompts[0]"), ==, materials[0].text);
    g_assert_cmpstr (pt_str (response, "items[0].materials.vocabulary[1]"), ==, materials[2].text);
    g_assert_cmpstr (pt_str (response, "items[0].materials.grammar_points[0]"), ==, materials[3].text);
    g_assert_cmpstr (pt_str (response, "items[0].materials.cultural_notes[0]"), ==, materials[4].text);
  }

  /* Edit it: free now, one vocabulary item fewer. */
  ui_click (find_button_by_tooltip (GTK_WIDGET (page), "Edit", 0));
  editor = parla_offerings_page_get_editor (page);
  g_assert_nonnull (editor);
  ui_wait_drawn (GTK_WIDGET (editor));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (ui_get (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Title"))),
                   ==, "Spanish for tapas bars");
  ui_type (ui_get (GTK_WIDGET (editor), ADW_TYPE_ENTRY_ROW, "Title"), "Tapas bar Spanish");
  gtk_switch_set_active (GTK_SWITCH (ui_find_nth_of_type (ui_get (GTK_WIDGET (editor), ADW_TYPE_ACTION_ROW, "Free"),
                                                          GTK_TYPE_SWITCH, 0)), TRUE);
  click_kept (find_button_by_tooltip (ui_get (GTK_WIDGET (editor), ADW_TYPE_PREFERENCES_GROUP, "Vocabulary"),
                                      "Remove", 0));
  ui_click (ui_get (GTK_WIDGET (editor), GTK_TYPE_BUTTON, "Save"));
  UI_WAIT_UNTIL (parla_offerings_page_get_editor (page) == NULL, WAIT_MS);
  UI_WAIT_UNTIL (ui_find (GTK_WIDGET (page), ADW_TYPE_ACTION_ROW, "Tapas bar Spanish") != NULL, WAIT_MS);
  {
    g_autoptr(PtResponse) response = pt_request (server, "GET", offering_path, token, NULL, NULL);

    g_assert_cmpuint (response->status, ==, 200);
    g_assert_cmpstr (pt_str (response, "title"), ==, "Tapas bar Spanish");
    g_assert_cmpint (pt_int (response, "price_minor"), ==, 0);
    g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (response->json, "materials.vocabulary"))), ==, 1);
    g_assert_cmpstr (pt_str (response, "materials.vocabulary[0]"), ==, materials[2].text);
  }

  /* Archive, undo, archive again: the server hears of the second only. */
  click_kept (find_button_by_tooltip (GTK_WIDGET (page), "Archive", 0));
  g_assert_cmpuint (g_list_model_get_n_items (parla_offerings_page_get_model (page)), ==, 0);
  ui_wait_drawn (window);
  click_undo (window);
  g_assert_cmpuint (g_list_model_get_n_items (parla_offerings_page_get_model (page)), ==, 1);
  {
    g_autoptr(PtResponse) response = pt_request (server, "GET", offering_path, token, NULL, NULL);

    g_assert_false (json_node_get_boolean (pt_json_get (response->json, "archived")));
  }
  ui_wait_drawn (window);
  click_kept (find_button_by_tooltip (GTK_WIDGET (page), "Archive", 0));
  g_assert_cmpuint (g_list_model_get_n_items (parla_offerings_page_get_model (page)), ==, 0);
  /* Ctrl+R sends what waits for its toast. */
  gtk_widget_activate_action (window, "win.reload", NULL);
  {
    gboolean archived = FALSE;

    while (!archived)
      {
        g_autoptr(PtResponse) response = pt_request (server, "GET", offering_path, token, NULL, NULL);

        archived = json_node_get_boolean (pt_json_get (response->json, "archived"));
        if (!archived)
          ui_spin (100);
      }
  }
  UI_WAIT_UNTIL (gtk_widget_get_mapped (ui_get (GTK_WIDGET (page), ADW_TYPE_STATUS_PAGE, "No Offerings Yet")), WAIT_MS);

  sign_out (app);
  ui_app_free (app);
  pt_server_stop (server);
}

static void
test_presence (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  g_autofree char *teacher_id = NULL;
  g_autofree char *learner_token = NULL;
  g_autoptr(PtWs) ws = NULL;
  g_autoptr(JsonNode) available = NULL;
  g_autoptr(JsonNode) online = NULL;
  GtkWidget *presence, *toggle;

  ui_app_sign_in (app, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD);
  g_free (login (server, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD, &teacher_id));
  learner_token = login (server, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD, NULL);

  /* A learner watches the teacher. */
  ws = pt_ws_connect (server, learner_token);
  pt_ws_sendf (ws, "{\"type\":\"presence.watch\",\"id\":\"pw-1\",\"user_ids\":[\"%s\"]}", teacher_id);
  g_clear_pointer (&available, json_node_unref);
  available = pt_ws_wait (ws, "ack", WAIT_MS);
  g_clear_pointer (&available, json_node_unref);
  /* The teacher's state before the ack: connected, not available. */
  available = pt_ws_wait_for (ws, "presence", "status", "online", WAIT_MS);
  g_clear_pointer (&available, json_node_unref);

  /* The switch is in the teacher's header bar, usable once connected. */
  presence = ui_get (GTK_WIDGET (app->window), PARLA_TYPE_PRESENCE_SWITCH, NULL);
  g_assert_true (gtk_widget_get_mapped (presence));
  toggle = ui_find_nth_of_type (presence, GTK_TYPE_SWITCH, 0);
  UI_WAIT_UNTIL (gtk_widget_is_sensitive (toggle), WAIT_MS);
  g_assert_false (parla_presence_switch_get_available (PARLA_PRESENCE_SWITCH (presence)));

  ui_click (toggle);
  available = pt_ws_wait_for (ws, "presence", "status", "available", WAIT_MS);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (available), "user_id"), ==, teacher_id);
  g_assert_true (parla_presence_switch_get_available (PARLA_PRESENCE_SWITCH (presence)));
  g_assert_true (gtk_switch_get_active (GTK_SWITCH (toggle)));

  ui_click (toggle);
  online = pt_ws_wait_for (ws, "presence", "status", "online", WAIT_MS);
  g_assert_cmpstr (json_object_get_string_member (json_node_get_object (online), "user_id"), ==, teacher_id);
  UI_WAIT_UNTIL (!parla_presence_switch_get_available (PARLA_PRESENCE_SWITCH (presence)), WAIT_MS);
  g_assert_false (gtk_switch_get_active (GTK_SWITCH (toggle)));

  sign_out (app);
  g_assert_false (parla_presence_switch_get_available (PARLA_PRESENCE_SWITCH (presence)));
  UI_WAIT_UNTIL (!gtk_widget_get_mapped (presence), WAIT_MS);
  ui_app_free (app);
  pt_server_stop (server);
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

/* A label under @root whose text starts with @prefix, or NULL. */
static GtkLabel *
find_label_with_prefix (GtkWidget  *root,
                        const char *prefix)
{
  for (guint i = 0; ; i++)
    {
      GtkWidget *label = ui_find_nth_of_type (root, GTK_TYPE_LABEL, i);

      if (label == NULL)
        return NULL;
      if (g_str_has_prefix (gtk_label_get_text (GTK_LABEL (label)), prefix))
        return GTK_LABEL (label);
    }
}

/* The demo learner asks the demo teacher for a lesson that needs their
 * approval, from @zone, and pays for it if payments are on. */
static char *
request_lesson (PtServer   *server,
                const char *learner_token,
                const char *teacher_id,
                const char *zone)
{
  g_autofree char *offerings_path = g_strdup_printf ("/api/v1/offerings?teacher_id=%s&session_type=individual",
                                                     teacher_id);
  g_autoptr(PtResponse) offerings = pt_request (server, "GET", offerings_path, NULL, NULL, NULL);
  JsonArray *items = json_node_get_array (pt_json_get (offerings->json, "items"));
  JsonObject *offering = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *from = pt_instant (now + 3 * 24 * 3600);
  g_autofree char *to = pt_instant (now + 10 * 24 * 3600);
  g_autofree char *slots_path = NULL;
  g_autofree char *book_path = NULL;
  g_autofree char *body = NULL;
  g_autoptr(PtResponse) slots = NULL;
  g_autoptr(PtResponse) booked = NULL;

  for (guint i = 0; i < json_array_get_length (items) && offering == NULL; i++)
    if (json_object_get_boolean_member (json_array_get_object_element (items, i), "requires_approval"))
      offering = json_array_get_object_element (items, i);
  g_assert_nonnull (offering);

  slots_path = g_strdup_printf ("/api/v1/teachers/%s/availability?from=%s&to=%s&duration=%" G_GINT64_FORMAT,
                                teacher_id, from, to, json_object_get_int_member (offering, "duration_minutes"));
  slots = pt_request (server, "GET", slots_path, NULL, NULL, NULL);
  g_assert_cmpuint (slots->status, ==, 200);
  book_path = g_strdup_printf ("/api/v1/offerings/%s/book", json_object_get_string_member (offering, "id"));
  body = pt_json ("{\"start\":\"%s\",\"topic\":\"Small talk\",\"learner_time_zone\":\"%s\"}",
                  pt_str (slots, "slots[0].start"), zone);
  booked = pt_request (server, "POST", book_path, learner_token, body, NULL);
  g_assert_cmpuint (booked->status, ==, 201);
  g_assert_cmpstr (pt_str (booked, "learner_time_zone"), ==, zone);

  if (g_strcmp0 (pt_str (booked, "status"), "payment_pending") == 0)
    {
      g_autofree char *pay_path = g_strdup_printf ("/api/v1/payments/test-checkout/%s/complete", pt_str (booked, "id"));
      g_autoptr(PtResponse) paid = pt_request (server, "POST", pay_path, learner_token, "{}", NULL);

      g_assert_cmpuint (paid->status, ==, 200);
    }

  return g_strdup (pt_str (booked, "id"));
}

/* The teacher sees the learner's own time, declines with a reason in a
 * few lines of text, the server keeps it and the learner's schedule shows
 * it; signing out takes the toasts away with the teacher. */
static void
test_decline_reason (void)
{
  PtServer *server = ui_server_start_demo ();
  UiApp *app = ui_app_new (server);
  GtkWidget *window = GTK_WIDGET (app->window);
  g_autofree char *teacher_id = NULL;
  g_autofree char *learner_token = NULL;
  g_autofree char *request_id = NULL;
  g_autofree char *booking_path = NULL;
  g_autoptr(PtResponse) booking = NULL;
  g_autoptr(AdwToast) toast = NULL;
  const char *reason = "I am at a conference that week.\nCould you pick a time in the week after?";
  GtkWidget *page, *row, *view;
  GtkLabel *zone_label;
  GtkWindow *dialog;

  ui_app_sign_in (app, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD);
  g_free (login (server, UI_TEACHER_EMAIL, UI_DEMO_PASSWORD, &teacher_id));
  learner_token = login (server, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD, NULL);

  page = parla_window_get_page (app->window, "requests");
  g_assert_nonnull (page);
  g_assert_true (parla_window_show_page (app->window, "requests"));
  UI_WAIT_UNTIL (!parla_requests_page_get_loading (PARLA_REQUESTS_PAGE (page)), WAIT_MS);
  UI_WAIT_UNTIL (parla_realtime_get_state (parla_context_get_realtime (app->context)) == PARLA_REALTIME_CONNECTED,
                 WAIT_MS);

  /* From the other side of the world: the teacher sees the learner's time
   * too. */
  request_id = request_lesson (server, learner_token, teacher_id, "Pacific/Auckland");
  UI_WAIT_UNTIL ((row = parla_requests_page_find_row (PARLA_REQUESTS_PAGE (page), request_id)) != NULL, WAIT_MS);
  zone_label = find_label_with_prefix (row, "Alex Learner's time: ");
  g_assert_nonnull (zone_label);
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (zone_label)));
  g_assert_true (g_str_has_suffix (gtk_label_get_text (zone_label), "(Pacific/Auckland)"));
  ui_wait_drawn (row);
  ui_screenshot (GTK_WINDOW (window), "requests-learner-time");

  /* Decline, with a reason of two lines. */
  ui_click (ui_get (row, GTK_TYPE_BUTTON, "Decline…"));
  UI_WAIT_UNTIL ((dialog = find_toplevel (ADW_TYPE_MESSAGE_DIALOG)) != NULL, WAIT_MS);
  view = ui_find_nth_of_type (GTK_WIDGET (dialog), GTK_TYPE_TEXT_VIEW, 0);
  g_assert_nonnull (view);
  g_assert_true (gtk_widget_has_focus (view));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), reason, -1);
  ui_wait_drawn (GTK_WIDGET (dialog));
  ui_screenshot_as_is (dialog, "decline-reason");

  /* Too long a reason cannot be sent. */
  {
    g_autofree char *too_long = g_strnfill (501, 'x');

    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), too_long, -1);
    g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "decline"));
    gtk_text_buffer_set_text (gtk_text_view_get_buffer (GTK_TEXT_VIEW (view)), reason, -1);
    g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "decline"));
  }

  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "decline");
  UI_WAIT_UNTIL (parla_requests_page_find_row (PARLA_REQUESTS_PAGE (page), request_id) == NULL, WAIT_MS);

  booking_path = g_strdup_printf ("/api/v1/bookings/%s", request_id);
  booking = pt_request (server, "GET", booking_path, learner_token, NULL, NULL);
  g_assert_cmpstr (pt_str (booking, "status"), ==, "rejected");
  g_assert_cmpstr (pt_str (booking, "reject_reason"), ==, reason);

  /* Toasts still up or queued when the teacher signs out go with them. */
  toast = adw_toast_new ("Shown to the teacher only");
  adw_toast_set_timeout (toast, 0);
  parla_window_add_toast (app->window, g_object_ref (toast));
  UI_WAIT_UNTIL (ui_find (window, GTK_TYPE_LABEL, "Shown to the teacher only") != NULL, WAIT_MS);
  parla_window_add_toast (app->window, adw_toast_new ("Queued for the teacher only"));
  sign_out (app);
  UI_WAIT_UNTIL (ui_find (window, GTK_TYPE_LABEL, "Shown to the teacher only") == NULL, WAIT_MS);
  /* The queued one never comes up. */
  ui_spin (1000);
  g_assert_null (ui_find (window, GTK_TYPE_LABEL, "Queued for the teacher only"));

  /* The learner reads the reason in My Schedule. */
  ui_app_sign_in (app, UI_LEARNER_EMAIL, UI_DEMO_PASSWORD);
  page = parla_window_get_page (app->window, "schedule");
  g_assert_nonnull (page);
  g_assert_true (parla_window_show_page (app->window, "schedule"));
  UI_WAIT_UNTIL (!parla_schedule_page_get_loading (PARLA_SCHEDULE_PAGE (page)), WAIT_MS);
  UI_WAIT_UNTIL ((row = parla_schedule_page_find_row (PARLA_SCHEDULE_PAGE (page), request_id)) != NULL, WAIT_MS);
  {
    g_autofree char *shown = g_strdup_printf ("The teacher wrote: “%s”", reason);
    GtkWidget *label = ui_get (row, GTK_TYPE_LABEL, shown);

    g_assert_true (gtk_widget_get_visible (label));
  }
  ui_wait_drawn (window);
  ui_screenshot (GTK_WINDOW (window), "schedule-reject-reason");

  sign_out (app);
  ui_app_free (app);
  pt_server_stop (server);
}

int
main (int   argc,
      char *argv[])
{
  ui_test_init (&argc, &argv);

  g_test_add_func ("/ui/teacher/availability", test_availability);
  g_test_add_func ("/ui/teacher/offerings", test_offerings);
  g_test_add_func ("/ui/teacher/presence", test_presence);
  g_test_add_func ("/ui/teacher/decline-reason", test_decline_reason);

  return g_test_run ();
}
