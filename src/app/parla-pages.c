/* parla-pages.c: the main window's pages, per role
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-availability-page.h"
#include "parla-callnow-page.h"
#include "parla-discover-page.h"
#include "parla-earnings-page.h"
#include "parla-minutes-page.h"
#include "parla-offerings-page.h"
#include "parla-pages.h"
#include "parla-requests-page.h"
#include "parla-schedule-page.h"
#include "parla-sessions-page.h"

/* One line per page, in the order the switcher shows them (Alt+1, Alt+2,
 * ... follow it). */
static const ParlaPageInfo pages[] = {
  { "discover", N_("Discover"), "edit-find-symbolic", PARLA_PAGE_LEARNER, parla_discover_page_get_type },
  { "callnow", N_("Call Now"), "call-start-symbolic", PARLA_PAGE_LEARNER, parla_callnow_page_get_type },
  { "schedule", N_("My Schedule"), "x-office-calendar-symbolic", PARLA_PAGE_LEARNER, parla_schedule_page_get_type },
  { "minutes", N_("Minutes"), "alarm-symbolic", PARLA_PAGE_LEARNER, parla_minutes_page_get_type },
  { "requests", N_("Requests"), "mail-unread-symbolic", PARLA_PAGE_TEACHER, parla_requests_page_get_type },
  { "sessions", N_("Sessions"), "system-users-symbolic", PARLA_PAGE_TEACHER, parla_sessions_page_get_type },
  { "availability", N_("Availability"), "x-office-calendar-symbolic", PARLA_PAGE_TEACHER, parla_availability_page_get_type },
  { "offerings", N_("Offerings"), "view-list-bullet-symbolic", PARLA_PAGE_TEACHER, parla_offerings_page_get_type },
  { "earnings", N_("Earnings"), "x-office-spreadsheet-symbolic", PARLA_PAGE_TEACHER, parla_earnings_page_get_type },
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
