/* parla-call.h: one call, with one connection per other participant
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>
#include <json-glib/json-glib.h>

#include "parla-call-options.h"
#include "parla-call-stats.h"
#include "parla-device-monitor.h"
#include "parla-media-types.h"
#include "parla-remote-track.h"
#include "parla-signaling.h"

G_BEGIN_DECLS

#define PARLA_CALL_MAX_PARTICIPANTS 4

#define PARLA_TYPE_CALL (parla_call_get_type ())
G_DECLARE_FINAL_TYPE (ParlaCall, parla_call, PARLA, CALL, GObject)

ParlaCall      *parla_call_new                    (const char        *local_user_id,
                                                   ParlaSignaling    *signaling,
                                                   JsonNode          *ice_servers,
                                                   ParlaCallOptions  *options,
                                                   GError           **error);
gboolean        parla_call_start                  (ParlaCall         *self,
                                                   GError           **error);
void            parla_call_hang_up                (ParlaCall         *self);
ParlaCallState  parla_call_get_state              (ParlaCall         *self);
const GError   *parla_call_get_error              (ParlaCall         *self);
const char     *parla_call_get_local_user_id      (ParlaCall         *self);
char          **parla_call_dup_participants       (ParlaCall         *self);
ParlaCallState  parla_call_get_participant_state  (ParlaCall         *self,
                                                   const char        *user_id);
void            parla_call_set_audio_muted        (ParlaCall         *self,
                                                   gboolean           muted);
gboolean        parla_call_get_audio_muted        (ParlaCall         *self);
void            parla_call_set_video_enabled      (ParlaCall         *self,
                                                   gboolean           enabled);
gboolean        parla_call_get_video_enabled      (ParlaCall         *self);
gboolean        parla_call_start_screen_share     (ParlaCall         *self,
                                                   GError           **error);
void            parla_call_stop_screen_share      (ParlaCall         *self);
gboolean        parla_call_get_screen_shared      (ParlaCall         *self);
gboolean        parla_call_send_data              (ParlaCall         *self,
                                                   const char        *user_id,
                                                   GBytes            *data,
                                                   GError           **error);
gboolean        parla_call_send_text              (ParlaCall         *self,
                                                   const char        *user_id,
                                                   const char        *text,
                                                   GError           **error);

/* Devices and the portal's screen share */
gboolean        parla_call_set_camera             (ParlaCall         *self,
                                                   const char        *id,
                                                   GError           **error);
gboolean        parla_call_set_microphone         (ParlaCall         *self,
                                                   const char        *id,
                                                   GError           **error);
gboolean        parla_call_set_speaker            (ParlaCall         *self,
                                                   const char        *id,
                                                   GError           **error);
char           *parla_call_dup_device_id          (ParlaCall         *self,
                                                   ParlaDeviceKind    kind);
void            parla_call_start_screen_share_async  (ParlaCall           *self,
                                                      GCancellable        *cancellable,
                                                      GAsyncReadyCallback  callback,
                                                      gpointer             user_data);
gboolean        parla_call_start_screen_share_finish (ParlaCall           *self,
                                                      GAsyncResult        *result,
                                                      GError             **error);
char           *parla_call_dup_screen_restore_token  (ParlaCall           *self);
ParlaRemoteTrack *parla_call_get_local_video_track   (ParlaCall           *self);

G_END_DECLS
