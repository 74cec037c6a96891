/* parla-call-recording.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-call-recording.h"

#include "parla-call-private.h"
#include "parla-local-media-private.h"

/* The tee point for recording (the recording itself, with consent, is the
 * app's): what we send is taken from the capture tees, after mute and
 * camera-off, so a recording shows what the others saw and heard; what we
 * receive is in each ParlaRemoteTrack::new-sample, decoded. A recorder adds
 * its elements to the call's bin and links them to the pads it requests;
 * they run on the call's clock. Its branch must not block: start it with a
 * leaky queue. */

/**
 * parla_call_get_recording_bin:
 * @self: a started #ParlaCall
 *
 * Returns: (transfer none) (nullable): the bin a recorder adds its elements
 *   to, or %NULL when the call has no pipeline (not started, or over)
 */
GstBin *
parla_call_get_recording_bin (ParlaCall *self)
{
  GstElement *pipeline;

  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  pipeline = _parla_call_get_pipeline (self);
  return pipeline != NULL ? GST_BIN (pipeline) : NULL;
}

/**
 * parla_call_request_recording_pad:
 * @self: a started #ParlaCall
 * @kind: the microphone (#PARLA_TRACK_AUDIO, 48 kHz mono S16), the camera
 *   (#PARLA_TRACK_VIDEO, I420 at the call's size) or the screen being
 *   shared (#PARLA_TRACK_SCREEN)
 *
 * A new source pad of the tee the encoders of @kind feed from; link it to
 * an element in parla_call_get_recording_bin() at once, and give it back
 * with parla_call_release_recording_pad().
 *
 * Returns: (transfer full) (nullable): the pad, or %NULL when the call does
 *   not send @kind now (no camera, no screen shared, not started)
 */
GstPad *
parla_call_request_recording_pad (ParlaCall      *self,
                                  ParlaTrackKind  kind)
{
  ParlaLocalMedia *local;

  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);
  g_return_val_if_fail (kind <= PARLA_TRACK_SCREEN, NULL);

  local = _parla_call_get_local (self);
  if (local == NULL || !_parla_local_media_has (local, kind))
    return NULL;

  return _parla_local_media_request_pad (local, kind);
}

/**
 * parla_call_release_recording_pad:
 * @self: a #ParlaCall
 * @pad: (transfer full): a pad from parla_call_request_recording_pad()
 *
 * Unlinks @pad and gives it back. After the call ended its pipeline is
 * gone and this only drops the reference.
 */
void
parla_call_release_recording_pad (ParlaCall *self,
                                  GstPad    *pad)
{
  ParlaLocalMedia *local;

  g_return_if_fail (PARLA_IS_CALL (self));
  g_return_if_fail (GST_IS_PAD (pad));

  local = _parla_call_get_local (self);
  if (local == NULL)
    {
      gst_object_unref (pad);
      return;
    }

  _parla_local_media_release_pad (local, pad);
}
