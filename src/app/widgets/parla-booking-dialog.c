/* parla-booking-dialog.c: book a lesson or a seat
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-booking-dialog.h"
#include "parla-open-uri.h"
#include "parla-format.h"
#include "parla-teacher-format.h"

/* How far ahead the time picker looks for free slots. */
#define SLOT_DAYS 14

/**
 * ParlaBookingDialog:
 *
 * A modal window that books either a 1:1 lesson of a teacher's offering
 * (choose the offering and one of its free slots, suggest a topic, write
 * a message) or a seat in a scheduled session. It shows the price and the
 * server's cancellation policy for it, with the exact refunds, before
 * anything is sent, then the result: confirmed,
 * or pending until the teacher answers (it follows `booking.accepted` and
 * `booking.rejected` live), or, while offline, queued in the outbox to be
 * sent when the server is back. Escape cancels.
 */
struct _ParlaBookingDialog
{
  AdwWindow          parent_instance;

  /* owned */
  ParlaContext      *context;
  GCancellable      *cancellable;
  char              *teacher_id;
  char              *wanted_offering_id;
  gint64             wanted_start;
  ParlaTeacher      *teacher;
  GPtrArray         *offerings;        /* ParlaOffering, individual ones */
  GArray            *slots;            /* gint64 pairs: start, end */
  ParlaSession      *session;
  ParlaBooking      *booking;
  ParlaPolicy       *policy;
  char              *idempotency_key;
  GCancellable      *slots_cancellable;
  GCancellable      *policy_cancellable;

  /* template children */
  AdwToastOverlay   *toast_overlay;
  AdwWindowTitle    *window_title;
  GtkButton         *cancel_button;
  GtkStack          *book_stack;
  GtkStack          *stack;
  AdwPreferencesGroup *lesson_group;
  AdwComboRow       *offering_row;
  AdwComboRow       *slot_row;
  AdwPreferencesGroup *session_group;
  AdwActionRow      *session_title_row;
  AdwActionRow      *session_time_row;
  GtkLabel          *seats_label;
  AdwPreferencesGroup *request_group;
  AdwEntryRow       *topic_row;
  AdwEntryRow       *message_row;
  GtkLabel          *price_label;
  AdwActionRow      *approval_row;
  AdwActionRow      *policy_row;
  AdwStatusPage     *unavailable_page;
  AdwStatusPage     *result_page;
  GtkLinkButton     *checkout_button;

  guint              hold_timer;       /* ticks the time left to pay */

  guint              busy : 1;
  guint              queued : 1;
  guint              loading_slots : 1;
  guint              loading_policy : 1;
  guint              policy_failed : 1;
  guint              checkout_opened : 1;
};

G_DEFINE_FINAL_TYPE (ParlaBookingDialog, parla_booking_dialog, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_BOOKING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static ParlaOffering *
get_selected_offering (ParlaBookingDialog *self)
{
  guint selected = adw_combo_row_get_selected (self->offering_row);

  if (self->offerings == NULL || selected == GTK_INVALID_LIST_POSITION ||
      selected >= self->offerings->len)
    return NULL;

  return g_ptr_array_index (self->offerings, selected);
}

static gboolean
get_selected_slot (ParlaBookingDialog *self,
                   gint64             *out_start,
                   gint64             *out_end)
{
  guint selected = adw_combo_row_get_selected (self->slot_row);

  if (self->slots == NULL || self->loading_slots ||
      selected == GTK_INVALID_LIST_POSITION || selected * 2 + 1 >= self->slots->len)
    return FALSE;

  *out_start = g_array_index (self->slots, gint64, selected * 2);
  *out_end = g_array_index (self->slots, gint64, selected * 2 + 1);
  return TRUE;
}

static void
update_actions (ParlaBookingDialog *self)
{
  gboolean ready = FALSE;
  gint64 start, end;

  if (self->booking == NULL && !self->queued && !self->busy)
    {
      if (self->session != NULL)
        ready = parla_session_get_seats_left (self->session) > 0 &&
                parla_session_get_my_booking_status (self->session) < 0;
      else
        ready = get_selected_offering (self) != NULL && get_selected_slot (self, &start, &end);
    }

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "booking.confirm", ready);
}

static void
show_toast (ParlaBookingDialog *self,
            const char         *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error (ParlaBookingDialog *self,
            const GError       *error)
{
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  parla_context_report_offline (self->context, error);
  show_toast (self, error->message);
}

/* The refund tiers in plain words, with what each gives back of
 * @price_minor: the server computes refunds with the same function. */
static char *
format_policy (const ParlaPolicy *policy,
               gint64             price_minor,
               const char        *currency)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autofree char *full = NULL;
  const gint64 start = 1000000000;

  if (price_minor == 0)
    return g_strdup (_("Free to book and free to cancel at any time."));

  full = parla_format_price (price_minor, currency);
  g_string_append_printf (text,
                          ngettext ("Cancel at least %d hour before the start: full refund, %s.",
                                    "Cancel at least %d hours before the start: full refund, %s.",
                                    (gulong) policy->full_refund_hours),
                          policy->full_refund_hours, full);

  if (policy->partial_refund_bp > 0 && policy->partial_refund_hours < policy->full_refund_hours)
    {
      gint64 partial_minor = parla_policy_refund_minor (policy, price_minor, start,
                                                        start - (gint64) policy->partial_refund_hours * 3600,
                                                        PARLA_PARTY_LEARNER);
      g_autofree char *partial = parla_format_price (partial_minor, currency);

      g_string_append_c (text, '\n');
      /* Translators: hours, then a percentage, then an amount of money */
      g_string_append_printf (text,
                              ngettext ("At least %d hour before: %d %% back, %s.",
                                        "At least %d hours before: %d %% back, %s.",
                                        (gulong) policy->partial_refund_hours),
                              policy->partial_refund_hours, policy->partial_refund_bp / 100, partial);
      g_string_append_c (text, '\n');
      g_string_append (text, _("Later: no refund."));
    }
  else
    {
      g_string_append_c (text, '\n');
      g_string_append (text, _("Later: no refund."));
    }

  g_string_append_c (text, '\n');
  g_string_append (text, _("If the teacher cancels or declines, you get everything back."));

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
update_price (ParlaBookingDialog *self)
{
  g_autofree char *price = NULL;
  g_autofree char *policy = NULL;
  const ParlaPolicy *rules;
  gint64 price_minor = 0;
  const char *currency = "EUR";
  gboolean approval = FALSE;

  if (self->session != NULL)
    {
      price_minor = parla_session_get_price_minor (self->session);
      currency = parla_session_get_currency (self->session);
    }
  else
    {
      ParlaOffering *offering = get_selected_offering (self);

      if (offering != NULL)
        {
          price_minor = parla_offering_get_price_minor (offering);
          currency = parla_offering_get_currency (offering);
          approval = parla_offering_get_requires_approval (offering);
        }
    }

  price = parla_format_price_or_free (price_minor, currency);
  gtk_label_set_label (self->price_label, price);

  adw_action_row_set_subtitle (self->approval_row,
                               approval
                               ? _("The teacher accepts or declines your request; you will see their answer here and in My Schedule.")
                               : _("Confirmed at once."));

  /* The booking's own snapshot once there is one, what the server says a
   * booking would keep before. */
  rules = self->booking != NULL ? parla_booking_get_policy (self->booking) : NULL;
  if (rules == NULL)
    rules = self->policy;
  if (rules != NULL)
    policy = format_policy (rules, price_minor, currency);
  else if (self->policy_failed)
    policy = g_strdup (_("The cancellation policy could not be loaded. It is shown in My Schedule once you have booked."));
  else
    policy = g_strdup (_("Loading the cancellation policy…"));
  adw_action_row_set_subtitle (self->policy_row, policy);
}

static void
on_policy_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  ParlaBookingDialog *self;
  g_autoptr(ParlaPolicy) policy = NULL;
  g_autoptr(GError) error = NULL;

  policy = parla_api_client_get_cancellation_policy_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_BOOKING_DIALOG (user_data);
  self->loading_policy = FALSE;
  self->policy_failed = policy == NULL;
  if (policy == NULL)
    show_error (self, error);
  else
    {
      g_clear_pointer (&self->policy, parla_policy_unref);
      self->policy = g_steal_pointer (&policy);
    }

  update_price (self);
}

/* The policy is the teacher's (their fee may differ), the same for each
 * of their offerings: asked for once. */
static void
load_policy (ParlaBookingDialog *self,
             const char         *offering_id,
             const char         *session_id)
{
  if (self->policy != NULL || self->loading_policy)
    return;

  g_clear_object (&self->policy_cancellable);
  self->policy_cancellable = g_cancellable_new ();
  self->loading_policy = TRUE;
  self->policy_failed = FALSE;
  parla_api_client_get_cancellation_policy_async (parla_context_get_api_client (self->context),
                                                  offering_id, session_id, self->policy_cancellable,
                                                  on_policy_cb, self);
}

static void
update_slot_subtitle (ParlaBookingDialog *self)
{
  g_autofree char *zone_text = NULL;
  gint64 start, end;

  if (self->loading_slots)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->slot_row), _("Looking for free times…"));
      return;
    }

  if (!get_selected_slot (self, &start, &end))
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->slot_row),
                                   _("No free time in the next two weeks for this offering."));
      return;
    }

  if (self->teacher != NULL)
    zone_text = parla_teacher_format_slot_in_zone (start, end, parla_teacher_get_time_zone (self->teacher));
  if (zone_text != NULL)
    {
      /* Translators: %s is a time range in the teacher's time zone */
      g_autofree char *subtitle = g_strdup_printf (_("Teacher's time: %s"), zone_text);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->slot_row), subtitle);
    }
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->slot_row), "");
}

static void
update_seats (ParlaBookingDialog *self)
{
  g_autofree char *seats = NULL;

  if (self->session == NULL)
    return;

  seats = g_strdup_printf (_("%d of %d"),
                           parla_session_get_seats_left (self->session),
                           parla_session_get_capacity (self->session));
  gtk_label_set_label (self->seats_label, seats);
  update_actions (self);
}

/* What is held and until when, with the time left and the platform's
 * share of the price when the server gives it. */
static char *
describe_payment (ParlaBookingDialog *self)
{
  g_autofree char *when = parla_teacher_format_slot (self->context,
                                                     parla_booking_get_start (self->booking),
                                                     parla_booking_get_end (self->booking));
  gint64 hold = parla_booking_get_hold_expires_at (self->booking);
  gint64 left = hold - g_get_real_time () / G_USEC_PER_SEC;
  gint64 price = parla_booking_get_price_minor (self->booking);
  gint64 fee = parla_booking_get_fee_minor (self->booking);
  g_autofree char *held = NULL;
  g_autofree char *share = NULL;

  if (hold > 0 && left > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (hold);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, parla_context_get_time_zone (self->context));
      g_autofree char *until = parla_format_time (local);

      /* Translators: a time of day, then minutes and seconds left */
      held = g_strdup_printf (_("Pay to keep this booking: it is held for you until %s (%d:%02d left)."),
                              until, (int) (left / 60), (int) (left % 60));
    }
  else if (hold > 0)
    {
      held = g_strdup (_("The time to pay is up: the slot is being released."));
    }
  else
    {
      held = g_strdup (_("Pay to keep this booking."));
    }

  if (price > 0 && fee > 0)
    {
      g_autofree char *total = parla_format_price (price, parla_booking_get_currency (self->booking));
      g_autofree char *platform = parla_format_price (fee, parla_booking_get_currency (self->booking));

      /* Translators: the price, then the platform's fee in it */
      share = g_strdup_printf (_("Of the %s you pay, %s is the platform fee; the rest goes to the teacher."),
                               total, platform);
    }

  if (share != NULL)
    {
      char *both = g_strconcat (held, "\n", share, NULL);

      g_free (held);
      held = both;
    }

  /* Translators: what is booked, then how long it is held */
  return g_strdup_printf (_("%s with %s\n%s\n%s"), parla_booking_get_title (self->booking),
                          parla_booking_get_teacher_name (self->booking), when, held);
}

static gboolean
on_hold_tick_cb (gpointer user_data)
{
  ParlaBookingDialog *self = user_data;
  g_autofree char *description = NULL;

  if (self->booking == NULL || parla_booking_get_status (self->booking) != PARLA_BOOKING_PAYMENT_PENDING)
    {
      self->hold_timer = 0;
      return G_SOURCE_REMOVE;
    }

  description = describe_payment (self);
  adw_status_page_set_description (self->result_page, description);
  return G_SOURCE_CONTINUE;
}

static void
show_result (ParlaBookingDialog *self)
{
  g_autofree char *when = NULL;
  g_autofree char *description = NULL;
  const char *title;
  const char *icon;
  const char *what;
  const char *who;

  gtk_stack_set_visible_child_name (self->book_stack, "done");
  gtk_stack_set_visible_child_name (self->stack, "result");
  gtk_widget_set_visible (GTK_WIDGET (self->cancel_button), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->checkout_button), FALSE);

  if (self->queued)
    {
      adw_status_page_set_icon_name (self->result_page, "network-offline-symbolic");
      adw_status_page_set_title (self->result_page, _("Will Be Sent When Back Online"));
      adw_status_page_set_description (self->result_page,
                                       _("You are offline. Your booking is saved and goes to the server as soon as it can be reached; My Schedule shows it then."));
      update_actions (self);
      gtk_widget_grab_focus (gtk_stack_get_visible_child (self->book_stack));
      return;
    }

  g_return_if_fail (self->booking != NULL);

  when = parla_teacher_format_slot (self->context,
                                    parla_booking_get_start (self->booking),
                                    parla_booking_get_end (self->booking));
  what = parla_booking_get_title (self->booking);
  who = parla_booking_get_teacher_name (self->booking);
  /* Translators: a lesson's title, the teacher's name and when */
  description = g_strdup_printf (_("%s with %s\n%s"), what, who, when);

  switch (parla_booking_get_status (self->booking))
    {
    case PARLA_BOOKING_CONFIRMED:
      icon = "emblem-ok-symbolic";
      title = _("Booking Confirmed");
      break;
    case PARLA_BOOKING_PENDING:
      icon = "mail-send-symbolic";
      title = _("Waiting for the Teacher");
      break;
    case PARLA_BOOKING_PAYMENT_PENDING:
      icon = "dialog-information-symbolic";
      title = _("Waiting for Payment");
      g_free (description);
      description = describe_payment (self);
      if (self->hold_timer == 0)
        self->hold_timer = g_timeout_add_seconds (1, on_hold_tick_cb, self);
      if (parla_booking_get_checkout_url (self->booking) != NULL)
        {
          gtk_link_button_set_uri (self->checkout_button, parla_booking_get_checkout_url (self->booking));
          gtk_widget_set_visible (GTK_WIDGET (self->checkout_button), TRUE);
        }
      break;
    case PARLA_BOOKING_REJECTED:
      icon = "dialog-warning-symbolic";
      title = _("The Teacher Declined");
      break;
    case PARLA_BOOKING_EXPIRED:
      {
        char *released;

        icon = "alarm-symbolic";
        title = _("The Time to Pay Ran Out");
        /* Translators: what was booked, then what became of it */
        released = g_strdup_printf (_("%s\nThe slot was released and nothing was charged. Book again to choose a time."),
                                    description);
        g_free (description);
        description = released;
      }
      break;
    case PARLA_BOOKING_CANCELLED:
    default:
      icon = "dialog-warning-symbolic";
      title = _("Booking Cancelled");
      break;
    }

  adw_status_page_set_icon_name (self->result_page, icon);
  adw_status_page_set_title (self->result_page, title);
  adw_status_page_set_description (self->result_page, description);
  update_actions (self);
  gtk_widget_grab_focus (gtk_stack_get_visible_child (self->book_stack));
}

static void
set_booking (ParlaBookingDialog *self,
             ParlaBooking       *booking)
{
  if (!g_set_object (&self->booking, booking))
    return;

  show_result (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BOOKING]);
}

static void
set_busy (ParlaBookingDialog *self,
          gboolean            busy)
{
  self->busy = !!busy;
  gtk_stack_set_visible_child_name (self->book_stack, busy ? "spinner" : "button");
  gtk_widget_set_sensitive (GTK_WIDGET (self->stack), !busy);
  update_actions (self);
}

static void
on_slots_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  ParlaBookingDialog *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) labels = NULL;
  JsonArray *slots = NULL;
  guint selected = 0;

  node = parla_api_client_get_teacher_availability_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_BOOKING_DIALOG (user_data);
  self->loading_slots = FALSE;
  g_array_set_size (self->slots, 0);
  labels = gtk_string_list_new (NULL);

  if (node == NULL)
    show_error (self, error);
  else if (JSON_NODE_HOLDS_OBJECT (node))
    slots = parla_json_get_array (json_node_get_object (node), "slots");

  for (guint i = 0; slots != NULL && i < json_array_get_length (slots); i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);
      gint64 start, end;
      g_autofree char *label = NULL;

      if (slot == NULL)
        continue;

      start = parla_json_get_instant (slot, "start", 0);
      end = parla_json_get_instant (slot, "end", 0);
      if (start == 0 || end <= start)
        continue;

      if (start == self->wanted_start)
        selected = self->slots->len / 2;
      g_array_append_val (self->slots, start);
      g_array_append_val (self->slots, end);
      label = parla_teacher_format_slot (self->context, start, end);
      gtk_string_list_append (labels, label);
    }

  adw_combo_row_set_model (self->slot_row, G_LIST_MODEL (labels));
  if (self->slots->len > 0)
    adw_combo_row_set_selected (self->slot_row, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->slot_row), self->slots->len > 0);

  update_slot_subtitle (self);
  update_actions (self);
}

static void
load_slots (ParlaBookingDialog *self)
{
  ParlaOffering *offering = get_selected_offering (self);
  g_autoptr(ParlaApiQuery) query = NULL;
  gint64 now = parla_time_now ();

  g_cancellable_cancel (self->slots_cancellable);
  g_clear_object (&self->slots_cancellable);

  g_array_set_size (self->slots, 0);
  if (offering == NULL)
    return;

  self->slots_cancellable = g_cancellable_new ();
  self->loading_slots = TRUE;
  update_slot_subtitle (self);
  update_actions (self);

  query = parla_api_query_new ();
  parla_api_query_add_instant (query, "from", now);
  parla_api_query_add_instant (query, "to", now + SLOT_DAYS * 24 * 3600);
  parla_api_query_add_int (query, "duration", parla_offering_get_duration_minutes (offering));
  parla_api_client_get_teacher_availability_async (parla_context_get_api_client (self->context),
                                                   self->teacher_id, query, self->slots_cancellable,
                                                   on_slots_cb, self);
}

static void
on_offering_row_selected_cb (ParlaBookingDialog *self)
{
  ParlaOffering *offering = get_selected_offering (self);

  if (offering != NULL)
    {
      g_autofree char *duration = parla_format_minutes (parla_offering_get_duration_minutes (offering));
      g_autofree char *subtitle = NULL;

      if (parla_offering_get_requires_approval (offering))
        /* Translators: a duration */
        subtitle = g_strdup_printf (_("%s · the teacher confirms"), duration);
      else
        /* Translators: a duration */
        subtitle = g_strdup_printf (_("%s · instant booking"), duration);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self->offering_row), subtitle);
    }

  if (offering != NULL)
    load_policy (self, parla_offering_get_id (offering), NULL);
  update_price (self);
  if (self->teacher != NULL)
    load_slots (self);
}

static void
on_slot_row_selected_cb (ParlaBookingDialog *self)
{
  update_slot_subtitle (self);
  update_actions (self);
}

static void
on_entry_activated_cb (ParlaBookingDialog *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "booking.confirm", NULL);
}

static void
on_teacher_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  ParlaBookingDialog *self;
  g_autoptr(ParlaTeacher) teacher = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) titles = NULL;
  JsonNode *offerings;
  guint selected = 0;

  teacher = parla_api_client_get_teacher_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_BOOKING_DIALOG (user_data);

  if (teacher == NULL)
    {
      show_error (self, error);
      adw_status_page_set_description (self->unavailable_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      return;
    }

  g_set_object (&self->teacher, teacher);
  /* Translators: the title of the booking window, %s is the teacher's name */
  {
    g_autofree char *subtitle = g_strdup_printf (_("with %s"), parla_teacher_get_display_name (teacher));

    adw_window_title_set_subtitle (self->window_title, subtitle);
  }

  titles = gtk_string_list_new (NULL);
  offerings = parla_teacher_get_offerings_json (teacher);
  if (offerings != NULL && JSON_NODE_HOLDS_ARRAY (offerings))
    {
      JsonArray *array = json_node_get_array (offerings);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(ParlaOffering) offering = NULL;
          g_autofree char *price = NULL;
          g_autofree char *label = NULL;

          offering = parla_offering_new_from_json (json_array_get_element (array, i),
                                                   PARLA_JSON_RESOURCE, NULL);
          if (offering == NULL ||
              parla_offering_get_archived (offering) ||
              parla_offering_get_session_type (offering) != PARLA_OFFERING_INDIVIDUAL)
            continue;

          if (g_strcmp0 (parla_offering_get_id (offering), self->wanted_offering_id) == 0)
            selected = self->offerings->len;
          price = parla_format_price_or_free (parla_offering_get_price_minor (offering),
                                              parla_offering_get_currency (offering));
          /* Translators: an offering's title and its price */
          label = g_strdup_printf (_("%s (%s)"), parla_offering_get_title (offering), price);
          gtk_string_list_append (titles, label);
          g_ptr_array_add (self->offerings, g_steal_pointer (&offering));
        }
    }

  if (self->offerings->len == 0)
    {
      adw_status_page_set_description (self->unavailable_page,
                                       _("This teacher has no 1:1 lessons to book right now. Their group classes are listed in Discover."));
      gtk_stack_set_visible_child_name (self->stack, "unavailable");
      update_actions (self);
      return;
    }

  adw_combo_row_set_model (self->offering_row, G_LIST_MODEL (titles));
  if (adw_combo_row_get_selected (self->offering_row) != selected)
    adw_combo_row_set_selected (self->offering_row, selected);
  else
    on_offering_row_selected_cb (self);

  gtk_stack_set_visible_child_name (self->stack, "form");
  gtk_widget_grab_focus (GTK_WIDGET (self->slot_row));
}

static void
on_booked_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  ParlaBookingDialog *self;
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_get_source_tag (G_TASK (result)) == parla_api_client_book_session_full_async)
    booking = parla_api_client_book_session_full_finish (client, result, &error);
  else
    booking = parla_api_client_book_offering_full_finish (client, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_BOOKING_DIALOG (user_data);
  set_busy (self, FALSE);

  if (booking == NULL)
    {
      show_error (self, error);
      /* A slot someone else took is gone: offer what is still free. */
      if (self->session == NULL && g_error_matches (error, PARLA_ERROR, PARLA_ERROR_SLOT_TAKEN))
        load_slots (self);
      /* A new attempt is a new request. */
      g_free (self->idempotency_key);
      self->idempotency_key = g_uuid_string_random ();
      return;
    }

  set_booking (self, booking);

  /* A new paid booking: its payment page opens in the browser at once. */
  if (parla_booking_get_status (booking) == PARLA_BOOKING_PAYMENT_PENDING &&
      parla_booking_get_checkout_url (booking) != NULL && !self->checkout_opened)
    {
      self->checkout_opened = TRUE;
      parla_open_uri (GTK_WIDGET (self), parla_booking_get_checkout_url (booking));
    }
}

/* The payment page opens through the portal-aware launcher, with errors
 * as toasts. */
static gboolean
on_activate_checkout_cb (ParlaBookingDialog *self,
                         GtkLinkButton      *button)
{
  parla_open_uri (GTK_WIDGET (self), gtk_link_button_get_uri (button));
  return TRUE;
}

/* The learner's zone, as the server will understand it, or %NULL for
 * the server's default. */
static const char *
learner_time_zone (ParlaBookingDialog *self)
{
  const char *zone = g_time_zone_get_identifier (parla_context_get_time_zone (self->context));
  g_autoptr(GTimeZone) check = g_time_zone_new_identifier (zone);

  return check != NULL ? zone : NULL;
}

static void
queue_booking (ParlaBookingDialog *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *description = NULL;
  g_autofree char *key = NULL;
  g_autofree char *when = NULL;

  if (self->session != NULL)
    {
      g_autofree char *escaped = g_uri_escape_string (parla_session_get_id (self->session), NULL, FALSE);

      path = g_strdup_printf ("/api/v1/sessions/%s/book", escaped);
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "learner_time_zone", learner_time_zone (self));
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      when = parla_teacher_format_slot (self->context,
                                        parla_session_get_start (self->session),
                                        parla_session_get_end (self->session));
      /* Translators: what is queued: a session's title and when */
      description = g_strdup_printf (_("Book a seat in %s, %s"), parla_session_get_title (self->session), when);
    }
  else
    {
      ParlaOffering *offering = get_selected_offering (self);
      g_autofree char *escaped = NULL;
      gint64 start, end;

      if (offering == NULL || !get_selected_slot (self, &start, &end))
        return;

      escaped = g_uri_escape_string (parla_offering_get_id (offering), NULL, FALSE);
      path = g_strdup_printf ("/api/v1/offerings/%s/book", escaped);
      json_builder_begin_object (builder);
      parla_json_add_instant (builder, "start", start);
      parla_json_add_string (builder, "topic", gtk_editable_get_text (GTK_EDITABLE (self->topic_row)));
      parla_json_add_string (builder, "message", gtk_editable_get_text (GTK_EDITABLE (self->message_row)));
      parla_json_add_string (builder, "learner_time_zone", learner_time_zone (self));
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);
      when = parla_teacher_format_slot (self->context, start, end);
      /* Translators: what is queued: an offering's title and when */
      description = g_strdup_printf (_("Book %s, %s"), parla_offering_get_title (offering), when);
    }

  key = parla_outbox_enqueue_request (parla_context_get_outbox (self->context),
                                      "POST", path, body, description, &error);
  if (key == NULL)
    {
      show_toast (self, error->message);
      return;
    }

  self->queued = TRUE;
  show_result (self);
}

static void
confirm_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ParlaBookingDialog *self = PARLA_BOOKING_DIALOG (widget);
  ParlaApiClient *client = parla_context_get_api_client (self->context);

  if (self->busy || self->booking != NULL || self->queued)
    return;

  if (!parla_context_get_online (self->context))
    {
      queue_booking (self);
      return;
    }

  if (self->session != NULL)
    {
      set_busy (self, TRUE);
      parla_api_client_book_session_full_async (client, parla_session_get_id (self->session),
                                                learner_time_zone (self),
                                                self->idempotency_key, self->cancellable,
                                                on_booked_cb, self);
    }
  else
    {
      ParlaOffering *offering = get_selected_offering (self);
      gint64 start, end;

      if (offering == NULL || !get_selected_slot (self, &start, &end))
        return;

      set_busy (self, TRUE);
      parla_api_client_book_offering_full_async (client, parla_offering_get_id (offering), start,
                                                 gtk_editable_get_text (GTK_EDITABLE (self->topic_row)),
                                                 gtk_editable_get_text (GTK_EDITABLE (self->message_row)),
                                                 learner_time_zone (self),
                                                 self->idempotency_key, self->cancellable,
                                                 on_booked_cb, self);
    }
}

static void
on_booking_answered_cb (ParlaBookingDialog *self,
                        const char         *type,
                        JsonNode           *message)
{
  g_autoptr(ParlaBooking) booking = NULL;
  JsonObject *object;

  if (self->booking == NULL || !JSON_NODE_HOLDS_OBJECT (message))
    return;

  object = json_node_get_object (message);
  if (!json_object_has_member (object, "booking"))
    return;

  booking = parla_booking_new_from_json (json_object_get_member (object, "booking"),
                                        PARLA_JSON_RESOURCE, NULL);
  if (booking == NULL ||
      g_strcmp0 (parla_booking_get_id (booking), parla_booking_get_id (self->booking)) != 0)
    return;

  set_booking (self, booking);
}

static void
on_session_seats_cb (ParlaBookingDialog *self,
                     const char         *type,
                     JsonNode           *message)
{
  JsonObject *object;

  if (self->session == NULL || !JSON_NODE_HOLDS_OBJECT (message))
    return;

  object = json_node_get_object (message);
  if (g_strcmp0 (parla_json_get_string (object, "session_id", NULL), parla_session_get_id (self->session)) != 0)
    return;

  parla_session_set_seats_left (self->session,
                                (int) parla_json_get_int (object, "seats_left",
                                                          parla_session_get_seats_left (self->session)));
  update_seats (self);
}

static void
parla_booking_dialog_constructed (GObject *object)
{
  ParlaBookingDialog *self = PARLA_BOOKING_DIALOG (object);
  ParlaRealtime *realtime;

  G_OBJECT_CLASS (parla_booking_dialog_parent_class)->constructed (object);

  g_return_if_fail (PARLA_IS_CONTEXT (self->context));

  realtime = parla_context_get_realtime (self->context);
  if (realtime != NULL)
    {
      g_signal_connect_object (realtime, "event::booking.accepted",
                               G_CALLBACK (on_booking_answered_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::booking.rejected",
                               G_CALLBACK (on_booking_answered_cb), self, G_CONNECT_SWAPPED);
      /* Payment done (or the hold expired) for a paid booking. */
      g_signal_connect_object (realtime, "event::booking.confirmed",
                               G_CALLBACK (on_booking_answered_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::booking.expired",
                               G_CALLBACK (on_booking_answered_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::session.seats",
                               G_CALLBACK (on_session_seats_cb), self, G_CONNECT_SWAPPED);
    }
}

static void
parla_booking_dialog_dispose (GObject *object)
{
  ParlaBookingDialog *self = PARLA_BOOKING_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->slots_cancellable);
  g_cancellable_cancel (self->policy_cancellable);
  g_clear_handle_id (&self->hold_timer, g_source_remove);

  G_OBJECT_CLASS (parla_booking_dialog_parent_class)->dispose (object);
}

static void
parla_booking_dialog_finalize (GObject *object)
{
  ParlaBookingDialog *self = PARLA_BOOKING_DIALOG (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->slots_cancellable);
  g_clear_object (&self->policy_cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->teacher);
  g_clear_object (&self->session);
  g_clear_object (&self->booking);
  g_clear_pointer (&self->offerings, g_ptr_array_unref);
  g_clear_pointer (&self->slots, g_array_unref);
  g_clear_pointer (&self->policy, parla_policy_unref);
  g_clear_pointer (&self->teacher_id, g_free);
  g_clear_pointer (&self->wanted_offering_id, g_free);
  g_clear_pointer (&self->idempotency_key, g_free);

  G_OBJECT_CLASS (parla_booking_dialog_parent_class)->finalize (object);
}

static void
parla_booking_dialog_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ParlaBookingDialog *self = PARLA_BOOKING_DIALOG (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_BOOKING:
      g_value_set_object (value, self->booking);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_booking_dialog_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ParlaBookingDialog *self = PARLA_BOOKING_DIALOG (object);

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
parla_booking_dialog_class_init (ParlaBookingDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_booking_dialog_constructed;
  object_class->dispose = parla_booking_dialog_dispose;
  object_class->finalize = parla_booking_dialog_finalize;
  object_class->get_property = parla_booking_dialog_get_property;
  object_class->set_property = parla_booking_dialog_set_property;

  /**
   * ParlaBookingDialog:context:
   *
   * The services to book through.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaBookingDialog:booking:
   *
   * The booking once the server made it, kept up to date with the
   * teacher's answer; %NULL before.
   */
  properties[PROP_BOOKING] =
    g_param_spec_object ("booking", NULL, NULL,
                         PARLA_TYPE_BOOKING,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/widgets/parla-booking-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, cancel_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, book_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, lesson_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, offering_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, slot_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, session_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, session_title_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, session_time_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, seats_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, request_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, topic_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, message_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, price_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, approval_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, policy_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, unavailable_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, result_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaBookingDialog, checkout_button);
  gtk_widget_class_bind_template_callback (widget_class, on_offering_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_slot_row_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "booking.confirm", NULL, confirm_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, GDK_CONTROL_MASK, "booking.confirm", NULL);
}

static void
parla_booking_dialog_init (ParlaBookingDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->checkout_button, "activate-link", G_CALLBACK (on_activate_checkout_cb), self,
                           G_CONNECT_SWAPPED);

  self->cancellable = g_cancellable_new ();
  self->offerings = g_ptr_array_new_with_free_func (g_object_unref);
  self->slots = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->idempotency_key = g_uuid_string_random ();

  gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);
}

/**
 * parla_booking_dialog_new:
 * @context: the signed-in learner's services
 * @teacher_id: whom to book
 * @offering_id: (nullable): which of their 1:1 offerings to preselect
 * @start: the start of the slot to preselect, or 0
 *
 * Creates the window that books a 1:1 lesson with @teacher_id. It loads
 * the teacher's offerings and free slots itself. Present it with
 * gtk_window_set_transient_for() and gtk_window_present().
 *
 * Returns: (transfer floating): a new #ParlaBookingDialog
 */
GtkWidget *
parla_booking_dialog_new (ParlaContext *context,
                          const char   *teacher_id,
                          const char   *offering_id,
                          gint64        start)
{
  ParlaBookingDialog *self;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (teacher_id != NULL, NULL);

  self = g_object_new (PARLA_TYPE_BOOKING_DIALOG, "context", context, NULL);
  self->teacher_id = g_strdup (teacher_id);
  self->wanted_offering_id = g_strdup (offering_id);
  self->wanted_start = start;

  gtk_window_set_title (GTK_WINDOW (self), _("Book a Lesson"));
  adw_window_title_set_title (self->window_title, _("Book a Lesson"));
  update_price (self);

  parla_api_client_get_teacher_async (parla_context_get_api_client (context), teacher_id,
                                      self->cancellable, on_teacher_cb, self);

  return GTK_WIDGET (self);
}

/**
 * parla_booking_dialog_new_for_session:
 * @context: the signed-in learner's services
 * @session: the scheduled session to take a seat in
 *
 * Creates the window that books one seat in @session. The seats left
 * follow `session.seats` events while it is open.
 *
 * Returns: (transfer floating): a new #ParlaBookingDialog
 */
GtkWidget *
parla_booking_dialog_new_for_session (ParlaContext *context,
                                      ParlaSession *session)
{
  ParlaBookingDialog *self;
  g_autofree char *when = NULL;
  g_autofree char *duration = NULL;
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (PARLA_IS_SESSION (session), NULL);

  self = g_object_new (PARLA_TYPE_BOOKING_DIALOG, "context", context, NULL);
  self->session = g_object_ref (session);
  self->teacher_id = g_strdup (parla_session_get_host_id (session));

  gtk_window_set_title (GTK_WINDOW (self), _("Book a Seat"));
  adw_window_title_set_title (self->window_title, _("Book a Seat"));
  {
    g_autofree char *with = g_strdup_printf (_("with %s"), parla_session_get_host_name (session));

    adw_window_title_set_subtitle (self->window_title, with);
  }

  gtk_widget_set_visible (GTK_WIDGET (self->lesson_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->request_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->session_group), TRUE);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->session_title_row),
                                 parla_session_get_title (session));
  /* Translators: a session's type, its language and its level */
  subtitle = g_strdup_printf (_("%s · %s · %s"),
                              parla_teacher_format_session_type (parla_session_get_session_type (session)),
                              parla_teacher_format_language (parla_session_get_language (session)),
                              parla_teacher_format_level (parla_session_get_level (session)));
  adw_action_row_set_subtitle (self->session_title_row, subtitle);

  when = parla_teacher_format_slot (context, parla_session_get_start (session), parla_session_get_end (session));
  duration = parla_format_minutes (parla_session_get_duration_minutes (session));
  /* Translators: when, then how long */
  title = g_strdup_printf (_("%s (%s)"), when, duration);
  adw_action_row_set_subtitle (self->session_time_row, title);

  update_seats (self);
  load_policy (self, NULL, parla_session_get_id (session));
  update_price (self);
  adw_action_row_set_subtitle (self->approval_row, _("Your seat is confirmed at once."));
  gtk_stack_set_visible_child_name (self->stack, "form");
  update_actions (self);

  return GTK_WIDGET (self);
}

/**
 * parla_booking_dialog_get_booking:
 * @self: a #ParlaBookingDialog
 *
 * Returns: (transfer none) (nullable): the booking once made
 */
ParlaBooking *
parla_booking_dialog_get_booking (ParlaBookingDialog *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING_DIALOG (self), NULL);

  return self->booking;
}

/**
 * parla_booking_dialog_get_queued:
 * @self: a #ParlaBookingDialog
 *
 * Returns: whether the booking waits in the outbox for the connection
 */
gboolean
parla_booking_dialog_get_queued (ParlaBookingDialog *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING_DIALOG (self), FALSE);

  return self->queued;
}

/**
 * parla_booking_dialog_get_start:
 * @self: a #ParlaBookingDialog
 *
 * Returns: the start of the lesson or session as chosen now, or 0 while
 *   no time is chosen
 */
gint64
parla_booking_dialog_get_start (ParlaBookingDialog *self)
{
  gint64 start, end;

  g_return_val_if_fail (PARLA_IS_BOOKING_DIALOG (self), 0);

  if (self->session != NULL)
    return parla_session_get_start (self->session);
  if (!get_selected_slot (self, &start, &end))
    return 0;

  return start;
}
