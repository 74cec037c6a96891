/* parla-earnings-page.c: the teacher's earnings and payouts
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-earnings-page.h"
#include "parla-format.h"
#include "parla-json.h"
#include "parla-window.h"

/**
 * ParlaEarningsPage:
 *
 * The teacher's money: per currency what is available for payout, what
 * is pending (lessons not over long enough) and what was paid out, from
 * `GET /api/v1/me/earnings`, with what each lesson earned after the
 * platform fee; the Stripe connected account payouts go to
 * (`GET`/`PUT /api/v1/me/payout-account`) and Request Payout
 * (`POST /api/v1/me/payouts`). The server's refusals (no account, nothing
 * available, a malformed account id) show as toasts. While offline the
 * last loaded data stays readable and both changes go through the outbox.
 */
struct _ParlaEarningsPage
{
  AdwBin          parent_instance;

  /* owned */
  ParlaContext   *context;
  GCancellable   *cancellable;
  GCancellable   *load_cancellable;
  guint           loading;
  gboolean        loaded;
  gboolean        busy;             /* a payout or account change is on its way */
  gboolean        has_available;
  guint           n_lessons;
  char           *account_id;

  /* template */
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  GtkListBox     *balances_list;
  AdwPreferencesGroup *account_group;
  AdwEntryRow    *account_row;
  GtkListBox     *lessons_list;
};

G_DEFINE_FINAL_TYPE (ParlaEarningsPage, parla_earnings_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load (ParlaEarningsPage *self);

static void
update_actions (ParlaEarningsPage *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "earnings.payout",
                                 !self->busy && self->has_available && self->account_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "earnings.save-account", !self->busy && self->loaded);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
placeholder_row (const char *text)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 18);
  gtk_widget_set_margin_bottom (label, 18);
  gtk_widget_set_margin_start (label, 12);
  gtk_widget_set_margin_end (label, 12);
  gtk_widget_add_css_class (label, "dim-label");
  return label;
}

static JsonArray *
array_member (JsonObject *object,
              const char *name)
{
  JsonNode *node = object ? json_object_get_member (object, name) : NULL;

  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
}

/* Showing */

static GtkWidget *
balance_row (JsonObject *balance)
{
  const char *currency = parla_json_get_string (balance, "currency", "EUR");
  g_autofree char *available = parla_format_price (parla_json_get_int (balance, "available_minor", 0), currency);
  g_autofree char *pending = parla_format_price (parla_json_get_int (balance, "pending_minor", 0), currency);
  g_autofree char *paid_out = parla_format_price (parla_json_get_int (balance, "paid_out_minor", 0), currency);
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();

  /* Translators: %s is an amount of money */
  title = g_strdup_printf (_("%s available"), available);
  /* Translators: amounts of money: pending, then paid out */
  subtitle = g_strdup_printf (_("%s pending · %s paid out"), pending, paid_out);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");

  return row;
}

static GtkWidget *
lesson_row (ParlaEarningsPage *self,
            JsonObject        *lesson)
{
  const char *currency = parla_json_get_string (lesson, "currency", "EUR");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (parla_json_get_instant (lesson, "start", 0));
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, parla_context_get_time_zone (self->context));
  g_autofree char *when = parla_format_date_time (local);
  g_autofree char *price = parla_format_price (parla_json_get_int (lesson, "price_minor", 0), currency);
  g_autofree char *fee = parla_format_price (parla_json_get_int (lesson, "fee_minor", 0), currency);
  g_autofree char *earned = parla_format_price (parla_json_get_int (lesson, "earned_minor", 0), currency);
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *amount = gtk_label_new (earned);
  GtkWidget *state = gtk_label_new (parla_json_get_bool (lesson, "available", FALSE)
                                    ? _("Available") : _("Pending"));

  /* Translators: when, the lesson's price and the platform fee */
  subtitle = g_strdup_printf (_("%s · paid %s, platform fee %s"), when, price, fee);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parla_json_get_string (lesson, "title", ""));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_label_set_xalign (GTK_LABEL (amount), 1.0);
  gtk_label_set_xalign (GTK_LABEL (state), 1.0);
  gtk_widget_add_css_class (amount, "heading");
  gtk_widget_add_css_class (amount, "numeric");
  gtk_widget_add_css_class (state, "caption");
  gtk_widget_add_css_class (state, "dim-label");
  gtk_box_append (GTK_BOX (box), amount);
  gtk_box_append (GTK_BOX (box), state);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  return row;
}

static void
apply_earnings (ParlaEarningsPage *self,
                JsonObject        *earnings)
{
  JsonArray *balances = array_member (earnings, "balances");
  JsonArray *lessons = array_member (earnings, "lessons");

  clear_list (self->balances_list);
  self->has_available = FALSE;
  for (guint i = 0; balances != NULL && i < json_array_get_length (balances); i++)
    {
      JsonObject *balance = json_array_get_object_element (balances, i);

      if (balance == NULL)
        continue;
      self->has_available |= parla_json_get_int (balance, "available_minor", 0) > 0;
      gtk_list_box_append (self->balances_list, balance_row (balance));
    }

  clear_list (self->lessons_list);
  self->n_lessons = 0;
  /* Newest first. */
  for (guint i = lessons != NULL ? json_array_get_length (lessons) : 0; i > 0; i--)
    {
      JsonObject *lesson = json_array_get_object_element (lessons, i - 1);

      if (lesson == NULL)
        continue;
      gtk_list_box_append (self->lessons_list, lesson_row (self, lesson));
      self->n_lessons++;
    }
}

static void
apply_account (ParlaEarningsPage *self,
               JsonObject        *account)
{
  gint64 fee = parla_json_get_int (account, "platform_fee_percent", 0);
  g_autofree char *description = NULL;
  const char *id = parla_json_get_string (account, "stripe_account_id", NULL);

  g_free (self->account_id);
  self->account_id = g_strdup (id);
  /* Setting the same text again would offer to apply it again. */
  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (self->account_row)), id != NULL ? id : "") != 0)
    gtk_editable_set_text (GTK_EDITABLE (self->account_row), id != NULL ? id : "");

  if (parla_json_get_bool (account, "test_mode", FALSE))
    /* Translators: %d is a percentage */
    description = g_strdup_printf (_("Payouts go to your Stripe connected account (it starts with acct_). The platform keeps %d%% of each lesson. TEST MODE: no real money moves on this server."),
                                   (int) fee);
  else
    description = g_strdup_printf (_("Payouts go to your Stripe connected account (it starts with acct_). The platform keeps %d%% of each lesson."),
                                   (int) fee);
  adw_preferences_group_set_description (self->account_group, description);
}

/* Loading: the earnings and the account at once */

typedef enum
{
  LOAD_EARNINGS,
  LOAD_ACCOUNT,
} LoadPart;

static const char * const load_paths[] = {
  "/api/v1/me/earnings",
  "/api/v1/me/payout-account",
};

/* One part of a load; the page is borrowed: its dispose cancels the load
 * before it goes. */
typedef struct
{
  ParlaEarningsPage *self;
  LoadPart           part;
} LoadData;

static void
on_part_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree LoadData *data = user_data;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  ParlaEarningsPage *self;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = data->self;
  self->loading--;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      g_cancellable_cancel (self->load_cancellable);
      self->loading = 0;
      if (error == NULL)
        return;
      parla_widget_show_error (GTK_WIDGET (self), error);
      if (!self->loaded)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }

  if (data->part == LOAD_EARNINGS)
    apply_earnings (self, json_node_get_object (node));
  else
    apply_account (self, json_node_get_object (node));

  if (self->loading == 0)
    {
      self->loaded = TRUE;
      gtk_stack_set_visible_child_name (self->stack, "content");
    }
  update_actions (self);
}

static void
load (ParlaEarningsPage *self)
{
  ParlaApiClient *client = parla_context_get_api_client (self->context);

  if (!parla_context_get_signed_in (self->context))
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  self->loading = G_N_ELEMENTS (load_paths);
  for (guint i = 0; i < G_N_ELEMENTS (load_paths); i++)
    {
      LoadData *data = g_new0 (LoadData, 1);

      data->self = self;
      data->part = (LoadPart) i;
      parla_api_client_send_async (client, "GET", load_paths[i], NULL, NULL, self->load_cancellable,
                                   on_part_loaded_cb, data);
    }
}

/* Changes */

/* Queues @method @path while offline; returns whether it did. */
static gboolean
queue_if_offline (ParlaEarningsPage *self,
                  const char        *method,
                  const char        *path,
                  JsonNode          *body,
                  const char        *description)
{
  ParlaOutbox *outbox = parla_context_get_outbox (self->context);
  g_autofree char *key = NULL;
  g_autoptr(GError) error = NULL;

  if (parla_context_get_online (self->context))
    return FALSE;

  if (outbox != NULL)
    key = parla_outbox_enqueue_request (outbox, method, path, body, description, &error);
  if (key == NULL)
    {
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      return TRUE;
    }

  parla_widget_show_toast (GTK_WIDGET (self), _("You are offline: this is sent when the server is back"));
  return TRUE;
}

static void
on_account_saved_cb (GObject      *object,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  ParlaEarningsPage *self;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_EARNINGS_PAGE (user_data);
  self->busy = FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      update_actions (self);
      return;
    }

  apply_account (self, json_node_get_object (node));
  parla_widget_show_toast (GTK_WIDGET (self), self->account_id != NULL
                                              ? _("Payout account saved")
                                              : _("Payout account removed"));
  update_actions (self);
}

static void
save_account_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ParlaEarningsPage *self = PARLA_EARNINGS_PAGE (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->account_row))));
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) body = NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "stripe_account_id", text[0] != '\0' ? text : NULL);
  json_builder_end_object (builder);
  body = json_builder_get_root (builder);

  if (queue_if_offline (self, "PUT", "/api/v1/me/payout-account", body, _("Save the payout account")))
    return;

  self->busy = TRUE;
  update_actions (self);
  parla_api_client_send_async (parla_context_get_api_client (self->context), "PUT", "/api/v1/me/payout-account",
                               body, NULL, self->cancellable, on_account_saved_cb, self);
}

static void
on_payout_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  ParlaEarningsPage *self;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_EARNINGS_PAGE (user_data);
  self->busy = FALSE;
  if (node == NULL)
    {
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      update_actions (self);
      return;
    }

  parla_widget_show_toast (GTK_WIDGET (self), _("Payout requested: it is on its way to your Stripe account"));
  load (self);
}

static void
payout_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaEarningsPage *self = PARLA_EARNINGS_PAGE (widget);
  g_autofree char *key = g_uuid_string_random ();

  if (queue_if_offline (self, "POST", "/api/v1/me/payouts", NULL, _("Request a payout")))
    return;

  self->busy = TRUE;
  update_actions (self);
  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", "/api/v1/me/payouts",
                               NULL, key, self->cancellable, on_payout_cb, self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (PARLA_EARNINGS_PAGE (widget));
}

static void
on_account_apply_cb (ParlaEarningsPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "earnings.save-account", NULL);
}

/* A paid lesson or a refund changes the earnings. */
static void
on_booking_event_cb (ParlaEarningsPage *self,
                     const char        *type,
                     JsonNode          *message)
{
  load (self);
}

static void
on_online_changed_cb (ParlaEarningsPage *self)
{
  if (parla_context_get_online (self->context))
    load (self);
}

/* GObject */

static void
parla_earnings_page_constructed (GObject *object)
{
  ParlaEarningsPage *self = PARLA_EARNINGS_PAGE (object);
  ParlaRealtime *realtime = parla_context_get_realtime (self->context);

  G_OBJECT_CLASS (parla_earnings_page_parent_class)->constructed (object);

  if (realtime != NULL)
    {
      g_signal_connect_object (realtime, "event::booking.confirmed",
                               G_CALLBACK (on_booking_event_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::booking.refund",
                               G_CALLBACK (on_booking_event_cb), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (self->context, "notify::online", G_CALLBACK (on_online_changed_cb), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->account_row, "apply", G_CALLBACK (on_account_apply_cb), self,
                           G_CONNECT_SWAPPED);

  update_actions (self);
  load (self);
}

static void
parla_earnings_page_dispose (GObject *object)
{
  ParlaEarningsPage *self = PARLA_EARNINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);

  /* The stack is both the bin's child and a template child. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_EARNINGS_PAGE);

  G_OBJECT_CLASS (parla_earnings_page_parent_class)->dispose (object);
}

static void
parla_earnings_page_finalize (GObject *object)
{
  ParlaEarningsPage *self = PARLA_EARNINGS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->context);
  g_free (self->account_id);

  G_OBJECT_CLASS (parla_earnings_page_parent_class)->finalize (object);
}

static void
parla_earnings_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ParlaEarningsPage *self = PARLA_EARNINGS_PAGE (object);

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
parla_earnings_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ParlaEarningsPage *self = PARLA_EARNINGS_PAGE (object);

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
parla_earnings_page_class_init (ParlaEarningsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_earnings_page_constructed;
  object_class->dispose = parla_earnings_page_dispose;
  object_class->finalize = parla_earnings_page_finalize;
  object_class->get_property = parla_earnings_page_get_property;
  object_class->set_property = parla_earnings_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/earnings/parla-earnings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaEarningsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaEarningsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaEarningsPage, balances_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaEarningsPage, account_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaEarningsPage, account_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaEarningsPage, lessons_list);

  gtk_widget_class_install_action (widget_class, "earnings.payout", NULL, payout_action);
  gtk_widget_class_install_action (widget_class, "earnings.save-account", NULL, save_account_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
parla_earnings_page_init (ParlaEarningsPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_placeholder (self->balances_list, placeholder_row (_("Nothing earned yet.")));
  gtk_list_box_set_placeholder (self->lessons_list,
                                placeholder_row (_("Paid lessons show here with what each one earned you.")));
}

/**
 * parla_earnings_page_get_loaded:
 * @self: a #ParlaEarningsPage
 *
 * Returns: whether the page has loaded once
 */
gboolean
parla_earnings_page_get_loaded (ParlaEarningsPage *self)
{
  g_return_val_if_fail (PARLA_IS_EARNINGS_PAGE (self), FALSE);

  return self->loaded;
}

/**
 * parla_earnings_page_get_n_lessons:
 * @self: a #ParlaEarningsPage
 *
 * Returns: how many lessons with earnings are listed
 */
guint
parla_earnings_page_get_n_lessons (ParlaEarningsPage *self)
{
  g_return_val_if_fail (PARLA_IS_EARNINGS_PAGE (self), 0);

  return self->n_lessons;
}

/**
 * parla_earnings_page_get_account_id:
 * @self: a #ParlaEarningsPage
 *
 * Returns: (nullable): the payout account as the server last said
 */
const char *
parla_earnings_page_get_account_id (ParlaEarningsPage *self)
{
  g_return_val_if_fail (PARLA_IS_EARNINGS_PAGE (self), NULL);

  return self->account_id;
}
