/* parla-hub-backplane.h: the seam through which the hub fans out frames
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The hub never sends a room's, a user's or a presence frame straight to
 * its sockets: it publishes the frame here, and every hub attached to the
 * backplane (on one server node, or later on every node through PostgreSQL
 * LISTEN/NOTIFY) gets it back through its deliver function and sends it to
 * the local sockets the frame is addressed to. Recipients are resolved at
 * delivery, from each node's own connections. The only implementation now
 * is in-process (parla_hub_backplane_new_local()).
 */

#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum
{
  PARLA_HUB_TO_ROOM,      /* the connections in frame->room */
  PARLA_HUB_TO_USERS,     /* every connection of frame->user_ids */
  PARLA_HUB_TO_ALL,       /* every connection */
  PARLA_HUB_TO_WATCHERS,  /* whoever may see the presence of user frame->subject */
  PARLA_HUB_REVOKE,       /* close the connections signed in with token hash frame->subject */
} ParlaHubTarget;

typedef struct
{
  ParlaHubTarget      target;
  const char         *room;          /* TO_ROOM */
  const char         *subject;       /* TO_WATCHERS: a user id; REVOKE: a token hash */
  const char * const *user_ids;      /* TO_USERS; TO_ROOM: only these users (private messages), or NULL */
  const char         *except_user;   /* TO_ROOM: not to this user's connections, or NULL */
  gint64              seq;           /* TO_ROOM chat messages: the room's sequence number, else 0 */
  const char         *text;          /* the envelope, serialized JSON */
} ParlaHubFrame;

typedef void (*ParlaHubDeliverFunc) (const ParlaHubFrame *frame,
                                     gpointer             user_data);

#define PARLA_TYPE_HUB_BACKPLANE (parla_hub_backplane_get_type ())
G_DECLARE_INTERFACE (ParlaHubBackplane, parla_hub_backplane, PARLA, HUB_BACKPLANE, GObject)

struct _ParlaHubBackplaneInterface
{
  GTypeInterface parent_iface;

  /* The hub on this node: frames published anywhere arrive here, on the
   * main context. */
  void (*attach)      (ParlaHubBackplane   *self,
                       ParlaHubDeliverFunc  deliver,
                       gpointer             user_data);
  void (*detach)      (ParlaHubBackplane   *self);
  void (*publish)     (ParlaHubBackplane   *self,
                       const ParlaHubFrame *frame);
  /* This node has members in @room (from the first) or no longer (after
   * the last), so that a node listens only to rooms it serves. */
  void (*subscribe)   (ParlaHubBackplane   *self,
                       const char          *room);
  void (*unsubscribe) (ParlaHubBackplane   *self,
                       const char          *room);
};

void               parla_hub_backplane_attach      (ParlaHubBackplane   *self,
                                                    ParlaHubDeliverFunc  deliver,
                                                    gpointer             user_data);
void               parla_hub_backplane_detach      (ParlaHubBackplane   *self);
void               parla_hub_backplane_publish     (ParlaHubBackplane   *self,
                                                    const ParlaHubFrame *frame);
void               parla_hub_backplane_subscribe   (ParlaHubBackplane   *self,
                                                    const char          *room);
void               parla_hub_backplane_unsubscribe (ParlaHubBackplane   *self,
                                                    const char          *room);

ParlaHubBackplane *parla_hub_backplane_new_local   (void);

G_END_DECLS
