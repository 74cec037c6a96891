/* parla-call-private.h
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

#include "parla-call.h"
#include "parla-local-media-private.h"

G_BEGIN_DECLS

/* For tests and debugging (dot graphs): the call's pipeline, or NULL
 * before start and after the end. */
GstElement      *_parla_call_get_pipeline (ParlaCall *self);
ParlaLocalMedia *_parla_call_get_local    (ParlaCall *self);

G_END_DECLS
