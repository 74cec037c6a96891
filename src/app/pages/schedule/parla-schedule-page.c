/* parla-schedule-page.c: the learner's lessons and seats
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "parla-booking-row.h"
#include "parla-format.h"
#include "parla-ics.h"
#include "parla-reschedule-dialog.h"
#include "parla-schedule-page.h"
#include "parla-window.h"

/* How far back past lessons are listed, and how often the countdowns
 * move. */
#define PAST_DAYS 60
#define TICK_SECONDS 15

/**
 * ParlaSchedulePage:
 *
 * My Schedule: the learner's upcoming bookings (earliest first) with
 * their status, a countdown and, from ten minutes before the start, a
 * Join button; below them the past and cancelled ones (latest first).
 * Each can be exported to a calendar file; a live one can be cancelled,
 * with the exact refund shown before confirming, and a lesson can be
 * moved to another of the teacher's free times. Realtime `booking.*`
 * events keep the list current; offline, it keeps what it last loaded and
 * cancellations wait in the outbox.
 */
struct _ParlaSchedulePage
{
  AdwBin          parent_instance;

  /* owned */
  ParlaContext   *context;
  GCancellable   *cancellable;
  GCancellable   *load_cancellable;
  GListStore     *bookings;       /* ParlaBooking, everything loaded */
  GListStore     *upcoming;       /* the live, unfinished ones, earliest first */
  GListStore     *past;           /* the others, latest first */
  GHashTable     *live;           /* id → ParlaBooking from events while loading */
  guint           tick_id;

  /* template */
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkLabel       *no_upcoming_label;
  GtkListBox     *upcoming_list;
  GtkLabel       *past_label;
  GtkListBox     *past_list;

  guint           loading : 1;
  guint           loaded : 1;
};

G_DEFINE_FINAL_TYPE (ParlaSchedulePage, parla_schedule_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const booking_events[] = {
  "event::booking.created",
  "event::booking.cancelled",
  "event::booking.confirmed",
  "event::booking.expired",
  "event::booking.refund",
  "event::booking.rescheduled",
  "event::booking.accepted",
  "event::booking.rejected",
};

typedef struct
{
  ParlaSchedulePage *self;
  char              *booking_id;
  gint64             shown_refund;
} CancelData;

static void
cancel_data_free (CancelData *data)
{
  g_clear_object (&data->self);
  g_free (data->booking_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CancelData, cancel_data_free)

static void
cancel_data_closure_free (gpointer  data,
                          GClosure *closure)
{
  cancel_data_free (data);
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

static gboolean
is_upcoming (ParlaBooking *booking,
             gint64        now)
{
  ParlaBookingStatus status = parla_booking_get_status (booking);

  return (status == PARLA_BOOKING_CONFIRMED || status == PARLA_BOOKING_PENDING ||
          status == PARLA_BOOKING_PAYMENT_PENDING) &&
         parla_booking_get_end (booking) > now;
}

static int
compare_start (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gint64 start_a = parla_booking_get_start (*(ParlaBooking * const *) a);
  gint64 start_b = parla_booking_get_start (*(ParlaBooking * const *) b);
  int sign = GPOINTER_TO_INT (user_data);

  return sign * ((start_a > start_b) - (start_a < start_b));
}

static void
update_actions (ParlaSchedulePage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.reload", !self->loading);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "schedule.export-all",
                                 g_list_model_get_n_items (G_LIST_MODEL (self->upcoming)) > 0);
}

static void
update_view (ParlaSchedulePage *self)
{
  guint n_upcoming = g_list_model_get_n_items (G_LIST_MODEL (self->upcoming));
  guint n_past = g_list_model_get_n_items (G_LIST_MODEL (self->past));

  gtk_widget_set_visible (GTK_WIDGET (self->no_upcoming_label), n_upcoming == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->upcoming_list), n_upcoming > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->past_label), n_past > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->past_list), n_past > 0);

  if (!self->loaded)
    return;

  gtk_stack_set_visible_child_name (self->stack, n_upcoming + n_past > 0 ? "list" : "empty");
}

/* Splits the bookings into upcoming and past. */
static void
rebuild (ParlaSchedulePage *self)
{
  g_autoptr(GPtrArray) upcoming = g_ptr_array_new ();
  g_autoptr(GPtrArray) past = g_ptr_array_new ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->bookings));
  gint64 now = now_seconds ();

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParlaBooking) booking = g_list_model_get_item (G_LIST_MODEL (self->bookings), i);

      g_ptr_array_add (is_upcoming (booking, now) ? upcoming : past, booking);
    }

  g_ptr_array_sort_with_data (upcoming, (GCompareDataFunc) compare_start, GINT_TO_POINTER (1));
  g_ptr_array_sort_with_data (past, (GCompareDataFunc) compare_start, GINT_TO_POINTER (-1));

  g_list_store_splice (self->upcoming, 0, g_list_model_get_n_items (G_LIST_MODEL (self->upcoming)),
                       upcoming->pdata, upcoming->len);
  g_list_store_splice (self->past, 0, g_list_model_get_n_items (G_LIST_MODEL (self->past)),
                       past->pdata, past->len);

  update_view (self);
  update_actions (self);
}

static gboolean
find_booking (ParlaSchedulePage *self,
              const char        *booking_id,
              guint             *out_position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->bookings));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParlaBooking) booking = g_list_model_get_item (G_LIST_MODEL (self->bookings), i);

      if (g_strcmp0 (parla_booking_get_id (booking), booking_id) == 0)
        {
          *out_position = i;
          return TRUE;
        }
    }

  return FALSE;
}

/* Adds @booking, or replaces the one with its id. */
static void
upsert (ParlaSchedulePage *self,
        ParlaBooking      *booking)
{
  guint position;

  if (find_booking (self, parla_booking_get_id (booking), &position))
    g_list_store_splice (self->bookings, position, 1, (gpointer *) &booking, 1);
  else
    g_list_store_append (self->bookings, booking);

  rebuild (self);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  ParlaSchedulePage *self = user_data;

  return parla_booking_row_new (PARLA_BOOKING (item), parla_context_get_time_zone (self->context));
}

static gboolean
tick_cb (gpointer user_data)
{
  ParlaSchedulePage *self = user_data;
  gint64 now = now_seconds ();
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->upcoming));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParlaBooking) booking = g_list_model_get_item (G_LIST_MODEL (self->upcoming), i);

      if (!is_upcoming (booking, now))
        {
          rebuild (self);
          return G_SOURCE_CONTINUE;
        }
    }

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->upcoming_list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (PARLA_IS_BOOKING_ROW (child))
      parla_booking_row_tick (PARLA_BOOKING_ROW (child), now);

  return G_SOURCE_CONTINUE;
}

static void
on_bookings_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ParlaSchedulePage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaApiPage) page = NULL;
  GListModel *items;
  g_autoptr(GPtrArray) array = NULL;

  page = parla_api_client_list_my_bookings_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self->loading = FALSE;
  update_actions (self);

  if (page == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      if (!self->loaded)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }

  items = parla_api_page_get_items (page);
  array = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    g_ptr_array_add (array, g_list_model_get_item (items, i));
  g_list_store_splice (self->bookings, 0, g_list_model_get_n_items (G_LIST_MODEL (self->bookings)),
                       array->pdata, array->len);

  /* What changed while the answer was on its way is newer than it. */
  {
    GHashTableIter iter;
    gpointer booking;

    g_hash_table_iter_init (&iter, self->live);
    while (g_hash_table_iter_next (&iter, NULL, &booking))
      {
        guint position;

        if (find_booking (self, parla_booking_get_id (booking), &position))
          g_list_store_splice (self->bookings, position, 1, &booking, 1);
        else
          g_list_store_append (self->bookings, booking);
      }
    g_hash_table_remove_all (self->live);
  }

  self->loaded = TRUE;
  rebuild (self);
}

static void
load (ParlaSchedulePage *self)
{
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  g_hash_table_remove_all (self->live);
  parla_api_query_add_string (query, "role", "learner");
  parla_api_query_add_instant (query, "from", now_seconds () - PAST_DAYS * 24 * 3600);
  parla_api_query_add_int (query, "limit", 100);

  self->loading = TRUE;
  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);

  parla_api_client_list_my_bookings_async (parla_context_get_api_client (self->context), query,
                                           self->load_cancellable, on_bookings_loaded_cb, self);
}

static void
on_booking_event_cb (ParlaRealtime     *realtime,
                     const char        *type,
                     JsonNode          *node,
                     ParlaSchedulePage *self)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  ParlaUser *user = parla_context_get_user (self->context);
  g_autoptr(ParlaBooking) booking = NULL;
  g_autoptr(GError) error = NULL;

  if (object == NULL || !json_object_has_member (object, "booking") || user == NULL)
    return;

  booking = parla_booking_new_from_json (json_object_get_member (object, "booking"),
                                         PARLA_JSON_RESOURCE, &error);
  if (booking == NULL)
    {
      g_debug ("Ignoring a malformed “%s”: %s", type, error->message);
      return;
    }

  if (g_strcmp0 (parla_booking_get_learner_id (booking), parla_user_get_id (user)) != 0)
    return;

  if (self->loading)
    g_hash_table_replace (self->live, g_strdup (parla_booking_get_id (booking)), g_object_ref (booking));
  upsert (self, booking);
}

static void
on_reconnected_cb (ParlaSchedulePage *self)
{
  /* Connected (again): whatever the outbox sent, and what happened
   * meanwhile. */
  if (!self->loading)
    load (self);
}

static ParlaBooking *
lookup (ParlaSchedulePage *self,
        GVariant          *parameter)
{
  guint position;

  if (!find_booking (self, g_variant_get_string (parameter, NULL), &position))
    return NULL;

  return g_list_model_get_item (G_LIST_MODEL (self->bookings), position);
}

/* Cancelling */

static void
on_cancelled_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(CancelData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaBooking) booking = NULL;
  ParlaSchedulePage *self;
  gint64 refund;

  booking = parla_api_client_cancel_booking_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = data->self;
  if (booking == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  upsert (self, booking);

  refund = parla_booking_get_refund_minor (booking);
  if (refund != data->shown_refund)
    {
      g_autofree char *amount = parla_format_price (MAX (refund, 0), parla_booking_get_currency (booking));
      /* Translators: %s is an amount of money */
      g_autofree char *message = g_strdup_printf (_("Cancelled. The refund is %s: the time to cancel "
                                                    "with a larger refund had passed."), amount);

      parla_widget_show_toast (GTK_WIDGET (self), message);
    }
  else
    {
      parla_widget_show_toast (GTK_WIDGET (self), _("Cancelled"));
    }
}

static void
cancel_booking (ParlaSchedulePage *self,
                ParlaBooking      *booking,
                gint64             shown_refund)
{
  g_autofree char *key = g_uuid_string_random ();
  CancelData *data;

  if (!parla_context_get_online (self->context))
    {
      g_autoptr(JsonNode) body = json_node_init_object (json_node_alloc (), json_object_new ());
      g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/cancel", parla_booking_get_id (booking));
      /* Translators: %s is the lesson's title */
      g_autofree char *description = g_strdup_printf (_("Cancel “%s”"), parla_booking_get_title (booking));
      g_autofree char *queued = NULL;
      g_autoptr(GError) error = NULL;

      queued = parla_outbox_enqueue_request (parla_context_get_outbox (self->context), "POST", path,
                                             body, description, &error);
      if (queued == NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      else
        parla_widget_show_toast (GTK_WIDGET (self),
                                 _("Offline: the lesson will be cancelled when the server is back"));
      return;
    }

  data = g_new0 (CancelData, 1);
  data->self = g_object_ref (self);
  data->booking_id = g_strdup (parla_booking_get_id (booking));
  data->shown_refund = shown_refund;

  parla_api_client_cancel_booking_async (parla_context_get_api_client (self->context),
                                         parla_booking_get_id (booking), NULL, key,
                                         self->cancellable, on_cancelled_cb, data);
}

static void
on_cancel_response_cb (AdwMessageDialog *dialog,
                       const char       *response,
                       CancelData       *data)
{
  ParlaSchedulePage *self = data->self;
  guint position;

  if (g_strcmp0 (response, "cancel") != 0 ||
      !find_booking (self, data->booking_id, &position))
    return;

  {
    g_autoptr(ParlaBooking) booking = g_list_model_get_item (G_LIST_MODEL (self->bookings), position);

    cancel_booking (self, booking, data->shown_refund);
  }
}

/* What the learner gets back when cancelling @booking at @now, computed
 * as the server does, from the policy the booking was made under.
 */
static char *
describe_refund (ParlaBooking *booking,
                 gint64        now,
                 gint64       *out_refund)
{
  ParlaPolicy *policy = parla_booking_get_policy (booking);
  gint64 price = parla_booking_get_price_minor (booking);
  const char *currency = parla_booking_get_currency (booking);
  g_autofree char *price_text = parla_format_price (price, currency);
  g_autofree char *refund_text = NULL;
  gint64 refund;

  refund = parla_policy_refund_minor (policy, price, parla_booking_get_start (booking), now,
                                      PARLA_PARTY_LEARNER);
  *out_refund = refund;
  refund_text = parla_format_price (refund, currency);

  if (price == 0)
    return g_strdup (_("It is free, so there is nothing to refund."));

  if (refund == price)
    /* Translators: %s is an amount of money */
    return g_strdup_printf (_("You will get the full price back: %s."), refund_text);

  if (refund > 0)
    return g_strdup_printf (ngettext ("You will get %s of the %s you paid back, because it starts in "
                                      "less than %d hour.",
                                      "You will get %s of the %s you paid back, because it starts in "
                                      "less than %d hours.",
                                      (gulong) policy->full_refund_hours),
                            refund_text, price_text, policy->full_refund_hours);

  return g_strdup_printf (ngettext ("You will get nothing back (%s) of the %s you paid, because it "
                                    "starts in less than %d hour.",
                                    "You will get nothing back (%s) of the %s you paid, because it "
                                    "starts in less than %d hours.",
                                    (gulong) policy->partial_refund_hours),
                          refund_text, price_text, policy->partial_refund_hours);
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaSchedulePage *self = PARLA_SCHEDULE_PAGE (widget);
  g_autoptr(ParlaBooking) booking = lookup (self, parameter);
  g_autofree char *body = NULL;
  gboolean lesson;
  GtkWidget *dialog;
  CancelData *data;
  gint64 refund;

  if (booking == NULL)
    return;

  lesson = parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_LESSON;
  body = describe_refund (booking, now_seconds (), &refund);

  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)),
                                   lesson ? _("Cancel This Lesson?") : _("Give Up Your Seat?"),
                                   body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", lesson ? _("_Keep Lesson") : _("_Keep Seat"),
                                    "cancel", lesson ? _("_Cancel Lesson") : _("_Give Up Seat"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");

  data = g_new0 (CancelData, 1);
  data->self = g_object_ref (self);
  data->booking_id = g_strdup (parla_booking_get_id (booking));
  data->shown_refund = refund;
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_cancel_response_cb), data,
                         cancel_data_closure_free, 0);

  gtk_window_present (GTK_WINDOW (dialog));
}

/* Rescheduling */

static void
on_rescheduled_cb (ParlaRescheduleDialog *dialog,
                   ParlaBooking          *booking,
                   ParlaSchedulePage     *self)
{
  upsert (self, booking);
  parla_widget_show_toast (GTK_WIDGET (self), _("Lesson moved"));
}

static void
reschedule_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ParlaSchedulePage *self = PARLA_SCHEDULE_PAGE (widget);
  g_autoptr(ParlaBooking) booking = lookup (self, parameter);
  ParlaRescheduleDialog *dialog;

  if (booking == NULL)
    return;

  dialog = parla_reschedule_dialog_new (self->context, booking,
                                        GTK_WINDOW (gtk_widget_get_root (widget)));
  g_signal_connect_object (dialog, "rescheduled", G_CALLBACK (on_rescheduled_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Exporting */

static ParlaIcsEvent *
booking_to_event (ParlaBooking *booking,
                  gint64        stamp)
{
  g_autoptr(GString) description = g_string_new (NULL);
  g_autofree char *uid = g_strdup_printf ("booking-%s@parla.app", parla_booking_get_id (booking));

  if (parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_SESSION)
    g_string_append_printf (description, _("Group session hosted by %s"),
                            parla_booking_get_teacher_name (booking));
  else
    g_string_append_printf (description, _("Lesson with %s"), parla_booking_get_teacher_name (booking));

  if (parla_booking_get_topic (booking) != NULL && *parla_booking_get_topic (booking) != '\0')
    {
      g_string_append_c (description, '\n');
      /* Translators: %s is what the learner wants to talk about */
      g_string_append_printf (description, _("Topic: %s"), parla_booking_get_topic (booking));
    }
  if (parla_booking_get_message (booking) != NULL && *parla_booking_get_message (booking) != '\0')
    {
      g_string_append (description, "\n\n");
      g_string_append (description, parla_booking_get_message (booking));
    }

  return parla_ics_event_new (uid, parla_booking_get_start (booking), parla_booking_get_end (booking),
                              stamp, parla_booking_get_title (booking), description->str);
}

static void
on_export_written_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;

  if (!g_file_replace_contents_finish (G_FILE (object), result, NULL, &error))
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_boolean (task, TRUE);
}

static void
on_export_done_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ParlaSchedulePage *self;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      parla_widget_show_error (GTK_WIDGET (object), error);
      return;
    }

  self = PARLA_SCHEDULE_PAGE (object);
  parla_widget_show_toast (GTK_WIDGET (self), _("Saved to the calendar file"));
}

static void
on_save_response_cb (GtkNativeDialog *native,
                     int              response,
                     gpointer         user_data)
{
  g_autoptr(ParlaSchedulePage) self = user_data;
  const char *booking_id = g_object_get_data (G_OBJECT (native), "booking-id");

  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (native));

      parla_schedule_page_export_async (self, file, booking_id, self->cancellable,
                                        on_export_done_cb, NULL);
    }

  gtk_native_dialog_destroy (native);
  g_object_unref (native);
}

static void
choose_export_file (ParlaSchedulePage *self,
                    ParlaBooking      *booking)
{
  GtkFileChooserNative *native;
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  g_autofree char *name = NULL;

  native = gtk_file_chooser_native_new (_("Export to Calendar"),
                                        GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))),
                                        GTK_FILE_CHOOSER_ACTION_SAVE,
                                        _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (native), TRUE);

  gtk_file_filter_set_name (filter, _("Calendar files"));
  gtk_file_filter_add_mime_type (filter, "text/calendar");
  gtk_file_filter_add_suffix (filter, "ics");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (native), filter);

  if (booking != NULL)
    {
      g_autofree char *safe = g_strdup (parla_booking_get_title (booking));

      g_strdelimit (safe, "/\\:", '-');
      name = g_strdup_printf ("%s.ics", safe);
      g_object_set_data_full (G_OBJECT (native), "booking-id",
                              g_strdup (parla_booking_get_id (booking)), g_free);
    }
  else
    {
      /* Translators: the file name of exported lessons; keep .ics */
      name = g_strdup (_("parla-lessons.ics"));
    }
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (native), name);

  g_signal_connect (native, "response", G_CALLBACK (on_save_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (native));
}

static void
export_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaSchedulePage *self = PARLA_SCHEDULE_PAGE (widget);
  g_autoptr(ParlaBooking) booking = lookup (self, parameter);

  if (booking != NULL)
    choose_export_file (self, booking);
}

static void
export_all_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  choose_export_file (PARLA_SCHEDULE_PAGE (widget), NULL);
}

static void
discover_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (PARLA_IS_WINDOW (root))
    parla_window_show_page (PARLA_WINDOW (root), "discover");
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (PARLA_SCHEDULE_PAGE (widget));
}

static void
parla_schedule_page_constructed (GObject *object)
{
  ParlaSchedulePage *self = PARLA_SCHEDULE_PAGE (object);
  ParlaRealtime *realtime = parla_context_get_realtime (self->context);

  G_OBJECT_CLASS (parla_schedule_page_parent_class)->constructed (object);

  for (guint i = 0; i < G_N_ELEMENTS (booking_events); i++)
    g_signal_connect_object (realtime, booking_events[i], G_CALLBACK (on_booking_event_cb), self, 0);
  g_signal_connect_object (self->context, "reconnected", G_CALLBACK (on_reconnected_cb), self,
                           G_CONNECT_SWAPPED);

  self->tick_id = g_timeout_add_seconds (TICK_SECONDS, tick_cb, self);
  load (self);
}

static void
parla_schedule_page_dispose (GObject *object)
{
  ParlaSchedulePage *self = PARLA_SCHEDULE_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  /* The bin's child is the bound `stack`: take it out through the bin,
   * or disposing the template unparents it behind the bin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_SCHEDULE_PAGE);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->bookings);
  g_clear_object (&self->upcoming);
  g_clear_object (&self->past);
  g_clear_pointer (&self->live, g_hash_table_unref);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (parla_schedule_page_parent_class)->dispose (object);
}

static void
parla_schedule_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ParlaSchedulePage *self = PARLA_SCHEDULE_PAGE (object);

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
parla_schedule_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ParlaSchedulePage *self = PARLA_SCHEDULE_PAGE (object);

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
parla_schedule_page_class_init (ParlaSchedulePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_schedule_page_constructed;
  object_class->dispose = parla_schedule_page_dispose;
  object_class->get_property = parla_schedule_page_get_property;
  object_class->set_property = parla_schedule_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/schedule/parla-schedule-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaSchedulePage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaSchedulePage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaSchedulePage, no_upcoming_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaSchedulePage, upcoming_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaSchedulePage, past_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaSchedulePage, past_list);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "schedule.cancel", "s", cancel_action);
  gtk_widget_class_install_action (widget_class, "schedule.reschedule", "s", reschedule_action);
  gtk_widget_class_install_action (widget_class, "schedule.export", "s", export_action);
  gtk_widget_class_install_action (widget_class, "schedule.export-all", NULL, export_all_action);
  gtk_widget_class_install_action (widget_class, "schedule.discover", NULL, discover_action);

  g_type_ensure (PARLA_TYPE_BOOKING_ROW);
}

static void
parla_schedule_page_init (ParlaSchedulePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->bookings = g_list_store_new (PARLA_TYPE_BOOKING);
  self->upcoming = g_list_store_new (PARLA_TYPE_BOOKING);
  self->past = g_list_store_new (PARLA_TYPE_BOOKING);
  self->live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);

  gtk_list_box_bind_model (self->upcoming_list, G_LIST_MODEL (self->upcoming), create_row_cb, self, NULL);
  gtk_list_box_bind_model (self->past_list, G_LIST_MODEL (self->past), create_row_cb, self, NULL);
  update_view (self);
  update_actions (self);
}

/**
 * parla_schedule_page_get_loading:
 * @self: a page
 *
 * Returns: whether the bookings are being loaded
 */
gboolean
parla_schedule_page_get_loading (ParlaSchedulePage *self)
{
  g_return_val_if_fail (PARLA_IS_SCHEDULE_PAGE (self), FALSE);

  return self->loading;
}

/**
 * parla_schedule_page_find_booking:
 * @self: a page
 * @booking_id: a booking's id
 *
 * Returns: (transfer none) (nullable): the booking as the page shows it
 */
ParlaBooking *
parla_schedule_page_find_booking (ParlaSchedulePage *self,
                                  const char        *booking_id)
{
  g_autoptr(ParlaBooking) booking = NULL;
  guint position;

  g_return_val_if_fail (PARLA_IS_SCHEDULE_PAGE (self), NULL);

  if (!find_booking (self, booking_id, &position))
    return NULL;

  booking = g_list_model_get_item (G_LIST_MODEL (self->bookings), position);
  return booking;  /* the store keeps its reference */
}

/**
 * parla_schedule_page_find_row:
 * @self: a page
 * @booking_id: a booking's id
 *
 * Returns: (transfer none) (nullable): the row that shows it
 */
GtkWidget *
parla_schedule_page_find_row (ParlaSchedulePage *self,
                              const char        *booking_id)
{
  GtkListBox *lists[] = { self->upcoming_list, self->past_list };

  g_return_val_if_fail (PARLA_IS_SCHEDULE_PAGE (self), NULL);

  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (lists[i]));
         child != NULL;
         child = gtk_widget_get_next_sibling (child))
      if (PARLA_IS_BOOKING_ROW (child) &&
          g_strcmp0 (parla_booking_get_id (parla_booking_row_get_booking (PARLA_BOOKING_ROW (child))),
                     booking_id) == 0)
        return child;

  return NULL;
}

/**
 * parla_schedule_page_export_async:
 * @self: a page
 * @file: where to write
 * @booking_id: (nullable): the booking to export, or %NULL for every
 *   upcoming one
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when written
 * @user_data: for @callback
 *
 * Writes an iCalendar file, what the Export actions do once a file was
 * chosen.
 */
void
parla_schedule_page_export_async (ParlaSchedulePage   *self,
                                  GFile               *file,
                                  const char          *booking_id,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_ics_event_free);
  g_autoptr(GBytes) bytes = NULL;
  gint64 now = now_seconds ();
  char *text;

  g_return_if_fail (PARLA_IS_SCHEDULE_PAGE (self));
  g_return_if_fail (G_IS_FILE (file));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_schedule_page_export_async);

  if (booking_id != NULL)
    {
      ParlaBooking *booking = parla_schedule_page_find_booking (self, booking_id);

      if (booking == NULL)
        {
          g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s",
                                   _("The lesson is no longer in the schedule"));
          return;
        }
      g_ptr_array_add (events, booking_to_event (booking, now));
    }
  else
    {
      for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->upcoming)); i++)
        {
          g_autoptr(ParlaBooking) booking = g_list_model_get_item (G_LIST_MODEL (self->upcoming), i);

          g_ptr_array_add (events, booking_to_event (booking, now));
        }
    }

  text = parla_ics_write ((ParlaIcsEvent * const *) events->pdata, events->len);
  bytes = g_bytes_new_take (text, strlen (text));
  g_file_replace_contents_bytes_async (file, bytes, NULL, FALSE, G_FILE_CREATE_REPLACE_DESTINATION,
                                       cancellable, on_export_written_cb, g_steal_pointer (&task));
}

/**
 * parla_schedule_page_export_finish:
 * @self: a page
 * @result: the result
 * @error: return location for an error
 *
 * Returns: whether the file was written
 */
gboolean
parla_schedule_page_export_finish (ParlaSchedulePage  *self,
                                   GAsyncResult       *result,
                                   GError            **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
