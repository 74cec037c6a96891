/* parla-a11y.c: names GTK 4.8 leaves out of the accessibility tree
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-a11y.h"

static void
collect_buttons (GtkWidget *widget,
                 GPtrArray *buttons)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_BUTTON (child))
        g_ptr_array_add (buttons, child);
      else
        collect_buttons (child, buttons);
    }
}

/* A GtkCalendar's arrow buttons, in the order they come in its header:
 * month back and forward, then year back and forward. */
static void
name_calendar_arrows (GtkWidget *calendar)
{
  const char *names[] = {
    _("Previous Month"), _("Next Month"), _("Previous Year"), _("Next Year"),
  };
  g_autoptr(GPtrArray) buttons = g_ptr_array_new ();

  collect_buttons (calendar, buttons);
  for (guint i = 0; i < buttons->len && i < G_N_ELEMENTS (names); i++)
    gtk_accessible_update_property (GTK_ACCESSIBLE (g_ptr_array_index (buttons, i)),
                                    GTK_ACCESSIBLE_PROPERTY_LABEL, names[i],
                                    -1);
}

static void
label_by (GtkWidget *inner,
          GtkWidget *outer)
{
  gtk_accessible_update_relation (GTK_ACCESSIBLE (inner),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, outer, NULL,
                                  -1);
}

/* A drop-down's button (and a combo row's) has no name of its own in GTK
 * 4.8 and libadwaita 1.2: it is labelled by the drop-down, which has. */
static void
label_inner_buttons (GtkWidget *widget,
                     GtkWidget *outer)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_TOGGLE_BUTTON (child))
        label_by (child, outer);
      else if (!GTK_IS_POPOVER (child))
        label_inner_buttons (child, outer);
    }
}

/**
 * parla_a11y_name_inner_controls:
 * @root: a page or window
 *
 * Gives the controls GTK 4.8 builds inside its own widgets, and leaves
 * without a name a screen reader could say, one: a calendar's arrows
 * ("Previous Month", ...) and a drop-down's button (labelled by the
 * drop-down). Call it once a page's widgets exist; tests/ui/test-a11y.c
 * checks the result over AT-SPI.
 */
void
parla_a11y_name_inner_controls (GtkWidget *root)
{
  g_return_if_fail (GTK_IS_WIDGET (root));

  if (GTK_IS_CALENDAR (root))
    {
      name_calendar_arrows (root);
      return;
    }

  if (GTK_IS_DROP_DOWN (root))
    {
      label_inner_buttons (root, root);
      return;
    }

  for (GtkWidget *child = gtk_widget_get_first_child (root);
       child != NULL;
       child = gtk_widget_get_next_sibling (child))
    parla_a11y_name_inner_controls (child);
}
