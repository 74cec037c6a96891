/* parla-call.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-call.h"
#include "parla-call-private.h"

#include <string.h>

#include <gio/gio.h>
#include <gst/gst.h>

#include "parla-call-stats-private.h"
#include "parla-ice-servers-private.h"
#include "parla-local-media-private.h"
#include "parla-media-enums.h"
#include "parla-media-init.h"
#include "parla-peer-private.h"
#include "parla-remote-track-private.h"

GST_DEBUG_CATEGORY_STATIC (parla_call_debug);
#define GST_CAT_DEFAULT parla_call_debug

/* Failed connections a member gets before their offers are ignored. */
#define MAX_FAILURES 3
/* Reconnections in a row without getting connected. */
#define MAX_RECONNECTIONS 3
/* A network change is checked once no other came for this long. */
#define NETWORK_SETTLE_MS 1000

/**
 * ParlaCall:
 *
 * A call: one GStreamer pipeline holding the capture side (shared) and one
 * webrtcbin per other participant (a mesh of up to
 * %PARLA_CALL_MAX_PARTICIPANTS people). It talks to the others only
 * through its #ParlaSignaling, with these JSON payloads:
 *
 * - `{"sdp": {"type": "offer"|"answer", "sdp": "…"}}`
 * - `{"ice": {"candidate": "…", "sdpMLineIndex": N, "sdpMid": "0"}}`, an
 *   empty candidate ending the candidates
 * - `{"bye": true}` on hang-up
 *
 * Whoever joins the call room later sends the offer to each member already
 * there. Everything runs on the main context that was the thread-default
 * when the call was created; every signal is emitted there, except
 * #ParlaRemoteTrack::new-sample.
 *
 * The call is connected while media flows with anybody; it ends when
 * hung up here, or when the last other participant hangs up; it fails when
 * the pipeline fails, or when every participant was lost without hanging
 * up and nobody came back within the alone timeout.
 *
 * When the network changes (#GNetworkMonitor::network-changed: an
 * interface or a route came or went), the participants whose media stopped
 * are reconnected at once, without waiting for the silence to last.
 */
struct _ParlaCall
{
  GObject           parent_instance;

  /* owned */
  char             *local_user_id;
  ParlaSignaling   *signaling;
  ParlaCallOptions *options;
  char             *stun_uri;
  char            **turn_uris;
  GstElement       *pipeline;
  ParlaLocalMedia  *local;
  ParlaRemoteTrack *local_video_track; /* the self-view, once asked for */
  GHashTable       *peers;        /* user id -> ParlaPeer */
  GHashTable       *members;      /* user id -> display name; the room as we know it */
  GHashTable       *failures;     /* user id -> failed connections since they joined */
  GHashTable       *reconnections;/* user id -> reconnections since last connected */
  GHashTable       *byes;         /* user ids whose connection ends with their bye */
  GError           *error;
  GNetworkMonitor  *network_monitor;

  ParlaCallState    state;
  gint64            network_changed_time;
  gulong            network_changed_id;
  guint             bus_watch_id;
  guint             alone_timeout_id;
  guint             network_check_id;
  guint             audio_muted : 1;
  guint             video_enabled : 1;
  guint             ever_connected : 1;
  guint             tearing_down : 1;
  guint             screen_shared : 1;
};

G_DEFINE_FINAL_TYPE (ParlaCall, parla_call, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_LOCAL_USER_ID,
  PROP_STATE,
  PROP_AUDIO_MUTED,
  PROP_VIDEO_ENABLED,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  REMOTE_TRACK_ADDED,
  REMOTE_TRACK_REMOVED,
  PARTICIPANT_STATE,
  DATA_MESSAGE,
  STATS,
  ERROR,
  DEVICE_LOST,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void on_local_device_lost_cb  (ParlaDeviceKind  kind,
                                     const char      *lost_id,
                                     const char      *now_id,
                                     gpointer         user_data);
static void on_local_screen_ended_cb (gpointer        user_data);
static void add_peer (ParlaCall  *self,
                      const char *user_id,
                      gboolean    offerer);

static gboolean
is_over (ParlaCall *self)
{
  return self->state == PARLA_CALL_STATE_ENDED || self->state == PARLA_CALL_STATE_FAILED;
}

static void
set_state (ParlaCall      *self,
           ParlaCallState  state)
{
  if (self->state == state)
    return;

  GST_INFO ("call %s: %d -> %d", self->local_user_id, self->state, state);
  self->state = state;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
}

static void
send_bye (ParlaCall  *self,
          const char *user_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "bye");
  json_builder_add_boolean_value (builder, TRUE);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  parla_signaling_send (self->signaling, user_id, payload);
}

/* Releases everything; the call is over. */
static void
teardown (ParlaCall *self)
{
  g_autoptr(GList) peers = NULL;

  /* The peers closed below report it; the call's state is not theirs to
   * change any more (nor to arm the alone timeout). */
  self->tearing_down = TRUE;
  g_clear_handle_id (&self->alone_timeout_id, g_source_remove);
  g_clear_handle_id (&self->network_check_id, g_source_remove);
  if (self->network_monitor != NULL)
    {
      g_clear_signal_handler (&self->network_changed_id, self->network_monitor);
      g_clear_object (&self->network_monitor);
    }

  if (self->signaling != NULL)
    g_signal_handlers_disconnect_by_data (self->signaling, self);

  /* Closing emits state-changed, whose handler removes the peer. */
  peers = g_hash_table_get_values (self->peers);
  for (GList *l = peers; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = peers; l != NULL; l = l->next)
    {
      _parla_peer_close (l->data, PARLA_CALL_STATE_ENDED, NULL);
      g_object_unref (l->data);
    }
  g_hash_table_remove_all (self->peers);

  if (self->pipeline != NULL)
    {
      gst_element_set_state (self->pipeline, GST_STATE_NULL);
      g_clear_handle_id (&self->bus_watch_id, g_source_remove);
      g_clear_object (&self->local_video_track);
      g_clear_pointer (&self->local, _parla_local_media_free);
      gst_clear_object (&self->pipeline);
    }
}

static void
fail (ParlaCall *self,
      GError    *error)
{
  g_autoptr(GError) owned = error;
  GHashTableIter iter;
  const char *user_id;

  if (is_over (self))
    return;

  GST_WARNING ("call %s failed: %s", self->local_user_id, error->message);
  if (self->pipeline != NULL)
    GST_DEBUG_BIN_TO_DOT_FILE_WITH_TS (GST_BIN (self->pipeline), GST_DEBUG_GRAPH_SHOW_ALL,
                                       "parla-call-failed");

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user_id, NULL))
    send_bye (self, user_id);

  g_clear_error (&self->error);
  self->error = g_error_copy (error);
  teardown (self);
  set_state (self, PARLA_CALL_STATE_FAILED);
  g_signal_emit (self, signals[ERROR], 0, error);
}

static gboolean
on_alone_timeout_cb (gpointer user_data)
{
  ParlaCall *self = user_data;

  self->alone_timeout_id = 0;
  fail (self, g_error_new_literal (PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_TIMEOUT,
                                   "Every participant was lost"));

  return G_SOURCE_REMOVE;
}

/* The call's state follows its participants'. @removal says how one
 * just left, if one did: 0 not, 1 by hanging up, 2 lost. */
static void
update_state (ParlaCall *self,
              int        removal)
{
  GHashTableIter iter;
  ParlaPeer *peer;
  guint n_connected = 0;
  guint n_reconnecting = 0;

  if (is_over (self) || self->state == PARLA_CALL_STATE_NEW || self->tearing_down)
    return;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    {
      ParlaCallState state = _parla_peer_get_state (peer);

      if (state == PARLA_CALL_STATE_CONNECTED)
        n_connected++;
      else if (state == PARLA_CALL_STATE_RECONNECTING)
        n_reconnecting++;
    }

  if (n_connected > 0)
    {
      g_clear_handle_id (&self->alone_timeout_id, g_source_remove);
      self->ever_connected = TRUE;
      set_state (self, PARLA_CALL_STATE_CONNECTED);
      return;
    }

  if (removal != 0 && g_hash_table_size (self->peers) == 0)
    {
      if (removal == 1)
        {
          /* The last one hung up. */
          teardown (self);
          set_state (self, PARLA_CALL_STATE_ENDED);
          return;
        }

      if (self->alone_timeout_id == 0)
        self->alone_timeout_id =
          g_timeout_add (parla_call_options_get_alone_timeout (self->options),
                         on_alone_timeout_cb, self);
    }

  if (self->ever_connected || n_reconnecting > 0)
    set_state (self, PARLA_CALL_STATE_RECONNECTING);
  else
    set_state (self, PARLA_CALL_STATE_CONNECTING);
}

static void
remove_peer (ParlaCall      *self,
             const char     *user_id,
             ParlaCallState  state,
             gboolean        bye)
{
  ParlaPeer *peer = g_hash_table_lookup (self->peers, user_id);

  if (peer == NULL)
    return;

  /* state-changed removes it from the table and updates the call. */
  if (bye)
    g_hash_table_add (self->byes, g_strdup (user_id));
  _parla_peer_close (peer, state, NULL);
}

/* Peers */

static void
on_peer_send_cb (ParlaPeer *peer,
                 JsonNode  *payload,
                 ParlaCall *self)
{
  if (is_over (self))
    return;

  parla_signaling_send (self->signaling, _parla_peer_get_user_id (peer), payload);
}

static void
on_peer_state_changed_cb (ParlaPeer      *peer,
                          ParlaCallState  state,
                          ParlaCall      *self)
{
  g_autofree char *user_id = g_strdup (_parla_peer_get_user_id (peer));
  int removal = 0;

  g_signal_emit (self, signals[PARTICIPANT_STATE], 0, user_id, state);

  if (state == PARLA_CALL_STATE_CONNECTED)
    g_hash_table_remove (self->reconnections, user_id);

  if (state == PARLA_CALL_STATE_ENDED || state == PARLA_CALL_STATE_FAILED)
    {
      removal = g_hash_table_remove (self->byes, user_id) ? 1 : 2;
      if (state == PARLA_CALL_STATE_FAILED)
        g_hash_table_insert (self->failures, g_strdup (user_id),
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (self->failures,
                                                                                      user_id)) + 1));
      if (g_hash_table_lookup (self->peers, user_id) == peer)
        {
          g_signal_handlers_disconnect_by_data (peer, self);
          g_hash_table_remove (self->peers, user_id);
        }
    }

  update_state (self, removal);
}

static void
on_peer_track_added_cb (ParlaPeer        *peer,
                        ParlaRemoteTrack *track,
                        ParlaCall        *self)
{
  g_signal_emit (self, signals[REMOTE_TRACK_ADDED], 0, _parla_peer_get_user_id (peer),
                 parla_remote_track_get_kind (track), track);
}

static void
on_peer_track_removed_cb (ParlaPeer        *peer,
                          ParlaRemoteTrack *track,
                          ParlaCall        *self)
{
  g_signal_emit (self, signals[REMOTE_TRACK_REMOVED], 0, _parla_peer_get_user_id (peer),
                 parla_remote_track_get_kind (track), track);
}

static void
on_peer_data_message_cb (ParlaPeer *peer,
                         GBytes    *data,
                         gboolean   is_text,
                         ParlaCall *self)
{
  g_signal_emit (self, signals[DATA_MESSAGE], 0, _parla_peer_get_user_id (peer), data, is_text);
}

static void
on_peer_stats_cb (ParlaPeer      *peer,
                  ParlaCallStats *stats,
                  ParlaCall      *self)
{
  g_signal_emit (self, signals[STATS], 0, _parla_peer_get_user_id (peer), stats);
}

static void on_peer_restart_cb (ParlaPeer *peer,
                                ParlaCall *self);

/* Replaces the connection to @user_id, if any, by a new one. With
 * @reconnection, the participant stays (reconnecting) and the old
 * connection's tracks are removed on the way; otherwise it is a new
 * session of theirs (they joined again). */
static void
add_peer_full (ParlaCall  *self,
               const char *user_id,
               gboolean    offerer,
               gboolean    reconnection)
{
  g_autoptr(ParlaPeer) peer = NULL;
  g_autoptr(ParlaPeer) old = NULL;
  g_autoptr(GError) error = NULL;

  old = g_hash_table_lookup (self->peers, user_id);
  if (old != NULL)
    {
      g_object_ref (old);
      g_signal_handlers_disconnect_by_func (old, on_peer_state_changed_cb, self);
      g_signal_handlers_disconnect_by_func (old, on_peer_restart_cb, self);
      if (!reconnection)
        g_signal_handlers_disconnect_by_data (old, self);
      g_hash_table_remove (self->peers, user_id);
      _parla_peer_close (old, PARLA_CALL_STATE_ENDED, NULL);
      g_signal_handlers_disconnect_by_data (old, self);
    }

  if (g_hash_table_size (self->peers) + 1 >= PARLA_CALL_MAX_PARTICIPANTS)
    {
      GST_WARNING ("call %s: the call is full; %s ignored", self->local_user_id, user_id);
      return;
    }

  peer = _parla_peer_new (user_id, offerer, GST_BIN (self->pipeline), self->local, self->options,
                          self->stun_uri, (const char * const *) self->turn_uris);
  if (reconnection)
    _parla_peer_set_reconnection (peer);
  /* What was sent while the old connection's data channel was not open
   * goes on the new one: a reconnection loses no in-call event. */
  if (old != NULL)
    _parla_peer_move_pending_data (old, peer);
  g_signal_connect (peer, "send", G_CALLBACK (on_peer_send_cb), self);
  g_signal_connect (peer, "state-changed", G_CALLBACK (on_peer_state_changed_cb), self);
  g_signal_connect (peer, "track-added", G_CALLBACK (on_peer_track_added_cb), self);
  g_signal_connect (peer, "track-removed", G_CALLBACK (on_peer_track_removed_cb), self);
  g_signal_connect (peer, "data-message", G_CALLBACK (on_peer_data_message_cb), self);
  g_signal_connect (peer, "stats", G_CALLBACK (on_peer_stats_cb), self);
  g_signal_connect (peer, "restart", G_CALLBACK (on_peer_restart_cb), self);
  g_hash_table_insert (self->peers, g_strdup (user_id), g_object_ref (peer));

  g_clear_handle_id (&self->alone_timeout_id, g_source_remove);

  if (!_parla_peer_start (peer, &error))
    {
      GST_WARNING ("call %s: cannot start %s: %s", self->local_user_id, user_id, error->message);
      _parla_peer_close (peer, PARLA_CALL_STATE_FAILED, error);
      return;
    }

  /* Somebody who joins during a screen share gets it too. */
  if (self->screen_shared && !_parla_peer_add_screen (peer, &error))
    GST_WARNING ("call %s: cannot share the screen with %s: %s", self->local_user_id, user_id,
                 error->message);
}

static void
add_peer (ParlaCall  *self,
          const char *user_id,
          gboolean    offerer)
{
  add_peer_full (self, user_id, offerer, FALSE);
}

/* Reconnections since the participant was last connected: past the limit,
 * the participant is given up. */
static gboolean
may_reconnect (ParlaCall  *self,
               const char *user_id)
{
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (self->reconnections, user_id));

  if (n >= MAX_RECONNECTIONS)
    return FALSE;

  g_hash_table_insert (self->reconnections, g_strdup (user_id), GUINT_TO_POINTER (n + 1));
  return TRUE;
}

static void
on_peer_restart_cb (ParlaPeer *peer,
                    ParlaCall *self)
{
  g_autofree char *user_id = g_strdup (_parla_peer_get_user_id (peer));

  if (is_over (self) || self->tearing_down)
    return;

  if (!may_reconnect (self, user_id))
    {
      GST_INFO ("call %s: %s reconnected too often; given up", self->local_user_id, user_id);
      return;  /* the peer's own timeout ends it */
    }

  GST_INFO ("call %s: reconnecting to %s", self->local_user_id, user_id);
  add_peer_full (self, user_id, TRUE, _parla_peer_get_ever_connected (peer));
}

/* Network changes
 *
 * A change (Wi-Fi to cable, a VPN coming up, a resume) may take away the
 * path a connection uses, and libnice does not notice: without consent
 * freshness only the watchdog's silence (a third of the peer timeout)
 * would. Changes come in bursts (the netlink monitor reports each route
 * and address that comes or goes): each one re-arms a single check, which
 * runs once they settle. It asks each participant's connection
 * whether media came since the last change; one that is up and got none
 * reconnects. Connections not up (connecting, reconnecting, or a
 * reconnection under way) are left alone, so a change never starts a
 * second reconnection over one in flight. */

static gboolean
on_network_check_cb (gpointer user_data)
{
  ParlaCall *self = user_data;
  g_autoptr(GList) peers = NULL;

  self->network_check_id = 0;

  /* A reconnection replaces its peer in the table: go through a copy. */
  peers = g_hash_table_get_values (self->peers);
  for (GList *l = peers; l != NULL; l = l->next)
    g_object_ref (l->data);
  for (GList *l = peers; l != NULL; l = l->next)
    {
      if (!is_over (self) && !self->tearing_down)
        _parla_peer_check_media (l->data, self->network_changed_time);
      g_object_unref (l->data);
    }

  return G_SOURCE_REMOVE;
}

static void
on_network_changed_cb (GNetworkMonitor *monitor,
                       gboolean         network_available,
                       ParlaCall       *self)
{
  if (is_over (self) || self->tearing_down)
    return;

  GST_INFO ("call %s: the network changed (%s)", self->local_user_id,
            network_available ? "available" : "unavailable");

  /* Without a network there is nothing to reconnect over (and a wasted
   * attempt counts against MAX_RECONNECTIONS): the change that brings it
   * back is checked. */
  g_clear_handle_id (&self->network_check_id, g_source_remove);
  if (!network_available)
    return;

  self->network_changed_time = g_get_monotonic_time ();
  self->network_check_id = g_timeout_add (NETWORK_SETTLE_MS, on_network_check_cb, self);
}

/* Signalling in */

static void
on_signaling_message_cb (ParlaSignaling *signaling,
                         const char     *from_user_id,
                         JsonNode       *payload,
                         ParlaCall      *self)
{
  ParlaPeer *peer;
  JsonObject *message;
  JsonNode *sdp;

  if (is_over (self) || g_strcmp0 (from_user_id, self->local_user_id) == 0)
    return;

  if (!g_hash_table_contains (self->members, from_user_id))
    {
      GST_INFO ("call %s: payload from %s, who is not in the call, ignored",
                self->local_user_id, from_user_id);
      return;
    }

  if (payload == NULL || !JSON_NODE_HOLDS_OBJECT (payload))
    {
      GST_INFO ("call %s: malformed payload from %s ignored", self->local_user_id, from_user_id);
      return;
    }
  message = json_node_get_object (payload);

  if (json_object_has_member (message, "bye"))
    {
      remove_peer (self, from_user_id, PARLA_CALL_STATE_ENDED, TRUE);
      return;
    }

  peer = g_hash_table_lookup (self->peers, from_user_id);
  if (peer == NULL)
    {
      /* A member we gave up on offers again: answer, but not forever (each
       * offer costs a webrtcbin). Joining again resets the count. */
      if (GPOINTER_TO_UINT (g_hash_table_lookup (self->failures, from_user_id)) >= MAX_FAILURES)
        {
          GST_INFO ("call %s: %s failed too often; ignored", self->local_user_id, from_user_id);
          return;
        }

      sdp = json_object_get_member (message, "sdp");
      if (sdp == NULL || !JSON_NODE_HOLDS_OBJECT (sdp) ||
          g_strcmp0 (json_object_get_string_member_with_default (json_node_get_object (sdp),
                                                                 "type", NULL), "offer") != 0)
        return;

      add_peer (self, from_user_id, FALSE);
      peer = g_hash_table_lookup (self->peers, from_user_id);
      if (peer == NULL)
        return;
    }

  if (_parla_peer_is_new_session (peer, message))
    {
      /* They reconnect (their offerer lost the media): a new webrtcbin
       * answers. */
      if (!may_reconnect (self, from_user_id))
        return;

      GST_INFO ("call %s: %s reconnects", self->local_user_id, from_user_id);
      add_peer_full (self, from_user_id, FALSE, TRUE);
      peer = g_hash_table_lookup (self->peers, from_user_id);
      if (peer == NULL)
        return;
    }

  _parla_peer_handle_message (peer, message);
}

static void
on_signaling_member_joined_cb (ParlaSignaling *signaling,
                               const char     *user_id,
                               const char     *display_name,
                               ParlaCall      *self)
{
  if (is_over (self) || g_strcmp0 (user_id, self->local_user_id) == 0)
    return;

  g_hash_table_insert (self->members, g_strdup (user_id), g_strdup (display_name));
  g_hash_table_remove (self->failures, user_id);

  /* They joined after us: they offer, we get ready to answer. */
  add_peer (self, user_id, FALSE);
}

static void
on_signaling_member_left_cb (ParlaSignaling *signaling,
                             const char     *user_id,
                             ParlaCall      *self)
{
  if (is_over (self))
    return;

  g_hash_table_remove (self->members, user_id);
  remove_peer (self, user_id, PARLA_CALL_STATE_ENDED, FALSE);
}

/* Pipeline */

static ParlaPeer *
find_peer_of (ParlaCall *self,
              GstObject *object)
{
  GHashTableIter iter;
  ParlaPeer *peer;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    {
      GstElement *webrtc = _parla_peer_get_webrtcbin (peer);
      g_autoptr(GstObject) bin = webrtc ? gst_object_get_parent (GST_OBJECT (webrtc)) : NULL;

      if (bin != NULL && (object == bin || gst_object_has_as_ancestor (object, bin)))
        return peer;
    }

  return NULL;
}

static gboolean
on_bus_message_cb (GstBus     *bus,
                   GstMessage *message,
                   gpointer    user_data)
{
  ParlaCall *self = user_data;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_ERROR:
      {
        g_autoptr(GError) error = NULL;
        g_autofree char *debug = NULL;
        ParlaPeer *peer;

        gst_message_parse_error (message, &error, &debug);
        GST_WARNING ("call %s: error from %s: %s (%s)", self->local_user_id,
                     GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), error->message, debug);

        if (self->pipeline == NULL ||
            !gst_object_has_as_ancestor (GST_MESSAGE_SRC (message), GST_OBJECT (self->pipeline)))
          break;  /* from an element already removed */

        peer = find_peer_of (self, GST_MESSAGE_SRC (message));
        if (peer != NULL)
          {
            g_autoptr(GError) peer_error =
              g_error_new (PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_CONNECTION, "%s", error->message);

            GST_DEBUG_BIN_TO_DOT_FILE_WITH_TS (GST_BIN (self->pipeline), GST_DEBUG_GRAPH_SHOW_ALL,
                                               "parla-peer-failed");
            _parla_peer_close (peer, PARLA_CALL_STATE_FAILED, peer_error);
          }
        else
          fail (self, g_error_new (PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                                   "%s", error->message));
      }
      break;

    case GST_MESSAGE_LATENCY:
      /* Participants come and go: their latency changes the pipeline's. */
      if (self->pipeline != NULL)
        gst_bin_recalculate_latency (GST_BIN (self->pipeline));
      break;

    case GST_MESSAGE_WARNING:
      {
        g_autoptr(GError) warning = NULL;

        gst_message_parse_warning (message, &warning, NULL);
        GST_INFO ("call %s: warning from %s: %s", self->local_user_id,
                  GST_OBJECT_NAME (GST_MESSAGE_SRC (message)), warning->message);
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

/* GObject */

static void
parla_call_dispose (GObject *object)
{
  ParlaCall *self = (ParlaCall *)object;

  if (self->state != PARLA_CALL_STATE_NEW && !is_over (self))
    parla_call_hang_up (self);
  else
    teardown (self);

  g_clear_object (&self->signaling);

  G_OBJECT_CLASS (parla_call_parent_class)->dispose (object);
}

static void
parla_call_finalize (GObject *object)
{
  ParlaCall *self = (ParlaCall *)object;

  g_clear_pointer (&self->local_user_id, g_free);
  g_clear_pointer (&self->options, parla_call_options_unref);
  g_clear_pointer (&self->stun_uri, g_free);
  g_clear_pointer (&self->turn_uris, g_strfreev);
  g_clear_pointer (&self->peers, g_hash_table_unref);
  g_clear_pointer (&self->members, g_hash_table_unref);
  g_clear_pointer (&self->failures, g_hash_table_unref);
  g_clear_pointer (&self->reconnections, g_hash_table_unref);
  g_clear_pointer (&self->byes, g_hash_table_unref);
  g_clear_error (&self->error);

  G_OBJECT_CLASS (parla_call_parent_class)->finalize (object);
}

static void
parla_call_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ParlaCall *self = PARLA_CALL (object);

  switch (prop_id)
    {
    case PROP_LOCAL_USER_ID:
      g_value_set_string (value, self->local_user_id);
      break;

    case PROP_STATE:
      g_value_set_enum (value, self->state);
      break;

    case PROP_AUDIO_MUTED:
      g_value_set_boolean (value, self->audio_muted);
      break;

    case PROP_VIDEO_ENABLED:
      g_value_set_boolean (value, self->video_enabled);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_call_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ParlaCall *self = PARLA_CALL (object);

  switch (prop_id)
    {
    case PROP_AUDIO_MUTED:
      parla_call_set_audio_muted (self, g_value_get_boolean (value));
      break;

    case PROP_VIDEO_ENABLED:
      parla_call_set_video_enabled (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_call_class_init (ParlaCallClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_call_dispose;
  object_class->finalize = parla_call_finalize;
  object_class->get_property = parla_call_get_property;
  object_class->set_property = parla_call_set_property;

  properties[PROP_LOCAL_USER_ID] =
    g_param_spec_string ("local-user-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATE] =
    g_param_spec_enum ("state", NULL, NULL,
                       PARLA_TYPE_CALL_STATE,
                       PARLA_CALL_STATE_NEW,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_AUDIO_MUTED] =
    g_param_spec_boolean ("audio-muted", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_VIDEO_ENABLED] =
    g_param_spec_boolean ("video-enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaCall::remote-track-added:
   * @self: a #ParlaCall
   * @user_id: whose track
   * @kind: a #ParlaTrackKind
   * @track: the #ParlaRemoteTrack; its samples are decoded
   */
  signals[REMOTE_TRACK_ADDED] =
    g_signal_new ("remote-track-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  PARLA_TYPE_TRACK_KIND,
                  PARLA_TYPE_REMOTE_TRACK);

  /**
   * ParlaCall::remote-track-removed:
   * @self: a #ParlaCall
   * @user_id: whose track
   * @kind: a #ParlaTrackKind
   * @track: the #ParlaRemoteTrack; it gets no more samples
   */
  signals[REMOTE_TRACK_REMOVED] =
    g_signal_new ("remote-track-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  PARLA_TYPE_TRACK_KIND,
                  PARLA_TYPE_REMOTE_TRACK);

  /**
   * ParlaCall::participant-state:
   * @self: a #ParlaCall
   * @user_id: the participant
   * @state: their #ParlaCallState; after ended or failed they are gone
   */
  signals[PARTICIPANT_STATE] =
    g_signal_new ("participant-state",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  PARLA_TYPE_CALL_STATE);

  /**
   * ParlaCall::data-message:
   * @self: a #ParlaCall
   * @user_id: the sender
   * @data: the message; untrusted
   * @is_text: whether it was sent as a string (UTF-8, not checked)
   *
   * A message on the "parla" data channel (reliable, ordered).
   */
  signals[DATA_MESSAGE] =
    g_signal_new ("data-message",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_BYTES,
                  G_TYPE_BOOLEAN);

  /**
   * ParlaCall::stats:
   * @self: a #ParlaCall
   * @user_id: the participant
   * @stats: the #ParlaCallStats of the connection to them
   *
   * Emitted every stats interval (a second by default) per connected
   * participant.
   */
  signals[STATS] =
    g_signal_new ("stats",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  PARLA_TYPE_CALL_STATS);

  /**
   * ParlaCall::error:
   * @self: a #ParlaCall
   * @error: what went wrong; the call is failed
   */
  signals[ERROR] =
    g_signal_new ("error",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  G_TYPE_ERROR);

  /**
   * ParlaCall::device-lost:
   * @self: a #ParlaCall
   * @kind: a #ParlaDeviceKind
   * @lost_id: the device that went away or failed ("default" when it was
   *   not one the #ParlaDeviceMonitor lists)
   * @now_id: (nullable): the device used instead, or %NULL: black frames,
   *   silence, or remote audio played nowhere until a device comes back
   *
   * The call goes on, with nothing renegotiated.
   */
  signals[DEVICE_LOST] =
    g_signal_new ("device-lost",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 3,
                  PARLA_TYPE_DEVICE_KIND,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE,
                  G_TYPE_STRING | G_SIGNAL_TYPE_STATIC_SCOPE);
}

static void
parla_call_init (ParlaCall *self)
{
  self->peers = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_object_unref);
  self->members = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->reconnections = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->byes = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->video_enabled = TRUE;
  self->state = PARLA_CALL_STATE_NEW;
}

/**
 * parla_call_new:
 * @local_user_id: who we are in the call room
 * @signaling: the call room
 * @ice_servers: (nullable): STUN and TURN servers, as a browser takes them:
 *   `[{"urls": [...], "username": "...", "credential": "..."}]`
 * @options: (nullable): what to send and how; %NULL for the defaults
 * @error: return location for a #GError
 *
 * Creates a call; nothing happens until parla_call_start().
 *
 * Returns: (transfer full) (nullable): a new #ParlaCall, or %NULL if
 *   @ice_servers is malformed
 */
ParlaCall *
parla_call_new (const char        *local_user_id,
                ParlaSignaling    *signaling,
                JsonNode          *ice_servers,
                ParlaCallOptions  *options,
                GError           **error)
{
  g_autoptr(ParlaCall) self = NULL;

  g_return_val_if_fail (local_user_id != NULL, NULL);
  g_return_val_if_fail (PARLA_IS_SIGNALING (signaling), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (parla_call_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (parla_call_debug, "parla-call", 0, "Parla call");

  self = g_object_new (PARLA_TYPE_CALL, NULL);
  self->local_user_id = g_strdup (local_user_id);
  self->signaling = g_object_ref (signaling);
  self->options = options ? parla_call_options_copy (options) : parla_call_options_new ();

  if (!_parla_ice_servers_parse (ice_servers, &self->stun_uri, &self->turn_uris, error))
    return NULL;

  if (parla_call_options_get_relay_only (self->options) &&
      (self->turn_uris == NULL || self->turn_uris[0] == NULL))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                           "Relay-only calls need a TURN server");
      return NULL;
    }

  return g_steal_pointer (&self);
}

/**
 * parla_call_start:
 * @self: a #ParlaCall
 * @error: return location for a #GError
 *
 * Starts the capture and, to each member already in the call room, sends
 * an offer; later members will offer to us.
 *
 * Returns: %TRUE if the call started
 */
gboolean
parla_call_start (ParlaCall  *self,
                  GError    **error)
{
  g_auto(GStrv) members = NULL;
  g_autoptr(GstBus) bus = NULL;

  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->state != PARLA_CALL_STATE_NEW)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                           "The call was already started");
      return FALSE;
    }

  if (!parla_media_check_plugins (error))
    return FALSE;

  self->pipeline = gst_pipeline_new ("parla-call");
  self->local = _parla_local_media_new (GST_BIN (self->pipeline), self->options, error);
  if (self->local == NULL)
    {
      gst_clear_object (&self->pipeline);
      return FALSE;
    }
  _parla_local_media_set_audio_muted (self->local, self->audio_muted);
  _parla_local_media_set_video_enabled (self->local, self->video_enabled);
  _parla_local_media_set_callbacks (self->local, on_local_device_lost_cb,
                                    on_local_screen_ended_cb, self);

  bus = gst_pipeline_get_bus (GST_PIPELINE (self->pipeline));
  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message_cb, self);

  /* Capture runs before the first offer: the encoders start on live frames. */
  if (gst_element_set_state (self->pipeline, GST_STATE_PLAYING) == GST_STATE_CHANGE_FAILURE)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "Cannot start the camera or the microphone");
      teardown (self);
      return FALSE;
    }

  g_signal_connect (self->signaling, "message", G_CALLBACK (on_signaling_message_cb), self);
  g_signal_connect (self->signaling, "member-joined",
                    G_CALLBACK (on_signaling_member_joined_cb), self);
  g_signal_connect (self->signaling, "member-left",
                    G_CALLBACK (on_signaling_member_left_cb), self);

  /* teardown() disconnects it: the monitor outlives the call. */
  self->network_monitor = g_object_ref (g_network_monitor_get_default ());
  self->network_changed_id = g_signal_connect (self->network_monitor, "network-changed",
                                               G_CALLBACK (on_network_changed_cb), self);

  set_state (self, PARLA_CALL_STATE_CONNECTING);

  members = parla_signaling_dup_members (self->signaling);
  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    {
      if (g_str_equal (members[i], self->local_user_id))
        continue;

      g_hash_table_insert (self->members, g_strdup (members[i]), NULL);
      add_peer (self, members[i], TRUE);
    }

  return TRUE;
}

/**
 * parla_call_hang_up:
 * @self: a #ParlaCall
 *
 * Says goodbye to everybody, stops the capture and releases the pipeline.
 * The call ends.
 */
void
parla_call_hang_up (ParlaCall *self)
{
  GHashTableIter iter;
  const char *user_id;

  g_return_if_fail (PARLA_IS_CALL (self));

  if (is_over (self))
    return;

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user_id, NULL))
    send_bye (self, user_id);

  teardown (self);
  set_state (self, PARLA_CALL_STATE_ENDED);
}

/**
 * parla_call_get_state:
 * @self: a #ParlaCall
 *
 * Returns: the state of the call
 */
ParlaCallState
parla_call_get_state (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), PARLA_CALL_STATE_FAILED);

  return self->state;
}

/**
 * parla_call_get_error:
 * @self: a #ParlaCall
 *
 * Returns: (nullable): why the call failed
 */
const GError *
parla_call_get_error (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  return self->error;
}

/**
 * parla_call_get_local_user_id:
 * @self: a #ParlaCall
 *
 * Returns: who we are in the call
 */
const char *
parla_call_get_local_user_id (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  return self->local_user_id;
}

/**
 * parla_call_dup_participants:
 * @self: a #ParlaCall
 *
 * Returns: (transfer full): the other participants we have a connection
 *   (or an attempt) with
 */
char **
parla_call_dup_participants (ParlaCall *self)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GHashTableIter iter;
  const char *user_id;

  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, (gpointer *) &user_id, NULL))
    g_strv_builder_add (builder, user_id);

  return g_strv_builder_end (builder);
}

/**
 * parla_call_get_participant_state:
 * @self: a #ParlaCall
 * @user_id: a participant
 *
 * Returns: their state, or %PARLA_CALL_STATE_ENDED if they are not in the
 *   call
 */
ParlaCallState
parla_call_get_participant_state (ParlaCall  *self,
                                  const char *user_id)
{
  ParlaPeer *peer;

  g_return_val_if_fail (PARLA_IS_CALL (self), PARLA_CALL_STATE_ENDED);
  g_return_val_if_fail (user_id != NULL, PARLA_CALL_STATE_ENDED);

  peer = g_hash_table_lookup (self->peers, user_id);

  return peer ? _parla_peer_get_state (peer) : PARLA_CALL_STATE_ENDED;
}

/**
 * parla_call_set_audio_muted:
 * @self: a #ParlaCall
 * @muted: whether to send silence
 *
 * Mutes the microphone for everybody, without renegotiation: the others
 * keep their audio track and hear silence.
 */
void
parla_call_set_audio_muted (ParlaCall *self,
                            gboolean   muted)
{
  g_return_if_fail (PARLA_IS_CALL (self));

  muted = !!muted;
  if (self->audio_muted == muted)
    return;

  self->audio_muted = muted;
  if (self->local != NULL)
    _parla_local_media_set_audio_muted (self->local, muted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_MUTED]);
}

gboolean
parla_call_get_audio_muted (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);

  return self->audio_muted;
}

/**
 * parla_call_set_video_enabled:
 * @self: a #ParlaCall
 * @enabled: whether to send the camera
 *
 * Turns the camera off (black frames) or on for everybody, without
 * renegotiation: the others keep their video track.
 */
void
parla_call_set_video_enabled (ParlaCall *self,
                              gboolean   enabled)
{
  g_return_if_fail (PARLA_IS_CALL (self));

  enabled = !!enabled;
  if (self->video_enabled == enabled)
    return;

  self->video_enabled = enabled;
  if (self->local != NULL)
    _parla_local_media_set_video_enabled (self->local, enabled);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_ENABLED]);
}

gboolean
parla_call_get_video_enabled (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);

  return self->video_enabled;
}

/**
 * parla_call_start_screen_share:
 * @self: a #ParlaCall
 * @error: return location for a #GError
 *
 * Shares the screen (see parla_call_options_set_screen_source()) with
 * everybody, as an extra video track: each participant's call renegotiates
 * and gets a #PARLA_TRACK_SCREEN track.
 *
 * Returns: %TRUE if the screen is shared
 */
gboolean
parla_call_start_screen_share (ParlaCall  *self,
                               GError    **error)
{
  GHashTableIter iter;
  ParlaPeer *peer;

  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->local == NULL || is_over (self))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                           "The call is not running");
      return FALSE;
    }

  if (self->screen_shared)
    return TRUE;

  if (!_parla_local_media_start_screen (self->local, error))
    return FALSE;

  self->screen_shared = TRUE;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    {
      g_autoptr(GError) local_error = NULL;

      if (!_parla_peer_add_screen (peer, &local_error))
        GST_WARNING ("call %s: cannot share the screen with %s: %s", self->local_user_id,
                     _parla_peer_get_user_id (peer), local_error->message);
    }

  return TRUE;
}

/**
 * parla_call_stop_screen_share:
 * @self: a #ParlaCall
 *
 * Stops sharing the screen; the others' screen tracks are removed.
 */
void
parla_call_stop_screen_share (ParlaCall *self)
{
  GHashTableIter iter;
  ParlaPeer *peer;

  g_return_if_fail (PARLA_IS_CALL (self));

  if (!self->screen_shared)
    return;

  self->screen_shared = FALSE;
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    _parla_peer_remove_screen (peer);

  if (self->local != NULL)
    _parla_local_media_stop_screen (self->local);
}

/**
 * parla_call_get_screen_shared:
 * @self: a #ParlaCall
 *
 * Returns: whether the screen is shared
 */
gboolean
parla_call_get_screen_shared (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);

  return self->screen_shared;
}

static gboolean
send_to (ParlaCall   *self,
         const char  *user_id,
         GBytes      *data,
         gboolean     is_text,
         GError     **error)
{
  g_autoptr(GError) first_error = NULL;
  GHashTableIter iter;
  ParlaPeer *peer;

  if (g_bytes_get_size (data) > PARLA_DATA_MESSAGE_MAX)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_TOO_LARGE,
                   "Data messages are limited to %d bytes", PARLA_DATA_MESSAGE_MAX);
      return FALSE;
    }

  if (user_id != NULL)
    {
      peer = g_hash_table_lookup (self->peers, user_id);
      if (peer == NULL)
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NOT_CONNECTED,
                       "%s is not in the call", user_id);
          return FALSE;
        }

      return _parla_peer_send_data (peer, data, is_text, error);
    }

  /* To everybody: a full queue for one does not keep it from the others. */
  g_hash_table_iter_init (&iter, self->peers);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
    {
      g_autoptr(GError) peer_error = NULL;

      if (!_parla_peer_send_data (peer, data, is_text, &peer_error) && first_error == NULL)
        first_error = g_steal_pointer (&peer_error);
    }

  if (first_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&first_error));
      return FALSE;
    }

  return TRUE;
}

/**
 * parla_call_send_data:
 * @self: a #ParlaCall
 * @user_id: (nullable): the recipient, or %NULL for everybody
 * @data: at most %PARLA_DATA_MESSAGE_MAX bytes
 * @error: return location for a #GError
 *
 * Sends a binary message on the reliable, ordered "parla" data channel.
 * Before the channel opens, and while the connection to a participant is
 * being replaced, messages wait in a bounded queue; none is lost to a
 * reconnection that does not give up.
 *
 * Returns: %TRUE if the message was sent or queued
 */
gboolean
parla_call_send_data (ParlaCall   *self,
                      const char  *user_id,
                      GBytes      *data,
                      GError     **error)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (data != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return send_to (self, user_id, data, FALSE, error);
}

/**
 * parla_call_send_text:
 * @self: a #ParlaCall
 * @user_id: (nullable): the recipient, or %NULL for everybody
 * @text: UTF-8, at most %PARLA_DATA_MESSAGE_MAX bytes
 * @error: return location for a #GError
 *
 * Like parla_call_send_data(), as a string message (what a browser's
 * `send(string)` sends).
 *
 * Returns: %TRUE if the message was sent or queued
 */
gboolean
parla_call_send_text (ParlaCall   *self,
                      const char  *user_id,
                      const char  *text,
                      GError     **error)
{
  g_autoptr(GBytes) data = NULL;

  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (text != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  data = g_bytes_new (text, strlen (text));

  return send_to (self, user_id, data, TRUE, error);
}

GstElement *
_parla_call_get_pipeline (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  return self->pipeline;
}

/* The capture side, for the recording tee point; NULL when not started or
 * over. */
ParlaLocalMedia *
_parla_call_get_local (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  return self->local;
}

/* Devices and the portal's screen share
 *
 * Switching the camera, microphone or speaker in a running call, the
 * device-lost signal, and the asynchronous screen share (ScreenCast
 * portal). */

static void
on_local_device_lost_cb (ParlaDeviceKind  kind,
                         const char      *lost_id,
                         const char      *now_id,
                         gpointer         user_data)
{
  ParlaCall *self = user_data;

  GST_INFO ("call %s: device %s lost, now %s", self->local_user_id, lost_id,
            now_id ? now_id : "none");
  g_signal_emit (self, signals[DEVICE_LOST], 0, kind, lost_id, now_id);
}

static void
on_local_screen_ended_cb (gpointer user_data)
{
  ParlaCall *self = user_data;

  GST_INFO ("call %s: the screen share was ended from outside", self->local_user_id);
  parla_call_stop_screen_share (self);
}

static gboolean
set_device (ParlaCall        *self,
            ParlaDeviceKind   kind,
            const char       *id,
            GError          **error)
{
  if (is_over (self))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                           "The call is over");
      return FALSE;
    }

  /* Not started: for parla_call_start(). */
  if (self->local == NULL)
    {
      if (kind == PARLA_DEVICE_KIND_CAMERA)
        parla_call_options_set_camera (self->options, id);
      else if (kind == PARLA_DEVICE_KIND_MICROPHONE)
        parla_call_options_set_microphone (self->options, id);
      else
        parla_call_options_set_speaker (self->options, id);
      return TRUE;
    }

  return _parla_local_media_set_device (self->local, kind, id, error);
}

/**
 * parla_call_set_camera:
 * @self: a #ParlaCall
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default camera
 * @error: return location for a #GError
 *
 * Switches the camera, mid-call too: the others keep their video track and
 * nothing is renegotiated. The video source must be
 * %PARLA_MEDIA_SOURCE_DEVICE.
 *
 * Returns: %TRUE if switched; %FALSE if there is no such camera
 */
gboolean
parla_call_set_camera (ParlaCall   *self,
                       const char  *id,
                       GError     **error)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_device (self, PARLA_DEVICE_KIND_CAMERA, id, error);
}

/**
 * parla_call_set_microphone:
 * @self: a #ParlaCall
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default microphone
 * @error: return location for a #GError
 *
 * Switches the microphone without renegotiating; echo cancellation stays.
 *
 * Returns: %TRUE if switched; %FALSE if there is no such microphone
 */
gboolean
parla_call_set_microphone (ParlaCall   *self,
                           const char  *id,
                           GError     **error)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_device (self, PARLA_DEVICE_KIND_MICROPHONE, id, error);
}

/**
 * parla_call_set_speaker:
 * @self: a #ParlaCall
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default output
 * @error: return location for a #GError
 *
 * Switches where remote audio plays; the echo canceller keeps hearing it.
 *
 * Returns: %TRUE if switched; %FALSE if there is no such speaker
 */
gboolean
parla_call_set_speaker (ParlaCall   *self,
                        const char  *id,
                        GError     **error)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  return set_device (self, PARLA_DEVICE_KIND_SPEAKER, id, error);
}

/**
 * parla_call_dup_device_id:
 * @self: a #ParlaCall
 * @kind: which device
 *
 * Returns: (transfer full) (nullable): the id of the #ParlaDevice in use,
 *   or %NULL when none is (not started, test source, the Camera portal,
 *   the auto element, or black frames and silence after a loss)
 */
char *
parla_call_dup_device_id (ParlaCall       *self,
                          ParlaDeviceKind  kind)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  if (self->local == NULL)
    return NULL;

  return _parla_local_media_dup_device_id (self->local, kind);
}

static void
on_screen_started_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(GError) error = NULL;
  ParlaCall *self = g_task_get_source_object (task);
  GHashTableIter iter;
  ParlaPeer *peer;

  if (!_parla_local_media_start_screen_finish (result, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  if (self->local == NULL || is_over (self))
    {
      g_task_return_new_error (task, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                               "The call is not running");
      return;
    }

  if (!self->screen_shared)
    {
      self->screen_shared = TRUE;
      g_hash_table_iter_init (&iter, self->peers);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &peer))
        {
          g_autoptr(GError) local_error = NULL;

          if (!_parla_peer_add_screen (peer, &local_error))
            GST_WARNING ("call %s: cannot share the screen with %s: %s", self->local_user_id,
                         _parla_peer_get_user_id (peer), local_error->message);
        }
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * parla_call_start_screen_share_async:
 * @self: a #ParlaCall
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when the screen is shared, or cannot be
 * @user_data: for @callback
 *
 * Shares the screen as parla_call_start_screen_share() does, but through
 * the ScreenCast portal when there is one (Wayland, Flatpak): the user
 * picks a screen or a window, unless the restore token of an earlier share
 * (parla_call_options_set_screen_restore_token()) still holds. Without a
 * portal it falls back to X11 (ximagesrc). Cancelling gives up waiting;
 * the portal's dialog closes when the call ends.
 */
void
parla_call_start_screen_share_async (ParlaCall           *self,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (PARLA_IS_CALL (self));
  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_call_start_screen_share_async);

  if (self->local == NULL || is_over (self))
    {
      g_task_return_new_error (task, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                               "The call is not running");
      return;
    }

  if (self->screen_shared)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  _parla_local_media_start_screen_async (self->local, cancellable, on_screen_started_cb,
                                         g_steal_pointer (&task));
}

/**
 * parla_call_start_screen_share_finish:
 * @self: a #ParlaCall
 * @result: the result given to the callback
 * @error: return location for a #GError: %G_IO_ERROR_PERMISSION_DENIED
 *   when the user declined in the portal's dialog
 *
 * Returns: %TRUE if the screen is shared
 */
gboolean
parla_call_start_screen_share_finish (ParlaCall     *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), FALSE);
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == parla_call_start_screen_share_async, FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/**
 * parla_call_dup_screen_restore_token:
 * @self: a #ParlaCall
 *
 * Returns: (transfer full) (nullable): the ScreenCast portal's restore
 *   token from the last share, to keep in the settings and hand to
 *   parla_call_options_set_screen_restore_token() next time, so that the
 *   user picks the screen once
 */
char *
parla_call_dup_screen_restore_token (ParlaCall *self)
{
  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  return g_strdup (parla_call_options_get_screen_restore_token (self->options));
}

/* End of devices and the portal's screen share */

/**
 * parla_call_get_local_video_track:
 * @self: a #ParlaCall
 *
 * The self-view: the local camera or test source as RGBA samples (at most
 * 640 pixels wide), through the same #ParlaRemoteTrack::new-sample as a
 * remote track. The first call adds the branch; it takes frames off the
 * capture without holding it back, and gets none while the camera is off
 * (parla_call_set_video_enabled()). What is sent does not change.
 *
 * Returns: (transfer none) (nullable): the self-view, or %NULL when the
 *   call does not capture video, is not started or is over; take a
 *   reference to keep it past the end of the call
 */
ParlaRemoteTrack *
parla_call_get_local_video_track (ParlaCall *self)
{
  g_autoptr(GError) error = NULL;
  GstElement *appsink;

  g_return_val_if_fail (PARLA_IS_CALL (self), NULL);

  if (self->local_video_track != NULL || self->local == NULL ||
      !_parla_local_media_has (self->local, PARLA_TRACK_VIDEO))
    return self->local_video_track;

  appsink = _parla_local_media_add_self_view (self->local, &error);
  if (appsink == NULL)
    {
      g_warning ("No self-view: %s", error->message);
      return NULL;
    }

  self->local_video_track = _parla_remote_track_new (self->local_user_id, PARLA_TRACK_VIDEO,
                                                     appsink);

  return self->local_video_track;
}
