/* parla-window.c: the main window
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-a11y.h"
#include "parla-error.h"
#include "parla-pages.h"
#include "parla-presence-switch.h"
#include "parla-sign-in-page.h"
#include "parla-window.h"

/**
 * ParlaWindow:
 *
 * Shows the sign-in page until someone is signed in, then the pages for
 * their role (parla-pages.c) in a view stack whose switcher moves to the
 * bottom on a narrow window. Errors from any page come up as toasts
 * (parla_widget_show_error()), and a banner says when the server cannot be
 * reached, while the pages keep what they last loaded.
 *
 * Every page is a widget with a construct-only `context` property; a page
 * may install the widget actions `page.reload` and `page.search`, which
 * the window's Ctrl+R and Ctrl+F reach.
 */
struct _ParlaWindow
{
  AdwApplicationWindow  parent_instance;

  ParlaContext         *context;
  GCancellable         *cancellable;

  AdwToastOverlay      *toast_overlay;
  GtkStack             *main_stack;
  ParlaSignInPage      *sign_in_page;
  AdwViewStack         *view_stack;
  GtkRevealer          *offline_revealer;
  GtkLabel             *offline_label;
  ParlaPresenceSwitch  *presence_switch;
  GPtrArray            *toasts;       /* AdwToast shown or queued */
  GPtrArray            *dropping;     /* AdwToast to dismiss, of the user who signed out */
  gint64                toasts_changed_at;
  guint                 drop_id;

  gulong                session_expired_id;
  guint                 loaded_for_teacher : 1;
  guint                 pages_loaded : 1;
};

G_DEFINE_FINAL_TYPE (ParlaWindow, parla_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
clear_pages (ParlaWindow *self)
{
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);

  while (g_list_model_get_n_items (G_LIST_MODEL (pages)) > 0)
    {
      g_autoptr(AdwViewStackPage) page = g_list_model_get_item (G_LIST_MODEL (pages), 0);

      adw_view_stack_remove (self->view_stack, adw_view_stack_page_get_child (page));
    }
  self->pages_loaded = FALSE;
}

static void
load_pages (ParlaWindow *self)
{
  gboolean teacher = parla_context_get_is_teacher (self->context);
  guint n_pages;
  const ParlaPageInfo *pages = parla_pages_get_all (&n_pages);

  if (self->pages_loaded && self->loaded_for_teacher == teacher)
    return;

  clear_pages (self);

  for (guint i = 0; i < n_pages; i++)
    {
      GtkWidget *page;
      AdwViewStackPage *stack_page;

      if ((pages[i].roles & (teacher ? PARLA_PAGE_TEACHER : PARLA_PAGE_LEARNER)) == 0)
        continue;

      page = g_object_new (pages[i].get_type (), "context", self->context, NULL);
      parla_a11y_name_inner_controls (page);
      stack_page = adw_view_stack_add_titled (self->view_stack, page, pages[i].name,
                                              g_dgettext (GETTEXT_PACKAGE, pages[i].title));
      adw_view_stack_page_set_icon_name (stack_page, pages[i].icon_name);
    }

  self->loaded_for_teacher = teacher;
  self->pages_loaded = TRUE;
}

/* How long a toast may take to slide in (REPLACE_DURATION, 500 ms, in
 * libadwaita 1.2), with some margin. */
#define TOAST_SETTLE_USEC (700 * G_TIME_SPAN_MILLISECOND)

static void
on_toast_dismissed_cb (AdwToast    *toast,
                       ParlaWindow *self)
{
  g_ptr_array_remove (self->toasts, toast);
  /* The next one may start sliding in now. */
  self->toasts_changed_at = g_get_monotonic_time ();
}

static gboolean
drop_toasts_cb (gpointer user_data)
{
  ParlaWindow *self = PARLA_WINDOW (user_data);
  gint64 settled_at = self->toasts_changed_at + TOAST_SETTLE_USEC;
  gint64 now = g_get_monotonic_time ();

  self->drop_id = 0;

  /* In libadwaita 1.2, dismissing a toast that is still sliding in frees
   * it twice: wait until none can be. */
  if (now < settled_at)
    {
      self->drop_id = g_timeout_add ((guint) ((settled_at - now) / 1000) + 1, drop_toasts_cb, self);
      return G_SOURCE_REMOVE;
    }

  /* Newest first: the queued ones leave the queue before the one shown
   * hides, so that none of them starts sliding in. */
  while (self->dropping->len > 0)
    {
      g_autoptr(AdwToast) toast = g_ptr_array_steal_index (self->dropping, self->dropping->len - 1);

      if (g_ptr_array_find (self->toasts, toast, NULL))
        adw_toast_dismiss (toast);
    }

  return G_SOURCE_REMOVE;
}

/* What was said to the signed-out user is not for the next one: the
 * toasts shown or queued now go (AdwToastOverlay 1.2 cannot dismiss all). */
static void
drop_toasts (ParlaWindow *self)
{
  for (guint i = 0; i < self->toasts->len; i++)
    g_ptr_array_add (self->dropping, g_object_ref (g_ptr_array_index (self->toasts, i)));

  if (self->drop_id == 0)
    drop_toasts_cb (self);
}

static void
update_user (ParlaWindow *self)
{
  ParlaUser *user = parla_context_get_user (self->context);

  if (user == NULL)
    {
      drop_toasts (self);

      clear_pages (self);
      gtk_stack_set_visible_child_name (self->main_stack, "sign-in");
      parla_sign_in_page_focus (self->sign_in_page);
      return;
    }

  load_pages (self);
  gtk_widget_set_visible (GTK_WIDGET (self->presence_switch), parla_context_get_is_teacher (self->context));
  gtk_stack_set_visible_child_name (self->main_stack, "main");
}

static void
update_offline (ParlaWindow *self)
{
  ParlaOutbox *outbox = parla_context_get_outbox (self->context);
  guint waiting = outbox != NULL ? parla_outbox_get_count (outbox) : 0;
  g_autofree char *text = NULL;

  if (waiting == 0)
    text = g_strdup (_("Offline: showing what was loaded last"));
  else
    text = g_strdup_printf (ngettext ("Offline: %u change will be sent when the server is back",
                                      "Offline: %u changes will be sent when the server is back",
                                      waiting),
                            waiting);

  gtk_label_set_label (self->offline_label, text);
  gtk_revealer_set_reveal_child (self->offline_revealer,
                                 !parla_context_get_online (self->context) &&
                                 parla_context_get_signed_in (self->context));
}

static void
on_session_expired_cb (ParlaWindow *self)
{
  parla_sign_in_page_set_message (self->sign_in_page,
                                  _("Your session has ended. Please sign in again."));
}

static void
on_restored_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ParlaWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!parla_context_restore_finish (PARLA_CONTEXT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      if (error != NULL && !g_error_matches (error, PARLA_ERROR, PARLA_ERROR_UNAUTHORIZED))
        parla_sign_in_page_set_message (self->sign_in_page, error->message);
    }

  update_user (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaWindow *self = PARLA_WINDOW (widget);
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);

  if (page != NULL && parla_context_get_signed_in (self->context))
    gtk_widget_activate_action (page, "page.reload", NULL);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaWindow *self = PARLA_WINDOW (widget);
  GtkWidget *page = adw_view_stack_get_visible_child (self->view_stack);

  if (page != NULL && parla_context_get_signed_in (self->context))
    gtk_widget_activate_action (page, "page.search", NULL);
}

static void
show_page_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ParlaWindow *self = PARLA_WINDOW (widget);
  guint32 position = g_variant_get_uint32 (parameter);
  g_autoptr(GtkSelectionModel) pages = adw_view_stack_get_pages (self->view_stack);
  g_autoptr(AdwViewStackPage) page = NULL;

  /* Alt+1 is the first page shown for this role, and so on. */
  if (position == 0 || position > g_list_model_get_n_items (G_LIST_MODEL (pages)))
    return;

  page = g_list_model_get_item (G_LIST_MODEL (pages), position - 1);
  adw_view_stack_set_visible_child (self->view_stack, adw_view_stack_page_get_child (page));
}

static void
parla_window_constructed (GObject *object)
{
  ParlaWindow *self = PARLA_WINDOW (object);
  GSettings *settings = parla_context_get_settings (self->context);
  ParlaOutbox *outbox = parla_context_get_outbox (self->context);

  G_OBJECT_CLASS (parla_window_parent_class)->constructed (object);

  parla_sign_in_page_set_context (self->sign_in_page, self->context);
  parla_presence_switch_set_context (self->presence_switch, self->context);

  if (settings != NULL)
    {
      g_settings_bind (settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
      g_settings_bind (settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
    }

  g_signal_connect_object (self->context, "notify::user",
                           G_CALLBACK (update_user), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::online",
                           G_CALLBACK (update_offline), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "notify::signed-in",
                           G_CALLBACK (update_offline), self, G_CONNECT_SWAPPED);
  self->session_expired_id =
    g_signal_connect_object (self->context, "session-expired",
                             G_CALLBACK (on_session_expired_cb), self, G_CONNECT_SWAPPED);
  if (outbox != NULL)
    g_signal_connect_object (outbox, "notify::count",
                             G_CALLBACK (update_offline), self, G_CONNECT_SWAPPED);
  update_offline (self);

  if (parla_context_get_signed_in (self->context))
    {
      update_user (self);
      return;
    }

  gtk_stack_set_visible_child_name (self->main_stack, "loading");
  parla_context_restore_async (self->context, self->cancellable, on_restored_cb,
                               g_object_ref (self));
}

static void
parla_window_dispose (GObject *object)
{
  ParlaWindow *self = PARLA_WINDOW (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->drop_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_WINDOW);

  G_OBJECT_CLASS (parla_window_parent_class)->dispose (object);
}

static void
parla_window_finalize (GObject *object)
{
  ParlaWindow *self = PARLA_WINDOW (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_pointer (&self->toasts, g_ptr_array_unref);
  g_clear_pointer (&self->dropping, g_ptr_array_unref);

  G_OBJECT_CLASS (parla_window_parent_class)->finalize (object);
}

static void
parla_window_get_property (GObject    *object,
                           guint       prop_id,
                           GValue     *value,
                           GParamSpec *pspec)
{
  ParlaWindow *self = PARLA_WINDOW (object);

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
parla_window_set_property (GObject      *object,
                           guint         prop_id,
                           const GValue *value,
                           GParamSpec   *pspec)
{
  ParlaWindow *self = PARLA_WINDOW (object);

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
parla_window_class_init (ParlaWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_window_constructed;
  object_class->dispose = parla_window_dispose;
  object_class->finalize = parla_window_finalize;
  object_class->get_property = parla_window_get_property;
  object_class->set_property = parla_window_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PARLA_TYPE_SIGN_IN_PAGE);
  g_type_ensure (PARLA_TYPE_PRESENCE_SWITCH);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/parla-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ParlaWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaWindow, sign_in_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaWindow, offline_revealer);
  gtk_widget_class_bind_template_child (widget_class, ParlaWindow, offline_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaWindow, presence_switch);

  gtk_widget_class_install_action (widget_class, "win.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "win.show-page", "u", show_page_action);
}

static void
parla_window_init (ParlaWindow *self)
{
  self->cancellable = g_cancellable_new ();
  self->toasts = g_ptr_array_new_with_free_func (g_object_unref);
  self->dropping = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * parla_window_new:
 * @application: (nullable): the #GtkApplication, or %NULL in tests
 * @context: the services
 *
 * Returns: (transfer none): a new main window
 */
ParlaWindow *
parla_window_new (gpointer      application,
                  ParlaContext *context)
{
  g_return_val_if_fail (!application || GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);

  return g_object_new (PARLA_TYPE_WINDOW,
                       "application", application,
                       "context", context,
                       NULL);
}

ParlaContext *
parla_window_get_context (ParlaWindow *self)
{
  g_return_val_if_fail (PARLA_IS_WINDOW (self), NULL);

  return self->context;
}

void
parla_window_add_toast (ParlaWindow *self,
                        AdwToast    *toast)
{
  g_return_if_fail (PARLA_IS_WINDOW (self));
  g_return_if_fail (ADW_IS_TOAST (toast));

  g_ptr_array_add (self->toasts, g_object_ref (toast));
  self->toasts_changed_at = g_get_monotonic_time ();
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_toast_dismissed_cb), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

/**
 * parla_window_get_page:
 * @self: a #ParlaWindow
 * @name: a page's name, e.g. `discover`
 *
 * Returns: (transfer none) (nullable): the page, when the signed-in role
 *   has it
 */
GtkWidget *
parla_window_get_page (ParlaWindow *self,
                       const char  *name)
{
  g_return_val_if_fail (PARLA_IS_WINDOW (self), NULL);
  g_return_val_if_fail (name != NULL, NULL);

  return adw_view_stack_get_child_by_name (self->view_stack, name);
}

/**
 * parla_window_show_page:
 * @self: a #ParlaWindow
 * @name: a page's name, e.g. `schedule`
 *
 * Returns: %TRUE when the page exists for the signed-in role and is shown
 */
gboolean
parla_window_show_page (ParlaWindow *self,
                        const char  *name)
{
  g_return_val_if_fail (PARLA_IS_WINDOW (self), FALSE);

  if (adw_view_stack_get_child_by_name (self->view_stack, name) == NULL)
    return FALSE;

  adw_view_stack_set_visible_child_name (self->view_stack, name);
  return TRUE;
}

/**
 * parla_window_get_visible_page_name:
 * @self: a #ParlaWindow
 *
 * Returns: (nullable): `sign-in` or `loading` before anyone is signed in,
 *   otherwise the name of the page shown
 */
const char *
parla_window_get_visible_page_name (ParlaWindow *self)
{
  const char *top;

  g_return_val_if_fail (PARLA_IS_WINDOW (self), NULL);

  top = gtk_stack_get_visible_child_name (self->main_stack);
  if (g_strcmp0 (top, "main") != 0)
    return top;

  return adw_view_stack_get_visible_child_name (self->view_stack);
}

/**
 * parla_widget_show_error:
 * @widget: a widget inside a #ParlaWindow
 * @error: what went wrong
 *
 * Shows @error's message (the server's own words for a refused request)
 * as a toast in @widget's window, and tells the context when the server
 * could not be reached. Cancellation is not an error and shows nothing.
 */
void
parla_widget_show_error (GtkWidget    *widget,
                         const GError *error)
{
  GtkRoot *root;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (error != NULL);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  root = gtk_widget_get_root (widget);
  if (!PARLA_IS_WINDOW (root))
    {
      g_message ("%s", error->message);
      return;
    }

  parla_context_report_offline (PARLA_WINDOW (root)->context, error);
  parla_widget_show_toast (widget, error->message);
}

/**
 * parla_widget_show_toast:
 * @widget: a widget inside a #ParlaWindow
 * @message: what to say
 *
 * Shows @message as a toast in @widget's window.
 */
void
parla_widget_show_toast (GtkWidget  *widget,
                         const char *message)
{
  GtkRoot *root;
  AdwToast *toast;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (message != NULL);

  root = gtk_widget_get_root (widget);
  if (!PARLA_IS_WINDOW (root))
    {
      g_message ("%s", message);
      return;
    }

  toast = adw_toast_new (message);
  adw_toast_set_timeout (toast, 5);
  parla_window_add_toast (PARLA_WINDOW (root), toast);
}
