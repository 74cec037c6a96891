/* parla-user.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core-private.h"

#include "parla-user.h"

#include <string.h>

#include "parla-core-enums.h"
#include "parla-error.h"

#define MIN_EMAIL_CHARS 3
#define MAX_EMAIL_CHARS 254
#define MAX_DISPLAY_NAME_CHARS 80

struct _ParlaUser
{
  GObject    parent_instance;

  /* owned */
  char      *id;
  char      *email;
  char      *display_name;

  gint64     created_at;
  ParlaRole  role;
};

G_DEFINE_FINAL_TYPE (ParlaUser, parla_user, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_EMAIL,
  PROP_DISPLAY_NAME,
  PROP_ROLE,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const ParlaField user_fields[] = {
  { "id", PARLA_FIELD_ID, PARLA_FIELD_REQUIRED | PARLA_FIELD_SERVER },
  { "email", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, MIN_EMAIL_CHARS, MAX_EMAIL_CHARS },
  { "display_name", PARLA_FIELD_STRING, PARLA_FIELD_REQUIRED, 1, MAX_DISPLAY_NAME_CHARS },
  { "role", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, parla_role_names },
};


static void
parla_user_finalize (GObject *object)
{
  ParlaUser *self = (ParlaUser *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->email, g_free);
  g_clear_pointer (&self->display_name, g_free);

  G_OBJECT_CLASS (parla_user_parent_class)->finalize (object);
}

static void
parla_user_get_property (GObject    *object,
                         guint       prop_id,
                         GValue     *value,
                         GParamSpec *pspec)
{
  ParlaUser *self = PARLA_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_EMAIL:
      g_value_set_string (value, self->email);
      break;

    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;

    case PROP_ROLE:
      g_value_set_enum (value, self->role);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_user_set_property (GObject      *object,
                         guint         prop_id,
                         const GValue *value,
                         GParamSpec   *pspec)
{
  ParlaUser *self = PARLA_USER (object);

  switch (prop_id)
    {
    case PROP_ID:
      parla_user_set_id (self, g_value_get_string (value));
      break;

    case PROP_EMAIL:
      parla_user_set_email (self, g_value_get_string (value));
      break;

    case PROP_DISPLAY_NAME:
      parla_user_set_display_name (self, g_value_get_string (value));
      break;

    case PROP_ROLE:
      parla_user_set_role (self, g_value_get_enum (value));
      break;

    case PROP_CREATED_AT:
      parla_user_set_created_at (self, g_value_get_int64 (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_user_class_init (ParlaUserClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parla_user_finalize;
  object_class->get_property = parla_user_get_property;
  object_class->set_property = parla_user_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_EMAIL] =
    g_param_spec_string ("email", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_ROLE] =
    g_param_spec_enum ("role", NULL, NULL,
                       PARLA_TYPE_ROLE,
                       PARLA_ROLE_STUDENT,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_user_init (ParlaUser *self)
{
  self->email = g_strdup ("");
  self->display_name = g_strdup ("");
  self->role = PARLA_ROLE_STUDENT;
}

/**
 * parla_check_email:
 * @email: (nullable): an address, already trimmed (and lowercased by the
 *   server)
 *
 * Only checks the shape: 3 to 254 characters, no spaces or control
 * characters, and exactly one "@" with text on both sides.
 *
 * Returns: whether @email is acceptable; otherwise %FALSE with an
 *   `invalid_input` error on "email"
 */
gboolean
parla_check_email (const char  *email,
                   GError     **error)
{
  const char *at;
  glong chars;

  if (email == NULL || !g_utf8_validate (email, -1, NULL))
    goto invalid;

  chars = g_utf8_strlen (email, -1);
  if (chars < MIN_EMAIL_CHARS || chars > MAX_EMAIL_CHARS)
    goto invalid;

  for (const char *p = email; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_isspace (c) || g_unichar_iscntrl (c))
        goto invalid;
    }

  at = strchr (email, '@');
  if (at == NULL || at == email || at[1] == '\0' || strchr (at + 1, '@') != NULL)
    goto invalid;

  return TRUE;

invalid:
  parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "email",
                   "“email” must be an address such as name@example.com");
  return FALSE;
}

ParlaUser *
parla_user_new (void)
{
  return g_object_new (PARLA_TYPE_USER, NULL);
}

/**
 * parla_user_new_from_json:
 * @node: a JSON object
 * @mode: %PARLA_JSON_INPUT ignores "id", %PARLA_JSON_RESOURCE requires it
 *
 * The display name is stored trimmed.
 *
 * Returns: (transfer full) (nullable): the user, or %NULL with an
 *   `invalid_input` error naming the field
 */
ParlaUser *
parla_user_new_from_json (JsonNode       *node,
                          ParlaJsonMode   mode,
                          GError        **error)
{
  g_autoptr(ParlaUser) self = NULL;
  g_autofree char *display_name = NULL;
  JsonObject *object;
  const char *email;

  if (!parla_json_check (node, user_fields, G_N_ELEMENTS (user_fields), mode, error))
    return NULL;

  object = json_node_get_object (node);

  email = parla_json_get_string (object, "email", "");
  if (!parla_check_email (email, error))
    return NULL;

  display_name = g_strstrip (g_strdup (parla_json_get_string (object, "display_name", "")));
  if (*display_name == '\0')
    {
      parla_set_error (error, PARLA_ERROR_INVALID_INPUT, "display_name",
                       "“display_name” must not be blank");
      return NULL;
    }

  self = g_object_new (PARLA_TYPE_USER, NULL);

  if (mode == PARLA_JSON_RESOURCE)
    self->id = g_strdup (parla_json_get_string (object, "id", NULL));

  g_free (self->email);
  self->email = g_strdup (email);
  g_free (self->display_name);
  self->display_name = g_steal_pointer (&display_name);
  self->role = parla_json_get_enum (object, "role", parla_role_names, PARLA_ROLE_STUDENT);

  return g_steal_pointer (&self);
}

/**
 * parla_user_to_json:
 *
 * Returns: (transfer full): `{"id","email","display_name","role"}`; the
 *   id is null until the server assigns one
 */
JsonNode *
parla_user_to_json (ParlaUser *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (PARLA_IS_USER (self), NULL);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", self->id);
  parla_json_add_string (builder, "email", self->email);
  parla_json_add_string (builder, "display_name", self->display_name);
  parla_json_add_string (builder, "role", parla_role_names[self->role]);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * parla_user_get_id:
 *
 * Returns: (nullable): the id, %NULL until the server assigns one
 */
const char *
parla_user_get_id (ParlaUser *self)
{
  g_return_val_if_fail (PARLA_IS_USER (self), NULL);

  return self->id;
}

void
parla_user_set_id (ParlaUser  *self,
                   const char *id)
{
  g_return_if_fail (PARLA_IS_USER (self));

  if (_parla_replace_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

const char *
parla_user_get_email (ParlaUser *self)
{
  g_return_val_if_fail (PARLA_IS_USER (self), NULL);

  return self->email;
}

void
parla_user_set_email (ParlaUser  *self,
                      const char *email)
{
  g_return_if_fail (PARLA_IS_USER (self));

  if (_parla_replace_string (&self->email, email ? email : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EMAIL]);
}

const char *
parla_user_get_display_name (ParlaUser *self)
{
  g_return_val_if_fail (PARLA_IS_USER (self), NULL);

  return self->display_name;
}

void
parla_user_set_display_name (ParlaUser  *self,
                             const char *display_name)
{
  g_return_if_fail (PARLA_IS_USER (self));

  if (_parla_replace_string (&self->display_name, display_name ? display_name : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

ParlaRole
parla_user_get_role (ParlaUser *self)
{
  g_return_val_if_fail (PARLA_IS_USER (self), PARLA_ROLE_STUDENT);

  return self->role;
}

void
parla_user_set_role (ParlaUser *self,
                     ParlaRole  role)
{
  g_return_if_fail (PARLA_IS_USER (self));
  g_return_if_fail ((guint) role <= PARLA_ROLE_ADMIN);

  if (self->role == role)
    return;

  self->role = role;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

/**
 * parla_user_get_created_at:
 *
 * Returns: when the account was created (seconds since the epoch), 0 if
 *   unknown
 */
gint64
parla_user_get_created_at (ParlaUser *self)
{
  g_return_val_if_fail (PARLA_IS_USER (self), 0);

  return self->created_at;
}

void
parla_user_set_created_at (ParlaUser *self,
                           gint64     created_at)
{
  g_return_if_fail (PARLA_IS_USER (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}
