/* test-realtime.c: the WebSocket hub with real clients: authentication,
 * chat, history, receipts, private messages, resume, presence, watching
 * teachers' presence, session events, limits and hostile input
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "parla-test-server.h"

#define T0    1795428000  /* Monday 2026-11-23T10:00:00Z */
#define WED   1795593600  /* Wednesday 2026-11-25T08:00:00Z = 09:00 in Madrid */
#define HOUR  3600
#define DAY   (24 * HOUR)
#define WAIT  5000        /* ms: generous bound for anything the server pushes */

typedef struct
{
  PtServer *server;
  char     *teacher;       /* tokens */
  char     *teacher_id;
  char     *alice;         /* learners with a seat in the session */
  char     *alice_id;
  char     *bob;
  char     *bob_id;
  char     *carol;         /* a learner without one */
  char     *carol_id;
  char     *session_id;
  char     *room;          /* "session:<id>" */
  gint64    start;
} Fixture;

static guint next_id;

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  config->ws_token_check_seconds = 1;
  config->ws_session_scan_seconds = 1;
  config->ws_max_connections_per_user = 3;
  config->ws_messages_per_second = 20;
  config->ws_message_burst = 40;
  g_free (config->ws_allowed_origins);
  config->ws_allowed_origins = g_strdup ("https://parla.example, https://www.parla.example:8443");
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtResponse) created = NULL;
  g_autofree char *when = NULL;
  g_autofree char *body = NULL;
  g_autofree char *book = NULL;

  f->server = pt_server_start (configure, NULL);
  pt_server_set_now (f->server, T0);

  f->teacher = pt_register (f->server, "teacher@example.org", "teacher", &f->teacher_id);
  f->alice = pt_register (f->server, "alice@example.org", "student", &f->alice_id);
  f->bob = pt_register (f->server, "bob@example.org", "student", &f->bob_id);
  f->carol = pt_register (f->server, "carol@example.org", "student", &f->carol_id);

  f->start = T0 + 3 * DAY;
  when = pt_instant (f->start);
  body = pt_json ("{\"title\":\"Conversation\",\"type\":\"group\",\"language\":\"es\",\"level\":\"A1\","
                  "\"start\":\"%s\",\"duration_minutes\":60,\"capacity\":5,\"price_minor\":0}", when);
  created = pt_request (f->server, "POST", "/api/v1/sessions", f->teacher, body, NULL);
  pt_assert_status (created, 201);
  f->session_id = g_strdup (pt_str (created, "id"));
  f->room = g_strconcat ("session:", f->session_id, NULL);

  book = g_strdup_printf ("/api/v1/sessions/%s/book", f->session_id);
  {
    g_autoptr(PtResponse) a = pt_request (f->server, "POST", book, f->alice, NULL, NULL);
    g_autoptr(PtResponse) b = pt_request (f->server, "POST", book, f->bob, NULL, NULL);

    pt_assert_status (a, 201);
    pt_assert_status (b, 201);
  }
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
  g_free (f->session_id);
  g_free (f->room);
}

/* Joins and waits for the ack; returns the room.members message. */
static JsonNode *
join (PtWs       *ws,
      const char *room)
{
  g_autofree char *id = g_strdup_printf ("j-%u", ++next_id);
  g_autoptr(JsonNode) ack = NULL;

  pt_ws_sendf (ws, "{\"type\":\"join\",\"id\":\"%s\",\"room\":\"%s\"}", id, room);
  ack = pt_ws_wait_for (ws, "ack", "id", id, WAIT);
  g_assert_cmpstr (pt_node_str (ack, "room"), ==, room);

  return pt_ws_wait_for (ws, "room.members", "room", room, WAIT);
}

/* Sends a chat message and returns its seq from the ack. */
static gint64
say (PtWs       *ws,
     const char *room,
     const char *id,
     const char *text)
{
  g_autoptr(JsonNode) ack = NULL;

  pt_ws_sendf (ws, "{\"type\":\"chat.send\",\"id\":\"%s\",\"room\":\"%s\",\"text\":\"%s\"}", id, room, text);
  ack = pt_ws_wait_for (ws, "ack", "id", id, WAIT);
  g_assert_cmpstr (pt_node_str (ack, "room"), ==, room);

  return pt_node_int (ack, "seq");
}

static JsonNode *
expect_error (PtWs       *ws,
              const char *id,
              const char *code)
{
  JsonNode *error = id ? pt_ws_wait_for (ws, "error", "id", id, WAIT) : pt_ws_wait (ws, "error", WAIT);

  g_assert_cmpstr (pt_node_str (error, "code"), ==, code);
  return error;
}

static PtResponse *
history (Fixture    *f,
         const char *token,
         const char *query)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/messages%s", f->session_id, query ? query : "");

  return pt_request (f->server, "GET", path, token, NULL, NULL);
}

static gboolean
members_contain (JsonNode   *members,
                 const char *user_id)
{
  JsonArray *array = json_node_get_array (pt_json_get (members, "members"));

  for (guint i = 0; i < json_array_get_length (array); i++)
    if (g_strcmp0 (pt_node_str (json_array_get_element (array, i), "user_id"), user_id) == 0)
      return TRUE;

  return FALSE;
}

/* Authentication and origin */

static void
test_auth (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(PtResponse) none = pt_request (f->server, "GET", "/api/v1/ws", NULL, NULL, NULL);
  g_autoptr(PtResponse) bad = pt_request (f->server, "GET", "/api/v1/ws", "not-a-token", NULL, NULL);
  g_autoptr(PtResponse) plain = pt_request (f->server, "GET", "/api/v1/ws", f->alice, NULL, NULL);
  g_autofree char *query = g_strconcat ("access_token=", f->alice, NULL);
  g_autofree char *own_origin = g_strndup (f->server->base_url, strlen (f->server->base_url) - 1);
  g_autoptr(PtWs) by_query = NULL;
  g_autoptr(PtWs) same_origin = NULL;
  g_autoptr(JsonNode) welcome = NULL;
  PtWs *refused;
  guint status = 0;

  /* Before any upgrade, as JSON. */
  pt_assert_error (none, 401, "unauthorized");
  pt_assert_error (bad, 401, "unauthorized");
  /* A valid token without a WebSocket handshake. */
  pt_assert_error (plain, 400, "invalid_input");

  refused = pt_ws_try_connect (f->server, NULL, NULL, NULL, &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);
  refused = pt_ws_try_connect (f->server, "bogus", NULL, NULL, &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 401);

  /* Another site's page may not use a signed-in browser's token. */
  refused = pt_ws_try_connect (f->server, f->alice, NULL, "https://evil.example", &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 403);
  refused = pt_ws_try_connect (f->server, NULL, query, "http://127.0.0.1:1", &status);
  g_assert_null (refused);
  g_assert_cmpuint (status, ==, 403);

  /* The token in the query, for browsers. */
  by_query = pt_ws_try_connect (f->server, NULL, query, NULL, &status);
  g_assert_nonnull (by_query);
  g_assert_cmpuint (status, ==, 101);
  welcome = pt_ws_wait (by_query, "welcome", WAIT);
  g_assert_cmpstr (pt_node_str (welcome, "user.id"), ==, f->alice_id);
  g_assert_cmpstr (pt_node_str (welcome, "user.role"), ==, "student");
  g_assert_cmpint (pt_node_int (welcome, "limits.max_message_bytes"), ==, 64 * 1024);

  /* The server's own origin is fine. */
  same_origin = pt_ws_try_connect (f->server, f->alice, NULL, own_origin, &status);
  g_assert_nonnull (same_origin);
  g_assert_cmpuint (status, ==, 101);

  /* So are the configured ones (a TLS proxy's), exactly. */
  {
    g_autoptr(PtWs) proxied = pt_ws_try_connect (f->server, f->alice, NULL, "https://parla.example", &status);
    g_autoptr(PtWs) proxied_port = NULL;

    g_assert_nonnull (proxied);
    g_assert_cmpuint (status, ==, 101);
    proxied_port = pt_ws_try_connect (f->server, f->alice, NULL, "https://www.parla.example:8443", &status);
    g_assert_nonnull (proxied_port);
    g_assert_cmpuint (status, ==, 101);

    refused = pt_ws_try_connect (f->server, f->alice, NULL, "http://parla.example", &status);
    g_assert_null (refused);
    g_assert_cmpuint (status, ==, 403);
    refused = pt_ws_try_connect (f->server, f->alice, NULL, "https://www.parla.example", &status);
    g_assert_null (refused);
    g_assert_cmpuint (status, ==, 403);
  }
}

/* Two members chat: acks, order, history pages, read receipts */

static void
test_chat (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(JsonNode) alice_members = NULL;
  g_autoptr(JsonNode) teacher_members = NULL;
  g_autoptr(JsonNode) receipt = NULL;
  g_autoptr(PtResponse) page1 = NULL;
  g_autoptr(PtResponse) page2 = NULL;
  g_autoptr(PtResponse) outsider = NULL;
  g_autofree char *before = NULL;
  gint64 seqs[3];
  gboolean alice_saw, teacher_saw;
  static const char *texts[] = { "Hola", "Que tal", "Hasta luego" };

  /* Both join at once: joins are handled one at a time, so exactly one of
   * them finds the other already there, and the other hears it come. */
  pt_ws_sendf (alice, "{\"type\":\"join\",\"room\":\"%s\"}", f->room);
  pt_ws_sendf (teacher, "{\"type\":\"join\",\"room\":\"%s\"}", f->room);
  alice_members = pt_ws_wait (alice, "room.members", WAIT);
  teacher_members = pt_ws_wait (teacher, "room.members", WAIT);
  alice_saw = members_contain (alice_members, f->teacher_id);
  teacher_saw = members_contain (teacher_members, f->alice_id);
  g_assert_true (alice_saw != teacher_saw);
  g_assert_false (members_contain (alice_members, f->alice_id));
  if (alice_saw)
    {
      /* The teacher was first, and hears Alice come. */
      g_autoptr(JsonNode) joined = pt_ws_wait (teacher, "room.joined", WAIT);

      g_assert_cmpstr (pt_node_str (joined, "member.user_id"), ==, f->alice_id);
      g_assert_cmpstr (pt_node_str (joined, "member.display_name"), ==, "alice@example.org");
      g_assert_cmpuint (pt_ws_count (alice, "room.joined"), ==, 0);
    }
  else
    {
      g_autoptr(JsonNode) joined = pt_ws_wait (alice, "room.joined", WAIT);

      g_assert_cmpstr (pt_node_str (joined, "member.user_id"), ==, f->teacher_id);
      g_assert_cmpstr (pt_node_str (joined, "member.display_name"), ==, "teacher@example.org");
      g_assert_cmpuint (pt_ws_count (teacher, "room.joined"), ==, 0);
    }

  for (guint i = 0; i < 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("c-%u", i);

      seqs[i] = say (alice, f->room, id, texts[i]);
      if (i > 0)
        g_assert_cmpint (seqs[i], >, seqs[i - 1]);
    }

  /* Both see every message, in order, with the seq of the ack. */
  for (guint i = 0; i < 3; i++)
    {
      g_autoptr(JsonNode) mine = pt_ws_wait (alice, "chat.message", WAIT);
      g_autoptr(JsonNode) theirs = pt_ws_wait (teacher, "chat.message", WAIT);

      g_assert_cmpint (pt_node_int (mine, "seq"), ==, seqs[i]);
      g_assert_cmpint (pt_node_int (theirs, "seq"), ==, seqs[i]);
      g_assert_cmpstr (pt_node_str (theirs, "room"), ==, f->room);
      g_assert_cmpstr (pt_node_str (theirs, "message.text"), ==, texts[i]);
      g_assert_cmpstr (pt_node_str (theirs, "message.sender_id"), ==, f->alice_id);
      g_assert_cmpstr (pt_node_str (theirs, "message.sender_name"), ==, "alice@example.org");
      g_assert_cmpstr (pt_node_str (theirs, "message.type"), ==, "text");
      g_assert_null (pt_node_str (theirs, "message.to"));
      g_assert_nonnull (pt_node_str (theirs, "message.id"));
      g_assert_nonnull (pt_node_str (theirs, "message.sent_at"));
    }

  /* The teacher read up to the second: Alice hears it. */
  pt_ws_sendf (teacher, "{\"type\":\"chat.read\",\"id\":\"r1\",\"room\":\"%s\",\"seq\":%" G_GINT64_FORMAT "}",
               f->room, seqs[1]);
  receipt = pt_ws_wait (alice, "chat.receipt", WAIT);
  g_assert_cmpstr (pt_node_str (receipt, "user_id"), ==, f->teacher_id);
  g_assert_cmpint (pt_node_int (receipt, "read_seq"), ==, seqs[1]);
  g_assert_cmpint (pt_node_int (receipt, "delivered_seq"), ==, seqs[1]);
  g_clear_pointer (&receipt, json_node_unref);
  receipt = pt_ws_wait_for (teacher, "ack", "id", "r1", WAIT);

  /* History: the newest page first, each page oldest first. */
  page1 = history (f, f->teacher, "?limit=2");
  pt_assert_status (page1, 200);
  g_assert_cmpstr (pt_str (page1, "room"), ==, f->room);
  g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (page1->json, "items"))), ==, 2);
  g_assert_cmpint (pt_int (page1, "items[0].seq"), ==, seqs[1]);
  g_assert_cmpint (pt_int (page1, "items[1].seq"), ==, seqs[2]);
  g_assert_cmpstr (pt_str (page1, "items[1].message.text"), ==, "Hasta luego");
  g_assert_cmpint (pt_int (page1, "next_before"), ==, seqs[1]);
  g_assert_cmpint (pt_int (page1, "last_seq"), ==, seqs[2]);
  g_assert_cmpstr (pt_str (page1, "receipts[0].user_id"), ==, f->teacher_id);
  g_assert_cmpint (pt_int (page1, "receipts[0].read_seq"), ==, seqs[1]);

  before = g_strdup_printf ("?limit=2&before=%" G_GINT64_FORMAT, pt_int (page1, "next_before"));
  page2 = history (f, f->alice, before);
  pt_assert_status (page2, 200);
  g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (page2->json, "items"))), ==, 1);
  g_assert_cmpint (pt_int (page2, "items[0].seq"), ==, seqs[0]);
  g_assert_false (pt_has (page2, "next_before"));

  /* Not a participant: the room's history does not exist for them. */
  outsider = history (f, f->carol, NULL);
  pt_assert_error (outsider, 404, "not_found");
  {
    g_autoptr(PtResponse) anonymous = history (f, NULL, NULL);
    g_autoptr(PtResponse) bad_limit = history (f, f->alice, "?limit=1000");

    pt_assert_error (anonymous, 401, "unauthorized");
    pt_assert_error (bad_limit, 400, "invalid_input");
  }
}

/* A private message reaches its sender and recipient only */

static void
test_private (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) bob = pt_ws_connect (f->server, f->bob);
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(JsonNode) alice_members = join (alice, f->room);
  g_autoptr(JsonNode) bob_members = join (bob, f->room);
  g_autoptr(JsonNode) teacher_members = join (teacher, f->room);
  g_autoptr(JsonNode) m1 = NULL, m2 = NULL, m3 = NULL, m4 = NULL;
  g_autoptr(PtResponse) bob_history = NULL;
  g_autoptr(PtResponse) teacher_history = NULL;
  g_autoptr(PtResponse) after = NULL;
  g_autoptr(JsonNode) error = NULL;
  g_autofree char *to_carol = NULL;
  g_autoptr(JsonNode) ack = NULL;
  gint64 secret_seq, public_seq;

  /* The last to join found the two others. */
  g_assert_true (members_contain (teacher_members, f->alice_id));
  g_assert_true (members_contain (teacher_members, f->bob_id));

  pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"p1\",\"room\":\"%s\",\"text\":\"Only for you\",\"to\":\"%s\"}",
               f->room, f->teacher_id);
  ack = pt_ws_wait_for (alice, "ack", "id", "p1", WAIT);
  secret_seq = pt_node_int (ack, "seq");
  public_seq = say (alice, f->room, "p2", "For everyone");

  m1 = pt_ws_wait (teacher, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (m1, "seq"), ==, secret_seq);
  g_assert_cmpstr (pt_node_str (m1, "message.to"), ==, f->teacher_id);
  g_assert_cmpstr (pt_node_str (m1, "message.text"), ==, "Only for you");
  m2 = pt_ws_wait (alice, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (m2, "seq"), ==, secret_seq);
  /* Messages of a room arrive in order: the first Bob gets is the public
   * one, so he never got the private one. */
  m3 = pt_ws_wait (bob, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (m3, "seq"), ==, public_seq);
  g_assert_cmpstr (pt_node_str (m3, "message.text"), ==, "For everyone");
  m4 = pt_ws_wait (teacher, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (m4, "seq"), ==, public_seq);
  g_assert_cmpuint (pt_ws_count (bob, "chat.message"), ==, 0);

  bob_history = history (f, f->bob, NULL);
  pt_assert_status (bob_history, 200);
  g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (bob_history->json, "items"))), ==, 1);
  g_assert_cmpint (pt_int (bob_history, "items[0].seq"), ==, public_seq);
  teacher_history = history (f, f->teacher, NULL);
  g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (teacher_history->json, "items"))), ==, 2);

  /* To someone outside the room: refused, nothing stored or sent. */
  to_carol = pt_json ("{\"type\":\"chat.send\",\"id\":\"p3\",\"room\":\"%s\",\"text\":\"Psst\",\"to\":\"%s\"}",
                      f->room, f->carol_id);
  pt_ws_send (alice, to_carol);
  error = expect_error (alice, "p3", "forbidden");
  g_assert_cmpstr (pt_node_str (error, "field"), ==, "to");
  after = history (f, f->alice, NULL);
  g_assert_cmpint (pt_int (after, "last_seq"), ==, public_seq);
  /* To oneself is not a private message. */
  pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"p4\",\"room\":\"%s\",\"text\":\"Me\",\"to\":\"%s\"}",
               f->room, f->alice_id);
  g_clear_pointer (&error, json_node_unref);
  error = expect_error (alice, "p4", "invalid_input");
}

/* Outsiders cannot join or write */

static void
test_forbidden (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtWs) carol = pt_ws_connect (f->server, f->carol);
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(JsonNode) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;
  g_autoptr(PtResponse) after = NULL;

  pt_ws_sendf (carol, "{\"type\":\"join\",\"id\":\"j\",\"room\":\"%s\"}", f->room);
  e1 = expect_error (carol, "j", "forbidden");
  g_assert_cmpstr (pt_node_str (e1, "field"), ==, "room");
  g_assert_cmpuint (pt_ws_count (carol, "room.members"), ==, 0);

  pt_ws_sendf (carol, "{\"type\":\"chat.send\",\"id\":\"s\",\"room\":\"%s\",\"text\":\"Hi\"}", f->room);
  e2 = expect_error (carol, "s", "forbidden");

  /* A member must join before writing. */
  pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"s\",\"room\":\"%s\",\"text\":\"Hi\"}", f->room);
  e3 = expect_error (alice, "s", "forbidden");

  /* Rooms of an unknown kind, or of something that does not exist. */
  pt_ws_send (alice, "{\"type\":\"join\",\"id\":\"k\",\"room\":\"party:1\"}");
  e4 = expect_error (alice, "k", "invalid_input");
  pt_ws_send (alice, "{\"type\":\"join\",\"id\":\"n\",\"room\":\"booking:nothing-here\"}");
  e5 = expect_error (alice, "n", "forbidden");

  after = history (f, f->teacher, NULL);
  g_assert_cmpint (pt_int (after, "last_seq"), ==, 0);
}

/* The same client id is stored once and acked with the same seq */

static void
test_duplicate (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(JsonNode) members = NULL, again = NULL, message = NULL, next = NULL;
  g_autoptr(PtResponse) stored = NULL;
  gint64 first, second, third;

  members = join (alice, f->room);
  g_clear_pointer (&members, json_node_unref);
  members = join (teacher, f->room);

  first = say (alice, f->room, "same-id", "Once");
  pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"same-id\",\"room\":\"%s\",\"text\":\"Once\"}", f->room);
  again = pt_ws_wait_for (alice, "ack", "id", "same-id", WAIT);
  second = pt_node_int (again, "seq");
  g_assert_cmpint (second, ==, first);
  g_assert_true (json_node_get_boolean (pt_json_get (again, "duplicate")));
  third = say (alice, f->room, "other-id", "Twice");

  /* The teacher got the first, then the third: never the repeat. */
  message = pt_ws_wait (teacher, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (message, "seq"), ==, first);
  next = pt_ws_wait (teacher, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (next, "seq"), ==, third);
  g_assert_cmpint (third, ==, first + 1);

  stored = history (f, f->teacher, NULL);
  g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (stored->json, "items"))), ==, 2);
}

/* After a reconnect, resume replays what was missed, once, in order,
 * then continues live, also while others keep writing */

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(JsonNode) members = NULL, seen = NULL, ack = NULL, live = NULL;
  g_autoptr(PtWs) back = NULL;
  gint64 first, last_seen, expected;

  members = join (teacher, f->room);
  g_clear_pointer (&members, json_node_unref);
  members = join (alice, f->room);

  first = say (teacher, f->room, "t-0", "Before");
  seen = pt_ws_wait (alice, "chat.message", WAIT);
  last_seen = pt_node_int (seen, "seq");
  g_assert_cmpint (last_seen, ==, first);

  /* Alice drops off; the teacher goes on. */
  g_clear_pointer (&alice, pt_ws_free);
  say (teacher, f->room, "t-1", "While away 1");
  say (teacher, f->room, "t-2", "While away 2");

  /* She comes back and resumes while the teacher keeps writing. */
  back = pt_ws_connect (f->server, f->alice);
  for (guint i = 3; i < 13; i++)
    pt_ws_sendf (teacher, "{\"type\":\"chat.send\",\"id\":\"t-%u\",\"room\":\"%s\",\"text\":\"Live %u\"}",
                 i, f->room, i);
  pt_ws_sendf (back, "{\"type\":\"resume\",\"id\":\"res\",\"room\":\"%s\",\"after_seq\":%" G_GINT64_FORMAT "}",
               f->room, last_seen);

  /* Every message after the one she saw, exactly once, in order. */
  expected = last_seen + 1;
  while (expected <= first + 12)
    {
      g_autoptr(JsonNode) message = pt_ws_wait (back, "chat.message", WAIT);

      g_assert_cmpint (pt_node_int (message, "seq"), ==, expected);
      expected++;
    }
  ack = pt_ws_wait_for (back, "ack", "id", "res", WAIT);
  g_assert_cmpint (pt_node_int (ack, "seq"), >=, first + 2);

  /* And live after that. */
  say (teacher, f->room, "t-13", "Welcome back");
  live = pt_ws_wait (back, "chat.message", WAIT);
  g_assert_cmpint (pt_node_int (live, "seq"), ==, first + 13);
  g_assert_cmpuint (pt_ws_count (back, "chat.message"), ==, 0);

  /* Resuming an active room from an older seq sends nothing twice. */
  g_clear_pointer (&ack, json_node_unref);
  pt_ws_sendf (back, "{\"type\":\"resume\",\"id\":\"res2\",\"room\":\"%s\",\"after_seq\":0}", f->room);
  ack = pt_ws_wait_for (back, "ack", "id", "res2", WAIT);
  g_assert_cmpuint (pt_ws_count (back, "chat.message"), ==, 0);
}

/* Presence: contacts on connect, changes, offline after the last socket */

static void
test_presence (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(JsonNode) p0 = NULL, p1 = NULL, p2 = NULL, p3 = NULL;
  PtWs *teacher;
  PtWs *teacher2;

  /* Alice has a seat with the teacher: she sees where the teacher is. */
  p0 = pt_ws_wait_for (alice, "presence", "user_id", f->teacher_id, WAIT);
  g_assert_cmpstr (pt_node_str (p0, "status"), ==, "offline");

  teacher = pt_ws_connect (f->server, f->teacher);
  p1 = pt_ws_wait_for (alice, "presence", "user_id", f->teacher_id, WAIT);
  g_assert_cmpstr (pt_node_str (p1, "status"), ==, "online");

  pt_ws_send (teacher, "{\"type\":\"presence.set\",\"id\":\"ps\",\"status\":\"available\"}");
  p2 = pt_ws_wait_for (alice, "presence", "user_id", f->teacher_id, WAIT);
  g_assert_cmpstr (pt_node_str (p2, "status"), ==, "available");
  {
    g_autoptr(JsonNode) bad = NULL;

    pt_ws_send (teacher, "{\"type\":\"presence.set\",\"id\":\"bad\",\"status\":\"offline\"}");
    bad = expect_error (teacher, "bad", "invalid_input");
    g_assert_cmpstr (pt_node_str (bad, "field"), ==, "status");
  }

  /* A second socket, then the first closes: still there. */
  teacher2 = pt_ws_connect (f->server, f->teacher);
  pt_ws_free (teacher);
  pt_ws_send (teacher2, "{\"type\":\"presence.set\",\"id\":\"ps2\",\"status\":\"in_call\"}");
  p3 = pt_ws_wait_for (alice, "presence", "user_id", f->teacher_id, WAIT);
  g_assert_cmpstr (pt_node_str (p3, "status"), ==, "in_call");

  /* The last socket closes: offline. */
  pt_ws_free (teacher2);
  g_clear_pointer (&p3, json_node_unref);
  p3 = pt_ws_wait_for (alice, "presence", "user_id", f->teacher_id, WAIT);
  g_assert_cmpstr (pt_node_str (p3, "status"), ==, "offline");
}

/* Watching teachers' presence (presence.watch) */

/* Takes every message up to the first @type whose id is @id, that one
 * included, in the order they came. */
static GPtrArray *
take_until (PtWs       *ws,
            const char *type,
            const char *id)
{
  GPtrArray *taken = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);

  for (;;)
    {
      JsonNode *message = pt_ws_wait (ws, NULL, WAIT);

      g_ptr_array_add (taken, message);
      if (g_strcmp0 (pt_node_str (message, "type"), type) == 0 &&
          g_strcmp0 (pt_node_str (message, "id"), id) == 0)
        return taken;
    }
}

/* Everything the server sent @ws so far: sends a message that changes
 * nothing, and takes what came before its ack (the server answers a
 * connection's messages in order, after whatever it pushed to it
 * earlier). */
static GPtrArray *
take_all (PtWs *ws)
{
  g_autofree char *id = g_strdup_printf ("sync-%u", ++next_id);
  GPtrArray *taken;

  pt_ws_sendf (ws, "{\"type\":\"presence.unwatch\",\"id\":\"%s\",\"user_ids\":[]}", id);
  taken = take_until (ws, "ack", id);
  g_ptr_array_remove_index (taken, taken->len - 1);

  return taken;
}

static void
assert_presence (JsonNode   *message,
                 const char *user_id,
                 const char *status)
{
  g_assert_cmpstr (pt_node_str (message, "type"), ==, "presence");
  g_assert_cmpstr (pt_node_str (message, "user_id"), ==, user_id);
  g_assert_cmpstr (pt_node_str (message, "status"), ==, status);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (message)), ==, 3);
}

/* A bare ack: nothing in it about the ids. */
static void
assert_ack (JsonNode   *message,
            const char *id)
{
  g_assert_cmpstr (pt_node_str (message, "type"), ==, "ack");
  g_assert_cmpstr (pt_node_str (message, "id"), ==, id);
  g_assert_cmpuint (json_object_get_size (json_node_get_object (message)), ==, 2);
}

/* Sets @ws's status and waits until that is done. */
static void
set_status (PtWs       *ws,
            const char *status)
{
  g_autofree char *id = g_strdup_printf ("ps-%u", ++next_id);
  g_autoptr(JsonNode) ack = NULL;

  pt_ws_sendf (ws, "{\"type\":\"presence.set\",\"id\":\"%s\",\"status\":\"%s\"}", id, status);
  ack = pt_ws_wait_for (ws, "ack", "id", id, WAIT);
}

/* Carol has no booking: she watches two teachers (one online), two
 * learners (one online) and an id that is nobody's. */
static void
test_presence_watch (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *teacher2_id = NULL;
  g_autofree char *teacher2 = pt_register (f->server, "teacher2@example.org", "teacher", &teacher2_id);
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(PtWs) bob = pt_ws_connect (f->server, f->bob);
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(PtWs) carol2 = NULL;
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(JsonNode) offline = NULL;
  PtWs *carol = pt_ws_connect (f->server, f->carol);
  PtWs *teacher2_ws;

  /* Her own presence, and nothing about anyone else. */
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], f->carol_id, "online");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* The online teacher's presence, then a bare ack. */
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"w1\","
               "\"user_ids\":[\"%s\",\"%s\",\"%s\",\"%s\",\"no-such-user\",\"%s\"]}",
               f->teacher_id, teacher2_id, f->alice_id, f->bob_id, f->teacher_id);
  got = take_until (carol, "ack", "w1");
  g_assert_cmpuint (got->len, ==, 2);
  assert_presence (got->pdata[0], f->teacher_id, "online");
  assert_ack (got->pdata[1], "w1");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* The offline teacher comes online, and changes status. */
  teacher2_ws = pt_ws_connect (f->server, teacher2);
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], teacher2_id, "online");
  g_clear_pointer (&got, g_ptr_array_unref);

  set_status (teacher2_ws, "available");
  set_status (teacher2_ws, "in_call");
  set_status (teacher, "away");
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 3);
  assert_presence (got->pdata[0], teacher2_id, "available");
  assert_presence (got->pdata[1], teacher2_id, "in_call");
  assert_presence (got->pdata[2], f->teacher_id, "away");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Learners are not watched: nothing as one comes online, nothing as
   * they change status. */
  alice = pt_ws_connect (f->server, f->alice);
  set_status (alice, "available");
  set_status (bob, "away");
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Bob watches the second teacher too, to know when the server has
   * seen its socket close. */
  pt_ws_sendf (bob, "{\"type\":\"presence.watch\",\"id\":\"wb\",\"user_ids\":[\"%s\"]}", teacher2_id);
  got = take_until (bob, "ack", "wb");
  assert_presence (got->pdata[got->len - 2], teacher2_id, "in_call");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* The teacher's last socket closes: offline. */
  pt_ws_free (teacher2_ws);
  offline = pt_ws_wait_for (carol, "presence", "user_id", teacher2_id, WAIT);
  assert_presence (offline, teacher2_id, "offline");
  g_clear_pointer (&offline, json_node_unref);
  offline = pt_ws_wait_for (bob, "presence", "user_id", teacher2_id, WAIT);
  assert_presence (offline, teacher2_id, "offline");
  g_clear_pointer (&offline, json_node_unref);
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Unwatched: nothing more about the first teacher; the second is still
   * watched. */
  pt_ws_sendf (carol, "{\"type\":\"presence.unwatch\",\"id\":\"u1\",\"user_ids\":[\"%s\",\"%s\"]}",
               f->teacher_id, f->alice_id);
  got = take_until (carol, "ack", "u1");
  g_assert_cmpuint (got->len, ==, 1);
  assert_ack (got->pdata[0], "u1");
  g_clear_pointer (&got, g_ptr_array_unref);

  set_status (teacher, "available");
  teacher2_ws = pt_ws_connect (f->server, teacher2);
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], teacher2_id, "online");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Watches belong to a connection: Carol's second one gets nothing, and
   * nothing either once the first one is gone. */
  carol2 = pt_ws_connect (f->server, f->carol);
  set_status (teacher2_ws, "away");
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], teacher2_id, "away");
  g_clear_pointer (&got, g_ptr_array_unref);
  got = take_all (carol2);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  pt_ws_free (carol);
  set_status (teacher2_ws, "available");
  pt_ws_free (teacher2_ws);
  offline = pt_ws_wait_for (bob, "presence", "status", "offline", WAIT);
  assert_presence (offline, teacher2_id, "offline");
  got = take_all (carol2);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);
}

/* A learner's id never yields anything, not even once they connect; and
 * a contact may be watched like a teacher */
static void
test_presence_watch_learner (Fixture       *f,
                             gconstpointer  data)
{
  g_autoptr(PtWs) carol = pt_ws_connect (f->server, f->carol);
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(GPtrArray) got = NULL;

  got = take_all (carol);
  g_clear_pointer (&got, g_ptr_array_unref);
  got = take_all (teacher);
  g_clear_pointer (&got, g_ptr_array_unref);

  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"w\",\"user_ids\":[\"%s\",\"%s\"]}",
               f->alice_id, f->carol_id);
  got = take_until (carol, "ack", "w");
  g_assert_cmpuint (got->len, ==, 1);
  assert_ack (got->pdata[0], "w");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Alice connects: her teacher hears it, Carol does not. */
  alice = pt_ws_connect (f->server, f->alice);
  {
    g_autoptr(JsonNode) online = pt_ws_wait_for (teacher, "presence", "user_id", f->alice_id, WAIT);

    assert_presence (online, f->alice_id, "online");
  }
  set_status (alice, "available");
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Watching her again while she is online: still nothing. */
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"w2\",\"user_ids\":[\"%s\"]}", f->alice_id);
  got = take_until (carol, "ack", "w2");
  g_assert_cmpuint (got->len, ==, 1);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* The teacher may watch Alice, a contact: her status now, then the
   * changes, each once. */
  got = take_all (teacher);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], f->alice_id, "available");
  g_clear_pointer (&got, g_ptr_array_unref);
  pt_ws_sendf (teacher, "{\"type\":\"presence.watch\",\"id\":\"wt\",\"user_ids\":[\"%s\"]}", f->alice_id);
  got = take_until (teacher, "ack", "wt");
  g_assert_cmpuint (got->len, ==, 2);
  assert_presence (got->pdata[0], f->alice_id, "available");
  g_clear_pointer (&got, g_ptr_array_unref);
  set_status (alice, "away");
  got = take_all (teacher);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], f->alice_id, "away");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Alice watches her teacher, whose presence she already sees: still
   * once per change. */
  got = take_all (alice);
  g_clear_pointer (&got, g_ptr_array_unref);
  pt_ws_sendf (alice, "{\"type\":\"presence.watch\",\"id\":\"wa\",\"user_ids\":[\"%s\"]}", f->teacher_id);
  got = take_until (alice, "ack", "wa");
  g_assert_cmpuint (got->len, ==, 2);
  assert_presence (got->pdata[0], f->teacher_id, "online");
  g_clear_pointer (&got, g_ptr_array_unref);
  set_status (teacher, "in_call");
  got = take_all (alice);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], f->teacher_id, "in_call");
  g_clear_pointer (&got, g_ptr_array_unref);
  got = take_all (teacher);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], f->teacher_id, "in_call");
  g_clear_pointer (&got, g_ptr_array_unref);
  g_clear_pointer (&alice, pt_ws_free);
  {
    g_autoptr(JsonNode) offline = pt_ws_wait_for (teacher, "presence", "user_id", f->alice_id, WAIT);

    assert_presence (offline, f->alice_id, "offline");
  }
  got = take_all (teacher);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 0);
}

/* At most 500 ids per connection, well-formed ones: anything else is an
 * error and changes nothing */
static void
test_presence_watch_limits (Fixture       *f,
                            gconstpointer  data)
{
  g_autofree char *teacher2_id = NULL;
  g_autofree char *teacher2 = pt_register (f->server, "teacher2@example.org", "teacher", &teacher2_id);
  g_autoptr(PtWs) carol = pt_ws_connect (f->server, f->carol);
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(PtWs) teacher2_ws = pt_ws_connect (f->server, teacher2);
  g_autoptr(GPtrArray) got = NULL;
  g_autoptr(GString) ids = g_string_new (NULL);
  g_autofree char *long_id = g_strnfill (65, 'a');
  g_autofree char *longest_id = g_strnfill (64, 'a');
  static const struct { const char *user_ids; const char *field; } cases[] = {
    { NULL, "user_ids" },
    { "null", "user_ids" },
    { "\"T\"", "user_ids" },
    { "{\"id\":\"T\"}", "user_ids" },
    { "[\"T\", 5]", "user_ids[1]" },
    { "[\"T\", \"\"]", "user_ids[1]" },
    { "[\"T\", null]", "user_ids[1]" },
    { "[[\"T\"]]", "user_ids[0]" },
    { "[\"T\", {}]", "user_ids[1]" },
  };

  got = take_all (carol);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Malformed (T: the teacher, who is online): an error, nothing before
   * it, nothing watched. */
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *id = g_strdup_printf ("bad-%u", i);
      JsonNode *error;

      if (cases[i].user_ids != NULL)
        {
          g_autoptr(GString) user_ids = g_string_new (cases[i].user_ids);

          g_string_replace (user_ids, "T", f->teacher_id, 0);
          pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"%s\",\"user_ids\":%s}",
                       id, user_ids->str);
        }
      else
        pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"%s\"}", id);

      got = take_until (carol, "error", id);
      g_assert_cmpuint (got->len, ==, 1);
      error = got->pdata[0];
      g_assert_cmpstr (pt_node_str (error, "code"), ==, "invalid_input");
      g_assert_cmpstr (pt_node_str (error, "field"), ==, cases[i].field);
      g_clear_pointer (&got, g_ptr_array_unref);
    }
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"long\",\"user_ids\":[\"%s\",\"%s\"]}",
               f->teacher_id, long_id);
  got = take_until (carol, "error", "long");
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (pt_node_str (got->pdata[0], "field"), ==, "user_ids[1]");
  g_clear_pointer (&got, g_ptr_array_unref);

  set_status (teacher, "away");
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 0);
  g_clear_pointer (&got, g_ptr_array_unref);

  /* 501 ids in one message. */
  g_string_append_printf (ids, "\"%s\"", f->teacher_id);
  for (guint i = 1; i < 501; i++)
    g_string_append_printf (ids, ",\"x-%u\"", i);
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"big\",\"user_ids\":[%s]}", ids->str);
  got = take_until (carol, "error", "big");
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (pt_node_str (got->pdata[0], "code"), ==, "invalid_input");
  g_assert_cmpstr (pt_node_str (got->pdata[0], "field"), ==, "user_ids");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* 500 in all: the second teacher (online), the longest id there may
   * be, and 498 others, some of them twice. */
  g_string_truncate (ids, 0);
  g_string_append_printf (ids, "\"%s\",\"%s\"", teacher2_id, longest_id);
  for (guint i = 0; i < 498; i++)
    g_string_append_printf (ids, ",\"y-%u\"", i);
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"full\",\"user_ids\":[%s]}", ids->str);
  got = take_until (carol, "ack", "full");
  g_assert_cmpuint (got->len, ==, 2);
  assert_presence (got->pdata[0], teacher2_id, "online");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Ids already watched do not count again... */
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"again\",\"user_ids\":[\"y-7\",\"%s\"]}", teacher2_id);
  got = take_until (carol, "ack", "again");
  g_assert_cmpuint (got->len, ==, 2);
  assert_presence (got->pdata[0], teacher2_id, "online");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* ...a 501st does: nothing of that message is watched. */
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"over\",\"user_ids\":[\"%s\",\"y-1\"]}", f->teacher_id);
  got = take_until (carol, "error", "over");
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (pt_node_str (got->pdata[0], "code"), ==, "invalid_input");
  g_assert_cmpstr (pt_node_str (got->pdata[0], "field"), ==, "user_ids");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* A malformed or oversized unwatch changes nothing either. */
  pt_ws_sendf (carol, "{\"type\":\"presence.unwatch\",\"id\":\"ubad\",\"user_ids\":[\"%s\",7]}", teacher2_id);
  got = take_until (carol, "error", "ubad");
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (pt_node_str (got->pdata[0], "field"), ==, "user_ids[1]");
  g_clear_pointer (&got, g_ptr_array_unref);
  g_string_truncate (ids, 0);
  g_string_append_printf (ids, "\"%s\"", teacher2_id);
  for (guint i = 1; i < 501; i++)
    g_string_append_printf (ids, ",\"y-%u\"", i);
  pt_ws_sendf (carol, "{\"type\":\"presence.unwatch\",\"id\":\"ubig\",\"user_ids\":[%s]}", ids->str);
  got = take_until (carol, "error", "ubig");
  g_assert_cmpuint (got->len, ==, 1);
  g_assert_cmpstr (pt_node_str (got->pdata[0], "field"), ==, "user_ids");
  g_clear_pointer (&got, g_ptr_array_unref);

  set_status (teacher, "available");
  set_status (teacher2_ws, "in_call");
  got = take_all (carol);
  g_assert_cmpuint (got->len, ==, 1);
  assert_presence (got->pdata[0], teacher2_id, "in_call");
  g_clear_pointer (&got, g_ptr_array_unref);

  /* Unwatching one id makes room for another. */
  pt_ws_sendf (carol, "{\"type\":\"presence.unwatch\",\"id\":\"u\",\"user_ids\":[\"y-1\",\"not-watched\"]}");
  got = take_until (carol, "ack", "u");
  g_clear_pointer (&got, g_ptr_array_unref);
  pt_ws_sendf (carol, "{\"type\":\"presence.watch\",\"id\":\"last\",\"user_ids\":[\"%s\"]}", f->teacher_id);
  got = take_until (carol, "ack", "last");
  g_assert_cmpuint (got->len, ==, 2);
  assert_presence (got->pdata[0], f->teacher_id, "available");
}

static const char availability[] =
  "{\"time_zone\":\"Europe/Madrid\","
  " \"weekly\":[{\"weekday\":3,\"start\":\"09:00\",\"end\":\"17:00\"}],"
  " \"rules\":{\"lead_time_minutes\":60,\"granularity_minutes\":30,\"horizon_days\":60}}";

/* Session events for changes made by others over REST */

static void
test_session_events (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) carol = pt_ws_connect (f->server, f->carol);
  g_autofree char *book = g_strdup_printf ("/api/v1/sessions/%s/book", f->session_id);
  g_autofree char *lesson_path = NULL;
  g_autofree char *messages_path = NULL;
  g_autofree char *booking_room = NULL;
  g_autoptr(PtResponse) booked = NULL;
  g_autoptr(PtResponse) unbooked = NULL;
  g_autoptr(PtResponse) hours = NULL;
  g_autoptr(PtResponse) offering = NULL;
  g_autoptr(PtResponse) lesson = NULL;
  g_autoptr(PtResponse) accepted = NULL;
  g_autoptr(PtResponse) lesson_history = NULL;
  g_autoptr(PtResponse) outsider_history = NULL;
  g_autoptr(JsonNode) created = NULL, mine = NULL, seats = NULL, seats_carol = NULL;
  g_autoptr(JsonNode) cancelled = NULL, seats_back = NULL, request = NULL, answer = NULL, members = NULL;

  /* Carol takes a seat: the host hears of the booking, everyone of the
   * seats left. */
  booked = pt_request (f->server, "POST", book, f->carol, NULL, NULL);
  pt_assert_status (booked, 201);
  created = pt_ws_wait (teacher, "booking.created", WAIT);
  g_assert_cmpstr (pt_node_str (created, "booking.id"), ==, pt_str (booked, "id"));
  g_assert_cmpstr (pt_node_str (created, "booking.learner_id"), ==, f->carol_id);
  mine = pt_ws_wait (carol, "booking.created", WAIT);
  seats = pt_ws_wait_for (alice, "session.seats", "session_id", f->session_id, WAIT);
  g_assert_cmpint (pt_node_int (seats, "seats_left"), ==, 2);
  g_assert_cmpint (pt_node_int (seats, "capacity"), ==, 5);
  seats_carol = pt_ws_wait_for (carol, "session.seats", "session_id", f->session_id, WAIT);
  g_assert_cmpuint (pt_ws_count (alice, "booking.created"), ==, 0);

  unbooked = pt_request (f->server, "DELETE", book, f->carol, NULL, NULL);
  pt_assert_status (unbooked, 200);
  cancelled = pt_ws_wait (teacher, "booking.cancelled", WAIT);
  g_assert_cmpstr (pt_node_str (cancelled, "booking.learner_id"), ==, f->carol_id);
  g_assert_cmpstr (pt_node_str (cancelled, "booking.status"), ==, "cancelled");
  seats_back = pt_ws_wait_for (alice, "session.seats", "session_id", f->session_id, WAIT);
  g_assert_cmpint (pt_node_int (seats_back, "seats_left"), ==, 3);

  /* A request to the teacher, accepted: the learner hears the answer. */
  hours = pt_request (f->server, "PUT", "/api/v1/me/availability", f->teacher, availability, NULL);
  pt_assert_status (hours, 200);
  offering = pt_request (f->server, "POST", "/api/v1/offerings", f->teacher,
                         "{\"title\":\"Exam coaching\",\"topic_type\":\"fixed\",\"session_type\":\"individual\","
                         "\"duration_minutes\":60,\"price_minor\":3000,\"currency\":\"EUR\",\"requires_approval\":true}",
                         NULL);
  pt_assert_status (offering, 201);
  lesson_path = g_strdup_printf ("/api/v1/offerings/%s/book", pt_str (offering, "id"));
  lesson = pt_request (f->server, "POST", lesson_path, f->carol, "{\"start\":\"2026-11-25T08:00:00Z\"}", NULL);
  pt_assert_status (lesson, 201);
  request = pt_ws_wait_for (teacher, "booking.created", "booking.id", pt_str (lesson, "id"), WAIT);
  g_assert_cmpstr (pt_node_str (request, "booking.status"), ==, "pending");

  {
    g_autofree char *accept = g_strdup_printf ("/api/v1/bookings/%s/accept", pt_str (lesson, "id"));
    accepted = pt_request (f->server, "POST", accept, f->teacher, NULL, NULL);
    pt_assert_status (accepted, 200);
  }
  answer = pt_ws_wait (carol, "booking.accepted", WAIT);
  g_assert_cmpstr (pt_node_str (answer, "booking.status"), ==, "confirmed");

  /* The learner moves it: the teacher hears. */
  {
    g_autofree char *move = g_strdup_printf ("/api/v1/bookings/%s/reschedule", pt_str (lesson, "id"));
    g_autoptr(PtResponse) moved = pt_request (f->server, "POST", move, f->carol,
                                              "{\"start\":\"2026-11-25T10:00:00Z\"}", NULL);
    g_autoptr(JsonNode) rescheduled = NULL;

    pt_assert_status (moved, 200);
    rescheduled = pt_ws_wait (teacher, "booking.rescheduled", WAIT);
    g_assert_cmpstr (pt_node_str (rescheduled, "booking.start"), ==, "2026-11-25T10:00:00Z");
  }

  /* The lesson has its own room for its learner and teacher. */
  booking_room = g_strconcat ("booking:", pt_str (lesson, "id"), NULL);
  members = join (carol, booking_room);
  say (carol, booking_room, "l-1", "See you Wednesday");
  messages_path = g_strdup_printf ("/api/v1/bookings/%s/messages", pt_str (lesson, "id"));
  lesson_history = pt_request (f->server, "GET", messages_path, f->teacher, NULL, NULL);
  pt_assert_status (lesson_history, 200);
  g_assert_cmpstr (pt_str (lesson_history, "items[0].message.text"), ==, "See you Wednesday");
  outsider_history = pt_request (f->server, "GET", messages_path, f->alice, NULL, NULL);
  pt_assert_error (outsider_history, 404, "not_found");
}

/* The host moves, resizes and cancels the session; a change that fails
 * pushes nothing */

static void
test_host_changes (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) carol = pt_ws_connect (f->server, f->carol);
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s", f->session_id);
  g_autofree char *new_start = pt_instant (f->start + DAY);
  g_autofree char *move = pt_json ("{\"start\":\"%s\"}", new_start);
  g_autoptr(PtResponse) moved = NULL, failed = NULL, resized = NULL, cancelled = NULL;
  g_autoptr(JsonNode) members = join (alice, f->room);
  g_autoptr(JsonNode) rescheduled = NULL, host_copy = NULL, seats = NULL, gone = NULL, seat = NULL, left = NULL;
  g_autoptr(JsonNode) closing_seats = NULL, refused = NULL;

  moved = pt_request (f->server, "PUT", path, f->teacher, move, NULL);
  pt_assert_status (moved, 200);
  rescheduled = pt_ws_wait (alice, "session.rescheduled", WAIT);
  g_assert_cmpstr (pt_node_str (rescheduled, "session_id"), ==, f->session_id);
  g_assert_cmpstr (pt_node_str (rescheduled, "start"), ==, new_start);
  host_copy = pt_ws_wait (teacher, "session.rescheduled", WAIT);

  /* Rolled back: nothing is pushed. The next seats count Carol hears is
   * the one of the change that worked. */
  failed = pt_request (f->server, "PUT", path, f->teacher, "{\"capacity\":1}", NULL);
  pt_assert_error (failed, 409, "invalid_state");
  resized = pt_request (f->server, "PUT", path, f->teacher, "{\"capacity\":7}", NULL);
  pt_assert_status (resized, 200);
  seats = pt_ws_wait (carol, "session.seats", WAIT);
  g_assert_cmpint (pt_node_int (seats, "capacity"), ==, 7);
  g_assert_cmpint (pt_node_int (seats, "seats_left"), ==, 5);
  /* Carol holds no seat: the move was none of her business. */
  g_assert_cmpuint (pt_ws_count (carol, "session.rescheduled"), ==, 0);

  cancelled = pt_request (f->server, "PUT", path, f->teacher, "{\"status\":\"cancelled\"}", NULL);
  pt_assert_status (cancelled, 200);
  gone = pt_ws_wait (alice, "session.cancelled", WAIT);
  g_assert_cmpstr (pt_node_str (gone, "session_id"), ==, f->session_id);
  seat = pt_ws_wait (alice, "booking.cancelled", WAIT);
  g_assert_cmpstr (pt_node_str (seat, "booking.learner_id"), ==, f->alice_id);
  closing_seats = pt_ws_wait (carol, "session.seats", WAIT);
  g_assert_cmpstr (pt_node_str (closing_seats, "status"), ==, "cancelled");

  /* Her seat is gone: so is she from the room. */
  left = pt_ws_wait_for (alice, "room.left", "member.user_id", f->alice_id, WAIT);
  pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"late\",\"room\":\"%s\",\"text\":\"Hello?\"}", f->room);
  refused = expect_error (alice, "late", "forbidden");
}

/* session.starting, .started, .ended from the server clock, once each */

static void
test_session_starting (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) carol = pt_ws_connect (f->server, f->carol);
  g_autoptr(JsonNode) starting = NULL, host_starting = NULL, started = NULL, ended = NULL;

  pt_server_set_now (f->server, f->start - 9 * 60);
  starting = pt_ws_wait (alice, "session.starting", WAIT);
  g_assert_cmpstr (pt_node_str (starting, "session_id"), ==, f->session_id);
  g_assert_cmpstr (pt_node_str (starting, "room"), ==, f->room);
  g_assert_cmpstr (pt_node_str (starting, "title"), ==, "Conversation");
  host_starting = pt_ws_wait (teacher, "session.starting", WAIT);

  pt_server_set_now (f->server, f->start + 60);
  started = pt_ws_wait (alice, "session.started", WAIT);
  pt_server_set_now (f->server, f->start + HOUR + 60);
  ended = pt_ws_wait (alice, "session.ended", WAIT);
  g_assert_cmpstr (pt_node_str (ended, "session_id"), ==, f->session_id);

  /* A few more scans announce nothing again, and Carol has no seat. */
  pt_ws_spin (2500);
  g_assert_cmpuint (pt_ws_count (alice, "session.starting") + pt_ws_count (alice, "session.started") +
                    pt_ws_count (alice, "session.ended"), ==, 0);
  g_assert_cmpuint (pt_ws_count (carol, "session.starting") + pt_ws_count (carol, "session.started") +
                    pt_ws_count (carol, "session.ended"), ==, 0);
}

/* Signing out, and a token's expiry, close open sockets with 1008 */

static void
test_token_end (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtResponse) login = pt_request (f->server, "POST", "/api/v1/auth/login", NULL,
                                            "{\"email\":\"alice@example.org\",\"password\":\"correct horse battery\"}",
                                            NULL);
  g_autoptr(PtWs) first = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) second = NULL;
  g_autoptr(PtResponse) logout = NULL;
  g_autoptr(JsonNode) members = NULL;
  gint64 signed_out;

  pt_assert_status (login, 200);
  second = pt_ws_connect (f->server, pt_str (login, "token"));

  logout = pt_request (f->server, "POST", "/api/v1/auth/logout", f->alice, NULL, NULL);
  pt_assert_status (logout, 204);
  signed_out = g_get_monotonic_time ();
  g_assert_cmpuint (pt_ws_wait_closed (first, 3000), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  g_assert_cmpint (g_get_monotonic_time () - signed_out, <, 3 * G_USEC_PER_SEC);

  /* The other device's token still works. */
  members = join (second, f->room);

  /* Until it expires (90 days after sign-in): checked every second. */
  pt_server_set_now (f->server, T0 + 91 * DAY);
  g_assert_cmpuint (pt_ws_wait_closed (second, 4000), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
}

/* Limits: message size, rate, connections */

static void
test_oversize (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) again = NULL;
  g_autoptr(JsonNode) error = NULL;
  g_autoptr(JsonNode) members = NULL;
  g_autofree char *long_text = g_strnfill (60 * 1024, 'a');
  g_autofree char *huge_text = g_strnfill (70 * 1024, 'a');
  g_autofree char *long_message = NULL;
  g_autofree char *huge_message = NULL;

  members = join (alice, f->room);

  /* Under the frame limit but over the text limit: an error, and the
   * connection stays. */
  long_message = pt_json ("{\"type\":\"chat.send\",\"id\":\"long\",\"room\":\"%s\",\"text\":\"%s\"}",
                          f->room, long_text);
  pt_ws_send (alice, long_message);
  error = expect_error (alice, "long", "invalid_input");
  g_assert_cmpstr (pt_node_str (error, "field"), ==, "text");

  /* Over 64 KiB: closed with 1009. */
  huge_message = pt_json ("{\"type\":\"chat.send\",\"id\":\"huge\",\"room\":\"%s\",\"text\":\"%s\"}",
                          f->room, huge_text);
  pt_ws_send (alice, huge_message);
  g_assert_cmpuint (pt_ws_wait_closed (alice, WAIT), ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);

  again = pt_ws_connect (f->server, f->alice);
  {
    g_autoptr(PtResponse) stored = history (f, f->alice, NULL);
    g_assert_cmpint (pt_int (stored, "last_seq"), ==, 0);
  }
}

static void
test_rate_limit (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) flooder = NULL;
  g_autoptr(JsonNode) members = NULL;
  g_autoptr(PtResponse) stored = NULL;
  guint acks = 0, limited = 0;

  members = join (alice, f->room);

  for (guint i = 0; i < 100; i++)
    pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"r-%u\",\"room\":\"%s\",\"text\":\"Burst %u\"}",
                 i, f->room, i);

  while (acks + limited < 100)
    {
      g_autoptr(JsonNode) reply = pt_ws_wait (alice, NULL, 10000);
      const char *type = pt_node_str (reply, "type");

      if (g_str_equal (type, "ack"))
        acks++;
      else if (g_str_equal (type, "error"))
        {
          g_assert_cmpstr (pt_node_str (reply, "code"), ==, "rate_limited");
          limited++;
        }
      /* else her own chat.message, or presence */
    }

  /* The bucket holds 40 (the join took one) and refills 20 a second. */
  g_test_message ("%u accepted, %u rate-limited", acks, limited);
  g_assert_cmpuint (acks, >=, 39);
  g_assert_cmpuint (limited, >=, 30);

  /* Exactly the accepted ones were stored. */
  stored = history (f, f->teacher, "?limit=100");
  pt_assert_status (stored, 200);
  g_assert_cmpuint (json_array_get_length (json_node_get_array (pt_json_get (stored->json, "items"))), ==, acks);

  /* Flooding on regardless closes the connection. */
  flooder = pt_ws_connect (f->server, f->bob);
  for (guint i = 0; i < 400; i++)
    pt_ws_send (flooder, "{\"type\":\"presence.set\",\"status\":\"online\"}");
  g_assert_cmpuint (pt_ws_wait_closed (flooder, WAIT), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
}

static void
test_connection_limit (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(PtWs) a = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) b = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) c = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) d = NULL;
  g_autoptr(PtWs) e = NULL;
  guint status = 0;

  d = pt_ws_try_connect (f->server, f->alice, NULL, NULL, &status);
  g_assert_nonnull (d);
  g_assert_cmpuint (pt_ws_wait_closed (d, WAIT), ==, SOUP_WEBSOCKET_CLOSE_POLICY_VIOLATION);
  g_assert_cmpstr (d->close_data, ==, "Too many connections");
  g_assert_cmpuint (pt_ws_count (d, "welcome"), ==, 0);

  /* Others are not affected, and a closed one frees its place. */
  g_clear_pointer (&a, pt_ws_free);
  e = pt_ws_connect (f->server, f->alice);
  g_assert_false (e->closed);
}

/* Raw frames, for what a well-behaved client library never sends */

typedef struct
{
  GSocketClient     *client;
  GSocketConnection *conn;
  GSocket           *socket;
  GByteArray        *in;
} Raw;

static void
raw_free (Raw *raw)
{
  g_clear_object (&raw->conn);
  g_clear_object (&raw->client);
  g_byte_array_unref (raw->in);
  g_free (raw);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Raw, raw_free)

/* @extra: (nullable): bytes sent in the same write as the handshake */
static Raw *
raw_connect_with (Fixture    *f,
                  const char *token,
                  GBytes     *extra)
{
  Raw *raw = g_new0 (Raw, 1);
  g_autoptr(GError) error = NULL;
  g_autofree char *request = NULL;
  g_autoptr(GString) head = g_string_new (NULL);
  guint port = parla_server_get_port (f->server->server);

  raw->client = g_socket_client_new ();
  raw->conn = g_socket_client_connect_to_host (raw->client, "127.0.0.1", port, NULL, &error);
  g_assert_no_error (error);
  raw->socket = g_socket_connection_get_socket (raw->conn);
  raw->in = g_byte_array_new ();

  request = g_strdup_printf ("GET /api/v1/ws HTTP/1.1\r\nHost: 127.0.0.1:%u\r\nUpgrade: websocket\r\n"
                             "Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
                             "Sec-WebSocket-Version: 13\r\nAuthorization: Bearer %s\r\n\r\n", port, token);
  if (extra != NULL)
    {
      g_autoptr(GByteArray) all = g_byte_array_new ();

      g_byte_array_append (all, (const guint8 *) request, strlen (request));
      g_byte_array_append (all, g_bytes_get_data (extra, NULL), g_bytes_get_size (extra));
      g_assert_cmpint (g_socket_send (raw->socket, (const char *) all->data, all->len, NULL, &error),
                       ==, (gssize) all->len);
    }
  else
    g_socket_send (raw->socket, request, strlen (request), NULL, &error);
  g_assert_no_error (error);

  while (!g_str_has_suffix (head->str, "\r\n\r\n"))
    {
      char c;
      gssize n = g_socket_receive (raw->socket, &c, 1, NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, ==, 1);
      g_string_append_c (head, c);
    }
  g_assert_true (g_str_has_prefix (head->str, "HTTP/1.1 101"));

  return raw;
}

static Raw *
raw_connect (Fixture    *f,
             const char *token)
{
  return raw_connect_with (f, token, NULL);
}

/* A client frame: masked, with the all-zero key so the payload reads as
 * it is. */
static GBytes *
client_frame (gboolean     fin,
              guint8       opcode,
              const void  *payload,
              gsize        length)
{
  GByteArray *frame = g_byte_array_sized_new (length + 14);
  guint8 header[14];
  gsize n;

  header[0] = (fin ? 0x80 : 0) | opcode;
  if (length < 126)
    {
      header[1] = 0x80 | length;
      n = 2;
    }
  else if (length <= G_MAXUINT16)
    {
      header[1] = 0x80 | 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      n = 4;
    }
  else
    {
      header[1] = 0x80 | 127;
      for (guint i = 0; i < 8; i++)
        header[2 + i] = ((guint64) length >> (56 - 8 * i)) & 0xff;
      n = 10;
    }
  memset (header + n, 0, 4);
  g_byte_array_append (frame, header, n + 4);
  g_byte_array_append (frame, payload, length);

  return g_byte_array_free_to_bytes (frame);
}

/* Parses one server frame from raw->in; FALSE when incomplete. */
static gboolean
take_frame (Raw         *raw,
            guint8      *opcode,
            GByteArray **payload)
{
  const guint8 *h = raw->in->data;
  guint64 length;
  gsize at;

  if (raw->in->len < 2)
    return FALSE;

  length = h[1] & 0x7f;
  at = 2;
  if (length == 126)
    {
      if (raw->in->len < 4)
        return FALSE;
      length = ((guint64) h[2] << 8) | h[3];
      at = 4;
    }
  else if (length == 127)
    {
      if (raw->in->len < 10)
        return FALSE;
      length = 0;
      for (guint i = 0; i < 8; i++)
        length = (length << 8) | h[2 + i];
      at = 10;
    }
  if (raw->in->len < at + length)
    return FALSE;

  *opcode = h[0] & 0x0f;
  *payload = g_byte_array_new ();
  g_byte_array_append (*payload, h + at, length);
  g_byte_array_remove_range (raw->in, 0, at + length);

  return TRUE;
}

/* Reads what arrived without blocking; FALSE once the server closed the
 * connection. */
static gboolean
raw_pump (Raw *raw)
{
  guint8 buffer[16384];

  for (;;)
    {
      g_autoptr(GError) error = NULL;
      gssize n = g_socket_receive_with_blocking (raw->socket, (char *) buffer, sizeof buffer, FALSE, NULL, &error);

      if (n > 0)
        g_byte_array_append (raw->in, buffer, n);
      else if (n == 0)
        return FALSE;
      else
        return g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
    }
}

/* Waits for the next server frame other than a ping. */
static GByteArray *
raw_next (Raw    *raw,
          guint8 *opcode,
          guint   timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;
  GByteArray *payload;

  for (;;)
    {
      while (take_frame (raw, opcode, &payload))
        {
          if (*opcode != 0x9)
            return payload;
          g_byte_array_unref (payload);
        }

      if (g_get_monotonic_time () > deadline)
        g_error ("No frame from the server within %u ms", timeout_ms);
      /* The libsoup clients of the test keep running meanwhile. */
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_socket_condition_timed_wait (raw->socket, G_IO_IN, 10 * 1000, NULL, NULL);
      if (!raw_pump (raw) && raw->in->len == 0)
        g_error ("The server closed the connection without a close frame");
    }
}

static char *
raw_next_text (Raw *raw)
{
  guint8 opcode = 0;
  g_autoptr(GByteArray) payload = raw_next (raw, &opcode, WAIT);

  g_assert_cmpuint (opcode, ==, 0x1);
  return g_strndup ((const char *) payload->data, payload->len);
}

static gint64
vm_rss_kib (void)
{
  g_autofree char *status = NULL;
  const char *line;

  g_assert_true (g_file_get_contents ("/proc/self/status", &status, NULL, NULL));
  line = strstr (status, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoll (line + strlen ("VmRSS:"), NULL, 10);
}

/* A message sent in fragments within the limit arrives whole. */
static void
test_fragments (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f, f->alice);
  g_autofree char *welcome = raw_next_text (raw);
  g_autofree char *join_text = pt_json ("{\"type\":\"join\",\"id\":\"j\",\"room\":\"%s\"}", f->room);
  g_autofree char *send_text = pt_json ("{\"type\":\"chat.send\",\"id\":\"frag\",\"room\":\"%s\",\"text\":\"In three parts\"}",
                                        f->room);
  gsize third = strlen (send_text) / 3;
  g_autoptr(GBytes) join_frame = client_frame (TRUE, 0x1, join_text, strlen (join_text));
  g_autoptr(GBytes) part1 = client_frame (FALSE, 0x1, send_text, third);
  g_autoptr(GBytes) part2 = client_frame (FALSE, 0x0, send_text + third, third);
  g_autoptr(GBytes) part3 = client_frame (TRUE, 0x0, send_text + 2 * third, strlen (send_text) - 2 * third);
  g_autoptr(GBytes) ping = client_frame (TRUE, 0x9, "hi", 2);
  g_autoptr(PtResponse) stored = NULL;
  GBytes *frames[] = { part1, ping, part2, part3 };
  gboolean acked = FALSE;

  g_assert_nonnull (strstr (welcome, "\"welcome\""));

  /* Writing is allowed once the join is acknowledged. */
  g_socket_send (raw->socket, g_bytes_get_data (join_frame, NULL), g_bytes_get_size (join_frame), NULL, NULL);
  while (!acked)
    {
      g_autofree char *text = raw_next_text (raw);

      acked = strstr (text, "\"ack\"") != NULL && strstr (text, "\"j\"") != NULL;
    }
  acked = FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (frames); i++)
    g_assert_cmpint (g_socket_send (raw->socket, g_bytes_get_data (frames[i], NULL), g_bytes_get_size (frames[i]),
                                    NULL, NULL), ==, (gssize) g_bytes_get_size (frames[i]));

  /* A control frame in the middle of a fragmented message is answered. */
  while (!acked)
    {
      guint8 opcode = 0;
      g_autoptr(GByteArray) payload = raw_next (raw, &opcode, WAIT);
      g_autofree char *text = g_strndup ((const char *) payload->data, payload->len);

      if (opcode == 0x1 && strstr (text, "\"ack\"") != NULL && strstr (text, "\"frag\"") != NULL)
        acked = TRUE;
    }

  stored = history (f, f->alice, NULL);
  g_assert_cmpstr (pt_str (stored, "items[0].message.text"), ==, "In three parts");
}

/* Endless continuation fragments: libsoup 3.2 alone would append them to
 * one message forever. The server stops at 64 KiB, closes with 1009, and
 * its memory does not follow what the client sends. */
static void
test_fragment_flood (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f, f->alice);
  g_autofree char *welcome = raw_next_text (raw);
  g_autofree guint8 *chunk = g_malloc (16 * 1024);
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GBytes) more = NULL;
  g_autoptr(GError) error = NULL;
  const gsize total = 48 * 1024 * 1024;
  gsize sent = 0;
  gint64 rss_before, rss_after;
  int close_code = -1;
  gsize sent_at_close = 0;

  g_assert_nonnull (strstr (welcome, "\"welcome\""));
  memset (chunk, 'a', 16 * 1024);
  first = client_frame (FALSE, 0x1, chunk, 16 * 1024);
  more = client_frame (FALSE, 0x0, chunk, 16 * 1024);

  rss_before = vm_rss_kib ();
  g_socket_set_blocking (raw->socket, FALSE);

  while (sent < total)
    {
      GBytes *frame = sent == 0 ? first : more;
      gsize length = g_bytes_get_size (frame);
      gsize done = 0;
      gboolean broken = FALSE;

      while (done < length)
        {
          gssize n;

          g_clear_error (&error);
          n = g_socket_send (raw->socket, (const char *) g_bytes_get_data (frame, NULL) + done, length - done,
                             NULL, &error);
          if (n > 0)
            done += n;
          else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            g_socket_condition_timed_wait (raw->socket, G_IO_OUT, 100 * 1000, NULL, NULL);
          else
            {
              /* The server gave up on us (its close handshake timed out). */
              broken = TRUE;
              break;
            }
        }
      if (broken)
        break;
      sent += length;

      /* Whatever the server says meanwhile. */
      raw_pump (raw);
      if (close_code < 0)
        {
          guint8 opcode;
          GByteArray *payload;

          while (close_code < 0 && take_frame (raw, &opcode, &payload))
            {
              if (opcode == 0x8)
                {
                  g_assert_cmpuint (payload->len, >=, 2);
                  close_code = (payload->data[0] << 8) | payload->data[1];
                  sent_at_close = sent;
                }
              g_byte_array_unref (payload);
            }
        }
    }

  rss_after = vm_rss_kib ();
  g_test_message ("sent %" G_GSIZE_FORMAT " KiB, close %d after %" G_GSIZE_FORMAT " KiB, RSS %" G_GINT64_FORMAT
                  " -> %" G_GINT64_FORMAT " KiB", sent / 1024, close_code, sent_at_close / 1024,
                  rss_before, rss_after);

  g_assert_cmpint (close_code, ==, SOUP_WEBSOCKET_CLOSE_TOO_BIG);
  /* Without the bound the server would hold everything sent (and more,
   * as the array doubles); with it, a few MiB of slack for allocator noise. */
  g_assert_cmpuint (sent, >=, 8 * 1024 * 1024);
  g_assert_cmpint (rss_after - rss_before, <, 8 * 1024);

  /* The server is fine. */
  {
    g_autoptr(PtResponse) health = pt_request (f->server, "GET", "/api/v1/health", NULL, NULL, NULL);
    g_autoptr(PtWs) again = pt_ws_connect (f->server, f->alice);

    pt_assert_status (health, 200);
  }
}


/* Waits for the ack of @id, skipping other frames. */
static void
raw_wait_ack (Raw        *raw,
              const char *id)
{
  g_autofree char *quoted = g_strdup_printf ("\"%s\"", id);

  for (;;)
    {
      g_autofree char *text = raw_next_text (raw);

      if (strstr (text, "\"ack\"") != NULL && strstr (text, quoted) != NULL)
        return;
    }
}

/* The server sees the end of the connection: EOF or a reset. */
static gboolean
raw_wait_eof (Raw   *raw,
              guint  timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + timeout_ms * 1000;

  while (g_get_monotonic_time () < deadline)
    {
      guint8 buffer[16384];
      g_autoptr(GError) error = NULL;
      gssize n;

      g_socket_condition_timed_wait (raw->socket, G_IO_IN, 50 * 1000, NULL, NULL);
      n = g_socket_receive_with_blocking (raw->socket, (char *) buffer, sizeof buffer, FALSE, NULL, &error);
      if (n == 0)
        return TRUE;
      if (n < 0 && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        return TRUE;
      if (n > 0)
        g_byte_array_append (raw->in, buffer, n);
    }

  return FALSE;
}

/* A frame that arrives in many tiny TCP segments is put back together. */
static void
test_tiny_writes (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f, f->alice);
  g_autofree char *welcome = raw_next_text (raw);
  g_autofree char *join_text = pt_json ("{\"type\":\"join\",\"id\":\"tiny\",\"room\":\"%s\"}", f->room);
  g_autoptr(GBytes) frame = client_frame (TRUE, 0x1, join_text, strlen (join_text));
  const char *bytes = g_bytes_get_data (frame, NULL);

  g_assert_nonnull (strstr (welcome, "\"welcome\""));
  g_socket_set_option (raw->socket, IPPROTO_TCP, TCP_NODELAY, 1, NULL);

  for (gsize i = 0; i < g_bytes_get_size (frame); i++)
    {
      g_assert_cmpint (g_socket_send (raw->socket, bytes + i, 1, NULL, NULL), ==, 1);
      g_usleep (2000);
    }

  raw_wait_ack (raw, "tiny");
}

/* A frame in the same write as the handshake is not lost: libsoup may
 * have read it with the request, before the hub took the socket. */
static void
test_behind_handshake (Fixture       *f,
                       gconstpointer  data)
{
  g_autofree char *join_text = pt_json ("{\"type\":\"join\",\"id\":\"early\",\"room\":\"%s\"}", f->room);
  g_autoptr(GBytes) frame = client_frame (TRUE, 0x1, join_text, strlen (join_text));
  g_autoptr(Raw) raw = raw_connect_with (f, f->alice, frame);
  g_autofree char *welcome = raw_next_text (raw);

  /* The welcome still comes first. */
  g_assert_nonnull (strstr (welcome, "\"welcome\""));
  raw_wait_ack (raw, "early");
}

/* A ping gets a pong with the same payload. */
static void
test_ping_pong (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(Raw) raw = raw_connect (f, f->alice);
  g_autofree char *welcome = raw_next_text (raw);
  g_autoptr(GBytes) ping = client_frame (TRUE, 0x9, "are you there", 13);
  guint8 opcode = 0;

  g_socket_send (raw->socket, g_bytes_get_data (ping, NULL), g_bytes_get_size (ping), NULL, NULL);
  for (;;)
    {
      g_autoptr(GByteArray) payload = raw_next (raw, &opcode, WAIT);

      if (opcode != 0xa)
        continue;
      g_assert_cmpmem (payload->data, payload->len, "are you there", 13);
      break;
    }
}

/* The close handshake: the client's code is echoed and the socket
 * closed; protocol errors close with 1002, text that is not UTF-8 with
 * 1007. */
static void
expect_close (Raw    *raw,
              GBytes *frame,
              guint   code)
{
  g_autoptr(GByteArray) payload = NULL;
  guint8 opcode = 0;

  g_socket_send (raw->socket, g_bytes_get_data (frame, NULL), g_bytes_get_size (frame), NULL, NULL);
  do
    {
      g_clear_pointer (&payload, g_byte_array_unref);
      payload = raw_next (raw, &opcode, WAIT);
    }
  while (opcode != 0x8);
  g_assert_cmpuint (payload->len, >=, 2);
  g_assert_cmpuint ((payload->data[0] << 8) | payload->data[1], ==, code);
}

static void
test_close_handshake (Fixture       *f,
                      gconstpointer  data)
{
  static const guint8 bye[] = { 0x03, 0xe8, 'b', 'y', 'e' };   /* 1000 */
  static const guint8 going[] = { 0x03, 0xe9 };                 /* 1001 */
  static const char bad_utf8[] = "{\"type\":\"\xff\xfe\"}";
  g_autoptr(PtWs) watcher = pt_ws_connect (f->server, f->teacher);

  {
    g_autoptr(Raw) raw = raw_connect (f, f->alice);
    g_autofree char *welcome = raw_next_text (raw);
    g_autoptr(GBytes) close = client_frame (TRUE, 0x8, bye, sizeof bye);

    expect_close (raw, close, 1000);
    g_assert_true (raw_wait_eof (raw, 5000));
  }
  {
    g_autoptr(Raw) raw = raw_connect (f, f->alice);
    g_autofree char *welcome = raw_next_text (raw);
    g_autoptr(GBytes) close = client_frame (TRUE, 0x8, going, sizeof going);

    expect_close (raw, close, 1001);
    g_assert_true (raw_wait_eof (raw, 5000));
  }
  {
    /* Unmasked, which a client must never send. */
    static const guint8 unmasked[] = { 0x81, 0x02, '{', '}' };
    g_autoptr(Raw) raw = raw_connect (f, f->alice);
    g_autofree char *welcome = raw_next_text (raw);
    g_autoptr(GBytes) frame = g_bytes_new_static (unmasked, sizeof unmasked);

    expect_close (raw, frame, 1002);
    g_assert_true (raw_wait_eof (raw, 5000));
  }
  {
    /* A reserved opcode. */
    g_autoptr(Raw) raw = raw_connect (f, f->alice);
    g_autofree char *welcome = raw_next_text (raw);
    g_autoptr(GBytes) frame = client_frame (TRUE, 0x3, "x", 1);

    expect_close (raw, frame, 1002);
  }
  {
    /* A ping over 125 bytes. */
    g_autofree char *big = g_strnfill (200, 'p');
    g_autoptr(Raw) raw = raw_connect (f, f->alice);
    g_autofree char *welcome = raw_next_text (raw);
    g_autoptr(GBytes) frame = client_frame (TRUE, 0x9, big, 200);

    expect_close (raw, frame, 1002);
  }
  {
    g_autoptr(Raw) raw = raw_connect (f, f->alice);
    g_autofree char *welcome = raw_next_text (raw);
    g_autoptr(GBytes) frame = client_frame (TRUE, 0x1, bad_utf8, strlen (bad_utf8));

    expect_close (raw, frame, 1007);
  }
  {
    /* A continuation with no message begun. */
    g_autoptr(Raw) raw = raw_connect (f, f->alice);
    g_autofree char *welcome = raw_next_text (raw);
    g_autoptr(GBytes) frame = client_frame (TRUE, 0x0, "{}", 2);

    expect_close (raw, frame, 1002);
  }

  /* The server keeps serving. */
  g_assert_false (watcher->closed);
  {
    g_autoptr(JsonNode) members = join (watcher, f->room);
  }
}

/* A client that sends pings and never reads the pongs: what waits for it
 * stays bounded, and it is closed. */
static void
test_slow_reader (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr(Raw) raw = NULL;
  g_autoptr(GBytes) ping = NULL;
  g_autoptr(GByteArray) batch = g_byte_array_new ();
  g_autofree char *payload = g_strnfill (125, 'q');
  g_autoptr(GError) error = NULL;
  gsize sent = 0;
  gsize offset = 0;
  gboolean broken = FALSE;
  gint64 rss_before, rss_after;
  gint64 deadline;

  raw = raw_connect (f, f->alice);
  g_free (raw_next_text (raw));
  /* Our side takes little, so the server's side fills. */
  g_socket_set_option (raw->socket, SOL_SOCKET, SO_RCVBUF, 4096, NULL);

  ping = client_frame (TRUE, 0x9, payload, 125);
  for (guint i = 0; i < 256; i++)
    g_byte_array_append (batch, g_bytes_get_data (ping, NULL), g_bytes_get_size (ping));

  rss_before = vm_rss_kib ();
  g_socket_set_blocking (raw->socket, FALSE);
  deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!broken && g_get_monotonic_time () < deadline)
    {
      gssize n;

      g_clear_error (&error);
      n = g_socket_send (raw->socket, (const char *) batch->data + offset, batch->len - offset, NULL, &error);
      if (n > 0)
        {
          sent += n;
          offset = (offset + n) % batch->len;
        }
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        g_socket_condition_timed_wait (raw->socket, G_IO_OUT, 100 * 1000, NULL, NULL);
      else
        broken = TRUE;
    }
  rss_after = vm_rss_kib ();
  g_test_message ("sent %" G_GSIZE_FORMAT " KiB of pings; RSS %" G_GINT64_FORMAT " -> %" G_GINT64_FORMAT " KiB",
                  sent / 1024, rss_before, rss_after);

  /* The server gave up on us (4 MiB of pongs waiting, then the close
   * timed out), long before we gave up sending. */
  g_assert_true (broken);
  g_assert_cmpint (rss_after - rss_before, <, 16 * 1024);

  {
    g_autoptr(PtResponse) health = pt_request (f->server, "GET", "/api/v1/health", NULL, NULL, NULL);
    g_autoptr(PtWs) again = pt_ws_connect (f->server, f->alice);

    pt_assert_status (health, 200);
  }
}

/* A client that stops answering pings is closed, and goes offline */

static void
short_keepalive (ParlaServerConfig *config,
                 gpointer           user_data)
{
  configure (config, user_data);
  config->ws_ping_interval_seconds = 1;
  config->ws_idle_timeout_seconds = 2;
}

static void
test_keepalive (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(PtWs) alice = NULL;
  g_autoptr(Raw) raw = NULL;
  g_autoptr(JsonNode) online = NULL, offline = NULL;
  g_autofree char *welcome = NULL;
  g_autoptr(GByteArray) payload = NULL;
  guint8 opcode = 0;

  f->server = pt_server_restart (f->server, short_keepalive, NULL);
  alice = pt_ws_connect (f->server, f->alice);
  raw = raw_connect (f, f->teacher);
  welcome = raw_next_text (raw);
  /* Offline as Alice connected, then online. */
  do
    {
      g_clear_pointer (&online, json_node_unref);
      online = pt_ws_wait_for (alice, "presence", "user_id", f->teacher_id, WAIT);
    }
  while (g_strcmp0 (pt_node_str (online, "status"), "online") != 0);

  /* The raw client never answers the pings: closed within a few seconds. */
  do
    {
      g_clear_pointer (&payload, g_byte_array_unref);
      payload = raw_next (raw, &opcode, 6000);
    }
  while (opcode != 0x8);
  g_assert_cmpuint ((payload->data[0] << 8) | payload->data[1], ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);

  offline = pt_ws_wait_for (alice, "presence", "user_id", f->teacher_id, WAIT);
  g_assert_cmpstr (pt_node_str (offline, "status"), ==, "offline");

  /* libsoup answers the pings: Alice stays. */
  g_assert_false (alice->closed);
  {
    g_autoptr(JsonNode) members = join (alice, f->room);
  }
}

/* Hostile input: each gets its error, nothing changes, the connection
 * stays usable */

static void
test_hostile (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(JsonNode) members = NULL;
  g_autoptr(PtResponse) stored = NULL;
  static const struct { const char *text; const char *id; const char *field; } cases[] = {
    { "{\"type\": \"join\", \"room\": ", NULL, NULL },                         /* malformed */
    { "[1, 2, 3]", NULL, NULL },                                             /* not an object */
    { "\"join\"", NULL, NULL },
    { "{}", NULL, "type" },                                                 /* no type */
    { "{\"type\": 5, \"id\": \"t\"}", "t", "type" },                         /* wrong type */
    { "{\"type\": \"dance\", \"id\": \"u\"}", "u", "type" },                 /* unknown type */
    { "{\"type\": \"join\", \"id\": \"v\"}", "v", "room" },                  /* missing member */
    { "{\"type\": \"join\", \"id\": \"w\", \"room\": 7}", "w", "room" },     /* wrong-typed member */
    { "{\"type\": \"chat.send\", \"room\": \"session:x\", \"text\": \"Hi\"}", NULL, "id" },
    { "{\"type\": \"resume\", \"id\": \"x\", \"room\": \"session:x\", \"after_seq\": -1}", "x", "after_seq" },
    { "{\"type\": \"resume\", \"id\": \"y\", \"room\": \"session:x\", \"after_seq\": 1.5}", "y", "after_seq" },
    { "{\"type\": \"join\", \"id\": [], \"room\": \"session:x\"}", NULL, "id" },
  };
  g_autofree char *empty_text = NULL;
  g_autofree char *long_text = NULL;
  g_autofree char *too_long = g_strnfill (4001, 'b');

  members = join (alice, f->room);

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonNode) error = NULL;

      g_test_message ("%s", cases[i].text);
      pt_ws_send (alice, cases[i].text);
      error = pt_ws_wait (alice, "error", WAIT);
      g_assert_cmpstr (pt_node_str (error, "code"), ==, "invalid_input");
      g_assert_cmpstr (pt_node_str (error, "id"), ==, cases[i].id);
      g_assert_cmpstr (pt_node_str (error, "field"), ==, cases[i].field);
    }

  empty_text = pt_json ("{\"type\":\"chat.send\",\"id\":\"e\",\"room\":\"%s\",\"text\":\"\"}", f->room);
  pt_ws_send (alice, empty_text);
  {
    g_autoptr(JsonNode) error = expect_error (alice, "e", "invalid_input");
    g_assert_cmpstr (pt_node_str (error, "field"), ==, "text");
  }
  long_text = pt_json ("{\"type\":\"chat.send\",\"id\":\"l\",\"room\":\"%s\",\"text\":\"%s\"}", f->room, too_long);
  pt_ws_send (alice, long_text);
  {
    g_autoptr(JsonNode) error = expect_error (alice, "l", "invalid_input");
    g_assert_cmpstr (pt_node_str (error, "field"), ==, "text");
  }

  /* Binary frames are not part of the protocol. */
  soup_websocket_connection_send_binary (alice->conn, "\x01\x02\x03", 3);
  {
    g_autoptr(JsonNode) error = expect_error (alice, NULL, "invalid_input");
  }

  /* Nothing was stored or sent, and the connection still works. */
  g_assert_false (alice->closed);
  g_assert_cmpuint (pt_ws_count (alice, "chat.message"), ==, 0);
  g_assert_cmpint (say (alice, f->room, "fine", "Still here"), ==, 1);
  stored = history (f, f->alice, NULL);
  g_assert_cmpint (pt_int (stored, "last_seq"), ==, 1);
}

/* Stopping the server closes open sockets with 1001 */

static void
test_shutdown (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(PtWs) alice = pt_ws_connect (f->server, f->alice);
  g_autoptr(PtWs) teacher = pt_ws_connect (f->server, f->teacher);
  g_autoptr(JsonNode) members = join (alice, f->room);

  /* Work still on its way when the server stops. */
  pt_ws_sendf (alice, "{\"type\":\"chat.send\",\"id\":\"last\",\"room\":\"%s\",\"text\":\"Bye\"}", f->room);
  pt_ws_sendf (teacher, "{\"type\":\"join\",\"id\":\"late\",\"room\":\"%s\"}", f->room);

  g_clear_pointer (&f->server, pt_server_stop);
  g_assert_cmpuint (pt_ws_wait_closed (alice, WAIT), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
  g_assert_cmpuint (pt_ws_wait_closed (teacher, WAIT), ==, SOUP_WEBSOCKET_CLOSE_GOING_AWAY);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/server/realtime/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("auth", test_auth);
  ADD ("chat", test_chat);
  ADD ("private", test_private);
  ADD ("forbidden", test_forbidden);
  ADD ("duplicate", test_duplicate);
  ADD ("resume", test_resume);
  ADD ("presence", test_presence);
  ADD ("presence-watch", test_presence_watch);
  ADD ("presence-watch-learner", test_presence_watch_learner);
  ADD ("presence-watch-limits", test_presence_watch_limits);
  ADD ("session-events", test_session_events);
  ADD ("host-changes", test_host_changes);
  ADD ("session-starting", test_session_starting);
  ADD ("token-end", test_token_end);
  ADD ("oversize", test_oversize);
  ADD ("rate-limit", test_rate_limit);
  ADD ("connection-limit", test_connection_limit);
  ADD ("fragments", test_fragments);
  ADD ("fragment-flood", test_fragment_flood);
  ADD ("keepalive", test_keepalive);
  ADD ("tiny-writes", test_tiny_writes);
  ADD ("behind-handshake", test_behind_handshake);
  ADD ("ping-pong", test_ping_pong);
  ADD ("close-handshake", test_close_handshake);
  ADD ("slow-reader", test_slow_reader);
  ADD ("hostile", test_hostile);
  ADD ("shutdown", test_shutdown);

  return g_test_run ();
}
