/* parla-requests-page.h: the teacher's inbox of lesson requests
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_REQUESTS_PAGE (parla_requests_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaRequestsPage, parla_requests_page, PARLA, REQUESTS_PAGE, AdwBin)

gboolean   parla_requests_page_get_loading  (ParlaRequestsPage *self);
guint      parla_requests_page_get_n_items  (ParlaRequestsPage *self);
GtkWidget *parla_requests_page_find_row     (ParlaRequestsPage *self,
                                             const char        *booking_id);

G_END_DECLS
