/* parla-types.h: forward declarations and the wire enums of the domain
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _ParlaAvailability ParlaAvailability;
typedef struct _ParlaPolicy       ParlaPolicy;
typedef struct _ParlaUser         ParlaUser;
typedef struct _ParlaTeacher      ParlaTeacher;
typedef struct _ParlaOffering     ParlaOffering;
typedef struct _ParlaSession      ParlaSession;
typedef struct _ParlaBooking      ParlaBooking;

/* Each enum has a NULL-terminated array of wire names indexed by value
 * (parla_role_names[PARLA_ROLE_TEACHER] is "teacher"). Wire names never
 * change; new values are appended. */

typedef enum
{
  PARLA_ROLE_STUDENT,
  PARLA_ROLE_TEACHER,
  PARLA_ROLE_ADMIN,
} ParlaRole;
extern const char * const parla_role_names[];

typedef enum
{
  PARLA_TOPIC_FIXED,
  PARLA_TOPIC_FLEXIBLE,
} ParlaTopicType;
extern const char * const parla_topic_type_names[];

/* An offering is taught to one learner at a time or to a group. */
typedef enum
{
  PARLA_OFFERING_INDIVIDUAL,
  PARLA_OFFERING_GROUP,
} ParlaOfferingKind;
extern const char * const parla_offering_kind_names[];

/* Scheduled sessions ("type" on the wire). */
typedef enum
{
  PARLA_SESSION_GROUP,
  PARLA_SESSION_PRIVATE,
  PARLA_SESSION_PRACTICE,
  PARLA_SESSION_CULTURAL,
} ParlaSessionType;
extern const char * const parla_session_type_names[];

typedef enum
{
  PARLA_SESSION_STATUS_SCHEDULED,
  PARLA_SESSION_STATUS_CANCELLED,
} ParlaSessionStatus;
extern const char * const parla_session_status_names[];

typedef enum
{
  PARLA_BOOKING_CONFIRMED,
  PARLA_BOOKING_PENDING,
  PARLA_BOOKING_CANCELLED,
  PARLA_BOOKING_REJECTED,
  PARLA_BOOKING_PAYMENT_PENDING,  /* held until paid or the hold expires */
  PARLA_BOOKING_EXPIRED,          /* the hold expired unpaid */
} ParlaBookingStatus;
extern const char * const parla_booking_status_names[];

/* A seat in a scheduled session, or a 1:1 lesson from an offering. */
typedef enum
{
  PARLA_BOOKING_KIND_SESSION,
  PARLA_BOOKING_KIND_LESSON,
} ParlaBookingKind;
extern const char * const parla_booking_kind_names[];

typedef enum
{
  PARLA_PARTY_LEARNER,
  PARLA_PARTY_TEACHER,
} ParlaParty;
extern const char * const parla_party_names[];

typedef enum
{
  PARLA_SPECIALIZATION_BUSINESS,
  PARLA_SPECIALIZATION_ACADEMIC,
  PARLA_SPECIALIZATION_CONVERSATIONAL,
} ParlaSpecialization;
extern const char * const parla_specialization_names[];

/* CEFR levels; "all" is accepted only where a session is open to every level. */
typedef enum
{
  PARLA_LEVEL_A1,
  PARLA_LEVEL_A2,
  PARLA_LEVEL_B1,
  PARLA_LEVEL_B2,
  PARLA_LEVEL_C1,
  PARLA_LEVEL_C2,
  PARLA_LEVEL_ALL,
} ParlaLevel;
extern const char * const parla_level_names[];
extern const char * const parla_cefr_level_names[];

G_END_DECLS
