/* parla-local-media.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-local-media-private.h"

#include "parla-file-player-private.h"

#include <string.h>
#include <unistd.h>

#include <gst/video/video.h>

#include "parla-device-monitor-private.h"
#include "parla-media-init.h"
#include "parla-portal-private.h"

GST_DEBUG_CATEGORY_STATIC (parla_local_media_debug);
#define GST_CAT_DEFAULT parla_local_media_debug

/* One capture per kind, raw, ending in a tee; each participant's encoder
 * hangs off the tee (per-participant encoders, so that each connection can
 * get its own bitrate and keyframes):
 *
 *   videotestsrc | [device] ! convert ! scale ! rate ! I420 WxH@F ! tee
 *   audiotestsrc | [device] ! convert ! resample ! S16 48k mono ! [webrtcdsp] ! volume ! tee
 *
 * Camera off replaces each frame by one shared black frame (no copy), so the
 * receiver keeps its track and its decoder; mute is volume's mute, so the
 * receiver hears silence. Remote audio, when played, goes through
 *
 *   audiomixer ! convert ! resample ! [S16 48k ! webrtcechoprobe ! convert ! resample] ! [device]
 *
 * in a bin that handles its own preroll so an idle output never stalls the
 * pipeline.
 *
 * A [device] is a small bin around one source or sink: pipewiresrc through
 * the Camera portal, the element of a #ParlaDevice (v4l2src, pulsesrc…),
 * autovideosrc and friends, or a placeholder (black, silence, nowhere).
 * Switching devices swaps that bin only: the caps after it are fixed by the
 * capsfilter, so the encoders keep going and nothing is renegotiated. The
 * bin keeps its element's errors to itself and falls back instead, so a
 * camera pulled out does not end the call; the pipeline runs on the system
 * clock, so that no device takes the clock away with it. */

typedef enum
{
  SLOT_PLACEHOLDER,
  SLOT_PORTAL_PENDING,  /* black while the Camera portal is asked */
  SLOT_PORTAL,
  SLOT_DEVICE,
  SLOT_AUTO,
} SlotMode;

typedef struct
{
  /* borrowed */
  ParlaLocalMedia *media;
  GstBin          *bin;       /* where the device bin lives */
  GstElement      *peer;      /* what it links to */
  GstElement      *current;   /* the device bin */

  /* owned */
  char            *device_id; /* the ParlaDevice in use, if any */
  char            *wanted_id; /* NULL: the default */

  ParlaDeviceKind  kind;
  SlotMode         mode;
  gboolean         lost;      /* on the placeholder since devices went away */
} Slot;

/* What outlives the local media, for callbacks from streaming threads and
 * from the portal: dead once the local media is freed. */
typedef struct
{
  GMainContext    *context;
  ParlaLocalMedia *media;     /* NULL once dead; main context only */
} Owner;

struct _ParlaLocalMedia
{
  /* owned */
  GstBin           *pipeline;
  ParlaCallOptions *options;
  ParlaDeviceMonitor *monitor;
  Owner            *owner;
  GCancellable     *cancellable;
  GstElement       *screen_tee;
  GstBuffer        *black;
  GPtrArray        *screen_elements;
  ParlaPortalScreen *screen_portal;
  Slot             *slots[3];   /* by ParlaDeviceKind; NULL without a device */
  ParlaFilePlayer  *player;     /* nullable: a media file instead of the sources */

  /* borrowed */
  GstElement       *video_tee;
  GstElement       *audio_tee;
  GstElement       *volume;
  GstElement       *mixer;
  GstElement       *self_view;      /* the self-view's appsink, once asked for */
  ParlaLocalMediaDeviceLostFunc  device_lost;
  ParlaLocalMediaScreenEndedFunc screen_ended;
  gpointer                       callback_data;

  gulong            video_probe_id;
  gboolean          video_enabled;  /* atomic */
  gboolean          screen_pending;
};

static const char * const kind_names[] = { "camera", "microphone", "speaker" };

static Owner *
owner_ref (Owner *owner)
{
  return g_atomic_rc_box_acquire (owner);
}

static void
owner_clear (Owner *owner)
{
  g_main_context_unref (owner->context);
}

static void
owner_unref (Owner *owner)
{
  g_atomic_rc_box_release_full (owner, (GDestroyNotify) owner_clear);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Owner, owner_unref)

/* ParlaDeviceBin: one device element behind a ghost pad; its errors go to
 * on_device_failed instead of the bus. */

typedef struct
{
  GstBin     parent_instance;

  Owner     *owner;
  Slot      *slot;    /* valid while owner->media is; NULL for the screen */
  gboolean   is_sink;
} ParlaDeviceBin;

typedef struct
{
  GstBinClass parent_class;
} ParlaDeviceBinClass;

static GType parla_device_bin_get_type (void);
G_DEFINE_TYPE (ParlaDeviceBin, parla_device_bin, GST_TYPE_BIN)

static void slot_fall_back (Slot *slot, gboolean failed);

typedef struct
{
  Owner          *owner;
  ParlaDeviceBin *bin;
} FailedData;

static void
failed_data_free (FailedData *data)
{
  owner_unref (data->owner);
  gst_object_unref (data->bin);
  g_free (data);
}

static gboolean
on_device_failed_cb (gpointer user_data)
{
  FailedData *data = user_data;
  ParlaLocalMedia *self = data->owner->media;

  if (self == NULL)
    return G_SOURCE_REMOVE;  /* the call ended */

  /* The screen capture failed: the share ends, the call goes on. */
  if (data->bin->slot == NULL)
    {
      if (self->screen_elements != NULL &&
          g_ptr_array_find (self->screen_elements, data->bin, NULL) &&
          self->screen_ended != NULL)
        self->screen_ended (self->callback_data);
      return G_SOURCE_REMOVE;
    }

  /* Unless the device was swapped out already. */
  if (data->bin->slot->current == GST_ELEMENT (data->bin))
    slot_fall_back (data->bin->slot, TRUE);

  return G_SOURCE_REMOVE;
}

/* Runs @func on @owner's main context later, never from inside the
 * caller (which may hold a state lock, or be in a signal emission). */
static void
defer (Owner          *owner,
       GSourceFunc     func,
       gpointer        data,
       GDestroyNotify  destroy)
{
  g_autoptr(GSource) source = g_idle_source_new ();

  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, owner->context);
}

/* From any thread. */
static void
report_failure (ParlaDeviceBin *self)
{
  FailedData *data = g_new0 (FailedData, 1);

  data->owner = owner_ref (self->owner);
  data->bin = gst_object_ref (self);
  defer (self->owner, on_device_failed_cb, data, (GDestroyNotify) failed_data_free);
}

static void
parla_device_bin_handle_message (GstBin     *bin,
                                 GstMessage *message)
{
  ParlaDeviceBin *self = (ParlaDeviceBin *) bin;

  if (GST_MESSAGE_TYPE (message) == GST_MESSAGE_ERROR)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *debug = NULL;

      gst_message_parse_error (message, &error, &debug);
      GST_WARNING_OBJECT (bin, "device failed: %s (%s)", error->message, debug);
      report_failure (self);
      gst_message_unref (message);
      return;
    }

  GST_BIN_CLASS (parla_device_bin_parent_class)->handle_message (bin, message);
}

/* A device that cannot start (gone, busy, no permission) must not stop the
 * pipeline from starting: it is replaced instead. */
static GstStateChangeReturn
parla_device_bin_change_state (GstElement     *element,
                               GstStateChange  transition)
{
  GstStateChangeReturn ret;

  ret = GST_ELEMENT_CLASS (parla_device_bin_parent_class)->change_state (element, transition);
  if (ret != GST_STATE_CHANGE_FAILURE ||
      GST_STATE_TRANSITION_NEXT (transition) <= GST_STATE_TRANSITION_CURRENT (transition))
    return ret;

  GST_WARNING_OBJECT (element, "device cannot start");
  report_failure ((ParlaDeviceBin *) element);

  return ((ParlaDeviceBin *) element)->is_sink ||
         GST_STATE_TRANSITION_NEXT (transition) != GST_STATE_PAUSED
         ? GST_STATE_CHANGE_SUCCESS : GST_STATE_CHANGE_NO_PREROLL;
}

static void
parla_device_bin_finalize (GObject *object)
{
  ParlaDeviceBin *self = (ParlaDeviceBin *) object;

  g_clear_pointer (&self->owner, owner_unref);

  G_OBJECT_CLASS (parla_device_bin_parent_class)->finalize (object);
}

static void
parla_device_bin_class_init (ParlaDeviceBinClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = parla_device_bin_finalize;
  GST_ELEMENT_CLASS (klass)->change_state = parla_device_bin_change_state;
  GST_BIN_CLASS (klass)->handle_message = parla_device_bin_handle_message;
}

static void
parla_device_bin_init (ParlaDeviceBin *self)
{
}

/* Whatever comes after a source converts, scales and drops frames into
 * the fixed caps: the source never needs to negotiate again, and
 * pipewiresrc would reconnect its stream (a new link in PipeWire) on every
 * new participant's encoder. */
static GstPadProbeReturn
on_source_reconfigure_cb (GstPad          *pad,
                          GstPadProbeInfo *info,
                          gpointer         user_data)
{
  if (GST_EVENT_TYPE (GST_PAD_PROBE_INFO_EVENT (info)) == GST_EVENT_RECONFIGURE)
    return GST_PAD_PROBE_DROP;

  return GST_PAD_PROBE_OK;
}

/* @slot: (nullable): NULL for the screen */
static GstElement *
device_bin_new (Owner      *owner,
                Slot       *slot,
                GstElement *element)
{
  ParlaDeviceBin *self;
  g_autoptr(GstPad) pad = NULL;
  gboolean is_sink = slot != NULL && slot->kind == PARLA_DEVICE_KIND_SPEAKER;
  g_autofree char *name = g_strdup_printf ("parla-%s-%s",
                                           slot != NULL ? kind_names[slot->kind] : "screen",
                                           GST_OBJECT_NAME (element));

  self = g_object_new (parla_device_bin_get_type (), "name", name, NULL);
  self->owner = owner_ref (owner);
  self->slot = slot;
  self->is_sink = is_sink;

  gst_bin_add (GST_BIN (self), element);
  pad = gst_element_get_static_pad (element, is_sink ? "sink" : "src");
  if (!is_sink)
    gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_EVENT_UPSTREAM, on_source_reconfigure_cb, NULL, NULL);
  gst_element_add_pad (GST_ELEMENT (self), gst_ghost_pad_new (is_sink ? "sink" : "src", pad));

  return GST_ELEMENT (self);
}

/* Helpers */

static GstElement *
make (GstBin     *bin,
      const char *factory,
      GError    **error)
{
  GstElement *element = gst_element_factory_make (factory, NULL);

  if (element == NULL)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                   "Missing GStreamer element %s", factory);
      return NULL;
    }

  gst_bin_add (bin, element);
  return element;
}

static GstElement *
make_tee (GstBin *bin)
{
  GstElement *tee = gst_element_factory_make ("tee", NULL);

  g_object_set (tee, "allow-not-linked", TRUE, NULL);
  gst_bin_add (bin, tee);

  return tee;
}

static void
close_fd (gpointer data)
{
  close (GPOINTER_TO_INT (data));
}

/* pipewiresrc duplicates the fd when it connects: ours is kept until the
 * element goes. */
static GstElement *
make_pipewiresrc (int         fd,
                  const char *path)
{
  GstElement *source = gst_element_factory_make ("pipewiresrc", NULL);

  if (source == NULL)
    {
      close (fd);
      return NULL;
    }

  /* Copied out of PipeWire's buffers: the encoders hold frames longer
   * than PipeWire keeps its buffers mapped. */
  g_object_set (source, "fd", fd, "always-copy", TRUE, NULL);
  if (path != NULL)
    g_object_set (source, "path", path, NULL);
  g_object_set_data_full (G_OBJECT (source), "parla-fd", GINT_TO_POINTER (fd), close_fd);

  return source;
}

static GstBuffer *
make_black_frame (int width,
                  int height)
{
  GstVideoInfo info;
  GstVideoFrame frame;
  GstBuffer *buffer;

  gst_video_info_set_format (&info, GST_VIDEO_FORMAT_I420, width, height);
  buffer = gst_buffer_new_allocate (NULL, GST_VIDEO_INFO_SIZE (&info), NULL);
  gst_buffer_add_video_meta (buffer, GST_VIDEO_FRAME_FLAG_NONE, GST_VIDEO_FORMAT_I420,
                             width, height);

  if (gst_video_frame_map (&frame, &info, buffer, GST_MAP_WRITE))
    {
      for (guint plane = 0; plane < 3; plane++)
        {
          guint8 *data = GST_VIDEO_FRAME_PLANE_DATA (&frame, plane);
          int stride = GST_VIDEO_FRAME_PLANE_STRIDE (&frame, plane);
          int rows = GST_VIDEO_FRAME_COMP_HEIGHT (&frame, plane);

          memset (data, plane == 0 ? 16 : 128, (gsize) stride * rows);
        }
      gst_video_frame_unmap (&frame);
    }

  return buffer;
}

static GstPadProbeReturn
on_video_buffer_probe_cb (GstPad          *pad,
                          GstPadProbeInfo *info,
                          gpointer         user_data)
{
  ParlaLocalMedia *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);
  GstBuffer *black;

  if (g_atomic_int_get (&self->video_enabled))
    return GST_PAD_PROBE_OK;

  /* The black frame's memory is shared, not copied. */
  black = gst_buffer_copy (self->black);
  gst_buffer_copy_into (black, buffer, GST_BUFFER_COPY_FLAGS | GST_BUFFER_COPY_TIMESTAMPS, 0, -1);
  gst_buffer_unref (buffer);
  GST_PAD_PROBE_INFO_DATA (info) = black;

  return GST_PAD_PROBE_OK;
}

/* Devices */

static GstElement *
make_placeholder (ParlaDeviceKind kind)
{
  GstElement *element;

  switch (kind)
    {
    case PARLA_DEVICE_KIND_CAMERA:
      element = gst_element_factory_make ("videotestsrc", NULL);
      g_object_set (element, "is-live", TRUE, NULL);
      gst_util_set_object_arg (G_OBJECT (element), "pattern", "black");
      return element;

    case PARLA_DEVICE_KIND_MICROPHONE:
      element = gst_element_factory_make ("audiotestsrc", NULL);
      g_object_set (element, "is-live", TRUE, "samplesperbuffer", 960, NULL);
      gst_util_set_object_arg (G_OBJECT (element), "wave", "silence");
      return element;

    case PARLA_DEVICE_KIND_SPEAKER:
    default:
      element = gst_element_factory_make ("fakesink", NULL);
      g_object_set (element, "sync", TRUE, "async", FALSE, NULL);
      return element;
    }
}

static const char *
auto_factory (ParlaDeviceKind kind)
{
  static const char * const factories[] = { "autovideosrc", "autoaudiosrc", "autoaudiosink" };

  return factories[kind];
}

/* @id's device, or else the default one (never @exclude), or else the
 * auto element when @allow_auto, or else NULL. */
static GstElement *
choose_element (Slot        *slot,
                const char  *id,
                const char  *exclude,
                gboolean     allow_auto,
                SlotMode    *mode,
                char       **device_id)
{
  ParlaDeviceMonitor *monitor = slot->media->monitor;
  ParlaDevice *device = NULL;
  GstElement *element;

  *device_id = NULL;

  if (monitor != NULL && id != NULL)
    device = parla_device_monitor_get_device (monitor, slot->kind, id);
  if (monitor != NULL && device == NULL)
    device = parla_device_monitor_get_default (monitor, slot->kind);
  if (device != NULL && g_strcmp0 (parla_device_get_id (device), exclude) == 0)
    device = NULL;

  if (device != NULL)
    {
      g_autoptr(GError) error = NULL;

      element = _parla_device_create_element (device, &error);
      if (element != NULL)
        {
          *mode = SLOT_DEVICE;
          *device_id = g_strdup (parla_device_get_id (device));
          return element;
        }
      GST_WARNING ("%s %s: %s", kind_names[slot->kind], parla_device_get_id (device), error->message);
    }

  if (allow_auto && (element = gst_element_factory_make (auto_factory (slot->kind), NULL)) != NULL)
    {
      *mode = SLOT_AUTO;
      return element;
    }

  return NULL;
}

typedef struct
{
  GstBin     *bin;
  GstElement *old;
  GstElement *new;
  GstElement *peer;
} SinkSwap;

static void
sink_swap_free (SinkSwap *swap)
{
  gst_object_unref (swap->bin);
  gst_object_unref (swap->old);
  gst_object_unref (swap->new);
  gst_object_unref (swap->peer);
  g_free (swap);
}

/* Between two buffers of the mixer's thread (or at once when idle). */
static GstPadProbeReturn
on_sink_idle_cb (GstPad          *pad,
                 GstPadProbeInfo *info,
                 gpointer         user_data)
{
  SinkSwap *swap = user_data;

  gst_element_set_state (swap->old, GST_STATE_NULL);
  gst_element_unlink (swap->peer, swap->old);
  gst_bin_remove (swap->bin, swap->old);
  gst_bin_add (swap->bin, swap->new);
  if (!gst_element_link (swap->peer, swap->new))
    GST_WARNING ("cannot link the new speaker");
  gst_element_sync_state_with_parent (swap->new);

  return GST_PAD_PROBE_REMOVE;
}

/* Puts @element (floating) in the slot, in place of what was there. */
static gboolean
slot_set_element (Slot        *slot,
                  GstElement  *element,
                  SlotMode     mode,
                  char        *device_id)
{
  GstElement *old = slot->current;
  GstElement *bin = device_bin_new (slot->media->owner, slot, element);

  GST_INFO ("%s: now %s (%s)", kind_names[slot->kind], GST_OBJECT_NAME (bin),
            device_id ? device_id : "no device");
  g_free (slot->device_id);
  slot->device_id = device_id;
  slot->mode = mode;
  slot->current = bin;

  if (slot->kind == PARLA_DEVICE_KIND_SPEAKER && old != NULL)
    {
      g_autoptr(GstPad) pad = gst_element_get_static_pad (slot->peer, "src");
      SinkSwap *swap = g_new0 (SinkSwap, 1);

      swap->bin = gst_object_ref (slot->bin);
      swap->old = gst_object_ref (old);
      swap->new = gst_object_ref_sink (bin);
      swap->peer = gst_object_ref (slot->peer);
      gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_IDLE, on_sink_idle_cb, swap,
                         (GDestroyNotify) sink_swap_free);
      return TRUE;
    }

  /* A source's thread pushes into the chain: stopped before it is cut. */
  if (old != NULL)
    {
      gst_element_set_state (old, GST_STATE_NULL);
      if (slot->kind == PARLA_DEVICE_KIND_SPEAKER)
        gst_element_unlink (slot->peer, old);
      else
        gst_element_unlink (old, slot->peer);
      gst_bin_remove (slot->bin, old);
    }

  gst_bin_add (slot->bin, bin);
  if (slot->kind == PARLA_DEVICE_KIND_SPEAKER ? !gst_element_link (slot->peer, bin)
                                              : !gst_element_link (bin, slot->peer))
    {
      GST_WARNING ("%s: cannot link %s", kind_names[slot->kind], GST_OBJECT_NAME (bin));
      return FALSE;
    }
  gst_element_sync_state_with_parent (bin);

  return TRUE;
}

/* The device in use went away (@failed: or broke): the default device, or
 * else black, silence or nowhere. */
static void
slot_fall_back (Slot     *slot,
                gboolean  failed)
{
  ParlaLocalMedia *self = slot->media;
  g_autofree char *lost_id = g_strdup (slot->device_id ? slot->device_id : "default");
  GstElement *element;
  SlotMode mode;
  char *device_id;

  /* A portal camera that fails: the cameras opened directly. */
  if (slot->mode == SLOT_PORTAL)
    element = choose_element (slot, NULL, NULL, TRUE, &mode, &device_id);
  else
    element = choose_element (slot, NULL, slot->device_id, FALSE, &mode, &device_id);

  if (element == NULL)
    {
      if (slot->mode == SLOT_PLACEHOLDER)
        {
          GST_ERROR ("%s: even the placeholder failed", kind_names[slot->kind]);
          return;
        }
      element = make_placeholder (slot->kind);
      mode = SLOT_PLACEHOLDER;
      device_id = NULL;
      slot->lost = TRUE;
    }

  GST_INFO ("%s %s %s", kind_names[slot->kind], lost_id, failed ? "failed" : "went away");
  slot_set_element (slot, element, mode, device_id);

  if (self->device_lost != NULL)
    self->device_lost (slot->kind, lost_id, slot->device_id, self->callback_data);
}

static void
on_device_removed_cb (ParlaDeviceMonitor *monitor,
                      ParlaDevice        *device,
                      gpointer            user_data)
{
  ParlaLocalMedia *self = user_data;

  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    {
      Slot *slot = self->slots[i];

      if (slot != NULL && slot->mode == SLOT_DEVICE &&
          parla_device_get_kind (device) == slot->kind &&
          g_strcmp0 (slot->device_id, parla_device_get_id (device)) == 0)
        slot_fall_back (slot, FALSE);
    }
}

/* A device that comes back, or a first one after all were gone. */
static void
on_device_added_cb (ParlaDeviceMonitor *monitor,
                    ParlaDevice        *device,
                    gpointer            user_data)
{
  ParlaLocalMedia *self = user_data;
  Slot *slot = self->slots[parla_device_get_kind (device)];
  const char *id = parla_device_get_id (device);
  GstElement *element;
  SlotMode mode;
  char *device_id;

  if (slot == NULL || slot->mode == SLOT_PORTAL_PENDING || slot->mode == SLOT_PORTAL ||
      g_strcmp0 (slot->device_id, id) == 0)
    return;

  if (!(slot->lost && slot->wanted_id == NULL) && g_strcmp0 (slot->wanted_id, id) != 0)
    return;

  element = choose_element (slot, id, NULL, FALSE, &mode, &device_id);
  if (element == NULL)
    return;

  slot->lost = FALSE;
  slot_set_element (slot, element, mode, device_id);
}

#ifdef HAVE_LIBPORTAL
static void
on_camera_portal_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(Owner) owner = user_data;
  g_autoptr(GError) error = NULL;
  ParlaLocalMedia *self = owner->media;
  Slot *slot;
  GstElement *element;
  SlotMode mode;
  char *device_id;
  int fd;

  fd = _parla_portal_open_camera_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self == NULL)
    {
      if (fd >= 0)
        close (fd);
      return;
    }

  slot = self->slots[PARLA_DEVICE_KIND_CAMERA];
  if (slot->mode != SLOT_PORTAL_PENDING)
    {
      /* A camera was picked meanwhile. */
      if (fd >= 0)
        close (fd);
      return;
    }

  if (fd >= 0 && (element = make_pipewiresrc (fd, NULL)) != NULL)
    {
      slot_set_element (slot, element, SLOT_PORTAL, NULL);
      return;
    }

  GST_INFO ("camera portal: %s; opening the camera directly",
            error ? error->message : "no pipewiresrc");
  element = choose_element (slot, NULL, NULL, TRUE, &mode, &device_id);
  if (element == NULL)
    {
      element = make_placeholder (slot->kind);
      mode = SLOT_PLACEHOLDER;
      device_id = NULL;
      slot->lost = TRUE;
    }
  slot_set_element (slot, element, mode, device_id);
}
#endif

static Slot *
slot_new (ParlaLocalMedia *self,
          ParlaDeviceKind  kind,
          GstBin          *bin,
          GstElement      *peer,
          const char      *wanted_id)
{
  Slot *slot = g_new0 (Slot, 1);

  slot->media = self;
  slot->kind = kind;
  slot->bin = bin;
  slot->peer = peer;
  slot->wanted_id = g_strdup (wanted_id);
  self->slots[kind] = slot;

  return slot;
}

static void
slot_free (Slot *slot)
{
  g_free (slot->device_id);
  g_free (slot->wanted_id);
  g_free (slot);
}

/* Fills a new slot: the Camera portal for the default camera (black
 * meanwhile), or the wanted or default device, or the auto element. */
static gboolean
slot_start (Slot    *slot,
            GError **error)
{
  ParlaLocalMedia *self = slot->media;
  GstElement *element;
  SlotMode mode;
  char *device_id;

#ifdef HAVE_LIBPORTAL
  if (slot->kind == PARLA_DEVICE_KIND_CAMERA && slot->wanted_id == NULL &&
      parla_call_options_get_use_portals (self->options) &&
      parla_media_has_element ("pipewiresrc"))
    {
      _parla_portal_open_camera_async (self->cancellable, on_camera_portal_cb,
                                       owner_ref (self->owner));
      element = make_placeholder (slot->kind);
      mode = SLOT_PORTAL_PENDING;
      device_id = NULL;
    }
  else
#endif
  if (!(element = choose_element (slot, slot->wanted_id, NULL, TRUE, &mode, &device_id)))
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                   "Missing GStreamer element %s", auto_factory (slot->kind));
      return FALSE;
    }

  if (!slot_set_element (slot, element, mode, device_id))
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                   "Cannot link the %s", kind_names[slot->kind]);
      return FALSE;
    }

  return TRUE;
}

static void
ensure_monitor (ParlaLocalMedia *self)
{
  g_autoptr(GError) error = NULL;

  if (self->monitor != NULL)
    return;

  self->monitor = parla_device_monitor_new ();
  if (!parla_device_monitor_start (self->monitor, &error))
    GST_INFO ("no device monitor: %s", error->message);
  g_signal_connect (self->monitor, "device-removed", G_CALLBACK (on_device_removed_cb), self);
  g_signal_connect (self->monitor, "device-added", G_CALLBACK (on_device_added_cb), self);
}

static void clear_screen_portal (ParlaLocalMedia *self);

/* Capture */

static gboolean
build_video (ParlaLocalMedia  *self,
             GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) pad = NULL;
  GstElement *filter;
  GstElement *first, *last;
  int width, height, fps;

  parla_call_options_get_video_size (self->options, &width, &height, &fps);

  if (self->player != NULL && _parla_file_player_has_video (self->player))
    {
      first = _parla_file_player_get_video_src (self->player);
      gst_bin_add (self->pipeline, first);
      last = first;
    }
  else if (self->player != NULL ||
           parla_call_options_get_video_source (self->options) == PARLA_MEDIA_SOURCE_TEST)
    {
      if (!(first = make (self->pipeline, "videotestsrc", error)))
        return FALSE;
      g_object_set (first, "is-live", TRUE, NULL);
      /* A media file without video shows black. */
      gst_util_set_object_arg (G_OBJECT (first), "pattern",
                               self->player != NULL ? "black"
                               : parla_call_options_get_test_pattern (self->options));
      last = first;
    }
  else
    {
      GstElement *scale, *rate;

      if (!(first = make (self->pipeline, "videoconvert", error)) ||
          !(scale = make (self->pipeline, "videoscale", error)) ||
          !(rate = make (self->pipeline, "videorate", error)))
        return FALSE;
      g_object_set (rate, "drop-only", TRUE, NULL);
      if (!gst_element_link_many (first, scale, rate, NULL))
        goto link_failed;
      last = rate;
    }

  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, width,
                              "height", G_TYPE_INT, height,
                              "framerate", GST_TYPE_FRACTION, fps, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              NULL);
  filter = make (self->pipeline, "capsfilter", error);
  g_object_set (filter, "caps", caps, NULL);
  self->video_tee = make_tee (self->pipeline);
  if (!gst_element_link_many (last, filter, self->video_tee, NULL))
    goto link_failed;

  self->black = make_black_frame (width, height);
  pad = gst_element_get_static_pad (filter, "src");
  self->video_probe_id = gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER,
                                            on_video_buffer_probe_cb, self, NULL);

  if (self->player == NULL &&
      parla_call_options_get_video_source (self->options) == PARLA_MEDIA_SOURCE_DEVICE)
    return slot_start (slot_new (self, PARLA_DEVICE_KIND_CAMERA, self->pipeline, first,
                                 parla_call_options_get_camera (self->options)),
                       error);

  return TRUE;

link_failed:
  g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                       "Cannot link the video source");
  return FALSE;
}

static gboolean
build_audio (ParlaLocalMedia  *self,
             const char       *probe_name,
             GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  GstElement *filter;
  GstElement *first, *last;
  gboolean device = self->player == NULL &&
                    parla_call_options_get_audio_source (self->options) == PARLA_MEDIA_SOURCE_DEVICE;
  gboolean noise_suppression = parla_call_options_get_noise_suppression (self->options);
  gboolean gain_control = parla_call_options_get_gain_control (self->options);

  caps = gst_caps_new_simple ("audio/x-raw",
                              "format", G_TYPE_STRING, "S16LE",
                              "layout", G_TYPE_STRING, "interleaved",
                              "rate", G_TYPE_INT, 48000,
                              "channels", G_TYPE_INT, 1,
                              NULL);

  if (self->player != NULL && _parla_file_player_has_audio (self->player))
    {
      first = _parla_file_player_get_audio_src (self->player);
      gst_bin_add (self->pipeline, first);
      last = first;
    }
  else if (!device)
    {
      if (!(first = make (self->pipeline, "audiotestsrc", error)))
        return FALSE;
      g_object_set (first,
                    "is-live", TRUE,
                    "freq", parla_call_options_get_test_tone (self->options),
                    "volume", self->player != NULL ? 0.0 : 0.3,   /* a file without audio: silence */
                    "samplesperbuffer", 960,
                    NULL);
      last = first;
    }
  else
    {
      GstElement *resample;

      if (!(first = make (self->pipeline, "audioconvert", error)) ||
          !(resample = make (self->pipeline, "audioresample", error)))
        return FALSE;
      if (!gst_element_link (first, resample))
        goto link_failed;
      last = resample;
    }

  filter = make (self->pipeline, "capsfilter", error);
  g_object_set (filter, "caps", caps, NULL);
  if (!gst_element_link (last, filter))
    goto link_failed;
  last = filter;

  /* A real microphone only: a test tone has no room to echo in. */
  if (device && parla_media_has_element ("webrtcdsp") &&
      (probe_name != NULL || noise_suppression || gain_control))
    {
      GstElement *dsp = make (self->pipeline, "webrtcdsp", error);

      g_object_set (dsp,
                    "echo-cancel", probe_name != NULL,
                    "noise-suppression", noise_suppression,
                    "gain-control", gain_control,
                    NULL);
      if (probe_name != NULL)
        g_object_set (dsp, "probe", probe_name, NULL);
      if (!gst_element_link (last, dsp))
        goto link_failed;
      last = dsp;
    }

  if (!(self->volume = make (self->pipeline, "volume", error)))
    return FALSE;
  self->audio_tee = make_tee (self->pipeline);
  if (!gst_element_link_many (last, self->volume, self->audio_tee, NULL))
    goto link_failed;

  if (device)
    return slot_start (slot_new (self, PARLA_DEVICE_KIND_MICROPHONE, self->pipeline, first,
                                 parla_call_options_get_microphone (self->options)),
                       error);

  return TRUE;

link_failed:
  g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                       "Cannot link the audio source");
  return FALSE;
}

static gboolean
build_output (ParlaLocalMedia  *self,
              const char       *probe_name,
              GError          **error)
{
  g_autoptr(GstPad) sink_pad = NULL;
  GstElement *bin;
  GstElement *convert, *resample;
  GstElement *last;

  if (!(self->mixer = make (self->pipeline, "audiomixer", error)))
    return FALSE;
  gst_util_set_object_arg (G_OBJECT (self->mixer), "start-time-selection", "first");

  bin = gst_bin_new ("parla-audio-output");
  g_object_set (bin, "async-handling", TRUE, NULL);
  gst_bin_add (self->pipeline, bin);

  if (!(convert = make (GST_BIN (bin), "audioconvert", error)) ||
      !(resample = make (GST_BIN (bin), "audioresample", error)))
    return FALSE;
  if (!gst_element_link (convert, resample))
    goto link_failed;
  last = resample;

  /* The probe sees what the speaker plays, in a format webrtcdsp takes;
   * whichever speaker comes after it. */
  if (probe_name != NULL)
    {
      g_autoptr(GstCaps) caps = gst_caps_new_simple ("audio/x-raw",
                                                     "format", G_TYPE_STRING, "S16LE",
                                                     "rate", G_TYPE_INT, 48000,
                                                     NULL);
      GstElement *filter, *probe, *convert2, *resample2;

      if (!(filter = make (GST_BIN (bin), "capsfilter", error)) ||
          !(convert2 = make (GST_BIN (bin), "audioconvert", error)) ||
          !(resample2 = make (GST_BIN (bin), "audioresample", error)))
        return FALSE;
      g_object_set (filter, "caps", caps, NULL);
      probe = gst_element_factory_make ("webrtcechoprobe", probe_name);
      gst_bin_add (GST_BIN (bin), probe);
      if (!gst_element_link_many (last, filter, probe, convert2, resample2, NULL))
        goto link_failed;
      last = resample2;
    }

  sink_pad = gst_element_get_static_pad (convert, "sink");
  gst_element_add_pad (bin, gst_ghost_pad_new ("sink", sink_pad));
  if (!gst_element_link (self->mixer, bin))
    goto link_failed;

  return slot_start (slot_new (self, PARLA_DEVICE_KIND_SPEAKER, GST_BIN (bin), last,
                               parla_call_options_get_speaker (self->options)),
                     error);

link_failed:
  g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                       "Cannot link the audio output");
  return FALSE;
}

/*
 * _parla_local_media_new:
 * @pipeline: the call's pipeline, not yet playing
 * @options: what to capture; the local media keeps it, and updates the
 *   devices and the screen's restore token in it
 * @error: return location for a #GError
 *
 * Adds the capture side to @pipeline.
 */
ParlaLocalMedia *
_parla_local_media_new (GstBin            *pipeline,
                        ParlaCallOptions  *options,
                        GError           **error)
{
  static guint n_probes;
  g_autoptr(ParlaLocalMedia) self = g_new0 (ParlaLocalMedia, 1);
  g_autoptr(GstClock) clock = NULL;
  g_autofree char *probe_name = NULL;
  gboolean device_audio;

  if (parla_local_media_debug == NULL)
    GST_DEBUG_CATEGORY_INIT (parla_local_media_debug, "parla-local-media", 0,
                             "Parla call capture");

  self->pipeline = gst_object_ref (pipeline);
  self->options = parla_call_options_ref (options);
  self->video_enabled = TRUE;
  self->cancellable = g_cancellable_new ();
  self->owner = g_atomic_rc_box_new0 (Owner);
  self->owner->context = g_main_context_ref_thread_default ();
  self->owner->media = self;

  /* Devices come and go; the clock must not go with one of them. */
  clock = gst_system_clock_obtain ();
  gst_pipeline_use_clock (GST_PIPELINE (pipeline), clock);

  if (parla_call_options_get_video_source (options) == PARLA_MEDIA_SOURCE_DEVICE ||
      parla_call_options_get_audio_source (options) == PARLA_MEDIA_SOURCE_DEVICE ||
      parla_call_options_get_audio_output (options) == PARLA_AUDIO_OUTPUT_DEVICE)
    ensure_monitor (self);

  /* A real microphone whose far end plays on the speakers needs echo
   * cancellation; webrtcdsp finds its probe by name, among every probe in
   * the process: each call names its own. */
  device_audio = parla_call_options_get_audio_source (options) == PARLA_MEDIA_SOURCE_DEVICE &&
                 parla_call_options_get_audio_output (options) == PARLA_AUDIO_OUTPUT_DEVICE;
  if (device_audio && parla_call_options_get_echo_cancel (options) &&
      parla_media_has_element ("webrtcdsp") && parla_media_has_element ("webrtcechoprobe"))
    probe_name = g_strdup_printf ("parla-echo-probe-%u", g_atomic_int_add (&n_probes, 1));

  if (parla_call_options_get_audio_output (options) == PARLA_AUDIO_OUTPUT_DEVICE &&
      !build_output (self, probe_name, error))
    return NULL;

  if (parla_call_options_get_media_file (options) != NULL)
    {
      int width, height, fps;
      g_autoptr(GstCaps) video_caps = NULL;
      g_autoptr(GstCaps) audio_caps = NULL;

      parla_call_options_get_video_size (options, &width, &height, &fps);
      video_caps = gst_caps_new_simple ("video/x-raw",
                                        "format", G_TYPE_STRING, "I420",
                                        "width", G_TYPE_INT, width,
                                        "height", G_TYPE_INT, height,
                                        "framerate", GST_TYPE_FRACTION, fps, 1,
                                        "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                                        NULL);
      audio_caps = gst_caps_new_simple ("audio/x-raw",
                                        "format", G_TYPE_STRING, "S16LE",
                                        "layout", G_TYPE_STRING, "interleaved",
                                        "rate", G_TYPE_INT, 48000,
                                        "channels", G_TYPE_INT, 1,
                                        NULL);
      self->player = _parla_file_player_new (parla_call_options_get_media_file (options),
                                             video_caps, audio_caps, error);
      if (self->player == NULL)
        return NULL;
    }

  if ((self->player != NULL ||
       parla_call_options_get_video_source (options) != PARLA_MEDIA_SOURCE_NONE) &&
      !build_video (self, error))
    return NULL;

  if ((self->player != NULL ||
       parla_call_options_get_audio_source (options) != PARLA_MEDIA_SOURCE_NONE) &&
      !build_audio (self, probe_name, error))
    return NULL;

  if (self->player != NULL)
    _parla_file_player_play (self->player);

  return g_steal_pointer (&self);
}

/*
 * _parla_local_media_free:
 *
 * Frees the bookkeeping; the elements go with the pipeline.
 */
void
_parla_local_media_free (ParlaLocalMedia *self)
{
  if (self->video_probe_id != 0 && self->video_tee != NULL)
    {
      g_autoptr(GstPad) tee_sink = gst_element_get_static_pad (self->video_tee, "sink");
      g_autoptr(GstPad) peer = gst_pad_get_peer (tee_sink);

      if (peer != NULL)
        gst_pad_remove_probe (peer, self->video_probe_id);
    }

  g_cancellable_cancel (self->cancellable);
  if (self->owner != NULL)
    self->owner->media = NULL;
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);

  g_clear_pointer (&self->owner, owner_unref);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->monitor);
  for (guint i = 0; i < G_N_ELEMENTS (self->slots); i++)
    g_clear_pointer (&self->slots[i], slot_free);
  clear_screen_portal (self);
  g_clear_pointer (&self->player, _parla_file_player_free);
  g_clear_pointer (&self->black, gst_buffer_unref);
  g_clear_pointer (&self->screen_elements, g_ptr_array_unref);
  g_clear_pointer (&self->options, parla_call_options_unref);
  gst_clear_object (&self->pipeline);
  g_free (self);
}

/*
 * _parla_local_media_set_callbacks:
 * @device_lost: (nullable): called when a device in use went away
 * @screen_ended: (nullable): called when the portal ended the screen share
 */
void
_parla_local_media_set_callbacks (ParlaLocalMedia                *self,
                                  ParlaLocalMediaDeviceLostFunc   device_lost,
                                  ParlaLocalMediaScreenEndedFunc  screen_ended,
                                  gpointer                        user_data)
{
  self->device_lost = device_lost;
  self->screen_ended = screen_ended;
  self->callback_data = user_data;
}

static GstElement *
get_tee (ParlaLocalMedia *self,
         ParlaTrackKind   kind)
{
  switch (kind)
    {
    case PARLA_TRACK_AUDIO:
      return self->audio_tee;
    case PARLA_TRACK_VIDEO:
      return self->video_tee;
    case PARLA_TRACK_SCREEN:
      return self->screen_tee;
    default:
      g_assert_not_reached ();
    }
}

/*
 * _parla_local_media_has:
 *
 * Returns: whether something of @kind is captured
 */
gboolean
_parla_local_media_has (ParlaLocalMedia *self,
                        ParlaTrackKind   kind)
{
  return get_tee (self, kind) != NULL;
}

/* Gives @pad, a source pad of a tee, the tee's segment when it has none.
 * The tee copies the sticky events it has onto a new pad, and forwards a
 * new segment to the pads it has: a pad made while the capture's first
 * segment goes through falls between the two and would push frames with
 * no segment. Returns whether @pad has a segment now. */
static gboolean
adopt_tee_segment (GstPad *pad)
{
  g_autoptr(GstEvent) own = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);
  g_autoptr(GstElement) tee = NULL;
  g_autoptr(GstPad) sink = NULL;
  g_autoptr(GstEvent) segment = NULL;

  if (own != NULL)
    return TRUE;

  tee = gst_pad_get_parent_element (pad);
  if (tee != NULL)
    sink = gst_element_get_static_pad (tee, "sink");
  if (sink != NULL)
    segment = gst_pad_get_sticky_event (sink, GST_EVENT_SEGMENT, 0);
  if (segment == NULL)
    return FALSE;

  gst_pad_store_sticky_event (pad, segment);
  return TRUE;
}

/* On a streaming thread, until the pad has a segment: a frame pushed
 * without one is dropped (once the pad adopted the tee's, the next one
 * goes after it). */
static GstPadProbeReturn
on_tee_pad_buffer_cb (GstPad          *pad,
                      GstPadProbeInfo *info,
                      gpointer         user_data)
{
  g_autoptr(GstEvent) segment = gst_pad_get_sticky_event (pad, GST_EVENT_SEGMENT, 0);

  if (segment != NULL)
    return GST_PAD_PROBE_REMOVE;

  adopt_tee_segment (pad);
  return GST_PAD_PROBE_DROP;
}

/* GStreamer's check for a segment runs before any probe on the pad, so
 * the probe above only keeps such frames from going further: the new pad
 * adopts the tee's segment at once, which leaves the race a window of
 * microseconds rather than until the next frame. */
static GstPad *
request_tee_pad (GstElement *tee)
{
  GstPad *pad = gst_element_request_pad_simple (tee, "src_%u");

  if (pad == NULL)
    return NULL;

  adopt_tee_segment (pad);
  gst_pad_add_probe (pad, GST_PAD_PROBE_TYPE_BUFFER | GST_PAD_PROBE_TYPE_BUFFER_LIST,
                     on_tee_pad_buffer_cb, NULL, NULL);

  return pad;
}

/*
 * _parla_local_media_request_pad:
 *
 * Returns: (transfer full) (nullable): a new source pad of @kind's tee
 */
GstPad *
_parla_local_media_request_pad (ParlaLocalMedia *self,
                                ParlaTrackKind   kind)
{
  GstElement *tee = get_tee (self, kind);

  if (tee == NULL)
    return NULL;

  return request_tee_pad (tee);
}

/*
 * _parla_local_media_request_output_pad:
 *
 * Returns: (transfer full) (nullable): a new input of the audio output's
 *   mixer, or %NULL when remote audio is not played
 */
GstPad *
_parla_local_media_request_output_pad (ParlaLocalMedia *self)
{
  g_autoptr(GstPad) mixer_pad = NULL;
  GstPad *pad;

  if (self->mixer == NULL)
    return NULL;

  /* The decoders live in the participants' bins, the mixer in the
   * pipeline: a pad in neither (a ghost pad without a parent) can be linked
   * from both sides, where linking straight across the bins would be
   * refused as the wrong hierarchy. */
  mixer_pad = gst_element_request_pad_simple (self->mixer, "sink_%u");
  if (mixer_pad == NULL)
    return NULL;
  pad = gst_ghost_pad_new (NULL, mixer_pad);
  gst_object_ref_sink (pad);
  gst_pad_set_active (pad, TRUE);
  g_object_set_data_full (G_OBJECT (pad), "parla-mixer-pad", g_steal_pointer (&mixer_pad),
                          gst_object_unref);

  return pad;
}

/*
 * _parla_local_media_release_pad:
 * @pad: (transfer full): a pad from _parla_local_media_request_pad() or
 *   _parla_local_media_request_output_pad()
 *
 * Unlinks @pad and gives it back to its tee or mixer.
 */
void
_parla_local_media_release_pad (ParlaLocalMedia *self,
                                GstPad          *pad)
{
  g_autoptr(GstElement) owner = gst_pad_get_parent_element (pad);
  g_autoptr(GstPad) peer = gst_pad_get_peer (pad);
  GstPad *mixer_pad = g_object_get_data (G_OBJECT (pad), "parla-mixer-pad");

  if (peer != NULL)
    {
      if (GST_PAD_IS_SRC (pad))
        gst_pad_unlink (pad, peer);
      else
        gst_pad_unlink (peer, pad);
    }

  if (mixer_pad != NULL)
    {
      gst_pad_set_active (pad, FALSE);
      gst_ghost_pad_set_target (GST_GHOST_PAD (pad), NULL);
      gst_element_release_request_pad (self->mixer, mixer_pad);
    }
  else if (owner != NULL)
    gst_element_release_request_pad (owner, pad);
  gst_object_unref (pad);
}

/*
 * _parla_local_media_set_audio_muted:
 *
 * Sends silence instead of the microphone, to every participant.
 */
void
_parla_local_media_set_audio_muted (ParlaLocalMedia *self,
                                    gboolean         muted)
{
  if (self->volume != NULL)
    g_object_set (self->volume, "mute", muted, NULL);
}

/*
 * _parla_local_media_set_video_enabled:
 *
 * Sends black frames instead of the camera when %FALSE.
 */
void
_parla_local_media_set_video_enabled (ParlaLocalMedia *self,
                                      gboolean         enabled)
{
  g_atomic_int_set (&self->video_enabled, !!enabled);
}

/*
 * _parla_local_media_set_device:
 * @id: (nullable): a #ParlaDevice id, or %NULL for the default
 *
 * Switches the camera, microphone or speaker while the call runs: only the
 * device's element is replaced, nothing is renegotiated.
 */
gboolean
_parla_local_media_set_device (ParlaLocalMedia  *self,
                               ParlaDeviceKind   kind,
                               const char       *id,
                               GError          **error)
{
  Slot *slot = kind < G_N_ELEMENTS (self->slots) ? self->slots[kind] : NULL;
  GstElement *element;
  SlotMode mode;
  char *device_id;

  if (slot == NULL)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                   "The call uses no %s device", kind < G_N_ELEMENTS (kind_names) ? kind_names[kind] : "such");
      return FALSE;
    }

  if (id != NULL && parla_device_monitor_get_device (self->monitor, kind, id) == NULL)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_ARGUMENT,
                   "No %s “%s”", kind_names[kind], id);
      return FALSE;
    }

  g_free (slot->wanted_id);
  slot->wanted_id = g_strdup (id);
  if (kind == PARLA_DEVICE_KIND_CAMERA)
    parla_call_options_set_camera (self->options, id);
  else if (kind == PARLA_DEVICE_KIND_MICROPHONE)
    parla_call_options_set_microphone (self->options, id);
  else
    parla_call_options_set_speaker (self->options, id);

  if (id != NULL && slot->mode == SLOT_DEVICE && g_strcmp0 (slot->device_id, id) == 0)
    return TRUE;

  element = choose_element (slot, id, NULL, TRUE, &mode, &device_id);
  if (element == NULL)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                   "Cannot open the %s", kind_names[kind]);
      return FALSE;
    }

  slot->lost = FALSE;
  if (!slot_set_element (slot, element, mode, device_id))
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                   "Cannot link the %s", kind_names[kind]);
      return FALSE;
    }

  return TRUE;
}

/*
 * _parla_local_media_dup_device_id:
 *
 * Returns: (transfer full) (nullable): the id of the #ParlaDevice in use,
 *   or %NULL (test source, portal camera, auto element, placeholder)
 */
char *
_parla_local_media_dup_device_id (ParlaLocalMedia *self,
                                  ParlaDeviceKind  kind)
{
  Slot *slot = kind < G_N_ELEMENTS (self->slots) ? self->slots[kind] : NULL;

  return slot != NULL ? g_strdup (slot->device_id) : NULL;
}

/* Screen */

/* Starts capturing the screen into its own tee, in the playing pipeline:
 *
 *   ximagesrc|pipewiresrc|videotestsrc ! convert ! scale ! rate ! I420 WxH@F ! tee
 *
 * The caps say content-hint=detail (or motion): see
 * parla_call_options_set_screen_prefers_detail(). */
static gboolean
build_screen (ParlaLocalMedia  *self,
              GstElement       *source,
              GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  GstElement *convert, *scale, *rate, *filter;
  int width, height, fps;

  parla_call_options_get_screen_size (self->options, &width, &height, &fps);

  /* Its failures end the share, not the call. */
  source = device_bin_new (self->owner, NULL, source);
  self->screen_elements = g_ptr_array_new_with_free_func (gst_object_unref);
  convert = gst_element_factory_make ("videoconvert", NULL);
  scale = gst_element_factory_make ("videoscale", NULL);
  rate = gst_element_factory_make ("videorate", NULL);
  filter = gst_element_factory_make ("capsfilter", NULL);
  self->screen_tee = gst_element_factory_make ("tee", NULL);
  g_object_set (self->screen_tee, "allow-not-linked", TRUE, NULL);
  /* Scaled down before the encoders: cheaper than encoding 4K. */
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "I420",
                              "width", G_TYPE_INT, width,
                              "height", G_TYPE_INT, height,
                              "framerate", GST_TYPE_FRACTION, fps, 1,
                              "pixel-aspect-ratio", GST_TYPE_FRACTION, 1, 1,
                              "content-hint", G_TYPE_STRING,
                              parla_call_options_get_screen_prefers_detail (self->options)
                              ? "detail" : "motion",
                              NULL);
  g_object_set (filter, "caps", caps, NULL);

  for (GstElement **e = (GstElement *[]) { source, convert, scale, rate, filter, self->screen_tee, NULL };
       *e != NULL; e++)
    {
      gst_bin_add (self->pipeline, *e);
      g_ptr_array_add (self->screen_elements, gst_object_ref (*e));
    }

  if (!gst_element_link_many (source, convert, scale, rate, filter, self->screen_tee, NULL))
    {
      _parla_local_media_stop_screen (self);
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                           "Cannot link the screen capture");
      return FALSE;
    }

  /* Downstream first, so that nothing is pushed into a stopped element.
   * The source too, here: pipewiresrc negotiates with PipeWire as it
   * starts, and would negotiate again if the encoders came first. */
  for (guint i = self->screen_elements->len; i > 0; i--)
    gst_element_sync_state_with_parent (g_ptr_array_index (self->screen_elements, i - 1));

  return TRUE;
}

static GstElement *
make_screen_source (ParlaLocalMedia  *self,
                    GError          **error)
{
  GstElement *source;

  switch (parla_call_options_get_screen_source (self->options))
    {
    case PARLA_MEDIA_SOURCE_TEST:
      source = gst_element_factory_make ("videotestsrc", NULL);
      g_object_set (source, "is-live", TRUE, "foreground-color", 0xff20c020, NULL);
      gst_util_set_object_arg (G_OBJECT (source), "pattern", "solid-color");
      return source;

    case PARLA_MEDIA_SOURCE_DEVICE:
      if (g_getenv ("DISPLAY") == NULL || !parla_media_has_element ("ximagesrc"))
        {
          g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                               "Screen sharing needs X11 (ximagesrc) or the ScreenCast portal");
          return NULL;
        }
      source = gst_element_factory_make ("ximagesrc", NULL);
      g_object_set (source, "use-damage", FALSE, "show-pointer", TRUE, NULL);
      return source;

    case PARLA_MEDIA_SOURCE_NONE:
    default:
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                           "Screen sharing is off in the options");
      return NULL;
    }
}

/*
 * _parla_local_media_start_screen:
 *
 * Shares the X11 screen (ximagesrc) or the test picture, at once.
 */
gboolean
_parla_local_media_start_screen (ParlaLocalMedia  *self,
                                 GError          **error)
{
  GstElement *source;

  if (self->screen_tee != NULL)
    return TRUE;

  if (self->screen_pending)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                           "The screen share is being started");
      return FALSE;
    }

  if (!(source = make_screen_source (self, error)))
    return FALSE;

  return build_screen (self, source, error);
}

typedef struct
{
  Owner *owner;
} ScreenData;

static void
screen_data_free (ScreenData *data)
{
  owner_unref (data->owner);
  g_free (data);
}

static gboolean
on_screen_ended_cb (gpointer user_data)
{
  Owner *owner = user_data;
  ParlaLocalMedia *self = owner->media;

  if (self != NULL && self->screen_portal != NULL && self->screen_ended != NULL)
    self->screen_ended (self->callback_data);

  return G_SOURCE_REMOVE;
}

/* Not handled in the emission: the handler frees the session. */
static void
on_portal_session_closed_cb (GObject  *session,
                             gpointer  user_data)
{
  ParlaLocalMedia *self = user_data;

  GST_INFO ("screencast portal: the session was closed");
  defer (self->owner, on_screen_ended_cb, owner_ref (self->owner), (GDestroyNotify) owner_unref);
}

static void
clear_screen_portal (ParlaLocalMedia *self)
{
  if (self->screen_portal == NULL)
    return;

  g_signal_handlers_disconnect_by_data (self->screen_portal->session, self);
  g_clear_pointer (&self->screen_portal, _parla_portal_screen_free);
}

static void
on_screen_portal_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GTask) task = user_data;
  g_autoptr(ParlaPortalScreen) screen = NULL;
  g_autoptr(GError) error = NULL;
  ScreenData *data = g_task_get_task_data (task);
  ParlaLocalMedia *self = data->owner->media;
  g_autofree char *path = NULL;
  GstElement *pipewiresrc;

  screen = _parla_portal_open_screen_finish (result, &error);
  if (self == NULL)
    {
      g_task_return_new_error (task, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                               "The call ended");
      return;
    }
  self->screen_pending = FALSE;

  if (screen == NULL && _parla_portal_error_is_absent (error))
    {
      GST_INFO ("no screencast portal (%s): sharing directly", error->message);
      g_clear_error (&error);
      if (!_parla_local_media_start_screen (self, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  if (screen == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
          g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PERMISSION_DENIED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_DEVICE,
                                 "The ScreenCast portal failed: %s", error->message);
      return;
    }

  /* Shared meanwhile through the synchronous call. */
  if (self->screen_tee != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (screen->restore_token != NULL)
    parla_call_options_set_screen_restore_token (self->options, screen->restore_token);

  path = g_strdup_printf ("%u", screen->node_id);
  pipewiresrc = make_pipewiresrc (_parla_portal_screen_steal_fd (screen), path);
  if (pipewiresrc == NULL)
    {
      g_task_return_new_error (task, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                               "Missing GStreamer element pipewiresrc");
      return;
    }
  /* PipeWire sends a screen only when it changes: the last frame is sent
   * again every second, so that a still slide does not look like a dead
   * track. */
  g_object_set (pipewiresrc, "keepalive-time", 1000, NULL);

  if (!build_screen (self, pipewiresrc, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  g_signal_connect (screen->session, "closed", G_CALLBACK (on_portal_session_closed_cb), self);
  self->screen_portal = g_steal_pointer (&screen);
  g_task_return_boolean (task, TRUE);
}

/*
 * _parla_local_media_start_screen_async:
 *
 * Shares the screen or window picked through the ScreenCast portal (with
 * the options' restore token, and keeping the new one in the options), or,
 * without a portal, as _parla_local_media_start_screen() does.
 */
void
_parla_local_media_start_screen_async (ParlaLocalMedia     *self,
                                       GCancellable        *cancellable,
                                       GAsyncReadyCallback  callback,
                                       gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  ScreenData *data;

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, _parla_local_media_start_screen_async);

  if (self->screen_tee != NULL)
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  if (parla_call_options_get_screen_source (self->options) != PARLA_MEDIA_SOURCE_DEVICE ||
      !parla_call_options_get_use_portals (self->options) ||
      !parla_media_has_element ("pipewiresrc"))
    {
      if (!_parla_local_media_start_screen (self, &error))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_boolean (task, TRUE);
      return;
    }

  if (self->screen_pending)
    {
      g_task_return_new_error (task, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                               "The screen share is being started");
      return;
    }

  self->screen_pending = TRUE;
  data = g_new0 (ScreenData, 1);
  data->owner = owner_ref (self->owner);
  g_task_set_task_data (task, data, (GDestroyNotify) screen_data_free);
  /* The dialog is not closed when the caller gives up, only when the call
   * ends: the caller's cancellable cancels the task only. */
  _parla_portal_open_screen_async (parla_call_options_get_screen_restore_token (self->options),
                                   self->cancellable, on_screen_portal_cb, g_steal_pointer (&task));
}

gboolean
_parla_local_media_start_screen_finish (GAsyncResult  *result,
                                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}

/*
 * _parla_local_media_stop_screen:
 *
 * Stops and removes the screen capture, and ends the portal's session;
 * the participants' encoders must be off its tee already.
 */
void
_parla_local_media_stop_screen (ParlaLocalMedia *self)
{
  clear_screen_portal (self);

  if (self->screen_elements == NULL)
    return;

  for (guint i = 0; i < self->screen_elements->len; i++)
    {
      GstElement *element = g_ptr_array_index (self->screen_elements, i);

      gst_element_set_state (element, GST_STATE_NULL);
      gst_bin_remove (self->pipeline, element);
    }

  g_clear_pointer (&self->screen_elements, g_ptr_array_unref);
  self->screen_tee = NULL;
}

/* The self-view: while the camera is off the tee carries the shared black
 * frame, which the self-view drops rather than shows. */
static GstPadProbeReturn
on_self_view_buffer_probe_cb (GstPad          *pad,
                              GstPadProbeInfo *info,
                              gpointer         user_data)
{
  ParlaLocalMedia *self = user_data;
  GstBuffer *buffer = GST_PAD_PROBE_INFO_BUFFER (info);

  if (gst_buffer_n_memory (buffer) > 0 &&
      gst_buffer_peek_memory (buffer, 0) == gst_buffer_peek_memory (self->black, 0))
    return GST_PAD_PROBE_DROP;

  return GST_PAD_PROBE_OK;
}

/*
 * _parla_local_media_add_self_view:
 *
 * Hangs a branch off the video tee, once:
 *
 *   tee ! queue (leaky) ! convert ! scale ! RGBA, at most 640 wide ! appsink
 *
 * The queue drops old frames rather than hold the tee back, so a slow
 * renderer never slows down what is sent; no frames arrive while the camera
 * is off.
 *
 * Returns: (transfer none) (nullable): the self-view's appsink, or %NULL
 *   with @error set when there is no video capture
 */
GstElement *
_parla_local_media_add_self_view (ParlaLocalMedia  *self,
                                  GError          **error)
{
  g_autoptr(GstCaps) caps = NULL;
  g_autoptr(GstPad) tee_pad = NULL;
  g_autoptr(GstPad) queue_pad = NULL;
  GstElement *elements[5];
  int width, height, fps;

  if (self->self_view != NULL)
    return self->self_view;

  if (self->video_tee == NULL)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE,
                           "No camera or test source is captured");
      return NULL;
    }

  parla_call_options_get_video_size (self->options, &width, &height, &fps);
  if (width > 640)
    {
      height = MAX (2, (height * 640 / width) & ~1);
      width = 640;
    }
  caps = gst_caps_new_simple ("video/x-raw",
                              "format", G_TYPE_STRING, "RGBA",
                              "width", G_TYPE_INT, width,
                              "height", G_TYPE_INT, height,
                              NULL);

  if (!(elements[0] = make (self->pipeline, "queue", error)) ||
      !(elements[1] = make (self->pipeline, "videoconvert", error)) ||
      !(elements[2] = make (self->pipeline, "videoscale", error)) ||
      !(elements[3] = make (self->pipeline, "capsfilter", error)) ||
      !(elements[4] = make (self->pipeline, "appsink", error)))
    return NULL;

  gst_util_set_object_arg (G_OBJECT (elements[0]), "leaky", "downstream");
  g_object_set (elements[0], "max-size-buffers", 2, "max-size-bytes", 0,
                "max-size-time", (guint64) 0, NULL);
  g_object_set (elements[3], "caps", caps, NULL);
  g_object_set (elements[4], "sync", FALSE, "async", FALSE, "max-buffers", 1, "drop", TRUE,
                "enable-last-sample", FALSE, NULL);

  if (!gst_element_link_many (elements[0], elements[1], elements[2], elements[3], elements[4],
                              NULL))
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_PIPELINE,
                           "Cannot link the self-view");
      return NULL;
    }

  queue_pad = gst_element_get_static_pad (elements[0], "sink");
  gst_pad_add_probe (queue_pad, GST_PAD_PROBE_TYPE_BUFFER, on_self_view_buffer_probe_cb,
                     self, NULL);

  for (int i = G_N_ELEMENTS (elements) - 1; i >= 0; i--)
    gst_element_sync_state_with_parent (elements[i]);

  tee_pad = request_tee_pad (self->video_tee);
  if (gst_pad_link (tee_pad, queue_pad) != GST_PAD_LINK_OK)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_PIPELINE,
                           "Cannot link the self-view");
      return NULL;
    }

  self->self_view = elements[4];

  return self->self_view;
}
