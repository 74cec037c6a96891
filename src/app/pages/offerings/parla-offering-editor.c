/* parla-offering-editor.c: a window to create or change an offering
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-offering-editor.h"

/**
 * ParlaOfferingEditor:
 *
 * Edits the title, description, type, topic, duration, seats, price (or
 * free) and currency of an offering, whether learners book it instantly
 * or the teacher approves each booking, and its materials: conversation
 * prompts, vocabulary, grammar points and cultural notes. Saving creates
 * the offering (`POST /api/v1/offerings`) or replaces the members of an
 * existing one (`PUT /api/v1/offerings/{id}`); offline, the request goes
 * through the outbox. #ParlaOfferingEditor::saved tells the page.
 * Escape closes it without saving.
 */
struct _ParlaOfferingEditor
{
  AdwWindow         parent_instance;

  /* owned */
  ParlaContext     *context;
  ParlaOffering    *offering;   /* the one edited, NULL for a new one */
  GCancellable     *cancellable;
  GPtrArray        *items[4];   /* char *, per material kind */
  GPtrArray        *item_rows[4];
  char             *idempotency_key;
  gboolean          saving;

  /* template */
  AdwToastOverlay  *toast_overlay;
  AdwWindowTitle   *window_title;
  AdwEntryRow      *title_row;
  AdwEntryRow      *description_row;
  AdwComboRow      *kind_row;
  AdwComboRow      *topic_row;
  GtkSpinButton    *duration_spin;
  AdwActionRow     *capacity_spin_row;
  GtkSpinButton    *capacity_spin;
  GtkSwitch        *approval_switch;
  GtkSwitch        *free_switch;
  AdwActionRow     *price_spin_row;
  GtkSpinButton    *price_spin;
  AdwComboRow      *currency_row;
  GtkStringList    *currencies;
  GtkListBox       *prompts_list;
  AdwEntryRow      *prompts_entry;
  GtkListBox       *vocabulary_list;
  AdwEntryRow      *vocabulary_entry;
  GtkListBox       *grammar_list;
  AdwEntryRow      *grammar_entry;
  GtkListBox       *cultural_list;
  AdwEntryRow      *cultural_entry;
};

G_DEFINE_FINAL_TYPE (ParlaOfferingEditor, parla_offering_editor, ADW_TYPE_WINDOW)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_OFFERING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SAVED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

enum {
  PROMPTS,
  VOCABULARY,
  GRAMMAR,
  CULTURAL,
};

static GtkListBox *
list_of (ParlaOfferingEditor *self,
         guint                kind)
{
  GtkListBox *lists[] = { self->prompts_list, self->vocabulary_list, self->grammar_list, self->cultural_list };

  return lists[kind];
}

static AdwEntryRow *
entry_of (ParlaOfferingEditor *self,
          guint                kind)
{
  AdwEntryRow *entries[] = { self->prompts_entry, self->vocabulary_entry, self->grammar_entry, self->cultural_entry };

  return entries[kind];
}

static void
show_error (ParlaOfferingEditor *self,
            const GError        *error)
{
  AdwToast *toast;

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  parla_context_report_offline (self->context, error);
  toast = adw_toast_new (error->message);
  adw_toast_set_timeout (toast, 6);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
update_actions (ParlaOfferingEditor *self)
{
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  gboolean group = adw_combo_row_get_selected (self->kind_row) == 1;
  gboolean free = gtk_switch_get_active (self->free_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->capacity_spin_row), group);
  if (!group)
    gtk_spin_button_set_value (self->capacity_spin, 1);
  gtk_widget_set_sensitive (GTK_WIDGET (self->price_spin_row), !free);
  gtk_widget_set_sensitive (GTK_WIDGET (self->currency_row), !free);

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "editor.save",
                                 *title != '\0' && !self->saving);
}

static void on_item_remove_clicked_cb (ParlaOfferingEditor *self,
                                       GtkButton           *button);

static void
rebuild_items (ParlaOfferingEditor *self,
               guint                kind)
{
  GtkListBox *list = list_of (self, kind);

  for (guint i = 0; i < self->item_rows[kind]->len; i++)
    gtk_list_box_remove (list, g_ptr_array_index (self->item_rows[kind], i));
  g_ptr_array_set_size (self->item_rows[kind], 0);

  for (guint i = 0; i < self->items[kind]->len; i++)
    {
      const char *text = g_ptr_array_index (self->items[kind], i);
      g_autofree char *remove_label = g_strdup_printf (_("Remove “%s”"), text);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *remove = gtk_button_new_from_icon_name ("list-remove-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
      adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
      gtk_widget_set_tooltip_text (remove, _("Remove"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (remove), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      remove_label, -1);
      gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (remove, "flat");
      g_object_set_data (G_OBJECT (remove), "kind", GUINT_TO_POINTER (kind));
      g_object_set_data (G_OBJECT (remove), "index", GUINT_TO_POINTER (i));
      g_signal_connect_object (remove, "clicked", G_CALLBACK (on_item_remove_clicked_cb), self,
                               G_CONNECT_SWAPPED);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
      gtk_list_box_insert (list, row, i);
      g_ptr_array_add (self->item_rows[kind], row);
    }
}

static void
on_item_remove_clicked_cb (ParlaOfferingEditor *self,
                           GtkButton           *button)
{
  guint kind = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "kind"));
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (button), "index"));

  if (index >= self->items[kind]->len)
    return;

  g_ptr_array_remove_index (self->items[kind], index);
  rebuild_items (self, kind);
  gtk_widget_grab_focus (GTK_WIDGET (entry_of (self, kind)));
}

static void
on_material_apply_cb (ParlaOfferingEditor *self,
                      AdwEntryRow         *entry)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (entry))));
  guint kind;

  for (kind = 0; kind < G_N_ELEMENTS (self->items); kind++)
    if (entry_of (self, kind) == entry)
      break;
  g_return_if_fail (kind < G_N_ELEMENTS (self->items));

  if (*text == '\0' || g_utf8_strlen (text, -1) > 200 ||
      self->items[kind]->len >= PARLA_MATERIALS_MAX_ITEMS)
    {
      gtk_widget_error_bell (GTK_WIDGET (entry));
      return;
    }

  g_ptr_array_add (self->items[kind], g_steal_pointer (&text));
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  rebuild_items (self, kind);
}

static char **
dup_items (ParlaOfferingEditor *self,
           guint                kind)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **items;

  for (guint i = 0; i < self->items[kind]->len; i++)
    g_strv_builder_add (builder, g_ptr_array_index (self->items[kind], i));
  items = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return items;
}

/* The offering as the fields say. */
static ParlaOffering *
build_offering (ParlaOfferingEditor *self)
{
  g_autoptr(ParlaOffering) offering = parla_offering_new ();
  g_autoptr(ParlaMaterials) materials = NULL;
  g_auto(GStrv) prompts = dup_items (self, PROMPTS);
  g_auto(GStrv) vocabulary = dup_items (self, VOCABULARY);
  g_auto(GStrv) grammar = dup_items (self, GRAMMAR);
  g_auto(GStrv) cultural = dup_items (self, CULTURAL);
  g_autofree char *title = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->title_row))));
  gboolean group = adw_combo_row_get_selected (self->kind_row) == 1;
  gboolean free = gtk_switch_get_active (self->free_switch);
  guint currency = adw_combo_row_get_selected (self->currency_row);

  materials = parla_materials_new ((const char * const *) prompts, (const char * const *) vocabulary,
                                   (const char * const *) grammar, (const char * const *) cultural);

  parla_offering_set_title (offering, title);
  parla_offering_set_description (offering, gtk_editable_get_text (GTK_EDITABLE (self->description_row)));
  parla_offering_set_session_type (offering, group ? PARLA_OFFERING_GROUP : PARLA_OFFERING_INDIVIDUAL);
  parla_offering_set_topic_type (offering, adw_combo_row_get_selected (self->topic_row) == 1
                                           ? PARLA_TOPIC_FIXED : PARLA_TOPIC_FLEXIBLE);
  parla_offering_set_duration_minutes (offering, gtk_spin_button_get_value_as_int (self->duration_spin));
  parla_offering_set_capacity (offering, group ? gtk_spin_button_get_value_as_int (self->capacity_spin) : 1);
  parla_offering_set_price_minor (offering, free ? 0 : (gint64) (gtk_spin_button_get_value (self->price_spin) * 100 + 0.5));
  parla_offering_set_currency (offering, currency != GTK_INVALID_LIST_POSITION
                                         ? gtk_string_list_get_string (self->currencies, currency) : "EUR");
  parla_offering_set_requires_approval (offering, gtk_switch_get_active (self->approval_switch));
  parla_offering_set_materials (offering, materials);

  return g_steal_pointer (&offering);
}

/* The members a client sends: everything but what the server owns. */
static JsonNode *
dup_input (ParlaOffering *offering)
{
  JsonNode *node = parla_offering_to_json (offering);
  JsonObject *object = json_node_get_object (node);

  json_object_remove_member (object, "id");
  json_object_remove_member (object, "teacher_id");
  json_object_remove_member (object, "archived");
  return node;
}

static void
fill_fields (ParlaOfferingEditor *self)
{
  ParlaOffering *o = self->offering;
  ParlaMaterials *materials;
  const char * const *lists[4];

  adw_window_title_set_title (self->window_title, o != NULL ? _("Edit Offering") : _("New Offering"));
  gtk_window_set_title (GTK_WINDOW (self), o != NULL ? _("Edit Offering") : _("New Offering"));
  if (o == NULL)
    {
      update_actions (self);
      return;
    }

  gtk_editable_set_text (GTK_EDITABLE (self->title_row), parla_offering_get_title (o));
  gtk_editable_set_text (GTK_EDITABLE (self->description_row),
                         parla_offering_get_description (o) != NULL ? parla_offering_get_description (o) : "");
  adw_combo_row_set_selected (self->kind_row, parla_offering_get_session_type (o) == PARLA_OFFERING_GROUP ? 1 : 0);
  adw_combo_row_set_selected (self->topic_row, parla_offering_get_topic_type (o) == PARLA_TOPIC_FIXED ? 1 : 0);
  gtk_spin_button_set_value (self->duration_spin, parla_offering_get_duration_minutes (o));
  gtk_spin_button_set_value (self->capacity_spin, parla_offering_get_capacity (o));
  gtk_switch_set_active (self->approval_switch, parla_offering_get_requires_approval (o));
  gtk_switch_set_active (self->free_switch, parla_offering_is_free (o));
  if (!parla_offering_is_free (o))
    gtk_spin_button_set_value (self->price_spin, parla_offering_get_price_minor (o) / 100.0);

  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->currencies)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->currencies, i), parla_offering_get_currency (o)) == 0)
      adw_combo_row_set_selected (self->currency_row, i);
  if (g_strcmp0 (gtk_string_list_get_string (self->currencies, adw_combo_row_get_selected (self->currency_row)),
                 parla_offering_get_currency (o)) != 0)
    {
      gtk_string_list_append (self->currencies, parla_offering_get_currency (o));
      adw_combo_row_set_selected (self->currency_row,
                                  g_list_model_get_n_items (G_LIST_MODEL (self->currencies)) - 1);
    }

  materials = parla_offering_get_materials (o);
  if (materials != NULL)
    {
      lists[PROMPTS] = parla_materials_get_prompts (materials);
      lists[VOCABULARY] = parla_materials_get_vocabulary (materials);
      lists[GRAMMAR] = parla_materials_get_grammar_points (materials);
      lists[CULTURAL] = parla_materials_get_cultural_notes (materials);
      for (guint kind = 0; kind < G_N_ELEMENTS (lists); kind++)
        {
          for (guint i = 0; lists[kind] != NULL && lists[kind][i] != NULL; i++)
            g_ptr_array_add (self->items[kind], g_strdup (lists[kind][i]));
          rebuild_items (self, kind);
        }
    }

  update_actions (self);
}

static void
on_saved_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  g_autoptr(ParlaOffering) offering = NULL;
  g_autoptr(GError) error = NULL;
  ParlaOfferingEditor *self;

  if (g_task_get_source_tag (G_TASK (result)) == parla_api_client_create_offering_async)
    offering = parla_api_client_create_offering_finish (client, result, &error);
  else
    offering = parla_api_client_update_offering_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_OFFERING_EDITOR (user_data);
  self->saving = FALSE;
  if (offering == NULL)
    {
      /* The fields stay as they are, to be fixed and saved again. */
      show_error (self, error);
      update_actions (self);
      return;
    }

  g_signal_emit (self, signals[SAVED], 0, offering);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaOfferingEditor *self = PARLA_OFFERING_EDITOR (widget);
  ParlaApiClient *client = parla_context_get_api_client (self->context);
  g_autoptr(ParlaOffering) offering = build_offering (self);
  g_autoptr(JsonNode) body = dup_input (offering);

  if (self->saving)
    return;

  if (!parla_context_get_online (self->context))
    {
      ParlaOutbox *outbox = parla_context_get_outbox (self->context);
      g_autoptr(GError) error = NULL;
      g_autofree char *key = NULL;
      g_autofree char *path = self->offering != NULL
        ? g_strdup_printf ("/api/v1/offerings/%s", parla_offering_get_id (self->offering))
        : g_strdup ("/api/v1/offerings");
      g_autofree char *description = g_strdup_printf (_("Save the offering “%s”"),
                                                      parla_offering_get_title (offering));

      if (outbox == NULL)
        return;
      key = parla_outbox_enqueue_request (outbox, self->offering != NULL ? "PUT" : "POST", path, body,
                                          description, &error);
      if (key == NULL)
        {
          show_error (self, error);
          return;
        }
      g_signal_emit (self, signals[SAVED], 0, NULL);
      gtk_window_destroy (GTK_WINDOW (self));
      return;
    }

  self->saving = TRUE;
  update_actions (self);

  if (self->offering == NULL)
    parla_api_client_create_offering_async (client, offering, self->idempotency_key, self->cancellable,
                                            on_saved_cb, self);
  else
    parla_api_client_update_offering_async (client, parla_offering_get_id (self->offering), body,
                                            self->cancellable, on_saved_cb, self);
}

static void
parla_offering_editor_constructed (GObject *object)
{
  ParlaOfferingEditor *self = PARLA_OFFERING_EDITOR (object);

  G_OBJECT_CLASS (parla_offering_editor_parent_class)->constructed (object);

  fill_fields (self);
}

static void
parla_offering_editor_dispose (GObject *object)
{
  ParlaOfferingEditor *self = PARLA_OFFERING_EDITOR (object);

  g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_OFFERING_EDITOR);

  G_OBJECT_CLASS (parla_offering_editor_parent_class)->dispose (object);
}

static void
parla_offering_editor_finalize (GObject *object)
{
  ParlaOfferingEditor *self = PARLA_OFFERING_EDITOR (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->offering);
  for (guint i = 0; i < G_N_ELEMENTS (self->items); i++)
    {
      g_clear_pointer (&self->items[i], g_ptr_array_unref);
      g_clear_pointer (&self->item_rows[i], g_ptr_array_unref);
    }
  g_clear_pointer (&self->idempotency_key, g_free);

  G_OBJECT_CLASS (parla_offering_editor_parent_class)->finalize (object);
}

static void
parla_offering_editor_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ParlaOfferingEditor *self = PARLA_OFFERING_EDITOR (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_OFFERING:
      g_value_set_object (value, self->offering);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_offering_editor_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ParlaOfferingEditor *self = PARLA_OFFERING_EDITOR (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_OFFERING:
      self->offering = g_value_dup_object (value);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_offering_editor_class_init (ParlaOfferingEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_offering_editor_constructed;
  object_class->dispose = parla_offering_editor_dispose;
  object_class->finalize = parla_offering_editor_finalize;
  object_class->get_property = parla_offering_editor_get_property;
  object_class->set_property = parla_offering_editor_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  properties[PROP_OFFERING] =
    g_param_spec_object ("offering", NULL, NULL, PARLA_TYPE_OFFERING,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * ParlaOfferingEditor::saved:
   * @offering: (nullable): the offering as the server stored it, or %NULL
   *   when it was queued to be sent once the server is back
   *
   * The offering was saved; the editor closes.
   */
  signals[SAVED] = g_signal_new ("saved", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                 0, NULL, NULL, NULL, G_TYPE_NONE, 1, PARLA_TYPE_OFFERING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/offerings/parla-offering-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, window_title);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, title_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, description_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, kind_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, topic_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, duration_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, capacity_spin_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, capacity_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, approval_switch);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, free_switch);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, price_spin_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, price_spin);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, currency_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, currencies);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, prompts_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, prompts_entry);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, vocabulary_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, vocabulary_entry);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, grammar_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, grammar_entry);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, cultural_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaOfferingEditor, cultural_entry);
  gtk_widget_class_bind_template_callback (widget_class, update_actions);
  gtk_widget_class_bind_template_callback (widget_class, on_material_apply_cb);

  gtk_widget_class_install_action (widget_class, "editor.save", NULL, save_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_s, GDK_CONTROL_MASK, "editor.save", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
parla_offering_editor_init (ParlaOfferingEditor *self)
{
  self->cancellable = g_cancellable_new ();
  self->idempotency_key = g_uuid_string_random ();
  for (guint i = 0; i < G_N_ELEMENTS (self->items); i++)
    {
      self->items[i] = g_ptr_array_new_with_free_func (g_free);
      self->item_rows[i] = g_ptr_array_new ();
    }

  gtk_widget_init_template (GTK_WIDGET (self));
}

/**
 * parla_offering_editor_new:
 * @context: the services
 * @offering: (nullable): the offering to change, or %NULL for a new one
 *
 * Returns: (transfer floating): a new editor, to present
 */
ParlaOfferingEditor *
parla_offering_editor_new (ParlaContext  *context,
                           ParlaOffering *offering)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (!offering || PARLA_IS_OFFERING (offering), NULL);

  return g_object_new (PARLA_TYPE_OFFERING_EDITOR,
                       "context", context,
                       "offering", offering,
                       NULL);
}

/**
 * parla_offering_editor_get_offering:
 * @self: a #ParlaOfferingEditor
 *
 * Returns: (transfer none) (nullable): the offering being changed, or
 *   %NULL for a new one
 */
ParlaOffering *
parla_offering_editor_get_offering (ParlaOfferingEditor *self)
{
  g_return_val_if_fail (PARLA_IS_OFFERING_EDITOR (self), NULL);

  return self->offering;
}
