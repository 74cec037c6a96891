/* test-realtime-client.c: ParlaRealtime against the real server: chat,
 * receipts, private messages, presence, watched presence, session events,
 * a revoked token, resume, and a server killed and restarted
 * mid-conversation
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <glib/gstdio.h>

#include "parla-test-server.h"
#include "parla-outbox.h"
#include "parla-realtime.h"

#define T0    1795428000  /* Monday 2026-11-23T10:00:00Z */
#define HOUR  3600
#define DAY   (24 * HOUR)
#define WAIT  20000       /* ms: generous bound for anything pushed */
#define SLOW  120000      /* ms: reconnecting after a server restart */

/* A ParlaRealtime and everything it emitted, in order */

typedef struct
{
  ParlaRealtime *rt;
  GPtrArray     *messages;   /* {"room","seq","message"} */
  GPtrArray     *receipts;   /* {"room","user_id","delivered_seq","read_seq"} */
  GPtrArray     *presence;   /* {"user_id","status"} */
  GPtrArray     *events;     /* the whole message */
  GPtrArray     *members;    /* {"type","room","user_id"} for room.* */
  GPtrArray     *errors;     /* GError */
  guint          booking_created;
} Client;

static JsonNode *
record (const char *first_name,
        ...) G_GNUC_NULL_TERMINATED;

/* name, G_TYPE_STRING or G_TYPE_INT64, value, ..., NULL */
static JsonNode *
record (const char *first_name,
        ...)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  const char *name = first_name;
  va_list args;

  va_start (args, first_name);
  json_builder_begin_object (builder);
  while (name != NULL)
    {
      GType type = va_arg (args, GType);

      json_builder_set_member_name (builder, name);
      if (type == G_TYPE_INT64)
        json_builder_add_int_value (builder, va_arg (args, gint64));
      else if (type == JSON_TYPE_NODE)
        json_builder_add_value (builder, json_node_copy (va_arg (args, JsonNode *)));
      else
        {
          const char *value = va_arg (args, const char *);

          if (value != NULL)
            json_builder_add_string_value (builder, value);
          else
            json_builder_add_null_value (builder);
        }
      name = va_arg (args, const char *);
    }
  json_builder_end_object (builder);
  va_end (args);

  return json_builder_get_root (builder);
}

static void
on_chat_message_cb (ParlaRealtime *rt,
                    const char    *room,
                    gint64         seq,
                    JsonNode      *message,
                    Client        *client)
{
  g_ptr_array_add (client->messages, record ("room", G_TYPE_STRING, room, "seq", G_TYPE_INT64, seq,
                                             "message", JSON_TYPE_NODE, message, NULL));
}

static void
on_receipt_cb (ParlaRealtime *rt,
               const char    *room,
               const char    *user_id,
               gint64         delivered_seq,
               gint64         read_seq,
               Client        *client)
{
  g_ptr_array_add (client->receipts, record ("room", G_TYPE_STRING, room, "user_id", G_TYPE_STRING, user_id,
                                             "delivered_seq", G_TYPE_INT64, delivered_seq,
                                             "read_seq", G_TYPE_INT64, read_seq, NULL));
}

static void
on_presence_cb (ParlaRealtime *rt,
                const char    *user_id,
                const char    *status,
                Client        *client)
{
  g_ptr_array_add (client->presence, record ("user_id", G_TYPE_STRING, user_id,
                                             "status", G_TYPE_STRING, status, NULL));
}

static void
on_event_cb (ParlaRealtime *rt,
             const char    *type,
             JsonNode      *message,
             Client        *client)
{
  g_assert_cmpstr (pt_node_str (message, "type"), ==, type);
  g_ptr_array_add (client->events, json_node_copy (message));
}

static void
on_booking_created_cb (ParlaRealtime *rt,
                       const char    *type,
                       JsonNode      *message,
                       Client        *client)
{
  g_assert_cmpstr (type, ==, "booking.created");
  client->booking_created++;
}

static void
on_room_members_cb (ParlaRealtime *rt,
                    const char    *room,
                    JsonNode      *members,
                    Client        *client)
{
  g_assert_true (JSON_NODE_HOLDS_ARRAY (members));
  g_ptr_array_add (client->members, record ("type", G_TYPE_STRING, "members", "room", G_TYPE_STRING, room,
                                            "user_id", G_TYPE_STRING, NULL, NULL));
}

static void
on_room_joined_cb (ParlaRealtime *rt,
                   const char    *room,
                   const char    *user_id,
                   const char    *display_name,
                   Client        *client)
{
  g_ptr_array_add (client->members, record ("type", G_TYPE_STRING, "joined", "room", G_TYPE_STRING, room,
                                            "user_id", G_TYPE_STRING, user_id, NULL));
}

static void
on_room_left_cb (ParlaRealtime *rt,
                 const char    *room,
                 const char    *user_id,
                 const char    *display_name,
                 Client        *client)
{
  g_ptr_array_add (client->members, record ("type", G_TYPE_STRING, "left", "room", G_TYPE_STRING, room,
                                            "user_id", G_TYPE_STRING, user_id, NULL));
}

static void
on_error_cb (ParlaRealtime *rt,
             const char    *id,
             GError        *error,
             Client        *client)
{
  g_ptr_array_add (client->errors, g_error_copy (error));
}

static Client *
client_new (const char *base_url,
            const char *token)
{
  Client *client = g_new0 (Client, 1);

  client->rt = parla_realtime_new (base_url, token);
  client->messages = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  client->receipts = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  client->presence = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  client->events = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  client->members = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  client->errors = g_ptr_array_new_with_free_func ((GDestroyNotify) g_error_free);

  g_signal_connect (client->rt, "chat-message", G_CALLBACK (on_chat_message_cb), client);
  g_signal_connect (client->rt, "receipt", G_CALLBACK (on_receipt_cb), client);
  g_signal_connect (client->rt, "presence", G_CALLBACK (on_presence_cb), client);
  g_signal_connect (client->rt, "event", G_CALLBACK (on_event_cb), client);
  g_signal_connect (client->rt, "event::booking.created", G_CALLBACK (on_booking_created_cb), client);
  g_signal_connect (client->rt, "room-members", G_CALLBACK (on_room_members_cb), client);
  g_signal_connect (client->rt, "room-joined", G_CALLBACK (on_room_joined_cb), client);
  g_signal_connect (client->rt, "room-left", G_CALLBACK (on_room_left_cb), client);
  g_signal_connect (client->rt, "error", G_CALLBACK (on_error_cb), client);

  return client;
}

static void
client_free (Client *client)
{
  parla_realtime_stop (client->rt);
  g_assert_cmpint (parla_realtime_get_state (client->rt), ==, PARLA_REALTIME_DISCONNECTED);
  g_signal_handlers_disconnect_by_data (client->rt, client);
  g_assert_finalize_object (client->rt);

  g_ptr_array_unref (client->messages);
  g_ptr_array_unref (client->receipts);
  g_ptr_array_unref (client->presence);
  g_ptr_array_unref (client->events);
  g_ptr_array_unref (client->members);
  g_ptr_array_unref (client->errors);
  g_free (client);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Client, client_free)

static gboolean
is_state (Client             *client,
          ParlaRealtimeState  state)
{
  return parla_realtime_get_state (client->rt) == state;
}

static void
client_join (Client     *client,
             const char *room)
{
  parla_realtime_join_room (client->rt, room, -1);
  PT_WAIT_UNTIL (parla_realtime_has_joined (client->rt, room), WAIT);
}

static guint
count_messages (Client     *client,
                const char *room)
{
  guint n = 0;

  for (guint i = 0; i < client->messages->len; i++)
    if (g_strcmp0 (pt_node_str (g_ptr_array_index (client->messages, i), "room"), room) == 0)
      n++;

  return n;
}

static gboolean
saw_text (Client     *client,
          const char *text)
{
  for (guint i = 0; i < client->messages->len; i++)
    if (g_strcmp0 (pt_node_str (g_ptr_array_index (client->messages, i), "message.text"), text) == 0)
      return TRUE;

  return FALSE;
}

/* The last status heard for @user_id, NULL when none. */
static const char *
last_presence (Client     *client,
               const char *user_id)
{
  for (guint i = client->presence->len; i > 0; i--)
    {
      JsonNode *node = g_ptr_array_index (client->presence, i - 1);

      if (g_strcmp0 (pt_node_str (node, "user_id"), user_id) == 0)
        return pt_node_str (node, "status");
    }

  return NULL;
}

static JsonNode *
find_event (Client     *client,
            const char *type)
{
  for (guint i = 0; i < client->events->len; i++)
    if (g_strcmp0 (pt_node_str (g_ptr_array_index (client->events, i), "type"), type) == 0)
      return g_ptr_array_index (client->events, i);

  return NULL;
}

typedef struct
{
  gboolean      done;
  ParlaChatAck *ack;
  GError       *error;
} Sent;

static void
on_sent_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  Sent *sent = user_data;

  sent->ack = parla_realtime_send_chat_finish (PARLA_REALTIME (source), result, &sent->error);
  sent->done = TRUE;
}

/* Sends and waits for the acknowledgement. */
static ParlaChatAck *
say (Client     *client,
     const char *room,
     const char *client_id,
     const char *text,
     const char *to)
{
  Sent sent = { FALSE, NULL, NULL };

  parla_realtime_send_chat_async (client->rt, room, client_id, text, to, "es", NULL, on_sent_cb, &sent);
  PT_WAIT_UNTIL (sent.done, WAIT);
  g_assert_no_error (sent.error);
  g_assert_nonnull (sent.ack);

  return sent.ack;
}

/* The room's history over REST, as {"seq","text"} in order. */
static PtResponse *
history (PtServer   *server,
         const char *session_id,
         const char *token)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/messages?limit=100", session_id);
  PtResponse *response = pt_request (server, "GET", path, token, NULL, NULL);

  pt_assert_status (response, 200);
  return response;
}

/* What @client emitted for @room is exactly the history: same seqs, same
 * texts, same order, nothing twice. */
static void
assert_matches_history (Client     *client,
                        const char *room,
                        PtResponse *history_page)
{
  JsonArray *items = json_node_get_array (pt_json_get (history_page->json, "items"));
  guint n = 0;

  for (guint i = 0; i < client->messages->len; i++)
    {
      JsonNode *seen = g_ptr_array_index (client->messages, i);
      JsonNode *item;

      if (g_strcmp0 (pt_node_str (seen, "room"), room) != 0)
        continue;

      g_assert_cmpuint (n, <, json_array_get_length (items));
      item = json_array_get_element (items, n++);
      g_assert_cmpint (pt_node_int (seen, "seq"), ==, pt_node_int (item, "seq"));
      g_assert_cmpstr (pt_node_str (seen, "message.text"), ==, pt_node_str (item, "message.text"));
      g_assert_cmpstr (pt_node_str (seen, "message.id"), ==, pt_node_str (item, "message.id"));
      g_assert_cmpstr (pt_node_str (seen, "message.client_id"), ==, pt_node_str (item, "message.client_id"));
    }

  g_assert_cmpuint (n, ==, json_array_get_length (items));
}

/* The fixture: an in-process server with a group session */

typedef struct
{
  PtServer *server;
  char     *teacher;       /* tokens */
  char     *teacher_id;
  char     *alice;         /* learners with a seat */
  char     *alice_id;
  char     *bob;
  char     *bob_id;
  char     *carol;         /* a learner without one */
  char     *carol_id;
  char     *session_id;
  char     *room;
} Fixture;

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  config->ws_token_check_seconds = 1;
  config->ws_session_scan_seconds = 1;
}

static char *
create_session (PtServer   *server,
                const char *token,
                gint64      start)
{
  g_autofree char *when = pt_instant (start);
  g_autofree char *body = pt_json ("{\"title\":\"Conversation\",\"type\":\"group\",\"language\":\"es\","
                                   "\"level\":\"A1\",\"start\":\"%s\",\"duration_minutes\":60,"
                                   "\"capacity\":5,\"price_minor\":0}", when);
  g_autoptr(PtResponse) created = pt_request (server, "POST", "/api/v1/sessions", token, body, NULL);

  pt_assert_status (created, 201);
  return g_strdup (pt_str (created, "id"));
}

static void
book_seat (PtServer   *server,
           const char *session_id,
           const char *token)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/book", session_id);
  g_autoptr(PtResponse) booked = pt_request (server, "POST", path, token, NULL, NULL);

  pt_assert_status (booked, 201);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  f->server = pt_server_start (configure, NULL);
  pt_server_set_now (f->server, T0);

  f->teacher = pt_register (f->server, "teacher@example.org", "teacher", &f->teacher_id);
  f->alice = pt_register (f->server, "alice@example.org", "student", &f->alice_id);
  f->bob = pt_register (f->server, "bob@example.org", "student", &f->bob_id);
  f->carol = pt_register (f->server, "carol@example.org", "student", &f->carol_id);

  f->session_id = create_session (f->server, f->teacher, T0 + 3 * DAY);
  f->room = g_strconcat ("session:", f->session_id, NULL);
  book_seat (f->server, f->session_id, f->alice);
  book_seat (f->server, f->session_id, f->bob);
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

/* Two clients chat: both see every message once, in order; the acks,
 * the history and the receipts agree */

static void
test_chat (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr(Client) teacher = client_new (f->server->base_url, f->teacher);
  g_autoptr(Client) alice = client_new (f->server->base_url, f->alice);
  g_autoptr(PtResponse) stored = NULL;
  g_autoptr(ParlaChatAck) again = NULL;
  g_autofree char *user_id = NULL;
  static const struct { gboolean teacher; const char *id; const char *text; } lines[] = {
    { FALSE, "a-1", "Hola" },
    { TRUE, "t-1", "Hola, Alice" },
    { FALSE, "a-2", "¿Qué tal?" },
    { FALSE, "a-3", "Tengo una pregunta" },
    { TRUE, "t-2", "Dime" },
  };
  ParlaChatAck *acks[G_N_ELEMENTS (lines)];

  g_assert_cmpint (parla_realtime_get_state (alice->rt), ==, PARLA_REALTIME_DISCONNECTED);
  parla_realtime_start (teacher->rt);
  parla_realtime_start (alice->rt);
  g_assert_cmpint (parla_realtime_get_state (alice->rt), ==, PARLA_REALTIME_CONNECTING);
  PT_WAIT_UNTIL (is_state (alice, PARLA_REALTIME_CONNECTED) && is_state (teacher, PARLA_REALTIME_CONNECTED), WAIT);
  user_id = parla_realtime_dup_user_id (alice->rt);
  g_assert_cmpstr (user_id, ==, f->alice_id);

  client_join (teacher, f->room);
  client_join (alice, f->room);
  /* The teacher was there first and hears Alice come. */
  PT_WAIT_UNTIL (teacher->members->len >= 2, WAIT);
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (teacher->members, 1), "type"), ==, "joined");
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (teacher->members, 1), "user_id"), ==, f->alice_id);

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      acks[i] = say (lines[i].teacher ? teacher : alice, f->room, lines[i].id, lines[i].text, NULL);
      g_assert_cmpint (acks[i]->seq, ==, i + 1);
      g_assert_cmpstr (acks[i]->room, ==, f->room);
      g_assert_cmpstr (acks[i]->client_id, ==, lines[i].id);
      g_assert_false (acks[i]->duplicate);
      g_assert_cmpint (acks[i]->sent_at, >=, T0);
      g_assert_nonnull (acks[i]->message_id);
    }

  /* Resending is harmless: the same ack, marked duplicate, and nothing
   * new for anyone. */
  again = say (alice, f->room, "a-2", "¿Qué tal?", NULL);
  g_assert_true (again->duplicate);
  g_assert_cmpint (again->seq, ==, acks[2]->seq);
  g_assert_cmpstr (again->message_id, ==, acks[2]->message_id);

  PT_WAIT_UNTIL (count_messages (alice, f->room) == G_N_ELEMENTS (lines) &&
                 count_messages (teacher, f->room) == G_N_ELEMENTS (lines), WAIT);
  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    {
      JsonNode *mine = g_ptr_array_index (alice->messages, i);
      JsonNode *theirs = g_ptr_array_index (teacher->messages, i);

      g_assert_cmpint (pt_node_int (mine, "seq"), ==, i + 1);
      g_assert_cmpint (pt_node_int (theirs, "seq"), ==, i + 1);
      g_assert_cmpstr (pt_node_str (theirs, "message.text"), ==, lines[i].text);
      g_assert_cmpstr (pt_node_str (theirs, "message.id"), ==, acks[i]->message_id);
      g_assert_cmpstr (pt_node_str (theirs, "message.client_id"), ==, lines[i].id);
      g_assert_cmpstr (pt_node_str (theirs, "message.sender_id"), ==, lines[i].teacher ? f->teacher_id : f->alice_id);
      g_assert_cmpstr (pt_node_str (theirs, "message.language"), ==, "es");
    }
  g_assert_cmpint (parla_realtime_get_last_seq (alice->rt, f->room), ==, G_N_ELEMENTS (lines));

  stored = history (f->server, f->session_id, f->teacher);
  assert_matches_history (alice, f->room, stored);
  assert_matches_history (teacher, f->room, stored);
  g_assert_cmpint (pt_int (stored, "last_seq"), ==, G_N_ELEMENTS (lines));

  /* Receipts: Alice received everything, then read up to the fourth. */
  parla_realtime_mark_delivered (alice->rt, f->room, 5);
  PT_WAIT_UNTIL (teacher->receipts->len >= 1, WAIT);
  {
    JsonNode *receipt = g_ptr_array_index (teacher->receipts, 0);

    g_assert_cmpstr (pt_node_str (receipt, "room"), ==, f->room);
    g_assert_cmpstr (pt_node_str (receipt, "user_id"), ==, f->alice_id);
    g_assert_cmpint (pt_node_int (receipt, "delivered_seq"), ==, 5);
    g_assert_cmpint (pt_node_int (receipt, "read_seq"), ==, 0);
  }
  parla_realtime_mark_read (alice->rt, f->room, 4);
  PT_WAIT_UNTIL (teacher->receipts->len >= 2, WAIT);
  {
    JsonNode *receipt = g_ptr_array_index (teacher->receipts, 1);

    g_assert_cmpstr (pt_node_str (receipt, "user_id"), ==, f->alice_id);
    g_assert_cmpint (pt_node_int (receipt, "delivered_seq"), ==, 5);
    g_assert_cmpint (pt_node_int (receipt, "read_seq"), ==, 4);
  }

  /* An older receipt moves nothing, so nobody hears of it. */
  parla_realtime_mark_read (alice->rt, f->room, 2);
  {
    g_autoptr(PtResponse) after = NULL;

    pt_ws_spin (300);
    after = history (f->server, f->session_id, f->teacher);
    for (guint i = 0; i < json_array_get_length (json_node_get_array (pt_json_get (after->json, "receipts"))); i++)
      {
        JsonNode *receipt = json_array_get_element (json_node_get_array (pt_json_get (after->json, "receipts")), i);

        if (g_strcmp0 (pt_node_str (receipt, "user_id"), f->alice_id) == 0)
          {
            g_assert_cmpint (pt_node_int (receipt, "read_seq"), ==, 4);
            g_assert_cmpint (pt_node_int (receipt, "delivered_seq"), ==, 5);
          }
      }
  }
  g_assert_cmpuint (teacher->receipts->len, ==, 2);
  g_assert_cmpuint (alice->errors->len, ==, 0);
  g_assert_cmpuint (teacher->errors->len, ==, 0);

  for (guint i = 0; i < G_N_ELEMENTS (lines); i++)
    parla_chat_ack_unref (acks[i]);
}

/* A private message in a group reaches its sender and recipient only */

static void
test_private (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(Client) teacher = client_new (f->server->base_url, f->teacher);
  g_autoptr(Client) alice = client_new (f->server->base_url, f->alice);
  g_autoptr(Client) bob = client_new (f->server->base_url, f->bob);
  g_autoptr(ParlaChatAck) secret = NULL;
  g_autoptr(ParlaChatAck) open = NULL;
  g_autoptr(PtResponse) bob_history = NULL;
  g_autoptr(PtResponse) teacher_history = NULL;

  parla_realtime_start (teacher->rt);
  parla_realtime_start (alice->rt);
  parla_realtime_start (bob->rt);
  client_join (teacher, f->room);
  client_join (alice, f->room);
  client_join (bob, f->room);

  secret = say (alice, f->room, "p-1", "Only for you", f->teacher_id);
  open = say (alice, f->room, "p-2", "For everyone", NULL);
  g_assert_cmpint (secret->seq, ==, 1);
  g_assert_cmpint (open->seq, ==, 2);

  PT_WAIT_UNTIL (count_messages (teacher, f->room) == 2 && count_messages (alice, f->room) == 2 &&
                 count_messages (bob, f->room) == 1, WAIT);
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (teacher->messages, 0), "message.text"), ==, "Only for you");
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (teacher->messages, 0), "message.to"), ==, f->teacher_id);
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (alice->messages, 0), "message.to"), ==, f->teacher_id);
  /* In order, so the first Bob got is the public one: never the secret. */
  g_assert_cmpint (pt_node_int (g_ptr_array_index (bob->messages, 0), "seq"), ==, 2);
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (bob->messages, 0), "message.text"), ==, "For everyone");
  g_assert_false (saw_text (bob, "Only for you"));

  /* A seq gap is fine: a later message still reaches him. */
  {
    g_autoptr(ParlaChatAck) later = say (teacher, f->room, "p-3", "Bienvenidos", NULL);

    g_assert_cmpint (later->seq, ==, 3);
    PT_WAIT_UNTIL (count_messages (bob, f->room) == 2, WAIT);
    g_assert_cmpint (pt_node_int (g_ptr_array_index (bob->messages, 1), "seq"), ==, 3);
  }

  bob_history = history (f->server, f->session_id, f->bob);
  assert_matches_history (bob, f->room, bob_history);
  teacher_history = history (f->server, f->session_id, f->teacher);
  assert_matches_history (teacher, f->room, teacher_history);
  g_assert_false (saw_text (bob, "Only for you"));

  /* A recipient outside the room: refused, for the sender's task. */
  {
    Sent sent = { FALSE, NULL, NULL };

    parla_realtime_send_chat_async (alice->rt, f->room, "p-4", "Psst", f->carol_id, NULL, NULL, on_sent_cb, &sent);
    PT_WAIT_UNTIL (sent.done, WAIT);
    g_assert_error (sent.error, PARLA_ERROR, PARLA_ERROR_FORBIDDEN);
    g_assert_cmpstr (parla_error_get_field (sent.error), ==, "to");
    g_assert_null (sent.ack);
    g_clear_error (&sent.error);
  }
}

/* Presence: online when the client connects, what it sets, offline when it
 * stops */

static void
test_presence (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(Client) teacher = client_new (f->server->base_url, f->teacher);
  g_autoptr(Client) alice = client_new (f->server->base_url, f->alice);
  g_autoptr(GError) error = NULL;

  parla_realtime_start (teacher->rt);
  /* On connecting, the teacher hears of each learner: offline. */
  PT_WAIT_UNTIL (last_presence (teacher, f->alice_id) != NULL && last_presence (teacher, f->bob_id) != NULL, WAIT);
  g_assert_cmpstr (last_presence (teacher, f->alice_id), ==, "offline");
  g_assert_cmpstr (last_presence (teacher, f->bob_id), ==, "offline");
  g_assert_null (last_presence (teacher, f->carol_id));

  parla_realtime_start (alice->rt);
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (teacher, f->alice_id), "online") == 0, WAIT);
  /* And she hears of him. */
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (alice, f->teacher_id), "online") == 0, WAIT);

  g_assert_true (parla_realtime_set_presence (alice->rt, "away", &error));
  g_assert_no_error (error);
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (teacher, f->alice_id), "away") == 0, WAIT);

  g_assert_false (parla_realtime_set_presence (alice->rt, "offline", &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  parla_realtime_stop (alice->rt);
  g_assert_cmpint (parla_realtime_get_state (alice->rt), ==, PARLA_REALTIME_DISCONNECTED);
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (teacher, f->alice_id), "offline") == 0, WAIT);

  /* Back again: the status she set comes back with her. */
  parla_realtime_start (alice->rt);
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (teacher, f->alice_id), "away") == 0, WAIT);
  g_assert_true (parla_realtime_set_presence (alice->rt, "online", &error));
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (teacher, f->alice_id), "online") == 0, WAIT);
  g_assert_cmpuint (alice->errors->len, ==, 0);

  /* The same by hand: its ack comes as an event. */
  {
    g_autoptr(JsonNode) message = json_from_string ("{\"type\":\"presence.set\",\"id\":\"g-1\","
                                                    "\"status\":\"available\"}", NULL);
    JsonNode *ack;

    g_assert_true (parla_realtime_send (alice->rt, message, &error));
    g_assert_no_error (error);
    PT_WAIT_UNTIL (find_event (alice, "ack") != NULL, WAIT);
    ack = find_event (alice, "ack");
    g_assert_cmpstr (pt_node_str (ack, "id"), ==, "g-1");
    PT_WAIT_UNTIL (g_strcmp0 (last_presence (teacher, f->alice_id), "available") == 0, WAIT);
  }
}

/* A booking made by someone else arrives as a session event */

static void
test_session_event (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr(Client) teacher = client_new (f->server->base_url, f->teacher);
  g_autoptr(Client) alice = client_new (f->server->base_url, f->alice);
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/book", f->session_id);
  g_autoptr(PtResponse) booked = NULL;
  JsonNode *created;
  JsonNode *seats;

  parla_realtime_start (teacher->rt);
  parla_realtime_start (alice->rt);
  PT_WAIT_UNTIL (is_state (alice, PARLA_REALTIME_CONNECTED) && is_state (teacher, PARLA_REALTIME_CONNECTED), WAIT);

  booked = pt_request (f->server, "POST", path, f->carol, NULL, NULL);
  pt_assert_status (booked, 201);

  PT_WAIT_UNTIL (find_event (teacher, "booking.created") != NULL, WAIT);
  created = find_event (teacher, "booking.created");
  g_assert_cmpstr (pt_node_str (created, "booking.id"), ==, pt_str (booked, "id"));
  g_assert_cmpstr (pt_node_str (created, "booking.learner_id"), ==, f->carol_id);
  g_assert_cmpstr (pt_node_str (created, "booking.session_id"), ==, f->session_id);
  g_assert_cmpuint (teacher->booking_created, ==, 1);

  /* Everyone hears of the seats left; Alice not of Carol's booking. */
  PT_WAIT_UNTIL (find_event (alice, "session.seats") != NULL, WAIT);
  seats = find_event (alice, "session.seats");
  g_assert_cmpstr (pt_node_str (seats, "session_id"), ==, f->session_id);
  g_assert_cmpint (pt_node_int (seats, "seats_left"), ==, 2);
  g_assert_cmpint (pt_node_int (seats, "capacity"), ==, 5);
  g_assert_null (find_event (alice, "booking.created"));
  g_assert_cmpuint (alice->booking_created, ==, 0);
}

/* Signing out closes the socket with 1008: unauthorized, no retry, until
 * a new token */

static void
test_unauthorized (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(Client) alice = client_new (f->server->base_url, f->alice);
  g_autoptr(Client) bogus = client_new (f->server->base_url, "not-a-token");
  g_autoptr(Client) nobody = client_new (f->server->base_url, NULL);
  g_autoptr(PtResponse) logout = NULL;
  g_autoptr(PtResponse) login = NULL;
  Sent sent = { FALSE, NULL, NULL };

  /* Refused at the upgrade (HTTP 401). */
  parla_realtime_start (bogus->rt);
  PT_WAIT_UNTIL (is_state (bogus, PARLA_REALTIME_UNAUTHORIZED), WAIT);
  parla_realtime_start (nobody->rt);
  g_assert_cmpint (parla_realtime_get_state (nobody->rt), ==, PARLA_REALTIME_UNAUTHORIZED);

  parla_realtime_start (alice->rt);
  client_join (alice, f->room);

  logout = pt_request (f->server, "POST", "/api/v1/auth/logout", f->alice, NULL, NULL);
  pt_assert_status (logout, 204);
  PT_WAIT_UNTIL (is_state (alice, PARLA_REALTIME_UNAUTHORIZED), WAIT);
  g_assert_false (parla_realtime_has_joined (alice->rt, f->room));

  /* No retry: it stays so, and a message waits for a new token. */
  parla_realtime_send_chat_async (alice->rt, f->room, "u-1", "Hello?", NULL, NULL, NULL, on_sent_cb, &sent);
  pt_ws_spin (1500);
  g_assert_cmpint (parla_realtime_get_state (alice->rt), ==, PARLA_REALTIME_UNAUTHORIZED);
  g_assert_cmpint (parla_realtime_get_state (bogus->rt), ==, PARLA_REALTIME_UNAUTHORIZED);
  g_assert_false (sent.done);

  /* Signed in again: back, in the room, and the message goes. */
  login = pt_request (f->server, "POST", "/api/v1/auth/login", NULL,
                      "{\"email\":\"alice@example.org\",\"password\":\"correct horse battery\"}", NULL);
  pt_assert_status (login, 200);
  parla_realtime_set_token (alice->rt, pt_str (login, "token"));
  g_assert_cmpint (parla_realtime_get_state (alice->rt), ==, PARLA_REALTIME_CONNECTING);
  PT_WAIT_UNTIL (sent.done, WAIT);
  g_assert_no_error (sent.error);
  g_assert_cmpint (sent.ack->seq, ==, 1);
  g_assert_true (parla_realtime_has_joined (alice->rt, f->room));
  g_clear_pointer (&sent.ack, parla_chat_ack_unref);
}

/* After a reconnect the room resumes: what was missed comes first, once,
 * in order, then live */

static void
test_resume (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr(Client) teacher = client_new (f->server->base_url, f->teacher);
  g_autoptr(Client) alice = client_new (f->server->base_url, f->alice);
  g_autoptr(PtResponse) stored = NULL;
  Sent waiting = { FALSE, NULL, NULL };
  Sent cancelled = { FALSE, NULL, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();

  parla_realtime_start (teacher->rt);
  parla_realtime_start (alice->rt);
  client_join (teacher, f->room);
  client_join (alice, f->room);

  parla_chat_ack_unref (say (teacher, f->room, "r-0", "Before", NULL));
  PT_WAIT_UNTIL (count_messages (alice, f->room) == 1, WAIT);

  /* Alice goes; a message she sends now fails (stopped, not waiting). */
  parla_realtime_stop (alice->rt);
  parla_realtime_send_chat_async (alice->rt, f->room, "a-x", "Nope", NULL, NULL, NULL, on_sent_cb, &waiting);
  PT_WAIT_UNTIL (waiting.done, WAIT);
  g_assert_error (waiting.error, PARLA_ERROR, PARLA_ERROR_NETWORK);
  g_clear_error (&waiting.error);
  waiting.done = FALSE;

  for (guint i = 1; i <= 3; i++)
    {
      g_autofree char *id = g_strdup_printf ("r-%u", i);
      g_autofree char *text = g_strdup_printf ("While away %u", i);

      parla_chat_ack_unref (say (teacher, f->room, id, text, NULL));
    }

  /* Started again, she sends at once: the message waits for the room to
   * be entered. Another one is cancelled before. */
  parla_realtime_start (alice->rt);
  parla_realtime_send_chat_async (alice->rt, f->room, "a-1", "I am back", NULL, NULL, NULL, on_sent_cb, &waiting);
  parla_realtime_send_chat_async (alice->rt, f->room, "a-2", "Never sent", NULL, NULL, cancellable, on_sent_cb,
                                  &cancelled);
  g_cancellable_cancel (cancellable);
  PT_WAIT_UNTIL (waiting.done && cancelled.done, WAIT);
  g_assert_no_error (waiting.error);
  g_assert_cmpint (waiting.ack->seq, ==, 5);
  g_assert_error (cancelled.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&cancelled.error);
  g_clear_pointer (&waiting.ack, parla_chat_ack_unref);

  parla_chat_ack_unref (say (teacher, f->room, "r-4", "Live", NULL));
  PT_WAIT_UNTIL (count_messages (alice, f->room) == 6 && count_messages (teacher, f->room) == 6, WAIT);

  for (guint i = 0; i < 6; i++)
    {
      g_assert_cmpint (pt_node_int (g_ptr_array_index (alice->messages, i), "seq"), ==, i + 1);
      g_assert_cmpint (pt_node_int (g_ptr_array_index (teacher->messages, i), "seq"), ==, i + 1);
    }
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (alice->messages, 1), "message.text"), ==, "While away 1");
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (alice->messages, 4), "message.text"), ==, "I am back");

  stored = history (f->server, f->session_id, f->alice);
  assert_matches_history (alice, f->room, stored);
  assert_matches_history (teacher, f->room, stored);
  g_assert_false (saw_text (teacher, "Never sent"));
  g_assert_false (saw_text (teacher, "Nope"));

  /* A room joined with a known seq replays only what is after it. */
  {
    g_autoptr(Client) late = client_new (f->server->base_url, f->bob);

    parla_realtime_join_room (late->rt, f->room, 4);
    parla_realtime_start (late->rt);
    PT_WAIT_UNTIL (count_messages (late, f->room) == 2, WAIT);
    g_assert_cmpint (pt_node_int (g_ptr_array_index (late->messages, 0), "seq"), ==, 5);
    g_assert_cmpint (pt_node_int (g_ptr_array_index (late->messages, 1), "seq"), ==, 6);
  }
}

/* What needs a connection says so when there is none */

static void
test_offline_calls (void)
{
  g_autoptr(ParlaRealtime) rt = parla_realtime_new ("http://127.0.0.1:1", "token");
  g_autoptr(JsonNode) payload = json_from_string ("{\"sdp\":\"v=0\"}", NULL);
  g_autoptr(JsonNode) message = json_from_string ("{\"type\":\"ping\"}", NULL);
  g_autoptr(JsonNode) untyped = json_from_string ("{\"id\":\"x\"}", NULL);
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) rooms = NULL;
  g_autofree char *base_url = NULL;
  GValue value = G_VALUE_INIT;

  /* The base URL gets its slash; the state is a registered enum. */
  g_assert_cmpstr (parla_realtime_get_base_url (rt), ==, "http://127.0.0.1:1/");
  g_object_get (rt, "base-url", &base_url, NULL);
  g_assert_cmpstr (base_url, ==, "http://127.0.0.1:1/");
  g_value_init (&value, PARLA_TYPE_REALTIME_STATE);
  g_object_get_property (G_OBJECT (rt), "state", &value);
  g_assert_cmpint (g_value_get_enum (&value), ==, PARLA_REALTIME_DISCONNECTED);
  g_value_unset (&value);
  g_assert_cmpstr (g_enum_get_value (g_type_class_peek (PARLA_TYPE_REALTIME_STATE),
                                     PARLA_REALTIME_UNAUTHORIZED)->value_nick, ==, "unauthorized");

  g_assert_false (parla_realtime_send_signal (rt, "call:1", "u-2", payload, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_false (parla_realtime_send (rt, message, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_NETWORK);
  g_clear_error (&error);
  g_assert_false (parla_realtime_send (rt, untyped, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_clear_error (&error);

  parla_realtime_join_room (rt, "session:a", -1);
  parla_realtime_join_room (rt, "session:b", 7);
  parla_realtime_join_room (rt, "session:b", 9);
  rooms = parla_realtime_dup_rooms (rt);
  g_assert_cmpuint (g_strv_length (rooms), ==, 2);
  g_assert_cmpint (parla_realtime_get_last_seq (rt, "session:b"), ==, 7);
  g_assert_false (parla_realtime_has_joined (rt, "session:b"));
  parla_realtime_leave_room (rt, "session:b");
  g_assert_cmpint (parla_realtime_get_last_seq (rt, "session:b"), ==, 0);
}

/* Watching presence, offline: ids are checked, at most 500, no sends */

static void
test_watch_limit (void)
{
  g_autoptr(ParlaRealtime) rt = parla_realtime_new ("http://127.0.0.1:1", "token");
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *long_id = g_strnfill (65, 'x');
  const char * const twice[] = { "u-a", "u-b", "u-a", NULL };
  const char * const bad[] = { "u-c", "", NULL };
  const char * const too_long[] = { long_id, NULL };
  const char * const one_more[] = { "u-500", NULL };
  const char * const unwatch[] = { "u-a", "u-unknown", NULL };
  g_autoptr(GError) error = NULL;

  /* Duplicates count once. */
  g_assert_true (parla_realtime_watch_presence (rt, twice, &error));
  g_assert_no_error (error);
  g_assert_true (parla_realtime_is_watching (rt, "u-a"));
  g_assert_true (parla_realtime_is_watching (rt, "u-b"));
  g_assert_null (parla_realtime_get_presence (rt, "u-a"));

  /* A bad id: nothing is watched. */
  g_assert_false (parla_realtime_watch_presence (rt, bad, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, "user_ids[1]");
  g_clear_error (&error);
  g_assert_false (parla_realtime_is_watching (rt, "u-c"));
  g_assert_false (parla_realtime_watch_presence (rt, too_long, &error));
  g_assert_cmpstr (parla_error_get_field (error), ==, "user_ids[0]");
  g_clear_error (&error);

  /* Up to 500 in all, the two already watched included. */
  for (guint i = 2; i < 500; i++)
    g_ptr_array_add (ids, g_strdup_printf ("u-%u", i));
  g_ptr_array_add (ids, NULL);
  g_assert_true (parla_realtime_watch_presence (rt, (const char * const *) ids->pdata, &error));
  g_assert_no_error (error);
  g_assert_true (parla_realtime_is_watching (rt, "u-499"));
  g_assert_true (parla_realtime_watch_presence (rt, twice, &error));

  g_assert_false (parla_realtime_watch_presence (rt, one_more, &error));
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_assert_cmpstr (parla_error_get_field (error), ==, "user_ids");
  g_clear_error (&error);
  g_assert_false (parla_realtime_is_watching (rt, "u-500"));

  /* Unwatching makes room; unknown ids are ignored. */
  parla_realtime_unwatch_presence (rt, unwatch);
  g_assert_false (parla_realtime_is_watching (rt, "u-a"));
  g_assert_true (parla_realtime_is_watching (rt, "u-b"));
  g_assert_true (parla_realtime_watch_presence (rt, one_more, &error));
  g_assert_no_error (error);
  g_assert_true (parla_realtime_is_watching (rt, "u-500"));
}

/* The server killed and restarted mid-conversation */

typedef struct
{
  PtProcess   *process;
  char        *teacher;
  char        *teacher_id;
  char        *alice;
  char        *alice_id;
  char        *session_id;
  char        *room;
  char        *dir;
} Live;

static gint64
next_start (void)
{
  /* A whole hour, three days ahead of the real clock. */
  return (g_get_real_time () / G_USEC_PER_SEC / HOUR + 3 * 24) * HOUR;
}

static Live *
live_new (const char * const *env)
{
  Live *live = g_new0 (Live, 1);
  g_autoptr(GError) error = NULL;

  live->process = pt_process_start (env);
  live->teacher = pt_register (live->process->remote, "teacher@example.org", "teacher", &live->teacher_id);
  live->alice = pt_register (live->process->remote, "alice@example.org", "student", &live->alice_id);
  live->session_id = create_session (live->process->remote, live->teacher, next_start ());
  live->room = g_strconcat ("session:", live->session_id, NULL);
  book_seat (live->process->remote, live->session_id, live->alice);
  live->dir = g_dir_make_tmp ("parla-rt-outbox-XXXXXX", &error);
  g_assert_no_error (error);

  return live;
}

static void
live_free (Live *live)
{
  g_autoptr(GDir) dir = g_dir_open (live->dir, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (live->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (live->dir);

  pt_process_free (live->process);
  g_free (live->teacher);
  g_free (live->teacher_id);
  g_free (live->alice);
  g_free (live->alice_id);
  g_free (live->session_id);
  g_free (live->room);
  g_free (live->dir);
  g_free (live);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Live, live_free)

static ParlaOutbox *
open_outbox (Live       *live,
             const char *name)
{
  g_autofree char *path = g_build_filename (live->dir, name, NULL);
  g_autoptr(GError) error = NULL;
  ParlaOutbox *outbox = parla_outbox_new_for_path (path, &error);

  g_assert_no_error (error);
  return outbox;
}

static void
enqueue (ParlaOutbox *outbox,
         const char  *room,
         const char  *text)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = parla_outbox_enqueue_chat (outbox, room, text, NULL, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (id);
}

/* The texts @client saw from @sender_id, in order. */
static GPtrArray *
texts_from (Client     *client,
            const char *sender_id)
{
  GPtrArray *texts = g_ptr_array_new ();

  for (guint i = 0; i < client->messages->len; i++)
    {
      JsonNode *node = g_ptr_array_index (client->messages, i);

      if (g_strcmp0 (pt_node_str (node, "message.sender_id"), sender_id) == 0)
        g_ptr_array_add (texts, (gpointer) pt_node_str (node, "message.text"));
    }

  return texts;
}

static void
assert_texts (GPtrArray          *texts,
              const char * const *expected)
{
  for (guint i = 0; i < texts->len; i++)
    {
      g_assert_nonnull (expected[i]);
      g_assert_cmpstr (g_ptr_array_index (texts, i), ==, expected[i]);
    }
  g_assert_null (expected[texts->len]);
}

static void
test_kill_server (void)
{
  g_autoptr(Live) live = live_new (NULL);
  g_autoptr(Client) teacher = client_new (live->process->base_url, live->teacher);
  g_autoptr(Client) alice = client_new (live->process->base_url, live->alice);
  g_autoptr(ParlaOutbox) teacher_box = open_outbox (live, "teacher.db");
  g_autoptr(ParlaOutbox) alice_box = open_outbox (live, "alice.db");
  g_autoptr(PtResponse) stored = NULL;
  g_autoptr(GPtrArray) from_teacher = NULL;
  g_autoptr(GPtrArray) from_alice = NULL;
  Sent direct = { FALSE, NULL, NULL };
  JsonArray *items;
  guint total;
  static const char * const teacher_lines[] = {
    "T1-0", "T1-1", "T1-2", "T2-0", "T2-1", "T2-2", "T2-3", "T3", NULL
  };
  static const char * const alice_lines[] = {
    "A1-0", "A1-1", "A1-2", "A2-0", "A2-1", "A2-2", "A2-3", "A3", NULL
  };

  parla_outbox_attach (teacher_box, teacher->rt, NULL);
  parla_outbox_attach (alice_box, alice->rt, NULL);
  parla_realtime_join_room (teacher->rt, live->room, -1);
  parla_realtime_join_room (alice->rt, live->room, -1);
  parla_realtime_start (teacher->rt);
  parla_realtime_start (alice->rt);
  PT_WAIT_UNTIL (parla_realtime_has_joined (teacher->rt, live->room) &&
                 parla_realtime_has_joined (alice->rt, live->room), WAIT);

  /* Talking normally. */
  for (guint i = 0; i < 3; i++)
    {
      enqueue (teacher_box, live->room, teacher_lines[i]);
      enqueue (alice_box, live->room, alice_lines[i]);
    }
  PT_WAIT_UNTIL (parla_outbox_get_count (teacher_box) == 0 && parla_outbox_get_count (alice_box) == 0 &&
                 count_messages (teacher, live->room) == 6 && count_messages (alice, live->room) == 6, WAIT);

  /* Killed with a message of each on its way. */
  enqueue (teacher_box, live->room, teacher_lines[3]);
  enqueue (alice_box, live->room, alice_lines[3]);
  pt_process_kill (live->process);
  PT_WAIT_UNTIL (!is_state (teacher, PARLA_REALTIME_CONNECTED) && !is_state (alice, PARLA_REALTIME_CONNECTED), WAIT);

  /* They keep writing while it is down: the outbox keeps it all, and a
   * message sent directly waits. */
  for (guint i = 4; i < 7; i++)
    {
      enqueue (teacher_box, live->room, teacher_lines[i]);
      enqueue (alice_box, live->room, alice_lines[i]);
    }
  parla_realtime_send_chat_async (alice->rt, live->room, "direct-1", "Direct", NULL, NULL, NULL, on_sent_cb, &direct);
  pt_ws_spin (1500);
  g_assert_false (direct.done);
  g_assert_cmpuint (parla_outbox_get_count (teacher_box), >=, 3);
  g_assert_cmpuint (parla_outbox_get_count (teacher_box), <=, 4);
  g_assert_cmpuint (parla_outbox_get_count (alice_box), >=, 3);
  g_assert_cmpuint (parla_outbox_get_count (alice_box), <=, 4);
  g_assert_cmpint (parla_realtime_get_state (alice->rt), ==, PARLA_REALTIME_RECONNECTING);

  /* Back on the same port and database. */
  pt_process_resume (live->process);
  PT_WAIT_UNTIL (parla_outbox_get_count (teacher_box) == 0 && parla_outbox_get_count (alice_box) == 0 &&
                 direct.done, SLOW);
  g_assert_no_error (direct.error);
  g_clear_pointer (&direct.ack, parla_chat_ack_unref);

  /* And on, live. */
  enqueue (teacher_box, live->room, teacher_lines[7]);
  enqueue (alice_box, live->room, alice_lines[7]);
  total = 2 * 8 + 1;
  PT_WAIT_UNTIL (saw_text (teacher, "T3") && saw_text (teacher, "A3") &&
                 saw_text (alice, "T3") && saw_text (alice, "A3") &&
                 count_messages (teacher, live->room) >= total && count_messages (alice, live->room) >= total, SLOW);

  /* Stored once each: seqs 1..17, nothing else. */
  stored = history (live->process->remote, live->session_id, live->teacher);
  items = json_node_get_array (pt_json_get (stored->json, "items"));
  g_assert_cmpuint (json_array_get_length (items), ==, total);
  for (guint i = 0; i < total; i++)
    g_assert_cmpint (pt_node_int (json_array_get_element (items, i), "seq"), ==, i + 1);

  /* Each client saw exactly that: every message once, in order. */
  g_assert_cmpuint (count_messages (teacher, live->room), ==, total);
  g_assert_cmpuint (count_messages (alice, live->room), ==, total);
  assert_matches_history (teacher, live->room, stored);
  assert_matches_history (alice, live->room, stored);

  /* Each sender's messages in the order they were written. */
  from_teacher = texts_from (alice, live->teacher_id);
  assert_texts (from_teacher, teacher_lines);
  from_alice = texts_from (teacher, live->alice_id);
  for (guint i = from_alice->len; i > 0; i--)
    if (g_strcmp0 (g_ptr_array_index (from_alice, i - 1), "Direct") == 0)
      g_ptr_array_remove_index (from_alice, i - 1);
  g_assert_cmpuint (from_alice->len, ==, 8);
  assert_texts (from_alice, alice_lines);
  g_assert_true (saw_text (teacher, "Direct"));

  parla_outbox_attach (teacher_box, NULL, NULL);
  parla_outbox_attach (alice_box, NULL, NULL);
}

/* How many times @client heard @status for @user_id, from @from on. */
static guint
count_presence (Client     *client,
                guint       from,
                const char *user_id,
                const char *status)
{
  guint n = 0;

  for (guint i = from; i < client->presence->len; i++)
    {
      JsonNode *node = g_ptr_array_index (client->presence, i);

      if (g_strcmp0 (pt_node_str (node, "user_id"), user_id) == 0 &&
          (status == NULL || g_strcmp0 (pt_node_str (node, "status"), status) == 0))
        n++;
    }

  return n;
}

/* A learner with no booking watches teachers: their presence comes, never
 * a learner's, the watch outlives a server restart without being asked
 * again, and unwatching stops it */

static void
test_watch_presence (void)
{
  g_autoptr(Live) live = live_new (NULL);
  g_autofree char *dan_id = NULL;
  g_autofree char *dan_token = pt_register (live->process->remote, "dan@example.org", "student", &dan_id);
  g_autofree char *other_id = NULL;
  g_autofree char *other_token = pt_register (live->process->remote, "other@example.org", "teacher", &other_id);
  g_autoptr(Client) dan = client_new (live->process->base_url, dan_token);
  g_autoptr(Client) teacher = client_new (live->process->base_url, live->teacher);
  g_autoptr(Client) alice = client_new (live->process->base_url, live->alice);
  g_autoptr(Client) other = NULL;
  g_autoptr(GError) error = NULL;
  const char * const watched[] = { live->teacher_id, live->alice_id, NULL };
  const char * const teacher_only[] = { live->teacher_id, NULL };
  const char * const other_only[] = { other_id, NULL };
  guint mark;

  /* Watched before connecting: sent once connected. Nobody is online, so
   * the ack alone answers, and says offline. */
  g_assert_true (parla_realtime_watch_presence (dan->rt, watched, &error));
  g_assert_no_error (error);
  parla_realtime_start (dan->rt);
  PT_WAIT_UNTIL (parla_realtime_get_presence (dan->rt, live->teacher_id) != NULL, WAIT);
  g_assert_cmpstr (parla_realtime_get_presence (dan->rt, live->teacher_id), ==, "offline");
  g_assert_cmpstr (parla_realtime_get_presence (dan->rt, live->alice_id), ==, "offline");
  /* Only his own status so far. */
  g_assert_cmpuint (dan->presence->len, ==, count_presence (dan, 0, dan_id, NULL));

  /* The teacher connects, then becomes available. */
  parla_realtime_start (teacher->rt);
  PT_WAIT_UNTIL (last_presence (dan, live->teacher_id) != NULL, WAIT);
  g_assert_cmpstr (last_presence (dan, live->teacher_id), ==, "online");
  g_assert_cmpstr (parla_realtime_get_presence (dan->rt, live->teacher_id), ==, "online");
  g_assert_true (parla_realtime_set_presence (teacher->rt, "available", &error));
  g_assert_no_error (error);
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (dan, live->teacher_id), "available") == 0, WAIT);
  g_assert_cmpstr (parla_realtime_get_presence (dan->rt, live->teacher_id), ==, "available");

  /* A learner is never heard of: alice connects and sets a status, and the
   * teacher's next change, which the server handles after hers, arrives
   * alone. */
  parla_realtime_start (alice->rt);
  PT_WAIT_UNTIL (is_state (alice, PARLA_REALTIME_CONNECTED), WAIT);
  g_assert_true (parla_realtime_set_presence (alice->rt, "away", &error));
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (alice, live->alice_id), "away") == 0, WAIT);
  g_assert_true (parla_realtime_set_presence (teacher->rt, "online", &error));
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (dan, live->teacher_id), "online") == 0, WAIT);
  g_assert_cmpuint (count_presence (dan, 0, live->alice_id, NULL), ==, 0);
  g_assert_cmpstr (parla_realtime_get_presence (dan->rt, live->alice_id), ==, "offline");
  g_assert_cmpuint (count_presence (dan, 0, live->teacher_id, NULL), ==, 3);
  parla_realtime_stop (alice->rt);

  /* The server dies: every status is unknown until it is back. */
  pt_process_kill (live->process);
  PT_WAIT_UNTIL (!is_state (dan, PARLA_REALTIME_CONNECTED) && !is_state (teacher, PARLA_REALTIME_CONNECTED), WAIT);
  g_assert_null (parla_realtime_get_presence (dan->rt, live->teacher_id));
  g_assert_null (parla_realtime_get_presence (dan->rt, live->alice_id));
  g_assert_true (parla_realtime_is_watching (dan->rt, live->teacher_id));
  mark = dan->presence->len;

  /* Back: both reconnect in whatever order, and dan, who never watched
   * again, hears the teacher is online (from the watch if the teacher was
   * first, from the teacher's connecting otherwise). */
  pt_process_resume (live->process);
  PT_WAIT_UNTIL (is_state (dan, PARLA_REALTIME_CONNECTED) && is_state (teacher, PARLA_REALTIME_CONNECTED) &&
                 count_presence (dan, mark, live->teacher_id, NULL) > 0, SLOW);
  g_assert_cmpuint (count_presence (dan, mark, live->teacher_id, NULL), ==, 1);
  g_assert_cmpstr (last_presence (dan, live->teacher_id), ==, "online");
  g_assert_cmpstr (parla_realtime_get_presence (dan->rt, live->teacher_id), ==, "online");

  g_assert_true (parla_realtime_set_presence (teacher->rt, "in_call", &error));
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (dan, live->teacher_id), "in_call") == 0, WAIT);
  g_assert_cmpuint (count_presence (dan, mark, live->teacher_id, NULL), ==, 2);
  g_assert_cmpuint (count_presence (dan, 0, live->alice_id, NULL), ==, 0);

  /* Unwatched: the status is forgotten, and the changes stop. Watching
   * another teacher after it proves the server handled the unwatch;
   * the teacher hearing of its own change proves the server handled it
   * before the other teacher's. */
  parla_realtime_unwatch_presence (dan->rt, teacher_only);
  g_assert_false (parla_realtime_is_watching (dan->rt, live->teacher_id));
  g_assert_null (parla_realtime_get_presence (dan->rt, live->teacher_id));
  g_assert_true (parla_realtime_watch_presence (dan->rt, other_only, &error));
  PT_WAIT_UNTIL (parla_realtime_get_presence (dan->rt, other_id) != NULL, WAIT);
  g_assert_cmpstr (parla_realtime_get_presence (dan->rt, other_id), ==, "offline");

  mark = dan->presence->len;
  g_assert_true (parla_realtime_set_presence (teacher->rt, "away", &error));
  PT_WAIT_UNTIL (g_strcmp0 (last_presence (teacher, live->teacher_id), "away") == 0, WAIT);
  other = client_new (live->process->base_url, other_token);
  parla_realtime_start (other->rt);
  PT_WAIT_UNTIL (last_presence (dan, other_id) != NULL, WAIT);
  g_assert_cmpstr (last_presence (dan, other_id), ==, "online");
  g_assert_cmpuint (count_presence (dan, mark, live->teacher_id, NULL), ==, 0);
  g_assert_null (parla_realtime_get_presence (dan->rt, live->teacher_id));
  g_assert_cmpuint (dan->presence->len, ==, mark + 1 + count_presence (dan, mark, dan_id, NULL));
  g_assert_cmpuint (dan->errors->len, ==, 0);
}

/* A server that stops answering (no pings, no pongs) is taken for dead */

static void
test_dead_server (void)
{
  const char * const env[] = { "PARLA_WS_PING_SECONDS=1", NULL };
  g_autoptr(Live) live = live_new (env);
  g_autoptr(Client) alice = client_new (live->process->base_url, live->alice);
  g_autoptr(Client) teacher = client_new (live->process->base_url, live->teacher);

  parla_realtime_start (alice->rt);
  parla_realtime_start (teacher->rt);
  client_join (alice, live->room);
  client_join (teacher, live->room);

  /* Frozen, with its sockets open: only the silence tells. */
  pt_process_signal (live->process, SIGSTOP);
  PT_WAIT_UNTIL (is_state (alice, PARLA_REALTIME_RECONNECTING), SLOW);
  pt_process_signal (live->process, SIGCONT);

  PT_WAIT_UNTIL (parla_realtime_has_joined (alice->rt, live->room), SLOW);
  PT_WAIT_UNTIL (parla_realtime_has_joined (teacher->rt, live->room), SLOW);
  parla_chat_ack_unref (say (teacher, live->room, "after", "Still there?", NULL));
  PT_WAIT_UNTIL (saw_text (alice, "Still there?"), WAIT);
  g_assert_cmpuint (count_messages (alice, live->room), ==, 1);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add ("/api/realtime/" path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)

  ADD ("chat", test_chat);
  ADD ("private", test_private);
  ADD ("presence", test_presence);
  ADD ("session-event", test_session_event);
  ADD ("unauthorized", test_unauthorized);
  ADD ("resume", test_resume);
  g_test_add_func ("/api/realtime/offline-calls", test_offline_calls);
  g_test_add_func ("/api/realtime/watch-limit", test_watch_limit);
  g_test_add_func ("/api/realtime/kill-server", test_kill_server);
  g_test_add_func ("/api/realtime/dead-server", test_dead_server);
  g_test_add_func ("/api/realtime/watch-presence", test_watch_presence);

  return g_test_run ();
}
