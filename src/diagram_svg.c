/*
 * diagram_svg: the ladder diagram (diagram.c's rows) as a self-contained SVG
 * picture for slides: no external fonts, styles or images; every text
 * escaped for XML (bytes that are not valid UTF-8 or are control characters
 * become '?', which XML 1.0 would otherwise reject).
 */
#include "diagram.h"

#include <string.h>

#define CHAR_W 8      /* px per character of the 13 px monospace font, rounded up */
#define ROW_H 24
#define TOP 56        /* below the heading */
#define TIME_X 10
#define LEFT_X 90
#define MIN_SPAN_PX 300

#define PEER_COLOR "#1f5fbf"
#define KERNEL_COLOR "#b35900"
#define RETRANS_COLOR "#c00000"

/* Length of the valid UTF-8 sequence at s (1..4), or 0. */
static size_t utf8_seq(const unsigned char *s)
{
	size_t n = s[0] >= 0xf0 && s[0] <= 0xf4 ? 4 : s[0] >= 0xe0 ? 3 : s[0] >= 0xc2 && s[0] < 0xe0 ? 2 : 0;
	for (size_t i = 1; i < n; i++)
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	return n;
}

static void xml_text(struct sb *out, const char *text)
{
	const unsigned char *s = (const unsigned char *)text;
	while (*s) {
		size_t n;
		if (*s == '&')
			sb_add(out, "&amp;");
		else if (*s == '<')
			sb_add(out, "&lt;");
		else if (*s == '>')
			sb_add(out, "&gt;");
		else if (*s == '"')
			sb_add(out, "&quot;");
		else if (*s == '\'')
			sb_add(out, "&apos;");
		else if (*s < 0x80)
			sb_addc(out, *s < 0x20 && *s != '\t' ? '?' : (char)*s);
		else if ((n = utf8_seq(s)) > 0) {
			sb_addn(out, s, n);
			s += n;
			continue;
		} else
			sb_addc(out, '?');
		s++;
	}
}

static void text_at(struct sb *out, int x, int y, const char *anchor, const char *fill, const char *extra,
		    const char *text)
{
	sb_addf(out, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" fill=\"%s\"%s>", x, y, anchor, fill, extra);
	xml_text(out, text);
	sb_add(out, "</text>\n");
}

static int px(size_t chars)
{
	return (int)chars * CHAR_W;
}

static void segment(struct sb *out, const struct diagram_row *row, int y, int xl, int xr)
{
	const char *color = row->retrans ? RETRANS_COLOR : row->dir == '<' ? PEER_COLOR : KERNEL_COLOR;
	const char *marker = row->retrans ? "retrans" : row->dir == '<' ? "peer" : "kernel";
	int from = row->dir == '<' ? xl : xr, to = row->dir == '<' ? xr - 2 : xl + 2;
	sb_addf(out, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"%s\" stroke-width=\"2\"%s "
		     "marker-end=\"url(#head-%s)\"/>\n",
		from, y, to, y, color, row->retrans ? " stroke-dasharray=\"6 4\"" : "", marker);
	text_at(out, (xl + xr) / 2, y - 5, "middle", color, "", row->label);
	if (row->retrans)
		text_at(out, xr + 10, y + 4, "start", RETRANS_COLOR, " font-style=\"italic\"", "retransmission");
}

static void row_svg(struct sb *out, const struct diagram_row *row, int y, int xl, int xr)
{
	if (row->kind != DROW_STATE) {
		struct sb t = SB_INIT;
		sb_addf(&t, "%.3f", row->t);
		text_at(out, TIME_X + 50, y + 4, "end", "#666", "", sb_str(&t));
		sb_free(&t);
	}
	switch (row->kind) {
	case DROW_SEGMENT:
		segment(out, row, y, xl, xr);
		break;
	case DROW_STATE:
		if (row->peer)
			text_at(out, xl + 8, y + 4, "start", PEER_COLOR, " font-weight=\"bold\"", row->peer);
		if (row->kernel)
			text_at(out, xr + 8, y + 4, "start", KERNEL_COLOR, " font-weight=\"bold\"", row->kernel);
		break;
	case DROW_CALL:
		text_at(out, xr + 8, y + 4, "start", "#333", "", row->label);
		break;
	}
}

static void defs(struct sb *out)
{
	static const struct {
		const char *id, *color;
	} heads[] = {{"peer", PEER_COLOR}, {"kernel", KERNEL_COLOR}, {"retrans", RETRANS_COLOR}};
	sb_add(out, "<defs>\n");
	for (size_t i = 0; i < sizeof(heads) / sizeof(heads[0]); i++)
		sb_addf(out, "<marker id=\"head-%s\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"7\" "
			     "markerHeight=\"7\" orient=\"auto\"><path d=\"M0,0 L10,5 L0,10 z\" fill=\"%s\"/></marker>\n",
			heads[i].id, heads[i].color);
	sb_add(out, "</defs>\n");
}

void diagram_svg(const struct journal *j, struct sb *out)
{
	struct diagram_rows r;
	diagram_rows(j, &r);
	int span = MIN_SPAN_PX, notes = px(diagram_width(r.kernel_head)) / 2 + 20;
	for (size_t i = 0; i < r.n; i++) {
		const struct diagram_row *row = &r.v[i];
		if (row->kind == DROW_SEGMENT && px(diagram_width(row->label)) + 40 > span)
			span = px(diagram_width(row->label)) + 40;
		const char *note = row->kind == DROW_CALL ? row->label : row->kind == DROW_STATE ? row->kernel : NULL;
		if (row->retrans)
			note = "retransmission";
		if (note && px(diagram_width(note)) + 30 > notes)
			notes = px(diagram_width(note)) + 30;
	}
	int xl = LEFT_X + px(diagram_width(r.peer_head)) / 2, xr = xl + span;
	int width = xr + notes, height = TOP + (int)r.n * ROW_H + 20;
	sb_add(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_addf(out, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		     "font-family=\"DejaVu Sans Mono, Menlo, Consolas, monospace\" font-size=\"13\">\n",
		width, height, width, height);
	sb_add(out, "<title>TCP ladder diagram (tcpsh)</title>\n");
	defs(out);
	sb_addf(out, "<rect x=\"0\" y=\"0\" width=\"%d\" height=\"%d\" fill=\"white\"/>\n", width, height);
	text_at(out, TIME_X + 50, 24, "end", "#666", "", "time");
	text_at(out, xl, 24, "middle", PEER_COLOR, " font-weight=\"bold\"", r.peer_head);
	text_at(out, xr, 24, "middle", KERNEL_COLOR, " font-weight=\"bold\"", r.kernel_head);
	for (int k = 0; k < 2; k++)
		sb_addf(out, "<line x1=\"%d\" y1=\"34\" x2=\"%d\" y2=\"%d\" stroke=\"#444\" stroke-width=\"2\"/>\n",
			k ? xr : xl, k ? xr : xl, height - 10);
	for (size_t i = 0; i < r.n; i++)
		row_svg(out, &r.v[i], TOP + (int)i * ROW_H, xl, xr);
	sb_add(out, "</svg>\n");
	diagram_rows_free(&r);
}
