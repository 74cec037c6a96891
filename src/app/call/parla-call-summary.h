/* parla-call-summary.h: what happened in a call, a review and "book again"
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>

#include "parla-context.h"

G_BEGIN_DECLS

/**
 * ParlaCallSummaryInfo:
 * @booking_id: (nullable): the lesson's booking, for the review
 * @session_id: (nullable): the session the call belonged to
 * @teacher_id: (nullable): the teacher, for "Book again"
 * @teacher_name: the teacher's display name
 * @duration_seconds: how long the call lasted
 * @participant_names: (array zero-terminated=1): who took part
 * @chat_messages: how many chat messages the room kept
 * @is_learner: whether the viewer is a learner
 * @took_place: whether anybody else joined
 * @minutes_used: prepaid minutes the call used, -1 when not prepaid
 * @minutes_left: the prepaid balance left
 * @earnings_text: (nullable): what the teacher earned, formatted
 *
 * What the call window knows when a call ends.
 */
typedef struct
{
  char      *booking_id;
  char      *session_id;
  char      *teacher_id;
  char      *teacher_name;
  gint64     duration_seconds;
  char     **participant_names;
  guint      chat_messages;
  gboolean   is_learner;
  gboolean   took_place;
  gint       minutes_used;
  gint       minutes_left;
  char      *earnings_text;
} ParlaCallSummaryInfo;

ParlaCallSummaryInfo *parla_call_summary_info_new  (void);
void                  parla_call_summary_info_free (ParlaCallSummaryInfo *info);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaCallSummaryInfo, parla_call_summary_info_free)

#define PARLA_TYPE_CALL_SUMMARY (parla_call_summary_get_type ())
G_DECLARE_FINAL_TYPE (ParlaCallSummary, parla_call_summary, PARLA, CALL_SUMMARY, GtkWidget)

GtkWidget *parla_call_summary_new (ParlaContext         *context,
                                   ParlaCallSummaryInfo *info);

G_END_DECLS
