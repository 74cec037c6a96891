/* parla-db-schema.c: versioned migrations, in SQL that SQLite >= 3.40 and
 * PostgreSQL 15 both run unchanged
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Rules for this file: append, never edit a migration that has shipped.
 * Timestamps are INTEGER seconds since the epoch (UTC); ids are TEXT;
 * booleans are INTEGER 0/1; JSON documents are TEXT; money is INTEGER
 * minor units.
 */

#include "config.h"

#include "parla-db-private.h"

static const char migration_1[] =
  "CREATE TABLE users ("
  "  id TEXT PRIMARY KEY,"
  "  email TEXT NOT NULL UNIQUE,"
  "  password_hash TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  role TEXT NOT NULL CHECK (role IN ('student', 'teacher', 'admin')),"
  "  created_at INTEGER NOT NULL"
  ");"

  "CREATE TABLE auth_tokens ("
  "  token_hash TEXT PRIMARY KEY,"
  "  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL,"
  "  last_used_at INTEGER NOT NULL,"
  "  expires_at INTEGER NOT NULL,"
  "  revoked_at INTEGER"
  ");"
  "CREATE INDEX auth_tokens_user ON auth_tokens (user_id);"

  /* A teacher's public profile; lock_version is bumped by every booking
   * transaction that involves the teacher, which on PostgreSQL takes the row
   * lock that serialises them (SQLite serialises all writers anyway). */
  "CREATE TABLE teacher_profiles ("
  "  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  bio TEXT NOT NULL DEFAULT '',"
  "  accent TEXT NOT NULL DEFAULT '',"
  "  time_zone TEXT NOT NULL DEFAULT 'UTC',"
  "  photo_url TEXT,"
  "  profile_json TEXT NOT NULL DEFAULT '{}',"
  "  search_text TEXT NOT NULL DEFAULT '',"
  "  rating_sum INTEGER NOT NULL DEFAULT 0,"
  "  rating_count INTEGER NOT NULL DEFAULT 0,"
  "  min_price_minor INTEGER,"
  "  has_free INTEGER NOT NULL DEFAULT 0,"
  "  lock_version INTEGER NOT NULL DEFAULT 0,"
  "  updated_at INTEGER NOT NULL"
  ");"

  /* languages, subjects, levels and specializations, one row each, so that
   * filters are index lookups in both databases. */
  "CREATE TABLE teacher_tags ("
  "  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL,"
  "  value TEXT NOT NULL,"
  "  PRIMARY KEY (user_id, kind, value)"
  ");"
  "CREATE INDEX teacher_tags_lookup ON teacher_tags (kind, value, user_id);"

  "CREATE TABLE availability ("
  "  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  document TEXT NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"

  "CREATE TABLE offerings ("
  "  id TEXT PRIMARY KEY,"
  "  teacher_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  document TEXT NOT NULL,"
  "  session_type TEXT NOT NULL,"
  "  duration_minutes INTEGER NOT NULL,"
  "  capacity INTEGER NOT NULL CHECK (capacity >= 1),"
  "  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),"
  "  currency TEXT NOT NULL,"
  "  requires_approval INTEGER NOT NULL,"
  "  archived INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX offerings_teacher ON offerings (teacher_id, archived);"

  "CREATE TABLE sessions ("
  "  id TEXT PRIMARY KEY,"
  "  host_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  offering_id TEXT REFERENCES offerings (id),"
  "  title TEXT NOT NULL,"
  "  search_text TEXT NOT NULL,"
  "  document TEXT NOT NULL,"
  "  type TEXT NOT NULL,"
  "  language TEXT NOT NULL,"
  "  level TEXT NOT NULL,"
  "  start_at INTEGER NOT NULL,"
  "  end_at INTEGER NOT NULL,"
  "  capacity INTEGER NOT NULL CHECK (capacity >= 1),"
  "  seats_taken INTEGER NOT NULL DEFAULT 0 CHECK (seats_taken >= 0 AND seats_taken <= capacity),"
  "  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),"
  "  currency TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'scheduled',"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  /* The listing filters and counts from these alone (covering indexes),
   * never touching the rows with their documents. */
  "CREATE INDEX sessions_upcoming ON sessions (status, start_at, end_at, level, type, price_minor);"
  "CREATE INDEX sessions_language ON sessions (language, status, start_at, end_at, level, type, price_minor);"
  "CREATE INDEX sessions_host ON sessions (host_id, start_at);"

  /* Text search: each word of a session's title, description, host and
   * language, folded to lowercase; a query word matches as a prefix, an
   * index range in both databases. */
  "CREATE TABLE session_words ("
  "  word TEXT NOT NULL,"
  "  session_id TEXT NOT NULL REFERENCES sessions (id) ON DELETE CASCADE,"
  "  PRIMARY KEY (word, session_id)"
  ");"
  "CREATE INDEX session_words_session ON session_words (session_id);"

  /* One row per seat or lesson. policy is the snapshot in force when the
   * learner booked; nothing later rewrites it. */
  "CREATE TABLE bookings ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL CHECK (kind IN ('session', 'lesson')),"
  "  session_id TEXT REFERENCES sessions (id),"
  "  offering_id TEXT REFERENCES offerings (id),"
  "  learner_id TEXT NOT NULL REFERENCES users (id),"
  "  teacher_id TEXT NOT NULL REFERENCES users (id),"
  "  title TEXT NOT NULL,"
  "  start_at INTEGER NOT NULL,"
  "  end_at INTEGER NOT NULL,"
  "  status TEXT NOT NULL,"
  "  topic TEXT NOT NULL DEFAULT '',"
  "  message TEXT NOT NULL DEFAULT '',"
  "  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),"
  "  currency TEXT NOT NULL,"
  "  fee_minor INTEGER NOT NULL,"
  "  refund_minor INTEGER,"
  "  cancelled_by TEXT,"
  "  cancelled_at INTEGER,"
  "  policy TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX bookings_learner ON bookings (learner_id, start_at);"
  "CREATE INDEX bookings_teacher ON bookings (teacher_id, start_at);"
  /* A learner holds at most one live seat per session; queries for live
   * seats name kind and status exactly like this, so that they use it. */
  "CREATE UNIQUE INDEX bookings_one_seat ON bookings (session_id, learner_id) "
  "  WHERE kind = 'session' AND status IN ('confirmed', 'pending');"

  "CREATE TABLE booking_history ("
  "  id TEXT PRIMARY KEY,"
  "  booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,"
  "  seq INTEGER NOT NULL,"
  "  at INTEGER NOT NULL,"
  "  actor_id TEXT,"
  "  action TEXT NOT NULL,"
  "  from_start INTEGER,"
  "  from_end INTEGER,"
  "  to_start INTEGER,"
  "  to_end INTEGER,"
  "  status TEXT NOT NULL"
  ");"
  "CREATE UNIQUE INDEX booking_history_order ON booking_history (booking_id, seq);"

  /* The first response to a POST with an Idempotency-Key, stored in the
   * same transaction as its effect. */
  "CREATE TABLE idempotency_keys ("
  "  user_id TEXT NOT NULL,"
  "  key TEXT NOT NULL,"
  "  request_hash TEXT NOT NULL,"
  "  status INTEGER NOT NULL,"
  "  body TEXT NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  PRIMARY KEY (user_id, key)"
  ");"
  "CREATE INDEX idempotency_keys_age ON idempotency_keys (created_at);";

/* Realtime: chat with per-room sequence numbers, receipts, and the
 * session notices already sent. */
static const char migration_2[] =
  /* The last sequence number of each room; bumping it in the inserting
   * transaction numbers a room's messages in commit order. */
  "CREATE TABLE chat_rooms ("
  "  room TEXT PRIMARY KEY,"
  "  last_seq INTEGER NOT NULL"
  ");"

  /* recipient_id: a private message, seen by its sender and recipient
   * only. client_id: the sender's id for it, unique per sender and room,
   * so that a message sent twice is stored once. */
  "CREATE TABLE chat_messages ("
  "  room TEXT NOT NULL,"
  "  seq INTEGER NOT NULL,"
  "  id TEXT NOT NULL UNIQUE,"
  "  client_id TEXT NOT NULL,"
  "  sender_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  recipient_id TEXT REFERENCES users (id) ON DELETE CASCADE,"
  "  type TEXT NOT NULL,"
  "  text TEXT NOT NULL,"
  "  language TEXT,"
  "  sent_at INTEGER NOT NULL,"
  "  PRIMARY KEY (room, seq)"
  ");"
  "CREATE UNIQUE INDEX chat_messages_client ON chat_messages (room, sender_id, client_id);"

  /* How far each member of a room has received and read. */
  "CREATE TABLE chat_receipts ("
  "  room TEXT NOT NULL,"
  "  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  delivered_seq INTEGER NOT NULL DEFAULT 0,"
  "  read_seq INTEGER NOT NULL DEFAULT 0,"
  "  updated_at INTEGER NOT NULL,"
  "  PRIMARY KEY (room, user_id)"
  ");"

  /* "session.starting" and friends, sent once per room: whoever inserts
   * the row sends the event. */
  "CREATE TABLE realtime_notices ("
  "  room TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  sent_at INTEGER NOT NULL,"
  "  PRIMARY KEY (room, kind)"
  ");"
  "CREATE INDEX bookings_start ON bookings (kind, status, start_at);";

/* Text search counts from the word index alone: each word row carries
 * what the listing filters on first (status and times). */
static const char migration_3[] =
  "ALTER TABLE session_words ADD COLUMN status TEXT NOT NULL DEFAULT 'scheduled';"
  "ALTER TABLE session_words ADD COLUMN start_at INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE session_words ADD COLUMN end_at INTEGER NOT NULL DEFAULT 0;"
  "UPDATE session_words SET "
  "  status = (SELECT status FROM sessions WHERE sessions.id = session_words.session_id),"
  "  start_at = (SELECT start_at FROM sessions WHERE sessions.id = session_words.session_id),"
  "  end_at = (SELECT end_at FROM sessions WHERE sessions.id = session_words.session_id);"
  "CREATE INDEX session_words_upcoming ON session_words (word, status, start_at, end_at, session_id);";

/* Sessions' search text went to session_words (migration 3); the copy
 * on the row was written and never read. */
static const char migration_4[] =
  "ALTER TABLE sessions DROP COLUMN search_text;";

/* Calls: one per group session or 1:1 lesson, made by the first
 * participant who joins it, and who was in it when. */
static const char migration_5[] =
  /* started_at: the first time someone was in its room; ended_at: when
   * the last one left, NULL again while someone is back in. */
  "CREATE TABLE calls ("
  "  id TEXT PRIMARY KEY,"
  "  session_id TEXT REFERENCES sessions (id),"
  "  booking_id TEXT REFERENCES bookings (id),"
  "  created_at INTEGER NOT NULL,"
  "  started_at INTEGER,"
  "  ended_at INTEGER,"
  "  CHECK ((session_id IS NOT NULL AND booking_id IS NULL) OR (session_id IS NULL AND booking_id IS NOT NULL))"
  ");"
  /* One call each: the racing first joiners insert with ON CONFLICT DO
   * NOTHING against these and read back the one row. */
  "CREATE UNIQUE INDEX calls_session ON calls (session_id);"
  "CREATE UNIQUE INDEX calls_booking ON calls (booking_id);"

  /* One row per stay of a user in the call's room: from their first
   * connection in it to their last one leaving. */
  "CREATE TABLE call_attendance ("
  "  id TEXT PRIMARY KEY,"
  "  call_id TEXT NOT NULL REFERENCES calls (id) ON DELETE CASCADE,"
  "  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  joined_at INTEGER NOT NULL,"
  "  left_at INTEGER"
  ");"
  "CREATE INDEX call_attendance_call ON call_attendance (call_id, joined_at);"
  "CREATE INDEX call_attendance_open ON call_attendance (call_id, user_id) WHERE left_at IS NULL;";

/* Calls with a tutor now: prepaid minutes and instant calls.
 *
 * minute_ledger is append-only: every purchase, grant, debit, refund and
 * expiry of minutes, in seconds (a purchase of 30 minutes is 1800). A
 * purchase or a grant opens a lot that expires at expires_at; a debit, an
 * expiry or a refund names its lot (lot_id), so what is left of a lot is
 * its credit plus the entries naming it, and the balance is the sum over
 * the lots that have not expired. minute_accounts has one row per user
 * whose update serialises the writers of one user's minutes (the row lock
 * on PostgreSQL; SQLite serialises all writers anyway).
 *
 * instant_calls: one per "call a tutor now". teacher_id is the teacher
 * being rung or talking; the partial unique index makes a teacher ring
 * for, or talk in, one call at a time, whoever races for them. The
 * attempts list who was rung and how it ended; the stays, who was in the
 * call's room when (written by the hub, as for call_attendance). */
static const char migration_6[] =
  "CREATE TABLE minute_packages ("
  "  id TEXT PRIMARY KEY,"
  "  name TEXT NOT NULL,"
  "  minutes INTEGER NOT NULL CHECK (minutes > 0),"
  "  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),"
  "  currency TEXT NOT NULL,"
  "  validity_days INTEGER NOT NULL CHECK (validity_days > 0),"
  "  active INTEGER NOT NULL DEFAULT 1,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"

  "CREATE TABLE minute_accounts ("
  "  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  lock_version INTEGER NOT NULL DEFAULT 0"
  ");"

  "CREATE TABLE minute_ledger ("
  "  id TEXT PRIMARY KEY,"
  "  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  kind TEXT NOT NULL CHECK (kind IN ('purchase', 'grant', 'debit', 'refund', 'expiry')),"
  "  seconds INTEGER NOT NULL,"
  "  lot_id TEXT REFERENCES minute_ledger (id),"
  "  expires_at INTEGER,"
  "  package_id TEXT REFERENCES minute_packages (id),"
  "  payment_ref TEXT,"
  "  call_id TEXT,"
  "  reason TEXT NOT NULL DEFAULT '',"
  "  created_by TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  CHECK ((kind IN ('purchase', 'grant') AND seconds > 0 AND lot_id IS NULL AND expires_at IS NOT NULL) OR"
  "         (kind = 'refund' AND seconds > 0 AND lot_id IS NOT NULL) OR"
  "         (kind IN ('debit', 'expiry') AND seconds < 0 AND lot_id IS NOT NULL))"
  ");"
  "CREATE INDEX minute_ledger_user ON minute_ledger (user_id, created_at);"
  "CREATE INDEX minute_ledger_lot ON minute_ledger (lot_id);"
  "CREATE UNIQUE INDEX minute_ledger_payment ON minute_ledger (payment_ref) WHERE payment_ref IS NOT NULL;"
  "CREATE INDEX minute_ledger_expiry ON minute_ledger (kind, expires_at);"

  "CREATE TABLE instant_teachers ("
  "  user_id TEXT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE,"
  "  last_call_end INTEGER,"
  "  missed_in_a_row INTEGER NOT NULL DEFAULT 0,"
  "  suspended_at INTEGER"
  ");"

  "CREATE TABLE instant_calls ("
  "  id TEXT PRIMARY KEY,"
  "  learner_id TEXT NOT NULL REFERENCES users (id),"
  "  teacher_id TEXT REFERENCES users (id),"
  "  status TEXT NOT NULL CHECK (status IN ('searching', 'ringing', 'connected', 'ended', 'unanswered', 'cancelled')),"
  "  language TEXT NOT NULL,"
  "  level TEXT,"
  "  specialization TEXT,"
  "  accent TEXT,"
  "  preferred_teacher_id TEXT,"
  "  ring_deadline INTEGER,"
  "  notify_when_available INTEGER NOT NULL DEFAULT 0,"
  "  notified_at INTEGER,"
  "  created_at INTEGER NOT NULL,"
  "  accepted_at INTEGER,"
  "  learner_media_at INTEGER,"
  "  teacher_media_at INTEGER,"
  "  metered_seconds INTEGER NOT NULL DEFAULT 0,"
  "  billed_seconds INTEGER NOT NULL DEFAULT 0,"
  "  warned_minutes INTEGER NOT NULL DEFAULT 0,"
  "  exhausted_at INTEGER,"
  "  absent_since INTEGER,"
  "  rate_minor INTEGER NOT NULL DEFAULT 0,"
  "  currency TEXT NOT NULL DEFAULT '',"
  "  ended_at INTEGER,"
  "  end_reason TEXT"
  ");"
  "CREATE UNIQUE INDEX instant_calls_teacher_busy ON instant_calls (teacher_id) "
  "  WHERE status IN ('ringing', 'connected');"
  "CREATE UNIQUE INDEX instant_calls_learner_live ON instant_calls (learner_id) "
  "  WHERE status IN ('searching', 'ringing', 'connected');"
  "CREATE INDEX instant_calls_status ON instant_calls (status, ring_deadline);"

  "CREATE TABLE instant_call_attempts ("
  "  call_id TEXT NOT NULL REFERENCES instant_calls (id) ON DELETE CASCADE,"
  "  seq INTEGER NOT NULL,"
  "  teacher_id TEXT NOT NULL REFERENCES users (id),"
  "  rung_at INTEGER NOT NULL,"
  "  deadline INTEGER NOT NULL,"
  "  outcome TEXT NOT NULL CHECK (outcome IN ('ringing', 'accepted', 'declined', 'timeout', 'cancelled')),"
  "  answered_at INTEGER,"
  "  PRIMARY KEY (call_id, seq)"
  ");"

  "CREATE TABLE instant_call_stays ("
  "  id TEXT PRIMARY KEY,"
  "  call_id TEXT NOT NULL REFERENCES instant_calls (id) ON DELETE CASCADE,"
  "  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  joined_at INTEGER NOT NULL,"
  "  left_at INTEGER"
  ");"
  "CREATE INDEX instant_call_stays_call ON instant_call_stays (call_id, user_id, joined_at);";

/* Payments: what a booking paid and where, Stripe's events already
 * handled, the calls to Stripe still to make, and the ledger. */
static const char migration_7[] =
  /* status_after_payment: what the booking becomes once paid (confirmed,
   * or pending when the teacher approves requests). */
  "ALTER TABLE bookings ADD COLUMN hold_expires_at INTEGER;"
  "ALTER TABLE bookings ADD COLUMN status_after_payment TEXT;"
  "ALTER TABLE bookings ADD COLUMN checkout_session_id TEXT;"
  "ALTER TABLE bookings ADD COLUMN checkout_url TEXT;"
  "ALTER TABLE bookings ADD COLUMN payment_intent_id TEXT;"
  "ALTER TABLE bookings ADD COLUMN paid_minor INTEGER NOT NULL DEFAULT 0;"
  "ALTER TABLE bookings ADD COLUMN refund_status TEXT;"
  "CREATE UNIQUE INDEX bookings_checkout ON bookings (checkout_session_id);"
  "CREATE INDEX bookings_payment_intent ON bookings (payment_intent_id);"
  "CREATE INDEX bookings_hold ON bookings (status, hold_expires_at);"
  /* A seat held for payment is a live seat too. */
  "DROP INDEX bookings_one_seat;"
  "CREATE UNIQUE INDEX bookings_one_seat ON bookings (session_id, learner_id) "
  "  WHERE kind = 'session' AND status IN ('confirmed', 'pending', 'payment_pending');"

  /* The teacher's Stripe connected account, and their own platform fee
   * (NULL: the global one), in basis points. */
  "ALTER TABLE teacher_profiles ADD COLUMN stripe_account_id TEXT;"
  "ALTER TABLE teacher_profiles ADD COLUMN platform_fee_bp INTEGER;"

  /* Each event once: inserted in the transaction of its effect. */
  "CREATE TABLE stripe_events ("
  "  id TEXT PRIMARY KEY,"
  "  type TEXT NOT NULL,"
  "  received_at INTEGER NOT NULL"
  ");"

  /* Calls to Stripe decided in a transaction and made after it: a row
   * stays pending until Stripe's answer is recorded, and is sent again
   * (with the same Idempotency-Key, its id) after a crash. */
  "CREATE TABLE payment_outbox ("
  "  id TEXT PRIMARY KEY,"
  "  kind TEXT NOT NULL CHECK (kind IN ('refund', 'expire_checkout', 'transfer')),"
  "  booking_id TEXT REFERENCES bookings (id),"
  "  teacher_id TEXT REFERENCES users (id),"
  "  target TEXT NOT NULL,"
  "  amount_minor INTEGER NOT NULL CHECK (amount_minor >= 0),"
  "  currency TEXT NOT NULL,"
  "  status TEXT NOT NULL CHECK (status IN ('pending', 'sent', 'failed')),"
  "  attempts INTEGER NOT NULL DEFAULT 0,"
  "  next_attempt_at INTEGER NOT NULL,"
  "  result_id TEXT,"
  "  last_error TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX payment_outbox_due ON payment_outbox (status, next_attempt_at);"
  "CREATE INDEX payment_outbox_booking ON payment_outbox (booking_id);"

  /* Append-only, double entry: the rows of one txn_id sum to zero. */
  "CREATE TABLE ledger_entries ("
  "  id TEXT PRIMARY KEY,"
  "  txn_id TEXT NOT NULL,"
  "  kind TEXT NOT NULL,"
  "  account TEXT NOT NULL,"
  "  amount_minor INTEGER NOT NULL,"
  "  currency TEXT NOT NULL,"
  "  booking_id TEXT REFERENCES bookings (id),"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX ledger_entries_txn ON ledger_entries (txn_id);"
  "CREATE INDEX ledger_entries_account ON ledger_entries (account, created_at);"
  "CREATE INDEX ledger_entries_booking ON ledger_entries (booking_id);";

/* Reviews of lessons that took place, one per booking; the teacher's
 * rating_sum and rating_count add each one up. Bookings keep the
 * learner's time zone when they booked, and the reason a teacher gave for
 * declining a request. */
static const char migration_8[] =
  "CREATE TABLE reviews ("
  "  id TEXT PRIMARY KEY,"
  "  booking_id TEXT NOT NULL REFERENCES bookings (id) ON DELETE CASCADE,"
  "  teacher_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  learner_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 5),"
  "  text TEXT NOT NULL DEFAULT '',"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX reviews_booking ON reviews (booking_id);"
  "CREATE INDEX reviews_teacher ON reviews (teacher_id, created_at);"
  "ALTER TABLE bookings ADD COLUMN learner_time_zone TEXT NOT NULL DEFAULT 'UTC';"
  "ALTER TABLE bookings ADD COLUMN reject_reason TEXT;";

/* Minute packages bought through a checkout: held payment_pending until
 * hold_expires_at, paid (and credited, once, by the webhook) or expired.
 * The money goes through ledger_entries under txn_id "purchase:<id>". */
static const char migration_9[] =
  "CREATE TABLE minute_purchases ("
  "  id TEXT PRIMARY KEY,"
  "  user_id TEXT NOT NULL REFERENCES users (id) ON DELETE CASCADE,"
  "  package_id TEXT NOT NULL REFERENCES minute_packages (id),"
  "  status TEXT NOT NULL CHECK (status IN ('payment_pending', 'paid', 'expired')),"
  "  minutes INTEGER NOT NULL CHECK (minutes > 0),"
  "  price_minor INTEGER NOT NULL CHECK (price_minor >= 0),"
  "  currency TEXT NOT NULL,"
  "  hold_expires_at INTEGER,"
  "  checkout_session_id TEXT,"
  "  checkout_url TEXT,"
  "  payment_intent_id TEXT,"
  "  paid_minor INTEGER NOT NULL DEFAULT 0,"
  "  created_at INTEGER NOT NULL,"
  "  updated_at INTEGER NOT NULL"
  ");"
  "CREATE UNIQUE INDEX minute_purchases_checkout ON minute_purchases (checkout_session_id);"
  "CREATE INDEX minute_purchases_hold ON minute_purchases (status, hold_expires_at);"
  "CREATE INDEX minute_purchases_user ON minute_purchases (user_id, created_at);";

const ParlaMigration parla_db_migrations[] = {
  { 1, "accounts, teachers, availability, offerings, sessions, bookings", migration_1 },
  { 2, "chat messages, receipts, realtime notices", migration_2 },
  { 3, "session words carry status and times", migration_3 },
  { 4, "sessions drop the unread search_text", migration_4 },
  { 5, "calls and their attendance", migration_5 },
  { 6, "prepaid minutes, packages and instant calls", migration_6 },
  { 7, "payments, Stripe events, outbox and ledger", migration_7 },
  { 8, "reviews, the learner's time zone and reject reasons on bookings", migration_8 },
  { 9, "minute package purchases", migration_9 },
  { 0, NULL, NULL },
};
