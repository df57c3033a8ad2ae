/*
 * journal: the session's ordered record (see journal.h). It also decides
 * which segments are retransmissions: a segment that carries sequence space
 * (data, SYN or FIN) none of which is new on its connection and direction.
 * Not a printer: diagram.c, savepkt.c and the presenter read it.
 */
#include "journal.h"

#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "sb.h"

struct journal_key {
	char *key;
	char *state;
};

struct journal_high { /* the highest sequence end sent on (conn, dir) */
	int conn;
	char dir;
	uint32_t end;
};

struct journal {
	struct journal_entry *v;
	size_t n, cap;
	struct journal_key *keys;
	size_t nkeys;
	struct journal_high *high;
	size_t nhigh;
	char *peer_ip, *kernel_ip;
	int nconns;
	struct arena *mem; /* the entries' bytes and strings: they live as long as the journal */
};

struct journal *journal_new(const char *peer_ip, const char *kernel_ip)
{
	struct journal *j = xcalloc(1, sizeof(*j));
	j->peer_ip = xstrdup(peer_ip);
	j->kernel_ip = xstrdup(kernel_ip);
	j->mem = arena_new();
	return j;
}

void journal_free(struct journal *j)
{
	if (!j)
		return;
	arena_free(j->mem);
	for (size_t i = 0; i < j->nkeys; i++) {
		free(j->keys[i].key);
		free(j->keys[i].state);
	}
	free(j->v);
	free(j->keys);
	free(j->high);
	free(j->peer_ip);
	free(j->kernel_ip);
	free(j);
}

static char *dup_or_null(struct journal *j, const char *s)
{
	return s ? arena_strndup(j->mem, s, strlen(s)) : NULL;
}

/* Whether a segment with sequence space [seq, seq+len) brings nothing new;
 * remembers the new highest end otherwise. */
static bool seen_before(struct journal *j, int conn, char dir, uint32_t seq, uint32_t len)
{
	if (!len || conn < 0)
		return false;
	uint32_t end = seq + len;
	for (size_t i = 0; i < j->nhigh; i++) {
		struct journal_high *h = &j->high[i];
		if (h->conn != conn || h->dir != dir)
			continue;
		if ((int32_t)(end - h->end) <= 0)
			return true;
		h->end = end;
		return false;
	}
	j->high = xrealloc(j->high, (j->nhigh + 1) * sizeof(*j->high));
	j->high[j->nhigh++] = (struct journal_high){conn, dir, end};
	if (conn + 1 > j->nconns)
		j->nconns = conn + 1;
	return false;
}

void journal_add(struct journal *j, const struct journal_entry *in)
{
	if (j->n == j->cap) {
		j->cap = j->cap ? j->cap * 2 : 64;
		j->v = xrealloc(j->v, j->cap * sizeof(*j->v));
	}
	struct journal_entry *e = &j->v[j->n++];
	*e = *in;
	e->retrans = false;
	switch (e->kind) {
	case JOURNAL_SEGMENT:
	case JOURNAL_OTHER:
		e->bytes = NULL;
		if (in->bytes && in->len) {
			e->bytes = arena_alloc(j->mem, in->len);
			memcpy(e->bytes, in->bytes, in->len);
		}
		e->pd = dup_or_null(j, in->pd);
		e->line = dup_or_null(j, in->line);
		if (e->kind == JOURNAL_SEGMENT) {
			if (e->conn + 1 > j->nconns)
				j->nconns = e->conn + 1;
			e->retrans = seen_before(j, e->conn, e->dir, e->seq, e->seg_len);
		}
		break;
	case JOURNAL_CALL:
		e->call = dup_or_null(j, in->call);
		e->result = dup_or_null(j, in->result);
		break;
	case JOURNAL_STATE:
		e->state = dup_or_null(j, in->state);
		break;
	}
}

bool journal_note_state(struct journal *j, double t, const char *key, enum journal_side side, int conn,
			uint16_t pport, const char *state)
{
	struct journal_key *k = NULL;
	for (size_t i = 0; i < j->nkeys && !k; i++)
		if (!strcmp(j->keys[i].key, key))
			k = &j->keys[i];
	if (k && !strcmp(k->state, state))
		return false;
	if (!k) {
		j->keys = xrealloc(j->keys, (j->nkeys + 1) * sizeof(*j->keys));
		k = &j->keys[j->nkeys++];
		k->key = xstrdup(key);
		k->state = NULL;
	}
	free(k->state);
	k->state = xstrdup(state);
	struct journal_entry e = {.kind = JOURNAL_STATE, .t = t, .side = side, .conn = conn, .pport = pport,
				  .state = (char *)state};
	journal_add(j, &e);
	return true;
}

size_t journal_count(const struct journal *j)
{
	return j->n;
}

const struct journal_entry *journal_at(const struct journal *j, size_t i)
{
	return i < j->n ? &j->v[i] : NULL;
}

const char *journal_peer_ip(const struct journal *j)
{
	return j->peer_ip;
}

const char *journal_kernel_ip(const struct journal *j)
{
	return j->kernel_ip;
}

int journal_conns(const struct journal *j)
{
	return j->nconns;
}
