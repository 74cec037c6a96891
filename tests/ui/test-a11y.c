/* test-a11y.c: every control of the running app has a name on the
 * accessibility bus, the way a screen reader sees it
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * The real `parla` runs in a subprocess (an app cannot query its own
 * accessibility tree synchronously), signed in by a token this test puts
 * in the keyring first. The test walks the tree AT-SPI exports, on the
 * sign-in page and on every page of the learner and of the teacher, and
 * lists each button, toggle, check box, entry, combo or slider that has
 * no accessible name.
 */

#include "config.h"

#include <string.h>

/* at-spi 2.46's headers declare some functions without prototypes. */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wstrict-prototypes"
#include <atspi/atspi.h>
#pragma GCC diagnostic pop

/* Not declared by at-spi 2.46 itself. */
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiAccessible, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiStateSet, g_object_unref)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (AtspiAction, g_object_unref)

#include "parla-api-client.h"
#include "parla-token-store.h"
#include "ui-test-utils.h"

#define WAIT_MS 30000

typedef struct
{
  PtServer    *server;
  GSubprocess *app;
} Fixture;

static void
spin (guint ms)
{
  gint64 until = g_get_monotonic_time () + (gint64) ms * 1000;

  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (10 * 1000);
    }
}

static void
on_saved (GObject      *object,
          GAsyncResult *result,
          gpointer      user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;

  g_assert_true (parla_token_store_save_finish (PARLA_TOKEN_STORE (object), result, &error));
  g_assert_no_error (error);
  *done = TRUE;
}

static void
on_cleared (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  gboolean *done = user_data;

  parla_token_store_clear_finish (PARLA_TOKEN_STORE (object), result, NULL);
  *done = TRUE;
}

/* Signs in through the API and keeps the token where the app looks for
 * it, so that it starts signed in; NULL @email forgets it. */
static void
keep_token (Fixture    *fixture,
            const char *email)
{
  g_autoptr(ParlaTokenStore) store = parla_token_store_new ();
  /* The key the app uses: its client's idea of the server's URL. */
  g_autoptr(ParlaApiClient) client = parla_api_client_new (fixture->server->base_url, NULL, NULL);
  const char *url = parla_api_client_get_base_url (client);
  gboolean done = FALSE;

  if (email == NULL)
    {
      parla_token_store_clear_async (store, url, NULL, on_cleared, &done);
    }
  else
    {
      g_autofree char *body = pt_json ("{\"email\":\"%s\",\"password\":\"%s\"}", email, UI_DEMO_PASSWORD);
      g_autoptr(PtResponse) response = pt_request (fixture->server, "POST", "/api/v1/auth/login",
                                                   NULL, body, NULL);

      g_assert_cmpuint (response->status, ==, 200);
      parla_token_store_save_async (store, url, email, pt_str (response, "token"),
                                    NULL, on_saved, &done);
    }

  PT_WAIT_UNTIL (done, WAIT_MS);
}

static char *
describe (AtspiAccessible *accessible)
{
  g_autofree char *name = atspi_accessible_get_name (accessible, NULL);
  g_autofree char *role = atspi_accessible_get_role_name (accessible, NULL);

  return g_strdup_printf ("%s “%s”", role != NULL ? role : "?", name != NULL ? name : "");
}

static gboolean
has_state (AtspiAccessible *accessible,
           AtspiStateType   state)
{
  g_autoptr(AtspiStateSet) states = atspi_accessible_get_state_set (accessible);

  return states != NULL && atspi_state_set_contains (states, state);
}

static gboolean
is_control (AtspiRole role)
{
  switch ((int) role)
    {
    case ATSPI_ROLE_PUSH_BUTTON:
    case ATSPI_ROLE_TOGGLE_BUTTON:
    case ATSPI_ROLE_CHECK_BOX:
    case ATSPI_ROLE_RADIO_BUTTON:
    case ATSPI_ROLE_COMBO_BOX:
    case ATSPI_ROLE_ENTRY:
    case ATSPI_ROLE_PASSWORD_TEXT:
    case ATSPI_ROLE_SPIN_BUTTON:
    case ATSPI_ROLE_SLIDER:
    case ATSPI_ROLE_LINK:
    case ATSPI_ROLE_MENU_ITEM:
    case ATSPI_ROLE_CHECK_MENU_ITEM:
    case ATSPI_ROLE_RADIO_MENU_ITEM:
    case ATSPI_ROLE_PAGE_TAB:
    case ATSPI_ROLE_TEXT:
      return TRUE;
    default:
      return FALSE;
    }
}

/* GTK 4.8 names a widget without a label after its type ("GtkMenuButton"),
 * which tells a screen-reader user nothing: that is no name. */
static gboolean
is_real_name (const char *name)
{
  return name != NULL && *name != '\0' &&
         !g_regex_match_simple ("^(Gtk|Adw|Parla)[A-Z][A-Za-z]*$", name, 0, 0);
}

static gboolean
has_name (AtspiAccessible *accessible)
{
  g_autofree char *name = atspi_accessible_get_name (accessible, NULL);
  g_autoptr(GArray) relations = NULL;

  if (name != NULL && is_real_name (g_strstrip (name)))
    return TRUE;

  relations = atspi_accessible_get_relation_set (accessible, NULL);
  for (guint i = 0; relations != NULL && i < relations->len; i++)
    {
      AtspiRelation *relation = g_array_index (relations, AtspiRelation *, i);

      if (atspi_relation_get_relation_type (relation) == ATSPI_RELATION_LABELLED_BY &&
          atspi_relation_get_n_targets (relation) > 0)
        {
          g_autoptr(AtspiAccessible) target = atspi_relation_get_target (relation, 0);
          g_autofree char *label = atspi_accessible_get_name (target, NULL);

          if (label != NULL && is_real_name (g_strstrip (label)))
            return TRUE;
        }
    }

  return FALSE;
}

/* Collects the controls without a name under @accessible. GTK 4.8 exports
 * no "showing" state and keeps hidden stack pages in the tree, so this
 * sees the controls of every page of the window at once. */
static void
find_unnamed (AtspiAccessible *accessible,
              const char      *path,
              GPtrArray       *unnamed,
              guint           *n_controls)
{
  g_autofree char *here = describe (accessible);
  g_autofree char *where = g_strdup_printf ("%s > %s", path, here);
  AtspiRole role = atspi_accessible_get_role (accessible, NULL);
  int n_children;

  if (is_control (role) &&
      (role != ATSPI_ROLE_TEXT || has_state (accessible, ATSPI_STATE_EDITABLE)))
    {
      (*n_controls)++;
      if (!has_name (accessible))
        g_ptr_array_add (unnamed, g_steal_pointer (&where));
    }

  n_children = atspi_accessible_get_child_count (accessible, NULL);
  for (int i = 0; i < n_children; i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (accessible, i, NULL);

      if (child != NULL)
        find_unnamed (child, where != NULL ? where : path, unnamed, n_controls);
    }
}

static AtspiAccessible *
find_app (void)
{
  g_autoptr(AtspiAccessible) desktop = atspi_get_desktop (0);
  int n = atspi_accessible_get_child_count (desktop, NULL);

  for (int i = 0; i < n; i++)
    {
      g_autoptr(AtspiAccessible) app = atspi_accessible_get_child_at_index (desktop, i, NULL);
      g_autofree char *name = app != NULL ? atspi_accessible_get_name (app, NULL) : NULL;

      if (g_strcmp0 (name, "parla") == 0)
        return g_steal_pointer (&app);
    }

  return NULL;
}

/* The first descendant with @role and @name (any name when NULL). */
static AtspiAccessible *
find_named (AtspiAccessible *accessible,
              AtspiRole        role,
              const char      *name)
{
  int n_children;

  if (atspi_accessible_get_role (accessible, NULL) == role)
    {
      g_autofree char *own = atspi_accessible_get_name (accessible, NULL);

      /* GTK 4.8 joins a button's label and its child's text ("_Sign In
       * Sign In"): a match anywhere in the name will do. */
      if (name == NULL || (own != NULL && strstr (own, name) != NULL))
        return g_object_ref (accessible);
    }

  n_children = atspi_accessible_get_child_count (accessible, NULL);
  for (int i = 0; i < n_children; i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (accessible, i, NULL);
      AtspiAccessible *found = child != NULL ? find_named (child, role, name) : NULL;

      if (found != NULL)
        return found;
    }

  return NULL;
}

static void
dump (AtspiAccessible *accessible,
      int              depth)
{
  g_autofree char *here = describe (accessible);
  int n_children = atspi_accessible_get_child_count (accessible, NULL);

  g_printerr ("%*s%s\n", depth * 2, "", here);
  for (int i = 0; i < n_children && depth < 40; i++)
    {
      g_autoptr(AtspiAccessible) child = atspi_accessible_get_child_at_index (accessible, i, NULL);

      if (child != NULL)
        dump (child, depth + 1);
    }
}

static AtspiAccessible *
wait_for (AtspiAccessible *app,
                  AtspiRole        role,
                  const char      *name)
{
  gint64 deadline = g_get_monotonic_time () + (gint64) WAIT_MS * 1000;
  AtspiAccessible *found;

  while ((found = find_named (app, role, name)) == NULL)
    {
      if (g_get_monotonic_time () > deadline)
        {
          dump (app, 0);
          g_error ("No %s “%s” in the app", atspi_role_get_name (role), name);
        }
      spin (100);
    }

  return found;
}

static void
launch (Fixture *fixture)
{
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_NONE);
  g_autoptr(GError) error = NULL;

  g_subprocess_launcher_setenv (launcher, "GSETTINGS_BACKEND", "memory", TRUE);
  g_subprocess_launcher_unsetenv (launcher, "NO_AT_BRIDGE");
  g_subprocess_launcher_unsetenv (launcher, "GTK_A11Y");
  g_subprocess_launcher_setenv (launcher, "G_DEBUG", "", TRUE);
  fixture->app = g_subprocess_launcher_spawn (launcher, &error, g_getenv ("PARLA_APP_BIN"),
                                              "--server", fixture->server->base_url, NULL);
  g_assert_no_error (error);
}

static void
quit (Fixture *fixture)
{
  g_subprocess_send_signal (fixture->app, SIGTERM);
  g_subprocess_wait (fixture->app, NULL, NULL);
  g_clear_object (&fixture->app);
  /* Let the registry forget it before the next one registers. */
  spin (300);
}

static void
check_named (AtspiAccessible *app,
             const char      *screen,
             GPtrArray       *problems)
{
  g_autoptr(GPtrArray) unnamed = g_ptr_array_new_with_free_func (g_free);
  guint n_controls = 0;

  find_unnamed (app, screen, unnamed, &n_controls);
  g_test_message ("%s: %u controls, %u without a name", screen, n_controls, unnamed->len);
  g_assert_cmpuint (n_controls, >, 0);
  for (guint i = 0; i < unnamed->len; i++)
    {
      g_test_message ("no accessible name: %s", (char *) g_ptr_array_index (unnamed, i));
      g_ptr_array_add (problems, g_strdup (g_ptr_array_index (unnamed, i)));
    }
}

static void
test_accessible_names (void)
{
  Fixture fixture = { 0 };
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  /* Each role, and the first page it sees. */
  static const struct {
    const char *email;
    const char *first_page;
  } accounts[] = {
    { UI_LEARNER_EMAIL, "Discover" },
    { UI_TEACHER_EMAIL, "Requests" },
  };

  if (g_getenv ("PARLA_APP_BIN") == NULL)
    {
      g_test_skip ("PARLA_APP_BIN is not set");
      return;
    }

  fixture.server = ui_server_start_demo ();
  g_assert_cmpint (atspi_init (), <=, 1);

  /* Signed out: the sign-in page. */
  {
    g_autoptr(AtspiAccessible) app = NULL;
    g_autoptr(AtspiAccessible) button = NULL;

    keep_token (&fixture, NULL);
    launch (&fixture);
    PT_WAIT_UNTIL ((app = find_app ()) != NULL, WAIT_MS);
    button = wait_for (app, ATSPI_ROLE_PUSH_BUTTON, "Sign In");
    check_named (app, "sign-in", problems);
    quit (&fixture);
  }

  /* Signed in: every page of each role. */
  for (guint i = 0; i < G_N_ELEMENTS (accounts); i++)
    {
      g_autoptr(AtspiAccessible) app = NULL;
      g_autoptr(AtspiAccessible) page = NULL;

      keep_token (&fixture, accounts[i].email);
      launch (&fixture);
      PT_WAIT_UNTIL ((app = find_app ()) != NULL, WAIT_MS);
      /* Signed in once the view switcher offers the role's first page. */
      page = wait_for (app, ATSPI_ROLE_PAGE_TAB, accounts[i].first_page);
      check_named (app, accounts[i].email, problems);
      quit (&fixture);
    }

  for (guint i = 0; i < problems->len; i++)
    g_printerr ("no accessible name: %s\n", (char *) g_ptr_array_index (problems, i));
  g_assert_cmpuint (problems->len, ==, 0);

  pt_server_stop (fixture.server);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  /* libatspi warns (domain "dbind", structured, so no fatal handler sees
   * it) about each application without a cache object, which GTK 4 does
   * not export. Criticals stay fatal. */
  g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);

  g_test_add_func ("/ui/a11y/accessible-names", test_accessible_names);

  return g_test_run ();
}
