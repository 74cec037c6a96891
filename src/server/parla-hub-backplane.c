/* parla-hub-backplane.c: the backplane interface, and its in-process
 * implementation
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The in-process backplane hands every frame straight back to the one hub
 * attached, synchronously. A PostgreSQL backplane would NOTIFY on publish
 * (large chat messages by reference, as NOTIFY payloads stop at 8000
 * bytes), LISTEN on subscribe, and deliver what arrives on the main
 * context; the hub does not change.
 */

#include "config.h"

#include "parla-hub-backplane.h"

G_DEFINE_INTERFACE (ParlaHubBackplane, parla_hub_backplane, G_TYPE_OBJECT)

static void
parla_hub_backplane_default_init (ParlaHubBackplaneInterface *iface)
{
}

void
parla_hub_backplane_attach (ParlaHubBackplane   *self,
                            ParlaHubDeliverFunc  deliver,
                            gpointer             user_data)
{
  g_return_if_fail (PARLA_IS_HUB_BACKPLANE (self));

  PARLA_HUB_BACKPLANE_GET_IFACE (self)->attach (self, deliver, user_data);
}

void
parla_hub_backplane_detach (ParlaHubBackplane *self)
{
  g_return_if_fail (PARLA_IS_HUB_BACKPLANE (self));

  PARLA_HUB_BACKPLANE_GET_IFACE (self)->detach (self);
}

void
parla_hub_backplane_publish (ParlaHubBackplane   *self,
                             const ParlaHubFrame *frame)
{
  g_return_if_fail (PARLA_IS_HUB_BACKPLANE (self));
  g_return_if_fail (frame != NULL && frame->text != NULL);

  PARLA_HUB_BACKPLANE_GET_IFACE (self)->publish (self, frame);
}

void
parla_hub_backplane_subscribe (ParlaHubBackplane *self,
                               const char        *room)
{
  g_return_if_fail (PARLA_IS_HUB_BACKPLANE (self));

  if (PARLA_HUB_BACKPLANE_GET_IFACE (self)->subscribe != NULL)
    PARLA_HUB_BACKPLANE_GET_IFACE (self)->subscribe (self, room);
}

void
parla_hub_backplane_unsubscribe (ParlaHubBackplane *self,
                                 const char        *room)
{
  g_return_if_fail (PARLA_IS_HUB_BACKPLANE (self));

  if (PARLA_HUB_BACKPLANE_GET_IFACE (self)->unsubscribe != NULL)
    PARLA_HUB_BACKPLANE_GET_IFACE (self)->unsubscribe (self, room);
}

/* In-process */

#define PARLA_TYPE_LOCAL_BACKPLANE (parla_local_backplane_get_type ())
G_DECLARE_FINAL_TYPE (ParlaLocalBackplane, parla_local_backplane, PARLA, LOCAL_BACKPLANE, GObject)

struct _ParlaLocalBackplane
{
  GObject              parent_instance;

  ParlaHubDeliverFunc  deliver;
  gpointer             deliver_data;
};

static void parla_local_backplane_iface_init (ParlaHubBackplaneInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (ParlaLocalBackplane, parla_local_backplane, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (PARLA_TYPE_HUB_BACKPLANE,
                                                      parla_local_backplane_iface_init))

static void
parla_local_backplane_attach (ParlaHubBackplane   *backplane,
                              ParlaHubDeliverFunc  deliver,
                              gpointer             user_data)
{
  ParlaLocalBackplane *self = PARLA_LOCAL_BACKPLANE (backplane);

  self->deliver = deliver;
  self->deliver_data = user_data;
}

static void
parla_local_backplane_detach (ParlaHubBackplane *backplane)
{
  ParlaLocalBackplane *self = PARLA_LOCAL_BACKPLANE (backplane);

  self->deliver = NULL;
  self->deliver_data = NULL;
}

static void
parla_local_backplane_publish (ParlaHubBackplane   *backplane,
                               const ParlaHubFrame *frame)
{
  ParlaLocalBackplane *self = PARLA_LOCAL_BACKPLANE (backplane);

  if (self->deliver != NULL)
    self->deliver (frame, self->deliver_data);
}

static void
parla_local_backplane_iface_init (ParlaHubBackplaneInterface *iface)
{
  iface->attach = parla_local_backplane_attach;
  iface->detach = parla_local_backplane_detach;
  iface->publish = parla_local_backplane_publish;
  /* One node serves every room: nothing to subscribe to. */
  iface->subscribe = NULL;
  iface->unsubscribe = NULL;
}

static void
parla_local_backplane_class_init (ParlaLocalBackplaneClass *klass)
{
}

static void
parla_local_backplane_init (ParlaLocalBackplane *self)
{
}

/**
 * parla_hub_backplane_new_local:
 *
 * Returns: (transfer full): a backplane for a single server process
 */
ParlaHubBackplane *
parla_hub_backplane_new_local (void)
{
  return g_object_new (PARLA_TYPE_LOCAL_BACKPLANE, NULL);
}
