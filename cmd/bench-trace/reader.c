/*
 * reader.c - reads a PyTorch profiler trace as a stream and keeps only the
 * events the tables need.
 *
 * A trace is {"traceEvents": [EVENT, ...], ...} (kineto, torch.profiler)
 * or a bare [EVENT, ...] (the older autograd.profiler export), plain or
 * gzip.  The file is never held whole: a window slides over it (stream.c)
 * and each event is parsed in place, its wanted fields picked out as it
 * goes; an event that runs past the window is parsed again after a
 * refill.  Every syntax error is reported as "offset N: what", N counting
 * bytes of JSON text (after decompression).  Memory grows with the events
 * kept, not with the file.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "stream.h"
#include "timeutil.h"

struct rawev {
	struct jstr ph, cat, name, sid, spid, stid;
	int has_ph, has_cat, has_name, has_ts, has_dur, has_id;
	int pid_str, tid_str, id_str, has_pid, has_tid;
	double ts, dur;
	int64_t pid, tid, id;
	/* args */
	int64_t corr, extid, stream, seq, in_n, out_n, gsize;
	unsigned flags;		/* EV_CORR ... */
	int has_in_n, has_out_n, has_gsize;
	struct jstr aname, alabels, coll, pg, dtype;
	size_t dims[2], types[2], strides[2], concrete[2];	/* in scratch */
};


/*
 * Steps to the next member of the object j is in, leaving j->p at its
 * value: 1 with the key in *k, 0 at the closing '}' (consumed), -1 on a
 * syntax error.  *first is 1 before the first member; where names the
 * object in messages.
 */
static int
next_member(struct jp *j, int *first, struct jstr *k, const char *where)
{
	jp_ws(j);
	if (jp_cur(j) == '}') {
		j->p++;
		return 0;
	}
	if (!*first) {
		if (jp_cur(j) != ',')
			return jp_fail(j, j->p, "expected ',' or '}' in %s, "
			    "found %s", where, show(jp_cur(j)));
		j->p++;
		jp_ws(j);
	}
	*first = 0;
	if (jp_cur(j) != '"')
		return jp_fail(j, j->p, "expected a key string, found %s",
		    show(jp_cur(j)));
	if (jp_string(j, k) < 0)
		return -1;
	jp_ws(j);
	if (jp_cur(j) != ':')
		return jp_fail(j, j->p, "expected ':' after a key, found %s",
		    show(jp_cur(j)));
	j->p++;
	jp_ws(j);
	return 1;
}

/* Reads an event's args object, keeping the fields the tables use. */
static int
parse_args(struct jp *j, struct rawev *r)
{
	int first = 1, ok, rc;
	struct jstr k;

	if (jp_cur(j) != '{')
		return jp_value(j, NULL, 1);
	j->p++;
	for (;;) {
		rc = next_member(j, &first, &k, "args");
		if (rc <= 0)
			return rc;
		if (key_is(&k, "External id")) {
			if (jp_int(j, &r->extid, &ok) < 0)
				return -1;
			r->flags |= ok ? EV_EXTID : 0;
		} else if (key_is(&k, "correlation")) {
			if (jp_int(j, &r->corr, &ok) < 0)
				return -1;
			r->flags |= ok ? EV_CORR : 0;
		} else if (key_is(&k, "stream")) {
			if (jp_int(j, &r->stream, &ok) < 0)
				return -1;
			r->flags |= ok ? EV_STREAM : 0;
		} else if (key_is(&k, "Sequence number")) {
			if (jp_int(j, &r->seq, &ok) < 0)
				return -1;
			r->flags |= ok ? EV_SEQ : 0;
		} else if (key_is(&k, "Input Dims")) {
			if (jp_canon_arg(j, r->dims) < 0)
				return -1;
		} else if (key_is(&k, "Input type")) {
			if (jp_canon_arg(j, r->types) < 0)
				return -1;
		} else if (key_is(&k, "Input Strides")) {
			if (jp_canon_arg(j, r->strides) < 0)
				return -1;
		} else if (key_is(&k, "Concrete Inputs")) {
			if (jp_canon_arg(j, r->concrete) < 0)
				return -1;
		} else if ((key_is(&k, "name") || key_is(&k, "labels") ||
		    key_is(&k, "Collective name") ||
		    key_is(&k, "Process Group Name") || key_is(&k, "dtype")) &&
		    jp_cur(j) == '"') {
			struct jstr *dst = key_is(&k, "name") ? &r->aname :
			    key_is(&k, "labels") ? &r->alabels :
			    key_is(&k, "dtype") ? &r->dtype :
			    key_is(&k, "Collective name") ? &r->coll : &r->pg;

			if (jp_string(j, dst) < 0)
				return -1;
		} else if (key_is(&k, "In msg nelems")) {
			if (jp_int(j, &r->in_n, &r->has_in_n) < 0)
				return -1;
		} else if (key_is(&k, "Out msg nelems")) {
			if (jp_int(j, &r->out_n, &r->has_out_n) < 0)
				return -1;
		} else if (key_is(&k, "Group size")) {
			if (jp_int(j, &r->gsize, &r->has_gsize) < 0)
				return -1;
		} else if (jp_value(j, NULL, 1) < 0) {
			return -1;
		}
	}
}

/* Reads one event object, j->p at its '{'. */
static int
parse_event(struct jp *j, struct rawev *r)
{
	int first = 1, rc;
	struct jstr k;

	j->p++;		/* '{' */
	for (;;) {
		rc = next_member(j, &first, &k, "an event");
		if (rc <= 0)
			return rc;
		if (k.len == 2 && k.p[0] == 'p' && k.p[1] == 'h' &&
		    jp_cur(j) == '"') {
			if (jp_string(j, &r->ph) < 0)
				return -1;
			r->has_ph = 1;
		} else if (key_is(&k, "cat") && jp_cur(j) == '"') {
			if (jp_string(j, &r->cat) < 0)
				return -1;
			r->has_cat = 1;
		} else if (key_is(&k, "name") && jp_cur(j) == '"') {
			if (jp_string(j, &r->name) < 0)
				return -1;
			r->has_name = 1;
		} else if (key_is(&k, "ts")) {
			if (jp_num(j, &r->ts, &r->has_ts) < 0)
				return -1;
		} else if (key_is(&k, "dur")) {
			if (jp_num(j, &r->dur, &r->has_dur) < 0)
				return -1;
		} else if (key_is(&k, "pid")) {
			if (jp_id(j, &r->pid, &r->pid_str, &r->spid) < 0)
				return -1;
			r->has_pid = r->pid_str != 2;
		} else if (key_is(&k, "tid")) {
			if (jp_id(j, &r->tid, &r->tid_str, &r->stid) < 0)
				return -1;
			r->has_tid = r->tid_str != 2;
		} else if (key_is(&k, "id")) {
			if (jp_id(j, &r->id, &r->id_str, &r->sid) < 0)
				return -1;
			r->has_id = r->id_str != 2;
		} else if (key_is(&k, "args")) {
			if (parse_args(j, r) < 0)
				return -1;
		} else if (jp_value(j, NULL, 1) < 0) {
			return -1;
		}
	}
}

/* ---- turning parsed events into kept ones ---- */

struct reader {
	struct trace *t;
	struct src s;
	struct bp_buf scratch, tmp;
	int started;		/* inside the events array */
};

static int64_t
id_of(struct reader *rd, int isstr, int64_t v, const struct jstr *s)
{
	if (isstr == 1)
		return -1 - (int64_t)intern_jstr(&rd->t->s, s, &rd->tmp);
	return v;
}

static int
cat_code(const struct jstr *c)
{
	static const struct {
		const char *name;
		int code;
	} tab[] = {
		{ "cpu_op", C_CPU_OP }, { "cuda_runtime", C_RUNTIME },
		{ "cuda_driver", C_DRIVER }, { "kernel", C_KERNEL },
		{ "gpu_memcpy", C_MEMCPY }, { "gpu_memset", C_MEMSET },
		{ "user_annotation", C_USER_ANN },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (key_is(c, tab[i].name))
			return tab[i].code;
	return C_NONE;
}

static uint32_t
scratch_id(struct reader *rd, const size_t span[2])
{
	if (span[1] <= span[0])
		return 0;
	return str_intern(&rd->t->s, rd->scratch.p + span[0],
	    span[1] - span[0]);
}

static void
keep_event(struct reader *rd, struct rawev *r, int cat, uint64_t uid)
{
	struct trace *t = rd->t;
	struct ev *e;

	if (t->nev == t->evcap) {
		t->evcap = t->evcap ? t->evcap * 2 : 4096;
		t->ev = bp_xrealloc(t->ev, t->evcap * sizeof *t->ev);
	}
	e = &t->ev[t->nev];
	memset(e, 0, sizeof *e);
	e->ts = r->ts;
	e->dur = r->has_dur ? r->dur : 0;
	e->end = e->ts + e->dur;
	e->pid = id_of(rd, r->pid_str, r->pid, &r->spid);
	e->tid = id_of(rd, r->tid_str, r->tid, &r->stid);
	e->corr = r->corr;
	e->extid = r->extid;
	e->stream = r->stream;
	e->seq = r->seq;
	e->flags = r->flags;
	e->uid = (uint32_t)uid;
	e->name = r->has_name ? intern_jstr(&t->s, &r->name, &rd->tmp) : 0;
	e->parent = -1;
	e->cat = cat;
	if (cat == C_CPU_OP) {
		e->dims = scratch_id(rd, r->dims);
		e->types = scratch_id(rd, r->types);
		e->strides = scratch_id(rd, r->strides);
		e->concrete = scratch_id(rd, r->concrete);
	}
	if ((cat == C_CPU_OP || cat == C_KERNEL) && (r->coll.p ||
	    r->has_in_n)) {
		struct collarg *c;

		if (t->ncoll == t->collcap) {
			t->collcap = t->collcap ? t->collcap * 2 : 64;
			t->coll = bp_xrealloc(t->coll,
			    t->collcap * sizeof *t->coll);
		}
		c = &t->coll[t->ncoll++];
		c->ev = (int32_t)t->nev;
		c->coll = r->coll.p ? intern_jstr(&t->s, &r->coll, &rd->tmp) : 0;
		c->pg = r->pg.p ? intern_jstr(&t->s, &r->pg, &rd->tmp) : 0;
		c->dtype = r->dtype.p ? intern_jstr(&t->s, &r->dtype,
		    &rd->tmp) : 0;
		c->in_nelems = r->has_in_n ? r->in_n : -1;
		c->out_nelems = r->has_out_n ? r->out_n : -1;
		c->group_size = r->has_gsize ? r->gsize : -1;
	}
	t->nev++;
}

static void
take_event(struct reader *rd, struct rawev *r, uint64_t uid)
{
	struct trace *t = rd->t;
	char ph = r->has_ph && r->ph.len == 1 ? r->ph.p[0] : 0;
	int cat;

	if (!r->has_ph) {
		t->nunknown++;
		return;
	}
	if (ph == 'M') {
		int64_t pid = id_of(rd, r->pid_str, r->pid, &r->spid);
		/* TraceLens files metadata under the tid given; without one
		 * it is found by no event */
		int64_t tid = r->has_tid ?
		    id_of(rd, r->tid_str, r->tid, &r->stid) : INT64_MAX;

		t->nmeta++;
		if (!r->has_name)
			return;
		if (key_is(&r->name, "process_name") && r->aname.p)
			imap_put(&t->pname, pid, tid, 0,
			    intern_jstr(&t->s, &r->aname, &rd->tmp));
		else if (key_is(&r->name, "process_labels") && r->alabels.p)
			imap_put(&t->plabel, pid, tid, 0,
			    intern_jstr(&t->s, &r->alabels, &rd->tmp));
		else if (key_is(&r->name, "thread_name") && r->aname.p)
			imap_put(&t->tname, pid, tid, 0,
			    intern_jstr(&t->s, &r->aname, &rd->tmp));
		return;
	}
	if (ph == 's' || ph == 'f') {
		if (!r->has_cat || !key_is(&r->cat, "ac2g") || !r->has_id) {
			t->nother++;
			return;
		}
		int64_t id = id_of(rd, r->id_str, r->id, &r->sid);

		int64_t *v = imap_get(&t->flow, id, 0, 0), cur;

		t->nflow++;
		cur = v ? *v : FLOW_NOEND;
		if (ph == 's') {
			cur |= FLOW_START;
		} else {
			if (t->nflow_end + 2 > t->flow_endcap) {
				t->flow_endcap = t->flow_endcap ?
				    t->flow_endcap * 2 : 1024;
				t->flow_end = bp_xrealloc(t->flow_end,
				    t->flow_endcap * sizeof *t->flow_end);
			}
			t->flow_end[t->nflow_end] =
			    id_of(rd, r->pid_str, r->pid, &r->spid);
			t->flow_end[t->nflow_end + 1] =
			    id_of(rd, r->tid_str, r->tid, &r->stid);
			cur = (cur & FLOW_START) | (int64_t)(t->nflow_end / 2);
			t->nflow_end += 2;
		}
		if (v)
			*v = cur;
		else
			imap_put(&t->flow, id, 0, 0, cur);
		return;
	}
	if (ph != 'X') {
		t->nother++;
		return;
	}
	if (!r->has_cat) {
		/* autograd.profiler's export: no categories; the pid says
		 * where an event ran. */
		if (r->pid_str == 1 && (memmem(r->spid.p, r->spid.len, "CUDA",
		    4) || memmem(r->spid.p, r->spid.len, "GPU", 3)))
			cat = C_KERNEL;
		else
			cat = C_CPU_OP;
		t->legacy = 1;
	} else {
		cat = cat_code(&r->cat);
		if (cat == C_NONE) {
			if (key_is(&r->cat, "python_function"))
				t->npython++;
			else if (key_is(&r->cat, "Trace") ||
			    key_is(&r->cat, "gpu_user_annotation") ||
			    key_is(&r->cat, "cpu_instant_event") ||
			    key_is(&r->cat, "python_function") ||
			    key_is(&r->cat, "overhead") ||
			    key_is(&r->cat, "cuda_profiler_range") ||
			    key_is(&r->cat, "Runtime") ||
			    key_is(&r->cat, "Driver"))
				t->nother++;
			else
				t->nunknown++;
			return;
		}
	}
	if (!r->has_ts) {
		t->nunknown++;
		return;
	}
	t->ncat[cat]++;
	keep_event(rd, r, cat, uid);
}

static int
expect_char(struct src *s, int want, const char *what)
{
	int c = src_peek(s);

	if (c == -2)
		return -1;
	if (c != want)
		return src_fail(s, s->base + s->pos, "expected %s, found %s",
		    what, c == -1 ? "end of input (truncated trace?)" : show(c));
	s->pos++;
	return 0;
}

/* Parses the value at s->pos into its scan span: jp ready to read it. */
static int
span_begin(struct reader *rd, struct jp *j)
{
	size_t end;

	if (scan_value(&rd->s, &end) < 0)
		return -1;
	j->start = j->p = rd->s.buf + rd->s.pos;
	j->e = rd->s.buf + end;
	j->off0 = rd->s.base + rd->s.pos;
	j->s = &rd->s;
	j->scratch = &rd->scratch;
	j->strs = &rd->t->s;
	j->starve_ok = j->starved = j->event = 0;
	return 0;
}

static int
span_end(struct reader *rd, struct jp *j)
{
	if (j->p != j->e)
		return jp_fail(j, j->p, "unexpected %s after a value",
		    show(jp_cur(j)));
	rd->s.pos = j->e - rd->s.buf;
	return 0;
}

/*
 * Before the next member of an array or object that ends with close, c
 * the character at hand: 1 past its end, 0 with c the member's first
 * character, -1 on an error (reported).
 */
static int
src_next(struct src *s, int close, int first, const char *where, int *c)
{
	if (*c == close) {
		s->pos++;
		return 1;
	}
	if (first)
		return 0;
	if (*c != ',') {
		src_fail(s, s->base + s->pos, "expected ',' or '%c' %s, found %s",
		    close, where, *c == -1 ? "end of input (truncated trace?)" :
		    show(*c));
		return -1;
	}
	s->pos++;
	*c = src_peek(s);
	return *c == -2 ? -1 : 0;
}

static int
read_events(struct reader *rd)
{
	struct src *s = &rd->s;
	int c, first = 1, sep;
	uint64_t uid = 0;
	struct rawev r;
	struct jp j;

	rd->started = 1;
	for (;;) {
		c = src_peek(s);
		if (c == -2)
			return -1;
		if ((sep = src_next(s, ']', first, "after an event",
		    &c)) != 0)
			return sep > 0 ? 0 : -1;
		first = 0;
		if (c == -1)
			return src_fail(s, s->base + s->pos,
			    "unexpected end of input in traceEvents "
			    "(truncated trace?)");
		if (c != '{')
			return src_fail(s, s->base + s->pos, "expected an event "
			    "object, found %s", show(c));
		/* parse in place; an event that runs past the window is read
		 * again after a refill (rare: the window is megabytes) */
		for (;;) {
			j.start = j.p = s->buf + s->pos;
			j.e = s->buf + s->len;
			j.off0 = s->base + s->pos;
			j.s = s;
			j.scratch = &rd->scratch;
			j.strs = &rd->t->s;
			j.starve_ok = !s->eof;
			j.starved = 0;
			j.event = 1;
			memset(&r, 0, sizeof r);
			bp_buf_reset(&rd->scratch);
			if (parse_event(&j, &r) == 0)
				break;
			if (!j.starved)
				return -1;
			if (src_fill(s, s->pos) < 0)
				return -1;
		}
		s->pos = j.p - s->buf;
		take_event(rd, &r, uid);
		rd->t->nevents = ++uid;
	}
}

/* Reads top-level members we care about besides traceEvents. */
static void
take_member(struct reader *rd, const struct jstr *key, const char *p,
    size_t len)
{
	struct trace *t = rd->t;
	cJSON *v;

	if (!key_is(key, "distributedInfo") && !key_is(key, "deviceProperties"))
		return;
	v = cJSON_ParseWithLength(p, len);
	if (!v)
		return;
	if (key_is(key, "distributedInfo")) {
		const cJSON *r = cJSON_GetObjectItem(v, "rank");
		const cJSON *w = cJSON_GetObjectItem(v, "world_size");

		if (cJSON_IsNumber(r)) {
			t->rank = r->valueint;
			t->rank_src = 2;
		}
		if (cJSON_IsNumber(w))
			t->world_size = w->valueint;
	} else {
		const cJSON *d = cJSON_GetArrayItem(v, 0);
		const char *name = cJSON_GetStringValue(
		    cJSON_GetObjectItem(d, "name"));

		if (name)
			snprintf(t->device, sizeof t->device, "%s", name);
	}
	cJSON_Delete(v);
}

static int
read_top(struct reader *rd)
{
	struct src *s = &rd->s;
	int c = src_peek(s), first = 1, seen = 0, sep;
	struct jstr key;
	struct jp j;
	char keybuf[64];

	if (c == -2)
		return -1;
	if (c == -1)
		return src_fail(s, s->base + s->pos, "empty file, not a trace");
	if (c == '[') {
		s->pos++;
		rd->t->legacy = 1;
		if (read_events(rd) < 0)
			return -1;
		goto tail;
	}
	if (c != '{')
		return src_fail(s, s->base + s->pos, "not a JSON trace: expected "
		    "'{' or '[', found %s", show(c));
	s->pos++;
	for (;;) {
		c = src_peek(s);
		if (c == -2)
			return -1;
		if ((sep = src_next(s, '}', first, "at the top level",
		    &c)) < 0)
			return -1;
		if (sep)
			break;
		first = 0;
		if (c != '"')
			return src_fail(s, s->base + s->pos, "expected a key "
			    "string at the top level, found %s", c == -1 ?
			    "end of input (truncated trace?)" : show(c));
		if (span_begin(rd, &j) < 0 || jp_string(&j, &key) < 0 ||
		    span_end(rd, &j) < 0)
			return -1;
		snprintf(keybuf, sizeof keybuf, "%.*s",
		    (int)(key.len < 60 ? key.len : 60), key.p);
		key.p = keybuf;
		key.len = strlen(keybuf);
		if (expect_char(s, ':', "':' after a key") < 0)
			return -1;
		c = src_peek(s);
		if (c == -2)
			return -1;
		if (c == -1)
			return src_fail(s, s->base + s->pos, "unexpected end of "
			    "input (truncated trace?)");
		if (key_is(&key, "traceEvents")) {
			if (c != '[')
				return src_fail(s, s->base + s->pos,
				    "traceEvents is not an array");
			s->pos++;
			if (read_events(rd) < 0)
				return -1;
			seen = 1;
			continue;
		}
		if (span_begin(rd, &j) < 0 || jp_value(&j, NULL, 1) < 0)
			return -1;
		take_member(rd, &key, j.start, j.e - j.start);
		if (span_end(rd, &j) < 0)
			return -1;
	}
	if (!seen)
		return src_fail(s, s->base + s->pos, "no \"traceEvents\" array: "
		    "not a PyTorch profiler trace");
tail:
	c = src_peek(s);
	if (c == -2)
		return -1;
	if (c != -1)
		return src_fail(s, s->base + s->pos, "unexpected %s after the "
		    "trace", show(c));
	return 0;
}

int
trace_read(struct trace *t, const char *path, int lenient, char *err,
    size_t errlen)
{
	struct reader rd;
	uint64_t t0 = bp_mono_ns();
	int fd, rc;

	stream_init();
	memset(&rd, 0, sizeof rd);
	rd.t = t;
	t->path = path;
	t->world_size = -1;
	err[0] = '\0';
	rd.s.err = err;
	rd.s.errlen = errlen;
	if (strcmp(path, "-") == 0)
		fd = dup(0);
	else
		fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		snprintf(err, errlen, "%s", strerror(errno));
		return -2;
	}
	rd.s.gz = gzdopen(fd, "rb");
	if (!rd.s.gz) {
		close(fd);
		snprintf(err, errlen, "%s", strerror(ENOMEM));
		return -2;
	}
	gzbuffer(rd.s.gz, 1 << 18);
	rd.s.cap = 1 << 22;
	rd.s.buf = bp_xmalloc(rd.s.cap + 1);
	str_intern(&t->s, "", 0);
	rc = read_top(&rd);
	t->bytes = rd.s.base + rd.s.pos;
	/* --lenient keeps what a trace held before it broke off; input that
	 * never was a trace stays an error */
	if (rc < 0 && lenient && rd.started)
		t->lenient_stop = 1;
	gzclose(rd.s.gz);
	free(rd.s.buf);
	bp_buf_free(&rd.scratch);
	bp_buf_free(&rd.tmp);
	t->read_s = (bp_mono_ns() - t0) / 1e9;
	if (rc < 0)
		return t->lenient_stop ? -1 : -2;
	return 0;
}

void
trace_free(struct trace *t)
{
	str_free(&t->s);
	free(t->ev);
	imap_free(&t->flow);
	free(t->flow_end);
	imap_free(&t->pname);
	imap_free(&t->plabel);
	imap_free(&t->tname);
	free(t->coll);
	free(t->kid);
	free(t->kid0);
	for (size_t i = 0; i < t->nlau; i++)
		free(t->lau[i].k);
	free(t->lau);
	free(t->lau_of);
	memset(t, 0, sizeof *t);
}
