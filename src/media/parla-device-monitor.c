/* parla-device-monitor.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-device-monitor.h"
#include "parla-device-monitor-private.h"

#include "parla-media-enums.h"

GST_DEBUG_CATEGORY_STATIC (parla_device_monitor_debug);
#define GST_CAT_DEFAULT parla_device_monitor_debug

#define N_KINDS 3

/**
 * ParlaDevice:
 *
 * One camera, microphone or speaker, as GStreamer's device providers
 * (PipeWire, PulseAudio, V4L2, ALSA) list it. Its id is stable across
 * listings, so it can be saved in the settings and handed to
 * parla_call_options_set_camera() and friends.
 */
struct _ParlaDevice
{
  GObject          parent_instance;

  /* owned */
  GstDevice       *device;
  char            *id;
  char            *display_name;

  ParlaDeviceKind  kind;
  gboolean         is_default;
};

G_DEFINE_FINAL_TYPE (ParlaDevice, parla_device, G_TYPE_OBJECT)

/**
 * ParlaDeviceMonitor:
 *
 * Lists the devices a call can use, and tells when one is plugged in or
 * out, over one #GstDeviceMonitor (Video/Source, Audio/Source and
 * Audio/Sink). Signals are emitted on the main context that was the
 * thread-default when parla_device_monitor_start() was called.
 */
struct _ParlaDeviceMonitor
{
  GObject           parent_instance;

  /* owned */
  GstDeviceMonitor *monitor;
  GPtrArray        *devices[N_KINDS];  /* ParlaDevice, in the order they came */

  guint             bus_watch_id;
};

G_DEFINE_FINAL_TYPE (ParlaDeviceMonitor, parla_device_monitor, G_TYPE_OBJECT)

enum {
  DEVICE_ADDED,
  DEVICE_REMOVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static const char * const kind_classes[N_KINDS] = {
  "Video/Source", "Audio/Source", "Audio/Sink",
};

/* Properties that name a device the same way every time, best first:
 * PipeWire's node name, V4L2's path, PulseAudio's and ALSA's names. */
static const char * const id_properties[] = {
  "node.name", "api.v4l2.path", "device.path", "device.name", "udev.id", "alsa.card_name",
};

static char *
make_device_id (GstDevice *device)
{
  g_autoptr(GstStructure) props = gst_device_get_properties (device);
  g_autofree char *name = gst_device_get_display_name (device);

  for (guint i = 0; props != NULL && i < G_N_ELEMENTS (id_properties); i++)
    {
      const char *value = gst_structure_get_string (props, id_properties[i]);

      if (value != NULL && *value != '\0')
        return g_strdup (value);
    }

  return g_steal_pointer (&name);
}

static gboolean
kind_of (GstDevice       *device,
         ParlaDeviceKind *kind)
{
  for (guint i = 0; i < N_KINDS; i++)
    {
      if (gst_device_has_classes (device, kind_classes[i]))
        {
          *kind = i;
          return TRUE;
        }
    }

  return FALSE;
}

static ParlaDevice *
parla_device_new (GstDevice       *device,
                  ParlaDeviceKind  kind)
{
  ParlaDevice *self = g_object_new (PARLA_TYPE_DEVICE, NULL);
  g_autoptr(GstStructure) props = gst_device_get_properties (device);

  self->device = gst_object_ref (device);
  self->id = make_device_id (device);
  self->display_name = gst_device_get_display_name (device);
  self->kind = kind;
  if (props != NULL)
    gst_structure_get_boolean (props, "is-default", &self->is_default);

  return self;
}

static void
parla_device_finalize (GObject *object)
{
  ParlaDevice *self = (ParlaDevice *)object;

  gst_clear_object (&self->device);
  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (parla_device_parent_class)->finalize (object);
}

static void
parla_device_class_init (ParlaDeviceClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = parla_device_finalize;
}

static void
parla_device_init (ParlaDevice *self)
{
}

/**
 * parla_device_get_id:
 * @self: a #ParlaDevice
 *
 * Returns: an id that stays the same while the device is plugged in, and
 *   usually across restarts
 */
const char *
parla_device_get_id (ParlaDevice *self)
{
  g_return_val_if_fail (PARLA_IS_DEVICE (self), NULL);

  return self->id;
}

/**
 * parla_device_get_display_name:
 * @self: a #ParlaDevice
 *
 * Returns: a name to show, such as "Integrated Camera"
 */
const char *
parla_device_get_display_name (ParlaDevice *self)
{
  g_return_val_if_fail (PARLA_IS_DEVICE (self), NULL);

  return self->display_name;
}

ParlaDeviceKind
parla_device_get_kind (ParlaDevice *self)
{
  g_return_val_if_fail (PARLA_IS_DEVICE (self), PARLA_DEVICE_KIND_CAMERA);

  return self->kind;
}

/**
 * parla_device_get_is_default:
 * @self: a #ParlaDevice
 *
 * Returns: whether the sound server marks the device as its default
 */
gboolean
parla_device_get_is_default (ParlaDevice *self)
{
  g_return_val_if_fail (PARLA_IS_DEVICE (self), FALSE);

  return self->is_default;
}

/*
 * _parla_device_create_element:
 *
 * Returns: (transfer floating) (nullable): a new source or sink for the
 *   device (v4l2src, pipewiresrc, pulsesrc…), not in any bin
 */
GstElement *
_parla_device_create_element (ParlaDevice  *self,
                              GError      **error)
{
  GstElement *element = gst_device_create_element (self->device, NULL);

  if (element == NULL)
    g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                 "Cannot open %s", self->display_name);

  return element;
}

static ParlaDevice *
find_device (ParlaDeviceMonitor *self,
             ParlaDeviceKind     kind,
             GstDevice          *device,
             guint              *index)
{
  GPtrArray *devices = self->devices[kind];

  for (guint i = 0; i < devices->len; i++)
    {
      ParlaDevice *known = g_ptr_array_index (devices, i);

      if (known->device == device)
        {
          *index = i;
          return known;
        }
    }

  return NULL;
}

static void
add_device (ParlaDeviceMonitor *self,
            GstDevice          *device)
{
  g_autoptr(ParlaDevice) added = NULL;
  ParlaDeviceKind kind;
  guint index;

  if (!kind_of (device, &kind) || find_device (self, kind, device, &index) != NULL)
    return;

  added = parla_device_new (device, kind);
  GST_INFO ("device added: %s (%s)", added->id, added->display_name);
  g_ptr_array_add (self->devices[kind], g_object_ref (added));
  g_signal_emit (self, signals[DEVICE_ADDED], 0, added);
}

static void
remove_device (ParlaDeviceMonitor *self,
               GstDevice          *device)
{
  g_autoptr(ParlaDevice) removed = NULL;
  ParlaDeviceKind kind;
  guint index;

  if (!kind_of (device, &kind) || find_device (self, kind, device, &index) == NULL)
    return;

  removed = g_ptr_array_steal_index (self->devices[kind], index);
  GST_INFO ("device removed: %s (%s)", removed->id, removed->display_name);
  g_signal_emit (self, signals[DEVICE_REMOVED], 0, removed);
}

static gboolean
on_bus_message_cb (GstBus     *bus,
                   GstMessage *message,
                   gpointer    user_data)
{
  ParlaDeviceMonitor *self = user_data;
  g_autoptr(GstDevice) device = NULL;

  switch (GST_MESSAGE_TYPE (message))
    {
    case GST_MESSAGE_DEVICE_ADDED:
      gst_message_parse_device_added (message, &device);
      add_device (self, device);
      break;

    case GST_MESSAGE_DEVICE_REMOVED:
      gst_message_parse_device_removed (message, &device);
      remove_device (self, device);
      break;

    case GST_MESSAGE_DEVICE_CHANGED:
      {
        g_autoptr(GstDevice) old_device = NULL;

        gst_message_parse_device_changed (message, &device, &old_device);
        remove_device (self, old_device);
        add_device (self, device);
      }
      break;

    default:
      break;
    }

  return G_SOURCE_CONTINUE;
}

static void
parla_device_monitor_dispose (GObject *object)
{
  ParlaDeviceMonitor *self = (ParlaDeviceMonitor *)object;

  parla_device_monitor_stop (self);
  gst_clear_object (&self->monitor);

  G_OBJECT_CLASS (parla_device_monitor_parent_class)->dispose (object);
}

static void
parla_device_monitor_finalize (GObject *object)
{
  ParlaDeviceMonitor *self = (ParlaDeviceMonitor *)object;

  for (guint i = 0; i < N_KINDS; i++)
    g_clear_pointer (&self->devices[i], g_ptr_array_unref);

  G_OBJECT_CLASS (parla_device_monitor_parent_class)->finalize (object);
}

static void
parla_device_monitor_class_init (ParlaDeviceMonitorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_device_monitor_dispose;
  object_class->finalize = parla_device_monitor_finalize;

  /**
   * ParlaDeviceMonitor::device-added:
   * @self: a #ParlaDeviceMonitor
   * @device: the #ParlaDevice plugged in
   */
  signals[DEVICE_ADDED] =
    g_signal_new ("device-added",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  PARLA_TYPE_DEVICE);

  /**
   * ParlaDeviceMonitor::device-removed:
   * @self: a #ParlaDeviceMonitor
   * @device: the #ParlaDevice unplugged; it is no longer listed
   */
  signals[DEVICE_REMOVED] =
    g_signal_new ("device-removed",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 1,
                  PARLA_TYPE_DEVICE);
}

static void
parla_device_monitor_init (ParlaDeviceMonitor *self)
{
  if (parla_device_monitor_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (parla_device_monitor_debug, "parla-device-monitor", 0,
                             "Parla devices");

  self->monitor = gst_device_monitor_new ();
  for (guint i = 0; i < N_KINDS; i++)
    {
      gst_device_monitor_add_filter (self->monitor, kind_classes[i], NULL);
      self->devices[i] = g_ptr_array_new_with_free_func (g_object_unref);
    }
}

/**
 * parla_device_monitor_new:
 *
 * Returns: (transfer full): a new monitor, not started
 */
ParlaDeviceMonitor *
parla_device_monitor_new (void)
{
  return g_object_new (PARLA_TYPE_DEVICE_MONITOR, NULL);
}

/**
 * parla_device_monitor_start:
 * @self: a #ParlaDeviceMonitor
 * @error: return location for a #GError
 *
 * Lists the devices there are and starts watching for changes.
 *
 * Returns: %TRUE if watching; %FALSE if no device provider could start
 */
gboolean
parla_device_monitor_start (ParlaDeviceMonitor  *self,
                            GError             **error)
{
  g_autoptr(GstBus) bus = NULL;
  GList *devices;

  g_return_val_if_fail (PARLA_IS_DEVICE_MONITOR (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (self->bus_watch_id != 0)
    return TRUE;

  if (!gst_device_monitor_start (self->monitor))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "No device provider could start");
      return FALSE;
    }

  bus = gst_device_monitor_get_bus (self->monitor);
  self->bus_watch_id = gst_bus_add_watch (bus, on_bus_message_cb, self);

  /* Oldest first, as GStreamer lists them newest first. */
  devices = g_list_reverse (gst_device_monitor_get_devices (self->monitor));
  for (GList *l = devices; l != NULL; l = l->next)
    add_device (self, l->data);
  g_list_free_full (devices, gst_object_unref);

  return TRUE;
}

/**
 * parla_device_monitor_stop:
 * @self: a #ParlaDeviceMonitor
 *
 * Stops watching; the list is kept as it was.
 */
void
parla_device_monitor_stop (ParlaDeviceMonitor *self)
{
  g_return_if_fail (PARLA_IS_DEVICE_MONITOR (self));

  if (self->bus_watch_id == 0)
    return;

  g_clear_handle_id (&self->bus_watch_id, g_source_remove);
  gst_device_monitor_stop (self->monitor);
}

/**
 * parla_device_monitor_dup_devices:
 * @self: a #ParlaDeviceMonitor
 * @kind: which devices
 *
 * Returns: (transfer container) (element-type ParlaDevice): the devices of
 *   @kind, oldest first
 */
GPtrArray *
parla_device_monitor_dup_devices (ParlaDeviceMonitor *self,
                                  ParlaDeviceKind     kind)
{
  GPtrArray *devices;

  g_return_val_if_fail (PARLA_IS_DEVICE_MONITOR (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);

  devices = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < self->devices[kind]->len; i++)
    g_ptr_array_add (devices, g_object_ref (g_ptr_array_index (self->devices[kind], i)));

  return devices;
}

/**
 * parla_device_monitor_get_device:
 * @self: a #ParlaDeviceMonitor
 * @kind: which devices
 * @id: a device id
 *
 * Returns: (transfer none) (nullable): the device of @kind with @id
 */
ParlaDevice *
parla_device_monitor_get_device (ParlaDeviceMonitor *self,
                                 ParlaDeviceKind     kind,
                                 const char         *id)
{
  g_return_val_if_fail (PARLA_IS_DEVICE_MONITOR (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; i < self->devices[kind]->len; i++)
    {
      ParlaDevice *device = g_ptr_array_index (self->devices[kind], i);

      if (g_str_equal (device->id, id))
        return device;
    }

  return NULL;
}

/**
 * parla_device_monitor_get_default:
 * @self: a #ParlaDeviceMonitor
 * @kind: which devices
 *
 * Returns: (transfer none) (nullable): the device the sound server marks
 *   as default, or else the oldest one; %NULL when there is none
 */
ParlaDevice *
parla_device_monitor_get_default (ParlaDeviceMonitor *self,
                                  ParlaDeviceKind     kind)
{
  GPtrArray *devices;

  g_return_val_if_fail (PARLA_IS_DEVICE_MONITOR (self), NULL);
  g_return_val_if_fail (kind < N_KINDS, NULL);

  devices = self->devices[kind];
  for (guint i = 0; i < devices->len; i++)
    {
      ParlaDevice *device = g_ptr_array_index (devices, i);

      if (device->is_default)
        return device;
    }

  return devices->len > 0 ? g_ptr_array_index (devices, 0) : NULL;
}
