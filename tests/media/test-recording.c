/* test-recording.c: the tee point a recorder taps: what we send, after
 * mute and camera-off, in the call's own pipeline, while the call goes on
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gst/app/gstappsink.h>

#include "media-test-utils.h"
#include "parla-call-recording.h"

typedef struct
{
  GstElement *queue;
  GstElement *convert;    /* video only */
  GstElement *sink;
  GstPad     *pad;
} Tap;

static Tap *
tap_new (ParlaCall      *call,
         ParlaTrackKind  kind)
{
  Tap *tap = g_new0 (Tap, 1);
  GstBin *bin = parla_call_get_recording_bin (call);
  g_autoptr(GstPad) sinkpad = NULL;

  g_assert_nonnull (bin);
  tap->pad = parla_call_request_recording_pad (call, kind);
  g_assert_nonnull (tap->pad);

  tap->queue = gst_element_factory_make ("queue", NULL);
  gst_util_set_object_arg (G_OBJECT (tap->queue), "leaky", "downstream");
  tap->sink = gst_element_factory_make ("appsink", NULL);
  g_object_set (tap->sink, "sync", FALSE, "max-buffers", 1, "drop", TRUE, NULL);
  if (kind != PARLA_TRACK_AUDIO)
    {
      g_autoptr(GstCaps) caps = gst_caps_from_string ("video/x-raw,format=RGBA");
      tap->convert = gst_element_factory_make ("videoconvert", NULL);
      gst_bin_add_many (bin, tap->queue, tap->convert, tap->sink, NULL);
      gst_app_sink_set_caps (GST_APP_SINK (tap->sink), caps);
      g_assert_true (gst_element_link_many (tap->queue, tap->convert, tap->sink, NULL));
      gst_element_sync_state_with_parent (tap->convert);
    }
  else
    {
      gst_bin_add_many (bin, tap->queue, tap->sink, NULL);
      g_assert_true (gst_element_link (tap->queue, tap->sink));
    }
  gst_element_sync_state_with_parent (tap->sink);
  gst_element_sync_state_with_parent (tap->queue);

  sinkpad = gst_element_get_static_pad (tap->queue, "sink");
  g_assert_cmpint (gst_pad_link (tap->pad, sinkpad), ==, GST_PAD_LINK_OK);

  return tap;
}

/* The latest sample the recorder got, or NULL. */
static GstSample *
tap_pull (Tap *tap)
{
  return gst_app_sink_try_pull_sample (GST_APP_SINK (tap->sink), 100 * GST_MSECOND);
}

static gboolean
tap_sees (Tap          *tap,
          ParlaPicture  picture)
{
  g_autoptr(GstSample) sample = tap_pull (tap);

  return sample != NULL && parla_media_probe_picture (sample) == picture;
}

static gboolean
tap_hears (Tap    *tap,
           double  min_rms,
           double  max_rms)
{
  g_autoptr(GstSample) sample = tap_pull (tap);
  double hz, rms;

  return sample != NULL && parla_media_probe_audio_sample (sample, &hz, &rms) &&
         rms >= min_rms && rms <= max_rms;
}

static void
tap_free (ParlaCall *call,
          Tap       *tap)
{
  GstBin *bin = parla_call_get_recording_bin (call);

  parla_call_release_recording_pad (call, tap->pad);
  gst_element_set_state (tap->sink, GST_STATE_NULL);
  gst_element_set_state (tap->queue, GST_STATE_NULL);
  if (tap->convert != NULL)
    {
      gst_element_set_state (tap->convert, GST_STATE_NULL);
      gst_bin_remove (bin, tap->convert);
    }
  gst_bin_remove_many (bin, tap->queue, tap->sink, NULL);
  g_free (tap);
}

static void
test_tee_point (void)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);
  g_autoptr(MtParty) alice = mt_party_new (room, "alice", alice_options);
  g_autoptr(MtParty) bob = NULL;
  Tap *video, *audio;

  /* Nothing to tap before the call starts. */
  g_assert_null (parla_call_get_recording_bin (alice->call));
  g_assert_null (parla_call_request_recording_pad (alice->call, PARLA_TRACK_VIDEO));

  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);
  MT_WAIT_UNTIL (mt_party_has_media (alice, "bob") && mt_party_has_media (bob, "alice"), MT_WAIT);

  /* No screen shared: no screen pad. */
  g_assert_null (parla_call_request_recording_pad (alice->call, PARLA_TRACK_SCREEN));

  video = tap_new (alice->call, PARLA_TRACK_VIDEO);
  audio = tap_new (alice->call, PARLA_TRACK_AUDIO);
  MT_WAIT_UNTIL (tap_sees (video, PARLA_PICTURE_SMPTE), MT_WAIT);
  MT_WAIT_UNTIL (tap_hears (audio, 2000, 40000), MT_WAIT);

  /* What the others get: black with the camera off, silence when muted. */
  parla_call_set_video_enabled (alice->call, FALSE);
  parla_call_set_audio_muted (alice->call, TRUE);
  MT_WAIT_UNTIL (tap_sees (video, PARLA_PICTURE_BLACK), MT_WAIT);
  MT_WAIT_UNTIL (tap_hears (audio, 0, 200), MT_WAIT);
  parla_call_set_video_enabled (alice->call, TRUE);
  parla_call_set_audio_muted (alice->call, FALSE);

  /* Released, the call goes on: Bob still sees Alice. */
  tap_free (alice->call, video);
  tap_free (alice->call, audio);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (mt_party_get_remote (bob, "alice")), MT_WAIT);
  g_assert_cmpint (parla_call_get_state (alice->call), ==, PARLA_CALL_STATE_CONNECTED);
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

  g_test_add_func ("/media/recording/tee-point", test_tee_point);

  return g_test_run ();
}
