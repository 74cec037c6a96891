/* parla-open-uri.c: open a web page (a checkout) in the user's browser
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-open-uri.h"
#include "parla-window.h"

static void
on_launched_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  GWeakRef *ref = user_data;
  g_autoptr(GtkWidget) widget = g_weak_ref_get (ref);
  g_autoptr(GError) error = NULL;

  g_weak_ref_clear (ref);
  g_free (ref);

  if (g_app_info_launch_default_for_uri_finish (result, &error) || widget == NULL)
    return;

  g_prefix_error (&error, "%s", _("Could not open the web browser: "));
  parla_widget_show_error (widget, error);
}

/**
 * parla_open_uri:
 * @widget: the widget the user acted on; errors show as its window's toasts
 * @uri: a web address
 *
 * Opens @uri in the default browser, through the OpenURI portal when the
 * app is sandboxed (GIO picks it), without blocking.
 */
void
parla_open_uri (GtkWidget  *widget,
                const char *uri)
{
  g_autoptr(GdkAppLaunchContext) launch = NULL;
  GWeakRef *ref;

  g_return_if_fail (GTK_IS_WIDGET (widget));
  g_return_if_fail (uri != NULL);

  launch = gdk_display_get_app_launch_context (gtk_widget_get_display (widget));
  ref = g_new0 (GWeakRef, 1);
  g_weak_ref_init (ref, widget);
  g_app_info_launch_default_for_uri_async (uri, G_APP_LAUNCH_CONTEXT (launch), NULL, on_launched_cb, ref);
}
