/*
 * load.c - reading both sides into one table of groups.  A group is the
 * canonical JSON of its key fields; each group holds, per metric and per
 * side, the samples of each run, the result summaries and the pooled stat
 * summaries, so compare.c can choose the best test the data allows.
 */
#include <ctype.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "cli.h"
#include "die.h"
#include "diff.h"
#include "id.h"
#include "json.h"

/* Labels that name a build or a moment rather than a benchmark: they
 * differ between baseline and current by design, so the key drops them. */
const char *const bp_diff_volatile_labels[] = {
	"branch", "build", "commit", "date", "pr", "ref", "run", "sha",
	"version", NULL,
};

/* Fields of a sample that are never metrics. */
static const char *const sample_skip[] = {
	"backend", "host_id", "iter", "kind", "labels", "model", "params",
	"phase", "run_id", "schema", "ts", NULL,
};

/* Numbers at the top of a result that describe the run, not its speed. */
static const char *const result_skip[] = {
	"duration_s", "iterations", "schema", "warmups", NULL,
};

static int
in_list(const char *const *list, const char *s)
{
	for (; *list; list++)
		if (strcmp(*list, s) == 0)
			return 1;
	return 0;
}

static int
in_args(char **list, int n, const char *s)
{
	int i;

	for (i = 0; i < n; i++)
		if (strcmp(list[i], s) == 0)
			return 1;
	return 0;
}

static int
has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), m = strlen(suf);

	return n >= m && strcmp(s + n - m, suf) == 0;
}

/* Direction from the name alone (its last dotted component). */
static int
direction_by_name(const char *name)
{
	static const char *const higher[] = {
		"accuracy", "bandwidth", "flops", "gbps", "per_joule", "per_s",
		"qps", "speedup", "throughput", NULL,
	};
	static const char *const lower_in[] = {
		"duration", "energy", "latency", "loss", "mem", "rss", "time",
		NULL,
	};
	static const char *const lower_end[] = {
		"_bytes", "_gb", "_gib", "_j", "_kb", "_kib", "_mb", "_mib",
		"_ms", "_ns", "_s", "_us", NULL,
	};
	const char *dot = strrchr(name, '.'), *const *p;
	char low[128];
	size_t i;

	name = dot ? dot + 1 : name;
	for (i = 0; name[i] && i < sizeof low - 1; i++)
		low[i] = tolower((unsigned char)name[i]);
	low[i] = '\0';
	for (p = higher; *p; p++)
		if (strstr(low, *p))
			return DIR_HIGHER;
	for (p = lower_in; *p; p++)
		if (strstr(low, *p))
			return DIR_LOWER;
	for (p = lower_end; *p; p++)
		if (has_suffix(low, *p))
			return DIR_LOWER;
	return DIR_UNKNOWN;
}

/*
 * Whether name is compared, and which way is better.  Without -m every
 * metric whose direction is known (by name or override) is compared; with
 * -m exactly those named, lower-is-better assumed where nothing tells.
 */
int
metric_direction(const struct opts *o, const char *name, int *assumed)
{
	int dir;

	*assumed = 0;
	if (o->nmetrics && !in_args(o->metrics, o->nmetrics, name))
		return DIR_UNKNOWN;
	if (in_args(o->higher, o->nhigher, name))
		return DIR_HIGHER;
	if (in_args(o->lower, o->nlower, name))
		return DIR_LOWER;
	dir = direction_by_name(name);
	if (dir == DIR_UNKNOWN && o->nmetrics) {
		*assumed = 1;
		dir = DIR_LOWER;
	}
	return dir;
}

/* Deletes the item at a dotted path below obj, if there is one. */
static void
del_path(cJSON *obj, const char *path)
{
	const char *dot = strrchr(path, '.');
	char *parent;

	if (!dot) {
		cJSON_DeleteItemFromObjectCaseSensitive(obj, path);
		return;
	}
	parent = bp_xmalloc(dot - path + 1);
	memcpy(parent, path, dot - path);
	parent[dot - path] = '\0';
	obj = bp_json_path(obj, parent);
	if (cJSON_IsObject(obj))
		cJSON_DeleteItemFromObjectCaseSensitive(obj, dot + 1);
	free(parent);
}

/*
 * The key fields of rec.  The whole "labels" object loses its volatile
 * labels, the --split field is never part of the key, and an empty object
 * counts as absent, so that {} and no field at all match.
 */
static cJSON *
key_of(const cJSON *rec, const struct opts *o)
{
	cJSON *key = cJSON_CreateObject(), *item;
	const char *const *v;
	size_t len;
	int i;

	for (i = 0; i < o->nby; i++) {
		const char *p = o->by[i];

		item = bp_json_path(rec, p);
		if (!item || cJSON_IsNull(item))
			continue;
		if (o->split && strcmp(o->split, p) == 0)
			continue;
		item = cJSON_Duplicate(item, 1);
		if (strcmp(p, "labels") == 0 && cJSON_IsObject(item))
			for (v = bp_diff_volatile_labels; *v; v++)
				cJSON_DeleteItemFromObjectCaseSensitive(item, *v);
		len = strlen(p);
		if (o->split && strncmp(o->split, p, len) == 0 &&
		    o->split[len] == '.' && cJSON_IsObject(item))
			del_path(item, o->split + len + 1);
		if (cJSON_IsObject(item) && !item->child) {
			cJSON_Delete(item);
			continue;
		}
		bp_json_set(key, p, item);
	}
	return key;
}

static struct group *
new_group(struct table *t, char *key, cJSON *keyobj)
{
	struct group *g = bp_xmalloc(sizeof *g);

	memset(g, 0, sizeof *g);
	g->key = key;
	g->keyobj = keyobj;
	g->order = t->nlist;
	if (t->nlist == t->lcap) {
		t->lcap = t->lcap ? 2 * t->lcap : 64;
		t->list = bp_xrealloc(t->list, t->lcap * sizeof *t->list);
	}
	t->list[t->nlist++] = g;
	return g;
}

static void
grow_table(struct table *t)
{
	struct group **old = t->slot;
	size_t oldcap = t->cap, i, h;

	t->cap = t->cap ? 2 * t->cap : 256;
	t->slot = bp_xmalloc(t->cap * sizeof *t->slot);
	memset(t->slot, 0, t->cap * sizeof *t->slot);
	for (i = 0; i < oldcap; i++) {
		if (!old[i])
			continue;
		h = bp_hash_str(BP_HASH_INIT, old[i]->key) & (t->cap - 1);
		while (t->slot[h])
			h = (h + 1) & (t->cap - 1);
		t->slot[h] = old[i];
	}
	free(old);
}

char *
group_key(const cJSON *rec, const struct opts *o)
{
	cJSON *keyobj = key_of(rec, o);
	struct bp_buf b = { 0 };

	bp_json_write(&b, keyobj, BP_JSON_SORTED, NULL);
	cJSON_Delete(keyobj);
	return bp_buf_detach(&b);
}

struct group *
table_group(struct table *t, const cJSON *rec, const struct opts *o)
{
	cJSON *keyobj = key_of(rec, o);
	struct bp_buf b = { 0 };
	size_t h;

	bp_json_write(&b, keyobj, BP_JSON_SORTED, NULL);
	if (2 * (t->n + 1) > t->cap)
		grow_table(t);
	h = bp_hash_str(BP_HASH_INIT, b.p) & (t->cap - 1);
	while (t->slot[h]) {
		if (strcmp(t->slot[h]->key, b.p) == 0) {
			cJSON_Delete(keyobj);
			bp_buf_free(&b);
			return t->slot[h];
		}
		h = (h + 1) & (t->cap - 1);
	}
	t->n++;
	return t->slot[h] = new_group(t, bp_buf_detach(&b), keyobj);
}

struct metric *
group_metric(struct group *g, const char *name, int dir, int assumed)
{
	struct metric *m;
	size_t i;

	for (i = 0; i < g->nm; i++)
		if (strcmp(g->m[i].name, name) == 0)
			return &g->m[i];
	if (g->nm == g->mcap) {
		g->mcap = g->mcap ? 2 * g->mcap : 4;
		g->m = bp_xrealloc(g->m, g->mcap * sizeof *g->m);
	}
	m = &g->m[g->nm++];
	memset(m, 0, sizeof *m);
	m->name = bp_xstrdup(name);
	m->dir = dir;
	m->dir_assumed = assumed;
	return m;
}

/* -1: not split; else BASE or CUR when the split field holds A or B. */
int
split_side(const cJSON *rec, const struct opts *o)
{
	const cJSON *v = bp_json_path(rec, o->split);
	double a, b;

	if (cJSON_IsString(v)) {
		if (strcmp(v->valuestring, o->split_a) == 0)
			return BASE;
		if (strcmp(v->valuestring, o->split_b) == 0)
			return CUR;
	} else if (cJSON_IsNumber(v)) {
		if (bp_parse_double(o->split_a, &a) == 0 && v->valuedouble == a)
			return BASE;
		if (bp_parse_double(o->split_b, &b) == 0 && v->valuedouble == b)
			return CUR;
	}
	return -1;
}

static struct run *
side_run(struct side *s, const char *id)
{
	size_t i;

	/* the samples of a run arrive together: look at the last run first */
	for (i = s->nruns; i > 0; i--)
		if (strcmp(s->runs[i - 1].id, id) == 0)
			return &s->runs[i - 1];
	if (s->nruns == s->rcap) {
		s->rcap = s->rcap ? 2 * s->rcap : 4;
		s->runs = bp_xrealloc(s->runs, s->rcap * sizeof *s->runs);
	}
	memset(&s->runs[s->nruns], 0, sizeof s->runs[0]);
	s->runs[s->nruns].id = bp_xstrdup(id);
	return &s->runs[s->nruns++];
}

static void
not_number(struct bp_in *in, const char *what)
{
	bp_die("%s:%lu: \"%s\" is not a number", in->name, in->lineno, what);
}

static void
load_sample(struct table *t, const cJSON *rec, int side,
    const struct opts *o, struct bp_in *in)
{
	const char *id = bp_json_str(rec, "run_id"), *phase;
	struct group *g = NULL;
	const cJSON *f;
	int dir, assumed;

	phase = bp_json_str(rec, "phase");
	if (phase && strcmp(phase, "warmup") == 0)
		return;
	cJSON_ArrayForEach(f, rec) {
		if (in_list(sample_skip, f->string))
			continue;
		dir = metric_direction(o, f->string, &assumed);
		if (dir == DIR_UNKNOWN || cJSON_IsNull(f))
			continue;
		if (!cJSON_IsNumber(f))
			not_number(in, f->string);
		if (!isfinite(f->valuedouble))
			continue;
		if (!g)
			g = table_group(t, rec, o);
		bp_vec_push(&side_run(&group_metric(g, f->string, dir,
		    assumed)->s[side], id ? id : "")->v, f->valuedouble);
	}
}

static void
pool_stat(struct side *s, double n, double mean, double sd, double p50,
    long runs)
{
	double m2 = isfinite(sd) && n > 1 ? sd * sd * (n - 1) : 0, tot, d;

	if (s->nstat++ == 0) {
		s->st_n = n;
		s->st_mean = mean;
		s->st_m2 = m2;
		s->st_p50 = p50;
		s->st_runs = runs;
		return;
	}
	/* several stat records of one group: pool as one summary */
	tot = s->st_n + n;
	d = mean - s->st_mean;
	s->st_m2 += m2 + d * d * s->st_n * n / tot;
	s->st_mean += d * n / tot;
	s->st_n = tot;
	s->st_p50 = NAN;
	s->st_runs += runs;
}

static void
load_stat(struct table *t, const cJSON *rec, int side, const struct opts *o,
    struct bp_in *in)
{
	const cJSON *stats = cJSON_GetObjectItemCaseSensitive(rec, "stats"), *m;
	struct group *g = NULL;
	double n, mean, sd = NAN, p50 = NAN, runs = 1;
	char what[160];
	int dir, assumed;

	if (stats && !cJSON_IsObject(stats))
		bp_die("%s:%lu: \"stats\" is not an object", in->name,
		    in->lineno);
	bp_json_num(rec, "runs", &runs);
	cJSON_ArrayForEach(m, stats) {
		dir = metric_direction(o, m->string, &assumed);
		if (dir == DIR_UNKNOWN)
			continue;
		snprintf(what, sizeof what, "stats.%s", m->string);
		if (!cJSON_IsObject(m))
			bp_die("%s:%lu: \"%s\" is not an object", in->name,
			    in->lineno, what);
		if (bp_json_num(m, "n", &n) != 1 ||
		    bp_json_num(m, "mean", &mean) != 1)
			bp_die("%s:%lu: \"%s\" lacks a number \"n\" or \"mean\"",
			    in->name, in->lineno, what);
		if (bp_json_num(m, "stddev", &sd) < 0 ||
		    bp_json_num(m, "p50", &p50) < 0)
			bp_die("%s:%lu: \"%s\" has a stddev or p50 that is not "
			    "a number", in->name, in->lineno, what);
		if (n < 1)
			continue;
		if (!g)
			g = table_group(t, rec, o);
		pool_stat(&group_metric(g, m->string, dir, assumed)->s[side],
		    n, mean, sd, p50, (long)runs);
		sd = p50 = NAN;
	}
}

static void
metric_rsum(const cJSON *m, struct rsum *r)
{
	r->p50 = r->n = r->mean = r->sd = NAN;
	bp_json_num(m, "p50", &r->p50);
	bp_json_num(m, "n", &r->n);
	bp_json_num(m, "mean", &r->mean);
	bp_json_num(m, "stddev", &r->sd);
}

static void
plain_rsum(const cJSON *f, struct rsum *r)
{
	r->p50 = r->mean = f->valuedouble;
	r->n = 1;
	r->sd = NAN;
}

void
result_metrics(const cJSON *rec, const struct opts *o, struct bp_in *in,
    void (*fn)(void *, const char *, int, int, const struct rsum *),
    void *arg)
{
	static const char *const nested[] = { "throughput", "gpu", NULL };
	const cJSON *f, *sub;
	const char *const *p;
	struct rsum r;
	char name[256];
	int dir, assumed;

	cJSON_ArrayForEach(f, cJSON_GetObjectItemCaseSensitive(rec, "metrics")) {
		dir = metric_direction(o, f->string, &assumed);
		if (dir == DIR_UNKNOWN)
			continue;
		if (!cJSON_IsObject(f))
			bp_die("%s:%lu: \"metrics.%s\" is not an object",
			    in->name, in->lineno, f->string);
		metric_rsum(f, &r);
		if (isfinite(r.p50))
			fn(arg, f->string, dir, assumed, &r);
	}
	cJSON_ArrayForEach(f, rec) {
		if (in_list(result_skip, f->string) || !cJSON_IsNumber(f))
			continue;
		dir = metric_direction(o, f->string, &assumed);
		if (dir == DIR_UNKNOWN || !isfinite(f->valuedouble))
			continue;
		plain_rsum(f, &r);
		fn(arg, f->string, dir, assumed, &r);
	}
	for (p = nested; *p; p++) {
		const cJSON *obj = cJSON_GetObjectItemCaseSensitive(rec, *p);

		cJSON_ArrayForEach(sub, obj) {
			if (!cJSON_IsNumber(sub) || !isfinite(sub->valuedouble))
				continue;
			snprintf(name, sizeof name, "%s.%s", *p, sub->string);
			dir = metric_direction(o, name, &assumed);
			if (dir == DIR_UNKNOWN)
				continue;
			plain_rsum(sub, &r);
			fn(arg, name, dir, assumed, &r);
		}
	}
}

struct result_ctx {
	struct table *t;
	const cJSON *rec;
	const struct opts *o;
	struct group *g;
	int side;
};

static void
add_result_metric(void *arg, const char *name, int dir, int assumed,
    const struct rsum *r)
{
	struct result_ctx *c = arg;
	struct side *s = &group_metric(c->g, name, dir, assumed)->s[c->side];

	if (s->nres == s->scap) {
		s->scap = s->scap ? 2 * s->scap : 4;
		s->res = bp_xrealloc(s->res, s->scap * sizeof *s->res);
	}
	s->res[s->nres++] = *r;
}

static void
load_result(struct table *t, const cJSON *rec, int side,
    const struct opts *o, struct bp_in *in)
{
	const char *status = bp_json_str(rec, "status");
	struct result_ctx c = { t, rec, o, NULL, side };
	const cJSON *err;

	c.g = table_group(t, rec, o);
	if (!status || strcmp(status, "ok") == 0) {
		c.g->ok[side]++;
		result_metrics(rec, o, in, add_result_metric, &c);
	} else if (strcmp(status, "failed") == 0) {
		c.g->failed[side]++;
		err = cJSON_GetObjectItemCaseSensitive(rec, "error");
		cJSON_Delete(c.g->error[side]);
		c.g->error[side] = err ? cJSON_Duplicate(err, 1) : NULL;
	}
}

/* The record being loaded: reachable from here when a bad field ends the
 * command inside a loader, so that the leak checker sees no leak. */
static cJSON *loading;

void
table_load(struct table *t, struct bp_in *in, int side, const struct opts *o)
{
	cJSON *rec;
	const char *kind;
	int s;

	while ((rec = bp_in_rec(in))) {
		loading = rec;
		kind = bp_json_str(rec, "kind");
		s = o->split ? split_side(rec, o) : side;
		if (s >= 0 && strcmp(kind, "sample") == 0) {
			load_sample(t, rec, s, o, in);
			t->records[s]++;
		} else if (s >= 0 && strcmp(kind, "stat") == 0) {
			load_stat(t, rec, s, o, in);
			t->records[s]++;
		} else if (s >= 0 && strcmp(kind, "result") == 0) {
			load_result(t, rec, s, o, in);
			t->records[s]++;
		}
		cJSON_Delete(rec);
		loading = NULL;
	}
	bp_in_close(in);
}

static void
free_side(struct side *s)
{
	size_t i;

	for (i = 0; i < s->nruns; i++) {
		free(s->runs[i].id);
		bp_vec_free(&s->runs[i].v);
	}
	free(s->runs);
	free(s->res);
}

void
table_free(struct table *t)
{
	size_t i, j;

	for (i = 0; i < t->nlist; i++) {
		struct group *g = t->list[i];

		for (j = 0; j < g->nm; j++) {
			free(g->m[j].name);
			free_side(&g->m[j].s[BASE]);
			free_side(&g->m[j].s[CUR]);
		}
		free(g->m);
		free(g->key);
		cJSON_Delete(g->keyobj);
		cJSON_Delete(g->error[BASE]);
		cJSON_Delete(g->error[CUR]);
		free(g);
	}
	free(t->list);
	free(t->slot);
	memset(t, 0, sizeof *t);
}

static double
median_of(double *v, size_t n)
{
	bp_stats_sort(v, n);
	return bp_stats_quantile(v, n, 0.5);
}

/* One value per run: the median of its samples, else the result's p50. */
size_t
run_values(const struct side *s, double **out)
{
	size_t i, n = 0;
	double *v;

	if (s->nruns) {
		v = bp_xmalloc(s->nruns * sizeof *v);
		for (i = 0; i < s->nruns; i++) {
			double *tmp;

			if (!s->runs[i].v.n)
				continue;
			tmp = bp_xmalloc(s->runs[i].v.n * sizeof *tmp);
			memcpy(tmp, s->runs[i].v.v, s->runs[i].v.n * sizeof *tmp);
			v[n++] = median_of(tmp, s->runs[i].v.n);
			free(tmp);
		}
	} else {
		v = bp_xmalloc((s->nres ? s->nres : 1) * sizeof *v);
		for (i = 0; i < s->nres; i++)
			v[n++] = s->res[i].p50;
	}
	*out = v;
	return n;
}

size_t
pooled_samples(const struct side *s, double **out)
{
	size_t i, n = 0;

	for (i = 0; i < s->nruns; i++)
		n += s->runs[i].v.n;
	*out = bp_xmalloc((n ? n : 1) * sizeof **out);
	n = 0;
	for (i = 0; i < s->nruns; i++) {
		memcpy(*out + n, s->runs[i].v.v, s->runs[i].v.n * sizeof **out);
		n += s->runs[i].v.n;
	}
	return n;
}
