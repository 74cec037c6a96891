/* parla-ics.c: iCalendar (RFC 5545) files of lessons and sessions
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <stdio.h>
#include <string.h>

#include "parla-error.h"
#include "parla-ics.h"

/* RFC 5545 3.1: "Lines of text SHOULD NOT be longer than 75 octets,
 * excluding the line break." */
#define ICS_MAX_LINE 75

G_DEFINE_BOXED_TYPE (ParlaIcsEvent, parla_ics_event, parla_ics_event_copy, parla_ics_event_free)

/**
 * parla_ics_event_new:
 * @uid: the UID
 * @start: the start, seconds since the epoch
 * @end: the end
 * @stamp: the DTSTAMP
 * @summary: the title
 * @description: (nullable): the notes
 *
 * Returns: (transfer full): a new event
 */
ParlaIcsEvent *
parla_ics_event_new (const char *uid,
                     gint64      start,
                     gint64      end,
                     gint64      stamp,
                     const char *summary,
                     const char *description)
{
  ParlaIcsEvent *self = g_new0 (ParlaIcsEvent, 1);

  self->uid = g_strdup (uid);
  self->start = start;
  self->end = end;
  self->stamp = stamp;
  self->summary = g_strdup (summary);
  self->description = g_strdup (description);
  return self;
}

/**
 * parla_ics_event_copy:
 * @self: an event
 *
 * Returns: (transfer full): a copy of @self
 */
ParlaIcsEvent *
parla_ics_event_copy (const ParlaIcsEvent *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return parla_ics_event_new (self->uid, self->start, self->end, self->stamp,
                              self->summary, self->description);
}

void
parla_ics_event_free (ParlaIcsEvent *self)
{
  if (self == NULL)
    return;

  g_free (self->uid);
  g_free (self->summary);
  g_free (self->description);
  g_free (self);
}

/**
 * parla_ics_escape_text:
 * @text: (nullable): UTF-8 text
 *
 * Escapes @text as an RFC 5545 TEXT value (3.3.11): backslash, semicolon
 * and comma get a backslash, line breaks become `\n`, and other control
 * characters, which TEXT cannot hold, are dropped.
 *
 * Returns: (transfer full): the escaped text
 */
char *
parla_ics_escape_text (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      switch (*p)
        {
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case ';':
          g_string_append (out, "\\;");
          break;
        case ',':
          g_string_append (out, "\\,");
          break;
        case '\r':
          g_string_append (out, "\\n");
          if (p[1] == '\n')
            p++;
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\t':
          g_string_append_c (out, '\t');
          break;
        default:
          if ((guchar) *p >= 0x20 && *p != 0x7f)
            g_string_append_c (out, *p);
          break;
        }
    }

  return g_string_free (out, FALSE);
}

/**
 * parla_ics_unescape_text:
 * @text: an RFC 5545 TEXT value
 *
 * Undoes parla_ics_escape_text(): `\n` and `\N` become a line feed,
 * `\\`, `\;` and `\,` the character itself.
 *
 * Returns: (transfer full): the text
 */
char *
parla_ics_unescape_text (const char *text)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (text != NULL, NULL);

  for (const char *p = text; *p != '\0'; p++)
    {
      if (*p != '\\' || p[1] == '\0')
        {
          g_string_append_c (out, *p);
          continue;
        }

      p++;
      g_string_append_c (out, (*p == 'n' || *p == 'N') ? '\n' : *p);
    }

  return g_string_free (out, FALSE);
}

/**
 * parla_ics_fold_line:
 * @line: one content line, without its line break
 *
 * Folds @line as RFC 5545 3.1 says: no physical line longer than 75
 * octets, each continuation starting with a space, never splitting a
 * UTF-8 sequence. Every physical line ends with CRLF.
 *
 * Returns: (transfer full): the folded line, ending with CRLF
 */
char *
parla_ics_fold_line (const char *line)
{
  GString *out = g_string_new (NULL);
  const char *p = line;
  gsize room = ICS_MAX_LINE;

  g_return_val_if_fail (line != NULL, NULL);

  while (*p != '\0')
    {
      gsize len = strlen (p);
      gsize take;

      if (len <= room)
        {
          g_string_append (out, p);
          break;
        }

      /* Back off to the start of a UTF-8 sequence. */
      take = room;
      while (take > 0 && ((guchar) p[take] & 0xc0) == 0x80)
        take--;

      g_string_append_len (out, p, take);
      g_string_append (out, "\r\n ");
      p += take;
      room = ICS_MAX_LINE - 1;
    }

  g_string_append (out, "\r\n");
  return g_string_free (out, FALSE);
}

static char *
format_utc (gint64 instant)
{
  g_autoptr(GDateTime) date_time = g_date_time_new_from_unix_utc (instant);

  return g_date_time_format (date_time, "%Y%m%dT%H%M%SZ");
}

static void
append_line (GString    *out,
             const char *name,
             const char *value)
{
  g_autofree char *line = g_strconcat (name, ":", value, NULL);
  g_autofree char *folded = parla_ics_fold_line (line);

  g_string_append (out, folded);
}

static void
append_text (GString    *out,
             const char *name,
             const char *text)
{
  g_autofree char *escaped = parla_ics_escape_text (text);

  append_line (out, name, escaped);
}

static void
append_instant (GString    *out,
                const char *name,
                gint64      instant)
{
  g_autofree char *value = format_utc (instant);

  append_line (out, name, value);
}

/**
 * parla_ics_write:
 * @events: (array length=n_events): the events
 * @n_events: how many
 *
 * Writes a VCALENDAR with one VEVENT per event: UID, DTSTAMP, DTSTART and
 * DTEND in UTC, SUMMARY and, when there is one, DESCRIPTION; text escaped,
 * lines folded at 75 octets and ended with CRLF.
 *
 * Returns: (transfer full): the file's content
 */
char *
parla_ics_write (ParlaIcsEvent * const *events,
                 guint                  n_events)
{
  GString *out = g_string_new (NULL);

  append_line (out, "BEGIN", "VCALENDAR");
  append_line (out, "VERSION", "2.0");
  append_line (out, "PRODID", "-//The Parla developers//Parla//EN");
  append_line (out, "CALSCALE", "GREGORIAN");
  append_line (out, "METHOD", "PUBLISH");

  for (guint i = 0; i < n_events; i++)
    {
      const ParlaIcsEvent *event = events[i];

      append_line (out, "BEGIN", "VEVENT");
      append_text (out, "UID", event->uid);
      append_instant (out, "DTSTAMP", event->stamp);
      append_instant (out, "DTSTART", event->start);
      append_instant (out, "DTEND", event->end);
      append_text (out, "SUMMARY", event->summary);
      if (event->description != NULL && *event->description != '\0')
        append_text (out, "DESCRIPTION", event->description);
      append_line (out, "END", "VEVENT");
    }

  append_line (out, "END", "VCALENDAR");
  return g_string_free (out, FALSE);
}

static gboolean
parse_utc (const char  *value,
           gint64      *out_instant)
{
  int year, month, day, hour, minute, second;
  char zulu = '\0';
  g_autoptr(GDateTime) date_time = NULL;

  if (strlen (value) != 16 ||
      sscanf (value, "%4d%2d%2dT%2d%2d%2d%c", &year, &month, &day,
              &hour, &minute, &second, &zulu) != 7 ||
      zulu != 'Z')
    return FALSE;

  date_time = g_date_time_new_utc (year, month, day, hour, minute, second);
  if (date_time == NULL)
    return FALSE;

  *out_instant = g_date_time_to_unix (date_time);
  return TRUE;
}

/* The value of a content line: after the first colon outside a quoted
 * parameter value. */
static const char *
find_value (const char *line)
{
  gboolean quoted = FALSE;

  for (const char *p = line; *p != '\0'; p++)
    {
      if (*p == '"')
        quoted = !quoted;
      else if (*p == ':' && !quoted)
        return p;
    }

  return NULL;
}

/**
 * parla_ics_parse:
 * @text: the content of an iCalendar file
 * @error: return location for a #PARLA_ERROR_INVALID_INPUT
 *
 * Reads the VEVENTs of a VCALENDAR: unfolds lines (CRLF or LF line
 * breaks), unescapes text and reads UTC date-times. Properties other
 * than those parla_ics_write() writes are skipped.
 *
 * Returns: (transfer container) (element-type ParlaIcsEvent): the events,
 *   or %NULL with @error set
 */
GPtrArray *
parla_ics_parse (const char  *text,
                 GError     **error)
{
  g_autoptr(GPtrArray) events = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_ics_event_free);
  g_autoptr(GPtrArray) lines = g_ptr_array_new_with_free_func (g_free);
  g_auto(GStrv) physical = NULL;
  g_autoptr(ParlaIcsEvent) event = NULL;
  gboolean in_calendar = FALSE;
  gboolean ended = FALSE;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "Not UTF-8");
      return NULL;
    }

  /* Unfold. */
  physical = g_strsplit (text, "\n", -1);
  for (guint i = 0; physical[i] != NULL; i++)
    {
      char *line = physical[i];
      gsize len = strlen (line);

      if (len > 0 && line[len - 1] == '\r')
        line[--len] = '\0';

      if ((line[0] == ' ' || line[0] == '\t') && lines->len > 0)
        {
          char *previous = g_ptr_array_index (lines, lines->len - 1);

          lines->pdata[lines->len - 1] = g_strconcat (previous, line + 1, NULL);
          g_free (previous);
        }
      else if (len > 0)
        {
          g_ptr_array_add (lines, g_strdup (line));
        }
    }

  for (guint i = 0; i < lines->len; i++)
    {
      const char *line = g_ptr_array_index (lines, i);
      const char *colon = find_value (line);
      g_autofree char *name = NULL;
      const char *value;
      gsize name_len;

      if (colon == NULL)
        {
          parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "Line %u has no value", i + 1);
          return NULL;
        }

      name_len = strcspn (line, ";:");
      name = g_ascii_strup (line, name_len);
      value = colon + 1;

      if (!in_calendar)
        {
          if (!g_str_equal (name, "BEGIN") || g_ascii_strcasecmp (value, "VCALENDAR") != 0)
            {
              parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "Not a VCALENDAR");
              return NULL;
            }
          in_calendar = TRUE;
          continue;
        }

      if (g_str_equal (name, "BEGIN") && g_ascii_strcasecmp (value, "VEVENT") == 0)
        {
          if (event != NULL)
            {
              parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "A VEVENT inside a VEVENT");
              return NULL;
            }
          event = g_new0 (ParlaIcsEvent, 1);
        }
      else if (g_str_equal (name, "END") && g_ascii_strcasecmp (value, "VEVENT") == 0)
        {
          if (event == NULL || event->uid == NULL || event->start == 0 || event->summary == NULL)
            {
              parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                               "A VEVENT without UID, DTSTART or SUMMARY");
              return NULL;
            }
          if (event->end == 0)
            event->end = event->start;
          g_ptr_array_add (events, g_steal_pointer (&event));
        }
      else if (g_str_equal (name, "END") && g_ascii_strcasecmp (value, "VCALENDAR") == 0)
        {
          ended = TRUE;
          break;
        }
      else if (event != NULL)
        {
          gint64 *instant = NULL;
          char **string = NULL;

          if (g_str_equal (name, "UID"))
            string = &event->uid;
          else if (g_str_equal (name, "SUMMARY"))
            string = &event->summary;
          else if (g_str_equal (name, "DESCRIPTION"))
            string = &event->description;
          else if (g_str_equal (name, "DTSTART"))
            instant = &event->start;
          else if (g_str_equal (name, "DTEND"))
            instant = &event->end;
          else if (g_str_equal (name, "DTSTAMP"))
            instant = &event->stamp;

          if (string != NULL)
            {
              g_free (*string);
              *string = parla_ics_unescape_text (value);
            }
          else if (instant != NULL && !parse_utc (value, instant))
            {
              parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL,
                               "%s is not a UTC date-time: %s", name, value);
              return NULL;
            }
        }
    }

  if (!ended || event != NULL)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, NULL, "The calendar is not complete");
      return NULL;
    }

  return g_steal_pointer (&events);
}
