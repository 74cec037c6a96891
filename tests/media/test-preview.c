/* test-preview.c: the pre-join preview: self-view frames, the microphone
 * level, device switching and the test sound
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "media-test-utils.h"
#include "mt-fake-devices.h"

static void
sample_size (GstSample *sample,
             int       *width,
             int       *height)
{
  GstStructure *structure = gst_caps_get_structure (gst_sample_get_caps (sample), 0);

  *width = *height = 0;
  gst_structure_get_int (structure, "width", width);
  gst_structure_get_int (structure, "height", height);
  g_assert_cmpstr (gst_structure_get_string (structure, "format"), ==, "RGBA");
}

static ParlaMediaPreview *
preview_new (ParlaCallOptions *options)
{
  g_autoptr(GError) error = NULL;
  ParlaMediaPreview *preview;

  preview = parla_media_preview_new (options, &error);
  g_assert_no_error (error);
  g_assert_nonnull (preview);

  return preview;
}

static void
test_frames (void)
{
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  g_autoptr(ParlaMediaPreview) preview = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GError) error = NULL;
  ParlaRemoteTrack *track;
  int width, height;
  guint64 n_off;

  /* Wider than the self-view's 640: scaled down, aspect kept. */
  parla_call_options_set_video_size (options, 1280, 720, 15);
  preview = preview_new (options);
  g_assert_null (parla_media_preview_get_video_track (preview));
  g_assert_false (parla_media_preview_get_running (preview));

  g_assert_true (parla_media_preview_start (preview, &error));
  g_assert_no_error (error);
  g_assert_true (parla_media_preview_get_running (preview));
  track = parla_media_preview_get_video_track (preview);
  g_assert_nonnull (track);

  MT_WAIT_UNTIL (parla_remote_track_get_n_samples (track) >= 3, MT_WAIT);
  sample = parla_remote_track_dup_last_sample (track);
  sample_size (sample, &width, &height);
  g_assert_cmpint (width, ==, 640);
  g_assert_cmpint (height, ==, 360);
  g_assert_true (mt_sample_is_smpte (sample));

  /* Camera off: no frames. */
  parla_media_preview_set_video_enabled (preview, FALSE);
  mt_spin (300);
  n_off = parla_remote_track_get_n_samples (track);
  mt_spin (500);
  g_assert_cmpuint (parla_remote_track_get_n_samples (track), ==, n_off);
  parla_media_preview_set_video_enabled (preview, TRUE);
  MT_WAIT_UNTIL (parla_remote_track_get_n_samples (track) > n_off + 2, MT_WAIT);

  parla_media_preview_stop (preview);
  g_assert_false (parla_media_preview_get_running (preview));
  g_assert_null (parla_media_preview_get_video_track (preview));
  g_assert_cmpfloat (parla_media_preview_get_level (preview), ==, PARLA_MEDIA_PREVIEW_SILENCE_DB);

  /* And again. */
  g_assert_true (parla_media_preview_start (preview, &error));
  track = parla_media_preview_get_video_track (preview);
  MT_WAIT_UNTIL (parla_remote_track_get_n_samples (track) >= 1, MT_WAIT);
}

static GThread *main_thread;

static void
on_level_notify_cb (ParlaMediaPreview *preview,
                    GParamSpec        *pspec,
                    guint             *n_notifies)
{
  /* On the main thread, never a streaming thread. */
  g_assert_true (g_thread_self () == main_thread);
  (*n_notifies)++;
}

/* The level follows the microphone: the test tone (volume 0.3, about
 * -10 dB) against a microphone hearing a 0 Hz "tone", which is silence. */
static void
test_level (void)
{
  g_autoptr(ParlaCallOptions) tone_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) silent_options = mt_options_new (440);
  g_autoptr(ParlaMediaPreview) tone = NULL;
  g_autoptr(ParlaMediaPreview) silent = NULL;
  guint n_notifies = 0;

  parla_call_options_set_video_source (tone_options, PARLA_MEDIA_SOURCE_NONE);
  parla_call_options_set_video_source (silent_options, PARLA_MEDIA_SOURCE_NONE);

  tone = preview_new (tone_options);
  g_signal_connect (tone, "notify::level", G_CALLBACK (on_level_notify_cb), &n_notifies);
  g_assert_true (parla_media_preview_start (tone, NULL));
  g_assert_null (parla_media_preview_get_video_track (tone));
  MT_WAIT_UNTIL (parla_media_preview_get_level (tone) > -20.0, MT_WAIT);
  g_assert_cmpfloat (parla_media_preview_get_level (tone), <=, 0.0);
  g_assert_cmpuint (n_notifies, >, 0);
  parla_media_preview_stop (tone);

  mt_fake_device_add (MT_FAKE_MICROPHONE, "fake-mic-0", "Silent Microphone", "0", TRUE);
  parla_call_options_set_audio_source (silent_options, PARLA_MEDIA_SOURCE_DEVICE);
  silent = preview_new (silent_options);
  g_assert_true (parla_media_preview_start (silent, NULL));
  mt_spin (600);
  g_assert_cmpfloat (parla_media_preview_get_level (silent), <, -60.0);
  parla_media_preview_stop (silent);
  mt_fake_device_remove_all ();
}

static void
on_sound_done_cb (ParlaMediaPreview *preview,
                  gboolean           played,
                  int               *result)
{
  *result = played ? 1 : 0;
}

/* Fake devices: the default ones first, then the others, while running;
 * unknown ids are refused; the test sound reaches the chosen speaker. */
static void
test_devices (void)
{
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  g_autoptr(ParlaMediaPreview) preview = NULL;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *camera = NULL;
  g_autofree char *microphone = NULL;
  g_autofree char *speaker = NULL;
  ParlaRemoteTrack *track;
  int result = -1;

  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-red", "Red Camera", "red", TRUE);
  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-blue", "Blue Camera", "blue", FALSE);
  mt_fake_device_add (MT_FAKE_MICROPHONE, "fake-mic-330", "Loud Microphone", "330", TRUE);
  mt_fake_device_add (MT_FAKE_MICROPHONE, "fake-mic-0", "Silent Microphone", "0", FALSE);
  mt_fake_device_add (MT_FAKE_SPEAKER, "fake-speaker-a", "Speaker A", NULL, TRUE);
  mt_fake_device_add (MT_FAKE_SPEAKER, "fake-speaker-b", "Speaker B", NULL, FALSE);

  parla_call_options_set_video_source (options, PARLA_MEDIA_SOURCE_DEVICE);
  parla_call_options_set_audio_source (options, PARLA_MEDIA_SOURCE_DEVICE);
  parla_call_options_set_use_portals (options, FALSE);
  preview = preview_new (options);
  g_assert_true (parla_media_preview_start (preview, &error));
  g_assert_no_error (error);

  track = parla_media_preview_get_video_track (preview);
  camera = parla_media_preview_dup_device_id (preview, PARLA_DEVICE_KIND_CAMERA);
  microphone = parla_media_preview_dup_device_id (preview, PARLA_DEVICE_KIND_MICROPHONE);
  g_assert_cmpstr (camera, ==, "fake-cam-red");
  g_assert_cmpstr (microphone, ==, "fake-mic-330");
  MT_WAIT_UNTIL ((sample = parla_remote_track_dup_last_sample (track)) != NULL &&
                 mt_sample_is_colour (sample, 255, 0, 0), MT_WAIT);
  g_clear_pointer (&sample, gst_sample_unref);
  MT_WAIT_UNTIL (parla_media_preview_get_level (preview) > -30.0, MT_WAIT);

  g_assert_true (parla_media_preview_set_camera (preview, "fake-cam-blue", &error));
  g_assert_no_error (error);
  g_assert_true (parla_media_preview_set_microphone (preview, "fake-mic-0", &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL ((sample = parla_remote_track_dup_last_sample (track)) != NULL &&
                 mt_sample_is_colour (sample, 0, 0, 255), MT_WAIT);
  g_clear_pointer (&sample, gst_sample_unref);
  MT_WAIT_UNTIL (parla_media_preview_get_level (preview) < -60.0, MT_WAIT);
  g_free (camera);
  camera = parla_media_preview_dup_device_id (preview, PARLA_DEVICE_KIND_CAMERA);
  g_assert_cmpstr (camera, ==, "fake-cam-blue");

  g_assert_false (parla_media_preview_set_camera (preview, "no-such-camera", &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (parla_media_preview_set_speaker (preview, "no-such-speaker", &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);

  g_assert_true (parla_media_preview_set_speaker (preview, "fake-speaker-b", &error));
  g_assert_no_error (error);
  speaker = parla_media_preview_dup_device_id (preview, PARLA_DEVICE_KIND_SPEAKER);
  g_assert_cmpstr (speaker, ==, "fake-speaker-b");
  g_signal_connect (preview, "test-sound-done", G_CALLBACK (on_sound_done_cb), &result);
  g_assert_true (parla_media_preview_play_test_sound (preview, &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (result != -1, MT_WAIT);
  g_assert_cmpint (result, ==, 1);

  parla_media_preview_stop (preview);
  mt_fake_device_remove_all ();
}

/* Test sources: there is no device to switch. */
static void
test_test_sources (void)
{
  g_autoptr(ParlaCallOptions) options = mt_options_new (440);
  g_autoptr(ParlaMediaPreview) preview = preview_new (options);
  g_autoptr(GError) error = NULL;

  g_assert_true (parla_media_preview_start (preview, &error));
  g_assert_false (parla_media_preview_set_camera (preview, NULL, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE);
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

  mt_fake_devices_register ();
  main_thread = g_thread_self ();

  g_test_add_func ("/media/preview/frames", test_frames);
  g_test_add_func ("/media/preview/level", test_level);
  g_test_add_func ("/media/preview/devices", test_devices);
  g_test_add_func ("/media/preview/test-sources", test_test_sources);

  return g_test_run ();
}
