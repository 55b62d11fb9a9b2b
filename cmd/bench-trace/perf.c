/*
 * perf.c - trace_perf: a roofline view of the ops whose shapes say how
 * much work they do (TraceLens's GEMM, SDPA_fwd, Normalization,
 * UnaryElementwise, BinaryElementwise and Reduce_fwd sheets).
 *
 * For every call of such an op: FLOPs and bytes from its input shapes and
 * types (TraceLens's perf models: 2MNK (+MN for a bias) for a GEMM, 4
 * B H Nq Nkv d for attention (halved when causal), one op per element for
 * elementwise and reductions, ...), its kernel time as the busy time of
 * every kernel below it, and from those TFLOP/s and TB/s.  Calls are
 * grouped by op name and parameters.  With a peak (--peak-tflops,
 * --peak-tbps, a host record, or the GPU the trace names) each group also
 * gets its share of the peak and its roofline bound.
 */
#include <math.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "die.h"
#include "json.h"
#include "trace.h"

/* ---- peaks ---- */

struct gpu_peak {
	const char *match;	/* substring of the device name */
	double matrix16, matrix8, tf32, vector32, tbps;
};

/* Dense peaks from the vendors' data sheets (TFLOP/s, TB/s).  More
 * specific names come first. */
static const struct gpu_peak peaks[] = {
	{ "H100 PCIe", 756, 1513, 378, 51.2, 2.0 },
	{ "H100 NVL", 835, 1671, 418, 60, 3.9 },
	{ "H100", 989.4, 1978.9, 494.7, 66.9, 3.35 },
	{ "H200", 989.4, 1978.9, 494.7, 66.9, 4.8 },
	{ "GH200", 989.4, 1978.9, 494.7, 66.9, 4.0 },
	{ "B200", 2250, 4500, 1100, 80, 8.0 },
	{ "A100-SXM4-80GB", 312, 0, 156, 19.5, 2.039 },
	{ "A100 80GB PCIe", 312, 0, 156, 19.5, 1.935 },
	{ "A100", 312, 0, 156, 19.5, 1.555 },
	{ "A10G", 70, 0, 35, 31.2, 0.6 },
	{ "L40S", 362, 733, 183, 91.6, 0.864 },
	{ "L4", 121, 242, 60, 30.3, 0.3 },
	{ "V100", 125, 0, 0, 15.7, 0.9 },
	{ "T4", 65, 0, 0, 8.1, 0.32 },
	{ "MI355X", 2500, 5000, 1250, 157.3, 8.0 },
	{ "MI325X", 1307.4, 2614.9, 653.7, 163.4, 6.0 },
	{ "MI300X", 1307.4, 2614.9, 653.7, 163.4, 5.3 },
	{ "MI250X", 383, 0, 95.7, 47.9, 3.2 },
};

static const struct gpu_peak *gpu;	/* from -H, or NULL */
static const struct gpu_peak *stdin_gpu;	/* from standard input */
static int stdin_unread;	/* standard input may hold a host record */
static char gpu_name[128];

static const struct gpu_peak *
find_gpu(const char *name)
{
	for (size_t i = 0; name && i < sizeof peaks / sizeof peaks[0]; i++)
		if (strcasestr(name, peaks[i].match))
			return &peaks[i];
	return NULL;
}

/* The first host record's first GPU name; other lines are ignored. */
static void
host_gpu(FILE *fp)
{
	char *line = NULL;
	size_t cap = 0;

	while (!gpu_name[0] && getline(&line, &cap, fp) > 0) {
		cJSON *rec = cJSON_Parse(line);
		const char *kind = bp_json_str(rec, "kind");
		const char *name = bp_json_str(cJSON_GetArrayItem(
		    cJSON_GetObjectItem(rec, "gpus"), 0), "name");

		if (kind && strcmp(kind, "host") == 0 && name)
			snprintf(gpu_name, sizeof gpu_name, "%s", name);
		cJSON_Delete(rec);
	}
	free(line);
}

/*
 * Peaks come from --peak-*, else a host record in -H FILE (or -H -),
 * else the GPU the trace itself names, else a host record on stdin when
 * stdin is a pipe or a file (as in "bench-detect | bench-trace T").  A
 * pipe is read at once, so that its writer never meets a closed pipe (a
 * pipe that stays silent for 5 s is not waited for); a file only when
 * needed, so that a trace naming its GPU leaves it alone and the list of
 * a "while read" loop stays whole.
 */
void
peaks_init(const char *hostpath, int stdin_busy)
{
	struct stat st;
	FILE *fp;

	if (hostpath && strcmp(hostpath, "-") != 0) {
		if (!(fp = fopen(hostpath, "r")))
			bp_die_errno("%s", hostpath);
		host_gpu(fp);
		fclose(fp);
	} else if (hostpath) {
		host_gpu(stdin);
	} else if (!stdin_busy && fstat(0, &st) == 0 &&
	    S_ISFIFO(st.st_mode)) {
		struct pollfd p = { 0, POLLIN, 0 };

		if (poll(&p, 1, 5000) > 0)
			host_gpu(stdin);
		stdin_gpu = find_gpu(gpu_name);
		gpu_name[0] = '\0';
	} else {
		stdin_unread = !stdin_busy && fstat(0, &st) == 0 &&
		    S_ISREG(st.st_mode) && st.st_size > 0;
	}
	if (hostpath && !gpu_name[0])
		bp_warn("%s: no host record naming a GPU", hostpath);
	gpu = find_gpu(gpu_name);
}

/* The GPU whose peaks trace t is measured against, or NULL. */
static const struct gpu_peak *
peak_gpu(const struct trace *t)
{
	const struct gpu_peak *g = gpu ? gpu : find_gpu(t->device);

	if (g)
		return g;
	if (stdin_unread) {
		stdin_unread = 0;
		host_gpu(stdin);
		stdin_gpu = find_gpu(gpu_name);
	}
	return stdin_gpu;
}

/* The compute peak for a spec such as "matrix_bf16", 0 when unknown. */
static double
peak_for(const char *spec, const struct gpu_peak *g)
{
	if (!g || !spec[0])
		return 0;
	if (strncmp(spec, "vector", 6) == 0)
		return g->vector32;
	if (strstr(spec, "bf16") || strstr(spec, "fp16"))
		return g->matrix16;
	if (strstr(spec, "fp8"))
		return g->matrix8;
	if (strstr(spec, "fp32"))
		return g->tf32 ? g->tf32 : g->vector32;
	return 0;
}

/* ---- the models ---- */

/* bytes per element of a dtype name (TraceLens name2bpe), 0 unknown */
static int
bpe(const char *name)
{
	static const struct {
		const char *n;
		int b;
	} tab[] = {
		{ "double", 8 }, { "long int", 8 }, { "float", 4 },
		{ "scalar", 4 }, { "int", 4 }, { "c10::half", 2 },
		{ "c10::bfloat16", 2 }, { "c10::float8_e4m3fnuz", 1 },
		{ "c10::float8_e4m3fn", 1 }, { "c10::float8_e5m2", 1 },
		{ "c10::float8_e8m0fnu", 1 }, { "unsigned char", 1 },
		{ "signed char", 1 }, { "fp8", 1 },
		{ "c10::float4_e2m1fn_x2", 1 }, { "fp4", 1 },
	};

	for (size_t i = 0; name && i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(name, tab[i].n) == 0)
			return tab[i].b;
	return 0;
}

/* "bf16" etc. (TraceLens torch_dtype_map), NULL unknown */
static const char *
precision(const char *name)
{
	static const struct {
		const char *n, *p;
	} tab[] = {
		{ "float", "fp32" }, { "double", "fp64" },
		{ "c10::half", "fp16" }, { "c10::bfloat16", "bf16" },
		{ "c10::float8_e4m3fnuz", "fp8" }, { "unsigned char", "fp8" },
		{ "fp8", "fp8" }, { "fp4", "fp4" }, { "mxfp4", "fp4" },
		{ "c10::float4_e2m1fn_x2", "fp4" },
		{ "c10::float8_e4m3fn", "fp8" },
	};

	for (size_t i = 0; name && i < sizeof tab / sizeof tab[0]; i++)
		if (strcasecmp(name, tab[i].n) == 0)
			return tab[i].p;
	return NULL;
}

/* The event's shape arguments, parsed. */
struct args {
	cJSON *dims, *types, *strides, *concrete;
};

static const cJSON *
at(const cJSON *a, int i)
{
	return cJSON_IsArray(a) ? cJSON_GetArrayItem(a, i) : NULL;
}

static const char *
str_at(const cJSON *a, int i)
{
	return cJSON_GetStringValue(at(a, i));
}

static int
isnum(const cJSON *v)
{
	return cJSON_IsNumber(v);
}

static double
prod(const cJSON *shape)
{
	double p = 1;
	const cJSON *d;

	cJSON_ArrayForEach(d, shape)
		p *= d->valuedouble;
	return p;
}

static cJSON *
dup_or_null(const cJSON *v)
{
	return v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull();
}

static cJSON *
pair(const char *a, const char *b)
{
	cJSON *p = cJSON_CreateArray();

	cJSON_AddItemToArray(p, a ? cJSON_CreateString(a) : cJSON_CreateNull());
	cJSON_AddItemToArray(p, b ? cJSON_CreateString(b) : cJSON_CreateNull());
	return p;
}

static void
spec(struct perf_model *m, const char *maf, const char *dtype)
{
	const char *p = precision(dtype);

	if (p)
		snprintf(m->spec, sizeof m->spec, "%s_%s", maf, p);
}

/* 2-D shape at index i: rows and columns, or -1 when it is not 2-D. */
static int
dims2(const cJSON *dims, int i, double *r, double *c)
{
	const cJSON *s = at(dims, i);

	if (cJSON_GetArraySize(s) != 2 || !isnum(at(s, 0)) || !isnum(at(s, 1)))
		return -1;
	*r = at(s, 0)->valuedouble;
	*c = at(s, 1)->valuedouble;
	return 0;
}

static int
dims3(const cJSON *dims, int i, double v[3])
{
	const cJSON *s = at(dims, i);

	if (cJSON_GetArraySize(s) != 3)
		return -1;
	for (int k = 0; k < 3; k++) {
		if (!isnum(at(s, k)))
			return -1;
		v[k] = at(s, k)->valuedouble;
	}
	return 0;
}

static int
gemm(const char *name, const struct args *a, struct perf_model *m)
{
	int bias, a_i, b_i, batched = 0;
	double M, N, K, B = 1, x, v[3], w[3], e;
	const char *ta, *tb;
	cJSON *p;

	if (strcmp(name, "aten::mm") == 0 || strcmp(name, "aten::_scaled_mm") == 0) {
		a_i = 0;
		b_i = 1;
		bias = strcmp(name, "aten::_scaled_mm") == 0 &&
		    cJSON_GetArraySize(a->dims) == 3;
	} else if (strcmp(name, "aten::addmm") == 0) {
		a_i = 1;
		b_i = 2;
		bias = 1;
	} else if (strcmp(name, "aten::bmm") == 0) {
		a_i = 0;
		b_i = 1;
		bias = 0;
		batched = 1;
	} else if (strcmp(name, "aten::baddbmm") == 0) {
		a_i = 1;
		b_i = 2;
		bias = 1;
		batched = 1;
	} else {
		return -1;
	}
	if (batched) {
		if (dims3(a->dims, a_i, v) < 0 || dims3(a->dims, b_i, w) < 0)
			return -1;
		B = v[0];
		M = v[1];
		K = v[2];
		N = w[2];
	} else {
		if (dims2(a->dims, a_i, &M, &K) < 0 ||
		    dims2(a->dims, b_i, &x, &N) < 0)
			return -1;
	}
	ta = str_at(a->types, a_i);
	tb = str_at(a->types, b_i);
	p = cJSON_CreateObject();
	if (batched)
		cJSON_AddNumberToObject(p, "B", B);
	cJSON_AddNumberToObject(p, "M", M);
	cJSON_AddNumberToObject(p, "N", N);
	cJSON_AddNumberToObject(p, "K", K);
	cJSON_AddBoolToObject(p, "bias", bias);
	cJSON_AddItemToObject(p, "stride_A", dup_or_null(at(a->strides, a_i)));
	cJSON_AddItemToObject(p, "stride_B", dup_or_null(at(a->strides, b_i)));
	cJSON_AddItemToObject(p, "dtype_A_B", pair(ta, tb));
	if (!batched)
		cJSON_AddNumberToObject(p, "B", 1);
	m->params = p;
	m->sheet = "GEMM";
	m->flops = B * (2 * M * N * K + (bias ? M * N : 0));
	e = bpe(ta);
	if (strcmp(name, "aten::_scaled_mm") == 0) {
		double o = e == 1 ? 2 : (e == 2 || e == 4) ? e : 0;

		m->bytes = e && bpe(tb) && o ? M * K * e + K * N * e + M * N * o +
		    (bias ? N * e : 0) : NAN;
	} else {
		m->bytes = e ? B * (M * K * e + K * N * e + M * N * e +
		    (bias ? N * e : 0)) : NAN;
	}
	spec(m, "matrix", ta);
	return 0;
}

static int
is_true(const char *s)
{
	return s && strcasecmp(s, "true") == 0;
}

static int
sdpa(const char *name, const struct args *a, struct perf_model *m)
{
	int q[4], flash = 1, bnhd, di, ci;
	double s[3][4];
	const char *dtype = str_at(a->types, 0), *dr, *ca;
	double dropout, flops, causal;
	cJSON *p;

	if (strcmp(name, "aten::_scaled_dot_product_flash_attention") == 0) {
		bnhd = 0;
		di = 3;
		ci = 4;
	} else if (strcmp(name,
	    "aten::_scaled_dot_product_efficient_attention") == 0 ||
	    strcmp(name, "aten::_scaled_dot_product_cudnn_attention") == 0) {
		bnhd = 0;
		di = 5;
		ci = 6;
		flash = 0;
	} else if (strcmp(name, "FlashAttnFunc") == 0 ||
	    strcmp(name, "flash_attn::_flash_attn_forward") == 0) {
		bnhd = 1;
		di = 3;
		ci = 5;
	} else {
		return -1;
	}
	/* index of B, H, N, d in each shape */
	q[0] = 0;
	q[1] = bnhd ? 2 : 1;
	q[2] = bnhd ? 1 : 2;
	q[3] = 3;
	for (int t = 0; t < 3; t++) {
		const cJSON *sh = at(a->dims, t);

		if (cJSON_GetArraySize(sh) != 4)
			return -1;
		for (int k = 0; k < 4; k++) {
			if (!isnum(at(sh, q[k])))
				return -1;
			s[t][k] = at(sh, q[k])->valuedouble;
		}
	}
	if (s[0][0] != s[1][0] || s[0][0] != s[2][0] || s[1][1] != s[2][1] ||
	    s[1][2] != s[2][2] || s[0][3] != s[1][3])
		return -1;
	dr = str_at(a->concrete, di);
	ca = str_at(a->concrete, ci);
	if (!dr || !ca)
		return -1;
	dropout = dr[0] && strcmp(dr, "None") != 0 ? strtod(dr, NULL) : 0;
	causal = is_true(ca);
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "B", s[0][0]);
	cJSON_AddNumberToObject(p, "N_Q", s[0][2]);
	cJSON_AddNumberToObject(p, "H_Q", s[0][1]);
	cJSON_AddNumberToObject(p, "N_KV", s[1][2]);
	cJSON_AddNumberToObject(p, "H_KV", s[1][1]);
	cJSON_AddNumberToObject(p, "d_h_qk", s[0][3]);
	cJSON_AddNumberToObject(p, "d_h_v", s[2][3]);
	if (bnhd) {
		cJSON_AddItemToObject(p, "q_stride", dup_or_null(at(a->strides, 0)));
		cJSON_AddItemToObject(p, "k_stride", dup_or_null(at(a->strides, 1)));
		cJSON_AddItemToObject(p, "v_stride", dup_or_null(at(a->strides, 2)));
	}
	cJSON_AddNumberToObject(p, "dropout", dropout);
	cJSON_AddBoolToObject(p, "causal", causal);
	cJSON_AddBoolToObject(p, "flash_impl", flash);
	cJSON_AddItemToObject(p, "dtype_A_B", pair(dtype, str_at(a->types, 1)));
	m->params = p;
	m->sheet = "SDPA_fwd";
	flops = s[0][0] * s[0][1] * (2 * s[0][2] * s[1][2] * s[0][3]) +
	    s[0][0] * s[0][1] * (2 * s[0][2] * s[2][3] * s[1][2]);
	if (causal) {
		if (s[0][2] != s[1][2]) {
			cJSON_Delete(p);
			m->params = NULL;
			return -1;
		}
		flops /= 2;
	}
	m->flops = flops;
	m->bytes = 2 * (s[0][0] * s[0][2] * s[0][1] * s[0][3] +
	    s[1][0] * s[1][2] * s[1][1] * s[1][3] +
	    s[2][0] * s[2][2] * s[2][1] * s[2][3] +
	    s[0][0] * s[0][2] * s[0][1] * s[2][3]);
	spec(m, "matrix", dtype);
	return 0;
}

static int
unary(const struct args *a, struct perf_model *m)
{
	const cJSON *shape = at(a->dims, 0), *out = at(a->dims, 1);
	const char *din = str_at(a->types, 0), *dout = NULL;
	int has_out = cJSON_GetArraySize(a->dims) > 1 &&
	    cJSON_GetArraySize(out) > 0;
	double n, bi, bo;
	cJSON *p;

	if (!cJSON_IsArray(shape))
		return -1;
	if (has_out)
		dout = str_at(a->types, 1);
	n = prod(shape);
	bi = bpe(din);
	bo = has_out ? bpe(dout) : bi;
	p = cJSON_CreateObject();
	cJSON_AddItemToObject(p, "op_shape", cJSON_Duplicate(shape, 1));
	cJSON_AddItemToObject(p, "dtype_in_out", pair(din, dout));
	cJSON_AddItemToObject(p, "stride_input", dup_or_null(at(a->strides, 0)));
	cJSON_AddItemToObject(p, "stride_output", has_out ?
	    dup_or_null(at(a->strides, 1)) : cJSON_CreateNull());
	m->params = p;
	m->sheet = "UnaryElementwise";
	m->flops = n;
	m->bytes = bi && bo ? n * bi + n * bo : NAN;
	spec(m, "vector", din);
	return 0;
}

static int
binary(const struct args *a, struct perf_model *m)
{
	const cJSON *s1 = at(a->dims, 0), *s2 = at(a->dims, 1);
	const char *d1 = str_at(a->types, 0), *d2 = str_at(a->types, 1);
	const char *dout = NULL;
	int n1, n2, nd, has_out = cJSON_GetArraySize(a->dims) > 2 &&
	    cJSON_GetArraySize(at(a->dims, 2)) > 0;
	double nout = 1, b1, b2, bo;
	cJSON *p, *d3;

	if (!cJSON_IsArray(s1) || !cJSON_IsArray(s2))
		return -1;
	n1 = cJSON_GetArraySize(s1);
	n2 = cJSON_GetArraySize(s2);
	nd = n1 > n2 ? n1 : n2;
	for (int i = 0; i < nd; i++) {
		int i1 = i - (nd - n1), i2 = i - (nd - n2);
		double x = i1 >= 0 ? at(s1, i1)->valuedouble : 1;
		double y = i2 >= 0 ? at(s2, i2)->valuedouble : 1;

		if (x != y && x != 1 && y != 1)
			return -1;
		nout *= x > y ? x : y;
	}
	if (has_out)
		dout = str_at(a->types, 2);
	b1 = bpe(d1);
	b2 = bpe(d2);
	if (dout)
		bo = bpe(dout);
	else if (b1 && b2)
		bo = n1 && n2 ? (b1 > b2 ? b1 : b2) : b1;
	else
		bo = 0;
	p = cJSON_CreateObject();
	cJSON_AddItemToObject(p, "shape_in1", cJSON_Duplicate(s1, 1));
	cJSON_AddItemToObject(p, "shape_in2", cJSON_Duplicate(s2, 1));
	d3 = pair(d1, d2);
	cJSON_AddItemToArray(d3, dout ? cJSON_CreateString(dout) :
	    cJSON_CreateNull());
	cJSON_AddItemToObject(p, "dtype_in1_in2_out", d3);
	cJSON_AddItemToObject(p, "stride_input1", dup_or_null(at(a->strides, 0)));
	cJSON_AddItemToObject(p, "stride_input2", dup_or_null(at(a->strides, 1)));
	cJSON_AddItemToObject(p, "stride_output", has_out ?
	    dup_or_null(at(a->strides, 2)) : cJSON_CreateNull());
	m->params = p;
	m->sheet = "BinaryElementwise";
	m->flops = nout;
	m->bytes = b1 && b2 && bo ? prod(s1) * b1 + prod(s2) * b2 + nout * bo :
	    NAN;
	spec(m, "vector", d1);
	return 0;
}

/* The product of the list in a string such as "[512]". */
static int
list_prod(const char *s, double *out)
{
	cJSON *v = s ? cJSON_Parse(s) : NULL;
	const cJSON *d;

	if (!cJSON_IsArray(v)) {
		cJSON_Delete(v);
		return -1;
	}
	*out = 1;
	cJSON_ArrayForEach(d, v)
		*out *= d->valuedouble;
	cJSON_Delete(v);
	return 0;
}

static int
norm(const char *name, const struct args *a, struct perf_model *m)
{
	const cJSON *shape = at(a->dims, 0);
	const char *din = str_at(a->types, 0), *tr;
	double n, c, b, flops, w;
	int affine, bias, training, rms = 0;
	cJSON *p;

	if (!cJSON_IsArray(shape))
		return -1;
	affine = at(a->dims, 2) && !cJSON_IsNull(at(a->dims, 2));
	if (strstr(name, "layer_norm")) {
		if (list_prod(str_at(a->concrete, 1), &c) < 0)
			return -1;
		bias = at(a->dims, 3) && !cJSON_IsNull(at(a->dims, 3));
		training = 1;
	} else if (strcmp(name, "aten::_fused_rms_norm") == 0) {
		if (list_prod(str_at(a->concrete, 1), &c) < 0)
			return -1;
		bias = 0;
		training = 0;
		rms = 1;
	} else if (strstr(name, "batch_norm") || strstr(name,
	    "instance_norm")) {
		if (cJSON_GetArraySize(shape) < 2)
			return -1;
		c = at(shape, 1)->valuedouble;
		tr = str_at(a->concrete, 5);
		training = tr && tr[0];
		bias = 1;
	} else if (strstr(name, "group_norm")) {
		if (cJSON_GetArraySize(shape) < 2)
			return -1;
		c = at(shape, 1)->valuedouble;
		training = 1;
		bias = 1;
	} else {
		return -1;
	}
	n = prod(shape);
	b = bpe(din);
	p = cJSON_CreateObject();
	cJSON_AddItemToObject(p, "op_shape", cJSON_Duplicate(shape, 1));
	cJSON_AddItemToObject(p, "dtype_in_out", pair(din, NULL));
	cJSON_AddItemToObject(p, "stride_input", dup_or_null(at(a->strides, 0)));
	cJSON_AddNullToObject(p, "stride_output");
	cJSON_AddNumberToObject(p, "num_channels", c);
	cJSON_AddBoolToObject(p, "has_bias", bias);
	cJSON_AddBoolToObject(p, "is_affine", affine);
	cJSON_AddBoolToObject(p, "is_training", training);
	m->params = p;
	m->sheet = "Normalization";
	if (rms) {
		flops = n / c * (2 * c + 2) + n * (affine ? 2 : 1);
		m->bytes = b ? n * b + n * b + (affine ? c * b : 0) : NAN;
	} else {
		flops = c * 3 + (training ? n * 3 : 0) + c * 3 + 2 * n;
		w = 2 + (affine ? 1 + (bias ? 1 : 0) : 0) + (training ? 2 : 0);
		m->bytes = b ? n * b + n * b + w * c * b : NAN;
	}
	m->flops = flops;
	spec(m, "vector", din);
	return 0;
}

static int
reduce(const char *name, const struct args *a, struct perf_model *m)
{
	const cJSON *shape = at(a->dims, 0);
	const char *din = str_at(a->types, 0), *rt;
	double nin = 0, nout = 0, b;
	cJSON *p;

	if (cJSON_IsArray(shape) && cJSON_GetArraySize(a->dims) > 0) {
		nin = prod(shape);
		/* the dims in Concrete Inputs are strings, which TraceLens
		 * does not parse: the output is one element */
		nout = strstr(name, "cumsum") || strstr(name, "cumprod") ?
		    nin : 1;
	} else {
		din = NULL;
	}
	rt = strstr(name, "mean") ? "mean" : strstr(name, "max") ? "max" :
	    strstr(name, "min") ? "min" : strstr(name, "norm") ? "norm" :
	    "sum";
	b = din && din[0] ? bpe(din) : 0;
	p = cJSON_CreateObject();
	cJSON_AddNumberToObject(p, "num_input_elems", nin);
	cJSON_AddNumberToObject(p, "num_output_elems", nout);
	cJSON_AddItemToObject(p, "dtype_in_out", pair(din, NULL));
	cJSON_AddStringToObject(p, "reduce_type", rt);
	m->params = p;
	m->sheet = "Reduce_fwd";
	m->flops = nin;
	m->bytes = b ? nin * b + nout * b : NAN;
	if (din)
		spec(m, "vector", din);
	return 0;
}

int
perf_model(const struct trace *t, const struct ev *e, struct perf_model *m)
{
	const char *name = str_get(&t->s, e->name);
	const char *sheet = perf_sheet(name);
	struct args a;
	int rc = -1;

	memset(m, 0, sizeof *m);
	if (!sheet)
		return -1;
	a.dims = e->dims ? cJSON_Parse(str_get(&t->s, e->dims)) : NULL;
	a.types = e->types ? cJSON_Parse(str_get(&t->s, e->types)) : NULL;
	a.strides = e->strides ? cJSON_Parse(str_get(&t->s, e->strides)) : NULL;
	a.concrete = e->concrete ? cJSON_Parse(str_get(&t->s, e->concrete)) :
	    NULL;
	if (!a.dims || !a.types)
		goto out;
	if (strcmp(sheet, "GEMM") == 0)
		rc = gemm(name, &a, m);
	else if (strcmp(sheet, "SDPA") == 0)
		rc = sdpa(name, &a, m);
	else if (strcmp(sheet, "UnaryElementwise") == 0 &&
	    strncmp(name, "aten::replication_pad", 21) != 0 &&
	    strncmp(name, "aten::upsample", 14) != 0 &&
	    strncmp(name, "aten::", 6) == 0)
		rc = unary(&a, m);
	else if (strcmp(sheet, "BinaryElementwise") == 0 &&
	    strncmp(name, "aten::", 6) == 0)
		rc = binary(&a, m);
	else if (strcmp(sheet, "Normalization") == 0 &&
	    !strstr(name, "backward"))
		rc = norm(name, &a, m);
	else if (strcmp(sheet, "Reduce") == 0)
		rc = reduce(name, &a, m);
out:
	cJSON_Delete(a.dims);
	cJSON_Delete(a.types);
	cJSON_Delete(a.strides);
	cJSON_Delete(a.concrete);
	return rc;
}

/* ---- grouping and output ---- */

struct call {
	int32_t ev;
	struct launcher k;	/* the kernels below the op, by start */
	double busy;
};

struct pgroup {
	const char *sheet;
	char *key;		/* name + params, canonical */
	cJSON *params;
	double flops, bytes;
	char spec[32];
	struct call *c;
	size_t n, cap;
	double sum;
	uint32_t uid;
};

static int
by_sheet_time(const void *a, const void *b)
{
	const struct pgroup *x = a, *y = b;
	int s = strcmp(x->sheet, y->sheet);

	if (s)
		return s;
	if (x->sum != y->sum)
		return x->sum < y->sum ? 1 : -1;
	return (x->uid > y->uid) - (x->uid < y->uid);
}

/* Stats over the finite values only, as pandas skips NaN. */
void
perf_stats(cJSON *r, const char *fmt, const double *v, size_t n)
{
	static const char *const suf[5] = { "mean", "median", "std", "min",
	    "max" };
	double *f = bp_xmalloc((n + 1) * sizeof *f), s[6];
	size_t m = 0;
	char key[64];

	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i]))
			f[m++] = v[i];
	stats6(f, m, s);
	for (int i = 0; i < 5; i++) {
		snprintf(key, sizeof key, fmt, suf[i]);
		rec_num(r, key, m ? s[i] : NAN);
	}
	free(f);
}

static double
mean_finite(const double *v, size_t n)
{
	double sum = 0;
	size_t m = 0;

	for (size_t i = 0; i < n; i++)
		if (isfinite(v[i])) {
			sum += v[i];
			m++;
		}
	return m ? sum / m : NAN;
}

/* Per call: TFLOP/s and TB/s from the kernel (busy) time in us. */
static void
rates(const struct perf_model *m, const double *busy, size_t n, double *tf,
    double *tb)
{
	for (size_t i = 0; i < n; i++) {
		tf[i] = busy[i] > 0 ? (m->flops / 1e9 / 1e3) / (busy[i] / 1e6) :
		    NAN;
		tb[i] = busy[i] > 0 && isfinite(m->bytes) ?
		    (m->bytes / 1e12) / (busy[i] / 1e6) : NAN;
	}
}

void
perf_rates(cJSON *r, const struct perf_model *m, const double *busy,
    size_t n)
{
	double gflops = m->flops / 1e9;
	double *tf = bp_xmalloc((n + 1) * sizeof *tf);
	double *tb = bp_xmalloc((n + 1) * sizeof *tb);

	rates(m, busy, n, tf, tb);
	rec_num(r, "gflops", gflops);
	rec_num(r, "data_moved_mb", m->bytes / (1024 * 1024));
	rec_num(r, "flops_per_byte", m->bytes > 0 ? gflops * 1e9 / m->bytes :
	    NAN);
	if (m->spec[0])
		cJSON_AddStringToObject(r, "compute_spec", m->spec);
	else
		cJSON_AddNullToObject(r, "compute_spec");
	perf_stats(r, "tflops_%s", tf, n);
	perf_stats(r, "tbps_%s", tb, n);
	free(tf);
	free(tb);
}

/* The share of the device's peaks, and the roofline, when they are known. */
void
perf_peaks(cJSON *r, const struct trace *t, const struct perf_model *m,
    const double *busy, size_t n, const struct opts *o)
{
	const struct gpu_peak *gp = peak_gpu(t);
	double gflops = m->flops / 1e9, peak, bw;
	double *tf = bp_xmalloc((n + 1) * sizeof *tf);
	double *tb = bp_xmalloc((n + 1) * sizeof *tb);
	double *pr = bp_xmalloc((n + 1) * sizeof *pr);

	rates(m, busy, n, tf, tb);
	peak = o->peak_tflops > 0 ? o->peak_tflops : peak_for(m->spec, gp);
	bw = o->peak_tbps > 0 ? o->peak_tbps : gp ? gp->tbps : 0;
	if (peak > 0) {
		rec_num(r, "peak_tflops", peak);
		rec_num(r, "pct_peak_tflops_mean", mean_finite(tf, n) / peak *
		    100);
	}
	if (bw > 0) {
		rec_num(r, "peak_tbps", bw);
		rec_num(r, "pct_peak_tbps_mean", mean_finite(tb, n) / bw * 100);
	}
	if (peak > 0 && bw > 0 && isfinite(m->bytes) && gflops > 0) {
		double ct = gflops * 1e9 / (peak * 1e12) * 1e6;
		double mt = m->bytes / (bw * 1e12) * 1e6;
		double rt = ct > mt ? ct : mt;

		for (size_t i = 0; i < n; i++)
			pr[i] = busy[i] > 0 ? rt / busy[i] * 100 : NAN;
		rec_num(r, "roofline_time_us", rt);
		cJSON_AddStringToObject(r, "roofline_bound", ct >= mt ?
		    "compute" : "memory");
		perf_stats(r, "pct_roofline_%s", pr, n);
	}
	free(tf);
	free(tb);
	free(pr);
}

static void
emit_group(struct trace *t, const struct pgroup *g, const struct opts *o)
{
	cJSON *r = rec_new(t, "trace_perf", o);
	struct perf_model m = { g->sheet, g->params, g->flops, g->bytes, "" };
	const struct launcher **lv;
	double *kt;
	size_t n = g->n;

	memcpy(m.spec, g->spec, sizeof m.spec);
	kt = bp_xmalloc((n + 1) * sizeof *kt);
	lv = bp_xmalloc((n + 1) * sizeof *lv);
	for (size_t i = 0; i < n; i++) {
		kt[i] = g->c[i].busy;
		lv[i] = &g->c[i].k;
	}
	cJSON_AddStringToObject(r, "sheet", g->sheet);
	cJSON_AddStringToObject(r, "name", str_get(&t->s, t->ev[g->c[0].ev].name));
	cJSON_AddItemToObject(r, "params", cJSON_Duplicate(g->params, 1));
	cJSON_AddNumberToObject(r, "count", (double)n);
	cJSON_AddNumberToObject(r, "ex_uid", g->uid);
	perf_rates(r, &m, kt, n);
	perf_stats(r, "kernel_time_%s_us", kt, n);
	rec_num(r, "kernel_time_sum_us", g->sum);
	perf_peaks(r, t, &m, kt, n, o);
	cJSON_AddItemToObject(r, "kernels", kernel_summary(t, lv, n));
	rec_emit(r);
	free(kt);
	free(lv);
}

/* The group of op e's model (found or added), or -1 when it has none. */
static int64_t
group_for(const struct trace *t, const struct ev *e, struct pgroup **g,
    size_t *ng, struct imap *at)
{
	struct perf_model m;
	char *params, *key;
	int64_t *hit, h;
	uint64_t hu = 14695981039346656037ULL;
	struct pgroup *pg;

	if (perf_model(t, e, &m) < 0)
		return -1;
	params = cJSON_PrintUnformatted(m.params);
	key = bp_xmalloc(strlen(params) + strlen(m.sheet) + 32);
	sprintf(key, "%s\n%u\n%s", m.sheet, e->name, params);
	free(params);
	for (const char *p = key; *p; p++)
		hu = (hu ^ (unsigned char)*p) * 1099511628211ULL;
	h = (int64_t)(hu >> 1);
	for (int64_t probe = 0; (hit = imap_get(at, h, probe, 0)); probe++)
		if (strcmp((*g)[*hit].key, key) == 0) {
			free(key);
			cJSON_Delete(m.params);
			return *hit;
		}
	{
		int64_t probe = 0;

		while (imap_get(at, h, probe, 0))
			probe++;
		imap_put(at, h, probe, 0, (int64_t)*ng);
	}
	*g = bp_xrealloc(*g, (*ng + 1) * sizeof **g);
	pg = &(*g)[*ng];
	memset(pg, 0, sizeof *pg);
	pg->sheet = m.sheet;
	pg->key = key;
	pg->params = m.params;
	pg->flops = m.flops;
	pg->bytes = m.bytes;
	memcpy(pg->spec, m.spec, sizeof pg->spec);
	pg->uid = e->uid;
	return (int64_t)(*ng)++;
}

void
table_perf(struct trace *t, const struct opts *o)
{
	struct pgroup *g = NULL;
	size_t ng = 0;
	struct imap at = { 0 }, seen = { 0 };
	int32_t *sub = NULL;
	size_t nsub = 0, capsub = 0;

	if (!t->has_gpu)
		return;
	for (size_t i = 0; i < t->nev; i++) {
		const struct ev *e = &t->ev[i];
		int64_t *known, gi;
		struct pgroup *pg;
		struct call *c;

		if (e->cat != C_CPU_OP || !perf_sheet(str_get(&t->s, e->name)))
			continue;
		/* ops with the same arguments share a model and a group */
		known = imap_get(&seen, e->name | (int64_t)e->dims << 32,
		    e->types | (int64_t)e->strides << 32, e->concrete);
		if (known) {
			gi = *known;
		} else {
			gi = group_for(t, e, &g, &ng, &at);
			imap_put(&seen, e->name | (int64_t)e->dims << 32,
			    e->types | (int64_t)e->strides << 32, e->concrete, gi);
		}
		if (gi < 0)
			continue;
		pg = &g[gi];
		if (pg->n == pg->cap) {
			pg->cap = pg->cap ? pg->cap * 2 : 8;
			pg->c = bp_xrealloc(pg->c, pg->cap * sizeof *pg->c);
		}
		c = &pg->c[pg->n++];
		memset(c, 0, sizeof *c);
		c->ev = (int32_t)i;
		subtree_gpu(t, (int32_t)i, &sub, &nsub, &capsub);
		c->k.ev = (int32_t)i;
		c->k.nk = nsub;
		c->k.k = bp_xmalloc((nsub + 1) * sizeof *c->k.k);
		if (nsub)
			memcpy(c->k.k, sub, nsub * sizeof *sub);
		sort_by_ts(t, c->k.k, nsub);
		c->busy = busy_us(t, sub, nsub);
		pg->sum += c->busy;
	}
	if (ng)
		qsort(g, ng, sizeof *g, by_sheet_time);
	for (size_t i = 0; i < ng; i++) {
		emit_group(t, &g[i], o);
		for (size_t j = 0; j < g[i].n; j++)
			free(g[i].c[j].k.k);
		free(g[i].c);
		free(g[i].key);
		cJSON_Delete(g[i].params);
	}
	free(g);
	free(sub);
	imap_free(&at);
	imap_free(&seen);
}
