/*
 * shellcmd_lex: the shell tokens of a backquoted command, for shellcmd_parse.c
 * only. Splits the text the way /bin/sh would into words (quotes removed,
 * ${PPID} and $((...)) expanded, backslash-newlines joined), operators
 * (newline ; && ||) and redirections, and stops at the first thing tcpsh does
 * not understand natively (a pipe, a subshell, another variable, command
 * substitution, a file-name pattern), saying why. Pure: no I/O.
 */
#ifndef TCPSH_SHELLCMD_LEX_H
#define TCPSH_SHELLCMD_LEX_H

#include <stddef.h>

#include "sb.h"

enum shellcmd_tok {
	SHELLCMD_TK_END,
	SHELLCMD_TK_NEWLINE,
	SHELLCMD_TK_SEMI,
	SHELLCMD_TK_AND,
	SHELLCMD_TK_OR,
	SHELLCMD_TK_WORD,
	SHELLCMD_TK_REDIR,
};

/* Which descriptors a redirection sends: 1, 2, or both (&> and >& FILE). */
#define SHELLCMD_FD_BOTH 3

struct shellcmd_token {
	enum shellcmd_tok kind;
	struct sb text; /* WORD: the expanded word; REDIR: the expanded target (not for N>&M) */
	size_t start;	/* where it starts in the text */
	int line;	/* 1-based */
	int fd;		/* REDIR: 1, 2 or SHELLCMD_FD_BOTH */
	int dup;	/* REDIR N>&M: M; else -1 */
};

struct shellcmd_lexer {
	const char *s;
	size_t i; /* the next character to read */
	int line;
	long ppid;	   /* the value of ${PPID} and $PACKETDRILL_PID */
	struct sb *reason; /* when a token is not native: why, as a clause */
	struct sb *err;	   /* when a token is malformed */
};

void shellcmd_lex_init(struct shellcmd_lexer *lx, const char *text, long ppid, struct sb *reason,
		       struct sb *err);

/* Reads the next token into t (whose text is reset). 1, or 0 when it is not
 * native (reason), or -1 when it is malformed (err). */
int shellcmd_lex_next(struct shellcmd_lexer *lx, struct shellcmd_token *t);

/* Where the text's line holding position pos ends. */
size_t shellcmd_lex_line_end(const struct shellcmd_lexer *lx, size_t pos);

#endif
