/*
 * lesson: the lesson file format (man tcpsh-lesson.5), pure. A lesson is a
 * packetdrill script whose `//` comments are narration and whose `//!` lines
 * are markers (title, question, yourturn, ...). lesson_parse turns the text
 * into steps on top of syntax_parse_script; lesson_answer_ok and
 * lesson_same_effect judge what a student typed. No I/O here: the player
 * (lesson_play.c) and the command (lesson_main.c) are the system edges.
 */
#ifndef TCPSH_LESSON_H
#define TCPSH_LESSON_H

#include <stdbool.h>
#include <stddef.h>

#include "sb.h"
#include "syntax.h"

struct lesson_strs {
	char **v;
	int n;
};

struct lesson_question {
	char *text;
	int line, col;           /* where the question marker is */
	struct lesson_strs answers; /* accepted answers, at least one */
	char *explain;              /* shown after the step ran, or NULL */
	struct lesson_strs hints;
};

/* One step: an action line (a '<' segment, a call, a `command`) and the
 * checkpoints after it ('>' lines, %{ }% blocks), or checkpoints alone (the
 * kernel acting on its own timer). Events are script.ev[first .. first+nev). */
struct lesson_step {
	size_t first, nev;
	bool has_action;          /* script.ev[first] is the action */
	struct lesson_strs narration; /* paragraphs, shown before the step */
	struct lesson_question *q;
	int nq;
	char *yourturn;           /* the goal of a your-turn step, or NULL */
	int yourturn_line;
	struct lesson_strs hints; /* for the your-turn step */
	char *checkpoint, *onfail;
};

struct lesson {
	char *title, *summary, *level, *teaches;
	struct syn_script script;
	size_t *settings;         /* indexes of the leading backquoted commands */
	size_t nsettings;
	struct lesson_step *steps;
	int nsteps;
	struct lesson_strs outro; /* narration after the last step */
};

/*
 * Parses a lesson. On error returns -1 with err holding the one message
 * (FILE:LINE:COL: error: ..., the line, a caret, a hint); the lesson is then
 * empty. text must outlive nothing: the lesson keeps copies.
 */
int lesson_parse(const char *file, const char *text, size_t len, struct lesson *out, struct sb *err);
void lesson_free(struct lesson *l);

/*
 * Where the player stops for the student: at every step that has narration
 * or a marker (and at the first). The steps after it without either run on
 * at their script times, so that an unnarrated handshake keeps the timing
 * the kernel's RTT measurement sees. stops gets the first step of each stop
 * and stops[n] = nsteps (n + 1 entries, at most nsteps + 1); returns n.
 */
int lesson_stops(const struct lesson *l, int *stops);

/* The text of an event's lines, without its time prefix when strip_time. */
void lesson_event_text(const char *text, size_t len, const struct syn_event *ev, bool strip_time,
		       struct sb *out);
/* When each event of the script is due, in seconds from the start, by
 * packetdrill's rules (absolute, relative to the previous event, '*' = the
 * previous). times gets script.nev entries. */
void lesson_event_times(const struct syn_script *s, double *times);

/* Whether typed is one of the question's answers: case and runs of blanks do
 * not matter, numbers compare as numbers (0x10 == 16, 1.0 == 1). */
bool lesson_answer_ok(const struct lesson_question *q, const char *typed);

/*
 * Whether the typed event has the same effect as the lesson's: packets
 * compare direction, flags, sequence range, ack, window and options in
 * order; calls compare the name and each argument ("..." in the lesson's
 * line matches anything); the time prefix never matters. When they differ,
 * why gets one line per field ("your ack is 0; the kernel's ISN plus one is 1").
 */
bool lesson_same_effect(const struct syn_event *ref, const struct syn_event *typed, struct sb *why);

#endif
