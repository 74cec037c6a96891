/* parla-sign-in-page.h: sign in or create an account
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"

G_BEGIN_DECLS

#define PARLA_TYPE_SIGN_IN_PAGE (parla_sign_in_page_get_type ())

G_DECLARE_FINAL_TYPE (ParlaSignInPage, parla_sign_in_page, PARLA, SIGN_IN_PAGE, AdwBin)

void parla_sign_in_page_set_context (ParlaSignInPage *self,
                                     ParlaContext    *context);
void parla_sign_in_page_set_message (ParlaSignInPage *self,
                                     const char      *message);
void parla_sign_in_page_focus       (ParlaSignInPage *self);

G_END_DECLS
