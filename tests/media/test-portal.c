/* test-portal.c: the Camera and ScreenCast portals, against a stand-in
 * for xdg-desktop-portal on a private session bus, and a private PipeWire
 * daemon whose nodes the call captures through pipewiresrc
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include <gio/gunixfdlist.h>
#include <glib/gstdio.h>

#include "parla-call-private.h"

#include "media-test-utils.h"
#include "mt-fake-devices.h"

#define PORTAL_PATH "/org/freedesktop/portal/desktop"

/* The stand-in portal: it runs in a thread of its own, with its own
 * connection, as the real one runs in a process of its own (libportal
 * makes some calls synchronously). It checks what the real one checks. */

static const char portal_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.ScreenCast'>"
  "    <method name='CreateSession'>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <method name='SelectSources'>"
  "      <arg type='o' name='session_handle' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <method name='Start'>"
  "      <arg type='o' name='session_handle' direction='in'/>"
  "      <arg type='s' name='parent_window' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <method name='OpenPipeWireRemote'>"
  "      <arg type='o' name='session_handle' direction='in'/>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='h' name='fd' direction='out'/>"
  "    </method>"
  "    <property name='AvailableSourceTypes' type='u' access='read'/>"
  "    <property name='AvailableCursorModes' type='u' access='read'/>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "  <interface name='org.freedesktop.portal.Camera'>"
  "    <method name='AccessCamera'>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='o' name='handle' direction='out'/>"
  "    </method>"
  "    <method name='OpenPipeWireRemote'>"
  "      <arg type='a{sv}' name='options' direction='in'/>"
  "      <arg type='h' name='fd' direction='out'/>"
  "    </method>"
  "    <property name='IsCameraPresent' type='b' access='read'/>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "</node>";

static const char session_xml[] =
  "<node>"
  "  <interface name='org.freedesktop.portal.Session'>"
  "    <method name='Close'/>"
  "    <signal name='Closed'>"
  "      <arg type='a{sv}' name='details'/>"
  "    </signal>"
  "    <property name='version' type='u' access='read'/>"
  "  </interface>"
  "</node>";

typedef struct
{
  char     *path;
  char     *sender;
  guint     registration_id;
  guint32   types;
  guint32   cursor_mode;
  guint32   persist_mode;
  char     *restore_token;
  gboolean  selected;
  gboolean  started;
} Session;

typedef struct
{
  GThread         *thread;
  GMainContext    *context;
  GMainLoop       *loop;
  GDBusConnection *bus;
  GDBusNodeInfo   *portal_info;
  GDBusNodeInfo   *session_info;
  guint            registration_ids[2];
  guint            owner_id;
  GHashTable      *sessions;        /* path -> Session */

  GMutex           lock;
  /* set by the test */
  gboolean         camera_present;
  gboolean         deny;
  guint32          node_id;
  char            *pipewire_socket; /* what OpenPipeWireRemote connects to */
  /* seen by the portal */
  gboolean         named;
  guint            n_dialogs;
  guint            n_camera_requests;
  gboolean         camera_granted;
  guint32          types;
  guint32          cursor_mode;
  guint32          persist_mode;
  char            *restore_token_in;
  guint            n_tokens;
  GHashTable      *tokens;          /* restore tokens handed out, unused */
  char            *violation;       /* the first thing the real portal would refuse */
  guint            n_sessions;
} FakePortal;

static void
session_free (Session *session)
{
  g_free (session->path);
  g_free (session->sender);
  g_free (session->restore_token);
  g_free (session);
}

static void
violation (FakePortal *portal,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
violation (FakePortal *portal,
           const char *format,
           ...)
{
  va_list args;

  g_mutex_lock (&portal->lock);
  if (portal->violation == NULL)
    {
      va_start (args, format);
      portal->violation = g_strdup_vprintf (format, args);
      va_end (args);
    }
  g_mutex_unlock (&portal->lock);
}

static gboolean
valid_token (const char *token)
{
  if (token == NULL || *token == '\0')
    return FALSE;

  for (const char *p = token; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '_')
      return FALSE;

  return TRUE;
}

/* The real portal's rule: :1.42 -> 1_42 */
static char *
sender_path_part (const char *sender)
{
  g_autofree char *part = g_strdup (sender + 1);

  g_strdelimit (part, ".", '_');
  return g_steal_pointer (&part);
}

/* A handle_token option (or another token option): a string of [A-Za-z0-9_]. */
static char *
lookup_token (FakePortal *portal,
              GVariant   *options,
              const char *key)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (options, key, NULL);

  if (value == NULL || !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ||
      !valid_token (g_variant_get_string (value, NULL)))
    {
      violation (portal, "%s missing, not a string, or not a valid token", key);
      return NULL;
    }

  return g_variant_dup_string (value, NULL);
}

static char *
request_path (const char *sender,
              const char *token)
{
  g_autofree char *part = sender_path_part (sender);

  return g_strdup_printf ("%s/request/%s/%s", PORTAL_PATH, part, token);
}

/* Returns the request handle, then answers on it. */
static void
respond (FakePortal            *portal,
         GDBusMethodInvocation *invocation,
         const char            *handle,
         guint32                response,
         GVariant              *results)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);

  g_dbus_method_invocation_return_value (invocation, g_variant_new ("(o)", handle));
  g_dbus_connection_emit_signal (portal->bus, sender, handle,
                                 "org.freedesktop.portal.Request", "Response",
                                 g_variant_new ("(u@a{sv})", response,
                                                results ? results
                                                        : g_variant_new_array (G_VARIANT_TYPE ("{sv}"), NULL, 0)),
                                 NULL);
}

static gboolean
check_uint_option (FakePortal *portal,
                   GVariant   *options,
                   const char *key,
                   guint32    *out)
{
  g_autoptr(GVariant) value = g_variant_lookup_value (options, key, NULL);

  if (value == NULL)
    return FALSE;
  if (!g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    {
      violation (portal, "%s is %s, not u", key, g_variant_get_type_string (value));
      return FALSE;
    }

  *out = g_variant_get_uint32 (value);
  return TRUE;
}

static Session *
find_session (FakePortal            *portal,
              GDBusMethodInvocation *invocation,
              const char            *path)
{
  Session *session = g_hash_table_lookup (portal->sessions, path);

  if (session == NULL || !g_str_equal (session->sender, g_dbus_method_invocation_get_sender (invocation)))
    {
      violation (portal, "no session %s of this sender", path);
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_ACCESS_DENIED,
                                             "Invalid session");
      return NULL;
    }

  return session;
}

static void
on_session_method_cb (GDBusConnection       *connection,
                      const char            *sender,
                      const char            *object_path,
                      const char            *interface_name,
                      const char            *method_name,
                      GVariant              *parameters,
                      GDBusMethodInvocation *invocation,
                      gpointer               user_data)
{
  FakePortal *portal = user_data;
  Session *session = find_session (portal, invocation, object_path);

  if (session == NULL)
    return;

  g_dbus_connection_unregister_object (portal->bus, session->registration_id);
  g_hash_table_remove (portal->sessions, object_path);
  g_dbus_method_invocation_return_value (invocation, NULL);
}

static GVariant *
on_session_property_cb (GDBusConnection  *connection,
                        const char       *sender,
                        const char       *object_path,
                        const char       *interface_name,
                        const char       *property_name,
                        GError          **error,
                        gpointer          user_data)
{
  return g_variant_new_uint32 (1);
}

static const GDBusInterfaceVTable session_vtable = {
  on_session_method_cb, on_session_property_cb, NULL, { 0 }
};

static void
create_session (FakePortal            *portal,
                GDBusMethodInvocation *invocation,
                GVariant              *options)
{
  const char *sender = g_dbus_method_invocation_get_sender (invocation);
  g_autofree char *token = lookup_token (portal, options, "handle_token");
  g_autofree char *session_token = lookup_token (portal, options, "session_handle_token");
  g_autofree char *handle = NULL;
  g_autofree char *part = NULL;
  g_autoptr(GError) error = NULL;
  GVariantDict results;
  Session *session;

  if (token == NULL || session_token == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "Bad tokens");
      return;
    }

  part = sender_path_part (sender);
  session = g_new0 (Session, 1);
  session->path = g_strdup_printf ("%s/session/%s/%s", PORTAL_PATH, part, session_token);
  session->sender = g_strdup (sender);
  session->registration_id =
    g_dbus_connection_register_object (portal->bus, session->path,
                                       portal->session_info->interfaces[0], &session_vtable,
                                       portal, NULL, &error);
  g_assert_no_error (error);
  g_hash_table_insert (portal->sessions, session->path, session);

  handle = request_path (sender, token);
  g_variant_dict_init (&results, NULL);
  g_variant_dict_insert (&results, "session_handle", "s", session->path);
  respond (portal, invocation, handle, 0, g_variant_dict_end (&results));
}

static void
select_sources (FakePortal            *portal,
                GDBusMethodInvocation *invocation,
                const char            *path,
                GVariant              *options)
{
  g_autofree char *token = lookup_token (portal, options, "handle_token");
  g_autofree char *handle = NULL;
  g_autoptr(GVariant) restore = NULL;
  Session *session = find_session (portal, invocation, path);

  if (session == NULL)
    return;
  if (token == NULL)
    {
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "Bad token");
      return;
    }

  if (check_uint_option (portal, options, "types", &session->types) && (session->types & ~7u) != 0)
    violation (portal, "types %u", session->types);
  if (check_uint_option (portal, options, "cursor_mode", &session->cursor_mode) &&
      session->cursor_mode != 1 && session->cursor_mode != 2 && session->cursor_mode != 4)
    violation (portal, "cursor_mode %u", session->cursor_mode);
  if (check_uint_option (portal, options, "persist_mode", &session->persist_mode) &&
      session->persist_mode > 2)
    violation (portal, "persist_mode %u", session->persist_mode);

  restore = g_variant_lookup_value (options, "restore_token", NULL);
  if (restore != NULL)
    {
      if (!g_variant_is_of_type (restore, G_VARIANT_TYPE_STRING))
        violation (portal, "restore_token is %s, not s", g_variant_get_type_string (restore));
      else
        session->restore_token = g_variant_dup_string (restore, NULL);
    }

  g_mutex_lock (&portal->lock);
  portal->types = session->types;
  portal->cursor_mode = session->cursor_mode;
  portal->persist_mode = session->persist_mode;
  g_free (portal->restore_token_in);
  portal->restore_token_in = g_strdup (session->restore_token);
  g_mutex_unlock (&portal->lock);

  session->selected = TRUE;
  handle = request_path (g_dbus_method_invocation_get_sender (invocation), token);
  respond (portal, invocation, handle, 0, NULL);
}

static void
start (FakePortal            *portal,
       GDBusMethodInvocation *invocation,
       const char            *path,
       GVariant              *options)
{
  g_autofree char *token = lookup_token (portal, options, "handle_token");
  g_autofree char *handle = NULL;
  Session *session = find_session (portal, invocation, path);
  GVariantBuilder streams;
  GVariantDict results;
  gboolean deny;

  if (session == NULL)
    return;
  if (token == NULL || !session->selected)
    {
      violation (portal, "Start without a token or before SelectSources");
      g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR, G_DBUS_ERROR_INVALID_ARGS,
                                             "Bad call");
      return;
    }
  handle = request_path (g_dbus_method_invocation_get_sender (invocation), token);

  /* A valid restore token skips the dialog, once. */
  g_mutex_lock (&portal->lock);
  if (session->restore_token == NULL || !g_hash_table_remove (portal->tokens, session->restore_token))
    portal->n_dialogs++;
  deny = portal->deny;
  g_mutex_unlock (&portal->lock);

  if (deny)
    {
      respond (portal, invocation, handle, 1, NULL);
      return;
    }

  session->started = TRUE;
  g_variant_builder_init (&streams, G_VARIANT_TYPE ("a(ua{sv})"));
  g_variant_builder_add_parsed (&streams, "(%u, {'source_type': <%u>, 'size': <(640, 360)>})",
                                portal->node_id, (guint32) 1);
  g_variant_dict_init (&results, NULL);
  g_variant_dict_insert_value (&results, "streams", g_variant_builder_end (&streams));
  if (session->persist_mode == 2)
    {
      g_autofree char *new_token = NULL;

      g_mutex_lock (&portal->lock);
      new_token = g_strdup_printf ("parla_restore_%u", ++portal->n_tokens);
      g_hash_table_add (portal->tokens, g_strdup (new_token));
      g_mutex_unlock (&portal->lock);
      g_variant_dict_insert (&results, "persist_mode", "u", session->persist_mode);
      g_variant_dict_insert (&results, "restore_token", "s", new_token);
    }
  respond (portal, invocation, handle, 0, g_variant_dict_end (&results));
}

/* A connection to the PipeWire daemon, as the real portal hands out (it
 * restricts it to the picked nodes). */
static void
return_pipewire_fd (FakePortal            *portal,
                    GDBusMethodInvocation *invocation)
{
  g_autoptr(GUnixFDList) fds = g_unix_fd_list_new ();
  g_autoptr(GError) error = NULL;
  struct sockaddr_un address = { .sun_family = AF_UNIX };
  int fd = socket (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  int handle;

  g_assert_cmpint (fd, >=, 0);
  g_mutex_lock (&portal->lock);
  if (portal->pipewire_socket != NULL)
    {
      g_strlcpy (address.sun_path, portal->pipewire_socket, sizeof address.sun_path);
      g_assert_cmpint (connect (fd, (struct sockaddr *) &address, sizeof address), ==, 0);
    }
  else
    {
      int pair[2];

      /* A PipeWire that hangs up at once. */
      close (fd);
      g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, pair), ==, 0);
      close (pair[1]);
      fd = pair[0];
    }
  g_mutex_unlock (&portal->lock);

  handle = g_unix_fd_list_append (fds, fd, &error);
  g_assert_no_error (error);
  close (fd);
  g_dbus_method_invocation_return_value_with_unix_fd_list (invocation, g_variant_new ("(h)", handle), fds);
}

static void
on_portal_method_cb (GDBusConnection       *connection,
                     const char            *sender,
                     const char            *object_path,
                     const char            *interface_name,
                     const char            *method_name,
                     GVariant              *parameters,
                     GDBusMethodInvocation *invocation,
                     gpointer               user_data)
{
  FakePortal *portal = user_data;
  g_autoptr(GVariant) options = NULL;
  const char *path = NULL;

  if (g_str_equal (interface_name, "org.freedesktop.portal.Camera"))
    {
      g_variant_get (parameters, "(@a{sv})", &options);
      if (g_str_equal (method_name, "AccessCamera"))
        {
          g_autofree char *token = lookup_token (portal, options, "handle_token");
          g_autofree char *handle = request_path (sender, token ? token : "bad");
          gboolean deny;

          g_mutex_lock (&portal->lock);
          portal->n_camera_requests++;
          deny = portal->deny;
          portal->camera_granted = !deny;
          g_mutex_unlock (&portal->lock);
          respond (portal, invocation, handle, deny ? 1 : 0, NULL);
        }
      else
        {
          gboolean granted;

          g_mutex_lock (&portal->lock);
          granted = portal->camera_granted;
          g_mutex_unlock (&portal->lock);
          if (!granted)
            {
              violation (portal, "Camera OpenPipeWireRemote without access");
              g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                     G_DBUS_ERROR_ACCESS_DENIED, "No access");
              return;
            }
          return_pipewire_fd (portal, invocation);
        }
      return;
    }

  if (g_str_equal (method_name, "CreateSession"))
    {
      g_variant_get (parameters, "(@a{sv})", &options);
      create_session (portal, invocation, options);
      return;
    }

  if (g_str_equal (method_name, "Start"))
    {
      g_variant_get (parameters, "(&o&s@a{sv})", &path, NULL, &options);
      start (portal, invocation, path, options);
      return;
    }

  g_variant_get (parameters, "(&o@a{sv})", &path, &options);
  if (g_str_equal (method_name, "SelectSources"))
    select_sources (portal, invocation, path, options);
  else
    {
      Session *session = find_session (portal, invocation, path);

      if (session == NULL)
        return;
      if (!session->started)
        {
          violation (portal, "OpenPipeWireRemote before Start");
          g_dbus_method_invocation_return_error (invocation, G_DBUS_ERROR,
                                                 G_DBUS_ERROR_ACCESS_DENIED, "Not started");
          return;
        }
      return_pipewire_fd (portal, invocation);
    }
}

static GVariant *
on_portal_property_cb (GDBusConnection  *connection,
                       const char       *sender,
                       const char       *object_path,
                       const char       *interface_name,
                       const char       *property_name,
                       GError          **error,
                       gpointer          user_data)
{
  FakePortal *portal = user_data;
  gboolean present;

  if (g_str_equal (property_name, "version"))
    return g_variant_new_uint32 (g_str_equal (interface_name, "org.freedesktop.portal.Camera") ? 1 : 4);
  if (g_str_equal (property_name, "AvailableSourceTypes"))
    return g_variant_new_uint32 (3);
  if (g_str_equal (property_name, "AvailableCursorModes"))
    return g_variant_new_uint32 (7);

  g_mutex_lock (&portal->lock);
  present = portal->camera_present;
  g_mutex_unlock (&portal->lock);
  return g_variant_new_boolean (present);
}

static const GDBusInterfaceVTable portal_vtable = {
  on_portal_method_cb, on_portal_property_cb, NULL, { 0 }
};

static void
on_name_acquired_cb (GDBusConnection *connection,
                     const char      *name,
                     gpointer         user_data)
{
  FakePortal *portal = user_data;

  g_mutex_lock (&portal->lock);
  portal->named = TRUE;
  g_mutex_unlock (&portal->lock);
}

static gpointer
portal_thread (gpointer user_data)
{
  FakePortal *portal = user_data;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (portal->context);

  portal->bus = g_dbus_connection_new_for_address_sync (g_getenv ("DBUS_SESSION_BUS_ADDRESS"),
                                                        G_DBUS_CONNECTION_FLAGS_AUTHENTICATION_CLIENT |
                                                        G_DBUS_CONNECTION_FLAGS_MESSAGE_BUS_CONNECTION,
                                                        NULL, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < 2; i++)
    {
      portal->registration_ids[i] =
        g_dbus_connection_register_object (portal->bus, PORTAL_PATH,
                                           portal->portal_info->interfaces[i], &portal_vtable,
                                           portal, NULL, &error);
      g_assert_no_error (error);
    }
  portal->owner_id = g_bus_own_name_on_connection (portal->bus, "org.freedesktop.portal.Desktop",
                                                   G_BUS_NAME_OWNER_FLAGS_NONE,
                                                   on_name_acquired_cb, NULL, portal, NULL);

  g_main_loop_run (portal->loop);

  g_bus_unown_name (portal->owner_id);
  for (guint i = 0; i < 2; i++)
    g_dbus_connection_unregister_object (portal->bus, portal->registration_ids[i]);
  g_hash_table_remove_all (portal->sessions);
  g_dbus_connection_flush_sync (portal->bus, NULL, NULL);
  g_dbus_connection_close_sync (portal->bus, NULL, NULL);
  g_clear_object (&portal->bus);
  g_main_context_pop_thread_default (portal->context);

  return NULL;
}

static FakePortal *
fake_portal_new (const char *pipewire_socket)
{
  FakePortal *portal = g_new0 (FakePortal, 1);
  g_autoptr(GError) error = NULL;

  g_mutex_init (&portal->lock);
  portal->camera_present = TRUE;
  portal->pipewire_socket = g_strdup (pipewire_socket);
  portal->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  portal->sessions = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, (GDestroyNotify) session_free);
  portal->portal_info = g_dbus_node_info_new_for_xml (portal_xml, &error);
  g_assert_no_error (error);
  portal->session_info = g_dbus_node_info_new_for_xml (session_xml, &error);
  g_assert_no_error (error);
  portal->context = g_main_context_new ();
  portal->loop = g_main_loop_new (portal->context, FALSE);
  portal->thread = g_thread_new ("fake-portal", portal_thread, portal);

  MT_WAIT_UNTIL (g_atomic_int_get (&portal->named), MT_WAIT);

  return portal;
}

static gboolean
quit_cb (gpointer user_data)
{
  g_main_loop_quit (user_data);
  return G_SOURCE_REMOVE;
}

static void
fake_portal_free (FakePortal *portal)
{
  g_main_context_invoke (portal->context, quit_cb, portal->loop);
  g_thread_join (portal->thread);
  g_main_loop_unref (portal->loop);
  g_main_context_unref (portal->context);
  g_hash_table_unref (portal->sessions);
  g_hash_table_unref (portal->tokens);
  g_dbus_node_info_unref (portal->portal_info);
  g_dbus_node_info_unref (portal->session_info);
  g_free (portal->pipewire_socket);
  g_free (portal->restore_token_in);
  g_free (portal->violation);
  g_mutex_clear (&portal->lock);
  g_free (portal);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FakePortal, fake_portal_free)

/* Closes every session from the portal's side, as when the user stops
 * sharing from the shell. */
static gboolean
close_sessions_cb (gpointer user_data)
{
  FakePortal *portal = user_data;
  GHashTableIter iter;
  Session *session;

  g_hash_table_iter_init (&iter, portal->sessions);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &session))
    {
      g_dbus_connection_emit_signal (portal->bus, session->sender, session->path,
                                     "org.freedesktop.portal.Session", "Closed",
                                     g_variant_new_parsed ("(@a{sv} {},)"), NULL);
      g_dbus_connection_unregister_object (portal->bus, session->registration_id);
      g_hash_table_iter_remove (&iter);
    }

  return G_SOURCE_REMOVE;
}

static gboolean
count_sessions_cb (gpointer user_data)
{
  FakePortal *portal = user_data;

  g_mutex_lock (&portal->lock);
  portal->n_sessions = g_hash_table_size (portal->sessions);
  g_mutex_unlock (&portal->lock);

  return G_SOURCE_REMOVE;
}

/* The sessions the portal has open, as seen from its thread. */
static guint
fake_portal_n_sessions (FakePortal *portal)
{
  guint n;

  g_main_context_invoke (portal->context, count_sessions_cb, portal);
  mt_spin (20);
  g_mutex_lock (&portal->lock);
  n = portal->n_sessions;
  g_mutex_unlock (&portal->lock);

  return n;
}

static void
fake_portal_set_deny (FakePortal *portal,
                      gboolean    deny)
{
  g_mutex_lock (&portal->lock);
  portal->deny = deny;
  g_mutex_unlock (&portal->lock);
}

/* The PipeWire daemon, and one video node fed from this process. */

typedef struct
{
  char        *runtime_dir;
  char        *socket;
  GSubprocess *daemon;
  GstElement  *producer;
  char        *node_name;
  guint32      node_id;
  GThread     *linker;
  int          stop_linker;
  char        *old_runtime_dir;
} PipeWire;

/* What PipeWire and libpulse leave in the runtime directory. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

static void
pipewire_free (PipeWire *pw)
{
  if (pw->linker != NULL)
    {
      g_atomic_int_set (&pw->stop_linker, TRUE);
      g_thread_join (pw->linker);
    }
  if (pw->producer != NULL)
    {
      gst_element_set_state (pw->producer, GST_STATE_NULL);
      gst_object_unref (pw->producer);
    }
  if (pw->daemon != NULL)
    {
      g_subprocess_send_signal (pw->daemon, SIGTERM);
      g_subprocess_wait (pw->daemon, NULL, NULL);
      g_object_unref (pw->daemon);
    }
  if (pw->runtime_dir != NULL)
    {
      if (pw->old_runtime_dir != NULL)
        g_setenv ("XDG_RUNTIME_DIR", pw->old_runtime_dir, TRUE);
      else
        g_unsetenv ("XDG_RUNTIME_DIR");
      remove_tree (pw->runtime_dir);
    }
  g_free (pw->old_runtime_dir);
  g_free (pw->runtime_dir);
  g_free (pw->socket);
  g_free (pw->node_name);
  g_free (pw);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PipeWire, pipewire_free)

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  int status;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, &out, NULL, &status, &error);
  g_assert_no_error (error);

  return g_steal_pointer (&out);
}

/* The node's id, from pw-dump, or 0 while it is not there. */
static guint32
find_node (const char *name)
{
  const char * const argv[] = { "pw-dump", NULL };
  g_autofree char *dump = run (argv);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *objects;

  if (!json_parser_load_from_data (parser, dump, -1, NULL) ||
      !JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return 0;

  objects = json_node_get_array (json_parser_get_root (parser));
  for (guint i = 0; i < json_array_get_length (objects); i++)
    {
      JsonObject *object = json_array_get_object_element (objects, i);
      JsonObject *info, *props;

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "type", ""),
                     "PipeWire:Interface:Node") != 0 ||
          (info = json_object_get_object_member (object, "info")) == NULL ||
          !json_object_has_member (info, "props") ||
          (props = json_object_get_object_member (info, "props")) == NULL)
        continue;

      if (g_strcmp0 (json_object_get_string_member_with_default (props, "node.name", ""), name) == 0)
        return json_object_get_int_member (object, "id");
    }

  return 0;
}

static gpointer linker_thread (gpointer user_data);

/* NULL when there is no PipeWire to run. */
static PipeWire *
pipewire_new (const char *node_name,
              guint32     colour,
              int         width,
              int         height,
              int         fps)
{
  g_autoptr(PipeWire) pw = g_new0 (PipeWire, 1);
  g_autoptr(GSubprocessLauncher) launcher = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *program = g_find_program_in_path ("pipewire");
  g_autofree char *pw_link = g_find_program_in_path ("pw-link");
  g_autofree char *pw_dump = g_find_program_in_path ("pw-dump");
  g_autofree char *description = NULL;

  if (program == NULL || pw_link == NULL || pw_dump == NULL ||
      !parla_media_has_element ("pipewiresink"))
    return NULL;

  pw->runtime_dir = g_dir_make_tmp ("parla-pipewire-XXXXXX", &error);
  g_assert_no_error (error);
  pw->socket = g_build_filename (pw->runtime_dir, "pipewire-0", NULL);
  /* For pipewiresink, pw-dump and pw-link; our pipewiresrc gets the
   * portal's fd. */
  pw->old_runtime_dir = g_strdup (g_getenv ("XDG_RUNTIME_DIR"));
  g_setenv ("XDG_RUNTIME_DIR", pw->runtime_dir, TRUE);

  launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE |
                                        G_SUBPROCESS_FLAGS_STDERR_SILENCE);
  pw->daemon = g_subprocess_launcher_spawn (launcher, &error, program, NULL);
  g_assert_no_error (error);
  MT_WAIT_UNTIL (g_file_test (pw->socket, G_FILE_TEST_EXISTS), MT_WAIT);

  pw->node_name = g_strdup (node_name);
  description = g_strdup_printf ("videotestsrc is-live=true pattern=solid-color foreground-color=%u "
                                 "! video/x-raw,format=I420,width=%d,height=%d,framerate=%d/1 "
                                 "! pipewiresink mode=provide "
                                 "stream-properties=\"props,node.name=%s\"",
                                 colour, width, height, fps, node_name);
  pw->producer = gst_parse_launch (description, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gst_element_set_state (pw->producer, GST_STATE_PLAYING), !=, GST_STATE_CHANGE_FAILURE);
  MT_WAIT_UNTIL ((pw->node_id = find_node (node_name)) != 0, MT_WAIT);
  pw->linker = g_thread_new ("pipewire-linker", linker_thread, pw);

  return g_steal_pointer (&pw);
}

/* Without a session manager, nothing links the call's pipewiresrc to the
 * node: what WirePlumber would do, done by hand from a thread (pipewiresrc
 * waits for the link inside its state change, on the main thread), to
 * every input port that shows up. */
static gpointer
linker_thread (gpointer user_data)
{
  PipeWire *pw = user_data;
  g_autofree char *output = g_strdup_printf ("%s:out_0", pw->node_name);

  while (!g_atomic_int_get (&pw->stop_linker))
    {
      const char * const list_argv[] = { "pw-link", "--input", NULL };
      g_autofree char *inputs = run (list_argv);
      g_auto(GStrv) lines = g_strsplit (inputs, "\n", -1);

      for (guint i = 0; lines[i] != NULL; i++)
        {
          const char *port = g_strstrip (lines[i]);

          if (*port != '\0')
            {
              const char * const link_argv[] = { "pw-link", output, port, NULL };
              g_autofree char *out = run (link_argv);
            }
        }
      g_usleep (100 * 1000);
    }

  return NULL;
}

/* The tests */

typedef enum
{
  SETUP_NO_PORTAL,
  SETUP_SCREEN,
  SETUP_CAMERA,
} Setup;

typedef struct
{
  ParlaLoopbackRoom *room;
  MtParty           *alice;   /* shares */
  MtParty           *bob;
  FakePortal        *portal;
  PipeWire          *pw;
} Fixture;

static gboolean
require_pipewire (Fixture *fixture)
{
  if (fixture->pw != NULL)
    return TRUE;

  if (g_getenv ("PARLA_REQUIRE_ALL_TESTS") != NULL)
    g_error ("PipeWire is needed: pipewire, pipewire-bin, gstreamer1.0-pipewire");
  g_test_skip ("No PipeWire (pipewire, pipewire-bin, gstreamer1.0-pipewire)");
  return FALSE;
}

static void
start_call_full (Fixture          *fixture,
                 ParlaCallOptions *alice_options,
                 gboolean          wait_media)
{
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);

  fixture->alice = mt_party_new (fixture->room, "alice", alice_options);
  mt_party_start (fixture->alice);
  fixture->bob = mt_party_new (fixture->room, "bob", bob_options);
  mt_party_start (fixture->bob);

  MT_WAIT_UNTIL (parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_CONNECTED &&
                 parla_call_get_state (fixture->bob->call) == PARLA_CALL_STATE_CONNECTED, MT_WAIT);
  if (wait_media)
    MT_WAIT_UNTIL (mt_party_has_media (fixture->bob, "alice"), MT_WAIT);
}

static void
start_call (Fixture          *fixture,
            ParlaCallOptions *alice_options)
{
  start_call_full (fixture, alice_options, TRUE);
}

static ParlaCallOptions *
screen_options (const char *restore_token)
{
  ParlaCallOptions *options = mt_options_new (440);

  parla_call_options_set_screen_source (options, PARLA_MEDIA_SOURCE_DEVICE);
  parla_call_options_set_screen_restore_token (options, restore_token);
  return options;
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  Setup setup = GPOINTER_TO_INT (data);
  gboolean with_portal = setup != SETUP_NO_PORTAL;

  /* A node of the size the call takes: without a session manager,
   * PipeWire does not convert. */
  fixture->room = parla_loopback_room_new ();
  if (setup == SETUP_SCREEN)
    fixture->pw = pipewire_new ("parla-test-node", 0xff20c020, 640, 360, 5);
  if (with_portal)
    {
      fixture->portal = fake_portal_new (fixture->pw ? fixture->pw->socket : NULL);
      fixture->portal->node_id = fixture->pw ? fixture->pw->node_id : 0;
    }
  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-red", "Red Camera", "red", TRUE);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  g_clear_pointer (&fixture->bob, mt_party_free);
  g_clear_pointer (&fixture->alice, mt_party_free);
  mt_spin (50);
  g_assert_finalize_object (fixture->room);
  if (fixture->portal != NULL)
    {
      g_assert_null (fixture->portal->violation);
      g_clear_pointer (&fixture->portal, fake_portal_free);
    }
  g_clear_pointer (&fixture->pw, pipewire_free);
  mt_fake_device_remove_all ();
}

static void
on_share_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  GError **error = user_data;

  if (!parla_call_start_screen_share_finish (PARLA_CALL (source), result, error))
    g_assert_nonnull (*error);
  else
    *error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_EXISTS, "shared");
}

/* Returns the error, or NULL when shared. */
static GError *
share (MtParty *party)
{
  GError *error = NULL;

  parla_call_start_screen_share_async (party->call, NULL, on_share_done_cb, &error);
  MT_WAIT_UNTIL (error != NULL, MT_WAIT);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_clear_error (&error);

  return error;
}

static const char *
screen_content_hint (MtParty *party)
{
  g_autoptr(GstIterator) iter = gst_bin_iterate_recurse (GST_BIN (_parla_call_get_pipeline (party->call)));
  GValue item = G_VALUE_INIT;
  const char *hint = NULL;

  while (hint == NULL && gst_iterator_next (iter, &item) == GST_ITERATOR_OK)
    {
      GstElement *element = g_value_get_object (&item);
      g_autoptr(GstCaps) caps = NULL;

      if (g_str_has_prefix (GST_OBJECT_NAME (element), "capsfilter"))
        {
          g_object_get (element, "caps", &caps, NULL);
          if (caps != NULL && gst_caps_get_size (caps) > 0)
            hint = g_intern_string (gst_structure_get_string (gst_caps_get_structure (caps, 0),
                                                              "content-hint"));
        }
      g_value_reset (&item);
    }
  g_value_unset (&item);

  return hint;
}

static void
test_screen (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) options = screen_options (NULL);
  g_autofree char *token = NULL;
  g_autofree char *second_token = NULL;
  GError *error = NULL;
  MtRemote *at_bob;

  if (!require_pipewire (fixture))
    return;

  start_call (fixture, options);
  at_bob = mt_party_get_remote (fixture->bob, "alice");

  /* The user picks once; frames go from the PipeWire node into the call. */
  error = share (fixture->alice);
  g_assert_no_error (error);
  g_assert_true (parla_call_get_screen_shared (fixture->alice->call));
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (at_bob), MT_WAIT);

  g_assert_cmpuint (fixture->portal->n_dialogs, ==, 1);
  g_assert_cmpuint (fixture->portal->types, ==, 3);        /* monitor | window */
  g_assert_cmpuint (fixture->portal->cursor_mode, ==, 2);  /* embedded */
  g_assert_cmpuint (fixture->portal->persist_mode, ==, 2); /* until revoked */
  g_assert_null (fixture->portal->restore_token_in);
  token = parla_call_dup_screen_restore_token (fixture->alice->call);
  g_assert_cmpstr (token, ==, "parla_restore_1");
  g_assert_cmpstr (screen_content_hint (fixture->alice), ==, "detail");

  /* Stopped: the portal's session is closed. */
  parla_call_stop_screen_share (fixture->alice->call);
  MT_WAIT_UNTIL (at_bob->screen == NULL, MT_WAIT);
  MT_WAIT_UNTIL (fake_portal_n_sessions (fixture->portal) == 0, MT_WAIT);

  /* Again, with the token: no dialog, and a new token. */
  error = share (fixture->alice);
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (at_bob), MT_WAIT);
  g_assert_cmpuint (fixture->portal->n_dialogs, ==, 1);
  g_assert_cmpstr (fixture->portal->restore_token_in, ==, "parla_restore_1");
  second_token = parla_call_dup_screen_restore_token (fixture->alice->call);
  g_assert_cmpstr (second_token, ==, "parla_restore_2");

  /* The user stops sharing from the shell: the call stops too. */
  g_main_context_invoke (fixture->portal->context, close_sessions_cb, fixture->portal);
  MT_WAIT_UNTIL (!parla_call_get_screen_shared (fixture->alice->call), MT_WAIT);
  MT_WAIT_UNTIL (at_bob->screen == NULL, MT_WAIT);

  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_null (fixture->alice->error);
}

static void
test_screen_restored (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) first = screen_options (NULL);
  g_autoptr(ParlaCallOptions) next = NULL;
  g_autofree char *token = NULL;
  GError *error = NULL;

  if (!require_pipewire (fixture))
    return;

  /* One call: the user picks. */
  start_call (fixture, first);
  error = share (fixture->alice);
  g_assert_no_error (error);
  token = parla_call_dup_screen_restore_token (fixture->alice->call);
  g_assert_nonnull (token);
  g_clear_pointer (&fixture->bob, mt_party_free);
  g_clear_pointer (&fixture->alice, mt_party_free);

  /* The next call, with the saved token: no dialog. */
  next = screen_options (token);
  start_call (fixture, next);
  error = share (fixture->alice);
  g_assert_no_error (error);
  g_assert_true (parla_call_get_screen_shared (fixture->alice->call));
  g_assert_cmpuint (fixture->portal->n_dialogs, ==, 1);
  g_assert_cmpstr (fixture->portal->restore_token_in, ==, token);
}

static void
test_screen_declined (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) options = screen_options (NULL);
  GError *error = NULL;

  start_call (fixture, options);
  fake_portal_set_deny (fixture->portal, TRUE);

  error = share (fixture->alice);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED);
  g_clear_error (&error);
  g_assert_false (parla_call_get_screen_shared (fixture->alice->call));
  g_assert_null (parla_call_dup_screen_restore_token (fixture->alice->call));
  g_assert_cmpuint (fixture->portal->n_dialogs, ==, 1);

  /* The call goes on, and a later share can still work. */
  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
  if (fixture->pw != NULL)
    {
      fake_portal_set_deny (fixture->portal, FALSE);
      error = share (fixture->alice);
      g_assert_no_error (error);
      g_assert_true (parla_call_get_screen_shared (fixture->alice->call));
    }
}

static ParlaCallOptions *
camera_options (void)
{
  ParlaCallOptions *options = mt_options_new (440);

  parla_call_options_set_video_source (options, PARLA_MEDIA_SOURCE_DEVICE);
  return options;
}

static void
test_camera_declined (Fixture       *fixture,
                      gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) options = camera_options ();

  /* Declined (or no camera behind the portal): the camera opened directly. */
  fake_portal_set_deny (fixture->portal, TRUE);
  start_call (fixture, options);
  MT_WAIT_UNTIL (mt_remote_sees_colour (mt_party_get_remote (fixture->bob, "alice"), 255, 0, 0), MT_WAIT);
  g_assert_cmpuint (fixture->portal->n_camera_requests, ==, 1);
  g_assert_null (fixture->alice->error);
}

static void
test_camera_absent (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) options = camera_options ();

  /* The portal sees no camera: nothing is asked, the camera opened
   * directly (here the device provider's). */
  g_mutex_lock (&fixture->portal->lock);
  fixture->portal->camera_present = FALSE;
  g_mutex_unlock (&fixture->portal->lock);
  start_call (fixture, options);
  MT_WAIT_UNTIL (mt_remote_sees_colour (mt_party_get_remote (fixture->bob, "alice"), 255, 0, 0), MT_WAIT);
  g_assert_cmpuint (fixture->portal->n_camera_requests, ==, 0);
  g_assert_null (fixture->alice->error);
}

static void
test_no_portal (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) options = camera_options ();
  g_autoptr(GError) error = NULL;
  MtRemote *at_bob;

  /* No portal on the bus: the camera is opened directly... */
  parla_call_options_set_screen_source (options, PARLA_MEDIA_SOURCE_DEVICE);
  start_call (fixture, options);
  at_bob = mt_party_get_remote (fixture->bob, "alice");
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 255, 0, 0), MT_WAIT);

  /* ...and the screen taken from X11, here without a display. */
  g_unsetenv ("DISPLAY");
  error = share (fixture->alice);
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE);
  g_assert_nonnull (strstr (error->message, "X11"));
  g_assert_false (parla_call_get_screen_shared (fixture->alice->call));
  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
}

static void
test_no_portal_test_screen (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  GError *error = NULL;

  /* The asynchronous share works without a portal for the test picture. */
  start_call (fixture, options);
  error = share (fixture->alice);
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_green_screen (mt_party_get_remote (fixture->bob, "alice")), MT_WAIT);
}

/* Never finalized: libportal keeps the session bus connection, which
 * g_test_dbus_down() would wait for. */
static GTestDBus *bus;

int
main (int   argc,
      char *argv[])
{
  int ret;

  /* A private session bus, before anything looks for one. */
  bus = g_test_dbus_new (G_TEST_DBUS_NONE);
  g_test_dbus_up (bus);

  if (!mt_init (&argc, &argv))
    {
      ret = g_test_run ();
      g_test_dbus_stop (bus);
      return ret;
    }

  mt_fake_devices_register ();
  /* The devices are the fake provider's: not the PipeWire nodes the tests
   * make. */
  {
    g_autoptr(GstDeviceProviderFactory) factory = gst_device_provider_factory_find ("pipewiredeviceprovider");

    if (factory != NULL)
      gst_plugin_feature_set_rank (GST_PLUGIN_FEATURE (factory), GST_RANK_NONE);
  }

#define ADD(path, func, portal) \
  g_test_add (path, Fixture, GINT_TO_POINTER (portal), fixture_set_up, func, fixture_tear_down)
  ADD ("/media/portal/screen", test_screen, SETUP_SCREEN);
  ADD ("/media/portal/screen-restored", test_screen_restored, SETUP_SCREEN);
  ADD ("/media/portal/screen-declined", test_screen_declined, SETUP_SCREEN);
  ADD ("/media/portal/camera-declined", test_camera_declined, SETUP_CAMERA);
  ADD ("/media/portal/camera-absent", test_camera_absent, SETUP_CAMERA);
  ADD ("/media/portal/none", test_no_portal, SETUP_NO_PORTAL);
  ADD ("/media/portal/none-test-screen", test_no_portal_test_screen, SETUP_NO_PORTAL);
#undef ADD

  ret = g_test_run ();
  g_test_dbus_stop (bus);

  return ret;
}
