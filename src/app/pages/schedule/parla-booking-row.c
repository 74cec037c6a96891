/* parla-booking-row.c: one booking in My Schedule
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-booking-row.h"
#include "parla-format.h"

/**
 * ParlaBookingRow:
 *
 * A booking's title, time (in the learner's zone), teacher, status (with
 * the teacher's reason when they declined) and a countdown to its start; from ten minutes before the start until its end
 * a live lesson has a Join button (the application's `app.join` action,
 * the booking id as target). Its menu reschedules, cancels or exports it
 * through the schedule page's actions.
 */
struct _ParlaBookingRow
{
  GtkListBoxRow   parent_instance;

  /* owned */
  ParlaBooking   *booking;
  GTimeZone      *time_zone;

  /* template */
  GtkLabel       *title_label;
  GtkLabel       *when_label;
  GtkLabel       *with_label;
  GtkLabel       *status_label;
  GtkLabel       *countdown_label;
  GtkLabel       *reason_label;
  GtkButton      *join_button;
  GtkMenuButton  *menu_button;
};

G_DEFINE_FINAL_TYPE (ParlaBookingRow, parla_booking_row, GTK_TYPE_LIST_BOX_ROW)

static const char * const status_classes[] = { "success", "warning", "error", "accent" };

static gboolean
booking_is_live (ParlaBooking *booking)
{
  ParlaBookingStatus status = parla_booking_get_status (booking);

  return status == PARLA_BOOKING_CONFIRMED || status == PARLA_BOOKING_PENDING ||
         status == PARLA_BOOKING_PAYMENT_PENDING;
}

static const char *
describe_status (ParlaBooking *booking,
                 const char  **out_class)
{
  switch (parla_booking_get_status (booking))
    {
    case PARLA_BOOKING_CONFIRMED:
      *out_class = "success";
      return _("Confirmed");
    case PARLA_BOOKING_PENDING:
      *out_class = "warning";
      return _("Waiting for the teacher's answer");
    case PARLA_BOOKING_PAYMENT_PENDING:
      *out_class = "warning";
      return _("Waiting for payment");
    case PARLA_BOOKING_CANCELLED:
      *out_class = "error";
      return parla_booking_get_cancelled_by (booking) == PARLA_PARTY_TEACHER
        ? _("Cancelled by the teacher") : _("Cancelled");
    case PARLA_BOOKING_REJECTED:
      *out_class = "error";
      return _("Declined by the teacher");
    case PARLA_BOOKING_EXPIRED:
      *out_class = "error";
      return _("Expired unpaid");
    default:
      *out_class = "accent";
      return "";
    }
}

static void
build_menu (ParlaBookingRow *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  const char *id = parla_booking_get_id (self->booking);
  gboolean live = booking_is_live (self->booking);
  gboolean future = parla_booking_get_start (self->booking) > g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(GMenuItem) item = NULL;

  if (live && future && parla_booking_get_kind (self->booking) == PARLA_BOOKING_KIND_LESSON)
    {
      item = g_menu_item_new (_("_Reschedule…"), NULL);
      g_menu_item_set_action_and_target (item, "schedule.reschedule", "s", id);
      g_menu_append_item (menu, item);
      g_clear_object (&item);
    }
  if (live && future)
    {
      item = g_menu_item_new (parla_booking_get_kind (self->booking) == PARLA_BOOKING_KIND_LESSON
                              ? _("_Cancel Lesson…") : _("_Give Up Seat…"), NULL);
      g_menu_item_set_action_and_target (item, "schedule.cancel", "s", id);
      g_menu_append_item (menu, item);
      g_clear_object (&item);
    }

  item = g_menu_item_new (_("_Export to Calendar…"), NULL);
  g_menu_item_set_action_and_target (item, "schedule.export", "s", id);
  g_menu_append_item (menu, item);

  gtk_menu_button_set_menu_model (self->menu_button, G_MENU_MODEL (menu));
}

static void
update (ParlaBookingRow *self)
{
  ParlaBooking *booking = self->booking;
  g_autoptr(GDateTime) start = g_date_time_new_from_unix_utc (parla_booking_get_start (booking));
  g_autoptr(GDateTime) end = g_date_time_new_from_unix_utc (parla_booking_get_end (booking));
  g_autoptr(GDateTime) local_start = g_date_time_to_timezone (start, self->time_zone);
  g_autoptr(GDateTime) local_end = g_date_time_to_timezone (end, self->time_zone);
  g_autofree char *when = parla_format_time_range (local_start, local_end);
  g_autofree char *with = NULL;
  const char *status_class = NULL;
  const char *status;

  gtk_label_set_label (self->title_label, parla_booking_get_title (booking));

  gtk_label_set_label (self->when_label, when);

  if (parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_SESSION)
    /* Translators: %s is the host's name */
    with = g_strdup_printf (_("Group session hosted by %s"), parla_booking_get_teacher_name (booking));
  else
    /* Translators: %s is the teacher's name */
    with = g_strdup_printf (_("Lesson with %s"), parla_booking_get_teacher_name (booking));
  gtk_label_set_label (self->with_label, with);

  status = describe_status (booking, &status_class);
  gtk_label_set_label (self->status_label, status);
  for (guint i = 0; i < G_N_ELEMENTS (status_classes); i++)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), status_classes[i]);
  gtk_widget_add_css_class (GTK_WIDGET (self->status_label), status_class);

  /* Why the teacher declined, when they said. */
  if (parla_booking_get_status (booking) == PARLA_BOOKING_REJECTED &&
      parla_booking_get_reject_reason (booking) != NULL)
    {
      /* Translators: %s is what the teacher wrote when declining */
      g_autofree char *reason = g_strdup_printf (_("The teacher wrote: “%s”"),
                                                 parla_booking_get_reject_reason (booking));

      gtk_label_set_label (self->reason_label, reason);
      gtk_widget_set_visible (GTK_WIDGET (self->reason_label), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->reason_label), FALSE);

  gtk_actionable_set_action_target (GTK_ACTIONABLE (self->join_button), "s",
                                    parla_booking_get_id (booking));
  build_menu (self);
}

static void
parla_booking_row_dispose (GObject *object)
{
  ParlaBookingRow *self = PARLA_BOOKING_ROW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_BOOKING_ROW);
  g_clear_object (&self->booking);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);

  G_OBJECT_CLASS (parla_booking_row_parent_class)->dispose (object);
}

static void
parla_booking_row_class_init (ParlaBookingRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_booking_row_dispose;

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/schedule/parla-booking-row.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, title_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, when_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, with_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, status_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, reason_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, join_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingRow, menu_button);
}

static void
parla_booking_row_init (ParlaBookingRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * parla_booking_can_join:
 * @booking: a booking
 * @now: the current time, seconds since the epoch
 *
 * Returns: whether @booking is confirmed and its call is open: from
 *   %PARLA_JOIN_BEFORE_SECONDS before its start until its end
 */
gboolean
parla_booking_can_join (ParlaBooking *booking,
                        gint64        now)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (booking), FALSE);

  return parla_booking_get_status (booking) == PARLA_BOOKING_CONFIRMED &&
         now >= parla_booking_get_start (booking) - PARLA_JOIN_BEFORE_SECONDS &&
         now < parla_booking_get_end (booking);
}

/**
 * parla_booking_row_new:
 * @booking: the booking to show
 * @time_zone: the zone to show its times in
 *
 * Returns: (transfer floating): a new row
 */
GtkWidget *
parla_booking_row_new (ParlaBooking *booking,
                       GTimeZone    *time_zone)
{
  ParlaBookingRow *self;

  g_return_val_if_fail (PARLA_IS_BOOKING (booking), NULL);
  g_return_val_if_fail (time_zone != NULL, NULL);

  self = g_object_new (PARLA_TYPE_BOOKING_ROW, NULL);
  self->booking = g_object_ref (booking);
  self->time_zone = g_time_zone_ref (time_zone);
  update (self);
  parla_booking_row_tick (self, g_get_real_time () / G_USEC_PER_SEC);

  return GTK_WIDGET (self);
}

/**
 * parla_booking_row_get_booking:
 * @self: a row
 *
 * Returns: (transfer none): its booking
 */
ParlaBooking *
parla_booking_row_get_booking (ParlaBookingRow *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING_ROW (self), NULL);

  return self->booking;
}

/**
 * parla_booking_row_tick:
 * @self: a row
 * @now: the current time, seconds since the epoch
 *
 * Updates the countdown and whether the Join button shows.
 */
void
parla_booking_row_tick (ParlaBookingRow *self,
                        gint64           now)
{
  ParlaBooking *booking;
  gint64 start, end;
  g_autofree char *countdown = NULL;

  g_return_if_fail (PARLA_IS_BOOKING_ROW (self));

  booking = self->booking;
  start = parla_booking_get_start (booking);
  end = parla_booking_get_end (booking);

  if (!booking_is_live (booking) || now >= end)
    countdown = NULL;
  else if (now >= start)
    countdown = g_strdup (_("Happening now"));
  else
    {
      g_autofree char *in = parla_format_countdown ((start - now) * G_TIME_SPAN_SECOND);

      /* Translators: %s is a countdown such as "in 3 h 20 min" */
      countdown = g_strdup_printf (_("Starts %s"), in);
    }

  gtk_label_set_label (self->countdown_label, countdown != NULL ? countdown : "");
  gtk_widget_set_visible (GTK_WIDGET (self->countdown_label), countdown != NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->join_button), parla_booking_can_join (booking, now));
}
