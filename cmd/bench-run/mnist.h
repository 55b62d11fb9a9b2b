/*
 * mnist.h - labelled image sets for the mlp model: the IDX files of
 * MNIST and Fashion-MNIST (gzip or plain, read with zlib), or a
 * deterministic synthetic set of the same shape.
 */
#ifndef BENCH_RUN_MNIST_H
#define BENCH_RUN_MNIST_H

#include <stddef.h>
#include <stdint.h>

#define MNIST_DIR "/usr/share/datasets/fashion-mnist"

struct mnist {
	int n;			/* images */
	int dim;		/* pixels per image (784) */
	float *x;		/* n x dim, scaled to [0, 1] */
	unsigned char *y;	/* n labels, 0..9 */
};

/*
 * Reads DIR/PREFIX-images-idx3-ubyte[.gz] and DIR/PREFIX-labels-idx1-ubyte
 * [.gz] (PREFIX "train" or "t10k").  0, or -1 with the reason in why;
 * *oom set when the reason is memory.
 */
int mnist_load(struct mnist *s, const char *dir, const char *prefix,
    int *oom, char *why, size_t whylen);
/* n images of 10 classes: noisy copies of 10 fixed random prototypes.
 * The same seed gives the same set everywhere.  0, or -1 (memory). */
int mnist_synthetic(struct mnist *s, int n, uint64_t seed);
/* Keeps the first n images (n < s->n). */
void mnist_truncate(struct mnist *s, int n);
void mnist_free(struct mnist *s);

#endif
