/* parla-instant-calls.c: "call a tutor now": matching, ringing, routing
 * and per-minute billing
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * A learner's request (POST /api/v1/calls) rings the best teacher who is
 * available for instant calls (presence "available" on the hub) and not
 * ringing or talking elsewhere, as parla_matcher_rank() orders them. A
 * decline, or no answer before the ring deadline, rings the next one;
 * nobody left makes the call "unanswered". Every step runs in one write
 * transaction, and the partial unique index instant_calls_teacher_busy
 * keeps a teacher in one ringing or connected call at a time, so two
 * learners calling at once never get the same teacher.
 *
 * Once accepted, the call is a call room ("call:<id>") like the calls of
 * sessions and lessons; the hub records who is in it (the stays). The
 * meter runs while both sides are in the room, from the moment both
 * reported media flowing (POST /calls/{id}/media); it is read from the
 * stays by the clock (ParlaInstantClock, once a second, on the server's
 * clock) which bills each started unit (a minute by default) into the
 * ledger as the call goes, warns at 5 and 1 minute left, and ends the call
 * when the minutes ran out (after a grace) or when a side stayed away
 * longer than PARLA_INSTANT_RECONNECT_SECONDS.
 */

#include "config.h"

#include "parla-instant-calls.h"

#include <string.h>

#include "parla-chat.h"
#include "parla-hub.h"
#include "parla-minutes.h"

#define CLOCK_INTERVAL_MS      1000
#define MINUTES_EVERY_SECONDS  30     /* expiries and their warnings, on the server's clock */
#define NOTIFY_WITHIN_SECONDS  (24 * 3600)
#define DAY_SECONDS            G_GINT64_CONSTANT (86400)

typedef struct
{
  char   *id;
  char   *learner_id;
  char   *teacher_id;
  char   *status;
  char   *language;
  char   *level;
  char   *specialization;
  char   *accent;
  char   *preferred_teacher_id;
  gint64  ring_deadline;
  gboolean notify_when_available;
  gint64  created_at;
  gint64  accepted_at;
  gint64  learner_media_at;
  gint64  teacher_media_at;
  gint64  metered_seconds;
  gint64  billed_seconds;
  gint64  warned_minutes;
  gint64  exhausted_at;
  gint64  absent_since;
  gint64  rate_minor;
  char   *currency;
  gint64  ended_at;
  char   *end_reason;
} InstantCall;

#define CALL_COLUMNS \
  "id, learner_id, teacher_id, status, language, level, specialization, accent, preferred_teacher_id, " \
  "ring_deadline, notify_when_available, created_at, accepted_at, learner_media_at, teacher_media_at, " \
  "metered_seconds, billed_seconds, warned_minutes, exhausted_at, absent_since, rate_minor, currency, " \
  "ended_at, end_reason"

static void
instant_call_free (InstantCall *call)
{
  g_free (call->id);
  g_free (call->learner_id);
  g_free (call->teacher_id);
  g_free (call->status);
  g_free (call->language);
  g_free (call->level);
  g_free (call->specialization);
  g_free (call->accent);
  g_free (call->preferred_teacher_id);
  g_free (call->currency);
  g_free (call->end_reason);
  g_free (call);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (InstantCall, instant_call_free)

/* What every step needs: the transaction's connection, the settings, the
 * clock, and the events to publish once it committed. */
typedef struct
{
  ParlaDb                 *db;
  const ParlaServerConfig *config;
  ParlaServer             *server;
  gint64                   now;
  GPtrArray               *events;   /* ParlaHubEvent */
} Step;

/* Loading */

static InstantCall *
call_from_row (ParlaDbRows *rows)
{
  InstantCall *call = g_new0 (InstantCall, 1);

  call->id = parla_db_rows_dup_text (rows, 0);
  call->learner_id = parla_db_rows_dup_text (rows, 1);
  call->teacher_id = parla_db_rows_dup_text (rows, 2);
  call->status = parla_db_rows_dup_text (rows, 3);
  call->language = parla_db_rows_dup_text (rows, 4);
  call->level = parla_db_rows_dup_text (rows, 5);
  call->specialization = parla_db_rows_dup_text (rows, 6);
  call->accent = parla_db_rows_dup_text (rows, 7);
  call->preferred_teacher_id = parla_db_rows_dup_text (rows, 8);
  call->ring_deadline = parla_db_rows_get_int (rows, 9);
  call->notify_when_available = parla_db_rows_get_int (rows, 10) != 0;
  call->created_at = parla_db_rows_get_int (rows, 11);
  call->accepted_at = parla_db_rows_get_int (rows, 12);
  call->learner_media_at = parla_db_rows_get_int (rows, 13);
  call->teacher_media_at = parla_db_rows_get_int (rows, 14);
  call->metered_seconds = parla_db_rows_get_int (rows, 15);
  call->billed_seconds = parla_db_rows_get_int (rows, 16);
  call->warned_minutes = parla_db_rows_get_int (rows, 17);
  call->exhausted_at = parla_db_rows_get_int (rows, 18);
  call->absent_since = parla_db_rows_get_int (rows, 19);
  call->rate_minor = parla_db_rows_get_int (rows, 20);
  call->currency = parla_db_rows_dup_text (rows, 21);
  call->ended_at = parla_db_rows_get_int (rows, 22);
  call->end_reason = parla_db_rows_dup_text (rows, 23);

  return call;
}

/* The call, or NULL with *error unset when there is none. */
static InstantCall *
load_call (ParlaDb     *db,
           const char  *id,
           GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, error, "SELECT " CALL_COLUMNS " FROM instant_calls WHERE id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (!parla_db_rows_next (rows))
    {
      parla_db_rows_get_error (rows, error);
      return NULL;
    }

  return call_from_row (rows);
}

/* Every call of @sql (selecting CALL_COLUMNS with $1 = now). */
static GPtrArray *
load_calls (ParlaDb     *db,
            const char  *where,
            gint64       now,
            GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) calls = g_ptr_array_new_with_free_func ((GDestroyNotify) instant_call_free);
  g_autofree char *sql = g_strconcat ("SELECT " CALL_COLUMNS " FROM instant_calls WHERE ", where,
                                      " ORDER BY created_at, id", NULL);

  rows = parla_db_query (db, error, sql,
                         PARLA_DB_INT, now,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    g_ptr_array_add (calls, call_from_row (rows));
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_steal_pointer (&calls);
}

static char *
dup_display_name (ParlaDb     *db,
                  const char  *user_id,
                  GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, error, "SELECT display_name FROM users WHERE id = $1",
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (parla_db_rows_next (rows))
    return parla_db_rows_dup_text (rows, 0);
  if (parla_db_rows_get_error (rows, error))
    return g_strdup ("");

  return NULL;
}

/* {id, display_name}, or null */
static gboolean
add_person (JsonBuilder  *builder,
            ParlaDb      *db,
            const char   *name,
            const char   *user_id,
            GError      **error)
{
  g_autofree char *display_name = NULL;

  json_builder_set_member_name (builder, name);
  if (user_id == NULL)
    {
      json_builder_add_null_value (builder);
      return TRUE;
    }

  display_name = dup_display_name (db, user_id, error);
  if (display_name == NULL)
    return FALSE;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", user_id);
  parla_json_add_string (builder, "display_name", display_name);
  json_builder_end_object (builder);
  return TRUE;
}

static void
add_optional_instant (JsonBuilder *builder,
                      const char  *name,
                      gint64       value)
{
  if (value > 0)
    parla_json_add_instant (builder, name, value);
  else
    parla_json_add_string (builder, name, NULL);
}

static gint64
earnings_minor (const InstantCall *call)
{
  return call->billed_seconds * call->rate_minor / 60;
}

/* Minutes of @seconds, every started one counted. */
static gint64
started_minutes (gint64 seconds)
{
  return (seconds + 59) / 60;
}

/* The billing summary: minutes (and seconds) used, billed and left, the
 * teacher's earnings. @balance: the learner's seconds left. */
static void
add_billing (JsonBuilder             *builder,
             const InstantCall       *call,
             const ParlaServerConfig *config,
             gint64                   balance)
{
  json_builder_set_member_name (builder, "billing");
  json_builder_begin_object (builder);
  parla_json_add_int (builder, "unit_seconds", config->billing_unit_seconds);
  parla_json_add_int (builder, "seconds_used", call->metered_seconds);
  parla_json_add_int (builder, "minutes_used", started_minutes (call->metered_seconds));
  parla_json_add_int (builder, "seconds_billed", call->billed_seconds);
  parla_json_add_int (builder, "minutes_billed", started_minutes (call->billed_seconds));
  parla_json_add_int (builder, "seconds_left", balance);
  parla_json_add_int (builder, "minutes_left", balance / 60);
  json_builder_set_member_name (builder, "teacher_earnings");
  json_builder_begin_object (builder);
  parla_json_add_int (builder, "amount_minor", earnings_minor (call));
  parla_json_add_string (builder, "currency", call->currency[0] != '\0' ? call->currency : config->instant_currency);
  parla_json_add_int (builder, "rate_minor_per_minute", call->rate_minor);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
}

/* The call as GET /calls/{id} shows it. */
static JsonNode *
call_to_json (ParlaDb                 *db,
              const ParlaServerConfig *config,
              const InstantCall       *call,
              gint64                   now,
              GError                 **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *room = parla_room_name ("call", call->id);
  gint64 balance;

  balance = parla_minutes_balance (db, call->learner_id, now, NULL, error);
  if (balance < 0)
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", call->id);
  parla_json_add_string (builder, "call_id", call->id);
  parla_json_add_string (builder, "kind", "instant");
  parla_json_add_string (builder, "status", call->status);
  parla_json_add_string (builder, "language", call->language);
  parla_json_add_string (builder, "level", call->level);
  parla_json_add_string (builder, "specialization", call->specialization);
  parla_json_add_string (builder, "accent", call->accent);
  parla_json_add_string (builder, "requested_teacher_id", call->preferred_teacher_id);
  if (!add_person (builder, db, "learner", call->learner_id, error) ||
      !add_person (builder, db, "teacher", call->teacher_id, error))
    return NULL;
  add_optional_instant (builder, "ring_deadline", g_str_equal (call->status, "ringing") ? call->ring_deadline : 0);
  parla_json_add_string (builder, "room", call->accepted_at > 0 ? room : NULL);
  parla_json_add_bool (builder, "notify_when_available", call->notify_when_available);
  parla_json_add_instant (builder, "created_at", call->created_at);
  add_optional_instant (builder, "accepted_at", call->accepted_at);
  add_optional_instant (builder, "ended_at", call->ended_at);
  parla_json_add_string (builder, "end_reason", call->end_reason);

  rows = parla_db_query (db, error,
                         "SELECT a.seq, a.teacher_id, u.display_name, a.rung_at, a.deadline, a.outcome, a.answered_at "
                         "FROM instant_call_attempts a JOIN users u ON u.id = a.teacher_id "
                         "WHERE a.call_id = $1 ORDER BY a.seq",
                         PARLA_DB_TEXT, call->id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  json_builder_set_member_name (builder, "attempts");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      parla_json_add_int (builder, "seq", parla_db_rows_get_int (rows, 0));
      parla_json_add_string (builder, "teacher_id", parla_db_rows_get_text (rows, 1));
      parla_json_add_string (builder, "display_name", parla_db_rows_get_text (rows, 2));
      parla_json_add_instant (builder, "rung_at", parla_db_rows_get_int (rows, 3));
      parla_json_add_instant (builder, "deadline", parla_db_rows_get_int (rows, 4));
      parla_json_add_string (builder, "outcome", parla_db_rows_get_text (rows, 5));
      add_optional_instant (builder, "answered_at", parla_db_rows_get_int (rows, 6));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  g_clear_pointer (&rows, parla_db_rows_free);

  /* Who was in the call's room when, as for the calls of sessions. */
  rows = parla_db_query (db, error,
                         "SELECT user_id, joined_at, left_at FROM instant_call_stays WHERE call_id = $1 "
                         "ORDER BY joined_at, user_id, left_at IS NULL, left_at",
                         PARLA_DB_TEXT, call->id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  json_builder_set_member_name (builder, "attendance");
  json_builder_begin_array (builder);
  while (parla_db_rows_next (rows))
    {
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "user_id", parla_db_rows_get_text (rows, 0));
      parla_json_add_instant (builder, "joined_at", parla_db_rows_get_int (rows, 1));
      add_optional_instant (builder, "left_at", parla_db_rows_get_int (rows, 2));
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  add_billing (builder, call, config, balance);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Events */

static void
emit (Step        *step,
      const char  *type,
      JsonNode    *body,
      const char  *user_a,
      const char  *user_b)
{
  const char *users[3] = { user_a, user_b, NULL };

  if (user_a == NULL)
    {
      users[0] = user_b;
      users[1] = NULL;
    }

  g_ptr_array_add (step->events, parla_hub_event_new (type, body, users));
}

/* The event body most call events carry: the call and the teacher it is
 * about. */
static JsonBuilder *
begin_event (const InstantCall *call,
             const char        *teacher_id)
{
  JsonBuilder *builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "call_id", call->id);
  parla_json_add_string (builder, "teacher_id", teacher_id);
  parla_json_add_string (builder, "learner_id", call->learner_id);
  return builder;
}

static JsonNode *
end_event (JsonBuilder *builder)
{
  json_builder_end_object (builder);
  return json_builder_get_root (builder);
}

/* Teachers */

static gboolean
touch_teacher (Step        *step,
               const char  *teacher_id,
               GError     **error)
{
  return parla_db_exec (step->db, error,
                        "INSERT INTO instant_teachers (user_id) VALUES ($1) ON CONFLICT (user_id) DO NOTHING",
                        PARLA_DB_TEXT, teacher_id,
                        PARLA_DB_END) >= 0;
}

/* The time-zone offset of @tz_name at @now, in seconds; 0 when unknown. */
static int
utc_offset (const char *tz_name,
            gint64      now)
{
  g_autoptr(GTimeZone) tz = NULL;
  int interval;

  if (tz_name == NULL || tz_name[0] == '\0')
    return 0;

  tz = g_time_zone_new_identifier (tz_name);
  if (tz == NULL)
    return 0;

  interval = g_time_zone_find_interval (tz, G_TIME_TYPE_UNIVERSAL, now);
  return interval < 0 ? 0 : g_time_zone_get_offset (tz, interval);
}

typedef struct
{
  ParlaMatchCandidate  candidate;
  char                *teacher_id;
  GStrv                languages;
  GStrv                levels;
  GStrv                specializations;
  char                *accent;
} Candidate;

static void
candidate_clear (gpointer data)
{
  Candidate *c = data;

  g_free (c->teacher_id);
  g_strfreev (c->languages);
  g_strfreev (c->levels);
  g_strfreev (c->specializations);
  g_free (c->accent);
}

static GStrv
load_tags (ParlaDb     *db,
           const char  *teacher_id,
           const char  *kinds_sql,
           GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();
  g_autofree char *sql = g_strconcat ("SELECT value FROM teacher_tags WHERE user_id = $1 AND kind IN (",
                                      kinds_sql, ") ORDER BY value", NULL);

  rows = parla_db_query (db, error, sql,
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    g_strv_builder_add (values, parla_db_rows_get_text (rows, 0));
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_strv_builder_end (values);
}

/* One teacher who is available now, as the matcher sees them; FALSE
 * with *error unset when they are no candidate (not a teacher, or made
 * unavailable since). */
static gboolean
load_candidate (Step               *step,
                const InstantCall  *call,
                const char         *teacher_id,
                gint64              available_since,
                Candidate          *out,
                GError            **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  gint64 last_call_end, lessons;

  rows = parla_db_query (step->db, error,
                         "SELECT tp.accent, tp.time_zone, tp.rating_sum, tp.rating_count, "
                         "  it.last_call_end, it.suspended_at "
                         "FROM users u JOIN teacher_profiles tp ON tp.user_id = u.id "
                         "LEFT JOIN instant_teachers it ON it.user_id = u.id "
                         "WHERE u.id = $1 AND u.role = 'teacher'",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (!parla_db_rows_next (rows))
    {
      parla_db_rows_get_error (rows, error);
      return FALSE;
    }

  /* Made unavailable after missed rings: until they set themselves
   * available again. */
  if (!parla_db_rows_is_null (rows, 5) && parla_db_rows_get_int (rows, 5) >= available_since)
    return FALSE;

  out->teacher_id = g_strdup (teacher_id);
  out->accent = parla_db_rows_dup_text (rows, 0);
  out->candidate.utc_offset = utc_offset (parla_db_rows_get_text (rows, 1), step->now);
  out->candidate.rating_count = (guint) parla_db_rows_get_int (rows, 3);
  out->candidate.rating = out->candidate.rating_count > 0
                          ? (double) parla_db_rows_get_int (rows, 2) / out->candidate.rating_count : 0.0;
  last_call_end = parla_db_rows_get_int (rows, 4);
  out->candidate.waiting_since = MAX (last_call_end, available_since);
  g_clear_pointer (&rows, parla_db_rows_free);

  rows = parla_db_query (step->db, error,
                         "SELECT (SELECT COUNT(*) FROM bookings WHERE learner_id = $1 AND teacher_id = $2 "
                         "        AND kind = 'lesson' AND status = 'confirmed') + "
                         "       (SELECT COUNT(*) FROM instant_calls WHERE learner_id = $1 AND teacher_id = $2 "
                         "        AND status = 'ended' AND billed_seconds > 0)",
                         PARLA_DB_TEXT, call->learner_id,
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    return FALSE;
  lessons = parla_db_rows_get_int (rows, 0);
  out->candidate.past_lessons = (guint) CLAMP (lessons, 0, G_MAXUINT);

  out->languages = load_tags (step->db, teacher_id, "'language', 'subject'", error);
  out->levels = load_tags (step->db, teacher_id, "'level'", error);
  out->specializations = load_tags (step->db, teacher_id, "'specialization'", error);
  if (out->languages == NULL || out->levels == NULL || out->specializations == NULL)
    return FALSE;

  out->candidate.teacher_id = out->teacher_id;
  out->candidate.languages = (const char * const *) out->languages;
  out->candidate.levels = (const char * const *) out->levels;
  out->candidate.specializations = (const char * const *) out->specializations;
  out->candidate.accent = out->accent;
  return TRUE;
}

static GStrv
column_strv (ParlaDb     *db,
             const char  *sql,
             const char  *arg,
             GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GStrvBuilder) values = g_strv_builder_new ();

  rows = arg != NULL ? parla_db_query (db, error, sql, PARLA_DB_TEXT, arg, PARLA_DB_END)
                     : parla_db_query (db, error, sql, PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    g_strv_builder_add (values, parla_db_rows_get_text (rows, 0));
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_strv_builder_end (values);
}

/* The teachers who could take @call now, best first, without those
 * already tried for it. */
static GPtrArray *
rank_teachers (Step               *step,
               const InstantCall  *call,
               GError            **error)
{
  g_autoptr(GHashTable) available = NULL;
  g_autoptr(GArray) candidates = g_array_new (FALSE, TRUE, sizeof (Candidate));
  g_auto(GStrv) busy = NULL;
  g_auto(GStrv) tried = NULL;
  g_autoptr(GArray) ranking = NULL;
  g_autoptr(GList) ids = NULL;
  ParlaMatchRequest request = { 0 };
  GPtrArray *teachers;

  g_array_set_clear_func (candidates, candidate_clear);

  busy = column_strv (step->db,
                      "SELECT teacher_id FROM instant_calls WHERE status IN ('ringing', 'connected') "
                      "AND teacher_id IS NOT NULL", NULL, error);
  tried = column_strv (step->db, "SELECT teacher_id FROM instant_call_attempts WHERE call_id = $1",
                       call->id, error);
  if (busy == NULL || tried == NULL)
    return NULL;

  available = parla_hub_dup_available (_parla_server_get_hub (step->server));
  ids = g_list_sort (g_hash_table_get_keys (available), (GCompareFunc) strcmp);
  for (GList *l = ids; l != NULL; l = l->next)
    {
      const char *id = l->data;
      Candidate candidate = { 0 };
      g_autoptr(GError) local_error = NULL;

      if (g_str_equal (id, call->learner_id) || g_strv_contains ((const char * const *) busy, id))
        continue;

      if (load_candidate (step, call, id, *(gint64 *) g_hash_table_lookup (available, id),
                          &candidate, &local_error))
        g_array_append_val (candidates, candidate);
      else
        {
          candidate_clear (&candidate);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
        }
    }

  request.language = call->language;
  request.level = call->level;
  request.specialization = call->specialization;
  request.accent = call->accent;
  request.teacher_id = call->preferred_teacher_id;
  request.excluded = (const char * const *) tried;
  request.now = step->now;

  {
    g_autofree ParlaMatchCandidate *flat = g_new0 (ParlaMatchCandidate, MAX (candidates->len, 1));

    for (guint i = 0; i < candidates->len; i++)
      flat[i] = g_array_index (candidates, Candidate, i).candidate;
    ranking = parla_matcher_rank (&request, flat, candidates->len);
  }

  teachers = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < ranking->len; i++)
    {
      Candidate *c = &g_array_index (candidates, Candidate, g_array_index (ranking, ParlaMatch, i).index);

      g_ptr_array_add (teachers, g_strdup (c->teacher_id));
    }

  return teachers;
}

/* Routing */

static gboolean
set_status (Step         *step,
            InstantCall  *call,
            const char   *status,
            GError      **error)
{
  if (parla_db_exec (step->db, error, "UPDATE instant_calls SET status = $2 WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_TEXT, status,
                     PARLA_DB_END) < 0)
    return FALSE;

  g_free (call->status);
  call->status = g_strdup (status);
  return TRUE;
}

/* Ends the ring of the attempt now ringing with @outcome. */
static gboolean
close_attempt (Step        *step,
               InstantCall *call,
               const char  *outcome,
               GError     **error)
{
  return parla_db_exec (step->db, error,
                        "UPDATE instant_call_attempts SET outcome = $2, answered_at = $3 "
                        "WHERE call_id = $1 AND outcome = 'ringing'",
                        PARLA_DB_TEXT, call->id,
                        PARLA_DB_TEXT, outcome,
                        PARLA_DB_INT, step->now,
                        PARLA_DB_END) >= 0;
}

/* Rings the best teacher not tried yet, or makes the call unanswered. */
static gboolean
route_next (Step         *step,
            InstantCall  *call,
            GError      **error)
{
  g_autoptr(GPtrArray) teachers = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  const char *teacher_id;
  gint64 seq, deadline;

  teachers = rank_teachers (step, call, error);
  if (teachers == NULL)
    return FALSE;

  if (teachers->len == 0)
    {
      if (parla_db_exec (step->db, error,
                         "UPDATE instant_calls SET status = 'unanswered', teacher_id = NULL, ring_deadline = NULL, "
                         "ended_at = $2, end_reason = 'nobody_available' WHERE id = $1",
                         PARLA_DB_TEXT, call->id,
                         PARLA_DB_INT, step->now,
                         PARLA_DB_END) < 0)
        return FALSE;
      g_free (call->status);
      call->status = g_strdup ("unanswered");
      g_clear_pointer (&call->teacher_id, g_free);
      call->ended_at = step->now;

      builder = begin_event (call, NULL);
      parla_json_add_string (builder, "status", "unanswered");
      parla_json_add_string (builder, "language", call->language);
      emit (step, "call.unanswered", end_event (builder), call->learner_id, NULL);
      return TRUE;
    }

  teacher_id = g_ptr_array_index (teachers, 0);
  deadline = step->now + step->config->ring_timeout_seconds;

  rows = parla_db_query (step->db, error, "SELECT COUNT(*) FROM instant_call_attempts WHERE call_id = $1",
                         PARLA_DB_TEXT, call->id,
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    return FALSE;
  seq = parla_db_rows_get_int (rows, 0) + 1;
  g_clear_pointer (&rows, parla_db_rows_free);

  if (parla_db_exec (step->db, error,
                     "UPDATE instant_calls SET status = 'ringing', teacher_id = $2, ring_deadline = $3 WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_TEXT, teacher_id,
                     PARLA_DB_INT, deadline,
                     PARLA_DB_END) < 0 ||
      parla_db_exec (step->db, error,
                     "INSERT INTO instant_call_attempts (call_id, seq, teacher_id, rung_at, deadline, outcome) "
                     "VALUES ($1, $2, $3, $4, $5, 'ringing')",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_INT, seq,
                     PARLA_DB_TEXT, teacher_id,
                     PARLA_DB_INT, step->now,
                     PARLA_DB_INT, deadline,
                     PARLA_DB_END) < 0)
    return FALSE;

  g_free (call->status);
  call->status = g_strdup ("ringing");
  g_free (call->teacher_id);
  call->teacher_id = g_strdup (teacher_id);
  call->ring_deadline = deadline;

  /* To every device of the teacher, and to the learner, who sees who is
   * tried and until when. */
  builder = begin_event (call, teacher_id);
  parla_json_add_string (builder, "status", "ringing");
  parla_json_add_int (builder, "attempt", seq);
  if (!add_person (builder, step->db, "teacher", teacher_id, error) ||
      !add_person (builder, step->db, "learner", call->learner_id, error))
    return FALSE;
  parla_json_add_string (builder, "language", call->language);
  parla_json_add_string (builder, "level", call->level);
  parla_json_add_string (builder, "specialization", call->specialization);
  parla_json_add_instant (builder, "ring_deadline", deadline);
  parla_json_add_int (builder, "ring_timeout_seconds", step->config->ring_timeout_seconds);
  emit (step, "call.ringing", end_event (builder), teacher_id, call->learner_id);
  return TRUE;
}

/* A ring timed out: the teacher counts one more missed ring in a row
 * (too many make them unavailable), and the next one rings. */
static gboolean
ring_timed_out (Step         *step,
                InstantCall  *call,
                GError      **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *teacher_id = g_strdup (call->teacher_id);
  gint64 missed;

  if (!close_attempt (step, call, "timeout", error) ||
      !touch_teacher (step, teacher_id, error))
    return FALSE;

  rows = parla_db_query (step->db, error,
                         "UPDATE instant_teachers SET missed_in_a_row = missed_in_a_row + 1 WHERE user_id = $1 "
                         "RETURNING missed_in_a_row",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    return FALSE;
  missed = parla_db_rows_get_int (rows, 0);
  g_clear_pointer (&rows, parla_db_rows_free);

  builder = begin_event (call, teacher_id);
  parla_json_add_string (builder, "status", "searching");
  emit (step, "call.timeout", end_event (builder), teacher_id, call->learner_id);
  g_clear_object (&builder);

  if (missed >= step->config->missed_rings_limit)
    {
      g_autofree char *reason = NULL;

      if (parla_db_exec (step->db, error,
                         "UPDATE instant_teachers SET suspended_at = $2, missed_in_a_row = 0 WHERE user_id = $1",
                         PARLA_DB_TEXT, teacher_id,
                         PARLA_DB_INT, step->now,
                         PARLA_DB_END) < 0)
        return FALSE;

      reason = g_strdup_printf ("%" G_GINT64_FORMAT " calls in a row rang out without an answer: you no "
                                "longer receive instant calls. Set your status to available again when "
                                "you can answer.", missed);
      builder = json_builder_new ();
      json_builder_begin_object (builder);
      parla_json_add_string (builder, "reason", "missed_rings");
      parla_json_add_int (builder, "missed_rings", missed);
      parla_json_add_string (builder, "message", reason);
      emit (step, "instant.unavailable", end_event (builder), teacher_id, NULL);
    }

  if (!set_status (step, call, "searching", error))
    return FALSE;
  return route_next (step, call, error);
}

/* Meter */

typedef struct
{
  gint64 from;
  gint64 to;
} Stay;

static GArray *
load_stays (Step        *step,
            const char  *call_id,
            const char  *user_id,
            gboolean    *present,
            GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GArray) stays = g_array_new (FALSE, FALSE, sizeof (Stay));

  *present = FALSE;
  rows = parla_db_query (step->db, error,
                         "SELECT joined_at, left_at FROM instant_call_stays WHERE call_id = $1 AND user_id = $2 "
                         "ORDER BY joined_at",
                         PARLA_DB_TEXT, call_id,
                         PARLA_DB_TEXT, user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  while (parla_db_rows_next (rows))
    {
      Stay stay = { parla_db_rows_get_int (rows, 0), step->now };

      if (parla_db_rows_is_null (rows, 1))
        *present = TRUE;
      else
        stay.to = parla_db_rows_get_int (rows, 1);
      g_array_append_val (stays, stay);
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  return g_steal_pointer (&stays);
}

/* Seconds both sides were in the room together, from @start to now. */
static gint64
overlap_seconds (GArray *a,
                 GArray *b,
                 gint64  start,
                 gint64  now)
{
  gint64 total = 0;

  for (guint i = 0; i < a->len; i++)
    for (guint j = 0; j < b->len; j++)
      {
        Stay *sa = &g_array_index (a, Stay, i);
        Stay *sb = &g_array_index (b, Stay, j);
        gint64 from = MAX (MAX (sa->from, sb->from), start);
        gint64 to = MIN (MIN (sa->to, sb->to), now);

        if (to > from)
          total += to - from;
      }

  return total;
}

static gboolean end_call (Step        *step,
                          InstantCall *call,
                          const char  *reason,
                          const char  *by,
                          GError     **error);

/* Bills what was talked since the last look, warns, and ends the call
 * when the minutes ran out or the sides stayed away. @final: the call
 * ends now anyway (nothing is ended from here). */
static gboolean
meter (Step         *step,
       InstantCall  *call,
       gboolean      final,
       GError      **error)
{
  g_autoptr(GArray) learner = NULL;
  g_autoptr(GArray) teacher = NULL;
  gboolean learner_here = FALSE, teacher_here = FALSE;
  gint64 unit = step->config->billing_unit_seconds;
  gint64 metered = 0, due, balance, left;
  const char *end_reason = NULL;

  learner = load_stays (step, call->id, call->learner_id, &learner_here, error);
  teacher = learner ? load_stays (step, call->id, call->teacher_id, &teacher_here, error) : NULL;
  if (teacher == NULL)
    return FALSE;

  if (call->learner_media_at > 0 && call->teacher_media_at > 0)
    metered = overlap_seconds (learner, teacher, MAX (call->learner_media_at, call->teacher_media_at), step->now);
  metered = MAX (metered, call->metered_seconds);

  /* Every started unit, as soon as it starts; never more than is left. */
  due = (metered + unit - 1) / unit * unit;
  if (due > call->billed_seconds)
    {
      gint64 debited = parla_minutes_debit (step->db, call->learner_id, due - call->billed_seconds,
                                            call->id, step->now, error);
      if (debited < 0)
        return FALSE;
      call->billed_seconds += debited;
    }
  call->metered_seconds = metered;

  balance = parla_minutes_balance (step->db, call->learner_id, step->now, NULL, error);
  if (balance < 0)
    return FALSE;
  left = balance + call->billed_seconds - metered;

  if (!final && left <= 0)
    {
      if (call->exhausted_at == 0)
        {
          g_autoptr(JsonBuilder) builder = begin_event (call, call->teacher_id);

          call->exhausted_at = step->now;
          parla_json_add_int (builder, "minutes_left", 0);
          parla_json_add_int (builder, "seconds_left", 0);
          parla_json_add_instant (builder, "ends_at", step->now + step->config->balance_grace_seconds);
          emit (step, "call.balance_low", end_event (builder), call->learner_id, call->teacher_id);
        }
      if (step->now >= call->exhausted_at + step->config->balance_grace_seconds)
        end_reason = "balance_exhausted";
    }
  else if (!final && call->accepted_at > 0 && metered > 0)
    {
      int warn = left <= 60 ? 1 : left <= 300 ? 5 : 0;

      if (warn != 0 && (call->warned_minutes == 0 || warn < call->warned_minutes))
        {
          g_autoptr(JsonBuilder) builder = begin_event (call, call->teacher_id);

          call->warned_minutes = warn;
          parla_json_add_int (builder, "minutes_left", warn);
          parla_json_add_int (builder, "seconds_left", left);
          emit (step, "call.balance_low", end_event (builder), call->learner_id, call->teacher_id);
        }
    }

  if (!final && end_reason == NULL)
    {
      if (learner_here && teacher_here)
        call->absent_since = 0;
      else if (call->absent_since == 0)
        call->absent_since = step->now;
      else if (step->now - call->absent_since >= PARLA_INSTANT_RECONNECT_SECONDS)
        end_reason = "connection_lost";
    }

  if (parla_db_exec (step->db, error,
                     "UPDATE instant_calls SET metered_seconds = $2, billed_seconds = $3, warned_minutes = $4, "
                     "exhausted_at = NULLIF($5, 0), absent_since = NULLIF($6, 0) WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_INT, call->metered_seconds,
                     PARLA_DB_INT, call->billed_seconds,
                     PARLA_DB_INT, call->warned_minutes,
                     PARLA_DB_INT, call->exhausted_at,
                     PARLA_DB_INT, call->absent_since,
                     PARLA_DB_END) < 0)
    return FALSE;

  if (end_reason != NULL)
    return end_call (step, call, end_reason, NULL, error);
  return TRUE;
}

/* What call.ended says, for people. */
static const char *
end_message (const char *reason)
{
  if (g_str_equal (reason, "balance_exhausted"))
    return "The call ended: the learner's minutes ran out.";
  if (g_str_equal (reason, "connection_lost"))
    return "The call ended: a side stayed disconnected for over a minute.";
  return "The call was hung up.";
}

/* The last look of the meter, then the summary to both sides. */
static gboolean
end_call (Step         *step,
          InstantCall  *call,
          const char   *reason,
          const char   *by,
          GError      **error)
{
  g_autoptr(JsonBuilder) builder = NULL;
  gint64 balance;

  if (!meter (step, call, TRUE, error))
    return FALSE;

  if (parla_db_exec (step->db, error,
                     "UPDATE instant_calls SET status = 'ended', ended_at = $2, end_reason = $3 WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_INT, step->now,
                     PARLA_DB_TEXT, reason,
                     PARLA_DB_END) < 0 ||
      !touch_teacher (step, call->teacher_id, error) ||
      parla_db_exec (step->db, error, "UPDATE instant_teachers SET last_call_end = $2 WHERE user_id = $1",
                     PARLA_DB_TEXT, call->teacher_id,
                     PARLA_DB_INT, step->now,
                     PARLA_DB_END) < 0)
    return FALSE;
  g_free (call->status);
  call->status = g_strdup ("ended");
  call->ended_at = step->now;

  balance = parla_minutes_balance (step->db, call->learner_id, step->now, NULL, error);
  if (balance < 0)
    return FALSE;

  builder = begin_event (call, call->teacher_id);
  parla_json_add_string (builder, "status", "ended");
  parla_json_add_string (builder, "reason", reason);
  parla_json_add_string (builder, "message", end_message (reason));
  parla_json_add_string (builder, "ended_by", by);
  parla_json_add_int (builder, "minutes_billed", started_minutes (call->billed_seconds));
  parla_json_add_int (builder, "seconds_billed", call->billed_seconds);
  parla_json_add_int (builder, "minutes_used", started_minutes (call->metered_seconds));
  parla_json_add_int (builder, "seconds_used", call->metered_seconds);
  parla_json_add_int (builder, "minutes_left", balance / 60);
  parla_json_add_int (builder, "seconds_left", balance);
  json_builder_set_member_name (builder, "teacher_earnings");
  json_builder_begin_object (builder);
  parla_json_add_int (builder, "amount_minor", earnings_minor (call));
  parla_json_add_string (builder, "currency", call->currency);
  json_builder_end_object (builder);
  emit (step, "call.ended", end_event (builder), call->learner_id, call->teacher_id);
  return TRUE;
}

/* Stays */

gboolean
parla_instant_call_record_stay (ParlaDb      *db,
                                const char   *call_id,
                                const char   *user_id,
                                gint64        at,
                                gboolean      joined,
                                gboolean     *is_instant,
                                GError      **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autofree char *id = NULL;

  *is_instant = FALSE;
  rows = parla_db_query (db, error, "SELECT 1 FROM instant_calls WHERE id = $1",
                         PARLA_DB_TEXT, call_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (!parla_db_rows_next (rows))
    return parla_db_rows_get_error (rows, error);
  *is_instant = TRUE;

  /* A stay left open by a server that stopped without ending it ends
   * when its user comes back, at the latest. */
  if (parla_db_exec (db, error,
                     "UPDATE instant_call_stays SET left_at = $3 "
                     "WHERE call_id = $1 AND user_id = $2 AND left_at IS NULL",
                     PARLA_DB_TEXT, call_id,
                     PARLA_DB_TEXT, user_id,
                     PARLA_DB_INT, at,
                     PARLA_DB_END) < 0)
    return FALSE;

  if (!joined)
    return TRUE;

  id = parla_db_new_id ();
  return parla_db_exec (db, error,
                        "INSERT INTO instant_call_stays (id, call_id, user_id, joined_at) VALUES ($1, $2, $3, $4)",
                        PARLA_DB_TEXT, id,
                        PARLA_DB_TEXT, call_id,
                        PARLA_DB_TEXT, user_id,
                        PARLA_DB_INT, at,
                        PARLA_DB_END) >= 0;
}

/* Handlers */

static void
step_init (Step         *step,
           ParlaRequest *req)
{
  step->db = req->db;
  step->config = req->config;
  step->server = req->server;
  step->now = req->now;
  step->events = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_hub_event_free);
}

/* Hands the events to the request, published once it committed. */
static void
step_finish (Step         *step,
             ParlaRequest *req)
{
  for (guint i = 0; i < step->events->len; i++)
    parla_request_add_event (req, g_ptr_array_steal_index (step->events, i--));
  g_clear_pointer (&step->events, g_ptr_array_unref);
}

static const ParlaField request_fields[] = {
  { "language", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, 64 },
  { "level", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 1, 32 },
  { "specialization", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 1, 64 },
  { "accent", PARLA_FIELD_STRING, PARLA_FIELD_NULLABLE, 1, 64 },
  { "teacher_id", PARLA_FIELD_ID, PARLA_FIELD_NULLABLE },
};

static char *
dup_trimmed (JsonObject *body,
             const char *name)
{
  const char *value = parla_json_get_string (body, name, NULL);

  return value != NULL ? g_strstrip (g_strdup (value)) : NULL;
}

static JsonNode *
respond_with_call (ParlaRequest  *req,
                   Step          *step,
                   const char    *call_id,
                   GError       **error)
{
  g_autoptr(InstantCall) call = load_call (req->db, call_id, error);

  step_finish (step, req);
  if (call == NULL)
    return NULL;

  return call_to_json (req->db, req->config, call, req->now, error);
}

/* POST /api/v1/calls: a learner with minutes asks for a teacher now. */
static JsonNode *
handle_create (ParlaRequest  *req,
               GError       **error)
{
  JsonObject *body = parla_request_body (req);
  g_autoptr(InstantCall) call = g_new0 (InstantCall, 1);
  g_autoptr(ParlaDbRows) rows = NULL;
  Step step = { 0 };
  gint64 balance;

  if (req->user_role == PARLA_ROLE_TEACHER)
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only learners call a tutor now");
      return NULL;
    }

  if (!parla_json_check_object (body, request_fields, G_N_ELEMENTS (request_fields), PARLA_JSON_INPUT, error))
    return NULL;

  call->id = parla_db_new_id ();
  call->learner_id = g_strdup (req->user_id);
  call->language = dup_trimmed (body, "language");
  call->level = dup_trimmed (body, "level");
  call->specialization = dup_trimmed (body, "specialization");
  call->accent = dup_trimmed (body, "accent");
  call->preferred_teacher_id = g_strdup (parla_json_get_string (body, "teacher_id", NULL));
  call->currency = g_strdup ("");
  if (call->language[0] == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "language", "“language” must not be blank");
      return NULL;
    }

  if (call->preferred_teacher_id != NULL)
    {
      rows = parla_db_query (req->db, error, "SELECT 1 FROM users WHERE id = $1 AND role = 'teacher'",
                             PARLA_DB_TEXT, call->preferred_teacher_id,
                             PARLA_DB_END);
      if (rows == NULL)
        return NULL;
      if (!parla_db_rows_next (rows))
        {
          if (parla_db_rows_get_error (rows, error))
            parla_set_error (error, PARLA_ERROR_NOT_FOUND, "teacher_id", "No such teacher");
          return NULL;
        }
      g_clear_pointer (&rows, parla_db_rows_free);
    }

  if (!parla_minutes_lock (req->db, req->user_id, error))
    return NULL;
  balance = parla_minutes_balance (req->db, req->user_id, req->now, NULL, error);
  if (balance < 0)
    return NULL;
  if (balance == 0)
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "You have no minutes left: buy a minute package to call a tutor now");
      return NULL;
    }

  rows = parla_db_query (req->db, error,
                         "SELECT id FROM instant_calls WHERE learner_id = $1 "
                         "AND status IN ('searching', 'ringing', 'connected')",
                         PARLA_DB_TEXT, req->user_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;
  if (parla_db_rows_next (rows))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "You already have a call going (%s): cancel or hang up first",
                       parla_db_rows_get_text (rows, 0));
      return NULL;
    }
  if (!parla_db_rows_get_error (rows, error))
    return NULL;

  if (parla_db_exec (req->db, error,
                     "INSERT INTO instant_calls (id, learner_id, status, language, level, specialization, accent, "
                     "preferred_teacher_id, created_at) VALUES ($1, $2, 'searching', $3, $4, $5, $6, $7, $8)",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_TEXT, call->learner_id,
                     PARLA_DB_TEXT, call->language,
                     PARLA_DB_TEXT, call->level,
                     PARLA_DB_TEXT, call->specialization,
                     PARLA_DB_TEXT, call->accent,
                     PARLA_DB_TEXT, call->preferred_teacher_id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;
  call->status = g_strdup ("searching");

  step_init (&step, req);
  if (!route_next (&step, call, error))
    {
      g_clear_pointer (&step.events, g_ptr_array_unref);
      return NULL;
    }

  req->status = 201;
  return respond_with_call (req, &step, call->id, error);
}

typedef enum
{
  ROLE_LEARNER = 1 << 0,
  ROLE_RINGING = 1 << 1,   /* the teacher being rung */
  ROLE_TEACHER = 1 << 2,   /* the teacher of a connected or ended call */
} Party;

/* The call of the path, for the caller; not found for anyone who has
 * nothing to do with it (the learner, and the teachers it rang). */
static InstantCall *
load_for_caller (ParlaRequest  *req,
                 Party         *party,
                 GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) local_error = NULL;

  *party = 0;
  call = load_call (req->db, parla_request_param (req, 0), &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (call == NULL)
    {
      parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such call");
      return NULL;
    }

  if (g_str_equal (call->learner_id, req->user_id))
    *party |= ROLE_LEARNER;
  if (g_strcmp0 (call->teacher_id, req->user_id) == 0)
    *party |= g_str_equal (call->status, "ringing") ? ROLE_RINGING : ROLE_TEACHER;

  if (*party == 0)
    {
      rows = parla_db_query (req->db, error,
                             "SELECT 1 FROM instant_call_attempts WHERE call_id = $1 AND teacher_id = $2",
                             PARLA_DB_TEXT, call->id,
                             PARLA_DB_TEXT, req->user_id,
                             PARLA_DB_END);
      if (rows == NULL)
        return NULL;
      if (!parla_db_rows_next (rows))
        {
          if (parla_db_rows_get_error (rows, error))
            parla_set_error (error, PARLA_ERROR_NOT_FOUND, NULL, "No such call");
          return NULL;
        }
    }

  return g_steal_pointer (&call);
}

/* Only the teacher being rung answers. */
static gboolean
check_ringing (InstantCall  *call,
               Party         party,
               GError      **error)
{
  if (party & ROLE_RINGING)
    return TRUE;

  if (party & ROLE_LEARNER)
    parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the teacher being rung answers a call");
  else
    parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                     "This call no longer rings for you (it is %s)", call->status);
  return FALSE;
}

/* {call_id, room, participants, ice_servers}, as joining a session's call. */
static JsonNode *
join_json (ParlaRequest  *req,
           InstantCall   *call,
           GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *room = parla_room_name ("call", call->id);
  g_autofree char *teacher_name = dup_display_name (req->db, call->teacher_id, error);
  g_autofree char *learner_name = teacher_name ? dup_display_name (req->db, call->learner_id, error) : NULL;

  if (learner_name == NULL)
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "call_id", call->id);
  parla_json_add_string (builder, "room", room);
  json_builder_set_member_name (builder, "participants");
  json_builder_begin_array (builder);
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "user_id", call->teacher_id);
  parla_json_add_string (builder, "display_name", teacher_name);
  json_builder_end_object (builder);
  json_builder_begin_object (builder);
  parla_json_add_string (builder, "user_id", call->learner_id);
  parla_json_add_string (builder, "display_name", learner_name);
  json_builder_end_object (builder);
  json_builder_end_array (builder);
  parla_calls_add_ice_servers (builder, req->config, req->user_id, req->now);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

static JsonNode *
handle_accept (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  g_autofree char *room = NULL;
  Step step = { 0 };
  Party party;

  if (!parla_calls_check_no_body (req, "Accepting", error))
    return NULL;
  call = load_for_caller (req, &party, error);
  if (call == NULL || !check_ringing (call, party, error))
    return NULL;

  step_init (&step, req);
  if (!close_attempt (&step, call, "accepted", error) ||
      !touch_teacher (&step, call->teacher_id, error) ||
      parla_db_exec (req->db, error, "UPDATE instant_teachers SET missed_in_a_row = 0 WHERE user_id = $1",
                     PARLA_DB_TEXT, call->teacher_id,
                     PARLA_DB_END) < 0 ||
      parla_db_exec (req->db, error,
                     "UPDATE instant_calls SET status = 'connected', accepted_at = $2, ring_deadline = NULL, "
                     "rate_minor = $3, currency = $4 WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_INT, (gint64) req->config->teacher_rate_minor,
                     PARLA_DB_TEXT, req->config->instant_currency,
                     PARLA_DB_END) < 0)
    {
      g_clear_pointer (&step.events, g_ptr_array_unref);
      return NULL;
    }
  g_free (call->status);
  call->status = g_strdup ("connected");

  room = parla_room_name ("call", call->id);
  builder = begin_event (call, call->teacher_id);
  parla_json_add_string (builder, "status", "connected");
  parla_json_add_string (builder, "room", room);
  if (!add_person (builder, req->db, "teacher", call->teacher_id, error) ||
      !add_person (builder, req->db, "learner", call->learner_id, error))
    {
      g_clear_pointer (&step.events, g_ptr_array_unref);
      return NULL;
    }
  emit (&step, "call.accepted", end_event (builder), call->learner_id, call->teacher_id);
  step_finish (&step, req);

  return join_json (req, call, error);
}

static JsonNode *
handle_decline (ParlaRequest  *req,
                GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  Step step = { 0 };
  Party party;

  if (!parla_calls_check_no_body (req, "Declining", error))
    return NULL;
  call = load_for_caller (req, &party, error);
  if (call == NULL || !check_ringing (call, party, error))
    return NULL;

  step_init (&step, req);
  builder = begin_event (call, call->teacher_id);
  parla_json_add_string (builder, "status", "searching");
  emit (&step, "call.declined", end_event (builder), call->learner_id, call->teacher_id);

  if (!close_attempt (&step, call, "declined", error) ||
      !touch_teacher (&step, call->teacher_id, error) ||
      parla_db_exec (req->db, error, "UPDATE instant_teachers SET missed_in_a_row = 0 WHERE user_id = $1",
                     PARLA_DB_TEXT, call->teacher_id,
                     PARLA_DB_END) < 0 ||
      !set_status (&step, call, "searching", error) ||
      !route_next (&step, call, error))
    {
      g_clear_pointer (&step.events, g_ptr_array_unref);
      return NULL;
    }

  return respond_with_call (req, &step, call->id, error);
}

static JsonNode *
handle_cancel (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  g_autoptr(JsonBuilder) builder = NULL;
  Step step = { 0 };
  Party party;

  if (!parla_calls_check_no_body (req, "Cancelling", error))
    return NULL;
  call = load_for_caller (req, &party, error);
  if (call == NULL)
    return NULL;
  if (!(party & ROLE_LEARNER))
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the learner who called cancels a call");
      return NULL;
    }
  if (!g_str_equal (call->status, "searching") && !g_str_equal (call->status, "ringing"))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "Only a call that still rings can be cancelled (this one is %s)", call->status);
      return NULL;
    }

  step_init (&step, req);
  builder = begin_event (call, call->teacher_id);
  parla_json_add_string (builder, "status", "cancelled");
  emit (&step, "call.cancelled", end_event (builder), call->learner_id, call->teacher_id);

  if (!close_attempt (&step, call, "cancelled", error) ||
      parla_db_exec (req->db, error,
                     "UPDATE instant_calls SET status = 'cancelled', ring_deadline = NULL, ended_at = $2, "
                     "end_reason = 'cancelled' WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    {
      g_clear_pointer (&step.events, g_ptr_array_unref);
      return NULL;
    }

  return respond_with_call (req, &step, call->id, error);
}

static gboolean
check_connected (InstantCall  *call,
                 Party         party,
                 GError      **error)
{
  if (!(party & (ROLE_LEARNER | ROLE_TEACHER | ROLE_RINGING)))
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the two sides of a call may do this");
      return FALSE;
    }
  if (!g_str_equal (call->status, "connected"))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL, "This call is %s, not connected", call->status);
      return FALSE;
    }

  return TRUE;
}

static JsonNode *
handle_hangup (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  Step step = { 0 };
  Party party;

  if (!parla_calls_check_no_body (req, "Hanging up", error))
    return NULL;
  call = load_for_caller (req, &party, error);
  if (call == NULL || !check_connected (call, party, error))
    return NULL;

  step_init (&step, req);
  if (!end_call (&step, call, "hangup", req->user_id, error))
    {
      g_clear_pointer (&step.events, g_ptr_array_unref);
      return NULL;
    }

  return respond_with_call (req, &step, call->id, error);
}

static JsonNode *
handle_join (ParlaRequest  *req,
             GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  Party party;

  if (!parla_calls_check_no_body (req, "Joining", error))
    return NULL;
  call = load_for_caller (req, &party, error);
  if (call == NULL || !check_connected (call, party, error))
    return NULL;

  return join_json (req, call, error);
}

/* Media flows to the caller's side: the meter may start once both said
 * so. Saying it again changes nothing. */
static JsonNode *
handle_media (ParlaRequest  *req,
              GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  Step step = { 0 };
  Party party;

  if (!parla_calls_check_no_body (req, "Reporting media", error))
    return NULL;
  call = load_for_caller (req, &party, error);
  if (call == NULL || !check_connected (call, party, error))
    return NULL;

  if (parla_db_exec (req->db, error,
                     (party & ROLE_LEARNER)
                     ? "UPDATE instant_calls SET learner_media_at = COALESCE(learner_media_at, $2) WHERE id = $1"
                     : "UPDATE instant_calls SET teacher_media_at = COALESCE(teacher_media_at, $2) WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_INT, req->now,
                     PARLA_DB_END) < 0)
    return NULL;

  step_init (&step, req);
  return respond_with_call (req, &step, call->id, error);
}

/* An unanswered call: tell the learner when a matching teacher becomes
 * available (call.teacher_available, within a day). */
static JsonNode *
handle_notify (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  Step step = { 0 };
  Party party;

  if (!parla_calls_check_no_body (req, "Asking to be notified", error))
    return NULL;
  call = load_for_caller (req, &party, error);
  if (call == NULL)
    return NULL;
  if (!(party & ROLE_LEARNER))
    {
      parla_set_error (error, PARLA_ERROR_FORBIDDEN, NULL, "Only the learner who called is notified");
      return NULL;
    }
  if (!g_str_equal (call->status, "unanswered"))
    {
      parla_set_error (error, PARLA_ERROR_INVALID_STATE, NULL,
                       "Only an unanswered call offers this (this one is %s)", call->status);
      return NULL;
    }

  if (parla_db_exec (req->db, error, "UPDATE instant_calls SET notify_when_available = 1 WHERE id = $1",
                     PARLA_DB_TEXT, call->id,
                     PARLA_DB_END) < 0)
    return NULL;

  step_init (&step, req);
  return respond_with_call (req, &step, call->id, error);
}

JsonNode *
parla_instant_call_lookup (ParlaRequest  *req,
                           const char    *call_id,
                           gboolean      *found,
                           GError       **error)
{
  g_autoptr(InstantCall) call = NULL;
  g_autoptr(GError) local_error = NULL;
  Party party;

  *found = FALSE;
  call = load_call (req->db, call_id, &local_error);
  if (call == NULL)
    {
      if (local_error != NULL)
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  g_clear_pointer (&call, instant_call_free);

  call = load_for_caller (req, &party, &local_error);
  if (call == NULL)
    {
      if (!g_error_matches (local_error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND))
        g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }

  *found = TRUE;
  return call_to_json (req->db, req->config, call, req->now, error);
}

/* The clock */

struct _ParlaInstantClock
{
  /* borrowed */
  ParlaServer  *server;

  /* owned */
  GSource      *source;
  GCancellable *cancellable;
  gboolean      running;
  gint64        minutes_at;   /* when expiries were last looked at (server clock) */
};

typedef struct
{
  ParlaServer *server;   /* borrowed: the server outlives its workers */
  gboolean     minutes;  /* look at expiries too */
} ClockData;

/* Whether any call needs the clock: ringing, connected, or waiting to
 * hear of a teacher. Read outside a transaction, so that an idle server
 * takes no write lock once a second. */
static gboolean
calls_need_clock (ParlaDb   *db,
                  gint64     now,
                  gboolean  *needed,
                  GError   **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (db, error,
                         "SELECT 1 FROM instant_calls WHERE status IN ('ringing', 'connected') "
                         "OR (status = 'unanswered' AND notify_when_available = 1 AND notified_at IS NULL "
                         "    AND created_at > $1) LIMIT 1",
                         PARLA_DB_INT, now - NOTIFY_WITHIN_SECONDS,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  *needed = parla_db_rows_next (rows);
  return parla_db_rows_get_error (rows, error);
}

/* Sends minutes.expiring once per lot that expires within the warning
 * period, recorded in realtime_notices. */
static gboolean
warn_expiring (Step    *step,
               GError **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GPtrArray) lots = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GArray) values = g_array_new (FALSE, FALSE, sizeof (gint64));

  if (step->config->expiry_warning_days == 0)
    return TRUE;

  rows = parla_db_query (step->db, error,
                         "SELECT l.id, l.user_id, l.expires_at, "
                         "  l.seconds + COALESCE((SELECT SUM(e.seconds) FROM minute_ledger e WHERE e.lot_id = l.id), 0) "
                         "FROM minute_ledger l "
                         "WHERE l.kind IN ('purchase', 'grant') AND l.expires_at > $1 AND l.expires_at <= $2 "
                         "AND NOT EXISTS (SELECT 1 FROM realtime_notices n "
                         "                WHERE n.room = 'minutes:' || l.id AND n.kind = 'minutes.expiring') "
                         "ORDER BY l.expires_at, l.id",
                         PARLA_DB_INT, step->now,
                         PARLA_DB_INT, step->now + step->config->expiry_warning_days * DAY_SECONDS,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  while (parla_db_rows_next (rows))
    {
      gint64 pair[2] = { parla_db_rows_get_int (rows, 2), parla_db_rows_get_int (rows, 3) };

      if (pair[1] <= 0)
        continue;
      g_ptr_array_add (lots, parla_db_rows_dup_text (rows, 0));
      g_ptr_array_add (users, parla_db_rows_dup_text (rows, 1));
      g_array_append_vals (values, pair, 2);
    }
  if (!parla_db_rows_get_error (rows, error))
    return FALSE;
  g_clear_pointer (&rows, parla_db_rows_free);

  for (guint i = 0; i < lots->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autofree char *room = parla_room_name ("minutes", g_ptr_array_index (lots, i));
      gint64 expires_at = g_array_index (values, gint64, 2 * i);
      gint64 seconds = g_array_index (values, gint64, 2 * i + 1);

      if (parla_db_exec (step->db, error,
                         "INSERT INTO realtime_notices (room, kind, sent_at) VALUES ($1, 'minutes.expiring', $2)",
                         PARLA_DB_TEXT, room,
                         PARLA_DB_INT, step->now,
                         PARLA_DB_END) < 0)
        return FALSE;

      json_builder_begin_object (builder);
      parla_json_add_string (builder, "lot_id", g_ptr_array_index (lots, i));
      parla_json_add_int (builder, "minutes", seconds / 60);
      parla_json_add_int (builder, "seconds", seconds);
      parla_json_add_instant (builder, "expires_at", expires_at);
      emit (step, "minutes.expiring", end_event (builder), g_ptr_array_index (users, i), NULL);
    }

  return TRUE;
}

static gboolean
expire_minutes (Step    *step,
                GError **error)
{
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func (g_free);

  if (!parla_minutes_expire (step->db, step->now, users, error))
    return FALSE;

  for (guint i = 0; i < users->len; i++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      gint64 balance = parla_minutes_balance (step->db, g_ptr_array_index (users, i), step->now, NULL, error);

      if (balance < 0)
        return FALSE;
      json_builder_begin_object (builder);
      parla_json_add_int (builder, "minutes", balance / 60);
      parla_json_add_int (builder, "seconds", balance);
      emit (step, "minutes.expired", end_event (builder), g_ptr_array_index (users, i), NULL);
    }

  return TRUE;
}

/* Learners who asked: a matching teacher not tried for their call is
 * available now. */
static gboolean
notify_learners (Step    *step,
                 GError **error)
{
  g_autoptr(GPtrArray) calls = NULL;
  g_autofree char *where = g_strdup_printf ("status = 'unanswered' AND notify_when_available = 1 "
                                            "AND notified_at IS NULL AND created_at > $1 - %d",
                                            NOTIFY_WITHIN_SECONDS);

  calls = load_calls (step->db, where, step->now, error);
  if (calls == NULL)
    return FALSE;

  for (guint i = 0; i < calls->len; i++)
    {
      InstantCall *call = g_ptr_array_index (calls, i);
      g_autoptr(GPtrArray) teachers = rank_teachers (step, call, error);
      g_autoptr(JsonBuilder) builder = NULL;

      if (teachers == NULL)
        return FALSE;
      if (teachers->len == 0)
        continue;

      if (parla_db_exec (step->db, error, "UPDATE instant_calls SET notified_at = $2 WHERE id = $1",
                         PARLA_DB_TEXT, call->id,
                         PARLA_DB_INT, step->now,
                         PARLA_DB_END) < 0)
        return FALSE;

      builder = begin_event (call, g_ptr_array_index (teachers, 0));
      parla_json_add_string (builder, "language", call->language);
      if (!add_person (builder, step->db, "teacher", g_ptr_array_index (teachers, 0), error))
        return FALSE;
      emit (step, "call.teacher_available", end_event (builder), call->learner_id, NULL);
    }

  return TRUE;
}

/* On a worker: one tick of the clock in one write transaction. */
static gpointer
clock_work (ParlaDb   *db,
            gint64     now,
            gpointer   data,
            GError   **error)
{
  ClockData *clock_data = data;
  g_autoptr(GPtrArray) calls = NULL;
  Step step = { db, parla_server_get_config (clock_data->server), clock_data->server, now, NULL };
  gboolean needed = FALSE;

  step.events = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_hub_event_free);
  if (!calls_need_clock (db, now, &needed, error))
    goto fail;
  if (!needed && !clock_data->minutes)
    return g_steal_pointer (&step.events);

  if (!parla_db_begin_write (db, error))
    goto fail;

  calls = load_calls (db, "status = 'ringing' AND ring_deadline <= $1", now, error);
  if (calls == NULL)
    goto rollback;
  for (guint i = 0; i < calls->len; i++)
    if (!ring_timed_out (&step, g_ptr_array_index (calls, i), error))
      goto rollback;
  g_clear_pointer (&calls, g_ptr_array_unref);

  calls = load_calls (db, "status = 'connected' AND created_at <= $1", now, error);
  if (calls == NULL)
    goto rollback;
  for (guint i = 0; i < calls->len; i++)
    if (!meter (&step, g_ptr_array_index (calls, i), FALSE, error))
      goto rollback;

  if (!notify_learners (&step, error) ||
      (clock_data->minutes && (!expire_minutes (&step, error) || !warn_expiring (&step, error))))
    goto rollback;

  if (!parla_db_commit (db, error))
    goto fail;

  return g_steal_pointer (&step.events);

rollback:
  parla_db_rollback (db);
fail:
  g_clear_pointer (&step.events, g_ptr_array_unref);
  return NULL;
}

static void
on_clock_done_cb (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(GPtrArray) events = NULL;
  g_autoptr(GError) error = NULL;
  ParlaInstantClock *clock;

  events = _parla_server_run_finish (PARLA_SERVER (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  clock = user_data;
  clock->running = FALSE;
  if (error != NULL)
    {
      g_warning ("Instant calls: %s", error->message);
      return;
    }

  parla_hub_publish_events (_parla_server_get_hub (clock->server), events);
}

static gboolean
on_clock_tick_cb (gpointer user_data)
{
  ParlaInstantClock *clock = user_data;
  gint64 now = parla_server_now (clock->server);
  ClockData *data;

  if (clock->running)
    return G_SOURCE_CONTINUE;

  clock->running = TRUE;
  data = g_new0 (ClockData, 1);
  data->server = clock->server;
  /* Also when the clock went back (a test's clock, an adjusted one). */
  if (clock->minutes_at == 0 || now - clock->minutes_at >= MINUTES_EVERY_SECONDS || now < clock->minutes_at)
    {
      data->minutes = TRUE;
      clock->minutes_at = now;
    }
  _parla_server_run_async (clock->server, clock_work, data, g_free,
                           (GDestroyNotify) g_ptr_array_unref, clock->cancellable,
                           on_clock_done_cb, clock);
  return G_SOURCE_CONTINUE;
}

/**
 * parla_instant_clock_new:
 * @server: the server, whose main context is the thread-default one
 *
 * Starts the clock of instant calls: ring deadlines, the meter and
 * notifications once a second, expiring minutes every 30 s, on the
 * server's clock.
 */
ParlaInstantClock *
parla_instant_clock_new (ParlaServer *server)
{
  ParlaInstantClock *clock = g_new0 (ParlaInstantClock, 1);

  clock->server = server;
  clock->cancellable = g_cancellable_new ();
  clock->source = g_timeout_source_new (CLOCK_INTERVAL_MS);
  g_source_set_callback (clock->source, on_clock_tick_cb, clock, NULL);
  g_source_set_static_name (clock->source, "parla-instant-clock");
  g_source_attach (clock->source, g_main_context_get_thread_default ());

  return clock;
}

/* Stops the clock; a tick still running finds it cancelled. Call it
 * before the server's workers stop. */
void
parla_instant_clock_free (ParlaInstantClock *clock)
{
  if (clock == NULL)
    return;

  g_cancellable_cancel (clock->cancellable);
  g_source_destroy (clock->source);
  g_source_unref (clock->source);
  g_object_unref (clock->cancellable);
  g_free (clock);
}

const ParlaRoute parla_instant_call_routes[] = {
  { "POST", "/api/v1/calls", handle_create, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY },
  { "POST", "/api/v1/calls/{id}/accept", handle_accept, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/calls/{id}/decline", handle_decline, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/calls/{id}/cancel", handle_cancel, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/calls/{id}/hangup", handle_hangup, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/calls/{id}/join", handle_join, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/calls/{id}/media", handle_media, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { "POST", "/api/v1/calls/{id}/notify", handle_notify, PARLA_ROUTE_AUTH | PARLA_ROUTE_WRITE | PARLA_ROUTE_BODY_OPT },
  { NULL }
};
