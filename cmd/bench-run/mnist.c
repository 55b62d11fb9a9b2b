/*
 * mnist.c - IDX image sets (big-endian header: two zero bytes, the type
 * 0x08 for unsigned bytes, the number of dimensions, then each dimension
 * as a 32-bit count), and the synthetic stand-in.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zlib.h>

#include "mnist.h"
#include "modelutil.h"

#define MNIST_MAX_N 10000000

/* Opens DIR/NAME.gz, else DIR/NAME (gzopen reads plain files too). */
static gzFile
mnist_open(const char *dir, const char *name, char *path, size_t len)
{
	gzFile f;

	snprintf(path, len, "%s/%s.gz", dir, name);
	f = gzopen(path, "rb");
	if (f)
		return f;
	snprintf(path, len, "%s/%s", dir, name);
	return gzopen(path, "rb");
}

static int
mnist_read(gzFile f, void *buf, size_t len)
{
	unsigned char *p = buf;
	int r;

	while (len > 0) {
		r = gzread(f, p, len > (1u << 30) ? 1u << 30 : (unsigned)len);
		if (r <= 0)
			return -1;
		p += r;
		len -= r;
	}
	return 0;
}

/* Reads the header; dims[] receives ndims counts.  0 or -1. */
static int
mnist_header(gzFile f, int ndims, long *dims)
{
	unsigned char h[4], d[4];
	int i;

	if (mnist_read(f, h, 4) != 0 || h[0] != 0 || h[1] != 0 ||
	    h[2] != 0x08 || h[3] != ndims)
		return -1;
	for (i = 0; i < ndims; i++) {
		if (mnist_read(f, d, 4) != 0)
			return -1;
		dims[i] = (long)d[0] << 24 | d[1] << 16 | d[2] << 8 | d[3];
		if (dims[i] <= 0 || dims[i] > MNIST_MAX_N)
			return -1;
	}
	return 0;
}

static const char *
mnist_gzerr(gzFile f)
{
	int code;
	const char *msg = gzerror(f, &code);

	if (code == Z_ERRNO)
		return strerror(errno);
	if (code == Z_OK)
		return "file too short or not in IDX format";
	return msg;
}

int
mnist_load(struct mnist *s, const char *dir, const char *prefix,
    int *oom, char *why, size_t whylen)
{
	char name[64], path[4096];
	long dims[3], ldim, i, npix;
	unsigned char *raw = NULL;
	gzFile f;

	memset(s, 0, sizeof *s);
	*oom = 0;
	errno = 0;
	snprintf(name, sizeof name, "%s-images-idx3-ubyte", prefix);
	f = mnist_open(dir, name, path, sizeof path);
	if (!f) {
		snprintf(why, whylen, "%s/%s(.gz): %s", dir, name,
		    errno ? strerror(errno) : "cannot open");
		return -1;
	}
	gzbuffer(f, 1 << 17);
	if (mnist_header(f, 3, dims) != 0 || dims[1] * dims[2] > 65536) {
		snprintf(why, whylen, "%s: not an IDX image file", path);
		goto fail;
	}
	s->n = dims[0];
	s->dim = dims[1] * dims[2];
	npix = (long)s->n * s->dim;
	raw = malloc(npix);
	s->x = malloc(npix * sizeof *s->x);
	s->y = malloc(s->n);
	if (!raw || !s->x || !s->y) {
		*oom = 1;
		snprintf(why, whylen, "%s: out of memory", path);
		goto fail;
	}
	if (mnist_read(f, raw, npix) != 0) {
		snprintf(why, whylen, "%s: %s", path, mnist_gzerr(f));
		goto fail;
	}
	gzclose(f);
	for (i = 0; i < npix; i++)
		s->x[i] = raw[i] / 255.0f;
	free(raw);
	raw = NULL;

	snprintf(name, sizeof name, "%s-labels-idx1-ubyte", prefix);
	errno = 0;
	f = mnist_open(dir, name, path, sizeof path);
	if (!f) {
		snprintf(why, whylen, "%s/%s(.gz): %s", dir, name,
		    errno ? strerror(errno) : "cannot open");
		goto fail_nofile;
	}
	if (mnist_header(f, 1, &ldim) != 0) {
		snprintf(why, whylen, "%s: not an IDX label file", path);
		goto fail;
	}
	if (ldim != s->n) {
		snprintf(why, whylen, "%s: %ld labels for %d images", path,
		    ldim, s->n);
		goto fail;
	}
	if (mnist_read(f, s->y, s->n) != 0) {
		snprintf(why, whylen, "%s: %s", path, mnist_gzerr(f));
		goto fail;
	}
	gzclose(f);
	for (i = 0; i < s->n; i++)
		if (s->y[i] > 9) {
			snprintf(why, whylen, "%s: label %d of image %ld is "
			    "not a class 0-9", path, s->y[i], i);
			goto fail_nofile;
		}
	return 0;
fail:
	gzclose(f);
fail_nofile:
	free(raw);
	mnist_free(s);
	return -1;
}

int
mnist_synthetic(struct mnist *s, int n, uint64_t seed)
{
	enum { DIM = 784, CLASSES = 10 };
	static float proto[CLASSES][DIM];
	uint64_t prng = 0x5eed, rng = seed;
	float v;
	long i, j;

	memset(s, 0, sizeof *s);
	s->n = n;
	s->dim = DIM;
	s->x = malloc((size_t)n * DIM * sizeof *s->x);
	s->y = malloc(n);
	if (!s->x || !s->y) {
		mnist_free(s);
		return -1;
	}
	/* the prototypes never change, whatever the seed */
	for (i = 0; i < CLASSES; i++)
		for (j = 0; j < DIM; j++)
			proto[i][j] = (model_rand_sym(&prng) + 1) / 2;
	for (i = 0; i < n; i++) {
		s->y[i] = model_rand(&rng) % CLASSES;
		for (j = 0; j < DIM; j++) {
			v = proto[s->y[i]][j] + 0.6f * model_rand_sym(&rng);
			s->x[i * DIM + j] = v < 0 ? 0 : v > 1 ? 1 : v;
		}
	}
	return 0;
}

void
mnist_truncate(struct mnist *s, int n)
{
	if (n > 0 && n < s->n)
		s->n = n;
}

void
mnist_free(struct mnist *s)
{
	free(s->x);
	free(s->y);
	memset(s, 0, sizeof *s);
}
