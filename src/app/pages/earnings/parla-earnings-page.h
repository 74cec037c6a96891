/* parla-earnings-page.h: the teacher's earnings and payouts
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_EARNINGS_PAGE (parla_earnings_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaEarningsPage, parla_earnings_page, PARLA, EARNINGS_PAGE, AdwBin)

gboolean    parla_earnings_page_get_loaded     (ParlaEarningsPage *self);
guint       parla_earnings_page_get_n_lessons  (ParlaEarningsPage *self);
const char *parla_earnings_page_get_account_id (ParlaEarningsPage *self);

G_END_DECLS
