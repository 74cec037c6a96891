/* parla-presence-switch.c: "available for instant calls"
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-presence-switch.h"
#include "parla-window.h"

/**
 * ParlaPresenceSwitch:
 *
 * A switch for the teacher's header bar: on, the teacher's presence is
 * `available` (learners may start an instant call); off, it is `online`
 * (see docs/protocol.md, `presence.set`). It is set through the realtime
 * connection, can only be switched while that is connected, and is set
 * again after a reconnect, since the server starts every connection
 * `online`.
 */
struct _ParlaPresenceSwitch
{
  GtkWidget      parent_instance;

  /* owned */
  ParlaContext  *context;
  GSignalGroup  *realtime_signals;
  gboolean       available;

  /* template */
  GtkWidget     *box;
  GtkImage      *icon;
  GtkSwitch     *toggle;
};

G_DEFINE_FINAL_TYPE (ParlaPresenceSwitch, parla_presence_switch, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_AVAILABLE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static ParlaRealtime *
get_realtime (ParlaPresenceSwitch *self)
{
  return self->context != NULL ? parla_context_get_realtime (self->context) : NULL;
}

static void
update_state (ParlaPresenceSwitch *self)
{
  ParlaRealtime *realtime = get_realtime (self);
  gboolean connected = realtime != NULL &&
                       parla_realtime_get_state (realtime) == PARLA_REALTIME_CONNECTED;
  gboolean available = self->available;
  const char *tooltip;

  gtk_widget_set_sensitive (GTK_WIDGET (self->toggle), connected);
  if (!connected)
    tooltip = _("Instant calls need a connection to the server");
  else if (available)
    tooltip = _("Available for instant calls: learners can call you now");
  else
    tooltip = _("Not available for instant calls");
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->toggle), tooltip);
  gtk_widget_set_opacity (GTK_WIDGET (self->icon), available && connected ? 1.0 : 0.5);
}

static gboolean
send_presence (ParlaPresenceSwitch *self,
               gboolean             available)
{
  ParlaRealtime *realtime = get_realtime (self);
  g_autoptr(GError) error = NULL;

  if (realtime == NULL)
    return FALSE;

  if (!parla_realtime_set_presence (realtime, available ? "available" : "online", &error))
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      return FALSE;
    }

  return TRUE;
}

static gboolean
on_toggle_state_set_cb (ParlaPresenceSwitch *self,
                        gboolean             state)
{
  if (state == self->available)
    return FALSE;

  if (!send_presence (self, state))
    {
      gtk_switch_set_active (self->toggle, self->available);
      return TRUE;
    }

  self->available = state;
  gtk_switch_set_state (self->toggle, state);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
  return TRUE;
}

static void
on_realtime_state_cb (ParlaPresenceSwitch *self)
{
  ParlaRealtime *realtime = get_realtime (self);

  /* A new connection starts `online`: say again what the teacher chose. */
  if (realtime != NULL && parla_realtime_get_state (realtime) == PARLA_REALTIME_CONNECTED &&
      self->available)
    send_presence (self, TRUE);
  update_state (self);
}

/* A window opened while the teacher is available already (the app kept
 * running with its windows closed): the switch starts on. */
static void
sync_from_realtime (ParlaPresenceSwitch *self)
{
  ParlaRealtime *realtime = get_realtime (self);
  ParlaUser *user = self->context != NULL ? parla_context_get_user (self->context) : NULL;

  if (realtime == NULL || user == NULL || self->available ||
      g_strcmp0 (parla_realtime_get_presence (realtime, parla_user_get_id (user)), "available") != 0)
    return;

  self->available = TRUE;
  gtk_switch_set_active (self->toggle, TRUE);
  gtk_switch_set_state (self->toggle, TRUE);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

/* The server stopped ringing this teacher (rings timed out): the ring
 * service says why and sets the presence to `online`; the switch shows it. */
static void
on_instant_unavailable_cb (ParlaPresenceSwitch *self)
{
  if (!self->available)
    return;

  self->available = FALSE;
  gtk_switch_set_active (self->toggle, FALSE);
  gtk_switch_set_state (self->toggle, FALSE);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
}

static void
on_signed_in_cb (ParlaPresenceSwitch *self)
{
  /* The context makes a new connection for a new server. */
  g_signal_group_set_target (self->realtime_signals, get_realtime (self));
  if (self->context != NULL && parla_context_get_signed_in (self->context))
    {
      sync_from_realtime (self);
      update_state (self);
      return;
    }

  /* Signing out ends the connection, and with it the availability. */
  if (self->available)
    {
      self->available = FALSE;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_AVAILABLE]);
    }
  gtk_switch_set_active (self->toggle, FALSE);
  gtk_switch_set_state (self->toggle, FALSE);
  update_state (self);
}

static void
parla_presence_switch_dispose (GObject *object)
{
  ParlaPresenceSwitch *self = PARLA_PRESENCE_SWITCH (object);

  if (self->realtime_signals != NULL)
    g_signal_group_set_target (self->realtime_signals, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_PRESENCE_SWITCH);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (parla_presence_switch_parent_class)->dispose (object);
}

static void
parla_presence_switch_finalize (GObject *object)
{
  ParlaPresenceSwitch *self = PARLA_PRESENCE_SWITCH (object);

  g_clear_object (&self->realtime_signals);

  G_OBJECT_CLASS (parla_presence_switch_parent_class)->finalize (object);
}

static void
parla_presence_switch_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ParlaPresenceSwitch *self = PARLA_PRESENCE_SWITCH (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_AVAILABLE:
      g_value_set_boolean (value, parla_presence_switch_get_available (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_presence_switch_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ParlaPresenceSwitch *self = PARLA_PRESENCE_SWITCH (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      parla_presence_switch_set_context (self, g_value_get_object (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_presence_switch_class_init (ParlaPresenceSwitchClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_presence_switch_dispose;
  object_class->finalize = parla_presence_switch_finalize;
  object_class->get_property = parla_presence_switch_get_property;
  object_class->set_property = parla_presence_switch_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  properties[PROP_AVAILABLE] =
    g_param_spec_boolean ("available", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/availability/parla-presence-switch.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaPresenceSwitch, box);
  gtk_widget_class_bind_template_child (widget_class, ParlaPresenceSwitch, icon);
  gtk_widget_class_bind_template_child (widget_class, ParlaPresenceSwitch, toggle);
  gtk_widget_class_bind_template_callback (widget_class, on_toggle_state_set_cb);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
parla_presence_switch_init (ParlaPresenceSwitch *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->realtime_signals = g_signal_group_new (PARLA_TYPE_REALTIME);
  g_signal_group_connect_object (self->realtime_signals, "notify::state",
                                 G_CALLBACK (on_realtime_state_cb), self, G_CONNECT_SWAPPED);
  g_signal_group_connect_object (self->realtime_signals, "event::instant.unavailable",
                                 G_CALLBACK (on_instant_unavailable_cb), self, G_CONNECT_SWAPPED);
  update_state (self);
}

/**
 * parla_presence_switch_get_context:
 * @self: a #ParlaPresenceSwitch
 *
 * Returns: (transfer none) (nullable): the services it works with
 */
ParlaContext *
parla_presence_switch_get_context (ParlaPresenceSwitch *self)
{
  g_return_val_if_fail (PARLA_IS_PRESENCE_SWITCH (self), NULL);

  return self->context;
}

/**
 * parla_presence_switch_set_context:
 * @self: a #ParlaPresenceSwitch
 * @context: (nullable): the services to work with
 *
 * Sets the context whose realtime connection carries the presence.
 */
void
parla_presence_switch_set_context (ParlaPresenceSwitch *self,
                                   ParlaContext        *context)
{
  g_return_if_fail (PARLA_IS_PRESENCE_SWITCH (self));
  g_return_if_fail (!context || PARLA_IS_CONTEXT (context));

  if (!g_set_object (&self->context, context))
    return;

  g_signal_group_set_target (self->realtime_signals, get_realtime (self));
  if (context != NULL)
    g_signal_connect_object (context, "notify::signed-in", G_CALLBACK (on_signed_in_cb), self,
                             G_CONNECT_SWAPPED);
  sync_from_realtime (self);
  update_state (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTEXT]);
}

/**
 * parla_presence_switch_get_available:
 * @self: a #ParlaPresenceSwitch
 *
 * Returns: whether the teacher said they take instant calls
 */
gboolean
parla_presence_switch_get_available (ParlaPresenceSwitch *self)
{
  g_return_val_if_fail (PARLA_IS_PRESENCE_SWITCH (self), FALSE);

  return self->available;
}
