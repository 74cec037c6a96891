/* test-realtime-signaling.c: a call room of the real server as the call
 * engine's signalling: who was there first, members coming and going
 * (with the grace that hides a WebSocket blip), the relay both ways and
 * nothing from elsewhere, a refused room
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-realtime-signaling.h"
#include "peer-test-utils.h"

#define WAIT  10000
#define GRACE 1500

typedef struct
{
  ParlaRealtime          *realtime;
  ParlaRealtimeSignaling *signaling;
  GPtrArray              *events;      /* char*: "joined:<id>", "left:<id>", "message:<from>:<json>", "ready", "failed:<message>" */
} Member;

static void
add_event (Member     *member,
           const char *format,
           ...) G_GNUC_PRINTF (2, 3);

static void
add_event (Member     *member,
           const char *format,
           ...)
{
  va_list args;

  va_start (args, format);
  g_ptr_array_add (member->events, g_strdup_vprintf (format, args));
  va_end (args);
}

static void
on_ready_cb (ParlaRealtimeSignaling *signaling,
             Member                 *member)
{
  add_event (member, "ready");
}

static void
on_failed_cb (ParlaRealtimeSignaling *signaling,
              const GError           *error,
              Member                 *member)
{
  add_event (member, "failed:%s", error->message);
}

static void
on_joined_cb (ParlaSignaling *signaling,
              const char     *user_id,
              const char     *display_name,
              Member         *member)
{
  add_event (member, "joined:%s", user_id);
}

static void
on_left_cb (ParlaSignaling *signaling,
            const char     *user_id,
            Member         *member)
{
  add_event (member, "left:%s", user_id);
}

static void
on_message_cb (ParlaSignaling *signaling,
               const char     *from,
               JsonNode       *payload,
               Member         *member)
{
  g_autofree char *text = json_to_string (payload, FALSE);

  add_event (member, "message:%s:%s", from, text);
}

static Member *
member_new (PeerFixture *f,
            const char  *token,
            const char  *room)
{
  Member *member = g_new0 (Member, 1);

  member->events = g_ptr_array_new_with_free_func (g_free);
  member->realtime = parla_realtime_new (f->server->base_url, token);
  parla_realtime_start (member->realtime);
  member->signaling = parla_realtime_signaling_new (member->realtime, room);
  parla_realtime_signaling_set_leave_grace (member->signaling, GRACE);
  g_signal_connect (member->signaling, "ready", G_CALLBACK (on_ready_cb), member);
  g_signal_connect (member->signaling, "failed", G_CALLBACK (on_failed_cb), member);
  g_signal_connect (member->signaling, "member-joined", G_CALLBACK (on_joined_cb), member);
  g_signal_connect (member->signaling, "member-left", G_CALLBACK (on_left_cb), member);
  g_signal_connect (member->signaling, "message", G_CALLBACK (on_message_cb), member);

  return member;
}

static void
member_free (Member *member)
{
  g_signal_handlers_disconnect_by_data (member->signaling, member);
  parla_realtime_signaling_leave (member->signaling);
  g_object_unref (member->signaling);
  parla_realtime_stop (member->realtime);
  g_object_unref (member->realtime);
  g_ptr_array_unref (member->events);
  g_free (member);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Member, member_free)

static gboolean
has_event (Member     *member,
           const char *event)
{
  for (guint i = 0; i < member->events->len; i++)
    if (g_str_equal (g_ptr_array_index (member->events, i), event))
      return TRUE;
  return FALSE;
}

static guint
count_prefix (Member     *member,
              const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < member->events->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (member->events, i), prefix))
      n++;
  return n;
}

/* The call room of the fixture's session, joined over REST by @token. */
static char *
join_call (PeerFixture *f,
           const char  *token)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/join", f->session_id);
  g_autoptr(PtResponse) response = pt_request (f->server, "POST", path, token, NULL, NULL);

  pt_assert_status (response, 200);
  return g_strdup (pt_str (response, "room"));
}

static void
send_to (Member     *member,
         const char *to,
         const char *json)
{
  g_autoptr(JsonNode) payload = json_from_string (json, NULL);

  parla_signaling_send (PARLA_SIGNALING (member->signaling), to, payload);
}

static void
test_room (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autofree char *room = join_call (f, f->teacher);
  g_autofree char *room2 = join_call (f, f->learner);
  g_autoptr(Member) teacher = member_new (f, f->teacher, room);
  g_autoptr(Member) learner = NULL;
  g_autofree char *joined = g_strdup_printf ("joined:%s", f->learner_id);
  g_autofree char *from_teacher = g_strdup_printf ("message:%s:{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}",
                                                   f->teacher_id);
  g_autofree char *from_learner = g_strdup_printf ("message:%s:{\"bye\":true}", f->learner_id);
  g_auto(GStrv) first = NULL;
  g_auto(GStrv) second = NULL;

  g_assert_cmpstr (room, ==, room2);

  /* The teacher is alone in the room: nobody was there first. */
  PT_WAIT_UNTIL (parla_realtime_signaling_get_ready (teacher->signaling), WAIT);
  first = parla_signaling_dup_members (PARLA_SIGNALING (teacher->signaling));
  g_assert_true (first == NULL || first[0] == NULL);

  /* The learner comes second: the teacher was there. */
  learner = member_new (f, f->learner, room);
  PT_WAIT_UNTIL (parla_realtime_signaling_get_ready (learner->signaling), WAIT);
  second = parla_signaling_dup_members (PARLA_SIGNALING (learner->signaling));
  g_assert_nonnull (second);
  g_assert_cmpstr (second[0], ==, f->teacher_id);
  g_assert_null (second[1]);
  PT_WAIT_UNTIL (has_event (teacher, joined), WAIT);
  g_assert_cmpstr (parla_realtime_signaling_get_display_name (teacher->signaling, f->learner_id),
                   ==, f->learner_email);

  /* The relay, both ways. */
  send_to (teacher, f->learner_id, "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
  PT_WAIT_UNTIL (has_event (learner, from_teacher), WAIT);
  send_to (learner, f->teacher_id, "{\"bye\":true}");
  PT_WAIT_UNTIL (has_event (teacher, from_learner), WAIT);
  g_assert_cmpuint (count_prefix (teacher, "left:"), ==, 0);
  g_assert_cmpuint (count_prefix (teacher, "failed:"), ==, 0);
}

/* A WebSocket blip shorter than the grace is no event; a longer absence
 * is a departure, once. */
static void
test_grace (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autofree char *room = join_call (f, f->teacher);
  g_autofree char *unused = join_call (f, f->learner);
  g_autoptr(Member) teacher = member_new (f, f->teacher, room);
  g_autoptr(Member) learner = NULL;
  g_autofree char *left = g_strdup_printf ("left:%s", f->learner_id);

  PT_WAIT_UNTIL (parla_realtime_signaling_get_ready (teacher->signaling), WAIT);
  learner = member_new (f, f->learner, room);
  PT_WAIT_UNTIL (count_prefix (teacher, "joined:") == 1, WAIT);

  /* Gone and back within the grace: the server says left then joined,
   * the call hears nothing. */
  parla_realtime_stop (learner->realtime);
  pt_ws_spin (200);
  parla_realtime_start (learner->realtime);
  PT_WAIT_UNTIL (parla_realtime_get_state (learner->realtime) == PARLA_REALTIME_CONNECTED &&
                 parla_realtime_has_joined (learner->realtime, room), WAIT);
  pt_ws_spin (GRACE + 500);
  g_assert_cmpuint (count_prefix (teacher, "left:"), ==, 0);
  g_assert_cmpuint (count_prefix (teacher, "joined:"), ==, 1);

  /* Our own reconnection: the room's members are the same, nothing is
   * reported. */
  parla_realtime_stop (teacher->realtime);
  parla_realtime_start (teacher->realtime);
  PT_WAIT_UNTIL (parla_realtime_get_state (teacher->realtime) == PARLA_REALTIME_CONNECTED &&
                 parla_realtime_has_joined (teacher->realtime, room), WAIT);
  pt_ws_spin (GRACE + 500);
  g_assert_cmpuint (count_prefix (teacher, "left:"), ==, 0);
  g_assert_cmpuint (count_prefix (teacher, "joined:"), ==, 1);

  /* Gone for longer: one departure, after the grace. */
  parla_realtime_stop (learner->realtime);
  PT_WAIT_UNTIL (has_event (teacher, left), WAIT);
  pt_ws_spin (500);
  g_assert_cmpuint (count_prefix (teacher, "left:"), ==, 1);

  /* Coming back after that is a new member for the call. */
  parla_realtime_start (learner->realtime);
  PT_WAIT_UNTIL (count_prefix (teacher, "joined:") == 2, WAIT);
}

/* Someone without a seat cannot enter the call room: the signalling
 * fails with the server's reason, and relays nothing. */
static void
test_refused (void)
{
  g_autoptr(PeerFixture) f = peer_fixture_new (NULL, NULL);
  g_autofree char *room = join_call (f, f->teacher);
  g_autofree char *outsider_id = NULL;
  g_autofree char *outsider = pt_register (f->server, "outsider@peer.test", "student", &outsider_id);
  g_autoptr(Member) teacher = member_new (f, f->teacher, room);
  g_autoptr(Member) intruder = member_new (f, outsider, room);

  PT_WAIT_UNTIL (parla_realtime_signaling_get_ready (teacher->signaling), WAIT);
  PT_WAIT_UNTIL (count_prefix (intruder, "failed:") == 1, WAIT);
  g_assert_false (parla_realtime_signaling_get_ready (intruder->signaling));

  /* What they send is dropped: the teacher hears nothing. */
  send_to (intruder, f->teacher_id, "{\"sdp\":{\"type\":\"offer\",\"sdp\":\"v=0\"}}");
  pt_ws_spin (500);
  g_assert_cmpuint (count_prefix (teacher, "message:"), ==, 0);
  g_assert_cmpuint (count_prefix (teacher, "joined:"), ==, 0);
}

/* The teacher and the learner share two calls: what is said in one is
 * not heard in the other. */
static void
test_other_call (void)
{
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(PeerFixture) f = peer_fixture_new_at (NULL, NULL, now);
  g_autofree char *room = NULL;
  g_autofree char *unused = NULL;
  /* The fixture's session starts within 5 minutes and lasts an hour: the
   * other one starts an hour later, and both are open a little before. */
  g_autofree char *when = pt_instant ((now / 60 + 70) * 60);
  g_autofree char *body = pt_json ("{\"title\":\"Other\",\"type\":\"group\",\"language\":\"es\",\"level\":\"A1\","
                                   "\"start\":\"%s\",\"duration_minutes\":30,\"capacity\":2,\"price_minor\":0}", when);
  g_autoptr(PtResponse) session = pt_request (f->server, "POST", "/api/v1/sessions", f->teacher, body, NULL);
  g_autoptr(PtResponse) seat = NULL;
  g_autoptr(PtResponse) join = NULL;
  g_autofree char *path = NULL;
  g_autoptr(Member) teacher = NULL;
  g_autoptr(Member) teacher_other = NULL;
  g_autoptr(Member) learner = NULL;
  g_autoptr(ParlaRealtimeSignaling) learner_other = NULL;
  g_autofree char *other_room = NULL;

  pt_assert_status (session, 201);
  pt_server_set_now (f->server, now + 62 * 60);
  room = join_call (f, f->teacher);
  unused = join_call (f, f->learner);
  path = g_strdup_printf ("/api/v1/sessions/%s/book", pt_str (session, "id"));
  seat = pt_request (f->server, "POST", path, f->learner, NULL, NULL);
  pt_assert_status (seat, 201);
  g_free (path);
  path = g_strdup_printf ("/api/v1/sessions/%s/join", pt_str (session, "id"));
  join = pt_request (f->server, "POST", path, f->teacher, NULL, NULL);
  pt_assert_status (join, 200);
  other_room = g_strdup (pt_str (join, "room"));
  g_assert_cmpstr (other_room, !=, room);
  g_clear_pointer (&join, pt_response_free);
  join = pt_request (f->server, "POST", path, f->learner, NULL, NULL);
  pt_assert_status (join, 200);

  teacher = member_new (f, f->teacher, room);
  learner = member_new (f, f->learner, room);
  teacher_other = g_new0 (Member, 1);
  teacher_other->events = g_ptr_array_new_with_free_func (g_free);
  teacher_other->realtime = g_object_ref (teacher->realtime);
  teacher_other->signaling = parla_realtime_signaling_new (teacher->realtime, other_room);
  g_signal_connect (teacher_other->signaling, "message", G_CALLBACK (on_message_cb), teacher_other);
  learner_other = parla_realtime_signaling_new (learner->realtime, other_room);

  PT_WAIT_UNTIL (parla_realtime_signaling_get_ready (teacher->signaling) &&
                 parla_realtime_signaling_get_ready (learner->signaling) &&
                 parla_realtime_signaling_get_ready (teacher_other->signaling) &&
                 parla_realtime_signaling_get_ready (learner_other), WAIT);

  /* Said in the other call: heard there only. */
  {
    g_autoptr(JsonNode) payload = json_from_string ("{\"bye\":true}", NULL);

    parla_signaling_send (PARLA_SIGNALING (learner_other), f->teacher_id, payload);
  }
  PT_WAIT_UNTIL (count_prefix (teacher_other, "message:") == 1, WAIT);
  pt_ws_spin (300);
  g_assert_cmpuint (count_prefix (teacher, "message:"), ==, 0);

  parla_realtime_signaling_leave (learner_other);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/realtime-signaling/room", test_room);
  g_test_add_func ("/realtime-signaling/grace", test_grace);
  g_test_add_func ("/realtime-signaling/refused", test_refused);
  g_test_add_func ("/realtime-signaling/other-call", test_other_call);

  return g_test_run ();
}
