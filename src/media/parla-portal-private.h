/* parla-portal-private.h: the Camera and ScreenCast portals
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define PARLA_PORTAL_BUS_NAME "org.freedesktop.portal.Desktop"

/* What the ScreenCast portal handed out: a PipeWire remote that shows
 * only the picked screen or window, and that stream's node. */
typedef struct
{
  int       fd;             /* owned; -1 once taken */
  guint32   node_id;
  char     *restore_token;  /* nullable */
  GObject  *session;        /* owned XdpSession: sharing lasts as long as it does */
} ParlaPortalScreen;

void               _parla_portal_screen_free         (ParlaPortalScreen   *screen);
void               _parla_portal_screen_close        (ParlaPortalScreen   *screen);
int                _parla_portal_screen_steal_fd     (ParlaPortalScreen   *screen);

void               _parla_portal_open_camera_async   (GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
int                _parla_portal_open_camera_finish  (GAsyncResult        *result,
                                                      GError             **error);
void               _parla_portal_open_screen_async   (const char          *restore_token,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
ParlaPortalScreen *_parla_portal_open_screen_finish  (GAsyncResult        *result,
                                                      GError             **error);
gboolean           _parla_portal_error_is_absent     (const GError        *error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaPortalScreen, _parla_portal_screen_free)

G_END_DECLS
