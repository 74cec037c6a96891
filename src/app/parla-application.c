/* parla-application.c: the Parla desktop application
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>

#include "parla-application.h"
#include "parla-call-window.h"
#include "parla-preferences-window.h"
#include "parla-ring-service.h"
#include "parla-window.h"

#define DEFAULT_SERVER "http://127.0.0.1:8080"

/**
 * ParlaApplication:
 *
 * One per process (and one process per user session: a second `parla`
 * hands its request to the first). It owns the #ParlaContext, installs the
 * application actions and their accelerators, and opens the main window.
 *
 * The server is, first to last: `--server URL`, `$PARLA_SERVER`, the
 * `server-url` setting, then the local server at port 8080.
 */
struct _ParlaApplication
{
  AdwApplication  parent_instance;

  GSettings      *settings;
  ParlaContext   *context;
  char           *server_override;
  char           *pending_join;     /* a call to join once signed in */
  gulong          pending_join_id;
  ParlaRingService *ring_service;   /* calls with a tutor now */
};

G_DEFINE_FINAL_TYPE (ParlaApplication, parla_application, ADW_TYPE_APPLICATION)

static const GOptionEntry option_entries[] = {
  { "server", 's', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("The Parla server to use, e.g. https://parla.example.org"), N_("URL") },
  { "version", 0, G_OPTION_FLAG_NONE, G_OPTION_ARG_NONE, NULL,
    N_("Print the version and exit"), NULL },
  { "join", 'j', G_OPTION_FLAG_NONE, G_OPTION_ARG_STRING, NULL,
    N_("Join the call of a session or lesson"), N_("ID") },
  { NULL }
};

/**
 * parla_application_dup_default_server:
 * @settings: (nullable): the app's settings
 *
 * Returns: (transfer full): the server to use when the command line does
 *   not name one
 */
char *
parla_application_dup_default_server (GSettings *settings)
{
  const char *env = g_getenv ("PARLA_SERVER");
  g_autofree char *saved = NULL;

  if (env != NULL && *env != '\0')
    return g_strdup (env);

  if (settings != NULL)
    saved = g_settings_get_string (settings, "server-url");
  if (saved != NULL && *saved != '\0')
    return g_steal_pointer (&saved);

  return g_strdup (DEFAULT_SERVER);
}

static int
parla_application_handle_local_options (GApplication *app,
                                        GVariantDict *options)
{
  ParlaApplication *self = PARLA_APPLICATION (app);
  const char *server = NULL;
  const char *join = NULL;

  if (g_variant_dict_contains (options, "version"))
    {
      g_print ("parla %s\n", PACKAGE_VERSION);
      return 0;
    }

  if (g_variant_dict_lookup (options, "join", "&s", &join))
    {
      g_autoptr(GError) error = NULL;

      /* The first instance joins: this one hands it over, or is it. */
      if (!g_application_register (app, NULL, &error))
        {
          g_printerr ("%s\n", error->message);
          return 1;
        }
      g_free (self->pending_join);
      self->pending_join = g_strdup (join);
      if (g_application_get_is_remote (app))
        {
          g_action_group_activate_action (G_ACTION_GROUP (app), "join", g_variant_new_string (join));
          return 0;
        }
    }

  if (g_variant_dict_lookup (options, "server", "&s", &server))
    {
      g_autoptr(GUri) uri = g_uri_parse (server, G_URI_FLAGS_NONE, NULL);

      if (uri == NULL || (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
                          g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
        {
          g_printerr (_("--server needs an http:// or https:// URL, not “%s”\n"), server);
          return 2;
        }
      g_free (self->server_override);
      self->server_override = g_strdup (server);
    }

  return G_APPLICATION_CLASS (parla_application_parent_class)->handle_local_options (app, options);
}

static void
on_sign_out_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(ParlaApplication) self = user_data;

  parla_context_sign_out_finish (PARLA_CONTEXT (object), result, NULL);
}

static void
sign_out_action (GSimpleAction *action,
                 GVariant      *parameter,
                 gpointer       user_data)
{
  ParlaApplication *self = user_data;

  if (parla_context_get_signed_in (self->context))
    parla_context_sign_out_async (self->context, NULL, on_sign_out_cb, g_object_ref (self));
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  ParlaApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  GtkWindow *window;

  window = parla_preferences_window_new (self->context);
  gtk_window_set_transient_for (window, parent);
  gtk_window_present (window);
}

static void
about_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  ParlaApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  static const char *developers[] = { "The Parla developers", NULL };

  adw_show_about_window (parent,
                         "application-name", _("Parla"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Parla developers"),
                         "version", PACKAGE_VERSION,
                         "comments", _("Live lessons and conversation classes with real teachers"),
                         "website", "https://parla.app",
                         "issue-url", "https://parla.app/issues",
                         "developers", developers,
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Parla developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
quit_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ParlaApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Close the windows so each can save its state and ask about whatever
   * it would lose; the application ends with the last one, even while the
   * teacher is available for instant calls. */
  if (self->ring_service != NULL)
    parla_ring_service_release_application (self->ring_service);
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_close (window);
    }
}

/* Joining a call: app.join, --join and parla://session/<id> links. The
 * main window is there too (to sign in, if need be); the call window
 * opens once signed in. */
static void
open_pending_join (ParlaApplication *self)
{
  g_autofree char *id = NULL;

  if (self->pending_join == NULL || !parla_context_get_signed_in (self->context))
    return;

  g_clear_signal_handler (&self->pending_join_id, self->context);
  id = g_steal_pointer (&self->pending_join);
  parla_call_window_open_session (self->context, GTK_APPLICATION (self), id);
}

static void
present_main_window (ParlaApplication *self)
{
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  for (GList *l = windows; l != NULL; l = l->next)
    if (PARLA_IS_WINDOW (l->data))
      return;

  gtk_window_present (GTK_WINDOW (parla_window_new (self, self->context)));
}

static void
join (ParlaApplication *self,
      const char       *id)
{
  g_free (self->pending_join);
  self->pending_join = g_strdup (id);
  present_main_window (self);

  if (parla_context_get_signed_in (self->context))
    open_pending_join (self);
  else if (self->pending_join_id == 0)
    self->pending_join_id = g_signal_connect_swapped (self->context, "notify::signed-in",
                                                      G_CALLBACK (open_pending_join), self);
}

static void
join_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  ParlaApplication *self = user_data;
  const char *id = g_variant_get_string (parameter, NULL);

  if (*id != '\0')
    join (self, id);
}

/* The id of a `parla://session/<id>` link, or NULL. */
static char *
session_id_from_uri (const char *text)
{
  g_autoptr(GUri) uri = g_uri_parse (text, G_URI_FLAGS_NONE, NULL);
  const char *path;
  g_auto(GStrv) parts = NULL;

  if (uri == NULL || g_strcmp0 (g_uri_get_scheme (uri), "parla") != 0 ||
      g_strcmp0 (g_uri_get_host (uri), "session") != 0)
    return NULL;

  path = g_uri_get_path (uri);
  if (path == NULL || path[0] != '/')
    return NULL;
  parts = g_strsplit (path + 1, "/", -1);
  if (g_strv_length (parts) != 1 && !(g_strv_length (parts) == 2 && *parts[1] == '\0'))
    return NULL;
  if (*parts[0] == '\0' || strlen (parts[0]) > 64)
    return NULL;
  for (const char *c = parts[0]; *c != '\0'; c++)
    if (!g_ascii_isalnum (*c) && *c != '-' && *c != '_')
      return NULL;

  return g_strdup (parts[0]);
}

static void
parla_application_open (GApplication  *app,
                        GFile        **files,
                        int            n_files,
                        const char    *hint)
{
  ParlaApplication *self = PARLA_APPLICATION (app);

  for (int i = 0; i < n_files; i++)
    {
      g_autofree char *text = g_file_get_uri (files[i]);
      g_autofree char *id = session_id_from_uri (text);

      if (id != NULL)
        {
          join (self, id);
          continue;
        }

      present_main_window (self);
      {
        GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
        GtkWidget *dialog = adw_message_dialog_new (parent, _("Cannot Open the Link"), NULL);

        /* Translators: %s is what was to be opened */
        adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                        _("“%s” is not a link to a Parla session. Session links look like parla://session/ID."),
                                        text);
        adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
        gtk_window_present (GTK_WINDOW (dialog));
      }
    }
}

static const GActionEntry app_actions[] = {
  { "join", join_action, "s" },
  { "sign-out", sign_out_action },
  { "preferences", preferences_action },
  { "about", about_action },
  { "quit", quit_action },
};

/* Calls with a tutor now: the teacher's ring (notification with Accept
 * and Decline, the incoming-call dialog, the ringtone) and the learner's
 * "a tutor is free" notification. The ring service adds the actions
 * app.accept-call, app.decline-call and app.show-incoming-call (each
 * with a call id), which the notification's buttons activate over D-Bus
 * even in a process started for them, without a window (the app is
 * DBusActivatable). It holds the application while the teacher is
 * available, so that it keeps running with its windows closed, and
 * lets go when they are not or sign out. */
static void
start_instant_calls (ParlaApplication *self)
{
  self->ring_service = parla_ring_service_new (GTK_APPLICATION (self), self->context);
}

static void
stop_instant_calls (ParlaApplication *self)
{
  g_clear_object (&self->ring_service);
}

static void
parla_application_startup (GApplication *app)
{
  ParlaApplication *self = PARLA_APPLICATION (app);
  g_autofree char *server = NULL;
  g_autoptr(GError) error = NULL;
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "app.quit", { "<Primary>q", NULL } },
    { "app.preferences", { "<Primary>comma", NULL } },
    { "win.show-help-overlay", { "<Primary>question", NULL } },
    { "win.reload", { "<Primary>r", "F5", NULL } },
    { "win.search", { "<Primary>f", NULL } },
    { "window.close", { "<Primary>w", NULL } },
    { "win.show-page(uint32 1)", { "<Alt>1", NULL } },
    { "win.show-page(uint32 2)", { "<Alt>2", NULL } },
    { "win.show-page(uint32 3)", { "<Alt>3", NULL } },
    { "win.show-page(uint32 4)", { "<Alt>4", NULL } },
    { "win.show-page(uint32 5)", { "<Alt>5", NULL } },
  };

  G_APPLICATION_CLASS (parla_application_parent_class)->startup (app);

  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (GTK_APPLICATION (self), accels[i].action,
                                           accels[i].accels);

  self->settings = g_settings_new (APP_ID);
  server = self->server_override != NULL ? g_strdup (self->server_override)
                                         : parla_application_dup_default_server (self->settings);
  self->context = parla_context_new (server, self->settings, &error);
  if (self->context == NULL)
    {
      /* A bad saved or environment address: start on the default server
       * and let the sign-in page show which one is used. */
      g_warning ("Cannot use the server %s: %s", server, error->message);
      self->context = parla_context_new (DEFAULT_SERVER, self->settings, NULL);
    }

  g_object_bind_property (self->context, "signed-in",
                          g_action_map_lookup_action (G_ACTION_MAP (self), "sign-out"), "enabled",
                          G_BINDING_SYNC_CREATE);

  start_instant_calls (self);
}

/* With PARLA_STARTUP_REPORT set (bench/bench-app-startup.c), the app
 * prints when the main window first drew and when it showed the signed-in
 * pages, as CLOCK_MONOTONIC microseconds, which other processes share. */
static void
on_first_paint_cb (GdkFrameClock *clock,
                   gpointer       user_data)
{
  g_print ("{\"first_frame_us\":%" G_GINT64_FORMAT "}\n", g_get_monotonic_time ());
  g_signal_handlers_disconnect_by_func (clock, on_first_paint_cb, user_data);
}

static void
on_window_mapped_cb (GtkWidget *window)
{
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint",
                    G_CALLBACK (on_first_paint_cb), NULL);
}

static void
on_signed_in_cb (ParlaContext *context)
{
  if (parla_context_get_signed_in (context))
    g_print ("{\"signed_in_us\":%" G_GINT64_FORMAT "}\n", g_get_monotonic_time ());
}

static void
report_startup (ParlaApplication *self,
                GtkWindow        *window)
{
  g_signal_connect (window, "map", G_CALLBACK (on_window_mapped_cb), NULL);
  g_signal_connect (self->context, "notify::signed-in", G_CALLBACK (on_signed_in_cb), NULL);
}

static void
parla_application_activate (GApplication *app)
{
  ParlaApplication *self = PARLA_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (self));

  if (window == NULL)
    {
      window = GTK_WINDOW (parla_window_new (self, self->context));
      if (g_getenv ("PARLA_STARTUP_REPORT") != NULL)
        report_startup (self, window);
    }

  gtk_window_present (window);

  /* parla --join ID in the first instance */
  if (self->pending_join != NULL)
    {
      g_autofree char *id = g_steal_pointer (&self->pending_join);

      join (self, id);
    }
}

static void
parla_application_shutdown (GApplication *app)
{
  ParlaApplication *self = PARLA_APPLICATION (app);

  stop_instant_calls (self);
  g_clear_signal_handler (&self->pending_join_id, self->context);

  G_APPLICATION_CLASS (parla_application_parent_class)->shutdown (app);

  g_clear_object (&self->context);
  g_clear_object (&self->settings);
}

static void
parla_application_finalize (GObject *object)
{
  ParlaApplication *self = PARLA_APPLICATION (object);

  stop_instant_calls (self);
  if (self->context != NULL)
    g_clear_signal_handler (&self->pending_join_id, self->context);
  g_clear_object (&self->context);
  g_clear_object (&self->settings);
  g_clear_pointer (&self->server_override, g_free);
  g_clear_pointer (&self->pending_join, g_free);

  G_OBJECT_CLASS (parla_application_parent_class)->finalize (object);
}

static void
parla_application_class_init (ParlaApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = parla_application_finalize;

  app_class->handle_local_options = parla_application_handle_local_options;
  app_class->startup = parla_application_startup;
  app_class->activate = parla_application_activate;
  app_class->open = parla_application_open;
  app_class->shutdown = parla_application_shutdown;
}

static void
parla_application_init (ParlaApplication *self)
{
  g_application_add_main_option_entries (G_APPLICATION (self), option_entries);
  g_application_set_option_context_parameter_string (G_APPLICATION (self), NULL);
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Book and join live lessons with Parla."));
}

ParlaApplication *
parla_application_new (void)
{
  return g_object_new (PARLA_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_OPEN,
                       NULL);
}

/**
 * parla_application_get_context:
 * @self: a #ParlaApplication
 *
 * Returns: (transfer none) (nullable): the context, from startup on
 */
ParlaContext *
parla_application_get_context (ParlaApplication *self)
{
  g_return_val_if_fail (PARLA_IS_APPLICATION (self), NULL);

  return self->context;
}
