/* parla-prejoin-view.c: self-preview, devices and a network check before
 * entering a call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <string.h>

#include <glib/gi18n.h>
#include <adwaita.h>

#include "parla-media.h"
#include "parla-prejoin-view.h"
#include "parla-video-paintable.h"

/* How often the relay is asked, and how long each answer is waited for. */
#define STUN_ATTEMPTS   4
#define STUN_WAIT_MS    700
/* The level bar shows -60 dB to 0 dB. */
#define LEVEL_FLOOR_DB  (-60.0)

typedef enum
{
  CHECK_NONE,
  CHECK_RUNNING,
  CHECK_GOOD,
  CHECK_RELAY_BLOCKED,
  CHECK_SERVER_UNREACHABLE,
} CheckResult;

/**
 * ParlaPrejoinView:
 *
 * What a participant sees before entering a call: the camera's preview,
 * the camera, microphone and speaker to use (following devices as they are
 * plugged in and out), a live microphone level, a speaker test, microphone
 * and camera toggles, and a short check that the Parla server and the
 * call relay can be reached, said in plain words. Join (Enter) emits
 * #ParlaPrejoinView::join; the window then calls parla_prejoin_view_stop()
 * and starts the call with the choices made here.
 */
struct _ParlaPrejoinView
{
  GtkWidget           parent_instance;

  /* owned */
  ParlaContext       *context;
  ParlaMediaPreview  *preview;
  ParlaDeviceMonitor *monitor;
  ParlaVideoPaintable *paintable;
  GCancellable       *check_cancellable;
  JsonArray          *ice_servers;
  GPtrArray          *device_ids[3];   /* by ParlaDeviceKind; [0] is NULL: the default */
  GSocket            *stun_socket;
  GSocketAddress     *stun_address;
  GSource            *stun_source;
  char               *check_text;

  /* template children */
  GtkLabel           *title_label;
  GtkPicture         *picture;
  AdwStatusPage      *camera_off_page;
  GtkToggleButton    *mute_button;
  GtkToggleButton    *camera_button;
  AdwComboRow        *camera_row;
  AdwComboRow        *microphone_row;
  AdwComboRow        *speaker_row;
  GtkLevelBar        *level_bar;
  AdwActionRow       *check_row;
  GtkStack           *check_stack;
  GtkSpinner         *check_spinner;
  GtkImage           *check_icon;
  GtkWidget          *join_button;

  guint               stun_attempts;
  guint8              stun_transaction[12];
  CheckResult         check;
  gboolean            audio_muted;
  gboolean            video_enabled;
  gboolean            updating_rows;
};

G_DEFINE_FINAL_TYPE (ParlaPrejoinView, parla_prejoin_view, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_AUDIO_MUTED,
  PROP_VIDEO_ENABLED,
  PROP_CHECK_RESULT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  JOIN,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void start_check (ParlaPrejoinView *self);

static void
update_actions (ParlaPrejoinView *self)
{
  gboolean running = self->preview != NULL && parla_media_preview_get_running (self->preview);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prejoin.test-speaker", self->preview != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prejoin.toggle-camera", running);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "prejoin.check", self->check != CHECK_RUNNING);
}

/* Video */

static void
set_track (ParlaPrejoinView *self,
           ParlaRemoteTrack *track)
{
  parla_video_paintable_set_track (self->paintable, track);
  if (track == NULL)
    parla_video_paintable_clear (self->paintable);
}

static void
on_video_track_notify_cb (ParlaMediaPreview *preview,
                          GParamSpec        *pspec,
                          ParlaPrejoinView  *self)
{
  set_track (self, parla_media_preview_get_video_track (preview));
  update_actions (self);
}

static gboolean
level_to_bar (GBinding     *binding,
              const GValue *from,
              GValue       *to,
              gpointer      user_data)
{
  double db = g_value_get_double (from);

  g_value_set_double (to, CLAMP ((db - LEVEL_FLOOR_DB) / -LEVEL_FLOOR_DB, 0.0, 1.0));
  return TRUE;
}

/* Devices */

static ParlaDeviceKind
row_kind (ParlaPrejoinView *self,
          AdwComboRow      *row)
{
  if (row == self->camera_row)
    return PARLA_DEVICE_KIND_CAMERA;
  if (row == self->microphone_row)
    return PARLA_DEVICE_KIND_MICROPHONE;
  return PARLA_DEVICE_KIND_SPEAKER;
}

static AdwComboRow *
kind_row (ParlaPrejoinView *self,
          ParlaDeviceKind   kind)
{
  AdwComboRow *rows[] = { self->camera_row, self->microphone_row, self->speaker_row };

  return rows[kind];
}

static const char *
selected_id (ParlaPrejoinView *self,
             ParlaDeviceKind   kind)
{
  guint selected = adw_combo_row_get_selected (kind_row (self, kind));

  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->device_ids[kind]->len)
    return NULL;

  return g_ptr_array_index (self->device_ids[kind], selected);
}

/* Lists @kind's devices, "Default" first, keeping the choice when the
 * chosen device is still there. */
static void
fill_row (ParlaPrejoinView *self,
          ParlaDeviceKind   kind)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) devices = NULL;
  g_autofree char *chosen = g_strdup (self->device_ids[kind]->len > 0 ? selected_id (self, kind) : NULL);
  guint selected = 0;

  g_ptr_array_set_size (self->device_ids[kind], 0);
  g_ptr_array_add (self->device_ids[kind], NULL);
  gtk_string_list_append (names, _("System Default"));

  devices = self->monitor != NULL ? parla_device_monitor_dup_devices (self->monitor, kind) : NULL;
  for (guint i = 0; devices != NULL && i < devices->len; i++)
    {
      ParlaDevice *device = g_ptr_array_index (devices, i);

      if (g_strcmp0 (parla_device_get_id (device), chosen) == 0)
        selected = self->device_ids[kind]->len;
      g_ptr_array_add (self->device_ids[kind], g_strdup (parla_device_get_id (device)));
      gtk_string_list_append (names, parla_device_get_display_name (device));
    }

  self->updating_rows = TRUE;
  adw_combo_row_set_model (kind_row (self, kind), G_LIST_MODEL (names));
  adw_combo_row_set_selected (kind_row (self, kind), selected);
  self->updating_rows = FALSE;
}

static void
on_device_changed_cb (ParlaDeviceMonitor *monitor,
                      ParlaDevice        *device,
                      ParlaPrejoinView   *self)
{
  fill_row (self, parla_device_get_kind (device));
}

static void
on_row_selected_cb (AdwComboRow      *row,
                    GParamSpec       *pspec,
                    ParlaPrejoinView *self)
{
  g_autoptr(GError) error = NULL;
  ParlaDeviceKind kind = row_kind (self, row);
  const char *id = selected_id (self, kind);
  gboolean ok = TRUE;

  if (self->updating_rows || self->preview == NULL)
    return;

  if (kind == PARLA_DEVICE_KIND_CAMERA)
    ok = parla_media_preview_set_camera (self->preview, id, &error);
  else if (kind == PARLA_DEVICE_KIND_MICROPHONE)
    ok = parla_media_preview_set_microphone (self->preview, id, &error);
  else
    ok = parla_media_preview_set_speaker (self->preview, id, &error);

  /* Test sources have no device to switch: the choice is still kept for
   * the call. */
  if (!ok && !g_error_matches (error, PARLA_MEDIA_ERROR, PARLA_MEDIA_ERROR_INVALID_STATE))
    g_warning ("Cannot switch the device: %s", error->message);
}

static void
start_preview (ParlaPrejoinView *self)
{
  g_autoptr(ParlaCallOptions) options = parla_call_options_new ();
  g_autoptr(GError) error = NULL;
  ParlaMediaSource source = g_getenv ("PARLA_TEST_SOURCES") != NULL ? PARLA_MEDIA_SOURCE_TEST
                                                                     : PARLA_MEDIA_SOURCE_DEVICE;

  parla_call_options_set_video_source (options, source);
  parla_call_options_set_audio_source (options, source);
  parla_call_options_set_video_size (options, 640, 360, 30);

  self->preview = parla_media_preview_new (options, &error);
  if (self->preview == NULL)
    {
      g_warning ("No preview: %s", error->message);
      return;
    }

  g_signal_connect (self->preview, "notify::video-track", G_CALLBACK (on_video_track_notify_cb), self);
  g_object_bind_property_full (self->preview, "level", self->level_bar, "value",
                               G_BINDING_SYNC_CREATE, level_to_bar, NULL, NULL, NULL);
  g_object_bind_property (self, "video-enabled", self->preview, "video-enabled",
                          G_BINDING_SYNC_CREATE);

  if (!parla_media_preview_start (self->preview, &error))
    g_warning ("Cannot start the preview: %s", error->message);
  set_track (self, parla_media_preview_get_video_track (self->preview));
}

/* The connection check */

static void
set_check (ParlaPrejoinView *self,
           CheckResult       check)
{
  const char *text = NULL;
  const char *icon = "network-wired-symbolic";

  self->check = check;

  switch (check)
    {
    case CHECK_NONE:
      text = _("Not checked yet");
      break;
    case CHECK_RUNNING:
      text = _("Checking the connection…");
      break;
    case CHECK_GOOD:
      text = _("Connection looks good");
      icon = "emblem-ok-symbolic";
      break;
    case CHECK_RELAY_BLOCKED:
      text = _("Your network blocks calls through the relay: video may not work");
      icon = "dialog-warning-symbolic";
      break;
    case CHECK_SERVER_UNREACHABLE:
      text = _("Cannot reach the Parla server");
      icon = "network-offline-symbolic";
      break;
    default:
      g_assert_not_reached ();
    }

  g_free (self->check_text);
  self->check_text = g_strdup (text);
  adw_action_row_set_subtitle (self->check_row, text);
  gtk_image_set_from_icon_name (self->check_icon, icon);
  gtk_spinner_set_spinning (self->check_spinner, check == CHECK_RUNNING);
  gtk_stack_set_visible_child_name (self->check_stack, check == CHECK_RUNNING ? "checking" : "result");
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECK_RESULT]);
}

static void
stop_stun (ParlaPrejoinView *self)
{
  if (self->stun_source != NULL)
    {
      g_source_destroy (self->stun_source);
      g_clear_pointer (&self->stun_source, g_source_unref);
    }
  if (self->stun_socket != NULL)
    g_socket_close (self->stun_socket, NULL);
  g_clear_object (&self->stun_socket);
  g_clear_object (&self->stun_address);
}

static void send_stun (ParlaPrejoinView *self);

static gboolean
on_stun_timeout_cb (gpointer user_data)
{
  ParlaPrejoinView *self = user_data;

  g_clear_pointer (&self->stun_source, g_source_unref);
  if (self->stun_attempts >= STUN_ATTEMPTS)
    {
      stop_stun (self);
      set_check (self, CHECK_RELAY_BLOCKED);
      return G_SOURCE_REMOVE;
    }

  send_stun (self);
  return G_SOURCE_REMOVE;
}

/* A Binding success response with our transaction id. */
static gboolean
on_stun_readable_cb (GSocket      *socket,
                     GIOCondition  condition,
                     gpointer      user_data)
{
  ParlaPrejoinView *self = user_data;
  guint8 answer[548];
  gssize n;

  n = g_socket_receive (socket, (char *) answer, sizeof answer, NULL, NULL);
  if (n >= 20 && answer[0] == 0x01 && answer[1] == 0x01 &&
      memcmp (answer + 8, self->stun_transaction, 12) == 0)
    {
      stop_stun (self);
      set_check (self, CHECK_GOOD);
      return G_SOURCE_REMOVE;
    }

  /* Anything else (an ICMP error, a stray datagram): wait on. */
  return G_SOURCE_CONTINUE;
}

static void
send_stun (ParlaPrejoinView *self)
{
  guint8 request[20] = { 0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xa4, 0x42 };
  g_autoptr(GSource) readable = NULL;
  g_autoptr(GSource) timeout = NULL;

  memcpy (request + 8, self->stun_transaction, 12);
  self->stun_attempts++;
  /* A refused datagram shows as a failed send or receive: the timeout
   * decides either way. */
  g_socket_send_to (self->stun_socket, self->stun_address, (const char *) request,
                    sizeof request, NULL, NULL);

  readable = g_socket_create_source (self->stun_socket, G_IO_IN, NULL);
  timeout = g_timeout_source_new (STUN_WAIT_MS);
  g_source_set_callback (timeout, on_stun_timeout_cb, self, NULL);
  g_source_set_callback (readable, G_SOURCE_FUNC (on_stun_readable_cb), self, NULL);
  g_source_add_child_source (timeout, readable);
  g_source_attach (timeout, NULL);
  self->stun_source = g_steal_pointer (&timeout);
}

static void
on_relay_resolved_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  ParlaPrejoinView *self;
  g_autoptr(GSocketAddress) address = NULL;
  g_autoptr(GError) error = NULL;

  address = g_socket_address_enumerator_next_finish (G_SOCKET_ADDRESS_ENUMERATOR (source),
                                                     result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (address == NULL)
    {
      set_check (self, CHECK_RELAY_BLOCKED);
      return;
    }

  self->stun_socket = g_socket_new (g_socket_address_get_family (address), G_SOCKET_TYPE_DATAGRAM,
                                    G_SOCKET_PROTOCOL_UDP, &error);
  if (self->stun_socket == NULL)
    {
      g_warning ("No socket for the relay check: %s", error->message);
      set_check (self, CHECK_RELAY_BLOCKED);
      return;
    }
  g_socket_set_blocking (self->stun_socket, FALSE);
  self->stun_address = g_steal_pointer (&address);
  self->stun_attempts = 0;
  for (guint i = 0; i < G_N_ELEMENTS (self->stun_transaction); i++)
    self->stun_transaction[i] = g_random_int_range (0, 256);
  send_stun (self);
}

/* "turn:host:port?transport=udp" or "stun:host:port" to "host:port";
 * NULL for TURN over TLS or TCP only. */
static char *
relay_host (const char *url)
{
  const char *rest;
  const char *query;

  if (g_str_has_prefix (url, "turn:"))
    rest = url + strlen ("turn:");
  else if (g_str_has_prefix (url, "stun:"))
    rest = url + strlen ("stun:");
  else
    return NULL;

  query = strchr (rest, '?');
  if (query != NULL && strstr (query, "transport=tcp") != NULL)
    return NULL;

  return query != NULL ? g_strndup (rest, query - rest) : g_strdup (rest);
}

/* The TURN host first, else the STUN one. */
static char *
find_relay (JsonArray *ice_servers)
{
  g_autofree char *stun = NULL;

  for (guint i = 0; ice_servers != NULL && i < json_array_get_length (ice_servers); i++)
    {
      JsonNode *node = json_array_get_element (ice_servers, i);
      JsonNode *urls;

      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      urls = json_object_get_member (json_node_get_object (node), "urls");
      if (urls == NULL)
        continue;

      for (guint j = 0; j < (JSON_NODE_HOLDS_ARRAY (urls) ? json_array_get_length (json_node_get_array (urls)) : 1); j++)
        {
          JsonNode *url = JSON_NODE_HOLDS_ARRAY (urls) ? json_array_get_element (json_node_get_array (urls), j) : urls;
          const char *text = JSON_NODE_HOLDS_VALUE (url) ? json_node_get_string (url) : NULL;
          g_autofree char *host = text != NULL ? relay_host (text) : NULL;

          if (host == NULL)
            continue;
          if (g_str_has_prefix (text, "turn:"))
            return g_steal_pointer (&host);
          if (stun == NULL)
            stun = g_steal_pointer (&host);
        }
    }

  return g_steal_pointer (&stun);
}

static void
on_health_cb (GObject      *source,
              GAsyncResult *result,
              gpointer      user_data)
{
  ParlaPrejoinView *self;
  g_autoptr(JsonNode) health = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *relay = NULL;
  g_autoptr(GSocketConnectable) connectable = NULL;
  g_autoptr(GSocketAddressEnumerator) enumerator = NULL;

  health = parla_api_client_health_finish (PARLA_API_CLIENT (source), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = user_data;
  if (health == NULL)
    {
      set_check (self, CHECK_SERVER_UNREACHABLE);
      return;
    }

  relay = find_relay (self->ice_servers);
  if (relay == NULL)
    {
      set_check (self, CHECK_GOOD);
      return;
    }

  connectable = g_network_address_parse (relay, 3478, &error);
  if (connectable == NULL)
    {
      set_check (self, CHECK_RELAY_BLOCKED);
      return;
    }
  enumerator = g_socket_connectable_enumerate (connectable);
  g_socket_address_enumerator_next_async (enumerator, self->check_cancellable,
                                          on_relay_resolved_cb, self);
}

static void
start_check (ParlaPrejoinView *self)
{
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  stop_stun (self);

  self->check_cancellable = g_cancellable_new ();
  set_check (self, CHECK_RUNNING);
  parla_api_client_health_async (parla_context_get_api_client (self->context),
                                 self->check_cancellable, on_health_cb, self);
}

/* Actions */

static void
join_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  g_signal_emit (widget, signals[JOIN], 0);
}

static void
toggle_mute_action (GtkWidget  *widget,
                    const char *action_name,
                    GVariant   *parameter)
{
  ParlaPrejoinView *self = PARLA_PREJOIN_VIEW (widget);

  self->audio_muted = !self->audio_muted;
  gtk_button_set_icon_name (GTK_BUTTON (self->mute_button),
                            self->audio_muted ? "microphone-disabled-symbolic"
                                              : "audio-input-microphone-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->mute_button),
                               self->audio_muted ? _("Unmute Microphone (Ctrl+D)")
                                                 : _("Mute Microphone (Ctrl+D)"));
  gtk_toggle_button_set_active (self->mute_button, self->audio_muted);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AUDIO_MUTED]);
}

static void
toggle_camera_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ParlaPrejoinView *self = PARLA_PREJOIN_VIEW (widget);

  self->video_enabled = !self->video_enabled;
  gtk_button_set_icon_name (GTK_BUTTON (self->camera_button),
                            self->video_enabled ? "camera-web-symbolic" : "camera-disabled-symbolic");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->camera_button),
                               self->video_enabled ? _("Turn Camera Off (Ctrl+E)")
                                                   : _("Turn Camera On (Ctrl+E)"));
  gtk_toggle_button_set_active (self->camera_button, !self->video_enabled);
  gtk_widget_set_visible (GTK_WIDGET (self->camera_off_page), !self->video_enabled);
  /* The preview gets no frames while off: no last frame either. */
  if (!self->video_enabled)
    parla_video_paintable_clear (self->paintable);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_VIDEO_ENABLED]);
}

static void
test_speaker_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ParlaPrejoinView *self = PARLA_PREJOIN_VIEW (widget);
  g_autoptr(GError) error = NULL;

  if (self->preview != NULL && !parla_media_preview_play_test_sound (self->preview, &error))
    g_warning ("Cannot play the test sound: %s", error->message);
}

static void
check_action (GtkWidget  *widget,
              const char *action_name,
              GVariant   *parameter)
{
  start_check (PARLA_PREJOIN_VIEW (widget));
}

/* GObject */

static void
parla_prejoin_view_root (GtkWidget *widget)
{
  ParlaPrejoinView *self = PARLA_PREJOIN_VIEW (widget);
  GtkRoot *root;

  GTK_WIDGET_CLASS (parla_prejoin_view_parent_class)->root (widget);

  root = gtk_widget_get_root (widget);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_default_widget (GTK_WINDOW (root), self->join_button);
}

static void
parla_prejoin_view_constructed (GObject *object)
{
  ParlaPrejoinView *self = (ParlaPrejoinView *)object;
  g_autoptr(GError) error = NULL;

  G_OBJECT_CLASS (parla_prejoin_view_parent_class)->constructed (object);

  g_return_if_fail (PARLA_IS_CONTEXT (self->context));

  self->monitor = parla_device_monitor_new ();
  if (!parla_device_monitor_start (self->monitor, &error))
    g_info ("No device list: %s", error->message);
  g_signal_connect (self->monitor, "device-added", G_CALLBACK (on_device_changed_cb), self);
  g_signal_connect (self->monitor, "device-removed", G_CALLBACK (on_device_changed_cb), self);
  for (ParlaDeviceKind kind = PARLA_DEVICE_KIND_CAMERA; kind <= PARLA_DEVICE_KIND_SPEAKER; kind++)
    fill_row (self, kind);

  start_preview (self);
  update_actions (self);
}

static void
parla_prejoin_view_dispose (GObject *object)
{
  ParlaPrejoinView *self = (ParlaPrejoinView *)object;

  parla_prejoin_view_stop (self);
  g_cancellable_cancel (self->check_cancellable);
  g_clear_object (&self->check_cancellable);
  stop_stun (self);
  if (self->monitor != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->monitor, self);
      parla_device_monitor_stop (self->monitor);
      g_clear_object (&self->monitor);
    }

  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_PREJOIN_VIEW);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (parla_prejoin_view_parent_class)->dispose (object);
}

static void
parla_prejoin_view_finalize (GObject *object)
{
  ParlaPrejoinView *self = (ParlaPrejoinView *)object;

  g_clear_object (&self->context);
  g_clear_pointer (&self->ice_servers, json_array_unref);
  g_clear_pointer (&self->check_text, g_free);
  g_clear_object (&self->paintable);
  for (guint i = 0; i < G_N_ELEMENTS (self->device_ids); i++)
    g_clear_pointer (&self->device_ids[i], g_ptr_array_unref);

  G_OBJECT_CLASS (parla_prejoin_view_parent_class)->finalize (object);
}

static void
parla_prejoin_view_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ParlaPrejoinView *self = PARLA_PREJOIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_AUDIO_MUTED:
      g_value_set_boolean (value, self->audio_muted);
      break;

    case PROP_VIDEO_ENABLED:
      g_value_set_boolean (value, self->video_enabled);
      break;

    case PROP_CHECK_RESULT:
      g_value_set_string (value, self->check_text);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_prejoin_view_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ParlaPrejoinView *self = PARLA_PREJOIN_VIEW (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_prejoin_view_class_init (ParlaPrejoinViewClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_prejoin_view_constructed;
  object_class->dispose = parla_prejoin_view_dispose;
  object_class->finalize = parla_prejoin_view_finalize;
  object_class->get_property = parla_prejoin_view_get_property;
  object_class->set_property = parla_prejoin_view_set_property;
  widget_class->root = parla_prejoin_view_root;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         PARLA_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  properties[PROP_AUDIO_MUTED] =
    g_param_spec_boolean ("audio-muted", NULL, NULL,
                          FALSE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_VIDEO_ENABLED] =
    g_param_spec_boolean ("video-enabled", NULL, NULL,
                          TRUE,
                          (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaPrejoinView:check-result:
   *
   * The connection check's result, as shown to the user.
   */
  properties[PROP_CHECK_RESULT] =
    g_param_spec_string ("check-result", NULL, NULL,
                         NULL,
                         (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaPrejoinView::join:
   *
   * The user pressed Join.
   */
  signals[JOIN] =
    g_signal_new ("join",
                  G_TYPE_FROM_CLASS (klass),
                  G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL,
                  G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/call/parla-prejoin-view.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, title_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, picture);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, camera_off_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, mute_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, camera_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, camera_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, microphone_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, speaker_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, level_bar);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, check_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, check_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, check_spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, check_icon);
  gtk_widget_class_bind_template_child (widget_class, ParlaPrejoinView, join_button);

  gtk_widget_class_install_action (widget_class, "prejoin.join", NULL, join_action);
  gtk_widget_class_install_action (widget_class, "prejoin.toggle-mute", NULL, toggle_mute_action);
  gtk_widget_class_install_action (widget_class, "prejoin.toggle-camera", NULL, toggle_camera_action);
  gtk_widget_class_install_action (widget_class, "prejoin.test-speaker", NULL, test_speaker_action);
  gtk_widget_class_install_action (widget_class, "prejoin.check", NULL, check_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Return, 0, "prejoin.join", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Enter, 0, "prejoin.join", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_d, GDK_CONTROL_MASK, "prejoin.toggle-mute", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_e, GDK_CONTROL_MASK, "prejoin.toggle-camera", NULL);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "prejoinview");
}

static void
parla_prejoin_view_init (ParlaPrejoinView *self)
{
  self->video_enabled = TRUE;
  for (guint i = 0; i < G_N_ELEMENTS (self->device_ids); i++)
    self->device_ids[i] = g_ptr_array_new_with_free_func (g_free);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_widget_set_visible (GTK_WIDGET (self->camera_off_page), FALSE);
  self->paintable = parla_video_paintable_new ();
  gtk_picture_set_paintable (self->picture, GDK_PAINTABLE (self->paintable));
  g_signal_connect (self->camera_row, "notify::selected", G_CALLBACK (on_row_selected_cb), self);
  g_signal_connect (self->microphone_row, "notify::selected", G_CALLBACK (on_row_selected_cb), self);
  g_signal_connect (self->speaker_row, "notify::selected", G_CALLBACK (on_row_selected_cb), self);
}

/**
 * parla_prejoin_view_new:
 * @context: the signed-in context
 *
 * Opens the camera and the microphone (test sources when the environment
 * has `PARLA_TEST_SOURCES`) for the preview.
 *
 * Returns: (transfer floating): a new #ParlaPrejoinView
 */
GtkWidget *
parla_prejoin_view_new (ParlaContext *context)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);

  return g_object_new (PARLA_TYPE_PREJOIN_VIEW, "context", context, NULL);
}

/**
 * parla_prejoin_view_set_call_info:
 * @self: a #ParlaPrejoinView
 * @title: (nullable): what the call is, shown as the heading
 * @ice_servers: (nullable): the join response's `ice_servers`
 *
 * Shows @title and starts the connection check: the Parla server's health,
 * then a STUN binding to the TURN host (or the STUN host) over UDP.
 */
void
parla_prejoin_view_set_call_info (ParlaPrejoinView *self,
                                  const char       *title,
                                  JsonArray        *ice_servers)
{
  g_return_if_fail (PARLA_IS_PREJOIN_VIEW (self));

  gtk_label_set_label (self->title_label, title != NULL ? title : _("Ready to join?"));
  g_clear_pointer (&self->ice_servers, json_array_unref);
  if (ice_servers != NULL)
    self->ice_servers = json_array_ref (ice_servers);

  start_check (self);
}

/**
 * parla_prejoin_view_get_camera_id:
 * @self: a #ParlaPrejoinView
 *
 * Returns: (nullable): the chosen camera's #ParlaDevice id, %NULL for the
 *   default
 */
const char *
parla_prejoin_view_get_camera_id (ParlaPrejoinView *self)
{
  g_return_val_if_fail (PARLA_IS_PREJOIN_VIEW (self), NULL);

  return selected_id (self, PARLA_DEVICE_KIND_CAMERA);
}

/**
 * parla_prejoin_view_get_microphone_id:
 * @self: a #ParlaPrejoinView
 *
 * Returns: (nullable): the chosen microphone, %NULL for the default
 */
const char *
parla_prejoin_view_get_microphone_id (ParlaPrejoinView *self)
{
  g_return_val_if_fail (PARLA_IS_PREJOIN_VIEW (self), NULL);

  return selected_id (self, PARLA_DEVICE_KIND_MICROPHONE);
}

/**
 * parla_prejoin_view_get_speaker_id:
 * @self: a #ParlaPrejoinView
 *
 * Returns: (nullable): the chosen speaker, %NULL for the default
 */
const char *
parla_prejoin_view_get_speaker_id (ParlaPrejoinView *self)
{
  g_return_val_if_fail (PARLA_IS_PREJOIN_VIEW (self), NULL);

  return selected_id (self, PARLA_DEVICE_KIND_SPEAKER);
}

/**
 * parla_prejoin_view_get_audio_muted:
 * @self: a #ParlaPrejoinView
 *
 * Returns: whether to enter the call muted
 */
gboolean
parla_prejoin_view_get_audio_muted (ParlaPrejoinView *self)
{
  g_return_val_if_fail (PARLA_IS_PREJOIN_VIEW (self), FALSE);

  return self->audio_muted;
}

/**
 * parla_prejoin_view_get_video_enabled:
 * @self: a #ParlaPrejoinView
 *
 * Returns: whether to enter the call with the camera on
 */
gboolean
parla_prejoin_view_get_video_enabled (ParlaPrejoinView *self)
{
  g_return_val_if_fail (PARLA_IS_PREJOIN_VIEW (self), TRUE);

  return self->video_enabled;
}

/**
 * parla_prejoin_view_get_check_result:
 * @self: a #ParlaPrejoinView
 *
 * Returns: (nullable): the connection check's result as shown, or %NULL
 *   before parla_prejoin_view_set_call_info()
 */
const char *
parla_prejoin_view_get_check_result (ParlaPrejoinView *self)
{
  g_return_val_if_fail (PARLA_IS_PREJOIN_VIEW (self), NULL);

  return self->check_text;
}

/**
 * parla_prejoin_view_stop:
 * @self: a #ParlaPrejoinView
 *
 * Releases the camera, the microphone and the speaker, for the call to
 * take them. The choices stay readable.
 */
void
parla_prejoin_view_stop (ParlaPrejoinView *self)
{
  g_return_if_fail (PARLA_IS_PREJOIN_VIEW (self));

  set_track (self, NULL);
  if (self->preview != NULL)
    {
      g_signal_handlers_disconnect_by_data (self->preview, self);
      parla_media_preview_stop (self->preview);
      g_clear_object (&self->preview);
    }
  update_actions (self);
}
