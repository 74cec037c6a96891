/* parla-call-options.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-call-options.h"

struct _ParlaCallOptions
{
  /* owned */
  char             *test_pattern;
  GPtrArray        *local_addresses;   /* NULL-terminated */
  char             *camera_id;
  char             *media_file;
  char             *microphone_id;
  char             *speaker_id;
  char             *screen_restore_token;

  ParlaMediaSource  video_source;
  ParlaMediaSource  audio_source;
  ParlaMediaSource  screen_source;
  int               screen_width;
  int               screen_height;
  int               screen_fps;
  ParlaAudioOutput  audio_output;
  int               width;
  int               height;
  int               fps;
  guint             video_kbps;
  double            tone_hz;
  gboolean          prefer_h264;
  gboolean          relay_only;
  gboolean          ice_tcp;
  guint             latency_ms;
  guint             peer_timeout_ms;
  guint             alone_timeout_ms;
  guint             stats_interval_ms;
  gboolean          echo_cancel;
  gboolean          noise_suppression;
  gboolean          gain_control;
  gboolean          use_portals;
  gboolean          screen_prefers_detail;
};

G_DEFINE_BOXED_TYPE (ParlaCallOptions, parla_call_options,
                     parla_call_options_ref, parla_call_options_unref)

static gpointer
copy_string (gconstpointer src,
             gpointer      data)
{
  return g_strdup (src);
}

/**
 * parla_call_options_new:
 *
 * The defaults: camera and microphone, remote audio played, 640x480 at 30
 * frames per second and 800 kbit/s of VP8, the screen (when shared) at
 * 1920x1080 and 5 frames per second (detail over motion), echo
 * cancellation, noise suppression and gain control on a real microphone,
 * the Camera and ScreenCast portals used where there are, a 50 ms jitter buffer, ICE over
 * UDP and TCP, participants given up after 10 s without media, and a call
 * left alone failing after 30 s.
 *
 * Returns: (transfer full): new options
 */
ParlaCallOptions *
parla_call_options_new (void)
{
  ParlaCallOptions *self = g_atomic_rc_box_new0 (ParlaCallOptions);

  self->test_pattern = g_strdup ("smpte");
  self->local_addresses = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->local_addresses, NULL);
  self->video_source = PARLA_MEDIA_SOURCE_DEVICE;
  self->audio_source = PARLA_MEDIA_SOURCE_DEVICE;
  self->audio_output = PARLA_AUDIO_OUTPUT_DEVICE;
  self->screen_source = PARLA_MEDIA_SOURCE_DEVICE;
  self->screen_width = 1920;
  self->screen_height = 1080;
  self->screen_fps = 5;
  self->width = 640;
  self->height = 480;
  self->fps = 30;
  self->video_kbps = 800;
  self->tone_hz = 440;
  self->ice_tcp = TRUE;
  self->latency_ms = 50;
  self->peer_timeout_ms = 10000;
  self->alone_timeout_ms = 30000;
  self->stats_interval_ms = 1000;
  self->echo_cancel = TRUE;
  self->noise_suppression = TRUE;
  self->gain_control = TRUE;
  self->use_portals = TRUE;
  self->screen_prefers_detail = TRUE;

  return self;
}

/**
 * parla_call_options_copy:
 * @self: options
 *
 * Returns: (transfer full): a copy of @self
 */
ParlaCallOptions *
parla_call_options_copy (const ParlaCallOptions *self)
{
  ParlaCallOptions *copy;

  g_return_val_if_fail (self != NULL, NULL);

  copy = parla_call_options_new ();
  g_free (copy->test_pattern);
  g_ptr_array_unref (copy->local_addresses);
  *copy = *self;
  copy->test_pattern = g_strdup (self->test_pattern);
  copy->local_addresses = g_ptr_array_copy (self->local_addresses, copy_string, NULL);
  copy->camera_id = g_strdup (self->camera_id);
  copy->media_file = g_strdup (self->media_file);
  copy->microphone_id = g_strdup (self->microphone_id);
  copy->speaker_id = g_strdup (self->speaker_id);
  copy->screen_restore_token = g_strdup (self->screen_restore_token);

  return copy;
}

static void
parla_call_options_clear (ParlaCallOptions *self)
{
  g_clear_pointer (&self->test_pattern, g_free);
  g_clear_pointer (&self->local_addresses, g_ptr_array_unref);
  g_clear_pointer (&self->camera_id, g_free);
  g_clear_pointer (&self->media_file, g_free);
  g_clear_pointer (&self->microphone_id, g_free);
  g_clear_pointer (&self->speaker_id, g_free);
  g_clear_pointer (&self->screen_restore_token, g_free);
}

/**
 * parla_call_options_ref:
 * @self: options
 *
 * Returns: (transfer full): @self
 */
ParlaCallOptions *
parla_call_options_ref (ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_atomic_rc_box_acquire (self);
}

/**
 * parla_call_options_unref:
 * @self: (transfer full): options
 */
void
parla_call_options_unref (ParlaCallOptions *self)
{
  g_return_if_fail (self != NULL);

  g_atomic_rc_box_release_full (self, (GDestroyNotify) parla_call_options_clear);
}

/**
 * parla_call_options_set_video_source:
 * @self: options
 * @source: where the camera picture comes from
 */
void
parla_call_options_set_video_source (ParlaCallOptions *self,
                                     ParlaMediaSource  source)
{
  g_return_if_fail (self != NULL);

  self->video_source = source;
}

ParlaMediaSource
parla_call_options_get_video_source (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, PARLA_MEDIA_SOURCE_NONE);

  return self->video_source;
}

/**
 * parla_call_options_set_audio_source:
 * @self: options
 * @source: where the sound comes from; a real microphone gets echo
 *   cancellation when webrtcdsp is installed
 */
void
parla_call_options_set_audio_source (ParlaCallOptions *self,
                                     ParlaMediaSource  source)
{
  g_return_if_fail (self != NULL);

  self->audio_source = source;
}

ParlaMediaSource
parla_call_options_get_audio_source (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, PARLA_MEDIA_SOURCE_NONE);

  return self->audio_source;
}

/**
 * parla_call_options_set_audio_output:
 * @self: options
 * @output: whether remote audio is played or handed out
 */
void
parla_call_options_set_audio_output (ParlaCallOptions *self,
                                     ParlaAudioOutput  output)
{
  g_return_if_fail (self != NULL);

  self->audio_output = output;
}

ParlaAudioOutput
parla_call_options_get_audio_output (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, PARLA_AUDIO_OUTPUT_DEVICE);

  return self->audio_output;
}

/**
 * parla_call_options_set_video_size:
 * @self: options
 * @width: sent width, even, 16 to 1920
 * @height: sent height, even, 16 to 1080
 * @fps: frames per second, 1 to 60
 */
void
parla_call_options_set_video_size (ParlaCallOptions *self,
                                   int               width,
                                   int               height,
                                   int               fps)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (width >= 16 && width <= 1920 && width % 2 == 0);
  g_return_if_fail (height >= 16 && height <= 1080 && height % 2 == 0);
  g_return_if_fail (fps >= 1 && fps <= 60);

  self->width = width;
  self->height = height;
  self->fps = fps;
}

void
parla_call_options_get_video_size (const ParlaCallOptions *self,
                                   int                    *width,
                                   int                    *height,
                                   int                    *fps)
{
  g_return_if_fail (self != NULL);

  if (width)
    *width = self->width;
  if (height)
    *height = self->height;
  if (fps)
    *fps = self->fps;
}

/**
 * parla_call_options_set_video_bitrate:
 * @self: options
 * @kbps: the highest video bitrate sent to each participant
 */
void
parla_call_options_set_video_bitrate (ParlaCallOptions *self,
                                      guint             kbps)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (kbps >= 50 && kbps <= 8000);

  self->video_kbps = kbps;
}

guint
parla_call_options_get_video_bitrate (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->video_kbps;
}

/**
 * parla_call_options_set_test_pattern:
 * @self: options
 * @pattern: a videotestsrc pattern nick, such as "smpte" or "ball"
 */
void
parla_call_options_set_test_pattern (ParlaCallOptions *self,
                                     const char       *pattern)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (pattern != NULL);

  g_free (self->test_pattern);
  self->test_pattern = g_strdup (pattern);
}

const char *
parla_call_options_get_test_pattern (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->test_pattern;
}

/**
 * parla_call_options_set_test_tone:
 * @self: options
 * @hz: the frequency of the test tone
 */
void
parla_call_options_set_test_tone (ParlaCallOptions *self,
                                  double            hz)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (hz >= 20 && hz <= 20000);

  self->tone_hz = hz;
}

double
parla_call_options_get_test_tone (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->tone_hz;
}

/**
 * parla_call_options_set_prefer_h264:
 * @self: options
 * @prefer: whether to send H.264 (openh264) rather than VP8 when both sides
 *   can; without openh264enc this is ignored
 */
void
parla_call_options_set_prefer_h264 (ParlaCallOptions *self,
                                    gboolean          prefer)
{
  g_return_if_fail (self != NULL);

  self->prefer_h264 = !!prefer;
}

gboolean
parla_call_options_get_prefer_h264 (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->prefer_h264;
}

/**
 * parla_call_options_set_relay_only:
 * @self: options
 * @relay_only: whether to connect through TURN only, which hides the
 *   addresses of the participants from each other
 */
void
parla_call_options_set_relay_only (ParlaCallOptions *self,
                                   gboolean          relay_only)
{
  g_return_if_fail (self != NULL);

  self->relay_only = !!relay_only;
}

gboolean
parla_call_options_get_relay_only (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->relay_only;
}

/**
 * parla_call_options_set_latency:
 * @self: options
 * @ms: the jitter buffer's latency
 */
void
parla_call_options_set_latency (ParlaCallOptions *self,
                                guint             ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (ms <= 2000);

  self->latency_ms = ms;
}

guint
parla_call_options_get_latency (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->latency_ms;
}

/**
 * parla_call_options_add_local_address:
 * @self: options
 * @address: an IP address
 *
 * Restricts ICE to the given local addresses. libnice skips loopback
 * otherwise, so tests on one machine add "127.0.0.1".
 */
void
parla_call_options_add_local_address (ParlaCallOptions *self,
                                      const char       *address)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (address != NULL);

  g_ptr_array_insert (self->local_addresses, self->local_addresses->len - 1, g_strdup (address));
}

/**
 * parla_call_options_get_local_addresses:
 * @self: options
 *
 * Returns: (transfer none): the addresses ICE is restricted to, or an
 *   empty array
 */
const char * const *
parla_call_options_get_local_addresses (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return (const char * const *) self->local_addresses->pdata;
}

/**
 * parla_call_options_set_ice_tcp:
 * @self: options
 * @ice_tcp: whether ICE gathers TCP candidates too
 */
void
parla_call_options_set_ice_tcp (ParlaCallOptions *self,
                                gboolean          ice_tcp)
{
  g_return_if_fail (self != NULL);

  self->ice_tcp = !!ice_tcp;
}

gboolean
parla_call_options_get_ice_tcp (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->ice_tcp;
}

/**
 * parla_call_options_set_peer_timeout:
 * @self: options
 * @ms: how long a participant may take to connect, or go without sending
 *   media, before it is given up
 */
void
parla_call_options_set_peer_timeout (ParlaCallOptions *self,
                                     guint             ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (ms >= 100);

  self->peer_timeout_ms = ms;
}

guint
parla_call_options_get_peer_timeout (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->peer_timeout_ms;
}

/**
 * parla_call_options_set_alone_timeout:
 * @self: options
 * @ms: how long a call that lost every participant (without a hang-up)
 *   waits for one before it fails
 */
void
parla_call_options_set_alone_timeout (ParlaCallOptions *self,
                                      guint             ms)
{
  g_return_if_fail (self != NULL);

  self->alone_timeout_ms = ms;
}

guint
parla_call_options_get_alone_timeout (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->alone_timeout_ms;
}

/**
 * parla_call_options_set_screen_source:
 * @self: options
 * @source: what parla_call_start_screen_share() shares: the X11 screen
 *   (ximagesrc), or a green test picture; what
 *   parla_call_start_screen_share_async() shares: the screen or window
 *   picked through the ScreenCast portal when one is on the session bus,
 *   or else the same
 */
void
parla_call_options_set_screen_source (ParlaCallOptions *self,
                                      ParlaMediaSource  source)
{
  g_return_if_fail (self != NULL);

  self->screen_source = source;
}

ParlaMediaSource
parla_call_options_get_screen_source (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, PARLA_MEDIA_SOURCE_NONE);

  return self->screen_source;
}

/**
 * parla_call_options_set_screen_size:
 * @self: options
 * @width: sent width, even, 16 to 3840
 * @height: sent height, even, 16 to 2160
 * @fps: frames per second, 1 to 30; slides and text need few
 */
void
parla_call_options_set_screen_size (ParlaCallOptions *self,
                                    int               width,
                                    int               height,
                                    int               fps)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (width >= 16 && width <= 3840 && width % 2 == 0);
  g_return_if_fail (height >= 16 && height <= 2160 && height % 2 == 0);
  g_return_if_fail (fps >= 1 && fps <= 30);

  self->screen_width = width;
  self->screen_height = height;
  self->screen_fps = fps;
}

void
parla_call_options_get_screen_size (const ParlaCallOptions *self,
                                    int                    *width,
                                    int                    *height,
                                    int                    *fps)
{
  g_return_if_fail (self != NULL);

  if (width)
    *width = self->screen_width;
  if (height)
    *height = self->screen_height;
  if (fps)
    *fps = self->screen_fps;
}

/**
 * parla_call_options_set_stats_interval:
 * @self: options
 * @ms: how often #ParlaCall::stats is emitted, 0 for never
 */
void
parla_call_options_set_stats_interval (ParlaCallOptions *self,
                                       guint             ms)
{
  g_return_if_fail (self != NULL);
  g_return_if_fail (ms == 0 || ms >= 100);

  self->stats_interval_ms = ms;
}

guint
parla_call_options_get_stats_interval (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->stats_interval_ms;
}

static void
set_string (char       **field,
            const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
}

/**
 * parla_call_options_set_media_file:
 * @self: a #ParlaCallOptions
 * @path: (nullable): a media file, or %NULL
 *
 * Sends @path's video and audio, in a loop, instead of the camera and the
 * microphone (or the test sources): for demos and tests. A file without
 * video sends black, one without audio silence. parla_call_start() fails
 * with %PARLA_MEDIA_ERROR_INVALID_ARGUMENT when it cannot be played.
 */
void
parla_call_options_set_media_file (ParlaCallOptions *self,
                                   const char       *path)
{
  g_return_if_fail (self != NULL);

  set_string (&self->media_file, path);
}

/**
 * parla_call_options_get_media_file:
 * @self: a #ParlaCallOptions
 *
 * Returns: (nullable): the media file sent instead of the camera and the
 *   microphone
 */
const char *
parla_call_options_get_media_file (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->media_file;
}

/**
 * parla_call_options_set_camera:
 * @self: options
 * @id: (nullable): a #ParlaDevice id from #ParlaDeviceMonitor, or %NULL
 *   for the default camera
 *
 * Picks the camera when the video source is %PARLA_MEDIA_SOURCE_DEVICE. A
 * picked camera is opened directly (v4l2src for a V4L2 device); the
 * default one goes through the Camera portal when there is one.
 */
void
parla_call_options_set_camera (ParlaCallOptions *self,
                               const char       *id)
{
  g_return_if_fail (self != NULL);

  set_string (&self->camera_id, id);
}

/**
 * parla_call_options_get_camera:
 * @self: options
 *
 * Returns: (nullable): the picked camera's id, or %NULL for the default
 */
const char *
parla_call_options_get_camera (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->camera_id;
}

/**
 * parla_call_options_set_microphone:
 * @self: options
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default microphone
 */
void
parla_call_options_set_microphone (ParlaCallOptions *self,
                                   const char       *id)
{
  g_return_if_fail (self != NULL);

  set_string (&self->microphone_id, id);
}

/**
 * parla_call_options_get_microphone:
 * @self: options
 *
 * Returns: (nullable): the picked microphone's id, or %NULL for the default
 */
const char *
parla_call_options_get_microphone (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->microphone_id;
}

/**
 * parla_call_options_set_speaker:
 * @self: options
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default output
 */
void
parla_call_options_set_speaker (ParlaCallOptions *self,
                                const char       *id)
{
  g_return_if_fail (self != NULL);

  set_string (&self->speaker_id, id);
}

/**
 * parla_call_options_get_speaker:
 * @self: options
 *
 * Returns: (nullable): the picked speaker's id, or %NULL for the default
 */
const char *
parla_call_options_get_speaker (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->speaker_id;
}

/**
 * parla_call_options_set_echo_cancel:
 * @self: options
 * @echo_cancel: whether a real microphone gets acoustic echo cancellation
 *   (webrtcdsp, fed by a webrtcechoprobe in front of the speaker)
 */
void
parla_call_options_set_echo_cancel (ParlaCallOptions *self,
                                    gboolean          echo_cancel)
{
  g_return_if_fail (self != NULL);

  self->echo_cancel = !!echo_cancel;
}

gboolean
parla_call_options_get_echo_cancel (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->echo_cancel;
}

/**
 * parla_call_options_set_noise_suppression:
 * @self: options
 * @noise_suppression: whether a real microphone gets noise suppression
 */
void
parla_call_options_set_noise_suppression (ParlaCallOptions *self,
                                          gboolean          noise_suppression)
{
  g_return_if_fail (self != NULL);

  self->noise_suppression = !!noise_suppression;
}

gboolean
parla_call_options_get_noise_suppression (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->noise_suppression;
}

/**
 * parla_call_options_set_gain_control:
 * @self: options
 * @gain_control: whether a real microphone gets automatic gain control
 */
void
parla_call_options_set_gain_control (ParlaCallOptions *self,
                                     gboolean          gain_control)
{
  g_return_if_fail (self != NULL);

  self->gain_control = !!gain_control;
}

gboolean
parla_call_options_get_gain_control (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->gain_control;
}

/**
 * parla_call_options_set_use_portals:
 * @self: options
 * @use_portals: whether the default camera and the shared screen go
 *   through xdg-desktop-portal (Camera, ScreenCast) when it is on the
 *   session bus; without it, or with %FALSE, the camera is opened
 *   directly and the screen taken with ximagesrc
 */
void
parla_call_options_set_use_portals (ParlaCallOptions *self,
                                    gboolean          use_portals)
{
  g_return_if_fail (self != NULL);

  self->use_portals = !!use_portals;
}

gboolean
parla_call_options_get_use_portals (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->use_portals;
}

/**
 * parla_call_options_set_screen_restore_token:
 * @self: options
 * @token: (nullable): what parla_call_dup_screen_restore_token() gave after
 *   an earlier share, so that the ScreenCast portal shares the same screen
 *   or window again without asking the user
 */
void
parla_call_options_set_screen_restore_token (ParlaCallOptions *self,
                                             const char       *token)
{
  g_return_if_fail (self != NULL);

  set_string (&self->screen_restore_token, token);
}

/**
 * parla_call_options_get_screen_restore_token:
 * @self: options
 *
 * Returns: (nullable): the ScreenCast portal's restore token
 */
const char *
parla_call_options_get_screen_restore_token (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return self->screen_restore_token;
}

/**
 * parla_call_options_set_screen_prefers_detail:
 * @self: options
 * @prefers_detail: whether the screen is content (slides, text, code):
 *   encoders keep its resolution and sharpness and give up frame rate
 *   under congestion. The screen track's raw caps carry it as
 *   `content-hint=(string)detail` or `motion`.
 */
void
parla_call_options_set_screen_prefers_detail (ParlaCallOptions *self,
                                              gboolean          prefers_detail)
{
  g_return_if_fail (self != NULL);

  self->screen_prefers_detail = !!prefers_detail;
}

gboolean
parla_call_options_get_screen_prefers_detail (const ParlaCallOptions *self)
{
  g_return_val_if_fail (self != NULL, FALSE);

  return self->screen_prefers_detail;
}
