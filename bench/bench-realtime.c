/* bench-realtime.c: call signaling relay and chat fan-out of parla-server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds a fresh SQLite database through the db layer: N/2 pairs, each a
 * teacher hosting a private session that starts within the call window
 * with one confirmed seat for a learner, and one group session with a
 * host and 49 learners; every user gets a bearer token. Then it runs the
 * real parla-server binary as a separate process on that database, so
 * that the server's RSS and CPU (/proc/PID) are its own, and drives it
 * from one thread with its own WebSocket client: non-blocking sockets
 * on epoll, the upgrade handshake with an Authorization header, masked
 * client frames, pongs for the server's pings. Control messages are read
 * with json-glib; on the hot path the fields the benchmark needs are
 * found in the frame without parsing it.
 *
 * Phases:
 *
 *  - setup: POST /api/v1/sessions/{id}/join for both sides of each pair
 *    gives the call room; the server's RSS is read, the N clients connect
 *    (RSS again), each joins its call room (RSS again) and they idle for
 *    a while (server CPU per second with nothing relayed);
 *  - relay at a fixed rate: every client sends signals to its peer, the
 *    total rate spread evenly over the clients; each signal carries its
 *    sequence number and CLOCK_MONOTONIC send time in its payload, ICE
 *    candidate sized, every --sdp-every'th one SDP sized. Receivers take
 *    the latency from it. Then the same at the maximum rate: --window
 *    signals in flight in all, the clients sending in turn;
 *  - chat fan-out: the 50 members of the group session join its room
 *    and send chat.send at a fixed rate, then as fast as the server
 *    acknowledges them (--chat-window in flight); each member's
 *    chat.message gives the delivery latency.
 *
 * The last line of the output is one JSON object with the headline
 * figures. docs/benchmarks.md records a run.
 */

#define _GNU_SOURCE   /* memmem */

#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <math.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "parla-chat.h"
#include "parla-server-private.h"

#define BENCH_PASSWORD        "parla bench password"
#define SEED_BATCH            1000
#define SESSION_LEAD_SECONDS  120      /* sessions start this long after seeding */
#define SESSION_MINUTES       180
#define MAX_HANDSHAKES        64       /* upgrades in flight at once */
#define MAX_JOINS             256      /* joins in flight at once */
#define READ_BUFFER_SIZE      (256 * 1024)
#define MAX_EVENTS            512
#define SETTLE_MS             2000
#define DRAIN_SECONDS         10
#define STEP_TIMEOUT_SECONDS  120
#define WS_GUID               "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

typedef struct
{
  int       clients;
  int       seconds;
  int       rate;
  int       payload_bytes;
  int       sdp_bytes;
  int       sdp_every;
  int       window;
  int       idle_seconds;
  int       chat_members;
  int       chat_rate;
  int       chat_window;
  char     *server_path;
  char     *keep;
} BenchOptions;

typedef struct
{
  /* owned */
  char *id;
  char *name;
  char *token;
} BenchUser;

/* One call: a private session, its host and the learner in its seat. */
typedef struct
{
  /* borrowed */
  BenchUser *host;
  BenchUser *learner;

  /* owned */
  char      *session_id;
  char      *room;        /* "call:<id>" from the join endpoint */
} BenchPair;

typedef struct
{
  guint  n;
  double p50;
  double p90;
  double p99;
  double max;
  double mean;
} BenchStats;

/* parla-server, run as a child process. */
typedef struct
{
  GPid   pid;
  int    stdout_fd;
  guint  port;
  char  *base_url;
} ServerProcess;

/* The server's CPU time, whole and split by thread. */
typedef struct
{
  double total;
  double main_thread;
} ServerCpu;

/* Bytes read but not yet used are data[start, end). */
typedef struct
{
  guint8 *data;
  gsize   start;
  gsize   end;
  gsize   size;
} Buffer;

typedef enum
{
  CONN_CONNECTING,
  CONN_HANDSHAKE,    /* the upgrade request is sent, waiting for the 101 */
  CONN_OPEN,
  CONN_CLOSED,
} ConnState;

typedef struct _Bench Bench;
typedef struct _Conn  Conn;

struct _Conn
{
  /* borrowed */
  Bench      *bench;
  BenchUser  *user;
  Conn       *peer;           /* the other side of its call, or NULL */

  /* owned */
  char       *room;
  char       *signal_head;    /* {"type":"signal","room":…,"to":…,"payload":{ */
  char       *from_marker;    /* "from":"<peer id>", as the relayed frame says */
  char       *accept_key;     /* the Sec-WebSocket-Accept expected */
  Buffer      in;
  Buffer      out;
  GByteArray *fragments;      /* a fragmented message being received */

  int         fd;
  ConnState   state;
  guint       index;
  gboolean    welcomed;
  gboolean    joining;
  gboolean    joined;
  gboolean    writing;        /* EPOLLOUT is on */

  guint64     sent;           /* signals or chat messages sent */
  guint64     received;       /* signals from the peer */
  guint64     expected_seq;   /* the peer's next signal */
  guint       in_flight;      /* signals not yet at the peer, chats not yet acknowledged */
};

typedef enum
{
  LOAD_NONE,
  LOAD_SIGNAL,
  LOAD_CHAT,
} LoadKind;

struct _Bench
{
  /* owned */
  GPtrArray          *conns;          /* of Conn, every client */
  GArray             *latencies;      /* of double ms, the run being measured */
  GString            *text;           /* the message being built */
  GByteArray         *frame;          /* the frame being built */
  guint8             *read_buffer;
  char               *host_header;
  char               *ice_tail;       /* the payload after seq and time, ICE sized */
  char               *sdp_tail;       /* the same, SDP sized */
  char               *first_error;

  int                 epoll_fd;
  struct sockaddr_in  address;
  guint32             mask_state;
  guint               sdp_every;

  /* what the clients do */
  LoadKind            load;
  gboolean            sending;
  gboolean            recording;

  /* counters */
  guint               n_handshaking;
  guint               n_joining;
  guint               n_closed;
  guint64             in_flight;      /* over every client */
  guint64             sent;           /* during the run */
  guint64             sent_bytes;     /* frame payloads during the run */
  guint64             delivered;      /* signals or chat.message frames, during the run */
  guint64             acked;          /* chat.send acknowledged, during the run */
  guint64             duplicates;     /* chat.send acknowledged as a duplicate */
  guint64             misrouted;      /* a signal from someone else than the peer */
  guint64             out_of_order;
  guint64             errors;         /* error frames */
  guint64             pings;
  gint64              last_delivery;  /* ns */
};

typedef struct
{
  gboolean   done;
  double     seconds;       /* from the first send to the last delivery */
  guint64    sent;
  guint64    delivered;
  guint64    expected;
  gint64     lost;
  double     per_second;
  double     server_cpu;    /* s */
  double     main_cpu;      /* s, the server's main thread */
  double     client_cpu;    /* s */
  double     other_cpu;     /* s, every other process */
  double     cpu_us;        /* server CPU per delivered message */
  double     net_cpu_us;    /* the same, less the idle CPU of the same time */
  double     mean_bytes;
  BenchStats latency;
} RunResult;

static const char * const sdp_head[] = {
  "v=0",
  "o=- 4611731400430051336 2 IN IP4 127.0.0.1",
  "s=-",
  "t=0 0",
  "a=group:BUNDLE 0 1",
  "a=extmap-allow-mixed",
  "a=msid-semantic: WMS parla",
  "m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126",
  "c=IN IP4 0.0.0.0",
  "a=rtcp:9 IN IP4 0.0.0.0",
  "a=ice-ufrag:EsAp",
  "a=ice-pwd:ycaa8wPYiWplIH3BAhVMn1zd",
  "a=ice-options:trickle",
  "a=fingerprint:sha-256 7B:8B:F0:65:5F:78:E2:51:3B:AC:6F:F3:3F:46:1B:35:DC:B8:5F:64:1A:24:C2:43:F0:A1:58:D0:A1:2C:19:08",
  "a=setup:actpass",
  "a=mid:0",
  "a=sendrecv",
  "a=msid:parla audio0",
  "a=rtcp-mux",
  "a=rtpmap:111 opus/48000/2",
  "a=rtcp-fb:111 transport-cc",
  "a=fmtp:111 minptime=10;useinbandfec=1",
  "a=ssrc:1001 cname:parla",
  "m=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102",
  "c=IN IP4 0.0.0.0",
  "a=mid:1",
  "a=sendrecv",
  "a=rtcp-mux",
  "a=rtcp-rsize",
};

/* Helpers */

static void
die (const char *format,
     ...) G_GNUC_PRINTF (1, 2) G_GNUC_NORETURN;

static void
die (const char *format,
     ...)
{
  va_list args;

  va_start (args, format);
  g_printerr ("parla-bench-realtime: ");
  g_vfprintf (stderr, format, args);
  g_printerr ("\n");
  va_end (args);

  exit (EXIT_FAILURE);
}

static gint64
now_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

static double
seconds_since (gint64 since_ns)
{
  return (now_ns () - since_ns) / 1e9;
}

/* User plus system CPU time of this process: the clients. */
static double
client_cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
}

/* Busy CPU time of the whole machine, every process, from /proc/stat:
 * what the server and the clients did not use of it was someone else's. */
static double
machine_busy_seconds (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  double busy = 0;

  if (!g_file_get_contents ("/proc/stat", &stat, NULL, NULL) || !g_str_has_prefix (stat, "cpu "))
    return 0;

  /* cpu user nice system idle iowait irq softirq steal */
  fields = g_strsplit_set (stat + 4, " \n", 10);
  for (guint i = 0, column = 0; fields[i] != NULL && column < 8; i++)
    {
      if (fields[i][0] == '\0')
        continue;
      if (column != 3 && column != 4)
        busy += g_ascii_strtod (fields[i], NULL);
      column++;
    }

  return busy / sysconf (_SC_CLK_TCK);
}

static int
compare_doubles (gconstpointer a,
                 gconstpointer b)
{
  double x = *(const double *) a;
  double y = *(const double *) b;

  return (x > y) - (x < y);
}

/* Nearest rank: the smallest value with at least @p of the values at or
 * below it. @sorted must be sorted. */
static double
percentile (GArray *sorted,
            double  p)
{
  guint rank;

  if (sorted->len == 0)
    return 0;

  rank = (guint) ceil (p / 100.0 * sorted->len);
  return g_array_index (sorted, double, CLAMP (rank, 1, sorted->len) - 1);
}

static void
compute_stats (GArray     *latencies,
               BenchStats *stats)
{
  double sum = 0;

  g_array_sort (latencies, compare_doubles);
  for (guint i = 0; i < latencies->len; i++)
    sum += g_array_index (latencies, double, i);

  stats->n = latencies->len;
  stats->p50 = percentile (latencies, 50);
  stats->p90 = percentile (latencies, 90);
  stats->p99 = percentile (latencies, 99);
  stats->max = latencies->len > 0 ? g_array_index (latencies, double, latencies->len - 1) : 0;
  stats->mean = latencies->len > 0 ? sum / latencies->len : 0;
}

static char *
dup_cpu_model (void)
{
  g_autofree char *cpuinfo = NULL;
  g_auto(GStrv) lines = NULL;

  if (!g_file_get_contents ("/proc/cpuinfo", &cpuinfo, NULL, NULL))
    return g_strdup ("unknown CPU");

  lines = g_strsplit (cpuinfo, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "model name"))
      {
        const char *colon = strchr (lines[i], ':');

        if (colon != NULL)
          return g_strstrip (g_strdup (colon + 1));
      }

  return g_strdup ("unknown CPU");
}

/* @value as a JSON string literal, quotes included. */
static char *
json_quote (const char *value)
{
  g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), value);

  return parla_json_to_string (node);
}

static void
remove_tree (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  if (handle == NULL)
    return;

  while ((name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static void
raise_fd_limit (guint needed)
{
  struct rlimit limit;

  if (getrlimit (RLIMIT_NOFILE, &limit) != 0)
    die ("getrlimit: %s", g_strerror (errno));

  if (limit.rlim_max != RLIM_INFINITY && limit.rlim_max < needed)
    die ("%u file descriptors are needed, the hard limit is %lu: raise it (ulimit -Hn)",
         needed, (unsigned long) limit.rlim_max);

  /* parla-server inherits it. */
  if (limit.rlim_cur == RLIM_INFINITY || limit.rlim_cur >= needed)
    return;
  limit.rlim_cur = limit.rlim_max == RLIM_INFINITY ? needed : limit.rlim_max;
  if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
    die ("setrlimit: %s", g_strerror (errno));
}

/* The server process, measured through /proc */

static gint64
server_rss_bytes (ServerProcess *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", server->pid);
  g_autofree char *status = NULL;
  const char *line;

  if (!g_file_get_contents (path, &status, NULL, NULL))
    die ("cannot read %s: is parla-server still running?", path);

  line = strstr (status, "\nVmRSS:");
  if (line == NULL)
    die ("no VmRSS in %s", path);

  return g_ascii_strtoll (line + strlen ("\nVmRSS:"), NULL, 10) * 1024;
}

/* utime + stime of /proc/…/stat, in seconds: the fields after the
 * command name, which is in parentheses and may hold spaces. */
static double
read_stat_cpu (const char *path)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *rest;

  if (!g_file_get_contents (path, &stat, NULL, NULL))
    return -1;

  rest = strrchr (stat, ')');
  if (rest == NULL)
    return -1;

  /* rest + 2 starts at field 3 (state); utime and stime are fields 14 and 15. */
  fields = g_strsplit (rest + 2, " ", 16);
  if (g_strv_length (fields) < 14)
    return -1;

  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static void
server_cpu (ServerProcess *server,
            ServerCpu     *cpu)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", server->pid);
  g_autofree char *main_path = g_strdup_printf ("/proc/%d/task/%d/stat", server->pid, server->pid);

  cpu->total = read_stat_cpu (path);
  cpu->main_thread = read_stat_cpu (main_path);
  if (cpu->total < 0 || cpu->main_thread < 0)
    die ("cannot read %s: is parla-server still running?", path);
}

static void
server_cpu_diff (const ServerCpu *before,
                 ServerCpu       *after)
{
  after->total -= before->total;
  after->main_thread -= before->main_thread;
}

static char **
server_environment (void)
{
  g_auto(GStrv) env = g_get_environ ();
  GStrvBuilder *builder = g_strv_builder_new ();
  char **result;

  /* Only the configuration file this program wrote counts. */
  for (guint i = 0; env[i] != NULL; i++)
    if (!g_str_has_prefix (env[i], "PARLA_") && !g_str_has_prefix (env[i], "G_MESSAGES_DEBUG="))
      g_strv_builder_add (builder, env[i]);

  result = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return result;
}

/* Starts parla-server and reads the address it prints once it listens. */
static void
server_start (ServerProcess *server,
              const char    *server_path,
              const char    *config_path,
              const char    *db_url)
{
  const char *argv[] = { server_path, "--config", config_path, "--db", db_url, "--listen", "127.0.0.1:0", NULL };
  g_auto(GStrv) envp = server_environment ();
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) line = g_string_new (NULL);
  gint64 deadline = now_ns () + (gint64) 60 * 1000000000;
  const char *url, *end;

  if (!g_spawn_async_with_pipes (NULL, (char **) argv, envp, G_SPAWN_DO_NOT_REAP_CHILD, NULL, NULL,
                                 &server->pid, NULL, &server->stdout_fd, NULL, &error))
    die ("cannot start %s: %s", server_path, error->message);

  /* "parla-server 0.1.0 listening on http://127.0.0.1:PORT/ (database …)";
   * a wrapper (--server) may print lines of its own first. */
  while (strstr (line->str, "listening on ") == NULL || !g_str_has_suffix (line->str, "\n"))
    {
      struct pollfd pfd = { server->stdout_fd, POLLIN, 0 };
      char c;

      if (now_ns () > deadline)
        die ("parla-server did not say where it listens within 60 s");
      if (poll (&pfd, 1, 1000) <= 0)
        continue;
      if (read (server->stdout_fd, &c, 1) != 1)
        die ("parla-server exited before listening (see above)");
      if (g_str_has_suffix (line->str, "\n"))
        g_string_truncate (line, 0);
      g_string_append_c (line, c);
    }

  url = strstr (line->str, "listening on ");
  if (url == NULL)
    die ("unexpected first line from parla-server: %s", line->str);
  url += strlen ("listening on ");
  end = strchr (url, ' ');
  server->base_url = end ? g_strndup (url, end - url) : g_strstrip (g_strdup (url));

  {
    g_autoptr(GUri) uri = g_uri_parse (server->base_url, G_URI_FLAGS_NONE, &error);

    if (uri == NULL || g_uri_get_port (uri) <= 0)
      die ("cannot read the address in: %s", line->str);
    server->port = g_uri_get_port (uri);
  }
}

/* SIGTERM, as an operator stops it; SIGKILL if it has not stopped after
 * 30 s (or a --server wrapper did not exec the server). */
static void
server_stop (ServerProcess *server)
{
  gint64 deadline = now_ns () + (gint64) 30 * 1000000000;
  int status = 0;
  pid_t done;

  kill (server->pid, SIGTERM);
  while ((done = waitpid (server->pid, &status, WNOHANG)) == 0 && now_ns () < deadline)
    g_usleep (10000);
  if (done == 0)
    {
      g_printerr ("parla-bench-realtime: parla-server did not stop within 30 s of SIGTERM; killing it\n");
      kill (server->pid, SIGKILL);
      done = waitpid (server->pid, &status, 0);
    }

  if (done < 0)
    g_printerr ("parla-bench-realtime: waitpid: %s\n", g_strerror (errno));
  else if (!WIFEXITED (status) || WEXITSTATUS (status) != 0)
    g_printerr ("parla-bench-realtime: parla-server ended with status %d\n", status);

  g_spawn_close_pid (server->pid);
  close (server->stdout_fd);
  g_free (server->base_url);
}

/* Seeding, through the db layer as parla-demo.c does */

static void
bench_user_free (BenchUser *user)
{
  g_free (user->id);
  g_free (user->name);
  g_free (user->token);
  g_free (user);
}

static void
bench_pair_free (BenchPair *pair)
{
  g_free (pair->session_id);
  g_free (pair->room);
  g_free (pair);
}

static BenchUser *
insert_user (ParlaDb                  *db,
             const ParlaServerConfig  *config,
             gint64                    now,
             const char               *password_hash,
             ParlaRole                 role,
             const char               *kind,
             guint                     number,
             GError                  **error)
{
  BenchUser *user = g_new0 (BenchUser, 1);
  g_autofree char *email = g_strdup_printf ("%s%05u@bench.parla.test", kind, number);
  g_autofree char *token_hash = NULL;

  user->id = parla_db_new_id ();
  user->name = g_strdup_printf ("%s %05u", kind, number);

  if (parla_db_exec (db, error,
                     "INSERT INTO users (id, email, password_hash, display_name, role, created_at) "
                     "VALUES ($1, $2, $3, $4, $5, $6)",
                     PARLA_DB_TEXT, user->id,
                     PARLA_DB_TEXT, email,
                     PARLA_DB_TEXT, password_hash,
                     PARLA_DB_TEXT, user->name,
                     PARLA_DB_TEXT, parla_role_names[role],
                     PARLA_DB_INT, now,
                     PARLA_DB_END) < 0)
    goto failed;

  if (role == PARLA_ROLE_TEACHER &&
      parla_db_exec (db, error,
                     "INSERT INTO teacher_profiles (user_id, updated_at) VALUES ($1, $2)",
                     PARLA_DB_TEXT, user->id,
                     PARLA_DB_INT, now,
                     PARLA_DB_END) < 0)
    goto failed;

  /* As parla_auth_create_token(): only the SHA-256 is stored. */
  user->token = parla_auth_new_token (&token_hash);
  if (parla_db_exec (db, error,
                     "INSERT INTO auth_tokens (token_hash, user_id, created_at, last_used_at, expires_at) "
                     "VALUES ($1, $2, $3, $3, $4)",
                     PARLA_DB_TEXT, token_hash,
                     PARLA_DB_TEXT, user->id,
                     PARLA_DB_INT, now,
                     PARLA_DB_INT, now + (gint64) config->token_lifetime_seconds,
                     PARLA_DB_END) < 0)
    goto failed;

  return user;

failed:
  bench_user_free (user);
  return NULL;
}

/* A session as its host would post it, stored the way handle_create
 * stores it, with @seats learners in confirmed seats, booked the way
 * handle_book books. Returns the session's id. */
static char *
insert_session (ParlaDb                  *db,
                const ParlaServerConfig  *config,
                gint64                    now,
                BenchUser                *host,
                BenchUser * const        *learners,
                guint                     n_learners,
                GError                  **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaSession) session = NULL;
  g_autofree char *id = parla_db_new_id ();
  ParlaRequest req = { 0, };
  gint64 start = now + SESSION_LEAD_SECONDS;

  req.db = db;
  req.config = config;
  req.now = now;
  req.user_id = host->id;
  req.user_name = host->name;
  req.user_role = PARLA_ROLE_TEACHER;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "title", n_learners == 1 ? "Exam coaching" : "Conversation club");
  parla_json_add_string (builder, "description", "A call for parla-bench-realtime.");
  parla_json_add_string (builder, "type", n_learners == 1 ? "private" : "group");
  parla_json_add_string (builder, "language", "es");
  parla_json_add_string (builder, "level", "B1");
  parla_json_add_instant (builder, "start", start);
  parla_json_add_int (builder, "duration_minutes", SESSION_MINUTES);
  parla_json_add_int (builder, "capacity", n_learners);
  parla_json_add_int (builder, "price_minor", 0);
  parla_json_add_string (builder, "currency", "EUR");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  session = parla_session_new_from_json (node, PARLA_JSON_INPUT, error);
  if (session == NULL)
    return NULL;

  g_object_set (session,
                "id", id,
                "host-id", host->id,
                "host-name", host->name,
                "status", PARLA_SESSION_STATUS_SCHEDULED,
                "seats-left", parla_session_get_capacity (session),
                NULL);
  if (!parla_session_store (&req, session, TRUE, error))
    return NULL;

  for (guint i = 0; i < n_learners; i++)
    {
      ParlaNewBooking seat = { 0, };
      g_autofree char *booking_id = NULL;

      if (parla_db_exec (db, error,
                         "UPDATE sessions SET seats_taken = seats_taken + 1, updated_at = $2 WHERE id = $1",
                         PARLA_DB_TEXT, id,
                         PARLA_DB_INT, now,
                         PARLA_DB_END) < 0)
        return NULL;

      req.user_id = learners[i]->id;
      req.user_name = learners[i]->name;
      req.user_role = PARLA_ROLE_STUDENT;

      seat.kind = PARLA_BOOKING_KIND_SESSION;
      seat.session_id = id;
      seat.teacher_id = host->id;
      seat.title = parla_session_get_title (session);
      seat.start = parla_session_get_start (session);
      seat.end = parla_session_get_end (session);
      seat.status = PARLA_BOOKING_CONFIRMED;
      seat.price_minor = 0;
      seat.currency = "EUR";

      booking_id = parla_booking_insert (&req, &seat, error);
      if (booking_id == NULL)
        return NULL;
    }

  return g_steal_pointer (&id);
}

static gboolean
seed (ParlaDb                  *db,
      const ParlaServerConfig  *config,
      gint64                    now,
      guint                     n_pairs,
      guint                     n_chat_learners,
      GPtrArray                *users,
      GPtrArray                *pairs,
      GPtrArray                *chat_members,
      char                    **chat_session_id,
      GError                  **error)
{
  g_autofree char *password_hash = NULL;
  BenchUser *host;

  /* One Argon2id hash for every account: nobody signs in with it. */
  password_hash = parla_auth_hash_password (config, BENCH_PASSWORD, error);
  if (password_hash == NULL)
    return FALSE;

  for (guint done = 0; done < n_pairs;)
    {
      guint batch_end = MIN (n_pairs, done + SEED_BATCH);

      if (!parla_db_begin_write (db, error))
        return FALSE;

      for (; done < batch_end; done++)
        {
          BenchPair *pair = g_new0 (BenchPair, 1);

          g_ptr_array_add (pairs, pair);
          pair->host = insert_user (db, config, now, password_hash, PARLA_ROLE_TEACHER, "teacher", done,
                                    error);
          if (pair->host == NULL)
            goto failed;
          g_ptr_array_add (users, pair->host);
          pair->learner = insert_user (db, config, now, password_hash, PARLA_ROLE_STUDENT, "learner", done,
                                       error);
          if (pair->learner == NULL)
            goto failed;
          g_ptr_array_add (users, pair->learner);

          pair->session_id = insert_session (db, config, now, pair->host, &pair->learner, 1, error);
          if (pair->session_id == NULL)
            goto failed;
        }

      if (!parla_db_commit (db, error))
        return FALSE;
    }

  if (n_chat_learners == 0)
    return TRUE;

  if (!parla_db_begin_write (db, error))
    return FALSE;

  host = insert_user (db, config, now, password_hash, PARLA_ROLE_TEACHER, "host", 0, error);
  if (host == NULL)
    goto failed;
  g_ptr_array_add (users, host);
  g_ptr_array_add (chat_members, host);

  for (guint i = 0; i < n_chat_learners; i++)
    {
      BenchUser *learner = insert_user (db, config, now, password_hash, PARLA_ROLE_STUDENT, "member", i, error);

      if (learner == NULL)
        goto failed;
      g_ptr_array_add (users, learner);
      g_ptr_array_add (chat_members, learner);
    }

  *chat_session_id = insert_session (db, config, now, host, (BenchUser * const *) chat_members->pdata + 1,
                                     n_chat_learners, error);
  if (*chat_session_id == NULL)
    goto failed;

  return parla_db_commit (db, error);

failed:
  parla_db_rollback (db);
  return FALSE;
}

/* The server's configuration: defaults, except what would throttle or
 * disturb the benchmark. */
static void
write_config (const char *path,
              int         workers)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  g_autoptr(GError) error = NULL;

  g_key_file_set_integer (file, "server", "workers", workers);
  /* Each client sends far more than a person would. */
  g_key_file_set_integer (file, "realtime", "messages_per_second", 10000);
  g_key_file_set_integer (file, "realtime", "message_burst", 100000);
  /* One connection per user; the default (8) is kept. */
  g_key_file_set_integer (file, "realtime", "connections_per_user", 8);
  /* The session.starting scan would announce every call at once, in the
   * middle of a run; its first pass comes after this. */
  g_key_file_set_integer (file, "realtime", "session_scan_seconds", 3600);

  if (!g_key_file_save_to_file (file, path, &error))
    die ("cannot write %s: %s", path, error->message);
}

/* The call of each pair, from POST /api/v1/sessions/{id}/join as each
 * side's app would ask for it. Returns FALSE when the server has no such
 * endpoint; dies on any other failure. */
static gboolean
join_calls (const char *base_url,
            GPtrArray  *pairs,
            char      **why_not)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);

  for (guint i = 0; i < pairs->len; i++)
    {
      BenchPair *pair = g_ptr_array_index (pairs, i);
      BenchUser *sides[] = { pair->host, pair->learner };

      for (guint s = 0; s < G_N_ELEMENTS (sides); s++)
        {
          g_autofree char *url = g_strdup_printf ("%sapi/v1/sessions/%s/join", base_url, pair->session_id);
          g_autofree char *authorization = g_strconcat ("Bearer ", sides[s]->token, NULL);
          g_autoptr(SoupMessage) msg = soup_message_new ("POST", url);
          g_autoptr(GBytes) bytes = NULL;
          g_autoptr(JsonNode) root = NULL;
          g_autoptr(GError) error = NULL;
          const char *room;
          guint status;

          soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);
          bytes = soup_session_send_and_read (session, msg, NULL, &error);
          if (bytes == NULL)
            die ("POST %s: %s", url, error->message);

          status = soup_message_get_status (msg);
          if ((status == SOUP_STATUS_NOT_FOUND || status == SOUP_STATUS_METHOD_NOT_ALLOWED) && i == 0 && s == 0)
            {
              *why_not = g_strdup_printf ("POST /api/v1/sessions/{id}/join answers %u", status);
              return FALSE;
            }
          if (status != SOUP_STATUS_OK && status != SOUP_STATUS_CREATED)
            die ("POST %s: HTTP %u: %.*s", url, status,
                 (int) MIN (g_bytes_get_size (bytes), 300), (const char *) g_bytes_get_data (bytes, NULL));

          root = parla_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
          if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
            die ("POST %s: not a JSON object", url);
          room = parla_json_get_string (json_node_get_object (root), "room", NULL);
          if (room == NULL || !g_str_has_prefix (room, "call:"))
            die ("POST %s: no call room in the answer", url);

          if (pair->room == NULL)
            pair->room = g_strdup (room);
          else if (!g_str_equal (pair->room, room))
            die ("the two sides of session %s got different calls: %s and %s", pair->session_id, pair->room, room);
        }
    }

  return TRUE;
}

/* Buffers */

static void
buffer_reserve (Buffer *buffer,
                gsize   extra)
{
  if (buffer->end + extra <= buffer->size)
    return;

  if (buffer->start > 0)
    {
      memmove (buffer->data, buffer->data + buffer->start, buffer->end - buffer->start);
      buffer->end -= buffer->start;
      buffer->start = 0;
      if (buffer->end + extra <= buffer->size)
        return;
    }

  buffer->size = MAX (buffer->end + extra, buffer->size * 2);
  buffer->data = g_realloc (buffer->data, buffer->size);
}

static void
buffer_append (Buffer        *buffer,
               gconstpointer  data,
               gsize          length)
{
  buffer_reserve (buffer, length);
  memcpy (buffer->data + buffer->end, data, length);
  buffer->end += length;
}

static gsize
buffer_length (const Buffer *buffer)
{
  return buffer->end - buffer->start;
}

/* Consumes @length bytes; an emptied buffer gives its memory back, so
 * that idle clients hold none. */
static void
buffer_consume (Buffer *buffer,
                gsize   length)
{
  buffer->start += length;
  if (buffer->start < buffer->end)
    return;

  buffer->start = buffer->end = 0;
  if (buffer->size > 16 * 1024)
    {
      g_clear_pointer (&buffer->data, g_free);
      buffer->size = 0;
    }
}

static void
buffer_clear (Buffer *buffer)
{
  g_clear_pointer (&buffer->data, g_free);
  buffer->start = buffer->end = buffer->size = 0;
}

/* The WebSocket client */

static void conn_on_text (Conn       *conn,
                          const char *text,
                          gsize       length);

static void
bench_error (Bench      *bench,
             const char *format,
             ...) G_GNUC_PRINTF (2, 3);

static void
bench_error (Bench      *bench,
             const char *format,
             ...)
{
  va_list args;

  bench->errors++;
  if (bench->first_error != NULL)
    return;

  va_start (args, format);
  bench->first_error = g_strdup_vprintf (format, args);
  va_end (args);
}

static void
conn_free (Conn *conn)
{
  if (conn->fd >= 0)
    close (conn->fd);
  buffer_clear (&conn->in);
  buffer_clear (&conn->out);
  g_clear_pointer (&conn->fragments, g_byte_array_unref);
  g_free (conn->room);
  g_free (conn->signal_head);
  g_free (conn->from_marker);
  g_free (conn->accept_key);
  g_free (conn);
}

static void
conn_close (Conn       *conn,
            const char *reason)
{
  Bench *bench = conn->bench;

  if (conn->state == CONN_CLOSED)
    return;

  if (reason != NULL)
    bench_error (bench, "%s (%s): %s", conn->user->name, conn->room ? conn->room : "no room", reason);

  if (conn->state == CONN_HANDSHAKE || conn->state == CONN_CONNECTING)
    bench->n_handshaking--;
  bench->n_closed++;
  bench->in_flight -= conn->in_flight;
  conn->in_flight = 0;

  epoll_ctl (bench->epoll_fd, EPOLL_CTL_DEL, conn->fd, NULL);
  close (conn->fd);
  conn->fd = -1;
  conn->state = CONN_CLOSED;
  buffer_clear (&conn->in);
  buffer_clear (&conn->out);
}

static void
conn_watch (Conn     *conn,
            gboolean  writing)
{
  struct epoll_event event = { 0, };

  if (conn->writing == writing)
    return;

  conn->writing = writing;
  event.events = EPOLLIN | (writing ? EPOLLOUT : 0);
  event.data.ptr = conn;
  if (epoll_ctl (conn->bench->epoll_fd, EPOLL_CTL_MOD, conn->fd, &event) != 0)
    die ("epoll_ctl: %s", g_strerror (errno));
}

static void
conn_flush (Conn *conn)
{
  while (buffer_length (&conn->out) > 0)
    {
      ssize_t n = send (conn->fd, conn->out.data + conn->out.start, buffer_length (&conn->out), MSG_NOSIGNAL);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        {
          conn_watch (conn, TRUE);
          return;
        }
      if (n < 0)
        {
          g_autofree char *reason = g_strdup_printf ("send: %s", g_strerror (errno));
          conn_close (conn, reason);
          return;
        }
      buffer_consume (&conn->out, n);
    }

  conn_watch (conn, FALSE);
}

static void
conn_write (Conn          *conn,
            gconstpointer  data,
            gsize          length)
{
  if (conn->state == CONN_CLOSED)
    return;

  /* Straight to the socket unless older bytes wait. */
  if (buffer_length (&conn->out) == 0)
    {
      ssize_t n;

      do
        n = send (conn->fd, data, length, MSG_NOSIGNAL);
      while (n < 0 && errno == EINTR);

      if (n < 0 && errno != EAGAIN && errno != EWOULDBLOCK)
        {
          g_autofree char *reason = g_strdup_printf ("send: %s", g_strerror (errno));
          conn_close (conn, reason);
          return;
        }
      if (n == (ssize_t) length)
        return;

      n = MAX (n, 0);
      data = (const guint8 *) data + n;
      length -= n;
    }

  buffer_append (&conn->out, data, length);
  conn_watch (conn, TRUE);
}

static guint32
next_mask (Bench *bench)
{
  /* xorshift32: clients must mask, and what with does not matter here. */
  guint32 x = bench->mask_state;

  x ^= x << 13;
  x ^= x >> 17;
  x ^= x << 5;
  bench->mask_state = x;
  return x;
}

/* One masked frame, FIN set, as a client must send it. */
static void
conn_send_frame (Conn          *conn,
                 guint          opcode,
                 gconstpointer  payload,
                 gsize          length)
{
  Bench *bench = conn->bench;
  const guint8 *src = payload;
  guint8 header[14];
  gsize header_length;
  guint32 key = next_mask (bench);
  guint8 mask[4];
  guint8 *dst;
  gsize i;

  header[0] = 0x80 | opcode;
  if (length < 126)
    {
      header[1] = 0x80 | length;
      header_length = 2;
    }
  else if (length <= G_MAXUINT16)
    {
      header[1] = 0x80 | 126;
      header[2] = length >> 8;
      header[3] = length & 0xff;
      header_length = 4;
    }
  else
    {
      guint64 big = length;

      header[1] = 0x80 | 127;
      for (i = 0; i < 8; i++)
        header[2 + i] = (big >> (56 - 8 * i)) & 0xff;
      header_length = 10;
    }
  memcpy (mask, &key, 4);
  memcpy (header + header_length, mask, 4);
  header_length += 4;

  g_byte_array_set_size (bench->frame, header_length + length);
  memcpy (bench->frame->data, header, header_length);
  dst = bench->frame->data + header_length;

  /* Four bytes at a time: the key in memory order matches mask[]. */
  for (i = 0; i + 4 <= length; i += 4)
    {
      guint32 word;

      memcpy (&word, src + i, 4);
      word ^= key;
      memcpy (dst + i, &word, 4);
    }
  for (; i < length; i++)
    dst[i] = src[i] ^ mask[i & 3];

  conn_write (conn, bench->frame->data, bench->frame->len);
}

/* Returns the length of the text sent. */
static gsize
conn_send_json (Conn        *conn,
                JsonBuilder *builder)
{
  g_autoptr(JsonNode) root = json_builder_get_root (builder);
  g_autofree char *text = parla_json_to_string (root);
  gsize length = strlen (text);

  conn_send_frame (conn, 0x1, text, length);
  return length;
}

static void
conn_send_join (Conn *conn)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "join");
  parla_json_add_string (builder, "id", "join");
  parla_json_add_string (builder, "room", conn->room);
  json_builder_end_object (builder);

  conn->joining = TRUE;
  conn->bench->n_joining++;
  conn_send_json (conn, builder);
}

/* A signal to the peer: {"type":"signal","room","to","payload":{…}},
 * the payload starting with the sequence number and the send time. */
static void
conn_send_signal (Conn *conn)
{
  Bench *bench = conn->bench;
  const char *tail;

  tail = bench->sdp_every > 0 && conn->sent % bench->sdp_every == bench->sdp_every - 1
         ? bench->sdp_tail : bench->ice_tail;

  g_string_assign (bench->text, conn->signal_head);
  g_string_append_printf (bench->text, "\"bench_seq\":%" G_GUINT64_FORMAT ",\"bench_t\":%" G_GINT64_FORMAT ",%s}}",
                          conn->sent, now_ns (), tail);

  conn->sent++;
  conn->in_flight++;
  bench->in_flight++;
  bench->sent++;
  bench->sent_bytes += bench->text->len;
  conn_send_frame (conn, 0x1, bench->text->str, bench->text->len);
}

static void
conn_send_chat (Conn *conn)
{
  Bench *bench = conn->bench;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autofree char *id = g_strdup_printf ("c%u-%" G_GUINT64_FORMAT, conn->index, conn->sent);
  g_autofree char *text = NULL;

  /* About the length of a chat line. */
  text = g_strdup_printf ("bench t=%" G_GINT64_FORMAT " s=%" G_GUINT64_FORMAT
                          " ¿Nos vemos mañana a las cinco para repasar el subjuntivo?",
                          now_ns (), conn->sent);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "type", "chat.send");
  parla_json_add_string (builder, "id", id);
  parla_json_add_string (builder, "room", conn->room);
  parla_json_add_string (builder, "text", text);
  json_builder_end_object (builder);

  conn->sent++;
  conn->in_flight++;
  bench->in_flight++;
  bench->sent++;
  bench->sent_bytes += conn_send_json (conn, builder);
}

static void
conn_send_one (Conn *conn)
{
  if (conn->bench->load == LOAD_SIGNAL)
    conn_send_signal (conn);
  else
    conn_send_chat (conn);
}


static void
conn_start_handshake (Conn *conn)
{
  Bench *bench = conn->bench;
  g_autoptr(GChecksum) sha1 = g_checksum_new (G_CHECKSUM_SHA1);
  g_autofree char *key = NULL;
  g_autofree char *request = NULL;
  guint8 nonce[16];
  guint8 digest[20];
  gsize digest_length = sizeof digest;

  for (guint i = 0; i < sizeof nonce; i++)
    nonce[i] = g_random_int_range (0, 256);
  key = g_base64_encode (nonce, sizeof nonce);

  g_checksum_update (sha1, (const guchar *) key, -1);
  g_checksum_update (sha1, (const guchar *) WS_GUID, -1);
  g_checksum_get_digest (sha1, digest, &digest_length);
  conn->accept_key = g_base64_encode (digest, digest_length);

  request = g_strdup_printf ("GET /api/v1/ws HTTP/1.1\r\n"
                             "Host: %s\r\n"
                             "Upgrade: websocket\r\n"
                             "Connection: Upgrade\r\n"
                             "Sec-WebSocket-Key: %s\r\n"
                             "Sec-WebSocket-Version: 13\r\n"
                             "Authorization: Bearer %s\r\n"
                             "\r\n",
                             bench->host_header, key, conn->user->token);

  conn->state = CONN_HANDSHAKE;
  conn_write (conn, request, strlen (request));
}

static void
conn_connect (Conn *conn)
{
  Bench *bench = conn->bench;
  struct epoll_event event = { 0, };
  int one = 1;

  conn->fd = socket (AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (conn->fd < 0)
    die ("socket: %s", g_strerror (errno));
  setsockopt (conn->fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

  conn->state = CONN_CONNECTING;
  bench->n_handshaking++;

  event.events = EPOLLIN | EPOLLOUT;
  event.data.ptr = conn;
  conn->writing = TRUE;
  if (epoll_ctl (bench->epoll_fd, EPOLL_CTL_ADD, conn->fd, &event) != 0)
    die ("epoll_ctl: %s", g_strerror (errno));

  if (connect (conn->fd, (struct sockaddr *) &bench->address, sizeof bench->address) == 0)
    conn_start_handshake (conn);
  else if (errno != EINPROGRESS)
    {
      g_autofree char *reason = g_strdup_printf ("connect: %s", g_strerror (errno));
      conn_close (conn, reason);
    }
}

/* The server's 101; TRUE once the handshake is over. */
static gboolean
conn_read_handshake (Conn *conn)
{
  Bench *bench = conn->bench;
  const char *data = (const char *) conn->in.data + conn->in.start;
  gsize length = buffer_length (&conn->in);
  const char *end = g_strstr_len (data, length, "\r\n\r\n");
  g_autofree char *head = NULL;
  g_autofree char *expected = NULL;

  if (end == NULL)
    {
      if (length > 16 * 1024)
        conn_close (conn, "an endless handshake answer");
      return FALSE;
    }

  head = g_strndup (data, end - data);
  expected = g_strdup_printf ("\r\nSec-WebSocket-Accept: %s", conn->accept_key);
  if (!g_str_has_prefix (head, "HTTP/1.1 101 "))
    {
      g_autofree char *reason = g_strdup_printf ("upgrade refused: %.*s", (int) MIN (length, 300), data);
      conn_close (conn, reason);
      return FALSE;
    }
  if (g_strstr_len (head, -1, expected) == NULL)
    {
      conn_close (conn, "wrong Sec-WebSocket-Accept");
      return FALSE;
    }

  buffer_consume (&conn->in, end + 4 - data);
  conn->state = CONN_OPEN;
  bench->n_handshaking--;
  return TRUE;
}

/* Parses whole frames from @data; returns how many bytes they took. */
static gsize
conn_parse (Conn         *conn,
            const guint8 *data,
            gsize         length)
{
  gsize pos = 0;

  while (conn->state == CONN_OPEN && length - pos >= 2)
    {
      const guint8 *h = data + pos;
      gboolean fin = (h[0] & 0x80) != 0;
      guint opcode = h[0] & 0x0f;
      guint64 payload_length = h[1] & 0x7f;
      gsize header = 2;
      const guint8 *payload;

      if (h[1] & 0x80)
        {
          conn_close (conn, "the server masked a frame");
          break;
        }
      if (payload_length == 126)
        {
          if (length - pos < 4)
            break;
          payload_length = ((guint) h[2] << 8) | h[3];
          header = 4;
        }
      else if (payload_length == 127)
        {
          if (length - pos < 10)
            break;
          payload_length = 0;
          for (guint i = 0; i < 8; i++)
            payload_length = (payload_length << 8) | h[2 + i];
          header = 10;
        }
      if (length - pos - header < payload_length)
        break;

      payload = h + header;
      pos += header + payload_length;

      switch (opcode)
        {
        case 0x0:   /* continuation */
        case 0x1:   /* text */
        case 0x2:   /* binary: answered by an error frame */
          if (fin && opcode != 0x0 && conn->fragments == NULL)
            conn_on_text (conn, (const char *) payload, payload_length);
          else
            {
              if (conn->fragments == NULL)
                conn->fragments = g_byte_array_new ();
              g_byte_array_append (conn->fragments, payload, payload_length);
              if (fin)
                {
                  g_autoptr(GByteArray) message = g_steal_pointer (&conn->fragments);

                  conn_on_text (conn, (const char *) message->data, message->len);
                }
            }
          break;

        case 0x8:   /* close */
          {
            g_autofree char *reason = NULL;
            guint code = payload_length >= 2 ? ((guint) payload[0] << 8) | payload[1] : 1005;

            reason = g_strdup_printf ("closed by the server: %u %.*s", code,
                                      (int) (payload_length >= 2 ? payload_length - 2 : 0),
                                      (const char *) payload + 2);
            conn_close (conn, reason);
          }
          break;

        case 0x9:   /* ping */
          conn->bench->pings++;
          conn_send_frame (conn, 0xa, payload, payload_length);
          break;

        case 0xa:   /* pong */
          break;

        default:
          conn_close (conn, "a frame with an unknown opcode");
          break;
        }
    }

  return pos;
}

static void
conn_read (Conn *conn)
{
  Bench *bench = conn->bench;

  while (conn->state != CONN_CLOSED)
    {
      gboolean direct = conn->state == CONN_OPEN && buffer_length (&conn->in) == 0;
      guint8 *dest;
      gsize space;
      ssize_t n;

      /* Most reads hold whole frames: they are parsed where they were
       * read, and only a partial one is kept. */
      if (direct)
        {
          dest = bench->read_buffer;
          space = READ_BUFFER_SIZE;
        }
      else
        {
          buffer_reserve (&conn->in, 64 * 1024);
          dest = conn->in.data + conn->in.end;
          space = conn->in.size - conn->in.end;
        }

      n = recv (conn->fd, dest, space, 0);
      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return;
      if (n <= 0)
        {
          conn_close (conn, n == 0 ? "the server closed the connection" : g_strerror (errno));
          return;
        }

      if (direct)
        {
          gsize used = conn_parse (conn, dest, n);

          if (conn->state != CONN_CLOSED && used < (gsize) n)
            buffer_append (&conn->in, dest + used, n - used);
        }
      else
        {
          conn->in.end += n;
          if (conn->state == CONN_HANDSHAKE && !conn_read_handshake (conn))
            continue;
          if (conn->state == CONN_OPEN)
            {
              gsize used = conn_parse (conn, conn->in.data + conn->in.start, buffer_length (&conn->in));

              buffer_consume (&conn->in, used);
            }
        }

      if ((gsize) n < space)
        return;
    }
}

static void
conn_on_writable (Conn *conn)
{
  if (conn->state == CONN_CONNECTING)
    {
      int error = 0;
      socklen_t length = sizeof error;

      getsockopt (conn->fd, SOL_SOCKET, SO_ERROR, &error, &length);
      if (error != 0)
        {
          g_autofree char *reason = g_strdup_printf ("connect: %s", g_strerror (error));
          conn_close (conn, reason);
          return;
        }
      conn_start_handshake (conn);
      if (conn->state != CONN_CLOSED && buffer_length (&conn->out) == 0)
        conn_watch (conn, FALSE);
      return;
    }

  conn_flush (conn);
}

/* The value of the unsigned integer after @key in @text. */
static gboolean
find_uint (const char *text,
           gsize       length,
           const char *key,
           gsize       key_length,
           guint64    *value)
{
  const char *p = memmem (text, length, key, key_length);
  const char *end = text + length;
  guint64 v = 0;

  if (p == NULL)
    return FALSE;

  for (p += key_length; p < end && *p == ' '; p++)
    ;
  if (p == end || !g_ascii_isdigit (*p))
    return FALSE;
  for (; p < end && g_ascii_isdigit (*p); p++)
    v = v * 10 + (*p - '0');

  *value = v;
  return TRUE;
}

static void
record_latency (Bench  *bench,
                gint64  sent_at)
{
  gint64 now = now_ns ();
  double ms = (now - sent_at) / 1e6;

  if (!bench->recording)
    return;

  g_array_append_val (bench->latencies, ms);
  bench->delivered++;
  bench->last_delivery = now;
}

#define KEY(s) s, sizeof s - 1

/* The hot path: a signal relayed from the peer. */
static void
conn_on_signal (Conn       *conn,
                const char *text,
                gsize       length)
{
  Bench *bench = conn->bench;
  Conn *sender = conn->peer;
  guint64 seq, sent_at;

  if (!find_uint (text, length, KEY ("\"bench_seq\":"), &seq) ||
      !find_uint (text, length, KEY ("\"bench_t\":"), &sent_at))
    {
      bench_error (bench, "a signal without the benchmark's fields: %.*s", (int) MIN (length, 200), text);
      return;
    }

  if (sender == NULL || memmem (text, length, sender->from_marker, strlen (sender->from_marker)) == NULL)
    {
      bench->misrouted++;
      return;
    }

  conn->received++;
  if (seq != conn->expected_seq)
    bench->out_of_order++;
  conn->expected_seq = seq + 1;

  if (sender->in_flight > 0)
    {
      sender->in_flight--;
      bench->in_flight--;
    }

  record_latency (bench, (gint64) sent_at);
}

static void
conn_on_chat (Conn       *conn,
              const char *text,
              gsize       length)
{
  Bench *bench = conn->bench;
  guint64 sent_at;

  if (!find_uint (text, length, KEY ("bench t="), &sent_at))
    return;

  conn->received++;
  record_latency (bench, (gint64) sent_at);
}

/* Everything else, rare: read with json-glib. */
static void
conn_on_control (Conn       *conn,
                 const char *text,
                 gsize       length)
{
  Bench *bench = conn->bench;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *object;
  const char *type, *id;

  root = parla_json_parse (text, length, &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    {
      bench_error (bench, "%s: not a JSON object: %.*s", conn->user->name, (int) MIN (length, 200), text);
      return;
    }

  object = json_node_get_object (root);
  type = parla_json_get_string (object, "type", "");
  id = parla_json_get_string (object, "id", NULL);

  if (g_str_equal (type, "welcome"))
    {
      conn->welcomed = TRUE;
    }
  else if (g_str_equal (type, "ack") && g_strcmp0 (id, "join") == 0)
    {
      if (conn->joining)
        {
          conn->joining = FALSE;
          conn->joined = TRUE;
          bench->n_joining--;
        }
    }
  else if (g_str_equal (type, "ack") && id != NULL && id[0] == 'c')
    {
      if (parla_json_get_bool (object, "duplicate", FALSE))
        bench->duplicates++;
      if (bench->recording)
        bench->acked++;
      if (conn->in_flight > 0)
        {
          conn->in_flight--;
          bench->in_flight--;
        }
    }
  else if (g_str_equal (type, "error"))
    {
      bench_error (bench, "%s: error %s on %s: %s", conn->user->name,
                   parla_json_get_string (object, "code", "?"), id ? id : "a message",
                   parla_json_get_string (object, "message", ""));
      if (g_strcmp0 (id, "join") == 0)
        die ("%s cannot join %s: %s", conn->user->name, conn->room, parla_json_get_string (object, "message", ""));
      if (id != NULL && id[0] == 'c' && conn->in_flight > 0)
        {
          conn->in_flight--;
          bench->in_flight--;
        }
    }
  /* room.members, room.joined, presence, session and booking events:
   * nothing to do. */
}

static void
conn_on_text (Conn       *conn,
              const char *text,
              gsize       length)
{
  gsize head = MIN (length, 32);

  if (memmem (text, head, KEY ("\"type\":\"signal\"")) != NULL)
    conn_on_signal (conn, text, length);
  else if (memmem (text, head, KEY ("\"type\":\"chat.message\"")) != NULL)
    conn_on_chat (conn, text, length);
  else
    conn_on_control (conn, text, length);
}

/* The event loop */

static void
bench_poll (Bench *bench,
            int    timeout_ms)
{
  struct epoll_event events[MAX_EVENTS];
  int n = epoll_wait (bench->epoll_fd, events, MAX_EVENTS, timeout_ms);

  if (n < 0 && errno != EINTR)
    die ("epoll_wait: %s", g_strerror (errno));

  for (int i = 0; i < n; i++)
    {
      Conn *conn = events[i].data.ptr;

      if (conn->state == CONN_CLOSED)
        continue;
      if ((events[i].events & EPOLLOUT) || conn->state == CONN_CONNECTING)
        conn_on_writable (conn);
      if (conn->state != CONN_CLOSED && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP)))
        conn_read (conn);
    }
}

typedef gboolean (*BenchCondition) (Bench *bench);

/* Runs the loop until @condition holds; dies after @seconds. */
static void
bench_run_until (Bench          *bench,
                 BenchCondition  condition,
                 int             seconds,
                 const char     *what)
{
  gint64 start = now_ns ();

  while (!condition (bench))
    {
      if (seconds_since (start) > seconds)
        die ("%s: not done after %d s; %u closed, %" G_GUINT64_FORMAT " errors, first: %s",
             what, seconds, bench->n_closed, bench->errors, bench->first_error ? bench->first_error : "none");
      bench_poll (bench, 10);
    }
}

static void
bench_idle (Bench *bench,
            int    milliseconds)
{
  gint64 end = now_ns () + (gint64) milliseconds * 1000000;

  while (now_ns () < end)
    bench_poll (bench, MAX (1, (int) ((end - now_ns ()) / 1000000)));
}

static Conn *
bench_add_conn (Bench      *bench,
                BenchUser  *user,
                const char *room)
{
  Conn *conn = g_new0 (Conn, 1);

  conn->bench = bench;
  conn->user = user;
  conn->room = g_strdup (room);
  conn->fd = -1;
  conn->state = CONN_CLOSED;
  conn->index = bench->conns->len;
  g_ptr_array_add (bench->conns, conn);

  return conn;
}

/* Prebuilt pieces of a signal, escaped by json-glib once. */
static void
conn_set_peer (Conn *conn,
               Conn *peer)
{
  g_autofree char *room = json_quote (conn->room);
  g_autofree char *to = json_quote (peer->user->id);
  g_autofree char *from = json_quote (conn->user->id);

  conn->peer = peer;
  conn->signal_head = g_strconcat ("{\"type\":\"signal\",\"room\":", room, ",\"to\":", to, ",\"payload\":{", NULL);
  conn->from_marker = g_strconcat ("\"from\":", from, NULL);
}

static gboolean
all_handshakes_done (Bench *bench)
{
  return bench->n_handshaking == 0;
}

/* Connects the clients in [@first, @last), a bounded number of upgrades
 * at a time, and waits for each one's welcome. */
static void
bench_connect (Bench *bench,
               guint  first,
               guint  last)
{
  guint next = first;
  gint64 start = now_ns ();

  while (next < last || bench->n_handshaking > 0)
    {
      while (next < last && bench->n_handshaking < MAX_HANDSHAKES)
        conn_connect (g_ptr_array_index (bench->conns, next++));

      if (seconds_since (start) > STEP_TIMEOUT_SECONDS)
        die ("connecting: not done after %d s: %u closed; first error: %s", STEP_TIMEOUT_SECONDS,
             bench->n_closed, bench->first_error ? bench->first_error : "none");
      bench_poll (bench, 10);
    }

  bench_run_until (bench, all_handshakes_done, STEP_TIMEOUT_SECONDS, "connecting");

  for (guint i = first; i < last; i++)
    {
      Conn *conn = g_ptr_array_index (bench->conns, i);

      while (conn->state == CONN_OPEN && !conn->welcomed)
        {
          if (seconds_since (start) > STEP_TIMEOUT_SECONDS)
            die ("no welcome for %s after %d s", conn->user->name, STEP_TIMEOUT_SECONDS);
          bench_poll (bench, 10);
        }
      if (conn->state != CONN_OPEN)
        die ("%s could not connect: %s", conn->user->name, bench->first_error ? bench->first_error : "closed");
    }
}

static gboolean
no_joins_pending (Bench *bench)
{
  return bench->n_joining == 0;
}

static void
bench_join (Bench *bench,
            guint  first,
            guint  last)
{
  guint next = first;

  while (next < last)
    {
      while (next < last && bench->n_joining < MAX_JOINS)
        conn_send_join (g_ptr_array_index (bench->conns, next++));
      bench_poll (bench, 10);
    }

  bench_run_until (bench, no_joins_pending, STEP_TIMEOUT_SECONDS, "joining");

  for (guint i = first; i < last; i++)
    {
      Conn *conn = g_ptr_array_index (bench->conns, i);

      if (!conn->joined)
        die ("%s did not join %s: %s", conn->user->name, conn->room,
             bench->first_error ? bench->first_error : "closed");
    }
}

/* Runs @senders for @seconds, each sending in turn: at @rate messages a
 * second in all, or, with a @window, as fast as the server takes them
 * with @window messages in flight in all (a closed loop: when one
 * arrives, the next sender in turn sends one); then waits for what is
 * still in flight.
 *
 * The closed loop moves on to another sender on purpose. When a pair
 * sends its next signal as soon as its last one arrives, that signal is
 * often in the server's socket before libsoup's read loop for the pair
 * has ended (it reads until the socket is empty), and a few pairs keep
 * the server's main thread to themselves while the others starve. */
static void
bench_run_load (Bench         *bench,
                ServerProcess *server,
                GPtrArray     *senders,
                LoadKind       load,
                double         rate,
                guint          window,
                int            seconds,
                guint          receivers_per_message,
                double         idle_cpu_per_s,
                RunResult     *result)
{
  ServerCpu cpu_before, cpu;
  double client_cpu, machine_cpu;
  gint64 start, stop, drain_deadline, now;
  guint next = 0;

  memset (result, 0, sizeof *result);
  g_array_set_size (bench->latencies, 0);
  bench->load = load;
  bench->sent = bench->sent_bytes = bench->delivered = bench->acked = bench->duplicates = 0;
  bench->misrouted = bench->out_of_order = 0;
  bench->recording = TRUE;
  bench->sending = TRUE;

  server_cpu (server, &cpu_before);
  client_cpu = client_cpu_seconds ();
  machine_cpu = machine_busy_seconds ();
  start = now_ns ();
  stop = start + (gint64) seconds * 1000000000;
  bench->last_delivery = start;

  while ((now = now_ns ()) < stop)
    {
      guint64 due = window > 0 ? bench->sent + (window - MIN (window, bench->in_flight))
                               : (guint64) (rate * (now - start) / 1e9);

      while (bench->sent < due)
        {
          Conn *conn = g_ptr_array_index (senders, next++ % senders->len);

          if (conn->state == CONN_OPEN)
            conn_send_one (conn);
          else
            bench->sent++;   /* counted, and so lost */
        }
      bench_poll (bench, 1);
    }

  bench->sending = FALSE;
  drain_deadline = now_ns () + (gint64) DRAIN_SECONDS * 1000000000;
  while (now_ns () < drain_deadline &&
         (bench->in_flight > 0 ||
          (receivers_per_message > 1 && bench->delivered < bench->acked * receivers_per_message)))
    bench_poll (bench, 10);

  server_cpu (server, &cpu);
  server_cpu_diff (&cpu_before, &cpu);
  result->client_cpu = client_cpu_seconds () - client_cpu;
  result->other_cpu = MAX (0, machine_busy_seconds () - machine_cpu - cpu.total - result->client_cpu);
  bench->recording = FALSE;

  result->done = TRUE;
  result->seconds = (MAX (bench->last_delivery, stop) - start) / 1e9;
  result->sent = bench->sent;
  result->delivered = bench->delivered;
  result->expected = receivers_per_message > 1 ? bench->acked * receivers_per_message : bench->sent;
  result->lost = (gint64) result->expected - (gint64) result->delivered;
  result->per_second = result->delivered / result->seconds;
  result->server_cpu = cpu.total;
  result->main_cpu = cpu.main_thread;
  result->cpu_us = result->delivered > 0 ? cpu.total * 1e6 / result->delivered : 0;
  result->net_cpu_us = result->delivered > 0
                       ? MAX (0, cpu.total - idle_cpu_per_s * result->seconds) * 1e6 / result->delivered : 0;
  result->mean_bytes = bench->sent > 0 ? (double) bench->sent_bytes / bench->sent : 0;
  compute_stats (bench->latencies, &result->latency);
}

static void
print_run (const char      *name,
           const RunResult *result,
           const char      *unit)
{
  g_print ("%s\n", name);
  g_print ("  sent %" G_GUINT64_FORMAT " (mean frame payload %.0f bytes), %s %" G_GUINT64_FORMAT
           ", lost %" G_GINT64_FORMAT " over %.2f s: %.0f %s/s\n",
           result->sent, result->mean_bytes, unit, result->delivered, result->lost, result->seconds,
           result->per_second, unit);
  g_print ("  latency ms: p50 %.3f, p90 %.3f, p99 %.3f, max %.3f, mean %.3f\n",
           result->latency.p50, result->latency.p90, result->latency.p99, result->latency.max,
           result->latency.mean);
  g_print ("  server CPU %.2f s (main thread %.2f s): %.2f us per message %s, %.2f us less the idle CPU;"
           " client CPU %.2f s\n",
           result->server_cpu, result->main_cpu, result->cpu_us, unit, result->net_cpu_us, result->client_cpu);
  /* Two cores: another process taking a tenth of one disturbs the run. */
  g_print ("  other processes' CPU %.2f s%s\n", result->other_cpu,
           result->other_cpu > 0.1 * result->seconds ? ": NOISY, the machine was not quiet" : "");
}

static char *
build_sdp (int size)
{
  g_autoptr(GString) sdp = g_string_new (NULL);
  g_autofree char *quoted = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (sdp_head); i++)
    g_string_append_printf (sdp, "%s\r\n", sdp_head[i]);

  /* Video codecs and their feedback lines, then candidates, to size. */
  for (guint pt = 96; (int) sdp->len < size; pt++)
    {
      if (pt < 128)
        g_string_append_printf (sdp, "a=rtpmap:%u VP8/90000\r\na=rtcp-fb:%u goog-remb\r\n"
                                "a=rtcp-fb:%u transport-cc\r\na=rtcp-fb:%u ccm fir\r\n"
                                "a=rtcp-fb:%u nack\r\na=rtcp-fb:%u nack pli\r\n",
                                pt, pt, pt, pt, pt, pt);
      else
        g_string_append_printf (sdp, "a=candidate:%u 1 udp 2122260223 192.168.1.%u 5%04u typ host "
                                "generation 0 network-id 1\r\n", pt, pt % 250, pt);
    }
  g_string_truncate (sdp, size);

  quoted = json_quote (sdp->str);
  return g_strconcat ("\"type\":\"offer\",\"sdp\":", quoted, NULL);
}

/* "candidate":…, padded so that the whole payload object is about
 * @payload_bytes. */
static char *
build_ice (int payload_bytes)
{
  const char *candidate = "candidate:842163049 1 udp 1677729535 203.0.113.7 46154 typ srflx "
                          "raddr 192.168.1.7 rport 46154 generation 0 ufrag EsAp network-cost 999";
  /* {"bench_seq":N,"bench_t":T, with a six digit N and a 13 digit T */
  const int numbers = 46;
  g_autofree char *quoted = json_quote (candidate);
  g_autofree char *tail = g_strconcat ("\"candidate\":", quoted,
                                       ",\"sdpMid\":\"0\",\"sdpMLineIndex\":0,\"usernameFragment\":\"EsAp\"",
                                       NULL);
  int missing = payload_bytes - numbers - (int) strlen (tail) - 1 - (int) strlen (",\"pad\":\"\"");

  if (missing <= 0)
    return g_steal_pointer (&tail);

  {
    g_autofree char *pad = g_strnfill (missing, 'x');
    return g_strconcat (tail, ",\"pad\":\"", pad, "\"", NULL);
  }
}

static Bench *
bench_new (guint port,
           const BenchOptions *options)
{
  Bench *bench = g_new0 (Bench, 1);

  bench->conns = g_ptr_array_new_with_free_func ((GDestroyNotify) conn_free);
  bench->latencies = g_array_new (FALSE, FALSE, sizeof (double));
  bench->text = g_string_sized_new (8192);
  bench->frame = g_byte_array_sized_new (8192);
  bench->read_buffer = g_malloc (READ_BUFFER_SIZE);
  bench->host_header = g_strdup_printf ("127.0.0.1:%u", port);
  bench->ice_tail = build_ice (options->payload_bytes);
  bench->sdp_tail = build_sdp (options->sdp_bytes);
  bench->sdp_every = options->sdp_every;
  bench->mask_state = 0x9e3779b9;

  bench->address.sin_family = AF_INET;
  bench->address.sin_port = htons (port);
  bench->address.sin_addr.s_addr = htonl (INADDR_LOOPBACK);

  bench->epoll_fd = epoll_create1 (EPOLL_CLOEXEC);
  if (bench->epoll_fd < 0)
    die ("epoll_create1: %s", g_strerror (errno));

  return bench;
}

static void
bench_free (Bench *bench)
{
  g_ptr_array_unref (bench->conns);
  g_array_unref (bench->latencies);
  g_string_free (bench->text, TRUE);
  g_byte_array_unref (bench->frame);
  g_free (bench->read_buffer);
  g_free (bench->host_header);
  g_free (bench->ice_tail);
  g_free (bench->sdp_tail);
  g_free (bench->first_error);
  close (bench->epoll_fd);
  g_free (bench);
}

/* The server's CPU per second with the clients connected and silent:
 * pings, the idle sweep, the token check. */
static double
measure_idle (Bench         *bench,
              ServerProcess *server,
              int            seconds,
              ServerCpu     *cpu)
{
  ServerCpu before;
  gint64 start;
  double wall;

  server_cpu (server, &before);
  start = now_ns ();
  bench_idle (bench, seconds * 1000);
  wall = seconds_since (start);
  server_cpu (server, cpu);
  server_cpu_diff (&before, cpu);

  return cpu->total / wall;
}

/* The summary line: numbers only, with two decimals. */
static void
print_summary (const BenchOptions *options,
               double              bytes_per_conn,
               const RunResult    *relay,
               const RunResult    *relay_max,
               const RunResult    *chat,
               const RunResult    *chat_max)
{
  g_autoptr(GString) line = g_string_new ("{");
  char number[G_ASCII_DTOSTR_BUF_SIZE];

#define ADD(name, value) \
  g_string_append_printf (line, "%s\"%s\":%s", line->len > 1 ? "," : "", name, \
                          g_ascii_formatd (number, sizeof number, "%.2f", (double) (value)))

  g_string_append_printf (line, "\"clients\":%d", options->clients);
  ADD ("bytes_per_idle_conn", bytes_per_conn);
  if (relay->done)
    {
      ADD ("relay_rate", options->rate);
      ADD ("relay_msgs_per_s", relay->per_second);
      ADD ("relay_p50_ms", relay->latency.p50);
      ADD ("relay_p99_ms", relay->latency.p99);
      ADD ("relay_lost", relay->lost);
      ADD ("relay_cpu_us_per_msg", relay->cpu_us);
    }
  if (relay_max->done)
    {
      ADD ("max_msgs_per_s", relay_max->per_second);
      ADD ("max_p50_ms", relay_max->latency.p50);
      ADD ("max_p99_ms", relay_max->latency.p99);
      ADD ("max_lost", relay_max->lost);
      ADD ("max_cpu_us_per_msg", relay_max->cpu_us);
    }
  if (chat->done)
    {
      ADD ("chat_deliveries_per_s", chat->per_second);
      ADD ("chat_p50_ms", chat->latency.p50);
      ADD ("chat_p99_ms", chat->latency.p99);
      ADD ("chat_lost", chat->lost);
      ADD ("chat_cpu_us_per_delivery", chat->cpu_us);
    }
  if (chat_max->done)
    {
      ADD ("chat_max_deliveries_per_s", chat_max->per_second);
      ADD ("chat_max_p99_ms", chat_max->latency.p99);
    }
#undef ADD

  g_string_append (line, "}");
  g_print ("%s\n", line->str);
}

int
main (int    argc,
      char **argv)
{
  BenchOptions options = { 500, 10, 10000, 200, 4000, 20, 64, 5, 50, 50, 10, NULL, NULL };
  GOptionEntry entries[] = {
    { "clients", 0, 0, G_OPTION_ARG_INT, &options.clients, "Relay clients, in pairs (500)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &options.seconds, "Length of each run (10)", "S" },
    { "rate", 0, 0, G_OPTION_ARG_INT, &options.rate, "Signals a second in all, fixed-rate run (10000)", "R" },
    { "payload-bytes", 0, 0, G_OPTION_ARG_INT, &options.payload_bytes,
      "Size of an ICE candidate's payload object (200)", "B" },
    { "sdp-bytes", 0, 0, G_OPTION_ARG_INT, &options.sdp_bytes, "Size of an SDP (4000)", "B" },
    { "sdp-every", 0, 0, G_OPTION_ARG_INT, &options.sdp_every,
      "Every Nth signal of a client is an SDP; 0: none (20)", "N" },
    { "window", 0, 0, G_OPTION_ARG_INT, &options.window,
      "Maximum-rate run: signals in flight in all; 0 skips the run (64)", "W" },
    { "idle-seconds", 0, 0, G_OPTION_ARG_INT, &options.idle_seconds, "Idle CPU measured over (5)", "S" },
    { "chat-members", 0, 0, G_OPTION_ARG_INT, &options.chat_members,
      "Members of the chat room, host included; 0 skips chat (50)", "N" },
    { "chat-rate", 0, 0, G_OPTION_ARG_INT, &options.chat_rate, "chat.send a second in all (50)", "R" },
    { "chat-window", 0, 0, G_OPTION_ARG_INT, &options.chat_window,
      "Maximum-rate chat: chat.send not yet acknowledged, in all; 0 skips the run (10)", "W" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &options.server_path,
      "The parla-server to run (the build's); a wrapper script must exec it", "PATH" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &options.keep, "Create the database in DIR and keep it", "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— parla-server signaling relay and chat benchmark");
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_user_free);
  g_autoptr(GPtrArray) pairs = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_pair_free);
  g_autoptr(GPtrArray) chat_users = g_ptr_array_new ();
  g_autoptr(GPtrArray) relay_conns = g_ptr_array_new ();
  g_autoptr(GPtrArray) chat_conns = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *config_path = NULL;
  g_autofree char *cpu_model = NULL;
  g_autofree char *chat_session_id = NULL;
  g_autofree char *chat_room = NULL;
  g_autofree char *why_no_calls = NULL;
  g_autofree char *server_path = NULL;
  ParlaDb *db;
  ServerProcess server = { 0, };
  ServerCpu idle_cpu;
  Bench *bench;
  RunResult relay = { 0, }, relay_max = { 0, }, chat = { 0, }, chat_max = { 0, };
  gboolean calls;
  gboolean keep = FALSE;
  gint64 rss_start, rss_connected, rss_joined, rss_end;
  gint64 start;
  double seed_s, connect_s, join_s, idle_per_s;
  double bytes_per_conn;
  guint n_pairs;
  int workers;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (options.clients < 2 || options.clients % 2 != 0)
    die ("--clients must be an even number, at least 2");
  if (options.seconds < 1 || options.rate < 1 || options.payload_bytes < 1 || options.sdp_bytes < 1 ||
      options.sdp_every < 0 || options.window < 0 || options.idle_seconds < 1 ||
      options.chat_members < 0 || options.chat_members == 1 || options.chat_rate < 1 || options.chat_window < 0)
    die ("invalid option value; see --help");

  server_path = options.server_path != NULL ? g_steal_pointer (&options.server_path)
                                             : g_strdup (PARLA_SERVER_PATH);
  if (!g_file_test (server_path, G_FILE_TEST_IS_EXECUTABLE))
    die ("%s is not an executable: build it, or name one with --server", server_path);

  n_pairs = options.clients / 2;
  raise_fd_limit (options.clients + options.chat_members + 256);

  if (options.keep != NULL)
    {
      dir = g_steal_pointer (&options.keep);
      keep = TRUE;
      if (g_mkdir_with_parents (dir, 0700) != 0)
        die ("cannot create %s: %s", dir, g_strerror (errno));
    }
  else
    {
      dir = g_dir_make_tmp ("parla-bench-realtime-XXXXXX", &error);
      if (dir == NULL)
        die ("%s", error->message);
    }
  path = g_build_filename (dir, "parla.db", NULL);
  config_path = g_build_filename (dir, "parla-server.conf", NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    die ("%s exists: the benchmark needs a fresh database", path);

  g_free (config->db_url);
  config->db_url = g_strconcat ("sqlite:", path, NULL);
  workers = config->worker_threads;
  write_config (config_path, workers);

  cpu_model = dup_cpu_model ();
  g_print ("parla-bench-realtime %s: %d clients (%u calls), chat room of %d, database %s\n"
           "machine: %u CPUs, %s; SQLite %s, libsoup %u.%u.%u\n",
           PACKAGE_VERSION, options.clients, n_pairs, options.chat_members, path,
           g_get_num_processors (), cpu_model, sqlite3_libversion (),
           soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version ());

  db = parla_db_open (config->db_url, &error);
  if (db == NULL || !parla_db_migrate (db, &error))
    die ("cannot create the database: %s", error->message);

  start = now_ns ();
  if (!seed (db, config, parla_time_now (), n_pairs, MAX (options.chat_members, 1) - 1,
             users, pairs, chat_users, &chat_session_id, &error))
    die ("cannot seed: %s", error->message);
  seed_s = seconds_since (start);
  parla_db_close (db);
  if (chat_session_id != NULL)
    chat_room = parla_room_name ("session", chat_session_id);

  g_print ("seeding: %.2f s (%u users with tokens, %u private sessions with a confirmed seat, "
           "one group session with %d seats)\n",
           seed_s, users->len, n_pairs, MAX (options.chat_members, 1) - 1);

  server_start (&server, server_path, config_path, config->db_url);
  g_print ("server: %s, pid %d, %s; %d workers, messages_per_second 10000, message_burst 100000,\n"
           "  connections_per_user 8, session_scan_seconds 3600, the rest the defaults\n",
           server.base_url, server.pid, server_path, workers);

  /* The calls, over HTTP as the app asks for them. */
  start = now_ns ();
  calls = join_calls (server.base_url, pairs, &why_no_calls);
  if (calls)
    g_print ("calls: %u POST /api/v1/sessions/{id}/join in %.2f s\n", pairs->len * 2, seconds_since (start));
  else
    g_print ("calls: NO SIGNALING RELAY: %s; the clients join their session's room instead "
             "and the relay runs are skipped\n", why_no_calls);

  bench = bench_new (server.port, &options);
  for (guint i = 0; i < pairs->len; i++)
    {
      BenchPair *pair = g_ptr_array_index (pairs, i);
      g_autofree char *session_room = parla_room_name ("session", pair->session_id);
      const char *room = calls ? pair->room : session_room;
      Conn *host = bench_add_conn (bench, pair->host, room);
      Conn *learner = bench_add_conn (bench, pair->learner, room);

      conn_set_peer (host, learner);
      conn_set_peer (learner, host);
      g_ptr_array_add (relay_conns, host);
      g_ptr_array_add (relay_conns, learner);
    }

  /* Memory: before, once connected, once in their rooms and settled. */
  bench_idle (bench, SETTLE_MS);
  rss_start = server_rss_bytes (&server);

  start = now_ns ();
  bench_connect (bench, 0, relay_conns->len);
  connect_s = seconds_since (start);
  bench_idle (bench, SETTLE_MS);
  rss_connected = server_rss_bytes (&server);

  start = now_ns ();
  bench_join (bench, 0, relay_conns->len);
  join_s = seconds_since (start);
  bench_idle (bench, SETTLE_MS);
  rss_joined = server_rss_bytes (&server);
  bytes_per_conn = (double) (rss_joined - rss_start) / options.clients;

  g_print ("\nconnections: %d connected in %.2f s (%.0f/s), joined %s rooms in %.2f s (%.0f/s)\n",
           options.clients, connect_s, options.clients / connect_s, calls ? "call" : "session",
           join_s, options.clients / join_s);
  g_print ("  server RSS: %.1f MiB before, %.1f MiB connected, %.1f MiB joined\n",
           rss_start / 1048576.0, rss_connected / 1048576.0, rss_joined / 1048576.0);
  g_print ("  per connection: %.0f bytes connected, %.0f bytes connected and joined\n",
           (double) (rss_connected - rss_start) / options.clients, bytes_per_conn);

  idle_per_s = measure_idle (bench, &server, options.idle_seconds, &idle_cpu);
  g_print ("  idle: server CPU %.2f ms/s over %d s (main thread %.2f ms/s)\n\n",
           idle_per_s * 1000, options.idle_seconds, idle_cpu.main_thread * 1000 / options.idle_seconds);

  if (calls)
    {
      g_autofree char *name = NULL;
      g_autofree char *sdp = NULL;

      sdp = options.sdp_every > 0
            ? g_strdup_printf ("one in %d an SDP of %d bytes", options.sdp_every, options.sdp_bytes)
            : g_strdup ("no SDP");
      name = g_strdup_printf ("relay, fixed rate: %d signals/s in all (%.1f per client), %s, %d s",
                              options.rate, (double) options.rate / options.clients, sdp, options.seconds);
      bench_run_load (bench, &server, relay_conns, LOAD_SIGNAL, options.rate, 0, options.seconds, 1,
                      idle_per_s, &relay);
      print_run (name, &relay, "relayed");

      if (options.window > 0)
        {
          g_autofree char *max_name = g_strdup_printf ("relay, maximum rate: %d signals in flight in all, %d s",
                                                       options.window, options.seconds);

          bench_run_load (bench, &server, relay_conns, LOAD_SIGNAL, 0, options.window, options.seconds, 1,
                          idle_per_s, &relay_max);
          print_run (max_name, &relay_max, "relayed");
        }
      if (bench->misrouted > 0 || bench->out_of_order > 0)
        g_print ("  WRONG: %" G_GUINT64_FORMAT " signals from someone else than the peer, %" G_GUINT64_FORMAT
                 " out of order\n", bench->misrouted, bench->out_of_order);
      g_print ("\n");
    }

  if (options.chat_members > 0)
    {
      guint first = bench->conns->len;
      g_autofree char *name = NULL;

      for (guint i = 0; i < chat_users->len; i++)
        g_ptr_array_add (chat_conns, bench_add_conn (bench, g_ptr_array_index (chat_users, i), chat_room));
      bench_connect (bench, first, bench->conns->len);
      bench_join (bench, first, bench->conns->len);
      bench_idle (bench, SETTLE_MS);

      name = g_strdup_printf ("chat fan-out: %u members in %s, %d chat.send/s in all, %d s",
                              chat_conns->len, chat_room, options.chat_rate, options.seconds);
      bench_run_load (bench, &server, chat_conns, LOAD_CHAT, options.chat_rate, 0, options.seconds,
                      chat_conns->len, idle_per_s, &chat);
      print_run (name, &chat, "delivered");
      g_print ("  chat.send acknowledged: %" G_GUINT64_FORMAT " (%.1f/s), %" G_GUINT64_FORMAT " as duplicates\n",
               bench->acked, bench->acked / chat.seconds, bench->duplicates);

      if (options.chat_window > 0)
        {
          g_autofree char *max_name = NULL;

          max_name = g_strdup_printf ("chat fan-out, maximum rate: %d chat.send in flight in all, %d s",
                                      options.chat_window, options.seconds);

          bench_run_load (bench, &server, chat_conns, LOAD_CHAT, 0, options.chat_window, options.seconds,
                          chat_conns->len, idle_per_s, &chat_max);
          print_run (max_name, &chat_max, "delivered");
          g_print ("  chat.send acknowledged: %" G_GUINT64_FORMAT " (%.1f/s), %" G_GUINT64_FORMAT " as duplicates\n",
                   bench->acked, bench->acked / chat_max.seconds, bench->duplicates);
        }
      g_print ("\n");
    }

  rss_end = server_rss_bytes (&server);
  g_print ("end: server RSS %.1f MiB; %" G_GUINT64_FORMAT " pings answered; %u connections closed; "
           "%" G_GUINT64_FORMAT " errors%s%s\n",
           rss_end / 1048576.0, bench->pings, bench->n_closed, bench->errors,
           bench->first_error ? ", first: " : "", bench->first_error ? bench->first_error : "");

  bench_free (bench);
  server_stop (&server);

  if (!keep)
    remove_tree (dir);
  else
    g_print ("kept: %s\n", path);

  print_summary (&options, bytes_per_conn, &relay, &relay_max, &chat, &chat_max);

  if (relay.lost != 0 || relay_max.lost != 0 || chat.lost != 0 || chat_max.lost != 0)
    return EXIT_FAILURE;
  return EXIT_SUCCESS;
}
