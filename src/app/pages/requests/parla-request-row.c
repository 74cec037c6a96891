/* parla-request-row.c: one lesson request in the teacher's inbox
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-format.h"
#include "parla-request-row.h"

/**
 * ParlaRequestRow:
 *
 * Who asks, for which offering, when (in the app's time zone, in the
 * teacher's profile zone when that differs, and in the learner's own
 * when that differs), their topic and message,
 * with Accept and Decline buttons for the requests page's actions.
 */
struct _ParlaRequestRow
{
  GtkListBoxRow  parent_instance;

  /* owned */
  ParlaBooking  *booking;

  /* template */
  GtkLabel      *learner_label;
  GtkLabel      *offering_label;
  GtkLabel      *when_label;
  GtkLabel      *other_zone_label;
  GtkLabel      *learner_zone_label;
  GtkLabel      *topic_label;
  GtkLabel      *message_label;
  GtkSpinner    *spinner;
  GtkButton     *decline_button;
  GtkButton     *accept_button;
};

G_DEFINE_FINAL_TYPE (ParlaRequestRow, parla_request_row, GTK_TYPE_LIST_BOX_ROW)

static char *
format_when (gint64     start,
             gint64     end,
             GTimeZone *zone)
{
  g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (start);
  g_autoptr(GDateTime) utc_end = g_date_time_new_from_unix_utc (end);
  g_autoptr(GDateTime) local_start = g_date_time_to_timezone (utc_start, zone);
  g_autoptr(GDateTime) local_end = g_date_time_to_timezone (utc_end, zone);
  return parla_format_time_range (local_start, local_end);
}

static void
update (ParlaRequestRow *self,
        GTimeZone       *time_zone,
        GTimeZone       *profile_zone)
{
  ParlaBooking *booking = self->booking;
  gint64 start = parla_booking_get_start (booking);
  gint64 end = parla_booking_get_end (booking);
  g_autofree char *when = format_when (start, end, time_zone);
  g_autofree char *price = parla_format_price_or_free (parla_booking_get_price_minor (booking),
                                                       parla_booking_get_currency (booking));
  /* Translators: the offering's title, then its price: "Exam coaching · €30.00" */
  g_autofree char *offering = g_strdup_printf (_("%s · %s"), parla_booking_get_title (booking), price);
  const char *topic = parla_booking_get_topic (booking);
  const char *message = parla_booking_get_message (booking);
  gboolean other_zone = FALSE;

  gtk_label_set_label (self->learner_label, parla_booking_get_learner_name (booking));
  gtk_label_set_label (self->offering_label, offering);
  gtk_label_set_label (self->when_label, when);

  if (profile_zone != NULL)
    {
      g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (start);
      g_autoptr(GDateTime) a = g_date_time_to_timezone (utc_start, time_zone);
      g_autoptr(GDateTime) b = g_date_time_to_timezone (utc_start, profile_zone);

      if (g_date_time_get_utc_offset (a) != g_date_time_get_utc_offset (b))
        {
          g_autofree char *there = format_when (start, end, profile_zone);
          /* Translators: a date and time range, then a time zone */
          g_autofree char *text = g_strdup_printf (_("%s in your teaching time zone (%s)"), there,
                                                   g_time_zone_get_identifier (profile_zone));

          gtk_label_set_label (self->other_zone_label, text);
          other_zone = TRUE;
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->other_zone_label), other_zone);

  other_zone = FALSE;
  if (parla_booking_get_learner_time_zone (booking) != NULL)
    {
      g_autoptr(GTimeZone) learner_zone = g_time_zone_new_identifier (parla_booking_get_learner_time_zone (booking));
      g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (start);
      g_autoptr(GDateTime) a = g_date_time_to_timezone (utc_start, time_zone);
      g_autoptr(GDateTime) b = learner_zone != NULL ? g_date_time_to_timezone (utc_start, learner_zone) : NULL;

      if (b != NULL && g_date_time_get_utc_offset (a) != g_date_time_get_utc_offset (b))
        {
          g_autofree char *there = format_when (start, end, learner_zone);
          /* Translators: the learner's name, a date and time range, then
           * their time zone: "Sam Rivera's time: Wed 25 Nov, 04:00–05:00
           * (America/New_York)" */
          g_autofree char *text = g_strdup_printf (_("%s's time: %s (%s)"),
                                                   parla_booking_get_learner_name (booking), there,
                                                   g_time_zone_get_identifier (learner_zone));

          gtk_label_set_label (self->learner_zone_label, text);
          other_zone = TRUE;
        }
    }
  gtk_widget_set_visible (GTK_WIDGET (self->learner_zone_label), other_zone);

  if (topic != NULL && *topic != '\0')
    {
      /* Translators: %s is what the learner wants to talk about */
      g_autofree char *text = g_strdup_printf (_("Topic: %s"), topic);

      gtk_label_set_label (self->topic_label, text);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->topic_label), topic != NULL && *topic != '\0');

  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->accept_button), "s", parla_booking_get_id (booking));
  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->decline_button), "s", parla_booking_get_id (booking));
}

static void
parla_request_row_dispose (GObject *object)
{
  ParlaRequestRow *self = PARLA_REQUEST_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_REQUEST_ROW);
  g_clear_object (&self->booking);

  G_OBJECT_CLASS (parla_request_row_parent_class)->dispose (object);
}

static void
parla_request_row_class_init (ParlaRequestRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_request_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/requests/parla-request-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, learner_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, learner_zone_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, offering_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, when_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, other_zone_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, topic_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, message_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, decline_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestRow, accept_button);
}

static void
parla_request_row_init (ParlaRequestRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * parla_request_row_new:
 * @booking: the pending booking
 * @time_zone: the zone the app shows times in
 * @profile_zone: (nullable): the teacher's profile zone
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
parla_request_row_new (ParlaBooking *booking,
                       GTimeZone    *time_zone,
                       GTimeZone    *profile_zone)
{
  ParlaRequestRow *self;

  g_return_val_if_fail (PARLA_IS_BOOKING (booking), NULL);

  self = g_object_new (PARLA_TYPE_REQUEST_ROW, NULL);
  self->booking = g_object_ref (booking);
  update (self, time_zone, profile_zone);

  return GTK_WIDGET (self);
}

/**
 * parla_request_row_get_booking:
 * @self: a row
 *
 * Returns: (transfer none): its booking
 */
ParlaBooking *
parla_request_row_get_booking (ParlaRequestRow *self)
{
  g_return_val_if_fail (PARLA_IS_REQUEST_ROW (self), NULL);

  return self->booking;
}

/**
 * parla_request_row_set_busy:
 * @self: a row
 * @busy: whether an answer is on its way
 *
 * Shows a spinner and makes the buttons insensitive while answering.
 */
void
parla_request_row_set_busy (ParlaRequestRow *self,
                            gboolean         busy)
{
  g_return_if_fail (PARLA_IS_REQUEST_ROW (self));

  gtk_widget_set_visible (GTK_WIDGET (self->spinner), busy);
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->accept_button), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->decline_button), !busy);
}
