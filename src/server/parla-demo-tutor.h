/* parla-demo-tutor.h: the automatic tutor of `parla-server --demo`
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-server.h"

G_BEGIN_DECLS

#define PARLA_TYPE_DEMO_TUTOR (parla_demo_tutor_get_type ())
G_DECLARE_FINAL_TYPE (ParlaDemoTutor, parla_demo_tutor, PARLA, DEMO_TUTOR, GObject)

char           *parla_demo_tutor_find_peer     (void);
ParlaDemoTutor *parla_demo_tutor_new           (ParlaServer    *server,
                                                const char     *peer_path);
void            parla_demo_tutor_start         (ParlaDemoTutor *self);
void            parla_demo_tutor_stop          (ParlaDemoTutor *self);
const char     *parla_demo_tutor_get_session_id (ParlaDemoTutor *self);

G_END_DECLS
