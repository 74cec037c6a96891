/* parla-sessions-page.c: the sessions and lessons a teacher hosts
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-format.h"
#include "parla-session-editor.h"
#include "parla-sessions-page.h"
#include "parla-window.h"

/**
 * ParlaSessionsPage:
 *
 * The teacher's upcoming group sessions (`GET /api/v1/sessions?host_id=`)
 * with their seats, live from `session.seats`, and confirmed lessons
 * (`GET /api/v1/me/bookings?role=teacher`). A new group session is made
 * in a #ParlaSessionEditor, which also moves one; cancelling says how many
 * learners are booked and will be refunded in full.
 */
struct _ParlaSessionsPage
{
  AdwBin          parent_instance;

  /* owned */
  ParlaContext   *context;
  GCancellable   *cancellable;
  GCancellable   *load_cancellable;
  GListStore     *sessions;       /* ParlaSession, earliest first */
  GListStore     *lessons;        /* ParlaBooking, earliest first */
  GError         *load_error;

  /* template */
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkLabel       *no_sessions_label;
  GtkListBox     *sessions_list;
  GtkLabel       *no_lessons_label;
  GtkListBox     *lessons_list;

  guint           n_loading;
  guint           loaded : 1;
};

G_DEFINE_FINAL_TYPE (ParlaSessionsPage, parla_sessions_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const reload_events[] = {
  "event::booking.created",
  "event::booking.cancelled",
  "event::booking.confirmed",
  "event::booking.rescheduled",
  "event::booking.accepted",
  "event::session.rescheduled",
  "event::session.cancelled",
};

static void load (ParlaSessionsPage *self);

static void
update_actions (ParlaSessionsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.reload", self->n_loading == 0);
}

static void
update_view (ParlaSessionsPage *self)
{
  guint n_sessions = g_list_model_get_n_items (G_LIST_MODEL (self->sessions));
  guint n_lessons = g_list_model_get_n_items (G_LIST_MODEL (self->lessons));

  gtk_widget_set_visible (GTK_WIDGET (self->no_sessions_label), n_sessions == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->sessions_list), n_sessions > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->no_lessons_label), n_lessons == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->lessons_list), n_lessons > 0);

  if (self->loaded)
    gtk_stack_set_visible_child_name (self->stack, n_sessions + n_lessons > 0 ? "list" : "empty");
}

static char *
format_when (ParlaSessionsPage *self,
             gint64             start,
             gint64             end)
{
  GTimeZone *zone = parla_context_get_time_zone (self->context);
  g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) utc_end = g_date_time_new_from_unix_utc (end);
  g_autoptr(GDateTime) local_start = g_date_time_to_timezone (utc_start, zone);
  g_autoptr(GDateTime) local_end = g_date_time_to_timezone (utc_end, zone);
  return parla_format_time_range (local_start, local_end);
}

static int
booked_seats (ParlaSession *session)
{
  return MAX (0, parla_session_get_capacity (session) - parla_session_get_seats_left (session));
}

static GtkWidget *
create_session_row_cb (gpointer item,
                       gpointer user_data)
{
  ParlaSessionsPage *self = user_data;
  ParlaSession *session = item;
  const char *id = parla_session_get_id (session);
  g_autofree char *when = format_when (self, parla_session_get_start (session), parla_session_get_end (session));
  g_autofree char *price = parla_format_price_or_free (parla_session_get_price_minor (session),
                                                       parla_session_get_currency (session));
  int booked = booked_seats (session);
  g_autofree char *seats = g_strdup_printf (ngettext ("%d of %d seat taken", "%d of %d seats taken",
                                                      (gulong) parla_session_get_capacity (session)),
                                            booked, parla_session_get_capacity (session));
  /* Translators: when, seats and price of a session, one per line */
  g_autofree char *subtitle = g_strdup_printf (_("%s\n%s · %s"), when, seats, price);
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenuItem) reschedule = g_menu_item_new (_("_Reschedule…"), NULL);
  g_autoptr(GMenuItem) cancel = g_menu_item_new (_("_Cancel Session…"), NULL);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_menu_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parla_session_get_title (session));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 3);

  g_menu_item_set_action_and_target (reschedule, "sessions.reschedule", "s", id);
  g_menu_item_set_action_and_target (cancel, "sessions.cancel", "s", id);
  g_menu_append_item (menu, reschedule);
  g_menu_append_item (menu, cancel);

  gtk_menu_button_set_icon_name (GTK_MENU_BUTTON (button), "view-more-symbolic");
  gtk_menu_button_set_menu_model (GTK_MENU_BUTTON (button), G_MENU_MODEL (menu));
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Session Actions"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Session Actions"), -1);
  gtk_widget_add_css_class (button, "flat");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static GtkWidget *
create_lesson_row_cb (gpointer item,
                      gpointer user_data)
{
  ParlaSessionsPage *self = user_data;
  ParlaBooking *booking = item;
  g_autofree char *when = format_when (self, parla_booking_get_start (booking), parla_booking_get_end (booking));
  /* Translators: when a lesson is, then with whom: "Tue 24 Nov · 10:00 – 11:00\nwith Alex" */
  g_autofree char *subtitle = g_strdup_printf (_("%s\nwith %s"), when, parla_booking_get_learner_name (booking));
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parla_booking_get_title (booking));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 2);

  return row;
}

static void
finish_load (ParlaSessionsPage *self)
{
  if (--self->n_loading > 0)
    return;

  update_actions (self);

  if (self->load_error != NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), self->load_error);
      if (!self->loaded)
        {
          adw_status_page_set_description (self->error_page, self->load_error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      g_clear_error (&self->load_error);
      return;
    }

  self->loaded = TRUE;
  update_view (self);
}

static void
replace_items (GListStore *store,
               GListModel *items,
               gboolean  (*keep) (gpointer item))
{
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      gpointer item = g_list_model_get_item (items, i);

      if (keep == NULL || keep (item))
        g_ptr_array_add (array, item);
      else
        g_object_unref (item);
    }

  g_list_store_splice (store, 0, g_list_model_get_n_items (G_LIST_MODEL (store)), array->pdata, array->len);
}

static gboolean
keep_scheduled_group (gpointer item)
{
  ParlaSession *session = item;

  return parla_session_get_status (session) == PARLA_SESSION_STATUS_SCHEDULED &&
         parla_session_get_session_type (session) != PARLA_SESSION_PRIVATE;
}

static gboolean
keep_confirmed_lesson (gpointer item)
{
  ParlaBooking *booking = item;

  return parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_LESSON &&
         parla_booking_get_status (booking) == PARLA_BOOKING_CONFIRMED;
}

static void
on_sessions_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ParlaSessionsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaApiPage) page = NULL;

  page = parla_api_client_list_sessions_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (page == NULL && self->load_error == NULL)
    self->load_error = g_steal_pointer (&error);
  else if (page != NULL)
    replace_items (self->sessions, parla_api_page_get_items (page), keep_scheduled_group);

  finish_load (self);
}

static void
on_lessons_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ParlaSessionsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaApiPage) page = NULL;

  page = parla_api_client_list_my_bookings_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (page == NULL && self->load_error == NULL)
    self->load_error = g_steal_pointer (&error);
  else if (page != NULL)
    replace_items (self->lessons, parla_api_page_get_items (page), keep_confirmed_lesson);

  finish_load (self);
}

static void
load (ParlaSessionsPage *self)
{
  ParlaApiClient *client = parla_context_get_api_client (self->context);
  ParlaUser *user = parla_context_get_user (self->context);
  g_autoptr(ParlaApiQuery) sessions_query = parla_api_query_new ();
  g_autoptr(ParlaApiQuery) lessons_query = parla_api_query_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (user == NULL)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();
  g_clear_error (&self->load_error);

  parla_api_query_add_string (sessions_query, "host_id", parla_user_get_id (user));
  parla_api_query_add_instant (sessions_query, "from", now);
  parla_api_query_add_int (sessions_query, "limit", 100);

  parla_api_query_add_string (lessons_query, "role", "teacher");
  parla_api_query_add_string (lessons_query, "status", "confirmed");
  parla_api_query_add_instant (lessons_query, "from", now);
  parla_api_query_add_int (lessons_query, "limit", 100);

  self->n_loading = 2;
  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);

  parla_api_client_list_sessions_async (client, sessions_query, self->load_cancellable,
                                        on_sessions_loaded_cb, self);
  parla_api_client_list_my_bookings_async (client, lessons_query, self->load_cancellable,
                                           on_lessons_loaded_cb, self);
}

static gboolean
find_session (ParlaSessionsPage *self,
              const char        *session_id,
              guint             *out_position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->sessions)); i++)
    {
      g_autoptr(ParlaSession) session = g_list_model_get_item (G_LIST_MODEL (self->sessions), i);

      if (g_strcmp0 (parla_session_get_id (session), session_id) == 0)
        {
          *out_position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static int
compare_session_start (gconstpointer a,
                       gconstpointer b,
                       gpointer      user_data)
{
  gint64 start_a = parla_session_get_start (PARLA_SESSION ((gpointer) a));
  gint64 start_b = parla_session_get_start (PARLA_SESSION ((gpointer) b));

  return (start_a > start_b) - (start_a < start_b);
}

/* Puts @session in the list (again), or takes it out once cancelled. */
static void
apply_session (ParlaSessionsPage *self,
               ParlaSession      *session)
{
  guint position;

  if (find_session (self, parla_session_get_id (session), &position))
    g_list_store_remove (self->sessions, position);
  if (keep_scheduled_group (session))
    g_list_store_insert_sorted (self->sessions, session, compare_session_start, NULL);

  self->loaded = TRUE;
  update_view (self);
}

static void
on_seats_cb (ParlaRealtime     *realtime,
             const char        *type,
             JsonNode          *node,
             ParlaSessionsPage *self)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  g_autoptr(ParlaSession) session = NULL;
  guint position;

  if (object == NULL ||
      !find_session (self, json_object_get_string_member_with_default (object, "session_id", ""), &position))
    return;

  session = g_list_model_get_item (G_LIST_MODEL (self->sessions), position);
  parla_session_set_seats_left (session, (int) json_object_get_int_member_with_default (object, "seats_left",
                                                                                      parla_session_get_seats_left (session)));
  parla_session_set_capacity (session, (int) json_object_get_int_member_with_default (object, "capacity",
                                                                                    parla_session_get_capacity (session)));
  /* The row is made from the item: put it back to redraw it. */
  g_list_store_splice (self->sessions, position, 1, (gpointer *) &session, 1);
}

static void
on_reload_event_cb (ParlaRealtime     *realtime,
                    const char        *type,
                    JsonNode          *node,
                    ParlaSessionsPage *self)
{
  load (self);
}

static void
on_reconnected_cb (ParlaSessionsPage *self)
{
  /* Connected (again): catch up with what happened while it was not. */
  if (self->n_loading == 0)
    load (self);
}

/* Actions */

static void
on_editor_saved_cb (ParlaSessionEditor *editor,
                    ParlaSession       *session,
                    ParlaSessionsPage  *self)
{
  apply_session (self, session);
  parla_widget_show_toast (GTK_WIDGET (self), _("Session saved"));
}

static void
open_editor (ParlaSessionsPage *self,
             ParlaSession      *session)
{
  ParlaSessionEditor *editor = parla_session_editor_new (self->context, session,
                                                         GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));

  g_signal_connect_object (editor, "saved", G_CALLBACK (on_editor_saved_cb), self, 0);
  gtk_window_present (GTK_WINDOW (editor));
}

static void
create_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  open_editor (PARLA_SESSIONS_PAGE (widget), NULL);
}

static void
reschedule_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ParlaSessionsPage *self = PARLA_SESSIONS_PAGE (widget);
  ParlaSession *session = parla_sessions_page_find_session (self, g_variant_get_string (parameter, NULL));

  if (session != NULL)
    open_editor (self, session);
}

static void
on_cancelled_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ParlaSessionsPage) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaSession) session = NULL;

  session = parla_api_client_update_session_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (session == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  apply_session (self, session);
  parla_widget_show_toast (GTK_WIDGET (self), _("Session cancelled; every learner is refunded in full"));
}

static void
on_cancel_response_cb (AdwMessageDialog  *dialog,
                       const char        *response,
                       ParlaSessionsPage *self)
{
  const char *session_id = g_object_get_data (G_OBJECT (dialog), "session-id");
  g_autoptr(JsonBuilder) builder = NULL;
  g_autoptr(JsonNode) changes = NULL;

  if (g_strcmp0 (response, "cancel") != 0)
    return;

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "status");
  json_builder_add_string_value (builder, "cancelled");
  json_builder_end_object (builder);
  changes = json_builder_get_root (builder);

  if (!parla_context_get_online (self->context))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s", session_id);
      ParlaSession *session = parla_sessions_page_find_session (self, session_id);
      /* Translators: %s is the session's title */
      g_autofree char *description = g_strdup_printf (_("Cancel “%s”"),
                                                      session != NULL ? parla_session_get_title (session) : "");
      g_autofree char *queued = parla_outbox_enqueue_request (parla_context_get_outbox (self->context),
                                                              "PUT", path, changes, description, &error);

      if (queued == NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      else
        parla_widget_show_toast (GTK_WIDGET (self),
                                 _("Offline: the session will be cancelled when the server is back"));
      return;
    }

  parla_api_client_update_session_async (parla_context_get_api_client (self->context), session_id, changes,
                                         self->cancellable, on_cancelled_cb, g_object_ref (self));
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaSessionsPage *self = PARLA_SESSIONS_PAGE (widget);
  ParlaSession *session = parla_sessions_page_find_session (self, g_variant_get_string (parameter, NULL));
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  int booked;

  if (session == NULL)
    return;

  booked = booked_seats (session);
  /* Translators: %s is the session's title */
  heading = g_strdup_printf (_("Cancel “%s”?"), parla_session_get_title (session));
  if (booked == 0)
    body = g_strdup (_("No one has booked a seat yet."));
  else
    body = g_strdup_printf (ngettext ("%d learner is booked and will be refunded in full.",
                                      "%d learners are booked and will be refunded in full.",
                                      (gulong) booked),
                            booked);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Session"),
                                    "cancel", _("_Cancel Session"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel", ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_object_set_data_full (G_OBJECT (dialog), "session-id", g_strdup (parla_session_get_id (session)), g_free);
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_cancel_response_cb), self, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (PARLA_SESSIONS_PAGE (widget));
}

static void
parla_sessions_page_constructed (GObject *object)
{
  ParlaSessionsPage *self = PARLA_SESSIONS_PAGE (object);
  ParlaRealtime *realtime = parla_context_get_realtime (self->context);

  G_OBJECT_CLASS (parla_sessions_page_parent_class)->constructed (object);

  for (guint i = 0; i < G_N_ELEMENTS (reload_events); i++)
    g_signal_connect_object (realtime, reload_events[i], G_CALLBACK (on_reload_event_cb), self, 0);
  g_signal_connect_object (realtime, "event::session.seats", G_CALLBACK (on_seats_cb), self, 0);
  g_signal_connect_object (self->context, "reconnected", G_CALLBACK (on_reconnected_cb), self,
                           G_CONNECT_SWAPPED);

  load (self);
}

static void
parla_sessions_page_dispose (GObject *object)
{
  ParlaSessionsPage *self = PARLA_SESSIONS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  /* The bin's child is the bound `stack`: take it out through the bin,
   * or disposing the template unparents it behind the bin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_SESSIONS_PAGE);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->sessions);
  g_clear_object (&self->lessons);
  g_clear_object (&self->context);
  g_clear_error (&self->load_error);

  G_OBJECT_CLASS (parla_sessions_page_parent_class)->dispose (object);
}

static void
parla_sessions_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ParlaSessionsPage *self = PARLA_SESSIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_sessions_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ParlaSessionsPage *self = PARLA_SESSIONS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_sessions_page_class_init (ParlaSessionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_sessions_page_constructed;
  object_class->dispose = parla_sessions_page_dispose;
  object_class->get_property = parla_sessions_page_get_property;
  object_class->set_property = parla_sessions_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/requests/parla-sessions-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionsPage, no_sessions_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionsPage, sessions_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionsPage, no_lessons_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionsPage, lessons_list);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "sessions.create", NULL, create_action);
  gtk_widget_class_install_action (widget_class, "sessions.reschedule", "s", reschedule_action);
  gtk_widget_class_install_action (widget_class, "sessions.cancel", "s", cancel_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "sessions.create", NULL);
}

static void
parla_sessions_page_init (ParlaSessionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->sessions = g_list_store_new (PARLA_TYPE_SESSION);
  self->lessons = g_list_store_new (PARLA_TYPE_BOOKING);

  gtk_list_box_bind_model (self->sessions_list, G_LIST_MODEL (self->sessions), create_session_row_cb, self, NULL);
  gtk_list_box_bind_model (self->lessons_list, G_LIST_MODEL (self->lessons), create_lesson_row_cb, self, NULL);
  update_view (self);
  update_actions (self);
}

gboolean
parla_sessions_page_get_loading (ParlaSessionsPage *self)
{
  g_return_val_if_fail (PARLA_IS_SESSIONS_PAGE (self), FALSE);

  return self->n_loading > 0;
}

/**
 * parla_sessions_page_find_session:
 * @self: a page
 * @session_id: a session's id
 *
 * Returns: (transfer none) (nullable): the session as the page lists it
 */
ParlaSession *
parla_sessions_page_find_session (ParlaSessionsPage *self,
                                  const char        *session_id)
{
  g_autoptr(ParlaSession) session = NULL;
  guint position;

  g_return_val_if_fail (PARLA_IS_SESSIONS_PAGE (self), NULL);

  if (!find_session (self, session_id, &position))
    return NULL;

  session = g_list_model_get_item (G_LIST_MODEL (self->sessions), position);
  return session;  /* the store keeps its reference */
}
