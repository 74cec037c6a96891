/* ui-test-utils.h: drive the real app's widgets in-process, against a
 * real parla-server, and save what each screen looks like
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

#include "parla-context.h"
#include "parla-test-server.h"
#include "parla-window.h"

G_BEGIN_DECLS

#define UI_LEARNER_EMAIL "demo.learner@parla.app"
#define UI_TEACHER_EMAIL "demo.teacher@parla.app"
#define UI_DEMO_PASSWORD "parla-demo"

/* gtk_test_init() and adw_init(); call first in main(). */
void          ui_test_init            (int          *argc,
                                       char       ***argv);

/* A server seeded with the demo catalogue (parla-server --demo, without
 * the demo tutor's peer). */
PtServer     *ui_server_start_demo    (void);

typedef struct
{
  PtServer     *server;
  GSettings    *settings;
  ParlaContext *context;
  ParlaWindow  *window;
} UiApp;

/* A context on @server and a presented main window; waits until it shows
 * the sign-in page or, when a token was kept, the signed-in pages. */
UiApp        *ui_app_new              (PtServer     *server);
/* Signs in through the sign-in page, as a user would, and waits for the
 * main pages. */
void          ui_app_sign_in          (UiApp        *app,
                                       const char   *email,
                                       const char   *password);
/* Destroys the window and checks that it and the context are finalized. */
void          ui_app_free             (UiApp        *app);

/* Spins the main context until @cond holds, failing after @timeout_ms. */
#define UI_WAIT_UNTIL(cond, timeout_ms) PT_WAIT_UNTIL (cond, timeout_ms)
void          ui_wait_drawn           (GtkWidget    *widget);
void          ui_spin                 (guint         ms);

/* The first descendant of @root (itself included) of @type whose visible
 * text is @label: a button's or label's text, a row's title, a page's
 * title, an entry's placeholder. @type may be G_TYPE_NONE for any. */
GtkWidget    *ui_find                 (GtkWidget    *root,
                                       GType         type,
                                       const char   *label);
/* Like ui_find(), and fails the test when there is none. */
GtkWidget    *ui_get                  (GtkWidget    *root,
                                       GType         type,
                                       const char   *label);
/* The @nth (from 0) descendant of @type, or NULL. */
GtkWidget    *ui_find_nth_of_type     (GtkWidget    *root,
                                       GType         type,
                                       guint         nth);
guint         ui_count_of_type        (GtkWidget    *root,
                                       GType         type,
                                       gboolean      mapped_only);
/* Types @text into an editable (entry, entry row), replacing what was
 * there. */
void          ui_type                 (GtkWidget    *editable,
                                       const char   *text);
/* Clicks a button (or activates any activatable widget). */
void          ui_click                (GtkWidget    *widget);

/* Saves @window as it looks now into <builddir>/screenshots/@name-1280.png
 * and, re-laid-out 400 pixels wide, @name-400.png, then restores its
 * size. */
void          ui_screenshot           (GtkWindow    *window,
                                       const char   *name);
/* The same for a dialog or other window at its current size only. */
void          ui_screenshot_as_is     (GtkWindow    *window,
                                       const char   *name);

G_END_DECLS
