/* parla-pages.c: the main window's pages, per role
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-pages.h"

/* One line per page, in the order the switcher shows them (Alt+1, Alt+2,
 * ... follow it). */
static const ParlaPageInfo pages[] = {
  { NULL }
};

/**
 * parla_pages_get_all:
 * @n_pages: (out): how many
 *
 * Returns: (array length=n_pages): every page of the main window
 */
const ParlaPageInfo *
parla_pages_get_all (guint *n_pages)
{
  *n_pages = G_N_ELEMENTS (pages) - 1;
  return pages;
}
