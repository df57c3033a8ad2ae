/*
 * complete: what Tab offers in the interactive shell, from the line before
 * the cursor. Pure: the shell (shell.c) feeds it readline's buffer and adds
 * file names when it asks for them. Knows the positions that take a known
 * set: call names and shell commands first; constants by call and argument
 * (SOL_* then the SO_*, TCP_*, IP_* of that level for setsockopt); packet
 * flags, fields and option names after '<' or '>'; errno names after
 * "= -1"; the arguments of the shell commands.
 */
#ifndef TCPSH_COMPLETE_H
#define TCPSH_COMPLETE_H

#include <stdbool.h>
#include <stddef.h>

/* Names the shell knows: its commands (shell.c's table) and the live
 * session's connections. Either callback may be NULL. */
struct complete_src {
	const char *(*cmd_at)(void *ctx, size_t i);  /* "help", ...; NULL past the last */
	const char *(*conn_at)(void *ctx, size_t i); /* "c1", ...; NULL past the last */
	void *ctx;
};

struct complete_out {
	char **v;   /* the candidates that start with the word, owned */
	size_t n, cap;
	bool files; /* file names fit here too */
};

/*
 * line: the whole line; start: where the word being completed begins in it
 * (readline's start); word: that word up to the cursor. Fills out (which
 * starts zeroed) with the candidates, each with what should follow it ("("
 * after a call name, a space after a command).
 */
void complete_line(const char *line, size_t start, const char *word, const struct complete_src *src,
		   struct complete_out *out);
/* Adds one more candidate as it is (a file name the shell found). */
void complete_out_add(struct complete_out *out, const char *s);
void complete_out_free(struct complete_out *out);

#endif
