/* parla-call-window.c: the window a call is held in
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-api-client.h"
#include "parla-call-chat.h"
#include "parla-call-summary.h"
#include "parla-call-window.h"
#include "parla-format.h"
#include "parla-media-init.h"
#include "parla-prejoin-view.h"
#include "parla-realtime-signaling.h"

/**
 * ParlaCallWindow:
 *
 * Where a lesson, a group session or a call with a tutor now is held:
 * pre-join (#ParlaPrejoinView), connecting, the call, and the summary
 * (#ParlaCallSummary).
 *
 * The call runs the engine (#ParlaCall) over the app's realtime
 * connection (#ParlaRealtimeSignaling from libparla-peer, which the app
 * links). Video is shown by #ParlaVideoPaintable<!-- -->s.
 *
 * Mute and camera state travel to the others on the call's data channel
 * as a text message `{"parla": "media-state", "audio_muted": BOOL,
 * "video_enabled": BOOL}`, sent whenever it changes and to each
 * participant once connected; other text messages are ignored here.
 *
 * With `PARLA_TEST_SOURCES` set (tests, demos) the camera and the
 * microphone are test sources and remote audio is not played, like in
 * the pre-join view; screen sharing always takes the real screen.
 */

#define STAGE_PREJOIN    "prejoin"
#define STAGE_CONNECTING "connecting"
#define STAGE_CALL       "call"
#define STAGE_SUMMARY    "summary"

#define MEDIA_STATE_TAG  "media-state"

typedef struct
{
  char                *user_id;
  char                *name;
  ParlaVideoPaintable *video;
  ParlaVideoPaintable *screen;
  GtkWidget           *tile;          /* owned by the grid while shown */
  GtkWidget           *screen_tile;
  GtkWidget           *muted_icon;
  GtkWidget           *placeholder;
  ParlaCallState       state;
  gboolean             present;       /* in the room or in the call */
  gboolean             audio_muted;
  gboolean             video_enabled;
  gboolean             sharing;
} Participant;

struct _ParlaCallWindow
{
  AdwApplicationWindow    parent_instance;

  ParlaContext           *context;
  GCancellable           *cancellable;

  /* What was joined */
  char                   *target_id;
  char                   *call_id;
  char                   *room;
  JsonArray              *participants_json;
  JsonNode               *ice_servers;
  gboolean                instant;
  char                   *session_id;
  char                   *booking_id;
  char                   *teacher_id;
  char                   *teacher_name;
  char                   *title;
  GDateTime              *ends_at;

  /* The call */
  GtkWidget              *prejoin;
  GtkWidget              *chat;
  GtkWidget              *summary;
  ParlaRealtimeSignaling *signaling;
  ParlaCall              *call;
  GHashTable             *participants;    /* user id → Participant */
  GPtrArray              *names_seen;
  ParlaVideoPaintable    *self_video;
  char                   *camera_id;
  char                   *microphone_id;
  char                   *speaker_id;
  gboolean                media_ready;
  gboolean                join_pressed;
  gboolean                audio_muted;
  gboolean                camera_off;
  gboolean                screen_shared;
  gboolean                chat_open;
  gboolean                talking;         /* push-to-talk held */
  gboolean                finished;
  gboolean                leave_confirmed;
  gboolean                media_reported;
  gboolean                cue_5;
  gboolean                cue_1;
  gint64                  connected_at;    /* monotonic, µs */
  gint64                  duration_s;
  guint                   tick_id;
  int                     minutes_left;    /* -1: not prepaid */
  int                     minutes_used;
  char                   *ended_message;
  char                   *earnings_text;
  double                  self_x;          /* the self-view's position on the stage */
  double                  self_y;
  double                  drag_x;
  double                  drag_y;

  /* Template */
  AdwToastOverlay        *toast_overlay;
  GtkStack               *stack;
  AdwWindowTitle         *prejoin_title;
  GtkBox                 *prejoin_bin;
  AdwStatusPage          *connecting_status;
  AdwWindowTitle         *call_title;
  GtkWidget              *mute_button;
  GtkWidget              *camera_button;
  char                   *elapsed_text;
  char                   *remaining_text;
  GtkMenuButton          *quality_button;
  GtkImage               *quality_icon;
  GtkLabel               *quality_label;
  GtkLabel               *rtt_label;
  GtkLabel               *loss_label;
  GtkLabel               *bitrate_label;
  GtkLabel               *route_label;
  GtkRevealer            *reconnecting_revealer;
  GtkLabel               *reconnecting_label;
  GtkRevealer            *video_dropped_revealer;
  GtkOverlay             *stage;
  GtkGrid                *tile_grid;
  GtkLabel               *waiting_label;
  GtkWidget              *self_view;
  GtkPicture             *self_picture;
  GtkWidget              *self_camera_off;
  AdwFlap                *chat_flap;
  GtkBox                 *chat_bin;
  GtkLabel               *unread_badge;
  GtkBox                 *summary_bin;
};

G_DEFINE_FINAL_TYPE (ParlaCallWindow, parla_call_window, ADW_TYPE_APPLICATION_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_AUDIO_MUTED,
  PROP_CAMERA_OFF,
  PROP_SCREEN_SHARED,
  PROP_CHAT_OPEN,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void update_actions  (ParlaCallWindow *self);
static void relayout        (ParlaCallWindow *self);
static void finish_call     (ParlaCallWindow *self,
                             const char      *message);
static void start_call      (ParlaCallWindow *self);
static void update_titles   (ParlaCallWindow *self);
static void ensure_chat     (ParlaCallWindow *self);

/* Participants */

static void
participant_free (gpointer data)
{
  Participant *participant = data;

  if (participant->video != NULL)
    parla_video_paintable_set_track (participant->video, NULL);
  if (participant->screen != NULL)
    parla_video_paintable_set_track (participant->screen, NULL);
  g_clear_object (&participant->video);
  g_clear_object (&participant->screen);
  g_clear_object (&participant->tile);
  g_clear_object (&participant->screen_tile);
  g_free (participant->user_id);
  g_free (participant->name);
  g_free (participant);
}

static GtkWidget *
make_tile (ParlaVideoPaintable *paintable,
           const char          *name,
           GtkWidget          **out_muted_icon,
           GtkWidget          **out_placeholder)
{
  GtkWidget *overlay = gtk_overlay_new ();
  GtkWidget *picture = gtk_picture_new_for_paintable (GDK_PAINTABLE (paintable));
  GtkWidget *label_box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (name);
  GtkWidget *muted = gtk_image_new_from_icon_name ("microphone-sensitivity-muted-symbolic");
  GtkWidget *placeholder = gtk_image_new_from_icon_name ("avatar-default-symbolic");

  gtk_widget_add_css_class (overlay, "call-tile");
  gtk_widget_set_overflow (overlay, GTK_OVERFLOW_HIDDEN);
  gtk_widget_set_hexpand (overlay, TRUE);
  gtk_widget_set_vexpand (overlay, TRUE);
  gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
  gtk_picture_set_content_fit (GTK_PICTURE (picture), GTK_CONTENT_FIT_CONTAIN);
  gtk_overlay_set_child (GTK_OVERLAY (overlay), picture);

  gtk_image_set_pixel_size (GTK_IMAGE (placeholder), 96);
  gtk_widget_add_css_class (placeholder, "call-tile-placeholder");
  gtk_widget_set_halign (placeholder, GTK_ALIGN_CENTER);
  gtk_widget_set_valign (placeholder, GTK_ALIGN_CENTER);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), placeholder);

  gtk_widget_add_css_class (label_box, "call-tile-label");
  gtk_widget_set_halign (label_box, GTK_ALIGN_START);
  gtk_widget_set_valign (label_box, GTK_ALIGN_END);
  gtk_widget_set_visible (muted, FALSE);
  gtk_widget_set_tooltip_text (muted, _("Muted"));
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_box_append (GTK_BOX (label_box), muted);
  gtk_box_append (GTK_BOX (label_box), label);
  gtk_overlay_add_overlay (GTK_OVERLAY (overlay), label_box);

  gtk_accessible_update_property (GTK_ACCESSIBLE (picture),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);

  if (out_muted_icon != NULL)
    *out_muted_icon = muted;
  if (out_placeholder != NULL)
    *out_placeholder = placeholder;

  return g_object_ref_sink (overlay);
}

static void
update_tile (Participant *participant)
{
  gboolean has_video = participant->video_enabled &&
                       parla_video_paintable_get_n_frames (participant->video) > 0;

  gtk_widget_set_visible (participant->muted_icon, participant->audio_muted);
  gtk_widget_set_visible (participant->placeholder, !has_video);
  if (!participant->video_enabled)
    parla_video_paintable_clear (participant->video);
}

static void
on_first_frame_cb (ParlaVideoPaintable *paintable,
                   GParamSpec          *pspec,
                   ParlaCallWindow     *self);

static Participant *
ensure_participant (ParlaCallWindow *self,
                    const char      *user_id,
                    const char      *name)
{
  Participant *participant = g_hash_table_lookup (self->participants, user_id);
  g_autofree char *screen_name = NULL;

  if (participant != NULL)
    {
      if (name != NULL && g_strcmp0 (participant->name, name) != 0)
        {
          g_free (participant->name);
          participant->name = g_strdup (name);
        }
      return participant;
    }

  participant = g_new0 (Participant, 1);
  participant->user_id = g_strdup (user_id);
  participant->name = g_strdup (name != NULL ? name : _("Someone"));
  participant->video_enabled = TRUE;
  participant->state = PARLA_CALL_STATE_NEW;
  participant->video = parla_video_paintable_new ();
  participant->screen = parla_video_paintable_new ();
  participant->tile = make_tile (participant->video, participant->name,
                                 &participant->muted_icon, &participant->placeholder);
  /* Translators: the tile of someone's shared screen */
  screen_name = g_strdup_printf (_("%s’s screen"), participant->name);
  participant->screen_tile = make_tile (participant->screen, screen_name, NULL, NULL);
  g_signal_connect_object (participant->video, "notify::n-frames",
                           G_CALLBACK (on_first_frame_cb), self, 0);
  g_hash_table_insert (self->participants, participant->user_id, participant);

  return participant;
}

static void
remember_name (ParlaCallWindow *self,
               const char      *name)
{
  for (guint i = 0; i < self->names_seen->len; i++)
    if (g_str_equal (g_ptr_array_index (self->names_seen, i), name))
      return;

  g_ptr_array_add (self->names_seen, g_strdup (name));
}

static void
show_toast (ParlaCallWindow *self,
            const char      *text)
{
  AdwToast *toast = adw_toast_new (text);

  adw_toast_set_timeout (toast, 4);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
show_error (ParlaCallWindow *self,
            const GError    *error)
{
  show_toast (self, error->message);
}

/* Layout: a screen share large with the speakers' video beside it;
 * otherwise one tile fills the stage, two sit side by side, three or four
 * make a 2×2 grid. */
static void
relayout (ParlaCallWindow *self)
{
  g_autoptr(GPtrArray) videos = g_ptr_array_new ();
  Participant *sharer = NULL;
  GHashTableIter iter;
  Participant *participant;
  GtkWidget *child;
  g_autofree char *waiting = NULL;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->tile_grid))) != NULL)
    gtk_grid_remove (self->tile_grid, child);

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
    {
      if (!participant->present)
        continue;
      g_ptr_array_add (videos, participant);
      if (participant->sharing && sharer == NULL)
        sharer = participant;
    }

  if (sharer != NULL)
    {
      gtk_grid_attach (self->tile_grid, sharer->screen_tile, 0, 0, 3, (int) MAX (videos->len, 1));
      for (guint i = 0; i < videos->len; i++)
        {
          participant = g_ptr_array_index (videos, i);
          gtk_grid_attach (self->tile_grid, participant->tile, 3, (int) i, 1, 1);
        }
    }
  else
    {
      guint columns = videos->len <= 1 ? 1 : 2;

      for (guint i = 0; i < videos->len; i++)
        {
          participant = g_ptr_array_index (videos, i);
          gtk_grid_attach (self->tile_grid, participant->tile,
                           (int) (i % columns), (int) (i / columns), 1, 1);
        }
    }

  /* Nobody there (yet, or any more): say whom we wait for. */
  if (videos->len == 0)
    {
      g_autoptr(GString) names = g_string_new (NULL);
      gboolean gone = FALSE;

      g_hash_table_iter_init (&iter, self->participants);
      while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
        {
          if (names->len > 0)
            g_string_append (names, ", ");
          g_string_append (names, participant->name);
          gone |= participant->state != PARLA_CALL_STATE_NEW;
        }

      if (names->len == 0)
        waiting = g_strdup (_("Waiting for the others to join…"));
      else if (gone)
        /* Translators: %s is a name (or names) */
        waiting = g_strdup_printf (_("Waiting for %s to come back…"), names->str);
      else
        /* Translators: %s is a name (or names) */
        waiting = g_strdup_printf (_("Waiting for %s to join…"), names->str);
    }
  else
    {
      /* Someone present whose connection dropped. */
      for (guint i = 0; i < videos->len; i++)
        {
          participant = g_ptr_array_index (videos, i);
          if (participant->state == PARLA_CALL_STATE_RECONNECTING)
            {
              waiting = g_strdup_printf (_("Waiting for %s to come back…"), participant->name);
              break;
            }
        }
    }

  gtk_label_set_label (self->waiting_label, waiting != NULL ? waiting : "");
  gtk_widget_set_visible (GTK_WIDGET (self->waiting_label), waiting != NULL);
}

/* The media state message */

static void
send_media_state (ParlaCallWindow *self,
                  const char      *user_id)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autofree char *text = NULL;

  if (self->call == NULL)
    return;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "parla");
  json_builder_add_string_value (builder, MEDIA_STATE_TAG);
  json_builder_set_member_name (builder, "audio_muted");
  json_builder_add_boolean_value (builder, parla_call_get_audio_muted (self->call));
  json_builder_set_member_name (builder, "video_enabled");
  json_builder_add_boolean_value (builder, parla_call_get_video_enabled (self->call));
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);
  text = json_to_string (node, FALSE);

  if (user_id != NULL)
    {
      if (parla_call_get_participant_state (self->call, user_id) == PARLA_CALL_STATE_CONNECTED)
        parla_call_send_text (self->call, user_id, text, NULL);
      return;
    }

  {
    g_auto(GStrv) others = parla_call_dup_participants (self->call);

    for (guint i = 0; others != NULL && others[i] != NULL; i++)
      if (parla_call_get_participant_state (self->call, others[i]) == PARLA_CALL_STATE_CONNECTED)
        parla_call_send_text (self->call, others[i], text, NULL);
  }
}

static void
on_data_message_cb (ParlaCall       *call,
                    const char      *user_id,
                    GBytes          *data,
                    gboolean         is_text,
                    ParlaCallWindow *self)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  Participant *participant;
  JsonObject *object;
  gsize length;
  const char *text = g_bytes_get_data (data, &length);

  if (!is_text || text == NULL || length == 0 || text[0] != '{' ||
      !json_parser_load_from_data (parser, text, (gssize) length, NULL) ||
      !JSON_NODE_HOLDS_OBJECT (json_parser_get_root (parser)))
    return;

  object = json_node_get_object (json_parser_get_root (parser));
  if (g_strcmp0 (json_object_get_string_member_with_default (object, "parla", NULL), MEDIA_STATE_TAG) != 0)
    return;

  participant = g_hash_table_lookup (self->participants, user_id);
  if (participant == NULL)
    return;

  participant->audio_muted = json_object_get_boolean_member_with_default (object, "audio_muted", FALSE);
  participant->video_enabled = json_object_get_boolean_member_with_default (object, "video_enabled", TRUE);
  update_tile (participant);
}

/* Timers */

static void
report_media (ParlaCallWindow *self);

static void
cue (ParlaCallWindow *self,
     const char      *text)
{
  show_toast (self, text);
  gdk_display_beep (gtk_widget_get_display (GTK_WIDGET (self)));
}

static gboolean
on_tick_cb (gpointer user_data)
{
  ParlaCallWindow *self = user_data;
  g_autofree char *elapsed = NULL;
  gint64 seconds;

  if (self->connected_at == 0)
    return G_SOURCE_CONTINUE;

  seconds = (g_get_monotonic_time () - self->connected_at) / G_USEC_PER_SEC;
  self->duration_s = seconds;
  if (seconds >= 3600)
    elapsed = g_strdup_printf ("%" G_GINT64_FORMAT ":%02d:%02d", seconds / 3600,
                               (int) (seconds / 60 % 60), (int) (seconds % 60));
  else
    elapsed = g_strdup_printf ("%02d:%02d", (int) (seconds / 60), (int) (seconds % 60));
  g_free (self->elapsed_text);
  self->elapsed_text = g_steal_pointer (&elapsed);

  if (self->ends_at != NULL)
    {
      g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
      GTimeSpan left = g_date_time_difference (self->ends_at, now);
      g_autofree char *countdown = NULL;
      g_autofree char *text = NULL;

      if (left > 0)
        {
          countdown = parla_format_minutes ((int) ((left + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE));
          /* Translators: %s is a duration like "12 min" */
          text = g_strdup_printf (_("%s left"), countdown);
        }
      else
        text = g_strdup (_("Time is up"));
      g_free (self->remaining_text);
      self->remaining_text = g_steal_pointer (&text);

      if (!self->cue_5 && left > 0 && left <= 5 * G_TIME_SPAN_MINUTE)
        {
          self->cue_5 = TRUE;
          if (left > 4 * G_TIME_SPAN_MINUTE)
            cue (self, _("5 minutes left"));
        }
      if (!self->cue_1 && left > 0 && left <= G_TIME_SPAN_MINUTE)
        {
          self->cue_1 = TRUE;
          cue (self, _("1 minute left"));
        }
    }

  update_titles (self);

  return G_SOURCE_CONTINUE;
}

static void
on_media_reported_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
  if (answer == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_warning ("Cannot report that media flows: %s", error->message);
}

/* Billing starts once both sides see each other: only instant calls are
 * metered (docs/protocol.md, "Billing"). */
static void
report_media (ParlaCallWindow *self)
{
  g_autofree char *path = NULL;

  if (self->media_reported || !self->instant || self->call_id == NULL)
    return;

  self->media_reported = TRUE;
  path = g_strdup_printf ("/api/v1/calls/%s/media", self->call_id);
  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", path,
                               NULL, NULL, self->cancellable, on_media_reported_cb, NULL);
}

static void
on_first_frame_cb (ParlaVideoPaintable *paintable,
                   GParamSpec          *pspec,
                   ParlaCallWindow     *self)
{
  GHashTableIter iter;
  Participant *participant;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
    if (participant->video == paintable)
      update_tile (participant);

  report_media (self);
}

/* Connection quality */

static void
on_stats_cb (ParlaCall       *call,
             const char      *user_id,
             ParlaCallStats  *stats,
             ParlaCallWindow *self)
{
  static const char * const icons[] = {
    "network-cellular-signal-weak-symbolic",
    "network-cellular-signal-ok-symbolic",
    "network-cellular-signal-good-symbolic",
    "network-cellular-signal-excellent-symbolic",
  };
  const char *names[] = {
    C_("connection quality", "Bad"),
    C_("connection quality", "Poor"),
    C_("connection quality", "Good"),
    C_("connection quality", "Excellent"),
  };
  ParlaQuality quality = parla_call_stats_get_quality (stats);
  double rtt = parla_call_stats_get_rtt (stats);
  double loss = parla_call_stats_get_loss (stats);
  guint kbps = parla_call_stats_get_send_bitrate (stats) + parla_call_stats_get_recv_bitrate (stats);
  g_autofree char *rtt_text = NULL;
  g_autofree char *loss_text = NULL;
  g_autofree char *bitrate_text = NULL;
  g_autofree char *tooltip = NULL;

  /* While reconnecting the figures are stale: the indicator says bad. */
  if (gtk_revealer_get_reveal_child (self->reconnecting_revealer))
    quality = PARLA_QUALITY_BAD;
  quality = CLAMP (quality, PARLA_QUALITY_BAD, PARLA_QUALITY_EXCELLENT);
  gtk_image_set_from_icon_name (self->quality_icon, icons[quality]);
  gtk_label_set_label (self->quality_label, names[quality]);
  /* Translators: %s is a level: Bad, Poor, Good or Excellent */
  tooltip = g_strdup_printf (_("Connection: %s"), names[quality]);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->quality_button), tooltip);

  /* Translators: a round-trip time in milliseconds */
  rtt_text = rtt >= 0 ? g_strdup_printf (_("%.0f ms"), rtt) : g_strdup ("—");
  loss_text = loss >= 0 ? g_strdup_printf ("%.1f %%", loss * 100.0) : g_strdup ("—");
  /* Translators: a bitrate in kilobits per second */
  bitrate_text = g_strdup_printf (_("%u kbit/s"), kbps);
  gtk_label_set_label (self->rtt_label, rtt_text);
  gtk_label_set_label (self->loss_label, loss_text);
  gtk_label_set_label (self->bitrate_label, bitrate_text);
  gtk_label_set_label (self->route_label, parla_call_stats_get_relayed (stats) ? _("Relayed") : _("Direct"));

  gtk_revealer_set_reveal_child (self->video_dropped_revealer,
                                 parla_call_stats_get_video_suspended (stats));
}

/* The engine */

static void
update_reconnecting (ParlaCallWindow *self)
{
  gboolean reconnecting = FALSE;
  GHashTableIter iter;
  Participant *participant;

  if (self->call != NULL && parla_call_get_state (self->call) == PARLA_CALL_STATE_RECONNECTING)
    reconnecting = TRUE;

  g_hash_table_iter_init (&iter, self->participants);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &participant))
    if (participant->present && participant->state == PARLA_CALL_STATE_RECONNECTING)
      reconnecting = TRUE;

  gtk_revealer_set_reveal_child (self->reconnecting_revealer, reconnecting);
  if (reconnecting)
    {
      gtk_image_set_from_icon_name (self->quality_icon, "network-cellular-signal-none-symbolic");
      gtk_label_set_label (self->quality_label, C_("connection quality", "Bad"));
    }
}

static void
on_remote_track_added_cb (ParlaCall        *call,
                          const char       *user_id,
                          ParlaTrackKind    kind,
                          ParlaRemoteTrack *track,
                          ParlaCallWindow  *self)
{
  Participant *participant = ensure_participant (self, user_id, NULL);

  participant->present = TRUE;
  switch (kind)
    {
    case PARLA_TRACK_VIDEO:
      parla_video_paintable_set_track (participant->video, track);
      break;

    case PARLA_TRACK_SCREEN:
      parla_video_paintable_set_track (participant->screen, track);
      participant->sharing = TRUE;
      {
        /* Translators: %s is a name */
        g_autofree char *text = g_strdup_printf (_("%s is sharing their screen"), participant->name);

        show_toast (self, text);
      }
      break;

    case PARLA_TRACK_AUDIO:
    default:
      break;
    }

  relayout (self);
}

static void
on_remote_track_removed_cb (ParlaCall        *call,
                            const char       *user_id,
                            ParlaTrackKind    kind,
                            ParlaRemoteTrack *track,
                            ParlaCallWindow  *self)
{
  Participant *participant = g_hash_table_lookup (self->participants, user_id);

  if (participant == NULL)
    return;

  if (kind == PARLA_TRACK_SCREEN)
    {
      parla_video_paintable_set_track (participant->screen, NULL);
      parla_video_paintable_clear (participant->screen);
      participant->sharing = FALSE;
      relayout (self);
    }
  else if (kind == PARLA_TRACK_VIDEO && parla_video_paintable_get_track (participant->video) == track)
    parla_video_paintable_set_track (participant->video, NULL);
}

static void
on_participant_state_cb (ParlaCall       *call,
                         const char      *user_id,
                         ParlaCallState   state,
                         ParlaCallWindow *self)
{
  Participant *participant = ensure_participant (self, user_id, NULL);
  ParlaCallState old = participant->state;

  participant->state = state;
  switch (state)
    {
    case PARLA_CALL_STATE_CONNECTED:
      participant->present = TRUE;
      remember_name (self, participant->name);
      send_media_state (self, user_id);
      if (old == PARLA_CALL_STATE_RECONNECTING)
        {
          /* Translators: %s is a name */
          g_autofree char *text = g_strdup_printf (_("%s is back"), participant->name);

          show_toast (self, text);
        }
      break;

    case PARLA_CALL_STATE_ENDED:
    case PARLA_CALL_STATE_FAILED:
      participant->present = FALSE;
      participant->sharing = FALSE;
      parla_video_paintable_clear (participant->video);
      break;

    case PARLA_CALL_STATE_NEW:
    case PARLA_CALL_STATE_CONNECTING:
    case PARLA_CALL_STATE_RECONNECTING:
    default:
      break;
    }

  update_reconnecting (self);
  relayout (self);
}

static void
on_call_state_cb (ParlaCall       *call,
                  GParamSpec      *pspec,
                  ParlaCallWindow *self)
{
  ParlaCallState state = parla_call_get_state (call);

  switch (state)
    {
    case PARLA_CALL_STATE_CONNECTED:
    case PARLA_CALL_STATE_RECONNECTING:
      if (self->connected_at == 0)
        self->connected_at = g_get_monotonic_time ();
      break;

    case PARLA_CALL_STATE_ENDED:
      finish_call (self, NULL);
      return;

    case PARLA_CALL_STATE_FAILED:
      {
        const GError *error = parla_call_get_error (call);

        finish_call (self, error != NULL ? error->message : _("The call failed"));
      }
      return;

    case PARLA_CALL_STATE_NEW:
    case PARLA_CALL_STATE_CONNECTING:
    default:
      break;
    }

  update_reconnecting (self);
  update_actions (self);
}

static void
on_member_joined_cb (ParlaSignaling  *signaling,
                     const char      *user_id,
                     const char      *display_name,
                     ParlaCallWindow *self)
{
  Participant *participant = ensure_participant (self, user_id, display_name);
  /* Translators: %s is a name */
  g_autofree char *text = g_strdup_printf (_("%s joined the call"), participant->name);

  participant->present = TRUE;
  remember_name (self, participant->name);
  show_toast (self, text);
  relayout (self);
}

static void
on_member_left_cb (ParlaSignaling  *signaling,
                   const char      *user_id,
                   ParlaCallWindow *self)
{
  Participant *participant = g_hash_table_lookup (self->participants, user_id);
  g_autofree char *text = NULL;

  if (participant == NULL)
    return;

  participant->present = FALSE;
  participant->sharing = FALSE;
  if (participant->state == PARLA_CALL_STATE_NEW)
    participant->state = PARLA_CALL_STATE_ENDED;
  /* Translators: %s is a name */
  text = g_strdup_printf (_("%s left the call"), participant->name);
  show_toast (self, text);
  update_reconnecting (self);
  relayout (self);
}

static void
on_call_error_cb (ParlaCall       *call,
                  const GError    *error,
                  ParlaCallWindow *self)
{
  show_error (self, error);
}

static void
on_device_lost_cb (ParlaCall       *call,
                   int              kind,
                   const char      *lost_id,
                   const char      *now_id,
                   ParlaCallWindow *self)
{
  if (kind == PARLA_DEVICE_KIND_CAMERA)
    show_toast (self, now_id != NULL ? _("The camera went away: another one is used")
                                     : _("The camera went away"));
  else if (kind == PARLA_DEVICE_KIND_MICROPHONE)
    show_toast (self, now_id != NULL ? _("The microphone went away: another one is used")
                                     : _("The microphone went away"));
  else
    show_toast (self, _("The speaker went away"));
}

/* Whether the server is on this machine's loopback (the local demo). */
static gboolean
server_is_loopback (ParlaCallWindow *self)
{
  g_autoptr(GUri) uri = g_uri_parse (parla_context_get_server_url (self->context), G_URI_FLAGS_NONE, NULL);
  const char *host = uri != NULL ? g_uri_get_host (uri) : NULL;

  return host != NULL && (g_str_has_prefix (host, "127.") || g_str_equal (host, "localhost") ||
                          g_str_equal (host, "::1") || g_str_equal (host, "[::1]"));
}

static ParlaCallOptions *
make_options (ParlaCallWindow *self)
{
  ParlaCallOptions *options = parla_call_options_new ();
  gboolean test = g_getenv ("PARLA_TEST_SOURCES") != NULL;
  ParlaMediaSource source = test ? PARLA_MEDIA_SOURCE_TEST : PARLA_MEDIA_SOURCE_DEVICE;

  parla_call_options_set_video_source (options, source);
  parla_call_options_set_audio_source (options, source);
  parla_call_options_set_audio_output (options, test ? PARLA_AUDIO_OUTPUT_SAMPLES
                                                     : PARLA_AUDIO_OUTPUT_DEVICE);
  parla_call_options_set_screen_source (options, PARLA_MEDIA_SOURCE_DEVICE);
  parla_call_options_set_use_portals (options, !test);
  if (self->camera_id != NULL)
    parla_call_options_set_camera (options, self->camera_id);
  if (self->microphone_id != NULL)
    parla_call_options_set_microphone (options, self->microphone_id);
  if (self->speaker_id != NULL)
    parla_call_options_set_speaker (options, self->speaker_id);
  /* Everyone of a server on loopback is on this machine, and a local
   * server's demo tutor offers loopback candidates only (libnice leaves
   * loopback out unless told): so do we, which also works on a machine
   * with no network at all. */
  if (server_is_loopback (self))
    parla_call_options_add_local_address (options, "127.0.0.1");

  return options;
}

static void
create_call (ParlaCallWindow *self)
{
  g_autoptr(ParlaCallOptions) options = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *user_id = NULL;
  ParlaRemoteTrack *local;

  if (self->call != NULL || self->finished)
    return;

  user_id = parla_realtime_dup_user_id (parla_context_get_realtime (self->context));
  options = make_options (self);
  self->call = parla_call_new (user_id, PARLA_SIGNALING (self->signaling), self->ice_servers,
                               options, &error);
  if (self->call == NULL)
    {
      finish_call (self, error->message);
      return;
    }

  g_signal_connect_object (self->call, "remote-track-added", G_CALLBACK (on_remote_track_added_cb), self, 0);
  g_signal_connect_object (self->call, "remote-track-removed", G_CALLBACK (on_remote_track_removed_cb), self, 0);
  g_signal_connect_object (self->call, "participant-state", G_CALLBACK (on_participant_state_cb), self, 0);
  g_signal_connect_object (self->call, "data-message", G_CALLBACK (on_data_message_cb), self, 0);
  g_signal_connect_object (self->call, "stats", G_CALLBACK (on_stats_cb), self, 0);
  g_signal_connect_object (self->call, "error", G_CALLBACK (on_call_error_cb), self, 0);
  g_signal_connect_object (self->call, "device-lost", G_CALLBACK (on_device_lost_cb), self, 0);
  g_signal_connect_object (self->call, "notify::state", G_CALLBACK (on_call_state_cb), self, 0);

  parla_call_set_audio_muted (self->call, self->audio_muted);
  parla_call_set_video_enabled (self->call, !self->camera_off);

  if (!parla_call_start (self->call, &error))
    {
      finish_call (self, error->message);
      return;
    }

  local = parla_call_get_local_video_track (self->call);
  if (local != NULL)
    parla_video_paintable_set_track (self->self_video, local);

  gtk_stack_set_visible_child_name (self->stack, STAGE_CALL);
  relayout (self);
  update_actions (self);
}

static void
on_signaling_ready_cb (ParlaRealtimeSignaling *signaling,
                       ParlaCallWindow        *self)
{
  g_auto(GStrv) members = parla_signaling_dup_members (PARLA_SIGNALING (signaling));

  for (guint i = 0; members != NULL && members[i] != NULL; i++)
    {
      Participant *participant = ensure_participant (self, members[i],
                                                     parla_realtime_signaling_get_display_name (signaling, members[i]));

      participant->present = TRUE;
      remember_name (self, participant->name);
    }

  ensure_chat (self);
  create_call (self);
}

static void
on_signaling_failed_cb (ParlaRealtimeSignaling *signaling,
                        const GError           *error,
                        ParlaCallWindow        *self)
{
  finish_call (self, error->message);
}

/* Enter the room once the user pressed Join and the media is ready. */
static void
start_call (ParlaCallWindow *self)
{
  if (!self->join_pressed || !self->media_ready || self->signaling != NULL || self->finished)
    return;

  /* Into the call's room from its first message: the chat, listening
   * from now on, gets the room's history, and the signalling, created
   * before any answer can come, its member list. */
  parla_realtime_join_room (parla_context_get_realtime (self->context), self->room, 0);
  ensure_chat (self);
  self->signaling = parla_realtime_signaling_new (parla_context_get_realtime (self->context), self->room);
  g_signal_connect_object (self->signaling, "ready", G_CALLBACK (on_signaling_ready_cb), self, 0);
  g_signal_connect_object (self->signaling, "failed", G_CALLBACK (on_signaling_failed_cb), self, 0);
  g_signal_connect_object (self->signaling, "member-joined", G_CALLBACK (on_member_joined_cb), self, 0);
  g_signal_connect_object (self->signaling, "member-left", G_CALLBACK (on_member_left_cb), self,
                           G_CONNECT_AFTER);
}

static void
on_media_ready_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ParlaCallWindow *self;

  if (!parla_media_init_finish (result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        return;
      self = user_data;
      finish_call (self, error->message);
      return;
    }

  self = user_data;
  self->media_ready = TRUE;
  start_call (self);
}

/* Pre-join */

static void
on_prejoin_join_cb (ParlaPrejoinView *prejoin,
                    ParlaCallWindow  *self)
{
  if (self->join_pressed)
    return;

  self->join_pressed = TRUE;
  g_free (self->camera_id);
  self->camera_id = g_strdup (parla_prejoin_view_get_camera_id (prejoin));
  g_free (self->microphone_id);
  self->microphone_id = g_strdup (parla_prejoin_view_get_microphone_id (prejoin));
  g_free (self->speaker_id);
  self->speaker_id = g_strdup (parla_prejoin_view_get_speaker_id (prejoin));
  self->audio_muted = parla_prejoin_view_get_audio_muted (prejoin);
  self->camera_off = !parla_prejoin_view_get_video_enabled (prejoin);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_MUTED]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_OFF]);
  parla_prejoin_view_stop (prejoin);

  adw_status_page_set_title (self->connecting_status, _("Connecting…"));
  gtk_stack_set_visible_child_name (self->stack, STAGE_CONNECTING);
  start_call (self);
}

/* The title, and below it whom with, the time in the call and the time
 * (or balance) left: "with Lucía · 12:03 · 44 min left". */
static void
update_titles (ParlaCallWindow *self)
{
  const char *title = self->title != NULL ? self->title : _("Call");
  g_autoptr(GString) subtitle = g_string_new (NULL);

  gtk_window_set_title (GTK_WINDOW (self), title);
  adw_window_title_set_title (self->call_title, title);
  adw_window_title_set_subtitle (self->prejoin_title, title);
  if (self->teacher_name != NULL && !self->instant)
    /* Translators: %s is the teacher's name */
    g_string_append_printf (subtitle, _("with %s"), self->teacher_name);
  if (self->elapsed_text != NULL)
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", self->elapsed_text);
  if (self->remaining_text != NULL)
    g_string_append_printf (subtitle, "%s%s", subtitle->len > 0 ? " · " : "", self->remaining_text);
  adw_window_title_set_subtitle (self->call_title, subtitle->str);
}

static GDateTime *
parse_time (JsonObject *object,
            const char *member)
{
  const char *text = json_object_get_string_member_with_default (object, member, NULL);

  return text != NULL ? g_date_time_new_from_iso8601 (text, NULL) : NULL;
}

static void
on_details_cb (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  ParlaCallWindow *self;
  JsonObject *object;
  const char *name;

  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the lesson: %s", error->message);
      return;
    }
  self = user_data;
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    return;

  object = json_node_get_object (answer);
  g_free (self->title);
  self->title = g_strdup (json_object_get_string_member_with_default (object, "title", NULL));
  g_clear_pointer (&self->ends_at, g_date_time_unref);
  self->ends_at = parse_time (object, "end");

  name = json_object_get_string_member_with_default (object, "teacher_name",
                                                     json_object_get_string_member_with_default (object, "host_name", NULL));
  g_free (self->teacher_name);
  self->teacher_name = g_strdup (name);
  g_free (self->teacher_id);
  self->teacher_id = g_strdup (json_object_get_string_member_with_default (object, "teacher_id",
                                                                         json_object_get_string_member_with_default (object, "host_id", NULL)));
  /* A seat in a group session: the learner's own booking. */
  if (self->booking_id == NULL)
    self->booking_id = g_strdup (json_object_get_string_member_with_default (object, "my_booking_id", NULL));

  update_titles (self);
  if (self->prejoin != NULL)
    parla_prejoin_view_set_call_info (PARLA_PREJOIN_VIEW (self->prejoin), self->title,
                                      self->ice_servers != NULL && JSON_NODE_HOLDS_ARRAY (self->ice_servers)
                                        ? json_node_get_array (self->ice_servers) : NULL);
}

static void
on_call_info_cb (GObject      *source,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  ParlaCallWindow *self;
  JsonObject *object;

  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
  if (answer == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_warning ("Cannot read the call: %s", error->message);
      return;
    }
  self = user_data;
  if (!JSON_NODE_HOLDS_OBJECT (answer))
    return;

  object = json_node_get_object (answer);
  self->session_id = g_strdup (json_object_get_string_member_with_default (object, "session_id", NULL));
  self->booking_id = g_strdup (json_object_get_string_member_with_default (object, "booking_id", NULL));

  if (self->booking_id != NULL)
    path = g_strdup_printf ("/api/v1/bookings/%s", self->booking_id);
  else if (self->session_id != NULL)
    path = g_strdup_printf ("/api/v1/sessions/%s", self->session_id);
  else
    return;

  parla_api_client_send_async (parla_context_get_api_client (self->context), "GET", path, NULL, NULL,
                               self->cancellable, on_details_cb, self);
}

static void
take_join_response (ParlaCallWindow *self,
                    JsonObject      *object)
{
  JsonArray *participants;
  g_autofree char *me = parla_realtime_dup_user_id (parla_context_get_realtime (self->context));

  if (self->call_id == NULL)
    self->call_id = g_strdup (json_object_get_string_member_with_default (object, "call_id", NULL));
  self->room = g_strdup (json_object_get_string_member_with_default (object, "room", NULL));
  if (json_object_has_member (object, "ice_servers"))
    self->ice_servers = json_node_copy (json_object_get_member (object, "ice_servers"));

  participants = json_object_has_member (object, "participants")
                   ? json_object_get_array_member (object, "participants") : NULL;
  if (participants != NULL)
    {
      self->participants_json = json_array_ref (participants);
      for (guint i = 0; i < json_array_get_length (participants); i++)
        {
          JsonObject *person = json_array_get_object_element (participants, i);
          const char *user_id = json_object_get_string_member_with_default (person, "user_id", NULL);

          if (user_id != NULL && g_strcmp0 (user_id, me) != 0)
            ensure_participant (self, user_id,
                                json_object_get_string_member_with_default (person, "display_name", NULL));
        }
    }

}

/* The chat of the call's room, created as the window enters it (see
 * start_call()). */
static void
ensure_chat (ParlaCallWindow *self)
{
  if (self->chat != NULL)
    return;

  self->chat = parla_call_chat_new (self->context, self->room, self->participants_json);
  gtk_widget_set_vexpand (self->chat, TRUE);
  gtk_box_append (self->chat_bin, self->chat);
  g_signal_connect_object (self->chat, "notify::unread", G_CALLBACK (update_actions), self,
                           G_CONNECT_SWAPPED);
}

static void
on_joined_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  ParlaCallWindow *self;

  answer = parla_api_client_join_session_finish (PARLA_API_CLIENT (source), result, &error);
  if (answer == NULL && g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  self = user_data;

  if (answer == NULL || !JSON_NODE_HOLDS_OBJECT (answer) ||
      json_object_get_string_member_with_default (json_node_get_object (answer), "room", NULL) == NULL)
    {
      finish_call (self, error != NULL ? error->message : _("The server did not say where the call is"));
      return;
    }

  take_join_response (self, json_node_get_object (answer));

  self->prejoin = parla_prejoin_view_new (self->context);
  gtk_widget_set_vexpand (self->prejoin, TRUE);
  gtk_box_append (self->prejoin_bin, self->prejoin);
  g_signal_connect_object (self->prejoin, "join", G_CALLBACK (on_prejoin_join_cb), self, 0);
  parla_prejoin_view_set_call_info (PARLA_PREJOIN_VIEW (self->prejoin), self->title,
                                    self->ice_servers != NULL && JSON_NODE_HOLDS_ARRAY (self->ice_servers)
                                      ? json_node_get_array (self->ice_servers) : NULL);
  gtk_stack_set_visible_child_name (self->stack, STAGE_PREJOIN);

  path = g_strdup_printf ("/api/v1/calls/%s", self->call_id);
  parla_api_client_send_async (parla_context_get_api_client (self->context), "GET", path, NULL, NULL,
                               self->cancellable, on_call_info_cb, self);
}

/* Instant calls: the balance and the end come from the hub. */

static gboolean
event_is_ours (ParlaCallWindow *self,
               JsonNode        *message)
{
  JsonObject *object = JSON_NODE_HOLDS_OBJECT (message) ? json_node_get_object (message) : NULL;

  return object != NULL && self->call_id != NULL &&
         g_strcmp0 (json_object_get_string_member_with_default (object, "call_id", NULL), self->call_id) == 0;
}

static void
on_balance_low_cb (ParlaRealtime   *realtime,
                   const char      *type,
                   JsonNode        *message,
                   ParlaCallWindow *self)
{
  JsonObject *object;
  g_autofree char *minutes = NULL;
  g_autofree char *text = NULL;

  if (!event_is_ours (self, message))
    return;

  object = json_node_get_object (message);
  self->minutes_left = (int) json_object_get_int_member_with_default (object, "minutes_left", 0);
  minutes = parla_format_minutes (self->minutes_left);
  if (self->minutes_left > 0)
    /* Translators: %s is a number of minutes, like "5 min" */
    text = g_strdup_printf (_("%s of your balance left"), minutes);
  else
    text = g_strdup (_("Your balance is used up: the call ends in a few seconds"));

  g_free (self->remaining_text);
  self->remaining_text = g_strdup (text);
  update_titles (self);
  cue (self, text);
}

static void
on_call_ended_event_cb (ParlaRealtime   *realtime,
                        const char      *type,
                        JsonNode        *message,
                        ParlaCallWindow *self)
{
  JsonObject *object, *earnings;

  if (!event_is_ours (self, message))
    return;

  object = json_node_get_object (message);
  if (json_object_has_member (object, "minutes_left"))
    self->minutes_left = (int) json_object_get_int_member_with_default (object, "minutes_left", 0);
  self->minutes_used = (int) json_object_get_int_member_with_default (object, "minutes_used", 0);
  earnings = json_object_has_member (object, "teacher_earnings") &&
             JSON_NODE_HOLDS_OBJECT (json_object_get_member (object, "teacher_earnings"))
               ? json_object_get_object_member (object, "teacher_earnings") : NULL;
  if (earnings != NULL && parla_context_get_is_teacher (self->context))
    {
      g_free (self->earnings_text);
      self->earnings_text = parla_format_price (json_object_get_int_member_with_default (earnings, "amount_minor", 0),
                                                json_object_get_string_member_with_default (earnings, "currency", "EUR"));
    }

  finish_call (self, json_object_get_string_member_with_default (object, "message", NULL));
}

/* The end */

static void
on_summary_done_cb (ParlaCallSummary *summary,
                    ParlaCallWindow  *self)
{
  self->leave_confirmed = TRUE;
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
show_summary (ParlaCallWindow *self)
{
  g_autoptr(ParlaCallSummaryInfo) info = parla_call_summary_info_new ();

  info->booking_id = g_strdup (self->booking_id);
  info->session_id = g_strdup (self->session_id);
  info->teacher_id = g_strdup (self->teacher_id);
  info->teacher_name = g_strdup (self->teacher_name != NULL ? self->teacher_name : "");
  info->duration_seconds = self->duration_s;
  g_ptr_array_add (self->names_seen, NULL);
  info->participant_names = g_strdupv ((char **) self->names_seen->pdata);
  g_ptr_array_remove_index (self->names_seen, self->names_seen->len - 1);
  info->chat_messages = self->chat != NULL ? parla_call_chat_get_n_messages (PARLA_CALL_CHAT (self->chat)) : 0;
  info->is_learner = !parla_context_get_is_teacher (self->context);
  info->took_place = self->connected_at != 0 && self->names_seen->len > 0;
  info->minutes_used = self->instant ? self->minutes_used : -1;
  info->minutes_left = self->minutes_left;
  info->earnings_text = g_strdup (self->earnings_text);

  self->summary = parla_call_summary_new (self->context, info);
  gtk_widget_set_vexpand (self->summary, TRUE);
  gtk_box_append (self->summary_bin, self->summary);
  g_signal_connect_object (self->summary, "done", G_CALLBACK (on_summary_done_cb), self, 0);
  gtk_stack_set_visible_child_name (self->stack, STAGE_SUMMARY);
}

static void
on_hangup_sent_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  g_autoptr(JsonNode) answer = NULL;
  g_autoptr(GError) error = NULL;

  /* The call may have ended on the server already: nothing to tell. */
  answer = parla_api_client_send_finish (PARLA_API_CLIENT (source), result, &error);
}

static void
finish_call (ParlaCallWindow *self,
             const char      *message)
{
  if (self->finished)
    return;

  self->finished = TRUE;
  if (self->connected_at != 0)
    self->duration_s = (g_get_monotonic_time () - self->connected_at) / G_USEC_PER_SEC;
  g_clear_handle_id (&self->tick_id, g_source_remove);

  if (self->prejoin != NULL)
    parla_prejoin_view_stop (PARLA_PREJOIN_VIEW (self->prejoin));
  parla_video_paintable_set_track (self->self_video, NULL);

  if (self->call != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      parla_call_hang_up (self->call);
    }
  if (self->signaling != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->signaling, self);
      parla_realtime_signaling_leave (self->signaling);
    }

  if (self->instant && self->call_id != NULL && message == NULL)
    {
      g_autofree char *path = g_strdup_printf ("/api/v1/calls/%s/hangup", self->call_id);

      parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", path,
                                   NULL, NULL, NULL, on_hangup_sent_cb, NULL);
    }

  g_free (self->ended_message);
  self->ended_message = g_strdup (message);
  if (message != NULL)
    show_toast (self, message);

  gtk_revealer_set_reveal_child (self->reconnecting_revealer, FALSE);
  show_summary (self);
  update_actions (self);
}

static void
on_leave_response_cb (AdwMessageDialog *dialog,
                      const char       *response,
                      ParlaCallWindow  *self)
{
  if (!g_str_equal (response, "leave"))
    return;

  self->leave_confirmed = TRUE;
  finish_call (self, NULL);
}

/* A lesson before its booked end, or any call going on: ask first. */
static gboolean
should_ask (ParlaCallWindow *self)
{
  const char *stage = gtk_stack_get_visible_child_name (self->stack);

  if (self->finished || self->leave_confirmed || g_strcmp0 (stage, STAGE_CALL) != 0)
    return FALSE;

  return TRUE;
}

static void
ask_to_leave (ParlaCallWindow *self)
{
  GtkWidget *dialog;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  gboolean early = self->ends_at != NULL && g_date_time_compare (now, self->ends_at) < 0;

  dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                   early ? _("Leave the Lesson Early?") : _("Leave the Call?"),
                                   NULL);
  if (early)
    {
      GTimeSpan left = g_date_time_difference (self->ends_at, now);
      g_autofree char *countdown = parla_format_minutes ((int) ((left + G_TIME_SPAN_MINUTE - 1) / G_TIME_SPAN_MINUTE));
      /* Translators: %s is a duration like "12 min" */
      adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
                                      _("The lesson goes on for another %s."), countdown);
    }
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "stay", _("_Stay"),
                                    "leave", _("_Leave"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "leave",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "stay");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "stay");
  g_signal_connect_object (dialog, "response", G_CALLBACK (on_leave_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
hang_up_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ParlaCallWindow *self = PARLA_CALL_WINDOW (widget);

  if (self->finished)
    {
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  if (should_ask (self))
    {
      ask_to_leave (self);
      return;
    }

  /* Before the call started: nothing to ask. */
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), STAGE_CALL) != 0)
    {
      self->leave_confirmed = TRUE;
      g_cancellable_cancel (self->cancellable);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  finish_call (self, NULL);
}

static gboolean
parla_call_window_close_request (GtkWindow *window)
{
  ParlaCallWindow *self = PARLA_CALL_WINDOW (window);

  if (should_ask (self))
    {
      ask_to_leave (self);
      return TRUE;
    }

  return GTK_WINDOW_CLASS (parla_call_window_parent_class)->close_request (window);
}

/* Controls */

static void
set_audio_muted (ParlaCallWindow *self,
                 gboolean         muted)
{
  muted = !!muted;
  if (self->audio_muted == muted)
    return;

  self->audio_muted = muted;
  self->talking = FALSE;
  if (self->call != NULL)
    {
      parla_call_set_audio_muted (self->call, muted);
      send_media_state (self, NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_MUTED]);
  update_actions (self);
}

static void
set_camera_off (ParlaCallWindow *self,
                gboolean         off)
{
  off = !!off;
  if (self->camera_off == off)
    return;

  self->camera_off = off;
  if (self->call != NULL)
    {
      parla_call_set_video_enabled (self->call, !off);
      send_media_state (self, NULL);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CAMERA_OFF]);
  update_actions (self);
}

static void
on_share_started_cb (GObject      *source,
                     GAsyncResult *result,
                     gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ParlaCallWindow *self;

  if (parla_call_start_screen_share_finish (PARLA_CALL (source), result, &error))
    return;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  self->screen_shared = FALSE;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCREEN_SHARED]);
  show_error (self, error);
  update_actions (self);
}

static void
set_screen_shared (ParlaCallWindow *self,
                   gboolean         shared)
{
  shared = !!shared;
  if (self->screen_shared == shared || self->call == NULL)
    return;

  self->screen_shared = shared;
  if (shared)
    parla_call_start_screen_share_async (self->call, self->cancellable, on_share_started_cb, self);
  else
    parla_call_stop_screen_share (self->call);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SCREEN_SHARED]);
  update_actions (self);
}

static void
set_chat_open (ParlaCallWindow *self,
               gboolean         open)
{
  open = !!open;
  if (self->chat_open == open)
    return;

  self->chat_open = open;
  adw_flap_set_reveal_flap (self->chat_flap, open);
  if (self->chat != NULL)
    {
      parla_call_chat_set_active (PARLA_CALL_CHAT (self->chat), open);
      if (open)
        parla_call_chat_focus_entry (PARLA_CALL_CHAT (self->chat));
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHAT_OPEN]);
  update_actions (self);
}

/* A folded (narrow) window closes the chat when the video is clicked. */
static void
on_reveal_flap_cb (AdwFlap         *flap,
                   GParamSpec      *pspec,
                   ParlaCallWindow *self)
{
  set_chat_open (self, adw_flap_get_reveal_flap (flap));
}

static void
update_actions (ParlaCallWindow *self)
{
  gboolean in_call = self->call != NULL && !self->finished;
  guint unread = self->chat != NULL ? parla_call_chat_get_unread (PARLA_CALL_CHAT (self->chat)) : 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.mute", !self->finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.camera-off", !self->finished);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.share-screen", in_call);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "call.chat", self->chat != NULL && !self->finished);

  /* The icon shows the state; the tooltip says what a click does. */
  gtk_button_set_icon_name (GTK_BUTTON (self->mute_button),
                            self->audio_muted ? "microphone-sensitivity-muted-symbolic"
                                              : "microphone-sensitivity-high-symbolic");
  gtk_widget_set_tooltip_text (self->mute_button,
                               self->audio_muted ? _("Unmute (Ctrl+D)")
                                                 : _("Mute (Ctrl+D; hold Space to talk while muted)"));
  gtk_button_set_icon_name (GTK_BUTTON (self->camera_button),
                            self->camera_off ? "camera-disabled-symbolic" : "camera-web-symbolic");
  gtk_widget_set_tooltip_text (self->camera_button,
                               self->camera_off ? _("Turn camera on (Ctrl+E)") : _("Turn camera off (Ctrl+E)"));

  gtk_widget_set_visible (self->self_camera_off, self->camera_off);
  if (self->camera_off)
    parla_video_paintable_clear (self->self_video);

  if (unread > 0 && !self->chat_open)
    {
      g_autofree char *text = g_strdup_printf ("%u", unread);

      gtk_label_set_label (self->unread_badge, text);
      gtk_widget_set_visible (GTK_WIDGET (self->unread_badge), TRUE);
    }
  else
    gtk_widget_set_visible (GTK_WIDGET (self->unread_badge), FALSE);
}

/* Push to talk: hold Space while muted, unless typing. */
static gboolean
on_key_pressed_cb (GtkEventControllerKey *controller,
                   guint                  keyval,
                   guint                  keycode,
                   GdkModifierType        state,
                   ParlaCallWindow       *self)
{
  GtkWidget *focus = gtk_window_get_focus (GTK_WINDOW (self));

  if (keyval != GDK_KEY_space || (state & GDK_MODIFIER_MASK) != 0 || self->call == NULL ||
      self->finished || !self->audio_muted ||
      (focus != NULL && (GTK_IS_EDITABLE (focus) || GTK_IS_TEXT_VIEW (focus) ||
                         gtk_widget_get_ancestor (focus, GTK_TYPE_TEXT_VIEW) != NULL ||
                         GTK_IS_BUTTON (focus))))
    return self->talking && keyval == GDK_KEY_space;

  if (!self->talking)
    {
      self->talking = TRUE;
      parla_call_set_audio_muted (self->call, FALSE);
      send_media_state (self, NULL);
    }

  return TRUE;
}

static void
on_key_released_cb (GtkEventControllerKey *controller,
                    guint                  keyval,
                    guint                  keycode,
                    GdkModifierType        state,
                    ParlaCallWindow       *self)
{
  if (keyval != GDK_KEY_space || !self->talking)
    return;

  self->talking = FALSE;
  if (self->call != NULL && !self->finished)
    {
      parla_call_set_audio_muted (self->call, self->audio_muted);
      send_media_state (self, NULL);
    }
}

/* The self-view: a fifth of the stage's width (16:9), 16 px in from the
 * top left to begin with; drag it anywhere on the stage. */
static gboolean
on_get_child_position_cb (GtkOverlay      *overlay,
                          GtkWidget       *widget,
                          GdkRectangle    *allocation,
                          ParlaCallWindow *self)
{
  int stage_width = gtk_widget_get_width (GTK_WIDGET (overlay));
  int stage_height = gtk_widget_get_height (GTK_WIDGET (overlay));

  if (widget != self->self_view)
    return FALSE;

  allocation->width = CLAMP (stage_width / 5, 96, 256);
  allocation->height = allocation->width * 9 / 16;
  allocation->x = (int) CLAMP (self->self_x, 0, MAX (stage_width - allocation->width, 0));
  allocation->y = (int) CLAMP (self->self_y, 0, MAX (stage_height - allocation->height, 0));

  return TRUE;
}

static void
on_drag_begin_cb (GtkGestureDrag  *gesture,
                  double           x,
                  double           y,
                  ParlaCallWindow *self)
{
  self->drag_x = self->self_x;
  self->drag_y = self->self_y;
}

static void
on_drag_update_cb (GtkGestureDrag  *gesture,
                   double           dx,
                   double           dy,
                   ParlaCallWindow *self)
{
  int max_x = gtk_widget_get_width (GTK_WIDGET (self->stage)) - gtk_widget_get_width (self->self_view);
  int max_y = gtk_widget_get_height (GTK_WIDGET (self->stage)) - gtk_widget_get_height (self->self_view);

  self->self_x = CLAMP (self->drag_x + dx, 0, MAX (max_x, 0));
  self->self_y = CLAMP (self->drag_y + dy, 0, MAX (max_y, 0));
  gtk_widget_queue_allocate (GTK_WIDGET (self->stage));
}

/* GObject */

static void
parla_call_window_constructed (GObject *object)
{
  ParlaCallWindow *self = (ParlaCallWindow *)object;
  ParlaRealtime *realtime = parla_context_get_realtime (self->context);

  G_OBJECT_CLASS (parla_call_window_parent_class)->constructed (object);

  g_signal_connect_object (realtime, "event::call.balance_low", G_CALLBACK (on_balance_low_cb), self, 0);
  g_signal_connect_object (realtime, "event::call.ended", G_CALLBACK (on_call_ended_event_cb), self, 0);

  self->tick_id = g_timeout_add_seconds (1, on_tick_cb, self);
  parla_media_init_async (self->cancellable, on_media_ready_cb, self);
  update_actions (self);
}

static void
parla_call_window_dispose (GObject *object)
{
  ParlaCallWindow *self = (ParlaCallWindow *)object;

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->tick_id, g_source_remove);
  if (self->prejoin != NULL)
    parla_prejoin_view_stop (PARLA_PREJOIN_VIEW (self->prejoin));
  if (self->call != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->call, self);
      if (!self->finished)
        parla_call_hang_up (self->call);
    }
  if (self->signaling != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->signaling, self);
      if (!self->finished)
        parla_realtime_signaling_leave (self->signaling);
    }
  if (self->self_video != NULL)
    parla_video_paintable_set_track (self->self_video, NULL);
  g_clear_pointer (&self->participants, g_hash_table_unref);
  g_clear_object (&self->call);
  g_clear_object (&self->signaling);
  g_clear_object (&self->self_video);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_CALL_WINDOW);

  G_OBJECT_CLASS (parla_call_window_parent_class)->dispose (object);
}

static void
parla_call_window_finalize (GObject *object)
{
  ParlaCallWindow *self = (ParlaCallWindow *)object;

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_pointer (&self->participants_json, json_array_unref);
  g_clear_pointer (&self->ice_servers, json_node_unref);
  g_clear_pointer (&self->ends_at, g_date_time_unref);
  g_clear_pointer (&self->names_seen, g_ptr_array_unref);
  g_free (self->target_id);
  g_free (self->call_id);
  g_free (self->room);
  g_free (self->session_id);
  g_free (self->booking_id);
  g_free (self->teacher_id);
  g_free (self->teacher_name);
  g_free (self->title);
  g_free (self->camera_id);
  g_free (self->microphone_id);
  g_free (self->speaker_id);
  g_free (self->ended_message);
  g_free (self->earnings_text);
  g_free (self->elapsed_text);
  g_free (self->remaining_text);

  G_OBJECT_CLASS (parla_call_window_parent_class)->finalize (object);
}

static void
parla_call_window_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  ParlaCallWindow *self = PARLA_CALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_AUDIO_MUTED:
      g_value_set_boolean (value, self->audio_muted);
      break;

    case PROP_CAMERA_OFF:
      g_value_set_boolean (value, self->camera_off);
      break;

    case PROP_SCREEN_SHARED:
      g_value_set_boolean (value, self->screen_shared);
      break;

    case PROP_CHAT_OPEN:
      g_value_set_boolean (value, self->chat_open);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_call_window_set_property (GObject      *object,
                                guint         prop_id,
                                const GValue *value,
                                GParamSpec   *pspec)
{
  ParlaCallWindow *self = PARLA_CALL_WINDOW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_AUDIO_MUTED:
      set_audio_muted (self, g_value_get_boolean (value));
      break;

    case PROP_CAMERA_OFF:
      set_camera_off (self, g_value_get_boolean (value));
      break;

    case PROP_SCREEN_SHARED:
      set_screen_shared (self, g_value_get_boolean (value));
      break;

    case PROP_CHAT_OPEN:
      set_chat_open (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_call_window_class_init (ParlaCallWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->constructed = parla_call_window_constructed;
  object_class->dispose = parla_call_window_dispose;
  object_class->finalize = parla_call_window_finalize;
  object_class->get_property = parla_call_window_get_property;
  object_class->set_property = parla_call_window_set_property;
  window_class->close_request = parla_call_window_close_request;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         PARLA_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaCallWindow:audio-muted:
   *
   * Whether the microphone is muted (push-to-talk unmutes it for a
   * moment without changing this).
   */
  properties[PROP_AUDIO_MUTED] =
    g_param_spec_boolean ("audio-muted", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CAMERA_OFF] =
    g_param_spec_boolean ("camera-off", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SCREEN_SHARED] =
    g_param_spec_boolean ("screen-shared", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CHAT_OPEN] =
    g_param_spec_boolean ("chat-open", NULL, NULL, FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/call/parla-call-window.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, prejoin_title);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, prejoin_bin);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, connecting_status);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, call_title);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, mute_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, camera_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, quality_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, quality_icon);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, quality_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, rtt_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, loss_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, bitrate_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, route_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, reconnecting_revealer);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, reconnecting_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, video_dropped_revealer);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, stage);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, tile_grid);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, waiting_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, self_view);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, self_picture);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, self_camera_off);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, chat_flap);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, chat_bin);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, unread_badge);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallWindow, summary_bin);

  gtk_widget_class_install_property_action (widget_class, "call.mute", "audio-muted");
  gtk_widget_class_install_property_action (widget_class, "call.camera-off", "camera-off");
  gtk_widget_class_install_property_action (widget_class, "call.share-screen", "screen-shared");
  gtk_widget_class_install_property_action (widget_class, "call.chat", "chat-open");
  gtk_widget_class_install_property_action (widget_class, "call.fullscreen", "fullscreened");
  gtk_widget_class_install_action (widget_class, "call.hang-up", NULL, hang_up_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "call.mute", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "call.camera-off", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_S, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "call.share-screen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_C, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "call.chat", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F11, 0, "call.fullscreen", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_w, GDK_CONTROL_MASK, "call.hang-up", NULL);
}

static void
load_css (void)
{
  static gsize loaded;

  if (g_once_init_enter (&loaded))
    {
      g_autoptr(GtkCssProvider) provider = gtk_css_provider_new ();

      gtk_css_provider_load_from_resource (provider, "/app/parla/Parla/call/parla-call-window.css");
      gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (provider),
                                                  GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
      g_once_init_leave (&loaded, 1);
    }
}

static void
parla_call_window_init (ParlaCallWindow *self)
{
  GtkEventController *keys;
  GtkGesture *drag;

  load_css ();
  gtk_widget_init_template (GTK_WIDGET (self));

  self->cancellable = g_cancellable_new ();
  self->participants = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, participant_free);
  self->names_seen = g_ptr_array_new_with_free_func (g_free);
  self->minutes_left = -1;
  self->self_video = parla_video_paintable_new ();
  gtk_picture_set_paintable (self->self_picture, GDK_PAINTABLE (self->self_video));
  self->self_x = 16;
  self->self_y = 16;
  g_signal_connect (self->stage, "get-child-position", G_CALLBACK (on_get_child_position_cb), self);
  g_signal_connect (self->chat_flap, "notify::reveal-flap", G_CALLBACK (on_reveal_flap_cb), self);

  keys = gtk_event_controller_key_new ();
  gtk_event_controller_set_propagation_phase (keys, GTK_PHASE_CAPTURE);
  g_signal_connect (keys, "key-pressed", G_CALLBACK (on_key_pressed_cb), self);
  g_signal_connect (keys, "key-released", G_CALLBACK (on_key_released_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), keys);

  drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (on_drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (on_drag_update_cb), self);
  gtk_widget_add_controller (self->self_view, GTK_EVENT_CONTROLLER (drag));
}

/**
 * parla_call_window_open_session:
 * @context: the app's #ParlaContext
 * @app: the application
 * @session_or_booking_id: a session's id, or a lesson's booking id
 *
 * Joins the call of a lesson or a group session: `POST
 * /api/v1/sessions/{id}/join`, the pre-join view, then the call.
 *
 * Returns: (transfer none): the window, presented
 */
ParlaCallWindow *
parla_call_window_open_session (ParlaContext   *context,
                                GtkApplication *app,
                                const char     *session_or_booking_id)
{
  ParlaCallWindow *self;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (session_or_booking_id != NULL, NULL);

  self = g_object_new (PARLA_TYPE_CALL_WINDOW, "application", app, "context", context, NULL);
  self->target_id = g_strdup (session_or_booking_id);
  gtk_stack_set_visible_child_name (self->stack, STAGE_CONNECTING);
  parla_api_client_join_session_async (parla_context_get_api_client (context), session_or_booking_id,
                                       self->cancellable, on_joined_cb, self);
  gtk_window_present (GTK_WINDOW (self));

  return self;
}

/**
 * parla_call_window_open_instant:
 * @context: the app's #ParlaContext
 * @app: the application
 * @join_response: `{call_id, room, participants, ice_servers}` from
 *   accepting or joining a call with a tutor now
 * @call_id: the call's id
 *
 * Holds an accepted call with a tutor now: no pre-join view; the
 * remaining balance comes from `call.balance_low`, the end from
 * `call.ended`.
 *
 * Returns: (transfer none): the window, presented
 */
ParlaCallWindow *
parla_call_window_open_instant (ParlaContext   *context,
                                GtkApplication *app,
                                JsonObject     *join_response,
                                const char     *call_id)
{
  ParlaCallWindow *self;
  JsonArray *participants;
  g_autofree char *me = NULL;

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (GTK_IS_APPLICATION (app), NULL);
  g_return_val_if_fail (join_response != NULL, NULL);
  g_return_val_if_fail (call_id != NULL, NULL);

  self = g_object_new (PARLA_TYPE_CALL_WINDOW, "application", app, "context", context, NULL);
  self->instant = TRUE;
  self->call_id = g_strdup (call_id);
  take_join_response (self, join_response);

  /* The other side's name is the title. */
  me = parla_realtime_dup_user_id (parla_context_get_realtime (context));
  participants = self->participants_json;
  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *person = json_array_get_object_element (participants, i);

      if (g_strcmp0 (json_object_get_string_member_with_default (person, "user_id", NULL), me) != 0)
        {
          self->title = g_strdup (json_object_get_string_member_with_default (person, "display_name", NULL));
          if (!parla_context_get_is_teacher (context))
            {
              self->teacher_name = g_strdup (self->title);
              self->teacher_id = g_strdup (json_object_get_string_member_with_default (person, "user_id", NULL));
            }
          break;
        }
    }
  update_titles (self);

  self->join_pressed = TRUE;
  adw_status_page_set_title (self->connecting_status, _("Connecting…"));
  gtk_stack_set_visible_child_name (self->stack, STAGE_CONNECTING);
  start_call (self);
  gtk_window_present (GTK_WINDOW (self));

  return self;
}

/**
 * parla_call_window_get_stage:
 * @self: a #ParlaCallWindow
 *
 * Returns: "connecting", "prejoin", "call" or "summary"
 */
const char *
parla_call_window_get_stage (ParlaCallWindow *self)
{
  g_return_val_if_fail (PARLA_IS_CALL_WINDOW (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * parla_call_window_get_call:
 * @self: a #ParlaCallWindow
 *
 * Returns: (transfer none) (nullable): the engine, once the call started
 */
ParlaCall *
parla_call_window_get_call (ParlaCallWindow *self)
{
  g_return_val_if_fail (PARLA_IS_CALL_WINDOW (self), NULL);

  return self->call;
}

/**
 * parla_call_window_get_remote_video:
 * @self: a #ParlaCallWindow
 * @user_id: a participant
 *
 * Returns: (transfer none) (nullable): what their tile shows
 */
ParlaVideoPaintable *
parla_call_window_get_remote_video (ParlaCallWindow *self,
                                    const char      *user_id)
{
  Participant *participant;

  g_return_val_if_fail (PARLA_IS_CALL_WINDOW (self), NULL);

  participant = g_hash_table_lookup (self->participants, user_id);

  return participant != NULL ? participant->video : NULL;
}

/**
 * parla_call_window_get_self_video:
 * @self: a #ParlaCallWindow
 *
 * Returns: (transfer none): what the self-view shows
 */
ParlaVideoPaintable *
parla_call_window_get_self_video (ParlaCallWindow *self)
{
  g_return_val_if_fail (PARLA_IS_CALL_WINDOW (self), NULL);

  return self->self_video;
}

/**
 * parla_call_window_get_reconnecting:
 * @self: a #ParlaCallWindow
 *
 * Returns: whether the reconnecting banner shows
 */
gboolean
parla_call_window_get_reconnecting (ParlaCallWindow *self)
{
  g_return_val_if_fail (PARLA_IS_CALL_WINDOW (self), FALSE);

  return gtk_revealer_get_reveal_child (self->reconnecting_revealer);
}

/**
 * parla_call_window_get_n_tiles:
 * @self: a #ParlaCallWindow
 *
 * Returns: how many tiles the stage shows
 */
guint
parla_call_window_get_n_tiles (ParlaCallWindow *self)
{
  guint n = 0;

  g_return_val_if_fail (PARLA_IS_CALL_WINDOW (self), 0);

  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->tile_grid));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    n++;

  return n;
}
