/* parla-peer-runner.h: the headless peer behind `parla-peer`
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct
{
  char    *server;            /* base URL */
  char    *email;
  char    *password;
  char    *token;             /* instead of email and password */
  char    *join;              /* a session's or a lesson's id */
  char    *answer;            /* instead: "accept", "decline" or "ignore" calls with a tutor now */
  char    *call;              /* instead: call a tutor now in this language */
  char    *source;            /* "test" or a media file */
  char    *pattern;           /* videotestsrc pattern of the test camera */
  char   **local_addresses;
  int      duration_s;        /* from media connecting; 0: until the others leave */
  int      timeout_s;         /* for media to connect; 0: no limit, -1: the default, 30 s */
  int      width;
  int      height;
  int      fps;
  int      bitrate_kbps;      /* 0: the engine's default */
  int      share_width;       /* 0: no screen share */
  int      share_height;
  int      share_fps;
  int      stats_interval_ms;
  int      give_up_s;         /* a lost participant, then the call; 0: the engine's */
  double   tone_hz;
  gboolean relay_only;
  gboolean ice_tcp;
  gboolean prefer_h264;
  gboolean commands;          /* read commands from stdin */
} ParlaPeerConfig;

void     parla_peer_config_clear (ParlaPeerConfig *config);
gboolean parla_peer_config_check (ParlaPeerConfig *config,
                                  GError         **error);

#define PARLA_TYPE_PEER_RUNNER (parla_peer_runner_get_type ())
G_DECLARE_FINAL_TYPE (ParlaPeerRunner, parla_peer_runner, PARLA, PEER_RUNNER, GObject)

ParlaPeerRunner *parla_peer_runner_new             (const ParlaPeerConfig *config,
                                                    GOutputStream         *out);
void             parla_peer_runner_start           (ParlaPeerRunner       *self);
void             parla_peer_runner_stop            (ParlaPeerRunner       *self,
                                                    const char            *reason);
gboolean         parla_peer_runner_handle_command  (ParlaPeerRunner       *self,
                                                    const char            *line,
                                                    GError               **error);
gboolean         parla_peer_runner_get_finished    (ParlaPeerRunner       *self);
int              parla_peer_runner_get_exit_status (ParlaPeerRunner       *self);

G_END_DECLS
