/*
 * multirank.c - collectives and the ranks of one job.
 *
 * Per trace, trace_collective: the NCCL/RCCL kernels by collective, with
 * their time and the part of it not hidden under computation (exposed).
 * Across the traces of a job: trace_rank (each rank's timeline side by
 * side), trace_straggler_step (per step, the slowest rank),
 * trace_collective_sync (each collective matched across ranks, TraceLens
 * NcclAnalyser's implicit-sync table: arrival skew, wait per rank,
 * bandwidth) and trace_straggler (per rank: how long it waited, how often
 * it arrived last).
 *
 * A collective's name comes from the kernel's args ("Collective name"),
 * else from its record_param_comms op, else from an enclosing "nccl:NAME"
 * annotation, else from the kernel name (ncclKernel_AllReduce_... is
 * allreduce); PyTorch's all_reduce and reduce_scatter count as
 * TraceLens's allreduce and reducescatter.  Collectives are matched across
 * ranks by process group and order within it, or by order alone when no
 * rank names its groups and each rank runs them on one stream.
 */
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "buf.h"
#include "trace.h"

struct coll {
	char name[48];		/* collective name as given or inferred */
	char pg[64];		/* process group, "" unknown */
	int64_t stream;
	double ts, dur, exposed;
	double in_mb, out_mb;	/* NaN unknown */
	int64_t group_size;	/* -1 unknown */
};

struct rstep {
	char name[96];
	double dur, busy;
};

struct rank_sum {
	int rank;
	char *path;
	double tl[8];
	int tl_ok;
	struct coll *c;
	size_t nc;
	struct rstep *s;
	size_t ns;
};

static int
dtype_bytes(const char *d)
{
	static const struct {
		const char *n;
		int b;
	} tab[] = {
		{ "Float", 4 }, { "Int", 4 }, { "Long", 8 }, { "BFloat16", 2 },
		{ "Bool", 1 }, { "Byte", 1 }, { "Double", 8 }, { "Half", 2 },
		{ "Short", 2 },
	};

	for (size_t i = 0; d && i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(d, tab[i].n) == 0)
			return tab[i].b;
	return 0;
}

/* allreduce, allgather, ... from an NCCL/RCCL kernel name. */
static const char *
name_from_kernel(const char *k)
{
	static const struct {
		const char *in, *out;
	} tab[] = {
		{ "AllReduce", "allreduce" }, { "AllGather", "allgather" },
		{ "ReduceScatter", "reducescatter" },
		{ "AllToAll", "all_to_all" }, { "Broadcast", "broadcast" },
		{ "SendRecv", "sendrecv" }, { "Reduce", "reduce" },
		{ "cross_device_reduce", "allreduce" },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcasestr(k, tab[i].in))
			return tab[i].out;
	return "unknown";
}

/* TraceLens's collective types: allreduce, reducescatter, allgather,
 * alltoall, alltoallv, or NULL. */
static const char *
coll_type(const char *n)
{
	static const struct {
		const char *name, *type;
	} tab[] = {
		{ "allreduce", "allreduce" }, { "allreduce_coalesced", "allreduce" },
		{ "all_reduce", "allreduce" }, { "reduce_scatter", "reducescatter" },
		{ "reducescatter", "reducescatter" },
		{ "_reduce_scatter_base", "reducescatter" },
		{ "reduce_scatter_tensor_coalesced", "reducescatter" },
		{ "allgather", "allgather" }, { "all_gather", "allgather" },
		{ "_allgather_base", "allgather" },
		{ "all_gather_into_tensor_coalesced", "allgather" },
		{ "allgather_into_tensor_coalesced", "allgather" },
		{ "all_to_all", "alltoall" }, { "all_to_allv", "alltoallv" },
	};

	for (size_t i = 0; i < sizeof tab / sizeof tab[0]; i++)
		if (strcmp(n, tab[i].name) == 0)
			return tab[i].type;
	return NULL;
}

static const struct collarg *
collarg_of(const struct trace *t, const struct imap *m, int32_t ev)
{
	int64_t *i = imap_get(m, ev, 0, 0);

	return i ? &t->coll[*i] : NULL;
}

/* An "nccl:NAME" annotation (of the n in ann) on the launching thread
 * around the launch. */
static const char *
annotation_name(const struct trace *t, const int32_t *ann, size_t n,
    const struct ev *launch)
{
	for (size_t i = 0; i < n; i++) {
		const struct ev *a = &t->ev[ann[i]];

		if (a->pid == launch->pid && a->tid == launch->tid &&
		    launch->ts >= a->ts && launch->ts <= a->end)
			return str_get(&t->s, a->name) + 5;
	}
	return NULL;
}

/* The linked collective kernels of a trace, in start order. */
static struct coll *
collectives(const struct trace *t, size_t *n)
{
	int32_t *k = bp_xmalloc((t->nev + 1) * sizeof *k);
	int32_t *ann = bp_xmalloc((t->nev + 1) * sizeof *ann);
	struct coll *c;
	double *exp;
	size_t m = 0, na = 0;
	struct imap byev = { 0 };

	for (size_t i = 0; i < t->ncoll; i++)
		imap_put(&byev, t->coll[i].ev, 0, 0, (int64_t)i);

	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];

		if (e->cat == C_USER_ANN &&
		    strncmp(str_get(&t->s, e->name), "nccl:", 5) == 0)
			ann[na++] = (int32_t)i;
		if (e->cat == C_KERNEL && (e->flags & EV_INWIN) &&
		    (e->flags & (EV_CORR | EV_EXTID)) && (e->flags & EV_COMM))
			k[m++] = (int32_t)i;
	}
	sort_by_ts(t, k, m);
	exp = bp_xmalloc((m + 1) * sizeof *exp);
	exposed_us(t, k, m, exp);
	c = calloc(m + 1, sizeof *c);
	if (!c)
		bp_xmalloc((size_t)-1);
	for (size_t i = 0; i < m; i++) {
		const struct ev *e = &t->ev[k[i]];
		const struct collarg *a = collarg_of(t, &byev, k[i]);
		int32_t op = cpu_op_of(t, k[i]);
		const char *name = NULL;
		int b;

		if ((!a || !a->coll) && op >= 0)
			a = collarg_of(t, &byev, op);
		if (a && a->coll)
			name = str_get(&t->s, a->coll);
		if (!name && e->parent >= 0)
			name = annotation_name(t, ann, na, &t->ev[e->parent]);
		if (!name)
			name = name_from_kernel(str_get(&t->s, e->name));
		snprintf(c[i].name, sizeof c[i].name, "%s", name);
		if (a && a->pg)
			snprintf(c[i].pg, sizeof c[i].pg, "%s",
			    str_get(&t->s, a->pg));
		c[i].stream = (e->flags & EV_STREAM) ? e->stream : -1;
		c[i].ts = e->ts;
		c[i].dur = e->dur;
		c[i].exposed = exp[i];
		b = a && a->dtype ? dtype_bytes(str_get(&t->s, a->dtype)) : 0;
		c[i].in_mb = b && a->in_nelems >= 0 ?
		    a->in_nelems * (double)b / (1024.0 * 1024) : NAN;
		c[i].out_mb = b && a->out_nelems >= 0 ?
		    a->out_nelems * (double)b / (1024.0 * 1024) : NAN;
		c[i].group_size = a ? a->group_size : -1;
	}
	free(exp);
	free(k);
	free(ann);
	imap_free(&byev);
	*n = m;
	return c;
}

void
table_collective(struct trace *t, const struct opts *o)
{
	size_t n, nn = 0;
	struct coll *c = collectives(t, &n);
	const char **names = bp_xmalloc((n + 1) * sizeof *names);
	double all = 0;

	for (size_t i = 0; i < n; i++) {
		size_t j;

		all += c[i].dur;
		for (j = 0; j < nn && strcmp(names[j], c[i].name) != 0; j++)
			;
		if (j == nn)
			names[nn++] = c[i].name;
	}
	for (size_t j = 0; j < nn; j++) {
		cJSON *r = rec_new(t, "trace_collective", o);
		double sum = 0, exp = 0, mb = 0;
		size_t cnt = 0, nmb = 0;

		for (size_t i = 0; i < n; i++) {
			if (strcmp(c[i].name, names[j]) != 0)
				continue;
			cnt++;
			sum += c[i].dur;
			exp += c[i].exposed;
			if (isfinite(c[i].in_mb)) {
				mb += c[i].in_mb;
				nmb++;
			}
		}
		cJSON_AddStringToObject(r, "collective", names[j]);
		if (coll_type(names[j]))
			cJSON_AddStringToObject(r, "type", coll_type(names[j]));
		else
			cJSON_AddNullToObject(r, "type");
		cJSON_AddNumberToObject(r, "count", (double)cnt);
		rec_num(r, "time_ms", sum / 1e3);
		rec_num(r, "mean_us", sum / cnt);
		rec_num(r, "exposed_ms", exp / 1e3);
		rec_num(r, "exposed_pct", sum > 0 ? exp / sum * 100 : NAN);
		rec_num(r, "pct_comm_time", all > 0 ? sum / all * 100 : NAN);
		rec_num(r, "pct_total_time", t->timeline_ok ?
		    sum / t->total_us * 100 : NAN);
		rec_num(r, "in_msg_mb", nmb ? mb : NAN);
		rec_emit(r);
	}
	free(names);
	free(c);
}

/* Iteration roots: the ProfilerStep#N annotations, with the busy time of
 * the GPU events launched in each. */
static struct rstep *
steps_of(const struct trace *t, size_t *n)
{
	struct rstep *s = NULL;
	int32_t *ev = bp_xmalloc((t->nev + 1) * sizeof *ev), **gpu;
	size_t *ng, *cap;
	struct spans sp;

	*n = 0;
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];

		if ((e->cat == C_USER_ANN || e->cat == C_CPU_OP) &&
		    strncmp(str_get(&t->s, e->name), "ProfilerStep#", 13) == 0)
			ev[(*n)++] = (int32_t)i;
	}
	sort_by_ts(t, ev, *n);
	gpu = calloc(*n + 1, sizeof *gpu);
	ng = calloc(*n + 1, sizeof *ng);
	cap = calloc(*n + 1, sizeof *cap);
	if (!gpu || !ng || !cap)
		bp_xmalloc((size_t)-1);
	spans_init(&sp, t, ev, *n);
	for (size_t j = 0; j < t->nev && *n; j++) {
		const struct ev *g = &t->ev[j];
		long k;

		if (!is_gpu_cat(g->cat) || !(g->flags & EV_TREE) ||
		    !(g->flags & EV_INWIN))
			continue;
		k = spans_find(&sp, t->ev[g->parent].ts);
		if (k < 0)
			continue;
		if (ng[k] == cap[k]) {
			cap[k] = cap[k] ? cap[k] * 2 : 64;
			gpu[k] = bp_xrealloc(gpu[k], cap[k] * sizeof **gpu);
		}
		gpu[k][ng[k]++] = (int32_t)j;
	}
	s = bp_xmalloc((*n + 1) * sizeof *s);
	for (size_t k = 0; k < *n; k++) {
		snprintf(s[k].name, sizeof s[k].name, "%s",
		    str_get(&t->s, t->ev[ev[k]].name));
		s[k].dur = t->ev[ev[k]].dur;
		s[k].busy = busy_us(t, gpu[k], ng[k]);
		free(gpu[k]);
	}
	spans_free(&sp);
	free(gpu);
	free(ng);
	free(cap);
	free(ev);
	return s;
}

struct rank_sum *
rank_summary(struct trace *t, const struct opts *o)
{
	struct rank_sum *r = calloc(1, sizeof *r);
	size_t n;
	int32_t *gpu;

	(void)o;
	if (!r)
		bp_xmalloc((size_t)-1);
	r->rank = t->rank;
	r->path = bp_xstrdup(t->path);
	gpu = timeline_events(t, &n);
	r->tl_ok = timeline_compute(t, gpu, n, r->tl) == 0;
	free(gpu);
	r->c = collectives(t, &r->nc);
	r->s = steps_of(t, &r->ns);
	return r;
}

void
rank_sum_free(struct rank_sum *r)
{
	if (!r)
		return;
	free(r->path);
	free(r->c);
	free(r->s);
	free(r);
}

static cJSON *
rec_job(const struct opts *o, const char *kind, int nranks)
{
	cJSON *r = rec_new(NULL, kind, o);

	cJSON_AddNumberToObject(r, "ranks", nranks);
	return r;
}

static void
side_by_side(struct rank_sum **rs, int n, const struct opts *o)
{
	double mean = 0;
	int ok = 0, slow = -1;

	for (int i = 0; i < n; i++)
		if (rs[i]->tl_ok) {
			mean += rs[i]->tl[TL_BUSY];
			ok++;
			if (slow < 0 || rs[i]->tl[TL_BUSY] > rs[slow]->tl[TL_BUSY])
				slow = i;
		}
	mean = ok ? mean / ok : NAN;
	for (int i = 0; i < n; i++) {
		const struct rank_sum *s = rs[i];
		cJSON *r = rec_job(o, "trace_rank", n);

		cJSON_AddStringToObject(r, "trace", s->path);
		cJSON_AddNumberToObject(r, "rank", s->rank);
		rec_num(r, "computation_ms", s->tl[TL_COMP] / 1e3);
		rec_num(r, "comm_ms", s->tl[TL_COMM] / 1e3);
		rec_num(r, "exposed_comm_ms", s->tl[TL_EXP_COMM] / 1e3);
		rec_num(r, "memcpy_ms", s->tl[TL_MEMCPY] / 1e3);
		rec_num(r, "busy_ms", s->tl[TL_BUSY] / 1e3);
		rec_num(r, "idle_ms", s->tl[TL_IDLE] / 1e3);
		rec_num(r, "total_ms", s->tl[TL_TOTAL] / 1e3);
		rec_num(r, "exposed_comm_pct", s->tl_ok ?
		    s->tl[TL_EXP_COMM] / s->tl[TL_TOTAL] * 100 : NAN);
		rec_num(r, "busy_vs_mean_pct", s->tl_ok && mean > 0 ?
		    (s->tl[TL_BUSY] / mean - 1) * 100 : NAN);
		cJSON_AddBoolToObject(r, "slowest", i == slow);
		rec_emit(r);
	}
}

static int
by_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

/* Per step name present on every rank that has it: the slowest rank. */
static void
straggler_steps(struct rank_sum **rs, int n, const struct opts *o)
{
	double *d = bp_xmalloc((n + 1) * sizeof *d);

	for (int i = 0; i < n; i++)
		for (size_t k = 0; k < rs[i]->ns; k++) {
			const char *name = rs[i]->s[k].name;
			int first = 1, m = 0, slow = -1;
			cJSON *r, *per;
			double slowest = 0;

			/* report each step name once, at its first rank */
			for (int j = 0; j < i && first; j++)
				for (size_t q = 0; q < rs[j]->ns; q++)
					if (strcmp(rs[j]->s[q].name, name) == 0)
						first = 0;
			if (!first)
				continue;
			r = rec_job(o, "trace_straggler_step", n);
			per = cJSON_CreateObject();
			for (int j = 0; j < n; j++)
				for (size_t q = 0; q < rs[j]->ns; q++) {
					char key[16];

					if (strcmp(rs[j]->s[q].name, name) != 0)
						continue;
					snprintf(key, sizeof key, "%d", rs[j]->rank);
					rec_num(per, key, rs[j]->s[q].dur / 1e3);
					d[m++] = rs[j]->s[q].dur;
					if (slow < 0 || rs[j]->s[q].dur > slowest) {
						slow = rs[j]->rank;
						slowest = rs[j]->s[q].dur;
					}
					break;
				}
			qsort(d, m, sizeof *d, by_double);
			cJSON_AddStringToObject(r, "step", name);
			cJSON_AddNumberToObject(r, "ranks_with_step", m);
			cJSON_AddNumberToObject(r, "slowest_rank", slow);
			rec_num(r, "slowest_ms", d[m - 1] / 1e3);
			rec_num(r, "median_ms", (m % 2 ? d[m / 2] :
			    (d[m / 2 - 1] + d[m / 2]) / 2) / 1e3);
			rec_num(r, "fastest_ms", d[0] / 1e3);
			rec_num(r, "spread_pct", d[0] > 0 ?
			    (d[m - 1] / d[0] - 1) * 100 : NAN);
			cJSON_AddItemToObject(r, "step_ms", per);
			rec_emit(r);
		}
	free(d);
}

/* One collective on one rank, for matching. */
struct inst {
	int rank;		/* index into rs */
	const struct coll *c;
	char id[96];
};

static int
by_id(const void *a, const void *b)
{
	const struct inst *x = a, *y = b;
	int s = strcmp(x->id, y->id);

	if (s)
		return s;
	return (x->rank > y->rank) - (x->rank < y->rank);
}

static double
scaling(const char *type, double n)
{
	if (strcmp(type, "allreduce") == 0)
		return 2 * (n - 1) / n;
	if (strcmp(type, "reducescatter") == 0 ||
	    strcmp(type, "allgather") == 0 || strcmp(type, "alltoall") == 0)
		return (n - 1) / n;
	return NAN;
}

struct waits {
	double total;
	size_t n, last, first;
};

static void
sync_one(struct rank_sum **rs, int n, const struct inst *v, size_t m,
    struct waits *w, const struct opts *o)
{
	double latest = -INFINITY, earliest_end = INFINITY, latest_end =
	    -INFINITY, lat = INFINITY, maxw = -1, minw = INFINITY, sumw = 0;
	int first_rank = -1, last_rank = -1;
	const struct coll *c0 = v[0].c;
	const char *type = coll_type(c0->name);
	cJSON *r = rec_job(o, "trace_collective_sync", n), *per;
	char key[16];

	for (size_t i = 0; i < m; i++) {
		const struct coll *c = v[i].c;

		if (c->ts > latest)
			latest = c->ts;
		if (c->ts + c->dur < earliest_end)
			earliest_end = c->ts + c->dur;
		if (c->ts + c->dur > latest_end)
			latest_end = c->ts + c->dur;
		if (c->dur < lat)
			lat = c->dur;
	}
	per = cJSON_CreateObject();
	for (size_t i = 0; i < m; i++) {
		double wait = latest - v[i].c->ts;
		int rank = rs[v[i].rank]->rank;

		snprintf(key, sizeof key, "%d", rank);
		rec_num(per, key, wait);
		sumw += wait;
		/* TraceLens: max by (wait, rank); the straggler is the first
		 * rank with the least wait */
		if (wait > maxw || (wait == maxw && rank > first_rank)) {
			maxw = wait;
			first_rank = rank;
		}
		if (wait < minw) {
			minw = wait;
			last_rank = rank;
		}
		w[v[i].rank].total += wait;
		w[v[i].rank].n++;
	}
	for (size_t i = 0; i < m; i++) {
		if (rs[v[i].rank]->rank == last_rank)
			w[v[i].rank].last++;
		if (rs[v[i].rank]->rank == first_rank)
			w[v[i].rank].first++;
	}
	cJSON_AddStringToObject(r, "collective_id", v[0].id);
	cJSON_AddStringToObject(r, "collective", c0->name);
	if (type)
		cJSON_AddStringToObject(r, "type", type);
	else
		cJSON_AddNullToObject(r, "type");
	cJSON_AddNumberToObject(r, "ranks_matched", (double)m);
	rec_num(r, "comm_latency_us", lat);
	rec_num(r, "skew_start_us", maxw);
	rec_num(r, "skew_end_us", latest_end - earliest_end);
	cJSON_AddNumberToObject(r, "earliest_rank", first_rank);
	cJSON_AddNumberToObject(r, "last_rank", last_rank);
	rec_num(r, "avg_wait_us", sumw / m);
	cJSON_AddItemToObject(r, "wait_us", per);
	if (type && isfinite(c0->in_mb) && isfinite(c0->out_mb)) {
		double mb = strcmp(type, "allgather") == 0 ? c0->out_mb :
		    c0->in_mb;
		/* 10^9 bytes/s, the unit of every _gbps field (TraceLens
		 * divides MiB by 1024) */
		double algo = lat > 0 ? mb * 1048576 / 1e9 / (lat / 1e6) : NAN;

		rec_num(r, "msg_mb", mb);
		rec_num(r, "algo_bw_gbps", algo);
		rec_num(r, "bus_bw_gbps", c0->group_size > 0 ?
		    algo * scaling(type, (double)c0->group_size) : NAN);
	}
	rec_emit(r);
}

/*
 * TraceLens NcclAnalyser's implicit-sync view: collectives matched across
 * ranks; each rank's wait is how long before the last arrival it started.
 */
static void
collective_sync(struct rank_sum **rs, int n, const struct opts *o)
{
	size_t total = 0, m = 0;
	struct inst *v;
	struct waits *w = calloc(n, sizeof *w);
	int simplified = 1, ncoll = 0;

	if (!w)
		bp_xmalloc((size_t)-1);
	for (int i = 0; i < n; i++) {
		total += rs[i]->nc;
		for (size_t k = 0; k < rs[i]->nc; k++) {
			if (rs[i]->c[k].pg[0])
				simplified = 0;
			if (rs[i]->c[k].stream != rs[i]->c[0].stream)
				simplified = 0;
		}
	}
	v = bp_xmalloc((total + 1) * sizeof *v);
	for (int i = 0; i < n; i++) {
		struct {
			char pg[64];
			long idx;
		} *seen = NULL;
		size_t nseen = 0;

		for (size_t k = 0; k < rs[i]->nc; k++) {
			const struct coll *c = &rs[i]->c[k];
			const char *pg = simplified ? "all" : c->pg[0] ? c->pg :
			    "Unknown_Group";
			size_t j;

			for (j = 0; j < nseen && strcmp(seen[j].pg, pg) != 0; j++)
				;
			if (j == nseen) {
				seen = bp_xrealloc(seen, (nseen + 1) *
				    sizeof *seen);
				snprintf(seen[j].pg, sizeof seen[j].pg, "%s", pg);
				seen[j].idx = 0;
				nseen++;
			}
			v[m].rank = i;
			v[m].c = c;
			if (simplified)
				snprintf(v[m].id, sizeof v[m].id, "%ld",
				    seen[j].idx++);
			else
				snprintf(v[m].id, sizeof v[m].id, "%s_%ld", pg,
				    seen[j].idx++);
			m++;
		}
		free(seen);
	}
	qsort(v, m, sizeof *v, by_id);
	for (size_t i = 0; i < m;) {
		size_t j = i;
		const char *type;

		while (j < m && strcmp(v[j].id, v[i].id) == 0)
			j++;
		type = coll_type(v[i].c->name);
		/* the collectives that synchronise: known types; in the
		 * simplified mode also those whose type is unknown */
		if ((type && strcmp(type, "alltoallv") != 0) ||
		    (simplified && !type)) {
			sync_one(rs, n, v + i, j - i, w, o);
			ncoll++;
		}
		i = j;
	}
	for (int i = 0; i < n && ncoll > 0; i++) {
		cJSON *r = rec_job(o, "trace_straggler", n);
		double dur = 0;

		for (size_t k = 0; k < rs[i]->nc; k++)
			dur += rs[i]->c[k].dur;
		cJSON_AddStringToObject(r, "trace", rs[i]->path);
		cJSON_AddNumberToObject(r, "rank", rs[i]->rank);
		rec_num(r, "total_wait_us", w[i].total);
		rec_num(r, "mean_wait_us", w[i].n ? w[i].total / w[i].n : NAN);
		cJSON_AddNumberToObject(r, "times_arrived_last", (double)w[i].last);
		cJSON_AddNumberToObject(r, "times_arrived_first",
		    (double)w[i].first);
		rec_num(r, "pct_arrived_last", 100.0 * w[i].last / ncoll);
		cJSON_AddNumberToObject(r, "num_collectives", ncoll);
		rec_num(r, "total_nccl_dur_us", dur);
		rec_emit(r);
	}
	free(v);
	free(w);
}

void
multirank(struct rank_sum **rs, int n, const struct opts *o)
{
	if (o->tables & TB_TIMELINE)
		side_by_side(rs, n, o);
	if (o->tables & TB_PHASE)
		straggler_steps(rs, n, o);
	if (o->tables & TB_COLL)
		collective_sync(rs, n, o);
}
