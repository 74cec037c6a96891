/* parla-application.h: the Parla desktop application
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_APPLICATION (parla_application_get_type ())

G_DECLARE_FINAL_TYPE (ParlaApplication, parla_application, PARLA, APPLICATION, AdwApplication)

ParlaApplication *parla_application_new              (void);
ParlaContext     *parla_application_get_context      (ParlaApplication *self);
char             *parla_application_dup_default_server (GSettings      *settings);

G_END_DECLS
