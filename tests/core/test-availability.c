/* test-availability.c: weekly hours, overrides, rules, DST and JSON of ParlaAvailability
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-availability.h"
#include "parla-error.h"
#include "parla-json.h"
#include "parla-time.h"

/* Helpers */

/* Documents are written with single quotes, which become double quotes. */
static JsonNode *
parse_document (const char *text)
{
  g_autofree char *json = g_strdelimit (g_strdup (text), "'", '"');
  g_autoptr(GError) error = NULL;
  JsonNode *node;

  node = parla_json_parse (json, -1, &error);
  g_assert_no_error (error);
  g_assert_nonnull (node);

  return node;
}

static ParlaAvailability *
availability_new (const char *text)
{
  g_autoptr(JsonNode) node = parse_document (text);
  g_autoptr(GError) error = NULL;
  ParlaAvailability *availability;

  availability = parla_availability_new_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_nonnull (availability);

  return availability;
}

static char *
availability_to_string (ParlaAvailability *availability)
{
  g_autoptr(JsonNode) node = parla_availability_to_json (availability);

  return parla_json_to_string (node);
}

static gint64
instant (const char *text)
{
  g_autoptr(GError) error = NULL;
  gint64 value = 0;

  g_assert_true (parla_time_parse_rfc3339 (text, &value, &error));
  g_assert_no_error (error);

  return value;
}

/* "start/end start/end …" in RFC 3339 */
static GArray *
parse_commitments (const char *text)
{
  GArray *commitments = g_array_new (FALSE, FALSE, sizeof (ParlaInterval));
  g_auto(GStrv) items = NULL;

  if (text == NULL)
    return commitments;

  items = g_strsplit (text, " ", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      g_auto(GStrv) ends = g_strsplit (items[i], "/", -1);
      ParlaInterval commitment;

      g_assert_cmpuint (g_strv_length (ends), ==, 2);
      commitment.start = instant (ends[0]);
      commitment.end = instant (ends[1]);
      g_array_append_val (commitments, commitment);
    }

  return commitments;
}

static const ParlaInterval *
commitments_data (GArray *commitments)
{
  return commitments->len > 0 ? (const ParlaInterval *) (gpointer) commitments->data : NULL;
}

/* The slot starts, space separated, in UTC or in @zone. Also checks that
 * the slots are sorted, unique and @duration_minutes long. */
static char *
format_slots (GArray     *slots,
              int         duration_minutes,
              GTimeZone  *zone)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; i < slots->len; i++)
    {
      const ParlaInterval *slot = &g_array_index (slots, ParlaInterval, i);
      g_autofree char *start = NULL;

      g_assert_cmpint (slot->end - slot->start, ==, (gint64) duration_minutes * 60);
      if (i > 0)
        {
          g_assert_cmpint (g_array_index (slots, ParlaInterval, i - 1).start, <, slot->start);
          g_string_append_c (text, ' ');
        }

      start = zone != NULL ? parla_time_format_local (slot->start, zone)
                           : parla_time_format_rfc3339 (slot->start);
      g_string_append (text, start);
    }

  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
assert_invalid_field (const GError *error,
                      const char   *field)
{
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, field);
}

/* Slot cases: one document, one request, the exact slots */

#define MONDAY_9_12 \
  "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'12:00'}]"

#define BERLIN_SUNDAY(start, end, granularity) \
  "{'time_zone':'Europe/Berlin','weekly':[{'weekday':7,'start':'" start "','end':'" end "'}]," \
  "'rules':{'lead_time_minutes':0,'granularity_minutes':" #granularity "}}"

#define NEW_YORK_SUNDAY(start, end, granularity) \
  "{'time_zone':'America/New_York','weekly':[{'weekday':7,'start':'" start "','end':'" end "'}]," \
  "'rules':{'lead_time_minutes':0,'granularity_minutes':" #granularity "}}"

#define LORD_HOWE_SUNDAY(start, end, granularity) \
  "{'time_zone':'Australia/Lord_Howe','weekly':[{'weekday':7,'start':'" start "','end':'" end "'}]," \
  "'rules':{'lead_time_minutes':0,'granularity_minutes':" #granularity "}}"

#define EVERY_DAY(zone, start, end) \
  "{'time_zone':'" zone "','weekly':[" \
  "{'weekday':1,'start':'" start "','end':'" end "'},{'weekday':2,'start':'" start "','end':'" end "'}," \
  "{'weekday':3,'start':'" start "','end':'" end "'},{'weekday':4,'start':'" start "','end':'" end "'}," \
  "{'weekday':5,'start':'" start "','end':'" end "'},{'weekday':6,'start':'" start "','end':'" end "'}," \
  "{'weekday':7,'start':'" start "','end':'" end "'}],'rules':{'lead_time_minutes':0,'granularity_minutes':60}}"

/* Berlin's spring-forward Sunday 2026-03-29 and fall-back Sunday 2026-10-25 */
#define SPRING_NOW  "2026-03-20T00:00:00Z"
#define SPRING_FROM "2026-03-28T12:00:00Z"
#define SPRING_TO   "2026-03-30T00:00:00Z"
#define FALL_NOW    "2026-10-01T00:00:00Z"
#define FALL_FROM   "2026-10-24T00:00:00Z"
#define FALL_TO     "2026-10-26T00:00:00Z"

/* New York: 2026-03-08 and 2026-11-01; Lord Howe: 2026-10-04 and 2026-04-05 */
#define NY_SPRING_NOW  "2026-03-01T00:00:00Z"
#define NY_SPRING_FROM "2026-03-07T12:00:00Z"
#define NY_SPRING_TO   "2026-03-09T12:00:00Z"
#define NY_FALL_NOW    "2026-10-20T00:00:00Z"
#define NY_FALL_FROM   "2026-10-31T12:00:00Z"
#define NY_FALL_TO     "2026-11-02T12:00:00Z"

typedef struct
{
  const char *path;
  const char *document;
  const char *now;
  const char *from;
  const char *to;
  int         duration;
  const char *commitments;  /* "start/end …", or NULL */
  const char *zone;         /* show the slots in this zone; NULL: UTC */
  const char *expected;     /* the slot starts; NULL: check @count only */
  guint       count;
} SlotCase;

static const SlotCase slot_cases[] = {
  /* Weekly hours */
  { "/core/availability/slots/weekly/basic",
    MONDAY_9_12 ",'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-08T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-01T09:00:00+02:00 2026-06-01T09:30:00+02:00 2026-06-01T10:00:00+02:00 "
    "2026-06-01T10:30:00+02:00 2026-06-01T11:00:00+02:00" },
  { "/core/availability/slots/weekly/utc",
    MONDAY_9_12 ",'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-08T00:00:00Z", 60, NULL, NULL,
    "2026-06-01T07:00:00Z 2026-06-01T07:30:00Z 2026-06-01T08:00:00Z 2026-06-01T08:30:00Z 2026-06-01T09:00:00Z" },
  { "/core/availability/slots/weekly/every-week",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'10:00'}],'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-22T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-01T09:00:00+02:00 2026-06-08T09:00:00+02:00 2026-06-15T09:00:00+02:00" },
  { "/core/availability/slots/weekly/several-ranges",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'14:00','end':'15:30'},"
    "{'weekday':2,'start':'08:00','end':'09:00'},{'weekday':1,'start':'09:00','end':'10:00'}],"
    "'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-03T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-01T09:00:00+02:00 2026-06-01T14:00:00+02:00 2026-06-01T14:30:00+02:00 2026-06-02T08:00:00+02:00" },
  /* Unmerged, 09:00-10:30, 10:00-11:00 and 11:00-11:30 would not give 10:30. */
  { "/core/availability/slots/weekly/overlapping-merged",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'10:00','end':'11:00'},"
    "{'weekday':1,'start':'09:00','end':'10:30'},{'weekday':1,'start':'11:00','end':'11:30'},"
    "{'weekday':1,'start':'09:00','end':'10:30'}],'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-01T09:00:00+02:00 2026-06-01T09:30:00+02:00 2026-06-01T10:00:00+02:00 2026-06-01T10:30:00+02:00" },
  { "/core/availability/slots/weekly/end-24",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'22:00','end':'24:00'},"
    "{'weekday':2,'start':'00:00','end':'01:00'}],'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-03T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-01T22:00:00+02:00 2026-06-01T22:30:00+02:00 2026-06-01T23:00:00+02:00 2026-06-02T00:00:00+02:00" },
  { "/core/availability/slots/weekly/duration-too-long",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'10:00'}],'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 90, NULL, NULL,
    "" },
  { "/core/availability/slots/weekly/empty-week",
    "{'time_zone':'Europe/Berlin','weekly':[]}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-07-01T00:00:00Z", 60, NULL, NULL,
    "" },

  /* Overrides */
  { "/core/availability/slots/override/other-hours",
    MONDAY_9_12 ",'overrides':[{'date':'2026-06-01','ranges':[{'start':'14:00','end':'15:00'}]}],"
    "'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-09T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-01T14:00:00+02:00 2026-06-08T09:00:00+02:00 2026-06-08T09:30:00+02:00 2026-06-08T10:00:00+02:00 "
    "2026-06-08T10:30:00+02:00 2026-06-08T11:00:00+02:00" },
  { "/core/availability/slots/override/day-off",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'10:00'},"
    "{'weekday':2,'start':'09:00','end':'10:00'}],'overrides':[{'date':'2026-06-01','ranges':[]}],"
    "'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-03T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-02T09:00:00+02:00" },
  { "/core/availability/slots/override/extra-day",
    "{'time_zone':'Europe/Berlin','weekly':[],'overrides':[{'date':'2026-06-06','ranges':["
    "{'start':'23:00','end':'24:00'},{'start':'10:00','end':'11:00'}]}],'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-10T00:00:00Z", 60, NULL, "Europe/Berlin",
    "2026-06-06T10:00:00+02:00 2026-06-06T23:00:00+02:00" },

  /* The requested range */
  { "/core/availability/slots/range/bounds",
    MONDAY_9_12 ",'rules':{'lead_time_minutes':0,'granularity_minutes':60}}",
    "2026-06-01T00:00:00Z", "2026-06-01T07:30:00Z", "2026-06-01T09:00:00Z", 60, NULL, NULL,
    "2026-06-01T08:00:00Z" },
  { "/core/availability/slots/range/inverted",
    MONDAY_9_12 ",'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", "2026-06-01T00:00:00Z", 60, NULL, NULL,
    "" },

  /* Berlin, spring forward 02:00 -> 03:00 on 2026-03-29 */
  { "/core/availability/dst/berlin-spring",
    BERLIN_SUNDAY ("01:00", "04:00", 60),
    SPRING_NOW, SPRING_FROM, SPRING_TO, 60, NULL, "Europe/Berlin",
    "2026-03-29T01:00:00+01:00 2026-03-29T03:00:00+02:00" },
  { "/core/availability/dst/berlin-spring-utc",
    BERLIN_SUNDAY ("01:00", "04:00", 60),
    SPRING_NOW, SPRING_FROM, SPRING_TO, 60, NULL, NULL,
    "2026-03-29T00:00:00Z 2026-03-29T01:00:00Z" },
  { "/core/availability/dst/berlin-spring-absolute-steps",
    BERLIN_SUNDAY ("01:00", "04:00", 30),
    SPRING_NOW, SPRING_FROM, SPRING_TO, 60, NULL, "Europe/Berlin",
    "2026-03-29T01:00:00+01:00 2026-03-29T01:30:00+01:00 2026-03-29T03:00:00+02:00" },
  /* 02:30 does not exist: it is 03:30 CEST (GLib's own rule would give 03:00). */
  { "/core/availability/dst/berlin-spring-gap-start",
    BERLIN_SUNDAY ("02:30", "05:00", 30),
    SPRING_NOW, SPRING_FROM, SPRING_TO, 60, NULL, "Europe/Berlin",
    "2026-03-29T03:30:00+02:00 2026-03-29T04:00:00+02:00" },
  { "/core/availability/dst/berlin-spring-gap-end",
    BERLIN_SUNDAY ("00:00", "02:30", 30),
    SPRING_NOW, SPRING_FROM, SPRING_TO, 60, NULL, "Europe/Berlin",
    "2026-03-29T00:00:00+01:00 2026-03-29T00:30:00+01:00 2026-03-29T01:00:00+01:00 2026-03-29T01:30:00+01:00" },
  { "/core/availability/dst/berlin-spring-inside-gap",
    BERLIN_SUNDAY ("02:00", "02:45", 30),
    SPRING_NOW, SPRING_FROM, SPRING_TO, 30, NULL, "Europe/Berlin",
    "2026-03-29T03:00:00+02:00" },
  /* 02:30-03:15 becomes 03:30-03:15 CEST: nothing, and nothing breaks. */
  { "/core/availability/dst/berlin-spring-range-vanishes",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':7,'start':'02:30','end':'03:15'},"
    "{'weekday':7,'start':'09:00','end':'10:00'}],'rules':{'lead_time_minutes':0,'granularity_minutes':15}}",
    SPRING_NOW, SPRING_FROM, SPRING_TO, 15, NULL, "Europe/Berlin",
    "2026-03-29T09:00:00+02:00 2026-03-29T09:15:00+02:00 2026-03-29T09:30:00+02:00 2026-03-29T09:45:00+02:00" },
  /* 01:00-02:30 ends at 03:30 CEST, after 03:00-05:00 begins: 03:00 comes from both. */
  { "/core/availability/dst/berlin-spring-ranges-meet-in-utc",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':7,'start':'01:00','end':'02:30'},"
    "{'weekday':7,'start':'03:00','end':'05:00'}],'rules':{'lead_time_minutes':0,'granularity_minutes':30}}",
    SPRING_NOW, SPRING_FROM, SPRING_TO, 30, NULL, "Europe/Berlin",
    "2026-03-29T01:00:00+01:00 2026-03-29T01:30:00+01:00 2026-03-29T03:00:00+02:00 2026-03-29T03:30:00+02:00 "
    "2026-03-29T04:00:00+02:00 2026-03-29T04:30:00+02:00" },
  /* With 15-minute slots the first range (ending 03:30 CEST) yields 03:15 CEST before the
   * second yields 03:00 CEST: the slots come out of order and must be sorted. */
  { "/core/availability/dst/berlin-spring-ranges-cross-in-utc",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':7,'start':'01:00','end':'02:30'},"
    "{'weekday':7,'start':'03:00','end':'04:00'}],'rules':{'lead_time_minutes':0,'granularity_minutes':15}}",
    SPRING_NOW, SPRING_FROM, SPRING_TO, 15, NULL, "Europe/Berlin",
    "2026-03-29T01:00:00+01:00 2026-03-29T01:15:00+01:00 2026-03-29T01:30:00+01:00 2026-03-29T01:45:00+01:00 "
    "2026-03-29T03:00:00+02:00 2026-03-29T03:15:00+02:00 2026-03-29T03:30:00+02:00 2026-03-29T03:45:00+02:00" },
  { "/core/availability/dst/berlin-spring-whole-days",
    EVERY_DAY ("Europe/Berlin", "00:00", "24:00"),
    SPRING_NOW, "2026-03-27T23:00:00Z", "2026-03-30T22:00:00Z", 60, NULL, NULL,
    NULL, 24 + 23 + 24 },
  { "/core/availability/dst/berlin-spring-week",
    EVERY_DAY ("Europe/Berlin", "09:00", "17:00"),
    SPRING_NOW, "2026-03-26T23:00:00Z", "2026-03-31T22:00:00Z", 60, NULL, NULL,
    NULL, 5 * 8 },

  /* Berlin, fall back 03:00 -> 02:00 on 2026-10-25 */
  { "/core/availability/dst/berlin-fall",
    BERLIN_SUNDAY ("01:00", "04:00", 60),
    FALL_NOW, FALL_FROM, FALL_TO, 60, NULL, "Europe/Berlin",
    "2026-10-25T01:00:00+02:00 2026-10-25T02:00:00+02:00 2026-10-25T02:00:00+01:00 2026-10-25T03:00:00+01:00" },
  { "/core/availability/dst/berlin-fall-utc",
    BERLIN_SUNDAY ("01:00", "04:00", 60),
    FALL_NOW, FALL_FROM, FALL_TO, 60, NULL, NULL,
    "2026-10-24T23:00:00Z 2026-10-25T00:00:00Z 2026-10-25T01:00:00Z 2026-10-25T02:00:00Z" },
  /* 02:30 happens twice: the range starts at the first. */
  { "/core/availability/dst/berlin-fall-twice-start",
    BERLIN_SUNDAY ("02:30", "04:00", 60),
    FALL_NOW, FALL_FROM, FALL_TO, 60, NULL, "Europe/Berlin",
    "2026-10-25T02:30:00+02:00 2026-10-25T02:30:00+01:00" },
  { "/core/availability/dst/berlin-fall-twice-end",
    BERLIN_SUNDAY ("01:00", "02:30", 30),
    FALL_NOW, FALL_FROM, FALL_TO, 60, NULL, "Europe/Berlin",
    "2026-10-25T01:00:00+02:00 2026-10-25T01:30:00+02:00" },
  { "/core/availability/dst/berlin-fall-whole-days",
    EVERY_DAY ("Europe/Berlin", "00:00", "24:00"),
    FALL_NOW, "2026-10-23T22:00:00Z", "2026-10-26T23:00:00Z", 60, NULL, NULL,
    NULL, 24 + 25 + 24 },

  /* New York */
  { "/core/availability/dst/new-york-spring",
    NEW_YORK_SUNDAY ("01:00", "04:00", 60),
    NY_SPRING_NOW, NY_SPRING_FROM, NY_SPRING_TO, 60, NULL, "America/New_York",
    "2026-03-08T01:00:00-05:00 2026-03-08T03:00:00-04:00" },
  { "/core/availability/dst/new-york-spring-gap-start",
    NEW_YORK_SUNDAY ("02:30", "04:00", 30),
    NY_SPRING_NOW, NY_SPRING_FROM, NY_SPRING_TO, 30, NULL, "America/New_York",
    "2026-03-08T03:30:00-04:00" },
  { "/core/availability/dst/new-york-fall",
    NEW_YORK_SUNDAY ("00:00", "03:00", 60),
    NY_FALL_NOW, NY_FALL_FROM, NY_FALL_TO, 60, NULL, "America/New_York",
    "2026-11-01T00:00:00-04:00 2026-11-01T01:00:00-04:00 2026-11-01T01:00:00-05:00 2026-11-01T02:00:00-05:00" },
  { "/core/availability/dst/new-york-fall-twice-start",
    NEW_YORK_SUNDAY ("01:30", "02:30", 60),
    NY_FALL_NOW, NY_FALL_FROM, NY_FALL_TO, 60, NULL, "America/New_York",
    "2026-11-01T01:30:00-04:00 2026-11-01T01:30:00-05:00" },
  { "/core/availability/dst/new-york-spring-week",
    EVERY_DAY ("America/New_York", "00:00", "24:00"),
    NY_SPRING_NOW, "2026-03-05T05:00:00Z", "2026-03-12T04:00:00Z", 60, NULL, NULL,
    NULL, 7 * 24 - 1 },

  /* Lord Howe moves by 30 minutes: back 02:00 -> 01:30, forward 02:00 -> 02:30 */
  { "/core/availability/dst/lord-howe-back",
    LORD_HOWE_SUNDAY ("01:00", "03:00", 30),
    "2026-03-20T00:00:00Z", "2026-04-03T00:00:00Z", "2026-04-06T00:00:00Z", 30, NULL, "Australia/Lord_Howe",
    "2026-04-05T01:00:00+11:00 2026-04-05T01:30:00+11:00 2026-04-05T01:30:00+10:30 2026-04-05T02:00:00+10:30 "
    "2026-04-05T02:30:00+10:30" },
  { "/core/availability/dst/lord-howe-forward",
    LORD_HOWE_SUNDAY ("01:00", "04:00", 30),
    "2026-09-20T00:00:00Z", "2026-10-02T00:00:00Z", "2026-10-05T00:00:00Z", 60, NULL, "Australia/Lord_Howe",
    "2026-10-04T01:00:00+10:30 2026-10-04T01:30:00+10:30 2026-10-04T02:30:00+11:00 2026-10-04T03:00:00+11:00" },
  { "/core/availability/dst/lord-howe-gap-start",
    LORD_HOWE_SUNDAY ("02:15", "03:15", 30),
    "2026-09-20T00:00:00Z", "2026-10-02T00:00:00Z", "2026-10-05T00:00:00Z", 30, NULL, "Australia/Lord_Howe",
    "2026-10-04T02:45:00+11:00" },

  /* A learner in Tokyo sees the teacher's DST Sundays in their own time. */
  { "/core/availability/dst/viewer-tokyo-spring",
    BERLIN_SUNDAY ("01:00", "04:00", 60),
    SPRING_NOW, SPRING_FROM, SPRING_TO, 60, NULL, "Asia/Tokyo",
    "2026-03-29T09:00:00+09:00 2026-03-29T10:00:00+09:00" },
  { "/core/availability/dst/viewer-tokyo-fall",
    BERLIN_SUNDAY ("01:00", "04:00", 60),
    FALL_NOW, FALL_FROM, FALL_TO, 60, NULL, "Asia/Tokyo",
    "2026-10-25T08:00:00+09:00 2026-10-25T09:00:00+09:00 2026-10-25T10:00:00+09:00 2026-10-25T11:00:00+09:00" },

  /* Lead time and horizon */
  { "/core/availability/rules/lead-time/default",
    MONDAY_9_12 "}",
    "2026-06-01T06:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60, NULL, NULL,
    "2026-06-01T08:00:00Z 2026-06-01T08:30:00Z 2026-06-01T09:00:00Z" },
  { "/core/availability/rules/lead-time/keeps-grid",
    MONDAY_9_12 "}",
    "2026-06-01T06:10:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60, NULL, NULL,
    "2026-06-01T08:30:00Z 2026-06-01T09:00:00Z" },
  { "/core/availability/rules/lead-time/zero-never-past",
    MONDAY_9_12 ",'rules':{'lead_time_minutes':0,'granularity_minutes':60}}",
    "2026-06-01T07:00:01Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60, NULL, NULL,
    "2026-06-01T08:00:00Z 2026-06-01T09:00:00Z" },
  { "/core/availability/rules/lead-time/long",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'10:00'}],"
    "'rules':{'lead_time_minutes':10080}}",
    "2026-06-01T07:00:00Z", "2026-06-01T00:00:00Z", "2026-06-16T00:00:00Z", 60, NULL, NULL,
    "2026-06-08T07:00:00Z 2026-06-15T07:00:00Z" },
  { "/core/availability/rules/horizon/inclusive",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'12:00'},"
    "{'weekday':2,'start':'09:00','end':'12:00'}],"
    "'rules':{'lead_time_minutes':0,'horizon_days':1,'granularity_minutes':60}}",
    "2026-06-01T07:00:00Z", "2026-06-01T00:00:00Z", "2026-06-03T00:00:00Z", 60, NULL, NULL,
    "2026-06-01T07:00:00Z 2026-06-01T08:00:00Z 2026-06-01T09:00:00Z 2026-06-02T07:00:00Z" },
  { "/core/availability/rules/horizon/default",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'10:00'}],"
    "'rules':{'lead_time_minutes':0}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-09-01T00:00:00Z", 60, NULL, NULL,
    NULL, 9 },

  /* Granularity */
  { "/core/availability/rules/granularity/15",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'10:00'}],"
    "'rules':{'lead_time_minutes':0,'granularity_minutes':15}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 30, NULL, NULL,
    "2026-06-01T07:00:00Z 2026-06-01T07:15:00Z 2026-06-01T07:30:00Z" },
  { "/core/availability/rules/granularity/45",
    MONDAY_9_12 ",'rules':{'lead_time_minutes':0,'granularity_minutes':45}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60, NULL, NULL,
    "2026-06-01T07:00:00Z 2026-06-01T07:45:00Z 2026-06-01T08:30:00Z" },

  /* Buffers, against a commitment 10:00-11:00 local */
  { "/core/availability/rules/buffers/none-adjacent",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'08:00','end':'13:00'}],"
    "'rules':{'lead_time_minutes':0,'granularity_minutes':60}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60,
    "2026-06-01T08:00:00Z/2026-06-01T09:00:00Z", NULL,
    "2026-06-01T06:00:00Z 2026-06-01T07:00:00Z 2026-06-01T09:00:00Z 2026-06-01T10:00:00Z" },
  { "/core/availability/rules/buffers/before-and-after",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'08:00','end':'13:00'}],"
    "'rules':{'lead_time_minutes':0,'buffer_before_minutes':10,'buffer_after_minutes':20}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60,
    "2026-06-01T08:00:00Z/2026-06-01T09:00:00Z", NULL,
    "2026-06-01T06:00:00Z 2026-06-01T06:30:00Z 2026-06-01T09:30:00Z 2026-06-01T10:00:00Z" },
  { "/core/availability/rules/buffers/before-only",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'08:00','end':'13:00'}],"
    "'rules':{'lead_time_minutes':0,'buffer_before_minutes':30}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60,
    "2026-06-01T08:00:00Z/2026-06-01T09:00:00Z", NULL,
    "2026-06-01T06:00:00Z 2026-06-01T06:30:00Z 2026-06-01T09:30:00Z 2026-06-01T10:00:00Z" },
  { "/core/availability/rules/buffers/after-only",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'08:00','end':'13:00'}],"
    "'rules':{'lead_time_minutes':0,'buffer_after_minutes':30}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60,
    "2026-06-01T08:00:00Z/2026-06-01T09:00:00Z", NULL,
    "2026-06-01T06:00:00Z 2026-06-01T06:30:00Z 2026-06-01T09:30:00Z 2026-06-01T10:00:00Z" },
  { "/core/availability/rules/buffers/one-minute-short",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'08:00','end':'13:00'}],"
    "'rules':{'lead_time_minutes':0,'buffer_before_minutes':16,'buffer_after_minutes':15}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60,
    "2026-06-01T08:00:00Z/2026-06-01T09:00:00Z", NULL,
    "2026-06-01T06:00:00Z 2026-06-01T10:00:00Z" },

  /* max_per_day counts by the teacher's date: 22:30Z on Monday is Tuesday 00:30 in Berlin. */
  { "/core/availability/rules/max-per-day/local-date",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'11:00'},"
    "{'weekday':2,'start':'09:00','end':'11:00'},{'weekday':3,'start':'09:00','end':'11:00'}],"
    "'rules':{'lead_time_minutes':0,'granularity_minutes':60,'max_per_day':2}}",
    "2026-05-30T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-04T00:00:00Z", 60,
    "2026-06-01T05:00:00Z/2026-06-01T06:00:00Z 2026-06-01T22:30:00Z/2026-06-01T23:00:00Z "
    "2026-06-02T05:00:00Z/2026-06-02T06:00:00Z 2026-06-03T21:59:00Z/2026-06-03T21:59:30Z", NULL,
    "2026-06-01T07:00:00Z 2026-06-01T08:00:00Z 2026-06-03T07:00:00Z 2026-06-03T08:00:00Z" },
  { "/core/availability/rules/max-per-day/unlimited",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'11:00'},"
    "{'weekday':2,'start':'09:00','end':'11:00'},{'weekday':3,'start':'09:00','end':'11:00'}],"
    "'rules':{'lead_time_minutes':0,'granularity_minutes':60}}",
    "2026-05-30T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-04T00:00:00Z", 60,
    "2026-06-01T05:00:00Z/2026-06-01T06:00:00Z 2026-06-01T22:30:00Z/2026-06-01T23:00:00Z "
    "2026-06-02T05:00:00Z/2026-06-02T06:00:00Z 2026-06-03T21:59:00Z/2026-06-03T21:59:30Z", NULL,
    "2026-06-01T07:00:00Z 2026-06-01T08:00:00Z 2026-06-02T07:00:00Z 2026-06-02T08:00:00Z "
    "2026-06-03T07:00:00Z 2026-06-03T08:00:00Z" },

  /* Unsorted and overlapping: 10:00Z-11:00Z is blocked by 08:00Z-11:30Z, not by
   * 09:00Z-10:00Z, which starts later and ends sooner. */
  { "/core/availability/rules/commitments/unsorted-overlapping",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'17:00'}],"
    "'rules':{'lead_time_minutes':0,'granularity_minutes':60}}",
    "2026-06-01T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-02T00:00:00Z", 60,
    "2026-06-01T12:00:00Z/2026-06-01T13:00:00Z 2026-06-01T08:00:00Z/2026-06-01T11:30:00Z "
    "2026-06-01T09:00:00Z/2026-06-01T10:00:00Z 2026-06-01T11:00:00Z/2026-06-01T11:15:00Z", NULL,
    "2026-06-01T07:00:00Z 2026-06-01T13:00:00Z 2026-06-01T14:00:00Z" },
  { "/core/availability/rules/commitments/several-days-long",
    "{'time_zone':'Europe/Berlin','weekly':[{'weekday':1,'start':'09:00','end':'11:00'},"
    "{'weekday':2,'start':'09:00','end':'11:00'}],'rules':{'lead_time_minutes':0,'granularity_minutes':60}}",
    "2026-05-20T00:00:00Z", "2026-06-01T00:00:00Z", "2026-06-03T00:00:00Z", 60,
    "2026-05-31T00:00:00Z/2026-06-02T08:00:00Z 2026-06-02T06:00:00Z/2026-06-02T06:30:00Z", NULL,
    "2026-06-02T08:00:00Z" },
};

static void
test_slot_case (gconstpointer data)
{
  const SlotCase *c = data;
  g_autoptr(ParlaAvailability) availability = availability_new (c->document);
  g_autoptr(GArray) commitments = parse_commitments (c->commitments);
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autofree char *text = NULL;
  gint64 now = instant (c->now);

  if (c->zone != NULL)
    {
      zone = g_time_zone_new_identifier (c->zone);
      g_assert_nonnull (zone);
    }

  slots = parla_availability_compute_slots (availability,
                                            commitments_data (commitments), commitments->len,
                                            instant (c->from), instant (c->to), c->duration, now);
  text = format_slots (slots, c->duration, zone);

  if (c->expected != NULL)
    g_assert_cmpstr (text, ==, c->expected);
  else
    g_assert_cmpuint (slots->len, ==, c->count);

  /* Every slot is bookable on its own, and nothing a minute later is. */
  for (guint i = 0; i < slots->len; i++)
    {
      const ParlaInterval *slot = &g_array_index (slots, ParlaInterval, i);

      g_assert_true (parla_availability_is_bookable (availability,
                                                     commitments_data (commitments), commitments->len,
                                                     slot->start, c->duration, now));
      g_assert_false (parla_availability_is_bookable (availability,
                                                      commitments_data (commitments), commitments->len,
                                                      slot->start + 60, c->duration, now));
    }
}

/* Building through the API */

static void
test_api_build (void)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autofree char *json = NULL;
  g_autofree char *text = NULL;
  ParlaAvailabilityRules rules = {
    .lead_time_minutes = 0,
    .buffer_before_minutes = 0,
    .buffer_after_minutes = 0,
    .max_per_day = 0,
    .horizon_days = 60,
    .granularity_minutes = 60,
  };

  availability = parla_availability_new ("Europe/Berlin", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parla_availability_get_time_zone (availability), ==, "Europe/Berlin");
  g_assert_nonnull (parla_availability_get_zone (availability));
  g_assert_cmpint (parla_availability_get_rules (availability)->lead_time_minutes, ==, 120);
  g_assert_cmpint (parla_availability_get_rules (availability)->granularity_minutes, ==, 30);

  parla_availability_add_weekly (availability, 1, 13 * 60, 14 * 60);
  parla_availability_add_weekly (availability, 1, 9 * 60, 10 * 60);
  parla_availability_add_weekly (availability, 7, 23 * 60, 24 * 60);
  parla_availability_add_override (availability, 2026, 6, 8, 15 * 60, 16 * 60);
  parla_availability_add_day_off (availability, 2026, 6, 15);
  parla_availability_set_rules (availability, &rules);
  g_assert_cmpint (parla_availability_get_rules (availability)->granularity_minutes, ==, 60);

  json = availability_to_string (availability);
  g_assert_cmpstr (json, ==,
                   "{\"time_zone\":\"Europe/Berlin\",\"weekly\":["
                   "{\"weekday\":1,\"start\":\"09:00\",\"end\":\"10:00\"},"
                   "{\"weekday\":1,\"start\":\"13:00\",\"end\":\"14:00\"},"
                   "{\"weekday\":7,\"start\":\"23:00\",\"end\":\"24:00\"}],"
                   "\"overrides\":[{\"date\":\"2026-06-08\",\"ranges\":[{\"start\":\"15:00\",\"end\":\"16:00\"}]},"
                   "{\"date\":\"2026-06-15\",\"ranges\":[]}],"
                   "\"rules\":{\"lead_time_minutes\":0,\"buffer_before_minutes\":0,\"buffer_after_minutes\":0,"
                   "\"max_per_day\":0,\"horizon_days\":60,\"granularity_minutes\":60}}");

  slots = parla_availability_compute_slots (availability, NULL, 0,
                                            instant ("2026-06-01T00:00:00Z"),
                                            instant ("2026-06-22T00:00:00Z"),
                                            60, instant ("2026-06-01T00:00:00Z"));
  text = format_slots (slots, 60, parla_availability_get_zone (availability));
  g_assert_cmpstr (text, ==,
                   "2026-06-01T09:00:00+02:00 2026-06-01T13:00:00+02:00 2026-06-07T23:00:00+02:00 "
                   "2026-06-08T15:00:00+02:00 2026-06-14T23:00:00+02:00 2026-06-21T23:00:00+02:00");
}

static void
test_api_override_then_day_off (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new (MONDAY_9_12 ",'rules':{'lead_time_minutes':0}}");
  g_autoptr(GArray) slots = NULL;

  parla_availability_add_override (availability, 2026, 6, 1, 14 * 60, 15 * 60);
  parla_availability_add_day_off (availability, 2026, 6, 1);

  slots = parla_availability_compute_slots (availability, NULL, 0,
                                            instant ("2026-06-01T00:00:00Z"),
                                            instant ("2026-06-02T00:00:00Z"),
                                            30, instant ("2026-06-01T00:00:00Z"));
  g_assert_cmpuint (slots->len, ==, 0);
}

static void
test_api_bad_zone (void)
{
  const char *zones[] = { "Mars/Base", "+02:00", "", "CET+1", "../etc/passwd" };

  for (guint i = 0; i < G_N_ELEMENTS (zones); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(ParlaAvailability) availability = parla_availability_new (zones[i], &error);

      g_assert_null (availability);
      assert_invalid_field (error, "time_zone");
    }
}

static void
test_api_boxed (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new ("{'time_zone':'UTC','weekly':[]}");
  ParlaAvailability *copy;

  g_assert_true (G_TYPE_IS_BOXED (PARLA_TYPE_AVAILABILITY));
  copy = g_boxed_copy (PARLA_TYPE_AVAILABILITY, availability);
  g_assert_true (copy == availability);
  g_boxed_free (PARLA_TYPE_AVAILABILITY, copy);

  g_assert_true (parla_availability_ref (availability) == availability);
  parla_availability_unref (availability);
}

static void
test_api_misuse (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new ("{'time_zone':'UTC','weekly':[]}");
  ParlaAvailabilityRules rules = *parla_availability_get_rules (availability);
  g_autofree char *before = availability_to_string (availability);
  g_autofree char *after = NULL;

  g_test_expect_message ("parla-core", G_LOG_LEVEL_CRITICAL, "*weekday*");
  parla_availability_add_weekly (availability, 8, 0, 60);
  g_test_assert_expected_messages ();

  g_test_expect_message ("parla-core", G_LOG_LEVEL_CRITICAL, "*end_minute*");
  parla_availability_add_weekly (availability, 1, 600, 600);
  g_test_assert_expected_messages ();

  g_test_expect_message ("parla-core", G_LOG_LEVEL_CRITICAL, "*date_is_valid*");
  parla_availability_add_day_off (availability, 2026, 2, 30);
  g_test_assert_expected_messages ();

  rules.granularity_minutes = 1;
  g_test_expect_message ("parla-core", G_LOG_LEVEL_CRITICAL, "*rules_are_valid*");
  parla_availability_set_rules (availability, &rules);
  g_test_assert_expected_messages ();

  after = availability_to_string (availability);
  g_assert_cmpstr (before, ==, after);
}

/* is_bookable and conflicts */

static void
test_bookable_basic (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new (MONDAY_9_12 ",'rules':{'lead_time_minutes':0}}");
  ParlaInterval busy = { instant ("2026-06-01T08:00:00Z"), instant ("2026-06-01T09:00:00Z") };
  gint64 now = instant ("2026-06-01T00:00:00Z");

  g_assert_true (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-01T07:30:00Z"), 60, now));
  g_assert_true (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-01T09:00:00Z"), 60, now));
  /* off the grid, running past 12:00, on a Tuesday */
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-01T07:15:00Z"), 60, now));
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-01T09:30:00Z"), 60, now));
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-02T07:30:00Z"), 60, now));
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-01T07:30:00Z"), 0, now));

  /* commitments */
  g_assert_false (parla_availability_is_bookable (availability, &busy, 1, instant ("2026-06-01T07:30:00Z"), 60, now));
  g_assert_true (parla_availability_is_bookable (availability, &busy, 1, instant ("2026-06-01T07:00:00Z"), 60, now));
  g_assert_true (parla_availability_is_bookable (availability, &busy, 1, instant ("2026-06-01T09:00:00Z"), 60, now));

  /* lead time, past, horizon */
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-01T07:30:00Z"), 60,
                                                  instant ("2026-06-01T07:30:01Z")));
  g_assert_true (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-06-01T07:30:00Z"), 60,
                                                 instant ("2026-06-01T07:30:00Z")));
  g_assert_true (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-07-27T07:00:00Z"), 60, now));
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-08-03T07:00:00Z"), 60, now));
}

static void
test_bookable_dst (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new (BERLIN_SUNDAY ("02:30", "05:00", 30));
  gint64 now = instant (SPRING_NOW);

  /* 02:30 is 03:30 CEST; GLib alone would have made it 03:00. */
  g_assert_true (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-03-29T01:30:00Z"), 60, now));
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-03-29T01:00:00Z"), 60, now));
  g_assert_false (parla_availability_is_bookable (availability, NULL, 0, instant ("2026-03-29T02:30:00Z"), 60, now));
}

/* is_bookable() gives exactly the slots of a whole range, every 5 minutes
 * across both DST changes, with buffers, max_per_day and commitments. */
static void
test_bookable_matches_slots (void)
{
  static const struct {
    const char *from;
    const char *to;
  } ranges[] = {
    { "2026-03-27T00:00:00Z", "2026-03-31T00:00:00Z" },
    { "2026-10-23T00:00:00Z", "2026-10-27T00:00:00Z" },
  };
  g_autoptr(ParlaAvailability) availability = availability_new (
    "{'time_zone':'Europe/Berlin','weekly':["
    "{'weekday':7,'start':'00:00','end':'02:30'},{'weekday':7,'start':'03:00','end':'05:00'},"
    "{'weekday':7,'start':'22:00','end':'24:00'},{'weekday':6,'start':'01:45','end':'03:15'},"
    "{'weekday':1,'start':'02:30','end':'04:00'},{'weekday':5,'start':'08:00','end':'20:00'}],"
    "'rules':{'lead_time_minutes':0,'granularity_minutes':15,'buffer_before_minutes':5,"
    "'buffer_after_minutes':10,'max_per_day':3}}");
  g_autoptr(GArray) commitments = parse_commitments (
    "2026-03-27T10:00:00Z/2026-03-27T11:00:00Z 2026-03-29T01:10:00Z/2026-03-29T01:40:00Z "
    "2026-10-23T12:00:00Z/2026-10-23T12:45:00Z 2026-10-25T00:20:00Z/2026-10-25T00:50:00Z "
    "2026-10-23T06:00:00Z/2026-10-23T06:30:00Z 2026-10-23T15:00:00Z/2026-10-23T15:30:00Z");
  gint64 now = instant ("2026-03-01T00:00:00Z");

  for (guint r = 0; r < G_N_ELEMENTS (ranges); r++)
    {
      gint64 from = instant (ranges[r].from);
      gint64 to = instant (ranges[r].to);
      g_autoptr(GArray) slots = NULL;
      guint next = 0;
      guint bookable = 0;

      if (r == 1)
        now = instant ("2026-10-01T00:00:00Z");

      slots = parla_availability_compute_slots (availability,
                                                commitments_data (commitments), commitments->len,
                                                from, to, 45, now);
      g_assert_cmpuint (slots->len, >, 20);

      for (gint64 t = from; t < to; t += 5 * 60)
        {
          gboolean in_slots = next < slots->len && g_array_index (slots, ParlaInterval, next).start == t;

          if (in_slots)
            next++;
          if (parla_availability_is_bookable (availability,
                                              commitments_data (commitments), commitments->len,
                                              t, 45, now))
            bookable++;
          else
            g_assert_false (in_slots);
        }

      g_assert_cmpuint (next, ==, slots->len);
      g_assert_cmpuint (bookable, ==, slots->len);
    }
}

static void
test_conflicts (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new ("{'time_zone':'Europe/Berlin','weekly':[]}");
  g_autoptr(ParlaAvailability) buffered = availability_new (
    "{'time_zone':'Europe/Berlin','weekly':[],'rules':{'buffer_before_minutes':15,'buffer_after_minutes':15}}");
  g_autoptr(GArray) commitments = parse_commitments (
    "2026-06-01T14:00:00Z/2026-06-01T15:00:00Z 2026-06-01T10:00:00Z/2026-06-01T11:00:00Z");
  static const struct {
    const char *start;
    const char *end;
    gboolean    plain;
    gboolean    with_buffers;
  } cases[] = {
    { "2026-06-01T09:00:00Z", "2026-06-01T10:00:00Z", FALSE, TRUE },
    { "2026-06-01T11:00:00Z", "2026-06-01T12:00:00Z", FALSE, TRUE },
    { "2026-06-01T09:30:00Z", "2026-06-01T10:30:00Z", TRUE, TRUE },
    { "2026-06-01T10:15:00Z", "2026-06-01T10:45:00Z", TRUE, TRUE },
    { "2026-06-01T08:00:00Z", "2026-06-01T13:00:00Z", TRUE, TRUE },
    { "2026-06-01T09:00:00Z", "2026-06-01T09:30:00Z", FALSE, FALSE },
    { "2026-06-01T09:00:00Z", "2026-06-01T09:31:00Z", FALSE, TRUE },
    { "2026-06-01T11:30:00Z", "2026-06-01T12:00:00Z", FALSE, FALSE },
    { "2026-06-01T11:29:00Z", "2026-06-01T12:00:00Z", FALSE, TRUE },
    { "2026-06-01T12:00:00Z", "2026-06-01T13:30:00Z", FALSE, FALSE },
    { "2026-06-01T12:00:00Z", "2026-06-01T13:31:00Z", FALSE, TRUE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 start = instant (cases[i].start);
      gint64 end = instant (cases[i].end);

      g_test_message ("[%s, %s)", cases[i].start, cases[i].end);
      g_assert_cmpint (parla_availability_conflicts (availability, commitments_data (commitments),
                                                     commitments->len, start, end), ==, cases[i].plain);
      g_assert_cmpint (parla_availability_conflicts (buffered, commitments_data (commitments),
                                                     commitments->len, start, end), ==, cases[i].with_buffers);
    }

  g_assert_false (parla_availability_conflicts (buffered, NULL, 0,
                                                instant ("2026-06-01T10:00:00Z"), instant ("2026-06-01T11:00:00Z")));
}

/* The sweep against a naive check of every slot and every commitment:
 * 60 days, 200 random commitments (fixed seed), buffers and max_per_day. */
static void
test_sweep_matches_naive (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new (
    "{'time_zone':'America/New_York','weekly':["
    "{'weekday':1,'start':'08:00','end':'20:00'},{'weekday':2,'start':'08:00','end':'12:00'},"
    "{'weekday':2,'start':'13:00','end':'21:00'},{'weekday':3,'start':'00:00','end':'24:00'},"
    "{'weekday':4,'start':'08:00','end':'20:00'},{'weekday':5,'start':'06:00','end':'23:00'},"
    "{'weekday':6,'start':'10:00','end':'14:00'},{'weekday':7,'start':'01:00','end':'04:00'}],"
    "'rules':{'lead_time_minutes':120,'granularity_minutes':15,'buffer_before_minutes':10,"
    "'buffer_after_minutes':5,'max_per_day':4,'horizon_days':90}}");
  g_autoptr(GTimeZone) zone = g_time_zone_new_identifier ("America/New_York");
  g_autoptr(GArray) commitments = g_array_new (FALSE, FALSE, sizeof (ParlaInterval));
  g_autoptr(GArray) candidates = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GArray) expected = g_array_new (FALSE, FALSE, sizeof (ParlaInterval));
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260308);
  gint64 now = instant ("2026-02-20T15:17:00Z");
  gint64 from = instant ("2026-02-20T00:00:00Z");
  gint64 to = from + 60 * 86400;
  gint64 started;
  gint64 elapsed;

  for (guint i = 0; i < 200; i++)
    {
      ParlaInterval commitment;

      commitment.start = from + (gint64) g_rand_int_range (rand, -2 * 1440, 62 * 1440) * 60;
      commitment.end = commitment.start + (gint64) g_rand_int_range (rand, 15, 180) * 60;
      g_array_append_val (commitments, commitment);
    }

  started = g_get_monotonic_time ();
  slots = parla_availability_compute_slots (availability,
                                            commitments_data (commitments), commitments->len,
                                            from, to, 45, now);
  elapsed = g_get_monotonic_time () - started;
  g_test_message ("60 days, 200 commitments: %u slots in %" G_GINT64_FORMAT " us", slots->len, elapsed);
  g_assert_cmpint (elapsed, <, G_USEC_PER_SEC / 2);

  /* Without commitments, then filtered the slow way. */
  candidates = parla_availability_compute_slots (availability, NULL, 0, from, to, 45, now);
  for (guint i = 0; i < candidates->len; i++)
    {
      const ParlaInterval *slot = &g_array_index (candidates, ParlaInterval, i);
      g_autoptr(GDateTime) slot_utc = g_date_time_new_from_unix_utc (slot->start);
      g_autoptr(GDateTime) slot_time = g_date_time_to_timezone (slot_utc, zone);
      int same_day = 0;

      for (guint j = 0; j < commitments->len; j++)
        {
          const ParlaInterval *c = &g_array_index (commitments, ParlaInterval, j);
          g_autoptr(GDateTime) c_utc = g_date_time_new_from_unix_utc (c->start);
          g_autoptr(GDateTime) c_time = g_date_time_to_timezone (c_utc, zone);

          if (g_date_time_get_year (c_time) == g_date_time_get_year (slot_time) &&
              g_date_time_get_day_of_year (c_time) == g_date_time_get_day_of_year (slot_time))
            same_day++;
        }

      if (same_day >= 4 ||
          parla_availability_conflicts (availability, commitments_data (commitments), commitments->len,
                                        slot->start, slot->end))
        continue;

      g_array_append_val (expected, *slot);
    }

  g_assert_cmpuint (candidates->len, >, 1000);
  g_assert_cmpuint (expected->len, <, candidates->len);
  g_assert_cmpuint (slots->len, ==, expected->len);
  g_assert_cmpmem (slots->data, slots->len * sizeof (ParlaInterval),
                   expected->data, expected->len * sizeof (ParlaInterval));
}

/* JSON */

static void
test_json_round_trip (void)
{
  const char *normalized =
    "{\"time_zone\":\"Europe/Berlin\",\"weekly\":["
    "{\"weekday\":1,\"start\":\"09:00\",\"end\":\"12:00\"},"
    "{\"weekday\":1,\"start\":\"13:00\",\"end\":\"15:00\"},"
    "{\"weekday\":3,\"start\":\"00:00\",\"end\":\"24:00\"},"
    "{\"weekday\":3,\"start\":\"14:00\",\"end\":\"24:00\"}],"
    "\"overrides\":["
    "{\"date\":\"2026-12-24\",\"ranges\":[{\"start\":\"10:00\",\"end\":\"12:00\"},{\"start\":\"15:00\",\"end\":\"16:00\"}]},"
    "{\"date\":\"2026-12-31\",\"ranges\":[]}],"
    "\"rules\":{\"lead_time_minutes\":60,\"buffer_before_minutes\":5,\"buffer_after_minutes\":10,"
    "\"max_per_day\":4,\"horizon_days\":90,\"granularity_minutes\":15}}";
  g_autoptr(ParlaAvailability) first = availability_new (
    "{'note':'unknown members are ignored','time_zone':'Europe/Berlin','weekly':["
    "{'weekday':3,'start':'14:00','end':'24:00','label':'x'},{'weekday':1,'start':'13:00','end':'15:00'},"
    "{'weekday':3,'start':'00:00','end':'24:00'},{'weekday':1,'start':'09:00','end':'12:00'}],"
    "'overrides':[{'date':'2026-12-31','ranges':[]},"
    "{'date':'2026-12-24','ranges':[{'start':'15:00','end':'16:00'},{'start':'10:00','end':'12:00'}]}],"
    "'rules':{'granularity_minutes':15,'lead_time_minutes':60,'buffer_before_minutes':5,"
    "'buffer_after_minutes':10,'max_per_day':4,'horizon_days':90,'extra':true}}");
  g_autoptr(ParlaAvailability) second = NULL;
  g_autofree char *first_text = availability_to_string (first);
  g_autofree char *second_text = NULL;

  g_assert_cmpstr (first_text, ==, normalized);

  second = availability_new (first_text);
  second_text = availability_to_string (second);
  g_assert_cmpstr (second_text, ==, normalized);
}

static void
test_json_defaults (void)
{
  g_autoptr(ParlaAvailability) minimal = availability_new ("{'time_zone':'UTC','weekly':[]}");
  g_autoptr(ParlaAvailability) partial = availability_new (
    "{'time_zone':'Asia/Tokyo','weekly':[],'overrides':[],'rules':{'granularity_minutes':15}}");
  g_autofree char *text = availability_to_string (minimal);
  const ParlaAvailabilityRules *rules = parla_availability_get_rules (partial);

  g_assert_cmpstr (text, ==,
                   "{\"time_zone\":\"UTC\",\"weekly\":[],\"overrides\":[],"
                   "\"rules\":{\"lead_time_minutes\":120,\"buffer_before_minutes\":0,\"buffer_after_minutes\":0,"
                   "\"max_per_day\":0,\"horizon_days\":60,\"granularity_minutes\":30}}");

  g_assert_cmpint (rules->lead_time_minutes, ==, 120);
  g_assert_cmpint (rules->buffer_before_minutes, ==, 0);
  g_assert_cmpint (rules->buffer_after_minutes, ==, 0);
  g_assert_cmpint (rules->max_per_day, ==, 0);
  g_assert_cmpint (rules->horizon_days, ==, 60);
  g_assert_cmpint (rules->granularity_minutes, ==, 15);
}

static void
test_json_boundaries (void)
{
  g_autoptr(ParlaAvailability) availability = availability_new (
    "{'time_zone':'America/Argentina/Buenos_Aires','weekly':[{'weekday':7,'start':'00:00','end':'24:00'},"
    "{'weekday':1,'start':'23:59','end':'24:00'}],"
    "'overrides':[{'date':'2028-02-29','ranges':[{'start':'00:00','end':'00:01'}]}],"
    "'rules':{'lead_time_minutes':43200,'buffer_before_minutes':720,'buffer_after_minutes':720,"
    "'max_per_day':100,'horizon_days':365,'granularity_minutes':240}}");
  g_autoptr(ParlaAvailability) low = availability_new (
    "{'time_zone':'UTC','weekly':[],'rules':{'lead_time_minutes':0,'horizon_days':1,'granularity_minutes':5}}");
  const ParlaAvailabilityRules *rules = parla_availability_get_rules (availability);

  g_assert_cmpint (rules->lead_time_minutes, ==, 43200);
  g_assert_cmpint (rules->granularity_minutes, ==, 240);
  g_assert_cmpint (parla_availability_get_rules (low)->granularity_minutes, ==, 5);
}

typedef struct
{
  const char *path;
  const char *document;
  const char *field;  /* NULL: no field */
} InvalidCase;

#define VALID_WEEKLY "'weekly':[{'weekday':1,'start':'09:00','end':'12:00'}]"

static const InvalidCase invalid_cases[] = {
  { "/core/availability/json/invalid/not-an-object", "[]", NULL },
  { "/core/availability/json/invalid/time-zone-missing", "{'weekly':[]}", "time_zone" },
  { "/core/availability/json/invalid/time-zone-unknown", "{'time_zone':'Mars/Base','weekly':[]}", "time_zone" },
  { "/core/availability/json/invalid/time-zone-offset", "{'time_zone':'+02:00','weekly':[]}", "time_zone" },
  { "/core/availability/json/invalid/time-zone-empty", "{'time_zone':'','weekly':[]}", "time_zone" },
  { "/core/availability/json/invalid/time-zone-number", "{'time_zone':1,'weekly':[]}", "time_zone" },
  { "/core/availability/json/invalid/weekly-missing", "{'time_zone':'UTC'}", "weekly" },
  { "/core/availability/json/invalid/weekly-object", "{'time_zone':'UTC','weekly':{}}", "weekly" },
  { "/core/availability/json/invalid/weekly-null", "{'time_zone':'UTC','weekly':null}", "weekly" },
  { "/core/availability/json/invalid/weekly-item-number", "{'time_zone':'UTC','weekly':[42]}", "weekly[0]" },
  { "/core/availability/json/invalid/weekday-0",
    "{'time_zone':'UTC','weekly':[{'weekday':0,'start':'09:00','end':'12:00'}]}", "weekly[0].weekday" },
  { "/core/availability/json/invalid/weekday-8",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'09:00','end':'12:00'},"
    "{'weekday':8,'start':'09:00','end':'12:00'}]}", "weekly[1].weekday" },
  { "/core/availability/json/invalid/weekday-string",
    "{'time_zone':'UTC','weekly':[{'weekday':'1','start':'09:00','end':'12:00'}]}", "weekly[0].weekday" },
  { "/core/availability/json/invalid/weekday-fraction",
    "{'time_zone':'UTC','weekly':[{'weekday':1.5,'start':'09:00','end':'12:00'}]}", "weekly[0].weekday" },
  { "/core/availability/json/invalid/weekday-float",
    "{'time_zone':'UTC','weekly':[{'weekday':1.0,'start':'09:00','end':'12:00'}]}", "weekly[0].weekday" },
  { "/core/availability/json/invalid/weekday-bool",
    "{'time_zone':'UTC','weekly':[{'weekday':true,'start':'09:00','end':'12:00'}]}", "weekly[0].weekday" },
  { "/core/availability/json/invalid/weekday-missing",
    "{'time_zone':'UTC','weekly':[{'start':'09:00','end':'12:00'}]}", "weekly[0].weekday" },
  { "/core/availability/json/invalid/start-one-digit",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'9:00','end':'12:00'}]}", "weekly[0].start" },
  { "/core/availability/json/invalid/start-25",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'25:00','end':'12:00'}]}", "weekly[0].start" },
  { "/core/availability/json/invalid/start-24",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'24:00','end':'24:00'}]}", "weekly[0].start" },
  { "/core/availability/json/invalid/start-number",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':900,'end':'12:00'}]}", "weekly[0].start" },
  { "/core/availability/json/invalid/start-seconds",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'09:00:00','end':'12:00'}]}", "weekly[0].start" },
  { "/core/availability/json/invalid/end-24-01",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'09:00','end':'24:01'}]}", "weekly[0].end" },
  { "/core/availability/json/invalid/end-minute-60",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'09:00','end':'10:60'}]}", "weekly[0].end" },
  { "/core/availability/json/invalid/end-missing",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'09:00'}]}", "weekly[0].end" },
  { "/core/availability/json/invalid/end-before-start",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'09:00','end':'12:00'},"
    "{'weekday':2,'start':'09:00','end':'12:00'},{'weekday':3,'start':'12:00','end':'09:00'}]}", "weekly[2].end" },
  { "/core/availability/json/invalid/end-equals-start",
    "{'time_zone':'UTC','weekly':[{'weekday':1,'start':'09:00','end':'09:00'}]}", "weekly[0].end" },
  { "/core/availability/json/invalid/overrides-object",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':{}}", "overrides" },
  { "/core/availability/json/invalid/overrides-null",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':null}", "overrides" },
  { "/core/availability/json/invalid/override-item-string",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':['2026-12-24']}", "overrides[0]" },
  { "/core/availability/json/invalid/override-date-missing",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'ranges':[]}]}", "overrides[0].date" },
  { "/core/availability/json/invalid/override-date-february-30",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-02-30','ranges':[]}]}", "overrides[0].date" },
  { "/core/availability/json/invalid/override-date-short",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-2-3','ranges':[]}]}", "overrides[0].date" },
  { "/core/availability/json/invalid/override-date-time",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-12-24T00:00:00Z','ranges':[]}]}",
    "overrides[0].date" },
  { "/core/availability/json/invalid/override-date-duplicate",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-12-24','ranges':[]},"
    "{'date':'2026-12-25','ranges':[]},{'date':'2026-12-24','ranges':[{'start':'10:00','end':'11:00'}]}]}",
    "overrides[2].date" },
  { "/core/availability/json/invalid/override-ranges-missing",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-12-24'}]}", "overrides[0].ranges" },
  { "/core/availability/json/invalid/override-range-end",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-12-24','ranges':["
    "{'start':'08:00','end':'09:00'},{'start':'10:00','end':'09:30'}]}]}", "overrides[0].ranges[1].end" },
  { "/core/availability/json/invalid/override-range-start",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-12-23','ranges':[]},"
    "{'date':'2026-12-24','ranges':[{'start':'x','end':'09:00'}]}]}", "overrides[1].ranges[0].start" },
  { "/core/availability/json/invalid/override-range-not-object",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'overrides':[{'date':'2026-12-24','ranges':['10:00-11:00']}]}",
    "overrides[0].ranges[0]" },
  { "/core/availability/json/invalid/rules-array",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':[]}", "rules" },
  { "/core/availability/json/invalid/rules-null",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':null}", "rules" },
  { "/core/availability/json/invalid/granularity-fraction",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'granularity_minutes':1.5}}", "rules.granularity_minutes" },
  { "/core/availability/json/invalid/granularity-4",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'granularity_minutes':4}}", "rules.granularity_minutes" },
  { "/core/availability/json/invalid/granularity-241",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'granularity_minutes':241}}", "rules.granularity_minutes" },
  { "/core/availability/json/invalid/granularity-string",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'granularity_minutes':'30'}}", "rules.granularity_minutes" },
  { "/core/availability/json/invalid/lead-time-43201",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'lead_time_minutes':43201}}", "rules.lead_time_minutes" },
  { "/core/availability/json/invalid/buffer-before-negative",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'buffer_before_minutes':-1}}", "rules.buffer_before_minutes" },
  { "/core/availability/json/invalid/buffer-after-721",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'buffer_after_minutes':721}}", "rules.buffer_after_minutes" },
  { "/core/availability/json/invalid/max-per-day-101",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'max_per_day':101}}", "rules.max_per_day" },
  { "/core/availability/json/invalid/horizon-0",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'horizon_days':0}}", "rules.horizon_days" },
  { "/core/availability/json/invalid/horizon-366",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'horizon_days':366}}", "rules.horizon_days" },
  { "/core/availability/json/invalid/horizon-null",
    "{'time_zone':'UTC'," VALID_WEEKLY ",'rules':{'horizon_days':null}}", "rules.horizon_days" },
};

static void
test_invalid_case (gconstpointer data)
{
  const InvalidCase *c = data;
  g_autoptr(JsonNode) node = parse_document (c->document);
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaAvailability) availability = NULL;

  availability = parla_availability_new_from_json (node, &error);
  g_assert_null (availability);
  assert_invalid_field (error, c->field);
  g_assert_nonnull (error->message);
}

static void
test_json_invalid_null_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaAvailability) availability = parla_availability_new_from_json (NULL, &error);

  g_assert_null (availability);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
}

/* A document with @n weekly items, @n_overrides overrides and @n_ranges
 * ranges in the first override. */
static JsonNode *
build_document (guint n_weekly,
                guint n_overrides,
                guint n_ranges)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "time_zone", "UTC");
  json_builder_set_member_name (builder, "weekly");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_weekly; i++)
    {
      g_autofree char *start = parla_time_format_hhmm ((int) i);

      json_builder_begin_object (builder);
      parla_json_add_int (builder, "weekday", 1 + i % 7);
      parla_json_add_string (builder, "start", start);
      parla_json_add_string (builder, "end", "24:00");
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "overrides");
  json_builder_begin_array (builder);
  for (guint i = 0; i < n_overrides; i++)
    {
      g_autoptr(GDateTime) date = g_date_time_new_utc (2026, 1, 1, 0, 0, 0);
      g_autoptr(GDateTime) day = g_date_time_add_days (date, (int) i);
      g_autofree char *text = g_date_time_format (day, "%Y-%m-%d");

      json_builder_begin_object (builder);
      parla_json_add_string (builder, "date", text);
      json_builder_set_member_name (builder, "ranges");
      json_builder_begin_array (builder);
      for (guint j = 0; i == 0 && j < n_ranges; j++)
        {
          g_autofree char *start = parla_time_format_hhmm ((int) j * 30);
          g_autofree char *end = parla_time_format_hhmm ((int) j * 30 + 15);

          json_builder_begin_object (builder);
          parla_json_add_string (builder, "start", start);
          parla_json_add_string (builder, "end", end);
          json_builder_end_object (builder);
        }
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static void
test_json_limits (void)
{
  static const struct {
    guint       n_weekly;
    guint       n_overrides;
    guint       n_ranges;
    const char *field;  /* NULL: valid */
  } cases[] = {
    { 100, 1, 24, NULL },
    { 101, 1, 0, "weekly" },
    { 0, 366, 0, NULL },
    { 0, 367, 0, "overrides" },
    { 0, 1, 25, "overrides[0].ranges" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) node = build_document (cases[i].n_weekly, cases[i].n_overrides, cases[i].n_ranges);
      g_autoptr(GError) error = NULL;
      g_autoptr(ParlaAvailability) availability = parla_availability_new_from_json (node, &error);

      g_test_message ("%u weekly, %u overrides, %u ranges",
                      cases[i].n_weekly, cases[i].n_overrides, cases[i].n_ranges);
      if (cases[i].field == NULL)
        {
          g_assert_no_error (error);
          g_assert_nonnull (availability);
        }
      else
        {
          g_assert_null (availability);
          assert_invalid_field (error, cases[i].field);
        }
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (slot_cases); i++)
    g_test_add_data_func (slot_cases[i].path, &slot_cases[i], test_slot_case);

  g_test_add_func ("/core/availability/slots/sweep-matches-naive", test_sweep_matches_naive);

  g_test_add_func ("/core/availability/api/build", test_api_build);
  g_test_add_func ("/core/availability/api/override-then-day-off", test_api_override_then_day_off);
  g_test_add_func ("/core/availability/api/bad-zone", test_api_bad_zone);
  g_test_add_func ("/core/availability/api/boxed", test_api_boxed);
  g_test_add_func ("/core/availability/api/misuse", test_api_misuse);

  g_test_add_func ("/core/availability/bookable/basic", test_bookable_basic);
  g_test_add_func ("/core/availability/bookable/dst-gap", test_bookable_dst);
  g_test_add_func ("/core/availability/bookable/matches-slots", test_bookable_matches_slots);
  g_test_add_func ("/core/availability/conflicts", test_conflicts);

  g_test_add_func ("/core/availability/json/round-trip", test_json_round_trip);
  g_test_add_func ("/core/availability/json/defaults", test_json_defaults);
  g_test_add_func ("/core/availability/json/boundaries", test_json_boundaries);
  g_test_add_func ("/core/availability/json/limits", test_json_limits);
  g_test_add_func ("/core/availability/json/invalid/null-node", test_json_invalid_null_node);
  for (guint i = 0; i < G_N_ELEMENTS (invalid_cases); i++)
    g_test_add_data_func (invalid_cases[i].path, &invalid_cases[i], test_invalid_case);

  return g_test_run ();
}
