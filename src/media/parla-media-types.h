/* parla-media-types.h: forward declarations and the enums of the call engine
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ParlaCall              ParlaCall;
typedef struct _ParlaCallOptions       ParlaCallOptions;
typedef struct _ParlaCallStats         ParlaCallStats;
typedef struct _ParlaRemoteTrack       ParlaRemoteTrack;
typedef struct _ParlaSignaling         ParlaSignaling;
typedef struct _ParlaLoopbackRoom      ParlaLoopbackRoom;
typedef struct _ParlaLoopbackSignaling ParlaLoopbackSignaling;

/**
 * ParlaCallState:
 * @PARLA_CALL_STATE_NEW: created, not started
 * @PARLA_CALL_STATE_CONNECTING: started, no media connection yet
 * @PARLA_CALL_STATE_CONNECTED: media flows with at least one participant
 * @PARLA_CALL_STATE_RECONNECTING: every connection was lost; trying again
 * @PARLA_CALL_STATE_ENDED: hung up, here or by everybody else; terminal
 * @PARLA_CALL_STATE_FAILED: gave up; terminal
 *
 * The state of a call, and of each participant in it.
 */
typedef enum
{
  PARLA_CALL_STATE_NEW,
  PARLA_CALL_STATE_CONNECTING,
  PARLA_CALL_STATE_CONNECTED,
  PARLA_CALL_STATE_RECONNECTING,
  PARLA_CALL_STATE_ENDED,
  PARLA_CALL_STATE_FAILED,
} ParlaCallState;

/**
 * ParlaTrackKind:
 * @PARLA_TRACK_AUDIO: a microphone
 * @PARLA_TRACK_VIDEO: a camera
 * @PARLA_TRACK_SCREEN: a shared screen
 */
typedef enum
{
  PARLA_TRACK_AUDIO,
  PARLA_TRACK_VIDEO,
  PARLA_TRACK_SCREEN,
} ParlaTrackKind;

/**
 * ParlaMediaSource:
 * @PARLA_MEDIA_SOURCE_NONE: send nothing of this kind
 * @PARLA_MEDIA_SOURCE_TEST: a test pattern (video) or a sine tone (audio)
 * @PARLA_MEDIA_SOURCE_DEVICE: the default camera or microphone
 */
typedef enum
{
  PARLA_MEDIA_SOURCE_NONE,
  PARLA_MEDIA_SOURCE_TEST,
  PARLA_MEDIA_SOURCE_DEVICE,
} ParlaMediaSource;

/**
 * ParlaAudioOutput:
 * @PARLA_AUDIO_OUTPUT_DEVICE: remote audio plays on the default output
 * @PARLA_AUDIO_OUTPUT_SAMPLES: remote audio is handed out as samples through
 *   its #ParlaRemoteTrack, and not played
 */
typedef enum
{
  PARLA_AUDIO_OUTPUT_DEVICE,
  PARLA_AUDIO_OUTPUT_SAMPLES,
} ParlaAudioOutput;

/**
 * ParlaQuality:
 * @PARLA_QUALITY_BAD: audio is likely broken; video was dropped
 * @PARLA_QUALITY_POOR: noticeable loss or delay
 * @PARLA_QUALITY_GOOD: minor impairment
 * @PARLA_QUALITY_EXCELLENT: no measurable impairment
 *
 * The four-level summary of one connection's quality.
 */
typedef enum
{
  PARLA_QUALITY_BAD,
  PARLA_QUALITY_POOR,
  PARLA_QUALITY_GOOD,
  PARLA_QUALITY_EXCELLENT,
} ParlaQuality;

/**
 * ParlaMediaError:
 * @PARLA_MEDIA_ERROR_MISSING_PLUGIN: a GStreamer element is not installed
 * @PARLA_MEDIA_ERROR_INVALID_ARGUMENT: bad ICE servers, options or arguments
 * @PARLA_MEDIA_ERROR_INVALID_STATE: the call is not in a state for this
 * @PARLA_MEDIA_ERROR_DEVICE: a camera or microphone failed
 * @PARLA_MEDIA_ERROR_NEGOTIATION: SDP was rejected, here or there
 * @PARLA_MEDIA_ERROR_CONNECTION: the media connection failed
 * @PARLA_MEDIA_ERROR_TIMEOUT: nobody answered in time
 * @PARLA_MEDIA_ERROR_TOO_LARGE: a data message is over the 64 KiB limit
 * @PARLA_MEDIA_ERROR_NOT_CONNECTED: no such participant, or no data channel
 * @PARLA_MEDIA_ERROR_PIPELINE: GStreamer reported an error
 */
typedef enum
{
  PARLA_MEDIA_ERROR_MISSING_PLUGIN,
  PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
  PARLA_MEDIA_ERROR_INVALID_STATE,
  PARLA_MEDIA_ERROR_DEVICE,
  PARLA_MEDIA_ERROR_NEGOTIATION,
  PARLA_MEDIA_ERROR_CONNECTION,
  PARLA_MEDIA_ERROR_TIMEOUT,
  PARLA_MEDIA_ERROR_TOO_LARGE,
  PARLA_MEDIA_ERROR_NOT_CONNECTED,
  PARLA_MEDIA_ERROR_PIPELINE,
} ParlaMediaError;

#define PARLA_MEDIA_ERROR (parla_media_error_quark ())
GQuark parla_media_error_quark (void);

/**
 * PARLA_DATA_MESSAGE_MAX:
 *
 * The largest data-channel message, in bytes. webrtcbin 1.22 puts no
 * max-message-size in its SDP, so browsers assume 64 KiB.
 */
#define PARLA_DATA_MESSAGE_MAX 65536

G_END_DECLS
