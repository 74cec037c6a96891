/* parla-call-summary.c: what happened in a call, a review and "book again"
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "parla-booking-dialog.h"
#include "parla-call-summary.h"
#include "parla-error.h"
#include "parla-format.h"
#include "parla-json.h"
#include "parla-teacher-format.h"
#include "parla-time.h"

/* "Book again" lists this many of the teacher's next free slots, looked
 * for this far ahead, for a lesson this long. */
#define N_SLOTS       3
#define SLOT_DAYS     14
#define SLOT_MINUTES  30
#define MAX_REVIEW    2000

/**
 * ParlaCallSummary:
 *
 * The page the call window shows when a call is over: how long it lasted,
 * who took part, how many chat messages the room keeps, the prepaid
 * minutes used and left or the teacher's earnings; for a learner whose
 * lesson took place, a 1 to 5 star rating with an optional review sent to
 * the server (once per booking: a second attempt says it was already
 * reviewed), and "Book again" with the teacher's next free slots, each
 * opening the booking dialog. Close emits #ParlaCallSummary::done.
 */
struct _ParlaCallSummary
{
  GtkWidget             parent_instance;

  /* owned */
  ParlaContext         *context;
  ParlaCallSummaryInfo *info;
  GCancellable         *cancellable;
  char                 *review_key;

  /* template children */
  AdwToastOverlay      *toast_overlay;
  GtkLabel             *description_label;
  AdwActionRow         *duration_row;
  AdwActionRow         *participants_row;
  AdwActionRow         *chat_row;
  AdwActionRow         *minutes_row;
  AdwActionRow         *earnings_row;
  AdwPreferencesGroup  *review_group;
  GtkStack             *review_stack;
  GtkBox               *stars_box;
  GtkTextView          *review_view;
  GtkSpinner           *review_spinner;
  GtkLabel             *review_done_label;
  AdwPreferencesGroup  *book_group;
  GtkSpinner           *slots_spinner;
  GtkListBox           *slots_list;

  GtkToggleButton      *stars[5];
  int                   rating;
  gboolean              sending;
};

G_DEFINE_FINAL_TYPE (ParlaCallSummary, parla_call_summary, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  DONE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/**
 * parla_call_summary_info_new:
 *
 * Returns: (transfer full): an empty #ParlaCallSummaryInfo, not prepaid
 */
ParlaCallSummaryInfo *
parla_call_summary_info_new (void)
{
  ParlaCallSummaryInfo *info = g_new0 (ParlaCallSummaryInfo, 1);

  info->minutes_used = -1;

  return info;
}

static ParlaCallSummaryInfo *
info_copy (const ParlaCallSummaryInfo *info)
{
  ParlaCallSummaryInfo *copy = g_memdup2 (info, sizeof *info);

  copy->booking_id = g_strdup (info->booking_id);
  copy->session_id = g_strdup (info->session_id);
  copy->teacher_id = g_strdup (info->teacher_id);
  copy->teacher_name = g_strdup (info->teacher_name);
  copy->participant_names = g_strdupv (info->participant_names);
  copy->earnings_text = g_strdup (info->earnings_text);

  return copy;
}

/**
 * parla_call_summary_info_free:
 * @info: (nullable): a #ParlaCallSummaryInfo
 *
 * Frees @info and its strings.
 */
void
parla_call_summary_info_free (ParlaCallSummaryInfo *info)
{
  if (info == NULL)
    return;

  g_free (info->booking_id);
  g_free (info->session_id);
  g_free (info->teacher_id);
  g_free (info->teacher_name);
  g_strfreev (info->participant_names);
  g_free (info->earnings_text);
  g_free (info);
}

static void
show_toast (ParlaCallSummary *self,
            const char       *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 5);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (ParlaCallSummary *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "summary.review",
                                 self->rating >= 1 && !self->sending);
}

/* Review */

static void
set_rating (ParlaCallSummary *self,
            int               rating)
{
  self->rating = rating;
  for (int i = 0; i < 5; i++)
    {
      gtk_button_set_icon_name (GTK_BUTTON (self->stars[i]),
                                i < rating ? "starred-symbolic" : "non-starred-symbolic");
      gtk_toggle_button_set_active (self->stars[i], i < rating);
    }
  update_actions (self);
}

static void
on_star_clicked_cb (GtkButton        *button,
                    ParlaCallSummary *self)
{
  set_rating (self, GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "rating")));
}

static void
on_review_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ParlaCallSummary *self;
  g_autoptr(JsonNode) review = NULL;
  g_autoptr(GError) error = NULL;

  review = parla_api_client_review_booking_finish (PARLA_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  self->sending = FALSE;
  gtk_spinner_set_spinning (self->review_spinner, FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stars_box), TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->review_view), TRUE);
  update_actions (self);

  if (g_error_matches (error, PARLA_ERROR, PARLA_ERROR_CONFLICT))
    {
      gtk_label_set_text (self->review_done_label, _("You already reviewed this lesson"));
      gtk_stack_set_visible_child_name (self->review_stack, "done");
      show_toast (self, _("This lesson was already reviewed"));
      return;
    }

  if (review == NULL)
    {
      show_toast (self, error->message);
      return;
    }

  gtk_label_set_text (self->review_done_label, _("Thank you for your review!"));
  gtk_stack_set_visible_child_name (self->review_stack, "done");
}

static void
review_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaCallSummary *self = PARLA_CALL_SUMMARY (widget);
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->review_view);
  GtkTextIter start, end;
  g_autofree char *text = NULL;

  if (self->rating < 1 || self->sending || self->info->booking_id == NULL)
    return;

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  text = g_strstrip (gtk_text_buffer_get_text (buffer, &start, &end, FALSE));
  if (g_utf8_strlen (text, -1) > MAX_REVIEW)
    {
      g_autofree char *message = g_strdup_printf (_("A review has at most %d characters"), MAX_REVIEW);

      show_toast (self, message);
      return;
    }

  /* Offline: the outbox sends it once the server is back. */
  if (!parla_context_get_online (self->context) && parla_context_get_outbox (self->context) != NULL)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) body = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *path = g_strdup_printf ("/api/v1/bookings/%s/review", self->info->booking_id);
      g_autofree char *description = NULL;
      g_autofree char *key = NULL;

      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "rating");
      json_builder_add_int_value (builder, self->rating);
      if (*text != '\0')
        {
          json_builder_set_member_name (builder, "text");
          json_builder_add_string_value (builder, text);
        }
      json_builder_end_object (builder);
      body = json_builder_get_root (builder);

      /* Translators: %s is the teacher's name */
      description = g_strdup_printf (_("Review the lesson with %s"),
                                     self->info->teacher_name != NULL ? self->info->teacher_name : "");
      key = parla_outbox_enqueue_request (parla_context_get_outbox (self->context), "POST", path, body,
                                          description, &error);
      if (key == NULL)
        {
          show_toast (self, error->message);
          return;
        }

      gtk_label_set_text (self->review_done_label, _("Your review will be sent when you are back online"));
      gtk_stack_set_visible_child_name (self->review_stack, "done");
      return;
    }

  /* One key for this summary: a retry after a lost answer is the same
   * review. */
  if (self->review_key == NULL)
    self->review_key = g_uuid_string_random ();

  self->sending = TRUE;
  gtk_spinner_set_spinning (self->review_spinner, TRUE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->stars_box), FALSE);
  gtk_widget_set_sensitive (GTK_WIDGET (self->review_view), FALSE);
  update_actions (self);

  parla_api_client_review_booking_async (parla_context_get_api_client (self->context),
                                         self->info->booking_id, self->rating,
                                         *text != '\0' ? text : NULL, self->review_key,
                                         self->cancellable, on_review_cb, self);
}

/* Book again */

static void
on_book_clicked_cb (GtkButton        *button,
                    ParlaCallSummary *self)
{
  gint64 start = *(gint64 *) g_object_get_data (G_OBJECT (button), "start");
  GtkWidget *dialog = parla_booking_dialog_new (self->context, self->info->teacher_id, NULL, start);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_set_modal (GTK_WINDOW (dialog), TRUE);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
add_slot_row (ParlaCallSummary *self,
              gint64            start,
              gint64            end)
{
  g_autofree char *label = parla_teacher_format_slot (self->context, start, end);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Book"));
  gint64 *data = g_new (gint64, 1);

  *data = start;
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data_full (G_OBJECT (button), "start", data, g_free);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_signal_connect (button, "clicked", G_CALLBACK (on_book_clicked_cb), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);
  gtk_list_box_append (self->slots_list, row);
}

static void
on_slots_cb (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ParlaCallSummary *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *slots = NULL;
  guint n = 0;

  node = parla_api_client_get_teacher_availability_finish (PARLA_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  gtk_spinner_set_spinning (self->slots_spinner, FALSE);

  if (node == NULL)
    {
      show_toast (self, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->book_group), FALSE);
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    slots = parla_json_get_array (json_node_get_object (node), "slots");

  for (guint i = 0; slots != NULL && i < json_array_get_length (slots) && n < N_SLOTS; i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);
      gint64 start, end;

      if (slot == NULL)
        continue;
      start = parla_json_get_instant (slot, "start", 0);
      end = parla_json_get_instant (slot, "end", 0);
      if (start == 0 || end <= start)
        continue;
      add_slot_row (self, start, end);
      n++;
    }

  if (n == 0)
    adw_preferences_group_set_description (self->book_group,
                                           _("No free times in the next two weeks"));
  else
    adw_preferences_group_set_description (self->book_group, NULL);
}

static void
load_slots (ParlaCallSummary *self)
{
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  gint64 now = parla_time_now ();
  g_autofree char *title = NULL;

  /* Translators: %s is the teacher's name */
  title = g_strdup_printf (_("Book Again with %s"), self->info->teacher_name);
  adw_preferences_group_set_title (self->book_group, title);
  gtk_widget_set_visible (GTK_WIDGET (self->book_group), TRUE);
  gtk_spinner_set_spinning (self->slots_spinner, TRUE);

  parla_api_query_add_instant (query, "from", now);
  parla_api_query_add_instant (query, "to", now + SLOT_DAYS * 24 * 3600);
  parla_api_query_add_int (query, "duration", SLOT_MINUTES);
  parla_api_client_get_teacher_availability_async (parla_context_get_api_client (self->context),
                                                   self->info->teacher_id, query, self->cancellable,
                                                   on_slots_cb, self);
}

static void
close_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  g_signal_emit (widget, signals[DONE], 0);
}

/* Filling in */

static char *
format_duration (gint64 seconds)
{
  if (seconds < 60)
    return g_strdup (_("Less than a minute"));

  return parla_format_minutes ((int) MIN ((seconds + 30) / 60, G_MAXINT));
}

static void
set_description (ParlaCallSummary *self,
                 const char       *text)
{
  gtk_label_set_text (self->description_label, text);
  gtk_widget_set_visible (GTK_WIDGET (self->description_label), TRUE);
}

static void
fill (ParlaCallSummary *self)
{
  ParlaCallSummaryInfo *info = self->info;
  g_autofree char *duration = format_duration (info->duration_seconds);
  g_autofree char *participants = NULL;
  g_autofree char *chat = NULL;

  if (!info->took_place)
    set_description (self, _("Nobody else joined the call"));
  else if (info->teacher_name != NULL && info->is_learner)
    {
      /* Translators: %s is the teacher's name */
      g_autofree char *description = g_strdup_printf (_("Your lesson with %s is over"), info->teacher_name);

      set_description (self, description);
    }

  adw_action_row_set_subtitle (self->duration_row, duration);

  participants = info->participant_names != NULL && info->participant_names[0] != NULL
                 ? g_strjoinv (", ", info->participant_names) : g_strdup (_("Only you"));
  adw_action_row_set_subtitle (self->participants_row, participants);

  if (info->chat_messages == 0)
    chat = g_strdup (_("No messages"));
  else
    chat = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u message, kept with the lesson",
                                         "%u messages, kept with the lesson", info->chat_messages),
                            info->chat_messages);
  adw_action_row_set_subtitle (self->chat_row, chat);

  if (info->minutes_used >= 0)
    {
      /* Translators: prepaid minutes: used in this call, then left */
      g_autofree char *minutes = g_strdup_printf (_("%d used, %d left"), info->minutes_used,
                                                  info->minutes_left);

      adw_action_row_set_subtitle (self->minutes_row, minutes);
      gtk_widget_set_visible (GTK_WIDGET (self->minutes_row), TRUE);
    }

  if (info->earnings_text != NULL)
    {
      adw_action_row_set_subtitle (self->earnings_row, info->earnings_text);
      gtk_widget_set_visible (GTK_WIDGET (self->earnings_row), TRUE);
    }

  if (info->is_learner && info->took_place && info->booking_id != NULL)
    {
      g_autofree char *title = info->teacher_name != NULL
        /* Translators: %s is the teacher's name */
        ? g_strdup_printf (_("How Was Your Lesson with %s?"), info->teacher_name)
        : g_strdup (_("How Was Your Lesson?"));

      adw_preferences_group_set_title (self->review_group, title);
      gtk_widget_set_visible (GTK_WIDGET (self->review_group), TRUE);
    }

  if (info->is_learner && info->teacher_id != NULL && info->teacher_name != NULL)
    load_slots (self);
}

/* GObject */

static void
parla_call_summary_dispose (GObject *object)
{
  ParlaCallSummary *self = (ParlaCallSummary *)object;

  g_cancellable_cancel (self->cancellable);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_CALL_SUMMARY);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (parla_call_summary_parent_class)->dispose (object);
}

static void
parla_call_summary_finalize (GObject *object)
{
  ParlaCallSummary *self = (ParlaCallSummary *)object;

  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->info, parla_call_summary_info_free);
  g_clear_pointer (&self->review_key, g_free);

  G_OBJECT_CLASS (parla_call_summary_parent_class)->finalize (object);
}

static void
parla_call_summary_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ParlaCallSummary *self = PARLA_CALL_SUMMARY (object);

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
parla_call_summary_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ParlaCallSummary *self = PARLA_CALL_SUMMARY (object);

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
parla_call_summary_class_init (ParlaCallSummaryClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_call_summary_dispose;
  object_class->finalize = parla_call_summary_finalize;
  object_class->get_property = parla_call_summary_get_property;
  object_class->set_property = parla_call_summary_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         PARLA_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaCallSummary::done:
   *
   * The user closed the summary.
   */
  signals[DONE] =
    g_signal_new ("done",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/call/parla-call-summary.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, description_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, duration_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, participants_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, chat_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, minutes_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, earnings_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, review_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, review_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, stars_box);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, review_view);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, review_spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, review_done_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, book_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, slots_spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallSummary, slots_list);

  gtk_widget_class_install_action (widget_class, "summary.review", NULL, review_action);
  gtk_widget_class_install_action (widget_class, "summary.close", NULL, close_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "summary.close", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "callsummary");
}

static void
parla_call_summary_init (ParlaCallSummary *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  for (int i = 0; i < 5; i++)
    {
      /* Translators: the accessible name of the n-th rating star */
      g_autofree char *label = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d star", "%d stars", i + 1), i + 1);
      GtkWidget *star = gtk_toggle_button_new ();

      gtk_button_set_icon_name (GTK_BUTTON (star), "non-starred-symbolic");
      gtk_widget_set_tooltip_text (star, label);
      gtk_accessible_update_property (GTK_ACCESSIBLE (star), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_widget_add_css_class (star, "flat");
      gtk_widget_add_css_class (star, "circular");
      g_object_set_data (G_OBJECT (star), "rating", GINT_TO_POINTER (i + 1));
      g_signal_connect (star, "clicked", G_CALLBACK (on_star_clicked_cb), self);
      gtk_box_append (self->stars_box, star);
      self->stars[i] = GTK_TOGGLE_BUTTON (star);
    }

  update_actions (self);
}

/**
 * parla_call_summary_new:
 * @context: the signed-in context
 * @info: what the call window knows about the call; copied
 *
 * Shows @info, asks a learner whose lesson took place for a review, and
 * loads the teacher's next free slots.
 *
 * Returns: (transfer floating): a new #ParlaCallSummary
 */
GtkWidget *
parla_call_summary_new (ParlaContext         *context,
                        ParlaCallSummaryInfo *info)
{
  ParlaCallSummary *self;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (info != NULL, NULL);

  self = g_object_new (PARLA_TYPE_CALL_SUMMARY, "context", context, NULL);
  self->info = info_copy (info);
  fill (self);

  return GTK_WIDGET (self);
}
