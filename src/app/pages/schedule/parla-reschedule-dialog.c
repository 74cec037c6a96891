/* parla-reschedule-dialog.c: move a lesson to another free time
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-format.h"
#include "parla-reschedule-dialog.h"
#include "parla-window.h"

/* How far ahead the free times are looked up, and how many are shown. */
#define HORIZON_DAYS 14
#define MAX_SLOTS 120

/**
 * ParlaRescheduleDialog:
 *
 * Lists the teacher's free times for a lesson of the same length (from
 * `GET /api/v1/teachers/{id}/availability`), in the learner's zone with
 * the teacher's alongside, and moves the same booking to the one picked
 * (`POST /api/v1/bookings/{id}/reschedule`), or queues the move in the
 * outbox while offline. Emits #ParlaRescheduleDialog::rescheduled with the
 * moved booking, then closes.
 */
struct _ParlaRescheduleDialog
{
  AdwWindow       parent_instance;

  /* owned */
  ParlaContext   *context;
  ParlaBooking   *booking;
  GCancellable   *cancellable;
  GArray         *starts;          /* gint64, one per row */
  char           *idempotency_key;
  GTimeZone      *teacher_zone;

  /* template */
  AdwWindowTitle *window_title;
  GtkStack       *button_stack;
  GtkStack       *stack;
  GtkLabel       *explanation_label;
  GtkListBox     *slot_list;

  int             selected;        /* -1: none */
  guint           loading : 1;
  guint           busy : 1;
};

G_DEFINE_FINAL_TYPE (ParlaRescheduleDialog, parla_reschedule_dialog, ADW_TYPE_WINDOW)

enum {
  RESCHEDULED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
update_actions (ParlaRescheduleDialog *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "reschedule.confirm",
                                 !self->busy && !self->loading && self->selected >= 0);
  gtk_stack_set_visible_child_name (self->button_stack, self->busy ? "spinner" : "button");
}

static void
report_error (ParlaRescheduleDialog *self,
              const GError          *error)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

  parla_widget_show_error (parent != NULL ? GTK_WIDGET (parent) : GTK_WIDGET (self), error);
}

static void
on_check_toggled_cb (GtkCheckButton        *check,
                     ParlaRescheduleDialog *self)
{
  if (!gtk_check_button_get_active (check))
    return;

  self->selected = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (check), "position"));
  update_actions (self);
}

static GtkWidget *
create_slot_row (ParlaRescheduleDialog *self,
                 gint64                 start,
                 gint64                 end,
                 GtkCheckButton        *group)
{
  GTimeZone *zone = parla_context_get_time_zone (self->context);
  g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) utc_end = g_date_time_new_from_unix_utc (end);
  g_autoptr(GDateTime) local_start = g_date_time_to_timezone (utc_start, zone);
  g_autoptr(GDateTime) local_end = g_date_time_to_timezone (utc_end, zone);
  g_autofree char *title = parla_format_time_range (local_start, local_end);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *check = gtk_check_button_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);

  if (self->teacher_zone != NULL)
    {
      g_autoptr(GDateTime) teacher_start = g_date_time_to_timezone (utc_start, self->teacher_zone);
      g_autoptr(GDateTime) teacher_end = g_date_time_to_timezone (utc_end, self->teacher_zone);
      g_autofree char *teacher_range = parla_format_time_range (teacher_start, teacher_end);

      if (g_date_time_get_utc_offset (teacher_start) != g_date_time_get_utc_offset (local_start))
        {
          /* Translators: a time range in the teacher's time zone */
          g_autofree char *subtitle = g_strdup_printf (_("%s for the teacher"), teacher_range);

          adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
        }
    }

  gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  if (group != NULL)
    gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
  g_object_set_data (G_OBJECT (check), "position", GINT_TO_POINTER (self->starts->len));
  g_signal_connect_object (check, "toggled", G_CALLBACK (on_check_toggled_cb), self, 0);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);

  g_array_append_val (self->starts, start);
  return row;
}

static void
show_slots (ParlaRescheduleDialog *self,
            JsonNode              *node)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  JsonArray *slots = object != NULL && json_object_has_member (object, "slots")
    ? json_object_get_array_member (object, "slots") : NULL;
  const char *zone_id = object != NULL && json_object_has_member (object, "time_zone")
    ? json_object_get_string_member (object, "time_zone") : NULL;
  gint64 current = parla_booking_get_start (self->booking);
  GtkCheckButton *group = NULL;
  g_autofree char *explanation = NULL;

  if (zone_id != NULL)
    self->teacher_zone = parla_time_zone_new (zone_id, NULL);

  for (guint i = 0; slots != NULL && i < json_array_get_length (slots) && self->starts->len < MAX_SLOTS; i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);
      gint64 start, end;
      GtkWidget *row;

      if (slot == NULL ||
          !parla_time_parse_rfc3339 (json_object_get_string_member_with_default (slot, "start", ""),
                                     &start, NULL) ||
          !parla_time_parse_rfc3339 (json_object_get_string_member_with_default (slot, "end", ""),
                                     &end, NULL) ||
          start == current)
        continue;

      row = create_slot_row (self, start, end, group);
      if (group == NULL)
        group = GTK_CHECK_BUTTON (adw_action_row_get_activatable_widget (ADW_ACTION_ROW (row)));
      gtk_list_box_append (self->slot_list, row);
    }

  if (zone_id != NULL)
    /* Translators: %s is a time zone such as Europe/Madrid */
    explanation = g_strdup_printf (_("Pick a new time. Times are in your time zone; the teacher is in %s."),
                                   zone_id);
  else
    explanation = g_strdup (_("Pick a new time. Times are in your time zone."));
  gtk_label_set_label (self->explanation_label, explanation);

  gtk_stack_set_visible_child_name (self->stack, self->starts->len > 0 ? "slots" : "empty");
}

static void
on_availability_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autoptr(ParlaRescheduleDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = NULL;

  node = parla_api_client_get_teacher_availability_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  if (node == NULL)
    {
      report_error (self, error);
      gtk_stack_set_visible_child_name (self->stack, "empty");
    }
  else
    {
      show_slots (self, node);
    }

  update_actions (self);
}

static void
load (ParlaRescheduleDialog *self)
{
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 minutes = (parla_booking_get_end (self->booking) - parla_booking_get_start (self->booking)) / 60;

  parla_api_query_add_instant (query, "from", now);
  parla_api_query_add_instant (query, "to", now + HORIZON_DAYS * 24 * 3600);
  parla_api_query_add_int (query, "duration", minutes);

  self->loading = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "loading");
  parla_api_client_get_teacher_availability_async (parla_context_get_api_client (self->context),
                                                   parla_booking_get_teacher_id (self->booking),
                                                   query, self->cancellable,
                                                   on_availability_cb, g_object_ref (self));
}

static void
on_rescheduled_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(ParlaRescheduleDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaBooking) booking = NULL;

  booking = parla_api_client_reschedule_booking_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->busy = FALSE;
  update_actions (self);

  if (booking == NULL)
    {
      report_error (self, error);
      return;
    }

  g_signal_emit (self, signals[RESCHEDULED], 0, booking);
  gtk_window_close (GTK_WINDOW (self));
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ParlaRescheduleDialog *self = PARLA_RESCHEDULE_DIALOG (widget);
  gint64 start;

  if (self->selected < 0 || self->busy)
    return;

  start = g_array_index (self->starts, gint64, self->selected);

  if (!parla_context_get_online (self->context))
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/reschedule",
                                               parla_booking_get_id (self->booking));
      g_autofree char *rfc3339 = parla_time_format_rfc3339 (start);
      g_autofree char *description = NULL;
      g_autofree char *key = NULL;
      GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "start");
      json_builder_add_string_value (builder, rfc3339);
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);

      /* Translators: %s is the lesson's title */
      description = g_strdup_printf (_("Move “%s”"), parla_booking_get_title (self->booking));
      key = parla_outbox_enqueue_request (parla_context_get_outbox (self->context), "POST", path,
                                          body, description, &error);
      if (key == NULL)
        {
          report_error (self, error);
          return;
        }

      if (parent != NULL)
        parla_widget_show_toast (GTK_WIDGET (parent),
                                 _("Offline: the lesson will be moved when the server is back"));
      gtk_window_close (GTK_WINDOW (self));
      return;
    }

  self->busy = TRUE;
  update_actions (self);
  parla_api_client_reschedule_booking_async (parla_context_get_api_client (self->context),
                                             parla_booking_get_id (self->booking), start,
                                             self->idempotency_key, self->cancellable,
                                             on_rescheduled_cb, g_object_ref (self));
}

static void
parla_reschedule_dialog_dispose (GObject *object)
{
  ParlaRescheduleDialog *self = PARLA_RESCHEDULE_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_RESCHEDULE_DIALOG);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->booking);

  G_OBJECT_CLASS (parla_reschedule_dialog_parent_class)->dispose (object);
}

static void
parla_reschedule_dialog_finalize (GObject *object)
{
  ParlaRescheduleDialog *self = PARLA_RESCHEDULE_DIALOG (object);

  g_clear_pointer (&self->starts, g_array_unref);
  g_clear_pointer (&self->teacher_zone, g_time_zone_unref);
  g_free (self->idempotency_key);

  G_OBJECT_CLASS (parla_reschedule_dialog_parent_class)->finalize (object);
}

static void
parla_reschedule_dialog_class_init (ParlaRescheduleDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_reschedule_dialog_dispose;
  object_class->finalize = parla_reschedule_dialog_finalize;

  /**
   * ParlaRescheduleDialog::rescheduled:
   * @booking: the booking as the server moved it
   *
   * The lesson was moved.
   */
  signals[RESCHEDULED] =
    g_signal_new ("rescheduled", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, PARLA_TYPE_BOOKING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/schedule/parla-reschedule-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaRescheduleDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, ParlaRescheduleDialog, button_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaRescheduleDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaRescheduleDialog, explanation_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRescheduleDialog, slot_list);

  gtk_widget_class_install_action (widget_class, "reschedule.confirm", NULL, confirm_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parla_reschedule_dialog_init (ParlaRescheduleDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->starts = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->idempotency_key = g_uuid_string_random ();
  self->selected = -1;
  update_actions (self);
}

/**
 * parla_reschedule_dialog_new:
 * @context: the services
 * @booking: the lesson to move
 * @parent: (nullable): the window it belongs to
 *
 * Returns: (transfer none): a new dialog, loading the free times
 */
ParlaRescheduleDialog *
parla_reschedule_dialog_new (ParlaContext *context,
                             ParlaBooking *booking,
                             GtkWindow    *parent)
{
  ParlaRescheduleDialog *self;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (PARLA_IS_BOOKING (booking), NULL);

  self = g_object_new (PARLA_TYPE_RESCHEDULE_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->context = g_object_ref (context);
  self->booking = g_object_ref (booking);
  adw_window_title_set_subtitle (self->window_title, parla_booking_get_title (booking));
  load (self);

  return self;
}

gboolean
parla_reschedule_dialog_get_loading (ParlaRescheduleDialog *self)
{
  g_return_val_if_fail (PARLA_IS_RESCHEDULE_DIALOG (self), FALSE);

  return self->loading;
}

guint
parla_reschedule_dialog_get_n_slots (ParlaRescheduleDialog *self)
{
  g_return_val_if_fail (PARLA_IS_RESCHEDULE_DIALOG (self), 0);

  return self->starts->len;
}

/**
 * parla_reschedule_dialog_get_slot_start:
 * @self: a dialog
 * @position: a row
 *
 * Returns: the start of the free time the row at @position offers
 */
gint64
parla_reschedule_dialog_get_slot_start (ParlaRescheduleDialog *self,
                                        guint                  position)
{
  g_return_val_if_fail (PARLA_IS_RESCHEDULE_DIALOG (self), 0);
  g_return_val_if_fail (position < self->starts->len, 0);

  return g_array_index (self->starts, gint64, position);
}

/**
 * parla_reschedule_dialog_select_slot:
 * @self: a dialog
 * @position: a row
 *
 * Picks the free time at @position, as clicking its row does.
 */
void
parla_reschedule_dialog_select_slot (ParlaRescheduleDialog *self,
                                     guint                  position)
{
  GtkListBoxRow *row;

  g_return_if_fail (PARLA_IS_RESCHEDULE_DIALOG (self));
  g_return_if_fail (position < self->starts->len);

  row = gtk_list_box_get_row_at_index (self->slot_list, (int) position);
  gtk_widget_activate (GTK_WIDGET (row));
}
