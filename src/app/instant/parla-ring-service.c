/* parla-ring-service.c: the teacher's phone for calls with a tutor now
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-incoming-call-dialog.h"
#include "parla-instant-call.h"
#include "parla-ring-service.h"
#include "parla-ringtone.h"
#include "parla-teacher-format.h"
#include "parla-window.h"

#define NOTIFICATION_RING      "incoming-call"
#define NOTIFICATION_INSTANT   "instant-call"

/**
 * ParlaRingService:
 *
 * Owned by the application, for as long as it runs. It listens to the
 * instant-call events of the context's realtime connection
 * (docs/protocol.md, "Calls with a tutor now") and makes the teacher's
 * side of them:
 *
 * - `call.ringing` for the signed-in teacher: an urgent #GNotification
 *   (id `incoming-call`) with Accept (`app.accept-call`) and Decline
 *   (`app.decline-call`) buttons, whose default action
 *   (`app.show-incoming-call`) brings up the #ParlaIncomingCallDialog; the
 *   dialog at once when a main window is open; and a #ParlaRingtone;
 * - `call.accepted`, `call.timeout`, `call.cancelled`, `call.declined`:
 *   the ring stops, the notification is withdrawn and the dialog closes,
 *   whichever device answered;
 * - `instant.unavailable`: the server stopped ringing this teacher; says
 *   why (notification and toast) and sets the presence back to `online`;
 * - `call.teacher_available` (learners): a notification that a tutor is
 *   free now.
 *
 * The actions it adds to the application work in a process that D-Bus
 * started for them, with no window: they restore the session first.
 * While the teacher is available for instant calls (their own presence,
 * as the server reports it to their connections, is `available`), the
 * service holds the application, so that it keeps running with its
 * windows closed; it lets go when they are not or sign out.
 */
struct _ParlaRingService
{
  GObject           parent_instance;

  /* borrowed: the application owns the service */
  GtkApplication   *application;

  /* owned */
  ParlaContext     *context;
  GSignalGroup     *realtime_signals;
  GCancellable     *cancellable;
  ParlaRingtone    *ringtone;
  ParlaIncomingCallDialog *dialog;
  char             *call_id;          /* the call ringing here, or NULL */
  char             *learner_name;
  char             *details;
  char             *goal;
  GDateTime        *ring_deadline;
  gboolean          available;
  gboolean          held;
  gboolean          quitting;         /* no more holding */
};

G_DEFINE_FINAL_TYPE (ParlaRingService, parla_ring_service, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_RINGING,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

typedef enum {
  ANSWER_ACCEPT,
  ANSWER_DECLINE,
} Answer;

typedef struct
{
  ParlaRingService *self;      /* owned */
  char             *call_id;
  Answer            answer;
} AnswerData;

static void
answer_data_free (AnswerData *data)
{
  g_clear_object (&data->self);
  g_free (data->call_id);
  g_free (data);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (AnswerData, answer_data_free)

static void answer_call (ParlaRingService *self,
                         const char       *call_id,
                         Answer            answer);

/* Helpers */

static const char *
my_user_id (ParlaRingService *self)
{
  ParlaUser *user = parla_context_get_user (self->context);

  return user != NULL ? parla_user_get_id (user) : NULL;
}

static ParlaWindow *
find_main_window (ParlaRingService *self)
{
  GtkWindow *active = gtk_application_get_active_window (self->application);

  if (PARLA_IS_WINDOW (active))
    return PARLA_WINDOW (active);

  for (GList *l = gtk_application_get_windows (self->application); l != NULL; l = l->next)
    if (PARLA_IS_WINDOW (l->data))
      return l->data;

  return NULL;
}

/* Tells the user @message: a toast in the main window when one is open,
 * else a notification. */
static void
tell (ParlaRingService *self,
      const char       *title,
      const char       *message)
{
  ParlaWindow *window = find_main_window (self);
  g_autoptr(GNotification) notification = NULL;

  if (window != NULL)
    {
      parla_widget_show_toast (GTK_WIDGET (window), message);
      return;
    }

  notification = g_notification_new (title);
  g_notification_set_body (notification, message);
  g_application_send_notification (G_APPLICATION (self->application), NOTIFICATION_INSTANT, notification);
}

static void
set_available (ParlaRingService *self,
               gboolean          available)
{
  if (self->available == available)
    return;

  self->available = available;
  if (available && !self->held && !self->quitting)
    {
      g_application_hold (G_APPLICATION (self->application));
      self->held = TRUE;
    }
  else if (!available && self->held)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self->application));
    }

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
on_dialog_response_cb (ParlaIncomingCallDialog *dialog,
                       const char              *response,
                       ParlaRingService        *self)
{
  g_autofree char *call_id = g_strdup (parla_incoming_call_dialog_get_call_id (dialog));

  /* The dialog closes itself after a response. */
  g_signal_handlers_disconnect_by_data (dialog, self);
  if (self->dialog == dialog)
    self->dialog = NULL;
  g_object_unref (dialog);

  answer_call (self, call_id, g_str_equal (response, "accept") ? ANSWER_ACCEPT : ANSWER_DECLINE);
}

static void
close_dialog (ParlaRingService *self)
{
  g_autoptr(ParlaIncomingCallDialog) dialog = g_steal_pointer (&self->dialog);

  if (dialog == NULL)
    return;

  g_signal_handlers_disconnect_by_data (dialog, self);
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
show_dialog (ParlaRingService *self)
{
  ParlaWindow *window;

  if (self->call_id == NULL)
    return;

  if (self->dialog != NULL)
    {
      gtk_window_present (GTK_WINDOW (self->dialog));
      return;
    }

  window = find_main_window (self);
  if (window == NULL)
    return;

  self->dialog = g_object_ref (parla_incoming_call_dialog_new (GTK_WINDOW (window), self->call_id,
                                                               self->learner_name, self->details,
                                                               self->goal, self->ring_deadline));
  g_signal_connect (self->dialog, "response", G_CALLBACK (on_dialog_response_cb), self);
  gtk_window_present (GTK_WINDOW (self->dialog));
}

/* Ends the ring on this device, however it ended. */
static void
stop_ringing (ParlaRingService *self)
{
  gboolean was_ringing = self->call_id != NULL;

  parla_ringtone_stop (self->ringtone);
  g_application_withdraw_notification (G_APPLICATION (self->application), NOTIFICATION_RING);
  close_dialog (self);

  g_clear_pointer (&self->call_id, g_free);
  g_clear_pointer (&self->learner_name, g_free);
  g_clear_pointer (&self->details, g_free);
  g_clear_pointer (&self->goal, g_free);
  g_clear_pointer (&self->ring_deadline, g_date_time_unref);

  if (was_ringing)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RINGING]);
}

static const char *
format_specialization (const char *specialization)
{
  if (specialization == NULL)
    return NULL;
  if (g_str_equal (specialization, "business"))
    return _("Wants to practise business conversation");
  if (g_str_equal (specialization, "academic"))
    return _("Wants to practise academic language");
  if (g_str_equal (specialization, "conversational"))
    return _("Wants to practise everyday conversation");

  return specialization;
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static const char *
get_person_name (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return get_string (json_node_get_object (node), "display_name");
}

static void
start_ringing (ParlaRingService *self,
               JsonObject       *event)
{
  const char *call_id = get_string (event, "call_id");
  const char *learner = get_person_name (event, "learner");
  const char *language = get_string (event, "language");
  const char *level = get_string (event, "level");
  const char *deadline = get_string (event, "ring_deadline");
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *title = NULL;
  g_autofree char *body = NULL;

  if (call_id == NULL)
    return;

  stop_ringing (self);

  self->call_id = g_strdup (call_id);
  self->learner_name = g_strdup (learner != NULL ? learner : _("A learner"));
  if (language != NULL && level != NULL)
    /* Translators: a language's name, then a CEFR level such as B1 */
    self->details = g_strdup_printf (_("%s · level %s"), parla_teacher_format_language (language), level);
  else if (language != NULL)
    self->details = g_strdup (parla_teacher_format_language (language));
  self->goal = g_strdup (format_specialization (get_string (event, "specialization")));
  if (deadline != NULL)
    self->ring_deadline = g_date_time_new_from_iso8601 (deadline, NULL);

  /* Translators: %s is the learner's name */
  title = g_strdup_printf (_("%s is calling"), self->learner_name);
  body = self->details != NULL ? g_strdup_printf (_("%s wants to talk now: %s"), self->learner_name, self->details)
                               : g_strdup_printf (_("%s wants to talk now"), self->learner_name);
  notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_URGENT);
  g_notification_set_category (notification, "call.incoming");
  g_notification_add_button_with_target (notification, _("Accept"), "app.accept-call", "s", call_id);
  g_notification_add_button_with_target (notification, _("Decline"), "app.decline-call", "s", call_id);
  g_notification_set_default_action_and_target (notification, "app.show-incoming-call", "s", call_id);
  g_application_send_notification (G_APPLICATION (self->application), NOTIFICATION_RING, notification);

  parla_ringtone_start (self->ringtone);
  show_dialog (self);

  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_RINGING]);
}

/* Realtime events */

static gboolean
is_for_me (ParlaRingService *self,
           JsonObject       *event)
{
  const char *me = my_user_id (self);

  return me != NULL && g_strcmp0 (get_string (event, "teacher_id"), me) == 0;
}

static void
on_call_ringing_cb (ParlaRingService *self,
                    const char       *type,
                    JsonNode         *message)
{
  JsonObject *event = json_node_get_object (message);

  if (parla_context_get_is_teacher (self->context) && is_for_me (self, event))
    start_ringing (self, event);
}

static void
on_call_ended_ring_cb (ParlaRingService *self,
                       const char       *type,
                       JsonNode         *message)
{
  JsonObject *event = json_node_get_object (message);

  /* call.accepted, .timeout, .cancelled, .declined: on every device. */
  if (self->call_id != NULL && g_strcmp0 (get_string (event, "call_id"), self->call_id) == 0)
    stop_ringing (self);
}

static void
on_instant_unavailable_cb (ParlaRingService *self,
                           const char       *type,
                           JsonNode         *message)
{
  const char *text = get_string (json_node_get_object (message), "message");
  ParlaRealtime *realtime = parla_context_get_realtime (self->context);
  g_autoptr(GNotification) notification = NULL;
  ParlaWindow *window;

  stop_ringing (self);

  /* The server rings this teacher no more; so that a reconnect does not
   * say `available` again, the presence becomes `online`. */
  parla_realtime_set_presence (realtime, "online", NULL);
  set_available (self, FALSE);

  if (text == NULL)
    text = _("Several calls rang out without an answer.");

  /* The notification stays for a teacher away from the screen; the toast
   * explains the switch that just turned off. */
  notification = g_notification_new (_("You are no longer available for calls"));
  g_notification_set_body (notification, text);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  g_application_send_notification (G_APPLICATION (self->application), NOTIFICATION_INSTANT, notification);
  window = find_main_window (self);
  if (window != NULL)
    parla_widget_show_toast (GTK_WIDGET (window), text);
}

static void
on_teacher_available_cb (ParlaRingService *self,
                         const char       *type,
                         JsonNode         *message)
{
  JsonObject *event = json_node_get_object (message);
  const char *teacher = get_person_name (event, "teacher");
  const char *language = get_string (event, "language");
  g_autoptr(GNotification) notification = NULL;
  g_autofree char *body = NULL;

  if (parla_context_get_is_teacher (self->context))
    return;

  if (teacher != NULL && language != NULL)
    /* Translators: a teacher's name, then a language's name */
    body = g_strdup_printf (_("%s teaches %s and can take your call now."),
                            teacher, parla_teacher_format_language (language));
  else
    body = g_strdup (_("A matching tutor can take your call now."));

  notification = g_notification_new (_("A tutor is free now"));
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, G_NOTIFICATION_PRIORITY_HIGH);
  /* Without a default action, clicking it activates the application. */
  g_application_send_notification (G_APPLICATION (self->application), "teacher-available", notification);
}

static void
on_presence_cb (ParlaRingService *self,
                const char       *user_id,
                const char       *status)
{
  if (g_strcmp0 (user_id, my_user_id (self)) == 0 && parla_context_get_is_teacher (self->context))
    set_available (self, g_strcmp0 (status, "available") == 0);
}

static void
on_signed_in_cb (ParlaRingService *self)
{
  if (parla_context_get_signed_in (self->context))
    return;

  stop_ringing (self);
  set_available (self, FALSE);
}

/* Answering */

static void
on_answered_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AnswerData) data = user_data;
  ParlaRingService *self = data->self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);

  /* Cancelled: the service was disposed with the application. */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || self->application == NULL)
    return;
  g_application_release (G_APPLICATION (self->application));

  if (node == NULL)
    {
      if (g_error_matches (error, PARLA_ERROR, PARLA_ERROR_INVALID_STATE))
        tell (self, _("Call not taken"), data->answer == ANSWER_ACCEPT ? _("Answered on another device")
                                                                        : _("The call no longer rings"));
      else
        tell (self, _("Call not taken"), error->message);
      return;
    }

  if (data->answer == ANSWER_ACCEPT && JSON_NODE_HOLDS_OBJECT (node))
    parla_instant_call_open_window (self->context, self->application,
                                    json_node_get_object (node), data->call_id);
}

static void
send_answer (AnswerData *data)
{
  ParlaRingService *self = data->self;
  g_autofree char *path = parla_instant_call_dup_path (data->call_id,
                                                       data->answer == ANSWER_ACCEPT ? "accept" : "decline");

  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", path, NULL, NULL,
                               self->cancellable, on_answered_cb, data);
}

static void
on_restored_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(AnswerData) data = user_data;
  g_autoptr(GError) error = NULL;

  if (!parla_context_restore_finish (PARLA_CONTEXT (object), result, &error))
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) || data->self->application == NULL)
        return;
      g_application_release (G_APPLICATION (data->self->application));
      tell (data->self, _("Call not taken"), error != NULL ? error->message : _("Sign in to answer calls"));
      return;
    }

  send_answer (g_steal_pointer (&data));
}

static void
answer_call (ParlaRingService *self,
             const char       *call_id,
             Answer            answer)
{
  AnswerData *data;

  if (g_strcmp0 (call_id, self->call_id) == 0)
    stop_ringing (self);

  data = g_new0 (AnswerData, 1);
  data->self = g_object_ref (self);
  data->call_id = g_strdup (call_id);
  data->answer = answer;

  /* Started by D-Bus for the notification's button: no window has
   * restored the session yet. The hold keeps the process alive until
   * the answer is in. */
  g_application_hold (G_APPLICATION (self->application));
  if (parla_context_get_signed_in (self->context))
    send_answer (data);
  else
    parla_context_restore_async (self->context, self->cancellable, on_restored_cb, data);
}

/* Application actions */

static void
accept_call_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  answer_call (user_data, g_variant_get_string (parameter, NULL), ANSWER_ACCEPT);
}

static void
decline_call_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  answer_call (user_data, g_variant_get_string (parameter, NULL), ANSWER_DECLINE);
}

static void
show_incoming_call_action (GSimpleAction *action,
                           GVariant      *parameter,
                           gpointer       user_data)
{
  ParlaRingService *self = user_data;

  /* Opens the main window (and restores the session) when there is none. */
  g_application_activate (G_APPLICATION (self->application));
  if (g_strcmp0 (g_variant_get_string (parameter, NULL), self->call_id) == 0)
    show_dialog (self);
}

static const GActionEntry actions[] = {
  { "accept-call", accept_call_action, "s" },
  { "decline-call", decline_call_action, "s" },
  { "show-incoming-call", show_incoming_call_action, "s" },
};

/* GObject */

static void
parla_ring_service_dispose (GObject *object)
{
  ParlaRingService *self = PARLA_RING_SERVICE (object);

  g_cancellable_cancel (self->cancellable);
  if (self->realtime_signals != NULL)
    g_signal_group_set_target (self->realtime_signals, NULL);
  if (self->application != NULL)
    {
      stop_ringing (self);
      set_available (self, FALSE);
      for (guint i = 0; i < G_N_ELEMENTS (actions); i++)
        g_action_map_remove_action (G_ACTION_MAP (self->application), actions[i].name);
      g_object_remove_weak_pointer (G_OBJECT (self->application), (gpointer *) &self->application);
      self->application = NULL;
    }
  g_clear_object (&self->ringtone);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (parla_ring_service_parent_class)->dispose (object);
}

static void
parla_ring_service_finalize (GObject *object)
{
  ParlaRingService *self = PARLA_RING_SERVICE (object);

  g_clear_object (&self->realtime_signals);
  g_clear_object (&self->cancellable);

  G_OBJECT_CLASS (parla_ring_service_parent_class)->finalize (object);
}

static void
parla_ring_service_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ParlaRingService *self = PARLA_RING_SERVICE (object);

  switch (prop_id)
    {
    case PROP_RINGING:
      g_value_set_boolean (value, parla_ring_service_get_ringing (self));
      break;

    case PROP_AVAILABLE:
      g_value_set_boolean (value, self->available);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_ring_service_class_init (ParlaRingServiceClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = parla_ring_service_dispose;
  object_class->finalize = parla_ring_service_finalize;
  object_class->get_property = parla_ring_service_get_property;

  /**
   * ParlaRingService:ringing:
   *
   * Whether a call rings for the teacher on this device.
   */
  properties[PROP_RINGING] =
    g_param_spec_boolean ("ringing", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  /**
   * ParlaRingService:available:
   *
   * Whether the teacher is available for instant calls, as the server
   * says: the application is held meanwhile.
   */
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_ring_service_init (ParlaRingService *self)
{
  self->cancellable = g_cancellable_new ();
  self->ringtone = parla_ringtone_new ();

  self->realtime_signals = g_signal_group_new (PARLA_TYPE_REALTIME);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.ringing",
                                  G_CALLBACK (on_call_ringing_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.accepted",
                                  G_CALLBACK (on_call_ended_ring_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.timeout",
                                  G_CALLBACK (on_call_ended_ring_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.cancelled",
                                  G_CALLBACK (on_call_ended_ring_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.declined",
                                  G_CALLBACK (on_call_ended_ring_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::instant.unavailable",
                                  G_CALLBACK (on_instant_unavailable_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.teacher_available",
                                  G_CALLBACK (on_teacher_available_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "presence",
                                  G_CALLBACK (on_presence_cb), self);
}

/**
 * parla_ring_service_new:
 * @application: the application; it keeps the service
 * @context: the services the app works with
 *
 * Adds the actions `app.accept-call`, `app.decline-call` and
 * `app.show-incoming-call` (each with the call's id) to @application.
 *
 * Returns: (transfer full): the ring service
 */
ParlaRingService *
parla_ring_service_new (GtkApplication *application,
                        ParlaContext   *context)
{
  ParlaRingService *self;

  g_return_val_if_fail (GTK_IS_APPLICATION (application), NULL);
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);

  self = g_object_new (PARLA_TYPE_RING_SERVICE, NULL);
  self->application = application;
  g_object_add_weak_pointer (G_OBJECT (application), (gpointer *) &self->application);
  self->context = g_object_ref (context);

  g_action_map_add_action_entries (G_ACTION_MAP (application), actions, G_N_ELEMENTS (actions), self);
  g_object_bind_property (context, "realtime", self->realtime_signals, "target", G_BINDING_SYNC_CREATE);
  g_signal_connect_object (context, "notify::signed-in", G_CALLBACK (on_signed_in_cb), self,
                           G_CONNECT_SWAPPED);

  return self;
}

/**
 * parla_ring_service_get_call_id:
 * @self: a #ParlaRingService
 *
 * Returns: (nullable): the call ringing on this device
 */
const char *
parla_ring_service_get_call_id (ParlaRingService *self)
{
  g_return_val_if_fail (PARLA_IS_RING_SERVICE (self), NULL);

  return self->call_id;
}

/**
 * parla_ring_service_get_ringing:
 * @self: a #ParlaRingService
 *
 * Returns: whether a call rings on this device (and the ringtone plays)
 */
gboolean
parla_ring_service_get_ringing (ParlaRingService *self)
{
  g_return_val_if_fail (PARLA_IS_RING_SERVICE (self), FALSE);

  return self->call_id != NULL && parla_ringtone_get_playing (self->ringtone);
}

/**
 * parla_ring_service_get_available:
 * @self: a #ParlaRingService
 *
 * Returns: whether the teacher is available for instant calls
 */
gboolean
parla_ring_service_get_available (ParlaRingService *self)
{
  g_return_val_if_fail (PARLA_IS_RING_SERVICE (self), FALSE);

  return self->available;
}

/**
 * parla_ring_service_get_dialog:
 * @self: a #ParlaRingService
 *
 * Returns: (transfer none) (nullable): the incoming-call dialog, while it
 *   is shown
 */
GtkWindow *
parla_ring_service_get_dialog (ParlaRingService *self)
{
  g_return_val_if_fail (PARLA_IS_RING_SERVICE (self), NULL);

  return self->dialog != NULL ? GTK_WINDOW (self->dialog) : NULL;
}

/**
 * parla_ring_service_release_application:
 * @self: a #ParlaRingService
 *
 * The user quits: the application is not held for instant calls any
 * more, so that it ends with its last window.
 */
void
parla_ring_service_release_application (ParlaRingService *self)
{
  g_return_if_fail (PARLA_IS_RING_SERVICE (self));

  self->quitting = TRUE;
  if (self->held && self->application != NULL)
    {
      self->held = FALSE;
      g_application_release (G_APPLICATION (self->application));
    }
}
