/* net-test-utils.c: calls between parla-peer processes in network
 * namespaces, with the path cut, lossy or delayed
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "net-test-utils.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <unistd.h>
#include <sys/types.h>

#include <glib/gstdio.h>
#include <glib-unix.h>

#define DAY          (24 * 3600)
#define TURN_SECRET  "parla-net-test-secret"
#define NFT_TABLE    "parla"

static guint next_net;

/* Commands */

/* Runs @argv and returns its standard output, or NULL with its standard
 * error in @error. */
static char *
run_argv (const char * const  *argv,
          GError             **error)
{
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status;

  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL,
                     &out, &err, &status, error))
    return NULL;

  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_autofree char *line = g_strjoinv (" ", (char **) argv);

      g_set_error (error, G_SPAWN_ERROR, G_SPAWN_ERROR_FAILED, "%s: %s", line,
                   g_strstrip (err));
      return NULL;
    }

  return g_steal_pointer (&out);
}

/* Runs a command given as NULL-terminated arguments; fails the test when
 * it fails. */
static char *
run (const char *first,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  const char *arg;
  va_list args;
  char *out;

  va_start (args, first);
  for (arg = first; arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  out = run_argv ((const char * const *) argv->pdata, &error);
  if (out == NULL)
    g_error ("%s", error->message);

  return out;
}

/* Leftovers */

static gboolean
process_alive (guint64 pid)
{
  return kill ((pid_t) pid, 0) == 0 || errno == EPERM;
}

/* The pid in a name made by this file: parla-PID-... or plPIDn...;
 * 0 when it is not one of ours. */
static guint64
owner_of (const char *name)
{
  const char *digits;
  char *end = NULL;
  guint64 pid;

  if (g_str_has_prefix (name, "parla-"))
    digits = name + strlen ("parla-");
  else if (g_str_has_prefix (name, "pl") && g_ascii_isdigit (name[2]))
    digits = name + 2;
  else
    return 0;

  pid = g_ascii_strtoull (digits, &end, 10);
  if (end == digits || (*end != '-' && *end != 'n'))
    return 0;

  return pid;
}

static gboolean
is_doomed (guint64 owner,
           guint64 pid)
{
  if (owner == 0)
    return FALSE;

  return pid != 0 ? owner == pid : !process_alive (owner);
}

/* Removes the namespaces and bridges of @pid, or of every dead run when
 * @pid is 0. Quietly: this also runs in the janitor. */
static void
clean_up (guint64 pid)
{
  const char *list_ns[] = { "ip", "-j", "netns", "list", NULL };
  const char *list_links[] = { "ip", "-j", "link", "show", NULL };
  g_autofree char *namespaces = run_argv (list_ns, NULL);
  g_autofree char *links = run_argv (list_links, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  JsonArray *array;

  /* Namespaces first: that takes their veth pairs with them. */
  if (namespaces != NULL && *namespaces != '\0' &&
      json_parser_load_from_data (parser, namespaces, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      array = json_node_get_array (json_parser_get_root (parser));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *ns = json_array_get_object_element (array, i);
          const char *name = ns ? json_object_get_string_member_with_default (ns, "name", "") : "";

          if (is_doomed (owner_of (name), pid))
            {
              const char *del[] = { "ip", "netns", "del", name, NULL };

              g_free (run_argv (del, NULL));
            }
        }
    }

  if (links != NULL && json_parser_load_from_data (parser, links, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    {
      array = json_node_get_array (json_parser_get_root (parser));
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *link = json_array_get_object_element (array, i);
          const char *name = link ? json_object_get_string_member_with_default (link, "ifname", "") : "";

          if (is_doomed (owner_of (name), pid))
            {
              const char *del[] = { "ip", "link", "del", name, NULL };

              g_free (run_argv (del, NULL));
            }
        }
    }
}

/* A child in a session of its own (meson's timeout kills the test's
 * process group) that waits for the end of a pipe only we hold, then
 * removes what we created. */
static void
start_janitor (void)
{
  g_autoptr(GError) error = NULL;
  guint64 parent = getpid ();
  int fds[2];
  pid_t child;

  if (!g_unix_open_pipe (fds, FD_CLOEXEC, &error))
    g_error ("%s", error->message);

  child = fork ();
  if (child < 0)
    g_error ("fork: %s", g_strerror (errno));

  if (child == 0)
    {
      char byte;
      int null = open ("/dev/null", O_RDWR | O_CLOEXEC);

      setsid ();
      close (fds[1]);
      dup2 (null, STDIN_FILENO);
      dup2 (null, STDOUT_FILENO);
      dup2 (null, STDERR_FILENO);
      while (read (fds[0], &byte, 1) < 0 && errno == EINTR)
        ;
      clean_up (parent);
      _exit (0);
    }

  close (fds[0]);
  /* fds[1] stays open, close-on-exec, until we are gone */
}

static char *
missing_capability (void)
{
  if (geteuid () != 0)
    return g_strdup ("not root: network namespaces need CAP_NET_ADMIN");

  for (guint i = 0; i < 2; i++)
    {
      const char *tool = i == 0 ? "ip" : "nft";
      g_autofree char *path = g_find_program_in_path (tool);
      const char *sbin[] = { "/usr/sbin/ip", "/usr/sbin/nft" };

      if (path == NULL && !g_file_test (sbin[i], G_FILE_TEST_IS_EXECUTABLE))
        return g_strdup_printf ("no `%s` (Debian: %s)", tool, i == 0 ? "iproute2" : "nftables");
    }

  return NULL;
}

gboolean
nt_init (void)
{
  g_autofree char *missing = missing_capability ();
  g_autofree char *path = NULL;

  if (missing != NULL)
    {
      if (g_getenv ("PARLA_REQUIRE_ALL_TESTS") != NULL)
        g_error ("PARLA_REQUIRE_ALL_TESTS is set, and %s", missing);

      g_print ("1..0 # SKIP %s\n", missing);
      return FALSE;
    }

  /* /usr/sbin is not in every PATH (sudo -E, some CI runners). */
  path = g_strconcat (g_getenv ("PATH") ? g_getenv ("PATH") : "/usr/bin:/bin", ":/usr/sbin:/sbin", NULL);
  g_setenv ("PATH", path, TRUE);

  clean_up (0);
  start_janitor ();

  return TRUE;
}

/* Networks */

/* Whether 10.@a.@b.0/24 overlaps a route or an address on this machine. */
static gboolean
subnet_in_use (guint a,
               guint b)
{
  g_autofree char *routes = run ("ip", "-j", "-4", "route", "show", "table", "all", NULL);
  g_autofree char *ours = g_strdup_printf ("10.%u.%u.0", a, b);
  g_autoptr(GInetAddress) address = g_inet_address_new_from_string (ours);
  g_autoptr(GInetAddressMask) mask = g_inet_address_mask_new (address, 24, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *array;

  if (!json_parser_load_from_data (parser, routes, -1, &error))
    g_error ("ip route: %s", error->message);
  array = json_node_get_array (json_parser_get_root (parser));

  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonObject *route = json_array_get_object_element (array, i);
      const char *dst = json_object_get_string_member_with_default (route, "dst", "default");
      g_autoptr(GInetAddressMask) other = NULL;

      if (g_str_equal (dst, "default"))
        continue;
      if (strchr (dst, '/') == NULL)
        {
          g_autofree char *host = g_strconcat (dst, "/32", NULL);

          other = g_inet_address_mask_new_from_string (host, NULL);
        }
      else
        other = g_inet_address_mask_new_from_string (dst, NULL);
      if (other == NULL)
        continue;

      if (g_inet_address_mask_matches (other, g_inet_address_mask_get_address (mask)) ||
          g_inet_address_mask_matches (mask, g_inet_address_mask_get_address (other)))
        return TRUE;
    }

  return FALSE;
}

static void
add_side (NtNet      *net,
          const char *ns,
          const char *veth,
          const char *ip)
{
  g_autofree char *cidr = g_strconcat (ip, "/24", NULL);

  g_free (run ("ip", "netns", "add", ns, NULL));
  g_free (run ("ip", "link", "add", veth, "type", "veth", "peer", "name", "eth0", "netns", ns, NULL));
  g_free (run ("ip", "link", "set", veth, "master", net->bridge, NULL));
  g_free (run ("ip", "link", "set", veth, "up", NULL));
  g_free (run ("ip", "-n", ns, "addr", "add", cidr, "dev", "eth0", NULL));
  g_free (run ("ip", "-n", ns, "link", "set", "eth0", "up", NULL));
  g_free (run ("ip", "-n", ns, "link", "set", "lo", "up", NULL));
}

NtNet *
nt_net_new (void)
{
  NtNet *net = g_new0 (NtNet, 1);
  guint pid = getpid ();
  guint n = next_net++;
  g_autofree char *veth_a = g_strdup_printf ("pl%un%ua", pid, n);
  g_autofree char *veth_b = g_strdup_printf ("pl%un%ub", pid, n);
  g_autofree char *cidr = NULL;
  guint a = 0;
  guint b = 0;
  guint attempt;

  net->ns_a = g_strdup_printf ("parla-%u-%u-a", pid, n);
  net->ns_b = g_strdup_printf ("parla-%u-%u-b", pid, n);
  net->bridge = g_strdup_printf ("pl%un%ubr", pid, n);

  /* A /24 from our pid, so that concurrent runs differ, away from what
   * this machine routes already. */
  for (attempt = 0; attempt < 64; attempt++)
    {
      guint x = pid * 8 + n + attempt * 7919;

      a = 128 + (x / 256) % 120;
      b = x % 256;
      if (!subnet_in_use (a, b))
        break;
    }
  g_assert_cmpuint (attempt, <, 64);

  net->root_ip = g_strdup_printf ("10.%u.%u.1", a, b);
  net->ip_a = g_strdup_printf ("10.%u.%u.2", a, b);
  net->ip_b = g_strdup_printf ("10.%u.%u.3", a, b);
  cidr = g_strconcat (net->root_ip, "/24", NULL);

  g_free (run ("ip", "link", "add", net->bridge, "type", "bridge", NULL));
  g_free (run ("ip", "addr", "add", cidr, "dev", net->bridge, NULL));
  g_free (run ("ip", "link", "set", net->bridge, "up", NULL));
  add_side (net, net->ns_a, veth_a, net->ip_a);
  add_side (net, net->ns_b, veth_b, net->ip_b);

  g_test_message ("network: bridge %s %s, %s %s, %s %s", net->bridge, net->root_ip,
                  net->ns_a, net->ip_a, net->ns_b, net->ip_b);

  return net;
}

void
nt_net_free (NtNet *net)
{
  const char *del_a[] = { "ip", "netns", "del", NULL, NULL };
  const char *del_br[] = { "ip", "link", "del", NULL, NULL };

  if (net == NULL)
    return;

  del_a[3] = net->ns_a;
  g_free (run_argv (del_a, NULL));
  del_a[3] = net->ns_b;
  g_free (run_argv (del_a, NULL));
  del_br[3] = net->bridge;
  g_free (run_argv (del_br, NULL));

  g_free (net->ns_a);
  g_free (net->ns_b);
  g_free (net->bridge);
  g_free (net->root_ip);
  g_free (net->ip_a);
  g_free (net->ip_b);
  g_free (net);
}

/* Replaces our table in @ns by one whose input chain has @rules (NULL:
 * no table), in one transaction. */
static void
set_rules (const char *ns,
           const char *rules)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *script = NULL;
  int fd;

  if (rules != NULL)
    script = g_strdup_printf ("table inet " NFT_TABLE "\n"
                              "delete table inet " NFT_TABLE "\n"
                              "table inet " NFT_TABLE " {\n"
                              "  chain input {\n"
                              "    type filter hook input priority 0; policy accept;\n"
                              "%s"
                              "  }\n"
                              "}\n", rules);
  else
    script = g_strdup ("table inet " NFT_TABLE "\n"
                       "delete table inet " NFT_TABLE "\n");

  fd = g_file_open_tmp ("parla-nft-XXXXXX", &path, &error);
  g_assert_no_error (error);
  close (fd);
  g_file_set_contents (path, script, -1, &error);
  g_assert_no_error (error);

  g_free (run ("ip", "netns", "exec", ns, "nft", "-f", path, NULL));
  g_unlink (path);
}

void
nt_net_cut (NtNet *net)
{
  g_autofree char *rules_a = g_strdup_printf ("    ip saddr %s counter drop\n"
                                              "    meta nfproto ipv6 counter drop\n", net->ip_b);
  g_autofree char *rules_b = g_strdup_printf ("    ip saddr %s counter drop\n"
                                              "    meta nfproto ipv6 counter drop\n", net->ip_a);

  set_rules (net->ns_a, rules_a);
  set_rules (net->ns_b, rules_b);
  g_test_message ("path between %s and %s cut", net->ip_a, net->ip_b);
}

void
nt_net_set_loss (NtNet *net,
                 guint  percent)
{
  g_autofree char *rules = NULL;

  g_assert_cmpuint (percent, <=, 100);
  rules = g_strdup_printf ("    meta l4proto udp numgen random mod 100 < %u counter drop\n", percent);
  set_rules (net->ns_a, rules);
  set_rules (net->ns_b, rules);
  g_test_message ("%u %% loss on UDP input", percent);
}

void
nt_net_restore (NtNet *net)
{
  set_rules (net->ns_a, NULL);
  set_rules (net->ns_b, NULL);
  g_test_message ("path restored");
}

/* Sums the rule counters of our table, in nft's JSON. */
guint64
nt_net_count_dropped (NtNet      *net,
                      const char *ns)
{
  g_autofree char *out = run ("ip", "netns", "exec", ns, "nft", "-j", "list", "table", "inet",
                              NFT_TABLE, NULL);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  JsonArray *items;
  guint64 dropped = 0;

  if (!json_parser_load_from_data (parser, out, -1, &error))
    g_error ("nft -j: %s", error->message);
  items = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                        "nftables");

  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonObject *item = json_array_get_object_element (items, i);
      JsonArray *expr;

      if (!json_object_has_member (item, "rule"))
        continue;
      expr = json_object_get_array_member (json_object_get_object_member (item, "rule"), "expr");
      for (guint j = 0; j < json_array_get_length (expr); j++)
        {
          JsonObject *e = json_array_get_object_element (expr, j);

          if (json_object_has_member (e, "counter"))
            dropped += json_object_get_int_member (json_object_get_object_member (e, "counter"),
                                                   "packets");
        }
    }

  return dropped;
}

/* Calls */

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  NtCall *call = user_data;

  g_free (config->listen_host);
  config->listen_host = g_strdup (call->net->root_ip);

  g_clear_pointer (&config->stun_urls, g_strfreev);
  g_clear_pointer (&config->turn_urls, g_strfreev);
  g_clear_pointer (&config->turn_secret, g_free);
  if (call->hop != NULL)
    {
      config->turn_urls = g_new0 (char *, 2);
      config->turn_urls[0] = g_strdup_printf ("turn:%s:%u?transport=udp", call->net->root_ip,
                                              udp_delay_get_port (call->hop));
      config->turn_secret = g_strdup (call->coturn->secret);
    }
}

static char *
create (NtCall     *call,
        const char *token,
        const char *path,
        const char *body)
{
  g_autoptr(PtResponse) response = pt_request (call->server, "POST", path, token, body, NULL);

  pt_assert_status (response, 201);
  return g_strdup (pt_str (response, "id"));
}

NtCall *
nt_call_new (NtNet    *net,
             gboolean  relay,
             guint     delay_ms)
{
  NtCall *call = g_new0 (NtCall, 1);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 start = now - now % 60 + DAY;
  g_autofree char *when = pt_instant (start);
  g_autofree char *body = NULL;
  g_autofree char *book = NULL;

  call->net = net;

  if (relay)
    {
      g_autoptr(GError) error = NULL;

      /* coturn on loopback: its test configuration denies relaying to
       * private addresses, so the relays must talk over 127.0.0.1. The
       * peers reach it only through the hop. */
      call->coturn = pt_coturn_start ("127.0.0.1", TURN_SECRET);
      call->hop = udp_delay_new (net->root_ip, "127.0.0.1", call->coturn->port, delay_ms, &error);
      g_assert_no_error (error);
    }

  call->server = pt_server_start (configure, call);
  /* Sessions are created ahead; joining opens ten minutes before the
   * start. The clock stays near the real one: TURN credentials expire by
   * it. */
  pt_server_set_now (call->server, now);

  call->teacher = pt_register (call->server, "teacher@example.org", "teacher", NULL);
  call->learner = pt_register (call->server, "learner@example.org", "student", NULL);

  body = pt_json ("{\"title\":\"Conversation\",\"type\":\"group\",\"language\":\"es\",\"level\":\"A1\","
                  "\"start\":\"%s\",\"duration_minutes\":60,\"capacity\":5,\"price_minor\":0}", when);
  call->session_id = create (call, call->teacher, "/api/v1/sessions", body);
  book = g_strdup_printf ("/api/v1/sessions/%s/book", call->session_id);
  g_free (create (call, call->learner, book, NULL));

  pt_server_set_now (call->server, start - 5 * 60);

  return call;
}

void
nt_call_free (NtCall *call)
{
  if (call == NULL)
    return;

  g_clear_pointer (&call->server, pt_server_stop);
  g_clear_pointer (&call->hop, udp_delay_free);
  g_clear_pointer (&call->coturn, pt_coturn_free);
  g_free (call->teacher);
  g_free (call->learner);
  g_free (call->session_id);
  g_free (call);
}

/* Peers */

NtPeer *
nt_peer_start (NtCall             *call,
               const char         *who,
               const char         *ns,
               const char * const *extra_args)
{
  NtPeer *peer = g_new0 (NtPeer, 1);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_auto(GStrv) argv = NULL;
  const char *exe = g_getenv ("PARLA_PEER_BIN");
  g_autofree char *command = NULL;

  g_assert_nonnull (exe);
  if (!g_file_test (exe, G_FILE_TEST_IS_EXECUTABLE))
    g_error ("PARLA_PEER_BIN: %s is not an executable", exe);
  g_assert_true (g_str_equal (who, "teacher") || g_str_equal (who, "learner"));

  g_strv_builder_add_many (builder, "ip", "netns", "exec", ns, exe,
                           "--server", call->server->base_url,
                           "--token", g_str_equal (who, "teacher") ? call->teacher : call->learner,
                           "--join", call->session_id,
                           NULL);
  for (guint i = 0; extra_args != NULL && extra_args[i] != NULL; i++)
    g_strv_builder_add (builder, extra_args[i]);
  argv = g_strv_builder_end (builder);

  command = g_strjoinv (" ", argv);
  g_test_message ("%s: %s", who, command);

  peer->who = g_strdup (who);
  peer->run = peer_run_start_argv ((const char * const *) argv);
  g_free (peer->run->name);
  peer->run->name = g_strdup (who);

  return peer;
}

int
nt_peer_wait_exit (NtPeer *peer,
                   guint   timeout_ms)
{
  int status = peer_run_wait_exit (peer->run, timeout_ms);

  PT_WAIT_UNTIL (peer->run->eof, timeout_ms);
  g_assert_nonnull (peer->run->summary);

  return status;
}

static void
on_exit_waited_cb (GObject      *source,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  gboolean *done = user_data;

  g_subprocess_wait_finish (G_SUBPROCESS (source), result, NULL);
  *done = TRUE;
}

void
nt_peer_free (NtPeer *peer)
{
  GSubprocess *process;

  if (peer == NULL)
    return;

  /* A polite end first (the peer says goodbye), then peer_run_free(). */
  process = peer->run->process;
  if (!peer->run->exited && g_subprocess_get_identifier (process) != NULL)
    {
      gboolean done = FALSE;
      gint64 deadline = g_get_monotonic_time () + 5 * G_USEC_PER_SEC;

      g_subprocess_send_signal (process, SIGTERM);
      g_subprocess_wait_async (process, NULL, on_exit_waited_cb, &done);
      while (!done && g_get_monotonic_time () < deadline)
        pt_iterate ();
      peer->run->exited = done;
    }

  peer_run_free (peer->run);
  g_free (peer->who);
  g_free (peer);
}

JsonObject *
nt_peer_stats_at (NtPeer *peer,
                  guint   index)
{
  g_assert_cmpuint (index, <, peer->run->stats->len);

  return json_node_get_object (g_ptr_array_index (peer->run->stats, index));
}

JsonObject *
nt_peer_last_stats (NtPeer *peer)
{
  if (peer->run->stats->len == 0)
    return NULL;

  return nt_peer_stats_at (peer, peer->run->stats->len - 1);
}

JsonObject *
nt_stats_link (JsonObject *stats)
{
  JsonArray *peers;

  if (stats == NULL || !json_object_has_member (stats, "peers"))
    return NULL;

  peers = json_object_get_array_member (stats, "peers");
  if (json_array_get_length (peers) == 0)
    return NULL;

  return json_array_get_object_element (peers, 0);
}

const char *
nt_peer_state (NtPeer *peer)
{
  JsonObject *stats = nt_peer_last_stats (peer);

  if (stats == NULL)
    return "";

  return json_object_get_string_member_with_default (stats, "state", "");
}

gint64
nt_peer_int (NtPeer     *peer,
             const char *member)
{
  JsonObject *stats = nt_peer_last_stats (peer);

  if (stats == NULL)
    return 0;

  return json_object_get_int_member_with_default (stats, member, 0);
}

gboolean
nt_peer_saw_event (NtPeer     *peer,
                   const char *event)
{
  for (guint i = 0; i < peer->run->events->len; i++)
    {
      JsonObject *object = json_node_get_object (g_ptr_array_index (peer->run->events, i));

      if (g_strcmp0 (json_object_get_string_member_with_default (object, "event", ""), event) == 0)
        return TRUE;
    }

  return FALSE;
}
