/* test-network.c: stats and adaptation under loss, inside the process
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "media-test-utils.h"
#include "parla-call-private.h"

/* Loss on the receiving side of a call: every n-th datagram its ICE
 * transports receive is dropped (no netem here; on the receive side, as
 * nft would, so that nothing fails to send). */
typedef struct
{
  GPtrArray *pads;
  GArray    *probes;
  guint      every;
  guint      count;   /* atomic */
} Loss;

static GstPadProbeReturn
on_datagram_probe_cb (GstPad          *pad,
                      GstPadProbeInfo *info,
                      gpointer         user_data)
{
  Loss *loss = user_data;

  if (loss->every > 0 && g_atomic_int_add (&loss->count, 1) % loss->every == 0)
    return GST_PAD_PROBE_DROP;

  return GST_PAD_PROBE_OK;
}

static void
loss_start (Loss      *loss,
            ParlaCall *call,
            guint      every)
{
  GstElement *pipeline = _parla_call_get_pipeline (call);
  g_autoptr(GstIterator) it = NULL;
  GValue item = G_VALUE_INIT;

  loss->pads = g_ptr_array_new_with_free_func (gst_object_unref);
  loss->probes = g_array_new (FALSE, FALSE, sizeof (gulong));
  loss->every = every;

  it = gst_bin_iterate_all_by_element_factory_name (GST_BIN (pipeline), "nicesrc");
  while (gst_iterator_next (it, &item) == GST_ITERATOR_OK)
    {
      GstPad *pad = gst_element_get_static_pad (g_value_get_object (&item), "src");
      gulong id = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                                     on_datagram_probe_cb, loss, NULL);

      g_ptr_array_add (loss->pads, pad);
      g_array_append_val (loss->probes, id);
      g_value_reset (&item);
    }
  g_value_unset (&item);
  g_assert_cmpuint (loss->pads->len, >, 0);
}

static void
loss_stop (Loss *loss)
{
  for (guint i = 0; i < loss->pads->len; i++)
    gst_pad_remove_probe (g_ptr_array_index (loss->pads, i), g_array_index (loss->probes, gulong, i));
  g_clear_pointer (&loss->pads, g_ptr_array_unref);
  g_clear_pointer (&loss->probes, g_array_unref);
}

/* For probes already gone with their connection (a reconnection replaced
 * it): nothing to remove. */
static void
loss_forget (Loss *loss)
{
  g_clear_pointer (&loss->pads, g_ptr_array_unref);
  g_clear_pointer (&loss->probes, g_array_unref);
}

static ParlaCallStats *
last_stats (MtParty *party)
{
  if (party->stats->len == 0)
    return NULL;

  return g_ptr_array_index (party->stats, party->stats->len - 1);
}

static gboolean
video_suspended (MtParty *party)
{
  ParlaCallStats *stats = last_stats (party);

  if (stats != NULL && g_getenv ("MT_TRACE"))
    g_printerr ("%s: rtt %.1f loss %.3f remote %.3f target %u q %d (%u)\n", party->user_id,
                parla_call_stats_get_rtt (stats), parla_call_stats_get_loss (stats),
                parla_call_stats_get_remote_loss (stats), parla_call_stats_get_video_target (stats),
                parla_call_stats_get_quality (stats), party->stats->len);

  return stats != NULL && parla_call_stats_get_video_suspended (stats);
}

static double
worst_loss (MtParty *party)
{
  double worst = 0;

  for (guint i = 0; i < party->stats->len; i++)
    worst = MAX (worst, parla_call_stats_get_loss (g_ptr_array_index (party->stats, i)));

  return worst;
}

static gboolean
video_back (MtParty *party)
{
  ParlaCallStats *stats = last_stats (party);

  return stats != NULL && !parla_call_stats_get_video_suspended (stats);
}

static void
test_adaptation_under_loss (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);
  g_autoptr(MtParty) alice = NULL;
  g_autoptr(MtParty) bob = NULL;
  ParlaCallStats *stats;
  MtRemote *at_alice;
  guint64 frames;
  Loss loss = { 0 };

  parla_call_options_set_stats_interval (alice_options, 500);
  parla_call_options_set_stats_interval (bob_options, 500);
  alice = mt_party_new (room, "alice", alice_options);
  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);
  MT_WAIT_UNTIL (mt_party_has_media (alice, "bob") && mt_party_has_media (bob, "alice"), MT_WAIT);
  at_alice = mt_party_get_remote (alice, "bob");

  /* A third of what reaches Alice is lost: Bob, told by her receiver
   * reports, lowers his video to the floor, then stops it; audio goes on. */
  loss_start (&loss, alice->call, 3);
  MT_WAIT_UNTIL (video_suspended (bob), MT_WAIT);
  stats = last_stats (bob);
  g_test_message ("Bob, under loss: remote loss %.2f, video %u kbit/s, suspended",
                  parla_call_stats_get_remote_loss (stats), parla_call_stats_get_video_target (stats));
  g_assert_cmpint (parla_call_stats_get_quality (stats), ==, PARLA_QUALITY_BAD);
  g_assert_cmpuint (parla_call_stats_get_video_target (stats), ==, 80);
  /* Alice gets Bob's audio only. (Her own loss figure is what NACK and
   * RTX leave unrepaired, and can stay at zero.) */
  MT_WAIT_UNTIL (last_stats (alice) != NULL &&
                 parla_call_stats_get_recv_bitrate (last_stats (alice)) < 100, MT_WAIT);
  g_test_message ("Alice, under loss: worst inbound loss %.2f, %u kbit/s received",
                  worst_loss (alice), parla_call_stats_get_recv_bitrate (last_stats (alice)));
  g_assert_cmpint (parla_call_get_state (alice->call), ==, PARLA_CALL_STATE_CONNECTED);

  /* The loss ends: video comes back, from a keyframe. */
  loss_stop (&loss);
  MT_WAIT_UNTIL (video_back (bob), MT_WAIT);
  frames = parla_remote_track_get_n_samples (at_alice->video);
  MT_WAIT_UNTIL (parla_remote_track_get_n_samples (at_alice->video) > frames + 5 &&
                 mt_remote_sees_smpte (at_alice), MT_WAIT);
  g_assert_cmpuint (at_alice->n_removed, ==, 0);
}

static void
test_reconnect (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);
  g_autoptr(MtParty) alice = NULL;
  g_autoptr(MtParty) bob = NULL;
  Loss alice_loss = { 0 }, bob_loss = { 0 };

  /* Lost media is noticed after a third of this, given up after all of it. */
  parla_call_options_set_peer_timeout (alice_options, mt_scale (6000));
  parla_call_options_set_peer_timeout (bob_options, mt_scale (6000));
  alice = mt_party_new (room, "alice", alice_options);
  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);
  MT_WAIT_UNTIL (mt_party_has_media (alice, "bob") && mt_party_has_media (bob, "alice"), MT_WAIT);

  /* The network goes away (the signalling relay stays: another path). */
  loss_start (&alice_loss, alice->call, 1);
  loss_start (&bob_loss, bob->call, 1);
  MT_WAIT_UNTIL (parla_call_get_state (alice->call) == PARLA_CALL_STATE_RECONNECTING &&
                 parla_call_get_state (bob->call) == PARLA_CALL_STATE_RECONNECTING, MT_WAIT);
  g_assert_cmpint (mt_party_get_participant_state (alice, "bob"), ==, PARLA_CALL_STATE_RECONNECTING);

  /* Said while reconnecting: it waits for the new connection. */
  g_assert_true (parla_call_send_text (alice->call, "bob", "during the cut", NULL));

  /* Bob, who offered, reconnects with a new connection, which the probes
   * on the old one do not touch: both are connected again, with media. */
  MT_WAIT_UNTIL (parla_call_get_state (alice->call) == PARLA_CALL_STATE_CONNECTED &&
                 parla_call_get_state (bob->call) == PARLA_CALL_STATE_CONNECTED, MT_WAIT);
  MT_WAIT_UNTIL (mt_party_has_media (alice, "bob") && mt_party_has_media (bob, "alice"), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (mt_party_get_remote (alice, "bob"), 660) &&
                 mt_remote_sees_smpte (mt_party_get_remote (bob, "alice")), MT_WAIT);
  g_assert_cmpint (mt_party_get_participant_state (alice, "bob"), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_false (mt_party_saw_state (alice, PARLA_CALL_STATE_ENDED));
  g_assert_null (alice->error);
  g_assert_null (bob->error);

  /* The data channel is new too, and what was said during the cut came
   * first, once. */
  g_assert_true (parla_call_send_text (alice->call, "bob", "still there?", NULL));
  MT_WAIT_UNTIL (mt_party_get_remote (bob, "alice")->messages->len == 2, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (mt_party_get_remote (bob, "alice")->messages, 0), ==,
                   "during the cut");
  g_assert_cmpstr (g_ptr_array_index (mt_party_get_remote (bob, "alice")->messages, 1), ==,
                   "still there?");
  mt_spin (500);
  g_assert_cmpuint (mt_party_get_remote (bob, "alice")->messages->len, ==, 2);

  loss_forget (&alice_loss);
  loss_forget (&bob_loss);
}

static void
emit_network_changed (void)
{
  g_signal_emit_by_name (g_network_monitor_get_default (), "network-changed", TRUE);
}

static void
test_network_changed (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);
  g_autoptr(MtParty) alice = NULL;
  g_autoptr(MtParty) bob = NULL;
  Loss alice_loss = { 0 }, bob_loss = { 0 };
  guint *sdp;

  /* The watchdog would notice lost media only after a third of this, past
   * every wait below: only the network change can reconnect in time. */
  parla_call_options_set_peer_timeout (alice_options, mt_scale (120000));
  parla_call_options_set_peer_timeout (bob_options, mt_scale (120000));
  alice = mt_party_new (room, "alice", alice_options);
  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);
  MT_WAIT_UNTIL (mt_party_has_media (alice, "bob") && mt_party_has_media (bob, "alice"), MT_WAIT);
  sdp = mt_room_count_sdp (room);

  /* A change that leaves the path alone (media goes on): nothing happens,
   * once the check has run (a second after the change). */
  emit_network_changed ();
  mt_spin (mt_scale (3000));
  g_assert_cmpuint (*sdp, ==, 0);
  g_assert_false (mt_party_saw_state (alice, PARLA_CALL_STATE_RECONNECTING));
  g_assert_false (mt_party_saw_state (bob, PARLA_CALL_STATE_RECONNECTING));
  g_assert_cmpint (parla_call_get_state (alice->call), ==, PARLA_CALL_STATE_CONNECTED);

  /* The path goes away (the signalling relay stays) in a burst of
   * changes: one reconnection, by Bob, who offered. */
  loss_start (&alice_loss, alice->call, 1);
  loss_start (&bob_loss, bob->call, 1);
  emit_network_changed ();
  emit_network_changed ();
  emit_network_changed ();
  MT_WAIT_UNTIL (mt_party_saw_state (alice, PARLA_CALL_STATE_RECONNECTING) &&
                 mt_party_saw_state (bob, PARLA_CALL_STATE_RECONNECTING), MT_WAIT);

  /* More changes while it reconnects start nothing more. */
  emit_network_changed ();
  MT_WAIT_UNTIL (parla_call_get_state (alice->call) == PARLA_CALL_STATE_CONNECTED &&
                 parla_call_get_state (bob->call) == PARLA_CALL_STATE_CONNECTED, MT_WAIT);
  emit_network_changed ();
  MT_WAIT_UNTIL (mt_party_has_media (alice, "bob") && mt_party_has_media (bob, "alice"), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (mt_party_get_remote (alice, "bob"), 660) &&
                 mt_remote_sees_smpte (mt_party_get_remote (bob, "alice")), MT_WAIT);
  mt_spin (mt_scale (3000));
  g_assert_cmpuint (*sdp, ==, 2);  /* one offer, one answer */
  g_assert_cmpint (parla_call_get_state (alice->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_cmpint (parla_call_get_state (bob->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_false (mt_party_saw_state (alice, PARLA_CALL_STATE_ENDED));
  g_assert_null (alice->error);
  g_assert_null (bob->error);

  loss_forget (&alice_loss);
  loss_forget (&bob_loss);
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

  g_test_add_func ("/media/network/adaptation", test_adaptation_under_loss);
  g_test_add_func ("/media/network/reconnect", test_reconnect);
  g_test_add_func ("/media/network/network-changed", test_network_changed);

  return g_test_run ();
}
