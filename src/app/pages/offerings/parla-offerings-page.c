/* parla-offerings-page.c: the teacher's offerings
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-format.h"
#include "parla-offerings-page.h"
#include "parla-window.h"

/**
 * ParlaOfferingsPage:
 *
 * Lists the teacher's current offerings (`GET /api/v1/offerings` with the
 * teacher's id) with their duration, price, type and booking mode, and
 * opens a #ParlaOfferingEditor to create or change one. Archiving takes
 * the offering out of the list at once and offers Undo in a toast; the
 * server is told (`DELETE /api/v1/offerings/{id}`, through the outbox
 * while offline) when the toast goes away, because an archived offering
 * cannot come back.
 */
struct _ParlaOfferingsPage
{
  AdwBin               parent_instance;

  /* owned */
  ParlaContext        *context;
  GCancellable        *cancellable;
  GCancellable        *load_cancellable;
  GListStore          *offerings;
  GPtrArray           *pending;        /* AdwToast of archives not sent yet */
  guint                archiving;
  gboolean             loaded;

  /* borrowed */
  ParlaOfferingEditor *editor;

  /* template */
  GtkStack            *stack;
  AdwStatusPage       *error_page;
  GtkListBox          *list_box;
};

G_DEFINE_FINAL_TYPE (ParlaOfferingsPage, parla_offerings_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void load (ParlaOfferingsPage *self);

static void
update_view (ParlaOfferingsPage *self)
{
  if (!self->loaded)
    return;

  gtk_stack_set_visible_child_name (self->stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->offerings)) > 0
                                    ? "list" : "empty");
}

static guint
count_materials (ParlaOffering *offering)
{
  ParlaMaterials *materials = parla_offering_get_materials (offering);
  guint n = 0;

  if (materials == NULL)
    return 0;

  n += materials != NULL && parla_materials_get_prompts (materials) != NULL
       ? g_strv_length ((char **) parla_materials_get_prompts (materials)) : 0;
  n += parla_materials_get_vocabulary (materials) != NULL
       ? g_strv_length ((char **) parla_materials_get_vocabulary (materials)) : 0;
  n += parla_materials_get_grammar_points (materials) != NULL
       ? g_strv_length ((char **) parla_materials_get_grammar_points (materials)) : 0;
  n += parla_materials_get_cultural_notes (materials) != NULL
       ? g_strv_length ((char **) parla_materials_get_cultural_notes (materials)) : 0;
  return n;
}

static char *
describe_offering (ParlaOffering *offering)
{
  g_autofree char *duration = parla_format_minutes (parla_offering_get_duration_minutes (offering));
  g_autofree char *price = parla_format_price_or_free (parla_offering_get_price_minor (offering),
                                                       parla_offering_get_currency (offering));
  g_autofree char *kind = NULL;
  g_autofree char *materials = NULL;
  guint n_materials = count_materials (offering);
  int capacity = parla_offering_get_capacity (offering);

  if (parla_offering_get_session_type (offering) == PARLA_OFFERING_GROUP)
    kind = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "Group of up to %d", "Group of up to %d", capacity),
                            capacity);
  else
    kind = g_strdup (_("One-to-one"));

  materials = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u material", "%u materials", n_materials),
                               n_materials);

  /* Translators: duration · price · kind · booking mode · materials */
  return g_strdup_printf (_("%s · %s · %s · %s · %s"), duration, price, kind,
                          parla_offering_get_requires_approval (offering)
                          ? _("Approval required") : _("Instant booking"),
                          materials);
}

static GtkWidget *
create_row (gpointer item,
            gpointer user_data)
{
  ParlaOffering *offering = item;
  const char *title = parla_offering_get_title (offering);
  g_autofree char *subtitle = describe_offering (offering);
  g_autofree char *edit_label = g_strdup_printf (_("Edit “%s”"), title);
  g_autofree char *archive_label = g_strdup_printf (_("Archive “%s”"), title);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *edit = gtk_button_new_from_icon_name ("document-edit-symbolic");
  GtkWidget *archive = gtk_button_new_from_icon_name ("user-trash-symbolic");

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "offerings.edit");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", parla_offering_get_id (offering));

  gtk_widget_set_tooltip_text (edit, _("Edit"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (edit), GTK_ACCESSIBLE_PROPERTY_LABEL, edit_label, -1);
  gtk_widget_set_valign (edit, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (edit, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (edit), "offerings.edit");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (edit), "s", parla_offering_get_id (offering));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), edit);

  gtk_widget_set_tooltip_text (archive, _("Archive"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (archive), GTK_ACCESSIBLE_PROPERTY_LABEL, archive_label, -1);
  gtk_widget_set_valign (archive, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (archive, "flat");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (archive), "offerings.archive");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (archive), "s", parla_offering_get_id (offering));
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), archive);

  return row;
}

static ParlaOffering *
find_offering (ParlaOfferingsPage *self,
               const char         *id,
               guint              *out_position)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->offerings)); i++)
    {
      g_autoptr(ParlaOffering) offering = g_list_model_get_item (G_LIST_MODEL (self->offerings), i);

      if (g_strcmp0 (parla_offering_get_id (offering), id) == 0)
        {
          if (out_position != NULL)
            *out_position = i;
          return offering;
        }
    }

  return NULL;
}

/* Loading */

static void
on_loaded_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(GError) error = NULL;
  ParlaOfferingsPage *self;
  GListModel *items;
  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_object_unref);

  page = parla_api_client_list_offerings_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_OFFERINGS_PAGE (user_data);
  if (page == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      if (!self->loaded)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }

  /* What is about to be archived stays out of the list. */
  items = parla_api_page_get_items (page);
  for (guint i = 0; i < g_list_model_get_n_items (items); i++)
    {
      g_autoptr(ParlaOffering) offering = g_list_model_get_item (items, i);
      gboolean pending = FALSE;

      for (guint j = 0; j < self->pending->len; j++)
        {
          ParlaOffering *archived = g_object_get_data (g_ptr_array_index (self->pending, j), "offering");

          pending = pending || g_strcmp0 (parla_offering_get_id (archived), parla_offering_get_id (offering)) == 0;
        }
      if (!pending && !parla_offering_get_archived (offering))
        g_ptr_array_add (kept, g_steal_pointer (&offering));
    }

  g_list_store_splice (self->offerings, 0, g_list_model_get_n_items (G_LIST_MODEL (self->offerings)),
                       kept->pdata, kept->len);
  self->loaded = TRUE;
  update_view (self);
}

static void
load (ParlaOfferingsPage *self)
{
  ParlaUser *user = parla_context_get_user (self->context);
  g_autoptr(ParlaApiQuery) query = NULL;

  if (user == NULL)
    return;

  g_cancellable_cancel (self->load_cancellable);
  g_clear_object (&self->load_cancellable);
  self->load_cancellable = g_cancellable_new ();

  if (!self->loaded)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  query = parla_api_query_new ();
  parla_api_query_add_string (query, "teacher_id", parla_user_get_id (user));
  parla_api_query_add_int (query, "limit", 100);
  parla_api_client_list_offerings_async (parla_context_get_api_client (self->context), query,
                                         self->load_cancellable, on_loaded_cb, self);
}

/* Archiving */

static void
on_archived_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(GError) error = NULL;
  ParlaOfferingsPage *self;

  if (!parla_api_client_archive_offering_finish (PARLA_API_CLIENT (object), result, &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_OFFERINGS_PAGE (user_data);
  if (error != NULL)
    parla_widget_show_error (GTK_WIDGET (self), error);

  if (--self->archiving == 0)
    load (self);
}

static void
send_archive (ParlaOfferingsPage *self,
              ParlaOffering      *offering,
              gboolean            detached)
{
  const char *id = parla_offering_get_id (offering);

  if (!parla_context_get_online (self->context))
    {
      ParlaOutbox *outbox = parla_context_get_outbox (self->context);
      g_autofree char *path = g_strdup_printf ("/api/v1/offerings/%s", id);
      g_autofree char *description = g_strdup_printf (_("Archive the offering “%s”"),
                                                      parla_offering_get_title (offering));
      g_autofree char *key = NULL;
      g_autoptr(GError) error = NULL;

      if (outbox != NULL)
        key = parla_outbox_enqueue_request (outbox, "DELETE", path, NULL, description, &error);
      if (key == NULL && error != NULL && !detached)
        parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  if (detached)
    {
      /* The page is going away: the archive goes on without it. */
      parla_api_client_archive_offering_async (parla_context_get_api_client (self->context), id,
                                               NULL, NULL, NULL);
      return;
    }

  self->archiving++;
  parla_api_client_archive_offering_async (parla_context_get_api_client (self->context), id,
                                           self->cancellable, on_archived_cb, self);
}

/* Sends the archive of @toast's offering, once. */
static void
commit_archive (ParlaOfferingsPage *self,
                AdwToast           *toast,
                gboolean            detached)
{
  ParlaOffering *offering = g_object_get_data (G_OBJECT (toast), "offering");

  if (g_object_get_data (G_OBJECT (toast), "undone") != NULL ||
      g_object_get_data (G_OBJECT (toast), "sent") != NULL)
    return;

  g_object_set_data (G_OBJECT (toast), "sent", GINT_TO_POINTER (TRUE));
  send_archive (self, offering, detached);
}

static void
on_archive_toast_dismissed_cb (ParlaOfferingsPage *self,
                               AdwToast           *toast)
{
  g_autoptr(AdwToast) kept = g_object_ref (toast);

  g_ptr_array_remove (self->pending, toast);
  commit_archive (self, toast, FALSE);
}

static void
on_archive_undo_cb (ParlaOfferingsPage *self,
                    AdwToast           *toast)
{
  ParlaOffering *offering = g_object_get_data (G_OBJECT (toast), "offering");
  guint position = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (toast), "position"));

  /* Too late: Ctrl+R sent it already, and archived offerings stay so. */
  if (g_object_get_data (G_OBJECT (toast), "sent") != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("“%s” is archived already"),
                                               parla_offering_get_title (offering));

      parla_widget_show_toast (GTK_WIDGET (self), text);
      return;
    }

  g_object_set_data (G_OBJECT (toast), "undone", GINT_TO_POINTER (TRUE));
  position = MIN (position, g_list_model_get_n_items (G_LIST_MODEL (self->offerings)));
  g_list_store_insert (self->offerings, position, offering);
  update_view (self);
}

/* Actions */

static void
on_editor_saved_cb (ParlaOfferingsPage *self,
                    ParlaOffering      *offering)
{
  if (offering != NULL)
    {
      g_autofree char *text = g_strdup_printf (_("Saved “%s”"), parla_offering_get_title (offering));

      parla_widget_show_toast (GTK_WIDGET (self), text);
    }
  else
    {
      parla_widget_show_toast (GTK_WIDGET (self),
                               _("You are offline: the offering will be saved when the server is back"));
    }
  load (self);
}

static void
open_editor (ParlaOfferingsPage *self,
             ParlaOffering      *offering)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));

  self->editor = parla_offering_editor_new (self->context, offering);
  g_object_add_weak_pointer (G_OBJECT (self->editor), (gpointer *) &self->editor);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (self->editor), GTK_WINDOW (root));
  g_signal_connect_object (self->editor, "saved", G_CALLBACK (on_editor_saved_cb), self, G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (self->editor));
}

static void
new_action (GtkWidget  *widget,
            const char *action_name,
            GVariant   *parameter)
{
  open_editor (PARLA_OFFERINGS_PAGE (widget), NULL);
}

static void
edit_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (widget);
  ParlaOffering *offering = find_offering (self, g_variant_get_string (parameter, NULL), NULL);

  if (offering != NULL)
    open_editor (self, offering);
}

static void
archive_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (widget);
  guint position = 0;
  ParlaOffering *offering = find_offering (self, g_variant_get_string (parameter, NULL), &position);
  g_autofree char *title = NULL;
  GtkRoot *root = gtk_widget_get_root (widget);
  AdwToast *toast;

  if (offering == NULL || !PARLA_IS_WINDOW (root))
    return;

  title = g_strdup_printf (_("Archived “%s”"), parla_offering_get_title (offering));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_timeout (toast, 6);
  g_object_set_data_full (G_OBJECT (toast), "offering", g_object_ref (offering), g_object_unref);
  g_object_set_data (G_OBJECT (toast), "position", GUINT_TO_POINTER (position));
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (on_archive_undo_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (toast, "dismissed", G_CALLBACK (on_archive_toast_dismissed_cb), self,
                           G_CONNECT_SWAPPED);
  g_ptr_array_add (self->pending, g_object_ref (toast));

  g_list_store_remove (self->offerings, position);
  update_view (self);
  parla_window_add_toast (PARLA_WINDOW (root), toast);
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (widget);

  /* Archives waiting for their toast are sent now; the list follows.
   * (The toasts stay: dismissing a toast while it slides in is unsafe in
   * libadwaita 1.2.) */
  if (self->pending->len > 0)
    {
      while (self->pending->len > 0)
        {
          g_autoptr(AdwToast) toast = g_ptr_array_steal_index (self->pending, 0);

          commit_archive (self, toast, FALSE);
        }
      if (self->archiving > 0)
        return;
    }

  load (self);
}

/* GObject */

static void
parla_offerings_page_constructed (GObject *object)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (object);

  G_OBJECT_CLASS (parla_offerings_page_parent_class)->constructed (object);

  load (self);
}

static void
parla_offerings_page_dispose (GObject *object)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->load_cancellable);

  /* Archives the user did not undo still happen. */
  while (self->pending != NULL && self->pending->len > 0)
    {
      g_autoptr(AdwToast) toast = g_ptr_array_steal_index (self->pending, 0);

      g_signal_handlers_disconnect_by_data (toast, self);
      commit_archive (self, toast, TRUE);
    }

  if (self->editor != NULL)
    gtk_window_destroy (GTK_WINDOW (self->editor));
  /* The stack is both the bin's child and a template child: let the bin
   * drop it first, so that it is not unparented twice. */
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_OFFERINGS_PAGE);

  G_OBJECT_CLASS (parla_offerings_page_parent_class)->dispose (object);
}

static void
parla_offerings_page_finalize (GObject *object)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->load_cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->offerings);
  g_clear_pointer (&self->pending, g_ptr_array_unref);

  G_OBJECT_CLASS (parla_offerings_page_parent_class)->finalize (object);
}

static void
parla_offerings_page_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_offerings_page_set_property (GObject      *object,
                                   guint         prop_id,
                                   const GValue *value,
                                   GParamSpec   *pspec)
{
  ParlaOfferingsPage *self = PARLA_OFFERINGS_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_offerings_page_class_init (ParlaOfferingsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_offerings_page_constructed;
  object_class->dispose = parla_offerings_page_dispose;
  object_class->finalize = parla_offerings_page_finalize;
  object_class->get_property = parla_offerings_page_get_property;
  object_class->set_property = parla_offerings_page_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/offerings/parla-offerings-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingsPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingsPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingsPage, list_box);

  gtk_widget_class_install_action (widget_class, "offerings.new", NULL, new_action);
  gtk_widget_class_install_action (widget_class, "offerings.edit", "s", edit_action);
  gtk_widget_class_install_action (widget_class, "offerings.archive", "s", archive_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_n, GDK_CONTROL_MASK, "offerings.new", NULL);
}

static void
parla_offerings_page_init (ParlaOfferingsPage *self)
{
  self->cancellable = g_cancellable_new ();
  self->offerings = g_list_store_new (PARLA_TYPE_OFFERING);
  self->pending = g_ptr_array_new_with_free_func (g_object_unref);

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_list_box_bind_model (self->list_box, G_LIST_MODEL (self->offerings), create_row, NULL, NULL);
}

/**
 * parla_offerings_page_get_loaded:
 * @self: a #ParlaOfferingsPage
 *
 * Returns: whether the list has been loaded once
 */
gboolean
parla_offerings_page_get_loaded (ParlaOfferingsPage *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERINGS_PAGE (self), FALSE);

  return self->loaded;
}

/**
 * parla_offerings_page_get_model:
 * @self: a #ParlaOfferingsPage
 *
 * Returns: (transfer none): the #ParlaOffering list shown
 */
GListModel *
parla_offerings_page_get_model (ParlaOfferingsPage *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERINGS_PAGE (self), NULL);

  return G_LIST_MODEL (self->offerings);
}

/**
 * parla_offerings_page_get_editor:
 * @self: a #ParlaOfferingsPage
 *
 * Returns: (transfer none) (nullable): the editor open now
 */
ParlaOfferingEditor *
parla_offerings_page_get_editor (ParlaOfferingsPage *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERINGS_PAGE (self), NULL);

  return self->editor;
}
