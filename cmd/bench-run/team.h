/*
 * team.h - a fork-join team of threads for the cpu models: started once
 * in a model's setup, it runs one function on every member per call (the
 * caller is member 0), with a spinning barrier for the steps inside.
 */
#ifndef BENCH_RUN_TEAM_H
#define BENCH_RUN_TEAM_H

struct team;

/* n members: the caller and n - 1 threads.  NULL when a thread could not
 * start (none is left running then). */
struct team *team_start(int n);
int team_size(const struct team *t);
/* Runs fn(arg, id) on members 0 .. n-1 and returns when all are done. */
void team_run(struct team *t, void (*fn)(void *arg, int id), void *arg);
/* Inside fn: waits until every member reached it.  Spins a while, then
 * yields, so that a busy machine is not made busier. */
void team_sync(struct team *t, int id);
/* [*lo, *hi) of n items for member id, boundaries on multiples of align. */
void team_range(const struct team *t, int id, int n, int align, int *lo,
    int *hi);
void team_stop(struct team *t);

#endif
