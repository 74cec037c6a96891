/* parla-call-options.h: what a call sends, and how it connects
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>

#include "parla-media-types.h"

G_BEGIN_DECLS

#define PARLA_TYPE_CALL_OPTIONS (parla_call_options_get_type ())

GType             parla_call_options_get_type          (void) G_GNUC_CONST;
ParlaCallOptions *parla_call_options_new               (void);
ParlaCallOptions *parla_call_options_copy              (const ParlaCallOptions *self);
ParlaCallOptions *parla_call_options_ref               (ParlaCallOptions       *self);
void              parla_call_options_unref             (ParlaCallOptions       *self);

void              parla_call_options_set_video_source  (ParlaCallOptions       *self,
                                                        ParlaMediaSource        source);
ParlaMediaSource  parla_call_options_get_video_source  (const ParlaCallOptions *self);
void              parla_call_options_set_audio_source  (ParlaCallOptions       *self,
                                                        ParlaMediaSource        source);
ParlaMediaSource  parla_call_options_get_audio_source  (const ParlaCallOptions *self);
void              parla_call_options_set_audio_output  (ParlaCallOptions       *self,
                                                        ParlaAudioOutput        output);
ParlaAudioOutput  parla_call_options_get_audio_output  (const ParlaCallOptions *self);
void              parla_call_options_set_video_size    (ParlaCallOptions       *self,
                                                        int                     width,
                                                        int                     height,
                                                        int                     fps);
void              parla_call_options_get_video_size    (const ParlaCallOptions *self,
                                                        int                    *width,
                                                        int                    *height,
                                                        int                    *fps);
void              parla_call_options_set_video_bitrate (ParlaCallOptions       *self,
                                                        guint                   kbps);
guint             parla_call_options_get_video_bitrate (const ParlaCallOptions *self);
void              parla_call_options_set_test_pattern  (ParlaCallOptions       *self,
                                                        const char             *pattern);
const char       *parla_call_options_get_test_pattern  (const ParlaCallOptions *self);
void              parla_call_options_set_test_tone     (ParlaCallOptions       *self,
                                                        double                  hz);
double            parla_call_options_get_test_tone     (const ParlaCallOptions *self);
void              parla_call_options_set_prefer_h264   (ParlaCallOptions       *self,
                                                        gboolean                prefer);
gboolean          parla_call_options_get_prefer_h264   (const ParlaCallOptions *self);
void              parla_call_options_set_relay_only    (ParlaCallOptions       *self,
                                                        gboolean                relay_only);
gboolean          parla_call_options_get_relay_only    (const ParlaCallOptions *self);
void              parla_call_options_set_latency       (ParlaCallOptions       *self,
                                                        guint                   ms);
guint             parla_call_options_get_latency       (const ParlaCallOptions *self);
void              parla_call_options_add_local_address (ParlaCallOptions       *self,
                                                        const char             *address);
const char * const *parla_call_options_get_local_addresses (const ParlaCallOptions *self);
void              parla_call_options_set_ice_tcp       (ParlaCallOptions       *self,
                                                        gboolean                ice_tcp);
gboolean          parla_call_options_get_ice_tcp       (const ParlaCallOptions *self);
void              parla_call_options_set_peer_timeout  (ParlaCallOptions       *self,
                                                        guint                   ms);
guint             parla_call_options_get_peer_timeout  (const ParlaCallOptions *self);
void              parla_call_options_set_alone_timeout (ParlaCallOptions       *self,
                                                        guint                   ms);
guint             parla_call_options_get_alone_timeout (const ParlaCallOptions *self);
void              parla_call_options_set_screen_source (ParlaCallOptions       *self,
                                                        ParlaMediaSource        source);
ParlaMediaSource  parla_call_options_get_screen_source (const ParlaCallOptions *self);
void              parla_call_options_set_screen_size   (ParlaCallOptions       *self,
                                                        int                     width,
                                                        int                     height,
                                                        int                     fps);
void              parla_call_options_get_screen_size   (const ParlaCallOptions *self,
                                                        int                    *width,
                                                        int                    *height,
                                                        int                    *fps);
void              parla_call_options_set_stats_interval (ParlaCallOptions      *self,
                                                         guint                  ms);
guint             parla_call_options_get_stats_interval (const ParlaCallOptions *self);
void              parla_call_options_set_media_file    (ParlaCallOptions       *self,
                                                        const char             *path);
const char       *parla_call_options_get_media_file    (const ParlaCallOptions *self);
void              parla_call_options_set_camera        (ParlaCallOptions       *self,
                                                        const char             *id);
const char       *parla_call_options_get_camera        (const ParlaCallOptions *self);
void              parla_call_options_set_microphone    (ParlaCallOptions       *self,
                                                        const char             *id);
const char       *parla_call_options_get_microphone    (const ParlaCallOptions *self);
void              parla_call_options_set_speaker       (ParlaCallOptions       *self,
                                                        const char             *id);
const char       *parla_call_options_get_speaker       (const ParlaCallOptions *self);
void              parla_call_options_set_echo_cancel   (ParlaCallOptions       *self,
                                                        gboolean                echo_cancel);
gboolean          parla_call_options_get_echo_cancel   (const ParlaCallOptions *self);
void              parla_call_options_set_noise_suppression (ParlaCallOptions   *self,
                                                            gboolean            noise_suppression);
gboolean          parla_call_options_get_noise_suppression (const ParlaCallOptions *self);
void              parla_call_options_set_gain_control  (ParlaCallOptions       *self,
                                                        gboolean                gain_control);
gboolean          parla_call_options_get_gain_control  (const ParlaCallOptions *self);
void              parla_call_options_set_use_portals   (ParlaCallOptions       *self,
                                                        gboolean                use_portals);
gboolean          parla_call_options_get_use_portals   (const ParlaCallOptions *self);
void              parla_call_options_set_screen_restore_token (ParlaCallOptions *self,
                                                               const char       *token);
const char       *parla_call_options_get_screen_restore_token (const ParlaCallOptions *self);
void              parla_call_options_set_screen_prefers_detail (ParlaCallOptions *self,
                                                                gboolean          prefers_detail);
gboolean          parla_call_options_get_screen_prefers_detail (const ParlaCallOptions *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaCallOptions, parla_call_options_unref)

G_END_DECLS
