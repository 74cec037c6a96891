/* parla-ice-servers-private.h: browser-shaped ICE servers to webrtcbin URIs
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

gboolean _parla_ice_servers_parse (JsonNode   *servers,
                                   char      **stun_uri,
                                   char     ***turn_uris,
                                   GError    **error);

G_END_DECLS
