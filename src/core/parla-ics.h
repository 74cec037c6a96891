/* parla-ics.h: iCalendar (RFC 5545) files of lessons and sessions
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

/**
 * ParlaIcsEvent:
 * @uid: the event's globally unique id (UID)
 * @start: its start (seconds since the epoch, written in UTC)
 * @end: its end
 * @stamp: when the file was made (DTSTAMP); 0 when read without one
 * @summary: its title (SUMMARY)
 * @description: (nullable): its notes (DESCRIPTION)
 *
 * One VEVENT. Every string is owned by the event.
 */
typedef struct _ParlaIcsEvent ParlaIcsEvent;

struct _ParlaIcsEvent
{
  char   *uid;
  gint64  start;
  gint64  end;
  gint64  stamp;
  char   *summary;
  char   *description;
};

#define PARLA_TYPE_ICS_EVENT (parla_ics_event_get_type ())

GType          parla_ics_event_get_type (void) G_GNUC_CONST;
ParlaIcsEvent *parla_ics_event_new      (const char          *uid,
                                         gint64               start,
                                         gint64               end,
                                         gint64               stamp,
                                         const char          *summary,
                                         const char          *description);
ParlaIcsEvent *parla_ics_event_copy     (const ParlaIcsEvent *self);
void           parla_ics_event_free     (ParlaIcsEvent       *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaIcsEvent, parla_ics_event_free)

char          *parla_ics_escape_text    (const char          *text);
char          *parla_ics_unescape_text  (const char          *text);
char          *parla_ics_fold_line      (const char          *line);
char          *parla_ics_write          (ParlaIcsEvent * const *events,
                                         guint                n_events);
GPtrArray     *parla_ics_parse          (const char          *text,
                                         GError             **error);

G_END_DECLS
