/* parla-sdp.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-sdp-private.h"

#include <string.h>

#include "parla-media-types.h"

/* webrtcbin 1.22 validates remote SDP, but a few inputs reach g_assert()s
 * inside it and abort the process: a session with two ice-ufrag lines, a
 * renegotiation that reorders or drops m-lines (mids compared with the last
 * answer), an answer that does not match the offer's m-lines. Remote SDP
 * is checked here first. */

#define MAX_MID_LENGTH 32

static guint
count_attribute (const GstSDPMessage *sdp,
                 const char          *key)
{
  guint n = 0;

  for (guint i = 0; i < gst_sdp_message_attributes_len (sdp); i++)
    if (g_strcmp0 (gst_sdp_message_get_attribute (sdp, i)->key, key) == 0)
      n++;

  return n;
}

static guint
count_media_attribute (const GstSDPMedia *media,
                       const char        *key)
{
  guint n = 0;

  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    if (g_strcmp0 (gst_sdp_media_get_attribute (media, i)->key, key) == 0)
      n++;

  return n;
}

static gboolean
is_printable (const char *text)
{
  for (const char *p = text; *p; p++)
    if ((guchar) *p < 0x20 || (guchar) *p > 0x7e)
      return FALSE;

  return TRUE;
}

static const char *
media_mid (const GstSDPMessage *sdp,
           guint                i)
{
  return gst_sdp_media_get_attribute_val (gst_sdp_message_get_media (sdp, i), "mid");
}

static gboolean
check_media (const GstSDPMessage  *sdp,
             GError              **error)
{
  guint n_media = gst_sdp_message_medias_len (sdp);
  gboolean session_ice;
  gboolean session_fingerprint;

  if (n_media == 0 || n_media > PARLA_SDP_MAX_MEDIA)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                   "SDP has %u media sections", n_media);
      return FALSE;
    }

  /* Two of these at session level abort webrtcbin. */
  if (count_attribute (sdp, "ice-ufrag") > 1 || count_attribute (sdp, "ice-pwd") > 1 ||
      count_attribute (sdp, "fingerprint") > 1 || count_attribute (sdp, "setup") > 1 ||
      count_attribute (sdp, "group") > 1)
    {
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                           "SDP repeats a session attribute");
      return FALSE;
    }

  session_ice = count_attribute (sdp, "ice-ufrag") == 1 && count_attribute (sdp, "ice-pwd") == 1;
  session_fingerprint = count_attribute (sdp, "fingerprint") == 1;

  for (guint i = 0; i < n_media; i++)
    {
      const GstSDPMedia *media = gst_sdp_message_get_media (sdp, i);
      const char *kind = gst_sdp_media_get_media (media);
      const char *proto = gst_sdp_media_get_proto (media);
      const char *mid = gst_sdp_media_get_attribute_val (media, "mid");

      if (g_strcmp0 (kind, "audio") != 0 && g_strcmp0 (kind, "video") != 0 &&
          g_strcmp0 (kind, "application") != 0)
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u is of an unknown kind", i);
          return FALSE;
        }

      if (proto == NULL || (strstr (proto, "SAVPF") == NULL && strstr (proto, "SCTP") == NULL))
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u is not DTLS-SRTP or SCTP", i);
          return FALSE;
        }

      if (gst_sdp_media_formats_len (media) == 0)
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u has no formats", i);
          return FALSE;
        }

      if (mid == NULL || mid[0] == '\0' || strlen (mid) > MAX_MID_LENGTH || !is_printable (mid) ||
          count_media_attribute (media, "mid") != 1)
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u has no usable mid", i);
          return FALSE;
        }

      for (guint j = 0; j < i; j++)
        if (g_str_equal (mid, media_mid (sdp, j)))
          {
            g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                         "Media %u and %u have the same mid", j, i);
            return FALSE;
          }

      /* Rejected media need nothing more. */
      if (gst_sdp_media_get_port (media) == 0)
        continue;

      if (count_media_attribute (media, "ice-ufrag") > 1 ||
          count_media_attribute (media, "ice-pwd") > 1 ||
          count_media_attribute (media, "setup") > 1)
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u repeats an attribute", i);
          return FALSE;
        }

      if (!session_ice && (count_media_attribute (media, "ice-ufrag") != 1 ||
                           count_media_attribute (media, "ice-pwd") != 1))
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u has no ICE credentials", i);
          return FALSE;
        }

      /* webrtcbin wants it in the media section */
      if (count_media_attribute (media, "setup") != 1)
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u has no DTLS setup role", i);
          return FALSE;
        }

      if (!session_fingerprint && count_media_attribute (media, "fingerprint") == 0)
        {
          g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                       "Media %u has no DTLS fingerprint", i);
          return FALSE;
        }
    }

  return TRUE;
}

/*
 * _parla_sdp_parse_remote:
 * @text: SDP from the network
 * @type: what the sender says it is
 * @previous: (nullable): the current remote description, for a renegotiation
 * @local_offer: (nullable): our pending offer, for an answer
 * @error: return location for a #GError
 *
 * Returns: (transfer full) (nullable): the parsed SDP, if webrtcbin can be
 *   given it safely
 */
GstSDPMessage *
_parla_sdp_parse_remote (const char           *text,
                         GstWebRTCSDPType      type,
                         const GstSDPMessage  *previous,
                         const GstSDPMessage  *local_offer,
                         GError              **error)
{
  GstSDPMessage *sdp = NULL;
  gsize length;

  length = strnlen (text, PARLA_SDP_MAX_LENGTH + 1);
  if (length == 0 || length > PARLA_SDP_MAX_LENGTH)
    {
      g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                   "SDP of %" G_GSIZE_FORMAT " bytes", length);
      return NULL;
    }

  if (!g_str_has_prefix (text, "v=0") ||
      gst_sdp_message_new_from_text (text, &sdp) != GST_SDP_OK)
    {
      g_clear_pointer (&sdp, gst_sdp_message_free);
      g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                           "SDP does not parse");
      return NULL;
    }

  if (!check_media (sdp, error))
    goto fail;

  if (type == GST_WEBRTC_SDP_TYPE_OFFER && previous != NULL)
    {
      guint n_previous = gst_sdp_message_medias_len (previous);

      /* m-lines are never removed, only disabled (port 0) */
      if (gst_sdp_message_medias_len (sdp) < n_previous)
        {
          g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                               "Renegotiation removes media");
          goto fail;
        }

      for (guint i = 0; i < n_previous; i++)
        if (g_strcmp0 (media_mid (sdp, i), media_mid (previous, i)) != 0)
          {
            g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                         "Renegotiation changes the mid of media %u", i);
            goto fail;
          }
    }

  if (type == GST_WEBRTC_SDP_TYPE_ANSWER)
    {
      if (local_offer == NULL ||
          gst_sdp_message_medias_len (sdp) != gst_sdp_message_medias_len (local_offer))
        {
          g_set_error_literal (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                               "Answer does not match the offer");
          goto fail;
        }

      for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
        if (g_strcmp0 (media_mid (sdp, i), media_mid (local_offer, i)) != 0 ||
            g_strcmp0 (gst_sdp_media_get_media (gst_sdp_message_get_media (sdp, i)),
                       gst_sdp_media_get_media (gst_sdp_message_get_media (local_offer, i))) != 0)
          {
            g_set_error (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_NEGOTIATION,
                         "Answer media %u does not match the offer", i);
            goto fail;
          }
    }

  return sdp;

fail:
  gst_sdp_message_free (sdp);
  return NULL;
}

/*
 * _parla_sdp_find_mid:
 *
 * Returns: the m-line of @mid, or -1
 */
int
_parla_sdp_find_mid (const GstSDPMessage *sdp,
                     const char          *mid)
{
  for (guint i = 0; i < gst_sdp_message_medias_len (sdp); i++)
    if (g_strcmp0 (media_mid (sdp, i), mid) == 0)
      return i;

  return -1;
}

/*
 * _parla_sdp_bundle_tag:
 *
 * Returns: the m-line whose transport @mline uses: the first of its BUNDLE
 *   group, or @mline itself
 */
int
_parla_sdp_bundle_tag (const GstSDPMessage *sdp,
                       guint                mline)
{
  g_auto(GStrv) mids = NULL;
  const char *group;
  const char *mid;

  if (mline >= gst_sdp_message_medias_len (sdp))
    return -1;

  group = gst_sdp_message_get_attribute_val (sdp, "group");
  mid = media_mid (sdp, mline);
  if (group == NULL || mid == NULL || !g_str_has_prefix (group, "BUNDLE "))
    return mline;

  mids = g_strsplit (group + strlen ("BUNDLE "), " ", PARLA_SDP_MAX_MEDIA + 1);
  if (mids[0] == NULL || !g_strv_contains ((const char * const *) mids, mid))
    return mline;

  return MAX (_parla_sdp_find_mid (sdp, mids[0]), 0);
}

/*
 * _parla_sdp_dup_fmtp_param:
 * @media: an m-line
 * @pt: one of its payload types
 * @name: a format parameter, as "profile-level-id"
 *
 * Returns: (transfer full) (nullable): the value of @name in the a=fmtp
 *   line of @pt
 */
char *
_parla_sdp_dup_fmtp_param (const GstSDPMedia *media,
                           int                pt,
                           const char        *name)
{
  for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
    {
      const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);
      g_auto(GStrv) params = NULL;
      char *end;

      if (g_strcmp0 (attr->key, "fmtp") != 0 || attr->value == NULL ||
          g_ascii_strtoll (attr->value, &end, 10) != pt || end == attr->value || *end != ' ')
        continue;

      params = g_strsplit (end + 1, ";", 32);
      for (guint j = 0; params[j] != NULL; j++)
        {
          const char *param = g_strstrip (params[j]);
          gsize length = strlen (name);

          if (g_ascii_strncasecmp (param, name, length) == 0 && param[length] == '=')
            return g_strdup (param + length + 1);
        }
    }

  return NULL;
}

/* How well we can send H.264 of this payload type: openh264 makes
 * constrained baseline in packetization mode 1. 2: constrained baseline
 * (profile_idc 0x42 with constraint_set1, "42e0…" or "42c0…"); 1: baseline,
 * which decodes it too; 0: not at all (main, high, mode 0). */
static int
h264_fitness (const GstSDPMedia *media,
              int                pt)
{
  g_autofree char *mode = _parla_sdp_dup_fmtp_param (media, pt, "packetization-mode");
  g_autofree char *profile = _parla_sdp_dup_fmtp_param (media, pt, "profile-level-id");
  guint64 iop;

  if (g_strcmp0 (mode, "1") != 0)
    return 0;

  /* No profile-level-id means 42000a: baseline. */
  if (profile == NULL)
    return 1;

  if (strlen (profile) != 6 || !g_ascii_isxdigit (profile[2]) || !g_ascii_isxdigit (profile[3]) ||
      g_ascii_strncasecmp (profile, "42", 2) != 0)
    return 0;

  iop = g_ascii_strtoull ((char []) { profile[2], profile[3], '\0' }, NULL, 16);

  return (iop & 0x40) ? 2 : 1;
}

/*
 * _parla_sdp_pick_payload:
 * @media: an offered m-line
 * @encodings: encoding names, best first, %NULL-terminated
 * @encoding: (out): the one picked
 *
 * For H.264, only packetization mode 1 of the (constrained) baseline
 * profile counts, constrained baseline first.
 *
 * Returns: the payload type of the best encoding offered, or -1
 */
int
_parla_sdp_pick_payload (const GstSDPMedia  *media,
                         const char * const *encodings,
                         const char        **encoding)
{
  for (guint e = 0; encodings[e] != NULL; e++)
    {
      int best = -1;
      int best_fitness = 0;

      for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
        {
          const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);
          guint64 pt;
          const char *name;
          char *end;
          int fitness = 1;

          if (g_strcmp0 (attr->key, "rtpmap") != 0 || attr->value == NULL)
            continue;

          pt = g_ascii_strtoull (attr->value, &end, 10);
          if (end == attr->value || *end != ' ' || pt < 96 || pt > 127)
            continue;

          name = end + 1;
          if (g_ascii_strncasecmp (name, encodings[e], strlen (encodings[e])) != 0 ||
              name[strlen (encodings[e])] != '/')
            continue;

          if (g_str_equal (encodings[e], "H264"))
            fitness = h264_fitness (media, pt);

          if (fitness > best_fitness)
            {
              best = pt;
              best_fitness = fitness;
            }
        }

      if (best >= 0)
        {
          *encoding = encodings[e];
          return best;
        }
    }

  return -1;
}

/*
 * _parla_sdp_pick_first_payload:
 * @media: an answered m-line
 * @encodings: the encoding names we can use, %NULL-terminated
 * @encoding: (out): the one picked
 *
 * Returns: the first payload type of @media, in its order, that is one of
 *   @encodings (for H.264, one we can send), or -1
 */
int
_parla_sdp_pick_first_payload (const GstSDPMedia  *media,
                               const char * const *encodings,
                               const char        **encoding)
{
  for (guint f = 0; f < gst_sdp_media_formats_len (media); f++)
    {
      const char *format = gst_sdp_media_get_format (media, f);
      guint64 pt;
      char *end;

      pt = g_ascii_strtoull (format, &end, 10);
      if (end == format || *end != '\0' || pt < 96 || pt > 127)
        continue;

      for (guint i = 0; i < gst_sdp_media_attributes_len (media); i++)
        {
          const GstSDPAttribute *attr = gst_sdp_media_get_attribute (media, i);
          const char *name;

          if (g_strcmp0 (attr->key, "rtpmap") != 0 || attr->value == NULL ||
              g_ascii_strtoull (attr->value, &end, 10) != pt || end == attr->value || *end != ' ')
            continue;

          name = end + 1;
          for (guint e = 0; encodings[e] != NULL; e++)
            if (g_ascii_strncasecmp (name, encodings[e], strlen (encodings[e])) == 0 &&
                name[strlen (encodings[e])] == '/' &&
                (!g_str_equal (encodings[e], "H264") || h264_fitness (media, pt) > 0))
              {
                *encoding = encodings[e];
                return pt;
              }
        }
    }

  return -1;
}
