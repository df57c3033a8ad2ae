/*
 * syntax_parse: the grammar pieces the syntax_*.c files share. Internal.
 * Each parse function takes tokens from the lexer, fills its output and
 * returns SYN_OK, or SYN_ERR once the lexer holds the error (or knows the
 * text is incomplete). Outputs are safe to free after a failure.
 */
#ifndef TCPSH_SYNTAX_PARSE_H
#define TCPSH_SYNTAX_PARSE_H

#include "syntax_lex.h"

/* Deepest nesting of brackets, braces and '|' chains in one expression. */
#define SYN_MAX_DEPTH 64

/* "expected ')' to close the argument list opened at column 7, found ..."
 * (or "expected ',' or ')' in ..." when t is not the end of the line). */
int syntax_expected_close(struct syn_lexer *lx, const struct syn_token *t, const struct syn_token *open,
			  char close, const char *what);

/* Memory for what an event holds (syntax_mem.c): from the lexer's arena
 * when it has one (a script, freed whole), else the heap (a line, freed by
 * syntax_event_free). syntax_alloc's memory is zeroed; syntax_drop frees a
 * heap block and leaves an arena's alone. */
void *syntax_alloc(struct syn_lexer *lx, size_t n);
char *syntax_strndup(struct syn_lexer *lx, const char *s, size_t n);
char *syntax_tok_copy(struct syn_lexer *lx, const struct syn_token *t);
void *syntax_grow(struct syn_lexer *lx, void *p, size_t old_n, size_t new_n);
void syntax_drop(struct syn_lexer *lx, void *p);

/* Expressions: syscall arguments and results (syntax_expr.c). */
int syntax_parse_expr(struct syn_lexer *lx, int depth, struct syn_expr **out);
bool syntax_expr_is_const(const struct syn_expr *e);
void syntax_expr_free(struct syn_expr *e);

/* name(args) = result ERRNO (note)  (syntax_call.c). */
int syntax_parse_syscall(struct syn_lexer *lx, struct syn_syscall *call);
void syntax_syscall_free(struct syn_syscall *call);

/* < S. 0:0(0) ack 1 win 1000 <mss 1460>, udp and icmp forms (syntax_packet.c). */
int syntax_parse_packet(struct syn_lexer *lx, struct syn_packet *pkt);
/* <mss 1460,sackOK,...> (syntax_tcpopt.c); the next token is the '<'. */
int syntax_parse_tcp_options(struct syn_lexer *lx, struct syn_packet *pkt);

/* Times, commands and option lines (syntax_time.c, syntax_words.c). */
int syntax_parse_time(struct syn_lexer *lx, struct syn_time *time, int *col);
int syntax_check_time(struct syn_lexer *lx, const struct syn_event *ev, int line, int col);
bool syntax_is_command(const struct syn_lexer *lx, const struct syn_token *t);
bool syntax_is_option(const struct syn_lexer *lx, const struct syn_token *t);
int syntax_parse_command(struct syn_lexer *lx, struct syn_command *cmd);
int syntax_parse_option(struct syn_lexer *lx, struct syn_event *ev);

#endif
