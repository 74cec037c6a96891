/* parla-test-server.h: a real parla-server on a loopback port, and a
 * small synchronous HTTP client to talk to it
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <libsoup/soup.h>

#include "parla-server.h"

G_BEGIN_DECLS

typedef void (*PtConfigure) (ParlaServerConfig *config,
                             gpointer           user_data);

typedef struct
{
  /* owned */
  GThread           *thread;
  GMainContext      *context;
  GMainLoop         *loop;
  ParlaServer       *server;
  ParlaServerConfig *config;
  char              *dir;
  char              *db_url;
  char              *base_url;
  GError            *error;

  GMutex             mutex;
  GCond              cond;
  gboolean           ready;
  gint64             now;          /* 0: the real clock */
} PtServer;

PtServer   *pt_server_start       (PtConfigure   configure,
                                   gpointer      user_data);
/* Starts another server on the same database (e.g. after a policy change). */
PtServer   *pt_server_restart     (PtServer     *old,
                                   PtConfigure   configure,
                                   gpointer      user_data);
void        pt_server_stop        (PtServer     *server);
void        pt_server_set_now     (PtServer     *server,
                                   gint64        now);
gint64      pt_server_get_now     (PtServer     *server);
void        pt_server_set_delay   (PtServer     *server,
                                   guint         milliseconds);

typedef struct
{
  guint               status;
  char               *body;
  JsonNode           *json;
  SoupMessageHeaders *headers;
} PtResponse;

/* Sends one request on a private SoupSession (safe from any thread).
 * @json_body may be NULL; extra headers come as name, value pairs ended by
 * NULL. */
PtResponse *pt_request            (PtServer     *server,
                                   const char   *method,
                                   const char   *path,
                                   const char   *token,
                                   const char   *json_body,
                                   ...) G_GNUC_NULL_TERMINATED;
PtResponse *pt_request_raw        (PtServer     *server,
                                   const char   *method,
                                   const char   *path,
                                   const char   *token,
                                   const char   *content_type,
                                   GBytes       *body,
                                   const char * const *headers);
void        pt_response_free      (PtResponse   *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PtResponse, pt_response_free)

/* Reads a member by path: "user.id", "items[2].seats_left", "error.code". */
JsonNode   *pt_json_get           (JsonNode     *root,
                                   const char   *path);
const char *pt_str                (PtResponse   *response,
                                   const char   *path);
gint64      pt_int                (PtResponse   *response,
                                   const char   *path);
gboolean    pt_has                (PtResponse   *response,
                                   const char   *path);
char       *pt_json               (const char   *format,
                                   ...) G_GNUC_PRINTF (1, 2);

/* Registers an account and returns its token; @out_id gets the user id. */
char       *pt_register           (PtServer     *server,
                                   const char   *email,
                                   const char   *role,
                                   char        **out_id);
char       *pt_instant            (gint64        instant);

/* WebSocket clients on the test thread's default main context: received
 * messages queue up as JsonNode until a test takes them. */
typedef struct
{
  SoupSession             *session;
  SoupWebsocketConnection *conn;
  GQueue                   messages;     /* JsonNode, oldest first */
  gboolean                 closed;
  gushort                  close_code;
  char                    *close_data;
  char                    *user_id;      /* from the welcome */
} PtWs;

/* Connects to /api/v1/ws with @token as Authorization (if not NULL) and
 * @query appended (e.g. "access_token=..."), @origin as Origin. Returns
 * NULL when the server refused the upgrade, with its status in
 * @out_status. */
PtWs       *pt_ws_try_connect     (PtServer     *server,
                                   const char   *token,
                                   const char   *query,
                                   const char   *origin,
                                   guint        *out_status);
/* Connects and waits for the welcome. */
PtWs       *pt_ws_connect         (PtServer     *server,
                                   const char   *token);
void        pt_ws_send            (PtWs         *ws,
                                   const char   *text);
void        pt_ws_sendf           (PtWs         *ws,
                                   const char   *format,
                                   ...) G_GNUC_PRINTF (2, 3);
/* Takes the first queued message of @type (any type when NULL), running
 * the main context until one arrives; fails the test after @timeout_ms. */
JsonNode   *pt_ws_wait            (PtWs         *ws,
                                   const char   *type,
                                   guint         timeout_ms);
/* The same, for a message whose member at @path equals @value. */
JsonNode   *pt_ws_wait_for        (PtWs         *ws,
                                   const char   *type,
                                   const char   *path,
                                   const char   *value,
                                   guint         timeout_ms);
guint       pt_ws_count           (PtWs         *ws,
                                   const char   *type);
/* Runs the main context for @ms. */
void        pt_ws_spin            (guint         ms);
/* Waits until the server closed the connection; returns the close code. */
gushort     pt_ws_wait_closed     (PtWs         *ws,
                                   guint         timeout_ms);
void        pt_ws_free            (PtWs         *ws);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PtWs, pt_ws_free)

/* Runs the thread-default main context once, waking up at least every
 * 50 ms, for loops that wait on a condition. */
void        pt_iterate            (void);

#define PT_WAIT_UNTIL(cond, timeout_ms) \
  G_STMT_START { \
    gint64 pt_deadline_ = g_get_monotonic_time () + (gint64) (timeout_ms) * 1000; \
    while (!(cond)) \
      { \
        if (g_get_monotonic_time () > pt_deadline_) \
          g_error ("%s:%d: still not %s after %u ms", __FILE__, __LINE__, #cond, (guint) (timeout_ms)); \
        pt_iterate (); \
      } \
  } G_STMT_END

/* The real parla-server binary (PARLA_SERVER_BIN) in a subprocess, on a
 * fixed loopback port and a database file, so that it can be killed and
 * started again where it was. @remote only carries the base URL: use it
 * with pt_request(), pt_register() and pt_ws_connect(), never with
 * pt_server_*(). */
typedef struct
{
  GSubprocess      *process;      /* NULL while it is not running */
  GDataInputStream *out;
  char             *dir;          /* holds parla.db */
  char             *db_url;
  char             *base_url;
  guint             port;
  GStrv             env;          /* NAME=VALUE added to the environment */
  PtServer         *remote;
} PtProcess;

/* A GSpawnChildSetupFunc: the child is killed when the test process dies. */
void        pt_child_setup        (gpointer       user_data);
/* A loopback port nothing listens on right now. */
guint       pt_free_port          (void);
/* Starts parla-server on a free port and a new database; @env (nullable)
 * adds NAME=VALUE settings such as "PARLA_WS_PING_SECONDS=1". Returns
 * once it listens. */
PtProcess  *pt_process_start      (const char * const *env);
/* SIGKILL, then waits for it to be gone. */
void        pt_process_kill       (PtProcess     *process);
/* Starts it again on the same port and database; waits until it listens. */
void        pt_process_resume     (PtProcess     *process);
/* Sends @signum (SIGSTOP, SIGCONT, ...) and returns. */
void        pt_process_signal     (PtProcess     *process,
                                   int            signum);
/* Stops it if it runs (SIGTERM) and removes its database. */
void        pt_process_free       (PtProcess     *process);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PtProcess, pt_process_free)

/* Removes a temporary directory of plain files. */
void        pt_remove_dir         (const char   *path);

/* A real coturn (turnserver) with the repository's test configuration
 * (data/coturn/turnserver-test.conf: use-auth-secret, loopback peers
 * allowed, private ranges denied), on a free UDP port of @listen_ip
 * (NULL: 127.0.0.1), relaying from that address, with its own database and
 * pid file in a temporary directory. Returns once it answers a STUN
 * binding request. @secret may list several, comma-separated, as during a
 * rotation. No turnserver is an error, not a skip. */
typedef struct
{
  GSubprocess *process;
  char        *dir;
  char        *ip;
  guint        port;
  char        *secret;
  char        *url;        /* turn:IP:PORT?transport=udp */
  char        *stun_url;   /* stun:IP:PORT */
} PtCoturn;

PtCoturn   *pt_coturn_start       (const char   *listen_ip,
                                   const char   *secret);
void        pt_coturn_free        (PtCoturn     *coturn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (PtCoturn, pt_coturn_free)

const char *pt_node_str           (JsonNode     *node,
                                   const char   *path);
gint64      pt_node_int           (JsonNode     *node,
                                   const char   *path);

#define pt_assert_status(resp, expected) \
  G_STMT_START { \
    if ((resp)->status != (guint) (expected)) \
      g_error ("%s:%d: expected HTTP %u, got %u: %s", __FILE__, __LINE__, \
               (guint) (expected), (resp)->status, (resp)->body ? (resp)->body : ""); \
  } G_STMT_END

#define pt_assert_error(resp, expected_status, expected_code) \
  G_STMT_START { \
    pt_assert_status (resp, expected_status); \
    g_assert_cmpstr (pt_str (resp, "error.code"), ==, expected_code); \
  } G_STMT_END

G_END_DECLS
