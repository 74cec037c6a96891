/* parla-context.c: the services one signed-in app instance works with
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-context.h"
#include "parla-error.h"
#include "parla-token-store.h"

/**
 * ParlaContext:
 *
 * What the application's windows and pages share, handed to each of them
 * as a construct-only property instead of living in globals: the settings,
 * the REST client, the realtime connection, the offline outbox, and who is
 * signed in.
 *
 * #ParlaContext:online is %FALSE while the server cannot be reached: the
 * realtime connection is trying again, or a request failed for lack of a
 * network (parla_context_report_offline()). Pages keep what they last
 * loaded readable, and intents go through the outbox meanwhile.
 */
struct _ParlaContext
{
  GObject          parent_instance;

  GSettings       *settings;
  char            *server_url;
  ParlaTokenStore *token_store;
  ParlaApiClient  *api_client;
  ParlaRealtime   *realtime;
  ParlaOutbox     *outbox;
  ParlaUser       *user;
  GTimeZone       *time_zone;

  gulong           unauthorized_id;
  gulong           realtime_state_id;

  guint            offline_reported : 1;
  guint            online : 1;
};

G_DEFINE_FINAL_TYPE (ParlaContext, parla_context, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_SETTINGS,
  PROP_SERVER_URL,
  PROP_API_CLIENT,
  PROP_REALTIME,
  PROP_OUTBOX,
  PROP_USER,
  PROP_SIGNED_IN,
  PROP_IS_TEACHER,
  PROP_ONLINE,
  N_PROPS
};

enum {
  SESSION_EXPIRED,
  RECONNECTED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void
update_online (ParlaContext *self)
{
  gboolean online = TRUE;

  if (self->realtime != NULL && self->user != NULL)
    {
      ParlaRealtimeState state = parla_realtime_get_state (self->realtime);

      if (state == PARLA_REALTIME_CONNECTED)
        self->offline_reported = FALSE;
      else if (state == PARLA_REALTIME_RECONNECTING)
        online = FALSE;
    }

  if (self->offline_reported)
    online = FALSE;

  if (online == self->online)
    return;

  self->online = online;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ONLINE]);
}

static void
on_realtime_state_cb (ParlaContext *self)
{
  if (parla_realtime_get_state (self->realtime) == PARLA_REALTIME_UNAUTHORIZED &&
      self->user != NULL)
    {
      g_signal_emit (self, signals[SESSION_EXPIRED], 0);
      return;
    }

  update_online (self);

  /* Connected (again): what happened meanwhile reached nobody. */
  if (parla_realtime_get_state (self->realtime) == PARLA_REALTIME_CONNECTED && self->user != NULL)
    g_signal_emit (self, signals[RECONNECTED], 0);
}

static void
set_user (ParlaContext *self,
          ParlaUser    *user)
{
  gboolean was_teacher = parla_context_get_is_teacher (self);
  gboolean was_signed_in = self->user != NULL;

  if (!g_set_object (&self->user, user))
    return;

  if (user != NULL)
    {
      parla_realtime_set_token (self->realtime, parla_api_client_get_token (self->api_client));
      parla_realtime_start (self->realtime);
    }
  else
    {
      parla_realtime_stop (self->realtime);
      parla_api_client_set_token (self->api_client, NULL);
      self->offline_reported = FALSE;
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_USER]);
  if (was_signed_in != (user != NULL))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SIGNED_IN]);
  if (was_teacher != parla_context_get_is_teacher (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_IS_TEACHER]);
  update_online (self);
}

static void
on_unauthorized_cb (ParlaContext *self)
{
  if (self->user != NULL)
    g_signal_emit (self, signals[SESSION_EXPIRED], 0);
}

static void
session_expired_default (ParlaContext *self)
{
  set_user (self, NULL);
}

static void
disconnect_services (ParlaContext *self)
{
  if (self->api_client != NULL)
    g_clear_signal_handler (&self->unauthorized_id, self->api_client);
  if (self->realtime != NULL)
    {
      g_clear_signal_handler (&self->realtime_state_id, self->realtime);
      parla_realtime_stop (self->realtime);
    }
  g_clear_object (&self->realtime);
  g_clear_object (&self->api_client);
}

static gboolean
connect_services (ParlaContext  *self,
                  const char    *server_url,
                  GError       **error)
{
  g_autoptr(ParlaApiClient) api_client = NULL;
  g_autoptr(GUri) uri = g_uri_parse (server_url, G_URI_FLAGS_NONE, NULL);

  if (uri == NULL || g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0' ||
      (g_strcmp0 (g_uri_get_scheme (uri), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (uri), "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address: use one such as https://parla.example.org"),
                   server_url);
      return FALSE;
    }

  api_client = parla_api_client_new (server_url, self->token_store, error);
  if (api_client == NULL)
    return FALSE;

  disconnect_services (self);

  self->api_client = g_steal_pointer (&api_client);
  self->realtime = parla_realtime_new (server_url, NULL);
  self->unauthorized_id =
    g_signal_connect_object (self->api_client, "unauthorized",
                             G_CALLBACK (on_unauthorized_cb), self, G_CONNECT_SWAPPED);
  self->realtime_state_id =
    g_signal_connect_object (self->realtime, "notify::state",
                             G_CALLBACK (on_realtime_state_cb), self, G_CONNECT_SWAPPED);

  if (self->outbox != NULL)
    parla_outbox_attach (self->outbox, self->realtime, self->api_client);

  if (g_strcmp0 (self->server_url, server_url) != 0)
    {
      g_free (self->server_url);
      self->server_url = g_strdup (server_url);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SERVER_URL]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_API_CLIENT]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REALTIME]);

  return TRUE;
}

static void
parla_context_dispose (GObject *object)
{
  ParlaContext *self = PARLA_CONTEXT (object);

  disconnect_services (self);
  g_clear_object (&self->outbox);
  g_clear_object (&self->user);

  G_OBJECT_CLASS (parla_context_parent_class)->dispose (object);
}

static void
parla_context_finalize (GObject *object)
{
  ParlaContext *self = PARLA_CONTEXT (object);

  g_clear_object (&self->settings);
  g_clear_object (&self->token_store);
  g_clear_pointer (&self->server_url, g_free);
  g_clear_pointer (&self->time_zone, g_time_zone_unref);

  G_OBJECT_CLASS (parla_context_parent_class)->finalize (object);
}

static void
parla_context_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ParlaContext *self = PARLA_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      g_value_set_object (value, self->settings);
      break;

    case PROP_SERVER_URL:
      g_value_set_string (value, self->server_url);
      break;

    case PROP_API_CLIENT:
      g_value_set_object (value, self->api_client);
      break;

    case PROP_REALTIME:
      g_value_set_object (value, self->realtime);
      break;

    case PROP_OUTBOX:
      g_value_set_object (value, self->outbox);
      break;

    case PROP_USER:
      g_value_set_object (value, self->user);
      break;

    case PROP_SIGNED_IN:
      g_value_set_boolean (value, parla_context_get_signed_in (self));
      break;

    case PROP_IS_TEACHER:
      g_value_set_boolean (value, parla_context_get_is_teacher (self));
      break;

    case PROP_ONLINE:
      g_value_set_boolean (value, self->online);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_context_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ParlaContext *self = PARLA_CONTEXT (object);

  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_context_class_init (ParlaContextClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_context_dispose;
  object_class->finalize = parla_context_finalize;
  object_class->get_property = parla_context_get_property;
  object_class->set_property = parla_context_set_property;

  properties[PROP_SETTINGS] =
    g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SERVER_URL] =
    g_param_spec_string ("server-url", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_API_CLIENT] =
    g_param_spec_object ("api-client", NULL, NULL, PARLA_TYPE_API_CLIENT,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_REALTIME] =
    g_param_spec_object ("realtime", NULL, NULL, PARLA_TYPE_REALTIME,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OUTBOX] =
    g_param_spec_object ("outbox", NULL, NULL, PARLA_TYPE_OUTBOX,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_USER] =
    g_param_spec_object ("user", NULL, NULL, PARLA_TYPE_USER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_SIGNED_IN] =
    g_param_spec_boolean ("signed-in", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_IS_TEACHER] =
    g_param_spec_boolean ("is-teacher", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_ONLINE] =
    g_param_spec_boolean ("online", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaContext::session-expired:
   *
   * The server no longer accepts the token (revoked or expired). The
   * default handler signs out locally; windows show the sign-in page with
   * a reason.
   */
  /**
   * ParlaContext::reconnected:
   *
   * The realtime connection is up, at sign-in or again after a drop
   * (which is also when #ParlaContext:online turns back %TRUE): pages
   * reload what may have changed while no event could reach them.
   */
  signals[RECONNECTED] =
    g_signal_new ("reconnected", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  signals[SESSION_EXPIRED] =
    g_signal_new_class_handler ("session-expired", G_TYPE_FROM_CLASS (klass),
                                G_SIGNAL_RUN_LAST,
                                G_CALLBACK (session_expired_default),
                                NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
parla_context_init (ParlaContext *self)
{
  self->online = TRUE;
  self->time_zone = g_time_zone_new_local ();
}

/**
 * parla_context_new:
 * @server_url: the server's base URL, e.g. `http://127.0.0.1:8080`
 * @settings: (nullable): the app's settings
 * @error: return location for an error
 *
 * Makes the services for @server_url; nobody is signed in yet (see
 * parla_context_restore_async()). The outbox lives in the user's data
 * directory; when it cannot be opened the app still works online.
 *
 * Returns: (transfer full): a new context, or %NULL when @server_url is
 *   not a usable http(s) URL
 */
ParlaContext *
parla_context_new (const char  *server_url,
                   GSettings   *settings,
                   GError     **error)
{
  g_autoptr(ParlaContext) self = NULL;
  g_autoptr(GError) outbox_error = NULL;

  g_return_val_if_fail (server_url != NULL, NULL);
  g_return_val_if_fail (!settings || G_IS_SETTINGS (settings), NULL);

  self = g_object_new (PARLA_TYPE_CONTEXT, "settings", settings, NULL);
  self->token_store = parla_token_store_new ();
  self->outbox = parla_outbox_new (&outbox_error);
  if (self->outbox == NULL)
    g_warning ("Cannot open the offline outbox: %s", outbox_error->message);

  if (!connect_services (self, server_url, error))
    return NULL;

  return g_steal_pointer (&self);
}

const char *
parla_context_get_server_url (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), NULL);

  return self->server_url;
}

/**
 * parla_context_set_server_url:
 * @self: a #ParlaContext
 * @server_url: the new server's base URL
 * @error: return location for an error
 *
 * Points the services at another server. Only while signed out: an
 * account belongs to one server.
 *
 * Returns: %TRUE on success
 */
gboolean
parla_context_set_server_url (ParlaContext  *self,
                              const char    *server_url,
                              GError       **error)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), FALSE);
  g_return_val_if_fail (server_url != NULL, FALSE);
  g_return_val_if_fail (self->user == NULL, FALSE);

  if (g_strcmp0 (server_url, self->server_url) == 0)
    return TRUE;

  return connect_services (self, server_url, error);
}

GSettings *
parla_context_get_settings (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), NULL);

  return self->settings;
}

ParlaApiClient *
parla_context_get_api_client (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), NULL);

  return self->api_client;
}

ParlaRealtime *
parla_context_get_realtime (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), NULL);

  return self->realtime;
}

/**
 * parla_context_get_outbox:
 * @self: a #ParlaContext
 *
 * Returns: (transfer none) (nullable): the offline outbox, %NULL when its
 *   database could not be opened
 */
ParlaOutbox *
parla_context_get_outbox (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), NULL);

  return self->outbox;
}

/**
 * parla_context_get_user:
 * @self: a #ParlaContext
 *
 * Returns: (transfer none) (nullable): who is signed in
 */
ParlaUser *
parla_context_get_user (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), NULL);

  return self->user;
}

gboolean
parla_context_get_signed_in (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), FALSE);

  return self->user != NULL;
}

gboolean
parla_context_get_is_teacher (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), FALSE);

  return self->user != NULL && parla_user_get_role (self->user) == PARLA_ROLE_TEACHER;
}

gboolean
parla_context_get_online (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), FALSE);

  return self->online;
}

/**
 * parla_context_report_offline:
 * @self: a #ParlaContext
 * @error: the error a request failed with
 *
 * Tells the context that a request could not reach the server. When
 * @error says so (%PARLA_ERROR_NETWORK), #ParlaContext:online turns
 * %FALSE until the realtime connection is back.
 */
void
parla_context_report_offline (ParlaContext *self,
                              const GError *error)
{
  g_return_if_fail (PARLA_IS_CONTEXT (self));

  if (!g_error_matches (error, PARLA_ERROR, PARLA_ERROR_NETWORK))
    return;

  self->offline_reported = TRUE;
  update_online (self);
}

/**
 * parla_context_get_time_zone:
 * @self: a #ParlaContext
 *
 * Returns: (transfer none): the learner's time zone, in which the app
 *   shows times
 */
GTimeZone *
parla_context_get_time_zone (ParlaContext *self)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (self), NULL);

  return self->time_zone;
}

static void
on_me_cb (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ParlaContext *self = g_task_get_source_object (task);
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(GError) error = NULL;

  user = parla_api_client_get_me_finish (PARLA_API_CLIENT (object), result, &error);
  if (user == NULL)
    {
      if (!g_error_matches (error, PARLA_ERROR, PARLA_ERROR_UNAUTHORIZED))
        parla_context_report_offline (self, error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_user (self, user);
  g_task_return_boolean (task, TRUE);
}

static void
on_restore_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  GCancellable *cancellable;

  if (!parla_api_client_restore_finish (PARLA_API_CLIENT (object), result, NULL, &error))
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, FALSE);
      return;
    }

  cancellable = g_task_get_cancellable (task);
  parla_api_client_get_me_async (PARLA_API_CLIENT (object), cancellable,
                                 on_me_cb, g_steal_pointer (&task));
}

/**
 * parla_context_restore_async:
 * @self: a #ParlaContext
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Signs in again with the token kept in the keyring for this server, if
 * there is one and the server still accepts it.
 */
void
parla_context_restore_async (ParlaContext        *self,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_context_restore_async);
  parla_api_client_restore_async (self->api_client, cancellable, on_restore_cb,
                                  g_steal_pointer (&task));
}

/**
 * parla_context_restore_finish:
 * @self: a #ParlaContext
 * @result: the result
 * @error: return location for an error
 *
 * Returns: %TRUE when someone is signed in now; %FALSE without @error when
 *   no token was kept
 */
gboolean
parla_context_restore_finish (ParlaContext  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_signed_in_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ParlaContext *self = g_task_get_source_object (task);
  g_autoptr(ParlaUser) user = NULL;
  g_autoptr(GError) error = NULL;

  if (g_task_get_source_tag (task) == parla_context_sign_in_async)
    user = parla_api_client_login_finish (PARLA_API_CLIENT (object), result, &error);
  else
    user = parla_api_client_register_finish (PARLA_API_CLIENT (object), result, &error);

  if (user == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  set_user (self, user);
  g_task_return_boolean (task, TRUE);
}

/**
 * parla_context_sign_in_async:
 * @self: a #ParlaContext
 * @email: the account's email address
 * @password: its password
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Signs in; the token goes to the keyring so that the next start signs in
 * by itself.
 */
void
parla_context_sign_in_async (ParlaContext        *self,
                             const char          *email,
                             const char          *password,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_CONTEXT (self));
  g_return_if_fail (email != NULL);
  g_return_if_fail (password != NULL);

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_context_sign_in_async);
  parla_api_client_login_async (self->api_client, email, password, cancellable,
                                on_signed_in_cb, g_steal_pointer (&task));
}

gboolean
parla_context_sign_in_finish (ParlaContext  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * parla_context_sign_up_async:
 * @self: a #ParlaContext
 * @email: the new account's email address
 * @password: its password
 * @display_name: the name others see
 * @role: %PARLA_ROLE_STUDENT or %PARLA_ROLE_TEACHER
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Creates an account and signs in with it.
 */
void
parla_context_sign_up_async (ParlaContext        *self,
                             const char          *email,
                             const char          *password,
                             const char          *display_name,
                             ParlaRole            role,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_context_sign_up_async);
  parla_api_client_register_async (self->api_client, email, password, display_name, role,
                                   cancellable, on_signed_in_cb, g_steal_pointer (&task));
}

gboolean
parla_context_sign_up_finish (ParlaContext  *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
on_logout_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  ParlaContext *self = g_task_get_source_object (task);
  g_autoptr(GError) error = NULL;

  /* Signed out locally whatever the server said: the token is gone from
   * the keyring either way, and an unreachable server must not keep
   * someone signed in on a shared computer. */
  if (!parla_api_client_logout_finish (PARLA_API_CLIENT (object), result, &error))
    g_debug ("Logout: %s", error->message);

  set_user (self, NULL);
  g_task_return_boolean (task, TRUE);
}

/**
 * parla_context_sign_out_async:
 * @self: a #ParlaContext
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Revokes the token on the server, forgets it in the keyring, and stops
 * the realtime connection.
 */
void
parla_context_sign_out_async (ParlaContext        *self,
                              GCancellable        *cancellable,
                              GAsyncReadyCallback  callback,
                              gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_CONTEXT (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_context_sign_out_async);
  parla_api_client_logout_async (self->api_client, cancellable, on_logout_cb,
                                 g_steal_pointer (&task));
}

gboolean
parla_context_sign_out_finish (ParlaContext  *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
