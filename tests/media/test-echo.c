/* test-echo.c: echo cancellation and noise suppression on a real
 * microphone (webrtcdsp), fed by what the speaker plays (webrtcechoprobe)
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-call-private.h"

#include "media-test-utils.h"
#include "mt-fake-devices.h"

static ParlaCallOptions *
device_audio_options (void)
{
  ParlaCallOptions *options = mt_options_new (440);

  parla_call_options_set_audio_source (options, PARLA_MEDIA_SOURCE_DEVICE);
  parla_call_options_set_audio_output (options, PARLA_AUDIO_OUTPUT_DEVICE);
  parla_call_options_set_use_portals (options, FALSE);

  return options;
}

static GstBin *
pipeline_of (MtParty *party)
{
  GstElement *pipeline = _parla_call_get_pipeline (party->call);

  g_assert_nonnull (pipeline);
  return GST_BIN (pipeline);
}

static gboolean
has_ancestor_named (GstElement *element,
                    const char *name)
{
  g_autoptr(GstObject) parent = gst_object_get_parent (GST_OBJECT (element));

  while (parent != NULL)
    {
      GstObject *next;

      if (g_str_equal (GST_OBJECT_NAME (parent), name))
        return TRUE;
      next = gst_object_get_parent (parent);
      gst_object_unref (parent);
      parent = next;
    }

  return FALSE;
}

/* Whether buffers leaving @from reach @to, following the links (through
 * the device bins' ghost pads). */
static gboolean
feeds (GstElement *from,
       GstElement *to)
{
  g_autoptr(GstPad) pad = gst_element_get_static_pad (from, "src");

  for (guint hops = 0; pad != NULL && hops < 16; hops++)
    {
      g_autoptr(GstPad) peer = gst_pad_get_peer (pad);
      g_autoptr(GstElement) element = NULL;
      GstPad *target;

      while (peer != NULL && GST_IS_GHOST_PAD (peer) &&
             (target = gst_ghost_pad_get_target (GST_GHOST_PAD (peer))) != NULL)
        {
          gst_object_unref (peer);
          peer = target;
        }
      if (peer == NULL)
        return FALSE;

      element = gst_pad_get_parent_element (peer);
      if (element == to)
        return TRUE;

      g_clear_object (&pad);
      pad = gst_element_get_static_pad (element, "src");
    }

  return FALSE;
}

static gboolean
speaker_played (GstBin     *pipeline,
                const char *name)
{
  g_autoptr(GstElement) sink = gst_bin_get_by_name (pipeline, name);
  g_autoptr(GstSample) sample = NULL;

  if (sink == NULL)
    return FALSE;

  g_object_get (sink, "last-sample", &sample, NULL);
  return sample != NULL;
}

static void
test_wired (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = device_audio_options ();
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);
  g_autoptr(GError) error = NULL;
  g_autofree char *probe_name = NULL;
  g_autoptr(GstElement) old_speaker = NULL;
  g_autoptr(MtParty) alice = NULL;
  g_autoptr(MtParty) bob = NULL;
  GstElement *dsp, *probe, *volume;
  gboolean echo_cancel, noise_suppression, gain_control;
  double hz, rms;
  MtRemote *at_bob;

  mt_fake_device_add (MT_FAKE_MICROPHONE, "fake-mic-440", "Microphone", "440", TRUE);
  mt_fake_device_add (MT_FAKE_SPEAKER, "fake-speaker-a", "Speaker A", NULL, TRUE);
  mt_fake_device_add (MT_FAKE_SPEAKER, "fake-speaker-b", "Speaker B", NULL, FALSE);

  alice = mt_party_new (room, "alice", alice_options);
  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);
  MT_WAIT_UNTIL (parla_call_get_state (alice->call) == PARLA_CALL_STATE_CONNECTED &&
                 parla_call_get_state (bob->call) == PARLA_CALL_STATE_CONNECTED, MT_WAIT);
  MT_WAIT_UNTIL (mt_party_has_media (bob, "alice"), MT_WAIT);

  /* The DSP on the microphone, the probe in front of the speaker, by the
   * same name. */
  dsp = mt_bin_find_factory (pipeline_of (alice), "webrtcdsp");
  probe = mt_bin_find_factory (pipeline_of (alice), "webrtcechoprobe");
  volume = mt_bin_find_factory (pipeline_of (alice), "volume");
  g_assert_nonnull (dsp);
  g_assert_nonnull (probe);
  g_object_get (dsp,
                "probe", &probe_name,
                "echo-cancel", &echo_cancel,
                "noise-suppression", &noise_suppression,
                "gain-control", &gain_control,
                NULL);
  g_assert_cmpstr (probe_name, ==, GST_OBJECT_NAME (probe));
  g_assert_true (echo_cancel && noise_suppression && gain_control);
  g_assert_true (has_ancestor_named (probe, "parla-audio-output"));
  g_assert_true (feeds (dsp, volume));

  /* Audio goes through: the tone to Bob, Bob's tone to the speaker,
   * through the probe. */
  at_bob = mt_party_get_remote (bob, "alice");
  MT_WAIT_UNTIL (mt_audio_measure (&at_bob->audio_ring, &hz, &rms) && rms > 300, MT_WAIT);
  g_test_message ("through webrtcdsp: %.0f Hz, RMS %.0f", hz, rms);
  MT_WAIT_UNTIL (speaker_played (pipeline_of (alice), "fake-speaker-a"), MT_WAIT);
  old_speaker = gst_bin_get_by_name (pipeline_of (alice), "fake-speaker-a");
  g_assert_true (feeds (probe, old_speaker));

  /* Another speaker: the probe stays in front of it. */
  g_assert_true (parla_call_set_speaker (alice->call, "fake-speaker-b", &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (speaker_played (pipeline_of (alice), "fake-speaker-b"), MT_WAIT);
  {
    g_autoptr(GstElement) speaker = gst_bin_get_by_name (pipeline_of (alice), "fake-speaker-b");
    g_autoptr(GstElement) gone = gst_bin_get_by_name (pipeline_of (alice), "fake-speaker-a");

    g_assert_true (mt_bin_find_factory (pipeline_of (alice), "webrtcechoprobe") == probe);
    g_assert_true (feeds (probe, speaker));
    g_assert_null (gone);
  }
  {
    g_autofree char *speaker_id = parla_call_dup_device_id (alice->call, PARLA_DEVICE_KIND_SPEAKER);

    g_assert_cmpstr (speaker_id, ==, "fake-speaker-b");
  }

  /* Test sources get none of it. */
  g_assert_null (mt_bin_find_factory (pipeline_of (bob), "webrtcdsp"));
  g_assert_null (mt_bin_find_factory (pipeline_of (bob), "webrtcechoprobe"));
  g_assert_null (alice->error);

  g_clear_pointer (&bob, mt_party_free);
  g_clear_pointer (&alice, mt_party_free);
  mt_fake_device_remove_all ();
}

/* A lone call's capture, with @options. */
static MtParty *
start_alone (ParlaLoopbackRoom *room,
             const char        *user_id,
             ParlaCallOptions  *options)
{
  MtParty *party = mt_party_new (room, user_id, options);

  mt_party_start (party);
  return party;
}

static void
test_options (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaLoopbackRoom) other_room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) options = device_audio_options ();
  g_autoptr(MtParty) first = NULL;
  g_autoptr(MtParty) second = NULL;
  g_autofree char *first_probe = NULL;
  g_autofree char *second_probe = NULL;
  GstElement *dsp;
  gboolean echo_cancel, noise_suppression, gain_control;

  mt_fake_device_add (MT_FAKE_MICROPHONE, "fake-mic-440", "Microphone", "440", TRUE);
  mt_fake_device_add (MT_FAKE_SPEAKER, "fake-speaker-a", "Speaker A", NULL, TRUE);

  /* Two calls in one process: each DSP has its own probe. */
  first = start_alone (room, "first", options);
  second = start_alone (other_room, "second", options);
  g_object_get (mt_bin_find_factory (pipeline_of (first), "webrtcdsp"), "probe", &first_probe, NULL);
  g_object_get (mt_bin_find_factory (pipeline_of (second), "webrtcdsp"), "probe", &second_probe, NULL);
  g_assert_cmpstr (first_probe, !=, second_probe);
  g_assert_cmpstr (first_probe, ==,
                   GST_OBJECT_NAME (mt_bin_find_factory (pipeline_of (first), "webrtcechoprobe")));
  g_assert_cmpstr (second_probe, ==,
                   GST_OBJECT_NAME (mt_bin_find_factory (pipeline_of (second), "webrtcechoprobe")));
  g_clear_pointer (&second, mt_party_free);
  g_clear_pointer (&first, mt_party_free);

  /* Echo cancellation off: no probe; the rest stays. */
  parla_call_options_set_echo_cancel (options, FALSE);
  first = start_alone (room, "first", options);
  dsp = mt_bin_find_factory (pipeline_of (first), "webrtcdsp");
  g_assert_nonnull (dsp);
  g_object_get (dsp,
                "echo-cancel", &echo_cancel,
                "noise-suppression", &noise_suppression,
                "gain-control", &gain_control,
                NULL);
  g_assert_false (echo_cancel);
  g_assert_true (noise_suppression && gain_control);
  g_assert_null (mt_bin_find_factory (pipeline_of (first), "webrtcechoprobe"));
  g_clear_pointer (&first, mt_party_free);

  /* Each off on its own. */
  parla_call_options_set_echo_cancel (options, TRUE);
  parla_call_options_set_noise_suppression (options, FALSE);
  first = start_alone (room, "first", options);
  dsp = mt_bin_find_factory (pipeline_of (first), "webrtcdsp");
  g_object_get (dsp,
                "echo-cancel", &echo_cancel,
                "noise-suppression", &noise_suppression,
                "gain-control", &gain_control,
                NULL);
  g_assert_true (echo_cancel && gain_control);
  g_assert_false (noise_suppression);
  g_clear_pointer (&first, mt_party_free);

  /* All off: no DSP at all. */
  parla_call_options_set_echo_cancel (options, FALSE);
  parla_call_options_set_gain_control (options, FALSE);
  first = start_alone (room, "first", options);
  g_assert_null (mt_bin_find_factory (pipeline_of (first), "webrtcdsp"));
  g_assert_null (mt_bin_find_factory (pipeline_of (first), "webrtcechoprobe"));
  g_clear_pointer (&first, mt_party_free);

  /* Remote audio not played: nothing to cancel, the DSP's other parts
   * only. */
  parla_call_options_set_echo_cancel (options, TRUE);
  parla_call_options_set_gain_control (options, TRUE);
  parla_call_options_set_audio_output (options, PARLA_AUDIO_OUTPUT_SAMPLES);
  first = start_alone (room, "first", options);
  dsp = mt_bin_find_factory (pipeline_of (first), "webrtcdsp");
  g_object_get (dsp, "echo-cancel", &echo_cancel, NULL);
  g_assert_false (echo_cancel);
  g_assert_null (mt_bin_find_factory (pipeline_of (first), "webrtcechoprobe"));
  g_clear_pointer (&first, mt_party_free);

  mt_fake_device_remove_all ();
}

static void
skip_no_dsp (void)
{
  if (g_getenv ("PARLA_REQUIRE_ALL_TESTS") != NULL)
    g_error ("webrtcdsp or webrtcechoprobe is missing (gstreamer1.0-plugins-bad)");
  g_test_skip ("webrtcdsp or webrtcechoprobe is missing");
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

  mt_fake_devices_register ();

  if (!parla_media_has_element ("webrtcdsp") || !parla_media_has_element ("webrtcechoprobe"))
    {
      g_test_add_func ("/media/echo/skipped", skip_no_dsp);
      return g_test_run ();
    }

  g_test_add_func ("/media/echo/wired", test_wired);
  g_test_add_func ("/media/echo/options", test_options);

  return g_test_run ();
}
