/* bench-server.c: listing latency and booking throughput of parla-server
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Seeds a fresh SQLite database (teachers, learners with bearer tokens,
 * scheduled sessions) through the db layer, runs ParlaServer on loopback
 * in its own thread with its own GMainContext, as the integration tests
 * do, then measures:
 *
 *  - GET /api/v1/sessions with a mix of filters, signed in as a learner,
 *    one request after the other on one SoupSession, which keeps its
 *    connection alive unless the server closes it: p50/p90/p99/max;
 *  - POST /api/v1/sessions/{id}/book from concurrent clients, each with
 *    its own SoupSession and learner: bookings/s and latency, then checks
 *    with SQL that seats_taken matches the live seats.
 *
 * The last line of the output is one JSON object with the headline
 * figures. docs/benchmarks.md records a run.
 */

#include "config.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <sqlite3.h>

#include "parla-server-private.h"

#define N_TEACHERS          50
#define N_LEARNERS          2000
#define SESSION_DAYS        90
#define SEED_BATCH          10000
#define FLOOR_REQUESTS      200
#define BENCH_PASSWORD      "parla bench password"
#define DAY                 (24 * 3600)

typedef struct
{
  int       sessions;
  int       requests;
  int       warmup;
  int       listing_seconds;
  int       clients;
  int       bookings;
  char     *keep;
  gboolean  no_idempotency;
} BenchOptions;

typedef struct
{
  /* owned */
  char *id;
  char *name;
  char *token;       /* learners only */
} BenchUser;

/* The server and the thread it runs in. */
typedef struct
{
  /* borrowed */
  const ParlaServerConfig *config;

  /* owned */
  GMainContext      *context;
  GMainLoop         *loop;
  GThread           *thread;
  char              *base_url;
  GError            *error;

  /* guarded by mutex until ready */
  GMutex             mutex;
  GCond              cond;
  gboolean           ready;
  ParlaServer       *server;      /* owned by the server thread */
} BenchServer;

typedef struct
{
  guint  n;
  double p50;
  double p90;
  double p99;
  double max;
  double mean;
} BenchStats;

/* One filter mix of the listing benchmark. */
typedef struct _ListMix ListMix;
typedef char *(*ListQueryFunc) (GRand *rand, gint64 now);

struct _ListMix
{
  const char    *name;
  ListQueryFunc  query;
  GArray        *latencies;   /* owned, of double ms */
};

/* What every booking client shares; the main thread owns it. */
typedef struct
{
  /* borrowed */
  const char  *base_url;

  /* owned */
  GPtrArray   *session_ids;   /* of char * */

  guint        clients;
  guint        group;         /* clients booking the same session at once */
  gboolean     idempotency;

  GMutex       mutex;
  GCond        cond;
  guint        waiting;
  gboolean     go;
} BookingRun;

typedef struct
{
  /* borrowed */
  BookingRun  *run;
  const char  *token;

  /* owned */
  GArray      *latencies;     /* of double ms */
  GHashTable  *statuses;      /* status -> count */
  char        *failure;       /* first unexpected error, if any */

  guint        index;
  guint        n_bookings;
  guint        transport_errors;
} BookingClient;

static const char * const languages[] = { "en", "es", "fr", "de", "it", "pt", "ja", "zh", "ru", "ar" };
static const char * const language_names[] = {
  "English", "Spanish", "French", "German", "Italian",
  "Portuguese", "Japanese", "Chinese", "Russian", "Arabic",
};
static const char * const topics[] = {
  "conversation club", "grammar workshop", "business vocabulary", "travel phrases",
  "pronunciation lab", "reading circle", "exam preparation", "culture and cinema",
  "debate night", "everyday conversation",
};
static const char * const search_words[] = { "conversation", "grammar", "travel", "cinema" };
static const int durations[] = { 30, 45, 60, 90 };

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
  g_printerr ("parla-bench-server: ");
  g_vfprintf (stderr, format, args);
  g_printerr ("\n");
  va_end (args);

  exit (EXIT_FAILURE);
}

static double
elapsed_ms (gint64 since_us)
{
  return (g_get_monotonic_time () - since_us) / 1000.0;
}

/* User plus system CPU time of the whole process (server and clients). */
static double
cpu_seconds (void)
{
  struct rusage usage;

  getrusage (RUSAGE_SELF, &usage);
  return usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 +
         usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6;
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

static void
bench_user_free (BenchUser *user)
{
  g_free (user->id);
  g_free (user->name);
  g_free (user->token);
  g_free (user);
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

/* The server thread, as tests/server/parla-test-server.c runs it */

static gpointer
server_thread (gpointer data)
{
  BenchServer *bench = data;
  ParlaServer *instance;
  GError *error = NULL;

  g_main_context_push_thread_default (bench->context);

  instance = parla_server_new (bench->config, &error);
  if (instance != NULL && !parla_server_listen (instance, &error))
    g_clear_object (&instance);

  g_mutex_lock (&bench->mutex);
  bench->server = instance;
  bench->error = error;
  if (instance != NULL)
    bench->base_url = parla_server_dup_base_url (instance);
  bench->ready = TRUE;
  g_cond_signal (&bench->cond);
  g_mutex_unlock (&bench->mutex);

  if (instance != NULL)
    {
      g_main_loop_run (bench->loop);
      parla_server_shutdown (instance);
      g_object_unref (instance);
    }

  g_main_context_pop_thread_default (bench->context);
  return NULL;
}

static BenchServer *
bench_server_start (const ParlaServerConfig *config)
{
  BenchServer *bench = g_new0 (BenchServer, 1);

  bench->config = config;
  g_mutex_init (&bench->mutex);
  g_cond_init (&bench->cond);
  bench->context = g_main_context_new ();
  bench->loop = g_main_loop_new (bench->context, FALSE);
  bench->thread = g_thread_new ("parla-server", server_thread, bench);

  g_mutex_lock (&bench->mutex);
  while (!bench->ready)
    g_cond_wait (&bench->cond, &bench->mutex);
  g_mutex_unlock (&bench->mutex);

  if (bench->error != NULL)
    die ("cannot start the server: %s", bench->error->message);

  return bench;
}

static gboolean
quit_cb (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

static void
bench_server_stop (BenchServer *bench)
{
  g_main_context_invoke (bench->context, quit_cb, bench->loop);
  g_thread_join (bench->thread);

  g_free (bench->base_url);
  g_clear_error (&bench->error);
  g_main_loop_unref (bench->loop);
  g_main_context_unref (bench->context);
  g_mutex_clear (&bench->mutex);
  g_cond_clear (&bench->cond);
  g_free (bench);
}

/* Seeding, through the db layer as parla-demo.c does */

static BenchUser *
insert_user (ParlaDb                  *db,
             const ParlaServerConfig  *config,
             gint64                    now,
             const char               *password_hash,
             ParlaRole                 role,
             guint                     number,
             GError                  **error)
{
  BenchUser *user = g_new0 (BenchUser, 1);
  g_autofree char *email = NULL;

  user->id = parla_db_new_id ();
  if (role == PARLA_ROLE_TEACHER)
    {
      user->name = g_strdup_printf ("Teacher %02u", number);
      email = g_strdup_printf ("teacher%02u@bench.parla.test", number);
    }
  else
    {
      user->name = g_strdup_printf ("Learner %04u", number);
      email = g_strdup_printf ("learner%04u@bench.parla.test", number);
    }

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

  if (role == PARLA_ROLE_STUDENT)
    {
      /* As parla_auth_create_token(): only the SHA-256 is stored. */
      g_autofree char *token_hash = NULL;

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
    }

  return user;

failed:
  bench_user_free (user);
  return NULL;
}

static gboolean
seed_users (ParlaDb                  *db,
            const ParlaServerConfig  *config,
            gint64                    now,
            GPtrArray                *teachers,
            GPtrArray                *learners,
            GError                  **error)
{
  g_autofree char *password_hash = NULL;

  /* One Argon2id hash for every account: hashing 2,050 passwords would
   * take minutes and measures nothing the benchmark is about. */
  password_hash = parla_auth_hash_password (config, BENCH_PASSWORD, error);
  if (password_hash == NULL)
    return FALSE;

  if (!parla_db_begin_write (db, error))
    return FALSE;

  for (guint i = 0; i < N_TEACHERS; i++)
    {
      BenchUser *user = insert_user (db, config, now, password_hash, PARLA_ROLE_TEACHER, i + 1, error);

      if (user == NULL)
        goto failed;
      g_ptr_array_add (teachers, user);
    }

  for (guint i = 0; i < N_LEARNERS; i++)
    {
      BenchUser *user = insert_user (db, config, now, password_hash, PARLA_ROLE_STUDENT, i + 1, error);

      if (user == NULL)
        goto failed;
      g_ptr_array_add (learners, user);
    }

  return parla_db_commit (db, error);

failed:
  parla_db_rollback (db);
  return FALSE;
}

/* One session as a host would post it, stored the way handle_create
 * stores it (minus the host calendar check: with 2,000 sessions a
 * teacher, their sessions overlap). */
static gboolean
seed_one_session (ParlaRequest  *req,
                  GRand         *rand,
                  gint64         now,
                  GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaSession) session = NULL;
  g_autofree char *id = NULL;
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;
  guint language = g_rand_int_range (rand, 0, G_N_ELEMENTS (languages));
  guint topic = g_rand_int_range (rand, 0, G_N_ELEMENTS (topics));
  ParlaLevel level = g_rand_int_range (rand, PARLA_LEVEL_A1, PARLA_LEVEL_ALL + 1);
  ParlaSessionType type = g_rand_int_range (rand, 0, 4);
  gboolean is_free = g_rand_double (rand) < 0.3;
  gint64 start;

  /* On a quarter hour, from an hour from now to 90 days out. */
  start = now + 3600 + g_rand_int_range (rand, 0, SESSION_DAYS * DAY);
  start -= start % 900;

  title = g_strdup_printf ("%s %s", language_names[language], topics[topic]);
  description = g_strdup_printf ("A %s %s for %s learners with %s.",
                                 language_names[language], topics[topic],
                                 parla_level_names[level], req->user_name);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "title", title);
  parla_json_add_string (builder, "description", description);
  parla_json_add_string (builder, "type", parla_session_type_names[type]);
  parla_json_add_string (builder, "language", languages[language]);
  parla_json_add_string (builder, "level", parla_level_names[level]);
  parla_json_add_instant (builder, "start", start);
  parla_json_add_int (builder, "duration_minutes", durations[g_rand_int_range (rand, 0, G_N_ELEMENTS (durations))]);
  parla_json_add_int (builder, "capacity", g_rand_int_range (rand, 4, 13));
  parla_json_add_int (builder, "price_minor", is_free ? 0 : 100 * g_rand_int_range (rand, 5, 31));
  parla_json_add_string (builder, "currency", "EUR");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  session = parla_session_new_from_json (node, PARLA_JSON_INPUT, error);
  if (session == NULL)
    return FALSE;

  id = parla_db_new_id ();
  g_object_set (session,
                "id", id,
                "host-id", req->user_id,
                "host-name", req->user_name,
                "status", PARLA_SESSION_STATUS_SCHEDULED,
                "seats-left", parla_session_get_capacity (session),
                NULL);

  return parla_session_store (req, session, TRUE, error);
}

static gboolean
seed_sessions (ParlaDb                  *db,
               const ParlaServerConfig  *config,
               gint64                    now,
               GPtrArray                *teachers,
               int                       n_sessions,
               GError                  **error)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (20260329);

  for (int done = 0; done < n_sessions;)
    {
      int batch_end = MIN (n_sessions, done + SEED_BATCH);

      if (!parla_db_begin_write (db, error))
        return FALSE;

      for (; done < batch_end; done++)
        {
          BenchUser *host = g_ptr_array_index (teachers, done % teachers->len);
          ParlaRequest req = { 0, };

          req.db = db;
          req.config = config;
          req.now = now;
          req.user_id = host->id;
          req.user_name = host->name;
          req.user_role = PARLA_ROLE_TEACHER;

          if (!seed_one_session (&req, rand, now, error))
            {
              parla_db_rollback (db);
              return FALSE;
            }
        }

      if (!parla_db_commit (db, error))
        return FALSE;
    }

  return TRUE;
}

/* Listing */

static char *
query_unfiltered (GRand  *rand,
                  gint64  now)
{
  return g_strdup ("");
}

static char *
query_language_level (GRand  *rand,
                      gint64  now)
{
  return g_strdup_printf ("?language=%s&level=%s",
                          languages[g_rand_int_range (rand, 0, G_N_ELEMENTS (languages))],
                          parla_level_names[g_rand_int_range (rand, PARLA_LEVEL_A1, PARLA_LEVEL_C2 + 1)]);
}

static char *
query_language_type_free (GRand  *rand,
                          gint64  now)
{
  return g_strdup_printf ("?language=%s&type=%s&free=true",
                          languages[g_rand_int_range (rand, 0, G_N_ELEMENTS (languages))],
                          parla_session_type_names[g_rand_int_range (rand, 0, 4)]);
}

static char *
query_one_week (GRand  *rand,
                gint64  now)
{
  gint64 from = now + (gint64) g_rand_int_range (rand, 0, SESSION_DAYS - 7) * DAY;
  g_autofree char *from_text = parla_time_format_rfc3339 (from);
  g_autofree char *to_text = parla_time_format_rfc3339 (from + 7 * DAY);

  return g_strdup_printf ("?from=%s&to=%s", from_text, to_text);
}

static char *
query_text (GRand  *rand,
            gint64  now)
{
  return g_strdup_printf ("?q=%s", search_words[g_rand_int_range (rand, 0, G_N_ELEMENTS (search_words))]);
}

static char *
query_level_page (GRand  *rand,
                  gint64  now)
{
  return g_strdup_printf ("?level=%s&page=3&limit=20",
                          parla_level_names[g_rand_int_range (rand, PARLA_LEVEL_A1, PARLA_LEVEL_C2 + 1)]);
}

static SoupMessage *
new_message (const char *method,
             const char *base_url,
             const char *path,
             const char *token)
{
  g_autofree char *url = g_strconcat (base_url, path, NULL);
  g_autofree char *authorization = g_strconcat ("Bearer ", token, NULL);
  SoupMessage *msg = soup_message_new (method, url);

  if (msg == NULL)
    die ("not a valid URL: %s", url);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", authorization);

  return msg;
}

/* The fixed cost of a request: GET /api/v1/health does no database work
 * and needs no token, so what it takes is the connection, the hop to a
 * worker thread and back, and libsoup. */
static void
run_floor (SoupSession *session,
           const char  *base_url,
           int          n_requests,
           BenchStats  *stats)
{
  g_autofree char *url = g_strconcat (base_url, "api/v1/health", NULL);
  g_autoptr(GArray) latencies = g_array_sized_new (FALSE, FALSE, sizeof (double), n_requests);

  for (int i = 0; i < n_requests; i++)
    {
      g_autoptr(SoupMessage) msg = soup_message_new ("GET", url);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start = g_get_monotonic_time ();
      double ms;

      bytes = soup_session_send_and_read (session, msg, NULL, &error);
      ms = elapsed_ms (start);
      if (bytes == NULL || soup_message_get_status (msg) != SOUP_STATUS_OK)
        die ("GET /api/v1/health: %s", error ? error->message : soup_message_get_reason_phrase (msg));
      g_array_append_val (latencies, ms);
    }

  compute_stats (latencies, stats);
}

/* Returns the latency in ms; aborts unless the answer is 200 with items. */
static double
list_once (SoupSession *session,
           const char  *base_url,
           const char  *token,
           const char  *query,
           GHashTable  *connections)
{
  g_autofree char *path = g_strconcat ("api/v1/sessions", query, NULL);
  g_autoptr(SoupMessage) msg = new_message ("GET", base_url, path, token);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(JsonNode) root = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *items;
  gint64 start;
  double ms;

  start = g_get_monotonic_time ();
  bytes = soup_session_send_and_read (session, msg, NULL, &error);
  ms = elapsed_ms (start);

  if (bytes == NULL)
    die ("GET /%s: %s", path, error->message);
  if (soup_message_get_status (msg) != SOUP_STATUS_OK)
    die ("GET /%s: HTTP %u: %.*s", path, soup_message_get_status (msg),
         (int) g_bytes_get_size (bytes), (const char *) g_bytes_get_data (bytes, NULL));

  root = parla_json_parse (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), &error);
  if (root == NULL || !JSON_NODE_HOLDS_OBJECT (root))
    die ("GET /%s: not a JSON object: %s", path, error ? error->message : "");
  items = parla_json_get_array (json_node_get_object (root), "items");
  if (items == NULL || json_array_get_length (items) == 0)
    die ("GET /%s: no items", path);

  g_hash_table_add (connections, GUINT_TO_POINTER ((guint) soup_message_get_connection_id (msg)));

  return ms;
}

static void
print_stats_row (const char       *name,
                 const BenchStats *stats,
                 double            seconds)
{
  g_print ("  %-24s %5u %8.2f %8.2f %8.2f %8.2f %8.2f %9.1f\n",
           name, stats->n, stats->p50, stats->p90, stats->p99, stats->max, stats->mean,
           seconds > 0 ? stats->n / seconds : 0);
}

static void
run_listing (const char *base_url,
             const char *token,
             int         n_requests,
             int         n_warmup,
             int         max_seconds,
             BenchStats *overall)
{
  ListMix mixes[] = {
    { "unfiltered", query_unfiltered },
    { "language+level", query_language_level },
    { "language+type+free", query_language_type_free },
    { "one week (from, to)", query_one_week },
    { "text search (q)", query_text },
    { "level, page 3", query_level_page },
  };
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 60, NULL);
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autoptr(GHashTable) connections = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) all = g_array_sized_new (FALSE, FALSE, sizeof (double), n_requests);
  gint64 now = parla_time_now ();
  gint64 deadline = g_get_monotonic_time () + (gint64) max_seconds * G_USEC_PER_SEC;
  BenchStats floor;
  gint64 start;
  double wall, cpu;
  int done;

  for (guint m = 0; m < G_N_ELEMENTS (mixes); m++)
    mixes[m].latencies = g_array_new (FALSE, FALSE, sizeof (double));

  for (int i = 0; i < n_warmup; i++)
    {
      g_autofree char *query = mixes[i % G_N_ELEMENTS (mixes)].query (rand, now);
      list_once (session, base_url, token, query, connections);
    }

  run_floor (session, base_url, FLOOR_REQUESTS, &floor);

  /* A slow server would take hours: past the deadline, stop at the end
   * of a round of the mixes so that each has the same count. */
  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  for (done = 0; done < n_requests; done++)
    {
      ListMix *mix = &mixes[done % G_N_ELEMENTS (mixes)];
      g_autofree char *query = mix->query (rand, now);
      double ms = list_once (session, base_url, token, query, connections);

      g_array_append_val (mix->latencies, ms);
      g_array_append_val (all, ms);

      if ((done + 1) % G_N_ELEMENTS (mixes) == 0 && g_get_monotonic_time () > deadline)
        {
          done++;
          break;
        }
    }
  wall = elapsed_ms (start) / 1000.0;
  cpu = cpu_seconds () - cpu;

  g_print ("listing: GET /api/v1/sessions, %d requests after %d warm-up, signed in as a learner,\n"
           "  sequential on one SoupSession, %u TCP connection(s); %.2f s wall, %.2f s CPU (client and server)\n",
           done, n_warmup, g_hash_table_size (connections), wall, cpu);
  if (done < n_requests)
    g_print ("  STOPPED EARLY: %d of %d requests done within --listing-seconds=%d\n",
             done, n_requests, max_seconds);
  g_print ("  %-24s %5s %8s %8s %8s %8s %8s %9s\n",
           "filter mix", "n", "p50 ms", "p90 ms", "p99 ms", "max ms", "mean ms", "req/s");

  for (guint m = 0; m < G_N_ELEMENTS (mixes); m++)
    {
      BenchStats stats;
      double busy = 0;

      for (guint i = 0; i < mixes[m].latencies->len; i++)
        busy += g_array_index (mixes[m].latencies, double, i);
      compute_stats (mixes[m].latencies, &stats);
      /* Sequential requests: a mix's rate is 1 / its mean latency. */
      print_stats_row (mixes[m].name, &stats, busy / 1000.0);
      g_array_unref (mixes[m].latencies);
    }

  compute_stats (all, overall);
  print_stats_row ("all", overall, wall);
  print_stats_row ("floor: GET /health", &floor, floor.mean * floor.n / 1000.0);
  g_print ("\n");
}

/* Booking */

static void
count_status (BookingClient *client,
              guint          status)
{
  gpointer key = GUINT_TO_POINTER (status);

  g_hash_table_insert (client->statuses, key,
                       GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (client->statuses, key)) + 1));
}

static gpointer
booking_thread (gpointer data)
{
  BookingClient *client = data;
  BookingRun *run = client->run;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(SoupSession) session = NULL;

  /* The session belongs to this thread's context. */
  g_main_context_push_thread_default (context);
  session = soup_session_new_with_options ("timeout", 60, NULL);

  g_mutex_lock (&run->mutex);
  run->waiting++;
  g_cond_broadcast (&run->cond);
  while (!run->go)
    g_cond_wait (&run->cond, &run->mutex);
  g_mutex_unlock (&run->mutex);

  for (guint j = 0; j < client->n_bookings; j++)
    {
      /* Booking j of every client, in turn: the clients of one group book
       * the same session at once, each client a different session each
       * time, so that every learner books a session once. */
      guint slot = (j * run->clients + client->index) / run->group;
      const char *session_id = g_ptr_array_index (run->session_ids, slot);
      g_autofree char *path = g_strdup_printf ("api/v1/sessions/%s/book", session_id);
      g_autoptr(SoupMessage) msg = new_message ("POST", run->base_url, path, client->token);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      gint64 start;
      double ms;
      guint status;

      if (run->idempotency)
        {
          g_autofree char *key = g_uuid_string_random ();
          soup_message_headers_replace (soup_message_get_request_headers (msg), "Idempotency-Key", key);
        }

      start = g_get_monotonic_time ();
      bytes = soup_session_send_and_read (session, msg, NULL, &error);
      ms = elapsed_ms (start);

      if (bytes == NULL)
        {
          client->transport_errors++;
          if (client->failure == NULL)
            client->failure = g_strdup_printf ("POST /%s: %s", path, error->message);
          continue;
        }

      status = soup_message_get_status (msg);
      g_array_append_val (client->latencies, ms);
      count_status (client, status);
      if (status != SOUP_STATUS_CREATED && client->failure == NULL)
        client->failure = g_strdup_printf ("POST /%s: HTTP %u: %.*s", path, status,
                                           (int) MIN (g_bytes_get_size (bytes), 300),
                                           (const char *) g_bytes_get_data (bytes, NULL));
    }

  g_clear_object (&session);
  g_main_context_pop_thread_default (context);
  return NULL;
}

static GPtrArray *
load_bookable_sessions (ParlaDb  *db,
                        gint64    now,
                        guint     count)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *ids = g_ptr_array_new_with_free_func (g_free);

  /* Ids are random, so their order is a shuffle. Every session has at
   * least four seats; none starts within the run. */
  rows = parla_db_query (db, &error,
                         "SELECT id FROM sessions WHERE status = 'scheduled' AND start_at > $1 "
                         "AND capacity >= 4 AND seats_taken = 0 ORDER BY id LIMIT $2",
                         PARLA_DB_INT, now + DAY,
                         PARLA_DB_INT, (gint64) count,
                         PARLA_DB_END);
  if (rows == NULL)
    die ("cannot pick sessions: %s", error->message);
  while (parla_db_rows_next (rows))
    g_ptr_array_add (ids, parla_db_rows_dup_text (rows, 0));
  if (!parla_db_rows_get_error (rows, &error))
    die ("cannot pick sessions: %s", error->message);

  if (ids->len < count)
    die ("%u sessions are needed for the bookings, only %u can be booked: use more --sessions",
         count, ids->len);

  return ids;
}

typedef struct
{
  double   bookings_per_s;
  double   p50;
  double   p99;
  guint    created;
  gboolean consistent;
} BookingResult;

static gboolean
check_consistency (ParlaDb *db,
                   guint    created)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  g_autoptr(GError) error = NULL;
  gint64 differing, seats_taken, live;

  rows = parla_db_query (db, &error,
                         "SELECT (SELECT COUNT(*) FROM sessions s WHERE s.seats_taken <> "
                         "  (SELECT COUNT(*) FROM bookings b WHERE b.session_id = s.id "
                         "   AND b.kind = 'session' AND b.status IN ('confirmed', 'pending'))), "
                         "(SELECT COALESCE(SUM(seats_taken), 0) FROM sessions), "
                         "(SELECT COUNT(*) FROM bookings WHERE kind = 'session' "
                         " AND status IN ('confirmed', 'pending'))",
                         PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    die ("cannot check the seats: %s", error ? error->message : "no row");

  differing = parla_db_rows_get_int (rows, 0);
  seats_taken = parla_db_rows_get_int (rows, 1);
  live = parla_db_rows_get_int (rows, 2);

  g_print ("  seats: SUM(seats_taken) = %" G_GINT64_FORMAT ", live session bookings = %" G_GINT64_FORMAT
           ", 201 responses = %u, sessions whose count differs = %" G_GINT64_FORMAT "\n",
           seats_taken, live, created, differing);

  return differing == 0 && seats_taken == live && live == (gint64) created;
}

static void
run_booking (const char    *base_url,
             ParlaDb       *db,
             GPtrArray     *learners,
             int            n_clients,
             int            n_bookings,
             gboolean       idempotency,
             BookingResult *result)
{
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  g_autoptr(GHashTable) statuses = g_hash_table_new (NULL, NULL);
  g_autoptr(GArray) latencies = g_array_sized_new (FALSE, FALSE, sizeof (double), n_bookings);
  BookingClient *clients = g_new0 (BookingClient, n_clients);
  BookingRun run = { 0, };
  guint transport_errors = 0;
  const char *failure = NULL;
  BenchStats stats;
  gint64 start;
  double wall, cpu;

  run.base_url = base_url;
  run.clients = n_clients;
  run.group = MIN (n_clients, 4);
  run.idempotency = idempotency;
  run.session_ids = load_bookable_sessions (db, parla_time_now (),
                                            (n_bookings + n_clients) / run.group + 1);
  g_mutex_init (&run.mutex);
  g_cond_init (&run.cond);

  for (int i = 0; i < n_clients; i++)
    {
      BookingClient *client = &clients[i];
      BenchUser *learner = g_ptr_array_index (learners, i);

      client->run = &run;
      client->index = i;
      client->token = learner->token;
      client->n_bookings = n_bookings / n_clients + (i < n_bookings % n_clients ? 1 : 0);
      client->latencies = g_array_sized_new (FALSE, FALSE, sizeof (double), client->n_bookings);
      client->statuses = g_hash_table_new (NULL, NULL);
      g_ptr_array_add (threads, g_thread_new ("bench-client", booking_thread, client));
    }

  /* Start them together, once every client has its SoupSession. */
  g_mutex_lock (&run.mutex);
  while (run.waiting < (guint) n_clients)
    g_cond_wait (&run.cond, &run.mutex);
  cpu = cpu_seconds ();
  start = g_get_monotonic_time ();
  run.go = TRUE;
  g_cond_broadcast (&run.cond);
  g_mutex_unlock (&run.mutex);

  for (guint i = 0; i < threads->len; i++)
    g_thread_join (g_ptr_array_index (threads, i));
  wall = elapsed_ms (start) / 1000.0;
  cpu = cpu_seconds () - cpu;

  for (int i = 0; i < n_clients; i++)
    {
      GHashTableIter iter;
      gpointer key, value;

      g_array_append_vals (latencies, clients[i].latencies->data, clients[i].latencies->len);
      g_hash_table_iter_init (&iter, clients[i].statuses);
      while (g_hash_table_iter_next (&iter, &key, &value))
        g_hash_table_insert (statuses, key,
                             GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (statuses, key)) +
                                               GPOINTER_TO_UINT (value)));
      transport_errors += clients[i].transport_errors;
      if (failure == NULL)
        failure = clients[i].failure;
    }

  compute_stats (latencies, &stats);
  result->created = GPOINTER_TO_UINT (g_hash_table_lookup (statuses, GUINT_TO_POINTER (SOUP_STATUS_CREATED)));
  result->bookings_per_s = wall > 0 ? result->created / wall : 0;
  result->p50 = stats.p50;
  result->p99 = stats.p99;

  g_print ("booking: POST /api/v1/sessions/{id}/book, %d clients (own connection and learner each), "
           "%d bookings,\n  %u clients per session at a time, %s; %.2f s wall, %.2f s CPU (client and server)\n",
           n_clients, n_bookings, run.group,
           idempotency ? "with an Idempotency-Key" : "without Idempotency-Key",
           wall, cpu);
  g_print ("  statuses:");
  for (guint code = 100; code < 600; code++)
    if (g_hash_table_contains (statuses, GUINT_TO_POINTER (code)))
      g_print (" %u: %u", code, GPOINTER_TO_UINT (g_hash_table_lookup (statuses, GUINT_TO_POINTER (code))));
  if (transport_errors > 0)
    g_print (", transport errors: %u", transport_errors);
  g_print ("\n");
  if (failure != NULL)
    g_print ("  first failure: %s\n", failure);
  g_print ("  bookings/s (201 only): %.1f\n", result->bookings_per_s);
  g_print ("  latency ms: p50 %.2f, p90 %.2f, p99 %.2f, max %.2f, mean %.2f\n",
           stats.p50, stats.p90, stats.p99, stats.max, stats.mean);

  result->consistent = check_consistency (db, result->created);
  g_print ("consistent: %s\n\n", result->consistent ? "yes" : "no");

  for (int i = 0; i < n_clients; i++)
    {
      g_array_unref (clients[i].latencies);
      g_hash_table_unref (clients[i].statuses);
      g_free (clients[i].failure);
    }
  g_free (clients);
  g_ptr_array_unref (run.session_ids);
  g_mutex_clear (&run.mutex);
  g_cond_clear (&run.cond);
}

/* The summary line: numbers only, with two decimals (json-glib would
 * print 45.109999999999999). */
static void
print_summary (int                  n_sessions,
               const BenchStats    *listing,
               const BookingResult *booking)
{
  char p50[G_ASCII_DTOSTR_BUF_SIZE];
  char p99[G_ASCII_DTOSTR_BUF_SIZE];
  char rate[G_ASCII_DTOSTR_BUF_SIZE];
  char booking_p99[G_ASCII_DTOSTR_BUF_SIZE];

  g_print ("{\"sessions\":%d,\"list_p50_ms\":%s,\"list_p99_ms\":%s,"
           "\"bookings_per_s\":%s,\"booking_p99_ms\":%s}\n",
           n_sessions,
           g_ascii_formatd (p50, sizeof p50, "%.2f", listing->p50),
           g_ascii_formatd (p99, sizeof p99, "%.2f", listing->p99),
           g_ascii_formatd (rate, sizeof rate, "%.2f", booking->bookings_per_s),
           g_ascii_formatd (booking_p99, sizeof booking_p99, "%.2f", booking->p99));
}

int
main (int    argc,
      char **argv)
{
  BenchOptions options = { 100000, 3000, 200, 120, 16, 10000, NULL, FALSE };
  GOptionEntry entries[] = {
    { "sessions", 0, 0, G_OPTION_ARG_INT, &options.sessions, "Scheduled sessions to seed (100000)", "N" },
    { "requests", 0, 0, G_OPTION_ARG_INT, &options.requests, "Listing requests to time (3000)", "N" },
    { "warmup", 0, 0, G_OPTION_ARG_INT, &options.warmup, "Listing requests before timing (200)", "N" },
    { "listing-seconds", 0, 0, G_OPTION_ARG_INT, &options.listing_seconds,
      "Stop the listing early after this long, warm-up included (120)", "S" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &options.clients, "Concurrent booking clients (16)", "N" },
    { "bookings", 0, 0, G_OPTION_ARG_INT, &options.bookings, "Bookings in all (10000)", "N" },
    { "keep", 0, 0, G_OPTION_ARG_FILENAME, &options.keep, "Create the database in DIR and keep it", "DIR" },
    { "no-idempotency-key", 0, 0, G_OPTION_ARG_NONE, &options.no_idempotency,
      "Book without an Idempotency-Key header", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— parla-server listing and booking benchmark");
  g_autoptr(ParlaServerConfig) config = parla_server_config_new ();
  g_autoptr(GPtrArray) teachers = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_user_free);
  g_autoptr(GPtrArray) learners = g_ptr_array_new_with_free_func ((GDestroyNotify) bench_user_free);
  g_autoptr(ParlaDb) db = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *path = NULL;
  g_autofree char *cpu_model = NULL;
  gboolean keep = FALSE;
  BenchServer *server;
  BenchStats listing;
  BookingResult booking = { 0, };
  gint64 now, start;
  double users_s, sessions_s;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (options.sessions < 1 || options.requests < 1 || options.clients < 1 || options.bookings < 1 ||
      options.warmup < 0 || options.listing_seconds < 1)
    die ("--sessions, --requests, --clients, --bookings and --listing-seconds must be at least 1");
  if (options.clients > N_LEARNERS)
    die ("at most %d clients", N_LEARNERS);

  if (options.keep != NULL)
    {
      dir = g_steal_pointer (&options.keep);
      keep = TRUE;
      if (g_mkdir_with_parents (dir, 0700) != 0)
        die ("cannot create %s: %s", dir, g_strerror (errno));
    }
  else
    {
      dir = g_dir_make_tmp ("parla-bench-XXXXXX", &error);
      if (dir == NULL)
        die ("%s", error->message);
    }
  path = g_build_filename (dir, "parla.db", NULL);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    die ("%s exists: the benchmark needs a fresh database", path);

  /* The default configuration (4 workers, WAL, synchronous=FULL) on a
   * free loopback port. */
  g_free (config->db_url);
  config->db_url = g_strconcat ("sqlite:", path, NULL);
  config->port = 0;

  cpu_model = dup_cpu_model ();
  g_print ("parla-bench-server %s: %d sessions, %d teachers, %d learners, database %s\n"
           "machine: %u CPUs, %s; SQLite %s, libsoup %u.%u.%u\n",
           PACKAGE_VERSION, options.sessions, N_TEACHERS, N_LEARNERS, path,
           g_get_num_processors (), cpu_model, sqlite3_libversion (),
           soup_get_major_version (), soup_get_minor_version (), soup_get_micro_version ());

  db = parla_db_open (config->db_url, &error);
  if (db == NULL || !parla_db_migrate (db, &error))
    die ("cannot create the database: %s", error->message);

  now = parla_time_now ();
  start = g_get_monotonic_time ();
  if (!seed_users (db, config, now, teachers, learners, &error))
    die ("cannot seed the users: %s", error->message);
  users_s = elapsed_ms (start) / 1000.0;

  start = g_get_monotonic_time ();
  if (!seed_sessions (db, config, now, teachers, options.sessions, &error))
    die ("cannot seed the sessions: %s", error->message);
  sessions_s = elapsed_ms (start) / 1000.0;

  g_print ("seeding: %.2f s (users and tokens %.2f s, one Argon2id hash; %d sessions %.2f s, %.0f/s, "
           "through parla_session_store in transactions of %d)\n",
           users_s + sessions_s, users_s, options.sessions, sessions_s,
           options.sessions / sessions_s, SEED_BATCH);

  server = bench_server_start (config);
  g_print ("server: %s, %u workers, SQLite WAL, synchronous=FULL\n\n",
           server->base_url, config->worker_threads);

  run_listing (server->base_url, ((BenchUser *) g_ptr_array_index (learners, N_LEARNERS - 1))->token,
               options.requests, options.warmup, options.listing_seconds, &listing);
  run_booking (server->base_url, db, learners, options.clients, options.bookings,
               !options.no_idempotency, &booking);

  bench_server_stop (server);
  g_clear_pointer (&db, parla_db_close);

  if (!keep)
    remove_tree (dir);
  else
    g_print ("kept: %s\n", path);

  print_summary (options.sessions, &listing, &booking);

  return booking.consistent ? EXIT_SUCCESS : EXIT_FAILURE;
}
