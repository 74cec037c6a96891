/* test-outbox.c: ParlaOutbox on disk, and exactly-once delivery across
 * killed processes
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The crash tests run this executable again as a helper process
 * ("--helper enqueue|deliver ..."), which they SIGKILL.
 */

#include "config.h"

#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <glib/gstdio.h>
#include <sqlite3.h>

#include "parla-test-server.h"
#include "parla-outbox.h"
#include "parla-realtime.h"

#define T0    1795428000  /* Monday 2026-11-23T10:00:00Z */
#define HOUR  3600
#define DAY   (24 * HOUR)
#define WAIT  20000       /* ms */
#define SLOW  120000      /* ms: whole replays in another process */

/* The helper process */

static void
say_line (const char *format,
          ...) G_GNUC_PRINTF (1, 2);

static void
say_line (const char *format,
          ...)
{
  va_list args;

  va_start (args, format);
  vprintf (format, args);
  va_end (args);
  putchar ('\n');
  fflush (stdout);
}

typedef struct
{
  GMainLoop *loop;
  guint      pace_ms;
} Helper;

static void
on_helper_sent_cb (ParlaOutbox     *outbox,
                   ParlaOutboxItem *item,
                   JsonNode        *result,
                   Helper          *helper)
{
  gboolean duplicate = FALSE;

  if (parla_outbox_item_get_kind (item) == PARLA_OUTBOX_CHAT)
    duplicate = json_object_get_boolean_member (json_node_get_object (result), "duplicate");

  say_line ("sent %" G_GINT64_FORMAT " %s %s %d", parla_outbox_item_get_id (item),
            parla_outbox_item_get_kind (item) == PARLA_OUTBOX_CHAT ? "chat" : "request",
            parla_outbox_item_get_key (item), duplicate);

  /* A slow device: gives the test time to kill us mid-replay. */
  if (helper->pace_ms > 0)
    g_usleep (helper->pace_ms * 1000);
}

static void
on_helper_failed_cb (ParlaOutbox     *outbox,
                     ParlaOutboxItem *item,
                     GError          *error,
                     Helper          *helper)
{
  say_line ("failed %" G_GINT64_FORMAT " %s", parla_outbox_item_get_id (item), error->message);
}

static void
on_helper_count_cb (ParlaOutbox *outbox,
                    GParamSpec  *pspec,
                    Helper      *helper)
{
  if (parla_outbox_get_count (outbox) == 0)
    g_main_loop_quit (helper->loop);
}

/* enqueue OUTBOX URL TOKEN ROOM N BOOK-PATH: queues N messages and a
 * booking, says "ready", and waits to be killed.
 * deliver OUTBOX URL TOKEN PACE-MS: replays until the outbox is empty,
 * says "done" and exits. */
static int
helper_main (int   argc,
             char *argv[])
{
  g_autoptr(ParlaOutbox) outbox = NULL;
  g_autoptr(ParlaRealtime) realtime = NULL;
  g_autoptr(ParlaApiClient) client = NULL;
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_autoptr(GError) error = NULL;
  Helper helper = { loop, 0 };

  if (argc < 6)
    return 2;

  outbox = parla_outbox_new_for_path (argv[3], &error);
  g_assert_no_error (error);
  realtime = parla_realtime_new (argv[4], argv[5]);
  client = parla_api_client_new (argv[4], NULL, &error);
  g_assert_no_error (error);
  parla_api_client_set_token (client, argv[5]);

  g_signal_connect (outbox, "item-sent", G_CALLBACK (on_helper_sent_cb), &helper);
  g_signal_connect (outbox, "item-failed", G_CALLBACK (on_helper_failed_cb), &helper);
  parla_outbox_attach (outbox, realtime, client);
  parla_realtime_start (realtime);

  if (g_str_equal (argv[2], "enqueue") && argc == 9)
    {
      guint n = (guint) g_ascii_strtoull (argv[7], NULL, 10);

      for (guint i = 0; i < n; i++)
        {
          g_autofree char *text = g_strdup_printf ("msg-%u", i);
          g_autofree char *key = parla_outbox_enqueue_chat (outbox, argv[6], text, NULL, "es", &error);

          g_assert_no_error (error);
          say_line ("queued chat %s", key);
        }

      {
        g_autofree char *key = parla_outbox_enqueue_request (outbox, "POST", argv[8], NULL, "Book a seat", &error);

        g_assert_no_error (error);
        say_line ("queued request %s", key);
      }

      say_line ("ready");
      g_main_loop_run (loop);
      return 0;
    }

  if (g_str_equal (argv[2], "deliver") && argc == 7)
    {
      helper.pace_ms = (guint) g_ascii_strtoull (argv[6], NULL, 10);
      g_signal_connect (outbox, "notify::count", G_CALLBACK (on_helper_count_cb), &helper);
      if (parla_outbox_get_count (outbox) > 0)
        g_main_loop_run (loop);
      say_line ("done");
      parla_outbox_attach (outbox, NULL, NULL);
      parla_realtime_stop (realtime);
      return 0;
    }

  return 2;
}

/* The helper seen from the test */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  GCancellable     *cancellable;
  GPtrArray        *lines;
  gboolean          eof;
} Child;

static void read_line (Child *child);

static void
on_line_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  char *line = g_data_input_stream_read_line_finish_utf8 (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  Child *child;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  child = user_data;
  if (line == NULL)
    {
      child->eof = TRUE;
      return;
    }

  g_ptr_array_add (child->lines, line);
  read_line (child);
}

static void
read_line (Child *child)
{
  g_data_input_stream_read_line_async (child->out, G_PRIORITY_DEFAULT, child->cancellable, on_line_cb, child);
}

static Child *
child_spawn (const char *first_arg,
             ...) G_GNUC_NULL_TERMINATED;

static Child *
child_spawn (const char *first_arg,
             ...)
{
  Child *child = g_new0 (Child, 1);
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  const char *arg = first_arg;
  va_list args;

  g_ptr_array_add (argv, g_file_read_link ("/proc/self/exe", &error));
  g_assert_no_error (error);
  g_ptr_array_add (argv, g_strdup ("--helper"));
  va_start (args, first_arg);
  while (arg != NULL)
    {
      g_ptr_array_add (argv, g_strdup (arg));
      arg = va_arg (args, const char *);
    }
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_subprocess_launcher_set_child_setup (launcher, pt_child_setup, NULL, NULL);
  child->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  child->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (child->process));
  child->cancellable = g_cancellable_new ();
  child->lines = g_ptr_array_new_with_free_func (g_free);
  read_line (child);

  return child;
}

static guint
child_count (Child      *child,
             const char *prefix)
{
  guint n = 0;

  for (guint i = 0; i < child->lines->len; i++)
    if (g_str_has_prefix (g_ptr_array_index (child->lines, i), prefix))
      n++;

  return n;
}

static void
child_wait (Child      *child,
            const char *prefix,
            guint       n,
            guint       timeout_ms)
{
  PT_WAIT_UNTIL (child_count (child, prefix) >= n || child->eof, timeout_ms);
  if (child_count (child, prefix) < n)
    {
      g_autofree char *all = NULL;

      g_ptr_array_add (child->lines, NULL);
      all = g_strjoinv ("\n  ", (char **) child->lines->pdata);

      g_error ("The helper ended before %u “%s” lines:\n  %s", n, prefix, all);
    }
}

static void
child_kill (Child *child)
{
  g_subprocess_send_signal (child->process, SIGKILL);
  g_subprocess_wait (child->process, NULL, NULL);
  g_assert_true (g_subprocess_get_if_signaled (child->process));
  g_assert_cmpint (g_subprocess_get_term_sig (child->process), ==, SIGKILL);
}

static void
child_wait_exit (Child *child)
{
  g_autoptr(GError) error = NULL;

  g_subprocess_wait_check (child->process, NULL, &error);
  g_assert_no_error (error);
}

static void
child_free (Child *child)
{
  g_cancellable_cancel (child->cancellable);
  if (g_subprocess_get_identifier (child->process) != NULL)
    child_kill (child);
  g_object_unref (child->cancellable);
  g_object_unref (child->out);
  g_object_unref (child->process);
  g_ptr_array_unref (child->lines);
  g_free (child);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Child, child_free)

/* Helpers */

static char *
make_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("parla-outbox-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static void
remove_dir (const char *dir)
{
  g_autoptr(GDir) handle = g_dir_open (dir, 0, NULL);
  const char *name;

  while (handle != NULL && (name = g_dir_read_name (handle)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (dir);
}

static ParlaOutbox *
open_outbox (const char *path)
{
  g_autoptr(GError) error = NULL;
  ParlaOutbox *outbox = parla_outbox_new_for_path (path, &error);

  g_assert_no_error (error);
  g_assert_nonnull (outbox);
  return outbox;
}

static ParlaOutboxItem *
item_at (ParlaOutbox *outbox,
         guint        position)
{
  /* The model holds a reference: borrowed for the caller. */
  ParlaOutboxItem *item = g_list_model_get_item (parla_outbox_get_items (outbox), position);

  g_assert_nonnull (item);
  g_object_unref (item);
  return item;
}

static gboolean
is_key (const char *key)
{
  if (key == NULL || strlen (key) != 32)
    return FALSE;

  for (const char *p = key; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;

  return TRUE;
}

static char *
create_session (PtServer   *server,
                const char *token,
                gint64      start,
                int         capacity)
{
  g_autofree char *when = pt_instant (start);
  g_autofree char *body = pt_json ("{\"title\":\"Conversation\",\"type\":\"group\",\"language\":\"es\","
                                   "\"level\":\"A1\",\"start\":\"%s\",\"duration_minutes\":60,"
                                   "\"capacity\":%d,\"price_minor\":0}", when, capacity);
  g_autoptr(PtResponse) created = pt_request (server, "POST", "/api/v1/sessions", token, body, NULL);

  pt_assert_status (created, 201);
  return g_strdup (pt_str (created, "id"));
}

static void
book_seat (PtServer   *server,
           const char *session_id,
           const char *token)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/book", session_id);
  g_autoptr(PtResponse) booked = pt_request (server, "POST", path, token, NULL, NULL);

  pt_assert_status (booked, 201);
}

static gint64
next_start (void)
{
  return (g_get_real_time () / G_USEC_PER_SEC / HOUR + 3 * 24) * HOUR;
}

/* The whole history of a session, oldest first. */
static GPtrArray *
all_messages (PtServer   *server,
              const char *session_id,
              const char *token)
{
  GPtrArray *items = g_ptr_array_new_with_free_func ((GDestroyNotify) json_node_unref);
  gint64 before = -1;

  for (;;)
    {
      g_autofree char *path = before < 0
                              ? g_strdup_printf ("/api/v1/sessions/%s/messages?limit=100", session_id)
                              : g_strdup_printf ("/api/v1/sessions/%s/messages?limit=100&before=%" G_GINT64_FORMAT,
                                                 session_id, before);
      g_autoptr(PtResponse) page = pt_request (server, "GET", path, token, NULL, NULL);
      JsonArray *array;

      pt_assert_status (page, 200);
      array = json_node_get_array (pt_json_get (page->json, "items"));
      for (guint i = json_array_get_length (array); i > 0; i--)
        g_ptr_array_insert (items, 0, json_node_copy (json_array_get_element (array, i - 1)));

      if (!pt_has (page, "next_before"))
        break;
      before = pt_int (page, "next_before");
    }

  return items;
}

/* Exactly @n messages "msg-0" ... in order, with these client ids. */
static void
assert_delivered_once (GPtrArray          *items,
                       guint               n,
                       const char * const *keys)
{
  g_assert_cmpuint (items->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      JsonNode *item = g_ptr_array_index (items, i);
      g_autofree char *text = g_strdup_printf ("msg-%u", i);

      g_assert_cmpint (pt_node_int (item, "seq"), ==, i + 1);
      g_assert_cmpstr (pt_node_str (item, "message.text"), ==, text);
      g_assert_cmpstr (pt_node_str (item, "message.client_id"), ==, keys[i]);
    }
}

/* How many live bookings @token's user has in @session_id. */
static guint
count_bookings (PtServer   *server,
                const char *token,
                const char *session_id)
{
  g_autoptr(PtResponse) mine = pt_request (server, "GET", "/api/v1/me/bookings?limit=100", token, NULL, NULL);
  JsonArray *items;
  guint n = 0;

  pt_assert_status (mine, 200);
  items = json_node_get_array (pt_json_get (mine->json, "items"));
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *booking = json_array_get_element (items, i);

      if (g_strcmp0 (pt_node_str (booking, "session_id"), session_id) == 0 &&
          g_strcmp0 (pt_node_str (booking, "status"), "cancelled") != 0)
        n++;
    }

  return n;
}

static gint64
seats_left (PtServer   *server,
            const char *session_id)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s", session_id);
  g_autoptr(PtResponse) session = pt_request (server, "GET", path, NULL, NULL, NULL);

  pt_assert_status (session, 200);
  return pt_int (session, "seats_left");
}

/* The outbox on disk */

static void
bump (guint *counter)
{
  (*counter)++;
}

static void
test_persist (void)
{
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "nested", "outbox.db", NULL);
  g_autoptr(ParlaOutbox) outbox = open_outbox (path);
  g_autoptr(JsonNode) body = json_from_string ("{\"start\":\"2026-11-25T10:00:00Z\"}", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *k1 = NULL, *k2 = NULL, *k3 = NULL, *k4 = NULL;
  g_autofree char *long_text = g_strnfill (4001, 'a');
  gint64 before = g_get_real_time () / G_USEC_PER_SEC;
  guint count_notified = 0;
  guint changed = 0;
  char *nothing;

  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, 0);
  g_assert_cmpstr (parla_outbox_get_path (outbox), ==, path);
  g_signal_connect_swapped (outbox, "notify::count", G_CALLBACK (bump), &count_notified);
  g_signal_connect_swapped (parla_outbox_get_items (outbox), "items-changed", G_CALLBACK (bump), &changed);

  k1 = parla_outbox_enqueue_chat (outbox, "session:s1", "Hola", NULL, "es", &error);
  g_assert_no_error (error);
  k2 = parla_outbox_enqueue_request (outbox, "POST", "/api/v1/bookings/b1/reschedule", body, "Move Wednesday", &error);
  g_assert_no_error (error);
  k3 = parla_outbox_enqueue_chat (outbox, "session:s1", "¿Qué tal?", "u-7", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, 3);
  g_assert_cmpuint (count_notified, ==, 3);
  g_assert_cmpuint (changed, ==, 3);

  /* Refused before anything is stored. */
  nothing = parla_outbox_enqueue_chat (outbox, "session:s1", "", NULL, NULL, &error);
  g_assert_null (nothing);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  nothing = parla_outbox_enqueue_chat (outbox, "session:s1", long_text, NULL, NULL, &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  nothing = parla_outbox_enqueue_request (outbox, "GET", "/api/v1/me", NULL, "Read", &error);
  g_assert_error (error, PARLA_ERROR, PARLA_ERROR_INVALID_INPUT);
  g_clear_error (&error);
  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, 3);
  g_assert_cmpuint (count_notified, ==, 3);

  /* Random 128-bit keys. */
  g_assert_true (is_key (k1));
  g_assert_true (is_key (k2));
  g_assert_true (is_key (k3));
  g_assert_cmpstr (k1, !=, k2);
  g_assert_cmpstr (k2, !=, k3);

  g_clear_object (&outbox);

  /* Reopened: the same items in the same order. */
  outbox = open_outbox (path);
  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, 3);
  {
    ParlaOutboxItem *chat = item_at (outbox, 0);
    ParlaOutboxItem *request = item_at (outbox, 1);
    ParlaOutboxItem *private = item_at (outbox, 2);
    g_autoptr(JsonNode) stored_body = parla_outbox_item_dup_body (request);
    ParlaOutboxKind kind;
    g_autofree char *description = NULL;

    g_assert_cmpint (parla_outbox_item_get_kind (chat), ==, PARLA_OUTBOX_CHAT);
    g_assert_cmpstr (parla_outbox_item_get_key (chat), ==, k1);
    g_assert_cmpstr (parla_outbox_item_get_room (chat), ==, "session:s1");
    g_assert_cmpstr (parla_outbox_item_get_text (chat), ==, "Hola");
    g_assert_cmpstr (parla_outbox_item_get_description (chat), ==, "Hola");
    g_assert_cmpstr (parla_outbox_item_get_language (chat), ==, "es");
    g_assert_null (parla_outbox_item_get_to (chat));
    g_assert_cmpint (parla_outbox_item_get_created_at (chat), >=, before);

    g_assert_cmpint (parla_outbox_item_get_kind (request), ==, PARLA_OUTBOX_REQUEST);
    g_assert_cmpstr (parla_outbox_item_get_key (request), ==, k2);
    g_assert_cmpstr (parla_outbox_item_get_method (request), ==, "POST");
    g_assert_cmpstr (parla_outbox_item_get_path (request), ==, "/api/v1/bookings/b1/reschedule");
    g_assert_cmpstr (parla_outbox_item_get_description (request), ==, "Move Wednesday");
    g_assert_true (json_node_equal (stored_body, body));
    g_object_get (request, "kind", &kind, "description", &description, NULL);
    g_assert_cmpint (kind, ==, PARLA_OUTBOX_REQUEST);
    g_assert_cmpstr (description, ==, "Move Wednesday");

    g_assert_cmpstr (parla_outbox_item_get_key (private), ==, k3);
    g_assert_cmpstr (parla_outbox_item_get_to (private), ==, "u-7");
    g_assert_cmpstr (parla_outbox_item_get_text (private), ==, "¿Qué tal?");

    g_assert_cmpint (parla_outbox_item_get_id (chat), <, parla_outbox_item_get_id (request));
    g_assert_cmpint (parla_outbox_item_get_id (request), <, parla_outbox_item_get_id (private));
  }

  /* More after a reopen come after. */
  k4 = parla_outbox_enqueue_chat (outbox, "session:s1", "Later", NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (parla_outbox_item_get_id (item_at (outbox, 3)), >, parla_outbox_item_get_id (item_at (outbox, 2)));
  g_clear_object (&outbox);

  /* On disk: WAL, with a schema version. */
  {
    sqlite3 *db = NULL;
    sqlite3_stmt *stmt = NULL;

    g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA journal_mode", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA user_version", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 1);
    sqlite3_finalize (stmt);
    g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT count(*) FROM items", -1, &stmt, NULL), ==, SQLITE_OK);
    g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
    g_assert_cmpint (sqlite3_column_int (stmt, 0), ==, 4);
    sqlite3_finalize (stmt);

    /* A newer version's file is left alone. */
    g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 2", NULL, NULL, NULL), ==, SQLITE_OK);
    sqlite3_close (db);
  }
  outbox = parla_outbox_new_for_path (path, &error);
  g_assert_null (outbox);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);

  /* Not a database at all. */
  {
    g_autofree char *junk = g_build_filename (dir, "junk.db", NULL);
    g_autoptr(ParlaOutbox) broken = NULL;

    g_assert_true (g_file_set_contents (junk, "this is not sqlite, not at all, no", -1, NULL));
    broken = parla_outbox_new_for_path (junk, &error);
    g_assert_null (broken);
    g_assert_nonnull (error);
    g_clear_error (&error);
    g_unlink (junk);
  }

  g_unlink (path);
  {
    g_autofree char *wal = g_strconcat (path, "-wal", NULL);
    g_autofree char *shm = g_strconcat (path, "-shm", NULL);
    g_autofree char *nested = g_path_get_dirname (path);

    g_unlink (wal);
    g_unlink (shm);
    g_rmdir (nested);
  }
  remove_dir (dir);
}

/* Killed with a full outbox while the server is down; delivered once by
 * the next process */

typedef struct
{
  PtProcess *process;
  char      *teacher;
  char      *learner;
  char      *learner_id;
  char      *chat_session;   /* the learner has a seat: the chat room */
  char      *room;
  char      *book_session;   /* the booking intent's */
  char      *book_path;
  char      *dir;
  char      *outbox_path;
} Crash;

static Crash *
crash_new (void)
{
  Crash *c = g_new0 (Crash, 1);
  gint64 start = next_start ();

  c->process = pt_process_start (NULL);
  c->teacher = pt_register (c->process->remote, "teacher@example.org", "teacher", NULL);
  c->learner = pt_register (c->process->remote, "learner@example.org", "student", &c->learner_id);
  c->chat_session = create_session (c->process->remote, c->teacher, start, 5);
  c->room = g_strconcat ("session:", c->chat_session, NULL);
  book_seat (c->process->remote, c->chat_session, c->learner);
  c->book_session = create_session (c->process->remote, c->teacher, start + DAY, 5);
  c->book_path = g_strdup_printf ("/api/v1/sessions/%s/book", c->book_session);
  c->dir = make_dir ();
  c->outbox_path = g_build_filename (c->dir, "outbox.db", NULL);

  return c;
}

static void
crash_free (Crash *c)
{
  pt_process_free (c->process);
  remove_dir (c->dir);
  g_free (c->teacher);
  g_free (c->learner);
  g_free (c->learner_id);
  g_free (c->chat_session);
  g_free (c->room);
  g_free (c->book_session);
  g_free (c->book_path);
  g_free (c->dir);
  g_free (c->outbox_path);
  g_free (c);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Crash, crash_free)

static GStrv
chat_keys (ParlaOutbox *outbox)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  GListModel *items = parla_outbox_get_items (outbox);

  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      ParlaOutboxItem *item = item_at (outbox, i);

      if (parla_outbox_item_get_kind (item) == PARLA_OUTBOX_CHAT)
        g_strv_builder_add (builder, parla_outbox_item_get_key (item));
    }

  return g_strv_builder_end (builder);
}

static void
test_crash_offline (void)
{
  g_autoptr(Crash) c = crash_new ();
  g_autoptr(Child) writer = NULL;
  g_autoptr(Child) sender = NULL;
  g_autoptr(ParlaOutbox) outbox = NULL;
  g_autoptr(GPtrArray) items = NULL;
  g_auto(GStrv) keys = NULL;
  g_autofree char *request_key = NULL;
  const guint n = 12;
  g_autofree char *count = g_strdup_printf ("%u", n);

  /* The server is gone: the helper queues, says so, and is killed. */
  pt_process_kill (c->process);
  writer = child_spawn ("enqueue", c->outbox_path, c->process->base_url, c->learner, c->room, count,
                        c->book_path, NULL);
  child_wait (writer, "ready", 1, WAIT);
  g_assert_cmpuint (child_count (writer, "queued chat "), ==, n);
  g_assert_cmpuint (child_count (writer, "queued request "), ==, 1);
  child_kill (writer);

  /* Everything it reported queued is on disk, in order. */
  outbox = open_outbox (c->outbox_path);
  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, n + 1);
  for (guint i = 0; i < n; i++)
    {
      ParlaOutboxItem *item = item_at (outbox, i);
      g_autofree char *text = g_strdup_printf ("msg-%u", i);
      g_autofree char *line = g_strdup_printf ("queued chat %s", parla_outbox_item_get_key (item));

      g_assert_cmpstr (parla_outbox_item_get_text (item), ==, text);
      g_assert_cmpstr (g_ptr_array_index (writer->lines, i), ==, line);
    }
  g_assert_cmpint (parla_outbox_item_get_kind (item_at (outbox, n)), ==, PARLA_OUTBOX_REQUEST);
  request_key = g_strdup (parla_outbox_item_get_key (item_at (outbox, n)));
  keys = chat_keys (outbox);
  g_clear_object (&outbox);

  /* The server is back; a new process delivers. */
  pt_process_resume (c->process);
  sender = child_spawn ("deliver", c->outbox_path, c->process->base_url, c->learner, "0", NULL);
  child_wait (sender, "done", 1, SLOW);
  child_wait_exit (sender);
  g_assert_cmpuint (child_count (sender, "sent "), ==, n + 1);
  g_assert_cmpuint (child_count (sender, "failed "), ==, 0);
  /* In order: the messages, then the booking. */
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *suffix = g_strdup_printf (" chat %s 0", keys[i]);

      g_assert_true (g_str_has_suffix (g_ptr_array_index (sender->lines, i), suffix));
    }
  {
    g_autofree char *suffix = g_strdup_printf (" request %s 0", request_key);

    g_assert_true (g_str_has_suffix (g_ptr_array_index (sender->lines, n), suffix));
  }

  items = all_messages (c->process->remote, c->chat_session, c->learner);
  assert_delivered_once (items, n, (const char * const *) keys);
  g_assert_cmpuint (count_bookings (c->process->remote, c->learner, c->book_session), ==, 1);
  g_assert_cmpint (seats_left (c->process->remote, c->book_session), ==, 4);

  outbox = open_outbox (c->outbox_path);
  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, 0);
}

/* Killed in the middle of a replay; the next process finishes it, once */

static void
test_crash_mid_replay (void)
{
  g_autoptr(Crash) c = crash_new ();
  g_autoptr(Child) first = NULL;
  g_autoptr(Child) second = NULL;
  g_autoptr(ParlaOutbox) outbox = open_outbox (c->outbox_path);
  g_autoptr(GPtrArray) items = NULL;
  g_autoptr(PtWs) ws = NULL;
  g_autoptr(JsonNode) ack = NULL;
  g_auto(GStrv) keys = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *head_key = NULL;
  g_autofree char *head_line = NULL;
  const guint n = 30;
  guint left;

  for (guint i = 0; i < n; i++)
    {
      g_autofree char *text = g_strdup_printf ("msg-%u", i);
      g_autofree char *key = parla_outbox_enqueue_chat (outbox, c->room, text, NULL, "es", &error);

      g_assert_no_error (error);
    }
  {
    g_autofree char *key = parla_outbox_enqueue_request (outbox, "POST", c->book_path, NULL, "Book a seat", &error);

    g_assert_no_error (error);
  }
  keys = chat_keys (outbox);
  g_clear_object (&outbox);

  /* A slow device, killed after five acknowledgements. */
  first = child_spawn ("deliver", c->outbox_path, c->process->base_url, c->learner, "100", NULL);
  child_wait (first, "sent ", 5, SLOW);
  child_kill (first);

  outbox = open_outbox (c->outbox_path);
  left = parla_outbox_get_count (outbox);
  g_test_message ("killed after %u acks, %u items left", child_count (first, "sent "), left);
  g_assert_cmpuint (left, >=, 2);
  g_assert_cmpuint (left, <=, n + 1 - 5);
  g_assert_cmpuint (left, <=, n + 1 - child_count (first, "sent "));

  /* The worst moment of a crash: the server stored the next message, the
   * process died before deleting it. Sent here on its behalf. */
  head_key = g_strdup (parla_outbox_item_get_key (item_at (outbox, 0)));
  g_clear_object (&outbox);
  ws = pt_ws_connect (c->process->remote, c->learner);
  pt_ws_sendf (ws, "{\"type\":\"join\",\"id\":\"j\",\"room\":\"%s\"}", c->room);
  g_clear_pointer (&ack, json_node_unref);
  ack = pt_ws_wait_for (ws, "ack", "id", "j", WAIT);
  {
    g_autofree char *text = g_strdup_printf ("msg-%u", n - (left - 1));

    pt_ws_sendf (ws, "{\"type\":\"chat.send\",\"id\":\"%s\",\"room\":\"%s\",\"text\":\"%s\"}",
                 head_key, c->room, text);
  }
  g_clear_pointer (&ack, json_node_unref);
  ack = pt_ws_wait_for (ws, "ack", "id", head_key, WAIT);
  g_clear_pointer (&ws, pt_ws_free);

  second = child_spawn ("deliver", c->outbox_path, c->process->base_url, c->learner, "0", NULL);
  child_wait (second, "done", 1, SLOW);
  child_wait_exit (second);
  g_assert_cmpuint (child_count (second, "sent "), ==, left);
  g_assert_cmpuint (child_count (second, "failed "), ==, 0);

  /* The head was already stored: acknowledged as a duplicate. */
  head_line = g_strdup_printf (" chat %s 1", head_key);
  g_assert_true (g_str_has_suffix (g_ptr_array_index (second->lines, 0), head_line));

  items = all_messages (c->process->remote, c->chat_session, c->learner);
  assert_delivered_once (items, n, (const char * const *) keys);
  g_assert_cmpuint (count_bookings (c->process->remote, c->learner, c->book_session), ==, 1);
  g_assert_cmpint (seats_left (c->process->remote, c->book_session), ==, 4);
}

/* A permanent failure drops the item and says so; the rest goes on */

typedef struct
{
  GPtrArray *log;   /* "sent <key>" or "failed <key> <code>" */
} Log;

static void
on_sent_cb (ParlaOutbox     *outbox,
            ParlaOutboxItem *item,
            JsonNode        *result,
            Log             *log)
{
  g_ptr_array_add (log->log, g_strdup_printf ("sent %s", parla_outbox_item_get_description (item)));
}

static void
on_failed_cb (ParlaOutbox     *outbox,
              ParlaOutboxItem *item,
              GError          *error,
              Log             *log)
{
  g_assert_true (error->domain == PARLA_ERROR);
  g_ptr_array_add (log->log, g_strdup_printf ("failed %s %s", parla_outbox_item_get_description (item),
                                              parla_error_code_to_string (error->code)));
}

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  config->ws_token_check_seconds = 1;
}

static void
test_permanent_failure (void)
{
  PtServer *server = pt_server_start (configure, NULL);
  g_autofree char *dir = make_dir ();
  g_autofree char *path = g_build_filename (dir, "outbox.db", NULL);
  g_autofree char *teacher = NULL;
  g_autofree char *alice = NULL;
  g_autofree char *session = NULL;
  g_autofree char *other = NULL;
  g_autofree char *room = NULL;
  g_autofree char *other_room = NULL;
  g_autofree char *book = NULL;
  g_autoptr(ParlaOutbox) outbox = open_outbox (path);
  g_autoptr(ParlaRealtime) realtime = NULL;
  g_autoptr(ParlaApiClient) client = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) items = NULL;
  Log log = { g_ptr_array_new_with_free_func (g_free) };
  static const char * const expected[] = {
    "failed Book again invalid_state",
    "sent After the failure",
    "failed Not my room forbidden",
    "failed No such session not_found",
    "sent Last",
  };

  pt_server_set_now (server, T0);
  teacher = pt_register (server, "teacher@example.org", "teacher", NULL);
  alice = pt_register (server, "alice@example.org", "student", NULL);
  session = create_session (server, teacher, T0 + 3 * DAY, 5);
  other = create_session (server, teacher, T0 + 4 * DAY, 5);
  room = g_strconcat ("session:", session, NULL);
  other_room = g_strconcat ("session:", other, NULL);
  book = g_strdup_printf ("/api/v1/sessions/%s/book", session);
  book_seat (server, session, alice);

  g_free (parla_outbox_enqueue_request (outbox, "POST", book, NULL, "Book again", &error));
  g_assert_no_error (error);
  g_free (parla_outbox_enqueue_chat (outbox, room, "After the failure", NULL, NULL, &error));
  g_assert_no_error (error);
  g_free (parla_outbox_enqueue_chat (outbox, other_room, "Not my room", NULL, NULL, &error));
  g_assert_no_error (error);
  g_free (parla_outbox_enqueue_request (outbox, "POST", "/api/v1/sessions/nothing-here/book", NULL,
                                        "No such session", &error));
  g_assert_no_error (error);
  g_free (parla_outbox_enqueue_chat (outbox, room, "Last", NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, 5);

  realtime = parla_realtime_new (server->base_url, alice);
  client = parla_api_client_new (server->base_url, NULL, &error);
  g_assert_no_error (error);
  parla_api_client_set_token (client, alice);
  g_signal_connect (outbox, "item-sent", G_CALLBACK (on_sent_cb), &log);
  g_signal_connect (outbox, "item-failed", G_CALLBACK (on_failed_cb), &log);

  /* Nothing goes before the connection is up. */
  parla_outbox_attach (outbox, realtime, client);
  pt_ws_spin (200);
  g_assert_cmpuint (log.log->len, ==, 0);
  g_assert_false (parla_outbox_get_sending (outbox));

  parla_realtime_start (realtime);
  PT_WAIT_UNTIL (parla_outbox_get_count (outbox) == 0, WAIT);

  g_assert_cmpuint (log.log->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (log.log, i), ==, expected[i]);

  /* The failed items are gone from the disk too; the two messages are
   * stored, once. */
  g_clear_object (&outbox);
  outbox = open_outbox (path);
  g_assert_cmpuint (parla_outbox_get_count (outbox), ==, 0);
  items = all_messages (server, session, alice);
  g_assert_cmpuint (items->len, ==, 2);
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (items, 0), "message.text"), ==, "After the failure");
  g_assert_cmpstr (pt_node_str (g_ptr_array_index (items, 1), "message.text"), ==, "Last");
  g_assert_cmpuint (count_bookings (server, alice, session), ==, 1);

  parla_realtime_stop (realtime);
  g_clear_object (&outbox);
  g_clear_object (&realtime);
  g_clear_object (&client);
  g_ptr_array_unref (log.log);
  pt_server_stop (server);
  remove_dir (dir);
}

int
main (int   argc,
      char *argv[])
{
  if (argc > 1 && g_str_equal (argv[1], "--helper"))
    return helper_main (argc, argv);

  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/api/outbox/persist", test_persist);
  g_test_add_func ("/api/outbox/permanent-failure", test_permanent_failure);
  g_test_add_func ("/api/outbox/crash-offline", test_crash_offline);
  g_test_add_func ("/api/outbox/crash-mid-replay", test_crash_mid_replay);

  return g_test_run ();
}
