/* parla-hub.h: the WebSocket hub: connections, users, rooms, presence,
 * chat and session events
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "parla-hub-backplane.h"
#include "parla-server-private.h"

G_BEGIN_DECLS

typedef enum
{
  PARLA_HUB_EVENT_NOTIFY,        /* a frame to users, or to everyone */
  PARLA_HUB_EVENT_REVOKE_TOKEN,  /* close the sockets signed in with a token */
} ParlaHubEventKind;

/* Something an HTTP handler or a timer wants pushed. Handlers collect
 * them in their ParlaRequest; they are published only after the
 * transaction committed. */
struct _ParlaHubEvent
{
  ParlaHubEventKind  kind;
  char              *type;        /* the wire type, e.g. "booking.created" */
  JsonNode          *body;        /* an object: the envelope's members beside "type" */
  GStrv              user_ids;    /* the recipients; NULL: everyone connected */
  char              *key;         /* (nullable) a later event with the same key replaces this one */
  char              *token_hash;  /* REVOKE_TOKEN */
};

ParlaHubEvent *parla_hub_event_new          (const char         *type,
                                             JsonNode           *body,        /* (transfer full) */
                                             const char * const *user_ids);
ParlaHubEvent *parla_hub_event_new_revoke   (const char         *token_hash);
void           parla_hub_event_free         (ParlaHubEvent      *event);

/* Who opened a socket, as the worker authenticated them. */
typedef struct
{
  const char *user_id;
  const char *display_name;
  ParlaRole   role;
  const char *token_hash;
  JsonNode   *contacts;   /* [{user_id, display_name}]: whose presence they see */
} ParlaHubIdentity;

#define PARLA_TYPE_HUB (parla_hub_get_type ())
G_DECLARE_FINAL_TYPE (ParlaHub, parla_hub, PARLA, HUB, GObject)

ParlaHub   *parla_hub_new                (ParlaServer             *server,
                                          const ParlaServerConfig *config,
                                          ParlaHubBackplane       *backplane);
void        parla_hub_upgrade            (ParlaHub                *self,
                                          SoupServerMessage       *msg,
                                          const ParlaHubIdentity  *identity);
void        parla_hub_publish_events     (ParlaHub                *self,
                                          GPtrArray               *events);
void        parla_hub_shutdown           (ParlaHub                *self);
guint       parla_hub_get_n_connections  (ParlaHub                *self);
GHashTable *parla_hub_dup_available      (ParlaHub                *self);

G_END_DECLS
