/* parla-week-grid.c: a week of bookable hours, drawn, to drag about
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-week-grid.h"

/**
 * ParlaWeekGrid:
 *
 * Draws the weekly ranges of an availability as blocks in seven day
 * columns. Dragging a block moves it (to another day, too), dragging its
 * top or bottom edge resizes it, and dragging on an empty stretch makes a
 * new range; everything snaps to a quarter of an hour. The grid edits the
 * #GArray of #ParlaWeekRange it was given in place and says so with
 * #ParlaWeekGrid::changed while dragging and #ParlaWeekGrid::edited once
 * a drag ends or #ParlaWeekGrid::created for a new range. The same edits
 * can be made with the keyboard in the page's time fields.
 */
struct _ParlaWeekGrid
{
  GtkWidget  parent_instance;

  /* owned */
  GArray    *ranges;

  /* the drag */
  int        drag_index;
  int        drag_mode;
  int        drag_weekday;
  int        drag_start;
  int        drag_end;
  int        drag_origin;
};

G_DEFINE_FINAL_TYPE (ParlaWeekGrid, parla_week_grid, GTK_TYPE_WIDGET)

enum {
  CHANGED,
  EDITED,
  CREATED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  DRAG_NONE,
  DRAG_MOVE,
  DRAG_START,
  DRAG_END,
  DRAG_CREATE,
};

#define GUTTER 40.0
#define HEADER 24.0
#define SNAP 15
#define EDGE 6.0

static double
column_width (ParlaWeekGrid *self)
{
  return (gtk_widget_get_width (GTK_WIDGET (self)) - GUTTER) / 7.0;
}

static double
minute_height (ParlaWeekGrid *self)
{
  return (gtk_widget_get_height (GTK_WIDGET (self)) - HEADER) / 1440.0;
}

static int
weekday_at (ParlaWeekGrid *self,
            double         x)
{
  int day = (int) ((x - GUTTER) / column_width (self)) + 1;

  return CLAMP (day, 1, 7);
}

static int
minute_at (ParlaWeekGrid *self,
           double         y)
{
  int minute = (int) ((y - HEADER) / minute_height (self));

  minute = (minute + SNAP / 2) / SNAP * SNAP;
  return CLAMP (minute, 0, 1440);
}

static int
range_at (ParlaWeekGrid *self,
          double         x,
          double         y,
          int           *out_mode)
{
  double cw = column_width (self);
  double mh = minute_height (self);

  if (self->ranges == NULL)
    return -1;

  for (guint i = 0; i < self->ranges->len; i++)
    {
      const ParlaWeekRange *r = &g_array_index (self->ranges, ParlaWeekRange, i);
      double left = GUTTER + (r->weekday - 1) * cw;
      double top = HEADER + r->start * mh;
      double bottom = HEADER + r->end * mh;

      if (x < left || x >= left + cw || y < top - 2 || y > bottom + 2)
        continue;

      if (y - top < EDGE)
        *out_mode = DRAG_START;
      else if (bottom - y < EDGE)
        *out_mode = DRAG_END;
      else
        *out_mode = DRAG_MOVE;
      return i;
    }

  return -1;
}

static void
on_drag_begin_cb (ParlaWeekGrid  *self,
                  double          x,
                  double          y,
                  GtkGestureDrag *gesture)
{
  int mode = DRAG_NONE;
  int index = range_at (self, x, y, &mode);

  self->drag_origin = minute_at (self, y);
  if (index < 0)
    {
      self->drag_mode = DRAG_CREATE;
      self->drag_index = -1;
      self->drag_weekday = weekday_at (self, x);
      self->drag_start = MIN (self->drag_origin / 60 * 60, 1380);
      self->drag_end = self->drag_start + 60;
    }
  else
    {
      const ParlaWeekRange *r = &g_array_index (self->ranges, ParlaWeekRange, index);

      self->drag_mode = mode;
      self->drag_index = index;
      self->drag_weekday = r->weekday;
      self->drag_start = r->start;
      self->drag_end = r->end;
    }

  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_update_cb (ParlaWeekGrid  *self,
                   double          dx,
                   double          dy,
                   GtkGestureDrag *gesture)
{
  double sx, sy;
  int minute, delta, length;
  ParlaWeekRange *r;

  if (self->drag_mode == DRAG_NONE || self->drag_mode == DRAG_CREATE)
    return;

  gtk_gesture_drag_get_start_point (gesture, &sx, &sy);
  minute = minute_at (self, sy + dy);
  delta = minute - self->drag_origin;
  r = &g_array_index (self->ranges, ParlaWeekRange, self->drag_index);

  switch (self->drag_mode)
    {
    case DRAG_MOVE:
      length = self->drag_end - self->drag_start;
      r->start = CLAMP (self->drag_start + delta, 0, 1440 - length);
      r->end = r->start + length;
      r->weekday = weekday_at (self, sx + dx);
      break;

    case DRAG_START:
      r->start = CLAMP (self->drag_start + delta, 0, r->end - SNAP);
      break;

    case DRAG_END:
      r->end = CLAMP (self->drag_end + delta, r->start + SNAP, 1440);
      break;

    default:
      g_assert_not_reached ();
    }

  g_signal_emit (self, signals[CHANGED], 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
on_drag_end_cb (ParlaWeekGrid  *self,
                double          dx,
                double          dy,
                GtkGestureDrag *gesture)
{
  int mode = self->drag_mode;

  self->drag_mode = DRAG_NONE;
  gtk_widget_queue_draw (GTK_WIDGET (self));

  if (mode == DRAG_CREATE)
    {
      /* A click or a short drag on an empty stretch: a new hour there. */
      if (ABS (dx) < column_width (self) / 2)
        g_signal_emit (self, signals[CREATED], 0,
                       self->drag_weekday, self->drag_start, self->drag_end);
      return;
    }

  if (mode != DRAG_NONE)
    g_signal_emit (self, signals[EDITED], 0);
}

static void
append_rounded (GtkSnapshot     *snapshot,
                const graphene_rect_t *rect,
                const GdkRGBA   *color)
{
  GskRoundedRect rounded;

  gsk_rounded_rect_init_from_rect (&rounded, rect, 4);
  gtk_snapshot_push_rounded_clip (snapshot, &rounded);
  gtk_snapshot_append_color (snapshot, color, rect);
  gtk_snapshot_pop (snapshot);
}

static void
parla_week_grid_snapshot (GtkWidget   *widget,
                          GtkSnapshot *snapshot)
{
  ParlaWeekGrid *self = PARLA_WEEK_GRID (widget);
  GtkStyleContext *style = gtk_widget_get_style_context (widget);
  double width = gtk_widget_get_width (widget);
  double cw = column_width (self);
  double mh = minute_height (self);
  GdkRGBA fg, line, accent, error;
  /* Translators: the days of the week, shortened, Monday first */
  const char *days = _("Mon|Tue|Wed|Thu|Fri|Sat|Sun");
  g_auto(GStrv) names = g_strsplit (days, "|", 7);

G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (style, &fg);
  if (!gtk_style_context_lookup_color (style, "accent_bg_color", &accent))
    gdk_rgba_parse (&accent, "#3584e4");
  if (!gtk_style_context_lookup_color (style, "error_bg_color", &error))
    gdk_rgba_parse (&error, "#e01b24");
G_GNUC_END_IGNORE_DEPRECATIONS
  line = fg;
  line.alpha = 0.12;

  for (int hour = 0; hour <= 24; hour += 3)
    {
      double y = HEADER + hour * 60 * mh;
      g_autofree char *text = g_strdup_printf ("%02d:00", hour);
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget, text);
      int lw, lh;

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (GUTTER, y, width - GUTTER, 1));
      if (hour == 24)
        continue;
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (GUTTER - lw - 6, MAX (y - lh / 2.0, HEADER - lh / 2.0)));
      gtk_snapshot_append_layout (snapshot, layout, &(GdkRGBA) { fg.red, fg.green, fg.blue, 0.6 });
      gtk_snapshot_restore (snapshot);
    }

  for (int day = 0; day < 7; day++)
    {
      double x = GUTTER + day * cw;
      g_autoptr(PangoLayout) layout = gtk_widget_create_pango_layout (widget,
                                                                      names[day] != NULL ? names[day] : "");
      int lw, lh;

      gtk_snapshot_append_color (snapshot, &line, &GRAPHENE_RECT_INIT (x, HEADER, 1, 1440 * mh));
      pango_layout_get_pixel_size (layout, &lw, &lh);
      gtk_snapshot_save (snapshot);
      gtk_snapshot_translate (snapshot, &GRAPHENE_POINT_INIT (x + (cw - lw) / 2, (HEADER - lh) / 2));
      gtk_snapshot_append_layout (snapshot, layout, &fg);
      gtk_snapshot_restore (snapshot);
    }

  if (self->ranges != NULL)
    for (guint i = 0; i < self->ranges->len; i++)
      {
        const ParlaWeekRange *r = &g_array_index (self->ranges, ParlaWeekRange, i);
        GdkRGBA color = r->invalid ? error : accent;

        if (r->end <= r->start)
          continue;
        color.alpha = (int) i == self->drag_index && self->drag_mode != DRAG_NONE ? 1.0 : 0.75;
        append_rounded (snapshot,
                        &GRAPHENE_RECT_INIT (GUTTER + (r->weekday - 1) * cw + 2, HEADER + r->start * mh,
                                             cw - 4, (r->end - r->start) * mh),
                        &color);
      }

  if (self->drag_mode == DRAG_CREATE)
    {
      GdkRGBA color = accent;

      color.alpha = 0.35;
      append_rounded (snapshot,
                      &GRAPHENE_RECT_INIT (GUTTER + (self->drag_weekday - 1) * cw + 2,
                                           HEADER + self->drag_start * mh,
                                           cw - 4, (self->drag_end - self->drag_start) * mh),
                      &color);
    }
}

static void
parla_week_grid_measure (GtkWidget      *widget,
                         GtkOrientation  orientation,
                         int             for_size,
                         int            *minimum,
                         int            *natural,
                         int            *minimum_baseline,
                         int            *natural_baseline)
{
  if (orientation == GTK_ORIENTATION_HORIZONTAL)
    {
      *minimum = GUTTER + 7 * 36;
      *natural = GUTTER + 7 * 80;
    }
  else
    {
      *minimum = HEADER + 24 * 12;
      *natural = HEADER + 24 * 14;
    }
}

static void
parla_week_grid_finalize (GObject *object)
{
  ParlaWeekGrid *self = PARLA_WEEK_GRID (object);

  g_clear_pointer (&self->ranges, g_array_unref);

  G_OBJECT_CLASS (parla_week_grid_parent_class)->finalize (object);
}

static void
parla_week_grid_class_init (ParlaWeekGridClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->finalize = parla_week_grid_finalize;
  widget_class->snapshot = parla_week_grid_snapshot;
  widget_class->measure = parla_week_grid_measure;

  /**
   * ParlaWeekGrid::changed:
   *
   * A range is being dragged; the array was changed in place.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * ParlaWeekGrid::edited:
   *
   * A drag ended.
   */
  signals[EDITED] = g_signal_new ("edited", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * ParlaWeekGrid::created:
   * @weekday: ISO weekday
   * @start: minutes since midnight
   * @end: minutes since midnight
   *
   * The user asked for a new range there.
   */
  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                   G_TYPE_INT, G_TYPE_INT, G_TYPE_INT);

  gtk_widget_class_set_css_name (widget_class, "parla-week-grid");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
parla_week_grid_init (ParlaWeekGrid *self)
{
  GtkGesture *drag = gtk_gesture_drag_new ();

  self->drag_index = -1;
  g_signal_connect_object (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (drag, "drag-end", G_CALLBACK (on_drag_end_cb), self, G_CONNECT_SWAPPED);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));

  gtk_accessible_update_property (GTK_ACCESSIBLE (self),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Week overview"),
                                  GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  _("Drag to move or resize hours; the same can be edited in the list below"),
                                  -1);
}

/**
 * parla_week_grid_new:
 *
 * Returns: (transfer floating): a new, empty week grid
 */
GtkWidget *
parla_week_grid_new (void)
{
  return g_object_new (PARLA_TYPE_WEEK_GRID, NULL);
}

/**
 * parla_week_grid_set_ranges:
 * @self: a #ParlaWeekGrid
 * @ranges: (nullable): a #GArray of #ParlaWeekRange, edited in place
 *
 * Shows @ranges and lets the user drag them.
 */
void
parla_week_grid_set_ranges (ParlaWeekGrid *self,
                            GArray        *ranges)
{
  g_return_if_fail (PARLA_IS_WEEK_GRID (self));

  if (ranges != NULL)
    g_array_ref (ranges);
  g_clear_pointer (&self->ranges, g_array_unref);
  self->ranges = ranges;
  self->drag_mode = DRAG_NONE;
  self->drag_index = -1;
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
