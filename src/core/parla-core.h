/* parla-core.h: the domain core, GLib and json-glib only
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-types.h"
#include "parla-core-enums.h"
#include "parla-error.h"
#include "parla-json.h"
#include "parla-time.h"
#include "parla-availability.h"
#include "parla-policy.h"
#include "parla-user.h"
#include "parla-teacher.h"
#include "parla-offering.h"
#include "parla-session.h"
#include "parla-booking.h"
#include "parla-matcher.h"
