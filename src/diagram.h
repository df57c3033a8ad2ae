/*
 * diagram: the ladder (sequence) diagram of a session from its journal. Pure.
 * The peer ("you") and the kernel are two columns; each segment is an arrow
 * between them labelled with its packetdrill notation, the time on the left;
 * the states of both ends are written under their column as they change,
 * the calls beside the kernel's column, retransmissions drawn dashed and
 * marked. As text (Unicode box drawing, or ASCII) or as an SVG picture.
 */
#ifndef TCPSH_DIAGRAM_H
#define TCPSH_DIAGRAM_H

#include <stdbool.h>
#include <stddef.h>

#include "journal.h"
#include "sb.h"

struct diagram_opts {
	bool utf8;       /* box drawing and arrows; ASCII otherwise */
	bool color;      /* ANSI colour by direction (text only) */
	size_t max_rows; /* text: keep the last max_rows rows under the heading; 0: all */
};

/* Appends the diagram as lines of text. */
void diagram_text(const struct journal *j, const struct diagram_opts *o, struct sb *out);
/* Appends a self-contained SVG document (XML, text escaped). */
void diagram_svg(const struct journal *j, struct sb *out);

/* ---- shared by diagram.c and diagram_svg.c ---- */
enum diagram_row_kind { DROW_SEGMENT, DROW_STATE, DROW_CALL };

struct diagram_row {
	enum diagram_row_kind kind;
	double t;
	char dir;                 /* SEGMENT: '<' peer to kernel, '>' kernel to peer */
	bool retrans;
	char *label;              /* SEGMENT: notation; CALL: "listen(3, 1) = 0"; owned */
	char *peer, *kernel;      /* STATE: the new state of either end, or NULL; owned */
};

struct diagram_rows {
	struct diagram_row *v;
	size_t n;
	char *peer_head, *kernel_head; /* "you 192.0.2.1:40000", "kernel 192.168.0.1:8080" */
};

void diagram_rows(const struct journal *j, struct diagram_rows *r);
void diagram_rows_free(struct diagram_rows *r);
size_t diagram_width(const char *s); /* display columns of UTF-8 text */

#endif
