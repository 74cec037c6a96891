/* parla-core-private.h: helpers the entity files share
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <json-glib/json-glib.h>

#include "parla-offering.h"

G_BEGIN_DECLS

gboolean        _parla_replace_string   (char        **field,
                                         const char   *value);
gboolean        _parla_is_language_code (const char   *code);
gboolean        _parla_check_language   (const char   *language,
                                         GError      **error);
gboolean        _parla_check_title      (const char   *title,
                                         GError      **error);
ParlaMaterials *_parla_read_materials   (JsonObject   *object,
                                         GError      **error);

G_END_DECLS
