/* parla-media-init.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-media-init.h"

#include <malloc.h>

#include <gst/gst.h>

G_DEFINE_QUARK (parla-media-error-quark, parla_media_error)

/* Every call needs these; the optional ones (openh264, webrtcdsp, devices)
 * are looked up where they are used. */
static const char * const required_elements[] = {
  "webrtcbin", "nicesrc", "nicesink", "dtlssrtpenc", "dtlssrtpdec", "srtpenc", "srtpdec",
  "sctpenc", "sctpdec", "rtpbin",
  "vp8enc", "vp8dec", "rtpvp8pay", "rtpvp8depay",
  "opusenc", "opusdec", "rtpopuspay", "rtpopusdepay",
  "videotestsrc", "audiotestsrc", "videoconvert", "videoscale", "videorate",
  "audioconvert", "audioresample", "audiomixer", "volume", "tee", "queue", "capsfilter",
  "appsink",
  NULL
};

/**
 * parla_media_has_element:
 * @name: a GStreamer element factory name
 *
 * Returns: whether the element is installed
 */
gboolean
parla_media_has_element (const char *name)
{
  g_autoptr(GstElementFactory) factory = NULL;

  g_return_val_if_fail (name != NULL, FALSE);

  factory = gst_element_factory_find (name);

  return factory != NULL;
}

/**
 * parla_media_check_plugins:
 * @error: return location for a #GError
 *
 * Initialises GStreamer if needed and checks that every element a call
 * needs is installed. The error names the missing ones.
 *
 * Returns: %TRUE if they are
 */
gboolean
parla_media_check_plugins (GError **error)
{
  g_autoptr(GPtrArray) missing = g_ptr_array_new ();

  if (!gst_init_check (NULL, NULL, error))
    return FALSE;

  for (guint i = 0; required_elements[i] != NULL; i++)
    if (!parla_media_has_element (required_elements[i]))
      g_ptr_array_add (missing, (gpointer) required_elements[i]);

  if (missing->len > 0)
    {
      g_autofree char *names = NULL;

      g_ptr_array_add (missing, NULL);
      names = g_strjoinv (", ", (char **) missing->pdata);
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_MISSING_PLUGIN,
                   "Missing GStreamer elements: %s", names);
      return FALSE;
    }

  return TRUE;
}

/**
 * parla_media_limit_arenas:
 *
 * Tunes glibc's malloc for a call's memory. A call runs two dozen
 * threads (capture, one encoder per participant, webrtcbin's, libnice's,
 * the decoders'); by default each may get an arena of its own, up to
 * eight per core, and freed memory stays in the arena that held it: RSS
 * crept from 37 to 90 MB over 30 calls in one process. Two arenas at
 * most. And glibc raises its mmap threshold up to 32 MB once a large
 * block is freed, after which video frames (1.4 MB at 720p, 3.7 MB in
 * RGBA) come from the arenas and stay there: a fixed 128 KiB threshold
 * keeps them in mappings of their own, given back when freed. Call it
 * first thing in main() of every executable that makes calls (before
 * threads start); parla_media_init_async() calls it too. Idempotent;
 * MALLOC_ARENA_MAX or MALLOC_MMAP_THRESHOLD_ in the environment win.
 */
void
parla_media_limit_arenas (void)
{
  if (g_getenv ("MALLOC_ARENA_MAX") == NULL)
    mallopt (M_ARENA_MAX, 2);
  if (g_getenv ("MALLOC_MMAP_THRESHOLD_") == NULL)
    mallopt (M_MMAP_THRESHOLD, 128 * 1024);
}

static void
warm_up_thread (GTask        *task,
                gpointer      source_object,
                gpointer      task_data,
                GCancellable *cancellable)
{
  static const char * const warm[] = { "dtlsdec", "webrtcbin", "vp8enc", "vp8dec", "opusenc", "opusdec" };
  GError *error = NULL;

  if (!parla_media_check_plugins (&error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* The first dtlsdec generates the process's DTLS certificate (RSA, 80 to
   * 300 ms), which otherwise blocks the first create-offer or
   * set-remote-description. The others load their plugins. */
  for (guint i = 0; i < G_N_ELEMENTS (warm); i++)
    {
      g_autoptr(GstElement) element = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;

      element = gst_element_factory_make (warm[i], NULL);
      if (element != NULL)
        gst_object_ref_sink (element);
    }

  g_task_return_boolean (task, TRUE);
}

/**
 * parla_media_init_async:
 * @cancellable: (nullable): a #GCancellable
 * @callback: called when done
 * @user_data: data for @callback
 *
 * Initialises GStreamer, checks the plugins and, off the main thread,
 * creates the DTLS certificate every call of the process uses and loads
 * the codecs, so that the first call starts about 250 ms sooner; also
 * caps malloc's arenas (parla_media_limit_arenas()). Call it at start-up.
 */
void
parla_media_init_async (GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (!cancellable || G_IS_CANCELLABLE (cancellable));

  parla_media_limit_arenas ();

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, parla_media_init_async);
  g_task_run_in_thread (task, warm_up_thread);
}

/**
 * parla_media_init_finish:
 * @result: the result
 * @error: return location for a #GError
 *
 * Returns: %TRUE when calls can be made
 */
gboolean
parla_media_init_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);

  return g_task_propagate_boolean (G_TASK (result), error);
}
