/* parla-pages.h: the main window's pages, per role
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  PARLA_PAGE_LEARNER = 1 << 0,
  PARLA_PAGE_TEACHER = 1 << 1,
} ParlaPageRoles;

/**
 * ParlaPageInfo:
 * @name: the page's name in the view stack, e.g. `discover`
 * @title: its title, marked with N_()
 * @icon_name: its symbolic icon
 * @roles: who sees it
 * @get_type: its widget type, which has a construct-only `context`
 *   property
 */
typedef struct {
  const char     *name;
  const char     *title;
  const char     *icon_name;
  ParlaPageRoles  roles;
  GType         (*get_type) (void);
} ParlaPageInfo;

const ParlaPageInfo *parla_pages_get_all (guint *n_pages);

G_END_DECLS
