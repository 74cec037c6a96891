/* parla-peer.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-peer-private.h"

#include <stdlib.h>
#include <string.h>

#include <gst/sdp/sdp.h>
#include <gst/video/video.h>
#include <gst/webrtc/webrtc.h>

#include "parla-call-stats-private.h"
#include "parla-media-enums.h"
#include "parla-media-init.h"
#include "parla-remote-track-private.h"
#include "parla-sdp-private.h"

GST_DEBUG_CATEGORY_STATIC (parla_peer_debug);
#define GST_CAT_DEFAULT parla_peer_debug

/* One ParlaPeer is the connection to one remote participant: a bin in the
 * call's pipeline holding a webrtcbin, the encoders that feed it from the
 * shared capture tees, and the decoders behind it.
 *
 *   tee ! queue ! valve ! vp8enc ! capsfilter ! rtpvp8pay --+           +-- rtpvp8depay ! vp8dec ! videoconvert ! appsink
 *   tee ! queue ! opusenc ! rtpopuspay ---------------------+- webrtcbin -+-- rtpopusdepay ! opusdec ! ... ! appsink|mixer
 *
 * Codecs. Video is VP8 (first, by default) or H.264 (openh264,
 * packetization mode 1, constrained baseline 42e01f), both offered in the
 * camera's m-line when openh264 is installed, in the order the options
 * prefer; the answerer picks the first of its own order that the offer
 * has, and each side then runs one encoder, of the answered codec. The
 * offer's codecs are the transceiver's codec preferences, so the sink pad
 * stays unlinked until the answer (webrtcbin would otherwise offer only
 * the codec of the caps it got).
 *
 * Fast start. The encoders are built and set up before they are needed
 * ("prepared": video gets no frames yet, audio's output is dropped): the
 * offerer's camera encoder before the offer (which waits for nothing
 * but the audio caps), the answerer's when the other side joins the room.
 * Once the codec and payload type are negotiated a payloader attaches
 * them to webrtcbin, the caps the encoder has go through at once, and the
 * next frame is a keyframe. The jitter buffers start on a run of packets in
 * sequence (faststart) instead of holding the first one for their whole
 * latency, and the DTLS certificate was made at start-up
 * (parla_media_init_async()). Offer to first remote frame: ~130 ms on
 * loopback (was ~175 ms).
 *
 * Roles. The participant who joined the room later offers (the "offerer");
 * the other waits for the offer. Only the offerer ever offers, so there is
 * no glare: webrtcbin 1.22 refuses rollbacks, which rules out perfect
 * negotiation. When the other side needs a renegotiation (its screen share
 * starts or stops) it asks for an offer with {"renegotiate": {"screen": b}}
 * and, if none comes (a browser that does not know the message), offers
 * itself after half the peer timeout. Should offers still cross (the other
 * side did not know the message but offered too), neither can answer: an
 * offer left unanswered for the peer timeout makes the offerer reconnect,
 * with a new webrtcbin.
 *
 * Connection loss. libnice notices nothing without consent freshness, so a
 * watchdog counts the time since the last RTP packet: after a third of the
 * peer timeout the participant is reconnecting and the offerer asks the
 * call for a new connection (a new webrtcbin, as 1.22 cannot restart ICE;
 * the other side sees new ICE credentials in the offer and follows); after
 * the whole timeout, it is given up. A first connection that does not come
 * up half-way to the timeout is retried the same way. When the network
 * changes, the call asks each connection (_parla_peer_check_media())
 * whether media still came after the change, and one that got none
 * reconnects at once.
 *
 * Threads. webrtcbin calls back on its own threads; every callback posts an
 * idle to the call's main context holding a reference, and the state of
 * this object is only touched there. pad-added must link synchronously, so
 * it builds the decoder under `lock`, which _parla_peer_close() also takes.
 *
 * Hostile input. Remote SDP goes through _parla_sdp_parse_remote() (some
 * SDP aborts webrtcbin 1.22); answers are only taken in have-local-offer
 * (or held while our offer is being applied); candidates are checked, and
 * held (at most MAX_PENDING_CANDIDATES) until the remote description is
 * set. */

#define MAX_PENDING_CANDIDATES 64
#define MAX_CANDIDATE_LENGTH   512
#define MAX_PENDING_DATA       256
#define MAX_PENDING_DATA_BYTES (1024 * 1024)
#define DATA_CHANNEL_LABEL     "parla"
#define RTP_MTU                1200
#define FASTSTART_PACKETS      3

/* Screen m-lines added for the other side in one connection. */
#define MAX_SCREEN_SLOTS       16

#define PT_OPUS 111
#define PT_VP8  96
#define PT_H264 102

typedef struct
{
  guint  mline;
  char  *mid;
  char  *candidate;
} PendingCandidate;

typedef struct
{
  GBytes   *data;
  gboolean  is_text;
} PendingData;

/* What decodes one webrtcbin source pad. */
typedef struct
{
  int               mline;      /* of the remote description, or -1 */
  guint             ssrc;       /* of the stream, or 0 */
  GstPad           *pad;        /* webrtcbin's source pad */
  GPtrArray        *elements;
  GstPad           *output_pad; /* mixer input, for played audio */
  ParlaRemoteTrack *track;
} ReceiveBranch;

/* What encodes for one webrtcbin sink pad. A branch is first prepared:
 * the encoder is set up (it has its caps), a video one gets no frames
 * (its valve is closed), an audio one's output is dropped; it is attached
 * once the codec and payload type are negotiated: a payloader joins it to
 * webrtcbin, and frames flow. */
typedef struct
{
  ParlaTrackKind  kind;
  int             mline;        /* of the remote offer, or -1 */
  GstPad         *tee_pad;
  GstPad         *sink_pad;     /* webrtcbin's; before attached, our offer's */
  GstPad         *out_pad;      /* the encoder's (or its filter's) source pad */
  GPtrArray      *elements;
  GstElement     *valve;        /* video: stops it when the link cannot carry it */
  GstElement     *encoder;
  char           *encoding;
  char           *ghost_name;
  char           *profile_level_id; /* H.264: what our SDP says of the stream */
  gulong          drop_probe_id;
  guint           ssrc;         /* 0: the payloader picks one */
  gboolean        attached;
  gboolean        stopped;      /* a screen share that ended: idle, kept */
} SendBranch;

struct _ParlaPeer
{
  GObject                  parent_instance;

  /* owned */
  char                    *user_id;
  GstBin                  *pipeline;
  ParlaCallOptions        *options;
  char                    *stun_uri;
  char                   **turn_uris;
  GMainContext            *context;
  GstElement              *bin;
  GstElement              *webrtc;
  GstWebRTCDataChannel    *channel;
  GPtrArray               *send_branches;     /* SendBranch */
  GPtrArray               *receive_branches;  /* ReceiveBranch, under lock */
  GQueue                   pending_candidates;
  GQueue                   pending_data;
  char                   **local_mids;
  char                    *video_encoding;    /* the camera's, once negotiated */
  GstSDPMessage           *remote_sdp;        /* the last remote description set */
  GHashTable              *remote_ssrcs;      /* under lock: SSRC -> m-line of remote_sdp */
  JsonObject              *held_sdp;
  GstWebRTCSessionDescription *unsent_answer;
  GError                  *error;
  GMutex                   lock;
  ParlaStatsSample         last_stats;
  ParlaAdaptation          adaptation;

  /* borrowed */
  ParlaLocalMedia         *local;

  ParlaCallState           state;
  gsize                    pending_data_bytes;
  int                      first_video_mline; /* under lock; -1 unknown */
  gint64                   created_time;
  gint64                   offer_time;
  gint64                   lost_time;         /* media last found lost */
  int                      last_rx_ms;        /* atomic; since created_time */
  guint64                  last_video_frames;
  guint                    connect_timeout_id;
  guint                    connect_retry_id;
  guint                    reconnect_timeout_id;
  guint                    watchdog_id;
  guint                    stats_id;
  guint                    caps_timeout_id;
  guint                    request_timeout_id;
  guint                    offer_timeout_id;
  guint                    n_screen_slots;
  guint64                  used_screen_slots;  /* m-lines our screen went in */
  void                   (*after_caps) (ParlaPeer *self);
  guint                    offerer : 1;
  guint                    closed : 1;        /* under lock */
  guint                    making_offer : 1;
  guint                    negotiated : 1;
  guint                    needs_negotiation : 1;
  guint                    remote_set : 1;
  guint                    channel_open : 1;
  guint                    ever_connected : 1;
  guint                    channel_seen : 1;      /* under lock */
  guint                    reconnection : 1;      /* replaces a lost connection */
  guint                    restart_requested : 1;
  guint                    screen_wanted : 1;
  guint                    local_pending : 1;   /* set-local-description under way */
  guint                    has_h264 : 1;
};

G_DEFINE_FINAL_TYPE (ParlaPeer, parla_peer, G_TYPE_OBJECT)

enum {
  SEND,
  STATE_CHANGED,
  TRACK_ADDED,
  TRACK_REMOVED,
  DATA_MESSAGE,
  STATS,
  RESTART,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef void (*PeerFunc) (ParlaPeer *self,
                          gpointer   data);

typedef struct
{
  ParlaPeer      *self;
  PeerFunc        func;
  gpointer        data;
  GDestroyNotify  data_free;
} PeerIdle;

static void fail (ParlaPeer   *self,
                  ParlaMediaError code,
                  const char *format,
                  ...) G_GNUC_PRINTF (3, 4);

static void
pending_candidate_free (PendingCandidate *pending)
{
  g_free (pending->mid);
  g_free (pending->candidate);
  g_free (pending);
}

static void
pending_data_free (PendingData *pending)
{
  g_bytes_unref (pending->data);
  g_free (pending);
}

static void
receive_branch_free (ReceiveBranch *branch)
{
  gst_clear_object (&branch->pad);
  g_clear_pointer (&branch->elements, g_ptr_array_unref);
  gst_clear_object (&branch->output_pad);
  g_clear_object (&branch->track);
  g_free (branch);
}

static void
send_branch_free (SendBranch *branch)
{
  gst_clear_object (&branch->tee_pad);
  gst_clear_object (&branch->sink_pad);
  gst_clear_object (&branch->out_pad);
  g_clear_pointer (&branch->elements, g_ptr_array_unref);
  g_clear_pointer (&branch->encoding, g_free);
  g_clear_pointer (&branch->ghost_name, g_free);
  g_clear_pointer (&branch->profile_level_id, g_free);
  g_free (branch);
}

static void
replace_string (char       **field,
                const char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return;

  g_free (*field);
  *field = g_strdup (value);
}

static gboolean
on_peer_idle_cb (gpointer user_data)
{
  PeerIdle *idle = user_data;

  if (!idle->self->closed)
    idle->func (idle->self, idle->data);

  return G_SOURCE_REMOVE;
}

static void
peer_idle_free (gpointer user_data)
{
  PeerIdle *idle = user_data;

  if (idle->data_free != NULL && idle->data != NULL)
    idle->data_free (idle->data);
  g_object_unref (idle->self);
  g_free (idle);
}

/* Runs @func on the main context, later, even when called there: never
 * re-entrant, and in the order posted. Safe from any thread. */
static void
post (ParlaPeer      *self,
      PeerFunc        func,
      gpointer        data,
      GDestroyNotify  data_free)
{
  g_autoptr(GSource) source = g_idle_source_new ();
  PeerIdle *idle = g_new0 (PeerIdle, 1);

  idle->self = g_object_ref (self);
  idle->func = func;
  idle->data = data;
  idle->data_free = data_free;

  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, on_peer_idle_cb, idle, peer_idle_free);
  g_source_set_static_name (source, "[parla] peer");
  g_source_attach (source, self->context);
}

static void
emit_send (ParlaPeer *self,
           JsonNode  *payload)
{
  g_autoptr(ParlaPeer) hold = g_object_ref (self);

  g_signal_emit (self, signals[SEND], 0, payload);
}

static void flush_pending_data (ParlaPeer *self);

static void
set_state (ParlaPeer      *self,
           ParlaCallState  state)
{
  g_autoptr(ParlaPeer) hold = NULL;

  /* A connection replacing a lost one is, for the participant, still
   * reconnecting until it is up. */
  if (self->reconnection && state == PARLA_CALL_STATE_CONNECTING)
    state = PARLA_CALL_STATE_RECONNECTING;

  if (self->state == state)
    return;

  GST_INFO ("peer %s: %d -> %d", self->user_id, self->state, state);
  self->state = state;

  hold = g_object_ref (self);
  g_signal_emit (self, signals[STATE_CHANGED], 0, state);

  if (state == PARLA_CALL_STATE_CONNECTED)
    flush_pending_data (self);
}

static void
fail (ParlaPeer       *self,
      ParlaMediaError  code,
      const char      *format,
      ...)
{
  g_autoptr(GError) error = NULL;
  va_list args;

  if (self->closed)
    return;

  va_start (args, format);
  error = g_error_new_valist (PARLA_MEDIA_ERROR, code, format, args);
  va_end (args);

  GST_WARNING ("peer %s failed: %s", self->user_id, error->message);
  _parla_peer_close (self, PARLA_CALL_STATE_FAILED, error);
}

/* Signalling out */

static void
send_sdp (ParlaPeer                   *self,
          GstWebRTCSessionDescription *desc)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *text = gst_sdp_message_as_text (desc->sdp);

  GST_DEBUG ("peer %s: sending %s:\n%s", self->user_id, gst_webrtc_sdp_type_to_string (desc->type), text);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "sdp");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, gst_webrtc_sdp_type_to_string (desc->type));
  json_builder_set_member_name (builder, "sdp");
  json_builder_add_string_value (builder, text);
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  {
    g_autoptr(JsonNode) payload = json_builder_get_root (builder);

    emit_send (self, payload);
  }
}

static void
send_candidate (ParlaPeer  *self,
                guint       mline,
                const char *candidate)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ice");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "candidate");
  json_builder_add_string_value (builder, candidate);
  json_builder_set_member_name (builder, "sdpMLineIndex");
  json_builder_add_int_value (builder, mline);
  if (self->local_mids != NULL && mline < g_strv_length (self->local_mids))
    {
      json_builder_set_member_name (builder, "sdpMid");
      json_builder_add_string_value (builder, self->local_mids[mline]);
    }
  json_builder_end_object (builder);
  json_builder_end_object (builder);

  payload = json_builder_get_root (builder);
  emit_send (self, payload);
}

static void
remember_local_mids (ParlaPeer                   *self,
                     GstWebRTCSessionDescription *desc)
{
  g_autoptr(GStrvBuilder) mids = g_strv_builder_new ();

  for (guint i = 0; i < gst_sdp_message_medias_len (desc->sdp); i++)
    {
      const char *mid = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (desc->sdp, i),
                                                         "mid");

      g_strv_builder_add (mids, mid ? mid : "");
    }

  g_strfreev (self->local_mids);
  self->local_mids = g_strv_builder_end (mids);
}

/* Waiting for caps */

static gboolean
send_caps_ready (ParlaPeer *self)
{
  for (guint i = 0; i < self->send_branches->len; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);

      if (branch->attached && !gst_pad_has_current_caps (branch->sink_pad))
        return FALSE;
    }

  return TRUE;
}

static void
run_after_caps (ParlaPeer *self)
{
  void (*then) (ParlaPeer *) = self->after_caps;

  g_clear_handle_id (&self->caps_timeout_id, g_source_remove);
  g_clear_handle_id (&self->request_timeout_id, g_source_remove);
  g_clear_handle_id (&self->offer_timeout_id, g_source_remove);
  self->after_caps = NULL;
  if (then != NULL)
    then (self);
}

static gboolean
on_caps_timeout_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;

  self->caps_timeout_id = 0;
  GST_WARNING ("peer %s: no caps from the encoders; negotiating without", self->user_id);
  run_after_caps (self);

  return G_SOURCE_REMOVE;
}

/* Runs @then once every encoder's caps reached webrtcbin (a frame or two
 * after the encoder starts), so that the SDP carries ssrc and msid lines,
 * which browsers need to map streams to tracks, and a fixed payload type
 * (webrtcbin 1.22 drops a medium whose pad only offers a range). */
static void
wait_for_caps (ParlaPeer  *self,
               void      (*then) (ParlaPeer *))
{
  self->after_caps = then;
  if (send_caps_ready (self))
    {
      run_after_caps (self);
      return;
    }

  if (self->caps_timeout_id == 0)
    self->caps_timeout_id = g_timeout_add (1000, on_caps_timeout_cb, self);
}

static void
sink_caps_arrived (ParlaPeer *self,
                   gpointer   data)
{
  if (self->after_caps != NULL && send_caps_ready (self))
    run_after_caps (self);
}

static void
on_sink_pad_caps_cb (GstPad     *pad,
                     GParamSpec *pspec,
                     ParlaPeer  *self)
{
  post (self, sink_caps_arrived, NULL, NULL);
}

/* Encoders */

static GstElement *
add_element (ParlaPeer  *self,
             GPtrArray  *elements,
             const char *factory)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    return NULL;

  gst_bin_add (GST_BIN (self->bin), element);
  g_ptr_array_add (elements, gst_object_ref (element));

  return element;
}

static const char * const *
video_encodings (ParlaPeer *self)
{
  static const char * const vp8_first[] = { "VP8", "H264", NULL };
  static const char * const h264_first[] = { "H264", "VP8", NULL };
  static const char * const vp8_only[] = { "VP8", NULL };

  if (!self->has_h264)
    return vp8_only;

  return parla_call_options_get_prefer_h264 (self->options) ? h264_first : vp8_first;
}

#define SCREEN_KBPS 1200

/* The profile we offer: constrained baseline, level 3.1, which every
 * browser decodes (and openh264 encodes). */
#define H264_PROFILE_LEVEL_ID "42e01f"

/* The encoder, tuned for real-time calls on a small CPU: a frame is
 * encoded as it comes (no look-ahead), in one thread, at a constant
 * bitrate with a short buffer, and a lost packet damages one partition
 * rather than the rest of the frame. Keyframes only when asked (PLI,
 * FIR, a new participant). A screen is text and lines that rarely move:
 * detail over motion, and unchanged blocks skipped. @last is the element
 * the payloader follows. */
static GstElement *
make_video_encoder (ParlaPeer      *self,
                    GPtrArray      *elements,
                    ParlaTrackKind  kind,
                    const char     *encoding,
                    GstElement    **last)
{
  gboolean screen = kind == PARLA_TRACK_SCREEN;
  guint kbps = screen ? SCREEN_KBPS : parla_call_options_get_video_bitrate (self->options);
  g_autoptr(GstCaps) caps = NULL;
  GstElement *encoder;
  GstElement *filter;

  if (g_str_equal (encoding, "H264"))
    {
      encoder = add_element (self, elements, "openh264enc");
      if (encoder == NULL)
        return NULL;
      g_object_set (encoder,
                    "bitrate", kbps * 1000,
                    "max-bitrate", kbps * 1500,
                    "gop-size", 3000,
                    "multi-thread", 1,
                    "enable-frame-skip", TRUE,
                    "background-detection", TRUE,
                    "adaptive-quantization", !screen,
                    "scene-change-detection", screen,
                    NULL);
      gst_util_set_object_arg (G_OBJECT (encoder), "rate-control", "bitrate");
      gst_util_set_object_arg (G_OBJECT (encoder), "complexity", "low");
      gst_util_set_object_arg (G_OBJECT (encoder), "usage-type", screen ? "screen" : "camera");

      filter = add_element (self, elements, "capsfilter");
      caps = gst_caps_from_string ("video/x-h264,profile=constrained-baseline,"
                                   "stream-format=byte-stream,alignment=au");
      g_object_set (filter, "caps", caps, NULL);

      if (!gst_element_link (encoder, filter))
        return NULL;
      *last = filter;
    }
  else
    {
      encoder = add_element (self, elements, "vp8enc");
      if (encoder == NULL)
        return NULL;
      /* threads > 1 busy-waits with a live source (85 % CPU at 720p) */
      g_object_set (encoder,
                    "deadline", (gint64) 1,
                    "threads", 1,
                    /* the fastest: half the CPU of 4 to 12 at 720p */
                    "cpu-used", 16,
                    "lag-in-frames", 0,
                    "target-bitrate", (int) kbps * 1000,
                    "keyframe-max-dist", 3000,
                    "undershoot", 95,
                    "overshoot", 15,
                    "buffer-size", 600,
                    "buffer-initial-size", 400,
                    "buffer-optimal-size", 500,
                    "max-quantizer", screen ? 50 : 56,
                    "min-quantizer", screen ? 4 : 2,
                    /* skip unchanged blocks: most of a screen, some of a
                     * face in front of a wall */
                    "static-threshold", screen ? 800 : 100,
                    "noise-sensitivity", 0,
                    "sharpness", screen ? 0 : 3,
                    /* libvpx may lower the resolution when the bitrate
                     * gets too low for it (adaptation); never a screen's */
                    "resize-allowed", !screen,
                    NULL);
      gst_util_set_object_arg (G_OBJECT (encoder), "end-usage", "cbr");
      gst_util_set_object_arg (G_OBJECT (encoder), "error-resilient", "partitions");
      if (screen)
        gst_util_set_object_arg (G_OBJECT (encoder), "tuning", "ssim");

      /* vpxenc takes its profile from downstream, and refuses to start
       * without one: a prepared branch has no payloader yet. */
      filter = add_element (self, elements, "capsfilter");
      caps = gst_caps_from_string ("video/x-vp8,profile=(string)0");
      g_object_set (filter, "caps", caps, NULL);
      if (!gst_element_link (encoder, filter))
        return NULL;
      *last = filter;
    }

  return encoder;
}

static GstElement *
make_audio_encoder (ParlaPeer   *self,
                    GPtrArray   *elements)
{
  GstElement *encoder = add_element (self, elements, "opusenc");

  if (encoder == NULL)
    return NULL;

  g_object_set (encoder,
                "bitrate", 32000,
                "inband-fec", TRUE,
                "packet-loss-percentage", 5,
                "dtx", FALSE,
                "complexity", 5,
                NULL);
  gst_util_set_object_arg (G_OBJECT (encoder), "audio-type", "voice");
  gst_util_set_object_arg (G_OBJECT (encoder), "frame-size", "20");

  return encoder;
}

static GstCaps *
rtp_caps (ParlaTrackKind  kind,
          const char     *encoding,
          int             pt)
{
  if (kind == PARLA_TRACK_AUDIO)
    return gst_caps_new_simple ("application/x-rtp",
                                "media", G_TYPE_STRING, "audio",
                                "encoding-name", G_TYPE_STRING, "OPUS",
                                "clock-rate", G_TYPE_INT, 48000,
                                "payload", G_TYPE_INT, pt,
                                NULL);

  if (g_str_equal (encoding, "H264"))
    return gst_caps_new_simple ("application/x-rtp",
                                "media", G_TYPE_STRING, "video",
                                "encoding-name", G_TYPE_STRING, "H264",
                                "clock-rate", G_TYPE_INT, 90000,
                                "payload", G_TYPE_INT, pt,
                                "packetization-mode", G_TYPE_STRING, "1",
                                "profile-level-id", G_TYPE_STRING, H264_PROFILE_LEVEL_ID,
                                "level-asymmetry-allowed", G_TYPE_STRING, "1",
                                NULL);

  return gst_caps_new_simple ("application/x-rtp",
                              "media", G_TYPE_STRING, "video",
                              "encoding-name", G_TYPE_STRING, encoding,
                              "clock-rate", G_TYPE_INT, 90000,
                              "payload", G_TYPE_INT, pt,
                              NULL);
}

/* Takes a send branch out: off the tee, out of the bin. Its webrtcbin sink
 * pad stays (webrtcbin 1.22 cannot drop a transceiver), unlinked. */
static void
discard_send_branch (ParlaPeer  *self,
                     SendBranch *branch)
{
  if (branch->tee_pad != NULL)
    _parla_local_media_release_pad (self->local, g_steal_pointer (&branch->tee_pad));

  for (guint j = 0; j < branch->elements->len; j++)
    {
      GstElement *element = g_ptr_array_index (branch->elements, j);

      gst_element_set_state (element, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self->bin), element);
    }

  if (branch->ghost_name != NULL)
    {
      g_autoptr(GstPad) ghost = gst_element_get_static_pad (self->bin, branch->ghost_name);

      if (ghost != NULL)
        gst_element_remove_pad (self->bin, ghost);
    }

  if (branch->sink_pad != NULL)
    g_signal_handlers_disconnect_by_data (branch->sink_pad, self);

  g_ptr_array_remove (self->send_branches, branch);
}

/* Until the branch is attached, its encoder's output goes nowhere. */
static GstPadProbeReturn
on_unattached_output_probe_cb (GstPad          *pad,
                               GstPadProbeInfo *info,
                               gpointer         user_data)
{
  return GST_PAD_PROBE_DROP;
}

/* Builds tee ! queue ! [valve !] encoder and starts it, its output
 * dropped until attach_send_branch(). With @early (ahead of any offer),
 * nothing is built while the capture is still starting: a tee pad made
 * while the segment is on its way through the tee misses it (the tee
 * copies the sticky events it has, and forwards the segment to the pads
 * it had), and then gets data before any segment. So a pad counts only
 * once the segment was copied onto it. NULL without an error when
 * nothing is built. */
static SendBranch *
prepare_send_branch_full (ParlaPeer       *self,
                          ParlaTrackKind   kind,
                          const char      *encoding,
                          gboolean         early,
                          GError         **error)
{
  g_autoptr(GstPad) tee_pad = NULL;
  g_autoptr(GstPad) queue_sink = NULL;
  SendBranch *branch;
  GstElement *queue;
  GstElement *encoder;
  GstElement *last = NULL;
  GstPad *ghost;
  static guint serial;

  tee_pad = _parla_local_media_request_pad (self->local, kind);
  if (tee_pad == NULL)
    return NULL;

  if (early)
    {
      g_autoptr(GstEvent) segment = gst_pad_get_sticky_event (tee_pad, GST_EVENT_SEGMENT, 0);

      if (segment == NULL)
        {
          _parla_local_media_release_pad (self->local, g_steal_pointer (&tee_pad));
          return NULL;
        }
    }

  branch = g_new0 (SendBranch, 1);
  branch->kind = kind;
  branch->mline = -1;
  branch->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  branch->encoding = g_strdup (encoding);
  branch->tee_pad = g_steal_pointer (&tee_pad);
  g_ptr_array_add (self->send_branches, branch);

  /* Never let a slow encoder back up into the shared capture: a frame
   * waits at most for the one being encoded. */
  queue = add_element (self, branch->elements, "queue");
  g_object_set (queue,
                "max-size-buffers", kind == PARLA_TRACK_AUDIO ? 10 : 1,
                "max-size-bytes", 0,
                "max-size-time", (guint64) 0,
                NULL);
  gst_util_set_object_arg (G_OBJECT (queue), "leaky", "downstream");

  if (kind == PARLA_TRACK_AUDIO)
    encoder = last = make_audio_encoder (self, branch->elements);
  else
    encoder = make_video_encoder (self, branch->elements, kind, encoding, &last);
  if (encoder == NULL)
    goto failed;
  branch->encoder = encoder;

  if (kind != PARLA_TRACK_AUDIO)
    {
      /* Closed until attached: the encoder gets the caps (it sets itself
       * up) but no frames, so that an encoder waiting for the answer costs
       * nothing. */
      branch->valve = add_element (self, branch->elements, "valve");
      gst_util_set_object_arg (G_OBJECT (branch->valve), "drop-mode", "forward-sticky-events");
      g_object_set (branch->valve, "drop", TRUE, NULL);
      if (!gst_element_link_many (queue, branch->valve, encoder, NULL))
        goto failed;
    }
  else if (!gst_element_link (queue, encoder))
    goto failed;

  branch->out_pad = gst_element_get_static_pad (last, "src");
  branch->drop_probe_id = gst_pad_add_probe (branch->out_pad,
                                             GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                                             on_unattached_output_probe_cb, NULL, NULL);

  queue_sink = gst_element_get_static_pad (queue, "sink");
  branch->ghost_name = g_strdup_printf ("send_%u", g_atomic_int_add (&serial, 1));
  ghost = gst_ghost_pad_new (branch->ghost_name, queue_sink);
  gst_pad_set_active (ghost, TRUE);
  gst_element_add_pad (self->bin, ghost);

  for (guint i = 0; i < branch->elements->len; i++)
    gst_element_sync_state_with_parent (g_ptr_array_index (branch->elements, i));

  /* Last, so that nothing flows into a half-built branch. */
  if (gst_pad_link (branch->tee_pad, ghost) != GST_PAD_LINK_OK)
    goto failed;

  return branch;

failed:
  g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_PIPELINE,
               "Cannot build the %s encoder", encoding);
  discard_send_branch (self, branch);
  return NULL;
}

static SendBranch *
prepare_send_branch (ParlaPeer       *self,
                     ParlaTrackKind   kind,
                     const char      *encoding,
                     GError         **error)
{
  return prepare_send_branch_full (self, kind, encoding, FALSE, error);
}

/* The profile-level-id our SDP gives the stream, whatever level openh264
 * writes in its SPS (the profile is the same: constrained baseline):
 * webrtcbin compares the caps it gets with the offer's as strings. The
 * parameter sets go in-band (config-interval -1). */
static GstPadProbeReturn
on_h264_caps_probe_cb (GstPad          *pad,
                       GstPadProbeInfo *info,
                       gpointer         user_data)
{
  const char *profile_level_id = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;
  GstCaps *fixed;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;

  gst_event_parse_caps (event, &caps);
  fixed = gst_caps_copy (caps);
  gst_caps_set_simple (fixed, "profile-level-id", G_TYPE_STRING, profile_level_id, NULL);
  gst_structure_remove_field (gst_caps_get_structure (fixed, 0), "sprop-parameter-sets");

  gst_event_unref (event);
  GST_PAD_PROBE_INFO_DATA (info) = gst_event_new_caps (fixed);
  gst_caps_unref (fixed);

  return GST_PAD_PROBE_OK;
}

typedef struct
{
  GstPad   *pad;
  gboolean  ok;
} StickyForward;

static gboolean
forward_sticky_event (GstPad    *pad,
                      GstEvent **event,
                      gpointer   user_data)
{
  StickyForward *forward = user_data;

  if (GST_EVENT_TYPE (*event) != GST_EVENT_EOS)
    forward->ok &= gst_pad_send_event (forward->pad, gst_event_ref (*event));

  return forward->ok;
}

/* A keyframe from @branch's encoder, as soon as it can. */
static void
request_keyframe (SendBranch *branch)
{
  if (branch->kind == PARLA_TRACK_AUDIO || branch->out_pad == NULL)
    return;

  gst_pad_send_event (branch->out_pad,
                      gst_video_event_new_upstream_force_key_unit (GST_CLOCK_TIME_NONE, TRUE, 0));
}

/* Joins a prepared branch to webrtcbin: encoder ! payloader (@pt) !
 * webrtcbin.sink_N. The sink pad is the branch's own (our offer's), or
 * one bound to the transceiver of m-line @mline of a remote offer, or
 * else a new transceiver's. The encoder's caps go through at once (the
 * answer waits for them), then its frames, from a keyframe. */
static gboolean
attach_send_branch (ParlaPeer   *self,
                    SendBranch  *branch,
                    int          pt,
                    int          mline,
                    GError     **error)
{
  g_autoptr(GstPad) pay_sink = NULL;
  g_autoptr(GstPad) pay_src = NULL;
  g_autoptr(GstCaps) caps = NULL;
  g_autofree char *pad_name = NULL;
  GstElement *payloader = NULL;
  GstElement *last;
  StickyForward forward = { NULL, TRUE };

  if (branch->kind == PARLA_TRACK_AUDIO)
    payloader = add_element (self, branch->elements, "rtpopuspay");
  else if (g_str_equal (branch->encoding, "H264"))
    payloader = add_element (self, branch->elements, "rtph264pay");
  else
    payloader = add_element (self, branch->elements, "rtpvp8pay");
  if (payloader == NULL)
    goto failed;

  g_object_set (payloader, "pt", pt, "mtu", RTP_MTU, NULL);
  if (branch->ssrc != 0)
    g_object_set (payloader, "ssrc", branch->ssrc, NULL);
  if (g_str_equal (branch->encoding, "VP8"))
    gst_util_set_object_arg (G_OBJECT (payloader), "picture-id-mode", "15-bit");
  else if (g_str_equal (branch->encoding, "H264"))
    {
      g_object_set (payloader, "config-interval", -1, NULL);
      gst_util_set_object_arg (G_OBJECT (payloader), "aggregate-mode", "zero-latency");
      pay_src = gst_element_get_static_pad (payloader, "src");
      if (branch->profile_level_id == NULL)
        branch->profile_level_id = g_strdup (H264_PROFILE_LEVEL_ID);
      gst_pad_add_probe (pay_src, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_h264_caps_probe_cb,
                         branch->profile_level_id, NULL);
      g_clear_object (&pay_src);
    }

  if (branch->sink_pad == NULL)
    {
      GstPadTemplate *templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self->webrtc),
                                                                  "sink_%u");

      caps = rtp_caps (branch->kind, branch->encoding, pt);
      if (mline >= 0)
        pad_name = g_strdup_printf ("sink_%d", mline);
      branch->sink_pad = gst_element_request_pad (self->webrtc, templ, pad_name, caps);
      if (branch->sink_pad == NULL)
        goto failed;

      /* Audio and camera are one stream to a browser; the screen another. */
      g_object_set (branch->sink_pad, "msid",
                    branch->kind == PARLA_TRACK_SCREEN ? "parla-screen" : "parla", NULL);
    }
  branch->mline = mline;

  /* webrtcbin offers and answers with the ssrc and msid once caps went
   * through this pad: the offer or answer waits for them (wait_for_caps). */
  g_signal_connect (branch->sink_pad, "notify::caps", G_CALLBACK (on_sink_pad_caps_cb), self);

  pay_src = gst_element_get_static_pad (payloader, "src");
  if (gst_pad_link (pay_src, branch->sink_pad) != GST_PAD_LINK_OK)
    goto failed;

  /* Playing before the running encoder is linked to it: a payloader
   * still flushing would answer its first push with FLUSHING, and the
   * queue's thread would stop for good. */
  gst_element_sync_state_with_parent (payloader);
  last = GST_ELEMENT (gst_pad_get_parent (branch->out_pad));
  gst_object_unref (last);
  if (!gst_element_link (last, payloader))
    goto failed;

  /* The encoder's stream-start, caps and segment, now rather than with its
   * next frame; the payloader's caps follow to webrtcbin. */
  pay_sink = gst_element_get_static_pad (payloader, "sink");
  forward.pad = pay_sink;
  gst_pad_sticky_events_foreach (branch->out_pad, forward_sticky_event, &forward);

  if (branch->drop_probe_id != 0)
    {
      gst_pad_remove_probe (branch->out_pad, branch->drop_probe_id);
      branch->drop_probe_id = 0;
    }
  /* Open, unless the link cannot carry the camera now; a screen never
   * stops (see apply_adaptation()). */
  if (branch->valve != NULL)
    g_object_set (branch->valve, "drop",
                  branch->kind == PARLA_TRACK_VIDEO && self->adaptation.suspended, NULL);
  request_keyframe (branch);
  branch->attached = TRUE;

  GST_INFO ("peer %s: sending %s as payload %d on %s", self->user_id, branch->encoding, pt,
            GST_PAD_NAME (branch->sink_pad));
  return TRUE;

failed:
  g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_PIPELINE,
               "Cannot send %s", branch->encoding);
  discard_send_branch (self, branch);
  return FALSE;
}

/* Builds and attaches at once. */
static gboolean
add_send_branch (ParlaPeer       *self,
                 ParlaTrackKind   kind,
                 const char      *encoding,
                 int              pt,
                 int              mline,
                 GError         **error)
{
  SendBranch *branch;
  GError *local_error = NULL;

  branch = prepare_send_branch (self, kind, encoding, &local_error);
  if (branch == NULL)
    {
      if (local_error == NULL)
        return TRUE;  /* nothing of that kind to send */
      g_propagate_error (error, local_error);
      return FALSE;
    }

  return attach_send_branch (self, branch, pt, mline, error);
}

/* A prepared branch of @kind, not attached yet, or NULL. */
static SendBranch *
find_prepared_branch (ParlaPeer      *self,
                      ParlaTrackKind  kind)
{
  for (guint i = 0; i < self->send_branches->len; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);

      if (branch->kind == kind && !branch->attached)
        return branch;
    }

  return NULL;
}

/* For the m-line @mline of a remote offer: the prepared branch of @kind
 * when it has the codec picked, or a new one; attached. */
static gboolean
attach_for_offer (ParlaPeer       *self,
                  ParlaTrackKind   kind,
                  const char      *encoding,
                  int              pt,
                  const char      *profile_level_id,
                  int              mline,
                  GError         **error)
{
  SendBranch *branch = find_prepared_branch (self, kind);
  GError *local_error = NULL;

  if (branch != NULL && (branch->sink_pad != NULL || !g_str_equal (branch->encoding, encoding)))
    {
      discard_send_branch (self, branch);
      branch = NULL;
    }

  if (branch == NULL)
    branch = prepare_send_branch (self, kind, encoding, &local_error);
  if (branch == NULL)
    {
      if (local_error == NULL)
        return TRUE;
      g_propagate_error (error, local_error);
      return FALSE;
    }

  g_free (branch->profile_level_id);
  branch->profile_level_id = g_strdup (profile_level_id);

  return attach_send_branch (self, branch, pt, mline, error);
}

/* A keyframe now: the frames encoded before DTLS was up were lost, and
 * the receiver would otherwise wait for its keyframe request (PLI) to be
 * answered. */
static void
request_keyframes (ParlaPeer *self)
{
  for (guint i = 0; i < self->send_branches->len; i++)
    request_keyframe (g_ptr_array_index (self->send_branches, i));
}

static void
release_send_branches (ParlaPeer *self)
{
  for (guint i = 0; i < self->send_branches->len; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);

      if (branch->tee_pad != NULL)
        _parla_local_media_release_pad (self->local, g_steal_pointer (&branch->tee_pad));
    }
}

static int
payload_type_for (const char *encoding)
{
  return g_str_equal (encoding, "H264") ? PT_H264 : PT_VP8;
}

/* What we receive video in, best first. */
static GstCaps *
video_codec_caps (ParlaPeer *self)
{
  const char * const *encodings = video_encodings (self);
  GstCaps *caps = gst_caps_new_empty ();

  for (guint i = 0; encodings[i] != NULL; i++)
    gst_caps_append (caps, rtp_caps (PARLA_TRACK_VIDEO, encodings[i], payload_type_for (encodings[i])));

  return caps;
}

/* Our offer's camera m-line: every codec we can send, best first, each
 * with its payload type, as the transceiver's codec preferences; the
 * stream's SSRC goes with the first (webrtcbin writes the a=ssrc and msid
 * lines from it). The sink pad stays unlinked until the answer, or
 * webrtcbin would offer only the codec of the caps it got; the encoder of
 * the codec we like best runs already, and attach_answered_video() keeps
 * or replaces it. */
static gboolean
offer_video (ParlaPeer  *self,
             GError    **error)
{
  const char * const *encodings = video_encodings (self);
  g_autoptr(GstCaps) preferences = gst_caps_new_empty ();
  g_autoptr(GstCaps) caps = rtp_caps (PARLA_TRACK_VIDEO, encodings[0], payload_type_for (encodings[0]));
  g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;
  GstPadTemplate *templ;
  GstPad *sink_pad;
  SendBranch *branch;
  guint ssrc = g_random_int_range (1, G_MAXINT32);

  for (guint i = 0; encodings[i] != NULL; i++)
    {
      GstCaps *codec = rtp_caps (PARLA_TRACK_VIDEO, encodings[i], payload_type_for (encodings[i]));

      if (i == 0)
        gst_caps_set_simple (codec, "ssrc", G_TYPE_UINT, ssrc, NULL);
      gst_caps_append (preferences, codec);
    }

  templ = gst_element_class_get_pad_template (GST_ELEMENT_GET_CLASS (self->webrtc), "sink_%u");
  sink_pad = gst_element_request_pad (self->webrtc, templ, NULL, caps);
  if (sink_pad == NULL)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_PIPELINE,
                           "webrtcbin refused a video stream");
      return FALSE;
    }
  g_object_set (sink_pad, "msid", "parla", NULL);
  g_object_get (sink_pad, "transceiver", &transceiver, NULL);
  if (transceiver != NULL)
    g_object_set (transceiver, "codec-preferences", preferences, NULL);

  branch = prepare_send_branch (self, PARLA_TRACK_VIDEO, encodings[0], error);
  if (branch == NULL)
    {
      gst_element_release_request_pad (self->webrtc, sink_pad);
      gst_object_unref (sink_pad);
      return FALSE;
    }
  branch->sink_pad = sink_pad;
  branch->ssrc = ssrc;

  return TRUE;
}

static gboolean is_bundle_only (const GstSDPMedia *media);

/* The answer to our offer says which codec the camera is sent in: the
 * first of its formats that we can send. */
static void
attach_answered_video (ParlaPeer *self)
{
  for (guint i = 0; i < self->send_branches->len; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);
      g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;
      g_autoptr(GError) error = NULL;
      g_autofree char *profile_level_id = NULL;
      const GstSDPMedia *media = NULL;
      const char *encoding = NULL;
      guint mline = G_MAXUINT;
      int pt = -1;

      if (branch->attached || branch->sink_pad == NULL)
        continue;

      g_object_get (branch->sink_pad, "transceiver", &transceiver, NULL);
      if (transceiver != NULL)
        g_object_get (transceiver, "mlineindex", &mline, NULL);
      if (mline < gst_sdp_message_medias_len (self->remote_sdp))
        media = gst_sdp_message_get_media (self->remote_sdp, mline);
      if (media != NULL && (gst_sdp_media_get_port (media) != 0 || is_bundle_only (media)))
        pt = _parla_sdp_pick_first_payload (media, video_encodings (self), &encoding);

      if (pt < 0)
        {
          GST_WARNING ("peer %s: no video codec in the answer that we can send", self->user_id);
          discard_send_branch (self, branch);
          i--;
          continue;
        }

      if (!g_str_equal (encoding, branch->encoding))
        {
          SendBranch *replacement = prepare_send_branch (self, branch->kind, encoding, &error);

          if (replacement == NULL)
            {
              GST_WARNING ("peer %s: %s", self->user_id, error ? error->message : "no camera");
              discard_send_branch (self, branch);
              i--;
              continue;
            }
          replacement->sink_pad = g_steal_pointer (&branch->sink_pad);
          replacement->ssrc = branch->ssrc;
          discard_send_branch (self, branch);
          i--;
          branch = replacement;
        }

      if (g_str_equal (encoding, "H264"))
        profile_level_id = _parla_sdp_dup_fmtp_param (media, pt, "profile-level-id");
      g_free (branch->profile_level_id);
      branch->profile_level_id = g_steal_pointer (&profile_level_id);

      if (!attach_send_branch (self, branch, pt, -1, &error))
        {
          /* (the branch is gone) */
          GST_WARNING ("peer %s: %s", self->user_id, error->message);
          i--;
          continue;
        }

      /* Renegotiations offer what is sent. */
      if (transceiver != NULL)
        g_object_set (transceiver, "codec-preferences", NULL, NULL);
      replace_string (&self->video_encoding, encoding);
    }
}

/* Decoders; on a streaming thread */

static GstPadProbeReturn
on_rtp_received_probe_cb (GstPad          *pad,
                          GstPadProbeInfo *info,
                          gpointer         user_data)
{
  ParlaPeer *self = user_data;

  g_atomic_int_set (&self->last_rx_ms, (g_get_monotonic_time () - self->created_time) / 1000);

  return GST_PAD_PROBE_OK;
}

static void
emit_track_added (ParlaPeer *self,
                  gpointer   data)
{
  g_signal_emit (self, signals[TRACK_ADDED], 0, data);
}

static void
emit_track_removed (ParlaPeer *self,
                    gpointer   data)
{
  g_signal_emit (self, signals[TRACK_REMOVED], 0, data);
}

/* Under lock. The m-line a stream belongs to: from its SSRC in the remote
 * description (a=ssrc), or else from the transceiver webrtcbin gave the
 * pad, which it sometimes has not bound yet. -1 when unknown. */
static int
mline_for_pad (ParlaPeer *self,
               GstPad    *pad,
               GstCaps   *caps)
{
  g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;
  guint ssrc = 0;
  guint mline = G_MAXUINT;
  gpointer found;

  if (gst_structure_get_uint (gst_caps_get_structure (caps, 0), "ssrc", &ssrc) &&
      self->remote_ssrcs != NULL &&
      g_hash_table_lookup_extended (self->remote_ssrcs, GUINT_TO_POINTER (ssrc), NULL, &found))
    return GPOINTER_TO_INT (found);

  g_object_get (pad, "transceiver", &transceiver, NULL);
  if (transceiver != NULL)
    g_object_get (transceiver, "mlineindex", &mline, NULL);

  return mline == G_MAXUINT ? -1 : (int) mline;
}

/* The first video m-line is the camera; later ones are screens. */
static ParlaTrackKind
kind_for_mline (ParlaPeer  *self,
                int         mline,
                const char *media)
{
  if (g_strcmp0 (media, "audio") == 0)
    return PARLA_TRACK_AUDIO;

  if (self->first_video_mline >= 0 && mline >= 0 && mline != self->first_video_mline)
    return PARLA_TRACK_SCREEN;

  return PARLA_TRACK_VIDEO;
}

static gboolean
build_receive_branch (ParlaPeer     *self,
                      ReceiveBranch *branch,
                      GstCaps       *caps)
{
  GstStructure *s = gst_caps_get_structure (caps, 0);
  const char *media = gst_structure_get_string (s, "media");
  const char *encoding = gst_structure_get_string (s, "encoding-name");
  ParlaTrackKind kind;
  g_autoptr(GstCaps) sink_caps = NULL;
  g_autoptr(GstPad) first_sink = NULL;
  GstElement *depay = NULL;
  GstElement *parser = NULL;
  GstElement *decoder = NULL;
  GstElement *appsink = NULL;
  GstElement *last;

  if (!gst_structure_get_uint (s, "ssrc", &branch->ssrc))
    branch->ssrc = 0;
  branch->mline = mline_for_pad (self, branch->pad, caps);
  kind = kind_for_mline (self, branch->mline, media);

  if (g_strcmp0 (encoding, "VP8") == 0)
    {
      depay = add_element (self, branch->elements, "rtpvp8depay");
      decoder = add_element (self, branch->elements, "vp8dec");
      /* One thread: libvpx's others spin while they wait, and one
       * partition per frame leaves them nothing to do. */
      g_object_set (decoder, "threads", 1, NULL);
    }
  else if (g_strcmp0 (encoding, "H264") == 0 && parla_media_has_element ("rtph264depay") &&
           parla_media_has_element ("h264parse") &&
           (parla_media_has_element ("openh264dec") || parla_media_has_element ("avdec_h264")))
    {
      /* openh264dec wants the profile in its caps: h264parse reads it from
       * the SPS. */
      depay = add_element (self, branch->elements, "rtph264depay");
      parser = add_element (self, branch->elements, "h264parse");
      decoder = add_element (self, branch->elements,
                             parla_media_has_element ("openh264dec") ? "openh264dec" : "avdec_h264");
    }
  else if (g_strcmp0 (encoding, "OPUS") == 0)
    {
      depay = add_element (self, branch->elements, "rtpopusdepay");
      decoder = add_element (self, branch->elements, "opusdec");
      g_object_set (decoder, "plc", TRUE, "use-inband-fec", TRUE, NULL);
    }

  if (depay == NULL || decoder == NULL)
    {
      GstElement *sink = add_element (self, branch->elements, "fakesink");

      GST_WARNING ("peer %s: cannot decode %s", self->user_id, GST_STR_NULL (encoding));
      g_object_set (sink, "async", FALSE, "sync", FALSE, NULL);
      gst_element_sync_state_with_parent (sink);
      first_sink = gst_element_get_static_pad (sink, "sink");
      return gst_pad_link (branch->pad, first_sink) == GST_PAD_LINK_OK;
    }

  if (kind != PARLA_TRACK_AUDIO)
    {
      /* Ask for a keyframe on loss rather than showing corruption; NACK
       * (do-nack) repairs most loss before it gets here. */
      g_object_set (depay, "request-keyframe", TRUE, "wait-for-keyframe", TRUE, NULL);
    }

  if (parser != NULL ? !gst_element_link_many (depay, parser, decoder, NULL)
                     : !gst_element_link (depay, decoder))
    return FALSE;
  last = decoder;

  if (kind == PARLA_TRACK_AUDIO)
    {
      GstElement *convert = add_element (self, branch->elements, "audioconvert");
      GstElement *resample = add_element (self, branch->elements, "audioresample");

      if (!gst_element_link_many (last, convert, resample, NULL))
        return FALSE;
      last = resample;

      if (parla_call_options_get_audio_output (self->options) == PARLA_AUDIO_OUTPUT_DEVICE)
        {
          g_autoptr(GstPad) src = gst_element_get_static_pad (last, "src");

          branch->output_pad = _parla_local_media_request_output_pad (self->local);
          if (branch->output_pad == NULL || gst_pad_link (src, branch->output_pad) != GST_PAD_LINK_OK)
            return FALSE;
        }
      else
        {
          sink_caps = gst_caps_from_string ("audio/x-raw,format=S16LE,layout=interleaved,"
                                            "rate=48000,channels=1");
          appsink = add_element (self, branch->elements, "appsink");
        }
    }
  else
    {
      GstElement *convert = add_element (self, branch->elements, "videoconvert");

      if (!gst_element_link (last, convert))
        return FALSE;
      last = convert;

      /* No framerate: decoded WebRTC video says 0/1. */
      sink_caps = gst_caps_from_string ("video/x-raw,format=RGBA");
      appsink = add_element (self, branch->elements, "appsink");
    }

  if (appsink != NULL)
    {
      /* Unsynchronised: a frame is handed out as soon as it is decoded (the
       * renderer paces it to its frame clock), and this sink stays out of
       * the pipeline's latency, which would otherwise delay the played
       * audio by the whole send path's latency (~190 ms). */
      /* wait-on-eos: webrtcbin pushes EOS into a stream whose m-line goes
       * inactive from its own thread, holding its lock; an appsink whose
       * track was dropped (nobody pulls) would wait for ever. */
      g_object_set (appsink,
                    "caps", sink_caps,
                    "wait-on-eos", FALSE,
                    "sync", FALSE,
                    "async", FALSE,
                    "enable-last-sample", FALSE,
                    /* a frame is 3.7 MB in RGBA at 720p: one waits */
                    "max-buffers", kind == PARLA_TRACK_AUDIO ? 0 : 1,
                    "drop", kind != PARLA_TRACK_AUDIO,
                    NULL);
      if (!gst_element_link (last, appsink))
        return FALSE;
    }

  for (guint i = 0; i < branch->elements->len; i++)
    gst_element_sync_state_with_parent (g_ptr_array_index (branch->elements, i));

  first_sink = gst_element_get_static_pad (depay, "sink");
  if (gst_pad_link (branch->pad, first_sink) != GST_PAD_LINK_OK)
    return FALSE;

  branch->track = _parla_remote_track_new (self->user_id, kind, appsink);
  return TRUE;
}

/* Under lock. */
static void
start_receive_branch (ParlaPeer     *self,
                      ReceiveBranch *branch,
                      GstCaps       *caps)
{
  GST_INFO ("peer %s: receiving on %s %" GST_PTR_FORMAT, self->user_id,
            GST_PAD_NAME (branch->pad), caps);

  if (!build_receive_branch (self, branch, caps))
    GST_WARNING ("peer %s: cannot build the decoder for %" GST_PTR_FORMAT, self->user_id, caps);

  if (branch->track != NULL)
    post (self, emit_track_added, g_object_ref (branch->track), g_object_unref);
}

/* webrtcbin's source pads come without caps: the decoder is picked when
 * the caps event goes through, and linked before it goes on. */
static GstPadProbeReturn
on_src_pad_caps_probe_cb (GstPad          *pad,
                          GstPadProbeInfo *info,
                          gpointer         user_data)
{
  ParlaPeer *self = user_data;
  GstEvent *event = GST_PAD_PROBE_INFO_EVENT (info);
  GstCaps *caps;

  if (GST_EVENT_TYPE (event) != GST_EVENT_CAPS)
    return GST_PAD_PROBE_OK;

  gst_event_parse_caps (event, &caps);

  g_mutex_lock (&self->lock);
  if (!self->closed)
    {
      for (guint i = 0; i < self->receive_branches->len; i++)
        {
          ReceiveBranch *branch = g_ptr_array_index (self->receive_branches, i);

          if (branch->pad == pad && branch->elements->len == 0)
            start_receive_branch (self, branch, caps);
        }
    }
  g_mutex_unlock (&self->lock);

  return GST_PAD_PROBE_REMOVE;
}

static void
on_webrtc_pad_added_cb (GstElement *webrtc,
                        GstPad     *pad,
                        ParlaPeer  *self)
{
  g_autoptr(GstCaps) caps = NULL;
  ReceiveBranch *branch;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  g_mutex_lock (&self->lock);

  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }

  branch = g_new0 (ReceiveBranch, 1);
  branch->mline = -1;
  branch->pad = gst_object_ref (pad);
  branch->elements = g_ptr_array_new_with_free_func (gst_object_unref);
  g_ptr_array_add (self->receive_branches, branch);

  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     on_rtp_received_probe_cb, self, NULL);

  caps = gst_pad_get_current_caps (pad);
  if (caps != NULL)
    start_receive_branch (self, branch, caps);
  else
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_DOWNSTREAM, on_src_pad_caps_probe_cb,
                       self, NULL);

  g_mutex_unlock (&self->lock);
}

static void
remove_receive_branch (ParlaPeer *self,
                       gpointer   data)
{
  ReceiveBranch *branch = data;

  for (guint i = 0; i < branch->elements->len; i++)
    {
      GstElement *element = g_ptr_array_index (branch->elements, i);

      gst_element_set_state (element, GST_STATE_NULL);
      gst_bin_remove (GST_BIN (self->bin), element);
    }

  if (branch->output_pad != NULL)
    _parla_local_media_release_pad (self->local, g_steal_pointer (&branch->output_pad));

  if (branch->track != NULL)
    emit_track_removed (self, branch->track);
}

static void
on_webrtc_pad_removed_cb (GstElement *webrtc,
                          GstPad     *pad,
                          ParlaPeer  *self)
{
  ReceiveBranch *found = NULL;

  if (GST_PAD_DIRECTION (pad) != GST_PAD_SRC)
    return;

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->receive_branches->len; i++)
    {
      ReceiveBranch *branch = g_ptr_array_index (self->receive_branches, i);

      if (branch->pad == pad)
        {
          found = g_ptr_array_steal_index (self->receive_branches, i);
          break;
        }
    }
  if (found != NULL && !self->closed)
    post (self, remove_receive_branch, found, (GDestroyNotify) receive_branch_free);
  else if (found != NULL)
    receive_branch_free (found);
  g_mutex_unlock (&self->lock);
}

/* Data channel */

/* Data goes on the channel while it is open and the connection is not
 * being replaced; otherwise it waits (bounded) for a channel, this one or
 * the next connection's. */
static gboolean
may_send_data (ParlaPeer *self)
{
  return self->channel_open && self->channel != NULL &&
         self->state != PARLA_CALL_STATE_RECONNECTING;
}

static void
flush_pending_data (ParlaPeer *self)
{
  PendingData *pending;

  if (!may_send_data (self))
    return;

  while ((pending = g_queue_pop_head (&self->pending_data)) != NULL)
    {
      g_autoptr(GError) error = NULL;

      self->pending_data_bytes -= g_bytes_get_size (pending->data);
      if (!_parla_peer_send_data (self, pending->data, pending->is_text, &error))
        GST_WARNING ("peer %s: dropped a queued data message: %s", self->user_id, error->message);
      pending_data_free (pending);
    }
}

static void
channel_opened (ParlaPeer *self,
                gpointer   data)
{
  /* on-open fires even when the channel arrives open: idempotent */
  if (self->channel_open)
    return;

  GST_INFO ("peer %s: data channel open", self->user_id);
  self->channel_open = TRUE;
  flush_pending_data (self);
}

static void
channel_closed (ParlaPeer *self,
                gpointer   data)
{
  self->channel_open = FALSE;
}

typedef struct
{
  GBytes   *data;
  gboolean  is_text;
} DataMessage;

static void
data_message_free (DataMessage *message)
{
  g_bytes_unref (message->data);
  g_free (message);
}

static void
emit_data_message (ParlaPeer *self,
                   gpointer   data)
{
  DataMessage *message = data;

  g_signal_emit (self, signals[DATA_MESSAGE], 0, message->data, message->is_text);
}

static void
on_channel_open_cb (GstWebRTCDataChannel *channel,
                    ParlaPeer            *self)
{
  post (self, channel_opened, NULL, NULL);
}

static void
on_channel_close_cb (GstWebRTCDataChannel *channel,
                     ParlaPeer            *self)
{
  post (self, channel_closed, NULL, NULL);
}

static void
on_channel_message_string_cb (GstWebRTCDataChannel *channel,
                              const char           *text,
                              ParlaPeer            *self)
{
  DataMessage *message = g_new0 (DataMessage, 1);

  message->data = g_bytes_new (text ? text : "", text ? strlen (text) : 0);
  message->is_text = TRUE;
  post (self, emit_data_message, message, (GDestroyNotify) data_message_free);
}

static void
on_channel_message_data_cb (GstWebRTCDataChannel *channel,
                            GBytes               *data,
                            ParlaPeer            *self)
{
  DataMessage *message = g_new0 (DataMessage, 1);

  message->data = data ? g_bytes_ref (data) : g_bytes_new (NULL, 0);
  post (self, emit_data_message, message, (GDestroyNotify) data_message_free);
}

static void
connect_channel (ParlaPeer            *self,
                 GstWebRTCDataChannel *channel)
{
  g_signal_connect (channel, "on-open", G_CALLBACK (on_channel_open_cb), self);
  g_signal_connect (channel, "on-close", G_CALLBACK (on_channel_close_cb), self);
  g_signal_connect (channel, "on-message-string", G_CALLBACK (on_channel_message_string_cb), self);
  g_signal_connect (channel, "on-message-data", G_CALLBACK (on_channel_message_data_cb), self);
}

static void
adopt_channel (ParlaPeer            *self,
               GstWebRTCDataChannel *channel)
{
  GstWebRTCDataChannelState ready_state;

  g_set_object (&self->channel, channel);

  /* A remote channel arrives already open. */
  g_object_get (channel, "ready-state", &ready_state, NULL);
  if (ready_state == GST_WEBRTC_DATA_CHANNEL_STATE_OPEN)
    channel_opened (self, NULL);
}

static void
remote_channel_arrived (ParlaPeer *self,
                        gpointer   data)
{
  adopt_channel (self, data);
}

/* On webrtcbin's thread. The handlers are connected here, before the
 * first message can be emitted; the idles they post come after this one. */
static void
on_webrtc_data_channel_cb (GstElement           *webrtc,
                           GstWebRTCDataChannel *channel,
                           ParlaPeer            *self)
{
  g_autofree char *label = NULL;

  g_object_get (channel, "label", &label, NULL);

  g_mutex_lock (&self->lock);
  if (!self->closed && g_strcmp0 (label, DATA_CHANNEL_LABEL) == 0 && !self->channel_seen)
    {
      self->channel_seen = TRUE;
      connect_channel (self, channel);
      post (self, remote_channel_arrived, g_object_ref (channel), g_object_unref);
    }
  else
    GST_INFO ("peer %s: data channel %s ignored", self->user_id, label);
  g_mutex_unlock (&self->lock);
}

/* Negotiation */

static void create_offer       (ParlaPeer  *self);
static void handle_sdp         (ParlaPeer  *self,
                                JsonObject *sdp);
static void handle_renegotiate (ParlaPeer  *self,
                                JsonObject *request);


static GstWebRTCSignalingState
get_signaling_state (ParlaPeer *self)
{
  GstWebRTCSignalingState state;

  g_object_get (self->webrtc, "signaling-state", &state, NULL);

  return state;
}

typedef struct
{
  GstWebRTCSessionDescription *desc;
  GError                      *error;
} PromiseResult;

static void
promise_result_free (PromiseResult *result)
{
  g_clear_pointer (&result->desc, gst_webrtc_session_description_free);
  g_clear_error (&result->error);
  g_free (result);
}

/* Reads a webrtcbin promise's reply on its thread: the description named
 * @field, or the error, or "interrupted". */
static PromiseResult *
read_promise (GstPromise *promise,
              const char *field)
{
  PromiseResult *result = g_new0 (PromiseResult, 1);
  const GstStructure *reply;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    {
      result->error = g_error_new_literal (PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                                           "webrtcbin did not reply");
      return result;
    }

  reply = gst_promise_get_reply (promise);
  if (reply != NULL && gst_structure_has_field (reply, "error"))
    {
      gst_structure_get (reply, "error", G_TYPE_ERROR, &result->error, NULL);
      if (result->error == NULL)
        result->error = g_error_new_literal (PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                                             "webrtcbin failed");
    }
  else if (field != NULL)
    {
      if (reply == NULL ||
          !gst_structure_get (reply, field, GST_TYPE_WEBRTC_SESSION_DESCRIPTION, &result->desc, NULL))
        result->error = g_error_new (PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                                     "webrtcbin gave no %s", field);
    }

  return result;
}

typedef struct
{
  ParlaPeer  *self;
  PeerFunc    func;
  const char *field;
} PromiseWait;

static void
on_promise_replied_cb (GstPromise *promise,
                       gpointer    user_data)
{
  PromiseWait *wait = user_data;

  post (wait->self, wait->func, read_promise (promise, wait->field),
        (GDestroyNotify) promise_result_free);
}

static void
promise_wait_free (gpointer user_data)
{
  PromiseWait *wait = user_data;

  g_object_unref (wait->self);
  g_free (wait);
}

/* A promise whose reply is handed to @func on the main context. */
static GstPromise *
new_promise (ParlaPeer  *self,
             PeerFunc    func,
             const char *field)
{
  PromiseWait *wait = g_new0 (PromiseWait, 1);

  wait->self = g_object_ref (self);
  wait->func = func;
  wait->field = field;

  return gst_promise_new_with_change_func (on_promise_replied_cb, wait, promise_wait_free);
}

static gboolean
transceiver_has_sender (ParlaPeer               *self,
                        GstWebRTCRTPTransceiver *transceiver)
{
  for (guint i = 0; i < self->send_branches->len; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);
      g_autoptr(GstWebRTCRTPTransceiver) bound = NULL;

      if (branch->sink_pad == NULL)
        continue;
      g_object_get (branch->sink_pad, "transceiver", &bound, NULL);
      if (bound == transceiver)
        return TRUE;
    }

  return FALSE;
}

/* webrtcbin 1.22 re-offers an m-line from the caps of its pad: a
 * receive-only m-line (their screen) has only our depayloader's, and a
 * stopped one (our screen) an unlinked pad's, both without a payload type,
 * and the whole offer fails ("Could not reuse transceiver"). Such m-lines
 * get the codecs they were negotiated with as codec preferences. */
static void
pin_codec_preferences (ParlaPeer *self)
{
  g_autoptr(GstWebRTCSessionDescription) local = NULL;
  g_autoptr(GArray) transceivers = NULL;

  g_object_get (self->webrtc, "current-local-description", &local, NULL);
  g_signal_emit_by_name (self->webrtc, "get-transceivers", &transceivers);
  if (local == NULL || transceivers == NULL)
    return;

  for (guint i = 0; i < transceivers->len; i++)
    {
      GstWebRTCRTPTransceiver *transceiver = g_array_index (transceivers, GstWebRTCRTPTransceiver *, i);
      g_autoptr(GstCaps) preferences = NULL;
      g_autoptr(GstCaps) caps = NULL;
      const GstSDPMedia *media;
      guint mline = G_MAXUINT;

      g_object_get (transceiver, "mlineindex", &mline, "codec-preferences", &preferences, NULL);
      if (preferences != NULL || mline >= gst_sdp_message_medias_len (local->sdp) ||
          transceiver_has_sender (self, transceiver))
        continue;

      media = gst_sdp_message_get_media (local->sdp, mline);
      if (g_strcmp0 (gst_sdp_media_get_media (media), "application") == 0)
        continue;

      caps = gst_caps_new_empty ();
      for (guint f = 0; f < gst_sdp_media_formats_len (media); f++)
        {
          int pt = atoi (gst_sdp_media_get_format (media, f));
          GstCaps *format = gst_sdp_media_get_caps_from_media (media, pt);
          const char *name;

          if (format == NULL)
            continue;

          name = gst_structure_get_string (gst_caps_get_structure (format, 0), "encoding-name");
          if (name == NULL || g_ascii_strcasecmp (name, "RTX") == 0 ||
              g_ascii_strcasecmp (name, "RED") == 0 || g_ascii_strcasecmp (name, "ULPFEC") == 0)
            {
              gst_caps_unref (format);
              continue;
            }

          gst_structure_set_name (gst_caps_get_structure (format, 0), "application/x-rtp");
          gst_caps_append (caps, format);
        }

      if (!gst_caps_is_empty (caps))
        g_object_set (transceiver, "codec-preferences", caps, NULL);
    }
}

static void
negotiation_done (ParlaPeer *self)
{
  if (!self->negotiated)
    GST_INFO ("peer %s: negotiated in %" G_GINT64_FORMAT " ms", self->user_id,
              (g_get_monotonic_time () - self->created_time) / 1000);
  self->negotiated = TRUE;
  pin_codec_preferences (self);

  /* Encoders started for an offer that did not need them. */
  for (guint i = self->send_branches->len; i > 0; i--)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i - 1);

      if (!branch->attached && branch->sink_pad == NULL)
        discard_send_branch (self, branch);
    }

  if (self->screen_wanted && self->request_timeout_id == 0)
    {
      g_autoptr(GError) error = NULL;

      if (!_parla_peer_add_screen (self, &error))
        GST_WARNING ("peer %s: cannot share the screen: %s", self->user_id, error->message);
    }

  if (self->needs_negotiation && get_signaling_state (self) == GST_WEBRTC_SIGNALING_STATE_STABLE)
    create_offer (self);
}

static void lost_media (ParlaPeer *self);

static gboolean
on_offer_timeout_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;

  self->offer_timeout_id = 0;
  if (get_signaling_state (self) != GST_WEBRTC_SIGNALING_STATE_HAVE_LOCAL_OFFER || !self->negotiated)
    return G_SOURCE_REMOVE;

  /* Offers crossed, or ours was lost: a new connection gets out of it. */
  GST_INFO ("peer %s: the offer was never answered", self->user_id);
  if (self->offerer)
    lost_media (self);

  return G_SOURCE_REMOVE;
}

static void
local_description_set (ParlaPeer *self,
                       gpointer   data)
{
  PromiseResult *result = data;

  if (result->error != NULL)
    {
      fail (self, PARLA_MEDIA_ERROR_NEGOTIATION, "Local description rejected: %s",
            result->error->message);
      return;
    }

  self->making_offer = FALSE;
  self->local_pending = FALSE;
  g_clear_handle_id (&self->offer_timeout_id, g_source_remove);
  if (get_signaling_state (self) == GST_WEBRTC_SIGNALING_STATE_HAVE_LOCAL_OFFER)
    self->offer_timeout_id = g_timeout_add (parla_call_options_get_peer_timeout (self->options),
                                            on_offer_timeout_cb, self);
  if (self->unsent_answer != NULL)
    {
      g_autoptr(GstWebRTCSessionDescription) answer = g_steal_pointer (&self->unsent_answer);

      send_sdp (self, answer);
    }
  if (get_signaling_state (self) == GST_WEBRTC_SIGNALING_STATE_STABLE)
    negotiation_done (self);

  /* What came back before webrtcbin had applied our offer or answer. */
  if (self->held_sdp != NULL)
    {
      g_autoptr(JsonObject) sdp = g_steal_pointer (&self->held_sdp);

      handle_sdp (self, sdp);
    }
}

static void
set_local_description (ParlaPeer                   *self,
                       GstWebRTCSessionDescription *desc)
{
  g_autoptr(GstPromise) promise = new_promise (self, local_description_set, NULL);

  remember_local_mids (self, desc);
  self->local_pending = TRUE;
  g_signal_emit_by_name (self->webrtc, "set-local-description", desc, promise);

  /* An offer goes now, before any of the candidates that setting it
   * starts (the answer may be back before webrtcbin has applied it:
   * held_sdp). An answer waits until it is applied: the offerer starts
   * sending new streams on it, and a packet that arrives before webrtcbin
   * knows the m-line's transceiver gets no NACK (and a g_warning). */
  if (desc->type == GST_WEBRTC_SDP_TYPE_ANSWER)
    self->unsent_answer = gst_webrtc_session_description_copy (desc);
  else
    send_sdp (self, desc);
}

static void
offer_created (ParlaPeer *self,
               gpointer   data)
{
  PromiseResult *result = data;

  if (result->error != NULL)
    {
      self->making_offer = FALSE;
      fail (self, PARLA_MEDIA_ERROR_NEGOTIATION, "Cannot create an offer: %s",
            result->error->message);
      return;
    }

  if (get_signaling_state (self) != GST_WEBRTC_SIGNALING_STATE_STABLE)
    {
      /* A remote offer got in first; offer again later. */
      self->making_offer = FALSE;
      self->needs_negotiation = TRUE;
      return;
    }

  if (self->offer_time == 0)
    self->offer_time = g_get_monotonic_time ();
  set_local_description (self, result->desc);
}

static void
do_create_offer (ParlaPeer *self)
{
  g_autoptr(GstPromise) promise = NULL;

  GST_INFO ("peer %s: creating an offer", self->user_id);
  promise = new_promise (self, offer_created, "offer");
  g_signal_emit_by_name (self->webrtc, "create-offer", NULL, promise);
}

static void
create_offer (ParlaPeer *self)
{
  if (self->making_offer || self->after_caps != NULL ||
      get_signaling_state (self) != GST_WEBRTC_SIGNALING_STATE_STABLE)
    {
      self->needs_negotiation = TRUE;
      return;
    }

  self->needs_negotiation = FALSE;
  self->making_offer = TRUE;
  wait_for_caps (self, do_create_offer);
}

static void
negotiation_needed (ParlaPeer *self,
                    gpointer   data)
{
  /* Only the offerer offers, and the first time by hand: this signal
   * fires on both sides and would otherwise cause glare. */
  if (!self->negotiated || !self->offerer)
    return;

  create_offer (self);
}

/* On webrtcbin's thread, while it makes the transceiver (for a remote
 * offer: while answering). NACK and RTX for video; keyframe requests (PLI,
 * FIR) are always on. */
static void
on_webrtc_new_transceiver_cb (GstElement              *webrtc,
                              GstWebRTCRTPTransceiver *transceiver,
                              ParlaPeer               *self)
{
  GstWebRTCKind kind = GST_WEBRTC_KIND_UNKNOWN;

  g_object_get (transceiver, "kind", &kind, NULL);
  if (kind == GST_WEBRTC_KIND_VIDEO)
    g_object_set (transceiver, "do-nack", TRUE, NULL);
}

static void
on_webrtc_negotiation_needed_cb (GstElement *webrtc,
                                 ParlaPeer  *self)
{
  post (self, negotiation_needed, NULL, NULL);
}

static void
add_candidate_now (ParlaPeer  *self,
                   guint       mline,
                   const char *mid,
                   const char *candidate)
{
  int index = mline;

  if (self->remote_sdp == NULL)
    return;

  if (mid != NULL)
    {
      int by_mid = _parla_sdp_find_mid (self->remote_sdp, mid);

      if (by_mid >= 0)
        index = by_mid;
    }

  if (index < 0 || (guint) index >= gst_sdp_message_medias_len (self->remote_sdp))
    {
      GST_INFO ("peer %s: candidate for unknown m-line %d dropped", self->user_id, index);
      return;
    }

  /* A browser may send candidates for every m-line of a BUNDLE group; they
   * all belong to the group's transport. */
  index = _parla_sdp_bundle_tag (self->remote_sdp, index);

  g_signal_emit_by_name (self->webrtc, "add-ice-candidate", (guint) index, candidate);
}

static void
flush_pending_candidates (ParlaPeer *self)
{
  PendingCandidate *pending;

  while ((pending = g_queue_pop_head (&self->pending_candidates)) != NULL)
    {
      add_candidate_now (self, pending->mline, pending->mid, pending->candidate);
      pending_candidate_free (pending);
    }
}

static void
remember_remote_description (ParlaPeer                   *self,
                             GstWebRTCSessionDescription *desc)
{
  g_clear_pointer (&self->remote_sdp, gst_sdp_message_free);
  gst_sdp_message_copy (desc->sdp, &self->remote_sdp);

  g_mutex_lock (&self->lock);
  self->first_video_mline = -1;
  g_hash_table_remove_all (self->remote_ssrcs);
  for (guint i = 0; i < gst_sdp_message_medias_len (desc->sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (desc->sdp, i);

      if (self->first_video_mline < 0 && g_strcmp0 (gst_sdp_media_get_media (media), "video") == 0)
        self->first_video_mline = i;

      for (guint a = 0; a < gst_sdp_media_attributes_len (media); a++)
        {
          const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, a);
          guint64 ssrc;

          if (g_strcmp0 (attr->key, "ssrc") == 0 && attr->value != NULL &&
              (ssrc = g_ascii_strtoull (attr->value, NULL, 10)) > 0 && ssrc <= G_MAXUINT32 &&
              g_hash_table_size (self->remote_ssrcs) < 64)
            g_hash_table_insert (self->remote_ssrcs, GUINT_TO_POINTER ((guint) ssrc),
                                 GINT_TO_POINTER (i));
        }
    }

  /* A stream that started before its SSRC was described (an answer made
   * before the encoder had caps says "FID 0") went to an m-line by guess:
   * now that the description names it, its m-line is known, and whether
   * it stopped can be told. */
  for (guint i = 0; i < self->receive_branches->len; i++)
    {
      ReceiveBranch *branch = g_ptr_array_index (self->receive_branches, i);
      gpointer found;

      if (branch->ssrc != 0 &&
          g_hash_table_lookup_extended (self->remote_ssrcs, GUINT_TO_POINTER (branch->ssrc),
                                        NULL, &found))
        branch->mline = GPOINTER_TO_INT (found);
    }
  g_mutex_unlock (&self->lock);
}

static gboolean
is_bundle_only (const GstSDPMedia *media)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key, "bundle-only") == 0)
      return TRUE;

  return FALSE;
}

/* Offered "recvonly": the offerer only receives in it. */
static gboolean
is_receive_only (const GstSDPMedia *media)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key, "recvonly") == 0)
      return TRUE;

  return FALSE;
}

static gboolean
remote_sends (const GstSDPMedia *media)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const char *key = gst_sdp_media_get_attribute (media, i)->key;

      if (g_strcmp0 (key, "inactive") == 0 || g_strcmp0 (key, "recvonly") == 0)
        return FALSE;
    }

  return gst_sdp_media_get_port (media) != 0 || is_bundle_only (media);
}

/* After a renegotiation: a track whose m-line the other side stopped
 * sending in (a screen share that ended) is removed. Its decoder stays
 * linked, idle, until the connection closes: unlinking webrtcbin's source
 * pad would turn a late packet into a not-linked error. */
static void
remove_stopped_tracks (ParlaPeer *self)
{
  g_autoptr(GPtrArray) stopped = g_ptr_array_new_with_free_func (g_object_unref);

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->receive_branches->len; i++)
    {
      ReceiveBranch *branch = g_ptr_array_index (self->receive_branches, i);
      int mline = branch->mline;

      if (branch->track == NULL || mline < 0 ||
          (guint) mline >= gst_sdp_message_medias_len (self->remote_sdp) ||
          remote_sends (gst_sdp_message_get_media (self->remote_sdp, mline)))
        continue;

      g_ptr_array_add (stopped, g_steal_pointer (&branch->track));
    }
  g_mutex_unlock (&self->lock);

  for (guint i = 0; i < stopped->len; i++)
    {
      ParlaRemoteTrack *track = g_ptr_array_index (stopped, i);

      GST_INFO ("peer %s: the %s track stopped", self->user_id,
                parla_remote_track_get_kind (track) == PARLA_TRACK_SCREEN ? "screen" : "camera");
      emit_track_removed (self, track);
    }
}

static void
answer_set (ParlaPeer *self,
            gpointer   data)
{
  PromiseResult *result = data;

  if (result->error != NULL)
    {
      if (!self->negotiated)
        fail (self, PARLA_MEDIA_ERROR_NEGOTIATION, "Answer rejected: %s", result->error->message);
      else
        GST_WARNING ("peer %s: answer rejected: %s", self->user_id, result->error->message);
      return;
    }

  self->remote_set = TRUE;
  attach_answered_video (self);
  flush_pending_candidates (self);
  remove_stopped_tracks (self);
  negotiation_done (self);
}

static void
answer_created (ParlaPeer *self,
                gpointer   data)
{
  PromiseResult *result = data;

  if (result->error != NULL)
    {
      fail (self, PARLA_MEDIA_ERROR_NEGOTIATION, "Cannot answer: %s", result->error->message);
      return;
    }

  set_local_description (self, result->desc);
}


/* After a remote offer is set, before the answer: every audio and video
 * m-line gets an encoder (when we have something to send), in the codec the
 * offer has that we like best, with the offer's payload type, on a sink pad
 * locked to that m-line; webrtcbin 1.22 makes the transceivers of a remote
 * offer only while answering, and answers from these pads. An m-line we
 * have nothing for is answered receive-only. */
static void
attach_send_branches (ParlaPeer *self)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (self->remote_sdp); i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (self->remote_sdp, i);
      const char * const audio_encodings[] = { "OPUS", NULL };
      g_autoptr(GError) error = NULL;
      g_autofree char *profile_level_id = NULL;
      const char *encoding = NULL;
      ParlaTrackKind kind;
      gboolean have_branch = FALSE;
      int pt;

      for (guint j = 0; j < self->send_branches->len && !have_branch; j++)
        have_branch = ((SendBranch *) g_ptr_array_index (self->send_branches, j))->mline == (int) i;
      /* Port 0 rejects a medium, unless BUNDLE carries it (bundle-only). */
      if (have_branch || (gst_sdp_media_get_port (media) == 0 && !is_bundle_only (media)))
        continue;

      if (g_strcmp0 (gst_sdp_media_get_media (media), "audio") == 0)
        {
          kind = PARLA_TRACK_AUDIO;
          pt = _parla_sdp_pick_payload (media, audio_encodings, &encoding);
        }
      else if (g_strcmp0 (gst_sdp_media_get_media (media), "video") == 0 &&
               (int) i == self->first_video_mline)
        {
          kind = PARLA_TRACK_VIDEO;
          pt = _parla_sdp_pick_payload (media, video_encodings (self), &encoding);
        }
      else if (g_strcmp0 (gst_sdp_media_get_media (media), "video") == 0 &&
               self->screen_wanted && is_receive_only (media) && i < 64 &&
               !(self->used_screen_slots & (G_GUINT64_CONSTANT (1) << i)))
        {
          /* The slot we asked for: they only receive in it. */
          kind = PARLA_TRACK_SCREEN;
          pt = _parla_sdp_pick_payload (media, video_encodings (self), &encoding);
          if (pt >= 0)
            {
              self->screen_wanted = FALSE;
              self->used_screen_slots |= G_GUINT64_CONSTANT (1) << i;
              g_clear_handle_id (&self->request_timeout_id, g_source_remove);
            }
        }
      else
        continue;  /* their screen: received only (ours is in an m-line of its own) */

      if (pt < 0 || !_parla_local_media_has (self->local, kind))
        continue;

      /* Only one sender of a kind per participant. */
      for (guint j = 0; j < self->send_branches->len && !have_branch; j++)
        {
          SendBranch *branch = g_ptr_array_index (self->send_branches, j);

          have_branch = branch->kind == kind && branch->attached && !branch->stopped;
        }
      if (have_branch)
        continue;

      if (g_str_equal (encoding, "H264"))
        profile_level_id = _parla_sdp_dup_fmtp_param (media, pt, "profile-level-id");
      if (kind == PARLA_TRACK_VIDEO)
        replace_string (&self->video_encoding, encoding);

      if (!attach_for_offer (self, kind, encoding, pt, profile_level_id, i, &error))
        GST_WARNING ("peer %s: %s", self->user_id, error->message);
    }
}

static void
create_answer (ParlaPeer *self)
{
  g_autoptr(GstPromise) promise = new_promise (self, answer_created, "answer");

  g_signal_emit_by_name (self->webrtc, "create-answer", NULL, promise);
}

static void
offer_set (ParlaPeer *self,
           gpointer   data)
{
  PromiseResult *result = data;

  if (result->error != NULL)
    {
      if (!self->negotiated)
        fail (self, PARLA_MEDIA_ERROR_NEGOTIATION, "Offer rejected: %s", result->error->message);
      else
        GST_WARNING ("peer %s: offer rejected: %s", self->user_id, result->error->message);
      return;
    }

  self->remote_set = TRUE;
  if (!self->screen_wanted)
    g_clear_handle_id (&self->request_timeout_id, g_source_remove);
  attach_send_branches (self);
  flush_pending_candidates (self);
  remove_stopped_tracks (self);
  wait_for_caps (self, create_answer);
}

static void
handle_sdp (ParlaPeer  *self,
            JsonObject *sdp)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GstPromise) promise = NULL;
  g_autoptr(GstWebRTCSessionDescription) pending_local = NULL;
  GstWebRTCSessionDescription *desc;
  GstWebRTCSignalingState state = get_signaling_state (self);
  GstSDPMessage *message;
  const char *type;
  const char *text;

  type = json_object_get_string_member_with_default (sdp, "type", NULL);
  text = json_object_get_string_member_with_default (sdp, "sdp", NULL);
  if (type == NULL || text == NULL)
    {
      GST_INFO ("peer %s: malformed sdp payload", self->user_id);
      return;
    }

  /* Our own description is still being applied: this is the reply to it
   * (or the next offer), faster than webrtcbin. One is held; more would be
   * a misbehaving peer. */
  if (self->local_pending)
    {
      if (self->held_sdp == NULL)
        self->held_sdp = json_object_ref (sdp);
      else
        GST_INFO ("peer %s: sdp ignored while one is held", self->user_id);
      return;
    }

  if (g_str_equal (type, "answer"))
    {

      if (state != GST_WEBRTC_SIGNALING_STATE_HAVE_LOCAL_OFFER)
        {
          GST_INFO ("peer %s: unexpected answer ignored", self->user_id);
          return;
        }

      g_object_get (self->webrtc, "pending-local-description", &pending_local, NULL);
      message = _parla_sdp_parse_remote (text, GST_WEBRTC_SDP_TYPE_ANSWER, NULL,
                                         pending_local ? pending_local->sdp : NULL, &error);
      if (message == NULL)
        {
          if (!self->negotiated)
            fail (self, PARLA_MEDIA_ERROR_NEGOTIATION, "Bad answer: %s", error->message);
          else
            GST_WARNING ("peer %s: bad answer ignored: %s", self->user_id, error->message);
          return;
        }

      desc = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_ANSWER, message);
      remember_remote_description (self, desc);
      promise = new_promise (self, answer_set, NULL);
      g_signal_emit_by_name (self->webrtc, "set-remote-description", desc, promise);
      gst_webrtc_session_description_free (desc);
    }
  else if (g_str_equal (type, "offer"))
    {
      g_autoptr(GstWebRTCSessionDescription) current = NULL;
      gboolean collision;

      collision = self->making_offer || state != GST_WEBRTC_SIGNALING_STATE_STABLE;
      if (state == GST_WEBRTC_SIGNALING_STATE_HAVE_REMOTE_OFFER)
        {
          GST_INFO ("peer %s: second offer ignored", self->user_id);
          return;
        }

      /* Two offers crossed. webrtcbin 1.22 refuses every rollback, so the
       * perfect-negotiation way out (the polite side rolls back) is shut:
       * both keep their own offer and ignore the other's. It only happens
       * when the side that did not offer first offers anyway (its request
       * went unanswered, see request_offer()); a browser on the other end
       * rolls back, and answers. */
      if (collision)
        {
          GST_INFO ("peer %s: colliding offer ignored", self->user_id);
          return;
        }

      g_object_get (self->webrtc, "current-local-description", &current, NULL);
      message = _parla_sdp_parse_remote (text, GST_WEBRTC_SDP_TYPE_OFFER,
                                         current ? current->sdp : NULL, NULL, &error);
      if (message == NULL)
        {
          if (!self->negotiated)
            fail (self, PARLA_MEDIA_ERROR_NEGOTIATION, "Bad offer: %s", error->message);
          else
            GST_WARNING ("peer %s: bad offer ignored: %s", self->user_id, error->message);
          return;
        }

      desc = gst_webrtc_session_description_new (GST_WEBRTC_SDP_TYPE_OFFER, message);
      remember_remote_description (self, desc);
      promise = new_promise (self, offer_set, NULL);
      g_signal_emit_by_name (self->webrtc, "set-remote-description", desc, promise);
      gst_webrtc_session_description_free (desc);
    }
  else
    GST_INFO ("peer %s: sdp of type %s ignored", self->user_id, type);
}

static gboolean
is_candidate_line (const char *candidate)
{
  gsize length = strnlen (candidate, MAX_CANDIDATE_LENGTH + 1);

  if (length > MAX_CANDIDATE_LENGTH)
    return FALSE;

  for (const char *p = candidate; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      return FALSE;

  return length == 0 ||
         g_str_has_prefix (candidate, "candidate:") ||
         g_str_has_prefix (candidate, "a=candidate:");
}

static void
handle_ice (ParlaPeer  *self,
            JsonObject *ice)
{
  const char *candidate;
  const char *mid = NULL;
  JsonNode *node;
  gint64 mline = 0;

  node = json_object_get_member (ice, "candidate");
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    goto malformed;
  candidate = json_node_get_string (node);
  if (!is_candidate_line (candidate))
    goto malformed;

  node = json_object_get_member (ice, "sdpMid");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
        goto malformed;
      mid = json_node_get_string (node);
    }

  node = json_object_get_member (ice, "sdpMLineIndex");
  if (node != NULL && !JSON_NODE_HOLDS_NULL (node))
    {
      if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_INT64)
        goto malformed;
      mline = json_node_get_int (node);
      if (mline < 0 || mline >= PARLA_SDP_MAX_MEDIA)
        goto malformed;
    }
  else if (mid == NULL)
    goto malformed;

  if (!self->remote_set)
    {
      PendingCandidate *pending;

      if (self->pending_candidates.length >= MAX_PENDING_CANDIDATES)
        {
          GST_INFO ("peer %s: too many early candidates; one dropped", self->user_id);
          return;
        }

      pending = g_new0 (PendingCandidate, 1);
      pending->mline = mline;
      pending->mid = g_strdup (mid);
      pending->candidate = g_strdup (candidate);
      g_queue_push_tail (&self->pending_candidates, pending);
      return;
    }

  add_candidate_now (self, mline, mid, candidate);
  return;

malformed:
  GST_INFO ("peer %s: malformed ice payload", self->user_id);
}

/* ICE and connection */

typedef struct
{
  guint  mline;
  char  *candidate;
} LocalCandidate;

static void
local_candidate_free (LocalCandidate *local)
{
  g_free (local->candidate);
  g_free (local);
}

static void
local_candidate (ParlaPeer *self,
                 gpointer   data)
{
  LocalCandidate *local = data;

  send_candidate (self, local->mline, local->candidate);
}

static void
on_webrtc_ice_candidate_cb (GstElement *webrtc,
                            guint       mline,
                            const char *candidate,
                            ParlaPeer  *self)
{
  LocalCandidate *local = g_new0 (LocalCandidate, 1);

  local->mline = mline;
  local->candidate = g_strdup (candidate);
  post (self, local_candidate, local, (GDestroyNotify) local_candidate_free);
}

static void
gathering_changed (ParlaPeer *self,
                   gpointer   data)
{
  if (GPOINTER_TO_UINT (data) == GST_WEBRTC_ICE_GATHERING_STATE_COMPLETE)
    send_candidate (self, 0, "");
}

static void
on_webrtc_gathering_state_cb (GstElement *webrtc,
                              GParamSpec *pspec,
                              ParlaPeer  *self)
{
  GstWebRTCICEGatheringState state;

  /* The state as of this notification: webrtcbin goes gathering, emits the
   * candidates, then complete, and read later on the main context the first
   * notification would already say complete, an end of candidates sent
   * before the candidates. */
  g_object_get (webrtc, "ice-gathering-state", &state, NULL);
  post (self, gathering_changed, GUINT_TO_POINTER (state), NULL);
}

static gboolean
on_reconnect_timeout_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;

  self->reconnect_timeout_id = 0;
  fail (self, PARLA_MEDIA_ERROR_TIMEOUT, "The connection was lost");

  return G_SOURCE_REMOVE;
}

static void
lost_media (ParlaPeer *self)
{
  self->lost_time = g_get_monotonic_time ();

  /* The offerer reconnects; the other side waits for its new offer (both
   * sides see the silence at about the same time). */
  if (self->ever_connected)
    set_state (self, PARLA_CALL_STATE_RECONNECTING);

  if (self->offerer && !self->restart_requested)
    {
      g_autoptr(ParlaPeer) hold = g_object_ref (self);

      GST_INFO ("peer %s: media lost; reconnecting", self->user_id);
      self->restart_requested = TRUE;
      g_signal_emit (self, signals[RESTART], 0);
    }
}

/* Once a second while connected: media stopped (libnice notices nothing
 * without consent freshness) for a third of the peer timeout means a
 * reconnection; for the whole timeout, the end. */
static gboolean
on_watchdog_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;
  gint64 last_rx = self->created_time + (gint64) g_atomic_int_get (&self->last_rx_ms) * 1000;
  gint64 silence = g_get_monotonic_time () - last_rx;
  gint64 timeout = (gint64) parla_call_options_get_peer_timeout (self->options) * 1000;

  if (silence > timeout)
    {
      self->watchdog_id = 0;
      fail (self, PARLA_MEDIA_ERROR_TIMEOUT, "No media for %" G_GINT64_FORMAT " ms",
            silence / 1000);
      return G_SOURCE_REMOVE;
    }

  /* Back to connected only on media that came after it was found lost
   * (a network change finds it lost early, before the silence is long). */
  if (silence > timeout / 3)
    lost_media (self);
  else if (self->state == PARLA_CALL_STATE_RECONNECTING && !self->restart_requested &&
           self->reconnect_timeout_id == 0 && last_rx > self->lost_time)
    set_state (self, PARLA_CALL_STATE_CONNECTED);

  return G_SOURCE_CONTINUE;
}

static void
connection_changed (ParlaPeer *self,
                    gpointer   data)
{
  GstWebRTCPeerConnectionState state;

  g_object_get (self->webrtc, "connection-state", &state, NULL);
  GST_INFO ("peer %s: connection %d", self->user_id, state);

  switch (state)
    {
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTED:
      g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
      g_clear_handle_id (&self->connect_retry_id, g_source_remove);
      g_clear_handle_id (&self->reconnect_timeout_id, g_source_remove);
      if (!self->ever_connected)
        GST_INFO ("peer %s: connected %" G_GINT64_FORMAT " ms after the offer", self->user_id,
                  self->offer_time ? (g_get_monotonic_time () - self->offer_time) / 1000 : -1);
      if (!self->ever_connected)
        request_keyframes (self);
      self->ever_connected = TRUE;
      g_atomic_int_set (&self->last_rx_ms, (g_get_monotonic_time () - self->created_time) / 1000);
      if (self->watchdog_id == 0)
        self->watchdog_id = g_timeout_add_seconds (1, on_watchdog_cb, self);
      set_state (self, PARLA_CALL_STATE_CONNECTED);
      break;

    case GST_WEBRTC_PEER_CONNECTION_STATE_DISCONNECTED:
      if (self->state == PARLA_CALL_STATE_CONNECTED)
        {
          if (self->reconnect_timeout_id == 0)
            self->reconnect_timeout_id =
              g_timeout_add (parla_call_options_get_peer_timeout (self->options),
                             on_reconnect_timeout_cb, self);
          set_state (self, PARLA_CALL_STATE_RECONNECTING);
        }
      break;

    case GST_WEBRTC_PEER_CONNECTION_STATE_FAILED:
      if (self->ever_connected && self->offerer)
        lost_media (self);
      else if (!self->ever_connected || !self->reconnection)
        fail (self, PARLA_MEDIA_ERROR_CONNECTION, "The connection failed");
      break;

    case GST_WEBRTC_PEER_CONNECTION_STATE_NEW:
    case GST_WEBRTC_PEER_CONNECTION_STATE_CONNECTING:
    case GST_WEBRTC_PEER_CONNECTION_STATE_CLOSED:
    default:
      break;
    }
}

static void
on_webrtc_connection_state_cb (GstElement *webrtc,
                               GParamSpec *pspec,
                               ParlaPeer  *self)
{
  post (self, connection_changed, NULL, NULL);
}

static gboolean
on_connect_timeout_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;

  self->connect_timeout_id = 0;
  fail (self, PARLA_MEDIA_ERROR_TIMEOUT, "No connection after %u ms",
        parla_call_options_get_peer_timeout (self->options));

  return G_SOURCE_REMOVE;
}

/* Half-way to the connect timeout, negotiated but not connected (lost
 * candidates, a path that does not work): the offerer tries again with a
 * new connection, and new candidates. */
static gboolean
on_connect_retry_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;

  self->connect_retry_id = 0;
  if (self->offerer && self->negotiated && !self->ever_connected)
    {
      GST_INFO ("peer %s: not connected yet; trying a new connection", self->user_id);
      lost_media (self);
    }

  return G_SOURCE_REMOVE;
}

/* On a streaming thread. A jitter buffer holds its first packet for its
 * whole latency, in case an earlier one comes late; a run of packets in
 * sequence shows none will, and the picture starts that much sooner. */
static void
on_rtpbin_new_jitterbuffer_cb (GstElement *rtpbin,
                               GstElement *jitterbuffer,
                               guint       session,
                               guint       ssrc,
                               gpointer    user_data)
{
  if (g_object_class_find_property (G_OBJECT_GET_CLASS (jitterbuffer), "faststart-min-packets"))
    g_object_set (jitterbuffer, "faststart-min-packets", FASTSTART_PACKETS, NULL);
}

/* Stats and adaptation */

static void
apply_adaptation (ParlaPeer *self)
{
  for (guint i = 0; i < self->send_branches->len; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);
      int bps = self->adaptation.target_kbps * 1000;

      if (branch->kind == PARLA_TRACK_AUDIO || branch->encoder == NULL || branch->stopped ||
          !branch->attached)
        continue;

      /* The screen follows the camera's share of its maximum, and never
       * stops: slides matter more than faces in a lesson. */
      if (branch->kind == PARLA_TRACK_SCREEN)
        {
          bps = (double) SCREEN_KBPS * 1000 * self->adaptation.target_kbps / self->adaptation.max_kbps;
          if (g_str_equal (branch->encoding, "H264"))
            g_object_set (branch->encoder, "bitrate", (guint) bps, NULL);
          else
            g_object_set (branch->encoder, "target-bitrate", bps, NULL);
          continue;
        }

      if (g_str_equal (branch->encoding, "H264"))
        g_object_set (branch->encoder, "bitrate", (guint) bps, NULL);
      else
        g_object_set (branch->encoder, "target-bitrate", bps, NULL);

      if (branch->valve != NULL)
        {
          gboolean was_dropping;

          g_object_get (branch->valve, "drop", &was_dropping, NULL);
          g_object_set (branch->valve, "drop", self->adaptation.suspended, NULL);
          if (was_dropping && !self->adaptation.suspended)
            request_keyframes (self);
        }
    }

  GST_INFO ("peer %s: video %s at %u kbit/s", self->user_id,
            self->adaptation.suspended ? "stopped" : "sent", self->adaptation.target_kbps);
}

static void
stats_replied (ParlaPeer *self,
               gpointer   data)
{
  GstStructure *reply = data;
  g_autoptr(ParlaCallStats) stats = NULL;
  ParlaStatsSample sample = { 0 };
  double link_loss;
  double fps = 0;

  _parla_stats_sample_read (&sample, reply);
  GST_LOG ("peer %s: stats %" GST_PTR_FORMAT, self->user_id, reply);

  /* Packets that reached the RTP session count as media for the watchdog,
   * even when the jitter buffer drops them as late: a path that carries
   * packets is not lost, however slow the machine behind it. They came
   * after the previous sample, which is the time they prove. */
  if (self->last_stats.time_us != 0 && sample.packets_received > self->last_stats.packets_received)
    {
      int proven_ms = (self->last_stats.time_us - self->created_time) / 1000;
      int seen_ms;

      /* Never back: the probe may have seen a later packet meanwhile. */
      do
        seen_ms = g_atomic_int_get (&self->last_rx_ms);
      while (proven_ms > seen_ms &&
             !g_atomic_int_compare_and_exchange (&self->last_rx_ms, seen_ms, proven_ms));
    }

  g_mutex_lock (&self->lock);
  for (guint i = 0; i < self->receive_branches->len; i++)
    {
      ReceiveBranch *branch = g_ptr_array_index (self->receive_branches, i);

      if (branch->track != NULL && parla_remote_track_get_kind (branch->track) == PARLA_TRACK_VIDEO)
        {
          guint64 n = parla_remote_track_get_n_samples (branch->track);

          fps = n >= self->last_video_frames ? (double) (n - self->last_video_frames) : 0;
          self->last_video_frames = n;
        }
    }
  g_mutex_unlock (&self->lock);

  if (self->last_stats.time_us != 0)
    {
      double seconds = (sample.time_us - self->last_stats.time_us) / 1e6;

      stats = _parla_call_stats_new (&self->last_stats, &sample, seconds > 0 ? fps / seconds : 0);

      link_loss = stats->remote_loss;

      if (_parla_adaptation_update (&self->adaptation, link_loss, stats->rtt_ms))
        apply_adaptation (self);
      stats->video_target_kbps = self->adaptation.target_kbps;
      stats->video_suspended = self->adaptation.suspended;
      if (self->adaptation.suspended && stats->quality > PARLA_QUALITY_BAD)
        stats->quality = PARLA_QUALITY_BAD;

      g_signal_emit (self, signals[STATS], 0, stats);
    }

  _parla_stats_sample_clear (&self->last_stats);
  self->last_stats = sample;
}

static void
on_stats_replied_cb (GstPromise *promise,
                     gpointer    user_data)
{
  ParlaPeer *self = user_data;
  const GstStructure *reply;

  if (gst_promise_wait (promise) != GST_PROMISE_RESULT_REPLIED)
    return;

  reply = gst_promise_get_reply (promise);
  if (reply != NULL)
    post (self, stats_replied, gst_structure_copy (reply), (GDestroyNotify) gst_structure_free);
}

static gboolean
on_stats_timeout_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;
  g_autoptr(GstPromise) promise = NULL;

  if (self->state != PARLA_CALL_STATE_CONNECTED)
    return G_SOURCE_CONTINUE;

  GST_LOG ("peer %s: get-stats", self->user_id);
  promise = gst_promise_new_with_change_func (on_stats_replied_cb, g_object_ref (self),
                                              g_object_unref);
  g_signal_emit_by_name (self->webrtc, "get-stats", NULL, promise);

  return G_SOURCE_CONTINUE;
}

/* GObject */

static void
parla_peer_dispose (GObject *object)
{
  ParlaPeer *self = (ParlaPeer *)object;

  _parla_peer_close (self, PARLA_CALL_STATE_ENDED, NULL);

  G_OBJECT_CLASS (parla_peer_parent_class)->dispose (object);
}

static void
parla_peer_finalize (GObject *object)
{
  ParlaPeer *self = (ParlaPeer *)object;

  g_clear_pointer (&self->user_id, g_free);
  gst_clear_object (&self->pipeline);
  g_clear_pointer (&self->options, parla_call_options_unref);
  g_clear_pointer (&self->stun_uri, g_free);
  g_clear_pointer (&self->turn_uris, g_strfreev);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_clear_pointer (&self->send_branches, g_ptr_array_unref);
  g_clear_pointer (&self->receive_branches, g_ptr_array_unref);
  g_queue_clear_full (&self->pending_candidates, (GDestroyNotify) pending_candidate_free);
  g_queue_clear_full (&self->pending_data, (GDestroyNotify) pending_data_free);
  g_clear_pointer (&self->local_mids, g_strfreev);
  g_clear_pointer (&self->video_encoding, g_free);
  g_clear_pointer (&self->remote_sdp, gst_sdp_message_free);
  g_clear_pointer (&self->remote_ssrcs, g_hash_table_unref);
  g_clear_pointer (&self->held_sdp, json_object_unref);
  g_clear_pointer (&self->unsent_answer, gst_webrtc_session_description_free);
  g_clear_error (&self->error);
  _parla_stats_sample_clear (&self->last_stats);
  g_mutex_clear (&self->lock);

  G_OBJECT_CLASS (parla_peer_parent_class)->finalize (object);
}

static void
parla_peer_class_init (ParlaPeerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_peer_dispose;
  object_class->finalize = parla_peer_finalize;

  signals[SEND] =
    g_signal_new ("send", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, JSON_TYPE_NODE);

  signals[STATE_CHANGED] =
    g_signal_new ("state-changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PARLA_TYPE_CALL_STATE);

  signals[TRACK_ADDED] =
    g_signal_new ("track-added", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PARLA_TYPE_REMOTE_TRACK);

  signals[TRACK_REMOVED] =
    g_signal_new ("track-removed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PARLA_TYPE_REMOTE_TRACK);

  signals[DATA_MESSAGE] =
    g_signal_new ("data-message", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 2, G_TYPE_BYTES, G_TYPE_BOOLEAN);

  signals[STATS] =
    g_signal_new ("stats", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1, PARLA_TYPE_CALL_STATS);

  /* The offerer lost the media: the call replaces this peer by a new one
   * (a new webrtcbin, so new ICE credentials: webrtcbin 1.22 cannot
   * restart ICE in place). */
  signals[RESTART] =
    g_signal_new ("restart", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);
}

static void
parla_peer_init (ParlaPeer *self)
{
  g_mutex_init (&self->lock);
  g_queue_init (&self->pending_candidates);
  g_queue_init (&self->pending_data);
  self->send_branches = g_ptr_array_new_with_free_func ((GDestroyNotify) send_branch_free);
  self->receive_branches = g_ptr_array_new_with_free_func ((GDestroyNotify) receive_branch_free);
  self->first_video_mline = -1;
  self->remote_ssrcs = g_hash_table_new (NULL, NULL);
  self->context = g_main_context_ref_thread_default ();
}

/* Whether H.264 can be sent and received: openh264 and the RTP elements.
 * PARLA_MEDIA_NO_H264 (for tests) pretends it cannot: "1" everywhere, or
 * a comma-separated list of the remote participants whose connections go
 * without (two parties of one process can then differ). */
static gboolean
can_send_h264 (const char *user_id)
{
  const char *pretend = g_getenv ("PARLA_MEDIA_NO_H264");

  if (pretend != NULL && pretend[0] != '\0')
    {
      g_auto(GStrv) ids = g_strsplit (pretend, ",", -1);

      if (g_str_equal (pretend, "1") || g_strv_contains ((const char * const *) ids, user_id))
        return FALSE;
    }

  return parla_media_has_element ("openh264enc") && parla_media_has_element ("rtph264pay") &&
         parla_media_has_element ("rtph264depay") && parla_media_has_element ("h264parse") &&
         (parla_media_has_element ("openh264dec") || parla_media_has_element ("avdec_h264"));
}

/*
 * _parla_peer_new:
 * @user_id: the remote participant
 * @offerer: whether we offer (we joined after them)
 * @pipeline: the call's pipeline
 * @local: the capture side (borrowed: outlives the peer)
 * @options: the call's options
 * @stun_uri: (nullable): stun://host:port
 * @turn_uris: (nullable): turn(s)://user:pass@host:port URIs
 */
ParlaPeer *
_parla_peer_new (const char          *user_id,
                 gboolean             offerer,
                 GstBin              *pipeline,
                 ParlaLocalMedia     *local,
                 ParlaCallOptions    *options,
                 const char          *stun_uri,
                 const char * const  *turn_uris)
{
  ParlaPeer *self;

  if (parla_peer_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (parla_peer_debug, "parla-peer", 0, "Parla call participant");

  self = g_object_new (PARLA_TYPE_PEER, NULL);
  self->user_id = g_strdup (user_id);
  self->offerer = !!offerer;
  self->pipeline = gst_object_ref (pipeline);
  self->local = local;
  self->options = parla_call_options_ref (options);
  self->stun_uri = g_strdup (stun_uri);
  self->turn_uris = g_strdupv ((char **) turn_uris);
  self->has_h264 = can_send_h264 (user_id);
  _parla_adaptation_init (&self->adaptation, parla_call_options_get_video_bitrate (options));
  self->state = PARLA_CALL_STATE_NEW;

  return self;
}

/*
 * _parla_peer_start:
 *
 * Adds the peer's bin to the playing pipeline; the offerer also adds its
 * encoders and data channel, and sends the offer.
 */
gboolean
_parla_peer_start (ParlaPeer  *self,
                   GError    **error)
{
  g_autoptr(GstWebRTCICE) ice = NULL;
  g_autoptr(GstElement) rtpbin = NULL;
  g_autofree char *name = NULL;
  const char * const *addresses;
  GstWebRTCICETransportPolicy policy;
  static guint serial;

  g_return_val_if_fail (self->state == PARLA_CALL_STATE_NEW, FALSE);

  self->created_time = g_get_monotonic_time ();

  name = g_strdup_printf ("peer-%u", g_atomic_int_add (&serial, 1));
  self->bin = gst_bin_new (name);
  /* An idle appsink must not hold the whole call in PAUSED. */
  g_object_set (self->bin, "async-handling", TRUE, NULL);

  self->webrtc = gst_element_factory_make ("webrtcbin", NULL);
  if (self->webrtc == NULL)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                           "Missing GStreamer element webrtcbin");
      gst_clear_object (&self->bin);
      return FALSE;
    }

  policy = parla_call_options_get_relay_only (self->options) ? GST_WEBRTC_ICE_TRANSPORT_POLICY_RELAY
                                                             : GST_WEBRTC_ICE_TRANSPORT_POLICY_ALL;
  g_object_set (self->webrtc,
                "bundle-policy", GST_WEBRTC_BUNDLE_POLICY_MAX_BUNDLE,
                "ice-transport-policy", policy,
                "latency", parla_call_options_get_latency (self->options),
                NULL);
  if (self->stun_uri != NULL)
    g_object_set (self->webrtc, "stun-server", self->stun_uri, NULL);
  for (guint i = 0; self->turn_uris != NULL && self->turn_uris[i] != NULL; i++)
    {
      gboolean added = FALSE;

      g_signal_emit_by_name (self->webrtc, "add-turn-server", self->turn_uris[i], &added);
      if (!added)
        GST_WARNING ("peer %s: TURN server %u refused", self->user_id, i);
    }

  rtpbin = gst_bin_get_by_name (GST_BIN (self->webrtc), "rtpbin");
  if (rtpbin != NULL)
    g_signal_connect (rtpbin, "new-jitterbuffer", G_CALLBACK (on_rtpbin_new_jitterbuffer_cb), NULL);

  g_object_get (self->webrtc, "ice-agent", &ice, NULL);
  if (ice != NULL)
    {
      if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "agent") != NULL)
        {
          g_autoptr(GObject) agent = NULL;

          /* libnice maps ports on the router through UPnP by default: it
           * opens the user's network to the world, sends SSDP on every
           * interface, and its gupnp warnings abort the tests. */
          g_object_get (ice, "agent", &agent, NULL);
          if (agent != NULL && g_object_class_find_property (G_OBJECT_GET_CLASS (agent), "upnp"))
            g_object_set (agent, "upnp", FALSE, NULL);
        }

      if (g_object_class_find_property (G_OBJECT_GET_CLASS (ice), "ice-tcp") != NULL)
        g_object_set (ice, "ice-tcp", parla_call_options_get_ice_tcp (self->options), NULL);

      addresses = parla_call_options_get_local_addresses (self->options);
      for (guint i = 0; addresses[i] != NULL; i++)
        {
          gboolean added = FALSE;

          g_signal_emit_by_name (ice, "add-local-ip-address", addresses[i], &added);
          if (!added)
            GST_WARNING ("peer %s: local address %s refused", self->user_id, addresses[i]);
        }
    }

  g_signal_connect (self->webrtc, "on-negotiation-needed",
                    G_CALLBACK (on_webrtc_negotiation_needed_cb), self);
  g_signal_connect (self->webrtc, "on-ice-candidate",
                    G_CALLBACK (on_webrtc_ice_candidate_cb), self);
  g_signal_connect (self->webrtc, "notify::connection-state",
                    G_CALLBACK (on_webrtc_connection_state_cb), self);
  g_signal_connect (self->webrtc, "notify::ice-gathering-state",
                    G_CALLBACK (on_webrtc_gathering_state_cb), self);
  g_signal_connect (self->webrtc, "pad-added", G_CALLBACK (on_webrtc_pad_added_cb), self);
  g_signal_connect (self->webrtc, "pad-removed", G_CALLBACK (on_webrtc_pad_removed_cb), self);
  g_signal_connect (self->webrtc, "on-data-channel", G_CALLBACK (on_webrtc_data_channel_cb), self);
  g_signal_connect (self->webrtc, "on-new-transceiver",
                    G_CALLBACK (on_webrtc_new_transceiver_cb), self);

  gst_bin_add (GST_BIN (self->bin), self->webrtc);
  gst_bin_add (self->pipeline, self->bin);

  /* Started before any encoder is linked to a tee: a tee branch that
   * answers FLUSHING would stop the capture every participant shares. */
  if (!gst_element_sync_state_with_parent (self->bin))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_PIPELINE,
                           "Cannot start webrtcbin");
      return FALSE;
    }

  if (self->offerer)
    {
      /* m-lines in the order browsers use: audio, video, data. A kind we
       * do not send is still received. */
      if (_parla_local_media_has (self->local, PARLA_TRACK_AUDIO))
        {
          if (!add_send_branch (self, PARLA_TRACK_AUDIO, "OPUS", PT_OPUS, -1, error))
            return FALSE;
        }
      else
        {
          g_autoptr(GstCaps) caps = rtp_caps (PARLA_TRACK_AUDIO, "OPUS", PT_OPUS);
          g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;

          g_signal_emit_by_name (self->webrtc, "add-transceiver",
                                 GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &transceiver);
        }

      if (_parla_local_media_has (self->local, PARLA_TRACK_VIDEO))
        {
          if (!offer_video (self, error))
            return FALSE;
        }
      else
        {
          g_autoptr(GstCaps) caps = video_codec_caps (self);
          g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;

          g_signal_emit_by_name (self->webrtc, "add-transceiver",
                                 GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &transceiver);
        }
    }

  else
    {
      g_autoptr(GError) local_error = NULL;

      /* Encoders running before the offer comes: the answer goes as soon
       * as webrtcbin has made it. */
      if (prepare_send_branch_full (self, PARLA_TRACK_AUDIO, "OPUS", TRUE, &local_error) == NULL &&
          local_error != NULL)
        GST_WARNING ("peer %s: %s", self->user_id, local_error->message);
      g_clear_error (&local_error);
      if (prepare_send_branch_full (self, PARLA_TRACK_VIDEO, video_encodings (self)[0], TRUE,
                                    &local_error) == NULL &&
          local_error != NULL)
        GST_WARNING ("peer %s: %s", self->user_id, local_error->message);
    }

  if (self->offerer)
    {
      GstWebRTCDataChannel *channel = NULL;

      /* webrtcbin refuses data channels before it is started. */
      g_signal_emit_by_name (self->webrtc, "create-data-channel", DATA_CHANNEL_LABEL, NULL, &channel);
      if (channel != NULL)
        {
          g_mutex_lock (&self->lock);
          self->channel_seen = TRUE;
          connect_channel (self, channel);
          g_mutex_unlock (&self->lock);
          adopt_channel (self, channel);
          g_object_unref (channel);
        }
    }

  self->connect_timeout_id = g_timeout_add (parla_call_options_get_peer_timeout (self->options),
                                            on_connect_timeout_cb, self);
  self->connect_retry_id = g_timeout_add (parla_call_options_get_peer_timeout (self->options) / 2,
                                          on_connect_retry_cb, self);
  if (parla_call_options_get_stats_interval (self->options) > 0)
    self->stats_id = g_timeout_add (parla_call_options_get_stats_interval (self->options),
                                    on_stats_timeout_cb, self);

  set_state (self, PARLA_CALL_STATE_CONNECTING);

  if (self->offerer)
    create_offer (self);

  return TRUE;
}

/*
 * _parla_peer_handle_message:
 * @message: an "sdp" or "ice" payload from this participant; untrusted
 */
void
_parla_peer_handle_message (ParlaPeer  *self,
                            JsonObject *message)
{
  JsonNode *node;

  if (self->closed || self->webrtc == NULL)
    return;

  if ((node = json_object_get_member (message, "sdp")) != NULL)
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        handle_sdp (self, json_node_get_object (node));
      else
        GST_INFO ("peer %s: malformed sdp payload", self->user_id);
    }
  else if ((node = json_object_get_member (message, "ice")) != NULL)
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        handle_ice (self, json_node_get_object (node));
      else
        GST_INFO ("peer %s: malformed ice payload", self->user_id);
    }
  else if ((node = json_object_get_member (message, "renegotiate")) != NULL)
    {
      if (JSON_NODE_HOLDS_OBJECT (node))
        handle_renegotiate (self, json_node_get_object (node));
      else
        GST_INFO ("peer %s: malformed renegotiate payload", self->user_id);
    }
  else
    GST_INFO ("peer %s: unknown payload ignored", self->user_id);
}

/*
 * _parla_peer_close:
 * @state: %PARLA_CALL_STATE_ENDED or %PARLA_CALL_STATE_FAILED
 * @error: (nullable): why it failed
 *
 * Stops and removes everything of this participant from the pipeline:
 * encoders off the tees, webrtcbin, decoders. Emits track-removed for each
 * track, then state-changed. Idempotent.
 */
void
_parla_peer_close (ParlaPeer      *self,
                   ParlaCallState  state,
                   const GError   *error)
{
  g_autoptr(GPtrArray) branches = NULL;
  g_autoptr(ParlaPeer) hold = g_object_ref (self);

  g_mutex_lock (&self->lock);
  if (self->closed)
    {
      g_mutex_unlock (&self->lock);
      return;
    }
  self->closed = TRUE;
  branches = g_steal_pointer (&self->receive_branches);
  self->receive_branches = g_ptr_array_new_with_free_func ((GDestroyNotify) receive_branch_free);
  g_mutex_unlock (&self->lock);

  if (error != NULL && self->error == NULL)
    self->error = g_error_copy (error);

  g_clear_handle_id (&self->connect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->connect_retry_id, g_source_remove);
  g_clear_handle_id (&self->reconnect_timeout_id, g_source_remove);
  g_clear_handle_id (&self->watchdog_id, g_source_remove);
  g_clear_handle_id (&self->stats_id, g_source_remove);
  g_clear_handle_id (&self->caps_timeout_id, g_source_remove);
  g_clear_handle_id (&self->request_timeout_id, g_source_remove);
  g_clear_handle_id (&self->offer_timeout_id, g_source_remove);
  self->after_caps = NULL;

  if (self->channel != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->channel, self);
      g_clear_object (&self->channel);
    }

  if (self->bin != NULL)
    {
      release_send_branches (self);
      for (guint i = 0; i < self->send_branches->len; i++)
        {
          SendBranch *branch = g_ptr_array_index (self->send_branches, i);

          if (branch->sink_pad != NULL)
            g_signal_handlers_disconnect_by_data (branch->sink_pad, self);
        }
      for (guint i = 0; i < branches->len; i++)
        {
          ReceiveBranch *branch = g_ptr_array_index (branches, i);

          if (branch->output_pad != NULL)
            _parla_local_media_release_pad (self->local, g_steal_pointer (&branch->output_pad));
        }

      gst_element_set_state (self->bin, GST_STATE_NULL);
      g_signal_handlers_disconnect_by_data (self->webrtc, self);
      gst_bin_remove (self->pipeline, self->bin);
      self->bin = NULL;
      self->webrtc = NULL;
    }

  for (guint i = 0; i < branches->len; i++)
    {
      ReceiveBranch *branch = g_ptr_array_index (branches, i);

      if (branch->track != NULL)
        g_signal_emit (self, signals[TRACK_REMOVED], 0, branch->track);
    }

  set_state (self, state);
}

const char *
_parla_peer_get_user_id (ParlaPeer *self)
{
  return self->user_id;
}

ParlaCallState
_parla_peer_get_state (ParlaPeer *self)
{
  return self->state;
}

/*
 * _parla_peer_get_error:
 *
 * Returns: (nullable): why the peer failed
 */
const GError *
_parla_peer_get_error (ParlaPeer *self)
{
  return self->error;
}

gboolean
_parla_peer_get_ever_connected (ParlaPeer *self)
{
  return self->ever_connected;
}

gboolean
_parla_peer_is_offerer (ParlaPeer *self)
{
  return self->offerer;
}

/*
 * _parla_peer_move_pending_data:
 * @from: a closed peer
 * @to: the peer that replaces it, not started yet
 *
 * Moves the data messages @from queued (its channel was not open) to the
 * end of @to's queue: they go once @to's channel opens.
 */
void
_parla_peer_move_pending_data (ParlaPeer *from,
                               ParlaPeer *to)
{
  PendingData *pending;

  g_return_if_fail (PARLA_IS_PEER (from));
  g_return_if_fail (PARLA_IS_PEER (to));

  while ((pending = g_queue_pop_head (&from->pending_data)) != NULL)
    {
      from->pending_data_bytes -= g_bytes_get_size (pending->data);
      to->pending_data_bytes += g_bytes_get_size (pending->data);
      g_queue_push_tail (&to->pending_data, pending);
    }
}

/*
 * _parla_peer_set_reconnection:
 *
 * This peer replaces a lost connection to the same participant: it reports
 * reconnecting rather than connecting.
 */
void
_parla_peer_set_reconnection (ParlaPeer *self)
{
  self->reconnection = TRUE;
}

/*
 * _parla_peer_check_media:
 * @since: a monotonic time: when the network changed
 *
 * After a network change: a connection that is up but got no RTP since
 * @since lost its path, and reconnects as when the watchdog finds its
 * media stopped, without waiting for a third of the peer timeout. A
 * connection that is not up (connecting, already reconnecting, or
 * replaced by a reconnection under way) is left to what it is doing.
 *
 * Returns: whether the media was found lost
 */
gboolean
_parla_peer_check_media (ParlaPeer *self,
                         gint64     since)
{
  gint64 last_rx;

  if (self->closed || self->state != PARLA_CALL_STATE_CONNECTED || self->restart_requested)
    return FALSE;

  last_rx = self->created_time + (gint64) g_atomic_int_get (&self->last_rx_ms) * 1000;
  if (last_rx >= since)
    return FALSE;

  GST_INFO ("peer %s: no media since the network changed", self->user_id);
  lost_media (self);

  return TRUE;
}

static const char *
ice_ufrag (const GstSDPMessage *sdp)
{
  const char *ufrag = gst_sdp_message_get_attribute_val (sdp, "ice-ufrag");

  if (ufrag == NULL && gst_sdp_message_medias_len (sdp) > 0)
    ufrag = gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, 0), "ice-ufrag");

  return ufrag;
}

/*
 * _parla_peer_is_new_session:
 * @message: a payload from this participant
 *
 * Returns: whether @message is an offer for a new connection (new ICE
 *   credentials after a negotiated one): the other side reconnects, and
 *   this webrtcbin cannot follow (no ICE restart in 1.22)
 */
gboolean
_parla_peer_is_new_session (ParlaPeer  *self,
                            JsonObject *message)
{
  GstSDPMessage *offer = NULL;
  JsonNode *node = json_object_get_member (message, "sdp");
  const char *type, *text;
  gboolean new_session;

  if (self->remote_sdp == NULL || !self->negotiated || node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return FALSE;

  type = json_object_get_string_member_with_default (json_node_get_object (node), "type", NULL);
  text = json_object_get_string_member_with_default (json_node_get_object (node), "sdp", NULL);
  if (g_strcmp0 (type, "offer") != 0 || text == NULL)
    return FALSE;

  /* Only an offer that could start a connection replaces this one. */
  offer = _parla_sdp_parse_remote (text, GST_WEBRTC_SDP_TYPE_OFFER, NULL, NULL, NULL);
  if (offer == NULL)
    return FALSE;

  new_session = ice_ufrag (offer) != NULL && g_strcmp0 (ice_ufrag (offer), ice_ufrag (self->remote_sdp)) != 0;
  gst_sdp_message_free (offer);

  return new_session;
}

GstElement *
_parla_peer_get_webrtcbin (ParlaPeer *self)
{
  return self->webrtc;
}

/*
 * _parla_peer_send_data:
 *
 * Sends one message on the "parla" data channel, or queues it (bounded)
 * until the channel opens, or while the connection is reconnecting; a new
 * connection that replaces this one takes the queue over.
 */
gboolean
_parla_peer_send_data (ParlaPeer  *self,
                       GBytes     *data,
                       gboolean    is_text,
                       GError    **error)
{
  gsize size = g_bytes_get_size (data);

  if (size > PARLA_DATA_MESSAGE_MAX)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_TOO_LARGE,
                   "Data messages are limited to %d bytes", PARLA_DATA_MESSAGE_MAX);
      return FALSE;
    }

  if (self->closed)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NOT_CONNECTED,
                           "The participant left");
      return FALSE;
    }

  if (!may_send_data (self))
    {
      PendingData *pending;

      if (self->pending_data.length >= MAX_PENDING_DATA ||
          self->pending_data_bytes + size > MAX_PENDING_DATA_BYTES)
        {
          g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NOT_CONNECTED,
                               "The data channel is not open and its queue is full");
          return FALSE;
        }

      pending = g_new0 (PendingData, 1);
      pending->data = g_bytes_ref (data);
      pending->is_text = is_text;
      self->pending_data_bytes += size;
      g_queue_push_tail (&self->pending_data, pending);
      return TRUE;
    }

  if (is_text)
    {
      g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), size);

      return gst_webrtc_data_channel_send_string_full (self->channel, text, error);
    }

  return gst_webrtc_data_channel_send_data_full (self->channel, data, error);
}

/* The designated offerer adds the screen in a new m-line of its own. */
static gboolean
offer_screen (ParlaPeer  *self,
              GError    **error)
{
  g_autoptr(GstWebRTCSessionDescription) local = NULL;
  const char *video = self->video_encoding ? self->video_encoding : video_encodings (self)[0];

  g_object_get (self->webrtc, "current-local-description", &local, NULL);
  if (local == NULL)
    return TRUE;

  /* After the current m-lines; a named pad, as webrtcbin 1.22 would give
   * an unnamed one a name already taken on the answering side. */
  self->screen_wanted = FALSE;
  if (!add_send_branch (self, PARLA_TRACK_SCREEN, video, payload_type_for (video),
                        gst_sdp_message_medias_len (local->sdp), error))
    return FALSE;

  _parla_peer_renegotiate (self);
  return TRUE;
}

static gboolean
on_request_timeout_cb (gpointer user_data)
{
  ParlaPeer *self = user_data;
  g_autoptr(GError) error = NULL;

  self->request_timeout_id = 0;

  /* They did not offer (a browser without our request message): offer
   * ourselves, at the risk of a collision. */
  GST_INFO ("peer %s: no offer came; offering", self->user_id);
  if (self->screen_wanted && !offer_screen (self, &error))
    GST_WARNING ("peer %s: cannot share the screen: %s", self->user_id, error->message);
  else if (!self->screen_wanted)
    create_offer (self);

  return G_SOURCE_REMOVE;
}

/* The side that did not offer first asks for an offer rather than
 * offering: webrtcbin 1.22 cannot roll back a local offer (every rollback
 * is refused), so two offers crossing would leave both sides stuck. The
 * offer it gets has a receive-only m-line for its screen (@screen) or lets
 * it answer its stopped screen inactive. */
static void
request_offer (ParlaPeer *self,
               gboolean   screen)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) payload = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "renegotiate");
  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "screen");
  json_builder_add_boolean_value (builder, screen);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  payload = json_builder_get_root (builder);

  emit_send (self, payload);

  g_clear_handle_id (&self->request_timeout_id, g_source_remove);
  /* How long to wait for the offer asked for before offering. */
  self->request_timeout_id = g_timeout_add (parla_call_options_get_peer_timeout (self->options) / 2,
                                            on_request_timeout_cb, self);
}

/* The designated offerer, asked for an offer. */
static void
handle_renegotiate (ParlaPeer  *self,
                    JsonObject *request)
{
  if (!self->offerer || !self->negotiated)
    return;

  if (json_object_get_boolean_member_with_default (request, "screen", FALSE))
    {
      g_autoptr(GstCaps) caps = NULL;
      g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;
      const char *video = self->video_encoding ? self->video_encoding : "VP8";

      if (++self->n_screen_slots > MAX_SCREEN_SLOTS)
        {
          GST_INFO ("peer %s: too many screen shares", self->user_id);
          return;
        }

      /* An m-line for their screen, after ours, in the camera's codec. */
      caps = rtp_caps (PARLA_TRACK_VIDEO, video, payload_type_for (video));
      g_signal_emit_by_name (self->webrtc, "add-transceiver",
                             GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_RECVONLY, caps, &transceiver);
    }

  create_offer (self);
}

/*
 * _parla_peer_add_screen:
 *
 * Sends the screen in a new video m-line (webrtcbin 1.22 cannot reuse a
 * stopped transceiver): the offerer adds and offers it; the other side
 * asks the offerer for it.
 */
gboolean
_parla_peer_add_screen (ParlaPeer  *self,
                        GError    **error)
{
  if (self->closed)
    return TRUE;

  for (guint i = 0; i < self->send_branches->len; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);

      if (branch->kind == PARLA_TRACK_SCREEN && !branch->stopped)
        return TRUE;
    }

  /* Otherwise once the first negotiation is done. */
  self->screen_wanted = TRUE;
  if (!self->negotiated)
    return TRUE;

  if (self->offerer)
    return offer_screen (self, error);

  request_offer (self, TRUE);
  return TRUE;
}

/*
 * _parla_peer_remove_screen:
 *
 * Stops sending the screen: its encoder goes, its transceiver becomes
 * inactive; renegotiates, and the other side removes the track.
 */
void
_parla_peer_remove_screen (ParlaPeer *self)
{
  self->screen_wanted = FALSE;

  for (guint i = 0; i < self->send_branches->len && !self->closed; i++)
    {
      SendBranch *branch = g_ptr_array_index (self->send_branches, i);
      g_autoptr(GstWebRTCRTPTransceiver) transceiver = NULL;

      if (branch->kind != PARLA_TRACK_SCREEN || branch->stopped)
        continue;

      g_object_get (branch->sink_pad, "transceiver", &transceiver, NULL);
      if (transceiver != NULL)
        g_object_set (transceiver, "direction", GST_WEBRTC_RTP_TRANSCEIVER_DIRECTION_INACTIVE, NULL);

      /* Off the tee, but the encoder stays linked to webrtcbin, idle: the
       * other side may still ask for keyframes and retransmissions of the
       * stream, and webrtcbin 1.22 leaks those requests when nothing is
       * linked there. It goes with the connection. */
      if (branch->tee_pad != NULL)
        _parla_local_media_release_pad (self->local, g_steal_pointer (&branch->tee_pad));
      branch->stopped = TRUE;

      pin_codec_preferences (self);
      if (self->offerer)
        _parla_peer_renegotiate (self);
      else
        request_offer (self, FALSE);
      return;
    }
}

/*
 * _parla_peer_renegotiate:
 *
 * Offers again (after a track was added or removed), or as soon as the
 * current negotiation ends.
 */
void
_parla_peer_renegotiate (ParlaPeer *self)
{
  if (self->closed)
    return;

  if (!self->negotiated)
    {
      self->needs_negotiation = TRUE;
      return;
    }

  create_offer (self);
}
