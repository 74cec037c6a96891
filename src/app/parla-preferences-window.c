/* parla-preferences-window.c: server, notifications and account
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-preferences-window.h"

/**
 * ParlaPreferencesWindow:
 *
 * The settings a user changes: which server (only while signed out: an
 * account belongs to one server), which notifications, and the account
 * itself.
 */
struct _ParlaPreferencesWindow
{
  AdwPreferencesWindow  parent_instance;

  ParlaContext         *context;

  AdwActionRow         *account_row;
  AdwPreferencesGroup  *server_group;
  AdwEntryRow          *server_row;
  GtkSwitch            *notify_bookings_switch;
  GtkSwitch            *notify_messages_switch;
  GtkSwitch            *notify_reminders_switch;
  GtkSwitch            *notify_calls_switch;
};

G_DEFINE_FINAL_TYPE (ParlaPreferencesWindow, parla_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

static void
update_account (ParlaPreferencesWindow *self)
{
  ParlaUser *user = parla_context_get_user (self->context);

  if (user != NULL)
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row),
                                     parla_user_get_display_name (user));
      adw_action_row_set_subtitle (self->account_row, parla_user_get_email (user));
      adw_preferences_group_set_description (self->server_group,
                                             _("Sign out to use another server."));
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->account_row), _("Not signed in"));
      adw_action_row_set_subtitle (self->account_row, "");
      adw_preferences_group_set_description (self->server_group, NULL);
    }

  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), user == NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->server_row),
                         parla_context_get_server_url (self->context));
}

static void
on_server_apply_cb (ParlaPreferencesWindow *self)
{
  g_autofree char *url = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->server_row))));
  g_autoptr(GError) error = NULL;

  if (!parla_context_set_server_url (self->context, url, &error))
    {
      adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self), adw_toast_new (error->message));
      return;
    }

  if (parla_context_get_settings (self->context) != NULL)
    g_settings_set_string (parla_context_get_settings (self->context), "server-url", url);
  adw_preferences_window_add_toast (ADW_PREFERENCES_WINDOW (self),
                                    adw_toast_new (_("The server address was saved")));
}

static void
parla_preferences_window_dispose (GObject *object)
{
  ParlaPreferencesWindow *self = PARLA_PREFERENCES_WINDOW (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_PREFERENCES_WINDOW);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (parla_preferences_window_parent_class)->dispose (object);
}

static void
parla_preferences_window_class_init (ParlaPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_preferences_window_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/parla-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaPreferencesWindow, account_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaPreferencesWindow, server_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaPreferencesWindow, notify_bookings_switch);
  gtk_widget_class_bind_template_child (widget_class, ParlaPreferencesWindow, notify_messages_switch);
  gtk_widget_class_bind_template_child (widget_class, ParlaPreferencesWindow, notify_reminders_switch);
  gtk_widget_class_bind_template_child (widget_class, ParlaPreferencesWindow, notify_calls_switch);
  gtk_widget_class_bind_template_callback (widget_class, on_server_apply_cb);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parla_preferences_window_init (ParlaPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * parla_preferences_window_new:
 * @context: the services
 *
 * Returns: (transfer none): a new preferences window
 */
GtkWindow *
parla_preferences_window_new (ParlaContext *context)
{
  ParlaPreferencesWindow *self;
  GSettings *settings;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);

  self = g_object_new (PARLA_TYPE_PREFERENCES_WINDOW, NULL);
  self->context = g_object_ref (context);

  settings = parla_context_get_settings (context);
  if (settings != NULL)
    {
      g_settings_bind (settings, "notify-bookings", self->notify_bookings_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "notify-messages", self->notify_messages_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "notify-reminders", self->notify_reminders_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "notify-calls", self->notify_calls_switch, "active",
                       G_SETTINGS_BIND_DEFAULT);
    }

  g_signal_connect_object (context, "notify::user", G_CALLBACK (update_account), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (context, "notify::server-url", G_CALLBACK (update_account), self,
                           G_CONNECT_SWAPPED);
  update_account (self);

  return GTK_WINDOW (self);
}
