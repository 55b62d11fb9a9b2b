/*
 * models.c - bench-run's built-in models driven as the harness drives
 * them (setup, run, finish, teardown) on small sizes: answers checked,
 * wrong answers caught, bad params refused, cuda skipped without a GPU.
 * The model sources are included, so their static state is reachable;
 * models.c is not, so that a model added there by another file does not
 * break this program's link (bench-run-models.bats checks the registry).
 */
#include <math.h>
#include <stdlib.h>
#include <unistd.h>

#include <zlib.h>

#include "../../cmd/bench-run/mnist.c"
#include "../../cmd/bench-run/model_gemm.c"
#include "../../cmd/bench-run/model_membw.c"
#include "../../cmd/bench-run/model_mlp.c"
#include "../../cmd/bench-run/modelutil.c"
#include "../../cmd/bench-run/team.c"
#include "cuda.h"
#include "test.h"

static const struct model *const mine[] = {
	&model_gemm, &model_membw, &model_mlp, NULL,
};

static const struct model *
find(const char *name)
{
	size_t i;

	for (i = 0; mine[i]; i++)
		if (strcmp(mine[i]->name, name) == 0)
			return mine[i];
	return NULL;
}

struct runner {
	const struct model *m;
	struct model_env env;
	struct model_plan plan;
	struct model_err err;
	void *state;
	cJSON *params, *result;
	double last_ms;
	struct model_metrics mm;
};

/* "k=v,k=v" as the harness hands params over: strings. */
static void
r_init(struct runner *r, const char *model, const char *backend,
    const char *params)
{
	char *s = bp_xstrdup(params), *kv, *save = NULL, *eq;

	memset(r, 0, sizeof *r);
	r->m = find(model);
	r->params = cJSON_CreateObject();
	for (kv = strtok_r(s, ",", &save); kv; kv = strtok_r(NULL, ",",
	    &save)) {
		eq = strchr(kv, '=');
		*eq = '\0';
		cJSON_AddStringToObject(r->params, kv, eq + 1);
	}
	free(s);
	r->env.params = r->params;
	r->env.backend = backend;
	r->plan.warmup = r->plan.iterations = -1;
	r->result = cJSON_CreateObject();
}

static int
r_setup(struct runner *r)
{
	return r->m->setup(&r->env, &r->state, &r->plan, &r->err);
}

static int
r_run(struct runner *r, int n)
{
	int i;

	for (i = 0; i < n; i++) {
		r->mm.n = 0;
		if (r->m->run(r->state, i, 0, &r->last_ms, &r->mm,
		    &r->err) != 0)
			return -1;
	}
	return 0;
}

static double
r_metric(const struct runner *r, const char *name)
{
	int i;

	for (i = 0; i < r->mm.n; i++)
		if (strcmp(r->mm.name[i], name) == 0)
			return r->mm.value[i];
	return NAN;
}

static void
r_done(struct runner *r)
{
	if (r->state)
		r->m->teardown(r->state);
	cJSON_Delete(r->params);
	cJSON_Delete(r->result);
}

static int
check_ok(const struct runner *r)
{
	return cJSON_IsTrue(bp_json_path(r->result, "check.ok"));
}

static double
result_num(const struct runner *r, const char *path)
{
	double v = NAN;

	bp_json_num(r->result, path, &v);
	return v;
}

static void
test_declarations(void)
{
	const struct model_param *p;
	size_t i;

	for (i = 0; mine[i]; i++) {
		for (p = mine[i]->params; p->name; p++)
			if (!p->def || !p->help)
				break;
		ok(!p->name && strcmp(mine[i]->backends, "cpu,cuda") == 0 &&
		    mine[i]->setup && mine[i]->run && mine[i]->finish &&
		    mine[i]->teardown,
		    "%s declares defaults and help for every param",
		    mine[i]->name);
	}
}

static void
test_gemm(const char *params, double tol)
{
	struct runner r;
	int rc;

	r_init(&r, "gemm", "cpu", params);
	rc = r_setup(&r);
	ok(rc == 0, "gemm %s: setup", params);
	if (rc != 0) {
		printf("# %s: %s\n", r.err.type, r.err.msg);
		r_done(&r);
		return;
	}
	ok(r_run(&r, 2) == 0 && r.last_ms > 0, "gemm %s: two iterations",
	    params);
	ok(r_metric(&r, "tflops") > 0, "gemm %s: tflops %.3g", params,
	    r_metric(&r, "tflops"));
	ok(r.m->finish(r.state, r.result, &r.err) == 0 && check_ok(&r),
	    "gemm %s: check ok", params);
	ok(result_num(&r, "check.rel_err") < tol, "gemm %s: rel_err %.3g < %g",
	    params, result_num(&r, "check.rel_err"), tol);
	r_done(&r);
}

static void
test_gemm_wrong(const char *params, size_t index)
{
	struct runner r;
	struct gemm *g;

	r_init(&r, "gemm", "cpu", params);
	if (r_setup(&r) != 0 || r_run(&r, 1) != 0) {
		ok(0, "gemm %s: setup and run", params);
		r_done(&r);
		return;
	}
	g = r.state;
	if (g->dtype == GEMM_FP64)
		((double *)g->c)[index] += 0.5;
	else
		((float *)g->c)[index] += 0.5f;
	ok(r.m->finish(r.state, r.result, &r.err) == -1 && r.err.type &&
	    strcmp(r.err.type, "wrong_result") == 0,
	    "gemm %s: C[%zu] off by 0.5 is a wrong_result", params, index);
	ok(!check_ok(&r) && result_num(&r, "check.rel_err") > 1e-5,
	    "gemm %s: check.ok false, rel_err %.3g", params,
	    result_num(&r, "check.rel_err"));
	r_done(&r);
}

/* A setup that must fail with type and a message containing want. */
static void
test_refused(const char *model, const char *backend, const char *params,
    const char *type, const char *want)
{
	struct runner r;
	int rc;

	r_init(&r, model, backend, params);
	rc = r_setup(&r);
	ok(rc == -1 && r.state == NULL && r.err.type &&
	    strcmp(r.err.type, type) == 0 && strstr(r.err.msg, want),
	    "%s -b %s -p '%s' fails: %s", model, backend, params, type);
	if (rc == -1 && (!r.err.type || !strstr(r.err.msg, want)))
		printf("#   got %s: %s\n", r.err.type ? r.err.type : "(null)",
		    r.err.msg);
	r_done(&r);
}

static void
test_membw(const char *params)
{
	struct runner r;
	struct membw *w;
	int rc;

	r_init(&r, "membw", "cpu", params);
	r.env.threads = 2;
	if (r_setup(&r) != 0) {
		ok(0, "membw %s: setup: %s", params, r.err.msg);
		r_done(&r);
		return;
	}
	rc = r_run(&r, 3);
	ok(rc == 0 && r_metric(&r, "gbps") > 0, "membw %s: gbps %.3g",
	    params, r_metric(&r, "gbps"));
	ok(r.m->finish(r.state, r.result, &r.err) == 0 && check_ok(&r) &&
	    result_num(&r, "check.rel_err") == 0,
	    "membw %s: the destination verifies", params);
	cJSON_Delete(r.result);
	r.result = cJSON_CreateObject();
	w = r.state;
	w->a[w->n - 1] += 1;
	ok(r.m->finish(r.state, r.result, &r.err) == -1 &&
	    strcmp(r.err.type, "wrong_result") == 0 && !check_ok(&r),
	    "membw %s: a wrong last element is a wrong_result", params);
	r_done(&r);
}

/* Trains on synthetic data; returns the accuracy, or NAN. */
static double
mlp_train(const char *params, int threads, double *loss, int quiet)
{
	struct runner r;
	double acc = NAN, l0, l1;
	int rc;

	r_init(&r, "mlp", "cpu", params);
	r.env.threads = threads;
	rc = r_setup(&r);
	if (!quiet)
		ok(rc == 0 && r.plan.warmup == 0 && r.plan.iterations == 2,
		    "mlp %s: setup plans 2 epochs, no warmup", params);
	if (rc != 0) {
		printf("# %s: %s\n", r.err.type, r.err.msg);
		r_done(&r);
		return NAN;
	}
	rc = r_run(&r, 1);
	l0 = r_metric(&r, "train_loss");
	rc |= r_run(&r, 1);
	l1 = r_metric(&r, "train_loss");
	*loss = l1;
	rc |= r.m->finish(r.state, r.result, &r.err);
	if (!quiet) {
		ok(rc == 0 && r_metric(&r, "epoch_time_ms") > 0 &&
		    r_metric(&r, "items") == 2000,
		    "mlp %s: epochs report time and items", params);
		ok(isfinite(l0) && l1 < l0, "mlp %s: loss falls %.4f -> %.4f",
		    params, l0, l1);
		ok(check_ok(&r) && result_num(&r, "check.rel_err") < 1e-4,
		    "mlp %s: logits agree with float64 (rel_err %.3g)", params,
		    result_num(&r, "check.rel_err"));
		ok(result_num(&r, "training_time_s") > 0 &&
		    result_num(&r, "peak_rss_mb") > 0,
		    "mlp %s: training_time_s and peak_rss_mb in the result",
		    params);
	}
	acc = result_num(&r, "test_accuracy_pct");
	r_done(&r);
	return acc;
}

static void
test_mlp(void)
{
	const char *p = "data=synthetic,samples=2000,hidden=32,epochs=2";
	const char *p2 = "data=synthetic,samples=2000,hidden=32,epochs=2,"
	    "layers=2";
	double acc, again, other, loss, loss2, loss3;

	acc = mlp_train(p, 1, &loss, 0);
	ok(acc >= 90, "mlp synthetic: test accuracy %.2f%% >= 90", acc);
	again = mlp_train(p, 1, &loss2, 1);
	ok(acc == again && loss == loss2,
	    "mlp: the same seed gives the same accuracy and loss");
	other = mlp_train(p, 2, &loss3, 1);
	ok(acc == other && loss == loss3,
	    "mlp: 2 threads give the same loss and accuracy as 1");
	mlp_train("data=synthetic,samples=2000,hidden=32,epochs=2,seed=7", 1,
	    &loss2, 1);
	ok(loss2 != loss, "mlp: another seed gives another loss");
	acc = mlp_train(p2, 1, &loss, 0);
	ok(acc >= 90, "mlp with 2 hidden layers: accuracy %.2f%%", acc);
}

static void
test_mlp_data_dir(void)
{
	struct runner r;

	r_init(&r, "mlp", "cpu", "epochs=1");
	r.env.data_dir = "/nonexistent/fashion";
	ok(r_setup(&r) == -1 && strcmp(r.err.type, "execution_error") == 0 &&
	    strstr(r.err.msg, "/nonexistent/fashion/train-images-idx3-ubyte"),
	    "mlp --data DIR without the files names them: %s", r.err.msg);
	r_done(&r);
}

static void
test_mlp_min_acc(void)
{
	struct runner r;

	r_init(&r, "mlp", "cpu", "data=synthetic,samples=500,hidden=4,"
	    "epochs=1,lr=0,min_acc=99");
	if (r_setup(&r) != 0 || r_run(&r, 1) != 0) {
		ok(0, "mlp lr=0: setup and run");
	} else {
		ok(r.m->finish(r.state, r.result, &r.err) == -1 &&
		    strcmp(r.err.type, "wrong_result") == 0 && !check_ok(&r) &&
		    strstr(r.err.msg, "min_acc"),
		    "mlp that does not learn is a wrong_result (%s)", r.err.msg);
	}
	r_done(&r);
}

/* Writes a gzip IDX file: header then the bytes. */
static void
write_idx(const char *path, const unsigned char *hdr, size_t hlen,
    const unsigned char *data, size_t dlen)
{
	gzFile f = gzopen(path, "wb");

	gzwrite(f, hdr, hlen);
	if (dlen)
		gzwrite(f, data, dlen);
	gzclose(f);
}

static void
test_mnist(void)
{
	static const unsigned char ih[] = {
		0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 28, 0, 0, 0, 28,
	};
	static const unsigned char lh[] = { 0, 0, 8, 1, 0, 0, 0, 3 };
	static const unsigned char bad[] = { 0, 0, 9, 3 };
	static const unsigned char labels[] = { 1, 9, 0 }, wrong[] = { 1, 2 };
	unsigned char pix[3 * 784];
	char dir[] = "/tmp/bp-models-XXXXXX", path[64], why[256];
	struct mnist s;
	int oom, i;

	if (!mkdtemp(dir)) {
		ok(0, "mkdtemp");
		return;
	}
	for (i = 0; i < 3 * 784; i++)
		pix[i] = i % 256;
	snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", dir);
	write_idx(path, ih, sizeof ih, pix, sizeof pix);
	snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte.gz", dir);
	write_idx(path, lh, sizeof lh, labels, sizeof labels);
	ok(mnist_load(&s, dir, "t10k", &oom, why, sizeof why) == 0 &&
	    s.n == 3 && s.dim == 784 && s.y[1] == 9 && s.x[255] == 1.0f &&
	    s.x[0] == 0, "mnist: a gzip IDX pair loads, pixels in [0, 1]");
	mnist_free(&s);

	write_idx(path, lh, sizeof lh, wrong, sizeof wrong);
	ok(mnist_load(&s, dir, "t10k", &oom, why, sizeof why) == -1 &&
	    strstr(why, "labels-idx1-ubyte") && !oom,
	    "mnist: a short label file is refused: %s", why);
	snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", dir);
	write_idx(path, bad, sizeof bad, NULL, 0);
	ok(mnist_load(&s, dir, "t10k", &oom, why, sizeof why) == -1 &&
	    strstr(why, "not an IDX image file"),
	    "mnist: a wrong magic number is refused: %s", why);
	ok(mnist_load(&s, dir, "train", &oom, why, sizeof why) == -1 &&
	    strstr(why, "train-images-idx3-ubyte"),
	    "mnist: a missing file is named: %s", why);
	snprintf(path, sizeof path, "%s/t10k-images-idx3-ubyte.gz", dir);
	unlink(path);
	snprintf(path, sizeof path, "%s/t10k-labels-idx1-ubyte.gz", dir);
	unlink(path);
	rmdir(dir);

	ok(mnist_synthetic(&s, 50, 1) == 0 && s.n == 50 && s.y[0] < 10,
	    "mnist: a synthetic set has labels 0-9");
	mnist_free(&s);
}

static void
test_fashion(void)
{
	struct runner r;

	if (access(MNIST_DIR "/train-images-idx3-ubyte.gz", R_OK) != 0) {
		ok(1, "mlp loads Fashion-MNIST # skip no %s", MNIST_DIR);
		return;
	}
	r_init(&r, "mlp", "cpu", "samples=1000,hidden=16,epochs=1,min_acc=0");
	ok(r_setup(&r) == 0 && ((struct mlp *)r.state)->train.n == 1000 &&
	    ((struct mlp *)r.state)->test.n == 10000,
	    "mlp loads Fashion-MNIST: 1000 of 60000 training, 10000 test");
	r_done(&r);
}

static void
test_cuda(void)
{
	static const char *const cases[][2] = {
		{ "gemm", "m=64,n=64,k=64" },
		{ "membw", "size=1M" },
		{ "mlp", "data=synthetic,samples=2000,hidden=32,epochs=1" },
	};
	char why[256];
	struct runner r;
	size_t i;

	if (bp_cuda_open(why, sizeof why) == 0 && bp_cuda_count() > 0) {
		for (i = 0; i < sizeof cases / sizeof cases[0]; i++) {
			r_init(&r, cases[i][0], "cuda", cases[i][1]);
			ok(r_setup(&r) == 0 && r_run(&r, 1) == 0 &&
			    r.m->finish(r.state, r.result, &r.err) == 0 &&
			    check_ok(&r), "%s on cuda: %s", cases[i][0],
			    r.err.msg);
			r_done(&r);
		}
		return;
	}
	for (i = 0; i < sizeof cases / sizeof cases[0]; i++)
		test_refused(cases[i][0], "cuda", cases[i][1], "unsupported",
		    "no GPU");
	ok(1, "cuda models run # skip no GPU: %s", why);
}

int
main(void)
{
	test_declarations();
	test_gemm("m=64,n=48,k=33", 1e-5);
	test_gemm("m=40,n=40,k=100,dtype=fp64,batch=3", 1e-12);
	test_gemm("m=17,n=5,k=9,cache=cold", 1e-5);
	test_gemm_wrong("m=64,n=64,k=64", 0);
	test_gemm_wrong("m=32,n=32,k=64,dtype=fp64,batch=2", 1000);
	test_refused("gemm", "cpu", "dtype=fp16", "unsupported",
	    "not supported on the cpu");
	test_refused("gemm", "cpu", "m=0", "execution_error", "param m");
	test_refused("gemm", "cpu", "n=big", "execution_error",
	    "expected an integer");
	test_refused("gemm", "cpu", "dtype=int8", "execution_error",
	    "expected one of");
	test_refused("gemm", "cpu", "mm=4", "execution_error",
	    "has no param 'mm'");
	test_refused("gemm", "rocm", "", "unsupported", "not on backend rocm");
	test_membw("op=copy,size=1M");
	test_membw("op=triad,size=3000000");
	test_refused("membw", "cpu", "op=h2d", "unsupported", "cuda backend");
	test_refused("membw", "cpu", "size=12", "execution_error", "minimum");
	test_refused("membw", "cpu", "size=1Q", "execution_error",
	    "expected a size");
	test_mlp();
	test_mlp_min_acc();
	test_mlp_data_dir();
	test_refused("mlp", "cpu", "data=mnist", "execution_error",
	    "expected one of");
	test_mnist();
	test_fashion();
	test_cuda();
	return done();
}
