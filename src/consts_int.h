/*
 * consts_int: what the consts_*.c files share and nobody else needs: the
 * one "did you mean" search over a table of names.
 */
#ifndef TCPSH_CONSTS_INT_H
#define TCPSH_CONSTS_INT_H

#include <stddef.h>

/*
 * Returns the name among n candidates (name_at(ctx, 0..n-1); NULL entries
 * are skipped) closest to name: a case-insensitive edit distance (a swap of
 * neighbours counting as one edit) of at most 2 (1 for names of 3
 * characters or fewer), ties going to a candidate of the same
 * prefix family ("SO_", "TCP_", ...), then to the earlier one. NULL when
 * nothing is close. The result points into the candidates' storage.
 */
const char *consts_closest(const char *name, const char *(*name_at)(const void *ctx, size_t i),
			   const void *ctx, size_t n);

/* The errno names in table order, for the one index space of consts_name_at. */
size_t consts_errno_count(void);
const char *consts_errno_name_at(size_t i);

#endif
