/* loop.c — poll-based event loop (see loop.h). */
#include "core/loop.h"

#include <signal.h>
#include <stdlib.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

struct watch {
    int fd;
    short events;
    loop_io_fn fn;
    void *ctx;
    uint64_t id;     /* unique for the loop's life: an fd number may be reused */
    uint64_t polled; /* the last poll round that looked at this watch */
};

struct child {
    pid_t pid;
    loop_child_fn fn;
    void *ctx;
};

struct loop {
    struct watch *watches;
    size_t nwatches, capwatches;
    uint64_t next_id, rounds;
    struct child *children;
    size_t nchildren, capchildren;
    int sigfd;
    sigset_t oldmask;
    loop_signal_fn on_signal;
    void *signal_ctx;
    loop_fn on_tick, on_idle;
    struct {
        loop_fn fn;
        void *ctx;
    } ticks[LOOP_MAX_TICKS];
    void *tick_ctx, *idle_ctx;
    int64_t next_tick;
};

int64_t loop_now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void handled_signals(sigset_t *set)
{
    sigemptyset(set);
    sigaddset(set, SIGINT);
    sigaddset(set, SIGTERM);
    sigaddset(set, SIGHUP);
    sigaddset(set, SIGQUIT);
    sigaddset(set, SIGCHLD);
    sigaddset(set, SIGWINCH);
}

void loop_child_reset_signals(void)
{
    sigset_t set;
    handled_signals(&set);
    sigprocmask(SIG_UNBLOCK, &set, NULL);
}

struct loop *loop_new(struct err *e)
{
    struct loop *l = calloc(1, sizeof *l);
    if (!l) {
        err_sys(e, "event loop");
        return NULL;
    }
    sigset_t set;
    handled_signals(&set);
    if (sigprocmask(SIG_BLOCK, &set, &l->oldmask) < 0) {
        err_sys(e, "sigprocmask");
        free(l);
        return NULL;
    }
    l->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
    if (l->sigfd < 0) {
        err_sys(e, "signalfd");
        sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
        free(l);
        return NULL;
    }
    l->next_tick = loop_now_ms() + 1000;
    return l;
}

void loop_free(struct loop *l)
{
    if (!l)
        return;
    close(l->sigfd);
    sigprocmask(SIG_SETMASK, &l->oldmask, NULL);
    free(l->watches);
    free(l->children);
    free(l);
}

static int grow(void **arr, size_t *cap, size_t need, size_t elsize)
{
    if (need <= *cap)
        return 0;
    size_t ncap = *cap ? *cap * 2 : 16;
    while (ncap < need)
        ncap *= 2;
    void *n = realloc(*arr, ncap * elsize);
    if (!n)
        return -1;
    *arr = n;
    *cap = ncap;
    return 0;
}

int loop_watch(struct loop *l, int fd, short events, loop_io_fn fn, void *ctx, struct err *e)
{
    if (grow((void **)&l->watches, &l->capwatches, l->nwatches + 1, sizeof *l->watches) < 0)
        return err_sys(e, "event loop: watch fd %d", fd);
    l->watches[l->nwatches++] = (struct watch){fd, events, fn, ctx, ++l->next_id, 0};
    return 0;
}

static struct watch *find_watch(struct loop *l, int fd)
{
    for (size_t i = 0; i < l->nwatches; i++)
        if (l->watches[i].fd == fd)
            return &l->watches[i];
    return NULL;
}

void loop_set_events(struct loop *l, int fd, short events)
{
    struct watch *w = find_watch(l, fd);
    if (w)
        w->events = events;
}

void loop_unwatch(struct loop *l, int fd)
{
    struct watch *w = find_watch(l, fd);
    if (!w)
        return;
    /* Keep the order (fair round-robin is by position); mark and compact. */
    size_t i = (size_t)(w - l->watches);
    for (; i + 1 < l->nwatches; i++)
        l->watches[i] = l->watches[i + 1];
    l->nwatches--;
}

int loop_watch_child(struct loop *l, pid_t pid, loop_child_fn fn, void *ctx, struct err *e)
{
    if (grow((void **)&l->children, &l->capchildren, l->nchildren + 1, sizeof *l->children) < 0)
        return err_sys(e, "event loop: watch child %d", (int)pid);
    l->children[l->nchildren++] = (struct child){pid, fn, ctx};
    return 0;
}

void loop_unwatch_child(struct loop *l, pid_t pid)
{
    for (size_t i = 0; i < l->nchildren; i++) {
        if (l->children[i].pid == pid) {
            l->children[i] = l->children[--l->nchildren];
            return;
        }
    }
}

void loop_on_signal(struct loop *l, loop_signal_fn fn, void *ctx)
{
    l->on_signal = fn;
    l->signal_ctx = ctx;
}

void loop_on_tick(struct loop *l, loop_fn fn, void *ctx)
{
    l->on_tick = fn;
    l->tick_ctx = ctx;
}

int loop_add_tick(struct loop *l, loop_fn fn, void *ctx, struct err *e)
{
    for (int i = 0; i < LOOP_MAX_TICKS; i++) {
        if (!l->ticks[i].fn) {
            l->ticks[i].fn = fn;
            l->ticks[i].ctx = ctx;
            return 0;
        }
    }
    return err_set(e, "event loop: more than %d tick callbacks", LOOP_MAX_TICKS);
}

void loop_remove_tick(struct loop *l, loop_fn fn, void *ctx)
{
    for (int i = 0; i < LOOP_MAX_TICKS; i++)
        if (l->ticks[i].fn == fn && l->ticks[i].ctx == ctx)
            l->ticks[i].fn = NULL;
}

void loop_on_idle(struct loop *l, loop_fn fn, void *ctx)
{
    l->on_idle = fn;
    l->idle_ctx = ctx;
}

/* Reaps every watched child that has exited. Only watched pids are waited for,
 * so children owned by someone else (e.g. a library) are left alone. */
static void reap_children(struct loop *l)
{
    for (size_t i = 0; i < l->nchildren;) {
        int st;
        pid_t r = waitpid(l->children[i].pid, &st, WNOHANG);
        if (r == l->children[i].pid || (r < 0 && errno == ECHILD)) {
            struct child c = l->children[i];
            l->children[i] = l->children[--l->nchildren];
            if (r < 0)
                st = 0;
            c.fn(c.ctx, c.pid, st);
            i = 0; /* the callback may have changed the list */
            continue;
        }
        i++;
    }
}

static void read_signals(struct loop *l)
{
    struct signalfd_siginfo si;
    bool chld = false;
    while (read(l->sigfd, &si, sizeof si) == (ssize_t)sizeof si) {
        if (si.ssi_signo == SIGCHLD)
            chld = true;
        else if (l->on_signal)
            l->on_signal(l->signal_ctx, (int)si.ssi_signo);
    }
    if (chld)
        reap_children(l);
}

/* The watch with ID, or NULL once it was removed. Watches keep their order and
 * new ones are appended, so it sits at or before its index in the snapshot. */
static struct watch *watch_by_id(struct loop *l, uint64_t id, size_t hint)
{
    if (l->nwatches == 0)
        return NULL;
    for (size_t i = hint < l->nwatches ? hint + 1 : l->nwatches; i-- > 0;)
        if (l->watches[i].id == id)
            return &l->watches[i];
    return NULL;
}

/* Serves one poll round. The poll array and the ids are a private snapshot:
 * callbacks may add or remove watches (the watch array moves) or run a round of
 * their own (a command waiting for a guest) without touching it. */
static int poll_and_dispatch(struct loop *l, int wait, struct err *e)
{
    size_t n = l->nwatches;
    struct pollfd *pfds = malloc((n + 1) * sizeof *pfds + n * sizeof(uint64_t));
    if (!pfds)
        return err_sys(e, "event loop: poll");
    uint64_t *ids = (uint64_t *)(pfds + n + 1);
    uint64_t round = ++l->rounds;
    for (size_t i = 0; i < n; i++) {
        struct watch *w = &l->watches[i];
        /* no events: not polled at all (poll reports POLLHUP even for events 0) */
        pfds[i] = (struct pollfd){.fd = w->events ? w->fd : -1, .events = w->events};
        ids[i] = w->id;
        w->polled = round;
    }
    pfds[n] = (struct pollfd){.fd = l->sigfd, .events = POLLIN};
    int r = poll(pfds, n + 1, wait);
    if (r < 0 && errno != EINTR) {
        err_sys(e, "poll");
        free(pfds);
        return -1;
    }
    for (size_t i = 0; r > 0 && i < n; i++) {
        if (!pfds[i].revents)
            continue;
        struct watch *w = watch_by_id(l, ids[i], i);
        /* gone, or a nested round polled it since: these events are stale */
        if (!w || w->polled != round || !w->events)
            continue;
        short rev = pfds[i].revents & (w->events | POLLERR | POLLHUP | POLLNVAL);
        if (rev)
            w->fn(w->ctx, w->fd, rev);
    }
    if (r > 0 && pfds[n].revents)
        read_signals(l);
    free(pfds);
    return 0;
}

int loop_run_once(struct loop *l, int max_wait_ms, struct err *e)
{
    int64_t now = loop_now_ms();
    int wait = (int)(l->next_tick - now);
    if (wait < 0)
        wait = 0;
    if (max_wait_ms >= 0 && max_wait_ms < wait)
        wait = max_wait_ms;
    if (poll_and_dispatch(l, wait, e) < 0)
        return -1;

    now = loop_now_ms();
    if (now >= l->next_tick) {
        /* What the events changed (a key's echo) is drawn before the tick's
         * work (the side pane's refresh), not after it. */
        if (l->on_idle)
            l->on_idle(l->idle_ctx);
        l->next_tick = now + 1000 - (now - l->next_tick) % 1000;
        reap_children(l); /* belt and braces: a SIGCHLD may coalesce */
        for (int i = 0; i < LOOP_MAX_TICKS; i++)
            if (l->ticks[i].fn)
                l->ticks[i].fn(l->ticks[i].ctx);
        if (l->on_tick)
            l->on_tick(l->tick_ctx);
    }
    if (l->on_idle)
        l->on_idle(l->idle_ctx);
    return 0;
}
