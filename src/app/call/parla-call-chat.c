/* parla-call-chat.c: the chat sidebar of a call
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#include "config.h"

#include <glib/gi18n.h>
#include <adwaita.h>

#include "parla-call-chat.h"
#include "parla-format.h"
#include "parla-json.h"
#include "parla-window.h"

/**
 * ParlaCallChat:
 *
 * The chat of a call's room, through the realtime connection: the room's
 * history (the `resume` replay when the chat joins the room) and live
 * messages, links that open in the browser, private messages to one
 * participant in group calls ("Everyone" or one name), who has read the
 * last message sent here, and a count of unread messages from the others
 * while the sidebar is hidden. While #ParlaCallChat:active, what arrives is
 * marked read on the server (`chat.read`).
 *
 * The chat joins the room when the call window has not yet done so, and
 * never leaves it: the room belongs to the call.
 */
struct _ParlaCallChat
{
  GtkWidget      parent_instance;

  /* owned */
  ParlaContext  *context;
  char          *room;
  char          *my_id;
  GHashTable    *names;        /* user id -> display name */
  GHashTable    *read_seqs;    /* user id -> gint64*: their read receipt */
  GPtrArray     *recipients;   /* user ids of the drop-down, [0] NULL: everyone */
  GCancellable  *cancellable;

  /* template children */
  GtkStack      *stack;
  GtkScrolledWindow *scroller;
  GtkListBox    *list;
  GtkLabel      *read_label;
  GtkDropDown   *recipient_dropdown;
  GtkEntry      *entry;

  gint64         last_seq;
  gint64         my_last_seq;  /* my newest message's seq */
  gint64         read_seq;     /* what I marked read */
  guint          unread;
  guint          n_messages;
  gboolean       active;
};

G_DEFINE_FINAL_TYPE (ParlaCallChat, parla_call_chat, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_CONTEXT,
  PROP_UNREAD,
  PROP_ACTIVE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
update_actions (ParlaCallChat *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->entry));
  g_autofree char *stripped = g_strstrip (g_strdup (text));

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "chat.send", *stripped != '\0');
}

static const char *
name_of (ParlaCallChat *self,
         const char    *user_id,
         const char    *fallback)
{
  const char *name = user_id != NULL ? g_hash_table_lookup (self->names, user_id) : NULL;

  return name != NULL ? name : fallback != NULL ? fallback : _("Someone");
}

/* @text as Pango markup, its web addresses as links. */
static char *
text_to_markup (const char *text)
{
  static GRegex *url_regex;
  static gsize url_regex_once;
  g_autoptr(GMatchInfo) match = NULL;
  GString *markup = g_string_new (NULL);
  const char *done = text;

  if (g_once_init_enter (&url_regex_once))
    {
      url_regex = g_regex_new ("\\b(?:https?://|www\\.)[^\\s<>\"]+[^\\s<>\".,;:!?)\\]']",
                               G_REGEX_CASELESS | G_REGEX_OPTIMIZE, 0, NULL);
      g_once_init_leave (&url_regex_once, 1);
    }

  g_regex_match (url_regex, text, 0, &match);
  while (g_match_info_matches (match))
    {
      int start, end;
      g_autofree char *before = NULL;
      g_autofree char *url = NULL;
      g_autofree char *href = NULL;
      g_autofree char *escaped_before = NULL;
      g_autofree char *escaped_url = NULL;
      g_autofree char *escaped_href = NULL;

      g_match_info_fetch_pos (match, 0, &start, &end);
      before = g_strndup (done, text + start - done);
      url = g_strndup (text + start, end - start);
      href = g_str_has_prefix (url, "www.") || g_str_has_prefix (url, "WWW.")
             ? g_strconcat ("https://", url, NULL) : g_strdup (url);
      escaped_before = g_markup_escape_text (before, -1);
      escaped_url = g_markup_escape_text (url, -1);
      escaped_href = g_markup_escape_text (href, -1);
      g_string_append_printf (markup, "%s<a href=\"%s\">%s</a>", escaped_before, escaped_href,
                              escaped_url);
      done = text + end;
      g_match_info_next (match, NULL);
    }

  {
    g_autofree char *rest = g_markup_escape_text (done, -1);

    g_string_append (markup, rest);
  }

  return g_string_free (markup, FALSE);
}

static GtkWidget *
make_row (ParlaCallChat *self,
          JsonObject    *message)
{
  const char *sender_id = parla_json_get_string (message, "sender_id", NULL);
  const char *to = parla_json_get_string (message, "to", NULL);
  const char *text = parla_json_get_string (message, "text", "");
  gint64 sent_at = parla_json_get_instant (message, "sent_at", 0);
  gboolean mine = g_strcmp0 (sender_id, self->my_id) == 0;
  g_autofree char *time = NULL;
  g_autofree char *heading = NULL;
  g_autofree char *markup = text_to_markup (text);
  GtkWidget *box, *meta, *body;

  if (sent_at > 0)
    {
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (sent_at);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, parla_context_get_time_zone (self->context));

      time = parla_format_time (local);
    }

  if (to != NULL && mine)
    /* Translators: a private message I sent; %s is the recipient */
    heading = g_strdup_printf (_("You, privately to %s"), name_of (self, to, NULL));
  else if (to != NULL)
    /* Translators: a private message to me; %s is the sender */
    heading = g_strdup_printf (_("%s, privately to you"),
                               name_of (self, sender_id, parla_json_get_string (message, "sender_name", NULL)));
  else if (mine)
    heading = g_strdup (_("You"));
  else
    heading = g_strdup (name_of (self, sender_id, parla_json_get_string (message, "sender_name", NULL)));

  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  gtk_widget_set_margin_top (box, 4);
  gtk_widget_set_margin_bottom (box, 4);

  meta = gtk_label_new (NULL);
  {
    g_autofree char *meta_text = time != NULL ? g_strdup_printf ("%s · %s", heading, time)
                                              : g_strdup (heading);

    gtk_label_set_text (GTK_LABEL (meta), meta_text);
  }
  gtk_label_set_xalign (GTK_LABEL (meta), 0);
  gtk_label_set_ellipsize (GTK_LABEL (meta), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (meta, "caption-heading");
  if (to != NULL)
    gtk_widget_add_css_class (meta, "accent");
  else
    gtk_widget_add_css_class (meta, "dim-label");
  gtk_box_append (GTK_BOX (box), meta);

  body = gtk_label_new (NULL);
  gtk_label_set_markup (GTK_LABEL (body), markup);
  gtk_label_set_xalign (GTK_LABEL (body), 0);
  gtk_label_set_wrap (GTK_LABEL (body), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (body), PANGO_WRAP_WORD_CHAR);
  gtk_box_append (GTK_BOX (box), body);

  return box;
}

static void
update_read_label (ParlaCallChat *self)
{
  g_autoptr(GString) readers = g_string_new (NULL);
  GHashTableIter iter;
  gpointer key, value;

  if (self->my_last_seq <= 0)
    {
      gtk_widget_set_visible (GTK_WIDGET (self->read_label), FALSE);
      return;
    }

  g_hash_table_iter_init (&iter, self->read_seqs);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      if (g_strcmp0 (key, self->my_id) == 0 || *(gint64 *) value < self->my_last_seq)
        continue;
      if (readers->len > 0)
        g_string_append (readers, ", ");
      g_string_append (readers, name_of (self, key, NULL));
    }

  if (readers->len > 0)
    {
      /* Translators: %s is a list of names */
      g_autofree char *text = g_strdup_printf (_("Read by %s"), readers->str);

      gtk_label_set_text (self->read_label, text);
    }
  else
    {
      gtk_label_set_text (self->read_label, _("Sent"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->read_label), TRUE);
}

static void
set_unread (ParlaCallChat *self,
            guint          unread)
{
  if (self->unread == unread)
    return;

  self->unread = unread;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_UNREAD]);
}

static void
mark_read (ParlaCallChat *self)
{
  if (self->last_seq > self->read_seq)
    {
      self->read_seq = self->last_seq;
      parla_realtime_mark_read (parla_context_get_realtime (self->context), self->room,
                                self->read_seq);
    }
  set_unread (self, 0);
}

static gboolean
scroll_to_end_cb (gpointer user_data)
{
  ParlaCallChat *self = user_data;
  GtkAdjustment *adjustment = gtk_scrolled_window_get_vadjustment (self->scroller);

  gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment));

  return G_SOURCE_REMOVE;
}

static void
on_chat_message_cb (ParlaRealtime *realtime,
                    const char    *room,
                    gint64         seq,
                    JsonNode      *node,
                    ParlaCallChat *self)
{
  JsonObject *message;
  const char *sender_id;
  GtkWidget *row;

  if (g_strcmp0 (room, self->room) != 0 || seq <= self->last_seq || !JSON_NODE_HOLDS_OBJECT (node))
    return;

  message = json_node_get_object (node);
  sender_id = parla_json_get_string (message, "sender_id", NULL);
  self->last_seq = seq;
  self->n_messages++;

  row = gtk_list_box_row_new ();
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), make_row (self, message));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);
  gtk_list_box_append (self->list, row);
  gtk_stack_set_visible_child_name (self->stack, "messages");
  g_idle_add_full (G_PRIORITY_LOW, scroll_to_end_cb, g_object_ref (self), g_object_unref);

  if (g_strcmp0 (sender_id, self->my_id) == 0)
    {
      self->my_last_seq = seq;
      self->read_seq = MAX (self->read_seq, seq);
      update_read_label (self);
    }
  else if (self->active)
    mark_read (self);
  else if (seq > self->read_seq)
    set_unread (self, self->unread + 1);
}

static void
on_receipt_cb (ParlaRealtime *realtime,
               const char    *room,
               const char    *user_id,
               gint64         delivered_seq,
               gint64         read_seq,
               ParlaCallChat *self)
{
  gint64 *seq;

  if (g_strcmp0 (room, self->room) != 0 || user_id == NULL)
    return;

  seq = g_new (gint64, 1);
  *seq = read_seq;
  g_hash_table_replace (self->read_seqs, g_strdup (user_id), seq);
  update_read_label (self);
}

static void
on_send_cb (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(ParlaCallChat) self = user_data;
  g_autoptr(ParlaChatAck) ack = NULL;
  g_autoptr(GError) error = NULL;

  ack = parla_realtime_send_chat_finish (PARLA_REALTIME (source), result, &error);
  if (ack == NULL && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    parla_widget_show_error (GTK_WIDGET (self), error);
}

static void
send_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  ParlaCallChat *self = PARLA_CALL_CHAT (widget);
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->entry))));
  g_autofree char *client_id = g_uuid_string_random ();
  guint selected = gtk_drop_down_get_selected (self->recipient_dropdown);
  const char *to = NULL;

  if (*text == '\0')
    return;

  if (gtk_widget_get_visible (GTK_WIDGET (self->recipient_dropdown)) &&
      selected != GTK_INVALID_LIST_POSITION && selected < self->recipients->len)
    to = g_ptr_array_index (self->recipients, selected);

  parla_realtime_send_chat_async (parla_context_get_realtime (self->context), self->room,
                                  client_id, text, to, NULL, self->cancellable,
                                  on_send_cb, g_object_ref (self));
  gtk_editable_set_text (GTK_EDITABLE (self->entry), "");
}

static void
on_entry_activate_cb (ParlaCallChat *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "chat.send", NULL);
}

static void
parla_call_chat_dispose (GObject *object)
{
  ParlaCallChat *self = (ParlaCallChat *)object;

  g_cancellable_cancel (self->cancellable);
  if (self->context != NULL)
    g_signal_handlers_disconnect_by_data (parla_context_get_realtime (self->context), self);

  gtk_widget_dispose_template (GTK_WIDGET (self), PARLA_TYPE_CALL_CHAT);
  for (GtkWidget *child; (child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL;)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (parla_call_chat_parent_class)->dispose (object);
}

static void
parla_call_chat_finalize (GObject *object)
{
  ParlaCallChat *self = (ParlaCallChat *)object;

  g_clear_object (&self->context);
  g_clear_object (&self->cancellable);
  g_clear_pointer (&self->room, g_free);
  g_clear_pointer (&self->my_id, g_free);
  g_clear_pointer (&self->names, g_hash_table_unref);
  g_clear_pointer (&self->read_seqs, g_hash_table_unref);
  g_clear_pointer (&self->recipients, g_ptr_array_unref);

  G_OBJECT_CLASS (parla_call_chat_parent_class)->finalize (object);
}

static void
parla_call_chat_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  ParlaCallChat *self = PARLA_CALL_CHAT (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      g_value_set_object (value, self->context);
      break;

    case PROP_UNREAD:
      g_value_set_uint (value, self->unread);
      break;

    case PROP_ACTIVE:
      g_value_set_boolean (value, self->active);
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_call_chat_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  ParlaCallChat *self = PARLA_CALL_CHAT (object);

  switch (prop_id)
    {
    case PROP_CONTEXT:
      self->context = g_value_dup_object (value);
      break;

    case PROP_ACTIVE:
      parla_call_chat_set_active (self, g_value_get_boolean (value));
      break;

    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
parla_call_chat_class_init (ParlaCallChatClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = parla_call_chat_dispose;
  object_class->finalize = parla_call_chat_finalize;
  object_class->get_property = parla_call_chat_get_property;
  object_class->set_property = parla_call_chat_set_property;

  properties[PROP_CONTEXT] =
    g_param_spec_object ("context", NULL, NULL,
                         PARLA_TYPE_CONTEXT,
                         (G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaCallChat:unread:
   *
   * Messages from the others that arrived while not #ParlaCallChat:active.
   */
  properties[PROP_UNREAD] =
    g_param_spec_uint ("unread", NULL, NULL,
                       0, G_MAXUINT, 0,
                       (G_PARAM_READABLE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  /**
   * ParlaCallChat:active:
   *
   * Whether the sidebar is shown: while it is, messages are marked read.
   */
  properties[PROP_ACTIVE] =
    g_param_spec_boolean ("active", NULL, NULL,
                          FALSE,
                          (G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS));

  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_template_from_resource (widget_class, "/app/parla/Parla/call/parla-call-chat.ui");
  gtk_widget_class_bind_template_child (widget_class, ParlaCallChat, stack);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallChat, scroller);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallChat, list);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallChat, read_label);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallChat, recipient_dropdown);
  gtk_widget_class_bind_template_child (widget_class, ParlaCallChat, entry);

  gtk_widget_class_install_action (widget_class, "chat.send", NULL, send_action);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_css_name (widget_class, "callchat");
}

static void
parla_call_chat_init (ParlaCallChat *self)
{
  self->names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->read_seqs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->recipients = g_ptr_array_new_with_free_func (g_free);
  self->cancellable = g_cancellable_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect_swapped (self->entry, "activate", G_CALLBACK (on_entry_activate_cb), self);
  g_signal_connect_swapped (self->entry, "changed", G_CALLBACK (update_actions), self);
  update_actions (self);
}

/* The call's signalling joined the room first (it needs the members):
 * the messages from before were never sent on this connection, so a
 * resume from the start replays them, oldest first. Offline, they come
 * when the realtime connection resumes the room. */
static void
request_history (ParlaCallChat *self,
                 ParlaRealtime *realtime)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) message = NULL;
  g_autoptr(GError) error = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "type");
  json_builder_add_string_value (builder, "resume");
  json_builder_set_member_name (builder, "room");
  json_builder_add_string_value (builder, self->room);
  json_builder_set_member_name (builder, "after_seq");
  json_builder_add_int_value (builder, 0);
  json_builder_end_object (builder);
  message = json_builder_get_root (builder);

  if (!parla_realtime_send (realtime, message, &error))
    g_debug ("No chat history for %s yet: %s", self->room, error->message);
}

/**
 * parla_call_chat_new:
 * @context: the signed-in context
 * @room: the call's room, `call:<id>`
 * @participants: who may be in the call: `[{user_id, display_name}]`
 *
 * Creates the chat and joins @room from its first message; when the
 * room was joined already (the call's signalling joins it first), it asks
 * for the room's history from its first message.
 *
 * Returns: (transfer floating): a new #ParlaCallChat
 */
GtkWidget *
parla_call_chat_new (ParlaContext *context,
                     const char   *room,
                     JsonArray    *participants)
{
  ParlaCallChat *self;
  ParlaRealtime *realtime;
  ParlaUser *user;
  g_autoptr(GtkStringList) recipients = gtk_string_list_new (NULL);

  g_return_val_if_fail (PARLA_IS_CONTEXT (context), NULL);
  g_return_val_if_fail (room != NULL, NULL);

  self = g_object_new (PARLA_TYPE_CALL_CHAT, "context", context, NULL);
  self->room = g_strdup (room);
  user = parla_context_get_user (context);
  self->my_id = g_strdup (user != NULL ? parla_user_get_id (user) : NULL);

  g_ptr_array_add (self->recipients, NULL);
  gtk_string_list_append (recipients, _("Everyone"));
  for (guint i = 0; participants != NULL && i < json_array_get_length (participants); i++)
    {
      JsonObject *participant = json_array_get_object_element (participants, i);
      const char *id = participant != NULL ? parla_json_get_string (participant, "user_id", NULL) : NULL;
      const char *name = participant != NULL ? parla_json_get_string (participant, "display_name", NULL) : NULL;

      if (id == NULL)
        continue;
      g_hash_table_replace (self->names, g_strdup (id), g_strdup (name != NULL ? name : id));
      if (g_strcmp0 (id, self->my_id) == 0)
        continue;
      g_ptr_array_add (self->recipients, g_strdup (id));
      gtk_string_list_append (recipients, name != NULL ? name : id);
    }

  /* Private messages only make sense with more than one other person. */
  gtk_drop_down_set_model (self->recipient_dropdown, G_LIST_MODEL (recipients));
  gtk_widget_set_visible (GTK_WIDGET (self->recipient_dropdown), self->recipients->len > 2);

  realtime = parla_context_get_realtime (context);
  g_signal_connect (realtime, "chat-message", G_CALLBACK (on_chat_message_cb), self);
  g_signal_connect (realtime, "receipt", G_CALLBACK (on_receipt_cb), self);
  if (!parla_realtime_has_joined (realtime, room))
    parla_realtime_join_room (realtime, room, 0);
  else
    request_history (self, realtime);

  return GTK_WIDGET (self);
}

/**
 * parla_call_chat_get_unread:
 * @self: a #ParlaCallChat
 *
 * Returns: the #ParlaCallChat:unread count
 */
guint
parla_call_chat_get_unread (ParlaCallChat *self)
{
  g_return_val_if_fail (PARLA_IS_CALL_CHAT (self), 0);

  return self->unread;
}

/**
 * parla_call_chat_get_active:
 * @self: a #ParlaCallChat
 *
 * Returns: whether the sidebar is shown
 */
gboolean
parla_call_chat_get_active (ParlaCallChat *self)
{
  g_return_val_if_fail (PARLA_IS_CALL_CHAT (self), FALSE);

  return self->active;
}

/**
 * parla_call_chat_set_active:
 * @self: a #ParlaCallChat
 * @active: whether the sidebar is shown
 *
 * Showing the chat marks everything in it read.
 */
void
parla_call_chat_set_active (ParlaCallChat *self,
                            gboolean       active)
{
  g_return_if_fail (PARLA_IS_CALL_CHAT (self));

  active = !!active;
  if (self->active == active)
    return;

  self->active = active;
  if (active)
    mark_read (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ACTIVE]);
}

/**
 * parla_call_chat_get_n_messages:
 * @self: a #ParlaCallChat
 *
 * Returns: how many messages the chat shows (the summary's count)
 */
guint
parla_call_chat_get_n_messages (ParlaCallChat *self)
{
  g_return_val_if_fail (PARLA_IS_CALL_CHAT (self), 0);

  return self->n_messages;
}

/**
 * parla_call_chat_focus_entry:
 * @self: a #ParlaCallChat
 *
 * Moves the keyboard focus to the message entry.
 */
void
parla_call_chat_focus_entry (ParlaCallChat *self)
{
  g_return_if_fail (PARLA_IS_CALL_CHAT (self));

  gtk_widget_grab_focus (GTK_WIDGET (self->entry));
}
