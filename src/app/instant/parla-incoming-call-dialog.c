/* parla-incoming-call-dialog.c: a learner calls the teacher now
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-incoming-call-dialog.h"

/**
 * ParlaIncomingCallDialog:
 *
 * The in-app side of a ring (see #ParlaRingService): who calls, their
 * level and language, what they want to work on, and how long the ring
 * lasts. Its responses are `accept` (the default: Enter) and `decline`
 * (Escape or closing it); the ring service acts on them and closes it
 * when the call is answered elsewhere, times out or is cancelled.
 */
struct _ParlaIncomingCallDialog
{
  AdwMessageDialog  parent_instance;

  /* owned */
  char             *call_id;
  GDateTime        *ring_deadline;
  guint             countdown_id;

  /* template */
  GtkLabel         *details_label;
  GtkLabel         *goal_label;
  GtkLabel         *countdown_label;
};

G_DEFINE_FINAL_TYPE (ParlaIncomingCallDialog, parla_incoming_call_dialog, ADW_TYPE_MESSAGE_DIALOG)

static gboolean
update_countdown (gpointer user_data)
{
  ParlaIncomingCallDialog *self = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  GTimeSpan left;
  int seconds;

  if (self->ring_deadline == NULL)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), FALSE);
      return G_SOURCE_REMOVE;
    }

  left = g_date_time_difference (self->ring_deadline, now);
  seconds = (int) MAX ((left + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, 0);
  text = g_strdup_printf (ngettext ("Rings for %d more second", "Rings for %d more seconds", seconds),
                          seconds);
  gtk_label_set_label (self->countdown_label, text);

  return G_SOURCE_CONTINUE;
}

static void
parla_incoming_call_dialog_dispose (GObject *object)
{
  ParlaIncomingCallDialog *self = PARLA_INCOMING_CALL_DIALOG (object);

  g_clear_handle_id (&self->countdown_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_INCOMING_CALL_DIALOG);

  G_OBJECT_CLASS (parla_incoming_call_dialog_parent_class)->dispose (object);
}

static void
parla_incoming_call_dialog_finalize (GObject *object)
{
  ParlaIncomingCallDialog *self = PARLA_INCOMING_CALL_DIALOG (object);

  g_clear_pointer (&self->call_id, g_free);
  g_clear_pointer (&self->ring_deadline, g_date_time_unref);

  G_OBJECT_CLASS (parla_incoming_call_dialog_parent_class)->finalize (object);
}

static void
parla_incoming_call_dialog_class_init (ParlaIncomingCallDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_incoming_call_dialog_dispose;
  object_class->finalize = parla_incoming_call_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/instant/parla-incoming-call-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaIncomingCallDialog, details_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaIncomingCallDialog, goal_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaIncomingCallDialog, countdown_label);
}

static void
parla_incoming_call_dialog_init (ParlaIncomingCallDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

static void
set_optional_label (GtkLabel   *label,
                    const char *text)
{
  gtk_label_set_label (label, text != NULL ? text : "");
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

/**
 * parla_incoming_call_dialog_new:
 * @parent: (nullable): the window it belongs to
 * @call_id: the ringing call
 * @learner_name: who calls
 * @details: (nullable): e.g. "Spanish · level B1"
 * @goal: (nullable): what they want, e.g. "Business conversation"
 * @ring_deadline: (nullable): when the ring moves on to someone else
 *
 * Returns: (transfer none): the dialog, not shown yet
 */
ParlaIncomingCallDialog *
parla_incoming_call_dialog_new (GtkWindow  *parent,
                                const char *call_id,
                                const char *learner_name,
                                const char *details,
                                const char *goal,
                                GDateTime  *ring_deadline)
{
  ParlaIncomingCallDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (!parent || GTK_IS_WINDOW (parent), NULL);
  g_return_val_if_fail (call_id != NULL, NULL);
  g_return_val_if_fail (learner_name != NULL, NULL);

  self = g_object_new (PARLA_TYPE_INCOMING_CALL_DIALOG,
                       "transient-for", parent,
                       NULL);
  self->call_id = g_strdup (call_id);
  self->ring_deadline = ring_deadline != NULL ? g_date_time_ref (ring_deadline) : NULL;

  /* Translators: %s is the learner's name */
  body = g_strdup_printf (_("%s wants to talk with a tutor now."), learner_name);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  set_optional_label (self->details_label, details);
  set_optional_label (self->goal_label, goal);

  if (update_countdown (self) == G_SOURCE_CONTINUE)
    self->countdown_id = g_timeout_add_seconds (1, update_countdown, self);

  return self;
}

/**
 * parla_incoming_call_dialog_get_call_id:
 * @self: a #ParlaIncomingCallDialog
 *
 * Returns: the call it rings for
 */
const char *
parla_incoming_call_dialog_get_call_id (ParlaIncomingCallDialog *self)
{
  g_return_val_if_fail (PARLA_IS_INCOMING_CALL_DIALOG (self), NULL);

  return self->call_id;
}
