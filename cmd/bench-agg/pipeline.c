/*
 * pipeline.c - the input loop: chunks are read and analysed by worker
 * threads and applied by the main thread strictly in input order.
 *
 * A worker takes the reader lock, fills a free chunk and numbers it, lets
 * go of the lock, analyses the chunk (record.c: nothing shared) and
 * files it under its number.  The main thread applies chunk 0, 1, 2, ...
 * as they are ready, writes, and returns each chunk to the pool.  The
 * order of everything that reaches the output, warnings included, is the
 * input order, so one thread or four give the same bytes.
 */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "agg.h"
#include "buf.h"
#include "die.h"

struct pipe {
	const struct opts *o;
	pthread_mutex_t rlock;	/* the source and the numbering */
	struct source src;
	unsigned long next;	/* the number of the next chunk read */
	int ended;		/* the last chunk has been read */
	pthread_mutex_t lock;	/* the pool and the ring */
	pthread_cond_t freed, filed;
	struct chunk **pool;
	int nfree;
	struct chunk **ring;	/* analysed chunks, at number % size */
	int size;
};

static struct chunk *
take_free(struct pipe *p)
{
	struct chunk *c;

	pthread_mutex_lock(&p->lock);
	while (p->nfree == 0)
		pthread_cond_wait(&p->freed, &p->lock);
	c = p->pool[--p->nfree];
	pthread_mutex_unlock(&p->lock);
	return c;
}

static void *
worker(void *arg)
{
	struct pipe *p = arg;
	struct analyzer *z = analyzer_new(p->o);
	struct chunk *c;
	unsigned long n;

	for (;;) {
		pthread_mutex_lock(&p->rlock);
		if (p->ended) {
			pthread_mutex_unlock(&p->rlock);
			break;
		}
		c = take_free(p);
		source_fill(&p->src, c);
		n = p->next++;
		p->ended = c->last;
		pthread_mutex_unlock(&p->rlock);
		analyze_chunk(z, c);
		pthread_mutex_lock(&p->lock);
		p->ring[n % p->size] = c;
		pthread_cond_broadcast(&p->filed);
		pthread_mutex_unlock(&p->lock);
	}
	analyzer_free(z);
	return NULL;
}

/*
 * Analyses one chunk on the calling thread if the reader is free, a
 * chunk is free and input is left: 1 if it did.  Never waits, so the
 * main thread, which frees chunks, cannot wait on itself.
 */
static int
help(struct pipe *p, struct analyzer *z)
{
	struct chunk *c = NULL;
	unsigned long n;

	if (pthread_mutex_trylock(&p->rlock) != 0)
		return 0;
	if (!p->ended) {
		pthread_mutex_lock(&p->lock);
		if (p->nfree > 0)
			c = p->pool[--p->nfree];
		pthread_mutex_unlock(&p->lock);
	}
	if (!c) {
		pthread_mutex_unlock(&p->rlock);
		return 0;
	}
	source_fill(&p->src, c);
	n = p->next++;
	p->ended = c->last;
	pthread_mutex_unlock(&p->rlock);
	analyze_chunk(z, c);
	pthread_mutex_lock(&p->lock);
	p->ring[n % p->size] = c;
	pthread_mutex_unlock(&p->lock);
	return 1;
}

/*
 * The main thread's side: chunks in order until the last.  While the
 * next one is not ready it analyses one itself, so two threads on two
 * cores share the analysis and the main thread does all the applying.
 */
static void
consume(struct pipe *p, struct rec_ctx *rc)
{
	struct analyzer *z = analyzer_new(p->o);
	struct chunk *c;
	unsigned long n;
	int last;

	for (n = 0;; n++) {
		pthread_mutex_lock(&p->lock);
		while (!(c = p->ring[n % p->size])) {
			pthread_mutex_unlock(&p->lock);
			if (!help(p, z)) {
				pthread_mutex_lock(&p->lock);
				if (!p->ring[n % p->size])
					pthread_cond_wait(&p->filed, &p->lock);
				continue;
			}
			pthread_mutex_lock(&p->lock);
		}
		p->ring[n % p->size] = NULL;
		pthread_mutex_unlock(&p->lock);
		rec_chunk(rc, c);
		last = c->last;
		pthread_mutex_lock(&p->lock);
		p->pool[p->nfree++] = c;
		pthread_cond_signal(&p->freed);
		pthread_mutex_unlock(&p->lock);
		if (last)
			break;
	}
	analyzer_free(z);
}

/* One thread: read, analyse, apply, in turn. */
static void
serial(struct source *src, const struct opts *o, struct rec_ctx *rc)
{
	struct analyzer *z = analyzer_new(o);
	struct chunk *c = bp_xmalloc(sizeof *c);

	memset(c, 0, sizeof *c);
	do {
		source_fill(src, c);
		analyze_chunk(z, c);
		rec_chunk(rc, c);
	} while (!c->last);
	chunk_free(c);
	analyzer_free(z);
}

static void
threaded(struct pipe *p, int nworkers, struct rec_ctx *rc)
{
	pthread_t *tid = bp_xmalloc(nworkers * sizeof *tid);
	int i, started = 0;

	p->size = 2 * nworkers + 2;
	p->pool = bp_xmalloc(p->size * sizeof *p->pool);
	p->ring = bp_xmalloc(p->size * sizeof *p->ring);
	for (i = 0; i < p->size; i++) {
		p->pool[i] = bp_xmalloc(sizeof **p->pool);
		memset(p->pool[i], 0, sizeof **p->pool);
		p->ring[i] = NULL;
	}
	p->nfree = p->size;
	pthread_mutex_init(&p->rlock, NULL);
	pthread_mutex_init(&p->lock, NULL);
	pthread_cond_init(&p->freed, NULL);
	pthread_cond_init(&p->filed, NULL);
	for (i = 0; i < nworkers; i++)
		if (pthread_create(&tid[i], NULL, worker, p) == 0)
			started++;
	if (started == 0) {
		/* no thread to be had: do it all here */
		serial(&p->src, p->o, rc);
	} else {
		consume(p, rc);
	}
	for (i = 0; i < started; i++)
		pthread_join(tid[i], NULL);
	for (i = 0; i < p->nfree; i++)
		chunk_free(p->pool[i]);
	pthread_cond_destroy(&p->filed);
	pthread_cond_destroy(&p->freed);
	pthread_mutex_destroy(&p->lock);
	pthread_mutex_destroy(&p->rlock);
	free(p->pool);
	free(p->ring);
	free(tid);
}

void
agg_run_input(const struct opts *o, char **files, int n, struct wbuf *out)
{
	struct agg *a = agg_new(o);
	struct rec_ctx *rc = rec_new(a, o, out);
	struct pipe p;
	unsigned long skipped;

	memset(&p, 0, sizeof p);
	p.o = o;
	source_init(&p.src, files, n);
	if (o->threads > 1)
		threaded(&p, o->threads - 1, rc);
	else
		serial(&p.src, o, rc);
	source_free(&p.src);
	skipped = rec_free(rc);
	if (skipped)
		bp_warn("skipped %lu invalid line%s", skipped,
		    skipped == 1 ? "" : "s");
	agg_emit(a, out);
	agg_free(a);
}
