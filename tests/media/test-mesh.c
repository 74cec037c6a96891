/* test-mesh.c: three and four participants, one connection per pair
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "media-test-utils.h"

static const char * const names[] = { "alice", "bob", "carol", "dave", "eve" };
static const double tones[] = { 440, 660, 880, 1100, 1320 };

static gboolean
all_connected (MtParty **parties,
               guint     n)
{
  for (guint i = 0; i < n; i++)
    for (guint j = 0; j < n; j++)
      if (i != j && !mt_party_has_media (parties[i], names[j]))
        return FALSE;

  return TRUE;
}

static MtParty *
join (ParlaLoopbackRoom *room,
      guint              i,
      int                width)
{
  g_autoptr(ParlaCallOptions) options = mt_options_new (tones[i]);
  MtParty *party;

  parla_call_options_set_video_size (options, width, width * 3 / 4, 10);
  party = mt_party_new (room, names[i], options);
  mt_party_start (party);

  return party;
}

static void
test_three (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  MtParty *parties[3];

  /* Carol joins a call already connected. */
  parties[0] = join (room, 0, 320);
  parties[1] = join (room, 1, 320);
  MT_WAIT_UNTIL (all_connected (parties, 2), MT_WAIT);
  parties[2] = join (room, 2, 320);
  MT_WAIT_UNTIL (all_connected (parties, 3), MT_WAIT);

  /* Every pair, both ways: the right tone and the pattern. */
  for (guint i = 0; i < 3; i++)
    for (guint j = 0; j < 3; j++)
      {
        MtRemote *remote;

        if (i == j)
          continue;

        remote = mt_party_get_remote (parties[i], names[j]);
        MT_WAIT_UNTIL (mt_remote_hears_tone (remote, tones[j]), MT_WAIT);
        MT_WAIT_UNTIL (mt_remote_sees_smpte (remote), MT_WAIT);
        g_assert_cmpint (parla_call_get_participant_state (parties[i]->call, names[j]), ==,
                         PARLA_CALL_STATE_CONNECTED);
      }

  /* Data to everybody at once */
  g_assert_true (parla_call_send_text (parties[1]->call, NULL, "hello all", NULL));
  MT_WAIT_UNTIL (mt_party_get_remote (parties[0], "bob")->messages->len == 1 &&
                 mt_party_get_remote (parties[2], "bob")->messages->len == 1, MT_WAIT);

  /* Carol leaves: the others go on. */
  parla_call_hang_up (parties[2]->call);
  MT_WAIT_UNTIL (mt_party_get_participant_state (parties[0], "carol") == PARLA_CALL_STATE_ENDED &&
                 mt_party_get_participant_state (parties[1], "carol") == PARLA_CALL_STATE_ENDED,
                 MT_WAIT);
  g_assert_cmpint (parla_call_get_state (parties[0]->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_cmpint (parla_call_get_state (parties[1]->call), ==, PARLA_CALL_STATE_CONNECTED);
  MT_WAIT_UNTIL (mt_remote_hears_tone (mt_party_get_remote (parties[0], "bob"), tones[1]), MT_WAIT);

  /* Then Bob: Alice was the last one; her call ends. */
  parla_call_hang_up (parties[1]->call);
  MT_WAIT_UNTIL (parla_call_get_state (parties[0]->call) == PARLA_CALL_STATE_ENDED, MT_WAIT);
  g_assert_null (parla_call_get_error (parties[0]->call));

  for (guint i = 0; i < 3; i++)
    mt_party_free (parties[i]);
}

static void
test_four_and_full (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  MtParty *parties[5];

  /* Four at once (the limit), small video: twelve encoders on two cores. */
  for (guint i = 0; i < 4; i++)
    parties[i] = join (room, i, 160);
  MT_WAIT_UNTIL (all_connected (parties, 4), MT_WAIT);

  /* A fifth is not connected to. */
  parties[4] = join (room, 4, 160);
  mt_spin (1000);
  for (guint i = 0; i < 4; i++)
    {
      g_auto(GStrv) participants = parla_call_dup_participants (parties[i]->call);

      g_assert_cmpuint (g_strv_length (participants), ==, 3);
      g_assert_false (g_strv_contains ((const char * const *) participants, "eve"));
      g_assert_cmpint (parla_call_get_state (parties[i]->call), ==, PARLA_CALL_STATE_CONNECTED);
    }

  for (guint i = 0; i < 5; i++)
    mt_party_free (parties[i]);
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

  g_test_add_func ("/media/mesh/three", test_three);
  g_test_add_func ("/media/mesh/four-and-full", test_four_and_full);

  return g_test_run ();
}
