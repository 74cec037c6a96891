/* parla-prejoin-view.h: self-preview, devices and a network check before
 * entering a call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gtk/gtk.h>
#include <json-glib/json-glib.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_PREJOIN_VIEW (parla_prejoin_view_get_type ())
G_DECLARE_FINAL_TYPE (ParlaPrejoinView, parla_prejoin_view, PARLA, PREJOIN_VIEW, GtkWidget)

GtkWidget  *parla_prejoin_view_new                (ParlaContext     *context);
void        parla_prejoin_view_set_call_info      (ParlaPrejoinView *self,
                                                   const char       *title,
                                                   JsonArray        *ice_servers);
const char *parla_prejoin_view_get_camera_id      (ParlaPrejoinView *self);
const char *parla_prejoin_view_get_microphone_id  (ParlaPrejoinView *self);
const char *parla_prejoin_view_get_speaker_id     (ParlaPrejoinView *self);
gboolean    parla_prejoin_view_get_audio_muted    (ParlaPrejoinView *self);
gboolean    parla_prejoin_view_get_video_enabled  (ParlaPrejoinView *self);
const char *parla_prejoin_view_get_check_result   (ParlaPrejoinView *self);
void        parla_prejoin_view_stop               (ParlaPrejoinView *self);

G_END_DECLS
