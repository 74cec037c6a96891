/* parla-booking.c
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include "parla-core-private.h"

#include "parla-booking.h"

#include "parla-core-enums.h"
#include "parla-error.h"
#include "parla-time.h"

/* For an INT field whose sign is checked by hand, with a better message. */
#define ANY_INT G_MININT64, G_MININT64

const char * const parla_booking_action_names[] = {
  "created", "confirmed", "rescheduled", "cancelled", "rejected", "accepted", "paid", "expired",
  "refunded", NULL
};

struct _ParlaBooking
{
  GObject             parent_instance;

  /* owned */
  char               *id;
  char               *session_id;
  char               *offering_id;
  char               *learner_id;
  char               *learner_name;
  char               *teacher_id;
  char               *teacher_name;
  char               *title;
  char               *topic;
  char               *message;
  char               *currency;
  char               *checkout_url;
  char               *refund_status;
  char               *learner_time_zone;
  char               *reject_reason;
  ParlaPolicy        *policy;
  GPtrArray          *history;  /* ParlaBookingChange */

  gint64              start;
  gint64              end;
  gint64              price_minor;
  gint64              fee_minor;
  gint64              refund_minor;
  gint64              cancelled_at;
  gint64              created_at;
  gint64              hold_expires_at;
  int                 cancelled_by;
  ParlaBookingKind    kind;
  ParlaBookingStatus  status;
};

G_DEFINE_BOXED_TYPE (ParlaBookingChange, parla_booking_change,
                     parla_booking_change_ref, parla_booking_change_unref)
G_DEFINE_FINAL_TYPE (ParlaBooking, parla_booking, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_KIND,
  PROP_SESSION_ID,
  PROP_OFFERING_ID,
  PROP_LEARNER_ID,
  PROP_LEARNER_NAME,
  PROP_TEACHER_ID,
  PROP_TEACHER_NAME,
  PROP_TITLE,
  PROP_START,
  PROP_END,
  PROP_STATUS,
  PROP_TOPIC,
  PROP_MESSAGE,
  PROP_PRICE_MINOR,
  PROP_CURRENCY,
  PROP_FEE_MINOR,
  PROP_REFUND_MINOR,
  PROP_CANCELLED_BY,
  PROP_CANCELLED_AT,
  PROP_CREATED_AT,
  PROP_POLICY,
  PROP_HISTORY,
  PROP_HOLD_EXPIRES_AT,
  PROP_CHECKOUT_URL,
  PROP_REFUND_STATUS,
  PROP_LEARNER_TIME_ZONE,
  PROP_REJECT_REASON,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

#define SERVER_REQUIRED (PARLA_FIELD_SERVER | PARLA_FIELD_REQUIRED)
#define SERVER_NULLABLE (PARLA_FIELD_SERVER | PARLA_FIELD_NULLABLE)

static const char * const refund_status_names[] = { "pending", "succeeded", "failed", NULL };

static const ParlaField booking_fields[] = {
  { "id", PARLA_FIELD_ID, SERVER_REQUIRED },
  { "kind", PARLA_FIELD_ENUM, SERVER_REQUIRED, 0, 0, parla_booking_kind_names },
  { "session_id", PARLA_FIELD_ID, SERVER_NULLABLE },
  { "offering_id", PARLA_FIELD_ID, SERVER_NULLABLE },
  { "learner_id", PARLA_FIELD_ID, SERVER_REQUIRED },
  { "learner_name", PARLA_FIELD_STRING, SERVER_NULLABLE, 0, 0 },
  { "teacher_id", PARLA_FIELD_ID, SERVER_REQUIRED },
  { "teacher_name", PARLA_FIELD_STRING, SERVER_NULLABLE, 0, 0 },
  { "title", PARLA_FIELD_STRING, SERVER_REQUIRED, 1, 200 },
  { "start", PARLA_FIELD_INSTANT, SERVER_REQUIRED },
  { "end", PARLA_FIELD_INSTANT, SERVER_REQUIRED },
  { "status", PARLA_FIELD_ENUM, SERVER_REQUIRED, 0, 0, parla_booking_status_names },
  { "topic", PARLA_FIELD_STRING, SERVER_NULLABLE, 0, 0 },
  { "message", PARLA_FIELD_STRING, SERVER_NULLABLE, 0, 0 },
  { "price_minor", PARLA_FIELD_INT, SERVER_REQUIRED, ANY_INT },
  { "currency", PARLA_FIELD_STRING, SERVER_REQUIRED, 0, 0 },
  { "fee_minor", PARLA_FIELD_INT, SERVER_REQUIRED, 0, 0 },
  { "refund_minor", PARLA_FIELD_INT, SERVER_NULLABLE, 0, 0 },
  { "cancelled_by", PARLA_FIELD_ENUM, SERVER_NULLABLE, 0, 0, parla_party_names },
  { "cancelled_at", PARLA_FIELD_INSTANT, SERVER_NULLABLE },
  { "created_at", PARLA_FIELD_INSTANT, SERVER_REQUIRED },
  { "policy", PARLA_FIELD_OBJECT, SERVER_REQUIRED },
  { "history", PARLA_FIELD_ARRAY, PARLA_FIELD_SERVER, 0, 0 },
  { "hold_expires_at", PARLA_FIELD_INSTANT, SERVER_NULLABLE },
  { "checkout_url", PARLA_FIELD_STRING, SERVER_NULLABLE, 0, 0 },
  { "refund_status", PARLA_FIELD_ENUM, SERVER_NULLABLE, 0, 0, refund_status_names },
  { "learner_time_zone", PARLA_FIELD_STRING, SERVER_NULLABLE, 0, 0 },
  { "reject_reason", PARLA_FIELD_STRING, SERVER_NULLABLE, 0, 0 },
};

static const ParlaField change_fields[] = {
  { "at", PARLA_FIELD_INSTANT, PARLA_FIELD_REQUIRED },
  { "action", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, parla_booking_action_names },
  { "actor_id", PARLA_FIELD_ID, PARLA_FIELD_NULLABLE },
  { "status", PARLA_FIELD_ENUM, PARLA_FIELD_REQUIRED, 0, 0, parla_booking_status_names },
  { "from_start", PARLA_FIELD_INSTANT, PARLA_FIELD_NULLABLE },
  { "from_end", PARLA_FIELD_INSTANT, PARLA_FIELD_NULLABLE },
  { "to_start", PARLA_FIELD_INSTANT, PARLA_FIELD_NULLABLE },
  { "to_end", PARLA_FIELD_INSTANT, PARLA_FIELD_NULLABLE },
};




static ParlaPolicy *
read_policy (JsonObject  *object,
             GError     **error)
{
  g_autoptr(GError) local_error = NULL;
  ParlaPolicy *policy;

  policy = parla_policy_new_from_json (json_object_get_member (object, "policy"), &local_error);
  if (policy == NULL)
    {
      parla_error_prefix_field (local_error, "policy");
      g_propagate_error (error, g_steal_pointer (&local_error));
    }

  return policy;
}

static GPtrArray *
read_history (JsonObject  *object,
              GError     **error)
{
  g_autoptr(GPtrArray) history = NULL;
  JsonArray *array = parla_json_get_array (object, "history");
  guint n = array ? json_array_get_length (array) : 0;

  history = g_ptr_array_new_full (n, (GDestroyNotify) parla_booking_change_unref);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) local_error = NULL;
      ParlaBookingChange *change;

      change = parla_booking_change_new_from_json (json_array_get_element (array, i), &local_error);
      if (change == NULL)
        {
          g_autofree char *prefix = g_strdup_printf ("history[%u]", i);

          parla_error_prefix_field (local_error, prefix);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }

      g_ptr_array_add (history, change);
    }

  return g_steal_pointer (&history);
}

static void
add_nullable_instant (JsonBuilder *builder,
                      const char  *name,
                      gint64       value)
{
  if (value != 0)
    parla_json_add_instant (builder, name, value);
  else
    parla_json_add_string (builder, name, NULL);
}

static void
parla_booking_finalize (GObject *object)
{
  ParlaBooking *self = (ParlaBooking *) object;

  g_clear_pointer (&self->id, g_free);
  g_clear_pointer (&self->session_id, g_free);
  g_clear_pointer (&self->offering_id, g_free);
  g_clear_pointer (&self->learner_id, g_free);
  g_clear_pointer (&self->learner_name, g_free);
  g_clear_pointer (&self->teacher_id, g_free);
  g_clear_pointer (&self->teacher_name, g_free);
  g_clear_pointer (&self->title, g_free);
  g_clear_pointer (&self->topic, g_free);
  g_clear_pointer (&self->message, g_free);
  g_clear_pointer (&self->currency, g_free);
  g_clear_pointer (&self->checkout_url, g_free);
  g_clear_pointer (&self->refund_status, g_free);
  g_clear_pointer (&self->learner_time_zone, g_free);
  g_clear_pointer (&self->reject_reason, g_free);
  g_clear_pointer (&self->policy, parla_policy_unref);
  g_clear_pointer (&self->history, g_ptr_array_unref);

  G_OBJECT_CLASS (parla_booking_parent_class)->finalize (object);
}

static void
parla_booking_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  ParlaBooking *self = PARLA_BOOKING (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;

    case PROP_KIND:
      g_value_set_enum (value, self->kind);
      break;

    case PROP_SESSION_ID:
      g_value_set_string (value, self->session_id);
      break;

    case PROP_OFFERING_ID:
      g_value_set_string (value, self->offering_id);
      break;

    case PROP_LEARNER_ID:
      g_value_set_string (value, self->learner_id);
      break;

    case PROP_LEARNER_NAME:
      g_value_set_string (value, self->learner_name);
      break;

    case PROP_TEACHER_ID:
      g_value_set_string (value, self->teacher_id);
      break;

    case PROP_TEACHER_NAME:
      g_value_set_string (value, self->teacher_name);
      break;

    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;

    case PROP_START:
      g_value_set_int64 (value, self->start);
      break;

    case PROP_END:
      g_value_set_int64 (value, self->end);
      break;

    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;

    case PROP_TOPIC:
      g_value_set_string (value, self->topic);
      break;

    case PROP_MESSAGE:
      g_value_set_string (value, self->message);
      break;

    case PROP_PRICE_MINOR:
      g_value_set_int64 (value, self->price_minor);
      break;

    case PROP_CURRENCY:
      g_value_set_string (value, self->currency);
      break;

    case PROP_FEE_MINOR:
      g_value_set_int64 (value, self->fee_minor);
      break;

    case PROP_REFUND_MINOR:
      g_value_set_int64 (value, self->refund_minor);
      break;

    case PROP_CANCELLED_BY:
      g_value_set_int (value, self->cancelled_by);
      break;

    case PROP_CANCELLED_AT:
      g_value_set_int64 (value, self->cancelled_at);
      break;

    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;

    case PROP_POLICY:
      g_value_set_boxed (value, self->policy);
      break;

    case PROP_HISTORY:
      g_value_set_boxed (value, self->history);
      break;

    case PROP_HOLD_EXPIRES_AT:
      g_value_set_int64 (value, self->hold_expires_at);
      break;

    case PROP_CHECKOUT_URL:
      g_value_set_string (value, self->checkout_url);
      break;

    case PROP_REFUND_STATUS:
      g_value_set_string (value, self->refund_status);
      break;

    case PROP_LEARNER_TIME_ZONE:
      g_value_set_string (value, self->learner_time_zone);
      break;

    case PROP_REJECT_REASON:
      g_value_set_string (value, self->reject_reason);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_booking_set_property (GObject      *object,
                            guint         prop_id,
                            const GValue *value,
                            GParamSpec   *pspec)
{
  ParlaBooking *self = PARLA_BOOKING (object);

  switch (prop_id)
    {
    case PROP_ID:
      parla_booking_set_id (self, g_value_get_string (value));
      break;

    case PROP_KIND:
      parla_booking_set_kind (self, g_value_get_enum (value));
      break;

    case PROP_SESSION_ID:
      parla_booking_set_session_id (self, g_value_get_string (value));
      break;

    case PROP_OFFERING_ID:
      parla_booking_set_offering_id (self, g_value_get_string (value));
      break;

    case PROP_LEARNER_ID:
      parla_booking_set_learner_id (self, g_value_get_string (value));
      break;

    case PROP_LEARNER_NAME:
      parla_booking_set_learner_name (self, g_value_get_string (value));
      break;

    case PROP_TEACHER_ID:
      parla_booking_set_teacher_id (self, g_value_get_string (value));
      break;

    case PROP_TEACHER_NAME:
      parla_booking_set_teacher_name (self, g_value_get_string (value));
      break;

    case PROP_TITLE:
      parla_booking_set_title (self, g_value_get_string (value));
      break;

    case PROP_START:
      parla_booking_set_start (self, g_value_get_int64 (value));
      break;

    case PROP_END:
      parla_booking_set_end (self, g_value_get_int64 (value));
      break;

    case PROP_STATUS:
      parla_booking_set_status (self, g_value_get_enum (value));
      break;

    case PROP_TOPIC:
      parla_booking_set_topic (self, g_value_get_string (value));
      break;

    case PROP_MESSAGE:
      parla_booking_set_message (self, g_value_get_string (value));
      break;

    case PROP_PRICE_MINOR:
      parla_booking_set_price_minor (self, g_value_get_int64 (value));
      break;

    case PROP_CURRENCY:
      parla_booking_set_currency (self, g_value_get_string (value));
      break;

    case PROP_FEE_MINOR:
      parla_booking_set_fee_minor (self, g_value_get_int64 (value));
      break;

    case PROP_REFUND_MINOR:
      parla_booking_set_refund_minor (self, g_value_get_int64 (value));
      break;

    case PROP_CANCELLED_BY:
      parla_booking_set_cancelled_by (self, g_value_get_int (value));
      break;

    case PROP_CANCELLED_AT:
      parla_booking_set_cancelled_at (self, g_value_get_int64 (value));
      break;

    case PROP_CREATED_AT:
      parla_booking_set_created_at (self, g_value_get_int64 (value));
      break;

    case PROP_POLICY:
      parla_booking_set_policy (self, g_value_get_boxed (value));
      break;

    case PROP_HOLD_EXPIRES_AT:
      parla_booking_set_hold_expires_at (self, g_value_get_int64 (value));
      break;

    case PROP_CHECKOUT_URL:
      parla_booking_set_checkout_url (self, g_value_get_string (value));
      break;

    case PROP_REFUND_STATUS:
      parla_booking_set_refund_status (self, g_value_get_string (value));
      break;

    case PROP_LEARNER_TIME_ZONE:
      parla_booking_set_learner_time_zone (self, g_value_get_string (value));
      break;

    case PROP_REJECT_REASON:
      parla_booking_set_reject_reason (self, g_value_get_string (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_booking_class_init (ParlaBookingClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = parla_booking_finalize;
  object_class->get_property = parla_booking_get_property;
  object_class->set_property = parla_booking_set_property;

  properties[PROP_ID] =
    g_param_spec_string ("id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_KIND] =
    g_param_spec_enum ("kind", NULL, NULL,
                       PARLA_TYPE_BOOKING_KIND,
                       PARLA_BOOKING_KIND_SESSION,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_SESSION_ID] =
    g_param_spec_string ("session-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_OFFERING_ID] =
    g_param_spec_string ("offering-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LEARNER_ID] =
    g_param_spec_string ("learner-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_LEARNER_NAME] =
    g_param_spec_string ("learner-name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TEACHER_ID] =
    g_param_spec_string ("teacher-id", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TEACHER_NAME] =
    g_param_spec_string ("teacher-name", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TITLE] =
    g_param_spec_string ("title", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_START] =
    g_param_spec_int64 ("start", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_END] =
    g_param_spec_int64 ("end", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL,
                       PARLA_TYPE_BOOKING_STATUS,
                       PARLA_BOOKING_CONFIRMED,
                       (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_TOPIC] =
    g_param_spec_string ("topic", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_MESSAGE] =
    g_param_spec_string ("message", NULL, NULL,
                         "",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_PRICE_MINOR] =
    g_param_spec_int64 ("price-minor", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CURRENCY] =
    g_param_spec_string ("currency", NULL, NULL,
                         "EUR",
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_FEE_MINOR] =
    g_param_spec_int64 ("fee-minor", NULL, NULL,
                        0, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* -1 for none */
  properties[PROP_REFUND_MINOR] =
    g_param_spec_int64 ("refund-minor", NULL, NULL,
                        -1, G_MAXINT64, -1,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* A ParlaParty, or -1 for none. */
  properties[PROP_CANCELLED_BY] =
    g_param_spec_int ("cancelled-by", NULL, NULL,
                      -1, PARLA_PARTY_TEACHER, -1,
                      (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* 0 for none */
  properties[PROP_CANCELLED_AT] =
    g_param_spec_int64 ("cancelled-at", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CREATED_AT] =
    g_param_spec_int64 ("created-at", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_POLICY] =
    g_param_spec_boxed ("policy", NULL, NULL,
                        PARLA_TYPE_POLICY,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* A GPtrArray of ParlaBookingChange, grown with parla_booking_add_change(). */
  properties[PROP_HISTORY] =
    g_param_spec_boxed ("history", NULL, NULL,
                        G_TYPE_PTR_ARRAY,
                        (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* While payment_pending: when the hold lapses (0: none). */
  properties[PROP_HOLD_EXPIRES_AT] =
    g_param_spec_int64 ("hold-expires-at", NULL, NULL,
                        G_MININT64, G_MAXINT64, 0,
                        (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  properties[PROP_CHECKOUT_URL] =
    g_param_spec_string ("checkout-url", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* "pending", "succeeded", "failed" or NULL */
  properties[PROP_REFUND_STATUS] =
    g_param_spec_string ("refund-status", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* The learner's IANA time zone when they booked, or NULL */
  properties[PROP_LEARNER_TIME_ZONE] =
    g_param_spec_string ("learner-time-zone", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /* Why the teacher declined the request, or NULL */
  properties[PROP_REJECT_REASON] =
    g_param_spec_string ("reject-reason", NULL, NULL,
                         NULL,
                         (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
parla_booking_init (ParlaBooking *self)
{
  self->learner_name = g_strdup ("");
  self->teacher_name = g_strdup ("");
  self->title = g_strdup ("");
  self->topic = g_strdup ("");
  self->message = g_strdup ("");
  self->currency = g_strdup ("EUR");
  self->history = g_ptr_array_new_with_free_func ((GDestroyNotify) parla_booking_change_unref);
  self->kind = PARLA_BOOKING_KIND_SESSION;
  self->status = PARLA_BOOKING_CONFIRMED;
  self->refund_minor = -1;
  self->cancelled_by = -1;
}

/* ParlaBookingChange */

/**
 * parla_booking_change_new:
 * @at: when it happened
 * @actor_id: (nullable): who did it; %NULL for the system
 * @status: the booking's status afterwards
 *
 * The from/to instants start as 0 (null); set the fields directly.
 *
 * Returns: (transfer full): a new history item
 */
ParlaBookingChange *
parla_booking_change_new (gint64              at,
                          ParlaBookingAction  action,
                          const char         *actor_id,
                          ParlaBookingStatus  status)
{
  ParlaBookingChange *self = g_new0 (ParlaBookingChange, 1);

  g_ref_count_init (&self->ref_count);
  self->at = at;
  self->action = action;
  self->actor_id = g_strdup (actor_id);
  self->status = status;

  return self;
}

/**
 * parla_booking_change_new_from_json:
 *
 * Returns: (transfer full) (nullable): the history item, or %NULL with an
 *   `invalid_input` error naming the member
 */
ParlaBookingChange *
parla_booking_change_new_from_json (JsonNode  *node,
                                    GError   **error)
{
  ParlaBookingChange *self;
  JsonObject *object;

  if (!parla_json_check (node, change_fields, G_N_ELEMENTS (change_fields),
                         PARLA_JSON_RESOURCE, error))
    return NULL;

  object = json_node_get_object (node);

  self = parla_booking_change_new (parla_json_get_instant (object, "at", 0),
                                   parla_json_get_enum (object, "action",
                                                        parla_booking_action_names, 0),
                                   parla_json_get_string (object, "actor_id", NULL),
                                   parla_json_get_enum (object, "status",
                                                        parla_booking_status_names, 0));
  self->from_start = parla_json_get_instant (object, "from_start", 0);
  self->from_end = parla_json_get_instant (object, "from_end", 0);
  self->to_start = parla_json_get_instant (object, "to_start", 0);
  self->to_end = parla_json_get_instant (object, "to_end", 0);

  return self;
}

/**
 * parla_booking_change_to_json:
 *
 * Returns: (transfer full): the item with all eight members
 */
JsonNode *
parla_booking_change_to_json (ParlaBookingChange *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();

  g_return_val_if_fail (self != NULL, NULL);

  json_builder_begin_object (builder);
  parla_json_add_instant (builder, "at", self->at);
  parla_json_add_string (builder, "action", parla_booking_action_names[self->action]);
  parla_json_add_string (builder, "actor_id", self->actor_id);
  parla_json_add_string (builder, "status", parla_booking_status_names[self->status]);
  add_nullable_instant (builder, "from_start", self->from_start);
  add_nullable_instant (builder, "from_end", self->from_end);
  add_nullable_instant (builder, "to_start", self->to_start);
  add_nullable_instant (builder, "to_end", self->to_end);
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

ParlaBookingChange *
parla_booking_change_ref (ParlaBookingChange *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  g_ref_count_inc (&self->ref_count);
  return self;
}

void
parla_booking_change_unref (ParlaBookingChange *self)
{
  g_return_if_fail (self != NULL);

  if (g_ref_count_dec (&self->ref_count))
    {
      g_free (self->actor_id);
      g_free (self);
    }
}

/* ParlaBooking */

ParlaBooking *
parla_booking_new (void)
{
  return g_object_new (PARLA_TYPE_BOOKING, NULL);
}

/**
 * parla_booking_new_from_json:
 * @node: a JSON object
 * @mode: ignored: every member of a booking belongs to the server, so it is
 *   always read as a %PARLA_JSON_RESOURCE (the server parses booking
 *   requests itself)
 *
 * Errors in the policy snapshot are named "policy.<member>", errors in the
 * history "history[<index>].<member>".
 *
 * Returns: (transfer full) (nullable): the booking, or %NULL with an
 *   `invalid_input` error naming the field
 */
ParlaBooking *
parla_booking_new_from_json (JsonNode       *node,
                             ParlaJsonMode   mode,
                             GError        **error)
{
  g_autoptr(ParlaBooking) self = NULL;
  g_autoptr(ParlaPolicy) policy = NULL;
  g_autoptr(GPtrArray) history = NULL;
  JsonObject *object;
  const char *currency;
  gint64 price_minor;

  if (!parla_json_check (node, booking_fields, G_N_ELEMENTS (booking_fields),
                         PARLA_JSON_RESOURCE, error))
    return NULL;

  object = json_node_get_object (node);

  price_minor = parla_json_get_int (object, "price_minor", 0);
  currency = parla_json_get_string (object, "currency", "EUR");
  if (!parla_check_price (price_minor, currency, error))
    return NULL;

  policy = read_policy (object, error);
  if (policy == NULL)
    return NULL;

  history = read_history (object, error);
  if (history == NULL)
    return NULL;

  self = g_object_new (PARLA_TYPE_BOOKING, NULL);

  self->id = g_strdup (parla_json_get_string (object, "id", NULL));
  self->kind = parla_json_get_enum (object, "kind", parla_booking_kind_names,
                                    PARLA_BOOKING_KIND_SESSION);
  self->session_id = g_strdup (parla_json_get_string (object, "session_id", NULL));
  self->offering_id = g_strdup (parla_json_get_string (object, "offering_id", NULL));
  self->learner_id = g_strdup (parla_json_get_string (object, "learner_id", NULL));
  _parla_replace_string (&self->learner_name, parla_json_get_string (object, "learner_name", ""));
  self->teacher_id = g_strdup (parla_json_get_string (object, "teacher_id", NULL));
  _parla_replace_string (&self->teacher_name, parla_json_get_string (object, "teacher_name", ""));
  _parla_replace_string (&self->title, parla_json_get_string (object, "title", ""));
  self->start = parla_json_get_instant (object, "start", 0);
  self->end = parla_json_get_instant (object, "end", 0);
  self->status = parla_json_get_enum (object, "status", parla_booking_status_names,
                                      PARLA_BOOKING_CONFIRMED);
  _parla_replace_string (&self->topic, parla_json_get_string (object, "topic", ""));
  _parla_replace_string (&self->message, parla_json_get_string (object, "message", ""));
  self->price_minor = price_minor;
  _parla_replace_string (&self->currency, currency);
  self->fee_minor = parla_json_get_int (object, "fee_minor", 0);
  self->refund_minor = parla_json_get_int (object, "refund_minor", -1);
  self->cancelled_by = parla_json_get_enum (object, "cancelled_by", parla_party_names, -1);
  self->cancelled_at = parla_json_get_instant (object, "cancelled_at", 0);
  self->created_at = parla_json_get_instant (object, "created_at", 0);
  self->hold_expires_at = parla_json_get_instant (object, "hold_expires_at", 0);
  self->checkout_url = g_strdup (parla_json_get_string (object, "checkout_url", NULL));
  self->refund_status = g_strdup (parla_json_get_string (object, "refund_status", NULL));
  self->learner_time_zone = g_strdup (parla_json_get_string (object, "learner_time_zone", NULL));
  self->reject_reason = g_strdup (parla_json_get_string (object, "reject_reason", NULL));
  self->policy = g_steal_pointer (&policy);
  g_clear_pointer (&self->history, g_ptr_array_unref);
  self->history = g_steal_pointer (&history);

  return g_steal_pointer (&self);
}

/**
 * parla_booking_to_json:
 *
 * "history" is written only when the booking has any.
 *
 * Returns: (transfer full): the booking as the server sends it
 */
JsonNode *
parla_booking_to_json (ParlaBooking *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) policy = NULL;

  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  if (self->policy != NULL)
    policy = parla_policy_to_json (self->policy);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "id", self->id);
  parla_json_add_string (builder, "kind", parla_booking_kind_names[self->kind]);
  parla_json_add_string (builder, "session_id", self->session_id);
  parla_json_add_string (builder, "offering_id", self->offering_id);
  parla_json_add_string (builder, "learner_id", self->learner_id);
  parla_json_add_string (builder, "learner_name", self->learner_name);
  parla_json_add_string (builder, "teacher_id", self->teacher_id);
  parla_json_add_string (builder, "teacher_name", self->teacher_name);
  parla_json_add_string (builder, "title", self->title);
  parla_json_add_instant (builder, "start", self->start);
  parla_json_add_instant (builder, "end", self->end);
  parla_json_add_string (builder, "status", parla_booking_status_names[self->status]);
  parla_json_add_string (builder, "topic", self->topic);
  parla_json_add_string (builder, "message", self->message);
  parla_json_add_int (builder, "price_minor", self->price_minor);
  parla_json_add_string (builder, "currency", self->currency);
  parla_json_add_int (builder, "fee_minor", self->fee_minor);

  json_builder_set_member_name (builder, "refund_minor");
  if (self->refund_minor >= 0)
    json_builder_add_int_value (builder, self->refund_minor);
  else
    json_builder_add_null_value (builder);

  parla_json_add_string (builder, "cancelled_by",
                         self->cancelled_by >= 0 ? parla_party_names[self->cancelled_by] : NULL);
  add_nullable_instant (builder, "cancelled_at", self->cancelled_at);
  parla_json_add_instant (builder, "created_at", self->created_at);
  parla_json_add_node (builder, "policy", policy);
  add_nullable_instant (builder, "hold_expires_at", self->hold_expires_at);
  parla_json_add_string (builder, "checkout_url", self->checkout_url);
  parla_json_add_string (builder, "refund_status", self->refund_status);
  parla_json_add_string (builder, "learner_time_zone", self->learner_time_zone);
  parla_json_add_string (builder, "reject_reason", self->reject_reason);

  if (self->history->len > 0)
    {
      json_builder_set_member_name (builder, "history");
      json_builder_begin_array (builder);
      for (guint i = 0; i < self->history->len; i++)
        {
          ParlaBookingChange *change = g_ptr_array_index (self->history, i);

          json_builder_add_value (builder, parla_booking_change_to_json (change));
        }
      json_builder_end_array (builder);
    }

  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/**
 * parla_booking_is_active:
 *
 * Returns: whether the booking still holds its time (confirmed, pending,
 *   or held while payment_pending)
 */
gboolean
parla_booking_is_active (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), FALSE);

  return self->status == PARLA_BOOKING_CONFIRMED || self->status == PARLA_BOOKING_PENDING ||
         self->status == PARLA_BOOKING_PAYMENT_PENDING;
}

/**
 * parla_booking_add_change:
 * @change: (transfer none): appended to the history, which takes a reference
 */
void
parla_booking_add_change (ParlaBooking       *self,
                          ParlaBookingChange *change)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (change != NULL);

  g_ptr_array_add (self->history, parla_booking_change_ref (change));
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HISTORY]);
}

/**
 * parla_booking_get_history:
 *
 * Returns: (transfer none) (element-type ParlaBookingChange): the history,
 *   oldest first; empty unless the booking was loaded with it
 */
GPtrArray *
parla_booking_get_history (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->history;
}

/**
 * parla_booking_get_id:
 *
 * Returns: (nullable): the id
 */
const char *
parla_booking_get_id (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->id;
}

void
parla_booking_set_id (ParlaBooking *self,
                      const char   *id)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->id, id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ID]);
}

ParlaBookingKind
parla_booking_get_kind (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), PARLA_BOOKING_KIND_SESSION);

  return self->kind;
}

void
parla_booking_set_kind (ParlaBooking     *self,
                        ParlaBookingKind  kind)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (kind <= PARLA_BOOKING_KIND_LESSON);

  if (self->kind == kind)
    return;

  self->kind = kind;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_KIND]);
}

/**
 * parla_booking_get_session_id:
 *
 * Returns: (nullable): the session of a seat; %NULL for a lesson
 */
const char *
parla_booking_get_session_id (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->session_id;
}

void
parla_booking_set_session_id (ParlaBooking *self,
                              const char   *session_id)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->session_id, session_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION_ID]);
}

/**
 * parla_booking_get_offering_id:
 *
 * Returns: (nullable): the offering, if any
 */
const char *
parla_booking_get_offering_id (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->offering_id;
}

void
parla_booking_set_offering_id (ParlaBooking *self,
                               const char   *offering_id)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->offering_id, offering_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_OFFERING_ID]);
}

const char *
parla_booking_get_learner_id (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->learner_id;
}

void
parla_booking_set_learner_id (ParlaBooking *self,
                              const char   *learner_id)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->learner_id, learner_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEARNER_ID]);
}

const char *
parla_booking_get_learner_name (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->learner_name;
}

void
parla_booking_set_learner_name (ParlaBooking *self,
                                const char   *learner_name)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->learner_name, learner_name ? learner_name : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEARNER_NAME]);
}

const char *
parla_booking_get_teacher_id (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->teacher_id;
}

void
parla_booking_set_teacher_id (ParlaBooking *self,
                              const char   *teacher_id)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->teacher_id, teacher_id))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEACHER_ID]);
}

const char *
parla_booking_get_teacher_name (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->teacher_name;
}

void
parla_booking_set_teacher_name (ParlaBooking *self,
                                const char   *teacher_name)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->teacher_name, teacher_name ? teacher_name : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEACHER_NAME]);
}

const char *
parla_booking_get_title (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->title;
}

void
parla_booking_set_title (ParlaBooking *self,
                         const char   *title)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->title, title ? title : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

gint64
parla_booking_get_start (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), 0);

  return self->start;
}

void
parla_booking_set_start (ParlaBooking *self,
                         gint64        start)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (self->start == start)
    return;

  self->start = start;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_START]);
}

gint64
parla_booking_get_end (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), 0);

  return self->end;
}

void
parla_booking_set_end (ParlaBooking *self,
                       gint64        end)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (self->end == end)
    return;

  self->end = end;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_END]);
}

ParlaBookingStatus
parla_booking_get_status (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), PARLA_BOOKING_CONFIRMED);

  return self->status;
}

void
parla_booking_set_status (ParlaBooking       *self,
                          ParlaBookingStatus  status)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (status <= PARLA_BOOKING_EXPIRED);

  if (self->status == status)
    return;

  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

const char *
parla_booking_get_topic (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->topic;
}

void
parla_booking_set_topic (ParlaBooking *self,
                         const char   *topic)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->topic, topic ? topic : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TOPIC]);
}

const char *
parla_booking_get_message (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->message;
}

void
parla_booking_set_message (ParlaBooking *self,
                           const char   *message)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (_parla_replace_string (&self->message, message ? message : ""))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MESSAGE]);
}

gint64
parla_booking_get_price_minor (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), 0);

  return self->price_minor;
}

void
parla_booking_set_price_minor (ParlaBooking *self,
                               gint64        price_minor)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (price_minor >= 0);

  if (self->price_minor == price_minor)
    return;

  self->price_minor = price_minor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PRICE_MINOR]);
}

const char *
parla_booking_get_currency (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->currency;
}

void
parla_booking_set_currency (ParlaBooking *self,
                            const char   *currency)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (currency != NULL);

  if (_parla_replace_string (&self->currency, currency))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CURRENCY]);
}

gint64
parla_booking_get_fee_minor (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), 0);

  return self->fee_minor;
}

void
parla_booking_set_fee_minor (ParlaBooking *self,
                             gint64        fee_minor)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (fee_minor >= 0);

  if (self->fee_minor == fee_minor)
    return;

  self->fee_minor = fee_minor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_FEE_MINOR]);
}

/**
 * parla_booking_get_refund_minor:
 *
 * Returns: the refund in minor units, or -1 while none was decided
 */
gint64
parla_booking_get_refund_minor (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), -1);

  return self->refund_minor;
}

/**
 * parla_booking_set_refund_minor:
 * @refund_minor: minor units, or -1 for none
 */
void
parla_booking_set_refund_minor (ParlaBooking *self,
                                gint64        refund_minor)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (refund_minor >= -1);

  if (self->refund_minor == refund_minor)
    return;

  self->refund_minor = refund_minor;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUND_MINOR]);
}

/**
 * parla_booking_get_cancelled_by:
 *
 * Returns: the #ParlaParty that cancelled, or -1
 */
int
parla_booking_get_cancelled_by (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), -1);

  return self->cancelled_by;
}

/**
 * parla_booking_set_cancelled_by:
 * @cancelled_by: a #ParlaParty, or -1 for none
 */
void
parla_booking_set_cancelled_by (ParlaBooking *self,
                                int           cancelled_by)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (cancelled_by >= -1 && cancelled_by <= PARLA_PARTY_TEACHER);

  if (self->cancelled_by == cancelled_by)
    return;

  self->cancelled_by = cancelled_by;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELLED_BY]);
}

/**
 * parla_booking_get_cancelled_at:
 *
 * Returns: when the booking was cancelled, or 0
 */
gint64
parla_booking_get_cancelled_at (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), 0);

  return self->cancelled_at;
}

void
parla_booking_set_cancelled_at (ParlaBooking *self,
                                gint64        cancelled_at)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (self->cancelled_at == cancelled_at)
    return;

  self->cancelled_at = cancelled_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CANCELLED_AT]);
}

gint64
parla_booking_get_created_at (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), 0);

  return self->created_at;
}

void
parla_booking_set_created_at (ParlaBooking *self,
                              gint64        created_at)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (self->created_at == created_at)
    return;

  self->created_at = created_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CREATED_AT]);
}

/**
 * parla_booking_get_policy:
 *
 * Returns: (transfer none) (nullable): the policy in force when the booking
 *   was made; %NULL only for a booking not read from JSON
 */
ParlaPolicy *
parla_booking_get_policy (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->policy;
}

/**
 * parla_booking_set_policy:
 * @policy: (nullable): the policy snapshot; a reference is taken
 */
void
parla_booking_set_policy (ParlaBooking *self,
                          ParlaPolicy  *policy)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (parla_policy_equal (self->policy, policy))
    return;

  if (policy != NULL)
    parla_policy_ref (policy);
  g_clear_pointer (&self->policy, parla_policy_unref);
  self->policy = policy;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_POLICY]);
}

/**
 * parla_booking_get_hold_expires_at:
 *
 * Returns: when an unpaid hold lapses, 0 when there is none
 */
gint64
parla_booking_get_hold_expires_at (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), 0);

  return self->hold_expires_at;
}

void
parla_booking_set_hold_expires_at (ParlaBooking *self,
                                   gint64        hold_expires_at)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (self->hold_expires_at == hold_expires_at)
    return;

  self->hold_expires_at = hold_expires_at;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HOLD_EXPIRES_AT]);
}

/**
 * parla_booking_get_checkout_url:
 *
 * Returns: (nullable): where the learner pays while payment_pending
 */
const char *
parla_booking_get_checkout_url (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->checkout_url;
}

void
parla_booking_set_checkout_url (ParlaBooking *self,
                                const char   *checkout_url)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (g_strcmp0 (self->checkout_url, checkout_url) == 0)
    return;

  g_free (self->checkout_url);
  self->checkout_url = g_strdup (checkout_url);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CHECKOUT_URL]);
}

/**
 * parla_booking_get_refund_status:
 *
 * Returns: (nullable): "pending", "succeeded" or "failed" once a refund
 *   was decided
 */
const char *
parla_booking_get_refund_status (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->refund_status;
}

void
parla_booking_set_refund_status (ParlaBooking *self,
                                 const char   *refund_status)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));
  g_return_if_fail (refund_status == NULL || g_strv_contains (refund_status_names, refund_status));

  if (g_strcmp0 (self->refund_status, refund_status) == 0)
    return;

  g_free (self->refund_status);
  self->refund_status = g_strdup (refund_status);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REFUND_STATUS]);
}

/**
 * parla_booking_get_learner_time_zone:
 *
 * Returns: (nullable): the learner's IANA time zone when they booked
 */
const char *
parla_booking_get_learner_time_zone (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->learner_time_zone;
}

void
parla_booking_set_learner_time_zone (ParlaBooking *self,
                                     const char   *learner_time_zone)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (g_strcmp0 (self->learner_time_zone, learner_time_zone) == 0)
    return;

  g_free (self->learner_time_zone);
  self->learner_time_zone = g_strdup (learner_time_zone);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LEARNER_TIME_ZONE]);
}

/**
 * parla_booking_get_reject_reason:
 *
 * Returns: (nullable): why the teacher declined the request, if they said
 */
const char *
parla_booking_get_reject_reason (ParlaBooking *self)
{
  g_return_val_if_fail (PARLA_IS_BOOKING (self), NULL);

  return self->reject_reason;
}

void
parla_booking_set_reject_reason (ParlaBooking *self,
                                 const char   *reject_reason)
{
  g_return_if_fail (PARLA_IS_BOOKING (self));

  if (g_strcmp0 (self->reject_reason, reject_reason) == 0)
    return;

  g_free (self->reject_reason);
  self->reject_reason = g_strdup (reject_reason);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_REJECT_REASON]);
}
