/* parla-week-grid.h: a week of bookable hours, drawn, to drag about
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/**
 * ParlaWeekRange:
 * @weekday: ISO 1 (Monday) .. 7 (Sunday)
 * @start: minutes since local midnight
 * @end: minutes since local midnight, up to 1440
 * @invalid: drawn as an error
 *
 * One range of weekly hours, as the week grid and the availability page
 * share them.
 */
typedef struct
{
  int      weekday;
  int      start;
  int      end;
  gboolean invalid;
} ParlaWeekRange;

#define PARLA_TYPE_WEEK_GRID (parla_week_grid_get_type ())

G_DECLARE_FINAL_TYPE (ParlaWeekGrid, parla_week_grid, PARLA, WEEK_GRID, GtkWidget)

GtkWidget *parla_week_grid_new        (void);
void       parla_week_grid_set_ranges (ParlaWeekGrid *self,
                                       GArray        *ranges);

G_END_DECLS
