/* parla-portal.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-portal-private.h"

#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <gst/gst.h>

#ifdef HAVE_LIBPORTAL
#include <libportal/portal.h>
#endif

GST_DEBUG_CATEGORY_STATIC (parla_portal_debug);
#define GST_CAT_DEFAULT parla_portal_debug

/* xdg-desktop-portal, through libportal where it has asynchronous calls
 * (AccessCamera, the ScreenCast session). Three things are done here
 * instead, because libportal 0.6 does them synchronously on the caller's
 * thread and warns on failure: whether the portal is on the session bus at
 * all (NameHasOwner, so that a desktop without one falls back at once),
 * the Camera's IsCameraPresent property, and the Camera's
 * OpenPipeWireRemote. The ScreenCast's OpenPipeWireRemote goes through
 * libportal on a worker thread, since it needs the session's handle, which
 * libportal keeps to itself.
 *
 * Errors in G_IO_ERROR: NOT_FOUND or NOT_SUPPORTED when there is no portal
 * to ask (callers fall back to opening devices themselves),
 * PERMISSION_DENIED when the user said no or closed the dialog, CANCELLED
 * when the caller's cancellable was. */

#define PORTAL_OBJECT_PATH "/org/freedesktop/portal/desktop"

typedef struct
{
  GDBusConnection *bus;
  char            *restore_token;
#ifdef HAVE_LIBPORTAL
  XdpPortal       *portal;
  XdpSession      *session;
#endif
} PortalCall;

static void
portal_call_free (PortalCall *call)
{
  g_clear_object (&call->bus);
  g_clear_pointer (&call->restore_token, g_free);
#ifdef HAVE_LIBPORTAL
  g_clear_object (&call->portal);
  g_clear_object (&call->session);
#endif
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PortalCall, portal_call_free)

static void
init_debug (void)
{
  if (parla_portal_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (parla_portal_debug, "parla-portal", 0, "Parla portals");
}

/**
 * _parla_portal_error_is_absent:
 *
 * Returns: whether @error says there is no portal to ask, so that the
 *   caller should open the device itself
 */
gboolean
_parla_portal_error_is_absent (const GError *error)
{
  return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND) ||
         g_error_matches (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
}

/* A user who closes the portal's dialog is reported by libportal as
 * G_IO_ERROR_CANCELLED, the same as a cancelled GCancellable. */
static void
return_portal_error (GTask      *task,
                     GError     *error,
                     const char *what)
{
  if (g_task_return_error_if_cancelled (task))
    g_error_free (error);
  else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED,
                               "%s was declined", what);
      g_error_free (error);
    }
  else
    g_task_return_error (task, error);
}

/* The first steps of both: the session bus, and a portal on it. */

static void check_portal_owner (GTask *task, GAsyncReadyCallback next);

static void
on_name_has_owner_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  GAsyncReadyCallback next = g_object_get_data (G_OBJECT (task), "parla-next");
  gboolean has_owner = FALSE;

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                 "Cannot ask the session bus for the portal: %s", error->message);
      return;
    }

  g_variant_get (reply, "(b)", &has_owner);
  if (!has_owner)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "No %s on the session bus", PARLA_PORTAL_BUS_NAME);
      return;
    }

  next (NULL, NULL, g_steal_pointer (&task));
}

static void
on_session_bus_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  PortalCall *call = g_task_get_task_data (task);

  call->bus = g_bus_get_finish (result, &error);
  if (call->bus == NULL)
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                                 "No session bus: %s", error->message);
      return;
    }

  g_dbus_connection_call (call->bus, "org.freedesktop.DBus", "/org/freedesktop/DBus",
                          "org.freedesktop.DBus", "NameHasOwner",
                          g_variant_new ("(s)", PARLA_PORTAL_BUS_NAME),
                          G_VARIANT_TYPE ("(b)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          cancellable, on_name_has_owner_cb,
                          g_steal_pointer (&task));
}

/* Calls @next (NULL, NULL, task) once the portal is known to be there. */
static void
check_portal_owner (GTask               *task,
                    GAsyncReadyCallback  next)
{
  g_object_set_data (G_OBJECT (task), "parla-next", next);
  g_bus_get (G_BUS_TYPE_SESSION, g_task_get_cancellable (task), on_session_bus_cb, task);
}

/* Camera */

static void
on_camera_remote_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GUnixFDList) fds = NULL;
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GError) error = NULL;
  int handle = -1;
  int fd;

  reply = g_dbus_connection_call_with_unix_fd_list_finish (G_DBUS_CONNECTION (source), &fds,
                                                           result, &error);
  if (reply == NULL)
    {
      return_portal_error (task, g_steal_pointer (&error), "Camera access");
      return;
    }

  g_variant_get (reply, "(h)", &handle);
  if (fds == NULL || handle < 0 || handle >= g_unix_fd_list_get_length (fds) ||
      (fd = g_unix_fd_list_get (fds, handle, &error)) < 0)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The Camera portal handed out no PipeWire remote");
      return;
    }

  GST_INFO ("camera portal: PipeWire remote on fd %d", fd);
  g_task_return_int (task, fd);
}

#ifdef HAVE_LIBPORTAL
static void
on_camera_access_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  PortalCall *call = g_task_get_task_data (task);

  if (!xdp_portal_access_camera_finish (XDP_PORTAL (source), result, &error))
    {
      return_portal_error (task, g_steal_pointer (&error), "Camera access");
      return;
    }

  g_dbus_connection_call_with_unix_fd_list (call->bus, PARLA_PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                                            "org.freedesktop.portal.Camera", "OpenPipeWireRemote",
                                            g_variant_new ("(a{sv})", NULL),
                                            G_VARIANT_TYPE ("(h)"), G_DBUS_CALL_FLAGS_NONE, -1,
                                            NULL, cancellable,
                                            on_camera_remote_cb, g_steal_pointer (&task));
}
#endif

static void
on_camera_present_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GVariant) reply = NULL;
  g_autoptr(GVariant) value = NULL;
  g_autoptr(GError) error = NULL;
  PortalCall *call = g_task_get_task_data (task);

  reply = g_dbus_connection_call_finish (G_DBUS_CONNECTION (source), result, &error);
  if (reply == NULL)
    {
      if (!g_task_return_error_if_cancelled (task))
        g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                 "The portal has no Camera: %s", error->message);
      return;
    }

  g_variant_get (reply, "(v)", &value);
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN) || !g_variant_get_boolean (value))
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                               "The Camera portal has no camera");
      return;
    }

#ifdef HAVE_LIBPORTAL
  call->portal = xdp_portal_new ();
  xdp_portal_access_camera (call->portal, NULL, XDP_CAMERA_FLAG_NONE,
                            cancellable, on_camera_access_cb,
                            g_steal_pointer (&task));
#else
  (void) call;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "Built without libportal");
#endif
}

static void
on_camera_portal_there_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  PortalCall *call = g_task_get_task_data (task);

  g_dbus_connection_call (call->bus, PARLA_PORTAL_BUS_NAME, PORTAL_OBJECT_PATH,
                          "org.freedesktop.DBus.Properties", "Get",
                          g_variant_new ("(ss)", "org.freedesktop.portal.Camera", "IsCameraPresent"),
                          G_VARIANT_TYPE ("(v)"), G_DBUS_CALL_FLAGS_NONE, -1,
                          cancellable, on_camera_present_cb,
                          g_steal_pointer (&task));
}

/*
 * _parla_portal_open_camera_async:
 *
 * Asks the Camera portal for the cameras: whether there is one, then the
 * user's permission (once per application), then a PipeWire remote that
 * shows only the cameras, for pipewiresrc's fd property.
 */
void
_parla_portal_open_camera_async (GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  init_debug ();
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _parla_portal_open_camera_async);
  g_task_set_task_data (task, g_new0 (PortalCall, 1), (GDestroyNotify) portal_call_free);

  check_portal_owner (g_steal_pointer (&task), on_camera_portal_there_cb);
}

/*
 * _parla_portal_open_camera_finish:
 *
 * Returns: a PipeWire remote's fd, owned by the caller, or -1
 */
int
_parla_portal_open_camera_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), -1);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _parla_portal_open_camera_async, -1);

  return g_task_propagate_int (G_TASK (result), error);
}

/* ScreenCast */

void
_parla_portal_screen_close (ParlaPortalScreen *screen)
{
#ifdef HAVE_LIBPORTAL
  if (screen->session != NULL &&
      xdp_session_get_session_state (XDP_SESSION (screen->session)) == XDP_SESSION_ACTIVE)
    xdp_session_close (XDP_SESSION (screen->session));
#endif
  g_clear_object (&screen->session);
}

void
_parla_portal_screen_free (ParlaPortalScreen *screen)
{
  _parla_portal_screen_close (screen);
  if (screen->fd >= 0)
    close (screen->fd);
  g_free (screen->restore_token);
  g_free (screen);
}

/*
 * _parla_portal_screen_steal_fd:
 *
 * Returns: the PipeWire remote's fd, now the caller's
 */
int
_parla_portal_screen_steal_fd (ParlaPortalScreen *screen)
{
  int fd = screen->fd;

  screen->fd = -1;
  return fd;
}

#ifdef HAVE_LIBPORTAL
static void
open_remote_in_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  int fd = xdp_session_open_pipewire_remote (XDP_SESSION (task_data));

  if (fd < 0)
    g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_FAILED,
                             "The ScreenCast portal handed out no PipeWire remote");
  else
    g_task_return_int (task, fd);
}

static void
on_screen_remote_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ParlaPortalScreen) screen = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) streams = NULL;
  PortalCall *call = g_task_get_task_data (task);
  GVariantIter iter;
  guint32 node_id;
  int fd;

  fd = g_task_propagate_int (G_TASK (result), &error);
  if (fd < 0)
    {
      xdp_session_close (call->session);
      return_portal_error (task, g_steal_pointer (&error), "Screen sharing");
      return;
    }

  screen = g_new0 (ParlaPortalScreen, 1);
  screen->fd = fd;

  streams = xdp_session_get_streams (call->session);
  if (streams == NULL || !g_variant_is_of_type (streams, G_VARIANT_TYPE ("a(ua{sv})")))
    {
      xdp_session_close (call->session);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The ScreenCast portal started no stream");
      return;
    }

  g_variant_iter_init (&iter, streams);
  if (!g_variant_iter_next (&iter, "(u@a{sv})", &node_id, NULL))
    {
      xdp_session_close (call->session);
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                               "The ScreenCast portal started no stream");
      return;
    }

  screen->node_id = node_id;
  screen->restore_token = xdp_session_get_restore_token (call->session);
  screen->session = G_OBJECT (g_steal_pointer (&call->session));
  GST_INFO ("screencast portal: node %u on fd %d, %s restore token", screen->node_id,
            screen->fd, screen->restore_token ? "with a" : "without");

  g_task_return_pointer (task, g_steal_pointer (&screen),
                         (GDestroyNotify) _parla_portal_screen_free);
}

static void
on_screen_started_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GTask) remote_task = NULL;
  g_autoptr(GError) error = NULL;
  PortalCall *call = g_task_get_task_data (task);

  if (!xdp_session_start_finish (XDP_SESSION (source), result, &error))
    {
      return_portal_error (task, g_steal_pointer (&error), "Screen sharing");
      return;
    }

  remote_task = g_task_new (NULL, cancellable, on_screen_remote_cb,
                            g_steal_pointer (&task));
  g_task_set_task_data (remote_task, g_object_ref (call->session), g_object_unref);
  /* The fd is ours to close even if cancelled meanwhile. */
  g_task_set_check_cancellable (remote_task, FALSE);
  g_task_run_in_thread (remote_task, open_remote_in_thread);
}

static void
on_screen_session_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  g_autoptr(GError) error = NULL;
  PortalCall *call = g_task_get_task_data (task);

  call->session = xdp_portal_create_screencast_session_finish (XDP_PORTAL (source), result, &error);
  if (call->session == NULL)
    {
      return_portal_error (task, g_steal_pointer (&error), "Screen sharing");
      return;
    }

  xdp_session_start (call->session, NULL, cancellable,
                     on_screen_started_cb, g_steal_pointer (&task));
}
#endif

static void
on_screen_portal_there_cb (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  GCancellable *cancellable = g_task_get_cancellable (task);
  PortalCall *call = g_task_get_task_data (task);

#ifdef HAVE_LIBPORTAL
  /* Persistent: the restore token lets the next share skip the dialog. */
  call->portal = xdp_portal_new ();
  xdp_portal_create_screencast_session (call->portal,
                                        XDP_OUTPUT_MONITOR | XDP_OUTPUT_WINDOW,
                                        XDP_SCREENCAST_FLAG_NONE,
                                        XDP_CURSOR_MODE_EMBEDDED,
                                        XDP_PERSIST_MODE_PERSISTENT,
                                        call->restore_token,
                                        cancellable,
                                        on_screen_session_cb,
                                        g_steal_pointer (&task));
#else
  (void) call;
  g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "Built without libportal");
#endif
}

/*
 * _parla_portal_open_screen_async:
 * @restore_token: (nullable): from an earlier share, to share the same
 *   screen or window again without asking
 *
 * Asks the ScreenCast portal for a screen or a window (the user picks,
 * unless @restore_token is still valid), with the cursor drawn in, kept
 * until the user revokes it.
 */
void
_parla_portal_open_screen_async (const char          *restore_token,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  PortalCall *call;

  init_debug ();
  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _parla_portal_open_screen_async);
  call = g_new0 (PortalCall, 1);
  call->restore_token = g_strdup (restore_token);
  g_task_set_task_data (task, call, (GDestroyNotify) portal_call_free);

  check_portal_owner (g_steal_pointer (&task), on_screen_portal_there_cb);
}

/*
 * _parla_portal_open_screen_finish:
 *
 * Returns: (transfer full) (nullable): the shared stream
 */
ParlaPortalScreen *
_parla_portal_open_screen_finish (GAsyncResult  *result,
                                  GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == _parla_portal_open_screen_async, NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
