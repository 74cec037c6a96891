/* mt-fake-devices.h: a GstDeviceProvider of test cameras, microphones and
 * speakers that come and go on demand
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gst/gst.h>

G_BEGIN_DECLS

typedef enum
{
  MT_FAKE_CAMERA,      /* videotestsrc, @param a pattern nick ("red"); "broken": fails to open */
  MT_FAKE_MICROPHONE,  /* audiotestsrc, @param a frequency ("330") */
  MT_FAKE_SPEAKER,     /* fakesink named @id, keeping its last sample */
} MtFakeKind;

/* Registers the provider (once per process), at a rank above every real
 * one, so that GstDeviceMonitor lists its devices too. */
void mt_fake_devices_register (void);

/* Plugs in a device: every started provider posts device-added. Its
 * "device.path" property is @id, which ParlaDevice takes as its id. */
void mt_fake_device_add    (MtFakeKind  kind,
                            const char *id,
                            const char *display_name,
                            const char *param,
                            gboolean    is_default);
/* Unplugs it: every started provider posts device-removed. */
void mt_fake_device_remove (const char *id);
/* Unplugs everything (between tests). */
void mt_fake_device_remove_all (void);

G_END_DECLS
