/*
 * team.c - the fork-join team.  Between jobs the threads sleep on a
 * condition variable (a generation count, so a wakeup is never lost); in a
 * job they meet at a sense-reversing spin barrier, which costs well under
 * a microsecond where a futex round trip costs tens.
 */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "team.h"

#define TEAM_SPINS 20000	/* before a waiting member yields */

struct member {
	struct team *t;
	int id;
	int sense;		/* this member's view of the barrier */
	pthread_t tid;
};

struct team {
	int n;
	struct member *m;
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned gen;
	int pending, quit;
	void (*fn)(void *, int);
	void *arg;
	atomic_int count;
	atomic_int sense;
};

static void *
team_main(void *p)
{
	struct member *me = p;
	struct team *t = me->t;
	unsigned seen = 0;

	for (;;) {
		pthread_mutex_lock(&t->mu);
		while (t->gen == seen && !t->quit)
			pthread_cond_wait(&t->go, &t->mu);
		seen = t->gen;
		if (t->quit) {
			pthread_mutex_unlock(&t->mu);
			return NULL;
		}
		pthread_mutex_unlock(&t->mu);
		t->fn(t->arg, me->id);
		pthread_mutex_lock(&t->mu);
		if (--t->pending == 0)
			pthread_cond_signal(&t->done);
		pthread_mutex_unlock(&t->mu);
	}
}

/* Stops and joins members 1 .. started-1, frees t. */
static void
team_end(struct team *t, int started)
{
	int i;

	pthread_mutex_lock(&t->mu);
	t->quit = 1;
	pthread_cond_broadcast(&t->go);
	pthread_mutex_unlock(&t->mu);
	for (i = 1; i < started; i++)
		pthread_join(t->m[i].tid, NULL);
	pthread_cond_destroy(&t->go);
	pthread_cond_destroy(&t->done);
	pthread_mutex_destroy(&t->mu);
	free(t->m);
	free(t);
}

struct team *
team_start(int n)
{
	struct team *t = calloc(1, sizeof *t);
	int i;

	if (!t)
		return NULL;
	t->n = n < 1 ? 1 : n;
	t->m = calloc(t->n, sizeof *t->m);
	if (!t->m) {
		free(t);
		return NULL;
	}
	/* static initialisers: the default attributes, nothing to fail */
	t->mu = (pthread_mutex_t)PTHREAD_MUTEX_INITIALIZER;
	t->go = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
	t->done = (pthread_cond_t)PTHREAD_COND_INITIALIZER;
	atomic_init(&t->count, t->n);
	atomic_init(&t->sense, 0);
	for (i = 0; i < t->n; i++) {
		t->m[i].t = t;
		t->m[i].id = i;
		if (i > 0 && pthread_create(&t->m[i].tid, NULL, team_main,
		    &t->m[i]) != 0) {
			team_end(t, i);
			return NULL;
		}
	}
	return t;
}

int
team_size(const struct team *t)
{
	return t->n;
}

void
team_run(struct team *t, void (*fn)(void *arg, int id), void *arg)
{
	if (t->n == 1) {
		fn(arg, 0);
		return;
	}
	pthread_mutex_lock(&t->mu);
	t->fn = fn;
	t->arg = arg;
	t->pending = t->n - 1;
	t->gen++;
	pthread_cond_broadcast(&t->go);
	pthread_mutex_unlock(&t->mu);
	fn(arg, 0);
	pthread_mutex_lock(&t->mu);
	while (t->pending > 0)
		pthread_cond_wait(&t->done, &t->mu);
	pthread_mutex_unlock(&t->mu);
}

void
team_sync(struct team *t, int id)
{
	struct member *me = &t->m[id];
	int spins = 0;

	if (t->n == 1)
		return;
	me->sense = !me->sense;
	if (atomic_fetch_sub(&t->count, 1) == 1) {
		atomic_store(&t->count, t->n);
		atomic_store(&t->sense, me->sense);
		return;
	}
	while (atomic_load_explicit(&t->sense, memory_order_acquire) !=
	    me->sense)
		if (++spins > TEAM_SPINS)
			sched_yield();
}

void
team_range(const struct team *t, int id, int n, int align, int *lo,
    int *hi)
{
	long per = (long)n * id / t->n;

	*lo = id == 0 ? 0 : (int)(per / align * align);
	per = (long)n * (id + 1) / t->n;
	*hi = id == t->n - 1 ? n : (int)(per / align * align);
	if (*hi < *lo)
		*hi = *lo;
}

void
team_stop(struct team *t)
{
	if (t)
		team_end(t, t->n);
}
