/* ui-test-utils.c: drive the real app's widgets in-process, against a
 * real parla-server, and save what each screen looks like
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gstdio.h>

#include "ui-test-utils.h"

#define WAIT_MS 20000

void
ui_test_init (int    *argc,
              char ***argv)
{
  /* The same rendering on every machine: no GL under Xvfb. */
  g_setenv ("GSK_RENDERER", "cairo", TRUE);

  gtk_test_init (argc, argv, NULL);
  adw_init ();

  /* ParlaApplication (an AdwApplication) loads its style sheet and adds
   * its resources' icons to the theme; the tests make windows without
   * one. */
  {
    g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();

    gtk_css_provider_load_from_resource (css, "/app/parla/Parla/style.css");
    gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                                GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
  }
  gtk_icon_theme_add_resource_path (gtk_icon_theme_get_for_display (gdk_display_get_default ()),
                                    "/app/parla/Parla/icons");

  /* A blinking cursor would make screenshots differ from run to run. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
}

static void
configure_demo (ParlaServerConfig *config,
                gpointer           user_data)
{
  config->demo = TRUE;
}

PtServer *
ui_server_start_demo (void)
{
  return pt_server_start (configure_demo, NULL);
}

void
ui_spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    g_main_context_iteration (NULL, FALSE);
}

static void
on_frame_done (GdkFrameClock *clock,
               gboolean      *done)
{
  *done = TRUE;
}

/* Waits until @widget's surface drew a frame after now, so that what a
 * screenshot shows has been laid out. */
void
ui_wait_drawn (GtkWidget *widget)
{
  GdkFrameClock *clock;
  gboolean done = FALSE;
  gulong id;

  UI_WAIT_UNTIL (gtk_widget_get_mapped (widget), WAIT_MS);
  clock = gtk_widget_get_frame_clock (widget);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (on_frame_done), &done);
  gtk_widget_queue_draw (widget);
  UI_WAIT_UNTIL (done, WAIT_MS);
  g_signal_handler_disconnect (clock, id);
}

static const char *
widget_text (GtkWidget *widget)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget));
  if (GTK_IS_BUTTON (widget))
    {
      GtkWidget *child = gtk_button_get_child (GTK_BUTTON (widget));

      if (GTK_IS_LABEL (child) && gtk_button_get_label (GTK_BUTTON (widget)) == NULL)
        return gtk_label_get_label (GTK_LABEL (child));
      return gtk_button_get_label (GTK_BUTTON (widget));
    }
  if (GTK_IS_LABEL (widget))
    return gtk_label_get_text (GTK_LABEL (widget));
  if (ADW_IS_STATUS_PAGE (widget))
    return adw_status_page_get_title (ADW_STATUS_PAGE (widget));
  if (ADW_IS_PREFERENCES_GROUP (widget))
    return adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (widget));
  if (GTK_IS_CHECK_BUTTON (widget))
    return gtk_check_button_get_label (GTK_CHECK_BUTTON (widget));
  if (GTK_IS_ENTRY (widget))
    return gtk_entry_get_placeholder_text (GTK_ENTRY (widget));
  if (GTK_IS_SEARCH_ENTRY (widget))
    {
      char *placeholder = NULL;

      /* Kept on the widget so that the borrowed string outlives the call. */
      g_object_get (widget, "placeholder-text", &placeholder, NULL);
      g_object_set_data_full (G_OBJECT (widget), "ui-test-text", placeholder, g_free);
      return placeholder;
    }
  return NULL;
}

static gboolean
text_matches (const char *text,
              const char *label)
{
  g_autofree char *plain = NULL;

  if (text == NULL)
    return FALSE;
  if (g_str_equal (text, label))
    return TRUE;

  /* Mnemonics: "_Sign In" is "Sign In". */
  plain = g_strdup (text);
  for (char *r = plain, *w = plain; ; r++)
    {
      if (*r != '_')
        *w++ = *r;
      if (*r == '\0')
        break;
    }
  return g_str_equal (plain, label);
}

GtkWidget *
ui_find (GtkWidget  *root,
         GType       type,
         const char *label)
{
  if ((type == G_TYPE_NONE || G_TYPE_CHECK_INSTANCE_TYPE (root, type)) &&
      (label == NULL || text_matches (widget_text (root), label)))
    return root;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ui_find (child, type, label);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
ui_get (GtkWidget  *root,
        GType       type,
        const char *label)
{
  GtkWidget *found = ui_find (root, type, label);

  if (found == NULL)
    g_error ("No %s “%s” in %s", type == G_TYPE_NONE ? "widget" : g_type_name (type),
             label != NULL ? label : "", G_OBJECT_TYPE_NAME (root));

  return found;
}

static GtkWidget *
find_nth (GtkWidget *root,
          GType      type,
          guint     *nth)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    {
      if (*nth == 0)
        return root;
      (*nth)--;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_nth (child, type, nth);

      if (found != NULL)
        return found;
    }

  return NULL;
}

GtkWidget *
ui_find_nth_of_type (GtkWidget *root,
                     GType      type,
                     guint      nth)
{
  return find_nth (root, type, &nth);
}

guint
ui_count_of_type (GtkWidget *root,
                  GType      type,
                  gboolean   mapped_only)
{
  guint count = 0;

  if (mapped_only && !gtk_widget_get_mapped (root))
    return 0;
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    count++;

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    count += ui_count_of_type (child, type, mapped_only);

  return count;
}

void
ui_type (GtkWidget  *editable,
         const char *text)
{
  g_assert_true (GTK_IS_EDITABLE (editable));
  g_assert_true (gtk_widget_is_sensitive (editable));

  gtk_widget_grab_focus (editable);
  gtk_editable_set_text (GTK_EDITABLE (editable), text);
}

static void
on_clicked (GtkButton *button,
            gboolean  *clicked)
{
  *clicked = TRUE;
}

void
ui_click (GtkWidget *widget)
{
  g_autoptr(GtkWidget) held = g_object_ref (widget);
  gboolean clicked = FALSE;
  gulong id = 0;

  /* Held: a click may destroy the button it was on (a dialog's). */
  g_assert_true (gtk_widget_get_mapped (widget));
  g_assert_true (gtk_widget_is_sensitive (widget));

  /* A button shows itself pressed for a moment and emits ::clicked after
   * it: wait for that, as a user would see it. */
  if (GTK_IS_BUTTON (widget))
    id = g_signal_connect (widget, "clicked", G_CALLBACK (on_clicked), &clicked);

  if (!gtk_widget_activate (widget))
    g_error ("%s cannot be activated", G_OBJECT_TYPE_NAME (widget));

  if (id != 0)
    {
      UI_WAIT_UNTIL (clicked, WAIT_MS);
      g_signal_handler_disconnect (widget, id);
    }
}

static void
save_png (GtkWidget  *widget,
          const char *file_name)
{
  g_autofree char *dir = g_test_build_filename (G_TEST_BUILT, "screenshots", NULL);
  g_autofree char *path = g_build_filename (dir, file_name, NULL);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  GtkSnapshot *snapshot = gtk_snapshot_new ();
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  int width = gtk_widget_get_width (widget);
  int height = gtk_widget_get_height (widget);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));

  g_assert_cmpint (g_mkdir_with_parents (dir, 0755), ==, 0);

  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (snapshot);
  g_assert_nonnull (node);
  texture = gsk_renderer_render_texture (renderer, node, &GRAPHENE_RECT_INIT (0, 0, width, height));
  g_assert_true (gdk_texture_save_to_png (texture, path));
  g_test_message ("screenshot: %s (%dx%d)", path, width, height);
}

static gboolean
has_size (GtkWindow *window,
          int        width,
          int        height)
{
  return gtk_widget_get_width (GTK_WIDGET (window)) == width &&
         gtk_widget_get_height (GTK_WIDGET (window)) == height;
}

/* Lays @window out at exactly @width x @height. The default size counts
 * the client-side decorations' margins, the allocation does not: measure
 * the difference once and ask for that much more. */
static void
resize_and_wait (GtkWindow *window,
                 int        width,
                 int        height)
{
  int extra_w, extra_h;

  if (!has_size (window, width, height))
    {
      int before_w = gtk_widget_get_width (GTK_WIDGET (window));
      int before_h = gtk_widget_get_height (GTK_WIDGET (window));
      int asked_w, asked_h;

      gtk_window_get_default_size (window, &asked_w, &asked_h);
      extra_w = asked_w - before_w;
      extra_h = asked_h - before_h;
      gtk_window_set_default_size (window, width + extra_w, height + extra_h);
      UI_WAIT_UNTIL (has_size (window, width, height), WAIT_MS);
    }

  ui_wait_drawn (GTK_WIDGET (window));
  /* Let transitions (view switcher, revealers, stacks) settle. */
  ui_spin (400);
  ui_wait_drawn (GTK_WIDGET (window));
}

void
ui_screenshot (GtkWindow  *window,
               const char *name)
{
  g_autofree char *wide = g_strdup_printf ("%s-1280.png", name);
  g_autofree char *narrow = g_strdup_printf ("%s-400.png", name);

  resize_and_wait (window, 1280, 800);
  save_png (GTK_WIDGET (window), wide);
  resize_and_wait (window, 400, 800);
  save_png (GTK_WIDGET (window), narrow);
  resize_and_wait (window, 1280, 800);
}

void
ui_screenshot_as_is (GtkWindow  *window,
                     const char *name)
{
  g_autofree char *file_name = g_strdup_printf ("%s.png", name);

  ui_wait_drawn (GTK_WIDGET (window));
  ui_spin (300);
  ui_wait_drawn (GTK_WIDGET (window));
  save_png (GTK_WIDGET (window), file_name);
}

UiApp *
ui_app_new (PtServer *server)
{
  UiApp *app = g_new0 (UiApp, 1);
  g_autoptr(GError) error = NULL;

  app->server = server;
  app->settings = g_settings_new (APP_ID);
  app->context = parla_context_new (server->base_url, app->settings, &error);
  g_assert_no_error (error);
  app->window = g_object_ref (parla_window_new (NULL, app->context));
  gtk_window_set_default_size (GTK_WINDOW (app->window), 1280, 800);
  gtk_window_present (GTK_WINDOW (app->window));

  /* Without a window manager, X gives the keyboard focus to a window only
   * when asked once it is mapped; GTK asks when presented again. */
  UI_WAIT_UNTIL (gtk_widget_get_mapped (GTK_WIDGET (app->window)), WAIT_MS);
  gtk_window_present (GTK_WINDOW (app->window));
  UI_WAIT_UNTIL (gtk_window_is_active (GTK_WINDOW (app->window)), WAIT_MS);

  UI_WAIT_UNTIL (g_strcmp0 (parla_window_get_visible_page_name (app->window), "loading") != 0, WAIT_MS);
  ui_wait_drawn (GTK_WIDGET (app->window));

  return app;
}

void
ui_app_sign_in (UiApp      *app,
                const char *email,
                const char *password)
{
  GtkWidget *window = GTK_WIDGET (app->window);

  g_assert_cmpstr (parla_window_get_visible_page_name (app->window), ==, "sign-in");
  ui_type (ui_get (window, ADW_TYPE_ENTRY_ROW, "Email address"), email);
  ui_type (ui_get (window, ADW_TYPE_PASSWORD_ENTRY_ROW, "Password"), password);
  ui_click (ui_get (window, GTK_TYPE_BUTTON, "Sign In"));

  UI_WAIT_UNTIL (parla_context_get_signed_in (app->context), WAIT_MS);
  UI_WAIT_UNTIL (g_strcmp0 (parla_window_get_visible_page_name (app->window), "sign-in") != 0, WAIT_MS);
}

void
ui_app_free (UiApp *app)
{
  /* Xvfb has no window manager to send focus-out events: take the focus
   * away first, as closing a focused window would. */
  gtk_window_set_focus (GTK_WINDOW (app->window), NULL);
  ui_spin (50);
  gtk_window_destroy (GTK_WINDOW (app->window));
  ui_spin (50);
  g_assert_finalize_object (app->window);
  g_assert_finalize_object (app->context);
  g_clear_object (&app->settings);
  g_free (app);
}
