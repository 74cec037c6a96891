/* parla-availability.c: a teacher's bookable hours and the slots they give
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Slot semantics
 * ==============
 *
 * parla_availability_compute_slots() returns the bookable slots whose start
 * lies in [range_start, range_end), sorted by start and without duplicates.
 * Every instant is UTC seconds since the epoch; every wall-clock time is in
 * the teacher's IANA time zone.
 *
 * 1. Days. Every local date that can contribute a slot is visited (the
 *    local dates from one day before the first possible start to one day
 *    after the last). A date's ranges are its override if it has one (an
 *    override without ranges is a day off), else the weekly ranges of its
 *    ISO weekday. Overlapping or touching ranges of one date are merged
 *    first. Ranges of different dates are never merged, so 22:00-24:00 on
 *    Monday and 00:00-02:00 on Tuesday do not give a slot across midnight.
 *
 * 2. Wall clock to UTC. A range's start and end become instants in the
 *    teacher's zone. "24:00" is 00:00 of the next local date. A wall time
 *    that does not exist (in a spring-forward gap) is moved forward by the
 *    length of the gap: 02:30 in Berlin on 2026-03-29 is 03:30 CEST, as in
 *    java.time and RFC 5545. A wall time that occurs twice (fall back) is
 *    the earlier instant, the first occurrence. GLib 2.74 does neither
 *    (g_date_time_new() clamps gap times to the transition and prefers the
 *    later instant of an overlap), so the conversion is done here from the
 *    zone's UTC offsets alone. Because of the gap rule a range such as
 *    02:30-03:15 on a spring-forward day can become empty; it gives no slot.
 *
 * 3. Steps. Candidate starts step through a range by the granularity, in
 *    absolute minutes from the range's UTC start. A slot is [s, s + duration)
 *    and must end at or before the range's UTC end. On Berlin 2026-03-29 a
 *    01:00-04:00 range lasts two real hours and gives the 60-minute slots
 *    01:00 CET and 03:00 CEST; on 2026-10-25 it lasts four: 01:00 CEST,
 *    02:00 CEST, 02:00 CET and 03:00 CET.
 *
 * 4. Lead time and horizon: now + lead_time <= s <= now + horizon_days. No
 *    slot starts before now.
 *
 * 5. Buffers. Every event, an existing commitment [cs, ce) as well as the
 *    new slot [s, e), carries buffer_before and buffer_after. A slot
 *    conflicts with a commitment iff
 *      (s - before) < (ce + after) && (cs - before) < (e + after),
 *    that is when both, widened by their buffers, overlap. Intervals are
 *    half-open: back to back without buffers is fine.
 *
 * 6. max_per_day. When it is > 0 and at least that many commitments start
 *    on local date D (teacher's zone), no slot that starts on D is offered.
 *    The slot's own local start date decides, not the UTC date.
 *
 * 7. Commitments may be unsorted and may overlap; they are sorted once and
 *    swept together with the sorted slots.
 *
 * parla_availability_is_bookable() is TRUE iff the slots of [start, start + 1)
 * contain the slot starting at start; it only visits the few dates around
 * start. parla_availability_conflicts() applies rule 5 alone, to an interval
 * off the slot grid (a group session a teacher schedules).
 */

#include "config.h"

#include "parla-availability.h"

#include <stdlib.h>

#include "parla-error.h"
#include "parla-json.h"
#include "parla-time.h"

#define MINUTES_PER_DAY     1440
#define SECONDS_PER_DAY     G_GINT64_CONSTANT (86400)
#define MAX_WEEKLY_RANGES   100
#define MAX_OVERRIDES       366
#define MAX_RANGES_PER_DATE 24

/* Instants outside the years 0001..9999 are clamped away, so that day and
 * second arithmetic can never overflow. */
#define MIN_INSTANT G_GINT64_CONSTANT (-62135596800)
#define MAX_INSTANT G_GINT64_CONSTANT (253402300799)

/* Offsets stay within ±26 hours, so this margin around the possible slot
 * starts covers every wall-clock time that is converted. */
#define ZONE_MARGIN (4 * SECONDS_PER_DAY)

typedef struct
{
  int start;  /* minutes since local midnight, 0..1439 */
  int end;    /* exclusive, start < end <= 1440 */
} MinuteRange;

typedef struct
{
  gint64  day;     /* the local date, as days since 1970-01-01 */
  GArray *ranges;  /* owned: MinuteRange sorted by start; empty is a day off */
} DateOverride;

/* One offset of the zone, in effect from @start (UTC) until the next
 * segment's start. */
typedef struct
{
  gint64 start;
  int    offset;  /* seconds east of UTC */
} ZoneSegment;

/* State of one slot computation. */
typedef struct
{
  /* borrowed */
  const ParlaAvailabilityRules *rules;
  GArray                       *segments;
  const int                    *per_day;   /* commitments starting on each local date, or NULL */
  GArray                       *slots;

  gint64 first;      /* slot starts lie in [first, last] */
  gint64 last;
  gint64 first_day;  /* local date of per_day[0] */
  gint64 n_days;
  gint64 duration;   /* seconds */
  gint64 step;       /* seconds */
} SlotSearch;

struct _ParlaAvailability
{
  grefcount ref_count;

  /* owned */
  char      *time_zone;
  GTimeZone *zone;
  GArray    *weekly[7];  /* MinuteRange sorted by start, for ISO weekday index + 1 */
  GArray    *overrides;  /* DateOverride sorted by day */

  ParlaAvailabilityRules rules;
};

G_DEFINE_BOXED_TYPE (ParlaAvailability, parla_availability,
                     parla_availability_ref, parla_availability_unref)

static const ParlaAvailabilityRules default_rules = {
  .lead_time_minutes = 120,
  .buffer_before_minutes = 0,
  .buffer_after_minutes = 0,
  .max_per_day = 0,
  .horizon_days = 60,
  .granularity_minutes = 30,
};

static const ParlaField availability_fields[] = {
  { "time_zone", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 64 },
  { "weekly", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED, 0, MAX_WEEKLY_RANGES },
  { "overrides", PARLA_FIELD_ARRAY, PARLA_FIELD_OPTIONAL, 0, MAX_OVERRIDES },
  { "rules", PARLA_FIELD_OBJECT, PARLA_FIELD_OPTIONAL },
};

static const ParlaField weekly_fields[] = {
  { "weekday", PARLA_FIELD_INT, PARLA_FIELD_REQUIRED, 1, 7 },
  { "start", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "end", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
};

static const ParlaField range_fields[] = {
  { "start", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "end", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
};

static const ParlaField override_fields[] = {
  { "date", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED },
  { "ranges", PARLA_FIELD_ARRAY, PARLA_FIELD_REQUIRED, 0, MAX_RANGES_PER_DATE },
};

static const ParlaField rules_fields[] = {
  { "lead_time_minutes", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 0, 43200 },
  { "buffer_before_minutes", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 0, 720 },
  { "buffer_after_minutes", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 0, 720 },
  { "max_per_day", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 0, 100 },
  { "horizon_days", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 1, 365 },
  { "granularity_minutes", PARLA_FIELD_INT, PARLA_FIELD_OPTIONAL, 5, 240 },
};

/* Calendar arithmetic (proleptic Gregorian, H. Hinnant's algorithms) */

static gint64
floor_div (gint64 a,
           gint64 b)
{
  gint64 q = a / b;

  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

static gint64
days_from_civil (int year,
                 int month,
                 int day)
{
  gint64 y = year - (month <= 2);
  gint64 era = floor_div (y, 400);
  gint64 yoe = y - era * 400;
  gint64 doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  gint64 doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

  return era * 146097 + doe - 719468;
}

static void
civil_from_days (gint64  days,
                 int    *year,
                 int    *month,
                 int    *day)
{
  gint64 z = days + 719468;
  gint64 era = floor_div (z, 146097);
  gint64 doe = z - era * 146097;
  gint64 yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  gint64 doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  gint64 mp = (5 * doy + 2) / 153;

  *day = (int) (doy - (153 * mp + 2) / 5 + 1);
  *month = (int) (mp < 10 ? mp + 3 : mp - 9);
  *year = (int) (yoe + era * 400 + (*month <= 2));
}

/* ISO weekday, 1 (Monday) .. 7 (Sunday); 1970-01-01 was a Thursday. */
static int
iso_weekday (gint64 day)
{
  return (int) ((day % 7 + 7 + 3) % 7) + 1;
}

static gboolean
date_is_valid (int year,
               int month,
               int day)
{
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 && day <= 31 &&
         g_date_valid_dmy ((GDateDay) day, (GDateMonth) month, (GDateYear) year);
}

static gboolean
rules_are_valid (const ParlaAvailabilityRules *rules)
{
  return rules->lead_time_minutes >= 0 && rules->lead_time_minutes <= 43200 &&
         rules->buffer_before_minutes >= 0 && rules->buffer_before_minutes <= 720 &&
         rules->buffer_after_minutes >= 0 && rules->buffer_after_minutes <= 720 &&
         rules->max_per_day >= 0 && rules->max_per_day <= 100 &&
         rules->horizon_days >= 1 && rules->horizon_days <= 365 &&
         rules->granularity_minutes >= 5 && rules->granularity_minutes <= 240;
}

/* Ranges and overrides */

static GArray *
minute_ranges_new (void)
{
  return g_array_new (FALSE, FALSE, sizeof (MinuteRange));
}

/* Keeps @ranges sorted by start, then end. */
static void
insert_range (GArray *ranges,
              int     start,
              int     end)
{
  MinuteRange range = { start, end };
  guint i = ranges->len;

  while (i > 0)
    {
      const MinuteRange *prev = &g_array_index (ranges, MinuteRange, i - 1);

      if (prev->start < start || (prev->start == start && prev->end <= end))
        break;
      i--;
    }

  g_array_insert_val (ranges, i, range);
}

static void
clear_override (gpointer data)
{
  DateOverride *override = data;

  g_clear_pointer (&override->ranges, g_array_unref);
}

/* Returns the index of @day in the sorted overrides, or where it belongs. */
static guint
find_override_index (ParlaAvailability *self,
                     gint64             day,
                     gboolean          *found)
{
  guint lo = 0;
  guint hi = self->overrides->len;

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      gint64 mid_day = g_array_index (self->overrides, DateOverride, mid).day;

      if (mid_day == day)
        {
          *found = TRUE;
          return mid;
        }
      if (mid_day < day)
        lo = mid + 1;
      else
        hi = mid;
    }

  *found = FALSE;
  return lo;
}

static DateOverride *
lookup_override (ParlaAvailability *self,
                 gint64             day)
{
  gboolean found;
  guint i = find_override_index (self, day, &found);

  return found ? &g_array_index (self->overrides, DateOverride, i) : NULL;
}

static DateOverride *
ensure_override (ParlaAvailability *self,
                 gint64             day)
{
  gboolean found;
  guint i = find_override_index (self, day, &found);

  if (!found)
    {
      DateOverride override = { day, minute_ranges_new () };

      g_array_insert_val (self->overrides, i, override);
    }

  return &g_array_index (self->overrides, DateOverride, i);
}

static const GArray *
ranges_of_day (ParlaAvailability *self,
               gint64             day)
{
  const DateOverride *override = lookup_override (self, day);

  if (override != NULL)
    return override->ranges;

  return self->weekly[iso_weekday (day) - 1];
}

/* Time zone arithmetic */

/* The zone's offsets over [from, to], found with g_time_zone_find_interval()
 * on UTC times only: that is documented to always succeed, whereas the local
 * time lookups of GLib 2.74 resolve gaps and overlaps differently from what
 * we need. Transitions are located by bisection. */
static GArray *
build_zone_segments (GTimeZone *zone,
                     gint64     from,
                     gint64     to)
{
  GArray *segments = g_array_sized_new (FALSE, FALSE, sizeof (ZoneSegment), 4);
  int first = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, from);
  int last = g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, to);
  ZoneSegment segment = { G_MININT64, g_time_zone_get_offset (zone, first) };
  gint64 lo = from;

  g_array_append_val (segments, segment);

  for (int interval = first + 1; interval <= last; interval++)
    {
      ZoneSegment *prev = &g_array_index (segments, ZoneSegment, segments->len - 1);
      gint64 hi = to;
      int offset;

      /* The first second that lies in @interval or later. */
      while (lo < hi)
        {
          gint64 mid = lo + (hi - lo) / 2;

          if (g_time_zone_find_interval (zone, G_TIME_TYPE_UNIVERSAL, mid) >= interval)
            hi = mid;
          else
            lo = mid + 1;
        }

      offset = g_time_zone_get_offset (zone, interval);
      if (offset == prev->offset)
        continue;  /* only the abbreviation or the DST flag changed */

      if (prev->start == lo)
        {
          prev->offset = offset;  /* an interval that lasted no time at all */
          continue;
        }

      segment.start = lo;
      segment.offset = offset;
      g_array_append_val (segments, segment);
    }

  return segments;
}

static int
offset_at (GArray *segments,
           gint64  instant)
{
  guint i = segments->len - 1;

  while (i > 0 && g_array_index (segments, ZoneSegment, i).start > instant)
    i--;

  return g_array_index (segments, ZoneSegment, i).offset;
}

static gint64
local_day_of (GArray *segments,
              gint64  instant)
{
  return floor_div (instant + offset_at (segments, instant), SECONDS_PER_DAY);
}

/* @wall is a local wall-clock time counted like an instant (seconds since
 * 1970-01-01T00:00 local). Returns the first instant showing that wall time,
 * or, for a wall time in a gap, the instant the wall time plus the gap's
 * length shows. */
static gint64
instant_of_wall_time (GArray *segments,
                      gint64  wall)
{
  guint n = segments->len;

  /* Segments are in time order, so the first match is the earliest. */
  for (guint i = 0; i < n; i++)
    {
      const ZoneSegment *segment = &g_array_index (segments, ZoneSegment, i);
      gint64 instant = wall - segment->offset;

      if (instant >= segment->start &&
          (i + 1 == n || instant < g_array_index (segments, ZoneSegment, i + 1).start))
        return instant;
    }

  /* A gap between segments i and i + 1: shifting the wall time forward by
   * the gap (offset[i + 1] - offset[i]) and reading it with the new offset
   * is the same as reading it with the old offset. */
  for (guint i = 0; i + 1 < n; i++)
    {
      const ZoneSegment *before = &g_array_index (segments, ZoneSegment, i);
      const ZoneSegment *after = &g_array_index (segments, ZoneSegment, i + 1);

      if (wall - before->offset >= after->start && wall - after->offset < after->start)
        return wall - before->offset;
    }

  g_assert_not_reached ();
  return wall - g_array_index (segments, ZoneSegment, 0).offset;
}

/* Slots */

static gboolean
events_conflict (const ParlaAvailabilityRules *rules,
                 gint64                        start,
                 gint64                        end,
                 const ParlaInterval          *commitment)
{
  gint64 before = (gint64) rules->buffer_before_minutes * 60;
  gint64 after = (gint64) rules->buffer_after_minutes * 60;

  return start - before < commitment->end + after &&
         commitment->start - before < end + after;
}

static int
compare_intervals (const void *a,
                   const void *b)
{
  const ParlaInterval *ia = a;
  const ParlaInterval *ib = b;

  if (ia->start != ib->start)
    return ia->start < ib->start ? -1 : 1;
  if (ia->end != ib->end)
    return ia->end < ib->end ? -1 : 1;
  return 0;
}

static void
add_range_slots (SlotSearch        *search,
                 gint64             day,
                 const MinuteRange *range)
{
  gint64 midnight = day * SECONDS_PER_DAY;
  gint64 range_start = instant_of_wall_time (search->segments, midnight + range->start * 60);
  gint64 range_end = instant_of_wall_time (search->segments, midnight + range->end * 60);
  gint64 s = range_start;

  if (range_end - range_start < search->duration)
    return;

  if (s < search->first)
    s += (search->first - s + search->step - 1) / search->step * search->step;

  for (; s <= search->last && s + search->duration <= range_end; s += search->step)
    {
      ParlaInterval slot = { s, s + search->duration };

      if (search->per_day != NULL)
        {
          gint64 index = local_day_of (search->segments, s) - search->first_day;

          g_assert (index >= 0 && index < search->n_days);
          if (search->per_day[index] >= search->rules->max_per_day)
            continue;
        }

      g_array_append_val (search->slots, slot);
    }
}

/* Every slot that rules 1-4 and 6 allow, sorted and without duplicates;
 * the buffers against commitments (rule 5) are left to the caller. */
static GArray *
collect_candidates (ParlaAvailability   *self,
                    const ParlaInterval *commitments,
                    guint                n_commitments,
                    gint64               range_start,
                    gint64               range_end,
                    int                  duration_minutes,
                    gint64               now)
{
  const ParlaAvailabilityRules *rules = &self->rules;
  g_autoptr(GArray) segments = NULL;
  g_autofree int *per_day = NULL;
  GArray *slots = g_array_new (FALSE, FALSE, sizeof (ParlaInterval));
  SlotSearch search = { 0, };
  gint64 last_day;
  gboolean sorted = TRUE;
  guint kept;

  if (duration_minutes <= 0 || range_end <= range_start)
    return slots;

  now = CLAMP (now, MIN_INSTANT, MAX_INSTANT);
  search.first = MAX (range_start, now + (gint64) rules->lead_time_minutes * 60);
  search.first = MAX (search.first, now);
  search.last = MIN (range_end - 1, now + rules->horizon_days * SECONDS_PER_DAY);
  search.last = MIN (search.last, MAX_INSTANT);
  if (search.first > search.last)
    return slots;

  segments = build_zone_segments (self->zone, search.first - ZONE_MARGIN, search.last + ZONE_MARGIN);

  /* A slot starts on the date of its range or the next one. */
  search.first_day = local_day_of (segments, search.first) - 1;
  last_day = local_day_of (segments, search.last) + 1;
  search.n_days = last_day - search.first_day + 1;

  if (rules->max_per_day > 0)
    {
      per_day = g_new0 (int, search.n_days);

      for (guint i = 0; i < n_commitments; i++)
        {
          gint64 start = commitments[i].start;
          gint64 index;

          if (start < search.first - ZONE_MARGIN / 2 || start > search.last + ZONE_MARGIN / 2)
            continue;

          index = local_day_of (segments, start) - search.first_day;
          if (index >= 0 && index < search.n_days)
            per_day[index]++;
        }
    }

  search.rules = rules;
  search.segments = segments;
  search.per_day = per_day;
  search.slots = slots;
  search.duration = (gint64) duration_minutes * 60;
  search.step = (gint64) rules->granularity_minutes * 60;

  for (gint64 day = search.first_day; day <= last_day; day++)
    {
      const GArray *ranges = ranges_of_day (self, day);

      for (guint i = 0; i < ranges->len;)
        {
          MinuteRange merged = g_array_index (ranges, MinuteRange, i++);

          while (i < ranges->len && g_array_index (ranges, MinuteRange, i).start <= merged.end)
            {
              merged.end = MAX (merged.end, g_array_index (ranges, MinuteRange, i).end);
              i++;
            }

          add_range_slots (&search, day, &merged);
        }
    }

  /* Gap shifts can make the ranges of one date overlap once in UTC. */
  for (guint i = 1; i < slots->len && sorted; i++)
    sorted = g_array_index (slots, ParlaInterval, i - 1).start < g_array_index (slots, ParlaInterval, i).start;

  if (!sorted)
    {
      g_array_sort (slots, compare_intervals);

      kept = 0;
      for (guint i = 0; i < slots->len; i++)
        {
          const ParlaInterval *slot = &g_array_index (slots, ParlaInterval, i);

          if (kept > 0 && g_array_index (slots, ParlaInterval, kept - 1).start == slot->start)
            continue;
          g_array_index (slots, ParlaInterval, kept++) = *slot;
        }
      g_array_set_size (slots, kept);
    }

  return slots;
}

/* Drops the slots that conflict with a commitment. Both lists are sorted by
 * start, and all slots have the same length, so slot ends increase too. A
 * slot conflicts iff some commitment with cs < e + pad has ce > s - pad
 * (pad = before + after), so it is enough to track the latest end among the
 * commitments that start before e + pad. */
static void
remove_conflicting (GArray                       *slots,
                    const ParlaAvailabilityRules *rules,
                    const ParlaInterval          *commitments,
                    guint                         n_commitments)
{
  g_autofree ParlaInterval *sorted = NULL;
  gint64 pad = (gint64) (rules->buffer_before_minutes + rules->buffer_after_minutes) * 60;
  gint64 reach = G_MININT64;
  guint next = 0;
  guint kept = 0;

  if (n_commitments == 0 || slots->len == 0)
    return;

  sorted = g_memdup2 (commitments, n_commitments * sizeof (ParlaInterval));
  qsort (sorted, n_commitments, sizeof (ParlaInterval), compare_intervals);

  for (guint i = 0; i < slots->len; i++)
    {
      ParlaInterval slot = g_array_index (slots, ParlaInterval, i);

      while (next < n_commitments && sorted[next].start < slot.end + pad)
        {
          reach = MAX (reach, sorted[next].end);
          next++;
        }

      if (reach > slot.start - pad)
        continue;

      g_array_index (slots, ParlaInterval, kept++) = slot;
    }

  g_array_set_size (slots, kept);
}

/* JSON */

static gboolean
read_minute_range (JsonObject   *object,
                   MinuteRange  *out_range,
                   GError      **error)
{
  int start;
  int end;

  if (!parla_time_parse_hhmm (parla_json_get_string (object, "start", NULL), FALSE, &start, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "start",
                       "“start” must be a time of day from 00:00 to 23:59");
      return FALSE;
    }

  if (!parla_time_parse_hhmm (parla_json_get_string (object, "end", NULL), TRUE, &end, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "end",
                       "“end” must be a time of day from 00:00 to 24:00");
      return FALSE;
    }

  if (end <= start)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "end", "“end” must be after “start”");
      return FALSE;
    }

  out_range->start = start;
  out_range->end = end;
  return TRUE;
}

static void
propagate_item_error (GError     **error,
                      GError      *local_error,
                      const char  *array,
                      guint        index)
{
  g_autofree char *prefix = g_strdup_printf ("%s[%u]", array, index);

  parla_error_prefix_field (local_error, prefix);
  g_propagate_error (error, local_error);
}

static gboolean
read_weekly_item (ParlaAvailability  *self,
                  JsonNode           *node,
                  GError            **error)
{
  JsonObject *object;
  MinuteRange range;
  int weekday;

  if (!parla_json_check (node, weekly_fields, G_N_ELEMENTS (weekly_fields), PARLA_JSON_INPUT, error))
    return FALSE;

  object = json_node_get_object (node);
  if (!read_minute_range (object, &range, error))
    return FALSE;

  weekday = (int) parla_json_get_int (object, "weekday", 0);
  insert_range (self->weekly[weekday - 1], range.start, range.end);
  return TRUE;
}

static gboolean
read_override (ParlaAvailability  *self,
               JsonNode           *node,
               GError            **error)
{
  JsonObject *object;
  JsonArray *ranges;
  DateOverride *override;
  const char *date;
  int year, month, day;

  if (!parla_json_check (node, override_fields, G_N_ELEMENTS (override_fields), PARLA_JSON_INPUT, error))
    return FALSE;

  object = json_node_get_object (node);
  date = parla_json_get_string (object, "date", NULL);
  if (!parla_date_parse (date, &year, &month, &day, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "date",
                       "“date” must be a calendar date such as 2026-12-24");
      return FALSE;
    }

  if (lookup_override (self, days_from_civil (year, month, day)) != NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "date",
                       "There is already an override for %s", date);
      return FALSE;
    }

  override = ensure_override (self, days_from_civil (year, month, day));
  ranges = parla_json_get_array (object, "ranges");

  for (guint i = 0; i < json_array_get_length (ranges); i++)
    {
      JsonNode *item = json_array_get_element (ranges, i);
      g_autoptr(GError) local_error = NULL;
      MinuteRange range;

      if (!parla_json_check (item, range_fields, G_N_ELEMENTS (range_fields), PARLA_JSON_INPUT, &local_error) ||
          !read_minute_range (json_node_get_object (item), &range, &local_error))
        {
          propagate_item_error (error, g_steal_pointer (&local_error), "ranges", i);
          return FALSE;
        }

      insert_range (override->ranges, range.start, range.end);
    }

  return TRUE;
}

static gboolean
read_rules (JsonObject              *object,
            ParlaAvailabilityRules  *rules,
            GError                 **error)
{
  g_autoptr(GError) local_error = NULL;

  if (!parla_json_check_object (object, rules_fields, G_N_ELEMENTS (rules_fields),
                                PARLA_JSON_INPUT, &local_error))
    {
      parla_error_prefix_field (local_error, "rules");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  rules->lead_time_minutes =
    (int) parla_json_get_int (object, "lead_time_minutes", default_rules.lead_time_minutes);
  rules->buffer_before_minutes =
    (int) parla_json_get_int (object, "buffer_before_minutes", default_rules.buffer_before_minutes);
  rules->buffer_after_minutes =
    (int) parla_json_get_int (object, "buffer_after_minutes", default_rules.buffer_after_minutes);
  rules->max_per_day =
    (int) parla_json_get_int (object, "max_per_day", default_rules.max_per_day);
  rules->horizon_days =
    (int) parla_json_get_int (object, "horizon_days", default_rules.horizon_days);
  rules->granularity_minutes =
    (int) parla_json_get_int (object, "granularity_minutes", default_rules.granularity_minutes);

  g_assert (rules_are_valid (rules));
  return TRUE;
}

static void
add_range_members (JsonBuilder       *builder,
                   const MinuteRange *range)
{
  g_autofree char *start = parla_time_format_hhmm (range->start);
  g_autofree char *end = parla_time_format_hhmm (range->end);

  parla_json_add_string (builder, "start", start);
  parla_json_add_string (builder, "end", end);
}

/* Public API */

/**
 * parla_availability_new:
 * @time_zone: an IANA time zone name such as "Europe/Berlin"
 *
 * Creates an empty week (no hours at all) with the default rules.
 *
 * Returns: (transfer full) (nullable): the availability, or %NULL with an
 *   `invalid_input` error naming "time_zone"
 */
ParlaAvailability *
parla_availability_new (const char  *time_zone,
                        GError     **error)
{
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GError) local_error = NULL;
  ParlaAvailability *self;

  zone = parla_time_zone_new (time_zone, &local_error);
  if (zone == NULL)
    {
      parla_error_prefix_field (local_error, "time_zone");
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  self = g_new0 (ParlaAvailability, 1);
  g_ref_count_init (&self->ref_count);
  self->time_zone = g_strdup (time_zone);
  self->zone = g_steal_pointer (&zone);
  for (guint i = 0; i < G_N_ELEMENTS (self->weekly); i++)
    self->weekly[i] = minute_ranges_new ();
  self->overrides = g_array_new (FALSE, FALSE, sizeof (DateOverride));
  g_array_set_clear_func (self->overrides, clear_override);
  self->rules = default_rules;

  return self;
}

/**
 * parla_availability_new_from_json:
 * @node: a document such as `{"time_zone":"Europe/Berlin","weekly":[…],
 *   "overrides":[…],"rules":{…}}`
 *
 * Reads an availability strictly. Every error is `invalid_input` and names
 * the offending field with its path, e.g. "weekly[2].start",
 * "overrides[0].ranges[1].end" or "rules.granularity_minutes". Unknown
 * members are ignored.
 *
 * Returns: (transfer full) (nullable): the availability, or %NULL
 */
ParlaAvailability *
parla_availability_new_from_json (JsonNode  *node,
                                  GError   **error)
{
  g_autoptr(ParlaAvailability) self = NULL;
  JsonObject *object;
  JsonObject *rules;
  JsonArray *weekly;
  JsonArray *overrides;

  if (!parla_json_check (node, availability_fields, G_N_ELEMENTS (availability_fields),
                         PARLA_JSON_INPUT, error))
    return NULL;

  object = json_node_get_object (node);
  self = parla_availability_new (parla_json_get_string (object, "time_zone", NULL), error);
  if (self == NULL)
    return NULL;

  weekly = parla_json_get_array (object, "weekly");
  for (guint i = 0; i < json_array_get_length (weekly); i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!read_weekly_item (self, json_array_get_element (weekly, i), &local_error))
        {
          propagate_item_error (error, g_steal_pointer (&local_error), "weekly", i);
          return NULL;
        }
    }

  overrides = parla_json_get_array (object, "overrides");
  for (guint i = 0; overrides != NULL && i < json_array_get_length (overrides); i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (!read_override (self, json_array_get_element (overrides, i), &local_error))
        {
          propagate_item_error (error, g_steal_pointer (&local_error), "overrides", i);
          return NULL;
        }
    }

  rules = parla_json_get_object (object, "rules");
  if (rules != NULL && !read_rules (rules, &self->rules, error))
    return NULL;

  return g_steal_pointer (&self);
}

/**
 * parla_availability_to_json:
 *
 * Writes the whole normalized document: every rule, weekly ranges sorted by
 * weekday then start, overrides sorted by date. Reading it back with
 * parla_availability_new_from_json() gives the same document.
 *
 * Returns: (transfer full): the document
 */
JsonNode *
parla_availability_to_json (ParlaAvailability *self)
{
  g_autoptr(JsonBuilder) builder = NULL;

  g_return_val_if_fail (self != NULL, NULL);

  builder = json_builder_new ();
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "time_zone", self->time_zone);

  json_builder_set_member_name (builder, "weekly");
  json_builder_begin_array (builder);
  for (int weekday = 1; weekday <= 7; weekday++)
    {
      const GArray *ranges = self->weekly[weekday - 1];

      for (guint i = 0; i < ranges->len; i++)
        {
          json_builder_begin_object (builder);
          parla_json_add_int (builder, "weekday", weekday);
          add_range_members (builder, &g_array_index (ranges, MinuteRange, i));
          json_builder_end_object (builder);
        }
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "overrides");
  json_builder_begin_array (builder);
  for (guint i = 0; i < self->overrides->len; i++)
    {
      const DateOverride *override = &g_array_index (self->overrides, DateOverride, i);
      g_autofree char *date = NULL;
      int year, month, day;

      civil_from_days (override->day, &year, &month, &day);
      date = g_strdup_printf ("%04d-%02d-%02d", year, month, day);

      json_builder_begin_object (builder);
      parla_json_add_string (builder, "date", date);
      json_builder_set_member_name (builder, "ranges");
      json_builder_begin_array (builder);
      for (guint j = 0; j < override->ranges->len; j++)
        {
          json_builder_begin_object (builder);
          add_range_members (builder, &g_array_index (override->ranges, MinuteRange, j));
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "rules");
  json_builder_begin_object (builder);
  parla_json_add_int (builder, "lead_time_minutes", self->rules.lead_time_minutes);
  parla_json_add_int (builder, "buffer_before_minutes", self->rules.buffer_before_minutes);
  parla_json_add_int (builder, "buffer_after_minutes", self->rules.buffer_after_minutes);
  parla_json_add_int (builder, "max_per_day", self->rules.max_per_day);
  parla_json_add_int (builder, "horizon_days", self->rules.horizon_days);
  parla_json_add_int (builder, "granularity_minutes", self->rules.granularity_minutes);
  json_builder_end_object (builder);

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

ParlaAvailability *
parla_availability_ref (ParlaAvailability *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
parla_availability_unref (ParlaAvailability *self)
{
  g_return_if_fail (self != NULL);

  if (!g_ref_count_dec (&self->ref_count))
    return;

  g_clear_pointer (&self->time_zone, g_free);
  g_clear_pointer (&self->zone, g_time_zone_unref);
  for (guint i = 0; i < G_N_ELEMENTS (self->weekly); i++)
    g_clear_pointer (&self->weekly[i], g_array_unref);
  g_clear_pointer (&self->overrides, g_array_unref);
  g_free (self);
}

/**
 * parla_availability_get_time_zone:
 *
 * Returns: the IANA name of the teacher's time zone
 */
const char *
parla_availability_get_time_zone (ParlaAvailability *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->time_zone;
}

/**
 * parla_availability_get_zone:
 *
 * Returns: (transfer none): the teacher's time zone
 */
GTimeZone *
parla_availability_get_zone (ParlaAvailability *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->zone;
}

/**
 * parla_availability_get_rules:
 *
 * Returns: (transfer none): the rules
 */
const ParlaAvailabilityRules *
parla_availability_get_rules (ParlaAvailability *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return &self->rules;
}

/**
 * parla_availability_set_rules:
 * @rules: rules within the ranges new_from_json() accepts
 */
void
parla_availability_set_rules (ParlaAvailability            *self,
                              const ParlaAvailabilityRules *rules)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (rules != NULL);
  g_return_if_fail (rules_are_valid (rules));

  self->rules = *rules;
}

/**
 * parla_availability_add_weekly:
 * @weekday: ISO weekday, 1 (Monday) .. 7 (Sunday)
 * @start_minute: minutes since local midnight
 * @end_minute: after @start_minute, at most 1440 ("24:00")
 */
void
parla_availability_add_weekly (ParlaAvailability *self,
                               int                weekday,
                               int                start_minute,
                               int                end_minute)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (weekday >= 1 && weekday <= 7);
  g_return_if_fail (start_minute >= 0 && start_minute < end_minute && end_minute <= MINUTES_PER_DAY);

  insert_range (self->weekly[weekday - 1], start_minute, end_minute);
}

/**
 * parla_availability_add_day_off:
 *
 * Makes the local date a day off: any hours it had are dropped.
 */
void
parla_availability_add_day_off (ParlaAvailability *self,
                                int                year,
                                int                month,
                                int                day)
{
  DateOverride *override;

  g_return_if_fail (self != NULL);
  g_return_if_fail (date_is_valid (year, month, day));

  override = ensure_override (self, days_from_civil (year, month, day));
  g_array_set_size (override->ranges, 0);
}

/**
 * parla_availability_add_override:
 *
 * Adds a range to the local date's override, creating the override (which
 * then replaces the weekly hours of that date) if needed.
 */
void
parla_availability_add_override (ParlaAvailability *self,
                                 int                year,
                                 int                month,
                                 int                day,
                                 int                start_minute,
                                 int                end_minute)
{
  DateOverride *override;

  g_return_if_fail (self != NULL);
  g_return_if_fail (date_is_valid (year, month, day));
  g_return_if_fail (start_minute >= 0 && start_minute < end_minute && end_minute <= MINUTES_PER_DAY);

  override = ensure_override (self, days_from_civil (year, month, day));
  insert_range (override->ranges, start_minute, end_minute);
}

/**
 * parla_availability_compute_slots:
 * @commitments: (array length=n_commitments) (nullable): the teacher's
 *   sessions and lessons, in any order
 * @range_start: the first instant a slot may start at
 * @range_end: slots start before this instant
 * @duration_minutes: the length of every slot
 * @now: the current time
 *
 * See the comment at the top of this file for the exact rules.
 *
 * Returns: (transfer full) (element-type ParlaInterval): the bookable
 *   slots, sorted by start
 */
GArray *
parla_availability_compute_slots (ParlaAvailability   *self,
                                  const ParlaInterval *commitments,
                                  guint                n_commitments,
                                  gint64               range_start,
                                  gint64               range_end,
                                  int                  duration_minutes,
                                  gint64               now)
{
  GArray *slots;

  g_return_val_if_fail (self != NULL, NULL);
  g_return_val_if_fail (n_commitments == 0 || commitments != NULL, NULL);

  slots = collect_candidates (self, commitments, n_commitments,
                              range_start, range_end, duration_minutes, now);
  remove_conflicting (slots, &self->rules, commitments, n_commitments);

  return slots;
}

/**
 * parla_availability_is_bookable:
 *
 * Returns: %TRUE iff parla_availability_compute_slots() over
 *   [start, start + 1) gives the slot starting at @start
 */
gboolean
parla_availability_is_bookable (ParlaAvailability   *self,
                                const ParlaInterval *commitments,
                                guint                n_commitments,
                                gint64               start,
                                int                  duration_minutes,
                                gint64               now)
{
  g_autoptr(GArray) candidates = NULL;

  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n_commitments == 0 || commitments != NULL, FALSE);

  if (start >= MAX_INSTANT)
    return FALSE;

  candidates = collect_candidates (self, commitments, n_commitments,
                                   start, start + 1, duration_minutes, now);
  if (candidates->len == 0)
    return FALSE;

  g_assert (candidates->len == 1 && g_array_index (candidates, ParlaInterval, 0).start == start);

  return !parla_availability_conflicts (self, commitments, n_commitments,
                                        start, start + (gint64) duration_minutes * 60);
}

/**
 * parla_availability_conflicts:
 * @commitments: (array length=n_commitments) (nullable): in any order
 *
 * Returns: %TRUE iff [@start, @end) conflicts with a commitment once both
 *   are widened by the buffers
 */
gboolean
parla_availability_conflicts (ParlaAvailability   *self,
                              const ParlaInterval *commitments,
                              guint                n_commitments,
                              gint64               start,
                              gint64               end)
{
  g_return_val_if_fail (self != NULL, FALSE);
  g_return_val_if_fail (n_commitments == 0 || commitments != NULL, FALSE);

  for (guint i = 0; i < n_commitments; i++)
    if (events_conflict (&self->rules, start, end, &commitments[i]))
      return TRUE;

  return FALSE;
}
