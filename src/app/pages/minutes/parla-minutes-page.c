/* parla-minutes-page.c: the learner's prepaid minutes
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-format.h"
#include "parla-json.h"
#include "parla-minutes-page.h"
#include "parla-open-uri.h"
#include "parla-window.h"

/* Lots expiring within this are announced on the page. */
#define EXPIRING_SOON (7 * 24 * 3600)

typedef enum
{
  PURCHASE_NONE,
  PURCHASE_STARTING,   /* the server is asked */
  PURCHASE_WAITING,    /* the checkout is open in the browser */
  PURCHASE_DONE,
  PURCHASE_EXPIRED,
} PurchaseState;

/**
 * ParlaMinutesPage:
 *
 * The learner's minutes for calls with a tutor now: the balance and its
 * soonest expiry (`GET /api/v1/me/balance`), a warning when some expire
 * soon (from the lots, and live from `minutes.expiring`), the packages on
 * sale (`GET /api/v1/minute-packages`) and the history
 * (`GET /api/v1/me/minute-ledger`). Buy asks the server for a purchase
 * (`POST /api/v1/minute-packages/{id}/purchase`), opens its checkout in
 * the browser and shows "Waiting for payment…" with the time left on the
 * hold, which turns into "Minutes added" when the server's
 * `minutes.purchased` arrives (or says the time ran out on
 * `minutes.purchase_expired`); expiries, refunds and calls reload it.
 * Buying needs the server: while offline the last loaded data stays
 * readable and Buy is disabled.
 */
struct _ParlaMinutesPage
{
  AdwBin          parent_instance;

  /* owned */
  ParlaContext   *context;
  GCancellable   *cancellable;
  GCancellable   *load_cancellable;
  guint           loading;
  gboolean        loaded;
  gint64          balance;          /* whole minutes */
  PurchaseState   state;
  char           *purchase_id;
  char           *checkout_url;
  gint64          hold_expires_at;
  guint           countdown_id;

  /* template */
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  AdwActionRow   *balance_row;
  AdwActionRow   *expiring_row;
  AdwPreferencesGroup *purchase_group;
  AdwActionRow   *purchase_row;
  GtkStack       *purchase_icon_stack;
  GtkSpinner     *purchase_spinner;
  GtkButton      *open_button;
  GtkListBox     *packages_list;
  GtkListBox     *ledger_list;
};

G_DEFINE_FINAL_TYPE (ParlaMinutesPage, parla_minutes_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load (ParlaMinutesPage *self);

static void
update_actions (ParlaMinutesPage *self)
{
  gboolean online = parla_context_get_online (self->context);
  gboolean busy = self->state == PURCHASE_STARTING || self->state == PURCHASE_WAITING;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "minutes.buy", online && !busy);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "minutes.open-checkout",
                                 self->state == PURCHASE_WAITING && self->checkout_url != NULL);
}

/* A date and time in the learner's zone, from an instant in unix seconds. */
static char *
format_instant (ParlaMinutesPage *self,
                gint64            instant)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (instant);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, parla_context_get_time_zone (self->context));

  return parla_format_date_time (local);
}

/* "+60 min", "−1:30 min" */
static char *
format_seconds_signed (gint64 seconds)
{
  gint64 magnitude = ABS (seconds);
  const char *sign = seconds < 0 ? "−" : "+";
  g_autofree char *amount = NULL;

  if (magnitude % 60 == 0)
    amount = parla_format_minutes ((int) (magnitude / 60));
  else
    /* Translators: minutes and seconds of a call, e.g. 1:30 min */
    amount = g_strdup_printf (_("%d:%02d min"), (int) (magnitude / 60), (int) (magnitude % 60));

  return g_strconcat (sign, amount, NULL);
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

/* The balance */

static void
show_balance (ParlaMinutesPage *self,
              gint64            minutes,
              gint64            expires_at)
{
  g_autofree char *title = NULL;
  g_autofree char *subtitle = NULL;

  self->balance = minutes;
  title = g_strdup_printf (ngettext ("%d minute", "%d minutes", (gulong) minutes), (int) minutes);
  if (expires_at > 0 && minutes > 0)
    {
      g_autofree char *when = format_instant (self, expires_at);

      /* Translators: %s is a date and time */
      subtitle = g_strdup_printf (_("Next expiry: %s"), when);
    }
  else
    {
      subtitle = g_strdup (_("Buy a package below to call a tutor now"));
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->balance_row), title);
  adw_action_row_set_subtitle (self->balance_row, subtitle);
}

static void
show_expiring (ParlaMinutesPage *self,
               gint64            seconds,
               gint64            expires_at)
{
  g_autofree char *when = format_instant (self, expires_at);
  g_autofree char *text = NULL;
  int minutes = (int) (seconds / 60);

  /* Translators: a number of minutes, then a date and time */
  text = g_strdup_printf (ngettext ("%d minute expires on %s. Use it in a call before then.",
                                    "%d minutes expire on %s. Use them in a call before then.",
                                    (gulong) minutes),
                          minutes, when);
  adw_action_row_set_subtitle (self->expiring_row, text);
  gtk_widget_set_visible (GTK_WIDGET (self->expiring_row), TRUE);
}

static void
apply_balance (ParlaMinutesPage *self,
               JsonObject       *balance)
{
  JsonNode *lots = json_object_get_member (balance, "lots");
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 soon_seconds = 0;
  gint64 soon_at = 0;

  show_balance (self, parla_json_get_int (balance, "minutes", 0), parla_json_get_instant (balance, "expires_at", 0));

  if (lots != NULL && JSON_NODE_HOLDS_ARRAY (lots))
    {
      JsonArray *array = json_node_get_array (lots);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *lot = json_array_get_object_element (array, i);
          gint64 expires_at = lot ? parla_json_get_instant (lot, "expires_at", 0) : 0;

          if (expires_at > 0 && expires_at - now <= EXPIRING_SOON)
            {
              soon_seconds += parla_json_get_int (lot, "seconds", 0);
              soon_at = soon_at == 0 ? expires_at : MIN (soon_at, expires_at);
            }
        }
    }

  if (soon_seconds >= 60)
    show_expiring (self, soon_seconds, soon_at);
  else
    gtk_widget_set_visible (GTK_WIDGET (self->expiring_row), FALSE);
}

/* Packages and history */

static GtkWidget *
package_row (JsonObject *package)
{
  const char *id = parla_json_get_string (package, "id", "");
  const char *name = parla_json_get_string (package, "name", "");
  g_autofree char *minutes = parla_format_minutes ((int) parla_json_get_int (package, "minutes", 0));
  g_autofree char *price = parla_format_price_or_free (parla_json_get_int (package, "price_minor", 0),
                                                       parla_json_get_string (package, "currency", "EUR"));
  gint64 days = parla_json_get_int (package, "validity_days", 0);
  g_autofree char *validity = g_strdup_printf (ngettext ("valid for %d day", "valid for %d days", (gulong) days),
                                               (int) days);
  g_autofree char *subtitle = NULL;
  g_autofree char *buy_label = g_strdup_printf (_("Buy “%s”"), name);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Buy"));
  GtkWidget *price_label = gtk_label_new (price);

  /* Translators: minutes, then how long they are valid */
  subtitle = g_strdup_printf (_("%s · %s"), minutes, validity);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  gtk_widget_add_css_class (price_label, "heading");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), price_label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, buy_label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, buy_label, -1);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "minutes.buy");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", id);
  gtk_widget_add_css_class (button, "suggested-action");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);

  return row;
}

static const char *
entry_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "purchase") == 0)
    return _("Bought");
  if (g_strcmp0 (kind, "grant") == 0)
    return _("Granted");
  if (g_strcmp0 (kind, "debit") == 0)
    return _("Call with a tutor");
  if (g_strcmp0 (kind, "refund") == 0)
    return _("Given back");
  if (g_strcmp0 (kind, "expiry") == 0)
    return _("Expired");
  return kind;
}

static GtkWidget *
ledger_row (ParlaMinutesPage *self,
            JsonObject       *entry)
{
  const char *reason = parla_json_get_string (entry, "reason", "");
  g_autofree char *when = format_instant (self, parla_json_get_instant (entry, "created_at", 0));
  g_autofree char *amount = format_seconds_signed (parla_json_get_int (entry, "seconds", 0));
  g_autofree char *subtitle = NULL;
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *label = gtk_label_new (amount);

  if (reason != NULL && reason[0] != '\0')
    /* Translators: when, then the reason or package of a minutes entry */
    subtitle = g_strdup_printf (_("%s · %s"), when, reason);
  else
    subtitle = g_strdup (when);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row),
                                 entry_kind_label (parla_json_get_string (entry, "kind", "")));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_widget_add_css_class (label, "numeric");
  if (parla_json_get_int (entry, "seconds", 0) > 0)
    gtk_widget_add_css_class (label, "success");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);

  return row;
}

static JsonArray *
items_of (JsonNode *node)
{
  JsonNode *items;

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;
  items = json_object_get_member (json_node_get_object (node), "items");
  return items != NULL && JSON_NODE_HOLDS_ARRAY (items) ? json_node_get_array (items) : NULL;
}

static void
apply_packages (ParlaMinutesPage *self,
                JsonNode         *node)
{
  JsonArray *items = items_of (node);

  clear_list (self->packages_list);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *package = json_array_get_object_element (items, i);

      if (package != NULL)
        gtk_list_box_append (self->packages_list, package_row (package));
    }
}

static void
apply_ledger (ParlaMinutesPage *self,
              JsonNode         *node)
{
  JsonArray *items = items_of (node);

  clear_list (self->ledger_list);
  for (guint i = 0; items != NULL && i < json_array_get_length (items); i++)
    {
      JsonObject *entry = json_array_get_object_element (items, i);

      if (entry != NULL)
        gtk_list_box_append (self->ledger_list, ledger_row (self, entry));
    }
}

/* Loading: the balance, the packages and the history at once */

typedef enum
{
  LOAD_BALANCE,
  LOAD_PACKAGES,
  LOAD_LEDGER,
} LoadPart;

static const char * const load_paths[] = {
  "/api/v1/me/balance",
  "/api/v1/minute-packages",
  "/api/v1/me/minute-ledger?limit=50",
};

/* One part of a load; the page is borrowed: its dispose cancels the load
 * before it goes. */
typedef struct
{
  ParlaMinutesPage *self;
  LoadPart          part;
} LoadData;

static void
on_part_loaded_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autofree LoadData *data = user_data;
  LoadPart part = data->part;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  ParlaMinutesPage *self;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = data->self;
  self->loading--;

  if (node == NULL)
    {
      /* The first error of a load is enough. */
      g_cancellable_cancel (self->load_cancellable);
      self->loading = 0;
      parla_widget_show_error (GTK_WIDGET (self), error);
      if (!self->loaded)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }

  switch (part)
    {
    case LOAD_BALANCE:
      if (JSON_NODE_HOLDS_OBJECT (node))
        apply_balance (self, json_node_get_object (node));
      break;
    case LOAD_PACKAGES:
      apply_packages (self, node);
      break;
    case LOAD_LEDGER:
      apply_ledger (self, node);
      break;
    default:
      g_assert_not_reached ();
    }

  if (self->loading == 0)
    {
      self->loaded = TRUE;
      gtk_stack_set_visible_child_name (self->stack, "content");
    }
}

static void
load (ParlaMinutesPage *self)
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

/* The purchase */

static gboolean on_countdown_cb (gpointer user_data);

static void
stop_countdown (ParlaMinutesPage *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
}

static void
show_purchase (ParlaMinutesPage *self,
               const char       *title,
               const char       *subtitle,
               const char       *icon)
{
  gtk_widget_set_visible (GTK_WIDGET (self->purchase_group), TRUE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->purchase_row), title);
  adw_action_row_set_subtitle (self->purchase_row, subtitle);
  gtk_stack_set_visible_child_name (self->purchase_icon_stack, icon);
  gtk_spinner_set_spinning (self->purchase_spinner, g_str_equal (icon, "waiting"));
  gtk_widget_set_visible (GTK_WIDGET (self->open_button), self->state == PURCHASE_WAITING);
  update_actions (self);
}

static void
show_waiting (ParlaMinutesPage *self)
{
  gint64 left = self->hold_expires_at - g_get_real_time () / G_USEC_PER_SEC;
  g_autofree char *subtitle = NULL;

  if (self->hold_expires_at <= 0)
    subtitle = g_strdup (_("Complete the payment in your web browser."));
  else if (left > 0)
    /* Translators: minutes and seconds left to pay, e.g. 14:59 */
    subtitle = g_strdup_printf (_("Complete the payment in your web browser. Time left: %d:%02d"),
                                (int) (left / 60), (int) (left % 60));
  else
    subtitle = g_strdup (_("The time to pay is up. Checking with the server…"));

  show_purchase (self, _("Waiting for payment…"), subtitle, "waiting");
}

static gboolean
on_countdown_cb (gpointer user_data)
{
  ParlaMinutesPage *self = user_data;

  if (self->state != PURCHASE_WAITING)
    {
      self->countdown_id = 0;
      return G_SOURCE_REMOVE;
    }

  show_waiting (self);
  if (self->hold_expires_at > 0 && self->hold_expires_at <= g_get_real_time () / G_USEC_PER_SEC)
    {
      /* The server's sweep tells us the rest; the page asks once now. */
      self->countdown_id = 0;
      load (self);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static void
on_purchased_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  ParlaMinutesPage *self;
  JsonObject *purchase;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_MINUTES_PAGE (user_data);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      self->state = PURCHASE_NONE;
      gtk_widget_set_visible (GTK_WIDGET (self->purchase_group), FALSE);
      update_actions (self);
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  purchase = json_node_get_object (node);
  g_free (self->purchase_id);
  self->purchase_id = g_strdup (parla_json_get_string (purchase, "purchase_id", NULL));
  g_free (self->checkout_url);
  self->checkout_url = g_strdup (parla_json_get_string (purchase, "checkout_url", NULL));
  self->hold_expires_at = parla_json_get_instant (purchase, "hold_expires_at", 0);

  if (g_strcmp0 (parla_json_get_string (purchase, "status", ""), "paid") == 0)
    {
      self->state = PURCHASE_DONE;
      show_purchase (self, _("Minutes Added"), _("The package was free: its minutes are yours."), "done");
      load (self);
      return;
    }

  self->state = PURCHASE_WAITING;
  show_waiting (self);
  stop_countdown (self);
  self->countdown_id = g_timeout_add_seconds (1, on_countdown_cb, self);

  if (self->checkout_url != NULL)
    parla_open_uri (GTK_WIDGET (self), self->checkout_url);
}

static void
buy_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  ParlaMinutesPage *self = PARLA_MINUTES_PAGE (widget);
  g_autofree char *escaped = g_uri_escape_string (g_variant_get_string (parameter, NULL), NULL, FALSE);
  g_autofree char *path = g_strdup_printf ("/api/v1/minute-packages/%s/purchase", escaped);
  g_autofree char *key = g_uuid_string_random ();

  self->state = PURCHASE_STARTING;
  g_clear_pointer (&self->purchase_id, g_free);
  g_clear_pointer (&self->checkout_url, g_free);
  show_purchase (self, _("Preparing the payment…"), _("Asking the server for a payment page."), "waiting");

  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", path, NULL, key,
                               self->cancellable, on_purchased_cb, self);
}

static void
open_checkout_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ParlaMinutesPage *self = PARLA_MINUTES_PAGE (widget);

  if (self->checkout_url != NULL)
    parla_open_uri (widget, self->checkout_url);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (PARLA_MINUTES_PAGE (widget));
}

/* Realtime */

static JsonObject *
member_object (JsonNode   *message,
               const char *name)
{
  JsonNode *member;

  if (message == NULL || !JSON_NODE_HOLDS_OBJECT (message))
    return NULL;
  member = json_object_get_member (json_node_get_object (message), name);
  return member != NULL && JSON_NODE_HOLDS_OBJECT (member) ? json_node_get_object (member) : NULL;
}

static gboolean
is_our_purchase (ParlaMinutesPage *self,
                 JsonObject       *purchase)
{
  return purchase != NULL && self->purchase_id != NULL &&
         g_strcmp0 (parla_json_get_string (purchase, "purchase_id", NULL), self->purchase_id) == 0;
}

static void
on_minutes_purchased_cb (ParlaMinutesPage *self,
                         const char       *type,
                         JsonNode         *message)
{
  JsonObject *purchase = member_object (message, "purchase");
  JsonObject *balance = member_object (message, "balance");

  if (balance != NULL)
    show_balance (self, parla_json_get_int (balance, "minutes", 0), parla_json_get_instant (balance, "expires_at", 0));

  if (is_our_purchase (self, purchase))
    {
      g_autofree char *subtitle = NULL;
      int added = (int) parla_json_get_int (purchase, "minutes", 0);

      /* Translators: minutes added, then the balance in minutes */
      subtitle = g_strdup_printf (ngettext ("%d minute was added to your balance, which is now %d.",
                                            "%d minutes were added to your balance, which is now %d.",
                                            (gulong) added),
                                  added, (int) self->balance);
      self->state = PURCHASE_DONE;
      stop_countdown (self);
      show_purchase (self, _("Minutes Added"), subtitle, "done");
    }

  /* The history and the lots follow. */
  load (self);
}

static void
on_purchase_expired_cb (ParlaMinutesPage *self,
                        const char       *type,
                        JsonNode         *message)
{
  if (!is_our_purchase (self, member_object (message, "purchase")))
    return;

  self->state = PURCHASE_EXPIRED;
  stop_countdown (self);
  show_purchase (self, _("The Time to Pay Ran Out"),
                 _("Nothing was charged. Choose a package again when you are ready."), "failed");
}

static void
on_minutes_expiring_cb (ParlaMinutesPage *self,
                        const char       *type,
                        JsonNode         *message)
{
  JsonObject *event;
  gint64 seconds, expires_at;

  if (message == NULL || !JSON_NODE_HOLDS_OBJECT (message))
    return;

  event = json_node_get_object (message);
  seconds = parla_json_get_int (event, "seconds", 0);
  expires_at = parla_json_get_instant (event, "expires_at", 0);
  if (seconds < 60 || expires_at <= 0)
    return;

  show_expiring (self, seconds, expires_at);
  parla_widget_show_toast (GTK_WIDGET (self), _("Some of your minutes expire soon"));
}

/* Minutes expired, were given back or used in a call. */
static void
on_minutes_changed_cb (ParlaMinutesPage *self,
                       const char       *type,
                       JsonNode         *message)
{
  load (self);
}

static void
on_online_changed_cb (ParlaMinutesPage *self)
{
  update_actions (self);
  if (parla_context_get_online (self->context))
    load (self);
}

/* GObject */

static void
parla_minutes_page_constructed (GObject *object)
{
  ParlaMinutesPage *self = PARLA_MINUTES_PAGE (object);
  ParlaRealtime *realtime = parla_context_get_realtime (self->context);

  G_OBJECT_CLASS (parla_minutes_page_parent_class)->constructed (object);

  if (realtime != NULL)
    {
      g_signal_connect_object (realtime, "event::minutes.purchased",
                               G_CALLBACK (on_minutes_purchased_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::minutes.purchase_expired",
                               G_CALLBACK (on_purchase_expired_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::minutes.expiring",
                               G_CALLBACK (on_minutes_expiring_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::minutes.expired",
                               G_CALLBACK (on_minutes_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::minutes.refunded",
                               G_CALLBACK (on_minutes_changed_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (realtime, "event::call.ended",
                               G_CALLBACK (on_minutes_changed_cb), self, G_CONNECT_SWAPPED);
    }
  g_signal_connect_object (self->context, "notify::online", G_CALLBACK (on_online_changed_cb), self,
                           G_CONNECT_SWAPPED);

  update_actions (self);
  load (self);
}

static void
parla_minutes_page_dispose (GObject *object)
{
  ParlaMinutesPage *self = PARLA_MINUTES_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  stop_countdown (self);

  /* The stack is both the bin's child and a template child. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_MINUTES_PAGE);

  G_OBJECT_CLASS (parla_minutes_page_parent_class)->dispose (object);
}

static void
parla_minutes_page_finalize (GObject *object)
{
  ParlaMinutesPage *self = PARLA_MINUTES_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->context);
  g_free (self->purchase_id);
  g_free (self->checkout_url);

  G_OBJECT_CLASS (parla_minutes_page_parent_class)->finalize (object);
}

static void
parla_minutes_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ParlaMinutesPage *self = PARLA_MINUTES_PAGE (object);

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
parla_minutes_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ParlaMinutesPage *self = PARLA_MINUTES_PAGE (object);

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
parla_minutes_page_class_init (ParlaMinutesPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_minutes_page_constructed;
  object_class->dispose = parla_minutes_page_dispose;
  object_class->finalize = parla_minutes_page_finalize;
  object_class->get_property = parla_minutes_page_get_property;
  object_class->set_property = parla_minutes_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/minutes/parla-minutes-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, balance_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, expiring_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, purchase_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, purchase_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, purchase_icon_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, purchase_spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, packages_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaMinutesPage, ledger_list);

  gtk_widget_class_install_action (widget_class, "minutes.buy", "s", buy_action);
  gtk_widget_class_install_action (widget_class, "minutes.open-checkout", NULL, open_checkout_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
}

static void
parla_minutes_page_init (ParlaMinutesPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_set_placeholder (self->packages_list, placeholder_row (_("No minute packages are on sale right now.")));
  gtk_list_box_set_placeholder (self->ledger_list, placeholder_row (_("No minutes bought or used yet.")));
}

/**
 * parla_minutes_page_get_loaded:
 * @self: a #ParlaMinutesPage
 *
 * Returns: whether the page has loaded once
 */
gboolean
parla_minutes_page_get_loaded (ParlaMinutesPage *self)
{
  g_return_val_if_fail (PARLA_IS_MINUTES_PAGE (self), FALSE);

  return self->loaded;
}

/**
 * parla_minutes_page_get_balance:
 * @self: a #ParlaMinutesPage
 *
 * Returns: the balance shown, in whole minutes
 */
gint64
parla_minutes_page_get_balance (ParlaMinutesPage *self)
{
  g_return_val_if_fail (PARLA_IS_MINUTES_PAGE (self), 0);

  return self->balance;
}

/**
 * parla_minutes_page_get_purchase_id:
 * @self: a #ParlaMinutesPage
 *
 * Returns: (nullable): the purchase the page follows
 */
const char *
parla_minutes_page_get_purchase_id (ParlaMinutesPage *self)
{
  g_return_val_if_fail (PARLA_IS_MINUTES_PAGE (self), NULL);

  return self->purchase_id;
}
