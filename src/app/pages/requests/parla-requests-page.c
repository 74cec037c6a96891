/* parla-requests-page.c: the teacher's inbox of lesson requests
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-request-row.h"
#include "parla-requests-page.h"
#include "parla-window.h"

/**
 * ParlaRequestsPage:
 *
 * The teacher's pending lesson requests (offerings that need approval),
 * earliest first, each with Accept and Decline (with an optional
 * reason). A request a learner makes appears at once
 * (`event::booking.created`) and one the learner cancels, or that was
 * answered elsewhere, disappears. Offline, answers wait in the outbox.
 */
struct _ParlaRequestsPage
{
  AdwBin          parent_instance;

  /* owned */
  ParlaContext   *context;
  GCancellable   *cancellable;
  GCancellable   *load_cancellable;
  GListStore     *requests;       /* ParlaBooking, pending, earliest first */
  GHashTable     *live;           /* id → ParlaBooking from events while loading */
  GTimeZone      *profile_zone;

  /* template */
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkListBox     *list;

  guint           loading : 1;
  guint           loaded : 1;
};

G_DEFINE_FINAL_TYPE (ParlaRequestsPage, parla_requests_page, ADW_TYPE_BIN)

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
  "event::booking.rescheduled",
  "event::booking.accepted",
  "event::booking.rejected",
};

typedef struct
{
  ParlaRequestsPage *self;
  char              *booking_id;
  gboolean           accept;
} AnswerData;

static void
answer_data_free (AnswerData *data)
{
  g_clear_object (&data->self);
  g_free (data->booking_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnswerData, answer_data_free)

static void
update_actions (ParlaRequestsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "page.reload", !self->loading);
}

static void
update_view (ParlaRequestsPage *self)
{
  if (!self->loaded)
    return;

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->requests)) > 0
                                    ? "list" : "empty");
}

static gboolean
find_request (ParlaRequestsPage *self,
              const char        *booking_id,
              guint             *out_position)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->requests));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(ParlaBooking) booking = g_list_model_get_item (G_LIST_MODEL (self->requests), i);

      if (g_strcmp0 (parla_booking_get_id (booking), booking_id) == 0)
        {
          *out_position = i;
          return TRUE;
        }
    }

  return FALSE;
}

static int
compare_start (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  gint64 start_a = parla_booking_get_start (PARLA_BOOKING ((gpointer) a));
  gint64 start_b = parla_booking_get_start (PARLA_BOOKING ((gpointer) b));

  return (start_a > start_b) - (start_a < start_b);
}

/* Keeps @booking in the list while it is pending, and drops it after. */
static void
apply (ParlaRequestsPage *self,
       ParlaBooking      *booking)
{
  guint position;
  gboolean found = find_request (self, parla_booking_get_id (booking), &position);

  if (found)
    g_list_store_remove (self->requests, position);

  if (parla_booking_get_status (booking) == PARLA_BOOKING_PENDING)
    g_list_store_insert_sorted (self->requests, booking, compare_start, NULL);

  update_view (self);
}

static GtkWidget *
create_row_cb (gpointer item,
               gpointer user_data)
{
  ParlaRequestsPage *self = user_data;

  return parla_request_row_new (PARLA_BOOKING (item), parla_context_get_time_zone (self->context),
                                self->profile_zone);
}

static void
bind_model (ParlaRequestsPage *self)
{
  gtk_list_box_bind_model (self->list, G_LIST_MODEL (self->requests), create_row_cb, self, NULL);
}

static void
on_requests_loaded_cb (GObject      *object,
                       GAsyncResult *result,
                       gpointer      user_data)
{
  ParlaRequestsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(GPtrArray) array = NULL;
  GListModel *items;

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
    {
      ParlaBooking *booking = g_list_model_get_item (items, i);

      if (parla_booking_get_status (booking) == PARLA_BOOKING_PENDING &&
          parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_LESSON)
        g_ptr_array_add (array, booking);
      else
        g_object_unref (booking);
    }

  g_list_store_splice (self->requests, 0, g_list_model_get_n_items (G_LIST_MODEL (self->requests)),
                       array->pdata, array->len);
  self->loaded = TRUE;

  /* What changed while the answer was on its way is newer than it. */
  {
    GHashTableIter iter;
    gpointer booking;

    g_hash_table_iter_init (&iter, self->live);
    while (g_hash_table_iter_next (&iter, NULL, &booking))
      apply (self, booking);
    g_hash_table_remove_all (self->live);
  }

  update_view (self);
}

static void
load (ParlaRequestsPage *self)
{
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  g_hash_table_remove_all (self->live);
  parla_api_query_add_string (query, "role", "teacher");
  parla_api_query_add_string (query, "status", "pending");
  parla_api_query_add_instant (query, "from", g_get_real_time () / G_USEC_PER_SEC);
  parla_api_query_add_int (query, "limit", 100);

  self->loading = TRUE;
  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "loading");
  update_actions (self);

  parla_api_client_list_my_bookings_async (parla_context_get_api_client (self->context), query,
                                           self->load_cancellable, on_requests_loaded_cb, self);
}

static void
on_profile_loaded_cb (GObject      *object,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ParlaRequestsPage *self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaTeacher) teacher = NULL;
  const char *zone;

  teacher = parla_api_client_get_teacher_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  /* Without a profile the times show in the app's zone only. */
  if (teacher == NULL)
    {
      g_debug ("No teacher profile: %s", error->message);
      return;
    }

  zone = parla_teacher_get_time_zone (teacher);
  if (zone == NULL || *zone == '\0')
    return;

  g_clear_pointer (&self->profile_zone, g_time_zone_unref);
  self->profile_zone = parla_time_zone_new (zone, NULL);
  bind_model (self);
}

static void
on_booking_event_cb (ParlaRealtime     *realtime,
                     const char        *type,
                     JsonNode          *node,
                     ParlaRequestsPage *self)
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

  if (g_strcmp0 (parla_booking_get_teacher_id (booking), parla_user_get_id (user)) != 0 ||
      parla_booking_get_kind (booking) != PARLA_BOOKING_KIND_LESSON)
    return;

  if (self->loading)
    g_hash_table_replace (self->live, g_strdup (parla_booking_get_id (booking)), g_object_ref (booking));
  apply (self, booking);
}

static void
on_reconnected_cb (ParlaRequestsPage *self)
{
  /* Connected (again): catch up with what happened while it was not. */
  if (!self->loading)
    load (self);
}

/* Answering */

static ParlaRequestRow *
find_row (ParlaRequestsPage *self,
          const char        *booking_id)
{
  GtkWidget *row = parla_requests_page_find_row (self, booking_id);

  return row != NULL ? PARLA_REQUEST_ROW (row) : NULL;
}

static void
finish_answer (AnswerData   *data,
               ParlaBooking *booking,
               const GError *error)
{
  ParlaRequestsPage *self = data->self;
  ParlaRequestRow *row = find_row (self, data->booking_id);

  if (row != NULL)
    parla_request_row_set_busy (row, FALSE);

  if (booking == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  apply (self, booking);
  parla_widget_show_toast (GTK_WIDGET (self),
                           data->accept ? _("Request accepted: the learner was told")
                                        : _("Request declined: the learner gets a full refund"));
}

static void
on_accepted_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AnswerData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaBooking) booking = NULL;

  booking = parla_api_client_accept_booking_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  finish_answer (data, booking, error);
}

static void
on_rejected_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AnswerData) data = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaBooking) booking = NULL;

  booking = parla_api_client_reject_booking_with_reason_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  finish_answer (data, booking, error);
}

static JsonNode *
build_body (const char *reason)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  if (reason != NULL && *reason != '\0')
    {
      json_builder_set_member_name (builder, "reason");
      json_builder_add_string_value (builder, reason);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
answer (ParlaRequestsPage *self,
        const char        *booking_id,
        gboolean           accept,
        const char        *reason)
{
  g_autofree char *key = g_uuid_string_random ();
  g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/%s", booking_id, accept ? "accept" : "reject");
  g_autoptr(JsonNode) body = build_body (reason);
  ParlaRequestRow *row = find_row (self, booking_id);
  AnswerData *data;

  if (!parla_context_get_online (self->context))
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *queued = NULL;
      ParlaBooking *booking = row != NULL ? parla_request_row_get_booking (row) : NULL;
      g_autofree char *description = NULL;

      /* Translators: %s is the learner's name */
      description = g_strdup_printf (accept ? _("Accept %s's request") : _("Decline %s's request"),
                                     booking != NULL ? parla_booking_get_learner_name (booking) : "");
      queued = parla_outbox_enqueue_request (parla_context_get_outbox (self->context), "POST", path,
                                             body, description, &error);
      if (queued == NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      else
        parla_widget_show_toast (GTK_WIDGET (self),
                                 _("Offline: your answer will be sent when the server is back"));
      return;
    }

  if (row != NULL)
    parla_request_row_set_busy (row, TRUE);

  data = g_new0 (AnswerData, 1);
  data->self = g_object_ref (self);
  data->booking_id = g_strdup (booking_id);
  data->accept = accept;

  if (accept)
    parla_api_client_accept_booking_async (parla_context_get_api_client (self->context), booking_id, key,
                                           self->cancellable, on_accepted_cb, data);
  else
    parla_api_client_reject_booking_with_reason_async (parla_context_get_api_client (self->context), booking_id,
                                                       reason != NULL && *reason != '\0' ? reason : NULL,
                                                       key, self->cancellable, on_rejected_cb, data);
}

static void
accept_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  answer (PARLA_REQUESTS_PAGE (widget), g_variant_get_string (parameter, NULL), TRUE, NULL);
}

/* What the server keeps of a reason, in characters. */
#define MAX_REASON_CHARS 500

static char *
get_reason (AdwMessageDialog *dialog)
{
  GtkTextBuffer *buffer = g_object_get_data (G_OBJECT (dialog), "reason-buffer");
  GtkTextIter start, end;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
}

/* The count of characters left, and Decline only while the reason fits. */
static void
on_reason_changed_cb (GtkTextBuffer    *buffer,
                      AdwMessageDialog *dialog)
{
  GtkLabel *counter = g_object_get_data (G_OBJECT (dialog), "reason-counter");
  g_autofree char *reason = get_reason (dialog);
  glong left = MAX_REASON_CHARS - g_utf8_strlen (reason, -1);
  g_autofree char *text = NULL;

  if (left >= 0)
    text = g_strdup_printf (ngettext ("Optional; the learner sees it. %ld character left.",
                                      "Optional; the learner sees it. %ld characters left.",
                                      (gulong) left),
                            left);
  else
    text = g_strdup_printf (ngettext ("%ld character too many.", "%ld characters too many.", (gulong) -left),
                            -left);
  gtk_label_set_label (counter, text);
  if (left < 0)
    gtk_widget_add_css_class (GTK_WIDGET (counter), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (counter), "error");
  adw_message_dialog_set_response_enabled (dialog, "decline", left >= 0);
}

static void
on_decline_response_cb (AdwMessageDialog *dialog,
                        const char       *response,
                        AnswerData       *data)
{
  g_autofree char *reason = NULL;

  if (g_strcmp0 (response, "decline") != 0)
    return;

  reason = get_reason (dialog);
  answer (data->self, data->booking_id, FALSE, reason);
}

static void
answer_data_closure_free (gpointer  data,
                          GClosure *closure)
{
  answer_data_free (data);
}

static void
decline_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ParlaRequestsPage *self = PARLA_REQUESTS_PAGE (widget);
  const char *booking_id = g_variant_get_string (parameter, NULL);
  ParlaRequestRow *row = find_row (self, booking_id);
  ParlaBooking *booking;
  g_autofree char *heading = NULL;
  GtkWidget *dialog;
  GtkWidget *box;
  GtkWidget *scrolled;
  GtkWidget *view;
  GtkWidget *counter;
  GtkTextBuffer *buffer;
  AnswerData *data;

  if (row == NULL)
    return;

  booking = parla_request_row_get_booking (row);
  /* Translators: %s is the learner's name */
  heading = g_strdup_printf (_("Decline %s's Request?"), parla_booking_get_learner_name (booking));
  dialog = adw_message_dialog_new (GTK_WINDOW (gtk_widget_get_root (widget)), heading,
                                   _("The learner is refunded in full and the time becomes free again."));

  /* The reason: a few lines of text, kept by the server and shown to the
   * learner. */
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  view = gtk_text_view_new ();
  gtk_text_view_set_wrap_mode (GTK_TEXT_VIEW (view), GTK_WRAP_WORD_CHAR);
  gtk_text_view_set_accepts_tab (GTK_TEXT_VIEW (view), FALSE);
  gtk_text_view_set_top_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_bottom_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_left_margin (GTK_TEXT_VIEW (view), 6);
  gtk_text_view_set_right_margin (GTK_TEXT_VIEW (view), 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (view), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Reason for declining"), -1);
  gtk_widget_set_tooltip_text (view, _("Reason for declining"));
  scrolled = gtk_scrolled_window_new ();
  gtk_scrolled_window_set_policy (GTK_SCROLLED_WINDOW (scrolled), GTK_POLICY_NEVER, GTK_POLICY_AUTOMATIC);
  gtk_scrolled_window_set_min_content_height (GTK_SCROLLED_WINDOW (scrolled), 90);
  gtk_scrolled_window_set_max_content_height (GTK_SCROLLED_WINDOW (scrolled), 180);
  gtk_scrolled_window_set_propagate_natural_height (GTK_SCROLLED_WINDOW (scrolled), TRUE);
  gtk_scrolled_window_set_child (GTK_SCROLLED_WINDOW (scrolled), view);
  gtk_widget_add_css_class (scrolled, "card");
  gtk_widget_set_overflow (scrolled, GTK_OVERFLOW_HIDDEN);
  counter = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (counter), 0);
  gtk_label_set_wrap (GTK_LABEL (counter), TRUE);
  gtk_widget_add_css_class (counter, "caption");
  gtk_widget_add_css_class (counter, "dim-label");
  gtk_box_append (GTK_BOX (box), scrolled);
  gtk_box_append (GTK_BOX (box), counter);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Not Now"),
                                    "decline", _("_Decline"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "decline",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "decline");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");

  data = g_new0 (AnswerData, 1);
  data->self = g_object_ref (self);
  data->booking_id = g_strdup (booking_id);
  g_signal_connect_data (dialog, "response", G_CALLBACK (on_decline_response_cb), data,
                         answer_data_closure_free, 0);

  buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (view));
  g_object_set_data (G_OBJECT (dialog), "reason-buffer", buffer);
  g_object_set_data (G_OBJECT (dialog), "reason-counter", counter);
  g_signal_connect_object (buffer, "changed", G_CALLBACK (on_reason_changed_cb), dialog, 0);
  on_reason_changed_cb (buffer, ADW_MESSAGE_DIALOG (dialog));

  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (view);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (PARLA_REQUESTS_PAGE (widget));
}

static void
parla_requests_page_constructed (GObject *object)
{
  ParlaRequestsPage *self = PARLA_REQUESTS_PAGE (object);
  ParlaRealtime *realtime = parla_context_get_realtime (self->context);
  ParlaUser *user = parla_context_get_user (self->context);

  G_OBJECT_CLASS (parla_requests_page_parent_class)->constructed (object);

  for (guint i = 0; i < G_N_ELEMENTS (booking_events); i++)
    g_signal_connect_object (realtime, booking_events[i], G_CALLBACK (on_booking_event_cb), self, 0);
  g_signal_connect_object (self->context, "reconnected", G_CALLBACK (on_reconnected_cb), self,
                           G_CONNECT_SWAPPED);

  if (user != NULL)
    parla_api_client_get_teacher_async (parla_context_get_api_client (self->context),
                                        parla_user_get_id (user), self->cancellable,
                                        on_profile_loaded_cb, self);
  load (self);
}

static void
parla_requests_page_dispose (GObject *object)
{
  ParlaRequestsPage *self = PARLA_REQUESTS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  /* The bin's child is the bound `stack`: take it out through the bin,
   * or disposing the template unparents it behind the bin's back. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_REQUESTS_PAGE);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->requests);
  g_clear_pointer (&self->live, g_hash_table_unref);
  g_clear_object (&self->context);
  g_clear_pointer (&self->profile_zone, g_time_zone_unref);

  G_OBJECT_CLASS (parla_requests_page_parent_class)->dispose (object);
}

static void
parla_requests_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ParlaRequestsPage *self = PARLA_REQUESTS_PAGE (object);

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
parla_requests_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ParlaRequestsPage *self = PARLA_REQUESTS_PAGE (object);

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
parla_requests_page_class_init (ParlaRequestsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_requests_page_constructed;
  object_class->dispose = parla_requests_page_dispose;
  object_class->get_property = parla_requests_page_get_property;
  object_class->set_property = parla_requests_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/requests/parla-requests-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaRequestsPage, list);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "requests.accept", "s", accept_action);
  gtk_widget_class_install_action (widget_class, "requests.decline", "s", decline_action);
}

static void
parla_requests_page_init (ParlaRequestsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->requests = g_list_store_new (PARLA_TYPE_BOOKING);
  self->live = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  bind_model (self);
  update_actions (self);
}

gboolean
parla_requests_page_get_loading (ParlaRequestsPage *self)
{
  g_return_val_if_fail (PARLA_IS_REQUESTS_PAGE (self), FALSE);

  return self->loading;
}

guint
parla_requests_page_get_n_items (ParlaRequestsPage *self)
{
  g_return_val_if_fail (PARLA_IS_REQUESTS_PAGE (self), 0);

  return g_list_model_get_n_items (G_LIST_MODEL (self->requests));
}

/**
 * parla_requests_page_find_row:
 * @self: a page
 * @booking_id: a booking's id
 *
 * Returns: (transfer none) (nullable): the row of that request
 */
GtkWidget *
parla_requests_page_find_row (ParlaRequestsPage *self,
                              const char        *booking_id)
{
  g_return_val_if_fail (PARLA_IS_REQUESTS_PAGE (self), NULL);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->list));
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (PARLA_IS_REQUEST_ROW (child) &&
        g_strcmp0 (parla_booking_get_id (parla_request_row_get_booking (PARLA_REQUEST_ROW (child))),
                   booking_id) == 0)
      return child;

  return NULL;
}
