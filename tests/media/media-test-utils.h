/* media-test-utils.h: calls between local endpoints, and checks on what
 * they decode
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-media.h"

G_BEGIN_DECLS

/* Generous: these only catch hangs, they measure nothing. */
#define MT_WAIT 20000

/* @ms times PARLA_TEST_SLOWDOWN (under valgrind everything is ~20 times
 * slower, and the timeouts the tests set have to follow). */
guint mt_scale (guint ms);

/* g_test_init(), gst_init(), and the warm-up (DTLS certificate) a real
 * application does at start-up. FALSE when plugins are missing: then one
 * skipped test is registered, and main() should just g_test_run(). */
gboolean mt_init    (int    *argc,
                     char ***argv);

/* Runs the thread-default main context once, waking at least every 20 ms. */
void mt_iterate (void);
/* Runs the main context for @ms. */
void mt_spin    (guint ms);

#define MT_WAIT_UNTIL(cond, timeout_ms) \
  G_STMT_START { \
    gint64 mt_deadline_ = g_get_monotonic_time () + (gint64) mt_scale (timeout_ms) * 1000; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > mt_deadline_) \
          g_error ("%s:%d: still not %s after %u ms", __FILE__, __LINE__, #cond, (guint) (timeout_ms)); \
        mt_iterate (); \
      } \
  } G_STMT_END

/* The last ~0.25 s of one remote audio track. */
typedef struct
{
  GMutex   lock;
  gint16  *ring;
  guint    size;
  guint    pos;
  guint64  total;
} MtAudio;

/* What one participant received from another. */
typedef struct
{
  char             *user_id;
  ParlaRemoteTrack *audio;
  ParlaRemoteTrack *video;
  ParlaRemoteTrack *screen;
  MtAudio           audio_ring;
  GPtrArray        *messages;      /* char*: data messages, in order */
  guint             n_removed;
} MtRemote;

typedef struct
{
  char                   *user_id;
  ParlaLoopbackSignaling *signaling;
  ParlaCall              *call;
  GHashTable             *remotes;  /* user id -> MtRemote */
  GHashTable             *participant_states; /* user id -> last ParlaCallState */
  GPtrArray              *states;   /* ParlaCallState history of the call */
  GPtrArray              *stats;    /* ParlaCallStats */
  GError                 *error;
} MtParty;

/* Options every test call uses: test sources, small video, loopback ICE
 * over UDP only, audio handed out as samples. */
ParlaCallOptions *mt_options_new      (double             tone_hz);

/* Joins @room as @user_id with a new call (not started). */
MtParty          *mt_party_new        (ParlaLoopbackRoom *room,
                                       const char        *user_id,
                                       ParlaCallOptions  *options);
void              mt_party_start      (MtParty           *party);
void              mt_party_free       (MtParty           *party);
MtRemote         *mt_party_get_remote (MtParty           *party,
                                       const char        *user_id);
ParlaCallState    mt_party_get_participant_state (MtParty    *party,
                                                  const char *user_id);
gboolean          mt_party_has_media  (MtParty           *party,
                                       const char        *from);
gboolean          mt_party_saw_state  (MtParty           *party,
                                       ParlaCallState     state);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (MtParty, mt_party_free)

/* Checks of decoded content. */
gboolean mt_sample_is_smpte     (GstSample *sample);
gboolean mt_sample_is_black     (GstSample *sample);
/* Over the last ~0.25 s: the frequency from zero crossings, and the RMS
 * (full scale 32768). FALSE if not enough audio arrived yet. */
gboolean mt_audio_measure       (MtAudio   *audio,
                                 double    *hz,
                                 double    *rms);
gboolean mt_remote_hears_tone   (MtRemote  *remote,
                                 double     hz);
gboolean mt_remote_hears_silence (MtRemote *remote);
gboolean mt_remote_sees_smpte   (MtRemote  *remote);
gboolean mt_remote_sees_black   (MtRemote  *remote);
gboolean mt_remote_sees_green_screen (MtRemote *remote);
/* Every sampled pixel of the last camera frame near (@r, @g, @b). */
gboolean mt_sample_is_colour    (GstSample *sample,
                                 int        r,
                                 int        g,
                                 int        b);
gboolean mt_remote_sees_colour  (MtRemote  *remote,
                                 int        r,
                                 int        g,
                                 int        b);
/* Counts the SDP offers and answers @room relays, from now on. */
guint   *mt_room_count_sdp      (ParlaLoopbackRoom *room);
/* The first element made by @factory in @bin, recursively, or NULL. */
GstElement *mt_bin_find_factory (GstBin     *bin,
                                 const char *factory);

void mt_make_clip (const char *path);

G_END_DECLS
