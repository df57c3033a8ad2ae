/*
 * shellcmd_parse.h: what the parser's two files share: shellcmd_parse.c (the
 * grammar, sysctl, echo, set_sysctls.py and helpers) and shellcmd_tools.c
 * (tc, ip and ethtool). Internal to them; the API is shellcmd.h. Pure.
 */
#ifndef TCPSH_SHELLCMD_PARSE_H
#define TCPSH_SHELLCMD_PARSE_H

#include <stdbool.h>
#include <stddef.h>

#include "sb.h"
#include "shellcmd.h"
#include "shellcmd_lex.h"

/* A growable list of owned strings. */
struct shellcmd_strv {
	char **v;
	size_t n, cap;
};

void shellcmd_strv_push(struct shellcmd_strv *s, const char *str);
void shellcmd_strv_free(struct shellcmd_strv *s);

/* One simple command as read: its words and where 1 and 2 go. */
struct shellcmd_cmd {
	struct shellcmd_strv words;
	char *out, *errt; /* NULL: the terminal (tcpsh's output); else a path */
	size_t start, end;
	int line;
};

struct shellcmd_parser {
	struct shellcmd_lexer lx;
	struct shellcmd_token tok;
	const char *text, *origin;
	bool multiline;
	const struct shellcmd_cfg *cfg;
	struct shellcmd_plan *plan;
	struct shellcmd_why *why;
	struct sb reason, lexerr;
	struct sb *err;
	bool in_cmd;	  /* a command is being read */
	size_t src_start; /* the command a refusal names */
	size_t src_end;
	int src_line;
};

/* A refusal: the command is not native; why is the clause fmt. Returns 0. */
int shellcmd_refuse(struct shellcmd_parser *p, const struct shellcmd_cmd *c, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* A malformed native command at line: err gets the location and fmt. -1. */
int shellcmd_bad(struct shellcmd_parser *p, int line, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Appends a step for c (its words, redirection flags and source) to the plan. */
struct shellcmd_step *shellcmd_add_step(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
					enum shellcmd_op op, enum shellcmd_link link);
/* Replaces the step's words with v's (taking its strings; v is emptied). */
void shellcmd_set_argv(struct shellcmd_step *s, struct shellcmd_strv *v);

/* The network tools: 1 with a step added, 0 refused, -1 malformed. */
int shellcmd_classify_ip(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			 enum shellcmd_link link);
int shellcmd_classify_tc(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			 enum shellcmd_link link);
int shellcmd_classify_ethtool(struct shellcmd_parser *p, const struct shellcmd_cmd *c,
			      enum shellcmd_link link);

#endif
