/* test-calls.c: calls of sessions and lessons over real HTTP and
 * WebSockets: who may join and when, one call per session, ICE servers and
 * TURN credentials, the signaling relay, chat in call rooms, attendance
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include "parla-db.h"
#include "parla-test-server.h"

#define T0      1795428000            /* Monday 2026-11-23T10:00:00Z */
#define WED     1795593600            /* Wednesday 2026-11-25T08:00:00Z = 09:00 in Madrid */
#define HOUR    3600
#define DAY     (24 * HOUR)
#define START   (T0 + 3 * DAY)        /* the group session, 60 minutes */
#define LESSON  WED                   /* Lena's lesson, 60 minutes */
#define WAIT    5000                  /* ms: generous bound for anything the server pushes */
#define TTL     3600

#define SECRET  "parla-test-turn-secret"
#define STUN    "stun:stun.parla.test:3478"
#define TURN    "turn:turn.parla.test:3478?transport=udp"
#define TURNS   "turns:turn.parla.test:5349?transport=tcp"

typedef struct
{
  PtServer *server;
  char     *teacher;          /* tokens; the host of both sessions, Lena's teacher */
  char     *teacher_id;
  char     *alice;            /* confirmed seats in the session */
  char     *alice_id;
  char     *bob;
  char     *bob_id;
  char     *carol;            /* a pending seat in it, and a pending lesson request */
  char     *carol_id;
  char     *dave;             /* a seat in the other session only */
  char     *dave_id;
  char     *lena;             /* a confirmed lesson */
  char     *lena_id;
  char     *other;            /* a teacher with nothing to do with any of it */
  char     *other_id;
  char     *session_id;
  char     *other_session_id;
  char     *alice_seat;       /* booking ids */
  char     *carol_seat;
  char     *dave_seat;
  char     *lesson_id;
  char     *request_id;       /* Carol's pending lesson */
} Fixture;

typedef enum
{
  ICE_TURN,        /* STUN and TURN with a secret */
  ICE_STUN_ONLY,   /* TURN URLs but no secret */
  ICE_NONE,        /* nothing configured */
} IceSetup;

static guint next_id;

static const char availability[] =
  "{\"time_zone\":\"Europe/Madrid\","
  " \"weekly\":[{\"weekday\":3,\"start\":\"09:00\",\"end\":\"17:00\"}],"
  " \"rules\":{\"lead_time_minutes\":60,\"granularity_minutes\":30,\"horizon_days\":60}}";

/* The rate limits stay at their defaults: the burst test relies on them. */
static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  IceSetup setup = GPOINTER_TO_INT (user_data);
  const char *stun[] = { STUN, NULL };
  const char *turn[] = { TURN, TURNS, NULL };

  config->ws_token_check_seconds = 1;

  g_strfreev (config->stun_urls);
  g_strfreev (config->turn_urls);
  g_clear_pointer (&config->turn_secret, g_free);
  config->stun_urls = setup != ICE_NONE ? g_strdupv ((char **) stun) : NULL;
  config->turn_urls = setup != ICE_NONE ? g_strdupv ((char **) turn) : NULL;
  config->turn_secret = setup == ICE_TURN ? g_strdup (SECRET) : NULL;
  config->turn_ttl_seconds = TTL;
}

static char *
create (Fixture    *f,
        const char *token,
        const char *path,
        const char *body)
{
  g_autoptr(PtResponse) response = pt_request (f->server, "POST", path, token, body, NULL);

  pt_assert_status (response, 201);
  return g_strdup (pt_str (response, "id"));
}

static char *
create_session (Fixture *f,
                gint64   start)
{
  g_autofree char *when = pt_instant (start);
  g_autofree char *body = pt_json ("{\"title\":\"Conversation\",\"type\":\"group\",\"language\":\"es\",\"level\":\"A1\","
                                   "\"start\":\"%s\",\"duration_minutes\":60,\"capacity\":5,\"price_minor\":0}", when);

  return create (f, f->teacher, "/api/v1/sessions", body);
}

static char *
take_seat (Fixture    *f,
           const char *token,
           const char *session_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/book", session_id);

  return create (f, token, path, NULL);
}

static void
db_exec (Fixture    *f,
         const char *sql,
         const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = parla_db_open (f->server->db_url, &error);

  g_assert_no_error (error);
  g_assert_cmpint (parla_db_exec (db, &error, sql, PARLA_DB_TEXT, id, PARLA_DB_END), ==, 1);
  g_assert_no_error (error);
}

/* The integer in the first column of the first row; @id is $1, if any. */
static gint64
db_int (Fixture    *f,
        const char *sql,
        const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaDb) db = parla_db_open (f->server->db_url, &error);
  g_autoptr(ParlaDbRows) rows = NULL;

  g_assert_no_error (error);
  if (id != NULL)
    rows = parla_db_query (db, &error, sql, PARLA_DB_TEXT, id, PARLA_DB_END);
  else
    rows = parla_db_query (db, &error, sql, PARLA_DB_END);
  g_assert_no_error (error);
  g_assert_true (parla_db_rows_next (rows));
  return parla_db_rows_get_int (rows, 0);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtResponse) hours = NULL;
  g_autofree char *offering = NULL;
  g_autofree char *approval = NULL;
  g_autofree char *book = NULL;
  g_autofree char *book_approval = NULL;
  g_autofree char *lesson_start = pt_instant (LESSON);
  g_autofree char *request_start = pt_instant (LESSON + 2 * HOUR);
  g_autofree char *lesson_body = pt_json ("{\"start\":\"%s\"}", lesson_start);
  g_autofree char *request_body = pt_json ("{\"start\":\"%s\"}", request_start);

  f->server = pt_server_start (configure, GINT_TO_POINTER (ICE_TURN));
  pt_server_set_now (f->server, T0);

  f->teacher = pt_register (f->server, "teacher@example.org", "teacher", &f->teacher_id);
  f->alice = pt_register (f->server, "alice@example.org", "student", &f->alice_id);
  f->bob = pt_register (f->server, "bob@example.org", "student", &f->bob_id);
  f->carol = pt_register (f->server, "carol@example.org", "student", &f->carol_id);
  f->dave = pt_register (f->server, "dave@example.org", "student", &f->dave_id);
  f->lena = pt_register (f->server, "lena@example.org", "student", &f->lena_id);
  f->other = pt_register (f->server, "other@example.org", "teacher", &f->other_id);

  f->session_id = create_session (f, START);
  f->other_session_id = create_session (f, START + 3 * HOUR);
  f->alice_seat = take_seat (f, f->alice, f->session_id);
  g_free (take_seat (f, f->bob, f->session_id));
  f->carol_seat = take_seat (f, f->carol, f->session_id);
  f->dave_seat = take_seat (f, f->dave, f->other_session_id);
  /* Seats are confirmed at once over the API; a pending one can only
   * come from elsewhere (an approval flow, an import). */
  db_exec (f, "UPDATE bookings SET status = 'pending' WHERE id = $1", f->carol_seat);

  hours = pt_request (f->server, "PUT", "/api/v1/me/availability", f->teacher, availability, NULL);
  pt_assert_status (hours, 200);
  offering = create (f, f->teacher, "/api/v1/offerings",
                     "{\"title\":\"Spanish lesson\",\"topic_type\":\"flexible\",\"session_type\":\"individual\","
                     "\"duration_minutes\":60,\"price_minor\":2000,\"currency\":\"EUR\"}");
  approval = create (f, f->teacher, "/api/v1/offerings",
                     "{\"title\":\"Exam coaching\",\"topic_type\":\"fixed\",\"session_type\":\"individual\","
                     "\"duration_minutes\":60,\"price_minor\":3000,\"currency\":\"EUR\",\"requires_approval\":true}");
  book = g_strdup_printf ("/api/v1/offerings/%s/book", offering);
  book_approval = g_strdup_printf ("/api/v1/offerings/%s/book", approval);
  f->lesson_id = create (f, f->lena, book, lesson_body);
  f->request_id = create (f, f->carol, book_approval, request_body);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  pt_server_stop (f->server);
  g_free (f->teacher);
  g_free (f->teacher_id);
  g_free (f->alice);
  g_free (f->alice_id);
  g_free (f->bob);
  g_free (f->bob_id);
  g_free (f->carol);
  g_free (f->carol_id);
  g_free (f->dave);
  g_free (f->dave_id);
  g_free (f->lena);
  g_free (f->lena_id);
  g_free (f->other);
  g_free (f->other_id);
  g_free (f->session_id);
  g_free (f->other_session_id);
  g_free (f->alice_seat);
  g_free (f->carol_seat);
  g_free (f->dave_seat);
  g_free (f->lesson_id);
  g_free (f->request_id);
}

/* POST /api/v1/{sessions|bookings}/{id}/join */
static PtResponse *
post_join (Fixture    *f,
           const char *token,
           const char *resource,
           const char *id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/%s/%s/join", resource, id);

  return pt_request (f->server, "POST", path, token, NULL, NULL);
}

/* Joins and returns the call id. */
static char *
join_call (Fixture    *f,
           const char *token,
           const char *resource,
           const char *id)
{
  g_autoptr(PtResponse) response = post_join (f, token, resource, id);
  g_autofree char *room = NULL;

  pt_assert_status (response, 200);
  g_assert_nonnull (pt_str (response, "call_id"));
  room = g_strconcat ("call:", pt_str (response, "call_id"), NULL);
  g_assert_cmpstr (pt_str (response, "room"), ==, room);

  return g_strdup (pt_str (response, "call_id"));
}

static PtResponse *
get_call (Fixture    *f,
          const char *token,
          const char *call_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s", call_id);

  return pt_request (f->server, "GET", path, token, NULL, NULL);
}

static guint
array_length (JsonNode   *root,
              const char *path)
{
  JsonNode *node = pt_json_get (root, path);

  g_assert_nonnull (node);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (node));
  return json_array_get_length (json_node_get_array (node));
}

/* The participants are exactly these users, in this order. */
static void
assert_participants (PtResponse *response,
                     ...)
{
  const char *user_id;
  guint n = 0;
  va_list args;

  va_start (args, response);
  while ((user_id = va_arg (args, const char *)) != NULL)
    {
      g_autofree char *id_path = g_strdup_printf ("participants[%u].user_id", n);
      g_autofree char *name_path = g_strdup_printf ("participants[%u].display_name", n);

      g_assert_cmpstr (pt_str (response, id_path), ==, user_id);
      g_assert_nonnull (pt_str (response, name_path));
      n++;
    }
  va_end (args);

  g_assert_cmpuint (array_length (response->json, "participants"), ==, n);
}

/* GET /calls/{id} until @path reads @value: the hub writes attendance on
 * a worker, behind the WebSocket's back. */
static PtResponse *
wait_call (Fixture    *f,
           const char *call_id,
           const char *path,
           const char *value)
{
  gint64 deadline = g_get_monotonic_time () + WAIT * 1000;

  for (;;)
    {
      PtResponse *response = get_call (f, f->teacher, call_id);

      pt_assert_status (response, 200);
      if (g_strcmp0 (pt_str (response, path), value) == 0)
        return response;
      if (g_get_monotonic_time () > deadline)
        g_error ("%s never became %s: %s", path, value ? value : "null", response->body);

      pt_response_free (response);
      pt_ws_spin (20);
    }
}

/* Joins a room and waits for the ack; returns the room.members message. */
static JsonNode *
join_room (PtWs       *ws,
           const char *room)
{
  g_autofree char *id = g_strdup_printf ("j-%u", ++next_id);
  g_autoptr(JsonNode) ack = NULL;

  pt_ws_sendf (ws, "{\"type\":\"join\",\"id\":\"%s\",\"room\":\"%s\"}", id, room);
  ack = pt_ws_wait_for (ws, "ack", "id", id, WAIT);
  g_assert_cmpstr (pt_node_str (ack, "room"), ==, room);

  return pt_ws_wait_for (ws, "room.members", "room", room, WAIT);
}

static void
leave_room (PtWs       *ws,
            const char *room)
{
  g_autofree char *id = g_strdup_printf ("l-%u", ++next_id);
  g_autoptr(JsonNode) ack = NULL;

  pt_ws_sendf (ws, "{\"type\":\"leave\",\"id\":\"%s\",\"room\":\"%s\"}", id, room);
  ack = pt_ws_wait_for (ws, "ack", "id", id, WAIT);
}

static guint
members_length (JsonNode *members)
{
  return json_array_get_length (json_node_get_array (pt_json_get (members, "members")));
}

static JsonNode *
expect_error (PtWs       *ws,
              const char *id,
              const char *code,
              const char *field)
{
  JsonNode *error = pt_ws_wait_for (ws, "error", "id", id, WAIT);

  g_assert_cmpstr (pt_node_str (error, "code"), ==, code);
  g_assert_cmpstr (pt_node_str (error, "field"), ==, field);
  return error;
}

static JsonNode *
parse (const char *text)
{
  g_autoptr(JsonParser) parser = json_parser_new ();

  g_assert_true (json_parser_load_from_data (parser, text, -1, NULL));
  return json_node_ref (json_parser_get_root (parser));
}

/* Sends {"type":"signal",...} with @payload (JSON text) and returns the
 * payload as sent, parsed. */
static JsonNode *
send_signal (PtWs       *ws,
             const char *id,
             const char *room,
             const char *to,
             const char *payload)
{
  if (id != NULL)
    pt_ws_sendf (ws, "{\"type\":\"signal\",\"id\":\"%s\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":%s}",
                 id, room, to, payload);
  else
    pt_ws_sendf (ws, "{\"type\":\"signal\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":%s}", room, to, payload);

  return parse (payload);
}

/* The next signal @ws gets is @payload from @from in @room, unchanged. */
static void
expect_signal (PtWs       *ws,
               const char *room,
               const char *from,
               JsonNode   *payload)
{
  g_autoptr(JsonNode) signal = pt_ws_wait (ws, "signal", WAIT);
  JsonObject *object = json_node_get_object (signal);

  g_assert_cmpstr (pt_node_str (signal, "room"), ==, room);
  g_assert_cmpstr (pt_node_str (signal, "from"), ==, from);
  g_assert_false (json_object_has_member (object, "to"));
  g_assert_false (json_object_has_member (object, "id"));
  g_assert_cmpuint (json_object_get_size (object), ==, 4);
  if (!json_node_equal (json_object_get_member (object, "payload"), payload))
    {
      g_autofree char *got = json_to_string (json_object_get_member (object, "payload"), FALSE);
      g_autofree char *sent = json_to_string (payload, FALSE);

      g_error ("Relayed payload %s, sent %s", got, sent);
    }
}

/* HMAC-SHA1 from its definition (RFC 2104) on plain SHA-1, so that the
 * server's GHmac is checked against something else. */
static char *
hmac_sha1_base64 (const char *key,
                  const char *message)
{
  g_autoptr(GChecksum) inner = g_checksum_new (G_CHECKSUM_SHA1);
  g_autoptr(GChecksum) outer = g_checksum_new (G_CHECKSUM_SHA1);
  guint8 block[64] = { 0 };
  guint8 pad[64];
  guint8 inner_digest[20], digest[20];
  gsize length = strlen (key);

  if (length > sizeof block)
    {
      g_autoptr(GChecksum) hashed = g_checksum_new (G_CHECKSUM_SHA1);

      g_checksum_update (hashed, (const guchar *) key, length);
      length = 20;
      g_checksum_get_digest (hashed, block, &length);
    }
  else
    memcpy (block, key, length);

  for (guint i = 0; i < sizeof block; i++)
    pad[i] = block[i] ^ 0x36;
  g_checksum_update (inner, pad, sizeof pad);
  g_checksum_update (inner, (const guchar *) message, -1);
  length = sizeof inner_digest;
  g_checksum_get_digest (inner, inner_digest, &length);

  for (guint i = 0; i < sizeof block; i++)
    pad[i] = block[i] ^ 0x5c;
  g_checksum_update (outer, pad, sizeof pad);
  g_checksum_update (outer, inner_digest, sizeof inner_digest);
  length = sizeof digest;
  g_checksum_get_digest (outer, digest, &length);

  return g_base64_encode (digest, sizeof digest);
}

/* Who may join, and when */

static void
test_window (Fixture       *f,
             gconstpointer  data)
{
  static const struct
  {
    gint64      now;
    guint       status;
    const char *message;   /* part of it */
  } session_cases[] = {
    { START - 600 - 1, 409, "opens at 2026-11-26T09:50:00Z" },
    { START - 600, 200, NULL },
    { START + HOUR - 1, 200, NULL },
    { START + HOUR, 409, "ended at 2026-11-26T11:00:00Z" },
    { START + 2 * DAY, 409, "ended at" },
  }, lesson_cases[] = {
    { LESSON - DAY, 409, "opens at 2026-11-25T07:50:00Z" },
    { LESSON - 600 - 1, 409, "opens at 2026-11-25T07:50:00Z" },
    { LESSON - 600, 200, NULL },
    { LESSON + 30 * 60, 200, NULL },
    { LESSON + HOUR, 409, "ended at 2026-11-25T09:00:00Z" },
  };
  g_autofree char *session_call = NULL;
  g_autofree char *lesson_call = NULL;

  /* Too early: refused, and no call is made. */
  pt_server_set_now (f->server, session_cases[0].now);
  {
    g_autoptr(PtResponse) early = post_join (f, f->teacher, "sessions", f->session_id);

    pt_assert_error (early, 409, "invalid_state");
    g_assert_nonnull (strstr (pt_str (early, "error.message"), session_cases[0].message));
    g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM calls", NULL), ==, 0);
  }

  for (guint i = 0; i < G_N_ELEMENTS (session_cases); i++)
    {
      g_autoptr(PtResponse) host = NULL;
      g_autoptr(PtResponse) learner = NULL;

      g_test_message ("session at %" G_GINT64_FORMAT, session_cases[i].now - START);
      pt_server_set_now (f->server, session_cases[i].now);
      host = post_join (f, f->teacher, "sessions", f->session_id);
      learner = post_join (f, f->alice, "sessions", f->session_id);
      pt_assert_status (host, session_cases[i].status);
      pt_assert_status (learner, session_cases[i].status);

      if (session_cases[i].status == 200)
        {
          if (session_call == NULL)
            session_call = g_strdup (pt_str (host, "call_id"));
          g_assert_cmpstr (pt_str (host, "call_id"), ==, session_call);
          g_assert_cmpstr (pt_str (learner, "call_id"), ==, session_call);
        }
      else
        {
          g_assert_cmpstr (pt_str (host, "error.code"), ==, "invalid_state");
          g_assert_nonnull (strstr (pt_str (host, "error.message"), session_cases[i].message));
          g_assert_nonnull (strstr (pt_str (learner, "error.message"), session_cases[i].message));
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (lesson_cases); i++)
    {
      g_autoptr(PtResponse) teacher = NULL;
      g_autoptr(PtResponse) learner = NULL;

      g_test_message ("lesson at %" G_GINT64_FORMAT, lesson_cases[i].now - LESSON);
      pt_server_set_now (f->server, lesson_cases[i].now);
      teacher = post_join (f, f->teacher, "sessions", f->lesson_id);
      learner = post_join (f, f->lena, "bookings", f->lesson_id);
      pt_assert_status (teacher, lesson_cases[i].status);
      pt_assert_status (learner, lesson_cases[i].status);

      if (lesson_cases[i].status == 200)
        {
          if (lesson_call == NULL)
            lesson_call = g_strdup (pt_str (teacher, "call_id"));
          g_assert_cmpstr (pt_str (teacher, "call_id"), ==, lesson_call);
          g_assert_cmpstr (pt_str (learner, "call_id"), ==, lesson_call);
        }
      else
        {
          g_assert_cmpstr (pt_str (learner, "error.code"), ==, "invalid_state");
          g_assert_nonnull (strstr (pt_str (teacher, "error.message"), lesson_cases[i].message));
        }
    }

  /* One call each, made once. */
  g_assert_nonnull (session_call);
  g_assert_nonnull (lesson_call);
  g_assert_cmpstr (session_call, !=, lesson_call);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM calls", NULL), ==, 2);
}

static void
test_session_access (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *call_id = NULL;
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s", f->session_id);
  g_autoptr(PtResponse) host = NULL;
  g_autoptr(PtResponse) cancelled = NULL;

  pt_server_set_now (f->server, START - 5 * 60);

  host = post_join (f, f->teacher, "sessions", f->session_id);
  pt_assert_status (host, 200);
  call_id = g_strdup (pt_str (host, "call_id"));
  /* Everyone who may be in it: the host, then the confirmed learners by
   * name; not Carol, whose seat is pending. */
  assert_participants (host, f->teacher_id, f->alice_id, f->bob_id, NULL);
  g_assert_cmpstr (pt_str (host, "participants[0].display_name"), ==, "teacher@example.org");
  g_assert_cmpstr (pt_str (host, "participants[1].display_name"), ==, "alice@example.org");

  {
    g_autofree char *alice = join_call (f, f->alice, "sessions", f->session_id);
    g_autofree char *bob = join_call (f, f->bob, "sessions", f->session_id);
    /* A seat joins its session's call, for its learner and for the host. */
    g_autofree char *by_seat = join_call (f, f->alice, "bookings", f->alice_seat);
    g_autofree char *host_by_seat = join_call (f, f->teacher, "bookings", f->alice_seat);

    g_assert_cmpstr (alice, ==, call_id);
    g_assert_cmpstr (bob, ==, call_id);
    g_assert_cmpstr (by_seat, ==, call_id);
    g_assert_cmpstr (host_by_seat, ==, call_id);
  }

  {
    g_autoptr(PtResponse) pending = post_join (f, f->carol, "sessions", f->session_id);
    g_autoptr(PtResponse) pending_seat = post_join (f, f->carol, "bookings", f->carol_seat);
    g_autoptr(PtResponse) elsewhere = post_join (f, f->dave, "sessions", f->session_id);
    g_autoptr(PtResponse) someone_elses_seat = post_join (f, f->dave, "bookings", f->alice_seat);
    g_autoptr(PtResponse) stranger = post_join (f, f->other, "sessions", f->session_id);
    g_autoptr(PtResponse) anonymous = post_join (f, NULL, "sessions", f->session_id);
    g_autoptr(PtResponse) bad_token = post_join (f, "not-a-token", "sessions", f->session_id);
    g_autoptr(PtResponse) unknown = post_join (f, f->teacher, "sessions", "0123456789abcdef0123456789abcdef");
    g_autoptr(PtResponse) unknown_booking = post_join (f, f->alice, "bookings", "0123456789abcdef0123456789abcdef");
    /* A seat's id is no session's. */
    g_autoptr(PtResponse) seat_as_session = post_join (f, f->alice, "sessions", f->alice_seat);

    pt_assert_error (pending, 409, "invalid_state");
    g_assert_cmpstr (pt_str (pending, "error.message"), ==, "Your seat in this session is not confirmed yet");
    pt_assert_error (pending_seat, 409, "invalid_state");
    /* Those without a seat are told there is no such session. */
    pt_assert_error (elsewhere, 404, "not_found");
    pt_assert_error (someone_elses_seat, 404, "not_found");
    pt_assert_error (stranger, 404, "not_found");
    g_assert_cmpstr (pt_str (stranger, "error.message"), ==, pt_str (unknown, "error.message"));
    pt_assert_error (anonymous, 401, "unauthorized");
    pt_assert_error (bad_token, 401, "unauthorized");
    pt_assert_error (unknown, 404, "not_found");
    pt_assert_error (unknown_booking, 404, "not_found");
    pt_assert_error (seat_as_session, 404, "not_found");
  }

  /* Dave's own session has its own call. */
  {
    g_autofree char *other_call = NULL;

    pt_server_set_now (f->server, START + 3 * HOUR - 60);
    other_call = join_call (f, f->dave, "bookings", f->dave_seat);
    g_assert_cmpstr (other_call, !=, call_id);
    g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM calls", NULL), ==, 2);
    pt_server_set_now (f->server, START - 5 * 60);
  }

  /* A cancelled session has no call, for its host or its learners. */
  cancelled = pt_request (f->server, "PUT", path, f->teacher, "{\"status\":\"cancelled\"}", NULL);
  pt_assert_status (cancelled, 200);
  {
    g_autoptr(PtResponse) after_host = post_join (f, f->teacher, "sessions", f->session_id);
    g_autoptr(PtResponse) after_learner = post_join (f, f->alice, "bookings", f->alice_seat);
    g_autoptr(PtResponse) after_stranger = post_join (f, f->other, "sessions", f->session_id);

    pt_assert_error (after_host, 409, "invalid_state");
    g_assert_cmpstr (pt_str (after_host, "error.message"), ==, "This session was cancelled");
    pt_assert_error (after_learner, 409, "invalid_state");
    pt_assert_error (after_stranger, 404, "not_found");
  }
}

static void
test_lesson_access (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *call_id = NULL;
  g_autofree char *cancel = g_strdup_printf ("/api/v1/bookings/%s/cancel", f->lesson_id);
  g_autoptr(PtResponse) teacher = NULL;
  g_autoptr(PtResponse) call = NULL;
  g_autoptr(PtResponse) cancelled = NULL;

  pt_server_set_now (f->server, LESSON - 5 * 60);

  /* {id} of /sessions/{id}/join may be a lesson's booking. */
  teacher = post_join (f, f->teacher, "sessions", f->lesson_id);
  pt_assert_status (teacher, 200);
  call_id = g_strdup (pt_str (teacher, "call_id"));
  assert_participants (teacher, f->teacher_id, f->lena_id, NULL);

  {
    g_autofree char *learner = join_call (f, f->lena, "sessions", f->lesson_id);
    g_autofree char *by_booking = join_call (f, f->lena, "bookings", f->lesson_id);
    g_autofree char *teacher_by_booking = join_call (f, f->teacher, "bookings", f->lesson_id);

    g_assert_cmpstr (learner, ==, call_id);
    g_assert_cmpstr (by_booking, ==, call_id);
    g_assert_cmpstr (teacher_by_booking, ==, call_id);
  }

  {
    g_autoptr(PtResponse) other_learner = post_join (f, f->alice, "sessions", f->lesson_id);
    g_autoptr(PtResponse) other_learner_booking = post_join (f, f->alice, "bookings", f->lesson_id);
    g_autoptr(PtResponse) stranger = post_join (f, f->other, "bookings", f->lesson_id);
    g_autoptr(PtResponse) anonymous = post_join (f, NULL, "bookings", f->lesson_id);
    g_autoptr(PtResponse) unknown = post_join (f, f->other, "bookings", "0123456789abcdef0123456789abcdef");

    pt_assert_error (other_learner, 404, "not_found");
    pt_assert_error (other_learner_booking, 404, "not_found");
    pt_assert_error (stranger, 404, "not_found");
    g_assert_cmpstr (pt_str (stranger, "error.message"), ==, pt_str (unknown, "error.message"));
    pt_assert_error (anonymous, 401, "unauthorized");
  }

  /* A request the teacher has not accepted: no call, on either side. */
  pt_server_set_now (f->server, LESSON + 2 * HOUR - 5 * 60);
  {
    g_autoptr(PtResponse) learner = post_join (f, f->carol, "bookings", f->request_id);
    g_autoptr(PtResponse) teacher_side = post_join (f, f->teacher, "sessions", f->request_id);
    g_autoptr(PtResponse) stranger = post_join (f, f->lena, "bookings", f->request_id);

    pt_assert_error (learner, 409, "invalid_state");
    pt_assert_error (teacher_side, 409, "invalid_state");
    g_assert_cmpstr (pt_str (learner, "error.message"), ==,
                     "This lesson is not confirmed yet: the teacher has not accepted it");
    pt_assert_error (stranger, 404, "not_found");
  }
  pt_server_set_now (f->server, LESSON - 5 * 60);

  /* The lesson's call, for its participants. */
  call = get_call (f, f->lena, call_id);
  pt_assert_status (call, 200);
  g_assert_cmpstr (pt_str (call, "booking_id"), ==, f->lesson_id);
  g_assert_true (pt_has (call, "call_id"));
  g_assert_false (pt_has (call, "session_id"));
  g_assert_true (json_object_has_member (json_node_get_object (call->json), "session_id"));
  assert_participants (call, f->teacher_id, f->lena_id, NULL);
  {
    g_autoptr(PtResponse) outsider = get_call (f, f->alice, call_id);

    pt_assert_error (outsider, 404, "not_found");
  }

  /* Cancelled: no call any more. */
  cancelled = pt_request (f->server, "POST", cancel, f->lena, NULL, NULL);
  pt_assert_status (cancelled, 200);
  {
    g_autoptr(PtResponse) learner = post_join (f, f->lena, "bookings", f->lesson_id);
    g_autoptr(PtResponse) teacher_side = post_join (f, f->teacher, "sessions", f->lesson_id);
    g_autoptr(PtResponse) gone = get_call (f, f->teacher, call_id);

    pt_assert_error (learner, 409, "invalid_state");
    g_assert_cmpstr (pt_str (learner, "error.message"), ==, "This lesson was cancelled");
    pt_assert_error (teacher_side, 409, "invalid_state");
    pt_assert_error (gone, 404, "not_found");
  }
}

typedef struct
{
  Fixture    *f;
  const char *token;
  PtResponse *response;
} JoinThread;

static gpointer
join_thread (gpointer data)
{
  JoinThread *thread = data;

  thread->response = post_join (thread->f, thread->token, "sessions", thread->f->session_id);
  return NULL;
}

/* Two first joiners at once get the same call */
static void
test_concurrent (Fixture       *f,
                 gconstpointer  data)
{
  JoinThread threads[4] = {
    { f, f->teacher, NULL }, { f, f->alice, NULL }, { f, f->bob, NULL }, { f, f->teacher, NULL },
  };
  GThread *handles[G_N_ELEMENTS (threads)];

  pt_server_set_now (f->server, START - 60);
  /* Every request is held on its worker, so that all of them are in
   * flight together. */
  pt_server_set_delay (f->server, 300);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    handles[i] = g_thread_new ("join", join_thread, &threads[i]);
  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    g_thread_join (handles[i]);
  pt_server_set_delay (f->server, 0);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    {
      pt_assert_status (threads[i].response, 200);
      g_assert_cmpstr (pt_str (threads[i].response, "call_id"), ==, pt_str (threads[0].response, "call_id"));
    }
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM calls", NULL), ==, 1);

  for (guint i = 0; i < G_N_ELEMENTS (threads); i++)
    pt_response_free (threads[i].response);
}

/* Join takes no body, or {}; a bad one makes nothing */
static void
test_bodies (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/join", f->session_id);
  static const struct
  {
    const char *body;
    const char *field;
  } bad[] = {
    { "{\"device\":", NULL },
    { "not json", NULL },
    { "[]", NULL },
    { "[{}]", NULL },
    { "\"join\"", NULL },
    { "42", NULL },
    { "null", NULL },
    { "{\"camera\":true}", "camera" },
  };

  pt_server_set_now (f->server, START - 60);

  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(PtResponse) response = pt_request (f->server, "POST", path, f->alice, bad[i].body, NULL);

      g_test_message ("%s", bad[i].body);
      pt_assert_error (response, 400, "invalid_input");
      g_assert_cmpstr (pt_str (response, "error.field"), ==, bad[i].field);
    }

  {
    g_autofree char *huge = g_strnfill (2 * 1024 * 1024, ' ');
    g_autoptr(GBytes) body = NULL;
    g_autoptr(PtResponse) too_big = NULL;
    g_autoptr(PtResponse) plain = NULL;

    huge[0] = '{';
    huge[2 * 1024 * 1024 - 1] = '}';
    body = g_bytes_new (huge, 2 * 1024 * 1024);
    too_big = pt_request_raw (f->server, "POST", path, f->alice, "application/json", body, NULL);
    pt_assert_error (too_big, 413, "payload_too_large");

    g_clear_pointer (&body, g_bytes_unref);
    body = g_bytes_new_static ("{}", 2);
    plain = pt_request_raw (f->server, "POST", path, f->alice, "text/plain", body, NULL);
    pt_assert_error (plain, 415, "unsupported_media_type");
  }

  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM calls", NULL), ==, 0);

  {
    g_autoptr(PtResponse) empty_object = pt_request (f->server, "POST", path, f->alice, "{}", NULL);
    g_autoptr(PtResponse) nothing = pt_request (f->server, "POST", path, f->alice, NULL, NULL);

    pt_assert_status (empty_object, 200);
    pt_assert_status (nothing, 200);
    g_assert_cmpstr (pt_str (empty_object, "call_id"), ==, pt_str (nothing, "call_id"));
  }
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM calls", NULL), ==, 1);
}

/* ICE servers */

static void
check_turn (PtResponse *response,
            const char *user_id,
            gint64      now)
{
  const char *username = pt_str (response, "ice_servers[1].username");
  g_auto(GStrv) parts = NULL;
  g_autofree char *expected = NULL;
  g_autofree char *expiry = g_strdup_printf ("%" G_GINT64_FORMAT, now + TTL);

  g_assert_cmpuint (array_length (response->json, "ice_servers[1].urls"), ==, 2);
  g_assert_cmpstr (pt_str (response, "ice_servers[1].urls[0]"), ==, TURN);
  g_assert_cmpstr (pt_str (response, "ice_servers[1].urls[1]"), ==, TURNS);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (pt_json_get (response->json, "ice_servers[1]"))), ==, 3);

  /* "<expiry>:<user id>", the expiry the server clock plus the ttl. */
  g_assert_nonnull (username);
  parts = g_strsplit (username, ":", -1);
  g_assert_cmpuint (g_strv_length (parts), ==, 2);
  g_assert_cmpstr (parts[0], ==, expiry);
  g_assert_cmpstr (parts[1], ==, user_id);

  expected = hmac_sha1_base64 (SECRET, username);
  g_assert_cmpstr (pt_str (response, "ice_servers[1].credential"), ==, expected);

  /* The secret itself never leaves the server. */
  g_assert_null (strstr (response->body, SECRET));
}

static void
test_ice_servers (Fixture       *f,
                  gconstpointer  data)
{
  g_autofree char *jefe = hmac_sha1_base64 ("Jefe", "what do ya want for nothing?");
  g_autofree char *long_key = g_strnfill (100, 'k');
  g_autofree char *hashed_key = hmac_sha1_base64 (long_key, "x");
  g_autoptr(PtResponse) alice = NULL;
  g_autoptr(PtResponse) teacher = NULL;
  g_autoptr(PtResponse) stun_only = NULL;
  g_autoptr(PtResponse) none = NULL;
  gint64 now = START - 7 * 60;

  /* The test's own HMAC-SHA1 first: RFC 2202, test case 2, and a key
   * longer than a block. */
  g_assert_cmpstr (jefe, ==, "7/zfauXrL6LSdBbV8YTfnCWafHk=");
  g_assert_cmpstr (hashed_key, ==, "8PBu3EWgaXhVx2bdkaI19Emqo4Q=");

  pt_server_set_now (f->server, now);
  alice = post_join (f, f->alice, "sessions", f->session_id);
  pt_assert_status (alice, 200);
  g_assert_cmpuint (array_length (alice->json, "ice_servers"), ==, 2);
  /* A STUN entry is {urls} only. */
  g_assert_cmpuint (json_object_get_size (json_node_get_object (pt_json_get (alice->json, "ice_servers[0]"))), ==, 1);
  g_assert_cmpuint (array_length (alice->json, "ice_servers[0].urls"), ==, 1);
  g_assert_cmpstr (pt_str (alice, "ice_servers[0].urls[0]"), ==, STUN);
  check_turn (alice, f->alice_id, now);

  /* Each participant gets their own. */
  pt_server_set_now (f->server, now + 90);
  teacher = post_join (f, f->teacher, "sessions", f->session_id);
  pt_assert_status (teacher, 200);
  check_turn (teacher, f->teacher_id, now + 90);
  g_assert_cmpstr (pt_str (teacher, "ice_servers[1].credential"), !=, pt_str (alice, "ice_servers[1].credential"));

  /* TURN URLs without a secret: STUN only. */
  f->server = pt_server_restart (f->server, configure, GINT_TO_POINTER (ICE_STUN_ONLY));
  stun_only = post_join (f, f->alice, "sessions", f->session_id);
  pt_assert_status (stun_only, 200);
  g_assert_cmpuint (array_length (stun_only->json, "ice_servers"), ==, 1);
  g_assert_cmpstr (pt_str (stun_only, "ice_servers[0].urls[0]"), ==, STUN);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (pt_json_get (stun_only->json, "ice_servers[0]"))), ==, 1);
  g_assert_cmpstr (pt_str (stun_only, "call_id"), ==, pt_str (alice, "call_id"));

  /* Nothing configured: no ICE servers. */
  f->server = pt_server_restart (f->server, configure, GINT_TO_POINTER (ICE_NONE));
  none = post_join (f, f->alice, "sessions", f->session_id);
  pt_assert_status (none, 200);
  g_assert_cmpuint (array_length (none->json, "ice_servers"), ==, 0);
}

/* The relay */

static void
test_relay (Fixture       *f,
            gconstpointer  data)
{
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;
  g_autoptr(PtWs) teacher = NULL;
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(PtWs) bob = NULL;
  g_autoptr(JsonNode) teacher_members = NULL, alice_members = NULL, bob_members = NULL, joined = NULL;
  g_autoptr(JsonNode) offer = NULL, answer = NULL, bye = NULL, ack = NULL;
  g_autoptr(GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  pt_server_set_now (f->server, START - 5 * 60);
  call_id = join_call (f, f->teacher, "sessions", f->session_id);
  room = g_strconcat ("call:", call_id, NULL);

  teacher = pt_ws_connect (f->server, f->teacher);
  alice = pt_ws_connect (f->server, f->alice);
  bob = pt_ws_connect (f->server, f->bob);

  /* The first finds nobody; the later joiner finds the earlier one, who
   * hears it come. */
  teacher_members = join_room (teacher, room);
  g_assert_cmpuint (members_length (teacher_members), ==, 0);
  alice_members = join_room (alice, room);
  g_assert_cmpuint (members_length (alice_members), ==, 1);
  g_assert_cmpstr (pt_node_str (alice_members, "members[0].user_id"), ==, f->teacher_id);
  g_assert_cmpstr (pt_node_str (alice_members, "members[0].display_name"), ==, "teacher@example.org");
  joined = pt_ws_wait_for (teacher, "room.joined", "room", room, WAIT);
  g_assert_cmpstr (pt_node_str (joined, "member.user_id"), ==, f->alice_id);
  bob_members = join_room (bob, room);
  g_assert_cmpuint (members_length (bob_members), ==, 2);

  /* The later joiner offers, the other answers. */
  offer = send_signal (alice, "offer-1", room, f->teacher_id,
                       "{\"type\":\"offer\",\"sdp\":\"v=0\\r\\no=- 4611731400430051336 2 IN IP4 127.0.0.1\\r\\n"
                       "s=-\\r\\nt=0 0\\r\\na=group:BUNDLE 0 1\\r\\nm=audio 9 UDP/TLS/RTP/SAVPF 111\\r\\n\"}");
  ack = pt_ws_wait_for (alice, "ack", "id", "offer-1", WAIT);
  g_assert_cmpstr (pt_node_str (ack, "room"), ==, room);
  expect_signal (teacher, room, f->alice_id, offer);

  answer = send_signal (teacher, NULL, room, f->alice_id,
                        "{\"type\":\"answer\",\"sdp\":\"v=0\\r\\no=- 1 2 IN IP4 127.0.0.1\\r\\ns=-\\r\\nt=0 0\\r\\n\","
                        "\"nested\":{\"list\":[1,2.5,true,null,\"\\u00e9\\\"\"]}}");
  expect_signal (alice, room, f->teacher_id, answer);

  /* A browser's burst of ICE candidates, back to back: all relayed, in
   * order, with the default rate limits. sdpMid is optional; the empty
   * candidate ends them. */
  for (guint i = 0; i < 40; i++)
    {
      g_autofree char *payload = NULL;

      if (i == 39)
        payload = g_strdup ("{\"type\":\"ice\",\"candidate\":\"\",\"sdpMLineIndex\":0}");
      else if (i % 2 == 0)
        payload = pt_json ("{\"type\":\"ice\",\"candidate\":\"candidate:%u 1 udp 2122260223 192.0.2.%u 5%04u typ host "
                           "generation 0\",\"sdpMid\":\"0\",\"sdpMLineIndex\":0}", i, i + 1, i);
      else
        payload = pt_json ("{\"type\":\"ice\",\"candidate\":\"candidate:%u 1 udp 1686052607 198.51.100.%u 6%04u typ srflx "
                           "raddr 0.0.0.0 rport 0\",\"sdpMLineIndex\":1}", i, i + 1, i);
      g_ptr_array_add (candidates, send_signal (alice, NULL, room, f->teacher_id, payload));
    }
  for (guint i = 0; i < candidates->len; i++)
    expect_signal (teacher, room, f->alice_id, g_ptr_array_index (candidates, i));

  bye = send_signal (alice, "bye-1", room, f->teacher_id, "{\"type\":\"bye\",\"reason\":\"hang-up\"}");
  expect_signal (teacher, room, f->alice_id, bye);
  g_clear_pointer (&ack, json_node_unref);
  ack = pt_ws_wait_for (alice, "ack", "id", "bye-1", WAIT);

  /* Nothing was dropped or refused; acks only for messages with an id;
   * Bob, in the room too, got none of it. */
  g_assert_cmpuint (pt_ws_count (alice, "error"), ==, 0);
  g_assert_cmpuint (pt_ws_count (teacher, "error"), ==, 0);
  g_assert_cmpuint (pt_ws_count (alice, "ack"), ==, 0);
  g_assert_cmpuint (pt_ws_count (teacher, "ack"), ==, 0);
  g_assert_cmpuint (pt_ws_count (teacher, "signal"), ==, 0);
  g_assert_cmpuint (pt_ws_count (bob, "signal"), ==, 0);
  g_assert_cmpuint (pt_ws_count (alice, "signal"), ==, 0);

  /* Every connection of the recipient in the room gets it; one that is
   * not in the room does not. */
  {
    g_autoptr(PtWs) teacher2 = pt_ws_connect (f->server, f->teacher);
    g_autoptr(PtWs) teacher3 = pt_ws_connect (f->server, f->teacher);
    g_autoptr(JsonNode) members = join_room (teacher2, room);
    g_autoptr(JsonNode) again = send_signal (bob, "to-both", room, f->teacher_id, "{\"type\":\"offer\",\"sdp\":\"x\"}");
    g_autoptr(JsonNode) bob_ack = pt_ws_wait_for (bob, "ack", "id", "to-both", WAIT);

    expect_signal (teacher, room, f->bob_id, again);
    expect_signal (teacher2, room, f->bob_id, again);
    pt_ws_spin (100);
    g_assert_cmpuint (pt_ws_count (teacher3, "signal"), ==, 0);
  }
}

/* Everything that is refused, and delivers nothing */

static gpointer
health_thread (gpointer data)
{
  PtServer *server = data;

  pt_response_free (pt_request (server, "GET", "/api/v1/health", NULL, NULL, NULL));
  return NULL;
}

static void
test_relay_errors (Fixture       *f,
                   gconstpointer  data)
{
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;
  g_autofree char *session_room = g_strconcat ("session:", f->session_id, NULL);
  g_autoptr(PtWs) teacher = NULL;
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(PtWs) bob = NULL;
  g_autoptr(PtWs) carol = NULL;
  g_autoptr(PtWs) dave = NULL;
  g_autoptr(JsonNode) m1 = NULL, m2 = NULL, m3 = NULL, marker = NULL;
  static const struct
  {
    const char *id;
    const char *format;    /* %s: the room, then the recipient */
    const char *code;
    const char *field;
  } malformed[] = {
    { "no-payload", "{\"type\":\"signal\",\"id\":\"no-payload\",\"room\":\"%s\",\"to\":\"%s\"}", "invalid_input", "payload" },
    { "null-payload", "{\"type\":\"signal\",\"id\":\"null-payload\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":null}",
      "invalid_input", "payload" },
    { "string-payload", "{\"type\":\"signal\",\"id\":\"string-payload\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":\"sdp\"}",
      "invalid_input", "payload" },
    { "array-payload", "{\"type\":\"signal\",\"id\":\"array-payload\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":[{}]}",
      "invalid_input", "payload" },
    { "no-to", "{\"type\":\"signal\",\"id\":\"no-to\",\"room\":\"%s\",\"payload\":{\"type\":\"bye\"}%s}", "invalid_input", "to" },
    { "number-to", "{\"type\":\"signal\",\"id\":\"number-to\",\"room\":\"%s\",\"to\":7%s,\"payload\":{}}", "invalid_input", "to" },
    { "empty-to", "{\"type\":\"signal\",\"id\":\"empty-to\",\"room\":\"%s\",\"to\":\"\"%s,\"payload\":{}}", "invalid_input", "to" },
    { "no-room", "{\"type\":\"signal\",\"id\":\"no-room\"%s,\"to\":\"%s\",\"payload\":{}}", "invalid_input", "room" },
  };

  pt_server_set_now (f->server, START - 5 * 60);
  call_id = join_call (f, f->teacher, "sessions", f->session_id);
  room = g_strconcat ("call:", call_id, NULL);

  teacher = pt_ws_connect (f->server, f->teacher);
  alice = pt_ws_connect (f->server, f->alice);
  bob = pt_ws_connect (f->server, f->bob);
  carol = pt_ws_connect (f->server, f->carol);
  dave = pt_ws_connect (f->server, f->dave);
  m1 = join_room (teacher, room);

  /* Who may not join the call room: a pending seat, another session's
   * learner. */
  pt_ws_sendf (carol, "{\"type\":\"join\",\"id\":\"cj\",\"room\":\"%s\"}", room);
  g_clear_pointer (&m2, json_node_unref);
  m2 = expect_error (carol, "cj", "forbidden", "room");
  pt_ws_sendf (dave, "{\"type\":\"join\",\"id\":\"dj\",\"room\":\"%s\"}", room);
  g_clear_pointer (&m2, json_node_unref);
  m2 = expect_error (dave, "dj", "forbidden", "room");
  pt_ws_send (dave, "{\"type\":\"join\",\"id\":\"nj\",\"room\":\"call:0123456789abcdef0123456789abcdef\"}");
  g_clear_pointer (&m2, json_node_unref);
  m2 = expect_error (dave, "nj", "forbidden", "room");
  /* ... nor signal into it. */
  pt_ws_sendf (dave, "{\"type\":\"signal\",\"id\":\"ds\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":{}}",
               room, f->teacher_id);
  g_clear_pointer (&m2, json_node_unref);
  m2 = expect_error (dave, "ds", "forbidden", "room");

  /* Before the join's ack: every worker is held by a slow request, so
   * the join's membership check waits, and the signal right behind it
   * finds the room not joined yet. */
  {
    GThread *busy[4];

    pt_server_set_delay (f->server, 1500);
    for (guint i = 0; i < G_N_ELEMENTS (busy); i++)
      busy[i] = g_thread_new ("busy", health_thread, f->server);
    pt_ws_spin (400);
    pt_server_set_delay (f->server, 0);

    pt_ws_sendf (alice, "{\"type\":\"join\",\"id\":\"early-join\",\"room\":\"%s\"}", room);
    pt_ws_sendf (alice, "{\"type\":\"signal\",\"id\":\"early\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":{}}",
                 room, f->teacher_id);
    g_clear_pointer (&m2, json_node_unref);
    m2 = expect_error (alice, "early", "forbidden", "room");
    g_assert_cmpuint (pt_ws_count (alice, "ack"), ==, 0);

    for (guint i = 0; i < G_N_ELEMENTS (busy); i++)
      g_thread_join (busy[i]);
    g_clear_pointer (&m2, json_node_unref);
    m2 = pt_ws_wait_for (alice, "ack", "id", "early-join", WAIT);
  }

  /* To a participant who is not in the room (Bob is connected, but has
   * not joined it), or to nobody: not_found, and nothing is sent. */
  pt_ws_sendf (alice, "{\"type\":\"signal\",\"id\":\"absent\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":{\"type\":\"offer\"}}",
               room, f->bob_id);
  g_clear_pointer (&m2, json_node_unref);
  m2 = expect_error (alice, "absent", "not_found", "to");
  pt_ws_sendf (alice, "{\"type\":\"signal\",\"id\":\"nobody\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":{}}",
               room, "0123456789abcdef0123456789abcdef");
  g_clear_pointer (&m2, json_node_unref);
  m2 = expect_error (alice, "nobody", "not_found", "to");
  pt_ws_sendf (alice, "{\"type\":\"signal\",\"id\":\"self\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":{}}",
               room, f->alice_id);
  g_clear_pointer (&m2, json_node_unref);
  m2 = expect_error (alice, "self", "invalid_input", "to");

  /* Malformed signals. */
  for (guint i = 0; i < G_N_ELEMENTS (malformed); i++)
    {
      g_autoptr(JsonNode) error = NULL;

      g_test_message ("%s", malformed[i].id);
      if (g_str_equal (malformed[i].id, "no-room"))
        pt_ws_sendf (alice, malformed[i].format, "", f->teacher_id);
      else if (g_str_has_suffix (malformed[i].id, "-to"))
        pt_ws_sendf (alice, malformed[i].format, room, "");
      else
        pt_ws_sendf (alice, malformed[i].format, room, f->teacher_id);
      error = expect_error (alice, malformed[i].id, malformed[i].code, malformed[i].field);
    }

  /* Signals go through call rooms only, even to someone in the same
   * session room. */
  m3 = join_room (alice, session_room);
  {
    g_autoptr(JsonNode) teacher_in_session = join_room (teacher, session_room);
    g_autoptr(JsonNode) error = NULL;

    pt_ws_sendf (alice, "{\"type\":\"signal\",\"id\":\"wrong-kind\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":{}}",
                 session_room, f->teacher_id);
    error = expect_error (alice, "wrong-kind", "invalid_input", "room");
    g_clear_pointer (&error, json_node_unref);
    pt_ws_sendf (alice, "{\"type\":\"signal\",\"id\":\"no-kind\",\"room\":\"party:1\",\"to\":\"%s\",\"payload\":{}}",
                 f->teacher_id);
    error = expect_error (alice, "no-kind", "invalid_input", "room");
  }

  /* The connection stays usable, and the first signal the teacher ever
   * gets is this one: none of the refused ones went anywhere. */
  marker = send_signal (alice, "marker", room, f->teacher_id, "{\"type\":\"offer\",\"sdp\":\"marker\"}");
  expect_signal (teacher, room, f->alice_id, marker);
  g_clear_pointer (&m2, json_node_unref);
  m2 = pt_ws_wait_for (alice, "ack", "id", "marker", WAIT);
  pt_ws_spin (100);
  g_assert_cmpuint (pt_ws_count (teacher, "signal"), ==, 0);
  g_assert_cmpuint (pt_ws_count (bob, "signal"), ==, 0);
  g_assert_cmpuint (pt_ws_count (carol, "signal"), ==, 0);
  g_assert_cmpuint (pt_ws_count (dave, "signal"), ==, 0);
  g_assert_cmpuint (pt_ws_count (teacher, "error"), ==, 0);
}

/* Chat works in call rooms as in the others */
static void
test_chat (Fixture       *f,
           gconstpointer  data)
{
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;
  g_autoptr(PtWs) teacher = NULL;
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(JsonNode) m1 = NULL, m2 = NULL, ack = NULL, message = NULL, mine = NULL, receipt = NULL;

  pt_server_set_now (f->server, START - 5 * 60);
  call_id = join_call (f, f->alice, "sessions", f->session_id);
  room = g_strconcat ("call:", call_id, NULL);
  teacher = pt_ws_connect (f->server, f->teacher);
  alice = pt_ws_connect (f->server, f->alice);
  m1 = join_room (teacher, room);
  m2 = join_room (alice, room);

  pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"c-1\",\"room\":\"%s\",\"text\":\"Can you hear me?\"}", room);
  ack = pt_ws_wait_for (alice, "ack", "id", "c-1", WAIT);
  g_assert_cmpint (pt_node_int (ack, "seq"), ==, 1);
  message = pt_ws_wait (teacher, "chat.message", WAIT);
  g_assert_cmpstr (pt_node_str (message, "room"), ==, room);
  g_assert_cmpint (pt_node_int (message, "seq"), ==, 1);
  g_assert_cmpstr (pt_node_str (message, "message.text"), ==, "Can you hear me?");
  g_assert_cmpstr (pt_node_str (message, "message.sender_id"), ==, f->alice_id);
  mine = pt_ws_wait (alice, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (mine, "seq"), ==, 1);

  pt_ws_sendf (teacher, "{\"type\":\"chat.read\",\"room\":\"%s\",\"seq\":1}", room);
  receipt = pt_ws_wait (alice, "chat.receipt", WAIT);
  g_assert_cmpstr (pt_node_str (receipt, "user_id"), ==, f->teacher_id);
  g_assert_cmpint (pt_node_int (receipt, "read_seq"), ==, 1);
}

/* Attendance */

static void
assert_stay (PtResponse *response,
             guint       index,
             const char *user_id,
             gint64      joined_at,
             gint64      left_at)     /* 0: still there */
{
  g_autofree char *user_path = g_strdup_printf ("attendance[%u].user_id", index);
  g_autofree char *joined_path = g_strdup_printf ("attendance[%u].joined_at", index);
  g_autofree char *left_path = g_strdup_printf ("attendance[%u].left_at", index);
  g_autofree char *joined = pt_instant (joined_at);
  g_autofree char *left = left_at ? pt_instant (left_at) : NULL;

  g_assert_cmpstr (pt_str (response, user_path), ==, user_id);
  g_assert_cmpstr (pt_str (response, joined_path), ==, joined);
  g_assert_cmpstr (pt_str (response, left_path), ==, left);
  g_assert_nonnull (pt_json_get (response->json, left_path));
}

static void
test_attendance (Fixture       *f,
                 gconstpointer  data)
{
  gint64 t1 = START - 5 * 60;
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;
  g_autofree char *t1_text = pt_instant (t1);
  g_autoptr(PtResponse) fresh = NULL;
  g_autoptr(PtWs) teacher = NULL;
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(JsonNode) m = NULL;
  PtResponse *state;
  PtWs *teacher2;

  pt_server_set_now (f->server, t1);
  call_id = join_call (f, f->teacher, "sessions", f->session_id);
  room = g_strconcat ("call:", call_id, NULL);

  /* Joined over HTTP, nobody in its room yet. */
  fresh = get_call (f, f->alice, call_id);
  pt_assert_status (fresh, 200);
  g_assert_cmpstr (pt_str (fresh, "call_id"), ==, call_id);
  g_assert_cmpstr (pt_str (fresh, "room"), ==, room);
  g_assert_cmpstr (pt_str (fresh, "session_id"), ==, f->session_id);
  g_assert_false (pt_has (fresh, "booking_id"));
  g_assert_false (pt_has (fresh, "started_at"));
  g_assert_false (pt_has (fresh, "ended_at"));
  g_assert_nonnull (pt_json_get (fresh->json, "started_at"));
  g_assert_nonnull (pt_json_get (fresh->json, "ended_at"));
  assert_participants (fresh, f->teacher_id, f->alice_id, f->bob_id, NULL);
  g_assert_cmpuint (array_length (fresh->json, "attendance"), ==, 0);

  /* Only participants see it. */
  {
    g_autoptr(PtResponse) carol = get_call (f, f->carol, call_id);
    g_autoptr(PtResponse) dave = get_call (f, f->dave, call_id);
    g_autoptr(PtResponse) other = get_call (f, f->other, call_id);
    g_autoptr(PtResponse) anonymous = get_call (f, NULL, call_id);
    g_autoptr(PtResponse) unknown = get_call (f, f->teacher, "0123456789abcdef0123456789abcdef");
    g_autoptr(PtResponse) malformed = get_call (f, f->teacher, "no%20such");

    pt_assert_error (carol, 404, "not_found");
    pt_assert_error (dave, 404, "not_found");
    pt_assert_error (other, 404, "not_found");
    pt_assert_error (anonymous, 401, "unauthorized");
    pt_assert_error (unknown, 404, "not_found");
    pt_assert_error (malformed, 404, "not_found");
  }

  /* t1: the teacher comes in: the call starts. */
  teacher = pt_ws_connect (f->server, f->teacher);
  m = join_room (teacher, room);
  state = wait_call (f, call_id, "attendance[0].joined_at", t1_text);
  g_assert_cmpstr (pt_str (state, "started_at"), ==, t1_text);
  g_assert_false (pt_has (state, "ended_at"));
  g_assert_cmpuint (array_length (state->json, "attendance"), ==, 1);
  assert_stay (state, 0, f->teacher_id, t1, 0);
  pt_response_free (state);

  /* t1 + 60: a second connection of the teacher changes nothing; Alice
   * comes in. */
  pt_server_set_now (f->server, t1 + 60);
  teacher2 = pt_ws_connect (f->server, f->teacher);
  g_clear_pointer (&m, json_node_unref);
  m = join_room (teacher2, room);
  alice = pt_ws_connect (f->server, f->alice);
  g_clear_pointer (&m, json_node_unref);
  m = join_room (alice, room);
  state = wait_call (f, call_id, "attendance[1].user_id", f->alice_id);
  g_assert_cmpuint (array_length (state->json, "attendance"), ==, 2);
  assert_stay (state, 0, f->teacher_id, t1, 0);
  assert_stay (state, 1, f->alice_id, t1 + 60, 0);
  pt_response_free (state);

  /* t1 + 120: Alice leaves; t1 + 180: she is back, in a stay of its own. */
  pt_server_set_now (f->server, t1 + 120);
  leave_room (alice, room);
  {
    g_autofree char *left = pt_instant (t1 + 120);

    state = wait_call (f, call_id, "attendance[1].left_at", left);
    g_assert_false (pt_has (state, "ended_at"));
    pt_response_free (state);
  }
  pt_server_set_now (f->server, t1 + 180);
  g_clear_pointer (&m, json_node_unref);
  m = join_room (alice, room);
  state = wait_call (f, call_id, "attendance[2].user_id", f->alice_id);
  g_assert_cmpuint (array_length (state->json, "attendance"), ==, 3);
  assert_stay (state, 1, f->alice_id, t1 + 60, t1 + 120);
  assert_stay (state, 2, f->alice_id, t1 + 180, 0);
  pt_response_free (state);

  /* t1 + 240: one of the teacher's sockets closes: still there. t1 + 300:
   * the last one closes: the stay ends then, not before (the journal is
   * written in order). */
  pt_server_set_now (f->server, t1 + 240);
  pt_ws_free (g_steal_pointer (&teacher));
  pt_server_set_now (f->server, t1 + 300);
  pt_ws_free (teacher2);
  {
    g_autofree char *left = pt_instant (t1 + 300);

    state = wait_call (f, call_id, "attendance[0].left_at", left);
    assert_stay (state, 0, f->teacher_id, t1, t1 + 300);
    g_assert_false (pt_has (state, "ended_at"));
    pt_response_free (state);
  }

  /* t1 + 360: Alice's socket closes too: the call has ended. */
  pt_server_set_now (f->server, t1 + 360);
  pt_ws_free (g_steal_pointer (&alice));
  {
    g_autofree char *ended = pt_instant (t1 + 360);

    state = wait_call (f, call_id, "ended_at", ended);
    g_assert_cmpuint (array_length (state->json, "attendance"), ==, 3);
    assert_stay (state, 2, f->alice_id, t1 + 180, t1 + 360);
    g_assert_cmpstr (pt_str (state, "started_at"), ==, t1_text);
    pt_response_free (state);
  }

  /* t1 + 420: the teacher is back: the call goes on, from when it began. */
  pt_server_set_now (f->server, t1 + 420);
  teacher = pt_ws_connect (f->server, f->teacher);
  g_clear_pointer (&m, json_node_unref);
  m = join_room (teacher, room);
  state = wait_call (f, call_id, "attendance[3].user_id", f->teacher_id);
  g_assert_false (pt_has (state, "ended_at"));
  g_assert_cmpstr (pt_str (state, "started_at"), ==, t1_text);
  assert_stay (state, 3, f->teacher_id, t1 + 420, 0);
  pt_response_free (state);

  /* t1 + 480: Alice signs out on another device: its socket is closed,
   * and her stay ends. */
  {
    g_autoptr(PtResponse) login = pt_request (f->server, "POST", "/api/v1/auth/login", NULL,
                                              "{\"email\":\"alice@example.org\",\"password\":\"correct horse battery\"}",
                                              NULL);
    g_autoptr(PtResponse) logout = NULL;
    g_autoptr(PtWs) device = NULL;
    g_autofree char *left = pt_instant (t1 + 540);

    pt_assert_status (login, 200);
    pt_server_set_now (f->server, t1 + 480);
    device = pt_ws_connect (f->server, pt_str (login, "token"));
    g_clear_pointer (&m, json_node_unref);
    m = join_room (device, room);
    state = wait_call (f, call_id, "attendance[4].user_id", f->alice_id);
    assert_stay (state, 4, f->alice_id, t1 + 480, 0);
    pt_response_free (state);

    pt_server_set_now (f->server, t1 + 540);
    logout = pt_request (f->server, "POST", "/api/v1/auth/logout", pt_str (login, "token"), NULL, NULL);
    pt_assert_status (logout, 204);
    g_assert_cmpuint (pt_ws_wait_closed (device, WAIT), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
    state = wait_call (f, call_id, "attendance[4].left_at", left);
    g_assert_cmpuint (array_length (state->json, "attendance"), ==, 5);
    assert_stay (state, 3, f->teacher_id, t1 + 420, 0);
    g_assert_false (pt_has (state, "ended_at"));
    pt_response_free (state);
  }
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM call_attendance WHERE left_at IS NULL", NULL), ==, 1);
}

/* A server that stops ends the stays in its calls, as it closes the
 * sockets */
static void
test_attendance_shutdown (Fixture       *f,
                          gconstpointer  data)
{
  gint64 t1 = START - 5 * 60;
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;
  g_autofree char *joined = pt_instant (t1);
  g_autofree char *stopped = pt_instant (t1 + 90);
  g_autoptr(PtResponse) after = NULL;
  g_autoptr(JsonNode) m = NULL;
  PtResponse *state;
  PtWs *teacher;

  pt_server_set_now (f->server, t1);
  call_id = join_call (f, f->teacher, "sessions", f->session_id);
  room = g_strconcat ("call:", call_id, NULL);
  teacher = pt_ws_connect (f->server, f->teacher);
  m = join_room (teacher, room);
  state = wait_call (f, call_id, "attendance[0].joined_at", joined);
  pt_response_free (state);

  pt_server_set_now (f->server, t1 + 90);
  f->server = pt_server_restart (f->server, configure, GINT_TO_POINTER (ICE_TURN));
  g_assert_cmpuint (pt_ws_wait_closed (teacher, WAIT), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  pt_ws_free (teacher);

  /* Written before the old server let go of its database. */
  after = get_call (f, f->teacher, call_id);
  pt_assert_status (after, 200);
  g_assert_cmpuint (array_length (after->json, "attendance"), ==, 1);
  assert_stay (after, 0, f->teacher_id, t1, t1 + 90);
  g_assert_cmpstr (pt_str (after, "ended_at"), ==, stopped);
}

/* Whoever may no longer be in a call is taken out of its room */
static void
test_kicked (Fixture       *f,
             gconstpointer  data)
{
  g_autofree char *call_id = NULL;
  g_autofree char *room = NULL;
  g_autofree char *unbook = g_strdup_printf ("/api/v1/sessions/%s/book", f->session_id);
  g_autofree char *session = g_strdup_printf ("/api/v1/sessions/%s", f->session_id);
  g_autofree char *gone_at = pt_instant (START - 4 * 60);
  g_autoptr(PtWs) teacher = NULL;
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(JsonNode) m1 = NULL, m2 = NULL, left = NULL, heard = NULL, refused = NULL, host_left = NULL;
  g_autoptr(PtResponse) unbooked = NULL;
  g_autoptr(PtResponse) cancelled = NULL;
  PtResponse *state;

  pt_server_set_now (f->server, START - 5 * 60);
  call_id = join_call (f, f->alice, "sessions", f->session_id);
  room = g_strconcat ("call:", call_id, NULL);
  teacher = pt_ws_connect (f->server, f->teacher);
  alice = pt_ws_connect (f->server, f->alice);
  m1 = join_room (teacher, room);
  pt_server_set_now (f->server, START - 5 * 60 + 30);
  m2 = join_room (alice, room);

  /* Alice gives up her seat: out of the call. */
  pt_server_set_now (f->server, START - 4 * 60);
  unbooked = pt_request (f->server, "DELETE", unbook, f->alice, NULL, NULL);
  pt_assert_status (unbooked, 200);
  left = pt_ws_wait_for (alice, "room.left", "room", room, WAIT);
  g_assert_cmpstr (pt_node_str (left, "member.user_id"), ==, f->alice_id);
  heard = pt_ws_wait_for (teacher, "room.left", "room", room, WAIT);
  g_assert_cmpstr (pt_node_str (heard, "member.user_id"), ==, f->alice_id);
  pt_ws_sendf (alice, "{\"type\":\"signal\",\"id\":\"late\",\"room\":\"%s\",\"to\":\"%s\",\"payload\":{}}",
               room, f->teacher_id);
  refused = expect_error (alice, "late", "forbidden", "room");
  state = wait_call (f, call_id, "attendance[1].left_at", gone_at);
  assert_stay (state, 0, f->teacher_id, START - 5 * 60, 0);
  assert_stay (state, 1, f->alice_id, START - 5 * 60 + 30, START - 4 * 60);
  pt_response_free (state);

  /* The host cancels the session: everyone is out, the call has ended. */
  pt_server_set_now (f->server, START - 3 * 60);
  cancelled = pt_request (f->server, "PUT", session, f->teacher, "{\"status\":\"cancelled\"}", NULL);
  pt_assert_status (cancelled, 200);
  host_left = pt_ws_wait_for (teacher, "room.left", "room", room, WAIT);
  g_assert_cmpstr (pt_node_str (host_left, "member.user_id"), ==, f->teacher_id);
  g_clear_pointer (&refused, json_node_unref);
  pt_ws_sendf (teacher, "{\"type\":\"join\",\"id\":\"rejoin\",\"room\":\"%s\"}", room);
  refused = expect_error (teacher, "rejoin", "forbidden", "room");

  /* GET /calls/{id} is for participants, and there are none left: the
   * database tells. */
  {
    gint64 deadline = g_get_monotonic_time () + WAIT * 1000;

    while (db_int (f, "SELECT COUNT(*) FROM calls WHERE id = $1 AND ended_at IS NOT NULL", call_id) == 0)
      {
        g_assert_cmpint (g_get_monotonic_time (), <, deadline);
        pt_ws_spin (20);
      }
  }
  g_assert_cmpint (db_int (f, "SELECT ended_at FROM calls WHERE id = $1", call_id), ==, START - 3 * 60);
  g_assert_cmpint (db_int (f, "SELECT COUNT(*) FROM call_attendance WHERE call_id = $1 AND left_at IS NULL", call_id),
                   ==, 0);
  g_assert_cmpint (db_int (f, "SELECT MAX(left_at) FROM call_attendance WHERE call_id = $1", call_id), ==, START - 3 * 60);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/calls/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("window", test_window);
  ADD ("session-access", test_session_access);
  ADD ("lesson-access", test_lesson_access);
  ADD ("concurrent", test_concurrent);
  ADD ("bodies", test_bodies);
  ADD ("ice-servers", test_ice_servers);
  ADD ("relay", test_relay);
  ADD ("relay-errors", test_relay_errors);
  ADD ("chat", test_chat);
  ADD ("attendance", test_attendance);
  ADD ("attendance-shutdown", test_attendance_shutdown);
  ADD ("kicked", test_kicked);

  return g_test_run ();
}
