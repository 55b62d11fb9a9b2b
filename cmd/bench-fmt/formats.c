/*
 * formats.c - the table of output formats: one file each.
 */
#include <string.h>

#include "fmt.h"

extern const struct format fmt_md, fmt_html, fmt_csv, fmt_tsv, fmt_json,
    fmt_text, fmt_gnuplot, fmt_xlsx;

const struct format *const formats[] = {
	&fmt_md,
	&fmt_html,
	&fmt_csv,
	&fmt_tsv,
	&fmt_json,
	&fmt_text,
	&fmt_gnuplot,
	&fmt_xlsx,
	NULL,
};

const struct format *
format_find(const char *name)
{
	size_t i;

	for (i = 0; formats[i]; i++)
		if (strcmp(formats[i]->name, name) == 0)
			return formats[i];
	return NULL;
}
