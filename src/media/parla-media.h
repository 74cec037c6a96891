/* parla-media.h: the call engine
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-call.h"
#include "parla-call-options.h"
#include "parla-call-recording.h"
#include "parla-call-stats.h"
#include "parla-device-monitor.h"
#include "parla-loopback-signaling.h"
#include "parla-media-enums.h"
#include "parla-media-init.h"
#include "parla-media-preview.h"
#include "parla-media-probe.h"
#include "parla-media-types.h"
#include "parla-remote-track.h"
#include "parla-signaling.h"
