/* test-devices.c: listing devices, picking them, switching them mid-call,
 * and losing them, with a fake device provider
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "media-test-utils.h"
#include "mt-fake-devices.h"

typedef struct
{
  ParlaDeviceKind  kind;
  char            *lost_id;
  char            *now_id;
} Lost;

typedef struct
{
  ParlaLoopbackRoom *room;
  MtParty           *alice;    /* real devices, answers */
  MtParty           *bob;      /* test sources, offers */
  guint             *n_sdp;
  GPtrArray         *lost;     /* Lost */
} Fixture;

static void
lost_free (Lost *lost)
{
  g_free (lost->lost_id);
  g_free (lost->now_id);
  g_free (lost);
}

static void
plug_devices (void)
{
  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-red", "Red Camera", "red", TRUE);
  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-blue", "Blue Camera", "blue", FALSE);
  mt_fake_device_add (MT_FAKE_MICROPHONE, "fake-mic-330", "Low Microphone", "330", TRUE);
  mt_fake_device_add (MT_FAKE_MICROPHONE, "fake-mic-550", "High Microphone", "550", FALSE);
  mt_fake_device_add (MT_FAKE_SPEAKER, "fake-speaker-a", "Speaker A", NULL, TRUE);
}

static void
on_device_lost_cb (ParlaCall       *call,
                   ParlaDeviceKind  kind,
                   const char      *lost_id,
                   const char      *now_id,
                   Fixture         *fixture)
{
  Lost *lost = g_new0 (Lost, 1);

  lost->kind = kind;
  lost->lost_id = g_strdup (lost_id);
  lost->now_id = g_strdup (now_id);
  g_ptr_array_add (fixture->lost, lost);
}

/* Alice with @camera and @microphone (NULL: the defaults). */
static void
start_call (Fixture    *fixture,
            const char *camera,
            const char *microphone)
{
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = mt_options_new (660);

  parla_call_options_set_video_source (alice_options, PARLA_MEDIA_SOURCE_DEVICE);
  parla_call_options_set_audio_source (alice_options, PARLA_MEDIA_SOURCE_DEVICE);
  parla_call_options_set_camera (alice_options, camera);
  parla_call_options_set_microphone (alice_options, microphone);
  /* The default camera would be asked through the Camera portal. */
  parla_call_options_set_use_portals (alice_options, FALSE);

  fixture->alice = mt_party_new (fixture->room, "alice", alice_options);
  g_signal_connect (fixture->alice->call, "device-lost", G_CALLBACK (on_device_lost_cb), fixture);
  mt_party_start (fixture->alice);
  fixture->bob = mt_party_new (fixture->room, "bob", bob_options);
  mt_party_start (fixture->bob);

  MT_WAIT_UNTIL (parla_call_get_state (fixture->alice->call) == PARLA_CALL_STATE_CONNECTED &&
                 parla_call_get_state (fixture->bob->call) == PARLA_CALL_STATE_CONNECTED, MT_WAIT);
  MT_WAIT_UNTIL (mt_party_has_media (fixture->bob, "alice") &&
                 mt_party_has_media (fixture->alice, "bob"), MT_WAIT);

  /* Negotiation is over: from now on, any SDP would be a renegotiation. */
  fixture->n_sdp = mt_room_count_sdp (fixture->room);
}

static void
fixture_set_up (Fixture       *fixture,
                gconstpointer  data)
{
  plug_devices ();
  fixture->room = parla_loopback_room_new ();
  fixture->lost = g_ptr_array_new_with_free_func ((GDestroyNotify) lost_free);
}

static void
fixture_tear_down (Fixture       *fixture,
                   gconstpointer  data)
{
  if (fixture->alice != NULL)
    g_signal_handlers_disconnect_by_data (fixture->alice->call, fixture);
  g_clear_pointer (&fixture->bob, mt_party_free);
  g_clear_pointer (&fixture->alice, mt_party_free);
  mt_spin (50);
  g_assert_finalize_object (fixture->room);
  g_ptr_array_unref (fixture->lost);
  mt_fake_device_remove_all ();
}

static gboolean
has_device (GPtrArray  *devices,
            const char *id)
{
  for (guint i = 0; i < devices->len; i++)
    if (g_str_equal (parla_device_get_id (g_ptr_array_index (devices, i)), id))
      return TRUE;

  return FALSE;
}

static void
on_monitor_device_cb (ParlaDeviceMonitor *monitor,
                      ParlaDevice        *device,
                      GPtrArray          *seen)
{
  g_ptr_array_add (seen, g_strdup (parla_device_get_id (device)));
}

static void
test_list (Fixture       *fixture,
           gconstpointer  data)
{
  g_autoptr(ParlaDeviceMonitor) monitor = parla_device_monitor_new ();
  g_autoptr(GPtrArray) cameras = NULL;
  g_autoptr(GPtrArray) microphones = NULL;
  g_autoptr(GPtrArray) speakers = NULL;
  g_autoptr(GPtrArray) added = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) removed = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  ParlaDevice *device;

  g_assert_true (parla_device_monitor_start (monitor, &error));
  g_assert_no_error (error);

  cameras = parla_device_monitor_dup_devices (monitor, PARLA_DEVICE_KIND_CAMERA);
  microphones = parla_device_monitor_dup_devices (monitor, PARLA_DEVICE_KIND_MICROPHONE);
  speakers = parla_device_monitor_dup_devices (monitor, PARLA_DEVICE_KIND_SPEAKER);
  g_assert_true (has_device (cameras, "fake-cam-red") && has_device (cameras, "fake-cam-blue"));
  g_assert_false (has_device (cameras, "fake-mic-330"));
  g_assert_true (has_device (microphones, "fake-mic-330") && has_device (microphones, "fake-mic-550"));
  g_assert_true (has_device (speakers, "fake-speaker-a"));
  g_assert_false (has_device (speakers, "fake-mic-330"));

  device = parla_device_monitor_get_device (monitor, PARLA_DEVICE_KIND_CAMERA, "fake-cam-blue");
  g_assert_nonnull (device);
  g_assert_cmpstr (parla_device_get_display_name (device), ==, "Blue Camera");
  g_assert_cmpint (parla_device_get_kind (device), ==, PARLA_DEVICE_KIND_CAMERA);
  g_assert_false (parla_device_get_is_default (device));
  g_assert_null (parla_device_monitor_get_device (monitor, PARLA_DEVICE_KIND_MICROPHONE, "fake-cam-blue"));
  g_assert_null (parla_device_monitor_get_device (monitor, PARLA_DEVICE_KIND_CAMERA, "no-such-camera"));

  g_assert_cmpstr (parla_device_get_id (parla_device_monitor_get_default (monitor, PARLA_DEVICE_KIND_CAMERA)),
                   ==, "fake-cam-red");
  g_assert_cmpstr (parla_device_get_id (parla_device_monitor_get_default (monitor, PARLA_DEVICE_KIND_MICROPHONE)),
                   ==, "fake-mic-330");
  g_assert_cmpstr (parla_device_get_id (parla_device_monitor_get_default (monitor, PARLA_DEVICE_KIND_SPEAKER)),
                   ==, "fake-speaker-a");

  /* Hot-plug */
  g_signal_connect (monitor, "device-added", G_CALLBACK (on_monitor_device_cb), added);
  g_signal_connect (monitor, "device-removed", G_CALLBACK (on_monitor_device_cb), removed);

  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-green", "Green Camera", "green", FALSE);
  MT_WAIT_UNTIL (added->len == 1, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (added, 0), ==, "fake-cam-green");
  g_assert_nonnull (parla_device_monitor_get_device (monitor, PARLA_DEVICE_KIND_CAMERA, "fake-cam-green"));

  mt_fake_device_remove ("fake-cam-red");
  MT_WAIT_UNTIL (removed->len == 1, MT_WAIT);
  g_assert_cmpstr (g_ptr_array_index (removed, 0), ==, "fake-cam-red");
  g_assert_null (parla_device_monitor_get_device (monitor, PARLA_DEVICE_KIND_CAMERA, "fake-cam-red"));
  /* No default left among ours: the oldest camera. */
  g_assert_cmpstr (parla_device_get_id (parla_device_monitor_get_default (monitor, PARLA_DEVICE_KIND_CAMERA)),
                   !=, "fake-cam-red");

  parla_device_monitor_stop (monitor);
  g_signal_handlers_disconnect_by_data (monitor, added);
  g_signal_handlers_disconnect_by_data (monitor, removed);
}

static void
test_select (Fixture       *fixture,
             gconstpointer  data)
{
  MtRemote *at_bob;
  g_autofree char *camera = NULL;
  g_autofree char *microphone = NULL;
  g_autofree char *speaker = NULL;

  start_call (fixture, "fake-cam-blue", "fake-mic-550");
  at_bob = mt_party_get_remote (fixture->bob, "alice");

  /* Blue, and 550 Hz: the picked devices, not the defaults (red, 330 Hz). */
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 0, 0, 255), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 550), MT_WAIT);

  camera = parla_call_dup_device_id (fixture->alice->call, PARLA_DEVICE_KIND_CAMERA);
  microphone = parla_call_dup_device_id (fixture->alice->call, PARLA_DEVICE_KIND_MICROPHONE);
  speaker = parla_call_dup_device_id (fixture->alice->call, PARLA_DEVICE_KIND_SPEAKER);
  g_assert_cmpstr (camera, ==, "fake-cam-blue");
  g_assert_cmpstr (microphone, ==, "fake-mic-550");
  g_assert_null (speaker);  /* remote audio handed out, not played */
  g_assert_null (parla_call_dup_device_id (fixture->bob->call, PARLA_DEVICE_KIND_CAMERA));
}

static void
test_default (Fixture       *fixture,
              gconstpointer  data)
{
  MtRemote *at_bob;

  start_call (fixture, NULL, NULL);
  at_bob = mt_party_get_remote (fixture->bob, "alice");

  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 255, 0, 0), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 330), MT_WAIT);
}

static void
test_switch (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(ParlaRemoteTrack) video = NULL;
  g_autoptr(ParlaRemoteTrack) audio = NULL;
  MtRemote *at_bob;
  guint64 n_frames;

  start_call (fixture, "fake-cam-red", "fake-mic-330");
  at_bob = mt_party_get_remote (fixture->bob, "alice");
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 255, 0, 0), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 330), MT_WAIT);
  video = g_object_ref (at_bob->video);
  audio = g_object_ref (at_bob->audio);

  g_assert_true (parla_call_set_camera (fixture->alice->call, "fake-cam-blue", &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 0, 0, 255), MT_WAIT);

  g_assert_true (parla_call_set_microphone (fixture->alice->call, "fake-mic-550", &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 550), MT_WAIT);

  /* Back to the default camera. */
  g_assert_true (parla_call_set_camera (fixture->alice->call, NULL, &error));
  g_assert_no_error (error);
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 255, 0, 0), MT_WAIT);

  /* Bad input */
  g_assert_false (parla_call_set_camera (fixture->alice->call, "no-such-camera", &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (parla_call_set_camera (fixture->alice->call, "fake-mic-550", &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  g_assert_false (parla_call_set_camera (fixture->bob->call, "fake-cam-blue", &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE);
  g_clear_error (&error);

  /* Frames keep coming on the same tracks, and nothing was renegotiated. */
  n_frames = parla_remote_track_get_n_samples (at_bob->video);
  MT_WAIT_UNTIL (parla_remote_track_get_n_samples (at_bob->video) > n_frames + 10, MT_WAIT);
  g_assert_true (at_bob->video == video);
  g_assert_true (at_bob->audio == audio);
  g_assert_cmpuint (*fixture->n_sdp, ==, 0);
  g_assert_cmpuint (fixture->lost->len, ==, 0);
  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_null (fixture->alice->error);
}

static void
assert_lost (Fixture         *fixture,
             guint            index,
             ParlaDeviceKind  kind,
             const char      *lost_id,
             const char      *now_id)
{
  Lost *lost;

  MT_WAIT_UNTIL (fixture->lost->len > index, MT_WAIT);
  lost = g_ptr_array_index (fixture->lost, index);
  g_assert_cmpint (lost->kind, ==, kind);
  g_assert_cmpstr (lost->lost_id, ==, lost_id);
  g_assert_cmpstr (lost->now_id, ==, now_id);
}

static void
test_unplug (Fixture       *fixture,
             gconstpointer  data)
{
  g_autofree char *camera = NULL;
  MtRemote *at_bob;

  start_call (fixture, "fake-cam-blue", "fake-mic-550");
  at_bob = mt_party_get_remote (fixture->bob, "alice");
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 0, 0, 255), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 550), MT_WAIT);

  /* The camera in use goes: the default one takes over. */
  mt_fake_device_remove ("fake-cam-blue");
  assert_lost (fixture, 0, PARLA_DEVICE_KIND_CAMERA, "fake-cam-blue", "fake-cam-red");
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 255, 0, 0), MT_WAIT);

  /* The last camera goes: black frames. */
  mt_fake_device_remove ("fake-cam-red");
  assert_lost (fixture, 1, PARLA_DEVICE_KIND_CAMERA, "fake-cam-red", NULL);
  MT_WAIT_UNTIL (mt_remote_sees_black (at_bob), MT_WAIT);
  camera = parla_call_dup_device_id (fixture->alice->call, PARLA_DEVICE_KIND_CAMERA);
  g_assert_null (camera);

  /* Microphones likewise: the default, then silence. */
  mt_fake_device_remove ("fake-mic-550");
  assert_lost (fixture, 2, PARLA_DEVICE_KIND_MICROPHONE, "fake-mic-550", "fake-mic-330");
  MT_WAIT_UNTIL (mt_remote_hears_tone (at_bob, 330), MT_WAIT);
  mt_fake_device_remove ("fake-mic-330");
  assert_lost (fixture, 3, PARLA_DEVICE_KIND_MICROPHONE, "fake-mic-330", NULL);
  MT_WAIT_UNTIL (mt_remote_hears_silence (at_bob), MT_WAIT);

  /* The picked camera comes back, and is used again. */
  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-blue", "Blue Camera", "blue", FALSE);
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 0, 0, 255), MT_WAIT);

  /* All along: connected, with nothing renegotiated. */
  g_assert_cmpuint (fixture->lost->len, ==, 4);
  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_cmpint (parla_call_get_state (fixture->bob->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_false (mt_party_saw_state (fixture->alice, PARLA_CALL_STATE_RECONNECTING));
  g_assert_cmpuint (*fixture->n_sdp, ==, 0);
  g_assert_null (fixture->alice->error);
}

static void
test_broken (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  MtRemote *at_bob;

  mt_fake_device_add (MT_FAKE_CAMERA, "fake-cam-broken", "Broken Camera", "broken", FALSE);

  /* A camera that cannot be opened at the start: the default one instead. */
  start_call (fixture, "fake-cam-broken", NULL);
  assert_lost (fixture, 0, PARLA_DEVICE_KIND_CAMERA, "fake-cam-broken", "fake-cam-red");
  at_bob = mt_party_get_remote (fixture->bob, "alice");
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 255, 0, 0), MT_WAIT);

  /* And switched to mid-call: the same. */
  g_assert_true (parla_call_set_camera (fixture->alice->call, "fake-cam-broken", &error));
  g_assert_no_error (error);
  assert_lost (fixture, 1, PARLA_DEVICE_KIND_CAMERA, "fake-cam-broken", "fake-cam-red");
  MT_WAIT_UNTIL (mt_remote_sees_colour (at_bob, 255, 0, 0), MT_WAIT);

  g_assert_cmpint (parla_call_get_state (fixture->alice->call), ==, PARLA_CALL_STATE_CONNECTED);
  g_assert_null (fixture->alice->error);
  g_assert_cmpuint (*fixture->n_sdp, ==, 0);
}

static void
test_options (void)
{
  g_autoptr(ParlaCallOptions) options = parla_call_options_new ();
  g_autoptr(ParlaCallOptions) copy = NULL;

  g_assert_null (parla_call_options_get_camera (options));
  g_assert_true (parla_call_options_get_echo_cancel (options));
  g_assert_true (parla_call_options_get_noise_suppression (options));
  g_assert_true (parla_call_options_get_gain_control (options));
  g_assert_true (parla_call_options_get_use_portals (options));
  g_assert_true (parla_call_options_get_screen_prefers_detail (options));

  parla_call_options_set_camera (options, "cam");
  parla_call_options_set_microphone (options, "mic");
  parla_call_options_set_speaker (options, "out");
  parla_call_options_set_screen_restore_token (options, "token");
  copy = parla_call_options_copy (options);
  parla_call_options_set_camera (options, NULL);

  g_assert_null (parla_call_options_get_camera (options));
  g_assert_cmpstr (parla_call_options_get_camera (copy), ==, "cam");
  g_assert_cmpstr (parla_call_options_get_microphone (copy), ==, "mic");
  g_assert_cmpstr (parla_call_options_get_speaker (copy), ==, "out");
  g_assert_cmpstr (parla_call_options_get_screen_restore_token (copy), ==, "token");
}

int
main (int   argc,
      char *argv[])
{
  if (!mt_init (&argc, &argv))
    return g_test_run ();

  mt_fake_devices_register ();

  g_test_add_func ("/media/devices/options", test_options);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/media/devices/list", test_list);
  ADD ("/media/devices/select", test_select);
  ADD ("/media/devices/default", test_default);
  ADD ("/media/devices/switch", test_switch);
  ADD ("/media/devices/unplug", test_unplug);
  ADD ("/media/devices/broken", test_broken);
#undef ADD

  return g_test_run ();
}
