/* parla-callnow-page.h: the learner's "Call a tutor now"
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_CALLNOW_PAGE (parla_callnow_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaCallnowPage, parla_callnow_page, PARLA, CALLNOW_PAGE, AdwBin)

const char *parla_callnow_page_get_state   (ParlaCallnowPage *self);
const char *parla_callnow_page_get_call_id (ParlaCallnowPage *self);

G_END_DECLS
