/* parla-sign-in-page.c: sign in or create an account
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-sign-in-page.h"

/**
 * ParlaSignInPage:
 *
 * Email and password, or, in "create an account" mode, also a name and
 * whether to learn or teach. The server address sits in its own group
 * below (it rarely changes); a new address is used from the next attempt
 * and remembered once signing in with it worked.
 */
struct _ParlaSignInPage
{
  AdwBin          parent_instance;

  ParlaContext   *context;
  GCancellable   *cancellable;

  GtkLabel       *title_label;
  GtkLabel       *message_label;
  AdwEntryRow    *name_row;
  AdwEntryRow    *email_row;
  AdwEntryRow    *password_row;
  AdwComboRow    *role_row;
  AdwEntryRow    *server_row;
  GtkStack       *button_stack;
  GtkButton      *submit_button;
  GtkLabel       *mode_label;

  guint           sign_up : 1;
  guint           busy : 1;
};

G_DEFINE_FINAL_TYPE (ParlaSignInPage, parla_sign_in_page, ADW_TYPE_BIN)

static void
update_actions (ParlaSignInPage *self)
{
  const char *email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_row));
  gboolean complete = *email != '\0' && *password != '\0' && (!self->sign_up || *name != '\0');

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.submit",
                                 !self->busy && complete && self->context != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "sign-in.toggle-mode", !self->busy);
}

static void
set_busy (ParlaSignInPage *self,
          gboolean         busy)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  /* Take the focus off the field before it turns insensitive, or GTK
   * 4.8's text cursor keeps blinking in a widget that lost the focus. */
  if (busy && root != NULL)
    gtk_root_set_focus (root, NULL);

  self->busy = !!busy;
  gtk_stack_set_visible_child_name (self->button_stack, busy ? "spinner" : "button");
  gtk_widget_set_sensitive (GTK_WIDGET (self->name_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->email_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->password_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->role_row), !busy);
  gtk_widget_set_sensitive (GTK_WIDGET (self->server_row), !busy);
  update_actions (self);
}

static void
update_mode (ParlaSignInPage *self)
{
  gtk_widget_set_visible (GTK_WIDGET (self->name_row), self->sign_up);
  gtk_widget_set_visible (GTK_WIDGET (self->role_row), self->sign_up);
  gtk_label_set_label (self->title_label,
                       self->sign_up ? _("Create your Parla account") : _("Welcome to Parla"));
  gtk_button_set_label (self->submit_button,
                        self->sign_up ? _("_Create Account") : _("_Sign In"));
  gtk_label_set_label (self->mode_label,
                       self->sign_up ? _("Already have an account? _Sign in")
                                     : _("New to Parla? _Create an account"));
  update_actions (self);
}

static void
on_signed_in_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(ParlaSignInPage) self = user_data;
  ParlaContext *context = PARLA_CONTEXT (object);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (g_task_get_source_tag (G_TASK (result)) == parla_context_sign_in_async)
    ok = parla_context_sign_in_finish (context, result, &error);
  else
    ok = parla_context_sign_up_finish (context, result, &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  set_busy (self, FALSE);

  if (!ok)
    {
      parla_sign_in_page_set_message (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->password_row));
      return;
    }

  /* Remember the server that worked; the password is not kept here (the
   * keyring has the token). */
  if (parla_context_get_settings (context) != NULL)
    g_settings_set_string (parla_context_get_settings (context), "server-url",
                           parla_context_get_server_url (context));
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  parla_sign_in_page_set_message (self, NULL);
}

static void
submit_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaSignInPage *self = PARLA_SIGN_IN_PAGE (widget);
  const char *server = gtk_editable_get_text (GTK_EDITABLE (self->server_row));
  g_autofree char *email = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->email_row))));
  const char *password = gtk_editable_get_text (GTK_EDITABLE (self->password_row));
  g_autoptr(GError) error = NULL;

  if (self->busy)
    return;

  if (!parla_context_set_server_url (self->context, server, &error))
    {
      parla_sign_in_page_set_message (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->server_row));
      return;
    }

  set_busy (self, TRUE);

  if (self->sign_up)
    {
      g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_row))));
      ParlaRole role = adw_combo_row_get_selected (self->role_row) == 1 ? PARLA_ROLE_TEACHER
                                                                        : PARLA_ROLE_STUDENT;

      parla_context_sign_up_async (self->context, email, password, name, role, self->cancellable,
                                   on_signed_in_cb, g_object_ref (self));
    }
  else
    {
      parla_context_sign_in_async (self->context, email, password, self->cancellable,
                                   on_signed_in_cb, g_object_ref (self));
    }
}

static void
toggle_mode_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ParlaSignInPage *self = PARLA_SIGN_IN_PAGE (widget);

  self->sign_up = !self->sign_up;
  parla_sign_in_page_set_message (self, NULL);
  update_mode (self);
  gtk_widget_grab_focus (GTK_WIDGET (self->sign_up ? self->name_row : self->email_row));
}

static void
on_entry_activated_cb (ParlaSignInPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.submit", NULL);
}

static void
on_server_url_cb (ParlaSignInPage *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->server_row),
                         parla_context_get_server_url (self->context));
}

/* libadwaita 1.2's password row has a show/hide button whose only content
 * is an icon, so screen readers hear nothing useful: give it a name. */
static void
name_reveal_toggle (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child) && gtk_widget_get_visible (child))
        gtk_accessible_update_property (GTK_ACCESSIBLE (child),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, _("Show Password"),
                                        -1);
      name_reveal_toggle (child);
    }
}

static void
parla_sign_in_page_dispose (GObject *object)
{
  ParlaSignInPage *self = PARLA_SIGN_IN_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_SIGN_IN_PAGE);

  G_OBJECT_CLASS (parla_sign_in_page_parent_class)->dispose (object);
}

static void
parla_sign_in_page_finalize (GObject *object)
{
  ParlaSignInPage *self = PARLA_SIGN_IN_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (parla_sign_in_page_parent_class)->finalize (object);
}

static void
parla_sign_in_page_class_init (ParlaSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_sign_in_page_dispose;
  object_class->finalize = parla_sign_in_page_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/parla-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, message_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, name_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, email_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, role_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, button_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, submit_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaSignInPage, mode_label);
  gtk_widget_class_bind_template_callback (widget_class, on_entry_activated_cb);

  gtk_widget_class_install_action (widget_class, "sign-in.submit", NULL, submit_action);
  gtk_widget_class_install_action (widget_class, "sign-in.toggle-mode", NULL, toggle_mode_action);
}

static void
parla_sign_in_page_init (ParlaSignInPage *self)
{
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));
  name_reveal_toggle (GTK_WIDGET (self->password_row));

  g_signal_connect_object (self->email_row, "changed", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->password_row, "changed", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->name_row, "changed", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
  update_actions (self);
}

/**
 * parla_sign_in_page_set_context:
 * @self: a #ParlaSignInPage
 * @context: the services to sign in with
 */
void
parla_sign_in_page_set_context (ParlaSignInPage *self,
                                ParlaContext    *context)
{
  g_return_if_fail (PARLA_IS_SIGN_IN_PAGE (self));
  g_return_if_fail (PARLA_IS_CONTEXT (context));

  if (!g_set_object (&self->context, context))
    return;

  g_signal_connect_object (context, "notify::server-url", G_CALLBACK (on_server_url_cb), self,
                           G_CONNECT_SWAPPED);
  on_server_url_cb (self);
  update_actions (self);
}

/**
 * parla_sign_in_page_set_message:
 * @self: a #ParlaSignInPage
 * @message: (nullable): why signing in failed or is needed again
 */
void
parla_sign_in_page_set_message (ParlaSignInPage *self,
                                const char      *message)
{
  g_return_if_fail (PARLA_IS_SIGN_IN_PAGE (self));

  gtk_label_set_label (self->message_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->message_label), message != NULL && *message != '\0');
}

/**
 * parla_sign_in_page_focus:
 * @self: a #ParlaSignInPage
 *
 * Puts the keyboard focus on the first field to fill in.
 */
void
parla_sign_in_page_focus (ParlaSignInPage *self)
{
  const char *email;

  g_return_if_fail (PARLA_IS_SIGN_IN_PAGE (self));

  email = gtk_editable_get_text (GTK_EDITABLE (self->email_row));
  gtk_widget_grab_focus (GTK_WIDGET (*email != '\0' ? self->password_row : self->email_row));
}
