/* mt-fake-devices.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "mt-fake-devices.h"

typedef struct
{
  MtFakeKind  kind;
  char       *id;
  char       *display_name;
  char       *param;
  gboolean    is_default;
} Spec;

static GPtrArray *specs;      /* Spec: what is plugged in */
static GPtrArray *providers;  /* started MtFakeProvider, borrowed */

static void
spec_free (Spec *spec)
{
  g_free (spec->id);
  g_free (spec->display_name);
  g_free (spec->param);
  g_free (spec);
}

/* MtFakeDevice */

typedef struct
{
  GstDevice   parent_instance;

  MtFakeKind  kind;
  char       *id;
  char       *param;
} MtFakeDevice;

typedef struct
{
  GstDeviceClass parent_class;
} MtFakeDeviceClass;

static GType mt_fake_device_get_type (void);
G_DEFINE_TYPE (MtFakeDevice, mt_fake_device, GST_TYPE_DEVICE)

static GstElement *
mt_fake_device_create_element (GstDevice  *device,
                               const char *name)
{
  MtFakeDevice *self = (MtFakeDevice *) device;
  GstElement *element;

  switch (self->kind)
    {
    case MT_FAKE_CAMERA:
      /* A camera that cannot be opened. */
      if (g_str_equal (self->param, "broken"))
        {
          element = gst_element_factory_make ("filesrc", name);
          g_object_set (element, "location", "/nonexistent/parla-camera", NULL);
          return element;
        }
      element = gst_element_factory_make ("videotestsrc", name);
      g_object_set (element, "is-live", TRUE, NULL);
      gst_util_set_object_arg (G_OBJECT (element), "pattern", self->param);
      return element;

    case MT_FAKE_MICROPHONE:
      element = gst_element_factory_make ("audiotestsrc", name);
      g_object_set (element,
                    "is-live", TRUE,
                    "freq", g_ascii_strtod (self->param, NULL),
                    "volume", 0.3,
                    "samplesperbuffer", 960,
                    NULL);
      return element;

    case MT_FAKE_SPEAKER:
    default:
      /* Named after the device, so that a test can find it. */
      element = gst_element_factory_make ("fakesink", self->id);
      g_object_set (element, "sync", TRUE, "enable-last-sample", TRUE, NULL);
      return element;
    }
}

static void
mt_fake_device_finalize (GObject *object)
{
  MtFakeDevice *self = (MtFakeDevice *) object;

  g_free (self->id);
  g_free (self->param);

  G_OBJECT_CLASS (mt_fake_device_parent_class)->finalize (object);
}

static void
mt_fake_device_class_init (MtFakeDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = mt_fake_device_finalize;
  GST_DEVICE_CLASS (klass)->create_element = mt_fake_device_create_element;
}

static void
mt_fake_device_init (MtFakeDevice *self)
{
}

static GstDevice *
mt_fake_device_new (const Spec *spec)
{
  static const char * const classes[] = { "Video/Source", "Audio/Source", "Audio/Sink" };
  g_autoptr(GstCaps) caps = gst_caps_new_empty_simple (spec->kind == MT_FAKE_CAMERA
                                                       ? "video/x-raw" : "audio/x-raw");
  g_autoptr(GstStructure) props = gst_structure_new ("mt-fake-device-properties",
                                                     "device.path", G_TYPE_STRING, spec->id,
                                                     "is-default", G_TYPE_BOOLEAN, spec->is_default,
                                                     NULL);
  MtFakeDevice *self = g_object_new (mt_fake_device_get_type (),
                                     "display-name", spec->display_name,
                                     "caps", caps,
                                     "device-class", classes[spec->kind],
                                     "properties", props,
                                     NULL);

  self->kind = spec->kind;
  self->id = g_strdup (spec->id);
  self->param = g_strdup (spec->param);

  return GST_DEVICE (self);
}

/* MtFakeProvider */

typedef struct
{
  GstDeviceProvider parent_instance;
} MtFakeProvider;

typedef struct
{
  GstDeviceProviderClass parent_class;
} MtFakeProviderClass;

static GType mt_fake_provider_get_type (void);
G_DEFINE_TYPE (MtFakeProvider, mt_fake_provider, GST_TYPE_DEVICE_PROVIDER)

static GList *
mt_fake_provider_probe (GstDeviceProvider *provider)
{
  GList *devices = NULL;

  for (guint i = 0; specs != NULL && i < specs->len; i++)
    devices = g_list_append (devices, gst_object_ref_sink (mt_fake_device_new (g_ptr_array_index (specs, i))));

  return devices;
}

static gboolean
mt_fake_provider_start (GstDeviceProvider *provider)
{
  for (guint i = 0; specs != NULL && i < specs->len; i++)
    gst_device_provider_device_add (provider, mt_fake_device_new (g_ptr_array_index (specs, i)));

  g_ptr_array_add (providers, provider);
  return TRUE;
}

static void
mt_fake_provider_stop (GstDeviceProvider *provider)
{
  g_ptr_array_remove (providers, provider);
}

static void
mt_fake_provider_class_init (MtFakeProviderClass *klass)
{
  GstDeviceProviderClass *provider_class = GST_DEVICE_PROVIDER_CLASS (klass);

  provider_class->probe = mt_fake_provider_probe;
  provider_class->start = mt_fake_provider_start;
  provider_class->stop = mt_fake_provider_stop;
  gst_device_provider_class_set_static_metadata (provider_class, "Parla test devices",
                                                 "Video/Audio/Source/Sink",
                                                 "Test cameras, microphones and speakers",
                                                 "The Parla developers");
}

static void
mt_fake_provider_init (MtFakeProvider *self)
{
}

void
mt_fake_devices_register (void)
{
  if (specs != NULL)
    return;

  specs = g_ptr_array_new_with_free_func ((GDestroyNotify) spec_free);
  providers = g_ptr_array_new ();
  g_assert_true (gst_device_provider_register (NULL, "parlafakedevices", GST_RANK_PRIMARY + 100,
                                               mt_fake_provider_get_type ()));
}

void
mt_fake_device_add (MtFakeKind  kind,
                    const char *id,
                    const char *display_name,
                    const char *param,
                    gboolean    is_default)
{
  Spec *spec = g_new0 (Spec, 1);

  spec->kind = kind;
  spec->id = g_strdup (id);
  spec->display_name = g_strdup (display_name);
  spec->param = g_strdup (param);
  spec->is_default = is_default;
  g_ptr_array_add (specs, spec);

  for (guint i = 0; i < providers->len; i++)
    gst_device_provider_device_add (g_ptr_array_index (providers, i), mt_fake_device_new (spec));
}

static void
remove_from_providers (const char *id)
{
  for (guint i = 0; i < providers->len; i++)
    {
      GstDeviceProvider *provider = g_ptr_array_index (providers, i);
      GList *devices = gst_device_provider_get_devices (provider);

      for (GList *l = devices; l != NULL; l = l->next)
        if (g_strcmp0 (((MtFakeDevice *) l->data)->id, id) == 0)
          gst_device_provider_device_remove (provider, l->data);

      g_list_free_full (devices, gst_object_unref);
    }
}

void
mt_fake_device_remove (const char *id)
{
  for (guint i = 0; i < specs->len; i++)
    {
      Spec *spec = g_ptr_array_index (specs, i);

      if (g_str_equal (spec->id, id))
        {
          g_ptr_array_remove_index (specs, i);
          break;
        }
    }

  remove_from_providers (id);
}

void
mt_fake_device_remove_all (void)
{
  while (specs != NULL && specs->len > 0)
    {
      g_autofree char *id = g_strdup (((Spec *) g_ptr_array_index (specs, 0))->id);

      mt_fake_device_remove (id);
    }
}
