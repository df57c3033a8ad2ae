/*
 * arena: memory for many small objects that all die together, such as the
 * events of a parsed script. Allocation is a pointer bump in a chunk;
 * nothing is freed alone; arena_free returns every chunk at once. Chunks
 * grow geometrically, so a two-line script costs one small chunk and a
 * million-line one a few dozen large ones. The large ones ask the kernel for
 * transparent huge pages: touching fresh memory page by page was a third of
 * the time of parsing a large script.
 */
#ifndef TCPSH_ARENA_H
#define TCPSH_ARENA_H

#include <stddef.h>

struct arena; /* opaque */

struct arena *arena_new(void);
void arena_free(struct arena *a);

/* n zeroed bytes aligned for pointers, 64-bit integers and doubles (not
 * for long double or vector types); aborts when memory runs out, as
 * xmalloc does. */
void *arena_alloc(struct arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *arena_strndup(struct arena *a, const char *s, size_t n);
/* Bytes the arena holds from the system (its chunks), for tests and benchmarks. */
size_t arena_size(const struct arena *a);

#endif
