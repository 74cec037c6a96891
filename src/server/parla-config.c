/* parla-config.c: configuration from a file, the environment and flags
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Precedence, lowest first: built-in defaults, the config file
 * (--config or PARLA_CONFIG), PARLA_* environment variables, then
 * command-line flags.
 */

#include "config.h"

#include <string.h>

#include "parla-server.h"

gboolean
parla_server_config_set_listen (ParlaServerConfig  *config,
                                const char         *listen,
                                GError            **error)
{
  const char *colon;
  g_autofree char *host = NULL;
  guint64 port;

  if (listen == NULL)
    goto invalid;

  if (listen[0] == '[')
    {
      const char *end = strchr (listen, ']');
      if (end == NULL || end[1] != ':')
        goto invalid;
      host = g_strndup (listen + 1, end - listen - 1);
      colon = end + 1;
    }
  else
    {
      colon = strrchr (listen, ':');
      if (colon == NULL)
        goto invalid;
      host = g_strndup (listen, colon - listen);
    }

  if (!g_hostname_is_ip_address (host) ||
      !g_ascii_string_to_unsigned (colon + 1, 10, 0, 65535, &port, NULL))
    goto invalid;

  g_free (config->listen_host);
  config->listen_host = g_steal_pointer (&host);
  config->port = port;
  return TRUE;

invalid:
  g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
               "--listen takes ADDRESS:PORT, e.g. 127.0.0.1:8080 or [::1]:0");
  return FALSE;
}

typedef struct
{
  const char *group;
  const char *key;
  const char *env;
  enum { KIND_STRING, KIND_INT, KIND_LISTEN, KIND_STUN_URLS, KIND_TURN_URLS } kind;
  gsize offset;        /* into ParlaServerConfig, or into ParlaPolicy when policy */
  gboolean policy;
  gint64 min;
  gint64 max;
  gint64 scale;        /* the stored value is the given one times this */
} Setting;

#define CFG(f) G_STRUCT_OFFSET (ParlaServerConfig, f)
#define POL(f) G_STRUCT_OFFSET (ParlaPolicy, f)

static const Setting settings[] = {
  { "server", "listen", "PARLA_LISTEN", KIND_LISTEN, 0, FALSE, 0, 0, 1 },
  { "server", "db", "PARLA_DB", KIND_STRING, CFG (db_url), FALSE, 0, 0, 1 },
  { "server", "max_body_bytes", "PARLA_MAX_BODY_BYTES", KIND_INT, CFG (max_body_bytes), FALSE, 1024, 64 * 1024 * 1024, 1 },
  { "server", "workers", "PARLA_WORKERS", KIND_INT, CFG (worker_threads), FALSE, 1, 64, 1 },
  { "auth", "token_idle_days", "PARLA_TOKEN_IDLE_DAYS", KIND_INT, CFG (token_idle_seconds), FALSE, 1, 365, 86400 },
  { "auth", "token_lifetime_days", "PARLA_TOKEN_LIFETIME_DAYS", KIND_INT, CFG (token_lifetime_seconds), FALSE, 1, 3650, 86400 },
  { "auth", "login_failures_per_hour", "PARLA_LOGIN_FAILURES_PER_HOUR", KIND_INT, CFG (login_failures_per_hour), FALSE, 1, 100000, 1 },
  { "auth", "login_burst_failures", "PARLA_LOGIN_BURST_FAILURES", KIND_INT, CFG (login_burst_failures), FALSE, 1, 100000, 1 },
  { "auth", "login_burst_seconds", "PARLA_LOGIN_BURST_SECONDS", KIND_INT, CFG (login_burst_seconds), FALSE, 1, 86400, 1 },
  { "realtime", "max_message_bytes", "PARLA_WS_MAX_MESSAGE_BYTES", KIND_INT, CFG (ws_max_message_bytes), FALSE, 1024, 16 * 1024 * 1024, 1 },
  { "realtime", "messages_per_second", "PARLA_WS_MESSAGES_PER_SECOND", KIND_INT, CFG (ws_messages_per_second), FALSE, 1, 10000, 1 },
  { "realtime", "message_burst", "PARLA_WS_MESSAGE_BURST", KIND_INT, CFG (ws_message_burst), FALSE, 1, 100000, 1 },
  { "realtime", "connections_per_user", "PARLA_WS_CONNECTIONS_PER_USER", KIND_INT, CFG (ws_max_connections_per_user), FALSE, 1, 1000, 1 },
  { "realtime", "ping_seconds", "PARLA_WS_PING_SECONDS", KIND_INT, CFG (ws_ping_interval_seconds), FALSE, 0, 3600, 1 },
  { "realtime", "idle_seconds", "PARLA_WS_IDLE_SECONDS", KIND_INT, CFG (ws_idle_timeout_seconds), FALSE, 1, 86400, 1 },
  { "realtime", "token_check_seconds", "PARLA_WS_TOKEN_CHECK_SECONDS", KIND_INT, CFG (ws_token_check_seconds), FALSE, 1, 3600, 1 },
  { "realtime", "session_scan_seconds", "PARLA_WS_SESSION_SCAN_SECONDS", KIND_INT, CFG (ws_session_scan_seconds), FALSE, 1, 3600, 1 },
  { "realtime", "allowed_origins", "PARLA_WS_ALLOWED_ORIGINS", KIND_STRING, CFG (ws_allowed_origins), FALSE, 0, 0, 1 },
  { "turn", "stun_urls", "PARLA_STUN_URLS", KIND_STUN_URLS, CFG (stun_urls), FALSE, 0, 0, 1 },
  { "turn", "turn_urls", "PARLA_TURN_URLS", KIND_TURN_URLS, CFG (turn_urls), FALSE, 0, 0, 1 },
  { "turn", "secret", "PARLA_TURN_SECRET", KIND_STRING, CFG (turn_secret), FALSE, 0, 0, 1 },
  { "turn", "ttl", "PARLA_TURN_TTL", KIND_INT, CFG (turn_ttl_seconds), FALSE, 300, 7 * 86400, 1 },
  { "stripe", "secret_key", "STRIPE_SECRET_KEY", KIND_STRING, CFG (stripe_secret_key), FALSE, 0, 0, 1 },
  { "stripe", "webhook_secret", "STRIPE_WEBHOOK_SECRET", KIND_STRING, CFG (stripe_webhook_secret), FALSE, 0, 0, 1 },
  { "stripe", "api_base", "STRIPE_API_BASE", KIND_STRING, CFG (stripe_api_base), FALSE, 0, 0, 1 },
  { "payments", "mode", "PARLA_PAYMENTS", KIND_STRING, CFG (payments_mode), FALSE, 0, 0, 1 },
  { "payments", "hold_minutes", "PARLA_PAYMENT_HOLD_MINUTES", KIND_INT, CFG (payment_hold_seconds), FALSE, 1, 24 * 60, 60 },
  { "payments", "scan_seconds", "PARLA_PAYMENT_SCAN_SECONDS", KIND_INT, CFG (payment_scan_seconds), FALSE, 1, 3600, 1 },
  { "payments", "payout_delay_hours", "PARLA_PAYOUT_DELAY_HOURS", KIND_INT, CFG (payout_delay_seconds), FALSE, 0, 24 * 60, 3600 },
  { "policy", "full_refund_hours", "PARLA_FULL_REFUND_HOURS", KIND_INT, POL (full_refund_hours), TRUE, 0, 720, 1 },
  { "policy", "partial_refund_hours", "PARLA_PARTIAL_REFUND_HOURS", KIND_INT, POL (partial_refund_hours), TRUE, 0, 720, 1 },
  { "policy", "partial_refund_percent", "PARLA_PARTIAL_REFUND_PERCENT", KIND_INT, POL (partial_refund_bp), TRUE, 0, 100, 100 },
  { "policy", "platform_fee_percent", "PARLA_PLATFORM_FEE_PERCENT", KIND_INT, POL (platform_fee_bp), TRUE, 0, 100, 100 },
  { "policy", "min_duration_minutes", "PARLA_MIN_DURATION_MINUTES", KIND_INT, POL (min_duration_minutes), TRUE, 1, 1440, 1 },
  { "policy", "max_duration_minutes", "PARLA_MAX_DURATION_MINUTES", KIND_INT, POL (max_duration_minutes), TRUE, 1, 1440, 1 },
  { "calls", "ring_timeout", "PARLA_RING_TIMEOUT", KIND_INT, CFG (ring_timeout_seconds), FALSE, 1, 600, 1 },
  { "calls", "missed_rings_limit", "PARLA_MISSED_RINGS_LIMIT", KIND_INT, CFG (missed_rings_limit), FALSE, 1, 100, 1 },
  { "calls", "billing_unit_seconds", "PARLA_BILLING_UNIT_SECONDS", KIND_INT, CFG (billing_unit_seconds), FALSE, 1, 60, 1 },
  { "calls", "balance_grace_seconds", "PARLA_BALANCE_GRACE_SECONDS", KIND_INT, CFG (balance_grace_seconds), FALSE, 0, 300, 1 },
  { "calls", "teacher_rate_minor", "PARLA_TEACHER_RATE_MINOR", KIND_INT, CFG (teacher_rate_minor), FALSE, 0, 1000000, 1 },
  { "calls", "currency", "PARLA_INSTANT_CURRENCY", KIND_STRING, CFG (instant_currency), FALSE, 0, 0, 1 },
  { "minutes", "grant_validity_days", "PARLA_GRANT_VALIDITY_DAYS", KIND_INT, CFG (grant_validity_days), FALSE, 1, 3650, 1 },
  { "minutes", "expiry_warning_days", "PARLA_EXPIRY_WARNING_DAYS", KIND_INT, CFG (expiry_warning_days), FALSE, 0, 365, 1 },
};

/* A DNS name, an IPv4 address, or an IPv6 address in brackets. */
static gboolean
valid_host (const char *host,
            gsize       length)
{
  g_autofree char *copy = g_strndup (host, length);

  if (length == 0)
    return FALSE;

  if (copy[0] == '[')
    {
      if (copy[length - 1] != ']')
        return FALSE;
      copy[length - 1] = '\0';
      return g_hostname_is_ip_address (copy + 1) && strchr (copy + 1, ':') != NULL;
    }

  if (length > 253)
    return FALSE;

  for (const char *label = copy; *label != '\0'; )
    {
      const char *end = strchr (label, '.');
      gsize len = end ? (gsize) (end - label) : strlen (label);

      if (len == 0 || len > 63 || label[0] == '-' || label[len - 1] == '-')
        return FALSE;
      for (gsize i = 0; i < len; i++)
        if (!g_ascii_isalnum (label[i]) && label[i] != '-')
          return FALSE;

      label += len;
      if (*label == '.')
        label++;
    }

  return TRUE;
}

/* RFC 7064 and 7065: "stun:host[:port]", "turn[s]:host[:port][?transport=udp|tcp]". */
static gboolean
valid_ice_url (const char *url,
               gboolean    turn)
{
  const char *rest, *query, *port;
  const char *host_end;
  guint64 number;

  if (!turn && g_str_has_prefix (url, "stun:"))
    rest = url + strlen ("stun:");
  else if (turn && g_str_has_prefix (url, "turn:"))
    rest = url + strlen ("turn:");
  else if (turn && g_str_has_prefix (url, "turns:"))
    rest = url + strlen ("turns:");
  else
    return FALSE;

  query = strchr (rest, '?');
  if (query != NULL)
    {
      if (!turn || (!g_str_equal (query, "?transport=udp") && !g_str_equal (query, "?transport=tcp")))
        return FALSE;
    }
  else
    query = rest + strlen (rest);

  if (rest[0] == '[')
    {
      host_end = memchr (rest, ']', query - rest);
      if (host_end == NULL)
        return FALSE;
      host_end++;
    }
  else
    {
      host_end = memchr (rest, ':', query - rest);
      if (host_end == NULL)
        host_end = query;
    }

  if (!valid_host (rest, host_end - rest))
    return FALSE;

  if (host_end == query)
    return TRUE;
  if (*host_end != ':')
    return FALSE;

  port = host_end + 1;
  if (port == query)
    return FALSE;
  for (const char *p = port; p < query; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  {
    g_autofree char *digits = g_strndup (port, query - port);

    return g_ascii_string_to_unsigned (digits, 10, 1, 65535, &number, NULL);
  }
}

/* A list separated by spaces, commas or semicolons (GKeyFile's list
 * separator); empty: none. */
static gboolean
parse_ice_urls (const char   *value,
                gboolean      turn,
                char       ***out,
                const char   *origin,
                GError      **error)
{
  g_auto(GStrv) parts = g_strsplit_set (value, " \t,;", -1);
  g_autoptr(GStrvBuilder) urls = g_strv_builder_new ();
  guint n = 0;

  for (guint i = 0; parts[i] != NULL; i++)
    {
      if (*parts[i] == '\0')
        continue;

      if (!valid_ice_url (parts[i], turn))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       turn ? "%s: “%s” is not a TURN URI such as turn:turn.example.org:3478?transport=udp "
                              "or turns:turn.example.org:5349"
                            : "%s: “%s” is not a STUN URI such as stun:stun.example.org:3478",
                       origin, parts[i]);
          return FALSE;
        }

      g_strv_builder_add (urls, parts[i]);
      n++;
    }

  g_strfreev (*out);
  *out = n > 0 ? g_strv_builder_end (urls) : NULL;
  return TRUE;
}

static gboolean
apply (ParlaServerConfig  *config,
       const Setting      *setting,
       const char         *value,
       const char         *origin,
       GError            **error)
{
  guint8 *base = setting->policy ? (guint8 *) config->policy : (guint8 *) config;
  gint64 number;

  switch (setting->kind)
    {
    case KIND_LISTEN:
      if (!parla_server_config_set_listen (config, value, NULL))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "%s: “%s” must be ADDRESS:PORT", origin, value);
          return FALSE;
        }
      return TRUE;

    case KIND_STRING:
      {
        char **field = (char **) (base + setting->offset);
        g_free (*field);
        *field = g_strdup (value);
        return TRUE;
      }

    case KIND_STUN_URLS:
    case KIND_TURN_URLS:
      return parse_ice_urls (value, setting->kind == KIND_TURN_URLS,
                             (char ***) (base + setting->offset), origin, error);

    case KIND_INT:
      if (!g_ascii_string_to_signed (value, 10, setting->min, setting->max, &number, NULL))
        {
          g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE,
                       "%s: “%s” must be a whole number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                       origin, value, setting->min, setting->max);
          return FALSE;
        }
      number *= setting->scale;
      if (setting->offset == CFG (max_body_bytes) && !setting->policy)
        *(gsize *) (base + setting->offset) = number;
      else if (setting->offset == CFG (worker_threads) && !setting->policy)
        *(guint *) (base + setting->offset) = number;
      else
        *(int *) (base + setting->offset) = number;
      return TRUE;

    default:
      g_assert_not_reached ();
    }
}

gboolean
parla_server_config_load_file (ParlaServerConfig  *config,
                               const char         *path,
                               GError            **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();

  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      g_autofree char *value = g_key_file_get_string (file, settings[i].group, settings[i].key, NULL);
      g_autofree char *origin = NULL;

      if (value == NULL)
        continue;

      origin = g_strdup_printf ("%s [%s] %s", path, settings[i].group, settings[i].key);
      if (!apply (config, &settings[i], g_strstrip (value), origin, error))
        return FALSE;
    }

  return TRUE;
}

gboolean
parla_server_config_load_env (ParlaServerConfig   *config,
                              const char * const  *envp,
                              GError             **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    {
      const char *value = g_environ_getenv ((char **) envp, settings[i].env);

      if (value == NULL || *value == '\0')
        continue;

      if (!apply (config, &settings[i], value, settings[i].env, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * parla_server_config_set:
 * @group: a group of the configuration file, e.g. "turn"
 * @key: a key in it, e.g. "ttl"
 * @origin: where @value comes from, for the error message (e.g. "--turn-ttl")
 *
 * Sets one setting the way the file and the environment do, with the same
 * checks: for command-line flags.
 */
gboolean
parla_server_config_set (ParlaServerConfig  *config,
                         const char         *group,
                         const char         *key,
                         const char         *value,
                         const char         *origin,
                         GError            **error)
{
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (value != NULL, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (settings); i++)
    if (g_str_equal (settings[i].group, group) && g_str_equal (settings[i].key, key))
      return apply (config, &settings[i], value, origin, error);

  g_set_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND,
               "%s: no setting [%s] %s", origin, group, key);
  return FALSE;
}
