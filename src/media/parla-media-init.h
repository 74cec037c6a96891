/* parla-media-init.h: GStreamer set-up and warm-up for the call engine
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

#include "parla-media-types.h"

G_BEGIN_DECLS

gboolean parla_media_check_plugins (GError             **error);
gboolean parla_media_has_element   (const char          *name);
void     parla_media_limit_arenas  (void);
void     parla_media_init_async    (GCancellable        *cancellable,
                                    GAsyncReadyCallback  callback,
                                    gpointer             user_data);
gboolean parla_media_init_finish   (GAsyncResult        *result,
                                    GError             **error);

G_END_DECLS
