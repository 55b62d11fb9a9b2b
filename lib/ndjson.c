/*
 * ndjson.c - records in, records out.
 *
 * Input lines are checked before cJSON sees them (NUL bytes, UTF-8,
 * nesting depth) so every refusal can say precisely what is wrong and
 * where.  Output records are built in one buffer and written with one
 * write(2): appenders sharing a file with O_APPEND never interleave.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "die.h"
#include "json.h"
#include "ndjson.h"

void
bp_in_init(struct bp_in *in, char **names, int n, int lenient)
{
	static char *dash[] = { "-" };

	memset(in, 0, sizeof *in);
	in->names = n > 0 ? names : dash;
	in->nnames = n > 0 ? n : 1;
	in->idx = -1;
	in->lenient = lenient;
}

static int
open_next(struct bp_in *in)
{
	const char *path;

	if (in->fp && in->fp != stdin)
		fclose(in->fp);
	in->fp = NULL;
	if (++in->idx >= in->nnames)
		return BP_IN_EOF;
	path = in->names[in->idx];
	in->lineno = 0;
	if (strcmp(path, "-") == 0) {
		in->fp = stdin;
		in->name = "-";
		return BP_IN_OK;
	}
	in->name = path;
	in->fp = fopen(path, "r");
	if (!in->fp) {
		snprintf(in->err, sizeof in->err, "%s: %s", path,
		    strerror(errno));
		return BP_IN_IOERR;
	}
	return BP_IN_OK;
}

int
bp_in_next_line(struct bp_in *in)
{
	ssize_t n;
	int rc;

	for (;;) {
		if (!in->fp) {
			rc = open_next(in);
			if (rc != BP_IN_OK)
				return rc;
		}
		errno = 0;
		n = getline(&in->line, &in->cap, in->fp);
		if (n < 0) {
			if (ferror(in->fp)) {
				snprintf(in->err, sizeof in->err, "%s: %s",
				    in->name, strerror(errno ? errno : EIO));
				clearerr(in->fp);
				return BP_IN_IOERR;
			}
			rc = open_next(in);
			if (rc != BP_IN_OK)
				return rc;
			continue;
		}
		in->lineno++;
		if (n > 0 && in->line[n - 1] == '\n')
			n--;
		if (n > 0 && in->line[n - 1] == '\r')
			n--;
		in->line[n] = '\0';
		in->len = n;
		while (n > 0 && isspace((unsigned char)in->line[n - 1]))
			n--;
		if (n > 0)
			return BP_IN_OK;
	}
}

/* Copies a printable excerpt of s[from..to) into out. */
static void
excerpt(char *out, size_t outlen, const char *s, size_t from, size_t to)
{
	size_t i, o = 0;

	for (i = from; i < to && o + 5 < outlen; i++) {
		unsigned char c = s[i];

		if (c >= 0x20 && c < 0x7f && c != '\'')
			out[o++] = c;
		else
			o += snprintf(out + o, outlen - o, "\\x%02x", c);
	}
	out[o] = '\0';
}

static void
fail_at(char *err, size_t errlen, const char *line, size_t len, size_t pos,
    const char *fmt, const char *what)
{
	char near[80], reason[128];
	size_t from = pos > 20 ? pos - 20 : 0;
	size_t to = pos + 20 < len ? pos + 20 : len;

	snprintf(reason, sizeof reason, fmt, what, (unsigned long)pos + 1);
	excerpt(near, sizeof near, line, from, to);
	snprintf(err, errlen, "invalid JSON: %s near '%s'", reason, near);
}

/* Length of the UTF-8 sequence at s (0 when invalid). */
static size_t
utf8_len(const unsigned char *s, size_t avail)
{
	size_t n, i;
	unsigned cp;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf)
		n = 2, cp = s[0] & 0x1f;
	else if (s[0] >= 0xe0 && s[0] <= 0xef)
		n = 3, cp = s[0] & 0x0f;
	else if (s[0] >= 0xf0 && s[0] <= 0xf4)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	if (n > avail)
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	if ((n == 3 && cp < 0x800) || (n == 4 && (cp < 0x10000 ||
	    cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * The checks cJSON does not make, each with its own message.  Sets
 * *open when the line ends inside a string, object or array: a truncated
 * record, whatever cJSON then says.
 */
static int
prescan(const char *line, size_t len, char *err, size_t errlen, int *open)
{
	const unsigned char *u = (const unsigned char *)line;
	size_t i = 0, n;
	int depth = 0, instr = 0;

	while (i < len) {
		unsigned char c = u[i];

		if (c == 0) {
			fail_at(err, errlen, line, len, i,
			    "%sNUL byte at column %lu", "");
			return -1;
		}
		if (c >= 0x80) {
			n = utf8_len(u + i, len - i);
			if (!n) {
				fail_at(err, errlen, line, len, i,
				    "%sinvalid UTF-8 at column %lu", "");
				return -1;
			}
			i += n;
			continue;
		}
		if (instr) {
			if (c < 0x20) {
				fail_at(err, errlen, line, len, i,
				    "%scontrol character in a string at column %lu",
				    "");
				return -1;
			}
			if (c == '\\')
				i++;
			else if (c == '"')
				instr = 0;
		} else if (c == '"') {
			instr = 1;
		} else if (c == '{' || c == '[') {
			if (++depth > BP_JSON_MAX_DEPTH) {
				fail_at(err, errlen, line, len, i,
				    "%snesting deeper than 512 levels at column %lu",
				    "");
				return -1;
			}
		} else if (c == '}' || c == ']') {
			depth--;
		}
		i++;
	}
	*open = instr || depth > 0;
	return 0;
}

cJSON *
bp_rec_parse(const char *line, size_t len, char *err, size_t errlen)
{
	const char *end = NULL;
	const cJSON *kind;
	cJSON *rec;
	size_t pos;
	char what[16];
	int open;

	if (prescan(line, len, err, errlen, &open) < 0)
		return NULL;
	/* len + 1: cJSON wants to see the terminating NUL */
	rec = cJSON_ParseWithLengthOpts(line, len + 1, &end, 1);
	if (!rec) {
		pos = end && end >= line ? (size_t)(end - line) : 0;
		while (pos < len && isspace((unsigned char)line[pos]))
			pos++;
		if (pos >= len || open) {
			fail_at(err, errlen, line, len, len,
			    "%sunexpected end of input at column %lu", "");
		} else {
			unsigned char c = line[pos];

			if (c >= 0x20 && c < 0x7f)
				snprintf(what, sizeof what, "'%c'", c);
			else
				snprintf(what, sizeof what, "byte 0x%02x", c);
			fail_at(err, errlen, line, len, pos,
			    "unexpected %s at column %lu", what);
		}
		return NULL;
	}
	if (!cJSON_IsObject(rec)) {
		snprintf(err, errlen, "not a record: a JSON %s, not an object",
		    cJSON_IsArray(rec) ? "array" : cJSON_IsString(rec) ?
		    "string" : cJSON_IsNumber(rec) ? "number" : "literal");
		cJSON_Delete(rec);
		return NULL;
	}
	kind = cJSON_GetObjectItemCaseSensitive(rec, "kind");
	if (!cJSON_IsString(kind) || !kind->valuestring[0]) {
		snprintf(err, errlen, "not a record: %s",
		    kind ? "\"kind\" is not a non-empty string" :
		    "no \"kind\" field");
		cJSON_Delete(rec);
		return NULL;
	}
	return rec;
}

int
bp_in_next(struct bp_in *in, cJSON **rec)
{
	char why[400];
	int rc = bp_in_next_line(in);

	*rec = NULL;
	if (rc != BP_IN_OK)
		return rc;
	*rec = bp_rec_parse(in->line, in->len, why, sizeof why);
	if (!*rec) {
		snprintf(in->err, sizeof in->err, "%s:%lu: %s", in->name,
		    in->lineno, why);
		return BP_IN_INVALID;
	}
	return BP_IN_OK;
}

cJSON *
bp_in_rec(struct bp_in *in)
{
	cJSON *rec;

	for (;;) {
		switch (bp_in_next(in, &rec)) {
		case BP_IN_OK:
			return rec;
		case BP_IN_EOF:
			return NULL;
		case BP_IN_IOERR:
			bp_die("%s", in->err);
		case BP_IN_INVALID:
			if (!in->lenient)
				bp_die("%s", in->err);
			in->skipped++;
			break;
		}
	}
}

void
bp_in_close(struct bp_in *in)
{
	if (in->fp && in->fp != stdin)
		fclose(in->fp);
	in->fp = NULL;
	free(in->line);
	in->line = NULL;
	in->cap = in->len = 0;
	if (in->skipped)
		bp_warn("skipped %lu invalid line%s", in->skipped,
		    in->skipped == 1 ? "" : "s");
	in->skipped = 0;
}

int
bp_write_all(int fd, const void *data, size_t len)
{
	const char *p = data;
	ssize_t n;

	while (len > 0) {
		n = write(fd, p, len);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += n;
		len -= n;
	}
	return 0;
}

int
bp_out_open(struct bp_out *out, const char *path)
{
	memset(out, 0, sizeof *out);
	if (!path || strcmp(path, "-") == 0) {
		out->fd = STDOUT_FILENO;
		out->name = "-";
		return 0;
	}
	out->fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0666);
	if (out->fd < 0)
		return -1;
	out->name = path;
	out->owned = 1;
	return 0;
}

int
bp_out_rec(struct bp_out *out, const cJSON *rec)
{
	const char *where = NULL;
	int bad;

	bp_buf_reset(&out->buf);
	bad = bp_json_write(&out->buf, rec, 0, &where);
	if (bad) {
		if (out->nonfinite < 10)
			bp_warn("%s: non-finite number in \"%s\" written as null",
			    out->name, where ? where : "?");
		out->nonfinite += bad;
	}
	bp_buf_addc(&out->buf, '\n');
	return bp_write_all(out->fd, out->buf.p, out->buf.len);
}

int
bp_out_line(struct bp_out *out, const char *line, size_t len)
{
	bp_buf_reset(&out->buf);
	bp_buf_add(&out->buf, line, len);
	bp_buf_addc(&out->buf, '\n');
	return bp_write_all(out->fd, out->buf.p, out->buf.len);
}

int
bp_out_close(struct bp_out *out)
{
	int rc = 0;

	bp_buf_free(&out->buf);
	if (out->owned) {
		rc = close(out->fd);
	} else if (out->fd == STDOUT_FILENO) {
		/* stdio may hold data of its own; a full disk shows here */
		if (fflush(stdout) != 0 || ferror(stdout))
			rc = -1;
	}
	out->owned = 0;
	return rc;
}
