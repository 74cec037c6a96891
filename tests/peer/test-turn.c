/* test-turn.c: the repository's coturn configuration with the credentials
 * parla-server hands out, checked with a small TURN client of our own:
 * the server's credentials allocate a relay, expired or foreign ones do
 * not, and the relay refuses peers in private ranges
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "peer-test-utils.h"

#define SECRET        "parla-turn-test-secret"
#define MAGIC         0x2112A442u

#define ALLOCATE             0x0003
#define CREATE_PERMISSION    0x0008
#define SUCCESS              0x0100
#define FAILURE              0x0110

#define ATTR_USERNAME             0x0006
#define ATTR_MESSAGE_INTEGRITY    0x0008
#define ATTR_ERROR_CODE           0x0009
#define ATTR_XOR_PEER_ADDRESS     0x0012
#define ATTR_REALM                0x0014
#define ATTR_NONCE                0x0015
#define ATTR_REQUESTED_TRANSPORT  0x0019

typedef struct
{
  int     fd;
  char   *username;
  char   *password;
  char   *realm;
  char   *nonce;
} Turn;

/* One STUN message being built. */
typedef struct
{
  guint8 data[1024];
  gsize  length;
} Message;

static void
message_init (Message *m,
              guint16  type)
{
  memset (m, 0, sizeof *m);
  m->data[0] = type >> 8;
  m->data[1] = type & 0xff;
  m->data[4] = MAGIC >> 24;
  m->data[5] = (MAGIC >> 16) & 0xff;
  m->data[6] = (MAGIC >> 8) & 0xff;
  m->data[7] = MAGIC & 0xff;
  for (guint i = 8; i < 20; i++)
    m->data[i] = (guint8) g_random_int_range (0, 256);
  m->length = 20;
}

static void
set_length (Message *m,
            gsize    body)
{
  m->data[2] = body >> 8;
  m->data[3] = body & 0xff;
}

static void
add_attribute (Message      *m,
               guint16       type,
               const void   *value,
               gsize         size)
{
  g_assert_cmpuint (m->length + 4 + size + 3, <, sizeof m->data);
  m->data[m->length++] = type >> 8;
  m->data[m->length++] = type & 0xff;
  m->data[m->length++] = size >> 8;
  m->data[m->length++] = size & 0xff;
  memcpy (m->data + m->length, value, size);
  m->length += (size + 3) & ~(gsize) 3;
  set_length (m, m->length - 20);
}

static void
add_string (Message    *m,
            guint16     type,
            const char *value)
{
  add_attribute (m, type, value, strlen (value));
}

/* Long-term credentials (RFC 8489 9.2): HMAC-SHA1 keyed with
 * MD5(username:realm:password) over the message up to the attribute,
 * with the header's length already counting it. */
static void
add_integrity (Message *m,
               Turn    *turn)
{
  g_autofree char *key_text = g_strdup_printf ("%s:%s:%s", turn->username, turn->realm, turn->password);
  g_autoptr(GChecksum) md5 = g_checksum_new (G_CHECKSUM_MD5);
  g_autoptr(GHmac) hmac = NULL;
  guint8 key[16], digest[20];
  gsize key_size = sizeof key, digest_size = sizeof digest;

  g_checksum_update (md5, (const guchar *) key_text, -1);
  g_checksum_get_digest (md5, key, &key_size);

  set_length (m, m->length - 20 + 24);
  hmac = g_hmac_new (G_CHECKSUM_SHA1, key, key_size);
  g_hmac_update (hmac, m->data, m->length);
  g_hmac_get_digest (hmac, digest, &digest_size);
  add_attribute (m, ATTR_MESSAGE_INTEGRITY, digest, digest_size);
}

typedef struct
{
  guint16 type;
  int     error;      /* 0 or the error code */
  char   *realm;
  char   *nonce;
} Reply;

static void
reply_clear (Reply *reply)
{
  g_clear_pointer (&reply->realm, g_free);
  g_clear_pointer (&reply->nonce, g_free);
}

/* Sends @m to @coturn and reads the reply to it (retransmitting twice). */
static void
transact (Turn     *turn,
          PtCoturn *coturn,
          Message  *m,
          Reply    *reply)
{
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons (coturn->port) };
  guint8 in[1500];
  ssize_t n = -1;

  g_assert_cmpint (inet_pton (AF_INET, coturn->ip, &addr.sin_addr), ==, 1);
  memset (reply, 0, sizeof *reply);

  for (guint attempt = 0; attempt < 3 && n < 0; attempt++)
    {
      struct pollfd pfd = { .fd = turn->fd, .events = POLLIN };

      g_assert_cmpint (sendto (turn->fd, m->data, m->length, 0, (struct sockaddr *) &addr, sizeof addr), ==, m->length);
      while (poll (&pfd, 1, 1000) == 1)
        {
          n = recv (turn->fd, in, sizeof in, 0);
          if (n >= 20 && memcmp (in + 8, m->data + 8, 12) == 0)
            break;
          n = -1;
        }
    }
  g_assert_cmpint (n, >=, 20);

  reply->type = (in[0] << 8) | in[1];
  for (gsize at = 20; at + 4 <= (gsize) n; )
    {
      guint16 type = (in[at] << 8) | in[at + 1];
      guint16 size = (in[at + 2] << 8) | in[at + 3];
      const guint8 *value = in + at + 4;

      g_assert_cmpuint (at + 4 + size, <=, (gsize) n);
      if (type == ATTR_ERROR_CODE && size >= 4)
        reply->error = (value[2] & 7) * 100 + value[3];
      else if (type == ATTR_REALM)
        reply->realm = g_strndup ((const char *) value, size);
      else if (type == ATTR_NONCE)
        reply->nonce = g_strndup ((const char *) value, size);
      at += 4 + ((size + 3) & ~3u);
    }
}

/* Allocates a UDP relay; returns the error code, 0 for success. */
static int
allocate (Turn     *turn,
          PtCoturn *coturn)
{
  const guint8 udp[4] = { 17, 0, 0, 0 };
  Message m;
  Reply reply;
  int error;

  /* The first request carries no credentials: the server says the realm
   * and a nonce. */
  message_init (&m, ALLOCATE);
  add_attribute (&m, ATTR_REQUESTED_TRANSPORT, udp, sizeof udp);
  transact (turn, coturn, &m, &reply);
  g_assert_cmpuint (reply.type, ==, ALLOCATE | FAILURE);
  g_assert_cmpint (reply.error, ==, 401);
  g_assert_cmpstr (reply.realm, ==, "turn.parla.test");
  g_assert_nonnull (reply.nonce);
  turn->realm = g_steal_pointer (&reply.realm);
  turn->nonce = g_steal_pointer (&reply.nonce);
  reply_clear (&reply);

  message_init (&m, ALLOCATE);
  add_attribute (&m, ATTR_REQUESTED_TRANSPORT, udp, sizeof udp);
  add_string (&m, ATTR_USERNAME, turn->username);
  add_string (&m, ATTR_REALM, turn->realm);
  add_string (&m, ATTR_NONCE, turn->nonce);
  add_integrity (&m, turn);
  transact (turn, coturn, &m, &reply);

  error = reply.error;
  g_assert_cmpuint (reply.type, ==, ALLOCATE | (error == 0 ? SUCCESS : FAILURE));
  reply_clear (&reply);

  return error;
}

/* Asks the relay to let @peer_ip send to us; returns the error code. */
static int
create_permission (Turn       *turn,
                   PtCoturn   *coturn,
                   const char *peer_ip)
{
  guint8 address[8] = { 0, 0x01, 0, 0 };
  struct in_addr in;
  guint32 xored;
  Message m;
  Reply reply;
  int error;

  g_assert_cmpint (inet_pton (AF_INET, peer_ip, &in), ==, 1);
  address[2] = ((40000 ^ (MAGIC >> 16)) >> 8) & 0xff;
  address[3] = (40000 ^ (MAGIC >> 16)) & 0xff;
  xored = ntohl (in.s_addr) ^ MAGIC;
  address[4] = xored >> 24;
  address[5] = (xored >> 16) & 0xff;
  address[6] = (xored >> 8) & 0xff;
  address[7] = xored & 0xff;

  message_init (&m, CREATE_PERMISSION);
  add_attribute (&m, ATTR_XOR_PEER_ADDRESS, address, sizeof address);
  add_string (&m, ATTR_USERNAME, turn->username);
  add_string (&m, ATTR_REALM, turn->realm);
  add_string (&m, ATTR_NONCE, turn->nonce);
  add_integrity (&m, turn);
  transact (turn, coturn, &m, &reply);

  error = reply.error;
  g_assert_cmpuint (reply.type, ==, CREATE_PERMISSION | (error == 0 ? SUCCESS : FAILURE));
  reply_clear (&reply);

  return error;
}

static void
turn_free (Turn *turn)
{
  close (turn->fd);
  g_free (turn->username);
  g_free (turn->password);
  g_free (turn->realm);
  g_free (turn->nonce);
  g_free (turn);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Turn, turn_free)

/* The TURN credentials parla-server gives the learner joining the call. */
static Turn *
join_for_turn (PeerFixture *f)
{
  g_autofree char *path = g_strdup_printf ("/api/v1/sessions/%s/join", f->session_id);
  g_autoptr(PtResponse) response = pt_request (f->server, "POST", path, f->learner, NULL, NULL);
  Turn *turn = g_new0 (Turn, 1);

  pt_assert_status (response, 200);
  turn->username = g_strdup (pt_str (response, "ice_servers[0].username"));
  turn->password = g_strdup (pt_str (response, "ice_servers[0].credential"));
  g_assert_nonnull (turn->username);
  g_assert_nonnull (turn->password);
  turn->fd = socket (AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
  g_assert_cmpint (turn->fd, >=, 0);

  return turn;
}

typedef struct
{
  PtCoturn   *coturn;
  const char *secret;
} Setup;

static void
configure (ParlaServerConfig *config,
           gpointer           user_data)
{
  Setup *setup = user_data;
  const char *turn[] = { setup->coturn->url, NULL };

  g_strfreev (config->stun_urls);
  g_strfreev (config->turn_urls);
  g_free (config->turn_secret);
  config->stun_urls = NULL;
  config->turn_urls = g_strdupv ((char **) turn);
  config->turn_secret = g_strdup (setup->secret);
  config->turn_ttl_seconds = 3600;
}

static void
test_allocate (void)
{
  g_autoptr(PtCoturn) coturn = pt_coturn_start (NULL, SECRET);
  Setup setup = { coturn, SECRET };
  g_autoptr(PeerFixture) f = peer_fixture_new (configure, &setup);
  g_autoptr(Turn) turn = join_for_turn (f);

  g_assert_cmpint (allocate (turn, coturn), ==, 0);

  /* Loopback peers: allowed by the test configuration only (the calls in
   * these tests run on loopback), everything private is refused. */
  g_assert_cmpint (create_permission (turn, coturn, "127.0.0.1"), ==, 0);
  g_assert_cmpint (create_permission (turn, coturn, "10.1.2.3"), ==, 403);
  g_assert_cmpint (create_permission (turn, coturn, "192.168.1.20"), ==, 403);
  g_assert_cmpint (create_permission (turn, coturn, "172.16.5.5"), ==, 403);
  g_assert_cmpint (create_permission (turn, coturn, "169.254.1.1"), ==, 403);
  g_assert_cmpint (create_permission (turn, coturn, "100.64.0.1"), ==, 403);
  g_assert_cmpint (create_permission (turn, coturn, "0.0.0.1"), ==, 403);
  g_assert_cmpint (create_permission (turn, coturn, "224.0.0.1"), ==, 403);
}

static void
test_expired (void)
{
  g_autoptr(PtCoturn) coturn = pt_coturn_start (NULL, SECRET);
  Setup setup = { coturn, SECRET };
  g_autoptr(PeerFixture) f = NULL;
  g_autoptr(Turn) turn = NULL;

  /* Credentials for an hour, from a server clock two hours behind. */
  f = peer_fixture_new_at (configure, &setup, g_get_real_time () / G_USEC_PER_SEC - 2 * 3600);
  turn = join_for_turn (f);

  g_assert_cmpint (allocate (turn, coturn), ==, 401);
}

static void
test_foreign_secret (void)
{
  g_autoptr(PtCoturn) coturn = pt_coturn_start (NULL, SECRET);
  Setup setup = { coturn, "not-the-turn-servers-secret" };
  g_autoptr(PeerFixture) f = peer_fixture_new (configure, &setup);
  g_autoptr(Turn) turn = join_for_turn (f);

  g_assert_cmpint (allocate (turn, coturn), ==, 401);
}

/* During a rotation coturn accepts both secrets (docs/turn.md): servers
 * signing with either allocate. */
static void
test_rotation (void)
{
  g_autoptr(PtCoturn) coturn = pt_coturn_start (NULL, "parla-old-secret,parla-new-secret");
  const char *secrets[] = { "parla-old-secret", "parla-new-secret" };

  for (guint i = 0; i < G_N_ELEMENTS (secrets); i++)
    {
      Setup setup = { coturn, secrets[i] };
      g_autoptr(PeerFixture) f = peer_fixture_new (configure, &setup);
      g_autoptr(Turn) turn = join_for_turn (f);

      g_assert_cmpint (allocate (turn, coturn), ==, 0);
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/turn/allocate", test_allocate);
  g_test_add_func ("/turn/expired", test_expired);
  g_test_add_func ("/turn/foreign-secret", test_foreign_secret);
  g_test_add_func ("/turn/rotation", test_rotation);

  return g_test_run ();
}
