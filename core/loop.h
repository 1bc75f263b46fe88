/* loop.h — the event loop: one poll over every fd, a signalfd, a 1-second tick.
 * It owns the process's mutable runtime state (watches, children, signals).
 * Reentrant for waiting: a command may call loop_run_once() in a loop while it
 * waits for a guest, and every fd keeps being served meanwhile. */
#ifndef UMLAB_LOOP_H
#define UMLAB_LOOP_H

#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include "base/err.h"

struct loop;

typedef void (*loop_io_fn)(void *ctx, int fd, short revents);
typedef void (*loop_child_fn)(void *ctx, pid_t pid, int wstatus);
typedef void (*loop_signal_fn)(void *ctx, int signo);
typedef void (*loop_fn)(void *ctx);

struct loop *loop_new(struct err *e);
void loop_free(struct loop *l);

int loop_watch(struct loop *l, int fd, short events, loop_io_fn fn, void *ctx, struct err *e);
/* EVENTS 0 disarms the fd: it is not polled at all (not even for POLLHUP). */
void loop_set_events(struct loop *l, int fd, short events);
void loop_unwatch(struct loop *l, int fd);

/* FN runs once when PID exits (reaped by the loop on SIGCHLD). */
int loop_watch_child(struct loop *l, pid_t pid, loop_child_fn fn, void *ctx, struct err *e);
void loop_unwatch_child(struct loop *l, pid_t pid);

/* SIGINT/SIGTERM/SIGHUP/SIGQUIT/SIGWINCH are delivered to FN (they are blocked and read
 * through a signalfd). Only one handler. */
void loop_on_signal(struct loop *l, loop_signal_fn fn, void *ctx);
/* Called once a second (for counters) and after each batch of events (for redraw). */
void loop_on_tick(struct loop *l, loop_fn fn, void *ctx);
/* More once-a-second callbacks, for the engine (the single hook above belongs
 * to the front end). At most LOOP_MAX_TICKS. */
#define LOOP_MAX_TICKS 4
int loop_add_tick(struct loop *l, loop_fn fn, void *ctx, struct err *e);
void loop_remove_tick(struct loop *l, loop_fn fn, void *ctx);
/* After each round of events (for redraw); in a round with a tick, also
 * before the tick callbacks, so what the events changed is shown first. */
void loop_on_idle(struct loop *l, loop_fn fn, void *ctx);

/* Waits at most MAX_WAIT_MS (-1: until the next tick) for events and serves them. */
int loop_run_once(struct loop *l, int max_wait_ms, struct err *e);

/* Milliseconds of CLOCK_MONOTONIC. */
int64_t loop_now_ms(void);

/* Restores the signal mask (for children: called between fork and exec). */
void loop_child_reset_signals(void);

#endif
