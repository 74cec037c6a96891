/* parla-route-meta.c: the OpenAPI document and a health check
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-server-private.h"

static JsonNode *
handle_openapi (ParlaRequest  *req,
                GError       **error)
{
  g_autoptr(GBytes) bytes = NULL;
  gsize len;
  const char *data;

  bytes = g_resources_lookup_data ("/app/parla/server/openapi.json", G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;

  data = g_bytes_get_data (bytes, &len);
  return parla_json_parse (data, len, error);
}

static JsonNode *
handle_health (ParlaRequest  *req,
               GError       **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(ParlaDbRows) rows = NULL;

  rows = parla_db_query (req->db, error, "SELECT MAX(version) FROM schema_migrations", PARLA_DB_END);
  if (rows == NULL || !parla_db_rows_next (rows))
    return NULL;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "status", "ok");
  parla_json_add_string (builder, "version", PACKAGE_VERSION);
  parla_json_add_int (builder, "schema_version", parla_db_rows_get_int (rows, 0));
  parla_json_add_instant (builder, "now", req->now);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

const ParlaRoute parla_meta_routes[] = {
  { "GET", "/api/v1/openapi.json", handle_openapi, PARLA_ROUTE_PUBLIC },
  { "GET", "/api/v1/health", handle_health, PARLA_ROUTE_PUBLIC },
  { NULL }
};
