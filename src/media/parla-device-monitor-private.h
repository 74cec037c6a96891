/* parla-device-monitor-private.h
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include "parla-device-monitor.h"

G_BEGIN_DECLS

GstElement *_parla_device_create_element (ParlaDevice *self,
                                          GError     **error);

G_END_DECLS
