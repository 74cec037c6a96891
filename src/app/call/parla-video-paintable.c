/* parla-video-paintable.c: a GdkPaintable showing decoded video frames
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <gst/video/video.h>

#include "parla-video-paintable.h"

/**
 * ParlaVideoPaintable:
 *
 * Shows the frames of a #ParlaRemoteTrack (or whatever is pushed with
 * parla_video_paintable_push_sample()): RGBA, RGBx or BGRA system-memory
 * frames become #GdkMemoryTexture<!-- -->s that wrap the mapped buffer
 * itself (the buffer stays mapped and referenced as long as the texture
 * lives), so the only copy is the one GSK makes when it uploads or draws
 * the texture.
 *
 * #ParlaRemoteTrack::new-sample comes on a streaming thread: the newest
 * sample is kept and handed to the main context by one idle source at a
 * time, so a slow main loop drops frames instead of queueing them.
 *
 * The intrinsic size is the frame's (with its pixel aspect ratio), so a
 * #GtkPicture keeps the aspect ratio; the size is invalidated when it
 * changes.
 */

/* What the streaming thread shares with the main context; it outlives
 * the paintable as long as a handler or an idle source holds it. */
typedef struct
{
  gatomicrefcount  ref;
  GMutex           lock;
  GstSample       *pending;      /* the newest frame not shown yet */
  gboolean         scheduled;    /* an idle source will take it */
  GMainContext    *context;
  GWeakRef         paintable;
} Feed;

struct _ParlaVideoPaintable
{
  GObject           parent_instance;

  ParlaRemoteTrack *track;
  Feed             *feed;
  gulong            handler_id;

  GdkTexture       *texture;
  int               width;       /* intrinsic, with the pixel aspect ratio */
  int               height;
  guint64           n_frames;
};

static void parla_video_paintable_paintable_init (GdkPaintableInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaVideoPaintable, parla_video_paintable, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (GDK_TYPE_PAINTABLE,
                                                      parla_video_paintable_paintable_init))

enum {
  PROP_0,
  PROP_N_FRAMES,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static Feed *
feed_new (ParlaVideoPaintable *paintable)
{
  Feed *feed = g_new0 (Feed, 1);

  g_atomic_ref_count_init (&feed->ref);
  g_mutex_init (&feed->lock);
  feed->context = g_main_context_ref_thread_default ();
  g_weak_ref_init (&feed->paintable, paintable);

  return feed;
}

static Feed *
feed_ref (Feed *feed)
{
  g_atomic_ref_count_inc (&feed->ref);
  return feed;
}

static void
feed_unref (gpointer data)
{
  Feed *feed = data;

  if (!g_atomic_ref_count_dec (&feed->ref))
    return;

  g_clear_pointer (&feed->pending, gst_sample_unref);
  g_weak_ref_clear (&feed->paintable);
  g_main_context_unref (feed->context);
  g_mutex_clear (&feed->lock);
  g_free (feed);
}

static void
feed_closure_notify (gpointer  data,
                     GClosure *closure)
{
  feed_unref (data);
}

/* Main context: show the newest frame. */
static gboolean
feed_deliver_cb (gpointer user_data)
{
  Feed *feed = user_data;
  g_autoptr(GstSample) sample = NULL;
  g_autoptr(ParlaVideoPaintable) self = NULL;

  g_mutex_lock (&feed->lock);
  sample = g_steal_pointer (&feed->pending);
  feed->scheduled = FALSE;
  g_mutex_unlock (&feed->lock);

  self = g_weak_ref_get (&feed->paintable);
  if (self != NULL && sample != NULL && self->feed == feed)
    parla_video_paintable_push_sample (self, sample);

  return G_SOURCE_REMOVE;
}

/* Streaming thread: keep the newest frame, wake the main context once. */
static void
on_new_sample_cb (ParlaRemoteTrack *track,
                  GstSample        *sample,
                  gpointer          user_data)
{
  Feed *feed = user_data;
  gboolean schedule;

  g_mutex_lock (&feed->lock);
  g_clear_pointer (&feed->pending, gst_sample_unref);
  feed->pending = gst_sample_ref (sample);
  schedule = !feed->scheduled;
  feed->scheduled = TRUE;
  g_mutex_unlock (&feed->lock);

  if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();

      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, feed_deliver_cb, feed_ref (feed), feed_unref);
      g_source_set_static_name (source, "[parla] video frame");
      g_source_attach (source, feed->context);
    }
}

static void
disconnect_track (ParlaVideoPaintable *self)
{
  if (self->track != NULL && self->handler_id != 0)
    g_signal_handler_disconnect (self->track, self->handler_id);
  self->handler_id = 0;
  g_clear_object (&self->track);
  g_clear_pointer (&self->feed, feed_unref);
}

static void
parla_video_paintable_dispose (GObject *object)
{
  ParlaVideoPaintable *self = (ParlaVideoPaintable *)object;

  disconnect_track (self);
  g_clear_object (&self->texture);

  G_OBJECT_CLASS (parla_video_paintable_parent_class)->dispose (object);
}

static void
parla_video_paintable_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ParlaVideoPaintable *self = PARLA_VIDEO_PAINTABLE (object);

  switch (prop_id)
    {
    case PROP_N_FRAMES:
      g_value_set_uint64 (value, self->n_frames);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_video_paintable_class_init (ParlaVideoPaintableClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_video_paintable_dispose;
  object_class->get_property = parla_video_paintable_get_property;

  /**
   * ParlaVideoPaintable:n-frames:
   *
   * How many frames were shown; notified for the first one only, so that
   * a tile can tell when video starts without a notification per frame.
   */
  properties[PROP_N_FRAMES] =
    g_param_spec_uint64 ("n-frames", NULL, NULL,
                         0, G_MAXUINT64, 0,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_video_paintable_init (ParlaVideoPaintable *self)
{
}

static void
parla_video_paintable_snapshot (GdkPaintable *paintable,
                                GdkSnapshot  *snapshot,
                                double        width,
                                double        height)
{
  ParlaVideoPaintable *self = PARLA_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    gdk_paintable_snapshot (GDK_PAINTABLE (self->texture), snapshot, width, height);
}

static GdkPaintable *
parla_video_paintable_get_current_image (GdkPaintable *paintable)
{
  ParlaVideoPaintable *self = PARLA_VIDEO_PAINTABLE (paintable);

  if (self->texture != NULL)
    return GDK_PAINTABLE (g_object_ref (self->texture));

  return gdk_paintable_new_empty (self->width, self->height);
}

static int
parla_video_paintable_get_intrinsic_width (GdkPaintable *paintable)
{
  return PARLA_VIDEO_PAINTABLE (paintable)->width;
}

static int
parla_video_paintable_get_intrinsic_height (GdkPaintable *paintable)
{
  return PARLA_VIDEO_PAINTABLE (paintable)->height;
}

static double
parla_video_paintable_get_intrinsic_aspect_ratio (GdkPaintable *paintable)
{
  ParlaVideoPaintable *self = PARLA_VIDEO_PAINTABLE (paintable);

  if (self->width <= 0 || self->height <= 0)
    return 0.0;

  return (double) self->width / (double) self->height;
}

static void
parla_video_paintable_paintable_init (GdkPaintableInterface *iface)
{
  iface->snapshot = parla_video_paintable_snapshot;
  iface->get_current_image = parla_video_paintable_get_current_image;
  iface->get_intrinsic_width = parla_video_paintable_get_intrinsic_width;
  iface->get_intrinsic_height = parla_video_paintable_get_intrinsic_height;
  iface->get_intrinsic_aspect_ratio = parla_video_paintable_get_intrinsic_aspect_ratio;
}

/**
 * parla_video_paintable_new:
 *
 * Returns: (transfer full): an empty paintable
 */
ParlaVideoPaintable *
parla_video_paintable_new (void)
{
  return g_object_new (PARLA_TYPE_VIDEO_PAINTABLE, NULL);
}

/**
 * parla_video_paintable_set_track:
 * @self: a #ParlaVideoPaintable
 * @track: (nullable): a video or screen track, or %NULL to stop
 *
 * Shows the frames of @track from now on. The last frame stays until the
 * next one (or parla_video_paintable_clear()).
 */
void
parla_video_paintable_set_track (ParlaVideoPaintable *self,
                                 ParlaRemoteTrack    *track)
{
  g_return_if_fail (PARLA_IS_VIDEO_PAINTABLE (self));
  g_return_if_fail (track == NULL || PARLA_IS_REMOTE_TRACK (track));

  if (self->track == track)
    return;

  disconnect_track (self);
  if (track == NULL)
    return;

  self->track = g_object_ref (track);
  self->feed = feed_new (self);
  self->handler_id = g_signal_connect_data (track, "new-sample", G_CALLBACK (on_new_sample_cb),
                                            feed_ref (self->feed), feed_closure_notify, 0);
}

/**
 * parla_video_paintable_get_track:
 * @self: a #ParlaVideoPaintable
 *
 * Returns: (transfer none) (nullable): the track shown
 */
ParlaRemoteTrack *
parla_video_paintable_get_track (ParlaVideoPaintable *self)
{
  g_return_val_if_fail (PARLA_IS_VIDEO_PAINTABLE (self), NULL);

  return self->track;
}

typedef struct
{
  GstBuffer  *buffer;
  GstMapInfo  map;
} MappedBuffer;

static void
mapped_buffer_free (gpointer data)
{
  MappedBuffer *mapped = data;

  gst_buffer_unmap (mapped->buffer, &mapped->map);
  gst_buffer_unref (mapped->buffer);
  g_free (mapped);
}

static gboolean
memory_format_for (GstVideoFormat   format,
                   GdkMemoryFormat *out_format)
{
  switch (format)
    {
    case GST_VIDEO_FORMAT_RGBA:
      *out_format = GDK_MEMORY_R8G8B8A8;
      return TRUE;
    case GST_VIDEO_FORMAT_BGRA:
      *out_format = GDK_MEMORY_B8G8R8A8;
      return TRUE;
    case GST_VIDEO_FORMAT_ARGB:
      *out_format = GDK_MEMORY_A8R8G8B8;
      return TRUE;
    case GST_VIDEO_FORMAT_RGB:
      *out_format = GDK_MEMORY_R8G8B8;
      return TRUE;
    case GST_VIDEO_FORMAT_BGR:
      *out_format = GDK_MEMORY_B8G8R8;
      return TRUE;
    case GST_VIDEO_FORMAT_RGBx:
      /* The padding byte is not alpha: GTK 4.8 has no R8G8B8X8, and
       * decoders and videoconvert fill it with 0xff. */
      *out_format = GDK_MEMORY_R8G8B8A8;
      return TRUE;
    case GST_VIDEO_FORMAT_BGRx:
      *out_format = GDK_MEMORY_B8G8R8A8;
      return TRUE;
    default:
      return FALSE;
    }
}

/**
 * parla_video_paintable_push_sample:
 * @self: a #ParlaVideoPaintable
 * @sample: an RGBA (or RGBx, BGRA, RGB) video frame in system memory
 *
 * Shows @sample, on the main context. Frames in other formats are
 * ignored with a warning.
 */
void
parla_video_paintable_push_sample (ParlaVideoPaintable *self,
                                   GstSample           *sample)
{
  GstCaps *caps;
  GstBuffer *buffer;
  GstVideoInfo info;
  GstVideoMeta *meta;
  GdkMemoryFormat format;
  MappedBuffer *mapped;
  g_autoptr(GBytes) bytes = NULL;
  gsize offset, stride, size;
  int width, height;
  gboolean size_changed;

  g_return_if_fail (PARLA_IS_VIDEO_PAINTABLE (self));
  g_return_if_fail (sample != NULL);

  caps = gst_sample_get_caps (sample);
  buffer = gst_sample_get_buffer (sample);
  if (caps == NULL || buffer == NULL || !gst_video_info_from_caps (&info, caps))
    return;

  if (!memory_format_for (GST_VIDEO_INFO_FORMAT (&info), &format))
    {
      g_warning ("Cannot show %s video frames", gst_video_format_to_string (GST_VIDEO_INFO_FORMAT (&info)));
      return;
    }

  offset = GST_VIDEO_INFO_PLANE_OFFSET (&info, 0);
  stride = (gsize) GST_VIDEO_INFO_PLANE_STRIDE (&info, 0);
  meta = gst_buffer_get_video_meta (buffer);
  if (meta != NULL)
    {
      offset = meta->offset[0];
      stride = (gsize) meta->stride[0];
    }

  mapped = g_new0 (MappedBuffer, 1);
  if (!gst_buffer_map (buffer, &mapped->map, GST_MAP_READ))
    {
      g_free (mapped);
      return;
    }
  mapped->buffer = gst_buffer_ref (buffer);

  size = stride * (gsize) (GST_VIDEO_INFO_HEIGHT (&info) - 1) +
         (gsize) GST_VIDEO_INFO_WIDTH (&info) * (gsize) GST_VIDEO_INFO_COMP_PSTRIDE (&info, 0);
  if (offset + size > mapped->map.size)
    {
      mapped_buffer_free (mapped);
      return;
    }

  /* No copy: the texture reads the mapped buffer, which stays mapped
   * until the texture lets go of these bytes. */
  bytes = g_bytes_new_with_free_func (mapped->map.data + offset, size, mapped_buffer_free, mapped);

  g_clear_object (&self->texture);
  self->texture = gdk_memory_texture_new (GST_VIDEO_INFO_WIDTH (&info),
                                          GST_VIDEO_INFO_HEIGHT (&info),
                                          format, bytes, stride);

  width = GST_VIDEO_INFO_WIDTH (&info);
  height = GST_VIDEO_INFO_HEIGHT (&info);
  if (GST_VIDEO_INFO_PAR_N (&info) > 0 && GST_VIDEO_INFO_PAR_D (&info) > 0 &&
      GST_VIDEO_INFO_PAR_N (&info) != GST_VIDEO_INFO_PAR_D (&info))
    width = (int) gst_util_uint64_scale_int (width, GST_VIDEO_INFO_PAR_N (&info), GST_VIDEO_INFO_PAR_D (&info));

  size_changed = width != self->width || height != self->height;
  self->width = width;
  self->height = height;

  self->n_frames++;
  if (size_changed)
    gdk_paintable_invalidate_size (GDK_PAINTABLE (self));
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
  if (self->n_frames == 1)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_FRAMES]);
}

/**
 * parla_video_paintable_clear:
 * @self: a #ParlaVideoPaintable
 *
 * Forgets the last frame: nothing is drawn until the next one.
 */
void
parla_video_paintable_clear (ParlaVideoPaintable *self)
{
  g_return_if_fail (PARLA_IS_VIDEO_PAINTABLE (self));

  if (self->texture == NULL)
    return;

  g_clear_object (&self->texture);
  gdk_paintable_invalidate_contents (GDK_PAINTABLE (self));
}

/**
 * parla_video_paintable_get_texture:
 * @self: a #ParlaVideoPaintable
 *
 * Returns: (transfer none) (nullable): the frame shown now
 */
GdkTexture *
parla_video_paintable_get_texture (ParlaVideoPaintable *self)
{
  g_return_val_if_fail (PARLA_IS_VIDEO_PAINTABLE (self), NULL);

  return self->texture;
}

/**
 * parla_video_paintable_get_n_frames:
 * @self: a #ParlaVideoPaintable
 *
 * Returns: how many frames were shown
 */
guint64
parla_video_paintable_get_n_frames (ParlaVideoPaintable *self)
{
  g_return_val_if_fail (PARLA_IS_VIDEO_PAINTABLE (self), 0);

  return self->n_frames;
}
