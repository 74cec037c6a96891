/* test-binary.c: the real parla-server executable, started as a user would
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>

#include "parla-test-server.h"

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *out;
  char             *dir;
  char             *base_url;
} Binary;

static Binary *
spawn_server (const char * const *extra)
{
  Binary *binary = g_new0 (Binary, 1);
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GError) error = NULL;
  g_autofree char *db = NULL;
  g_autofree char *line = NULL;
  const char *exe = g_getenv ("PARLA_SERVER_BIN");
  const char *marker = " listening on ";
  char *found;

  g_assert_nonnull (exe);
  binary->dir = g_dir_make_tmp ("parla-binary-XXXXXX", &error);
  g_assert_no_error (error);
  db = g_strdup_printf ("sqlite:%s/parla.db", binary->dir);

  g_ptr_array_add (argv, g_strdup (exe));
  g_ptr_array_add (argv, g_strdup ("--listen"));
  g_ptr_array_add (argv, g_strdup ("127.0.0.1:0"));
  g_ptr_array_add (argv, g_strdup ("--db"));
  g_ptr_array_add (argv, g_strdup (db));
  for (guint i = 0; extra != NULL && extra[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (extra[i]));
  g_ptr_array_add (argv, NULL);

  binary->process = g_subprocess_newv ((const char * const *) argv->pdata,
                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error);
  g_assert_no_error (error);
  binary->out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (binary->process));

  line = g_data_input_stream_read_line_utf8 (binary->out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  found = strstr (line, marker);
  g_assert_nonnull (found);
  binary->base_url = g_strndup (found + strlen (marker), strcspn (found + strlen (marker), " "));
  g_assert_true (g_str_has_prefix (binary->base_url, "http://127.0.0.1:"));
  g_assert_false (g_str_has_suffix (binary->base_url, ":0/"));

  return binary;
}

static void
stop_server (Binary *binary)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *rest = NULL;

  g_subprocess_send_signal (binary->process, SIGTERM);
  g_subprocess_wait (binary->process, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (g_subprocess_get_if_exited (binary->process));
  g_assert_cmpint (g_subprocess_get_exit_status (binary->process), ==, 0);

  rest = g_data_input_stream_read_upto (binary->out, "", 0, NULL, NULL, NULL);
  g_assert_nonnull (strstr (rest ? rest : "", "shutting down"));

  g_object_unref (binary->out);
  g_object_unref (binary->process);
  g_free (binary->base_url);
  g_free (binary->dir);
  g_free (binary);
}

static PtResponse *
get (Binary     *binary,
     const char *path)
{
  PtServer fake = { 0, };

  fake.base_url = binary->base_url;
  return pt_request (&fake, "GET", path, NULL, NULL, NULL);
}

static void
test_smoke (void)
{
  Binary *binary = spawn_server (NULL);
  g_autoptr(PtResponse) health = get (binary, "/api/v1/health");
  g_autoptr(PtResponse) sessions = get (binary, "/api/v1/sessions");

  pt_assert_status (health, 200);
  pt_assert_status (sessions, 200);
  g_assert_cmpint (pt_int (sessions, "total"), ==, 0);

  stop_server (binary);
}

static void
test_demo (void)
{
  const char * const extra[] = { "--demo", NULL };
  Binary *binary = spawn_server (extra);
  g_autoptr(PtResponse) teachers = get (binary, "/api/v1/teachers");
  g_autoptr(PtResponse) sessions = get (binary, "/api/v1/sessions");
  g_autoptr(PtResponse) login = NULL;
  PtServer fake = { 0, };

  pt_assert_status (teachers, 200);
  g_assert_cmpint (pt_int (teachers, "total"), >=, 5);
  pt_assert_status (sessions, 200);
  g_assert_cmpint (pt_int (sessions, "total"), >=, 10);

  fake.base_url = binary->base_url;
  login = pt_request (&fake, "POST", "/api/v1/auth/login", NULL,
                      "{\"email\":\"demo.learner@parla.app\",\"password\":\"parla-demo\"}", NULL);
  pt_assert_status (login, 200);

  stop_server (binary);
}

static void
test_bad_flags (void)
{
  const char * const argv[] = { g_getenv ("PARLA_SERVER_BIN"), "--listen", "nowhere", NULL };
  g_autoptr(GSubprocess) process = NULL;
  g_autoptr(GError) error = NULL;

  process = g_subprocess_newv (argv, G_SUBPROCESS_FLAGS_STDERR_SILENCE, &error);
  g_assert_no_error (error);
  g_subprocess_wait (process, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_subprocess_get_exit_status (process), ==, 2);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/server/binary/smoke", test_smoke);
  g_test_add_func ("/server/binary/demo", test_demo);
  g_test_add_func ("/server/binary/bad-flags", test_bad_flags);

  return g_test_run ();
}
