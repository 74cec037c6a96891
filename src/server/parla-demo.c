/* parla-demo.c: the catalogue `parla-server --demo` seeds, so that a
 * person trying the app meets a living marketplace
 *
 * Copyright 2026 The Parla developers
 * SPDX-License-Identifier: GPL-3.0-or-later
 *
 * Everything goes through the same storage functions the routes use, in
 * one write transaction. Seeding is idempotent: once the demo learner
 * exists nothing is added, except that a fresh set of group sessions is
 * scheduled when none of the demo teachers has one left in the future.
 * All times are computed from @now, in each host's own time zone.
 */

#include "config.h"

#include <string.h>

#include "parla-minutes.h"
#include "parla-server-private.h"

#define DEMO_PASSWORD "parla-demo"

#define HOUR (3600)
#define DAY (24 * HOUR)
#define MIN_LEAD (2 * HOUR)       /* no session starts sooner than this after now */
#define SESSION_DAYS 14           /* sessions are spread over this many days */
#define LESSON_SEARCH_DAYS 10     /* how far ahead a demo lesson looks for a free slot */

#define HM(h, m) ((h) * 60 + (m))
#define STRV(...) ((const char * const []) { __VA_ARGS__, NULL })

typedef struct
{
  const char * const *prompts;
  const char * const *vocabulary;
  const char * const *grammar_points;
  const char * const *cultural_notes;
} DemoMaterials;

typedef struct
{
  int         weekday;   /* ISO 1 (Monday) .. 7 (Sunday); 0 ends a list */
  const char *start;
  const char *end;
} DemoRange;

typedef struct
{
  const char        *title;
  const char        *description;
  ParlaTopicType     topic_type;
  ParlaOfferingKind  session_type;
  int                duration_minutes;
  int                capacity;
  gint64             price_minor;
  const char        *currency;
  gboolean           requires_approval;
  DemoMaterials      materials;
} DemoOffering;

typedef struct
{
  const char             *email;
  const char             *name;
  const char             *bio;
  const char * const     *languages;
  const char * const     *subjects;
  const char * const     *levels;
  const char * const     *specializations;
  const char             *accent;
  const char             *time_zone;
  const DemoRange        *weekly;           /* ends with { 0 } */
  const int              *days_off;         /* days after today, local; ends with 0 */
  ParlaAvailabilityRules  rules;
  int                     rating_count;
  int                     rating_hundredths; /* the average, 490 = 4.90 */
  const DemoOffering     *offerings;        /* ends with { NULL } */
} DemoTeacher;

enum
{
  DANA,
  LUCIA,
  CAMILLE,
  JONAS,
  YUKI,
  GIULIA,
  RAFAEL,
  MEI,
  OMAR,
  EMILY,
  N_TEACHERS
};

typedef struct
{
  const char *email;
  const char *name;
  char        tag;       /* how DemoSession.seats names this learner */
} DemoStudent;

enum
{
  ALEX,
  SAM,
  PRIYA,
  KENJI,
  N_STUDENTS
};

#define N_ACCOUNTS (N_STUDENTS + N_TEACHERS)

typedef struct
{
  int               host;
  int               day;               /* days after the host's local today */
  int               minute;            /* local start, minutes after midnight */
  int               duration_minutes;
  ParlaSessionType  type;
  const char       *language;
  ParlaLevel        level;
  int               capacity;
  gint64            price_minor;
  const char       *currency;
  gboolean          from_offering;     /* links the host's group offering */
  const char       *seats;             /* DemoStudent tags of the learners holding a seat */
  const char       *title;
  const char       *description;
  DemoMaterials     materials;
} DemoSession;

/* The demo learner first: the idempotency check looks for that account. */
static const DemoStudent students[N_STUDENTS] = {
  [ALEX] = { "demo.learner@parla.app", "Alex Learner", 'L' },
  [SAM] = { "demo.sam@parla.app", "Sam Rivera", 'S' },
  [PRIYA] = { "demo.priya@parla.app", "Priya Natarajan", 'P' },
  [KENJI] = { "demo.kenji@parla.app", "Kenji Mori", 'K' },
};

static const DemoTeacher teachers[N_TEACHERS] = {
  [DANA] = {
    "demo.teacher@parla.app", "Dana Teacher",
    "I'm Dana, a Spanish and English teacher from Madrid with twelve years of experience "
    "in language schools and companies. My lessons are conversation first: you talk, I listen, "
    "correct and give you the words you were missing. Beginners are very welcome.",
    STRV ("es", "en"),
    STRV ("conversation", "grammar", "business Spanish"),
    STRV ("A1", "A2", "B1", "B2", "C1"),
    STRV ("conversational", "business"),
    "Castilian", "Europe/Madrid",
    (const DemoRange []) {
      { 1, "09:00", "13:00" }, { 1, "15:00", "19:00" },
      { 2, "09:00", "13:00" }, { 2, "15:00", "19:00" },
      { 3, "09:00", "13:00" }, { 3, "15:00", "19:00" },
      { 4, "09:00", "13:00" }, { 4, "15:00", "19:00" },
      { 5, "09:00", "13:00" }, { 5, "15:00", "19:00" },
      { 0 }
    },
    (const int []) { 0 },
    { .lead_time_minutes = 720, .buffer_before_minutes = 10, .buffer_after_minutes = 0,
      .max_per_day = 6, .horizon_days = 60, .granularity_minutes = 30 },
    87, 490,
    (const DemoOffering []) {
      {
        "Free trial lesson (30 min)",
        "Meet me, tell me about your goals and get a quick level check. You leave with a "
        "plan for your next steps in Spanish.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 30, 1, 0, "EUR", FALSE,
        {
          STRV ("What brings you to Spanish?",
                "Describe a typical day in your week.",
                "Where would you like to use Spanish a year from now?"),
          STRV ("la meta — the goal", "el nivel — the level",
                "aprender — to learn", "practicar — to practise"),
          STRV ("Present tense of regular -ar, -er and -ir verbs",
                "ser vs estar when you describe yourself"),
          STRV ("In Spain, tú is the normal way to address people your age, even strangers."),
        },
      },
      {
        "Spanish lesson (60 min)",
        "A full lesson built around what you want to work on: conversation, grammar, a "
        "presentation for work or an exam. Send me a short note with your request so that I "
        "can prepare materials before we meet.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 60, 1, 2500, "EUR", TRUE,
        {
          STRV ("Tell me about a recent trip or your plans for the weekend.",
                "Explain your job to someone who has never heard of it.",
                "Give your opinion on working from home."),
          STRV ("la reunión — the meeting", "el plazo — the deadline",
                "quedar — to meet up", "echar de menos — to miss (someone)"),
          STRV ("Preterite vs imperfect when telling a story",
                "Present subjunctive after querer que and esperar que"),
          STRV ("Lunch is the main meal in Spain and often starts around 14:00."),
        },
      },
      {
        "Spanish conversation club (B1)",
        "A relaxed conversation round for intermediate learners, eight people at most. Each "
        "meeting has a theme, a short vocabulary list and plenty of speaking time for everyone.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 8, 900, "EUR", FALSE,
        {
          STRV ("What is the best meal you have had while travelling?",
                "Would you rather live in a big city or a small town? Why?"),
          STRV ("la sobremesa — chatting at the table after a meal",
                "me apetece — I feel like", "¡qué va! — no way!"),
          STRV ("Giving opinions: creo que + indicative, no creo que + subjunctive"),
          STRV ("Spaniards often greet friends with two kisses, starting on the right cheek."),
        },
      },
      { NULL }
    },
  },
  [LUCIA] = {
    "demo.lucia@parla.app", "Lucía Hernández",
    "I'm Lucía, a Spanish teacher from Mexico City with eight years of experience teaching "
    "adults online. My lessons are full of real conversations, Mexican expressions and a bit "
    "of humour. I also prepare students for the DELE exams.",
    STRV ("es"),
    STRV ("conversation", "grammar", "exam preparation"),
    STRV ("A1", "A2", "B1", "B2"),
    STRV ("conversational", "academic"),
    "Mexican", "America/Mexico_City",
    (const DemoRange []) {
      { 1, "08:00", "12:00" }, { 1, "16:00", "20:00" },
      { 2, "08:00", "12:00" }, { 2, "16:00", "20:00" },
      { 3, "08:00", "12:00" }, { 3, "16:00", "20:00" },
      { 4, "08:00", "12:00" }, { 4, "16:00", "20:00" },
      { 5, "08:00", "12:00" }, { 5, "16:00", "20:00" },
      { 6, "09:00", "13:00" },
      { 0 }
    },
    (const int []) { 8, 0 },
    { .lead_time_minutes = 180, .buffer_before_minutes = 5, .buffer_after_minutes = 5,
      .max_per_day = 5, .horizon_days = 45, .granularity_minutes = 30 },
    112, 485,
    (const DemoOffering []) {
      {
        "Meet & greet (20 min, free)",
        "A short video chat to get to know each other and find the right level for you.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 20, 1, 0, "USD", FALSE,
        {
          STRV ("¿Cómo te llamas y de dónde eres?", "¿Por qué quieres aprender español?"),
          STRV ("mucho gusto — nice to meet you", "¿qué onda? — what's up? (Mexico)"),
          STRV ("Introducing yourself with llamarse and ser"),
          STRV ("In Mexico, usted is still common with older people and in shops."),
        },
      },
      {
        "Conversational Spanish, Latin American style",
        "Speak from the first minute. We talk about your life, your interests and the news; "
        "I correct you gently and note what to review.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 50, 1, 1800, "USD", FALSE,
        {
          STRV ("Describe your neighbourhood.", "What did you do last weekend?",
                "Tell me about a tradition from your country."),
          STRV ("ahorita — right now, or in a bit", "el camión — the bus (Mexico)",
                "padre — cool (Mexico)", "la chamba — work, a job (informal)"),
          STRV ("Preterite of irregular verbs: fui, hice, tuve", "ir a + infinitive for plans"),
          STRV ("“Ahorita” can mean now, soon or never: the tone tells you which."),
        },
      },
      {
        "DELE B2 exam preparation",
        "Structured preparation for the DELE B2: timed reading and listening tasks, feedback "
        "on your essays and mock oral exams marked with the official rubric.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 3200, "USD", FALSE,
        {
          STRV ("Present the pros and cons of tourism in your city.",
                "Summarise an opinion article in two minutes."),
          STRV ("sin embargo — however", "por lo tanto — therefore",
                "cabe destacar — it is worth noting"),
          STRV ("Subjunctive in relative clauses",
                "Conditional sentences with si + imperfect subjunctive"),
          STRV ("The DELE is issued by the Instituto Cervantes and never expires."),
        },
      },
      {
        "Café con Lucía",
        "A free group chat for learners from A2 up. Bring a coffee and your curiosity; every "
        "week has a new topic.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 10, 0, "USD", FALSE,
        {
          STRV ("What is your favourite street food?", "Describe the last party you went to."),
          STRV ("el antojito — a snack, street food", "¡qué padre! — how cool!",
                "la banqueta — the sidewalk (Mexico)"),
          STRV ("gustar and similar verbs: me encanta, me choca"),
          STRV ("Mexico City has more museums than almost any other city in the world."),
        },
      },
      { NULL }
    },
  },
  [CAMILLE] = {
    "demo.camille@parla.app", "Camille Laurent",
    "Bonjour ! I'm Camille, a Parisian who spent ten years in corporate communication before "
    "teaching French. I help professionals sound natural in meetings and emails, and I love "
    "helping beginners lose their fear of French pronunciation.",
    STRV ("fr", "en"),
    STRV ("business French", "pronunciation", "conversation"),
    STRV ("A2", "B1", "B2", "C1", "C2"),
    STRV ("business", "conversational"),
    "Parisian", "Europe/Paris",
    (const DemoRange []) {
      { 1, "08:30", "12:30" }, { 1, "14:00", "18:00" },
      { 2, "08:30", "12:30" }, { 2, "14:00", "18:00" },
      { 3, "08:30", "12:30" }, { 3, "14:00", "18:00" },
      { 4, "08:30", "12:30" }, { 4, "14:00", "18:00" },
      { 5, "09:00", "12:00" },
      { 0 }
    },
    (const int []) { 4, 0 },
    { .lead_time_minutes = 1440, .buffer_before_minutes = 15, .buffer_after_minutes = 0,
      .max_per_day = 4, .horizon_days = 60, .granularity_minutes = 30 },
    64, 478,
    (const DemoOffering []) {
      {
        "Free level check (30 min)",
        "A short conversation to find your level and what to work on first.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 30, 1, 0, "EUR", FALSE,
        {
          STRV ("Présentez-vous en quelques phrases.",
                "Qu'est-ce que vous aimeriez améliorer en français ?"),
          STRV ("le niveau — the level", "s'améliorer — to improve"),
          STRV ("Questions with est-ce que and with inversion"),
          STRV ("Always say bonjour when you walk into a shop in France: skipping it "
                "sounds rude."),
        },
      },
      {
        "French for business meetings",
        "Run a meeting, present figures and disagree politely in French. Lessons use role "
        "plays built from your own work situations.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 3500, "EUR", TRUE,
        {
          STRV ("Présentez les résultats du dernier trimestre.",
                "Proposez une solution à un retard de livraison.",
                "Exprimez un désaccord poliment."),
          STRV ("l'ordre du jour — the agenda", "le compte rendu — the minutes",
                "un délai — a deadline", "faire le point — to take stock"),
          STRV ("Conditionnel de politesse: je voudrais, pourriez-vous",
                "Linking ideas: cependant, en revanche, donc"),
          STRV ("French emails open with Bonjour and close with a formula such as "
                "Bien cordialement."),
        },
      },
      {
        "Apéro French: small talk",
        "After-work conversation in a small group, the way the French do it over an "
        "apéritif. Topics change every week: food, films, holidays and the occasional strike.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 6, 1200, "EUR", FALSE,
        {
          STRV ("Qu'est-ce que vous faites ce week-end ?",
                "Quel est votre film français préféré ?"),
          STRV ("trinquer — to clink glasses", "le grignotage — snacking",
                "ça marche — sounds good"),
          STRV ("Passé composé vs imparfait in anecdotes"),
          STRV ("The apéro is a ritual of drinks and nibbles before dinner, often around "
                "19:00."),
        },
      },
      { NULL }
    },
  },
  [JONAS] = {
    "demo.jonas@parla.app", "Jonas Becker",
    "Hallo, I'm Jonas from Berlin. I studied German linguistics and have prepared more than "
    "two hundred learners for Goethe exams. I explain grammar clearly, with lots of examples, "
    "and keep my evenings free for people who work during the day.",
    STRV ("de", "en"),
    STRV ("grammar", "exam preparation", "business German"),
    STRV ("A1", "A2", "B1", "B2"),
    STRV ("academic", "business"),
    "Berlin", "Europe/Berlin",
    (const DemoRange []) {
      { 1, "07:00", "11:00" }, { 1, "17:00", "20:00" },
      { 2, "07:00", "11:00" }, { 2, "17:00", "20:00" },
      { 3, "07:00", "11:00" }, { 3, "17:00", "20:00" },
      { 4, "07:00", "11:00" }, { 4, "17:00", "20:00" },
      { 5, "07:00", "11:00" }, { 5, "17:00", "20:00" },
      { 0 }
    },
    (const int []) { 5, 0 },
    { .lead_time_minutes = 120, .buffer_before_minutes = 0, .buffer_after_minutes = 10,
      .max_per_day = 6, .horizon_days = 30, .granularity_minutes = 15 },
    12, 470,
    (const DemoOffering []) {
      {
        "German grammar clinic (45 min)",
        "Bring the grammar that confuses you: cases, word order, adjective endings. We "
        "untangle one topic per lesson with clear rules and many short exercises.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 45, 1, 2200, "EUR", FALSE,
        {
          STRV ("Beschreiben Sie Ihre Wohnung.", "Was haben Sie gestern gemacht?"),
          STRV ("der Dativ — the dative case", "trennbar — separable",
                "die Endung — the ending"),
          STRV ("The verb in second position in main clauses",
                "Adjective endings after der, ein and no article"),
          STRV ("Germans usually switch from Sie to du when the older or more senior person "
                "offers it."),
        },
      },
      {
        "Goethe-Zertifikat B1 preparation",
        "A proven plan for the Goethe-Zertifikat B1: model tests, letter writing and speaking "
        "tasks timed like the real exam.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 2900, "EUR", FALSE,
        {
          STRV ("Planen Sie gemeinsam eine Abschiedsparty.",
                "Präsentieren Sie ein Thema in drei Minuten."),
          STRV ("die Prüfung — the exam",
                "einerseits … andererseits — on the one hand … on the other",
                "zusammenfassen — to summarise"),
          STRV ("Subordinate clauses with weil, dass and obwohl",
                "Konjunktiv II for polite requests"),
          STRV ("German school marks run from 1 (sehr gut) to 6, but Goethe certificates "
                "use points."),
        },
      },
      {
        "Stammtisch: German conversation",
        "A free regulars' table for beginners who want to speak more. Short topics, a "
        "friendly pace, and I write the new words in the chat as we go.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 8, 0, "EUR", FALSE,
        {
          STRV ("Was isst du gern zum Frühstück?", "Wie kommst du zur Arbeit?"),
          STRV ("der Stammtisch — the regulars' table",
                "der Feierabend — the end of the working day", "Prost! — cheers!"),
          STRV ("Modal verbs: können, müssen, wollen"),
          STRV ("Many German pubs keep a table marked Stammtisch for their regulars."),
        },
      },
      { NULL }
    },
  },
  [YUKI] = {
    "demo.yuki@parla.app", "Yuki Tanaka",
    "Konnichiwa! I'm Yuki, a Tokyo-based teacher who loves helping beginners read their first "
    "menus and signs. I teach in the evenings and at weekends, so lessons fit around work in "
    "Europe and the Americas.",
    STRV ("ja", "en"),
    STRV ("conversation", "kanji", "travel"),
    STRV ("A1", "A2", "B1"),
    STRV ("conversational"),
    "Tokyo", "Asia/Tokyo",
    (const DemoRange []) {
      { 1, "18:00", "22:00" }, { 2, "18:00", "22:00" }, { 3, "18:00", "22:00" },
      { 4, "18:00", "22:00" }, { 5, "18:00", "22:00" },
      { 6, "10:00", "14:00" }, { 7, "10:00", "14:00" },
      { 0 }
    },
    (const int []) { 9, 0 },
    { .lead_time_minutes = 360, .buffer_before_minutes = 5, .buffer_after_minutes = 5,
      .max_per_day = 3, .horizon_days = 60, .granularity_minutes = 30 },
    138, 492,
    (const DemoOffering []) {
      {
        "Free trial (25 min)",
        "Say hello, tell me why you are learning Japanese and try a mini lesson.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 25, 1, 0, "USD", FALSE,
        {
          STRV ("自己紹介をしてください。 (Please introduce yourself.)",
                "Why do you want to learn Japanese?"),
          STRV ("はじめまして (hajimemashite) — nice to meet you",
                "よろしくお願いします (yoroshiku onegaishimasu) — glad to work with you"),
          STRV ("X は Y です: the basic sentence"),
          STRV ("A bow replaces the handshake in most everyday greetings in Japan."),
        },
      },
      {
        "Japanese for travellers",
        "Everything you need for a first trip to Japan: trains, hotels, restaurants and "
        "asking for help, with the polite forms people will actually use with you.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 45, 1, 2000, "USD", FALSE,
        {
          STRV ("Ask for directions to the station.", "Order two dishes and ask for the bill.",
                "Check in to a hotel."),
          STRV ("駅 (eki) — station", "お会計 (okaikei) — the bill",
                "すみません (sumimasen) — excuse me, sorry",
                "いくらですか (ikura desu ka) — how much is it?"),
          STRV ("〜をください: asking for things", "〜はどこですか: asking where something is"),
          STRV ("Tipping is not customary in Japan and can cause confusion."),
        },
      },
      {
        "Kanji & chat for beginners",
        "Learn five everyday kanji each week, then use them in a friendly group conversation. "
        "Perfect if you know hiragana and want to go further.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 6, 800, "USD", FALSE,
        {
          STRV ("What did you eat today? Use 食べました.", "Describe your family with 人."),
          STRV ("日 (hi, nichi) — day, sun", "月 (tsuki, getsu) — moon, month",
                "人 (hito, jin) — person", "山 (yama) — mountain"),
          STRV ("The polite past with 〜ました"),
          STRV ("Most kanji have a reading borrowed from Chinese and a native Japanese one."),
        },
      },
      { NULL }
    },
  },
  [GIULIA] = {
    "demo.giulia@parla.app", "Giulia Romano",
    "Ciao, sono Giulia! I grew up in Rome in a family of cooks, and food is my favourite way "
    "into the language. I teach every level, from your first sentences to CILS exam "
    "preparation, always with a lot of conversation.",
    STRV ("it", "en", "es"),
    STRV ("conversation", "grammar", "culture"),
    STRV ("A1", "A2", "B1", "B2", "C1"),
    STRV ("conversational", "academic"),
    "Roman", "Europe/Rome",
    (const DemoRange []) {
      { 1, "10:00", "13:00" }, { 1, "15:00", "19:00" },
      { 2, "16:00", "20:00" },
      { 3, "10:00", "13:00" }, { 3, "15:00", "19:00" },
      { 4, "16:00", "20:00" },
      { 5, "10:00", "13:00" }, { 5, "15:00", "19:00" },
      { 6, "10:00", "12:00" },
      { 0 }
    },
    (const int []) { 5, 6, 0 },
    { .lead_time_minutes = 60, .buffer_before_minutes = 0, .buffer_after_minutes = 0,
      .max_per_day = 0, .horizon_days = 90, .granularity_minutes = 30 },
    95, 488,
    (const DemoOffering []) {
      {
        "Free trial lesson (30 min)",
        "Let's meet, talk about your goals and try a few minutes of Italian together.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 30, 1, 0, "EUR", FALSE,
        {
          STRV ("Come ti chiami e perché studi l'italiano?",
                "Qual è il tuo piatto italiano preferito?"),
          STRV ("piacere — nice to meet you", "allora — so, well"),
          STRV ("essere and avere in the present tense"),
          STRV ("Cappuccino is a breakfast drink in Italy; after lunch people order an "
                "espresso."),
        },
      },
      {
        "Italian conversation 1:1",
        "An hour of conversation on topics you choose, with corrections and a vocabulary "
        "summary after each lesson.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 60, 1, 2400, "EUR", FALSE,
        {
          STRV ("Racconta le tue ultime vacanze.", "Cosa cambieresti della tua città?"),
          STRV ("magari — maybe, I wish", "figurati — don't mention it",
                "in bocca al lupo — good luck"),
          STRV ("Passato prossimo with essere or avere",
                "Object pronouns: lo, la, gli, le"),
          STRV ("Italians switch to tu quickly, but use Lei with shop staff and officials."),
        },
      },
      {
        "Italian through food",
        "Cook a simple Italian dish together while learning the words and gestures of the "
        "kitchen. The list of ingredients arrives two days before.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 90, 8, 1500, "EUR", FALSE,
        {
          STRV ("Quali ingredienti ci servono?", "Descrivi il sapore del piatto."),
          STRV ("il sugo — the sauce", "un pizzico di sale — a pinch of salt",
                "mescolare — to stir", "al dente — firm to the bite"),
          STRV ("The imperative in recipes: taglia, mescola, aggiungi"),
          STRV ("Carbonara is made with guanciale, egg yolk and pecorino, never cream."),
        },
      },
      { NULL }
    },
  },
  [RAFAEL] = {
    "demo.rafael@parla.app", "Rafael Souza",
    "Olá! I'm Rafael, from Rio de Janeiro and now living in São Paulo. I teach Brazilian "
    "Portuguese with music, football and everyday slang, and I coach professionals who work "
    "with Brazilian teams.",
    STRV ("pt", "en", "es"),
    STRV ("conversation", "business Portuguese", "pronunciation"),
    STRV ("A1", "A2", "B1", "B2"),
    STRV ("conversational", "business"),
    "Carioca", "America/Sao_Paulo",
    (const DemoRange []) {
      { 1, "09:00", "12:00" }, { 1, "14:00", "18:00" },
      { 2, "09:00", "12:00" }, { 2, "14:00", "18:00" },
      { 3, "09:00", "12:00" }, { 3, "14:00", "18:00" },
      { 4, "09:00", "12:00" }, { 4, "14:00", "18:00" },
      { 5, "09:00", "12:00" }, { 5, "14:00", "18:00" },
      { 0 }
    },
    (const int []) { 6, 0 },
    { .lead_time_minutes = 240, .buffer_before_minutes = 10, .buffer_after_minutes = 10,
      .max_per_day = 5, .horizon_days = 60, .granularity_minutes = 60 },
    53, 481,
    (const DemoOffering []) {
      {
        "Brazilian Portuguese from zero",
        "A step-by-step course for complete beginners: pronunciation, greetings, numbers and "
        "the sentences you need in your first week in Brazil.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 1800, "USD", FALSE,
        {
          STRV ("Apresente-se e fale da sua cidade.", "Peça um café e um pão de queijo."),
          STRV ("tudo bem? — how are you?", "valeu — thanks (informal)",
                "a padaria — the bakery"),
          STRV ("Nasal vowels: ão, ãe, õe", "Present tense of ser and estar"),
          STRV ("Greetings come with kisses on the cheek: one in São Paulo, two in Rio."),
        },
      },
      {
        "Portuguese for business",
        "Meetings, negotiations and the unwritten rules of working with Brazilian companies. "
        "For learners at B1 and above.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 3000, "USD", TRUE,
        {
          STRV ("Negocie um prazo de entrega.", "Apresente sua empresa em dois minutos."),
          STRV ("a reunião — the meeting", "o orçamento — the budget, the quote",
                "fechar negócio — to close a deal"),
          STRV ("Future subjunctive: quando você puder",
                "Formal address with o senhor and a senhora"),
          STRV ("Small talk before business is expected in Brazil; getting straight to the "
                "point can seem cold."),
        },
      },
      {
        "Bate-papo: music & slang",
        "A free group conversation around one Brazilian song a week: we listen, unpack the "
        "lyrics and the slang, and talk.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 10, 0, "USD", FALSE,
        {
          STRV ("O que essa música conta?", "Qual é a sua música favorita em português?"),
          STRV ("a saudade — longing, missing someone", "cara — dude",
                "que legal! — how cool!"),
          STRV ("estar + gerund for what is going on: estou ouvindo"),
          STRV ("Bossa nova was born in Rio's Zona Sul at the end of the 1950s."),
        },
      },
      { NULL }
    },
  },
  [MEI] = {
    "demo.mei@parla.app", "Chen Mei",
    "你好! I'm Mei, a Mandarin teacher from Beijing now based in Shanghai. I focus on tones and "
    "characters from day one, and I have helped many learners pass HSK 3 and 4. My morning and "
    "evening hours suit learners in Europe and Asia.",
    STRV ("zh", "en"),
    STRV ("pronunciation", "characters", "exam preparation"),
    STRV ("A1", "A2", "B1", "B2"),
    STRV ("academic", "business"),
    "Beijing", "Asia/Shanghai",
    (const DemoRange []) {
      { 1, "09:00", "12:00" }, { 1, "19:00", "21:30" },
      { 2, "09:00", "12:00" }, { 2, "19:00", "21:30" },
      { 3, "09:00", "12:00" }, { 3, "19:00", "21:30" },
      { 4, "09:00", "12:00" }, { 4, "19:00", "21:30" },
      { 5, "09:00", "12:00" }, { 5, "19:00", "21:30" },
      { 7, "10:00", "12:00" },
      { 0 }
    },
    (const int []) { 7, 0 },
    { .lead_time_minutes = 480, .buffer_before_minutes = 15, .buffer_after_minutes = 15,
      .max_per_day = 4, .horizon_days = 45, .granularity_minutes = 30 },
    76, 490,
    (const DemoOffering []) {
      {
        "Tones and pinyin bootcamp",
        "Get the four tones right from the start with listening drills, minimal pairs and "
        "recordings to practise with between lessons.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 45, 1, 2100, "USD", FALSE,
        {
          STRV ("Read these aloud: mā, má, mǎ, mà.", "Introduce yourself with your Chinese name."),
          STRV ("妈 (mā) — mother", "马 (mǎ) — horse", "骂 (mà) — to scold",
                "你好 (nǐ hǎo) — hello"),
          STRV ("Third-tone sandhi: nǐ hǎo is said ní hǎo",
                "The neutral tone in words like 妈妈 (māma)"),
          STRV ("Chinese names put the family name first: in 陈美, 陈 (Chén) is the surname."),
        },
      },
      {
        "HSK 3 preparation",
        "Vocabulary, grammar and mock tests for the HSK 3, with a study plan that fits your "
        "exam date.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 2800, "USD", FALSE,
        {
          STRV ("描述你的周末。 (Describe your weekend.)", "Compare two cities with 比."),
          STRV ("比 (bǐ) — compared with", "已经 (yǐjīng) — already",
                "一边…一边 (yìbiān… yìbiān) — while"),
          STRV ("Comparisons with 比 and 没有", "The particle 了 for completed actions"),
          STRV ("The HSK is the standard test of Chinese; the current format has six levels."),
        },
      },
      {
        "Chinese tea & conversation",
        "Chat about everyday life over a cup of tea. Small groups, simple topics and new "
        "characters every week.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 6, 1000, "USD", FALSE,
        {
          STRV ("你喜欢喝什么茶？ (What tea do you like?)", "Talk about your daily routine."),
          STRV ("茶 (chá) — tea", "绿茶 (lǜchá) — green tea", "干杯 (gānbēi) — cheers"),
          STRV ("Saying what you like with 喜欢 + verb"),
          STRV ("Tapping two fingers on the table is a silent thank-you when someone pours "
                "your tea."),
        },
      },
      { NULL }
    },
  },
  [OMAR] = {
    "demo.omar@parla.app", "Omar Haddad",
    "Ahlan! I'm Omar from Cairo. I teach Egyptian Arabic, the dialect you hear in films and "
    "songs across the Arab world, and Modern Standard Arabic for reading and writing. My "
    "students say a lesson feels like a chat with a friend.",
    STRV ("ar", "en"),
    STRV ("Egyptian Arabic", "Modern Standard Arabic", "reading"),
    STRV ("A1", "A2", "B1"),
    STRV ("conversational", "academic"),
    "Egyptian", "Africa/Cairo",
    (const DemoRange []) {
      { 7, "10:00", "14:00" }, { 7, "17:00", "20:00" },
      { 1, "10:00", "14:00" }, { 1, "17:00", "20:00" },
      { 2, "10:00", "14:00" }, { 2, "17:00", "20:00" },
      { 3, "10:00", "14:00" }, { 3, "17:00", "20:00" },
      { 4, "10:00", "14:00" }, { 4, "17:00", "20:00" },
      { 0 }
    },
    (const int []) { 8, 0 },
    { .lead_time_minutes = 720, .buffer_before_minutes = 0, .buffer_after_minutes = 15,
      .max_per_day = 3, .horizon_days = 30, .granularity_minutes = 60 },
    29, 475,
    (const DemoOffering []) {
      {
        "Free trial lesson (30 min)",
        "Your first words of Arabic and a chat about which Arabic is right for your goals.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 30, 1, 0, "USD", FALSE,
        {
          STRV ("Introduce yourself in Arabic.",
                "Which Arabic-speaking country would you like to visit?"),
          STRV ("أهلاً (ahlan) — hi, welcome", "إزيك؟ (izzayak?) — how are you? (Egyptian)"),
          STRV ("Personal pronouns: ana, inta, inti"),
          STRV ("Egyptians answer izzayak with kwayyis, el-hamdu lillah: fine, thank God."),
        },
      },
      {
        "Egyptian Arabic for everyday life",
        "Speak the Arabic of Cairo's streets: shopping, taxis, cafés and small talk, written "
        "in Arabic script and in transliteration.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 60, 1, 2000, "USD", FALSE,
        {
          STRV ("Bargain for a scarf at the market.", "Tell the taxi driver where to go."),
          STRV ("بكام؟ (bikam?) — how much?", "يلا (yalla) — let's go",
                "معلش (ma'lesh) — never mind, sorry", "شوية (shwayya) — a little"),
          STRV ("The present tense with the b- prefix: baktib, I write",
                "Negation with ma…sh"),
          STRV ("Bargaining is expected in markets like Khan el-Khalili, but not in "
                "supermarkets."),
        },
      },
      {
        "Modern Standard Arabic: reading & writing",
        "Learn the alphabet and read your first texts, then move on to news headlines. Ideal "
        "if you want to read signs, menus and the press.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 2600, "USD", FALSE,
        {
          STRV ("Read the names of five Arab capitals.",
                "Write a short note introducing yourself."),
          STRV ("كتاب (kitāb) — book", "مدرسة (madrasa) — school",
                "جريدة (jarīda) — newspaper"),
          STRV ("Letters that join the next one and letters that don't",
                "The article al- and the sun letters"),
          STRV ("Arabic is written from right to left, but numbers are read from left to "
                "right."),
        },
      },
      { NULL }
    },
  },
  [EMILY] = {
    "demo.emily@parla.app", "Emily Carter",
    "Hi, I'm Emily, a former consultant from New York who now teaches English full time. I "
    "specialise in presentations, job interviews and IELTS speaking, and I send detailed "
    "written feedback after every lesson.",
    STRV ("en", "fr"),
    STRV ("business English", "exam preparation", "presentations"),
    STRV ("B1", "B2", "C1", "C2"),
    STRV ("business", "academic"),
    "General American", "America/New_York",
    (const DemoRange []) {
      { 1, "08:00", "12:00" }, { 1, "13:00", "17:00" },
      { 2, "08:00", "12:00" }, { 2, "13:00", "17:00" },
      { 3, "08:00", "12:00" }, { 3, "13:00", "17:00" },
      { 4, "08:00", "12:00" }, { 4, "13:00", "17:00" },
      { 5, "08:00", "12:00" }, { 5, "13:00", "17:00" },
      { 6, "10:00", "13:00" },
      { 0 }
    },
    (const int []) { 9, 0 },
    { .lead_time_minutes = 90, .buffer_before_minutes = 5, .buffer_after_minutes = 5,
      .max_per_day = 6, .horizon_days = 60, .granularity_minutes = 15 },
    140, 495,
    (const DemoOffering []) {
      {
        "Free 20-min intro call",
        "Tell me where your English needs to take you, and we'll plan how to get there.",
        PARLA_TOPIC_FLEXIBLE, PARLA_OFFERING_INDIVIDUAL, 20, 1, 0, "USD", FALSE,
        {
          STRV ("Tell me about your English goals.",
                "Which situations make you nervous in English?"),
          STRV ("to brush up on — to improve a skill you already have",
                "fluent — able to speak easily"),
          STRV ("Present perfect for experience: I have worked…"),
          STRV ("Americans use first names quickly, even with their managers."),
        },
      },
      {
        "Business English: presentations",
        "Structure, signposting and delivery: build a presentation you can give with "
        "confidence, with feedback on pronunciation and body language.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 60, 1, 3500, "USD", FALSE,
        {
          STRV ("Open your presentation with a hook.",
                "Walk us through a chart with three key figures.",
                "Handle a tough question from the audience."),
          STRV ("to walk someone through — to explain step by step",
                "the bottom line — the most important point",
                "a takeaway — a key message"),
          STRV ("Signposting: first of all, moving on to, to sum up",
                "Stress in numbers: thirTEEN vs THIRty"),
          STRV ("American audiences expect the main message in the first minute."),
        },
      },
      {
        "IELTS speaking practice",
        "Full mock tests of the three parts of the IELTS speaking exam, scored with the "
        "official band descriptors, plus practice targeted at your weak points.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_INDIVIDUAL, 45, 1, 2800, "USD", FALSE,
        {
          STRV ("Part 2: describe a place you would like to visit.",
                "Part 3: should tourism be limited in popular cities?"),
          STRV ("to a certain extent — partly",
                "a double-edged sword — something with good and bad effects",
                "off the beaten track — away from the tourist areas"),
          STRV ("Complex sentences with although and whereas",
                "Speculating with might, could and may"),
          STRV ("IELTS examiners reward natural fluency more than memorised phrases."),
        },
      },
      {
        "Small talk lab",
        "A free group for upper-intermediate learners to practise the small talk that opens "
        "every meeting and party.",
        PARLA_TOPIC_FIXED, PARLA_OFFERING_GROUP, 60, 12, 0, "USD", FALSE,
        {
          STRV ("What did you get up to last weekend?", "Talk about a show you've been watching."),
          STRV ("What have you been up to? — what have you been doing lately?",
                "no worries — it's fine", "to catch up — to talk after some time apart"),
          STRV ("Present perfect continuous: I've been working on…"),
          STRV ("Weather, sports and weekend plans are the safest small talk topics in "
                "the US."),
        },
      },
      { NULL }
    },
  },
};

static const DemoSession sessions[] = {
  {
    DANA, 1, HM (19, 30), 60, PARLA_SESSION_GROUP, "es", PARLA_LEVEL_A2, 8, 900, "EUR", TRUE, "LS",
    "Tapas talk: ordering in a Madrid bar (A2)",
    "Learn to order like a local: raciones, cañas and how to catch the waiter's eye. We "
    "role-play a night out in La Latina.",
    {
      STRV ("Order two tapas and a drink for a friend.", "Ask what the house speciality is."),
      STRV ("una caña — a small draught beer", "la cuenta — the bill",
            "una ración — a sharing plate", "¿me pone…? — can I have…?"),
      STRV ("Polite requests with ¿me pone? and quería"),
      STRV ("In many Madrid bars a small tapa comes free with every drink."),
    },
  },
  {
    DANA, 4, HM (18, 0), 60, PARLA_SESSION_GROUP, "es", PARLA_LEVEL_B1, 8, 900, "EUR", TRUE, "",
    "Spanish conversation club: travel stories (B1)",
    "Share your best and worst travel moments and learn the phrases that make a story work.",
    {
      STRV ("Tell us about a trip that went wrong.", "Where would you go with a free ticket?"),
      STRV ("perder el vuelo — to miss the flight", "la maleta — the suitcase",
            "de repente — suddenly"),
      STRV ("Preterite vs imperfect: setting the scene and saying what happened"),
      STRV ("Many Spaniards take their long holiday in August, when the cities empty out."),
    },
  },
  {
    DANA, 9, HM (12, 0), 90, PARLA_SESSION_CULTURAL, "es", PARLA_LEVEL_ALL, 12, 0, "EUR", FALSE,
    "PK",
    "Spanish festivals, from Las Fallas to San Fermín (all levels)",
    "A tour of Spain's best-known festivals with photos, short videos and the words to talk "
    "about them. Questions are welcome in Spanish or English.",
    {
      STRV ("Which festival would you like to see, and why?",
            "Is there a similar festival in your country?"),
      STRV ("la hoguera — the bonfire", "el desfile — the parade",
            "los fuegos artificiales — fireworks"),
      STRV ("se + verb for general statements: se celebra, se come"),
      STRV ("During Las Fallas, Valencia burns giant papier-mâché figures on the night of "
            "19 March."),
    },
  },
  {
    LUCIA, 2, HM (18, 0), 60, PARLA_SESSION_GROUP, "es", PARLA_LEVEL_A2, 10, 0, "USD", TRUE, "KPS",
    "Café con Lucía: Mexican slang for beginners (A2)",
    "Güey, chido, neta: learn the words you will hear on every street in Mexico, and when "
    "not to use them.",
    {
      STRV ("¿Qué palabra en español te parece más divertida?",
            "Describe your perfect weekend using chido."),
      STRV ("chido — cool", "¿neta? — really?", "güey — dude (very informal)",
            "¡aguas! — watch out!"),
      STRV ("Diminutives: ahorita, cafecito, poquito"),
      STRV ("Mexicans use diminutives all the time to sound friendly and polite."),
    },
  },
  {
    LUCIA, 6, HM (19, 0), 90, PARLA_SESSION_CULTURAL, "es", PARLA_LEVEL_B1, 12, 1200, "USD", FALSE,
    "S",
    "Día de Muertos traditions, explained (B1)",
    "Altars, marigolds and sugar skulls: what the Day of the Dead really celebrates and how "
    "Mexican families live it.",
    {
      STRV ("¿Cómo recuerdan a sus familiares en tu país?", "What would you put on an ofrenda?"),
      STRV ("la ofrenda — the altar offering", "el cempasúchil — the marigold",
            "la calaverita — a sugar skull, or a funny rhyme"),
      STRV ("The imperfect for traditions: cada año poníamos…"),
      STRV ("Día de Muertos is celebrated on 1 and 2 November and is on UNESCO's list of "
            "intangible heritage."),
    },
  },
  {
    LUCIA, 11, HM (10, 0), 60, PARLA_SESSION_PRACTICE, "es", PARLA_LEVEL_B2, 6, 1500, "USD", FALSE,
    "",
    "Job interview practice in Spanish (B2)",
    "Answer the classic interview questions in Spanish and get feedback on fluency, "
    "vocabulary and tone.",
    {
      STRV ("Háblame de ti.", "¿Cuál es tu mayor debilidad?", "¿Dónde te ves en cinco años?"),
      STRV ("el currículum — the CV", "la entrevista — the interview",
            "el puesto — the position"),
      STRV ("The conditional for hypotheticals: me gustaría, podría"),
      STRV ("Interviews in Mexico start formally: use usted until you are invited not to."),
    },
  },
  {
    CAMILLE, 1, HM (18, 30), 60, PARLA_SESSION_GROUP, "fr", PARLA_LEVEL_B1, 6, 1200, "EUR", TRUE,
    "PKS",
    "Apéro French: small talk after work (B1)",
    "Talk about your day, your weekend plans and the last film you saw, the relaxed way "
    "Parisians do over an apéritif.",
    {
      STRV ("Racontez votre journée en trois phrases.",
            "Qu'est-ce que vous avez vu au cinéma récemment ?"),
      STRV ("un verre — a drink", "boire un coup — to grab a drink",
            "c'est pas mal — it's pretty good"),
      STRV ("Dropping ne in spoken French: c'est pas grave"),
      STRV ("Parisians rarely have dinner before 20:00; the apéro fills the gap."),
    },
  },
  {
    CAMILLE, 5, HM (12, 30), 45, PARLA_SESSION_PRACTICE, "fr", PARLA_LEVEL_A2, 8, 0, "EUR", FALSE,
    "L",
    "French pronunciation workshop: nasal vowels (A2)",
    "Vin, vent, vont: train your ear and your mouth to hear and say the French nasal vowels, "
    "with short drills and tongue twisters.",
    {
      STRV ("Lisez : un bon vin blanc.", "Record yourself saying three words from the list."),
      STRV ("le vin — wine", "le vent — wind", "ils vont — they go"),
      STRV ("Liaison after les, des and un"),
      STRV ("Many Parisians say un and in the same way; southern accents keep them apart."),
    },
  },
  {
    CAMILLE, 10, HM (17, 0), 60, PARLA_SESSION_CULTURAL, "fr", PARLA_LEVEL_B2, 10, 1500, "EUR",
    FALSE, "",
    "A virtual walk through the Louvre (B2)",
    "Three masterpieces, three stories: we visit the Louvre together on screen and talk about "
    "art in French.",
    {
      STRV ("Décrivez le tableau en détail.", "Quelle œuvre aimeriez-vous voir en vrai ?"),
      STRV ("le tableau — the painting", "le chef-d'œuvre — the masterpiece",
            "la sculpture — the sculpture"),
      STRV ("Describing with the relative pronouns qui, que and où"),
      STRV ("The Louvre was a royal palace before it opened as a museum in 1793."),
    },
  },
  {
    JONAS, 2, HM (19, 0), 60, PARLA_SESSION_GROUP, "de", PARLA_LEVEL_A2, 8, 0, "EUR", TRUE, "P",
    "Stammtisch: hobbies and free time (A2)",
    "Relaxed conversation for beginners. This week: what you do when you are not working.",
    {
      STRV ("Was machst du am Wochenende?", "Welches Hobby möchtest du lernen?"),
      STRV ("die Freizeit — free time", "gern — gladly (ich spiele gern…)",
            "am Wochenende — at the weekend"),
      STRV ("gern, lieber, am liebsten"),
      STRV ("Sunday is a quiet day in Germany: most shops are closed."),
    },
  },
  {
    JONAS, 7, HM (18, 0), 60, PARLA_SESSION_PRACTICE, "de", PARLA_LEVEL_B1, 4, 900, "EUR", FALSE,
    "SPK",
    "Separable verbs in real life (B1)",
    "Anrufen, einkaufen, aufstehen: practise separable verbs in quick dialogues until they "
    "come naturally.",
    {
      STRV ("Beschreib deinen Morgen: Ich stehe um … auf.",
            "Plan a shopping trip with einkaufen and mitbringen."),
      STRV ("aufstehen — to get up", "anrufen — to call", "einkaufen — to go shopping"),
      STRV ("The separable prefix goes to the end of the clause"),
      STRV ("In many German supermarkets you bag your own shopping, and quickly."),
    },
  },
  {
    JONAS, 12, HM (19, 0), 90, PARLA_SESSION_CULTURAL, "de", PARLA_LEVEL_B2, 12, 0, "EUR", FALSE,
    "K",
    "Berlin after the Wall: history and culture (B2)",
    "From 1989 to today: how reunification shaped Berlin's neighbourhoods, music and humour.",
    {
      STRV ("Was wissen Sie über den 9. November 1989?",
            "Which Berlin neighbourhood would you like to live in?"),
      STRV ("die Mauer — the wall", "die Wende — the turning point of 1989–90",
            "die Wiedervereinigung — reunification"),
      STRV ("The Präteritum in written stories"),
      STRV ("Ostalgie is nostalgia for everyday life in the former East Germany."),
    },
  },
  {
    YUKI, 3, HM (20, 0), 60, PARLA_SESSION_GROUP, "ja", PARLA_LEVEL_A1, 6, 800, "USD", TRUE, "S",
    "Kanji & chat: numbers and dates (A1)",
    "Read and use the kanji for numbers and days of the week, then chat about your plans for "
    "the week.",
    {
      STRV ("何曜日が好きですか？ (Which day of the week do you like?)",
            "Say your birthday in Japanese."),
      STRV ("一 二 三 (ichi, ni, san) — one, two, three", "月曜日 (getsuyōbi) — Monday",
            "今日 (kyō) — today"),
      STRV ("Counting the days of the month with 〜日"),
      STRV ("Japanese dates go year, month, day: 2026年11月23日."),
    },
  },
  {
    YUKI, 6, HM (11, 0), 60, PARLA_SESSION_PRACTICE, "ja", PARLA_LEVEL_A2, 4, 900, "USD", FALSE,
    "LSPK",
    "Ordering at an izakaya (A2)",
    "Role-play an evening at a Japanese pub: getting a table, ordering small dishes and "
    "paying at the end.",
    {
      STRV ("Ask for a table for two.", "Order edamame and two drinks."),
      STRV ("生ビール (nama bīru) — draught beer", "枝豆 (edamame) — soybeans",
            "乾杯 (kanpai) — cheers", "お会計お願いします (okaikei onegaishimasu) — the bill, please"),
      STRV ("〜にします: deciding what to order"),
      STRV ("At an izakaya dishes are shared and arrive as they are ready, not all at once."),
    },
  },
  {
    YUKI, 13, HM (19, 0), 60, PARLA_SESSION_CULTURAL, "ja", PARLA_LEVEL_ALL, 10, 0, "USD", FALSE,
    "P",
    "The Japanese tea ceremony (all levels)",
    "The etiquette, the tools and the vocabulary of chadō, with a live demonstration from my "
    "home in Tokyo.",
    {
      STRV ("How do you drink tea at home?", "Which part of the ceremony surprised you?"),
      STRV ("抹茶 (matcha) — powdered green tea", "茶碗 (chawan) — tea bowl",
            "いただきます (itadakimasu) — said before eating or drinking"),
      STRV ("Polite verb forms: 〜ます and 〜ません"),
      STRV ("Guests turn the bowl before drinking so that they don't drink from its front."),
    },
  },
  {
    GIULIA, 2, HM (18, 0), 90, PARLA_SESSION_GROUP, "it", PARLA_LEVEL_A2, 8, 1500, "EUR", TRUE,
    "SK",
    "Fresh pasta in an Italian kitchen (A2)",
    "Make tagliatelle from scratch with me, step by step, while learning the language of the "
    "kitchen. You need flour, eggs and a rolling pin.",
    {
      STRV ("Quante uova servono?", "Descrivi cosa stai facendo adesso."),
      STRV ("la farina — flour", "le uova — eggs", "il mattarello — the rolling pin",
            "impastare — to knead"),
      STRV ("stare + gerund: sto impastando"),
      STRV ("In Emilia-Romagna fresh egg pasta is still rolled by hand by the sfogline."),
    },
  },
  {
    GIULIA, 8, HM (19, 0), 60, PARLA_SESSION_PRACTICE, "it", PARLA_LEVEL_B1, 8, 0, "EUR", FALSE,
    "P",
    "Aperitivo italiano: conversation practice (B1)",
    "Practise Italian as if you were at an aperitivo in Rome: introductions, opinions and a "
    "lot of small talk.",
    {
      STRV ("Cosa ordini di solito all'aperitivo?", "Parla di un posto che ami in Italia."),
      STRV ("lo spritz — the spritz", "gli stuzzichini — nibbles",
            "fare due chiacchiere — to have a chat"),
      STRV ("Giving opinions: secondo me, penso che + subjunctive"),
      STRV ("Aperitivo runs from about 18:30 to 20:30 and often comes with a buffet."),
    },
  },
  {
    RAFAEL, 3, HM (19, 0), 60, PARLA_SESSION_GROUP, "pt", PARLA_LEVEL_B1, 10, 0, "USD", TRUE, "PK",
    "Bate-papo: Brazilian music and slang (B1)",
    "This week's song is Garota de Ipanema. We listen, read the lyrics and talk about Rio.",
    {
      STRV ("Sobre o que é a música?", "Que música brasileira você conhece?"),
      STRV ("a garota — the girl", "o balanço — the sway", "a praia — the beach"),
      STRV ("Diminutives in Brazilian Portuguese: cafezinho, obrigadinho"),
      STRV ("Garota de Ipanema was written in 1962 by Tom Jobim and Vinicius de Moraes."),
    },
  },
  {
    RAFAEL, 9, HM (18, 30), 90, PARLA_SESSION_CULTURAL, "pt", PARLA_LEVEL_ALL, 12, 1000, "USD",
    FALSE, "",
    "Carnaval beyond the clichés (all levels)",
    "Samba schools, street blocos and frevo: how Brazilians really live Carnaval in Rio, "
    "Salvador and Recife.",
    {
      STRV ("O que você sabe sobre o Carnaval?", "Would you join a bloco or watch the parade?"),
      STRV ("o bloco — a street party group", "a escola de samba — a samba school",
            "a fantasia — the costume"),
      STRV ("ir + infinitive for plans: vou dançar"),
      STRV ("Each samba school spends a whole year preparing its parade."),
    },
  },
  {
    MEI, 4, HM (20, 0), 60, PARLA_SESSION_GROUP, "zh", PARLA_LEVEL_A2, 6, 1000, "USD", TRUE, "S",
    "Chinese tea and conversation: food and flavours (A2)",
    "This week we talk about food and flavours over a cup of oolong.",
    {
      STRV ("你最喜欢吃什么？ (What do you like to eat most?)",
            "Describe a dish from your country."),
      STRV ("好吃 (hǎochī) — tasty", "辣 (là) — spicy", "甜 (tián) — sweet"),
      STRV ("Adjectives with 很: 很好吃"),
      STRV ("Oolong is brewed several times, and each infusion tastes a little different."),
    },
  },
  {
    MEI, 10, HM (19, 30), 45, PARLA_SESSION_PRACTICE, "zh", PARLA_LEVEL_A1, 8, 0, "USD", FALSE,
    "K",
    "Practise your tones: minimal pairs (A1)",
    "A focused practice session on tones, with games and minimal pairs. Come ready to speak "
    "a lot!",
    {
      STRV ("Read aloud: shū, shú, shǔ, shù.", "Say your phone number in Chinese."),
      STRV ("书 (shū) — book", "树 (shù) — tree", "四 (sì) — four", "十 (shí) — ten"),
      STRV ("The tone changes of 一 (yī) and 不 (bù)"),
      STRV ("Four (四, sì) sounds like death (死, sǐ), so many buildings skip the fourth "
            "floor."),
    },
  },
  {
    OMAR, 5, HM (18, 0), 60, PARLA_SESSION_PRACTICE, "ar", PARLA_LEVEL_A1, 8, 0, "USD", FALSE, "P",
    "Egyptian Arabic at the market (A1)",
    "Numbers, prices and polite bargaining in Egyptian Arabic, practised in a lively market "
    "role-play.",
    {
      STRV ("Ask the price of three things.", "Offer a lower price politely."),
      STRV ("بكام ده؟ (bikam da?) — how much is this?", "غالي (ghāli) — expensive",
            "رخيص (rikhīs) — cheap"),
      STRV ("Numbers from 1 to 10 in Egyptian Arabic"),
      STRV ("Walking away politely is part of bargaining: the seller may call you back."),
    },
  },
  {
    OMAR, 11, HM (19, 0), 60, PARLA_SESSION_CULTURAL, "ar", PARLA_LEVEL_ALL, 12, 900, "USD",
    FALSE, "",
    "Tea, coffee and hospitality in Egypt (all levels)",
    "Why you never leave an Egyptian home without a drink: the customs and phrases of "
    "hospitality.",
    {
      STRV ("How do people welcome guests in your country?",
            "Practise accepting and refusing politely."),
      STRV ("شاي (shāy) — tea", "قهوة (ahwa) — coffee, and the café",
            "اتفضل (itfaddal) — please, come in, help yourself"),
      STRV ("Imperatives for invitations: itfaddal, itfaddali"),
      STRV ("Refusing a drink once is polite modesty: your host will insist."),
    },
  },
  {
    EMILY, 1, HM (12, 0), 60, PARLA_SESSION_GROUP, "en", PARLA_LEVEL_B2, 12, 0, "USD", TRUE, "PK",
    "Small talk lab: networking events (B2)",
    "How to start, keep going and gracefully leave conversations at conferences and meetups.",
    {
      STRV ("Introduce yourself in thirty seconds.",
            "How would you leave a conversation politely?"),
      STRV ("to break the ice — to start a conversation",
            "to touch base — to get in touch briefly",
            "it was great chatting with you — a polite way out"),
      STRV ("Question tags: nice venue, isn't it?"),
      STRV ("In the US, asking what someone does for work is a normal opener."),
    },
  },
  {
    EMILY, 6, HM (18, 0), 60, PARLA_SESSION_PRACTICE, "en", PARLA_LEVEL_C1, 6, 2000, "USD", FALSE,
    "S",
    "Mock meetings for business English (C1)",
    "Take part in a realistic team meeting: give updates, push back and agree on next steps.",
    {
      STRV ("Give a two-minute project update.",
            "Disagree with a proposal without sounding negative."),
      STRV ("action items — the tasks agreed in a meeting",
            "to circle back — to return to a topic later",
            "bandwidth — the capacity to take on work"),
      STRV ("Softening: I was wondering if…, would it be possible to…"),
      STRV ("American meetings often end with a clear list of owners and deadlines."),
    },
  },
  {
    EMILY, 12, HM (19, 0), 60, PARLA_SESSION_CULTURAL, "en", PARLA_LEVEL_B1, 10, 0, "USD", FALSE,
    "K",
    "American holidays explained (B1)",
    "Thanksgiving, the Fourth of July and Halloween: what Americans eat, say and do on their "
    "favourite holidays.",
    {
      STRV ("Which holiday matters most in your country?", "Describe a traditional meal."),
      STRV ("leftovers — the food left after a meal",
            "a potluck — a meal where every guest brings a dish",
            "trick or treat — what children say on Halloween"),
      STRV ("used to for past habits"),
      STRV ("Thanksgiving falls on the fourth Thursday of November; many people travel home "
            "for it."),
    },
  },
};

typedef struct
{
  ParlaDb                 *db;
  const ParlaServerConfig *config;
  gint64                   now;
  char                    *student_ids[N_STUDENTS];   /* NULL where missing */
  char                    *teacher_ids[N_TEACHERS];
} DemoSeed;

static void
demo_seed_clear (DemoSeed *seed)
{
  for (guint i = 0; i < N_STUDENTS; i++)
    g_clear_pointer (&seed->student_ids[i], g_free);
  for (guint i = 0; i < N_TEACHERS; i++)
    g_clear_pointer (&seed->teacher_ids[i], g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (DemoSeed, demo_seed_clear)

/* A request as if @user_id had signed in; nothing in it is owned. */
static void
request_init (ParlaRequest *req,
              DemoSeed     *seed,
              const char   *user_id,
              const char   *user_name,
              ParlaRole     user_role)
{
  memset (req, 0, sizeof *req);
  req->db = seed->db;
  req->config = seed->config;
  req->now = seed->now;
  req->user_id = (char *) user_id;
  req->user_name = (char *) user_name;
  req->user_role = user_role;
}

static gboolean
lookup_user (ParlaDb     *db,
             const char  *email,
             char       **out_id,
             GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  *out_id = NULL;

  rows = parla_db_query (db, error, "SELECT id FROM users WHERE email = $1",
                         PARLA_DB_TEXT, email,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;

  if (parla_db_rows_next (rows))
    *out_id = parla_db_rows_dup_text (rows, 0);

  return parla_db_rows_get_error (rows, error);
}

/* Argon2id is slow on purpose: this runs before the write transaction. */
static GStrv
hash_passwords (const ParlaServerConfig  *config,
                GError                  **error)
{
  g_auto(GStrv) hashes = g_new0 (char *, N_ACCOUNTS + 1);

  for (guint i = 0; i < N_ACCOUNTS; i++)
    {
      hashes[i] = parla_auth_hash_password (config, DEMO_PASSWORD, error);
      if (hashes[i] == NULL)
        return NULL;
    }

  return g_steal_pointer (&hashes);
}

/* The same rows handle_register writes. */
static char *
insert_user (DemoSeed    *seed,
             const char  *email,
             const char  *display_name,
             const char  *hash,
             ParlaRole    role,
             GError     **error)
{
  g_autofree char *id = parla_db_new_id ();
  gint64 changed;

  changed = parla_db_exec (seed->db, error,
                           "INSERT INTO users (id, email, password_hash, display_name, role, "
                           "created_at) VALUES ($1, $2, $3, $4, $5, $6) "
                           "ON CONFLICT (email) DO NOTHING",
                           PARLA_DB_TEXT, id,
                           PARLA_DB_TEXT, email,
                           PARLA_DB_TEXT, hash,
                           PARLA_DB_TEXT, display_name,
                           PARLA_DB_TEXT, parla_role_names[role],
                           PARLA_DB_INT, seed->now,
                           PARLA_DB_END);
  if (changed < 0)
    return NULL;

  if (changed == 0)
    {
      parla_set_error (error, PARLA_ERROR_EMAIL_TAKEN, "email",
                       "The demo account %s already belongs to someone else", email);
      return NULL;
    }

  if (role == PARLA_ROLE_TEACHER &&
      parla_db_exec (seed->db, error,
                     "INSERT INTO teacher_profiles (user_id, updated_at) VALUES ($1, $2)",
                     PARLA_DB_TEXT, id,
                     PARLA_DB_INT, seed->now,
                     PARLA_DB_END) < 0)
    return NULL;

  return g_steal_pointer (&id);
}

static void
add_materials (JsonBuilder         *builder,
               const DemoMaterials *materials)
{
  json_builder_set_member_name (builder, "materials");
  json_builder_begin_object (builder);
  parla_json_add_strv (builder, "prompts", materials->prompts);
  parla_json_add_strv (builder, "vocabulary", materials->vocabulary);
  parla_json_add_strv (builder, "grammar_points", materials->grammar_points);
  parla_json_add_strv (builder, "cultural_notes", materials->cultural_notes);
  json_builder_end_object (builder);
}

/* Midnight-based local time: @day days after the local date of @now, at
 * @minute after midnight in @zone. @out_date gets that local date. */
static gint64
local_instant (GTimeZone  *zone,
               gint64      now,
               int         day,
               int         minute,
               char      **out_date)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (now);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
  g_autoptr(GDateTime) noon = NULL;
  g_autoptr(GDateTime) date = NULL;
  g_autoptr(GDateTime) at = NULL;

  /* Stepping from noon keeps DST changes from moving the date. */
  noon = g_date_time_new (zone, g_date_time_get_year (local), g_date_time_get_month (local),
                          g_date_time_get_day_of_month (local), 12, 0, 0);
  date = g_date_time_add_days (noon, day);
  at = g_date_time_new (zone, g_date_time_get_year (date), g_date_time_get_month (date),
                        g_date_time_get_day_of_month (date), minute / 60, minute % 60, 0);

  if (out_date != NULL)
    *out_date = g_date_time_format (date, "%Y-%m-%d");

  return g_date_time_to_unix (at);
}

static char *
local_date (GTimeZone *zone,
            gint64     now,
            int        day)
{
  char *date = NULL;

  local_instant (zone, now, day, 0, &date);
  return date;
}

/* Teachers */

static gboolean
store_profile (DemoSeed           *seed,
               const DemoTeacher  *spec,
               const char         *teacher_id,
               GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaTeacher) teacher = NULL;
  ParlaRequest req;
  gint64 rating_sum;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "bio", spec->bio);
  parla_json_add_strv (builder, "languages", spec->languages);
  parla_json_add_strv (builder, "subjects", spec->subjects);
  parla_json_add_strv (builder, "levels", spec->levels);
  parla_json_add_strv (builder, "specializations", spec->specializations);
  parla_json_add_string (builder, "accent", spec->accent);
  parla_json_add_string (builder, "time_zone", spec->time_zone);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  teacher = parla_teacher_new_from_json (node, PARLA_JSON_INPUT, error);
  if (teacher == NULL)
    return FALSE;

  request_init (&req, seed, teacher_id, spec->name, PARLA_ROLE_TEACHER);
  if (!parla_teacher_store_profile (&req, teacher, error))
    return FALSE;

  /* Reviews come from finished lessons, which a fresh demo has none of:
   * the sum of the stars is the average times the count, rounded. */
  rating_sum = ((gint64) spec->rating_count * spec->rating_hundredths + 50) / 100;

  return parla_db_exec (seed->db, error,
                        "UPDATE teacher_profiles SET rating_sum = $2, rating_count = $3 "
                        "WHERE user_id = $1",
                        PARLA_DB_TEXT, teacher_id,
                        PARLA_DB_INT, rating_sum,
                        PARLA_DB_INT, (gint64) spec->rating_count,
                        PARLA_DB_END) >= 0;
}

/* The same statement as handle_put_mine, with the normalized document. */
static gboolean
store_availability (DemoSeed           *seed,
                    const DemoTeacher  *spec,
                    const char         *teacher_id,
                    GError            **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(JsonNode) normalized = NULL;
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GTimeZone) zone = NULL;
  g_autofree char *text = NULL;

  zone = parla_time_zone_new (spec->time_zone, error);
  if (zone == NULL)
    return FALSE;

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "time_zone", spec->time_zone);

  json_builder_set_member_name (builder, "weekly");
  json_builder_begin_array (builder);
  for (const DemoRange *range = spec->weekly; range->weekday != 0; range++)
    {
      json_builder_begin_object (builder);
      parla_json_add_int (builder, "weekday", range->weekday);
      parla_json_add_string (builder, "start", range->start);
      parla_json_add_string (builder, "end", range->end);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  /* A day off or two in the coming fortnight. */
  json_builder_set_member_name (builder, "overrides");
  json_builder_begin_array (builder);
  for (const int *day = spec->days_off; *day != 0; day++)
    {
      g_autofree char *date = local_date (zone, seed->now, *day);

      json_builder_begin_object (builder);
      parla_json_add_string (builder, "date", date);
      json_builder_set_member_name (builder, "ranges");
      json_builder_begin_array (builder);
      json_builder_end_array (builder);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);

  json_builder_set_member_name (builder, "rules");
  json_builder_begin_object (builder);
  parla_json_add_int (builder, "lead_time_minutes", spec->rules.lead_time_minutes);
  parla_json_add_int (builder, "buffer_before_minutes", spec->rules.buffer_before_minutes);
  parla_json_add_int (builder, "buffer_after_minutes", spec->rules.buffer_after_minutes);
  parla_json_add_int (builder, "max_per_day", spec->rules.max_per_day);
  parla_json_add_int (builder, "horizon_days", spec->rules.horizon_days);
  parla_json_add_int (builder, "granularity_minutes", spec->rules.granularity_minutes);
  json_builder_end_object (builder);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  availability = parla_availability_new_from_json (node, error);
  if (availability == NULL)
    return FALSE;

  normalized = parla_availability_to_json (availability);
  text = parla_json_to_string (normalized);

  return parla_db_exec (seed->db, error,
                        "INSERT INTO availability (user_id, document, updated_at) "
                        "VALUES ($1, $2, $3) "
                        "ON CONFLICT (user_id) DO UPDATE SET document = $2, updated_at = $3",
                        PARLA_DB_TEXT, teacher_id,
                        PARLA_DB_TEXT, text,
                        PARLA_DB_INT, seed->now,
                        PARLA_DB_END) >= 0;
}

/* Stores @spec->offerings as handle_create does; @out_ids (nullable)
 * receives their ids in order. */
static gboolean
store_offerings (DemoSeed           *seed,
                 const DemoTeacher  *spec,
                 const char         *teacher_id,
                 GPtrArray          *out_ids,
                 GError            **error)
{
  ParlaRequest req;

  request_init (&req, seed, teacher_id, spec->name, PARLA_ROLE_TEACHER);

  for (const DemoOffering *o = spec->offerings; o->title != NULL; o++)
    {
      g_autoptr(JsonBuilder) builder = json_builder_new ();
      g_autoptr(JsonNode) node = NULL;
      g_autoptr(ParlaOffering) offering = NULL;
      g_autofree char *id = NULL;

      json_builder_begin_object (builder);
      parla_json_add_string (builder, "title", o->title);
      parla_json_add_string (builder, "description", o->description);
      parla_json_add_string (builder, "topic_type", parla_topic_type_names[o->topic_type]);
      parla_json_add_string (builder, "session_type", parla_offering_kind_names[o->session_type]);
      parla_json_add_int (builder, "duration_minutes", o->duration_minutes);
      parla_json_add_int (builder, "capacity", o->capacity);
      parla_json_add_int (builder, "price_minor", o->price_minor);
      parla_json_add_string (builder, "currency", o->currency);
      parla_json_add_bool (builder, "requires_approval", o->requires_approval);
      add_materials (builder, &o->materials);
      json_builder_end_object (builder);
      node = json_builder_get_root (builder);

      offering = parla_offering_new_from_json (node, PARLA_JSON_INPUT, error);
      if (offering == NULL ||
          !parla_policy_check_duration (seed->config->policy, o->duration_minutes, error))
        return FALSE;

      id = parla_db_new_id ();
      g_object_set (offering,
                    "id", id,
                    "teacher-id", teacher_id,
                    "archived", FALSE,
                    NULL);

      if (!parla_offering_store (&req, offering, TRUE, error))
        return FALSE;

      if (out_ids != NULL)
        g_ptr_array_add (out_ids, g_steal_pointer (&id));
    }

  return TRUE;
}

/* Sessions */

/* The local dates an availability marks as days off ("YYYY-MM-DD"). */
static GHashTable *
days_off_of (ParlaAvailability *availability)
{
  g_autoptr(GHashTable) days = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(JsonNode) node = NULL;
  JsonArray *overrides = NULL;
  JsonObject *object;

  if (availability == NULL)
    return g_steal_pointer (&days);

  node = parla_availability_to_json (availability);
  object = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (object != NULL && json_object_has_member (object, "overrides") &&
      JSON_NODE_HOLDS_ARRAY (json_object_get_member (object, "overrides")))
    overrides = json_object_get_array_member (object, "overrides");

  for (guint i = 0; overrides != NULL && i < json_array_get_length (overrides); i++)
    {
      JsonNode *element = json_array_get_element (overrides, i);
      JsonObject *entry = JSON_NODE_HOLDS_OBJECT (element) ? json_node_get_object (element) : NULL;
      JsonArray *ranges = entry ? parla_json_get_array (entry, "ranges") : NULL;
      const char *date = entry ? parla_json_get_string (entry, "date", NULL) : NULL;

      if (date != NULL && (ranges == NULL || json_array_get_length (ranges) == 0))
        g_hash_table_add (days, g_strdup (date));
    }

  return g_steal_pointer (&days);
}

/* The host's first current group offering, or NULL. */
static char *
find_group_offering (DemoSeed    *seed,
                     const char  *host_id,
                     GError     **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;
  char *id = NULL;

  rows = parla_db_query (seed->db, error,
                         "SELECT id FROM offerings WHERE teacher_id = $1 "
                         "AND session_type = 'group' AND archived = 0 "
                         "ORDER BY created_at, id LIMIT 1",
                         PARLA_DB_TEXT, host_id,
                         PARLA_DB_END);
  if (rows == NULL)
    return NULL;

  if (parla_db_rows_next (rows))
    id = parla_db_rows_dup_text (rows, 0);

  if (!parla_db_rows_get_error (rows, error))
    g_clear_pointer (&id, g_free);

  return id;
}

/* Takes a seat as handle_book does: the conditional update first, then
 * the booking with its first history entry. */
static gboolean
take_seat (DemoSeed      *seed,
           ParlaSession  *session,
           const char    *learner_id,
           const char    *learner_name,
           GError       **error)
{
  g_autofree char *booking_id = NULL;
  ParlaNewBooking seat = { 0, };
  ParlaRequest req;
  gint64 changed;

  request_init (&req, seed, learner_id, learner_name, PARLA_ROLE_STUDENT);

  changed = parla_db_exec (seed->db, error,
                           "UPDATE sessions SET seats_taken = seats_taken + 1, updated_at = $2 "
                           "WHERE id = $1 AND status = 'scheduled' AND seats_taken < capacity",
                           PARLA_DB_TEXT, parla_session_get_id (session),
                           PARLA_DB_INT, seed->now,
                           PARLA_DB_END);
  if (changed < 0)
    return FALSE;
  if (changed == 0)
    return TRUE;   /* full: the seat plan has more learners than seats */

  seat.kind = PARLA_BOOKING_KIND_SESSION;
  seat.session_id = parla_session_get_id (session);
  seat.offering_id = parla_session_get_offering_id (session);
  seat.teacher_id = parla_session_get_host_id (session);
  seat.title = parla_session_get_title (session);
  seat.start = parla_session_get_start (session);
  seat.end = parla_session_get_end (session);
  seat.status = PARLA_BOOKING_CONFIRMED;
  seat.price_minor = parla_session_get_price_minor (session);
  seat.currency = parla_session_get_currency (session);

  booking_id = parla_booking_insert (&req, &seat, error);
  return booking_id != NULL;
}

static gboolean
host_is_free (ParlaRequest       *req,
              ParlaAvailability  *availability,
              const char         *host_id,
              gint64              start,
              gint64              end,
              gboolean           *out_free,
              GError            **error)
{
  g_autoptr(GArray) commitments = NULL;
  gboolean conflict = FALSE;

  commitments = parla_teacher_commitments (req, host_id, start - 2 * DAY, end + 2 * DAY,
                                           NULL, NULL, error);
  if (commitments == NULL)
    return FALSE;

  if (availability != NULL)
    {
      conflict = parla_availability_conflicts (availability,
                                               (const ParlaInterval *) (gpointer) commitments->data,
                                               commitments->len, start, end);
    }
  else
    {
      for (guint i = 0; i < commitments->len && !conflict; i++)
        {
          const ParlaInterval *c = &g_array_index (commitments, ParlaInterval, i);
          conflict = c->start < end && start < c->end;
        }
    }

  *out_free = !conflict;
  return TRUE;
}

static gboolean
seed_session (DemoSeed           *seed,
              const DemoSession  *spec,
              guint              *n_seeded,
              GError            **error)
{
  const DemoTeacher *host = &teachers[spec->host];
  const char *host_id = seed->teacher_ids[spec->host];
  g_autoptr(GTimeZone) zone = NULL;
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GHashTable) days_off = NULL;
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaSession) session = NULL;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *offering_id = NULL;
  g_autofree char *id = NULL;
  ParlaRequest req;
  gint64 start = 0;
  gboolean is_free = FALSE;
  int day;

  if (host_id == NULL)
    return TRUE;

  request_init (&req, seed, host_id, host->name, PARLA_ROLE_TEACHER);

  zone = parla_time_zone_new (host->time_zone, error);
  if (zone == NULL)
    return FALSE;

  availability = parla_teacher_load_availability (&req, host_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  days_off = days_off_of (availability);

  /* The planned local day, or the next one that is not too soon and not
   * one of the host's days off. */
  for (day = spec->day; day < SESSION_DAYS; day++)
    {
      g_autofree char *date = NULL;

      start = local_instant (zone, seed->now, day, spec->minute, &date);
      if (start >= seed->now + MIN_LEAD && start % 1800 == 0 &&
          !g_hash_table_contains (days_off, date))
        break;
    }
  if (day >= SESSION_DAYS || start >= seed->now + SESSION_DAYS * DAY)
    return TRUE;

  /* As check_host_free: never two commitments at once for a host. */
  if (!parla_teacher_lock (&req, host_id, error) ||
      !host_is_free (&req, availability, host_id, start,
                     start + (gint64) spec->duration_minutes * 60, &is_free, error))
    return FALSE;
  if (!is_free)
    {
      g_debug ("Demo: %s is busy at the time of “%s”, skipped", host->name, spec->title);
      return TRUE;
    }

  if (spec->from_offering)
    {
      offering_id = find_group_offering (seed, host_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "title", spec->title);
  parla_json_add_string (builder, "description", spec->description);
  parla_json_add_string (builder, "type", parla_session_type_names[spec->type]);
  parla_json_add_string (builder, "language", spec->language);
  parla_json_add_string (builder, "level", parla_level_names[spec->level]);
  parla_json_add_instant (builder, "start", start);
  parla_json_add_int (builder, "duration_minutes", spec->duration_minutes);
  parla_json_add_int (builder, "capacity", spec->capacity);
  parla_json_add_int (builder, "price_minor", spec->price_minor);
  parla_json_add_string (builder, "currency", spec->currency);
  add_materials (builder, &spec->materials);
  if (offering_id != NULL)
    parla_json_add_string (builder, "offering_id", offering_id);
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  session = parla_session_new_from_json (node, PARLA_JSON_INPUT, error);
  if (session == NULL ||
      !parla_policy_check_duration (seed->config->policy, spec->duration_minutes, error))
    return FALSE;

  id = parla_db_new_id ();
  g_object_set (session,
                "id", id,
                "host-id", host_id,
                "host-name", host->name,
                "status", PARLA_SESSION_STATUS_SCHEDULED,
                "seats-left", parla_session_get_capacity (session),
                NULL);

  if (!parla_session_store (&req, session, TRUE, error))
    return FALSE;

  for (const char *tag = spec->seats; *tag != '\0'; tag++)
    {
      for (guint i = 0; i < N_STUDENTS; i++)
        {
          if (students[i].tag != *tag || seed->student_ids[i] == NULL)
            continue;

          if (!take_seat (seed, session, seed->student_ids[i], students[i].name, error))
            return FALSE;
        }
    }

  (*n_seeded)++;
  return TRUE;
}

static gboolean
seed_sessions (DemoSeed  *seed,
               GError   **error)
{
  guint n_seeded = 0;

  for (guint i = 0; i < G_N_ELEMENTS (sessions); i++)
    if (!seed_session (seed, &sessions[i], &n_seeded, error))
      return FALSE;

  g_debug ("Demo: scheduled %u of %u group sessions", n_seeded, (guint) G_N_ELEMENTS (sessions));
  return TRUE;
}

/* Lessons */

/* The first free slot of @teacher_id from @from on, preferring one on the
 * hour between 10:00 and 17:00 local time, as a learner would pick it. */
static gboolean
pick_slot (ParlaRequest  *req,
           const char    *teacher_id,
           gint64         from,
           int            duration_minutes,
           gint64        *out_start,
           GError       **error)
{
  g_autoptr(ParlaAvailability) availability = NULL;
  g_autoptr(GArray) commitments = NULL;
  g_autoptr(GArray) slots = NULL;
  g_autoptr(GError) local_error = NULL;
  gint64 to = from + LESSON_SEARCH_DAYS * DAY;
  GTimeZone *zone;

  availability = parla_teacher_load_availability (req, teacher_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (availability == NULL)
    {
      parla_set_error (error, PARLA_ERROR_INTERNAL, NULL, "The demo teacher has no availability");
      return FALSE;
    }

  commitments = parla_teacher_commitments (req, teacher_id, from - 2 * DAY, to + 2 * DAY,
                                           NULL, NULL, error);
  if (commitments == NULL)
    return FALSE;

  slots = parla_availability_compute_slots (availability,
                                            (const ParlaInterval *) (gpointer) commitments->data,
                                            commitments->len, from, to, duration_minutes, req->now);
  if (slots == NULL || slots->len == 0)
    {
      parla_set_error (error, PARLA_ERROR_INTERNAL, NULL,
                       "The demo teacher has no free slot for the demo lessons");
      return FALSE;
    }

  zone = parla_availability_get_zone (availability);
  *out_start = g_array_index (slots, ParlaInterval, 0).start;

  for (guint i = 0; i < slots->len; i++)
    {
      gint64 start = g_array_index (slots, ParlaInterval, i).start;
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start);
      g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, zone);
      int hour = g_date_time_get_hour (local);

      if (g_date_time_get_minute (local) == 0 && hour >= 10 && hour <= 17)
        {
          *out_start = start;
          break;
        }
    }

  return TRUE;
}

/* A lesson as handle_book_offering books it: the status follows the
 * offering's requires_approval. */
static gboolean
book_lesson (DemoSeed     *seed,
             const char   *offering_id,
             int           days_ahead,
             const char   *topic,
             const char   *message,
             GError      **error)
{
  const char *learner_id = seed->student_ids[ALEX];
  g_autoptr(ParlaOffering) offering = NULL;
  g_autofree char *booking_id = NULL;
  ParlaNewBooking lesson = { 0, };
  ParlaRequest req;
  gint64 start;

  request_init (&req, seed, learner_id, students[ALEX].name, PARLA_ROLE_STUDENT);

  offering = parla_offering_load (&req, offering_id, error);
  if (offering == NULL)
    return FALSE;

  if (!parla_teacher_lock (&req, parla_offering_get_teacher_id (offering), error) ||
      !pick_slot (&req, parla_offering_get_teacher_id (offering), seed->now + days_ahead * DAY,
                  parla_offering_get_duration_minutes (offering), &start, error))
    return FALSE;

  lesson.kind = PARLA_BOOKING_KIND_LESSON;
  lesson.offering_id = parla_offering_get_id (offering);
  lesson.teacher_id = parla_offering_get_teacher_id (offering);
  lesson.title = parla_offering_get_title (offering);
  lesson.start = start;
  lesson.end = start + (gint64) parla_offering_get_duration_minutes (offering) * 60;
  lesson.status = parla_offering_get_requires_approval (offering) ? PARLA_BOOKING_PENDING
                                                                   : PARLA_BOOKING_CONFIRMED;
  lesson.topic = topic;
  lesson.message = message;
  lesson.price_minor = parla_offering_get_price_minor (offering);
  lesson.currency = parla_offering_get_currency (offering);

  booking_id = parla_booking_insert (&req, &lesson, error);
  return booking_id != NULL;
}

/* Reviews: lessons the other demo learners had weeks ago, and what they
 * wrote; their stars add to the teachers' ratings. */
static const struct
{
  int         teacher;
  int         student;
  int         days_ago;
  int         rating;
  const char *text;
} demo_reviews[] = {
  { DANA, SAM, 40, 5, "Dana made me talk from the first minute. I finally dare to order in Spanish!" },
  { DANA, PRIYA, 33, 5, "Clear explanations of the subjunctive and lots of patience. Highly recommended." },
  { DANA, KENJI, 26, 4, "Very friendly and well prepared. I would have liked a bit more homework." },
  { DANA, SAM, 19, 5, "Our second lesson was even better: we practised a job interview." },
  { DANA, PRIYA, 12, 5, "" },
  { LUCIA, KENJI, 30, 5, "Lucía corrects gently and explains why. Great for conversation practice." },
  { LUCIA, PRIYA, 15, 4, "Good lesson, the time flew by." },
  { CAMILLE, SAM, 21, 5, "Camille's pronunciation drills really work. Merci !" },
};

static gboolean
seed_reviews (DemoSeed  *seed,
              GError   **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_reviews); i++)
    {
      const DemoTeacher *spec = &teachers[demo_reviews[i].teacher];
      const char *learner_id = seed->student_ids[demo_reviews[i].student];
      const char *teacher_id = seed->teacher_ids[demo_reviews[i].teacher];
      g_autofree char *booking_id = NULL;
      g_autofree char *review_id = NULL;
      ParlaNewBooking lesson = { 0, };
      ParlaRequest req;

      request_init (&req, seed, learner_id, students[demo_reviews[i].student].name, PARLA_ROLE_STUDENT);

      /* A free lesson on the hour, long past, that stayed confirmed. */
      lesson.kind = PARLA_BOOKING_KIND_LESSON;
      lesson.teacher_id = teacher_id;
      lesson.title = spec->offerings[0].title;
      lesson.start = (seed->now / HOUR) * HOUR - demo_reviews[i].days_ago * DAY;
      lesson.end = lesson.start + HOUR;
      lesson.status = PARLA_BOOKING_CONFIRMED;
      lesson.currency = spec->offerings[0].currency;
      lesson.learner_time_zone = "UTC";

      booking_id = parla_booking_insert (&req, &lesson, error);
      if (booking_id == NULL)
        return FALSE;

      req.now = lesson.end + 2 * HOUR;
      review_id = parla_review_insert (&req, booking_id, teacher_id, learner_id,
                                       demo_reviews[i].rating, demo_reviews[i].text, error);
      if (review_id == NULL)
        return FALSE;
    }

  return TRUE;
}

/* Seeding */

static gboolean
seed_catalogue (DemoSeed  *seed,
                GStrv      hashes,
                GError   **error)
{
  g_autoptr(GPtrArray) dana_offerings = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < N_STUDENTS; i++)
    {
      seed->student_ids[i] = insert_user (seed, students[i].email, students[i].name,
                                          hashes[i], PARLA_ROLE_STUDENT, error);
      if (seed->student_ids[i] == NULL)
        return FALSE;
    }

  for (guint t = 0; t < N_TEACHERS; t++)
    {
      const DemoTeacher *spec = &teachers[t];

      seed->teacher_ids[t] = insert_user (seed, spec->email, spec->name,
                                          hashes[N_STUDENTS + t], PARLA_ROLE_TEACHER, error);
      if (seed->teacher_ids[t] == NULL ||
          !store_profile (seed, spec, seed->teacher_ids[t], error) ||
          !store_availability (seed, spec, seed->teacher_ids[t], error) ||
          !store_offerings (seed, spec, seed->teacher_ids[t],
                            t == DANA ? dana_offerings : NULL, error))
        return FALSE;
    }

  if (!seed_sessions (seed, error) ||
      !seed_reviews (seed, error))
    return FALSE;

  /* Dana's first two offerings: the free trial (confirmed at once) and
   * the lesson that needs her approval (a pending request to try). */
  g_assert (dana_offerings->len >= 2);

  return book_lesson (seed, g_ptr_array_index (dana_offerings, 0), 2,
                      "Getting ready for a trip to Seville",
                      "¡Hola Dana! I'd like to check my level before my trip in the spring.",
                      error) &&
         book_lesson (seed, g_ptr_array_index (dana_offerings, 1), 4,
                      "Preterite vs imperfect",
                      "Could we focus on telling stories in the past? I always mix up the two "
                      "tenses.",
                      error);
}

/* A demo database days later: schedule new group sessions once the demo
 * teachers have none left in the future. */
static gboolean
refresh_sessions (DemoSeed  *seed,
                  GError   **error)
{
  gint64 upcoming = 0;

  for (guint i = 0; i < N_STUDENTS; i++)
    if (!lookup_user (seed->db, students[i].email, &seed->student_ids[i], error))
      return FALSE;

  for (guint t = 0; t < N_TEACHERS; t++)
    {
      g_autoptr(ParlaDbRows) rows = NULL;

      if (!lookup_user (seed->db, teachers[t].email, &seed->teacher_ids[t], error))
        return FALSE;
      if (seed->teacher_ids[t] == NULL)
        continue;

      rows = parla_db_query (seed->db, error,
                             "SELECT COUNT(*) FROM sessions WHERE host_id = $1 "
                             "AND status = 'scheduled' AND type <> 'private' AND start_at > $2",
                             PARLA_DB_TEXT, seed->teacher_ids[t],
                             PARLA_DB_INT, seed->now,
                             PARLA_DB_END);
      if (rows == NULL)
        return FALSE;
      if (parla_db_rows_next (rows))
        upcoming += parla_db_rows_get_int (rows, 0);
      if (!parla_db_rows_get_error (rows, error))
        return FALSE;
    }

  if (upcoming > 0)
    return TRUE;

  return seed_sessions (seed, error);
}

/* Minutes: the packages a learner could buy, and minutes for every demo
 * learner to call a tutor now, topped up whenever they run low. */
static const struct
{
  const char *id;
  const char *name;
  gint64      minutes;
  gint64      price_minor;
  gint64      validity_days;
} demo_packages[] = {
  { "demo-30", "30 minutes", 30, 1200, 90 },
  { "demo-60", "1 hour", 60, 2200, 180 },
  { "demo-120", "2 hours", 120, 4000, 365 },
  { "demo-300", "5 hours", 300, 9000, 365 },
};

#define DEMO_MINUTES          120
#define DEMO_MINUTES_LOW      10
#define DEMO_MINUTES_DAYS     365

static gboolean
seed_minutes (DemoSeed  *seed,
              GError   **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_packages); i++)
    if (parla_db_exec (seed->db, error,
                       "INSERT INTO minute_packages (id, name, minutes, price_minor, currency, validity_days, "
                       "active, created_at, updated_at) VALUES ($1, $2, $3, $4, 'EUR', $5, 1, $6, $6) "
                       "ON CONFLICT (id) DO NOTHING",
                       PARLA_DB_TEXT, demo_packages[i].id,
                       PARLA_DB_TEXT, demo_packages[i].name,
                       PARLA_DB_INT, demo_packages[i].minutes,
                       PARLA_DB_INT, demo_packages[i].price_minor,
                       PARLA_DB_INT, demo_packages[i].validity_days,
                       PARLA_DB_INT, seed->now,
                       PARLA_DB_END) < 0)
      return FALSE;

  for (guint i = 0; i < N_STUDENTS; i++)
    {
      g_autofree char *id = NULL;
      g_autofree char *entry = NULL;
      gint64 balance;

      if (!lookup_user (seed->db, students[i].email, &id, error))
        return FALSE;
      if (id == NULL)
        continue;

      balance = parla_minutes_balance (seed->db, id, seed->now, NULL, error);
      if (balance < 0)
        return FALSE;
      if (balance >= DEMO_MINUTES_LOW * 60)
        continue;

      entry = parla_minutes_credit (seed->db, id, "grant", DEMO_MINUTES * 60,
                                    seed->now + DEMO_MINUTES_DAYS * 24 * 3600,
                                    NULL, NULL, "Demo minutes", NULL, seed->now, error);
      if (entry == NULL)
        return FALSE;
    }

  return TRUE;
}

/**
 * parla_demo_seed:
 * @db: a migrated database
 * @config: the server configuration (password hashing, policy)
 * @now: the current time, seconds since the epoch
 *
 * Seeds the demo accounts (all with the password "parla-demo"), ten
 * teachers with profiles, hours and offerings, a fortnight of group
 * sessions with some seats taken, a confirmed and a pending lesson for
 * the demo learner, past lessons of the other demo learners with their
 * reviews, minute packages, and 120 minutes for every demo learner
 * to call a tutor now. Does nothing if the demo learner already exists, but
 * for scheduling new group sessions when none remain in the future and
 * topping up the minutes of a demo learner who has less than 10 left.
 */
gboolean
parla_demo_seed (ParlaDb                  *db,
                 const ParlaServerConfig  *config,
                 gint64                    now,
                 GError                  **error)
{
  g_auto(DemoSeed) seed = { db, config, now, };
  g_auto(GStrv) hashes = NULL;
  g_autofree char *learner_id = NULL;
  gboolean ok;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (config != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (!lookup_user (db, students[ALEX].email, &learner_id, error))
    return FALSE;

  if (learner_id == NULL)
    {
      hashes = hash_passwords (config, error);
      if (hashes == NULL)
        return FALSE;
    }

  if (!parla_db_begin_write (db, error))
    return FALSE;

  /* Another process may have seeded in between: look again under the lock. */
  g_clear_pointer (&learner_id, g_free);
  if (!lookup_user (db, students[ALEX].email, &learner_id, error))
    goto fail;

  if (learner_id != NULL)
    {
      ok = refresh_sessions (&seed, error);
    }
  else
    {
      /* Only if the account vanished since the first look. */
      if (hashes == NULL)
        hashes = hash_passwords (config, error);
      ok = hashes != NULL && seed_catalogue (&seed, hashes, error);
    }

  if (!ok || !seed_minutes (&seed, error))
    goto fail;

  return parla_db_commit (db, error);

fail:
  parla_db_rollback (db);
  return FALSE;
}

/* The trial call */

#define TRIAL_HOST      LUCIA
#define TRIAL_TITLE     "Try a call with the demo tutor"
#define TRIAL_MINUTES   60
#define TRIAL_STEP      (5 * 60)      /* starts on a 5-minute mark */
#define TRIAL_MIN_LEFT  (15 * 60)     /* a session closer to its end is not offered */

static gboolean
find_trial_call (DemoSeed  *seed,
                 const char *host_id,
                 char      **out_id,
                 GError    **error)
{
  g_autoptr(ParlaDbRows) rows = NULL;

  *out_id = NULL;
  rows = parla_db_query (seed->db, error,
                         "SELECT id FROM sessions WHERE host_id = $1 AND title = $2 "
                         "AND status = 'scheduled' AND start_at <= $3 "
                         "AND end_at >= $4 "
                         "ORDER BY start_at DESC LIMIT 1",
                         PARLA_DB_TEXT, host_id,
                         PARLA_DB_TEXT, TRIAL_TITLE,
                         PARLA_DB_INT, seed->now,
                         PARLA_DB_INT, seed->now + TRIAL_MIN_LEFT,
                         PARLA_DB_END);
  if (rows == NULL)
    return FALSE;
  if (parla_db_rows_next (rows))
    *out_id = parla_db_rows_dup_text (rows, 0);

  return parla_db_rows_get_error (rows, error);
}

static gboolean
create_trial_call (DemoSeed  *seed,
                   char     **out_id,
                   GError   **error)
{
  const DemoTeacher *host = &teachers[TRIAL_HOST];
  const char *host_id = seed->teacher_ids[TRIAL_HOST];
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonNode) node = NULL;
  g_autoptr(ParlaSession) session = NULL;
  g_autofree char *id = NULL;
  ParlaRequest req;

  request_init (&req, seed, host_id, host->name, PARLA_ROLE_TEACHER);

  json_builder_begin_object (builder);
  parla_json_add_string (builder, "title", TRIAL_TITLE);
  parla_json_add_string (builder, "description",
                         "An automatic tutor that answers at any time, so that you can try a whole "
                         "call: it sends a test picture and tone and hears you back. Join, then hang "
                         "up whenever you like.");
  parla_json_add_string (builder, "type", parla_session_type_names[PARLA_SESSION_PRACTICE]);
  parla_json_add_string (builder, "language", "es");
  parla_json_add_string (builder, "level", parla_level_names[PARLA_LEVEL_A1]);
  parla_json_add_instant (builder, "start", seed->now - seed->now % TRIAL_STEP);
  parla_json_add_int (builder, "duration_minutes", TRIAL_MINUTES);
  parla_json_add_int (builder, "capacity", 3);
  parla_json_add_int (builder, "price_minor", 0);
  parla_json_add_string (builder, "currency", "EUR");
  json_builder_end_object (builder);
  node = json_builder_get_root (builder);

  session = parla_session_new_from_json (node, PARLA_JSON_INPUT, error);
  if (session == NULL)
    return FALSE;

  id = parla_db_new_id ();
  g_object_set (session,
                "id", id,
                "host-id", host_id,
                "host-name", host->name,
                "status", PARLA_SESSION_STATUS_SCHEDULED,
                "seats-left", parla_session_get_capacity (session),
                NULL);

  if (!parla_session_store (&req, session, TRUE, error) ||
      !take_seat (seed, session, seed->student_ids[ALEX], students[ALEX].name, error))
    return FALSE;

  *out_id = g_steal_pointer (&id);
  return TRUE;
}

/**
 * parla_demo_trial_call:
 * @db: a database with the demo seeded (parla_demo_seed())
 * @config: the server configuration
 * @now: the current time, seconds since the epoch
 * @out_session_id: (out): the session to join
 * @out_host_email: (out) (optional): who hosts it: the demo tutor signs in
 *   as them (password "parla-demo")
 * @error: return location for a #GError
 *
 * The "Try a call" session of `parla-server --demo`: a free group session
 * that is open to join now and for at least the next quarter of an hour,
 * hosted by a demo teacher whom the automatic demo tutor (parla-peer)
 * plays, with a seat for the demo learner. A new one is made when the last
 * is about to end.
 *
 * Returns: %TRUE with the session's id
 */
gboolean
parla_demo_trial_call (ParlaDb                  *db,
                       const ParlaServerConfig  *config,
                       gint64                    now,
                       char                    **out_session_id,
                       char                    **out_host_email,
                       GError                  **error)
{
  g_auto(DemoSeed) seed = { db, config, now, };
  g_autofree char *id = NULL;

  g_return_val_if_fail (db != NULL, FALSE);
  g_return_val_if_fail (out_session_id != NULL, FALSE);

  if (!parla_db_begin_write (db, error))
    return FALSE;

  if (!lookup_user (db, teachers[TRIAL_HOST].email, &seed.teacher_ids[TRIAL_HOST], error) ||
      !lookup_user (db, students[ALEX].email, &seed.student_ids[ALEX], error))
    goto fail;
  if (seed.teacher_ids[TRIAL_HOST] == NULL || seed.student_ids[ALEX] == NULL)
    {
      g_set_error_literal (error, PARLA_ERROR, PARLA_ERROR_NOT_FOUND, "The demo is not seeded");
      goto fail;
    }

  if (!find_trial_call (&seed, seed.teacher_ids[TRIAL_HOST], &id, error) ||
      (id == NULL && !create_trial_call (&seed, &id, error)))
    goto fail;

  if (!parla_db_commit (db, error))
    return FALSE;

  *out_session_id = g_steal_pointer (&id);
  if (out_host_email != NULL)
    *out_host_email = g_strdup (teachers[TRIAL_HOST].email);
  return TRUE;

fail:
  parla_db_rollback (db);
  return FALSE;
}
