/* parla-session-editor.c: schedule a group session, or move one
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <math.h>

#include <glib/gi18n.h>

#include "parla-format.h"
#include "parla-session-editor.h"
#include "parla-window.h"

/**
 * ParlaSessionEditor:
 *
 * Without a session: a new group session (title, language, level, date,
 * start time in the app's zone, duration, capacity, price or free),
 * created with `POST /api/v1/sessions`. With one: moves it (date, time,
 * duration) with `PUT /api/v1/sessions/{id}`, which moves every seat
 * along. Offline, either waits in the outbox. Emits
 * #ParlaSessionEditor::saved with the server's session, then closes.
 */
struct _ParlaSessionEditor
{
  AdwWindow        parent_instance;

  /* owned */
  ParlaContext    *context;
  ParlaSession    *session;        /* nullable: creating */
  GCancellable    *cancellable;
  char            *idempotency_key;

  /* template */
  AdwWindowTitle  *window_title;
  GtkStack        *button_stack;
  GtkButton       *save_button;
  AdwPreferencesGroup *about_group;
  AdwPreferencesGroup *seats_group;
  AdwEntryRow     *title_row;
  AdwComboRow     *language_row;
  AdwComboRow     *level_row;
  GtkMenuButton   *date_button;
  GtkCalendar     *calendar;
  AdwEntryRow     *time_row;
  GtkSpinButton   *duration_spin;
  GtkSpinButton   *capacity_spin;
  GtkSwitch       *free_switch;
  GtkSpinButton   *price_spin;

  guint            busy : 1;
};

G_DEFINE_FINAL_TYPE (ParlaSessionEditor, parla_session_editor, ADW_TYPE_WINDOW)

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const struct
{
  const char *code;
  const char *name;
} languages[] = {
  { "es", N_("Spanish") },
  { "en", N_("English") },
  { "fr", N_("French") },
  { "de", N_("German") },
  { "it", N_("Italian") },
  { "pt", N_("Portuguese") },
  { "zh", N_("Chinese") },
  { "ja", N_("Japanese") },
};

static const char * const level_titles[] = {
  N_("A1 · Beginner"),
  N_("A2 · Elementary"),
  N_("B1 · Intermediate"),
  N_("B2 · Upper intermediate"),
  N_("C1 · Advanced"),
  N_("C2 · Proficient"),
  N_("All levels"),
};

static gboolean
invert_boolean (gpointer  instance,
                gboolean  value)
{
  return !value;
}

/* The chosen start, or 0 when the time cannot be read. */
static gint64
get_start (ParlaSessionEditor *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->calendar);
  g_autoptr(GDateTime) start = NULL;
  int minutes;

  if (!parla_time_parse_hhmm (gtk_editable_get_text (GTK_EDITABLE (self->time_row)), FALSE, &minutes, NULL))
    return 0;

  start = g_date_time_new (parla_context_get_time_zone (self->context),
                           g_date_time_get_year (date), g_date_time_get_month (date),
                           g_date_time_get_day_of_month (date), minutes / 60, minutes % 60, 0);
  return start != NULL ? g_date_time_to_unix (start) : 0;
}

static void
update_actions (ParlaSessionEditor *self)
{
  gint64 start = get_start (self);
  gboolean time_valid = start != 0;
  gboolean future = start > g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  gboolean titled = self->session != NULL || *title != '\0';

  if (time_valid && future)
    gtk_widget_remove_css_class (GTK_WIDGET (self->time_row), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->time_row), "error");

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save", !self->busy && titled && future);
  gtk_stack_set_visible_child_name (self->button_stack, self->busy ? "spinner" : "button");
}

static void
update_date_label (ParlaSessionEditor *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->calendar);
  g_autofree char *label = parla_format_date (date);

  gtk_menu_button_set_label (self->date_button, label);
  update_actions (self);
}

static void
on_day_selected_cb (ParlaSessionEditor *self)
{
  GtkPopover *popover = gtk_menu_button_get_popover (self->date_button);

  update_date_label (self);
  gtk_popover_popdown (popover);
}

static void
report_error (ParlaSessionEditor *self,
              const GError       *error)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  parla_widget_show_error (parent != NULL ? GTK_WIDGET (parent) : GTK_WIDGET (self), error);
}

static void
finish_save (ParlaSessionEditor *self,
             ParlaSession       *session,
             const GError       *error)
{
  self->busy = FALSE;
  update_actions (self);

  if (session == NULL)
    {
      report_error (self, error);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, session);
  gtk_window_close (GTK_WINDOW (self));
}

static void
on_created_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ParlaSessionEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaSession) session = NULL;

  session = parla_api_client_create_session_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  finish_save (self, session, error);
}

static void
on_updated_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(ParlaSessionEditor) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaSession) session = NULL;

  session = parla_api_client_update_session_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  finish_save (self, session, error);
}

static ParlaSession *
build_session (ParlaSessionEditor *self,
               gint64              start)
{
  g_autoptr(ParlaSession) session = parla_session_new ();
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  guint language = adw_combo_row_get_selected (self->language_row);
  guint level = adw_combo_row_get_selected (self->level_row);
  int duration = gtk_spin_button_get_value_as_int (self->duration_spin);
  gint64 price = gtk_switch_get_active (self->free_switch)
    ? 0 : (gint64) llround (gtk_spin_button_get_value (self->price_spin) * 100);

  parla_session_set_title (session, title);
  parla_session_set_session_type (session, PARLA_SESSION_GROUP);
  parla_session_set_language (session, languages[MIN (language, G_N_ELEMENTS (languages) - 1)].code);
  parla_session_set_level (session, (ParlaLevel) MIN (level, (guint) PARLA_LEVEL_ALL));
  parla_session_set_start (session, start);
  parla_session_set_end (session, start + (gint64) duration * 60);
  parla_session_set_duration_minutes (session, duration);
  parla_session_set_capacity (session, gtk_spin_button_get_value_as_int (self->capacity_spin));
  parla_session_set_price_minor (session, price);
  parla_session_set_currency (session, "EUR");

  return g_steal_pointer (&session);
}

static JsonNode *
build_changes (ParlaSessionEditor *self,
               gint64              start)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *rfc3339 = parla_time_format_rfc3339 (start);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "start");
  json_builder_add_string_value (builder, rfc3339);
  json_builder_set_member_name (builder, "duration_minutes");
  json_builder_add_int_value (builder, gtk_spin_button_get_value_as_int (self->duration_spin));
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaSessionEditor *self = PARLA_SESSION_EDITOR (widget);
  ParlaApiClient *client = parla_context_get_api_client (self->context);
  gint64 start = get_start (self);
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(JsonNode) changes = NULL;

  if (self->busy || start == 0)
    return;

  if (self->session == NULL)
    session = build_session (self, start);
  else
    changes = build_changes (self, start);

  if (!parla_context_get_online (self->context))
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) body = session != NULL ? parla_session_to_json (session) : json_node_ref (changes);
      g_autofree char *path = session != NULL
        ? g_strdup ("/api/v1/sessions")
        : g_strdup_printf ("/api/v1/sessions/%s", parla_session_get_id (self->session));
      /* Translators: %s is the session's title */
      g_autofree char *description = g_strdup_printf (session != NULL ? _("Schedule “%s”") : _("Move “%s”"),
                                                      session != NULL ? parla_session_get_title (session)
                                                                      : parla_session_get_title (self->session));
      g_autofree char *queued = NULL;
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

      queued = parla_outbox_enqueue_request (parla_context_get_outbox (self->context),
                                             session != NULL ? "POST" : "PUT", path, body, description, &error);
      if (queued == NULL)
        {
          report_error (self, error);
          return;
        }
      if (parent != NULL)
        parla_widget_show_toast (GTK_WIDGET (parent), _("Offline: the change will be sent when the server is back"));
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  self->busy = TRUE;
  update_actions (self);

  if (session != NULL)
    parla_api_client_create_session_async (client, session, self->idempotency_key, self->cancellable,
                                           on_created_cb, g_object_ref (self));
  else
    parla_api_client_update_session_async (client, parla_session_get_id (self->session), changes,
                                           self->cancellable, on_updated_cb, g_object_ref (self));
}

static void
parla_session_editor_dispose (GObject *object)
{
  ParlaSessionEditor *self = PARLA_SESSION_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_SESSION_EDITOR);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->session);

  G_OBJECT_CLASS (parla_session_editor_parent_class)->dispose (object);
}

static void
parla_session_editor_finalize (GObject *object)
{
  ParlaSessionEditor *self = PARLA_SESSION_EDITOR (object);

  g_free (self->idempotency_key);

  G_OBJECT_CLASS (parla_session_editor_parent_class)->finalize (object);
}

static void
parla_session_editor_class_init (ParlaSessionEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_session_editor_dispose;
  object_class->finalize = parla_session_editor_finalize;

  /**
   * ParlaSessionEditor::saved:
   * @session: the session as the server stored it
   *
   * The session was created or moved.
   */
  signals[SAVED] =
    g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PARLA_TYPE_SESSION);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/requests/parla-session-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, button_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, save_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, about_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, seats_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, language_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, level_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, date_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, calendar);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, time_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, capacity_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, free_switch);
  gtk_widget_class_bind_template_child (widget_class, ParlaSessionEditor, price_spin);
  gtk_widget_class_bind_template_callback (widget_class, invert_boolean);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parla_session_editor_init (ParlaSessionEditor *self)
{
  g_autoptr(GtkStringList) language_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) level_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->idempotency_key = g_uuid_string_random ();

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    gtk_string_list_append (language_names, _(languages[i].name));
  for (guint i = 0; i < G_N_ELEMENTS (level_titles); i++)
    gtk_string_list_append (level_names, _(level_titles[i]));
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (language_names));
  adw_combo_row_set_model (self->level_row, G_LIST_MODEL (level_names));
  adw_combo_row_set_selected (self->level_row, PARLA_LEVEL_B1);

  g_signal_connect_object (self->calendar, "day-selected", G_CALLBACK (on_day_selected_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->title_row, "changed", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->time_row, "changed", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
}

/**
 * parla_session_editor_new:
 * @context: the services
 * @session: (nullable): the session to move, or %NULL for a new one
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer none): a new editor
 */
ParlaSessionEditor *
parla_session_editor_new (ParlaContext *context,
                          ParlaSession *session,
                          GtkWindow    *parent)
{
  ParlaSessionEditor *self;
  g_autoptr(GDateTime) start = NULL;
  g_autofree char *time = NULL;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (session == NULL || PARLA_IS_SESSION (session), NULL);

  self = g_object_new (PARLA_TYPE_SESSION_EDITOR, "transient-for", parent, NULL);
  self->context = g_object_ref (context);

  if (session != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (parla_session_get_start (session));

      self->session = g_object_ref (session);
      start = g_date_time_to_timezone (utc, parla_context_get_time_zone (context));
      gtk_window_set_title (GTK_WINDOW (self), _("Reschedule Session"));
      adw_window_title_set_title (self->window_title, _("Reschedule Session"));
      adw_window_title_set_subtitle (self->window_title, parla_session_get_title (session));
      gtk_button_set_label (self->save_button, _("_Save"));
      gtk_widget_set_visible (GTK_WIDGET (self->about_group), FALSE);
      gtk_widget_set_visible (GTK_WIDGET (self->seats_group), FALSE);
      gtk_spin_button_set_value (self->duration_spin, parla_session_get_duration_minutes (session));
    }
  else
    {
      g_autoptr(GDateTime) now = g_date_time_new_now (parla_context_get_time_zone (context));
      g_autoptr(GDateTime) tomorrow = g_date_time_add_days (now, 1);

      start = g_date_time_new (parla_context_get_time_zone (context),
                               g_date_time_get_year (tomorrow), g_date_time_get_month (tomorrow),
                               g_date_time_get_day_of_month (tomorrow), 18, 0, 0);
    }

  gtk_calendar_select_day (self->calendar, start);
  time = parla_time_format_hhmm (g_date_time_get_hour (start) * 60 + g_date_time_get_minute (start));
  gtk_editable_set_text (GTK_EDITABLE (self->time_row), time);
  update_date_label (self);

  return self;
}
