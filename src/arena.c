/*
 * arena: bump allocation in chunks mapped from the kernel (see arena.h).
 * Fresh anonymous mappings are zeroed, so arena_alloc never clears memory.
 */
#include "arena.h"

#include <stdalign.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

/* Under AddressSanitizer each object is its own heap block, so that an
 * overflow from one object into the next is still caught. */
#if defined(__SANITIZE_ADDRESS__)
#define EACH_ITS_OWN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define EACH_ITS_OWN 1
#endif
#endif

#define FIRST_CHUNK (16u << 10)
#define LARGEST_CHUNK (8u << 20)
#define HUGE_PAGE (2u << 20)

struct chunk {
	struct chunk *next;
	size_t size; /* of the whole mapping, this header included */
};

struct arena {
	struct chunk *chunks;
	char *at;        /* next free byte of the newest chunk */
	size_t left;     /* bytes free after at */
	size_t next;     /* size of the next chunk */
	size_t total;
	struct chunk *objects; /* EACH_ITS_OWN: every object, newest first */
};

/* Pointers, 64-bit integers and doubles: all the parser stores. Not
 * max_align_t (16 here): rounding every small object up to 16 bytes cost a
 * script of a million lines 30 MB. */
#define ALIGN 8
_Static_assert(alignof(void *) <= ALIGN && alignof(long long) <= ALIGN && alignof(double) <= ALIGN,
	       "arena objects need more alignment than ALIGN");
#define HEADER ((sizeof(struct chunk) + ALIGN - 1) & ~(ALIGN - 1))

static void oom(size_t n)
{
	fprintf(stderr, "tcpsh: out of memory mapping %zu bytes\n", n);
	abort();
}

struct arena *arena_new(void)
{
	struct arena *a = calloc(1, sizeof(*a));
	if (!a)
		oom(sizeof(*a));
	a->next = FIRST_CHUNK;
	return a;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (struct chunk *c = a->chunks, *next; c; c = next) {
		next = c->next;
		munmap(c, c->size);
	}
	for (struct chunk *c = a->objects, *next; c; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

/* A new chunk with room for n bytes after its header. A chunk that only one
 * large object needs does not become the current one: the free tail of the
 * current chunk stays in use. */
static char *new_chunk(struct arena *a, size_t n)
{
	long ps = sysconf(_SC_PAGESIZE);
	size_t page = ps > 0 ? (size_t)ps : 4096;
	size_t want = HEADER + n, size = a->next;
	bool alone = want > size / 2;
	if (alone)
		size = want;
	size = (size + page - 1) / page * page;
	struct chunk *c = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (c == MAP_FAILED)
		oom(size);
	/* Best effort: without huge pages (disabled, or an old kernel) the
	 * memory works the same, only its first touch costs more. */
	if (size >= HUGE_PAGE && madvise(c, size, MADV_HUGEPAGE) != 0) {
		/* nothing to do: the advice is optional */
	}
	c->size = size;
	c->next = a->chunks;
	a->chunks = c;
	a->total += size;
	char *mem = (char *)c + HEADER;
	if (!alone) {
		a->at = mem + n;
		a->left = size - HEADER - n;
		if (a->next < LARGEST_CHUNK)
			a->next *= 2;
	}
	return mem;
}

void *arena_alloc(struct arena *a, size_t n)
{
	n = (n + ALIGN - 1) & ~(ALIGN - 1);
	if (n == 0)
		n = ALIGN;
#ifdef EACH_ITS_OWN
	struct chunk *o = calloc(1, HEADER + n);
	if (!o)
		oom(HEADER + n);
	o->size = HEADER + n;
	o->next = a->objects;
	a->objects = o;
	a->total += o->size;
	return (char *)o + HEADER;
#endif
	if (n <= a->left) {
		char *p = a->at;
		a->at += n;
		a->left -= n;
		return p;
	}
	if (n > SIZE_MAX - HEADER - HUGE_PAGE)
		oom(n);
	return new_chunk(a, n);
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = arena_alloc(a, n + 1);
	memcpy(p, s, n);
	return p; /* already NUL-terminated: arena memory starts zeroed */
}

size_t arena_size(const struct arena *a)
{
	return a->total;
}
