/*
 * svg.c - gnuplot's SVG made fit to inline in a page (see svg_inline).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fmt.h"

/* Copies a tag, giving every id and reference to one the prefix. */
static void
prefix_ids(struct bp_buf *b, const char *tag, size_t len, const char *pre)
{
	static const char *const refs[] = { "id='", "id=\"", "href='#",
	    "href=\"#", "url(#" };
	size_t i, j, n;

	for (i = 0; i < len; i++) {
		for (j = 0; j < sizeof refs / sizeof refs[0]; j++) {
			n = strlen(refs[j]);
			if (len - i >= n && memcmp(tag + i, refs[j], n) == 0)
				break;
		}
		if (j < sizeof refs / sizeof refs[0]) {
			bp_buf_add(b, tag + i, n);
			bp_buf_adds(b, pre);
			i += n - 1;
		} else {
			bp_buf_addc(b, tag[i]);
		}
	}
}

/*
 * gnuplot's SVG made fit to inline: the XML prologue, the fixed size and
 * gnuplot's own title and description go; the svg element gets a role, a
 * label and a class; ids get a per-chart prefix so that charts never share
 * one.  Only tags are rewritten; text between them is copied as gnuplot
 * escaped it.
 */
char *
svg_inline(const struct bp_buf *svg, size_t n)
{
	const char *p = svg->p ? strstr(svg->p, "<svg") : NULL;
	const char *end = svg->p + svg->len, *gt;
	struct bp_buf b = { 0 }, pre = { 0 };
	int first = 1;

	if (!p)
		return NULL;
	bp_buf_addf(&pre, "c%zu-", n);
	while (p < end) {
		if (*p != '<') {
			const char *lt = memchr(p, '<', end - p);

			lt = lt ? lt : end;
			bp_buf_add(&b, p, lt - p);
			p = lt;
			continue;
		}
		gt = memchr(p, '>', end - p);
		if (!gt)
			break;
		if (first) {
			const char *vb = strstr(p, "viewBox=\"");

			bp_buf_addf(&b, "<svg xmlns=\"http://www.w3.org/2000/svg\" "
			    "xmlns:xlink=\"http://www.w3.org/1999/xlink\" "
			    "role=\"img\" aria-labelledby=\"chart-%zu\"", n);
			if (vb && vb < gt) {
				const char *q = strchr(vb + 9, '"');
				double x, y, w;

				bp_buf_add(&b, " ", 1);
				bp_buf_add(&b, vb, q - vb + 1);
				/* never wider than drawn: text keeps its size */
				if (sscanf(vb + 9, "%lf %lf %lf", &x, &y, &w) == 3)
					bp_buf_addf(&b, " style=\"max-width:%.0fpx\"",
					    w);
			}
			bp_buf_adds(&b, ">");
			first = 0;
		} else if (strncmp(p, "<title>", 7) == 0) {
			const char *close = strstr(p, "</title>");

			if (close && close < end) {
				gt = close + 7;
				if (strncmp(close - 7, "Gnuplot", 7) == 0) {
					p = gt + 1;
					continue;
				}
			}
			bp_buf_add(&b, p, gt - p + 1);
		} else if (strncmp(p, "<desc>", 6) == 0) {
			const char *close = strstr(p, "</desc>");

			if (close && close < end)
				gt = close + 6;
		} else {
			prefix_ids(&b, p, gt - p + 1, pre.p);
		}
		p = gt + 1;
	}
	bp_buf_free(&pre);
	return bp_buf_detach(&b);
}
