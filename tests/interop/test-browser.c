/* test-browser.c: Chromium (libwebrtc) in a call with parla-peer through
 * the real server, the browser side written from the documented wire names
 * alone (call.html), both ways round: the browser offers, or it answers;
 * relay-only through a real coturn; and a page the server's origin check
 * keeps out
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "peer-test-utils.h"

/* Debian's package chromium. Not its /usr/bin/chromium launcher: that
 * shell script runs the browser as its child instead of exec()ing it, so
 * stopping the launcher would leave the browser running. */
#define CHROMIUM "/usr/lib/chromium/chromium"

#define WAIT 30000      /* ms: generous bound for anything a peer reports */
#define PAGE_TIMEOUT 40 /* s: the page gives up and reports an error after */

/* The page, served on a loopback port: a browser sends `Origin: null` for
 * a file:// page, which no server configuration can allow, while an
 * http://127.0.0.1 page is a secure context (getUserMedia works) with an
 * origin of its own to add to `[realtime] allowed_origins`. */
typedef struct
{
  SoupServer *soup;
  GBytes     *html;
  char       *origin;     /* http://127.0.0.1:PORT */
  char       *url;        /* origin/call.html */
} Page;

static void
on_page_request_cb (SoupServer        *soup,
                    SoupServerMessage *msg,
                    const char        *path,
                    GHashTable        *query,
                    gpointer           user_data)
{
  Page *page = user_data;
  gsize length;
  const char *data = g_bytes_get_data (page->html, &length);

  if (g_strcmp0 (soup_server_message_get_method (msg), "GET") != 0)
    {
      soup_server_message_set_status (msg, SOUP_STATUS_METHOD_NOT_ALLOWED, NULL);
      return;
    }

  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  soup_server_message_set_response (msg, "text/html; charset=utf-8", SOUP_MEMORY_COPY, data, length);
}

static Page *
page_new (void)
{
  Page *page = g_new0 (Page, 1);
  g_autofree char *path = g_test_build_filename (G_TEST_DIST, "call.html", NULL);
  g_autoptr(GError) error = NULL;
  g_autoslist(GUri) uris = NULL;
  char *contents = NULL;
  gsize length;

  g_file_get_contents (path, &contents, &length, &error);
  g_assert_no_error (error);
  page->html = g_bytes_new_take (contents, length);

  page->soup = soup_server_new (NULL, NULL);
  soup_server_add_handler (page->soup, "/call.html", on_page_request_cb, page, NULL);
  soup_server_listen_local (page->soup, 0, SOUP_SERVER_LISTEN_IPV4_ONLY, &error);
  g_assert_no_error (error);

  uris = soup_server_get_uris (page->soup);
  g_assert_nonnull (uris);
  page->origin = g_strdup_printf ("http://127.0.0.1:%d", g_uri_get_port (uris->data));
  page->url = g_strconcat (page->origin, "/call.html", NULL);

  return page;
}

static void
page_free (Page *page)
{
  soup_server_disconnect (page->soup);
  g_object_unref (page->soup);
  g_bytes_unref (page->html);
  g_free (page->origin);
  g_free (page->url);
  g_free (page);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Page, page_free)

/* The server lets the page's origin (only) open the WebSocket. */
static void
configure_origin (ParlaServerConfig *config,
                  gpointer           user_data)
{
  Page *page = user_data;

  g_free (config->ws_allowed_origins);
  config->ws_allowed_origins = g_strdup (page->origin);
}

#define TURN_SECRET "parla-interop-test-secret"

typedef struct
{
  Page     *page;
  PtCoturn *coturn;      /* nullable */
} Setup;

/* The page's origin, and TURN through @coturn when there is one: the
 * join answer then hands out its URL with credentials. */
static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  Setup *setup = user_data;
  const char *turn[2] = { NULL, NULL };

  configure_origin (config, setup->page);
  if (setup->coturn == NULL)
    return;

  turn[0] = setup->coturn->url;
  g_strfreev (config->stun_urls);
  g_strfreev (config->turn_urls);
  g_free (config->turn_secret);
  config->stun_urls = NULL;
  config->turn_urls = g_strdupv ((char **) turn);
  config->turn_secret = g_strdup (TURN_SECRET);
  config->turn_ttl_seconds = 600;
}

/* Chromium, headless, on the page */

typedef struct
{
  GSubprocess      *process;
  GDataInputStream *err;
  GCancellable     *cancellable;
  char             *profile;      /* a fresh --user-data-dir */
  JsonNode         *ready;        /* PARLA-READY, once in the room */
  JsonNode         *result;       /* the first PARLA-RESULT */
  gboolean          eof;
  gboolean          exited;
} Browser;

static void
remove_tree (GFile *dir)
{
  g_autoptr(GFileEnumerator) children = NULL;
  GFileInfo *info;
  GFile *child;

  children = g_file_enumerate_children (dir, G_FILE_ATTRIBUTE_STANDARD_TYPE,
                                        G_FILE_QUERY_INFO_NOFOLLOW_SYMLINKS, NULL, NULL);
  while (children != NULL && g_file_enumerator_iterate (children, &info, &child, NULL, NULL) && info != NULL)
    {
      if (g_file_info_get_file_type (info) == G_FILE_TYPE_DIRECTORY)
        remove_tree (child);
      else
        g_file_delete (child, NULL, NULL);
    }
  g_file_delete (dir, NULL, NULL);
}

/* The JSON after @marker in a console line of Chromium's log:
 * `[…:INFO:CONSOLE:N] "MARKER {…}", source: URL (N)`. */
static JsonNode *
console_json (const char *line,
              const char *marker)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *json = NULL;
  const char *start = strstr (line, marker);
  const char *end = g_strrstr (line, "\", source: ");

  if (start == NULL || end == NULL || end < start)
    g_error ("a console line we cannot read: %s", line);
  start += strlen (marker);
  json = g_strndup (start, end - start);

  if (!json_parser_load_from_data (parser, json, -1, &error))
    g_error ("the page printed %s that is not JSON (%s): %s", marker, error->message, json);

  return json_node_copy (json_parser_get_root (parser));
}

static void read_browser_line (Browser *browser);

static void
on_browser_line_cb (GObject      *source,
                    GAsyncResult *result,
                    gpointer      user_data)
{
  Browser *browser = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;

  /* Not _utf8: a stray byte in the browser's log must not end the reading. */
  line = g_data_input_stream_read_line_finish (G_DATA_INPUT_STREAM (source), result, NULL, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  if (line == NULL)
    {
      browser->eof = TRUE;
      return;
    }

  /* Chromium's log is mostly about the D-Bus, GPU and so on it lacks
   * here; what the page says is worth seeing, with the SDP. */
  if (g_test_verbose () && strstr (line, "dbus") == NULL)
    g_printerr ("[chromium] %s\n", line);

  if (strstr (line, "PARLA-READY ") != NULL && browser->ready == NULL)
    browser->ready = console_json (line, "PARLA-READY ");
  else if (strstr (line, "PARLA-RESULT ") != NULL && browser->result == NULL)
    browser->result = console_json (line, "PARLA-RESULT ");

  read_browser_line (browser);
}

static void
read_browser_line (Browser *browser)
{
  g_data_input_stream_read_line_async (browser->err, G_PRIORITY_DEFAULT, browser->cancellable,
                                       on_browser_line_cb, browser);
}

static void
browser_child_setup (gpointer user_data)
{
  /* Its own process group, so that what it started can go with it. */
  setpgid (0, 0);
  pt_child_setup (user_data);
}

static Browser *
browser_start (const char *url)
{
  Browser *browser = g_new0 (Browser, 1);
  g_autoptr(GSubprocessLauncher) launcher =
    g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *profile_arg = NULL;
  g_auto(GStrv) argv = NULL;

  browser->profile = g_dir_make_tmp ("parla-chromium-XXXXXX", &error);
  g_assert_no_error (error);
  browser->cancellable = g_cancellable_new ();
  profile_arg = g_strconcat ("--user-data-dir=", browser->profile, NULL);

  g_strv_builder_add_many (builder, CHROMIUM,
                           "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                           "--disable-background-networking", "--disable-component-update",
                           "--disable-sync",
                           "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
                           profile_arg,
                           "--enable-logging=stderr", "--v=0",
                           /* On one machine: loopback candidates, and real
                            * addresses rather than .local mDNS names, which
                            * nothing resolves here. */
                           "--allow-loopback-in-peer-connection",
                           "--disable-features=WebRtcHideLocalIpsWithMdns",
                           "--autoplay-policy=no-user-gesture-required",
                           url,
                           NULL);
  argv = g_strv_builder_end (builder);

  g_subprocess_launcher_set_child_setup (launcher, browser_child_setup, NULL, NULL);
  browser->process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv, &error);
  g_assert_no_error (error);

  browser->err = g_data_input_stream_new (g_subprocess_get_stderr_pipe (browser->process));
  read_browser_line (browser);

  return browser;
}

static void
on_browser_exited_cb (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  Browser *browser = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  browser->exited = TRUE;
}

static void
browser_free (Browser *browser)
{
  g_autoptr(GFile) profile = g_file_new_for_path (browser->profile);
  gint64 deadline = g_get_monotonic_time () + 10 * G_USEC_PER_SEC;
  const char *pid = g_subprocess_get_identifier (browser->process);

  /* Asked to quit, it takes its renderer and helpers along; whatever of
   * its process group is left after it (or after 10 s) is killed. */
  if (pid != NULL)
    {
      pid_t group = (pid_t) g_ascii_strtoll (pid, NULL, 10);

      g_subprocess_wait_async (browser->process, NULL, on_browser_exited_cb, browser);
      g_subprocess_send_signal (browser->process, SIGTERM);
      while (!browser->exited && g_get_monotonic_time () < deadline)
        pt_iterate ();
      kill (-group, SIGKILL);
      while (!browser->exited)
        pt_iterate ();
    }

  g_cancellable_cancel (browser->cancellable);
  g_clear_object (&browser->err);
  g_clear_object (&browser->process);
  g_clear_object (&browser->cancellable);
  /* A helper may still be writing its last file as it goes. */
  for (guint i = 0; i < 40 && g_file_query_exists (profile, NULL); i++)
    {
      remove_tree (profile);
      if (g_file_query_exists (profile, NULL))
        g_usleep (50 * 1000);
    }
  g_free (browser->profile);
  g_clear_pointer (&browser->ready, json_node_unref);
  g_clear_pointer (&browser->result, json_node_unref);
  g_free (browser);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Browser, browser_free)

static JsonNode *
browser_wait (Browser    *browser,
              JsonNode  **node,
              const char *what,
              guint       timeout_ms)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) timeout_ms * 1000;

  while (*node == NULL)
    {
      if (browser->eof)
        g_error ("Chromium ended before the page printed %s", what);
      if (g_get_monotonic_time () > deadline)
        g_error ("the page printed no %s after %u ms", what, timeout_ms);
      pt_iterate ();
    }

  return *node;
}

/* The learner, the way a web client does it */

typedef struct
{
  char     *token;
  char     *user_id;
  JsonNode *join;      /* the join answer */
} Learner;

static void
learner_clear (Learner *learner)
{
  g_free (learner->token);
  g_free (learner->user_id);
  g_clear_pointer (&learner->join, json_node_unref);
}

/* Signs the learner in and joins the call over REST, and checks the
 * answer has the documented shape. */
static void
learner_join (PeerFixture *f,
              Learner     *learner)
{
  g_autoptr(PtResponse) login = NULL;
  g_autoptr(PtResponse) join = NULL;
  g_autofree char *body = NULL;
  g_autofree char *path = NULL;
  g_autofree char *room = NULL;
  JsonNode *ice_servers;

  body = pt_json ("{\"email\":\"%s\",\"password\":\"%s\"}", f->learner_email, PEER_PASSWORD);
  login = pt_request (f->server, "POST", "/api/v1/auth/login", NULL, body, NULL);
  pt_assert_status (login, 200);
  learner->token = g_strdup (pt_str (login, "token"));
  learner->user_id = g_strdup (pt_str (login, "user.id"));
  g_assert_cmpstr (learner->user_id, ==, f->learner_id);

  path = g_strdup_printf ("/api/v1/sessions/%s/join", f->session_id);
  join = pt_request (f->server, "POST", path, learner->token, NULL, NULL);
  pt_assert_status (join, 200);

  room = g_strconcat ("call:", pt_str (join, "call_id"), NULL);
  g_assert_cmpstr (pt_str (join, "room"), ==, room);
  g_assert_true (pt_has (join, "participants[0].user_id"));
  g_assert_true (pt_has (join, "participants[1].display_name"));
  ice_servers = pt_json_get (join->json, "ice_servers");
  g_assert_nonnull (ice_servers);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (ice_servers));

  learner->join = json_node_ref (join->json);
}

/* The page's URL: its settings, base64 JSON, in the fragment. */
static char *
page_url (Page        *page,
          PeerFixture *f,
          Learner     *learner,
          const char  *role,
          int          seconds,
          gboolean     relay)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *escaped = g_uri_escape_string (learner->token, NULL, FALSE);
  g_autofree char *ws = NULL;
  g_autofree char *json = NULL;
  g_autofree char *fragment = NULL;

  g_assert_true (g_str_has_prefix (f->server->base_url, "http://"));
  ws = g_strdup_printf ("ws://%s%sapi/v1/ws?access_token=%s",
                        f->server->base_url + strlen ("http://"),
                        g_str_has_suffix (f->server->base_url, "/") ? "" : "/",
                        escaped);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "ws");
  json_builder_add_string_value (builder, ws);
  json_builder_set_member_name (builder, "user_id");
  json_builder_add_string_value (builder, learner->user_id);
  json_builder_set_member_name (builder, "room");
  json_builder_add_string_value (builder, pt_node_str (learner->join, "room"));
  json_builder_set_member_name (builder, "ice_servers");
  json_builder_add_value (builder, json_node_copy (pt_json_get (learner->join, "ice_servers")));
  json_builder_set_member_name (builder, "role");
  json_builder_add_string_value (builder, role);
  json_builder_set_member_name (builder, "seconds");
  json_builder_add_int_value (builder, seconds);
  json_builder_set_member_name (builder, "timeout");
  json_builder_add_int_value (builder, PAGE_TIMEOUT);
  json_builder_set_member_name (builder, "relay");
  json_builder_add_boolean_value (builder, relay);
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json = json_to_string (root, FALSE);
  fragment = g_base64_encode ((const guchar *) json, strlen (json));

  return g_strconcat (page->url, "#", fragment, NULL);
}

/* What each side reports */

static gboolean
has_string (JsonNode   *node,
            const char *path,
            const char *value)
{
  JsonNode *array = pt_json_get (node, path);

  g_assert_nonnull (array);
  g_assert_true (JSON_NODE_HOLDS_ARRAY (array));
  for (guint i = 0; i < json_array_get_length (json_node_get_array (array)); i++)
    if (g_ascii_strcasecmp (json_array_get_string_element (json_node_get_array (array), i), value) == 0)
      return TRUE;

  return FALSE;
}

static void
assert_browser_result (JsonNode   *result,
                       const char *teacher_id,
                       const char *role,
                       const char *local_candidate_type)
{
  const char *ice = pt_node_str (result, "ice_state");
  const char *error = pt_node_str (result, "error");

  if (error != NULL)
    g_error ("the page failed: %s", error);

  g_assert_cmpstr (pt_node_str (result, "user_id"), ==, teacher_id);
  g_assert_cmpstr (pt_node_str (result, "role"), ==, role);
  g_assert_true (g_strcmp0 (ice, "connected") == 0 || g_strcmp0 (ice, "completed") == 0);
  g_assert_cmpstr (pt_node_str (result, "connection_state"), ==, "connected");

  /* parla-peer's video was decoded and its audio came. */
  g_assert_cmpint (pt_node_int (result, "frames_received"), >, 0);
  g_assert_cmpint (pt_node_int (result, "frames_decoded"), >, 0);
  g_assert_cmpint (pt_node_int (result, "audio_packets_received"), >, 0);
  g_assert_cmpint (pt_node_int (result, "audio_samples_received"), >, 0);
  g_assert_cmpint (pt_node_int (result, "first_frame_ms"), >, 0);
  g_assert_cmpint (pt_node_int (result, "first_frame_after_offer_ms"), >, 0);
  g_assert_true (has_string (result, "inbound_codecs", "video/VP8") ||
                 has_string (result, "inbound_codecs", "video/H264"));
  g_assert_true (has_string (result, "inbound_codecs", "audio/opus"));
  g_assert_true (has_string (result, "outbound_codecs", "audio/opus"));

  /* Trickled both ways, the end of candidates too. */
  g_assert_cmpint (pt_node_int (result, "candidates_received"), >, 0);
  g_assert_cmpint (pt_node_int (result, "end_of_candidates_received"), >, 0);
  g_assert_cmpint (pt_node_int (result, "candidates_after_end"), ==, 0);
  g_assert_cmpint (pt_node_int (result, "candidates_sent"), >, 0);
  g_assert_cmpstr (pt_node_str (result, "local_candidate_type"), ==, local_candidate_type);
  g_assert_nonnull (pt_node_str (result, "remote_candidate_type"));
}

static void
assert_peer_summary (JsonNode *summary,
                     gboolean  relayed)
{
  if (pt_node_str (summary, "error") != NULL)
    g_error ("parla-peer failed: %s", pt_node_str (summary, "error"));

  /* Media both ways, as parla-peer sees it: Chromium's fake camera and
   * microphone, not parla-peer's own pattern, so no pattern_ok. */
  g_assert_true (peer_bool (summary, "connected"));
  g_assert_true (peer_bool (summary, "relayed") == relayed);
  g_assert_cmpint (pt_node_int (summary, "video_frames_received"), >, 0);
  g_assert_cmpint (pt_node_int (summary, "audio_buffers_received"), >, 0);
  g_assert_cmpint (pt_node_int (summary, "first_frame_ms"), >, 0);
}

/* Times to the first remote frame on both sides, counted from the later
 * joiner's entering the room (or as near as each side can tell). */
static void
report_first_frames (const char *case_name,
                     gint64      browser_ms,
                     gint64      peer_ms)
{
  g_test_message ("%s: first remote frame %" G_GINT64_FORMAT " ms in Chromium, %" G_GINT64_FORMAT
                  " ms in parla-peer", case_name, browser_ms, peer_ms);
}

static gboolean
chromium_missing (void)
{
  if (g_file_test (CHROMIUM, G_FILE_TEST_IS_EXECUTABLE))
    return FALSE;

  if (g_getenv ("PARLA_REQUIRE_ALL_TESTS") != NULL)
    g_error ("PARLA_REQUIRE_ALL_TESTS is set, and " CHROMIUM " is missing (Debian package chromium)");
  g_test_skip (CHROMIUM " is missing (Debian package chromium)");
  return TRUE;
}

static const char * const open_call[] = { "--duration", "0", "--size", "320x240", "--fps", "15", NULL };
static const char * const short_call[] = { "--duration", "3", "--size", "320x240", "--fps", "15", NULL };

/* parla-peer is in the room first: Chromium joins second and offers
 * everything it has (VP8, VP9, H.264, AV1, RTX, RED/ULPFEC, Opus, header
 * extensions, candidates for each media line); parla-peer answers. After
 * 3 s of media the page hangs up with a bye, which ends parla-peer's call.
 * With @relay, the server hands out a real coturn and the page allows
 * relay candidates only. */
static void
browser_offers (gboolean relay)
{
  g_autoptr(Page) page = NULL;
  g_autoptr(PtCoturn) coturn = NULL;
  g_autoptr(PeerFixture) f = NULL;
  g_autoptr(PeerRun) teacher = NULL;
  g_autoptr(Browser) browser = NULL;
  g_autofree char *url = NULL;
  Setup setup = { NULL, NULL };
  Learner learner = { 0 };
  JsonNode *result;
  JsonNode *summary;
  JsonNode *joined;
  JsonNode *member_joined;
  guint t = 0;

  if (chromium_missing ())
    return;

  page = page_new ();
  if (relay)
    coturn = pt_coturn_start (NULL, TURN_SECRET);
  setup.page = page;
  setup.coturn = coturn;
  f = peer_fixture_new (configure, &setup);
  learner_join (f, &learner);
  if (relay)
    {
      g_assert_cmpstr (pt_node_str (learner.join, "ice_servers[0].urls[0]"), ==, coturn->url);
      g_assert_nonnull (pt_node_str (learner.join, "ice_servers[0].username"));
      g_assert_nonnull (pt_node_str (learner.join, "ice_servers[0].credential"));
    }

  teacher = peer_run_start (f, f->teacher_email, open_call);
  joined = peer_run_wait_event (teacher, &t, "joined", WAIT);

  url = page_url (page, f, &learner, "offer", 3, relay);
  browser = browser_start (url);

  browser_wait (browser, &browser->ready, "PARLA-READY", WAIT);
  g_assert_cmpstr (pt_node_str (browser->ready, "members[0]"), ==, f->teacher_id);

  result = browser_wait (browser, &browser->result, "PARLA-RESULT", 2 * WAIT);
  assert_browser_result (result, f->teacher_id, "offer", relay ? "relay" : "host");
  g_assert_true (peer_bool (result, "bye_sent"));
  /* Chromium offered audio and video on media lines of their own, and
   * trickled host candidates for each before the answer (a round trip
   * through the server and parla-peer later) bundled them. Relay
   * candidates take an allocation each: the answer may come first. */
  g_assert_cmpint (pt_node_int (result, "transceivers"), >=, 2);
  if (!relay)
    g_assert_cmpint (pt_node_int (result, "candidate_mlines_sent[1]"), ==, 1);

  /* The bye ended the call for parla-peer. */
  summary = peer_run_wait_summary (teacher, WAIT);
  assert_peer_summary (summary, relay);
  g_assert_cmpint (peer_run_wait_exit (teacher, WAIT), ==, 0);

  /* parla-peer counts from its own entering the room, long before. */
  member_joined = peer_run_wait_event (teacher, &t, "member-joined", WAIT);
  g_assert_cmpstr (pt_node_str (member_joined, "user_id"), ==, f->learner_id);
  report_first_frames (relay ? "Chromium offers, relay only" : "Chromium offers", pt_node_int (result, "first_frame_ms"),
                       pt_node_int (summary, "first_frame_ms") -
                       (pt_node_int (member_joined, "elapsed_ms") - pt_node_int (joined, "elapsed_ms")));
  learner_clear (&learner);
}

static void
test_browser_offers (void)
{
  browser_offers (FALSE);
}

static void
test_browser_offers_relay (void)
{
  browser_offers (TRUE);
}

/* Chromium is in the room first: parla-peer joins second and offers,
 * Chromium answers. parla-peer hangs up after 3 s of media; the page
 * reports when its bye comes. */
static void
test_browser_answers (void)
{
  g_autoptr(Page) page = NULL;
  g_autoptr(PeerFixture) f = NULL;
  g_autoptr(PeerRun) teacher = NULL;
  g_autoptr(Browser) browser = NULL;
  g_autofree char *url = NULL;
  Learner learner = { 0 };
  JsonNode *result;
  JsonNode *summary;

  if (chromium_missing ())
    return;

  page = page_new ();
  f = peer_fixture_new (configure_origin, page);
  learner_join (f, &learner);

  /* The page waits for the bye (its own hang-up would come later than
   * its timeout). */
  url = page_url (page, f, &learner, "answer", PAGE_TIMEOUT + 60, FALSE);
  browser = browser_start (url);
  browser_wait (browser, &browser->ready, "PARLA-READY", WAIT);
  g_assert_cmpint (json_array_get_length (json_node_get_array (pt_json_get (browser->ready, "members"))), ==, 0);

  teacher = peer_run_start (f, f->teacher_email, short_call);

  summary = peer_run_wait_summary (teacher, WAIT);
  assert_peer_summary (summary, FALSE);
  g_assert_cmpint (peer_run_wait_exit (teacher, WAIT), ==, 0);

  result = browser_wait (browser, &browser->result, "PARLA-RESULT", WAIT);
  assert_browser_result (result, f->teacher_id, "answer", "host");
  g_assert_true (peer_bool (result, "bye_received"));
  g_assert_false (peer_bool (result, "bye_sent"));
  g_assert_true (has_string (result, "inbound_codecs", "video/VP8"));

  /* Chromium in the room first counts from the offer's arrival. */
  report_first_frames ("parla-peer offers", pt_node_int (result, "first_frame_after_offer_ms"),
                       pt_node_int (summary, "first_frame_ms"));
  learner_clear (&learner);
}

/* Without `[realtime] allowed_origins`, the server refuses the page's
 * WebSocket (another origin than its own), whatever the token: the page
 * says so instead of calling. */
static void
test_origin_refused (void)
{
  g_autoptr(Page) page = NULL;
  g_autoptr(PeerFixture) f = NULL;
  g_autoptr(Browser) browser = NULL;
  g_autofree char *url = NULL;
  Learner learner = { 0 };
  JsonNode *result;

  if (chromium_missing ())
    return;

  page = page_new ();
  f = peer_fixture_new (NULL, NULL);
  learner_join (f, &learner);

  url = page_url (page, f, &learner, "answer", 3, FALSE);
  browser = browser_start (url);
  result = browser_wait (browser, &browser->result, "PARLA-RESULT", WAIT);
  g_assert_null (browser->ready);
  g_assert_true (g_str_has_prefix (pt_node_str (result, "error"), "WebSocket"));

  learner_clear (&learner);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/interop/chromium/offers", test_browser_offers);
  g_test_add_func ("/interop/chromium/answers", test_browser_answers);
  g_test_add_func ("/interop/chromium/offers/relay-only", test_browser_offers_relay);
  g_test_add_func ("/interop/chromium/origin-refused", test_origin_refused);

  return g_test_run ();
}
