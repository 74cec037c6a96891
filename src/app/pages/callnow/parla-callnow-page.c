/* parla-callnow-page.c: the learner's "Call a tutor now"
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>

#include "parla-callnow-page.h"
#include "parla-format.h"
#include "parla-instant-call.h"
#include "parla-teacher-format.h"
#include "parla-teacher.h"
#include "parla-window.h"

/**
 * ParlaCallnowPage:
 *
 * The learner's page for a call with a tutor now (docs/protocol.md,
 * "Calls with a tutor now"): their balance in minutes (`GET /me/balance`,
 * with a way to the Minutes page), what they want to practise, and
 * "Call a Tutor Now" (`POST /calls`). While the server rings teachers one
 * after another, it shows who is being tried and how long the ring lasts,
 * and Cancel; when nobody is free it offers a notification for later
 * (`POST /calls/{id}/notify`; the ring service shows it); when a teacher
 * accepts, it joins (`POST /calls/{id}/join`) and opens the call window.
 *
 * #ParlaCallnowPage:state names the screen: `loading`, `error`,
 * `no-minutes`, `form`, `searching`, `connecting` or `unanswered`.
 */
struct _ParlaCallnowPage
{
  AdwBin          parent_instance;

  /* owned */
  ParlaContext   *context;
  GCancellable   *cancellable;      /* loading */
  GCancellable   *call_cancellable; /* the call's requests */
  GSignalGroup   *realtime_signals;
  GtkStringList  *teacher_ids;
  char           *call_id;
  GDateTime      *ring_deadline;
  guint           countdown_id;
  gint64          minutes;
  gboolean        requesting;       /* POST /calls is on its way */
  gboolean        notify_asked;

  /* template */
  GtkStack       *stack;
  AdwStatusPage  *error_page;
  AdwActionRow   *balance_row;
  GtkWidget      *minutes_button;
  AdwComboRow    *language_row;
  AdwComboRow    *level_row;
  AdwComboRow    *specialization_row;
  AdwEntryRow    *accent_row;
  AdwComboRow    *teacher_row;
  GtkWidget      *call_button;
  AdwStatusPage  *searching_page;
  GtkLabel       *countdown_label;
  AdwStatusPage  *connecting_page;
  AdwStatusPage  *unanswered_page;
  GtkWidget      *notify_button;
};

G_DEFINE_FINAL_TYPE (ParlaCallnowPage, parla_callnow_page, ADW_TYPE_BIN)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_STATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static const char * const languages[] = {
  "es", "en", "fr", "de", "it", "pt", "ja", "zh", "ko", "ar", "ru",
};

/* NULL: any */
static const char * const levels[] = { NULL, "A1", "A2", "B1", "B2", "C1", "C2" };

static const struct {
  const char *value;
  const char *label;
} specializations[] = {
  { NULL, N_("Anything") },
  { "conversational", N_("Everyday conversation") },
  { "business", N_("Business") },
  { "academic", N_("Academic") },
};

/* Helpers */

static void
update_actions (ParlaCallnowPage *self)
{
  const char *state = gtk_stack_get_visible_child_name (self->stack);
  gboolean online = self->context != NULL && parla_context_get_online (self->context);
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  gboolean has_minutes_page = PARLA_IS_WINDOW (root) &&
                              parla_window_get_page (PARLA_WINDOW (root), "minutes") != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "callnow.call",
                                 g_strcmp0 (state, "form") == 0 && online && !self->requesting &&
                                 self->minutes > 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "callnow.cancel",
                                 g_strcmp0 (state, "searching") == 0 && self->call_id != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "callnow.notify",
                                 g_strcmp0 (state, "unanswered") == 0 && self->call_id != NULL &&
                                 !self->notify_asked);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "callnow.back",
                                 g_strcmp0 (state, "unanswered") == 0);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "callnow.show-minutes", has_minutes_page);
  gtk_widget_set_visible (self->minutes_button, has_minutes_page);

  gtk_widget_set_tooltip_text (self->call_button,
                               online ? NULL : _("Calls need a connection to the server"));
}

static void
set_state (ParlaCallnowPage *self,
           const char       *state)
{
  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), state) != 0)
    {
      gtk_stack_set_visible_child_name (self->stack, state);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATE]);
    }
  update_actions (self);
}

static const char *
get_string (JsonObject *object,
            const char *member)
{
  JsonNode *node = object != NULL ? json_object_get_member (object, member) : NULL;

  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;

  return json_node_get_string (node);
}

static const char *
get_person_name (JsonObject *object,
                 const char *member)
{
  JsonNode *node = json_object_get_member (object, member);

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return NULL;

  return get_string (json_node_get_object (node), "display_name");
}

static const char *
my_user_id (ParlaCallnowPage *self)
{
  ParlaUser *user = parla_context_get_user (self->context);

  return user != NULL ? parla_user_get_id (user) : NULL;
}

static void
stop_countdown (ParlaCallnowPage *self)
{
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  g_clear_pointer (&self->ring_deadline, g_date_time_unref);
  gtk_label_set_label (self->countdown_label, "");
}

static gboolean
update_countdown (gpointer user_data)
{
  ParlaCallnowPage *self = user_data;
  g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
  g_autofree char *text = NULL;
  GTimeSpan left;
  int seconds;

  if (self->ring_deadline == NULL)
    return G_SOURCE_REMOVE;

  left = g_date_time_difference (self->ring_deadline, now);
  seconds = (int) MAX ((left + G_TIME_SPAN_SECOND - 1) / G_TIME_SPAN_SECOND, 0);
  text = g_strdup_printf (ngettext ("Rings for %d more second", "Rings for %d more seconds", seconds),
                          seconds);
  gtk_label_set_label (self->countdown_label, text);

  return G_SOURCE_CONTINUE;
}

/* The searching screen for a call that rings @teacher (attempt @attempt)
 * until @deadline; or, without a teacher, is looking for the next one. */
static void
show_searching (ParlaCallnowPage *self,
                const char       *teacher,
                gint64            attempt,
                const char       *deadline)
{
  g_autofree char *title = NULL;
  g_autofree char *description = NULL;

  stop_countdown (self);

  if (teacher != NULL)
    {
      /* Translators: %s is a teacher's name */
      title = g_strdup_printf (_("Calling %s"), teacher);
      if (attempt > 1)
        description = g_strdup_printf (_("Tutor %d: the ones before could not answer."), (int) attempt);
      else
        description = g_strdup (_("The best match for your wishes who is free right now."));
    }
  else
    {
      title = g_strdup (_("Finding a Tutor"));
      description = g_strdup (_("Looking for the next tutor who is free."));
    }
  adw_status_page_set_title (self->searching_page, title);
  adw_status_page_set_description (self->searching_page, description);

  if (deadline != NULL)
    self->ring_deadline = g_date_time_new_from_iso8601 (deadline, NULL);
  if (update_countdown (self) == G_SOURCE_CONTINUE)
    self->countdown_id = g_timeout_add_seconds (1, update_countdown, self);

  set_state (self, "searching");
}

static void
show_unanswered (ParlaCallnowPage *self)
{
  stop_countdown (self);
  self->notify_asked = FALSE;
  adw_status_page_set_description (self->unanswered_page,
                                   _("Every tutor who fits your wishes is busy or away. We can tell you as "
                                     "soon as one is free."));
  set_state (self, "unanswered");
}

static void
end_call (ParlaCallnowPage *self)
{
  stop_countdown (self);
  g_clear_pointer (&self->call_id, g_free);
  self->requesting = FALSE;
}

static void reload (ParlaCallnowPage *self);

/* Applies the call as POST /calls or /cancel answered it. */
static void
apply_call (ParlaCallnowPage *self,
            JsonObject       *call)
{
  const char *status = get_string (call, "status");

  if (g_strcmp0 (status, "ringing") == 0)
    {
      JsonNode *attempts = json_object_get_member (call, "attempts");
      gint64 attempt = attempts != NULL && JSON_NODE_HOLDS_ARRAY (attempts)
                       ? json_array_get_length (json_node_get_array (attempts)) : 1;

      show_searching (self, get_person_name (call, "teacher"), MAX (attempt, 1),
                      get_string (call, "ring_deadline"));
    }
  else if (g_strcmp0 (status, "searching") == 0)
    show_searching (self, NULL, 0, NULL);
  else if (g_strcmp0 (status, "unanswered") == 0)
    show_unanswered (self);
}

/* Loading */

static void
on_teachers_cb (GObject      *object,
                GAsyncResult *result,
                gpointer      user_data)
{
  ParlaCallnowPage *self;
  g_autoptr(ParlaApiPage) page = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) names = NULL;

  page = parla_api_client_list_teachers_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_CALLNOW_PAGE (user_data);
  if (page == NULL)
    return;  /* "Any tutor" still works */

  names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("Any tutor"));
  g_object_unref (self->teacher_ids);
  self->teacher_ids = gtk_string_list_new (NULL);
  gtk_string_list_append (self->teacher_ids, "");
  for (guint i = 0; i < parla_api_page_get_n_items (page); i++)
    {
      ParlaTeacher *teacher = parla_api_page_get_item (page, i);

      gtk_string_list_append (names, parla_teacher_get_display_name (teacher));
      gtk_string_list_append (self->teacher_ids, parla_teacher_get_id (teacher));
    }
  adw_combo_row_set_model (self->teacher_row, G_LIST_MODEL (names));
}

static void
on_balance_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ParlaCallnowPage *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *subtitle = NULL;
  g_autofree char *amount = NULL;
  JsonObject *balance;
  const char *expires_at;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_CALLNOW_PAGE (user_data);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (error != NULL)
        {
          parla_widget_show_error (GTK_WIDGET (self), error);
          adw_status_page_set_description (self->error_page, error->message);
        }
      /* Offline with the form loaded: it stays readable. */
      if (self->minutes <= 0 || g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0)
        set_state (self, "error");
      return;
    }

  balance = json_node_get_object (node);
  self->minutes = json_object_get_int_member_with_default (balance, "minutes", 0);
  expires_at = get_string (balance, "expires_at");

  amount = parla_format_minutes ((int) self->minutes);
  if (expires_at != NULL)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_iso8601 (expires_at, NULL);
      g_autoptr(GDateTime) local = utc != NULL ? g_date_time_to_timezone (utc, parla_context_get_time_zone (self->context)) : NULL;
      g_autofree char *date = local != NULL ? parla_format_date (local) : NULL;

      /* Translators: a duration such as "1 h 58 min", then a date */
      subtitle = date != NULL ? g_strdup_printf (_("%s left, valid until %s"), amount, date)
                              : g_strdup_printf (_("%s left"), amount);
    }
  else
    subtitle = g_strdup_printf (_("%s left"), amount);
  adw_action_row_set_subtitle (self->balance_row, subtitle);

  if (self->call_id != NULL || self->requesting)
    return;
  set_state (self, self->minutes > 0 ? "form" : "no-minutes");
}

static void
reload (ParlaCallnowPage *self)
{
  ParlaApiClient *client;
  g_autoptr(ParlaApiQuery) query = NULL;

  if (self->context == NULL || !parla_context_get_signed_in (self->context))
    return;

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "error") == 0)
    set_state (self, "loading");

  client = parla_context_get_api_client (self->context);
  parla_api_client_send_async (client, "GET", "/api/v1/me/balance", NULL, NULL,
                               self->cancellable, on_balance_cb, self);

  query = parla_api_query_new ();
  parla_api_query_add_int (query, "limit", 100);
  parla_api_client_list_teachers_async (client, query, self->cancellable, on_teachers_cb, self);
}

/* The call */

static void
on_joined_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ParlaCallnowPage *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *call_id = NULL;
  GtkApplication *application;
  GtkRoot *root;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_CALLNOW_PAGE (user_data);
  call_id = g_steal_pointer (&self->call_id);
  end_call (self);
  set_state (self, self->minutes > 0 ? "form" : "no-minutes");

  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  root = gtk_widget_get_root (GTK_WIDGET (self));
  application = GTK_IS_WINDOW (root) ? gtk_window_get_application (GTK_WINDOW (root)) : NULL;
  if (application == NULL && GTK_IS_APPLICATION (g_application_get_default ()))
    application = GTK_APPLICATION (g_application_get_default ());
  if (application != NULL)
    parla_instant_call_open_window (self->context, application, json_node_get_object (node), call_id);
  /* The balance goes down during the call: read it again afterwards. */
  reload (self);
}

static void
join_call (ParlaCallnowPage *self,
           const char       *teacher)
{
  g_autofree char *path = parla_instant_call_dup_path (self->call_id, "join");
  g_autofree char *title = NULL;

  stop_countdown (self);
  /* Translators: %s is a teacher's name */
  title = teacher != NULL ? g_strdup_printf (_("Connecting to %s"), teacher) : g_strdup (_("Connecting"));
  adw_status_page_set_title (self->connecting_page, title);
  set_state (self, "connecting");

  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", path, NULL, NULL,
                               self->call_cancellable, on_joined_cb, self);
}

static void
on_created_cb (GObject      *object,
               GAsyncResult *result,
               gpointer      user_data)
{
  ParlaCallnowPage *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;
  JsonObject *call;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_CALLNOW_PAGE (user_data);
  self->requesting = FALSE;
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      end_call (self);
      set_state (self, "form");
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      reload (self);
      return;
    }

  call = json_node_get_object (node);
  /* The events of this call may have come first: they are newer. */
  if (self->call_id != NULL)
    {
      update_actions (self);
      return;
    }

  self->call_id = g_strdup (get_string (call, "id"));
  apply_call (self, call);
}

static JsonNode *
build_request (ParlaCallnowPage *self)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  guint language = adw_combo_row_get_selected (self->language_row);
  guint level = adw_combo_row_get_selected (self->level_row);
  guint specialization = adw_combo_row_get_selected (self->specialization_row);
  guint teacher = adw_combo_row_get_selected (self->teacher_row);
  g_autofree char *accent = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->accent_row))));
  const char *teacher_id = NULL;

  if (teacher != GTK_INVALID_LIST_POSITION)
    teacher_id = gtk_string_list_get_string (self->teacher_ids, teacher);

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "language");
  json_builder_add_string_value (builder, languages[language < G_N_ELEMENTS (languages) ? language : 0]);
  if (level < G_N_ELEMENTS (levels) && levels[level] != NULL)
    {
      json_builder_set_member_name (builder, "level");
      json_builder_add_string_value (builder, levels[level]);
    }
  if (specialization < G_N_ELEMENTS (specializations) && specializations[specialization].value != NULL)
    {
      json_builder_set_member_name (builder, "specialization");
      json_builder_add_string_value (builder, specializations[specialization].value);
    }
  if (*accent != '\0')
    {
      json_builder_set_member_name (builder, "accent");
      json_builder_add_string_value (builder, accent);
    }
  if (teacher_id != NULL && *teacher_id != '\0')
    {
      json_builder_set_member_name (builder, "teacher_id");
      json_builder_add_string_value (builder, teacher_id);
    }
  json_builder_end_object (builder);

  return json_builder_get_root (builder);
}

/* Realtime events */

static gboolean
is_my_call (ParlaCallnowPage *self,
            JsonObject       *event)
{
  const char *call_id = get_string (event, "call_id");

  if (g_strcmp0 (get_string (event, "learner_id"), my_user_id (self)) != 0 || call_id == NULL)
    return FALSE;

  /* An event may come before the answer to POST /calls. */
  if (self->call_id == NULL && self->requesting)
    self->call_id = g_strdup (call_id);

  return g_strcmp0 (call_id, self->call_id) == 0;
}

static void
on_call_event_cb (ParlaCallnowPage *self,
                  const char       *type,
                  JsonNode         *message)
{
  JsonObject *event = json_node_get_object (message);

  if (!is_my_call (self, event))
    return;

  if (g_str_equal (type, "call.ringing"))
    show_searching (self, get_person_name (event, "teacher"),
                    json_object_get_int_member_with_default (event, "attempt", 1),
                    get_string (event, "ring_deadline"));
  else if (g_str_equal (type, "call.declined") || g_str_equal (type, "call.timeout"))
    show_searching (self, NULL, 0, NULL);
  else if (g_str_equal (type, "call.unanswered"))
    show_unanswered (self);
  else if (g_str_equal (type, "call.cancelled"))
    {
      end_call (self);
      set_state (self, "form");
    }
  else if (g_str_equal (type, "call.accepted"))
    join_call (self, get_person_name (event, "teacher"));
}

/* Actions */

static void
call_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (widget);
  g_autoptr(JsonNode) body = build_request (self);

  g_cancellable_cancel (self->call_cancellable);
  g_clear_object (&self->call_cancellable);
  self->call_cancellable = g_cancellable_new ();

  end_call (self);
  self->requesting = TRUE;
  show_searching (self, NULL, 0, NULL);
  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", "/api/v1/calls", body,
                               NULL, self->call_cancellable, on_created_cb, self);
}

static void
on_cancelled_cb (GObject      *object,
                 GAsyncResult *result,
                 gpointer      user_data)
{
  ParlaCallnowPage *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_CALLNOW_PAGE (user_data);
  if (node == NULL)
    {
      /* Too late: a teacher accepted (call.accepted joins) or it ended. */
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  if (g_strcmp0 (get_string (json_node_get_object (node), "status"), "cancelled") == 0 &&
      g_strcmp0 (get_string (json_node_get_object (node), "id"), self->call_id) == 0)
    {
      end_call (self);
      set_state (self, "form");
    }
}

static void
cancel_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (widget);
  g_autofree char *path = parla_instant_call_dup_path (self->call_id, "cancel");

  gtk_widget_action_set_enabled (widget, "callnow.cancel", FALSE);
  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", path, NULL, NULL,
                               self->call_cancellable, on_cancelled_cb, self);
}

static void
on_notify_cb (GObject      *object,
              GAsyncResult *result,
              gpointer      user_data)
{
  ParlaCallnowPage *self;
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(GError) error = NULL;

  node = parla_api_client_send_finish (PARLA_API_CLIENT (object), result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  self = PARLA_CALLNOW_PAGE (user_data);
  if (node == NULL)
    {
      self->notify_asked = FALSE;
      update_actions (self);
      if (error != NULL)
        parla_widget_show_error (GTK_WIDGET (self), error);
      return;
    }

  adw_status_page_set_description (self->unanswered_page,
                                   _("We will send you a notification when a matching tutor is free "
                                     "today. You can close Parla meanwhile."));
  gtk_button_set_label (GTK_BUTTON (self->notify_button), _("You Will Be Notified"));
}

static void
notify_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (widget);
  g_autofree char *path = parla_instant_call_dup_path (self->call_id, "notify");

  self->notify_asked = TRUE;
  update_actions (self);
  parla_api_client_send_async (parla_context_get_api_client (self->context), "POST", path, NULL, NULL,
                               self->call_cancellable, on_notify_cb, self);
}

static void
back_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (widget);

  end_call (self);
  gtk_button_set_label (GTK_BUTTON (self->notify_button), _("_Notify Me"));
  set_state (self, "form");
  reload (self);
}

static void
show_minutes_action (GtkWidget  *widget,
                     const char *action_name,
                     GVariant   *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);

  if (PARLA_IS_WINDOW (root))
    parla_window_show_page (PARLA_WINDOW (root), "minutes");
}

static void
reload_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  reload (PARLA_CALLNOW_PAGE (widget));
}

/* GObject */

/* The Minutes page may come after this one: look for it when shown. */
static void
parla_callnow_page_map (GtkWidget *widget)
{
  GTK_WIDGET_CLASS (parla_callnow_page_parent_class)->map (widget);

  update_actions (PARLA_CALLNOW_PAGE (widget));
}

static void
parla_callnow_page_constructed (GObject *object)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (object);

  G_OBJECT_CLASS (parla_callnow_page_parent_class)->constructed (object);

  if (self->context != NULL)
    {
      g_signal_group_set_target (self->realtime_signals, parla_context_get_realtime (self->context));
      g_signal_connect_object (self->context, "notify::online", G_CALLBACK (update_actions), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (self->context, "reconnected", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
    }
  reload (self);
}

static void
parla_callnow_page_dispose (GObject *object)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (object);

  g_cancellable_cancel (self->cancellable);
  g_cancellable_cancel (self->call_cancellable);
  if (self->realtime_signals != NULL)
    g_signal_group_set_target (self->realtime_signals, NULL);
  g_clear_handle_id (&self->countdown_id, g_source_remove);
  adw_bin_set_child (ADW_BIN (self), NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_CALLNOW_PAGE);
  g_clear_object (&self->context);

  G_OBJECT_CLASS (parla_callnow_page_parent_class)->dispose (object);
}

static void
parla_callnow_page_finalize (GObject *object)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (object);

  g_clear_object (&self->cancellable);
  g_clear_object (&self->call_cancellable);
  g_clear_object (&self->realtime_signals);
  g_clear_object (&self->teacher_ids);
  g_clear_pointer (&self->call_id, g_free);
  g_clear_pointer (&self->ring_deadline, g_date_time_unref);

  G_OBJECT_CLASS (parla_callnow_page_parent_class)->finalize (object);
}

static void
parla_callnow_page_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_STATE:
      g_value_set_string (value, parla_callnow_page_get_state (self));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_callnow_page_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  ParlaCallnowPage *self = PARLA_CALLNOW_PAGE (object);

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
parla_callnow_page_class_init (ParlaCallnowPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->constructed = parla_callnow_page_constructed;
  object_class->dispose = parla_callnow_page_dispose;
  object_class->finalize = parla_callnow_page_finalize;
  object_class->get_property = parla_callnow_page_get_property;
  object_class->set_property = parla_callnow_page_set_property;
  widget_class->map = parla_callnow_page_map;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL, PARLA_TYPE_CONTEXT,
                         G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  /**
   * ParlaCallnowPage:state:
   *
   * The screen shown: `loading`, `error`, `no-minutes`, `form`,
   * `searching`, `connecting` or `unanswered`.
   */
  properties[PROP_STATE] =
    g_param_spec_string ("state", NULL, NULL, NULL,
                         G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/app/parla/Parla/callnow/parla-callnow-page.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, error_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, balance_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, minutes_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, language_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, level_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, specialization_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, accent_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, teacher_row);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, call_button);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, searching_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, countdown_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, connecting_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, unanswered_page);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallnowPage, notify_button);

  gtk_widget_class_install_action (widget_class, "callnow.call", NULL, call_action);
  gtk_widget_class_install_action (widget_class, "callnow.cancel", NULL, cancel_action);
  gtk_widget_class_install_action (widget_class, "callnow.notify", NULL, notify_action);
  gtk_widget_class_install_action (widget_class, "callnow.back", NULL, back_action);
  gtk_widget_class_install_action (widget_class, "callnow.show-minutes", NULL, show_minutes_action);
  gtk_widget_class_install_action (widget_class, "page.reload", NULL, reload_action);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "callnow.cancel", NULL);
}

static void
parla_callnow_page_init (ParlaCallnowPage *self)
{
  g_autoptr(GtkStringList) language_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) level_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) specialization_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) teacher_names = gtk_string_list_new (NULL);

  gtk_widget_init_template (GTK_WIDGET (self));

  for (guint i = 0; i < G_N_ELEMENTS (languages); i++)
    gtk_string_list_append (language_names, parla_teacher_format_language (languages[i]));
  adw_combo_row_set_model (self->language_row, G_LIST_MODEL (language_names));

  gtk_string_list_append (level_names, _("Not sure"));
  for (guint i = 1; i < G_N_ELEMENTS (levels); i++)
    gtk_string_list_append (level_names, levels[i]);
  adw_combo_row_set_model (self->level_row, G_LIST_MODEL (level_names));

  for (guint i = 0; i < G_N_ELEMENTS (specializations); i++)
    gtk_string_list_append (specialization_names, _(specializations[i].label));
  adw_combo_row_set_model (self->specialization_row, G_LIST_MODEL (specialization_names));

  gtk_string_list_append (teacher_names, _("Any tutor"));
  adw_combo_row_set_model (self->teacher_row, G_LIST_MODEL (teacher_names));
  self->teacher_ids = gtk_string_list_new (NULL);
  gtk_string_list_append (self->teacher_ids, "");

  self->realtime_signals = g_signal_group_new (PARLA_TYPE_REALTIME);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.ringing",
                                  G_CALLBACK (on_call_event_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.declined",
                                  G_CALLBACK (on_call_event_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.timeout",
                                  G_CALLBACK (on_call_event_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.unanswered",
                                  G_CALLBACK (on_call_event_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.cancelled",
                                  G_CALLBACK (on_call_event_cb), self);
  g_signal_group_connect_swapped (self->realtime_signals, "event::call.accepted",
                                  G_CALLBACK (on_call_event_cb), self);

  update_actions (self);
}

/**
 * parla_callnow_page_get_state:
 * @self: a #ParlaCallnowPage
 *
 * Returns: the screen shown (see #ParlaCallnowPage:state)
 */
const char *
parla_callnow_page_get_state (ParlaCallnowPage *self)
{
  g_return_val_if_fail (PARLA_IS_CALLNOW_PAGE (self), NULL);

  return gtk_stack_get_visible_child_name (self->stack);
}

/**
 * parla_callnow_page_get_call_id:
 * @self: a #ParlaCallnowPage
 *
 * Returns: (nullable): the call going on, from "Call a Tutor Now" until
 *   it is joined, cancelled or given up
 */
const char *
parla_callnow_page_get_call_id (ParlaCallnowPage *self)
{
  g_return_val_if_fail (PARLA_IS_CALLNOW_PAGE (self), NULL);

  return self->call_id;
}
