/*
 * model_mlp.c - the mlp model: train a multilayer perceptron (ReLU hidden
 * layers, softmax cross-entropy) on Fashion-MNIST with mini-batch SGD,
 * one iteration per epoch.  Forward and backward passes are GEMMs
 * (OpenBLAS on the cpu, cuBLAS on cuda) plus short loops.
 *
 * On the cpu a team of threads (team.c) splits every layer by units, the
 * forward pass by output units and the backward pass by input units, so
 * that each thread updates only the rows of W it read and no reduction is
 * needed; the softmax runs on one thread.  OpenBLAS runs single-threaded
 * inside, on chunks of units whose bounds do not depend on the number of
 * threads.  With the weights drawn from `seed` (PyTorch's default
 * initialisation) and every epoch shuffled by the same generator, the
 * same seed and params give bit-identical losses and accuracy run after
 * run, with any --threads, on one machine and OpenBLAS.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cblas.h>

#include "mnist.h"
#include "modelutil.h"
#include "team.h"
#include "timeutil.h"

#define MLP_MAX_LAYERS 16
#define MLP_CLASSES 10
#define MLP_EVAL_ROWS 1000	/* rows per forward pass when testing */
#define MLP_CHECK_ROWS 256	/* test images checked against float64 */
#define MLP_CHECK_TOL 1e-4
#define MLP_CHUNK 64		/* units per GEMM call on the cpu */

static const struct model_param mlp_params[] = {
	{ "hidden", "256", "units per hidden layer" },
	{ "layers", "1", "hidden layers" },
	{ "epochs", "5", "passes over the training set, one iteration each" },
	{ "batch", "32", "mini-batch size" },
	{ "lr", "0.1", "SGD learning rate" },
	{ "seed", "42", "initial weights and the shuffling of each epoch" },
	{ "data", "fashion-mnist", "fashion-mnist (IDX files, from --data "
	    "DIR or " MNIST_DIR "), or synthetic" },
	{ "samples", "all", "training images used: all, or the first N" },
	{ "min_acc", "auto", "test accuracy (%) below which the run fails: "
	    "auto is 80 on Fashion-MNIST and 90 on synthetic data; 0 never "
	    "fails" },
	{ NULL, NULL, NULL },
};

struct mlp {
	int nl;				/* weight layers: hidden layers + 1 */
	int dims[MLP_MAX_LAYERS + 2];
	float *w[MLP_MAX_LAYERS + 1];	/* dims[l] x dims[l + 1] */
	float *b[MLP_MAX_LAYERS + 1];
	int batch, epochs;
	float lr;
	double min_acc;
	struct mnist train, test;
	int *perm;
	uint64_t rng;
	double train_ms;
	/* cpu */
	float *act[MLP_MAX_LAYERS + 2];	/* rows x dims[l]; act[0] unused */
	float *grad[2];			/* batch x the widest layer */
	float *xb[2];			/* the gathered mini-batch, by turns */
	unsigned char *yb;
	int saved_threads;
	struct team *team;
	double epoch_loss;		/* summed by member 0 */
	/* cuda */
	const struct bp_cuda_module *cuda;
	void *h;
};

extern const struct model model_mlp;

static void
mlp_teardown(void *state)
{
	struct mlp *net = state;
	int l;

	if (!net)
		return;
	if (net->cuda && net->h)
		net->cuda->mlp_free(net->h);
	for (l = 0; l <= MLP_MAX_LAYERS; l++) {
		free(net->w[l]);
		free(net->b[l]);
	}
	for (l = 0; l < MLP_MAX_LAYERS + 2; l++)
		free(net->act[l]);
	team_stop(net->team);
	free(net->grad[0]);
	free(net->grad[1]);
	free(net->xb[0]);
	free(net->xb[1]);
	free(net->yb);
	free(net->perm);
	mnist_free(&net->train);
	mnist_free(&net->test);
	if (net->saved_threads > 0)
		openblas_set_num_threads(net->saved_threads);
	free(net);
}

static int
mlp_params_read(struct mlp *net, const struct model_env *env, int *synth,
    long *samples, struct model_err *err)
{
	const struct model *m = &model_mlp;
	long hidden, layers, epochs, batch, seed;
	double lr;
	char buf[64];
	const char *s;

	if (model_check_env(m, env, err) != 0 ||
	    model_param_long(m, env, "hidden", 1, 1 << 16, &hidden, err) ||
	    model_param_long(m, env, "layers", 1, MLP_MAX_LAYERS, &layers,
	    err) ||
	    model_param_long(m, env, "epochs", 1, 100000, &epochs, err) ||
	    model_param_long(m, env, "batch", 1, 1 << 16, &batch, err) ||
	    model_param_double(m, env, "lr", 0, 1e6, &lr, err) ||
	    model_param_long(m, env, "seed", 0, 0x7fffffffffffffffL, &seed,
	    err) ||
	    model_param_choice(m, env, "data", "fashion-mnist|synthetic",
	    synth, err))
		return -1;
	s = model_param_str(m, env, "samples", buf, sizeof buf);
	*samples = 0;
	if (strcmp(s, "all") != 0 && model_param_long(m, env, "samples", 1,
	    10000000, samples, err) != 0)
		return -1;
	s = model_param_str(m, env, "min_acc", buf, sizeof buf);
	net->min_acc = *synth ? 90 : 80;
	if (strcmp(s, "auto") != 0 && model_param_double(m, env, "min_acc",
	    0, 100, &net->min_acc, err) != 0)
		return -1;
	net->nl = layers + 1;
	net->dims[0] = 784;
	for (int l = 1; l <= layers; l++)
		net->dims[l] = hidden;
	net->dims[net->nl] = MLP_CLASSES;
	net->epochs = epochs;
	net->batch = batch;
	net->lr = lr;
	net->rng = seed;
	return 0;
}

static int
mlp_data(struct mlp *net, const struct model_env *env, int synth,
    long samples, struct model_err *err)
{
	const char *dir = env->data_dir ? env->data_dir : MNIST_DIR;
	char why[480];
	int oom;

	if (synth) {
		if (mnist_synthetic(&net->train, samples ? samples : 60000,
		    1) != 0 || mnist_synthetic(&net->test, 10000, 2) != 0)
			return model_fail(err, "oom", "mlp: out of memory "
			    "for the synthetic data");
		return 0;
	}
	if (mnist_load(&net->train, dir, "train", &oom, why, sizeof why) != 0 ||
	    mnist_load(&net->test, dir, "t10k", &oom, why, sizeof why) != 0) {
		/* no dataset installed: this host cannot run the model */
		if (!env->data_dir && access(MNIST_DIR, F_OK) != 0)
			return model_fail(err, "unsupported", "mlp: no "
			    "Fashion-MNIST in %s (install the Debian package "
			    "dataset-fashion-mnist, pass --data DIR, or use "
			    "-p data=synthetic)", MNIST_DIR);
		return model_fail(err, oom ? "oom" : "execution_error",
		    "mlp: %s", why);
	}
	if (net->train.dim != net->dims[0] || net->test.dim != net->dims[0])
		return model_fail(err, "execution_error", "mlp: %s holds "
		    "images of %d pixels, not 28x28", dir, net->train.dim);
	mnist_truncate(&net->train, samples);
	return 0;
}

/* PyTorch's nn.Linear default: U(-1/sqrt(fan_in), 1/sqrt(fan_in)). */
static int
mlp_init(struct mlp *net)
{
	uint64_t rng = net->rng ^ 0x6d6c70;
	float bound;
	int l, i, n;

	for (l = 0; l < net->nl; l++) {
		n = net->dims[l] * net->dims[l + 1];
		net->w[l] = malloc(n * sizeof(float));
		net->b[l] = malloc(net->dims[l + 1] * sizeof(float));
		if (!net->w[l] || !net->b[l])
			return -1;
		bound = 1 / sqrtf(net->dims[l]);
		for (i = 0; i < n; i++)
			net->w[l][i] = bound * model_rand_sym(&rng);
		for (i = 0; i < net->dims[l + 1]; i++)
			net->b[l][i] = bound * model_rand_sym(&rng);
	}
	net->perm = malloc(net->train.n * sizeof *net->perm);
	if (!net->perm)
		return -1;
	for (i = 0; i < net->train.n; i++)
		net->perm[i] = i;
	return 0;
}

static int
mlp_buffers(struct mlp *net)
{
	int rows = net->batch > MLP_EVAL_ROWS ? net->batch : MLP_EVAL_ROWS;
	int l, widest = 0;

	for (l = 1; l <= net->nl; l++) {
		net->act[l] = malloc((size_t)rows * net->dims[l] *
		    sizeof(float));
		if (!net->act[l])
			return -1;
		if (net->dims[l] > widest)
			widest = net->dims[l];
	}
	net->grad[0] = malloc((size_t)net->batch * widest * sizeof(float));
	net->grad[1] = malloc((size_t)net->batch * widest * sizeof(float));
	net->xb[0] = malloc((size_t)net->batch * net->dims[0] * sizeof(float));
	net->xb[1] = malloc((size_t)net->batch * net->dims[0] * sizeof(float));
	net->yb = malloc(net->batch);
	if (!net->grad[0] || !net->grad[1] || !net->xb[0] || !net->xb[1] ||
	    !net->yb)
		return -1;
	return 0;
}

static int
mlp_setup_cuda(struct mlp *net, struct model_err *err)
{
	struct bp_cuda_mlp_args a;
	char why[512];
	int rc;

	net->cuda = model_cuda(err);
	if (!net->cuda)
		return -1;
	memset(&a, 0, sizeof a);
	a.inputs = net->dims[0];
	a.classes = MLP_CLASSES;
	a.hidden = net->dims[1];
	a.layers = net->nl - 1;
	a.batch = net->batch;
	a.lr = net->lr;
	a.ntrain = net->train.n;
	a.ntest = net->test.n;
	a.train_x = net->train.x;
	a.train_y = net->train.y;
	a.test_x = net->test.x;
	a.test_y = net->test.y;
	a.w = (const float *const *)net->w;
	a.b = (const float *const *)net->b;
	rc = net->cuda->mlp_setup(&a, &net->h, why, sizeof why);
	if (rc != BP_CUDA_OK) {
		net->h = NULL;
		return model_cuda_fail(rc, why, err);
	}
	/* the device holds the training set now; keep n for the epochs */
	free(net->train.x);
	net->train.x = NULL;
	return 0;
}

/* A member per core, but no fewer than 16 units of a layer each. */
static int
mlp_team(struct mlp *net, const struct model_env *env, struct model_err *err)
{
	int n = model_cpu_threads(env), most = net->dims[1] / 16;

	if (n > most)
		n = most > 1 ? most : 1;
	net->saved_threads = openblas_get_num_threads();
	openblas_set_num_threads(1);
	net->team = team_start(n);
	if (!net->team)
		return model_fail(err, "execution_error", "mlp: cannot start "
		    "%d threads", n);
	return 0;
}

static int
mlp_setup(const struct model_env *env, void **state,
    struct model_plan *plan, struct model_err *err)
{
	struct mlp *net;
	long samples;
	int synth;

	*state = NULL;
	net = calloc(1, sizeof *net);
	if (!net)
		return model_fail(err, "oom", "mlp: out of memory");
	if (mlp_params_read(net, env, &synth, &samples, err) != 0)
		goto fail;
	/* the cuda module, when absent, says so before any data loads */
	if (strcmp(env->backend, "cuda") == 0 && !model_cuda(err))
		goto fail;
	if (mlp_data(net, env, synth, samples, err) != 0)
		goto fail;
	if (mlp_init(net) != 0 || mlp_buffers(net) != 0) {
		model_fail(err, "oom", "mlp: out of memory");
		goto fail;
	}
	if (strcmp(env->backend, "cuda") == 0) {
		if (mlp_setup_cuda(net, err) != 0)
			goto fail;
	} else if (mlp_team(net, env, err) != 0) {
		goto fail;
	}
	plan->warmup = 0;
	plan->iterations = net->epochs;
	*state = net;
	return 0;
fail:
	mlp_teardown(net);
	return -1;
}

/*
 * The elementwise steps, on the bits: whether a unit is active is a coin
 * toss, and the compiler keeps a branch for a float comparison; a
 * mispredicted branch per element costs as much as the GEMMs around it.
 */
static void
mlp_relu(float *restrict p, int n)
{
	uint32_t u;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(&u, p + i, sizeof u);
		u &= (u >> 31) - 1u;	/* sign set: 0 */
		memcpy(p + i, &u, sizeof u);
	}
}

/* d[i] = 0 where the unit was inactive: ReLU left +0, all bits clear. */
static void
mlp_relu_mask(float *restrict d, const float *restrict act, int n)
{
	uint32_t u, a;
	int i;

	for (i = 0; i < n; i++) {
		memcpy(&u, d + i, sizeof u);
		memcpy(&a, act + i, sizeof a);
		u &= -(uint32_t)(a != 0);
		memcpy(d + i, &u, sizeof u);
	}
}

/* b[j] -= lr * sum over rows of dz[r][j], j in [c0, c1), rows in order. */
static void
mlp_bias_step(float *restrict b, const float *restrict dz, int rows,
    int cols, int c0, int c1, float lr)
{
	float acc[64];
	int i, j, j0, n;

	for (j0 = c0; j0 < c1; j0 += n) {
		n = c1 - j0 < 64 ? c1 - j0 : 64;
		for (j = 0; j < n; j++)
			acc[j] = 0;
		for (i = 0; i < rows; i++)
			for (j = 0; j < n; j++)
				acc[j] += dz[(size_t)i * cols + j0 + j];
		for (j = 0; j < n; j++)
			b[j0 + j] -= lr * acc[j];
	}
}

/* act[l + 1] = act(in W_l + b_l) for all its units, on this thread. */
static void
mlp_forward_layer(struct mlp *net, int l, const float *in, int rows)
{
	const int din = net->dims[l], dout = net->dims[l + 1];
	float *out = net->act[l + 1];
	int i;

	for (i = 0; i < rows; i++)
		memcpy(out + (size_t)i * dout, net->b[l], dout * sizeof(float));
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows, dout, din,
	    1.0f, in, din, net->w[l], dout, 1.0f, out, dout);
	if (l < net->nl - 1)
		mlp_relu(out, rows * dout);
}

/* act[nl] = logits of the rows of x, on this thread (testing). */
static void
mlp_forward(struct mlp *net, const float *x, int rows)
{
	const float *in = x;
	int l;

	for (l = 0; l < net->nl; l++) {
		mlp_forward_layer(net, l, in, rows);
		in = net->act[l + 1];
	}
}

/*
 * Softmax cross-entropy of each row: turns the logits z into the
 * gradient of the mean loss, (p - onehot) / rows, and returns the summed
 * loss.
 */
static double
mlp_softmax_grad(float *z, const unsigned char *y, int rows, int classes)
{
	double loss = 0;
	float max, sum, *r;
	int i, j;

	for (i = 0; i < rows; i++) {
		r = z + (size_t)i * classes;
		max = r[0];
		for (j = 1; j < classes; j++)
			if (r[j] > max)
				max = r[j];
		sum = 0;
		for (j = 0; j < classes; j++) {
			r[j] = expf(r[j] - max);
			sum += r[j];
		}
		loss -= log(r[y[i]] / sum);
		for (j = 0; j < classes; j++)
			r[j] = (r[j] / sum - (j == y[i])) / rows;
	}
	return loss;
}

/*
 * The units of a layer come in chunks of MLP_CHUNK, one GEMM call each,
 * and member id takes chunks [*lo, *hi).  OpenBLAS's rounding depends on
 * how a product is cut into calls, so the cut must not depend on the
 * number of threads.
 */
static int
mlp_chunks(const struct mlp *net, int id, int units, int *lo, int *hi)
{
	int n = (units + MLP_CHUNK - 1) / MLP_CHUNK;

	team_range(net->team, id, n, 1, lo, hi);
	return n;
}

/* Member id's share of act[l + 1] = ReLU(in W_l + b_l), by output units. */
static void
mlp_forward_part(struct mlp *net, int l, const float *in, int rows, int id)
{
	const int din = net->dims[l], dout = net->dims[l + 1];
	float *out = net->act[l + 1];
	int k, k0, k1, c0, c1, i;

	mlp_chunks(net, id, dout, &k0, &k1);
	for (k = k0; k < k1; k++) {
		c0 = k * MLP_CHUNK;
		c1 = c0 + MLP_CHUNK < dout ? c0 + MLP_CHUNK : dout;
		for (i = 0; i < rows; i++)
			memcpy(out + (size_t)i * dout + c0, net->b[l] + c0,
			    (c1 - c0) * sizeof(float));
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, rows,
		    c1 - c0, din, 1.0f, in, din, net->w[l] + c0, dout, 1.0f,
		    out + c0, dout);
		for (i = 0; i < rows; i++)
			mlp_relu(out + (size_t)i * dout + c0, c1 - c0);
	}
}

/*
 * Member id's share of one layer's backward pass, by input units (rows of
 * W_l): the gradient below, while these rows of W_l, which only this
 * member touches, are unchanged; then their SGD step.  And the step of
 * its share of the biases.  Returns the gradient for the layer below.
 */
static float *
mlp_backward_part(struct mlp *net, int l, const float *in, float *dz,
    int rows, int id)
{
	const int din = net->dims[l], dout = net->dims[l + 1];
	float *dprev = NULL;
	int k, k0, k1, r0, r1, c0, c1, i;

	if (l > 0)
		dprev = dz == net->grad[0] ? net->grad[1] : net->grad[0];
	mlp_chunks(net, id, din, &k0, &k1);
	for (k = k0; k < k1; k++) {
		r0 = k * MLP_CHUNK;
		r1 = r0 + MLP_CHUNK < din ? r0 + MLP_CHUNK : din;
		if (l > 0) {
			cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans,
			    rows, r1 - r0, dout, 1.0f, dz, dout, net->w[l] +
			    (size_t)r0 * dout, dout, 0.0f, dprev + r0, din);
			for (i = 0; i < rows; i++)
				mlp_relu_mask(dprev + (size_t)i * din + r0,
				    in + (size_t)i * din + r0, r1 - r0);
		}
		cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, r1 - r0,
		    dout, rows, -net->lr, in + r0, din, dz, dout, 1.0f,
		    net->w[l] + (size_t)r0 * dout, dout);
	}
	team_range(net->team, id, dout, 1, &c0, &c1);
	mlp_bias_step(net->b[l], dz, rows, dout, c0, c1, net->lr);
	return dprev;
}

/*
 * One epoch, run by every member.  The team meets after the gather, after
 * each hidden layer, after the output layer and softmax (member 0 alone:
 * ten units), and after each backward layer but the last; the next step's
 * gather goes to the other buffer, so the last needs no meeting.
 */
static void
mlp_epoch_part(void *arg, int id)
{
	struct mlp *net = arg;
	const int dim = net->dims[0], nl = net->nl;
	const float *in;
	float *xb, *dz;
	int s, i, l, rows, lo, hi, step = 0;

	for (s = 0; s < net->train.n; s += rows, step++) {
		rows = net->train.n - s < net->batch ? net->train.n - s :
		    net->batch;
		xb = net->xb[step & 1];
		team_range(net->team, id, rows, 1, &lo, &hi);
		for (i = lo; i < hi; i++)
			memcpy(xb + (size_t)i * dim, net->train.x +
			    (size_t)net->perm[s + i] * dim, dim * sizeof(float));
		team_sync(net->team, id);
		for (l = 0, in = xb; l < nl - 1; in = net->act[++l]) {
			mlp_forward_part(net, l, in, rows, id);
			team_sync(net->team, id);
		}
		if (id == 0) {
			for (i = 0; i < rows; i++)
				net->yb[i] = net->train.y[net->perm[s + i]];
			mlp_forward_layer(net, nl - 1, in, rows);
			net->epoch_loss += mlp_softmax_grad(net->act[nl],
			    net->yb, rows, MLP_CLASSES);
		}
		team_sync(net->team, id);
		dz = net->act[nl];
		for (l = nl - 1; l >= 0; l--) {
			dz = mlp_backward_part(net, l, l ? net->act[l] : xb, dz,
			    rows, id);
			if (l > 0)
				team_sync(net->team, id);
		}
	}
}

static double
mlp_epoch_cpu(struct mlp *net)
{
	net->epoch_loss = 0;
	team_run(net->team, mlp_epoch_part, net);
	return net->epoch_loss / net->train.n;
}

static void
mlp_shuffle(struct mlp *net)
{
	int i, j, t;

	for (i = net->train.n - 1; i > 0; i--) {
		j = model_rand(&net->rng) % (i + 1);
		t = net->perm[i];
		net->perm[i] = net->perm[j];
		net->perm[j] = t;
	}
}

static int
mlp_run(void *state, int iter, int warmup, double *latency_ms,
    struct model_metrics *mm, struct model_err *err)
{
	struct mlp *net = state;
	double loss;
	char why[512];
	uint64_t t0;
	int rc;

	(void)iter;
	(void)warmup;
	t0 = bp_mono_ns();
	mlp_shuffle(net);
	if (net->cuda) {
		rc = net->cuda->mlp_epoch(net->h, net->perm, latency_ms, &loss,
		    why, sizeof why);
		if (rc != BP_CUDA_OK)
			return model_cuda_fail(rc, why, err);
	} else {
		loss = mlp_epoch_cpu(net);
		*latency_ms = (bp_mono_ns() - t0) / 1e6;
	}
	net->train_ms += *latency_ms;
	mm->name[mm->n] = "epoch_time_ms";
	mm->value[mm->n++] = *latency_ms;
	mm->name[mm->n] = "train_loss";
	mm->value[mm->n++] = loss;
	mm->name[mm->n] = "items";
	mm->value[mm->n++] = net->train.n;
	return 0;
}

static int
mlp_argmax(const float *r, int n)
{
	int j, best = 0;

	for (j = 1; j < n; j++)
		if (r[j] > r[best])
			best = j;
	return best;
}

static int
mlp_eval_cpu(struct mlp *net)
{
	const int dim = net->dims[0];
	int s, i, rows, correct = 0;

	for (s = 0; s < net->test.n; s += rows) {
		rows = net->test.n - s < MLP_EVAL_ROWS ? net->test.n - s :
		    MLP_EVAL_ROWS;
		mlp_forward(net, net->test.x + (size_t)s * dim, rows);
		for (i = 0; i < rows; i++)
			correct += mlp_argmax(net->act[net->nl] +
			    (size_t)i * MLP_CLASSES, MLP_CLASSES) ==
			    net->test.y[s + i];
	}
	return correct;
}

/* Logits of rows test images against a float64 forward pass. */
static double
mlp_logits_err(const struct mlp *net, const float *logits, int rows)
{
	double *h, *in, *out, *t;
	double diff = 0, mag = 0, v;
	int r, l, i, j, widest = 0;

	for (l = 0; l <= net->nl; l++)
		if (net->dims[l] > widest)
			widest = net->dims[l];
	h = malloc(2 * (size_t)widest * sizeof(double));
	if (!h)
		return INFINITY;
	for (r = 0; r < rows; r++) {
		in = h;
		out = h + widest;
		for (i = 0; i < net->dims[0]; i++)
			in[i] = net->test.x[(size_t)r * net->dims[0] + i];
		for (l = 0; l < net->nl; l++) {
			for (j = 0; j < net->dims[l + 1]; j++)
				out[j] = net->b[l][j];
			for (i = 0; i < net->dims[l]; i++)
				for (j = 0; j < net->dims[l + 1]; j++)
					out[j] += in[i] * (double)net->w[l]
					    [(size_t)i * net->dims[l + 1] + j];
			if (l < net->nl - 1)
				for (j = 0; j < net->dims[l + 1]; j++)
					out[j] = out[j] > 0 ? out[j] : 0;
			t = in;
			in = out;
			out = t;
		}
		for (j = 0; j < MLP_CLASSES; j++) {
			v = fabs(logits[(size_t)r * MLP_CLASSES + j] - in[j]);
			diff = v > diff || isnan(v) ? v : diff;
			mag = fabs(in[j]) > mag ? fabs(in[j]) : mag;
		}
	}
	free(h);
	return isnan(diff) ? INFINITY : diff / (mag > 1 ? mag : 1);
}

static int
mlp_finish(void *state, cJSON *result, struct model_err *err)
{
	struct mlp *net = state;
	int rows = net->test.n < MLP_CHECK_ROWS ? net->test.n : MLP_CHECK_ROWS;
	double acc, rel_err;
	float *logits = NULL;
	char why[512];
	int correct, rc, ok;

	if (net->cuda) {
		logits = malloc((size_t)rows * MLP_CLASSES * sizeof *logits);
		if (!logits)
			return model_fail(err, "oom", "mlp: out of memory");
		rc = net->cuda->mlp_eval(net->h, &correct, why, sizeof why);
		if (rc == BP_CUDA_OK)
			rc = net->cuda->mlp_fetch(net->h, rows, logits,
			    net->w, net->b, why, sizeof why);
		if (rc != BP_CUDA_OK) {
			free(logits);
			return model_cuda_fail(rc, why, err);
		}
		rel_err = mlp_logits_err(net, logits, rows);
		free(logits);
	} else {
		correct = mlp_eval_cpu(net);
		mlp_forward(net, net->test.x, rows);
		rel_err = mlp_logits_err(net, net->act[net->nl], rows);
	}
	acc = 100.0 * correct / net->test.n;
	model_set_num(result, "training_time_s", net->train_ms / 1000);
	model_set_num(result, "test_accuracy_pct", acc);
	model_set_num(result, "peak_rss_mb", model_peak_rss_mb());
	ok = rel_err <= MLP_CHECK_TOL && acc >= net->min_acc;
	model_set_check(result, ok, rel_err);
	if (rel_err > MLP_CHECK_TOL || isnan(rel_err))
		return model_fail(err, "wrong_result", "mlp: the logits differ "
		    "from a float64 forward pass: rel_err %.3g exceeds %g",
		    rel_err, MLP_CHECK_TOL);
	if (!ok)
		return model_fail(err, "wrong_result", "mlp: test accuracy "
		    "%.2f%% is below %g%% (param min_acc)", acc, net->min_acc);
	return 0;
}

const struct model model_mlp = {
	"mlp",
	"train an MLP on Fashion-MNIST with SGD; metrics epoch_time_ms, "
	    "train_loss; test_accuracy_pct in the result",
	"cpu,cuda",
	mlp_params,
	mlp_setup,
	mlp_run,
	mlp_finish,
	mlp_teardown,
};
