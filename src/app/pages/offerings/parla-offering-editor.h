/* parla-offering-editor.h: a window to create or change an offering
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_OFFERING_EDITOR (parla_offering_editor_get_type ())

G_DECLARE_FINAL_TYPE (ParlaOfferingEditor, parla_offering_editor, PARLA, OFFERING_EDITOR, AdwWindow)

ParlaOfferingEditor *parla_offering_editor_new          (ParlaContext        *context,
                                                         ParlaOffering       *offering);
ParlaOffering       *parla_offering_editor_get_offering (ParlaOfferingEditor *self);

G_END_DECLS
