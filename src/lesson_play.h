/*
 * lesson_play: the interactive lesson player (one attempt, in the process
 * that entered the namespace) and what it shares with the command that
 * forks the attempts (lesson_main.c): options and the running score, which
 * lives in shared memory so that `back` (a fresh namespace, a new process)
 * keeps it.
 */
#ifndef TCPSH_LESSON_PLAY_H
#define TCPSH_LESSON_PLAY_H

#include <stdbool.h>

#include "engine.h"
#include "lesson.h"

struct lesson_opts {
	double auto_secs;   /* > 0: advance by itself every auto_secs */
	bool json;
	bool then_shell;
};

/* The score, in memory shared by every attempt. */
#define LESSON_MAX_Q 256
#define LESSON_MAX_STEPS 512
struct lesson_score {
	double t_start;
	int restart_at;      /* the step the next attempt starts at (after back), -1 none */
	int backs;
	int steps_run;       /* the furthest step run + 1 */
	int checkpoints, checkpoints_failed; /* summed from the two arrays by lesson_summary */
	short step_checkpoints[LESSON_MAX_STEPS], step_failed[LESSON_MAX_STEPS]; /* the last run of each */
	int questions, questions_right;
	signed char q_state[LESSON_MAX_Q]; /* 0 not asked, 1 right, -1 wrong or shown */
	int yourturns, yourturns_ok, yourturn_tries; /* the first two summed by lesson_summary */
	signed char yt_state[LESSON_MAX_STEPS]; /* your-turn steps: 1 typed right, -1 answer shown */
	int hints;
	bool completed, quit;
};

/* Exit status of an attempt that asks for another one (back). */
#define LESSON_EXIT_BACK 10

/*
 * Plays the lesson in this process (already inside the namespace): from the
 * start, replaying steps before score->restart_at quietly. Returns the exit
 * status (0, 1 a checkpoint failed, 3 no engine, LESSON_EXIT_BACK).
 */
int lesson_play(const char *file, const char *text, size_t len, const struct lesson *l,
		const struct engine_cfg *cfg, const struct lesson_opts *o, struct lesson_score *score, int sig_fd);

/* The summary at the end, and the --json result. */
void lesson_summary(const char *file, const struct lesson *l, struct lesson_score *s, bool json);

#endif
