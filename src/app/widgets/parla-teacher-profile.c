/* parla-teacher-profile.c: a teacher's public profile, offerings and free
 * times, with booking
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-booking-dialog.h"
#include "parla-format.h"
#include "parla-teacher-format.h"
#include "parla-teacher-profile.h"
#include "parla-window.h"

/* The free times shown: how far ahead, and how many at most. */
#define SLOT_DAYS 7
#define MAX_SLOTS 8
/* Reviews asked for at a time. */
#define REVIEWS_PAGE 4

/**
 * ParlaTeacherProfile:
 *
 * Shows the teacher whose id is #ParlaTeacherProfile:teacher-id: name,
 * rating, languages, bio and details, what learners wrote about their
 * lessons (newest first, a few at a time), their offerings with materials,
 * and the next free times for a lesson in the learner's time zone with the
 * teacher's own alongside. "Book" on a time or an offering opens a
 * #ParlaBookingDialog. Reusable wherever a teacher is shown (Discover, My
 * schedule's "book again").
 */
struct _ParlaTeacherProfile
{
  AdwBin               parent_instance;

  /* owned */
  ParlaContext        *context;
  GCancellable        *cancellable;
  char                *teacher_id;
  ParlaTeacher        *teacher;
  char                *slot_offering_id;
  GPtrArray           *rows;            /* rows added to the groups */
  guint                n_reviews;       /* reviews shown */
  gint64               reviews_total;   /* reviews the teacher has */

  /* template children */
  GtkStack            *stack;
  AdwStatusPage       *error_page;
  GtkScrolledWindow   *scrolled;
  AdwAvatar           *avatar;
  GtkLabel            *name_label;
  GtkLabel            *rating_label;
  GtkLabel            *languages_label;
  GtkButton           *book_button;
  GtkLabel            *bio_label;
  AdwActionRow        *subjects_row;
  AdwActionRow        *levels_row;
  AdwActionRow        *specializations_row;
  AdwActionRow        *accent_row;
  AdwActionRow        *zone_row;
  AdwActionRow        *reviews_row;
  AdwPreferencesGroup *reviews_group;
  GtkSpinner          *reviews_spinner;
  GtkLabel            *reviews_empty_label;
  GtkButton           *more_reviews_button;
  AdwPreferencesGroup *offerings_group;
  AdwPreferencesGroup *slots_group;
  GtkSpinner          *slots_spinner;

  guint                loading : 1;
  guint                bookable : 1;
  guint                loading_reviews : 1;
};

G_DEFINE_FINAL_TYPE (ParlaTeacherProfile, parla_teacher_profile, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_TEACHER_ID,
  PROP_TEACHER,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (ParlaTeacherProfile *self)
{
  gboolean ready = self->teacher != NULL && !self->loading;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.book", ready && self->bookable);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.book-slot", ready);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.reload", self->teacher_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "profile.more-reviews",
                                 self->teacher != NULL && !self->loading_reviews &&
                                 self->n_reviews < self->reviews_total);
}

static void
set_loading (ParlaTeacherProfile *self,
             gboolean             loading)
{
  if (self->loading == !!loading)
    return;

  self->loading = !!loading;
  update_actions (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

static void
clear_rows (ParlaTeacherProfile *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);

      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->rows, 0);
}

static void
add_row (ParlaTeacherProfile *self,
         AdwPreferencesGroup *group,
         GtkWidget           *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->rows, row);
}

static void
set_row_text (AdwActionRow *row,
              const char   *text)
{
  gboolean empty = text == NULL || *text == '\0';

  gtk_widget_set_visible (GTK_WIDGET (row), !empty);
  adw_action_row_set_subtitle (row, empty ? "" : text);
}

static char *
join_strv (const char * const *values,
           const char         *separator)
{
  if (values == NULL || values[0] == NULL)
    return NULL;

  return g_strjoinv (separator, (char **) values);
}

static void
add_material_row (GtkWidget          *expander,
                  const char         *title,
                  const char * const *values)
{
  g_autofree char *text = join_strv (values, "\n");
  GtkWidget *row;

  if (text == NULL)
    return;

  row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "property");
  adw_expander_row_add_row (ADW_EXPANDER_ROW (expander), row);
}

static GtkWidget *
create_offering_row (ParlaTeacherProfile *self,
                     ParlaOffering       *offering)
{
  GtkWidget *row = adw_expander_row_new ();
  g_autofree char *duration = parla_format_minutes (parla_offering_get_duration_minutes (offering));
  g_autofree char *price = parla_format_price_or_free (parla_offering_get_price_minor (offering),
                                                       parla_offering_get_currency (offering));
  g_autofree char *subtitle = NULL;
  ParlaMaterials *materials = parla_offering_get_materials (offering);
  const char *description = parla_offering_get_description (offering);
  gboolean group = parla_offering_get_session_type (offering) == PARLA_OFFERING_GROUP;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parla_offering_get_title (offering));

  if (group)
    /* Translators: a duration, a price, how many learners */
    subtitle = g_strdup_printf (ngettext ("%s · %s · group of up to %d",
                                          "%s · %s · group of up to %d",
                                          (gulong) parla_offering_get_capacity (offering)),
                                duration, price, parla_offering_get_capacity (offering));
  else if (parla_offering_get_requires_approval (offering))
    /* Translators: a duration, a price */
    subtitle = g_strdup_printf (_("%s · %s · the teacher confirms"), duration, price);
  else
    /* Translators: a duration, a price */
    subtitle = g_strdup_printf (_("%s · %s · instant booking"), duration, price);
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), subtitle);

  if (!group)
    {
      GtkWidget *button = gtk_button_new_with_label (_("Book"));

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "profile.book-slot");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(sx)",
                                        parla_offering_get_id (offering), (gint64) 0);
      /* Translators: the accessible name of a Book button, %s is an offering */
      {
        g_autofree char *name = g_strdup_printf (_("Book %s"), parla_offering_get_title (offering));

        gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                        GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      }
      adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
    }

  if (description != NULL && *description != '\0')
    {
      GtkWidget *child = adw_action_row_new ();

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (child), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child), _("Description"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (child), description);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (child), 0);
      gtk_widget_add_css_class (child, "property");
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), child);
    }

  if (group)
    {
      GtkWidget *child = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (child), _("How to join"));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (child),
                                   _("Taught as scheduled group sessions: take a seat in one from Discover."));
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (child), 0);
      gtk_widget_add_css_class (child, "property");
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), child);
    }

  if (materials != NULL)
    {
      add_material_row (row, _("Conversation prompts"), parla_materials_get_prompts (materials));
      add_material_row (row, _("Vocabulary"), parla_materials_get_vocabulary (materials));
      add_material_row (row, _("Grammar points"), parla_materials_get_grammar_points (materials));
      add_material_row (row, _("Cultural notes"), parla_materials_get_cultural_notes (materials));
    }

  return row;
}

static GtkWidget *
create_slot_row (ParlaTeacherProfile *self,
                 gint64               start,
                 gint64               end)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *button = gtk_button_new_with_label (_("Book"));
  g_autofree char *local = parla_teacher_format_slot (self->context, start, end);
  g_autofree char *theirs = parla_teacher_format_slot_in_zone (start, end,
                                                               parla_teacher_get_time_zone (self->teacher));
  g_autofree char *name = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), local);
  if (theirs != NULL)
    {
      /* Translators: %s is a time range in the teacher's time zone */
      g_autofree char *subtitle = g_strdup_printf (_("Teacher's time: %s"), theirs);

      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
    }

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "profile.book-slot");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "(sx)", self->slot_offering_id, start);
  /* Translators: the accessible name of a Book button, %s is a time */
  name = g_strdup_printf (_("Book %s"), local);
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), button);

  return row;
}

static void
show_no_slots (ParlaTeacherProfile *self,
               const char          *text)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), text);
  gtk_widget_add_css_class (row, "dim-label");
  add_row (self, self->slots_group, row);
}

static void
on_slots_cb (GObject      *object,
             GAsyncResult *result,
             gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  ParlaTeacherProfile *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonArray *slots = NULL;
  guint shown = 0;

  node = parla_api_client_get_teacher_availability_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_TEACHER_PROFILE (user_data);
  gtk_spinner_set_spinning (self->slots_spinner, FALSE);
  set_loading (self, FALSE);

  if (node == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      show_no_slots (self, _("The free times could not be loaded."));
      return;
    }

  if (JSON_NODE_HOLDS_OBJECT (node))
    slots = parla_json_get_array (json_node_get_object (node), "slots");

  for (guint i = 0; slots != NULL && i < json_array_get_length (slots) && shown < MAX_SLOTS; i++)
    {
      JsonObject *slot = json_array_get_object_element (slots, i);
      gint64 start, end;

      if (slot == NULL)
        continue;

      start = parla_json_get_instant (slot, "start", 0);
      end = parla_json_get_instant (slot, "end", 0);
      if (start == 0 || end <= start)
        continue;

      add_row (self, self->slots_group, create_slot_row (self, start, end));
      shown++;
    }

  if (shown == 0)
    show_no_slots (self, _("No free times in the next 7 days."));
}

static void
load_slots (ParlaTeacherProfile *self,
            ParlaOffering       *offering)
{
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  g_autofree char *duration = parla_format_minutes (parla_offering_get_duration_minutes (offering));
  g_autofree char *zone = NULL;
  g_autofree char *description = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now (parla_context_get_time_zone (self->context));
  gint64 from = parla_time_now ();

  g_free (self->slot_offering_id);
  self->slot_offering_id = g_strdup (parla_offering_get_id (offering));

  zone = g_date_time_format (now, "%Z");
  /* Translators: an offering, its duration, then the learner's time zone */
  description = g_strdup_printf (_("For “%s” (%s), in your time zone (%s), the teacher's alongside."),
                                 parla_offering_get_title (offering), duration, zone);
  adw_preferences_group_set_description (self->slots_group, description);
  gtk_spinner_set_spinning (self->slots_spinner, TRUE);

  parla_api_query_add_instant (query, "from", from);
  parla_api_query_add_instant (query, "to", from + SLOT_DAYS * 24 * 3600);
  parla_api_query_add_int (query, "duration", parla_offering_get_duration_minutes (offering));
  parla_api_client_get_teacher_availability_async (parla_context_get_api_client (self->context),
                                                   self->teacher_id, query, self->cancellable,
                                                   on_slots_cb, self);
}

/* "★★★★☆" */
static char *
format_stars (int rating)
{
  GString *stars = g_string_new (NULL);

  for (int i = 1; i <= 5; i++)
    g_string_append (stars, i <= rating ? "★" : "☆");

  return g_string_free (stars, FALSE);
}

static GtkWidget *
create_review_row (ParlaTeacherProfile *self,
                   JsonObject          *review)
{
  JsonObject *learner = parla_json_get_object (review, "learner");
  int rating = (int) CLAMP (parla_json_get_int (review, "rating", 0), 0, 5);
  gint64 created_at = parla_json_get_instant (review, "created_at", 0);
  const char *name = learner != NULL ? parla_json_get_string (learner, "display_name", NULL) : NULL;
  g_autofree char *stars = format_stars (rating);
  g_autofree char *date = NULL;
  /* Translators: a review's rating, for screen readers */
  g_autofree char *stars_name = g_strdup_printf (ngettext ("%d star out of 5", "%d stars out of 5", (gulong) rating),
                                                 rating);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *stars_label = gtk_label_new (stars);
  GtkWidget *date_label;

  if (created_at > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (created_at);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, parla_context_get_time_zone (self->context));

      date = parla_format_date (local);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name != NULL && *name != '\0' ? name : _("A learner"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), parla_json_get_string (review, "text", ""));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_widget_add_css_class (row, "review");

  gtk_widget_add_css_class (stars_label, "accent");
  gtk_widget_set_valign (stars_label, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (stars_label),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, stars_name,
                                  -1);
  gtk_widget_set_tooltip_text (stars_label, stars_name);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), stars_label);

  date_label = gtk_label_new (date != NULL ? date : "");
  gtk_widget_add_css_class (date_label, "dim-label");
  gtk_widget_add_css_class (date_label, "caption");
  gtk_widget_set_valign (date_label, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), date_label);

  return row;
}

static void
on_reviews_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  ParlaTeacherProfile *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *answer;
  JsonArray *reviews;

  node = parla_api_client_list_teacher_reviews_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_TEACHER_PROFILE (user_data);
  self->loading_reviews = FALSE;
  gtk_spinner_set_spinning (self->reviews_spinner, FALSE);

  if (node == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      update_actions (self);
      return;
    }

  answer = json_node_get_object (node);
  reviews = parla_json_get_array (answer, "reviews");
  self->reviews_total = parla_json_get_int (answer, "total", 0);

  for (guint i = 0; reviews != NULL && i < json_array_get_length (reviews); i++)
    {
      JsonObject *review = json_array_get_object_element (reviews, i);

      if (review == NULL)
        continue;
      add_row (self, self->reviews_group, create_review_row (self, review));
      self->n_reviews++;
    }

  gtk_widget_set_visible (GTK_WIDGET (self->reviews_empty_label), self->reviews_total == 0);
  gtk_widget_set_visible (GTK_WIDGET (self->more_reviews_button), self->n_reviews < self->reviews_total);
  update_actions (self);
}

static void
load_reviews (ParlaTeacherProfile *self)
{
  if (self->loading_reviews || self->teacher == NULL)
    return;

  self->loading_reviews = TRUE;
  gtk_spinner_set_spinning (self->reviews_spinner, TRUE);
  update_actions (self);
  parla_api_client_list_teacher_reviews_async (parla_context_get_api_client (self->context),
                                               parla_teacher_get_id (self->teacher),
                                               (int) self->n_reviews, REVIEWS_PAGE,
                                               self->cancellable, on_reviews_cb, self);
}

static void
show_teacher (ParlaTeacherProfile *self)
{
  ParlaTeacher *teacher = self->teacher;
  g_autofree char *rating = NULL;
  g_autofree char *languages = NULL;
  g_autofree char *subjects = NULL;
  g_autofree char *levels = NULL;
  g_autofree char *specializations = NULL;
  g_autofree char *reviews = NULL;
  g_autoptr(ParlaOffering) first_individual = NULL;
  JsonNode *offerings;
  guint n_offerings = 0;

  clear_rows (self);
  self->n_reviews = 0;
  self->reviews_total = 0;
  self->loading_reviews = FALSE;
  gtk_widget_set_visible (GTK_WIDGET (self->reviews_empty_label), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->more_reviews_button), FALSE);

  adw_avatar_set_text (self->avatar, parla_teacher_get_display_name (teacher));
  gtk_label_set_label (self->name_label, parla_teacher_get_display_name (teacher));
  rating = parla_teacher_format_rating (parla_teacher_get_rating (teacher),
                                        parla_teacher_get_rating_count (teacher));
  gtk_label_set_label (self->rating_label, rating);
  languages = parla_teacher_format_languages (parla_teacher_get_languages (teacher));
  {
    /* Translators: %s is a list of languages */
    g_autofree char *teaches = g_strdup_printf (_("Teaches %s"), languages);

    gtk_label_set_label (self->languages_label, teaches);
  }
  gtk_label_set_label (self->bio_label, parla_teacher_get_bio (teacher));
  gtk_widget_set_visible (GTK_WIDGET (self->bio_label), *parla_teacher_get_bio (teacher) != '\0');

  subjects = join_strv (parla_teacher_get_subjects (teacher), ", ");
  set_row_text (self->subjects_row, subjects);
  levels = join_strv (parla_teacher_get_levels (teacher), ", ");
  set_row_text (self->levels_row, levels);
  specializations = join_strv (parla_teacher_get_specializations (teacher), ", ");
  set_row_text (self->specializations_row, specializations);
  set_row_text (self->accent_row, parla_teacher_get_accent (teacher));
  set_row_text (self->zone_row, parla_teacher_get_time_zone (teacher));
  /* The average of every rating; the reviews group lists what was written. */
  if (parla_teacher_get_rating_count (teacher) > 0)
    reviews = g_strdup_printf (ngettext ("Average %.1f out of 5 from %d learner",
                                         "Average %.1f out of 5 from %d learners",
                                         (gulong) parla_teacher_get_rating_count (teacher)),
                               parla_teacher_get_rating (teacher),
                               parla_teacher_get_rating_count (teacher));
  else
    reviews = g_strdup (_("Nobody has rated this teacher yet."));
  set_row_text (self->reviews_row, reviews);

  offerings = parla_teacher_get_offerings_json (teacher);
  if (offerings != NULL && JSON_NODE_HOLDS_ARRAY (offerings))
    {
      JsonArray *array = json_node_get_array (offerings);

      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          g_autoptr(ParlaOffering) offering = NULL;

          offering = parla_offering_new_from_json (json_array_get_element (array, i),
                                                   PARLA_JSON_RESOURCE, NULL);
          if (offering == NULL || parla_offering_get_archived (offering))
            continue;

          add_row (self, self->offerings_group, create_offering_row (self, offering));
          n_offerings++;
          if (first_individual == NULL &&
              parla_offering_get_session_type (offering) == PARLA_OFFERING_INDIVIDUAL)
            first_individual = g_steal_pointer (&offering);
        }
    }

  gtk_widget_set_visible (GTK_WIDGET (self->offerings_group), n_offerings > 0);
  self->bookable = first_individual != NULL;
  gtk_widget_set_visible (GTK_WIDGET (self->book_button), self->bookable);
  gtk_widget_set_visible (GTK_WIDGET (self->slots_group), self->bookable);

  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled), 0);
  gtk_stack_set_visible_child_name (self->stack, "profile");

  load_reviews (self);
  if (first_individual != NULL)
    load_slots (self, first_individual);
  else
    set_loading (self, FALSE);

  update_actions (self);
}

static void
on_teacher_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  ParlaTeacherProfile *self;
  g_autoptr(ParlaTeacher) teacher = NULL;
  g_autoptr(GError) error = NULL;

  teacher = parla_api_client_get_teacher_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_TEACHER_PROFILE (user_data);

  if (teacher == NULL)
    {
      parla_widget_show_error (GTK_WIDGET (self), error);
      set_loading (self, FALSE);
      /* Offline with the profile already shown: keep showing it. */
      if (self->teacher == NULL)
        {
          adw_status_page_set_description (self->error_page, error->message);
          gtk_stack_set_visible_child_name (self->stack, "error");
        }
      return;
    }

  g_set_object (&self->teacher, teacher);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEACHER]);
  show_teacher (self);
}

static void
open_booking (ParlaTeacherProfile *self,
              const char          *offering_id,
              gint64               start)
{
  GtkWidget *dialog;
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  dialog = parla_booking_dialog_new (self->context, self->teacher_id,
                                     offering_id != NULL && *offering_id != '\0' ? offering_id : NULL,
                                     start);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
book_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaTeacherProfile *self = PARLA_TEACHER_PROFILE (widget);

  open_booking (self, self->slot_offering_id, 0);
}

static void
book_slot_action (GtkWidget  *widget,
                  const char *action_name,
                  GVariant   *parameter)
{
  ParlaTeacherProfile *self = PARLA_TEACHER_PROFILE (widget);
  const char *offering_id;
  gint64 start;

  g_variant_get (parameter, "(&sx)", &offering_id, &start);
  open_booking (self, offering_id, start);
}

static void
more_reviews_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  load_reviews (PARLA_TEACHER_PROFILE (widget));
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  parla_teacher_profile_reload (PARLA_TEACHER_PROFILE (widget));
}

static void
parla_teacher_profile_dispose (GObject *object)
{
  ParlaTeacherProfile *self = PARLA_TEACHER_PROFILE (object);

  g_cancellable_cancel (self->cancellable);

  G_OBJECT_CLASS (parla_teacher_profile_parent_class)->dispose (object);
}

static void
parla_teacher_profile_finalize (GObject *object)
{
  ParlaTeacherProfile *self = PARLA_TEACHER_PROFILE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_object (&self->teacher);
  g_clear_pointer (&self->teacher_id, g_free);
  g_clear_pointer (&self->slot_offering_id, g_free);
  g_clear_pointer (&self->rows, g_ptr_array_unref);

  G_OBJECT_CLASS (parla_teacher_profile_parent_class)->finalize (object);
}

static void
parla_teacher_profile_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  ParlaTeacherProfile *self = PARLA_TEACHER_PROFILE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_TEACHER_ID:
      g_value_set_string (value, self->teacher_id);
      break;
    case PROP_TEACHER:
      g_value_set_object (value, self->teacher);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_teacher_profile_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  ParlaTeacherProfile *self = PARLA_TEACHER_PROFILE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;
    case PROP_TEACHER_ID:
      parla_teacher_profile_set_teacher_id (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_teacher_profile_class_init (ParlaTeacherProfileClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_teacher_profile_dispose;
  object_class->finalize = parla_teacher_profile_finalize;
  object_class->get_property = parla_teacher_profile_get_property;
  object_class->set_property = parla_teacher_profile_set_property;

  /**
   * ParlaTeacherProfile:context:
   *
   * The services to load the teacher through.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaTeacherProfile:teacher-id:
   *
   * Whom to show; setting it loads them.
   */
  properties[PROP_TEACHER_ID] =
    g_param_spec_string ("teacher-id", NULL, NULL,
                         NULL,
                         G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaTeacherProfile:teacher:
   *
   * The teacher as last loaded, or %NULL.
   */
  properties[PROP_TEACHER] =
    g_param_spec_object ("teacher", NULL, NULL,
                         PARLA_TYPE_TEACHER,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaTeacherProfile:loading:
   *
   * Whether the teacher or their free times are being loaded.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/widgets/parla-teacher-profile.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, scrolled);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, avatar);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, name_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, rating_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, languages_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, book_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, bio_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, subjects_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, levels_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, specializations_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, accent_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, zone_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, reviews_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, reviews_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, reviews_spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, reviews_empty_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, more_reviews_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, offerings_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, slots_group);
  gtk_widget_class_bind_template_child (widget_class, ParlaTeacherProfile, slots_spinner);

  gtk_widget_class_install_action (widget_class, "profile.book", NULL, book_action);
  gtk_widget_class_install_action (widget_class, "profile.book-slot", "(sx)", book_slot_action);
  gtk_widget_class_install_action (widget_class, "profile.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "profile.more-reviews", NULL, more_reviews_action);
}

static void
parla_teacher_profile_init (ParlaTeacherProfile *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->rows = g_ptr_array_new ();
  update_actions (self);
}

/**
 * parla_teacher_profile_new:
 * @context: the signed-in user's services
 *
 * Returns: (transfer floating): a new, empty #ParlaTeacherProfile; set
 *   #ParlaTeacherProfile:teacher-id to show someone
 */
GtkWidget *
parla_teacher_profile_new (ParlaContext *context)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);

  return g_object_new (PARLA_TYPE_TEACHER_PROFILE, "context", context, NULL);
}

/**
 * parla_teacher_profile_get_teacher_id:
 * @self: a #ParlaTeacherProfile
 *
 * Returns: (nullable): whom it shows
 */
const char *
parla_teacher_profile_get_teacher_id (ParlaTeacherProfile *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER_PROFILE (self), NULL);

  return self->teacher_id;
}

/**
 * parla_teacher_profile_set_teacher_id:
 * @self: a #ParlaTeacherProfile
 * @teacher_id: (nullable): whom to show
 *
 * Shows another teacher, loading them from the server.
 */
void
parla_teacher_profile_set_teacher_id (ParlaTeacherProfile *self,
                                      const char          *teacher_id)
{
  g_return_if_fail (PARLA_IS_TEACHER_PROFILE (self));

  if (g_strcmp0 (self->teacher_id, teacher_id) == 0)
    return;

  g_free (self->teacher_id);
  self->teacher_id = g_strdup (teacher_id);
  if (self->teacher != NULL)
    {
      g_clear_object (&self->teacher);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEACHER]);
    }

  parla_teacher_profile_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TEACHER_ID]);
}

/**
 * parla_teacher_profile_get_teacher:
 * @self: a #ParlaTeacherProfile
 *
 * Returns: (transfer none) (nullable): the teacher as last loaded
 */
ParlaTeacher *
parla_teacher_profile_get_teacher (ParlaTeacherProfile *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER_PROFILE (self), NULL);

  return self->teacher;
}

/**
 * parla_teacher_profile_get_loading:
 * @self: a #ParlaTeacherProfile
 *
 * Returns: whether the teacher or their free times are being loaded
 */
gboolean
parla_teacher_profile_get_loading (ParlaTeacherProfile *self)
{
  g_return_val_if_fail (PARLA_IS_TEACHER_PROFILE (self), FALSE);

  return self->loading;
}

/**
 * parla_teacher_profile_reload:
 * @self: a #ParlaTeacherProfile
 *
 * Loads the teacher and their free times again.
 */
void
parla_teacher_profile_reload (ParlaTeacherProfile *self)
{
  g_return_if_fail (PARLA_IS_TEACHER_PROFILE (self));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  gtk_spinner_set_spinning (self->slots_spinner, FALSE);
  gtk_spinner_set_spinning (self->reviews_spinner, FALSE);
  self->loading_reviews = FALSE;

  if (self->teacher_id == NULL || self->context == NULL)
    {
      set_loading (self, FALSE);
      update_actions (self);
      return;
    }

  self->cancellable = g_cancellable_new ();
  set_loading (self, TRUE);
  if (self->teacher == NULL)
    gtk_stack_set_visible_child_name (self->stack, "loading");

  parla_api_client_get_teacher_async (parla_context_get_api_client (self->context), self->teacher_id,
                                      self->cancellable, on_teacher_cb, self);
}
