/*
 * supervise.c - starting commands and waiting for them.
 *
 * A command runs in a process group of its own, so that a timeout or an
 * interrupt reaches every process it started (SIGTERM, then SIGKILL after
 * the grace period) and whatever it leaves behind when it exits is
 * killed.  Its stderr is one pipe kept for the whole run.
 *
 * The main thread only starts a process and waits for it (posix_spawn,
 * wait4, and a kill for what the process left behind): the loop around a
 * 0.5 ms command costs what a bare spawn-and-wait loop costs.  Everything
 * else belongs to a watcher thread: it drains stderr into a bounded tail
 * (a command that floods it never blocks and never grows our memory),
 * wakes when SIGINT or SIGTERM arrive (their handler, which may run in any
 * thread, OpenBLAS's too, writes a byte to a pipe), and enforces the
 * job's deadline.  Both threads touch the shared state under one lock.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench-run.h"
#include "die.h"
#include "timeutil.h"

enum { WHY_NONE, WHY_TIMEOUT, WHY_INTERRUPT, WHY_STOP };

volatile sig_atomic_t interrupted;

static int selfpipe[2] = { -1, -1 }, wakepipe[2] = { -1, -1 };
static int devnull = -1, errpipe[2] = { -1, -1 };
static posix_spawnattr_t attr;
static posix_spawn_file_actions_t fa_plain;

/* What the main thread and the watcher share, under mu. */
static struct {
	pthread_mutex_t mu;
	pid_t pid;		/* the process running now, 0 */
	uint64_t deadline;	/* the job's, 0: none */
	uint64_t kill_at;	/* SIGKILL then, 0: not planned */
	int expired;		/* the deadline passed */
	int why, sig;		/* why and with what pid was signalled */
	struct tail *tail;
	int seen;		/* stderr arrived in this job */
} w = { .mu = PTHREAD_MUTEX_INITIALIZER };

/* fds above the ones a child gets, so that dup2 never lands on them */
static int
high_fd(int fd)
{
	int h = fcntl(fd, F_DUPFD_CLOEXEC, 10);

	if (h < 0)
		bp_die_errno("fcntl");
	close(fd);
	return h;
}

static void
high_pipe(int p[2], int nonblock)
{
	if (pipe2(p, O_CLOEXEC) != 0)
		bp_die_errno("pipe");
	p[0] = high_fd(p[0]);
	p[1] = high_fd(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	if (nonblock)
		fcntl(p[1], F_SETFL, O_NONBLOCK);
}

static void
std_actions(posix_spawn_file_actions_t *fa)
{
	posix_spawn_file_actions_init(fa);
	posix_spawn_file_actions_adddup2(fa, devnull, STDIN_FILENO);
	posix_spawn_file_actions_adddup2(fa, devnull, STDOUT_FILENO);
	posix_spawn_file_actions_adddup2(fa, errpipe[1], STDERR_FILENO);
}

static void
on_signal(int sig)
{
	int e = errno;
	char c = (char)sig;

	if (!interrupted)
		interrupted = sig;
	/* a full pipe already says "look" */
	if (write(selfpipe[1], &c, 1) < 0) {
	}
	errno = e;
}

static void
wake_watcher(void)
{
	char c = 0;

	if (write(wakepipe[1], &c, 1) < 0) {
	}
}

static void
empty(int fd)
{
	char buf[64];

	while (read(fd, buf, sizeof buf) > 0)
		;
}

static void
signal_group(pid_t pid, int sig)
{
	/* the leader too, should it have left its group */
	kill(-pid, sig);
	kill(pid, sig);
}

/* Starts stopping the process running now.  With mu held. */
static void
term_locked(int why, int sig)
{
	if (!w.pid || w.why)
		return;
	w.why = why;
	w.sig = sig;
	signal_group(w.pid, sig);
	if (opt.kill_after <= 0) {
		signal_group(w.pid, SIGKILL);
		return;
	}
	w.kill_at = bp_mono_ns() + (uint64_t)(opt.kill_after * 1e9);
	wake_watcher();
}

/* Reads what stderr holds into the tail.  With mu held, so at most
 * 1 MiB at a time: a flood must not keep the lock from the main thread. */
static void
drain_locked(void)
{
	char buf[65536];
	ssize_t n;
	int i;

	for (i = 0; i < 16; i++) {
		n = read(errpipe[0], buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (w.tail) {
			tail_add(w.tail, buf, n);
			w.seen = 1;
		}
	}
}

static void *
watcher(void *arg)
{
	struct pollfd pf[3] = {
		{ .fd = errpipe[0], .events = POLLIN },
		{ .fd = selfpipe[0], .events = POLLIN },
		{ .fd = wakepipe[0], .events = POLLIN },
	};
	struct timespec ts, *tsp;
	uint64_t at, now;

	(void)arg;
	pthread_mutex_lock(&w.mu);
	for (;;) {
		at = w.kill_at ? w.kill_at : w.expired ? 0 : w.deadline;
		tsp = NULL;
		if (at) {
			now = bp_mono_ns();
			at = at > now ? at - now : 0;
			ts.tv_sec = at / 1000000000u;
			ts.tv_nsec = at % 1000000000u;
			tsp = &ts;
		}
		pthread_mutex_unlock(&w.mu);
		if (ppoll(pf, 3, tsp, NULL) < 0 && errno != EINTR)
			bp_die_errno("ppoll");
		pthread_mutex_lock(&w.mu);
		if (pf[0].revents)
			drain_locked();
		if (pf[1].revents)
			empty(selfpipe[0]);
		if (pf[2].revents)
			empty(wakepipe[0]);
		if (interrupted)
			term_locked(WHY_INTERRUPT, interrupted);
		now = bp_mono_ns();
		if (w.deadline && !w.expired && now >= w.deadline) {
			w.expired = 1;
			term_locked(WHY_TIMEOUT, SIGTERM);
		}
		if (w.kill_at && now >= w.kill_at) {
			if (w.pid)
				signal_group(w.pid, SIGKILL);
			w.kill_at = 0;
		}
	}
	return NULL;
}

void
sup_init(void)
{
	struct sigaction sa = { .sa_handler = on_signal };
	sigset_t set, def, old;
	pthread_t th;

	high_pipe(selfpipe, 1);
	high_pipe(wakepipe, 1);
	high_pipe(errpipe, 0);
	devnull = open("/dev/null", O_RDWR | O_CLOEXEC);
	if (devnull < 0)
		bp_die_errno("/dev/null");
	devnull = high_fd(devnull);
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_RESTART;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	/* a reader that went away shows as EPIPE, with the child stopped */
	signal(SIGPIPE, SIG_IGN);

	posix_spawnattr_init(&attr);
	posix_spawnattr_setpgroup(&attr, 0);
	sigemptyset(&set);
	posix_spawnattr_setsigmask(&attr, &set);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &def);
	posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETPGROUP |
	    POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	std_actions(&fa_plain);
	/* nothing of ours reaches the command (a test harness's fd 3, ...) */
	posix_spawn_file_actions_addclosefrom_np(&fa_plain, 3);

	/* the watcher takes no signal the main thread could take */
	sigfillset(&set);
	pthread_sigmask(SIG_BLOCK, &set, &old);
	if (pthread_create(&th, NULL, watcher, NULL) != 0)
		bp_die("cannot start the watcher thread");
	pthread_detach(th);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
}

void
sup_job(uint64_t deadline, struct tail *t)
{
	pthread_mutex_lock(&w.mu);
	drain_locked();
	w.deadline = deadline;
	w.expired = 0;
	w.tail = t;
	w.seen = 0;
	pthread_mutex_unlock(&w.mu);
	wake_watcher();
}

int
sup_expired(void)
{
	int e;

	pthread_mutex_lock(&w.mu);
	e = w.expired;
	pthread_mutex_unlock(&w.mu);
	return e;
}

void
sup_tail_reset(void)
{
	pthread_mutex_lock(&w.mu);
	/* what an earlier process wrote last is not this one's */
	if (w.seen)
		drain_locked();
	if (w.tail)
		w.tail->len = 0;
	pthread_mutex_unlock(&w.mu);
}

void
sup_tail_copy(struct tail *dst)
{
	pthread_mutex_lock(&w.mu);
	drain_locked();
	if (w.tail)
		memcpy(dst, w.tail, sizeof *dst);
	else
		dst->len = 0;
	pthread_mutex_unlock(&w.mu);
}

char *
sup_which(const char *name)
{
	const char *path = getenv("PATH"), *p, *colon;
	struct bp_buf b = { 0 };
	struct stat st;
	int e = ENOENT;

	if (strchr(name, '/'))
		return bp_xstrdup(name);
	if (!path)
		path = "/usr/local/bin:/usr/bin:/bin";
	for (p = path;; p = colon + 1) {
		colon = strchr(p, ':');
		bp_buf_reset(&b);
		if (colon == p || !*p)
			bp_buf_adds(&b, ".");
		else
			bp_buf_add(&b, p, colon ? (size_t)(colon - p) : strlen(p));
		bp_buf_addf(&b, "/%s", name);
		if (stat(b.p, &st) == 0 && S_ISREG(st.st_mode)) {
			if (access(b.p, X_OK) == 0)
				return bp_buf_detach(&b);
			e = EACCES;
		}
		if (!colon)
			break;
	}
	bp_buf_free(&b);
	errno = e;
	return NULL;
}

int
proc_start(struct proc *p, const struct spawn *s)
{
	posix_spawn_file_actions_t fa, *fap = &fa_plain;
	int rc;

	memset(p, 0, sizeof *p);
	p->pidfd = -1;
	if (s->protofd >= 0) {
		std_actions(&fa);
		posix_spawn_file_actions_adddup2(&fa, s->protofd, opt.bench_fd);
		posix_spawn_file_actions_addclosefrom_np(&fa, opt.bench_fd + 1);
		fap = &fa;
	}
	p->t_start = bp_mono_ns();
	rc = posix_spawn(&p->pid, s->path, fap, &attr, s->argv, s->envp);
	if (fap == &fa)
		posix_spawn_file_actions_destroy(&fa);
	if (rc != 0) {
		p->spawn_errno = rc;
		p->pid = 0;
		return -1;
	}
	pthread_mutex_lock(&w.mu);
	w.pid = p->pid;
	w.why = 0;
	w.kill_at = 0;
	/* the deadline or a signal came while it was starting */
	if (interrupted)
		term_locked(WHY_INTERRUPT, interrupted);
	else if (w.expired)
		term_locked(WHY_TIMEOUT, SIGTERM);
	pthread_mutex_unlock(&w.mu);
	monitor_pid(p->pid);
	return 0;
}

void
proc_stop(struct proc *p)
{
	pthread_mutex_lock(&w.mu);
	if (w.pid == p->pid)
		term_locked(WHY_STOP, SIGTERM);
	pthread_mutex_unlock(&w.mu);
}

/* Splits what arrived into lines.  0 at the end of the stream, 1 when
 * there may be more, 2 when the pipe is empty but still open, -1 when the
 * reader asked to stop the process.  A last line without its newline
 * counts when partial is set, else it is dropped. */
static int
read_lines(struct reader *r, int once, int partial)
{
	struct bp_buf *b = &r->line;
	size_t start, have;
	char *nl;
	ssize_t n;
	int rc = 1;

	for (;;) {
		bp_buf_grow(b, 1 << 20);
		n = read(r->fd, b->p + b->len, b->cap - b->len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return errno == EAGAIN ? 2 : 0;
		if (n == 0) {
			/* a last line without its newline still counts; the
			 * bytes after it are left over from earlier lines */
			b->p[b->len] = '\0';
			if (b->len > 0 && partial &&
			    r->online(r->arg, b->p, b->len) < 0)
				rc = -1;
			b->len = 0;
			if (r->flush(r->arg) < 0)
				rc = -1;
			return rc < 0 ? -1 : 0;
		}
		have = b->len + n;
		start = 0;
		while ((nl = memchr(b->p + start, '\n', have - start))) {
			*nl = '\0';
			if (r->online(r->arg, b->p + start,
			    nl - (b->p + start)) < 0) {
				rc = -1;
				break;
			}
			start = nl + 1 - b->p;
		}
		if (rc < 0) {
			b->len = 0;
			r->flush(r->arg);
			return -1;
		}
		memmove(b->p, b->p + start, have - start);
		b->len = have - start;
		if (b->len > LINE_MAX_BYTES) {
			b->p[b->len] = '\0';
			r->online(r->arg, NULL, b->len);
			b->len = 0;
			r->flush(r->arg);
			return -1;
		}
		if (r->flush(r->arg) < 0)
			return -1;
		if (once)
			return 1;
	}
}

/* Reads the protocol pipe until the process exits. */
static void
read_until_exit(struct proc *p, struct reader *r)
{
	struct pollfd pf[2];
	struct timespec tick = { 0, 10000000 };
	int reading = 1, left = 0, rc;
	siginfo_t si;

	/* Linux 5.3; without a pidfd, look every 10 ms */
	p->pidfd = (int)syscall(SYS_pidfd_open, p->pid, 0);
	for (;;) {
		pf[0] = (struct pollfd){ .fd = p->pidfd, .events = POLLIN };
		pf[1] = (struct pollfd){ .fd = reading ? r->fd : -1,
		    .events = POLLIN };
		if (ppoll(pf, 2, p->pidfd < 0 ? &tick : NULL, NULL) < 0 &&
		    errno != EINTR)
			bp_die_errno("ppoll");
		if (pf[1].revents) {
			rc = read_lines(r, 1, 1);
			if (rc <= 0)
				reading = 0;
			if (rc < 0)
				proc_stop(p);
		}
		si.si_pid = 0;
		if (pf[0].revents || (p->pidfd < 0 && waitid(P_PID, p->pid,
		    &si, WEXITED | WNOHANG | WNOWAIT) == 0 && si.si_pid))
			break;
	}
	/* What it wrote before it exited is in the pipe.  Something it left
	 * running still holds the pipe when a read finds it empty but open,
	 * or when it keeps filling: that could write for ever, so it goes
	 * first (the unreaped leader keeps the group's id ours), and the
	 * line it was killed in the middle of is not the command's. */
	for (int i = 0; reading && !left; i++) {
		rc = i < 16 ? read_lines(r, 1, 1) : 2;
		if (rc == 2)
			left = 1;
		else if (rc <= 0)
			reading = 0;
		if (rc < 0)
			proc_stop(p);
	}
	kill(-p->pid, SIGKILL);
	if (reading && read_lines(r, 0, 0) < 0)
		proc_stop(p);
	if (p->pidfd >= 0)
		close(p->pidfd);
	p->pidfd = -1;
}

void
proc_wait(struct proc *p, struct reader *r)
{
	if (r)
		read_until_exit(p, r);
	while (wait4(p->pid, &p->status, 0, &p->ru) < 0 && errno == EINTR)
		;
	p->t_exit = bp_mono_ns();
	pthread_mutex_lock(&w.mu);
	p->killed = w.why != WHY_NONE;
	p->timed_out = w.why == WHY_TIMEOUT;
	p->interrupted = w.why == WHY_INTERRUPT ? w.sig : 0;
	p->stopped = w.why == WHY_STOP;
	w.pid = 0;
	w.why = 0;
	w.kill_at = 0;
	pthread_mutex_unlock(&w.mu);
	monitor_pid(0);
	/* what it left running in its group; after a pid wrapped round
	 * in the last microseconds this could hit a stranger's group, a
	 * risk the two extra system calls per iteration of waiting
	 * without reaping would remove, at the bare loop's expense */
	kill(-p->pid, SIGKILL);
}

void
sup_kill_current(void)
{
	pthread_mutex_lock(&w.mu);
	if (w.pid > 0)
		signal_group(w.pid, SIGKILL);
	pthread_mutex_unlock(&w.mu);
}
