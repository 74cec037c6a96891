/* parla-discover-page.c: the learner's search for teachers and sessions
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-booking-dialog.h"
#include "parla-discover-page.h"
#include "parla-format.h"
#include "parla-teacher-format.h"
#include "parla-teacher-profile.h"
#include "parla-window.h"

#define PAGE_SIZE 20
/* The duration the availability badges look for, in minutes: the
 * shortest lesson the platform allows by default. */
#define BADGE_DURATION 30
#define DAY (24 * 3600)
#define MAX_RANGE (62 * DAY)

/**
 * ParlaDiscoverPage:
 *
 * A search entry and filters (language, level, type, free or paid, a price
 * range, a date range, "has a slot this week") over two result lists that
 * come from the server: teachers (`GET /teachers`), each with an
 * availability badge from their free times, and scheduled sessions (`GET
 * /sessions`) with their seats left, kept live by `session.seats` events.
 * Both lists page with "Show more". Activating a teacher pushes their
 * #ParlaTeacherProfile; Escape or Alt+Left goes back. "Book" on a session
 * opens a #ParlaBookingDialog for a seat.
 *
 * What was loaded last stays readable when the server cannot be reached.
 */
struct _ParlaDiscoverPage
{
  AdwBin               parent_instance;

  /* owned */
  ParlaContext        *context;
  GCancellable        *cancellable;      /* the current search */
  GHashTable          *session_rows;     /* session id → row (borrowed) */
  GDateTime           *from_date;        /* local midnight, or NULL */
  GDateTime           *to_date;          /* local midnight, or NULL */
  GError              *last_error;
  guint                search_source;

  /* borrowed */
  ParlaTeacherProfile *profile;

  /* template children */
  AdwLeaflet          *leaflet;
  GtkSearchEntry      *search_entry;
  GtkSpinner          *search_spinner;
  GtkToggleButton     *filter_button;
  GtkDropDown         *language_dropdown;
  GtkDropDown         *level_dropdown;
  GtkDropDown         *type_dropdown;
  GtkDropDown         *price_dropdown;
  GtkDropDown         *price_range_dropdown;
  GtkMenuButton       *from_button;
  GtkCalendar         *from_calendar;
  GtkMenuButton       *to_button;
  GtkCalendar         *to_calendar;
  GtkCheckButton      *this_week_check;
  GtkStack            *results_stack;
  GtkSpinner          *spinner;
  AdwStatusPage       *error_page;
  GtkWidget           *teachers_box;
  GtkListBox          *teachers_list;
  GtkButton           *more_teachers_button;
  GtkWidget           *sessions_box;
  GtkListBox          *sessions_list;
  GtkButton           *more_sessions_button;
  GtkWidget           *profile_box;
  GtkButton           *back_button;

  int                  teacher_page;     /* pages loaded */
  gint64               teacher_total;
  guint                teachers_loaded;  /* rows, shown or not */
  int                  session_page;
  gint64               session_total;
  guint                sessions_loaded;
  guint                pending;          /* list requests in flight */
  guint                checks_pending;   /* availability badges in flight */
  guint                resetting : 1;
  guint                loading : 1;
};

G_DEFINE_FINAL_TYPE (ParlaDiscoverPage, parla_discover_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_LOADING,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

/* The language filter: NULL is "any". */
static const char * const filter_languages[] = {
  NULL, "es", "en", "fr", "de", "it", "pt", "ja", "zh", "ko", "ar", "ru",
};

enum {
  TYPE_EVERYTHING,
  TYPE_LESSONS,
  TYPE_FIRST_SESSION_TYPE,  /* then one per ParlaSessionType */
};

enum {
  PRICE_ANY,
  PRICE_FREE,
  PRICE_PAID,
};

/* How a teacher's row knows whether they have time in the searched range. */
enum {
  SLOTS_UNKNOWN,
  SLOTS_SOME,
  SLOTS_NONE,
};

static void reload (ParlaDiscoverPage *self);

/* Filters */

static gboolean
filter_by_slots (ParlaDiscoverPage *self)
{
  return gtk_check_button_get_active (self->this_week_check) ||
         self->from_date != NULL || self->to_date != NULL;
}

static guint
get_type_filter (ParlaDiscoverPage *self)
{
  return gtk_drop_down_get_selected (self->type_dropdown);
}

static gboolean
want_teachers (ParlaDiscoverPage *self)
{
  guint type = get_type_filter (self);

  return type == TYPE_EVERYTHING || type == TYPE_LESSONS;
}

static gboolean
want_sessions (ParlaDiscoverPage *self)
{
  return get_type_filter (self) != TYPE_LESSONS;
}

static const char *
get_language_filter (ParlaDiscoverPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->language_dropdown);

  if (selected == GTK_INVALID_LIST_POSITION || selected >= G_N_ELEMENTS (filter_languages))
    return NULL;

  return filter_languages[selected];
}

static const char *
get_level_filter (ParlaDiscoverPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->level_dropdown);

  /* 0 is "any", then A1 … C2 */
  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || selected > PARLA_LEVEL_C2 + 1)
    return NULL;

  return parla_level_names[selected - 1];
}

/* The price ranges, in minor units of any currency; -1 is no limit. */
static const struct {
  gint64 min;
  gint64 max;
} price_ranges[] = {
  { 0, -1 },
  { 0, 1000 },
  { 1000, 2500 },
  { 2500, 5000 },
  { 5000, -1 },
};

static guint
get_price_range (ParlaDiscoverPage *self)
{
  guint selected = gtk_drop_down_get_selected (self->price_range_dropdown);

  return selected < G_N_ELEMENTS (price_ranges) ? selected : 0;
}

static gint64
get_min_price (ParlaDiscoverPage *self)
{
  return price_ranges[get_price_range (self)].min;
}

/* -1: no limit */
static gint64
get_max_price (ParlaDiscoverPage *self)
{
  return price_ranges[get_price_range (self)].max;
}

/* The range of instants the search looks at, for sessions and for the
 * teachers' free times: from now (or the first day chosen) to the end of
 * the last day chosen, or a week when only "this week" is set. Returns
 * FALSE when there is no end. */
static gboolean
get_range (ParlaDiscoverPage *self,
           gint64            *out_from,
           gint64            *out_to)
{
  gint64 now = parla_time_now ();
  gint64 from = now;
  gint64 to = G_MAXINT64;

  if (self->from_date != NULL)
    from = MAX (now, g_date_time_to_unix (self->from_date));
  if (self->to_date != NULL)
    to = g_date_time_to_unix (self->to_date) + DAY;
  if (gtk_check_button_get_active (self->this_week_check))
    to = MIN (to, now + 7 * DAY);

  *out_from = from;
  *out_to = to;
  return to != G_MAXINT64;
}

static void
add_common_filters (ParlaDiscoverPage *self,
                    ParlaApiQuery     *query)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  g_autofree char *q = g_strstrip (g_strdup (text));
  const char *language = get_language_filter (self);
  const char *level = get_level_filter (self);
  guint price = gtk_drop_down_get_selected (self->price_dropdown);

  if (*q != '\0')
    parla_api_query_add_string (query, "q", q);
  if (language != NULL)
    parla_api_query_add_string (query, "language", language);
  if (level != NULL)
    parla_api_query_add_string (query, "level", level);
  if (price == PRICE_FREE)
    parla_api_query_add_boolean (query, "free", TRUE);
  else if (price == PRICE_PAID)
    parla_api_query_add_boolean (query, "free", FALSE);
}

static ParlaApiQuery *
build_teacher_query (ParlaDiscoverPage *self,
                     int                page)
{
  ParlaApiQuery *query = parla_api_query_new ();
  gint64 min = get_min_price (self);
  gint64 max = get_max_price (self);

  add_common_filters (self, query);
  if (min > 0)
    parla_api_query_add_int (query, "min_price", min);
  if (max >= 0)
    parla_api_query_add_int (query, "max_price", max);
  parla_api_query_add_int (query, "page", page);
  parla_api_query_add_int (query, "limit", PAGE_SIZE);

  return query;
}

static ParlaApiQuery *
build_session_query (ParlaDiscoverPage *self,
                     int                page)
{
  ParlaApiQuery *query = parla_api_query_new ();
  guint type = get_type_filter (self);
  gint64 min = get_min_price (self);
  gint64 max = get_max_price (self);
  gint64 from, to;

  add_common_filters (self, query);
  if (min > 0)
    parla_api_query_add_int (query, "min_price", min);
  if (max >= 0)
    parla_api_query_add_int (query, "max_price", max);
  if (type >= TYPE_FIRST_SESSION_TYPE)
    parla_api_query_add_string (query, "type", parla_session_type_names[type - TYPE_FIRST_SESSION_TYPE]);
  if (get_range (self, &from, &to))
    {
      parla_api_query_add_instant (query, "from", from);
      parla_api_query_add_instant (query, "to", MAX (to, from + 60));
    }
  else if (self->from_date != NULL)
    parla_api_query_add_instant (query, "from", from);
  parla_api_query_add_int (query, "page", page);
  parla_api_query_add_int (query, "limit", PAGE_SIZE);

  return query;
}

/* State */

static void
update_actions (ParlaDiscoverPage *self)
{
  gboolean on_profile = g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "profile") == 0;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "discover.back", on_profile);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "discover.more-teachers",
                                 self->cancellable != NULL && self->pending == 0 &&
                                 self->teachers_loaded < self->teacher_total);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "discover.more-sessions",
                                 self->cancellable != NULL && self->pending == 0 &&
                                 self->sessions_loaded < self->session_total);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "discover.clear-from", self->from_date != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "discover.clear-to", self->to_date != NULL);
}

static guint
count_visible_rows (GtkListBox *list)
{
  guint n = 0;

  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (list));
       row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (GTK_IS_LIST_BOX_ROW (row) && gtk_widget_get_visible (row))
      n++;

  return n;
}

static void
update_state (ParlaDiscoverPage *self)
{
  guint teachers = want_teachers (self) ? count_visible_rows (self->teachers_list) : 0;
  guint sessions = want_sessions (self) ? count_visible_rows (self->sessions_list) : 0;
  gboolean loading = self->pending > 0 || self->checks_pending > 0;
  const char *page;

  gtk_widget_set_visible (self->teachers_box, teachers > 0);
  gtk_widget_set_visible (self->sessions_box, sessions > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->more_teachers_button),
                          self->teachers_loaded < self->teacher_total);
  gtk_widget_set_visible (GTK_WIDGET (self->more_sessions_button),
                          self->sessions_loaded < self->session_total);

  if (teachers + sessions > 0)
    page = "results";
  else if (loading)
    page = "loading";
  else if (self->last_error != NULL)
    page = "error";
  else
    page = "empty";

  gtk_spinner_set_spinning (self->spinner, g_str_equal (page, "loading"));
  /* A new search over the last results: say so beside the entry. */
  gtk_spinner_set_spinning (self->search_spinner, loading && g_str_equal (page, "results"));
  gtk_widget_set_visible (GTK_WIDGET (self->search_spinner), loading && g_str_equal (page, "results"));
  gtk_stack_set_visible_child_name (self->results_stack, page);

  if (self->loading != loading)
    {
      self->loading = loading;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
    }

  update_actions (self);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
set_error (ParlaDiscoverPage *self,
           const GError      *error)
{
  g_clear_error (&self->last_error);
  if (error != NULL)
    {
      self->last_error = g_error_copy (error);
      adw_status_page_set_description (self->error_page, error->message);
      parla_widget_show_error (GTK_WIDGET (self), error);
    }
}

/* Teachers */

static void
update_teacher_badge (ParlaDiscoverPage *self,
                      GtkWidget         *row,
                      int                slots,
                      gint64             first)
{
  GtkLabel *badge = g_object_get_data (G_OBJECT (row), "badge");
  gboolean this_week = gtk_check_button_get_active (self->this_week_check) &&
                       self->from_date == NULL && self->to_date == NULL;

  g_object_set_data (G_OBJECT (row), "slots", GINT_TO_POINTER (slots));
  gtk_widget_remove_css_class (GTK_WIDGET (badge), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (badge), "dim-label");

  if (slots == SLOTS_SOME)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (first);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, parla_context_get_time_zone (self->context));
      g_autofree char *when = parla_format_date_time (local);
      /* Translators: an availability badge on two lines, %s is a date
       * and time */
      g_autofree char *text = g_strdup_printf (_("Next free time\n%s"), when);

      gtk_label_set_label (badge, text);
      gtk_widget_add_css_class (GTK_WIDGET (badge), "success");
    }
  else if (slots == SLOTS_NONE)
    {
      gtk_label_set_label (badge, filter_by_slots (self) && !this_week
                                  ? _("No free time\non these days")
                                  : _("No free time\nthis week"));
      gtk_widget_add_css_class (GTK_WIDGET (badge), "dim-label");
    }
  else
    {
      gtk_label_set_label (badge, _("Checking…"));
      gtk_widget_add_css_class (GTK_WIDGET (badge), "dim-label");
    }

  gtk_widget_set_visible (row, !filter_by_slots (self) || slots == SLOTS_SOME);
}

typedef struct
{
  ParlaDiscoverPage *self;
  GtkWidget         *row;
} BadgeCheck;

static void
on_badge_slots_cb (GObject      *object,
                   GAsyncResult *result,
                   gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  g_autofree BadgeCheck *check = user_data;
  g_autoptr(GtkWidget) row = NULL;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  ParlaDiscoverPage *self;
  JsonArray *slots = NULL;
  gint64 first = 0;

  node = parla_api_client_get_teacher_availability_finish (client, result, &error);
  row = check->row;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = check->self;
  self->checks_pending--;

  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    slots = parla_json_get_array (json_node_get_object (node), "slots");
  if (slots != NULL && json_array_get_length (slots) > 0 &&
      json_array_get_object_element (slots, 0) != NULL)
    first = parla_json_get_instant (json_array_get_object_element (slots, 0), "start", 0);

  /* A row removed by a newer search keeps its reference only until here. */
  if (gtk_widget_get_parent (row) != NULL)
    {
      if (node == NULL)
        {
          /* Not knowing is not "none": keep the row, say nothing. */
          g_debug ("No free times for a badge: %s", error->message);
          gtk_label_set_label (g_object_get_data (G_OBJECT (row), "badge"), "");
          gtk_widget_set_visible (row, TRUE);
        }
      else
        update_teacher_badge (self, row, first != 0 ? SLOTS_SOME : SLOTS_NONE, first);
    }

  update_state (self);
}

static void
check_teacher_slots (ParlaDiscoverPage *self,
                     GtkWidget         *row,
                     const char        *teacher_id)
{
  g_autoptr(ParlaApiQuery) query = parla_api_query_new ();
  BadgeCheck *check;
  gint64 from, to;

  if (!get_range (self, &from, &to))
    to = from + 7 * DAY;
  to = MIN (to, from + MAX_RANGE);

  if (to <= from)
    {
      update_teacher_badge (self, row, SLOTS_NONE, 0);
      return;
    }

  check = g_new0 (BadgeCheck, 1);
  check->self = self;
  check->row = g_object_ref (row);
  self->checks_pending++;

  parla_api_query_add_instant (query, "from", from);
  parla_api_query_add_instant (query, "to", to);
  parla_api_query_add_int (query, "duration", BADGE_DURATION);
  parla_api_client_get_teacher_availability_async (parla_context_get_api_client (self->context),
                                                   teacher_id, query, self->cancellable,
                                                   on_badge_slots_cb, check);
}

static GtkWidget *
create_teacher_row (ParlaDiscoverPage *self,
                    ParlaTeacher      *teacher)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *avatar = adw_avatar_new (40, parla_teacher_get_display_name (teacher), TRUE);
  GtkWidget *badge = gtk_label_new (NULL);
  GtkWidget *arrow = gtk_image_new_from_icon_name ("go-next-symbolic");
  g_autofree char *languages = parla_teacher_format_languages (parla_teacher_get_languages (teacher));
  g_autofree char *rating = parla_teacher_format_rating (parla_teacher_get_rating (teacher),
                                                         parla_teacher_get_rating_count (teacher));
  g_autofree char *price = NULL;
  g_autofree char *subtitle = NULL;
  gint64 from = parla_teacher_get_price_from_minor (teacher);

  if (from < 0)
    price = g_strdup (_("No offerings yet"));
  else if (from == 0)
    price = g_strdup (_("Free lessons"));
  else
    {
      g_autofree char *amount = parla_format_price (from, parla_teacher_get_currency (teacher));

      /* Translators: the lowest price of a teacher's lessons */
      if (parla_teacher_get_has_free_offering (teacher))
        price = g_strdup_printf (_("From %s, some free"), amount);
      else
        price = g_strdup_printf (_("From %s"), amount);
    }

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parla_teacher_get_display_name (teacher));
  /* Translators: the languages taught; the rating; the price */
  subtitle = g_strdup_printf (_("Teaches %s\n%s · %s"), languages, rating, price);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 4);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);

  adw_action_row_add_prefix (ADW_ACTION_ROW (row), avatar);
  gtk_widget_add_css_class (badge, "caption");
  gtk_label_set_justify (GTK_LABEL (badge), GTK_JUSTIFY_RIGHT);
  gtk_label_set_xalign (GTK_LABEL (badge), 1.0);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), badge);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), arrow);

  g_object_set_data_full (G_OBJECT (row), "teacher-id",
                          g_strdup (parla_teacher_get_id (teacher)), g_free);
  g_object_set_data (G_OBJECT (row), "badge", badge);

  return row;
}

static void
on_teachers_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(GError) error = NULL;
  ParlaDiscoverPage *self;

  page = parla_api_client_list_teachers_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_DISCOVER_PAGE (user_data);
  self->pending--;

  if (page == NULL)
    {
      set_error (self, error);
      update_state (self);
      return;
    }

  /* The first page of a new search replaces what was there. */
  if (parla_api_page_get_page (page) <= 1)
    {
      clear_list (self->teachers_list);
      self->teachers_loaded = 0;
    }

  self->teacher_page = parla_api_page_get_page (page);
  self->teacher_total = parla_api_page_get_total (page);

  for (guint i = 0; i < parla_api_page_get_n_items (page); i++)
    {
      ParlaTeacher *teacher = parla_api_page_get_item (page, i);
      GtkWidget *row = create_teacher_row (self, teacher);

      gtk_list_box_append (self->teachers_list, row);
      update_teacher_badge (self, row, SLOTS_UNKNOWN, 0);
      check_teacher_slots (self, row, parla_teacher_get_id (teacher));
      self->teachers_loaded++;
    }

  update_state (self);
}

/* Sessions */

static void
update_session_row (ParlaDiscoverPage *self,
                    GtkWidget         *row)
{
  ParlaSession *session = g_object_get_data (G_OBJECT (row), "session");
  GtkLabel *seats = g_object_get_data (G_OBJECT (row), "seats");
  GtkWidget *button = g_object_get_data (G_OBJECT (row), "book");
  int left = parla_session_get_seats_left (session);
  gboolean booked = parla_session_get_my_booking_status (session) >= 0;
  gboolean cancelled = parla_session_get_status (session) == PARLA_SESSION_STATUS_CANCELLED;
  g_autofree char *text = NULL;

  gtk_widget_remove_css_class (GTK_WIDGET (seats), "success");
  gtk_widget_remove_css_class (GTK_WIDGET (seats), "warning");
  gtk_widget_remove_css_class (GTK_WIDGET (seats), "dim-label");

  if (cancelled)
    {
      text = g_strdup (_("Cancelled"));
      gtk_widget_add_css_class (GTK_WIDGET (seats), "dim-label");
    }
  else if (booked)
    {
      text = g_strdup (_("You have a seat"));
      gtk_widget_add_css_class (GTK_WIDGET (seats), "success");
    }
  else if (left <= 0)
    {
      text = g_strdup (_("Full"));
      gtk_widget_add_css_class (GTK_WIDGET (seats), "dim-label");
    }
  else
    {
      text = g_strdup_printf (ngettext ("%d seat left", "%d seats left", (gulong) left), left);
      if (left <= 2)
        gtk_widget_add_css_class (GTK_WIDGET (seats), "warning");
    }

  gtk_label_set_label (seats, text);
  gtk_widget_set_sensitive (button, !cancelled && !booked && left > 0);
}

static GtkWidget *
create_session_row (ParlaDiscoverPage *self,
                    ParlaSession      *session)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *seats = gtk_label_new (NULL);
  GtkWidget *button = gtk_button_new_with_mnemonic (_("_Book"));
  g_autofree char *when = parla_teacher_format_slot (self->context, parla_session_get_start (session),
                                                     parla_session_get_end (session));
  g_autofree char *price = parla_format_price_or_free (parla_session_get_price_minor (session),
                                                       parla_session_get_currency (session));
  g_autofree char *subtitle = NULL;
  g_autofree char *name = NULL;

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), parla_session_get_title (session));
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 2);
  /* Translators: type · language · level · host, then when · price */
  subtitle = g_strdup_printf (_("%s · %s · %s · %s\n%s · %s"),
                              parla_teacher_format_session_type (parla_session_get_session_type (session)),
                              parla_teacher_format_language (parla_session_get_language (session)),
                              parla_teacher_format_level (parla_session_get_level (session)),
                              parla_session_get_host_name (session),
                              when, price);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 5);

  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (seats, "caption");
  gtk_widget_add_css_class (seats, "numeric");
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "discover.book-session");
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", parla_session_get_id (session));
  /* Translators: the accessible name of a Book button, %s is a session */
  name = g_strdup_printf (_("Book a seat in %s"), parla_session_get_title (session));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  gtk_box_append (GTK_BOX (box), seats);
  gtk_box_append (GTK_BOX (box), button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), box);

  g_object_set_data_full (G_OBJECT (row), "session", g_object_ref (session), g_object_unref);
  g_object_set_data (G_OBJECT (row), "seats", seats);
  g_object_set_data (G_OBJECT (row), "book", button);
  update_session_row (self, row);

  return row;
}

static void
on_sessions_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ParlaApiClient *client = PARLA_API_CLIENT (object);
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(GError) error = NULL;
  ParlaDiscoverPage *self;

  page = parla_api_client_list_sessions_finish (client, result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_DISCOVER_PAGE (user_data);
  self->pending--;

  if (page == NULL)
    {
      set_error (self, error);
      update_state (self);
      return;
    }

  if (parla_api_page_get_page (page) <= 1)
    {
      clear_list (self->sessions_list);
      g_hash_table_remove_all (self->session_rows);
      self->sessions_loaded = 0;
    }

  self->session_page = parla_api_page_get_page (page);
  self->session_total = parla_api_page_get_total (page);

  for (guint i = 0; i < parla_api_page_get_n_items (page); i++)
    {
      ParlaSession *session = parla_api_page_get_item (page, i);
      GtkWidget *row;

      self->sessions_loaded++;
      if (g_hash_table_contains (self->session_rows, parla_session_get_id (session)))
        continue;

      row = create_session_row (self, session);
      gtk_list_box_append (self->sessions_list, row);
      g_hash_table_insert (self->session_rows, g_strdup (parla_session_get_id (session)), row);
    }

  update_state (self);
}

static void
on_session_seats_cb (ParlaDiscoverPage *self,
                     const char        *type,
                     JsonNode          *message)
{
  JsonObject *object;
  GtkWidget *row;
  ParlaSession *session;
  const char *status;

  if (!JSON_NODE_HOLDS_OBJECT (message))
    return;

  object = json_node_get_object (message);
  row = g_hash_table_lookup (self->session_rows, parla_json_get_string (object, "session_id", ""));
  if (row == NULL)
    return;

  session = g_object_get_data (G_OBJECT (row), "session");
  parla_session_set_seats_left (session,
                                (int) parla_json_get_int (object, "seats_left",
                                                          parla_session_get_seats_left (session)));
  status = parla_json_get_string (object, "status", NULL);
  if (g_strcmp0 (status, "cancelled") == 0)
    parla_session_set_status (session, PARLA_SESSION_STATUS_CANCELLED);

  update_session_row (self, row);
}

/* Searching */

static void
reload (ParlaDiscoverPage *self)
{
  ParlaApiClient *client = parla_context_get_api_client (self->context);

  g_clear_handle_id (&self->search_source, g_source_remove);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->pending = 0;
  self->checks_pending = 0;
  set_error (self, NULL);

  if (want_teachers (self))
    {
      g_autoptr(ParlaApiQuery) query = build_teacher_query (self, 1);

      self->pending++;
      parla_api_client_list_teachers_async (client, query, self->cancellable, on_teachers_cb, self);
    }
  else
    {
      clear_list (self->teachers_list);
      self->teachers_loaded = 0;
      self->teacher_total = 0;
    }

  if (want_sessions (self))
    {
      g_autoptr(ParlaApiQuery) query = build_session_query (self, 1);

      self->pending++;
      parla_api_client_list_sessions_async (client, query, self->cancellable, on_sessions_cb, self);
    }
  else
    {
      clear_list (self->sessions_list);
      g_hash_table_remove_all (self->session_rows);
      self->sessions_loaded = 0;
      self->session_total = 0;
    }

  update_state (self);
}

static gboolean
reload_cb (gpointer user_data)
{
  ParlaDiscoverPage *self = user_data;

  self->search_source = 0;
  reload (self);

  return G_SOURCE_REMOVE;
}

static void
queue_reload (ParlaDiscoverPage *self)
{
  if (self->resetting || self->context == NULL)
    return;

  /* Spin buttons change a step at a time: search when they rest. */
  g_clear_handle_id (&self->search_source, g_source_remove);
  self->search_source = g_timeout_add (250, reload_cb, self);
}

static void
on_search_changed_cb (ParlaDiscoverPage *self)
{
  if (self->context != NULL)
    reload (self);
}

static void
on_filter_changed_cb (ParlaDiscoverPage *self)
{
  queue_reload (self);
}

static void
set_date (ParlaDiscoverPage  *self,
          GDateTime         **date,
          GtkMenuButton      *button,
          GtkCalendar        *calendar)
{
  g_clear_pointer (date, g_date_time_unref);

  if (calendar != NULL)
    {
      g_autoptr(GDateTime) picked = gtk_calendar_get_date (calendar);

      *date = g_date_time_new (parla_context_get_time_zone (self->context),
                               g_date_time_get_year (picked),
                               g_date_time_get_month (picked),
                               g_date_time_get_day_of_month (picked),
                               0, 0, 0);
    }

  if (*date != NULL)
    {
      g_autofree char *label = parla_format_date (*date);

      gtk_menu_button_set_label (button, label);
    }
  else
    gtk_menu_button_set_label (button, _("Any day"));

  gtk_menu_button_popdown (button);
  update_actions (self);
  queue_reload (self);
}

static void
on_from_day_selected_cb (ParlaDiscoverPage *self)
{
  set_date (self, &self->from_date, self->from_button, self->from_calendar);
}

static void
on_to_day_selected_cb (ParlaDiscoverPage *self)
{
  set_date (self, &self->to_date, self->to_button, self->to_calendar);
}

static void
on_teacher_row_activated_cb (ParlaDiscoverPage *self,
                             GtkListBoxRow     *row)
{
  const char *teacher_id = g_object_get_data (G_OBJECT (row), "teacher-id");

  if (teacher_id != NULL)
    parla_discover_page_show_teacher (self, teacher_id);
}

static void
on_leaflet_visible_child_cb (ParlaDiscoverPage *self)
{
  update_actions (self);
}

static void
on_reconnected_cb (ParlaDiscoverPage *self)
{
  /* Back online after a failed search: try again. */
  if (self->last_error != NULL)
    reload (self);
}

static void
on_dialog_booking_cb (GObject    *object,
                      GParamSpec *pspec,
                      gpointer    user_data)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (user_data);
  ParlaBooking *booking = parla_booking_dialog_get_booking (PARLA_BOOKING_DIALOG (object));
  GtkWidget *row;

  if (booking == NULL || parla_booking_get_session_id (booking) == NULL)
    return;

  row = g_hash_table_lookup (self->session_rows, parla_booking_get_session_id (booking));
  if (row == NULL)
    return;

  if (parla_booking_is_active (booking))
    {
      ParlaSession *session = g_object_get_data (G_OBJECT (row), "session");

      parla_session_set_my_booking_id (session, parla_booking_get_id (booking));
      parla_session_set_my_booking_status (session, parla_booking_get_status (booking));
    }
  update_session_row (self, row);
}

/* Actions */

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);

  reload (self);
  if (g_strcmp0 (adw_leaflet_get_visible_child_name (self->leaflet), "profile") == 0)
    parla_teacher_profile_reload (self->profile);
}

static void
search_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "results");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);

  adw_leaflet_set_visible_child_name (self->leaflet, "results");
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
toggle_filters_action (GtkWidget  *widget,
                       const char *action_name,
                       GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);

  gtk_toggle_button_set_active (self->filter_button, !gtk_toggle_button_get_active (self->filter_button));
}

static void
reset_filters_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);

  self->resetting = TRUE;
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_drop_down_set_selected (self->language_dropdown, 0);
  gtk_drop_down_set_selected (self->level_dropdown, 0);
  gtk_drop_down_set_selected (self->type_dropdown, 0);
  gtk_drop_down_set_selected (self->price_dropdown, 0);
  gtk_drop_down_set_selected (self->price_range_dropdown, 0);
  gtk_check_button_set_active (self->this_week_check, FALSE);
  set_date (self, &self->from_date, self->from_button, NULL);
  set_date (self, &self->to_date, self->to_button, NULL);
  self->resetting = FALSE;

  reload (self);
}

static void
clear_from_action (GtkWidget  *widget,
                   const char *action_name,
                   GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);

  set_date (self, &self->from_date, self->from_button, NULL);
}

static void
clear_to_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);

  set_date (self, &self->to_date, self->to_button, NULL);
}

static void
more_teachers_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);
  g_autoptr(ParlaApiQuery) query = build_teacher_query (self, self->teacher_page + 1);

  self->pending++;
  parla_api_client_list_teachers_async (parla_context_get_api_client (self->context), query,
                                        self->cancellable, on_teachers_cb, self);
  update_state (self);
}

static void
more_sessions_action (GtkWidget  *widget,
                      const char *action_name,
                      GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);
  g_autoptr(ParlaApiQuery) query = build_session_query (self, self->session_page + 1);

  self->pending++;
  parla_api_client_list_sessions_async (parla_context_get_api_client (self->context), query,
                                        self->cancellable, on_sessions_cb, self);
  update_state (self);
}

static void
book_session_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (widget);
  const char *session_id = g_variant_get_string (parameter, NULL);
  GtkWidget *row = g_hash_table_lookup (self->session_rows, session_id);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog;

  if (row == NULL)
    return;

  dialog = parla_booking_dialog_new_for_session (self->context,
                                                 g_object_get_data (G_OBJECT (row), "session"));
  g_signal_connect_object (dialog, "notify::booking", G_CALLBACK (on_dialog_booking_cb), self, 0);
  if (GTK_IS_WINDOW (root))
    gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (root));
  gtk_window_present (GTK_WINDOW (dialog));
}

/* Overrides */

static void
fill_dropdowns (ParlaDiscoverPage *self)
{
  g_autoptr(GtkStringList) languages = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) levels = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) types = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) prices = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) ranges = gtk_string_list_new (NULL);

  gtk_string_list_append (languages, _("Any language"));
  for (guint i = 1; i < G_N_ELEMENTS (filter_languages); i++)
    gtk_string_list_append (languages, parla_teacher_format_language (filter_languages[i]));

  gtk_string_list_append (levels, _("Any level"));
  for (int level = PARLA_LEVEL_A1; level <= PARLA_LEVEL_C2; level++)
    gtk_string_list_append (levels, parla_level_names[level]);

  gtk_string_list_append (types, _("Everything"));
  gtk_string_list_append (types, _("1:1 lessons"));
  for (int type = PARLA_SESSION_GROUP; type <= PARLA_SESSION_CULTURAL; type++)
    gtk_string_list_append (types, parla_teacher_format_session_type (type));

  gtk_string_list_append (prices, _("Free or paid"));
  gtk_string_list_append (prices, _("Free only"));
  gtk_string_list_append (prices, _("Paid only"));

  /* Translators: price ranges in whole units of any currency */
  gtk_string_list_append (ranges, _("Any price"));
  gtk_string_list_append (ranges, _("Up to 10"));
  gtk_string_list_append (ranges, _("10 to 25"));
  gtk_string_list_append (ranges, _("25 to 50"));
  gtk_string_list_append (ranges, _("50 and more"));

  self->resetting = TRUE;
  gtk_drop_down_set_model (self->language_dropdown, G_LIST_MODEL (languages));
  gtk_drop_down_set_model (self->level_dropdown, G_LIST_MODEL (levels));
  gtk_drop_down_set_model (self->type_dropdown, G_LIST_MODEL (types));
  gtk_drop_down_set_model (self->price_dropdown, G_LIST_MODEL (prices));
  gtk_drop_down_set_model (self->price_range_dropdown, G_LIST_MODEL (ranges));
  self->resetting = FALSE;
}

static void
parla_discover_page_constructed (GObject *object)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (object);
  ParlaRealtime *realtime;

  G_OBJECT_CLASS (parla_discover_page_parent_class)->constructed (object);

  g_return_if_fail (PARLA_IS_CONTEXT (self->context));

  self->profile = PARLA_TEACHER_PROFILE (parla_teacher_profile_new (self->context));
  gtk_widget_set_vexpand (GTK_WIDGET (self->profile), TRUE);
  gtk_box_append (GTK_BOX (self->profile_box), GTK_WIDGET (self->profile));

  realtime = parla_context_get_realtime (self->context);
  if (realtime != NULL)
    g_signal_connect_object (realtime, "event::session.seats",
                             G_CALLBACK (on_session_seats_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->context, "reconnected",
                           G_CALLBACK (on_reconnected_cb), self, G_CONNECT_SWAPPED);

  reload (self);
}

static void
parla_discover_page_dispose (GObject *object)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->search_source, g_source_remove);

  G_OBJECT_CLASS (parla_discover_page_parent_class)->dispose (object);
}

static void
parla_discover_page_finalize (GObject *object)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->context);
  g_clear_pointer (&self->session_rows, g_hash_table_unref);
  g_clear_pointer (&self->from_date, g_date_time_unref);
  g_clear_pointer (&self->to_date, g_date_time_unref);
  g_clear_error (&self->last_error);

  G_OBJECT_CLASS (parla_discover_page_parent_class)->finalize (object);
}

static void
parla_discover_page_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;
    case PROP_LOADING:
      g_value_set_boolean (value, self->loading);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_discover_page_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  ParlaDiscoverPage *self = PARLA_DISCOVER_PAGE (object);

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
parla_discover_page_class_init (ParlaDiscoverPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_discover_page_constructed;
  object_class->dispose = parla_discover_page_dispose;
  object_class->finalize = parla_discover_page_finalize;
  object_class->get_property = parla_discover_page_get_property;
  object_class->set_property = parla_discover_page_set_property;

  /**
   * ParlaDiscoverPage:context:
   *
   * The signed-in learner's services.
   */
  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);

  /**
   * ParlaDiscoverPage:loading:
   *
   * Whether results or availability badges are being loaded.
   */
  properties[PROP_LOADING] =
    g_param_spec_boolean ("loading", NULL, NULL,
                          FALSE,
                          G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (PARLA_TYPE_TEACHER_PROFILE);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/discover/parla-discover-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, search_spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, filter_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, language_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, level_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, price_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, price_range_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, from_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, from_calendar);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, to_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, to_calendar);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, this_week_check);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, results_stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, spinner);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, teachers_box);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, teachers_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, more_teachers_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, sessions_box);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, sessions_list);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, more_sessions_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, profile_box);
  gtk_widget_class_bind_template_child (widget_class, ParlaDiscoverPage, back_button);
  gtk_widget_class_bind_template_callback (widget_class, on_search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_filter_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_from_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_to_day_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_teacher_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, on_leaflet_visible_child_cb);

  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);
  gtk_widget_class_install_action (widget_class, "page.search", NULL, search_action);
  gtk_widget_class_install_action (widget_class, "discover.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "discover.toggle-filters", NULL, toggle_filters_action);
  gtk_widget_class_install_action (widget_class, "discover.reset-filters", NULL, reset_filters_action);
  gtk_widget_class_install_action (widget_class, "discover.clear-from", NULL, clear_from_action);
  gtk_widget_class_install_action (widget_class, "discover.clear-to", NULL, clear_to_action);
  gtk_widget_class_install_action (widget_class, "discover.more-teachers", NULL, more_teachers_action);
  gtk_widget_class_install_action (widget_class, "discover.more-sessions", NULL, more_sessions_action);
  gtk_widget_class_install_action (widget_class, "discover.book-session", "s", book_session_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "discover.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Left, GDK_ALT_MASK, "discover.back", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_f, GDK_CONTROL_MASK | GDK_SHIFT_MASK,
                                       "discover.toggle-filters", NULL);
}

static void
parla_discover_page_init (ParlaDiscoverPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->session_rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  fill_dropdowns (self);
  update_actions (self);
}

/**
 * parla_discover_page_new:
 * @context: the signed-in learner's services
 *
 * Returns: (transfer floating): a new #ParlaDiscoverPage, searching
 *   everything at once
 */
GtkWidget *
parla_discover_page_new (ParlaContext *context)
{
  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);

  return g_object_new (PARLA_TYPE_DISCOVER_PAGE, "context", context, NULL);
}

/**
 * parla_discover_page_get_loading:
 * @self: a #ParlaDiscoverPage
 *
 * Returns: whether results or availability badges are being loaded
 */
gboolean
parla_discover_page_get_loading (ParlaDiscoverPage *self)
{
  g_return_val_if_fail (PARLA_IS_DISCOVER_PAGE (self), FALSE);

  return self->loading;
}

/**
 * parla_discover_page_show_teacher:
 * @self: a #ParlaDiscoverPage
 * @teacher_id: whom to show
 *
 * Pushes @teacher_id's profile; Escape or Alt+Left goes back.
 */
void
parla_discover_page_show_teacher (ParlaDiscoverPage *self,
                                  const char        *teacher_id)
{
  g_return_if_fail (PARLA_IS_DISCOVER_PAGE (self));
  g_return_if_fail (teacher_id != NULL);

  parla_teacher_profile_set_teacher_id (self->profile, teacher_id);
  adw_leaflet_set_visible_child_name (self->leaflet, "profile");
  gtk_widget_grab_focus (GTK_WIDGET (self->back_button));
}
