/* parla-availability-page.c: the teacher's bookable hours
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-availability-page.h"
#include "parla-format.h"
#include "parla-week-grid.h"
#include "parla-window.h"

/**
 * ParlaAvailabilityPage:
 *
 * The teacher's week: ranges of hours per weekday (dragged in a
 * #ParlaWeekGrid or typed in time fields), date overrides picked on a
 * calendar (a day off, or other hours that date), the rules that turn the
 * hours into slots, and the time zone they are in. A preview lists the
 * slots of the next seven days, computed with parla_availability_compute_slots()
 * over the teacher's commitments (hosted sessions, live lessons), exactly
 * as the server computes them for learners.
 *
 * Hours that overlap or end before they start are marked where they are
 * and cannot be saved. Saving replaces the teacher's availability
 * (`PUT /api/v1/me/availability`); while offline it goes through the
 * outbox, and when a save fails the edits stay. A removed range can be
 * brought back from the toast.
 */
struct _ParlaAvailabilityPage
{
  AdwBin                  parent_instance;

  /* owned */
  ParlaContext           *context;
  GCancellable           *cancellable;   /* the page's lifetime: saving, time zones */
  GCancellable           *load_cancellable;
  GArray                 *weekly;        /* ParlaWeekRange */
  GHashTable             *overrides;     /* "YYYY-MM-DD" -> GArray of ParlaWeekRange */
  ParlaAvailabilityRules  rules;
  char                   *time_zone;
  GArray                 *commitments;   /* ParlaInterval */
  GArray                 *preview;       /* ParlaInterval */
  GtkStringList          *zones;
  char                   *selected_date;
  GPtrArray              *weekly_rows;   /* parallel to weekly */
  GPtrArray              *override_rows; /* parallel to the selected date's ranges */
  GPtrArray              *extra_rows;    /* other rows added to lists, to remove */
  gint64                  preview_from;
  gint64                  preview_to;
  int                     preview_duration;
  guint                   edit_serial;
  guint                   pending_loads;
  guint                   loaded : 1;
  guint                   dirty : 1;
  guint                   saving : 1;
  guint                   valid : 1;
  guint                   updating : 1;

  /* template */
  GtkStack               *stack;
  AdwStatusPage          *error_page;
  ParlaWeekGrid          *week_grid;
  GtkListBox             *weekly_list;
  GtkCalendar            *calendar;
  GtkListBox             *override_list;
  AdwComboRow            *override_mode_row;
  GtkListBox             *overrides_summary_list;
  GtkSpinButton          *lead_spin;
  GtkSpinButton          *buffer_before_spin;
  GtkSpinButton          *buffer_after_spin;
  GtkSpinButton          *max_per_day_spin;
  GtkSpinButton          *horizon_spin;
  GtkSpinButton          *granularity_spin;
  GtkDropDown            *zone_dropdown;
  AdwPreferencesGroup    *preview_group;
  GtkListBox             *preview_list;
  GtkSpinButton          *duration_spin;
  GtkLabel               *status_label;

  AdwExpanderRow         *day_rows[7];
};

G_DEFINE_FINAL_TYPE (ParlaAvailabilityPage, parla_availability_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define DAY (24 * 60 * 60)
#define PREVIEW_DAYS 7

enum {
  MODE_WEEKLY,
  MODE_DAY_OFF,
  MODE_OTHER_HOURS,
};

static void rebuild_weekly_rows   (ParlaAvailabilityPage *self);
static void rebuild_override_rows (ParlaAvailabilityPage *self);
static void edited                (ParlaAvailabilityPage *self);
static void load                  (ParlaAvailabilityPage *self);

/* Helpers */

static const char *
weekday_name (int weekday)
{
  switch (weekday)
    {
    case 1: return _("Monday");
    case 2: return _("Tuesday");
    case 3: return _("Wednesday");
    case 4: return _("Thursday");
    case 5: return _("Friday");
    case 6: return _("Saturday");
    case 7: return _("Sunday");
    default: g_return_val_if_reached ("");
    }
}

static GArray *
range_array_new (void)
{
  return g_array_new (FALSE, TRUE, sizeof (ParlaWeekRange));
}

static int
compare_ranges (gconstpointer a,
                gconstpointer b)
{
  const ParlaWeekRange *ra = a;
  const ParlaWeekRange *rb = b;

  if (ra->weekday != rb->weekday)
    return ra->weekday - rb->weekday;
  if (ra->start != rb->start)
    return ra->start - rb->start;
  return ra->end - rb->end;
}

static char *
describe_ranges (GArray *ranges,
                 int     weekday)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < ranges->len; i++)
    {
      const ParlaWeekRange *r = &g_array_index (ranges, ParlaWeekRange, i);
      g_autofree char *start = NULL;
      g_autofree char *end = NULL;

      if (weekday != 0 && r->weekday != weekday)
        continue;
      start = parla_time_format_hhmm (r->start);
      end = parla_time_format_hhmm (r->end);
      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append_printf (text, "%s–%s", start, end);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static GArray *
selected_ranges (ParlaAvailabilityPage *self)
{
  if (self->selected_date == NULL)
    return NULL;
  return g_hash_table_lookup (self->overrides, self->selected_date);
}

static char *
format_date_key (const char *key,
                 gboolean    long_form)
{
  int year, month, day;
  g_autoptr(GDateTime) date = NULL;

  if (!parla_date_parse (key, &year, &month, &day, NULL))
    return g_strdup (key);
  date = g_date_time_new_local (year, month, day, 12, 0, 0);
  /* Translators: a date, see the strftime manual */
  return long_form ? g_date_time_format (date, _("%A %e %B %Y")) : parla_format_date (date);
}

/* Marks overlapping and backwards ranges of one list (weekly: per weekday)
 * and returns whether all are fine. */
static gboolean
check_ranges (GArray *ranges)
{
  g_autoptr(GArray) order = g_array_new (FALSE, FALSE, sizeof (guint));
  gboolean ok = TRUE;

  for (guint i = 0; i < ranges->len; i++)
    {
      ParlaWeekRange *r = &g_array_index (ranges, ParlaWeekRange, i);

      r->invalid = r->end <= r->start || r->start < 0 || r->end > 1440;
      ok = ok && !r->invalid;
      g_array_append_val (order, i);
    }

  for (guint i = 0; i < order->len; i++)
    for (guint j = i + 1; j < order->len; j++)
      {
        ParlaWeekRange *a = &g_array_index (ranges, ParlaWeekRange, g_array_index (order, guint, i));
        ParlaWeekRange *b = &g_array_index (ranges, ParlaWeekRange, g_array_index (order, guint, j));

        if (a->weekday == b->weekday && a->start < b->end && b->start < a->end)
          {
            a->invalid = b->invalid = TRUE;
            ok = FALSE;
          }
      }

  return ok;
}

static const char *
range_problem (GArray *ranges,
               guint   index)
{
  const ParlaWeekRange *r = &g_array_index (ranges, ParlaWeekRange, index);

  if (!r->invalid)
    return NULL;
  if (r->end <= r->start)
    return _("Ends before it starts");
  return _("Overlaps other hours that day");
}

/* The model as a document the server takes; NULL while invalid. */
static ParlaAvailability *
build_availability (ParlaAvailabilityPage  *self,
                    GError                **error)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  GHashTableIter iter;
  gpointer key, value;

  availability = parla_availability_new (self->time_zone, error);
  if (availability == NULL)
    return NULL;

  for (guint i = 0; i < self->weekly->len; i++)
    {
      const ParlaWeekRange *r = &g_array_index (self->weekly, ParlaWeekRange, i);

      parla_availability_add_weekly (availability, r->weekday, r->start, r->end);
    }

  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      GArray *ranges = value;
      int year, month, day;

      if (!parla_date_parse (key, &year, &month, &day, error))
        return NULL;

      if (ranges->len == 0)
        parla_availability_add_day_off (availability, year, month, day);
      for (guint i = 0; i < ranges->len; i++)
        {
          const ParlaWeekRange *r = &g_array_index (ranges, ParlaWeekRange, i);

          parla_availability_add_override (availability, year, month, day, r->start, r->end);
        }
    }

  parla_availability_set_rules (availability, &self->rules);
  return g_steal_pointer (&availability);
}

static gboolean
parse_ranges (JsonArray *array,
              GArray    *into,
              gboolean   weekly)
{
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *object = json_array_get_object_element (array, i);
      ParlaWeekRange r = { 0, };

      if (object == NULL ||
          !parla_time_parse_hhmm (json_object_get_string_member_with_default (object, "start", ""),
                                  FALSE, &r.start, NULL) ||
          !parla_time_parse_hhmm (json_object_get_string_member_with_default (object, "end", ""),
                                  TRUE, &r.end, NULL))
        return FALSE;
      if (weekly)
        r.weekday = json_object_get_int_member_with_default (object, "weekday", 1);
      g_array_append_val (into, r);
    }

  return TRUE;
}

/* Takes the model from @availability, as the server stored it. */
static void
set_model (ParlaAvailabilityPage *self,
           ParlaAvailability     *availability)
{
  g_autoptr(JsonNode) node = parla_availability_to_json (availability);
  JsonObject *object = json_node_get_object (node);
  JsonArray *overrides;

  g_array_set_size (self->weekly, 0);
  g_hash_table_remove_all (self->overrides);

  if (json_object_has_member (object, "weekly"))
    parse_ranges (json_object_get_array_member (object, "weekly"), self->weekly, TRUE);
  g_array_sort (self->weekly, compare_ranges);

  overrides = json_object_has_member (object, "overrides")
    ? json_object_get_array_member (object, "overrides") : NULL;
  for (guint i = 0; overrides != NULL && i < json_array_get_length (overrides); i++)
    {
      JsonObject *item = json_array_get_object_element (overrides, i);
      g_autoptr(GArray) ranges = range_array_new ();

      if (item == NULL || !json_object_has_member (item, "date"))
        continue;
      if (json_object_has_member (item, "ranges"))
        parse_ranges (json_object_get_array_member (item, "ranges"), ranges, FALSE);
      g_hash_table_insert (self->overrides,
                           g_strdup (json_object_get_string_member (item, "date")),
                           g_steal_pointer (&ranges));
    }

  self->rules = *parla_availability_get_rules (availability);
  g_free (self->time_zone);
  self->time_zone = g_strdup (parla_availability_get_time_zone (availability));
}

static void
update_actions (ParlaAvailabilityPage *self)
{
  gboolean can_edit = self->loaded && !self->saving;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "availability.save",
                                 can_edit && self->dirty && self->valid);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "availability.revert",
                                 can_edit && self->dirty);
}

static void
update_status (ParlaAvailabilityPage *self)
{
  const char *text = "";

  if (!self->valid)
    text = _("Some hours overlap or end before they start: fix the marked times to save.");
  else if (self->saving)
    text = _("Saving…");
  else if (self->dirty)
    text = _("Unsaved changes");

  gtk_label_set_label (self->status_label, text);
  if (self->valid)
    gtk_widget_remove_css_class (GTK_WIDGET (self->status_label), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (self->status_label), "error");
  update_actions (self);
}

static void
mark_row (GtkWidget  *row,
          const char *problem)
{
  GtkWidget *label = g_object_get_data (G_OBJECT (row), "problem-label");
  const char *spins[] = { "start-spin", "end-spin" };

  gtk_label_set_label (GTK_LABEL (label), problem != NULL ? problem : "");
  gtk_widget_set_visible (label, problem != NULL);
  for (guint i = 0; i < G_N_ELEMENTS (spins); i++)
    {
      GtkWidget *spin = g_object_get_data (G_OBJECT (row), spins[i]);

      if (problem != NULL)
        gtk_widget_add_css_class (spin, "error");
      else
        gtk_widget_remove_css_class (spin, "error");
    }
}

static void
update_summaries (ParlaAvailabilityPage *self)
{
  for (int day = 1; day <= 7; day++)
    {
      g_autofree char *text = describe_ranges (self->weekly, day);
      gboolean bad = FALSE;

      for (guint i = 0; i < self->weekly->len; i++)
        {
          const ParlaWeekRange *r = &g_array_index (self->weekly, ParlaWeekRange, i);

          bad = bad || (r->weekday == day && r->invalid);
        }

      if (bad)
        adw_expander_row_set_subtitle (self->day_rows[day - 1], _("Overlapping or backwards hours"));
      else
        adw_expander_row_set_subtitle (self->day_rows[day - 1], *text != '\0' ? text : _("Unavailable"));
      if (bad)
        gtk_widget_add_css_class (GTK_WIDGET (self->day_rows[day - 1]), "error");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->day_rows[day - 1]), "error");
    }
}

static void
validate (ParlaAvailabilityPage *self)
{
  GHashTableIter iter;
  gpointer value;
  GArray *selected = selected_ranges (self);
  gboolean ok = check_ranges (self->weekly);

  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    ok = check_ranges (value) && ok;
  self->valid = ok;

  for (guint i = 0; i < self->weekly_rows->len && i < self->weekly->len; i++)
    mark_row (g_ptr_array_index (self->weekly_rows, i), range_problem (self->weekly, i));
  for (guint i = 0; selected != NULL && i < self->override_rows->len && i < selected->len; i++)
    mark_row (g_ptr_array_index (self->override_rows, i), range_problem (selected, i));

  update_summaries (self);
  gtk_widget_queue_draw (GTK_WIDGET (self->week_grid));
  update_status (self);
}

static void
set_preview_message (ParlaAvailabilityPage *self,
                     const char            *message)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message);
  gtk_list_box_append (self->preview_list, row);
  g_ptr_array_add (self->extra_rows, row);
  g_object_set_data (G_OBJECT (row), "list", self->preview_list);
}

static void
clear_rows_of (ParlaAvailabilityPage *self,
               GtkListBox            *list)
{
  for (guint i = self->extra_rows->len; i > 0; i--)
    {
      GtkWidget *row = g_ptr_array_index (self->extra_rows, i - 1);

      if (g_object_get_data (G_OBJECT (row), "list") != list)
        continue;
      gtk_list_box_remove (list, row);
      g_ptr_array_remove_index (self->extra_rows, i - 1);
    }
}

static void
update_preview (ParlaAvailabilityPage *self)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GError) error = NULL;
  GTimeZone *zone;
  gint64 now = parla_time_now ();
  int duration = gtk_spin_button_get_value_as_int (self->duration_spin);
  g_autofree char *description = NULL;

  clear_rows_of (self, self->preview_list);
  g_clear_pointer (&self->preview, g_array_unref);

  if (!self->loaded)
    return;

  if (!self->valid)
    {
      set_preview_message (self, _("Fix the marked hours to see the preview"));
      return;
    }

  availability = build_availability (self, &error);
  if (availability == NULL)
    {
      set_preview_message (self, error->message);
      return;
    }

  self->preview_from = now;
  self->preview_to = now + PREVIEW_DAYS * DAY;
  self->preview_duration = duration;
  self->preview = parla_availability_compute_slots (availability,
                                                    (const ParlaInterval *) (gpointer) self->commitments->data,
                                                    self->commitments->len,
                                                    self->preview_from, self->preview_to,
                                                    duration, now);
  zone = parla_availability_get_zone (availability);

  description = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                              "%u time learners can book in the next 7 days, in %s",
                                              "%u times learners can book in the next 7 days, in %s",
                                              self->preview->len),
                                 self->preview->len, self->time_zone);
  adw_preferences_group_set_description (self->preview_group, description);

  if (self->preview->len == 0)
    {
      set_preview_message (self, _("No bookable times in the next 7 days"));
      return;
    }

  for (guint i = 0; i < self->preview->len;)
    {
      const ParlaInterval *first = &g_array_index (self->preview, ParlaInterval, i);
      g_autoptr(GDateTime) day = g_date_time_new_from_unix_utc (first->start);
      g_autoptr(GDateTime) local_day = g_date_time_to_timezone (day, zone);
      g_autoptr(GString) times = g_string_new (NULL);
      g_autofree char *title = parla_format_date (local_day);
      GtkWidget *row;

      for (; i < self->preview->len; i++)
        {
          const ParlaInterval *slot = &g_array_index (self->preview, ParlaInterval, i);
          g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (slot->start);
          g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
          g_autofree char *time = NULL;

          if (g_date_time_get_day_of_year (local) != g_date_time_get_day_of_year (local_day))
            break;
          time = parla_format_time (local);
          if (times->len > 0)
            g_string_append (times, "  ");
          g_string_append (times, time);
        }

      row = adw_action_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), times->str);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
      gtk_list_box_append (self->preview_list, row);
      g_ptr_array_add (self->extra_rows, row);
      g_object_set_data (G_OBJECT (row), "list", self->preview_list);
    }
}

static void
update_overrides_summary (ParlaAvailabilityPage *self);

static void
update_calendar_marks (ParlaAvailabilityPage *self)
{
  g_autoptr(GDateTime) shown = gtk_calendar_get_date (self->calendar);
  GHashTableIter iter;
  gpointer key;

  gtk_calendar_clear_marks (self->calendar);
  g_hash_table_iter_init (&iter, self->overrides);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      int year, month, day;

      if (parla_date_parse (key, &year, &month, &day, NULL) &&
          year == g_date_time_get_year (shown) && month == g_date_time_get_month (shown))
        gtk_calendar_mark_day (self->calendar, day);
    }
}

/* After any edit: the marks, the grid, the preview, the buttons. */
static void
edited (ParlaAvailabilityPage *self)
{
  self->dirty = TRUE;
  self->edit_serial++;
  validate (self);
  update_preview (self);
}

/* Time fields */

static gboolean
on_time_output_cb (GtkSpinButton *spin)
{
  g_autofree char *text = parla_time_format_hhmm (gtk_spin_button_get_value_as_int (spin));

  if (g_strcmp0 (gtk_editable_get_text (GTK_EDITABLE (spin)), text) != 0)
    gtk_editable_set_text (GTK_EDITABLE (spin), text);
  return TRUE;
}

static int
on_time_input_cb (GtkSpinButton *spin,
                  double        *new_value)
{
  int minutes;

  if (!parla_time_parse_hhmm (gtk_editable_get_text (GTK_EDITABLE (spin)), TRUE, &minutes, NULL))
    return GTK_INPUT_ERROR;
  *new_value = minutes;
  return TRUE;
}

static void
on_time_changed_cb (ParlaAvailabilityPage *self,
                    GtkSpinButton         *spin)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (spin), "range-row");
  GArray *ranges = g_object_get_data (G_OBJECT (row), "weekly") != NULL ? self->weekly : selected_ranges (self);
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));
  ParlaWeekRange *r;

  if (self->updating || ranges == NULL || index >= ranges->len)
    return;

  r = &g_array_index (ranges, ParlaWeekRange, index);
  if (spin == g_object_get_data (G_OBJECT (row), "start-spin"))
    r->start = gtk_spin_button_get_value_as_int (spin);
  else
    r->end = gtk_spin_button_get_value_as_int (spin);
  edited (self);
}

static GtkWidget *
make_time_spin (ParlaAvailabilityPage *self,
                GtkWidget             *row,
                int                    value,
                const char            *accessible_label)
{
  GtkAdjustment *adjustment = gtk_adjustment_new (value, 0, 1440, 15, 60, 0);
  GtkWidget *spin = gtk_spin_button_new (adjustment, 1, 0);

  gtk_editable_set_width_chars (GTK_EDITABLE (spin), 5);
  gtk_widget_set_valign (spin, GTK_ALIGN_CENTER);
  gtk_spin_button_set_update_policy (GTK_SPIN_BUTTON (spin), GTK_UPDATE_IF_VALID);
  gtk_accessible_update_property (GTK_ACCESSIBLE (spin), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  accessible_label, -1);
  g_object_set_data (G_OBJECT (spin), "range-row", row);
  g_signal_connect (spin, "output", G_CALLBACK (on_time_output_cb), NULL);
  g_signal_connect (spin, "input", G_CALLBACK (on_time_input_cb), NULL);
  on_time_output_cb (GTK_SPIN_BUTTON (spin));
  g_signal_connect_object (spin, "value-changed", G_CALLBACK (on_time_changed_cb), self,
                           G_CONNECT_SWAPPED);
  return spin;
}

static void
on_undo_remove_cb (ParlaAvailabilityPage *self,
                   AdwToast              *toast)
{
  const ParlaWeekRange *range = g_object_get_data (G_OBJECT (toast), "range");
  const char *date = g_object_get_data (G_OBJECT (toast), "date");
  GArray *ranges = self->weekly;

  if (date != NULL)
    {
      ranges = g_hash_table_lookup (self->overrides, date);
      if (ranges == NULL)
        {
          ranges = range_array_new ();
          g_hash_table_insert (self->overrides, g_strdup (date), ranges);
        }
    }

  g_array_append_val (ranges, *range);
  if (date == NULL)
    {
      g_array_sort (self->weekly, compare_ranges);
      rebuild_weekly_rows (self);
    }
  else
    {
      rebuild_override_rows (self);
    }
  edited (self);
}

static void
on_remove_clicked_cb (ParlaAvailabilityPage *self,
                      GtkButton             *button)
{
  GtkWidget *row = g_object_get_data (G_OBJECT (button), "range-row");
  gboolean weekly = g_object_get_data (G_OBJECT (row), "weekly") != NULL;
  GArray *ranges = weekly ? self->weekly : selected_ranges (self);
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (row), "index"));
  ParlaWeekRange *removed;
  g_autofree char *start = NULL;
  g_autofree char *end = NULL;
  AdwToast *toast;
  GtkRoot *root;

  if (ranges == NULL || index >= ranges->len)
    return;

  removed = g_memdup2 (&g_array_index (ranges, ParlaWeekRange, index), sizeof *removed);
  g_array_remove_index (ranges, index);
  start = parla_time_format_hhmm (removed->start);
  end = parla_time_format_hhmm (removed->end);

  if (weekly)
    {
      rebuild_weekly_rows (self);
      /* Translators: "Removed Monday 09:00–13:00" */
      toast = adw_toast_new_format (_("Removed %s %s–%s"), weekday_name (removed->weekday), start, end);
      gtk_widget_grab_focus (GTK_WIDGET (self->day_rows[removed->weekday - 1]));
    }
  else
    {
      g_autofree char *date = format_date_key (self->selected_date, FALSE);

      rebuild_override_rows (self);
      gtk_widget_grab_focus (GTK_WIDGET (self->override_mode_row));
      toast = adw_toast_new_format (_("Removed %s %s–%s"), date, start, end);
      g_object_set_data_full (G_OBJECT (toast), "date", g_strdup (self->selected_date), g_free);
    }
  edited (self);

  g_object_set_data_full (G_OBJECT (toast), "range", removed, g_free);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 8);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_undo_remove_cb), self,
                           G_CONNECT_SWAPPED);

  root = gtk_widget_get_root (GTK_WIDGET (self));
  if (PARLA_IS_WINDOW (root))
    parla_window_add_toast (PARLA_WINDOW (root), toast);
  else
    g_object_unref (toast);
}

static GtkWidget *
make_range_row (ParlaAvailabilityPage *self,
                const ParlaWeekRange  *range,
                guint                  index,
                gboolean               weekly,
                const char            *what)
{
  GtkWidget *row = gtk_list_box_row_new ();
  GtkWidget *outer = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *dash = gtk_label_new ("–");
  GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");
  GtkWidget *problem = gtk_label_new (NULL);
  g_autofree char *start_label = g_strdup_printf (_("%s, from"), what);
  g_autofree char *end_label = g_strdup_printf (_("%s, until"), what);
  g_autofree char *remove_label = g_strdup_printf (_("Remove these hours on %s"), what);
  GtkWidget *start, *end;

  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  g_object_set_data (G_OBJECT (row), "index", GUINT_TO_POINTER (index));
  g_object_set_data (G_OBJECT (row), "weekly", GINT_TO_POINTER (weekly));

  start = make_time_spin (self, row, range->start, start_label);
  end = make_time_spin (self, row, range->end, end_label);
  g_object_set_data (G_OBJECT (row), "start-spin", start);
  g_object_set_data (G_OBJECT (row), "end-spin", end);
  g_object_set_data (G_OBJECT (row), "problem-label", problem);

  gtk_widget_set_margin_start (outer, 12);
  gtk_widget_set_margin_end (outer, 12);
  gtk_widget_set_margin_top (outer, 6);
  gtk_widget_set_margin_bottom (outer, 6);
  gtk_accessible_update_property (GTK_ACCESSIBLE (dash), GTK_ACCESSIBLE_PROPERTY_LABEL, _("until"), -1);

  gtk_widget_set_tooltip_text (remove, _("Remove"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
  gtk_widget_add_css_class (remove, "flat");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_hexpand (remove, TRUE);
  gtk_widget_set_halign (remove, GTK_ALIGN_END);
  g_object_set_data (G_OBJECT (remove), "range-row", row);
  g_signal_connect_object (remove, "clicked", G_CALLBACK (on_remove_clicked_cb), self, G_CONNECT_SWAPPED);

  gtk_label_set_xalign (GTK_LABEL (problem), 0);
  gtk_label_set_wrap (GTK_LABEL (problem), TRUE);
  gtk_widget_add_css_class (problem, "error");
  gtk_widget_add_css_class (problem, "caption");
  gtk_widget_set_visible (problem, FALSE);

  gtk_box_append (GTK_BOX (box), start);
  gtk_box_append (GTK_BOX (box), dash);
  gtk_box_append (GTK_BOX (box), end);
  gtk_box_append (GTK_BOX (box), remove);
  gtk_box_append (GTK_BOX (outer), box);
  gtk_box_append (GTK_BOX (outer), problem);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), outer);

  return row;
}

static void
rebuild_weekly_rows (ParlaAvailabilityPage *self)
{
  self->updating = TRUE;

  for (guint i = 0; i < self->weekly_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->weekly_rows, i);
      int day = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (row), "day"));

      adw_expander_row_remove (self->day_rows[day - 1], row);
    }
  g_ptr_array_set_size (self->weekly_rows, 0);

  for (guint i = 0; i < self->weekly->len; i++)
    {
      const ParlaWeekRange *r = &g_array_index (self->weekly, ParlaWeekRange, i);
      GtkWidget *row = make_range_row (self, r, i, TRUE, weekday_name (r->weekday));

      g_object_set_data (G_OBJECT (row), "day", GINT_TO_POINTER (r->weekday));
      adw_expander_row_add_row (self->day_rows[r->weekday - 1], row);
      g_ptr_array_add (self->weekly_rows, row);
    }

  parla_week_grid_set_ranges (self->week_grid, self->weekly);
  self->updating = FALSE;
}

static void
on_add_override_clicked_cb (ParlaAvailabilityPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "availability.add-override-range", NULL);
}

static void
rebuild_override_rows (ParlaAvailabilityPage *self)
{
  GArray *ranges = selected_ranges (self);
  g_autofree char *title = NULL;
  guint mode;

  self->updating = TRUE;

  for (guint i = 0; i < self->override_rows->len; i++)
    gtk_list_box_remove (self->override_list, g_ptr_array_index (self->override_rows, i));
  g_ptr_array_set_size (self->override_rows, 0);
  clear_rows_of (self, self->override_list);

  title = self->selected_date != NULL ? format_date_key (self->selected_date, TRUE) : g_strdup ("");
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->override_mode_row), title);
  mode = ranges == NULL ? MODE_WEEKLY : ranges->len == 0 ? MODE_DAY_OFF : MODE_OTHER_HOURS;
  adw_combo_row_set_selected (self->override_mode_row, mode);

  if (ranges != NULL && ranges->len > 0)
    {
      GtkWidget *row = gtk_list_box_row_new ();
      GtkWidget *button = gtk_button_new_with_mnemonic (_("Add _Hours"));

      for (guint i = 0; i < ranges->len; i++)
        {
          GtkWidget *range_row = make_range_row (self, &g_array_index (ranges, ParlaWeekRange, i), i,
                                                 FALSE, title);

          gtk_list_box_append (self->override_list, range_row);
          g_ptr_array_add (self->override_rows, range_row);
        }

      gtk_widget_set_halign (button, GTK_ALIGN_START);
      gtk_widget_set_margin_start (button, 12);
      gtk_widget_set_margin_top (button, 6);
      gtk_widget_set_margin_bottom (button, 6);
      gtk_widget_add_css_class (button, "flat");
      g_signal_connect_object (button, "clicked", G_CALLBACK (on_add_override_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
      gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), button);
      gtk_list_box_append (self->override_list, row);
      g_ptr_array_add (self->extra_rows, row);
      g_object_set_data (G_OBJECT (row), "list", self->override_list);
    }

  update_overrides_summary (self);
  update_calendar_marks (self);
  self->updating = FALSE;
}

static void
on_summary_remove_clicked_cb (ParlaAvailabilityPage *self,
                              GtkButton             *button)
{
  const char *date = g_object_get_data (G_OBJECT (button), "date");

  g_hash_table_remove (self->overrides, date);
  rebuild_override_rows (self);
  edited (self);
}

static void
on_summary_activated_cb (ParlaAvailabilityPage *self,
                         AdwActionRow          *row)
{
  const char *date = g_object_get_data (G_OBJECT (row), "date");
  int year, month, day;
  g_autoptr(GDateTime) when = NULL;

  if (!parla_date_parse (date, &year, &month, &day, NULL))
    return;
  when = g_date_time_new_local (year, month, day, 12, 0, 0);
  gtk_calendar_select_day (self->calendar, when);
  gtk_widget_grab_focus (GTK_WIDGET (self->override_mode_row));
}

static void
update_overrides_summary (ParlaAvailabilityPage *self)
{
  g_autoptr(GList) keys = g_hash_table_get_keys (self->overrides);

  clear_rows_of (self, self->overrides_summary_list);
  keys = g_list_sort (keys, (GCompareFunc) g_strcmp0);
  gtk_widget_set_visible (GTK_WIDGET (self->overrides_summary_list), keys != NULL);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      GArray *ranges = g_hash_table_lookup (self->overrides, l->data);
      g_autofree char *title = format_date_key (l->data, FALSE);
      g_autofree char *hours = describe_ranges (ranges, 0);
      g_autofree char *remove_label = g_strdup_printf (_("Use the usual hours on %s"), title);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("edit-clear-symbolic");

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), ranges->len == 0 ? _("Day off") : hours);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "date", g_strdup (l->data), g_free);
      g_signal_connect_object (row, "activated", G_CALLBACK (on_summary_activated_cb), self,
                               G_CONNECT_SWAPPED);

      gtk_widget_set_tooltip_text (remove, _("Use the usual hours"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL, remove_label, -1);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      g_object_set_data_full (G_OBJECT (remove), "date", g_strdup (l->data), g_free);
      g_signal_connect_object (remove, "clicked", G_CALLBACK (on_summary_remove_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);

      gtk_list_box_append (self->overrides_summary_list, row);
      g_ptr_array_add (self->extra_rows, row);
      g_object_set_data (G_OBJECT (row), "list", self->overrides_summary_list);
    }
}

static void
update_rule_fields (ParlaAvailabilityPage *self)
{
  guint n_zones = g_list_model_get_n_items (G_LIST_MODEL (self->zones));
  guint position = GTK_INVALID_LIST_POSITION;

  self->updating = TRUE;
  gtk_spin_button_set_value (self->lead_spin, self->rules.lead_time_minutes);
  gtk_spin_button_set_value (self->buffer_before_spin, self->rules.buffer_before_minutes);
  gtk_spin_button_set_value (self->buffer_after_spin, self->rules.buffer_after_minutes);
  gtk_spin_button_set_value (self->max_per_day_spin, self->rules.max_per_day);
  gtk_spin_button_set_value (self->horizon_spin, self->rules.horizon_days);
  gtk_spin_button_set_value (self->granularity_spin, self->rules.granularity_minutes);

  for (guint i = 0; i < n_zones && self->time_zone != NULL; i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->zones, i), self->time_zone) == 0)
      position = i;
  if (position == GTK_INVALID_LIST_POSITION && self->time_zone != NULL)
    {
      gtk_string_list_append (self->zones, self->time_zone);
      position = n_zones;
    }
  gtk_drop_down_set_selected (self->zone_dropdown, position);
  self->updating = FALSE;
}

/* Shows the model as it is now, from scratch. */
static void
show_model (ParlaAvailabilityPage *self)
{
  rebuild_weekly_rows (self);
  rebuild_override_rows (self);
  update_rule_fields (self);
  validate (self);
  update_preview (self);
}

static void
on_week_grid_changed_cb (ParlaAvailabilityPage *self)
{
  self->dirty = TRUE;
  self->edit_serial++;
  validate (self);
}

static void
on_week_grid_edited_cb (ParlaAvailabilityPage *self)
{
  g_array_sort (self->weekly, compare_ranges);
  rebuild_weekly_rows (self);
  edited (self);
}

static void
on_week_grid_created_cb (ParlaAvailabilityPage *self,
                         int                    weekday,
                         int                    start,
                         int                    end)
{
  ParlaWeekRange range = { weekday, start, end, FALSE };

  if (!self->loaded)
    return;

  g_array_append_val (self->weekly, range);
  g_array_sort (self->weekly, compare_ranges);
  rebuild_weekly_rows (self);
  adw_expander_row_set_expanded (self->day_rows[weekday - 1], TRUE);
  edited (self);
}

static void
on_calendar_changed_cb (ParlaAvailabilityPage *self)
{
  g_autoptr(GDateTime) date = gtk_calendar_get_date (self->calendar);
  g_autofree char *key = g_date_time_format (date, "%Y-%m-%d");

  if (g_strcmp0 (key, self->selected_date) != 0)
    {
      g_free (self->selected_date);
      self->selected_date = g_steal_pointer (&key);
      rebuild_override_rows (self);
    }
  update_calendar_marks (self);
}

static void
on_override_mode_changed_cb (ParlaAvailabilityPage *self)
{
  guint mode = adw_combo_row_get_selected (self->override_mode_row);
  GArray *ranges = selected_ranges (self);
  guint current = ranges == NULL ? MODE_WEEKLY : ranges->len == 0 ? MODE_DAY_OFF : MODE_OTHER_HOURS;

  if (self->updating || self->selected_date == NULL || mode == current)
    return;

  switch (mode)
    {
    case MODE_WEEKLY:
      g_hash_table_remove (self->overrides, self->selected_date);
      break;

    case MODE_DAY_OFF:
      g_hash_table_insert (self->overrides, g_strdup (self->selected_date), range_array_new ());
      break;

    case MODE_OTHER_HOURS:
      {
        GArray *hours = range_array_new ();
        ParlaWeekRange range = { 0, 9 * 60, 12 * 60, FALSE };

        g_array_append_val (hours, range);
        g_hash_table_insert (self->overrides, g_strdup (self->selected_date), hours);
      }
      break;

    default:
      return;
    }

  rebuild_override_rows (self);
  edited (self);
}

static void
on_rule_changed_cb (ParlaAvailabilityPage *self)
{
  if (self->updating)
    return;

  self->rules.lead_time_minutes = gtk_spin_button_get_value_as_int (self->lead_spin);
  self->rules.buffer_before_minutes = gtk_spin_button_get_value_as_int (self->buffer_before_spin);
  self->rules.buffer_after_minutes = gtk_spin_button_get_value_as_int (self->buffer_after_spin);
  self->rules.max_per_day = gtk_spin_button_get_value_as_int (self->max_per_day_spin);
  self->rules.horizon_days = gtk_spin_button_get_value_as_int (self->horizon_spin);
  self->rules.granularity_minutes = gtk_spin_button_get_value_as_int (self->granularity_spin);
  edited (self);
}

static void
on_zone_changed_cb (ParlaAvailabilityPage *self)
{
  guint position = gtk_drop_down_get_selected (self->zone_dropdown);
  const char *zone;

  if (self->updating || position == GTK_INVALID_LIST_POSITION)
    return;

  zone = gtk_string_list_get_string (self->zones, position);
  if (zone == NULL || g_strcmp0 (zone, self->time_zone) == 0)
    return;

  g_free (self->time_zone);
  self->time_zone = g_strdup (zone);
  edited (self);
}

/* Loading */

static void
finish_load_step (ParlaAvailabilityPage *self)
{
  g_assert (self->pending_loads > 0);

  if (--self->pending_loads > 0)
    return;

  if (self->time_zone == NULL)
    return;

  self->loaded = TRUE;
  gtk_stack_set_visible_child_name (self->stack, "content");
  show_model (self);
}

static void
show_load_error (ParlaAvailabilityPage *self,
                 const GError          *error)
{
  if (self->loaded)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  adw_status_page_set_description (self->error_page, error->message);
  gtk_stack_set_visible_child_name (self->stack, "error");
  parla_widget_show_error (GTK_WIDGET (self), error);
}

static void
add_commitment (ParlaAvailabilityPage *self,
                gint64                 start,
                gint64                 end)
{
  ParlaInterval interval = { start, end };

  g_array_append_val (self->commitments, interval);
}

static void fetch_commitments (ParlaAvailabilityPage *self,
                               gboolean               bookings,
                               int                    page);

static void
on_commitments_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(GError) error = NULL;
  ParlaAvailabilityPage *self;
  gboolean bookings = g_task_get_source_tag (G_TASK (result)) == parla_api_client_list_my_bookings_async;

  page = bookings ? parla_api_client_list_my_bookings_finish (client, result, &error)
                  : parla_api_client_list_sessions_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_AVAILABILITY_PAGE (user_data);
  if (page == NULL)
    {
      /* The preview lacks what is booked, but the hours can be edited. */
      parla_widget_show_error (GTK_WIDGET (self), error);
      finish_load_step (self);
      return;
    }

  for (guint i = 0; i < parla_api_page_get_n_items (page); i++)
    {
      gpointer item = parla_api_page_get_item (page, i);

      if (bookings)
        {
          ParlaBooking *booking = item;
          ParlaBookingStatus status = parla_booking_get_status (booking);

          if (parla_booking_get_kind (booking) == PARLA_BOOKING_KIND_LESSON &&
              (status == PARLA_BOOKING_CONFIRMED || status == PARLA_BOOKING_PENDING ||
               status == PARLA_BOOKING_PAYMENT_PENDING))
            add_commitment (self, parla_booking_get_start (booking), parla_booking_get_end (booking));
        }
      else
        {
          ParlaSession *session = item;

          if (parla_session_get_status (session) == PARLA_SESSION_STATUS_SCHEDULED)
            add_commitment (self, parla_session_get_start (session), parla_session_get_end (session));
        }
    }

  if ((gint64) parla_api_page_get_page (page) * parla_api_page_get_limit (page) < parla_api_page_get_total (page) &&
      parla_api_page_get_n_items (page) > 0)
    {
      fetch_commitments (self, bookings, parla_api_page_get_page (page) + 1);
      return;
    }

  finish_load_step (self);
}

/* Hosted sessions and live lessons around the preview's days, as the
 * server counts them (parla_teacher_commitments). */
static void
fetch_commitments (ParlaAvailabilityPage *self,
                   gboolean               bookings,
                   int                    page)
{
  ParlaApiClient *client = parla_context_get_api_client (self->context);
  ParlaUser *user = parla_context_get_user (self->context);
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  gint64 now = parla_time_now ();

  parla_api_query_add_instant (query, "from", now - 2 * DAY);
  parla_api_query_add_instant (query, "to", now + (PREVIEW_DAYS + 2) * DAY);
  parla_api_query_add_int (query, "page", page);
  parla_api_query_add_int (query, "limit", 100);

  if (bookings)
    {
      parla_api_query_add_string (query, "role", "teacher");
      parla_api_client_list_my_bookings_async (client, query, self->load_cancellable, on_commitments_cb, self);
    }
  else
    {
      parla_api_query_add_string (query, "host_id", user != NULL ? parla_user_get_id (user) : "");
      parla_api_client_list_sessions_async (client, query, self->load_cancellable, on_commitments_cb, self);
    }
}

static void
on_availability_loaded_cb (GObject      *object,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GError) error = NULL;
  ParlaAvailabilityPage *self;

  availability = parla_api_client_get_my_availability_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_AVAILABILITY_PAGE (user_data);
  if (availability == NULL)
    {
      show_load_error (self, error);
      finish_load_step (self);
      return;
    }

  /* A reload keeps edits not saved yet. */
  if (!self->dirty)
    set_model (self, availability);
  finish_load_step (self);
}

static void
load (ParlaAvailabilityPage *self)
{
  ParlaApiClient *client = parla_context_get_api_client (self->context);

  if (!parla_context_get_signed_in (self->context))
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  g_array_set_size (self->commitments, 0);
  self->pending_loads = 3;
  parla_api_client_get_my_availability_async (client, self->load_cancellable, on_availability_loaded_cb, self);
  fetch_commitments (self, FALSE, 1);
  fetch_commitments (self, TRUE, 1);
  update_actions (self);
}

static int
compare_names (gconstpointer a,
               gconstpointer b)
{
  return g_strcmp0 (*(const char * const *) a, *(const char * const *) b);
}

static void
on_zones_loaded_cb (GObject      *object,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) lines = NULL;
  ParlaAvailabilityPage *self;

  if (!g_file_load_contents_finish (G_FILE (object), result, &contents, NULL, NULL, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      g_debug ("No list of time zones: %s", error->message);
      return;
    }

  self = PARLA_AVAILABILITY_PAGE (user_data);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) fields = NULL;

      if (lines[i][0] == '#' || lines[i][0] == '\0')
        continue;
      fields = g_strsplit (lines[i], "\t", 4);
      if (g_strv_length (fields) >= 3)
        g_ptr_array_add (names, g_strdup (fields[2]));
    }
  g_ptr_array_add (names, g_strdup ("UTC"));
  g_ptr_array_sort (names, compare_names);

  self->updating = TRUE;
  for (guint i = 0; i < names->len; i++)
    if (self->time_zone == NULL || g_strcmp0 (g_ptr_array_index (names, i), self->time_zone) != 0)
      gtk_string_list_append (self->zones, g_ptr_array_index (names, i));
  self->updating = FALSE;
  update_rule_fields (self);
}

/* Actions */

static void
save_offline (ParlaAvailabilityPage *self,
              ParlaAvailability     *availability)
{
  ParlaOutbox *outbox = parla_context_get_outbox (self->context);
  g_autoptr(JsonNode) body = parla_availability_to_json (availability);
  g_autoptr(GError) error = NULL;
  g_autofree char *key = NULL;

  if (outbox != NULL)
    key = parla_outbox_enqueue_request (outbox, "PUT", "/api/v1/me/availability", body,
                                        _("Save my bookable hours"), &error);
  if (key == NULL)
    {
      parla_widget_show_toast (GTK_WIDGET (self),
                               _("You are offline and your hours could not be queued: they stay here until you save again"));
      return;
    }

  self->dirty = FALSE;
  parla_widget_show_toast (GTK_WIDGET (self),
                           _("You are offline: your hours will be saved when the server is back"));
}

static void
on_saved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GError) error = NULL;
  ParlaAvailabilityPage *self;
  guint serial;

  availability = parla_api_client_put_my_availability_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_AVAILABILITY_PAGE (user_data);
  serial = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (self), "save-serial"));
  self->saving = FALSE;

  if (availability == NULL)
    {
      if (parla_api_error_is_transient (error))
        {
          g_autoptr(ParlaAvailability) unsaved = build_availability (self, NULL);

          parla_context_report_offline (self->context, error);
          if (unsaved != NULL)
            {
              save_offline (self, unsaved);
              update_status (self);
              return;
            }
        }
      /* The edits stay, to be fixed and saved again. */
      parla_widget_show_error (GTK_WIDGET (self), error);
      update_status (self);
      return;
    }

  if (serial == self->edit_serial)
    {
      set_model (self, availability);
      self->dirty = FALSE;
      show_model (self);
    }
  parla_widget_show_toast (GTK_WIDGET (self), _("Your hours are saved"));
  update_status (self);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (widget);
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GError) error = NULL;

  if (!self->loaded || !self->valid || self->saving)
    return;

  availability = build_availability (self, &error);
  if (availability == NULL)
    {
      parla_widget_show_error (widget, error);
      return;
    }

  if (!parla_context_get_online (self->context))
    {
      save_offline (self, availability);
      update_status (self);
      return;
    }

  self->saving = TRUE;
  g_object_set_data (G_OBJECT (self), "save-serial", GUINT_TO_POINTER (self->edit_serial));
  parla_api_client_put_my_availability_async (parla_context_get_api_client (self->context),
                                              availability, self->cancellable, on_saved_cb, self);
  update_status (self);
}

static void
revert_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (widget);

  self->dirty = FALSE;
  self->loaded = FALSE;
  load (self);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  load (PARLA_AVAILABILITY_PAGE (widget));
}

static void
add_range_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (widget);
  int weekday = g_variant_get_int32 (parameter);
  ParlaWeekRange range = { weekday, 9 * 60, 12 * 60, FALSE };

  if (!self->loaded || weekday < 1 || weekday > 7)
    return;

  /* After the day's last hours, when there is room. */
  for (guint i = 0; i < self->weekly->len; i++)
    {
      const ParlaWeekRange *r = &g_array_index (self->weekly, ParlaWeekRange, i);

      if (r->weekday == weekday && r->end + 60 <= 1440 && r->end >= range.start)
        {
          range.start = r->end;
          range.end = MIN (r->end + 120, 1440);
        }
    }

  g_array_append_val (self->weekly, range);
  g_array_sort (self->weekly, compare_ranges);
  rebuild_weekly_rows (self);
  adw_expander_row_set_expanded (self->day_rows[weekday - 1], TRUE);
  edited (self);

  /* The keyboard goes on in the new range's first field. */
  for (guint i = 0; i < self->weekly->len; i++)
    {
      const ParlaWeekRange *r = &g_array_index (self->weekly, ParlaWeekRange, i);

      if (r->weekday == range.weekday && r->start == range.start && r->end == range.end)
        gtk_widget_grab_focus (g_object_get_data (g_ptr_array_index (self->weekly_rows, i), "start-spin"));
    }
}

static void
add_override_range_action (GtkWidget  *widget,
                           const char *action_name,
                           GVariant   *parameter)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (widget);
  GArray *ranges = selected_ranges (self);
  ParlaWeekRange range = { 0, 14 * 60, 16 * 60, FALSE };

  if (ranges == NULL)
    return;

  if (ranges->len > 0)
    {
      const ParlaWeekRange *last = &g_array_index (ranges, ParlaWeekRange, ranges->len - 1);

      range.start = MIN (last->end, 1380);
      range.end = MIN (range.start + 120, 1440);
    }

  g_array_append_val (ranges, range);
  rebuild_override_rows (self);
  edited (self);
}

/* GObject */

static void
parla_availability_page_constructed (GObject *object)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (object);
  g_autoptr(GFile) zone_tab = g_file_new_for_path ("/usr/share/zoneinfo/zone1970.tab");

  G_OBJECT_CLASS (parla_availability_page_parent_class)->constructed (object);

  g_file_load_contents_async (zone_tab, self->cancellable, on_zones_loaded_cb, self);
  on_calendar_changed_cb (self);
  load (self);
}

static void
parla_availability_page_dispose (GObject *object)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);
  /* The stack is both the bin's child and a template child: let the bin
   * drop it first, so that it is not unparented twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_AVAILABILITY_PAGE);

  G_OBJECT_CLASS (parla_availability_page_parent_class)->dispose (object);
}

static void
parla_availability_page_finalize (GObject *object)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->zones);
  g_clear_pointer (&self->weekly, g_array_unref);
  g_clear_pointer (&self->overrides, g_hash_table_unref);
  g_clear_pointer (&self->commitments, g_array_unref);
  g_clear_pointer (&self->preview, g_array_unref);
  g_clear_pointer (&self->weekly_rows, g_ptr_array_unref);
  g_clear_pointer (&self->override_rows, g_ptr_array_unref);
  g_clear_pointer (&self->extra_rows, g_ptr_array_unref);
  g_clear_pointer (&self->time_zone, g_free);
  g_clear_pointer (&self->selected_date, g_free);

  G_OBJECT_CLASS (parla_availability_page_parent_class)->finalize (object);
}

static void
parla_availability_page_get_property (GObject    *object,
                                      guint       prop_id,
                                      GValue     *value,
                                      GParamSpec *pspec)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_availability_page_set_property (GObject      *object,
                                      guint         prop_id,
                                      const GValue *value,
                                      GParamSpec   *pspec)
{
  ParlaAvailabilityPage *self = PARLA_AVAILABILITY_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_availability_page_class_init (ParlaAvailabilityPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_availability_page_constructed;
  object_class->dispose = parla_availability_page_dispose;
  object_class->finalize = parla_availability_page_finalize;
  object_class->get_property = parla_availability_page_get_property;
  object_class->set_property = parla_availability_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PARLA_TYPE_WEEK_GRID);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/availability/parla-availability-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, week_grid);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, weekly_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, calendar);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, override_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, override_mode_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, overrides_summary_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, lead_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, buffer_before_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, buffer_after_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, max_per_day_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, horizon_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, granularity_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, zone_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, preview_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, preview_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaAvailabilityPage, status_label);
  gtk_widget_class_bind_template_callback (widget_class, on_week_grid_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_week_grid_edited_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_week_grid_created_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_calendar_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_override_mode_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_rule_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_zone_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, update_preview);

  gtk_widget_class_install_action (widget_class, "availability.save", NULL, save_action);
  gtk_widget_class_install_action (widget_class, "availability.revert", NULL, revert_action);
  gtk_widget_class_install_action (widget_class, "availability.add-range", "i", add_range_action);
  gtk_widget_class_install_action (widget_class, "availability.add-override-range", NULL,
                                   add_override_range_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK,
                                       "availability.save", NULL);
}

static void
parla_availability_page_init (ParlaAvailabilityPage *self)
{
  g_autoptr(GtkExpression) expression = NULL;

  self->cancellable = g_cancellable_new ();
  self->weekly = range_array_new ();
  self->overrides = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_array_unref);
  self->commitments = g_array_new (FALSE, FALSE, sizeof (ParlaInterval));
  self->weekly_rows = g_ptr_array_new ();
  self->override_rows = g_ptr_array_new ();
  self->extra_rows = g_ptr_array_new ();
  self->zones = gtk_string_list_new (NULL);
  self->valid = TRUE;

  gtk_widget_init_template (GTK_WIDGET (self));

  for (int day = 1; day <= 7; day++)
    {
      GtkWidget *add = gtk_button_new_from_icon_name ("list-add-symbolic");
      g_autofree char *label = g_strdup_printf (_("Add hours on %s"), weekday_name (day));

      self->day_rows[day - 1] = ADW_EXPANDER_ROW (adw_expander_row_new ());
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->day_rows[day - 1]), weekday_name (day));
      gtk_widget_set_tooltip_text (add, _("Add Hours"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (add), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
      gtk_widget_set_valign (add, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (add, "flat");
      gtk_actionable_set_action_name (GTK_ACTIONABLE (add), "availability.add-range");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (add), "i", day);
      adw_expander_row_add_action (self->day_rows[day - 1], add);
      gtk_list_box_append (self->weekly_list, GTK_WIDGET (self->day_rows[day - 1]));
    }

  expression = gtk_property_expression_new (GTK_TYPE_STRING_OBJECT, NULL, "string");
  gtk_drop_down_set_expression (self->zone_dropdown, expression);
  gtk_drop_down_set_model (self->zone_dropdown, G_LIST_MODEL (self->zones));

  update_actions (self);
}

/**
 * parla_availability_page_get_loaded:
 * @self: a #ParlaAvailabilityPage
 *
 * Returns: whether the hours and the commitments have been loaded
 */
gboolean
parla_availability_page_get_loaded (ParlaAvailabilityPage *self)
{
  g_return_val_if_fail (PARLA_IS_AVAILABILITY_PAGE (self), FALSE);

  return self->loaded && self->pending_loads == 0;
}

/**
 * parla_availability_page_get_dirty:
 * @self: a #ParlaAvailabilityPage
 *
 * Returns: whether there are edits not saved (or queued) yet
 */
gboolean
parla_availability_page_get_dirty (ParlaAvailabilityPage *self)
{
  g_return_val_if_fail (PARLA_IS_AVAILABILITY_PAGE (self), FALSE);

  return self->dirty;
}

/**
 * parla_availability_page_get_preview:
 * @self: a #ParlaAvailabilityPage
 * @out_from: (out) (optional): the start of the range previewed
 * @out_to: (out) (optional): its end
 * @out_duration: (out) (optional): the lesson length, in minutes
 *
 * Returns: (transfer none) (nullable): the #ParlaInterval slots the
 *   preview shows, or %NULL while it shows none
 */
GArray *
parla_availability_page_get_preview (ParlaAvailabilityPage *self,
                                     gint64                *out_from,
                                     gint64                *out_to,
                                     int                   *out_duration)
{
  g_return_val_if_fail (PARLA_IS_AVAILABILITY_PAGE (self), NULL);

  if (out_from != NULL)
    *out_from = self->preview_from;
  if (out_to != NULL)
    *out_to = self->preview_to;
  if (out_duration != NULL)
    *out_duration = self->preview_duration;
  return self->preview;
}
