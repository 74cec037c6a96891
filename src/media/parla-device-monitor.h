/* parla-device-monitor.h: cameras, microphones and speakers, as they come
 * and go
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

#include "parla-media-types.h"

G_BEGIN_DECLS

/**
 * ParlaDeviceKind:
 * @PARLA_DEVICE_KIND_CAMERA: a video source
 * @PARLA_DEVICE_KIND_MICROPHONE: an audio source
 * @PARLA_DEVICE_KIND_SPEAKER: an audio sink
 */
typedef enum
{
  PARLA_DEVICE_KIND_CAMERA,
  PARLA_DEVICE_KIND_MICROPHONE,
  PARLA_DEVICE_KIND_SPEAKER,
} ParlaDeviceKind;

#define PARLA_TYPE_DEVICE (parla_device_get_type ())
G_DECLARE_FINAL_TYPE (ParlaDevice, parla_device, PARLA, DEVICE, GObject)

const char      *parla_device_get_id           (ParlaDevice *self);
const char      *parla_device_get_display_name (ParlaDevice *self);
ParlaDeviceKind  parla_device_get_kind         (ParlaDevice *self);
gboolean         parla_device_get_is_default   (ParlaDevice *self);

#define PARLA_TYPE_DEVICE_MONITOR (parla_device_monitor_get_type ())
G_DECLARE_FINAL_TYPE (ParlaDeviceMonitor, parla_device_monitor, PARLA, DEVICE_MONITOR, GObject)

ParlaDeviceMonitor *parla_device_monitor_new         (void);
gboolean            parla_device_monitor_start       (ParlaDeviceMonitor *self,
                                                      GError            **error);
void                parla_device_monitor_stop        (ParlaDeviceMonitor *self);
GPtrArray          *parla_device_monitor_dup_devices (ParlaDeviceMonitor *self,
                                                      ParlaDeviceKind     kind);
ParlaDevice        *parla_device_monitor_get_device  (ParlaDeviceMonitor *self,
                                                      ParlaDeviceKind     kind,
                                                      const char         *id);
ParlaDevice        *parla_device_monitor_get_default (ParlaDeviceMonitor *self,
                                                      ParlaDeviceKind     kind);

G_END_DECLS
