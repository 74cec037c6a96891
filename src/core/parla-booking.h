/* parla-booking.h: a seat in a session or a 1:1 lesson, and its history
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib-object.h>
#include <json-glib/json-glib.h>

#include "parla-json.h"
#include "parla-policy.h"
#include "parla-types.h"

G_BEGIN_DECLS

/* What happened to a booking ("action" of a history item). */
typedef enum
{
  PARLA_BOOKING_ACTION_CREATED,
  PARLA_BOOKING_ACTION_CONFIRMED,
  PARLA_BOOKING_ACTION_RESCHEDULED,
  PARLA_BOOKING_ACTION_CANCELLED,
  PARLA_BOOKING_ACTION_REJECTED,
  PARLA_BOOKING_ACTION_ACCEPTED,
  PARLA_BOOKING_ACTION_PAID,
  PARLA_BOOKING_ACTION_EXPIRED,
  PARLA_BOOKING_ACTION_REFUNDED,
} ParlaBookingAction;
extern const char * const parla_booking_action_names[];

/* ParlaBookingChange: one item of a booking's history,
 * {at, action, actor_id, status, from_start, from_end, to_start, to_end}.
 * actor_id may be %NULL; the four from/to instants are 0 when null. */
typedef struct _ParlaBookingChange ParlaBookingChange;

struct _ParlaBookingChange
{
  /*< private >*/
  grefcount           ref_count;

  /*< public >*/
  gint64              at;
  ParlaBookingAction  action;
  char               *actor_id;    /* owned, nullable */
  ParlaBookingStatus  status;      /* the booking's status after the change */
  gint64              from_start;  /* 0 = null */
  gint64              from_end;
  gint64              to_start;
  gint64              to_end;
};

#define PARLA_TYPE_BOOKING_CHANGE (parla_booking_change_get_type ())

GType               parla_booking_change_get_type      (void) G_GNUC_CONST;
ParlaBookingChange *parla_booking_change_new           (gint64               at,
                                                        ParlaBookingAction   action,
                                                        const char          *actor_id,
                                                        ParlaBookingStatus   status);
ParlaBookingChange *parla_booking_change_new_from_json (JsonNode            *node,
                                                        GError             **error);
JsonNode           *parla_booking_change_to_json       (ParlaBookingChange  *self);
ParlaBookingChange *parla_booking_change_ref           (ParlaBookingChange  *self);
void                parla_booking_change_unref         (ParlaBookingChange  *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (ParlaBookingChange, parla_booking_change_unref)

/* ParlaBooking:
 *
 * {id, kind, session_id, offering_id, learner_id, learner_name, teacher_id,
 *  teacher_name, title, start, end, status, topic, message, price_minor,
 *  currency, fee_minor, refund_minor, cancelled_by, cancelled_at, created_at,
 *  policy, history, hold_expires_at, checkout_url, refund_status,
 *  learner_time_zone, reject_reason}
 *
 * Every member belongs to the server. Null on the wire is, on the C side:
 * %NULL for session_id and offering_id, -1 for refund_minor and
 * cancelled_by (otherwise a #ParlaParty), 0 for cancelled_at and
 * hold_expires_at, %NULL for checkout_url and refund_status. */
#define PARLA_TYPE_BOOKING (parla_booking_get_type ())

G_DECLARE_FINAL_TYPE (ParlaBooking, parla_booking, PARLA, BOOKING, GObject)

ParlaBooking       *parla_booking_new                (void);
ParlaBooking       *parla_booking_new_from_json      (JsonNode            *node,
                                                      ParlaJsonMode        mode,
                                                      GError             **error);
JsonNode           *parla_booking_to_json            (ParlaBooking        *self);

gboolean            parla_booking_is_active          (ParlaBooking        *self);

void                parla_booking_add_change         (ParlaBooking        *self,
                                                      ParlaBookingChange  *change);
GPtrArray          *parla_booking_get_history        (ParlaBooking        *self);

const char         *parla_booking_get_id             (ParlaBooking        *self);
void                parla_booking_set_id             (ParlaBooking        *self,
                                                      const char          *id);
ParlaBookingKind    parla_booking_get_kind           (ParlaBooking        *self);
void                parla_booking_set_kind           (ParlaBooking        *self,
                                                      ParlaBookingKind     kind);
const char         *parla_booking_get_session_id     (ParlaBooking        *self);
void                parla_booking_set_session_id     (ParlaBooking        *self,
                                                      const char          *session_id);
const char         *parla_booking_get_offering_id    (ParlaBooking        *self);
void                parla_booking_set_offering_id    (ParlaBooking        *self,
                                                      const char          *offering_id);
const char         *parla_booking_get_learner_id     (ParlaBooking        *self);
void                parla_booking_set_learner_id     (ParlaBooking        *self,
                                                      const char          *learner_id);
const char         *parla_booking_get_learner_name   (ParlaBooking        *self);
void                parla_booking_set_learner_name   (ParlaBooking        *self,
                                                      const char          *learner_name);
const char         *parla_booking_get_teacher_id     (ParlaBooking        *self);
void                parla_booking_set_teacher_id     (ParlaBooking        *self,
                                                      const char          *teacher_id);
const char         *parla_booking_get_teacher_name   (ParlaBooking        *self);
void                parla_booking_set_teacher_name   (ParlaBooking        *self,
                                                      const char          *teacher_name);
const char         *parla_booking_get_title          (ParlaBooking        *self);
void                parla_booking_set_title          (ParlaBooking        *self,
                                                      const char          *title);
gint64              parla_booking_get_start          (ParlaBooking        *self);
void                parla_booking_set_start          (ParlaBooking        *self,
                                                      gint64               start);
gint64              parla_booking_get_end            (ParlaBooking        *self);
void                parla_booking_set_end            (ParlaBooking        *self,
                                                      gint64               end);
ParlaBookingStatus  parla_booking_get_status         (ParlaBooking        *self);
void                parla_booking_set_status         (ParlaBooking        *self,
                                                      ParlaBookingStatus   status);
const char         *parla_booking_get_topic          (ParlaBooking        *self);
void                parla_booking_set_topic          (ParlaBooking        *self,
                                                      const char          *topic);
const char         *parla_booking_get_message        (ParlaBooking        *self);
void                parla_booking_set_message        (ParlaBooking        *self,
                                                      const char          *message);
gint64              parla_booking_get_price_minor    (ParlaBooking        *self);
void                parla_booking_set_price_minor    (ParlaBooking        *self,
                                                      gint64               price_minor);
const char         *parla_booking_get_currency       (ParlaBooking        *self);
void                parla_booking_set_currency       (ParlaBooking        *self,
                                                      const char          *currency);
gint64              parla_booking_get_fee_minor      (ParlaBooking        *self);
void                parla_booking_set_fee_minor      (ParlaBooking        *self,
                                                      gint64               fee_minor);
/* -1 while no refund was decided (null on the wire). */
gint64              parla_booking_get_refund_minor   (ParlaBooking        *self);
void                parla_booking_set_refund_minor   (ParlaBooking        *self,
                                                      gint64               refund_minor);
/* A #ParlaParty, or -1 while not cancelled (null on the wire). */
int                 parla_booking_get_cancelled_by   (ParlaBooking        *self);
void                parla_booking_set_cancelled_by   (ParlaBooking        *self,
                                                      int                  cancelled_by);
/* 0 while not cancelled (null on the wire). */
gint64              parla_booking_get_cancelled_at   (ParlaBooking        *self);
void                parla_booking_set_cancelled_at   (ParlaBooking        *self,
                                                      gint64               cancelled_at);
gint64              parla_booking_get_created_at     (ParlaBooking        *self);
void                parla_booking_set_created_at     (ParlaBooking        *self,
                                                      gint64               created_at);
ParlaPolicy        *parla_booking_get_policy         (ParlaBooking        *self);
void                parla_booking_set_policy         (ParlaBooking        *self,
                                                      ParlaPolicy         *policy);
/* Payment: while payment_pending, when the hold lapses (0: no hold) and
 * where the learner pays (%NULL: nowhere); once a refund was decided, its
 * state at the payment provider: "pending", "succeeded" or "failed". */
gint64              parla_booking_get_hold_expires_at (ParlaBooking       *self);
void                parla_booking_set_hold_expires_at (ParlaBooking       *self,
                                                       gint64              hold_expires_at);
const char         *parla_booking_get_checkout_url   (ParlaBooking        *self);
void                parla_booking_set_checkout_url   (ParlaBooking        *self,
                                                      const char          *checkout_url);
const char         *parla_booking_get_refund_status  (ParlaBooking        *self);
void                parla_booking_set_refund_status  (ParlaBooking        *self,
                                                      const char          *refund_status);
/* The learner's IANA time zone when they booked (%NULL: not known), and
 * why the teacher declined the request (%NULL: no reason given). */
const char         *parla_booking_get_learner_time_zone (ParlaBooking     *self);
void                parla_booking_set_learner_time_zone (ParlaBooking     *self,
                                                         const char       *learner_time_zone);
const char         *parla_booking_get_reject_reason  (ParlaBooking        *self);
void                parla_booking_set_reject_reason  (ParlaBooking        *self,
                                                      const char          *reject_reason);

G_END_DECLS
