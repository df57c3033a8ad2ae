/*
 * syntax_mem: where the parts of a parsed event live (see syntax_parse.h).
 * A script's events are many and die together, so they come from one arena;
 * a line typed at the prompt is one event, freed on its own.
 */
#include "arena.h"
#include "syntax_parse.h"

#include <stdlib.h>
#include <string.h>

void *syntax_alloc(struct syn_lexer *lx, size_t n)
{
	return lx->arena ? arena_alloc(lx->arena, n) : xcalloc(1, n);
}

char *syntax_strndup(struct syn_lexer *lx, const char *s, size_t n)
{
	return lx->arena ? arena_strndup(lx->arena, s, n) : xstrndup(s, n);
}

char *syntax_tok_copy(struct syn_lexer *lx, const struct syn_token *t)
{
	return syntax_strndup(lx, t->text, t->len);
}

void *syntax_grow(struct syn_lexer *lx, void *p, size_t old_n, size_t new_n)
{
	if (!lx->arena)
		return xrealloc(p, new_n);
	void *q = arena_alloc(lx->arena, new_n);
	if (p)
		memcpy(q, p, old_n < new_n ? old_n : new_n);
	return q;
}

void syntax_drop(struct syn_lexer *lx, void *p)
{
	if (!lx->arena)
		free(p);
}
