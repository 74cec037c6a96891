/* parla-peer-private.h: one participant's connection (one webrtcbin)
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>
#include <json-glib/json-glib.h>

#include "parla-call-options.h"
#include "parla-call-stats.h"
#include "parla-local-media-private.h"
#include "parla-remote-track.h"

G_BEGIN_DECLS

#define PARLA_TYPE_PEER (parla_peer_get_type ())
G_DECLARE_FINAL_TYPE (ParlaPeer, parla_peer, PARLA, PEER, GObject)

ParlaPeer      *_parla_peer_new              (const char          *user_id,
                                              gboolean             offerer,
                                              GstBin              *pipeline,
                                              ParlaLocalMedia     *local,
                                              ParlaCallOptions    *options,
                                              const char          *stun_uri,
                                              const char * const  *turn_uris);
gboolean        _parla_peer_start            (ParlaPeer           *self,
                                              GError             **error);
void            _parla_peer_handle_message   (ParlaPeer           *self,
                                              JsonObject          *message);
void            _parla_peer_close            (ParlaPeer           *self,
                                              ParlaCallState       state,
                                              const GError        *error);
const char     *_parla_peer_get_user_id      (ParlaPeer           *self);
ParlaCallState  _parla_peer_get_state        (ParlaPeer           *self);
const GError   *_parla_peer_get_error        (ParlaPeer           *self);
gboolean        _parla_peer_is_offerer       (ParlaPeer           *self);
gboolean        _parla_peer_get_ever_connected (ParlaPeer         *self);
gboolean        _parla_peer_send_data        (ParlaPeer           *self,
                                              GBytes              *data,
                                              gboolean             is_text,
                                              GError             **error);
void            _parla_peer_renegotiate      (ParlaPeer           *self);
gboolean        _parla_peer_add_screen       (ParlaPeer           *self,
                                              GError             **error);
void            _parla_peer_remove_screen    (ParlaPeer           *self);
GstElement     *_parla_peer_get_webrtcbin    (ParlaPeer           *self);
void            _parla_peer_set_reconnection (ParlaPeer           *self);
void            _parla_peer_move_pending_data (ParlaPeer          *from,
                                               ParlaPeer          *to);
gboolean        _parla_peer_is_new_session   (ParlaPeer           *self,
                                              JsonObject          *message);
gboolean        _parla_peer_check_media      (ParlaPeer           *self,
                                              gint64               since);

G_END_DECLS
