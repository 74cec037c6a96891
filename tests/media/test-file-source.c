/* test-file-source.c: a media file as the camera and microphone of a
 * call, played in a loop; files that cannot be played are refused before
 * the call starts
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>
#include <glib/gstdio.h>

#include "media-test-utils.h"

static char *media_dir;

static char *
make_clip (void)
{
  char *path = g_build_filename (media_dir, "clip.webm", NULL);

  mt_make_clip (path);
  return path;
}

static ParlaCallOptions *
file_options (const char *path)
{
  ParlaCallOptions *options = mt_options_new (440);

  parla_call_options_set_media_file (options, path);
  return options;
}

static void
test_plays_in_a_loop (void)
{
  g_autofree char *clip = make_clip ();
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaCallOptions) alice_options = mt_options_new (440);
  g_autoptr(ParlaCallOptions) bob_options = file_options (clip);
  g_autoptr(MtParty) alice = mt_party_new (room, "alice", alice_options);
  g_autoptr(MtParty) bob = NULL;
  MtRemote *remote;
  guint64 frames;

  mt_party_start (alice);
  bob = mt_party_new (room, "bob", bob_options);
  mt_party_start (bob);

  MT_WAIT_UNTIL (mt_party_has_media (alice, "bob") && mt_party_has_media (bob, "alice"), MT_WAIT);
  remote = mt_party_get_remote (alice, "bob");

  /* What the file shows and sounds like reaches the other side... */
  MT_WAIT_UNTIL (mt_remote_sees_smpte (remote), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (remote, 660), MT_WAIT);

  /* ...and goes on after the one second the file lasts. */
  mt_spin (mt_scale (2500));
  frames = parla_remote_track_get_n_samples (remote->video);
  mt_spin (mt_scale (1000));
  g_assert_cmpuint (parla_remote_track_get_n_samples (remote->video), >, frames + 5);
  MT_WAIT_UNTIL (mt_remote_sees_smpte (remote), MT_WAIT);
  MT_WAIT_UNTIL (mt_remote_hears_tone (remote, 660), MT_WAIT);
}

static void
expect_refused (const char *path,
                const char *message)
{
  g_autoptr(ParlaLoopbackRoom) room = parla_loopback_room_new ();
  g_autoptr(ParlaLoopbackSignaling) signaling = parla_loopback_signaling_new (room, "bob", "Bob");
  g_autoptr(ParlaCallOptions) options = file_options (path);
  g_autoptr(ParlaCall) call = NULL;
  g_autoptr(GError) error = NULL;

  call = parla_call_new ("bob", PARLA_SIGNALING (signaling), NULL, options, &error);
  g_assert_no_error (error);
  g_assert_false (parla_call_start (call, &error));
  g_assert_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, message));
  g_assert_cmpint (parla_call_get_state (call), ==, PARLA_CALL_STATE_NEW);
}

static void
test_refused (void)
{
  g_autofree char *missing = g_build_filename (media_dir, "missing.webm", NULL);
  g_autofree char *text = g_build_filename (media_dir, "notes.txt", NULL);

  g_assert_true (g_file_set_contents (text, "not a video\n", -1, NULL));
  expect_refused (missing, "No media file");
  expect_refused (text, "Cannot play");
  expect_refused (media_dir, "No media file");
}

int
main (int   argc,
      char *argv[])
{
  g_autoptr(GError) error = NULL;
  int status;

  if (!mt_init (&argc, &argv))
    return g_test_run ();

  media_dir = g_dir_make_tmp ("parla-media-file-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/media/file/plays-in-a-loop", test_plays_in_a_loop);
  g_test_add_func ("/media/file/refused", test_refused);

  status = g_test_run ();

  {
    g_autoptr(GDir) dir = g_dir_open (media_dir, 0, NULL);
    const char *name;

    while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
      {
        g_autofree char *file = g_build_filename (media_dir, name, NULL);
        g_unlink (file);
      }
    g_rmdir (media_dir);
  }
  g_free (media_dir);

  return status;
}
